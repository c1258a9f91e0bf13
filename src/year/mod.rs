//! Plan years: one pay period of a scheduled plan, computed from that period's actuals and the
//! ledger of the periods closed before it.
//!
//! Built on the single-period engine: for each person it computes the pay period (quota and
//! target incentive phased and prorated to the period) and the year to date (actuals summed
//! over the closed periods and this one, quota phased to date), each once with the exact
//! engine; then takes each line from its window, pays a year-to-date line's true-up (earned to
//! date minus already credited), splits instalments, claws back, and tops up to the draw.
//! Semantics: `docs/plan-format.md`, "Plan years".

pub mod json;
pub mod ledger;
pub mod scope;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use foldhash::{HashMap, HashSet};
use rust_decimal::Decimal;

use crate::engine::{
    CompiledPlan, Detail, EmployeeError, EmployeePayout, Line, LineKind, LineNames, Name, PayoutReport, Scale, Scales,
    Totals,
};
use crate::money;
use crate::num::Rational;
use crate::plan::schedule::{ANNUAL_QUOTA, ANNUAL_TARGET_INCENTIVE, BalancePolicy, YTD_PREFIX};
use crate::plan::{Component, PayPeriod, Period, Plan, Problem, Window};
use crate::roster::join::{Found, Index, JoinKey};
use crate::roster::{Employee, Roster};
pub use ledger::{Closed, Instalment, Ledger, LineRecord, PeriodEntry, PersonRecord};
pub use scope::{PeriodView, Scope, common_periods, period_view};

/// Why a pay period could not be computed or closed.
#[derive(Debug, thiserror::Error)]
pub enum YearError {
    /// The plan has no schedule.
    #[error(
        "the plan has no \"schedule\", so it has no pay periods; --period and --ledger need a plan year (see docs/plan-format.md, \"Plan years\")"
    )]
    NoSchedule,
    /// The plan (or its schedule) has errors.
    #[error("the plan has {} problem(s):{}", .0.len(), .0.iter().map(|p| format!("\n  {p}")).collect::<String>())]
    Plan(Vec<Problem>),
    /// No pay period has that name.
    #[error("no pay period `{name}` in the plan year; the periods are {periods}")]
    UnknownPeriod {
        /// The name asked for.
        name: String,
        /// The schedule's names.
        periods: String,
    },
    /// A period before the one asked for is not closed in the ledger.
    #[error(
        "period {missing} is not closed in the ledger, so {period} cannot be computed from it; close {order} first"
    )]
    NotClosed {
        /// The period asked for.
        period: String,
        /// The first earlier period not closed.
        missing: String,
        /// The earlier periods still to close, in the order to close them (`2026-08`, or
        /// `2026-07, then 2026-08`).
        order: String,
    },
    /// The ledger file could not be read or is not a ledger.
    #[error("could not read ledger {}: {message}", path.display())]
    LedgerRead {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The ledger belongs to another version of the plan.
    #[error(
        "ledger {} was closed with another version of the plan (\"{ledger_plan}\", canonical sha256 {ledger_sha}); this plan's canonical sha256 is {plan_sha} (the SHA-256 of the plan's canonical text, which export reconciliations of plan years also give). The periods it records ({closed}) were paid under that version, so Carrot will not compute later periods from them with a changed plan: restore that plan file, or start a new ledger for the new plan version", path.display()
    )]
    ForeignLedger {
        /// The ledger file.
        path: PathBuf,
        /// The plan name the ledger records.
        ledger_plan: String,
        /// The plan hash the ledger records.
        ledger_sha: String,
        /// This plan's hash.
        plan_sha: String,
        /// The periods the ledger holds.
        closed: String,
    },
    /// Closing a period already closed with other figures, without reopening.
    #[error(
        "period {period} is already closed with other figures; it is never recomputed silently. Reopen it explicitly (carrot close --reopen) to replace them. What would change:{}",
        list(difference)
    )]
    ClosedDiffers {
        /// The period.
        period: String,
        /// What would change, per person.
        difference: Vec<String>,
    },
    /// Reopening a period other than the last closed one.
    #[error(
        "period {period} cannot be reopened: {last} was closed after it and was computed from it; only the last closed period ({last}) can be reopened"
    )]
    ReopenNotLast {
        /// The period.
        period: String,
        /// The last closed period.
        last: String,
    },
    /// The ledger could not be written (it is unchanged).
    #[error("could not write ledger {}: {source}", path.display())]
    LedgerWrite {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: crate::fsx::WriteError,
    },
    /// A roster column has a name the plan year reserves.
    #[error(
        "the roster has a column `{0}`, a name a plan year gives to its own metrics (ytd_<metric>, annual_quota, annual_target_incentive); rename the column"
    )]
    ReservedColumn(String),
    /// A plan compared or simulated on a pay period has no schedule.
    #[error(
        "{plan} has no \"schedule\", so it has no pay periods; --period compares and simulates plan years only (every plan, the baseline too, needs the same schedule of pay periods)"
    )]
    NotScheduled {
        /// The plan (its file, or its name in the app).
        plan: String,
    },
    /// Plans compared or simulated on one pay period whose schedules differ.
    #[error(
        "{first} and {other} have different pay periods ({detail}); plans are compared on a pay period only when their schedules give the same periods (quota phasing may differ)"
    )]
    DifferentSchedules {
        /// The first plan.
        first: String,
        /// The plan whose periods differ.
        other: String,
        /// The first difference.
        detail: String,
    },
    /// A schedule names a pay period `year`, the name of the whole plan year.
    #[error(
        "{plan} has a pay period named `year`, which --period reads as the whole plan year; rename that period in the schedule"
    )]
    YearNamed {
        /// The plan.
        plan: String,
    },
    /// A person's phased share of quota cannot be held exactly.
    #[error("the phased share of quota of {employee} is too fine to compute exactly")]
    ShareTooFine {
        /// The person's id.
        employee: String,
    },
    /// A person's people or paid-to-date figures could not be recorded.
    #[error("the ledger has no figures for {0}; it is damaged")]
    Damaged(String),
    /// People of the ledger missing from a period's actuals although nothing says they left.
    #[error(
        "period {period} is not closed or exported: {} in the ledger {} missing from it although nothing says they \
         left before {period} (no end date, or a later one), so what they are owed would go unpaid and \
         unrecorded:{}\nAdd each one's row to the actuals, in a role the plan covers: with their end_date if they \
         left (the plan's leaving rules then apply), otherwise with their actuals for the period (0 where they have \
         none)",
        if people.len() == 1 { "1 person".to_owned() } else { format!("{} people", people.len()) },
        if people.len() == 1 { "is" } else { "are" },
        list(people)
    )]
    Absent {
        /// The period.
        period: String,
        /// Each person, described ([`Absent::describe`]).
        people: Vec<String>,
    },
}

/// A person of the ledger who is not in a period's actuals although nothing says they left
/// before it: their last closed record has no end date, or one inside or after the period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Absent {
    /// Their id in the ledger.
    pub employee_id: String,
    /// Their name in the ledger.
    pub name: String,
    /// The last closed period they were in.
    pub last_period: String,
    /// The end date recorded then, if any.
    pub end_date: Option<chrono::NaiveDate>,
    /// When they are in the actuals, but in a role that no track of the plan covers: the role.
    pub uncovered_role: Option<String>,
}

impl Absent {
    /// `300 (Carla Cruz; last in 2026-08, no end date)`.
    pub fn describe(&self) -> String {
        format!(
            "{} ({}; last in {}, {}{})",
            self.employee_id,
            self.name,
            self.last_period,
            self.end_date.map_or_else(|| "no end date".to_owned(), |d| format!("end date {d}")),
            self.uncovered_role
                .as_ref()
                .map(|r| format!("; in the actuals as role `{r}`, which no track of the plan covers"))
                .unwrap_or_default()
        )
    }
}

/// The people of `history` (the ledger's records before pay period `period`, by id) that
/// `present` does not find, and that nothing says left before the period: the last record has
/// no end date, or one on or after the period's first day. Sorted by id.
fn absent_people(
    year: &PlanYear,
    period: &PayPeriod,
    history: &HashMap<&str, History<'_>>,
    present: &dyn Fn(&str) -> bool,
) -> Vec<Absent> {
    let mut out: Vec<Absent> = history
        .iter()
        .filter(|(id, _)| !present(id))
        .filter_map(|(id, h)| {
            let (j, r) = h.last()?;
            if r.end_date.is_some_and(|d| d < period.start) {
                return None;
            }
            Some(Absent {
                employee_id: (*id).to_owned(),
                name: r.name.clone(),
                last_period: year.periods.get(*j).map(|p| p.name.clone()).unwrap_or_default(),
                end_date: r.end_date,
                uncovered_role: None,
            })
        })
        .collect();
    out.sort_by(|a, b| a.employee_id.cmp(&b.employee_id));
    out
}

/// The ledger's records of the periods before `k`, by person, in period order; `Err(j)`: period
/// `j` is not closed.
fn ledger_history<'l>(ledger: &'l Ledger, year: &PlanYear, k: usize) -> Result<HashMap<&'l str, History<'l>>, usize> {
    let mut history: HashMap<&str, History<'_>> = HashMap::default();
    for (j, p) in year.periods.iter().enumerate().take(k) {
        let entry = ledger.effective(&p.name).ok_or(j)?;
        for r in &entry.people {
            history.entry(r.employee_id.as_str()).or_default().push((j, r));
        }
    }
    Ok(history)
}

/// Refuses to close pay period `entry.period` of `plan` when people of `ledger` are missing
/// from it although nothing says they left ([`YearError::Absent`]).
pub(crate) fn check_nobody_absent(ledger: &Ledger, plan: &Plan, entry: &PeriodEntry) -> Result<(), YearError> {
    let Ok(year) = PlanYear::of(plan) else { return Ok(()) };
    let Ok(k) = year.index(&entry.period) else { return Ok(()) };
    let Some(period) = year.periods.get(k) else { return Ok(()) };
    let Ok(history) = ledger_history(ledger, &year, k) else { return Ok(()) };
    let ids: HashSet<&str> = entry.people.iter().map(|p| p.employee_id.as_str()).collect();
    let absent = absent_people(&year, period, &history, &|id| ids.contains(id));
    if absent.is_empty() {
        return Ok(());
    }
    Err(YearError::Absent { period: entry.period.clone(), people: absent.iter().map(Absent::describe).collect() })
}

/// Up to twenty warnings of one kind, then how many more (`about …` says of what).
fn capped(mut warnings: Vec<String>, about: &str) -> Vec<String> {
    if warnings.len() > 20 {
        let more = warnings.len() - 20;
        warnings.truncate(20);
        warnings.push(format!("… and {more} more warnings like these {about}"));
    }
    warnings
}

/// Up to twenty lines of a difference, then how many more.
fn list(lines: &[String]) -> String {
    let mut out: String = lines.iter().take(20).map(|d| format!("\n  {d}")).collect();
    if lines.len() > 20 {
        out.push_str(&format!("\n  … and {} more", lines.len() - 20));
    }
    out
}

/// A plan's year: its pay periods and each one's share of the annual quota and TI.
#[derive(Clone, Debug)]
pub struct PlanYear {
    /// The pay periods, in order.
    pub periods: Vec<PayPeriod>,
    /// Each period's exact share (they add up to 1).
    pub shares: Vec<Rational>,
}

impl PlanYear {
    /// The plan's year; `Err(NoSchedule)` for a single-period plan.
    pub fn of(plan: &Plan) -> Result<Self, YearError> {
        let schedule = plan.schedule.as_ref().ok_or(YearError::NoSchedule)?;
        let periods = schedule.pay_periods(plan.period).map_err(|p| YearError::Plan(vec![p]))?;
        let shares = schedule.shares(periods.len()).map_err(|p| YearError::Plan(vec![p]))?;
        Ok(Self { periods, shares })
    }

    /// The index of a period by name.
    pub fn index(&self, name: &str) -> Result<usize, YearError> {
        self.periods.iter().position(|p| p.name == name).ok_or_else(|| YearError::UnknownPeriod {
            name: name.to_owned(),
            periods: self.periods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", "),
        })
    }

    /// The share of the annual quota/TI a person employed `start..=end` gets in periods
    /// `from..=to`: Σ share × days employed ÷ days.
    pub fn share(&self, from: usize, to: usize, e: &Employee) -> Rational {
        let mut sum = Rational::ZERO;
        for (p, s) in self.periods.iter().zip(&self.shares).take(to + 1).skip(from) {
            let days = p.days();
            let employed = p.employed_days(e.start_date, e.end_date);
            if days > 0 && employed > 0 {
                let f = Rational::new(i128::from(employed), i128::from(days)).unwrap_or(Rational::ZERO);
                sum = sum.add(&s.mul(&f));
            }
        }
        sum
    }
}

/// A person's figures for the year to date, after the period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Ytd {
    /// What the lines earned to date (year-to-date lines: to date; period lines: summed).
    pub earned: Decimal,
    /// What was paid to date, this period included.
    pub paid: Decimal,
    /// Recoverable draw balance still owed.
    pub draw_balance: Decimal,
    /// Instalments earned but not yet paid.
    pub pending: Decimal,
    /// Negative true-ups carried against later true-ups (≤ 0).
    pub carried: Decimal,
    /// Clawed back to date (≤ 0).
    pub clawed_back: Decimal,
    /// Draws paid to date.
    pub draws: Decimal,
    /// Attainment to date (the year-to-date metric ÷ the quota to date) of the first line that
    /// measures attainment, as the year-to-date lines are paid on it; `None` when the person's
    /// track has no year-to-date line (its lines pay on the period's own attainment).
    pub attainment: Option<Decimal>,
}

impl Ytd {
    /// Instalments earned but not yet paid.
    pub fn pending(&self) -> Decimal {
        self.pending
    }
}

/// One pay period computed.
#[derive(Clone, Debug)]
pub struct PeriodResult {
    /// The period.
    pub period: PayPeriod,
    /// Its index in the year.
    pub index: usize,
    /// The payouts, with the year's line kinds, ready for output and export.
    pub report: PayoutReport,
    /// Per person in `report.employees` (same order): the figures to record.
    pub records: Vec<PersonRecord>,
    /// Per person in `report.employees`: year-to-date figures.
    pub ytd: Vec<Ytd>,
    /// Notes for the reader (no ledger, people who left, ...).
    pub warnings: Vec<String>,
    /// People of the ledger missing from the period's actuals although nothing says they left:
    /// the period is not closed or exported without them ([`PeriodResult::payable`]).
    pub absent: Vec<Absent>,
}

impl PeriodResult {
    /// Whether the period can be closed or exported: not when people of the ledger are
    /// missing from its actuals although nothing says they left ([`YearError::Absent`]).
    pub fn payable(&self) -> Result<(), YearError> {
        if self.absent.is_empty() {
            return Ok(());
        }
        Err(YearError::Absent {
            period: self.period.name.clone(),
            people: self.absent.iter().map(Absent::describe).collect(),
        })
    }

    /// The ledger entry closing this period records.
    pub fn entry(&self) -> PeriodEntry {
        PeriodEntry {
            period: self.period.name.clone(),
            start: self.period.start,
            end: self.period.end,
            action: ledger::Action::Close,
            difference: Vec::new(),
            total: self.report.totals.total,
            people: self.records.clone(),
        }
    }
}

/// The first columns of a window's roster, from a person and their year-to-date values.
type Columns<'a> = dyn Fn(&Employee, &[Option<Decimal>]) -> Vec<Option<Decimal>> + 'a;

/// The earlier periods a person was recorded in, in order, with their index.
type History<'a> = Vec<(usize, &'a PersonRecord)>;

/// Computes pay period `name` of `plan` on `roster` (that period's actuals), from `ledger`
/// (the periods closed before it). Without a ledger the period is computed on its own, as if
/// nothing had been earned or paid before it (a warning says so).
pub fn compute_period(
    plan: &Plan,
    roster: &Roster,
    name: &str,
    ledger: Option<&Ledger>,
    detail: Detail,
) -> Result<PeriodResult, YearError> {
    let year = PlanYear::of(plan)?;
    let k = year.index(name)?;
    let problems: Vec<Problem> = crate::plan::validate(plan).into_iter().filter(Problem::is_error).collect();
    if !problems.is_empty() {
        return Err(YearError::Plan(problems));
    }
    let period = year.periods.get(k).cloned().ok_or(YearError::NoSchedule)?;
    let mut warnings = Vec::new();
    let mut history: HashMap<&str, History<'_>> = HashMap::default();
    let standalone = ledger.is_none();
    match ledger {
        None => {
            if k > 0 {
                warnings.push(format!(
                    "no --ledger: period {name} is computed on its own actuals, as if nothing had been earned or paid \
                     earlier in the plan year (year-to-date lines measure this period only)"
                ));
            }
        }
        Some(l) => {
            history = ledger_history(l, &year, k).map_err(|j| {
                // The periods still to close, in order, from the first not closed.
                let open: Vec<&str> = year
                    .periods
                    .iter()
                    .take(k)
                    .skip(j)
                    .filter(|p| l.effective(&p.name).is_none())
                    .map(|p| p.name.as_str())
                    .collect();
                YearError::NotClosed {
                    period: name.to_owned(),
                    missing: year.periods.get(j).map(|p| p.name.clone()).unwrap_or_default(),
                    order: open.join(", then "),
                }
            })?;
        }
    }
    // An id of the ledger written with leading zeros added or dropped is the ledger's person.
    let (matched, renamed) = match_ledger_ids(roster, &history);
    warnings.extend(renamed);
    let roster: &Roster = &matched;
    // Someone whose row is there in a role no track covers is not computed, nor recorded: as missing.
    let absent = {
        let covered = |e: &&Employee| plan.track_for(&e.role).is_some();
        let present: HashSet<&str> = roster.employees.iter().filter(covered).map(|e| &*e.id).collect();
        let mut absent = absent_people(&year, &period, &history, &|id| present.contains(id));
        if !absent.is_empty() {
            let roles: HashMap<&str, &str> = roster.employees.iter().map(|e| (&*e.id, &*e.role)).collect();
            for a in &mut absent {
                a.uncovered_role = roles.get(a.employee_id.as_str()).map(|r| (*r).to_owned());
            }
        }
        absent
    };
    if !absent.is_empty() {
        warnings.push(format!(
            "{} in the ledger {} not in {name}'s actuals although nothing says they left before {name} (no end \
             date, or a later one): they are not computed, and {name} is not closed or exported without them. Add \
             each one's row: with their end_date if they left, otherwise with their actuals (0 where none):{}",
            if absent.len() == 1 { "1 person".to_owned() } else { format!("{} people", absent.len()) },
            if absent.len() == 1 { "is" } else { "are" },
            list(&absent.iter().map(Absent::describe).collect::<Vec<_>>())
        ));
    }
    let (from, window_start) = if standalone { (k, period.start) } else { (0, plan.period.start) };

    // The metric columns every run sees: the roster's, then ytd_<metric>, then the annual amounts.
    let base = roster.metrics.len();
    let mut names = roster.metrics.clone();
    for m in &roster.metrics {
        names.push(format!("{YTD_PREFIX}{m}"));
    }
    names.push(ANNUAL_QUOTA.to_owned());
    names.push(ANNUAL_TARGET_INCENTIVE.to_owned());
    if let Some(n) = names.iter().skip(base).find(|n| roster.metrics.contains(n)) {
        return Err(YearError::ReservedColumn(n.clone()));
    }
    let empty: History<'_> = Vec::new();
    let hist_of = |e: &Employee| history.get(&*e.id).unwrap_or(&empty);
    // Actuals count only for periods in which the person was employed (by the dates in force).
    let employed =
        |j: usize, e: &Employee| year.periods.get(j).is_some_and(|p| p.employed_days(e.start_date, e.end_date) > 0);
    let employed_now = |e: &Employee| period.employed_days(e.start_date, e.end_date) > 0;
    if let Some(same) = same_as_last(roster, &history, &year, k) {
        warnings.push(same);
    }
    let (mut not_employed, mut changed) = (Vec::new(), Vec::new());
    for e in &roster.employees {
        not_employed.extend(not_employed_actuals(&year, &roster.metrics, k, e, hist_of(e), &employed));
        if let Some((j, r)) = hist_of(e).last() {
            changed.extend(changed_since(e, r, year.periods.get(*j).map_or("", |p| p.name.as_str()), name, plan));
        }
    }
    warnings.extend(capped(not_employed, &format!("about actuals that count for nothing in {name}")));
    warnings.extend(capped(changed, "about annual amounts or start dates changed since the last closed period"));
    let ytd_values = |e: &Employee| -> Vec<Option<Decimal>> {
        let now_counts = employed_now(e);
        roster
            .metrics
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let before: Vec<Decimal> = hist_of(e)
                    .iter()
                    .filter(|(j, _)| employed(*j, e))
                    .filter_map(|(_, r)| r.metrics.get(m).copied())
                    .collect();
                let now = e.metric(i).map(|v| if now_counts { v } else { Decimal::ZERO });
                match (now, before.is_empty()) {
                    (None, true) => None,
                    (now, _) => Some(before.iter().copied().sum::<Decimal>() + now.unwrap_or_default()),
                }
            })
            .collect()
    };
    let build = |first: &Columns<'_>| -> Roster {
        let employees = roster
            .employees
            .iter()
            .map(|e| {
                let ytd = ytd_values(e);
                let mut metrics = first(e, &ytd);
                metrics.extend(ytd);
                metrics.push(e.quota);
                metrics.push(e.target_incentive);
                Employee { metrics, ..e.clone() }
            })
            .collect();
        Roster { metrics: names.clone(), employees, sources: roster.sources.clone(), joined: roster.joined.clone() }
    };
    let period_roster = build(&|e, _| e.metrics.clone());
    let ytd_roster = build(&|_, ytd| ytd.to_vec());
    let cancel_roster = build(&|e, _| e.metrics.iter().map(|m| m.map(|v| v.abs())).collect());

    let mut share_errors: HashMap<usize, String> = HashMap::default();
    let mut shares = |from: usize| -> HashMap<crate::roster::Text, (i64, i64)> {
        let mut out = HashMap::default();
        for (i, e) in roster.employees.iter().enumerate() {
            let s = year.share(from, k, e);
            match s.parts().and_then(|(n, d)| Some((i64::try_from(n).ok()?, i64::try_from(d).ok()?))) {
                Some(p) => {
                    out.insert(Arc::clone(&e.id), p);
                }
                None => {
                    share_errors.insert(i, "the phased share of quota is too fine to compute exactly".to_owned());
                }
            }
        }
        out
    };
    let period_shares = shares(k);
    let ytd_shares = shares(from);
    // The engine computes each window as a single-period plan: the window's dates, no schedule,
    // every line measuring the values it is given.
    let plan_at = |start| window_plan(plan, Period { start, end: period.end });
    let (plan_p, plan_y) = (plan_at(period.start), plan_at(window_start));
    let compiled_p =
        CompiledPlan::new(&plan_p, &period_roster).map_err(YearError::Plan)?.with_shares(period_shares.clone());
    // The year to date counts each period at the annual quota and target incentive in force in it.
    let mut ytd_scales = Scales::default();
    if !standalone {
        for e in &roster.employees {
            match in_force_scale(plan, &year, k, e, hist_of(e)) {
                Ok(Some(scale)) => {
                    ytd_scales.insert(Arc::clone(&e.id), scale);
                }
                Ok(None) => {}
                Err(w) => warnings.push(w),
            }
        }
    }
    let compiled_y = CompiledPlan::new(&plan_y, &ytd_roster)
        .map_err(YearError::Plan)?
        .with_shares(ytd_shares)
        .with_scales(ytd_scales);
    let rp = compiled_p.report(&plan_p, &period_roster, detail);
    let ry = compiled_y.report(&plan_y, &ytd_roster, detail);
    let clawback = plan.schedule.as_ref().and_then(|s| s.clawback.as_ref());
    let rc = match clawback {
        Some(c) if c.cancelled_deals => {
            let compiled_c =
                CompiledPlan::new(&plan_p, &cancel_roster).map_err(YearError::Plan)?.with_shares(period_shares);
            Some(compiled_c.report(&plan_p, &cancel_roster, Detail::AmountsOnly))
        }
        _ => None,
    };
    let by_index = |r: &PayoutReport| -> HashMap<usize, usize> {
        r.employees.iter().enumerate().map(|(pos, e)| (e.index, pos)).collect()
    };
    let (ip, iy) = (by_index(&rp), by_index(&ry));
    let ic = rc.as_ref().map(by_index).unwrap_or_default();

    let ctx = Ctx { plan, year: &year, k, standalone, dp: rp.minor_units, metric_names: &roster.metrics };
    let mut report = PayoutReport {
        plan: plan.name.clone(),
        currency: rp.currency.clone(),
        minor_units: rp.minor_units,
        period: Period { start: period.start, end: period.end },
        employees: Vec::new(),
        not_covered: rp.not_covered.clone(),
        errors: Vec::new(),
        totals: Totals::default(),
    };
    let mut records = Vec::new();
    let mut ytds = Vec::new();
    let mut report_notes = Vec::new();
    let errors_of = |r: &PayoutReport, i: usize| -> Vec<EmployeeError> {
        r.errors.iter().filter(|e| e.index == i).cloned().collect()
    };
    for (i, e) in roster.employees.iter().enumerate() {
        if rp.not_covered.iter().any(|n| n.index == i) {
            continue;
        }
        let mut errs = errors_of(&rp, i);
        for err in errors_of(&ry, i) {
            if !errs.iter().any(|x| x.message == err.message && x.component == err.component) {
                errs.push(err);
            }
        }
        if let Some(msg) = share_errors.get(&i) {
            errs.push(EmployeeError {
                index: i,
                employee_id: e.id.clone(),
                name: e.name.clone(),
                role: e.role.clone(),
                team: e.team.clone(),
                component: None,
                message: msg.clone(),
            });
        }
        let (Some(pp), Some(py)) =
            (ip.get(&i).and_then(|&x| rp.employees.get(x)), iy.get(&i).and_then(|&x| ry.employees.get(x)))
        else {
            report.errors.extend(errs);
            continue;
        };
        if !errs.is_empty() {
            report.errors.extend(errs);
            continue;
        }
        let pc = ic.get(&i).and_then(|&x| rc.as_ref().and_then(|r| r.employees.get(x)));
        let (payout, record, ytd, notes) = ctx.person(e, hist_of(e), pp, py, pc);
        report_notes.extend(notes);
        report.employees.push(payout);
        records.push(record);
        ytds.push(ytd);
    }
    report.totals = totals(plan, &report, &rp);
    warnings.extend(report_notes);
    Ok(PeriodResult { period, index: k, report, records, ytd: ytds, warnings, absent })
}

/// The actuals with each id that differs from a ledger id only by leading zeros (`0100` for
/// `100`: spreadsheets add and drop them) written as the ledger's, so that the person keeps
/// their history, with a warning for each. Ids are matched as `--metrics` joins match them
/// ([`Index`]); only when the names agree, the row's id is no ledger person of its own, and no
/// other ledger id claims the row.
fn match_ledger_ids<'r>(roster: &'r Roster, history: &HashMap<&str, History<'_>>) -> (Cow<'r, Roster>, Vec<String>) {
    let mut warnings = Vec::new();
    if history.is_empty() {
        return (Cow::Borrowed(roster), warnings);
    }
    let Ok(index) = Index::new(roster, JoinKey::EmployeeId) else { return (Cow::Borrowed(roster), warnings) };
    let present: HashSet<&str> = roster.employees.iter().map(|e| &*e.id).collect();
    let mut ids: Vec<&str> = history.keys().copied().filter(|id| !present.contains(id)).collect();
    ids.sort_unstable();
    let mut claims: BTreeMap<usize, Vec<(&str, &PersonRecord)>> = BTreeMap::new();
    for id in ids {
        let (Found::One(i), Some((_, r))) = (index.find(id), history.get(id).and_then(|h| h.last())) else { continue };
        if roster.employees.get(i).is_some_and(|e| !history.contains_key(&*e.id)) {
            claims.entry(i).or_default().push((id, r));
        }
    }
    if claims.is_empty() {
        return (Cow::Borrowed(roster), warnings);
    }
    let same_name =
        |a: &str, b: &str| a.split_whitespace().map(str::to_lowercase).eq(b.split_whitespace().map(str::to_lowercase));
    let mut out = roster.clone();
    for (i, claimants) in claims {
        let Some(e) = out.employees.get_mut(i) else { continue };
        match claimants.as_slice() {
            [(id, r)] if same_name(&r.name, &e.name) => {
                warnings.push(format!(
                    "employee_id {} ({}) in the actuals is {id} in the ledger: the ids differ only by leading zeros \
                     (a spreadsheet adds or drops them), so the row is computed, recorded and exported as {id}, with \
                     {id}'s history",
                    e.id, e.name
                ));
                e.id = crate::roster::Text::from(*id);
            }
            [(id, r)] => warnings.push(format!(
                "employee_id {} ({}) in the actuals differs from {id} ({}) in the ledger only by leading zeros, but \
                 the names differ: not taken for the same person",
                e.id, e.name, r.name
            )),
            several => warnings.push(format!(
                "employee_id {} ({}) in the actuals differs only by leading zeros from several ids of the ledger ({}): \
                 matched to none; write the id as the ledger has it",
                e.id,
                e.name,
                several.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(", ")
            )),
        }
    }
    (Cow::Owned(out), warnings)
}

/// A person's actuals by metric name (the columns they have a value in).
fn row_metrics(names: &[String], e: &Employee) -> BTreeMap<String, Decimal> {
    names.iter().zip(&e.metrics).filter_map(|(name, v)| Some((name.clone(), (*v)?))).collect()
}

/// `revenue 3,000, discovery_interviews 2`: the values that are not 0.
fn nonzero(metrics: &BTreeMap<String, Decimal>) -> Option<String> {
    let shown: Vec<String> =
        metrics.iter().filter(|(_, v)| !v.is_zero()).map(|(m, v)| format!("{m} {}", money::Number(*v))).collect();
    (!shown.is_empty()).then(|| shown.join(", "))
}

/// `start date 2026-03-16` / `end date 2026-08-12`: why `e` was not employed in `p`.
fn employment(e: &Employee, p: &PayPeriod) -> String {
    match (e.start_date, e.end_date) {
        (Some(s), _) if s > p.end => format!("start date {s}"),
        (_, Some(x)) if x < p.start => format!("end date {x}"),
        _ => "employment dates".to_owned(),
    }
}

/// The warning when this period's actuals are the last closed period's again: everyone in both
/// has the same metrics, and not all of them are 0 (the commonest upload mistake: last month's
/// file closed as this month).
fn same_as_last(roster: &Roster, history: &HashMap<&str, History<'_>>, year: &PlanYear, k: usize) -> Option<String> {
    let prev = k.checked_sub(1)?;
    let (now, then) = (&year.periods.get(k)?.name, &year.periods.get(prev)?.name);
    let mut common = 0usize;
    let mut some_value = false;
    for e in &roster.employees {
        let Some(r) = history.get(&*e.id).and_then(|h| h.last()).filter(|(j, _)| *j == prev).map(|(_, r)| *r) else {
            continue;
        };
        let metrics = row_metrics(&roster.metrics, e);
        if metrics != r.metrics {
            return None;
        }
        common += 1;
        some_value |= metrics.values().any(|v| !v.is_zero());
    }
    (common > 0 && some_value).then(|| {
        format!(
            "the actuals for {now} are identical to {then}'s: the same metrics for {} in both. If this is {then}'s \
             file again, give {now}'s actuals before closing or exporting {now}",
            if common == 1 { "the 1 person".to_owned() } else { format!("all {common} people") }
        )
    })
}

/// Warnings about actuals that count for nothing because `e` was not employed in their period
/// (`employed(j, e)`, by the dates in force): this period's, and those recorded for a closed
/// period that the dates recorded then counted (a date changed since; a ledger written before
/// this rule).
fn not_employed_actuals(
    year: &PlanYear,
    names: &[String],
    k: usize,
    e: &Employee,
    hist: &History<'_>,
    employed: &dyn Fn(usize, &Employee) -> bool,
) -> Vec<String> {
    let mut out = Vec::new();
    let who = format!("{} ({})", e.name, e.id);
    for (j, r) in hist {
        let Some(p) = year.periods.get(*j) else { continue };
        if employed(*j, e) || p.employed_days(r.start_date, r.end_date) == 0 {
            continue;
        }
        if let Some(values) = nonzero(&r.metrics) {
            out.push(format!(
                "{who}: the actuals recorded for {} ({values}) no longer count toward the year to date: by the \
                 {} in force they were not employed in {}",
                p.name,
                employment(e, p),
                p.name
            ));
        }
    }
    if let Some(p) = year.periods.get(k)
        && !employed(k, e)
        && let Some(values) = nonzero(&row_metrics(names, e))
    {
        out.push(format!(
            "{who} was not employed in {} ({}), but {}'s actuals give them {values}: they count for nothing (not \
             paid, not in the year to date)",
            p.name,
            employment(e, p),
            p.name
        ));
    }
    out
}

/// Warnings when `e`'s annual quota, target incentive or start date differs from the one their
/// last record (closed period `then`) holds, naming both and the rule that applies.
fn changed_since(e: &Employee, r: &PersonRecord, then: &str, now: &str, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let who = format!("{} ({})", e.name, e.id);
    let currency = |c: Option<&str>| c.unwrap_or(&plan.currency).to_owned();
    let (cur_now, cur_then) = (currency(e.currency.as_deref()), currency(r.currency.as_deref()));
    let show =
        |v: Option<Decimal>, c: &str| v.map_or_else(|| "none".to_owned(), |v| format!("{} {c}", money::Number(v)));
    for (what, new, old) in
        [("annual quota", e.quota, r.quota), ("annual target incentive", e.target_incentive, r.target_incentive)]
    {
        let Some(old_value) = old else { continue };
        if new == Some(old_value) && cur_now == cur_then {
            continue;
        }
        out.push(format!(
            "{who}: {what} {} in {now}'s actuals, {} when {then} was closed: each pay period counts at the {what} \
             in force in it, so the closed periods keep {} and the year to date is not re-based on {}",
            show(new, &cur_now),
            show(old, &cur_then),
            show(old, &cur_then),
            show(new, &cur_now)
        ));
    }
    if let Some(old) = r.start_date
        && e.start_date != Some(old)
    {
        out.push(format!(
            "{who}: start date {} in {now}'s actuals, {old} when {then} was closed: the shares of quota and target \
             incentive of the closed periods, and which of their actuals count, follow the new date (the \
             year-to-date lines true up the difference)",
            e.start_date.map_or_else(|| "none".to_owned(), |d| d.to_string())
        ));
    }
    out
}

/// Factors on `e`'s year-to-date quota and target incentive so that each pay period counts at
/// the annual amount in force in it, as recorded in the ledger when it was closed (the current
/// one for this period, and for periods recorded before Carrot kept it): `Σ amount_j × fx_j ×
/// share_j ÷ (amount_now × fx_now × Σ share_j)`. `Ok(None)`: nothing changed. `Err`: a warning
/// (factors too fine to compute exactly; the current amounts then count for the year to date).
fn in_force_scale(
    plan: &Plan,
    year: &PlanYear,
    k: usize,
    e: &Employee,
    hist: &History<'_>,
) -> Result<Option<Scale>, String> {
    // Nothing recorded differs from the current amounts (the usual case): nothing to compute.
    let same = |then: Option<Decimal>, now: Option<Decimal>| then.is_none() || then == now;
    let unchanged = |r: &PersonRecord| {
        same(r.quota, e.quota)
            && same(r.target_incentive, e.target_incentive)
            && ((r.quota.is_none() && r.target_incentive.is_none()) || r.currency == e.currency)
    };
    if hist.iter().all(|(_, r)| unchanged(r)) {
        return Ok(None);
    }
    let rate = |c: Option<&str>| -> Option<Rational> {
        match c {
            None => Some(Rational::ONE),
            Some(c) if c == plan.currency => Some(Rational::ONE),
            Some(c) => plan.fx.get(c).map(|r| Rational::from_decimal(r.0)),
        }
    };
    let factor = |now: Option<Decimal>, then: &dyn Fn(&PersonRecord) -> Option<Decimal>| -> Option<Rational> {
        let now = Rational::from_decimal(now.filter(|v| !v.is_zero())?).mul(&rate(e.currency.as_deref())?);
        let (mut sum, mut shares, mut changed) = (Rational::ZERO, Rational::ZERO, false);
        for j in 0..=k {
            let share = year.share(j, j, e);
            if share.is_zero() {
                continue;
            }
            let record = hist.iter().find(|(i, _)| *i == j && j < k).map(|(_, r)| *r);
            let value = match record.and_then(|r| Some((then(r)?, r))) {
                Some((v, r)) => Rational::from_decimal(v).mul(&rate(r.currency.as_deref())?),
                None => now.clone(),
            };
            changed |= value != now;
            sum = sum.add(&value.mul(&share));
            shares = shares.add(&share);
        }
        if !changed || shares.is_zero() {
            return None;
        }
        sum.div(&now.mul(&shares)).ok()
    };
    let quota = factor(e.quota, &|r| r.quota);
    let ti = factor(e.target_incentive, &|r| r.target_incentive);
    if quota.is_none() && ti.is_none() {
        return Ok(None);
    }
    let parts = |f: Option<Rational>| -> Option<(i64, i64)> {
        match f {
            None => Some((1, 1)),
            Some(f) => f.parts().and_then(|(n, d)| Some((i64::try_from(n).ok()?, i64::try_from(d).ok()?))),
        }
    };
    match (parts(quota), parts(ti)) {
        (Some(quota), Some(target_incentive)) => Ok(Some(Scale { quota, target_incentive })),
        _ => Err(format!(
            "{} ({}): the annual quota or target incentive changed during the year, and the year to date at the \
             amounts in force in each period is too fine to compute exactly; it counts the current amounts for \
             every period",
            e.name, e.id
        )),
    }
}

/// The sums of a period's report: by component in plan order, then the year's kinds.
fn totals(plan: &Plan, report: &PayoutReport, period_run: &PayoutReport) -> Totals {
    let mut t = Totals::default();
    for track in plan.tracks.values() {
        for c in &track.components {
            if !matches!(c, Component::Multiplier(_)) && !t.by_component.contains_key(c.id()) {
                t.by_component.insert(c.id().to_owned(), Decimal::ZERO);
            }
        }
    }
    for role in plan.tracks.keys() {
        t.by_role.insert(role.clone(), Decimal::ZERO);
    }
    for p in &report.employees {
        t.total += p.total;
        t.people += 1;
        t.revenue += p.revenue.unwrap_or_default();
        if let Some(sum) = t.by_role.get_mut(&*p.role) {
            *sum += p.total;
        } else if let Some((_, sum)) = t.by_role.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(&p.role)) {
            *sum += p.total;
        }
        for l in &p.lines {
            let key = match l.kind {
                LineKind::Draw | LineKind::DrawRecovery | LineKind::CapAdjustment | LineKind::GuaranteeAdjustment => {
                    l.kind.as_str().to_owned()
                }
                LineKind::Clawback => "clawback".to_owned(),
                _ => l.component().to_string(),
            };
            *t.by_component.entry(key).or_insert(Decimal::ZERO) += l.amount;
        }
    }
    let _ = period_run;
    t
}

/// What every person's computation shares.
struct Ctx<'a> {
    plan: &'a Plan,
    year: &'a PlanYear,
    k: usize,
    standalone: bool,
    dp: u32,
    /// The roster's metric columns (the actuals recorded per period).
    metric_names: &'a [String],
}

/// `v` written with exactly `dp` decimals (amounts in the ledger read alike: `0.00`, not `0`).
fn fixed(mut v: Decimal, dp: u32) -> Decimal {
    v.rescale(dp);
    v
}

fn grouped(v: Decimal, dp: u32) -> String {
    money::grouped(v, dp)
}

impl Ctx<'_> {
    fn round(&self, v: &Rational) -> Decimal {
        v.round(self.dp, self.plan.rounding).unwrap_or_else(|_| v.to_decimal_display(self.dp))
    }

    /// Whether the plan claws back cancelled deals (a negative metric on a period line).
    fn cancelled_deals(&self) -> bool {
        self.plan.schedule.as_ref().and_then(|s| s.clawback.as_ref()).is_some_and(|c| c.cancelled_deals)
    }

    fn period_name(&self, j: usize) -> &str {
        self.year.periods.get(j).map_or("", |p| p.name.as_str())
    }

    /// A person's warnings for the period. The engine computed each line twice, on the period
    /// and on the year to date, and warned about a negative metric in whichever it read; a line
    /// measuring the year to date is paid its true-up, so its warnings come from the year to
    /// date and say so. A metric negative this period is not paid as 0 there: it lowers the
    /// year to date (which can take back or carry what was paid, as the true-up line says).
    fn warnings<'p>(
        &self,
        pp: &EmployeePayout,
        py: &EmployeePayout,
        component: &impl Fn(&str) -> Option<&'p Component>,
    ) -> Vec<String> {
        let ytd_line = |w| {
            crate::engine::negative_metric_of(w)
                .filter(|(_, id)| component(id).is_some_and(|c| c.window() == Window::Ytd))
        };
        // A year to date itself negative says more than the period that made it so.
        let negative_to_date: Vec<(&str, &str)> = py.warnings.iter().filter_map(|w| ytd_line(w)).collect();
        let mut out = Vec::new();
        for w in &pp.warnings {
            match ytd_line(w) {
                Some((_, id)) if negative_to_date.iter().any(|(_, i)| *i == id) => {}
                Some((metric, id)) => out.push(format!(
                    "{metric} is negative this period; the {id} line measures the year to date, which it lowers"
                )),
                // The plan reads a negative metric on a period line as cancelled deals: the
                // intended input, clawed back (see the line), not a roster to check.
                None if self.cancelled_deals()
                    && crate::engine::negative_metric_of(w).is_some_and(|(_, id)| component(id).is_some()) =>
                {
                    let (metric, id) = crate::engine::negative_metric_of(w).unwrap_or_default();
                    out.push(format!(
                        "{metric} is negative this period: cancelled deals, as the plan's clawback reads it; the {id} \
                         line pays 0 and claws back what they paid, up to what it paid earlier this year"
                    ));
                }
                None => out.push(w.clone()),
            }
        }
        for (metric, id) in negative_to_date {
            out.push(format!("{metric} is negative to date; the {id} line earns 0 to date"));
        }
        out
    }

    /// One person's period: lines, the record to close, and year-to-date figures.
    fn person(
        &self,
        e: &Employee,
        hist: &History<'_>,
        pp: &EmployeePayout,
        py: &EmployeePayout,
        pc: Option<&EmployeePayout>,
    ) -> (EmployeePayout, PersonRecord, Ytd, Vec<String>) {
        let dp = self.dp;
        let k = self.k;
        let n = self.year.periods.len();
        let period = self.year.periods.get(k).cloned().unwrap_or_else(|| PayPeriod {
            name: String::new(),
            start: self.plan.period.start,
            end: self.plan.period.end,
        });
        let schedule = self.plan.schedule.as_ref();
        let track = self.plan.track_for(&e.role);
        let component = |id: &str| track.and_then(|(_, t)| t.components.iter().find(|c| c.id() == id));
        let track_window = track
            .and_then(|(_, t)| t.components.iter().find(|c| !matches!(c, Component::Multiplier(_))))
            .map_or(Window::Period, Component::window);
        let window_of = |l: &Line| match l.kind {
            LineKind::CapAdjustment | LineKind::GuaranteeAdjustment => track_window,
            _ => component(&l.component()).map_or(Window::Period, Component::window),
        };
        let who = format!("{} ({})", e.name, e.id);
        let mut out = EmployeePayout { lines: Vec::new(), warnings: self.warnings(pp, py, &component), ..pp.clone() };
        // Notes for the period's warnings (every command prints them).
        let mut notes: Vec<String> = Vec::new();
        // Closed periods computed as employed in which, by the dates in force, the person was not
        // (paid before an end date, or a later start date, was known) count for nothing: their
        // actuals, what they credited and carried; what they paid is taken back below. (A period
        // closed knowing they were not employed keeps what it settled.)
        let all = hist;
        let (voided, kept): (History<'_>, History<'_>) = all.iter().copied().partition(|(j, r)| {
            self.year.periods.get(*j).is_some_and(|p| {
                p.employed_days(e.start_date, e.end_date) == 0 && p.employed_days(r.start_date, r.end_date) > 0
            })
        });
        let hist = &kept;
        let last = hist.last().map(|(_, r)| *r);
        let credited_before =
            |c: &str| -> Decimal { hist.iter().filter_map(|(_, r)| r.credited.get(c).copied()).sum() };
        // The leaving rules apply once: in the period of the last day, or, when that period was
        // closed before the end date was known, in the first period computed with it.
        let settled = hist
            .iter()
            .find(|(j, r)| r.end_date.is_some_and(|d| self.year.periods.get(*j).is_some_and(|p| d <= p.end)));
        let leaving_in = e.end_date.and_then(|d| self.year.periods.iter().position(|p| p.contains(d)));
        let late = settled.is_none() && !hist.is_empty() && leaving_in.is_some_and(|l| l < k);
        let leaving = settled.is_none() && (e.end_date.is_some_and(|d| period.contains(d)) || late);
        let late_note = match (late, e.end_date, leaving_in) {
            (true, Some(end), Some(l)) => {
                let text = format!(
                    "{who} left on {end}, in {}, which was closed before that end date was known: the plan's leaving \
                     rules (leaver clawback, the draw balance on leaving, instalments) are applied in {}",
                    self.period_name(l),
                    period.name
                );
                out.warnings.push(text.clone());
                notes.push(text);
                format!("in {}, closed before the end date was known", self.period_name(l))
            }
            _ => String::new(),
        };
        if let Some((j, r)) = settled
            && r.end_date != e.end_date
        {
            let text = format!(
                "{who}: end date {} in {}'s actuals, {} when the leaving rules were applied in {}: they are not \
                 applied again; settle any difference by hand",
                e.end_date.map_or_else(|| "none".to_owned(), |d| d.to_string()),
                period.name,
                r.end_date.map(|d| d.to_string()).unwrap_or_default(),
                self.period_name(*j)
            );
            out.warnings.push(text.clone());
            notes.push(text);
        }
        let mut earned = BTreeMap::new();
        let mut credited = BTreeMap::new();
        let mut pending: Vec<Instalment> = Vec::new();
        let mut carried = Decimal::ZERO;

        // 1. Each line from its window; year-to-date lines as true-ups.
        let mut due_lines: Vec<(Line, Decimal)> = Vec::new();
        for l in &pp.lines {
            if window_of(l) == Window::Period {
                earned.insert(l.component().to_string(), l.amount);
                let mut line = l.clone();
                // A negative metric is cancelled deals when the plan claws them back: the
                // intended input, not a roster to check.
                if self.cancelled_deals()
                    && let Some(head) = line.explanation.strip_suffix(" — check the roster")
                {
                    line.explanation = format!("{head} — cancelled deals, clawed back as the plan's clawback says");
                }
                due_lines.push((line, l.amount));
            }
        }
        for l in &py.lines {
            if window_of(l) != Window::Ytd {
                continue;
            }
            let id = l.component().to_string();
            let before = if self.standalone { Decimal::ZERO } else { credited_before(&id) };
            let t = l.amount - before;
            let recover = schedule.is_some_and(|s| s.recover_negative_true_ups);
            let due = if t.is_sign_negative() && !recover { Decimal::ZERO } else { t };
            carried += l.amount - (before + due);
            earned.insert(id, l.amount);
            let mut text = format!(
                "earned year to date {} ({}) − already credited {} = {}",
                grouped(l.amount, dp),
                if l.explanation.is_empty() { "see the year-to-date line".to_owned() } else { l.explanation.clone() },
                grouped(before, dp),
                grouped(t, dp)
            );
            if due != t {
                text.push_str("; a negative true-up is not taken back: it is carried against later true-ups");
            }
            let label = format!("{} (YTD true-up)", l.label());
            let names = LineNames::new(l.component(), Name::new(label.as_str()));
            let line = Line::new(names, LineKind::TrueUp, l.slot(), due, l.measure(), text);
            due_lines.push((line, due));
        }
        // Plan order, whichever window a line came from.
        let position = |l: &Line| {
            track.and_then(|(_, t)| t.components.iter().position(|c| c.id() == &*l.component())).unwrap_or(usize::MAX)
        };
        due_lines.sort_by_key(|(l, _)| position(l));
        // 2. Instalments: part now, the rest in later periods.
        for (mut line, due) in due_lines {
            let id = line.component().to_string();
            *credited.entry(id.clone()).or_insert(Decimal::ZERO) += due;
            let shares = component(&id).map(Component::instalments).unwrap_or(&[]);
            if shares.len() > 1 && due.is_sign_positive() && !due.is_zero() && !leaving {
                let mut parts: Vec<(usize, Decimal)> = Vec::new();
                let mut rest = due;
                for (i, s) in shares.iter().enumerate() {
                    let at = (k + i).min(n - 1);
                    let amount = if i + 1 == shares.len() {
                        rest
                    } else {
                        self.round(&Rational::from_decimal(due).mul(&Rational::from_decimal(s.0)))
                    };
                    rest -= amount;
                    match parts.iter_mut().find(|(p, _)| *p == at) {
                        Some((_, a)) => *a += amount,
                        None => parts.push((at, amount)),
                    }
                }
                let now = parts.iter().find(|(p, _)| *p == k).map_or(Decimal::ZERO, |(_, a)| *a);
                let later: Vec<String> = parts
                    .iter()
                    .filter(|(p, _)| *p != k)
                    .map(|(p, a)| {
                        pending.push(Instalment {
                            component: id.clone(),
                            earned_in: period.name.clone(),
                            due: self.period_name(*p).to_owned(),
                            amount: *a,
                        });
                        format!("{} in {}", grouped(*a, dp), self.period_name(*p))
                    })
                    .collect();
                if !later.is_empty() {
                    line.explanation.push_str(&format!(
                        "; {} paid in instalments: {} now, {}",
                        grouped(due, dp),
                        grouped(now, dp),
                        later.join(", ")
                    ));
                }
                line.amount = now;
            }
            out.lines.push(line);
        }
        // 3. Instalments due now from earlier periods (forfeited by a leaver for later periods).
        if let Some(r) = last {
            for inst in &r.pending {
                // Due now, or overdue (the person was not in an earlier period's actuals); on
                // leaving, due by the leaving period or earned in it (paid at once).
                let due_by = |l: usize| !self.later_than(&inst.due, l);
                let at_once = leaving && leaving_in.is_some_and(|l| self.index_of(&inst.earned_in) == Some(l));
                let pay = match (leaving, leaving_in) {
                    (true, Some(l)) => due_by(l.min(k)) || at_once,
                    _ => due_by(k),
                };
                if pay {
                    let label = component(&inst.component).map_or(inst.component.clone(), |c| c.label().to_owned());
                    out.lines.push(year_line(
                        Name::new(inst.component.as_str()),
                        Name::new(format!("{label} (instalment)").as_str()),
                        LineKind::Deferred,
                        inst.amount,
                        format!(
                            "instalment of {label} earned in {}, due {}{}: {}",
                            inst.earned_in,
                            inst.due,
                            if at_once && self.later_than(&inst.due, k) { ", paid at once on leaving" } else { "" },
                            grouped(inst.amount, dp)
                        ),
                    ));
                } else if leaving {
                    out.warnings.push(format!(
                        "left on {}: the instalment of {} due in {} ({}) is forfeited",
                        e.end_date.map(|d| d.to_string()).unwrap_or_default(),
                        inst.component,
                        inst.due,
                        grouped(inst.amount, dp)
                    ));
                } else {
                    pending.push(inst.clone());
                }
            }
        }
        let clawback = schedule.and_then(|s| s.clawback.as_ref());
        // 4. The draw: a floor on the period's earnings; a recoverable shortfall is owed.
        let mut balance = last.map_or(Decimal::ZERO, |r| r.draw_balance);
        let mut forgiven = Decimal::ZERO;
        let draw = schedule.and_then(|s| track.and_then(|(role, _)| s.draws.get(role)));
        if let Some(d) = draw {
            let (employed, days) = (period.employed_days(e.start_date, e.end_date), period.days());
            let floor = if days > 0 && employed > 0 {
                self.round(
                    &Rational::from_decimal(d.amount)
                        .mul(&Rational::new(i128::from(employed), i128::from(days)).unwrap_or(Rational::ZERO)),
                )
            } else {
                Decimal::ZERO
            };
            let earnings: Decimal = out.lines.iter().map(|l| l.amount).sum();
            if earnings < floor {
                let top = floor - earnings;
                out.lines.push(year_line(
                    Name::fixed("draw"),
                    Name::fixed("Draw"),
                    LineKind::Draw,
                    top,
                    format!(
                        "earnings {} are below the draw of {}{}: draw {}{}",
                        grouped(earnings, dp),
                        grouped(floor, dp),
                        if employed < days { format!(" ({employed}/{days} days employed)") } else { String::new() },
                        grouped(top, dp),
                        if d.recoverable {
                            format!(", recoverable: balance {} → {}", grouped(balance, dp), grouped(balance + top, dp))
                        } else {
                            ", not recoverable".to_owned()
                        }
                    ),
                ));
                if d.recoverable {
                    balance += top;
                }
            } else if d.recoverable && balance > Decimal::ZERO {
                let take = balance.min(earnings - floor);
                if take > Decimal::ZERO {
                    out.lines.push(year_line(
                        Name::fixed("draw_recovery"),
                        Name::fixed("Draw recovery"),
                        LineKind::DrawRecovery,
                        -take,
                        format!(
                            "earnings {} are above the draw of {}: {} of the draw balance {} recovered from the part above the draw, balance {} remains",
                            grouped(earnings, dp),
                            grouped(floor, dp),
                            grouped(take, dp),
                            grouped(balance, dp),
                            grouped(balance - take, dp)
                        ),
                    ));
                    balance -= take;
                }
            }
            let on_leaving = match (late_note.is_empty(), e.end_date) {
                (false, Some(end)) => format!("on leaving (left on {end}, {late_note})"),
                _ => "on leaving".to_owned(),
            };
            let policy = if leaving {
                Some((d.on_leaving, on_leaving.as_str()))
            } else if k + 1 == n {
                Some((d.at_year_end, "at year end"))
            } else {
                None
            };
            if let (Some((policy, when)), true) = (policy, balance > Decimal::ZERO) {
                match policy {
                    BalancePolicy::Forgive => {
                        out.warnings.push(format!("draw balance {} forgiven {when}", grouped(balance, dp)));
                        forgiven = balance;
                        balance = Decimal::ZERO;
                    }
                    BalancePolicy::Carry => {
                        out.warnings.push(format!("draw balance {} carried {when}", grouped(balance, dp)));
                    }
                    BalancePolicy::Recover => {
                        out.lines.push(year_line(
                            Name::fixed("draw_recovery"),
                            Name::fixed("Draw recovery"),
                            LineKind::DrawRecovery,
                            -balance,
                            if late_note.is_empty() || !leaving {
                                format!("the draw balance {} is recovered {when} (plan setting)", grouped(balance, dp))
                            } else {
                                format!(
                                    "the draw balance {} is recovered on leaving (plan setting; left on {}, {late_note})",
                                    grouped(balance, dp),
                                    e.end_date.map(|d| d.to_string()).unwrap_or_default()
                                )
                            },
                        ));
                        balance = Decimal::ZERO;
                    }
                }
            }
        }
        // 5. Clawbacks (after the draw, which floors earnings, not clawbacks): cancelled deals on
        // period lines, then a leaver's recent pay.
        if let (Some(cb), Some(pc)) = (clawback, pc) {
            for l in &pc.lines {
                let Some(c) = component(&l.component()) else { continue };
                if c.window() != Window::Period
                    || !matches!(l.kind, LineKind::Commission | LineKind::Bonus | LineKind::PerUnit)
                {
                    continue;
                }
                let negative = pp
                    .warnings
                    .iter()
                    .any(|w| crate::engine::negative_metric_of(w).is_some_and(|(_, line)| line == &*l.component()));
                if !negative || !cb.cancelled_deals || l.amount <= Decimal::ZERO {
                    continue;
                }
                // What the line paid so far this year, net of earlier clawbacks.
                let paid: Decimal = hist
                    .iter()
                    .flat_map(|(_, r)| &r.lines)
                    .filter(|x| *x.component == *l.component())
                    .map(|x| x.amount)
                    .sum();
                let take = l.amount.min(paid);
                if take > Decimal::ZERO {
                    let names =
                        LineNames::new(l.component(), Name::new(format!("{} (cancelled deals)", c.label()).as_str()));
                    out.lines.push(Line::new(names, LineKind::Clawback, l.slot(), -take, None, format!(
                            "{} is negative this period (cancelled deals): at today's rates they would pay {}; clawed back {}, at most what this line paid earlier this year ({})",
                            c.metric(),
                            grouped(l.amount, dp),
                            grouped(take, dp),
                            grouped(paid, dp)
                        )));
                }
            }
        }
        if let (Some(cb), Some(end), true) = (clawback, e.end_date, leaving)
            && cb.leaver_window_days > 0
        {
            let mut paid = Decimal::ZERO;
            let mut which = Vec::new();
            for (j, r) in hist {
                let Some(p) = self.year.periods.get(*j) else { continue };
                let after = (end - p.end).num_days();
                if (0..=i64::from(cb.leaver_window_days)).contains(&after) {
                    let earnings: Decimal = r
                        .lines
                        .iter()
                        .filter(|l| !matches!(l.kind.as_str(), "draw" | "draw_recovery" | "clawback"))
                        .map(|l| l.amount)
                        .sum();
                    paid += earnings;
                    which.push(format!("{} {}", p.name, grouped(earnings, dp)));
                }
            }
            let take = self.round(&Rational::from_decimal(paid).mul(&Rational::from_decimal(cb.leaver_share())));
            if take > Decimal::ZERO {
                out.lines.push(year_line(
                    Name::fixed("clawback"),
                    Name::fixed("Leaver clawback"),
                    LineKind::Clawback,
                    -take,
                    format!(
                        "left on {end}{}, within {} days of periods that paid {}: {} × {} = {} clawed back",
                        if late_note.is_empty() { String::new() } else { format!(" ({late_note})") },
                        cb.leaver_window_days,
                        which.join(", "),
                        money::Number(cb.leaver_share()),
                        grouped(paid, dp),
                        grouped(take, dp)
                    ),
                ));
            }
        }
        // What periods in which the person was not employed paid is taken back.
        let void_total: Decimal = voided.iter().map(|(_, r)| r.total).sum();
        if !void_total.is_zero() {
            let which: Vec<String> = voided
                .iter()
                .filter(|(_, r)| !r.total.is_zero())
                .map(|(j, r)| format!("{} {}", self.period_name(*j), grouped(r.total, dp)))
                .collect();
            let dates = voided.first().and_then(|(j, _)| self.year.periods.get(*j)).map(|p| employment(e, p));
            let text = format!(
                "not employed in {} by the {} now known, but paid {}: taken back, {}",
                voided.iter().map(|(j, _)| self.period_name(*j)).collect::<Vec<_>>().join(", "),
                dates.unwrap_or_default(),
                which.join(", "),
                grouped(-void_total, dp)
            );
            out.lines.push(year_line(
                Name::fixed("clawback"),
                Name::fixed("Paid while not employed"),
                LineKind::Clawback,
                -void_total,
                text.clone(),
            ));
            notes.push(format!("{who}: {text}"));
        }
        out.total = out.lines.iter().map(|l| l.amount).sum();
        if period.employed_days(e.start_date, e.end_date) == 0 && !out.total.is_zero() {
            // Not employed: the period's own lines pay 0; what is paid settles earlier periods.
            let note = format!("not employed during the period {} to {}", period.start, period.end);
            out.warnings.retain(|w| !w.starts_with(&note));
            out.warnings.insert(
                0,
                format!(
                    "{note}: its own lines pay 0; the {} paid settles earlier periods (each line says how)",
                    grouped(out.total, dp)
                ),
            );
        }
        if out.total < Decimal::ZERO {
            // Clawbacks (or a recovered negative true-up) larger than what the period pays: no
            // payroll run pays a negative amount, so someone has to settle it.
            out.warnings.push(format!(
                "the period nets to {}: payroll cannot pay a negative amount; deduct it from other pay \
                 (a final paycheck) or invoice it, as the plan's terms allow",
                grouped(out.total, dp)
            ));
        }

        // Year to date.
        let mut ytd = Ytd::default();
        let mut earned_to_date: BTreeMap<String, Decimal> = BTreeMap::new();
        for (_, r) in hist {
            for (c, v) in &r.earned {
                let ytd_line = component(c).is_some_and(|x| x.window() == Window::Ytd);
                let slot = earned_to_date.entry(c.clone()).or_insert(Decimal::ZERO);
                *slot = if ytd_line { *v } else { *slot + *v };
            }
        }
        for (_, r) in all {
            ytd.paid += r.total;
            for l in &r.lines {
                match l.kind.as_str() {
                    "clawback" => ytd.clawed_back += l.amount,
                    "draw" => ytd.draws += l.amount,
                    _ => {}
                }
            }
        }
        for (c, v) in &earned {
            let ytd_line = component(c).is_some_and(|x| x.window() == Window::Ytd);
            let slot = earned_to_date.entry(c.clone()).or_insert(Decimal::ZERO);
            *slot = if ytd_line { *v } else { *slot + *v };
        }
        ytd.earned = earned_to_date.values().copied().sum();
        ytd.paid += out.total;
        for l in &out.lines {
            match l.kind {
                LineKind::Clawback => ytd.clawed_back += l.amount,
                LineKind::Draw => ytd.draws += l.amount,
                _ => {}
            }
        }
        ytd.draw_balance = balance;
        let measures_ytd = track.is_some_and(|(_, t)| t.components.iter().any(|c| c.window() == Window::Ytd));
        ytd.attainment = if measures_ytd { py.attainment } else { None };
        ytd.pending = pending.iter().map(|p| p.amount).sum();
        ytd.carried = carried;

        let metrics = self.plan_metrics(e).into_iter().collect::<BTreeMap<String, Decimal>>();
        let record = PersonRecord {
            employee_id: e.id.to_string(),
            name: e.name.to_string(),
            role: e.role.to_string(),
            end_date: e.end_date,
            start_date: e.start_date,
            quota: e.quota,
            target_incentive: e.target_incentive,
            currency: e.currency.clone(),
            metrics,
            lines: out
                .lines
                .iter()
                .map(|l| LineRecord {
                    component: l.component().to_string(),
                    kind: l.kind.as_str().to_owned(),
                    amount: fixed(l.amount, dp),
                })
                .collect(),
            earned,
            credited,
            draw_balance: fixed(balance, dp),
            draw_forgiven: fixed(forgiven, dp),
            pending,
            total: fixed(out.total, dp),
        };
        (out, record, ytd, notes)
    }

    /// The index of a period by name.
    fn index_of(&self, name: &str) -> Option<usize> {
        self.year.periods.iter().position(|p| p.name == name)
    }

    /// Whether period `name` comes after period `k`.
    fn later_than(&self, name: &str, k: usize) -> bool {
        self.year.periods.iter().position(|p| p.name == name).is_some_and(|j| j > k)
    }

    /// The person's actuals this period, by metric name (columns they have).
    fn plan_metrics(&self, e: &Employee) -> Vec<(String, Decimal)> {
        self.metric_names.iter().zip(&e.metrics).filter_map(|(name, v)| Some((name.clone(), (*v)?))).collect()
    }
}

/// `plan` as the engine computes one window of its year: the window's dates, no schedule, every
/// line measuring the values it is given, nothing paid in instalments.
fn window_plan(plan: &Plan, window: Period) -> Plan {
    let mut p = plan.clone();
    p.period = window;
    p.schedule = None;
    for t in p.tracks.values_mut() {
        for c in &mut t.components {
            match c {
                Component::Commission(x) => (x.window, x.instalments) = (Window::Period, Vec::new()),
                Component::Bonus(x) => (x.window, x.instalments) = (Window::Period, Vec::new()),
                Component::PerUnit(x) => (x.window, x.instalments) = (Window::Period, Vec::new()),
                Component::Multiplier(_) => {}
            }
        }
    }
    p
}

/// Whether a period's warning is the note that it was computed without a ledger (the app says
/// so in its own words; `compare` and `simulate` say it once for every plan).
pub fn is_no_ledger_note(warning: &str) -> bool {
    warning.starts_with("no --ledger")
}

/// What figures of one pay period computed without a ledger are, for hand-outs (compare's
/// workbook and report): the period alone, nothing earlier earned or paid.
pub fn period_alone_note(name: &str, start: chrono::NaiveDate, end: chrono::NaiveDate) -> String {
    format!(
        "Pay period {name} ({start} to {end}) of each plan year, computed on its own from that period's actuals, as \
         if nothing had been earned or paid earlier in the year: year-to-date lines measure the period alone, and \
         no ledger's true-ups, recoveries or clawbacks are included"
    )
}

/// Every pay period's name, for messages and the app.
pub fn period_names(plan: &Plan) -> Vec<String> {
    PlanYear::of(plan).map(|y| y.periods.into_iter().map(|p| p.name).collect()).unwrap_or_default()
}

/// The pay period of `plan` named `name` (`None` for a single-period plan or another name).
pub fn pay_period(plan: &Plan, name: &str) -> Option<crate::plan::PayPeriod> {
    PlanYear::of(plan).ok()?.periods.into_iter().find(|p| p.name == name)
}

/// The warnings a scheduled plan adds to a roster's (none for a plan without a schedule).
pub fn schedule_metric_names(roster: &Roster) -> Vec<String> {
    let mut out: Vec<String> = roster.metrics.iter().map(|m| format!("{YTD_PREFIX}{m}")).collect();
    out.push(ANNUAL_QUOTA.to_owned());
    out.push(ANNUAL_TARGET_INCENTIVE.to_owned());
    out
}

/// Whether `plan` has a schedule (a plan year).
pub fn is_scheduled(plan: &Plan) -> bool {
    plan.schedule.is_some()
}

#[cfg(test)]
mod tests;

/// A line the plan year adds (a draw, its recovery, an instalment, a clawback): no component
/// slot of the plan's own, nothing it was measured on.
fn year_line(component: Name, label: Name, kind: LineKind, amount: Decimal, explanation: String) -> Line {
    Line::new(LineNames::new(component, label), kind, 0, amount, None, explanation)
}

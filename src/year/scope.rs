//! A plan year seen whole or one pay period at a time, so that plans can be compared and their
//! behaviour simulated on one set of actuals (`carrot compare --period`, `carrot simulate
//! --period`, the app's Compare and Behaviour views).
//!
//! - *The year* ([`Scope::Year`], `--period year`) is the plan computed at once over its whole
//!   year, the roster being the year's actuals (or a forecast of them): annual quota and target
//!   incentive, prorated by employment. True-ups, draws, instalments and clawbacks happen between
//!   pay periods, so there are none.
//! - *A pay period* ([`Scope::Period`]) is computed as `carrot payouts --period NAME` computes it
//!   without a ledger: on that period's actuals, quota and target incentive phased to the period,
//!   year-to-date lines measuring the period alone, draws and instalments as the schedule says.
//!
//! Plans are compared on a pay period only when their schedules give the same periods (names and
//! dates); their quota phasing, draws and clawbacks may differ: that is what is compared.

use super::{PlanYear, YearError, schedule_metric_names, window_plan};
use crate::engine::Shares;
use crate::plan::{PayPeriod, Period, Plan, Problem};
use crate::roster::{Employee, Roster};

/// The name `--period` gives the whole plan year.
pub const YEAR: &str = "year";

/// What a plan year is computed on: the whole year, or one pay period.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The whole plan year at once.
    #[default]
    Year,
    /// One pay period, by name.
    Period(String),
}

impl Scope {
    /// `year` is the whole year; any other name is a pay period.
    pub fn parse(name: &str) -> Self {
        if name == YEAR { Self::Year } else { Self::Period(name.to_owned()) }
    }

    /// The pay period's name (`None`: the whole year).
    pub fn period(&self) -> Option<&str> {
        match self {
            Self::Year => None,
            Self::Period(name) => Some(name),
        }
    }

    /// How the app names it.
    pub fn label(&self) -> &str {
        match self {
            Self::Year => "Whole year",
            Self::Period(name) => name,
        }
    }
}

/// The pay periods that every plan in `plans` (each with the name messages give it) has, or why
/// they cannot be computed on one pay period: a plan without a schedule, schedules giving other
/// periods, or a period named `year`.
pub fn common_periods(plans: &[(String, &Plan)]) -> Result<Vec<PayPeriod>, YearError> {
    let mut first: Option<(&str, Vec<PayPeriod>)> = None;
    for (name, plan) in plans {
        if plan.schedule.is_none() {
            return Err(YearError::NotScheduled { plan: name.clone() });
        }
        let year = PlanYear::of(plan)?;
        if year.periods.iter().any(|p| p.name == YEAR) {
            return Err(YearError::YearNamed { plan: name.clone() });
        }
        match &first {
            None => first = Some((name.as_str(), year.periods)),
            Some((f, periods)) => {
                if let Some(detail) = difference(periods, &year.periods) {
                    return Err(YearError::DifferentSchedules { first: (*f).to_owned(), other: name.clone(), detail });
                }
            }
        }
    }
    Ok(first.map(|(_, p)| p).unwrap_or_default())
}

/// The first way two lists of pay periods differ.
fn difference(a: &[PayPeriod], b: &[PayPeriod]) -> Option<String> {
    let show = |p: &PayPeriod| format!("{} {}..{}", p.name, p.start, p.end);
    if let Some((x, y)) = a.iter().zip(b).find(|(x, y)| x != y) {
        return Some(format!("{} against {}", show(x), show(y)));
    }
    (a.len() != b.len()).then(|| format!("{} periods against {}", a.len(), b.len()))
}

/// One pay period of a plan year as a single-period plan the engine (and the behaviour
/// simulation) computes directly: the period's dates and lines, the roster with the plan year's
/// own columns, and each person's phased share of quota and target incentive.
#[derive(Clone, Debug)]
pub struct PeriodView {
    /// The plan over the pay period: no schedule, every line measuring the period.
    pub plan: Plan,
    /// The period's actuals with `ytd_<metric>` (the period's own values: no ledger),
    /// `annual_quota` and `annual_target_incentive` as columns.
    pub roster: Roster,
    /// Per person, the share of annual quota and target incentive the period carries (phasing
    /// times days employed ÷ days), for [`crate::engine::CompiledPlan::with_shares`].
    pub shares: Shares,
}

/// Pay period `name` of `plan` on `roster` (that period's actuals) as a [`PeriodView`], computed
/// on its own as [`super::compute_period`] computes it without a ledger (before its draws,
/// instalments and clawbacks, which are cash between periods rather than what the lines pay
/// for).
pub fn period_view(plan: &Plan, roster: &Roster, name: &str) -> Result<PeriodView, YearError> {
    let year = PlanYear::of(plan)?;
    let k = year.index(name)?;
    let problems: Vec<Problem> = crate::plan::validate(plan).into_iter().filter(Problem::is_error).collect();
    if !problems.is_empty() {
        return Err(YearError::Plan(problems));
    }
    let period = year.periods.get(k).ok_or(YearError::NoSchedule)?;
    let extra = schedule_metric_names(roster);
    if let Some(n) = extra.iter().find(|n| roster.metrics.contains(n)) {
        return Err(YearError::ReservedColumn(n.clone()));
    }
    let mut metrics = roster.metrics.clone();
    metrics.extend(extra);
    let employees = roster
        .employees
        .iter()
        .map(|e| {
            let mut values = e.metrics.clone();
            // Year to date is the period itself: nothing earlier is known without a ledger.
            values.extend(e.metrics.iter().copied());
            values.push(e.quota);
            values.push(e.target_incentive);
            Employee { metrics: values, ..e.clone() }
        })
        .collect();
    let mut shares = Shares::default();
    for e in &roster.employees {
        let share = year.share(k, k, e);
        let parts = share.parts().and_then(|(n, d)| Some((i64::try_from(n).ok()?, i64::try_from(d).ok()?)));
        let Some(parts) = parts else {
            return Err(YearError::ShareTooFine { employee: e.id.to_string() });
        };
        shares.insert(std::sync::Arc::clone(&e.id), parts);
    }
    Ok(PeriodView {
        plan: window_plan(plan, Period { start: period.start, end: period.end }),
        roster: Roster { metrics, employees, sources: roster.sources.clone(), joined: roster.joined.clone() },
        shares,
    })
}

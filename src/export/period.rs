//! A plan year's pay period as a payroll file: what its export must say besides the payouts,
//! and the file of a reopened period's difference. `carrot export --period` and the app's Plan
//! year window ask the same questions here.
//!
//! - A pay period after the first, computed without the ledger of the periods before it, pays
//!   what the plan pays only when nothing in the plan carries across periods
//!   ([`ledger_reasons`]); otherwise [`without_ledger`] says what is missing.
//! - A pay period reopened after it was closed (and perhaps paid) is a **restatement**:
//!   [`restatement`] finds the figures recorded before the reopening, [`Restatement::people`]
//!   lists the change per person, and [`Restatement::difference`] is the payouts of the change
//!   alone (per person and line), for a payroll file that pays only what the reopening changed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::engine::{EmployeePayout, Line, LineKind, LineNames, Name, PayoutReport, Totals};
use crate::money;
use crate::plan::{Component, Plan, Window};
use crate::year::{Ledger, PeriodEntry, PeriodResult, PersonRecord};

/// What in `plan` carries from one pay period to the next, so that a period after the first
/// computed without the ledger pays something else than the plan does: year-to-date lines (and
/// `ytd_` metrics), draws, instalments and clawbacks. Empty for a plan without a schedule, or
/// whose periods stand alone.
pub fn ledger_reasons(plan: &Plan) -> Vec<&'static str> {
    let Some(schedule) = &plan.schedule else { return Vec::new() };
    let components = || plan.tracks.values().flat_map(|t| &t.components);
    let ytd_metric = |name: &str| name.starts_with(crate::plan::schedule::YTD_PREFIX);
    let mut reasons = Vec::new();
    if components().any(|c| c.window() == Window::Ytd)
        || components().any(|c| ytd_metric(c.metric()))
        || plan.metrics.values().any(|expr| expr.contains(crate::plan::schedule::YTD_PREFIX))
    {
        reasons.push("year-to-date lines");
    }
    if !schedule.draws.is_empty() {
        reasons.push("draws");
    }
    if components().any(|c| Component::instalments(c).len() > 1) {
        reasons.push("instalments");
    }
    if schedule.clawback.is_some() {
        reasons.push("clawbacks");
    }
    reasons
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// What is wrong with a pay period after the first computed without the ledger of the periods
/// before it, when the plan has something that carries across periods ([`ledger_reasons`]):
/// the file would pay the period as if nothing had been earned or paid before it. `None` for
/// the first period, a period computed from a ledger, or a plan whose periods stand alone.
pub fn without_ledger(plan: &Plan, result: &PeriodResult) -> Option<String> {
    let reasons = ledger_reasons(plan);
    let alone = result.warnings.iter().any(|w| crate::year::is_no_ledger_note(w));
    (alone && !reasons.is_empty()).then(|| {
        let name = &result.period.name;
        format!(
            "pay period {name} was computed without the ledger of the periods before it, as if nothing had been \
             earned or paid earlier in the plan year; the plan has {}, so this is not what it pays for {name}: \
             year-to-date lines measure {name} alone, and no draw balance, instalment due or clawback of earlier \
             pay is included",
            and_list(&reasons)
        )
    })
}

/// What the reconciliation of pay period `result` (computed from `ledger`, if any) asks a
/// reviewer to check before paying, about the period as a whole: computed without the ledger
/// it needs ([`without_ledger`]), or restating a reopened period ([`Restatement::notice`];
/// `difference`: how to export the difference alone, for the message). The per-person change of
/// a restatement goes in with [`Restatement::list_in`].
pub fn checks(plan: &Plan, result: &PeriodResult, ledger: Option<&Ledger>, difference: &str) -> Vec<String> {
    let report = &result.report;
    let restated = ledger.and_then(|l| restatement(l, &result.period.name));
    without_ledger(plan, result)
        .into_iter()
        .chain(restated.map(|r| r.notice(report.minor_units, &report.currency, difference)))
        .collect()
}

/// A reopened pay period: its figures now, and those recorded before it was last reopened.
#[derive(Clone, Copy, Debug)]
pub struct Restatement<'a> {
    /// The pay period.
    pub period: &'a str,
    /// The figures recorded before the last reopening (what an earlier export paid).
    pub before: &'a PeriodEntry,
    /// The figures that count now.
    pub now: &'a PeriodEntry,
    /// How many times the period was reopened.
    pub reopened: usize,
}

/// The restatement of pay period `period` in `ledger`, when it was reopened after it was
/// closed (`None`: closed once, or not closed).
pub fn restatement<'a>(ledger: &'a Ledger, period: &'a str) -> Option<Restatement<'a>> {
    let entries: Vec<&PeriodEntry> = ledger.entries.iter().filter(|e| e.period == period).collect();
    match entries.as_slice() {
        [.., before, now] => Some(Restatement { period, before, now, reopened: entries.len() - 1 }),
        _ => None,
    }
}

/// One person's total before and after a reopening (`None`: not in the period then).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonChange {
    /// Employee id.
    pub employee_id: String,
    /// Name.
    pub name: String,
    /// Total recorded before the reopening.
    pub before: Option<Decimal>,
    /// Total now.
    pub now: Option<Decimal>,
}

impl PersonChange {
    /// Now minus before.
    pub fn change(&self) -> Decimal {
        self.now.unwrap_or_default() - self.before.unwrap_or_default()
    }
}

/// `+600.00`, `−150.00`, `0.00`.
fn signed(v: Decimal, dp: u32) -> String {
    if v > Decimal::ZERO { format!("+{}", money::grouped(v, dp)) } else { money::grouped(v, dp) }
}

impl Restatement<'_> {
    /// The people whose pay changed (their total, or what a line paid), in the order of the
    /// figures now, then those no longer in the period.
    pub fn people(&self) -> Vec<PersonChange> {
        let find = |list: &'_ [PersonRecord], id: &str| list.iter().find(|p| p.employee_id == id).cloned();
        let lines = |p: &PersonRecord| -> BTreeMap<(String, String), Decimal> {
            let mut m = BTreeMap::new();
            for l in &p.lines {
                *m.entry((l.component.clone(), l.kind.clone())).or_insert(Decimal::ZERO) += l.amount;
            }
            m.retain(|_, v| !v.is_zero());
            m
        };
        let mut out = Vec::new();
        for now in &self.now.people {
            let before = find(&self.before.people, &now.employee_id);
            if before.as_ref().is_some_and(|b| b.total == now.total && lines(b) == lines(now)) {
                continue;
            }
            out.push(PersonChange {
                employee_id: now.employee_id.clone(),
                name: now.name.clone(),
                before: before.map(|b| b.total),
                now: Some(now.total),
            });
        }
        for before in &self.before.people {
            if find(&self.now.people, &before.employee_id).is_none() {
                out.push(PersonChange {
                    employee_id: before.employee_id.clone(),
                    name: before.name.clone(),
                    before: Some(before.total),
                    now: None,
                });
            }
        }
        out
    }

    /// Lists the change per person in `rec` ([`super::Reconciliation::restatement`]).
    pub fn list_in(&self, rec: &mut super::Reconciliation) {
        rec.restatement_heading = self.heading();
        rec.restatement = self.lines(rec.minor_units);
    }

    /// The heading of the per-person list in a reconciliation.
    pub fn heading(&self) -> String {
        format!(
            "Restatement of {}: difference per person from the figures recorded before it was reopened \
             (before → now, change)",
            self.period
        )
    }

    /// One line per person whose pay changed: `100 Alice Adams: 2,250.00 → 2,850.00 (+600.00)`.
    pub fn lines(&self, dp: u32) -> Vec<String> {
        let shown = |v: Option<Decimal>| v.map_or_else(|| "not in the period".to_owned(), |v| money::grouped(v, dp));
        self.people()
            .iter()
            .map(|p| {
                let change = match p.change() {
                    c if c.is_zero() && p.before.is_some() && p.now.is_some() => {
                        format!("{}: lines changed", money::grouped(c, dp))
                    }
                    c => signed(c, dp),
                };
                format!("{} {}: {} → {} ({change})", p.employee_id, p.name, shown(p.before), shown(p.now))
            })
            .collect()
    }

    /// What a file of the period's full figures is: a restatement, which pays the period twice
    /// if the file of the earlier figures was imported too. `difference`: how to export the
    /// difference alone, for the message.
    pub fn notice(&self, dp: u32, currency: &str, difference: &str) -> String {
        let times = if self.reopened == 1 { String::new() } else { format!(" ({} times)", self.reopened) };
        format!(
            "{period} was reopened after it was closed{times}: this file restates the whole period with its new \
             figures ({now} {currency}), where the figures recorded before the reopening paid {before} {currency} \
             ({change}). If a file of those figures was imported into payroll, importing this one pays {period} \
             twice: {difference}",
            period = self.period,
            now = money::grouped(self.now.total, dp),
            before = money::grouped(self.before.total, dp),
            change = signed(self.now.total - self.before.total, dp),
        )
    }

    /// What a file of the difference alone pays.
    pub fn difference_notice(&self, dp: u32, currency: &str) -> String {
        format!(
            "this file pays only what reopening {period} changed: the figures now ({now} {currency}) minus those \
             recorded before the reopening ({before} {currency}), per person and line ({change}). Import it only if \
             the file of the earlier figures was imported; otherwise export the period itself",
            period = self.period,
            now = money::grouped(self.now.total, dp),
            before = money::grouped(self.before.total, dp),
            change = signed(self.now.total - self.before.total, dp),
        )
    }

    /// The payouts of what reopening changed: per person, each line (component and kind) now
    /// minus the same line before, lines that did not change left out, and people whose pay did
    /// not change left out. `report` is the period's payouts now (they equal [`Self::now`]).
    /// Its lines carry the kinds and components of the period's own, so each gets its earning
    /// code as they do.
    pub fn difference(&self, plan: &Plan, report: &PayoutReport) -> PayoutReport {
        type Key = (String, &'static str);
        let sums = |lines: &mut dyn Iterator<Item = (String, &'static str, Decimal)>| -> BTreeMap<Key, Decimal> {
            let mut m = BTreeMap::new();
            for (component, kind, amount) in lines {
                *m.entry((component, kind)).or_insert(Decimal::ZERO) += amount;
            }
            m
        };
        let recorded = |p: &PersonRecord| -> Vec<(String, &'static str, Decimal)> {
            p.lines.iter().filter_map(|l| Some((l.component.clone(), kind_of(&l.kind)?.as_str(), l.amount))).collect()
        };
        let mut employees = Vec::new();
        let mut totals = Totals::default();
        let mut push = |mut payout: EmployeePayout, changes: Vec<(Key, Decimal, Name)>| {
            payout.lines = changes
                .into_iter()
                .filter(|(_, d, _)| !d.is_zero())
                .filter_map(|((component, kind), amount, label)| {
                    let names = LineNames::new(Name::new(&component), label);
                    let text = format!("change made by reopening {}", self.period);
                    Some(Line::new(names, kind_of(kind)?, 0, amount, None, text))
                })
                .collect();
            if payout.lines.is_empty() {
                return;
            }
            payout.index = employees.len();
            payout.total = payout.lines.iter().map(|l| l.amount).sum();
            totals.total += payout.total;
            totals.people += 1;
            *totals.by_role.entry(payout.role.to_string()).or_insert(Decimal::ZERO) += payout.total;
            for l in &payout.lines {
                *totals.by_component.entry(l.component().to_string()).or_insert(Decimal::ZERO) += l.amount;
            }
            employees.push(payout);
        };
        for e in &report.employees {
            let before = self.before.people.iter().find(|p| *p.employee_id == *e.employee_id);
            let now = sums(&mut e.lines.iter().map(|l| (l.component().to_string(), l.kind.as_str(), l.amount)));
            let old = before.map(|p| sums(&mut recorded(p).into_iter())).unwrap_or_default();
            let label = |key: &Key| {
                e.lines
                    .iter()
                    .find(|l| *l.component() == *key.0 && l.kind.as_str() == key.1)
                    .map_or_else(|| Name::new(&key.0), Line::label)
            };
            // The person's lines in their order now, then those they no longer have.
            let mut keys: Vec<Key> = Vec::new();
            for key in e.lines.iter().map(|l| (l.component().to_string(), l.kind.as_str())).chain(old.keys().cloned()) {
                if !keys.contains(&key) {
                    keys.push(key);
                }
            }
            let mut changes: Vec<(Key, Decimal, Name)> = Vec::new();
            for key in &keys {
                let d = now.get(key).copied().unwrap_or_default() - old.get(key).copied().unwrap_or_default();
                changes.push((key.clone(), d, label(key)));
            }
            push(EmployeePayout { warnings: Vec::new(), ..e.clone() }, changes);
        }
        for p in &self.before.people {
            if report.employees.iter().any(|e| *e.employee_id == *p.employee_id) {
                continue;
            }
            let old = sums(&mut recorded(p).into_iter());
            let changes = old.into_iter().map(|(k, v)| (k.clone(), -v, Name::new(&k.0))).collect();
            let track = plan.tracks.get_index_of(&p.role).unwrap_or(usize::MAX);
            push(
                EmployeePayout {
                    index: 0,
                    employee_id: p.employee_id.as_str().into(),
                    name: p.name.as_str().into(),
                    first_last: None,
                    role: p.role.as_str().into(),
                    team: "".into(),
                    proration: Decimal::ZERO,
                    attainment: None,
                    lines: Vec::new(),
                    total: Decimal::ZERO,
                    revenue: None,
                    warnings: Vec::new(),
                    track,
                },
                changes,
            );
        }
        PayoutReport {
            plan: report.plan.clone(),
            currency: report.currency.clone(),
            minor_units: report.minor_units,
            period: report.period,
            employees,
            not_covered: Vec::new(),
            errors: Vec::new(),
            totals,
        }
    }
}

/// The line kind a ledger records by name.
fn kind_of(name: &str) -> Option<LineKind> {
    [
        LineKind::Commission,
        LineKind::Bonus,
        LineKind::PerUnit,
        LineKind::CapAdjustment,
        LineKind::GuaranteeAdjustment,
        LineKind::TrueUp,
        LineKind::Draw,
        LineKind::DrawRecovery,
        LineKind::Deferred,
        LineKind::Clawback,
    ]
    .into_iter()
    .find(|k| k.as_str() == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Detail;
    use crate::roster::{Employee, Roster, SourceRef};
    use crate::year::ledger::Action;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// A monthly plan year: 10% of revenue to date (a true-up each month) and 100 per
    /// interview; `schedule` adds what carries across periods.
    fn plan(extra: &str) -> Plan {
        let text = format!(
            r#"{{"schema": 1, "name": "Year", "currency": "USD",
                "period": {{"start": "2026-01-01", "end": "2026-12-31"}},
                "schedule": {{"periods": "month"{extra}}},
                "tracks": {{"sales": {{"components": [
                  {{"kind": "commission", "id": "rev", "earning_code": "C", "basis": "amount", "window": "ytd",
                    "tiers": [{{"from": 0, "rate": 0.1}}]}},
                  {{"kind": "per_unit", "id": "disc", "earning_code": "S", "metric": "discovery_interviews",
                    "amount": 100}}]}}}}}}"#
        );
        crate::plan::parse(&text).unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn person(id: &str, revenue: &str, interviews: &str) -> Employee {
        Employee {
            id: id.into(),
            name: format!("Person {id}").as_str().into(),
            contact: None,
            role: "sales".into(),
            team: "A".into(),
            manager: Default::default(),
            currency: None,
            currency_symbol: None,
            base_salary: None,
            target_incentive: Some(d("20000")),
            quota: Some(d("120000")),
            start_date: None,
            end_date: None,
            metrics: vec![Some(d(revenue)), Some(d(interviews))],
            source: SourceRef { file: 0, line: 2 },
        }
    }

    fn roster(people: Vec<Employee>) -> Roster {
        Roster {
            metrics: vec!["revenue".to_owned(), "discovery_interviews".to_owned()],
            employees: people,
            sources: vec!["actuals.csv".to_owned()],
            joined: Vec::new(),
        }
    }

    #[test]
    fn what_carries_across_periods_is_what_a_period_alone_misses() {
        assert_eq!(ledger_reasons(&plan("")), ["year-to-date lines"]);
        let all = plan(
            r#", "draws": {"sales": {"amount": 500, "recoverable": true}}, "clawback": {"leaver_window_days": 30}"#,
        );
        assert_eq!(ledger_reasons(&all), ["year-to-date lines", "draws", "clawbacks"]);
        // February alone: refused with what it misses; January alone is all there is.
        let r = roster(vec![person("A", "1000", "1")]);
        let feb = crate::year::compute_period(&all, &r, "2026-02", None, Detail::AmountsOnly).unwrap();
        let why = without_ledger(&all, &feb).unwrap();
        assert!(why.starts_with("pay period 2026-02 was computed without the ledger"), "{why}");
        assert!(why.contains("the plan has year-to-date lines, draws and clawbacks"), "{why}");
        let jan = crate::year::compute_period(&all, &r, "2026-01", None, Detail::AmountsOnly).unwrap();
        assert_eq!(without_ledger(&all, &jan), None);
        // From a ledger, nothing is missing.
        let mut ledger = Ledger::new(&all);
        ledger.entries.push(jan.entry());
        let feb = crate::year::compute_period(&all, &r, "2026-02", Some(&ledger), Detail::AmountsOnly).unwrap();
        assert_eq!(without_ledger(&all, &feb), None);
        assert_eq!(checks(&all, &feb, Some(&ledger), "-"), Vec::<String>::new());
    }

    #[test]
    fn a_reopened_period_is_a_restatement_whose_difference_pays_only_the_change() {
        let plan = plan("");
        // January closed (A 1,000 and 2 interviews, B 500), then reopened: A's revenue is
        // 1,600, B is gone, C is new.
        let first = roster(vec![person("A", "1000", "2"), person("B", "500", "0")]);
        let again = roster(vec![person("A", "1600", "2"), person("C", "300", "1")]);
        let jan = |r: &Roster| crate::year::compute_period(&plan, r, "2026-01", None, Detail::AmountsOnly).unwrap();
        let (before, now) = (jan(&first), jan(&again));
        let mut ledger = Ledger::new(&plan);
        assert!(restatement(&ledger, "2026-01").is_none());
        ledger.entries.push(before.entry());
        assert!(restatement(&ledger, "2026-01").is_none(), "closed once: nothing restated");
        ledger.entries.push(crate::year::PeriodEntry { action: Action::Reopen, ..now.entry() });
        let r = restatement(&ledger, "2026-01").unwrap();
        assert_eq!(r.reopened, 1);
        assert_eq!(
            r.lines(2),
            [
                "A Person A: 300.00 → 360.00 (+60.00)",
                "C Person C: not in the period → 130.00 (+130.00)",
                "B Person B: 50.00 → not in the period (−50.00)",
            ]
        );
        let notice = r.notice(2, "USD", "export the difference");
        assert!(
            notice.starts_with(
                "2026-01 was reopened after it was closed: this file restates the whole period with its new figures \
                 (490.00 USD), where the figures recorded before the reopening paid 350.00 USD (+140.00)"
            ),
            "{notice}"
        );
        assert!(notice.ends_with("pays 2026-01 twice: export the difference"), "{notice}");
        assert_eq!(checks(&plan, &now, Some(&ledger), "x"), [r.notice(2, "USD", "x")]);

        // The difference: per person and line, what changed; nothing for lines that did not.
        let diff = r.difference(&plan, &now.report);
        let rows: Vec<(String, String, &str, Decimal)> = diff
            .employees
            .iter()
            .flat_map(|e| {
                e.lines
                    .iter()
                    .map(move |l| (e.employee_id.to_string(), l.component().to_string(), l.kind.as_str(), l.amount))
            })
            .collect();
        assert_eq!(
            rows,
            [
                ("A".to_owned(), "rev".to_owned(), "true_up", d("60.00")),
                ("C".to_owned(), "rev".to_owned(), "true_up", d("30.00")),
                ("C".to_owned(), "disc".to_owned(), "per_unit", d("100.00")),
                ("B".to_owned(), "rev".to_owned(), "true_up", d("-50.00")),
            ]
        );
        assert_eq!(diff.totals.total, now.report.totals.total - before.report.totals.total);
        // It exports with the lines' own earning codes, and its reconciliation adds up.
        let settings = super::super::PayrollSettings::default();
        let request = super::super::ExportRequest {
            plan: &plan,
            report: &diff,
            pay_date: chrono::NaiveDate::from_ymd_opt(2026, 2, 5).unwrap(),
            template: super::super::Template::Generic,
            settings: &settings,
            plan_bytes: b"{}",
        };
        let (_, rec) = super::super::render(&request).unwrap();
        assert_eq!(rec.total, d("140.00"));
        assert_eq!(rec.by_code.get("C"), Some(&d("40.00")));
        assert_eq!(rec.by_code.get("S"), Some(&d("100.00")));
    }
}

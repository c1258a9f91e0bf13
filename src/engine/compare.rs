//! Comparing plans on one roster: totals per plan, and per person the difference between plans
//! with the biggest gainers and losers.

use rust_decimal::Decimal;
use serde::Serialize;

use super::PayoutReport;
use super::json::{Amount, TotalsJson};

/// One person across the compared plans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRow {
    /// Employee id.
    pub employee_id: crate::roster::Text,
    /// Name.
    pub name: crate::roster::Text,
    /// Role.
    pub role: crate::roster::Text,
    /// Team.
    pub team: crate::roster::Text,
    /// Total under each plan (same order as the plans); `None` when not paid by that plan
    /// (not covered or in error).
    pub totals: Vec<Option<Decimal>>,
}

impl PersonRow {
    /// The row of someone `e` pays, before any of the `plans` totals is set.
    pub fn of(e: &super::EmployeePayout, plans: usize) -> Self {
        Self {
            employee_id: e.employee_id.clone(),
            name: e.name.clone(),
            role: e.role.clone(),
            team: e.team.clone(),
            totals: vec![None; plans],
        }
    }

    /// Sets the total under plan `plan` to what `e` is paid by it.
    pub fn paid(&mut self, plan: usize, e: &super::EmployeePayout) {
        if let Some(slot) = self.totals.get_mut(plan) {
            *slot = Some(e.total);
        }
    }

    /// `totals[to] − totals[from]`, treating "not paid" as 0.
    pub fn change(&self, from: usize, to: usize) -> Decimal {
        let get = |i: usize| self.totals.get(i).copied().flatten().unwrap_or_default();
        get(to) - get(from)
    }
}

/// Several plans' results on the same roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// Each plan's report, in the order given.
    pub reports: Vec<PayoutReport>,
    /// Everyone in the roster who any plan computed, in roster order.
    pub people: Vec<PersonRow>,
}

impl Comparison {
    /// Lines up the reports by employee.
    pub fn new(reports: Vec<PayoutReport>) -> Self {
        let mut index: std::collections::BTreeMap<usize, PersonRow> = std::collections::BTreeMap::new();
        let n = reports.len();
        for (p, report) in reports.iter().enumerate() {
            for e in &report.employees {
                index.entry(e.index).or_insert_with(|| PersonRow::of(e, n)).paid(p, e);
            }
        }
        Self { reports, people: index.into_values().collect() }
    }

    /// A comparison of `reports` without their people (a roster streamed through the plans,
    /// [`super::stream::stream_plans`]) and `people`, the rows [`Comparison::new`] would line
    /// up from the reports with their people.
    pub fn of_rows(reports: Vec<PayoutReport>, people: Vec<PersonRow>) -> Self {
        Self { reports, people }
    }

    /// The `n` people who gain most and the `n` who lose most moving from plan `from` to `to`
    /// (largest change first; ties by employee id).
    pub fn movers(&self, from: usize, to: usize, n: usize) -> (Vec<&PersonRow>, Vec<&PersonRow>) {
        let mut rows: Vec<&PersonRow> = self.people.iter().collect();
        rows.sort_by(|a, b| {
            b.change(from, to).cmp(&a.change(from, to)).then_with(|| a.employee_id.cmp(&b.employee_id))
        });
        let gainers: Vec<&PersonRow> =
            rows.iter().copied().filter(|r| r.change(from, to) > Decimal::ZERO).take(n).collect();
        let losers: Vec<&PersonRow> =
            rows.iter().rev().copied().filter(|r| r.change(from, to) < Decimal::ZERO).take(n).collect();
        (gainers, losers)
    }

    /// The currency decimals (of the first plan).
    pub fn minor_units(&self) -> u32 {
        self.reports.first().map_or(2, |r| r.minor_units)
    }
}

#[derive(Serialize)]
struct PlanJson<'a> {
    plan: &'a str,
    currency: &'a str,
    period: [String; 2],
    totals: TotalsJson<'a>,
    not_covered: usize,
    errors: usize,
}

#[derive(Serialize)]
struct PersonJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    team: &'a str,
    totals: Vec<Option<Amount>>,
    change: Vec<Amount>,
}

#[derive(Serialize)]
struct MoverJson<'a> {
    employee_id: &'a str,
    name: &'a str,
    role: &'a str,
    from: Amount,
    to: Amount,
    change: Amount,
}

#[derive(Serialize)]
struct ChangeJson<'a> {
    from: usize,
    to: usize,
    from_plan: &'a str,
    to_plan: &'a str,
    total_change: Amount,
    people_gaining: usize,
    people_losing: usize,
    gainers: Vec<MoverJson<'a>>,
    losers: Vec<MoverJson<'a>>,
}

#[derive(Serialize)]
struct ComparisonJson<'a> {
    plans: Vec<PlanJson<'a>>,
    changes: Vec<ChangeJson<'a>>,
    people: Vec<PersonJson<'a>>,
}

fn mover(r: &PersonRow, to: usize, dp: u32) -> MoverJson<'_> {
    MoverJson {
        employee_id: &r.employee_id,
        name: &r.name,
        role: &r.role,
        from: Amount(r.totals.first().copied().flatten().unwrap_or_default(), dp),
        to: Amount(r.totals.get(to).copied().flatten().unwrap_or_default(), dp),
        change: Amount(r.change(0, to), dp),
    }
}

/// How many gainers and losers the summaries list.
pub const MOVERS: usize = 10;

/// Writes the comparison as pretty JSON. `changes[k]` compares plan 0 (the first given) with
/// plan k + 1; each person's `change[k]` is their total under plan k + 1 minus under plan 0.
pub fn write_json(cmp: &Comparison, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let dp = cmp.minor_units();
    let amount = |d: Decimal| Amount(d, dp);
    let changes = (1..cmp.reports.len())
        .map(|to| {
            let (gainers, losers) = cmp.movers(0, to, MOVERS);
            ChangeJson {
                from: 0,
                to,
                from_plan: cmp.reports.first().map_or("", |r| r.plan.as_str()),
                to_plan: cmp.reports.get(to).map_or("", |r| r.plan.as_str()),
                total_change: amount(
                    cmp.reports.get(to).map(|r| r.totals.total).unwrap_or_default()
                        - cmp.reports.first().map(|r| r.totals.total).unwrap_or_default(),
                ),
                people_gaining: cmp.people.iter().filter(|r| r.change(0, to) > Decimal::ZERO).count(),
                people_losing: cmp.people.iter().filter(|r| r.change(0, to) < Decimal::ZERO).count(),
                gainers: gainers.into_iter().map(|r| mover(r, to, dp)).collect(),
                losers: losers.into_iter().map(|r| mover(r, to, dp)).collect(),
            }
        })
        .collect();
    let json = ComparisonJson {
        plans: cmp
            .reports
            .iter()
            .map(|r| PlanJson {
                plan: &r.plan,
                currency: &r.currency,
                period: [r.period.start.to_string(), r.period.end.to_string()],
                totals: TotalsJson::new(&r.totals, r.minor_units),
                not_covered: r.not_covered.len(),
                errors: r.errors.len(),
            })
            .collect(),
        changes,
        people: cmp
            .people
            .iter()
            .map(|p| PersonJson {
                employee_id: &p.employee_id,
                name: &p.name,
                role: &p.role,
                team: &p.team,
                totals: p.totals.iter().map(|t| t.map(amount)).collect(),
                change: (1..cmp.reports.len()).map(|to| amount(p.change(0, to))).collect(),
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

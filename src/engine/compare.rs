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
    /// Whether each plan could not compute the person (in error): what it would pay them is
    /// unknown, so their change to or from it is too.
    pub failed: Vec<bool>,
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
            failed: vec![false; plans],
        }
    }

    /// Notes that plan `plan` could not compute the person.
    pub fn mark_failed(&mut self, plan: usize) {
        if let Some(slot) = self.failed.get_mut(plan) {
            *slot = true;
        }
    }

    /// Sets the total under plan `plan` to what `e` is paid by it.
    pub fn paid(&mut self, plan: usize, e: &super::EmployeePayout) {
        if let Some(slot) = self.totals.get_mut(plan) {
            *slot = Some(e.total);
        }
    }

    /// `totals[to] − totals[from]`, "not paid" (no track for the role) counting as 0; `None`
    /// when either plan could not compute the person.
    pub fn change(&self, from: usize, to: usize) -> Option<Decimal> {
        let get = |i: usize| match self.failed.get(i) {
            Some(false) => Some(self.totals.get(i).copied().flatten().unwrap_or_default()),
            _ => None,
        };
        Some(get(to)? - get(from)?)
    }
}

/// Plans that pay in different currencies: what one pays cannot be subtracted from what
/// another does, nor their people ranked by the difference.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{plan}` pays in {currency} but `{reference}` pays in {reference_currency}: their totals cannot be compared. \
     Compare plans that pay in one currency (a plan converts roster rows in other currencies with its fx rates)"
)]
pub struct MixedCurrencies {
    /// The first plan (the reference).
    pub reference: String,
    /// Its currency.
    pub reference_currency: String,
    /// The first plan paying in another currency.
    pub plan: String,
    /// That currency.
    pub currency: String,
}

/// Checks that every plan, given as (name, currency), pays in the first one's currency.
pub fn one_currency<'a>(plans: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<(), MixedCurrencies> {
    let mut plans = plans.into_iter();
    let Some((reference, reference_currency)) = plans.next() else { return Ok(()) };
    match plans.find(|(_, c)| !c.eq_ignore_ascii_case(reference_currency)) {
        None => Ok(()),
        Some((plan, currency)) => Err(MixedCurrencies {
            reference: reference.to_owned(),
            reference_currency: reference_currency.to_owned(),
            plan: plan.to_owned(),
            currency: currency.to_owned(),
        }),
    }
}

/// A warning when the plans, given as (name, period), do not all cover the first one's period:
/// each prorates the same roster by its own dates, so someone who joined or left in between
/// gains or loses for that alone.
pub fn different_periods<'a>(plans: impl IntoIterator<Item = (&'a str, crate::plan::Period)>) -> Option<String> {
    let plans: Vec<(&str, crate::plan::Period)> = plans.into_iter().collect();
    let first = plans.first()?.1;
    if plans.iter().all(|(_, p)| *p == first) {
        return None;
    }
    let each: Vec<String> = plans.iter().map(|(name, p)| format!("`{name}` {} to {}", p.start, p.end)).collect();
    Some(format!(
        "the plans cover different periods ({}): each prorates the same roster by its own dates, so people who \
         joined or left in between gain or lose for that alone",
        each.join(", ")
    ))
}

/// Several plans' results on the same roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// Each plan's report, in the order given.
    pub reports: Vec<PayoutReport>,
    /// Everyone in the roster who any plan computed, in roster order.
    pub people: Vec<PersonRow>,
    /// People some plan could not compute (in error): what that plan would pay them is unknown,
    /// so they are not among the gainers and losers (each plan's report lists them).
    pub not_compared: usize,
    /// What the figures are, said on every hand-out (e.g. one pay period of plan years,
    /// computed without a ledger).
    pub notes: Vec<String>,
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
        let mut failed = std::collections::BTreeSet::new();
        for (p, report) in reports.iter().enumerate() {
            for e in &report.errors {
                failed.insert(e.index);
                if let Some(row) = index.get_mut(&e.index) {
                    row.mark_failed(p);
                }
            }
        }
        Self { reports, people: index.into_values().collect(), not_compared: failed.len(), notes: Vec::new() }
    }

    /// The comparison with `note` said on its hand-outs.
    #[must_use]
    pub fn with_note(mut self, note: String) -> Self {
        self.notes.push(note);
        self
    }

    /// A comparison of `reports` without their people (a roster streamed through the plans,
    /// [`super::stream::stream_plans`]) and `people`, the rows [`Comparison::new`] would line
    /// up from the reports with their people; `not_compared` people some plan could not
    /// compute.
    pub fn of_rows(reports: Vec<PayoutReport>, people: Vec<PersonRow>, not_compared: usize) -> Self {
        Self { reports, people, not_compared, notes: Vec::new() }
    }

    /// Says how many people are not compared person by person, when any are.
    pub fn not_compared_note(&self) -> Option<String> {
        match self.not_compared {
            0 => None,
            1 => Some(
                "1 person could not be computed under at least one plan, so is not among the gainers and \
                 losers"
                    .to_owned(),
            ),
            n => Some(format!(
                "{n} people could not be computed under at least one plan, so are not among the gainers and \
                 losers"
            )),
        }
    }

    /// The `n` people who gain most and the `n` who lose most moving from plan `from` to `to`
    /// (largest change first; ties by employee id). People either plan could not compute are
    /// in neither.
    pub fn movers(&self, from: usize, to: usize, n: usize) -> (Vec<&PersonRow>, Vec<&PersonRow>) {
        let mut rows: Vec<(&PersonRow, Decimal)> =
            self.people.iter().filter_map(|r| r.change(from, to).map(|c| (r, c))).collect();
        rows.sort_by(|(a, ca), (b, cb)| cb.cmp(ca).then_with(|| a.employee_id.cmp(&b.employee_id)));
        let gainers: Vec<&PersonRow> =
            rows.iter().filter(|(_, c)| *c > Decimal::ZERO).take(n).map(|(r, _)| *r).collect();
        let losers: Vec<&PersonRow> =
            rows.iter().rev().filter(|(_, c)| *c < Decimal::ZERO).take(n).map(|(r, _)| *r).collect();
        (gainers, losers)
    }

    /// How many people gain and how many lose moving from plan `from` to `to` (people either
    /// plan could not compute are in neither).
    pub fn gaining_losing(&self, from: usize, to: usize) -> (usize, usize) {
        let changes = || self.people.iter().filter_map(|r| r.change(from, to));
        (changes().filter(|c| *c > Decimal::ZERO).count(), changes().filter(|c| *c < Decimal::ZERO).count())
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
    change: Vec<Option<Amount>>,
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
    not_compared: usize,
}

fn mover(r: &PersonRow, to: usize, dp: u32) -> MoverJson<'_> {
    MoverJson {
        employee_id: &r.employee_id,
        name: &r.name,
        role: &r.role,
        from: Amount(r.totals.first().copied().flatten().unwrap_or_default(), dp),
        to: Amount(r.totals.get(to).copied().flatten().unwrap_or_default(), dp),
        change: Amount(r.change(0, to).unwrap_or_default(), dp),
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
            let (people_gaining, people_losing) = cmp.gaining_losing(0, to);
            ChangeJson {
                from: 0,
                to,
                from_plan: cmp.reports.first().map_or("", |r| r.plan.as_str()),
                to_plan: cmp.reports.get(to).map_or("", |r| r.plan.as_str()),
                total_change: amount(
                    cmp.reports.get(to).map(|r| r.totals.total).unwrap_or_default()
                        - cmp.reports.first().map(|r| r.totals.total).unwrap_or_default(),
                ),
                people_gaining,
                people_losing,
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
                change: (1..cmp.reports.len()).map(|to| p.change(0, to).map(amount)).collect(),
            })
            .collect(),
        not_compared: cmp.not_compared,
    };
    serde_json::to_writer_pretty(&mut *out, &json).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}

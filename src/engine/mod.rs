//! The payout engine: every person's payout, line by line, exact to the minor unit and explained.
//!
//! Order of evaluation (DOMAIN.md): (1) each line's raw value with its own threshold,
//! (2) multipliers, (3) each line's own cap, (4) the plan-level cap and guarantee as adjustment
//! lines, (5) each line rounded to the currency's minor unit; the total is the sum of the rounded
//! lines, so an export always sums exactly.

mod batch;
pub mod compare;
pub mod compiled;
pub mod json;
pub mod stats;
pub mod warnings;

use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use rust_decimal::Decimal;

pub(crate) use batch::BatchScratch;
pub use compiled::{CompiledPlan, LineError, LineKind, PersonContext};
use compiled::{CompiledTrack, Explain, LimitKonst, NoTrace, RawLine, Tracer};

use crate::money;
use crate::num::Num;
use crate::plan::{Period, Plan, Problem};
use crate::roster::{Employee, Roster, Text};

/// Decimals beyond the currency's with which an explanation shows an amount before rounding.
const UNROUNDED_DECIMALS: u32 = 6;

/// Whether to write the plain-language explanation of every line (slower; the app asks for it
/// only for the person on screen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Amounts and explanations.
    Explained,
    /// Amounts only.
    AmountsOnly,
}

/// One payout line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Component id, or `cap_adjustment` / `guarantee_adjustment` (shared, not copied, per line).
    pub component: Arc<str>,
    /// The component's label.
    pub label: Arc<str>,
    /// What kind of line this is.
    pub kind: LineKind,
    /// The amount, rounded to the currency's minor unit.
    pub amount: Decimal,
    /// How the amount was reached, checkable by hand (empty with [`Detail::AmountsOnly`]).
    pub explanation: String,
    /// What the line was paid on: attainment, metric ÷ target, the money metric, or units
    /// (`None` for adjustment lines).
    pub measure: Option<Decimal>,
    /// Index into the compiled plan's components (for totals).
    pub(crate) slot: usize,
}

/// A person's payout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmployeePayout {
    /// Index in the roster.
    pub index: usize,
    /// Employee id (text).
    pub employee_id: Text,
    /// Name.
    pub name: Text,
    /// Role (the track used).
    pub role: Text,
    /// Team.
    pub team: Text,
    /// Share of the period employed.
    pub proration: Decimal,
    /// Attainment of the first line that measures one (metric ÷ prorated quota or target).
    pub attainment: Option<Decimal>,
    /// The lines, in plan order, then adjustments.
    pub lines: Vec<Line>,
    /// Sum of the lines.
    pub total: Decimal,
    /// The person's revenue in plan currency, when the roster has a revenue column.
    pub revenue: Option<Decimal>,
    /// Things a reviewer should look at (negative metrics, not employed in the period).
    pub warnings: Vec<String>,
    /// Index of the plan track that paid this person (for totals by role).
    pub(crate) track: usize,
}

/// A person who could not be computed, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmployeeError {
    /// Index in the roster.
    pub index: usize,
    /// Employee id.
    pub employee_id: Text,
    /// Name.
    pub name: Text,
    /// Role.
    pub role: Text,
    /// The component at fault, if any.
    pub component: Option<String>,
    /// What went wrong.
    pub message: String,
}

/// A person whose role has no track in the plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotCovered {
    /// Index in the roster.
    pub index: usize,
    /// Employee id.
    pub employee_id: Text,
    /// Name.
    pub name: Text,
    /// Role (no track).
    pub role: Text,
}

/// Sums over everyone paid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Total payout cost.
    pub total: Decimal,
    /// By component id (plan order), then adjustments.
    pub by_component: IndexMap<String, Decimal>,
    /// By role (plan order).
    pub by_role: IndexMap<String, Decimal>,
    /// Number of people computed (including those with a zero payout).
    pub people: usize,
    /// Revenue of the people computed, in plan currency (0 without a revenue column).
    pub revenue: Decimal,
}

impl Totals {
    /// Payout cost as a percentage of revenue (`None` without revenue).
    pub fn cost_pct_of_revenue(&self) -> Option<Decimal> {
        if self.revenue.is_zero() {
            return None;
        }
        self.total.checked_div(self.revenue).and_then(|r| r.checked_mul(Decimal::ONE_HUNDRED))
    }
}

/// Everything a plan pays on a roster.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayoutReport {
    /// Plan name.
    pub plan: String,
    /// Plan currency.
    pub currency: String,
    /// Decimals of the currency.
    pub minor_units: u32,
    /// The plan period.
    pub period: Period,
    /// Everyone computed, in roster order.
    pub employees: Vec<EmployeePayout>,
    /// People whose role has no track.
    pub not_covered: Vec<NotCovered>,
    /// People who could not be computed (one entry per problem).
    pub errors: Vec<EmployeeError>,
    /// Sums.
    pub totals: Totals,
}

/// The result for one person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Computed.
    Paid(EmployeePayout),
    /// The role has no track.
    NotCovered(NotCovered),
    /// Could not be computed; every problem found.
    Failed(Vec<EmployeeError>),
}

/// Computes `plan` on `roster`. `Err` when the plan has validation errors.
pub fn compute(plan: &Plan, roster: &Roster, detail: Detail) -> Result<PayoutReport, Vec<Problem>> {
    let compiled = CompiledPlan::new(plan, roster)?;
    Ok(compiled.report(plan, roster, detail))
}

/// [`compute`], calling `progress(1)` as each person is computed (from several threads at once;
/// for a progress bar).
pub fn compute_with_progress(
    plan: &Plan,
    roster: &Roster,
    detail: Detail,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PayoutReport, Vec<Problem>> {
    let compiled = CompiledPlan::new(plan, roster)?;
    Ok(compiled.report_with_progress(plan, roster, detail, progress))
}

/// Buffers one thread reuses from person to person.
#[derive(Default)]
struct Scratch {
    values: Vec<Option<Decimal>>,
    raw: Vec<RawLine<Decimal>>,
}

impl CompiledPlan {
    /// Computes everyone in `roster` (in parallel) and sums the results.
    pub fn report(&self, plan: &Plan, roster: &Roster, detail: Detail) -> PayoutReport {
        self.report_with_progress(plan, roster, detail, &|_| {})
    }

    /// [`CompiledPlan::report`], calling `progress(1)` as each person is computed.
    pub fn report_with_progress(
        &self,
        plan: &Plan,
        roster: &Roster,
        detail: Detail,
        progress: &(dyn Fn(u64) + Sync),
    ) -> PayoutReport {
        let outcomes = self.outcomes(roster, detail, progress);
        self.assemble(plan, outcomes)
    }

    /// Computes one person, with the explanation of every line.
    pub fn explain(&self, index: usize, e: &Employee) -> Outcome {
        self.evaluate(index, e, Detail::Explained, &mut Scratch::default())
    }

    fn evaluate(&self, index: usize, e: &Employee, detail: Detail, scratch: &mut Scratch) -> Outcome {
        let Some(track) = self.track(&e.role) else {
            return Outcome::NotCovered(NotCovered {
                index,
                employee_id: e.id.clone(),
                name: e.name.clone(),
                role: e.role.clone(),
            });
        };
        let fail = |errors: Vec<LineError>| {
            Outcome::Failed(
                errors
                    .into_iter()
                    .map(|err| EmployeeError {
                        index,
                        employee_id: e.id.clone(),
                        name: e.name.clone(),
                        role: e.role.clone(),
                        component: err.component,
                        message: err.message,
                    })
                    .collect(),
            )
        };
        let mut payout = EmployeePayout {
            index,
            employee_id: e.id.clone(),
            name: e.name.clone(),
            role: e.role.clone(),
            team: e.team.clone(),
            proration: Decimal::ZERO,
            attainment: None,
            // The plan's lines and room for a cap or guarantee adjustment.
            lines: Vec::with_capacity(track.lines.len() + 1),
            total: Decimal::ZERO,
            revenue: None,
            warnings: Vec::new(),
            track: track.slot,
        };
        let ctx = match self.prepare::<Decimal>(e, track, &mut scratch.values) {
            Ok(ctx) => ctx,
            Err(errors) => return fail(errors),
        };
        payout.proration = ctx.proration;
        payout.revenue = self.revenue.and_then(|i| scratch.values.get(i).copied().flatten());
        if ctx.proration.is_zero() {
            payout
                .warnings
                .push(format!("not employed during the period {} to {}: payout 0", self.period.start, self.period.end));
            return Outcome::Paid(payout);
        }
        let mut errors = Vec::new();
        let mut traces: Vec<Explain> = match detail {
            // Room for a typical explanation, so the text is not reallocated as it grows.
            Detail::Explained => (0..track.lines.len()).map(|_| Explain { text: String::with_capacity(192) }).collect(),
            Detail::AmountsOnly => Vec::new(),
        };
        if traces.is_empty() {
            self.lines(track, &ctx, &scratch.values, &mut scratch.raw, &mut [] as &mut [NoTrace], &mut errors);
        } else {
            self.lines(track, &ctx, &scratch.values, &mut scratch.raw, &mut traces, &mut errors);
        }
        if !errors.is_empty() {
            return fail(errors);
        }
        payout.attainment = scratch.raw.iter().find_map(|r| r.attainment);
        for (i, (line, raw)) in track.lines.iter().zip(&scratch.raw).enumerate() {
            let amount = self.rounding.apply(raw.value, self.minor_units);
            let explanation = match traces.get_mut(i) {
                Some(t) => {
                    // The amount before rounding, when rounding changed it: in full when it has
                    // a few more decimals than the currency (17 × 0.075 = 1.275), else to six
                    // more (a curve's division leaves 28 digits that say nothing).
                    let shown = raw.value.round_dp(self.minor_units + UNROUNDED_DECIMALS).normalize();
                    if shown != amount {
                        t.push(format_args!(
                            "{} {} rounded {} to {}",
                            if shown == raw.value { "exact" } else { "about" },
                            shown,
                            self.rounding.as_str().replace('_', " "),
                            money::Grouped(amount, self.minor_units)
                        ));
                    }
                    std::mem::take(&mut t.text)
                }
                None => String::new(),
            };
            payout.lines.push(Line {
                component: Arc::clone(&line.id),
                label: Arc::clone(&line.label),
                slot: line.slot,
                kind: line.kind,
                amount,
                explanation,
                measure: raw.measure,
            });
        }
        for (line, raw) in track.lines.iter().zip(&scratch.raw) {
            if raw.negative_metric {
                payout
                    .warnings
                    .push(format!("{} is negative in the roster; the {} line pays 0", line.metric_name, line.id));
            }
        }
        if let Err(err) = self.apply_limits(track, &ctx, &mut payout.lines, detail) {
            return fail(vec![err]);
        }
        // Every later sum (totals, exports, charts) adds a subset of these lines; bounding the
        // sum of their sizes here (and across people in `assemble`) keeps all of them exact.
        match magnitude(&payout.lines) {
            Some(_) => payout.total = payout.lines.iter().map(|l| l.amount).sum(),
            None => {
                return fail(vec![LineError {
                    component: None,
                    message: too_large_message("this person's payout lines"),
                }]);
            }
        }
        Outcome::Paid(payout)
    }

    /// The amount of a cap or guarantee for this person (unrounded).
    #[inline]
    fn limit_amount<N: Num>(&self, limit: &LimitKonst, ctx: &PersonContext<N>, which: &str) -> Result<N, LineError> {
        let err = |message: String| LineError { component: Some(which.to_owned()), message };
        if let Some(m) = &limit.multiple_of_ti {
            let ti = ctx.target_incentive.ok_or_else(|| {
                err(format!(
                    "the {which} is a multiple of target incentive, but the roster row has no target_incentive"
                ))
            })?;
            return ti.mul(N::konst(m)).map_err(|e| err(e.to_string()));
        }
        N::konst(&limit.amount).mul(ctx.proration).map_err(|e| err(e.to_string()))
    }

    /// How a limit's amount `value` was reached, for its adjustment line's explanation.
    fn limit_text(&self, limit: &LimitKonst, ctx: &PersonContext<Decimal>, value: Decimal) -> String {
        let dp = self.minor_units;
        match (limit.multiple_of_ti, ctx.target_incentive) {
            (Some(m), Some(ti)) => format!(
                "{} × prorated target incentive {} = {}",
                money::Number(m.dec),
                money::Grouped(ti, dp),
                money::Grouped(value, dp)
            ),
            _ => {
                let amount = limit.amount.dec;
                if ctx.proration == Decimal::ONE {
                    money::grouped(amount, dp)
                } else {
                    format!(
                        "{} × {} employed = {}",
                        money::Grouped(amount, dp),
                        money::Percent(ctx.proration, 1),
                        money::Grouped(value, dp)
                    )
                }
            }
        }
    }

    /// Step (4): the plan-level cap and guarantee, as adjustment lines computed on the rounded
    /// lines so the total lands exactly on the limit.
    fn apply_limits(
        &self,
        track: &CompiledTrack,
        ctx: &PersonContext<Decimal>,
        lines: &mut Vec<Line>,
        detail: Detail,
    ) -> Result<(), LineError> {
        let dp = self.minor_units;
        let overflow = || LineError { component: None, message: too_large_message("this person's payout lines") };
        magnitude(lines).ok_or_else(overflow)?;
        let mut total: Decimal = lines.iter().map(|l| l.amount).sum();
        if let Some(cap) = &track.cap {
            let unrounded = self.limit_amount(cap, ctx, "cap")?;
            let limit = self.rounding.apply(unrounded, dp);
            if total > limit {
                let adjustment = limit.checked_sub(total).ok_or_else(overflow)?;
                let explanation = match detail {
                    Detail::Explained => format!(
                        "total variable pay {} is above the cap of {}: {}",
                        money::Grouped(total, dp),
                        self.limit_text(cap, ctx, unrounded),
                        money::Grouped(adjustment, dp)
                    ),
                    Detail::AmountsOnly => String::new(),
                };
                lines.push(Line {
                    component: Arc::from(LineKind::CapAdjustment.as_str()),
                    label: Arc::from("Cap adjustment"),
                    slot: self.components.len().saturating_sub(2),
                    kind: LineKind::CapAdjustment,
                    amount: adjustment,
                    explanation,
                    measure: None,
                });
                total = limit;
            }
        }
        if let Some(guarantee) = &track.guarantee {
            let unrounded = self.limit_amount(guarantee, ctx, "guarantee")?;
            let floor = self.rounding.apply(unrounded, dp);
            if total < floor {
                let adjustment = floor.checked_sub(total).ok_or_else(overflow)?;
                let explanation = match detail {
                    Detail::Explained => format!(
                        "total variable pay {} is below the guarantee of {}: +{}",
                        money::Grouped(total, dp),
                        self.limit_text(guarantee, ctx, unrounded),
                        money::Grouped(adjustment, dp)
                    ),
                    Detail::AmountsOnly => String::new(),
                };
                lines.push(Line {
                    component: Arc::from(LineKind::GuaranteeAdjustment.as_str()),
                    label: Arc::from("Guarantee adjustment"),
                    slot: self.components.len().saturating_sub(1),
                    kind: LineKind::GuaranteeAdjustment,
                    amount: adjustment,
                    explanation,
                    measure: None,
                });
            }
        }
        Ok(())
    }

    /// A person's total pay in `N` without rounding: lines, multipliers, caps, then the plan cap
    /// and guarantee. This is what the behaviour simulation maximises; `values` must hold the
    /// person's metrics (see [`CompiledPlan::prepare`]).
    pub(crate) fn pay<N: Num>(
        &self,
        role: &str,
        ctx: &PersonContext<N>,
        values: &[Option<N>],
        raw: &mut Vec<RawLine<N>>,
    ) -> Result<N, LineError> {
        let Some(track) = self.tracks.get(role) else {
            return Ok(N::ZERO);
        };
        self.pay_track(track, ctx, values, raw)
    }

    /// [`CompiledPlan::pay`] for a track already looked up (see [`CompiledPlan::track`]), so
    /// the behaviour simulation's hot loop does not hash the role on every evaluation.
    pub(crate) fn pay_track<N: Num>(
        &self,
        track: &CompiledTrack,
        ctx: &PersonContext<N>,
        values: &[Option<N>],
        raw: &mut Vec<RawLine<N>>,
    ) -> Result<N, LineError> {
        let mut errors = Vec::new();
        self.lines(track, ctx, values, raw, &mut [] as &mut [NoTrace], &mut errors);
        if let Some(e) = errors.into_iter().next() {
            return Err(e);
        }
        let mut total = N::ZERO;
        for r in raw.iter() {
            total = total.add(r.value).map_err(|e| LineError { component: None, message: e.to_string() })?;
        }
        if let Some(cap) = &track.cap {
            total = total.min_of(self.limit_amount(cap, ctx, "cap")?);
        }
        if let Some(g) = &track.guarantee {
            total = total.max_of(self.limit_amount(g, ctx, "guarantee")?);
        }
        Ok(total)
    }

    fn assemble(&self, plan: &Plan, outcomes: Vec<Outcome>) -> PayoutReport {
        let tally = self.tally(&outcomes);
        self.build(plan, outcomes, tally)
    }

    /// Computes everyone (amounts only) and aggregates the report for charts at the same time:
    /// the aggregates are taken from the computed people while their sums are checked and added
    /// up, on the other core. The same as [`CompiledPlan::report`] then [`stats::PlanStats::new`].
    pub fn report_with_stats(&self, plan: &Plan, roster: &Roster) -> (PayoutReport, stats::PlanStats) {
        let outcomes = self.outcomes(roster, Detail::AmountsOnly, &|_| {});
        let roster_len = roster.employees.len();
        let (tally, early) = rayon::join(
            || self.tally(&outcomes),
            || {
                let paid = outcomes.iter().filter_map(|o| match o {
                    Outcome::Paid(p) => Some(p),
                    _ => None,
                });
                stats::PlanStats::of(paid, &self.track_roles, roster_len)
            },
        );
        // The aggregates counted everyone paid; if anyone was too large to add up, they are
        // not in the report (and the aggregates may not have fitted): aggregate the report.
        let everyone_added = tally.too_large.is_empty();
        let report = self.build(plan, outcomes, tally);
        let stats = match early {
            Some(stats) if everyone_added => stats,
            _ => stats::PlanStats::new(&report, roster_len),
        };
        (report, stats)
    }

    /// Everyone's outcome, in roster order (in parallel).
    fn outcomes(&self, roster: &Roster, detail: Detail, progress: &(dyn Fn(u64) + Sync)) -> Vec<Outcome> {
        roster
            .employees
            .par_iter()
            .enumerate()
            .map_init(Scratch::default, |scratch, (i, e)| {
                let outcome = self.evaluate(i, e, detail, scratch);
                progress(1);
                outcome
            })
            .collect()
    }

    /// The report's sums, and who cannot be added to them (in order, as the report lists them).
    fn tally(&self, outcomes: &[Outcome]) -> Tally {
        let mut tally = Tally {
            by_slot: vec![Decimal::ZERO; self.components.len()],
            used: vec![false; self.components.len()],
            by_track: vec![Decimal::ZERO; self.track_roles.len()],
            total: Decimal::ZERO,
            people: 0,
            revenue: Decimal::ZERO,
            too_large: Vec::new(),
        };
        // Σ |line| and Σ |revenue| over everyone so far: while they fit, every sum of any subset
        // of lines or revenues (totals here, by code in exports, by person in charts) fits too.
        let mut paid_size = Decimal::ZERO;
        let mut revenue_size = Decimal::ZERO;
        for (i, outcome) in outcomes.iter().enumerate() {
            let Outcome::Paid(p) = outcome else { continue };
            let sizes = magnitude(&p.lines)
                .and_then(|s| paid_size.checked_add(s))
                .zip(revenue_size.checked_add(p.revenue.unwrap_or_default().abs()));
            let Some((paid, revenue)) = sizes else {
                tally.too_large.push(i);
                continue;
            };
            (paid_size, revenue_size) = (paid, revenue);
            tally.total += p.total;
            tally.people += 1;
            tally.revenue += p.revenue.unwrap_or_default();
            if let Some(t) = tally.by_track.get_mut(p.track) {
                *t += p.total;
            }
            for l in &p.lines {
                if let (Some(sum), Some(u)) = (tally.by_slot.get_mut(l.slot), tally.used.get_mut(l.slot)) {
                    *sum += l.amount;
                    *u = true;
                }
            }
        }
        tally
    }

    /// The report: everyone moved into it, with the sums of `tally`.
    fn build(&self, plan: &Plan, outcomes: Vec<Outcome>, tally: Tally) -> PayoutReport {
        let mut report = PayoutReport {
            plan: plan.name.clone(),
            currency: self.currency.clone(),
            minor_units: self.minor_units,
            period: self.period,
            employees: Vec::with_capacity(tally.people),
            not_covered: Vec::new(),
            errors: Vec::new(),
            totals: Totals { total: tally.total, people: tally.people, revenue: tally.revenue, ..Totals::default() },
        };
        let mut too_large = tally.too_large.iter().copied().peekable();
        for (i, outcome) in outcomes.into_iter().enumerate() {
            match outcome {
                Outcome::Paid(p) => {
                    if too_large.next_if_eq(&i).is_some() {
                        report.errors.push(EmployeeError {
                            index: p.index,
                            employee_id: p.employee_id,
                            name: p.name,
                            role: p.role,
                            component: None,
                            message: too_large_message("the plan's totals with this person's payout and revenue added"),
                        });
                        continue;
                    }
                    report.employees.push(p);
                }
                Outcome::NotCovered(n) => report.not_covered.push(n),
                Outcome::Failed(errs) => report.errors.extend(errs),
            }
        }
        // Every line component appears (even at 0); adjustments only when someone has one.
        let lines = self.components.len().saturating_sub(2);
        for (i, (id, sum)) in self.components.iter().zip(tally.by_slot).enumerate() {
            if i < lines || tally.used.get(i).copied().unwrap_or(false) {
                report.totals.by_component.insert(id.to_string(), sum);
            }
        }
        for (role, sum) in self.track_roles.iter().zip(tally.by_track) {
            report.totals.by_role.insert(role.clone(), sum);
        }
        report
    }
}

/// A report's sums, added up before its people are moved into it.
struct Tally {
    /// By component slot, and whether anyone has a line in it.
    by_slot: Vec<Decimal>,
    used: Vec<bool>,
    /// By track.
    by_track: Vec<Decimal>,
    total: Decimal,
    people: usize,
    revenue: Decimal,
    /// Indices (into the outcomes) of people whose amounts would not fit the sums.
    too_large: Vec<usize>,
}

/// Σ |amount| over `lines`, or `None` when it does not fit a decimal.
fn magnitude(lines: &[Line]) -> Option<Decimal> {
    lines.iter().try_fold(Decimal::ZERO, |sum, l| sum.checked_add(l.amount.abs()))
}

/// The message for amounts too large to add up exactly.
fn too_large_message(what: &str) -> String {
    format!(
        "{what} add up to more than {} (the largest exact amount); check the roster for misplaced digits or \
         exponents",
        money::grouped(Decimal::MAX, 0)
    )
}

#[cfg(test)]
mod tests;

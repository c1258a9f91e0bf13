//! The payout engine: every person's payout, line by line, exact to the minor unit and explained.
//!
//! Order of evaluation (DOMAIN.md): (1) each line's raw value with its own threshold,
//! (2) multipliers, (3) each line's own cap, (4) the plan-level cap and guarantee as adjustment
//! lines, (5) each line rounded to the currency's minor unit; the total is the sum of the rounded
//! lines, so an export always sums exactly.

mod batch;
pub mod columns;
pub mod compare;
pub mod compiled;
pub mod json;
mod name;
pub mod render;
mod reuse;
mod rules;
mod show;
pub mod stats;
pub mod stream;
mod summed;
pub mod warnings;

use std::sync::Arc;

use indexmap::IndexMap;
use rayon::prelude::*;
use rust_decimal::Decimal;

pub(crate) use batch::BatchScratch;
pub use compiled::{CompiledPlan, LineError, LineKind, PersonContext, Scale, Scales, Shares};
use compiled::{CompiledTrack, LimitKonst};
pub use name::{LineNames, Name};
pub use reuse::Previous;
use rules::{Explain, NoTrace, PersonNotes, RawLine};

use crate::money;
use crate::num::Rational;
use crate::plan::{Period, Plan, Problem};
use crate::roster::{Employee, Roster, Text};

/// Whether to write the plain-language explanation of every line (slower; the app asks for it
/// only for the person on screen).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Amounts and explanations.
    Explained,
    /// Amounts only.
    AmountsOnly,
}

/// One payout line. A report holds one for each paid person and component (a million at ten
/// lines for a hundred thousand people), so it is kept small: 72 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Component id (or `cap_adjustment`, `guarantee_adjustment`, …) and label.
    names: LineNames,
    /// How the amount was reached, checkable by hand (empty with [`Detail::AmountsOnly`]).
    pub explanation: String,
    /// The amount, rounded to the currency's minor unit.
    pub amount: Decimal,
    /// What the line was paid on (see [`Line::measure`]); 0 when it has none.
    measure: Decimal,
    /// Index into the compiled plan's components (for totals).
    slot: u32,
    /// What kind of line this is.
    pub kind: LineKind,
    /// Whether `measure` is one.
    has_measure: bool,
}

impl Line {
    /// A line of component `names`, in the compiled plan's component `slot`.
    pub(crate) fn new(
        names: LineNames,
        kind: LineKind,
        slot: usize,
        amount: Decimal,
        measure: Option<Decimal>,
        explanation: String,
    ) -> Self {
        Self {
            names,
            explanation,
            amount,
            measure: measure.unwrap_or_default(),
            // A plan has a few dozen components; `u32::MAX` names none (its totals are skipped).
            slot: u32::try_from(slot).unwrap_or(u32::MAX),
            kind,
            has_measure: measure.is_some(),
        }
    }

    /// Component id, or `cap_adjustment` / `guarantee_adjustment` (and the plan year's kinds).
    pub fn component(&self) -> Name {
        self.names.component()
    }

    /// The component's label.
    pub fn label(&self) -> Name {
        self.names.label()
    }

    /// The id and label together.
    pub fn names(&self) -> LineNames {
        self.names
    }

    /// What the line was paid on: attainment, metric ÷ target, the money metric, or units
    /// (`None` for adjustment lines).
    pub fn measure(&self) -> Option<Decimal> {
        self.has_measure.then_some(self.measure)
    }

    /// Index into the compiled plan's components (for totals).
    pub(crate) fn slot(&self) -> usize {
        usize::try_from(self.slot).unwrap_or(usize::MAX)
    }
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
    /// First and last name, when the roster had both columns (payroll layouts with first and
    /// last name columns use them instead of splitting `name`).
    pub first_last: Option<(Text, Text)>,
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

impl EmployeePayout {
    /// What holds the place of someone not paid among everyone's payouts, until the report
    /// leaves them out (no lines, nothing paid).
    pub(crate) fn stand_in(index: usize, e: &Employee) -> Self {
        Self {
            index,
            employee_id: e.id.clone(),
            name: e.name.clone(),
            first_last: None,
            role: e.role.clone(),
            team: e.team.clone(),
            proration: Decimal::ZERO,
            attainment: None,
            lines: Vec::new(),
            total: Decimal::ZERO,
            revenue: None,
            warnings: Vec::new(),
            track: usize::MAX,
        }
    }
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
    /// Team (for finding the person among everyone's payouts).
    pub team: Text,
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

/// A bonus curve as the engine pays it, for a picture: `(x, curve value)` points from 0 to
/// `x_max`, each value computed by the payout kernel (in `f64`). Below the first point the
/// curve pays 0, so the line runs flat at 0 and steps up at the first point (two points at that
/// x: the value just below it, then at it); straight between points; flat after the last.
pub fn curve_shape(curve: &[crate::plan::CurvePoint], x_max: f64) -> Vec<[f64; 2]> {
    use rust_decimal::prelude::ToPrimitive as _;
    let compiled = compiled::curve_points(curve);
    let at = |x: f64| rules::curve_value(&compiled, &x, &mut rules::NoTrace).unwrap_or(0.0);
    let mut xs: Vec<f64> = std::iter::once(0.0)
        .chain(curve.iter().filter_map(|p| p.x.to_f64()))
        .chain(std::iter::once(x_max))
        .filter(|x| x.is_finite() && (0.0..=x_max).contains(x))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let mut shape: Vec<[f64; 2]> = Vec::with_capacity(2 * xs.len());
    for x in xs {
        // The value just below `x`, where the curve jumps there (only at its first point).
        let below = at(x - 1e-9 * x.abs().max(1.0));
        let value = at(x);
        if x > 0.0 && (value - below).abs() > 1e-6 {
            shape.push([x, below]);
        }
        shape.push([x, value]);
    }
    shape
}

/// Decimals with which proration, attainment and measures are kept for display (the amounts
/// are computed from the exact values).
const DISPLAY_DECIMALS: u32 = 12;

/// A ratio kept for display (proration, attainment, a line's measure): to twelve decimals.
fn display(v: &Rational) -> Decimal {
    v.round(DISPLAY_DECIMALS, money::Rounding::HalfAwayFromZero)
        .unwrap_or_else(|_| v.to_decimal_display(DISPLAY_DECIMALS))
}

/// A person's payout before an edit, and the lines the edit changed (see `reuse.rs`).
#[derive(Clone, Copy)]
struct Reusing<'a> {
    previous: &'a EmployeePayout,
    changed: &'a [bool],
    /// What the lines that may be computed read.
    reads: &'a compiled::Reads,
}

/// Buffers one thread reuses from person to person (opaque outside the engine).
#[derive(Default)]
pub struct Scratch {
    values: Vec<Option<Rational>>,
    raw: Vec<RawLine<Rational>>,
    /// Which lines were computed, when some were taken from a previous payout.
    computed: Vec<bool>,
    texts: LocalTexts,
}

/// This thread's own copies of the roster texts many people share (a role, a team: the import
/// keeps one copy of each), by the shared copy's address. As with [`LineNames`], each payout
/// would otherwise bump the same few reference counts from both cores.
#[derive(Default)]
struct LocalTexts(std::collections::HashMap<usize, Text, foldhash::fast::FixedState>);

impl LocalTexts {
    /// At most this many copies: texts that are not shared (each person their own) stay as
    /// they are rather than filling the map.
    const MOST: usize = 256;

    /// This thread's copy of `shared`.
    fn get(&mut self, shared: &Text) -> Text {
        // The address finds the copy; a text freed and another made at its address (a scratch
        // kept past its roster) would not match, so the text is compared too.
        let key = Arc::as_ptr(shared).cast::<u8>() as usize;
        if let Some(copy) = self.0.get(&key).filter(|copy| ***copy == **shared) {
            return Arc::clone(copy);
        }
        if self.0.len() >= Self::MOST {
            return Arc::clone(shared);
        }
        let copy: Text = Arc::from(&**shared);
        self.0.insert(key, Arc::clone(&copy));
        copy
    }
}

impl Scratch {
    /// A copy of the kept payout `p`, with this thread's texts.
    fn keep(&mut self, p: &EmployeePayout) -> EmployeePayout {
        let EmployeePayout {
            index,
            employee_id,
            name,
            first_last,
            role,
            team,
            proration,
            attainment,
            lines,
            total,
            revenue,
            warnings,
            track,
        } = p;
        EmployeePayout {
            index: *index,
            employee_id: employee_id.clone(),
            name: name.clone(),
            first_last: first_last.clone(),
            role: self.texts.get(role),
            team: self.texts.get(team),
            proration: *proration,
            attainment: *attainment,
            lines: lines.clone(),
            total: *total,
            revenue: *revenue,
            warnings: warnings.clone(),
            track: *track,
        }
    }
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
        self.assemble(plan, roster, outcomes)
    }

    /// Computes one person, with the explanation of every line.
    pub fn explain(&self, index: usize, e: &Employee) -> Outcome {
        self.evaluate(index, e, Detail::Explained, &mut Scratch::default())
    }

    pub(crate) fn evaluate(&self, index: usize, e: &Employee, detail: Detail, scratch: &mut Scratch) -> Outcome {
        self.evaluate_with(index, e, detail, scratch, None)
    }

    /// [`CompiledPlan::evaluate`] (amounts only) for someone whose payout before an edit was
    /// `previous`, when the edit changed only the lines marked in `changed` (see `reuse.rs`):
    /// the other lines are taken from `previous`. The same outcome as computing them.
    fn evaluate_reusing(
        &self,
        index: usize,
        e: &Employee,
        previous: &EmployeePayout,
        changed: &[bool],
        reads: &compiled::Reads,
        scratch: &mut Scratch,
    ) -> Outcome {
        let Some(track) = self.track(&e.role) else { return self.evaluate(index, e, Detail::AmountsOnly, scratch) };
        // Someone with a warning (employed none of the period, a negative metric, a guarantee
        // above the cap) is computed afresh: the warnings are few, and in line order.
        let fits = previous.warnings.is_empty()
            && previous.track == track.slot
            && changed.len() == track.lines.len()
            && previous.lines.len() >= track.lines.len()
            && previous.lines.iter().zip(&track.lines).all(|(l, c)| l.slot() == c.slot && l.kind == c.kind);
        let reusing = fits.then_some(Reusing { previous, changed, reads });
        self.evaluate_with(index, e, Detail::AmountsOnly, scratch, reusing)
    }

    /// [`CompiledPlan::evaluate`], with the lines `reusing` does not ask for taken from its
    /// previous payout (computed afresh when the ones it asks for fail).
    fn evaluate_with(
        &self,
        index: usize,
        e: &Employee,
        detail: Detail,
        scratch: &mut Scratch,
        reusing: Option<Reusing<'_>>,
    ) -> Outcome {
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
                        team: e.team.clone(),
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
            first_last: e.first_name().cloned().zip(e.last_name().cloned()),
            role: scratch.texts.get(&e.role),
            team: scratch.texts.get(&e.team),
            proration: Decimal::ZERO,
            attainment: None,
            // The plan's lines and room for a cap or guarantee adjustment.
            lines: Vec::with_capacity(track.lines.len() + 1),
            total: Decimal::ZERO,
            revenue: None,
            warnings: Vec::new(),
            track: track.slot,
        };
        // Reusing, only what the lines to compute read is converted (one or two of a row's
        // metrics after a typical edit, where reading the row from memory was a fifth of the
        // time); a line outside them finds its value missing, and the person is computed afresh.
        let prepared = match reusing {
            Some(r) => self.prepare_subset::<Rational>(e, &mut scratch.values, r.reads),
            None => self.prepare_reads::<Rational>(e, track, &mut scratch.values),
        };
        let ctx = match prepared {
            Ok(ctx) => ctx,
            Err(errors) => return fail(errors),
        };
        let dp = self.minor_units;
        match reusing {
            // The same row and plan-wide settings: the same share employed and revenue.
            Some(r) => (payout.proration, payout.revenue) = (r.previous.proration, r.previous.revenue),
            None => {
                payout.proration = display(&ctx.proration);
                // A decimal times an fx rate is a decimal: exact unless it has more digits than a
                // decimal holds (it is only summed for cost as a share of revenue).
                payout.revenue = self.revenue.and_then(|i| scratch.values.get(i).and_then(Option::as_ref)).map(|r| {
                    match r.decimal_places() {
                        Some(places) if places <= 28 => r.round(places, money::Rounding::HalfAwayFromZero).ok(),
                        _ => None,
                    }
                    .unwrap_or_else(|| r.to_decimal_display(28))
                });
            }
        }
        if ctx.proration.is_zero() {
            payout
                .warnings
                .push(format!("not employed during the period {} to {}: payout 0", self.period.start, self.period.end));
            return Outcome::Paid(payout);
        }
        let mut errors = Vec::new();
        let notes = match detail {
            Detail::Explained => self.person_notes(e, &ctx),
            Detail::AmountsOnly => PersonNotes::default(),
        };
        let mut traces: Vec<Explain<'_>> = match detail {
            // Room for a typical explanation, so the text is not reallocated as it grows.
            Detail::Explained => {
                (0..track.lines.len()).map(|_| Explain { text: String::with_capacity(192), notes: &notes }).collect()
            }
            Detail::AmountsOnly => Vec::new(),
        };
        let mut subset = reusing.map(|r| rules::Subset {
            changed: r.changed,
            attainment: r.previous.attainment.is_some(),
            computed: std::mem::take(&mut scratch.computed),
        });
        if traces.is_empty() {
            let no_traces = &mut [] as &mut [NoTrace];
            self.lines(track, &ctx, &scratch.values, &mut scratch.raw, no_traces, &mut errors, subset.as_mut());
        } else {
            self.lines(track, &ctx, &scratch.values, &mut scratch.raw, &mut traces, &mut errors, None);
        }
        if !errors.is_empty() {
            if reusing.is_some() {
                return self.evaluate(index, e, detail, scratch);
            }
            return fail(errors);
        }
        payout.attainment =
            scratch.raw.iter().find_map(|r| r.attainment.as_ref()).map(|a| a.to_decimal_display(DISPLAY_DECIMALS));
        for (i, (line, raw)) in track.lines.iter().zip(&scratch.raw).enumerate() {
            if let (Some(r), Some(s)) = (reusing, &subset)
                && !s.computed.get(i).copied().unwrap_or(true)
                && let Some(kept) = r.previous.lines.get(i)
            {
                payout.lines.push(kept.clone());
                continue;
            }
            // DOMAIN.md step 5: the exact value, rounded once.
            let amount = match raw.value.round(dp, self.rounding) {
                Ok(a) => a,
                Err(_) => {
                    return fail(vec![LineError {
                        component: Some(line.id.to_string()),
                        message: too_large_amount("this line's amount"),
                    }]);
                }
            };
            let explanation = match traces.get_mut(i) {
                Some(t) => {
                    show::push_rounding(&mut t.text, &raw.value, dp, self.rounding, amount);
                    std::mem::take(&mut t.text)
                }
                None => String::new(),
            };
            payout.lines.push(Line::new(
                line.names,
                line.kind,
                line.slot,
                amount,
                raw.measure.as_ref().map(display),
                explanation,
            ));
        }
        for (line, raw) in track.lines.iter().zip(&scratch.raw) {
            if raw.negative_metric {
                payout.warnings.push(negative_metric_warning(&line.metric_name, &line.id));
            }
        }
        if let Some(s) = subset {
            scratch.computed = s.computed;
        }
        if let Err(err) = self.apply_limits(track, &ctx, &mut payout, detail) {
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

    /// How the person's quota and target incentive were converted and prorated, for the lines
    /// that use them (nothing when neither happened).
    fn person_notes(&self, e: &Employee, ctx: &compiled::PersonContext<Rational>) -> PersonNotes {
        let dp = self.minor_units;
        let ((employed, days), phased) = self.employed_share(e);
        let prorated = employed < days;
        let currency = e.currency.as_deref().filter(|c| **c != *self.currency);
        let rate = self.fx_rate(e).unwrap_or(Decimal::ONE);
        let scale = self.scale(e);
        let note = |full: Option<Decimal>, factor: Option<(i64, i64)>| -> Option<String> {
            let full = full?;
            let mut parts = Vec::new();
            if let Some(c) = currency {
                parts.push(format!("{} {c} × {} {}/{c}", money::Grouped(full, dp), money::Number(rate), self.currency));
            } else if prorated {
                parts.push(money::grouped(full, dp));
            }
            if prorated && phased {
                parts.push(show::phased_share(employed, days));
            } else if prorated {
                parts.push(show::days_share(employed, days));
            }
            if let Some((n, d)) = factor.filter(|(n, d)| n != d) {
                if parts.is_empty() {
                    parts.push(money::grouped(full, dp));
                }
                parts.push(format!("{n}/{d} for the annual amounts in force in each period"));
            }
            (!parts.is_empty()).then(|| parts.join(" × "))
        };
        let _ = ctx;
        PersonNotes {
            quota: note(e.quota, scale.map(|s| s.quota)),
            ti: note(e.target_incentive, scale.map(|s| s.target_incentive)),
            fx: currency.filter(|_| rate != Decimal::ONE).map(|c| rules::FxNote {
                currency: c.to_owned(),
                plan: self.currency.clone(),
                rate,
            }),
        }
    }

    /// How a limit's amount `value` was reached, for its adjustment line's explanation.
    fn limit_text(&self, limit: &LimitKonst, ctx: &PersonContext<Rational>, value: &Rational) -> String {
        let dp = self.minor_units;
        match (limit.multiple_of_ti, &ctx.target_incentive) {
            (Some(m), Some(ti)) => format!(
                "{} × prorated target incentive {} = {}",
                money::Number(m.dec),
                show::amount(ti, dp),
                show::amount(value, dp)
            ),
            _ => {
                let amount = limit.amount.dec;
                if ctx.proration == Rational::ONE {
                    money::grouped(amount, dp)
                } else {
                    format!(
                        "{} × {} employed = {}",
                        show::constant(amount, dp),
                        show::percent(&ctx.proration),
                        show::amount(value, dp)
                    )
                }
            }
        }
    }

    /// The line a cap or guarantee adds: after every component, the cap's slot before the
    /// guarantee's.
    fn adjustment_line(&self, kind: LineKind, amount: Decimal, explanation: String) -> Line {
        static CAP: (Name, Name) = (Name::fixed("cap_adjustment"), Name::fixed("Cap adjustment"));
        static GUARANTEE: (Name, Name) = (Name::fixed("guarantee_adjustment"), Name::fixed("Guarantee adjustment"));
        let (names, from_end) = match kind {
            LineKind::CapAdjustment => (&CAP, 2),
            _ => (&GUARANTEE, 1),
        };
        let slot = self.components.len().saturating_sub(from_end);
        Line::new(LineNames::fixed(names), kind, slot, amount, None, explanation)
    }

    /// Step (4): the plan-level cap and guarantee, as adjustment lines computed on the rounded
    /// lines so the total lands exactly on the limit.
    fn apply_limits(
        &self,
        track: &CompiledTrack,
        ctx: &PersonContext<Rational>,
        payout: &mut EmployeePayout,
        detail: Detail,
    ) -> Result<(), LineError> {
        let dp = self.minor_units;
        let overflow = || LineError { component: None, message: too_large_message("this person's payout lines") };
        magnitude(&payout.lines).ok_or_else(overflow)?;
        let total: Decimal = payout.lines.iter().map(|l| l.amount).sum();
        // Each limit rounded like a line, so the total lands exactly on it.
        let limit = |l: Option<&LimitKonst>, which: &str| -> Result<Option<(Rational, Decimal)>, LineError> {
            let Some(l) = l else { return Ok(None) };
            let unrounded = self.limit_amount(l, ctx, which)?;
            let rounded = unrounded.round(dp, self.rounding).map_err(|_| overflow())?;
            Ok(Some((unrounded, rounded)))
        };
        let cap = limit(track.cap.as_ref(), "cap")?;
        let floor = limit(track.guarantee.as_ref(), "guarantee")?;
        if let (Some((_, cap)), Some((_, floor))) = (&cap, &floor)
            && floor > cap
        {
            payout.warnings.push(format!(
                "the guarantee {} is above the cap {}: the guarantee wins (the cap applies first, then the guarantee)",
                money::Grouped(*floor, dp),
                money::Grouped(*cap, dp)
            ));
        }
        // The same rule as every other path (cap, then guarantee), on the rounded lines.
        let after_cap = rules::limit_total(total, cap.as_ref().map(|c| c.1), None);
        let after_floor = rules::limit_total(after_cap, None, floor.as_ref().map(|f| f.1));
        if let (Some((unrounded, limit)), true) = (&cap, after_cap != total) {
            let adjustment = after_cap.checked_sub(total).ok_or_else(overflow)?;
            let explanation = match detail {
                Detail::Explained => format!(
                    "total variable pay {} is above the cap of {}: {}",
                    money::Grouped(total, dp),
                    track
                        .cap
                        .as_ref()
                        .map_or_else(|| money::grouped(*limit, dp), |c| self.limit_text(c, ctx, unrounded)),
                    money::Grouped(adjustment, dp)
                ),
                Detail::AmountsOnly => String::new(),
            };
            payout.lines.push(self.adjustment_line(LineKind::CapAdjustment, adjustment, explanation));
        }
        if let (Some((unrounded, floor)), true) = (&floor, after_floor != after_cap) {
            let adjustment = after_floor.checked_sub(after_cap).ok_or_else(overflow)?;
            let explanation = match detail {
                Detail::Explained => format!(
                    "total variable pay {} is below the guarantee of {}: +{}",
                    money::Grouped(after_cap, dp),
                    track
                        .guarantee
                        .as_ref()
                        .map_or_else(|| money::grouped(*floor, dp), |g| self.limit_text(g, ctx, unrounded)),
                    money::Grouped(adjustment, dp)
                ),
                Detail::AmountsOnly => String::new(),
            };
            payout.lines.push(self.adjustment_line(LineKind::GuaranteeAdjustment, adjustment, explanation));
        }
        Ok(())
    }

    /// Computes everyone (amounts only) and aggregates the report for charts at the same time:
    /// the aggregates are taken from the computed people while their sums are checked and added
    /// up, on the other core. The same as [`CompiledPlan::report`] then [`stats::PlanStats::new`].
    pub fn report_with_stats(&self, plan: &Plan, roster: &Roster) -> (PayoutReport, stats::PlanStats) {
        self.report_with_stats_after(plan, roster, None)
    }

    /// [`CompiledPlan::report_with_stats`] after an edit: the people of the tracks the edit did
    /// not change (see [`Previous`]) keep their payouts from `previous`, computed on the same
    /// roster; everyone else is computed. The result is the same either way.
    pub fn report_with_stats_after(
        &self,
        plan: &Plan,
        roster: &Roster,
        previous: Option<Previous<'_>>,
    ) -> (PayoutReport, stats::PlanStats) {
        let kept = previous.and_then(|p| reuse::Kept::new(self, plan, p));
        let (report, mut stats) = self.summed_report(plan, roster, kept.as_ref());
        stats.note_failed(&report);
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

    /// Sums for a report assembled person by person ([`Running`]), in roster order.
    pub fn running(&self) -> Running {
        Running {
            tally: Tally::new(self),
            not_covered: Vec::new(),
            errors: Vec::new(),
            paid_warnings: warnings::PaidWarnings::default(),
        }
    }

    /// The report of nobody: what a report says before its people (the plan, its currency and
    /// period, every line component at 0).
    pub(crate) fn nobody(&self, plan: &Plan) -> PayoutReport {
        self.summary(plan, Tally::new(self), Vec::new(), Vec::new())
    }

    /// A report of nobody yet, with the sums of `tally` and the people not paid.
    fn summary(
        &self,
        plan: &Plan,
        tally: Tally,
        not_covered: Vec<NotCovered>,
        errors: Vec<EmployeeError>,
    ) -> PayoutReport {
        let mut report = PayoutReport {
            plan: plan.name.clone(),
            currency: self.currency.clone(),
            minor_units: self.minor_units,
            period: self.period,
            employees: Vec::new(),
            not_covered,
            errors,
            totals: Totals { total: tally.total, people: tally.people, revenue: tally.revenue, ..Totals::default() },
        };
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

/// The error listed for someone whose amounts would not fit the report's sums.
fn too_large_error(p: &EmployeePayout) -> EmployeeError {
    EmployeeError {
        index: p.index,
        employee_id: p.employee_id.clone(),
        name: p.name.clone(),
        role: p.role.clone(),
        team: p.team.clone(),
        component: None,
        message: too_large_message("the plan's totals with this person's payout and revenue added"),
    }
}

/// A report assembled person by person, in roster order, without keeping anyone paid: for
/// rosters streamed through the plan block by block (`carrot payouts`, `carrot export`). Each
/// outcome goes through [`Running::admit`], the same step [`CompiledPlan::report`] takes for
/// everyone; [`Running::finish`] gives the report without its people.
pub struct Running {
    tally: Tally,
    not_covered: Vec<NotCovered>,
    errors: Vec<EmployeeError>,
    paid_warnings: warnings::PaidWarnings,
}

impl Running {
    /// Takes the next person's outcome: `true` when they are paid and in the report's sums
    /// (write them out); otherwise they are listed as not covered or in error (their problems
    /// are moved out of `outcome`).
    pub fn admit(&mut self, outcome: &mut Outcome) -> bool {
        match outcome {
            Outcome::Paid(p) => {
                if self.tally.add(p) {
                    self.paid_warnings.add(p);
                    return true;
                }
                self.errors.push(too_large_error(p));
                false
            }
            Outcome::NotCovered(n) => {
                self.not_covered.push(n.clone());
                false
            }
            Outcome::Failed(errs) => {
                self.errors.append(errs);
                false
            }
        }
    }

    /// People in error so far.
    pub fn errors(&self) -> &[EmployeeError] {
        &self.errors
    }

    /// The warnings on the payouts admitted so far.
    pub fn paid_warnings(&self) -> &warnings::PaidWarnings {
        &self.paid_warnings
    }

    /// The report of everyone admitted: sums, people not covered and in error; no people paid
    /// (they were written out as they came).
    pub fn finish(self, compiled: &CompiledPlan, plan: &Plan) -> PayoutReport {
        compiled.summary(plan, self.tally, self.not_covered, self.errors)
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
    sizes: Sizes,
}

impl Tally {
    fn new(compiled: &CompiledPlan) -> Self {
        Self {
            by_slot: vec![Decimal::ZERO; compiled.components.len()],
            used: vec![false; compiled.components.len()],
            by_track: vec![Decimal::ZERO; compiled.track_roles.len()],
            total: Decimal::ZERO,
            people: 0,
            revenue: Decimal::ZERO,
            too_large: Vec::new(),
            sizes: Sizes::default(),
        }
    }

    /// Adds the next person paid, in roster order; `false` (nothing added) when their amounts
    /// would not fit the sums.
    fn add(&mut self, p: &EmployeePayout) -> bool {
        if !self.sizes.admit(p) {
            return false;
        }
        self.total += p.total;
        self.people += 1;
        self.revenue += p.revenue.unwrap_or_default();
        if let Some(t) = self.by_track.get_mut(p.track) {
            *t += p.total;
        }
        for l in &p.lines {
            if let (Some(sum), Some(u)) = (self.by_slot.get_mut(l.slot()), self.used.get_mut(l.slot())) {
                *sum += l.amount;
                *u = true;
            }
        }
        true
    }

    /// Adds `next`, the tally of the people right after this one's, as if they had been added
    /// here one by one; `None` (leaving this tally part-added) when someone in either was not
    /// admitted or a sum does not fit. The caller checks that the order did not matter.
    fn append(&mut self, next: Self) -> Option<()> {
        if !self.too_large.is_empty() || !next.too_large.is_empty() {
            return None;
        }
        self.sizes.paid = self.sizes.paid.checked_add(next.sizes.paid)?;
        self.sizes.revenue = self.sizes.revenue.checked_add(next.sizes.revenue)?;
        self.total = self.total.checked_add(next.total)?;
        self.people += next.people;
        self.revenue = self.revenue.checked_add(next.revenue)?;
        for (mine, theirs) in self.by_track.iter_mut().zip(next.by_track) {
            *mine = mine.checked_add(theirs)?;
        }
        for ((mine, theirs), (used, theirs_used)) in
            self.by_slot.iter_mut().zip(next.by_slot).zip(self.used.iter_mut().zip(next.used))
        {
            *mine = mine.checked_add(theirs)?;
            *used |= theirs_used;
        }
        Some(())
    }
}

/// Σ |line| and Σ |revenue| over everyone admitted so far, in roster order: while they fit, every
/// sum of any subset of lines or revenues (totals, by code in exports, by person in charts) fits
/// too. A person whose amounts would not fit is not admitted (the report lists them in error).
#[derive(Default)]
pub(crate) struct Sizes {
    paid: Decimal,
    revenue: Decimal,
}

impl Sizes {
    /// Whether `p` is added to the report (and, if so, counts them).
    pub(crate) fn admit(&mut self, p: &EmployeePayout) -> bool {
        let sizes = magnitude(&p.lines)
            .and_then(|s| self.paid.checked_add(s))
            .zip(self.revenue.checked_add(p.revenue.unwrap_or_default().abs()));
        match sizes {
            Some((paid, revenue)) => {
                (self.paid, self.revenue) = (paid, revenue);
                true
            }
            None => false,
        }
    }
}

/// Σ |amount| over `lines`, or `None` when it does not fit a decimal.
/// The warning on a line paid 0 because its `metric` is negative in the roster.
pub(crate) fn negative_metric_warning(metric: &str, line: &str) -> String {
    format!("{metric} is negative in the roster; the {line} line pays 0")
}

/// The metric and the line of a [`negative_metric_warning`], read back (plan years reword it for
/// lines that measure the year to date, and claw back cancelled deals on the others).
pub(crate) fn negative_metric_of(warning: &str) -> Option<(&str, &str)> {
    let (head, line) = warning.strip_suffix(" line pays 0")?.rsplit_once("; the ")?;
    Some((head.strip_suffix(" is negative in the roster")?, line))
}

fn magnitude(lines: &[Line]) -> Option<Decimal> {
    lines.iter().try_fold(Decimal::ZERO, |sum, l| sum.checked_add(l.amount.abs()))
}

/// The message for one amount too large to pay or export.
fn too_large_amount(what: &str) -> String {
    format!(
        "{what} is too large: more than {} (the largest amount a payroll file can hold); check the roster for \
         misplaced digits or exponents",
        money::grouped(Decimal::MAX, 0)
    )
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

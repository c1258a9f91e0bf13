//! Behaviour shifts: how people re-allocate their working time under a plan, what that does to
//! activity volumes, revenue and payout cost, with uncertainty bands and a runway over later
//! quarters. `docs/behaviour.md` explains the model and every assumption in plain words.
//!
//! Per person, time `T` is split between the role's activities (selling, discovery, ...) and
//! `other`. The person chooses hours to maximise `E[pay] + Σ m_j h_j − Σ h_j² / (2 s_j)` with
//! `Σ h_j = T` (Holmström & Milgrom's multitask model with a time budget). Pay is always the
//! plan's own ([`crate::engine::CompiledPlan`]), evaluated in `f64`. Calibration sets
//! `s_j = ε · h⁰_j / v̄` and `m_j` so that under the baseline plan everyone's predicted hours are
//! exactly their history: people change only as far as the new incentives push them.
//!
//! Use: [`prepare`] once per baseline plan and roster (reads the roster), then [`run`] for any
//! set of plans and options (what the app does each time a slider moves).

pub mod assumptions;
mod calibrate;
mod choice;
mod error;
pub mod fit;
pub mod json;
pub(crate) mod mathx;
mod montecarlo;
pub mod person;
mod runway;

use std::collections::BTreeMap;

use rayon::prelude::*;
use rust_decimal::Decimal;

pub use assumptions::{Activity, Assumptions, Conversion, Number, Output, Productivity, RoleModel, Runway};
pub use calibrate::Calibration;
pub use error::PayError;

use crate::engine::{CompiledPlan, PayoutReport, Shares};
use crate::plan::assumptions::{MAX_RESPONSIVENESS, MAX_RISK_AVERSION};
use crate::plan::{Plan, Problem};
use crate::roster::{Employee, Roster};

use calibrate::Person;
use choice::{Offset, Params, Slack, Surrogate};
use person::PersonPay;

/// Why a simulation could not run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A plan has validation errors.
    #[error("plan `{plan}` has {} problem(s):{}", problems.len(), problems.iter().map(|p| format!("\n  {p}")).collect::<String>())]
    InvalidPlan {
        /// The plan's name.
        plan: String,
        /// Its errors.
        problems: Vec<Problem>,
    },
    /// A plan pays in another currency than the baseline.
    #[error(
        "plan `{plan}` pays in {currency} but the baseline pays in {baseline_currency}; simulate plans that share a currency"
    )]
    Currency {
        /// The plan's name.
        plan: String,
        /// Its currency.
        currency: String,
        /// The baseline plan's currency.
        baseline_currency: String,
    },
    /// An option is out of range.
    #[error("{option}: {message}")]
    InvalidOption {
        /// The option (`trials`, `quarters`, ...).
        option: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The caller asked the simulation to stop ([`run_paid_until`]).
    #[error("the simulation was stopped before it finished")]
    Stopped,
}

/// What to simulate and how (every slider in the app maps onto one of these).
#[derive(Clone, Debug, PartialEq)]
pub struct SimOptions {
    /// Monte Carlo trials (1..=1,000,000; default 1,000).
    pub trials: usize,
    /// Random seed: the same seed gives the same report on any machine (default 1).
    pub seed: u64,
    /// Quarters in the runway projection (1..=400; default 8).
    pub quarters: usize,
    /// Responsiveness ε per role, overriding the baseline plan's `assumptions.responsiveness`.
    pub responsiveness: BTreeMap<String, f64>,
    /// Risk aversion γ per role, overriding the baseline plan's `assumptions.risk_aversion`.
    pub risk_aversion: BTreeMap<String, f64>,
    /// Multiplies every noise spread (0 = no uncertainty; default 1).
    pub noise_scale: f64,
    /// Replaces every plan's `assumptions.runway` (conversions, lags, uplifts) when set.
    pub runway: Option<Runway>,
    /// How many people to list as changing most (default 10).
    pub movers: usize,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            trials: 1000,
            seed: 1,
            quarters: 8,
            responsiveness: BTreeMap::new(),
            risk_aversion: BTreeMap::new(),
            noise_scale: 1.0,
            runway: None,
            movers: 10,
        }
    }
}

impl SimOptions {
    /// Checks every option is in range (before any work is done).
    pub fn validate(&self) -> Result<(), SimError> {
        let bad = |option, message: String| Err(SimError::InvalidOption { option, message });
        if !(1..=1_000_000).contains(&self.trials) {
            return bad("trials", format!("must be between 1 and 1,000,000, not {}", self.trials));
        }
        if !(1..=400).contains(&self.quarters) {
            return bad("quarters", format!("must be between 1 and 400, not {}", self.quarters));
        }
        if !(self.noise_scale.is_finite() && (0.0..=10.0).contains(&self.noise_scale)) {
            return bad("noise_scale", format!("must be between 0 and 10, not {}", self.noise_scale));
        }
        let max_eps = f64::from(MAX_RESPONSIVENESS);
        for (role, eps) in &self.responsiveness {
            if !(eps.is_finite() && (0.0..=max_eps).contains(eps)) {
                return bad("responsiveness", format!("{role}: must be between 0 and {max_eps}, not {eps}"));
            }
        }
        let max_gamma = f64::from(MAX_RISK_AVERSION);
        for (role, gamma) in &self.risk_aversion {
            if !(gamma.is_finite() && (0.0..=max_gamma).contains(gamma)) {
                return bad("risk_aversion", format!("{role}: must be between 0 and {max_gamma}, not {gamma}"));
            }
        }
        if let Some(runway) = &self.runway {
            let problems: Vec<Problem> = crate::plan::validate::runway_problems(runway, "runway")
                .into_iter()
                .filter(Problem::is_error)
                .collect();
            if let Some(p) = problems.first() {
                return bad("runway", p.to_string());
            }
        }
        Ok(())
    }
}

/// A quantity's mean and its 10th, 50th and 90th percentiles over the Monte Carlo trials.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Band {
    /// Mean over the trials.
    pub mean: f64,
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Band {
    /// The band of `values` (reordered); all zero for an empty slice.
    pub fn of(values: &mut [f64]) -> Self {
        if values.is_empty() {
            return Self::default();
        }
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let [p10, p50, p90] = mathx::p10_p50_p90(values);
        Self { mean, p10, p50, p90 }
    }

    /// [`Band::of`] `values` where each value is `g` of a key in `keys` and `g` never falls
    /// as the key rises: `order` is [`mathx::p10_p50_p90_order`] of the keys, and the
    /// percentiles are `g` of the keys' order statistics (the same bits as selecting on the
    /// values). `values` is not reordered; it must not be empty.
    pub(crate) fn of_rising(values: &[f64], order: &[mathx::Between; 3], g: impl Fn(f64) -> f64) -> Self {
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        let [p10, p50, p90] = order.map(|q| q.value(&g));
        Self { mean, p10, p50, p90 }
    }

    /// A band with no spread.
    pub fn exact(v: f64) -> Self {
        Self { mean: v, p10: v, p50: v, p90: v }
    }
}

/// Where a value used in place of a person's own history came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ValueSource {
    /// The role default in the assumptions.
    RoleDefault,
    /// The average of the role's people in this roster.
    RosterAverage,
    /// The roster value was out of range and was clamped.
    Clamped,
}

impl ValueSource {
    /// The name used in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RoleDefault => "role_default",
            Self::RosterAverage => "roster_average",
            Self::Clamped => "clamped",
        }
    }

    fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::RoleDefault,
            1 => Self::RosterAverage,
            _ => Self::Clamped,
        }
    }
}

/// Values that did not come from a person's own history, counted per role and item.
#[derive(Clone, Debug, PartialEq)]
pub struct DefaultUse {
    /// The role.
    pub role: String,
    /// What (`capacity hours`, `discovery hours (share of capacity)`, `selling → revenue per hour`).
    pub item: String,
    /// Where it came from.
    pub source: ValueSource,
    /// How many people.
    pub people: usize,
    /// The value used (a share for hours defaults; plan currency for money per hour).
    pub value: f64,
}

/// A person left out of the simulation, with the reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    /// Index in the roster.
    pub index: usize,
    /// Employee id.
    pub employee_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Why.
    pub reason: String,
}

impl Skipped {
    fn new(e: &Employee, index: usize, reason: &str) -> Self {
        Self {
            index,
            employee_id: e.id.to_string(),
            name: e.name.to_string(),
            role: e.role.to_string(),
            reason: reason.to_owned(),
        }
    }
}

/// A modelled role.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleInfo {
    /// The role (as in the roster).
    pub role: String,
    /// Activity names, `other` last.
    pub activities: Vec<String>,
    /// The output metrics the role's activities produce (the volumes reported).
    pub metrics: Vec<String>,
    /// People simulated.
    pub people: usize,
    /// Responsiveness ε used.
    pub responsiveness: f64,
    /// Risk aversion γ used (0: risk neutral).
    pub risk_aversion: f64,
}

/// A simulated person.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonInfo {
    /// Index in the roster.
    pub index: usize,
    /// Employee id.
    pub employee_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Team.
    pub team: String,
    /// Hours in the period.
    pub capacity: f64,
    /// History hours per activity of the role (`other` last).
    pub baseline_hours: Vec<f64>,
    /// Always 1: calibration gives everyone their role's responsiveness (kept for the JSON
    /// layout, where it once reported people made less responsive).
    pub responsiveness_scale: f64,
}

/// One activity output's total.
#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    /// The metric.
    pub metric: String,
    /// The expected total (output per hour × hours).
    pub expected: f64,
    /// Over the trials.
    pub band: Band,
}

/// One role under one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleOutcome {
    /// The role.
    pub role: String,
    /// People computed.
    pub people: usize,
    /// History hours per person per activity (mean over the role's people; `other` last).
    pub baseline_hours: Vec<f64>,
    /// Predicted hours per person per activity (mean).
    pub hours: Vec<f64>,
    /// Output totals.
    pub volumes: Vec<Volume>,
    /// Revenue of the role's people.
    pub revenue: Band,
    /// Payout cost of the role's people.
    pub cost: Band,
    /// Cost as a percentage of revenue (`None` without revenue).
    pub cost_pct: Option<Band>,
}

/// Totals over everyone a plan pays.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    /// People counted (modelled people computed, plus people paid on history).
    pub people: usize,
    /// Revenue.
    pub revenue: Band,
    /// Payout cost.
    pub cost: Band,
    /// Cost as a percentage of revenue (`None` without revenue).
    pub cost_pct: Option<Band>,
    /// Output totals over all roles, by metric.
    pub volumes: Vec<Volume>,
}

/// One quarter of the runway projection.
#[derive(Clone, Debug, PartialEq)]
pub struct Quarter {
    /// 1 = the plan's first quarter.
    pub quarter: usize,
    /// Revenue, including conversions and productivity effects.
    pub revenue: Band,
    /// Payout cost.
    pub cost: Band,
    /// Cost as a percentage of revenue.
    pub cost_pct: Option<Band>,
    /// Output totals by metric.
    pub volumes: Vec<Volume>,
}

/// One of a plan's lines for one person: what it pays at their history and at the predicted
/// hours, each the expected pay over the person's luck.
#[derive(Clone, Debug, PartialEq)]
pub struct LineOutcome {
    /// The component id, or `cap_adjustment` / `guarantee_adjustment` for the change the
    /// plan's cap or guarantee makes to the person's total. Multipliers are listed too, with
    /// no pay of their own.
    pub line: String,
    /// The component's label (the id for adjustments).
    pub label: String,
    /// Expected pay on the line under this plan at the person's history hours.
    pub at_history: f64,
    /// Expected pay on the line at the predicted hours.
    pub predicted: f64,
    /// What the line measures at expected results (attainment, metric ÷ target, units; a
    /// multiplier's metric), at history and at the predicted hours; `None` for adjustments.
    pub measure: (Option<f64>, Option<f64>),
}

/// Revenue and cost summed over the runway's quarters, each quarter `q` discounted by
/// `(1 + rate)^−(q − 1)`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunwayTotal {
    /// The discount rate per quarter (0: plain sums).
    pub discount_rate: f64,
    /// Revenue.
    pub revenue: Band,
    /// Payout cost.
    pub cost: Band,
}

/// One person under one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonOutcome {
    /// Predicted hours per activity (`other` last).
    pub hours: Vec<f64>,
    /// Pay.
    pub pay: Band,
    /// Revenue (`None` when the roster has no revenue column).
    pub revenue: Option<Band>,
    /// Mean pay minus mean pay under the baseline plan.
    pub pay_change: f64,
    /// Hours moved between activities: half the sum of |predicted − history|.
    pub hours_moved: f64,
    /// The plan's lines (plan order, adjustments last).
    pub lines: Vec<LineOutcome>,
    /// Lines this plan would pay at the person's history that the predicted hours give up
    /// (they pay less than a fifth of it): a bonus or threshold the person stops going for.
    pub gives_up: Vec<String>,
}

/// A person who could not be computed under a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonIssue {
    /// Index in [`SimReport::people`].
    pub person: usize,
    /// What went wrong, naming the plan line where there is one.
    pub error: PayError,
}

/// A plan's cost and revenue at people's recorded results: no change in behaviour, no noise,
/// exact money. For the same people it is what `carrot payouts` computes, to the cent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AtHistory {
    /// People computed (the people the simulation counts, less anyone the plan cannot compute).
    pub people: usize,
    /// Their revenue in plan currency (0 without a revenue column).
    pub revenue: Decimal,
    /// Their payout cost.
    pub cost: Decimal,
}

impl AtHistory {
    /// `plan`'s payouts for the roster people at `indices` (roster indices), exactly.
    fn of(plan: &Plan, roster: &Roster, indices: &std::collections::BTreeSet<usize>) -> Result<Self, SimError> {
        // Lenient as the simulation is: a column the roster lacks is said in the notes.
        let compiled = CompiledPlan::new_lenient(plan, roster)
            .map_err(|problems| SimError::InvalidPlan { plan: plan.name.clone(), problems })?;
        let report = compiled.report(plan, roster, crate::engine::Detail::AmountsOnly);
        Ok(Self::from_report(&report, indices))
    }

    /// The payouts in `report` of the roster people at `indices`.
    fn from_report(report: &PayoutReport, indices: &std::collections::BTreeSet<usize>) -> Self {
        let mut out = Self::default();
        for e in report.employees.iter().filter(|e| indices.contains(&e.index)) {
            out.people += 1;
            out.cost += e.total;
            out.revenue += e.revenue.unwrap_or_default();
        }
        out
    }
}

/// Everything predicted for one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanOutcome {
    /// The plan's name.
    pub plan: String,
    /// Cost and revenue at people's recorded results, exactly (beside the Monte Carlo's bands).
    pub at_history: AtHistory,
    /// Per modelled role, in roster order.
    pub roles: Vec<RoleOutcome>,
    /// Totals (the plan's own period, before runway effects).
    pub totals: Totals,
    /// Quarters 1..=Q.
    pub runway: Vec<Quarter>,
    /// Revenue and cost over the whole runway, discounted at the baseline runway's
    /// `discount_rate` (plain sums without one).
    pub runway_total: RunwayTotal,
    /// Per person, aligned with [`SimReport::people`] (`None`: could not be computed).
    pub people: Vec<Option<PersonOutcome>>,
    /// Indices into [`SimReport::people`], the largest behaviour change first.
    pub movers: Vec<usize>,
    /// People who could not be computed.
    pub errors: Vec<PersonIssue>,
    /// The runway assumptions used.
    pub runway_assumptions: Runway,
}

/// A simulation's results.
#[derive(Clone, Debug, PartialEq)]
pub struct SimReport {
    /// Plan currency of every amount.
    pub currency: String,
    /// The baseline plan's name.
    pub baseline_plan: String,
    /// Trials.
    pub trials: usize,
    /// Seed.
    pub seed: u64,
    /// Quarters projected.
    pub quarters: usize,
    /// Noise scale used.
    pub noise_scale: f64,
    /// Modelled roles.
    pub roles: Vec<RoleInfo>,
    /// Simulated people.
    pub people: Vec<PersonInfo>,
    /// The baseline plan's prediction (hours equal history).
    pub baseline: PlanOutcome,
    /// Each requested plan's prediction, in the order given.
    pub plans: Vec<PlanOutcome>,
    /// Values that came from defaults rather than a person's own history.
    pub defaults: Vec<DefaultUse>,
    /// People left out, with the reason.
    pub skipped: Vec<Skipped>,
    /// People whose role has no activity model: paid on history, counted in totals.
    pub paid_on_history: usize,
    /// Things to know when reading the results.
    pub notes: Vec<String>,
}

/// Reads `roster` for simulations against `baseline` (the plan people are paid on today): each
/// person's capacity, history hours, productivity and noise. Reuse it for every [`run`].
pub fn prepare(baseline: &Plan, roster: &Roster) -> Result<Calibration, SimError> {
    calibrate::calibrate(Paid::plan(baseline), roster)
}

/// A plan as the simulation pays it: the plan on the roster, or, for a pay period of a plan
/// year, the period's plan with each person's phased share of quota and target incentive
/// (`crate::year::period_view`) and the period's exact payouts.
#[derive(Clone, Copy, Debug)]
pub struct Paid<'a> {
    /// The plan.
    pub plan: &'a Plan,
    /// Per person, the share of quota and TI that replaces proration by days.
    pub shares: Option<&'a Shares>,
    /// The exact payouts at people's recorded results, when they are not the plan's own lines on
    /// the roster (a pay period's draws and instalments); [`AtHistory`] reports them.
    pub exact: Option<&'a PayoutReport>,
}

impl<'a> Paid<'a> {
    /// `plan` paid as it is on the roster.
    pub fn plan(plan: &'a Plan) -> Self {
        Self { plan, shares: None, exact: None }
    }

    /// Whether two are the same plan paid the same way.
    fn same(&self, other: &Self) -> bool {
        self.plan == other.plan && self.shares == other.shares && self.exact == other.exact
    }
}

/// [`prepare`] for a baseline paid as `baseline` says (a pay period of a plan year).
pub fn prepare_paid(baseline: Paid<'_>, roster: &Roster) -> Result<Calibration, SimError> {
    calibrate::calibrate(baseline, roster)
}

/// [`prepare`] then [`run`].
pub fn simulate(
    baseline: &Plan,
    roster: &Roster,
    plans: &[&Plan],
    options: &SimOptions,
) -> Result<SimReport, SimError> {
    run(&prepare(baseline, roster)?, plans, options)
}

/// Per person, the result of the choice phase.
struct Solved {
    /// Per plan unit: hours, or why not.
    hours: Vec<Result<Vec<f64>, PayError>>,
    /// Per plan unit: expected value of each written metric slot at the predicted hours.
    expected: Vec<Vec<(usize, f64)>>,
    /// Per plan unit: the plan's lines at history and at the predicted hours (empty when the
    /// person could not be computed).
    lines: Vec<Vec<LineOutcome>>,
    floored: bool,
}

/// The pay per hour a change in pay is judged against is at least this share of the person's
/// target incentive per hour.
pub(crate) const TARGET_SHARE_FLOOR: f64 = 0.25;

/// Predicts behaviour under each of `plans` against the calibration's baseline.
pub fn run(cal: &Calibration, plans: &[&Plan], options: &SimOptions) -> Result<SimReport, SimError> {
    let paid: Vec<Paid<'_>> = plans.iter().map(|p| Paid::plan(p)).collect();
    run_paid(cal, &paid, options)
}

/// What the plans pay a modelled role on that none of its activities produces (a count of
/// knowledge articles when the assumptions know only `internal_contributions`): each person's
/// value stays as the roster has it in every trial, so nobody is seen working for it. Said
/// once per role, with the metrics in plan order. Derived metrics, metrics the roster lacks
/// (their payouts are in error) and multipliers' metrics (a quality, not a volume) are left out.
fn unproduced_notes(cal: &Calibration, plans: &[&Plan]) -> Vec<String> {
    let roster = &cal.roster;
    let mut notes = Vec::new();
    for setup in &cal.roles {
        let produced = |metric: &str| {
            setup.outputs.iter().any(|o| o.metric == metric)
                || roster.metric_index(metric).is_some_and(|i| setup.hours_slot.contains(&Some(i)))
        };
        let mut unproduced: Vec<&str> = Vec::new();
        for plan in plans {
            let Some((_, track)) = plan.tracks.iter().find(|(key, _)| crate::plan::role_matches(key, &setup.name))
            else {
                continue;
            };
            for c in track.components.iter().filter(|c| c.kind() != crate::plan::ComponentKind::Multiplier) {
                let metric = c.metric();
                let modelled = plan.metrics.contains_key(metric) || roster.metric_index(metric).is_none();
                if !modelled && !produced(metric) && !unproduced.contains(&metric) {
                    unproduced.push(metric);
                }
            }
        }
        if !unproduced.is_empty() {
            let names: Vec<String> = unproduced.iter().map(|m| format!("`{m}`")).collect();
            let (it, stays, outputs) =
                if names.len() == 1 { ("it", "stays", "output") } else { ("them", "stay", "outputs") };
            notes.push(format!(
                "{}: the plans pay on {}, which no activity produces in the assumptions: {} {stays} at each \
                 person's roster value in every trial, so nobody is seen working for {it} (name {it} as an \
                 activity's {outputs} to simulate {it}; docs/behaviour.md)",
                setup.name,
                names.join(", "),
                if names.len() == 1 { "it" } else { "they" },
            ));
        }
    }
    notes
}

/// [`run`] for plans paid as each [`Paid`] says (pay periods of plan years).
pub fn run_paid(cal: &Calibration, plans: &[Paid<'_>], options: &SimOptions) -> Result<SimReport, SimError> {
    run_paid_until(cal, plans, options, &|| false)
}

/// [`run_paid`] that gives up with [`SimError::Stopped`] soon after `stop` says so (asked
/// between people; once it says so it must keep saying so): the app stops a simulation of a
/// large roster that a newer edit made stale.
pub fn run_paid_until(
    cal: &Calibration,
    plans: &[Paid<'_>],
    options: &SimOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> Result<SimReport, SimError> {
    options.validate()?;
    let base = Paid { plan: &cal.baseline, shares: cal.baseline_shares.as_ref(), exact: cal.baseline_exact.as_ref() };
    let mut paid_units: Vec<Paid<'_>> = vec![base];
    let mut unit_of = Vec::with_capacity(plans.len());
    for plan in plans {
        match paid_units.iter().position(|u| u.same(plan)) {
            Some(i) => unit_of.push(i),
            None => {
                paid_units.push(*plan);
                unit_of.push(paid_units.len() - 1);
            }
        }
    }
    let units: Vec<&Plan> = paid_units.iter().map(|u| u.plan).collect();
    let mut owned = Vec::with_capacity(units.len().saturating_sub(1));
    for unit in paid_units.iter().skip(1) {
        let plan = unit.plan;
        if plan.currency != cal.baseline.currency {
            return Err(SimError::Currency {
                plan: plan.name.clone(),
                currency: plan.currency.clone(),
                baseline_currency: cal.baseline.currency.clone(),
            });
        }
        let compiled = CompiledPlan::new_lenient(plan, &cal.roster)
            .map_err(|problems| SimError::InvalidPlan { plan: plan.name.clone(), problems })?;
        owned.push(match unit.shares {
            Some(shares) => compiled.with_shares(shares.clone()),
            None => compiled,
        });
    }
    let compiled: Vec<&CompiledPlan> = std::iter::once(&cal.compiled).chain(owned.iter()).collect();
    let epsilon: Vec<f64> = cal
        .roles
        .iter()
        .map(|r| {
            options.responsiveness.iter().find(|(k, _)| k.eq_ignore_ascii_case(&r.name)).map_or(r.epsilon, |(_, v)| *v)
        })
        .collect();

    let risk: Vec<f64> = cal
        .roles
        .iter()
        .map(|r| {
            options
                .risk_aversion
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&r.name))
                .map_or(r.risk_aversion, |(_, v)| *v)
        })
        .collect();

    // Phase 1: every person's choice under every plan.
    let mut solved: Vec<Solved> = cal
        .people
        .par_iter()
        .map(|p| {
            if stop() {
                return Solved { hours: Vec::new(), expected: Vec::new(), lines: Vec::new(), floored: false };
            }
            solve_person(cal, &units, &compiled, p, &epsilon, &risk, options)
        })
        .collect();
    if stop() {
        return Err(SimError::Stopped);
    }

    // People whose baseline could not be computed are left out everywhere.
    let mut skipped = cal.skipped.clone();
    let mut kept: Vec<usize> = Vec::new();
    for (i, s) in solved.iter().enumerate() {
        match s.hours.first() {
            Some(Ok(_)) => kept.push(i),
            Some(Err(err)) => {
                if let Some(p) = cal.people.get(i)
                    && let Some(e) = cal.roster.employees.get(p.index)
                {
                    skipped.push(Skipped::new(e, p.index, &format!("under the baseline plan: {err}")));
                }
            }
            None => {}
        }
    }
    skipped.sort_by_key(|s| s.index);
    // Everything that adds people up does it in one order that does not depend on the roster's
    // row order (employee id, then row), so the same people give the same totals to the bit.
    kept.sort_by(|&a, &b| {
        let key = |i: usize| cal.people.get(i).map(|p| (cal.roster.employees.get(p.index).map(|e| &*e.id), p.index));
        key(a).cmp(&key(b))
    });

    // Every plan at people's recorded results, over the people the simulation counts.
    let counted: std::collections::BTreeSet<usize> = kept
        .iter()
        .filter_map(|&i| cal.people.get(i).map(|p| p.index))
        .chain(cal.static_people.iter().copied())
        .collect();
    let at_history: Vec<AtHistory> = paid_units
        .iter()
        .map(|u| match u.exact {
            Some(report) => Ok(AtHistory::from_report(report, &counted)),
            None => AtHistory::of(u.plan, &cal.roster, &counted),
        })
        .collect::<Result<_, _>>()?;

    // Phase 2: the runway's multipliers from expected volumes.
    let runways: Vec<Runway> =
        units.iter().map(|p| options.runway.clone().unwrap_or_else(|| p.assumptions.runway())).collect();
    let effects = runway::Effects::new(cal, &solved, &kept, &runways, options.quarters);

    // Phase 3: Monte Carlo.
    let layout = montecarlo::Layout::new(cal);
    let mc = montecarlo::run(cal, &compiled, &solved, &kept, &layout, &effects, options, stop);
    if stop() {
        return Err(SimError::Stopped);
    }

    let mut notes = cal.notes.clone();
    let floored = kept.iter().filter(|&&i| solved.get(i).is_some_and(|s| s.floored)).count();
    if floored > 0 {
        notes.push(format!(
            "{floored} people have no target incentive and expect no variable pay under the baseline; their pay per hour was taken as their role's typical target incentive per hour"
        ));
    }
    for plan in plans.iter().map(|p| p.plan) {
        if plan.assumptions.roles != cal.baseline.assumptions.roles
            || plan.assumptions.responsiveness != cal.baseline.assumptions.responsiveness
            || plan.assumptions.min_flexible_hours != cal.baseline.assumptions.min_flexible_hours
            || plan.assumptions.other_flexibility != cal.baseline.assumptions.other_flexibility
        {
            notes.push(format!(
                "plan `{}` has its own people assumptions (responsiveness, roles); the baseline plan's are used for everyone",
                plan.name
            ));
        }
    }
    if options.runway.is_none() {
        let rate = cal.baseline.assumptions.runway().discount_rate;
        for plan in plans.iter().map(|p| p.plan) {
            if plan.assumptions.runway().discount_rate != rate {
                notes.push(format!(
                    "plan `{}` has its own runway discount_rate; the baseline plan's is used for every plan",
                    plan.name
                ));
            }
        }
    }
    notes.extend(effects.notes.iter().cloned());
    notes.extend(unproduced_notes(cal, &units));

    Ok(montecarlo::assemble(montecarlo::Assembly {
        cal,
        units: &units,
        unit_of: &unit_of,
        solved: &mut solved,
        kept: &kept,
        layout: &layout,
        effects: &effects,
        mc,
        runways,
        at_history,
        epsilon: &epsilon,
        risk: &risk,
        options,
        skipped,
        notes,
    }))
}

/// Five-point Gauss–Hermite nodes for a standard normal (exact for polynomials of degree ≤ 9):
/// enough for the expected pay of each line.
const GH5_NODES: [f64; 5] =
    [-2.856_970_013_872_806, -1.355_626_179_974_266, 0.0, 1.355_626_179_974_266, 2.856_970_013_872_806];
/// Their weights.
const GH5_WEIGHTS: [f64; 5] = [
    0.011_257_411_327_720_69,
    0.222_075_922_005_612_6,
    0.533_333_333_333_333_3,
    0.222_075_922_005_612_6,
    0.011_257_411_327_720_69,
];

/// Effective hours at each five-point node of one common noise factor (rows of `h.len()`).
fn gh5_points(h: &[f64], sigma: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(GH5_NODES.len() * h.len());
    for z in GH5_NODES {
        for (d, x) in h.iter().enumerate() {
            let s = sigma.get(d).copied().unwrap_or(0.0);
            out.push(x * mathx::exp(s * z - 0.5 * s * s));
        }
    }
    out
}

/// A plan's lines for `e` (see [`LineOutcome`]): expected pay over the person's luck (a common
/// factor on every activity, at the Gauss–Hermite points) at history `h0` and at `hours`, and
/// what each line measures at expected results.
fn lines_of(
    plan: Option<&Plan>,
    roster: &Roster,
    e: &Employee,
    pay: &mut PersonPay<'_>,
    h0: &[f64],
    hours: &[f64],
    sigma: &[f64],
) -> Result<Vec<LineOutcome>, PayError> {
    let Some(track) = plan.and_then(|p| {
        p.tracks
            .get(&*e.role)
            .or_else(|| p.tracks.iter().find(|(k, _)| k.eq_ignore_ascii_case(&e.role)).map(|(_, t)| t))
    }) else {
        return Ok(Vec::new());
    };
    let n = h0.len();
    let mut expected = |h: &[f64]| -> Result<Vec<f64>, PayError> {
        let points = gh5_points(h, sigma);
        let mut sum: Vec<f64> = Vec::new();
        let mut row = Vec::new();
        for (u, w) in points.chunks_exact(n.max(1)).zip(GH5_WEIGHTS) {
            pay.line_pays(u, &mut row)?;
            if sum.len() < row.len() {
                sum.resize(row.len(), 0.0);
            }
            for (a, b) in sum.iter_mut().zip(&row) {
                *a += w * b;
            }
        }
        Ok(sum)
    };
    let before = expected(h0)?;
    let after = if hours == h0 { before.clone() } else { expected(hours)? };
    let measure_before = pay.line_measures(h0)?;
    let measure_after = if hours == h0 { measure_before.clone() } else { pay.line_measures(hours)? };
    // A multiplier pays nothing itself; its measure is the value of its metric (when the
    // roster has it).
    let multiplier_measure = |pay: &mut PersonPay<'_>, metric: &str, h: &[f64]| -> Result<Option<f64>, PayError> {
        let Some(slot) = roster.metric_index(metric) else { return Ok(None) };
        pay.pay_at(h)?;
        Ok(pay.written_value(slot, h))
    };
    let mut lines = Vec::with_capacity(track.components.len() + 1);
    let mut i = 0;
    for c in &track.components {
        if let crate::plan::Component::Multiplier(m) = c {
            lines.push(LineOutcome {
                line: c.id().to_owned(),
                label: c.label().to_owned(),
                at_history: 0.0,
                predicted: 0.0,
                measure: (multiplier_measure(pay, &m.metric, h0)?, multiplier_measure(pay, &m.metric, hours)?),
            });
            continue;
        }
        lines.push(LineOutcome {
            line: c.id().to_owned(),
            label: c.label().to_owned(),
            at_history: before.get(i).copied().unwrap_or(0.0),
            predicted: after.get(i).copied().unwrap_or(0.0),
            measure: (measure_before.get(i).copied().flatten(), measure_after.get(i).copied().flatten()),
        });
        i += 1;
    }
    let k = i;
    let (a, b) = (before.get(k).copied().unwrap_or(0.0), after.get(k).copied().unwrap_or(0.0));
    if a.abs() >= 0.005 || b.abs() >= 0.005 {
        let id = if a + b < 0.0 { "cap_adjustment" } else { "guarantee_adjustment" };
        lines.push(LineOutcome {
            line: id.to_owned(),
            label: id.to_owned(),
            at_history: a,
            predicted: b,
            measure: (None, None),
        });
    }
    Ok(lines)
}

/// How each line's expected pay changes from the baseline at history to this plan at the
/// predicted hours (`baseline` lines matched by id; a line only one plan has counts in full),
/// the largest fall first: why a person's pay changes.
pub fn line_changes(baseline: &[LineOutcome], plan: &[LineOutcome]) -> Vec<(String, String, f64, f64)> {
    let mut out: Vec<(String, String, f64, f64)> = plan
        .iter()
        .map(|l| {
            let before = baseline.iter().find(|b| b.line == l.line).map_or(0.0, |b| b.at_history);
            (l.line.clone(), l.label.clone(), before, l.predicted)
        })
        .collect();
    for b in baseline.iter().filter(|b| !plan.iter().any(|l| l.line == b.line)) {
        out.push((b.line.clone(), b.label.clone(), b.at_history, 0.0));
    }
    out.sort_by(|x, y| (x.3 - x.2).total_cmp(&(y.3 - y.2)).then_with(|| x.0.cmp(&y.0)));
    out
}

/// Why a person's expected pay changes under a plan, in a few words: the two lines whose expected
/// pay moves most in the direction pay moves (the falls first when pay falls, the rises first
/// when it rises), and the lines the person gives up. `carrot simulate` prints it in the "Why"
/// column of whose behaviour changes most, and the app's Behaviour view shows the same text.
#[derive(Clone, Debug, PartialEq)]
pub struct PayChangeReason {
    /// At most two lines: the label and the change in expected pay, from the baseline plan at
    /// the person's history to this plan at the predicted hours (changes under 0.5 left out).
    pub lines: Vec<(String, f64)>,
    /// The ids of the lines given up ([`PersonOutcome::gives_up`]).
    pub gives_up: Vec<String>,
}

impl PayChangeReason {
    /// The reason for person `person` of `report` (an index into [`SimReport::people`]), whose
    /// outcome under one of the report's plans is `outcome`.
    pub fn of(report: &SimReport, person: usize, outcome: &PersonOutcome) -> Self {
        let base = report.baseline.people.get(person).and_then(Option::as_ref).map_or(&[][..], |b| &b.lines[..]);
        let mut changes = line_changes(base, &outcome.lines);
        changes.retain(|(_, _, a, b)| (b - a).abs() >= 0.5);
        if outcome.pay_change > 0.0 {
            changes.reverse();
        }
        Self {
            lines: changes.into_iter().take(2).map(|(_, label, a, b)| (label, b - a)).collect(),
            gives_up: outcome.gives_up.clone(),
        }
    }
}

/// `Revenue commission −1234; Discovery bonus +310; gives up discovery_bonus`: whole amounts,
/// signed with a true minus.
impl std::fmt::Display for PayChangeReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut std::fmt::Formatter<'_>| {
            let s = if first { "" } else { "; " };
            first = false;
            f.write_str(s)
        };
        for (label, change) in &self.lines {
            sep(f)?;
            if change.abs() < 0.5 {
                write!(f, "{label} 0")?;
            } else {
                write!(f, "{label} {}{:.0}", if *change > 0.0 { "+" } else { "−" }, change.abs())?;
            }
        }
        for line in &self.gives_up {
            sep(f)?;
            write!(f, "gives up {line}")?;
        }
        Ok(())
    }
}

/// The lines given up: paying at history at least a twentieth of the person's expected pay
/// there, and at the predicted hours less than a fifth of that.
fn given_up(lines: &[LineOutcome]) -> Vec<String> {
    let total: f64 = lines.iter().map(|l| l.at_history).sum();
    lines
        .iter()
        .filter(|l| {
            !l.line.ends_with("_adjustment") && l.at_history > 0.05 * total.max(0.0) && l.predicted < 0.2 * l.at_history
        })
        .map(|l| l.line.clone())
        .collect()
}

/// A person's choices under every plan unit (0 = baseline).
fn solve_person(
    cal: &Calibration,
    plans: &[&Plan],
    compiled: &[&CompiledPlan],
    person: &Person,
    epsilon: &[f64],
    risk: &[f64],
    options: &SimOptions,
) -> Solved {
    let units = compiled.len();
    let fail = |err: PayError| Solved {
        hours: (0..units).map(|_| Err(err.clone())).collect(),
        expected: vec![Vec::new(); units],
        lines: vec![Vec::new(); units],
        floored: false,
    };
    let (Some(e), Some(role)) = (cal.roster.employees.get(person.index), cal.roles.get(person.role)) else {
        return fail(PayError::NotInRoster);
    };
    let n = role.activities.len();
    let t = person.capacity;
    let h0 = &person.hours;
    let sigma: Vec<f64> = person.noise.iter().map(|s| s * options.noise_scale).collect();
    let eps = epsilon.get(person.role).copied().unwrap_or(assumptions::DEFAULT_RESPONSIVENESS);
    let Some(base_compiled) = compiled.first() else { return fail(PayError::Layout) };
    let mut base_pay = match PersonPay::new(base_compiled, e, person, role) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let paid0 = base_pay.paid(n);
    let zeros = vec![0.0; n];
    let ones = vec![1.0; n];
    let anchor_params = Params { capacity: t, s: &ones, m: &zeros, sigma: &sigma, paid: &paid0, slack: None };
    let mut sur = Surrogate::default();
    if let Err(msg) = sur.anchor(&anchor_params, h0, &mut base_pay) {
        return fail(msg);
    }
    let (p0, g0) = match sur.pay_and_gradient(h0, &mut base_pay) {
        Ok(x) => x,
        Err(msg) => return fail(msg),
    };
    // The pay an hour is judged against: expected variable pay under the baseline per hour, but
    // at least a quarter of the target incentive per hour (someone who expects almost nothing
    // still weighs a pay change against part of what they are meant to earn); the role's
    // reference without either.
    let own = p0.max(TARGET_SHARE_FLOOR * base_pay.target_incentive().unwrap_or(0.0)) / t;
    let reference = cal.roles.get(person.role).map_or(0.0, |r| r.pay_per_hour);
    let (vbar, floored) =
        if own > 1e-9 * reference.max(1e-9) && own > 1e-9 { (own, false) } else { (reference.max(1e-6), true) };
    // How many hours an activity's history counts as when setting its flexibility: at least
    // `min_flexible_hours`.
    let flex: Vec<f64> = h0.iter().map(|h| h.max(cal.min_flexible_hours).max(1e-6)).collect();
    let expected_of = |pay: &PersonPay<'_>, h: &[f64]| -> Vec<(usize, f64)> {
        pay.writes
            .iter()
            .map(|w| (w.slot, w.parts.iter().map(|&(d, c)| c * h.get(d).copied().unwrap_or(0.0)).sum()))
            .collect()
    };
    let mut out = Solved {
        hours: Vec::with_capacity(units),
        expected: Vec::with_capacity(units),
        lines: Vec::with_capacity(units),
        floored,
    };
    if eps <= 0.0 {
        // Nobody responds: history under every plan.
        for (u, c) in compiled.iter().enumerate() {
            let result = PersonPay::new(c, e, person, role).and_then(|mut pay| {
                let lines = lines_of(plans.get(u).copied(), &cal.roster, e, &mut pay, h0, h0, &sigma)?;
                Ok((expected_of(&pay, h0), lines))
            });
            match result {
                Ok((x, lines)) => {
                    out.hours.push(Ok(h0.clone()));
                    out.expected.push(x);
                    out.lines.push(lines);
                }
                Err(msg) => {
                    out.hours.push(Err(msg));
                    out.expected.push(Vec::new());
                    out.lines.push(Vec::new());
                }
            }
        }
        return out;
    }
    // The value of an hour at history, in pay per hour: at least the baseline variable pay per
    // hour, and at least what any activity pays for its next hour there (so no activity is left
    // undone although it pays more than the person's time is worth). Activities done today are
    // valued so that each hour's marginal value is exactly this; activities not done today
    // have no value apart from their pay.
    let lambda0 = g0.iter().fold(vbar, |a, &g| a.max(g));
    let mut s = vec![0.0; n];
    let mut m = vec![0.0; n];
    for d in 0..n {
        s[d] = eps * flex[d] / vbar;
        let g = g0.get(d).copied().unwrap_or(0.0);
        m[d] = if h0[d] > 0.0 { lambda0 + h0[d] / s[d] - g } else { 0.0 };
    }
    // `other` (last) grows as easily as any activity (slack) but gives up time only
    // `other_flexibility` as easily (meetings, admin and training are hard to cut).
    let slack = match (s.last(), h0.last()) {
        (Some(&s_other), Some(&h_other)) => {
            Some(Slack { activity: n - 1, h0: h_other, s_down: (s_other * cal.other_flexibility).max(1e-9 * s_other) })
        }
        _ => None,
    };
    let base_expected = expected_of(&base_pay, h0);
    let base_lines = match lines_of(plans.first().copied(), &cal.roster, e, &mut base_pay, h0, h0, &sigma) {
        Ok(l) => l,
        Err(err) => return fail(err),
    };
    // A risk-averse person chooses on the certainty equivalent of pay (constant absolute risk
    // aversion γ / P at their own scale of pay P = v̄ T), not on expected pay: a certain euro is
    // worth a euro, an uncertain one less. The calibration is the same, on its slopes.
    let gamma = risk.get(person.role).copied().unwrap_or(0.0);
    let absolute = if gamma > 0.0 { gamma / (vbar * t) } else { 0.0 };
    let (sur, g0, m) = if absolute > 0.0 {
        let mut sur = Surrogate::risk_averse(absolute);
        let rebuilt =
            sur.anchor(&anchor_params, h0, &mut base_pay).and_then(|()| sur.pay_and_gradient(h0, &mut base_pay));
        let g0 = match rebuilt {
            Ok((_, g)) => g,
            Err(err) => return fail(err),
        };
        let lambda0 = g0.iter().fold(vbar, |a, &g| a.max(g));
        let m: Vec<f64> = (0..n)
            .map(|d| {
                let g = g0.get(d).copied().unwrap_or(0.0);
                if h0[d] > 0.0 { lambda0 + h0[d] / s[d] - g } else { 0.0 }
            })
            .collect();
        (sur, g0, m)
    } else {
        (sur, g0, m)
    };
    let mut offset = match Offset::new(sur, &anchor_params, &mut base_pay, h0, &g0) {
        Ok(o) => o,
        Err(err) => return fail(err),
    };
    // Under the baseline, history is the best choice by construction (see `Offset`).
    out.expected.push(base_expected);
    out.hours.push(Ok(h0.clone()));
    out.lines.push(base_lines);
    for (u, c) in compiled.iter().enumerate().skip(1) {
        let result = PersonPay::new(c, e, person, role).and_then(|mut pay| {
            let paid = pay.paid(n);
            let params = Params { capacity: t, s: &s, m: &m, sigma: &sigma, paid: &paid, slack };
            // The same absolute risk aversion under every plan: with constant absolute risk
            // aversion, a plan that pays everyone more does not make pay matter less.
            let mut sur = Surrogate::risk_averse(absolute);
            offset.reset()?;
            sur.anchor(&params, h0, &mut pay)?;
            let choice = sur.solve(&params, h0, true, &mut pay, Some(&mut offset))?;
            let expected = expected_of(&pay, &choice.hours);
            let lines = lines_of(plans.get(u).copied(), &cal.roster, e, &mut pay, h0, &choice.hours, &sigma)?;
            Ok((choice.hours, expected, lines))
        });
        match result {
            Ok((h, x, lines)) => {
                out.hours.push(Ok(h));
                out.expected.push(x);
                out.lines.push(lines);
            }
            Err(msg) => {
                out.hours.push(Err(msg));
                out.expected.push(Vec::new());
                out.lines.push(Vec::new());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn why_pay_changes_reads_as_the_cli_prints_it() {
        let why = PayChangeReason {
            lines: vec![("Revenue commission".to_owned(), -1234.4), ("Discovery bonus".to_owned(), 310.6)],
            gives_up: vec!["discovery_bonus".to_owned()],
        };
        assert_eq!(why.to_string(), "Revenue commission −1234; Discovery bonus +311; gives up discovery_bonus");
        assert_eq!(PayChangeReason { lines: Vec::new(), gives_up: Vec::new() }.to_string(), "");
    }

    #[test]
    fn a_simulation_asked_to_stop_gives_up_and_one_never_asked_is_run_as_it_was() {
        let roster = crate::samples::bundled_roster().unwrap();
        let plan = |key| crate::plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
        let (baseline, other) = (plan("sales_led"), plan("product_led"));
        let cal = prepare(&baseline, &roster).unwrap();
        let options = SimOptions { trials: 50, ..SimOptions::default() };
        let paid = [Paid::plan(&other)];
        let asked = AtomicUsize::new(0);
        let never = || {
            asked.fetch_add(1, Ordering::Relaxed);
            false
        };
        assert_eq!(run_paid_until(&cal, &paid, &options, &never).unwrap(), run_paid(&cal, &paid, &options).unwrap());
        let whole = asked.load(Ordering::Relaxed);
        assert!(whole > 72, "asked between people, at least once each ({whole})");
        assert!(matches!(run_paid_until(&cal, &paid, &options, &|| true), Err(SimError::Stopped)));
        // Asked to stop partway through the people (a newer edit arrived): it stops there.
        let calls = AtomicUsize::new(0);
        let partway = || calls.fetch_add(1, Ordering::Relaxed) >= 30;
        assert!(matches!(run_paid_until(&cal, &paid, &options, &partway), Err(SimError::Stopped)));
    }

    #[test]
    fn a_plan_given_twice_or_as_the_baseline_has_its_whole_outcome_each_time() {
        // Outcomes are moved into the report, not copied: one simulated once but placed
        // several times is copied for each place but its last, lines and all.
        let roster = crate::samples::bundled_roster().unwrap();
        let plan = |key| crate::plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
        let (baseline, other) = (plan("sales_led"), plan("product_led"));
        let cal = prepare(&baseline, &roster).unwrap();
        let options = SimOptions { trials: 50, ..SimOptions::default() };
        let report = run(&cal, &[&other, &baseline, &other], &options).unwrap();
        assert_eq!(report.plans.len(), 3);
        assert_eq!(report.plans[1], report.baseline);
        assert_eq!(report.plans[0], report.plans[2]);
        let alone = run(&cal, &[&other], &options).unwrap();
        assert_eq!(report.plans[2], alone.plans[0]);
        let with_lines = |o: &PlanOutcome| o.people.iter().flatten().filter(|p| !p.lines.is_empty()).count();
        assert_eq!(with_lines(&report.baseline), 72, "everyone's baseline lines");
        assert_eq!(with_lines(&report.plans[0]), 72, "everyone's lines under the other plan");
    }
}

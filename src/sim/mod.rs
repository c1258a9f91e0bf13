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
pub mod json;
pub(crate) mod mathx;
mod montecarlo;
pub mod person;
mod runway;

use std::collections::BTreeMap;

use rayon::prelude::*;

pub use assumptions::{Activity, Assumptions, Conversion, Number, Output, Productivity, RoleModel, Runway};
pub use calibrate::Calibration;
pub use error::PayError;

use crate::engine::CompiledPlan;
use crate::plan::{Plan, Problem};
use crate::roster::{Employee, Roster};

use calibrate::Person;
use choice::{Params, Surrogate};
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
        for (role, eps) in &self.responsiveness {
            if !(eps.is_finite() && (0.0..=100.0).contains(eps)) {
                return bad("responsiveness", format!("{role}: must be between 0 and 100, not {eps}"));
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
    /// 1, or less when the person was made less responsive so that their history is their best
    /// choice under the baseline plan (see `docs/behaviour.md`, calibration).
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
}

/// A person who could not be computed under a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PersonIssue {
    /// Index in [`SimReport::people`].
    pub person: usize,
    /// What went wrong, naming the plan line where there is one.
    pub error: PayError,
}

/// Everything predicted for one plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanOutcome {
    /// The plan's name.
    pub plan: String,
    /// Per modelled role, in roster order.
    pub roles: Vec<RoleOutcome>,
    /// Totals (the plan's own period, before runway effects).
    pub totals: Totals,
    /// Quarters 1..=Q.
    pub runway: Vec<Quarter>,
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
    stiffness: f64,
    floored: bool,
    reproduced: bool,
}

/// Predicts behaviour under each of `plans` against the calibration's baseline.
pub fn run(cal: &Calibration, plans: &[&Plan], options: &SimOptions) -> Result<SimReport, SimError> {
    options.validate()?;
    let mut units: Vec<&Plan> = vec![&cal.baseline];
    let mut unit_of = Vec::with_capacity(plans.len());
    for plan in plans {
        match units.iter().position(|u| **u == **plan) {
            Some(i) => unit_of.push(i),
            None => {
                units.push(plan);
                unit_of.push(units.len() - 1);
            }
        }
    }
    let mut owned = Vec::with_capacity(units.len().saturating_sub(1));
    for plan in units.iter().skip(1) {
        if plan.currency != cal.baseline.currency {
            return Err(SimError::Currency {
                plan: plan.name.clone(),
                currency: plan.currency.clone(),
                baseline_currency: cal.baseline.currency.clone(),
            });
        }
        owned.push(
            CompiledPlan::new(plan, &cal.roster)
                .map_err(|problems| SimError::InvalidPlan { plan: plan.name.clone(), problems })?,
        );
    }
    let compiled: Vec<&CompiledPlan> = std::iter::once(&cal.compiled).chain(owned.iter()).collect();
    let epsilon: Vec<f64> = cal
        .roles
        .iter()
        .map(|r| {
            options.responsiveness.iter().find(|(k, _)| k.eq_ignore_ascii_case(&r.name)).map_or(r.epsilon, |(_, v)| *v)
        })
        .collect();

    // Phase 1: every person's choice under every plan.
    let solved: Vec<Solved> =
        cal.people.par_iter().map(|p| solve_person(cal, &compiled, p, &epsilon, options)).collect();

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

    // Phase 2: the runway's multipliers from expected volumes.
    let runways: Vec<Runway> =
        units.iter().map(|p| options.runway.clone().unwrap_or_else(|| p.assumptions.runway())).collect();
    let effects = runway::Effects::new(cal, &solved, &kept, &runways, options.quarters);

    // Phase 3: Monte Carlo.
    let layout = montecarlo::Layout::new(cal);
    let mc = montecarlo::run(cal, &compiled, &solved, &kept, &layout, &effects, options);

    let mut notes = cal.notes.clone();
    let stiffened = kept.iter().filter(|&&i| solved.get(i).is_some_and(|s| s.stiffness < 1.0)).count();
    if stiffened > 0 {
        notes.push(format!(
            "{stiffened} people were made less responsive so that their history is their best choice under the baseline plan (see docs/behaviour.md)"
        ));
    }
    let floored = kept.iter().filter(|&&i| solved.get(i).is_some_and(|s| s.floored)).count();
    if floored > 0 {
        notes.push(format!(
            "{floored} people expect almost no variable pay under the baseline; their pay per hour was taken as 10% of target incentive per hour"
        ));
    }
    let unreproduced = kept.iter().filter(|&&i| solved.get(i).is_some_and(|s| !s.reproduced)).count();
    if unreproduced > 0 {
        notes.push(format!("{unreproduced} people's history could not be reproduced under the baseline plan"));
    }
    for plan in plans {
        if plan.assumptions.roles != cal.baseline.assumptions.roles
            || plan.assumptions.responsiveness != cal.baseline.assumptions.responsiveness
            || plan.assumptions.min_flexible_hours != cal.baseline.assumptions.min_flexible_hours
        {
            notes.push(format!(
                "plan `{}` has its own people assumptions (responsiveness, roles); the baseline plan's are used for everyone",
                plan.name
            ));
        }
    }
    notes.extend(effects.notes.iter().cloned());

    Ok(montecarlo::assemble(montecarlo::Assembly {
        cal,
        units: &units,
        unit_of: &unit_of,
        solved: &solved,
        kept: &kept,
        layout: &layout,
        effects: &effects,
        mc,
        runways,
        epsilon: &epsilon,
        options,
        skipped,
        notes,
    }))
}

/// A person's choices under every plan unit (0 = baseline).
fn solve_person(
    cal: &Calibration,
    compiled: &[&CompiledPlan],
    person: &Person,
    epsilon: &[f64],
    options: &SimOptions,
) -> Solved {
    let units = compiled.len();
    let fail = |err: PayError| Solved {
        hours: (0..units).map(|_| Err(err.clone())).collect(),
        expected: vec![Vec::new(); units],
        stiffness: 1.0,
        floored: false,
        reproduced: true,
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
    let anchor_params = Params { capacity: t, s: &ones, m: &zeros, sigma: &sigma, paid: &paid0 };
    let mut sur = Surrogate::default();
    if let Err(msg) = sur.anchor(&anchor_params, h0, &mut base_pay) {
        return fail(msg);
    }
    let (p0, g0) = match sur.pay_and_gradient(h0, &mut base_pay) {
        Ok(x) => x,
        Err(msg) => return fail(msg),
    };
    // Baseline variable pay per hour, floored at 10% of target incentive per hour.
    let floor = (0.1 * base_pay.target_incentive().unwrap_or(0.0) / t).max(1e-6);
    let (vbar, floored) = if p0 / t >= floor { (p0 / t, false) } else { (floor, true) };
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
        stiffness: 1.0,
        floored,
        reproduced: true,
    };
    if eps <= 0.0 {
        // Nobody responds: history under every plan.
        for (u, c) in compiled.iter().enumerate() {
            let expected = if u == 0 {
                Ok(expected_of(&base_pay, h0))
            } else {
                PersonPay::new(c, e, person, role).map(|p| expected_of(&p, h0))
            };
            match expected {
                Ok(x) => {
                    out.hours.push(Ok(h0.clone()));
                    out.expected.push(x);
                }
                Err(msg) => {
                    out.hours.push(Err(msg));
                    out.expected.push(Vec::new());
                }
            }
        }
        return out;
    }
    let anchored = sur;
    // A previous attempt's surrogate, when its solve left the anchor where it was: its pay cache
    // depends only on the anchor (not on s or m), so it holds exactly what a fresh clone of
    // `anchored` would compute, and more of it.
    let mut reuse: Option<Surrogate> = None;
    let mut s = vec![0.0; n];
    let mut m = vec![0.0; n];
    let mut baseline_hours = h0.clone();
    for attempt in 0..16 {
        for d in 0..n {
            s[d] = eps * flex[d] / vbar * out.stiffness;
            m[d] = h0[d] / s[d] - g0.get(d).copied().unwrap_or(0.0);
        }
        let params = Params { capacity: t, s: &s, m: &m, sigma: &sigma, paid: &paid0 };
        let mut trial = reuse.take().unwrap_or_else(|| anchored.clone());
        match trial.solve(&params, h0, true, &mut base_pay) {
            Ok(choice) => {
                let moved = choice.hours.iter().zip(h0).fold(0.0f64, |a, (x, y)| a.max((x - y).abs()));
                baseline_hours = choice.hours;
                if moved <= 1e-5 * t {
                    break;
                }
                if attempt == 15 {
                    out.reproduced = false;
                    break;
                }
                // History is not this person's best choice under the baseline at this
                // responsiveness: they must be less responsive than ε says (revealed preference).
                out.stiffness *= 0.5;
                if trial.same_anchor(&anchored) {
                    reuse = Some(trial);
                }
            }
            Err(msg) => return fail(msg),
        }
    }
    out.expected.push(expected_of(&base_pay, &baseline_hours));
    out.hours.push(Ok(baseline_hours));
    for c in compiled.iter().skip(1) {
        let result = PersonPay::new(c, e, person, role).and_then(|mut pay| {
            let paid = pay.paid(n);
            let params = Params { capacity: t, s: &s, m: &m, sigma: &sigma, paid: &paid };
            let mut sur = Surrogate::default();
            sur.anchor(&params, h0, &mut pay)?;
            let choice = sur.solve(&params, h0, true, &mut pay)?;
            let expected = expected_of(&pay, &choice.hours);
            Ok((choice.hours, expected))
        });
        match result {
            Ok((h, x)) => {
                out.hours.push(Ok(h));
                out.expected.push(x);
            }
            Err(msg) => {
                out.hours.push(Err(msg));
                out.expected.push(Vec::new());
            }
        }
    }
    out
}

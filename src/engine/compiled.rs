//! A plan compiled against a roster: metric names resolved to slots, tiers pre-summed, derived
//! metrics ordered; and a person bound to it (their converted, prorated amounts and metric
//! values, in any [`Num`]). The rules that turn those into pay are in [`super::rules`].

use foldhash::HashMap;
use std::sync::Arc;

use rust_decimal::Decimal;

pub(crate) use super::rules::RawLine;
use super::rules::lookup;
use crate::expr::{EvalError, Expr};
use crate::money;
use crate::num::{Konst, Num, Rational};
use crate::plan::{Basis, BonusBase, Component, CurvePoint, Limit, Method, Plan, Problem, Target};
use crate::roster::{Employee, Roster};

/// Where a metric's value comes from, for one employee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `values[i]`: roster metric columns first, then derived metrics.
    Value(usize),
    /// The prorated quota.
    Quota,
    /// The prorated target incentive.
    TargetIncentive,
    /// The base salary (converted, not prorated).
    BaseSalary,
    /// A name that is neither a roster column nor a derived metric.
    Unknown(String),
}

/// The line kinds in payouts and exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// A commission component.
    Commission,
    /// A bonus component.
    Bonus,
    /// A per-unit component.
    PerUnit,
    /// The plan-level cap, as a (negative) adjustment.
    CapAdjustment,
    /// The plan-level guarantee, as a (positive) adjustment.
    GuaranteeAdjustment,
    /// Plan years: a year-to-date line's earnings to date minus what it already paid.
    TrueUp,
    /// Plan years: a draw paid because earnings fell short of it.
    Draw,
    /// Plan years: a recoverable draw's balance taken back from earnings above the draw.
    DrawRecovery,
    /// Plan years: an instalment of a line earned in an earlier period.
    Deferred,
    /// Plan years: pay taken back for a leaver or a cancelled deal.
    Clawback,
}

impl LineKind {
    /// The name used in JSON and exports.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commission => "commission",
            Self::Bonus => "bonus",
            Self::PerUnit => "per_unit",
            Self::CapAdjustment => "cap_adjustment",
            Self::GuaranteeAdjustment => "guarantee_adjustment",
            Self::TrueUp => "true_up",
            Self::Draw => "draw",
            Self::DrawRecovery => "draw_recovery",
            Self::Deferred => "deferred",
            Self::Clawback => "clawback",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct CommissionLine {
    pub metric: Slot,
    pub basis: Basis,
    pub method: Method,
    /// `(from, rate, cumulative)`: cumulative = Σ rate × width of every earlier tier, in the
    /// tiers' own unit, so a graduated amount needs one lookup whatever the number of tiers.
    pub tiers: Vec<(Konst, Konst, Konst)>,
    pub threshold: Option<Konst>,
}

#[derive(Clone, Debug)]
pub(crate) enum TargetSlot {
    Quota,
    Value(Konst),
    Slot(Slot, String),
}

/// A bonus's base ([`BonusBase`]) with its constant in both number kinds.
#[derive(Clone, Copy, Debug)]
pub(crate) enum BaseKonst {
    /// A share of the prorated target incentive.
    TiShare(Konst),
    /// A fixed amount in plan currency.
    Amount(Konst),
}

/// One point of a bonus curve, with the differences to the next point (0 at the last), which
/// interpolation between the two needs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CompiledPoint {
    pub x: Konst,
    pub y: Konst,
    /// `y` of the next point − `y`.
    pub rise: Konst,
    /// `x` of the next point − `x`.
    pub run: Konst,
}

/// A bonus curve's points, each with its differences to the next.
pub(crate) fn curve_points(points: &[CurvePoint]) -> Vec<CompiledPoint> {
    points
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let next = points.get(k + 1).unwrap_or(p);
            // Validation keeps every point at or above 0, so the differences cannot overflow.
            CompiledPoint { x: p.x.into(), y: p.y.into(), rise: (next.y - p.y).into(), run: (next.x - p.x).into() }
        })
        .collect()
}

#[derive(Clone, Debug)]
pub(crate) struct BonusLine {
    pub metric: Slot,
    pub target: TargetSlot,
    pub base: BaseKonst,
    pub curve: Vec<CompiledPoint>,
}

#[derive(Clone, Debug)]
pub(crate) struct PerUnitLine {
    pub metric: Slot,
    pub amount: Konst,
    pub min_units: Option<Konst>,
    pub max_units: Option<Konst>,
}

#[derive(Clone, Debug)]
pub(crate) enum LineRule {
    Commission(CommissionLine),
    Bonus(BonusLine),
    PerUnit(PerUnitLine),
}

#[derive(Clone, Debug)]
pub(crate) struct CompiledLine {
    /// Copied into every payout line (interned: see [`super::Name`]).
    pub id: super::Name,
    /// The id and label, as each of its payout lines holds them.
    pub names: super::LineNames,
    /// Index into [`CompiledPlan::components`], for summing totals without hashing.
    pub slot: usize,
    pub metric_name: String,
    pub kind: LineKind,
    pub rule: LineRule,
    pub cap: Option<Konst>,
}

impl CompiledLine {
    /// The slot of the metric the line is paid on.
    pub(crate) fn metric(&self) -> &Slot {
        match &self.rule {
            LineRule::Commission(c) => &c.metric,
            LineRule::Bonus(b) => &b.metric,
            LineRule::PerUnit(u) => &u.metric,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct CompiledMultiplier {
    pub id: String,
    pub metric: Slot,
    pub metric_name: String,
    /// `(from, factor)`, ascending.
    pub steps: Vec<(Konst, Konst)>,
    pub targets: Vec<usize>,
}

/// A cap or guarantee ([`Limit`]) with its constants in both number kinds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct LimitKonst {
    /// A multiple of the prorated target incentive, when the limit is one.
    pub multiple_of_ti: Option<Konst>,
    /// Otherwise an amount (0 when the plan gives neither), prorated by the share employed.
    pub amount: Konst,
}

impl From<&Limit> for LimitKonst {
    fn from(limit: &Limit) -> Self {
        Self { multiple_of_ti: limit.multiple_of_ti.map(Konst::new), amount: limit.amount.unwrap_or_default().into() }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct CompiledTrack {
    /// Index into [`CompiledPlan::track_roles`].
    pub slot: usize,
    /// `needs[slot]`: whether the derived metric in that value slot is used by this track
    /// (directly or through another derived metric).
    pub needs: Vec<bool>,
    /// The roster metric columns an exact payout on this track reads: the ones `needs` marks,
    /// and `revenue` (for cost as a share of revenue). The others are not converted.
    pub reads: Vec<usize>,
    pub lines: Vec<CompiledLine>,
    pub multipliers: Vec<CompiledMultiplier>,
    /// A derived metric this track pays on as money without its money column being known: a
    /// row in another currency cannot be paid on it (see [`crate::plan::money`]).
    pub unclear_money: Option<crate::plan::money::Unclear>,
    pub cap: Option<LimitKonst>,
    pub guarantee: Option<LimitKonst>,
}

/// What some of a track's lines read (see [`CompiledPlan::reads_of_lines`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Reads {
    /// By value slot: whether they need it, directly or through derived metrics.
    pub needs: Vec<bool>,
    /// The roster metric columns among those slots.
    pub columns: Vec<usize>,
}

#[derive(Clone, Debug)]
pub(crate) struct DerivedMetric {
    pub name: String,
    pub expr: Expr,
    pub source: String,
    pub vars: Vec<Slot>,
    /// Index in the value table.
    pub slot: usize,
}

/// A plan bound to a roster's columns, ready to evaluate many employees.
#[derive(Clone, Debug)]
pub struct CompiledPlan {
    pub(crate) currency: String,
    pub(crate) minor_units: u32,
    pub(crate) rounding: money::Rounding,
    pub(crate) period: crate::plan::Period,
    pub(crate) fx: HashMap<String, Decimal>,
    /// Roster metric columns that hold money and are converted with fx.
    pub(crate) money_metrics: Vec<usize>,
    pub(crate) roster_metrics: usize,
    pub(crate) derived: Vec<DerivedMetric>,
    pub(crate) tracks: HashMap<String, CompiledTrack>,
    /// Every payout line's id across tracks (plan order, each once), then the two adjustments.
    pub(crate) components: Vec<super::Name>,
    /// The plan's track keys, in plan order (for totals by role).
    pub(crate) track_roles: Vec<String>,
    /// Index of the `revenue` column, for cost as a share of revenue.
    pub(crate) revenue: Option<usize>,
    /// Per employee id, the share `(numerator, denominator)` that replaces days employed ÷ days
    /// in the period (a plan year's phased share of quota and target incentive to date; see
    /// [`CompiledPlan::with_shares`]). `None`: proration by days, as always.
    pub(crate) shares: Option<Arc<Shares>>,
    /// Per employee id, exact factors on the prorated quota and target incentive (a plan year's
    /// year to date when the annual amounts changed during it; see
    /// [`CompiledPlan::with_scales`]). `None`: none.
    pub(crate) scales: Option<Arc<Scales>>,
    /// A plan year computed whole: each pay period with its phased share of the year's quota
    /// and target incentive, so that someone employed part of the year gets the shares of the
    /// periods they were employed in (`Σ share × days employed ÷ days`), as the plan year's
    /// periods add up to, rather than days employed ÷ days of the year. `None` without a
    /// schedule.
    pub(crate) phasing: Option<Arc<[(crate::plan::PayPeriod, Rational)]>>,
    /// The files joined onto the roster ([`Roster::joined`]), named in messages about a
    /// missing value as the places it was looked for.
    pub(crate) joined: Arc<[String]>,
}

/// Per employee id, a share `(numerator, denominator)` of the period's quota and target
/// incentive that replaces days employed ÷ days (see [`CompiledPlan::with_shares`]).
pub type Shares = HashMap<crate::roster::Text, (i64, i64)>;

/// Per employee id, exact factors `(numerator, denominator)` on the prorated quota and target
/// incentive (see [`CompiledPlan::with_scales`]).
pub type Scales = HashMap<crate::roster::Text, Scale>;

/// Exact factors on one person's prorated quota and target incentive: a plan year's year to
/// date when the annual amounts in force changed during it, `Σ amount in force × share ÷
/// (current amount × Σ share)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    /// On the quota.
    pub quota: (i64, i64),
    /// On the target incentive.
    pub target_incentive: (i64, i64),
}

/// Per-person amounts that every line may need, already converted and prorated.
#[derive(Clone, Debug)]
pub struct PersonContext<N> {
    /// Share of the period employed, 0..=1.
    pub proration: N,
    /// Prorated quota in plan currency (`None` when the roster has none).
    pub quota: Option<N>,
    /// Prorated target incentive in plan currency.
    pub target_incentive: Option<N>,
    /// Base salary in plan currency.
    pub base_salary: Option<N>,
}

/// One failure while computing an employee, naming the component where there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineError {
    /// The component id (or `cap`/`guarantee`, or `None` for the employee as a whole).
    pub component: Option<String>,
    /// What went wrong.
    pub message: String,
}

/// The pay periods of `plan`'s schedule with their phased shares, for a plan year computed
/// whole ([`CompiledPlan::employed_days`]); `None` without a schedule (or one that validation
/// refuses).
fn phasing(plan: &Plan) -> Option<Arc<[(crate::plan::PayPeriod, Rational)]>> {
    let schedule = plan.schedule.as_ref()?;
    let periods = schedule.pay_periods(plan.period).ok()?;
    let shares = schedule.shares(periods.len()).ok()?;
    Some(periods.into_iter().zip(shares).collect())
}

/// `Σ share × days employed ÷ days` over the pay periods `e` was employed in any of, as
/// `(numerator, denominator)`; `None` for someone employed in none, or a share too fine for
/// 64-bit parts (proration by days then stands).
fn phased_share(periods: &[(crate::plan::PayPeriod, Rational)], e: &Employee) -> Option<(i64, i64)> {
    let mut sum = Rational::ZERO;
    for (p, share) in periods {
        let (employed, days) = (p.employed_days(e.start_date, e.end_date), p.days());
        if employed > 0 && days > 0 {
            sum = sum.add(&share.mul(&Rational::new(i128::from(employed), i128::from(days))?));
        }
    }
    if sum.is_zero() {
        return None;
    }
    let (n, d) = sum.parts()?;
    Some((i64::try_from(n).ok()?, i64::try_from(d).ok()?))
}

/// A person's value of one of Carrot's own columns a plan may need
/// ([`crate::plan::builtin_problems`]); `None` for any other name.
pub(crate) fn builtin_of<'e>(e: &'e crate::roster::Employee, column: &str) -> Option<&'e rust_decimal::Decimal> {
    match column {
        crate::plan::columns::QUOTA => e.quota.as_ref(),
        crate::plan::columns::TARGET_INCENTIVE => e.target_incentive.as_ref(),
        crate::plan::columns::BASE_SALARY => e.base_salary.as_ref(),
        _ => None,
    }
}

impl CompiledPlan {
    /// The currency's minor-unit digits amounts are rounded to.
    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }

    /// Binds `plan` (which must have no validation errors) to `roster`'s columns. A name a
    /// track with people in the roster reads that is neither a column nor a derived metric is
    /// one of the plan's problems ([`crate::plan::roster_problems`]): everyone on the track
    /// would be in error.
    pub fn new(plan: &Plan, roster: &Roster) -> Result<Self, Vec<Problem>> {
        let mut missing = crate::plan::roster_problems(plan, &roster.metrics, &roster.joined, &|role| {
            roster.employees.iter().any(|e| e.role.eq_ignore_ascii_case(role))
        });
        missing.extend(crate::plan::builtin_problems(plan, &|role, column| {
            let mut people = roster.employees.iter().filter(|e| e.role.eq_ignore_ascii_case(role)).peekable();
            people.peek().is_some() && people.all(|e| builtin_of(e, column).is_none())
        }));
        if !missing.is_empty() {
            return Err(missing);
        }
        Self::new_lenient(plan, roster)
    }

    /// [`CompiledPlan::new`] where a column the plan reads may be missing: those lines are
    /// errors person by person. For the behaviour simulation, which says which outputs the
    /// roster has no column for and simulates the rest.
    pub fn new_lenient(plan: &Plan, roster: &Roster) -> Result<Self, Vec<Problem>> {
        let problems: Vec<Problem> = crate::plan::validate(plan).into_iter().filter(Problem::is_error).collect();
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut compiled = Self::bind(plan, &roster.metrics)?;
        compiled.joined = Arc::from(roster.joined.as_slice());
        Ok(compiled)
    }

    /// Binds a valid plan to metric column names.
    pub(crate) fn bind(plan: &Plan, roster_metrics: &[String]) -> Result<Self, Vec<Problem>> {
        let mut problems = Vec::new();
        let minor_units = money::minor_units(&plan.currency).unwrap_or(2);
        let n_roster = roster_metrics.len();
        let roster_index: HashMap<&str, usize> =
            roster_metrics.iter().enumerate().map(|(i, m)| (m.as_str(), i)).collect();

        // Derived metrics in dependency order (validation has ruled out cycles).
        let mut parsed: Vec<(String, Expr, &str)> = Vec::new();
        for (name, source) in &plan.metrics {
            match Expr::parse(source) {
                Ok(e) => parsed.push((name.clone(), e, source.as_str())),
                Err(e) => problems.push(Problem::error(format!("metrics.{name}"), e.to_string())),
            }
        }
        let order = match derived_order(&parsed) {
            Some(order) => order,
            None => {
                problems.push(Problem::error("metrics", "derived metrics refer to each other in a cycle"));
                Vec::new()
            }
        };
        let derived_index: HashMap<&str, usize> =
            parsed.iter().enumerate().map(|(j, (n, _, _))| (n.as_str(), n_roster + j)).collect();
        let derived_slot = |name: &str| derived_index.get(name).copied();
        let resolve = |name: &str| -> Slot {
            if let Some(s) = derived_slot(name) {
                return Slot::Value(s);
            }
            if let Some(&i) = roster_index.get(name) {
                return Slot::Value(i);
            }
            match name {
                "quota" => Slot::Quota,
                "target_incentive" => Slot::TargetIncentive,
                "base_salary" => Slot::BaseSalary,
                _ => Slot::Unknown(name.to_owned()),
            }
        };
        let derived: Vec<DerivedMetric> = order
            .iter()
            .filter_map(|&i| parsed.get(i).map(|p| (i, p)))
            .map(|(i, (name, expr, source))| DerivedMetric {
                name: name.clone(),
                source: (*source).to_owned(),
                vars: expr.variables().iter().map(|v| resolve(v)).collect(),
                expr: expr.clone(),
                slot: n_roster + i,
            })
            .collect();

        // The columns converted with fx: the plan's money (see `plan::money`), as read.
        let money = crate::plan::money::money_columns(plan);
        let mut money_metrics: Vec<usize> =
            money.columns.iter().filter_map(|name| roster_index.get(name.as_str()).copied()).collect();
        money_metrics.sort_unstable();
        let mut tracks = HashMap::default();
        let mut components: Vec<super::Name> = Vec::new();
        let mut track_roles: Vec<String> = Vec::new();
        for (role, track) in &plan.tracks {
            let track_slot = track_roles.len();
            track_roles.push(role.clone());
            let mut lines = Vec::new();
            for c in &track.components {
                let (rule, kind, cap) = match c {
                    Component::Commission(com) => {
                        let mut tiers = Vec::with_capacity(com.tiers.len());
                        let mut cumulative = Decimal::ZERO;
                        for (k, t) in com.tiers.iter().enumerate() {
                            tiers.push((t.from.into(), t.rate.into(), cumulative.into()));
                            if let Some(next) = com.tiers.get(k + 1) {
                                let width = next.from - t.from;
                                cumulative = width
                                    .checked_mul(t.rate)
                                    .and_then(|w| cumulative.checked_add(w))
                                    .unwrap_or(Decimal::MAX);
                            }
                        }
                        let rule = LineRule::Commission(CommissionLine {
                            metric: resolve(&com.metric),
                            basis: com.basis,
                            method: com.method,
                            tiers,
                            threshold: com.threshold.map(Konst::new),
                        });
                        (rule, LineKind::Commission, com.cap)
                    }
                    Component::Bonus(b) => {
                        let target = match &b.target {
                            Target::Quota => TargetSlot::Quota,
                            Target::Value(v) => TargetSlot::Value((*v).into()),
                            Target::Column(col) => TargetSlot::Slot(resolve(col), col.clone()),
                        };
                        let rule = LineRule::Bonus(BonusLine {
                            metric: resolve(&b.metric),
                            target,
                            base: match b.base {
                                BonusBase::TiShare(share) => BaseKonst::TiShare(share.into()),
                                BonusBase::Amount(a) => BaseKonst::Amount(a.into()),
                            },
                            curve: curve_points(&b.curve),
                        });
                        (rule, LineKind::Bonus, b.cap)
                    }
                    Component::PerUnit(u) => {
                        let rule = LineRule::PerUnit(PerUnitLine {
                            metric: resolve(&u.metric),
                            amount: u.amount.into(),
                            min_units: u.min_units.map(Konst::new),
                            max_units: u.max_units.map(Konst::new),
                        });
                        (rule, LineKind::PerUnit, u.cap)
                    }
                    Component::Multiplier(_) => continue,
                };
                let slot = components.iter().position(|x| &**x == c.id()).unwrap_or_else(|| {
                    components.push(super::Name::new(c.id()));
                    components.len() - 1
                });
                let id = components.get(slot).copied().unwrap_or_else(|| super::Name::new(c.id()));
                let label = super::Name::new(c.label());
                lines.push(CompiledLine {
                    id,
                    names: super::LineNames::new(id, label),
                    slot,
                    metric_name: c.metric().to_owned(),
                    kind,
                    rule,
                    cap: cap.map(Konst::new),
                });
            }
            let multipliers = track
                .components
                .iter()
                .filter_map(|c| match c {
                    Component::Multiplier(m) => Some(CompiledMultiplier {
                        id: m.id.clone(),
                        metric: resolve(&m.metric),
                        metric_name: m.metric.clone(),
                        steps: m.steps.iter().map(|s| (s.from.into(), s.factor.into())).collect(),
                        targets: m.applies_to.iter().filter_map(|t| lines.iter().position(|l| *l.id == **t)).collect(),
                    }),
                    _ => None,
                })
                .collect::<Vec<CompiledMultiplier>>();
            let needs = needed_derived(&lines, &multipliers, &derived, n_roster + parsed.len());
            let revenue = roster_index.get("revenue").copied();
            let reads =
                (0..n_roster).filter(|&i| needs.get(i).copied().unwrap_or(false) || Some(i) == revenue).collect();
            // Roles are matched ignoring case (the importer lowercases them).
            tracks.insert(
                role.to_lowercase(),
                CompiledTrack {
                    slot: track_slot,
                    needs,
                    reads,
                    lines,
                    multipliers,
                    unclear_money: money.unclear_for(role).next().cloned(),
                    cap: track.cap.as_ref().or(plan.cap.as_ref()).map(LimitKonst::from),
                    guarantee: track.guarantee.as_ref().or(plan.guarantee.as_ref()).map(LimitKonst::from),
                },
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Self {
            currency: plan.currency.clone(),
            minor_units,
            rounding: plan.rounding,
            period: plan.period,
            fx: plan.fx.iter().map(|(k, v)| (k.clone(), v.0)).collect(),
            money_metrics,
            roster_metrics: n_roster,
            derived,
            tracks,
            revenue: roster_index.get("revenue").copied(),
            components: components
                .into_iter()
                .chain([LineKind::CapAdjustment, LineKind::GuaranteeAdjustment].map(|k| super::Name::fixed(k.as_str())))
                .collect(),
            track_roles,
            shares: None,
            scales: None,
            phasing: phasing(plan),
            joined: Arc::from(Vec::new()),
        })
    }

    /// This plan with each listed person's proration (of quota, target incentive and amount
    /// limits) replaced by the given share `numerator / denominator` (at most 1): how a plan
    /// year computes a pay period, or the year to date, with phased quotas (`crate::year`).
    pub fn with_shares(mut self, shares: Shares) -> Self {
        self.shares = Some(Arc::new(shares));
        self
    }

    /// This plan with each listed person's prorated quota and target incentive multiplied by
    /// the given exact factors: how a plan year computes the year to date when the annual quota
    /// or target incentive changed during it (each period counts at the amount in force in it).
    /// Amount limits and the share employed are not scaled.
    pub fn with_scales(mut self, scales: Scales) -> Self {
        self.scales = Some(Arc::new(scales));
        self
    }

    /// The factors on `e`'s prorated quota and target incentive, when given.
    pub(crate) fn scale(&self, e: &Employee) -> Option<Scale> {
        self.scales.as_ref().and_then(|s| s.get(&e.id)).copied()
    }

    /// The metric a payout line (by component id) reads, from the first track that has it.
    pub fn line_metric(&self, component: &str) -> Option<&str> {
        let mut roles: Vec<&String> = self.tracks.keys().collect();
        roles.sort();
        roles
            .into_iter()
            .filter_map(|r| self.tracks.get(r))
            .flat_map(|t| &t.lines)
            .find(|l| &*l.id == component)
            .map(|l| l.metric_name.as_str())
    }

    /// The track for a role (matched as [`crate::plan::role_matches`] says: keys are lowercased).
    pub(crate) fn track(&self, role: &str) -> Option<&CompiledTrack> {
        // A plan has a few tracks: comparing their keys is cheaper than hashing the role, once
        // per person.
        self.tracks
            .iter()
            .find_map(|(key, track)| (key == role).then_some(track))
            .or_else(|| self.tracks.get(&role.to_lowercase()))
    }

    /// Whether roster metric `slot` holds money that this plan converts with its `fx` table
    /// (the behaviour simulation writes its predicted outputs in the same units).
    pub(crate) fn is_money_metric(&self, slot: usize) -> bool {
        self.money_metrics.contains(&slot)
    }

    /// For each value slot, whether the pay of `role`'s track depends on it, directly or through
    /// derived metrics (`None` when the role has no track). The behaviour simulation skips the
    /// activities a plan does not pay for.
    pub(crate) fn reads(&self, role: &str) -> Option<&[bool]> {
        self.track(role).map(|t| t.needs.as_slice())
    }

    /// The value slot of the roster's `revenue` column, if it has one.
    pub(crate) fn revenue_slot(&self) -> Option<usize> {
        self.revenue
    }

    /// The number of entries in a value table: roster metrics, then derived metrics.
    pub fn value_count(&self) -> usize {
        self.roster_metrics + self.derived.len()
    }

    /// Days `e` was employed inside the period, and the period's days (both ends inclusive); for
    /// a share given by a plan year (see [`CompiledPlan::with_shares`], and a plan year computed
    /// whole for someone employed part of it), that share as a fraction.
    pub fn employed_days(&self, e: &Employee) -> (i64, i64) {
        self.employed_share(e).0
    }

    /// [`CompiledPlan::employed_days`], and whether it is a share of phased pay periods rather
    /// than days.
    pub(crate) fn employed_share(&self, e: &Employee) -> ((i64, i64), bool) {
        if let Some(share) = self.shares.as_ref().and_then(|s| s.get(&e.id)) {
            return (*share, true);
        }
        let days = self.period.days();
        let start = e.start_date.map_or(self.period.start, |s| s.max(self.period.start));
        let end = e.end_date.map_or(self.period.end, |x| x.min(self.period.end));
        let employed = ((end - start).num_days() + 1).clamp(0, days.max(0));
        if employed > 0
            && employed < days
            && let Some(share) = self.phasing.as_deref().and_then(|periods| phased_share(periods, e))
        {
            return (share, true);
        }
        ((employed, days), false)
    }

    /// Share of the period `e` was employed, as a decimal for display and the simulation (cut
    /// at 28 digits when it repeats; the payout engine uses the exact [`Rational`] share).
    pub fn proration(&self, e: &Employee) -> Decimal {
        let (employed, days) = self.employed_days(e);
        if days <= 0 || employed <= 0 {
            return Decimal::ZERO;
        }
        if employed >= days {
            return Decimal::ONE;
        }
        Decimal::from(employed) / Decimal::from(days)
    }

    /// `e`'s row with its money in the plan's currency, as a payout converts it: quota, target
    /// incentive, base salary and the money metrics times the plan's fx rate for the row's
    /// currency, and the row then in the plan's currency. `None` when the plan has no rate for
    /// it (the payout is then an error too). For comparing people across currencies (the
    /// charts' typical person); amounts paid are converted exactly by the engine itself.
    pub fn in_plan_currency(&self, e: &Employee) -> Option<Employee> {
        let rate = self.fx_rate(e).ok()?;
        let mut row = e.clone();
        if rate == Decimal::ONE {
            return Some(row);
        }
        let convert = |v: Option<Decimal>| v.map(|v| v.checked_mul(rate)).map_or(Some(None), |v| v.map(Some));
        row.quota = convert(e.quota)?;
        row.target_incentive = convert(e.target_incentive)?;
        row.base_salary = convert(e.base_salary)?;
        for &i in &self.money_metrics {
            if let Some(slot) = row.metrics.get_mut(i) {
                *slot = convert(*slot)?;
            }
        }
        row.currency = Some(self.currency.clone());
        row.currency_symbol = None;
        Some(row)
    }

    /// The fx rate for an employee's currency (1 for the plan currency).
    pub(crate) fn fx_rate(&self, e: &Employee) -> Result<Decimal, LineError> {
        let currency =
            e.currency_for(&self.currency).map_err(|c| LineError { component: None, message: c.to_string() });
        match currency? {
            None => Ok(Decimal::ONE),
            Some(c) if *c == self.currency => Ok(Decimal::ONE),
            Some(c) => self.fx.get(c).copied().ok_or_else(|| LineError {
                component: None,
                message: format!(
                    "the roster row is in {c} but the plan has no fx rate for {c}; add \"fx\": {{\"{c}\": <{} per {c}>}}",
                    self.currency
                ),
            }),
        }
    }

    /// Builds the person context and the value table (converted roster metrics, then derived
    /// metrics) for `e`, in `N`. Every roster metric is converted (the behaviour simulation
    /// reads the ones the plan does not pay on); [`CompiledPlan::prepare_reads`] converts only
    /// the ones the track reads.
    pub(crate) fn prepare<N: Num>(
        &self,
        e: &Employee,
        track: &CompiledTrack,
        values: &mut Vec<Option<N>>,
    ) -> Result<PersonContext<N>, Vec<LineError>> {
        self.money_known(e, track)?;
        self.prepare_some(e, values, 0..self.roster_metrics, &track.needs)
    }

    /// An error for a row in another currency on a track that pays on money it cannot convert
    /// (a product none of whose columns is known to be money).
    fn money_known(&self, e: &Employee, track: &CompiledTrack) -> Result<(), Vec<LineError>> {
        let Some(unclear) = &track.unclear_money else { return Ok(()) };
        if self.fx_rate(e).map_err(|err| vec![err])? == Decimal::ONE {
            return Ok(());
        }
        let currency = e.currency_for(&self.currency).ok().flatten().map_or(String::new(), |c| c.to_string());
        Err(vec![LineError { component: None, message: unclear.message(&currency) }])
    }

    /// [`CompiledPlan::prepare`] for an exact payout: only the roster metrics in `track.reads`
    /// are converted; the other roster slots stay empty.
    pub(crate) fn prepare_reads<N: Num>(
        &self,
        e: &Employee,
        track: &CompiledTrack,
        values: &mut Vec<Option<N>>,
    ) -> Result<PersonContext<N>, Vec<LineError>> {
        self.money_known(e, track)?;
        self.prepare_some(e, values, track.reads.iter().copied(), &track.needs)
    }

    /// [`CompiledPlan::prepare_reads`] for some of the track's lines (`reads`, see
    /// [`CompiledPlan::reads_of_lines`]): only what they read is converted or derived; a line
    /// outside them finds its values missing.
    pub(crate) fn prepare_subset<N: Num>(
        &self,
        e: &Employee,
        values: &mut Vec<Option<N>>,
        reads: &Reads,
    ) -> Result<PersonContext<N>, Vec<LineError>> {
        self.prepare_some(e, values, reads.columns.iter().copied(), &reads.needs)
    }

    /// What `track`'s lines marked in `lines` and the multipliers of any of them read: which
    /// value slots they need (directly or through derived metrics), and of those the roster
    /// columns.
    pub(crate) fn reads_of_lines(&self, track: &CompiledTrack, lines: &[bool]) -> Reads {
        let wanted = |i: usize| lines.get(i).copied().unwrap_or(true);
        let chosen = track.lines.iter().enumerate().filter(|(i, _)| wanted(*i)).map(|(_, l)| l);
        let multipliers = track.multipliers.iter().filter(|m| m.targets.iter().any(|&t| wanted(t)));
        let needs = needed_derived(chosen, multipliers, &self.derived, self.value_count());
        let columns = (0..self.roster_metrics).filter(|&i| needs.get(i).copied().unwrap_or(false)).collect();
        Reads { needs, columns }
    }

    fn prepare_some<N: Num>(
        &self,
        e: &Employee,
        values: &mut Vec<Option<N>>,
        metrics: impl Iterator<Item = usize>,
        needs: &[bool],
    ) -> Result<PersonContext<N>, Vec<LineError>> {
        let rate = self.fx_rate(e).map_err(|err| vec![err])?;
        let (employed, days) = self.employed_days(e);
        let whole = |msg: String| vec![LineError { component: None, message: msg }];
        let too_large = |what: &str| whole(format!("{what} is too large to convert to {}", self.currency));
        let scale = self.scale(e);
        let prorate = |v: Decimal, what: &str, factor: Option<(i64, i64)>| {
            let v = N::convert(v, rate, Some((employed, days)));
            match factor {
                Some((n, d)) if n != d => v.and_then(|v| v.mul(&N::from_dec(n.into()))?.div(&N::from_dec(d.into()))),
                _ => v,
            }
            .map_err(|_| too_large(what))
        };
        let ctx = PersonContext {
            proration: N::days_share(employed, days),
            quota: e.quota.map(|q| prorate(q, "quota", scale.map(|s| s.quota))).transpose()?,
            target_incentive: e
                .target_incentive
                .map(|t| prorate(t, "target_incentive", scale.map(|s| s.target_incentive)))
                .transpose()?,
            base_salary: e
                .base_salary
                .map(|b| N::convert(b, rate, None).map_err(|_| too_large("base_salary")))
                .transpose()?,
        };
        values.clear();
        values.resize(self.value_count(), None);
        for i in metrics {
            let (Some(v), Some(slot)) = (e.metric(i), values.get_mut(i)) else { continue };
            *slot = Some(if self.money_metrics.contains(&i) && rate != Decimal::ONE {
                N::convert(v, rate, None).map_err(|_| too_large("a money metric"))?
            } else {
                N::from_dec(v)
            });
        }
        self.fill_needed(&ctx, needs, values).map_err(|e| vec![e])?;
        Ok(ctx)
    }

    /// (Re)computes the derived metrics in `values` from the roster metrics in it.
    /// Only the derived metrics `track` uses are evaluated, so a metric built from consultant
    /// columns never fails for a sales person.
    pub(crate) fn fill_derived<N: Num>(
        &self,
        ctx: &PersonContext<N>,
        track: &CompiledTrack,
        values: &mut [Option<N>],
    ) -> Result<(), LineError> {
        self.fill_needed(ctx, &track.needs, values)
    }

    /// [`CompiledPlan::fill_derived`] for the derived metrics `needs` marks.
    fn fill_needed<N: Num>(
        &self,
        ctx: &PersonContext<N>,
        needs: &[bool],
        values: &mut [Option<N>],
    ) -> Result<(), LineError> {
        for d in &self.derived {
            if !needs.get(d.slot).copied().unwrap_or(false) {
                continue;
            }
            let result = {
                let vals: &[Option<N>] = values;
                d.expr.eval(&mut |i| {
                    let name = d.expr.variables().get(i).map_or("?", String::as_str);
                    let slot = d.vars.get(i).ok_or_else(|| EvalError::Unknown(name.to_owned()))?;
                    lookup(slot, ctx, vals).map_err(|missing| EvalError::Missing(missing.describe(name, &self.joined)))
                })
            };
            let v = result.map_err(|err| LineError {
                component: None,
                message: format!("derived metric `{}` = `{}`: {err}", d.name, d.source),
            })?;
            if let Some(cell) = values.get_mut(d.slot) {
                *cell = Some(v);
            }
        }
        Ok(())
    }
}

/// The order to evaluate derived metrics in (indices into `parsed`), every metric after the ones
/// it reads; `None` when they refer to each other in a cycle.
///
/// The order is that of passes over the file: each pass takes, in file order, every metric whose
/// inputs are already placed (earlier in the same pass included). Computed directly (linear in
/// the number of references, plus a sort), rather than pass by pass, which takes quadratic time
/// on a long chain written last-first.
fn derived_order(parsed: &[(String, Expr, &str)]) -> Option<Vec<usize>> {
    let n = parsed.len();
    let index: HashMap<&str, usize> = parsed.iter().enumerate().map(|(i, (name, _, _))| (name.as_str(), i)).collect();
    let deps: Vec<Vec<usize>> = parsed
        .iter()
        .map(|(_, e, _)| e.variables().iter().filter_map(|v| index.get(v.as_str()).copied()).collect())
        .collect();
    let mut readers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, ds) in deps.iter().enumerate() {
        for &j in ds {
            readers.get_mut(j)?.push(i);
        }
    }
    // Kahn's algorithm: a topological order, or a cycle when some metric is never ready.
    let mut inputs: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut ready: Vec<usize> = (0..n).filter(|&i| inputs.get(i) == Some(&0)).collect();
    let mut topological = Vec::with_capacity(n);
    while let Some(j) = ready.pop() {
        topological.push(j);
        for &i in readers.get(j)? {
            let c = inputs.get_mut(i)?;
            *c -= 1;
            if *c == 0 {
                ready.push(i);
            }
        }
    }
    if topological.len() < n {
        return None;
    }
    // The pass a metric is placed in: after each input's pass, or the one after it when the
    // input comes later in the file (a pass visits the file in order).
    let mut pass = vec![0usize; n];
    for &i in &topological {
        let p = deps.get(i)?.iter().map(|&j| pass.get(j).map_or(0, |p| p + usize::from(j > i))).max().unwrap_or(0);
        *pass.get_mut(i)? = p;
    }
    topological.sort_by_key(|&i| (pass.get(i).copied().unwrap_or(0), i));
    Some(topological)
}

/// Which value slots hold derived metrics the track uses, directly or through other derived
/// metrics.
fn needed_derived<'a>(
    lines: impl IntoIterator<Item = &'a CompiledLine>,
    multipliers: impl IntoIterator<Item = &'a CompiledMultiplier>,
    derived: &[DerivedMetric],
    slots: usize,
) -> Vec<bool> {
    let mut needs = vec![false; slots];
    let mark = |slot: &Slot, needs: &mut Vec<bool>| {
        if let Slot::Value(i) = slot
            && let Some(n) = needs.get_mut(*i)
        {
            *n = true;
        }
    };
    for line in lines {
        match &line.rule {
            LineRule::Commission(c) => mark(&c.metric, &mut needs),
            LineRule::Bonus(b) => {
                mark(&b.metric, &mut needs);
                if let TargetSlot::Slot(slot, _) = &b.target {
                    mark(slot, &mut needs);
                }
            }
            LineRule::PerUnit(u) => mark(&u.metric, &mut needs),
        }
    }
    for m in multipliers {
        mark(&m.metric, &mut needs);
    }
    // `derived` is in dependency order, so walking it backwards reaches every input.
    for d in derived.iter().rev() {
        if needs.get(d.slot).copied().unwrap_or(false) {
            for v in &d.vars {
                mark(v, &mut needs);
            }
        }
    }
    needs
}

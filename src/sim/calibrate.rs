//! Reading the roster once: each person's capacity, history hours per activity, productivity per
//! output and noise, with every value that came from a default recorded.
//!
//! Productivity is kept in the roster's own units (a GBP person's revenue per hour in GBP) and
//! converted to each plan's currency with that plan's `fx` when the plan is evaluated, exactly
//! as the payout engine converts roster money.

use std::collections::BTreeMap;

use crate::engine::{CompiledPlan, PayoutReport, Shares};
use crate::plan::Plan;
use crate::roster::{Employee, Roster};

use super::{DefaultUse, SimError, Skipped, ValueSource};
use crate::plan::assumptions::{OTHER_ACTIVITY, RoleModel, dec_f64};

/// Noise spreads are kept within this range (log standard deviation).
pub(crate) const NOISE_MIN: f64 = 0.05;
/// Upper bound of a noise spread.
pub(crate) const NOISE_MAX: f64 = 1.5;
/// Weight of the role's default spread when pooling it with a person's history, in periods.
const NOISE_PRIOR_PERIODS: f64 = 2.0;

/// One modelled role: its activities (the last is `other`) and where their data lives.
#[derive(Clone, Debug)]
pub(crate) struct RoleSetup {
    /// The role as in the roster (lowercase).
    pub name: String,
    /// Activity names; the last is [`OTHER_ACTIVITY`].
    pub activities: Vec<String>,
    /// Roster metric index of each activity's hours column (`None`: no column; always `None`
    /// for `other`).
    pub hours_slot: Vec<Option<usize>>,
    /// Every output, in model order.
    pub outputs: Vec<OutputSetup>,
    /// Responsiveness ε from the baseline plan.
    pub epsilon: f64,
    /// Risk aversion γ from the baseline plan.
    pub risk_aversion: f64,
    /// The median target incentive per hour of the role's people (baseline currency): the pay
    /// an hour is judged against for someone with no target incentive and no expected pay.
    pub pay_per_hour: f64,
}

/// One output of a role's activity.
#[derive(Clone, Debug)]
pub(crate) struct OutputSetup {
    /// Index of the activity in [`RoleSetup::activities`].
    pub activity: usize,
    /// The metric name.
    pub metric: String,
    /// Its roster metric index (`None`: the roster has no such column, so it is not modelled).
    pub slot: Option<usize>,
}

/// One modelled person.
#[derive(Clone, Debug)]
pub(crate) struct Person {
    /// Index in the roster.
    pub index: usize,
    /// Index in [`Calibration::roles`].
    pub role: usize,
    /// Hours in the period, `T`.
    pub capacity: f64,
    /// History hours per activity (`other` last); they sum to `capacity`.
    pub hours: Vec<f64>,
    /// Output per hour for each of the role's outputs, in roster units.
    pub per_hour: Vec<f64>,
    /// Noise spread (log standard deviation) per activity (`other`: 0), before any scaling.
    pub noise: Vec<f64>,
}

/// The part of a simulation that depends only on the baseline plan and the roster: read once,
/// reused for every run (every slider move in the app).
#[derive(Clone, Debug)]
pub struct Calibration {
    pub(crate) roster: Roster,
    pub(crate) baseline: Plan,
    pub(crate) compiled: CompiledPlan,
    /// The baseline's shares of quota and TI (a pay period of a plan year), if any.
    pub(crate) baseline_shares: Option<Shares>,
    /// The baseline's exact payouts at history when they are not the plan's own on the roster.
    pub(crate) baseline_exact: Option<PayoutReport>,
    pub(crate) roles: Vec<RoleSetup>,
    pub(crate) people: Vec<Person>,
    /// Roster indices of people whose role has no activity model, or who are not employed in the
    /// baseline plan's period: paid on their history.
    pub(crate) static_people: Vec<usize>,
    pub(crate) skipped: Vec<Skipped>,
    pub(crate) defaults: Vec<DefaultUse>,
    pub(crate) notes: Vec<String>,
    pub(crate) min_flexible_hours: f64,
    pub(crate) other_flexibility: f64,
}

impl Calibration {
    /// The baseline plan's name.
    pub fn baseline_name(&self) -> &str {
        &self.baseline.name
    }

    /// The modelled roles, in roster order, with their activity names (`other` last).
    pub fn roles(&self) -> Vec<(String, Vec<String>)> {
        self.roles.iter().map(|r| (r.name.clone(), r.activities.clone())).collect()
    }

    /// How many people are modelled.
    pub fn people(&self) -> usize {
        self.people.len()
    }

    /// The roster the calibration was read from.
    pub fn roster(&self) -> &Roster {
        &self.roster
    }

    /// The baseline plan.
    pub fn baseline(&self) -> &Plan {
        &self.baseline
    }
}

/// A metric's value for a person as `f64` (`None` when the column is absent for them).
pub(crate) fn metric(e: &Employee, slot: Option<usize>) -> Option<f64> {
    slot.and_then(|i| e.metric(i)).map(dec_f64).filter(|v| v.is_finite())
}

/// Units of `compiled`'s currency per roster unit of `slot` for `e` (the fx rate for money
/// metrics, 1 otherwise); `None` when the plan has no rate for the person's currency.
pub(crate) fn unit_factor(compiled: &CompiledPlan, e: &Employee, slot: usize) -> Option<f64> {
    if !compiled.is_money_metric(slot) {
        return Some(1.0);
    }
    compiled.fx_rate(e).ok().map(dec_f64)
}

/// Tallies of values that came from somewhere other than the person's own history.
#[derive(Default)]
struct Tally {
    /// (role, item, source) → (people, value).
    uses: BTreeMap<(usize, String, u8), (usize, f64)>,
}

impl Tally {
    fn add(&mut self, role: usize, item: String, source: ValueSource, value: f64) {
        let key = (role, item, source as u8);
        // The largest value used (the same for everyone but for clamped values), so that the
        // tally does not depend on the roster's row order.
        let entry = self.uses.entry(key).or_insert((0, value));
        entry.0 += 1;
        entry.1 = entry.1.max(value);
    }
}

/// Reads the roster for a simulation against `baseline` (see [`super::prepare`]).
pub(crate) fn calibrate(paid: super::Paid<'_>, roster: &Roster) -> Result<Calibration, SimError> {
    let baseline = paid.plan;
    let compiled = CompiledPlan::new_lenient(baseline, roster)
        .map_err(|problems| SimError::InvalidPlan { plan: baseline.name.clone(), problems })?;
    let compiled = match paid.shares {
        Some(shares) => compiled.with_shares(shares.clone()),
        None => compiled,
    };
    let assumptions = &baseline.assumptions;
    let min_flexible_hours = assumptions.min_flexible_hours();
    let other_flexibility = assumptions.other_flexibility();
    let mut notes = Vec::new();
    let mut roles: Vec<RoleSetup> = Vec::new();
    let mut models: Vec<RoleModel> = Vec::new();
    let mut role_of: Vec<Option<usize>> = Vec::with_capacity(roster.employees.len());
    for role in roster.roles() {
        let Some(model) = assumptions.role_model(role) else {
            continue;
        };
        let mut activities: Vec<String> = model.activities.iter().map(|a| a.name.clone()).collect();
        activities.push(OTHER_ACTIVITY.to_owned());
        let mut hours_slot: Vec<Option<usize>> =
            model.activities.iter().map(|a| a.hours.as_deref().and_then(|h| roster.metric_index(h))).collect();
        hours_slot.push(None);
        let mut outputs = Vec::new();
        for (i, a) in model.activities.iter().enumerate() {
            for o in &a.outputs {
                let slot = roster.metric_index(&o.metric);
                if slot.is_none() {
                    notes.push(format!(
                        "{role}: the roster has no `{}` column, so the {} activity's {} output is not simulated",
                        o.metric, a.name, o.metric
                    ));
                }
                outputs.push(OutputSetup { activity: i, metric: o.metric.clone(), slot });
            }
        }
        roles.push(RoleSetup {
            name: role.to_owned(),
            activities,
            hours_slot,
            outputs,
            epsilon: assumptions.responsiveness_for(role),
            risk_aversion: assumptions.risk_aversion_for(role),
            pay_per_hour: 0.0,
        });
        models.push(model);
    }
    for e in &roster.employees {
        role_of.push(roles.iter().position(|r| *r.name == *e.role));
    }

    let mut skipped = Vec::new();
    let mut static_people = Vec::new();
    let mut tally = Tally::default();
    // First pass: capacity and hours; people who cannot be modelled are set aside.
    struct Draft {
        index: usize,
        role: usize,
        capacity: f64,
        hours: Vec<f64>,
        base_factor: Vec<f64>,
    }
    let mut drafts: Vec<Draft> = Vec::new();
    for (index, e) in roster.employees.iter().enumerate() {
        let Some(role) = role_of.get(index).copied().flatten() else {
            static_people.push(index);
            continue;
        };
        let (Some(setup), Some(model)) = (roles.get(role), models.get(role)) else { continue };
        if compiled.proration(e).is_zero() {
            // Nothing to choose in a period they do not work: paid on history (0 under the
            // baseline), and counted, as `carrot payouts` counts them.
            static_people.push(index);
            continue;
        }
        // Units of baseline currency per roster unit, per output.
        let mut base_factor = Vec::with_capacity(setup.outputs.len());
        let mut no_rate = false;
        for o in &setup.outputs {
            match o.slot.map(|s| unit_factor(&compiled, e, s)) {
                Some(Some(f)) => base_factor.push(f),
                Some(None) => no_rate = true,
                None => base_factor.push(1.0),
            }
        }
        if no_rate {
            let currency = e.currency.as_deref().unwrap_or("?");
            skipped.push(Skipped::new(e, index, &format!("the baseline plan has no fx rate for {currency}")));
            continue;
        }
        let column = model.capacity_column();
        let mut capacity = match metric(e, roster.metric_index(column)) {
            Some(c) if c > 0.0 => c,
            _ => {
                let c = model.default_capacity();
                tally.add(role, "capacity hours".to_owned(), ValueSource::RoleDefault, c);
                c
            }
        };
        let mut hours = Vec::with_capacity(setup.activities.len());
        for (a, activity) in model.activities.iter().enumerate() {
            let slot = setup.hours_slot.get(a).copied().flatten();
            let h = match metric(e, slot) {
                Some(h) if h >= 0.0 => h,
                Some(_) => {
                    tally.add(
                        role,
                        format!("{} hours (negative, read as 0)", activity.name),
                        ValueSource::Clamped,
                        0.0,
                    );
                    0.0
                }
                None => {
                    let h = activity.default_share().clamp(0.0, 1.0) * capacity;
                    tally.add(
                        role,
                        format!("{} hours (share of capacity)", activity.name),
                        ValueSource::RoleDefault,
                        activity.default_share(),
                    );
                    h
                }
            };
            hours.push(h);
        }
        let recorded: f64 = hours.iter().sum();
        if recorded > capacity {
            tally.add(role, "capacity raised to the hours recorded".to_owned(), ValueSource::Clamped, recorded);
            capacity = recorded;
        }
        if !(capacity.is_finite() && capacity > 0.0) {
            skipped.push(Skipped::new(e, index, "has no working hours (capacity 0)"));
            continue;
        }
        hours.push((capacity - recorded).max(0.0));
        drafts.push(Draft { index, role, capacity, hours, base_factor });
    }

    // The role's median target incentive per hour (prorated, in baseline currency).
    let mut ti_per_hour: Vec<Vec<f64>> = vec![Vec::new(); roles.len()];
    for d in &drafts {
        let (Some(e), Some(list)) = (roster.employees.get(d.index), ti_per_hour.get_mut(d.role)) else { continue };
        let (Some(ti), Ok(rate)) = (e.target_incentive, compiled.fx_rate(e)) else { continue };
        let v = dec_f64(ti) * dec_f64(rate) * dec_f64(compiled.proration(e)) / d.capacity;
        if v.is_finite() && v > 0.0 {
            list.push(v);
        }
    }
    for (setup, mut list) in roles.iter_mut().zip(ti_per_hour) {
        list.sort_by(f64::total_cmp);
        setup.pay_per_hour = match list.len() {
            0 => 1.0,
            n if n % 2 == 1 => list[n / 2],
            n => 0.5 * (list[n / 2 - 1] + list[n / 2]),
        };
    }

    // The role's average output per hour, in baseline currency, from everyone with history.
    let mut pooled: Vec<Vec<(f64, f64)>> = roles.iter().map(|r| vec![(0.0, 0.0); r.outputs.len()]).collect();
    // Added up in employee-id order, so that row order does not change a bit of the result.
    let mut by_id: Vec<&Draft> = drafts.iter().collect();
    by_id.sort_by(|a, b| {
        let id = |d: &Draft| roster.employees.get(d.index).map(|e| &*e.id);
        (id(a), a.index).cmp(&(id(b), b.index))
    });
    for d in by_id {
        let (Some(setup), Some(e), Some(sums)) =
            (roles.get(d.role), roster.employees.get(d.index), pooled.get_mut(d.role))
        else {
            continue;
        };
        for (k, o) in setup.outputs.iter().enumerate() {
            let h = d.hours.get(o.activity).copied().unwrap_or(0.0);
            // Everyone with hours and the column counts, zeros included.
            if let (Some(y), Some(sum)) = (metric(e, o.slot), sums.get_mut(k))
                && h > 0.0
                && y >= 0.0
            {
                let f = d.base_factor.get(k).copied().unwrap_or(1.0);
                sum.0 += y * f;
                sum.1 += h;
            }
        }
    }

    // People whose recorded output is negative (deals cancelled in the period): no rate of their
    // own, so the role's stands in, and the simulation expects of them what others produce. Said
    // by name, per role and output. (A count of 0 is common and pooled without a word.)
    let mut stand_ins: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut people = Vec::with_capacity(drafts.len());
    for d in drafts {
        let (Some(setup), Some(model), Some(e)) =
            (roles.get(d.role), models.get(d.role), roster.employees.get(d.index))
        else {
            continue;
        };
        let mut per_hour = Vec::with_capacity(setup.outputs.len());
        for (k, o) in setup.outputs.iter().enumerate() {
            let h = d.hours.get(o.activity).copied().unwrap_or(0.0);
            let factor = d.base_factor.get(k).copied().unwrap_or(1.0);
            let own = metric(e, o.slot).filter(|&y| h > 0.0 && y > 0.0).map(|y| y / h);
            let a = match own {
                Some(a) => a,
                None => {
                    if let Some(y) =
                        o.slot.and_then(|i| e.metric(i)).filter(|y| h > 0.0 && y.is_sign_negative() && !y.is_zero())
                    {
                        let who = format!("{} {}: {}", e.id, e.name, crate::money::grouped(y, y.scale()));
                        match stand_ins.iter_mut().find(|(r, out, _)| (*r, *out) == (d.role, k)) {
                            Some((_, _, names)) => names.push(who),
                            None => stand_ins.push((d.role, k, vec![who])),
                        }
                    }
                    let (sum_y, sum_h) = pooled.get(d.role).and_then(|p| p.get(k)).copied().unwrap_or((0.0, 0.0));
                    let activity = model.activities.get(o.activity).map_or("?", |a| a.name.as_str());
                    let item = format!("{activity} → {} per hour", o.metric);
                    if sum_h > 0.0 {
                        tally.add(d.role, item, ValueSource::RosterAverage, sum_y / sum_h);
                        sum_y / sum_h / factor
                    } else {
                        let default = model
                            .activities
                            .get(o.activity)
                            .and_then(|a| a.outputs.iter().find(|x| x.metric == o.metric))
                            .map_or(0.0, |x| dec_f64(x.default_per_hour));
                        tally.add(d.role, item, ValueSource::RoleDefault, default);
                        default / factor
                    }
                }
            };
            per_hour.push(if a.is_finite() { a.max(0.0) } else { 0.0 });
        }
        let mut noise = Vec::with_capacity(setup.activities.len());
        for activity in &model.activities {
            let default = activity.default_noise().clamp(0.0, NOISE_MAX);
            let history: Vec<f64> = activity
                .noise_history
                .iter()
                .filter_map(|c| metric(e, roster.metric_index(c)))
                .filter(|v| *v > 0.0)
                .map(super::mathx::ln)
                .collect();
            let sigma = if history.len() >= 2 {
                let n = history.len() as f64;
                let mean = history.iter().sum::<f64>() / n;
                let ss: f64 = history.iter().map(|x| (x - mean) * (x - mean)).sum();
                // Pooled with the default as if NOISE_PRIOR_PERIODS more periods had been seen.
                ((ss + NOISE_PRIOR_PERIODS * default * default) / (n - 1.0 + NOISE_PRIOR_PERIODS)).sqrt()
            } else {
                tally.add(d.role, format!("{} noise", activity.name), ValueSource::RoleDefault, default);
                default
            };
            noise.push(sigma.clamp(NOISE_MIN, NOISE_MAX));
        }
        noise.push(0.0);
        people.push(Person { index: d.index, role: d.role, capacity: d.capacity, hours: d.hours, per_hour, noise });
    }

    for (role, k, names) in stand_ins {
        let (Some(setup), Some(model)) = (roles.get(role), models.get(role)) else { continue };
        let Some(o) = setup.outputs.get(k) else { continue };
        let activity = model.activities.get(o.activity).map_or("?", |a| a.name.as_str());
        let shown: Vec<&str> = names.iter().take(3).map(String::as_str).collect();
        let more = names.len().saturating_sub(3);
        notes.push(format!(
            "{}: {} {} a negative {} in the roster ({}{}), so the role's {} \
             per {activity} hour stands in for theirs: what the simulation expects of them is not what the roster \
             records",
            setup.name,
            names.len(),
            if names.len() == 1 { "person has" } else { "people have" },
            o.metric,
            shown.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() },
            o.metric
        ));
    }
    let mut defaults: Vec<DefaultUse> = tally
        .uses
        .into_iter()
        .filter_map(|((role, item, source), (count, value))| {
            Some(DefaultUse {
                role: roles.get(role)?.name.clone(),
                item,
                source: ValueSource::from_u8(source),
                people: count,
                value,
            })
        })
        .collect();
    defaults.sort_by(|a, b| (&a.role, &a.item).cmp(&(&b.role, &b.item)));
    for index in &static_people {
        if role_of.get(*index).copied().flatten().is_some() {
            continue;
        }
        if let Some(e) = roster.employees.get(*index) {
            let role = &*e.role;
            let note = format!(
                "role `{role}` has no activity model (add assumptions.roles.{role}); its people are paid on their history"
            );
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
    }
    Ok(Calibration {
        roster: roster.clone(),
        baseline: baseline.clone(),
        compiled,
        baseline_shares: paid.shares.cloned(),
        baseline_exact: paid.exact.cloned(),
        roles,
        people,
        static_people,
        skipped,
        defaults,
        notes,
        min_flexible_hours,
        other_flexibility,
    })
}

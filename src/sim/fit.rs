//! Estimating responsiveness ε per role from history across a plan change
//! (`carrot simulate --fit-history PREVIOUS`).
//!
//! The roster's columns are this period, paid under the baseline plan; the same columns with
//! `_prev_1` (`selling_hours_prev_1`, `revenue_prev_1`, ...) are the period before, paid under
//! the previous plan. For a candidate ε, each person is calibrated on the previous period under
//! the previous plan and their hours under the baseline plan are predicted, exactly as
//! [`super::run`] predicts a plan change; ε is the value whose predicted hours are closest (least
//! squares over people and the activities whose hours both periods record) to the hours recorded
//! this period. The back-test fits ε on half of the people and measures the error on the other
//! half, both ways round, beside the error of predicting "nobody changes" (ε = 0).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{SimError, SimOptions};
use crate::plan::Plan;
use crate::roster::Roster;

/// The ε values tried first; the best is then refined between its neighbours.
const GRID: [f64; 25] = [
    0.0, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0,
    4.0, 5.0, 7.0, 10.0,
];
/// The finer grids between the best value's neighbours: 20 steps across two grid steps, then
/// 10 across two of those.
const REFINE: [usize; 2] = [20, 10];

/// How one activity's hours moved, mean per person of the role.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityFit {
    /// The activity.
    pub activity: String,
    /// Hours in the previous period.
    pub previous: f64,
    /// Hours recorded this period.
    pub actual: f64,
    /// Hours predicted for this period at the fitted ε.
    pub predicted: f64,
}

/// The fit of one role.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleFit {
    /// The role.
    pub role: String,
    /// People in both periods (simulated under both plans).
    pub people: usize,
    /// The fitted ε.
    pub epsilon: f64,
    /// The activities compared (their hours are recorded in both periods).
    pub activities: Vec<ActivityFit>,
    /// Root mean square error of the predicted hours, per person and activity, at the fit.
    pub rmse: f64,
    /// The same error predicting that nobody changes (ε = 0).
    pub rmse_no_change: f64,
    /// Held-out error: ε fitted on one half of the people, the error measured on the other
    /// half, both ways round (hours, root mean square).
    pub backtest_rmse: f64,
    /// The ε of each half (fitted on the grid).
    pub backtest_epsilon: [f64; 2],
}

/// ε per role estimated from a plan change in the roster's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryFit {
    /// The plan people were paid on in the previous period.
    pub previous_plan: String,
    /// The plan they are paid on now (the baseline).
    pub baseline_plan: String,
    /// The roster columns read as the previous period (`revenue` ← `revenue_prev_1`, ...).
    pub previous_columns: Vec<String>,
    /// Each fitted role, in roster order.
    pub roles: Vec<RoleFit>,
    /// Roles that could not be fitted, with the reason.
    pub unfitted: Vec<(String, String)>,
}

impl HistoryFit {
    /// The fitted ε per role (to pass as [`SimOptions::responsiveness`]).
    pub fn responsiveness(&self) -> BTreeMap<String, f64> {
        self.roles.iter().map(|r| (r.role.clone(), r.epsilon)).collect()
    }

    /// What to doubt about the fitted values, one sentence per role: an ε the plan validator
    /// would flag if it were typed into a plan ([`crate::plan::validate::responsiveness_problem`]),
    /// or one at the largest value tried, where the history does not bound it.
    pub fn cautions(&self) -> Vec<String> {
        // Above the grid's second largest value the refinement searched up to the largest.
        let [.., near, largest] = GRID;
        let mut cautions = Vec::new();
        for r in &self.roles {
            let shown = format!("{:.2}", r.epsilon);
            if r.epsilon > near {
                cautions.push(format!(
                    "{}: ε {shown} is near the largest value the fit tries ({largest}): the history says people responded at least this much, not how much more",
                    r.role
                ));
            } else if let Ok(eps) = shown.parse::<Decimal>()
                && let Some(problem) = crate::plan::validate::responsiveness_problem(eps)
            {
                cautions.push(format!("{}: fitted ε {}", r.role, problem.message));
            }
        }
        cautions
    }
}

/// `name` split as `base_prev_k`.
fn prev_suffix(name: &str) -> Option<(&str, u32)> {
    let (base, k) = name.rsplit_once("_prev_")?;
    let k: u32 = k.parse().ok()?;
    (k >= 1 && !base.is_empty()).then_some((base, k))
}

/// The roster as it was one period earlier: every column `c` with a `c_prev_1` column takes
/// that column's value, and `c_prev_k` takes `c_prev_{k+1}` (blank when there is none). A
/// `quota_prev_1` or `target_incentive_prev_1` column gives the earlier quota or target
/// incentive. Returns the roster and the columns read from an earlier period.
pub fn previous_period(roster: &Roster) -> (Roster, Vec<String>) {
    let index = |name: &str| roster.metric_index(name);
    // For each metric column: where its earlier value comes from (`Some(None)`: blank).
    let mut source: Vec<Option<Option<usize>>> = vec![None; roster.metrics.len()];
    let mut shifted = Vec::new();
    for (j, name) in roster.metrics.iter().enumerate() {
        if let Some((base, k)) = prev_suffix(name)
            && (index(base).is_some() || base == "quota" || base == "target_incentive")
        {
            if let Some(slot) = source.get_mut(j) {
                *slot = Some(index(&format!("{base}_prev_{}", k + 1)));
            }
        } else if let Some(p) = index(&format!("{name}_prev_1")) {
            if let Some(slot) = source.get_mut(j) {
                *slot = Some(Some(p));
            }
            shifted.push(name.clone());
        }
    }
    let quota = index("quota_prev_1");
    let target = index("target_incentive_prev_1");
    if quota.is_some() {
        shifted.push("quota".to_owned());
    }
    if target.is_some() {
        shifted.push("target_incentive".to_owned());
    }
    let mut out = roster.clone();
    for e in &mut out.employees {
        let old = e.metrics.clone();
        let value = |i: usize| old.get(i).copied().flatten();
        for (j, m) in e.metrics.iter_mut().enumerate() {
            match source.get(j) {
                Some(Some(Some(from))) => *m = value(*from),
                Some(Some(None)) => *m = None,
                _ => {}
            }
        }
        if let Some(q) = quota {
            e.quota = value(q);
        }
        if let Some(t) = target {
            e.target_incentive = value(t);
        }
    }
    (out, shifted)
}

/// One candidate's squared errors: per role, per person (roster index) `(sum, count)`.
type Errors = BTreeMap<String, BTreeMap<usize, (f64, usize)>>;

/// What is compared: per role, the activities recorded in both periods; per person, this
/// period's hours.
struct Target {
    /// Role → indices of the compared activities.
    observed: BTreeMap<String, Vec<usize>>,
    /// Roster index → (role, hours this period).
    actual: BTreeMap<usize, (String, Vec<f64>)>,
}

fn predict(
    cal: &super::Calibration,
    baseline: &Plan,
    target: &Target,
    epsilon: &BTreeMap<String, f64>,
) -> Result<(Errors, BTreeMap<usize, Vec<f64>>), SimError> {
    let options =
        SimOptions { trials: 1, quarters: 1, movers: 0, responsiveness: epsilon.clone(), ..SimOptions::default() };
    let report = super::run(cal, &[baseline], &options)?;
    let mut errors = Errors::new();
    let mut hours = BTreeMap::new();
    let Some(plan) = report.plans.first() else { return Ok((errors, hours)) };
    for (info, outcome) in report.people.iter().zip(&plan.people) {
        let (Some(outcome), Some((role, actual))) = (outcome, target.actual.get(&info.index)) else { continue };
        let Some(observed) = target.observed.get(role) else { continue };
        let mut sum = 0.0;
        for &d in observed {
            let diff = outcome.hours.get(d).copied().unwrap_or(0.0) - actual.get(d).copied().unwrap_or(0.0);
            sum += diff * diff;
        }
        errors.entry(role.clone()).or_default().insert(info.index, (sum, observed.len()));
        hours.insert(info.index, outcome.hours.clone());
    }
    Ok((errors, hours))
}

fn total(errors: &Errors, role: &str, keep: impl Fn(usize) -> bool) -> (f64, usize) {
    errors.get(role).map_or((0.0, 0), |people| {
        people.iter().filter(|(i, _)| keep(**i)).fold((0.0, 0), |(s, n), (_, (e, c))| (s + e, n + c))
    })
}

fn rmse((sum, n): (f64, usize)) -> f64 {
    if n == 0 { 0.0 } else { (sum / n as f64).sqrt() }
}

/// Estimates ε per role from the roster's history across the change from `previous` to
/// `baseline` (see the module documentation).
pub fn fit_history(previous: &Plan, baseline: &Plan, roster: &Roster) -> Result<HistoryFit, SimError> {
    let (before, previous_columns) = previous_period(roster);
    let cal_prev = super::prepare(previous, &before)?;
    let cal_now = super::prepare(baseline, roster)?;
    let mut unfitted = Vec::new();
    let mut target = Target { observed: BTreeMap::new(), actual: BTreeMap::new() };
    for role in &cal_prev.roles {
        let Some(now) = cal_now.roles.iter().find(|r| r.name == role.name) else { continue };
        let observed: Vec<usize> = role
            .hours_slot
            .iter()
            .enumerate()
            .filter(|(d, slot)| {
                slot.and_then(|s| roster.metrics.get(s)).is_some_and(|col| previous_columns.contains(col))
                    && now.hours_slot.get(*d).copied().flatten().is_some()
            })
            .map(|(d, _)| d)
            .collect();
        if observed.is_empty() {
            let columns: Vec<String> =
                role.hours_slot.iter().flatten().filter_map(|s| roster.metrics.get(*s)).cloned().collect();
            let wanted = columns.iter().map(|c| format!("{c}_prev_1")).collect::<Vec<_>>().join(", ");
            unfitted.push((
                role.name.clone(),
                format!("no hours of the previous period in the roster (columns such as {wanted})"),
            ));
            continue;
        }
        target.observed.insert(role.name.clone(), observed);
    }
    for p in &cal_now.people {
        if let Some(role) = cal_now.roles.get(p.role) {
            target.actual.insert(p.index, (role.name.clone(), p.hours.clone()));
        }
    }
    let roles: Vec<String> = target.observed.keys().cloned().collect();
    let all = |eps: f64| roles.iter().map(|r| (r.clone(), eps)).collect::<BTreeMap<_, _>>();
    let grid: Vec<Errors> =
        GRID.iter().map(|&g| predict(&cal_prev, baseline, &target, &all(g)).map(|x| x.0)).collect::<Result<_, _>>()?;
    // Halves for the back-test: each role's people in employee id order, alternately.
    let mut half: BTreeMap<usize, usize> = BTreeMap::new();
    for role in &roles {
        let mut ids: Vec<(String, usize)> = grid
            .first()
            .and_then(|e| e.get(role))
            .map(|people| {
                people
                    .keys()
                    .map(|&i| (roster.employees.get(i).map(|e| e.id.to_string()).unwrap_or_default(), i))
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        half.extend(ids.iter().enumerate().map(|(n, (_, i))| (*i, n % 2)));
    }
    let fit = |which: Option<usize>| -> Result<BTreeMap<String, f64>, SimError> {
        let keep = |i: usize| which.is_none_or(|h| half.get(&i) == Some(&h));
        let mut brackets: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        let mut grid_best: BTreeMap<String, (f64, f64)> = BTreeMap::new();
        for role in &roles {
            let sse: Vec<f64> = grid.iter().map(|e| total(e, role, keep).0).collect();
            let k = (0..GRID.len()).min_by(|&a, &b| sse[a].total_cmp(&sse[b])).unwrap_or(0);
            let lo = GRID[k.saturating_sub(1)];
            let hi = GRID[(k + 1).min(GRID.len() - 1)];
            brackets.insert(role.clone(), (lo, hi));
            grid_best.insert(role.clone(), (GRID[k], sse.get(k).copied().unwrap_or(f64::INFINITY)));
        }
        // Finer grids between the best value's neighbours, every role in the same runs (the
        // error is not smooth in ε where someone crosses a threshold, so no bisection).
        let sse_at = |eps: &BTreeMap<String, f64>| -> Result<BTreeMap<String, f64>, SimError> {
            let (errors, _) = predict(&cal_prev, baseline, &target, eps)?;
            Ok(roles.iter().map(|r| (r.clone(), total(&errors, r, keep).0)).collect())
        };
        let mut best = grid_best;
        for steps in REFINE {
            let mut next = BTreeMap::new();
            for i in 0..=steps {
                let probe: BTreeMap<String, f64> = brackets
                    .iter()
                    .map(|(r, (lo, hi))| (r.clone(), lo + (hi - lo) * i as f64 / steps as f64))
                    .collect();
                let sse = sse_at(&probe)?;
                for (r, e) in &probe {
                    let v = sse.get(r).copied().unwrap_or(f64::INFINITY);
                    if best.get(r).is_none_or(|b| v < b.1) {
                        best.insert(r.clone(), (*e, v));
                    }
                }
            }
            for (r, (lo, hi)) in &brackets {
                let step = (hi - lo) / steps as f64;
                let centre = best.get(r).map_or(*lo, |b| b.0);
                next.insert(r.clone(), ((centre - step).max(0.0), centre + step));
            }
            brackets = next;
        }
        let eps: BTreeMap<String, f64> = best.iter().map(|(r, (e, _))| (r.clone(), *e)).collect();
        Ok(eps)
    };
    let fitted = fit(None)?;
    let (errors, hours) = predict(&cal_prev, baseline, &target, &fitted)?;
    let mut held_out: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    let mut half_eps: BTreeMap<String, [f64; 2]> = BTreeMap::new();
    for h in 0..2 {
        let eps = fit(Some(h))?;
        let (e, _) = predict(&cal_prev, baseline, &target, &eps)?;
        for role in &roles {
            let (s, n) = total(&e, role, |i| half.get(&i) == Some(&(1 - h)));
            let slot = held_out.entry(role.clone()).or_insert((0.0, 0));
            *slot = (slot.0 + s, slot.1 + n);
            if let Some(x) = half_eps.entry(role.clone()).or_insert([0.0; 2]).get_mut(h) {
                *x = eps.get(role).copied().unwrap_or(0.0);
            }
        }
    }
    let mut fits: BTreeMap<String, RoleFit> = BTreeMap::new();
    for role in &roles {
        fits.insert(
            role.clone(),
            RoleFit {
                role: role.clone(),
                people: errors.get(role).map_or(0, BTreeMap::len),
                epsilon: fitted.get(role).copied().unwrap_or(0.0),
                activities: Vec::new(),
                rmse: rmse(total(&errors, role, |_| true)),
                rmse_no_change: grid.first().map_or(0.0, |e| rmse(total(e, role, |_| true))),
                backtest_rmse: rmse(held_out.get(role).copied().unwrap_or((0.0, 0))),
                backtest_epsilon: half_eps.get(role).copied().unwrap_or([0.0; 2]),
            },
        );
    }
    let mut out = Vec::new();
    for role in cal_prev.roles.iter().filter(|r| roles.contains(&r.name)) {
        let Some(mut fit) = fits.remove(&role.name) else { continue };
        let observed = target.observed.get(&role.name).cloned().unwrap_or_default();
        let people: Vec<usize> = errors.get(&role.name).map(|p| p.keys().copied().collect()).unwrap_or_default();
        let n = people.len().max(1) as f64;
        for d in observed {
            let mean = |f: &dyn Fn(usize) -> f64| people.iter().map(|&i| f(i)).sum::<f64>() / n;
            let previous = mean(&|i| {
                cal_prev.people.iter().find(|p| p.index == i).and_then(|p| p.hours.get(d).copied()).unwrap_or(0.0)
            });
            let actual = mean(&|i| target.actual.get(&i).and_then(|(_, h)| h.get(d).copied()).unwrap_or(0.0));
            let predicted = mean(&|i| hours.get(&i).and_then(|h| h.get(d).copied()).unwrap_or(0.0));
            fit.activities.push(ActivityFit {
                activity: role.activities.get(d).cloned().unwrap_or_default(),
                previous,
                actual,
                predicted,
            });
        }
        out.push(fit);
    }
    Ok(HistoryFit {
        previous_plan: previous.name.clone(),
        baseline_plan: baseline.name.clone(),
        previous_columns,
        roles: out,
        unfitted,
    })
}

/// Hours and outputs of one person in the period after a plan change, as the model predicts
/// them at a known ε (for a roster with a history to fit).
#[derive(Clone, Debug, PartialEq)]
pub struct Changed {
    /// Index in the roster.
    pub index: usize,
    /// `(column, new value)`: each activity's hours column and each output column.
    pub values: Vec<(String, f64)>,
}

/// The roster's people one period later, after the change from `previous` (the plan the
/// roster's values were earned under) to `next`, with responsiveness `epsilon` per role: each
/// person's predicted hours, and each output at their own output per hour. For
/// `carrot gen-roster --history`.
pub fn next_period(
    previous: &Plan,
    next: &Plan,
    roster: &Roster,
    epsilon: &BTreeMap<String, f64>,
) -> Result<Vec<Changed>, SimError> {
    let cal = super::prepare(previous, roster)?;
    let options =
        SimOptions { trials: 1, quarters: 1, movers: 0, responsiveness: epsilon.clone(), ..SimOptions::default() };
    let report = super::run(&cal, &[next], &options)?;
    let Some(plan) = report.plans.first() else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (info, outcome) in report.people.iter().zip(&plan.people) {
        let (Some(outcome), Some(person)) = (outcome, cal.people.iter().find(|p| p.index == info.index)) else {
            continue;
        };
        let Some(role) = cal.roles.get(person.role) else { continue };
        let mut values = Vec::new();
        for (d, slot) in role.hours_slot.iter().enumerate() {
            if let Some(col) = slot.and_then(|s| roster.metrics.get(s)) {
                values.push((col.clone(), outcome.hours.get(d).copied().unwrap_or(0.0)));
            }
        }
        for (o, output) in role.outputs.iter().enumerate() {
            let Some(col) = output.slot.and_then(|s| roster.metrics.get(s)) else { continue };
            let per_hour = person.per_hour.get(o).copied().unwrap_or(0.0);
            values.push((col.clone(), per_hour * outcome.hours.get(output.activity).copied().unwrap_or(0.0)));
        }
        out.push(Changed { index: info.index, values });
    }
    Ok(out)
}

/// A value written into a roster cell: hours with one decimal, money with two, counts whole.
pub fn cell(column: &str, value: f64) -> String {
    let v = value.max(0.0);
    let d = if column.ends_with("_hours") {
        Decimal::from_f64_retain((v * 10.0).round() / 10.0).map(|d| d.round_dp(1))
    } else if column == "revenue" {
        Decimal::from_f64_retain((v * 100.0).round() / 100.0).map(|d| d.round_dp(2))
    } else {
        Decimal::from_f64_retain(v.round()).map(|d| d.round_dp(0))
    };
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::{Employee, SourceRef};

    fn d(v: i64) -> Option<Decimal> {
        Some(Decimal::from(v))
    }

    #[test]
    fn the_previous_period_reads_prev_1_columns_and_shifts_older_ones() {
        let names = [
            "revenue",
            "revenue_prev_1",
            "revenue_prev_2",
            "selling_hours",
            "selling_hours_prev_1",
            "quota_prev_1",
            "capacity_hours",
        ];
        let roster = Roster {
            metrics: names.iter().map(|s| (*s).to_owned()).collect(),
            employees: vec![Employee {
                id: "1".to_owned().into(),
                name: "A B".to_owned().into(),
                contact: None,
                role: "sales".to_owned().into(),
                team: Default::default(),
                manager: Default::default(),
                currency: None,
                currency_symbol: None,
                base_salary: None,
                target_incentive: None,
                quota: d(100),
                start_date: None,
                end_date: None,
                metrics: vec![d(30), d(20), d(10), d(300), d(280), d(90), d(480)],
                source: SourceRef { file: 0, line: 2 },
            }],
            sources: vec!["r.csv".to_owned()],
            joined: Vec::new(),
        };
        let (before, shifted) = previous_period(&roster);
        assert_eq!(shifted, ["revenue", "selling_hours", "quota"]);
        let e = &before.employees[0];
        assert_eq!(e.metrics, vec![d(20), d(10), None, d(280), None, None, d(480)]);
        assert_eq!(e.quota, d(90));
    }
}

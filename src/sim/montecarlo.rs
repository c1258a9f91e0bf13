//! Monte Carlo around the predicted hours, and the assembly of the report.
//!
//! Each person's noise comes from their own seeded stream (the seed and their employee id), so
//! results do not depend on how work is split between threads; the same draws are used under
//! every plan, so differences between plans are not blurred by luck. People are processed in
//! chunks whose size depends only on the number of people, and chunk totals are added in order,
//! so the sums are the same on any machine.

use rayon::prelude::*;

use super::calibrate::Calibration;
use super::error::PayError;
use super::mathx::{self, Between, Rng, exp};
use super::person::{PersonPay, Source, one_part_value};
use super::runway::Effects;
use super::{
    Band, PersonInfo, PersonIssue, PersonOutcome, PlanOutcome, Quarter, RoleInfo, RoleOutcome, Runway, SimOptions,
    SimReport, Skipped, Solved, Totals, Volume,
};
use crate::engine::CompiledPlan;

/// Trial columns: total cost, total revenue, then per role cost, revenue and each volume.
pub(crate) struct Layout {
    /// Columns per trial.
    pub width: usize,
    /// Per role.
    pub roles: Vec<RoleColumns>,
}

/// A role's trial columns.
pub(crate) struct RoleColumns {
    pub cost: usize,
    pub revenue: usize,
    /// (metric slot, metric name, column) per output metric of the role.
    pub volumes: Vec<(usize, String, usize)>,
}

const COST: usize = 0;
const REVENUE: usize = 1;

impl Layout {
    pub(crate) fn new(cal: &Calibration) -> Self {
        let mut width = 2;
        let mut roles = Vec::with_capacity(cal.roles.len());
        for r in &cal.roles {
            let cost = width;
            let revenue = width + 1;
            width += 2;
            let mut volumes: Vec<(usize, String, usize)> = Vec::new();
            for o in &r.outputs {
                if let Some(slot) = o.slot
                    && !volumes.iter().any(|(s, _, _)| *s == slot)
                {
                    volumes.push((slot, o.metric.clone(), width));
                    width += 1;
                }
            }
            roles.push(RoleColumns { cost, revenue, volumes });
        }
        Self { width, roles }
    }
}

/// One person's Monte Carlo result under one plan unit.
#[derive(Clone, Debug)]
pub(crate) struct PersonDraws {
    pay: Band,
    revenue: Option<Band>,
}

/// The Monte Carlo's sums.
pub(crate) struct McResult {
    /// Per unit: `width` columns of `trials` values, one after the other.
    pub columns: Vec<Vec<f64>>,
    /// Per unit: change in expected cost per quarter from productivity effects.
    pub shift: Vec<Vec<f64>>,
    /// Per kept person (in `kept` order), per unit.
    pub people: Vec<Vec<Result<PersonDraws, PayError>>>,
    /// Per unit: (cost, revenue, people) of the people paid on history.
    pub history: Vec<(f64, f64, usize)>,
    /// Per unit: people paid on history who could not be computed (roster index, why).
    pub history_errors: Vec<Vec<(usize, PayError)>>,
}

struct Chunk {
    columns: Vec<Vec<f64>>,
    shift: Vec<Vec<f64>>,
    people: Vec<Vec<Result<PersonDraws, PayError>>>,
}

/// The random stream of an employee: FNV-1a of their id, so the same person gets the same
/// draws wherever they are in the roster.
pub(crate) fn stream_of(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Gauss–Hermite nodes and weights for a standard normal (9 points): exact for polynomials of
/// degree ≤ 17.
const GH_NODES: [f64; 9] = [
    -4.512_745_863_399_783,
    -3.205_429_002_856_470_3,
    -2.076_847_978_677_83,
    -1.023_255_663_789_132_6,
    0.0,
    1.023_255_663_789_132_6,
    2.076_847_978_677_83,
    3.205_429_002_856_470_3,
    4.512_745_863_399_783,
];
pub(crate) const GH_WEIGHTS: [f64; 9] = [
    2.234_584_400_774_657e-5,
    0.002_789_141_321_231_764_5,
    0.049_916_406_765_217_85,
    0.244_097_502_894_939_37,
    0.406_349_206_349_206_35,
    0.244_097_502_894_939_37,
    0.049_916_406_765_217_85,
    0.002_789_141_321_231_764_5,
    2.234_584_400_774_657e-5,
];

/// Effective hours at each Gauss–Hermite node of one common noise factor: one row of
/// `h.len()` values per node.
pub(crate) fn gh_points(h: &[f64], sigma: &[f64]) -> Vec<f64> {
    GH_NODES
        .iter()
        .flat_map(|z| {
            h.iter().enumerate().map(move |(d, x)| {
                let s = sigma.get(d).copied().unwrap_or(0.0);
                x * exp(s * z - 0.5 * s * s)
            })
        })
        .collect()
}

/// Expected pay over the Gauss–Hermite `points` (rows of `activities` effective hours), with
/// the given output multipliers.
fn expected_pay(
    pay: &mut PersonPay<'_>,
    points: &[f64],
    activities: usize,
    scales: &[(usize, f64)],
) -> Result<f64, PayError> {
    for w in &mut pay.writes {
        w.scale = scales.iter().find(|(s, _)| *s == w.slot).map_or(1.0, |(_, m)| *m);
    }
    let mut paid = [0.0; GH_NODES.len()];
    let priced = pay.pay_rows(points, activities, &mut paid);
    for w in &mut pay.writes {
        w.scale = 1.0;
    }
    priced?;
    Ok(paid.iter().zip(GH_WEIGHTS).fold(0.0, |total, (p, w)| total + w * p))
}

/// Every quarter's change in expected pay from `base` ([`expected_pay`] with the quarter's
/// multipliers, less `base`) into `shifts`, with one batch for all the quarters whose
/// multipliers are not all 1 (the others keep their 0): the same pay at each point, so the
/// same values. False, with `shifts` unspecified, when the batch fails; the caller then prices
/// quarter by quarter.
fn quarters_at_once(
    pay: &mut PersonPay<'_>,
    points: &[f64],
    activities: usize,
    targets: &[(usize, Vec<f64>)],
    base: f64,
    shifts: &mut [f64],
) -> bool {
    let mut priced: Vec<(usize, Vec<(usize, f64)>)> = Vec::with_capacity(shifts.len());
    for q in 0..shifts.len() {
        let scales: Vec<(usize, f64)> =
            targets.iter().map(|(slot, series)| (*slot, series.get(q).copied().unwrap_or(1.0))).collect();
        if !scales.iter().all(|(_, m)| *m == 1.0) {
            priced.push((q, scales));
        }
    }
    if priced.is_empty() {
        return true;
    }
    let scales: Vec<&[(usize, f64)]> = priced.iter().map(|(_, s)| s.as_slice()).collect();
    let mut columns = Vec::new();
    pay.write_columns_scaled(points, activities, &scales, &mut columns);
    let mut paid = vec![0.0; GH_NODES.len() * priced.len()];
    if pay.pay_each(&columns, &mut paid).is_err() {
        return false;
    }
    for ((q, _), block) in priced.iter().zip(paid.chunks_exact(GH_NODES.len())) {
        let p = block.iter().zip(GH_WEIGHTS).fold(0.0, |total, (p, w)| total + w * p);
        if let Some(shift) = shifts.get_mut(*q) {
            *shift = p - base;
        }
    }
    true
}

/// The Monte Carlo over the people of `kept`; people are skipped once `stop` says so (the
/// caller then discards the result).
#[expect(clippy::too_many_arguments, reason = "the phases' results, passed on as they are")]
pub(crate) fn run(
    cal: &Calibration,
    compiled: &[&CompiledPlan],
    solved: &[Solved],
    kept: &[usize],
    layout: &Layout,
    effects: &Effects,
    options: &SimOptions,
    stop: &(dyn Fn() -> bool + Sync),
) -> McResult {
    let units = compiled.len();
    let trials = options.trials;
    let width = layout.width;
    let quarters = effects.quarters;
    let chunk_size = (kept.len() / 16).clamp(8, 512);
    let chunks: Vec<Chunk> = kept
        .par_chunks(chunk_size)
        .map(|chunk| {
            let mut out = Chunk {
                columns: vec![vec![0.0; trials * width]; units],
                shift: vec![vec![0.0; quarters]; units],
                people: Vec::with_capacity(chunk.len()),
            };
            let mut xi = Vec::new();
            let mut pays = vec![0.0; trials];
            let mut revenues = vec![0.0; trials];
            let mut sources = Vec::new();
            let mut written = Vec::new();
            let mut rows = Vec::new();
            let mut factor_order: Vec<Option<Option<[Between; 3]>>> = Vec::new();
            let mut factors = Vec::new();
            for &i in chunk {
                if stop() {
                    break;
                }
                let mut results = Vec::with_capacity(units);
                let (Some(person), Some(s)) = (cal.people.get(i), solved.get(i)) else {
                    out.people.push((0..units).map(|_| Err(PayError::NotInRoster)).collect());
                    continue;
                };
                let (Some(e), Some(role), Some(cols)) =
                    (cal.roster.employees.get(person.index), cal.roles.get(person.role), layout.roles.get(person.role))
                else {
                    out.people.push((0..units).map(|_| Err(PayError::NotInRoster)).collect());
                    continue;
                };
                let n = role.activities.len();
                let sigma: Vec<f64> = person.noise.iter().map(|x| x * options.noise_scale).collect();
                // The person's draws, shared by every plan and keyed to who they are (not to
                // where they are in the roster).
                let mut rng = Rng::new(options.seed, stream_of(&e.id));
                // `other` (last) produces nothing: no draw.
                let shifts_log: Vec<f64> = sigma.iter().map(|sd| -0.5 * sd * sd).collect();
                xi.clear();
                if sigma.len() >= n && n > 0 {
                    // Every row at once: the same draws in the same order, written in place.
                    xi.resize(trials * n, 1.0);
                    for row in xi.chunks_exact_mut(n) {
                        for ((x, &sd), &mu) in row.iter_mut().zip(&sigma).zip(&shifts_log).take(n - 1) {
                            let z = rng.normal();
                            if sd > 0.0 {
                                *x = exp(sd * z + mu);
                            }
                        }
                    }
                } else {
                    for _ in 0..trials {
                        for (d, (&sd, &mu)) in sigma.iter().zip(&shifts_log).enumerate().take(n) {
                            if d + 1 == n {
                                xi.push(1.0);
                            } else {
                                let z = rng.normal();
                                xi.push(if sd > 0.0 { exp(sd * z + mu) } else { 1.0 });
                            }
                        }
                    }
                }
                // Per activity, the order statistics of its noise factors (computed when first
                // needed): shared by every plan.
                factor_order.clear();
                factor_order.resize(n, None);
                for (unit, c) in compiled.iter().enumerate() {
                    let hours = match s.hours.get(unit) {
                        Some(Ok(h)) => h,
                        Some(Err(msg)) => {
                            results.push(Err(msg.clone()));
                            continue;
                        }
                        None => {
                            results.push(Err(PayError::NotInRoster));
                            continue;
                        }
                    };
                    let mut pay = match PersonPay::new(c, e, person, role) {
                        Ok(p) => p,
                        Err(msg) => {
                            results.push(Err(msg));
                            continue;
                        }
                    };
                    let revenue_slot = c.revenue_slot();
                    // Revenue and volumes are roster columns: written by the activities, or fixed.
                    let revenue_source = revenue_slot.and_then(|slot| pay.source(slot));
                    sources.clear();
                    sources.extend(cols.volumes.iter().map(|(slot, _, _)| pay.source(*slot)));
                    // The values every trial's effective hours write (one column per value),
                    // then pay for all trials at once.
                    pay.write_scaled_columns(hours, &xi, n, &mut written);
                    let rising = pay.rising_in_one_factor(revenue_source, hours, n);
                    PersonPay::read_column(revenue_source, &written, &mut revenues);
                    if pay.pay_each(&written, &mut pays).is_err() {
                        // Row by row, from every trial's effective hours.
                        rows.clear();
                        for xs in xi.chunks_exact(n.max(1)) {
                            rows.extend((0..n).map(|d| match (hours.get(d), xs.get(d)) {
                                (Some(h), Some(f)) => h * f,
                                _ => 0.0,
                            }));
                        }
                        if let Err(err) = pay.pay_rows(&rows, n, &mut pays) {
                            results.push(Err(err));
                            continue;
                        }
                    }
                    // Runway: the change in expected pay from productivity effects.
                    let targets = effects.for_role(unit, person.role);
                    let mut shifts = vec![0.0; quarters];
                    if !targets.is_empty() {
                        let points = gh_points(hours, &sigma);
                        let base = expected_pay(&mut pay, &points, hours.len(), &[]);
                        let mut err = None;
                        match base {
                            Ok(base)
                                if quarters_at_once(&mut pay, &points, hours.len(), targets, base, &mut shifts) => {}
                            Ok(base) => {
                                for (q, shift) in shifts.iter_mut().enumerate() {
                                    let scales: Vec<(usize, f64)> = targets
                                        .iter()
                                        .map(|(slot, series)| (*slot, series.get(q).copied().unwrap_or(1.0)))
                                        .collect();
                                    if scales.iter().all(|(_, m)| *m == 1.0) {
                                        continue;
                                    }
                                    match expected_pay(&mut pay, &points, hours.len(), &scales) {
                                        Ok(p) => *shift = p - base,
                                        Err(msg) => {
                                            err = Some(msg);
                                            break;
                                        }
                                    }
                                }
                            }
                            Err(msg) => err = Some(msg),
                        }
                        if let Some(msg) = err {
                            results.push(Err(msg));
                            continue;
                        }
                    }
                    let (Some(columns), Some(shift)) = (out.columns.get_mut(unit), out.shift.get_mut(unit)) else {
                        continue;
                    };
                    add_column(columns, trials, COST, &pays);
                    add_column(columns, trials, REVENUE, &revenues);
                    add_column(columns, trials, cols.cost, &pays);
                    add_column(columns, trials, cols.revenue, &revenues);
                    for (source, (_, _, col)) in sources.iter().zip(&cols.volumes) {
                        add_source(columns, trials, *col, *source, &written);
                    }
                    for (a, b) in shift.iter_mut().zip(&shifts) {
                        *a += b;
                    }
                    // The buffers are reordered here; they were summed above.
                    let pay_band = Band::of(&mut pays);
                    let revenue_band = revenue_slot.map(|_| {
                        // Revenue that rises with one activity's noise factor alone has the
                        // percentiles of those factors (selected once for every plan).
                        let order = rising.and_then(|(d, _)| {
                            *factor_order.get_mut(d)?.get_or_insert_with(|| {
                                factors.clear();
                                factors.extend(xi.iter().skip(d).step_by(n.max(1)).copied());
                                let usable = xi.len() == trials * n
                                    && factors.len() == trials
                                    && !factors.is_empty()
                                    && factors.iter().all(|f| !f.is_nan() && *f >= 0.0);
                                usable.then(|| mathx::p10_p50_p90_order(&mut factors))
                            })
                        });
                        match (rising, order) {
                            (Some((_, [c, h, scale])), Some(order)) => {
                                Band::of_rising(&revenues, &order, |f| one_part_value(c, h, f, scale))
                            }
                            _ => Band::of(&mut revenues),
                        }
                    });
                    results.push(Ok(PersonDraws { pay: pay_band, revenue: revenue_band }));
                }
                out.people.push(results);
            }
            out
        })
        .collect();

    let mut columns = vec![vec![0.0; trials * width]; units];
    let mut shift = vec![vec![0.0; quarters]; units];
    let mut people = Vec::with_capacity(kept.len());
    for chunk in chunks {
        for (total, part) in columns.iter_mut().zip(&chunk.columns) {
            for (a, b) in total.iter_mut().zip(part) {
                *a += b;
            }
        }
        for (total, part) in shift.iter_mut().zip(&chunk.shift) {
            for (a, b) in total.iter_mut().zip(part) {
                *a += b;
            }
        }
        people.extend(chunk.people);
    }

    // People whose role has no activity model are paid on their history under every plan.
    let mut history = vec![(0.0, 0.0, 0usize); units];
    let mut history_errors = vec![Vec::new(); units];
    for &index in &cal.static_people {
        let Some(e) = cal.roster.employees.get(index) else { continue };
        for (unit, c) in compiled.iter().enumerate() {
            match PersonPay::pay_on_history(c, e) {
                Ok((pay, revenue)) => {
                    if let Some(h) = history.get_mut(unit) {
                        h.0 += pay;
                        h.1 += revenue.unwrap_or(0.0);
                        h.2 += 1;
                    }
                }
                Err(err) => {
                    if let Some(list) = history_errors.get_mut(unit) {
                        list.push((index, err));
                    }
                }
            }
        }
    }
    McResult { columns, shift, people, history, history_errors }
}

/// Everything [`assemble`] needs.
pub(crate) struct Assembly<'a> {
    pub cal: &'a Calibration,
    pub units: &'a [&'a crate::plan::Plan],
    pub unit_of: &'a [usize],
    /// Everyone's choices; their lines are moved into the report.
    pub solved: &'a mut [Solved],
    pub kept: &'a [usize],
    pub layout: &'a Layout,
    pub effects: &'a Effects,
    pub mc: McResult,
    pub runways: Vec<Runway>,
    pub at_history: Vec<super::AtHistory>,
    pub epsilon: &'a [f64],
    pub risk: &'a [f64],
    pub options: &'a SimOptions,
    pub skipped: Vec<Skipped>,
    pub notes: Vec<String>,
}

/// Adds `values` to column `col` of `columns` (columns of `trials` values).
fn add_column(columns: &mut [f64], trials: usize, col: usize, values: &[f64]) {
    if let Some(column) = columns.get_mut(col * trials..(col + 1) * trials) {
        for (a, b) in column.iter_mut().zip(values) {
            *a += b;
        }
    }
}

/// Adds `source`'s value in each trial (columns from [`PersonPay::write_scaled_columns`]; 0
/// without a source) to column `col`: what [`PersonPay::read_column`] then [`add_column`] add.
fn add_source(columns: &mut [f64], trials: usize, col: usize, source: Option<Source>, written: &[f64]) {
    let Some(column) = columns.get_mut(col * trials..(col + 1) * trials) else { return };
    match source {
        Some(Source::Set(k)) => match written.get(k * trials..(k + 1) * trials) {
            Some(values) => {
                for (a, b) in column.iter_mut().zip(values) {
                    *a += b;
                }
            }
            None => {
                for a in column.iter_mut() {
                    *a += 0.0;
                }
            }
        },
        Some(Source::Fixed(v)) => {
            for a in column.iter_mut() {
                *a += v;
            }
        }
        None => {
            for a in column.iter_mut() {
                *a += 0.0;
            }
        }
    }
}

/// Column `col` of `columns` (columns of `trials` values), each value plus `add`.
fn column(columns: &[f64], trials: usize, col: usize, add: f64) -> Vec<f64> {
    match columns.get(col * trials..(col + 1) * trials) {
        Some(column) => column.iter().map(|v| v + add).collect(),
        None => vec![add; trials],
    }
}

fn pct_band(cost: &[f64], revenue: &[f64]) -> Option<Band> {
    let mut pct: Vec<f64> = cost.iter().zip(revenue).filter(|(_, r)| **r > 0.0).map(|(c, r)| 100.0 * c / r).collect();
    if pct.is_empty() { None } else { Some(Band::of(&mut pct)) }
}

fn hours_moved(a: &[f64], b: &[f64]) -> f64 {
    0.5 * a.iter().zip(b).map(|(x, y)| (x - y).abs()).sum::<f64>()
}

pub(crate) fn assemble(a: Assembly<'_>) -> SimReport {
    let Assembly {
        cal,
        units,
        unit_of,
        solved,
        kept,
        layout,
        effects,
        mc,
        runways,
        at_history,
        epsilon,
        risk,
        options,
        skipped,
        mut notes,
    } = a;
    let trials = options.trials;
    let people: Vec<PersonInfo> = kept
        .iter()
        .filter_map(|&i| {
            let p = cal.people.get(i)?;
            let e = cal.roster.employees.get(p.index)?;
            Some(PersonInfo {
                index: p.index,
                employee_id: e.id.to_string(),
                name: e.name.to_string(),
                role: e.role.to_string(),
                team: e.team.to_string(),
                capacity: p.capacity,
                baseline_hours: p.hours.clone(),
                responsiveness_scale: 1.0,
            })
        })
        .collect();
    let roles: Vec<RoleInfo> = cal
        .roles
        .iter()
        .enumerate()
        .map(|(r, setup)| RoleInfo {
            role: setup.name.clone(),
            activities: setup.activities.clone(),
            metrics: layout
                .roles
                .get(r)
                .map(|c| c.volumes.iter().map(|(_, m, _)| m.clone()).collect())
                .unwrap_or_default(),
            people: kept.iter().filter(|&&i| cal.people.get(i).is_some_and(|p| p.role == r)).count(),
            responsiveness: epsilon.get(r).copied().unwrap_or(0.0),
            risk_aversion: risk.get(r).copied().unwrap_or(0.0),
        })
        .collect();
    for (unit, errors) in mc.history_errors.iter().enumerate() {
        if let (Some((index, err)), Some(plan)) = (errors.first(), units.get(unit)) {
            let who = cal.roster.employees.get(*index).map_or_else(String::new, |e| format!("{} ({}): ", e.name, e.id));
            notes.push(format!(
                "plan `{}`: {} people paid on history could not be computed (first: {who}{err})",
                plan.name,
                errors.len()
            ));
        }
    }

    // Each plan's lines of each kept person (in `kept` order), moved out of the choices rather
    // than copied: a large roster's lines are most of the report.
    let mut lines_of_unit: Vec<Vec<Vec<super::LineOutcome>>> =
        (0..units.len()).map(|_| Vec::with_capacity(kept.len())).collect();
    for &i in kept {
        let mut lines = solved.get_mut(i).map(|s| std::mem::take(&mut s.lines)).unwrap_or_default().into_iter();
        for unit_lines in &mut lines_of_unit {
            unit_lines.push(lines.next().unwrap_or_default());
        }
    }
    let solved = &*solved;
    let outcome = |unit: usize, lines_of_person: Vec<Vec<super::LineOutcome>>| -> PlanOutcome {
        let plan = units.get(unit).map_or(String::new(), |p| p.name.clone());
        let columns = mc.columns.get(unit).map_or(&[][..], Vec::as_slice);
        let (hist_cost, hist_revenue, hist_people) = mc.history.get(unit).copied().unwrap_or((0.0, 0.0, 0));
        let result_of = |k: usize| -> Option<&PersonDraws> { mc.people.get(k)?.get(unit)?.as_ref().ok() };
        let hours_of = |k: usize| -> Option<&Vec<f64>> {
            let i = *kept.get(k)?;
            solved.get(i)?.hours.get(unit)?.as_ref().ok()
        };
        let mut person_outcomes = Vec::with_capacity(kept.len());
        let mut errors = Vec::new();
        let mut lines_of_person = lines_of_person.into_iter();
        for (k, &i) in kept.iter().enumerate() {
            let lines = lines_of_person.next().unwrap_or_default();
            let baseline_pay =
                mc.people.get(k).and_then(|r| r.first()).and_then(|r| r.as_ref().ok()).map(|d| d.pay.mean);
            match (result_of(k), hours_of(k), cal.people.get(i)) {
                (Some(draws), Some(hours), Some(p)) => {
                    person_outcomes.push(Some(PersonOutcome {
                        hours: hours.clone(),
                        pay: draws.pay,
                        revenue: draws.revenue,
                        pay_change: baseline_pay.map_or(0.0, |b| draws.pay.mean - b),
                        hours_moved: hours_moved(hours, &p.hours),
                        gives_up: super::given_up(&lines),
                        lines,
                    }));
                }
                _ => {
                    let error = mc
                        .people
                        .get(k)
                        .and_then(|r| r.get(unit))
                        .and_then(|r| r.as_ref().err())
                        .cloned()
                        .unwrap_or(PayError::NotInRoster);
                    errors.push(PersonIssue { person: k, error });
                    person_outcomes.push(None);
                }
            }
        }
        let mut role_outcomes = Vec::with_capacity(cal.roles.len());
        let mut totals_volumes: Vec<(String, f64, Vec<f64>)> = Vec::new();
        for (r, setup) in cal.roles.iter().enumerate() {
            let Some(cols) = layout.roles.get(r) else { continue };
            let members: Vec<usize> = (0..kept.len())
                .filter(|&k| {
                    person_outcomes.get(k).is_some_and(Option::is_some)
                        && kept.get(k).and_then(|&i| cal.people.get(i)).is_some_and(|p| p.role == r)
                })
                .collect();
            let count = members.len();
            let n = setup.activities.len();
            let mut baseline_hours = vec![0.0; n];
            let mut hours = vec![0.0; n];
            let mut expected: std::collections::BTreeMap<usize, f64> = std::collections::BTreeMap::new();
            for &k in &members {
                let Some(&i) = kept.get(k) else { continue };
                if let Some(p) = cal.people.get(i) {
                    for (a, b) in baseline_hours.iter_mut().zip(&p.hours) {
                        *a += b;
                    }
                }
                if let Some(h) = hours_of(k) {
                    for (a, b) in hours.iter_mut().zip(h) {
                        *a += b;
                    }
                }
                if let Some(x) = solved.get(i).and_then(|s| s.expected.get(unit)) {
                    for &(slot, v) in x {
                        *expected.entry(slot).or_insert(0.0) += v;
                    }
                }
            }
            if count > 0 {
                for x in baseline_hours.iter_mut().chain(hours.iter_mut()) {
                    *x /= count as f64;
                }
            }
            let mut volumes = Vec::with_capacity(cols.volumes.len());
            for (slot, metric, col) in &cols.volumes {
                let mut values = column(columns, trials, *col, 0.0);
                let expected_total = expected.get(slot).copied().unwrap_or(0.0);
                match totals_volumes.iter_mut().find(|(m, _, _)| m == metric) {
                    Some((_, e, v)) => {
                        *e += expected_total;
                        for (a, b) in v.iter_mut().zip(&values) {
                            *a += b;
                        }
                    }
                    None => totals_volumes.push((metric.clone(), expected_total, values.clone())),
                }
                volumes.push(Volume { metric: metric.clone(), expected: expected_total, band: Band::of(&mut values) });
            }
            let mut cost = column(columns, trials, cols.cost, 0.0);
            let mut revenue = column(columns, trials, cols.revenue, 0.0);
            let cost_pct = pct_band(&cost, &revenue);
            role_outcomes.push(RoleOutcome {
                role: setup.name.clone(),
                people: count,
                baseline_hours,
                hours,
                volumes,
                revenue: Band::of(&mut revenue),
                cost: Band::of(&mut cost),
                cost_pct,
            });
        }
        let cost = column(columns, trials, COST, hist_cost);
        let revenue = column(columns, trials, REVENUE, hist_revenue);
        let totals = Totals {
            people: person_outcomes.iter().filter(|p| p.is_some()).count() + hist_people,
            revenue: Band::of(&mut revenue.clone()),
            cost: Band::of(&mut cost.clone()),
            cost_pct: pct_band(&cost, &revenue),
            volumes: totals_volumes
                .iter()
                .map(|(m, e, v)| Volume { metric: m.clone(), expected: *e, band: Band::of(&mut v.clone()) })
                .collect(),
        };

        // The runway, trial by trial.
        let shifts = mc.shift.get(unit).map_or(&[][..], Vec::as_slice);
        let conversions = effects.conversions.get(unit).map_or(&[][..], Vec::as_slice);
        let mut runway = Vec::with_capacity(effects.quarters);
        let rate = runways.first().map_or(0.0, Runway::discount_rate).clamp(0.0, 1.0);
        let mut total_revenue = vec![0.0; trials];
        let mut total_cost = vec![0.0; trials];
        let mut discount = 1.0;
        for q in 1..=effects.quarters {
            let mut q_revenue = Vec::with_capacity(trials);
            let mut q_cost = Vec::with_capacity(trials);
            let mut q_volumes: Vec<(String, f64, Vec<f64>)> = Vec::new();
            for t in 0..trials {
                let at = |col: usize| columns.get(col * trials + t).copied();
                let mut rev = hist_revenue;
                for (r, cols) in layout.roles.iter().enumerate() {
                    let m = |slot: Option<usize>| slot.map_or(1.0, |s| effects.multiplier(unit, r, s, q));
                    rev += at(cols.revenue).unwrap_or(0.0) * m(cal.compiled.revenue_slot());
                    for (slot, metric, col) in &cols.volumes {
                        let v = at(*col).unwrap_or(0.0) * m(Some(*slot));
                        match q_volumes.iter_mut().find(|(name, _, _)| name == metric) {
                            Some((_, _, values)) => {
                                if let Some(x) = values.get_mut(t) {
                                    *x += v;
                                } else {
                                    values.push(v);
                                }
                            }
                            None => q_volumes.push((metric.clone(), 0.0, vec![v])),
                        }
                    }
                }
                rev += conversions.get(q - 1).copied().unwrap_or(0.0);
                q_revenue.push(rev);
                q_cost.push(at(COST).unwrap_or(0.0) + hist_cost + shifts.get(q - 1).copied().unwrap_or(0.0));
            }
            for (t, (r, c)) in q_revenue.iter().zip(&q_cost).enumerate() {
                if let (Some(a), Some(b)) = (total_revenue.get_mut(t), total_cost.get_mut(t)) {
                    *a += discount * r;
                    *b += discount * c;
                }
            }
            discount /= 1.0 + rate;
            let cost_pct = pct_band(&q_cost, &q_revenue);
            let volumes = q_volumes
                .into_iter()
                .map(|(metric, _, mut values)| {
                    let band = Band::of(&mut values);
                    Volume { metric, expected: band.mean, band }
                })
                .collect();
            runway.push(Quarter {
                quarter: q,
                revenue: Band::of(&mut q_revenue),
                cost: Band::of(&mut q_cost),
                cost_pct,
                volumes,
            });
        }

        // People who move at least a hundredth of an hour, the most first.
        let mut movers: Vec<usize> = (0..person_outcomes.len())
            .filter(|&k| person_outcomes[k].as_ref().is_some_and(|p| p.hours_moved >= 0.01))
            .collect();
        movers.sort_by(|&x, &y| {
            let hx = person_outcomes[x].as_ref().map_or(0.0, |p| p.hours_moved);
            let hy = person_outcomes[y].as_ref().map_or(0.0, |p| p.hours_moved);
            hy.total_cmp(&hx).then(x.cmp(&y))
        });
        movers.truncate(options.movers);
        PlanOutcome {
            plan,
            at_history: at_history.get(unit).cloned().unwrap_or_default(),
            roles: role_outcomes,
            totals,
            runway,
            runway_total: super::RunwayTotal {
                discount_rate: rate,
                revenue: Band::of(&mut total_revenue),
                cost: Band::of(&mut total_cost),
            },
            people: person_outcomes,
            movers,
            errors,
            runway_assumptions: runways.get(unit).cloned().unwrap_or_default(),
        }
    };
    // Each plan's outcome on its own (they share nothing they write), on every core.
    let mut computed: Vec<Option<PlanOutcome>> =
        lines_of_unit.into_par_iter().enumerate().map(|(unit, lines)| Some(outcome(unit, lines))).collect();
    // Each outcome moves to its last place in the report (the baseline first, then the plans
    // in the order given); a plan given twice, or the baseline given as a plan, is copied.
    let mut uses = vec![0usize; computed.len()];
    for u in std::iter::once(0).chain(unit_of.iter().copied()) {
        if let Some(n) = uses.get_mut(u) {
            *n += 1;
        }
    }
    let mut place = |u: usize| -> Option<PlanOutcome> {
        let n = uses.get_mut(u)?;
        *n = n.saturating_sub(1);
        let slot = computed.get_mut(u)?;
        if *n == 0 { slot.take() } else { slot.clone() }
    };
    let baseline = place(0).unwrap_or_else(|| outcome(0, Vec::new()));
    let plans = unit_of.iter().filter_map(|&u| place(u)).collect();
    let mut report = SimReport {
        currency: cal.baseline.currency.clone(),
        baseline_plan: cal.baseline.name.clone(),
        trials,
        seed: options.seed,
        quarters: effects.quarters,
        noise_scale: options.noise_scale,
        roles,
        people,
        baseline,
        plans,
        defaults: cal.defaults.clone(),
        skipped,
        paid_on_history: cal.static_people.len(),
        notes,
    };
    into_roster_order(&mut report);
    report
}

/// Puts the report's people (computed in employee-id order) into roster order, with every
/// index that points at them.
fn into_roster_order(report: &mut SimReport) {
    let n = report.people.len();
    let mut perm: Vec<usize> = (0..n).collect();
    perm.sort_by_key(|&k| report.people.get(k).map_or(usize::MAX, |p| p.index));
    if perm.iter().enumerate().all(|(a, &b)| a == b) {
        return;
    }
    let mut position = vec![0; n];
    for (new, &old) in perm.iter().enumerate() {
        if let Some(p) = position.get_mut(old) {
            *p = new;
        }
    }
    let reorder = |list: &mut Vec<Option<PersonOutcome>>| {
        let old = std::mem::take(list);
        *list = perm.iter().map(|&k| old.get(k).cloned().flatten()).collect();
    };
    let old = std::mem::take(&mut report.people);
    report.people = perm.iter().filter_map(|&k| old.get(k).cloned()).collect();
    for plan in std::iter::once(&mut report.baseline).chain(report.plans.iter_mut()) {
        reorder(&mut plan.people);
        for e in &mut plan.errors {
            e.person = position.get(e.person).copied().unwrap_or(e.person);
        }
        plan.errors.sort_by_key(|e| e.person);
        for m in &mut plan.movers {
            *m = position.get(*m).copied().unwrap_or(*m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::calibrate::calibrate;
    use super::*;

    #[test]
    fn quarters_priced_at_once_equal_quarters_priced_one_by_one() {
        let roster = crate::samples::bundled_roster().unwrap();
        let mut compared = 0;
        for key in ["sales_led", "transition", "product_led"] {
            let plan = crate::plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
            let cal = calibrate(crate::sim::Paid::plan(&plan), &roster).unwrap();
            for person in &cal.people {
                let e = &cal.roster.employees[person.index];
                let role = &cal.roles[person.role];
                let mut pay = PersonPay::new(&cal.compiled, e, person, role).unwrap();
                let n = person.hours.len();
                let sigma: Vec<f64> = person.noise.clone();
                let points = gh_points(&person.hours, &sigma);
                // Every written slot with its own multipliers; quarter 2 all at 1 (not priced).
                let targets: Vec<(usize, Vec<f64>)> = pay
                    .writes
                    .iter()
                    .enumerate()
                    .map(|(i, w)| (w.slot, vec![1.02 + 0.01 * i as f64, 1.0, 1.1, 0.9 + 0.05 * i as f64]))
                    .collect();
                let Ok(base) = expected_pay(&mut pay, &points, n, &[]) else { continue };
                let mut want = [0.0; 5];
                let mut failed = false;
                for (q, shift) in want.iter_mut().enumerate() {
                    let scales: Vec<(usize, f64)> =
                        targets.iter().map(|(s, series)| (*s, series.get(q).copied().unwrap_or(1.0))).collect();
                    if scales.iter().all(|(_, m)| *m == 1.0) {
                        continue;
                    }
                    match expected_pay(&mut pay, &points, n, &scales) {
                        Ok(p) => *shift = p - base,
                        Err(_) => failed = true,
                    }
                }
                let mut got = vec![0.0; 5];
                if quarters_at_once(&mut pay, &points, n, &targets, base, &mut got) {
                    assert!(!failed, "{key} {}: priced at once what fails one by one", e.id);
                    assert_eq!(
                        got.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                        want.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
                        "{key} {}",
                        e.id
                    );
                    assert_eq!(got[1], 0.0);
                    compared += 1;
                }
                // The writes' own multipliers are left at 1.
                assert!(pay.writes.iter().all(|w| w.scale == 1.0));
            }
        }
        assert!(compared > 50, "{compared}");
    }
}

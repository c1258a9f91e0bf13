//! The pay of one person under one track for many value tables at once, in `f64`: the behaviour
//! simulation's Monte Carlo asks for a thousand tables per person and plan that differ only in
//! the few values the person's activities produce.
//!
//! Each table's result is bit for bit what [`CompiledPlan::pay_track`] (after
//! [`CompiledPlan::fill_derived`]) gives for it: the batch calls the same rule kernels
//! (`super::rules`), line by line over the batch instead of table by table. A line whose inputs
//! are the same in every table is computed once, and so are the per-person amounts (quota,
//! target incentive, a bonus's target and base, limits).
//!
//! Anything the scalar code would report as an error (a missing value, a quota at 0, a result
//! that is not finite) makes [`CompiledPlan::pay_batch`] give up and return `false`, so the
//! caller computes those tables one by one and gets the scalar code's own error message. It
//! also gives up on what it does not batch (a bonus whose target column varies), and it may
//! give up when the scalar code would not have failed; it never returns a different amount.

use super::CompiledPlan;
use super::compiled::{CompiledMultiplier, CompiledTrack, LineRule, PersonContext, Slot, TargetSlot};
use super::rules::LineInputs;
use super::rules::{NoTrace, limit_total, line_cap, lookup, multiplier_factor};
use crate::plan::Method;

/// A value slot's values across the batch.
#[derive(Clone, Copy)]
enum Col<'a> {
    /// The same in every table.
    Same(f64),
    /// One per table.
    Each(&'a [f64]),
}

/// Buffers [`CompiledPlan::pay_batch`] reuses between calls.
#[derive(Default)]
pub(crate) struct BatchScratch {
    /// A scalar value table, for derived metrics.
    row: Vec<Option<f64>>,
    /// Derived metric columns: `(slot, values)`.
    derived: Vec<(usize, Vec<f64>)>,
    /// Each line's value per table, line after line.
    lines: Vec<f64>,
    /// A commission's tiers for one person: edge and cumulative amount (scaled by the quota
    /// for attainment tiers), and rate.
    edges: Vec<(f64, f64, f64)>,
    /// A bonus curve's points: `x`, `y`, rise and run.
    points: Vec<(f64, f64, f64, f64)>,
}

/// The column of `slot`: derived and varying slots per table, the rest from `values` or the
/// person context; `None` when the scalar lookup would fail.
fn column<'a>(
    slot: &Slot,
    ctx: &PersonContext<f64>,
    values: &[Option<f64>],
    varying: &[(usize, &'a [f64])],
    derived: &'a [(usize, Vec<f64>)],
) -> Option<Col<'a>> {
    if let Slot::Value(i) = slot {
        if let Some((_, c)) = derived.iter().find(|(s, _)| s == i) {
            return Some(Col::Each(c));
        }
        if let Some((_, c)) = varying.iter().find(|(s, _)| s == i) {
            return Some(Col::Each(c));
        }
    }
    lookup(slot, ctx, values).ok().map(Col::Same)
}

impl CompiledPlan {
    /// Sets `out[t]` to the pay of `track` for the value table `values` with each slot of
    /// `varying` set to its `t`-th value (derived metrics recomputed), for every `t` in
    /// `0..out.len()`. Returns `false` when the batch must be computed table by table instead
    /// (see the module documentation); `out` is then unspecified.
    pub(crate) fn pay_batch(
        &self,
        track: &CompiledTrack,
        ctx: &PersonContext<f64>,
        values: &[Option<f64>],
        varying: &[(usize, &[f64])],
        out: &mut [f64],
        scratch: &mut BatchScratch,
    ) -> bool {
        let n = out.len();
        if varying.iter().any(|(_, c)| c.len() != n) {
            return false;
        }
        let BatchScratch { row, derived, lines, edges, points } = scratch;

        // Derived metrics the track reads, table by table with the scalar code.
        derived.clear();
        let needed = || self.derived.iter().filter(|d| track.needs.get(d.slot).copied().unwrap_or(false));
        if needed().next().is_some() {
            let mut cols: Vec<(usize, Vec<f64>)> = needed().map(|d| (d.slot, Vec::with_capacity(n))).collect();
            row.clear();
            row.extend_from_slice(values);
            for t in 0..n {
                for (slot, c) in varying {
                    match (row.get_mut(*slot), c.get(t)) {
                        (Some(cell), Some(v)) => *cell = Some(*v),
                        _ => return false,
                    }
                }
                if self.fill_derived(ctx, track, row).is_err() {
                    return false;
                }
                for (slot, c) in &mut cols {
                    match row.get(*slot).copied().flatten() {
                        Some(v) => c.push(v),
                        None => return false,
                    }
                }
            }
            *derived = cols;
        }
        let derived: &[(usize, Vec<f64>)] = derived;

        // Every line, over the batch (DOMAIN.md step 1), by the rule's own kernel: its inputs
        // once, then its value per table. `ok` turns false on anything the scalar code would
        // report.
        let mut ok = true;
        lines.clear();
        lines.resize(track.lines.len() * n, 0.0);
        for (line, dst) in track.lines.iter().zip(lines.chunks_exact_mut(n.max(1))) {
            let Some(metric) = column(line.metric(), ctx, values, varying, derived) else { return false };
            if let LineRule::Bonus(b) = &line.rule
                && let TargetSlot::Slot(slot, _) = &b.target
            {
                match column(slot, ctx, values, varying, derived) {
                    Some(Col::Same(_)) => {}
                    // A target that varies is not batched.
                    Some(Col::Each(_)) | None => return false,
                }
            }
            let m = match metric {
                Col::Same(_) => {
                    // The same in every table: the scalar code, once.
                    match self.raw_line(line, ctx, values, &mut NoTrace) {
                        Ok(raw) => dst.fill(raw.value),
                        Err(_) => return false,
                    }
                    continue;
                }
                Col::Each(m) => m,
            };
            let Ok(inputs) = self.line_inputs(line, ctx, values) else { return false };
            if !line_column(&line.rule, &inputs, m, dst, edges, points) {
                return false;
            }
        }

        // Multipliers (step 2).
        for mult in &track.multipliers {
            let Some(value) = column(&mult.metric, ctx, values, varying, derived) else { return false };
            for &target in &mult.targets {
                let Some(dst) = lines.get_mut(target * n..(target + 1) * n) else { continue };
                match value {
                    Col::Same(x) => {
                        let f = multiplier_factor(mult, &x).0.f;
                        for v in dst.iter_mut() {
                            *v *= f;
                            ok &= v.is_finite();
                        }
                    }
                    Col::Each(xs) => {
                        for (v, x) in dst.iter_mut().zip(xs) {
                            *v *= factor_of(mult, *x);
                            ok &= v.is_finite();
                        }
                    }
                }
            }
        }

        // Each line's own cap (step 3).
        for (line, dst) in track.lines.iter().zip(lines.chunks_exact_mut(n.max(1))) {
            if let Some(cap) = &line.cap {
                for v in dst.iter_mut() {
                    line_cap(v, cap);
                }
            }
        }

        // The total, then the plan-level cap and guarantee (step 4).
        out.fill(0.0);
        for line in lines.chunks_exact(n.max(1)).take(track.lines.len()) {
            for (total, v) in out.iter_mut().zip(line) {
                *total += v;
                ok &= total.is_finite();
            }
        }
        if !ok {
            return false;
        }
        let cap = match track.cap.as_ref().map(|c| self.limit_amount(c, ctx, "cap")).transpose() {
            Ok(cap) => cap,
            Err(_) => return false,
        };
        let floor = match track.guarantee.as_ref().map(|g| self.limit_amount(g, ctx, "guarantee")).transpose() {
            Ok(floor) => floor,
            Err(_) => return false,
        };
        if cap.is_some() || floor.is_some() {
            for total in out.iter_mut() {
                *total = limit_total(*total, cap, floor);
            }
        }
        true
    }
}

/// [`multiplier_factor`]'s factor at `x`, as `f64`: the step with the largest `from` at or below
/// `x`, 1 below the first step (`Konst::new(1).f`, which is exactly 1.0).
#[inline]
fn factor_of(m: &CompiledMultiplier, x: f64) -> f64 {
    m.steps.iter().rev().find(|(from, _)| from.f <= x).map_or(1.0, |(_, f)| f.f)
}

/// `finite` as the `f64` [`crate::num::Num`] operations check it.
#[inline]
fn fin(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

/// Each value of `ms` through the rule of a line with inputs `inputs`, into `dst`: the same
/// `f64` operations in the same order as [`CompiledPlan::line_value`] (with
/// [`super::rules::curve_value`] and the commission kernel), with the per-person amounts (tier
/// edges scaled by the quota, cumulative amounts) computed once. `false` where the scalar code
/// would report an error, and also where a per-person amount it might not need is not finite.
fn line_column(
    rule: &LineRule,
    inputs: &LineInputs<f64>,
    ms: &[f64],
    dst: &mut [f64],
    edges: &mut Vec<(f64, f64, f64)>,
    points: &mut Vec<(f64, f64, f64, f64)>,
) -> bool {
    match (rule, inputs) {
        (LineRule::Commission(c), LineInputs::Commission { quota }) => {
            // `scale` in the kernel: a tier constant times the prorated quota for attainment.
            let scale = |x: f64| -> Option<f64> {
                match quota {
                    Some(q) => fin(x * q),
                    None => Some(x),
                }
            };
            edges.clear();
            for (from, rate, cum) in &c.tiers {
                let (Some(e), Some(b)) = (scale(from.f), scale(cum.f)) else { return false };
                edges.push((e, b, rate.f));
            }
            let threshold = c.threshold.map(|t| t.f);
            let rates: &[(crate::num::Konst, crate::num::Konst, crate::num::Konst)] = &c.tiers;
            if let Some(done) = commission_fast(c.method, *quota, threshold, edges, ms, dst) {
                return done;
            }
            for (v, &m) in dst.iter_mut().zip(ms) {
                if m < 0.0 {
                    *v = 0.0;
                    continue;
                }
                let measure = match quota {
                    Some(q) => {
                        if *q == 0.0 {
                            return false;
                        }
                        let Some(x) = fin(m / q) else { return false };
                        x
                    }
                    None => m,
                };
                if let Some(th) = threshold
                    && measure < th
                {
                    *v = 0.0;
                    continue;
                }
                let mut lo = 0usize;
                let mut hi = edges.len();
                while lo < hi {
                    let mid = (lo + hi) / 2;
                    let edge = edges.get(mid).map_or(0.0, |e| e.0);
                    if edge <= m { lo = mid + 1 } else { hi = mid }
                }
                let Some(k) = lo.checked_sub(1) else {
                    *v = 0.0;
                    continue;
                };
                let (Some(&(from_k, base, _)), Some((_, rate, _))) = (edges.get(k), rates.get(k)) else { return false };
                let value = match c.method {
                    Method::Retroactive => fin(m * rate.f),
                    Method::Graduated => {
                        fin(m - from_k).and_then(|d| fin(d * rate.f)).and_then(|above| fin(base + above))
                    }
                };
                let Some(value) = value else { return false };
                *v = value;
            }
            true
        }
        (LineRule::Bonus(b), LineInputs::Bonus { target, base }) => {
            if let Some(done) = bonus_fast(&b.curve, *target, *base, ms, dst, points) {
                return done;
            }
            let last_y = b.curve.last().map(|p| p.y.f);
            for (v, &m) in dst.iter_mut().zip(ms) {
                if m < 0.0 {
                    *v = 0.0;
                    continue;
                }
                if *target == 0.0 {
                    return false;
                }
                let Some(x) = fin(m / target) else { return false };
                // `curve_value`: 0 below the first point (or without points), linear between
                // points, flat after the last.
                let y = match (b.curve.first(), last_y) {
                    (Some(first), Some(last_y)) if x >= first.x.f => {
                        let mut y = last_y;
                        for w in b.curve.windows(2) {
                            let (Some(a), Some(n)) = (w.first(), w.get(1)) else { continue };
                            if x < n.x.f {
                                if a.run.f == 0.0 {
                                    return false;
                                }
                                let Some(r) = fin(x - a.x.f)
                                    .and_then(|d| fin(d * a.rise.f))
                                    .and_then(|p| fin(p / a.run.f))
                                    .and_then(|q| fin(q + a.y.f))
                                else {
                                    return false;
                                };
                                y = r;
                                break;
                            }
                        }
                        y
                    }
                    _ => 0.0,
                };
                let Some(value) = fin(base * y) else { return false };
                *v = value;
            }
            true
        }
        (LineRule::PerUnit(u), LineInputs::PerUnit) => {
            let min = u.min_units.map(|k| k.f);
            let max = u.max_units.map(|k| k.f);
            let amount = u.amount.f;
            // Without branches on the values (they would be mispredicted): both outcomes, then
            // the one the kernel takes; an error only where the kernel computes the amount.
            let mut ok = true;
            for (v, &m) in dst.iter_mut().zip(ms) {
                let zero = m < 0.0 || min.is_some_and(|min| m < min);
                let paid = match max {
                    Some(max) if m > max => max,
                    _ => m,
                };
                let value = paid * amount;
                ok &= zero || value.is_finite();
                *v = if zero { 0.0 } else { value };
            }
            ok
        }
        _ => false,
    }
}

/// The commission kernel over a batch without branches on the values, when the tier edges
/// ascend (the binary search then finds the number of edges at or below the metric, which is
/// what this counts) and the quota is not 0: `None` otherwise, for the kernel's own loop.
/// `Some(false)` where the kernel would report an error for some value.
fn commission_fast(
    method: Method,
    quota: Option<f64>,
    threshold: Option<f64>,
    edges: &[(f64, f64, f64)],
    ms: &[f64],
    dst: &mut [f64],
) -> Option<bool> {
    if edges.is_empty() || quota == Some(0.0) {
        return None;
    }
    if !edges.windows(2).all(|w| matches!(w, [a, b] if a.0 <= b.0)) {
        return None;
    }
    let tiers = edges;
    let first = *tiers.first()?;
    let mut ok = true;
    for (v, &m) in dst.iter_mut().zip(ms) {
        let negative = m < 0.0;
        let measure = match quota {
            Some(q) => {
                let x = m / q;
                ok &= negative || x.is_finite();
                x
            }
            None => m,
        };
        let below = threshold.is_some_and(|th| measure < th);
        let k = tiers.iter().filter(|t| t.0 <= m).count();
        let (from_k, base, rate) = tiers.get(k.wrapping_sub(1)).copied().unwrap_or(first);
        let value = match method {
            Method::Retroactive => m * rate,
            Method::Graduated => base + (m - from_k) * rate,
        };
        let zero = negative || below || k == 0;
        ok &= zero || value.is_finite();
        *v = if zero { 0.0 } else { value };
    }
    Some(ok)
}

/// The bonus kernel ([`super::rules::curve_value`] times the base) over a batch without
/// branches on the values, when the curve's points ascend with a positive run between each
/// point and the next (the first segment whose end is above the attainment is then the one
/// after the points at or below it) and the target is not 0: `None` otherwise.
fn bonus_fast(
    curve: &[super::compiled::CompiledPoint],
    target: f64,
    base: f64,
    ms: &[f64],
    dst: &mut [f64],
    points: &mut Vec<(f64, f64, f64, f64)>,
) -> Option<bool> {
    if curve.is_empty() || target == 0.0 {
        return None;
    }
    if !curve.windows(2).all(|w| matches!(w, [a, b] if a.x.f < b.x.f && a.run.f != 0.0)) {
        return None;
    }
    points.clear();
    points.extend(curve.iter().map(|p| (p.x.f, p.y.f, p.rise.f, p.run.f)));
    let points: &[(f64, f64, f64, f64)] = points;
    let len = points.len();
    let first = *points.first()?;
    let last_y = points.last()?.1;
    let mut ok = true;
    for (v, &m) in dst.iter_mut().zip(ms) {
        let negative = m < 0.0;
        let x = m / target;
        let c = points.iter().filter(|p| p.0 <= x).count();
        let (ax, ay, rise, run) = points.get(c.wrapping_sub(1)).copied().unwrap_or(first);
        let between = ((x - ax) * rise) / run + ay;
        let y = if c == 0 {
            0.0
        } else if c == len {
            last_y
        } else {
            between
        };
        let value = base * y;
        ok &= negative || (x.is_finite() && value.is_finite() && (c == 0 || c == len || between.is_finite()));
        *v = if negative { 0.0 } else { value };
    }
    Some(ok)
}

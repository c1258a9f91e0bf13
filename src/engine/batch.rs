//! The pay of one person under one track for many value tables at once, in `f64`: the behaviour
//! simulation's Monte Carlo asks for a thousand tables per person and plan that differ only in
//! the few values the person's activities produce.
//!
//! Each table's result is bit for bit what [`CompiledPlan::pay_track`] (after
//! [`CompiledPlan::fill_derived`]) gives for it: the same `f64` operations in the same order,
//! taken line by line over the batch instead of table by table, so the rules are looked at once
//! per batch. A line whose inputs are the same in every table is computed once, by the scalar
//! code itself, and so are the per-person amounts (quota, target incentive, limits).
//!
//! Anything the scalar code would report as an error (a missing value, a quota at 0, a result
//! that is not finite) makes [`CompiledPlan::pay_batch`] give up and return `false`, so the
//! caller computes those tables one by one and gets the scalar code's own error message. It
//! also gives up on what it does not batch (a bonus whose target column varies), and it may
//! give up when the scalar code would not have failed; it never returns a different amount.

use super::CompiledPlan;
use super::compiled::{
    BaseKonst, CompiledTrack, LineRule, NoTrace, PersonContext, Slot, TargetSlot, curve_value, lookup, quota_of,
};
use crate::plan::{Basis, Method};

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
    /// A commission's tier edges and cumulative amounts in money.
    edges: Vec<(f64, f64)>,
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
        let BatchScratch { row, derived, lines, edges } = scratch;

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

        // Every line, over the batch (DOMAIN.md step 1). `ok` turns false on anything the
        // scalar code checks and would report.
        let mut ok = true;
        lines.clear();
        lines.resize(track.lines.len() * n, 0.0);
        for (line, dst) in track.lines.iter().zip(lines.chunks_exact_mut(n.max(1))) {
            let (metric, target) = match &line.rule {
                LineRule::Commission(c) => (&c.metric, None),
                LineRule::Bonus(b) => (&b.metric, Some(&b.target)),
                LineRule::PerUnit(u) => (&u.metric, None),
            };
            let Some(metric) = column(metric, ctx, values, varying, derived) else { return false };
            let target_varies = match target {
                Some(TargetSlot::Slot(slot, _)) => match column(slot, ctx, values, varying, derived) {
                    Some(Col::Each(_)) => true,
                    Some(Col::Same(_)) => false,
                    None => return false,
                },
                _ => false,
            };
            let m = match (metric, target_varies) {
                (_, true) => return false,
                (Col::Same(_), false) => {
                    // The same in every table: the scalar code, once.
                    match self.raw_line(line, ctx, values, &mut NoTrace) {
                        Ok(raw) => dst.fill(raw.value),
                        Err(_) => return false,
                    }
                    continue;
                }
                (Col::Each(m), false) => m,
            };
            match &line.rule {
                LineRule::Commission(c) => {
                    let q = match c.basis {
                        Basis::Attainment => match quota_of(ctx) {
                            Ok(q) => Some(q),
                            Err(_) => return false,
                        },
                        Basis::Amount => None,
                    };
                    // `scale` in the scalar code: a tier constant in money.
                    let scale = |x: f64| q.map_or(x, |q| x * q);
                    edges.clear();
                    edges.extend(c.tiers.iter().map(|(from, _, cum)| (scale(from.f), scale(cum.f))));
                    if edges.iter().any(|(e, c)| !e.is_finite() || !c.is_finite()) {
                        return false;
                    }
                    let threshold = c.threshold.map(|th| th.f);
                    for (v, &m) in dst.iter_mut().zip(m) {
                        if m < 0.0 {
                            *v = 0.0;
                            continue;
                        }
                        let measure = match q {
                            Some(q) => m / q,
                            None => m,
                        };
                        ok &= measure.is_finite();
                        if threshold.is_some_and(|th| measure < th) {
                            *v = 0.0;
                            continue;
                        }
                        // The scalar code's search, on the same edges.
                        let mut lo = 0usize;
                        let mut hi = edges.len();
                        while lo < hi {
                            let mid = (lo + hi) / 2;
                            let edge = edges.get(mid).map_or(0.0, |e| e.0);
                            if edge <= m { lo = mid + 1 } else { hi = mid }
                        }
                        let tier = lo.checked_sub(1).and_then(|k| Some((c.tiers.get(k)?, edges.get(k)?)));
                        *v = match tier {
                            None => 0.0,
                            Some(((_, rate, _), &(from, cum))) => match c.method {
                                Method::Retroactive => m * rate.f,
                                Method::Graduated => {
                                    let above = m - from;
                                    ok &= above.is_finite();
                                    let above = above * rate.f;
                                    ok &= above.is_finite();
                                    cum + above
                                }
                            },
                        };
                        ok &= v.is_finite();
                    }
                }
                LineRule::Bonus(b) => {
                    let target = match &b.target {
                        TargetSlot::Quota => match quota_of(ctx) {
                            Ok(q) => q,
                            Err(_) => return false,
                        },
                        TargetSlot::Value(v) => v.f,
                        TargetSlot::Slot(slot, _) => match lookup(slot, ctx, values) {
                            Ok(v) => v,
                            Err(_) => return false,
                        },
                    };
                    if target <= 0.0 {
                        return false;
                    }
                    let base = match &b.base {
                        BaseKonst::TiShare(share) => match ctx.target_incentive {
                            Some(ti) => ti * share.f,
                            None => return false,
                        },
                        BaseKonst::Amount(a) => a.f,
                    };
                    if !base.is_finite() {
                        return false;
                    }
                    for (v, &m) in dst.iter_mut().zip(m) {
                        if m < 0.0 {
                            *v = 0.0;
                            continue;
                        }
                        let x = m / target;
                        ok &= x.is_finite();
                        *v = match curve_value(&b.curve, x, &mut NoTrace) {
                            Ok(y) => base * y,
                            Err(_) => {
                                ok = false;
                                0.0
                            }
                        };
                        ok &= v.is_finite();
                    }
                }
                LineRule::PerUnit(u) => {
                    let min = u.min_units.map(|k| k.f);
                    let max = u.max_units.map(|k| k.f);
                    let amount = u.amount.f;
                    for (v, &m) in dst.iter_mut().zip(m) {
                        if m < 0.0 || min.is_some_and(|min| m < min) {
                            *v = 0.0;
                            continue;
                        }
                        let paid = match max {
                            Some(max) if m > max => max,
                            _ => m,
                        };
                        *v = paid * amount;
                        ok &= v.is_finite();
                    }
                }
            }
        }

        // Multipliers (step 2).
        for mult in &track.multipliers {
            let Some(value) = column(&mult.metric, ctx, values, varying, derived) else { return false };
            let factor_at =
                |x: f64| mult.steps.iter().rev().find(|(from, _)| from.f <= x).map_or(1.0, |(_, factor)| factor.f);
            for &target in &mult.targets {
                let Some(dst) = lines.get_mut(target * n..(target + 1) * n) else { continue };
                match value {
                    Col::Same(x) => {
                        let f = factor_at(x);
                        for v in dst.iter_mut() {
                            *v *= f;
                            ok &= v.is_finite();
                        }
                    }
                    Col::Each(xs) => {
                        for (v, &x) in dst.iter_mut().zip(xs) {
                            *v *= factor_at(x);
                            ok &= v.is_finite();
                        }
                    }
                }
            }
        }

        // Each line's own cap (step 3).
        for (line, dst) in track.lines.iter().zip(lines.chunks_exact_mut(n.max(1))) {
            if let Some(cap) = line.cap {
                for v in dst.iter_mut() {
                    if *v > cap.f {
                        *v = cap.f;
                    }
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
        if let Some(cap) = &track.cap {
            let Ok(limit) = self.limit_amount(cap, ctx, "cap") else { return false };
            for total in out.iter_mut() {
                if limit < *total {
                    *total = limit;
                }
            }
        }
        if let Some(g) = &track.guarantee {
            let Ok(limit) = self.limit_amount(g, ctx, "guarantee") else { return false };
            for total in out.iter_mut() {
                if limit > *total {
                    *total = limit;
                }
            }
        }
        true
    }
}

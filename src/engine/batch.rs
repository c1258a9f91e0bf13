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
use super::compiled::{CompiledTrack, LineRule, PersonContext, Slot, TargetSlot};
use super::rules::{NoTrace, limit_total, line_cap, lookup, multiplier_factor};

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
        let BatchScratch { row, derived, lines } = scratch;

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
            for (v, &m) in dst.iter_mut().zip(m) {
                match self.line_value(line, ctx, &inputs, m, &mut NoTrace) {
                    Ok(raw) => *v = raw.value,
                    Err(_) => {
                        ok = false;
                        break;
                    }
                }
            }
            if !ok {
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
                            *v *= multiplier_factor(mult, x).0.f;
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

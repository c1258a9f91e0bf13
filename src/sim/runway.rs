//! The runway: how activity pays back in later quarters.
//!
//! Hours are taken as steady from the plan's first quarter on; volumes are the expected totals
//! over everyone simulated.
//! * A conversion turns the units made in quarter `q − lag` into customers in quarter `q`:
//!   `rate × units × (prospects left ÷ pool)`, from a pool of `pool_quarters` quarters of the
//!   baseline plan's conversions, so conversions slow down as the pool empties. Customers
//!   churn: each quarter keeps `1 − churn` of them. Revenue is customers × revenue per
//!   quarter. Every unit counts, the baseline's own flow included, so the baseline's runway
//!   rises too, and levels off.
//! * A productivity effect counts the *change* from the baseline's volumes per person of the
//!   role (today's flow keeps today's productivity): a stock that grows by that change each
//!   quarter from `lag` quarters on and fades by `decay`; the role's output per hour is
//!   multiplied by `1 + max × (1 − e^{−uplift × stock / max})` (with the sign of the stock),
//!   which is `1 + uplift × stock` while small and never passes `1 ± max`.
use std::collections::BTreeMap;

use super::Solved;
use super::calibrate::Calibration;
use crate::plan::assumptions::{Runway, dec_f64};

/// A metric slot and its multiplier in each quarter.
pub(crate) type SlotSeries = (usize, Vec<f64>);

/// Every plan unit's runway effects.
#[derive(Clone, Debug)]
pub(crate) struct Effects {
    /// Quarters projected.
    pub quarters: usize,
    /// Per unit, per role: (metric slot, multiplier per quarter) for slots whose productivity
    /// changes.
    pub multipliers: Vec<Vec<Vec<SlotSeries>>>,
    /// Per unit: expected revenue from conversions in each quarter.
    pub conversions: Vec<Vec<f64>>,
    /// Assumptions that could not be applied.
    pub notes: Vec<String>,
}

fn lag_of(lag: i64) -> usize {
    usize::try_from(lag).unwrap_or(0)
}

/// `1 + max × (1 − e^{−uplift × stock / max})`, with the sign of the stock (about
/// `1 + uplift × stock` while that is small); 1 when `max` is 0; never below 0.
fn saturating(uplift: f64, stock: f64, max: f64) -> f64 {
    let x = uplift * stock;
    let m = if max > 0.0 { 1.0 + max * (1.0 - super::mathx::exp(-x.abs() / max)).copysign(x) } else { 1.0 };
    if m.is_finite() { m.max(0.0) } else { 1.0 }
}

impl Effects {
    pub(crate) fn new(
        cal: &Calibration,
        solved: &[Solved],
        kept: &[usize],
        runways: &[Runway],
        quarters: usize,
    ) -> Self {
        let units = runways.len();
        // Expected totals per unit per metric slot, over the people simulated.
        let mut totals: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); units];
        let mut heads = vec![0usize; cal.roles.len()];
        for &i in kept {
            let (Some(s), Some(p)) = (solved.get(i), cal.people.get(i)) else { continue };
            if let Some(h) = heads.get_mut(p.role) {
                *h += 1;
            }
            for (u, expected) in s.expected.iter().enumerate() {
                if let Some(t) = totals.get_mut(u) {
                    for &(slot, v) in expected {
                        *t.entry(slot).or_insert(0.0) += v;
                    }
                }
            }
        }
        let total = |u: usize, slot: usize| totals.get(u).and_then(|t| t.get(&slot)).copied().unwrap_or(0.0);
        let mut notes: Vec<String> = Vec::new();
        let mut note = |text: String| {
            if !notes.contains(&text) {
                notes.push(text);
            }
        };
        let mut multipliers = Vec::with_capacity(units);
        let mut conversions = Vec::with_capacity(units);
        for (u, runway) in runways.iter().enumerate() {
            let mut revenue = vec![0.0; quarters];
            for c in &runway.conversions {
                let Some(slot) = cal.roster.metric_index(&c.metric) else {
                    note(format!("runway: the roster has no `{}` column; that conversion is left out", c.metric));
                    continue;
                };
                let rate = dec_f64(c.rate);
                let per_quarter = dec_f64(c.revenue_per_quarter);
                let churn = c.churn().clamp(0.0, 1.0);
                let units = total(u, slot).max(0.0);
                // The pool, in customers: quarters of the baseline's conversions (of this
                // plan's when the baseline makes none).
                let pace = rate * if total(0, slot) > 0.0 { total(0, slot) } else { units };
                let pool = c.pool_quarters() * pace;
                let lag = lag_of(c.lag_quarters);
                let (mut left, mut customers) = (pool, 0.0);
                for (q, r) in revenue.iter_mut().enumerate() {
                    customers *= 1.0 - churn;
                    if q + 1 > lag && pool > 0.0 {
                        let new = (rate * units * left / pool).min(left);
                        left -= new;
                        customers += new;
                    }
                    *r += customers * per_quarter;
                }
            }
            conversions.push(revenue);
            let mut per_role: Vec<Vec<(usize, Vec<f64>)>> = vec![Vec::new(); cal.roles.len()];
            for p in &runway.productivity {
                let Some(role) = cal.roles.iter().position(|r| r.name.eq_ignore_ascii_case(&p.role)) else {
                    note(format!(
                        "runway: no simulated `{}` people; the `{}` productivity effect is left out",
                        p.role, p.metric
                    ));
                    continue;
                };
                let (Some(source), Some(target)) =
                    (cal.roster.metric_index(&p.metric), cal.roster.metric_index(p.applies_to()))
                else {
                    note(format!(
                        "runway: the roster has no `{}` or `{}` column; that productivity effect is left out",
                        p.metric,
                        p.applies_to()
                    ));
                    continue;
                };
                let count = heads.get(role).copied().unwrap_or(0);
                if count == 0 {
                    continue;
                }
                let per_head = (total(u, source) - total(0, source)) / count as f64;
                let uplift = dec_f64(p.uplift);
                let (max, decay) = (p.max_uplift().clamp(0.0, 1.0), p.decay().clamp(0.0, 1.0));
                let lag = lag_of(p.lag_quarters);
                let Some(list) = per_role.get_mut(role) else { continue };
                let index = match list.iter().position(|(s, _)| *s == target) {
                    Some(i) => i,
                    None => {
                        list.push((target, vec![1.0; quarters]));
                        list.len() - 1
                    }
                };
                if let Some((_, series)) = list.get_mut(index) {
                    let mut stock = 0.0;
                    for (q, m) in series.iter_mut().enumerate() {
                        stock *= 1.0 - decay;
                        if q + 1 > lag {
                            stock += per_head;
                        }
                        *m += saturating(uplift, stock, max) - 1.0;
                    }
                }
            }
            for list in &mut per_role {
                for (_, series) in list.iter_mut() {
                    for m in series.iter_mut() {
                        if !m.is_finite() || *m < 0.0 {
                            *m = 0.0;
                        }
                    }
                }
                list.retain(|(_, series)| series.iter().any(|m| *m != 1.0));
            }
            multipliers.push(per_role);
        }
        Self { quarters, multipliers, conversions, notes }
    }

    /// The productivity multipliers for a role under a unit.
    pub(crate) fn for_role(&self, unit: usize, role: usize) -> &[(usize, Vec<f64>)] {
        self.multipliers.get(unit).and_then(|r| r.get(role)).map_or(&[], Vec::as_slice)
    }

    /// The multiplier of `slot` for `role` in quarter `q` (1-based).
    pub(crate) fn multiplier(&self, unit: usize, role: usize, slot: usize, q: usize) -> f64 {
        self.for_role(unit, role)
            .iter()
            .find(|(s, _)| *s == slot)
            .and_then(|(_, series)| series.get(q.wrapping_sub(1)))
            .copied()
            .unwrap_or(1.0)
    }
}

//! The runway: how extra activity pays back in later quarters.
//!
//! Hours are taken as steady from the plan's first quarter on. Effects are counted on the
//! *change* from the baseline plan's expected volumes (today's flow of signups and insights is
//! already in today's revenue), summed over everyone:
//! * a conversion turns each extra unit into `rate × revenue_per_quarter` of revenue in every
//!   quarter from `lag` quarters later on: in quarter `q`, `max(0, q − lag)` quarters of extra
//!   units are paying (expected units, so the baseline plan's own runway is flat);
//! * a productivity effect raises the target role's output per hour (revenue by default) by
//!   `uplift` per extra unit per person of that role, for each quarter of extra units at least
//!   `lag` quarters old: multiplier `1 + uplift × Δ per head × max(0, q − lag)` (never below 0).

use std::collections::BTreeMap;

use super::Solved;
use super::calibrate::Calibration;
use crate::plan::assumptions::{Runway, dec_f64};

/// A metric slot and its multiplier in each quarter.
pub(crate) type SlotSeries = (usize, Vec<f64>);

/// A conversion, resolved for one plan.
#[derive(Clone, Debug)]
pub(crate) struct Conv {
    /// Revenue per extra unit per quarter once converted: rate × revenue per quarter.
    pub value: f64,
    /// Quarters from the unit to its first revenue.
    pub lag: usize,
    /// Expected extra units per quarter over the baseline plan's.
    pub delta: f64,
}

/// Every plan unit's runway effects.
#[derive(Clone, Debug)]
pub(crate) struct Effects {
    /// Quarters projected.
    pub quarters: usize,
    /// Per unit, per role: (metric slot, multiplier per quarter) for slots whose productivity
    /// changes.
    pub multipliers: Vec<Vec<Vec<SlotSeries>>>,
    /// Per unit: conversions.
    pub conversions: Vec<Vec<Conv>>,
    /// Assumptions that could not be applied.
    pub notes: Vec<String>,
}

/// Quarters in which `lag`-old extra units are paying in quarter `q` (1-based).
pub(crate) fn paying_quarters(q: usize, lag: usize) -> f64 {
    q.saturating_sub(lag) as f64
}

fn lag_of(lag: i64) -> usize {
    usize::try_from(lag).unwrap_or(0)
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
            let mut convs = Vec::new();
            for c in &runway.conversions {
                let Some(slot) = cal.roster.metric_index(&c.metric) else {
                    note(format!("runway: the roster has no `{}` column; that conversion is left out", c.metric));
                    continue;
                };
                convs.push(Conv {
                    value: dec_f64(c.rate) * dec_f64(c.revenue_per_quarter),
                    lag: lag_of(c.lag_quarters),
                    delta: total(u, slot) - total(0, slot),
                });
            }
            conversions.push(convs);
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
                    for (q, m) in series.iter_mut().enumerate() {
                        *m += uplift * per_head * paying_quarters(q + 1, lag);
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

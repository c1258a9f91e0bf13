//! Keeping the payouts an edit cannot change. After an edit the app computes the plan again on
//! the same roster; a person's payout depends only on their own row, their track and the
//! plan-wide settings (currency, period, fx, rounding, derived metrics, plan cap and guarantee),
//! and on the other tracks only through their component ids (which number the lines) and their
//! commission metrics (which columns are money). When none of those changed for a track, its
//! people's previous payouts are kept rather than computed again.

use super::{CompiledPlan, EmployeePayout, PayoutReport};
use crate::plan::{Component, ComponentKind, Plan, Track};

/// A previous result of the same plan on the same roster (the caller vouches for the roster).
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    /// The plan as it was computed.
    pub plan: &'a Plan,
    /// Its report, on the same roster as the new computation.
    pub report: &'a PayoutReport,
}

/// The previous payouts that still hold, by roster index.
pub(super) struct Kept<'a> {
    /// By roster index: the person's previous payout, when their track's payouts still hold.
    paid: Vec<Option<&'a EmployeePayout>>,
}

impl<'a> Kept<'a> {
    /// What `previous` still holds under `plan`, or `None` when nothing does.
    pub(super) fn new(compiled: &CompiledPlan, plan: &Plan, previous: Previous<'a>, roster_len: usize) -> Option<Self> {
        let tracks = unchanged_tracks(previous.plan, plan)?;
        if !tracks.iter().any(|t| *t) || tracks.len() != compiled.track_roles.len() {
            return None;
        }
        // Same roster, same track keys: each person's role finds the same track as before.
        let mut paid = vec![None; roster_len];
        for p in &previous.report.employees {
            if let (Some(cell), Some(true)) = (paid.get_mut(p.index), tracks.get(p.track)) {
                *cell = Some(p);
            }
        }
        Some(Self { paid })
    }

    /// The previous payout of the person at `index`, if it still holds.
    pub(super) fn get(&self, index: usize) -> Option<&'a EmployeePayout> {
        self.paid.get(index).copied().flatten()
    }
}

/// For each track of `new` (in plan order), whether its people's payouts are the same as under
/// `old`; `None` when a plan-wide setting or the list of tracks changed.
fn unchanged_tracks(old: &Plan, new: &Plan) -> Option<Vec<bool>> {
    // Every field is named, so that a new one must be sorted here: whether payouts depend on it.
    let Plan {
        schema,
        name: _,
        description: _,
        currency,
        period,
        fx,
        rounding,
        metrics,
        tracks,
        cap,
        guarantee,
        assumptions: _,
        schedule,
    } = old;
    let plan_wide = *schema == new.schema
        && *currency == new.currency
        && *period == new.period
        && *fx == new.fx
        && *rounding == new.rounding
        && *metrics == new.metrics
        && *cap == new.cap
        && *guarantee == new.guarantee
        && *schedule == new.schedule
        && tracks.len() == new.tracks.len()
        && tracks.keys().eq(new.tracks.keys());
    if !plan_wide {
        return None;
    }
    let shapes_equal = old.tracks.values().zip(new.tracks.values()).all(|(a, b)| shape(a).eq(shape(b)));
    if !shapes_equal {
        return None;
    }
    Some(old.tracks.values().zip(new.tracks.values()).map(|(a, b)| a == b).collect())
}

/// What other tracks' payouts depend on in a track: its components' kinds and ids (the lines'
/// numbering) and its commissions' metrics (the money columns converted with fx).
fn shape(track: &Track) -> impl Iterator<Item = (ComponentKind, &str, Option<&str>)> {
    track.components.iter().map(|c| {
        let metric = match c {
            Component::Commission(com) => Some(com.metric.as_str()),
            _ => None,
        };
        (c.kind(), c.id(), metric)
    })
}

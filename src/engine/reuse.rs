//! Keeping the payouts an edit cannot change. After an edit the app computes the plan again on
//! the same roster; a person's payout depends only on their own row, their track and the
//! plan-wide settings (currency, period, fx, rounding, derived metrics, plan cap and guarantee),
//! and on the other tracks only through their component ids (which number the lines) and their
//! commission metrics (which columns are money). When none of those changed for a track, its
//! people's previous payouts are kept rather than computed again. When only some of a track's
//! components changed (not its multipliers), or only its cap or guarantee (its own or the
//! plan's), its people's other lines are kept: only the changed lines are computed, then the
//! cap and guarantee applied again.

use super::compiled::{CompiledTrack, LineRule, Reads};
use super::{CompiledPlan, EmployeePayout, PayoutReport};
use crate::plan::{Component, ComponentKind, Plan, Track};

/// What an edit leaves of a track's previous payouts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Reuse {
    /// Nothing: its people are computed afresh.
    Nothing,
    /// Every payout, copied as it was.
    Whole,
    /// The lines of the components the edit did not change (by line, `true` where it changed):
    /// the others are computed, and the track's cap and guarantee applied again.
    Lines(Vec<bool>),
}

/// A previous result of the same plan on the same roster (the caller vouches for the roster).
#[derive(Clone, Copy)]
pub struct Previous<'a> {
    /// The plan as it was computed.
    pub plan: &'a Plan,
    /// Its report, on the same roster as the new computation.
    pub report: &'a PayoutReport,
}

/// The previous payouts that still hold, in whole or in part.
pub(super) struct Kept<'a> {
    /// The previous report's people paid, in roster order.
    paid: &'a [EmployeePayout],
    /// By track slot: what holds of its payouts.
    tracks: Vec<Reuse>,
    /// By track slot, for the tracks whose lines are kept in part: what the lines that may be
    /// computed read (see [`may_compute`]). Nothing else of the person's row is converted.
    reads: Vec<Option<Reads>>,
}

impl<'a> Kept<'a> {
    /// What `previous` still holds under `plan`, or `None` when nothing does.
    pub(super) fn new(compiled: &CompiledPlan, plan: &Plan, previous: Previous<'a>) -> Option<Self> {
        let tracks = reuse_by_track(previous.plan, plan)?;
        if tracks.iter().all(|t| *t == Reuse::Nothing) || tracks.len() != compiled.track_roles.len() {
            return None;
        }
        let reads = compiled
            .track_roles
            .iter()
            .zip(&tracks)
            .map(|(role, reuse)| match (compiled.track(role), reuse) {
                (Some(track), Reuse::Lines(changed)) => {
                    Some(compiled.reads_of_lines(track, &may_compute(track, changed)))
                }
                _ => None,
            })
            .collect();
        // Same roster, same track keys: each person's role finds the same track as before.
        Some(Self { paid: &previous.report.employees, tracks, reads })
    }

    /// The previous payouts from roster index `start` on, to be asked for in roster order.
    pub(super) fn from(&self, start: usize) -> KeptFrom<'_, 'a> {
        let at = self.paid.partition_point(|p| p.index < start);
        KeptFrom { rest: self.paid.get(at..).unwrap_or_default(), kept: self }
    }
}

/// Which of `track`'s lines a person's payout may compute when the edit `changed` some:
/// the changed ones, and every line up to the first that measures attainment (a commission
/// in attainment of quota, or a bonus: its metric against its target), which the payout shows
/// (see `rules::Subset`). Should someone's lines be computed beyond these, they find their
/// values missing, and the person is computed afresh: the same payout, only slower.
pub(super) fn may_compute(track: &CompiledTrack, changed: &[bool]) -> Vec<bool> {
    let first_attainment = track.lines.iter().position(|l| match &l.rule {
        LineRule::Commission(c) => c.basis == crate::plan::Basis::Attainment,
        LineRule::Bonus(_) => true,
        LineRule::PerUnit(_) => false,
    });
    (0..track.lines.len())
        .map(|i| changed.get(i).copied().unwrap_or(true) || first_attainment.is_some_and(|f| i <= f))
        .collect()
}

/// What holds of one person's previous payout (see [`KeptFrom::get`]).
pub(super) enum Keep<'k> {
    /// All of it.
    Whole,
    /// The lines not marked in `changed`; `reads` is what the others read.
    Lines { changed: &'k [bool], reads: &'k Reads },
}

/// The previous payouts from some roster index on (see [`Kept::from`]).
pub(super) struct KeptFrom<'k, 'a> {
    rest: &'a [EmployeePayout],
    kept: &'k Kept<'a>,
}

impl<'k, 'a> KeptFrom<'k, 'a> {
    /// The previous payout of the person at `index` and what holds of it, if anything does; the
    /// indexes asked for ascend. (A payout is only ever taken for the person it is of: were the
    /// report not in roster order, people would only be missed, and computed afresh.)
    pub(super) fn get(&mut self, index: usize) -> Option<(&'a EmployeePayout, Keep<'k>)> {
        while let Some((p, rest)) = self.rest.split_first()
            && p.index < index
        {
            self.rest = rest;
        }
        let p = self.rest.first().filter(|p| p.index == index)?;
        match self.kept.tracks.get(p.track)? {
            Reuse::Nothing => None,
            Reuse::Whole => Some((p, Keep::Whole)),
            Reuse::Lines(changed) => {
                let reads = self.kept.reads.get(p.track)?.as_ref()?;
                Some((p, Keep::Lines { changed, reads }))
            }
        }
    }
}

/// For each track of `new` (in plan order), what holds of its people's payouts under `old`;
/// `None` when a plan-wide setting or the list of tracks changed.
fn reuse_by_track(old: &Plan, new: &Plan) -> Option<Vec<Reuse>> {
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
        money_columns,
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
        && *money_columns == new.money_columns
        && *schedule == new.schedule
        && tracks.len() == new.tracks.len()
        && tracks.keys().eq(new.tracks.keys());
    if !plan_wide {
        return None;
    }
    // Which columns are money follows the whole plan (a bonus measured against the quota makes
    // its metric money for every line that reads it): when that changes, rows in other
    // currencies read other values everywhere.
    if crate::plan::money::money_columns(old) != crate::plan::money::money_columns(new) {
        return None;
    }
    let shapes_equal = old.tracks.values().zip(new.tracks.values()).all(|(a, b)| shape(a).eq(shape(b)));
    if !shapes_equal {
        return None;
    }
    // The plan's cap and guarantee are the limits of the tracks without their own.
    let (cap_changed, guarantee_changed) = (*cap != new.cap, *guarantee != new.guarantee);
    Some(
        old.tracks
            .values()
            .zip(new.tracks.values())
            .map(|(a, b)| {
                let limits_changed = (cap_changed && b.cap.is_none()) || (guarantee_changed && b.guarantee.is_none());
                reuse(a, b, limits_changed)
            })
            .collect(),
    )
}

/// What holds of the payouts of track `old` under `new`, the same shape (see [`shape`]), when
/// the plan-wide limits it takes changed (`limits_changed`) or not.
fn reuse(old: &Track, new: &Track, limits_changed: bool) -> Reuse {
    if old == new && !limits_changed {
        return Reuse::Whole;
    }
    // The cap and guarantee are applied again to everyone's lines; a line depends on its
    // component and on the multipliers that apply to it.
    let Track { components, cap: _, guarantee: _ } = old;
    let pairs = || components.iter().zip(&new.components);
    let is_line = |c: &Component| c.kind() != ComponentKind::Multiplier;
    if pairs().any(|(a, b)| !is_line(a) && a != b) {
        return Reuse::Nothing;
    }
    Reuse::Lines(pairs().filter(|(a, _)| is_line(a)).map(|(a, b)| a != b).collect())
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

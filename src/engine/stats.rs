//! Aggregates for charts and comparisons, computed once per result (never per frame): sorted
//! totals for histograms, each person's total by roster index for winners and losers, and cost
//! by role and component.

use std::sync::Arc;

use indexmap::IndexMap;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use super::warnings::PaidWarnings;
use super::{EmployeePayout, PayoutReport};
use crate::roster::Text;

/// One role's sums while aggregating: revenue, and per component slot (first seen, name, sum).
struct RoleSums {
    role: Text,
    revenue: Decimal,
    components: Vec<Option<(usize, super::Name, Decimal)>>,
}

/// A total as a float, for charts: `d.to_f64()`, without its 128-bit division for the totals
/// people have (under 2⁴⁸ in minor units; the same bits, see the tests).
pub(crate) fn total_f64(d: Decimal) -> f64 {
    /// Powers of ten a float holds exactly.
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ];
    let units = d.mantissa().unsigned_abs();
    match POW10.get(d.scale() as usize) {
        // Both exact as floats, so the quotient is the nearest float to the decimal, as is
        // `to_f64`'s for these (it divides, then rounds to the scale and divides again).
        Some(pow) if units < 1 << 48 => {
            let v = units as f64 / pow;
            // `to_f64` keeps the sign of a negative zero with decimal places, not without.
            if d.is_sign_negative() && (d.scale() > 0 || units != 0) { -v } else { v }
        }
        _ => d.to_f64().unwrap_or(0.0),
    }
}

/// Everyone's total as a float, ascending (for histograms and percentiles).
pub(crate) fn sorted_totals<'a>(paid: impl Iterator<Item = &'a EmployeePayout>) -> Vec<f64> {
    let mut totals: Vec<f64> = paid.map(|e| total_f64(e.total)).collect();
    totals.sort_unstable_by(f64::total_cmp);
    totals
}

/// [`PlanStats`] but the sorted totals, added up one person at a time, in roster order, for the
/// people of a run of the roster (the engine adds them in the same pass as the report's own
/// sums, each run on the core that computed it, then appends the runs in order).
pub(crate) struct Sums {
    /// The roster index of `by_index`'s first entry.
    start: usize,
    by_index: Vec<Option<Decimal>>,
    /// Sums by role and component slot, found without hashing (roles are few, component slots
    /// are indexes), in the order each first appears; named once at the end.
    roles: Vec<RoleSums>,
    order: usize,
    /// Teams and roles are interned by the roster import, so most repeats are the same
    /// allocations: one pointer lookup each, and the strings are compared only among the
    /// distinct ones. (team, role) pairs.
    team_seen: foldhash::HashSet<(usize, usize)>,
    teams: Vec<(Text, Text)>,
    /// Whether every sum so far fitted a decimal.
    fits: bool,
    paid_warnings: PaidWarnings,
}

impl Sums {
    /// Nobody yet, for a roster of `roster_len`.
    pub(crate) fn new(roster_len: usize) -> Self {
        let mut sums = Self::starting_at(0);
        sums.reach(roster_len);
        sums
    }

    /// Nobody yet, for people of a roster from index `start` on (see [`Sums::reach`]).
    pub(crate) fn starting_at(start: usize) -> Self {
        Self {
            start,
            by_index: Vec::new(),
            roles: Vec::new(),
            order: 0,
            team_seen: foldhash::HashSet::default(),
            teams: Vec::new(),
            fits: true,
            paid_warnings: PaidWarnings::default(),
        }
    }

    /// Counts everyone before roster index `end` (paid or not).
    pub(crate) fn reach(&mut self, end: usize) {
        let len = end.saturating_sub(self.start);
        if self.by_index.len() < len {
            self.by_index.resize(len, None);
        }
    }

    /// Adds the next person paid.
    pub(crate) fn add(&mut self, e: &EmployeePayout) {
        self.paid_warnings.add(e);
        if !self.fits {
            return;
        }
        self.fits = self.try_add(e).is_some();
    }

    fn try_add(&mut self, e: &EmployeePayout) -> Option<()> {
        if self.team_seen.insert((e.team.as_ptr().addr(), e.role.as_ptr().addr())) {
            self.teams.push((Arc::clone(&e.team), Arc::clone(&e.role)));
        }
        if let Some(i) = e.index.checked_sub(self.start) {
            self.reach(e.index + 1);
            if let Some(slot) = self.by_index.get_mut(i) {
                *slot = Some(e.total);
            }
        }
        let at = match self.roles.iter().position(|r| *r.role == *e.role) {
            Some(at) => at,
            None => {
                self.roles.push(RoleSums { role: Arc::clone(&e.role), revenue: Decimal::ZERO, components: Vec::new() });
                self.roles.len() - 1
            }
        };
        let Some(sums) = self.roles.get_mut(at) else { return Some(()) };
        for l in &e.lines {
            if sums.components.len() <= l.slot() {
                sums.components.resize(l.slot() + 1, None);
            }
            match sums.components.get_mut(l.slot()) {
                Some(Some((_, _, sum))) => *sum = sum.checked_add(l.amount)?,
                Some(cell) => {
                    *cell = Some((self.order, l.component(), l.amount));
                    self.order += 1;
                }
                None => {}
            }
        }
        sums.revenue = sums.revenue.checked_add(e.revenue.unwrap_or_default())?;
        Some(())
    }

    /// Adds the sums of `next`, the people of the roster right after this one's, as if its
    /// people had been added here one by one. The sums are the same numbers whenever adding
    /// them in another order is exact (the engine checks that before it relies on them).
    pub(crate) fn append(&mut self, next: Self) {
        let Self { start, by_index, roles, team_seen: _, teams, fits, order: _, paid_warnings } = next;
        self.paid_warnings.append(paid_warnings);
        debug_assert_eq!(start, self.start + self.by_index.len(), "sums are appended in roster order");
        self.by_index.extend(by_index);
        self.teams.extend(teams);
        self.fits &= fits;
        // Each of `next`'s roles and components where this one has it, or after the ones seen
        // so far, in the order `next` first saw them.
        let mut firsts = Vec::new();
        for sums in roles {
            let at = match self.roles.iter().position(|r| *r.role == *sums.role) {
                Some(at) => at,
                None => {
                    self.roles.push(RoleSums { role: sums.role, revenue: Decimal::ZERO, components: Vec::new() });
                    self.roles.len() - 1
                }
            };
            let Some(mine) = self.roles.get_mut(at) else { continue };
            match mine.revenue.checked_add(sums.revenue) {
                Some(r) => mine.revenue = r,
                None => self.fits = false,
            }
            firsts.extend(sums.components.into_iter().enumerate().filter_map(|(slot, c)| c.map(|c| (c, at, slot))));
        }
        firsts.sort_unstable_by_key(|((first_seen, _, _), _, _)| *first_seen);
        for ((_, name, sum), at, slot) in firsts {
            let Some(mine) = self.roles.get_mut(at) else { continue };
            if mine.components.len() <= slot {
                mine.components.resize(slot + 1, None);
            }
            match mine.components.get_mut(slot) {
                Some(Some((_, _, mine))) => match mine.checked_add(sum) {
                    Some(s) => *mine = s,
                    None => self.fits = false,
                },
                Some(cell) => {
                    *cell = Some((self.order, name, sum));
                    self.order += 1;
                }
                None => {}
            }
        }
    }

    /// The aggregates of a plan whose tracks are `plan_roles` (listed first, even with nobody
    /// in them), with `totals_sorted`; `None` when a sum did not fit a decimal.
    pub(crate) fn finish<R: AsRef<str>>(self, plan_roles: &[R], totals_sorted: Vec<f64>) -> Option<PlanStats> {
        let Self { by_index, roles, teams, fits, paid_warnings, .. } = self;
        if !fits {
            return None;
        }
        let mut stats = PlanStats { totals_sorted, by_index, paid_warnings, ..PlanStats::default() };
        // The plan's roles first (even with nobody in them), then any other in order of appearance.
        for role in plan_roles {
            stats.by_role_component.insert(role.as_ref().to_owned(), IndexMap::new());
        }
        for sums in roles {
            let mut components: Vec<_> = sums.components.into_iter().flatten().collect();
            components.sort_unstable_by_key(|(first_seen, _, _)| *first_seen);
            let key = track_key(plan_roles, &sums.role);
            let by_component = stats.by_role_component.entry(key.clone()).or_default();
            for (_, name, sum) in components {
                by_component.insert(name.to_string(), sum);
            }
            stats.revenue_by_role.insert(key, sums.revenue);
            stats.roles.push(sums.role.to_string());
        }
        stats.roles.sort_unstable();
        stats.set_teams(teams.iter().map(|(t, r)| (t.to_string(), r.to_string())));
        Some(stats)
    }
}

/// Aggregates of one plan's payouts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PlanStats {
    /// Everyone's total, ascending (for histograms and percentiles).
    pub totals_sorted: Vec<f64>,
    /// Total by roster index; `None` when this plan did not pay the person (not covered, error).
    pub by_index: Vec<Option<Decimal>>,
    /// Cost by role, then by component (plan order).
    pub by_role_component: IndexMap<String, IndexMap<String, Decimal>>,
    /// Revenue by role (plan currency).
    pub revenue_by_role: IndexMap<String, Decimal>,
    /// The distinct roles of the people paid or in error, sorted (the payouts view's role
    /// filter).
    pub roles: Vec<String>,
    /// The distinct teams of the people paid or in error, sorted (the payouts view's team
    /// filter).
    pub teams: Vec<String>,
    /// The distinct (team, role) pairs of the people paid or in error, sorted: the teams the
    /// payouts view offers once a role is chosen.
    pub team_roles: Vec<(String, String)>,
    /// The warnings on the payouts (the summary strip's people to check).
    pub paid_warnings: PaidWarnings,
    /// Roster indices of the people this plan could not compute (in error), ascending: what it
    /// would pay them is unknown, so they are left out of the gainers and losers.
    pub failed: Vec<usize>,
}

impl PlanStats {
    /// Aggregates `report` for a roster of `roster_len` people.
    pub fn new(report: &PayoutReport, roster_len: usize) -> Self {
        let roles: Vec<&str> = report.totals.by_role.keys().map(String::as_str).collect();
        // A report's people were added up only while every sum fits (see the engine), and these
        // are sums of some of the same amounts, so they fit too: the fallback is never used.
        let mut stats = Self::of(report.employees.iter(), &roles, roster_len).unwrap_or_else(|| Self {
            by_index: vec![None; roster_len],
            paid_warnings: PaidWarnings::of(&report.employees),
            ..Self::default()
        });
        stats.note_failed(report);
        stats
    }

    /// Notes the people `report` could not compute: who they are ([`PlanStats::failed`]), and
    /// their roles and teams among those the payouts view filters by.
    pub(crate) fn note_failed(&mut self, report: &PayoutReport) {
        self.failed = failed(report);
        if report.errors.is_empty() {
            return;
        }
        let mut roles = std::mem::take(&mut self.roles);
        roles.extend(report.errors.iter().map(|e| e.role.to_string()));
        roles.sort_unstable();
        roles.dedup();
        self.roles = roles;
        let mut pairs = std::mem::take(&mut self.team_roles);
        pairs.extend(report.errors.iter().map(|e| (e.team.to_string(), e.role.to_string())));
        self.set_teams(pairs);
    }

    /// Sets [`PlanStats::team_roles`] and [`PlanStats::teams`] from (team, role) pairs.
    fn set_teams(&mut self, pairs: impl IntoIterator<Item = (String, String)>) {
        let mut pairs: Vec<(String, String)> = pairs.into_iter().collect();
        pairs.sort_unstable();
        pairs.dedup();
        let mut teams: Vec<String> = pairs.iter().map(|(t, _)| t.clone()).collect();
        teams.dedup();
        self.teams = teams;
        self.team_roles = pairs;
    }

    /// Aggregates the people `paid` (a report's employees, in order) of a plan whose tracks are
    /// `plan_roles` (listed first, even with nobody in them), for a roster of `roster_len`.
    /// `None` when a sum does not fit a decimal (people a report would leave out for that).
    pub fn of<'a, I, R>(paid: I, plan_roles: &[R], roster_len: usize) -> Option<Self>
    where
        I: Iterator<Item = &'a EmployeePayout> + Clone + Send,
        R: AsRef<str> + Sync,
    {
        // Sorting the totals runs beside the sums (this is on the way to every edit's new total).
        let totals = paid.clone();
        let (totals_sorted, sums) = rayon::join(
            || sorted_totals(totals),
            || {
                let mut sums = Sums::new(roster_len);
                paid.for_each(|e| sums.add(e));
                sums
            },
        );
        sums.finish(plan_roles, totals_sorted)
    }

    /// The value below which a share `q` (0..=1) of totals fall (nearest rank).
    pub fn percentile(&self, q: f64) -> Option<f64> {
        let n = self.totals_sorted.len();
        if n == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * (n - 1) as f64).round() as usize).min(n - 1);
        self.totals_sorted.get(rank).copied()
    }
}

/// `count` equal-width bins covering `[min, max]` with round edges (1, 2 or 5 × 10ⁿ wide).
pub fn nice_edges(min: f64, max: f64, count: usize) -> Vec<f64> {
    let count = count.max(1);
    if !(min.is_finite() && max.is_finite()) {
        return vec![0.0, 1.0];
    }
    let span = (max - min).max(1.0);
    let raw = span / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let width = [1.0, 2.0, 2.5, 5.0, 10.0].iter().map(|m| m * magnitude).find(|w| *w >= raw).unwrap_or(raw);
    let start = (min / width).floor() * width;
    let mut edges = vec![start];
    while edges.last().is_some_and(|e| *e < max) || edges.len() < 2 {
        let next = start + width * edges.len() as f64;
        edges.push(next);
        if edges.len() > 10_000 {
            break;
        }
    }
    edges
}

/// How many sorted values fall in each bin `[edges[i], edges[i + 1])` (the last bin includes its
/// upper edge). O(bins × log n).
pub fn histogram(sorted: &[f64], edges: &[f64]) -> Vec<usize> {
    let position = |x: f64| sorted.partition_point(|v| *v < x);
    edges
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let lo = position(w[0]);
            let hi = if i + 2 == edges.len() { sorted.partition_point(|v| *v <= w[1]) } else { position(w[1]) };
            hi.saturating_sub(lo)
        })
        .collect()
}

/// The people whose totals change most from plan `a` to plan `b` (by roster index), with how
/// many gain and lose. People paid by neither plan are left out; not paid counts as 0.
pub struct Movers {
    /// Largest gains first: (roster index, change).
    pub gainers: Vec<(usize, Decimal)>,
    /// Largest losses first.
    pub losers: Vec<(usize, Decimal)>,
    /// People who gain.
    pub gaining: usize,
    /// People who lose.
    pub losing: usize,
    /// People either plan could not compute: not compared.
    pub not_compared: usize,
}

/// The roster indices of the people `report` could not compute, ascending.
pub(crate) fn failed(report: &PayoutReport) -> Vec<usize> {
    let mut failed: Vec<usize> = report.errors.iter().map(|e| e.index).collect();
    failed.sort_unstable();
    failed.dedup();
    failed
}

/// Winners and losers moving from `a` to `b`, the `n` largest each way. O(people).
pub fn movers(a: &PlanStats, b: &PlanStats, n: usize) -> Movers {
    // Someone either plan could not compute has no known change (not a change to or from 0).
    let failed = |i: &usize| a.failed.binary_search(i).is_ok() || b.failed.binary_search(i).is_ok();
    let mut not_compared = a.failed.len();
    not_compared += b.failed.iter().filter(|i| a.failed.binary_search(i).is_err()).count();
    let mut changes: Vec<(usize, Decimal)> = a
        .by_index
        .iter()
        .zip(&b.by_index)
        .enumerate()
        .filter(|(i, (x, y))| (x.is_some() || y.is_some()) && !failed(i))
        .map(|(i, (x, y))| (i, y.unwrap_or_default() - x.unwrap_or_default()))
        .collect();
    let gaining = changes.iter().filter(|(_, c)| *c > Decimal::ZERO).count();
    let losing = changes.iter().filter(|(_, c)| *c < Decimal::ZERO).count();
    let top = |changes: &mut Vec<(usize, Decimal)>, descending: bool| -> Vec<(usize, Decimal)> {
        let key = |c: &(usize, Decimal)| if descending { -c.1 } else { c.1 };
        let k = n.min(changes.len());
        if k == 0 {
            return Vec::new();
        }
        changes.select_nth_unstable_by(k - 1, |x, y| key(x).cmp(&key(y)).then(x.0.cmp(&y.0)));
        let mut head: Vec<(usize, Decimal)> = changes.iter().take(k).copied().collect();
        head.sort_by(|x, y| key(x).cmp(&key(y)).then(x.0.cmp(&y.0)));
        head
    };
    let gainers = top(&mut changes, true).into_iter().filter(|(_, c)| *c > Decimal::ZERO).collect();
    let losers = top(&mut changes, false).into_iter().filter(|(_, c)| *c < Decimal::ZERO).collect();
    Movers { gainers, losers, gaining, losing, not_compared }
}

/// The plan's name for the track that pays people of `role`: roles are matched to tracks
/// ignoring case (a track `AE` pays the roster's `ae`), and the charts and totals by role use
/// the plan's spelling, once per track.
fn track_key<R: AsRef<str>>(plan_roles: &[R], role: &str) -> String {
    let mut keys = plan_roles.iter().map(AsRef::as_ref);
    keys.find(|key| crate::plan::role_matches(key, role)).unwrap_or(role).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The aggregation as first written (string-keyed maps): what the slot-based one must equal.
    fn reference(report: &PayoutReport, roster_len: usize) -> PlanStats {
        let mut stats = PlanStats { by_index: vec![None; roster_len], ..PlanStats::default() };
        stats.totals_sorted = report.employees.iter().map(|e| e.total.to_f64().unwrap_or(0.0)).collect();
        stats.totals_sorted.sort_by(f64::total_cmp);
        for role in report.totals.by_role.keys() {
            stats.by_role_component.insert(role.clone(), IndexMap::new());
        }
        for e in &report.employees {
            if let Some(slot) = stats.by_index.get_mut(e.index) {
                *slot = Some(e.total);
            }
            let plan_roles: Vec<&String> = report.totals.by_role.keys().collect();
            let key = track_key(&plan_roles, &e.role);
            let role = stats.by_role_component.entry(key.clone()).or_default();
            for l in &e.lines {
                *role.entry(l.component().to_string()).or_default() += l.amount;
            }
            *stats.revenue_by_role.entry(key).or_default() += e.revenue.unwrap_or_default();
        }
        let roles: std::collections::BTreeSet<&str> = report.employees.iter().map(|e| &*e.role).collect();
        stats.roles = roles.into_iter().map(str::to_owned).collect();
        let teams: std::collections::BTreeSet<&str> = report.employees.iter().map(|e| &*e.team).collect();
        stats.teams = teams.into_iter().map(str::to_owned).collect();
        let pairs: std::collections::BTreeSet<(&str, &str)> =
            report.employees.iter().map(|e| (&*e.team, &*e.role)).collect();
        stats.team_roles = pairs.into_iter().map(|(t, r)| (t.to_owned(), r.to_owned())).collect();
        stats
    }

    #[test]
    fn the_filters_offer_the_roles_and_teams_of_people_in_error_and_each_teams_roles() {
        let roster = crate::samples::bundled_roster().unwrap();
        let mut plan = crate::plan::parse(crate::samples::plan("sales_led").unwrap().text).unwrap();
        // Everyone paid in GBP: the sales team Enterprise UK and every consultant of Implementation.
        plan.fx.shift_remove("GBP");
        let report = super::super::compute(&plan, &roster, super::super::Detail::AmountsOnly).unwrap();
        let stats = PlanStats::new(&report, roster.employees.len());
        let paid_teams: std::collections::BTreeSet<&str> = report.employees.iter().map(|e| &*e.team).collect();
        let failed_teams: std::collections::BTreeSet<&str> = report.errors.iter().map(|e| &*e.team).collect();
        let only_failed: Vec<&&str> = failed_teams.difference(&paid_teams).collect();
        assert!(!only_failed.is_empty(), "a team with nobody paid");
        for t in only_failed {
            assert!(stats.teams.iter().any(|x| x == *t), "{t} is offered");
        }
        assert_eq!(
            stats.failed.len(),
            report.errors.iter().map(|e| e.index).collect::<std::collections::BTreeSet<_>>().len()
        );
        // Each team once, with the roles of its people.
        assert!(stats.teams.windows(2).all(|w| w[0] < w[1]), "{:?}", stats.teams);
        assert!(stats.team_roles.contains(&("SMB".to_owned(), "sales".to_owned())));
        assert!(!stats.team_roles.contains(&("SMB".to_owned(), "consultant".to_owned())));
        // The app's path gives the same aggregates.
        let compiled = super::super::CompiledPlan::new(&plan, &roster).unwrap();
        let (_, beside) = compiled.report_with_stats(&plan, &roster);
        assert_eq!(beside, stats);
    }

    #[test]
    fn aggregates_equal_the_string_keyed_reference_with_adjustments_and_unplanned_roles() {
        let mut csv = Vec::new();
        crate::synth::write_roster(&mut csv, 3000, 11, crate::synth::Roles::Mixed, 1).unwrap();
        let roster = crate::roster::import_reader("r.csv", csv.as_slice(), &Default::default()).unwrap().roster;
        for key in ["sales_led", "transition", "product_led"] {
            let plan = crate::plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
            let mut report = super::super::compute(&plan, &roster, super::super::Detail::AmountsOnly).unwrap();
            // The app's path: the same report, with the aggregates taken beside the sums.
            let compiled = super::super::CompiledPlan::new(&plan, &roster).unwrap();
            let (beside, beside_stats) = compiled.report_with_stats(&plan, &roster);
            assert_eq!(beside, report, "{key}");
            assert_eq!(beside_stats, PlanStats::new(&report, roster.employees.len()), "{key}");
            assert!(report.employees.iter().any(|e| e.lines.iter().any(|l| l.kind.as_str().ends_with("adjustment"))));
            // A role the plan does not name, appearing after the others.
            for e in report.employees.iter_mut().rev().take(3) {
                e.role = "advisor".into();
            }
            // Team names that are equal but not the same allocation (as from two files).
            let copied = report.employees.first().map(|e| e.team.to_string()).unwrap();
            for e in report.employees.iter_mut().skip(5).take(4) {
                e.team = copied.as_str().into();
            }
            let stats = PlanStats::new(&report, roster.employees.len());
            assert_eq!(stats, reference(&report, roster.employees.len()), "{key}");
            assert!(stats.by_role_component.contains_key("advisor"));
            assert!(stats.teams.len() > 3 && stats.teams.windows(2).all(|w| w[0] < w[1]), "{:?}", stats.teams);
            assert_eq!(stats.roles, ["advisor", "consultant", "sales"]);
        }
    }

    #[test]
    fn roles_are_keyed_by_the_plan_track_that_pays_them_whatever_its_case() {
        // The roster's roles are read lowercased; the plan names its tracks `AE` and `CSM`.
        let csv = "employee_id,name,role,quota,revenue,target_incentive\n1,Ann,AE,100,150,10\n2,Bob,csm,100,50,10\n";
        let roster = crate::roster::import_reader("r.csv", csv.as_bytes(), &Default::default()).unwrap().roster;
        let plan = crate::plan::parse(
            r#"{"schema": 1, "name": "P", "currency": "USD", "period": {"start": "2026-01-01", "end": "2026-03-31"},
                "tracks": {"AE": {"components": [{"kind": "commission", "id": "c", "earning_code": "C",
                                                   "tiers": [{"from": 0, "rate": 0.1}]}]},
                           "CSM": {"components": [{"kind": "commission", "id": "c", "earning_code": "C",
                                                    "tiers": [{"from": 0, "rate": 0.2}]}]}}}"#,
        )
        .unwrap();
        let compiled = super::super::CompiledPlan::new(&plan, &roster).unwrap();
        let (report, stats) = compiled.report_with_stats(&plan, &roster);
        assert_eq!(report.totals.by_role.keys().collect::<Vec<_>>(), ["AE", "CSM"]);
        // One entry per track, in the plan's spelling, for the charts by role.
        assert_eq!(stats.by_role_component.keys().collect::<Vec<_>>(), ["AE", "CSM"]);
        assert_eq!(stats.revenue_by_role.keys().collect::<Vec<_>>(), ["AE", "CSM"]);
        assert_eq!(stats.by_role_component["AE"]["c"], Decimal::new(15, 0));
        assert_eq!(stats, reference(&report, roster.employees.len()));
        assert_eq!(stats, PlanStats::new(&report, roster.employees.len()));
    }

    #[test]
    fn a_total_as_a_float_is_the_one_to_f64_gives() {
        // A small deterministic generator: mantissas up to 2⁴⁸ and past it, every scale, both signs.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut cases =
            vec![Decimal::ZERO, -Decimal::ZERO, Decimal::new(0, 2), -Decimal::new(0, 2), Decimal::MAX, Decimal::MIN];
        for _ in 0..200_000 {
            let bits = next();
            let mantissa = i64::try_from(bits >> (bits % 24)).unwrap_or(i64::MAX) >> 6;
            let scale = u32::try_from(next() % 29).unwrap();
            let d = Decimal::new(if bits & 1 == 0 { mantissa } else { -mantissa }, scale);
            cases.push(d);
        }
        for d in cases {
            assert_eq!(total_f64(d).to_bits(), d.to_f64().unwrap().to_bits(), "{d:?}");
        }
    }

    #[test]
    fn histogram_counts_every_value_once() {
        let sorted = vec![0.0, 1.0, 1.0, 2.5, 9.9, 10.0];
        let edges = nice_edges(0.0, 10.0, 5);
        assert_eq!(edges, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        let h = histogram(&sorted, &edges);
        assert_eq!(h, vec![3, 1, 0, 0, 2]);
        assert_eq!(h.iter().sum::<usize>(), sorted.len());
    }

    #[test]
    fn nice_edges_cover_the_range_with_round_widths() {
        let e = nice_edges(1234.0, 98765.0, 20);
        assert!(e[0] <= 1234.0 && *e.last().unwrap() >= 98765.0);
        let w = e[1] - e[0];
        assert_eq!(w, 5000.0);
    }

    #[test]
    fn movers_rank_changes_both_ways() {
        let d = |v: i64| Some(Decimal::from(v));
        let a = PlanStats { by_index: vec![d(10), d(10), d(10), None, d(5)], ..Default::default() };
        let b = PlanStats { by_index: vec![d(30), d(5), d(10), None, None], ..Default::default() };
        let m = movers(&a, &b, 10);
        assert_eq!(m.gainers, vec![(0, Decimal::from(20))]);
        assert_eq!(
            m.losers,
            vec![(4, Decimal::from(-5)), (1, Decimal::from(-5))].into_iter().rev().collect::<Vec<_>>()
        );
        assert_eq!((m.gaining, m.losing), (1, 2));
    }

    #[test]
    fn people_a_plan_could_not_compute_are_not_ranked() {
        // Person 4 is in error under `b` (not paid 0): what `b` pays them is unknown. Person 1
        // is in error under both; person 2 under `a`.
        let d = |v: i64| Some(Decimal::from(v));
        let a = PlanStats { by_index: vec![d(10), None, None, d(10), d(50)], failed: vec![1, 2], ..Default::default() };
        let b = PlanStats { by_index: vec![d(30), None, d(70), d(5), None], failed: vec![1, 4], ..Default::default() };
        let m = movers(&a, &b, 10);
        assert_eq!(m.gainers, vec![(0, Decimal::from(20))]);
        assert_eq!(m.losers, vec![(3, Decimal::from(-5))]);
        assert_eq!((m.gaining, m.losing, m.not_compared), (1, 1, 3));
    }

    #[test]
    fn the_people_in_error_are_counted_with_the_aggregates() {
        // Two people without a target incentive, under a plan capped at a multiple of it.
        let plan = crate::plan::parse(crate::samples::plan("sales_led").unwrap().text).unwrap();
        let csv = "employee_id,name,role,quota,revenue,target_incentive\n1,A,sales,100,120,10\n2,B,sales,100,90,\n\
                   3,C,sales,100,150,\n";
        let roster = crate::roster::import_reader("r.csv", csv.as_bytes(), &Default::default()).unwrap().roster;
        let compiled = super::super::CompiledPlan::new(&plan, &roster).unwrap();
        let (report, stats) = compiled.report_with_stats(&plan, &roster);
        assert_eq!(stats.failed, [1, 2]);
        assert_eq!(PlanStats::new(&report, 3).failed, [1, 2]);
    }
}

//! The app's recomputation in one pass over the roster. Everyone's payout is collected in
//! roster order, on all cores, where the report keeps it: someone not paid leaves a stand-in,
//! taken out at the end, and the reason in their run ([`Unpaid`]). Each run of consecutive
//! people one thread computes (a rayon job) is also added up (the report's sums, the charts'
//! aggregates, the totals to sort) by that thread while its payouts are still in that core's
//! cache, and handed in when the job ends ([`Adder`]). The runs' sums are then appended in roster order. Otherwise the sums are a
//! second pass over everyone's payouts, read back from memory on one core beside the sorting of
//! the totals.
//!
//! Appending the runs' sums gives the sums of adding one person at a time exactly when no
//! addition on the way rounds (a decimal keeps at most 96 bits of digits): [`exact`] checks that
//! from the sums of magnitudes the report keeps anyway. When it does not hold (sums near the
//! largest decimal, amounts with many decimal places), when someone's amounts did not fit, or
//! when the runs do not cover the roster once each in order, everyone is added up one at a time
//! as before.

use std::sync::Mutex;

use rayon::prelude::*;
use rust_decimal::Decimal;

use super::{
    CompiledPlan, Detail, EmployeeError, EmployeePayout, NotCovered, Outcome, PayoutReport, Scratch, Tally, reuse,
    stats,
};
use crate::plan::Plan;
use crate::roster::{Employee, Roster};

/// The most people in one rayon job: enough that appending the runs costs nothing next to
/// computing them, few enough that both cores get many (and the tests see several).
const RUN_MOST: usize = 4096;

/// What one thread added up over a run of consecutive people.
struct Run {
    /// The roster index of the run's first person, and of the person after its last.
    first: usize,
    next: usize,
    /// Whether every person came right after the one before.
    in_order: bool,
    tally: Tally,
    sums: stats::Sums,
    /// The totals of the people paid, ascending once the run is handed in.
    totals: Vec<f64>,
    scales: Scales,
    /// Those of the run not paid (their places in the payouts hold a stand-in).
    unpaid: Unpaid,
}

/// The people not paid, by roster index: not covered by a track, or in error.
#[derive(Default)]
struct Unpaid {
    /// Their roster indices, ascending once gathered.
    indices: Vec<usize>,
    not_covered: Vec<NotCovered>,
    failed: Vec<EmployeeError>,
}

impl Unpaid {
    /// Takes `outcome`'s person: the payout of someone paid, or a stand-in for its place after
    /// noting why they are not.
    fn take(&mut self, index: usize, e: &Employee, outcome: Outcome) -> EmployeePayout {
        match outcome {
            Outcome::Paid(p) => return p,
            Outcome::NotCovered(n) => self.not_covered.push(n),
            Outcome::Failed(errs) => self.failed.extend(errs),
        }
        self.indices.push(index);
        EmployeePayout::stand_in(index, e)
    }

    fn append(&mut self, next: Self) {
        self.indices.extend(next.indices);
        self.not_covered.extend(next.not_covered);
        self.failed.extend(next.failed);
    }
}

/// Everyone's payouts in roster order (a stand-in for each person of `unpaid`).
pub(super) struct Collected {
    payouts: Vec<EmployeePayout>,
    unpaid: Unpaid,
}

impl Collected {
    /// Everyone's `outcomes`, in roster order (collected in place: each payout moves down the
    /// outcomes' own allocation rather than into a new one).
    fn from_outcomes(outcomes: Vec<Outcome>, roster: &Roster) -> Self {
        let mut unpaid = Unpaid::default();
        let payouts =
            outcomes.into_iter().zip(&roster.employees).enumerate().map(|(i, (o, e))| unpaid.take(i, e, o)).collect();
        Self { payouts, unpaid }
    }

    /// The people paid, with their roster indices.
    fn paid(&self) -> impl Iterator<Item = (usize, &EmployeePayout)> {
        let mut unpaid = self.unpaid.indices.iter().copied().peekable();
        self.payouts.iter().enumerate().filter(move |(i, _)| unpaid.next_if_eq(i).is_none())
    }
}

/// A compute thread's run (see the module documentation): started at the first person it is
/// given, handed in to `sink` when the thread's job ends (when it is dropped).
struct Adder<'a, 'k> {
    compiled: &'a CompiledPlan,
    kept: Option<&'a reuse::Kept<'k>>,
    sink: &'a Mutex<Vec<Run>>,
    run: Option<Run>,
    from: Option<reuse::KeptFrom<'a, 'k>>,
}

impl<'a, 'k> Adder<'a, 'k> {
    /// The payout of the person at `index` (computed, or kept from the previous report), or a
    /// stand-in when they are not paid.
    fn payout(&mut self, index: usize, e: &Employee, scratch: &mut Scratch) -> EmployeePayout {
        let compiled = self.compiled;
        if self.run.is_none() {
            self.from = self.kept.map(|k| k.from(index));
        }
        let run = self.run.get_or_insert_with(|| Run {
            first: index,
            next: index,
            in_order: true,
            tally: Tally::new(compiled),
            sums: stats::Sums::starting_at(index),
            totals: Vec::new(),
            scales: Scales::default(),
            unpaid: Unpaid::default(),
        });
        let outcome = match self.from.as_mut().and_then(|k| k.get(index)) {
            Some((p, reuse::Keep::Whole)) => Outcome::Paid(scratch.keep(p)),
            Some((p, reuse::Keep::Lines { changed, reads })) => {
                compiled.evaluate_reusing(index, e, p, changed, reads, scratch)
            }
            None => compiled.evaluate(index, e, Detail::AmountsOnly, scratch),
        };
        run.in_order &= index == run.next;
        run.next = index + 1;
        if let Outcome::Paid(p) = &outcome {
            if !run.tally.add(p) {
                run.tally.too_large.push(index);
            }
            run.sums.add(p);
            run.scales.add(p);
            run.totals.push(stats::total_f64(p.total));
        }
        run.unpaid.take(index, e, outcome)
    }
}

impl Drop for Adder<'_, '_> {
    fn drop(&mut self) {
        if let Some(mut run) = self.run.take() {
            run.sums.reach(run.next);
            run.totals.sort_unstable_by(f64::total_cmp);
            self.sink.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(run);
        }
    }
}

/// The most decimal places among the amounts (lines and totals) and among the revenues added.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Scales {
    amounts: u32,
    revenue: u32,
}

impl Scales {
    fn add(&mut self, p: &EmployeePayout) {
        let lines = p.lines.iter().map(|l| l.amount.scale()).max().unwrap_or(0);
        self.amounts = self.amounts.max(lines).max(p.total.scale());
        self.revenue = self.revenue.max(p.revenue.map_or(0, |r| r.scale()));
    }

    fn max(self, other: Self) -> Self {
        Self { amounts: self.amounts.max(other.amounts), revenue: self.revenue.max(other.revenue) }
    }
}

/// Whether every sum of the amounts and revenues `tally` admitted, added in any order, is exact:
/// each partial sum is at most the sum of magnitudes, so when that sum, written with the most
/// decimal places of any addend, has room to spare in a decimal's 96 bits, no addition rounds
/// (a decimal only rounds, dropping a place, when the digits would not fit).
fn exact(tally: &Tally, scales: Scales) -> bool {
    fits_with_places(tally.sizes.paid, scales.amounts) && fits_with_places(tally.sizes.revenue, scales.revenue)
}

/// Whether `sum` written with `places` decimal places needs under 95 bits (one spare for the
/// rounding of a sum of magnitudes that did round).
fn fits_with_places(sum: Decimal, places: u32) -> bool {
    let Some(up) = places.checked_sub(sum.scale()) else { return false };
    10u128.checked_pow(up).and_then(|p| sum.mantissa().unsigned_abs().checked_mul(p)).is_some_and(|m| m < 1 << 95)
}

impl CompiledPlan {
    /// The report and its aggregates, the people of `kept` copied rather than computed; the
    /// same as computing everyone, adding them up and aggregating the report.
    pub(super) fn summed_report(
        &self,
        plan: &Plan,
        roster: &Roster,
        kept: Option<&reuse::Kept<'_>>,
    ) -> (PayoutReport, stats::PlanStats) {
        let roster_len = roster.employees.len();
        let sink = Mutex::new(Vec::new());
        // Collected in place, each payout where the report keeps it: were they outcomes, moving
        // a hundred thousand of them into the report would take a tenth of the time after an
        // edit, on one core.
        let payouts: Vec<EmployeePayout> = roster
            .employees
            .par_iter()
            .enumerate()
            .with_max_len(RUN_MOST)
            .map_init(
                || (Scratch::default(), Adder { compiled: self, kept, sink: &sink, run: None, from: None }),
                |(scratch, adder), (i, e)| adder.payout(i, e, scratch),
            )
            .collect();
        let mut runs = sink.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        runs.sort_unstable_by_key(|r| r.first);
        // Each person once, in order: the runs follow one another from the first to the last.
        let mut covered = 0;
        let whole = runs.iter().all(|r| {
            let follows = r.in_order && r.first == covered;
            covered = r.next;
            follows
        }) && covered == roster_len;
        let mut totals = Vec::with_capacity(runs.len());
        let mut sums: Option<(Tally, stats::Sums, Scales)> = None;
        let mut appended = whole;
        let mut unpaid = Unpaid::default();
        for Run { tally, sums: s, totals: t, scales, unpaid: u, .. } in runs {
            totals.push(t);
            unpaid.append(u);
            match &mut sums {
                None => sums = Some((tally, s, scales)),
                Some((all, all_sums, all_scales)) if appended => {
                    appended = all.append(tally).is_some();
                    all_sums.append(s);
                    *all_scales = all_scales.max(scales);
                }
                Some(_) => {}
            }
        }
        // In roster order whichever order the runs came in.
        unpaid.indices.sort_unstable();
        unpaid.not_covered.sort_by_key(|n| n.index);
        unpaid.failed.sort_by_key(|f| f.index);
        let collected = Collected { payouts, unpaid };
        match sums.filter(|(tally, _, scales)| appended && exact(tally, *scales)) {
            Some((tally, sums, _)) => {
                let (report, totals_sorted) = rayon::join(
                    || self.report_of(plan, collected, tally),
                    || {
                        // Runs already sorted: the stable sort merges them.
                        let mut totals = totals.concat();
                        totals.sort_by(f64::total_cmp);
                        totals
                    },
                );
                let stats = match sums.finish(&self.track_roles, totals_sorted) {
                    Some(stats) => stats,
                    None => stats::PlanStats::new(&report, roster_len),
                };
                (report, stats)
            }
            None => self.added_one_by_one(plan, collected, roster_len),
        }
    }

    /// The report of everyone's `outcomes` (in roster order), added up one person at a time.
    pub(super) fn assemble(&self, plan: &Plan, roster: &Roster, outcomes: Vec<Outcome>) -> PayoutReport {
        let collected = Collected::from_outcomes(outcomes, roster);
        let tally = self.tally(&collected, |_| {});
        self.report_of(plan, collected, tally)
    }

    /// The report's sums of the people `collected`, added one at a time in roster order, and who
    /// cannot be added to them. `each_paid` sees every person paid, in order, in the same pass.
    fn tally<'a>(&self, collected: &'a Collected, mut each_paid: impl FnMut(&'a EmployeePayout)) -> Tally {
        let mut tally = Tally::new(self);
        for (i, p) in collected.paid() {
            if !tally.add(p) {
                tally.too_large.push(i);
            }
            each_paid(p);
        }
        tally
    }

    /// The report of everyone `collected`, with the sums of `tally`: the people not paid, and
    /// those too large to add up, leave their places (the payouts after them move down).
    fn report_of(&self, plan: &Plan, collected: Collected, tally: Tally) -> PayoutReport {
        let Collected { mut payouts, unpaid: Unpaid { indices, not_covered, mut failed } } = collected;
        if !indices.is_empty() || !tally.too_large.is_empty() {
            let mut unpaid = indices.iter().copied().peekable();
            let mut too_large = tally.too_large.iter().copied().peekable();
            let mut index = 0;
            payouts.retain(|p| {
                let at = index;
                index += 1;
                if unpaid.next_if_eq(&at).is_some() {
                    return false;
                }
                if too_large.next_if_eq(&at).is_some() {
                    failed.push(super::too_large_error(p));
                    return false;
                }
                true
            });
            // Listed in roster order, as the people are (one person's own problems in order).
            failed.sort_by_key(|f| f.index);
            // Many people not paid leave much of that allocation unused: give it back.
            if payouts.len() < payouts.capacity() / 4 * 3 {
                payouts.shrink_to_fit();
            }
        }
        let mut report = self.summary(plan, tally, not_covered, failed);
        report.employees = payouts;
        report
    }

    /// The report and its aggregates from everyone `collected`, added up one person at a time
    /// (beside the sorting of the totals).
    fn added_one_by_one(
        &self,
        plan: &Plan,
        collected: Collected,
        roster_len: usize,
    ) -> (PayoutReport, stats::PlanStats) {
        let ((tally, sums), totals_sorted) = rayon::join(
            || {
                let mut sums = stats::Sums::new(roster_len);
                let tally = self.tally(&collected, |p| sums.add(p));
                (tally, sums)
            },
            || stats::sorted_totals(collected.paid().map(|(_, p)| p)),
        );
        let early = sums.finish(&self.track_roles, totals_sorted);
        // The aggregates counted everyone paid; if anyone was too large to add up, they are
        // not in the report (and the aggregates may not have fitted): aggregate the report.
        let everyone_added = tally.too_large.is_empty();
        let report = self.report_of(plan, collected, tally);
        let stats = match early {
            Some(stats) if everyone_added => stats,
            _ => stats::PlanStats::new(&report, roster_len),
        };
        (report, stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_of_magnitudes_with_room_for_their_places_are_exact_in_any_order() {
        let d = |m: i64, scale: u32| Decimal::new(m, scale);
        assert!(fits_with_places(d(123_456, 2), 2));
        assert!(fits_with_places(d(123_456, 2), 4));
        // More places in the sum than in any addend: it was rounded, so it cannot vouch.
        assert!(!fits_with_places(d(123_456, 4), 2));
        // 2⁹⁵ and up, written with the places, does not leave room.
        let big = Decimal::from_i128_with_scale(1 << 94, 0);
        assert!(fits_with_places(big, 0));
        assert!(!fits_with_places(big, 1));
        assert!(!fits_with_places(Decimal::MAX, 0));
        assert!(!fits_with_places(d(1, 0), 40));
    }

    /// The report and aggregates added up by runs and one at a time, with every order the
    /// aggregates keep (roles, components, teams) and every bit of the sorted totals.
    fn assert_same_both_ways(compiled: &CompiledPlan, plan: &Plan, roster: &Roster) {
        let (report, stats) = compiled.summed_report(plan, roster, None);
        let outcomes = compiled.outcomes(roster, Detail::AmountsOnly, &|_| {});
        let collected = Collected::from_outcomes(outcomes, roster);
        let (one_by_one, one_by_one_stats) = compiled.added_one_by_one(plan, collected, roster.employees.len());
        assert_eq!(report, one_by_one);
        assert_eq!(stats, one_by_one_stats);
        let keys = |s: &stats::PlanStats| -> Vec<(String, Vec<String>)> {
            s.by_role_component.iter().map(|(r, c)| (r.clone(), c.keys().cloned().collect())).collect()
        };
        assert_eq!(keys(&stats), keys(&one_by_one_stats));
        let order = |s: &stats::PlanStats| s.revenue_by_role.keys().cloned().collect::<Vec<_>>();
        assert_eq!(order(&stats), order(&one_by_one_stats));
        let bits = |s: &stats::PlanStats| s.totals_sorted.iter().map(|t| t.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&stats), bits(&one_by_one_stats));
    }

    fn roster(people: usize) -> Roster {
        let mut csv = Vec::new();
        crate::synth::write_roster(&mut csv, people, 5, crate::synth::Roles::Mixed, 1).unwrap();
        crate::roster::import_reader("r.csv", csv.as_slice(), &Default::default()).unwrap().roster
    }

    #[test]
    fn runs_add_up_to_what_adding_one_person_at_a_time_gives() {
        let mut roster = roster(RUN_MOST * 3 + 123);
        // A role no track covers, and a role first seen in the last runs.
        for e in roster.employees.iter_mut().skip(RUN_MOST * 2 + 7).step_by(97) {
            e.role = std::sync::Arc::from("intern");
        }
        // People who left before the period and refunds, in every run: warnings on payouts,
        // counted by the runs and appended.
        let revenue = roster.metrics.iter().position(|m| m == "revenue").unwrap();
        for (i, e) in roster.employees.iter_mut().enumerate().skip(11).step_by(301) {
            if i % 2 == 0 {
                e.end_date = chrono::NaiveDate::from_ymd_opt(2026, 1, 31);
            } else if let Some(Some(r)) = e.metrics.get_mut(revenue) {
                *r = -*r;
            }
        }
        for key in ["sales_led", "transition", "product_led"] {
            let mut plan = crate::plan::parse(crate::samples::plan(key).unwrap().text).unwrap();
            // Interns paid like sales people from the third run on: their role's sums and
            // components are first seen there.
            let sales = plan.tracks.get("sales").unwrap().clone();
            plan.tracks.insert("intern".to_owned(), sales);
            let compiled = CompiledPlan::new(&plan, &roster).unwrap();
            assert_same_both_ways(&compiled, &plan, &roster);
            let (_, stats) = compiled.summed_report(&plan, &roster, None);
            assert!(stats.paid_warnings.people() > 20, "{key}: {:?}", stats.paid_warnings.lines());
        }
    }

    #[test]
    fn people_not_paid_and_too_large_to_add_leave_their_places_in_roster_order() {
        let plan = super::super::tests::units_plan();
        // Without the pair below, the runs' sums are appended; with it, everyone is added up
        // one at a time (the sums could round).
        for too_large in [false, true] {
            let mut roster = roster(RUN_MOST * 2 + 300);
            let deals = roster.metrics.iter().position(|m| m == "deals_closed").unwrap();
            let set = |e: &mut Employee, v: &str| {
                e.role = std::sync::Arc::from("sales");
                if let Some(m) = e.metrics.get_mut(deals) {
                    *m = Some(v.parse().unwrap());
                }
            };
            // Someone whose line is too large to pay, in the first run and the last.
            set(&mut roster.employees[5], "100000000000000000000000000");
            set(&mut roster.employees[RUN_MOST * 2 + 250], "100000000000000000000000000");
            let mut expected_errors = vec![5, RUN_MOST * 2 + 250];
            if too_large {
                // Two people each paid 4 × 10²⁸: the second's payout does not fit the sums.
                set(&mut roster.employees[RUN_MOST + 10], "40000000000000000000000000");
                set(&mut roster.employees[RUN_MOST + 11], "40000000000000000000000000");
                expected_errors.insert(1, RUN_MOST + 11);
            }
            // People no track covers, across the runs.
            for e in roster.employees.iter_mut().skip(3).step_by(701) {
                e.role = std::sync::Arc::from("intern");
            }
            let compiled = CompiledPlan::new(&plan, &roster).unwrap();
            let (report, _) = compiled.summed_report(&plan, &roster, None);
            // The same report as collecting everyone's outcome first (`report`).
            assert_eq!(report, compiled.report(&plan, &roster, Detail::AmountsOnly));
            let failed: Vec<usize> = report.errors.iter().map(|e| e.index).collect();
            assert_eq!(failed, expected_errors);
            for e in &report.errors {
                let sums = e.message.contains("add up to more than");
                assert_eq!(sums, e.index == RUN_MOST + 11, "{}: {}", e.index, e.message);
            }
            // The consultants and interns: no track.
            let not_covered: Vec<usize> = report.not_covered.iter().map(|n| n.index).collect();
            let sales = |i: &usize| roster.employees[*i].role.as_ref() == "sales";
            let others: Vec<usize> = (0..roster.employees.len()).filter(|i| !sales(i)).collect();
            assert_eq!(not_covered, others);
            assert!(not_covered.len() > RUN_MOST / 2 && not_covered.contains(&3), "{}", not_covered.len());
            let paid: Vec<usize> = report.employees.iter().map(|p| p.index).collect();
            let expected: Vec<usize> =
                (0..roster.employees.len()).filter(|i| sales(i) && !failed.contains(i)).collect();
            assert_eq!(paid, expected);
            assert_same_both_ways(&compiled, &plan, &roster);
        }
    }

    #[test]
    fn sums_that_might_round_are_added_one_person_at_a_time() {
        // Revenues with twenty decimal places: their sum over thousands of people does not fit a
        // decimal with every place, so adding by runs could round differently.
        let mut roster = roster(RUN_MOST + 500);
        let revenue = roster.metrics.iter().position(|m| m == "revenue").unwrap();
        for (i, e) in roster.employees.iter_mut().enumerate() {
            if let Some(Some(r)) = e.metrics.get_mut(revenue) {
                *r = Decimal::from_i128_with_scale(1_234_567_890_123_456_789_012_345 + i as i128, 20);
            }
        }
        let plan = crate::plan::parse(crate::samples::plan("sales_led").unwrap().text).unwrap();
        let compiled = CompiledPlan::new(&plan, &roster).unwrap();
        let report = compiled.report(&plan, &roster, Detail::AmountsOnly);
        let (mut tally, mut scales) = (Tally::new(&compiled), Scales::default());
        for p in &report.employees {
            assert!(tally.add(p));
            scales.add(p);
        }
        assert!(!exact(&tally, scales), "the check sees that a sum might round");
        assert_same_both_ways(&compiled, &plan, &roster);
    }

    #[test]
    fn scales_are_the_most_places_of_any_amount_and_of_any_revenue() {
        let mut csv = Vec::new();
        crate::synth::write_roster(&mut csv, 50, 3, crate::synth::Roles::Mixed, 1).unwrap();
        let roster = crate::roster::import_reader("r.csv", csv.as_slice(), &Default::default()).unwrap().roster;
        let plan = crate::plan::parse(crate::samples::plan("sales_led").unwrap().text).unwrap();
        let report = super::super::compute(&plan, &roster, Detail::AmountsOnly).unwrap();
        let mut p = report.employees.first().unwrap().clone();
        p.revenue = Some(Decimal::new(1_234_567, 5));
        if let Some(l) = p.lines.first_mut() {
            l.amount = Decimal::new(1_234_567, 3);
        }
        let mut scales = Scales::default();
        scales.add(&p);
        assert_eq!(scales, Scales { amounts: 3, revenue: 5 });
        assert_eq!(scales.max(Scales { amounts: 1, revenue: 7 }), Scales { amounts: 3, revenue: 7 });
    }
}

//! The checks the behaviour model must pass (the behaviour issue's list), one test each, every
//! one naming the source of the behaviour it guards. Each test builds small plans and rosters so
//! the effect it asserts is large and directional; the bundled samples are used where the check
//! is about them (calibration, realistic plan changes, reproducibility).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use carrot::engine::{self, Detail};
use carrot::plan::{self, Plan};
use carrot::roster::{self, ImportOptions, Roster};
use carrot::samples;
use carrot::sim::{self, PersonOutcome, PlanOutcome, SimOptions, SimReport};
use rust_decimal::prelude::ToPrimitive as _;

// ---------------------------------------------------------------------------------------------
// Rosters

/// A sales person's history: revenue, quota and hours on each activity (capacity 480 hours).
/// Outputs follow from the hours at fixed rates (0.6 interviews, 1.8 survey responses, 0.3
/// signups, 0.12 core-user relationships and 0.18 insights per hour), so people differ in
/// revenue per selling hour only.
#[derive(Clone, Copy)]
struct Rep {
    id: &'static str,
    revenue: f64,
    quota: f64,
    selling: f64,
    discovery: f64,
    early_access: f64,
    insight: f64,
}

const CAPACITY: f64 = 480.0;

fn rep(id: &'static str, revenue: f64, quota: f64) -> Rep {
    Rep { id, revenue, quota, selling: 300.0, discovery: 15.0, early_access: 6.0, insight: 4.0 }
}

fn sales_roster(reps: &[Rep]) -> Roster {
    let mut csv = String::from(
        "employee_id,name,role,team,currency,target_incentive,quota,start_date,revenue,deals_closed,\
         discovery_interviews,early_access_signups,roadmap_insights,survey_responses,core_user_relationships,\
         capacity_hours,selling_hours,discovery_hours,early_access_hours,insight_hours\n",
    );
    for r in reps {
        csv.push_str(&format!(
            "{id},Person {id},sales,Team,EUR,10000,{quota},2020-01-01,{revenue},{deals},{interviews},{signups},{insights},\
             {surveys},{relationships},{CAPACITY},{selling},{discovery},{early},{insight}\n",
            id = r.id,
            quota = r.quota,
            revenue = r.revenue,
            deals = (r.selling * 0.03).round(),
            interviews = r.discovery * 0.6,
            signups = r.early_access * 0.3,
            insights = r.insight * 0.18,
            surveys = r.discovery * 1.8,
            relationships = r.early_access * 0.12,
            selling = r.selling,
            discovery = r.discovery,
            early = r.early_access,
            insight = r.insight,
        ));
    }
    roster::import_reader("sales.csv", csv.as_bytes(), &ImportOptions::default()).unwrap().roster
}

/// The bundled sales and consultant rosters (72 people).
fn bundled_roster() -> Roster {
    samples::bundled_roster().unwrap()
}

fn sample_plan(key: &str) -> Plan {
    plan::parse(samples::plan(key).unwrap().text).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Plans

/// A one-track plan in EUR for 2026 Q3 with the given components (JSON objects).
fn plan_with(name: &str, role: &str, components: &[String]) -> Plan {
    let text = format!(
        r#"{{"schema": 1, "name": "{name}", "currency": "EUR",
            "period": {{"start": "2026-07-01", "end": "2026-09-30"}},
            "tracks": {{"{role}": {{"components": [{}]}}}}}}"#,
        components.join(",")
    );
    plan::parse(&text).unwrap_or_else(|p| panic!("{name}: {p:?}"))
}

/// A revenue commission with `tiers` (JSON) and extra fields (`, "threshold": 0.5`).
fn commission(tiers: &str, extra: &str) -> String {
    format!(
        r#"{{"kind": "commission", "id": "revenue_commission", "label": "Revenue commission",
            "earning_code": "COMM", "metric": "revenue", "tiers": {tiers}{extra}}}"#
    )
}

/// A flat commission on revenue.
fn flat_commission(rate: f64) -> String {
    commission(&format!(r#"[{{"from": 0, "rate": {rate}}}]"#), "")
}

/// So much per unit of `metric`, with no minimum or maximum (a linear line).
fn per_unit(metric: &str, amount: f64) -> String {
    format!(
        r#"{{"kind": "per_unit", "id": "{metric}_pay", "label": "{metric}", "earning_code": "SPIFF",
            "metric": "{metric}", "amount": {amount}}}"#
    )
}

// ---------------------------------------------------------------------------------------------
// Reading a report

fn options(trials: usize) -> SimOptions {
    SimOptions { trials, ..SimOptions::default() }
}

fn simulate(baseline: &Plan, roster: &Roster, plans: &[&Plan], options: &SimOptions) -> SimReport {
    sim::simulate(baseline, roster, plans, options).unwrap()
}

/// One person's outcome under `outcome` (a plan of `report`).
fn person<'a>(report: &SimReport, outcome: &'a PlanOutcome, id: &str) -> &'a PersonOutcome {
    let k = report.people.iter().position(|p| p.employee_id == id).unwrap_or_else(|| panic!("{id} simulated"));
    outcome.people[k].as_ref().unwrap_or_else(|| panic!("{id} computed under {}", outcome.plan))
}

/// Predicted hours of `id` on `activity` under `outcome`.
fn hours(report: &SimReport, outcome: &PlanOutcome, id: &str, activity: &str) -> f64 {
    let k = report.people.iter().position(|p| p.employee_id == id).unwrap();
    let role = &report.people[k].role;
    let info = report.roles.iter().find(|r| &r.role == role).unwrap();
    let a = info.activities.iter().position(|x| x == activity).unwrap_or_else(|| panic!("no activity {activity}"));
    person(report, outcome, id).hours[a]
}

/// Expected revenue of `id` under `outcome` (the mean over the trials).
fn revenue(report: &SimReport, outcome: &PlanOutcome, id: &str) -> f64 {
    person(report, outcome, id).revenue.unwrap().mean
}

/// The expected total of `metric` under `outcome` (output per hour × predicted hours).
fn volume(outcome: &PlanOutcome, metric: &str) -> f64 {
    outcome.totals.volumes.iter().find(|v| v.metric == metric).unwrap_or_else(|| panic!("no {metric}")).expected
}

fn relative(new: f64, old: f64) -> f64 {
    (new - old) / old.abs()
}

const SALES_ACTIVITIES: [&str; 5] = ["selling", "discovery", "early_access", "insight", "other"];

// ---------------------------------------------------------------------------------------------
// 1. Multitasking

/// Source: Holmström & Milgrom (1991), "Multitask Principal–Agent Analyses", JLEO 7: raising
/// the pay on one task pulls effort from every other task when time is shared; with a time
/// budget and quadratic costs the response is the water-filling closed form
/// `Δh_k = s_k Δv (1 − s_k/S)`, `Δh_j = −s_j s_k Δv / S` (docs/behaviour.md).
#[test]
fn raising_the_interview_rate_moves_time_from_selling_and_revenue_falls() {
    let reps = [rep("A", 150_000.0, 200_000.0), rep("B", 240_000.0, 200_000.0), rep("C", 90_000.0, 200_000.0)];
    let roster = sales_roster(&reps);
    let low = plan_with("Interviews at 50", "sales", &[flat_commission(0.05), per_unit("discovery_interviews", 50.0)]);
    let high =
        plan_with("Interviews at 200", "sales", &[flat_commission(0.05), per_unit("discovery_interviews", 200.0)]);
    let report = simulate(&low, &roster, &[&high], &options(200));
    let new = &report.plans[0];
    let base = &report.baseline;

    for r in &reps {
        let id = r.id;
        let up = hours(&report, new, id, "discovery") - hours(&report, base, id, "discovery");
        assert!(up > 5.0, "{id}: discovery hours rise ({up:+.2})");
        for a in ["selling", "early_access", "insight", "other"] {
            let change = hours(&report, new, id, a) - hours(&report, base, id, a);
            assert!(change < -0.01, "{id}: {a} hours fall ({change:+.3})");
        }
        assert!(revenue(&report, new, id) < revenue(&report, base, id), "{id}: revenue falls");

        // The closed form, from the calibration's definitions (ε 0.3, hours below 2 count as 2,
        // `other` a quarter as flexible when it shrinks, pay per hour at least a quarter of the
        // target incentive per hour).
        let h0 = [r.selling, r.discovery, r.early_access, r.insight, CAPACITY - r.selling - 25.0];
        let vbar = (0.05 * r.revenue + 50.0 * 0.6 * r.discovery).max(0.25 * 10_000.0) / CAPACITY;
        let s: Vec<f64> =
            h0.iter().enumerate().map(|(j, h)| 0.3 * h.max(2.0) * if j == 4 { 0.25 } else { 1.0 } / vbar).collect();
        let total: f64 = s.iter().sum();
        let dv = 150.0 * 0.6; // extra pay per discovery hour
        for (j, a) in SALES_ACTIVITIES.iter().enumerate() {
            let expected = if j == 1 { s[1] * dv * (1.0 - s[1] / total) } else { -s[j] * s[1] * dv / total };
            let got = hours(&report, new, id, a) - h0[j];
            assert!((got - expected).abs() < 0.01, "{id}.{a}: {got:.4} vs closed form {expected:.4}");
        }
    }
    let interviews = relative(volume(new, "discovery_interviews"), volume(base, "discovery_interviews"));
    assert!(interviews > 0.5, "interview volume rises ({:+.1}%)", 100.0 * interviews);
    let total = relative(new.totals.revenue.mean, base.totals.revenue.mean);
    assert!(total < -0.01, "revenue falls when selling time is the substitute ({:+.2}%)", 100.0 * total);
}

// ---------------------------------------------------------------------------------------------
// 2. Equal compensation

/// Source: Milgrom & Roberts (1992), *Economics, Organization and Management* — the equal
/// compensation principle (following Holmström & Milgrom 1991): when the allocation of time
/// cannot be monitored, an activity whose marginal return is lower than the others' gets no
/// time. Here: no pay and no non-pay value (no hours in history) → no hours; an unpaid
/// activity loses hours as the rates on other activities rise.
#[test]
fn unpaid_activities_without_value_get_no_hours_and_lose_hours_as_other_rates_rise() {
    let reps = [
        Rep { insight: 0.0, ..rep("A", 150_000.0, 200_000.0) },
        Rep { insight: 0.0, early_access: 12.0, ..rep("B", 220_000.0, 200_000.0) },
    ];
    let roster = sales_roster(&reps);
    let rates = [50.0, 100.0, 200.0, 400.0];
    let plans: Vec<Plan> = rates
        .iter()
        .map(|r| {
            plan_with(
                &format!("Interviews at {r}"),
                "sales",
                &[flat_commission(0.05), per_unit("discovery_interviews", *r)],
            )
        })
        .collect();
    let refs: Vec<&Plan> = plans.iter().collect();
    let report = simulate(&plans[0], &roster, &refs, &options(50));
    for r in &reps {
        let mut last_early = f64::INFINITY;
        let mut last_other = f64::INFINITY;
        for outcome in &report.plans {
            // No pay, no history: no hours, under the baseline and under every richer plan.
            let insight = hours(&report, outcome, r.id, "insight");
            assert!(insight.abs() < 1e-9, "{}: {} gives insight work {insight} hours", r.id, outcome.plan);
            let early = hours(&report, outcome, r.id, "early_access");
            let other = hours(&report, outcome, r.id, "other");
            assert!(early < last_early, "{}: early-access hours fall as the interview rate rises", r.id);
            assert!(other < last_other, "{}: other hours fall as the interview rate rises", r.id);
            last_early = early;
            last_other = other;
        }
        assert!(last_early < 0.95 * r.early_access, "{}: a clear fall in unpaid early-access work", r.id);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Caps

/// Source: Misra & Nair (2011), "A structural model of sales-force compensation dynamics",
/// QME 9: a cap on earnings removes the incentive to sell beyond it, so people projected above
/// the cap reduce effort, while people well below it are unaffected.
#[test]
fn a_cap_lowers_effort_only_for_people_projected_above_it() {
    let above = [rep("HIGH1", 300_000.0, 200_000.0), rep("HIGH2", 250_000.0, 200_000.0)];
    let below = [rep("LOW1", 60_000.0, 200_000.0), rep("LOW2", 50_000.0, 200_000.0)];
    let roster = sales_roster(&[above[0], above[1], below[0], below[1]]);
    let uncapped = plan_with("Uncapped", "sales", &[flat_commission(0.10)]);
    // The line pays at most 15,000: 150,000 of revenue.
    let capped = plan_with("Capped", "sales", &[commission(r#"[{"from": 0, "rate": 0.10}]"#, r#", "cap": 15000"#)]);
    let report = simulate(&uncapped, &roster, &[&capped], &options(200));
    let (base, new) = (&report.baseline, &report.plans[0]);
    for r in &above {
        let change = relative(hours(&report, new, r.id, "selling"), hours(&report, base, r.id, "selling"));
        assert!(change < -0.05, "{}: above the cap, selling hours fall ({:+.1}%)", r.id, 100.0 * change);
        assert!(revenue(&report, new, r.id) < 0.97 * revenue(&report, base, r.id), "{}: and revenue", r.id);
    }
    for r in &below {
        for a in SALES_ACTIVITIES {
            let change = hours(&report, new, r.id, a) - hours(&report, base, r.id, a);
            assert!(change.abs() < 0.05, "{}: below the cap, {a} hours do not change ({change:+.3})", r.id);
        }
        let change = relative(revenue(&report, new, r.id), revenue(&report, base, r.id));
        assert!(change.abs() < 0.001, "{}: nor revenue ({:+.3}%)", r.id, 100.0 * change);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Thresholds

/// Source: Chung, Steenburgh & Sudhir (2014), "Do Bonuses Enhance Sales Productivity? A Dynamic
/// Structural Analysis of Bonus-Based Compensation Plans", Marketing Science 33(2): a quota
/// threshold makes people just below it work harder to get over it, people far below it give
/// up, and people well above it are unaffected.
#[test]
fn a_threshold_makes_people_just_below_push_over_and_people_far_below_give_up() {
    let quota = 200_000.0;
    let just_below = rep("NEAR", 0.45 * quota, quota);
    let far_below = rep("FAR", 0.15 * quota, quota);
    let well_above = rep("TOP", 1.5 * quota, quota);
    let roster = sales_roster(&[just_below, far_below, well_above]);
    let linear = plan_with("No threshold", "sales", &[flat_commission(0.08)]);
    let threshold = plan_with(
        "Threshold at 50%",
        "sales",
        &[commission(r#"[{"from": 0, "rate": 0.08}]"#, r#", "threshold": 0.5"#)],
    );
    let report = simulate(&linear, &roster, &[&threshold], &options(400));
    let (base, new) = (&report.baseline, &report.plans[0]);
    let selling = |id: &str| relative(hours(&report, new, id, "selling"), hours(&report, base, id, "selling"));

    let near = selling("NEAR");
    assert!(near > 0.05, "just below: more selling ({:+.1}%)", 100.0 * near);
    let attainment = revenue(&report, new, "NEAR") / quota;
    assert!(attainment > 0.5, "just below: expected attainment pushed over 50% ({:.1}%)", 100.0 * attainment);

    let far = selling("FAR");
    assert!(far < -0.10, "far below: gives up ({:+.1}%)", 100.0 * far);
    assert!(revenue(&report, new, "FAR") < revenue(&report, base, "FAR"));

    let top = selling("TOP");
    assert!(top.abs() < 0.001, "well above: no change ({:+.3}%)", 100.0 * top);
}

// ---------------------------------------------------------------------------------------------
// 5. Accelerators

/// Source: Chung, Steenburgh & Sudhir (2014), Marketing Science 33(2): over-achievement
/// commissions (accelerators) raise the output of top performers and do little for people who
/// are far from quota.
#[test]
fn an_accelerator_raises_top_performers_revenue_and_leaves_low_performers_alone() {
    let quota = 200_000.0;
    let top = [rep("TOP1", 1.4 * quota, quota), rep("TOP2", 1.25 * quota, quota)];
    let low = [rep("LOW1", 0.5 * quota, quota), rep("LOW2", 0.4 * quota, quota)];
    let roster = sales_roster(&[top[0], top[1], low[0], low[1]]);
    let flat = plan_with("Flat 8%", "sales", &[flat_commission(0.08)]);
    let accelerated = plan_with(
        "16% above quota",
        "sales",
        &[commission(r#"[{"from": 0, "rate": 0.08}, {"from": 1.0, "rate": 0.16}]"#, "")],
    );
    let report = simulate(&flat, &roster, &[&accelerated], &options(400));
    let (base, new) = (&report.baseline, &report.plans[0]);
    for r in &top {
        let change = relative(revenue(&report, new, r.id), revenue(&report, base, r.id));
        assert!(change > 0.03, "{}: top performer sells more ({:+.1}%)", r.id, 100.0 * change);
    }
    for r in &low {
        let change = relative(revenue(&report, new, r.id), revenue(&report, base, r.id));
        assert!(change.abs() < 0.005, "{}: low performer about the same ({:+.2}%)", r.id, 100.0 * change);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Linear contracts and noise

/// Source: Holmström & Milgrom (1987), "Aggregation and Linearity in the Provision of
/// Intertemporal Incentives", Econometrica 55, and HM (1991): under a linear plan with additive
/// noise the effort choice does not depend on the noise (it matters only for what the plan
/// should be, not for the response to it). A non-linear plan's response does depend on it.
#[test]
fn under_a_linear_plan_the_allocation_does_not_depend_on_the_noise() {
    let reps = [rep("A", 150_000.0, 200_000.0), rep("NEAR", 90_000.0, 200_000.0), rep("C", 260_000.0, 200_000.0)];
    let roster = sales_roster(&reps);
    let low = plan_with("Interviews at 50", "sales", &[flat_commission(0.05), per_unit("discovery_interviews", 50.0)]);
    let high = plan_with(
        "Interviews at 200, signups at 300",
        "sales",
        &[flat_commission(0.07), per_unit("discovery_interviews", 200.0), per_unit("early_access_signups", 300.0)],
    );
    let threshold =
        plan_with("Threshold", "sales", &[commission(r#"[{"from": 0, "rate": 0.05}]"#, r#", "threshold": 0.5"#)]);
    let cal = sim::prepare(&low, &roster).unwrap();
    let at = |noise: f64| {
        let options = SimOptions { trials: 20, noise_scale: noise, ..SimOptions::default() };
        sim::run(&cal, &[&high, &threshold], &options).unwrap()
    };
    let reference = at(1.0);
    for noise in [0.0, 0.3, 2.0, 4.0] {
        let report = at(noise);
        for r in &reps {
            for a in SALES_ACTIVITIES {
                let (x, y) =
                    (hours(&report, &report.plans[0], r.id, a), hours(&reference, &reference.plans[0], r.id, a));
                assert!((x - y).abs() < 1e-6 * CAPACITY, "{}.{a} at noise ×{noise}: {x} vs {y}", r.id);
            }
        }
    }
    // The threshold plan is not linear: how hard the person near it pushes depends on the noise.
    let (quiet, loud) = (at(0.25), at(3.0));
    let near = |r: &SimReport| hours(r, &r.plans[1], "NEAR", "selling");
    assert!((near(&quiet) - near(&loud)).abs() > 1.0, "{} vs {}", near(&quiet), near(&loud));
}

// ---------------------------------------------------------------------------------------------
// 7. Calibration

/// Source: the model's calibration (BEHAVIOUR_MODEL.md §4.1.5; revealed preference): the
/// non-pay values are set so that under the baseline plan each person's best allocation is
/// their own history, so predictions are changes caused by the new plan only.
#[test]
fn under_the_baseline_plan_predicted_hours_equal_history_for_everyone() {
    let roster = bundled_roster();
    for baseline in ["sales_led", "transition", "product_led"] {
        let plan = sample_plan(baseline);
        // Under another name the same plan is solved like any plan, not copied from the baseline.
        let again = Plan { name: format!("{} again", plan.name), ..plan.clone() };
        let report = simulate(&plan, &roster, &[&again], &options(20));
        assert_eq!(
            report.people.len() + report.skipped.len() + report.paid_on_history,
            roster.employees.len(),
            "{baseline}: everyone is simulated, or listed with a reason"
        );
        assert!(report.people.len() >= 60, "{baseline}: most of the roster is simulated");
        assert!(!report.notes.iter().any(|n| n.contains("could not be reproduced")), "{baseline}: {:?}", report.notes);
        for outcome in [&report.baseline, &report.plans[0]] {
            for (info, person) in report.people.iter().zip(&outcome.people) {
                let person = person.as_ref().unwrap_or_else(|| panic!("{baseline}: {} computed", info.name));
                for (a, (h, h0)) in person.hours.iter().zip(&info.baseline_hours).enumerate() {
                    assert!((h - h0).abs() < 1e-3, "{baseline}: {} activity {a}: {h} vs history {h0}", info.name);
                }
                assert!(person.hours_moved < 1e-3);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Jensen's inequality

/// Source: Jensen's inequality (Jensen 1906): for a convex payout curve the expected payout
/// exceeds the payout at the expected result, for a concave one (a cap) it falls short, and a
/// linear one pays the same.
#[test]
fn a_convex_payout_curve_costs_more_than_its_payout_at_mean_attainment() {
    let quota = 200_000.0;
    // Everyone exactly at quota: the kink of the accelerator and of the cap.
    let reps = [rep("A", quota, quota), rep("B", quota, quota), rep("C", quota, quota)];
    let roster = sales_roster(&reps);
    let convex = plan_with(
        "Accelerator",
        "sales",
        &[commission(r#"[{"from": 0, "rate": 0.05}, {"from": 1.0, "rate": 0.15}]"#, "")],
    );
    let concave = plan_with("Capped", "sales", &[commission(r#"[{"from": 0, "rate": 0.05}]"#, r#", "cap": 10000"#)]);
    let linear = plan_with("Linear", "sales", &[flat_commission(0.05)]);
    for (plan, lower, upper) in [(&convex, 1.05, 1.5), (&concave, 0.5, 0.97), (&linear, 0.98, 1.02)] {
        // Under its own baseline, expected output is the roster's own: the payout at the mean.
        let at_mean = engine::compute(plan, &roster, Detail::AmountsOnly).unwrap().totals.total.to_f64().unwrap();
        let report = simulate(plan, &roster, &[], &options(2000));
        let expected = report.baseline.totals.cost.mean;
        let ratio = expected / at_mean;
        assert!(
            (lower..upper).contains(&ratio),
            "{}: expected cost {expected:.0} vs payout at mean attainment {at_mean:.0} (×{ratio:.3})",
            plan.name
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 9. Size of the response

/// Source: field studies of plan changes report revenue changes of roughly 5–20%: Misra & Nair
/// (2011) +9% after removing quotas and caps; Chung, Steenburgh & Sudhir (2014); Lazear (2000)
/// +20% with piece rates. The bundled plan changes must stay within that range in the first
/// quarter, and move revenue at all.
#[test]
fn realistic_plan_changes_move_first_quarter_revenue_by_less_than_20_percent() {
    let roster = bundled_roster();
    let baseline = sample_plan("sales_led");
    let plans = [sample_plan("transition"), sample_plan("product_led")];
    let report = simulate(&baseline, &roster, &[&plans[0], &plans[1]], &options(200));
    let q1 = |o: &PlanOutcome| o.runway[0].revenue.mean;
    assert!((q1(&report.baseline) - report.baseline.totals.revenue.mean).abs() < 1e-6 * q1(&report.baseline));
    for outcome in &report.plans {
        let change = relative(q1(outcome), q1(&report.baseline));
        assert!(change.abs() < 0.20, "{}: first-quarter revenue {:+.1}%", outcome.plan, 100.0 * change);
        assert!(change.abs() > 0.01, "{}: the plan change moves revenue ({:+.2}%)", outcome.plan, 100.0 * change);
    }
}

// ---------------------------------------------------------------------------------------------
// 10. Consultants' internal work

/// Source: the time budget of Holmström & Milgrom (1991) ("attention must be subdivided"):
/// at fixed capacity, hours paid for internal work can only come out of other work, so paying
/// consultants for internal hours moves billable hours down about hour for hour (most of the
/// time comes from billable work, the largest activity; a little from the rest).
#[test]
fn paying_consultants_for_internal_hours_moves_billable_hours_down_about_hour_for_hour() {
    let csv = "employee_id,name,role,team,currency,target_incentive,start_date,revenue,billable_hours,internal_hours,\
               internal_contributions,discovery_interviews,roadmap_insights,capacity_hours,discovery_hours,insight_hours\n\
               K1,Consultant One,consultant,Team,EUR,3000,2020-01-01,68400,380,20,2,3,1,480,5,5\n\
               K2,Consultant Two,consultant,Team,EUR,3000,2020-01-01,57600,320,40,4,2,1,480,4,6\n";
    let roster = roster::import_reader("consultants.csv", csv.as_bytes(), &ImportOptions::default()).unwrap().roster;
    let billable = commission(r#"[{"from": 0, "rate": 0.03}]"#, r#", "basis": "amount""#);
    let base = plan_with("Billable only", "consultant", std::slice::from_ref(&billable));
    let paid = plan_with("Internal hours paid", "consultant", &[billable, per_unit("internal_hours", 25.0)]);
    let report = simulate(&base, &roster, &[&paid], &options(100));
    let new = &report.plans[0];
    for id in ["K1", "K2"] {
        let internal = hours(&report, new, id, "internal") - hours(&report, &report.baseline, id, "internal");
        let billable = hours(&report, new, id, "billable") - hours(&report, &report.baseline, id, "billable");
        assert!(internal > 5.0, "{id}: internal hours rise ({internal:+.1})");
        let ratio = -billable / internal;
        assert!((0.7..=1.0).contains(&ratio), "{id}: billable hours fall {ratio:.2} per internal hour");
        let total: f64 = person(&report, new, id).hours.iter().sum();
        assert!((total - CAPACITY).abs() < 1e-6, "{id}: capacity is fixed ({total})");
    }
}

// ---------------------------------------------------------------------------------------------
// 11. Reproducibility

/// Source: reproducible Monte Carlo (each person's draws come from their own stream of the
/// seed, so neither the machine nor the number of threads changes anything); the sampling
/// error of a median shrinks as 1/√trials (about 1.25 σ/√n), so different seeds agree on P50.
#[test]
fn the_same_seed_gives_identical_output_and_other_seeds_agree_on_the_median() {
    let roster = bundled_roster();
    let baseline = sample_plan("sales_led");
    let plans = [sample_plan("transition"), sample_plan("product_led")];
    let refs = [&plans[0], &plans[1]];
    let cal = sim::prepare(&baseline, &roster).unwrap();
    let run = |seed: u64| sim::run(&cal, &refs, &SimOptions { trials: 1000, seed, ..SimOptions::default() }).unwrap();
    let json = |r: &SimReport| {
        let mut out = Vec::new();
        sim::json::write_report(r, &mut out).unwrap();
        out
    };
    let first = run(7);
    let again = run(7);
    assert_eq!(first, again);
    assert_eq!(json(&first), json(&again));
    // Not even the number of threads changes anything.
    let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(|| run(7));
    assert_eq!(first, single);

    let other = run(8);
    for (a, b) in std::iter::once((&first.baseline, &other.baseline)).chain(first.plans.iter().zip(&other.plans)) {
        assert_ne!(a.totals.revenue.p10, b.totals.revenue.p10, "{}: other draws", a.plan);
        assert_ne!(a.totals.cost, b.totals.cost, "{}: other draws", a.plan);
        for (x, y, what) in [
            (a.totals.revenue.p50, b.totals.revenue.p50, "revenue"),
            (a.totals.cost.p50, b.totals.cost.p50, "cost"),
            (a.runway[7].revenue.p50, b.runway[7].revenue.p50, "Q8 revenue"),
        ] {
            // The total's P50 varies between seeds by about 0.35% at 1,000 trials (cost, the
            // noisier): 1.5% is about three standard deviations of the difference of two seeds.
            assert!(relative(x, y).abs() < 0.015, "{}: {what} P50 {x:.0} vs {y:.0}", a.plan);
        }
        // The choices do not depend on the seed at all.
        for (p, q) in a.people.iter().zip(&b.people) {
            assert_eq!(p.as_ref().map(|p| &p.hours), q.as_ref().map(|q| &q.hours));
        }
    }
}

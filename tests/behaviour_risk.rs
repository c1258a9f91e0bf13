//! Issue 15 "Risk": the optional risk-aversion dial γ (mean–variance, Holmström & Milgrom 1991).
//! People choose hours on the certainty equivalent of their pay; γ = 0 (the default) is the
//! risk-neutral model unchanged.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::collections::BTreeMap;

use carrot::plan::{self, Plan};
use carrot::roster::{self, ImportOptions, Roster};
use carrot::sim::{self, SimOptions, SimReport};

/// One sales person at 500 revenue per selling hour (300 hours, 150,000), with three earlier
/// quarters of revenue: `spread` apart around 150,000 (0: the same every quarter).
fn roster(people: &[(&str, f64)]) -> Roster {
    let mut csv = String::from(
        "employee_id,name,role,team,currency,target_incentive,quota,start_date,revenue,revenue_prev_1,\
         revenue_prev_2,revenue_prev_3,capacity_hours,selling_hours,discovery_hours,early_access_hours,\
         insight_hours,discovery_interviews\n",
    );
    for (id, spread) in people {
        let q = |f: f64| 150_000.0 * (spread * f).exp();
        csv.push_str(&format!(
            "{id},Person {id},sales,Team,EUR,15000,150000,2020-01-01,150000,{},{},{},480,300,15,6,4,9\n",
            q(1.0),
            q(-1.0),
            q(0.5)
        ));
    }
    roster::import_reader("sales.csv", csv.as_bytes(), &ImportOptions::default()).unwrap().roster
}

fn plan(name: &str, cap: &str) -> Plan {
    let text = format!(
        r#"{{"schema": 1, "name": "{name}", "currency": "EUR",
            "period": {{"start": "2026-07-01", "end": "2026-09-30"}},
            "tracks": {{"sales": {{"components": [
                {{"kind": "commission", "id": "revenue_commission", "earning_code": "COMM", "metric": "revenue",
                  "basis": "amount", "tiers": [{{"from": 0, "rate": 0.1}}]{cap}}},
                {{"kind": "per_unit", "id": "interviews", "earning_code": "SPIFF", "metric": "discovery_interviews", "amount": 100}}
            ]}}}}}}"#
    );
    plan::parse(&text).unwrap_or_else(|p| panic!("{name}: {p:?}"))
}

fn run(roster: &Roster, baseline: &Plan, plans: &[&Plan], gamma: f64) -> SimReport {
    let options = SimOptions {
        trials: 50,
        risk_aversion: BTreeMap::from([("sales".to_owned(), gamma)]),
        ..SimOptions::default()
    };
    sim::simulate(baseline, roster, plans, &options).unwrap()
}

fn selling(report: &SimReport, plan: usize, id: &str) -> f64 {
    let k = report.people.iter().position(|p| p.employee_id == id).unwrap();
    report.plans[plan].people[k].as_ref().unwrap().hours[0]
}

fn with_rate(rate: &str) -> Plan {
    let text = plan::to_json(&plan("Richer", "")).replace("0.1", rate);
    plan::parse(&text).unwrap()
}

const CAPACITY: f64 = 480.0;

/// Source: Holmström & Milgrom (1991): a risk-averse agent weighs pay by its certainty
/// equivalent, so truncating a noisy upside (a cap reached only in a lucky quarter) also takes
/// away risk. Risk neutral, the noisy person gives up selling hours for the lost lucky tail;
/// at γ = 1 the change is less than half of that and under 0.5% of their time.
#[test]
fn with_risk_aversion_a_cap_that_rarely_binds_changes_a_noisy_person_little() {
    let r = roster(&[("NOISY", 0.6), ("STEADY", 0.0)]);
    let uncapped = plan("Uncapped", "");
    // 30,000 of commission is 300,000 of revenue: twice the expected quarter.
    let capped = plan("Capped", r#", "cap": 30000"#);
    let neutral = run(&r, &uncapped, &[&capped], 0.0);
    let averse = run(&r, &uncapped, &[&capped], 1.0);
    let (n, a) = (selling(&neutral, 0, "NOISY") - 300.0, selling(&averse, 0, "NOISY") - 300.0);
    assert!(n < -2.0, "risk neutral, the cap costs the noisy person's lucky quarters: {n:+.2} h");
    assert!(a.abs() < 0.5 * n.abs(), "risk averse, it changes them much less: {a:+.2} h against {n:+.2} h");
    assert!(a.abs() < 0.005 * CAPACITY, "under 0.5% of their time: {a:+.2} h");
    for report in [&neutral, &averse] {
        assert!((selling(report, 0, "STEADY") - 300.0).abs() < 0.01, "the cap never binds for a steady person");
    }
    assert_eq!(averse.roles[0].risk_aversion, 1.0, "the report says which γ was used");
    assert_eq!(neutral.roles[0].risk_aversion, 0.0);
}

/// A risk-averse person answers a higher commission rate less than a risk-neutral one (the
/// extra pay comes with more variance), and the noisier the person, the less (Lal &
/// Srinivasan 1993: commission matters less where sales are more uncertain).
#[test]
fn risk_averse_people_answer_a_higher_rate_less_the_noisier_the_less() {
    let r = roster(&[("NOISY", 0.6), ("STEADY", 0.0)]);
    let (base, richer) = (plan("Base", ""), with_rate("0.12"));
    let neutral = run(&r, &base, &[&richer], 0.0);
    let averse = run(&r, &base, &[&richer], 1.0);
    let up = |rep: &SimReport, id: &str| selling(rep, 0, id) - 300.0;
    assert!(up(&neutral, "NOISY") > 3.0, "a higher rate draws selling hours: {:+.2}", up(&neutral, "NOISY"));
    assert!((up(&neutral, "NOISY") - up(&neutral, "STEADY")).abs() < 0.01, "risk neutral, noise does not matter");
    assert!(up(&averse, "STEADY") < up(&neutral, "STEADY"), "{:+.2}", up(&averse, "STEADY"));
    assert!(
        up(&averse, "NOISY") < up(&averse, "STEADY"),
        "{:+.2} vs {:+.2}",
        up(&averse, "NOISY"),
        up(&averse, "STEADY")
    );
    assert!(up(&averse, "NOISY") > 0.0, "but still more, not fewer, hours");
}

/// The bundled sales roster under a pure linear commission (no threshold, no cap) at `rate`.
fn linear(name: &str, rate: &str) -> Plan {
    let text = format!(
        r#"{{"schema": 1, "name": "{name}", "currency": "EUR", "fx": {{"GBP": 1.17, "CHF": 1.06, "USD": 0.92}},
            "period": {{"start": "2026-07-01", "end": "2026-09-30"}},
            "tracks": {{"sales": {{"components": [
                {{"kind": "commission", "id": "revenue_commission", "earning_code": "COMM", "metric": "revenue",
                  "tiers": [{{"from": 0, "rate": {rate}}}]}}
            ]}}}}}}"#
    );
    plan::parse(&text).unwrap_or_else(|p| panic!("{name}: {p:?}"))
}

fn bundled_sales() -> Roster {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sales_roster.csv");
    roster::import_files(&[path], &ImportOptions::default()).unwrap().roster
}

/// Selling hours each person adds when the linear rate rises from 8% to 12%, at γ.
fn raise_responses(roster: &Roster, gamma: f64, noise_scale: f64) -> Vec<f64> {
    let (base, richer) = (linear("lin8", "0.08"), linear("lin12", "0.12"));
    let options = SimOptions {
        trials: 10,
        noise_scale,
        risk_aversion: BTreeMap::from([("sales".to_owned(), gamma)]),
        ..SimOptions::default()
    };
    let report = sim::simulate(&base, roster, &[&richer], &options).unwrap();
    report
        .people
        .iter()
        .enumerate()
        .map(|(k, p)| report.plans[0].people[k].as_ref().unwrap().hours[0] - p.baseline_hours[0])
        .collect()
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Source: Holmström & Milgrom (1991), Lal & Srinivasan (1993): the more risk averse, the less a
/// higher commission rate draws, because each extra selling hour adds variance as well as pay.
/// On the bundled roster, a raise from 8% to 12% (a pure linear commission) draws from each
/// person no more selling hours at any γ the tool accepts than at a smaller γ, fewer than risk
/// neutral, and still more than none. (Choosing on the expected CARA utility normalised at
/// expected pay, rather than on its certainty equivalent, drew 11.1 h per person at γ = 1 and
/// 39.2 h at γ = 10 against 13.5 h risk neutral.)
#[test]
fn the_more_risk_averse_the_less_a_higher_rate_draws() {
    let r = bundled_sales();
    let gammas = [0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0];
    let response: Vec<Vec<f64>> = gammas.iter().map(|&g| raise_responses(&r, g, 1.0)).collect();
    let table: Vec<String> = gammas.iter().zip(&response).map(|(g, x)| format!("γ {g}: {:+.2} h", mean(x))).collect();
    assert!(mean(&response[0]) > 10.0, "risk neutral, the raise draws selling hours: {table:?}");
    for (i, pair) in response.windows(2).enumerate() {
        assert!(mean(&pair[1]) < mean(&pair[0]), "decreasing in γ ({} to {}): {table:?}", gammas[i], gammas[i + 1]);
        for (k, (a, b)) in pair[0].iter().zip(&pair[1]).enumerate() {
            assert!(*b <= a + 1e-3, "person {k}, γ {} to {}: {a:+.3} h to {b:+.3} h", gammas[i], gammas[i + 1]);
        }
    }
    for (k, (neutral, most)) in response[0].iter().zip(&response[gammas.len() - 1]).enumerate() {
        assert!(*most < neutral - 0.01, "person {k}: {most:+.3} h at γ 20 against {neutral:+.3} h risk neutral");
        assert!(*most > 0.0, "person {k} still sells more, not less: {most:+.3} h");
    }
}

/// Risk aversion is about risk: without noise, pay is certain and γ changes nothing (the
/// certainty equivalent of a certain amount is that amount). A person who chose on the expected
/// utility of pay instead would also shy away from any certain change of pay.
#[test]
fn without_noise_risk_aversion_changes_nothing() {
    let r = bundled_sales();
    let neutral = mean(&raise_responses(&r, 0.0, 0.0));
    for gamma in [1.0, 5.0] {
        let averse = mean(&raise_responses(&r, gamma, 0.0));
        assert!((averse - neutral).abs() < 0.01, "γ {gamma}: {averse:+.3} h against {neutral:+.3} h risk neutral");
    }
}

/// Calibration holds at any γ: a plan equal to the baseline (under another name) predicts
/// everyone's history.
#[test]
fn with_risk_aversion_the_baseline_still_predicts_history() {
    let r = roster(&[("NOISY", 0.6), ("STEADY", 0.0), ("MID", 0.3)]);
    let base = plan("Base", r#", "cap": 30000"#);
    let same = plan("Same", r#", "cap": 30000"#);
    for gamma in [0.5, 1.0, 2.0, 5.0, 10.0, 20.0] {
        let report = run(&r, &base, &[&same], gamma);
        for (k, p) in report.people.iter().enumerate() {
            let hours = &report.plans[0].people[k].as_ref().unwrap().hours;
            for (h, h0) in hours.iter().zip(&p.baseline_hours) {
                assert!((h - h0).abs() < 0.05, "γ {gamma}, {}: {h} against history {h0}", p.employee_id);
            }
        }
    }
}

#[test]
fn risk_aversion_is_validated_in_plans_and_options() {
    let mut p = plan("Base", "");
    p.assumptions.risk_aversion.insert("sales".to_owned(), plan::assumptions::Number("-1".parse().unwrap()));
    let problems = plan::validate(&p);
    assert!(problems.iter().any(|x| x.is_error() && x.path == "assumptions.risk_aversion.sales"), "{problems:?}");
    let bad = SimOptions { risk_aversion: BTreeMap::from([("sales".to_owned(), 25.0)]), ..SimOptions::default() };
    assert!(bad.validate().unwrap_err().to_string().starts_with("risk_aversion: sales: must be between 0 and 20"));
    // Read from the plan file, by role ignoring case.
    let text =
        plan::to_json(&plan("Base", "")).replacen('{', r#"{"assumptions": {"risk_aversion": {"Sales": 1.5}},"#, 1);
    assert_eq!(plan::parse(&text).unwrap().assumptions.risk_aversion_for("sales"), 1.5);
}

#[test]
fn the_table_names_the_risk_aversion_used() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carrot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "simulate",
            "--plan",
            "sample_plans/transition.json",
            "--baseline",
            "sample_plans/sales_led.json",
            "--roster",
            "assets/sales_roster.csv",
            "--trials",
            "20",
            "--risk-aversion",
            "sales=1",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("  Risk aversion γ: sales 1\n"), "{text}");
}

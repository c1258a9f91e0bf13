//! Issue 15 "Evidence": `carrot simulate --fit-history PREVIOUS` estimates ε per role from a
//! roster's history across a plan change. On a roster generated with a known ε
//! (`carrot gen-roster --history-from --history-to --history-responsiveness`) the fit recovers
//! it within 0.01, its hours error is far below that of "nobody changes", and a simulation
//! with `--plan` uses the fitted values. docs/behaviour.md shows the same run.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn carrot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(args).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// A roster of 200 people whose `*_prev_1` columns are the sales-led period and whose current
/// columns are the model's prediction under `to` at ε sales 0.45, consultants 0.17.
fn history_roster(dir: &Path, to: &str) -> String {
    history_roster_at(dir, to, "sales=0.45", "consultant=0.17")
}

/// [`history_roster`] at the given `--history-responsiveness` values.
fn history_roster_at(dir: &Path, to: &str, sales: &str, consultant: &str) -> String {
    let out = dir.join("history.csv");
    let out = out.to_str().unwrap().to_owned();
    ok(&carrot(&[
        "gen-roster",
        "--people",
        "200",
        "--seed",
        "11",
        "--history-from",
        "sample_plans/sales_led.json",
        "--history-to",
        to,
        "--history-responsiveness",
        sales,
        "--history-responsiveness",
        consultant,
        "--out",
        &out,
    ]));
    out
}

#[test]
fn the_fit_recovers_the_responsiveness_a_roster_was_generated_with() {
    let dir = tempfile::tempdir().unwrap();
    let roster = history_roster(dir.path(), "sample_plans/product_led.json");
    let text = std::fs::read_to_string(&roster).unwrap();
    let header = text.lines().next().unwrap();
    for column in ["selling_hours_prev_1", "internal_hours_prev_1", "revenue_prev_3", "discovery_interviews_prev_1"] {
        assert!(header.split(',').any(|c| c == column), "{column} in {header}");
    }
    let json = ok(&carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/product_led.json",
        "--fit-history",
        "sample_plans/sales_led.json",
        "--roster",
        &roster,
        "--format",
        "json",
    ]));
    let fit: serde_json::Value = serde_json::from_str(&json).unwrap();
    // docs/behaviour.md shows this run's table.
    let table = ok(&carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/product_led.json",
        "--fit-history",
        "sample_plans/sales_led.json",
        "--roster",
        &roster,
    ]));
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/behaviour.md")).unwrap();
    assert!(doc.contains(&format!("```text\n{table}```")), "docs/behaviour.md shows an outdated fit:\n{table}");
    assert_eq!(fit["previous_plan"], "Sales-led (today)");
    for (role, known) in [("sales", 0.45), ("consultant", 0.17)] {
        let r = fit["roles"].as_array().unwrap().iter().find(|r| r["role"] == role).unwrap();
        let eps = r["responsiveness"].as_f64().unwrap();
        assert!((eps - known).abs() <= 0.01, "{role}: fitted {eps}, generated with {known}");
        let (err, no_change) = (r["rmse_hours"].as_f64().unwrap(), r["rmse_hours_no_change"].as_f64().unwrap());
        assert!(err * 10.0 < no_change, "{role}: error {err} h against {no_change} h if nobody changed");
        let backtest = r["backtest_rmse_hours"].as_f64().unwrap();
        assert!(backtest * 5.0 < no_change, "{role}: back-test {backtest} h against {no_change} h");
        for half in r["backtest_responsiveness"].as_array().unwrap() {
            assert!((half.as_f64().unwrap() - known).abs() <= 0.02, "{role}: a half fitted {half}");
        }
    }
}

#[test]
fn a_simulation_with_plans_uses_the_fitted_responsiveness_unless_one_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let roster = history_roster(dir.path(), "sample_plans/transition.json");
    let json = ok(&carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/transition.json",
        "--fit-history",
        "sample_plans/sales_led.json",
        "--plan",
        "sample_plans/product_led.json",
        "--roster",
        &roster,
        "--trials",
        "20",
        "--responsiveness",
        "consultant=0.5",
        "--format",
        "json",
    ]));
    let both: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fitted = |role: &str| {
        both["fit_history"]["roles"].as_array().unwrap().iter().find(|r| r["role"] == role).unwrap()["responsiveness"]
            .as_f64()
            .unwrap()
    };
    let used = |role: &str| {
        both["simulation"]["roles"].as_array().unwrap().iter().find(|r| r["role"] == role).unwrap()["responsiveness"]
            .as_f64()
            .unwrap()
    };
    assert!((fitted("sales") - 0.45).abs() <= 0.01);
    assert_eq!(used("sales"), fitted("sales"), "the fitted ε is simulated");
    assert_eq!(used("consultant"), 0.5, "--responsiveness wins over the fit");
    // The table shows the fit, then the simulation.
    let table = ok(&carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/transition.json",
        "--fit-history",
        "sample_plans/sales_led.json",
        "--roster",
        &roster,
    ]));
    assert!(
        table.starts_with("Responsiveness fitted from history: `Sales-led (today)` (previous period) to `Transition`")
    );
    assert!(table.contains("Back-test error"), "{table}");
}

#[test]
fn a_roster_without_hours_history_cannot_be_fitted_and_says_which_columns_are_missing() {
    let o = carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/transition.json",
        "--fit-history",
        "sample_plans/sales_led.json",
        "--roster",
        "assets/sales_roster.csv",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8(o.stderr).unwrap();
    assert!(err.contains("--fit-history: no role could be fitted: sales: no hours of the previous period"), "{err}");
    assert!(err.contains("selling_hours_prev_1"), "{err}");
}

#[test]
fn a_fitted_responsiveness_the_validator_would_flag_is_flagged_wherever_the_fit_is_shown() {
    // Sales people who moved as if ε were 4.5 (very responsive), consultants beyond the largest
    // value the fit tries.
    let dir = tempfile::tempdir().unwrap();
    let roster = history_roster_at(dir.path(), "sample_plans/product_led.json", "sales=4.5", "consultant=40");
    let args = [
        "simulate",
        "--baseline",
        "sample_plans/product_led.json",
        "--fit-history",
        "sample_plans/sales_led.json",
        "--roster",
        &roster,
    ];
    let o = carrot(&args);
    let table = ok(&o);
    let err = String::from_utf8(o.stderr).unwrap();
    for text in [&table, &err] {
        assert!(text.contains("sales: fitted ε 4."), "{text}");
        assert!(text.contains("is very responsive"), "{text}");
        assert!(
            text.contains("consultant: ε ") && text.contains("is near the largest value the fit tries (10)"),
            "{text}"
        );
    }
    assert!(err.contains("warning: --fit-history: sales: fitted ε"), "{err}");
    assert!(table.contains("Caution: sales: fitted ε"), "{table}");
    let json = ok(&carrot(&[&args[..], &["--format", "json"]].concat()));
    let fit: serde_json::Value = serde_json::from_str(&json).unwrap();
    let cautions: Vec<&str> = fit["cautions"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(cautions.len(), 2, "{cautions:?}");
    // Fits the validator would not flag carry no caution.
    let calm_dir = tempfile::tempdir().unwrap();
    let calm = history_roster(calm_dir.path(), "sample_plans/product_led.json");
    let json = ok(&carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/product_led.json",
        "--fit-history",
        "sample_plans/sales_led.json",
        "--roster",
        &calm,
        "--format",
        "json",
    ]));
    let fit: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(fit["cautions"], serde_json::json!([]));
}

//! docs/behaviour.md says what the code does: the documented `assumptions` example is exactly
//! the defaults (and simulates exactly like no assumptions at all), the defaults in the tables
//! are the code's, every JSON field the simulation writes is documented, and the excerpt of
//! `carrot simulate` on the bundled samples is what the command prints.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use carrot::plan::{self, Plan};
use carrot::roster::Roster;
use carrot::samples;
use carrot::sim::assumptions::{
    DEFAULT_CAPACITY_COLUMN, DEFAULT_CAPACITY_HOURS, DEFAULT_MIN_FLEXIBLE_HOURS, DEFAULT_NOISE, DEFAULT_RESPONSIVENESS,
    DEFAULT_RISK_AVERSION,
};
use carrot::sim::{self, Assumptions, RoleModel, Runway, SimOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn doc() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("docs/behaviour.md")).unwrap()
}

/// The first fenced block with `fence` (e.g. "```json") that starts with `starts`.
fn block(doc: &str, fence: &str, starts: &str) -> String {
    let mut rest = doc;
    while let Some(i) = rest.find(&format!("{fence}\n")) {
        let body = &rest[i + fence.len() + 1..];
        let end = body.find("```").unwrap();
        if body.starts_with(starts) {
            return body[..end].to_owned();
        }
        rest = &body[end + 3..];
    }
    panic!("no {fence} block starting with {starts:?}")
}

/// The documented complete example, as written.
fn documented_example() -> serde_json::Value {
    let text = block(&doc(), "```json", "{\n  \"assumptions\"");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["assumptions"].clone()
}

fn bundled_roster() -> Roster {
    samples::bundled_roster().unwrap()
}

#[test]
fn the_documented_assumptions_example_is_exactly_the_defaults() {
    let written = documented_example();
    let a: Assumptions = serde_json::from_value(written.clone()).unwrap();
    // Kept exactly as written.
    assert_eq!(serde_json::to_value(&a).unwrap(), written);

    let roles: Vec<&str> = a.roles.keys().map(String::as_str).collect();
    assert_eq!(roles, ["sales", "consultant"]);
    for role in roles {
        assert_eq!(a.responsiveness_for(role), DEFAULT_RESPONSIVENESS, "{role}");
        assert_eq!(Assumptions::default().responsiveness_for(role), DEFAULT_RESPONSIVENESS);
        let documented = &a.roles[role];
        let builtin = RoleModel::builtin(role).unwrap();
        assert_eq!(documented.capacity_column(), builtin.capacity_column(), "{role}");
        assert_eq!(documented.default_capacity(), builtin.default_capacity(), "{role}");
        assert_eq!(documented.activities, builtin.activities, "{role}");
        assert_eq!(Assumptions::default().role_model(role), Some(builtin));
    }
    assert_eq!(a.min_flexible_hours(), DEFAULT_MIN_FLEXIBLE_HOURS);
    assert_eq!(a.min_flexible_hours(), Assumptions::default().min_flexible_hours());

    let mut runway = a.runway.clone().unwrap();
    for p in &mut runway.productivity {
        assert_eq!(p.applies_to(), "revenue");
        p.applies_to = None;
    }
    assert_eq!(runway, Runway::builtin());
    assert_eq!(Assumptions::default().runway(), Runway::builtin());
}

/// `text` (a plan file) with the documented example as its `assumptions`.
fn with_documented_assumptions(text: &str) -> Plan {
    let mut json: serde_json::Value = serde_json::from_str(text).unwrap();
    json["assumptions"] = documented_example();
    plan::parse(&serde_json::to_string_pretty(&json).unwrap()).unwrap()
}

#[test]
fn a_plan_with_the_documented_example_simulates_like_a_plan_without_assumptions() {
    let roster = bundled_roster();
    let plain = ["sales_led", "product_led"].map(|k| plan::parse(samples::plan(k).unwrap().text).unwrap());
    let documented = ["sales_led", "product_led"].map(|k| with_documented_assumptions(samples::plan(k).unwrap().text));
    assert_ne!(plain[0].assumptions, documented[0].assumptions);
    let options = SimOptions { trials: 100, ..SimOptions::default() };
    let a = sim::simulate(&plain[0], &roster, &[&plain[1]], &options).unwrap();
    let b = sim::simulate(&documented[0], &roster, &[&documented[1]], &options).unwrap();
    assert_eq!(a.roles, b.roles);
    assert_eq!(a.people, b.people);
    assert_eq!(a.defaults, b.defaults);
    assert_eq!(a.skipped, b.skipped);
    assert_eq!(a.notes, b.notes);
    for (x, y) in std::iter::once((&a.baseline, &b.baseline)).chain(a.plans.iter().zip(&b.plans)) {
        assert_eq!(x.totals, y.totals, "{}", x.plan);
        assert_eq!(x.roles, y.roles, "{}", x.plan);
        assert_eq!(x.runway, y.runway, "{}", x.plan);
        assert_eq!(x.people, y.people, "{}", x.plan);
    }
}

#[test]
fn the_documented_defaults_are_the_codes() {
    let doc = doc();
    let row = |field: &str, default: &str| {
        let needle = format!("| `{field}` | {default} |");
        assert!(doc.contains(&needle), "docs/behaviour.md has no row {needle}");
    };
    let number = |x: f64| format!("{x}");
    row("responsiveness", &format!("{} for every role", number(DEFAULT_RESPONSIVENESS)));
    row("risk_aversion", &format!("{} for every role", number(DEFAULT_RISK_AVERSION)));
    row("min_flexible_hours", &number(DEFAULT_MIN_FLEXIBLE_HOURS));
    row("roles.R.capacity_column", &format!("`{DEFAULT_CAPACITY_COLUMN}`"));
    row("roles.R.default_capacity", &number(DEFAULT_CAPACITY_HOURS));
    row("activities[].default_noise", &format!("{} (built-in activities: as in the example)", number(DEFAULT_NOISE)));
    row("activities[].default_share", "0");
    let options = SimOptions::default();
    row("--trials N", &options.trials.to_string());
    row("--seed S", &options.seed.to_string());
    row("--quarters Q", &options.quarters.to_string());
    assert_eq!(options.noise_scale, 1.0);
    assert!(doc.contains(&format!("default ε = {}", number(DEFAULT_RESPONSIVENESS))));
    assert!(doc.contains(&format!("(default {})", number(DEFAULT_RESPONSIVENESS))));
    assert!(doc.contains("(480 hours, a quarter of full-time\nwork"));
    assert_eq!(DEFAULT_CAPACITY_HOURS, 480.0);
    // The runway defaults in the prose.
    let runway = Runway::builtin();
    let c = &runway.conversions[0];
    assert_eq!((c.metric.as_str(), c.rate.to_string(), c.lag_quarters), ("early_access_signups", "0.2".into(), 2));
    assert_eq!(c.revenue_per_quarter.to_string(), "2500");
    assert!(doc.contains("convert at rate **0.2**, **2\n  quarters** later, each conversion bringing **2,500**"));
    let p = &runway.productivity;
    assert_eq!(
        (p[0].metric.as_str(), p[0].uplift.to_string(), p[0].lag_quarters),
        ("roadmap_insights", "0.01".into(), 3)
    );
    assert_eq!(
        (p[1].metric.as_str(), p[1].uplift.to_string(), p[1].lag_quarters),
        ("internal_hours", "0.0005".into(), 1)
    );
    assert!(doc.contains("by **1%** from **3 quarters** later"));
    assert!(doc.contains("**0.05%** (20 hours: 1%) from **1 quarter** later"));
}

/// Every key anywhere in `value`.
fn keys(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.insert(k.clone());
                keys(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn every_json_field_is_documented() {
    let roster = bundled_roster();
    let plans =
        ["sales_led", "transition", "product_led"].map(|k| plan::parse(samples::plan(k).unwrap().text).unwrap());
    let report =
        sim::simulate(&plans[0], &roster, &[&plans[1], &plans[2]], &SimOptions { trials: 50, ..SimOptions::default() })
            .unwrap();
    let mut bytes = Vec::new();
    sim::json::write_report(&report, &mut bytes).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let mut found = BTreeSet::new();
    keys(&json, &mut found);
    let doc = doc();
    let section = &doc[doc.find("### The JSON output").unwrap()..];
    let missing: Vec<&String> = found.iter().filter(|k| !section.contains(&format!("`{k}`"))).collect();
    assert!(missing.is_empty(), "undocumented JSON fields: {missing:?}");
    assert!(found.len() > 40, "{found:?}");
}

#[test]
fn the_documented_command_prints_the_documented_summary() {
    let doc = doc();
    let command = block(&doc, "```sh", "carrot simulate");
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    let out = Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(&args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let excerpt = block(&doc, "```text", "Summary:");
    assert!(stdout.contains(&excerpt), "docs/behaviour.md's excerpt is out of date; the command prints:\n{stdout}");
}

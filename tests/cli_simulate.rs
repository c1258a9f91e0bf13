//! `carrot simulate`, the real binary, on the bundled samples: the documented JSON, the same
//! bytes for the same seed, and clear errors (exit code 1) for bad options.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn carrot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// `carrot simulate` with the README's plans and rosters, then `extra`.
fn simulate(baseline: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "simulate",
        "--plan",
        "sample_plans/product_led.json",
        "--plan",
        "sample_plans/transition.json",
        "--baseline",
        baseline,
        "--roster",
        "assets/sales_roster.csv",
        "--roster",
        "assets/consultants_roster.csv",
    ];
    args.extend_from_slice(extra);
    carrot(&args)
}

/// The table `carrot simulate` prints for `plan` against the sales-led sample on `roster`
/// (50 trials); the run must succeed.
fn table_of(plan: &str, roster: &str) -> String {
    let out = carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/sales_led.json",
        "--plan",
        plan,
        "--roster",
        roster,
        "--trials",
        "50",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn json_output_on_the_samples_is_complete_and_the_same_for_the_same_seed() {
    let args = ["--format", "json", "--trials", "300", "--seed", "11"];
    let first = simulate("sample_plans/sales_led.json", &args);
    assert!(first.status.success(), "{}", stderr(&first));
    let again = simulate("sample_plans/sales_led.json", &args);
    assert_eq!(first.stdout, again.stdout, "same seed, same bytes");
    let other = simulate("sample_plans/sales_led.json", &["--format", "json", "--trials", "300", "--seed", "12"]);
    assert_ne!(first.stdout, other.stdout, "another seed, other draws");

    let json: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["baseline_plan"], "Sales-led (today)");
    assert_eq!(json["currency"], "EUR");
    assert_eq!(json["trials"], 300);
    assert_eq!(json["seed"], 11);
    assert_eq!(json["quarters"], 8);
    let roles: Vec<&str> = json["roles"].as_array().unwrap().iter().map(|r| r["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["sales", "consultant"]);
    let plans = json["plans"].as_array().unwrap();
    let names: Vec<&str> = plans.iter().map(|p| p["plan"].as_str().unwrap()).collect();
    assert_eq!(names, ["Product-led", "Transition"], "in the order given");
    for plan in std::iter::once(&json["baseline"]).chain(plans) {
        let name = plan["plan"].as_str().unwrap();
        assert_eq!(plan["runway"].as_array().unwrap().len(), 8, "{name}");
        assert_eq!(plan["people"].as_array().unwrap().len(), 72, "{name}: everyone simulated");
        let revenue = &plan["totals"]["revenue"];
        let (p10, p50, p90) =
            (revenue["p10"].as_f64().unwrap(), revenue["p50"].as_f64().unwrap(), revenue["p90"].as_f64().unwrap());
        assert!(p10 < p50 && p50 < p90, "{name}: a band");
        for role in plan["roles"].as_array().unwrap() {
            assert!(role["cost"]["mean"].as_f64().unwrap() > 0.0, "{name}: cost per role");
        }
    }
    // The story the samples tell: more interviews and signups, a revenue dip that the runway
    // recovers from.
    let product_led = &plans[0];
    let volume = |plan: &serde_json::Value, metric: &str| {
        plan["totals"]["volumes"].as_array().unwrap().iter().find(|v| v["metric"] == metric).unwrap()["expected"]
            .as_f64()
            .unwrap()
    };
    for metric in ["discovery_interviews", "early_access_signups"] {
        assert!(volume(product_led, metric) > 1.2 * volume(&json["baseline"], metric), "{metric} rise");
    }
    let quarter = |plan: &serde_json::Value, q: usize| plan["runway"][q]["revenue"]["mean"].as_f64().unwrap();
    assert!(quarter(product_led, 0) < quarter(&json["baseline"], 0), "a first-quarter dip");
    assert!(quarter(product_led, 7) > quarter(product_led, 0), "recovering over the runway");
}

#[test]
fn the_table_names_the_plans_and_the_bands() {
    let out = simulate("sample_plans/sales_led.json", &["--trials", "100"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in ["Sales-led (today) (baseline)", "== Product-led ==", "== Transition ==", "P10–P90", "Runway"] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
}

#[test]
fn bad_options_exit_2_and_bad_plans_exit_1_with_clear_errors() {
    for (args, expected) in [
        (vec!["--trials", "0"], "error: --trials: must be between 1 and 1,000,000, not 0"),
        (vec!["--quarters", "0"], "error: --quarters: must be between 1 and 400, not 0"),
    ] {
        let out = simulate("sample_plans/sales_led.json", &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: wrong usage");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        let err = stderr(&out);
        assert!(err.starts_with("error: ") && err.contains(expected), "{args:?}: {err}");
    }

    // A baseline that pays in pounds, with rates for every roster currency.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(ROOT).join("sample_plans/sales_led.json")).unwrap();
    let gbp = text.replace("\"currency\": \"EUR\"", "\"currency\": \"GBP\"").replace("\"GBP\": 1.17", "\"EUR\": 0.85");
    assert_ne!(text, gbp);
    let baseline = dir.path().join("gbp_baseline.json");
    std::fs::write(&baseline, gbp).unwrap();
    let out = simulate(baseline.to_str().unwrap(), &["--trials", "10"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains(
            "plan `Product-led` pays in EUR but the baseline pays in GBP; simulate plans that share a currency"
        ),
        "{err}"
    );

    let out = simulate("sample_plans/missing.json", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("missing.json"), "{}", stderr(&out));
}

#[test]
fn responsiveness_per_role_from_the_command_line() {
    let json = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--trials", "20", "--format", "json"];
        all.extend_from_slice(args);
        let out = simulate("sample_plans/sales_led.json", &all);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let eps = |v: &serde_json::Value, role: &str| {
        v["roles"].as_array().unwrap().iter().find(|r| r["role"] == role).unwrap()["responsiveness"].as_f64().unwrap()
    };
    let moved = |v: &serde_json::Value, role: &str| -> f64 {
        v["plans"][0]["people"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["role"] == role)
            .map(|p| p["hours_moved"].as_f64().unwrap())
            .sum()
    };
    let default = json(&[]);
    let keen = json(&["--responsiveness", "sales=0.6", "--responsiveness", "Consultant=0"]);
    assert_eq!((eps(&default, "sales"), eps(&keen, "sales")), (0.3, 0.6));
    assert_eq!(eps(&keen, "consultant"), 0.0);
    assert!(moved(&keen, "sales") > 1.5 * moved(&default, "sales"), "twice the ε moves more hours");
    assert_eq!(moved(&keen, "consultant"), 0.0, "ε 0: nobody changes");

    for (arg, expected) in [
        ("sales", "error: invalid value 'sales' for '--responsiveness <ROLE=E>': `sales` is not ROLE=E"),
        ("sales=fast", "`fast` is not a number"),
        ("sales=-1", "error: --responsiveness: sales: must be between 0 and 100, not -1"),
        ("pilots=0.5", "error: --responsiveness: no modelled role `pilots` in the roster (roles: sales, consultant)"),
    ] {
        let out = simulate("sample_plans/sales_led.json", &["--responsiveness", arg]);
        assert_ne!(out.status.code(), Some(0), "{arg}");
        assert!(out.stdout.is_empty(), "{arg}: nothing on stdout");
        assert!(stderr(&out).contains(expected), "{arg}: {}", stderr(&out));
    }
}

#[test]
fn dials_set_on_the_command_line_get_the_warnings_the_plan_validator_gives_them() {
    let args = ["--trials", "10", "--risk-aversion", "sales=10", "--responsiveness", "sales=100"];
    let out = simulate("sample_plans/sales_led.json", &args);
    assert!(out.status.success(), "a warning does not stop the simulation: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "warning: --responsiveness sales=100: 100 is very responsive: small pay differences would move most \
             hours (the default is 0.3)\n"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "warning: --risk-aversion sales=10: 10 is very risk averse: people would give up most uncertain pay\n"
        ),
        "{err}"
    );
    // At the thresholds (3 and 5), as in a plan file, nothing is flagged.
    let calm = simulate(
        "sample_plans/sales_led.json",
        &["--trials", "10", "--risk-aversion", "sales=5", "--responsiveness", "sales=3"],
    );
    assert!(calm.status.success(), "{}", stderr(&calm));
    assert!(!stderr(&calm).contains("warning: --"), "{}", stderr(&calm));
}

#[test]
fn a_metric_the_plans_pay_on_that_no_activity_produces_is_said_to_stay_as_the_roster_has_it() {
    let dir = tempfile::tempdir().unwrap();
    // The consultants, with a count of knowledge articles each.
    let consultants = std::fs::read_to_string(Path::new(ROOT).join("assets/consultants_roster.csv")).unwrap();
    let mut lines = consultants.lines();
    let mut csv = format!("{},kb_articles\n", lines.next().unwrap());
    for (i, line) in lines.filter(|l| !l.trim().is_empty()).enumerate() {
        csv.push_str(&format!("{line},{}\n", i % 5));
    }
    let roster = dir.path().join("consultants_kb.csv");
    std::fs::write(&roster, csv).unwrap();
    // Transition, paying consultants for knowledge articles instead of internal contributions.
    let plan = std::fs::read_to_string(Path::new(ROOT).join("sample_plans/transition.json")).unwrap();
    let plan = plan.replacen("\"metric\": \"internal_contributions\"", "\"metric\": \"kb_articles\"", 1);
    assert!(plan.contains("kb_articles"));
    let plan_path = dir.path().join("transition_kb.json");
    std::fs::write(&plan_path, plan).unwrap();
    let table = table_of(plan_path.to_str().unwrap(), roster.to_str().unwrap());
    assert!(
        table.contains(
            "Note: consultant: the plans pay on `kb_articles`, which no activity produces in the assumptions: it \
             stays at each person's roster value in every trial, so nobody is seen working for it"
        ),
        "{table}"
    );
    // The sample plan pays on internal contributions, the internal activity's output: no note.
    let sample = table_of("sample_plans/transition.json", roster.to_str().unwrap());
    assert!(!sample.contains("which no activity produces"), "{sample}");
}

#[test]
fn a_roster_with_no_activity_output_says_so_in_place_of_an_empty_volumes_table() {
    // The sales-led plan, which this roster can compute (the transition plan pays on
    // `internal_contributions`, which it lacks: refused, as `payouts` refuses it).
    let out = carrot(&[
        "simulate",
        "--baseline",
        "sample_plans/sales_led.json",
        "--plan",
        "sample_plans/sales_led.json",
        "--roster",
        "tests/fixtures/roster/consultants_hours_only.csv",
        "--trials",
        "50",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains(
            "Activity volumes (all people)\n  none: the roster has no column for any activity's output (see the notes \
             below)\n\nRevenue and payout cost by role"
        ),
        "{table}"
    );
    assert!(table.contains("Note: consultant: the roster has no `internal_contributions` column"), "{table}");
}

// A deal cancelled in the period leaves someone's revenue negative: they have no rate of their
// own, so the role's average stands in and the simulation expects of them what others sell.
// That is said, by name, rather than only counted among the values not from people's history.
#[test]
fn a_negative_revenue_is_said_to_be_replaced_by_the_roles_rate_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(ROOT).join("assets/sales_roster.csv")).unwrap();
    let text = text.replacen(",304993.07,", ",-20000.00,", 1);
    assert!(text.contains("-20000.00"));
    let roster = dir.path().join("sales_cancelled.csv");
    std::fs::write(&roster, text).unwrap();
    let table = table_of("sample_plans/transition.json", roster.to_str().unwrap());
    assert!(
        table.contains(
            "Note: sales: 1 person has a negative revenue in the roster (001001 Hugo Larsen: −20,000.00), so the \
             role's revenue per selling hour stands in for theirs: what the simulation expects of them is not what \
             the roster records"
        ),
        "{table}"
    );
    // Zeros (no roadmap insight this period) are common and pooled without a word.
    let sample = table_of("sample_plans/transition.json", "assets/sales_roster.csv");
    assert!(!sample.contains("stands in for theirs"), "{sample}");
}

/// A plan that pays on columns the roster lacks is refused, naming the plan file and each
/// column, as `payouts` and `compare` refuse it: simulated, everyone would fail under it and its
/// row would read as a plan earning and paying nothing ("−100% revenue") with exit code 0.
#[test]
fn a_plan_reading_columns_the_roster_lacks_is_refused_naming_the_plan() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("crm_export.csv");
    std::fs::write(
        &roster,
        "employee_id,name,role,team,currency,target_incentive,quota,revenue\n\
         S1,Ada Lovelace,sales,Pioneers,EUR,10000,100000,120000\n\
         S2,Alan Turing,sales,Pioneers,EUR,10000,100000,80000\n",
    )
    .unwrap();
    let roster = roster.to_str().unwrap();
    let (sales_led, product_led) = ("sample_plans/sales_led.json", "sample_plans/product_led.json");
    let simulate = ["simulate", "--baseline", sales_led, "--plan", product_led, "--roster", roster, "--trials", "20"];
    let compare = ["compare", "--plan", sales_led, "--plan", product_led, "--roster", roster];
    for args in [&simulate[..], &compare[..]] {
        let out = carrot(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {err}", args[0]);
        assert!(
            err.contains("error: sample_plans/product_led.json: the plan has 9 problem(s) on this roster:"),
            "{err}"
        );
        assert!(err.contains("`discovery_interviews` is not a roster column"), "{err}");
    }
    // The plans it can compute are simulated as before.
    let same = ["simulate", "--baseline", sales_led, "--plan", sales_led, "--roster", roster, "--trials", "20"];
    let out = carrot(&same);
    assert!(out.status.success(), "{}", stderr(&out));
}

//! The real binary's command line: wrong usage exits 2 everywhere, `-` as an output file is
//! standard output for every command that writes one, and `gen-roster` never repeats an id.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs `carrot args` in `dir`, with the repository's files reachable through `{root}`.
fn carrot_in(dir: &Path, args: &[&str]) -> Output {
    let args: Vec<String> = args.iter().map(|a| a.replace("{root}", ROOT)).collect();
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(dir).args(&args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const ROSTER: [&str; 4] =
    ["--roster", "{root}/assets/sales_roster.csv", "--roster", "{root}/assets/consultants_roster.csv"];

fn with_roster(head: &[&'static str], tail: &[&'static str]) -> Vec<&'static str> {
    head.iter().chain(ROSTER.iter()).chain(tail).copied().collect()
}

#[test]
fn wrong_usage_exits_2_with_a_message_and_writes_nothing() {
    let plan = "{root}/sample_plans/transition.json";
    let other = "{root}/sample_plans/sales_led.json";
    let export = ["export", "--plan", plan, "--pay-date", "2026-10-15", "--out", "x.csv"];
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (with_roster(&export, &["--template", "nope"]), "unknown template `nope`; the templates are generic"),
        (with_roster(&export, &["--template", "adp-wfn"]), "the adp-wfn template needs settings"),
        (with_roster(&export, &["--pay-frequency", "daily"]), "`daily` is not a pay frequency"),
        (with_roster(&["compare", "--plan", plan], &[]), "compare needs at least two --plan files"),
        (
            with_roster(&["compare", "--plan", plan, "--plan", other], &["--xlsx", "a", "--html", "a"]),
            "--xlsx and --html name the same file a",
        ),
        (
            with_roster(&["simulate", "--plan", other, "--baseline", plan], &["--trials", "0"]),
            "--trials: must be between 1 and 1,000,000, not 0",
        ),
        (
            with_roster(&["payouts", "--plan", plan, "--out", "p.csv"], &["--date-format", "%Q"]),
            "`%Q` is not a valid date format",
        ),
        (
            with_roster(&["payouts", "--plan", plan, "--out", "p.csv"], &["--date-format", "hello"]),
            "`hello` does not give a day, a month and a year",
        ),
        (vec!["gen-roster", "--people", "ten"], "invalid value 'ten' for '--people <N>'"),
        (
            vec!["gen-roster", "--people", "2", "--first-id", "18446744073709551615", "--out", "r.csv"],
            "--first-id 18446744073709551615 with --people 2 would pass the largest id (18446744073709551615) and \
             repeat ids; use a --first-id of at most 18446744073709551614",
        ),
    ];
    for (args, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        let o = carrot_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(2), "carrot {}: {}", args.join(" "), stderr(&o));
        assert!(stderr(&o).contains(message), "carrot {}: {}", args.join(" "), stderr(&o));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "carrot {}: nothing written", args.join(" "));
    }
}

#[test]
fn gen_roster_counts_ids_up_to_the_largest_without_repeating() {
    let dir = tempfile::tempdir().unwrap();
    let o = carrot_in(dir.path(), &["gen-roster", "--people", "2", "--first-id", "18446744073709551614"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).unwrap();
    let ids: Vec<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    assert_eq!(ids, ["18446744073709551614", "18446744073709551615"]);
}

#[test]
fn out_dash_is_standard_output_for_every_command_that_writes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let plan = "{root}/sample_plans/transition.json";
    let o = carrot_in(dir.path(), &["gen-roster", "--people", "3", "--out", "-"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("employee_id,"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = carrot_in(dir.path(), &with_roster(&["payouts", "--plan", plan, "--format", "csv", "--out", "-"], &[]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).lines().count() > 10);
    let compare = ["compare", "--plan", plan, "--plan", "{root}/sample_plans/sales_led.json"];
    let o = carrot_in(dir.path(), &with_roster(&compare, &["--html", "-"]));
    assert!(o.status.success(), "{}", stderr(&o));
    let html = String::from_utf8_lossy(&o.stdout);
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"), "the report alone");
    let o = carrot_in(dir.path(), &with_roster(&compare, &["--xlsx", "-"]));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.starts_with(b"PK"), "an xlsx (zip) file");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no file named -");
}

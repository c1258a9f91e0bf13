//! Plan years on the real binary: the people of one period and the next. Someone of the ledger
//! missing from a period's actuals is named by `payouts`, and the period is neither closed nor
//! exported without them; an id whose leading zeros a spreadsheet changed is the ledger's person;
//! last period's actuals given again are noticed.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::Path;
use std::process::{Command, Output};

/// A monthly EUR plan year: a year-to-date commission, 8% to 100% of quota to date, 12% above.
const PLAN: &str = r#"{"schema": 1, "name": "People", "currency": "EUR",
  "period": {"start": "2026-01-01", "end": "2026-12-31"},
  "schedule": {"periods": "month"},
  "tracks": {"sales": {"components": [
    {"kind": "commission", "id": "rev", "earning_code": "COMM", "window": "ytd",
     "tiers": [{"from": 0, "rate": 0.08}, {"from": 1.0, "rate": 0.12}]}]}}}"#;

const HEADER: &str = "employee_id,name,role,quota,start_date,end_date,revenue\n";

fn carrot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(dir).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A folder with the plan and one actuals file per month (`rows` after the header).
fn setup(months: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.json"), PLAN).unwrap();
    for (name, rows) in months {
        std::fs::write(dir.path().join(format!("{name}.csv")), format!("{HEADER}{rows}")).unwrap();
    }
    dir
}

/// `command --plan plan.json --period 2026-<m> --ledger ledger.json --roster <file>.csv ...`.
fn run(dir: &Path, command: &str, m: &str, file: &str, extra: &[&str]) -> Output {
    let period = format!("2026-{m}");
    let roster = format!("{file}.csv");
    let mut args =
        vec![command, "--plan", "plan.json", "--period", &period, "--ledger", "ledger.json", "--roster", &roster];
    args.extend(extra);
    carrot(dir, &args)
}

#[test]
fn a_person_missing_from_a_period_is_named_and_the_period_is_neither_closed_nor_exported() {
    let dir = setup(&[
        ("jan", "100,Ana Lind,sales,1200000,2022-01-10,,110000\n200,Bo Berg,sales,600000,2025-06-01,,50000\n"),
        ("feb", "100,Ana Lind,sales,1200000,2022-01-10,,90000\n"),
    ]);
    let d = dir.path();
    assert!(run(d, "close", "01", "jan", &[]).status.success());
    let before = std::fs::read(d.join("ledger.json")).unwrap();
    let named = "200 (Bo Berg; last in 2026-01, no end date)";
    // payouts computes the others and says who is missing.
    let o = run(d, "payouts", "02", "feb", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("1 person in the ledger is not in 2026-02's actuals") && err.contains(named), "{err}");
    // close and export refuse, naming him, and write nothing.
    let o = run(d, "close", "02", "feb", &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("error: period 2026-02 is not closed or exported") && err.contains(named), "{err}");
    assert_eq!(std::fs::read(d.join("ledger.json")).unwrap(), before);
    let o = run(d, "export", "02", "feb", &["--pay-date", "2026-03-05", "--out", "feb_payroll.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains(named));
    assert!(!d.join("feb_payroll.csv").exists());
    // With his row (he left in January), February closes.
    std::fs::write(
        d.join("feb.csv"),
        format!(
            "{HEADER}100,Ana Lind,sales,1200000,2022-01-10,,90000\n200,Bo Berg,sales,600000,2025-06-01,2026-01-31,0\n"
        ),
    )
    .unwrap();
    let o = run(d, "close", "02", "feb", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

// Alice's id `100` written `0100` by a spreadsheet: her year to date goes on. January 110,000 of
// a 100,000 quota pays 8,000 + 1,200 = 9,200; February 90,000 brings the year to 200,000 of
// 200,000: 16,000 to date, a true-up of 6,800 (as a newcomer: 7,200).
#[test]
fn an_id_whose_leading_zeros_changed_keeps_its_history() {
    let dir = setup(&[
        ("jan", "100,Ana Lind,sales,1200000,2022-01-10,,110000\n"),
        ("feb", "0100,Ana Lind,sales,1200000,2022-01-10,,90000\n"),
    ]);
    let d = dir.path();
    assert!(run(d, "close", "01", "jan", &[]).status.success());
    let o = run(d, "payouts", "02", "feb", &["--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ana = &json["employees"][0];
    assert_eq!(ana["employee_id"], "100");
    assert_eq!(ana["total"], "6800.00");
    let warned = "employee_id 0100 (Ana Lind) in the actuals is 100 in the ledger";
    assert!(text(&o.stderr).contains(warned), "{}", text(&o.stderr));
    assert!(json["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with(warned)));
}

#[test]
fn last_months_actuals_given_again_are_noticed() {
    let dir = setup(&[("jan", "100,Ana Lind,sales,1200000,2022-01-10,,110000\n")]);
    let d = dir.path();
    assert!(run(d, "close", "01", "jan", &[]).status.success());
    let o = run(d, "close", "02", "jan", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("warning: the actuals for 2026-02 are identical to 2026-01's"),
        "{}",
        text(&o.stderr)
    );
}

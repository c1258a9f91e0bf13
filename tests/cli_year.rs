//! Plan years on the real binary: the README's "Running a plan year" commands, `--period` and
//! `--ledger` on `payouts` and `export`, and `carrot close` (idempotent, refusing changed
//! figures and foreign ledgers).

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PLAN: &str = "sample_plans/plan_year.json";

/// A folder with the repository's samples and actuals reachable as from a checkout.
fn checkout() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in ["sample_plans", "assets"] {
        std::os::unix::fs::symlink(Path::new(ROOT).join(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn carrot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(dir).args(args).output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn month(dir: &Path, command: &str, m: &str, ledger: Option<&str>, extra: &[&str]) -> Output {
    let period = format!("2026-{m}");
    let sales = format!("assets/actuals/2026-{m}_sales.csv");
    let cons = format!("assets/actuals/2026-{m}_consultants.csv");
    let mut args = vec![command, "--plan", PLAN, "--period", &period, "--roster", &sales, "--roster", &cons];
    if let Some(l) = ledger {
        args.extend(["--ledger", l]);
    }
    args.extend(extra);
    carrot(dir, &args)
}

/// The README's block, run by `sh` with `carrot` standing for the binary just built.
#[test]
fn the_readme_plan_year_commands_work_from_a_checkout() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let start = readme.find("<!-- plan-year:").expect("the README marks its plan-year block");
    let block = &readme[start..];
    let code = block.split("```sh\n").nth(1).unwrap().split("```").next().unwrap();
    let dir = checkout();
    let script = format!("set -e\ncarrot() {{ \"{}\" \"$@\"; }}\n{code}", env!("CARGO_BIN_EXE_carrot"));
    let o = Command::new("sh").arg("-c").arg(&script).current_dir(dir.path()).output().unwrap();
    assert!(o.status.success(), "{}\n{}", text(&o.stdout), text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("closed 2026-03 in ledger.json"), "{out}");
    assert!(out.contains("001003  Valentina Ortiz"), "one person's ledger is shown: {out}");
    let ledger: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("ledger.json")).unwrap()).unwrap();
    assert_eq!(ledger["schema_version"], 1);
    assert_eq!(ledger["entries"].as_array().unwrap().len(), 3);
    assert_eq!(ledger["plan"]["sha256"].as_str().unwrap().len(), 64);
    let exports: Vec<_> = std::fs::read_dir(dir.path().join("exports")).unwrap().collect();
    assert_eq!(exports.len(), 2, "the payroll file and its reconciliation");
    assert!(out.contains("Plan: Plan year 2026 (monthly), 2026-04-01 to 2026-04-30"), "{out}");
    assert!(out.contains("DRAW"), "April pays draws: {out}");
}

#[test]
fn payouts_json_adds_ytd_and_the_year_line_kinds() {
    let dir = checkout();
    for m in ["01", "02", "03"] {
        let o = month(dir.path(), "close", m, Some("ledger.json"), &[]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let o = month(dir.path(), "payouts", "04", Some("ledger.json"), &["--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json["pay_period"]["name"], "2026-04");
    let people = json["employees"].as_array().unwrap();
    let kinds: std::collections::BTreeSet<&str> =
        people.iter().flat_map(|p| p["lines"].as_array().unwrap()).map(|l| l["kind"].as_str().unwrap()).collect();
    for k in ["true_up", "draw", "deferred", "draw_recovery"] {
        assert!(kinds.contains(k), "{k} in {kinds:?}");
    }
    for p in people {
        for f in ["earned", "paid", "draws", "draw_balance", "pending", "carried", "clawed_back"] {
            assert!(p["ytd"][f].is_string(), "{f} in {}", p["ytd"]);
        }
    }
    // March's leaver has her recent pay clawed back (in the ledger's March entry).
    let ledger = std::fs::read_to_string(dir.path().join("ledger.json")).unwrap();
    assert!(ledger.contains("\"kind\": \"clawback\""), "a clawback is recorded");
}

#[test]
fn closing_is_idempotent_and_a_changed_period_is_refused_until_reopened() {
    let dir = checkout();
    let ledger = dir.path().join("ledger.json");
    assert!(month(dir.path(), "close", "01", Some("ledger.json"), &[]).status.success());
    let before = std::fs::read(&ledger).unwrap();
    let o = month(dir.path(), "close", "01", Some("ledger.json"), &[]);
    assert!(o.status.success() && text(&o.stdout).contains("already closed"), "{}", text(&o.stdout));
    assert_eq!(std::fs::read(&ledger).unwrap(), before, "closing again writes nothing");
    // January closed with February's actuals: other figures, refused, then reopened explicitly.
    let wrong = |extra: &[&str]| {
        carrot(
            dir.path(),
            &[
                &["close", "--plan", PLAN, "--period", "2026-01", "--ledger", "ledger.json"][..],
                &["--roster", "assets/actuals/2026-02_sales.csv", "--roster", "assets/actuals/2026-02_consultants.csv"],
                extra,
            ]
            .concat(),
        )
    };
    let o = wrong(&[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("never recomputed silently"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(&ledger).unwrap(), before);
    // payouts of a closed period with other actuals is refused the same way.
    let o = carrot(
        dir.path(),
        &[
            "payouts",
            "--plan",
            PLAN,
            "--period",
            "2026-01",
            "--ledger",
            "ledger.json",
            "--roster",
            "assets/actuals/2026-02_sales.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let o = wrong(&["--reopen"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("reopened 2026-01"), "{}", text(&o.stdout));
}

#[test]
fn a_ledger_of_another_plan_version_is_refused_with_the_reason() {
    let dir = checkout();
    assert!(month(dir.path(), "close", "01", Some("ledger.json"), &[]).status.success());
    let changed =
        std::fs::read_to_string(Path::new(ROOT).join(PLAN)).unwrap().replace("\"amount\": 1500", "\"amount\": 1600");
    std::fs::write(dir.path().join("changed.json"), changed).unwrap();
    let o = carrot(
        dir.path(),
        &[
            "payouts",
            "--plan",
            "changed.json",
            "--period",
            "2026-02",
            "--ledger",
            "ledger.json",
            "--roster",
            "assets/actuals/2026-02_sales.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("was closed with another version of the plan") && err.contains("(2026-01)"), "{err}");
}

#[test]
fn wrong_period_usage_exits_2() {
    let dir = checkout();
    let o = month(dir.path(), "payouts", "13", None, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("no pay period `2026-13`"), "{}", text(&o.stderr));
    let o = carrot(
        dir.path(),
        &[
            "payouts",
            "--plan",
            "sample_plans/sales_led.json",
            "--roster",
            "assets/sales_roster.csv",
            "--period",
            "2026-07",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("no \"schedule\""), "{}", text(&o.stderr));
    let o = carrot(
        dir.path(),
        &["payouts", "--plan", PLAN, "--roster", "assets/sales_roster.csv", "--ledger", "ledger.json"],
    );
    assert_eq!(o.status.code(), Some(2), "--ledger needs --period: {}", text(&o.stderr));
    // A later month needs the earlier ones closed.
    let o = month(dir.path(), "payouts", "03", Some("ledger.json"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("period 2026-01 is not closed"), "{}", text(&o.stderr));
    // Without a ledger it computes the month alone and says so.
    let o = month(dir.path(), "payouts", "03", None, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("no --ledger"), "{}", text(&o.stderr));
}

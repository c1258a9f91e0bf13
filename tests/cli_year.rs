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
fn the_period_table_lists_the_payouts_to_check() {
    // January's actuals with Hugo Larsen's revenue a refund: paid 0 for it, which the table says.
    let dir = checkout();
    let sales = std::fs::read_to_string(Path::new(ROOT).join("assets/actuals/2026-01_sales.csv")).unwrap();
    let refund = sales.replacen(",62295.78,", ",-62295.78,", 1);
    assert_ne!(refund, sales);
    std::fs::write(dir.path().join("sales.csv"), refund).unwrap();
    let cons = "assets/actuals/2026-01_consultants.csv";
    let o = carrot(
        dir.path(),
        &["payouts", "--plan", PLAN, "--period", "2026-01", "--roster", "sales.csv", "--roster", cons],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains(
            "\nPaid as shown, but check:\n  001001 Hugo Larsen: revenue is negative to date; the revenue_commission \
             line earns 0 to date\n"
        ),
        "{out}"
    );
}

#[test]
fn exporting_a_plan_year_without_a_period_says_in_the_reconciliation_that_it_pays_the_whole_year() {
    let dir = checkout();
    let args = |period: Option<&str>| {
        let mut a = vec![
            "export",
            "--plan",
            PLAN,
            "--roster",
            "assets/actuals/2026-01_sales.csv",
            "--roster",
            "assets/actuals/2026-01_consultants.csv",
            "--pay-date",
            "2027-01-15",
            "--dry-run",
            "--out",
            "payroll.csv",
        ];
        if let Some(p) = period {
            a.extend(["--period", p]);
        }
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |period| {
        let a = args(period);
        let o = carrot(dir.path(), &a.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let whole = run(None);
    assert!(
        whole.contains(
            "\n  the plan is paid by pay period, but this file pays its whole year (2026-01-01 to 2026-12-31) at \
             once, computed on the roster given as the year's figures: no true-ups, draws, instalments or clawbacks, \
             and no ledger"
        ),
        "{whole}"
    );
    // A pay period (here January, alone: no ledger) is what the plan pays: no such warning.
    assert!(!run(Some("2026-01")).contains("this file pays its whole year"));
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

const PRODUCT_LED: &str = "sample_plans/plan_year_product_led.json";

/// `carrot payouts --period M` of `plan` on month M's actuals, without a ledger: the total.
fn period_total(dir: &Path, plan: &str, m: &str) -> String {
    let (period, sales, cons) = (
        format!("2026-{m}"),
        format!("assets/actuals/2026-{m}_sales.csv"),
        format!("assets/actuals/2026-{m}_consultants.csv"),
    );
    let o = carrot(
        dir,
        &["payouts", "--plan", plan, "--period", &period, "--roster", &sales, "--roster", &cons, "--format", "json"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    json["totals"]["total"].as_str().unwrap().to_owned()
}

/// `carrot compare` of the two sample plan years on month M's actuals, `--period` as given:
/// each plan's total, and what it said on stderr.
fn compare_totals(dir: &Path, m: &str, period: &str) -> (Vec<String>, String) {
    let (sales, cons) =
        (format!("assets/actuals/2026-{m}_sales.csv"), format!("assets/actuals/2026-{m}_consultants.csv"));
    let o = carrot(
        dir,
        &[
            "compare",
            "--plan",
            PLAN,
            "--plan",
            PRODUCT_LED,
            "--period",
            period,
            "--roster",
            &sales,
            "--roster",
            &cons,
            "--format",
            "json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let totals =
        json["plans"].as_array().unwrap().iter().map(|p| p["totals"]["total"].as_str().unwrap().to_owned()).collect();
    (totals, text(&o.stderr))
}

#[test]
fn compare_on_a_pay_period_pays_what_payouts_pays_for_that_period() {
    let dir = checkout();
    let (march, said) = compare_totals(dir.path(), "03", "2026-03");
    assert_eq!(
        march,
        [period_total(dir.path(), PLAN, "03"), period_total(dir.path(), PRODUCT_LED, "03")],
        "each plan's March is `payouts --period 2026-03`, to the cent"
    );
    assert_ne!(march[0], march[1], "the two plans pay differently");
    // The same actuals as the whole year (annual quota and TI): other figures.
    let (year, _) = compare_totals(dir.path(), "03", "year");
    assert_ne!(year, march, "the year is not the month");
    // It says which period it compares.
    assert!(said.contains("pay period 2026-03 (2026-03-01 to 2026-03-31)"), "{said}");
}

#[test]
fn simulate_on_a_pay_period_costs_the_period_at_history() {
    let dir = checkout();
    let run = |period: &str| -> serde_json::Value {
        let o = carrot(
            dir.path(),
            &[
                "simulate",
                "--baseline",
                PLAN,
                "--plan",
                PRODUCT_LED,
                "--period",
                period,
                "--roster",
                "assets/actuals/2026-02_sales.csv",
                "--roster",
                "assets/actuals/2026-02_consultants.csv",
                "--trials",
                "50",
                "--quarters",
                "2",
                "--format",
                "json",
            ],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let feb = run("2026-02");
    let cost = |v: &serde_json::Value| v["at_history"]["cost"].as_f64().unwrap();
    let people = feb["baseline"]["at_history"]["people"].as_u64().unwrap();
    assert!(people > 60, "everyone is counted: {people}");
    // At people's recorded results the period costs what `payouts --period` pays, exactly.
    let paid: f64 = period_total(dir.path(), PLAN, "02").parse().unwrap();
    assert_eq!(cost(&feb["baseline"]), paid, "baseline at history");
    let paid: f64 = period_total(dir.path(), PRODUCT_LED, "02").parse().unwrap();
    assert_eq!(cost(&feb["plans"][0]), paid, "plan at history");
    let year = run("year");
    assert_ne!(cost(&year["baseline"]), cost(&feb["baseline"]), "the whole year costs otherwise");
    assert_ne!(year["plans"][0]["totals"]["cost"], feb["plans"][0]["totals"]["cost"], "and so does the simulated cost");
}

#[test]
fn compare_and_simulate_refuse_periods_the_plans_do_not_share() {
    let dir = checkout();
    let jan = ["--roster", "assets/actuals/2026-01_sales.csv", "--roster", "assets/actuals/2026-01_consultants.csv"];
    let run = |args: &[&str]| {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(jan);
        carrot(dir.path(), &all)
    };
    // A plan without a schedule.
    let o = run(&["compare", "--plan", PLAN, "--plan", "sample_plans/sales_led.json", "--period", "2026-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("sales_led.json has no \"schedule\""), "{}", text(&o.stderr));
    let o = run(&["simulate", "--baseline", "sample_plans/sales_led.json", "--plan", PLAN, "--period", "year"]);
    assert_eq!(o.status.code(), Some(2), "the baseline too: {}", text(&o.stderr));
    // A period the plans do not have.
    let o = run(&["compare", "--plan", PLAN, "--plan", PRODUCT_LED, "--period", "2026-13"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("no pay period `2026-13`"), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("`year`: the whole plan year"), "{}", text(&o.stderr));
    // Plans whose schedules give other periods (monthly against quarterly).
    let quarterly = std::fs::read_to_string(Path::new(ROOT).join(PRODUCT_LED))
        .unwrap()
        .replace("\"periods\": \"month\"", "\"periods\": \"quarter\"");
    std::fs::write(dir.path().join("quarterly.json"), quarterly).unwrap();
    let o = run(&["compare", "--plan", PLAN, "--plan", "quarterly.json", "--period", "2026-01"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("different pay periods"), "{}", text(&o.stderr));
    let o = run(&["simulate", "--baseline", PLAN, "--plan", "quarterly.json", "--period", "year"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    // Without --period, plan years are compared over the whole year, and Carrot says so.
    let o = run(&["compare", "--plan", PLAN, "--plan", PRODUCT_LED]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("without --period this computes the whole plan year"), "{}", text(&o.stderr));
}

// A draw's earning code is checked against the payroll system like every line's: a Gusto file
// has no column for `DRAW`, and left out it would have paid less than its reconciliation says.
#[test]
fn a_draw_code_the_payroll_system_cannot_take_stops_the_export() {
    let dir = checkout();
    let plan = std::fs::read_to_string(Path::new(ROOT).join(PLAN)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&plan).unwrap();
    json["schedule"]["draws"]["sales"]["earning_codes"] = serde_json::json!({"adp-wfn": "D"});
    let no_gusto_draw = dir.path().join("no_gusto_draw.json");
    std::fs::write(&no_gusto_draw, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    let out = dir.path().join("january.csv");
    let o = carrot(
        dir.path(),
        &[
            "export",
            "--plan",
            no_gusto_draw.to_str().unwrap(),
            "--period",
            "2026-01",
            "--roster",
            "assets/actuals/2026-01_sales.csv",
            "--roster",
            "assets/actuals/2026-01_consultants.csv",
            "--pay-date",
            "2026-02-05",
            "--template",
            "gusto",
            "--gusto-match",
            "name",
            "--currency-ok",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("schedule.draws.sales: `DRAW` is not one of Gusto's earning columns"),
        "{}",
        text(&o.stderr)
    );
    assert!(!out.exists(), "nothing is written");
}

// `compare --period` says on its hand-outs what it says on stderr: one pay period, computed on
// its own, nothing earlier earned or paid.
#[test]
fn compare_hand_outs_of_a_pay_period_say_what_the_figures_are() {
    let dir = checkout();
    let html = dir.path().join("march.html");
    let xlsx = dir.path().join("march.xlsx");
    let o = carrot(
        dir.path(),
        &[
            "compare",
            "--plan",
            PLAN,
            "--plan",
            "sample_plans/plan_year_product_led.json",
            "--period",
            "2026-03",
            "--roster",
            "assets/actuals/2026-03_sales.csv",
            "--roster",
            "assets/actuals/2026-03_consultants.csv",
            "--html",
            html.to_str().unwrap(),
            "--xlsx",
            xlsx.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(
            "Pay period 2026-03 (2026-03-01 to 2026-03-31) of each plan year, computed on its own from that \
             period&#39;s actuals"
        ),
        "{page}"
    );
    assert!(xlsx.exists());
}

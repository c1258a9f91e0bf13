//! Plan-year commands on the real binary where a result could be silently wrong: a deal list
//! of another period, a later period exported without its ledger, `close` recording a period
//! whose payouts need checking, a reopened period exported again, and the attainment a period
//! pays on. Each either refuses (exit ≠ 0, nothing written) or says so, on stderr and in the
//! reconciliation.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PLAN: &str = "sample_plans/plan_year.json";
const PRODUCT_LED: &str = "sample_plans/plan_year_product_led.json";

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

/// `command --plan PLAN --period 2026-M` on month M's actuals (`sales` instead of the month's
/// sales file when given), with the ledger and `extra` arguments.
fn month(dir: &Path, command: &str, m: &str, sales: Option<&str>, ledger: Option<&str>, extra: &[&str]) -> Output {
    let period = format!("2026-{m}");
    let own_sales = format!("assets/actuals/2026-{m}_sales.csv");
    let cons = format!("assets/actuals/2026-{m}_consultants.csv");
    let sales = sales.unwrap_or(&own_sales);
    let mut args = vec![command, "--plan", PLAN, "--period", &period, "--roster", sales, "--roster", &cons];
    if let Some(l) = ledger {
        args.extend(["--ledger", l]);
    }
    args.extend(extra);
    carrot(dir, &args)
}

/// Month M's sales actuals with the cell `column` (0-based) of person `id` set to `value`,
/// written to `name` in `dir`.
fn sales_with(dir: &Path, m: &str, id: &str, column: usize, value: &str, name: &str) {
    let file = std::fs::read_to_string(Path::new(ROOT).join(format!("assets/actuals/2026-{m}_sales.csv"))).unwrap();
    let lines: Vec<String> = file
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            if cells.first() == Some(&id) {
                cells[column] = value;
            }
            cells.join(",")
        })
        .collect();
    assert_ne!(lines.join("\n"), file.trim_end(), "{id} is in the file");
    std::fs::write(dir.join(name), lines.join("\n") + "\n").unwrap();
}

const REVENUE: usize = 11;
const DISCOVERY: usize = 13;

fn reconciliation(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{file}.reconciliation.txt"))).unwrap()
}

/// `1,234.50` for `1234.50`.
fn grouped(amount: &str) -> String {
    let (sign, digits) = amount.strip_prefix('-').map_or(("", amount), |d| ("−", d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{sign}{out}.{frac}")
}

/// Two sales people without revenue (it comes from the deal list), and a deals mapping.
fn people_and_mapping(dir: &Path) {
    std::fs::write(
        dir.join("people.csv"),
        "employee_id,name,role,currency,quota,target_incentive,start_date,discovery_interviews\n\
         S1,Ana Ruiz,sales,EUR,600000,60000,2024-01-01,3\n\
         S2,Bo Lind,sales,EUR,600000,60000,2024-01-01,1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("deals.json"),
        r#"{"owner": "Owner", "match": "employee_id", "amount": "Amount", "date": "Close Date"}"#,
    )
    .unwrap();
}

#[test]
fn a_deal_list_with_no_deal_in_the_pay_period_is_refused_by_close_and_export() {
    let dir = checkout();
    let d = dir.path();
    people_and_mapping(d);
    // February's deals given for January.
    std::fs::write(d.join("feb.csv"), "Owner,Amount,Close Date\nS1,10000,2026-02-03\nS2,5000,2026-02-20\n").unwrap();
    let deals = ["--roster", "people.csv", "--deals", "feb.csv", "--deals-mapping", "deals.json"];
    let run = |command: &str, extra: &[&str]| {
        carrot(d, &[&[command, "--plan", PLAN, "--period", "2026-01"][..], &deals, extra].concat())
    };
    let why = "feb.csv: none of its 2 deal(s) closed in pay period 2026-01 (2026-01-01 to 2026-01-31): they closed \
               from 2026-02-03 to 2026-02-20, so everyone's revenue and deals_closed would be 0";
    let o = run("close", &["--ledger", "ledger.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains(&format!("error: period 2026-01 is not closed: {why}")), "{}", text(&o.stderr));
    assert!(!d.join("ledger.json").exists(), "nothing closed");
    let o = run("export", &["--pay-date", "2026-02-05", "--out", "jan.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains(&format!("error: nothing was written: {why}")), "{}", text(&o.stderr));
    assert!(!d.join("jan.csv").exists());
    // Looking at the figures is allowed, with the warning.
    let o = run("payouts", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains(&format!("warning: {why}")), "{}", text(&o.stderr));
    // A plan of one period: the same refusal, for the plan period.
    let o = carrot(
        d,
        &[
            &["export", "--plan", "sample_plans/sales_led.json", "--pay-date", "2026-10-15", "--out", "q3.csv"][..],
            &deals,
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("feb.csv: none of its 2 deal(s) closed in the plan period ("),
        "{}",
        text(&o.stderr)
    );
    assert!(!d.join("q3.csv").exists());

    // Some in January, one in February: exported, the deal left out named for the reviewer.
    std::fs::write(d.join("feb.csv"), "Owner,Amount,Close Date\nS1,10000,2026-01-13\nS2,5000,2026-02-20\n").unwrap();
    let o = run("export", &["--pay-date", "2026-02-05", "--out", "jan.csv"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let note = "feb.csv: 1 of its 2 deal(s) closed outside pay period 2026-01 (2026-01-01 to 2026-01-31), on \
                2026-02-20, and were not counted; check that they belong to other periods";
    assert!(
        reconciliation(d, "jan.csv").contains(&format!("To check before paying:\n  {note}\n")),
        "{}",
        reconciliation(d, "jan.csv")
    );
    assert!(text(&o.stderr).contains(&format!("warning: {note}")), "{}", text(&o.stderr));
    let o = run("close", &["--ledger", "ledger.json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn a_later_period_is_not_exported_without_its_ledger_unless_asked() {
    let dir = checkout();
    let d = dir.path();
    let o = month(d, "export", "02", None, None, &["--pay-date", "2026-03-05", "--out", "feb.csv"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    let why = "pay period 2026-02 was computed without the ledger of the periods before it, as if nothing had been \
               earned or paid earlier in the plan year; the plan has year-to-date lines, draws, instalments and \
               clawbacks, so this is not what it pays for 2026-02";
    assert!(err.contains(&format!("error: nothing was written: {why}")), "{err}");
    assert!(err.contains("(--ledger L.json)") && err.contains("--no-ledger to export the period alone"), "{err}");
    assert!(!d.join("feb.csv").exists() && !d.join("feb.csv.reconciliation.txt").exists());
    // On purpose: written, and the reconciliation says what it is.
    let o = month(d, "export", "02", None, None, &["--pay-date", "2026-03-05", "--out", "feb.csv", "--no-ledger"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        reconciliation(d, "feb.csv").contains(&format!("To check before paying:\n  {why}")),
        "{}",
        reconciliation(d, "feb.csv")
    );
    // January has nothing before it: no ledger needed, nothing to say.
    let o = month(d, "export", "01", None, None, &["--pay-date", "2026-02-05", "--out", "jan.csv"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!reconciliation(d, "jan.csv").contains("without the ledger"));
    // Both a ledger and none: wrong usage.
    let o =
        month(d, "export", "02", None, Some("l.json"), &["--pay-date", "2026-03-05", "--out", "x.csv", "--no-ledger"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn close_prints_the_payouts_to_check_that_payouts_lists() {
    // January's actuals with Hugo Larsen's revenue a refund.
    let dir = checkout();
    let d = dir.path();
    sales_with(d, "01", "001001", REVENUE, "-62295.78", "refund.csv");
    let table = month(d, "payouts", "01", Some("refund.csv"), None, &[]);
    assert!(table.status.success(), "{}", text(&table.stderr));
    let out = text(&table.stdout);
    let listed: Vec<&str> =
        out.split("\nPaid as shown, but check:\n").nth(1).unwrap().lines().filter(|l| !l.is_empty()).collect();
    assert!(listed.iter().any(|l| l.contains("001001 Hugo Larsen: revenue is negative to date")), "{out}");
    let said = |o: &Output| -> Vec<String> {
        let err = text(&o.stderr);
        let list = err.split("warning: payouts to check before paying them:\n").nth(1).unwrap_or_default().to_owned();
        list.lines().take_while(|l| l.starts_with("  ")).map(str::to_owned).collect()
    };
    let close = month(d, "close", "01", Some("refund.csv"), Some("ledger.json"), &[]);
    assert!(close.status.success(), "{}", text(&close.stderr));
    assert_eq!(said(&close), listed, "close says what payouts lists:\n{}", text(&close.stderr));
    assert!(text(&close.stdout).contains("closed 2026-01"));
    // So do the CSV and JSON, which have no place for the list.
    for format in ["csv", "json"] {
        let o = month(d, "payouts", "01", Some("refund.csv"), None, &["--format", format]);
        assert_eq!(said(&o), listed, "{format}");
    }
    // And compare, plan by plan, on a pay period and on a plan's whole period.
    let o = carrot(
        d,
        &[
            "compare",
            "--plan",
            PLAN,
            "--plan",
            PRODUCT_LED,
            "--period",
            "2026-01",
            "--roster",
            "refund.csv",
            "--roster",
            "assets/actuals/2026-01_consultants.csv",
        ],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    for plan in [PLAN, PRODUCT_LED] {
        assert!(err.contains(&format!("warning: {plan}: payouts to check before paying them:\n")), "{err}");
    }
    assert!(err.contains("  001001 Hugo Larsen: revenue is negative"), "{err}");
    let roster = std::fs::read_to_string(Path::new(ROOT).join("assets/sales_roster.csv")).unwrap();
    let hugo = roster.lines().find(|l| l.starts_with("001001,")).unwrap();
    let mut cells: Vec<&str> = hugo.split(',').collect();
    cells[REVENUE] = "-1000";
    let refund = cells.join(",");
    std::fs::write(d.join("q3.csv"), roster.replace(hugo, &refund)).unwrap();
    for extra in [&[][..], &["--xlsx", "q3.xlsx"][..]] {
        let o = carrot(
            d,
            &[
                &["compare", "--plan", "sample_plans/sales_led.json", "--plan", "sample_plans/transition.json"][..],
                &["--roster", "q3.csv"],
                extra,
            ]
            .concat(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let err = text(&o.stderr);
        assert!(
            err.contains("warning: sample_plans/sales_led.json: payouts to check before paying them:\n  001001 Hugo Larsen: revenue is negative in the roster"),
            "{extra:?}: {err}"
        );
    }
}

#[test]
fn a_reopened_period_is_exported_as_a_restatement_or_as_its_difference() {
    let dir = checkout();
    let d = dir.path();
    for m in ["01", "02"] {
        let o = month(d, "close", m, None, Some("ledger.json"), &[]);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    // February was exported and paid; then Hugo Larsen's February revenue turns out 10,000 higher.
    sales_with(d, "02", "001001", REVENUE, "64554.87", "feb_fixed.csv");
    let o = month(d, "close", "02", Some("feb_fixed.csv"), Some("ledger.json"), &["--reopen"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout)
            .contains("export only what changed: carrot export --period 2026-02 --ledger ledger.json --difference"),
        "{}",
        text(&o.stdout)
    );
    // Exported again in full: a restatement, said on stderr and in the reconciliation.
    let o = month(
        d,
        "export",
        "02",
        Some("feb_fixed.csv"),
        Some("ledger.json"),
        &["--pay-date", "2026-03-20", "--out", "full.csv"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: 2026-02 was reopened after it was closed: this file restates the whole period"),
        "{err}"
    );
    assert!(err.contains("importing this one pays 2026-02 twice"), "{err}");
    let rec = reconciliation(d, "full.csv");
    assert!(rec.contains("To check before paying:\n  2026-02 was reopened after it was closed"), "{rec}");
    let heading = "Restatement of 2026-02: difference per person from the figures recorded before it was reopened \
                   (before → now, change):\n";
    let listed = rec.split(heading).nth(1).unwrap_or_else(|| panic!("{rec}"));
    let people: Vec<&str> = listed.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(people.len(), 1, "only Hugo's pay changed: {rec}");
    assert!(people[0].starts_with("  001001 Hugo Larsen: "), "{rec}");
    let change = people[0].rsplit_once("(+").unwrap().1.trim_end_matches(')').to_owned();
    assert_eq!(change, "1,200.00", "10,000 more at the 12% accelerator: {rec}");

    // The difference alone: Hugo's commission change, nothing else.
    let o = month(
        d,
        "export",
        "02",
        Some("feb_fixed.csv"),
        Some("ledger.json"),
        &["--pay-date", "2026-03-20", "--out", "diff.csv", "--difference"],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let file = std::fs::read_to_string(d.join("diff.csv")).unwrap();
    let rows: Vec<&str> = file.lines().skip(1).collect();
    assert_eq!(
        rows,
        ["001001,Hugo Larsen,2026-02-01,2026-02-28,2026-03-20,COMM,revenue_commission,1200.00,EUR"],
        "{file}"
    );
    let rec = reconciliation(d, "diff.csv");
    assert!(rec.contains("Grand total: 1,200.00 EUR"), "{rec}");
    assert!(rec.contains("this file pays only what reopening 2026-02 changed"), "{rec}");
    // The reconciliation names the plan by the hash its ledger records.
    let ledger: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("ledger.json")).unwrap()).unwrap();
    let sha = ledger["plan"]["sha256"].as_str().unwrap();
    assert!(rec.contains(&format!("Plan canonical SHA-256 (the ledger's plan.sha256): {sha}\n")), "{rec}");
    // January was never reopened: no difference to pay.
    let o = month(
        d,
        "export",
        "01",
        None,
        Some("ledger.json"),
        &["--pay-date", "2026-02-05", "--out", "j.csv", "--difference"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("2026-01 was closed once and never reopened"), "{}", text(&o.stderr));
    assert!(!d.join("j.csv").exists());
}

#[test]
fn a_period_shows_the_attainment_to_date_its_pay_used() {
    let dir = checkout();
    let d = dir.path();
    assert!(month(d, "close", "01", None, Some("ledger.json"), &[]).status.success());
    let o = month(d, "payouts", "02", None, Some("ledger.json"), &["--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let person =
        |id: &str| json["employees"].as_array().unwrap().iter().find(|e| e["employee_id"] == id).unwrap().clone();
    let hugo = person("001001");
    // February alone: 54,554.87 of 640,000 × 20% ÷ 3; to date: 116,850.65 of 640,000 × 40% ÷ 3.
    let ratio = |v: &serde_json::Value| v.as_str().unwrap().parse::<f64>().unwrap();
    assert!((ratio(&hugo["attainment"]) - 54_554.87 / (640_000.0 * 0.2 / 3.0)).abs() < 1e-6, "{hugo}");
    assert!((ratio(&hugo["ytd_attainment"]) - 116_850.65 / (640_000.0 * 0.4 / 3.0)).abs() < 1e-6, "{hugo}");
    // A consultant's lines measure the period: no attainment to date.
    assert!(person("005001")["ytd_attainment"].is_null());
    // The CSV has both, after its columns; the table shows what the pay used.
    let o = month(d, "payouts", "02", None, Some("ledger.json"), &["--format", "csv"]);
    let csv = text(&o.stdout);
    assert!(
        csv.starts_with(
            "employee_id,name,role,team,proration,component,kind,amount,explanation,attainment,ytd_attainment\r\n"
        ),
        "{csv}"
    );
    let row = csv.lines().find(|l| l.starts_with("001001,")).unwrap();
    assert!(
        row.ends_with(&format!(
            ",{},{}",
            hugo["attainment"].as_str().unwrap(),
            hugo["ytd_attainment"].as_str().unwrap()
        )),
        "{row}"
    );
    let o = month(d, "payouts", "02", None, Some("ledger.json"), &[]);
    let table = text(&o.stdout);
    let total = table.lines().find(|l| l.starts_with("001001 ") && l.contains(" Total ")).unwrap();
    assert!(total.ends_with("136.9% to date"), "{total}");
}

#[test]
fn messages_name_the_period_to_close_and_say_what_each_line_is() {
    let dir = checkout();
    let d = dir.path();
    let o = month(d, "payouts", "03", None, Some("ledger.json"), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("; close 2026-01, then 2026-02 first"), "{}", text(&o.stderr));
    assert!(month(d, "close", "01", None, Some("ledger.json"), &[]).status.success());
    let o = month(d, "payouts", "03", None, Some("ledger.json"), &[]);
    assert!(
        text(&o.stderr).contains(
            "period 2026-02 is not closed in the ledger, so 2026-03 cannot be computed from it; close 2026-02 first\n"
        ),
        "{}",
        text(&o.stderr)
    );

    // February: Hugo Larsen's two discovery interviews of January cancelled (a negative count),
    // which the plan claws back: said as such, not as a roster to check.
    sales_with(d, "02", "001001", DISCOVERY, "-2", "cancelled.csv");
    let o = month(d, "payouts", "02", Some("cancelled.csv"), Some("ledger.json"), &["--format", "json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let people = json["employees"].as_array().unwrap();
    let hugo = people.iter().find(|e| e["employee_id"] == "001001").unwrap();
    assert_eq!(
        hugo["warnings"][0],
        "discovery_interviews is negative this period: cancelled deals, as the plan's clawback reads it; the \
         discovery_spiff line pays 0 and claws back what they paid, up to what it paid earlier this year"
    );
    let lines = hugo["lines"].as_array().unwrap();
    let spiff = lines.iter().find(|l| l["component"] == "discovery_spiff" && l["kind"] == "per_unit").unwrap();
    assert!(!spiff["explanation"].as_str().unwrap().contains("check the roster"), "{spiff}");
    let clawback = lines.iter().find(|l| l["kind"] == "clawback").unwrap();
    assert_eq!(clawback["amount"], "-300.00");
    assert!(clawback["explanation"].as_str().unwrap().contains("at today's rates they would pay 300.00"), "{clawback}");
    // Every line's explanation ends with its amount, deferred instalments too.
    let deferred: Vec<&serde_json::Value> =
        people.iter().flat_map(|e| e["lines"].as_array().unwrap()).filter(|l| l["kind"] == "deferred").collect();
    assert!(!deferred.is_empty());
    for l in deferred {
        let amount = grouped(l["amount"].as_str().unwrap());
        assert!(l["explanation"].as_str().unwrap().ends_with(&format!(": {amount}")), "{l}");
    }
}

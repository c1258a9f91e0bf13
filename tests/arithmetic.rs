//! Arithmetic is exact and never panics: intermediate values of any size stay exact; amounts too
//! large for a payroll file, division by zero in derived metrics, negative values and zero quotas
//! each give a clear error (per person where the roster is fine and the plan is valid), in the
//! engine and in the real `carrot` binary.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr as _;

use carrot::engine::{self, Detail, PayoutReport};
use carrot::plan;
use carrot::roster::{self, ImportError, ImportOptions, Roster};
use rust_decimal::Decimal;

/// The largest decimal, 79,228,162,514,264,337,593,543,950,335.
const MAX: &str = "79228162514264337593543950335";

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A plan with `tracks` JSON for the sales role and `metrics` JSON for derived metrics.
fn plan(components: &str, metrics: &str) -> plan::Plan {
    let text = format!(
        r#"{{"schema": 1, "name": "Edges", "currency": "EUR", "fx": {{"GBP": 1.17}},
            "period": {{"start": "2026-01-01", "end": "2026-03-31"}},
            "metrics": {{{metrics}}},
            "tracks": {{"sales": {{"components": [{components}]}}}}}}"#
    );
    let plan = plan::parse(&text).unwrap_or_else(|e| panic!("{e:?}"));
    let errors: Vec<_> = plan::validate(&plan).into_iter().filter(plan::Problem::is_error).collect();
    assert!(errors.is_empty(), "the test plan must be valid: {errors:?}");
    plan
}

/// A commission on `metric` (basis amount unless `attainment`), one tier at `rate`.
fn commission(id: &str, metric: &str, rate: &str, attainment: bool) -> String {
    let basis = if attainment { "attainment" } else { "amount" };
    format!(
        r#"{{"kind": "commission", "id": "{id}", "earning_code": "C", "metric": "{metric}", "basis": "{basis}",
             "tiers": [{{"from": 0, "rate": {rate}}}]}}"#
    )
}

fn per_unit(id: &str, metric: &str, amount: &str) -> String {
    format!(r#"{{"kind": "per_unit", "id": "{id}", "earning_code": "U", "metric": "{metric}", "amount": {amount}}}"#)
}

fn import(csv: &str) -> Result<Roster, ImportError> {
    roster::import_reader("edges.csv", csv.as_bytes(), &ImportOptions::default()).map(|r| r.roster)
}

fn compute(plan: &plan::Plan, csv: &str) -> PayoutReport {
    let roster = import(csv).unwrap_or_else(|e| panic!("{e}"));
    let amounts = engine::compute(plan, &roster, Detail::AmountsOnly).unwrap();
    let explained = engine::compute(plan, &roster, Detail::Explained).unwrap();
    let totals = |r: &PayoutReport| r.employees.iter().map(|e| e.total).collect::<Vec<_>>();
    assert_eq!(totals(&amounts), totals(&explained), "explaining changes no amount");
    assert_eq!(amounts.errors.len(), explained.errors.len());
    // The app's path (aggregates taken beside the sums) gives the same report and aggregates,
    // including when someone is too large to add up.
    let compiled = engine::CompiledPlan::new(plan, &roster).unwrap();
    let (report, stats) = compiled.report_with_stats(plan, &roster);
    assert_eq!(report, amounts);
    assert_eq!(stats, engine::stats::PlanStats::new(&amounts, roster.employees.len()));
    explained
}

/// The message for one amount too large for a payroll file.
fn too_large(what: &str) -> String {
    format!(
        "{what} is too large: more than 79,228,162,514,264,337,593,543,950,335 (the largest amount a payroll file can \
         hold); check the roster for misplaced digits or exponents"
    )
}

/// (employee id, component, message) of every error.
fn errors(report: &PayoutReport) -> Vec<(String, Option<String>, String)> {
    report.errors.iter().map(|e| (e.employee_id.to_string(), e.component.clone(), e.message.clone())).collect()
}

fn paid(report: &PayoutReport) -> Vec<(String, Decimal)> {
    report.employees.iter().map(|e| (e.employee_id.to_string(), e.total)).collect()
}

const HEADER: &str = "employee_id,name,role,currency,target_incentive,quota,revenue,hours,units\n";

#[test]
fn revenue_of_1e30_is_a_bad_cell_named_by_line_and_column_not_a_panic() {
    for cell in ["1e30", "1000000000000000000000000000000", "79228162514264337593543950336"] {
        let csv = format!("{HEADER}1,Ann,sales,EUR,1000,1000,{cell},1,1\n");
        let Err(ImportError::BadRows { issues }) = import(&csv) else { panic!("{cell} must be refused") };
        assert_eq!(issues.len(), 1, "{issues:?}");
        let issue = &issues[0];
        assert_eq!((issue.line, issue.column.as_str(), issue.value.as_str()), (2, "revenue", cell));
        assert!(issue.reason.starts_with("number too large: at most 28 significant digits fit"), "{issue}");
    }
}

#[test]
fn revenue_times_a_rate_past_the_largest_decimal_is_that_persons_error() {
    let plan = plan(&commission("rev", "revenue", "2.0", false), "");
    let csv = format!("{HEADER}1,Ann,sales,EUR,1000,1000,{MAX},1,1\n2,Bob,sales,EUR,1000,1000,100,1,1\n");
    let report = compute(&plan, &csv);
    assert_eq!(errors(&report), [("1".to_owned(), Some("rev".to_owned()), too_large("this line's amount"))]);
    assert_eq!(paid(&report), [("2".to_owned(), d("200.00"))], "the others still compute");
}

#[test]
fn payouts_whose_sum_overflows_the_totals_are_errors_for_the_people_past_the_limit() {
    // Each line fits (4.5e28); two of them do not. This used to panic while summing totals.
    let plan = plan(&commission("rev", "revenue", "0.9", false), "");
    let big = "50000000000000000000000000000";
    let csv = format!(
        "{HEADER}1,Ann,sales,EUR,1000,1000,{big},1,1\n2,Bob,sales,EUR,1000,1000,{big},1,1\n3,Cy,sales,EUR,1000,1000,10,1,1\n"
    );
    let report = compute(&plan, &csv);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].0, "2");
    assert_eq!(errs[0].1, None);
    assert!(
        errs[0].2.starts_with(
            "the plan's totals with this person's payout and revenue added add up to more than \
             79,228,162,514,264,337,593,543,950,335"
        ),
        "{errs:?}"
    );
    assert_eq!(paid(&report), [("1".to_owned(), d("45000000000000000000000000000")), ("3".to_owned(), d("9"))]);
    assert_eq!(report.totals.total, d("45000000000000000000000000009"), "totals hold exactly the people paid");
    assert_eq!(report.totals.revenue, d("50000000000000000000000000010"));
}

#[test]
fn lines_of_one_person_that_overflow_together_are_that_persons_error() {
    // Two lines of 5e28 each: each fits, their sum does not. This used to panic in the engine.
    let components = [
        per_unit("a", "units", "50000000000000000000000000000"),
        per_unit("b", "hours", "50000000000000000000000000000"),
    ]
    .join(",");
    let plan = plan(&components, "");
    let csv = format!("{HEADER}1,Ann,sales,EUR,1000,1000,0,1,1\n2,Bob,sales,EUR,1000,1000,0,0,1\n");
    let report = compute(&plan, &csv);
    let errs = errors(&report);
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!((errs[0].0.as_str(), errs[0].1.as_deref()), ("1", None));
    assert!(errs[0].2.starts_with("this person's payout lines add up to more than 79,228,162"), "{errs:?}");
    assert_eq!(paid(&report), [("2".to_owned(), d("50000000000000000000000000000"))]);
}

#[test]
fn a_plan_cap_on_a_huge_total_adjusts_exactly() {
    // 3e28 and the adjustment of almost as much: together their sizes still fit a decimal (the
    // engine refuses lines whose sizes do not, so every later sum of them is exact).
    let components = per_unit("a", "units", "30000000000000000000000000000");
    let text = plan(&components, "");
    let mut capped = text.clone();
    capped.tracks.get_mut("sales").unwrap().cap =
        Some(plan::Limit { amount: Some(d("1000")), earning_code: Some("CAP".to_owned()), ..plan::Limit::default() });
    let csv = format!("{HEADER}1,Ann,sales,EUR,1000,1000,0,1,1\n");
    let report = compute(&capped, &csv);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let amounts: Vec<Decimal> = report.employees[0].lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, [d("30000000000000000000000000000"), d("-29999999999999999999999999000")]);
    assert_eq!(report.employees[0].total, d("1000"));
}

#[test]
fn a_huge_quota_in_another_currency_converts_exactly() {
    // MAX × 1.17 is past the largest decimal; as an exact rational it is just a tiny attainment.
    let plan = plan(&commission("rev", "revenue", "0.1", true), "");
    let csv = format!("{HEADER}1,Ann,sales,GBP,1000,{MAX},100,1,1\n2,Bob,sales,EUR,1000,{MAX},100,1,1\n");
    let report = compute(&plan, &csv);
    assert_eq!(errors(&report), []);
    assert_eq!(paid(&report), [("1".to_owned(), d("11.70")), ("2".to_owned(), d("10.00"))]);
}

#[test]
fn division_by_zero_in_a_derived_metric_names_the_metric_the_expression_and_the_person() {
    let plan = plan(&per_unit("per_hour_pay", "per_hour", "1"), r#""per_hour": "revenue / hours""#);
    let csv = format!("{HEADER}1,Ann,sales,EUR,1000,1000,500,0,1\n2,Bob,sales,EUR,1000,1000,500,4,1\n");
    let report = compute(&plan, &csv);
    assert_eq!(
        errors(&report),
        [("1".to_owned(), None, "derived metric `per_hour` = `revenue / hours`: division by zero".to_owned())]
    );
    assert_eq!(paid(&report), [("2".to_owned(), d("125.00"))]);
}

#[test]
fn derived_metrics_past_the_largest_decimal_stay_exact_and_only_a_paid_amount_past_it_is_an_error() {
    // 10^40 does not fit a decimal; as an exact rational it is an ordinary intermediate value.
    let components = [per_unit("sq", "squared", "1"), per_unit("back", "back", "1")].join(",");
    let both = plan(&components, r#""squared": "revenue * revenue", "back": "revenue * revenue / revenue / 3""#);
    let csv = format!("{HEADER}1,Ann,sales,EUR,1000,1000,100000000000000000000,0,1\n2,Bob,sales,EUR,1000,1000,3,4,1\n");
    let report = compute(&both, &csv);
    assert_eq!(errors(&report), [("1".to_owned(), Some("sq".to_owned()), too_large("this line's amount"))]);
    assert_eq!(paid(&report), [("2".to_owned(), d("10.00"))], "9 + 3 × 3 ÷ 3 ÷ 3");
    // Through 10^40 and back, exactly: 10^20 ÷ 3 rounds once.
    let back = plan(&per_unit("back", "back", "1"), r#""back": "revenue * revenue / revenue / 3""#);
    let report = compute(&back, &csv);
    assert_eq!(paid(&report), [("1".to_owned(), d("33333333333333333333.33")), ("2".to_owned(), d("1.00"))]);
}

#[test]
fn negative_metrics_pay_zero_with_a_warning_and_negative_quotas_are_refused() {
    let plan = plan(&commission("rev", "revenue", "0.1", false), "");
    let report = compute(&plan, &format!("{HEADER}1,Ann,sales,EUR,1000,1000,-500,0,1\n"));
    assert!(report.errors.is_empty());
    assert_eq!(paid(&report), [("1".to_owned(), d("0.00"))]);
    assert_eq!(report.employees[0].warnings, ["revenue is negative in the roster; the rev line pays 0"]);

    let Err(ImportError::BadRows { issues }) = import(&format!("{HEADER}1,Ann,sales,EUR,1000,-1000,500,0,1\n")) else {
        panic!("a negative quota must be refused")
    };
    assert_eq!(issues[0].to_string(), "edges.csv:2: column quota: \"-1000\": must not be negative");
}

#[test]
fn a_zero_quota_is_an_error_for_that_person_naming_the_component() {
    let bonus = r#"{"kind": "bonus", "id": "goal", "earning_code": "B", "metric": "revenue", "target": "quota",
                    "base": {"amount": 100}, "curve": [{"x": 1.0, "y": 1.0}]}"#;
    let components = [commission("rev", "revenue", "0.1", true), bonus.to_owned()].join(",");
    let plan = plan(&components, "");
    let report = compute(&plan, &format!("{HEADER}1,Ann,sales,EUR,1000,0,500,0,1\n2,Bob,sales,EUR,1000,100,500,0,1\n"));
    let message = "prorated quota is 0; attainment needs a quota above 0".to_owned();
    assert_eq!(
        errors(&report),
        [("1".to_owned(), Some("rev".to_owned()), message.clone()), ("1".to_owned(), Some("goal".to_owned()), message)]
    );
    assert_eq!(paid(&report), [("2".to_owned(), d("150.00"))]);
}

fn carrot(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(dir).args(args).output().unwrap()
}

#[test]
fn the_cli_lists_each_person_in_error_and_computes_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let components = [
        commission("rev", "revenue", "2.0", true),
        per_unit("per_hour_pay", "per_hour", "1"),
        per_unit("big", "units", "40000000000000000000000000000"),
    ]
    .join(",");
    let plan_text = format!(
        r#"{{"schema": 1, "name": "Edges", "currency": "EUR", "fx": {{"GBP": 1.17}},
            "period": {{"start": "2026-01-01", "end": "2026-03-31"}},
            "metrics": {{"per_hour": "revenue / hours"}},
            "tracks": {{"sales": {{"components": [{components}]}}}}}}"#
    );
    std::fs::write(dir.path().join("plan.json"), plan_text).unwrap();
    let rows = [
        "1,Zero quota,sales,EUR,1000,0,100,1,0".to_owned(),
        "2,No hours,sales,EUR,1000,100,100,0,0".to_owned(),
        format!("3,Overflow,sales,EUR,1000,0.0000000001,{MAX},1,0"),
        "4,Too many units,sales,EUR,1000,100,100,1,2".to_owned(),
        format!("5,Huge quota in pounds,sales,GBP,1000,{MAX},100,1,0"),
        "6,Fine,sales,EUR,1000,100,100,4,1".to_owned(),
        "7,Also big,sales,EUR,1000,100,100,4,1".to_owned(),
    ];
    std::fs::write(dir.path().join("roster.csv"), format!("{HEADER}{}\n", rows.join("\n"))).unwrap();
    for format in ["table", "csv", "json"] {
        let out = carrot(dir.path(), &["payouts", "--plan", "plan.json", "--roster", "roster.csv", "--format", format]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{format}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("warning: 5 problem(s) stopped people from being computed"), "{format}: {stderr}");
        if format == "csv" {
            // The CSV has no place for people in error: stderr lists them.
            assert!(stderr.contains("(not in the CSV):"), "{stderr}");
            assert!(stderr.contains("1 Zero quota [rev]: prorated quota is 0"), "{stderr}");
            assert!(stderr.contains("7 Also big: the plan's totals with this person's payout"), "{stderr}");
            assert!(!stdout.contains("Also big"), "a person left out of the report is not written: {stdout}");
        }
        if format == "table" {
            for expected in [
                "1 Zero quota [rev]: prorated quota is 0; attainment needs a quota above 0",
                "2 No hours: derived metric `per_hour` = `revenue / hours`: division by zero",
                "3 Overflow [rev]: this line's amount is too large: more than",
                "4 Too many units [big]: this line's amount is too large: more than",
                "7 Also big: the plan's totals with this person's payout and revenue added add up to more than",
            ] {
                assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
            }
            // A quota past the largest decimal in another currency converts exactly.
            assert!(stdout.contains("Huge quota in pounds"), "{stdout}");
            assert!(stdout.contains("People: 2 computed, 0 not covered, 5 in error"), "{stdout}");
        }
    }
    // Payroll is never written while anyone is in error.
    let out = carrot(
        dir.path(),
        &["export", "--plan", "plan.json", "--roster", "roster.csv", "--pay-date", "2026-04-15", "--out", "pay.csv"],
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.path().join("pay.csv").exists());
}

#[test]
fn the_cli_reports_a_cell_too_large_for_a_decimal_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.json"), plan::to_json(&plan(&commission("rev", "revenue", "0.1", true), "")))
        .unwrap();
    std::fs::write(dir.path().join("roster.csv"), format!("{HEADER}1,Ann,sales,EUR,1000,1000,1e30,1,1\n")).unwrap();
    let out = carrot(dir.path(), &["payouts", "--plan", "plan.json", "--roster", "roster.csv"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("roster.csv:2: column revenue: \"1e30\": number too large: at most 28 significant digits fit"),
        "{stderr}"
    );
}

//! Cells read as the plans read them (a tester's HRIS and CRM exports, each of which used to
//! read with exit 0): a `%` in a column a commission pays on, a currency in a column paid per
//! unit, a currency code in lower case, money that reads two ways in a metrics file, and a metric
//! column of text whose cells were never named. The command line's messages for the same cases
//! are in the bad-input corpus (`tests/fixtures/bad/`).
#![allow(clippy::unwrap_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::str::FromStr;

use carrot::engine::columns::plan_columns;
use carrot::plan::Plan;
use carrot::roster::join::{JoinKey, join_metrics};
use carrot::roster::{ImportError, ImportOptions, ImportReport, RowIssue, import_files, import_reader};
use rust_decimal::Decimal;

/// A plan paying a commission on `bookings` and an amount per discovery interview.
const PLAN: &str = r#"{"schema": 1, "name": "Bookings", "currency": "USD",
    "period": {"start": "2026-07-01", "end": "2026-09-30"}, "fx": {"EUR": 1.1},
    "tracks": {"sales": {"components": [
        {"kind": "commission", "id": "bookings_commission", "earning_code": "C", "metric": "bookings",
         "tiers": [{"from": 0, "rate": 0.1}]},
        {"kind": "per_unit", "id": "interviews", "earning_code": "U", "metric": "discovery_interviews",
         "amount": 150}]}}}"#;

fn plan() -> Plan {
    carrot::plan::parse(PLAN).unwrap()
}

/// The options the command line reads a roster with for [`PLAN`].
fn planned() -> ImportOptions {
    ImportOptions { plan_columns: plan_columns([&plan()]), ..ImportOptions::default() }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn bad_rows<T: std::fmt::Debug>(result: Result<T, ImportError>) -> Vec<RowIssue> {
    match result {
        Err(ImportError::BadRows { issues }) => issues,
        Err(other) => panic!("expected bad rows, got {other}"),
        Ok(done) => panic!("expected bad rows, got {done:?}"),
    }
}

fn metric(report: &ImportReport, person: usize, name: &str) -> Option<Decimal> {
    let index = report.roster.metric_index(name).unwrap();
    report.roster.employees[person].metric(index)
}

const HEADER: &str = "employee_id,name,role,quota,bookings,discovery_interviews\n";

/// The roster people whose metrics come from a metrics file.
fn people(dir: &Path) -> ImportReport {
    let path = write(dir, "people.csv", "employee_id,name,role,quota\nE1,Ann,sales,100000\nE2,Bob,sales,100000\n");
    import_files(&[path], &planned()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. A `%` in a column a commission pays on.

#[test]
fn a_percent_in_a_column_a_commission_pays_on_is_refused_naming_the_plan_line() {
    let csv = format!("{HEADER}E1,Ann,sales,100000,12%,4\nE2,Bob,sales,100000,50000,2\n");
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &planned()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    let issue = &issues[0];
    assert_eq!(
        (issue.file.as_str(), issue.line, issue.column.as_str(), issue.value.as_str()),
        ("r.csv", 2, "bookings", "12%")
    );
    assert_eq!(
        issue.reason,
        "a percentage is not an amount of money, and `bookings` is money: the commission `bookings_commission` of \
         track sales in plan `Bookings` pays on it; write the amount itself (e.g. 12000), without %"
    );
    // Without the plan, `bookings` is a metric like any other, where 12% reads as 0.12.
    let report = import_reader("r.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(metric(&report, 0, "bookings"), Some(dec("0.12")));
}

#[test]
fn money_a_commission_pays_on_that_reads_two_ways_is_refused_unless_the_decimal_is_said() {
    let csv = format!("{HEADER}E1,Ann,sales,100000,12.000,4\n");
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &planned()));
    assert_eq!((issues[0].line, issues[0].column.as_str()), (2, "bookings"));
    assert!(
        issues[0].reason.starts_with("`12.000` could be 12 (with a decimal point) or 12000"),
        "{}",
        issues[0].reason
    );
    let said = ImportOptions { decimal: carrot::roster::DecimalSeparator::Point, ..planned() };
    let report = import_reader("r.csv", csv.as_bytes(), &said).unwrap();
    assert_eq!(metric(&report, 0, "bookings"), Some(dec("12.000")));
}

#[test]
fn a_percent_in_a_money_column_of_a_metrics_file_is_refused_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = people(dir.path());
    let metrics = write(dir.path(), "results.csv", "employee_id,bookings\nE1,12%\nE2,50000\n");
    let issues =
        bad_rows(join_metrics(&mut report.roster, std::slice::from_ref(&metrics), JoinKey::EmployeeId, &planned()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!((issues[0].line, issues[0].column.as_str(), issues[0].value.as_str()), (2, "bookings", "12%"));
    assert!(
        issues[0].reason.contains("`bookings` is money: the commission `bookings_commission`"),
        "{}",
        issues[0].reason
    );
}

// ---------------------------------------------------------------------------------------------
// 2. A currency in a column a per-unit line pays on.

#[test]
fn a_currency_in_a_count_column_is_refused_not_taken_as_the_rows_currency() {
    let csv =
        format!("{HEADER}E1,Ann,sales,100000,50000,€3\nE2,Bob,sales,100000,50000,$2\nE3,Cy,sales,100000,50000,3\n");
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &planned()));
    let found: Vec<(u64, &str, &str)> = issues.iter().map(|i| (i.line, i.column.as_str(), i.value.as_str())).collect();
    assert_eq!(found, vec![(2, "discovery_interviews", "€3"), (3, "discovery_interviews", "$2")]);
    assert_eq!(
        issues[0].reason,
        "a count has no currency: the per_unit `interviews` of track sales in plan `Bookings` pays per unit of \
         `discovery_interviews`; write the number alone (3), and give the row's currency in a currency column or in \
         its money cells"
    );
    assert!(issues[1].reason.contains("write the number alone (2)"), "{}", issues[1].reason);
    // Without the plan, the `€` named the row's currency: its bookings and quota were converted.
    let report = import_reader("r.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(report.roster.employees[0].currency.as_deref(), Some("EUR"));
}

#[test]
fn a_currency_in_a_count_column_is_refused_even_when_it_is_the_rows() {
    let csv = "employee_id,name,role,currency,discovery_interviews\nE1,Ann,sales,EUR,3 EUR\n";
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &planned()));
    assert_eq!(
        (issues[0].line, issues[0].column.as_str(), issues[0].value.as_str()),
        (2, "discovery_interviews", "3 EUR")
    );
    // Money cells still name the row's currency.
    let csv = format!("{HEADER}E1,Ann,sales,100000,€50000,3\n");
    let report = import_reader("r.csv", csv.as_bytes(), &planned()).unwrap();
    assert_eq!(report.roster.employees[0].currency.as_deref(), Some("EUR"));
    assert_eq!(metric(&report, 0, "discovery_interviews"), Some(dec("3")));
}

#[test]
fn a_currency_in_a_count_column_of_a_metrics_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = people(dir.path());
    let metrics = write(dir.path(), "activity.csv", "employee_id,discovery_interviews\nE1,€3\nE2,2\n");
    let issues = bad_rows(join_metrics(&mut report.roster, &[metrics], JoinKey::EmployeeId, &planned()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(
        (issues[0].line, issues[0].column.as_str(), issues[0].value.as_str()),
        (2, "discovery_interviews", "€3")
    );
    assert!(issues[0].reason.starts_with("a count has no currency: the per_unit `interviews`"), "{}", issues[0].reason);
    assert_eq!(report.roster.employees[0].currency, None, "the cell named no one's currency");
}

#[test]
fn a_percentage_in_a_count_column_is_refused_not_read_as_a_fraction_of_a_unit() {
    let csv = format!("{HEADER}E1,Ann,sales,100000,50000,12%\nE2,Bob,sales,100000,50000,3\n");
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &planned()));
    let found: Vec<(u64, &str, &str)> = issues.iter().map(|i| (i.line, i.column.as_str(), i.value.as_str())).collect();
    assert_eq!(found, vec![(2, "discovery_interviews", "12%")]);
    assert!(
        issues[0].reason.starts_with("a percentage is not a count: the per_unit `interviews`")
            && issues[0].reason.contains("0.12 of one"),
        "{}",
        issues[0].reason
    );
    // In a metrics file too.
    let dir = tempfile::tempdir().unwrap();
    let mut report = people(dir.path());
    let metrics = write(dir.path(), "activity.csv", "employee_id,discovery_interviews\nE1,12%\nE2,2\n");
    let issues = bad_rows(join_metrics(&mut report.roster, &[metrics], JoinKey::EmployeeId, &planned()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!((issues[0].line, issues[0].value.as_str()), (2, "12%"));
}

#[test]
fn a_column_taken_from_paid_money_is_money_too() {
    // A commission on `net = bookings - refunds`: a `%` in refunds is refused like one in bookings.
    let plan = carrot::plan::parse(
        &PLAN
            .replace(r#""metric": "bookings""#, r#""metric": "net""#)
            .replace(r#""fx": {"EUR": 1.1},"#, r#""fx": {"EUR": 1.1}, "metrics": {"net": "bookings - refunds"},"#),
    )
    .unwrap();
    let options = ImportOptions { plan_columns: plan_columns([&plan]), ..ImportOptions::default() };
    let csv = "employee_id,name,role,quota,bookings,refunds,discovery_interviews\nE1,Ann,sales,100000,50000,5%,3\n";
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &options));
    assert_eq!((issues[0].line, issues[0].column.as_str()), (2, "refunds"));
    assert!(issues[0].reason.starts_with("a percentage is not an amount of money"), "{}", issues[0].reason);
}

// ---------------------------------------------------------------------------------------------
// 3. A currency code in lower case.

#[test]
fn a_currency_code_in_lower_case_reads_as_in_capitals() {
    let csv = format!("{HEADER}E1,Ann,sales,100000,1234.5 eur,4\nE2,Bob,sales,100000,1234.5 EUR,2\n");
    for options in [planned(), ImportOptions::default()] {
        let report = import_reader("r.csv", csv.as_bytes(), &options).unwrap();
        for person in 0..2 {
            assert_eq!(report.roster.employees[person].currency.as_deref(), Some("EUR"));
            assert_eq!(metric(&report, person, "bookings"), Some(dec("1234.5")));
        }
    }
    // In a money column of the roster, and against a currency column, as in capitals.
    let csv = "employee_id,name,role,currency,quota\nE1,Ann,sales,EUR,100000 eur\nE2,Bob,sales,GBP,100000 eur\n";
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &planned()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!((issues[0].line, issues[0].column.as_str()), (3, "quota"));
    assert!(issues[0].reason.starts_with("the amount is in EUR but the row's currency column says GBP"));
}

#[test]
fn a_word_after_an_amount_is_named_as_the_cause() {
    let csv = format!("{HEADER}E1,Ann,sales,1234.5 euros,50000,4\n");
    let issues = bad_rows(import_reader("r.csv", csv.as_bytes(), &planned()));
    assert_eq!((issues[0].line, issues[0].column.as_str(), issues[0].value.as_str()), (2, "quota", "1234.5 euros"));
    assert_eq!(
        issues[0].reason,
        "not a number: `euros` is not a currency code or symbol; write the amount alone, or with its ISO code (e.g. \
         1234.50 EUR)"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Money that reads two ways, in the files joined onto a roster.

#[test]
fn money_that_reads_two_ways_in_a_metrics_file_is_refused_unless_the_decimal_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let metrics = write(
        dir.path(),
        "results.csv",
        "employee_id,revenue,bookings,discovery_interviews\nE1,12.000,\"1,500\",4\nE2,\"50,000\",12.000,2\n",
    );
    let mut report = people(dir.path());
    let issues =
        bad_rows(join_metrics(&mut report.roster, std::slice::from_ref(&metrics), JoinKey::EmployeeId, &planned()));
    let found: Vec<(u64, &str, &str)> = issues.iter().map(|i| (i.line, i.column.as_str(), i.value.as_str())).collect();
    // Revenue is always money, bookings is money to the plan; 12.000 interviews is a count.
    assert_eq!(found, vec![(2, "revenue", "12.000"), (3, "bookings", "12.000")]);
    assert_eq!(
        issues[0].reason,
        "`12.000` could be 12 (with a decimal point) or 12000 (with `.` between thousands); write 12000 without the \
         `.`, or say how the file writes numbers with --decimal point or --decimal comma"
    );
    // Said: read as said.
    let point = ImportOptions { decimal: carrot::roster::DecimalSeparator::Point, ..planned() };
    let mut report = people(dir.path());
    join_metrics(&mut report.roster, &[metrics], JoinKey::EmployeeId, &point).unwrap();
    assert_eq!(metric(&report, 0, "revenue"), Some(dec("12")));
    assert_eq!(metric(&report, 1, "bookings"), Some(dec("12")));
    assert_eq!(metric(&report, 1, "revenue"), Some(dec("50000")));
}

#[test]
fn a_deal_amount_that_reads_two_ways_is_refused_too() {
    use carrot::roster::deals::{DealsMapping, Period, apply_deals};
    let dir = tempfile::tempdir().unwrap();
    let deals = write(dir.path(), "deals.csv", "Owner,Close Date,Amount\nE1,2026-08-01,12.000\nE2,2026-08-01,12.5\n");
    let mapping = DealsMapping::parse(br#"{"owner": "Owner", "amount": "Amount", "date": "Close Date"}"#).unwrap();
    let q3 = Period {
        start: chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        end: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
    };
    let mut report = people(dir.path());
    let issues = bad_rows(apply_deals(&mut report.roster, &deals, &mapping, q3, &planned()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!((issues[0].line, issues[0].column.as_str(), issues[0].value.as_str()), (2, "Amount", "12.000"));
    assert!(issues[0].reason.starts_with("`12.000` could be 12"), "{}", issues[0].reason);
}

// ---------------------------------------------------------------------------------------------
// 5. A metric column of text: its cells that are not numbers, by line.

/// A roster whose `discovery_interviews` is mostly `pending`.
const PENDING: &str = "employee_id,name,role,quota,bookings,discovery_interviews\n\
                       E1,Ann,sales,100000,50000,pending\nE2,Bob,sales,100000,50000,3\n\
                       E3,Cy,sales,100000,50000,pending\nE4,Di,sales,100000,50000,pending\n\
                       E5,Ed,sales,100000,50000,5\n";

#[test]
fn a_column_left_out_as_text_lists_its_cells_that_are_not_numbers_by_line() {
    let report = import_reader("r.csv", PENDING.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(report.roster.metrics, vec!["bookings"]);
    assert_eq!(
        report.warnings,
        vec![
            "r.csv: column `discovery_interviews` is text; ignored (3 of 5 values are not numbers: line 2 \
             \"pending\", line 4 \"pending\", line 5 \"pending\")"
        ]
    );
    // Many: the first five, and how many more.
    let mut csv = String::from("employee_id,name,role,notes\n");
    for i in 1..=9 {
        csv.push_str(&format!("E{i},P{i},sales,note {i}\n"));
    }
    let report = import_reader("n.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(
        report.warnings,
        vec![
            "n.csv: column `notes` is text; ignored (9 of 9 values are not numbers: line 2 \"note 1\", line 3 \"note \
             2\", line 4 \"note 3\", line 5 \"note 4\", line 6 \"note 5\" and 4 more)"
        ]
    );
}

#[test]
fn a_column_of_a_metrics_file_left_out_as_text_lists_its_cells_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = people(dir.path());
    let metrics = write(dir.path(), "activity.csv", "employee_id,status,bookings\nE1,pending,5\nE2,waiting,6\n");
    let outcome =
        join_metrics(&mut report.roster, std::slice::from_ref(&metrics), JoinKey::EmployeeId, &planned()).unwrap();
    assert_eq!(
        outcome.warnings,
        vec![format!(
            "{}: column `status` is text; ignored (2 of 2 values are not numbers: line 2 \"pending\", line 3 \
             \"waiting\")",
            metrics.display()
        )]
    );
}

#[test]
fn a_column_a_plan_reads_is_never_left_out_as_text_its_cells_are_refused() {
    let issues = bad_rows(import_reader("r.csv", PENDING.as_bytes(), &planned()));
    let found: Vec<(u64, &str, &str)> = issues.iter().map(|i| (i.line, i.column.as_str(), i.value.as_str())).collect();
    assert_eq!(
        found,
        vec![
            (2, "discovery_interviews", "pending"),
            (4, "discovery_interviews", "pending"),
            (5, "discovery_interviews", "pending")
        ]
    );
    assert_eq!(issues[0].reason, "not a number (metric columns hold numbers; leave the cell empty for 0)");
    // With --skip-bad-rows, the people with a number are read and the others listed.
    let skipping = ImportOptions { skip_bad_rows: true, ..planned() };
    let report = import_reader("r.csv", PENDING.as_bytes(), &skipping).unwrap();
    let ids: Vec<&str> = report.roster.employees.iter().map(|e| &*e.id).collect();
    assert_eq!(ids, vec!["E2", "E5"]);
    assert_eq!(report.skipped.len(), 3);
    // In a metrics file too.
    let dir = tempfile::tempdir().unwrap();
    let mut people = people(dir.path());
    let metrics = write(dir.path(), "activity.csv", "employee_id,discovery_interviews\nE1,pending\nE2,waiting\n");
    let issues = bad_rows(join_metrics(&mut people.roster, &[metrics], JoinKey::EmployeeId, &planned()));
    let found: Vec<(u64, &str)> = issues.iter().map(|i| (i.line, i.value.as_str())).collect();
    assert_eq!(found, vec![(2, "pending"), (3, "waiting")]);
}

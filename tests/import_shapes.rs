//! Rosters as HRIS and CRM export them: spreadsheets (xlsx, ods), reports with title, filter
//! and totals lines around the table, metrics in separate files, deal lists, and mapping files
//! that compose names and map values.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::path::{Path, PathBuf};
use std::str::FromStr;

use carrot::roster::{ImportError, ImportOptions, ImportReport, RowIssue, import_files, preview};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

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

/// A workbook like an HRIS export: a notes sheet first, then the people with an id column
/// formatted as text with leading zeros, a numeric id, a date cell, a formula and an error.
fn hris_workbook(path: &Path, with_error: bool) {
    let mut book = Workbook::new();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "Exported from Workday on 2026-10-01").unwrap();
    notes.write_string(1, 0, "Do not edit").unwrap();
    let people = book.add_worksheet().set_name("Workers").unwrap();
    let headers = ["Employee ID", "Name", "Role", "Start Date", "Quota", "Revenue", "Deals Closed"];
    for (c, h) in headers.iter().enumerate() {
        people.write_string(0, c as u16, *h).unwrap();
    }
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    // Text id with leading zeros.
    people.write_string(1, 0, "000123").unwrap();
    people.write_string(1, 1, "Ann Lee").unwrap();
    people.write_string(1, 2, "Sales").unwrap();
    people.write_datetime_with_format(1, 3, ExcelDateTime::from_ymd(2026, 2, 15).unwrap(), &date_format).unwrap();
    people.write_number(1, 4, 100000.0).unwrap();
    // A formula with its cached value.
    people.write_formula(1, 5, Formula::new("=40000.25+60000.25").set_result("100000.5")).unwrap();
    people.write_number(1, 6, 3.0).unwrap();
    // A numeric id (123.0 in the file) reads 124, not 124.0.
    people.write_number(2, 0, 124.0).unwrap();
    people.write_string(2, 1, "Bo Chen").unwrap();
    people.write_string(2, 2, "sales").unwrap();
    people.write_number(2, 4, 50000.0).unwrap();
    people.write_number(2, 5, 0.1 + 0.2).unwrap();
    if with_error {
        people.write_formula(2, 6, Formula::new("=1/0").set_result("#DIV/0!")).unwrap();
    } else {
        people.write_number(2, 6, 1.0).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn an_xlsx_roster_reads_cells_by_type_from_the_sheet_with_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.xlsx");
    hris_workbook(&path, false);
    let report = import_files(std::slice::from_ref(&path), &ImportOptions::default()).unwrap();
    let roster = &report.roster;
    assert_eq!(roster.sources, [format!("{} [sheet Workers]", path.display())]);
    let ids: Vec<&str> = roster.employees.iter().map(|e| &*e.id).collect();
    assert_eq!(ids, ["000123", "124"]);
    let ann = &roster.employees[0];
    assert_eq!(&*ann.role, "sales");
    assert_eq!(ann.start_date, NaiveDate::from_ymd_opt(2026, 2, 15));
    assert_eq!(ann.quota, Some(dec("100000")));
    let revenue = roster.metric_index("revenue").unwrap();
    assert_eq!(ann.metric(revenue), Some(dec("100000.5")), "the formula's cached value");
    assert_eq!(roster.employees[1].metric(revenue), Some(dec("0.3")), "15 significant digits, as Excel shows");
    assert_eq!(ann.source.line, 2, "line numbers are sheet rows");

    // --sheet picks a sheet; a sheet that does not exist is named with the ones that do.
    let options = ImportOptions { sheet: Some("workers".into()), ..ImportOptions::default() };
    assert_eq!(import_files(std::slice::from_ref(&path), &options).unwrap().roster.employees.len(), 2);
    let options = ImportOptions { sheet: Some("People".into()), ..ImportOptions::default() };
    let err = import_files(std::slice::from_ref(&path), &options).unwrap_err().to_string();
    assert!(err.contains("--sheet \"People\"") && err.contains("\"Notes\", \"Workers\""), "{err}");
    // Asked for the notes sheet, the missing columns are reported as for a CSV file.
    let options = ImportOptions { sheet: Some("Notes".into()), ..ImportOptions::default() };
    let err = import_files(std::slice::from_ref(&path), &options).unwrap_err().to_string();
    assert!(err.contains("[sheet Notes]") && err.contains("missing required column"), "{err}");

    let shown = preview(&path, &ImportOptions::default(), 5).unwrap();
    assert_eq!(shown.sheets, ["Notes", "Workers"]);
    assert_eq!(shown.sheet.as_deref(), Some("Workers"));
    assert_eq!(shown.rows[0][0], "000123");
    assert_eq!(shown.rows[0][3], "2026-02-15");
}

#[test]
fn an_error_cell_is_refused_naming_file_sheet_row_and_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.xlsx");
    hris_workbook(&path, true);
    let issues = bad_rows(import_files(std::slice::from_ref(&path), &ImportOptions::default()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    let issue = &issues[0];
    assert_eq!(issue.file, format!("{} [sheet Workers]", path.display()));
    assert_eq!(issue.line, 3);
    assert_eq!(issue.column, "deals_closed (G3)");
    assert_eq!(issue.value, "#DIV/0!");
    assert!(issue.reason.contains("spreadsheet error #DIV/0!"), "{}", issue.reason);
    // Skipping bad rows keeps the other person.
    let options = ImportOptions { skip_bad_rows: true, ..ImportOptions::default() };
    let report = import_files(std::slice::from_ref(&path), &options).unwrap();
    assert_eq!(report.roster.employees.len(), 1);
    assert_eq!(report.skipped.len(), 1);
}

#[test]
fn a_bad_cell_in_a_spreadsheet_names_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("People").unwrap();
    for (c, h) in ["employee_id", "name", "role", "revenue"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (id, revenue)) in [("1", "100"), ("2", "12%"), ("3", "5")].iter().enumerate() {
        let row = r as u32 + 1;
        sheet.write_string(row, 0, *id).unwrap();
        sheet.write_string(row, 1, "Someone Else").unwrap();
        sheet.write_string(row, 2, "sales").unwrap();
        sheet.write_string(row, 3, *revenue).unwrap();
    }
    book.save(&path).unwrap();
    let issues = bad_rows(import_files(std::slice::from_ref(&path), &ImportOptions::default()));
    assert_eq!(issues.len(), 1);
    assert_eq!(
        issues[0].to_string(),
        format!(
            "{} [sheet People]:3: column revenue (D3): \"12%\": a percentage is not an amount of money; write the amount itself (e.g. 12000), without %",
            path.display()
        )
    );
}

#[test]
fn a_text_cell_in_a_number_column_of_a_spreadsheet_names_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("People").unwrap();
    for (c, h) in ["employee_id", "name", "role", "discovery_interviews"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for r in 1..=3u32 {
        sheet.write_string(r, 0, r.to_string()).unwrap();
        sheet.write_string(r, 1, "Someone").unwrap();
        sheet.write_string(r, 2, "sales").unwrap();
        if r == 2 {
            sheet.write_boolean(r, 3, true).unwrap();
        } else {
            sheet.write_number(r, 3, 4.0).unwrap();
        }
    }
    book.save(&path).unwrap();
    let issues = bad_rows(import_files(std::slice::from_ref(&path), &ImportOptions::default()));
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].column, "discovery_interviews (D3)");
}

/// A Salesforce-style report: title, "As of", filters, header, people, totals, notices.
const REPORT_PREAMBLE: &str =
    "\"Closed deals by owner\"\n\"As of 12/5/2026 3:04 PM\"\n\"Filtered By:\"\n\"  Stage equals Closed Won\"\n\n";
const REPORT_TABLE: &str = "Employee ID,Name,Role,Revenue\n001,Ann Lee,sales,100.00\n002,Bo Chen,sales,250.50\n";
const REPORT_TRAILER: &str = "\n\"Grand Totals (2 records)\",,,350.50\n\n\"Confidential Information - Do Not Distribute\"\n\"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\"\n";

fn report_variants() -> Vec<(&'static str, String)> {
    vec![
        ("preamble only", format!("{REPORT_PREAMBLE}{REPORT_TABLE}")),
        ("trailer only", format!("{REPORT_TABLE}{REPORT_TRAILER}")),
        ("both", format!("{REPORT_PREAMBLE}{REPORT_TABLE}{REPORT_TRAILER}")),
    ]
}

#[test]
fn report_exports_skip_their_title_filter_and_totals_lines_and_list_them() {
    let dir = tempfile::tempdir().unwrap();
    for (what, text) in report_variants() {
        let path = write(dir.path(), "report.csv", &text);
        let report = import_files(std::slice::from_ref(&path), &ImportOptions::default())
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let ids: Vec<&str> = report.roster.employees.iter().map(|e| &*e.id).collect();
        assert_eq!(ids, ["001", "002"], "{what}");
        let revenue = report.roster.metric_index("revenue").unwrap();
        let total: Decimal = report.roster.employees.iter().filter_map(|e| e.metric(revenue)).sum();
        assert_eq!(total, dec("350.50"), "{what}: the totals row is not a person");
        let warnings = report.warnings.join("\n");
        if what != "trailer only" {
            assert!(
                warnings.contains("skipped 4 line(s) taken for a report title or filter line")
                    && warnings.contains("line 1 \"Closed deals by owner\"")
                    && warnings.contains("line 4 \"Stage equals Closed Won\""),
                "{what}: {warnings}"
            );
        }
        if what != "preamble only" {
            assert!(
                warnings.contains("taken for a totals row") && warnings.contains("Grand Totals (2 records)"),
                "{what}: {warnings}"
            );
            assert!(
                warnings.contains("a confidentiality notice") && warnings.contains("a copyright line"),
                "{what}: {warnings}"
            );
        }
    }
}

#[test]
fn a_report_in_a_spreadsheet_is_read_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("Report").unwrap();
    let text = format!("{REPORT_PREAMBLE}{REPORT_TABLE}{REPORT_TRAILER}");
    for (r, line) in text.lines().enumerate() {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(line.as_bytes());
        for record in reader.records() {
            for (c, cell) in record.unwrap().iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
    }
    book.save(&path).unwrap();
    let report = import_files(std::slice::from_ref(&path), &ImportOptions::default()).unwrap();
    assert_eq!(report.roster.employees.len(), 2);
    assert_eq!(report.roster.employees[0].source.line, 7);
    assert!(report.warnings.iter().any(|w| w.contains("totals row")), "{:?}", report.warnings);
}

#[test]
fn header_row_names_the_header_and_skips_what_is_above() {
    let dir = tempfile::tempdir().unwrap();
    // A line above the header that is not a report line: detection gives up on it (it is taken
    // as the header, and its columns reported missing); --header-row reads the file.
    let text = "Region,Quarter,Owner,Notes\nemployee_id,name,role\n1,Ann Lee,sales\n";
    let path = write(dir.path(), "r.csv", text);
    let err = import_files(std::slice::from_ref(&path), &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ImportError::MissingColumns { .. }), "{err}");
    let options = ImportOptions { header_row: Some(2), ..ImportOptions::default() };
    let report = import_files(std::slice::from_ref(&path), &options).unwrap();
    assert_eq!(report.roster.employees.len(), 1);
    assert!(
        report.warnings.iter().any(|w| w.contains("skipped 1 line(s) above the header row given with --header-row"))
    );
    let options = ImportOptions { header_row: Some(9), ..ImportOptions::default() };
    let err = import_files(std::slice::from_ref(&path), &options).unwrap_err().to_string();
    assert!(err.contains("--header-row 9"), "{err}");
}

#[test]
fn a_trailer_like_row_that_is_a_person_is_still_a_person_and_unknown_lines_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let text = "employee_id,name,role\n1,Totalia Brandt,sales\n,,\nsomething odd,,\n";
    let path = write(dir.path(), "r.csv", text);
    let issues = bad_rows(import_files(std::slice::from_ref(&path), &ImportOptions::default()));
    assert_eq!(issues.len(), 2, "an unrecognised line below the table is refused: {issues:?}");
    assert_eq!(issues[0].line, 4);
}

// ---------------------------------------------------------------------------------------------
// Metrics in separate files, deal lists, names and values.

use carrot::roster::deals::{DealsMapping, Period, apply_deals};
use carrot::roster::join::{JoinKey, join_metrics};
use carrot::roster::recipe;

const PEOPLE: &str = "employee_id,First Name,Last Name,Job Title,Email,currency\n\
                      001,Ann,Lee,Account Executive,ann.lee@x.example,EUR\n\
                      002,Bo,de Vries,Solutions Consultant,bo@x.example,\n\
                      003,Cy,Ng,Office Manager,cy@x.example,\n";

fn people(dir: &Path, mapping: &str) -> (ImportReport, ImportOptions) {
    let path = write(dir, "people.csv", PEOPLE);
    let recipe = recipe::parse(mapping.as_bytes()).unwrap();
    let options = ImportOptions { mapping: recipe.columns.clone(), ..ImportOptions::default() };
    let mut report = import_files(&[path], &options).unwrap();
    report.warnings.extend(recipe::apply_values(&mut report.roster, &recipe.values));
    (report, options)
}

const ROLES: &str = r#"{"columns": {"Job Title": "role"},
    "values": {"role": {"account executive": "Sales", "Solutions Consultant": "consultant"}}}"#;

#[test]
fn names_are_composed_from_first_and_last_and_job_titles_map_to_roles() {
    let dir = tempfile::tempdir().unwrap();
    let (report, _) = people(dir.path(), ROLES);
    let e = &report.roster.employees;
    assert_eq!(&*e[1].name, "Bo de Vries");
    assert_eq!(e[1].first_name().map(|m| &**m), Some("Bo"));
    assert_eq!(e[1].last_name().map(|m| &**m), Some("de Vries"));
    assert_eq!(e[0].email().map(|m| &**m), Some("ann.lee@x.example"));
    let roles: Vec<&str> = e.iter().map(|p| &*p.role).collect();
    assert_eq!(roles, ["sales", "consultant", "office manager"], "unmapped values are kept");
    assert!(
        report.warnings.iter().any(|w| w.contains("values.role: 1 value(s)") && w.contains("\"office manager\" (1)"))
    );
    // A default maps the rest.
    let with_default = ROLES.replace(r#""consultant"}"#, r#""consultant", "*": "other"}"#);
    let (report, _) = people(dir.path(), &with_default);
    assert_eq!(&*report.roster.employees[2].role, "other");
    // Both names blank is refused, naming the first-name column.
    let path = write(dir.path(), "blank.csv", "employee_id,first_name,last_name,role\n1,,,sales\n");
    let issues = bad_rows(import_files(&[path], &ImportOptions::default()));
    assert_eq!(issues[0].column, "first_name");
    assert!(issues[0].reason.contains("first and last name"), "{}", issues[0].reason);
}

#[test]
fn metrics_join_by_id_or_email_in_any_order_and_report_missing_and_extra_people() {
    let dir = tempfile::tempdir().unwrap();
    let (mut report, options) = people(dir.path(), ROLES);
    // Another order, an id that lost its leading zeros, an extra id, 003 missing.
    let metrics = write(dir.path(), "m.csv", "Employee ID,Revenue,Discovery Interviews\n2,,7\n001,€1.50,3\n099,5,5\n");
    let outcome =
        join_metrics(&mut report.roster, std::slice::from_ref(&metrics), JoinKey::EmployeeId, &options).unwrap();
    let r = &report.roster;
    let revenue = r.metric_index("revenue").unwrap();
    let interviews = r.metric_index("discovery_interviews").unwrap();
    // (`€1.000` would read two ways: tests/roster_cells.rs.)
    assert_eq!(r.employees[0].metric(revenue), Some(dec("1.50")), "€ with a point as decimal mark");
    assert_eq!(r.employees[1].metric(interviews), Some(dec("7")));
    assert_eq!(r.employees[1].metric(revenue), None, "a blank cell gives no value");
    assert_eq!(r.employees[2].metric(interviews), None);
    let w = outcome.warnings.join("\n");
    assert!(w.contains("1 id(s) matched a roster id with leading zeros"), "{w}");
    assert!(w.contains("1 employee_id match no one in the roster; their rows were not used: 099"), "{w}");
    assert!(w.contains("1 person(s) of the roster are not in this file") && w.contains("003 (Cy Ng)"), "{w}");

    // By email, ignoring case.
    let (mut fresh, options) = people(dir.path(), ROLES);
    let by_mail = write(dir.path(), "mail.csv", "EMAIL,discovery_interviews,survey_responses\nANN.LEE@X.EXAMPLE,4,9\n");
    join_metrics(&mut fresh.roster, std::slice::from_ref(&by_mail), JoinKey::Email, &options).unwrap();
    assert_eq!(
        fresh.roster.employees[0].metric(fresh.roster.metric_index("survey_responses").unwrap()),
        Some(dec("9"))
    );
    // A metric given twice is an error naming both places.
    let (mut fresh, options) = people(dir.path(), ROLES);
    let again = write(dir.path(), "again.csv", "employee_id,discovery_interviews\n001,4\n");
    let issues = bad_rows(join_metrics(&mut fresh.roster, &[metrics.clone(), again], JoinKey::EmployeeId, &options));
    assert_eq!(issues.len(), 1);
    assert_eq!((issues[0].line, issues[0].column.as_str()), (2, "discovery_interviews"));
    assert!(
        issues[0].reason.contains("defined twice for 001: also in") && issues[0].reason.contains("m.csv:3"),
        "{}",
        issues[0].reason
    );

    // An amount in another currency than the person's is refused; two rows for one person too.
    let (mut fresh, options) = people(dir.path(), ROLES);
    let bad = write(dir.path(), "bad.csv", "employee_id,revenue\n001,100 USD\n002,5\n002,6\n");
    let issues = bad_rows(join_metrics(&mut fresh.roster, &[bad], JoinKey::EmployeeId, &options));
    assert_eq!(issues.len(), 2, "{issues:?}");
    assert!(issues[0].reason.contains("in USD but 001's amounts are in EUR"), "{}", issues[0].reason);
    assert!(issues[1].reason.contains("also on line 3"), "{}", issues[1].reason);

    // Joining on email needs an email column.
    let path = write(dir.path(), "plain.csv", "employee_id,name,role\n1,A B,sales\n");
    let mut plain = import_files(&[path], &ImportOptions::default()).unwrap();
    let err = join_metrics(&mut plain.roster, &[metrics], JoinKey::Email, &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().contains("the roster has no email column"), "{err}");
}

#[test]
fn a_metrics_spreadsheet_joins_too() {
    let dir = tempfile::tempdir().unwrap();
    let (mut report, options) = people(dir.path(), ROLES);
    let path = dir.path().join("m.xlsx");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "email").unwrap();
    sheet.write_string(0, 1, "discovery_interviews").unwrap();
    sheet.write_string(1, 0, "BO@x.example").unwrap();
    sheet.write_number(1, 1, 6.0).unwrap();
    book.save(&path).unwrap();
    join_metrics(&mut report.roster, &[path], JoinKey::Email, &options).unwrap();
    let i = report.roster.metric_index("discovery_interviews").unwrap();
    assert_eq!(report.roster.employees[1].metric(i), Some(dec("6")));
}

const Q3: Period =
    Period { start: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(), end: NaiveDate::from_ymd_opt(2026, 9, 30).unwrap() };

#[test]
fn deal_lists_sum_amounts_and_count_deals_in_the_period_per_owner() {
    let dir = tempfile::tempdir().unwrap();
    let (mut report, options) = people(dir.path(), ROLES);
    let deals = write(
        dir.path(),
        "deals.csv",
        "\"Won deals\"\n\"As of 10/01/2026\"\n\n\
         Opportunity,Owner,Stage,Close Date,Amount\n\
         A1,ann lee,Closed Won,07/01/2026,\"EUR 1,000.50\"\n\
         A2,Ann Lee,Closed Won,09/30/2026,\"€2,000.25\"\n\
         A3,Ann Lee,Closed Lost,08/01/2026,\"5,000\"\n\
         A4,Ann Lee,Closed Won,06/30/2026,\"7,000\"\n\
         B1,Bo de Vries,closed won,08/15/2026,300\n\
         Z1,Zed Unknown,Closed Won,08/15/2026,\"9,999\"\n\
         \n\"Grand Totals (6 records)\",,,,\"25,300.75\"\n",
    );
    let mapping = DealsMapping::parse(
        br#"{"owner": "Owner", "match": "name", "amount": "Amount", "date": "Close Date",
             "date_format": "%m/%d/%Y", "filters": {"Stage": ["Closed Won"]}}"#,
    )
    .unwrap();
    let outcome = apply_deals(&mut report.roster, &deals, &mapping, Q3, &options).unwrap();
    let r = &report.roster;
    let (revenue, count) = (r.metric_index("revenue").unwrap(), r.metric_index("deals_closed").unwrap());
    let got: Vec<(Option<Decimal>, Option<Decimal>)> =
        r.employees.iter().map(|e| (e.metric(revenue), e.metric(count))).collect();
    assert_eq!(
        got,
        [(Some(dec("3000.75")), Some(dec("2"))), (Some(dec("300")), Some(dec("1"))), (Some(dec("0")), Some(dec("0"))),]
    );
    assert_eq!(r.employees[1].currency, None, "a plain amount names no currency");
    let w = outcome.warnings.join("\n");
    assert!(
        w.contains("1 owner(s) match no one in the roster by name")
            && w.contains("\"Zed Unknown\" (1 deal(s), 9,999 in all)"),
        "{w}"
    );
    assert!(w.contains("3 deal(s) counted for 2 people; 1 closed outside the period 2026-07-01..2026-09-30"), "{w}");
    assert!(w.contains("1 left out by the filters"), "{w}");
    assert!(w.contains("Grand Totals (6 records)"), "{w}");

    // Deals for someone whose revenue is in the roster already: defined twice.
    let issues = bad_rows(apply_deals(&mut report.roster, &deals, &mapping, Q3, &options));
    assert!(issues.iter().all(|i| i.reason.contains("defined twice")), "{issues:?}");
    assert_eq!(issues[0].line, 5);

    // A deal in another currency than its owner's is refused, naming the cell.
    let (mut fresh, options) = people(dir.path(), ROLES);
    let usd = write(dir.path(), "usd.csv", "Owner,Stage,Close Date,Amount\n001,Closed Won,2026-08-01,USD 5\n");
    let by_id = DealsMapping { matches: JoinKey::EmployeeId, date_format: None, ..mapping.clone() };
    let issues = bad_rows(apply_deals(&mut fresh.roster, &usd, &by_id, Q3, &options));
    assert_eq!((issues[0].line, issues[0].column.as_str()), (2, "Amount"));
    // A mapping naming a column the file lacks lists the headers it has.
    let wrong = DealsMapping { amount: "Amount (converted)".into(), ..by_id };
    let err = apply_deals(&mut fresh.roster, &usd, &wrong, Q3, &options).unwrap_err().to_string();
    assert!(err.contains("Amount (converted) (the amount column)") && err.contains("\"Owner\", \"Stage\""), "{err}");
}

// ---------------------------------------------------------------------------------------------
// The bundled HRIS and CRM samples import into exactly the bundled rosters' payouts.

fn assets(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join(name)
}

fn carrot(args: &[&str]) -> Vec<u8> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carrot")).args(args).output().unwrap();
    assert!(out.status.success(), "carrot {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// The bundled rosters' metric columns other than the deal list's, keyed by employee_id: what
/// `activity_metrics.csv` holds (by email), derived here so that a column added to a bundled
/// roster is checked too.
fn derived_metrics(dir: &Path) -> PathBuf {
    const HR: &[&str] = &[
        "employee_id",
        "name",
        "role",
        "team",
        "manager",
        "currency",
        "base_salary",
        "target_incentive",
        "quota",
        "start_date",
        "end_date",
    ];
    let mut columns: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for file in ["sales_roster.csv", "consultants_roster.csv"] {
        let mut reader = csv::Reader::from_path(assets(file)).unwrap();
        let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        let sales = headers.iter().any(|h| h == "deals_closed");
        for record in reader.records() {
            let record = record.unwrap();
            let mut row = Vec::new();
            for (h, v) in headers.iter().zip(record.iter()) {
                if HR.contains(&h.as_str()) && h != "employee_id" || sales && (h == "revenue" || h == "deals_closed") {
                    continue;
                }
                if !columns.contains(h) {
                    columns.push(h.clone());
                }
                row.push((h.clone(), v.to_owned()));
            }
            rows.push(row);
        }
    }
    let mut text = columns.join(",") + "\n";
    for row in rows {
        let cells: Vec<&str> =
            columns.iter().map(|c| row.iter().find(|(h, _)| h == c).map_or("", |(_, v)| v.as_str())).collect();
        text.push_str(&cells.join(","));
        text.push('\n');
    }
    write(dir, "derived_metrics.csv", &text)
}

#[test]
fn the_hris_and_crm_samples_pay_exactly_what_the_bundled_rosters_pay() {
    let dir = tempfile::tempdir().unwrap();
    let derived = derived_metrics(dir.path());
    let s = |p: &Path| p.display().to_string();
    for plan in ["sales_led", "transition", "product_led"] {
        let plan = s(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_plans").join(format!("{plan}.json")));
        let clean = carrot(&[
            "payouts",
            "--plan",
            &plan,
            "--roster",
            &s(&assets("sales_roster.csv")),
            "--roster",
            &s(&assets("consultants_roster.csv")),
            "--format",
            "csv",
        ]);
        let hris = s(&assets("hris_export.xlsx"));
        let recipe = s(&assets("hris_recipe.json"));
        let deals = s(&assets("crm_deals.csv"));
        let deals_mapping = s(&assets("crm_deals_mapping.json"));
        let common = ["--roster", &hris, "--mapping", &recipe, "--deals", &deals, "--deals-mapping", &deals_mapping];
        // As committed: activity by work email (the recipe's join_on).
        let mut args = vec!["payouts", "--plan", &plan, "--format", "csv", "--metrics"];
        let activity = s(&assets("activity_metrics.csv"));
        args.push(&activity);
        args.extend(common);
        assert_eq!(String::from_utf8(carrot(&args)).unwrap(), String::from_utf8(clean.clone()).unwrap(), "{plan}");
        // With every non-deal column of the bundled rosters, by employee_id.
        let derived = s(&derived);
        let mut args =
            vec!["payouts", "--plan", &plan, "--format", "csv", "--join-on", "employee_id", "--metrics", &derived];
        args.extend(common);
        assert_eq!(String::from_utf8(carrot(&args)).unwrap(), String::from_utf8(clean).unwrap(), "{plan} (derived)");
    }
}

/// A minimal OpenDocument spreadsheet, written by hand (what LibreOffice saves, reduced to what
/// a reader needs): a text id with leading zeros, a float id, a date and a float.
fn ods(path: &Path) {
    use std::io::Write as _;
    let cell = |value: &str| match value.strip_prefix('#') {
        Some(n) => format!(
            r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
        ),
        None => match value.strip_prefix('@') {
            Some(d) => format!(
                r#"<table:table-cell office:value-type="date" office:date-value="{d}"><text:p>{d}</text:p></table:table-cell>"#
            ),
            None => {
                format!(r#"<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>"#)
            }
        },
    };
    let rows = [
        vec!["Employee ID", "Name", "Role", "Start Date", "Revenue"],
        vec!["000123", "Ann Lee", "sales", "@2026-02-15", "#1234.5"],
        vec!["#124", "Bo Chen", "sales", "@2025-01-01", "#10"],
    ];
    let body: String = rows
        .iter()
        .map(|r| format!("<table:table-row>{}</table:table-row>", r.iter().map(|c| cell(c)).collect::<String>()))
        .collect();
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="People">{body}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

#[test]
fn an_ods_roster_reads_cells_by_type() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("people.ods");
    ods(&path);
    let report = import_files(std::slice::from_ref(&path), &ImportOptions::default()).unwrap();
    let e = &report.roster.employees;
    assert_eq!(e.iter().map(|p| &*p.id).collect::<Vec<_>>(), ["000123", "124"]);
    assert_eq!(e[0].start_date, NaiveDate::from_ymd_opt(2026, 2, 15));
    let revenue = report.roster.metric_index("revenue").unwrap();
    assert_eq!(e[0].metric(revenue), Some(dec("1234.5")));
    assert_eq!(report.roster.sources, [format!("{} [sheet People]", path.display())]);
}

/// `carrot` with `args`: (exit code, stdout, stderr).
fn carrot_output(args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carrot")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_metric_nobody_supplies_is_refused_as_missing_from_the_roster_and_the_files_joined() {
    let dir = tempfile::tempdir().unwrap();
    let roster = write(
        dir.path(),
        "people.csv",
        "employee_id,name,role,quota,target_incentive\nJ1,Ann,sales,100000,10000\nJ2,Bo,sales,100000,10000\n",
    );
    // Revenue for J1 only: J2 is in neither file. deals_closed: in no file at all.
    let metrics = write(dir.path(), "results.csv", "employee_id,revenue\nJ1,120000\n");
    let plan = write(
        dir.path(),
        "plan.json",
        r#"{"schema": 1, "name": "Deals", "currency": "EUR",
            "period": {"start": "2026-07-01", "end": "2026-09-30"},
            "tracks": {"sales": {"components": [
              {"kind": "commission", "id": "rev", "label": "Revenue", "metric": "revenue",
               "basis": "amount", "tiers": [{"from": 0, "rate": 0.05}]},
              {"kind": "per_unit", "id": "deals", "label": "Deals", "metric": "deals_closed", "amount": 100}
            ]}}}"#,
    );
    let s = |p: &Path| p.display().to_string();
    let payouts = |plan: &Path| {
        carrot_output(&[
            "payouts",
            "--plan",
            &s(plan),
            "--roster",
            &s(&roster),
            "--metrics",
            &s(&metrics),
            "--format",
            "json",
        ])
    };
    let joined = format!("the files joined onto it ({})", metrics.display());
    // Nobody has deals_closed: searched in the roster and the metrics file, and refused as the
    // plan's problem (not one error per person, with exit 0).
    let (code, stdout, stderr) = payouts(&plan);
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains(&format!(
            "tracks.sales.components[1].metric: `deals_closed` is not a column of the roster or of {joined} or a \
             derived metric of this plan"
        )),
        "{stderr}"
    );
    // Without it, J2 has no revenue: neither their roster file nor the metrics file gives it.
    let text = std::fs::read_to_string(&plan).unwrap();
    let revenue_only = text.replace(
        r#",
              {"kind": "per_unit", "id": "deals", "label": "Deals", "metric": "deals_closed", "amount": 100}"#,
        "",
    );
    assert_ne!(revenue_only, text);
    let plan = write(dir.path(), "revenue.json", &revenue_only);
    let (code, stdout, stderr) = payouts(&plan);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains(&format!(
            "`revenue` has no value for this person: neither their roster file nor {joined} give them one"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("roster file has no"), "{stdout}");
    assert!(
        stderr.contains(&format!("(neither their roster file nor {joined} give them one)")),
        "the warning names both too: {stderr}"
    );
}

#[test]
fn a_recipe_says_how_its_export_writes_dates_and_the_command_line_reads_them_so() {
    let dir = tempfile::tempdir().unwrap();
    // 08/09/2026 is in the plan's quarter (July to September) either way round.
    let roster = write(
        dir.path(),
        "dated.csv",
        "Worker,name,role,quota,target_incentive,revenue,Hired\n\
         W1,Ann Lee,sales,100000,10000,50000,08/09/2026\n\
         W2,Bo Chen,sales,100000,10000,50000,12/01/2025\n",
    );
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_plans").join("sales_led.json");
    let (plan, roster) = (plan.display().to_string(), roster.display().to_string());
    let recipe = |date_format: &str| {
        let text = format!(r#"{{"columns": {{"Worker": "employee_id", "Hired": "start_date"}}{date_format}}}"#);
        write(dir.path(), "recipe.json", &text).display().to_string()
    };
    let prorations = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["payouts", "--plan", &plan, "--roster", &roster, "--format", "json"];
        args.extend(extra);
        let (code, out, err) = carrot_output(&args);
        assert_eq!(code, 0, "{err}");
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        let people = report["employees"].as_array().unwrap();
        people.iter().map(|p| p["proration"].as_str().unwrap().to_owned()).collect()
    };
    // Without a format, the dates are refused, naming the two formats that read them.
    let (code, _, err) = carrot_output(&["payouts", "--plan", &plan, "--roster", &roster, "--mapping", &recipe("")]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("%d/%m/%Y or %m/%d/%Y read it"), "{err}");
    // Month first: Ann started on 9 August (53 of the quarter's 92 days); day first, on
    // 8 September (23 days).
    let month_first = recipe(r#", "date_format": "%m/%d/%Y""#);
    assert_eq!(prorations(&["--mapping", &month_first]), ["0.576087", "1"]);
    let day_first = recipe(r#", "date_format": "%d/%m/%Y""#);
    assert_eq!(prorations(&["--mapping", &day_first]), ["0.25", "1"]);
    // --date-format on the command line wins over the recipe's.
    assert_eq!(prorations(&["--mapping", &day_first, "--date-format", "%m/%d/%Y"]), ["0.576087", "1"]);
    // A recipe's format that cannot read a date is refused as such.
    let bad = recipe(r#", "date_format": "%Y""#);
    let (code, _, err) = carrot_output(&["payouts", "--plan", &plan, "--roster", &roster, "--mapping", &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("date_format: `%Y` does not give a day, a month and a year"), "{err}");
}

#[test]
fn a_recipe_says_its_export_writes_decimal_commas_and_the_command_line_reads_them_so() {
    let dir = tempfile::tempdir().unwrap();
    let roster = write(
        dir.path(),
        "commas.csv",
        "employee_id,name,role,quota,target_incentive,revenue\n\
         C1,Ann Lee,sales,\"100000,00\",\"10000,00\",\"50000,50\"\n",
    );
    let plan = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_plans").join("sales_led.json");
    let (plan, roster) = (plan.display().to_string(), roster.display().to_string());
    let recipe = |decimal: &str| {
        let text = format!(r#"{{"columns": {{}}{decimal}}}"#);
        write(dir.path(), "recipe.json", &text).display().to_string()
    };
    let run = |extra: &[&str]| {
        let mut args = vec!["payouts", "--plan", &plan, "--roster", &roster, "--format", "json"];
        args.extend(extra);
        carrot_output(&args)
    };
    let (code, _, err) = run(&["--mapping", &recipe("")]);
    assert_eq!(code, 1, "a comma-delimited file is read with a decimal point by default: {err}");
    let (code, out, err) = run(&["--mapping", &recipe(r#", "decimal": "comma""#)]);
    assert_eq!(code, 0, "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["employees"][0]["attainment"], "0.500005", "50000,50 of 100000,00");
    // --decimal on the command line wins over the recipe's.
    let (code, _, _) = run(&["--mapping", &recipe(r#", "decimal": "comma""#), "--decimal", "point"]);
    assert_eq!(code, 1);
}

#[test]
fn a_workbook_whose_sheets_all_lack_the_columns_names_its_other_sheets() {
    // The bundled HRIS export opens on a "Report Parameters" page; its workers are on another
    // sheet under HRIS headers. Unmapped, no sheet has the required columns: the first is read,
    // and the error names the others, so the user knows where the people are.
    let path = assets("hris_export.xlsx");
    let err = import_files(std::slice::from_ref(&path), &ImportOptions::default()).unwrap_err();
    let ImportError::MissingColumns { other_sheets, .. } = &err else { panic!("{err}") };
    assert_eq!(other_sheets, &["Workers".to_owned()]);
    assert!(
        err.to_string().ends_with(
            "; no other sheet of the workbook (\"Workers\") has them under these names either: choose the sheet with \
             --sheet and map its headers with --mapping"
        ),
        "{err}"
    );
    // The sheet named: the error is about that sheet alone.
    let named = ImportOptions { sheet: Some("Report Parameters".to_owned()), ..ImportOptions::default() };
    let err = import_files(std::slice::from_ref(&path), &named).unwrap_err();
    assert!(matches!(&err, ImportError::MissingColumns { other_sheets, .. } if other_sheets.is_empty()), "{err}");
}

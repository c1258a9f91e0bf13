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

fn bad_rows(result: Result<ImportReport, ImportError>) -> Vec<RowIssue> {
    match result {
        Err(ImportError::BadRows { issues }) => issues,
        Err(other) => panic!("expected bad rows, got {other}"),
        Ok(report) => panic!("expected bad rows, imported {} people", report.roster.employees.len()),
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

//! Roster import from messy real-world exports: one fixture per case in tests/fixtures/roster/
//! (written by make_fixtures.py there), plus generated files for the large cases.

// Test helpers unwrap: a failure there is a failed test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::str::FromStr;

use carrot::roster::{
    DecimalSeparator, Employee, HeaderMapping, ISSUE_LIST_CAP, ImportError, ImportOptions, ImportReport, MORE_ISSUES,
    RowIssue, import_files, import_reader, preview,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/roster").join(name)
}

/// The name messages use for a fixture.
fn shown(name: &str) -> String {
    fixture(name).display().to_string()
}

fn import_with(name: &str, options: &ImportOptions) -> Result<ImportReport, ImportError> {
    import_files(&[fixture(name)], options)
}

fn import(name: &str) -> ImportReport {
    match import_with(name, &ImportOptions::default()) {
        Ok(report) => report,
        Err(e) => panic!("{name} did not import: {e}"),
    }
}

fn skipping() -> ImportOptions {
    ImportOptions { skip_bad_rows: true, ..ImportOptions::default() }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn issue(file: &str, line: u64, column: &str, value: &str, reason: &str) -> RowIssue {
    RowIssue {
        file: file.to_string(),
        line,
        column: column.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
    }
}

fn bad_rows(result: Result<ImportReport, ImportError>) -> Vec<RowIssue> {
    match result {
        Err(ImportError::BadRows { issues }) => issues,
        Err(other) => panic!("expected bad rows, got {other}"),
        Ok(report) => panic!("expected bad rows, imported {:?}", report.roster),
    }
}

fn ids(report: &ImportReport) -> Vec<&str> {
    report.roster.employees.iter().map(|e| &*e.id).collect()
}

fn metric(report: &ImportReport, employee: &Employee, name: &str) -> Option<Decimal> {
    let index =
        report.roster.metric_index(name).unwrap_or_else(|| panic!("no metric {name} in {:?}", report.roster.metrics));
    employee.metric(index)
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn utf8_bom_does_not_break_the_first_header_and_accents_survive() {
    let report = import("utf8_bom.csv");
    let people = &report.roster.employees;
    assert_eq!(ids(&report), vec!["E001", "E002"]);
    assert_eq!(&*people[0].name, "Zoé Dupont");
    assert_eq!(&*people[1].name, "Jürgen Müller");
    assert_eq!(&*people[0].role, "sales", "role is lowercased");
    assert_eq!(&*people[0].team, "Paris");
    assert_eq!(people[0].base_salary, Some(dec("58000.00")));
    assert_eq!(report.roster.metrics, vec!["revenue"]);
    assert_eq!(metric(&report, &people[0], "revenue"), Some(dec("125000.50")));
    assert_eq!(metric(&report, &people[1], "revenue"), Some(Decimal::ZERO));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert_eq!(report.roster.sources, vec![shown("utf8_bom.csv")]);
}

#[test]
fn semicolon_files_use_decimal_commas_by_default() {
    let report = import("semicolon_decimal_comma.csv");
    let p = &report.roster.employees;
    assert_eq!(ids(&report), vec!["1", "2", "3"]);
    assert_eq!(p[0].base_salary, Some(dec("1234.50")));
    assert_eq!(p[0].quota, Some(dec("500000")));
    assert_eq!(metric(&report, &p[0], "revenue"), Some(dec("612345.67")));
    assert_eq!(metric(&report, &p[0], "attainment"), Some(dec("0.875")));
    assert_eq!(p[1].base_salary, Some(dec("45000.00")));
    assert_eq!(p[1].quota, Some(dec("1000000")));
    assert_eq!(metric(&report, &p[1], "revenue"), Some(dec("-1250.75")));
    assert_eq!(metric(&report, &p[1], "attainment"), Some(Decimal::ZERO), "a blank metric cell is 0");
    // No-break and narrow no-break spaces group thousands.
    assert_eq!(p[2].base_salary, Some(dec("45000.00")));
    assert_eq!(p[2].quota, None, "a blank optional money cell is None");
    assert_eq!(metric(&report, &p[2], "revenue"), Some(dec("12345.5")));
    assert_eq!(metric(&report, &p[2], "attainment"), Some(dec("1")));
}

#[test]
fn forcing_point_decimals_on_a_semicolon_file_reports_the_grouping() {
    let options = ImportOptions { decimal: DecimalSeparator::Point, ..ImportOptions::default() };
    let issues = bad_rows(import_with("semicolon_decimal_comma.csv", &options));
    assert_eq!(issues[0].line, 2);
    assert_eq!(issues[0].column, "base_salary");
    assert_eq!(issues[0].value, "1.234,50 €");
    assert!(issues[0].reason.contains("groups of 3"), "{}", issues[0].reason);
}

#[test]
fn tab_delimited_files_are_detected() {
    let report = import("tab_delimited.tsv");
    let p = &report.roster.employees;
    assert_eq!(ids(&report), vec!["T1", "T2"]);
    assert_eq!(&*p[0].team, "North, East");
    assert_eq!(&*p[1].team, "");
    assert_eq!(metric(&report, &p[0], "deals_closed"), Some(dec("12")));
    assert_eq!(metric(&report, &p[1], "deals_closed"), Some(dec("3")));
}

#[test]
fn crlf_line_endings_leave_no_carriage_returns_and_keep_line_numbers() {
    let report = import("crlf.csv");
    let p = &report.roster.employees;
    assert_eq!(ids(&report), vec!["C1", "C2"]);
    assert_eq!(&*p[0].name, "Ann");
    assert_eq!(p[1].quota, Some(dec("200")));
    assert_eq!(p[0].source.line, 2);
    assert_eq!(p[1].source.line, 4);
    assert_eq!(report.roster.location(p[1].source), format!("{}:4", shown("crlf.csv")));
}

#[test]
fn quoted_fields_keep_delimiters_quotes_and_newlines() {
    let report = import("quoted_fields.csv");
    let p = &report.roster.employees;
    assert_eq!(&*p[0].name, "Smith, John");
    assert_eq!(&*p[0].team, "Team \"A\"");
    assert_eq!(&*p[0].manager, "Line one\nline two");
    assert_eq!(&*p[1].name, "O'Brien, Mary");
    assert_eq!(&*p[1].role, "consultant");
    assert_eq!(p[1].source.line, 4, "the row after a two-line field starts on line 4");
}

#[test]
fn headers_in_other_case_spacing_and_punctuation_are_recognised() {
    let report = import("header_case.csv");
    let p = &report.roster.employees[0];
    assert_eq!(&*p.id, "H1");
    assert_eq!(&*p.name, "Ann Lee");
    assert_eq!(&*p.role, "sales");
    assert_eq!(p.base_salary, Some(dec("50000")));
    assert_eq!(p.target_incentive, Some(dec("10000")));
    assert_eq!(p.start_date, Some(date(2026, 1, 15)));
    assert_eq!(p.end_date, None);
    assert_eq!(report.roster.metrics, vec!["deals_closed", "revenue_prev_1"]);
    assert_eq!(metric(&report, p, "revenue_prev_1"), Some(dec("1000")));
}

#[test]
fn money_cells_in_every_export_form_parse_exactly() {
    let report = import("money_formats.csv");
    let p = &report.roster.employees;
    // M1: $ with grouping, plain, code prefix (naming the row's currency), negative, percent.
    assert_eq!(p[0].currency.as_deref(), Some("USD"));
    assert_eq!(p[0].base_salary, Some(dec("1234.50")));
    assert_eq!(p[0].target_incentive, Some(dec("1234.5")));
    assert_eq!(p[0].quota, Some(dec("1234.50")));
    assert_eq!(metric(&report, &p[0], "revenue"), Some(dec("-15000.00")));
    assert_eq!(metric(&report, &p[0], "commission_rate"), Some(dec("0.125")));
    // M2: £, code suffix, apostrophes, parentheses, leading +.
    assert_eq!(p[1].currency.as_deref(), Some("GBP"));
    assert_eq!(p[1].base_salary, Some(dec("1000")));
    assert_eq!(p[1].target_incentive, Some(dec("1234.50")));
    assert_eq!(p[1].quota, Some(dec("2500")));
    assert_eq!(metric(&report, &p[1], "revenue"), Some(dec("-1234.50")));
    assert_eq!(metric(&report, &p[1], "commission_rate"), Some(dec("5")));
    // M3: ¥, Excel scientific notation, blank, no-break space grouping, 100%.
    assert_eq!(p[2].base_salary, Some(dec("120000")));
    assert_eq!(p[2].target_incentive, Some(dec("1500000")));
    assert_eq!(p[2].quota, None);
    assert_eq!(metric(&report, &p[2], "revenue"), Some(dec("1000000")));
    assert_eq!(metric(&report, &p[2], "commission_rate"), Some(dec("1")));
    // M4: padded symbol, zero, narrow no-break space grouping, 1e2, 0.5%.
    assert_eq!(p[3].base_salary, Some(dec("7")));
    assert_eq!(p[3].target_incentive, Some(Decimal::ZERO));
    assert_eq!(p[3].quota, Some(dec("1234.50")));
    assert_eq!(metric(&report, &p[3], "revenue"), Some(dec("100")));
    assert_eq!(metric(&report, &p[3], "commission_rate"), Some(dec("0.005")));
    // M5: CHF by code and by its symbol Fr.
    assert_eq!(p[4].currency.as_deref(), Some("CHF"));
    assert_eq!((p[4].base_salary, p[4].quota), (Some(dec("1000")), Some(dec("2500"))));
    // Symbols several currencies use name none: the plan's currency is checked against them.
    let symbol = |i: usize| p[i].currency_symbol.as_ref().map(|s| (s.symbol.symbol, &*s.column));
    assert_eq!((p[2].currency.as_deref(), symbol(2)), (None, Some(("¥", "base_salary"))));
    assert_eq!((p[3].currency.as_deref(), symbol(3)), (None, Some(("$", "base_salary"))));
    assert_eq!(symbol(0), None, "`$` beside USD is USD");
}

#[test]
fn windows_1252_files_are_decoded_with_a_warning() {
    let report = import("windows1252.csv");
    let p = &report.roster.employees;
    assert_eq!(&*p[0].name, "Zoé François");
    assert_eq!(p[0].base_salary, Some(dec("1000.00")), "€ is byte 0x80");
    assert_eq!(&*p[0].team, "Café");
    assert_eq!(&*p[1].name, "Renée Müller");
    assert_eq!(&*p[1].team, "“Quoted”");
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(
        report.warnings[0].starts_with(&format!("{} was not UTF-8; decoded as Windows-1252", shown("windows1252.csv"))),
        "{}",
        report.warnings[0]
    );
}

#[test]
fn a_file_mixing_utf8_and_windows_1252_rows_reads_each_row_as_written() {
    // Valid UTF-8 "é" first, then a lone Windows-1252 "é": each row is decoded as what it is
    // (this used to read the whole file as Windows-1252, turning "Zoé" into "ZoÃ©").
    let bytes = b"employee_id,name,role\n1,Zo\xc3\xa9,sales\n2,Ren\xe9,sales\n3,\xc5se,sales\n";
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "mixed.csv", bytes);
    let from_file = import_files(&[path], &ImportOptions::default()).unwrap();
    let from_reader = import_reader("mixed.csv", &bytes[..], &ImportOptions::default()).unwrap();
    for report in [&from_file, &from_reader] {
        let names: Vec<&str> = report.roster.employees.iter().map(|e| &*e.name).collect();
        assert_eq!(names, vec!["Zoé", "René", "Åse"]);
        assert!(
            report.warnings[0].ends_with(
                "mixes encodings: 2 line(s) are not UTF-8 (the first is line 3) and were decoded as \
                 Windows-1252, while the other lines are UTF-8 (e.g. line 2); check the accented names on \
                 those lines, or export the file as UTF-8"
            ),
            "{}",
            report.warnings[0]
        );
    }
}

#[test]
fn a_row_mixing_utf8_and_windows_1252_is_refused_by_line() {
    let bytes = b"employee_id,name,role\n1,Zo\xc3\xa9,sales\n2,Ren\xe9 Zo\xc3\xa9,sales\n";
    match import_reader("mixed.csv", &bytes[..], &ImportOptions::default()) {
        Err(ImportError::Malformed { line, reason, .. }) => {
            assert_eq!(line, 3);
            assert!(reason.starts_with("this line mixes UTF-8 characters with bytes that are not UTF-8"), "{reason}");
        }
        other => panic!("expected the line to be refused, got {other:?}"),
    }
}

#[test]
fn utf16_files_with_a_bom_are_decoded_with_a_warning() {
    let report = import("utf16.csv");
    let p = &report.roster.employees;
    assert_eq!(ids(&report), vec!["U1", "U2"]);
    assert_eq!(&*p[0].name, "Łukasz Nowak");
    assert_eq!(&*p[1].name, "山田 太郎");
    assert_eq!(metric(&report, &p[1], "revenue"), Some(dec("2.5")));
    assert_eq!(report.warnings, vec![format!("{} is UTF-16 (little-endian); decoded it", shown("utf16.csv"))]);
}

#[test]
fn a_configured_date_format_reads_day_first_dates_and_iso_still_works() {
    let options = ImportOptions { date_format: Some("%d/%m/%Y".to_string()), ..ImportOptions::default() };
    let report = import_with("date_format.csv", &options).unwrap();
    let p = &report.roster.employees;
    assert_eq!(p[0].start_date, Some(date(2026, 3, 1)));
    assert_eq!(p[0].end_date, Some(date(2026, 12, 31)));
    assert_eq!(p[1].start_date, Some(date(2026, 2, 1)));
    assert_eq!(p[1].end_date, None);
}

#[test]
fn dates_that_are_not_iso_without_a_format_say_what_was_expected() {
    let issues = bad_rows(import_with("date_format.csv", &ImportOptions::default()));
    let file = shown("date_format.csv");
    // The message names the common formats that read the cell.
    let either = "not a date; expected YYYY-MM-DD (like 2026-01-31), or set the date format (--date-format) the file \
                  uses: %d/%m/%Y or %m/%d/%Y read it";
    let day_first = "not a date; expected YYYY-MM-DD (like 2026-01-31), or set the date format (--date-format) to %d/%m/%Y, which reads it";
    assert_eq!(
        issues,
        vec![issue(&file, 2, "start_date", "01/03/2026", either), issue(&file, 2, "end_date", "31/12/2026", day_first),]
    );
}

#[test]
fn an_invalid_date_format_option_is_refused() {
    let options = ImportOptions { date_format: Some("%Q".to_string()), ..ImportOptions::default() };
    match import_with("date_format.csv", &options) {
        Err(ImportError::BadOptions { reason }) => assert!(reason.contains("%Q"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn blank_lines_are_skipped_and_line_numbers_stay_physical() {
    let report = import("blank_lines.csv");
    let lines: Vec<u64> = report.roster.employees.iter().map(|e| e.source.line).collect();
    assert_eq!(ids(&report), vec!["B1", "B2"]);
    assert_eq!(lines, vec![4, 7]);
}

fn mapping_from_json() -> HeaderMapping {
    let text = std::fs::read_to_string(fixture("mapping.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn a_header_mapping_renames_entirely_different_headers() {
    let options = ImportOptions { mapping: mapping_from_json(), ..ImportOptions::default() };
    let report = import_with("mapping.csv", &options).unwrap();
    let p = &report.roster.employees[0];
    assert_eq!(&*p.id, "W-17");
    assert_eq!(&*p.name, "Grace Hopper");
    assert_eq!(&*p.role, "sales");
    assert_eq!(&*p.team, "Navy");
    assert_eq!(&*p.manager, "Nimitz", "`line manager` matched `Line Manager` after normalising");
    assert_eq!(p.base_salary, Some(dec("90000")));
    assert_eq!(p.target_incentive, Some(dec("20000")));
    assert_eq!(p.quota, Some(dec("400000")));
    assert_eq!(p.start_date, Some(date(2025, 6, 1)));
    assert_eq!(report.roster.metrics, vec!["revenue", "discovery_interviews"]);
    assert_eq!(metric(&report, p, "discovery_interviews"), Some(dec("9")));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn without_the_mapping_the_required_columns_are_reported_missing() {
    match import_with("mapping.csv", &ImportOptions::default()) {
        Err(ImportError::MissingColumns { missing, found, .. }) => {
            assert_eq!(missing, vec!["employee_id", "name", "role"]);
            assert_eq!(found[0], "worker_number");
            assert_eq!(found.len(), 12);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_mapping_target_that_is_not_a_column_name_is_refused() {
    let mut mapping = HeaderMapping::default();
    mapping.0.insert("Worker Number".to_string(), "Employee ID".to_string());
    let options = ImportOptions { mapping, ..ImportOptions::default() };
    match import_with("mapping.csv", &options) {
        Err(ImportError::BadOptions { reason }) => {
            assert!(reason.contains("did you mean `employee_id`?"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_mapping_entry_matching_no_header_is_a_warning() {
    let mut mapping = HeaderMapping::default();
    mapping.0.insert("Staff No".to_string(), "employee_id".to_string());
    let options = ImportOptions { mapping, ..ImportOptions::default() };
    let report = import_with("leading_zero_ids.csv", &options).unwrap();
    assert_eq!(report.warnings, vec!["column mapping: no file has a header `Staff No`; that entry was not used"]);
}

#[test]
fn two_headers_meaning_the_same_column_are_an_error_naming_both() {
    let csv = "Employee ID,EMPLOYEE-ID,name,role\n1,2,Ann,sales\n";
    let err = import_reader("dup_header.csv", csv.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "dup_header.csv: headers `Employee ID` and `EMPLOYEE-ID` both mean column `employee_id`; \
         rename or remove one of them (or pass --mapping)"
    );
}

#[test]
fn leading_zeros_in_ids_survive() {
    let report = import("leading_zero_ids.csv");
    assert_eq!(ids(&report), vec!["000417", "0042"]);
}

#[test]
fn a_duplicate_id_across_files_names_both_places() {
    let paths = [fixture("duplicate_across_a.csv"), fixture("duplicate_across_b.csv")];
    let issues = bad_rows(import_files(&paths, &ImportOptions::default()));
    assert_eq!(
        issues,
        vec![issue(
            &shown("duplicate_across_b.csv"),
            2,
            "employee_id",
            "000417",
            &format!("duplicate employee_id: also at {}:3", shown("duplicate_across_a.csv")),
        )]
    );
    let report = import_files(&paths, &skipping()).unwrap();
    assert_eq!(ids(&report), vec!["A1", "000417", "B2"]);
    assert_eq!(&*report.roster.employees[1].name, "Bob", "the first one is kept");
    assert_eq!(report.skipped.len(), 1);
}

#[test]
fn a_duplicate_id_within_a_file_names_both_lines() {
    let file = shown("duplicate_within.csv");
    let issues = bad_rows(import_with("duplicate_within.csv", &ImportOptions::default()));
    assert_eq!(
        issues,
        vec![issue(&file, 4, "employee_id", "X1", &format!("duplicate employee_id: also at {file}:2"),)]
    );
}

#[test]
fn every_bad_cell_is_reported_with_file_line_column_value_and_reason() {
    let file = shown("bad_cells.csv");
    let issues = bad_rows(import_with("bad_cells.csv", &ImportOptions::default()));
    let expected = vec![
        issue(&file, 3, "name", "", "must not be blank"),
        issue(&file, 3, "currency", "ABC", "not a known ISO 4217 currency code; use a 3-letter code like EUR or USD"),
        issue(&file, 3, "base_salary", "abc", "not a number"),
        issue(
            &file,
            3,
            "quota",
            "1,23.5",
            "not a number: the thousands separator `,` must sit between groups of 3 digits \
             (decimal point is in use; if this file uses a decimal comma, set the decimal \
             separator option)",
        ),
        issue(&file, 3, "start_date", "2026-13-01", "no such day in the calendar"),
        issue(
            &file,
            4,
            "base_salary",
            "1e30",
            "number too large: at most 28 significant digits fit (check the cell for a \
             misplaced exponent or pasted digits)",
        ),
        issue(&file, 4, "quota", "-5", "must not be negative"),
        issue(&file, 4, "end_date", "2026-04-01", "end_date 2026-04-01 is before start_date 2026-05-01"),
        issue(&file, 4, "revenue", "N/A", "not a number (metric columns hold numbers; leave the cell empty for 0)"),
    ];
    assert_eq!(issues, expected);
}

#[test]
fn the_bad_rows_error_message_lists_each_issue() {
    let err = import_with("bad_cells.csv", &ImportOptions::default()).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("9 bad cell(s); nothing was imported (use --skip-bad-rows to import the rest):"),
        "{text}"
    );
    assert!(
        text.contains(&format!("\n  {}:4: column quota: \"-5\": must not be negative", shown("bad_cells.csv"))),
        "{text}"
    );
}

#[test]
fn skipping_bad_rows_imports_the_good_ones_and_lists_the_rest() {
    let report = import_with("bad_cells.csv", &skipping()).unwrap();
    assert_eq!(ids(&report), vec!["G1"]);
    assert_eq!(report.roster.employees[0].currency.as_deref(), Some("EUR"));
    assert_eq!(report.skipped.len(), 9);
    assert_eq!(report.skipped.iter().map(|i| i.line).collect::<Vec<_>>(), vec![3, 3, 3, 3, 3, 4, 4, 4, 4]);
}

#[test]
fn a_row_whose_only_problem_is_a_metric_cell_is_skipped_too() {
    let csv = "employee_id,name,role,revenue\n1,Ann,sales,10\n2,Bob,sales,lots\n3,Cy,sales,30\n";
    let report = import_reader("m.csv", csv.as_bytes(), &skipping()).unwrap();
    assert_eq!(ids(&report), vec!["1", "3"]);
    assert_eq!(
        report.skipped,
        vec![issue(
            "m.csv",
            3,
            "revenue",
            "lots",
            "not a number (metric columns hold numbers; leave the cell empty for 0)"
        )]
    );
}

#[test]
fn currency_codes_are_uppercased() {
    let csv = "employee_id,name,role,currency\n1,Ann,sales,gbp\n2,Bob,sales,\n";
    let report = import_reader("c.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(report.roster.employees[0].currency.as_deref(), Some("GBP"));
    assert_eq!(report.roster.employees[1].currency, None);
}

#[test]
fn ragged_rows_name_the_field_counts() {
    let file = shown("ragged.csv");
    let issues = bad_rows(import_with("ragged.csv", &ImportOptions::default()));
    assert_eq!(
        issues,
        vec![
            issue(
                &file,
                3,
                "(row)",
                "R2,Bob,sales",
                "the row has 3 fields but the header has 4; quote values that contain the \
                 delimiter (`,`)"
            ),
            issue(
                &file,
                4,
                "(row)",
                "R3,Cy,sales,1,000",
                "the row has 5 fields but the header has 4; quote values that contain the \
                 delimiter (`,`)"
            ),
        ]
    );
}

#[test]
fn missing_required_columns_name_them_and_the_headers_found() {
    let err = import_with("missing_columns.csv", &ImportOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}: missing required column(s) employee_id, name, role; found id, full_name, team. \
             These headers look like Carrot's columns: \"id\" → employee_id, \"full_name\" → name; if they \
             are, pass --mapping with a JSON file holding {{\"id\": \"employee_id\", \"full_name\": \"name\"}}, \
             or rename the headers",
            shown("missing_columns.csv")
        )
    );
    // Nothing looks like them: only the general advice.
    let err = import_reader("x.csv", &b"code,who,team\nA1,Ada,X\n"[..], &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().ends_with("found code, who, team. Rename the headers or pass --mapping"), "{err}");
}

/// An HRIS export's headers (Workday's here): the required ones are named in the error with
/// the mapping that reads them; once mapped, a column that looks like one of Carrot's optional
/// columns and is left as a metric is warned about, naming the mapping, never read silently
/// as something else (a `Termination Date` left unread pays a leaver the whole period).
#[test]
fn headers_that_look_like_carrots_columns_are_named_with_the_mapping_that_reads_them() {
    let csv = "Worker ID,Worker,Job Profile,Pay Currency,Target Bonus,Quota,Hire Date,Termination Date,revenue\n\
               W1,Ada Lovelace,sales,EUR,10000,100000,2020-01-06,2026-08-14,90000\n\
               W2,Alan Turing,sales,EUR,10000,100000,2021-03-01,,120000\n";
    let err = import_reader("workers.csv", csv.as_bytes(), &ImportOptions::default()).unwrap_err().to_string();
    assert!(
        err.contains(
            "{\"Worker ID\": \"employee_id\", \"Worker\": \"name\", \"Job Profile\": \"role\", \"Pay Currency\": \
             \"currency\", \"Target Bonus\": \"target_incentive\", \"Hire Date\": \"start_date\", \"Termination Date\": \
             \"end_date\"}"
        ),
        "{err}"
    );
    let mut mapping = indexmap::IndexMap::new();
    for (from, to) in [("Worker ID", "employee_id"), ("Worker", "name"), ("Job Profile", "role")] {
        mapping.insert(from.to_owned(), to.to_owned());
    }
    let options = ImportOptions { mapping: carrot::roster::HeaderMapping(mapping.clone()), ..ImportOptions::default() };
    let report = import_reader("workers.csv", csv.as_bytes(), &options).unwrap();
    let about = |header: &str| report.warnings.iter().filter(|w| w.contains(header)).cloned().collect::<Vec<_>>();
    assert_eq!(
        about("Termination Date"),
        ["workers.csv: column \"Termination Date\" looks like Carrot's `end_date`, which the file does not have, so \
          nobody's end date is read from it; if it is, map it: --mapping {\"Termination Date\": \"end_date\"} (or \
          choose `end_date` for it in the import step)"],
        "one warning, not also one for a text column left out"
    );
    assert_eq!(about("Hire Date").len(), 1);
    assert_eq!(about("Target Bonus").len(), 1, "a column of numbers too");
    assert!(report.roster.employees.iter().all(|e| e.end_date.is_none()));
    // Mapped, they are read, and nothing is said.
    mapping.insert("Termination Date".to_owned(), "end_date".to_owned());
    mapping.insert("Hire Date".to_owned(), "start_date".to_owned());
    let options = ImportOptions { mapping: carrot::roster::HeaderMapping(mapping), ..ImportOptions::default() };
    let report = import_reader("workers.csv", csv.as_bytes(), &options).unwrap();
    assert!(about_none(&report.warnings, &["Termination Date", "Hire Date"]), "{:?}", report.warnings);
    assert_eq!(report.roster.employees[0].end_date, chrono::NaiveDate::from_ymd_opt(2026, 8, 14));
}

fn about_none(warnings: &[String], headers: &[&str]) -> bool {
    !warnings.iter().any(|w| headers.iter().any(|h| w.contains(h)))
}

#[test]
fn an_empty_file_is_empty() {
    let err = import_with("empty.csv", &ImportOptions::default()).unwrap_err();
    assert!(matches!(&err, ImportError::Empty { file } if *file == shown("empty.csv")), "{err:?}");
    for bytes in [&b"\xEF\xBB\xBF"[..], b"  \r\n\n\t\n", b"\xEF\xBB\xBF\n \n"] {
        let err = import_reader("blank.csv", bytes, &ImportOptions::default()).unwrap_err();
        assert!(matches!(err, ImportError::Empty { .. }), "{bytes:?}: {err:?}");
    }
}

#[test]
fn a_header_without_rows_is_header_only() {
    let err = import_with("header_only.csv", &ImportOptions::default()).unwrap_err();
    assert_eq!(err.to_string(), format!("{}: the file has a header row but no people", shown("header_only.csv")));
}

#[test]
fn text_columns_are_ignored_with_a_warning_and_are_not_errors() {
    let report = import("text_column.csv");
    assert_eq!(report.roster.metrics, vec!["revenue"]);
    let p = &report.roster.employees;
    assert_eq!(metric(&report, &p[1], "revenue"), Some(Decimal::ZERO));
    assert_eq!(p[0].metrics.len(), 1);
    // `email` is a roster column (metrics and deals can join on it), kept as text.
    assert_eq!(p[0].email().map(|m| &**m), Some("ann@example.com"));
    let file = shown("text_column.csv");
    assert_eq!(
        report.warnings,
        vec![format!(
            "{file}: column `region` is text; ignored (2 of 3 values are not numbers: line 2 \"North\", \
                 line 3 \"South\")"
        ),]
    );
}

#[test]
fn a_mostly_numeric_column_reports_its_text_cells() {
    let csv = "employee_id,name,role,deals\n1,A,sales,1\n2,B,sales,two\n3,C,sales,3\n";
    let issues = bad_rows(import_reader("d.csv", csv.as_bytes(), &ImportOptions::default()));
    assert_eq!(issues.len(), 1);
    assert_eq!((issues[0].line, issues[0].column.as_str()), (3, "deals"));
}

fn huge_field_file(dir: &tempfile::TempDir, closed: bool) -> PathBuf {
    let mut bytes = b"employee_id,name,role,team\nH1,Ann,sales,ok\nH2,Bob,sales,\"".to_vec();
    bytes.extend(std::iter::repeat_n(b'x', 10 * 1024 * 1024));
    if closed {
        bytes.extend(b"\"\nH3,Cy,sales,fine\n");
    }
    temp_file(dir, "huge_field.csv", &bytes)
}

#[test]
fn a_huge_field_is_a_row_error_not_a_memory_blowup() {
    let dir = tempfile::tempdir().unwrap();
    let path = huge_field_file(&dir, true);
    let file = path.display().to_string();
    let issues = bad_rows(import_files(std::slice::from_ref(&path), &ImportOptions::default()));
    assert_eq!(issues.len(), 1);
    assert_eq!((issues[0].file.as_str(), issues[0].line), (file.as_str(), 3));
    assert_eq!(issues[0].column, "team");
    assert_eq!(issues[0].reason, "field is 10485760 bytes long (limit 65536); is a closing quote missing?");
    assert!(issues[0].value.starts_with("xxxx") && issues[0].value.len() < 300);
    let report = import_files(&[path], &skipping()).unwrap();
    assert_eq!(ids(&report), vec!["H1", "H3"]);
}

#[test]
fn an_unclosed_quote_swallowing_the_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = huge_field_file(&dir, false);
    // Even with --skip-bad-rows: nothing after the quote can be told apart into rows.
    for options in [ImportOptions::default(), skipping()] {
        match import_files(std::slice::from_ref(&path), &options) {
            Err(ImportError::UnterminatedQuote { line, column, start, .. }) => {
                assert_eq!((line, column.as_str()), (3, "column team"));
                assert_eq!(start, format!("{}…", "x".repeat(40)));
            }
            other => panic!("expected an unterminated quote, got {other:?}"),
        }
    }
}

#[test]
fn negative_quota_is_refused_but_negative_metrics_are_kept() {
    let file = shown("negative_quota.csv");
    let issues = bad_rows(import_with("negative_quota.csv", &ImportOptions::default()));
    assert_eq!(issues, vec![issue(&file, 2, "quota", "-500000", "must not be negative")]);
    let report = import_with("negative_quota.csv", &skipping()).unwrap();
    assert_eq!(ids(&report), vec!["N2"]);
    let p = &report.roster.employees[0];
    assert_eq!(metric(&report, p, "revenue"), Some(dec("-2500")));
}

#[test]
fn formula_looking_names_import_unchanged() {
    let report = import("formula_names.csv");
    let p = &report.roster.employees;
    assert_eq!(&*p[0].name, "=HYPERLINK(\"http://x\",\"click\")");
    assert_eq!(&*p[0].team, "+team");
    assert_eq!(&*p[1].name, "@SUM(A1)");
    assert_eq!(&*p[1].team, "-ops");
}

#[test]
fn merged_files_union_metrics_in_first_seen_order_with_none_where_absent() {
    let paths = [fixture("merge_sales.csv"), fixture("merge_consultants.csv")];
    let report = import_files(&paths, &ImportOptions::default()).unwrap();
    let roster = &report.roster;
    assert_eq!(roster.metrics, vec!["revenue", "deals_closed", "billable_hours"]);
    assert_eq!(roster.sources, vec![shown("merge_sales.csv"), shown("merge_consultants.csv")]);
    let sales = &roster.employees[0];
    let consultant = &roster.employees[1];
    assert_eq!(sales.metrics, vec![Some(dec("1000")), Some(dec("2")), None]);
    assert_eq!(consultant.metrics, vec![None, Some(dec("1")), Some(dec("120.5"))]);
    assert_eq!((sales.source.file, consultant.source.file), (0, 1));
    assert_eq!(roster.location(consultant.source), format!("{}:2", shown("merge_consultants.csv")));
}

#[test]
fn issues_from_several_files_come_in_file_then_line_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = temp_file(&dir, "a.csv", b"employee_id,name,role,quota\n1,A,sales,x\n2,,sales,1\n");
    let b = temp_file(&dir, "b.csv", b"employee_id,name,role\n3,,sales\n");
    let issues = bad_rows(import_files(&[a.clone(), b.clone()], &ImportOptions::default()));
    let places: Vec<(String, u64, &str)> = issues.iter().map(|i| (i.file.clone(), i.line, i.column.as_str())).collect();
    let (a, b) = (a.display().to_string(), b.display().to_string());
    assert_eq!(places, vec![(a.clone(), 2, "quota"), (a, 3, "name"), (b, 2, "name")]);
}

#[test]
fn a_flood_of_bad_cells_is_capped_with_a_summary() {
    let mut csv = String::from("employee_id,name,role,quota\n");
    for i in 0..1500 {
        csv.push_str(&format!("{i},Name,sales,-1\n"));
    }
    let err = import_reader("many.csv", csv.as_bytes(), &ImportOptions::default()).unwrap_err();
    assert!(err.to_string().starts_with("1500 bad cell(s)"), "{}", &err.to_string()[..80]);
    let issues = bad_rows(Err(err));
    assert_eq!(issues.len(), ISSUE_LIST_CAP + 1);
    assert_eq!(issues[ISSUE_LIST_CAP - 1].line, 1001);
    let summary = &issues[ISSUE_LIST_CAP];
    assert_eq!(summary.column, MORE_ISSUES);
    assert_eq!(summary.value, "500");
    assert_eq!(summary.line, 1002, "the summary points at the first one not listed");
    // Skipping lists them all.
    let report = import_reader("many.csv", csv.as_bytes(), &skipping()).unwrap();
    assert_eq!(report.skipped.len(), 1500);
    assert!(report.roster.employees.is_empty());
}

#[test]
fn a_workbook_saved_as_csv_by_mistake_is_named() {
    let err = import_reader("roster.csv", &b"PK\x03\x04\x14\x00\x06\x00"[..], &ImportOptions::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "roster.csv:1: this looks like an Excel workbook (.xlsx) or another zip archive; save it \
         as CSV first"
    );
}

#[test]
fn a_forced_delimiter_overrides_detection() {
    // The header has more commas than semicolons, but the file is `;`-delimited.
    let csv = "employee_id;name;role;note (a, b, c, d, e)\n1;Ann;sales;5\n";
    let options = ImportOptions { delimiter: Some(b';'), ..ImportOptions::default() };
    let report = import_reader("f.csv", csv.as_bytes(), &options).unwrap();
    assert_eq!(report.roster.metrics, vec!["note_a_b_c_d_e"]);
    assert!(import_reader("f.csv", csv.as_bytes(), &ImportOptions::default()).is_err());
}

#[test]
fn preview_shows_headers_mapped_names_rows_delimiter_and_missing_columns() {
    let options = ImportOptions { mapping: mapping_from_json(), ..ImportOptions::default() };
    let p = preview(&fixture("mapping.csv"), &options, 5).unwrap();
    assert_eq!(p.headers[0], "Worker Number");
    assert_eq!(p.mapped[0].as_deref(), Some("employee_id"));
    assert_eq!(p.mapped[11].as_deref(), Some("discovery_interviews"));
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0][1], "Grace Hopper");
    assert_eq!(p.delimiter, b',');
    assert!(p.missing.is_empty());

    let p = preview(&fixture("mapping.csv"), &ImportOptions::default(), 5).unwrap();
    assert_eq!(p.mapped[0].as_deref(), Some("worker_number"));
    assert_eq!(p.missing, vec!["employee_id", "name", "role"]);

    let p = preview(&fixture("semicolon_decimal_comma.csv"), &ImportOptions::default(), 2).unwrap();
    assert_eq!(p.delimiter, b';');
    assert_eq!(p.rows.len(), 2, "only the rows asked for");
    assert_eq!(p.rows[0][3], "1.234,50 €");

    let p = preview(&fixture("windows1252.csv"), &ImportOptions::default(), 5).unwrap();
    assert_eq!(p.rows[0][1], "Zoé François");
    assert_eq!(p.warnings.len(), 1);
}

#[test]
fn preview_of_an_empty_file_is_an_error() {
    assert!(matches!(preview(&fixture("empty.csv"), &ImportOptions::default(), 5), Err(ImportError::Empty { .. })));
}

#[test]
fn a_missing_file_is_an_io_error_naming_it() {
    let err = import_files(&[fixture("no_such_file.csv")], &ImportOptions::default()).unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }));
    assert!(err.to_string().contains("no_such_file.csv"), "{err}");
}

/// Bytes that look a little like CSV, to reach deeper than random noise does.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        &b"employee_id"[..],
        b"name",
        b"role",
        b"quota",
        b"start_date",
        b"end_date",
        b"currency",
        b"revenue",
        b",",
        b";",
        b"\t",
        b"\"",
        b"\n",
        b"\r\n",
        b" ",
        b"1",
        b"-1,234.5",
        b"(3)",
        b"1e30",
        b"12%",
        b"2026-01-31",
        b"EUR",
        b"\xE9",
        b"\xC3\xA9",
        b"\xEF\xBB\xBF",
        b"\xFF\xFE",
        b"\x00",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = import_reader("fuzz.csv", &bytes[..], &ImportOptions::default());
        let _ = import_reader("fuzz.csv", &bytes[..], &skipping());
    }

    #[test]
    fn csv_like_bytes_never_panic(bytes in csvish(), skip in any::<bool>(), comma in any::<bool>()) {
        let options = ImportOptions {
            skip_bad_rows: skip,
            decimal: if comma { DecimalSeparator::Comma } else { DecimalSeparator::Auto },
            date_format: Some("%d/%m/%Y".to_string()),
            ..ImportOptions::default()
        };
        if let Ok(report) = import_reader("fuzz.csv", &bytes[..], &options) {
            // Whatever imported is consistent.
            for e in &report.roster.employees {
                prop_assert_eq!(e.metrics.len(), report.roster.metrics.len());
                prop_assert!(!e.id.is_empty());
            }
        }
    }
}

/// A generated roster of `rows` people with 25 columns (about 200 bytes a row).
fn generated_roster(rows: usize) -> Vec<u8> {
    let mut out = String::from(
        "employee_id,name,role,team,manager,currency,base_salary,target_incentive,quota,\
         start_date,end_date,revenue,deals_closed,discovery_interviews,early_access_signups,\
         roadmap_insights,survey_responses,core_user_relationships,billable_hours,\
         internal_hours,internal_contributions,capacity_hours,revenue_prev_1,revenue_prev_2,\
         email\n",
    );
    for i in 0..rows {
        let role = if i % 3 == 0 { "consultant" } else { "sales" };
        out.push_str(&format!(
            "{i:06},Person Number {i},{role},Team {},Manager {},EUR,\"{},{:03}.00\",{}.50,\
             {}000,2025-{:02}-{:02},,{}.{:02},{},{},{},{},{},{},{}.5,{},{},1800,{}.00,{}.00,\
             person{i}@example.com\n",
            i % 40,
            i % 200,
            50 + i % 90,
            i % 1000,
            10_000 + i % 5000,
            300 + i % 700,
            1 + i % 12,
            1 + i % 28,
            i * 37 % 900_000,
            i % 100,
            i % 30,
            i % 25,
            i % 10,
            i % 7,
            i % 50,
            i % 20,
            i % 1600,
            i % 300,
            i % 15,
            i * 31 % 800_000,
            i * 29 % 700_000,
        ));
    }
    out.into_bytes()
}

#[test]
fn a_generated_roster_imports_every_row_exactly() {
    let bytes = generated_roster(2000);
    let report = import_reader("gen.csv", &bytes[..], &ImportOptions::default()).unwrap();
    assert_eq!(report.roster.employees.len(), 2000);
    assert_eq!(report.roster.metrics.len(), 13, "email is a text column");
    let p = &report.roster.employees[1234];
    assert_eq!(&*p.id, "001234");
    assert_eq!(p.base_salary, Some(dec("114234.00")));
    assert_eq!(p.source.line, 1236);
}

#[test]
#[ignore = "performance: cargo test --release --no-default-features --test import -- --ignored --nocapture"]
fn importing_100k_rows_takes_well_under_a_second_in_release() {
    let bytes = generated_roster(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = temp_file(&dir, "big.csv", &bytes);
    let start = std::time::Instant::now();
    let report = import_files(&[path], &ImportOptions::default()).unwrap();
    let elapsed = start.elapsed();
    assert_eq!(report.roster.employees.len(), 100_000);
    let mb = bytes.len() as f64 / 1e6;
    let rate = mb / elapsed.as_secs_f64();
    eprintln!("imported {mb:.1} MB, 100000 rows in {elapsed:?}: {rate:.0} MB/s");
    if !cfg!(debug_assertions) {
        assert!(elapsed.as_secs_f64() < 1.0, "{elapsed:?}");
    }
}

/// A plan in `currency` paying 10% of revenue to sales, with `fx` rates.
fn revenue_plan(currency: &str, fx: &str) -> carrot::plan::Plan {
    let text = format!(
        r#"{{"schema": 1, "name": "P", "currency": "{currency}", "fx": {{{fx}}},
            "period": {{"start": "2026-01-01", "end": "2026-03-31"}},
            "tracks": {{"sales": {{"components": [{{"kind": "commission", "id": "c", "earning_code": "C",
              "basis": "amount", "tiers": [{{"from": 0, "rate": 0.1}}]}}]}}}}}}"#
    );
    carrot::plan::parse(&text).unwrap()
}

#[test]
fn a_cell_in_another_currency_than_its_row_is_refused_with_the_cell_named() {
    let csv = "employee_id,name,role,currency,quota,revenue\n\
               1,Ann,sales,GBP,100000,100000 USD\n\
               2,Bob,sales,EUR,100000,\"¥5,000,000\"\n\
               3,Cy,sales,EUR,100000,12%\n\
               4,Di,sales,,100000 GBP,50000 USD\n\
               5,Ed,sales,,\"$100,000\",90000 kr\n\
               6,Fay,sales,,\"$100,000\",\"€ 5\"\n\
               7,Gus,sales,USD,\"$100,000\",\"US$ 5\"\n";
    let issues = bad_rows(import_reader("c.csv", csv.as_bytes(), &ImportOptions::default()));
    let got: Vec<(u64, &str, &str, &str)> =
        issues.iter().map(|i| (i.line, i.column.as_str(), i.value.as_str(), i.reason.as_str())).collect();
    assert_eq!(
        got,
        [
            (
                2,
                "revenue",
                "100000 USD",
                "the amount is in USD but the row's currency column says GBP; write it in GBP or correct the \
                 currency column"
            ),
            (
                3,
                "revenue",
                "¥5,000,000",
                "`¥` stands for JPY or CNY, but the row's currency column says EUR; write the amount in EUR with \
                 its code (e.g. `100 EUR`)"
            ),
            (
                4,
                "revenue",
                "12%",
                "a percentage is not an amount of money; write the amount itself (e.g. 12000), without %"
            ),
            (
                5,
                "revenue",
                "50000 USD",
                "the amount is in USD but column quota of this row is in GBP; a row's amounts must all be in one \
                 currency"
            ),
            (
                6,
                "revenue",
                "90000 kr",
                "`kr` and the `$` of column quota cannot be one currency; write the currency code in the cells \
                 (e.g. `100 SEK`) or add a currency column"
            ),
            (
                7,
                "quota",
                "$100,000",
                "`$` stands for USD, CAD, AUD, NZD or 23 other currencies, but column revenue of this row is in \
                 EUR; write the amount in EUR with its code (e.g. `100 EUR`)"
            ),
        ]
    );
}

#[test]
fn a_percent_is_refused_in_money_columns_and_read_as_a_share_in_other_metrics() {
    for column in ["base_salary", "target_incentive", "quota", "revenue"] {
        let csv = format!("employee_id,name,role,{column}\n1,Ann,sales,12%\n");
        let issues = bad_rows(import_reader("p.csv", csv.as_bytes(), &ImportOptions::default()));
        assert_eq!(issues.len(), 1, "{column}");
        assert!(issues[0].reason.starts_with("a percentage is not an amount of money"), "{column}: {issues:?}");
    }
    let report =
        import_reader("p.csv", &b"employee_id,name,role,win_rate\n1,Ann,sales,12%\n"[..], &ImportOptions::default())
            .unwrap();
    assert_eq!(metric(&report, &report.roster.employees[0], "win_rate"), Some(dec("0.12")));
}

#[test]
fn codes_in_cells_name_the_row_currency_and_convert_with_the_plan_fx() {
    // No currency column: `100000 USD` makes the row USD, converted at 0.5 EUR per USD like a
    // currency column would be (it used to be read as 100,000 EUR).
    let csv = "employee_id,name,role,revenue\n1,Ann,sales,100000 USD\n2,Bob,sales,\"€ 1,000\"\n3,Cy,sales,1000\n";
    let report = import_reader("c.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    let currencies: Vec<Option<&str>> = report.roster.employees.iter().map(|e| e.currency.as_deref()).collect();
    assert_eq!(currencies, [Some("USD"), Some("EUR"), None]);
    let plan = revenue_plan("EUR", r#""USD": 0.5"#);
    let payouts = carrot::engine::compute(&plan, &report.roster, carrot::engine::Detail::AmountsOnly).unwrap();
    let totals: Vec<Decimal> = payouts.employees.iter().map(|e| e.total).collect();
    assert_eq!(totals, [dec("5000"), dec("100"), dec("100")]);
    // Without a rate for USD, Ann is in error, never paid 100,000 EUR.
    let payouts =
        carrot::engine::compute(&revenue_plan("EUR", ""), &report.roster, carrot::engine::Detail::AmountsOnly).unwrap();
    assert_eq!(payouts.errors.len(), 1);
    assert!(payouts.errors[0].message.contains("the plan has no fx rate for USD"), "{}", payouts.errors[0].message);
}

#[test]
fn a_symbol_of_several_currencies_is_checked_against_the_plan_currency() {
    let csv = "employee_id,name,role,revenue\n1,Ann,sales,\"$100,000\"\n";
    let report = import_reader("d.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    let ann = &report.roster.employees[0];
    assert_eq!(ann.currency_for("USD"), Ok(None));
    assert_eq!(ann.currency_for("CAD"), Ok(None));
    let err = ann.currency_for("EUR").unwrap_err();
    assert_eq!(
        err.to_string(),
        "the roster row writes its money with `$` (column revenue), which stands for USD, CAD, AUD, NZD or 23 \
         other currencies but not for the plan's currency EUR; write the currency code in the cells (e.g. \
         `100000 USD`) or add a `currency` column, so the amounts can be converted with the plan's fx rates"
    );
    for (currency, paid) in [("USD", true), ("CAD", true), ("EUR", false)] {
        let payouts =
            carrot::engine::compute(&revenue_plan(currency, ""), &report.roster, carrot::engine::Detail::AmountsOnly)
                .unwrap();
        assert_eq!(payouts.employees.len(), usize::from(paid), "{currency}");
        assert_eq!(payouts.errors.len(), usize::from(!paid), "{currency}");
        if !paid {
            assert_eq!(payouts.errors[0].message, err.to_string());
        }
    }
}

#[test]
fn a_metric_column_blank_in_every_row_is_warned_about() {
    let csv = "employee_id,name,role,revenue,deals_closed\n1,Ann,sales,,3\n2,Bob,sales, ,\n";
    let report = import_reader("b.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!(
        report.warnings,
        ["b.csv: column `revenue` is blank in all 2 row(s); a blank cell reads as 0, so a plan paying on it pays 0: \
          fill it in, or remove the column"]
    );
    // Blank in some rows only: nothing to say.
    let csv = "employee_id,name,role,revenue\n1,Ann,sales,\n2,Bob,sales,5\n";
    assert!(import_reader("b.csv", csv.as_bytes(), &ImportOptions::default()).unwrap().warnings.is_empty());
}

/// `12.000` in a `,`-delimited file is 12 with a decimal point, or 12,000 as a sheet in German
/// exports it: in a money column, refused unless `--decimal` says which.
#[test]
fn money_with_three_decimals_after_the_automatic_mark_is_refused_as_ambiguous() {
    let comma_file = "employee_id,name,role,currency,quota,target_incentive,revenue,account_retention\n\
                      1,Ann,sales,EUR,\"150.000\",12000,\"187.500\",0.875\n\
                      2,Bo,sales,EUR,150000,0.752,1.5E+05,1.250\n";
    let issues = bad_rows(import_reader("de.csv", comma_file.as_bytes(), &ImportOptions::default()));
    let columns: Vec<(u64, &str)> = issues.iter().map(|i| (i.line, i.column.as_str())).collect();
    assert_eq!(columns, [(2, "quota"), (2, "revenue")], "{issues:?}");
    assert!(
        issues[0]
            .reason
            .starts_with("`150.000` could be 150 (with a decimal point) or 150000 (with `.` between thousands)"),
        "{}",
        issues[0].reason
    );
    // Said with --decimal point, the same file reads as written.
    let point = ImportOptions { decimal: DecimalSeparator::Point, ..ImportOptions::default() };
    let report = import_reader("de.csv", comma_file.as_bytes(), &point).unwrap();
    assert_eq!(report.roster.employees[0].quota, Some(dec("150")));
    // With --decimal comma the dots group thousands.
    let comma = ImportOptions { decimal: DecimalSeparator::Comma, ..ImportOptions::default() };
    let grouped = "employee_id;name;role;currency;quota;revenue\n1;Ann;sales;EUR;150.000;187.500\n";
    let report = import_reader("de.csv", grouped.as_bytes(), &comma).unwrap();
    assert_eq!(report.roster.employees[0].quota, Some(dec("150000")));
    // A `;` file reads a decimal comma by default: `12,000` is ambiguous there.
    let semicolons = "employee_id;name;role;quota;revenue\n1;Ann;sales;12,000;187,500\n";
    let issues = bad_rows(import_reader("eu.csv", semicolons.as_bytes(), &ImportOptions::default()));
    assert!(issues[0].reason.starts_with("`12,000` could be 12 (with a decimal comma)"), "{}", issues[0].reason);
    assert!(
        issues[1].reason.starts_with("`187,500` could be 187,5 (with a decimal comma) or 187500"),
        "{}",
        issues[1].reason
    );
}

#[test]
fn a_row_of_empty_cells_is_a_blank_line_whatever_its_delimiters() {
    // Rows of nothing but delimiters (and spaces) are passed over like blank lines: the reader
    // keeps other lines whole with their delimiters, and must not make these rows of text.
    for (delimiter, row) in [(",", ",,,,,"), (",", " , ,,, ,"), (";", ";;;;;"), ("\t", "\t\t\t\t\t")] {
        let header = ["employee_id", "name", "role", "currency", "target_incentive", "revenue"].join(delimiter);
        let first = ["1", "Ann", "sales", "EUR", "1000", "5"].join(delimiter);
        let second = ["2", "Bob", "sales", "EUR", "2000", "7"].join(delimiter);
        let csv = format!("{header}\n{first}\n{row}\n{second}\n{row}\n");
        let report = import_reader("r.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
        let ids: Vec<&str> = report.roster.employees.iter().map(|e| &*e.id).collect();
        assert_eq!(ids, ["1", "2"], "{delimiter:?}");
        assert_eq!(report.roster.employees[1].source.line, 4);
    }
}

#[test]
fn currency_cells_read_the_same_on_every_row_however_many_spellings() {
    // The parser remembers the code of a few cell texts: every spelling, whether remembered or
    // not, reads as the first time, and a bad one is refused on each row it is on.
    let spellings = ["eur", "EUR", " gbp ", "Usd", "chf", "CHF ", "jpy", "sek", "nok", "dkk", "pln", ""];
    let mut csv = String::from("employee_id,name,role,currency,target_incentive,revenue\n");
    let mut expected = Vec::new();
    for round in 0..3 {
        for (i, cell) in spellings.iter().enumerate() {
            csv += &format!("{round}-{i},P,sales,{cell},1000,5\n");
            let code = cell.trim().to_uppercase();
            expected.push((!code.is_empty()).then_some(code));
        }
    }
    let report = import_reader("c.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    let got: Vec<Option<String>> = report.roster.employees.iter().map(|e| e.currency.clone()).collect();
    assert_eq!(got, expected);
    csv += "9-1,P,sales,eu,1000,5\n9-2,P,sales,eur,1000,5\n9-3,P,sales,eu,1000,5\n";
    let issues = bad_rows(import_reader("c.csv", csv.as_bytes(), &ImportOptions::default()));
    let lines: Vec<(u64, &str)> = issues.iter().map(|i| (i.line, i.value.as_str())).collect();
    assert_eq!(lines, [(38, "eu"), (40, "eu")]);
}

#[test]
fn a_target_incentive_given_as_a_share_of_salary_is_refused_saying_to_write_the_periods_amount() {
    // HRIS exports often give a target bonus as a percentage of base salary.
    let csv = "employee_id,name,role,base_salary,Target Incentive %,quota\n1,Ann Lee,sales,80000,15%,100000\n";
    let err = import_reader("hris.csv", csv.as_bytes(), &ImportOptions::default()).unwrap_err();
    let ImportError::BadRows { issues } = err else { panic!("{err}") };
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!((issues[0].line, issues[0].column.as_str(), issues[0].value.as_str()), (2, "target_incentive", "15%"));
    assert_eq!(
        issues[0].reason,
        "a percentage is not an amount of money; write the target incentive as the amount for the plan's period (a \
         target of 15% of an annual base salary of 80,000 is 12,000 a year, 3,000 a quarter), without %"
    );
}

//! Rosters, metrics and deal lists from spreadsheets: Excel (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`)
//! and OpenDocument (`.ods`).
//!
//! A sheet is turned into the text of its cells, row by row, and read by the same code as a CSV
//! file, so every rule (headers, report lines, money, dates, bad cells) is the same. Cells are
//! read by type: text stays text (`000123` keeps its zeros), a whole number is written without
//! decimals (`123.0` reads `123`), other numbers with at most 15 significant digits (Excel's own
//! precision, so `0.1 + 0.2` computed by a formula reads `0.3`), dates as ISO dates, booleans as
//! `TRUE`/`FALSE`, and formulas by the value the spreadsheet last computed for them. A cell
//! holding an error (`#DIV/0!`, `#N/A`) is refused in any column that is imported, with the cell
//! named. Line numbers are the sheet's row numbers, and issues name the cell (`revenue (D5)`).

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{Data, Range, Reader, Sheets};
use rust_decimal::Decimal;

use super::import::ImportError;
use super::report_shape::{HeaderCheck, HeaderSearch, PREAMBLE_LIMIT, Step};

/// Marks a cell that holds a spreadsheet error in the text handed to the CSV reader. A control
/// character that cell text cannot hold (it is removed from text cells).
pub(super) const ERROR_MARK: char = '\u{1}';

/// The largest spreadsheet read (a workbook of a million people is far smaller).
pub const MAX_SPREADSHEET_BYTES: u64 = 512 * 1024 * 1024;

/// Whether a path names a spreadsheet, by its extension.
pub fn is_spreadsheet(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["xlsx", "xlsm", "xlsb", "xls", "ods"].iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// The column letters of a 0-based column index (`0` → `A`, `26` → `AA`).
pub fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + u8::try_from(index % 26).unwrap_or(0));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A column label with the cell it points at: `revenue (D5)`.
pub(super) fn with_cell_ref(label: String, field: usize, row: u64) -> String {
    format!("{label} ({}{row})", column_letters(field))
}

/// Why an error cell is refused.
pub(super) fn error_reason(error: &str) -> String {
    format!(
        "the cell holds the spreadsheet error {error} (its formula could not be computed); fix the formula or the \
         cells it uses, then export again"
    )
}

/// A sheet read as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetText {
    /// The sheet's name.
    pub name: String,
    /// Rows from row 1, each as many cells as the widest row (error cells start with
    /// [`ERROR_MARK`]).
    pub rows: Vec<Vec<String>>,
}

impl SheetText {
    /// The rows as CSV text (comma-separated, every cell with text quoted), one line per row,
    /// so line numbers are row numbers. A line break inside a cell becomes a space.
    pub(super) fn to_csv(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for row in &self.rows {
            if row.iter().all(String::is_empty) {
                out.push(b'\n');
                continue;
            }
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                if !cell.is_empty() {
                    out.push(b'"');
                    for c in cell.chars() {
                        match c {
                            '"' => out.extend_from_slice(b"\"\""),
                            '\r' | '\n' => out.push(b' '),
                            c => {
                                let mut buf = [0u8; 4];
                                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                            }
                        }
                    }
                    out.push(b'"');
                }
            }
            out.push(b'\n');
        }
        out
    }
}

/// An open workbook.
pub struct Workbook<RS> {
    file: String,
    sheets: Sheets<RS>,
}

/// Opens a spreadsheet file.
pub fn open(path: &Path) -> Result<Workbook<BufReader<std::fs::File>>, ImportError> {
    let file = path.display().to_string();
    let size = std::fs::metadata(path).map_err(|source| ImportError::Io { path: path.to_path_buf(), source })?;
    if !size.is_file() {
        return Err(ImportError::Malformed {
            file,
            line: 1,
            reason: "this is not a regular file; a spreadsheet must be a file on disk".to_string(),
        });
    }
    if size.len() > MAX_SPREADSHEET_BYTES {
        return Err(ImportError::Malformed {
            file,
            line: 1,
            reason: format!(
                "the spreadsheet is {} MB; at most {} MB are read (save the sheet as CSV instead)",
                size.len() / 1_000_000,
                MAX_SPREADSHEET_BYTES / 1_000_000
            ),
        });
    }
    let sheets = calamine::open_workbook_auto(path).map_err(|e| unreadable(&file, &e))?;
    Ok(Workbook { file, sheets })
}

fn unreadable(file: &str, e: &dyn std::fmt::Display) -> ImportError {
    ImportError::Malformed {
        file: file.to_string(),
        line: 1,
        reason: format!(
            "could not read it as a spreadsheet ({e}); save it again from Excel or LibreOffice as .xlsx, .ods or CSV"
        ),
    }
}

impl<RS: Read + Seek> Workbook<RS> {
    /// The sheet names, in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.sheet_names()
    }

    /// One sheet as text.
    pub fn sheet(&mut self, name: &str) -> Result<SheetText, ImportError> {
        let range = self.sheets.worksheet_range(name).map_err(|e| unreadable(&self.file, &e))?;
        Ok(SheetText { name: name.to_string(), rows: rows_of(&range) })
    }

    /// The sheet to read: the one named (an error listing the sheets when there is none by that
    /// name, compared ignoring case), else the first whose header `check` accepts (within the
    /// report lines allowed above it), else the first sheet.
    pub fn choose(
        &mut self,
        wanted: Option<&str>,
        header_row: Option<u64>,
        check: &dyn Fn(&[&str]) -> HeaderCheck,
    ) -> Result<SheetText, ImportError> {
        let names = self.sheet_names();
        if let Some(wanted) = wanted {
            let Some(name) =
                names.iter().find(|n| *n == wanted).or_else(|| names.iter().find(|n| n.eq_ignore_ascii_case(wanted)))
            else {
                return Err(ImportError::BadOptions {
                    reason: format!(
                        "{}: --sheet {wanted:?}: the workbook has no sheet by that name; its sheets are {}",
                        self.file,
                        quoted(&names)
                    ),
                });
            };
            let name = name.clone();
            return self.sheet(&name);
        }
        let mut first = None;
        for name in &names {
            let sheet = self.sheet(name)?;
            if has_header(&sheet, header_row, check) {
                return Ok(sheet);
            }
            if first.is_none() {
                first = Some(sheet);
            }
        }
        first.ok_or_else(|| ImportError::Empty { file: self.file.clone() })
    }
}

/// Names quoted and joined: `"People", "Deals"`.
pub(super) fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
}

/// Whether a sheet has a header `check` accepts, where the CSV reader would look for it.
pub(super) fn has_header(sheet: &SheetText, header_row: Option<u64>, check: &dyn Fn(&[&str]) -> HeaderCheck) -> bool {
    let mut search = HeaderSearch::new(header_row);
    for (i, row) in sheet.rows.iter().enumerate().take(PREAMBLE_LIMIT * 4) {
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        let line = i as u64 + 1;
        match search.offer(line, &cells, check(&cells)) {
            Step::Header => return check(&cells) == HeaderCheck::Header,
            Step::Skip => {}
            Step::GiveUp | Step::Missed(_) => return false,
        }
    }
    false
}

/// The sheet's cells as text, from row 1 and column A (the used range may start further in).
fn rows_of(range: &Range<Data>) -> Vec<Vec<String>> {
    let Some((start_row, start_col)) = range.start() else {
        return Vec::new();
    };
    let (height, width) = range.get_size();
    let lead = start_col as usize;
    let mut rows: Vec<Vec<String>> = vec![Vec::new(); start_row as usize];
    rows.reserve(height);
    for row in range.rows() {
        let mut cells = vec![String::new(); lead];
        cells.reserve(width);
        cells.extend(row.iter().map(cell_text));
        rows.push(cells);
    }
    let columns = lead + width;
    for row in &mut rows {
        row.resize(columns, String::new());
    }
    rows
}

/// A cell as text, by its type.
pub(super) fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.replace(ERROR_MARK, ""),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_duration() => number_text(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, ms) = dt.to_ymd_hms_milli();
            if (hh, mm, ss, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{m:02}-{d:02}")
            } else {
                format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}")
            }
        }
        Data::DateTimeIso(s) => match s.split_once('T') {
            Some((date, time)) if time.trim_start_matches(['0', ':', '.']).is_empty() => date.to_string(),
            _ => s.clone(),
        },
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("{ERROR_MARK}{e}"),
    }
}

/// A number as a spreadsheet shows it at full precision: whole numbers without decimals, others
/// with at most 15 significant digits, never in exponent form.
pub(super) fn number_text(f: f64) -> String {
    if !f.is_finite() {
        return f.to_string();
    }
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return format!("{f:.0}");
    }
    let rounded = format!("{f:.14e}");
    match Decimal::from_scientific(&rounded) {
        Ok(d) => d.normalize().to_string(),
        Err(_) => f.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn numbers_read_as_a_spreadsheet_shows_them() {
        assert_eq!(number_text(123.0), "123");
        assert_eq!(number_text(-4.0), "-4");
        assert_eq!(number_text(403158.55), "403158.55");
        assert_eq!(number_text(0.1 + 0.2), "0.3");
        assert_eq!(number_text(0.075), "0.075");
        assert_eq!(number_text(1e-7), "0.0000001");
        assert_eq!(number_text(123456789012.34), "123456789012.34");
    }

    #[test]
    fn cells_read_by_type() {
        assert_eq!(cell_text(&Data::String("000123".into())), "000123");
        assert_eq!(cell_text(&Data::Float(123.0)), "123");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
        assert_eq!(cell_text(&Data::DateTimeIso("2026-02-15T00:00:00".into())), "2026-02-15");
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::Div0)), "\u{1}#DIV/0!");
        let date = calamine::ExcelDateTime::new(46068.0, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)), "2026-02-15");
    }

    #[test]
    fn csv_lines_are_sheet_rows() {
        let sheet = SheetText {
            name: "S".into(),
            rows: vec![
                vec!["a \"b\"".into(), String::new()],
                vec![String::new(), String::new()],
                vec!["x\ny".into(), "1".into()],
            ],
        };
        assert_eq!(String::from_utf8(sheet.to_csv()).unwrap(), "\"a \"\"b\"\"\",\n\n\"x y\",\"1\"\n");
    }
}

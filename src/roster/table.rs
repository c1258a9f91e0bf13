//! Reading a whole table from a CSV file or a spreadsheet, for the files joined onto a roster
//! (metrics, deal lists): the same decoding, delimiters, report lines and cell reading as a
//! roster, but any columns, and held in memory (these files are small beside a roster).

use std::io::{self, Read};
use std::path::Path;

use super::decode::{DecodedInput, SourceError};
use super::import::{DecimalSeparator, ImportError, ImportOptions, RowIssue};
use super::records::{Record, RecordReader};
use super::report_shape::{self, HeaderCheck, Skipped};
use super::rows::{FileError, MAX_COLUMNS, decimal_mark};
use super::values::{DecimalMark, shorten};
use super::xlsx;

/// The largest metrics or deals CSV file read.
pub const MAX_TABLE_BYTES: u64 = 1024 * 1024 * 1024;

/// A table read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// The name messages use (`deals.xlsx [sheet Opportunities]` for a spreadsheet).
    pub name: String,
    /// The headers as written.
    pub headers: Vec<String>,
    /// The rows below the header: (line or sheet row, cells). Blank rows are left out.
    pub rows: Vec<(u64, Vec<String>)>,
    /// The decimal mark of its numbers.
    pub mark: DecimalMark,
    /// The decimal separator option it was read with: with [`DecimalSeparator::Auto`] (the mark
    /// taken from the delimiter), money that reads two ways (`12.000` in a `,` file) is refused.
    pub decimal: DecimalSeparator,
    /// Whether it came from a spreadsheet (issues then name the cell, e.g. `amount (D5)`).
    pub spreadsheet: bool,
    /// Report lines skipped above the header.
    pub skipped: Vec<Skipped>,
    /// Things worth knowing (encoding, skipped lines).
    pub warnings: Vec<String>,
}

impl Table {
    /// The column label for messages: the header, with the cell for a spreadsheet.
    pub fn column(&self, field: usize, line: u64) -> String {
        let header = self.headers.get(field).map_or_else(|| format!("column {}", field + 1), Clone::clone);
        if self.spreadsheet { xlsx::with_cell_ref(header, field, line) } else { header }
    }

    /// An issue about a cell.
    pub fn issue(&self, line: u64, field: usize, value: &str, reason: String) -> RowIssue {
        RowIssue {
            file: self.name.clone(),
            line,
            column: self.column(field, line),
            value: shorten(value.trim_start_matches(xlsx::ERROR_MARK), 200),
            reason,
        }
    }

    /// The cell of a row, or "" past its end.
    pub fn cell(cells: &[String], field: usize) -> &str {
        cells.get(field).map_or("", String::as_str)
    }

    /// Why the money cell `cell` reads two ways in this file (`12.000` in a `,` file read
    /// without `--decimal`), if it does.
    pub fn ambiguous_money(&self, cell: &str) -> Option<String> {
        super::rows::ambiguous_money(cell, self.decimal, self.mark)
    }

    /// An issue when the cell holds a spreadsheet error.
    pub fn error_cell(&self, line: u64, field: usize, cells: &[String]) -> Option<RowIssue> {
        let cell = Self::cell(cells, field);
        let error = cell.strip_prefix(xlsx::ERROR_MARK)?;
        Some(self.issue(line, field, error, xlsx::error_reason(error)))
    }

    /// Records a row as skipped when it is a report's trailer (a totals row, a notice).
    pub fn trailer(&mut self, line: u64, cells: &[String]) -> bool {
        let Some(what) = report_shape::trailer(cells.iter().map(String::as_str)) else {
            return false;
        };
        self.skipped.push(Skipped { line, text: report_shape::joined(cells.iter().map(String::as_str)), what });
        true
    }

    /// The warnings about the lines skipped, for the end of reading.
    pub fn skipped_warnings(&self) -> Vec<String> {
        report_shape::warnings(&self.name, &self.skipped)
    }
}

/// Reads a table: the header is the first row `check` accepts (report lines above it skipped),
/// or the row at `options.header_row`; for a spreadsheet, in `options.sheet` or the first sheet
/// with such a header. `what` names the file's purpose in messages (`metrics file`).
pub fn read_table(
    path: &Path,
    options: &ImportOptions,
    what: &str,
    check: &dyn Fn(&[&str]) -> HeaderCheck,
) -> Result<Table, ImportError> {
    if xlsx::is_spreadsheet(path) {
        let mut book = xlsx::open(path)?;
        let sheet = book.choose(options.sheet.as_deref(), options.header_row, check)?;
        let name = format!("{} [sheet {}]", path.display(), sheet.name);
        let csv = sheet.to_csv();
        let options = ImportOptions { decimal: DecimalSeparator::Point, delimiter: Some(b','), ..options.clone() };
        let mut table = read_text(&name, path, csv.as_slice(), &options, what, check)?;
        table.spreadsheet = true;
        return Ok(table);
    }
    let file = crate::fsx::read_limited(path, MAX_TABLE_BYTES)
        .map_err(|e| ImportError::Io { path: path.to_path_buf(), source: io::Error::other(e.to_string()) })?;
    read_text(&path.display().to_string(), path, file.as_slice(), options, what, check)
}

fn read_text<R: Read>(
    name: &str,
    path: &Path,
    input: R,
    options: &ImportOptions,
    what: &str,
    check: &dyn Fn(&[&str]) -> HeaderCheck,
) -> Result<Table, ImportError> {
    let outcome = (|| -> Result<Table, FileError> {
        let mut input = DecodedInput::new(input)?;
        let delimiter = match options.delimiter {
            Some(d) => d,
            None => RecordReader::detect_delimiter(&mut input)?,
        };
        let mut reader = RecordReader::new(input, delimiter, MAX_COLUMNS + 1);
        let mut rec = Record::default();
        let Some((headers, skipped)) =
            report_shape::find_header(&mut reader, &mut rec, name, options.header_row, check)?
        else {
            return Err(FileError::Import(ImportError::Empty { file: name.to_string() }));
        };
        let mut rows = Vec::new();
        while reader.read(&mut rec)? {
            let text = String::from_utf8_lossy(rec.bytes());
            if rec.oversized.is_empty() && text.trim().is_empty() {
                continue;
            }
            if let Some((field, len)) = rec.oversized.first() {
                return Err(FileError::Import(ImportError::Malformed {
                    file: name.to_string(),
                    line: rec.line,
                    reason: format!("field {} is {len} bytes long; is a closing quote missing?", field + 1),
                }));
            }
            let cells: Vec<String> =
                (0..rec.stored()).map(|i| rec.range(i).and_then(|r| text.get(r)).unwrap_or("").to_string()).collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            rows.push((rec.line, cells));
        }
        let input = reader.input();
        let warnings = super::import::encoding_warning(name, input.found(), input.replaced()).into_iter().collect();
        Ok(Table {
            name: name.to_string(),
            headers,
            rows,
            mark: decimal_mark(options.decimal, delimiter),
            decimal: options.decimal,
            spreadsheet: false,
            skipped,
            warnings,
        })
    })();
    outcome.map_err(|e| match e {
        FileError::Import(e) => e,
        FileError::Source(SourceError::Io(source)) => ImportError::Io { path: path.to_path_buf(), source },
        FileError::Source(SourceError::MixedLine(line)) => ImportError::Malformed {
            file: name.to_string(),
            line,
            reason: format!("this line of the {what} mixes UTF-8 with another encoding; export the file as UTF-8"),
        },
        FileError::Source(SourceError::Unterminated { line, field, start }) => ImportError::UnterminatedQuote {
            file: name.to_string(),
            line,
            column: format!("column {}", field + 1),
            start,
        },
        FileError::Source(SourceError::Binary(looks)) => {
            ImportError::Malformed { file: name.to_string(), line: 1, reason: format!("this looks like {looks}") }
        }
    })
}

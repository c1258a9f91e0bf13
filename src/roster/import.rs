//! Reading roster CSV files: detection of encoding and delimiter, header normalisation and
//! mapping, cell parsing, and a report of every bad cell.

use foldhash::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::columns::{Mapping, map_header};
use super::decode::{DecodedInput, Found, SourceError};
use super::records::{Record, RecordReader};
use super::rows::{self, FileContext, FileError, FileResult, ISSUE_CAP, MAX_COLUMNS};
use super::values::check_date_format;
use super::{Roster, SourceRef};
use super::{report_shape, xlsx};

/// Which character separates decimals in money and number cells.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecimalSeparator {
    /// Comma in `;`-delimited files (the European export convention), point otherwise.
    #[default]
    Auto,
    /// `1,234.50`.
    Point,
    /// `1.234,50`.
    Comma,
}

impl DecimalSeparator {
    /// The mark a file delimited by `delimiter` is read with under this option.
    pub fn mark(self, delimiter: u8) -> super::values::DecimalMark {
        rows::decimal_mark(self, delimiter)
    }
}

/// The decimal separator the number cells `cells` are written with, when `current` does not
/// read some of them and the other mark reads them all: `1234,5` or `1.234,56` in a file read
/// with a decimal point. `None` when `current` reads them, or neither does.
pub fn guess_decimal<'a>(
    cells: impl IntoIterator<Item = &'a str>,
    current: super::values::DecimalMark,
) -> Option<DecimalSeparator> {
    use super::values::{DecimalMark, parse_amount};
    let (other, separator) = match current {
        DecimalMark::Point => (DecimalMark::Comma, DecimalSeparator::Comma),
        DecimalMark::Comma => (DecimalMark::Point, DecimalSeparator::Point),
    };
    let mut other_needed = false;
    for cell in cells {
        if cell.trim().is_empty() || parse_amount(cell, current).is_ok() {
            continue;
        }
        if parse_amount(cell, other).is_err() {
            return None;
        }
        other_needed = true;
    }
    other_needed.then_some(separator)
}

/// Their column name → canonical column name (or metric name), from `--mapping map.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct HeaderMapping(pub IndexMap<String, String>);

/// How to read roster files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ImportOptions {
    /// Header renames applied before anything else.
    pub mapping: HeaderMapping,
    /// chrono format for dates that are not ISO (`%d/%m/%Y`); ISO dates are always accepted.
    pub date_format: Option<String>,
    /// Decimal separator for numbers.
    pub decimal: DecimalSeparator,
    /// Forces a delimiter instead of detecting it.
    pub delimiter: Option<u8>,
    /// Import the good rows and list the bad ones, instead of refusing the whole roster.
    pub skip_bad_rows: bool,
    /// The sheet of a spreadsheet roster (default: the first with the required columns).
    pub sheet: Option<String>,
    /// The line (spreadsheet row) of the header; the lines above it are skipped. Default: the
    /// first row with the required columns, with the report lines above it skipped.
    pub header_row: Option<u64>,
    /// The metric columns the plans to be computed read, and as what: a `%` in a column a
    /// commission pays on is refused, and so is money there that reads two ways (`12.000` in a
    /// `,` file), and a currency in a column a per-unit line pays on (`€3` interviews); a column
    /// a plan reads is never left out as text (its cells that are not numbers are refused).
    /// Empty: only [`super::MONEY_METRICS`] are known to be money, and no column is a count.
    pub plan_columns: super::PlanColumns,
}

/// One bad cell or row.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RowIssue {
    /// The file (as given).
    pub file: String,
    /// 1-based line where the row starts.
    pub line: u64,
    /// Canonical column name (or the header as written when it has no canonical name).
    pub column: String,
    /// The cell as written (shortened when very long).
    pub value: String,
    /// Why it was refused.
    pub reason: String,
}

impl std::fmt::Display for RowIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: column {}: {:?}: {}", self.file, self.line, self.column, self.value, self.reason)
    }
}

/// What an import produced.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// The people imported.
    pub roster: Roster,
    /// Rows left out (only with `skip_bad_rows`).
    pub skipped: Vec<RowIssue>,
    /// Things worth knowing that did not stop the import (e.g. a Windows-1252 file was decoded).
    pub warnings: Vec<String>,
    /// The deal list joined onto the roster, if any: how many of its deals closed in the period
    /// and how many outside it ([`super::deals::DealCount::refusal`]).
    pub deals: Option<super::deals::DealCount>,
}

/// Why a roster could not be imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read.
    #[error("could not read roster {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file has no content at all.
    #[error("{file}: the file is empty; export the roster with a header row and one row per person")]
    Empty {
        /// The file.
        file: String,
    },
    /// The file has a header and no rows.
    #[error("{file}: the file has a header row but no people")]
    HeaderOnly {
        /// The file.
        file: String,
    },
    /// Required columns are missing.
    #[error("{file}: missing required column(s) {}; found {}. {}{}", missing.join(", "), found.join(", "), look_alike_hint(likely), other_sheets_hint(other_sheets))]
    MissingColumns {
        /// The file.
        file: String,
        /// The workbook's other sheets, when the file is a spreadsheet of several, none named
        /// (`--sheet`), and none has the required columns under their names: the first was read.
        other_sheets: Vec<String>,
        /// Canonical names missing.
        missing: Vec<String>,
        /// Headers found (normalised).
        found: Vec<String>,
        /// Headers (as written) that look like Carrot's columns the file lacks, with the column:
        /// named in the message as a mapping to pass.
        likely: Vec<(String, String)>,
    },
    /// The file could not be read as CSV at all (e.g. an unterminated quote).
    #[error("{file}:{line}: {reason}")]
    Malformed {
        /// The file.
        file: String,
        /// Line of the problem.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A quoted cell is never closed: the rest of the file would be read as that one cell.
    #[error(
        "{file}:{line}: {column}: the quote that opens this cell (\"{start}) is never closed, so \
         the rest of the file would be read as this one cell; add the closing quote (a quote inside a \
         quoted cell is written twice: \"\")"
    )]
    UnterminatedQuote {
        /// The file.
        file: String,
        /// The line of the opening quote.
        line: u64,
        /// Which cell: `column name`, `column N` or `header N`.
        column: String,
        /// The start of the cell after the quote: its first line, shortened.
        start: String,
    },
    /// Some rows are bad; nothing was imported.
    #[error("{} bad cell(s); nothing was imported (use --skip-bad-rows to import the rest):{}", count_issues(issues), issues.iter().map(|i| format!("\n  {i}")).collect::<String>())]
    BadRows {
        /// Every bad cell, in file and line order. At most [`ISSUE_LIST_CAP`] are listed; when
        /// there are more, a last summary issue has the column [`MORE_ISSUES`], the position of
        /// the first one not listed, and how many were not listed as its value.
        issues: Vec<RowIssue>,
    },
    /// Two headers of one file name the same column.
    #[error(
        "{file}: headers `{first}` and `{second}` both mean column `{column}`; rename or remove one of them (or pass --mapping)"
    )]
    DuplicateColumn {
        /// The file.
        file: String,
        /// The canonical or metric name both map to.
        column: String,
        /// The first header, as written.
        first: String,
        /// The second header, as written.
        second: String,
    },
    /// The import options are unusable (a column mapping target or a date format).
    #[error("{reason}")]
    BadOptions {
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// A mapping file read with the roster (a deals mapping) cannot be used.
    #[error(transparent)]
    MappingFile(#[from] super::joins::MappingFileError),
}

/// Issues listed in [`ImportError::BadRows`] before the rest are summarised.
pub const ISSUE_LIST_CAP: usize = ISSUE_CAP;

/// The column of the summary issue that ends a capped [`ImportError::BadRows`] list.
pub const MORE_ISSUES: &str = "(more)";

/// The number of bad cells an issue list stands for (a summary issue counts for its value).
pub(crate) fn count_issues(issues: &[RowIssue]) -> usize {
    match issues.last() {
        Some(last) if last.column == MORE_ISSUES => issues.len() - 1 + last.value.parse::<usize>().unwrap_or(0),
        _ => issues.len(),
    }
}

/// The first rows of a file as text, for the app's column-mapping step.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    /// Headers exactly as written.
    pub headers: Vec<String>,
    /// The canonical name each header maps to by normalisation or by the mapping given.
    pub mapped: Vec<Option<String>>,
    /// The first rows, as text.
    pub rows: Vec<Vec<String>>,
    /// The delimiter detected.
    pub delimiter: u8,
    /// Required columns that no header maps to.
    pub missing: Vec<String>,
    /// Things worth knowing, such as the file not being UTF-8, or report lines skipped above
    /// the header.
    pub warnings: Vec<String>,
    /// The line (spreadsheet row) of the header.
    pub header_line: u64,
    /// A spreadsheet's sheets (empty for a CSV file).
    pub sheets: Vec<String>,
    /// The sheet shown (`None` for a CSV file).
    pub sheet: Option<String>,
}

impl Preview {
    /// The first rows' cells in the columns `keep` accepts, `columns` naming the column each
    /// header is read as.
    pub fn cells<'a>(&'a self, columns: &'a [String], keep: fn(&str) -> bool) -> impl Iterator<Item = &'a str> {
        self.rows
            .iter()
            .flat_map(move |row| row.iter().zip(columns).filter(move |(_, c)| keep(c)).map(|(cell, _)| cell.as_str()))
    }
}

/// Options checked once for all files.
struct Checked {
    mapping: Mapping,
}

fn check_options(options: &ImportOptions) -> Result<Checked, ImportError> {
    let mapping = Mapping::new(&options.mapping).map_err(|e| ImportError::BadOptions { reason: e.to_string() })?;
    if let Some(format) = &options.date_format {
        check_date_format(format).map_err(|e| ImportError::BadOptions { reason: e.to_string() })?;
    }
    if let Some(d) = options.delimiter
        && matches!(d, b'"' | b'\r' | b'\n')
    {
        return Err(ImportError::BadOptions {
            reason: format!("{:?} cannot be the delimiter; use `,`, `;` or a tab", char::from(d)),
        });
    }
    Ok(Checked { mapping })
}

/// A warning about how a file was decoded, if it was not plain UTF-8.
pub(super) fn encoding_warning(file: &str, found: Found, replaced: bool) -> Option<String> {
    let replaced = if replaced { "; some bytes were not valid UTF-16 and were replaced with �" } else { "" };
    match found {
        Found::Utf8 => None,
        Found::Windows1252 => Some(format!(
            "{file} was not UTF-8; decoded as Windows-1252 (check accented names; export as \
             UTF-8 to be sure)"
        )),
        Found::Mixed { first_1252, lines_1252, first_utf8 } => Some(format!(
            "{file} mixes encodings: {lines_1252} line(s) are not UTF-8 (the first is line {first_1252}) and \
             were decoded as Windows-1252, while the other lines are UTF-8 (e.g. line {first_utf8}); check \
             the accented names on those lines, or export the file as UTF-8"
        )),
        Found::Utf16Le => Some(format!("{file} is UTF-16 (little-endian); decoded it{replaced}")),
        Found::Utf16Be => Some(format!("{file} is UTF-16 (big-endian); decoded it{replaced}")),
    }
}

/// Runs `read` over the decoded input of a file, turning decoding problems into errors.
fn with_decoded<R: Read, T>(
    file: &str,
    path: &Path,
    open: &mut dyn FnMut() -> io::Result<R>,
    read: &mut dyn FnMut(DecodedInput<R>) -> Result<T, FileError>,
) -> Result<T, ImportError> {
    let io_error = |source| ImportError::Io { path: path.to_path_buf(), source };
    let reader = open().map_err(io_error)?;
    let outcome = match DecodedInput::new(reader) {
        Ok(input) => read(input),
        Err(e) => Err(FileError::Source(e)),
    };
    match outcome {
        Ok(value) => Ok(value),
        Err(FileError::Import(e)) => Err(e),
        Err(FileError::Source(SourceError::Io(e))) => Err(io_error(e)),
        Err(FileError::Source(SourceError::MixedLine(line))) => Err(ImportError::Malformed {
            file: file.to_string(),
            line,
            reason: "this line mixes UTF-8 characters with bytes that are not UTF-8 (another encoding, \
                     such as Windows-1252), so it cannot be read as either without garbling part of it; \
                     fix the line or export the file as UTF-8"
                .to_string(),
        }),
        Err(FileError::Source(SourceError::Unterminated { line, field, start: text })) => {
            // Rows of a preview: the column by position (rows::parse_file names it).
            Err(ImportError::UnterminatedQuote {
                file: file.to_string(),
                line,
                column: format!("column {}", field + 1),
                start: text,
            })
        }
        Err(FileError::Source(SourceError::Binary(what))) => {
            Err(ImportError::Malformed { file: file.to_string(), line: 1, reason: format!("this looks like {what}") })
        }
    }
}

/// Everything read so far, across files.
#[derive(Default)]
struct Merged {
    sources: Vec<String>,
    ids: HashMap<super::Text, SourceRef>,
    files: Vec<FileResult>,
    issues: Vec<RowIssue>,
    first_unlisted: Option<RowIssue>,
    unlisted: usize,
    warnings: Vec<String>,
    used_mapping: Vec<bool>,
}

impl Merged {
    #[expect(clippy::too_many_arguments, reason = "one private call site per way of reading")]
    fn read<R: Read>(
        &mut self,
        name: &str,
        path: &Path,
        options: &ImportOptions,
        checked: &Checked,
        open: &mut dyn FnMut() -> io::Result<R>,
        spreadsheet: bool,
        sink: Option<&(dyn Fn(Streamed) + Sync)>,
    ) -> Result<(), ImportError> {
        self.sources.push(name.to_string());
        let index = u32::try_from(self.sources.len() - 1).unwrap_or(u32::MAX);
        let ctx = FileContext {
            name,
            index,
            options,
            mapping: &checked.mapping,
            known_ids: &self.ids,
            sources: &self.sources,
            spreadsheet,
            sink,
        };
        let mut result = with_decoded(name, path, open, &mut |input| rows::parse_file(&ctx, input))?;
        self.warnings.extend(encoding_warning(name, result.found, result.replaced));
        self.warnings.append(&mut result.warnings);
        if self.used_mapping.len() < result.used_mapping.len() {
            self.used_mapping.resize(result.used_mapping.len(), false);
        }
        for (used, now) in self.used_mapping.iter_mut().zip(&result.used_mapping) {
            *used |= *now;
        }
        for issue in std::mem::take(&mut result.issues) {
            if options.skip_bad_rows || self.issues.len() < ISSUE_CAP {
                self.issues.push(issue);
            } else {
                if self.first_unlisted.is_none() {
                    self.first_unlisted = Some(issue);
                }
                self.unlisted += 1;
            }
        }
        self.unlisted += result.unlisted;
        // Hashing every id again is a noticeable share of an import: extend the larger map.
        let mut ids = std::mem::take(&mut result.ids);
        if ids.len() > self.ids.len() {
            std::mem::swap(&mut ids, &mut self.ids);
        }
        self.ids.extend(ids);
        self.files.push(result);
        Ok(())
    }

    fn finish(mut self, options: &ImportOptions, checked: &Checked) -> Result<ImportReport, ImportError> {
        if !options.skip_bad_rows && !self.issues.is_empty() {
            if let Some(first) = self.first_unlisted.take() {
                self.issues.push(RowIssue {
                    file: first.file,
                    line: first.line,
                    column: MORE_ISSUES.to_string(),
                    value: self.unlisted.to_string(),
                    reason: format!(
                        "{} more bad cell(s) not listed, from here on; fix the ones above and \
                         import again",
                        self.unlisted
                    ),
                });
            }
            return Err(ImportError::BadRows { issues: self.issues });
        }
        for (key, used) in checked.mapping.keys().zip(&self.used_mapping) {
            if !used {
                self.warnings.push(format!("column mapping: no file has a header `{key}`; that entry was not used"));
            }
        }
        // Metric columns across files, in first-seen order, text columns left out.
        let mut metrics: Vec<String> = Vec::new();
        let mut maps: Vec<Vec<Option<usize>>> = Vec::with_capacity(self.files.len());
        for file in &self.files {
            let map = file
                .metrics
                .iter()
                .zip(&file.text)
                .map(|(name, text)| {
                    if *text {
                        return None;
                    }
                    Some(match metrics.iter().position(|m| m == name) {
                        Some(i) => i,
                        None => {
                            metrics.push(name.clone());
                            metrics.len() - 1
                        }
                    })
                })
                .collect();
            maps.push(map);
        }
        let total: usize = self.files.iter().map(|f| f.employees.len()).sum();
        let mut employees = Vec::with_capacity(total);
        for (file, map) in self.files.into_iter().zip(&maps) {
            // Usually the roster's metrics are this file's minus its text columns, in order:
            // then the values are compacted in place instead of copied.
            let compacts = map.iter().flatten().enumerate().all(|(position, global)| position == *global);
            for mut employee in file.employees {
                if compacts {
                    let mut keep = map.iter().map(Option::is_some);
                    employee.metrics.retain(|_| keep.next().unwrap_or(false));
                    employee.metrics.resize(metrics.len(), None);
                    employees.push(employee);
                    continue;
                }
                let mut values = vec![None; metrics.len()];
                for (local, value) in employee.metrics.iter().enumerate() {
                    if let Some(slot) = map.get(local).copied().flatten().and_then(|g| values.get_mut(g)) {
                        *slot = *value;
                    }
                }
                employee.metrics = values;
                employees.push(employee);
            }
        }
        Ok(ImportReport {
            roster: Roster { metrics, employees, sources: self.sources, joined: Vec::new() },
            skipped: if options.skip_bad_rows { self.issues } else { Vec::new() },
            warnings: self.warnings,
            deals: None,
        })
    }
}

/// Imports and merges roster files. A duplicate `employee_id` within or across files is an
/// error naming both places.
///
/// Files are streamed: memory holds the roster, not the file. Metric columns of all files are
/// merged in first-seen order; a person from a file without a metric column has `None` for it.
/// Unless `skip_bad_rows` is set, any bad cell in any file means [`ImportError::BadRows`] listing
/// them all (up to [`ISSUE_LIST_CAP`]).
pub fn import_files(paths: &[PathBuf], options: &ImportOptions) -> Result<ImportReport, ImportError> {
    import_files_with_progress(paths, options, &|_| {})
}

/// [`import_files`], calling `progress` with the number of bytes read so far across all files
/// as reading goes on (for a progress bar).
pub fn import_files_with_progress(
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Fn(u64),
) -> Result<ImportReport, ImportError> {
    import_files_cancellable(paths, options, progress, &std::sync::atomic::AtomicBool::new(false))
}

/// The message of the read error that stops an import when `cancel` is set.
pub const CANCELLED: &str = "the import was cancelled";

/// [`import_files_with_progress`] that stops, with nothing imported, soon after `cancel` is set
/// (from another thread: the app's Cancel button). The error is then [`ImportError::Io`] whose
/// source says [`CANCELLED`].
pub fn import_files_cancellable(
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Fn(u64),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<ImportReport, ImportError> {
    let checked = check_options(options)?;
    read_files(paths, options, &checked, progress, cancel, None)?.finish(options, &checked)
}

/// Reads every file of `paths` into a [`Merged`], handing people to `sink` as they are read
/// when streaming ([`stream_files`]) instead of keeping them.
fn read_files(
    paths: &[PathBuf],
    options: &ImportOptions,
    checked: &Checked,
    progress: &dyn Fn(u64),
    cancel: &std::sync::atomic::AtomicBool,
    sink: Option<&(dyn Fn(Streamed) + Sync)>,
) -> Result<Merged, ImportError> {
    let mut merged = Merged::default();
    let done = std::cell::Cell::new(0u64);
    for path in paths {
        let base = done.get();
        if xlsx::is_spreadsheet(path) {
            if cancel.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(ImportError::Io { path: path.clone(), source: io::Error::other(CANCELLED) });
            }
            let (sheet, sheets) = spreadsheet_sheet(path, options, checked)?;
            let (name, csv, sheet_options) = spreadsheet_input(path, &sheet, options);
            merged
                .read(&name, path, &sheet_options, checked, &mut || Ok(csv.as_slice()), true, None)
                .map_err(|e| naming_other_sheets(e, &sheet, &sheets, options.sheet.is_some()))?;
            let size = std::fs::metadata(path).map_or(0, |m| m.len());
            done.set(base + size);
            progress(base + size);
            continue;
        }
        let name = path.display().to_string();
        merged.read(
            &name,
            path,
            options,
            checked,
            &mut || File::open(path).map(|file| Counting { inner: file, read: 0, base, done: &done, progress, cancel }),
            false,
            sink,
        )?;
    }
    Ok(merged)
}

/// How many people [`stream_files`] hands over at a time.
pub const STREAM_BLOCK: usize = 2048;

/// What [`stream_files`] hands over as it reads.
#[derive(Debug)]
pub enum Streamed {
    /// A file's header was read: the people that follow (until the next `File`) have their
    /// metrics indexed like `metrics` (the file's metric columns in header order), and their
    /// [`SourceRef::file`] is `index`.
    File {
        /// Index of the file in the roster's sources.
        index: u32,
        /// The file's metric columns, in header order.
        metrics: Vec<String>,
    },
    /// The next people, in file order.
    People(Vec<super::Employee>),
}

/// Why [`stream_files`] cannot stream a roster.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The roster cannot be read.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The roster reads as something the people already handed over do not show (a metric
    /// column that turned out to be text, which the whole import leaves out), or it is a kind of
    /// input that is only read whole (a spreadsheet, `--skip-bad-rows`): read it with
    /// [`import_files`] instead.
    #[error("this roster is read whole, not streamed")]
    NotStreamable,
}

/// Reads CSV roster files like [`import_files`], but hands the people to `sink` block by block
/// (on another thread) instead of keeping them, so a roster of any size is read in bounded
/// memory. Everything else is checked as [`import_files`] checks it, and the same errors and
/// warnings come back; the returned roster has no people. When the files hold anything the whole
/// import would read differently from the people handed over (a metric column that turns out to
/// be text is left out of the roster), [`StreamError::NotStreamable`] says to import them whole;
/// so does a spreadsheet or `skip_bad_rows`. A caller writes nothing final before this returns.
pub fn stream_files(
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &dyn Fn(u64),
    sink: &(dyn Fn(Streamed) + Sync),
) -> Result<ImportReport, StreamError> {
    if options.skip_bad_rows || paths.iter().any(|p| xlsx::is_spreadsheet(p)) {
        return Err(StreamError::NotStreamable);
    }
    let checked = check_options(options)?;
    let never = std::sync::atomic::AtomicBool::new(false);
    let merged = read_files(paths, options, &checked, progress, &never, Some(sink))?;
    if merged.files.iter().any(|f| f.text.iter().any(|t| *t)) {
        return Err(StreamError::NotStreamable);
    }
    Ok(merged.finish(options, &checked)?)
}

/// The sheet of a spreadsheet roster to read.
/// The sheet of the spreadsheet at `path` to import, and the names of all its sheets.
fn spreadsheet_sheet(
    path: &Path,
    options: &ImportOptions,
    checked: &Checked,
) -> Result<(xlsx::SheetText, Vec<String>), ImportError> {
    let mut book = xlsx::open(path)?;
    let check = report_shape::roster_check(&checked.mapping);
    Ok((book.choose(options.sheet.as_deref(), options.header_row, &check)?, book.sheet_names()))
}

/// `error`, naming the workbook's other sheets (of `all`) when it says the sheet read lacks
/// required columns and no sheet was `named`: the chooser fell back to the first sheet because
/// none of them has the columns under their names.
fn naming_other_sheets(error: ImportError, sheet: &xlsx::SheetText, all: &[String], named: bool) -> ImportError {
    match error {
        ImportError::MissingColumns { file, missing, found, likely, .. } if !named => {
            let other_sheets = all.iter().filter(|n| **n != sheet.name).cloned().collect();
            ImportError::MissingColumns { file, other_sheets, missing, found, likely }
        }
        other => other,
    }
}

/// What to do about missing columns, for [`ImportError::MissingColumns`]: the mapping that reads
/// the headers that look like them, when some do.
fn look_alike_hint(likely: &[(String, String)]) -> String {
    if likely.is_empty() {
        return "Rename the headers or pass --mapping".to_owned();
    }
    let pairs: Vec<String> = likely.iter().map(|(header, column)| format!("{header:?} → {column}")).collect();
    format!(
        "These headers look like Carrot's columns: {}; if they are, pass --mapping with a JSON file holding {}, \
         or rename the headers",
        pairs.join(", "),
        super::columns::mapping_json(likely)
    )
}

/// `; no other sheet of the workbook ("Workers") has them …` for [`ImportError::MissingColumns`].
fn other_sheets_hint(others: &[String]) -> String {
    if others.is_empty() {
        return String::new();
    }
    format!(
        "; no other sheet of the workbook ({}) has them under these names either: choose the sheet with --sheet \
         and map its headers with --mapping",
        xlsx::quoted(others)
    )
}

/// What the CSV reader reads of a sheet: its display name (`people.xlsx [sheet People]`), its
/// rows as CSV, and the options for them (numbers are written with a decimal point).
fn spreadsheet_input(
    path: &Path,
    sheet: &xlsx::SheetText,
    options: &ImportOptions,
) -> (String, Vec<u8>, ImportOptions) {
    let name = format!("{} [sheet {}]", path.display(), sheet.name);
    let sheet_options = ImportOptions { decimal: DecimalSeparator::Point, delimiter: Some(b','), ..options.clone() };
    (name, sheet.to_csv(), sheet_options)
}

/// A reader that reports how far it has read.
struct Counting<'a, R> {
    inner: R,
    read: u64,
    /// Bytes of the files before this one.
    base: u64,
    done: &'a std::cell::Cell<u64>,
    progress: &'a dyn Fn(u64),
    cancel: &'a std::sync::atomic::AtomicBool,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.cancel.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(io::Error::other(CANCELLED));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        let total = self.base + self.read;
        self.done.set(total);
        (self.progress)(total);
        Ok(n)
    }
}

/// Imports one roster from a reader; `name` is used in messages.
///
/// The reader is read to its end first; for files on disk, [`import_files`] streams instead.
pub fn import_reader(name: &str, mut reader: impl Read, options: &ImportOptions) -> Result<ImportReport, ImportError> {
    let checked = check_options(options)?;
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|source| ImportError::Io { path: PathBuf::from(name), source })?;
    let mut merged = Merged::default();
    merged.read(name, Path::new(name), options, &checked, &mut || Ok(bytes.as_slice()), false, None)?;
    merged.finish(options, &checked)
}

/// Reads the header and first `rows` rows of a file without validating them.
///
/// `mapped` holds, per header, the name it maps to (by the mapping, else normalised to
/// snake_case: a canonical column or a metric name), or `None` for a header with no letters or
/// digits. Blank rows are left out. The header is found as an import finds it (report lines
/// above it skipped, or `header_row`); for a spreadsheet, in the sheet an import would read.
pub fn preview(path: &Path, options: &ImportOptions, rows: usize) -> Result<Preview, ImportError> {
    let checked = check_options(options)?;
    if xlsx::is_spreadsheet(path) {
        let mut book = xlsx::open(path)?;
        let sheets = book.sheet_names();
        let check = report_shape::roster_check(&checked.mapping);
        let sheet = book.choose(options.sheet.as_deref(), options.header_row, &check)?;
        let (name, csv, sheet_options) = spreadsheet_input(path, &sheet, options);
        let mut preview = preview_text(&name, path, &sheet_options, &checked, rows, &mut || Ok(csv.as_slice()))?;
        preview.sheets = sheets;
        preview.sheet = Some(sheet.name);
        return Ok(preview);
    }
    let name = path.display().to_string();
    preview_text(&name, path, options, &checked, rows, &mut || File::open(path))
}

fn preview_text<R: Read>(
    name: &str,
    path: &Path,
    options: &ImportOptions,
    checked: &Checked,
    rows: usize,
    open: &mut dyn FnMut() -> io::Result<R>,
) -> Result<Preview, ImportError> {
    let name = name.to_string();
    with_decoded(&name, path, open, &mut |mut input| {
        let delimiter = match options.delimiter {
            Some(d) => d,
            None => RecordReader::detect_delimiter(&mut input)?,
        };
        let mut reader = RecordReader::new(input, delimiter, MAX_COLUMNS + 1);
        let mut rec = Record::default();
        let check = report_shape::roster_check(&checked.mapping);
        let found = report_shape::find_header(&mut reader, &mut rec, &name, options.header_row, &check)?;
        let Some((headers, skipped)) = found else {
            return Err(FileError::Import(ImportError::Empty { file: name.clone() }));
        };
        let header_line = rec.line;
        let mapped: Vec<Option<String>> =
            headers.iter().map(|h| Some(map_header(h, &checked.mapping).0).filter(|n| !n.is_empty())).collect();
        let missing = super::missing_required(|req| mapped.iter().flatten().any(|m| m == req))
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut out_rows = Vec::new();
        let mut trailers = Vec::new();
        while out_rows.len() < rows && reader.read(&mut rec)? {
            let text = String::from_utf8_lossy(rec.bytes());
            if rec.oversized.is_empty() && text.trim().is_empty() {
                continue;
            }
            // A report's totals and notices below the table are not shown as people (an
            // import skips them when they do not read as a person).
            let cells = (0..rec.stored()).map(|i| rec.range(i).and_then(|r| text.get(r)).unwrap_or(""));
            if let Some(what) = report_shape::trailer(cells.clone()) {
                let text = report_shape::joined(cells);
                trailers.push(report_shape::Skipped { line: rec.line, text, what });
                continue;
            }
            let fields = (0..rec.stored())
                .map(|i| {
                    let mut field = rec.range(i).and_then(|r| text.get(r)).unwrap_or("").to_string();
                    if let Some(error) = field.strip_prefix(xlsx::ERROR_MARK) {
                        field = error.to_string();
                    }
                    if rec.oversized.iter().any(|(f, _)| *f == i) {
                        field.push('…');
                    }
                    field
                })
                .collect();
            out_rows.push(fields);
        }
        let input = reader.input();
        let mut warnings: Vec<String> = encoding_warning(&name, input.found(), input.replaced()).into_iter().collect();
        warnings.extend(report_shape::warnings(&name, &skipped));
        warnings.extend(report_shape::warnings(&name, &trailers));
        Ok(Preview {
            headers,
            mapped,
            rows: out_rows,
            delimiter,
            missing,
            warnings,
            header_line,
            sheets: Vec::new(),
            sheet: None,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::super::values::DecimalMark;
    use super::*;

    #[test]
    fn a_decimal_comma_is_guessed_only_from_cells_the_point_cannot_read() {
        assert_eq!(guess_decimal(["1234,5", "", "1.234,56"], DecimalMark::Point), Some(DecimalSeparator::Comma));
        // `1,234` reads either way: no evidence; a cell neither reads: no guess.
        assert_eq!(guess_decimal(["1,234", "15000"], DecimalMark::Point), None);
        assert_eq!(guess_decimal(["1234,5", "N/A"], DecimalMark::Point), None);
        assert_eq!(guess_decimal(["1,234.50"], DecimalMark::Comma), Some(DecimalSeparator::Point));
        assert_eq!(guess_decimal(["1.234,50"], DecimalMark::Comma), None);
    }
}

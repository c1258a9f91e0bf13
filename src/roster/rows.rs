//! Reading one file: header, then every row into an [`Employee`] or into issues.
//!
//! Metric columns are classified while streaming: a cell that is not a number is only *pending*
//! until the end of the file, when the column's counts say whether it is a numeric column (the
//! pending cells become issues) or a text column (ignored, with a warning, unless a plan reads
//! it: [`super::PlanColumns::reads`]). Pending cells are kept
//! compactly, and at most [`ISSUE_CAP`] + 1 per column unless bad rows are being skipped.

use foldhash::HashMap;
use std::io::Read;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::columns::{self, Column, HeaderProblem, Kind, Mapping};
use super::decode::{DecodedInput, Found, SourceError};
use super::import::{DecimalSeparator, ImportError, ImportOptions, RowIssue};
use super::records::{FIELD_LIMIT, Record, RecordReader};
use super::report_shape;
use super::values::{
    CurrencyMark, DecimalMark, NumberError, parse_amount, parse_currency, parse_date, plain_number, shorten,
};
use super::{ColumnRead, Contact, CurrencySymbol, Employee, ReadAs, SourceRef, Text};

/// Issues listed in an error before the rest are summarised.
pub(super) const ISSUE_CAP: usize = 1000;

/// Columns a header may have.
pub(super) const MAX_COLUMNS: usize = 4096;

/// Fields kept beyond the header's count, to show a ragged row.
const RAGGED_EXTRA_FIELDS: usize = 16;

/// Characters of a cell shown in an issue.
const VALUE_CHARS: usize = 200;

/// Distinct currency cells whose code a file's parser remembers.
const CURRENCIES_KEPT: usize = 8;

/// What a file is read with, and what is known from the files before it.
pub(super) struct FileContext<'a> {
    /// The file's display name.
    pub name: &'a str,
    /// Its index in the roster's sources.
    pub index: u32,
    pub options: &'a ImportOptions,
    pub mapping: &'a Mapping,
    /// Ids of the files read before, for duplicates across files.
    pub known_ids: &'a HashMap<Text, SourceRef>,
    /// Names of the files read before (and this one), for messages.
    pub sources: &'a [String],
    /// The rows are a spreadsheet's (see `xlsx`): issues name the cell (`D5`), and error cells
    /// are marked.
    pub spreadsheet: bool,
    /// Where the people go as they are read, block by block, instead of being kept
    /// ([`super::import::stream_files`]); `None` keeps them in [`FileResult::employees`].
    pub sink: Option<&'a (dyn Fn(super::import::Streamed) + Sync)>,
}

/// An issue and where it sorts.
pub(super) struct Ordered {
    line: u64,
    field: usize,
    pub issue: RowIssue,
}

/// What reading a file produced.
pub(super) struct FileResult {
    /// The people, with metrics indexed like `metrics` (text columns still included).
    pub employees: Vec<Employee>,
    /// The file's metric columns in header order.
    pub metrics: Vec<String>,
    /// Which of those turned out to be text columns.
    pub text: Vec<bool>,
    /// The ids first seen in this file.
    pub ids: HashMap<Text, SourceRef>,
    /// Issues in line order (at most [`ISSUE_CAP`] + 1 kept per kind unless skipping bad rows).
    pub issues: Vec<RowIssue>,
    /// Issues counted but not kept.
    pub unlisted: usize,
    pub warnings: Vec<String>,
    /// Which mapping entries matched a header.
    pub used_mapping: Vec<bool>,
    /// The encoding the file turned out to have.
    pub found: Found,
    /// Whether malformed UTF-16 was replaced.
    pub replaced: bool,
}

/// Why a file could not be read.
pub(super) enum FileError {
    Source(SourceError),
    Import(ImportError),
}

impl From<SourceError> for FileError {
    fn from(e: SourceError) -> Self {
        FileError::Source(e)
    }
}

/// A metric cell that is not a number, pending the column's classification.
struct Pending {
    line: u64,
    field: usize,
    metric: usize,
    employee: Option<usize>,
    value: String,
    error: NumberError,
}

#[derive(Default, Clone)]
struct MetricStats {
    numeric: u64,
    text: u64,
    /// Pending cells counted but not kept (beyond the cap).
    unlisted: usize,
    kept: usize,
}

/// The decimal mark a file's numbers use.
pub(super) fn decimal_mark(option: DecimalSeparator, delimiter: u8) -> DecimalMark {
    match option {
        DecimalSeparator::Point => DecimalMark::Point,
        DecimalSeparator::Comma => DecimalMark::Comma,
        DecimalSeparator::Auto if delimiter == b';' => DecimalMark::Comma,
        DecimalSeparator::Auto => DecimalMark::Point,
    }
}

/// Reads the header row: the first record with content. `None` when the file has none.
pub(super) fn read_header<R: Read>(
    reader: &mut RecordReader<R>,
    rec: &mut Record,
    file: &str,
) -> Result<Option<Vec<String>>, FileError> {
    loop {
        match reader.read(rec) {
            Ok(true) => {}
            Ok(false) => return Ok(None),
            Err(SourceError::Unterminated { line, field, start, .. }) => {
                return Err(FileError::Import(ImportError::UnterminatedQuote {
                    file: file.to_string(),
                    line,
                    column: format!("header {}", field + 1),
                    start,
                }));
            }
            Err(e) => return Err(e.into()),
        }
        let text = std::str::from_utf8(rec.bytes()).unwrap_or("");
        if rec.oversized.is_empty() && text.trim_matches(is_blank).is_empty() {
            continue;
        }
        if rec.count > MAX_COLUMNS {
            return Err(FileError::Import(ImportError::Malformed {
                file: file.to_string(),
                line: rec.line,
                reason: format!(
                    "the header row has {} columns; at most {MAX_COLUMNS} are supported. Is this \
                     a roster CSV file?",
                    rec.count
                ),
            }));
        }
        if let Some((field, len)) = rec.oversized.first() {
            return Err(FileError::Import(ImportError::Malformed {
                file: file.to_string(),
                line: rec.line,
                reason: format!(
                    "header {} is {len} bytes long (limit {FIELD_LIMIT}); is a closing quote \
                     missing?",
                    field + 1
                ),
            }));
        }
        let headers = (0..rec.stored())
            .map(|i| {
                let h = rec.range(i).and_then(|r| text.get(r)).unwrap_or("");
                let h = if i == 0 { h.trim_start_matches('\u{FEFF}') } else { h };
                h.to_string()
            })
            .collect();
        return Ok(Some(headers));
    }
}

fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

/// Reads a whole file from decoded input.
pub(super) fn parse_file<R: Read>(ctx: &FileContext<'_>, mut input: DecodedInput<R>) -> Result<FileResult, FileError> {
    let delimiter = match ctx.options.delimiter {
        Some(d) => d,
        None => RecordReader::detect_delimiter(&mut input)?,
    };
    let mut reader = RecordReader::new(input, delimiter, MAX_COLUMNS + 1);
    let mut rec = Record::default();
    let check = report_shape::roster_check(ctx.mapping);
    let found = report_shape::find_header(&mut reader, &mut rec, ctx.name, ctx.options.header_row, &check)?;
    let Some((headers, skipped)) = found else {
        return Err(FileError::Import(ImportError::Empty { file: ctx.name.to_string() }));
    };
    let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let layout = columns::resolve(&header_refs, ctx.mapping).map_err(|problem| {
        FileError::Import(match problem {
            HeaderProblem::Duplicate { column, first, second } => {
                ImportError::DuplicateColumn { file: ctx.name.to_string(), column, first, second }
            }
            HeaderProblem::Missing { missing, found, likely } => ImportError::MissingColumns {
                file: ctx.name.to_string(),
                other_sheets: Vec::new(),
                missing,
                found,
                likely,
            },
        })
    })?;
    // A few fields beyond the header are kept, to show ragged rows as written.
    reader.max_fields = layout.columns.len() + RAGGED_EXTRA_FIELDS;
    if let Some(sink) = ctx.sink {
        sink(super::import::Streamed::File { index: ctx.index, metrics: layout.metrics.clone() });
    }
    let parser = Parser {
        ctx,
        columns: &layout.columns,
        delimiter,
        mark: decimal_mark(ctx.options.decimal, delimiter),
        date_format: ctx.options.date_format.as_deref(),
        employees: Vec::new(),
        ids: HashMap::default(),
        interned: HashMap::default(),
        definite: Vec::new(),
        definite_unlisted: 0,
        any_definite: false,
        pending: Vec::new(),
        stats: vec![MetricStats::default(); layout.metrics.len()],
        unnamed_values: vec![0; layout.columns.len()],
        row_issues: Vec::new(),
        values: Vec::with_capacity(layout.metrics.len()),
        marks: Vec::new(),
        reads: layout.metrics.iter().map(|m| ctx.options.plan_columns.reading(m)).collect(),
        currencies: Vec::new(),
        data_rows: 0,
        skipped,
        compose_name: if layout.columns.iter().any(|c| c.kind == Kind::Name) {
            None
        } else {
            layout.columns.iter().position(|c| matches!(c.kind, Kind::FirstName | Kind::LastName))
        },
    };
    let parser = read_rows(&mut reader, rec, parser).map_err(|e| match e {
        FileError::Source(SourceError::Unterminated { line, field, start, .. }) => {
            let column = format!(
                "column {}",
                layout.columns.get(field).map_or_else(|| (field + 1).to_string(), |c| c.label(field))
            );
            FileError::Import(ImportError::UnterminatedQuote { file: ctx.name.to_string(), line, column, start })
        }
        other => other,
    })?;
    if parser.data_rows == 0 {
        return Err(FileError::Import(ImportError::HeaderOnly { file: ctx.name.to_string() }));
    }
    let mut parser = parser;
    parser.hand_over(true);
    let mut result = parser.finish(layout.metrics, layout.used_mapping);
    result.found = reader.input().found();
    result.replaced = reader.input().replaced();
    Ok(result)
}

/// Records handed from the reading thread to the parsing thread at a time.
const BATCH: usize = 512;

/// Feeds every record to `parser`: this thread splits the text into records while another
/// parses the previous batch's cells, so an import uses two cores (splitting is about a quarter
/// of the work). Batches travel back to be refilled, so records' buffers are reused.
fn read_rows<'a, R: Read>(
    reader: &mut RecordReader<R>,
    first: Record,
    mut parser: Parser<'a>,
) -> Result<Parser<'a>, FileError> {
    std::thread::scope(|scope| {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<(Vec<Record>, usize)>(2);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<Record>>();
        let parsing = scope.spawn(move || {
            for (batch, len) in full_rx {
                for rec in batch.iter().take(len) {
                    parser.row(rec);
                }
                // The reader may have finished already; the batch is then simply dropped.
                empty_tx.send(batch).ok();
            }
            parser
        });
        let mut batch = vec![first];
        let read = loop {
            if batch.len() < BATCH {
                batch.resize_with(BATCH, Record::default);
            }
            let mut len = 0;
            let mut outcome = Ok(true);
            for rec in &mut batch {
                outcome = reader.read(rec);
                if !matches!(outcome, Ok(true)) {
                    break;
                }
                len += 1;
            }
            if len > 0 && full_tx.send((batch, len)).is_err() {
                break Ok(());
            }
            match outcome {
                Ok(true) => batch = empty_rx.try_recv().unwrap_or_default(),
                Ok(false) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        drop(full_tx);
        let parser = parsing.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read.map(|()| parser).map_err(FileError::from)
    })
}

struct Parser<'a> {
    ctx: &'a FileContext<'a>,
    columns: &'a [Column],
    delimiter: u8,
    mark: DecimalMark,
    date_format: Option<&'a str>,
    employees: Vec<Employee>,
    ids: HashMap<Text, SourceRef>,
    /// One shared copy of each distinct role, team and manager.
    interned: HashMap<Box<str>, Text>,
    definite: Vec<Ordered>,
    definite_unlisted: usize,
    any_definite: bool,
    pending: Vec<Pending>,
    stats: Vec<MetricStats>,
    unnamed_values: Vec<u64>,
    row_issues: Vec<Ordered>,
    values: Vec<Option<Decimal>>,
    /// The currency codes and symbols of the row's cells: (field, what it says).
    marks: Vec<(usize, CurrencyMark)>,
    /// Per metric column, how the plans read it (money refuses a `%`), if they do.
    reads: Vec<Option<ColumnRead>>,
    /// Currency cells read so far and the code each reads as ([`parse_currency`] of the same
    /// text), a few at most: a roster's rows repeat a handful of currencies.
    currencies: Vec<(Box<str>, String)>,
    data_rows: u64,
    /// Report lines skipped: above the header, and trailers (totals, notices) below it.
    skipped: Vec<report_shape::Skipped>,
    /// With no name column: the field of the first-name (else last-name) column the name is
    /// composed from.
    compose_name: Option<usize>,
}

/// The typed values of one row's canonical columns.
#[derive(Default)]
struct Cells<'t> {
    id: Option<(&'t str, usize, &'t str)>,
    name: &'t str,
    first_name: &'t str,
    last_name: &'t str,
    email: &'t str,
    role: &'t str,
    team: &'t str,
    manager: &'t str,
    currency: Option<String>,
    currency_symbol: Option<CurrencySymbol>,
    base_salary: Option<Decimal>,
    target_incentive: Option<Decimal>,
    quota: Option<Decimal>,
    start_date: Option<chrono::NaiveDate>,
    end_date: Option<(chrono::NaiveDate, usize, &'t str)>,
}

impl Parser<'_> {
    fn issue(&mut self, line: u64, field: usize, value: &str, reason: String) {
        let mut column = self.columns.get(field).map_or_else(|| format!("column {}", field + 1), |c| c.label(field));
        if self.ctx.spreadsheet {
            column = super::xlsx::with_cell_ref(column, field, line);
        }
        self.row_issues.push(Ordered {
            line,
            field,
            issue: RowIssue {
                file: self.ctx.name.to_string(),
                line,
                column,
                value: shorten(value, VALUE_CHARS),
                reason,
            },
        });
    }

    /// Moves the row's issues to the file's, in field order.
    fn flush_row_issues(&mut self) {
        if self.row_issues.is_empty() {
            return;
        }
        self.any_definite = true;
        self.row_issues.sort_by_key(|o| o.field);
        for issue in self.row_issues.drain(..) {
            if self.ctx.options.skip_bad_rows || self.definite.len() <= ISSUE_CAP {
                self.definite.push(issue);
            } else {
                self.definite_unlisted += 1;
            }
        }
    }

    fn row(&mut self, rec: &Record) {
        let line = rec.line;
        let Ok(text) = std::str::from_utf8(rec.bytes()) else {
            self.data_rows += 1;
            self.issue(line, 0, "", "the row is not valid text".to_string());
            self.flush_row_issues();
            return;
        };
        if rec.oversized.is_empty() && text.trim_matches(is_blank).is_empty() {
            return;
        }
        self.data_rows += 1;
        if !rec.oversized.is_empty() {
            for &(field, len) in &rec.oversized {
                let prefix = rec.range(field).and_then(|r| text.get(r)).unwrap_or("");
                self.issue(
                    line,
                    field,
                    &format!("{prefix}…"),
                    format!(
                        "field is {len} bytes long (limit {FIELD_LIMIT}); is a closing quote \
                         missing?"
                    ),
                );
            }
            self.flush_row_issues();
            return;
        }
        if rec.count != self.columns.len() {
            self.ragged(rec, text);
            if !self.trailer(rec, text, self.pending.len()) {
                self.flush_row_issues();
            }
            return;
        }
        let first_pending = self.pending.len();
        if self.ctx.spreadsheet && text.contains(super::xlsx::ERROR_MARK) && self.spreadsheet_errors(rec, text) {
            if !self.trailer(rec, text, first_pending) {
                self.flush_row_issues();
            }
            return;
        }
        let cells = self.cells(rec, text, line);
        let id: Text = Arc::from(cells.id.map_or("", |(id, _, _)| id));
        if let Some((_, field, cell)) = cells.id {
            self.check_duplicate(&id, field, cell, line);
        }
        let has_issues = !self.row_issues.is_empty();
        if has_issues && self.trailer(rec, text, first_pending) {
            return;
        }
        self.flush_row_issues();
        let build = !has_issues && (self.ctx.options.skip_bad_rows || !self.any_definite);
        if !build {
            return;
        }
        let index = self.employees.len();
        for p in self.pending.get_mut(first_pending..).unwrap_or(&mut []) {
            p.employee = Some(index);
        }
        let role = self.intern(cells.role, true);
        let team = self.intern(cells.team, false);
        let manager = self.intern(cells.manager, false);
        let name: Text = match self.compose_name {
            Some(_) => Arc::from(format!("{} {}", cells.first_name, cells.last_name).trim()),
            None => Arc::from(cells.name),
        };
        let given = |s: &str| (!s.is_empty()).then(|| Arc::from(s));
        self.employees.push(Employee {
            id,
            name,
            contact: Contact::boxed(given(cells.first_name), given(cells.last_name), given(cells.email)),
            role,
            team,
            manager,
            currency: cells.currency,
            currency_symbol: cells.currency_symbol,
            base_salary: cells.base_salary,
            target_incentive: cells.target_incentive,
            quota: cells.quota,
            start_date: cells.start_date,
            end_date: cells.end_date.map(|(d, _, _)| d),
            metrics: self.values.clone(),
            source: SourceRef { file: self.ctx.index, line },
        });
        self.hand_over(false);
    }

    /// When streaming, hands the people read so far to the sink: once a block is full, or
    /// (`last`) at the end of the file. Nobody handed over is taken back later: streaming is
    /// refused with `--skip-bad-rows`, the only case where people are removed at the end.
    fn hand_over(&mut self, last: bool) {
        let Some(sink) = self.ctx.sink else { return };
        if self.employees.is_empty() || (!last && self.employees.len() < super::import::STREAM_BLOCK) {
            return;
        }
        let capacity = if last { 0 } else { super::import::STREAM_BLOCK };
        sink(super::import::Streamed::People(std::mem::replace(&mut self.employees, Vec::with_capacity(capacity))));
    }

    /// With no name column, the name is composed of first and last name: both blank is refused.
    fn composed_name(&mut self, cells: &Cells<'_>, line: u64) {
        if cells.first_name.is_empty() && cells.last_name.is_empty() {
            let field = self.compose_name.unwrap_or(0);
            self.issue(
                line,
                field,
                "",
                "must not be blank (with no name column, the name is the first and last name, and both are blank)"
                    .to_string(),
            );
        }
    }

    /// A row that would be refused is skipped (and listed) instead when it is a report's
    /// trailer: a totals row, a confidentiality notice, a copyright line. Returns whether it was.
    fn trailer(&mut self, rec: &Record, text: &str, first_pending: usize) -> bool {
        let cells = (0..rec.stored()).map(|i| rec.range(i).and_then(|r| text.get(r)).unwrap_or(""));
        let Some(what) = report_shape::trailer(cells.clone()) else {
            return false;
        };
        self.row_issues.clear();
        self.pending.truncate(first_pending);
        self.data_rows = self.data_rows.saturating_sub(1);
        let text = report_shape::joined(cells.map(|c| c.trim_start_matches(super::xlsx::ERROR_MARK)));
        self.skipped.push(report_shape::Skipped { line: rec.line, text, what });
        true
    }

    /// A spreadsheet row with error cells (`#DIV/0!`, `#N/A`, marked by the reader): each one in
    /// a named column is refused, with the cell named. Returns whether any was (errors in
    /// columns that are not imported don't matter).
    fn spreadsheet_errors(&mut self, rec: &Record, text: &str) -> bool {
        for field in 0..rec.stored() {
            let cell = rec.range(field).and_then(|r| text.get(r)).unwrap_or("");
            let Some(error) = cell.strip_prefix(super::xlsx::ERROR_MARK) else { continue };
            if self.columns.get(field).is_some_and(|c| c.kind == Kind::Unnamed) {
                continue;
            }
            let reason = super::xlsx::error_reason(error);
            self.issue(rec.line, field, error, reason);
        }
        !self.row_issues.is_empty()
    }

    fn ragged(&mut self, rec: &Record, text: &str) {
        let fields: Vec<&str> =
            (0..rec.stored()).map(|i| rec.range(i).and_then(|r| text.get(r)).unwrap_or("")).collect();
        let quote_hint = if fields.iter().any(|f| f.contains('\n')) { "; is a closing quote missing?" } else { "" };
        let delimiter = match self.delimiter {
            b'\t' => "tab".to_string(),
            d => format!("`{}`", char::from(d)),
        };
        let mut joined = fields.join(&char::from(self.delimiter).to_string());
        if rec.count > fields.len() {
            joined.push('…');
        }
        let reason = format!(
            "the row has {} fields but the header has {}; quote values that contain the \
             delimiter ({delimiter}){quote_hint}",
            rec.count,
            self.columns.len()
        );
        self.row_issues.push(Ordered {
            line: rec.line,
            field: 0,
            issue: RowIssue {
                file: self.ctx.name.to_string(),
                line: rec.line,
                column: "(row)".to_string(),
                value: shorten(&joined, VALUE_CHARS),
                reason,
            },
        });
    }

    /// The shared copy of a repeated value (roles are lowercased, so `Sales` matches `sales`).
    fn intern(&mut self, value: &str, lowercase: bool) -> Text {
        if let Some(t) = self.interned.get(value) {
            return Arc::clone(t);
        }
        let text: Text = if lowercase { Arc::from(value.to_lowercase()) } else { Arc::from(value) };
        if self.interned.len() < 100_000 {
            self.interned.insert(Box::from(value), Arc::clone(&text));
        }
        text
    }

    fn check_duplicate(&mut self, id: &Text, field: usize, cell: &str, line: u64) {
        let earlier = if self.ctx.known_ids.is_empty() { None } else { self.ctx.known_ids.get(&**id) }
            .or_else(|| self.ids.get(&**id))
            .copied();
        match earlier {
            Some(at) => {
                let file = self.ctx.sources.get(at.file as usize).map_or(self.ctx.name, String::as_str);
                let reason = format!("duplicate employee_id: also at {file}:{}", at.line);
                self.issue(line, field, cell, reason);
            }
            None => {
                self.ids.insert(Arc::clone(id), SourceRef { file: self.ctx.index, line });
            }
        }
    }

    fn required<'t>(&mut self, cell: &'t str, field: usize, line: u64) -> &'t str {
        let v = cell.trim();
        if v.is_empty() {
            self.issue(line, field, cell, "must not be blank".to_string());
        }
        v
    }

    /// Why money written as `cell` reads two ways in this file ([`ambiguous_money`]).
    fn ambiguous_money(&self, cell: &str) -> Option<String> {
        ambiguous_money(cell, self.ctx.options.decimal, self.mark)
    }

    /// A money cell; `percent` is why one written as a percentage is refused.
    fn money(&mut self, cell: &str, field: usize, line: u64, percent: &str) -> Option<Decimal> {
        if let Some(reason) = self.ambiguous_money(cell) {
            self.issue(line, field, cell, reason);
            return None;
        }
        // Most cells: digits and a point, which `parse_amount` reads as this number, with no
        // sign, currency or percent to check.
        if let Some(value) = plain_number(cell, self.mark) {
            return Some(value);
        }
        match parse_amount(cell, self.mark) {
            Ok(a) if a.percent => {
                self.issue(line, field, cell, percent.to_string());
                None
            }
            Ok(a) if a.value.is_sign_negative() && !a.value.is_zero() => {
                self.issue(line, field, cell, "must not be negative".to_string());
                None
            }
            Ok(a) => {
                if let Some(mark) = a.currency {
                    self.marks.push((field, mark));
                }
                Some(a.value)
            }
            Err(NumberError::Empty) => None,
            Err(e) => {
                self.issue(line, field, cell, e.to_string());
                None
            }
        }
    }

    fn date(&mut self, cell: &str, field: usize, line: u64) -> Option<chrono::NaiveDate> {
        if cell.trim().is_empty() {
            return None;
        }
        match parse_date(cell, self.date_format) {
            Ok(d) => Some(d),
            Err(e) => {
                self.issue(line, field, cell, e.to_string());
                None
            }
        }
    }

    fn metric(&mut self, cell: &str, metric: usize, field: usize, line: u64) -> Option<Decimal> {
        let skip = self.ctx.options.skip_bad_rows;
        // Borrowed, not cloned: this runs for every metric cell of every row, and a clone
        // copies the `by` text of each column a plan reads.
        let kind = self.reads.get(metric).and_then(Option::as_ref).map(|r| r.kind);
        let is_money = kind == Some(ReadAs::Money);
        let ambiguous = if is_money { self.ambiguous_money(cell) } else { None };
        let stats = self.stats.get_mut(metric)?;
        // Most cells: blank (0, as `parse_amount`'s `Empty` below), or digits and a point, which
        // `parse_amount` reads as this number with no percent or currency to check.
        if cell.is_empty() {
            return Some(Decimal::ZERO);
        }
        if ambiguous.is_none()
            && let Some(value) = plain_number(cell, self.mark)
        {
            stats.numeric += 1;
            return Some(value);
        }
        match parse_amount(cell, self.mark) {
            Ok(a) => {
                stats.numeric += 1;
                if a.percent && is_money {
                    let column = self.columns.get(field).map_or("", |c| c.name.as_str());
                    let reason = percent_is_not_money(column, self.reads.get(metric).and_then(Option::as_ref));
                    self.issue(line, field, cell, reason);
                    return None;
                }
                if a.percent
                    && let Some(count) =
                        self.reads.get(metric).and_then(Option::as_ref).filter(|r| r.kind == ReadAs::Count)
                {
                    let column = self.columns.get(field).map_or("", |c| c.name.as_str());
                    let reason = percent_in_a_count(column, count);
                    self.issue(line, field, cell, reason);
                    return None;
                }
                if let Some(reason) = ambiguous {
                    self.issue(line, field, cell, reason);
                    return None;
                }
                if let Some(mark) = a.currency {
                    // A count's currency would become the row's currency: refused instead.
                    if let Some(count) =
                        self.reads.get(metric).and_then(Option::as_ref).filter(|r| r.kind == ReadAs::Count)
                    {
                        let column = self.columns.get(field).map_or("", |c| c.name.as_str());
                        let reason = currency_in_a_count(column, count, a.value);
                        self.issue(line, field, cell, reason);
                        return None;
                    }
                    self.marks.push((field, mark));
                }
                Some(a.value)
            }
            Err(NumberError::Empty) => Some(Decimal::ZERO),
            Err(error) => {
                if error.looks_numeric() {
                    stats.numeric += 1;
                } else {
                    stats.text += 1;
                }
                if skip || stats.kept <= ISSUE_CAP {
                    stats.kept += 1;
                    self.pending.push(Pending {
                        line,
                        field,
                        metric,
                        employee: None,
                        value: shorten(cell, VALUE_CHARS),
                        error,
                    });
                } else {
                    stats.unlisted += 1;
                }
                None
            }
        }
    }

    fn cells<'t>(&mut self, rec: &Record, text: &'t str, line: u64) -> Cells<'t> {
        let mut cells = Cells::default();
        self.marks.clear();
        self.values.clear();
        self.values.resize(self.stats.len(), None);
        for (field, column) in self.columns.iter().enumerate() {
            let Some(cell) = rec.range(field).and_then(|r| text.get(r)) else {
                continue;
            };
            match column.kind {
                Kind::Id => {
                    let id = self.required(cell, field, line);
                    if !id.is_empty() {
                        cells.id = Some((id, field, cell));
                    }
                }
                Kind::Name => cells.name = self.required(cell, field, line),
                Kind::Role => cells.role = self.required(cell, field, line),
                Kind::Team => cells.team = cell.trim(),
                Kind::FirstName => cells.first_name = cell.trim(),
                Kind::LastName => cells.last_name = cell.trim(),
                Kind::Email => cells.email = cell.trim(),
                Kind::Manager => cells.manager = cell.trim(),
                Kind::Currency => match self.currencies.iter().find(|(seen, _)| **seen == *cell) {
                    Some((_, code)) => cells.currency = Some(code.clone()),
                    None => match parse_currency(cell) {
                        Ok(code) => {
                            if let Some(code) = &code
                                && self.currencies.len() < CURRENCIES_KEPT
                            {
                                self.currencies.push((Box::from(cell), code.clone()));
                            }
                            cells.currency = code;
                        }
                        Err(e) => self.issue(line, field, cell, e.to_string()),
                    },
                },
                Kind::BaseSalary => cells.base_salary = self.money(cell, field, line, PERCENT_IS_NOT_MONEY),
                Kind::TargetIncentive => {
                    cells.target_incentive = self.money(cell, field, line, PERCENT_IS_NOT_A_TARGET_INCENTIVE);
                }
                Kind::Quota => cells.quota = self.money(cell, field, line, PERCENT_IS_NOT_MONEY),
                Kind::StartDate => cells.start_date = self.date(cell, field, line),
                Kind::EndDate => {
                    cells.end_date = self.date(cell, field, line).map(|d| (d, field, cell));
                }
                Kind::Metric(m) => {
                    let value = self.metric(cell, m, field, line);
                    if let Some(slot) = self.values.get_mut(m) {
                        *slot = value;
                    }
                }
                Kind::Unnamed => {
                    if !cell.trim().is_empty()
                        && let Some(n) = self.unnamed_values.get_mut(field)
                    {
                        *n += 1;
                    }
                }
            }
        }
        if self.compose_name.is_some() {
            self.composed_name(&cells, line);
        }
        if let (Some(start), Some((end, field, cell))) = (cells.start_date, cells.end_date)
            && end < start
        {
            self.issue(line, field, cell, format!("end_date {end} is before start_date {start}"));
        }
        if !self.marks.is_empty() {
            self.row_currency(&mut cells, rec, text, line);
        }
        cells
    }

    /// Checks the currencies the row's cells are written in against each other and against the
    /// `currency` column: a code or an unambiguous symbol names the row's currency (when the
    /// column does not); a cell that names another one, or whose symbol cannot stand for it, is
    /// refused. A symbol that stands for several currencies, with none named, is kept for the
    /// engine to check against the plan's currency.
    fn row_currency(&mut self, cells: &mut Cells<'_>, rec: &Record, text: &str, line: u64) {
        let marks = std::mem::take(&mut self.marks);
        let cell_at = |field: usize| rec.range(field).and_then(|r| text.get(r)).unwrap_or("");
        let label = |field: usize| self.columns.get(field).map_or_else(|| format!("{}", field + 1), |c| c.label(field));
        let from_column = cells.currency.clone();
        // The currency named first: the column's, else the first cell's code.
        let mut named: Option<(String, Option<usize>)> = from_column.map(|c| (c, None));
        for &(field, mark) in &marks {
            let CurrencyMark::Code(code) = mark else { continue };
            match &named {
                None => named = Some((code.to_string(), Some(field))),
                Some((row, source)) if row != code => {
                    let reason = match source {
                        None => format!(
                            "the amount is in {code} but the row's currency column says {row}; write it in {row} \
                             or correct the currency column"
                        ),
                        Some(other) => format!(
                            "the amount is in {code} but column {} of this row is in {row}; a row's amounts must \
                             all be in one currency",
                            label(*other)
                        ),
                    };
                    self.issue(line, field, cell_at(field), reason);
                }
                Some(_) => {}
            }
        }
        let mut symbol: Option<(super::values::AmbiguousSymbol, usize)> = None;
        for &(field, mark) in &marks {
            let CurrencyMark::Ambiguous(sym) = mark else { continue };
            let reason = match (&named, symbol) {
                (Some((row, source)), _) if !sym.allows(row) => {
                    let whose = match source {
                        None => "the row's currency column says".to_string(),
                        Some(other) => format!("column {} of this row is in", label(*other)),
                    };
                    format!(
                        "`{}` stands for {}, but {whose} {row}; write the amount in {row} with its code \
                         (e.g. `100 {row}`)",
                        sym.symbol,
                        sym.describe()
                    )
                }
                (None, Some((first, other))) if first.currencies != sym.currencies => format!(
                    "`{}` and the `{}` of column {} cannot be one currency; write the currency code in the \
                     cells (e.g. `100 {}`) or add a currency column",
                    sym.symbol,
                    first.symbol,
                    label(other),
                    sym.currencies.first().copied().unwrap_or("USD")
                ),
                (None, None) => {
                    symbol = Some((sym, field));
                    continue;
                }
                _ => continue,
            };
            self.issue(line, field, cell_at(field), reason);
        }
        match named {
            Some((code, Some(_))) => cells.currency = Some(code),
            Some(_) => {}
            None => {
                cells.currency_symbol =
                    symbol.map(|(symbol, field)| CurrencySymbol { symbol, column: Arc::from(label(field).as_str()) });
            }
        }
        self.marks = marks;
    }

    fn finish(self, metrics: Vec<String>, used_mapping: Vec<bool>) -> FileResult {
        let name = self.ctx.name;
        let skip = self.ctx.options.skip_bad_rows;
        // A column a plan reads is never left out: its cells that are not numbers are refused.
        let planned = |m: usize| metrics.get(m).is_some_and(|name| self.ctx.options.plan_columns.reads(name));
        let text: Vec<bool> = self.stats.iter().enumerate().map(|(m, s)| s.text > s.numeric && !planned(m)).collect();
        // A column that looks like one of Carrot's (`Hire Date`) is named as that; not also as
        // text left out.
        let look_alikes = columns::look_alike_warnings(name, self.columns);
        let mut warnings = Vec::new();
        for (m, stats) in self.stats.iter().enumerate() {
            if text.get(m).copied().unwrap_or(false) {
                let metric = metrics.get(m).map_or("?", String::as_str);
                if look_alikes.iter().any(|(alike, _)| alike == metric) {
                    continue;
                }
                // The pending cells are in line order, and the first ones are always kept.
                let cells: Vec<(String, &str)> = self
                    .pending
                    .iter()
                    .filter(|p| p.metric == m && !p.error.looks_numeric())
                    .take(TEXT_CELLS_SHOWN)
                    .map(|p| (cell_place(self.ctx.spreadsheet, p.field, p.line), p.value.as_str()))
                    .collect();
                warnings.push(text_column_warning(name, metric, &cells, stats.text, stats.text + stats.numeric));
            }
        }
        for (m, stats) in self.stats.iter().enumerate() {
            if stats.numeric + stats.text == 0 {
                let metric = metrics.get(m).map_or("?", String::as_str);
                warnings.push(format!(
                    "{name}: column `{metric}` is blank in all {} row(s); a blank cell reads as 0, so a plan \
                     paying on it pays 0: fill it in, or remove the column",
                    self.data_rows
                ));
            }
        }
        for (field, count) in self.unnamed_values.iter().enumerate() {
            if *count > 0 {
                let header = self.columns.get(field).map_or("", |c| c.header.as_str());
                warnings.push(format!(
                    "{name}: column {} (header {header:?}) has no usable name, so its {count} \
                     value(s) were ignored; rename the header or map it with a column mapping",
                    field + 1
                ));
            }
        }
        warnings.extend(report_shape::warnings(name, &self.skipped));
        warnings.extend(look_alikes.into_iter().map(|(_, warning)| warning));
        let mut issues = self.definite;
        let mut unlisted = self.definite_unlisted;
        let mut remove = vec![false; if skip { self.employees.len() } else { 0 }];
        for p in self.pending {
            if text.get(p.metric).copied().unwrap_or(true) {
                continue;
            }
            if let Some(slot) = p.employee.and_then(|e| remove.get_mut(e)) {
                *slot = true;
            }
            let mut column = metrics.get(p.metric).cloned().unwrap_or_default();
            if self.ctx.spreadsheet {
                // As every other cell of a spreadsheet is named: `revenue (D5)`.
                column = super::xlsx::with_cell_ref(column, p.field, p.line);
            }
            issues.push(Ordered {
                line: p.line,
                field: p.field,
                issue: RowIssue {
                    file: name.to_string(),
                    line: p.line,
                    column,
                    value: p.value,
                    reason: metric_reason(&p.error),
                },
            });
        }
        for (m, stats) in self.stats.iter().enumerate() {
            if !text.get(m).copied().unwrap_or(true) {
                unlisted += stats.unlisted;
            }
        }
        issues.sort_by_key(|o| (o.line, o.field));
        let mut employees = self.employees;
        if remove.iter().any(|r| *r) {
            let mut flags = remove.into_iter();
            employees.retain(|_| !flags.next().unwrap_or(false));
        }
        FileResult {
            employees,
            metrics,
            text,
            ids: self.ids,
            issues: issues.into_iter().map(|o| o.issue).collect(),
            unlisted,
            warnings,
            used_mapping,
            found: Found::Utf8,
            replaced: false,
        }
    }
}

/// Why money written as `cell` cannot be read without knowing the decimal mark, when the
/// mark was not said (`option` is [`DecimalSeparator::Auto`]) but taken from the delimiter
/// (`read_with`): `12.000` in a `,` file is 12 with a decimal point, or 12,000 as a German sheet
/// exports it. Rosters, metrics files and deal lists refuse such money alike.
pub(super) fn ambiguous_money(cell: &str, option: DecimalSeparator, read_with: DecimalMark) -> Option<String> {
    if option != DecimalSeparator::Auto {
        return None;
    }
    let (mark, other, meant) = match read_with {
        DecimalMark::Point => ('.', ',', "point"),
        DecimalMark::Comma => (',', '.', "comma"),
    };
    // The number between its decorations (sign, currency, parentheses), digits and marks only
    // (`1.5E+06` is not grouped). Most cells are told apart in a few bytes from their end
    // (this runs for every money cell of every roster): the mark must sit three digits
    // before the last digit, and at most four bytes after the first.
    let bytes = cell.as_bytes();
    let last = bytes.iter().rposition(u8::is_ascii_digit)?;
    let mark_at = last.checked_sub(3)?;
    if bytes.get(mark_at) != Some(&(mark as u8)) {
        return None;
    }
    let first = bytes.iter().position(u8::is_ascii_digit)?;
    if mark_at > first + 3 {
        return None;
    }
    let number = cell.get(first..=last)?;
    if !number.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let (whole, fraction) = number.split_once(mark)?;
    // A first group of thousands never starts with 0 (`0.752` is a fraction).
    let grouped = (1..=3).contains(&whole.len())
        && !whole.starts_with('0')
        && fraction.len() == 3
        && !whole.contains(other)
        && fraction.bytes().all(|b| b.is_ascii_digit());
    grouped.then(|| {
        let decimals = fraction.trim_end_matches('0');
        let as_decimal = if decimals.is_empty() { whole.to_owned() } else { format!("{whole}{mark}{decimals}") };
        format!(
            "`{}` could be {as_decimal} (with a decimal {meant}) or {whole}{fraction} (with `{mark}` between \
             thousands); write {whole}{fraction} without the `{mark}`, or say how the file writes numbers with \
             --decimal point or --decimal comma",
            cell.trim()
        )
    })
}

/// Cells of a column left out as text that its warning names.
pub(super) const TEXT_CELLS_SHOWN: usize = 5;

/// Where a cell is, for a warning: `line 7` in a CSV file, `D7` in a spreadsheet.
pub(super) fn cell_place(spreadsheet: bool, field: usize, line: u64) -> String {
    if spreadsheet { format!("{}{line}", super::xlsx::column_letters(field)) } else { format!("line {line}") }
}

/// The warning for a metric column left out as text: how many of its values are not numbers,
/// and the first few of them with where they are (`cells`), so a column a plan then misses can
/// be mended cell by cell.
pub(super) fn text_column_warning(
    file: &str,
    column: &str,
    cells: &[(String, &str)],
    text: u64,
    values: u64,
) -> String {
    let mut listed: Vec<String> =
        cells.iter().map(|(place, value)| format!("{place} {:?}", shorten(value.trim(), 40))).collect();
    let more = text.saturating_sub(cells.len() as u64);
    if more > 0
        && let Some(last) = listed.pop()
    {
        listed.push(format!("{last} and {more} more"));
    }
    format!(
        "{file}: column `{column}` is text; ignored ({text} of {values} values are not numbers: {})",
        listed.join(", ")
    )
}

/// Why a money cell written as a percentage is refused.
pub(super) const PERCENT_IS_NOT_MONEY: &str =
    "a percentage is not an amount of money; write the amount itself (e.g. 12000), without %";

/// Why a target incentive written as a percentage (of base salary, as HRIS exports often give
/// it) is refused: Carrot cannot tell which salary and which part of the year it is of.
pub(super) const PERCENT_IS_NOT_A_TARGET_INCENTIVE: &str = "a percentage is not an amount of money; write the target incentive as the amount for the plan's period (a \
     target of 15% of an annual base salary of 80,000 is 12,000 a year, 3,000 a quarter), without %";

/// Why a cell written as a percentage in the money column `column` is refused, naming the plan
/// line that makes it money when a plan does.
pub(super) fn percent_is_not_money(column: &str, read: Option<&ColumnRead>) -> String {
    match read.and_then(|r| r.by.as_deref()) {
        Some(by) => format!(
            "a percentage is not an amount of money, and `{column}` is money: {by} pays on it; write the amount \
             itself (e.g. 12000), without %"
        ),
        None => PERCENT_IS_NOT_MONEY.to_string(),
    }
}

/// Why a cell of the count column `column` written with a currency (`€3`) is refused: it is not
/// money, and its currency must not become the row's.
pub(super) fn currency_in_a_count(column: &str, read: &ColumnRead, value: Decimal) -> String {
    let by = read.by.as_deref().unwrap_or("a per-unit line");
    format!(
        "a count has no currency: {by} pays per unit of `{column}`; write the number alone ({}), and give the \
         row's currency in a currency column or in its money cells",
        value.normalize()
    )
}

/// Why a cell of the count column `column` written as a percentage (`12%`) is refused: it
/// would be read as 0.12 of a unit and paid as such.
pub(super) fn percent_in_a_count(column: &str, read: &ColumnRead) -> String {
    let by = read.by.as_deref().unwrap_or("a per-unit line");
    format!(
        "a percentage is not a count: {by} pays per unit of `{column}`, and 12% would be paid as 0.12 of one; \
         write the number of units, without %"
    )
}

/// The reason for a bad metric cell, with how to fix it.
fn metric_reason(error: &NumberError) -> String {
    match error {
        NumberError::NotANumber => "not a number (metric columns hold numbers; leave the cell empty for 0)".to_string(),
        other => other.to_string(),
    }
}

//! People and results in separate files: `--metrics F` joins a file's metric columns onto the
//! roster by `employee_id` (or by `email`, ignoring case), in any row order.
//!
//! What is reported, and how (README "Importing from your HRIS and CRM"):
//! A blank cell gives no value (unlike a roster's blank metric cell, which reads 0), so one file
//! can hold columns that only some people have.
//!
//! * a bad cell, a row whose key is blank, a key on two rows of one file, and a metric that a
//!   person already has from the roster or an earlier file (a metric defined twice) are
//!   **errors** naming the file, line and column (with `--skip-bad-rows`, the row is left out
//!   and listed instead);
//! * a person of the roster missing from a metrics file, and a key in a metrics file that is no
//!   one in the roster, are **warnings** with counts and the first few: the person's metrics
//!   from that file are then missing (not 0), and a plan that pays on them reports that person
//!   in error.

use std::path::PathBuf;

use foldhash::HashMap;
use rust_decimal::Decimal;

use super::columns::{Mapping, map_header};
use super::import::{ImportError, ImportOptions, RowIssue};
use super::report_shape::HeaderCheck;
use super::rows::{
    TEXT_CELLS_SHOWN, cell_place, currency_in_a_count, percent_in_a_count, percent_is_not_money, text_column_warning,
};
use super::table::{Table, read_table};
use super::values::{AmbiguousSymbol, CurrencyMark, NumberError, parse_amount};
use super::{CurrencySymbol, Employee, ReadAs, Roster, Text};

/// Which roster column a metrics or deals file matches people by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinKey {
    /// `employee_id`, as text (a key of digits also matches an id with leading zeros, which
    /// spreadsheets and CRMs drop, when only one person has it).
    #[default]
    EmployeeId,
    /// `email`, ignoring case and surrounding blanks.
    Email,
    /// `name`, ignoring case and repeated blanks (deal lists name their owner).
    Name,
}

impl JoinKey {
    /// The roster column.
    pub fn column(self) -> &'static str {
        match self {
            JoinKey::EmployeeId => "employee_id",
            JoinKey::Email => "email",
            JoinKey::Name => "name",
        }
    }

    /// Parses `employee_id`, `email` or `name`.
    pub fn parse(s: &str) -> Option<JoinKey> {
        [JoinKey::EmployeeId, JoinKey::Email, JoinKey::Name].into_iter().find(|k| k.column() == s)
    }
}

/// What joining produced besides the roster.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JoinOutcome {
    /// Things worth knowing: people missing from a file, keys matching no one, lines skipped.
    pub warnings: Vec<String>,
    /// Bad rows left out (with `skip_bad_rows`).
    pub skipped: Vec<RowIssue>,
    /// A deal list's count of the deals in and outside the period (`None` for metrics files).
    pub deals: Option<super::deals::DealCount>,
}

/// People listed by name in a warning before the rest are counted.
const LISTED: usize = 10;

/// `a, b, c and 4 more`.
pub(super) fn listed(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(LISTED).map(String::as_str).collect();
    if items.len() > LISTED {
        format!("{} and {} more", shown.join(", "), items.len() - LISTED)
    } else {
        shown.join(", ")
    }
}

/// Finds people by a key (the plan-year ledger matches its ids with it too).
pub(crate) struct Index {
    key: JoinKey,
    exact: HashMap<String, Vec<usize>>,
    /// Ids of digits without their leading zeros (employee_id only).
    digits: HashMap<String, Vec<usize>>,
}

/// What a key finds.
pub(crate) enum Found {
    One(usize),
    None,
    /// Several people share the key (a name): their ids.
    Several(Vec<usize>),
}

fn fold(key: JoinKey, s: &str) -> String {
    match key {
        JoinKey::EmployeeId => s.trim().to_string(),
        JoinKey::Email => s.trim().to_lowercase(),
        // `Smith, Jane` (as HRIS exports write names) matches `Jane Smith` (as CRMs do), and a
        // suffix is one word at the end however it is set off: `John Smith, Jr.`, `John Smith
        // Jr`, `Smith, John Jr.`.
        JoinKey::Name => {
            let words = |s: &str| {
                s.split(|c: char| c.is_whitespace() || c == ',')
                    .filter(|w| !w.is_empty())
                    .map(|w| {
                        let bare = w.trim_end_matches('.');
                        if super::values::is_name_suffix(w) || super::values::is_name_suffix(bare) {
                            bare.to_owned()
                        } else {
                            w.to_owned()
                        }
                    })
                    .collect::<Vec<_>>()
            };
            // A suffix set off by a last comma (`Smith, John, Jr.`) is read apart first.
            let (s, set_off) = match s.rsplit_once(',') {
                Some((head, tail)) if super::values::is_name_suffix(tail.trim()) => (head, words(tail)),
                _ => (s, Vec::new()),
            };
            let mut in_order = match super::values::last_name_first(s) {
                Some((given, last)) => {
                    let (given, suffix) = super::values::suffix_after_given(given);
                    [words(given), words(last), suffix.map(words).unwrap_or_default(), set_off].concat()
                }
                None => [words(s), set_off].concat(),
            };
            in_order.iter_mut().for_each(|w| *w = w.to_lowercase());
            in_order.join(" ")
        }
    }
}

fn strip_zeros(s: &str) -> Option<&str> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| {
        let t = s.trim_start_matches('0');
        if t.is_empty() { "0" } else { t }
    })
}

/// Why a roster cannot be matched by a [`JoinKey`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// No person of the roster has a value in the key's column.
    #[error("the roster has no {column} column to match by; add one (or map a header to `{column}` with --mapping)")]
    NoJoinColumn { column: &'static str },
}

/// Why a currency written in a joined cell cannot be the person's currency.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyConflict {
    /// The cell names a currency other than the one the person's amounts are in.
    #[error(
        "the amount is in {code} but {id}'s amounts are in {currency}; write it in {currency} (a person's amounts \
         must all be in one currency)"
    )]
    CodeMismatch { id: Text, code: &'static str, currency: String },
    /// The cell names a currency that the symbol of the person's amounts cannot stand for.
    #[error("the amount is in {code} but {id}'s amounts are written with `{symbol}`, which cannot stand for it")]
    SymbolCannotStandFor { id: Text, code: &'static str, symbol: &'static str },
    /// The cell's symbol cannot stand for the currency the person's amounts are in.
    #[error(
        "`{}` stands for {}, but {id}'s amounts are in {currency}; write the amount with its code (e.g. `100 {currency}`)",
        symbol.symbol,
        symbol.describe()
    )]
    SymbolMismatch { id: Text, symbol: AmbiguousSymbol, currency: String },
    /// The cell's symbol and the symbol of the person's other amounts share no currency.
    #[error("`{symbol}` and the `{other}` of {id}'s other amounts cannot be one currency; write the currency code")]
    SymbolsDiffer { id: Text, symbol: &'static str, other: &'static str },
}

impl Index {
    /// An index of the roster by `key`; an error when the roster has no such column.
    pub fn new(roster: &Roster, key: JoinKey) -> Result<Index, IndexError> {
        let mut exact: HashMap<String, Vec<usize>> = HashMap::default();
        let mut digits: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, e) in roster.employees.iter().enumerate() {
            let value: &str = match key {
                JoinKey::EmployeeId => &e.id,
                JoinKey::Email => e.email().map_or("", |m| m),
                JoinKey::Name => &e.name,
            };
            let folded = fold(key, value);
            if folded.is_empty() {
                continue;
            }
            if key == JoinKey::EmployeeId
                && let Some(d) = strip_zeros(&folded)
            {
                digits.entry(d.to_string()).or_default().push(i);
            }
            exact.entry(folded).or_default().push(i);
        }
        if exact.is_empty() && !roster.employees.is_empty() {
            return Err(IndexError::NoJoinColumn { column: key.column() });
        }
        Ok(Index { key, exact, digits })
    }

    /// The people a key names.
    pub fn find(&self, value: &str) -> Found {
        let folded = fold(self.key, value);
        let hit = self.exact.get(&folded).or_else(|| strip_zeros(&folded).and_then(|d| self.digits.get(d)));
        match hit.map(Vec::as_slice) {
            Some([one]) => Found::One(*one),
            Some(several) if !several.is_empty() => Found::Several(several.to_vec()),
            _ => Found::None,
        }
    }
}

/// Applies a currency code or symbol written in a cell joined onto `e` (as a cell of the
/// person's roster row would: a code names the person's currency when nothing else did). An
/// error says why it cannot be the person's currency.
pub(super) fn apply_currency(e: &mut Employee, mark: CurrencyMark, column: &str) -> Result<(), CurrencyConflict> {
    match mark {
        CurrencyMark::Code(code) => {
            if let Some(c) = &e.currency {
                if c != code {
                    return Err(CurrencyConflict::CodeMismatch { id: e.id.clone(), code, currency: c.clone() });
                }
                return Ok(());
            }
            if let Some(s) = &e.currency_symbol
                && !s.symbol.allows(code)
            {
                return Err(CurrencyConflict::SymbolCannotStandFor { id: e.id.clone(), code, symbol: s.symbol.symbol });
            }
            e.currency = Some(code.to_string());
            e.currency_symbol = None;
            Ok(())
        }
        CurrencyMark::Ambiguous(sym) => {
            if let Some(c) = &e.currency {
                if !sym.allows(c) {
                    return Err(CurrencyConflict::SymbolMismatch {
                        id: e.id.clone(),
                        symbol: sym,
                        currency: c.clone(),
                    });
                }
                return Ok(());
            }
            match &e.currency_symbol {
                Some(s) if s.symbol.currencies != sym.currencies => Err(CurrencyConflict::SymbolsDiffer {
                    id: e.id.clone(),
                    symbol: sym.symbol,
                    other: s.symbol.symbol,
                }),
                Some(_) => Ok(()),
                None => {
                    e.currency_symbol = Some(CurrencySymbol { symbol: sym, column: Text::from(column) });
                    Ok(())
                }
            }
        }
    }
}

/// Where a person's metric came from when no file of this join gave it.
fn roster_source(roster: &Roster, e: &Employee) -> String {
    format!("the roster ({}) or a file joined before", roster.location(e.source))
}

/// Joins the metric columns of each file onto the roster. See the module docs for what is an
/// error and what a warning.
pub fn join_metrics(
    roster: &mut Roster,
    paths: &[PathBuf],
    key: JoinKey,
    options: &ImportOptions,
) -> Result<JoinOutcome, ImportError> {
    let mapping = Mapping::new(&options.mapping).map_err(|e| ImportError::BadOptions { reason: e.to_string() })?;
    let index = Index::new(roster, key)
        .map_err(|e| ImportError::BadOptions { reason: format!("--join-on {}: {e}", key.column()) })?;
    let mut outcome = JoinOutcome::default();
    let mut issues: Vec<RowIssue> = Vec::new();
    // Per person and metric: the file that gave it, when a metrics file did.
    let mut given: HashMap<(usize, usize), String> = HashMap::default();
    for path in paths {
        let key_name = key.column();
        let check = |cells: &[&str]| {
            if cells.iter().any(|h| map_header(h, &mapping).0 == key_name) {
                HeaderCheck::Header
            } else {
                HeaderCheck::NotHeader
            }
        };
        let mut table = read_table(path, options, "metrics file", &check)?;
        outcome.warnings.append(&mut table.warnings);
        let names: Vec<String> = table.headers.iter().map(|h| map_header(h, &mapping).0).collect();
        let Some(key_field) = names.iter().position(|n| n == key_name) else {
            return Err(ImportError::MissingColumns {
                file: table.name.clone(),
                other_sheets: Vec::new(),
                missing: vec![key_name.to_string()],
                found: names,
                likely: Vec::new(),
            });
        };
        // The metric columns: every other named column that is not a roster column, and holds
        // numbers (a column of text, like a name kept for reading, is left out with a warning).
        let mut metrics: Vec<(usize, String)> = Vec::new();
        for (field, name) in names.iter().enumerate() {
            if field == key_field || name.is_empty() {
                continue;
            }
            if super::CANONICAL_COLUMNS.contains(&name.as_str()) {
                outcome.warnings.push(format!(
                    "{}: column `{}` is a roster column, not a metric; ignored (it belongs in the roster)",
                    table.name,
                    table.headers.get(field).map_or("", String::as_str)
                ));
                continue;
            }
            let (mut numbers, mut text, mut blank) = (0usize, 0usize, 0usize);
            let mut text_cells: Vec<(String, &str)> = Vec::new();
            for (line, cells) in &table.rows {
                let cell = Table::cell(cells, field);
                match parse_amount(cell, table.mark) {
                    Err(NumberError::Empty) => {
                        numbers += 1;
                        blank += 1;
                    }
                    Ok(_) => numbers += 1,
                    Err(e) if e.looks_numeric() => numbers += 1,
                    Err(_) => {
                        text += 1;
                        if text_cells.len() < TEXT_CELLS_SHOWN {
                            let shown = cell.trim_start_matches(super::xlsx::ERROR_MARK);
                            text_cells.push((cell_place(table.spreadsheet, field, *line), shown));
                        }
                    }
                }
            }
            // A column a plan reads is never left out: its cells that are not numbers are refused.
            if text > numbers && !options.plan_columns.reads(name) {
                let values = (text + numbers - blank) as u64;
                outcome.warnings.push(text_column_warning(&table.name, name, &text_cells, text as u64, values));
                continue;
            }
            metrics.push((field, name.clone()));
        }
        let slots: Vec<usize> = metrics
            .iter()
            .map(|(_, name)| match roster.metric_index(name) {
                Some(i) => i,
                None => {
                    roster.metrics.push(name.clone());
                    for e in &mut roster.employees {
                        e.metrics.push(None);
                    }
                    roster.metrics.len() - 1
                }
            })
            .collect();
        let mut seen: HashMap<usize, u64> = HashMap::default();
        let mut unknown: Vec<String> = Vec::new();
        let mut digits_matched = 0usize;
        let rows = std::mem::take(&mut table.rows);
        for (line, cells) in &rows {
            let line = *line;
            let key_cell = Table::cell(cells, key_field).trim();
            let mut row_issues: Vec<RowIssue> = Vec::new();
            let person = if key_cell.is_empty() {
                if table.trailer(line, cells) {
                    continue;
                }
                row_issues.push(table.issue(line, key_field, key_cell, "must not be blank".to_string()));
                None
            } else {
                match index.find(key_cell) {
                    Found::One(i) => Some(i),
                    Found::None => {
                        if !table.trailer(line, cells) {
                            unknown.push(key_cell.to_string());
                        }
                        continue;
                    }
                    Found::Several(people) => {
                        let ids: Vec<String> =
                            people.iter().filter_map(|i| roster.employees.get(*i)).map(|e| e.id.to_string()).collect();
                        row_issues.push(table.issue(
                            line,
                            key_field,
                            key_cell,
                            format!("matches several people ({}); match by employee_id instead", ids.join(", ")),
                        ));
                        None
                    }
                }
            };
            let mut duplicate = false;
            if let Some(i) = person {
                if let Some(first) = seen.insert(i, line) {
                    duplicate = true;
                    row_issues.push(table.issue(
                        line,
                        key_field,
                        key_cell,
                        format!("this person is also on line {first} of this file; give each person one row"),
                    ));
                }
                if key == JoinKey::EmployeeId && roster.employees.get(i).is_some_and(|e| e.id.trim() != key_cell) {
                    digits_matched += 1;
                }
            }
            let mut values: Vec<(usize, Decimal)> = Vec::new();
            for ((field, name), slot) in metrics.iter().zip(&slots) {
                if let Some(issue) = table.error_cell(line, *field, cells) {
                    row_issues.push(issue);
                    continue;
                }
                let cell = Table::cell(cells, *field);
                let amount = match parse_amount(cell, table.mark) {
                    Ok(a) => a,
                    // Blank: this file gives no value (one file may hold columns only some have).
                    Err(NumberError::Empty) => continue,
                    Err(e) => {
                        let reason = match e {
                            NumberError::NotANumber => {
                                "not a number (metric columns hold numbers; leave the cell empty for 0)".to_string()
                            }
                            other => other.to_string(),
                        };
                        row_issues.push(table.issue(line, *field, cell, reason));
                        continue;
                    }
                };
                let read = options.plan_columns.reading(name);
                let is_money = read.as_ref().is_some_and(|r| r.kind == ReadAs::Money);
                if amount.percent && is_money {
                    row_issues.push(table.issue(line, *field, cell, percent_is_not_money(name, read.as_ref())));
                    continue;
                }
                if amount.percent
                    && let Some(count) = read.as_ref().filter(|r| r.kind == ReadAs::Count)
                {
                    row_issues.push(table.issue(line, *field, cell, percent_in_a_count(name, count)));
                    continue;
                }
                if let Some(reason) = table.ambiguous_money(cell).filter(|_| is_money) {
                    row_issues.push(table.issue(line, *field, cell, reason));
                    continue;
                }
                if amount.currency.is_some()
                    && let Some(count) = read.as_ref().filter(|r| r.kind == ReadAs::Count)
                {
                    row_issues.push(table.issue(line, *field, cell, currency_in_a_count(name, count, amount.value)));
                    continue;
                }
                if let (Some(mark), Some(i)) = (amount.currency, person)
                    && let Some(e) = roster.employees.get_mut(i)
                    && let Err(reason) = apply_currency(e, mark, name)
                {
                    row_issues.push(table.issue(line, *field, cell, reason.to_string()));
                    continue;
                }
                values.push((*slot, amount.value));
            }
            if let Some(i) = person.filter(|_| !duplicate) {
                for ((field, name), slot) in metrics.iter().zip(&slots) {
                    let Some(e) = roster.employees.get(i) else { continue };
                    if !Table::cell(cells, *field).trim().is_empty() && e.metric(*slot).is_some() {
                        let from = given.get(&(i, *slot)).cloned().unwrap_or_else(|| roster_source(roster, e));
                        let cell = Table::cell(cells, *field);
                        row_issues.push(table.issue(
                            line,
                            *field,
                            cell,
                            format!(
                                "metric `{name}` is defined twice for {}: also in {from}; keep it in one file",
                                e.id
                            ),
                        ));
                    }
                }
            }
            if !row_issues.is_empty() {
                issues.append(&mut row_issues);
                continue;
            }
            if let Some(i) = person
                && let Some(e) = roster.employees.get_mut(i)
            {
                for (slot, value) in values {
                    if let Some(m) = e.metrics.get_mut(slot) {
                        *m = Some(value);
                    }
                    given.insert((i, slot), format!("{}:{line}", table.name));
                }
            }
        }
        if digits_matched > 0 {
            outcome.warnings.push(format!(
                "{}: {digits_matched} id(s) matched a roster id with leading zeros (e.g. 1001 for 001001); the file \
                 lost them, probably in a spreadsheet",
                table.name
            ));
        }
        if !unknown.is_empty() {
            outcome.warnings.push(format!(
                "{}: {} {} match no one in the roster; their rows were not used: {}",
                table.name,
                unknown.len(),
                key_name,
                listed(&unknown)
            ));
        }
        let missing: Vec<String> = roster
            .employees
            .iter()
            .enumerate()
            .filter(|(i, _)| !seen.contains_key(i))
            .map(|(_, e)| format!("{} ({})", e.id, e.name))
            .collect();
        if !missing.is_empty() && !metrics.is_empty() {
            let columns: Vec<&str> = metrics.iter().map(|(_, n)| n.as_str()).collect();
            outcome.warnings.push(format!(
                "{}: {} person(s) of the roster are not in this file, so they have no {}: {}",
                table.name,
                missing.len(),
                columns.join(", "),
                listed(&missing)
            ));
        }
        outcome.warnings.extend(table.skipped_warnings());
        if !metrics.is_empty() && !roster.joined.contains(&table.name) {
            roster.joined.push(table.name.clone());
        }
    }
    if !issues.is_empty() {
        if !options.skip_bad_rows {
            return Err(ImportError::BadRows { issues });
        }
        outcome.skipped = issues;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_whichever_order_they_are_written_in() {
        let name = |s: &str| fold(JoinKey::Name, s);
        assert_eq!(name("Smith, Jane"), "jane smith");
        assert_eq!(name("  JANE   Smith "), "jane smith");
        assert_eq!(name("de Vries, Anna Maria"), "anna maria de vries");
        // A suffix after the comma is not a first name; it is one word at the end however it
        // is set off.
        for written in ["John Smith, Jr.", "John Smith Jr", "John Smith jr.", "Smith, John Jr.", "Smith, John, Jr."] {
            assert_eq!(name(written), "john smith jr", "{written}");
        }
        assert_eq!(name("Jane Doe, CPA"), "jane doe cpa");
        assert_eq!(name("Doe, Jane CPA"), "jane doe cpa");
        assert_eq!(name("Smith, John Paul III"), "john paul smith iii");
        // A single letter after the given names is a middle initial, not a suffix (`V`).
        assert_eq!(name("Smith, John V"), "john v smith");
        assert_eq!(name("John V Smith"), "john v smith");
    }

    #[test]
    fn join_errors_say_what_is_wrong_with_the_person_and_the_cell() {
        let id = Text::from("E7");
        assert_eq!(
            IndexError::NoJoinColumn { column: "email" }.to_string(),
            "the roster has no email column to match by; add one (or map a header to `email` with --mapping)"
        );
        assert_eq!(
            CurrencyConflict::CodeMismatch { id: id.clone(), code: "USD", currency: "EUR".into() }.to_string(),
            "the amount is in USD but E7's amounts are in EUR; write it in EUR (a person's amounts must all be in \
             one currency)"
        );
        assert_eq!(
            CurrencyConflict::SymbolCannotStandFor { id: id.clone(), code: "EUR", symbol: "$" }.to_string(),
            "the amount is in EUR but E7's amounts are written with `$`, which cannot stand for it"
        );
        let dollar = AmbiguousSymbol { symbol: "$", currencies: &["USD", "CAD"] };
        assert_eq!(
            CurrencyConflict::SymbolMismatch { id: id.clone(), symbol: dollar, currency: "EUR".into() }.to_string(),
            "`$` stands for USD or CAD, but E7's amounts are in EUR; write the amount with its code (e.g. `100 EUR`)"
        );
        assert_eq!(
            CurrencyConflict::SymbolsDiffer { id, symbol: "kr", other: "$" }.to_string(),
            "`kr` and the `$` of E7's other amounts cannot be one currency; write the currency code"
        );
    }
}

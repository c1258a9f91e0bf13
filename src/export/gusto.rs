//! Gusto payroll CSV upload (bonus, off-cycle or regular payroll): `first_name`, `last_name`,
//! `gusto_employee_id` (unless people are matched by name only), then one amount column per
//! Gusto earning type the plan uses, in Gusto's template order, one row per employee.
//!
//! Only Gusto's own earning columns ([`GUSTO_EARNINGS`]) can be earning codes: custom earning
//! types cannot be uploaded. Each person's lines are combined by earning code (sum per column),
//! so a negative cap adjustment mapped to the column it reduces nets into it; a column that
//! still nets below zero is refused, because Gusto cannot take a negative bonus or commission. A
//! zero sum is left blank (Gusto overwrites a value with a zero but leaves it unchanged for a
//! blank), and a person with nothing to pay has no row.

use std::collections::HashMap;
use std::path::Path;

use super::{
    ExportError, ExportRequest, GUSTO_EARNINGS, GustoMatch, PayrollLine, Rendered, Template, csv_bytes, per_person,
    safe_text,
};
use crate::money;
use crate::roster::values::{is_name_suffix, last_name_first, suffix_after_given};

/// Lower-case surname particles that belong to the last name when they come before it
/// (`Anna de Vries` → `Anna` / `de Vries`). Compared ignoring case; never taken from the first
/// word.
pub const PARTICLES: &[&str] = &[
    "al", "bin", "da", "dal", "das", "de", "del", "della", "den", "der", "des", "di", "do", "dos", "du", "el", "ibn",
    "la", "le", "lo", "ten", "ter", "van", "vom", "von", "zu",
];

/// Splits a full name into Gusto's `first_name` and `last_name`. Written last name first with a
/// comma, as many HRIS exports write it (`Smith, Jane Ann`), the part before the comma is the
/// last name ([`last_name_first`]); a suffix (`John Smith, Jr.`, `John Smith Jr`, `Smith, John
/// Jr.`) stays with the last name. Otherwise the last word is the last name, together with any surname particles
/// right before it ([`PARTICLES`]), and everything before is the first name (middle names
/// included). Whitespace is collapsed. `None` for a name of fewer than two words, or with
/// several commas.
pub fn split_name(full: &str) -> Option<(String, String)> {
    let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some((given, last)) = last_name_first(full) {
        // `Smith, John Jr.`: the suffix after the given names goes with the last name.
        let (given, suffix) = suffix_after_given(given);
        let last = match suffix {
            Some(suffix) => format!("{} {suffix}", collapse(last)),
            None => collapse(last),
        };
        return Some((collapse(given), last));
    }
    let Some((before, after)) = full.split_once(',') else { return split_words(full) };
    let after = after.trim();
    if after.is_empty() {
        return split_words(before);
    }
    if !is_name_suffix(after) {
        return None;
    }
    let (first, last) = split_words(before)?;
    Some((first, format!("{last} {after}")))
}

/// [`split_name`] of a name written first name first; a suffix at the end (`John Smith Jr`)
/// goes with the last name.
fn split_words(full: &str) -> Option<(String, String)> {
    let mut words: Vec<&str> = full.split_whitespace().collect();
    if words.len() > 2
        && let Some(suffix) = words.last().copied().filter(|w| is_name_suffix(w))
    {
        words.pop();
        let (first, last) = split_words(&words.join(" "))?;
        return Some((first, format!("{last} {suffix}")));
    }
    if words.len() < 2 {
        return None;
    }
    let mut start = words.len() - 1;
    while start > 1 && words.get(start - 1).is_some_and(|w| PARTICLES.iter().any(|p| p.eq_ignore_ascii_case(w))) {
        start -= 1;
    }
    Some((words.get(..start)?.join(" "), words.get(start..)?.join(" ")))
}

/// Whether an id has the shape of a `gusto_employee_id`: 6 ASCII letters or digits (Gusto
/// assigns them; see docs/payroll.md).
pub fn is_gusto_id(id: &str) -> bool {
    id.len() == 6 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The Gusto id of each roster id, read from a `--gusto-ids` file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GustoIds {
    /// Roster `employee_id` → `gusto_employee_id`.
    pub ids: HashMap<String, String>,
}

/// The columns of a `--gusto-ids` file.
const ID_COLUMNS: [&str; 2] = ["employee_id", "gusto_employee_id"];

/// Reads a `--gusto-ids` file: a CSV with the columns `employee_id` (the roster's id) and
/// `gusto_employee_id` (Gusto's id for that person; other columns are ignored). `Err` lists
/// every problem, each naming the file, and the line and column where there is one: an
/// unreadable file, a missing column, an empty id, a Gusto id of the wrong shape, a roster id
/// listed twice, a Gusto id given to two roster ids.
pub fn read_ids(path: &Path) -> Result<GustoIds, Vec<String>> {
    let file = path.display();
    let bytes = std::fs::read(path).map_err(|e| vec![format!("{file} (--gusto-ids): cannot be read: {e}")])?;
    parse_ids(&bytes, &file.to_string())
}

/// [`read_ids`] on the file's bytes; `file` names it in messages.
pub fn parse_ids(bytes: &[u8], file: &str) -> Result<GustoIds, Vec<String>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(|e| vec![format!("{file}: not a CSV file: {e}")])?.clone();
    let column = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(roster_col), Some(gusto_col)) = (column(ID_COLUMNS[0]), column(ID_COLUMNS[1])) else {
        let missing: Vec<&str> = ID_COLUMNS.into_iter().filter(|c| column(c).is_none()).collect();
        return Err(vec![format!(
            "{file}: line 1: no column {}; the file needs the columns employee_id (the roster's id) and \
             gusto_employee_id (Gusto's id)",
            missing.join(" or ")
        )]);
    };
    let mut problems = Vec::new();
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut line_of: HashMap<String, u64> = HashMap::new();
    let mut gusto_line: HashMap<String, (u64, String)> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{file}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let roster_id = record.get(roster_col).unwrap_or_default().trim();
        let gusto_id = record.get(gusto_col).unwrap_or_default().trim();
        if roster_id.is_empty() {
            problems.push(format!("{file}: line {line}, column employee_id: empty; give the roster's employee id"));
            continue;
        }
        if !is_gusto_id(gusto_id) {
            let what = if gusto_id.is_empty() { "empty".to_owned() } else { format!("`{gusto_id}`") };
            problems.push(format!(
                "{file}: line {line}, column gusto_employee_id: {what} is not a Gusto employee id (6 letters or \
                 digits, assigned by Gusto) for {roster_id}"
            ));
            continue;
        }
        if let Some(first) = line_of.get(roster_id) {
            problems.push(format!(
                "{file}: line {line}, column employee_id: {roster_id} is listed twice (also on line {first})"
            ));
            continue;
        }
        if let Some((first, other)) = gusto_line.get(gusto_id) {
            problems.push(format!(
                "{file}: line {line}, column gusto_employee_id: {gusto_id} is given to {roster_id} and to {other} \
                 (line {first}); each person has their own Gusto id"
            ));
            continue;
        }
        line_of.insert(roster_id.to_owned(), line);
        gusto_line.insert(gusto_id.to_owned(), (line, roster_id.to_owned()));
        ids.insert(roster_id.to_owned(), gusto_id.to_owned());
    }
    if problems.is_empty() { Ok(GustoIds { ids }) } else { Err(problems) }
}

/// Renders the Gusto CSV; refuses names that cannot be split and duplicate names when matching
/// by name (negative amounts are refused by [`super::amount_problems`]).
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Result<Rendered, ExportError> {
    let dp = req.amount_decimals();
    let with_id = req.settings.gusto_match == GustoMatch::EmployeeId;
    let id_file = req.settings.gusto_ids.trim();
    let mapped = if with_id && !id_file.is_empty() {
        Some(
            read_ids(Path::new(id_file))
                .map_err(|problems| ExportError::Data { template: Template::Gusto.name().to_owned(), problems })?,
        )
    } else {
        None
    };
    let columns: Vec<&str> = GUSTO_EARNINGS.iter().copied().filter(|c| lines.iter().any(|l| l.code == *c)).collect();
    let people = per_person(lines);
    // Negative amounts are refused with the other problems by `super::amount_problems`.
    let mut problems = Vec::new();
    // Every line lands in a column: a code that is none of Gusto's would otherwise be left out of
    // the file while the reconciliation counts it (the earning-code check refuses such codes
    // first; this keeps the file and its reconciliation equal if a new kind of line slips by).
    for l in lines.iter().filter(|l| !GUSTO_EARNINGS.contains(&l.code)) {
        let what = format!("`{}` is not one of Gusto's earning columns ({})", l.code, GUSTO_EARNINGS.join(", "));
        if !problems.contains(&what) {
            problems.push(what);
        }
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut seen: HashMap<(String, String), &str> = HashMap::new();
    for p in &people {
        if p.codes.iter().all(|(_, a)| a.is_zero()) {
            continue;
        }
        // The roster's own first and last name when it has them; else the name split.
        let given = p.first_last.filter(|(f, l)| !f.trim().is_empty() && !l.trim().is_empty());
        let Some((first, last)) =
            given.map(|(f, l)| (f.trim().to_owned(), l.trim().to_owned())).or_else(|| split_name(p.name))
        else {
            problems.push(format!(
                "{} ({}): Gusto needs a first and a last name, and the roster's name cannot be split into them \
                 (it has fewer than two words, or several commas); add first_name and last_name columns",
                p.employee_id, p.name
            ));
            continue;
        };
        if !with_id {
            let key = (first.to_lowercase(), last.to_lowercase());
            if let Some(other) = seen.insert(key, p.employee_id) {
                problems.push(format!(
                    "{} and {other} are both named {}; Gusto cannot tell them apart by name. Match by id (--gusto-match id)",
                    p.employee_id, p.name
                ));
            }
        }
        let gusto_id = match &mapped {
            Some(map) => match map.ids.get(p.employee_id) {
                Some(id) => id.as_str(),
                None => {
                    problems.push(format!(
                        "{} ({}): not in the Gusto id file {id_file} (--gusto-ids); add a row {},<Gusto id>",
                        p.employee_id, p.name, p.employee_id
                    ));
                    continue;
                }
            },
            None => p.employee_id,
        };
        if with_id && mapped.is_none() && !is_gusto_id(gusto_id) {
            problems.push(format!(
                "{} ({}): employee id `{}` is not a Gusto employee id (6 letters or digits, assigned by Gusto); put Gusto's ids in the roster's employee_id, map them with --gusto-ids FILE, or match by name (--gusto-match name)",
                p.employee_id, p.name, p.employee_id
            ));
            continue;
        }
        let mut row = vec![safe_text(&first).into_owned(), safe_text(&last).into_owned()];
        if with_id {
            row.push(safe_text(gusto_id).into_owned());
        }
        for column in &columns {
            let amount = p.codes.iter().find(|(c, _)| c == column).map(|(_, a)| *a).filter(|a| !a.is_zero());
            row.push(amount.map(|a| money::fixed(a, dp)).unwrap_or_default());
        }
        rows.push(row);
    }
    if !problems.is_empty() {
        return Err(ExportError::Data { template: Template::Gusto.name().to_owned(), problems });
    }
    let mut header = vec!["first_name".to_owned(), "last_name".to_owned()];
    if with_id {
        header.push("gusto_employee_id".to_owned());
    }
    header.extend(columns.iter().map(|c| (*c).to_owned()));
    let count = rows.len();
    Ok(Rendered { bytes: csv_bytes(Template::Gusto, std::iter::once(header).chain(rows))?, rows: count, people: count })
}

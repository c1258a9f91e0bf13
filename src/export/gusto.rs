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

use super::{
    ExportError, ExportRequest, GUSTO_EARNINGS, GustoMatch, PayrollLine, Rendered, Template, csv_bytes,
    negative_problems, per_person, safe_text,
};
use crate::money;

/// Lower-case surname particles that belong to the last name when they come before it
/// (`Anna de Vries` → `Anna` / `de Vries`). Compared ignoring case; never taken from the first
/// word.
pub const PARTICLES: &[&str] = &[
    "al", "bin", "da", "dal", "das", "de", "del", "della", "den", "der", "des", "di", "do", "dos", "du", "el", "ibn",
    "la", "le", "lo", "ten", "ter", "van", "vom", "von", "zu",
];

/// Splits a full name into Gusto's `first_name` and `last_name`: the last word is the last name,
/// together with any surname particles right before it ([`PARTICLES`]); everything before is
/// the first name (middle names included). Whitespace is collapsed. `None` for a name of fewer
/// than two words.
pub fn split_name(full: &str) -> Option<(String, String)> {
    let words: Vec<&str> = full.split_whitespace().collect();
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

/// Renders the Gusto CSV; refuses names that cannot be split, duplicate names when matching by
/// name, and negative amounts.
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Result<Rendered, ExportError> {
    let dp = req.report.minor_units;
    let with_id = req.settings.gusto_match == GustoMatch::EmployeeId;
    let columns: Vec<&str> = GUSTO_EARNINGS.iter().copied().filter(|c| lines.iter().any(|l| l.code == *c)).collect();
    let people = per_person(lines);
    let mut problems = negative_problems(&people, Template::Gusto, dp);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut seen: HashMap<(String, String), &str> = HashMap::new();
    for p in &people {
        if p.codes.iter().all(|(_, a)| a.is_zero()) {
            continue;
        }
        let Some((first, last)) = split_name(p.name) else {
            problems.push(format!(
                "{} ({}): Gusto needs a first and a last name; the roster's name has fewer than two words",
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
        if with_id && !is_gusto_id(p.employee_id) {
            problems.push(format!(
                "{} ({}): employee id `{}` is not a Gusto employee id (6 letters or digits, assigned by Gusto); put Gusto's ids in the roster's employee_id or match by name (--gusto-match name)",
                p.employee_id, p.name, p.employee_id
            ));
            continue;
        }
        let mut row = vec![safe_text(&first).into_owned(), safe_text(&last).into_owned()];
        if with_id {
            row.push(safe_text(p.employee_id).into_owned());
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

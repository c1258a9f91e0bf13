//! ADP Workforce Now paydata import ("EPI" file): `Co Code`, `Batch ID`, `File #`, then
//! `Earnings N Code` / `Earnings N Amount` pairs starting at 3, one row per employee.
//!
//! Each person's lines are combined by earning code (sum per code); a code whose sum is zero is
//! left out (ADP reads an empty field as "no data"), and a person with nothing to pay has no row.
//! Negative sums are written with a leading `-` (ADP accepts negative earnings). The file has as
//! many pairs as the person with the most codes needs, so it matches ADP's standard template
//! (Earnings 3–5) whenever nobody has more than three codes.

use super::{ExportError, ExportRequest, PayrollLine, Rendered, Template, csv_bytes, per_person, safe_text};
use crate::money;

/// The first earnings pair's number (`Earnings 3 Code`): ADP reserves 1 and 2 for regular and
/// overtime earnings.
pub const FIRST_PAIR: usize = 3;

/// The header for `pairs` earnings pairs.
pub fn header(pairs: usize) -> Vec<String> {
    let mut h = vec!["Co Code".to_owned(), "Batch ID".to_owned(), "File #".to_owned()];
    for n in FIRST_PAIR..FIRST_PAIR + pairs {
        h.push(format!("Earnings {n} Code"));
        h.push(format!("Earnings {n} Amount"));
    }
    h
}

/// Whether an employee id can be an ADP `File #`: 1–6 digits (leading zeros kept).
pub fn is_file_number(id: &str) -> bool {
    (1..=6).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit())
}

/// Renders the EPI CSV; refuses employee ids that are not ADP file numbers.
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Result<Rendered, ExportError> {
    let dp = req.report.minor_units;
    let co = req.settings.company_code.trim();
    let batch = req.settings.batch_id.trim();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut problems = Vec::new();
    for p in per_person(lines) {
        let pairs: Vec<(&str, String)> = p
            .codes
            .iter()
            .filter(|(_, amount)| !amount.is_zero())
            .map(|(code, amount)| (*code, money::fixed(*amount, dp)))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        if !is_file_number(p.employee_id) {
            problems.push(format!(
                "{} ({}): employee id `{}` is not an ADP File # (1–6 digits); the roster's employee_id must be the ADP file number",
                p.employee_id, p.name, p.employee_id
            ));
            continue;
        }
        let mut row = vec![co.to_owned(), batch.to_owned(), safe_text(p.employee_id).into_owned()];
        for (code, amount) in pairs {
            row.push(safe_text(code).into_owned());
            row.push(amount);
        }
        rows.push(row);
    }
    if !problems.is_empty() {
        return Err(ExportError::Data { template: Template::AdpWfn.name().to_owned(), problems });
    }
    let pairs = rows.iter().map(|r| (r.len() - 3) / 2).max().unwrap_or(0).max(1);
    let width = 3 + 2 * pairs;
    for r in &mut rows {
        r.resize(width, String::new());
    }
    let count = rows.len();
    let bytes = csv_bytes(Template::AdpWfn, std::iter::once(header(pairs)).chain(rows))?;
    Ok(Rendered { bytes, rows: count, people: count })
}

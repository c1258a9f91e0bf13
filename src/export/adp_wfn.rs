//! ADP Workforce Now paydata import ("EPI" file): `Co Code`, `Batch ID`, `File #`, an optional
//! `Pay #`, then `Earnings N Code` / `Earnings N Amount` pairs for Earnings 3, 4 and 5.
//!
//! Each person's lines are combined by earning code (sum per code); a code whose sum is zero is
//! left out (ADP reads an empty field as "no data"), and a person with nothing to pay has no row.
//! Negative sums are written with a leading `-` (ADP accepts negative earnings); a sum outside
//! −40500.00 … 99999.99 is refused before writing ([`super::Template::amount_range`]). ADP's field list
//! has Earnings 3–5 and no Earnings 6: a person with more than three codes gets further rows for
//! the same File #, three codes each (ADP's paydata import adds every row of a File # to its
//! check). The file has as many pairs as the person with the most codes needs, at most three.
//! `--separate-check N` writes `Pay #` = N, so ADP pays the incentives on a check of their own.

use super::{ExportError, ExportRequest, PayrollLine, Rendered, Template, csv_bytes, per_person, safe_text};
use crate::money;

/// The first earnings pair's number (`Earnings 3 Code`): ADP reserves 1 and 2 for regular and
/// overtime earnings.
pub const FIRST_PAIR: usize = 3;

/// The last earnings pair ADP's paydata layout has (`Earnings 5 Code`): further codes go on
/// further rows.
pub const LAST_PAIR: usize = 5;

/// Pairs per row at most (Earnings 3, 4 and 5).
pub const MAX_PAIRS: usize = LAST_PAIR - FIRST_PAIR + 1;

/// The header for `pairs` earnings pairs (at most [`MAX_PAIRS`]), with `Pay #` after `File #`
/// when `pay_number` is set.
pub fn header(pairs: usize, pay_number: bool) -> Vec<String> {
    let mut h = vec!["Co Code".to_owned(), "Batch ID".to_owned(), "File #".to_owned()];
    if pay_number {
        h.push("Pay #".to_owned());
    }
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
    let dp = req.amount_decimals();
    let co = req.settings.company_code.trim();
    let batch = req.settings.batch_id.trim();
    let pay_number = req.settings.separate_check.map(|n| n.to_string());
    let lead = 3 + usize::from(pay_number.is_some());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut problems = Vec::new();
    let mut people = 0;
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
        people += 1;
        for chunk in pairs.chunks(MAX_PAIRS) {
            let mut row = vec![co.to_owned(), batch.to_owned(), safe_text(p.employee_id).into_owned()];
            row.extend(pay_number.clone());
            for (code, amount) in chunk {
                row.push(safe_text(code).into_owned());
                row.push(amount.clone());
            }
            rows.push(row);
        }
    }
    if !problems.is_empty() {
        return Err(ExportError::Data { template: Template::AdpWfn.name().to_owned(), problems });
    }
    let pairs = rows.iter().map(|r| (r.len() - lead) / 2).max().unwrap_or(0).max(1);
    let width = lead + 2 * pairs;
    for r in &mut rows {
        r.resize(width, String::new());
    }
    let count = rows.len();
    let bytes = csv_bytes(Template::AdpWfn, std::iter::once(header(pairs, pay_number.is_some())).chain(rows))?;
    Ok(Rendered { bytes, rows: count, people })
}

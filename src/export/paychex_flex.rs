//! Paychex Flex Standard Payroll Import (SPI): a fixed-order file whose 39 columns must all be
//! present; one row per worker and pay component with `Client ID`, `Worker ID`, `Pay Component`
//! (the earning code) and `Amount`, every other column empty (never space-filled).
//!
//! Each person's lines are combined by pay component (sum per code); a zero sum has no row.
//! Negative sums are written with a leading `-` (an earnings correction). Paychex refuses commas
//! in data, so ids and pay components are checked before writing. `--separate-check N` fills
//! `Check Seq Number`, so the incentives go on a check of their own.

use super::{ExportError, ExportRequest, PayrollLine, Rendered, Template, csv_bytes, per_person, safe_text};
use crate::money;

/// The SPI columns, in Paychex's fixed order (A–AM).
pub const HEADER: [&str; 39] = [
    "Client ID",
    "Worker ID",
    "Org",
    "Job Number",
    "Pay Component",
    "Rate",
    "Rate Number",
    "Hours",
    "Units",
    "Line Date",
    "Amount",
    "Check Seq Number",
    "Override State",
    "Override Local",
    "Override Local Jurisdiction",
    "Labor Override",
    "Check Template",
    "Output Type",
    "Net Pay",
    "Check Number",
    "FIT Amt",
    "SS Amt",
    "Medicare Amt",
    "Fed Backup Withholding Amt",
    "State Tax Jurisdiction",
    "SIT Amount",
    "SDI Amt",
    "Fam Leave",
    "Med Leave",
    "SUI Amt",
    "State Misc Amt",
    "State Surcharge Amt",
    "State WC Amt",
    "State Backup Withholding Amt",
    "State Allocation %",
    "Local Tax Jurisdiction",
    "Local Tax Name",
    "Local Amt",
    "Local Allocation %",
];

/// Column index of `Worker ID`.
const WORKER_ID: usize = 1;
/// Column index of `Pay Component`.
const PAY_COMPONENT: usize = 4;
/// Column index of `Amount`.
const AMOUNT: usize = 10;
/// Column index of `Check Seq Number` (column L): `--separate-check N` puts the incentives on
/// check N of the pay period instead of the worker's regular check.
const CHECK_SEQ: usize = 11;

/// Whether an employee id can be a Paychex `Worker ID`: 1–10 ASCII letters or digits.
pub fn is_worker_id(id: &str) -> bool {
    (1..=10).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Renders the SPI file; refuses employee ids that are not Paychex worker ids.
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Result<Rendered, ExportError> {
    let client = req.settings.client_id.trim();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut problems = Vec::new();
    let mut people = 0;
    for p in per_person(lines) {
        let paid: Vec<_> = p.codes.iter().filter(|(_, a)| !a.is_zero()).collect();
        if paid.is_empty() {
            continue;
        }
        if !is_worker_id(p.employee_id) {
            problems.push(format!(
                "{} ({}): employee id `{}` is not a Paychex Worker ID (1–10 letters or digits); the roster's employee_id must be the Paychex worker id",
                p.employee_id, p.name, p.employee_id
            ));
            continue;
        }
        people += 1;
        for (code, amount) in paid {
            let mut row = vec![String::new(); HEADER.len()];
            if let Some(c) = row.first_mut() {
                client.clone_into(c);
            }
            for (i, value) in [
                (WORKER_ID, safe_text(p.employee_id).into_owned()),
                (PAY_COMPONENT, safe_text(code).into_owned()),
                (AMOUNT, money::fixed(*amount, req.amount_decimals())),
                (CHECK_SEQ, req.settings.separate_check.map(|n| n.to_string()).unwrap_or_default()),
            ] {
                if let Some(cell) = row.get_mut(i) {
                    *cell = value;
                }
            }
            rows.push(row);
        }
    }
    if !problems.is_empty() {
        return Err(ExportError::Data { template: Template::PaychexFlex.name().to_owned(), problems });
    }
    let count = rows.len();
    let header = HEADER.map(str::to_owned).to_vec();
    Ok(Rendered { bytes: csv_bytes(Template::PaychexFlex, std::iter::once(header).chain(rows))?, rows: count, people })
}

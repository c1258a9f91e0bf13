//! Workday one-time payment requests (for an EIB or a reviewer entering Request One-Time
//! Payment): `Employee ID`, `Effective Date`, `Reason`, `One-Time Payment Plan`, `Scheduled
//! Payment Date`, `Amount`, `Currency`, `Send to Payroll`; one row per employee and one-time
//! payment plan (the earning code).
//!
//! Dates are `YYYY-MM-DD`. Each person's lines are combined by plan (sum per code); a zero sum
//! has no row (a zero payment is noise for approvers), and a negative sum is refused: a one-time
//! payment pays, so map the cap adjustment to the plan it reduces.

use super::{ExportError, ExportRequest, PayrollLine, Rendered, Template, csv_bytes, per_person, safe_text};
use crate::money;

/// The header row.
pub const HEADER: [&str; 8] = [
    "Employee ID",
    "Effective Date",
    "Reason",
    "One-Time Payment Plan",
    "Scheduled Payment Date",
    "Amount",
    "Currency",
    "Send to Payroll",
];

/// Renders the one-time payment rows (negative amounts are refused by [`super::amount_problems`]).
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Result<Rendered, ExportError> {
    let dp = req.amount_decimals();
    let s = req.settings;
    // Negative amounts are refused before this by `super::amount_problems`.
    let people = per_person(lines);
    let effective = s.effective_date.unwrap_or(req.pay_date).to_string();
    let scheduled = req.pay_date.to_string();
    let reason = safe_text(s.reason.trim()).into_owned();
    let send = if s.send_to_payroll { "Y" } else { "N" };
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut in_file = 0;
    for p in &people {
        let before = rows.len();
        for (code, amount) in p.codes.iter().filter(|(_, a)| !a.is_zero()) {
            rows.push(vec![
                safe_text(p.employee_id).into_owned(),
                effective.clone(),
                reason.clone(),
                safe_text(code).into_owned(),
                scheduled.clone(),
                money::fixed(*amount, dp),
                req.report.currency.clone(),
                send.to_owned(),
            ]);
        }
        if rows.len() > before {
            in_file += 1;
        }
    }
    let count = rows.len();
    let header = HEADER.map(str::to_owned).to_vec();
    Ok(Rendered {
        bytes: csv_bytes(Template::Workday, std::iter::once(header).chain(rows))?,
        rows: count,
        people: in_file,
    })
}

//! ADP RUN time sheet import: the line `##GENERIC## V1.0`, a header row, then one row per
//! employee and earnings code: company code (IID), pay frequency, pay period start and end
//! (`MM/DD/YYYY`), employee id, earnings code, hours, dollars, separate check, worked-in
//! department, rate code.
//!
//! Each person's lines are combined by earnings code (sum per code); a code whose sum is zero has
//! no row. Incentives are dollars, so `Pay Hours` is empty, as are `Worked In Dept` and
//! `Rate Code`; `Separate Check` is the setting, or empty. Negative sums are written with a
//! leading `-`.

use super::{ExportError, ExportRequest, PayrollLine, Rendered, Template, csv_bytes, per_person, safe_text};
use crate::money;

/// The first line of every RUN import file.
pub const MARKER: &str = "##GENERIC## V1.0";

/// The header row (second line).
pub const HEADER: [&str; 11] = [
    "IID",
    "Pay Frequency",
    "Pay Period Start",
    "Pay Period End",
    "Employee Id",
    "Earnings Code",
    "Pay Hours",
    "Dollars",
    "Separate Check",
    "Worked In Dept",
    "Rate Code",
];

/// Whether an employee id can go into RUN's employee id column: 1–15 ASCII letters or digits.
pub fn is_employee_id(id: &str) -> bool {
    (1..=15).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Renders the RUN file; refuses employee ids RUN cannot match.
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Result<Rendered, ExportError> {
    let s = req.settings;
    let iid = s.company_code.trim();
    let frequency = s.pay_frequency.map(|f| f.code()).unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%m/%d/%Y").to_string()).unwrap_or_default();
    let (start, end) = (date(s.pay_period_start), date(s.pay_period_end));
    let separate_check = s.separate_check.map(|n| n.to_string()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut problems = Vec::new();
    let mut people = 0;
    for p in per_person(lines) {
        let paid: Vec<_> = p.codes.iter().filter(|(_, a)| !a.is_zero()).collect();
        if paid.is_empty() {
            continue;
        }
        if !is_employee_id(p.employee_id) {
            problems.push(format!(
                "{} ({}): employee id `{}` is not a RUN employee id (1–15 letters or digits); the roster's employee_id must be the RUN employee or time-clock id",
                p.employee_id, p.name, p.employee_id
            ));
            continue;
        }
        people += 1;
        for (code, amount) in paid {
            rows.push(vec![
                iid.to_owned(),
                frequency.to_owned(),
                start.clone(),
                end.clone(),
                safe_text(p.employee_id).into_owned(),
                safe_text(code).into_owned(),
                String::new(),
                money::fixed(*amount, req.amount_decimals()),
                separate_check.clone(),
                String::new(),
                String::new(),
            ]);
        }
    }
    if !problems.is_empty() {
        return Err(ExportError::Data { template: Template::AdpRun.name().to_owned(), problems });
    }
    let count = rows.len();
    let mut bytes = format!("{MARKER}\r\n").into_bytes();
    bytes.extend(csv_bytes(Template::AdpRun, std::iter::once(HEADER.map(str::to_owned).to_vec()).chain(rows))?);
    Ok(Rendered { bytes, rows: count, people })
}

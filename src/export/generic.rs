//! The generic template: one row per employee and payout line (adjustments included).

use super::{ExportRequest, PayrollLine, Rendered, csv_writer, safe_text};
use crate::money;

/// The generic template's header.
pub const HEADER: [&str; 9] = [
    "employee_id",
    "name",
    "period_start",
    "period_end",
    "pay_date",
    "earning_code",
    "component",
    "amount",
    "currency",
];

/// Renders the generic CSV.
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Rendered {
    let mut out = Vec::with_capacity(64 + lines.len() * 96);
    {
        let mut w = csv_writer(&mut out);
        let period_start = req.report.period.start.to_string();
        let period_end = req.report.period.end.to_string();
        let pay_date = req.pay_date.to_string();
        let currency = &req.report.currency;
        let dp = req.amount_decimals();
        // Writing into a Vec cannot fail; errors would only come from the sink.
        w.write_record(HEADER).ok();
        for l in lines {
            w.write_record([
                safe_text(l.employee_id).as_ref(),
                safe_text(l.name).as_ref(),
                &period_start,
                &period_end,
                &pay_date,
                safe_text(l.code).as_ref(),
                safe_text(l.component).as_ref(),
                &money::fixed(l.amount, dp),
                currency,
            ])
            .ok();
        }
        w.flush().ok();
    }
    Rendered { bytes: out, rows: lines.len(), people: super::distinct_people(lines) }
}

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

/// Lines rendered per parallel piece: a file of 100,000 people is rendered on all cores in
/// pieces of this many rows (about 800 KB), joined in order as each round of pieces is done.
pub(crate) const PIECE_LINES: usize = 8 * 1024;

/// Renders the generic CSV. The rows are rendered in parallel pieces, each by its own writer:
/// a row's bytes depend on that row alone, so the joined pieces are the bytes one writer gives.
pub(crate) fn render(req: &ExportRequest<'_>, lines: &[PayrollLine<'_>]) -> Rendered {
    use rayon::prelude::*;

    let period_start = req.report.period.start.to_string();
    let period_end = req.report.period.end.to_string();
    let pay_date = req.pay_date.to_string();
    let currency = &req.report.currency;
    let dp = req.amount_decimals();
    let rows = |lines: &[PayrollLine<'_>], out: &mut Vec<u8>| {
        let mut w = csv_writer(out);
        // Writing into a Vec cannot fail; errors would only come from the sink.
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
    };
    let mut out = Vec::with_capacity(64 + lines.len() * 96);
    {
        let mut w = csv_writer(&mut out);
        w.write_record(HEADER).ok();
        w.flush().ok();
    }
    // A round of one piece per thread at a time, so the pieces held beside the file stay small.
    let round = PIECE_LINES * rayon::current_num_threads().max(1);
    for some in lines.chunks(round) {
        let pieces: Vec<Vec<u8>> = some
            .par_chunks(PIECE_LINES)
            .map(|chunk| {
                let mut piece = Vec::with_capacity(chunk.len() * 96);
                rows(chunk, &mut piece);
                piece
            })
            .collect();
        for piece in &pieces {
            out.extend_from_slice(piece);
        }
    }
    Rendered { bytes: out, rows: lines.len(), people: super::distinct_people(lines) }
}

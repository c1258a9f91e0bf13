//! Text renderings for the terminal: tables that line up, and CSV.

use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::engine::compare::{Comparison, MOVERS};
use crate::engine::compiled::CompiledPlan;
use crate::engine::warnings::PaidWarnings;
use crate::engine::{EmployeePayout, PayoutReport, render};
use crate::export::{Reconciliation, safe_text};
use crate::money;
use crate::plan::Plan;
use crate::roster::Roster;

/// How many terminal columns `s` takes: two for CJK ideographs, Hangul, full-width forms and
/// most emoji, none for combining marks, so columns after a name like 山田太郎 still line up.
pub(super) fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The most characters a table cell shows on the terminal: longer text (a 60,000-character name)
/// is cut with `…`, so one cell cannot widen every row. CSV and JSON keep every character.
pub(super) const MAX_CELL_WIDTH: usize = 60;

/// `s` cut to [`MAX_CELL_WIDTH`] characters, the last being `…` when cut.
pub(super) fn bounded(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_CELL_WIDTH) {
        None => std::borrow::Cow::Borrowed(s),
        Some(_) => {
            let mut cut: String = s.chars().take(MAX_CELL_WIDTH - 1).collect();
            cut.push('\u{2026}');
            std::borrow::Cow::Owned(cut)
        }
    }
}

/// A simple left/right aligned text table.
pub(super) struct Table {
    header: Vec<String>,
    right: Vec<bool>,
    pub(super) rows: Vec<Vec<String>>,
}

impl Table {
    pub(super) fn new(columns: &[(&str, bool)]) -> Self {
        Self {
            header: columns.iter().map(|(c, _)| (*c).to_owned()).collect(),
            right: columns.iter().map(|(_, r)| *r).collect(),
            rows: Vec::new(),
        }
    }

    pub(super) fn write(&self, w: &mut dyn Write) -> io::Result<()> {
        let width = display_width;
        let header: Vec<String> = self.header.iter().map(|c| bounded(c).into_owned()).collect();
        let rows: Vec<Vec<String>> =
            self.rows.iter().map(|row| row.iter().map(|c| bounded(c).into_owned()).collect()).collect();
        let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
        for row in &rows {
            for (i, cell) in row.iter().enumerate() {
                if let Some(w) = widths.get_mut(i) {
                    *w = (*w).max(width(cell));
                }
            }
        }
        let line = |w: &mut dyn Write, cells: &[String]| -> io::Result<()> {
            let mut out = String::new();
            for (i, cell) in cells.iter().enumerate() {
                let pad = widths.get(i).copied().unwrap_or(0).saturating_sub(width(cell));
                if i > 0 {
                    out.push_str("  ");
                }
                if self.right.get(i).copied().unwrap_or(false) {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(cell);
                } else {
                    out.push_str(cell);
                    if i + 1 < cells.len() {
                        out.push_str(&" ".repeat(pad));
                    }
                }
            }
            writeln!(w, "{}", out.trim_end())
        };
        line(w, &header)?;
        let rule: Vec<String> = widths.iter().map(|n| "-".repeat(*n)).collect();
        line(w, &rule)?;
        for row in &rows {
            line(w, row)?;
        }
        Ok(())
    }
}

fn pct(v: Option<Decimal>) -> String {
    v.map(|a| money::percent_cut(a, 1)).unwrap_or_else(|| "-".to_owned())
}

/// `payouts --format table`.
pub fn payouts_table(r: &PayoutReport, w: &mut dyn Write) -> io::Result<()> {
    let dp = r.minor_units;
    writeln!(w, "{} · {} · {} to {}", r.plan, r.currency, r.period.start, r.period.end)?;
    writeln!(w)?;
    let mut t = Table::new(&[
        ("ID", false),
        ("Name", false),
        ("Role", false),
        ("Team", false),
        ("Employed", true),
        ("Attainment", true),
        ("Total", true),
    ]);
    for e in &r.employees {
        t.rows.push(vec![
            e.employee_id.to_string(),
            e.name.to_string(),
            e.role.to_string(),
            e.team.to_string(),
            money::percent_cut(e.proration, 0),
            pct(e.attainment),
            money::grouped(e.total, dp),
        ]);
    }
    t.write(w)?;
    writeln!(w)?;
    let tot = &r.totals;
    let share = tot
        .cost_pct_of_revenue()
        .map(|p| {
            format!(" = {} of revenue {}", money::percent(p / Decimal::ONE_HUNDRED, 2), money::grouped(tot.revenue, dp))
        })
        .unwrap_or_default();
    writeln!(w, "Total payout cost: {} {}{share}", money::grouped(tot.total, dp), r.currency)?;
    writeln!(w, "People: {} computed, {} not covered, {} in error", tot.people, r.not_covered.len(), error_people(r))?;
    let by = |m: &indexmap::IndexMap<String, Decimal>| {
        m.iter().map(|(k, v)| format!("{k} {}", money::grouped(*v, dp))).collect::<Vec<_>>().join(" · ")
    };
    writeln!(w, "By role: {}", by(&tot.by_role))?;
    writeln!(w, "By component: {}", by(&tot.by_component))?;
    if !r.not_covered.is_empty() {
        writeln!(w, "\nNot covered (no track for their role):")?;
        for n in &r.not_covered {
            writeln!(w, "  {} {} ({})", n.employee_id, n.name, n.role)?;
        }
    }
    if !r.errors.is_empty() {
        writeln!(w, "\nCould not be computed:")?;
        for e in &r.errors {
            let component = e.component.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
            writeln!(w, "  {} {}{component}: {}", e.employee_id, e.name, e.message)?;
        }
    }
    paid_with_warnings(&r.employees, w)
}

/// The warnings of the people paid ([`PaidWarnings`]), under their heading.
pub(super) fn paid_with_warnings(employees: &[EmployeePayout], w: &mut dyn Write) -> io::Result<()> {
    let warnings = PaidWarnings::of(employees);
    if warnings.is_empty() {
        return Ok(());
    }
    writeln!(w, "\nPaid as shown, but check:")?;
    for line in warnings.lines() {
        writeln!(w, "  {line}")?;
    }
    Ok(())
}

fn error_people(r: &PayoutReport) -> usize {
    crate::engine::stats::failed(r).len()
}

/// The header of `payouts --format csv`.
const PAYOUTS_CSV_HEADER: [&str; 9] =
    ["employee_id", "name", "role", "team", "proration", "component", "kind", "amount", "explanation"];

/// `payouts --format csv`: computes `plan` on `roster` and writes one row per person and line
/// with its explanation, in one pass on all cores ([`render::compute_and_write`]). Returns the
/// report (without explanations).
pub fn payouts_csv(
    compiled: &CompiledPlan,
    plan: &Plan,
    roster: &Roster,
    progress: &(dyn Fn(u64) + Sync),
    w: &mut dyn Write,
) -> io::Result<PayoutReport> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut *w);
    out.write_record(PAYOUTS_CSV_HEADER)?;
    out.flush()?;
    drop(out);
    let minor_units = compiled.minor_units();
    render::compute_and_write(compiled, plan, roster, progress, w, b"", |buf, e| {
        payout_rows(buf, e, minor_units);
    })
}

/// `payouts --format csv` streamed: the roster file `paths` is read, computed and written
/// block by block ([`render::stream_and_write`]), the same bytes as [`payouts_csv`] on the whole
/// roster. On an error, what was written is to be discarded.
pub fn stream_payouts_csv(
    plan: &Plan,
    paths: &[std::path::PathBuf],
    options: &crate::roster::ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
    w: &mut dyn Write,
) -> Result<crate::engine::stream::StreamOutcome, crate::engine::stream::StreamError> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut *w);
    out.write_record(PAYOUTS_CSV_HEADER).map_err(io::Error::from)?;
    out.flush()?;
    drop(out);
    let minor_units = crate::money::minor_units(&plan.currency).unwrap_or(2);
    render::stream_and_write(plan, paths, options, progress, w, b"", |buf, e| {
        payout_rows(buf, e, minor_units);
    })
}

/// `payouts --format csv` of a report computed with explanations, written as a streamed roster's
/// is (the reference the tests hold the one-pass CSV to).
#[cfg(test)]
pub fn report_csv(r: &PayoutReport, w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut *w);
    out.write_record(PAYOUTS_CSV_HEADER)?;
    out.flush()?;
    drop(out);
    render::write_people(r, w, b"", |buf, e| payout_rows(buf, e, r.minor_units))
}

/// `payouts --period NAME --format csv`: the payouts CSV of a plan year's pay period, each row
/// ending with the person's `attainment` (the period's own: its metric ÷ its quota) and
/// `ytd_attainment` (to date, what year-to-date lines pay on; empty when none measures it), one
/// per person in `report.employees`.
pub fn period_csv(r: &PayoutReport, ytd_attainment: &[Option<Decimal>], w: &mut dyn Write) -> io::Result<()> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut *w);
    out.write_record(PAYOUTS_CSV_HEADER.iter().chain(&["attainment", "ytd_attainment"]))?;
    out.flush()?;
    drop(out);
    let shown = |a: Option<Decimal>| {
        a.map(|a| crate::engine::json::ratio_text(crate::engine::json::attainment_shown(a))).unwrap_or_default()
    };
    let mut buf = Vec::new();
    for (e, ytd) in r.employees.iter().zip(ytd_attainment) {
        buf.clear();
        payout_rows_with(&mut buf, e, r.minor_units, &[&shown(e.attainment), &shown(*ytd)]);
        w.write_all(&buf)?;
    }
    Ok(())
}

/// Appends `e`'s lines as rows of `payouts --format csv`.
fn payout_rows(buf: &mut Vec<u8>, e: &EmployeePayout, minor_units: u32) {
    payout_rows_with(buf, e, minor_units, &[]);
}

/// [`payout_rows`], each row ending with the cells `extra`.
fn payout_rows_with(buf: &mut Vec<u8>, e: &EmployeePayout, minor_units: u32, extra: &[&str]) {
    // A small buffer: the writer's default 8 KiB, cleared for every person, was a tenth of the
    // whole command; a person's rows go straight into `buf` anyway.
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).buffer_capacity(256).from_writer(buf);
    let proration = crate::engine::json::ratio_text(e.proration);
    let (id, name, role, team) =
        (safe_text(&e.employee_id), safe_text(&e.name), safe_text(&e.role), safe_text(&e.team));
    let mut amount = String::with_capacity(32);
    for l in &e.lines {
        use std::fmt::Write as _;
        amount.clear();
        write!(amount, "{}", money::Fixed(l.amount, minor_units)).ok();
        // Writing to a Vec cannot fail.
        let component_name = l.component();
        let component = safe_text(&component_name);
        let explanation = safe_text(&l.explanation);
        let cells = [
            id.as_ref(),
            name.as_ref(),
            role.as_ref(),
            team.as_ref(),
            proration.as_str(),
            component.as_ref(),
            l.kind.as_str(),
            amount.as_str(),
            explanation.as_ref(),
        ];
        out.write_record(cells.iter().chain(extra)).ok();
    }
    out.flush().ok();
}

/// `compare --format table`.
pub fn compare_table(cmp: &Comparison, w: &mut dyn Write) -> io::Result<()> {
    let dp = cmp.minor_units();
    let mut columns: Vec<(String, bool)> = vec![("".to_owned(), false)];
    for (i, r) in cmp.reports.iter().enumerate() {
        columns.push((format!("{}. {}", i + 1, r.plan), true));
    }
    let cols: Vec<(&str, bool)> = columns.iter().map(|(c, r)| (c.as_str(), *r)).collect();
    let mut t = Table::new(&cols);
    let row = |label: &str, f: &dyn Fn(&PayoutReport) -> String| -> Vec<String> {
        std::iter::once(label.to_owned()).chain(cmp.reports.iter().map(f)).collect()
    };
    t.rows.push(row("Total payout cost", &|r| money::grouped(r.totals.total, dp)));
    t.rows.push(row("Cost % of revenue", &|r| {
        r.totals
            .cost_pct_of_revenue()
            .map(|p| money::percent(p / Decimal::ONE_HUNDRED, 2))
            .unwrap_or_else(|| "-".to_owned())
    }));
    t.rows.push(row("People computed", &|r| r.totals.people.to_string()));
    if cmp.reports.iter().any(|r| !r.errors.is_empty()) {
        t.rows.push(row("People in error", &|r| error_people(r).to_string()));
    }
    let mut roles: Vec<&String> = Vec::new();
    let mut components: Vec<&String> = Vec::new();
    for r in &cmp.reports {
        for k in r.totals.by_role.keys() {
            if !roles.contains(&k) {
                roles.push(k);
            }
        }
        for k in r.totals.by_component.keys() {
            if !components.contains(&k) {
                components.push(k);
            }
        }
    }
    for role in roles {
        t.rows.push(row(&format!("Role: {role}"), &|r| {
            money::grouped(r.totals.by_role.get(role).copied().unwrap_or_default(), dp)
        }));
    }
    for c in components {
        t.rows.push(row(&format!("Component: {c}"), &|r| {
            r.totals.by_component.get(c).map_or_else(|| "-".to_owned(), |v| money::grouped(*v, dp))
        }));
    }
    t.write(w)?;
    for to in 1..cmp.reports.len() {
        let (gainers, losers) = cmp.movers(0, to, MOVERS);
        let from_name = cmp.reports.first().map_or("", |r| r.plan.as_str());
        let to_name = cmp.reports.get(to).map_or("", |r| r.plan.as_str());
        writeln!(w, "\nMoving from 1. {} to {}. {}:", bounded(from_name), to + 1, bounded(to_name))?;
        for (title, rows) in [("Biggest gainers", gainers), ("Biggest losers", losers)] {
            writeln!(w, "{title}:")?;
            if rows.is_empty() {
                writeln!(w, "  (none)")?;
                continue;
            }
            let mut t = Table::new(&[
                ("  ID", false),
                ("Name", false),
                ("Role", false),
                ("From", true),
                ("To", true),
                ("Change", true),
            ]);
            for p in rows {
                t.rows.push(vec![
                    format!("  {}", p.employee_id),
                    p.name.to_string(),
                    p.role.to_string(),
                    money::grouped(p.totals.first().copied().flatten().unwrap_or_default(), dp),
                    money::grouped(p.totals.get(to).copied().flatten().unwrap_or_default(), dp),
                    // Gainers and losers all have a known change.
                    signed(p.change(0, to).unwrap_or_default(), dp),
                ]);
            }
            t.write(w)?;
        }
    }
    if let Some(note) = cmp.not_compared_note() {
        writeln!(w, "\n{note}.")?;
    }
    Ok(())
}

fn signed(v: Decimal, dp: u32) -> String {
    if v > Decimal::ZERO { format!("+{}", money::grouped(v, dp)) } else { money::grouped(v, dp) }
}

/// The reconciliation summary printed by `export` (the same text is written next to the file).
pub fn reconciliation_text(rec: &Reconciliation) -> String {
    rec.text()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `payouts --format csv` as one thread writes it from a report computed with explanations.
    fn serial_csv(r: &PayoutReport) -> Vec<u8> {
        let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        out.write_record(PAYOUTS_CSV_HEADER).unwrap();
        for e in &r.employees {
            for l in &e.lines {
                out.write_record([
                    safe_text(&e.employee_id).as_ref(),
                    safe_text(&e.name).as_ref(),
                    safe_text(&e.role).as_ref(),
                    safe_text(&e.team).as_ref(),
                    &crate::engine::json::ratio_text(e.proration),
                    safe_text(&l.component()).as_ref(),
                    l.kind.as_str(),
                    &money::fixed(l.amount, r.minor_units),
                    safe_text(&l.explanation).as_ref(),
                ])
                .unwrap();
            }
        }
        out.into_inner().unwrap()
    }

    #[test]
    fn csv_computed_while_written_on_all_cores_is_the_serial_csv_of_the_explained_report() {
        // More people than one render block, so blocks and pieces meet in the middle.
        let people = crate::engine::render::RENDER_BLOCK + 300;
        let mut csv = Vec::new();
        crate::synth::write_roster(&mut csv, people, 5, crate::synth::Roles::Mixed, 1).unwrap();
        let roster = crate::roster::import_reader("r.csv", csv.as_slice(), &Default::default()).unwrap().roster;
        let plan = crate::plan::parse(include_str!("../../sample_plans/product_led.json")).unwrap();
        let compiled = CompiledPlan::new(&plan, &roster).unwrap();
        let mut streamed = Vec::new();
        let report = payouts_csv(&compiled, &plan, &roster, &|_| {}, &mut streamed).unwrap();
        let explained = compiled.report(&plan, &roster, crate::engine::Detail::Explained);
        let expected = serial_csv(&explained);
        assert!(expected.len() > people * 100, "the reference has every line");
        assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(expected.clone()).unwrap());
        assert_eq!(report, compiled.report(&plan, &roster, crate::engine::Detail::AmountsOnly));
        let mut of_report = Vec::new();
        report_csv(&explained, &mut of_report).unwrap();
        assert_eq!(of_report, expected);
    }

    #[test]
    fn wide_names_keep_the_columns_aligned() {
        let mut t = Table::new(&[("Name", false), ("Role", false), ("Total", true)]);
        for name in ["Ann Lee", "山田太郎", "김민준", "Zoë 🚀 Park", "José Müller"] {
            t.rows.push(vec![name.to_owned(), "sales".to_owned(), "1,000.00".to_owned()]);
        }
        let mut out = Vec::new();
        t.write(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        // Where "sales" starts and where each line ends, in terminal columns.
        let starts: Vec<usize> = lines[2..].iter().map(|l| display_width(&l[..l.find("sales").unwrap()])).collect();
        let ends: Vec<usize> = lines.iter().map(|l| display_width(l)).collect();
        assert!(starts.iter().all(|s| *s == starts[0]), "{starts:?}\n{text}");
        assert!(ends.iter().all(|e| *e == ends[0]), "{ends:?}\n{text}");
        // 山田太郎 is 8 columns wide (4 characters): the column is as wide as the widest name.
        assert_eq!(starts[0], display_width("Zoë 🚀 Park") + 2);
    }
}

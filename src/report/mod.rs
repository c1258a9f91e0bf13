//! Meeting hand-outs for a plan comparison: an Excel workbook ([`workbook`]) and a self-contained
//! HTML report with inline SVG charts ([`html`]).
//!
//! Both are built from a [`Comparison`] alone, so the app's Compare screen and
//! `carrot compare --xlsx F --html F` write the same files. Plans are always numbered ("1. …",
//! "2. …") wherever they are named, so two plans with the same name stay apart; the HTML report
//! also gives each plan its own colour.

pub mod html;
mod svg;
pub mod workbook;

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use crate::engine::compare::{Comparison, PersonRow};
use crate::engine::{LineKind, PayoutReport};

pub use html::{render_html, write_html};
pub use workbook::{MIN_PRINT_SCALE, Paper, plan_sheet_names, workbook_bytes, write_workbook};

/// Why a hand-out could not be produced or written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// The spreadsheet library refused something (a bug in Carrot, reported rather than hidden).
    #[error("could not build the workbook: {0}")]
    Workbook(#[from] rust_xlsxwriter::XlsxError),
    /// An amount could not be represented as a spreadsheet number.
    #[error("the amount {0} cannot be written as a spreadsheet number")]
    Number(Decimal),
    /// Writing the file failed, or it exists and overwriting was not allowed.
    #[error(transparent)]
    Write(#[from] crate::fsx::WriteError),
}

/// How a plan is named in hand-outs: its number in the comparison and its name, `"2. Transition"`.
/// The number is what tells two plans with the same name apart.
pub fn plan_label(cmp: &Comparison, index: usize) -> String {
    let name = cmp.reports.get(index).map_or("", |r| r.plan.trim());
    if name.is_empty() { format!("{}. (unnamed plan)", index + 1) } else { format!("{}. {name}", index + 1) }
}

/// A payout component as hand-outs show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ComponentInfo {
    /// Component id (the key of `Totals::by_component`).
    pub id: String,
    /// Its label in the plan (the first plan that pays it), or the id.
    pub label: String,
}

/// Every component any plan pays, in order of first appearance, with the cap and guarantee
/// adjustments last.
pub(crate) fn components(cmp: &Comparison) -> Vec<ComponentInfo> {
    let is_adjustment =
        |id: &str| id == LineKind::CapAdjustment.as_str() || id == LineKind::GuaranteeAdjustment.as_str();
    let mut ids: Vec<&str> = Vec::new();
    for r in &cmp.reports {
        for id in r.totals.by_component.keys() {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
    }
    // Stable: keeps the plan order within each group.
    ids.sort_by_key(|id| is_adjustment(id));
    ids.into_iter()
        .map(|id| {
            let label = cmp
                .reports
                .iter()
                .flat_map(|r| r.employees.iter())
                .flat_map(|e| e.lines.iter())
                .find(|l| &*l.component() == id)
                .map(|l| l.label().trim().to_owned())
                .filter(|l| !l.is_empty())
                .unwrap_or_else(|| id.to_owned());
            ComponentInfo { id: id.to_owned(), label }
        })
        .collect()
}

/// Every role any plan has a total for, in order of first appearance.
pub(crate) fn roles(cmp: &Comparison) -> Vec<&str> {
    let mut roles: Vec<&str> = Vec::new();
    for r in &cmp.reports {
        for role in r.totals.by_role.keys() {
            if !roles.contains(&role.as_str()) {
                roles.push(role);
            }
        }
    }
    roles
}

/// How many different people a plan could not compute (the engine lists one entry per problem).
pub(crate) fn people_in_error(r: &PayoutReport) -> usize {
    r.errors.iter().map(|e| e.index).collect::<BTreeSet<_>>().len()
}

/// How many people the roster has: everyone any plan computed, did not cover, or failed on.
pub(crate) fn roster_size(cmp: &Comparison) -> usize {
    let mut seen = BTreeSet::new();
    for r in &cmp.reports {
        seen.extend(r.employees.iter().map(|e| e.index));
        seen.extend(r.not_covered.iter().map(|n| n.index));
        seen.extend(r.errors.iter().map(|e| e.index));
    }
    seen.len()
}

/// The currency the amounts are in: `"EUR"`, or `"EUR / USD"` when the plans differ (amounts are
/// never converted).
pub(crate) fn currency_text(cmp: &Comparison) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for r in &cmp.reports {
        if !codes.contains(&r.currency.as_str()) {
            codes.push(&r.currency);
        }
    }
    codes.join(" / ")
}

/// Whether the plans use more than one currency.
pub(crate) fn mixed_currencies(cmp: &Comparison) -> bool {
    cmp.reports.iter().any(|r| cmp.reports.first().is_some_and(|f| f.currency != r.currency))
}

/// The periods of the plans: `"2026-07-01 to 2026-09-30"`, or each distinct one joined by "; ".
pub(crate) fn period_text(cmp: &Comparison) -> String {
    let mut periods: Vec<String> = Vec::new();
    for r in &cmp.reports {
        let p = format!("{} to {}", r.period.start, r.period.end);
        if !periods.contains(&p) {
            periods.push(p);
        }
    }
    periods.join("; ")
}

/// Groups of plan indexes that share a name (only groups of two or more).
pub(crate) fn same_name_groups(cmp: &Comparison) -> Vec<Vec<usize>> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, r) in cmp.reports.iter().enumerate() {
        let key = r.plan.trim().to_lowercase();
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups.into_iter().map(|(_, m)| m).filter(|m| m.len() > 1).collect()
}

/// "Plans 1 and 2 are both named “Product-led”; …" when names repeat, for a note in hand-outs.
pub(crate) fn same_name_note(cmp: &Comparison) -> Option<String> {
    let groups = same_name_groups(cmp);
    if groups.is_empty() {
        return None;
    }
    let parts: Vec<String> = groups
        .iter()
        .map(|g| {
            let numbers: Vec<String> = g.iter().map(|i| (i + 1).to_string()).collect();
            let list = match numbers.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => numbers.concat(),
            };
            let name = g.first().and_then(|i| cmp.reports.get(*i)).map_or("", |r| r.plan.trim());
            let all = if g.len() == 2 { "both" } else { "all" };
            format!("Plans {list} are {all} named \u{201c}{name}\u{201d}")
        })
        .collect();
    Some(format!("{}: they are told apart by their number.", parts.join("; ")))
}

/// Everyone with a known change from plan `from` to plan `to` (both plans could compute them),
/// sorted by it: biggest gain first, biggest loss last, ties by employee id.
pub(crate) fn ranked(cmp: &Comparison, from: usize, to: usize) -> Vec<(&PersonRow, Decimal)> {
    let mut rows: Vec<(&PersonRow, Decimal)> =
        cmp.people.iter().filter_map(|p| p.change(from, to).map(|c| (p, c))).collect();
    rows.sort_by(|(a, ca), (b, cb)| cb.cmp(ca).then_with(|| a.employee_id.cmp(&b.employee_id)));
    rows
}

/// A person's total under plan `i`, 0 when that plan did not pay them.
pub(crate) fn total_or_zero(p: &PersonRow, i: usize) -> Decimal {
    p.totals.get(i).copied().flatten().unwrap_or_default()
}

/// `change / from` as a fraction, when `from` is not 0.
pub(crate) fn change_fraction(p: &PersonRow, from: usize, to: usize) -> Option<Decimal> {
    let base = total_or_zero(p, from);
    if base.is_zero() { None } else { p.change(from, to)?.checked_div(base.abs()) }
}

#[cfg(test)]
mod tests;

//! Payroll exports: the chosen plan's payouts as the file a payroll system imports.
//!
//! Rules for every template: money as plain numbers with `.` and exactly the currency's
//! minor-unit digits, negatives with a leading `-`; ids as text (leading zeros survive); text
//! cells that start with `=`, `+`, `-`, `@`, tab or carriage return are neutralised (a leading
//! `'`) so a spreadsheet never runs them, while amount cells are never touched; each line's
//! earning code comes from the plan, and a missing code is an error before anything is written.
//! The same inputs give byte-identical files.

pub mod generic;

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::engine::{LineKind, PayoutReport};
use crate::fsx::{self, Access, Overwrite};
use crate::plan::{EarningCodes, Plan};

/// The payroll templates, by the name used on the command line and in plan `earning_codes`.
pub const TEMPLATE_NAMES: &[&str] = &["generic"];

/// A payroll file layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// One row per employee and line: `employee_id, name, period_start, period_end, pay_date,
    /// earning_code, component, amount, currency`.
    Generic,
}

impl Template {
    /// Every template.
    pub const ALL: [Self; 1] = [Self::Generic];

    /// The template's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Generic => "generic",
        }
    }

    /// Parses a template name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The file name suggested when the user has not chosen one.
    pub fn default_file_name(self, plan: &Plan, pay_date: NaiveDate) -> String {
        let slug: String =
            plan.name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        match self {
            Self::Generic => format!("payroll_{}_{pay_date}.csv", slug.trim_matches('_')),
        }
    }
}

/// Why an export was refused. Nothing is written in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Lines without an earning code for the template.
    #[error("no earning code for template `{template}`: {}. Add \"earning_code\" (or \"earning_codes\": {{\"{template}\": ...}}) to each", missing.join(", "))]
    MissingEarningCodes {
        /// The template.
        template: String,
        /// `track.component` of each line without a code.
        missing: Vec<String>,
    },
    /// Some people could not be computed; exporting would silently pay them nothing.
    #[error(
        "{count} people could not be computed, so the export would leave them out: {examples}. Fix the roster or plan first"
    )]
    PeopleInError {
        /// How many.
        count: usize,
        /// The first few, as `id (name): message`.
        examples: String,
    },
    /// The file could not be written.
    #[error(transparent)]
    Write(#[from] fsx::WriteError),
    /// The data cannot be written in this template's format.
    #[error("{0}")]
    Unsupported(String),
}

/// What an export writes, for reconciliation with `carrot payouts`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reconciliation {
    /// People with at least one row.
    pub people: usize,
    /// Payout lines written.
    pub lines: usize,
    /// Total per earning code.
    pub by_code: BTreeMap<String, Decimal>,
    /// Sum of every line written; equals the payouts total to the cent.
    pub total: Decimal,
    /// Currency.
    pub currency: String,
    /// Decimals of the currency.
    pub minor_units: u32,
}

/// A payout line ready for a payroll file: who, what code, how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayrollLine<'a> {
    /// Employee id.
    pub employee_id: &'a str,
    /// Name.
    pub name: &'a str,
    /// Component id or adjustment.
    pub component: &'a str,
    /// Line kind.
    pub kind: LineKind,
    /// Earning code for the template.
    pub code: &'a str,
    /// Amount (rounded).
    pub amount: Decimal,
}

/// Resolves every line's earning code for `template`; refuses (listing all) when any is missing,
/// or when anyone is in error.
pub fn payroll_lines<'a>(
    plan: &'a Plan,
    report: &'a PayoutReport,
    template: Template,
) -> Result<Vec<PayrollLine<'a>>, ExportError> {
    if !report.errors.is_empty() {
        let examples: Vec<String> =
            report.errors.iter().take(3).map(|e| format!("{} ({}): {}", e.employee_id, e.name, e.message)).collect();
        return Err(ExportError::PeopleInError { count: report.errors.len(), examples: examples.join("; ") });
    }
    let name = template.name();
    let code_of = |role: &str, component: &str, kind: LineKind| -> Option<&'a str> {
        let track = plan.tracks.get(role)?;
        let codes: EarningCodes<'a> = match kind {
            LineKind::CapAdjustment => track.cap.as_ref().or(plan.cap.as_ref())?.codes(),
            LineKind::GuaranteeAdjustment => track.guarantee.as_ref().or(plan.guarantee.as_ref())?.codes(),
            _ => track.components.iter().find(|c| c.id() == component)?.codes()?,
        };
        codes.for_template(name)
    };
    let mut missing: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for e in &report.employees {
        for l in &e.lines {
            match code_of(&e.role, &l.component, l.kind) {
                Some(code) => lines.push(PayrollLine {
                    employee_id: &e.employee_id,
                    name: &e.name,
                    component: &l.component,
                    kind: l.kind,
                    code,
                    amount: l.amount,
                }),
                None => {
                    let what = match l.kind {
                        LineKind::CapAdjustment => format!("{}.cap", e.role),
                        LineKind::GuaranteeAdjustment => format!("{}.guarantee", e.role),
                        _ => format!("{}.{}", e.role, l.component),
                    };
                    if !missing.contains(&what) {
                        missing.push(what);
                    }
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(ExportError::MissingEarningCodes { template: name.to_owned(), missing });
    }
    Ok(lines)
}

/// Sums what a set of payroll lines pays.
pub fn reconcile(lines: &[PayrollLine<'_>], report: &PayoutReport) -> Reconciliation {
    let mut rec = Reconciliation {
        currency: report.currency.clone(),
        minor_units: report.minor_units,
        ..Reconciliation::default()
    };
    let mut people = std::collections::HashSet::new();
    for l in lines {
        people.insert(l.employee_id);
        rec.lines += 1;
        rec.total += l.amount;
        *rec.by_code.entry(l.code.to_owned()).or_insert(Decimal::ZERO) += l.amount;
    }
    rec.people = people.len();
    rec
}

/// What to export.
#[derive(Clone, Copy, Debug)]
pub struct ExportRequest<'a> {
    /// The plan (for earning codes).
    pub plan: &'a Plan,
    /// Its payouts.
    pub report: &'a PayoutReport,
    /// The pay date written in the file.
    pub pay_date: NaiveDate,
    /// The layout.
    pub template: Template,
}

/// Renders the file in memory, with its reconciliation. Nothing is written.
pub fn render(req: &ExportRequest<'_>) -> Result<(Vec<u8>, Reconciliation), ExportError> {
    let lines = payroll_lines(req.plan, req.report, req.template)?;
    let rec = reconcile(&lines, req.report);
    let bytes = match req.template {
        Template::Generic => generic::render(req, &lines),
    };
    Ok((bytes, rec))
}

/// Renders and writes the file atomically, readable by the owner only. With
/// [`Overwrite::Refuse`] an existing file is never replaced.
pub fn write(req: &ExportRequest<'_>, path: &Path, overwrite: Overwrite) -> Result<Reconciliation, ExportError> {
    let (bytes, rec) = render(req)?;
    fsx::write_atomic(path, &bytes, overwrite, Access::Private)?;
    Ok(rec)
}

/// Neutralises a text cell so no spreadsheet evaluates it as a formula (OWASP CSV injection):
/// a leading `=`, `+`, `-`, `@`, tab or carriage return gets a `'` in front.
pub fn safe_text(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => std::borrow::Cow::Owned(format!("'{cell}")),
        _ => std::borrow::Cow::Borrowed(cell),
    }
}

/// A CSV writer with CRLF line ends (RFC 4180) and quoting only where needed.
pub(crate) fn csv_writer(out: &mut Vec<u8>) -> csv::Writer<&mut Vec<u8>> {
    csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_untouched() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe_text(bad).starts_with('\''), "{bad:?}");
        }
        for ok in ["Zoë Müller", "000417", "O'Brien", ""] {
            assert_eq!(safe_text(ok), ok);
        }
    }
}

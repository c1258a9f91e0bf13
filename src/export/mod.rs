//! Payroll exports: the chosen plan's payouts as the file a payroll system imports.
//!
//! Rules for every template: money as plain numbers with `.` and exactly the layout's decimals
//! (two where the payroll takes dollars and cents, else the currency's minor-unit digits),
//! negatives with a leading `-`; ids as text (leading zeros survive); no byte-order mark; CRLF
//! line ends; text cells that start with `=`, `+`, `-`, `@`, tab or carriage return are
//! neutralised (a leading `'`) so a spreadsheet never runs them, while amount cells are never
//! touched; each line's earning code comes from the plan (`earning_codes[template]`, else
//! `earning_code`), and a missing or malformed code, a missing setting or data the payroll system
//! cannot take is an error before anything is written. The same inputs give byte-identical files.
//!
//! Every export comes with a [`Reconciliation`]: people, lines, total per earning code, grand
//! total (equal to the payouts total to the cent) and the SHA-256 of the plan file.
//! `docs/payroll.md` documents each layout.

pub mod adp_run;
pub mod adp_wfn;
pub mod generic;
pub mod gusto;
pub mod paychex_flex;
pub mod period;
pub mod settings;
pub mod workday;
pub mod workday_eib;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sha2::{Digest as _, Sha256};

pub use settings::{DEFAULT_ADP_FILE_NAME, GustoMatch, PayFrequency, PayrollSettings, Setting, SettingProblem};

use crate::engine::warnings::PaidWarnings;
use crate::engine::{LineKind, PayoutReport};
use crate::fsx::{self, Access, Overwrite};
use crate::money;
use crate::plan::{EarningCodes, Period, Plan};
use crate::roster::{RowIssue, Text};

/// The payroll templates, by the name used on the command line and in plan `earning_codes` (the
/// plan layer owns the list: [`crate::plan::PAYROLL_TEMPLATES`]).
pub const TEMPLATE_NAMES: &[&str] = crate::plan::PAYROLL_TEMPLATES;

/// A payroll file layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Template {
    /// One row per employee and line: `employee_id, name, period_start, period_end, pay_date,
    /// earning_code, component, amount, currency`.
    Generic,
    /// ADP Workforce Now paydata import (EPI): `Co Code, Batch ID, File #`, then `Earnings N
    /// Code` / `Earnings N Amount` pairs; one row per employee.
    AdpWfn,
    /// ADP RUN time sheet import: `##GENERIC## V1.0`, a header, then one row per employee and
    /// earnings code.
    AdpRun,
    /// Gusto payroll CSV upload: `first_name, last_name, gusto_employee_id` and one column per
    /// Gusto earning type; one row per employee.
    Gusto,
    /// Workday one-time payment requests: one row per employee and one-time payment plan.
    Workday,
    /// Workday "Submit Payroll Input" EIB: `Spreadsheet Key, Row ID, Batch ID, Start Date, End
    /// Date, Worker, Position, Earning, Amount, Currency, Coverage Start Date, Coverage End Date,
    /// Cost Center`, with reference ids (not display text); one row per worker and earning.
    WorkdayEib,
    /// Paychex Flex Standard Payroll Import: all 39 columns in their fixed order, one row per
    /// worker and pay component.
    PaychexFlex,
}

impl Template {
    /// Every template, in the order the app lists them.
    pub const ALL: [Self; 7] =
        [Self::Generic, Self::AdpWfn, Self::AdpRun, Self::Gusto, Self::Workday, Self::WorkdayEib, Self::PaychexFlex];

    /// The template's name (a stable contract: plan files and scripts use it).
    pub fn name(self) -> &'static str {
        match self {
            Self::Generic => "generic",
            Self::AdpWfn => "adp-wfn",
            Self::AdpRun => "adp-run",
            Self::Gusto => "gusto",
            Self::Workday => "workday",
            Self::WorkdayEib => "workday-eib",
            Self::PaychexFlex => "paychex-flex",
        }
    }

    /// A title for people: the payroll system and its import.
    pub fn title(self) -> &'static str {
        match self {
            Self::Generic => "Generic CSV (one row per payout line)",
            Self::AdpWfn => "ADP Workforce Now: paydata import (EPI)",
            Self::AdpRun => "ADP RUN: time sheet import",
            Self::Gusto => "Gusto: payroll CSV upload (bonus / commission)",
            Self::Workday => "Workday: one-time payment requests",
            Self::WorkdayEib => "Workday: Submit Payroll Input (EIB, reference ids)",
            Self::PaychexFlex => "Paychex Flex: Standard Payroll Import (SPI)",
        }
    }

    /// Parses a template name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The file name suggested when the user has not chosen one (and used when `--out` is a
    /// folder). ADP Workforce Now uses [`PayrollSettings::adp_file_name`] (`PRcccEPI.csv` by
    /// default); the others name the plan and the pay date.
    pub fn default_file_name(self, plan: &Plan, pay_date: NaiveDate, settings: &PayrollSettings) -> String {
        // Lowercase ASCII words joined by single `_` (accents folded: some payroll uploads refuse
        // other names): `Plan year 2026 (monthly)` → `plan_year_2026_monthly`.
        let slug = crate::roster::values::normalize_header(&plan.name);
        let slug = if slug.is_empty() { "plan" } else { slug.as_str() };
        match self {
            Self::Generic => format!("payroll_{slug}_{pay_date}.csv"),
            Self::AdpWfn => settings.adp_wfn_file_name(pay_date).unwrap_or_else(|_| {
                // A bad pattern is reported by `PayrollSettings::check` before anything is written.
                format!("adp_wfn_{slug}_{pay_date}.csv")
            }),
            Self::AdpRun => format!("adp_run_{slug}_{pay_date}.csv"),
            Self::Gusto => format!("gusto_{slug}_{pay_date}.csv"),
            Self::Workday => format!("workday_one_time_payments_{slug}_{pay_date}.csv"),
            Self::WorkdayEib => format!("workday_eib_payroll_input_{slug}_{pay_date}.csv"),
            Self::PaychexFlex => format!("paychex_spi_{slug}_{pay_date}.csv"),
        }
    }

    /// The currency the payroll system pays a file of this layout in, for layouts without a
    /// currency column: the US payroll products (ADP Workforce Now and RUN, Gusto, Paychex
    /// Flex) pay in US dollars. `None`: the file names its currency (`generic`, `workday`).
    pub fn payroll_currency(self) -> Option<&'static str> {
        match self {
            Self::AdpWfn | Self::AdpRun | Self::Gusto | Self::PaychexFlex => Some("USD"),
            Self::Generic | Self::Workday | Self::WorkdayEib => None,
        }
    }

    /// The decimals the layout writes every amount with, where it fixes them: the layouts without
    /// a currency column take dollars and cents ("amounts with two decimals", ADP's paydata and
    /// RUN's dollars, Gusto's and Paychex's amounts; `../shared/PAYROLL_FORMATS.md` §4.1, §4.8).
    /// `None`: the file writes the currency's own decimals beside its currency (`generic`,
    /// `workday`, `workday-eib`). A plan whose currency has fewer decimals is written exactly with
    /// zeros added (JPY 174795 as `174795.00`); one with more cannot be written exactly and is
    /// refused ([`ExportError::Decimals`]).
    pub fn amount_decimals(self) -> Option<u32> {
        match self {
            Self::AdpWfn | Self::AdpRun | Self::Gusto | Self::PaychexFlex => Some(2),
            Self::Generic | Self::Workday | Self::WorkdayEib => None,
        }
    }

    /// Whether the layout can carry a negative amount per earning code. Where it cannot, a
    /// person whose lines net to a negative amount for a code is refused before writing.
    pub fn allows_negative(self) -> bool {
        !matches!(self, Self::Gusto | Self::Workday)
    }

    /// The amounts one amount cell of the layout can hold, where the payroll system's published
    /// layout gives a range (`None`: no range is documented). An amount outside it is refused
    /// before writing, naming the person, the code and the amount ([`ExportError::Data`]).
    ///
    /// ADP Workforce Now's paydata amounts run from −40500.00 to 99999.99 (the exporters' specs
    /// in `../shared/PAYROLL_FORMATS.md` §4.1; docs/payroll.md). ADP RUN, Gusto, Workday and
    /// Paychex publish no range for their amount columns.
    pub fn amount_range(self) -> Option<AmountRange> {
        match self {
            Self::AdpWfn => Some(AmountRange {
                min: Decimal::new(-4_050_000, 2),
                max: Decimal::new(9_999_999, 2),
                system: "ADP Workforce Now",
                field: "paydata import",
            }),
            Self::Generic | Self::AdpRun | Self::Gusto | Self::Workday | Self::WorkdayEib | Self::PaychexFlex => None,
        }
    }
}

/// The amounts a payroll system takes in one amount cell of its import
/// ([`Template::amount_range`]), both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AmountRange {
    /// The lowest amount (a negative amount reduces pay).
    pub min: Decimal,
    /// The highest amount.
    pub max: Decimal,
    /// The payroll system, as messages name it (`ADP Workforce Now`).
    pub system: &'static str,
    /// The import the range belongs to (`paydata import`).
    pub field: &'static str,
}

impl AmountRange {
    /// Whether `amount` is inside the range.
    pub fn contains(&self, amount: Decimal) -> bool {
        (self.min..=self.max).contains(&amount)
    }
}

/// How many problems an error message lists before saying how many more there are.
const LISTED: usize = 12;

fn problem_list(problems: &[String]) -> String {
    let mut s: String = problems.iter().take(LISTED).map(|p| format!("\n  {p}")).collect();
    if problems.len() > LISTED {
        let _ = write!(s, "\n  ... and {} more", problems.len() - LISTED);
    }
    s
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
    /// Earning codes the payroll system would refuse (e.g. an ADP code longer than 2
    /// characters, a Gusto column Gusto does not have).
    #[error("earning codes the {template} template cannot use:{}", problem_list(problems))]
    InvalidEarningCodes {
        /// The template.
        template: String,
        /// One message per code: the component, the code, what is allowed.
        problems: Vec<String>,
    },
    /// Missing or malformed template settings.
    #[error("the {template} template needs settings:{}", problem_list(&problems.iter().map(ToString::to_string).collect::<Vec<_>>()))]
    Settings {
        /// The template.
        template: String,
        /// Every problem, each naming the setting and its flag.
        problems: Vec<SettingProblem>,
    },
    /// The plan's currency has more decimals than the layout writes amounts with
    /// ([`Template::amount_decimals`]): its amounts cannot be written exactly.
    #[error(
        "the {template} file takes amounts with {layout_decimals} decimals, but the plan pays in {currency}, whose \
         amounts have {currency_decimals}: they cannot be written exactly, and rounding them would pay other amounts \
         than the plan computes. Export with a template that writes the currency's own decimals ({others}), or a \
         plan in a currency with at most {layout_decimals} decimals"
    )]
    Decimals {
        /// The template.
        template: String,
        /// The plan's currency.
        currency: String,
        /// Its decimals (minor units).
        currency_decimals: u32,
        /// The decimals the layout writes.
        layout_decimals: u32,
        /// The templates that write the currency's own decimals, comma-separated.
        others: String,
    },
    /// Payout data the payroll system cannot take (ids, names, negative amounts).
    #[error("the {template} file cannot be written:{}", problem_list(problems))]
    Data {
        /// The template.
        template: String,
        /// One message per person or value at fault.
        problems: Vec<String>,
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
    /// The template's name.
    pub template: String,
    /// The plan's name.
    pub plan: String,
    /// The plan period (`None` only for a default value).
    pub period: Option<Period>,
    /// The pay date of the export.
    pub pay_date: Option<NaiveDate>,
    /// SHA-256 of the plan file's bytes, lowercase hex.
    pub plan_sha256: String,
    /// For a plan year: the SHA-256 of the plan's canonical text, as its ledger records it
    /// (`plan.sha256`) and ledger messages name it, so a payroll file can be matched to its
    /// ledger; empty for a plan without a schedule.
    pub plan_canonical_sha256: String,
    /// SHA-256 of the payroll file this reconciliation describes, lowercase hex: a
    /// reconciliation and its file belong together when it matches.
    pub file_sha256: String,
    /// People with at least one payout line (zero amounts included).
    pub people: usize,
    /// People with at least one row in the file (templates that leave zero amounts blank have
    /// no row for someone with nothing to pay).
    pub people_in_file: usize,
    /// Payout lines exported.
    pub lines: usize,
    /// Data rows in the file (header rows not counted).
    pub rows: usize,
    /// Total per earning code.
    pub by_code: BTreeMap<String, Decimal>,
    /// Sum of every line written; equals the payouts total to the cent.
    pub total: Decimal,
    /// Currency.
    pub currency: String,
    /// Decimals of the currency.
    pub minor_units: u32,
    /// People the plan has no track for, as `id name (role)`: the file pays them nothing.
    pub not_covered: Vec<String>,
    /// Bad roster cells whose rows were left out (`--skip-bad-rows`), as the import lists them.
    pub skipped: Vec<String>,
    /// Rows those cells are on (a row may have several bad cells).
    pub skipped_rows: usize,
    /// Things a reviewer should look at: the plan's warnings, a pay date far from the period.
    pub warnings: Vec<String>,
    /// The warnings on people's payouts, each once with who has it
    /// ([`crate::engine::warnings::PaidWarnings::lines`]): to check before paying (someone
    /// employed none of the period is paid nothing and has no row in the file).
    pub paid_warnings: Vec<String>,
    /// What the command that exported asks a reviewer to check before paying, besides people's
    /// payouts, listed first under "To check before paying": a plan year's pay period computed
    /// without its ledger, deals of the deal list left out, a restatement of a reopened period
    /// ([`period`]). Set by the caller between [`render`] and [`write_rendered`].
    pub checks: Vec<String>,
    /// A reopened pay period's difference per person from the figures recorded before it was
    /// reopened ([`period::Restatement::people`]), under its own heading; empty otherwise.
    pub restatement: Vec<String>,
    /// The heading of [`Reconciliation::restatement`].
    pub restatement_heading: String,
    /// What was done about an earlier export to the same file that was interrupted (not part
    /// of the reconciliation's text).
    pub notes: Vec<String>,
}

impl Reconciliation {
    /// The summary shown by `carrot export` and written next to the file.
    pub fn text(&self) -> String {
        let dp = self.minor_units;
        let mut s = String::new();
        let _ = writeln!(s, "Payroll export reconciliation ({} template)", self.template);
        let period = self.period.map(|p| format!(", {} to {}", p.start, p.end)).unwrap_or_default();
        let _ = writeln!(s, "Plan: {}{period}", self.plan);
        let _ = writeln!(s, "Plan file SHA-256: {}", self.plan_sha256);
        if !self.plan_canonical_sha256.is_empty() {
            let _ = writeln!(s, "Plan canonical SHA-256 (the ledger's plan.sha256): {}", self.plan_canonical_sha256);
        }
        if !self.file_sha256.is_empty() {
            let _ = writeln!(s, "Payroll file SHA-256: {}", self.file_sha256);
        }
        if let Some(d) = self.pay_date {
            let _ = writeln!(s, "Pay date: {d}");
        }
        let _ = writeln!(s, "People: {} with payout lines, {} in the file", self.people, self.people_in_file);
        let _ = writeln!(s, "Lines: {} payout lines in {} file rows", self.lines, self.rows);
        let _ = writeln!(s, "Total per earning code:");
        let width = self.by_code.values().map(|v| money::grouped(*v, dp).chars().count()).max().unwrap_or(0).max(12);
        let code_width = self.by_code.keys().map(|k| k.chars().count()).max().unwrap_or(0).max(8);
        for (code, total) in &self.by_code {
            let _ = writeln!(s, "  {code:<code_width$}  {:>width$}", money::grouped(*total, dp));
        }
        let _ = writeln!(s, "Grand total: {} {}", money::grouped(self.total, dp), self.currency);
        let _ = writeln!(s, "Not covered (no track for their role, not paid): {}", self.not_covered.len());
        for person in &self.not_covered {
            let _ = writeln!(s, "  {person}");
        }
        let _ = writeln!(
            s,
            "Rows skipped as bad (--skip-bad-rows, not paid): {} ({} bad cell(s))",
            self.skipped_rows,
            self.skipped.len()
        );
        for issue in &self.skipped {
            let _ = writeln!(s, "  {issue}");
        }
        if !self.paid_warnings.is_empty() || !self.checks.is_empty() {
            let _ = writeln!(s, "To check before paying:");
            for w in self.checks.iter().chain(&self.paid_warnings) {
                let _ = writeln!(s, "  {w}");
            }
        }
        if !self.restatement.is_empty() {
            let _ = writeln!(s, "{}:", self.restatement_heading);
            for line in &self.restatement {
                let _ = writeln!(s, "  {line}");
            }
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(s, "Warnings:");
            for w in &self.warnings {
                let _ = writeln!(s, "  {w}");
            }
        }
        s
    }
}

/// A payout line ready for a payroll file: who, what code, how much. Kept small (88 bytes):
/// an export of a million people holds one per line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayrollLine<'a> {
    /// Employee id.
    pub employee_id: &'a str,
    /// Name.
    pub name: &'a str,
    /// First and last name, when the roster had both columns.
    pub first_last: Option<&'a (Text, Text)>,
    /// Component id or adjustment.
    pub component: &'a str,
    /// Earning code for the template.
    pub code: &'a str,
    /// Amount (rounded).
    pub amount: Decimal,
}

impl<'a> PayrollLine<'a> {
    /// First and last name, when the roster had both columns.
    pub fn first_last(&self) -> Option<(&'a str, &'a str)> {
        self.first_last.map(|(f, l)| (&**f, &**l))
    }
}

/// `role.component` (or `role.cap` / `role.guarantee`), as messages name a line.
fn line_name(role: &str, component: &str, kind: LineKind) -> String {
    match kind {
        LineKind::CapAdjustment => format!("{role}.cap"),
        LineKind::GuaranteeAdjustment => format!("{role}.guarantee"),
        _ => format!("{role}.{component}"),
    }
}

/// Resolves every line's earning code for `template`; refuses (listing all) when any is missing,
/// or when anyone is in error.
pub fn payroll_lines<'a>(
    plan: &'a Plan,
    report: &'a PayoutReport,
    template: Template,
) -> Result<Vec<PayrollLine<'a>>, ExportError> {
    people_in_error(report)?;
    let lines = report.employees.iter().flat_map(|e| {
        let person =
            Payee { employee_id: &e.employee_id, name: &e.name, first_last: e.first_last.as_ref(), role: &e.role };
        e.lines.iter().map(move |l| payroll_line(plan, template, person, l.component().as_str(), l.kind, l.amount))
    });
    all_coded(lines, report.employees.iter().map(|e| e.lines.len()).sum(), template)
}

/// The `count` lines, or every line without an earning code for `template` (each named once).
/// Sized exactly: a million people's lines are 100 MB, and a doubled vector would hold twice that.
fn all_coded<'a>(
    lines: impl Iterator<Item = Result<PayrollLine<'a>, String>>,
    count: usize,
    template: Template,
) -> Result<Vec<PayrollLine<'a>>, ExportError> {
    let mut missing: Vec<String> = Vec::new();
    let mut coded = Vec::with_capacity(count);
    for line in lines {
        match line {
            Ok(line) => coded.push(line),
            Err(what) => {
                if !missing.contains(&what) {
                    missing.push(what);
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(ExportError::MissingEarningCodes { template: template.name().to_owned(), missing });
    }
    Ok(coded)
}

/// Refuses a report with anyone in error: a payroll file must pay everyone or no one.
fn people_in_error(report: &PayoutReport) -> Result<(), ExportError> {
    if report.errors.is_empty() {
        return Ok(());
    }
    let examples: Vec<String> =
        report.errors.iter().take(3).map(|e| format!("{} ({}): {}", e.employee_id, e.name, e.message)).collect();
    Err(ExportError::PeopleInError { count: report.errors.len(), examples: examples.join("; ") })
}

/// Who a payroll line pays.
#[derive(Clone, Copy)]
struct Payee<'a> {
    employee_id: &'a str,
    name: &'a str,
    first_last: Option<&'a (Text, Text)>,
    role: &'a str,
}

/// One line of `person`'s payout (`component`, `kind`, `amount`) with its earning code for
/// `template`, or what the line is (`role.component`) when the plan gives it no code.
fn payroll_line<'a>(
    plan: &'a Plan,
    template: Template,
    person: Payee<'a>,
    component: &'a str,
    kind: LineKind,
    amount: Decimal,
) -> Result<PayrollLine<'a>, String> {
    coded_line(person, component, kind, amount, earning_code(plan, template, person.role, component, kind))
}

/// [`payroll_line`] with the line's earning code (`code`) already looked up.
fn coded_line<'a>(
    person: Payee<'a>,
    component: &'a str,
    kind: LineKind,
    amount: Decimal,
    code: Option<&'a str>,
) -> Result<PayrollLine<'a>, String> {
    match code {
        Some(code) => Ok(PayrollLine {
            employee_id: person.employee_id,
            name: person.name,
            first_last: person.first_last,
            component,
            code,
            amount,
        }),
        None => Err(line_name(person.role, component, kind)),
    }
}

/// The earning code for `template` of a line of `kind` (`component`) paid on `role`'s track.
fn earning_code<'a>(
    plan: &'a Plan,
    template: Template,
    role: &str,
    component: &str,
    kind: LineKind,
) -> Option<&'a str> {
    let (_, track) = plan.track_for(role)?;
    let codes: EarningCodes<'a> = match kind {
        LineKind::CapAdjustment => track.cap.as_ref().or(plan.cap.as_ref())?.codes(),
        LineKind::GuaranteeAdjustment => track.guarantee.as_ref().or(plan.guarantee.as_ref())?.codes(),
        // Plan years: draws use their draw's codes, a leaver's clawback the clawback's.
        LineKind::Draw | LineKind::DrawRecovery => {
            let schedule = plan.schedule.as_ref()?;
            schedule
                .draws
                .get(role)
                .or_else(|| schedule.draws.iter().find(|(k, _)| k.eq_ignore_ascii_case(role)).map(|(_, d)| d))?
                .codes()
        }
        LineKind::Clawback if !track.components.iter().any(|c| c.id() == component) => {
            plan.schedule.as_ref()?.clawback.as_ref()?.codes()
        }
        _ => track.components.iter().find(|c| c.id() == component)?.codes()?,
    };
    codes.for_template(template.name())
}

/// Distinct (role, component, kind) whose earning code [`PayrollBook::lines`] remembers.
const KNOWN_CODES: usize = 64;

/// What a payroll file is made of, kept person by person as a roster is streamed through the
/// plan ([`crate::engine::stream`]), without the rest of each person's payout: their id and
/// names, and each line's component, kind and amount. [`PayrollBook::lines`] gives the same
/// lines as [`payroll_lines`] on the report of everyone.
#[derive(Debug, Default)]
pub struct PayrollBook {
    people: Vec<BookPerson>,
    lines: Vec<BookLine>,
    warnings: PaidWarnings,
}

#[derive(Debug)]
struct BookPerson {
    employee_id: Text,
    name: Text,
    /// Boxed: most rosters have no first and last name columns.
    first_last: Option<Box<(Text, Text)>>,
    role: Text,
}

#[derive(Debug)]
struct BookLine {
    person: usize,
    component: crate::engine::Name,
    kind: LineKind,
    amount: Decimal,
}

impl PayrollBook {
    /// Keeps what a payroll file needs of `payout` (the next person paid, in roster order).
    pub fn add(&mut self, payout: &crate::engine::EmployeePayout) {
        self.warnings.add(payout);
        let person = self.people.len();
        self.people.push(BookPerson {
            employee_id: payout.employee_id.clone(),
            name: payout.name.clone(),
            first_last: payout.first_last.clone().map(Box::new),
            role: payout.role.clone(),
        });
        self.lines.extend(payout.lines.iter().map(|l| BookLine {
            person,
            component: l.component(),
            kind: l.kind,
            amount: l.amount,
        }));
    }

    /// The payroll lines of everyone kept, with their earning codes for `template`, as
    /// [`payroll_lines`] gives them for `report` (the report of everyone, whose people were not
    /// kept in it).
    pub fn lines<'a>(
        &'a self,
        plan: &'a Plan,
        report: &PayoutReport,
        template: Template,
    ) -> Result<Vec<PayrollLine<'a>>, ExportError> {
        people_in_error(report)?;
        // The code of each (role, component, kind) is looked up once ([`earning_code`] hashes
        // the role and the template's name into the plan's maps, which was a noticeable share of
        // the export's serial end on 100,000 people); the same code comes back for each line.
        let mut known: Vec<(&'a str, crate::engine::Name, LineKind, Option<&'a str>)> = Vec::new();
        let lines = self.lines.iter().filter_map(|l| {
            let p = self.people.get(l.person)?;
            let role: &'a str = &p.role;
            let code = match known.iter().find(|(r, c, k, _)| *r == role && *c == l.component && *k == l.kind) {
                Some(&(.., code)) => code,
                None => {
                    let code = earning_code(plan, template, role, &l.component, l.kind);
                    if known.len() < KNOWN_CODES {
                        known.push((role, l.component, l.kind, code));
                    }
                    code
                }
            };
            let person =
                Payee { employee_id: &p.employee_id, name: &p.name, first_last: p.first_last.as_deref(), role };
            Some(coded_line(person, &l.component, l.kind, l.amount, code))
        });
        all_coded(lines, self.lines.len(), template)
    }
}

/// Gusto's own earning columns that an incentive payout may go to (custom earning types cannot
/// be uploaded by CSV; hours, reimbursements and owner's draws are not incentive pay).
pub const GUSTO_EARNINGS: &[&str] = &["bonus", "commission", "paycheck_tips", "cash_tips", "correction_payment"];

/// Why `code` cannot be used as an earning code in `template` (`None`: it can).
pub fn code_problem(template: Template, code: &str) -> Option<String> {
    match template {
        Template::Generic => None,
        Template::AdpWfn => {
            let ok_chars = (1..=2).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            let numeric_ok = match code.parse::<u32>() {
                Ok(n) => n <= 79 && ![40, 50, 60, 61].contains(&n),
                Err(_) => true,
            };
            (!(ok_chars && numeric_ok)).then(|| {
                format!("`{code}` is not an ADP Workforce Now earnings code: use 1–2 capital letters or digits (numbers 0–79 except 40, 50, 60, 61), e.g. \"C\"")
            })
        }
        Template::AdpRun => (!((1..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric())))
            .then(|| format!("`{code}` is not an ADP RUN earnings code: use the code set up in RUN, 1–10 letters or digits, e.g. \"BONUS\"")),
        Template::Gusto => (!GUSTO_EARNINGS.contains(&code)).then(|| {
            format!(
                "`{code}` is not one of Gusto's earning columns ({}); Gusto's CSV upload takes no custom earning types",
                GUSTO_EARNINGS.join(", ")
            )
        }),
        Template::Workday => (code.trim().is_empty() || code.chars().any(char::is_control))
            .then(|| format!("`{code}` is not a Workday one-time payment plan: use the plan's name as set up in Workday")),
        Template::WorkdayEib => (!workday_eib::is_reference_id(code)).then(|| {
            format!("`{code}` is not a Workday earning reference id: use the earning's code as View Earnings shows it (Earning_Code), 1–50 letters, digits, `_`, `-` or `.`, e.g. \"COMM\"")
        }),
        Template::PaychexFlex => {
            let ok = (1..=20).contains(&code.chars().count())
                && code.trim() == code
                && !code.chars().any(|c| c.is_control() || c == ',' || c == '"');
            (!ok).then(|| {
                format!("`{code}` is not a Paychex pay component: use the earning's name as set up in Paychex Flex, at most 20 characters, without commas or quotes, e.g. \"Bonus\"")
            })
        }
    }
}

/// Every earning code in `plan` that `template` cannot use, as `track.component: why` (codes
/// missing altogether are reported by [`payroll_lines`] for the lines that need them).
pub fn code_problems(plan: &Plan, template: Template) -> Vec<String> {
    let name = template.name();
    let mut problems = Vec::new();
    let mut check = |what: String, codes: EarningCodes<'_>| {
        if let Some(code) = codes.for_template(name)
            && let Some(why) = code_problem(template, code)
        {
            let source = if codes.per_template.contains_key(name) {
                format!("earning_codes.{name}")
            } else {
                "earning_code".to_owned()
            };
            problems.push(format!("{what}: {why} (from {source}; set \"earning_codes\": {{\"{name}\": ...}})"));
        }
    };
    for (role, track) in &plan.tracks {
        for c in &track.components {
            if let Some(codes) = c.codes() {
                check(format!("{role}.{}", c.id()), codes);
            }
        }
        if let Some(cap) = &track.cap {
            check(format!("{role}.cap"), cap.codes());
        }
        if let Some(g) = &track.guarantee {
            check(format!("{role}.guarantee"), g.codes());
        }
    }
    if let Some(cap) = &plan.cap {
        check("cap".to_owned(), cap.codes());
    }
    if let Some(g) = &plan.guarantee {
        check("guarantee".to_owned(), g.codes());
    }
    // A plan year's draws and leaver clawbacks are lines of their own, with their own codes.
    if let Some(schedule) = &plan.schedule {
        for (role, draw) in &schedule.draws {
            check(format!("schedule.draws.{role}"), draw.codes());
        }
        if let Some(c) = &schedule.clawback {
            check("schedule.clawback".to_owned(), c.codes());
        }
    }
    problems
}

/// One person's amounts per earning code, codes in the order their first line appears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonTotals<'a> {
    /// Employee id.
    pub employee_id: &'a str,
    /// Name.
    pub name: &'a str,
    /// First and last name, when the roster had both columns.
    pub first_last: Option<(&'a str, &'a str)>,
    /// `(code, sum of the person's lines with that code)`.
    pub codes: Vec<(&'a str, Decimal)>,
}

/// Combines each person's lines by earning code (sum per code), people in report order.
pub fn per_person<'a>(lines: &[PayrollLine<'a>]) -> Vec<PersonTotals<'a>> {
    let mut people: Vec<PersonTotals<'a>> = Vec::new();
    for l in lines {
        let person = match people.last_mut() {
            Some(p) if p.employee_id == l.employee_id => p,
            _ => {
                people.push(PersonTotals {
                    employee_id: l.employee_id,
                    name: l.name,
                    first_last: l.first_last(),
                    codes: Vec::new(),
                });
                match people.last_mut() {
                    Some(p) => p,
                    None => continue,
                }
            }
        };
        match person.codes.iter_mut().find(|(c, _)| *c == l.code) {
            Some((_, sum)) => *sum += l.amount,
            None => person.codes.push((l.code, l.amount)),
        }
    }
    people
}

/// Every amount a file of `template` would hold that the payroll system cannot take, one message
/// per person and code (the amounts of a person's lines with one code are summed, as every layout
/// with a limit writes them): a negative sum where the layout has none
/// ([`Template::allows_negative`]), and a sum outside the layout's documented range
/// ([`Template::amount_range`]). Amounts are shown with `decimals` decimals, as the file would
/// write them. Empty for a layout without limits (`generic`).
pub(crate) fn amount_problems(lines: &[PayrollLine<'_>], template: Template, decimals: u32) -> Vec<String> {
    let range = template.amount_range();
    if template.allows_negative() && range.is_none() {
        return Vec::new();
    }
    let name = template.name();
    let fixed = |amount: Decimal| money::fixed(amount, decimals);
    let mut problems = Vec::new();
    for p in per_person(lines) {
        for (code, amount) in &p.codes {
            let who = format!("{} ({}): `{code}` nets to {}", p.employee_id, p.name, fixed(*amount));
            if !template.allows_negative() && amount.is_sign_negative() && !amount.is_zero() {
                problems.push(format!(
                    "{who}; {name} cannot take a negative amount. Map the adjustment that reduces it to the same \
                     code as the lines it reduces (\"earning_codes\": {{\"{name}\": ...}}), or settle it outside \
                     this file"
                ));
            } else if let Some(range) = range.filter(|r| !r.contains(*amount)) {
                let beyond = if *amount > range.max {
                    format!("more than {}, the most", fixed(range.max))
                } else {
                    format!("less than {}, the least", fixed(range.min))
                };
                problems.push(format!(
                    "{who}, {beyond} {name} can take ({}'s {} takes {} to {} in one amount). Check the plan if \
                     the amount is not expected; else pay it outside this file (e.g. by hand in {})",
                    range.system,
                    range.field,
                    fixed(range.min),
                    fixed(range.max),
                    range.system
                ));
            }
        }
    }
    problems
}

/// Sums what a set of payroll lines pays.
pub fn reconcile(lines: &[PayrollLine<'_>], report: &PayoutReport) -> Reconciliation {
    let mut rec = Reconciliation {
        plan: report.plan.clone(),
        period: Some(report.period),
        currency: report.currency.clone(),
        minor_units: report.minor_units,
        ..Reconciliation::default()
    };
    rec.people = distinct_people(lines);
    for l in lines {
        rec.lines += 1;
        rec.total += l.amount;
        *rec.by_code.entry(l.code.to_owned()).or_insert(Decimal::ZERO) += l.amount;
    }
    rec
}

/// How many people `lines` pay. A person's lines are next to each other (in report order) and
/// ids are unique in a roster, so this counts where the id changes, without a set of a million
/// ids.
pub(crate) fn distinct_people(lines: &[PayrollLine<'_>]) -> usize {
    lines.chunk_by(|a, b| a.employee_id == b.employee_id).count()
}

/// SHA-256 of a file's bytes (the plan's, the payroll file's), lowercase hex.
pub fn plan_sha256(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
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
    /// The payroll system's settings (company code, batch id, ...); see
    /// [`PayrollSettings::used_by`].
    pub settings: &'a PayrollSettings,
    /// The plan file's bytes as loaded, hashed into the reconciliation. For a plan that was
    /// never saved, pass `plan::to_json(plan).as_bytes()`.
    pub plan_bytes: &'a [u8],
}

impl ExportRequest<'_> {
    /// The decimals the file writes amounts with: the layout's ([`Template::amount_decimals`]),
    /// else the currency's. A currency with more decimals than the layout's is refused before
    /// rendering, so writing with these never rounds.
    pub fn amount_decimals(&self) -> u32 {
        self.template.amount_decimals().unwrap_or(self.report.minor_units)
    }
}

/// A template's output: the bytes and what they hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Rendered {
    /// The file.
    pub bytes: Vec<u8>,
    /// Data rows (header rows not counted).
    pub rows: usize,
    /// Distinct people with a row.
    pub people: usize,
}

/// How long after the period's end a pay date is still expected (payouts of a period are paid
/// within months; a later date is more likely a typo in the year).
pub const PAY_DATE_WITHIN_DAYS: i64 = 365;

/// A warning when `pay_date` is before `period` ends (the amounts are for the whole period), or
/// more than [`PAY_DATE_WITHIN_DAYS`] after it.
pub fn pay_date_warning(period: Period, pay_date: NaiveDate) -> Option<String> {
    let after = (pay_date - period.end).num_days();
    if after < 0 {
        Some(format!(
            "the pay date {pay_date} is before the period ends ({}): the amounts are for the whole period; check \
             the pay date",
            period.end
        ))
    } else if after > PAY_DATE_WITHIN_DAYS {
        Some(format!(
            "the pay date {pay_date} is {after} days after the period ends ({}); check the year of the pay date",
            period.end
        ))
    } else {
        None
    }
}

/// A warning when a plan year (a plan with a schedule of pay periods) is exported as one period
/// over its whole year: a payroll file that pays a year at once, with none of what the plan says
/// happens between its pay periods.
pub fn whole_year_warning(plan: &Plan, period: Period) -> Option<String> {
    (plan.schedule.is_some() && period == plan.period).then(|| {
        format!(
            "the plan is paid by pay period, but this file pays its whole year ({} to {}) at once, computed on the \
             roster given as the year's figures: no true-ups, draws, instalments or clawbacks, and no ledger; to pay \
             a pay period, export it with --period and --ledger (in the app, from the Plan year window)",
            period.start, period.end
        )
    })
}

/// Checks everything that can stop an export (settings, people in error, earning codes, data
/// the payroll system cannot take), then renders the file in memory with its reconciliation.
/// Nothing is written.
pub fn render(req: &ExportRequest<'_>) -> Result<(Vec<u8>, Reconciliation), ExportError> {
    render_with_skipped(req, &[])
}

/// [`render`], with the roster cells the import skipped (`--skip-bad-rows`) listed in the
/// reconciliation.
pub fn render_with_skipped(
    req: &ExportRequest<'_>,
    skipped: &[RowIssue],
) -> Result<(Vec<u8>, Reconciliation), ExportError> {
    check_settings(req)?;
    let lines = payroll_lines(req.plan, req.report, req.template)?;
    render_lines(req, &lines, skipped, &PaidWarnings::of(&req.report.employees))
}

/// [`render_with_skipped`] of the people kept in `book` (a streamed roster; `req.report` is
/// the report of everyone, without its people).
pub fn render_book(
    req: &ExportRequest<'_>,
    book: &PayrollBook,
    skipped: &[RowIssue],
) -> Result<(Vec<u8>, Reconciliation), ExportError> {
    check_settings(req)?;
    let lines = book.lines(req.plan, req.report, req.template)?;
    render_lines(req, &lines, skipped, &book.warnings)
}

/// Refuses settings the template cannot use with the plan's currency, and a currency whose
/// amounts the layout cannot write exactly.
fn check_settings(req: &ExportRequest<'_>) -> Result<(), ExportError> {
    let template = req.template;
    let setting_problems = req.settings.check_for_currency(template, &req.plan.currency);
    if !setting_problems.is_empty() {
        return Err(ExportError::Settings { template: template.name().to_owned(), problems: setting_problems });
    }
    check_decimals(template, &req.report.currency, req.report.minor_units)
}

/// Refuses a currency with more decimals (`minor_units`) than `template` writes amounts with.
pub fn check_decimals(template: Template, currency: &str, minor_units: u32) -> Result<(), ExportError> {
    match template.amount_decimals() {
        Some(layout) if minor_units > layout => {
            let others: Vec<&str> =
                Template::ALL.into_iter().filter(|t| t.amount_decimals().is_none()).map(Template::name).collect();
            Err(ExportError::Decimals {
                template: template.name().to_owned(),
                currency: currency.to_owned(),
                currency_decimals: minor_units,
                layout_decimals: layout,
                others: others.join(", "),
            })
        }
        _ => Ok(()),
    }
}

/// The file of `lines` (everyone's, with their codes) and its reconciliation, which lists the
/// warnings on the payouts of the people paid (`paid`).
fn render_lines(
    req: &ExportRequest<'_>,
    lines: &[PayrollLine<'_>],
    skipped: &[RowIssue],
    paid: &PaidWarnings,
) -> Result<(Vec<u8>, Reconciliation), ExportError> {
    let template = req.template;
    let code_problems = code_problems(req.plan, template);
    if !code_problems.is_empty() {
        return Err(ExportError::InvalidEarningCodes { template: template.name().to_owned(), problems: code_problems });
    }
    // Amounts the payroll system cannot take are listed with the template's own problems (ids,
    // names), so one refusal names everything at fault.
    let mut problems = amount_problems(lines, template, req.amount_decimals());
    let rendered = match template {
        Template::Generic => Ok(generic::render(req, lines)),
        Template::AdpWfn => adp_wfn::render(req, lines),
        Template::AdpRun => adp_run::render(req, lines),
        Template::Gusto => gusto::render(req, lines),
        Template::Workday => workday::render(req, lines),
        Template::WorkdayEib => workday_eib::render(req, lines),
        Template::PaychexFlex => paychex_flex::render(req, lines),
    };
    let rendered = match rendered {
        Ok(rendered) if problems.is_empty() => rendered,
        Ok(_) => return Err(ExportError::Data { template: template.name().to_owned(), problems }),
        Err(ExportError::Data { template, problems: more }) => {
            problems.extend(more);
            return Err(ExportError::Data { template, problems });
        }
        Err(e) => return Err(e),
    };
    let mut rec = reconcile(lines, req.report);
    rec.template = template.name().to_owned();
    rec.pay_date = Some(req.pay_date);
    rec.plan_sha256 = plan_sha256(req.plan_bytes);
    if req.plan.schedule.is_some() {
        rec.plan_canonical_sha256 = crate::year::ledger::plan_sha256(req.plan);
    }
    rec.rows = rendered.rows;
    rec.people_in_file = rendered.people;
    rec.file_sha256 = plan_sha256(&rendered.bytes);
    rec.not_covered =
        req.report.not_covered.iter().map(|n| format!("{} {} ({})", n.employee_id, n.name, n.role)).collect();
    rec.skipped = skipped.iter().map(ToString::to_string).collect();
    let mut rows: Vec<(&str, u64)> = skipped.iter().map(|i| (i.file.as_str(), i.line)).collect();
    rows.sort_unstable();
    rows.dedup();
    rec.skipped_rows = rows.len();
    rec.paid_warnings = paid.lines();
    rec.warnings = warnings(req);
    Ok((rendered.bytes, rec))
}

/// What the reconciliation of `req` asks a reviewer to look at besides people's payouts: the
/// plan's warnings, a plan year paid at once, a pay date far from the period. Known whether or
/// not the export can be written, so a refusal never hides them.
pub fn warnings(req: &ExportRequest<'_>) -> Vec<String> {
    crate::plan::warnings(req.plan)
        .into_iter()
        .map(|p| if p.path.is_empty() { p.message } else { format!("{}: {}", p.path, p.message) })
        .chain(whole_year_warning(req.plan, req.report.period))
        .chain(pay_date_warning(req.report.period, req.pay_date))
        .collect()
}

/// Renders and writes the file atomically, readable by the owner only. With
/// [`Overwrite::Refuse`] an existing file is never replaced.
pub fn write(req: &ExportRequest<'_>, path: &Path, overwrite: Overwrite) -> Result<Reconciliation, ExportError> {
    let (bytes, rec) = render(req)?;
    fsx::write_atomic(path, &bytes, overwrite, Access::Private)?;
    Ok(rec)
}

/// Where the reconciliation of the export at `path` is written: `<file>.reconciliation.txt`.
pub fn reconciliation_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".reconciliation.txt");
    path.with_file_name(name)
}

/// Renders and writes the file and its reconciliation summary
/// ([`reconciliation_path`]) as one unit ([`fsx::write_unit`]): after an error, a full disk or
/// a kill at any moment, both new files are in place or both previous ones (none where there
/// were none). Both are readable by the owner only. With [`Overwrite::Refuse`], if either file
/// exists nothing is written; a symbolic link, FIFO or device is never replaced.
pub fn write_with_reconciliation(
    req: &ExportRequest<'_>,
    path: &Path,
    overwrite: Overwrite,
) -> Result<Reconciliation, ExportError> {
    write_with_reconciliation_and_skipped(req, &[], path, overwrite)
}

/// [`write_with_reconciliation`], with the roster cells the import skipped (`--skip-bad-rows`)
/// listed in the reconciliation.
pub fn write_with_reconciliation_and_skipped(
    req: &ExportRequest<'_>,
    skipped: &[RowIssue],
    path: &Path,
    overwrite: Overwrite,
) -> Result<Reconciliation, ExportError> {
    let rendered = render_with_skipped(req, skipped)?;
    write_rendered(rendered, path, overwrite)
}

/// [`write_with_reconciliation_and_skipped`] of the people kept in `book` ([`render_book`]).
pub fn write_book_with_reconciliation(
    req: &ExportRequest<'_>,
    book: &PayrollBook,
    skipped: &[RowIssue],
    path: &Path,
    overwrite: Overwrite,
) -> Result<Reconciliation, ExportError> {
    let rendered = render_book(req, book, skipped)?;
    write_rendered(rendered, path, overwrite)
}

/// Writes a rendered file ([`render`], [`render_book`]) and its reconciliation
/// ([`reconciliation_path`]) as one unit, as [`write_with_reconciliation`] does: for a caller
/// that adds to the reconciliation ([`Reconciliation::checks`]) before it is written.
pub fn write_rendered(
    (bytes, mut rec): (Vec<u8>, Reconciliation),
    path: &Path,
    overwrite: Overwrite,
) -> Result<Reconciliation, ExportError> {
    let rec_path = reconciliation_path(path);
    let text = rec.text();
    // One unit, the export's rename last: after a kill or a full disk at any moment, both new
    // files are there or both old ones (see `fsx::write_unit`).
    let files = [fsx::UnitFile { path: &rec_path, bytes: text.as_bytes() }, fsx::UnitFile { path, bytes: &bytes }];
    rec.notes = fsx::write_unit(&files, overwrite, Access::Private)?;
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

/// Writes records into a buffer with [`csv_writer`]. Writing into a `Vec` cannot fail for I/O
/// reasons; any other CSV error (rows of different lengths) is a bug and is reported rather than
/// dropping a row.
pub(crate) fn csv_bytes<R, I, F>(template: Template, rows: R) -> Result<Vec<u8>, ExportError>
where
    R: IntoIterator<Item = I>,
    I: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut out = Vec::new();
    {
        let mut w = csv_writer(&mut out);
        let fail = |e: &dyn std::fmt::Display| {
            ExportError::Unsupported(format!("internal error writing the {} file: {e}", template.name()))
        };
        for row in rows {
            w.write_record(row).map_err(|e| fail(&e))?;
        }
        w.flush().map_err(|e| fail(&e))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;

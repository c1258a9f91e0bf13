//! The headless command line: the same core the app uses, for scripts and checks.
//!
//! Exit codes: 0 success, 1 bad input (plan or roster), 2 wrong usage (clap's own).

mod install;
mod output;
mod progress;
mod simulate;
mod year;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, anyhow};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::{self, CompiledPlan, Detail, PayoutReport, compare::Comparison};
use crate::export::{self, ExportRequest, GustoMatch, PayFrequency, PayrollSettings, Template};
use crate::fsx::{self, Access, Overwrite};
use crate::plan::{self, Plan};
use crate::report;
use crate::roster::join::JoinKey;
use crate::roster::{self, DecimalSeparator, ImportOptions, Roster};
use crate::sim::{self, SimOptions};
use crate::synth;

pub use install::CompletionShell;
pub use year::{ScopeArgs, YearArgs};

/// Carrot: design incentive plans, see what they pay, compare them, export payroll.
#[derive(Debug, Parser)]
#[command(name = "carrot", version, about, long_about = None)]
pub struct Cli {
    /// What to do; with none, the app opens on the bundled samples.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands (a stable contract: scripts depend on these names).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check plan files and report every problem with its path.
    Validate {
        /// Plan files (JSON).
        #[arg(required = true, value_name = "PLAN")]
        plans: Vec<PathBuf>,
    },
    /// Compute every person's payout, line by line, explained.
    Payouts {
        /// The plan file.
        #[arg(long, value_name = "P")]
        plan: PathBuf,
        #[command(flatten)]
        roster: RosterArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        out: OutArgs,
        #[command(flatten)]
        year: YearArgs,
    },
    /// Write the payroll file for a plan's payouts, and its reconciliation next to it.
    ///
    /// --out may be a folder: the file then gets the template's default name (PRcccEPI.csv for
    /// adp-wfn). The reconciliation goes to F.reconciliation.txt. See docs/payroll.md.
    Export {
        /// The plan file.
        #[arg(long, value_name = "P")]
        plan: PathBuf,
        #[command(flatten)]
        roster: RosterArgs,
        /// The pay date written in the file (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        pay_date: NaiveDate,
        /// The payroll file to write (`-`: standard output; the reconciliation then goes to stderr).
        #[arg(long, value_name = "F")]
        out: PathBuf,
        /// The payroll system's layout: generic, adp-wfn, adp-run, gusto, workday, workday-eib or paychex-flex.
        #[arg(long, default_value = "generic", value_name = "NAME", value_parser = parse_template)]
        template: Template,
        /// Replace the file (and its reconciliation) if it exists.
        #[arg(long)]
        force: bool,
        /// Check everything and print the reconciliation without writing anything.
        #[arg(long)]
        dry_run: bool,
        #[command(flatten)]
        payroll: PayrollArgs,
        #[command(flatten)]
        year: YearArgs,
        /// Export a pay period after the first without its ledger on purpose: the period alone,
        /// as if nothing had been earned or paid before it (refused otherwise when the plan has
        /// year-to-date lines, draws, instalments or clawbacks; the reconciliation says so).
        #[arg(
            long,
            requires = "period",
            conflicts_with = "ledger",
            help_heading = "Plan year (docs/plan-format.md, \"Plan years\")"
        )]
        no_ledger: bool,
        /// For a pay period reopened after it was exported: write only what reopening changed,
        /// per person and line (the figures now minus those recorded before the reopening).
        #[arg(long, requires = "ledger", help_heading = "Plan year (docs/plan-format.md, \"Plan years\")")]
        difference: bool,
    },
    /// Record a pay period of a plan year as paid in the ledger (atomically; closing again with
    /// the same figures does nothing; other figures need --reopen, which shows what changes).
    ///
    /// The --roster files are the period's actuals. See docs/plan-format.md, "Plan years".
    Close {
        /// The plan file.
        #[arg(long, value_name = "P")]
        plan: PathBuf,
        #[command(flatten)]
        roster: RosterArgs,
        /// The pay period to close (`2026-03`, `2026-Q1`, or a name the plan's schedule gives).
        #[arg(long, value_name = "NAME")]
        period: String,
        /// The ledger file (created when missing).
        #[arg(long, value_name = "L.json")]
        ledger: PathBuf,
        /// Replace the figures of the last closed period with new ones (the ledger keeps both
        /// and records the difference).
        #[arg(long)]
        reopen: bool,
    },
    /// Compare plans on the same roster: totals, and who gains or loses.
    ///
    /// --xlsx and --html also write the meeting hand-outs: a workbook and a self-contained report
    /// (docs/handouts.md).
    Compare {
        /// Plan files, two or more (the first is the reference).
        #[arg(long = "plan", value_name = "P", required = true, num_args = 1)]
        plans: Vec<PathBuf>,
        #[command(flatten)]
        roster: RosterArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
        #[command(flatten)]
        handouts: HandoutArgs,
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// Predict how people re-allocate their time under plans: hours per activity, activity
    /// volumes, revenue, payout cost with P10/P50/P90 bands, and the runway over later quarters.
    ///
    /// History is calibrated against the --baseline plan (what people are paid on today), so
    /// under it predicted hours equal history. See docs/behaviour.md.
    Simulate {
        /// Plan files to simulate; repeat for several (optional with --fit-history).
        #[arg(long = "plan", value_name = "P", required_unless_present = "fit_history", num_args = 1)]
        plans: Vec<PathBuf>,
        /// The plan people are paid on today.
        #[arg(long, value_name = "B")]
        baseline: PathBuf,
        #[command(flatten)]
        roster: RosterArgs,
        /// Monte Carlo trials.
        #[arg(long, value_name = "N", default_value_t = 1000)]
        trials: usize,
        /// Random seed: the same seed gives the same output on any machine.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Quarters in the runway projection.
        #[arg(long, value_name = "Q", default_value_t = 8)]
        quarters: usize,
        /// Responsiveness ε of a role, as ROLE=E (e.g. sales=0.6), overriding the baseline
        /// plan's assumptions; repeat for several roles.
        #[arg(long, value_name = "ROLE=E", value_parser = parse_responsiveness)]
        responsiveness: Vec<(String, f64)>,
        /// Risk aversion γ of a role, as ROLE=G (e.g. sales=1), overriding the baseline plan's
        /// assumptions (0, risk neutral, by default); repeat for several roles.
        #[arg(long, value_name = "ROLE=G", value_parser = parse_responsiveness)]
        risk_aversion: Vec<(String, f64)>,
        /// Fit each role's responsiveness from history: PREVIOUS is the plan people were paid on
        /// in the period the roster's `*_prev_1` columns record (the baseline is this period's).
        /// Prints the fit and a back-test; with --plan, the simulation uses the fitted values.
        #[arg(long, value_name = "PREVIOUS")]
        fit_history: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
        #[command(flatten)]
        scope: ScopeArgs,
    },
    /// Write a realistic synthetic roster for demos and benchmarks.
    GenRoster {
        /// How many people.
        #[arg(long, value_name = "N")]
        people: usize,
        /// Random seed: the same seed gives the same file.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        /// Only this role, with only its columns (default: both, about 70% sales).
        #[arg(long, value_enum)]
        role: Option<GenRole>,
        /// The first employee id; ids count up from it, six digits with leading zeros.
        #[arg(long, value_name = "N", default_value_t = 1)]
        first_id: u64,
        /// Write a plan change into the history: the generated values become the previous
        /// period (`*_prev_1` columns) under plan FROM, and this period's hours and outputs are
        /// the model's prediction under --history-to at --history-responsiveness.
        #[arg(long, value_name = "FROM", requires = "history_to")]
        history_from: Option<PathBuf>,
        /// The plan of this period, with --history-from.
        #[arg(long, value_name = "TO", requires = "history_from")]
        history_to: Option<PathBuf>,
        /// ε of a role for --history-from, as ROLE=E (default: FROM's assumptions); repeat for
        /// several roles.
        #[arg(long, value_name = "ROLE=E", value_parser = parse_responsiveness, requires = "history_from")]
        history_responsiveness: Vec<(String, f64)>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Print a shell completion script: bash, zsh, fish or powershell.
    ///
    /// bash: carrot completions bash > ~/.local/share/bash-completion/completions/carrot
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: CompletionShell,
    },
    /// Print the manual page (roff): carrot man > carrot.1; man ./carrot.1
    Man,
}

/// The meeting hand-outs `compare` can write besides its output (docs/handouts.md).
#[derive(Debug, Args)]
#[command(next_help_heading = "Hand-outs (docs/handouts.md)")]
pub struct HandoutArgs {
    /// Also write the comparison as an Excel workbook (summary, one sheet per plan, winners and
    /// losers); `-`: to standard output, instead of the table.
    #[arg(long, value_name = "F")]
    pub xlsx: Option<PathBuf>,
    /// Also write the comparison as one self-contained HTML report with charts; `-`: to standard
    /// output, instead of the table.
    #[arg(long, value_name = "F")]
    pub html: Option<PathBuf>,
    /// Title of the HTML report.
    #[arg(long, value_name = "TEXT", default_value = "Plan comparison")]
    pub title: String,
    /// Replace the --xlsx and --html files if they exist.
    #[arg(long)]
    pub force: bool,
}

/// The payroll system's settings (`carrot export`); each template reads only its own.
#[derive(Debug, Args)]
#[command(next_help_heading = "Payroll settings (docs/payroll.md)")]
pub struct PayrollArgs {
    /// adp-wfn: Co Code (2-3 letters or digits); adp-run: IID (1-15 letters or digits).
    #[arg(long, value_name = "CODE")]
    pub company_code: Option<String>,
    /// adp-wfn: Batch ID (1-8 letters or digits); workday-eib: Batch ID (1-40 letters, digits, - _ or .).
    #[arg(long, value_name = "ID")]
    pub batch_id: Option<String>,
    /// adp-wfn: file name used when --out is a folder; {co} company code, {batch}, {date} [default: PR{co}EPI.csv].
    #[arg(long, value_name = "PATTERN")]
    pub adp_file_name: Option<String>,
    /// adp-run: pay frequency of the RUN payroll: W, B, S or M (or weekly, biweekly, ...).
    #[arg(long, value_name = "W|B|S|M", value_parser = parse_pay_frequency)]
    pub pay_frequency: Option<PayFrequency>,
    /// adp-run: first day of RUN's pay period (YYYY-MM-DD; written MM/DD/YYYY); workday-eib: Start Date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub pay_period_start: Option<NaiveDate>,
    /// adp-run: last day of RUN's pay period (YYYY-MM-DD; written MM/DD/YYYY); workday-eib: End Date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub pay_period_end: Option<NaiveDate>,
    /// A check of its own: adp-run Separate Check 0-9, adp-wfn Pay # 1-9, paychex-flex Check Seq Number 1-9 [default: the regular check].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=9))]
    pub separate_check: Option<u8>,
    /// gusto: id writes gusto_employee_id from the roster's employee_id; name writes names only [default: id].
    #[arg(long, value_name = "id|name", value_parser = parse_gusto_match)]
    pub gusto_match: Option<GustoMatch>,
    /// gusto: CSV file with columns employee_id and gusto_employee_id, when the roster's ids are not Gusto's.
    #[arg(long, value_name = "FILE")]
    pub gusto_ids: Option<PathBuf>,
    /// workday: one-time payment Reason, as configured in the tenant.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// workday: Effective Date (YYYY-MM-DD) [default: the pay date].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub effective_date: Option<NaiveDate>,
    /// workday: write Send to Payroll = N instead of Y.
    #[arg(long)]
    pub no_send_to_payroll: bool,
    /// workday-eib: CSV file with employee_id and any of worker_id, position_id, cost_center_id (Workday reference ids).
    #[arg(long, value_name = "FILE")]
    pub workday_ids: Option<PathBuf>,
    /// paychex-flex: Client ID (1-8 letters or digits).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// adp-wfn, adp-run, gusto, paychex-flex: export a plan whose currency is not USD as it is (these files carry no currency; the payroll pays in USD).
    #[arg(long)]
    pub currency_ok: bool,
}

impl PayrollArgs {
    /// The settings these flags give (defaults for the flags not given).
    pub fn settings(&self) -> PayrollSettings {
        let d = PayrollSettings::default();
        PayrollSettings {
            company_code: self.company_code.clone().unwrap_or(d.company_code),
            batch_id: self.batch_id.clone().unwrap_or(d.batch_id),
            adp_file_name: self.adp_file_name.clone().unwrap_or(d.adp_file_name),
            pay_frequency: self.pay_frequency,
            pay_period_start: self.pay_period_start,
            pay_period_end: self.pay_period_end,
            separate_check: self.separate_check,
            gusto_match: self.gusto_match.unwrap_or(d.gusto_match),
            gusto_ids: self.gusto_ids.as_ref().map_or(d.gusto_ids, |p| p.display().to_string()),
            reason: self.reason.clone().unwrap_or(d.reason),
            effective_date: self.effective_date,
            send_to_payroll: !self.no_send_to_payroll,
            workday_ids: self.workday_ids.as_ref().map_or(d.workday_ids, |p| p.display().to_string()),
            client_id: self.client_id.clone().unwrap_or(d.client_id),
            currency_ok: self.currency_ok,
        }
    }
}

fn parse_join_key(s: &str) -> Result<JoinKey, String> {
    match JoinKey::parse(s) {
        Some(key @ (JoinKey::EmployeeId | JoinKey::Email)) => Ok(key),
        _ => Err("expected employee_id or email".to_owned()),
    }
}

fn parse_date_format(s: &str) -> Result<String, String> {
    roster::values::check_date_format(s).map(|()| s.to_owned()).map_err(|e| e.to_string())
}

fn parse_template(s: &str) -> Result<Template, String> {
    Template::parse(s)
        .ok_or_else(|| format!("unknown template `{s}`; the templates are {}", export::TEMPLATE_NAMES.join(", ")))
}

fn parse_pay_frequency(s: &str) -> Result<PayFrequency, String> {
    PayFrequency::parse(s).ok_or_else(|| format!("`{s}` is not a pay frequency: use W, B, S or M"))
}

fn parse_gusto_match(s: &str) -> Result<GustoMatch, String> {
    GustoMatch::parse(s).ok_or_else(|| format!("`{s}` is not a way to match people: use id or name"))
}

/// Roles `gen-roster` can restrict itself to.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum GenRole {
    /// Sales people.
    Sales,
    /// Consultants.
    Consultant,
}

/// Where output goes.
#[derive(Debug, Args)]
pub struct OutArgs {
    /// Write to this file instead of standard output (atomically; `-` is standard output).
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// How to read rosters (shared by every subcommand that reads one).
#[derive(Debug, Args)]
pub struct RosterArgs {
    /// Roster files (CSV, or .xlsx/.xls/.ods spreadsheets); repeat to merge several (e.g. sales and consultants).
    #[arg(long = "roster", value_name = "R", required = true, num_args = 1)]
    pub rosters: Vec<PathBuf>,
    /// The sheet of a spreadsheet roster [default: the first sheet with the required columns].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    /// The line (spreadsheet row) of the header; lines above it are skipped [default: the first
    /// row with the required columns, report title and filter lines above it skipped].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub header_row: Option<u64>,
    /// A file of metric columns (CSV or spreadsheet) to join onto the roster by employee_id (or
    /// --join-on email), in any row order; repeat for several.
    #[arg(long = "metrics", value_name = "F", num_args = 1)]
    pub metrics: Vec<PathBuf>,
    /// What --metrics files match people by: employee_id or email (ignoring case) [default: employee_id].
    #[arg(long, value_name = "KEY", value_parser = parse_join_key)]
    pub join_on: Option<JoinKey>,
    /// A CRM deal list, one row per opportunity: each owner's amounts are summed into revenue and
    /// counted into deals_closed (needs --deals-mapping).
    #[arg(long, value_name = "F", requires = "deals_mapping")]
    pub deals: Option<PathBuf>,
    /// JSON file naming the deal list's owner, amount and date columns, what the owner matches,
    /// and filters ({"owner": "Opportunity Owner", "match": "name", "amount": "Amount", "date":
    /// "Close Date", "filters": {"Stage": ["Closed Won"]}}).
    #[arg(long, value_name = "M", requires = "deals")]
    pub deals_mapping: Option<PathBuf>,
    /// JSON file mapping the roster's column names to Carrot's ({"Worker ID": "employee_id", ...}).
    #[arg(long, value_name = "M")]
    pub mapping: Option<PathBuf>,
    /// Import the good rows and list the bad ones instead of refusing the roster.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Date format for non-ISO dates, chrono style (e.g. %d/%m/%Y).
    #[arg(long, value_name = "FMT", value_parser = parse_date_format)]
    pub date_format: Option<String>,
    /// Decimal separator in numbers (auto: comma in ;-separated files).
    #[arg(long, value_enum, default_value_t = DecimalArg::Auto)]
    pub decimal: DecimalArg,
}

/// Decimal separator choices.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DecimalArg {
    /// Comma in ;-separated files, point otherwise.
    Auto,
    /// 1,234.50
    Point,
    /// 1.234,50
    Comma,
}

/// Output formats of `payouts`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people.
    Table,
    /// One row per person and line.
    Csv,
    /// The documented JSON.
    Json,
}

/// Output formats of `compare` and `simulate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// A table for people.
    Table,
    /// The documented JSON.
    Json,
}

/// Runs a subcommand. Errors are printed once, here.
#[expect(clippy::print_stderr, reason = "the CLI reports errors on stderr")]
pub fn run(command: Command) -> ExitCode {
    match dispatch(command) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", error_text(&err));
            // Wrong usage exits 2, like the errors clap finds itself.
            let usage = err.downcast_ref::<Usage>().is_some()
                || matches!(err.downcast_ref::<export::ExportError>(), Some(export::ExportError::Settings { .. }));
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

/// Wrong usage of the command line that clap cannot see by itself (flags that contradict each
/// other, an option's value out of range): exits 2, as clap's own usage errors do.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Usage(String);

/// An error and its causes, joined with `: `, leaving out a cause whose text the message already
/// holds (core errors name their cause in their own message, as the app shows them; anyhow's
/// `{:#}` would repeat it, e.g. the operating system's "No such file or directory" twice).
fn error_text(err: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in err.chain() {
        let part = cause.to_string();
        if text.contains(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Validate { plans } => validate(&plans),
        Command::Payouts { plan, roster, format, out, year } => payouts(&plan, &roster, format, &out, &year),
        Command::Export {
            plan,
            roster,
            pay_date,
            out,
            template,
            force,
            dry_run,
            payroll,
            year,
            no_ledger,
            difference,
        } => export_cmd(&ExportArgs {
            plan: &plan,
            roster: &roster,
            pay_date,
            out: &out,
            template,
            force,
            dry_run,
            settings: payroll.settings(),
            year: &year,
            no_ledger,
            difference,
        }),
        Command::Close { plan, roster, period, ledger, reopen } => {
            year::close(&plan, &roster, &period, &ledger, reopen)
        }
        Command::Compare { plans, roster, format, handouts, scope } => {
            compare(&plans, &roster, format, &handouts, &scope)
        }
        Command::GenRoster { people, seed, role, first_id, history_from, history_to, history_responsiveness, out } => {
            let history = history_from.zip(history_to).map(|(from, to)| GenHistory {
                from,
                to,
                responsiveness: history_responsiveness.into_iter().collect(),
            });
            gen_roster(people, seed, role, first_id, history.as_ref(), &out)
        }
        Command::Simulate {
            plans,
            baseline,
            roster,
            trials,
            seed,
            quarters,
            responsiveness,
            risk_aversion,
            fit_history,
            format,
            scope,
        } => simulate_cmd(
            &plans,
            &baseline,
            fit_history.as_deref(),
            &roster,
            &scope,
            SimOptions {
                trials,
                seed,
                quarters,
                responsiveness: responsiveness.into_iter().collect(),
                risk_aversion: risk_aversion.into_iter().collect(),
                ..SimOptions::default()
            },
            format,
        ),
        Command::Completions { shell } => {
            install::completions(shell, &mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            install::man(&mut std::io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[expect(clippy::print_stdout, clippy::print_stderr, reason = "validate reports on the terminal")]
fn validate(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    for path in paths {
        let text = plan::file::read_bytes(path).and_then(|bytes| Ok(plan::file::as_text(path, &bytes)?.to_owned()));
        let problems = match text {
            Ok(text) => plan::file::check(&text).1,
            Err(plan::PlanError::Invalid { problems, .. }) => problems,
            Err(e) => {
                eprintln!("{e}");
                ok = false;
                continue;
            }
        };
        let errors = problems.iter().filter(|p| p.is_error()).count();
        let warnings = problems.len() - errors;
        if errors == 0 {
            println!(
                "{}: valid{}",
                path.display(),
                if warnings > 0 { format!(" ({warnings} warning(s))") } else { String::new() }
            );
        } else {
            ok = false;
            println!(
                "{}: {errors} error(s){}",
                path.display(),
                if warnings > 0 { format!(", {warnings} warning(s)") } else { String::new() }
            );
        }
        for p in &problems {
            println!("  {p}");
        }
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Loads a plan and refuses it (listing every problem) when it has validation errors.
pub fn load_valid_plan(path: &Path) -> anyhow::Result<Plan> {
    let plan = plan::load(path)?;
    refuse_invalid(plan, path)
}

/// Refuses a plan with validation errors; prints its warnings on stderr (every command that
/// computes shows them, as `validate` does; they do not change the exit code).
#[expect(clippy::print_stderr, reason = "plan warnings go to stderr")]
fn refuse_invalid(plan: Plan, path: &Path) -> anyhow::Result<Plan> {
    let problems = plan::validate(&plan);
    let errors: Vec<String> = problems.iter().filter(|p| p.is_error()).map(|p| format!("\n  {p}")).collect();
    if !errors.is_empty() {
        return Err(anyhow!("{}: {} problem(s):{}", path.display(), errors.len(), errors.concat()));
    }
    for w in problems.iter().filter(|p| !p.is_error()) {
        if w.path.is_empty() {
            eprintln!("warning: {}: {}", path.display(), w.message);
        } else {
            eprintln!("warning: {}: {}: {}", path.display(), w.path, w.message);
        }
    }
    Ok(plan)
}

/// Like [`load_valid_plan`], also returning the file's bytes exactly as parsed (their SHA-256 goes
/// into the export's reconciliation).
pub fn load_valid_plan_with_bytes(path: &Path) -> anyhow::Result<(Plan, Vec<u8>)> {
    let bytes = plan::file::read_bytes(path)?;
    let text = plan::file::as_text(path, &bytes)?;
    let plan = plan::parse(text).map_err(|problems| plan::PlanError::Invalid { path: path.to_path_buf(), problems })?;
    Ok((refuse_invalid(plan, path)?, bytes))
}

/// A roster as read from the command line's files, and the bad cells whose rows were skipped.
pub struct LoadedRoster {
    /// The people imported.
    pub roster: Roster,
    /// Bad cells left out with `--skip-bad-rows` (already reported on stderr).
    pub skipped: Vec<roster::RowIssue>,
    /// The deal list's count of deals in and outside the period (`--deals`).
    pub deals: Option<roster::deals::DealCount>,
}

/// Reads the rosters named on the command line, reporting skipped rows and warnings on stderr.
pub fn load_rosters(args: &RosterArgs) -> anyhow::Result<LoadedRoster> {
    load_rosters_in(args, &[], &[])
}

/// [`load_rosters`] for `plans` covering `periods`: a deal list (`--deals`) counts the deals
/// closed in the period, which must then be one, and the cells of the columns the plans read are
/// read as the plans read them ([`engine::columns::plan_columns`]).
#[expect(clippy::print_stderr, reason = "import notes go to stderr")]
pub fn load_rosters_in(args: &RosterArgs, periods: &[plan::Period], plans: &[&Plan]) -> anyhow::Result<LoadedRoster> {
    let (options, joins) = roster_reading(args, periods, plans)?;
    let size = roster_bytes(args);
    let mut report = {
        let bar = progress::Progress::bytes("Reading roster", size, progress::wanted());
        roster::import_files_with_progress(&args.rosters, &options, &|read| bar.set(read))?
    };
    // Sheet and header row of a recipe are the roster's; the joined files find their own.
    joins.apply(&mut report, &roster::joins::joined_options(&options, args.sheet.clone()))?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    let skipped = std::mem::take(&mut report.skipped);
    if !skipped.is_empty() {
        eprintln!("skipped {} bad cell(s) (--skip-bad-rows):", skipped.len());
        for issue in &skipped {
            eprintln!("  {issue}");
        }
    }
    Ok(LoadedRoster { roster: report.roster, skipped, deals: report.deals })
}

/// How the command line's roster files are read (`--mapping`, `--decimal`, ...; the columns
/// `plans` read, as they read them) and what is joined onto them (`--metrics`, `--deals`, a
/// recipe's value maps).
fn roster_reading(
    args: &RosterArgs,
    periods: &[plan::Period],
    plans: &[&Plan],
) -> anyhow::Result<(ImportOptions, roster::joins::JoinFiles)> {
    let recipe = match &args.mapping {
        None => roster::recipe::Recipe::default(),
        Some(path) => roster::joins::read_recipe(path)?,
    };
    let options = ImportOptions {
        mapping: recipe.columns.clone(),
        date_format: args.date_format.clone().or_else(|| recipe.date_format.clone()),
        decimal: match args.decimal {
            DecimalArg::Auto => recipe.decimal.unwrap_or(DecimalSeparator::Auto),
            DecimalArg::Point => DecimalSeparator::Point,
            DecimalArg::Comma => DecimalSeparator::Comma,
        },
        delimiter: None,
        skip_bad_rows: args.skip_bad_rows,
        sheet: args.sheet.clone().or_else(|| recipe.sheet.clone()),
        header_row: args.header_row.or(recipe.header_row),
        plan_columns: engine::columns::plan_columns(plans.iter().copied()),
    };
    let deals = match (&args.deals, &args.deals_mapping) {
        (Some(file), Some(mapping)) => {
            let period = match periods.split_first() {
                Some((first, rest)) if rest.iter().all(|p| p == first) => *first,
                Some((first, rest)) => {
                    let other = rest.iter().find(|p| *p != first).unwrap_or(first);
                    return Err(Usage(format!(
                        "--deals counts the deals closed in the plan period, but the plans cover {}..{} and {}..{}; \
                         compare plans of one period, or give each period's results with --metrics",
                        first.start, first.end, other.start, other.end
                    ))
                    .into());
                }
                None => return Err(Usage("--deals needs a plan period; this command has no plan".to_owned()).into()),
            };
            // A mistake in the deals mapping is reported before the roster is read.
            roster::joins::read_deals_mapping(mapping)?;
            Some(roster::joins::DealFiles {
                file: file.clone(),
                mapping: mapping.clone(),
                period: roster::deals::Period { start: period.start, end: period.end },
            })
        }
        _ => None,
    };
    let joins = roster::joins::JoinFiles {
        values: recipe.values.clone(),
        metrics: args.metrics.clone(),
        join_on: args.join_on.or(recipe.join_on),
        deals,
    };
    Ok((options, joins))
}

/// The options to stream the command line's roster through a plan block by block
/// ([`engine::stream`]), when it is one CSV file with nothing joined onto it and no
/// `--skip-bad-rows`; `None` when it is read whole.
fn streaming_options(
    args: &RosterArgs,
    period: plan::Period,
    plans: &[&Plan],
) -> anyhow::Result<Option<ImportOptions>> {
    if args.rosters.len() != 1 || args.skip_bad_rows || args.rosters.iter().any(|p| roster::xlsx::is_spreadsheet(p)) {
        return Ok(None);
    }
    let (options, joins) = roster_reading(args, &[period], plans)?;
    Ok(joins.is_empty().then_some(options))
}

/// Prints the warnings about computing the plan at `path` on the roster (people no track
/// covers, skipped rows, columns the plan reads that people lack) on stderr.
#[expect(clippy::print_stderr, reason = "warnings go to stderr")]
fn roster_warnings(path: &Path, plan: &Plan, loaded: &LoadedRoster) {
    for w in engine::warnings::roster_warnings(plan, &loaded.roster, &loaded.skipped) {
        eprintln!("warning: {}: {w}", path.display());
    }
}

/// `plan` (read from `path`) ready to compute on `roster`, or the plan's problems.
fn compile(path: &Path, plan: &Plan, roster: &Roster) -> anyhow::Result<CompiledPlan> {
    CompiledPlan::new(plan, roster).map_err(|problems| plan_problems(path, &problems))
}

/// The error for the plan at `path` that cannot be computed on the roster's columns (named:
/// `compare` and `simulate` read several plans).
fn plan_problems(path: &Path, problems: &[plan::Problem]) -> anyhow::Error {
    anyhow!(
        "{}: the plan has {} problem(s) on this roster:{}",
        path.display(),
        problems.len(),
        problems.iter().map(|p| format!("\n  {p}")).collect::<String>()
    )
}

fn compute(
    path: &Path,
    plan: &Plan,
    roster: &Roster,
    detail: Detail,
    listed: Listed,
) -> anyhow::Result<(CompiledPlan, PayoutReport)> {
    let compiled = compile(path, plan, roster)?;
    let bar = progress::Progress::people("Computing payouts", roster.employees.len() as u64, progress::wanted());
    let report = compiled.report_with_progress(plan, roster, detail, &|n| bar.inc(n));
    drop(bar);
    error_warning(&report, listed);
    Ok((compiled, report))
}

/// Whether a command's output lists the people who could not be computed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Listed {
    /// It does (the payouts table and JSON, an export's refusal).
    InOutput,
    /// It does not (the CSV, a comparison): they are listed on stderr, naming the output.
    NotIn(&'static str),
}

/// Says on stderr how many problems stopped people from being computed, if any did; lists them
/// there too when the output has no place for them.
#[expect(clippy::print_stderr, reason = "notes about people in error go to stderr")]
fn error_warning(report: &PayoutReport, listed: Listed) {
    if report.errors.is_empty() {
        return;
    }
    let output = match listed {
        Listed::InOutput => {
            eprintln!(
                "warning: {} problem(s) stopped people from being computed (listed in the output)",
                report.errors.len()
            );
            return;
        }
        Listed::NotIn(output) => output,
    };
    eprintln!(
        "warning: {} problem(s) stopped people from being computed by {} (not in {output}):",
        report.errors.len(),
        report.plan
    );
    const SHOWN: usize = 20;
    for e in report.errors.iter().take(SHOWN) {
        let component = e.component.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
        eprintln!("  {} {}{component}: {}", output::bounded(&e.employee_id), output::bounded(&e.name), e.message);
    }
    if report.errors.len() > SHOWN {
        eprintln!(
            "  … and {} more (`carrot payouts --format json` or `--format table` lists every one)",
            report.errors.len() - SHOWN
        );
    }
}

/// Says on stderr which payouts carry a warning (a metric negative in the roster paid as 0,
/// employed none of the period, a guarantee above the cap), each warning once: the CSV and JSON
/// hold them person by person, and someone paid nothing has no row in the CSV.
fn paid_warning(warnings: &engine::warnings::PaidWarnings) {
    paid_warning_of(None, warnings);
}

/// [`paid_warning`] naming the plan file, for commands that compute several plans.
#[expect(clippy::print_stderr, reason = "notes about payouts to check go to stderr")]
fn paid_warning_of(plan: Option<&Path>, warnings: &engine::warnings::PaidWarnings) {
    if warnings.is_empty() {
        return;
    }
    match plan {
        Some(path) => eprintln!("warning: {}: payouts to check before paying them:", path.display()),
        None => eprintln!("warning: payouts to check before paying them:"),
    }
    for line in warnings.lines() {
        eprintln!("  {line}");
    }
}

/// Whether an output path is `-`: standard output.
fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes `bytes` to standard output (a closed pipe is not an error).
fn to_stdout(bytes: &[u8]) -> anyhow::Result<()> {
    emit(&OutArgs { out: None, force: false }, Access::Private, |w| w.write_all(bytes))
}

/// Writes `fill`'s output to `out.out` atomically, or to stdout (no `--out`, or `--out -`).
fn emit(out: &OutArgs, access: Access, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    match out.out.as_deref().filter(|p| !is_stdout(p)) {
        Some(path) => {
            let overwrite = if out.force { Overwrite::Allow } else { Overwrite::Refuse };
            fsx::write_atomic_with(path, overwrite, access, fill)?;
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::new(stdout.lock());
            match fill(&mut lock).and_then(|()| lock.flush()) {
                Ok(()) => {}
                // `carrot payouts | head` closes the pipe early; that is not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(())
}

fn payouts(
    plan_path: &Path,
    roster_args: &RosterArgs,
    format: Format,
    out: &OutArgs,
    year_args: &YearArgs,
) -> anyhow::Result<ExitCode> {
    let plan = load_valid_plan(plan_path)?;
    if let Some(run) = year::compute(plan_path, &plan, roster_args, year_args, Detail::Explained)? {
        let result = &run.result;
        year::deal_warning(&run.loaded, Some(&result.period.name));
        emit(out, Access::Private, |w| match format {
            Format::Table => year::table(result, w),
            Format::Csv => year::csv(result, w),
            Format::Json => crate::year::json::write(result, w),
        })?;
        // The table lists them under its figures; CSV and JSON are for programs.
        if format != Format::Table {
            year::paid_warnings(result);
        }
        return Ok(computed_anyone(&result.report));
    }
    if format != Format::Table
        && let Some(code) = stream_payouts(plan_path, &plan, roster_args, format, out)?
    {
        return Ok(code);
    }
    let loaded = load_rosters_in(roster_args, &[plan.period], &[&plan])?;
    roster_warnings(plan_path, &plan, &loaded);
    year::deal_warning(&loaded, None);
    let roster = loaded.roster;
    let (compiled, report) = if format == Format::Table {
        let (compiled, report) = compute(plan_path, &plan, &roster, Detail::AmountsOnly, Listed::InOutput)?;
        emit(out, Access::Private, |w| output::payouts_table(&report, w))?;
        (compiled, report)
    } else {
        // CSV and JSON explain every line: computed and written in one pass, on all cores.
        let compiled = compile(plan_path, &plan, &roster)?;
        let bar = progress::Progress::people("Computing payouts", roster.employees.len() as u64, progress::wanted());
        let mut report = None;
        emit(out, Access::Private, |w| {
            let written = match format {
                Format::Json => engine::json::compute_and_write_report(&compiled, &plan, &roster, &|n| bar.inc(n), w),
                _ => output::payouts_csv(&compiled, &plan, &roster, &|n| bar.inc(n), w),
            };
            report = Some(written?);
            Ok(())
        })?;
        drop(bar);
        let report = report.ok_or_else(|| anyhow!("internal error: the payouts were not computed"))?;
        error_warning(&report, if format == Format::Json { Listed::InOutput } else { Listed::NotIn("the CSV") });
        paid_warning(&engine::warnings::PaidWarnings::of(&report.employees));
        (compiled, report)
    };
    let code = computed_anyone(&report);
    // The process ends right after this: freeing 100,000 people's rows and payouts one by one
    // would only delay the exit (the operating system takes the memory back at once).
    std::mem::forget((roster, report, compiled));
    Ok(code)
}

/// Exit code 1 when problems stopped every person the plan covers from being computed: the
/// output is written (it, or stderr, says why for each), but a script must not take a payout
/// list with nobody in it for a result. Some people in error beside others computed is a
/// warning, as the output lists them.
#[expect(clippy::print_stderr, reason = "the reason for the exit code goes to stderr")]
fn computed_anyone(report: &PayoutReport) -> ExitCode {
    if !nobody_computed(report) {
        return ExitCode::SUCCESS;
    }
    let people = engine::stats::failed(report).len();
    let whom = if people == 1 { "the one person".to_owned() } else { format!("each of the {people} people") };
    eprintln!(
        "error: no one could be computed: {whom} the plan covers has a problem (listed), so there are no payouts"
    );
    ExitCode::from(1)
}

/// Whether problems stopped everyone `report`'s plan covers (and someone was in error).
fn nobody_computed(report: &PayoutReport) -> bool {
    report.totals.people == 0 && !report.errors.is_empty()
}

/// [`computed_anyone`] for a comparison: exit code 1 when a plan computed nobody, as it then
/// has nothing to compare (the output is written; stderr lists the problems, or with
/// `--period` counts them, before it).
#[expect(clippy::print_stderr, reason = "the reason for the exit code goes to stderr")]
fn compared_anyone(cmp: &Comparison) -> ExitCode {
    let mut code = ExitCode::SUCCESS;
    for report in cmp.reports.iter().filter(|r| nobody_computed(r)) {
        eprintln!(
            "error: no one could be computed under {}, so it has nothing to compare (its problems are given above)",
            report.plan
        );
        code = ExitCode::from(1);
    }
    code
}

/// `payouts --format csv|json` on a roster streamed through the plan block by block (one CSV
/// file, nothing joined: [`streaming_options`]), in memory bounded by a block of people. The
/// output is the same as the whole roster's, and is only placed (renamed into `--out`, or
/// copied to standard output from a temporary file) once the whole roster has been read
/// without error. `Ok(None)`: the roster must be read whole; nothing was written. `Some`: the
/// command's exit code ([`computed_anyone`]).
fn stream_payouts(
    plan_path: &Path,
    plan: &Plan,
    roster_args: &RosterArgs,
    format: Format,
    out: &OutArgs,
) -> anyhow::Result<Option<ExitCode>> {
    let Some(options) = streaming_options(roster_args, plan.period, &[plan])? else { return Ok(None) };
    let size = roster_bytes(roster_args);
    let bar = progress::Progress::bytes("Computing payouts", size, progress::wanted());
    let mut outcome = None;
    let fill = |w: &mut dyn Write| -> std::io::Result<()> {
        let progress = |read| bar.set(read);
        let streamed = match format {
            Format::Json => engine::json::stream_and_write_report(plan, &roster_args.rosters, &options, &progress, w),
            _ => output::stream_payouts_csv(plan, &roster_args.rosters, &options, &progress, w),
        };
        let done = streamed.is_ok();
        outcome = Some(streamed);
        // Anything else leaves the output unplaced: the error is in `outcome`.
        if done { Ok(()) } else { Err(std::io::Error::other("the roster was not streamed")) }
    };
    let placed = match out.out.as_deref().filter(|p| !is_stdout(p)) {
        Some(path) => {
            let overwrite = if out.force { Overwrite::Allow } else { Overwrite::Refuse };
            fsx::write_atomic_with(path, overwrite, Access::Private, fill).map_err(anyhow::Error::from)
        }
        None => spooled_to_stdout(fill),
    };
    drop(bar);
    let streamed = match outcome {
        Some(result) => streamed_or_whole(result, &[plan_path])?,
        // The output could not be opened (it exists, without --force).
        None => return placed.map(|()| None),
    };
    let Some(streamed) = streamed else { return Ok(None) };
    placed?;
    stream_warnings(&streamed.import_warnings, &[(plan_path, &streamed.roster_warnings)]);
    error_warning(&streamed.report, if format == Format::Json { Listed::InOutput } else { Listed::NotIn("the CSV") });
    paid_warning(&streamed.paid_warnings);
    Ok(Some(computed_anyone(&streamed.report)))
}

/// The bytes of the command line's roster files, for a progress bar.
fn roster_bytes(args: &RosterArgs) -> u64 {
    args.rosters.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum()
}

/// What streaming a roster gave, `None` when it must be read whole, or the error the whole import
/// would give.
/// `plans` are the plans' paths, in the order streamed.
fn streamed_or_whole<T>(result: Result<T, engine::stream::StreamError>, plans: &[&Path]) -> anyhow::Result<Option<T>> {
    match result {
        Ok(streamed) => Ok(Some(streamed)),
        Err(engine::stream::StreamError::NotStreamable) => Ok(None),
        Err(engine::stream::StreamError::Import(e)) => Err(e.into()),
        Err(engine::stream::StreamError::Plan(i, problems)) => {
            Err(plan_problems(plans.get(i).copied().unwrap_or(Path::new("plan")), &problems))
        }
        Err(engine::stream::StreamError::Io(e)) => Err(e.into()),
    }
}

/// Prints a streamed roster's import warnings, then each plan's warnings about it, as
/// [`load_rosters_in`] and [`roster_warnings`] print them for a roster read whole.
#[expect(clippy::print_stderr, reason = "import and roster warnings go to stderr")]
fn stream_warnings(import: &[String], plans: &[(&Path, &Vec<String>)]) {
    for w in import {
        eprintln!("warning: {w}");
    }
    for (path, warnings) in plans {
        for w in *warnings {
            eprintln!("warning: {}: {w}", path.display());
        }
    }
}

/// Runs `fill` into a temporary file and, if it succeeds, copies that to standard output (a
/// closed pipe is not an error): nothing reaches standard output unless all of it is right.
fn spooled_to_stdout(fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    use std::io::Seek as _;
    let dir = std::env::temp_dir();
    let mut spool = tempfile::tempfile_in(&dir)
        .with_context(|| format!("could not create a temporary file for the output in {}", dir.display()))?;
    {
        // A full temporary folder is named as such, not as a failure to write standard output.
        // The default 8 KiB buffer: the people come in pieces of hundreds of KB, which a larger
        // buffer would copy once more before writing.
        let mut w = NamedWrites { inner: std::io::BufWriter::new(&spool), dir: &dir };
        fill(&mut w)?;
        w.flush()?;
    }
    spool.rewind()?;
    // File to standard output directly (not through a buffer): the standard library then lets the
    // kernel copy (`copy_file_range`, `sendfile` or `splice`), where a copy through memory took
    // 0.1 s for the 250 MB of a 100,000-person JSON after everyone was computed.
    let mut stdout = std::io::stdout().lock();
    match std::io::copy(&mut spool, &mut stdout).and_then(|_| stdout.flush()) {
        Ok(()) => Ok(()),
        // `carrot payouts | head` closes the pipe early; that is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Writes that say, when they fail, that they were the output's temporary copy in `dir`.
struct NamedWrites<'a, W> {
    inner: W,
    dir: &'a Path,
}

impl<W: Write> NamedWrites<'_, W> {
    fn named(&self, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(
            e.kind(),
            format!(
                "could not write the output's temporary copy in {} ({e}); set TMPDIR to a folder with room, or use --out FILE",
                self.dir.display()
            ),
        )
    }
}

impl<W: Write> Write for NamedWrites<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.inner.write(buf).map_err(|e| self.named(e))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush().map_err(|e| self.named(e))
    }
}

/// The report `carrot export` writes (without its people) and what the payroll file needs of
/// each person paid ([`export::PayrollBook`]), from a roster streamed through the plan block by
/// block (one CSV file, nothing joined: [`streaming_options`]); neither the roster nor anyone's
/// whole payout is kept. `None`: the roster must be read whole.
fn stream_for_export(
    plan_path: &Path,
    plan: &Plan,
    roster_args: &RosterArgs,
) -> anyhow::Result<Option<(PayoutReport, export::PayrollBook)>> {
    let Some(options) = streaming_options(roster_args, plan.period, &[plan])? else { return Ok(None) };
    let size = roster_bytes(roster_args);
    let bar = progress::Progress::bytes("Computing payouts", size, progress::wanted());
    let mut book = export::PayrollBook::default();
    let streamed = engine::stream::stream(
        plan,
        &roster_args.rosters,
        &options,
        Detail::AmountsOnly,
        &|n| bar.set(n),
        |_, block| {
            for (outcome, _) in block.outcomes.iter().filter(|(_, admitted)| *admitted) {
                if let engine::Outcome::Paid(p) = outcome {
                    book.add(p);
                }
            }
            Ok(())
        },
    );
    drop(bar);
    let Some(streamed) = streamed_or_whole(streamed, &[plan_path])? else { return Ok(None) };
    stream_warnings(&streamed.import_warnings, &[(plan_path, &streamed.roster_warnings)]);
    error_warning(&streamed.report, Listed::InOutput);
    Ok(Some((streamed.report, book)))
}

/// What `carrot export` was asked to do.
struct ExportArgs<'a> {
    plan: &'a Path,
    roster: &'a RosterArgs,
    pay_date: NaiveDate,
    out: &'a Path,
    template: Template,
    force: bool,
    dry_run: bool,
    settings: PayrollSettings,
    year: &'a YearArgs,
    no_ledger: bool,
    difference: bool,
}

#[expect(clippy::print_stdout, clippy::print_stderr, reason = "export prints its reconciliation and warnings")]
fn export_cmd(args: &ExportArgs<'_>) -> anyhow::Result<ExitCode> {
    let template = args.template;
    for setting in args.settings.unused_for(template) {
        eprintln!("warning: {} is not used by the {} template; ignored", setting.flag(), template.name());
    }
    let (plan, plan_bytes) = load_valid_plan_with_bytes(args.plan)?;
    // A plan year's pay period (`--period`): its payouts, and its dates for the pay-date check.
    // A streamed roster keeps only what the payroll file needs of each person (`book`).
    let mut book = None;
    // What the reconciliation asks to check besides people's payouts (a plan year's period).
    let mut notes = year::ExportNotes::default();
    let (loaded, report, period) = match year::compute(args.plan, &plan, args.roster, args.year, Detail::AmountsOnly)? {
        Some(run) => {
            // Not without someone of the ledger whom nothing says left (year::PeriodResult::payable).
            run.result.payable()?;
            let period = plan::Period { start: run.result.period.start, end: run.result.period.end };
            let report = year::export_period(&plan, &run, args.year, args.no_ledger, args.difference, &mut notes)?;
            (run.loaded, report, period)
        }
        None => match stream_for_export(args.plan, &plan, args.roster)? {
            Some((report, kept)) => {
                book = Some(kept);
                (LoadedRoster { roster: Roster::default(), skipped: Vec::new(), deals: None }, report, plan.period)
            }
            None => {
                let loaded = load_rosters_in(args.roster, &[plan.period], &[&plan])?;
                roster_warnings(args.plan, &plan, &loaded);
                if let Some(why) = year::deal_refusal(&loaded, None) {
                    anyhow::bail!("nothing was written: {why}");
                }
                notes.checks.extend(loaded.deals.as_ref().and_then(|d| d.left_out(None)));
                let (_, report) = compute(args.plan, &plan, &loaded.roster, Detail::AmountsOnly, Listed::InOutput)?;
                (loaded, report, plan.period)
            }
        },
    };
    if let Some(w) = export::pay_date_warning(period, args.pay_date) {
        eprintln!("warning: {w}");
    }
    let request = ExportRequest {
        plan: &plan,
        report: &report,
        pay_date: args.pay_date,
        template,
        settings: &args.settings,
        plan_bytes: &plan_bytes,
    };
    let (bytes, rec) = {
        let (bytes, mut rec) = match &book {
            Some(book) => export::render_book(&request, book, &loaded.skipped)?,
            None => export::render_with_skipped(&request, &loaded.skipped)?,
        };
        notes.add_to(&mut rec);
        (bytes, rec)
    };
    // What the file was made of is freed beside the writing below (each person's id and names
    // one by one: milliseconds at 100,000 people) instead of after it.
    if let Some(book) = book.take() {
        std::thread::spawn(move || drop(book));
    }
    // `--out -`: the payroll file goes to standard output, its reconciliation to stderr.
    if is_stdout(args.out) {
        if args.dry_run {
            eprintln!("dry run: nothing written ({} template)", template.name());
            eprintln!("would write standard output");
        } else {
            to_stdout(&bytes)?;
        }
        eprint!("{}", output::reconciliation_text(&rec));
        return Ok(ExitCode::SUCCESS);
    }
    // `--out exports/` names a folder, which is created when it does not exist yet.
    let names_folder = args.out.to_string_lossy().ends_with(['/', std::path::MAIN_SEPARATOR]);
    if names_folder && !args.out.exists() && !args.dry_run {
        std::fs::create_dir_all(args.out)
            .with_context(|| format!("could not create the folder {}", args.out.display()))?;
    }
    let path = if args.out.is_dir() || names_folder {
        args.out.join(template.default_file_name(&plan, args.pay_date, &args.settings))
    } else {
        args.out.to_path_buf()
    };
    let rec_path = export::reconciliation_path(&path);
    let rec = if args.dry_run {
        let exists = |p: &Path| if p.exists() { " (exists: needs --force)" } else { "" };
        println!("dry run: nothing written ({} template)", template.name());
        println!("would write {}{}", path.display(), exists(&path));
        println!("would write {}{}", rec_path.display(), exists(&rec_path));
        rec
    } else {
        let overwrite = if args.force { Overwrite::Allow } else { Overwrite::Refuse };
        let rec = export::write_rendered((bytes, rec), &path, overwrite)?;
        for note in &rec.notes {
            eprintln!("note: {note}");
        }
        println!("wrote {} ({} template)", path.display(), template.name());
        println!("wrote {}", rec_path.display());
        rec
    };
    print!("{}", output::reconciliation_text(&rec));
    Ok(ExitCode::SUCCESS)
}

#[expect(
    clippy::print_stderr,
    reason = "compare notes the hand-outs it wrote on stderr, keeping stdout for its output"
)]
fn compare(
    paths: &[PathBuf],
    roster_args: &RosterArgs,
    format: CompareFormat,
    handouts: &HandoutArgs,
    scope: &ScopeArgs,
) -> anyhow::Result<ExitCode> {
    if paths.len() < 2 {
        return Err(Usage("compare needs at least two --plan files".to_owned()).into());
    }
    if let (Some(x), Some(h)) = (&handouts.xlsx, &handouts.html)
        && x == h
    {
        return Err(Usage(format!("--xlsx and --html name the same file {}; give each its own", x.display())).into());
    }
    let overwrite = if handouts.force { Overwrite::Allow } else { Overwrite::Refuse };
    // Refuse before computing anything (the write itself checks again, atomically).
    if overwrite == Overwrite::Refuse {
        for path in [&handouts.xlsx, &handouts.html].into_iter().flatten().filter(|p| !is_stdout(p)) {
            if path.exists() {
                return Err(fsx::WriteError::Exists { path: path.clone() }.into());
            }
        }
    }
    let plans: Vec<Plan> = paths.iter().map(|p| load_valid_plan(p)).collect::<anyhow::Result<_>>()?;
    engine::compare::one_currency(plans.iter().map(|p| (p.name.as_str(), p.currency.as_str())))?;
    // A plan year's pay periods are checked against each other below (`--period`).
    if scope.period.is_none()
        && let Some(w) = engine::compare::different_periods(plans.iter().map(|p| (p.name.as_str(), p.period)))
    {
        eprintln!("warning: {w}");
    }
    let named: Vec<(&Path, &Plan)> = paths.iter().map(PathBuf::as_path).zip(&plans).collect();
    let handouts_wanted = handouts.xlsx.is_some() || handouts.html.is_some();
    let cmp =
        match year::scope(scope, &named)? {
            // A pay period of the plan year: each plan's period, as `payouts --period` computes it.
            Some(period) => {
                let (_, results) = year::compute_periods(&named, roster_args, &period)?;
                Comparison::new(results.into_iter().map(|r| r.report).collect())
                    .with_note(crate::year::period_alone_note(&period.name, period.start, period.end))
            }
            None => {
                // Without hand-outs, only the totals and each person's total per plan are needed:
                // the roster is streamed. Hand-outs list everyone's lines, so they are made from
                // the whole roster, up to a size (checked first, in bounded memory).
                let streamed = match handouts_wanted {
                    false => stream_compare(&named, roster_args)?.map(|(cmp, _)| cmp),
                    true => {
                        refuse_large_handouts(&named, roster_args)?;
                        None
                    }
                };
                match streamed {
                    Some(cmp) => cmp,
                    None => {
                        let periods: Vec<plan::Period> = plans.iter().map(|p| p.period).collect();
                        let plan_refs: Vec<&Plan> = plans.iter().collect();
                        let loaded = load_rosters_in(roster_args, &periods, &plan_refs)?;
                        for (path, plan) in paths.iter().zip(&plans) {
                            roster_warnings(path, plan, &loaded);
                        }
                        year::deal_warning(&loaded, None);
                        if handouts_wanted {
                            handout_size_check(loaded.roster.employees.len())?;
                        }
                        let roster = loaded.roster;
                        let reports: Vec<PayoutReport> = paths
                            .iter()
                            .zip(&plans)
                            .map(|(path, p)| {
                                compute(path, p, &roster, Detail::AmountsOnly, Listed::NotIn("the comparison"))
                                    .map(|(_, r)| r)
                            })
                            .collect::<anyhow::Result<_>>()?;
                        for (path, report) in paths.iter().zip(&reports) {
                            paid_warning_of(Some(path), &engine::warnings::PaidWarnings::of(&report.employees));
                        }
                        Comparison::new(reports)
                    }
                }
            }
        };
    // `--xlsx -` or `--html -`: the hand-out is the standard output, instead of the table.
    let mut stdout_taken = false;
    if let Some(path) = &handouts.xlsx {
        if is_stdout(path) {
            to_stdout(&report::workbook_bytes(&cmp)?)?;
            stdout_taken = true;
        } else {
            report::write_workbook(&cmp, path, overwrite)?;
            eprintln!("wrote {}", path.display());
        }
    }
    if let Some(path) = &handouts.html {
        if is_stdout(path) {
            to_stdout(report::render_html(&cmp, &handouts.title).as_bytes())?;
            stdout_taken = true;
        } else {
            report::write_html(&cmp, &handouts.title, path, overwrite)?;
            eprintln!("wrote {}", path.display());
        }
    }
    if stdout_taken {
        return Ok(compared_anyone(&cmp));
    }
    emit(&OutArgs { out: None, force: false }, Access::Private, |w| match format {
        CompareFormat::Table => output::compare_table(&cmp, w),
        CompareFormat::Json => engine::compare::write_json(&cmp, w),
    })?;
    Ok(compared_anyone(&cmp))
}

/// The most people `compare --xlsx` and `--html` make hand-outs for. The workbook has a row per
/// person and line on each plan's sheet (a spreadsheet holds 1,048,576 rows) and the page a
/// chart of everyone's totals: for a meeting, not for a million people. Larger rosters are
/// compared without hand-outs (totals, movers and each person's totals, in bounded memory).
pub const HANDOUT_PEOPLE_LIMIT: usize = 200_000;

/// Refuses hand-outs for more than [`HANDOUT_PEOPLE_LIMIT`] people.
fn handout_size_check(people: usize) -> anyhow::Result<()> {
    if people <= HANDOUT_PEOPLE_LIMIT {
        return Ok(());
    }
    Err(anyhow!(
        "the roster has {} people; --xlsx and --html make hand-outs for up to {} (a row per person and line, a \
         chart of everyone): compare without them for the totals, the biggest movers and everyone's totals \
         (`--format json`), or compare one team or region at a time",
        crate::money::grouped(rust_decimal::Decimal::from(people), 0),
        crate::money::grouped(rust_decimal::Decimal::from(HANDOUT_PEOPLE_LIMIT), 0)
    ))
}

/// Before hand-outs are made from the whole roster: when its files have more lines than
/// [`HANDOUT_PEOPLE_LIMIT`] people could take, the people are counted by streaming the roster
/// (bounded memory) and too many are refused, so a million-person roster is never held whole
/// for hand-outs that cannot be made.
fn refuse_large_handouts(named: &[(&Path, &Plan)], roster_args: &RosterArgs) -> anyhow::Result<()> {
    let mut lines = 0usize;
    for path in &roster_args.rosters {
        if roster::xlsx::is_spreadsheet(path) {
            continue;
        }
        let mut file = std::fs::File::open(path).with_context(|| format!("could not read {}", path.display()))?;
        let mut buf = vec![0u8; 1 << 20];
        loop {
            let n = std::io::Read::read(&mut file, &mut buf)
                .with_context(|| format!("could not read {}", path.display()))?;
            if n == 0 {
                break;
            }
            lines += buf.iter().take(n).filter(|b| **b == b'\n').count();
        }
    }
    if lines <= HANDOUT_PEOPLE_LIMIT {
        return Ok(());
    }
    match stream_compare(named, roster_args)? {
        Some((_, people)) => handout_size_check(people),
        None => Ok(()),
    }
}

/// `compare` of a roster streamed through the plans block by block (one CSV file, nothing
/// joined: [`streaming_options`]): each plan's report without its people, and each person's
/// total per plan, the same as [`Comparison::new`] of the whole roster's reports, and how many
/// people the roster has. `None`: the roster must be read whole.
fn stream_compare(named: &[(&Path, &Plan)], roster_args: &RosterArgs) -> anyhow::Result<Option<(Comparison, usize)>> {
    let Some(first) = named.first() else { return Ok(None) };
    let plans: Vec<&Plan> = named.iter().map(|(_, p)| *p).collect();
    // A deal list counts the deals of one period: the whole import says why plans differ.
    let Some(options) = streaming_options(roster_args, first.1.period, &plans)? else { return Ok(None) };
    let size = roster_bytes(roster_args);
    let bar = progress::Progress::bytes("Computing payouts", size, progress::wanted());
    let n = plans.len();
    let mut rows: Vec<engine::compare::PersonRow> = Vec::new();
    let mut not_compared = 0;
    let mut paid: Vec<engine::warnings::PaidWarnings> = vec![engine::warnings::PaidWarnings::default(); n];
    let streamed = engine::stream::stream_plans(
        &plans,
        &roster_args.rosters,
        &options,
        Detail::AmountsOnly,
        &|read| bar.set(read),
        |_, people, outcomes| {
            for i in 0..people.len() {
                let mut row: Option<engine::compare::PersonRow> = None;
                for (p, plan_outcomes) in outcomes.iter().enumerate() {
                    let Some((engine::Outcome::Paid(e), true)) = plan_outcomes.get(i) else { continue };
                    row.get_or_insert_with(|| engine::compare::PersonRow::of(e, n)).paid(p, e);
                    if let Some(w) = paid.get_mut(p) {
                        w.add(e);
                    }
                }
                // In error under a plan (not computed, or too large to add up): no known change.
                let mut failed = false;
                for (p, plan_outcomes) in outcomes.iter().enumerate() {
                    if let Some((engine::Outcome::Failed(_), _) | (engine::Outcome::Paid(_), false)) =
                        plan_outcomes.get(i)
                    {
                        failed = true;
                        if let Some(row) = &mut row {
                            row.mark_failed(p);
                        }
                    }
                }
                not_compared += usize::from(failed);
                rows.extend(row);
            }
            Ok(())
        },
    );
    drop(bar);
    let paths: Vec<&Path> = named.iter().map(|(path, _)| *path).collect();
    let Some(streamed) = streamed_or_whole(streamed, &paths)? else { return Ok(None) };
    let warnings: Vec<(&Path, &Vec<String>)> =
        named.iter().map(|(path, _)| *path).zip(&streamed.roster_warnings).collect();
    stream_warnings(&streamed.import_warnings, &warnings);
    for report in &streamed.reports {
        error_warning(report, Listed::NotIn("the comparison"));
    }
    for ((path, _), warnings) in named.iter().zip(&paid) {
        paid_warning_of(Some(path), warnings);
    }
    Ok(Some((Comparison::of_rows(streamed.reports, rows, not_compared), streamed.people)))
}

/// `ROLE=E` of `--responsiveness`.
fn parse_responsiveness(text: &str) -> Result<(String, f64), String> {
    let (role, eps) = text.split_once('=').ok_or_else(|| format!("`{text}` is not ROLE=E (e.g. sales=0.6)"))?;
    let role = role.trim();
    if role.is_empty() {
        return Err(format!("`{text}` names no role (ROLE=E, e.g. sales=0.6)"));
    }
    let eps: f64 =
        eps.trim().parse().map_err(|_| format!("`{}` is not a number (ROLE=E, e.g. sales=0.6)", eps.trim()))?;
    Ok((role.to_owned(), eps))
}

/// The plan validator's warnings ([`plan::validate::responsiveness_problem`],
/// [`plan::validate::risk_aversion_problem`]) on the `--responsiveness` and `--risk-aversion`
/// values given, as `--flag ROLE=VALUE: message`: the same values in the baseline plan's
/// assumptions are flagged by `carrot validate`. Values out of range were refused before.
fn override_warnings(options: &SimOptions) -> Vec<String> {
    type Check = fn(rust_decimal::Decimal) -> Option<plan::Problem>;
    let checks: [(&str, &std::collections::BTreeMap<String, f64>, Check); 2] = [
        ("--responsiveness", &options.responsiveness, plan::validate::responsiveness_problem),
        ("--risk-aversion", &options.risk_aversion, plan::validate::risk_aversion_problem),
    ];
    let mut warnings = Vec::new();
    for (flag, values, check) in checks {
        for (role, value) in values {
            // As typed: `10` is 10, not the nearest binary fraction of it.
            let Ok(exact) = value.to_string().parse() else { continue };
            if let Some(p) = check(exact).filter(|p| !p.is_error()) {
                warnings.push(format!("{flag} {role}={value}: {}", p.message));
            }
        }
    }
    warnings
}

#[expect(clippy::print_stderr, reason = "simulate warns about dials set on the command line, as validate would")]
fn simulate_cmd(
    paths: &[PathBuf],
    baseline_path: &Path,
    fit_history: Option<&Path>,
    roster_args: &RosterArgs,
    scope: &ScopeArgs,
    mut options: SimOptions,
    format: CompareFormat,
) -> anyhow::Result<ExitCode> {
    // Options first, named as they are typed, before any file is read.
    options.validate().map_err(|e| match e {
        sim::SimError::InvalidOption { option, message } => {
            anyhow::Error::from(Usage(format!("--{}: {message}", option.replace('_', "-"))))
        }
        other => other.into(),
    })?;
    for warning in override_warnings(&options) {
        eprintln!("warning: {warning}");
    }
    let baseline = load_valid_plan(baseline_path)?;
    let plans: Vec<Plan> = paths.iter().map(|p| load_valid_plan(p)).collect::<anyhow::Result<_>>()?;
    let named: Vec<(&Path, &Plan)> = std::iter::once(baseline_path)
        .chain(paths.iter().map(PathBuf::as_path))
        .zip(std::iter::once(&baseline).chain(&plans))
        .collect();
    let period = year::scope(scope, &named)?;
    // A pay period: every plan as the period's own plan, with the period's phased quota and TI
    // and its exact payouts (what `payouts --period` pays) at people's recorded results.
    let mut views: Vec<crate::year::PeriodView> = Vec::new();
    let mut exact: Vec<PayoutReport> = Vec::new();
    let roster = match &period {
        Some(period) => {
            let (loaded, results) = year::compute_periods(&named, roster_args, period)?;
            for (_, plan) in &named {
                views.push(crate::year::period_view(plan, &loaded.roster, &period.name)?);
            }
            exact = results.into_iter().map(|r| r.report).collect();
            loaded.roster
        }
        None => {
            let periods: Vec<plan::Period> = named.iter().map(|(_, p)| p.period).collect();
            let plans: Vec<&Plan> = named.iter().map(|(_, p)| *p).collect();
            let loaded = load_rosters_in(roster_args, &periods, &plans)?;
            for (path, plan) in &named {
                roster_warnings(path, plan, &loaded);
            }
            // A plan that reads a column the roster lacks is refused, as `payouts` and `compare`
            // refuse it: simulated, everyone would fail under it, and its row would read as a
            // plan that earns and pays nothing.
            for (path, plan) in &named {
                compile(path, plan, &loaded.roster)?;
            }
            year::deal_warning(&loaded, None);
            loaded.roster
        }
    };
    let paid: Vec<sim::Paid<'_>> = if views.is_empty() {
        named.iter().map(|(_, p)| sim::Paid::plan(p)).collect()
    } else {
        views
            .iter()
            .zip(&exact)
            .map(|(v, r)| sim::Paid { plan: &v.plan, shares: Some(&v.shares), exact: Some(r) })
            .collect()
    };
    let (base_paid, plans_paid) = paid.split_first().ok_or_else(|| anyhow!("internal error: no baseline plan"))?;
    let calibration = match views.first() {
        Some(v) => sim::prepare_paid(*base_paid, &v.roster)?,
        None => sim::prepare(&baseline, &roster)?,
    };
    let modelled: Vec<String> = calibration.roles().into_iter().map(|(role, _)| role).collect();
    if let Some(role) = options.responsiveness.keys().find(|r| !modelled.iter().any(|m| m.eq_ignore_ascii_case(r))) {
        anyhow::bail!("--responsiveness: no modelled role `{role}` in the roster (roles: {})", modelled.join(", "));
    }
    if let Some(role) = options.risk_aversion.keys().find(|r| !modelled.iter().any(|m| m.eq_ignore_ascii_case(r))) {
        anyhow::bail!("--risk-aversion: no modelled role `{role}` in the roster (roles: {})", modelled.join(", "));
    }
    let fit = match fit_history {
        Some(path) => {
            let previous = load_valid_plan(path)?;
            let fit = sim::fit::fit_history(&previous, &baseline, &roster)?;
            if fit.roles.is_empty() {
                let why: Vec<String> = fit.unfitted.iter().map(|(role, why)| format!("{role}: {why}")).collect();
                anyhow::bail!("--fit-history: no role could be fitted: {}", why.join("; "));
            }
            for caution in fit.cautions() {
                eprintln!("warning: --fit-history: {caution}");
            }
            // Fitted values for the roles not set with --responsiveness.
            for (role, eps) in fit.responsiveness() {
                if !options.responsiveness.keys().any(|r| r.eq_ignore_ascii_case(&role)) {
                    options.responsiveness.insert(role, eps);
                }
            }
            Some(fit)
        }
        None => None,
    };
    let report = if plans_paid.is_empty() { None } else { Some(sim::run_paid(&calibration, plans_paid, &options)?) };
    emit(&OutArgs { out: None, force: false }, Access::Private, |w| match (format, &fit, &report) {
        (CompareFormat::Table, fit, report) => {
            if let Some(fit) = fit {
                simulate::fit_table(fit, w)?;
            }
            if let Some(report) = report {
                if fit.is_some() {
                    writeln!(w)?;
                }
                simulate::simulate_table(report, w)?;
            }
            Ok(())
        }
        (CompareFormat::Json, Some(fit), Some(report)) => {
            // One object: the fit and the simulation that used it.
            let mut buf = Vec::new();
            sim::json::write_report(report, &mut buf)?;
            let simulation: serde_json::Value = serde_json::from_slice(&buf).map_err(std::io::Error::other)?;
            let both = serde_json::json!({"fit_history": sim::json::fit_json(fit), "simulation": simulation});
            serde_json::to_writer_pretty(&mut *w, &both).map_err(std::io::Error::other)?;
            writeln!(w)
        }
        (CompareFormat::Json, Some(fit), None) => sim::json::write_fit(fit, w),
        (CompareFormat::Json, None, Some(report)) => sim::json::write_report(report, w),
        (CompareFormat::Json, None, None) => Ok(()),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `gen-roster --history-from --history-to`: the plan change written into the history.
struct GenHistory {
    from: PathBuf,
    to: PathBuf,
    responsiveness: std::collections::BTreeMap<String, f64>,
}

fn gen_roster(
    people: usize,
    seed: u64,
    role: Option<GenRole>,
    first_id: u64,
    history: Option<&GenHistory>,
    out: &OutArgs,
) -> anyhow::Result<ExitCode> {
    if synth::last_id(people, first_id).is_none() {
        return Err(Usage(format!(
            "--first-id {first_id} with --people {people} would pass the largest id ({}) and repeat ids; \
             use a --first-id of at most {}",
            u64::MAX,
            u64::MAX - (people as u64).saturating_sub(1)
        ))
        .into());
    }
    let roles = match role {
        None => synth::Roles::Mixed,
        Some(GenRole::Sales) => synth::Roles::Sales,
        Some(GenRole::Consultant) => synth::Roles::Consultants,
    };
    // Private like every other output: a generated roster looks like salary data, and a real
    // one saved over it would keep the mode.
    let Some(history) = history else {
        emit(out, Access::Private, |w| synth::write_roster(w, people, seed, roles, first_id))?;
        return Ok(ExitCode::SUCCESS);
    };
    let max_eps = f64::from(plan::assumptions::MAX_RESPONSIVENESS);
    for (role, eps) in &history.responsiveness {
        if !(eps.is_finite() && (0.0..=max_eps).contains(eps)) {
            return Err(
                Usage(format!("--history-responsiveness: {role}: must be between 0 and {max_eps}, not {eps}")).into()
            );
        }
    }
    let from = load_valid_plan(&history.from)?;
    let to = load_valid_plan(&history.to)?;
    let mut generated = Vec::new();
    synth::write_roster(&mut generated, people, seed, roles, first_id)?;
    // Per roster row: the cells this period's values replace.
    type Cells = Vec<(usize, Vec<(String, String)>)>;
    let next = |roster: &roster::Roster| -> anyhow::Result<Cells> {
        Ok(sim::fit::next_period(&from, &to, roster, &history.responsiveness)?
            .into_iter()
            .map(|c| (c.index, c.values.iter().map(|(col, v)| (col.clone(), sim::fit::cell(col, *v))).collect()))
            .collect())
    };
    let options = roster::ImportOptions::default();
    let imported = roster::import_reader("generated roster", generated.as_slice(), &options)?;
    // The previous period exactly as `simulate --fit-history` will read it back (the oldest
    // noise period drops out of the shifted `_prev_k` columns), then this period from it.
    let first = synth::with_history(&generated, &next(&imported.roster)?)?;
    let shifted = roster::import_reader("generated roster", first.as_slice(), &options)?;
    let (before, _) = sim::fit::previous_period(&shifted.roster);
    let bytes = synth::with_history(&generated, &next(&before)?)?;
    emit(out, Access::Private, |w| w.write_all(&bytes))?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer whose disk is full.
    struct Full;

    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::from(std::io::ErrorKind::StorageFull))
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_full_temporary_folder_is_named_with_what_to_do() {
        let mut w = NamedWrites { inner: Full, dir: Path::new("/tmp/small") };
        let e = w.write_all(b"payouts").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
        let text = e.to_string();
        assert!(text.contains("temporary copy in /tmp/small") && text.contains("TMPDIR"), "{text}");
    }
}

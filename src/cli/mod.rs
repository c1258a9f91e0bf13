//! The headless command line: the same core the app uses, for scripts and checks.
//!
//! Exit codes: 0 success, 1 bad input (plan or roster), 2 wrong usage (clap's own).

mod output;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, anyhow};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::engine::{self, Detail, PayoutReport, compare::Comparison};
use crate::export::{self, ExportRequest, Template};
use crate::fsx::{self, Access, Overwrite};
use crate::plan::{self, Plan};
use crate::roster::{self, DecimalSeparator, HeaderMapping, ImportOptions, Roster};
use crate::synth;

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
    },
    /// Write the payroll file for a plan's payouts.
    Export {
        /// The plan file.
        #[arg(long, value_name = "P")]
        plan: PathBuf,
        #[command(flatten)]
        roster: RosterArgs,
        /// The pay date written in the file (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        pay_date: NaiveDate,
        /// The payroll file to write.
        #[arg(long, value_name = "F")]
        out: PathBuf,
        /// The payroll system's layout.
        #[arg(long, default_value = "generic", value_name = "NAME")]
        template: String,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Compare plans on the same roster: totals, and who gains or loses.
    Compare {
        /// Plan files, two or more (the first is the reference).
        #[arg(long = "plan", value_name = "P", required = true, num_args = 1)]
        plans: Vec<PathBuf>,
        #[command(flatten)]
        roster: RosterArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CompareFormat::Table)]
        format: CompareFormat,
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
        #[command(flatten)]
        out: OutArgs,
    },
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
    /// Write to this file instead of standard output (atomically).
    #[arg(long, value_name = "F")]
    pub out: Option<PathBuf>,
    /// Replace the --out file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// How to read rosters (shared by every subcommand that reads one).
#[derive(Debug, Args)]
pub struct RosterArgs {
    /// Roster CSV files; repeat to merge several (e.g. sales and consultants).
    #[arg(long = "roster", value_name = "R", required = true, num_args = 1)]
    pub rosters: Vec<PathBuf>,
    /// JSON file mapping the roster's column names to Carrot's ({"Worker ID": "employee_id", ...}).
    #[arg(long, value_name = "M")]
    pub mapping: Option<PathBuf>,
    /// Import the good rows and list the bad ones instead of refusing the roster.
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Date format for non-ISO dates, chrono style (e.g. %d/%m/%Y).
    #[arg(long, value_name = "FMT")]
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

/// Output formats of `compare`.
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
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Validate { plans } => validate(&plans),
        Command::Payouts { plan, roster, format, out } => payouts(&plan, &roster, format, &out),
        Command::Export { plan, roster, pay_date, out, template, force } => {
            export_cmd(&plan, &roster, pay_date, &out, &template, force)
        }
        Command::Compare { plans, roster, format } => compare(&plans, &roster, format),
        Command::GenRoster { people, seed, role, out } => gen_roster(people, seed, role, &out),
    }
}

#[expect(clippy::print_stdout, clippy::print_stderr, reason = "validate reports on the terminal")]
fn validate(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut ok = true;
    for path in paths {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: could not read: {e}", path.display());
                ok = false;
                continue;
            }
        };
        let (_, problems) = plan::file::check(&text);
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
    let errors: Vec<String> =
        plan::validate(&plan).iter().filter(|p| p.is_error()).map(|p| format!("\n  {p}")).collect();
    if !errors.is_empty() {
        return Err(anyhow!("{}: {} problem(s):{}", path.display(), errors.len(), errors.concat()));
    }
    Ok(plan)
}

/// Reads the rosters named on the command line, reporting skipped rows and warnings on stderr.
#[expect(clippy::print_stderr, reason = "import notes go to stderr")]
pub fn load_rosters(args: &RosterArgs) -> anyhow::Result<Roster> {
    let mapping = match &args.mapping {
        None => HeaderMapping::default(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("could not read mapping file {}", path.display()))?;
            serde_json::from_str(&text).with_context(|| {
                format!("{}: a mapping file is a JSON object of \"their column\": \"canonical_column\"", path.display())
            })?
        }
    };
    let options = ImportOptions {
        mapping,
        date_format: args.date_format.clone(),
        decimal: match args.decimal {
            DecimalArg::Auto => DecimalSeparator::Auto,
            DecimalArg::Point => DecimalSeparator::Point,
            DecimalArg::Comma => DecimalSeparator::Comma,
        },
        delimiter: None,
        skip_bad_rows: args.skip_bad_rows,
    };
    let report = roster::import_files(&args.rosters, &options)?;
    for w in &report.warnings {
        eprintln!("warning: {w}");
    }
    if !report.skipped.is_empty() {
        eprintln!("skipped {} bad cell(s) (--skip-bad-rows):", report.skipped.len());
        for issue in &report.skipped {
            eprintln!("  {issue}");
        }
    }
    Ok(report.roster)
}

#[expect(clippy::print_stderr, reason = "notes about people in error go to stderr")]
fn compute(plan: &Plan, roster: &Roster, detail: Detail) -> anyhow::Result<PayoutReport> {
    let report = engine::compute(plan, roster, detail).map_err(|problems| {
        anyhow!(
            "the plan has {} problem(s):{}",
            problems.len(),
            problems.iter().map(|p| format!("\n  {p}")).collect::<String>()
        )
    })?;
    if !report.errors.is_empty() {
        eprintln!(
            "warning: {} problem(s) stopped people from being computed (listed in the output)",
            report.errors.len()
        );
    }
    Ok(report)
}

/// Writes `fill`'s output to `out.out` atomically, or to stdout.
fn emit(out: &OutArgs, access: Access, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    match &out.out {
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

fn payouts(plan_path: &Path, roster_args: &RosterArgs, format: Format, out: &OutArgs) -> anyhow::Result<ExitCode> {
    let plan = load_valid_plan(plan_path)?;
    let roster = load_rosters(roster_args)?;
    let detail = if format == Format::Table { Detail::AmountsOnly } else { Detail::Explained };
    let report = compute(&plan, &roster, detail)?;
    emit(out, Access::Private, |w| match format {
        Format::Table => output::payouts_table(&report, w),
        Format::Csv => output::payouts_csv(&report, w),
        Format::Json => engine::json::write_report(&report, w),
    })?;
    Ok(ExitCode::SUCCESS)
}

#[expect(clippy::print_stdout, reason = "export prints its reconciliation")]
fn export_cmd(
    plan_path: &Path,
    roster_args: &RosterArgs,
    pay_date: NaiveDate,
    out: &Path,
    template: &str,
    force: bool,
) -> anyhow::Result<ExitCode> {
    let template = Template::parse(template).ok_or_else(|| {
        anyhow!("unknown template `{template}`; the templates are {}", export::TEMPLATE_NAMES.join(", "))
    })?;
    let plan = load_valid_plan(plan_path)?;
    let roster = load_rosters(roster_args)?;
    let report = compute(&plan, &roster, Detail::AmountsOnly)?;
    let request = ExportRequest { plan: &plan, report: &report, pay_date, template };
    let overwrite = if force { Overwrite::Allow } else { Overwrite::Refuse };
    let rec = export::write(&request, out, overwrite)?;
    println!("wrote {} ({} template)", out.display(), template.name());
    print!("{}", output::reconciliation_text(&rec));
    Ok(ExitCode::SUCCESS)
}

fn compare(paths: &[PathBuf], roster_args: &RosterArgs, format: CompareFormat) -> anyhow::Result<ExitCode> {
    if paths.len() < 2 {
        return Err(anyhow!("compare needs at least two --plan files"));
    }
    let plans: Vec<Plan> = paths.iter().map(|p| load_valid_plan(p)).collect::<anyhow::Result<_>>()?;
    let roster = load_rosters(roster_args)?;
    let reports: Vec<PayoutReport> =
        plans.iter().map(|p| compute(p, &roster, Detail::AmountsOnly)).collect::<anyhow::Result<_>>()?;
    let cmp = Comparison::new(reports);
    emit(&OutArgs { out: None, force: false }, Access::Private, |w| match format {
        CompareFormat::Table => output::compare_table(&cmp, w),
        CompareFormat::Json => engine::compare::write_json(&cmp, w),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn gen_roster(people: usize, seed: u64, role: Option<GenRole>, out: &OutArgs) -> anyhow::Result<ExitCode> {
    let roles = match role {
        None => synth::Roles::Mixed,
        Some(GenRole::Sales) => synth::Roles::Sales,
        Some(GenRole::Consultant) => synth::Roles::Consultants,
    };
    emit(out, Access::Shared, |w| synth::write_roster(w, people, seed, roles))?;
    Ok(ExitCode::SUCCESS)
}

//! Plan years on the command line: `--period NAME --ledger L.json` on `payouts` and `export`,
//! and `carrot close`. The `--roster` files given with `--period` are that pay period's actuals.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;

use super::output::Table;
use super::{Usage, load_rosters_in, roster_warnings};
use crate::engine::Detail;
use crate::money;
use crate::plan::{PayPeriod, Plan};
use crate::year::{self, Closed, Ledger, PeriodResult, Scope, YearError};

/// Which pay period of a plan year, and the ledger of the periods before it.
#[derive(Debug, Args)]
#[command(next_help_heading = "Plan year (docs/plan-format.md, \"Plan years\")")]
pub struct YearArgs {
    /// The pay period to compute (`2026-03`, `2026-Q1`, or a name the plan's schedule gives);
    /// the --roster files are that period's actuals.
    #[arg(long, value_name = "NAME")]
    pub period: Option<String>,
    /// The ledger of closed periods (JSON) that earlier periods are taken from; a missing file
    /// is an empty ledger.
    #[arg(long, value_name = "L.json", requires = "period")]
    pub ledger: Option<PathBuf>,
}

/// Which part of a plan year `compare` and `simulate` compute (docs/plan-format.md, "Comparing
/// and simulating a plan year").
#[derive(Debug, Args)]
#[command(next_help_heading = "Plan year (docs/plan-format.md, \"Plan years\")")]
pub struct ScopeArgs {
    /// A pay period of the plans' year (`2026-03`, `2026-Q1`, or a name the schedule gives),
    /// computed as `payouts --period` computes it without a ledger, the --roster files being
    /// that period's actuals; or `year`: the whole plan year at once, the --roster files being
    /// the year's actuals. Every plan needs the same pay periods.
    #[arg(long, value_name = "NAME")]
    pub period: Option<String>,
}

/// A year error as the command line reports it: naming a period or plan year that does not
/// exist, or plans that have no pay period in common, is wrong usage (exit 2).
fn usage_or(err: YearError) -> anyhow::Error {
    match err {
        YearError::NoSchedule
        | YearError::UnknownPeriod { .. }
        | YearError::NotScheduled { .. }
        | YearError::DifferentSchedules { .. }
        | YearError::YearNamed { .. } => Usage(err.to_string()).into(),
        other => other.into(),
    }
}

/// The pay period `--period` names for `plans` (each with its file): `None` for the whole year
/// (`--period year`, or no `--period`, which says so on stderr for plan years).
#[expect(clippy::print_stderr, reason = "plan-year notes go to stderr")]
pub(super) fn scope(args: &ScopeArgs, plans: &[(&Path, &Plan)]) -> anyhow::Result<Option<PayPeriod>> {
    let Some(name) = &args.period else {
        if let Some((path, plan)) = plans.iter().find(|(_, p)| p.schedule.is_some()) {
            eprintln!(
                "warning: {}: the plan has a schedule of pay periods; without --period this computes the whole plan \
                 year at once on the roster given (--period year says so; --period NAME computes one of {})",
                path.display(),
                year::period_names(plan).join(", ")
            );
        }
        return Ok(None);
    };
    let named: Vec<(String, &Plan)> = plans.iter().map(|(path, plan)| (path.display().to_string(), *plan)).collect();
    let periods = year::common_periods(&named).map_err(usage_or)?;
    match Scope::parse(name) {
        Scope::Year => Ok(None),
        Scope::Period(name) => match periods.iter().find(|p| p.name == name) {
            Some(p) => Ok(Some(p.clone())),
            None => Err(usage_or(YearError::UnknownPeriod {
                periods: format!("{} (or `year`: the whole plan year)", names(&periods)),
                name,
            })),
        },
    }
}

fn names(periods: &[PayPeriod]) -> String {
    periods.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Pay period `period` of each of `plans` (with their files), computed on its own from the
/// `--roster` files (that period's actuals), as `payouts --period` computes it without a
/// ledger. Notes and warnings go to stderr.
#[expect(clippy::print_stderr, reason = "plan-year notes go to stderr")]
pub(super) fn compute_periods(
    plans: &[(&Path, &Plan)],
    roster_args: &super::RosterArgs,
    period: &PayPeriod,
) -> anyhow::Result<(super::LoadedRoster, Vec<PeriodResult>)> {
    let read: Vec<&Plan> = plans.iter().map(|(_, plan)| *plan).collect();
    let loaded = load_rosters_in(roster_args, &[crate::plan::Period { start: period.start, end: period.end }], &read)?;
    deal_warning(&loaded, Some(&period.name));
    let view = year_view(&loaded);
    let mut results = Vec::with_capacity(plans.len());
    let mut said: Vec<String> = Vec::new();
    for (path, plan) in plans {
        roster_warnings(path, plan, &view);
        let result =
            year::compute_period(plan, &loaded.roster, &period.name, None, Detail::AmountsOnly).map_err(usage_or)?;
        for w in &result.warnings {
            // The no-ledger note is said once, below, for every plan.
            if !year::is_no_ledger_note(w) && !said.contains(w) {
                eprintln!("warning: {}: {w}", path.display());
                said.push(w.clone());
            }
        }
        if !result.report.errors.is_empty() {
            eprintln!(
                "warning: {}: {} problem(s) stopped people from being computed",
                path.display(),
                result.report.errors.len()
            );
        }
        super::paid_warning_of(Some(path), &crate::engine::warnings::PaidWarnings::of(&result.report.employees));
        results.push(result);
    }
    eprintln!(
        "note: pay period {} ({} to {}) of each plan, computed on its own from the actuals given, as if nothing \
         had been earned or paid earlier in the plan year (as `carrot payouts --period {}` without --ledger)",
        period.name, period.start, period.end, period.name
    );
    Ok((loaded, results))
}

/// A pay period computed on the command line: its payouts, the roster read (the period's
/// actuals) and the ledger it was computed from.
pub(super) struct YearRun {
    /// The period's payouts.
    pub result: PeriodResult,
    /// The `--roster` files as read.
    pub loaded: super::LoadedRoster,
    /// The ledger (`None` without `--ledger`).
    pub ledger: Option<Ledger>,
}

/// Computes the pay period `args` name, or `None` without `--period`. Warnings go to stderr,
/// the payouts to check among them ([`paid_warnings`]) unless `table` shows them.
pub(super) fn compute(
    plan_path: &Path,
    plan: &Plan,
    roster_args: &super::RosterArgs,
    args: &YearArgs,
    detail: Detail,
) -> anyhow::Result<Option<YearRun>> {
    compute_checked(plan_path, plan, roster_args, args, detail, true)
}

/// The payouts to check before paying them (a negative net pay, a negative metric, someone not
/// employed in the period), on stderr: the list `payouts` shows under its table
/// ([`crate::engine::warnings::PaidWarnings`]), for the commands whose output has no place for
/// it (`close`, `payouts --format csv|json`).
pub(super) fn paid_warnings(result: &PeriodResult) {
    super::paid_warning(&crate::engine::warnings::PaidWarnings::of(&result.report.employees));
}

/// Why the deal list read with the roster is not the actuals of `period` (a pay period's name;
/// `None`: the plan period): none of its deals closed in it
/// ([`crate::roster::deals::DealCount::refusal`]). `close` and `export` refuse then; the
/// commands that only show figures warn. Deals left out while others count are said on stderr
/// here ([`crate::roster::deals::DealCount::left_out`]).
#[expect(clippy::print_stderr, reason = "notes about the deal list go to stderr")]
pub(super) fn deal_refusal(loaded: &super::LoadedRoster, period: Option<&str>) -> Option<String> {
    let count = loaded.deals.as_ref()?;
    let refusal = count.refusal(period);
    if let Some(note) = count.left_out(period) {
        eprintln!("warning: {note}");
    }
    refusal
}

/// [`deal_refusal`] as a warning, for the commands that only show figures.
#[expect(clippy::print_stderr, reason = "notes about the deal list go to stderr")]
pub(super) fn deal_warning(loaded: &super::LoadedRoster, period: Option<&str>) {
    if let Some(why) = deal_refusal(loaded, period) {
        eprintln!("warning: {why}");
    }
}

/// [`compute`]; `against_ledger`: refuse a closed period whose figures come out different
/// (`close` leaves that to the ledger, which also knows about `--reopen`).
#[expect(clippy::print_stderr, reason = "plan-year notes go to stderr")]
fn compute_checked(
    plan_path: &Path,
    plan: &Plan,
    roster_args: &super::RosterArgs,
    args: &YearArgs,
    detail: Detail,
    against_ledger: bool,
) -> anyhow::Result<Option<YearRun>> {
    let Some(name) = &args.period else {
        if plan.schedule.is_some() {
            eprintln!(
                "warning: {}: the plan has a schedule of pay periods; without --period this computes the whole plan \
                 year at once on the roster given (periods: {})",
                plan_path.display(),
                year::period_names(plan).join(", ")
            );
        }
        return Ok(None);
    };
    let plan_year = year::PlanYear::of(plan).map_err(usage_or)?;
    let index = plan_year.index(name).map_err(usage_or)?;
    let ledger = match &args.ledger {
        Some(path) => Some(Ledger::load_for(path, plan)?),
        None => None,
    };
    // The rosters given are this pay period's actuals: a deal list counts the deals closed in it.
    let pay_period =
        plan_year.periods.get(index).map(|p| crate::plan::Period { start: p.start, end: p.end }).unwrap_or(plan.period);
    let loaded = load_rosters_in(roster_args, &[pay_period], &[plan])?;
    roster_warnings(plan_path, plan, &year_view(&loaded));
    let result = year::compute_period(plan, &loaded.roster, name, ledger.as_ref(), detail).map_err(usage_or)?;
    for w in &result.warnings {
        eprintln!("warning: {w}");
    }
    // A closed period is shown as recorded, never silently recomputed with other figures.
    if let (Some(l), Some(path), true) = (&ledger, &args.ledger, against_ledger)
        && let Some(recorded) = l.effective(name)
    {
        let diff = year::ledger::difference(recorded, &result.entry());
        if !diff.is_empty() || recorded.total != result.report.totals.total {
            return Err(YearError::ClosedDiffers { period: name.clone(), difference: diff }.into());
        }
        eprintln!("note: {name} is closed in {}; these are its recorded figures", path.display());
    }
    if !result.report.errors.is_empty() {
        eprintln!(
            "warning: {} problem(s) stopped people from being computed (listed in the output)",
            result.report.errors.len()
        );
    }
    Ok(Some(YearRun { result, loaded, ledger }))
}

/// The roster with the plan year's own metrics (`ytd_<metric>`, `annual_quota`, ...) as
/// columns, so the warnings about columns the plan reads know them.
fn year_view(loaded: &super::LoadedRoster) -> super::LoadedRoster {
    let mut roster = loaded.roster.clone();
    let extra = year::schedule_metric_names(&roster);
    for e in &mut roster.employees {
        e.metrics.extend(std::iter::repeat_n(Some(rust_decimal::Decimal::ZERO), extra.len()));
    }
    roster.metrics.extend(extra);
    super::LoadedRoster { roster, skipped: loaded.skipped.clone(), deals: None }
}

/// The period as a table: each person's lines and year-to-date figures.
pub(super) fn table(r: &PeriodResult, w: &mut dyn Write) -> io::Result<()> {
    let rep = &r.report;
    let dp = rep.minor_units;
    writeln!(
        w,
        "{} · {} · pay period {} ({} to {})",
        rep.plan, rep.currency, r.period.name, r.period.start, r.period.end
    )?;
    writeln!(w)?;
    let mut t = Table::new(&[
        ("ID", false),
        ("Name", false),
        ("Line", false),
        ("Kind", false),
        ("Amount", true),
        ("Attainment", true),
    ]);
    for (e, ytd) in rep.employees.iter().zip(&r.ytd) {
        for l in &e.lines {
            t.rows.push(vec![
                e.employee_id.to_string(),
                e.name.to_string(),
                l.label().to_string(),
                l.kind.as_str().to_owned(),
                money::grouped(l.amount, dp),
                String::new(),
            ]);
        }
        // The attainment the pay used: to date where year-to-date lines pay on it.
        let attainment = match (ytd.attainment, e.attainment) {
            (Some(a), _) => format!("{} to date", money::percent_cut(a, 1)),
            (None, Some(a)) => money::percent_cut(a, 1),
            (None, None) => String::new(),
        };
        t.rows.push(vec![
            e.employee_id.to_string(),
            e.name.to_string(),
            "Total".to_owned(),
            String::new(),
            money::grouped(e.total, dp),
            attainment,
        ]);
    }
    t.write(w)?;
    writeln!(w)?;
    writeln!(w, "Year to date (after {})", r.period.name)?;
    let mut y = Table::new(&[
        ("ID", false),
        ("Name", false),
        ("Earned", true),
        ("Paid", true),
        ("Draws", true),
        ("Draw balance", true),
        ("Pending", true),
        ("Carried", true),
        ("Clawed back", true),
    ]);
    for (e, ytd) in rep.employees.iter().zip(&r.ytd) {
        y.rows.push(vec![
            e.employee_id.to_string(),
            e.name.to_string(),
            money::grouped(ytd.earned, dp),
            money::grouped(ytd.paid, dp),
            money::grouped(ytd.draws, dp),
            money::grouped(ytd.draw_balance, dp),
            money::grouped(ytd.pending(), dp),
            money::grouped(ytd.carried, dp),
            money::grouped(ytd.clawed_back, dp),
        ]);
    }
    y.write(w)?;
    writeln!(w)?;
    writeln!(w, "Period total: {} {}", money::grouped(rep.totals.total, dp), rep.currency)?;
    writeln!(
        w,
        "People: {} computed, {} not covered, {} in error",
        rep.totals.people,
        rep.not_covered.len(),
        rep.errors.len()
    )?;
    for e in &rep.errors {
        writeln!(w, "  error: {} ({}): {}", e.employee_id, e.name, e.message)?;
    }
    super::output::paid_with_warnings(&rep.employees, w)
}

/// `carrot close`: computes the period and records it in the ledger.
#[expect(clippy::print_stdout, reason = "close reports what it recorded")]
pub(super) fn close(
    plan_path: &Path,
    roster_args: &super::RosterArgs,
    period: &str,
    ledger_path: &Path,
    reopen: bool,
) -> anyhow::Result<std::process::ExitCode> {
    let plan = super::load_valid_plan(plan_path)?;
    let args = YearArgs { period: Some(period.to_owned()), ledger: Some(ledger_path.to_path_buf()) };
    let Some(YearRun { result, loaded, .. }) =
        compute_checked(plan_path, &plan, roster_args, &args, Detail::Explained, false)?
    else {
        return Err(Usage("close needs --period".to_owned()).into());
    };
    if let Some(why) = deal_refusal(&loaded, Some(period)) {
        anyhow::bail!("period {period} is not closed: {why}");
    }
    // What `payouts` asks to check, before the period is recorded as paid.
    paid_warnings(&result);
    if !result.report.errors.is_empty() {
        let list: Vec<String> =
            result.report.errors.iter().map(|e| format!("\n  {} ({}): {}", e.employee_id, e.name, e.message)).collect();
        anyhow::bail!(
            "period {period} is not closed: {} problem(s) stopped people from being computed; fix them first:{}",
            list.len(),
            list.concat()
        );
    }
    let dp = result.report.minor_units;
    let total = money::grouped(result.report.totals.total, dp);
    let people = result.report.employees.len();
    match year::ledger::close(ledger_path, &plan, result.entry(), reopen)? {
        Closed::Closed => {
            println!("closed {period} in {}: {people} people, total {total} {}", ledger_path.display(), plan.currency);
        }
        Closed::AlreadyClosed => {
            println!("{period} was already closed in {} with these figures; nothing written", ledger_path.display());
        }
        Closed::Reopened(diff) => {
            println!("reopened {period} in {}: total {total} {}; what changed:", ledger_path.display(), plan.currency);
            for d in diff {
                println!("  {d}");
            }
            println!(
                "if {period} was already exported to payroll, export only what changed: carrot export --period \
                 {period} --ledger {} --difference, with the same --roster files (a file of the whole period \
                 would pay it twice)",
                ledger_path.display()
            );
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// `payouts --period NAME --format csv`: with each person's attainment, the period's and to date.
pub(super) fn csv(r: &PeriodResult, w: &mut dyn Write) -> io::Result<()> {
    let ytd: Vec<Option<rust_decimal::Decimal>> = r.ytd.iter().map(|y| y.attainment).collect();
    super::output::period_csv(&r.report, &ytd, w)
}

/// What an export's reconciliation says besides people's payouts (`export::Reconciliation`'s
/// checks and restatement), gathered while the payouts are computed.
#[derive(Default)]
pub(super) struct ExportNotes {
    /// To check before paying.
    pub checks: Vec<String>,
    /// A reopened period's difference per person, with its heading.
    pub restatement: Option<(String, Vec<String>)>,
}

impl ExportNotes {
    /// Puts the notes into the reconciliation.
    pub fn add_to(self, rec: &mut crate::export::Reconciliation) {
        rec.checks.extend(self.checks);
        if let Some((heading, lines)) = self.restatement {
            rec.restatement_heading = heading;
            rec.restatement = lines;
        }
    }
}

/// The payouts `carrot export --period` writes for `run`, and what its reconciliation must
/// say (`notes`). Refuses a deal list of another period, and a period after the first computed
/// without the ledger it needs unless `no_ledger`; with `difference`, the payouts are what
/// reopening the period changed. A restatement (the full figures of a reopened period) and
/// deals left out are said on stderr and in the reconciliation.
#[expect(clippy::print_stderr, reason = "export warns on stderr about what it writes")]
pub(super) fn export_period(
    plan: &Plan,
    run: &YearRun,
    args: &YearArgs,
    no_ledger: bool,
    difference: bool,
    notes: &mut ExportNotes,
) -> anyhow::Result<crate::engine::PayoutReport> {
    use crate::export::period;
    let result = &run.result;
    let name = &result.period.name;
    let (dp, currency) = (result.report.minor_units, &result.report.currency);
    if let Some(why) = deal_refusal(&run.loaded, Some(name)) {
        anyhow::bail!("nothing was written: {why}");
    }
    notes.checks.extend(run.loaded.deals.as_ref().and_then(|d| d.left_out(Some(name))));
    if let Some(why) = period::without_ledger(plan, result) {
        if !no_ledger {
            anyhow::bail!(
                "nothing was written: {why}. Give the ledger of the periods closed so far (--ledger L.json) to \
                 export what the plan pays for {name}; or --no-ledger to export the period alone on purpose (the \
                 reconciliation then says so)"
            );
        }
        eprintln!("warning: --no-ledger: {why}");
    }
    let ledger_path = args.ledger.as_deref().map(|p| p.display().to_string()).unwrap_or_default();
    let restated = run.ledger.as_ref().and_then(|l| period::restatement(l, name));
    if difference {
        let Some(r) = restated else {
            let why = match run.ledger.as_ref().and_then(|l| l.effective(name)) {
                Some(_) => format!("{name} was closed once and never reopened in {ledger_path}, so nothing changed"),
                None => format!("{name} is not closed in {ledger_path}"),
            };
            return Err(Usage(format!(
                "--difference exports what reopening a closed period changed, but {why}; export the period itself \
                 (without --difference)"
            ))
            .into());
        };
        notes.checks.push(r.difference_notice(dp, currency));
        notes.restatement = Some((r.heading(), r.lines(dp)));
        eprintln!("note: {}", r.difference_notice(dp, currency));
        return Ok(r.difference(plan, &result.report));
    }
    let hint = format!(
        "export only the difference instead (carrot export --period {name} --ledger {ledger_path} --difference)"
    );
    notes.checks.extend(period::checks(plan, result, run.ledger.as_ref(), &hint));
    if let Some(r) = restated {
        eprintln!("warning: {}", r.notice(dp, currency, &hint));
        for line in r.lines(dp) {
            eprintln!("  {line}");
        }
        notes.restatement = Some((r.heading(), r.lines(dp)));
    }
    Ok(result.report.clone())
}

//! A roster file streamed through plans: people are read, computed and handed on block by
//! block, so the roster and the payouts are never held whole (`carrot payouts`, `export` and
//! `compare` on a million people in bounded memory). The import reads and checks every row as
//! [`crate::roster::import_files`] does, the engine computes each person as
//! [`CompiledPlan::report`] does and sums them in the same order ([`Running`]), so the people
//! handed on, the reports and the warnings are the same as the whole roster's.

use std::path::PathBuf;

use rayon::prelude::*;

use super::warnings::PaidWarnings;
use super::warnings::RosterCheck;
use super::{CompiledPlan, Detail, Outcome, PayoutReport, Running, Scratch};
use crate::plan::{Plan, Problem};
use crate::roster::{self, Employee, ImportError, ImportOptions, Roster, Streamed};

/// Why a roster could not be streamed through a plan.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The roster cannot be read (the same error as a whole import's).
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The roster must be read whole ([`roster::StreamError::NotStreamable`], or several files);
    /// nothing handed on is final.
    #[error("this roster is read whole, not streamed")]
    NotStreamable,
    /// A plan cannot be computed on the roster's columns: its index among the plans, and why.
    #[error("the plan has {} problem(s)", .1.len())]
    Plan(usize, Vec<Problem>),
    /// The consumer of the people failed (writing them out).
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// What a streamed computation found besides the people handed on.
#[derive(Debug)]
pub struct StreamOutcome {
    /// The report without its people: sums, people not covered and in error.
    pub report: PayoutReport,
    /// The import's warnings (the roster's columns, encoding).
    pub import_warnings: Vec<String>,
    /// The warnings about the plan on this roster ([`super::warnings::roster_warnings`]).
    pub roster_warnings: Vec<String>,
    /// The warnings on the payouts of the people paid.
    pub paid_warnings: PaidWarnings,
    /// How many people the roster has.
    pub people: usize,
}

/// What streaming several plans found: per plan, in the order given.
#[derive(Debug)]
pub struct StreamOutcomes {
    /// Each plan's report without its people.
    pub reports: Vec<PayoutReport>,
    /// The import's warnings.
    pub import_warnings: Vec<String>,
    /// Each plan's warnings about the roster.
    pub roster_warnings: Vec<Vec<String>>,
    /// Each plan's warnings on the payouts of the people paid.
    pub paid_warnings: Vec<PaidWarnings>,
    /// How many people the roster has.
    pub people: usize,
}

/// A plan that cannot be computed on the roster's columns: its index, and why.
type Unbound = (usize, Vec<Problem>);

/// One block of people, computed under one plan: each outcome with whether it is in the report
/// (paid, and its amounts fit the sums), in roster order.
pub struct Block<'a> {
    /// The people of the block.
    pub people: &'a [Employee],
    /// Their outcomes, and whether each is paid in the report.
    pub outcomes: &'a mut [(Outcome, bool)],
}

/// Reads `paths` with `options`, computes `plan` (with `detail`) on every person as they are
/// read, on all cores, and hands each block to `each` in roster order, on the calling thread.
/// `progress` is told how many bytes of the roster were read.
///
/// Nothing handed to `each` is final until this returns `Ok`: on any error (a bad row further
/// on, [`StreamError::NotStreamable`]) the caller discards what it made of the blocks.
pub fn stream(
    plan: &Plan,
    paths: &[PathBuf],
    options: &ImportOptions,
    detail: Detail,
    progress: &(dyn Fn(u64) + Sync),
    mut each: impl FnMut(&CompiledPlan, Block<'_>) -> std::io::Result<()>,
) -> Result<StreamOutcome, StreamError> {
    let streamed = stream_plans(&[plan], paths, options, detail, progress, |compiled, people, outcomes| {
        match (compiled.first(), outcomes.first_mut()) {
            (Some(compiled), Some(outcomes)) => each(compiled, Block { people, outcomes }),
            _ => Ok(()),
        }
    })?;
    streamed.single()
}

impl StreamOutcomes {
    /// What streaming one plan found.
    pub(crate) fn single(self) -> Result<StreamOutcome, StreamError> {
        let Self { reports, import_warnings, roster_warnings, paid_warnings, people } = self;
        match (reports.into_iter().next(), roster_warnings.into_iter().next(), paid_warnings.into_iter().next()) {
            (Some(report), Some(roster_warnings), Some(paid_warnings)) => {
                Ok(StreamOutcome { report, import_warnings, roster_warnings, paid_warnings, people })
            }
            _ => Err(StreamError::NotStreamable),
        }
    }
}

/// [`stream`] for several plans at once: the roster is read once, each block is computed under
/// every plan, and `each` gets the block with its outcomes per plan (in the order of `plans`).
pub fn stream_plans(
    plans: &[&Plan],
    paths: &[PathBuf],
    options: &ImportOptions,
    detail: Detail,
    progress: &(dyn Fn(u64) + Sync),
    mut each: impl FnMut(&[CompiledPlan], &[Employee], &mut [Vec<(Outcome, bool)>]) -> std::io::Result<()>,
) -> Result<StreamOutcomes, StreamError> {
    let mut outcomes: Vec<Vec<(Outcome, bool)>> = Vec::new();
    stream_blocks(plans, paths, options, progress, |compiled, running, base, block| {
        outcomes.resize_with(compiled.len(), Vec::new);
        for ((plan, running), outcomes) in compiled.iter().zip(running.iter_mut()).zip(&mut outcomes) {
            compute_block(plan, running, base, block, detail, &|_| {}, outcomes);
        }
        each(compiled, block, &mut outcomes)
    })
}

/// Reads `paths` with `options` block by block, binds `plans` to the file's columns and hands
/// each block of people to `each` with the plans, their running reports (`each` computes the
/// people and admits them in roster order) and the roster index of the block's first person;
/// then finishes the reports. What [`stream_plans`] does, for callers that compute a block their
/// own way (computing and writing each person in one pass).
pub(crate) fn stream_blocks(
    plans: &[&Plan],
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &(dyn Fn(u64) + Sync),
    mut each: impl FnMut(&[CompiledPlan], &mut [Running], usize, &[Employee]) -> std::io::Result<()>,
) -> Result<StreamOutcomes, StreamError> {
    // Several files would each be bound to their own columns, where the whole import binds the
    // plans to all files' columns at once: they are read whole.
    if paths.len() != 1 {
        return Err(StreamError::NotStreamable);
    }
    let (tx, rx) = std::sync::mpsc::sync_channel::<Streamed>(1);
    std::thread::scope(|scope| {
        let reading = scope.spawn(move || {
            // The consumer takes every block until the end (it skips them after an error).
            let sink = |s: Streamed| {
                tx.send(s).ok();
            };
            roster::stream_files(paths, options, progress, &sink)
        });
        // Bound at the file's header: the plans, or the first that cannot be computed on it.
        let mut compiled: Option<Result<Vec<CompiledPlan>, Unbound>> = None;
        let mut metrics: Vec<String> = Vec::new();
        let mut checks: Vec<RosterCheck> = plans.iter().map(|p| RosterCheck::new(p)).collect();
        let mut running: Vec<Running> = Vec::new();
        let mut people = 0usize;
        let mut failed: Option<std::io::Error> = None;
        for event in rx {
            match event {
                Streamed::File { metrics: names, .. } => {
                    let roster = Roster { metrics: names.clone(), ..Roster::default() };
                    let bound: Result<Vec<CompiledPlan>, _> = plans
                        .iter()
                        .enumerate()
                        .map(|(i, p)| CompiledPlan::new(p, &roster).map_err(|problems| (i, problems)))
                        .collect();
                    if let Ok(c) = &bound {
                        running = c.iter().map(CompiledPlan::running).collect();
                    }
                    compiled = Some(bound);
                    metrics = names;
                }
                Streamed::People(block) => {
                    for check in &mut checks {
                        check.add(&metrics, &block);
                    }
                    let base = people;
                    people += block.len();
                    let (Some(Ok(compiled)), None) = (&compiled, &failed) else { continue };
                    if let Err(e) = each(compiled, &mut running, base, &block) {
                        failed = Some(e);
                    }
                }
            }
        }
        let import = match reading.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        };
        let import = match import {
            Ok(import) => import,
            Err(roster::StreamError::Import(e)) => return Err(StreamError::Import(e)),
            Err(roster::StreamError::NotStreamable) => return Err(StreamError::NotStreamable),
        };
        if let Some(e) = failed {
            return Err(StreamError::Io(e));
        }
        let compiled = match compiled {
            Some(Ok(compiled)) => compiled,
            Some(Err((i, problems))) => return Err(StreamError::Plan(i, problems)),
            // A roster always has a header (an empty file is an import error).
            None => return Err(StreamError::NotStreamable),
        };
        // A plan bound at the header is checked against the tracks that turned out to have people,
        // as a roster read whole is checked when the plan is bound.
        for (i, (plan, check)) in plans.iter().zip(&checks).enumerate() {
            let mut problems = crate::plan::roster_problems(plan, &metrics, &[], &|role| check.has_people(role));
            problems.extend(crate::plan::builtin_problems(plan, &|role, column| check.lacks(role, column)));
            if !problems.is_empty() {
                return Err(StreamError::Plan(i, problems));
            }
        }
        let paid_warnings = running.iter().map(|r| r.paid_warnings().clone()).collect();
        let reports = running
            .into_iter()
            .zip(&compiled)
            .zip(plans)
            .map(|((running, compiled), plan)| running.finish(compiled, plan))
            .collect();
        let roster_warnings =
            checks.into_iter().map(|c| c.finish(&import.roster.metrics, &import.roster.joined, &[])).collect();
        Ok(StreamOutcomes { reports, import_warnings: import.warnings, roster_warnings, paid_warnings, people })
    })
}

/// Computes `people` (roster indices from `base`) under `compiled` on all cores into
/// `outcomes`, then admits each, in roster order, to `running` (the flag: paid in the report).
/// `progress` is told of each person computed.
pub(crate) fn compute_block(
    compiled: &CompiledPlan,
    running: &mut Running,
    base: usize,
    people: &[Employee],
    detail: Detail,
    progress: &(dyn Fn(u64) + Sync),
    outcomes: &mut Vec<(Outcome, bool)>,
) {
    people
        .par_iter()
        .enumerate()
        .map_init(Scratch::default, |scratch, (i, e)| {
            let outcome = compiled.evaluate(base + i, e, detail, scratch);
            progress(1);
            (outcome, false)
        })
        .collect_into_vec(outcomes);
    for (outcome, paid) in outcomes.iter_mut() {
        *paid = running.admit(outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::STREAM_BLOCK;

    fn plan() -> Plan {
        crate::plan::parse(include_str!("../../sample_plans/transition.json")).unwrap()
    }

    /// A generated roster of `people`, with `extra` rows appended, written to a file in `dir`.
    fn roster_file(dir: &std::path::Path, people: usize, extra: &str) -> PathBuf {
        let mut csv = Vec::new();
        crate::synth::write_roster(&mut csv, people, 11, crate::synth::Roles::Mixed, 1).unwrap();
        csv.extend_from_slice(extra.as_bytes());
        let path = dir.join("roster.csv");
        std::fs::write(&path, csv).unwrap();
        path
    }

    #[test]
    fn people_are_computed_block_by_block_before_the_file_is_read_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        // A bad last row: the whole import refuses the file before computing anyone.
        let path = roster_file(dir.path(), 3 * STREAM_BLOCK + 5, "999999,Last Row,sales,,,EUR,x,y,z\n");
        let mut blocks = Vec::new();
        let result = stream(&plan(), &[path], &ImportOptions::default(), Detail::AmountsOnly, &|_| {}, |_, block| {
            assert_eq!(block.people.len(), block.outcomes.len());
            blocks.push(block.people.len());
            Ok(())
        });
        assert!(matches!(result, Err(StreamError::Import(ImportError::BadRows { .. }))), "{result:?}");
        assert!(blocks.len() >= 3, "{blocks:?}");
        assert!(blocks.iter().all(|b| *b <= STREAM_BLOCK), "{blocks:?}");
    }

    #[test]
    fn the_streamed_report_and_warnings_are_the_whole_rosters() {
        let dir = tempfile::tempdir().unwrap();
        // Someone no track covers, and someone who cannot be computed (no quota to attain).
        let row = |id: &str, role: &str, revenue: &str| {
            let mut cells = vec![""; 36];
            cells[..12].copy_from_slice(&[
                id,
                "Extra Person",
                role,
                "",
                "",
                "EUR",
                "50000",
                "1000",
                "",
                "",
                "",
                revenue,
            ]);
            cells.join(",") + "\n"
        };
        let extra = row("900001", "recruiter", "") + &row("900002", "sales", "5000");
        let path = roster_file(dir.path(), 2 * STREAM_BLOCK + 77, &extra);
        let plan = plan();
        let whole = crate::roster::import_files(std::slice::from_ref(&path), &ImportOptions::default()).unwrap();
        let expected = super::super::compute(&plan, &whole.roster, Detail::AmountsOnly).unwrap();
        let mut paid = Vec::new();
        let streamed = stream(&plan, &[path], &ImportOptions::default(), Detail::AmountsOnly, &|_| {}, |_, block| {
            for (outcome, admitted) in block.outcomes.iter() {
                if let (Outcome::Paid(p), true) = (outcome, admitted) {
                    paid.push(p.clone());
                }
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(streamed.people, whole.roster.employees.len());
        assert!(!expected.not_covered.is_empty() && !expected.errors.is_empty(), "the roster exercises both");
        let mut report = streamed.report;
        report.employees = paid;
        assert_eq!(report, expected);
        assert_eq!(streamed.import_warnings, whole.warnings);
        let warnings = super::super::warnings::roster_warnings(&plan, &whole.roster, &[]);
        assert!(!warnings.is_empty());
        assert_eq!(streamed.roster_warnings, warnings);
    }
}

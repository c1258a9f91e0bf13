//! Open plans: the plan being edited, what was last saved, its undo history, its problems, and
//! its last good results.

use std::path::PathBuf;
use std::sync::Arc;

use egui::util::undoer::{Settings as UndoSettings, Undoer};

use crate::engine::{CompiledPlan, PayoutReport};
use crate::plan::{Plan, Problem};

/// A runtime identity for an open plan (two plans may share a name).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct PlanId(pub u64);

/// Where an open plan came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanSource {
    /// A file on disk.
    File(PathBuf),
    /// A bundled sample (saving asks for a file).
    Sample(&'static str),
    /// Created in the app and never saved.
    New,
}

/// A computed result for one plan.
#[derive(Clone)]
pub struct PlanResult {
    /// The plan revision this was computed from.
    pub plan_revision: u64,
    /// The roster revision this was computed from.
    pub roster_revision: u64,
    /// The plan as computed (for explanations of people).
    pub compiled: Arc<CompiledPlan>,
    /// Everyone's payouts.
    pub report: Arc<PayoutReport>,
    /// Aggregates for charts and comparisons.
    pub stats: Arc<crate::engine::stats::PlanStats>,
}

/// An open plan.
pub struct PlanDoc {
    /// Identity.
    pub id: PlanId,
    /// The plan as edited.
    pub plan: Plan,
    /// The plan as last loaded or saved (`None` if never saved).
    pub saved: Option<Plan>,
    /// Where it lives.
    pub source: PlanSource,
    /// Bumped on every change to `plan`.
    pub revision: u64,
    /// The plan as of `revision` (to detect edits made directly by widgets).
    last_seen: Plan,
    /// Validation of `plan` at `revision`.
    pub problems: Vec<Problem>,
    /// Undo history (not persisted).
    pub undoer: Undoer<Plan>,
    /// The last good results (kept on screen, marked stale, while the plan is invalid).
    pub result: Option<PlanResult>,
    /// Colour index (stable for the plan's life).
    pub color: usize,
}

impl PlanDoc {
    /// Opens `plan` from `source`.
    pub fn new(id: PlanId, plan: Plan, source: PlanSource, color: usize) -> Self {
        let saved = match source {
            PlanSource::New => None,
            _ => Some(plan.clone()),
        };
        let problems = crate::plan::validate(&plan);
        // Edits within a second coalesce into one undo step (one slider drag = one step).
        let undoer = Undoer::with_settings(UndoSettings { max_undos: 200, stable_time: 0.6, auto_save_interval: 30.0 });
        Self { id, last_seen: plan.clone(), plan, saved, source, revision: 1, problems, undoer, result: None, color }
    }

    /// The file name or sample name, for titles.
    pub fn location(&self) -> String {
        match &self.source {
            PlanSource::File(p) => p.display().to_string(),
            PlanSource::Sample(key) => format!("sample: {key}.json"),
            PlanSource::New => "not saved yet".to_owned(),
        }
    }

    /// Whether the plan differs from what was last saved.
    pub fn is_dirty(&self) -> bool {
        self.saved.as_ref() != Some(&self.plan)
    }

    /// Whether the plan has validation errors.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// Picks up edits made to `plan` since the last call: bumps the revision and revalidates.
    /// Returns whether anything changed.
    pub fn sync(&mut self) -> bool {
        if self.plan == self.last_seen {
            return false;
        }
        self.revision += 1;
        self.last_seen = self.plan.clone();
        self.problems = crate::plan::validate(&self.plan);
        true
    }

    /// Whether the result on screen is for an older plan or roster.
    pub fn is_stale(&self, roster_revision: u64) -> bool {
        self.result.as_ref().is_none_or(|r| r.plan_revision != self.revision || r.roster_revision != roster_revision)
    }

    /// The problems at exactly `path`.
    pub fn problems_at<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a Problem> + 'a {
        self.problems.iter().filter(move |p| p.path == path)
    }
}

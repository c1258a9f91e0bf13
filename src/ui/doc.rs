//! Open plans: the plan being edited, what was last saved, its undo history, its problems, its
//! last good results, and the runtime state that belongs to it (what was sent to the compute
//! worker, when it was last autosaved). Closing a plan drops all of it with the document.

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
    /// What each payout line is called (component id → the plan's label), for tables, legends
    /// and explanations.
    pub labels: Arc<Labels>,
}

/// Component ids and their labels (adjustment lines included), found once per result.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Labels(pub std::collections::BTreeMap<String, String>);

impl Labels {
    /// The labels of a plan's components, and of the adjustment lines a report pays.
    pub fn new(plan: &Plan, report: &PayoutReport) -> Self {
        let mut map = std::collections::BTreeMap::new();
        for track in plan.tracks.values() {
            for c in &track.components {
                map.entry(c.id().to_owned()).or_insert_with(|| c.label().to_owned());
            }
        }
        for (id, label) in [
            (crate::engine::LineKind::CapAdjustment.as_str(), "Cap adjustment"),
            (crate::engine::LineKind::GuaranteeAdjustment.as_str(), "Guarantee adjustment"),
        ] {
            if report.totals.by_component.contains_key(id) {
                map.insert(id.to_owned(), label.to_owned());
            }
        }
        Self(map)
    }

    /// The label of a component id (the id itself when the plan has no label for it).
    pub fn get<'a>(&'a self, id: &'a str) -> &'a str {
        self.0.get(id).map_or(id, String::as_str)
    }

    /// `text` with every component id replaced by its label (explanations name other lines).
    /// Only whole words are replaced, in one pass, so a label is never relabelled.
    pub fn relabel(&self, text: &str) -> String {
        let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let mut out = String::with_capacity(text.len());
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut String| {
            match self.0.get(word.as_str()) {
                Some(label) => out.push_str(label),
                None => out.push_str(word),
            }
            word.clear();
        };
        for c in text.chars() {
            if is_ident(c) {
                word.push(c);
            } else {
                flush(&mut word, &mut out);
                out.push(c);
            }
        }
        flush(&mut word, &mut out);
        out
    }
}

/// When an unsaved plan was last changed and written to the recovery folder.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Autosave {
    /// The revision last seen, and the UI time it was first seen (autosave waits for a pause).
    pub changed: Option<(u64, f64)>,
    /// The revision last written to (or being written to) the recovery folder.
    pub written: Option<u64>,
}

/// The roster a plan's names are checked against.
#[derive(Clone, Copy, Debug)]
pub struct RosterNames<'a> {
    /// The roster's revision (problems are re-checked when it changes).
    pub revision: u64,
    /// Its metric columns.
    pub metrics: &'a [String],
    /// Its roles.
    pub roles: &'a [String],
    /// Whether it has anyone in it (an empty roster makes every name unknown).
    pub has_people: bool,
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
    /// What was last sent to the compute worker: (plan revision, roster revision).
    pub requested: Option<(u64, u64)>,
    /// Autosave bookkeeping.
    pub autosave: Autosave,
    /// The roster revision `problems` were checked against.
    checked_roster: Option<u64>,
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
        Self {
            id,
            last_seen: plan.clone(),
            plan,
            saved,
            source,
            revision: 1,
            problems,
            undoer,
            result: None,
            color,
            requested: None,
            autosave: Autosave::default(),
            checked_roster: None,
        }
    }

    /// The file name or sample name, for titles.
    pub fn location(&self) -> String {
        match &self.source {
            PlanSource::File(p) => p.display().to_string(),
            PlanSource::Sample(key) => format!("sample: {key}.json"),
            PlanSource::New => "not saved yet".to_owned(),
        }
    }

    /// Where the plan comes from, short: its file's name, `sample transition`, or `not saved
    /// yet`.
    pub fn whence(&self) -> String {
        match &self.source {
            PlanSource::File(p) => crate::ui::app::display_name(p),
            PlanSource::Sample(k) => format!("sample {k}"),
            PlanSource::New => "not saved yet".to_owned(),
        }
    }

    /// The plan's name as a list of `docs` shows it: with where it comes from when another open
    /// plan has the same name (`Transition (sample transition)`, `Transition (not saved yet)`),
    /// so the plan exported or compared is never mistaken for its namesake.
    pub fn name_among(&self, docs: &[PlanDoc]) -> String {
        if docs.iter().any(|d| d.id != self.id && d.plan.name == self.plan.name) {
            format!("{} ({})", self.plan.name, self.whence())
        } else {
            self.plan.name.clone()
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

    /// Picks up edits made to `plan` since the last call (bumps the revision) and checks the
    /// plan again when it or the roster changed: [`crate::plan::validate`], then the names it
    /// reads against the roster ([`roster_problems`]). Returns whether the plan changed.
    pub fn sync(&mut self, roster: RosterNames<'_>) -> bool {
        let changed = self.plan != self.last_seen;
        if changed {
            self.revision += 1;
            self.last_seen = self.plan.clone();
        }
        if changed || self.checked_roster != Some(roster.revision) {
            self.problems = crate::plan::validate(&self.plan);
            self.problems.extend(roster_problems(&self.plan, roster));
            self.checked_roster = Some(roster.revision);
        }
        changed
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

/// Names the plan reads that the roster does not have ([`crate::plan::roster_problems`]): only
/// tracks whose role has people in the roster are checked.
pub fn roster_problems(plan: &Plan, roster: RosterNames<'_>) -> Vec<Problem> {
    if !roster.has_people {
        return Vec::new();
    }
    crate::plan::roster_problems(plan, roster.metrics, &[], &|role| {
        roster.roles.iter().any(|r| r.eq_ignore_ascii_case(role))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::plan::columns::sample;

    #[test]
    fn a_mistyped_metric_is_an_error_at_its_field_only_where_the_roster_has_the_tracks_people() {
        use crate::plan::columns::sample_with_typo;
        let roster = crate::samples::bundled_roster().unwrap();
        let roles: Vec<String> = roster.roles().into_iter().map(str::to_owned).collect();
        let names = RosterNames { revision: 1, metrics: &roster.metrics, roles: &roles, has_people: true };
        let (plan, i) = sample_with_typo("product_led", "sales", "discovery_interviews", "interviewz");
        let problems = roster_problems(&plan, names);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].path, format!("tracks.sales.components[{i}].metric"));
        assert!(problems[0].is_error());
        assert!(problems[0].message.contains("did you mean `discovery_interviews`?"), "{}", problems[0].message);
        // An empty roster, or one without the track's role, checks nothing.
        assert!(roster_problems(&plan, RosterNames { has_people: false, ..names }).is_empty());
        let sales_only = vec!["sales".to_owned()];
        let (consultant_typo, _) =
            sample_with_typo("product_led", "consultant", "internal_contributions", "nothing_like_it");
        assert!(roster_problems(&consultant_typo, RosterNames { roles: &sales_only, ..names }).is_empty());
        assert!(!roster_problems(&consultant_typo, names).is_empty());
    }

    #[test]
    fn plans_of_one_name_are_told_apart_by_where_they_come_from() {
        let sample_doc = PlanDoc::new(PlanId(1), sample("transition"), PlanSource::Sample("transition"), 0);
        let mut renamed = sample("sales_led");
        renamed.name = sample_doc.plan.name.clone();
        let new_doc = PlanDoc::new(PlanId(2), renamed, PlanSource::New, 1);
        let other = PlanDoc::new(PlanId(3), sample("product_led"), PlanSource::Sample("product_led"), 2);
        let docs = vec![sample_doc, new_doc, other];
        let names: Vec<String> = docs.iter().map(|d| d.name_among(&docs)).collect();
        assert_eq!(names, ["Transition (sample transition)", "Transition (not saved yet)", "Product-led"]);
    }

    #[test]
    fn relabel_replaces_whole_ids_only() {
        let labels = Labels(
            [("bonus".to_owned(), "Bonus".to_owned()), ("bonus_2".to_owned(), "Second bonus".to_owned())]
                .into_iter()
                .collect(),
        );
        assert_eq!(labels.relabel("bonus_2 × bonus, not bonuses"), "Second bonus × Bonus, not bonuses");
    }
}

//! The workspace: open plans, the roster files and their merged roster, the plans a crashed
//! session left unsaved, and what is saved between runs. Every file is read, and every merge of
//! rosters done, on a job; the UI thread only swaps the results in.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{CarrotApp, JobOutput, Modal, display_name, issue_lines};
use crate::engine;
use crate::plan::{self, Plan};
use crate::roster::{self, ImportError, ImportOptions, ImportReport, Roster, RowIssue};
use crate::samples;
use crate::ui::doc::{PlanDoc, PlanId, PlanSource};
use crate::ui::jobs::JobKind;
use crate::ui::notify::Level;
use crate::ui::state::{PlanRef, RosterOrigin, RosterRef};

/// One imported roster file.
#[derive(Clone)]
pub struct RosterSource {
    /// Display name.
    pub name: String,
    /// How to find and re-read it.
    pub reference: RosterRef,
    /// The people in it.
    pub roster: Arc<Roster>,
    /// Import notes.
    pub warnings: Vec<String>,
    /// Rows left out (when the user chose to import the good rows).
    pub skipped: Vec<RowIssue>,
    /// Its deal list's count of the deals in and outside the period they were counted for.
    pub deals: Option<crate::roster::deals::DealCount>,
}

impl RosterSource {
    fn from_report(name: String, reference: RosterRef, report: ImportReport) -> Self {
        Self {
            name,
            reference,
            roster: Arc::new(report.roster),
            warnings: report.warnings,
            skipped: report.skipped,
            deals: report.deals,
        }
    }
}

/// The rosters in the workspace, merged.
pub struct RosterSet {
    /// One entry per imported file.
    pub sources: Vec<RosterSource>,
    /// Everyone, merged.
    pub merged: Arc<Roster>,
    /// The merged roster's distinct roles, in first-seen order (found once per roster, not in
    /// every frame that lists them).
    pub roles: Vec<String>,
    /// Bumped on every change.
    pub revision: u64,
}

impl Default for RosterSet {
    fn default() -> Self {
        Self { sources: Vec::new(), merged: super::empty_roster(), roles: Vec::new(), revision: 1 }
    }
}

/// What [`RosterSet::deals_elsewhere`] calls the whole plan year (the main view's period).
pub const WHOLE_PLAN_YEAR: &str = "the plan year";

impl RosterSet {
    /// Replaces the files and their merged roster, and bumps the revision.
    fn replace(&mut self, sources: Vec<RosterSource>, merged: Arc<Roster>) {
        self.roles = merged.roles().into_iter().map(str::to_owned).collect();
        self.sources = sources;
        let old = std::mem::replace(&mut self.merged, merged);
        super::drop_off_thread(old);
        self.revision += 1;
    }

    /// Why these rosters are not the actuals of pay period `name` (`start` to `end`): a file
    /// whose revenue counts the deals of a deal list closed on other dates (the import counts a
    /// plan year's whole period unless told one pay period), or a deal list none of whose deals
    /// closed in the period (the check `carrot close` and `export` make:
    /// [`crate::roster::deals::DealCount::refusal`]). `None` when nothing is counted elsewhere.
    pub fn deals_elsewhere(&self, name: &str, start: chrono::NaiveDate, end: chrono::NaiveDate) -> Option<String> {
        if let Some(why) = self.deals_of_other_dates(name, start, end) {
            return Some(why);
        }
        // The main view's whole plan year is the plan period, not a pay period.
        self.deals_refusal((name != WHOLE_PLAN_YEAR).then_some(name))
    }

    /// Why the deal lists imported are not the actuals of pay period `period` (`None`: the plan
    /// period): none of a list's deals closed in it ([`crate::roster::deals::DealCount::refusal`]).
    pub fn deals_refusal(&self, period: Option<&str>) -> Option<String> {
        let why: Vec<String> = self.sources.iter().filter_map(|s| s.deals.as_ref()?.refusal(period)).collect();
        (!why.is_empty()).then(|| why.join("; "))
    }

    /// The deals the imported deal lists left out as closed outside the period they were counted
    /// for, when others closed in it ([`crate::roster::deals::DealCount::left_out`]; `period`: a
    /// pay period's name, `None`: the plan period).
    pub fn deals_left_out(&self, period: Option<&str>) -> Vec<String> {
        self.sources.iter().filter_map(|s| s.deals.as_ref()?.left_out(period)).collect()
    }

    /// [`Self::deals_elsewhere`]: the deal lists counted over other dates than `start` to `end`.
    fn deals_of_other_dates(&self, name: &str, start: chrono::NaiveDate, end: chrono::NaiveDate) -> Option<String> {
        let other: Vec<String> = self
            .sources
            .iter()
            .filter_map(|s| {
                let deals = s.reference.joins.deals.as_ref()?;
                (deals.period.start != start || deals.period.end != end).then(|| {
                    format!(
                        "{}'s revenue counts the deals of {} closed {} to {}",
                        s.name,
                        display_name(&deals.file),
                        deals.period.start,
                        deals.period.end
                    )
                })
            })
            .collect();
        if other.is_empty() {
            return None;
        }
        Some(format!(
            "{}, not {name}'s ({start} to {end}), so these are not {name}'s actuals. Import the roster again \
             (Import roster with results…) and count the deals closed in {name}.",
            other.join("; ")
        ))
    }

    /// The names a plan is checked against.
    pub fn names(&self) -> crate::ui::doc::RosterNames<'_> {
        crate::ui::doc::RosterNames {
            revision: self.revision,
            metrics: &self.merged.metrics,
            roles: &self.roles,
            has_people: !self.merged.employees.is_empty(),
        }
    }
}

/// Why rosters were merged, for the message afterwards.
pub enum MergeReason {
    /// A file was imported.
    Added { name: String, people: usize },
    /// A file was removed.
    Removed { name: String },
    /// Files were replaced by a newer one.
    Replaced { name: String, people: usize, replaced: Vec<String> },
}

/// A roster file not imported because people in it are already in the workspace's files.
pub struct Overlap {
    /// The file, read and ready to add.
    pub source: RosterSource,
    /// The workspace's files that hold some of its people (indices into the sources, names).
    pub files: Vec<(usize, String)>,
    /// The people found twice, as the merge listed them.
    pub lines: Vec<String>,
}

/// Roster files merged on a job.
pub struct Merged {
    /// The files of the workspace after the change (unchanged when the merge failed).
    pub sources: Vec<RosterSource>,
    /// Everyone, or the people found in two files.
    pub result: Result<Arc<Roster>, Vec<RowIssue>>,
    /// What changed.
    pub reason: MergeReason,
    /// The file that was to be added, when the merge failed.
    pub rejected: Option<RosterSource>,
}

/// A workspace read at start-up.
pub struct Opened {
    /// Plans that opened.
    pub plans: Vec<(PlanSource, Plan)>,
    /// Rosters that imported.
    pub rosters: Vec<RosterSource>,
    /// Everyone in them, merged (or the people found in two files).
    pub merged: Result<Arc<Roster>, Vec<RowIssue>>,
    /// What could not be restored (the rest opens; the samples when nothing else did).
    pub failures: Vec<String>,
    /// Whether this is the bundled samples.
    pub samples: bool,
}

/// Merges roster files (no copy when there is only one).
fn merge_sources(sources: &[RosterSource]) -> Result<Arc<Roster>, Vec<RowIssue>> {
    match sources {
        [] => Ok(super::empty_roster()),
        [one] => Ok(Arc::clone(&one.roster)),
        many => roster::merge::merge(many.iter().map(|s| (*s.roster).clone()).collect()).map(Arc::new),
    }
}

impl CarrotApp {
    /// Reads the last workspace (or the samples) in the background.
    pub(super) fn open_workspace(&mut self, ctx: &egui::Context, samples: bool) {
        let plans = if samples {
            samples::PLANS.iter().map(|s| PlanRef::Sample(s.key.to_owned())).collect()
        } else {
            self.state.plans.clone()
        };
        let rosters = if samples { RosterRef::samples() } else { self.state.rosters.clone() };
        let label = if samples { "Opening the samples" } else { "Opening the last workspace" };
        self.spawn(ctx, JobKind::OpenWorkspace, label, move || {
            JobOutput::Opened(Box::new(read_workspace(&plans, &rosters, samples)))
        });
    }

    /// Replaces the rosters with the bundled samples (read and merged in the background).
    pub(super) fn use_sample_rosters(&mut self, ctx: &egui::Context) {
        let rosters = RosterRef::samples();
        self.spawn(ctx, JobKind::OpenWorkspace, "Reading the sample rosters", move || {
            let mut opened = read_workspace(&[], &rosters, true);
            opened.plans.clear();
            JobOutput::Opened(Box::new(opened))
        });
    }

    /// Takes in the workspace read at start-up (or the sample rosters).
    pub(super) fn on_opened(&mut self, ctx: &egui::Context, opened: Opened) {
        if !opened.failures.is_empty() && !opened.samples {
            // Nothing of it opened: the samples, so that the app is not empty.
            if opened.plans.is_empty() && opened.rosters.is_empty() {
                let mut lines =
                    vec!["The last workspace could not be restored, so the samples are open instead:".to_owned()];
                lines.extend(opened.failures);
                self.rt.modal = Some(Modal::Message { title: "Workspace not restored".to_owned(), lines });
                self.open_workspace(ctx, true);
                return;
            }
            // The plans and rosters that could be read open as they were; a roster file moved
            // or changed since does not take the rest of the workspace with it.
            let mut lines = vec!["These could not be restored; the rest of the last workspace is open:".to_owned()];
            lines.extend(opened.failures.iter().map(|f| format!("• {f}")));
            lines.push(
                "Open the plan (Open plan…) or import the roster (Import roster…) again once it is found or mended."
                    .to_owned(),
            );
            self.rt.modal = Some(Modal::Message { title: "Workspace partly restored".to_owned(), lines });
        } else {
            for f in &opened.failures {
                self.rt.notifications.push(Level::Error, f.clone());
            }
        }
        for (source, plan) in opened.plans {
            self.add_plan(plan, source);
        }
        match opened.merged {
            Ok(merged) => {
                self.rt.rosters.replace(opened.rosters, merged);
                self.rt.payouts.selected = None;
            }
            Err(issues) => self.rt.notifications.push(
                Level::Error,
                format!("The rosters overlap: {}", issues.first().map(ToString::to_string).unwrap_or_default()),
            ),
        }
        if !self.rt.opened {
            let selected = self.state.selected.min(self.rt.docs.len().saturating_sub(1));
            self.rt.selected = self.rt.docs.get(selected).map(|d| d.id);
            self.find_recovery(ctx);
        }
        self.rt.opened = true;
    }

    /// Adds an open plan and selects it.
    pub fn add_plan(&mut self, plan: Plan, source: PlanSource) -> PlanId {
        let id = PlanId(self.rt.next_id);
        self.rt.next_id += 1;
        // The first colour no open plan has: open plans never share one while the palette
        // lasts (a plan closed gives its colour back).
        let color = (0..).find(|c| self.rt.docs.iter().all(|d| d.color != *c)).unwrap_or(0);
        self.rt.docs.push(PlanDoc::new(id, plan, source, color));
        self.rt.selected = Some(id);
        id
    }

    /// Closes a plan without asking. Its results, undo history and autosave state go with it;
    /// its recovery file is deleted in the background.
    pub fn close_plan(&mut self, ctx: &egui::Context, id: PlanId) {
        self.forget_recovery(ctx, id);
        let index = self.rt.docs.iter().position(|d| d.id == id);
        if let Some(i) = index {
            let doc = self.rt.docs.remove(i);
            super::drop_off_thread(doc.result);
        }
        if self.rt.selected == Some(id) {
            let next = index.map(|i| i.min(self.rt.docs.len().saturating_sub(1)));
            self.rt.selected = next.and_then(|i| self.rt.docs.get(i)).map(|d| d.id);
            self.rt.payouts.rows_key = None;
        }
    }

    /// Asks before closing a plan with unsaved changes.
    pub(super) fn request_close(&mut self, ctx: &egui::Context, id: PlanId) {
        match self.doc(id) {
            Some(doc) if doc.is_dirty() => self.rt.modal = Some(Modal::ConfirmClose(id)),
            Some(_) => self.close_plan(ctx, id),
            None => {}
        }
    }

    /// Replaces the workspace's rosters with one already-imported roster (benchmarks and tests).
    pub fn load_roster(&mut self, name: &str, roster: Roster) {
        let source = RosterSource {
            name: name.to_owned(),
            reference: RosterRef::as_is(RosterOrigin::File(PathBuf::from(name))),
            roster: Arc::new(roster),
            warnings: Vec::new(),
            skipped: Vec::new(),
            deals: None,
        };
        let merged = Arc::clone(&source.roster);
        self.rt.rosters.replace(vec![source], merged);
        self.rt.payouts.selected = None;
    }

    /// Merges the workspace's roster files with `change` applied, on a job.
    fn merge_rosters(&mut self, ctx: &egui::Context, sources: Vec<RosterSource>, reason: MergeReason) {
        let label = match &reason {
            MergeReason::Added { name, .. } => format!("Adding {name}"),
            MergeReason::Removed { name } => format!("Removing {name}"),
            MergeReason::Replaced { name, .. } => format!("Replacing rosters with {name}"),
        };
        let before = self.rt.rosters.sources.clone();
        self.spawn(ctx, JobKind::MergeRosters, label, move || {
            let result = merge_sources(&sources);
            let added = matches!(reason, MergeReason::Added { .. });
            let (sources, rejected) = match result {
                Ok(_) => (sources, None),
                Err(_) => (before, if added { sources.into_iter().last() } else { None }),
            };
            JobOutput::Merged(Box::new(Merged { sources, result, reason, rejected }))
        });
    }

    /// Adds an imported roster file to the workspace (merged in the background).
    pub(super) fn add_roster(&mut self, ctx: &egui::Context, source: RosterSource) {
        let reason = MergeReason::Added { name: source.name.clone(), people: source.roster.employees.len() };
        let mut sources = self.rt.rosters.sources.clone();
        sources.push(source);
        self.merge_rosters(ctx, sources, reason);
    }

    /// Removes a roster file from the workspace (the others are merged again in the background).
    pub fn remove_roster(&mut self, ctx: &egui::Context, index: usize) {
        let mut sources = self.rt.rosters.sources.clone();
        if index >= sources.len() {
            return;
        }
        let removed = sources.remove(index);
        self.merge_rosters(ctx, sources, MergeReason::Removed { name: removed.name });
    }

    /// Replaces the files of `overlap` with its file (merged in the background).
    pub(super) fn replace_rosters(&mut self, ctx: &egui::Context, overlap: Overlap) {
        let replaced: Vec<String> = overlap.files.iter().map(|(_, name)| name.clone()).collect();
        let mut sources: Vec<RosterSource> = self
            .rt
            .rosters
            .sources
            .iter()
            .enumerate()
            .filter(|(i, _)| !overlap.files.iter().any(|(j, _)| j == i))
            .map(|(_, s)| s.clone())
            .collect();
        let reason = MergeReason::Replaced {
            name: overlap.source.name.clone(),
            people: overlap.source.roster.employees.len(),
            replaced,
        };
        sources.push(overlap.source);
        self.merge_rosters(ctx, sources, reason);
    }

    /// Takes in merged rosters.
    pub(super) fn on_merged(&mut self, merged: Merged) {
        match (merged.result, merged.reason) {
            (Ok(roster), reason) => {
                self.rt.rosters.replace(merged.sources, roster);
                self.rt.payouts.selected = None;
                let text = match reason {
                    MergeReason::Added { name, people } => {
                        format!("Imported {} people from {name}", crate::ui::widgets::count(people))
                    }
                    MergeReason::Removed { name } => format!("Removed {name} from the workspace"),
                    MergeReason::Replaced { name, people, replaced } => {
                        format!(
                            "Replaced {} with {name} ({} people)",
                            replaced.join(" and "),
                            crate::ui::widgets::count(people)
                        )
                    }
                };
                self.rt.notifications.push(Level::Info, text);
            }
            (Err(issues), MergeReason::Added { name, .. }) => {
                // The files already holding some of its people: a newer export of them replaces them.
                let files: Vec<(usize, String)> = merged.rejected.as_ref().map_or_else(Vec::new, |new| {
                    let ids: foldhash::HashSet<&str> = new.roster.employees.iter().map(|e| &*e.id).collect();
                    merged
                        .sources
                        .iter()
                        .enumerate()
                        .filter(|(_, s)| s.roster.employees.iter().any(|e| ids.contains(&*e.id)))
                        .map(|(i, s)| (i, s.name.clone()))
                        .collect()
                });
                match merged.rejected {
                    Some(source) if !files.is_empty() => {
                        self.rt.modal =
                            Some(Modal::Overlap(Box::new(Overlap { source, files, lines: issue_lines(&issues) })));
                    }
                    _ => {
                        self.rt.modal = Some(Modal::Message {
                            title: format!("{name} was not imported"),
                            lines: std::iter::once("People in this file are already in the workspace:".to_owned())
                                .chain(issue_lines(&issues))
                                .collect(),
                        });
                    }
                }
            }
            (Err(issues), MergeReason::Replaced { name, replaced, .. }) => {
                // The other files hold some of its people too.
                self.rt.modal = Some(Modal::Message {
                    title: format!("{name} did not replace {}", replaced.join(" and ")),
                    lines: std::iter::once("People in this file are also in the workspace's other files:".to_owned())
                        .chain(issue_lines(&issues))
                        .collect(),
                });
            }
            (Err(issues), MergeReason::Removed { name }) => {
                // Removing a file cannot create duplicates; report it if it ever does.
                self.rt.notifications.push(
                    Level::Error,
                    format!("Could not remove {name}: the other rosters overlap ({} people)", issues.len()),
                );
            }
        }
    }

    /// Starts importing roster files (one after another, each with its mapping step if needed).
    pub fn import_roster_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        self.rt.roster_queue.extend(paths.into_iter().map(|p| (p, false)));
        self.next_roster(ctx);
    }

    /// Previews the next queued roster file, unless an import is already under way.
    pub(super) fn next_roster(&mut self, ctx: &egui::Context) {
        let busy = self.rt.modal.as_ref().is_some_and(|m| matches!(m, Modal::Mapping(_) | Modal::BadRows(_)))
            || self
                .rt
                .jobs
                .iter()
                .any(|j| matches!(j.kind, JobKind::PreviewRoster | JobKind::ImportRoster | JobKind::MergeRosters));
        if busy {
            return;
        }
        let Some((path, ask)) = self.rt.roster_queue.pop_front() else { return };
        self.preview_roster(ctx, path, None, ask);
    }

    /// Reads a roster file's header and first rows, as found by default, or with the sheet and
    /// header row chosen in the mapping step (`chosen`, which then shows the step again). With
    /// `ask` the step shows even when the file reads as it is.
    pub(super) fn preview_roster(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        chosen: Option<super::PreviewChoice>,
        ask: bool,
    ) {
        let label = format!("Reading {}", display_name(&path));
        self.spawn(ctx, JobKind::PreviewRoster, label, move || {
            let options = ImportOptions {
                sheet: chosen.as_ref().and_then(|c| c.sheet.clone()),
                header_row: chosen.as_ref().and_then(|c| c.header_row),
                ..ImportOptions::default()
            };
            let result = roster::preview(&path, &options, 8).map_err(|e| e.to_string());
            JobOutput::RosterPreviewed { path, result, chosen, ask }
        });
    }

    /// Imports one roster file with the given options.
    pub fn import_roster(&mut self, ctx: &egui::Context, reference: RosterRef) {
        let RosterOrigin::File(path) = &reference.origin else { return };
        let name = display_name(path);
        let progress = super::ImportProgress {
            name: name.clone(),
            total: Arc::default(),
            read: Arc::default(),
            cancel: Arc::default(),
        };
        let (total, read, cancel) =
            (Arc::clone(&progress.total), Arc::clone(&progress.read), Arc::clone(&progress.cancel));
        self.rt.import_progress = Some(progress);
        // The plans open now: what they read, and as what, is worked out on the job.
        let plans = self.open_plans();
        self.spawn(ctx, JobKind::ImportRoster, format!("Importing {name}"), move || {
            if let RosterOrigin::File(path) = &reference.origin {
                total.store(std::fs::metadata(path).map_or(0, |m| m.len()), std::sync::atomic::Ordering::Relaxed);
            }
            let columns = engine::columns::plan_columns(&plans);
            let progress = |n| read.store(n, std::sync::atomic::Ordering::Relaxed);
            let result = read_roster_with(&reference, columns, &progress, &cancel);
            JobOutput::RosterImported { reference, name, result }
        });
    }

    /// Takes in an imported roster file.
    pub(super) fn on_roster_imported(
        &mut self,
        ctx: &egui::Context,
        reference: RosterRef,
        name: String,
        result: Result<ImportReport, ImportError>,
    ) {
        let cancelled =
            self.rt.import_progress.take().is_some_and(|p| p.cancel.load(std::sync::atomic::Ordering::Relaxed));
        if cancelled {
            self.rt.roster_queue.clear();
            self.rt.notifications.push(Level::Info, format!("Import of {name} cancelled: nothing was imported"));
            return;
        }
        match result {
            Ok(report) => {
                for w in &report.warnings {
                    self.rt.notifications.push(Level::Warning, w.clone());
                }
                self.add_roster(ctx, RosterSource::from_report(name, reference, report));
            }
            Err(ImportError::BadRows { issues }) => {
                self.rt.modal = Some(Modal::BadRows(Box::new(crate::ui::panels::dialogs::BadRowsDialog {
                    name,
                    reference,
                    issues,
                })));
            }
            Err(e) => {
                self.rt.modal = Some(Modal::Message {
                    title: format!("{name} was not imported"),
                    lines: e.to_string().lines().map(str::to_owned).collect(),
                });
            }
        }
    }

    /// The open plans, as they are now (a roster import reads the columns they read as they read
    /// them, as `carrot` does for the plans it computes).
    pub(super) fn open_plans(&self) -> Vec<Plan> {
        self.rt.docs.iter().map(|d| d.plan.clone()).collect()
    }

    /// The metric names the open plans read (offered in the roster mapping step).
    pub fn plan_metric_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        let mut add = |n: &str| {
            if plan::is_identifier(n) && !names.iter().any(|x| x == n) {
                names.push(n.to_owned());
            }
        };
        for doc in &self.rt.docs {
            let p = &doc.plan;
            for track in p.tracks.values() {
                for c in &track.components {
                    if !p.metrics.contains_key(c.metric()) {
                        add(c.metric());
                    }
                    if let plan::Component::Bonus(b) = c
                        && let plan::Target::Column(col) = &b.target
                    {
                        add(col);
                    }
                }
            }
            for source in p.metrics.values() {
                if let Ok(e) = crate::expr::Expr::parse(source) {
                    for v in e.variables() {
                        if !p.metrics.contains_key(v) {
                            add(v);
                        }
                    }
                }
            }
        }
        names.retain(|n| !roster::CANONICAL_COLUMNS.contains(&n.as_str()));
        names.sort();
        names
    }

    /// The metrics the open plans read for people in `roles` (through derived metrics too) that
    /// `columns` (a file's columns, as mapped) do not have: the mapping step offers to map a
    /// column of the file to each ("Bookings" to `revenue`).
    pub fn metrics_missing_for(&self, roles: &[String], columns: &[String]) -> Vec<String> {
        let mut wanted: Vec<String> = Vec::new();
        for doc in &self.rt.docs {
            let p = &doc.plan;
            let mut names: Vec<String> = Vec::new();
            for (role, track) in &p.tracks {
                if !roles.iter().any(|r| r.eq_ignore_ascii_case(role)) {
                    continue;
                }
                for c in &track.components {
                    names.push(c.metric().to_owned());
                    if let plan::Component::Bonus(b) = c
                        && let plan::Target::Column(col) = &b.target
                    {
                        names.push(col.clone());
                    }
                }
            }
            // Derived metrics stand for the columns their expressions read.
            let mut k = 0;
            while let Some(name) = names.get(k).cloned() {
                k += 1;
                if let Some(source) = p.metrics.get(&name) {
                    if let Ok(e) = crate::expr::Expr::parse(source) {
                        for v in e.variables() {
                            if !names.contains(v) {
                                names.push(v.clone());
                            }
                        }
                    }
                    continue;
                }
                let builtin = ["quota", "target_incentive", "base_salary"].contains(&name.as_str());
                if !builtin && plan::is_identifier(&name) && !columns.contains(&name) && !wanted.contains(&name) {
                    wanted.push(name);
                }
            }
        }
        wanted.sort();
        wanted
    }

    /// Opens plan files (read off the UI thread).
    pub fn open_plan_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        self.spawn(ctx, JobKind::OpenPlans, "Opening plans", move || {
            JobOutput::PlansLoaded(
                paths
                    .into_iter()
                    .map(|p| {
                        let r = plan::load(&p).map_err(|e| format!("{e}"));
                        (p, r)
                    })
                    .collect(),
            )
        });
    }

    /// Takes in plan files read from disk (a file already open is selected, not opened twice).
    pub(super) fn on_plans_loaded(&mut self, results: Vec<(PathBuf, Result<Plan, String>)>) {
        for (path, result) in results {
            match result {
                Ok(plan) => {
                    if let Some(existing) = self.rt.docs.iter().find(|d| d.source == PlanSource::File(path.clone())) {
                        self.rt.selected = Some(existing.id);
                        self.rt.notifications.push(Level::Info, format!("{} is already open", path.display()));
                    } else {
                        self.add_plan(plan, PlanSource::File(path));
                    }
                }
                Err(e) => {
                    self.rt.modal = Some(Modal::Message {
                        title: format!("Could not open {}", display_name(&path)),
                        lines: e.lines().map(str::to_owned).collect(),
                    })
                }
            }
        }
    }

    /// The persisted description of the open workspace.
    pub(super) fn snapshot_state(&mut self) {
        self.state.plans = self
            .rt
            .docs
            .iter()
            .filter_map(|d| match &d.source {
                PlanSource::File(p) => Some(PlanRef::File(p.clone())),
                PlanSource::Sample(k) => Some(PlanRef::Sample((*k).to_owned())),
                PlanSource::New => None,
            })
            .collect();
        self.state.selected = self.rt.selected.and_then(|id| self.rt.docs.iter().position(|d| d.id == id)).unwrap_or(0);
        self.state.rosters = self.rt.rosters.sources.iter().map(|s| s.reference.clone()).collect();
    }

    /// Deletes a plan's recovery file (in the background): it was saved, closed, or is back to
    /// its saved state.
    pub(super) fn forget_recovery(&mut self, ctx: &egui::Context, id: PlanId) {
        let had_file = self.doc(id).is_some_and(|d| d.autosave.written.is_some());
        if let Some(doc) = self.doc_mut(id) {
            doc.autosave = crate::ui::doc::Autosave::default();
        }
        if let (true, Some(dir)) = (had_file, self.rt.recovery_dir.clone()) {
            self.spawn(ctx, JobKind::Delete, "Tidying the recovery folder", move || {
                crate::ui::recovery::remove(&dir, id.0);
                JobOutput::Deleted
            });
        }
    }

    /// After a crash: looks for the plans the last session left unsaved (in the background).
    fn find_recovery(&mut self, ctx: &egui::Context) {
        let Some(dir) = self.rt.recovery_dir.clone() else { return };
        self.spawn(ctx, JobKind::FindRecovery, "Looking for unsaved plans", move || {
            let mut found = Vec::new();
            let mut unreadable = Vec::new();
            for (path, r) in crate::ui::recovery::left_behind(&dir) {
                match r {
                    Ok(r) => found.push((path, r)),
                    Err(e) => {
                        unreadable.push(format!("An unreadable recovery file was ignored ({}): {e}", path.display()))
                    }
                }
            }
            JobOutput::RecoveryFound { found, unreadable }
        });
    }

    /// Offers the plans a crashed session left unsaved.
    pub(super) fn on_recovery_found(
        &mut self,
        found: Vec<(PathBuf, crate::ui::recovery::Recovered)>,
        unreadable: Vec<String>,
    ) {
        for u in unreadable {
            self.rt.notifications.push(Level::Warning, u);
        }
        if !found.is_empty() && self.rt.modal.is_none() {
            self.rt.modal = Some(Modal::Recover(found));
        }
    }

    /// Restores recovered plans. A plan recovered from a file or sample that is open (and
    /// unchanged) takes that plan's place with the recovered edits, unsaved, so undo goes back to
    /// the saved version; otherwise it opens as an unsaved plan, its name marked "(recovered)"
    /// when another open plan has the same name. The old recovery files are deleted.
    pub fn restore_recovered(&mut self, ctx: &egui::Context, found: Vec<(PathBuf, crate::ui::recovery::Recovered)>) {
        let mut delete = Vec::new();
        for (path, r) in found {
            let plan = match r.plan() {
                Ok(plan) => plan,
                Err(e) => {
                    self.rt.notifications.push(Level::Error, format!("Could not restore {}: {e}", path.display()));
                    continue;
                }
            };
            let source = match (&r.file, &r.sample) {
                (Some(f), _) => PlanSource::File(f.clone()),
                (None, Some(k)) => samples::plan(k).map_or(PlanSource::New, |s| PlanSource::Sample(s.key)),
                (None, None) => PlanSource::New,
            };
            let open =
                self.rt.docs.iter_mut().find(|d| source != PlanSource::New && d.source == source && !d.is_dirty());
            match open {
                Some(doc) => {
                    // The saved version stays as `saved`; the undo history starts from it.
                    let time = ctx.input(|i| i.time);
                    doc.undoer.feed_state(time, &doc.plan);
                    doc.undoer.add_undo(&doc.plan);
                    doc.plan = plan;
                    self.rt.selected = Some(doc.id);
                }
                None => {
                    let mut plan = plan;
                    if self.rt.docs.iter().any(|d| d.plan.name == plan.name) {
                        plan.name = format!("{} (recovered)", plan.name);
                    }
                    let id = self.add_plan(plan, source);
                    // Restored edits are unsaved by definition.
                    if let Some(doc) = self.doc_mut(id) {
                        doc.saved = None;
                    }
                }
            }
            delete.push(path);
        }
        self.delete_files(ctx, delete);
    }

    /// Deletes files in the background (recovery files the user discarded or restored).
    pub(super) fn delete_files(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return;
        }
        self.spawn(ctx, JobKind::Delete, "Tidying the recovery folder", move || {
            for p in paths {
                std::fs::remove_file(&p).ok();
            }
            JobOutput::Deleted
        });
    }
}

/// A new plan: one sales track with a revenue commission, for the roster's roles.
pub(super) fn new_plan(roster: &Roster) -> Plan {
    let text = samples::PLANS[0].text;
    let mut plan = plan::parse(text).unwrap_or_else(|_| empty_plan());
    plan.name = "New plan".to_owned();
    plan.description = String::new();
    let roles = roster.roles();
    plan.tracks.retain(|role, _| roles.is_empty() || roles.contains(&role.as_str()));
    plan
}

fn empty_plan() -> Plan {
    // The bundled samples are tested to parse; this is only a safe fallback.
    Plan {
        schema: plan::SCHEMA_VERSION,
        name: "New plan".to_owned(),
        description: String::new(),
        currency: "EUR".to_owned(),
        period: plan::Period { start: chrono::NaiveDate::MIN, end: chrono::NaiveDate::MIN },
        fx: Default::default(),
        rounding: Default::default(),
        metrics: Default::default(),
        money_columns: Vec::new(),
        tracks: Default::default(),
        cap: None,
        guarantee: None,
        assumptions: Default::default(),
        schedule: None,
    }
}

/// Reads a roster as described by `reference`, the columns `plans` read read as they read them
/// ([`engine::columns::plan_columns`]: a `12%` where a commission pays on the column is refused,
/// not read as 0.12), as `carrot` reads the rosters of the plans it computes.
pub fn read_roster(reference: &RosterRef, plans: &[Plan]) -> Result<ImportReport, ImportError> {
    let columns = engine::columns::plan_columns(plans);
    read_roster_with(reference, columns, &|_| {}, &std::sync::atomic::AtomicBool::new(false))
}

/// Reads a roster as described by `reference`, the columns in `plan_columns` as the plans read
/// them, reporting the bytes read and stopping when `cancel` is set.
fn read_roster_with(
    reference: &RosterRef,
    plan_columns: roster::PlanColumns,
    progress: &dyn Fn(u64),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<ImportReport, ImportError> {
    let options = ImportOptions {
        mapping: reference.mapping.clone(),
        date_format: reference.date_format.clone(),
        decimal: reference.decimal,
        delimiter: None,
        skip_bad_rows: reference.skip_bad_rows,
        sheet: reference.sheet.clone(),
        header_row: reference.header_row,
        plan_columns,
    };
    let mut report = match &reference.origin {
        RosterOrigin::File(path) => {
            roster::import_files_cancellable(std::slice::from_ref(path), &options, progress, cancel)
        }
        RosterOrigin::Sample(key) => match samples::roster(key) {
            Some(s) => roster::import_reader(s.file_name, s.text.as_bytes(), &options),
            None => Err(ImportError::Empty { file: format!("sample {key}") }),
        },
    }?;
    // What `carrot --mapping --metrics --deals` does after reading the roster files.
    reference.joins.apply(&mut report, &roster::joins::joined_options(&options, None))?;
    Ok(report)
}

fn read_workspace(plans: &[PlanRef], rosters: &[RosterRef], samples: bool) -> Opened {
    let mut plans_opened = Vec::new();
    let mut failures = Vec::new();
    for r in plans {
        match r {
            PlanRef::File(path) => match plan::load(path) {
                Ok(p) => plans_opened.push((PlanSource::File(path.clone()), p)),
                Err(e) => failures.push(format!("plan {}: {e}", path.display())),
            },
            PlanRef::Sample(key) => match samples::plan(key).map(|s| (s.key, plan::parse(s.text))) {
                Some((key, Ok(p))) => plans_opened.push((PlanSource::Sample(key), p)),
                _ => failures.push(format!("sample plan {key} is not available")),
            },
        }
    }
    let columns = engine::columns::plan_columns(plans_opened.iter().map(|(_, p)| p));
    let mut sources = Vec::new();
    for r in rosters {
        let name = match &r.origin {
            RosterOrigin::File(p) => display_name(p),
            RosterOrigin::Sample(k) => samples::roster(k).map_or_else(|| k.clone(), |s| s.file_name.to_owned()),
        };
        // The columns the restored plans read, as they read them, as when the roster was
        // imported: a `12%` in a `bookings` column a commission pays on is refused, never read
        // as 0.12 (the plans on file may have changed since: then the roster is read as they
        // now say).
        match read_roster_with(r, columns.clone(), &|_| {}, &std::sync::atomic::AtomicBool::new(false)) {
            Ok(report) => sources.push(RosterSource::from_report(name, r.clone(), report)),
            // Which cell, and why: the first line of the error only says how many.
            Err(ImportError::BadRows { issues }) => {
                let more = roster::import::count_issues(&issues).saturating_sub(1);
                let first = issues.first().map(ToString::to_string).unwrap_or_default();
                let tail = if more > 0 { format!(" (and {more} more bad cell(s))") } else { String::new() };
                failures.push(format!("roster {name}: {first}{tail}"));
            }
            Err(e) => failures.push(format!("roster {name}: {}", e.to_string().lines().next().unwrap_or_default())),
        }
    }
    let merged = merge_sources(&sources);
    Opened { plans: plans_opened, rosters: sources, merged, failures, samples }
}

/// The folder a save dialog opens in: the plan's own folder, else the last folder used, else the
/// user's home folder (never the folder Carrot happens to run from).
pub(super) fn dialog_folder(own: Option<&Path>, last: Option<&Path>) -> Option<PathBuf> {
    own.and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty())
        .or(last)
        .map(Path::to_path_buf)
        .or_else(std::env::home_dir)
}

/// `path` with a doubled extension made single: GTK's save dialog selects only the suggested
/// name's stem, so typing `view.png` over it gives `view.png.png`. Kept as it is when the single
/// name is taken (the dialog asked about replacing the name it returned, not that one).
pub(super) fn single_extension(path: PathBuf) -> PathBuf {
    let (Some(ext), Some(stem)) = (path.extension(), path.file_stem()) else { return path };
    let inner = Path::new(stem);
    if inner.extension().is_none_or(|e| !e.eq_ignore_ascii_case(ext)) {
        return path;
    }
    let single = path.with_file_name(stem);
    if single.exists() { path } else { single }
}

/// A file name made from a plan's name: lowercase words joined by `_` ("Sales-led (today)" →
/// `sales_led_today`).
pub(super) fn file_stem(name: &str) -> String {
    let words: Vec<String> =
        name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    if words.is_empty() { "plan".to_owned() } else { words.join("_") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_doubled_extension_typed_over_a_suggested_name_is_made_single() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = |name: &str| dir.path().join(name);
        assert_eq!(single_extension(p("view.png.png")), p("view.png"));
        assert_eq!(single_extension(p("Q3.XLSX.xlsx")), p("Q3.XLSX"));
        assert_eq!(single_extension(p("view.png")), p("view.png"));
        assert_eq!(single_extension(p("plan.v2.json")), p("plan.v2.json"));
        std::fs::write(p("taken.png"), b"").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(single_extension(p("taken.png.png")), p("taken.png.png"), "the dialog asked about this one");
    }

    #[test]
    fn file_names_from_plan_names_have_no_runs_of_underscores() {
        assert_eq!(file_stem("Sales-led (today)"), "sales_led_today");
        assert_eq!(file_stem("  "), "plan");
        assert_eq!(file_stem("Q3 2026 — Enterprise"), "q3_2026_enterprise");
    }

    #[test]
    fn save_dialogs_open_next_to_the_plan_or_where_the_user_last_saved() {
        let own = Path::new("/data/plans/mine.json");
        assert_eq!(dialog_folder(Some(own), Some(Path::new("/x"))), Some(PathBuf::from("/data/plans")));
        assert_eq!(dialog_folder(None, Some(Path::new("/x"))), Some(PathBuf::from("/x")));
        assert_eq!(dialog_folder(None, None), std::env::home_dir());
    }
}

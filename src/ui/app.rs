//! `CarrotApp` = persisted state + runtime. Panels are free functions over the narrowest state
//! they edit; side effects are commands applied at the end of the frame; slow work runs on jobs.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::command::AppCommand;
use super::compute::{ComputeService, Request};
use super::doc::{PlanDoc, PlanId, PlanResult, PlanSource};
use super::jobs::{Job, Poll, spawn_job};
use super::notify::{Level, Notifications};
use super::panels;
use super::state::{PersistedState, PlanRef, RosterOrigin, RosterRef, STATE_VERSION, Tab};
use crate::engine::Outcome;
use crate::export::{self, ExportRequest, Reconciliation, Template};
use crate::fsx::Overwrite;
use crate::plan::{self, Plan};
use crate::roster::{self, ImportError, ImportOptions, ImportReport, Preview, Roster, RowIssue};
use crate::samples;

/// Answers to file dialogs, so tests and scripted screenshots never open a real one.
#[derive(Default)]
pub enum FileChooser {
    /// Real dialogs (rfd), awaited off the UI thread.
    #[default]
    Dialog,
    /// Pre-set answers, used in order (`None` = the user cancelled).
    Scripted(VecDeque<Option<Vec<PathBuf>>>),
}

/// What a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Plan files to open.
    OpenPlans,
    /// Roster files to import.
    Rosters,
    /// Where to save a plan.
    SavePlan(PlanId),
    /// Where to write the payroll export.
    ExportFile,
    /// Where to save a PNG of the view.
    ViewPng,
    /// Where to save a header mapping.
    SaveMapping,
    /// Where to save the comparison workbook.
    Workbook,
    /// Where to save the comparison report (HTML).
    Report,
}

/// Results of background jobs.
pub enum JobOutput {
    /// The user picked files (or cancelled: empty).
    Picked(Pick, Vec<PathBuf>),
    /// Plan files were read.
    PlansLoaded(Vec<(PathBuf, Result<Plan, String>)>),
    /// A plan was saved (or not).
    PlanSaved { id: PlanId, path: PathBuf, plan: Box<Plan>, result: Result<(), String> },
    /// A roster file's header and first rows.
    RosterPreviewed { path: PathBuf, result: Result<Preview, String> },
    /// A roster file was imported (or refused).
    RosterImported { reference: RosterRef, name: String, result: Result<ImportReport, ImportError> },
    /// The workspace of the last session (or the samples) was read.
    Opened(Box<Opened>),
    /// The payroll file was written.
    Exported { path: PathBuf, result: Result<Reconciliation, String> },
    /// A file was written (PNG, mapping).
    Wrote { what: &'static str, path: PathBuf, result: Result<(), String> },
    /// An unsaved plan was written to the recovery folder.
    Autosaved { id: PlanId, revision: u64, result: Result<PathBuf, String> },
}

/// A workspace read at start-up.
pub struct Opened {
    /// Plans that opened.
    pub plans: Vec<(PlanSource, Plan)>,
    /// Rosters that imported.
    pub rosters: Vec<(RosterRef, String, ImportReport)>,
    /// What could not be restored (then the samples open instead).
    pub failures: Vec<String>,
    /// Whether this is the bundled samples.
    pub samples: bool,
}

/// One imported roster file.
pub struct RosterSource {
    /// Display name.
    pub name: String,
    /// How to find and re-read it.
    pub reference: RosterRef,
    /// The people in it.
    pub roster: Roster,
    /// Import notes.
    pub warnings: Vec<String>,
    /// Rows left out (when the user chose to import the good rows).
    pub skipped: Vec<RowIssue>,
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
        Self { sources: Vec::new(), merged: Arc::new(Roster::default()), roles: Vec::new(), revision: 1 }
    }
}

impl RosterSet {
    /// Replaces the files and their merged roster, and bumps the revision.
    fn replace(&mut self, sources: Vec<RosterSource>, merged: Roster) {
        self.roles = merged.roles().into_iter().map(str::to_owned).collect();
        self.sources = sources;
        self.merged = Arc::new(merged);
        self.revision += 1;
    }
}

/// A modal dialog.
pub enum Modal {
    /// Unsaved changes before closing a plan.
    ConfirmClose(PlanId),
    /// Unsaved changes before quitting.
    ConfirmQuit,
    /// Rename a plan.
    Rename { id: PlanId, name: String },
    /// Map a roster's headers.
    Mapping(panels::dialogs::MappingDialog),
    /// A roster has bad rows.
    BadRows(panels::dialogs::BadRowsDialog),
    /// Export payroll.
    Export(panels::dialogs::ExportDialog),
    /// Confirm replacing a file.
    ConfirmOverwrite { path: PathBuf, then: Box<PendingWrite> },
    /// Show a message that needs reading (several lines).
    Message { title: String, lines: Vec<String> },
    /// Plans left unsaved by a session that ended without saving them.
    Recover(Vec<(PathBuf, super::recovery::Recovered)>),
}

/// A meeting hand-out of the Compare view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handout {
    /// The Excel workbook.
    Workbook,
    /// The HTML report.
    Report,
}

/// A write that waits for the user to confirm overwriting.
pub enum PendingWrite {
    /// Save a hand-out of the comparison.
    Handout(Handout),
    /// Save a plan to a new path.
    SavePlan(PlanId),
    /// Write the export.
    Export(panels::dialogs::ExportDialog),
}

/// A roster file being imported: bytes read so far (of `total`) and a switch that cancels it.
pub struct ImportProgress {
    /// The file's name.
    pub name: String,
    /// Its size in bytes.
    pub total: u64,
    /// Bytes read so far (written by the import job).
    pub read: Arc<std::sync::atomic::AtomicU64>,
    /// Set to stop the import (nothing is imported).
    pub cancel: Arc<std::sync::atomic::AtomicBool>,
}

impl ImportProgress {
    /// The share read, 0..=1.
    pub fn fraction(&self) -> f32 {
        if self.total == 0 {
            return 0.0;
        }
        (self.read.load(std::sync::atomic::Ordering::Relaxed) as f64 / self.total as f64).clamp(0.0, 1.0) as f32
    }
}

/// Sorting and filtering of the payouts table, and the selected person.
#[derive(Default)]
pub struct PayoutsView {
    /// Text filter (id, name, team).
    pub filter: String,
    /// Role filter.
    pub role: Option<String>,
    /// Team filter.
    pub team: Option<String>,
    /// Sort column and direction.
    pub sort: panels::payouts::Sort,
    /// The selected person (roster index).
    pub selected: Option<usize>,
    /// Rows shown (indices into the report's employees), with the key they were built for.
    pub rows: Vec<u32>,
    /// What `rows` was built from.
    pub rows_key: Option<panels::payouts::RowsKey>,
    /// Rows being built off the UI thread.
    pub pending_rows: Option<panels::payouts::PendingRows>,
}

/// Everything that is not persisted.
pub struct Runtime {
    /// Open plans.
    pub docs: Vec<PlanDoc>,
    /// The selected plan.
    pub selected: Option<PlanId>,
    pub next_id: u64,
    /// Rosters.
    pub rosters: RosterSet,
    pub compute: Option<ComputeService>,
    /// What each plan was last sent to compute for: (plan revision, roster revision).
    pub requested: std::collections::HashMap<PlanId, (u64, u64)>,
    /// Running jobs.
    pub jobs: Vec<Job<JobOutput>>,
    /// The roster import in progress: how far it has read, and its Cancel switch.
    pub import_progress: Option<ImportProgress>,
    /// Messages for the user.
    pub notifications: Notifications,
    /// The open dialog.
    pub modal: Option<Modal>,
    /// Roster files waiting to be previewed and imported, one at a time.
    pub roster_queue: VecDeque<PathBuf>,
    /// File dialogs (or scripted answers).
    pub chooser: FileChooser,
    /// The payouts table's view state.
    pub payouts: PayoutsView,
    /// The Charts view's cached plot data.
    pub charts: panels::charts::ChartCache,
    /// The Compare view's selection and cached aggregates.
    pub compare: panels::compare::CompareView,
    /// The Behaviour view's selection, assumptions and last simulation.
    pub behaviour: panels::behaviour::BehaviourView,
    /// The behaviour simulation worker.
    pub sim: Option<super::simulate::SimService>,
    /// Whether the workspace has finished opening.
    pub opened: bool,
    /// Quit once the plans are saved or discarded.
    pub quit_confirmed: bool,
    /// How long the last computation took.
    pub last_compute: Option<std::time::Duration>,
    /// Meeting mode (enlarged, high contrast, no editing panels).
    pub meeting_mode: bool,
    /// Plans to close once their save succeeds.
    pub close_after_save: Vec<PlanId>,
    /// Where unsaved plans are autosaved (`None`: autosave off, e.g. scripted screenshots).
    pub recovery_dir: Option<PathBuf>,
    /// Per plan: (revision, UI time it was first seen), to autosave after a pause in editing.
    pub changed_at: std::collections::HashMap<PlanId, (u64, f64)>,
    /// Per plan: the revision last written to the recovery folder.
    pub autosaved: std::collections::HashMap<PlanId, u64>,
    /// A scripted screenshot to take once the workspace is open (then the app exits).
    pub screenshot: Option<super::ScreenshotScript>,
    /// A screenshot being taken (its result arrives from the renderer).
    pub screenshot_job: Option<Job<JobOutput>>,
    /// Frames drawn since the workspace opened (for the screenshot script).
    pub frames_since_open: u32,
}

/// The app.
pub struct CarrotApp {
    /// Persisted between runs.
    pub state: PersistedState,
    /// Everything else.
    pub rt: Runtime,
}

/// How the app starts.
pub enum Startup {
    /// Restore the last workspace if there is one, else the samples.
    Restore,
    /// Restore this workspace (tests: as if it had been saved by eframe).
    RestoreFrom(Box<PersistedState>),
    /// The bundled samples.
    Samples,
    /// Nothing open (tests build their own workspace).
    Empty,
}

impl CarrotApp {
    /// Creates the app (from eframe's creation context).
    pub fn new(cc: &eframe::CreationContext<'_>, startup: Startup, chooser: FileChooser) -> Self {
        super::theme::install(&cc.egui_ctx);
        super::background::init_worker_pool();
        let mut notifications = Notifications::default();
        let stored: Option<PersistedState> = match &startup {
            Startup::RestoreFrom(state) => Some((**state).clone()),
            _ => cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)),
        };
        let state = match stored {
            Some(s) if s.version == STATE_VERSION => s,
            Some(_) => {
                notifications
                    .push(Level::Info, "The saved workspace is from another version of Carrot; opened the samples");
                PersistedState::default()
            }
            None => PersistedState::default(),
        };
        let compute = match ComputeService::start(&cc.egui_ctx) {
            Ok(c) => Some(c),
            Err(e) => {
                notifications.push(Level::Error, format!("Could not start the computation thread: {e}"));
                None
            }
        };
        let sim = match super::simulate::SimService::start(&cc.egui_ctx) {
            Ok(s) => Some(s),
            Err(e) => {
                notifications.push(Level::Error, format!("Could not start the simulation thread: {e}"));
                None
            }
        };
        let mut app = Self {
            state,
            rt: Runtime {
                docs: Vec::new(),
                selected: None,
                next_id: 1,
                rosters: RosterSet::default(),
                compute,
                requested: std::collections::HashMap::new(),
                jobs: Vec::new(),
                import_progress: None,
                notifications,
                modal: None,
                roster_queue: VecDeque::new(),
                chooser,
                payouts: PayoutsView::default(),
                charts: Default::default(),
                compare: Default::default(),
                behaviour: Default::default(),
                sim,
                opened: false,
                quit_confirmed: false,
                last_compute: None,
                meeting_mode: false,
                close_after_save: Vec::new(),
                // Only the real app's normal start uses the user's recovery folder; tests and
                // scripted runs set their own (or none).
                recovery_dir: match startup {
                    Startup::Restore => super::recovery::default_dir(),
                    _ => None,
                },
                changed_at: std::collections::HashMap::new(),
                autosaved: std::collections::HashMap::new(),
                screenshot: None,
                screenshot_job: None,
                frames_since_open: 0,
            },
        };
        match startup {
            Startup::Empty => app.rt.opened = true,
            Startup::Samples => app.open_workspace(&cc.egui_ctx, true),
            Startup::Restore | Startup::RestoreFrom(_) => {
                let samples = app.state.plans.is_empty() && app.state.rosters.is_empty();
                app.open_workspace(&cc.egui_ctx, samples);
            }
        }
        app
    }

    /// Reads the last workspace (or the samples) in the background.
    fn open_workspace(&mut self, ctx: &egui::Context, samples: bool) {
        let plans = if samples {
            samples::PLANS.iter().map(|s| PlanRef::Sample(s.key.to_owned())).collect()
        } else {
            self.state.plans.clone()
        };
        let rosters = if samples {
            samples::ROSTERS
                .iter()
                .map(|s| RosterRef {
                    origin: RosterOrigin::Sample(s.key.to_owned()),
                    mapping: Default::default(),
                    date_format: None,
                    decimal: Default::default(),
                    skip_bad_rows: false,
                })
                .collect()
        } else {
            self.state.rosters.clone()
        };
        let label = if samples { "Opening the samples" } else { "Opening the last workspace" };
        self.spawn(ctx, label, move || JobOutput::Opened(Box::new(read_workspace(&plans, &rosters, samples))));
    }

    fn spawn(&mut self, ctx: &egui::Context, label: &str, work: impl FnOnce() -> JobOutput + Send + 'static) {
        match spawn_job(ctx, label, work) {
            Ok(job) => self.rt.jobs.push(job),
            Err(e) => self.rt.notifications.push(Level::Error, format!("Could not start {label}: {e}")),
        }
    }

    /// Adds an open plan and selects it.
    pub fn add_plan(&mut self, plan: Plan, source: PlanSource) -> PlanId {
        let id = PlanId(self.rt.next_id);
        self.rt.next_id += 1;
        let color = self.rt.docs.iter().map(|d| d.color + 1).max().unwrap_or(0);
        self.rt.docs.push(PlanDoc::new(id, plan, source, color));
        self.rt.selected = Some(id);
        id
    }

    fn doc(&self, id: PlanId) -> Option<&PlanDoc> {
        self.rt.docs.iter().find(|d| d.id == id)
    }

    fn doc_mut(&mut self, id: PlanId) -> Option<&mut PlanDoc> {
        self.rt.docs.iter_mut().find(|d| d.id == id)
    }

    /// The selected plan.
    pub fn selected_doc(&self) -> Option<&PlanDoc> {
        self.rt.selected.and_then(|id| self.doc(id))
    }

    /// Replaces the rosters with `sources` (merging them) and recomputes every plan.
    fn set_rosters(&mut self, sources: Vec<RosterSource>) -> Result<(), Vec<RowIssue>> {
        let merged = roster::merge::merge(sources.iter().map(|s| s.roster.clone()).collect())?;
        self.rt.rosters.replace(sources, merged);
        self.rt.payouts.selected = None;
        Ok(())
    }

    /// Adds an imported roster file to the workspace.
    pub fn add_roster(&mut self, source: RosterSource) {
        let mut sources: Vec<RosterSource> = std::mem::take(&mut self.rt.rosters.sources);
        let name = source.name.clone();
        let people = source.roster.employees.len();
        sources.push(source);
        match roster::merge::merge(sources.iter().map(|s| s.roster.clone()).collect()) {
            Ok(merged) => {
                self.rt.rosters.replace(sources, merged);
                self.rt.notifications.push(Level::Info, format!("Imported {people} people from {name}"));
            }
            Err(issues) => {
                sources.pop();
                self.rt.rosters.sources = sources;
                self.rt.modal = Some(Modal::Message {
                    title: format!("{name} was not imported"),
                    lines: std::iter::once("People in this file are already in the workspace:".to_owned())
                        .chain(issues.iter().map(ToString::to_string))
                        .collect(),
                });
            }
        }
    }

    /// Replaces the workspace's rosters with one already-imported roster (benchmarks and tests).
    pub fn load_roster(&mut self, name: &str, roster: Roster) -> Result<(), Vec<RowIssue>> {
        let source = RosterSource {
            name: name.to_owned(),
            reference: RosterRef {
                origin: RosterOrigin::File(PathBuf::from(name)),
                mapping: Default::default(),
                date_format: None,
                decimal: Default::default(),
                skip_bad_rows: false,
            },
            roster,
            warnings: Vec::new(),
            skipped: Vec::new(),
        };
        self.set_rosters(vec![source])
    }

    /// Removes a roster file from the workspace.
    pub fn remove_roster(&mut self, index: usize) {
        let mut sources = std::mem::take(&mut self.rt.rosters.sources);
        if index < sources.len() {
            let removed = sources.remove(index);
            self.rt.notifications.push(Level::Info, format!("Removed {} from the workspace", removed.name));
        }
        if let Err(issues) = self.set_rosters(sources) {
            // Removing a file cannot create duplicates; report it if it ever does.
            self.rt
                .notifications
                .push(Level::Error, format!("Could not merge the remaining rosters: {}", issues.len()));
        }
    }

    /// Starts importing roster files (one after another, each with its mapping step if needed).
    pub fn import_roster_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        self.rt.roster_queue.extend(paths);
        self.next_roster(ctx);
    }

    fn next_roster(&mut self, ctx: &egui::Context) {
        let busy = self.rt.modal.as_ref().is_some_and(|m| matches!(m, Modal::Mapping(_) | Modal::BadRows(_)))
            || self.rt.jobs.iter().any(|j| j.label.starts_with("Reading ") || j.label.starts_with("Importing "));
        if busy {
            return;
        }
        let Some(path) = self.rt.roster_queue.pop_front() else { return };
        let label = format!("Reading {}", display_name(&path));
        self.spawn(ctx, &label, move || {
            let result = roster::preview(&path, &ImportOptions::default(), 8).map_err(|e| e.to_string());
            JobOutput::RosterPreviewed { path, result }
        });
    }

    /// Imports one roster file with the given options.
    pub fn import_roster(&mut self, ctx: &egui::Context, reference: RosterRef) {
        let RosterOrigin::File(path) = &reference.origin else { return };
        let name = display_name(path);
        let label = format!("Importing {name}");
        let progress = ImportProgress {
            name: name.clone(),
            total: std::fs::metadata(path).map_or(0, |m| m.len()),
            read: Arc::default(),
            cancel: Arc::default(),
        };
        let (read, cancel) = (Arc::clone(&progress.read), Arc::clone(&progress.cancel));
        self.rt.import_progress = Some(progress);
        self.spawn(ctx, &label, move || {
            let result =
                read_roster_with(&reference, &|n| read.store(n, std::sync::atomic::Ordering::Relaxed), &cancel);
            JobOutput::RosterImported { reference, name, result }
        });
    }

    /// Runs a command (end of frame, on the UI thread; slow parts go to jobs).
    pub fn run_command(&mut self, ctx: &egui::Context, command: AppCommand) {
        match command {
            AppCommand::NewPlan => {
                let plan = new_plan(&self.rt.rosters.merged);
                self.add_plan(plan, PlanSource::New);
            }
            AppCommand::OpenPlan => self.pick(ctx, Pick::OpenPlans),
            AppCommand::SavePlan => {
                if let Some(id) = self.rt.selected {
                    self.save_plan(ctx, id, false);
                }
            }
            AppCommand::SavePlanAs => {
                if let Some(id) = self.rt.selected {
                    self.save_plan(ctx, id, true);
                }
            }
            AppCommand::DuplicatePlan => {
                if let Some(doc) = self.selected_doc() {
                    let mut plan = doc.plan.clone();
                    plan.name = format!("{} (copy)", plan.name);
                    self.add_plan(plan, PlanSource::New);
                }
            }
            AppCommand::RenamePlan => {
                if let Some(doc) = self.selected_doc() {
                    self.rt.modal = Some(Modal::Rename { id: doc.id, name: doc.plan.name.clone() });
                }
            }
            AppCommand::ClosePlan => {
                if let Some(id) = self.rt.selected {
                    self.request_close(id);
                }
            }
            AppCommand::ImportRoster => self.pick(ctx, Pick::Rosters),
            AppCommand::ExportPayroll => self.open_export_dialog(),
            AppCommand::Undo => {
                if let Some(doc) = self.rt.selected.and_then(|id| self.rt.docs.iter_mut().find(|d| d.id == id))
                    && let Some(prev) = doc.undoer.undo(&doc.plan)
                {
                    doc.plan = prev.clone();
                }
            }
            AppCommand::Redo => {
                if let Some(doc) = self.rt.selected.and_then(|id| self.rt.docs.iter_mut().find(|d| d.id == id))
                    && let Some(next) = doc.undoer.redo(&doc.plan)
                {
                    doc.plan = next.clone();
                }
            }
            AppCommand::ToggleMeetingMode => {
                self.rt.meeting_mode = !self.rt.meeting_mode;
                super::theme::set_meeting_mode(ctx, self.rt.meeting_mode);
            }
            AppCommand::SaveViewPng => self.pick(ctx, Pick::ViewPng),
            AppCommand::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    fn open_export_dialog(&mut self) {
        let Some(doc) = self.selected_doc() else {
            self.rt.notifications.push(Level::Warning, "Open a plan first");
            return;
        };
        let template = Template::parse(&self.state.export.template).unwrap_or(Template::Generic);
        let dialog = panels::dialogs::ExportDialog::new(
            doc.id,
            doc.plan.period.end,
            template,
            self.state.export.settings.clone(),
        );
        self.rt.modal = Some(Modal::Export(dialog));
    }

    /// Asks for files (a real dialog off the UI thread, or the scripted answer).
    pub fn pick(&mut self, ctx: &egui::Context, pick: Pick) {
        if let FileChooser::Scripted(answers) = &mut self.rt.chooser {
            let answer = answers.pop_front().flatten().unwrap_or_default();
            self.on_picked(ctx, pick, answer);
            return;
        }
        let dialog = rfd::AsyncFileDialog::new();
        let suggested = self.suggested_file_name(pick);
        let folder = self.state.export.folder.clone();
        let (dialog, many, save) = match pick {
            Pick::OpenPlans => (dialog.add_filter("Plans", &["json"]).set_title("Open plans"), true, false),
            Pick::Rosters => {
                (dialog.add_filter("CSV", &["csv", "tsv", "txt"]).set_title("Import rosters"), true, false)
            }
            Pick::SavePlan(_) => {
                (dialog.add_filter("Plans", &["json"]).set_title("Save plan as").set_file_name(suggested), false, true)
            }
            Pick::ExportFile => {
                let d = dialog.set_title("Export payroll to").set_file_name(suggested);
                let d = match folder {
                    Some(f) => d.set_directory(f),
                    None => d,
                };
                (d, false, true)
            }
            Pick::ViewPng => {
                (dialog.add_filter("PNG", &["png"]).set_title("Save view as PNG").set_file_name(suggested), false, true)
            }
            Pick::SaveMapping => {
                (dialog.add_filter("JSON", &["json"]).set_title("Save mapping").set_file_name(suggested), false, true)
            }
            Pick::Workbook => {
                (dialog.add_filter("Excel", &["xlsx"]).set_title("Save workbook").set_file_name(suggested), false, true)
            }
            Pick::Report => {
                (dialog.add_filter("HTML", &["html"]).set_title("Save report").set_file_name(suggested), false, true)
            }
        };
        // rfd: create the dialog here, await it on a worker thread.
        let work = move || {
            let paths: Vec<PathBuf> = if save {
                pollster::block_on(dialog.save_file()).map(|f| vec![f.path().to_path_buf()]).unwrap_or_default()
            } else if many {
                pollster::block_on(dialog.pick_files())
                    .map(|fs| fs.iter().map(|f| f.path().to_path_buf()).collect())
                    .unwrap_or_default()
            } else {
                pollster::block_on(dialog.pick_file()).map(|f| vec![f.path().to_path_buf()]).unwrap_or_default()
            };
            JobOutput::Picked(pick, paths)
        };
        self.spawn(ctx, "Waiting for the file dialog", work);
    }

    fn suggested_file_name(&self, pick: Pick) -> String {
        let slug = |s: &str| -> String {
            s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect::<String>()
        };
        match pick {
            Pick::SavePlan(id) => self.doc(id).map(|d| format!("{}.json", slug(&d.plan.name))).unwrap_or_default(),
            Pick::ExportFile => match &self.rt.modal {
                Some(Modal::Export(d)) => self
                    .doc(d.plan)
                    .map(|doc| {
                        d.template.default_file_name(
                            &doc.plan,
                            d.pay_date().unwrap_or(doc.plan.period.end),
                            &d.settings,
                        )
                    })
                    .unwrap_or_default(),
                _ => String::new(),
            },
            Pick::ViewPng => "carrot_view.png".to_owned(),
            Pick::Workbook => "plan_comparison.xlsx".to_owned(),
            Pick::Report => "plan_comparison.html".to_owned(),
            Pick::SaveMapping => "roster_mapping.json".to_owned(),
            Pick::OpenPlans | Pick::Rosters => String::new(),
        }
    }

    fn on_picked(&mut self, ctx: &egui::Context, pick: Pick, paths: Vec<PathBuf>) {
        if paths.is_empty() {
            return; // cancelled
        }
        match pick {
            Pick::OpenPlans => self.open_plan_paths(ctx, paths),
            Pick::Rosters => self.import_roster_paths(ctx, paths),
            Pick::SavePlan(id) => {
                let Some(path) = paths.into_iter().next() else { return };
                let own = self.doc(id).is_some_and(|d| d.source == PlanSource::File(path.clone()));
                if path.exists() && !own {
                    self.rt.modal = Some(Modal::ConfirmOverwrite { path, then: Box::new(PendingWrite::SavePlan(id)) });
                } else {
                    self.write_plan(ctx, id, path);
                }
            }
            Pick::ExportFile => {
                if let Some(Modal::Export(dialog)) = &mut self.rt.modal
                    && let Some(path) = paths.into_iter().next()
                {
                    dialog.path = Some(path);
                }
            }
            Pick::ViewPng => {
                if let Some(path) = paths.into_iter().next() {
                    self.save_view_png(ctx, path);
                }
            }
            Pick::Workbook | Pick::Report => {
                let Some(path) = paths.into_iter().next() else { return };
                let what = if pick == Pick::Workbook { Handout::Workbook } else { Handout::Report };
                if path.exists() {
                    self.rt.modal = Some(Modal::ConfirmOverwrite { path, then: Box::new(PendingWrite::Handout(what)) });
                } else {
                    self.write_handout(ctx, what, path, Overwrite::Refuse);
                }
            }
            Pick::SaveMapping => {
                if let (Some(Modal::Mapping(dialog)), Some(path)) = (&self.rt.modal, paths.into_iter().next()) {
                    let mapping = dialog.mapping();
                    self.spawn(ctx, "Saving the mapping", move || {
                        let text = serde_json::to_string_pretty(&mapping).map_err(|e| e.to_string());
                        let result = text.and_then(|t| {
                            crate::fsx::write_atomic(
                                &path,
                                format!("{t}\n").as_bytes(),
                                Overwrite::Allow,
                                crate::fsx::Access::Shared,
                            )
                            .map_err(|e| e.to_string())
                        });
                        JobOutput::Wrote { what: "mapping", path, result }
                    });
                }
            }
        }
    }

    /// Opens plan files (read off the UI thread).
    pub fn open_plan_paths(&mut self, ctx: &egui::Context, paths: Vec<PathBuf>) {
        self.spawn(ctx, "Opening plans", move || {
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

    fn save_plan(&mut self, ctx: &egui::Context, id: PlanId, save_as: bool) {
        let Some(doc) = self.doc(id) else { return };
        match (&doc.source, save_as) {
            (PlanSource::File(path), false) => {
                let path = path.clone();
                self.write_plan(ctx, id, path);
            }
            _ => self.pick(ctx, Pick::SavePlan(id)),
        }
    }

    fn write_plan(&mut self, ctx: &egui::Context, id: PlanId, path: PathBuf) {
        let Some(doc) = self.doc(id) else { return };
        let plan = doc.plan.clone();
        self.spawn(ctx, "Saving the plan", move || {
            let result = plan::save(&path, &plan, Overwrite::Allow).map_err(|e| e.to_string());
            JobOutput::PlanSaved { id, path, plan: Box::new(plan), result }
        });
    }

    fn request_close(&mut self, id: PlanId) {
        match self.doc(id) {
            Some(doc) if doc.is_dirty() => self.rt.modal = Some(Modal::ConfirmClose(id)),
            Some(_) => self.close_plan(id),
            None => {}
        }
    }

    /// Closes a plan without asking.
    pub fn close_plan(&mut self, id: PlanId) {
        self.forget_recovery(id);
        let index = self.rt.docs.iter().position(|d| d.id == id);
        self.rt.docs.retain(|d| d.id != id);
        self.rt.requested.remove(&id);
        if self.rt.selected == Some(id) {
            let next = index.map(|i| i.min(self.rt.docs.len().saturating_sub(1)));
            self.rt.selected = next.and_then(|i| self.rt.docs.get(i)).map(|d| d.id);
        }
    }

    fn save_view_png(&mut self, ctx: &egui::Context, path: PathBuf) {
        let (tx, rx) = std::sync::mpsc::channel::<JobOutput>();
        let repaint = ctx.clone();
        let callback = egui::ScreenshotCallback::new(move |image: Arc<egui::ColorImage>| {
            let result = super::png::write_png(&path, &image).map_err(|e| e.to_string());
            tx.send(JobOutput::Wrote { what: "image", path, result }).ok();
            repaint.request_repaint();
        });
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
        // Kept out of `jobs` so the status bar in the picture doesn't say "saving".
        self.rt.screenshot_job = Some(Job::new("Saving the view", rx));
    }

    /// Applies finished jobs and computations (in `logic`, before drawing).
    pub fn poll(&mut self, ctx: &egui::Context) {
        let jobs = std::mem::take(&mut self.rt.jobs);
        let mut outputs = Vec::new();
        for job in jobs {
            match job.poll() {
                Poll::Pending => self.rt.jobs.push(job),
                Poll::Ready(out) => outputs.push(out),
                Poll::Lost => {
                    if job.label.starts_with("Importing ") {
                        self.rt.import_progress = None;
                    }
                    self.rt.notifications.push(Level::Error, format!("{} stopped unexpectedly", job.label));
                }
            }
        }
        if let Some(job) = self.rt.screenshot_job.take() {
            match job.poll() {
                Poll::Pending => self.rt.screenshot_job = Some(job),
                Poll::Ready(out) => outputs.push(out),
                Poll::Lost => self.rt.notifications.push(Level::Error, "The screenshot could not be taken"),
            }
        }
        for out in outputs {
            self.on_job(ctx, out);
        }
        if let Some(compute) = &self.rt.compute {
            for resp in compute.drain() {
                let roster_revision = self.rt.rosters.revision;
                let Some(doc) = self.rt.docs.iter_mut().find(|d| d.id == resp.plan_id) else { continue };
                // Latest change wins: results for older revisions are dropped.
                if resp.plan_revision != doc.revision || resp.roster_revision != roster_revision {
                    continue;
                }
                match resp.outcome {
                    Ok(c) => {
                        let old = doc.result.replace(PlanResult {
                            plan_revision: resp.plan_revision,
                            roster_revision,
                            compiled: c.compiled,
                            report: c.report,
                            stats: c.stats,
                        });
                        drop_off_thread(old);
                        self.rt.last_compute = Some(resp.elapsed);
                    }
                    Err(problems) => doc.problems = problems,
                }
            }
        }
        self.request_computations();
        self.simulate();
        if self.rt.modal.is_none() {
            self.next_roster(ctx);
        }
    }

    /// Runs the behaviour simulation the Behaviour view needs (only while it is on screen).
    fn simulate(&mut self) {
        let Some(sim) = &self.rt.sim else { return };
        for resp in sim.drain() {
            self.rt.behaviour.receive(resp.key, resp.result, resp.elapsed);
        }
        if !self.rt.opened || self.state.tab != Tab::Behaviour {
            return;
        }
        let roster = Arc::clone(&self.rt.rosters.merged);
        if let Some(req) = self.rt.behaviour.wanted(&self.rt.docs, &roster, self.rt.rosters.revision) {
            sim.request(req);
        }
    }

    /// Sends every plan whose plan or roster changed to the compute worker.
    fn request_computations(&mut self) {
        let Some(compute) = &self.rt.compute else { return };
        if !self.rt.opened {
            return;
        }
        let roster_revision = self.rt.rosters.revision;
        for doc in &mut self.rt.docs {
            doc.sync();
            let key = (doc.revision, roster_revision);
            if self.rt.requested.get(&doc.id) == Some(&key) || doc.has_errors() {
                continue;
            }
            self.rt.requested.insert(doc.id, key);
            compute.request(Request {
                plan_id: doc.id,
                plan_revision: doc.revision,
                roster_revision,
                plan: doc.plan.clone(),
                roster: Arc::clone(&self.rt.rosters.merged),
            });
        }
    }

    fn on_job(&mut self, ctx: &egui::Context, out: JobOutput) {
        match out {
            JobOutput::Picked(pick, paths) => self.on_picked(ctx, pick, paths),
            JobOutput::PlansLoaded(results) => {
                for (path, result) in results {
                    match result {
                        Ok(plan) => {
                            if let Some(existing) =
                                self.rt.docs.iter().find(|d| d.source == PlanSource::File(path.clone()))
                            {
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
            JobOutput::PlanSaved { id, path, plan, result } => match result {
                Ok(()) => {
                    if let Some(doc) = self.doc_mut(id) {
                        doc.saved = Some(*plan);
                        doc.source = PlanSource::File(path.clone());
                    }
                    self.forget_recovery(id);
                    self.rt.notifications.push(Level::Info, format!("Saved {}", path.display()));
                    if let Some(i) = self.rt.close_after_save.iter().position(|c| *c == id) {
                        self.rt.close_after_save.remove(i);
                        self.close_plan(id);
                    }
                    if self.rt.quit_confirmed && !self.rt.docs.iter().any(PlanDoc::is_dirty) {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
                Err(e) => {
                    self.rt.quit_confirmed = false;
                    self.rt.close_after_save.retain(|c| *c != id);
                    self.rt.notifications.push(Level::Error, format!("Could not save the plan: {e}"));
                }
            },
            JobOutput::RosterPreviewed { path, result } => match result {
                Err(e) => {
                    self.rt.modal = Some(Modal::Message {
                        title: format!("Could not read {}", display_name(&path)),
                        lines: vec![e],
                    });
                }
                Ok(preview) => {
                    let remembered = self.state.mapping_for(&preview.headers).cloned();
                    let reference = |mapping| RosterRef {
                        origin: RosterOrigin::File(path.clone()),
                        mapping,
                        date_format: None,
                        decimal: Default::default(),
                        skip_bad_rows: false,
                    };
                    if preview.missing.is_empty() && remembered.is_none() {
                        self.import_roster(ctx, reference(Default::default()));
                    } else if let (Some(mapping), true) = (remembered.clone(), preview.missing.is_empty()) {
                        self.import_roster(ctx, reference(mapping));
                    } else {
                        self.rt.modal =
                            Some(Modal::Mapping(panels::dialogs::MappingDialog::new(path, preview, remembered)));
                    }
                }
            },
            JobOutput::RosterImported { reference, name, result } => match result {
                _ if self
                    .rt
                    .import_progress
                    .take()
                    .is_some_and(|p| p.cancel.load(std::sync::atomic::Ordering::Relaxed)) =>
                {
                    self.rt.roster_queue.clear();
                    self.rt
                        .notifications
                        .push(Level::Info, format!("Import of {name} cancelled: nothing was imported"));
                }
                Ok(report) => {
                    let warnings = report.warnings.clone();
                    for w in &warnings {
                        self.rt.notifications.push(Level::Warning, w.clone());
                    }
                    self.add_roster(RosterSource {
                        name,
                        reference,
                        roster: report.roster,
                        warnings,
                        skipped: report.skipped,
                    });
                }
                Err(ImportError::BadRows { issues }) => {
                    self.rt.modal = Some(Modal::BadRows(panels::dialogs::BadRowsDialog { name, reference, issues }));
                }
                Err(e) => {
                    self.rt.modal = Some(Modal::Message {
                        title: format!("{name} was not imported"),
                        lines: e.to_string().lines().map(str::to_owned).collect(),
                    });
                }
            },
            JobOutput::Opened(opened) => self.on_opened(ctx, *opened),
            JobOutput::Exported { path, result } => match result {
                Ok(rec) => {
                    let text = format!(
                        "Wrote {}: {} people, {} lines, total {} {}",
                        path.display(),
                        rec.people,
                        rec.lines,
                        crate::money::grouped(rec.total, rec.minor_units),
                        rec.currency
                    );
                    self.rt.notifications.push(Level::Success, text);
                }
                Err(e) => self.rt.notifications.push(Level::Error, format!("Export failed, nothing was written: {e}")),
            },
            JobOutput::Autosaved { id, revision, result } => match result {
                Ok(_) => {
                    self.rt.autosaved.insert(id, revision);
                }
                Err(e) => self.rt.notifications.push(Level::Error, format!("Could not autosave an unsaved plan: {e}")),
            },
            JobOutput::Wrote { what, path, result } => match result {
                Ok(()) => self.rt.notifications.push(Level::Success, format!("Saved the {what} to {}", path.display())),
                Err(e) => self.rt.notifications.push(Level::Error, format!("Could not save the {what}: {e}")),
            },
        }
    }

    fn on_opened(&mut self, ctx: &egui::Context, opened: Opened) {
        if !opened.failures.is_empty() && !opened.samples {
            let mut lines =
                vec!["Some of the last workspace could not be restored, so the samples are open instead:".to_owned()];
            lines.extend(opened.failures);
            self.rt.modal = Some(Modal::Message { title: "Workspace not restored".to_owned(), lines });
            self.open_workspace(ctx, true);
            return;
        }
        for f in &opened.failures {
            self.rt.notifications.push(Level::Error, f.clone());
        }
        for (source, plan) in opened.plans {
            self.add_plan(plan, source);
        }
        let sources = opened
            .rosters
            .into_iter()
            .map(|(reference, name, report)| RosterSource {
                name,
                reference,
                roster: report.roster,
                warnings: report.warnings,
                skipped: report.skipped,
            })
            .collect();
        if let Err(issues) = self.set_rosters(sources) {
            self.rt.notifications.push(
                Level::Error,
                format!("The rosters overlap: {}", issues.first().map(ToString::to_string).unwrap_or_default()),
            );
        }
        if !self.rt.opened {
            let selected = self.state.selected.min(self.rt.docs.len().saturating_sub(1));
            self.rt.selected = self.rt.docs.get(selected).map(|d| d.id);
            self.offer_recovery();
        }
        self.rt.opened = true;
    }

    /// The persisted description of the open workspace.
    fn snapshot_state(&mut self) {
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

    /// The explanation of one person under the selected plan, computed on demand.
    pub fn explain_selected(&self) -> Option<Outcome> {
        let doc = self.selected_doc()?;
        let result = doc.result.as_ref()?;
        let index = self.rt.payouts.selected?;
        let employee = self.rt.rosters.merged.employees.get(index)?;
        Some(result.compiled.explain(index, employee))
    }

    /// Writes the Compare view's workbook or report (off the UI thread).
    pub fn write_handout(&mut self, ctx: &egui::Context, what: Handout, path: PathBuf, overwrite: Overwrite) {
        let compared: Vec<&PlanDoc> = self.rt.compare.plans.iter().filter_map(|id| self.doc(*id)).collect();
        let reports: Option<Vec<Arc<crate::engine::PayoutReport>>> =
            compared.iter().map(|d| d.result.as_ref().map(|r| Arc::clone(&r.report))).collect();
        let Some(reports) = reports.filter(|r| r.len() >= 2) else {
            self.rt.notifications.push(Level::Warning, "Pick two to four computed plans to compare first");
            return;
        };
        let title = format!(
            "Plan comparison: {}",
            compared.iter().map(|d| d.plan.name.as_str()).collect::<Vec<_>>().join(" · ")
        );
        self.spawn(ctx, "Saving the hand-out", move || {
            // Copying the reports is the slow part with big rosters: it happens here, off the UI thread.
            let cmp = crate::engine::compare::Comparison::new(reports.iter().map(|r| (**r).clone()).collect());
            let (what_name, result) = match what {
                Handout::Workbook => ("workbook", crate::report::write_workbook(&cmp, &path, overwrite)),
                Handout::Report => ("report", crate::report::write_html(&cmp, &title, &path, overwrite)),
            };
            JobOutput::Wrote { what: what_name, path, result: result.map_err(|e| e.to_string()) }
        });
    }

    /// Writes the export described by `dialog` (off the UI thread).
    pub fn run_export(&mut self, ctx: &egui::Context, dialog: panels::dialogs::ExportDialog, overwrite: Overwrite) {
        let (Some(doc), Some(path), Some(pay_date)) = (self.doc(dialog.plan), dialog.path.clone(), dialog.pay_date())
        else {
            return;
        };
        let Some(result) = &doc.result else {
            self.rt.notifications.push(Level::Warning, "The payouts are still being computed; try again in a moment");
            return;
        };
        if doc.has_errors() || doc.is_stale(self.rt.rosters.revision) {
            self.rt
                .notifications
                .push(Level::Error, "The plan has errors or is being recomputed; fix it before exporting");
            return;
        }
        let plan = doc.plan.clone();
        // The reconciliation hashes the plan as exported: the file's bytes when it is saved and
        // unchanged, else the canonical text of the plan on screen.
        let plan_bytes = match (&doc.source, doc.is_dirty()) {
            (PlanSource::File(p), false) => std::fs::read(p).unwrap_or_else(|_| plan::to_json(&plan).into_bytes()),
            _ => plan::to_json(&plan).into_bytes(),
        };
        let report = Arc::clone(&result.report);
        let template = dialog.template;
        let settings = dialog.settings.clone();
        self.state.export.template = template.name().to_owned();
        self.state.export.folder = path.parent().map(Path::to_path_buf);
        self.state.export.settings = settings.clone();
        self.spawn(ctx, "Exporting payroll", move || {
            let request = ExportRequest {
                plan: &plan,
                report: &report,
                pay_date,
                template,
                settings: &settings,
                plan_bytes: &plan_bytes,
            };
            let result = export::write(&request, &path, overwrite).map_err(|e| e.to_string());
            JobOutput::Exported { path, result }
        });
    }
}

fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A new plan: one sales track with a revenue commission, for the roster's period style.
fn new_plan(roster: &Roster) -> Plan {
    let text = samples::PLANS[0].text;
    let mut plan = plan::parse(text).unwrap_or_else(|_| unreachable_plan());
    plan.name = "New plan".to_owned();
    plan.description = String::new();
    let roles = roster.roles();
    plan.tracks.retain(|role, _| roles.is_empty() || roles.contains(&role.as_str()));
    plan
}

fn unreachable_plan() -> Plan {
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
        tracks: Default::default(),
        cap: None,
        guarantee: None,
        assumptions: Default::default(),
    }
}

/// Reads a roster as described by `reference`.
pub fn read_roster(reference: &RosterRef) -> Result<ImportReport, ImportError> {
    read_roster_with(reference, &|_| {}, &std::sync::atomic::AtomicBool::new(false))
}

/// [`read_roster`], reporting the bytes read and stopping when `cancel` is set.
fn read_roster_with(
    reference: &RosterRef,
    progress: &dyn Fn(u64),
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<ImportReport, ImportError> {
    let options = ImportOptions {
        mapping: reference.mapping.clone(),
        date_format: reference.date_format.clone(),
        decimal: reference.decimal,
        delimiter: None,
        skip_bad_rows: reference.skip_bad_rows,
    };
    match &reference.origin {
        RosterOrigin::File(path) => {
            roster::import_files_cancellable(std::slice::from_ref(path), &options, progress, cancel)
        }
        RosterOrigin::Sample(key) => match samples::roster(key) {
            Some(s) => roster::import_reader(s.file_name, s.text.as_bytes(), &options),
            None => Err(ImportError::Empty { file: format!("sample {key}") }),
        },
    }
}

fn read_workspace(plans: &[PlanRef], rosters: &[RosterRef], samples: bool) -> Opened {
    let mut opened = Opened { plans: Vec::new(), rosters: Vec::new(), failures: Vec::new(), samples };
    for r in plans {
        match r {
            PlanRef::File(path) => match plan::load(path) {
                Ok(p) => opened.plans.push((PlanSource::File(path.clone()), p)),
                Err(e) => opened.failures.push(format!("plan {}: {e}", path.display())),
            },
            PlanRef::Sample(key) => match samples::plan(key).map(|s| (s.key, plan::parse(s.text))) {
                Some((key, Ok(p))) => opened.plans.push((PlanSource::Sample(key), p)),
                _ => opened.failures.push(format!("sample plan {key} is not available")),
            },
        }
    }
    for r in rosters {
        let name = match &r.origin {
            RosterOrigin::File(p) => display_name(p),
            RosterOrigin::Sample(k) => samples::roster(k).map_or_else(|| k.clone(), |s| s.file_name.to_owned()),
        };
        match read_roster(r) {
            Ok(report) => opened.rosters.push((r.clone(), name, report)),
            Err(e) => {
                opened.failures.push(format!("roster {name}: {}", e.to_string().lines().next().unwrap_or_default()))
            }
        }
    }
    opened
}

impl eframe::App for CarrotApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let mut commands = Vec::new();
        if self.rt.modal.is_none() {
            AppCommand::consume_shortcuts(&ctx, &mut commands);
        }
        // Files dropped on the window: plans open, everything else imports as a roster.
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        if !dropped.is_empty() {
            let (plans, rosters): (Vec<PathBuf>, Vec<PathBuf>) =
                dropped.into_iter().partition(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")));
            if !plans.is_empty() {
                self.open_plan_paths(&ctx, plans);
            }
            if !rosters.is_empty() {
                self.import_roster_paths(&ctx, rosters);
            }
        }
        // Closing with unsaved changes asks first.
        if ctx.input(|i| i.viewport().close_requested())
            && !self.rt.quit_confirmed
            && self.rt.docs.iter().any(PlanDoc::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.rt.modal = Some(Modal::ConfirmQuit);
        }

        let mut actions = Vec::new();
        panels::frame_ui(ui, &mut self.state, &mut self.rt, &mut commands, &mut actions);

        panels::dialogs::modal_ui(&ctx, &mut self.rt, &self.state, &mut actions);
        for command in commands {
            self.run_command(&ctx, command);
        }
        for action in actions {
            self.apply(&ctx, action);
        }
        // Feed the undo history after the edits of this frame.
        let time = ctx.input(|i| i.time);
        for doc in &mut self.rt.docs {
            doc.undoer.feed_state(time, &doc.plan);
        }
        // This frame's edits go to the compute worker now rather than at the next frame.
        self.request_computations();
        self.rt.notifications.expire(ctx.input(|i| i.time));
        self.autosave(&ctx);
        self.drive_screenshot_script(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.snapshot_state();
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

impl CarrotApp {
    /// For `scripts/screenshot.sh`: once the samples are open and computed, set up the view,
    /// save a PNG of the window and close.
    fn drive_screenshot_script(&mut self, ctx: &egui::Context) {
        let Some(script) = self.rt.screenshot.clone() else { return };
        let computed = self.rt.opened && !self.rt.docs.is_empty() && self.rt.docs.iter().all(|d| d.result.is_some());
        if !computed {
            ctx.request_repaint();
            return;
        }
        // The Behaviour view waits for its simulation too.
        let simulating =
            self.state.tab == Tab::Behaviour && (self.rt.behaviour.result.is_none() || self.rt.behaviour.is_running());
        if simulating && self.rt.frames_since_open >= 20 {
            ctx.request_repaint();
            return;
        }
        self.rt.frames_since_open += 1;
        match self.rt.frames_since_open {
            1 => {
                self.state.tab = script.tab;
                if script.meeting && !self.rt.meeting_mode {
                    self.run_command(ctx, AppCommand::ToggleMeetingMode);
                }
                if let Some(id) = &script.person {
                    self.rt.payouts.selected = self.rt.rosters.merged.employees.iter().position(|e| *e.id == **id);
                }
            }
            // Let layout and any animation settle before the picture.
            30 => self.save_view_png(ctx, script.path.clone()),
            n if n > 30 && self.rt.jobs.is_empty() && self.rt.screenshot_job.is_none() => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            _ => {}
        }
        ctx.request_repaint();
    }
}

impl CarrotApp {
    /// Writes plans with unsaved changes to the recovery folder once editing pauses.
    fn autosave(&mut self, ctx: &egui::Context) {
        let Some(dir) = self.rt.recovery_dir.clone() else { return };
        let now = ctx.input(|i| i.time);
        let mut writes = Vec::new();
        let mut clean = Vec::new();
        for doc in &self.rt.docs {
            if !doc.is_dirty() {
                if self.rt.autosaved.contains_key(&doc.id) {
                    clean.push(doc.id);
                }
                continue;
            }
            let seen = self.rt.changed_at.entry(doc.id).or_insert((doc.revision, now));
            if seen.0 != doc.revision {
                *seen = (doc.revision, now);
            }
            let due = now - seen.1 >= super::recovery::AUTOSAVE_DELAY_SECONDS;
            if due && self.rt.autosaved.get(&doc.id) != Some(&doc.revision) {
                let recovered = super::recovery::Recovered {
                    file: match &doc.source {
                        PlanSource::File(p) => Some(p.clone()),
                        _ => None,
                    },
                    sample: match &doc.source {
                        PlanSource::Sample(k) => Some((*k).to_owned()),
                        _ => None,
                    },
                    plan_json: plan::to_json(&doc.plan),
                };
                writes.push((doc.id, doc.revision, recovered));
            }
        }
        for id in clean {
            // Back to the saved state (e.g. undone): nothing to recover any more.
            self.forget_recovery(id);
        }
        for (id, revision, recovered) in writes {
            // Mark it now so the same revision is not queued twice while the write runs.
            self.rt.autosaved.insert(id, revision);
            let dir = dir.clone();
            self.spawn(ctx, "Autosaving", move || JobOutput::Autosaved {
                id,
                revision,
                result: super::recovery::write(&dir, id.0, &recovered),
            });
        }
    }

    /// Removes a plan's recovery file: it was saved, closed, or is back to its saved state.
    fn forget_recovery(&mut self, id: PlanId) {
        self.rt.autosaved.remove(&id);
        self.rt.changed_at.remove(&id);
        if let Some(dir) = &self.rt.recovery_dir {
            super::recovery::remove(dir, id.0);
        }
    }

    /// After a crash: offer the plans the last session left unsaved.
    fn offer_recovery(&mut self) {
        let Some(dir) = &self.rt.recovery_dir else { return };
        let found: Vec<(PathBuf, super::recovery::Recovered)> = super::recovery::left_behind(dir)
            .into_iter()
            .filter_map(|(path, r)| match r {
                Ok(r) => Some((path, r)),
                Err(e) => {
                    self.rt.notifications.push(
                        Level::Warning,
                        format!("An unreadable recovery file was ignored ({}): {e}", path.display()),
                    );
                    None
                }
            })
            .collect();
        if !found.is_empty() && self.rt.modal.is_none() {
            self.rt.modal = Some(Modal::Recover(found));
        }
    }

    /// Opens the recovered plans as unsaved documents, then removes their old recovery files.
    pub fn restore_recovered(&mut self, found: Vec<(PathBuf, super::recovery::Recovered)>) {
        for (path, r) in found {
            match r.plan() {
                Ok(plan) => {
                    let source = match (&r.file, &r.sample) {
                        (Some(f), _) => PlanSource::File(f.clone()),
                        (None, Some(k)) => samples::plan(k).map_or(PlanSource::New, |s| PlanSource::Sample(s.key)),
                        (None, None) => PlanSource::New,
                    };
                    let id = self.add_plan(plan, source);
                    // Restored edits are unsaved by definition.
                    if let Some(doc) = self.doc_mut(id) {
                        doc.saved = None;
                    }
                    std::fs::remove_file(&path).ok();
                }
                Err(e) => {
                    self.rt.notifications.push(Level::Error, format!("Could not restore {}: {e}", path.display()))
                }
            }
        }
    }
}

/// Answers from dialogs and panels that need the whole app.
pub enum Action {
    /// Save and close a plan.
    SaveAndClose(PlanId),
    /// Close a plan, discarding changes.
    Discard(PlanId),
    /// Save every plan with changes, then quit.
    SaveAllAndQuit,
    /// Quit, discarding changes.
    DiscardAndQuit,
    /// Rename a plan.
    Rename(PlanId, String),
    /// Import a roster with a mapping (optionally remembering it).
    ImportMapped { reference: RosterRef, remember: Option<Vec<String>> },
    /// Save the mapping in the dialog to a file.
    SaveMapping,
    /// Import the good rows of a roster with bad rows.
    ImportGoodRows(RosterRef),
    /// Cancel the roster import in progress.
    CancelImport,
    /// Ask where to write the export.
    ChooseExportFile,
    /// Write the export (asks before replacing a file).
    Export(panels::dialogs::ExportDialog),
    /// Replace the file and carry on.
    ConfirmOverwrite(PathBuf, Box<PendingWrite>),
    /// Select a plan.
    Select(PlanId),
    /// Close a plan (asks first if it has unsaved changes).
    Close(PlanId),
    /// Remove a roster file.
    RemoveRoster(usize),
    /// Replace the rosters with the bundled samples.
    UseSampleRosters,
    /// Save the comparison as a workbook or report (asks where).
    SaveHandout(Handout),
    /// Write the Behaviour view's slider values into the plans.
    KeepAssumptions,
    /// Open the plans a crashed session left unsaved.
    Restore(Vec<(PathBuf, super::recovery::Recovered)>),
    /// Delete the recovery files of a crashed session.
    DiscardRecovered(Vec<PathBuf>),
}

impl CarrotApp {
    /// Carries out an action.
    pub fn apply(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::SaveAndClose(id) => {
                // The plan closes when its save succeeds (saving runs in the background).
                self.rt.close_after_save.push(id);
                self.save_plan(ctx, id, false);
            }
            Action::Discard(id) => self.close_plan(id),
            Action::SaveAllAndQuit => {
                self.rt.quit_confirmed = true;
                let dirty: Vec<PlanId> = self.rt.docs.iter().filter(|d| d.is_dirty()).map(|d| d.id).collect();
                for id in dirty {
                    self.save_plan(ctx, id, false);
                }
            }
            Action::DiscardAndQuit => {
                self.rt.quit_confirmed = true;
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Action::Rename(id, name) => {
                if let Some(doc) = self.doc_mut(id) {
                    doc.plan.name = name;
                }
            }
            Action::ImportMapped { reference, remember } => {
                if let Some(headers) = remember {
                    self.state.remember_mapping(headers, reference.mapping.clone());
                }
                self.import_roster(ctx, reference);
            }
            Action::SaveMapping => self.pick(ctx, Pick::SaveMapping),
            Action::ImportGoodRows(mut reference) => {
                reference.skip_bad_rows = true;
                self.import_roster(ctx, reference);
            }
            Action::CancelImport => {
                self.rt.notifications.push(Level::Info, "Import cancelled; nothing was imported");
            }
            Action::ChooseExportFile => self.pick(ctx, Pick::ExportFile),
            Action::Export(dialog) => {
                let Some(path) = dialog.path.clone() else { return };
                if path.exists() {
                    self.rt.modal =
                        Some(Modal::ConfirmOverwrite { path, then: Box::new(PendingWrite::Export(dialog)) });
                } else {
                    self.run_export(ctx, dialog, Overwrite::Refuse);
                }
            }
            Action::ConfirmOverwrite(path, then) => match *then {
                PendingWrite::SavePlan(id) => self.write_plan(ctx, id, path),
                PendingWrite::Export(dialog) => self.run_export(ctx, dialog, Overwrite::Allow),
                PendingWrite::Handout(what) => self.write_handout(ctx, what, path, Overwrite::Allow),
            },
            Action::Select(id) => {
                self.rt.selected = Some(id);
                self.rt.payouts.rows_key = None;
            }
            Action::Close(id) => self.request_close(id),
            Action::RemoveRoster(i) => self.remove_roster(i),
            Action::Restore(found) => self.restore_recovered(found),
            Action::SaveHandout(what) => {
                self.pick(ctx, if what == Handout::Workbook { Pick::Workbook } else { Pick::Report })
            }
            Action::KeepAssumptions => {
                let changed = panels::behaviour::write_assumptions(&self.rt.behaviour, &mut self.rt.docs);
                // The plans now say what the sliders said.
                self.rt.behaviour.responsiveness.clear();
                self.rt.behaviour.runway = None;
                self.rt.notifications.push(
                    Level::Info,
                    format!("Wrote the assumptions into {changed} plan(s); save them to keep the change"),
                );
            }
            Action::DiscardRecovered(paths) => {
                for p in paths {
                    std::fs::remove_file(&p).ok();
                }
            }
            Action::UseSampleRosters => {
                let rosters: Vec<RosterRef> = samples::ROSTERS
                    .iter()
                    .map(|s| RosterRef {
                        origin: RosterOrigin::Sample(s.key.to_owned()),
                        mapping: Default::default(),
                        date_format: None,
                        decimal: Default::default(),
                        skip_bad_rows: false,
                    })
                    .collect();
                self.spawn(ctx, "Reading the sample rosters", move || {
                    let mut opened = read_workspace(&[], &rosters, true);
                    opened.plans.clear();
                    JobOutput::Opened(Box::new(opened))
                });
            }
        }
    }

    /// The tab shown in the central area.
    pub fn tab(&self) -> Tab {
        self.state.tab
    }
}

/// Drops `value` on a short-lived thread: freeing the previous payouts of 100,000 people takes
/// longer than a frame. (If no thread can be started it is dropped here.)
fn drop_off_thread<T: Send + 'static>(value: T) {
    std::thread::Builder::new()
        .name("carrot-drop".to_owned())
        .spawn(move || {
            super::background::give_way();
            drop(value);
        })
        .ok();
}

//! `CarrotApp` = persisted state + runtime, split the way rerun's viewer splits its app:
//! - this module: the types, start-up, and the frame (`eframe::App`);
//! - [`commands`]: the one dispatcher for user commands and internal actions ([`Action`]);
//! - [`logic`]: what runs around the frame: finished jobs and computations, autosave, the
//!   payouts rows and export checks that run in the background, the scripted screenshot;
//! - [`workspace`]: open plans, rosters, recovery, and the workspace saved between runs.
//!
//! Panels are free functions over the narrowest state they edit; they emit [`Action`]s and
//! never start threads or touch files. Slow work (file dialogs, every file read or written,
//! roster imports and merges, exports, sorting) runs on jobs ([`super::jobs`]).

pub mod commands;
pub mod logic;
pub mod workspace;
mod year;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

pub use commands::Action;
pub use workspace::{RosterSet, RosterSource, read_roster};

use super::command::AppCommand;
use super::compute::ComputeService;
use super::doc::{PlanDoc, PlanId};
use super::jobs::Job;
use super::notify::{Level, Notifications};
use super::panels;
use super::state::{PersistedState, RosterRef, STATE_VERSION, Tab};
use crate::export::Reconciliation;
use crate::plan::Plan;
use crate::roster::{ImportError, ImportReport, Preview, Roster, RowIssue};

/// Answers to file dialogs, so tests and scripted screenshots never open a real one.
#[derive(Default)]
pub enum FileChooser {
    /// Real dialogs (rfd), awaited off the UI thread.
    #[default]
    Dialog,
    /// Pre-set answers, used in order (`None` = the user cancelled). A path answered for a save
    /// stands for one the user confirmed in the dialog, as a real save dialog asks before
    /// replacing a file.
    Scripted(VecDeque<Option<Vec<PathBuf>>>),
}

/// What a file dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Plan files to open.
    OpenPlans,
    /// Roster files to import.
    Rosters,
    /// Roster files to import, each through the import step (to join results onto them).
    RostersWithResults,
    /// Metrics files to join onto the roster in the import step.
    MetricsFiles,
    /// A CRM deal list for the import step.
    DealList,
    /// The deal list's mapping file.
    DealsMapping,
    /// An import recipe (`carrot --mapping` file) for the import step.
    OpenRecipe,
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
    /// An existing ledger of the plan year, to go on from (an open dialog: a save dialog would
    /// ask whether to replace it, which nothing does).
    OpenLedger,
    /// Where to start a new ledger (written when the first period is closed).
    NewLedger,
}

impl Pick {
    /// Whether the dialog asks for a file to write (save dialogs confirm replacing a file).
    pub fn is_save(self) -> bool {
        !matches!(
            self,
            Self::OpenPlans
                | Self::Rosters
                | Self::RostersWithResults
                | Self::MetricsFiles
                | Self::DealList
                | Self::DealsMapping
                | Self::OpenRecipe
                | Self::OpenLedger
        )
    }
}

/// A sheet and header row chosen in the mapping step, with the headers the file first showed
/// (under which the recipe is remembered).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreviewChoice {
    /// The sheet (a spreadsheet's).
    pub sheet: Option<String>,
    /// The header's line.
    pub header_row: Option<u64>,
    /// The headers found with neither chosen.
    pub first_headers: Vec<String>,
    /// Chosen in the mapping step (which then shows again), rather than remembered.
    pub from_dialog: bool,
}

/// Results of background jobs.
pub enum JobOutput {
    /// The user picked files (or cancelled: empty).
    Picked(Pick, Vec<PathBuf>),
    /// Plan files were read.
    PlansLoaded(Vec<(PathBuf, Result<Plan, String>)>),
    /// A plan was saved (or not).
    PlanSaved { id: PlanId, path: PathBuf, plan: Box<Plan>, result: Result<(), String> },
    /// A roster file's header and first rows; `ask`: show the import step even when the file
    /// reads as it is.
    RosterPreviewed { path: PathBuf, result: Result<Preview, String>, chosen: Option<PreviewChoice>, ask: bool },
    /// An import recipe was read for the import step.
    RecipeRead { path: PathBuf, result: Result<crate::roster::recipe::Recipe, String> },
    /// The import step's check of its joins: the roster read as it would be imported.
    JoinsChecked { reference: RosterRef, result: Result<ImportReport, ImportError> },
    /// A roster file was imported (or refused).
    RosterImported { reference: RosterRef, name: String, result: Result<ImportReport, ImportError> },
    /// The roster files were merged (after an import, a removal or the samples).
    Merged(Box<workspace::Merged>),
    /// The workspace of the last session (or the samples) was read.
    Opened(Box<workspace::Opened>),
    /// The export dialog's check: what the file would hold, or why it cannot be written, and
    /// what to check before paying (known either way).
    ExportChecked {
        key: panels::dialogs::ExportKey,
        result: Box<Result<Reconciliation, String>>,
        to_check: Vec<String>,
    },
    /// The payroll file was written (or not).
    Exported(Box<commands::ExportOutcome>),
    /// A file was written (PNG, mapping, hand-out).
    Wrote { what: &'static str, path: PathBuf, result: Result<(), String> },
    /// An unsaved plan was written to the recovery folder.
    Autosaved { id: PlanId, revision: u64, result: Result<PathBuf, String> },
    /// Plans a crashed session left unsaved (and unreadable recovery files).
    RecoveryFound { found: Vec<(PathBuf, super::recovery::Recovered)>, unreadable: Vec<String> },
    /// Files were deleted (nothing to report).
    Deleted,
    /// A plan-year period was computed (or not).
    YearComputed(Box<Result<panels::year::YearShown, String>>),
    /// A plan-year period was closed (what happened), or why not.
    YearClosed(Result<String, String>),
    /// The compared plans' pay period was computed (or why not).
    ComparePeriod(Box<panels::compare::PeriodFigures>),
    /// A screenshot of the window arrived from the renderer (cropped to `crop` if set).
    Screenshot { image: Arc<egui::ColorImage>, path: PathBuf, crop: Option<egui::Rect> },
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
    Mapping(Box<panels::dialogs::MappingDialog>),
    /// A roster has bad rows.
    BadRows(Box<panels::dialogs::BadRowsDialog>),
    /// Export payroll.
    Export(Box<panels::dialogs::ExportDialog>),
    /// Confirm replacing a file the file dialog did not ask about (an export's reconciliation).
    ConfirmOverwrite { path: PathBuf, then: Box<PendingWrite> },
    /// Confirm removing a roster file from the workspace.
    ConfirmRemoveRoster(usize),
    /// Show a message that needs reading (several lines).
    Message { title: String, lines: Vec<String> },
    /// A roster file whose people are already in the workspace's files: offers to replace them.
    Overlap(Box<workspace::Overlap>),
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
    /// Write the export (and its reconciliation).
    Export(Box<panels::dialogs::ExportDialog>),
}

/// A roster file being imported: bytes read so far (of `total`) and a switch that cancels it.
pub struct ImportProgress {
    /// The file's name.
    pub name: String,
    /// Its size in bytes (found by the import job).
    pub total: Arc<std::sync::atomic::AtomicU64>,
    /// Bytes read so far (written by the import job).
    pub read: Arc<std::sync::atomic::AtomicU64>,
    /// Set to stop the import (nothing is imported).
    pub cancel: Arc<std::sync::atomic::AtomicBool>,
}

impl ImportProgress {
    /// The share read, 0..=1.
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(std::sync::atomic::Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.read.load(std::sync::atomic::Ordering::Relaxed) as f64 / total as f64).clamp(0.0, 1.0) as f32
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
    /// Rows shown ([`panels::payouts::Row::of`]), with the key they were built for.
    pub rows: Vec<u32>,
    /// What `rows` was built from.
    pub rows_key: Option<panels::payouts::RowsKey>,
    /// Rows the view needs and does not have (the app starts a job for them after the frame).
    pub wanted_rows: Option<panels::payouts::RowsKey>,
    /// Rows being built off the UI thread, and what for.
    pub pending_rows: Option<(panels::payouts::RowsKey, Job<Vec<u32>>)>,
    /// Scroll the table to this row (index into `rows`) in the next frame.
    pub scroll_to: Option<usize>,
    /// Whether `rows` (built for the key) leave out the person selected (roster index), as
    /// last found.
    pub selected_hidden: Option<(panels::payouts::RowsKey, usize, bool)>,
}

/// Everything that is not persisted.
pub struct Runtime {
    /// Open plans, each with its own runtime state (results, undo, autosave).
    pub docs: Vec<PlanDoc>,
    /// The selected plan.
    pub selected: Option<PlanId>,
    /// The next plan's id.
    pub next_id: u64,
    /// Rosters.
    pub rosters: RosterSet,
    /// The payout worker.
    pub compute: Option<ComputeService>,
    /// Running jobs.
    pub jobs: Vec<Job<JobOutput>>,
    /// The roster import in progress: how far it has read, and its Cancel switch.
    pub import_progress: Option<ImportProgress>,
    /// Messages for the user.
    pub notifications: Notifications,
    /// The open dialog.
    pub modal: Option<Modal>,
    /// Roster files waiting to be previewed and imported, one at a time (`true`: through the
    /// import step even when the file reads as it is).
    pub roster_queue: VecDeque<(PathBuf, bool)>,
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
    /// "Quit without saving" was chosen: no more recovery files are written.
    pub discarded: bool,
    /// How long the last computation took.
    pub last_compute: Option<std::time::Duration>,
    /// Meeting mode (enlarged, high contrast, no editing panels).
    pub meeting_mode: bool,
    /// Plans to close once their save succeeds.
    pub close_after_save: Vec<PlanId>,
    /// Where unsaved plans are autosaved (`None`: autosave off, e.g. scripted screenshots).
    pub recovery_dir: Option<PathBuf>,
    /// A scripted screenshot to take once the workspace is open (then the app exits).
    pub screenshot: Option<super::ScreenshotScript>,
    /// A screenshot being taken (its result arrives from the renderer).
    pub screenshot_job: Option<Job<JobOutput>>,
    /// Frames drawn since the workspace opened (for the screenshot script).
    pub frames_since_open: u32,
    /// Where the central view was drawn in the last frame ("Save view as PNG" saves this part).
    pub view_rect: Option<egui::Rect>,
    /// The Plan year window.
    pub year: panels::year::YearView,
    /// Why the rosters are not the selected plan year's figures for the main view (a deal list
    /// counted for one pay period); set each frame.
    pub year_figures: Option<String>,
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
        super::theme::set_software_frames(&cc.egui_ctx, drawn_in_software(cc));
        super::background::init_worker_pool();
        let mut notifications = Notifications::default();
        let stored: Option<PersistedState> = match &startup {
            Startup::RestoreFrom(state) => Some((**state).clone()),
            _ => cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)),
        };
        let mut state = match stored {
            Some(s) if s.version == STATE_VERSION => s,
            Some(_) => {
                notifications
                    .push(Level::Info, "The saved workspace is from another version of Carrot; opened the samples");
                PersistedState::default()
            }
            None => PersistedState::default(),
        };
        state.repair_layout();
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
                discarded: false,
                last_compute: None,
                meeting_mode: false,
                close_after_save: Vec::new(),
                // Only the real app's normal start uses the user's recovery folder; tests and
                // scripted runs set their own (or none).
                recovery_dir: match startup {
                    Startup::Restore => super::recovery::default_dir(),
                    _ => None,
                },
                screenshot: None,
                screenshot_job: None,
                frames_since_open: 0,
                view_rect: None,
                year: Default::default(),
                year_figures: None,
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

    /// Starts a background job (reported in the status bar while it runs).
    pub(crate) fn spawn(
        &mut self,
        ctx: &egui::Context,
        kind: super::jobs::JobKind,
        label: impl Into<String>,
        work: impl FnOnce() -> JobOutput + Send + 'static,
    ) {
        let label = label.into();
        match super::jobs::spawn_job(ctx, kind, label.clone(), work) {
            Ok(job) => self.rt.jobs.push(job),
            Err(e) => self.rt.notifications.push(Level::Error, format!("Could not start {label}: {e}")),
        }
    }

    /// Whether a job of this kind is running.
    pub fn is_running(&self, kind: super::jobs::JobKind) -> bool {
        self.rt.jobs.iter().any(|j| j.kind == kind)
    }

    /// The open plan with this id.
    pub fn doc(&self, id: PlanId) -> Option<&PlanDoc> {
        self.rt.docs.iter().find(|d| d.id == id)
    }

    /// The open plan with this id, to change.
    pub fn doc_mut(&mut self, id: PlanId) -> Option<&mut PlanDoc> {
        self.rt.docs.iter_mut().find(|d| d.id == id)
    }

    /// The selected plan.
    pub fn selected_doc(&self) -> Option<&PlanDoc> {
        self.rt.selected.and_then(|id| self.doc(id))
    }

    /// The tab shown in the central area.
    pub fn tab(&self) -> Tab {
        self.state.tab
    }

    /// What would be saved for the next start now (tests restart the app from it).
    pub fn persisted(&mut self) -> PersistedState {
        self.snapshot_state();
        self.state.clone()
    }

    /// The explanation of one person under the selected plan, computed on demand.
    pub fn explain_selected(&self) -> Option<crate::engine::Outcome> {
        let doc = self.selected_doc()?;
        let result = doc.result.as_ref()?;
        let index = self.rt.payouts.selected?;
        let employee = self.rt.rosters.merged.employees.get(index)?;
        Some(result.compiled.explain(index, employee))
    }
}

impl eframe::App for CarrotApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll(ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let mut actions = Vec::new();
        if self.rt.modal.is_none() {
            AppCommand::consume_shortcuts(&ctx, &mut actions);
        }
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        if !dropped.is_empty() {
            actions.push(Action::OpenFiles(dropped));
        }
        // Closing with unsaved changes asks first.
        if ctx.input(|i| i.viewport().close_requested())
            && !self.rt.quit_confirmed
            && self.rt.docs.iter().any(PlanDoc::is_dirty)
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.rt.modal = Some(Modal::ConfirmQuit);
        }
        panels::frame_ui(ui, &mut self.state, &mut self.rt, &mut actions);
        panels::dialogs::modal_ui(&ctx, &mut self.rt, &self.state, &mut actions);
        for action in actions {
            self.dispatch(&ctx, action);
        }
        self.after_frame(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.snapshot_state();
        eframe::set_value(storage, eframe::APP_KEY, &self.state);
    }
}

/// Whether the window's frames are drawn by the CPU (a software renderer such as Mesa's
/// lavapipe, where no graphics driver is available).
fn drawn_in_software(cc: &eframe::CreationContext<'_>) -> bool {
    cc.wgpu_render_state.as_ref().is_some_and(|r| r.adapter.get_info().device_type == eframe::wgpu::DeviceType::Cpu)
}

/// Drops `value` on a short-lived thread: freeing the previous payouts of 100,000 people takes
/// longer than a frame. (If no thread can be started it is dropped here.)
pub(crate) fn drop_off_thread<T: Send + 'static>(value: T) {
    std::thread::Builder::new()
        .name("carrot-drop".to_owned())
        .spawn(move || {
            super::background::give_way();
            drop(value);
        })
        .ok();
}

/// A file's name for messages (the whole path if it has none).
pub(crate) fn display_name(path: &std::path::Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// A roster whose people came from nowhere yet (the start, or after the last file was removed).
pub(crate) fn empty_roster() -> Arc<Roster> {
    Arc::new(Roster::default())
}

/// Issues found merging rosters, for messages.
pub(crate) fn issue_lines(issues: &[RowIssue]) -> Vec<String> {
    issues.iter().map(ToString::to_string).collect()
}

//! The one dispatcher: every user command (menus, buttons, shortcuts) and every internal action
//! (dialog answers, panel requests) is an [`Action`], carried out here at the end of the frame on
//! the UI thread. Anything slow it starts goes to a job.

use std::path::PathBuf;
use std::sync::Arc;

use super::workspace::{dialog_folder, file_stem, new_plan, single_extension};
use super::{CarrotApp, FileChooser, Handout, JobOutput, Modal, PendingWrite, Pick, display_name};
use crate::export::{self, ExportRequest, Reconciliation, Template};
use crate::fsx::Overwrite;
use crate::plan;
use crate::samples;
use crate::ui::command::AppCommand;
use crate::ui::doc::{PlanId, PlanSource};
use crate::ui::jobs::{Job, JobKind};
use crate::ui::notify::Level;
use crate::ui::panels::dialogs::ExportDialog;
use crate::ui::state::{RosterOrigin, RosterRef};

/// Everything the app can be asked to do: the user's commands and the answers of dialogs and
/// panels that need the whole app.
pub enum Action {
    /// A menu item, button or shortcut.
    Command(AppCommand),
    /// Files dropped on the window: plans open, everything else imports as a roster.
    OpenFiles(Vec<PathBuf>),
    /// Save a plan (asks for a file if it has none).
    SavePlan(PlanId),
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
    /// Ask for a file the import step reads with the roster (metrics files, a deal list and its
    /// mapping, a recipe).
    PickForImport(Pick),
    /// Read a roster file's preview again with another sheet or header row.
    RepreviewRoster { path: PathBuf, choice: super::PreviewChoice },
    /// Import the good rows of a roster with bad rows.
    ImportGoodRows(RosterRef),
    /// Show the import step for a roster file (to choose how it writes dates, say).
    ShowImportStep(PathBuf),
    /// Cancel the roster import in progress.
    CancelImport,
    /// Ask where to write the export.
    ChooseExportFile,
    /// Write the export.
    Export(Box<ExportDialog>),
    /// Remember the export dialog's template and settings for next time.
    RememberExport(Template, Box<crate::export::PayrollSettings>),
    /// Replace the file and carry on.
    ConfirmOverwrite(PathBuf, Box<PendingWrite>),
    /// Keep the file: back to where the write was asked for (the export dialog, as it was).
    CancelOverwrite(Box<PendingWrite>),
    /// Select a plan.
    Select(PlanId),
    /// Close a plan (asks first if it has unsaved changes).
    Close(PlanId),
    /// Remove a roster file (asks first).
    RemoveRoster(usize),
    /// Remove a roster file: the user confirmed.
    ConfirmRemoveRoster(usize),
    /// Replace the rosters with the bundled samples.
    UseSampleRosters,
    /// Replace the workspace's roster files that hold the same people with a newer file.
    ReplaceRosters(Box<crate::ui::app::workspace::Overlap>),
    /// Save the comparison as a workbook or report (asks where).
    SaveHandout(Handout),
    /// Write the Behaviour view's slider values into the plans.
    KeepAssumptions,
    /// Open the plans a crashed session left unsaved.
    Restore(Vec<(PathBuf, crate::ui::recovery::Recovered)>),
    /// Delete the recovery files of a crashed session.
    DiscardRecovered(Vec<PathBuf>),
    /// A Plan year window action.
    Year(crate::ui::panels::year::YearAction),
}

/// How an export ended: written, refused, or waiting for the user to confirm replacing the
/// reconciliation file (the file dialog only asked about the payroll file).
pub struct ExportOutcome {
    /// The dialog's choices (reopened as they were when the export did not happen).
    pub dialog: Box<ExportDialog>,
    /// What happened.
    pub result: Result<(PathBuf, Reconciliation), ExportFailure>,
}

/// Why an export wrote nothing.
pub enum ExportFailure {
    /// This file exists and the user was not asked about it yet.
    Exists(PathBuf),
    /// Anything else, as a message.
    Failed(String),
}

impl CarrotApp {
    /// Carries out an action.
    pub fn dispatch(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Command(command) => self.run_command(ctx, command),
            Action::Year(action) => self.year_action(ctx, action),
            Action::OpenFiles(paths) => {
                let (plans, rosters): (Vec<PathBuf>, Vec<PathBuf>) =
                    paths.into_iter().partition(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")));
                if !plans.is_empty() {
                    self.open_plan_paths(ctx, plans);
                }
                if !rosters.is_empty() {
                    self.import_roster_paths(ctx, rosters);
                }
            }
            Action::SavePlan(id) => self.save_plan(ctx, id, false),
            Action::SaveAndClose(id) => {
                // The plan closes when its save succeeds (saving runs in the background).
                self.rt.close_after_save.push(id);
                self.save_plan(ctx, id, false);
            }
            Action::Discard(id) => self.close_plan(ctx, id),
            Action::SaveAllAndQuit => {
                self.rt.quit_confirmed = true;
                let dirty: Vec<PlanId> = self.rt.docs.iter().filter(|d| d.is_dirty()).map(|d| d.id).collect();
                for id in dirty {
                    self.save_plan(ctx, id, false);
                }
            }
            Action::DiscardAndQuit => {
                self.rt.quit_confirmed = true;
                // The changes are lost as asked: their recovery files go now (the process is about
                // to end, so not on a job), or the next start would offer to restore them.
                self.rt.discarded = true;
                let dir = self.rt.recovery_dir.clone();
                for doc in self.rt.docs.iter_mut().filter(|d| d.autosave.written.is_some()) {
                    if let Some(dir) = &dir {
                        crate::ui::recovery::remove(dir, doc.id.0);
                    }
                    doc.autosave = crate::ui::doc::Autosave::default();
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            Action::Rename(id, name) => {
                if let Some(doc) = self.doc_mut(id) {
                    doc.plan.name = name;
                }
            }
            Action::ImportMapped { reference, remember } => {
                if let Some(headers) = remember {
                    self.state.remember_recipe(crate::ui::state::RememberedMapping {
                        headers,
                        mapping: reference.mapping.clone(),
                        sheet: reference.sheet.clone(),
                        header_row: reference.header_row,
                        joins: reference.joins.clone(),
                        date_format: reference.date_format.clone(),
                        decimal: reference.decimal,
                    });
                }
                self.import_roster(ctx, reference);
            }
            Action::PickForImport(pick) => self.pick(ctx, pick),
            Action::SaveMapping => self.pick(ctx, Pick::SaveMapping),
            Action::RepreviewRoster { path, choice } => self.preview_roster(ctx, path, Some(choice), false),
            Action::ShowImportStep(path) => {
                self.rt.roster_queue.push_front((path, true));
                self.next_roster(ctx);
            }
            Action::ImportGoodRows(mut reference) => {
                reference.skip_bad_rows = true;
                self.import_roster(ctx, reference);
            }
            Action::CancelImport => {
                self.rt.notifications.push(Level::Info, "Import cancelled; nothing was imported");
            }
            Action::ChooseExportFile => self.pick(ctx, Pick::ExportFile),
            Action::Export(dialog) => self.run_export(ctx, dialog, Overwrite::Refuse),
            Action::RememberExport(template, settings) => {
                self.state.export.template = template.name().to_owned();
                self.state.export.settings = *settings;
            }
            Action::ConfirmOverwrite(_, then) => match *then {
                PendingWrite::Export(dialog) => self.run_export(ctx, dialog, Overwrite::Allow),
            },
            Action::CancelOverwrite(then) => match *then {
                PendingWrite::Export(dialog) => self.rt.modal = Some(Modal::Export(dialog)),
            },
            Action::Select(id) => {
                self.rt.selected = Some(id);
                self.rt.payouts.rows_key = None;
            }
            Action::Close(id) => self.request_close(ctx, id),
            Action::RemoveRoster(i) => self.rt.modal = Some(Modal::ConfirmRemoveRoster(i)),
            Action::ConfirmRemoveRoster(i) => self.remove_roster(ctx, i),
            Action::ReplaceRosters(overlap) => self.replace_rosters(ctx, *overlap),
            Action::Restore(found) => self.restore_recovered(ctx, found),
            Action::SaveHandout(what) => {
                self.pick(ctx, if what == Handout::Workbook { Pick::Workbook } else { Pick::Report })
            }
            Action::KeepAssumptions => {
                let changed = crate::ui::panels::behaviour::write_assumptions(&self.rt.behaviour, &mut self.rt.docs);
                // The plans now say what the sliders said.
                self.rt.behaviour.responsiveness.clear();
                self.rt.behaviour.runway = None;
                self.rt.notifications.push(
                    Level::Info,
                    format!("Wrote the assumptions into {changed} plan(s); save them to keep the change"),
                );
            }
            Action::DiscardRecovered(paths) => self.delete_files(ctx, paths),
            Action::UseSampleRosters => self.use_sample_rosters(ctx),
        }
    }

    /// Runs a command.
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
                    self.request_close(ctx, id);
                }
            }
            AppCommand::ImportRoster => self.pick(ctx, Pick::Rosters),
            AppCommand::ImportRosterWithResults => self.pick(ctx, Pick::RostersWithResults),
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
                crate::ui::theme::set_meeting_mode(ctx, self.rt.meeting_mode);
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
        let dialog = self.export_dialog(doc.id, ExportDialog::default_pay_date(doc.plan.period));
        self.rt.modal = Some(Modal::Export(Box::new(dialog)));
    }

    /// An Export payroll dialog for `plan` paid on `pay_date`, with the last template and settings.
    fn export_dialog(&self, plan: PlanId, pay_date: chrono::NaiveDate) -> ExportDialog {
        let template = Template::parse(&self.state.export.template).unwrap_or(Template::Generic);
        let mut settings = self.state.export.settings.clone();
        // The currency is confirmed for one export of one plan, not remembered for the next.
        settings.currency_ok = false;
        ExportDialog::new(plan, pay_date, template, settings)
    }

    /// The Export payroll dialog for the pay period the Plan year window computed: its payouts
    /// (true-ups, draws, instalments, clawbacks), in any payroll system's layout.
    pub(super) fn open_period_export(&mut self) {
        let (Some(doc), Some(shown)) = (self.selected_doc(), self.rt.year.shown.clone()) else { return };
        if let Some(why) = &self.rt.year.actuals {
            self.rt.year.error = Some(format!("Not exported: {why}"));
            return;
        }
        if let Err(why) = shown.result.payable() {
            self.rt.year.error = Some(why.to_string());
            return;
        }
        let mut dialog = self.export_dialog(doc.id, shown.result.period.end);
        dialog.period = Some(shown);
        self.rt.modal = Some(Modal::Export(Box::new(dialog)));
    }

    /// Asks for files: a real dialog, awaited off the UI thread, or the scripted answer.
    pub fn pick(&mut self, ctx: &egui::Context, pick: Pick) {
        if let FileChooser::Scripted(answers) = &mut self.rt.chooser {
            let answer = answers.pop_front().flatten().unwrap_or_default();
            self.on_picked(ctx, pick, answer);
            return;
        }
        let suggested = self.suggested_file_name(pick);
        let own_file = match pick {
            Pick::SavePlan(id) => match self.doc(id).map(|d| &d.source) {
                Some(PlanSource::File(p)) => Some(p.clone()),
                _ => None,
            },
            _ => None,
        };
        let last = match pick {
            Pick::ExportFile => self.state.export.folder.clone().or_else(|| self.state.folder.clone()),
            _ => self.state.folder.clone(),
        };
        let folder = dialog_folder(own_file.as_deref(), last.as_deref());
        let dialog = rfd::AsyncFileDialog::new();
        let dialog = match folder {
            Some(f) => dialog.set_directory(f),
            None => dialog,
        };
        let (dialog, many) = match pick {
            Pick::OpenPlans => (dialog.add_filter("Plans", &["json"]).set_title("Open plans"), true),
            Pick::Rosters | Pick::RostersWithResults => (
                dialog.add_filter("Rosters (CSV, Excel, OpenDocument)", TABLE_EXTENSIONS).set_title("Import rosters"),
                true,
            ),
            Pick::MetricsFiles => (
                dialog
                    .add_filter("Metrics (CSV, Excel, OpenDocument)", TABLE_EXTENSIONS)
                    .set_title("Add metrics files"),
                true,
            ),
            Pick::DealList => (
                dialog
                    .add_filter("Deal lists (CSV, Excel, OpenDocument)", TABLE_EXTENSIONS)
                    .set_title("Add a deal list"),
                false,
            ),
            Pick::DealsMapping => {
                (dialog.add_filter("Deals mapping", &["json"]).set_title("The deal list's mapping (JSON)"), false)
            }
            Pick::OpenRecipe => (dialog.add_filter("Recipe", &["json"]).set_title("Load an import recipe"), false),
            Pick::SavePlan(_) => (dialog.add_filter("Plans", &["json"]).set_title("Save plan as"), false),
            Pick::ExportFile => (dialog.set_title("Export payroll to"), false),
            Pick::ViewPng => (dialog.add_filter("PNG", &["png"]).set_title("Save view as PNG"), false),
            Pick::SaveMapping => (dialog.add_filter("JSON", &["json"]).set_title("Save mapping"), false),
            Pick::Workbook => (dialog.add_filter("Excel", &["xlsx"]).set_title("Save workbook"), false),
            Pick::Report => (dialog.add_filter("HTML", &["html"]).set_title("Save report"), false),
            Pick::OpenLedger => {
                (dialog.add_filter("Ledger", &["json"]).set_title("Open the plan year's ledger"), false)
            }
            Pick::NewLedger => {
                (dialog.add_filter("Ledger", &["json"]).set_title("New ledger for the plan year"), false)
            }
        };
        let dialog = if pick.is_save() { dialog.set_file_name(suggested) } else { dialog };
        let save = pick.is_save();
        // rfd: the dialog is created here, on the UI thread, and awaited on a worker.
        self.spawn(ctx, JobKind::FileDialog, "Waiting for the file dialog", move || {
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
        });
    }

    /// The file name a save dialog suggests.
    pub fn suggested_file_name(&self, pick: Pick) -> String {
        match pick {
            Pick::SavePlan(id) => self
                .doc(id)
                .map(|d| match &d.source {
                    PlanSource::File(p) => display_name(p),
                    _ => format!("{}.json", file_stem(&d.plan.name)),
                })
                .unwrap_or_default(),
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
            Pick::ViewPng => match self.selected_doc() {
                Some(d) => format!("{}_{}.png", file_stem(&d.plan.name), file_stem(&format!("{:?}", self.state.tab))),
                None => "carrot_view.png".to_owned(),
            },
            Pick::Workbook => "plan_comparison.xlsx".to_owned(),
            Pick::Report => "plan_comparison.html".to_owned(),
            Pick::SaveMapping => "roster_mapping.json".to_owned(),
            Pick::NewLedger => "ledger.json".to_owned(),
            Pick::OpenPlans
            | Pick::Rosters
            | Pick::RostersWithResults
            | Pick::MetricsFiles
            | Pick::DealList
            | Pick::DealsMapping
            | Pick::OpenRecipe
            | Pick::OpenLedger => String::new(),
        }
    }

    /// Carries on once the user picked files (nothing when they cancelled). A save dialog has
    /// already asked before replacing a file, so the write goes ahead without asking again.
    pub(super) fn on_picked(&mut self, ctx: &egui::Context, pick: Pick, paths: Vec<PathBuf>) {
        let Some(first) = paths.first().cloned() else { return };
        let saving = matches!(
            pick,
            Pick::SavePlan(_)
                | Pick::ExportFile
                | Pick::ViewPng
                | Pick::SaveMapping
                | Pick::Workbook
                | Pick::Report
                | Pick::NewLedger
        );
        let first = if saving { single_extension(first) } else { first };
        if let Some(parent) = first.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.state.folder = Some(parent.to_path_buf());
        }
        match pick {
            Pick::OpenPlans => self.open_plan_paths(ctx, paths),
            Pick::Rosters => self.import_roster_paths(ctx, paths),
            Pick::RostersWithResults => {
                self.rt.roster_queue.extend(paths.into_iter().map(|p| (p, true)));
                self.next_roster(ctx);
            }
            Pick::MetricsFiles => {
                if let Some(Modal::Mapping(dialog)) = &mut self.rt.modal {
                    for p in paths {
                        if !dialog.joins.metrics.contains(&p) {
                            dialog.joins.metrics.push(p);
                        }
                    }
                }
            }
            Pick::DealList => {
                if let Some(Modal::Mapping(dialog)) = &mut self.rt.modal {
                    dialog.deal_list = Some(first);
                    // The deal list is read with its mapping: ask for it next.
                    self.pick(ctx, Pick::DealsMapping);
                }
            }
            Pick::DealsMapping => {
                if let Some(Modal::Mapping(dialog)) = &mut self.rt.modal
                    && let Some(file) = dialog.deal_list.take()
                {
                    dialog.deals = Some((file, first));
                    dialog.let_deals_give_revenue();
                    dialog.follow_guesses();
                }
            }
            Pick::OpenRecipe => {
                self.spawn(ctx, JobKind::PreviewRoster, format!("Reading {}", display_name(&first)), move || {
                    let result = crate::roster::joins::read_recipe(&first).map_err(|e| e.to_string());
                    JobOutput::RecipeRead { path: first, result }
                });
            }
            Pick::SavePlan(id) => self.write_plan(ctx, id, first),
            Pick::ExportFile => {
                if let Some(Modal::Export(dialog)) = &mut self.rt.modal {
                    dialog.path = Some(first);
                }
            }
            Pick::ViewPng => self.save_view_png(ctx, first, self.rt.view_rect),
            Pick::Workbook => self.write_handout(ctx, Handout::Workbook, first),
            Pick::Report => self.write_handout(ctx, Handout::Report, first),
            Pick::OpenLedger => self.rt.year.use_ledger(first),
            Pick::NewLedger if first.exists() => {
                // The save dialog asked whether to replace it; a ledger is never replaced.
                self.rt.year.error = Some(format!(
                    "{} already exists and was not replaced: a ledger records what was paid. Open it with Open \
                     ledger… to go on from the periods it closed, or give the new ledger another name.",
                    first.display()
                ));
            }
            Pick::NewLedger => self.rt.year.use_ledger(first),
            Pick::SaveMapping => {
                if let Some(Modal::Mapping(dialog)) = &self.rt.modal {
                    let recipe = dialog.recipe();
                    self.spawn(ctx, JobKind::WriteFile, "Saving the mapping", move || {
                        let result = crate::fsx::write_atomic(
                            &first,
                            recipe.to_json().as_bytes(),
                            Overwrite::Allow,
                            crate::fsx::Access::Shared,
                        )
                        .map_err(|e| e.to_string());
                        JobOutput::Wrote { what: "mapping", path: first, result }
                    });
                }
            }
        }
    }

    /// Saves a plan to its file, or asks where (a sample or a new plan, or "save as").
    pub(super) fn save_plan(&mut self, ctx: &egui::Context, id: PlanId, save_as: bool) {
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
        self.spawn(ctx, JobKind::SavePlan(id), "Saving the plan", move || {
            let result = plan::save(&path, &plan, Overwrite::Allow).map_err(|e| e.to_string());
            JobOutput::PlanSaved { id, path, plan: Box::new(plan), result }
        });
    }

    /// Takes in a saved plan: it is clean now, its recovery file goes, and a pending close or
    /// quit carries on.
    pub(super) fn on_plan_saved(
        &mut self,
        ctx: &egui::Context,
        id: PlanId,
        path: PathBuf,
        plan: plan::Plan,
        result: Result<(), String>,
    ) {
        match result {
            Ok(()) => {
                if let Some(doc) = self.doc_mut(id) {
                    doc.saved = Some(plan);
                    doc.source = PlanSource::File(path.clone());
                }
                self.forget_recovery(ctx, id);
                self.rt.notifications.push(Level::Info, format!("Saved {}", path.display()));
                if let Some(i) = self.rt.close_after_save.iter().position(|c| *c == id) {
                    self.rt.close_after_save.remove(i);
                    self.close_plan(ctx, id);
                }
                if self.rt.quit_confirmed && !self.rt.docs.iter().any(crate::ui::doc::PlanDoc::is_dirty) {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Err(e) => {
                self.rt.quit_confirmed = false;
                self.rt.close_after_save.retain(|c| *c != id);
                self.rt.notifications.push(Level::Error, format!("Could not save the plan: {e}"));
            }
        }
    }

    /// Takes a picture of the window (or of `crop`, the central view) and saves it as PNG.
    pub(super) fn save_view_png(&mut self, ctx: &egui::Context, path: PathBuf, crop: Option<egui::Rect>) {
        let (tx, rx) = std::sync::mpsc::channel::<JobOutput>();
        let repaint = ctx.clone();
        let ppp = ctx.pixels_per_point();
        let crop = crop
            .map(|r| egui::Rect::from_min_max((r.min.to_vec2() * ppp).to_pos2(), (r.max.to_vec2() * ppp).to_pos2()));
        let callback = egui::ScreenshotCallback::new(move |image: Arc<egui::ColorImage>| {
            tx.send(JobOutput::Screenshot { image, path, crop }).ok();
            repaint.request_repaint();
        });
        ctx.send_viewport_cmd(egui::ViewportCommand::Screenshot(callback));
        // Kept out of `jobs` so the status bar in the picture doesn't say "saving".
        self.rt.screenshot_job = Some(Job::new(JobKind::WriteFile, "Saving the view", rx));
    }

    /// Encodes and writes a screenshot (on a job).
    pub(super) fn write_screenshot(
        &mut self,
        ctx: &egui::Context,
        image: Arc<egui::ColorImage>,
        path: PathBuf,
        crop: Option<egui::Rect>,
    ) {
        self.spawn(ctx, JobKind::WriteFile, "Saving the view", move || {
            let bounds = egui::Rect::from_min_size(egui::Pos2::ZERO, image.size.map(|s| s as f32).into());
            let result = match crop.map(|c| c.intersect(bounds)).filter(|c| c.is_positive()) {
                Some(c) => crate::ui::png::write_png(&path, &image.region(&c, None)),
                None => crate::ui::png::write_png(&path, &image),
            };
            JobOutput::Wrote { what: "image", path, result }
        });
    }

    /// Writes the Compare view's workbook or report (off the UI thread). Plans with unsaved
    /// changes are named "(unsaved edits)" in it, so a hand-out never passes them off as the
    /// saved plan.
    pub fn write_handout(&mut self, ctx: &egui::Context, what: Handout, path: PathBuf) {
        let compared: Vec<(Arc<crate::engine::PayoutReport>, bool)> = self
            .rt
            .compare
            .plans
            .iter()
            .filter_map(|id| self.doc(*id))
            // The pay period shown, when one is chosen.
            .filter_map(|d| self.rt.compare.report_for(d).map(|r| (r, d.is_dirty())))
            .collect();
        if compared.len() < 2 {
            self.rt.notifications.push(Level::Warning, "Pick two to four computed plans to compare first");
            return;
        }
        if let Err(mixed) =
            crate::engine::compare::one_currency(compared.iter().map(|(r, _)| (r.plan.as_str(), r.currency.as_str())))
        {
            self.rt.notifications.push(Level::Warning, format!("{mixed}."));
            return;
        }
        let period = self.rt.compare.scope.period().map(|p| format!(" (pay period {p})")).unwrap_or_default();
        // One pay period of plan years is said on the hand-out, as `carrot compare --period` says it.
        let note = compared.first().and_then(|(r, _)| {
            let name = self.rt.compare.scope.period()?;
            Some(crate::year::period_alone_note(name, r.period.start, r.period.end))
        });
        self.spawn(ctx, JobKind::WriteFile, "Saving the hand-out", move || {
            // Copying the reports is the slow part with big rosters: it happens here.
            let reports: Vec<crate::engine::PayoutReport> = compared
                .iter()
                .map(|(r, dirty)| {
                    let mut r = (**r).clone();
                    if *dirty {
                        r.plan = format!("{} (unsaved edits)", r.plan);
                    }
                    r
                })
                .collect();
            let title = format!(
                "Plan comparison: {}{period}",
                reports.iter().map(|r| r.plan.as_str()).collect::<Vec<_>>().join(" · ")
            );
            let cmp = crate::engine::compare::Comparison::new(reports);
            let cmp = match note {
                Some(note) => cmp.with_note(note),
                None => cmp,
            };
            let (what_name, result) = match what {
                Handout::Workbook => ("workbook", crate::report::write_workbook(&cmp, &path, Overwrite::Allow)),
                Handout::Report => ("report", crate::report::write_html(&cmp, &title, &path, Overwrite::Allow)),
            };
            JobOutput::Wrote { what: what_name, path, result: result.map_err(|e| e.to_string()) }
        });
    }

    /// Writes the export described by `dialog` and its reconciliation (off the UI thread), the
    /// way `carrot export` does. The plan must be saved: the reconciliation names the plan file
    /// by its SHA-256, so it must be the file that was computed.
    pub fn run_export(&mut self, ctx: &egui::Context, dialog: Box<ExportDialog>, overwrite: Overwrite) {
        let reopen = |app: &mut Self, dialog: Box<ExportDialog>, why: &str| {
            app.rt.notifications.push(Level::Warning, why.to_owned());
            app.rt.modal = Some(Modal::Export(dialog));
        };
        let (Some(doc), Some(path), Some(pay_date)) = (self.doc(dialog.plan), dialog.path.clone(), dialog.pay_date())
        else {
            return reopen(self, dialog, "Choose the plan, a pay date and the file first");
        };
        let report = match (&dialog.period, &doc.result) {
            (Some(shown), _) if shown.revisions != (doc.revision, self.rt.rosters.revision) => {
                return reopen(self, dialog, "The plan or the roster changed: compute the period again first");
            }
            (Some(shown), _) => Payouts::Period(Arc::clone(shown)),
            (None, None) => {
                return reopen(self, dialog, "The payouts are still being computed; try again in a moment");
            }
            (None, Some(_)) if doc.is_stale(self.rt.rosters.revision) => {
                return reopen(self, dialog, "The plan has errors or is being recomputed; fix it before exporting");
            }
            (None, Some(result)) => Payouts::Whole(Arc::clone(&result.report)),
        };
        if doc.has_errors() {
            return reopen(self, dialog, "The plan has errors or is being recomputed; fix it before exporting");
        }
        if doc.is_dirty() {
            return reopen(self, dialog, "Save the plan before exporting");
        }
        // A deal list none of whose deals closed in the plan period is not its actuals, as
        // `carrot export` refuses it (a pay period's is refused by the Plan year window).
        if let (Payouts::Whole(_), Some(why)) = (&report, self.rt.rosters.deals_refusal(None)) {
            return reopen(self, dialog, &format!("Not exported: {why}"));
        }
        let deals = self.rt.rosters.deals_left_out(dialog.period.as_ref().map(|s| s.result.period.name.as_str()));
        let plan = doc.plan.clone();
        let source = doc.source.clone();
        self.state.export.template = dialog.template.name().to_owned();
        self.state.export.folder = path.parent().map(std::path::Path::to_path_buf);
        self.state.export.settings = dialog.settings.clone();
        self.spawn(ctx, JobKind::Export, "Exporting payroll", move || {
            let result = export_job(&plan, &source, &report, &deals, pay_date, &dialog, &path, overwrite);
            JobOutput::Exported(Box::new(ExportOutcome { dialog, result }))
        });
    }

    /// Takes in the end of an export.
    pub(super) fn on_exported(&mut self, outcome: ExportOutcome) {
        match outcome.result {
            Ok((path, rec)) => {
                let text = format!(
                    "Wrote {} and its reconciliation: {} people, {} lines, total {} {}",
                    path.display(),
                    rec.people,
                    rec.lines,
                    crate::money::grouped(rec.total, rec.minor_units),
                    rec.currency
                );
                self.rt.notifications.push(Level::Success, text);
                for warning in &rec.warnings {
                    self.rt.notifications.push(Level::Warning, format!("{}: {warning}", display_name(&path)));
                }
                // An earlier export to this file was interrupted and has just been repaired: that
                // needs reading, not a passing toast.
                if !rec.notes.is_empty() {
                    let title = "An earlier export to this file had been interrupted".to_owned();
                    self.rt.modal = Some(Modal::Message { title, lines: rec.notes.clone() });
                }
            }
            Err(ExportFailure::Exists(path)) => {
                self.rt.modal =
                    Some(Modal::ConfirmOverwrite { path, then: Box::new(PendingWrite::Export(outcome.dialog)) });
            }
            Err(ExportFailure::Failed(e)) => {
                self.rt.notifications.push(Level::Error, format!("Export failed, nothing was written: {e}"));
                self.rt.modal = Some(Modal::Export(outcome.dialog));
            }
        }
    }
}

/// The export, on its job: the plan file's bytes (checked to be the plan computed), then the
/// payroll file and its reconciliation through [`export::write_with_reconciliation`].
/// The payouts an export writes: the plan's (its whole period), or one pay period of a plan
/// year as the Plan year window computed it.
enum Payouts {
    Whole(Arc<crate::engine::PayoutReport>),
    Period(Arc<crate::ui::panels::year::YearShown>),
}

impl Payouts {
    fn report(&self) -> &crate::engine::PayoutReport {
        match self {
            Self::Whole(r) => r,
            Self::Period(shown) => &shown.result.report,
        }
    }
}

/// What the reconciliation of an export from the app says besides people's payouts, as
/// `carrot export` says it: deals of the deal list left out (`deals`), and for a pay period of
/// a plan year, computed without the ledger it needs or restating a reopened period
/// ([`export::period`]).
pub(super) fn add_notes(
    rec: &mut Reconciliation,
    plan: &plan::Plan,
    period: Option<&crate::ui::panels::year::YearShown>,
    deals: &[String],
) {
    rec.checks.extend(deals.iter().cloned());
    let Some(shown) = period else { return };
    let name = &shown.result.period.name;
    let hint = format!(
        "export only the difference instead, with the command line (carrot export --period {name} --ledger \
         LEDGER.json --difference)"
    );
    rec.checks.extend(export::period::checks(plan, &shown.result, shown.ledger.as_ref(), &hint));
    if let Some(r) = shown.ledger.as_ref().and_then(|l| export::period::restatement(l, name)) {
        r.list_in(rec);
    }
}

#[expect(clippy::too_many_arguments, reason = "a private job taking what the dialog gathered")]
fn export_job(
    plan: &plan::Plan,
    source: &PlanSource,
    payouts: &Payouts,
    deals: &[String],
    pay_date: chrono::NaiveDate,
    dialog: &ExportDialog,
    path: &std::path::Path,
    overwrite: Overwrite,
) -> Result<(PathBuf, Reconciliation), ExportFailure> {
    let plan_bytes = match source {
        PlanSource::File(p) => {
            let bytes = std::fs::read(p)
                .map_err(|e| ExportFailure::Failed(format!("could not read the plan file {}: {e}", p.display())))?;
            let on_disk = std::str::from_utf8(&bytes).ok().and_then(|t| plan::parse(t).ok());
            if on_disk.as_ref() != Some(plan) {
                return Err(ExportFailure::Failed(format!(
                    "{} has changed on disk since it was opened; save the plan again (or reopen it) first",
                    p.display()
                )));
            }
            bytes
        }
        PlanSource::Sample(key) => samples::plan(key).map(|s| s.text.as_bytes().to_vec()).unwrap_or_default(),
        PlanSource::New => return Err(ExportFailure::Failed("save the plan before exporting".to_owned())),
    };
    // The file dialog asked before replacing the payroll file; it did not ask about the
    // reconciliation next to it.
    let reconciliation = export::reconciliation_path(path);
    if overwrite == Overwrite::Refuse && !path.exists() && reconciliation.exists() {
        return Err(ExportFailure::Exists(reconciliation));
    }
    let overwrite = if path.exists() { Overwrite::Allow } else { overwrite };
    let request = ExportRequest {
        plan,
        report: payouts.report(),
        pay_date,
        template: dialog.template,
        settings: &dialog.settings,
        plan_bytes: &plan_bytes,
    };
    let (bytes, mut rec) = export::render(&request).map_err(|e| ExportFailure::Failed(e.to_string()))?;
    let period = match payouts {
        Payouts::Period(shown) => Some(&**shown),
        Payouts::Whole(_) => None,
    };
    add_notes(&mut rec, plan, period, deals);
    export::write_rendered((bytes, rec), path, overwrite)
        .map(|rec| (path.to_path_buf(), rec))
        .map_err(|e| ExportFailure::Failed(e.to_string()))
}

/// The files the import dialogs offer: CSV and spreadsheets.
const TABLE_EXTENSIONS: &[&str] = &["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "ods"];

/// The roster reference of a file imported as it is.
pub(super) fn plain_reference(path: PathBuf, mapping: crate::roster::HeaderMapping) -> RosterRef {
    RosterRef { mapping, ..RosterRef::as_is(RosterOrigin::File(path)) }
}

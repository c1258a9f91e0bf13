//! What runs around the frame: finished jobs and computations are taken in before drawing
//! ([`CarrotApp::poll`], from `App::logic`); after drawing, this frame's edits go to the workers,
//! and the background work the panels asked for is started ([`CarrotApp::after_frame`]).

use std::sync::Arc;

use super::commands::plain_reference;
use super::{CarrotApp, JobOutput, Modal, display_name};
use crate::ui::command::AppCommand;
use crate::ui::compute::Request;
use crate::ui::doc::{PlanDoc, PlanResult, PlanSource};
use crate::ui::jobs::{JobKind, Poll, spawn_job};
use crate::ui::notify::Level;
use crate::ui::panels;
use crate::ui::state::Tab;

impl CarrotApp {
    /// Applies finished jobs and computations (in `logic`, before drawing).
    pub fn poll(&mut self, ctx: &egui::Context) {
        let jobs = std::mem::take(&mut self.rt.jobs);
        let mut outputs = Vec::new();
        for job in jobs {
            match job.poll() {
                Poll::Pending => self.rt.jobs.push(job),
                Poll::Ready(out) => outputs.push(out),
                Poll::Lost => {
                    if job.kind == JobKind::ImportRoster {
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
        self.poll_rows();
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
                            labels: c.labels,
                        });
                        super::drop_off_thread(old);
                        self.rt.last_compute = Some(resp.elapsed);
                    }
                    Err(problems) => doc.problems = problems,
                }
            }
        }
        self.request_computations();
        self.simulate();
        self.compare_period(ctx);
        self.check_actuals();
        if self.rt.modal.is_none() {
            self.next_roster(ctx);
        }
    }

    /// After the frame: feeds the undo history, sends this frame's edits to the compute worker,
    /// starts the work the panels asked for, and autosaves.
    pub(super) fn after_frame(&mut self, ctx: &egui::Context) {
        let time = ctx.input(|i| i.time);
        for doc in &mut self.rt.docs {
            doc.undoer.feed_state(time, &doc.plan);
        }
        // This frame's edits go to the compute worker now rather than at the next frame.
        self.request_computations();
        self.start_rows(ctx);
        self.check_export(ctx);
        self.check_joins(ctx);
        self.rt.notifications.expire(time);
        self.autosave(ctx);
        self.drive_screenshot_script(ctx);
    }

    fn on_job(&mut self, ctx: &egui::Context, out: JobOutput) {
        match out {
            JobOutput::Picked(pick, paths) => self.on_picked(ctx, pick, paths),
            JobOutput::PlansLoaded(results) => self.on_plans_loaded(results),
            JobOutput::PlanSaved { id, path, plan, result } => self.on_plan_saved(ctx, id, path, *plan, result),
            JobOutput::RecipeRead { path, result } => self.on_recipe_read(ctx, path, result),
            JobOutput::JoinsChecked { reference, result } => {
                if let Some(Modal::Mapping(dialog)) = &mut self.rt.modal {
                    dialog.check = Some((reference, panels::dialogs::JoinCheck::of(result)));
                }
            }
            JobOutput::RosterPreviewed { path, result, chosen, ask } => match result {
                Err(e) if chosen.as_ref().is_some_and(|c| c.from_dialog) => {
                    // A sheet or header row chosen in the mapping step that does not read: say so
                    // there, keeping the step.
                    if let Some(Modal::Mapping(dialog)) = &mut self.rt.modal {
                        dialog.problem = Some(e);
                    } else {
                        self.rt.modal = Some(Modal::Message {
                            title: format!("Could not read {}", display_name(&path)),
                            lines: vec![e],
                        });
                    }
                }
                Err(e) => {
                    self.rt.modal = Some(Modal::Message {
                        title: format!("Could not read {}", display_name(&path)),
                        lines: vec![e],
                    });
                }
                Ok(preview) => {
                    let first_headers =
                        chosen.as_ref().map_or_else(|| preview.headers.clone(), |c| c.first_headers.clone());
                    let recipe = self.state.recipe_for(&first_headers).cloned();
                    // A remembered sheet or header row: read the file again with them first.
                    if let (None, Some(r)) = (&chosen, &recipe)
                        && (r.header_row.is_some()
                            || r.sheet.as_ref().is_some_and(|s| Some(s) != preview.sheet.as_ref()))
                    {
                        let choice = super::PreviewChoice {
                            sheet: r.sheet.clone(),
                            header_row: r.header_row,
                            first_headers,
                            from_dialog: false,
                        };
                        self.preview_roster(ctx, path, Some(choice), ask);
                        return;
                    }
                    let remembered_joins = recipe.as_ref().map(|r| r.joins.clone()).unwrap_or_default();
                    let from_dialog = chosen.as_ref().is_some_and(|c| c.from_dialog);
                    let (sheet, header_row) = chosen.as_ref().map_or((None, None), |c| (c.sheet.clone(), c.header_row));
                    let remembered_dates = recipe.as_ref().and_then(|r| r.date_format.clone());
                    let remembered_decimal = recipe.as_ref().map(|r| r.decimal);
                    let remembered = recipe.map(|r| r.mapping);
                    // The file's columns as they would be read, and the roles of its first rows.
                    let columns: Vec<String> = preview
                        .headers
                        .iter()
                        .zip(&preview.mapped)
                        .map(|(h, m)| {
                            remembered
                                .as_ref()
                                .and_then(|r| r.0.get(h).cloned())
                                .or_else(|| m.clone())
                                .unwrap_or_else(|| crate::roster::values::normalize_header(h))
                        })
                        .collect();
                    let roles: Vec<String> = columns
                        .iter()
                        .position(|c| c == "role")
                        .map(|i| preview.rows.iter().filter_map(|r| r.get(i).map(|v| v.trim().to_owned())).collect())
                        .unwrap_or_default();
                    let wanted = self.metrics_missing_for(&roles, &columns);
                    // Columns that could be what the plans need: neither Carrot's own nor a name
                    // the plans read. Without one there is nothing to map, so nothing to ask.
                    let known = self.plan_metric_names();
                    let free = columns
                        .iter()
                        .any(|c| !crate::roster::CANONICAL_COLUMNS.contains(&c.as_str()) && !known.contains(c));
                    // Dates that are not ISO are read as the user confirms (the step guesses the
                    // format from the first rows), unless the format remembered for files of this
                    // shape reads them all; a date no common format reads is listed with the bad
                    // rows, as before.
                    let date_cells = preview.cells(&columns, crate::roster::is_date_column);
                    let dates_to_confirm = match &remembered_dates {
                        Some(format) => date_cells
                            .filter(|c| !c.trim().is_empty())
                            .any(|c| crate::roster::values::parse_date(c, Some(format)).is_err()),
                        None => matches!(
                            crate::roster::values::guess_date_format(date_cells),
                            crate::roster::values::DateGuess::Fits(_)
                        ),
                    };
                    // Numbers the file's delimiter suggests the wrong decimal separator for.
                    let remembered_decimal = remembered_decimal.unwrap_or_default();
                    let number_cells = preview.cells(&columns, crate::roster::holds_numbers);
                    let decimal_to_confirm =
                        crate::roster::guess_decimal(number_cells, remembered_decimal.mark(preview.delimiter))
                            .is_some();
                    // Metrics files and deal lists remembered are shown before they are read again
                    // (the next export of this shape may come with other files).
                    let ask = ask
                        || from_dialog
                        || dates_to_confirm
                        || decimal_to_confirm
                        || !preview.missing.is_empty()
                        || !remembered_joins.metrics.is_empty()
                        || remembered_joins.deals.is_some()
                        || (!wanted.is_empty() && free && remembered.is_none());
                    if !ask {
                        let mut reference = plain_reference(path, remembered.unwrap_or_default());
                        reference.sheet = sheet;
                        reference.header_row = header_row;
                        reference.joins = remembered_joins;
                        reference.date_format = remembered_dates;
                        reference.decimal = remembered_decimal;
                        self.import_roster(ctx, reference);
                    } else {
                        let metrics = self.plan_metric_names();
                        let mut dialog = panels::dialogs::MappingDialog::new(path, preview, remembered, metrics);
                        dialog.wanted = wanted;
                        dialog.first_headers = first_headers;
                        if remembered_dates.is_some() {
                            dialog.date_format = remembered_dates;
                            dialog.said.dates = true;
                        }
                        if remembered_decimal != crate::roster::DecimalSeparator::Auto {
                            dialog.decimal = remembered_decimal;
                            dialog.said.decimal = true;
                        }
                        dialog.header_row = header_row.map(|r| r.to_string()).unwrap_or_default();
                        dialog.period = self.selected_doc().map(|d| {
                            (
                                crate::roster::deals::Period { start: d.plan.period.start, end: d.plan.period.end },
                                d.plan.name.clone(),
                            )
                        });
                        dialog.pay_periods = self.selected_doc().map_or_else(Vec::new, |d| {
                            crate::year::PlanYear::of(&d.plan).map_or_else(
                                |_| Vec::new(),
                                |y| {
                                    y.periods
                                        .into_iter()
                                        .map(|p| (p.name, crate::roster::deals::Period { start: p.start, end: p.end }))
                                        .collect()
                                },
                            )
                        });
                        match self.rt.modal.take() {
                            // The same step, read again with another sheet or header row.
                            Some(Modal::Mapping(old)) if from_dialog && old.path == dialog.path => {
                                let period = dialog.period.take();
                                dialog.carry_over(*old);
                                dialog.period = period;
                            }
                            other => {
                                self.rt.modal = other;
                                dialog.set_joins(&remembered_joins);
                            }
                        }
                        self.rt.modal = Some(Modal::Mapping(Box::new(dialog)));
                    }
                }
            },
            JobOutput::RosterImported { reference, name, result } => {
                self.on_roster_imported(ctx, reference, name, result);
            }
            JobOutput::Merged(merged) => self.on_merged(*merged),
            JobOutput::Opened(opened) => self.on_opened(ctx, *opened),
            JobOutput::ExportChecked { key, result, to_check } => {
                if let Some(Modal::Export(dialog)) = &mut self.rt.modal {
                    dialog.check = Some((key, *result));
                    dialog.to_check = to_check;
                }
            }
            JobOutput::Exported(outcome) => self.on_exported(*outcome),
            JobOutput::Autosaved { id, revision, result } => match result {
                Ok(_) => {
                    if let Some(doc) = self.doc_mut(id) {
                        doc.autosave.written = Some(revision);
                    }
                }
                Err(e) => self.rt.notifications.push(Level::Error, format!("Could not autosave an unsaved plan: {e}")),
            },
            JobOutput::Wrote { what, path, result } => match result {
                Ok(()) => self.rt.notifications.push(Level::Success, format!("Saved the {what} to {}", path.display())),
                Err(e) => self.rt.notifications.push(Level::Error, format!("Could not save the {what}: {e}")),
            },
            JobOutput::RecoveryFound { found, unreadable } => self.on_recovery_found(found, unreadable),
            JobOutput::Deleted => {}
            JobOutput::YearComputed(result) => self.on_year_computed(*result),
            JobOutput::YearClosed(result) => self.on_year_closed(ctx, result),
            JobOutput::ComparePeriod(figures) => self.rt.compare.receive(*figures),
            JobOutput::Screenshot { image, path, crop } => self.write_screenshot(ctx, image, path, crop),
        }
    }

    /// Runs the behaviour simulation the Behaviour view needs (only while it is on screen).
    fn simulate(&mut self) {
        let Some(sim) = &self.rt.sim else { return };
        for resp in sim.drain() {
            self.rt.behaviour.receive(resp.key, resp.result, resp.elapsed, resp.fit);
        }
        if !self.rt.opened || self.state.tab != Tab::Behaviour {
            return;
        }
        let roster = Arc::clone(&self.rt.rosters.merged);
        if let Some(req) = self.rt.behaviour.wanted(&self.rt.docs, &roster, self.rt.rosters.revision) {
            sim.request(req);
        }
    }

    /// Says, in each view that computes one pay period of a plan year, when the rosters are not
    /// that period's actuals: a deal list counted over other dates.
    fn check_actuals(&mut self) {
        let rt = &mut self.rt;
        // What the Plan year window's figures must have been computed on to be closed.
        rt.year.revisions =
            rt.selected.and_then(|id| rt.docs.iter().find(|d| d.id == id)).map(|d| (d.revision, rt.rosters.revision));
        if !rt.rosters.sources.iter().any(|s| s.reference.joins.deals.is_some()) {
            rt.year.actuals = None;
            rt.compare.actuals = None;
            rt.behaviour.actuals = None;
            rt.year_figures = None;
            return;
        }
        let (docs, rosters) = (&rt.docs, &rt.rosters);
        let why = |plan: Option<&crate::plan::Plan>, name: Option<&str>| {
            let period = crate::year::pay_period(plan?, name?)?;
            rosters.deals_elsewhere(&period.name, period.start, period.end)
        };
        let selected = rt.selected.and_then(|id| docs.iter().find(|d| d.id == id)).map(|d| &d.plan);
        // The main view computes a plan year over its whole period.
        rt.year_figures = selected
            .filter(|p| p.schedule.is_some())
            .and_then(|p| rosters.deals_elsewhere(super::workspace::WHOLE_PLAN_YEAR, p.period.start, p.period.end));
        rt.year.actuals =
            if rt.year.open { why(selected, rt.year.periods.get(rt.year.period).map(String::as_str)) } else { None };
        let first = |ids: &[crate::ui::doc::PlanId]| {
            ids.first().and_then(|id| docs.iter().find(|d| d.id == *id)).map(|d| &d.plan)
        };
        rt.compare.actuals = why(first(&rt.compare.plans), rt.compare.scope.period());
        let baseline = rt.behaviour.baseline.and_then(|id| docs.iter().find(|d| d.id == id)).map(|d| &d.plan);
        rt.behaviour.actuals = why(baseline, rt.behaviour.scope.period());
    }

    /// Computes the pay period the Compare view shows, on a job (only while it is on screen).
    fn compare_period(&mut self, ctx: &egui::Context) {
        if !self.rt.opened || self.state.tab != Tab::Compare {
            return;
        }
        let roster = Arc::clone(&self.rt.rosters.merged);
        let Some(request) = self.rt.compare.wanted(&self.rt.docs, &roster, self.rt.rosters.revision) else { return };
        let label = format!("Computing {}", request.key.period);
        self.spawn(ctx, JobKind::ComparePeriod, label, move || JobOutput::ComparePeriod(Box::new(request.compute())));
    }

    /// Checks every plan that changed (or whose roster did), and sends the valid ones to the
    /// compute worker.
    fn request_computations(&mut self) {
        let Some(compute) = &self.rt.compute else { return };
        if !self.rt.opened {
            return;
        }
        let names = self.rt.rosters.names();
        let roster_revision = self.rt.rosters.revision;
        for doc in &mut self.rt.docs {
            doc.sync(names);
            let key = (doc.revision, roster_revision);
            if doc.requested == Some(key) || doc.has_errors() {
                continue;
            }
            doc.requested = Some(key);
            compute.request(Request {
                plan_id: doc.id,
                plan_revision: doc.revision,
                roster_revision,
                plan: doc.plan.clone(),
                roster: Arc::clone(&self.rt.rosters.merged),
            });
        }
    }

    /// Starts filtering and sorting the payouts rows the table asked for (one job at a time;
    /// the newest query wins).
    fn start_rows(&mut self, ctx: &egui::Context) {
        let Some(key) = self.rt.payouts.wanted_rows.take() else { return };
        if self.rt.payouts.pending_rows.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let Some(report) = self
            .rt
            .docs
            .iter()
            .find(|d| d.id == key.plan)
            .and_then(|d| d.result.as_ref())
            .filter(|r| (r.plan_revision, r.roster_revision) == key.result)
            .map(|r| Arc::clone(&r.report))
        else {
            return;
        };
        let query = key.query.clone();
        match spawn_job(ctx, JobKind::SortRows, "Sorting", move || panels::payouts::build_rows(&report, &query)) {
            Ok(job) => self.rt.payouts.pending_rows = Some((key, job)),
            Err(e) => self.rt.notifications.push(Level::Error, format!("Could not sort the table: {e}")),
        }
    }

    /// Takes in sorted rows.
    fn poll_rows(&mut self) {
        let view = &mut self.rt.payouts;
        let Some((key, job)) = view.pending_rows.take() else { return };
        match job.poll() {
            Poll::Pending => view.pending_rows = Some((key, job)),
            Poll::Ready(rows) => {
                view.rows = rows;
                view.rows_key = Some(key);
            }
            // The thread is gone without an answer: the view asks again.
            Poll::Lost => {}
        }
    }

    /// Starts the import step's check of its joins when what it would import changed (one at a
    /// time): the roster read with its metrics files, deal list and value maps, as the import
    /// would read it, so their warnings and bad cells show before importing.
    fn check_joins(&mut self, ctx: &egui::Context) {
        let Some(Modal::Mapping(dialog)) = &self.rt.modal else { return };
        if !dialog.ready() || dialog.joins_for_import().is_empty() {
            return;
        }
        let reference = dialog.reference();
        if dialog.check.as_ref().is_some_and(|(k, _)| *k == reference) || self.is_running(JobKind::CheckJoins) {
            return;
        }
        // As the import will read it: with the columns the open plans read.
        let plans = self.open_plans();
        self.spawn(ctx, JobKind::CheckJoins, "Checking the joins", move || {
            let result = super::read_roster(&reference, &plans);
            JobOutput::JoinsChecked { reference, result }
        });
    }

    /// Takes a recipe loaded in the import step; a sheet or header row of its own reads the
    /// file again.
    fn on_recipe_read(
        &mut self,
        ctx: &egui::Context,
        path: std::path::PathBuf,
        result: Result<crate::roster::recipe::Recipe, String>,
    ) {
        let Some(Modal::Mapping(dialog)) = &mut self.rt.modal else { return };
        let recipe = match result {
            Ok(r) => r,
            Err(e) => {
                dialog.problem = Some(e);
                return;
            }
        };
        dialog.apply_recipe(&recipe);
        self.rt.notifications.push(Level::Info, format!("Applied the recipe {}", display_name(&path)));
        let sheet_differs = recipe.sheet.as_ref().is_some_and(|s| Some(s) != dialog.preview.sheet.as_ref());
        let row_differs = recipe.header_row.is_some_and(|r| r != dialog.preview.header_line);
        if sheet_differs || row_differs {
            let choice = super::PreviewChoice {
                sheet: recipe.sheet.clone().or_else(|| dialog.preview.sheet.clone()),
                header_row: recipe.header_row,
                first_headers: dialog.first_headers.clone(),
                from_dialog: true,
            };
            let file = dialog.path.clone();
            self.preview_roster(ctx, file, Some(choice), false);
        }
    }

    /// Starts the export dialog's check when what it would export changed (one at a time).
    fn check_export(&mut self, ctx: &egui::Context) {
        let Some(Modal::Export(dialog)) = &self.rt.modal else { return };
        if self.is_running(JobKind::ExportPreview) {
            return;
        }
        let Some(doc) = self.doc(dialog.plan).filter(|d| !d.has_errors()) else { return };
        let Some(key) = dialog.key(doc) else { return };
        if dialog.check.as_ref().is_some_and(|(k, _)| *k == key) {
            return;
        }
        let plan = doc.plan.clone();
        // A pay period of a plan year, or the plan's whole period.
        let period = dialog.period.clone();
        let whole = match (&period, &doc.result) {
            (Some(_), _) => None,
            (None, Some(result)) => Some(Arc::clone(&result.report)),
            (None, None) => return,
        };
        let (template, settings, pay_date) = (dialog.template, dialog.settings.clone(), key.pay_date);
        let deals = self.rt.rosters.deals_left_out(period.as_ref().map(|s| s.result.period.name.as_str()));
        self.spawn(ctx, JobKind::ExportPreview, "Checking the export", move || {
            let bytes = crate::plan::to_json(&plan).into_bytes();
            let Some(report) = period.as_ref().map(|s| &s.result.report).or(whole.as_deref()) else {
                return JobOutput::ExportChecked {
                    key,
                    result: Box::new(Err("nothing to export".to_owned())),
                    to_check: Vec::new(),
                };
            };
            let request = crate::export::ExportRequest {
                plan: &plan,
                report,
                pay_date,
                template,
                settings: &settings,
                plan_bytes: &bytes,
            };
            // What `carrot export` adds to the reconciliation: deals left out, a pay period
            // computed without its ledger or restating a reopened one.
            let mut notes = crate::export::Reconciliation { minor_units: report.minor_units, ..Default::default() };
            super::commands::add_notes(&mut notes, &plan, period.as_deref(), &deals);
            let result = crate::export::render(&request)
                .map(|(_, mut rec)| {
                    rec.checks.clone_from(&notes.checks);
                    rec.restatement.clone_from(&notes.restatement);
                    rec.restatement_heading.clone_from(&notes.restatement_heading);
                    rec
                })
                .map_err(|e| e.to_string());
            // What the reconciliation would ask a reviewer to look at, shown beside a refusal
            // too: fixing the refusal should not be the first time they are seen.
            let to_check = match &result {
                Ok(rec) => rec
                    .checks
                    .iter()
                    .chain(&rec.restatement)
                    .chain(&rec.paid_warnings)
                    .chain(&rec.warnings)
                    .cloned()
                    .collect(),
                Err(_) => notes
                    .checks
                    .into_iter()
                    .chain(notes.restatement)
                    .chain(crate::engine::warnings::PaidWarnings::of(&report.employees).lines())
                    .chain(crate::export::warnings(&request))
                    .collect(),
            };
            JobOutput::ExportChecked { key, result: Box::new(result), to_check }
        });
    }

    /// Writes plans with unsaved changes to the recovery folder once editing pauses.
    fn autosave(&mut self, ctx: &egui::Context) {
        let Some(dir) = self.rt.recovery_dir.clone() else { return };
        if self.rt.discarded {
            // The user chose to lose the changes and quit: nothing more to recover.
            return;
        }
        let now = ctx.input(|i| i.time);
        let mut writes = Vec::new();
        let mut clean = Vec::new();
        // The soonest a pending write falls due: a frame is asked for then, as an idle window
        // draws no frame of its own (and a crash would otherwise lose the edit).
        let mut next: Option<f64> = None;
        for doc in &mut self.rt.docs {
            if !doc.is_dirty() {
                if doc.autosave.written.is_some() {
                    clean.push(doc.id);
                }
                continue;
            }
            let seen = doc.autosave.changed.get_or_insert((doc.revision, now));
            if seen.0 != doc.revision {
                *seen = (doc.revision, now);
            }
            let waited = now - seen.1;
            let due = waited >= crate::ui::recovery::AUTOSAVE_DELAY_SECONDS;
            if doc.autosave.written == Some(doc.revision) {
                continue;
            }
            if due {
                // Marked now so the same revision is not queued twice while the write runs.
                doc.autosave.written = Some(doc.revision);
                writes.push((doc.id, doc.revision, recovered(doc)));
            } else {
                let left = crate::ui::recovery::AUTOSAVE_DELAY_SECONDS - waited;
                next = Some(next.map_or(left, |n: f64| n.min(left)));
            }
        }
        if let Some(left) = next {
            ctx.request_repaint_after(std::time::Duration::from_secs_f64(left.max(0.0)));
        }
        for id in clean {
            // Back to the saved state (e.g. undone): nothing to recover any more.
            self.forget_recovery(ctx, id);
        }
        for (id, revision, recovered) in writes {
            let dir = dir.clone();
            self.spawn(ctx, JobKind::Autosave(id), "Autosaving", move || JobOutput::Autosaved {
                id,
                revision,
                result: crate::ui::recovery::write(&dir, id.0, &recovered),
            });
        }
    }

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
        let behaviour = &self.rt.behaviour;
        let simulating = self.state.tab == Tab::Behaviour
            && (behaviour.is_running() || (behaviour.result.is_none() && behaviour.failed().is_none()));
        if simulating && self.rt.frames_since_open >= 20 {
            ctx.request_repaint();
            return;
        }
        self.rt.frames_since_open += 1;
        match self.rt.frames_since_open {
            1 => {
                self.state.tab = script.tab;
                if let Some(theme) = script.theme {
                    ctx.set_theme(theme);
                }
                if script.meeting && !self.rt.meeting_mode {
                    self.run_command(ctx, AppCommand::ToggleMeetingMode);
                }
                if let Some(id) = &script.person {
                    self.rt.payouts.selected = self.rt.rosters.merged.employees.iter().position(|e| *e.id == **id);
                }
            }
            // Let layout and any animation settle before the picture.
            30 => self.save_view_png(ctx, script.path.clone(), None),
            n if n > 30 && self.rt.jobs.is_empty() && self.rt.screenshot_job.is_none() => {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            }
            _ => {}
        }
        ctx.request_repaint();
    }
}

/// What the recovery file of an unsaved plan holds.
fn recovered(doc: &PlanDoc) -> crate::ui::recovery::Recovered {
    crate::ui::recovery::Recovered {
        file: match &doc.source {
            PlanSource::File(p) => Some(p.clone()),
            _ => None,
        },
        sample: match &doc.source {
            PlanSource::Sample(k) => Some((*k).to_owned()),
            _ => None,
        },
        plan_json: crate::plan::to_json(&doc.plan),
    }
}

//! Modal dialogs: confirmations, renaming, the roster mapping step, bad rows, and export.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::super::app::{Action, Modal, PendingWrite, Runtime};
use super::super::doc::PlanId;
use super::super::state::{PersistedState, RosterOrigin, RosterRef};
use super::super::theme;
use super::super::widgets;
use crate::export::{self, PayrollSettings, Reconciliation, Setting, Template};
use crate::money;
use crate::roster::{CANONICAL_COLUMNS, HeaderMapping, Preview, RowIssue};

/// The column-mapping step for a roster whose headers don't match.
pub struct MappingDialog {
    /// The file.
    pub path: PathBuf,
    /// Its header and first rows.
    pub preview: Preview,
    /// For each header: the canonical column chosen, or `None` to keep it as its own column.
    pub choices: Vec<Option<&'static str>>,
    /// Remember this mapping for files with the same headers.
    pub remember: bool,
}

impl MappingDialog {
    /// Starts the step, pre-filled from a remembered mapping or from the header names.
    pub fn new(path: PathBuf, preview: Preview, remembered: Option<HeaderMapping>) -> Self {
        let choices = preview
            .headers
            .iter()
            .zip(&preview.mapped)
            .map(|(header, mapped)| {
                let from_memory = remembered.as_ref().and_then(|m| m.0.get(header)).map(String::as_str);
                let name = from_memory.or(mapped.as_deref());
                name.and_then(|n| CANONICAL_COLUMNS.iter().copied().find(|c| *c == n))
            })
            .collect();
        Self { path, preview, choices, remember: true }
    }

    /// The mapping chosen: every header sent to a canonical column other than its own name.
    pub fn mapping(&self) -> HeaderMapping {
        let mut map = indexmap::IndexMap::new();
        for (header, choice) in self.preview.headers.iter().zip(&self.choices) {
            if let Some(c) = choice
                && crate::roster::values::normalize_header(header) != *c
            {
                map.insert(header.clone(), (*c).to_owned());
            }
        }
        HeaderMapping(map)
    }

    /// Required columns no header is mapped to.
    pub fn missing(&self) -> Vec<&'static str> {
        crate::roster::REQUIRED_COLUMNS.iter().copied().filter(|r| !self.choices.contains(&Some(*r))).collect()
    }

    /// Canonical columns chosen for more than one header.
    pub fn duplicates(&self) -> Vec<&'static str> {
        let mut seen = Vec::new();
        let mut dup = Vec::new();
        for c in self.choices.iter().flatten() {
            if seen.contains(c) {
                if !dup.contains(c) {
                    dup.push(*c);
                }
            } else {
                seen.push(*c);
            }
        }
        dup
    }
}

/// A roster with bad rows: cancel, or import the good rows.
pub struct BadRowsDialog {
    /// The file's name.
    pub name: String,
    /// How it was read.
    pub reference: RosterRef,
    /// Every bad cell.
    pub issues: Vec<RowIssue>,
}

/// The export dialog's choices.
#[derive(Clone)]
pub struct ExportDialog {
    /// Which plan.
    pub plan: PlanId,
    /// Pay date as typed (YYYY-MM-DD).
    pub pay_date_text: String,
    /// Layout.
    pub template: Template,
    /// Where to write.
    pub path: Option<PathBuf>,
    /// The payroll system's settings.
    pub settings: PayrollSettings,
}

impl ExportDialog {
    /// A dialog for `plan`, paid on `pay_date` by default.
    pub fn new(plan: PlanId, pay_date: NaiveDate, template: Template, settings: PayrollSettings) -> Self {
        Self { plan, pay_date_text: pay_date.to_string(), template, path: None, settings }
    }

    /// The pay date, if the text is a valid date.
    pub fn pay_date(&self) -> Option<NaiveDate> {
        self.pay_date_text.trim().parse().ok()
    }
}

/// Shows the open modal, if any; its answers become actions.
pub fn modal_ui(ctx: &egui::Context, rt: &mut Runtime, state: &PersistedState, actions: &mut Vec<Action>) {
    let Some(modal) = rt.modal.take() else { return };
    let keep = match modal {
        Modal::ConfirmClose(id) => confirm_close_ui(ctx, rt, id, actions),
        Modal::ConfirmQuit => confirm_quit_ui(ctx, rt, actions),
        Modal::Rename { id, mut name } => {
            let keep = rename_ui(ctx, id, &mut name, actions);
            keep.then_some(Modal::Rename { id, name })
        }
        Modal::Mapping(mut dialog) => mapping_ui(ctx, &mut dialog, actions).then_some(Modal::Mapping(dialog)),
        Modal::BadRows(dialog) => bad_rows_ui(ctx, &dialog, actions).then_some(Modal::BadRows(dialog)),
        Modal::Export(mut dialog) => export_ui(ctx, rt, &mut dialog, actions).then_some(Modal::Export(dialog)),
        Modal::ConfirmOverwrite { path, then } => confirm_overwrite_ui(ctx, path, then, actions),
        Modal::Message { title, lines } => message_ui(ctx, &title, &lines).then_some(Modal::Message { title, lines }),
        Modal::Recover(found) => recover_ui(ctx, found, actions),
    };
    let _ = state;
    // A dialog may have opened another (e.g. export → confirm overwrite); keep the newer one.
    if rt.modal.is_none() {
        rt.modal = keep;
    }
}

fn confirm_close_ui(ctx: &egui::Context, rt: &Runtime, id: PlanId, actions: &mut Vec<Action>) -> Option<Modal> {
    let name = rt.docs.iter().find(|d| d.id == id).map(|d| d.plan.name.clone()).unwrap_or_default();
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("confirm_close")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!("“{name}” has changes that are not saved. Save them before closing?"));
        ui.horizontal(|ui| {
            if ui.button("Save").on_hover_text("Save the plan, then close it").clicked() {
                actions.push(Action::SaveAndClose(id));
                keep = false;
            }
            if ui.button("Don't save").on_hover_text("Close the plan and lose the changes").clicked() {
                actions.push(Action::Discard(id));
                keep = false;
            }
            if ui.button("Cancel").on_hover_text("Keep the plan open").clicked() {
                keep = false;
            }
        });
    });
    if modal.should_close() {
        keep = false;
    }
    keep.then_some(Modal::ConfirmClose(id))
}

fn confirm_quit_ui(ctx: &egui::Context, rt: &Runtime, actions: &mut Vec<Action>) -> Option<Modal> {
    let dirty: Vec<String> = rt.docs.iter().filter(|d| d.is_dirty()).map(|d| d.plan.name.clone()).collect();
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("confirm_quit")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label("These plans have changes that are not saved:");
        for n in &dirty {
            ui.label(format!("  • {n}"));
        }
        ui.horizontal(|ui| {
            if ui.button("Save all and quit").on_hover_text("Save every changed plan, then quit").clicked() {
                actions.push(Action::SaveAllAndQuit);
                keep = false;
            }
            if ui.button("Quit without saving").on_hover_text("Lose the changes").clicked() {
                actions.push(Action::DiscardAndQuit);
                keep = false;
            }
            if ui.button("Cancel").on_hover_text("Keep working").clicked() {
                keep = false;
            }
        });
    });
    if modal.should_close() {
        keep = false;
    }
    keep.then_some(Modal::ConfirmQuit)
}

fn rename_ui(ctx: &egui::Context, id: PlanId, name: &mut String, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("rename")).show(ctx, |ui| {
        ui.heading("Rename plan");
        let l = ui.label("New name");
        let r = ui.add(egui::TextEdit::singleline(name).desired_width(280.0)).labelled_by(l.id);
        r.request_focus();
        ui.horizontal(|ui| {
            let ok = !name.trim().is_empty();
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ok && (ui.add_enabled(ok, egui::Button::new("Rename")).clicked() || enter) {
                actions.push(Action::Rename(id, name.trim().to_owned()));
                keep = false;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
    });
    keep && !modal.should_close()
}

fn mapping_ui(ctx: &egui::Context, dialog: &mut MappingDialog, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let file = dialog.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let modal = egui::Modal::new(egui::Id::unique("mapping")).show(ctx, |ui| {
        ui.set_max_width(900.0);
        ui.heading(format!("Match the columns of {file}"));
        ui.label(
            "Pick Carrot's column for each of the file's headers. Unmatched numeric columns stay available as metrics.",
        );
        let t = theme::tokens(ui);
        egui::ScrollArea::both().max_height(360.0).show(ui, |ui| {
            egui::Grid::new("mapping_grid").striped(true).num_columns(dialog.preview.headers.len() + 1).show(
                ui,
                |ui| {
                    ui.label(egui::RichText::new("File header").strong());
                    for h in &dialog.preview.headers {
                        ui.label(egui::RichText::new(h).strong());
                    }
                    ui.end_row();
                    ui.label(egui::RichText::new("Carrot column").strong());
                    for (i, h) in dialog.preview.headers.iter().enumerate() {
                        let Some(choice) = dialog.choices.get_mut(i) else { continue };
                        let own = crate::roster::values::normalize_header(h);
                        let shown = choice.map_or_else(|| format!("(keep as {own})"), str::to_owned);
                        egui::ComboBox::from_id_salt(("map", i))
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(choice, None, format!("(keep as {own})"));
                                for c in CANONICAL_COLUMNS {
                                    ui.selectable_value(choice, Some(*c), *c);
                                }
                            })
                            .response
                            .accessible_name(format!("Column for {h}"));
                    }
                    ui.end_row();
                    for row in &dialog.preview.rows {
                        ui.label("");
                        for cell in row {
                            ui.label(widgets_short(cell));
                        }
                        ui.end_row();
                    }
                },
            );
        });
        let missing = dialog.missing();
        let duplicates = dialog.duplicates();
        if !missing.is_empty() {
            ui.colored_label(t.error, format!("Still needed: {}", missing.join(", ")));
        }
        if !duplicates.is_empty() {
            ui.colored_label(t.error, format!("Chosen twice: {}", duplicates.join(", ")));
        }
        ui.checkbox(&mut dialog.remember, "Remember this mapping for files with the same headers");
        ui.horizontal(|ui| {
            let ok = missing.is_empty() && duplicates.is_empty();
            if ui
                .add_enabled(ok, egui::Button::new("Import"))
                .on_hover_text("Import the file with this mapping")
                .on_disabled_hover_text("Match every required column once first")
                .clicked()
            {
                actions.push(Action::ImportMapped {
                    reference: RosterRef {
                        origin: RosterOrigin::File(dialog.path.clone()),
                        mapping: dialog.mapping(),
                        date_format: None,
                        decimal: Default::default(),
                        skip_bad_rows: false,
                    },
                    remember: dialog.remember.then(|| dialog.preview.headers.clone()),
                });
                keep = false;
            }
            if ui.button("Save mapping…").on_hover_text("Save as a JSON file for `carrot --mapping`").clicked() {
                actions.push(Action::SaveMapping);
            }
            if ui.button("Cancel").on_hover_text("Import nothing").clicked() {
                actions.push(Action::CancelImport);
                keep = false;
            }
        });
    });
    if modal.should_close() && keep {
        actions.push(Action::CancelImport);
        keep = false;
    }
    keep
}

fn widgets_short(cell: &str) -> String {
    crate::roster::values::shorten(cell, 24)
}

fn bad_rows_ui(ctx: &egui::Context, dialog: &BadRowsDialog, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("bad_rows")).show(ctx, |ui| {
        ui.set_max_width(860.0);
        ui.heading(format!("{} has {} bad cell(s)", dialog.name, dialog.issues.len()));
        ui.label("Nothing is imported yet. Fix the file and import it again, or import the rows without problems.");
        let rows = dialog.issues.len();
        let height = ui.text_style_height(&egui::TextStyle::Body);
        egui::Grid::new("bad_rows_head").num_columns(4).min_col_width(80.0).show(ui, |ui| {
            for h in ["Line", "Column", "Value", "Reason"] {
                ui.label(egui::RichText::new(h).strong());
            }
        });
        egui::ScrollArea::vertical().max_height(320.0).show_rows(ui, height, rows, |ui, range| {
            egui::Grid::new("bad_rows").num_columns(4).striped(true).min_col_width(80.0).show(ui, |ui| {
                for issue in dialog.issues.iter().skip(range.start).take(range.len()) {
                    ui.label(issue.line.to_string());
                    ui.label(&issue.column);
                    ui.label(crate::roster::values::shorten(&issue.value, 30));
                    ui.label(&issue.reason);
                    ui.end_row();
                }
            });
        });
        ui.horizontal(|ui| {
            if ui
                .button("Import the good rows")
                .on_hover_text("Import everyone else and list the rows left out")
                .clicked()
            {
                actions.push(Action::ImportGoodRows(dialog.reference.clone()));
                keep = false;
            }
            if ui.button("Cancel").on_hover_text("Import nothing").clicked() {
                actions.push(Action::CancelImport);
                keep = false;
            }
        });
    });
    if modal.should_close() && keep {
        actions.push(Action::CancelImport);
        keep = false;
    }
    keep
}

fn export_ui(ctx: &egui::Context, rt: &Runtime, dialog: &mut ExportDialog, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("export")).show(ctx, |ui| {
        ui.set_max_width(620.0);
        ui.heading("Export payroll");
        let t = theme::tokens(ui);
        egui::Grid::new("export_grid").num_columns(2).spacing([10.0, 8.0]).show(ui, |ui| {
            let l = ui.label("Plan");
            let current = rt.docs.iter().find(|d| d.id == dialog.plan).map(|d| d.plan.name.clone()).unwrap_or_default();
            egui::ComboBox::from_id_salt("export_plan")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    for d in &rt.docs {
                        ui.selectable_value(&mut dialog.plan, d.id, &d.plan.name);
                    }
                })
                .response
                .labelled_by(l.id);
            ui.end_row();
            let l = ui.label("Pay date");
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut dialog.pay_date_text).desired_width(110.0))
                    .labelled_by(l.id)
                    .on_hover_text("The payment date written in the file, YYYY-MM-DD");
                if dialog.pay_date().is_none() {
                    ui.colored_label(t.error, "write the date as YYYY-MM-DD");
                }
            });
            ui.end_row();
            let l = ui.label("Template");
            egui::ComboBox::from_id_salt("export_template")
                .selected_text(dialog.template.name())
                .show_ui(ui, |ui| {
                    for tmpl in Template::ALL {
                        ui.selectable_value(&mut dialog.template, tmpl, tmpl.name());
                    }
                })
                .response
                .labelled_by(l.id)
                .on_hover_text("The layout your payroll system imports");
            ui.end_row();
            for setting in PayrollSettings::used_by(dialog.template) {
                let required = PayrollSettings::required_for(dialog.template).contains(setting);
                let l = ui.label(if required { format!("{} *", setting.label()) } else { setting.label().to_owned() });
                setting_ui(ui, &mut dialog.settings, *setting, l.id);
                ui.end_row();
            }
            ui.label("File");
            ui.horizontal(|ui| {
                let shown = dialog.path.as_ref().map_or_else(|| "not chosen".to_owned(), |p| p.display().to_string());
                ui.label(shown);
                if ui.button("Choose file…").on_hover_text("Where to write the payroll file").clicked() {
                    actions.push(Action::ChooseExportFile);
                }
            });
            ui.end_row();
        });
        ui.separator();
        let doc = rt.docs.iter().find(|d| d.id == dialog.plan);
        let setting_problems = dialog.settings.check(dialog.template);
        let summary: Result<Reconciliation, String> = match doc {
            None => Err("the plan is no longer open".to_owned()),
            Some(_) if !setting_problems.is_empty() => {
                Err(setting_problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
            }
            Some(d) if d.has_errors() => Err("the plan has problems; fix them in the editor first".to_owned()),
            Some(d) if d.is_stale(rt.rosters.revision) => Err("the payouts are being recomputed…".to_owned()),
            Some(d) => match &d.result {
                None => Err("the payouts are being computed…".to_owned()),
                Some(r) => export::payroll_lines(&d.plan, &r.report, dialog.template)
                    .map(|lines| export::reconcile(&lines, &r.report))
                    .map_err(|e| e.to_string()),
                // (the template-specific checks run again, in full, when the file is written)
            },
        };
        match &summary {
            Ok(rec) => {
                ui.label(egui::RichText::new("The file will contain").strong());
                ui.label(format!("{} people, {} lines", rec.people, rec.lines));
                egui::Grid::new("export_codes").num_columns(2).show(ui, |ui| {
                    for (code, total) in &rec.by_code {
                        ui.label(code);
                        ui.label(money::grouped(*total, rec.minor_units));
                        ui.end_row();
                    }
                    ui.label(egui::RichText::new("Grand total").strong());
                    ui.label(
                        egui::RichText::new(format!("{} {}", money::grouped(rec.total, rec.minor_units), rec.currency))
                            .strong(),
                    );
                    ui.end_row();
                });
            }
            Err(e) => {
                ui.colored_label(t.error, e);
            }
        }
        ui.separator();
        ui.horizontal(|ui| {
            let ready = summary.is_ok() && dialog.pay_date().is_some() && dialog.path.is_some();
            if ui
                .add_enabled(ready, egui::Button::new("Export"))
                .on_hover_text("Write the file (asks before replacing an existing one)")
                .on_disabled_hover_text("Choose a valid pay date and a file, and fix any problem shown")
                .clicked()
            {
                actions.push(Action::Export(dialog.clone()));
                keep = false;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        widgets::muted(ui, "The file is written completely or not at all, readable only by you.");
    });
    keep && !modal.should_close()
}

/// One payroll setting, edited with the widget its type needs.
fn setting_ui(ui: &mut egui::Ui, s: &mut PayrollSettings, setting: Setting, label: egui::Id) {
    let help = setting.help();
    match setting {
        Setting::CompanyCode => text(ui, &mut s.company_code, label, help),
        Setting::BatchId => text(ui, &mut s.batch_id, label, help),
        Setting::AdpFileName => text(ui, &mut s.adp_file_name, label, help),
        Setting::Reason => text(ui, &mut s.reason, label, help),
        Setting::ClientId => text(ui, &mut s.client_id, label, help),
        Setting::PayFrequency => {
            egui::ComboBox::from_id_salt("pay_frequency")
                .selected_text(s.pay_frequency.map_or("choose…", |f| f.word()))
                .show_ui(ui, |ui| {
                    for f in export::PayFrequency::ALL {
                        ui.selectable_value(&mut s.pay_frequency, Some(f), f.word());
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text(help);
        }
        Setting::PayPeriodStart => optional_date(ui, &mut s.pay_period_start, label, help, "pay_period_start"),
        Setting::PayPeriodEnd => optional_date(ui, &mut s.pay_period_end, label, help, "pay_period_end"),
        Setting::EffectiveDate => optional_date(ui, &mut s.effective_date, label, help, "effective_date"),
        Setting::SeparateCheck => {
            let mut on = s.separate_check.is_some();
            ui.horizontal(|ui| {
                if ui.checkbox(&mut on, "on a separate check").on_hover_text(help).changed() {
                    s.separate_check = on.then_some(1);
                }
                if let Some(n) = &mut s.separate_check {
                    ui.add(egui::DragValue::new(n).range(0..=9)).labelled_by(label);
                }
            });
        }
        Setting::GustoMatch => {
            egui::ComboBox::from_id_salt("gusto_match")
                .selected_text(match s.gusto_match {
                    export::GustoMatch::EmployeeId => "by employee id",
                    export::GustoMatch::Name => "by name",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut s.gusto_match, export::GustoMatch::EmployeeId, "by employee id");
                    ui.selectable_value(&mut s.gusto_match, export::GustoMatch::Name, "by name");
                })
                .response
                .labelled_by(label)
                .on_hover_text(help);
        }
        Setting::SendToPayroll => {
            ui.checkbox(&mut s.send_to_payroll, "send to payroll").on_hover_text(help);
        }
    }
}

fn text(ui: &mut egui::Ui, value: &mut String, label: egui::Id, help: &str) {
    ui.add(egui::TextEdit::singleline(value).desired_width(200.0)).labelled_by(label).on_hover_text(help);
}

/// An optional date typed as YYYY-MM-DD (empty = not set).
fn optional_date(ui: &mut egui::Ui, value: &mut Option<NaiveDate>, label: egui::Id, help: &str, salt: &str) {
    let id = ui.make_persistent_id(("setting_date", salt));
    let mut text: String =
        ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| value.map(|d| d.to_string()).unwrap_or_default());
    ui.vertical(|ui| {
        ui.add(egui::TextEdit::singleline(&mut text).desired_width(110.0).hint_text("YYYY-MM-DD"))
            .labelled_by(label)
            .on_hover_text(help);
        match text.trim() {
            "" => *value = None,
            t => match t.parse::<NaiveDate>() {
                Ok(d) => *value = Some(d),
                Err(_) => {
                    ui.colored_label(theme::tokens(ui).error, "write the date as YYYY-MM-DD");
                }
            },
        }
    });
    ui.data_mut(|d| d.insert_temp(id, text));
}

fn confirm_overwrite_ui(
    ctx: &egui::Context,
    path: PathBuf,
    then: Box<PendingWrite>,
    actions: &mut Vec<Action>,
) -> Option<Modal> {
    let mut decision = None;
    let modal = egui::Modal::new(egui::Id::unique("overwrite")).show(ctx, |ui| {
        ui.heading("Replace the file?");
        ui.label(format!("{} already exists. Replace it?", path.display()));
        ui.horizontal(|ui| {
            if ui.button("Replace").on_hover_text("Overwrite the existing file").clicked() {
                decision = Some(true);
            }
            if ui.button("Cancel").on_hover_text("Keep the existing file").clicked() {
                decision = Some(false);
            }
        });
    });
    if modal.should_close() && decision.is_none() {
        decision = Some(false);
    }
    match decision {
        Some(true) => {
            actions.push(Action::ConfirmOverwrite(path, then));
            None
        }
        Some(false) => None,
        None => Some(Modal::ConfirmOverwrite { path, then }),
    }
}

fn recover_ui(
    ctx: &egui::Context,
    found: Vec<(PathBuf, super::super::recovery::Recovered)>,
    actions: &mut Vec<Action>,
) -> Option<Modal> {
    let mut decision = None;
    egui::Modal::new(egui::Id::unique("recover")).show(ctx, |ui| {
        ui.heading("Restore unsaved plans?");
        ui.label("Carrot closed without saving these plans. Their last changes were kept:");
        for (_, r) in &found {
            let name = r.plan().map(|p| p.name).unwrap_or_else(|e| format!("(unreadable: {e})"));
            let from = r.file.as_ref().map(|f| format!(" — {}", f.display())).unwrap_or_default();
            ui.label(format!("  • {name}{from}"));
        }
        ui.horizontal(|ui| {
            if ui.button("Restore").on_hover_text("Open them with their unsaved changes").clicked() {
                decision = Some(true);
            }
            if ui.button("Discard").on_hover_text("Delete the kept changes").clicked() {
                decision = Some(false);
            }
        });
    });
    match decision {
        Some(true) => {
            actions.push(Action::Restore(found));
            None
        }
        Some(false) => {
            actions.push(Action::DiscardRecovered(found.into_iter().map(|(p, _)| p).collect()));
            None
        }
        None => Some(Modal::Recover(found)),
    }
}

fn message_ui(ctx: &egui::Context, title: &str, lines: &[String]) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("message")).show(ctx, |ui| {
        ui.set_max_width(720.0);
        ui.heading(title);
        egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
            for l in lines {
                ui.label(l);
            }
        });
        if ui.button("OK").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

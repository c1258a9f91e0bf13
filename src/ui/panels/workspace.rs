//! The left panel: open plans and imported rosters.

use super::super::app::{Action, RosterSet};
use super::super::command::AppCommand;
use super::super::doc::{PlanDoc, PlanId};
use super::super::theme;
use super::super::widgets;

/// Plans and rosters. `rosters_busy` disables removing a roster while the rosters are being
/// merged.
pub fn workspace_ui(
    ui: &mut egui::Ui,
    docs: &[PlanDoc],
    selected: Option<PlanId>,
    rosters: &RosterSet,
    rosters_busy: bool,
    actions: &mut Vec<Action>,
) {
    ui.heading("Plans");
    for doc in docs {
        // Two open plans with the same name are told apart by where they come from.
        let same_name = docs.iter().filter(|d| d.plan.name == doc.plan.name).count() > 1;
        ui.horizontal(|ui| {
            widgets::color_dot(ui, theme::plan_color(ui, doc.color));
            let dirty = if doc.is_dirty() { " •" } else { "" };
            let text = format!("{}{dirty}", doc.plan.name);
            let r = ui.selectable_label(selected == Some(doc.id), text).on_hover_text(format!(
                "{}{}",
                doc.location(),
                if doc.is_dirty() { "\nUnsaved changes" } else { "" }
            ));
            if r.clicked() {
                actions.push(Action::Select(doc.id));
            }
            if doc.has_errors() {
                ui.colored_label(theme::tokens(ui).error, "!").on_hover_text("This plan has problems; see the editor");
            }
        });
        if same_name {
            ui.indent(("whence", doc.id), |ui| widgets::muted(ui, doc.whence()));
        }
    }
    if docs.is_empty() {
        widgets::muted(ui, "No plans open");
    }
    ui.horizontal_wrapped(|ui| {
        AppCommand::NewPlan.button_ui(ui, Ok(()), actions);
        AppCommand::OpenPlan.button_ui(ui, Ok(()), actions);
        let plan = if selected.is_some() { Ok(()) } else { Err("Select a plan first") };
        AppCommand::DuplicatePlan.button_ui(ui, plan, actions);
        AppCommand::RenamePlan.button_ui(ui, plan, actions);
        AppCommand::ClosePlan.button_ui(ui, plan, actions);
    });
    ui.separator();
    ui.heading("Rosters");
    for (i, s) in rosters.sources.iter().enumerate() {
        ui.add(egui::Label::new(egui::RichText::new(&s.name).strong()).truncate()).on_hover_text(
            match &s.reference.origin {
                super::super::state::RosterOrigin::File(p) => p.display().to_string(),
                super::super::state::RosterOrigin::Sample(_) => "Bundled sample roster".to_owned(),
            },
        );
        ui.horizontal(|ui| {
            widgets::muted(ui, format!("{} people", widgets::count(s.roster.employees.len())));
            let remove = ui
                .add_enabled(!rosters_busy, egui::Button::new("Remove").small())
                .on_hover_text(format!("Remove {} from the workspace (asks first)", s.name))
                .on_disabled_hover_text("Wait for the rosters to finish updating");
            if remove.clicked() {
                actions.push(Action::RemoveRoster(i));
            }
        });
        if !s.skipped.is_empty() {
            ui.colored_label(theme::tokens(ui).warning, format!("{} bad cell(s) skipped", s.skipped.len()));
        }
    }
    if rosters.sources.is_empty() {
        widgets::muted(ui, "No roster: import a CSV, or drop files on the window");
    }
    ui.horizontal_wrapped(|ui| {
        AppCommand::ImportRoster.button_ui(ui, Ok(()), actions);
        AppCommand::ImportRosterWithResults.button_ui(ui, Ok(()), actions);
    });
    // Below the import buttons: once the last roster is removed, they move up into its place, so
    // a click meant for "Import roster…" does not load the samples instead.
    if rosters.sources.is_empty()
        && ui.button("Use the sample rosters").on_hover_text("Load the bundled sales and consultant rosters").clicked()
    {
        actions.push(Action::UseSampleRosters);
    }
    let roles = &rosters.roles;
    if !roles.is_empty() {
        ui.add(
            egui::Label::new(
                egui::RichText::new(format!(
                    "{} people · roles: {}",
                    widgets::count(rosters.merged.employees.len()),
                    roles.join(", ")
                ))
                .color(theme::tokens(ui).muted),
            )
            .wrap(),
        );
    }
}

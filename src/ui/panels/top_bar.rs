//! The menu bar.

use super::super::app::Action;
use super::super::command::AppCommand;

/// What the menus need to know to enable items.
pub struct TopBar {
    /// A plan is selected.
    pub has_plan: bool,
    /// Undo is possible.
    pub can_undo: bool,
    /// Redo is possible.
    pub can_redo: bool,
    /// A roster is loaded.
    pub has_roster: bool,
    /// Meeting mode is on.
    pub meeting_mode: bool,
    /// The selected plan is a plan year (has a schedule of pay periods).
    pub plan_year: bool,
}

/// The menu bar.
pub fn top_bar_ui(ui: &mut egui::Ui, bar: &TopBar, show_editor: &mut bool, out: &mut Vec<Action>) {
    let plan = if bar.has_plan { Ok(()) } else { Err("Open or create a plan first") };
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| {
            AppCommand::NewPlan.button_ui(ui, Ok(()), out);
            AppCommand::OpenPlan.button_ui(ui, Ok(()), out);
            AppCommand::SavePlan.button_ui(ui, plan, out);
            AppCommand::SavePlanAs.button_ui(ui, plan, out);
            ui.separator();
            AppCommand::DuplicatePlan.button_ui(ui, plan, out);
            AppCommand::RenamePlan.button_ui(ui, plan, out);
            AppCommand::ClosePlan.button_ui(ui, plan, out);
            ui.separator();
            AppCommand::ImportRoster.button_ui(ui, Ok(()), out);
            AppCommand::ImportRosterWithResults.button_ui(ui, Ok(()), out);
            let export = match (bar.has_plan, bar.has_roster) {
                (false, _) => Err("Open or create a plan first"),
                (_, false) => Err("Import a roster first"),
                _ => Ok(()),
            };
            AppCommand::ExportPayroll.button_ui(ui, export, out);
            ui.separator();
            AppCommand::Quit.button_ui(ui, Ok(()), out);
        });
        ui.menu_button("Edit", |ui| {
            AppCommand::Undo.button_ui(ui, if bar.can_undo { Ok(()) } else { Err("Nothing to undo") }, out);
            AppCommand::Redo.button_ui(ui, if bar.can_redo { Ok(()) } else { Err("Nothing to redo") }, out);
        });
        ui.menu_button("View", |ui| {
            ui.checkbox(show_editor, "Plan editor").on_hover_text("Show the plan editor on the right");
            let (text, tooltip) = AppCommand::ToggleMeetingMode.text_and_tooltip();
            let mut on = bar.meeting_mode;
            let shortcut = AppCommand::ToggleMeetingMode.shortcut().map(|s| ui.ctx().format_shortcut(&s));
            let text = shortcut.map_or_else(|| text.to_owned(), |s| format!("{text} ({s})"));
            if ui.checkbox(&mut on, text).on_hover_text(tooltip).changed() {
                out.push(Action::Command(AppCommand::ToggleMeetingMode));
            }
            AppCommand::SaveViewPng.button_ui(ui, Ok(()), out);
            ui.separator();
            ui.label("Theme");
            theme_choice_ui(ui);
        });
        ui.separator();
        // The most used actions, one click away.
        AppCommand::ImportRoster.button_ui(ui, Ok(()), out);
        let export = if bar.has_plan && bar.has_roster { Ok(()) } else { Err("Open a plan and import a roster first") };
        AppCommand::ExportPayroll.button_ui(ui, export, out);
        if bar.plan_year
            && ui
                .button("Plan year…")
                .on_hover_text("Pay periods of the selected plan: each person's ledger, close or export a period")
                .clicked()
        {
            out.push(Action::Year(super::year::YearAction::Open));
        }
        let meeting = if bar.meeting_mode { "Leave meeting mode" } else { "Meeting mode" };
        if ui
            .add(egui::Button::selectable(bar.meeting_mode, meeting))
            .on_hover_text(AppCommand::ToggleMeetingMode.text_and_tooltip().1)
            .clicked()
        {
            out.push(Action::Command(AppCommand::ToggleMeetingMode));
        }
    });
}

/// System, light or dark (egui's own switch uses emoji that the bundled fonts cannot draw).
fn theme_choice_ui(ui: &mut egui::Ui) {
    let mut pref = ui.ctx().options(|o| o.theme_preference);
    let before = pref;
    ui.horizontal(|ui| {
        ui.selectable_value(&mut pref, egui::ThemePreference::System, "System")
            .on_hover_text("Follow the system's theme");
        ui.selectable_value(&mut pref, egui::ThemePreference::Light, "Light").on_hover_text("Light theme");
        ui.selectable_value(&mut pref, egui::ThemePreference::Dark, "Dark").on_hover_text("Dark theme");
    });
    if pref != before {
        ui.ctx().set_theme(pref);
    }
}

//! The window's panels. Each is a free `*_ui` function over the narrowest state it needs.

pub mod behaviour;
pub mod charts;
pub mod compare;
pub mod dialogs;
pub mod editor;
pub mod payouts;
pub mod status;
pub mod summary;
pub mod top_bar;
pub mod workspace;
pub mod year;

use super::app::{Action, Runtime};
use super::jobs::JobKind;
use super::state::{PersistedState, Tab};

/// Lays out the whole window for one frame.
pub fn frame_ui(ui: &mut egui::Ui, state: &mut PersistedState, rt: &mut Runtime, actions: &mut Vec<Action>) {
    let selected_doc = rt.selected.and_then(|id| rt.docs.iter().position(|d| d.id == id));
    let top = top_bar::TopBar {
        has_plan: selected_doc.is_some(),
        can_undo: selected_doc.and_then(|i| rt.docs.get(i)).is_some_and(|d| d.undoer.has_undo(&d.plan)),
        can_redo: selected_doc.and_then(|i| rt.docs.get(i)).is_some_and(|d| d.undoer.has_redo(&d.plan)),
        has_roster: !rt.rosters.merged.employees.is_empty(),
        meeting_mode: rt.meeting_mode,
        plan_year: selected_doc.and_then(|i| rt.docs.get(i)).is_some_and(|d| d.plan.schedule.is_some()),
    };
    egui::Panel::top("menu_bar").show(ui, |ui| top_bar::top_bar_ui(ui, &top, &mut state.show_editor, actions));
    if rt.year.open {
        year::year_window_ui(ui.ctx(), &mut rt.year, actions);
    }
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        status::status_ui(
            ui,
            &rt.jobs,
            &mut rt.notifications,
            rt.last_compute,
            &rt.rosters,
            rt.import_progress.as_ref(),
        );
    });
    let window = ui.ctx().content_rect().width();
    if !rt.meeting_mode {
        let rosters_busy = rt.jobs.iter().any(|j| matches!(j.kind, JobKind::MergeRosters | JobKind::OpenWorkspace));
        egui::Panel::left("workspace").resizable(true).default_size(200.0).max_size(window * 0.25).show(ui, |ui| {
            egui::ScrollArea::vertical().id_salt("workspace_scroll").show(ui, |ui| {
                workspace::workspace_ui(ui, &rt.docs, rt.selected, &rt.rosters, rosters_busy, actions);
            });
        });
        if state.show_editor {
            // A third of the window, within limits, so the central view keeps room at 1280 × 800.
            let width = (window * 0.3).clamp(340.0, 540.0);
            // The minimum follows the window, so a big screen gives the editor room to breathe.
            let min = (window * 0.22).clamp(300.0, 460.0);
            let editor = egui::Panel::right("editor").resizable(true).default_size(width).min_size(min);
            editor.max_size(window * 0.45).show(ui, |ui| {
                let rosters = &rt.rosters;
                match selected_doc.and_then(|i| rt.docs.get_mut(i)) {
                    Some(doc) => editor::plan_editor_ui(ui, doc, &rosters.merged.metrics, &rosters.roles),
                    None => {
                        ui.label("Open or create a plan to edit it.");
                    }
                }
            });
        }
    }
    let keyboard = rt.modal.is_none() && !ui.ctx().egui_wants_keyboard_input();
    let central = egui::CentralPanel::default().show(ui, |ui| {
        let roster_revision = rt.rosters.revision;
        let doc = selected_doc.and_then(|i| rt.docs.get(i));
        if !rt.opened {
            ui.centered_and_justified(|ui| {
                super::widgets::busy(ui);
                ui.label("Opening the workspace…");
            });
            return;
        }
        summary::summary_strip_ui(ui, doc, roster_revision, rt.meeting_mode, rt.year_figures.as_deref());
        ui.separator();
        tabs_ui(ui, &mut state.tab);
        ui.separator();
        match state.tab {
            Tab::Payouts => payouts::payouts_ui(
                ui,
                doc,
                &mut rt.payouts,
                payouts::PayoutsContext {
                    roster: &rt.rosters.merged,
                    explanation_height: &mut state.explanation_height,
                    keyboard,
                },
            ),
            Tab::Charts => charts::charts_ui(ui, doc, &rt.rosters.merged, &mut rt.charts, rt.meeting_mode),
            Tab::Compare => {
                compare::compare_ui(ui, &rt.docs, &rt.rosters.merged, &mut rt.compare, rt.meeting_mode, actions)
            }
            Tab::Behaviour => behaviour::behaviour_ui(ui, &rt.docs, &mut rt.behaviour, rt.meeting_mode, actions),
        }
    });
    rt.view_rect = Some(central.response.rect);
}

fn tabs_ui(ui: &mut egui::Ui, tab: &mut Tab) {
    ui.horizontal(|ui| {
        for (t, name, help) in [
            (Tab::Payouts, "Payouts", "Everyone's payout, line by line, with the explanation"),
            (Tab::Charts, "Charts", "Distribution, cost by component and role, payout curves"),
            (Tab::Compare, "Compare", "Two to four plans side by side: cost, winners and losers"),
            (Tab::Behaviour, "Behaviour", "How people would shift their time under each plan"),
        ] {
            ui.selectable_value(tab, t, name).on_hover_text(help);
        }
    });
}

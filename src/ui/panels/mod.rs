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
        let sizes = SideSizes::for_window(window);
        let workspace = egui::Panel::left("workspace")
            .resizable(true)
            .default_size(sizes.workspace_default)
            .min_size(sizes.workspace_min)
            .max_size(sizes.workspace_max)
            .show(ui, |ui| {
                egui::ScrollArea::vertical().id_salt("workspace_scroll").show(ui, |ui| {
                    workspace::workspace_ui(ui, &rt.docs, rt.selected, &rt.rosters, rosters_busy, actions);
                });
            });
        if state.show_editor {
            let (min, width, max) = sizes.editor(workspace.response.rect.width());
            let editor = egui::Panel::right("editor").resizable(true).default_size(width).min_size(min);
            editor.max_size(max).show(ui, |ui| {
                let rosters = &rt.rosters;
                let shown = &mut state.show_editor;
                match selected_doc.and_then(|i| rt.docs.get_mut(i)) {
                    Some(doc) => editor::plan_editor_ui(ui, doc, &rosters.merged.metrics, &rosters.roles, shown),
                    None => {
                        editor::hide_button_ui(ui, shown);
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
        let show_editor = (!rt.meeting_mode).then_some(&mut state.show_editor);
        tabs_ui(ui, &mut state.tab, show_editor);
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

/// The narrowest the central view is made while the side panels are shown: on a small window
/// they give up width first (down to their minimums), so the view does not run under them.
pub const MIN_VIEW: f32 = 540.0;

/// How wide the side panels may be on a window `window` points wide.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SideSizes {
    window: f32,
    /// The plans and rosters on the left.
    pub workspace_default: f32,
    /// The narrowest the workspace panel can be dragged.
    pub workspace_min: f32,
    /// The widest the workspace panel can be dragged.
    pub workspace_max: f32,
}

impl SideSizes {
    /// The sizes for a window `window` points wide.
    pub fn for_window(window: f32) -> Self {
        Self {
            window,
            workspace_default: (window * 0.16).clamp(150.0, 200.0),
            workspace_min: 130.0,
            workspace_max: (window * 0.25).max(150.0),
        }
    }

    /// The editor's minimum, default and maximum width beside a workspace panel `workspace`
    /// points wide: 27.5% of the window within limits (the 352 points it opened at on
    /// any window before, when the width of its "open a plan" line set it), so the central view
    /// keeps room at 1280 × 800, and never so wide that the view gets narrower than
    /// [`MIN_VIEW`] (unless the editor is at its minimum).
    pub fn editor(&self, workspace: f32) -> (f32, f32, f32) {
        // The minimum follows the window, so a big screen gives the editor room to breathe.
        let min = (self.window * 0.22).clamp(260.0, 460.0);
        let room = self.window - workspace - MIN_VIEW;
        let max = (self.window * 0.45).min(room).max(min);
        let width = (self.window * 0.275).clamp(300.0, 540.0).clamp(min, max);
        (min, width, max)
    }
}

/// The view's tabs, and "Show editor" at the right while the editor is hidden (`show_editor` is
/// `None` in meeting mode, which has no editor).
fn tabs_ui(ui: &mut egui::Ui, tab: &mut Tab, show_editor: Option<&mut bool>) {
    ui.horizontal_wrapped(|ui| {
        for (t, name, help) in [
            (Tab::Payouts, "Payouts", "Everyone's payout, line by line, with the explanation"),
            (Tab::Charts, "Charts", "Distribution, cost by component and role, payout curves"),
            (Tab::Compare, "Compare", "Two to four plans side by side: cost, winners and losers"),
            (Tab::Behaviour, "Behaviour", "How people would shift their time under each plan"),
        ] {
            ui.selectable_value(tab, t, name).on_hover_text(help);
        }
        if let Some(shown) = show_editor.filter(|shown| !**shown) {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("Show editor").on_hover_text("Show the plan editor on the right").clicked() {
                    *shown = true;
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_side_panels_leave_the_view_its_width_down_to_the_smallest_window() {
        for window in [960.0, 1024.0, 1100.0, 1280.0, 1440.0, 1920.0] {
            let sizes = SideSizes::for_window(window);
            let (min, width, max) = sizes.editor(sizes.workspace_default);
            assert!(min <= width && width <= max, "{window}: {min} {width} {max}");
            let view = window - sizes.workspace_default - width;
            assert!(view >= MIN_VIEW - 0.01, "{window}: the view gets {view}");
            // Dragged as wide as it goes, the editor still leaves the view its width.
            assert!(window - sizes.workspace_default - max >= MIN_VIEW - 0.01, "{window}: at most {max}");
        }
        // 1280 × 800 keeps about the layout it was tuned for (the editor opened 351 wide).
        let laptop = SideSizes::for_window(1280.0);
        assert_eq!(laptop.workspace_default, 200.0);
        assert_eq!(laptop.editor(200.0).1, 352.0);
    }
}

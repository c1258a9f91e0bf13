//! Every user action that touches files, threads, other plans or the roster is an
//! [`AppCommand`]: one place owns its label, tooltip and keyboard shortcut.

use egui::{Key, KeyboardShortcut, Modifiers};

use super::app::Action;

/// Actions from menus, buttons and shortcuts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use]
pub enum AppCommand {
    /// A new plan with one sales track.
    NewPlan,
    /// Open plan files from disk.
    OpenPlan,
    /// Save the selected plan (asks for a file the first time).
    SavePlan,
    /// Save the selected plan to a new file.
    SavePlanAs,
    /// Copy the selected plan.
    DuplicatePlan,
    /// Rename the selected plan.
    RenamePlan,
    /// Close the selected plan (asks first if it has unsaved changes).
    ClosePlan,
    /// Import roster CSV files.
    ImportRoster,
    /// Import roster files through the import step, to join metrics files or a deal list.
    ImportRosterWithResults,
    /// Write the payroll file.
    ExportPayroll,
    /// Undo the last plan edit.
    Undo,
    /// Redo.
    Redo,
    /// Hide editing, enlarge text and charts, high contrast.
    ToggleMeetingMode,
    /// Save the current view as a PNG.
    SaveViewPng,
    /// Quit (asks first if plans have unsaved changes).
    Quit,
}

impl AppCommand {
    /// Every command (for the shortcut clash test and the menus).
    pub const ALL: [Self; 15] = [
        Self::NewPlan,
        Self::OpenPlan,
        Self::SavePlan,
        Self::SavePlanAs,
        Self::DuplicatePlan,
        Self::RenamePlan,
        Self::ClosePlan,
        Self::ImportRoster,
        Self::ImportRosterWithResults,
        Self::ExportPayroll,
        Self::Undo,
        Self::Redo,
        Self::ToggleMeetingMode,
        Self::SaveViewPng,
        Self::Quit,
    ];

    /// Label and tooltip.
    pub fn text_and_tooltip(self) -> (&'static str, &'static str) {
        match self {
            Self::NewPlan => ("New plan", "Start a new plan with a sales track"),
            Self::OpenPlan => ("Open plan…", "Open plan files (JSON)"),
            Self::SavePlan => ("Save plan", "Save the selected plan to its file"),
            Self::SavePlanAs => ("Save plan as…", "Save the selected plan to a new file"),
            Self::DuplicatePlan => ("Duplicate plan", "Make a copy of the selected plan to try changes on"),
            Self::RenamePlan => ("Rename plan…", "Change the selected plan's name"),
            Self::ClosePlan => ("Close plan", "Close the selected plan (asks first if it has unsaved changes)"),
            Self::ImportRoster => ("Import roster…", "Load people from CSV files exported from your HRIS or CRM"),
            Self::ImportRosterWithResults => (
                "Import roster with results…",
                "Load people and join their results from other files: metrics files, a CRM deal list, a recipe",
            ),
            Self::ExportPayroll => ("Export payroll…", "Write the selected plan's payouts as a payroll file"),
            Self::Undo => ("Undo", "Undo the last change to the plan"),
            Self::Redo => ("Redo", "Redo the change you undid"),
            Self::ToggleMeetingMode => {
                ("Meeting mode", "Hide the editing panels, enlarge text and charts, and use high contrast")
            }
            Self::SaveViewPng => ("Save view as PNG…", "Save what is on screen as an image for a slide deck"),
            Self::Quit => ("Quit", "Close Carrot (asks first if plans have unsaved changes)"),
        }
    }

    /// The keyboard shortcut, if any.
    pub fn shortcut(self) -> Option<KeyboardShortcut> {
        let cmd = Modifiers::COMMAND;
        let cmd_shift = Modifiers::COMMAND | Modifiers::SHIFT;
        Some(match self {
            Self::NewPlan => KeyboardShortcut::new(cmd, Key::N),
            Self::OpenPlan => KeyboardShortcut::new(cmd, Key::O),
            Self::SavePlan => KeyboardShortcut::new(cmd, Key::S),
            Self::SavePlanAs => KeyboardShortcut::new(cmd_shift, Key::S),
            Self::ImportRoster => KeyboardShortcut::new(cmd, Key::I),
            Self::ImportRosterWithResults => KeyboardShortcut::new(cmd_shift, Key::I),
            Self::ExportPayroll => KeyboardShortcut::new(cmd, Key::E),
            Self::Undo => KeyboardShortcut::new(cmd, Key::Z),
            Self::Redo => KeyboardShortcut::new(cmd_shift, Key::Z),
            Self::ToggleMeetingMode => KeyboardShortcut::new(cmd, Key::M),
            Self::ClosePlan => KeyboardShortcut::new(cmd, Key::W),
            Self::Quit => KeyboardShortcut::new(cmd, Key::Q),
            Self::DuplicatePlan | Self::RenamePlan | Self::SaveViewPng => return None,
        })
    }

    /// Collects the commands whose shortcuts were pressed this frame. Longer shortcuts first, so
    /// Ctrl+Shift+S is not also taken as Ctrl+S.
    pub fn consume_shortcuts(ctx: &egui::Context, out: &mut Vec<Action>) {
        let mut with_shortcuts: Vec<(Self, KeyboardShortcut)> =
            Self::ALL.iter().filter_map(|c| c.shortcut().map(|s| (*c, s))).collect();
        with_shortcuts.sort_by_key(|(_, s)| std::cmp::Reverse(s.modifiers.shift as u8 + s.modifiers.alt as u8));
        ctx.input_mut(|i| {
            for (command, shortcut) in with_shortcuts {
                if i.consume_shortcut(&shortcut) {
                    out.push(Action::Command(command));
                }
            }
        });
    }

    /// A button (or menu item) for this command, disabled with the reason when `enabled` is Err.
    pub fn button_ui(self, ui: &mut egui::Ui, enabled: Result<(), &str>, out: &mut Vec<Action>) {
        let (text, tooltip) = self.text_and_tooltip();
        let mut button = egui::Button::new(text);
        if let Some(s) = self.shortcut() {
            button = button.shortcut_text(ui.ctx().format_shortcut(&s));
        }
        let response = ui.add_enabled(enabled.is_ok(), button).on_hover_text(tooltip);
        let response = match enabled {
            Err(why) => response.on_disabled_hover_text(why),
            Ok(()) => response,
        };
        if response.clicked() {
            out.push(Action::Command(self));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_commands_share_a_shortcut() {
        let mut seen = std::collections::HashMap::new();
        for c in AppCommand::ALL {
            if let Some(s) = c.shortcut() {
                let key = (s.modifiers.command, s.modifiers.shift, s.modifiers.alt, s.logical_key);
                assert!(seen.insert(key, c).is_none(), "{c:?} clashes with {:?}", seen.get(&key));
            }
        }
    }

    #[test]
    fn the_issue_shortcuts_are_bound() {
        let find = |c: AppCommand| c.shortcut().map(|s| (s.modifiers, s.logical_key));
        assert_eq!(find(AppCommand::OpenPlan), Some((Modifiers::COMMAND, Key::O)));
        assert_eq!(find(AppCommand::SavePlan), Some((Modifiers::COMMAND, Key::S)));
        assert_eq!(find(AppCommand::SavePlanAs), Some((Modifiers::COMMAND | Modifiers::SHIFT, Key::S)));
        assert_eq!(find(AppCommand::ExportPayroll), Some((Modifiers::COMMAND, Key::E)));
        assert_eq!(find(AppCommand::Undo), Some((Modifiers::COMMAND, Key::Z)));
        assert_eq!(find(AppCommand::Redo), Some((Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)));
    }
}

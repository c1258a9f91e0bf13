//! Small reusable widgets: labelled fields that validate as you type and show their problems.

use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive as _, ToPrimitive as _};

use super::theme;
use crate::plan::{Problem, Severity};

/// How a decimal is shown and edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A fraction shown as a percentage (0.08 ↔ 8 %), editable to 0.01 %.
    Percent,
    /// Money with two decimals.
    Money,
    /// A plain number with up to four decimals.
    Number,
    /// A multiple (×1.15), up to four decimals.
    Factor,
}

impl Unit {
    fn scale(self) -> f64 {
        if self == Self::Percent { 100.0 } else { 1.0 }
    }

    fn decimals(self) -> u32 {
        match self {
            Self::Percent | Self::Money => 2,
            Self::Number | Self::Factor => 4,
        }
    }
}

/// A labelled drag-or-type field for an exact decimal. Returns whether it changed.
///
/// The value is edited in display units (8 for 8 %) and stored back rounded to the unit's
/// precision, so dragging never leaves binary-float digits in a plan.
pub fn decimal_field(ui: &mut egui::Ui, label: &str, value: &mut Decimal, unit: Unit, tooltip: &str) -> bool {
    let label_response = ui.label(label);
    let changed = decimal_value(ui, value, unit).labelled_by(label_response.id).on_hover_text(tooltip).changed();
    changed
}

/// The drag-or-type widget alone (label it with `labelled_by`).
pub fn decimal_value(ui: &mut egui::Ui, value: &mut Decimal, unit: Unit) -> egui::Response {
    let scale = unit.scale();
    let mut shown = value.to_f64().unwrap_or(0.0) * scale;
    let speed = match unit {
        Unit::Percent => 0.05,
        Unit::Money => (shown.abs() / 200.0).max(1.0),
        Unit::Number | Unit::Factor => 0.01,
    };
    let mut drag = egui::DragValue::new(&mut shown).speed(speed).max_decimals(unit.decimals() as usize);
    drag = match unit {
        Unit::Percent => drag.suffix(" %"),
        Unit::Factor => drag.prefix("×"),
        Unit::Money | Unit::Number => drag,
    };
    let response = ui.add(drag);
    if response.changed() {
        let stored = Decimal::from_f64(shown / scale)
            .map(|d| d.round_dp(unit.decimals() + if unit == Unit::Percent { 2 } else { 0 }).normalize());
        if let Some(d) = stored {
            *value = d;
        }
    }
    response
}

/// A labelled single-line text field. Returns whether it changed.
pub fn text_field(ui: &mut egui::Ui, label: &str, value: &mut String, width: f32, tooltip: &str) -> bool {
    let label_response = ui.label(label);
    ui.add(egui::TextEdit::singleline(value).desired_width(width))
        .labelled_by(label_response.id)
        .on_hover_text(tooltip)
        .changed()
}

/// Shows the problems at a path under the field (errors red, warnings amber).
pub fn problems_ui<'a>(ui: &mut egui::Ui, problems: impl Iterator<Item = &'a Problem>) {
    let t = theme::tokens(ui);
    for p in problems {
        let color = match p.severity {
            Severity::Error => t.error,
            Severity::Warning => t.warning,
        };
        ui.label(egui::RichText::new(&p.message).color(color).small());
    }
}

/// A tiny heading with muted text.
pub fn muted(ui: &mut egui::Ui, text: impl Into<String>) -> egui::Response {
    let color = theme::tokens(ui).muted;
    ui.label(egui::RichText::new(text.into()).color(color))
}

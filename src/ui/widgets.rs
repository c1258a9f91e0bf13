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

/// A filled dot in a plan's colour (painted, so it never depends on a font's glyphs).
pub fn color_dot(ui: &mut egui::Ui, color: egui::Color32) -> egui::Response {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size * 0.8, size), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), size * 0.3, color);
    response
}

/// A small painted triangle pointing up (ascending) or down.
pub fn sort_arrow(ui: &mut egui::Ui, descending: bool) {
    let size = ui.text_style_height(&egui::TextStyle::Body) * 0.5;
    let (rect, _) = ui.allocate_exact_size(egui::vec2(size * 1.4, size * 2.0), egui::Sense::hover());
    let c = rect.center();
    let color = ui.visuals().text_color();
    let (tip, base) = if descending { (size * 0.5, -size * 0.5) } else { (-size * 0.5, size * 0.5) };
    let points = vec![
        egui::pos2(c.x, c.y + tip),
        egui::pos2(c.x - size * 0.6, c.y + base),
        egui::pos2(c.x + size * 0.6, c.y + base),
    ];
    ui.painter().add(egui::Shape::convex_polygon(points, color, egui::Stroke::NONE));
}

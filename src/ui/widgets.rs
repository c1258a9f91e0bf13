//! Small reusable widgets: exact decimal fields, problems shown next to their field, dots and
//! arrows painted rather than drawn from a font.

use rust_decimal::Decimal;

use super::theme;
use crate::plan::{Problem, Severity};

/// How a decimal is shown and edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A fraction shown as a percentage (0.07125 ↔ 7.125 %), with as many decimals as typed.
    Percent,
    /// Money in a currency with this many decimals (2 for EUR, 3 for KWD, 0 for JPY).
    Money(u32),
    /// A plain number, with as many decimals as typed.
    Number,
    /// A multiple (×1.15), with as many decimals as typed.
    Factor,
}

/// The text a value is edited as.
pub fn edit_text(value: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Percent => (value * Decimal::ONE_HUNDRED).normalize().to_string(),
        Unit::Money(dp) => {
            let v = value.normalize();
            if v.scale() <= dp {
                let mut padded = v;
                padded.rescale(dp);
                padded.to_string()
            } else {
                v.to_string()
            }
        }
        Unit::Number | Unit::Factor => value.normalize().to_string(),
    }
}

/// Reads what was typed, exactly: no rounding and no float on the way. Money may have at most
/// the currency's decimals; rates and numbers any number of them.
pub fn parse_exact(text: &str, unit: Unit) -> Result<Decimal, String> {
    let mut t = text.trim();
    match unit {
        Unit::Percent => t = t.trim_end_matches('%').trim_end(),
        Unit::Factor => t = t.trim_start_matches(['×', 'x']).trim_start(),
        Unit::Money(_) | Unit::Number => {}
    }
    if t.is_empty() {
        return Err("type a number".to_owned());
    }
    if t.contains(',') {
        return Err("use a point for decimals, no commas".to_owned());
    }
    let d = Decimal::from_str_exact(t).map_err(|_| format!("`{t}` is not a number"))?;
    let value = match unit {
        Unit::Percent => {
            let v = d.checked_div(Decimal::ONE_HUNDRED).ok_or("too large")?;
            if v * Decimal::ONE_HUNDRED != d {
                return Err("too many decimals".to_owned());
            }
            v
        }
        Unit::Money(dp) => {
            let n = d.normalize();
            if n.scale() > dp {
                return Err(match dp {
                    0 => "this currency has no decimals".to_owned(),
                    1 => "this currency has 1 decimal".to_owned(),
                    _ => format!("this currency has {dp} decimals"),
                });
            }
            d
        }
        Unit::Number | Unit::Factor => d,
    };
    Ok(value.normalize())
}

/// An exact decimal field (label it with `labelled_by` or `accessible_name`). The plan changes
/// only when the text is a valid value; until then the text stays as typed, marked, with the
/// reason under it and the value the plan keeps meanwhile. The reason wraps within the width
/// of the enclosing layout, so a long one never widens the panel the field is in.
pub fn decimal_value(ui: &mut egui::Ui, value: &mut Decimal, unit: Unit) -> egui::Response {
    let inner = ui.horizontal(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        if unit == Unit::Factor {
            ui.label("×");
        }
        let id = ui.next_auto_id();
        let (mut text, shown_for): (String, Decimal) =
            ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| (edit_text(*value, unit), *value));
        let focused = ui.memory(|m| m.has_focus(id));
        if shown_for != *value && !focused {
            // Changed elsewhere (undo, another field): show the new value.
            text = edit_text(*value, unit);
        }
        let parsed = parse_exact(&text, unit);
        let width = match unit {
            Unit::Money(_) => 96.0,
            _ => 64.0,
        };
        let mut edit = egui::TextEdit::singleline(&mut text).id(id).desired_width(width);
        if parsed.is_err() {
            edit = edit.text_color(theme::tokens(ui).error);
        }
        let response = ui.add(edit);
        let mut stored = *value;
        // The same number written differently (7.10 for 7.1) leaves the plan as it is.
        if response.changed()
            && let Ok(v) = parse_exact(&text, unit)
            && v != *value
        {
            *value = v;
            stored = v;
        }
        match unit {
            Unit::Percent => {
                ui.label("%");
            }
            Unit::Money(_) | Unit::Number | Unit::Factor => {}
        }
        // Until the text reads, the plan (and every figure on screen) keeps the last value that
        // did: say which, so nobody reads the results as those of the text.
        let problem = parse_exact(&text, unit).err().map(|why| {
            let kept = match unit {
                Unit::Percent => format!("{} %", edit_text(stored, unit)),
                Unit::Factor => format!("×{}", edit_text(stored, unit)),
                Unit::Money(_) | Unit::Number => edit_text(stored, unit),
            };
            format!("{why}; the plan keeps {kept}")
        });
        ui.data_mut(|d| d.insert_temp(id, (text, stored)));
        (response, problem)
    });
    let (response, problem) = inner.inner;
    match problem {
        // A block as wide as the enclosing layout, after the field (in a wrapping row, on a row
        // of its own below it): the message wraps inside it, where the field's own row, which
        // does not wrap, grew as wide as the message, and the editor panel with it, for good.
        // (In a row that does not wrap, the block takes the rest of the row: narrow, but inside.)
        Some(problem) => {
            let width = if ui.layout().main_wrap() { ui.max_rect().width() } else { ui.available_width() };
            let layout = egui::Layout::top_down(egui::Align::Min);
            ui.allocate_ui_with_layout(egui::vec2(width, 0.0), layout, |ui| {
                ui.add(egui::Label::new(egui::RichText::new(problem).color(theme::tokens(ui).error)).wrap());
            });
        }
        // One widget's id either way, so the fields after this one keep theirs (and the text
        // typed into them) as the message comes and goes.
        None => ui.skip_ahead_auto_ids(1),
    }
    response
}

/// Shows the problems at a field, in readable text under it (errors red, warnings amber).
pub fn problems_ui<'a>(ui: &mut egui::Ui, problems: impl Iterator<Item = &'a Problem>) {
    let t = theme::tokens(ui);
    for p in problems {
        let (color, tag) = match p.severity {
            Severity::Error => (t.error, ""),
            Severity::Warning => (t.warning, "Warning: "),
        };
        ui.add(egui::Label::new(egui::RichText::new(format!("{tag}{}", p.message)).color(color)).wrap());
    }
}

/// A tiny heading with muted text.
/// A count of people or rows as the app shows it: `100,000`.
pub fn count(n: usize) -> String {
    crate::money::grouped(rust_decimal::Decimal::from(n), 0)
}

pub fn muted(ui: &mut egui::Ui, text: impl Into<String>) -> egui::Response {
    let color = theme::tokens(ui).muted;
    ui.add(egui::Label::new(egui::RichText::new(text.into()).color(color)).wrap())
}

/// A filled dot in a plan's colour (painted, so it never depends on a font's glyphs).
pub fn color_dot(ui: &mut egui::Ui, color: egui::Color32) -> egui::Response {
    let size = ui.text_style_height(&egui::TextStyle::Body);
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size * 0.8, size), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), size * 0.3, color);
    response
}

/// A busy indicator: an arc turning an eighth of a circle at each [`theme::busy_step`], which
/// asks for a frame only when it is due to move. (egui's own spinner asks for a frame at every
/// frame: where frames are drawn in software, that kept both cores drawing it, and the
/// computation it waited for, running below the UI's priority, took twenty times as long.)
pub fn busy(ui: &mut egui::Ui) -> egui::Response {
    let size = ui.style().spacing.interact_size.y;
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    response.widget_info(|| egui::WidgetInfo::new(egui::Role::ProgressIndicator));
    if ui.is_rect_visible(rect) {
        let step_secs = theme::busy_step(ui.ctx()).as_secs_f64();
        let time = ui.input(|i| i.time);
        let step = (time / step_secs).floor();
        let color = ui.visuals().strong_text_color();
        let radius = rect.height().min(rect.width()) * 0.5 - 2.0;
        // Three quarters of a circle, starting an eighth further at each step.
        let start = step * std::f64::consts::TAU / 8.0;
        let points: Vec<egui::Pos2> = (0..=24)
            .map(|i| {
                let angle = start + f64::from(i) / 24.0 * std::f64::consts::TAU * 0.75;
                let (sin, cos) = angle.sin_cos();
                rect.center() + radius * egui::vec2(cos as f32, sin as f32)
            })
            .collect();
        ui.painter().add(egui::Shape::line(points, egui::Stroke::new(3.0, color)));
        // The next frame when the arc next moves.
        let next = (step + 1.0) * step_secs - time;
        ui.ctx().request_repaint_after(std::time::Duration::from_secs_f64(next.clamp(0.001, step_secs)));
    }
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

/// The "Period" chooser of plan years (Compare and Behaviour): the whole year or one of
/// `periods`. Returns whether the choice changed.
pub fn period_chooser_ui(ui: &mut egui::Ui, id: &str, periods: &[String], scope: &mut crate::year::Scope) -> bool {
    use crate::year::Scope;
    let before = scope.clone();
    let label = ui.label("Period");
    egui::ComboBox::from_id_salt(("period_chooser", id))
        .selected_text(scope.label())
        .show_ui(ui, |ui| {
            ui.selectable_value(scope, Scope::Year, Scope::Year.label());
            for p in periods {
                let option = Scope::Period(p.clone());
                let text = option.label().to_owned();
                ui.selectable_value(scope, option, text);
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(
            "The plans are plan years: show one pay period, on the loaded roster as its actuals, or the whole year",
        );
    *scope != before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    /// The repaint delays the busy indicator asks for in one pass, with frames drawn in
    /// software or not.
    fn busy_delays(software: bool) -> Vec<std::time::Duration> {
        let ctx = egui::Context::default();
        theme::set_software_frames(&ctx, software);
        let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&asked);
        ctx.set_request_repaint_callback(move |info| sink.lock().unwrap().push(info.delay));
        // egui asks for the first two passes at once (it lays out twice); the third asks only
        // for what the indicator asks.
        for time in [10.0, 10.01, 10.02] {
            asked.lock().unwrap().clear();
            let input = egui::RawInput { time: Some(time), ..Default::default() };
            let mut output = ctx.run_ui(input, |ui| {
                busy(ui);
            });
            // Nothing draws here: the font textures are not uploaded.
            output.textures_delta.clear();
        }
        asked.lock().unwrap().clone()
    }

    #[test]
    fn the_busy_indicator_asks_for_a_frame_only_when_it_moves_and_less_often_in_software() {
        // egui's spinner asks for the next frame at once, at every frame.
        let step = |d: &[std::time::Duration]| d.iter().copied().filter(|d| !d.is_zero()).min();
        let (gpu, software) = (busy_delays(false), busy_delays(true));
        assert!(gpu.iter().chain(&software).all(|d| !d.is_zero()), "{gpu:?} {software:?}");
        // At 10.02 s: the next step is at 10.125 s, or at 10.5 s in software.
        let near =
            |d: Option<std::time::Duration>, ms: f64| d.is_some_and(|d| (d.as_secs_f64() * 1e3 - ms).abs() < 1.0);
        assert!(near(step(&gpu), 105.0), "{gpu:?}");
        assert!(near(step(&software), 480.0), "{software:?}");
    }

    #[test]
    fn rates_are_read_exactly_with_any_number_of_decimals() {
        assert_eq!(parse_exact("7.125", Unit::Percent), Ok(d("0.07125")));
        assert_eq!(parse_exact(" 7.125 % ", Unit::Percent), Ok(d("0.07125")));
        assert_eq!(parse_exact("0.0001", Unit::Percent), Ok(d("0.000001")));
        assert_eq!(edit_text(d("0.07125"), Unit::Percent), "7.125");
        assert_eq!(parse_exact("×1.125", Unit::Factor), Ok(d("1.125")));
    }

    #[test]
    fn money_keeps_the_currency_decimals_and_refuses_more() {
        assert_eq!(parse_exact("1.234", Unit::Money(3)), Ok(d("1.234")));
        assert_eq!(edit_text(d("1.234"), Unit::Money(3)), "1.234");
        assert_eq!(edit_text(d("50000"), Unit::Money(2)), "50000.00");
        assert!(parse_exact("1.234", Unit::Money(2)).is_err(), "EUR has two decimals");
        assert_eq!(parse_exact("1.230", Unit::Money(2)), Ok(d("1.23")), "trailing zeros are not decimals");
        assert!(parse_exact("1,5", Unit::Money(2)).is_err(), "a comma is refused, not misread");
        assert!(parse_exact("abc", Unit::Number).is_err());
        assert!(parse_exact("", Unit::Number).is_err());
    }
}

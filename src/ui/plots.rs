//! Chart helpers shared by the views: readable axes (ticks at 1-2-5 steps a label apart, never
//! faded, money in compact form), category axes whose labels fit, and legends drawn beside the
//! plot instead of over the bars.

use egui_plot::{AxisHints, GridInput, GridMark};

/// The plot of how payouts are distributed (Charts and Compare): payout per person in
/// `currency` across, people up, on readable grids.
pub fn distribution_plot(id: impl egui::AsIdSalt, height: f32, currency: &str) -> egui_plot::Plot<'static> {
    egui_plot::Plot::new(id)
        .height(height)
        .custom_x_axes(vec![
            AxisHints::new_x()
                .label(format!("Payout per person ({currency})"))
                .formatter(|m, _| compact_tick(m.value, m.step_size)),
        ])
        .x_grid_spacer(x_spacer())
        .y_grid_spacer(count_spacer())
        .y_axis_label("People")
}

/// A grid spacer for `Plot::x_grid_spacer` / `y_grid_spacer`.
pub type GridSpacer = Box<dyn Fn(GridInput) -> Vec<GridMark>>;

/// Space between two value labels on an axis, in points.
const Y_LABEL_GAP: f64 = 34.0;
/// Space between two value labels along the x axis, in points (labels are wide).
const X_LABEL_GAP: f64 = 84.0;

/// The smallest 1, 2 or 5 × 10ⁿ at least `at_least`.
pub fn nice_step(at_least: f64) -> f64 {
    if !at_least.is_finite() || at_least <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(at_least.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= at_least * (1.0 - 1e-9)).unwrap_or(10.0 * power)
}

/// Grid lines at 1-2-5 steps that leave `gap` points between labels (and thin lines between).
/// With `whole`, every line is at a whole number (a count of people has no half person, and a
/// label rounded to one would repeat its neighbour's).
fn spacer(gap: f64, whole: bool) -> GridSpacer {
    Box::new(move |input: GridInput| {
        // `base_step_size` is the value of egui_plot's minimum grid spacing (8 points).
        let per_point = input.base_step_size / 8.0;
        let mut step = nice_step(per_point * gap);
        if whole {
            step = step.max(1.0);
        }
        // Five thin lines a step, or one a whole number when that is all a count has.
        let per_step: i64 = if whole && step < 5.0 { step as i64 } else { 5 };
        let minor = step / per_step as f64;
        let (lo, hi) = input.bounds;
        let mut marks = Vec::new();
        if !(lo.is_finite() && hi.is_finite()) || hi <= lo || minor <= 0.0 {
            return marks;
        }
        let first = (lo / minor).ceil() as i64;
        let last = (hi / minor).floor() as i64;
        if last - first > 2_000 {
            return marks;
        }
        for k in first..=last {
            let value = k as f64 * minor;
            let major = k % per_step == 0;
            marks.push(GridMark { value, step_size: if major { step } else { minor } });
        }
        marks
    })
}

/// Grid lines for a value axis along y.
pub fn y_spacer() -> GridSpacer {
    spacer(Y_LABEL_GAP, false)
}

/// Grid lines for a count along y (people): whole numbers only.
pub fn count_spacer() -> GridSpacer {
    spacer(Y_LABEL_GAP, true)
}

/// Grid lines for a value axis along x.
pub fn x_spacer() -> GridSpacer {
    spacer(X_LABEL_GAP, false)
}

/// Grid lines at every whole number (categories, quarters).
pub fn category_spacer() -> GridSpacer {
    Box::new(|input: GridInput| {
        let (lo, hi) = input.bounds;
        if !(lo.is_finite() && hi.is_finite()) || hi - lo > 500.0 {
            return Vec::new();
        }
        (lo.ceil() as i64..=hi.floor() as i64).map(|k| GridMark { value: k as f64, step_size: 1.0 }).collect()
    })
}

/// A compact amount for axis ticks: 950, 12.5k, 1.2M (the axis title names the currency).
pub fn compact_money(value: f64) -> String {
    compact_tick(value, 0.0)
}

/// [`compact_money`] for a tick `step` apart from the next: with as many decimals as tell
/// neighbouring ticks apart (a flat line at 18,469 has ticks 18.46k, 18.47k, 18.48k, not
/// three ticks all reading 18.5k).
pub fn compact_tick(value: f64, step: f64) -> String {
    let a = value.abs();
    if a == 0.0 {
        return "0".to_owned();
    }
    let sign = if value < 0.0 { "−" } else { "" };
    let (unit, suffix, places) = match a {
        a if a >= 1e9 => (1e9, "B", 2),
        a if a >= 1e6 => (1e6, "M", 2),
        a if a >= 1e3 => (1e3, "k", 1),
        _ => (1.0, "", 2),
    };
    let needed = if step.is_finite() && step > 0.0 { (-(step / unit).log10()).ceil().max(0.0) as usize } else { 0 };
    let text = format!("{:.*}", needed.clamp(places, 6), a / unit);
    // Trailing zeros go when the ticks are far apart (15k); close ones keep them, so that
    // every tick has the same decimals (18.468k, 18.470k, 18.472k).
    let text = if needed <= places && text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text.as_str()
    };
    format!("{sign}{text}{suffix}")
}

/// `text` fitted to about `width` points: split over two lines at a space, then shortened with an
/// ellipsis (egui_plot leaves out a tick label wider than the space between ticks).
pub fn fit_label(text: &str, width: f32) -> String {
    // Body text averages about 7 points a character.
    let max_chars = ((width / 7.5).floor() as usize).max(4);
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let words: Vec<&str> = text.split(' ').collect();
    if words.len() > 1 {
        // The split that keeps the longer line shortest.
        let best = (1..words.len())
            .map(|k| (words[..k].join(" "), words[k..].join(" ")))
            .min_by_key(|(a, b)| a.chars().count().max(b.chars().count()));
        if let Some((a, b)) = best
            && a.chars().count().max(b.chars().count()) <= max_chars
        {
            return format!("{a}\n{b}");
        }
    }
    crate::roster::values::shorten(text, max_chars - 1)
}

/// An axis of named categories at 0, 1, 2, …, labels fitted to `px_per_category` points and
/// painted at full strength. An empty `title` draws none: the numbered plan names need none, and
/// a title centred under the middle plan's name read as part of it ("2. Transition Plan").
pub fn category_axis_x<'a>(names: Vec<String>, px_per_category: f32, title: &str) -> AxisHints<'a> {
    let names: Vec<String> = names.iter().map(|n| fit_label(n, px_per_category - 6.0)).collect();
    AxisHints::new_x().label(title).label_spacing(4.0..=6.0).formatter(move |m, _| category_name(&names, m.value))
}

/// The same along y (names one above another, read from the left).
pub fn category_axis_y<'a>(names: Vec<String>, title: &str) -> AxisHints<'a> {
    AxisHints::new_y().label(title).label_spacing(4.0..=6.0).formatter(move |m, _| category_name(&names, m.value))
}

fn category_name(names: &[String], value: f64) -> String {
    let i = value.round();
    if (value - i).abs() < 1e-6 && i >= 0.0 {
        names.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// A money axis along y: compact ticks at readable steps.
pub fn money_axis_y<'a>(title: String) -> AxisHints<'a> {
    AxisHints::new_y().label(title).min_thickness(44.0).formatter(|m, _| compact_tick(m.value, m.step_size))
}

/// A legend above a plot: a dot in each colour and its name, wrapped to the width.
pub fn legend_ui(ui: &mut egui::Ui, items: &[(String, egui::Color32)]) {
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.x = 4.0;
        let dot = ui.text_style_height(&egui::TextStyle::Body) * 0.8;
        for (i, (name, color)) in items.iter().enumerate() {
            // A dot and its name wrap together. A wrapping layout cannot wrap a nested one it
            // has not measured yet (it would run on past the column, over the next chart's
            // legend), so the item is measured first and starts a new row when it does not fit.
            let text = egui::WidgetText::from(egui::RichText::new(name).small());
            let width = text.into_galley(ui, Some(egui::TextWrapMode::Extend), f32::INFINITY, egui::TextStyle::Small);
            if i > 0 && ui.available_size_before_wrap().x < dot + 2.0 + width.size().x {
                ui.end_row();
            }
            ui.horizontal(|ui| {
                ui.spacing_mut().item_spacing.x = 2.0;
                super::widgets::color_dot(ui, *color);
                ui.label(egui::RichText::new(name).small());
            });
            ui.add_space(6.0);
        }
    });
}

/// A small live picture of a bonus curve (the editor's): what it pays, × base, at each value of
/// metric ÷ target. The line is the engine's own curve ([`crate::engine::curve_shape`]): 0 up to
/// the first point, then straight lines, flat after the last point.
pub fn curve_preview_ui(
    ui: &mut egui::Ui,
    curve: &[crate::plan::CurvePoint],
    id: impl std::hash::Hash + std::fmt::Debug,
) -> egui_plot::PlotResponse<()> {
    use rust_decimal::prelude::ToPrimitive as _;
    let last_x = curve.iter().filter_map(|p| p.x.to_f64()).fold(1.0_f64, f64::max);
    let line = crate::engine::curve_shape(curve, last_x * 1.3);
    let color = ui.visuals().hyperlink_color;
    egui_plot::Plot::new((id, "curve_preview"))
        .width(ui.available_width().min(240.0))
        .height(110.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_axes([true, true])
        .x_axis_formatter(|m, _| format!("{:.0}%", m.value * 100.0))
        .y_axis_formatter(|m, _| format!("×{}", m.value))
        .show(ui, |plot| {
            // No bands: egui_plot draws points less than a pixel apart as a filled band between
            // their neighbours, which filled a slope under the step at the first point.
            let line = egui_plot::Line::new("pays × base", egui_plot::PlotPoints::from(line)).allow_band(false);
            plot.line(line.color(color).width(2.0));
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a pixel is the preview line's blue (the dark theme's link colour), not the
    /// plot's black, grey grid or white text.
    fn is_line_blue(p: &image::Rgba<u8>) -> bool {
        let [r, g, b, _] = p.0;
        i32::from(b) > i32::from(r) + 60 && b > 150 && g > 80
    }

    #[test]
    fn the_curve_preview_is_flat_at_zero_below_the_first_point_as_the_plan_pays() {
        // The sales-led sample's utilisation bonus: nothing below 85% of target, then ×0.5.
        let point = |x: &str, y: &str| crate::plan::CurvePoint { x: x.parse().unwrap(), y: y.parse().unwrap() };
        let curve = vec![point("0.85", "0.5"), point("1", "1"), point("1.2", "1.6")];
        let mut harness = egui_kittest::Harness::builder()
            .with_size(egui::vec2(260.0, 130.0))
            .with_theme(egui::Theme::Dark)
            .build_ui_state(
                |ui, transform: &mut Option<egui_plot::PlotTransform>| {
                    *transform = Some(curve_preview_ui(ui, &curve, "test").transform);
                },
                None,
            );
        harness.run();
        let image = harness.render().expect("the preview renders (wgpu, software adapter)");
        let transform = (*harness.state()).expect("the plot was shown");
        let pixels_near = |x: f64, y: f64| {
            let pos = transform.position_from_point(&egui_plot::PlotPoint::new(x, y));
            let (cx, cy) = (pos.x.round() as i64, pos.y.round() as i64);
            let mut found = Vec::new();
            for dx in -2..=2 {
                for dy in -2..=2 {
                    if let (Ok(px), Ok(py)) = (u32::try_from(cx + dx), u32::try_from(cy + dy))
                        && let Some(p) = image.get_pixel_checked(px, py)
                    {
                        found.push(*p);
                    }
                }
            }
            found
        };
        // The line is drawn where the plan pays: on the segment from 100% to 120% …
        assert!(pixels_near(1.1, 1.3).iter().any(is_line_blue), "the line between 100% and 120% is drawn");
        // … and flat at 0 below 85%, where nothing is painted above the axis: the plan pays 0
        // there, not a slope up to ×0.5.
        for (x, y) in [(0.5, 0.2), (0.7, 0.25), (0.8, 0.35), (0.75, 0.12)] {
            assert!(
                !pixels_near(x, y).iter().any(is_line_blue),
                "at {x} the preview paints ×{y}, where the plan pays 0"
            );
        }
    }

    #[test]
    fn counts_are_marked_at_whole_numbers_only() {
        // Two people at most, on a plot where a label every 34 points is half a person apart:
        // the ticks 0.5 and 1.5 would both read "1" or "2" once rounded.
        let input = GridInput { bounds: (-0.1, 2.2), base_step_size: 0.088 };
        let marks = count_spacer()(input);
        let values: Vec<f64> = marks.iter().map(|m| m.value).collect();
        assert_eq!(values, [0.0, 1.0, 2.0]);
        assert!(marks.iter().all(|m| m.step_size == 1.0));
        // An amount axis on the same range keeps its fractional lines.
        let amounts = y_spacer()(GridInput { bounds: (-0.1, 2.2), base_step_size: 0.088 });
        assert!(amounts.iter().any(|m| m.value.fract() != 0.0));
        // Thousands of people: the usual 1-2-5 steps with thin lines between.
        let many = count_spacer()(GridInput { bounds: (0.0, 4000.0), base_step_size: 160.0 });
        assert!(many.iter().all(|m| m.value.fract() == 0.0));
        assert!(many.iter().any(|m| m.step_size > 100.0));
    }

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(0.7), 1.0);
        assert_eq!(nice_step(1.5), 2.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(120_000.0), 200_000.0);
        assert_eq!(nice_step(0.0), 1.0);
    }

    #[test]
    fn money_ticks_are_compact() {
        assert_eq!(compact_money(0.0), "0");
        assert_eq!(compact_money(200_000.0), "200k");
        assert_eq!(compact_money(1_250_000.0), "1.25M");
        assert_eq!(compact_money(-15_000.0), "−15k");
        assert_eq!(compact_money(950.0), "950");
    }

    #[test]
    fn ticks_close_together_keep_the_decimals_that_tell_them_apart() {
        let ticks: Vec<String> = [18_460.0, 18_470.0, 18_480.0].iter().map(|v| compact_tick(*v, 10.0)).collect();
        assert_eq!(ticks, ["18.46k", "18.47k", "18.48k"]);
        let ticks: Vec<String> = [18_468.0, 18_470.0, 18_472.0].iter().map(|v| compact_tick(*v, 2.0)).collect();
        assert_eq!(ticks, ["18.468k", "18.470k", "18.472k"]);
        assert_eq!(compact_tick(15_000.0, 5_000.0), "15k");
        assert_eq!(compact_tick(2_500_000.0, 250_000.0), "2.5M");
        assert_eq!(compact_tick(-0.5, 0.25), "−0.5");
        assert_eq!(compact_tick(0.0, 10.0), "0");
    }

    #[test]
    fn long_category_names_fit_on_two_lines_or_are_shortened() {
        assert_eq!(fit_label("Sales-led (today)", 200.0), "Sales-led (today)");
        assert_eq!(fit_label("Sales-led (today)", 80.0), "Sales-led\n(today)");
        assert!(fit_label("Supercalifragilistic", 60.0).chars().count() <= 8);
    }
}

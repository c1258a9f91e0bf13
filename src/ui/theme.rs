//! Colours and sizes live here, not in panels (design tokens).

use egui::Color32;

/// Colours for one theme.
#[derive(Clone, Copy, Debug)]
pub struct Tokens {
    /// One colour per plan (colour-blind safe, Okabe–Ito), cycled.
    pub plan_palette: [Color32; 8],
    /// Error text.
    pub error: Color32,
    /// Warning text.
    pub warning: Color32,
    /// Results that no longer match the plan on screen.
    pub stale: Color32,
    /// Gains.
    pub positive: Color32,
    /// Losses.
    pub negative: Color32,
    /// Secondary text.
    pub muted: Color32,
    /// One colour per payout component or activity in a chart, distinct from each other (and
    /// from [`Tokens::other`]); [`series_color`] goes on past the last one with lighter and
    /// darker tones of them.
    pub series: [Color32; 20],
    /// Time or pay that belongs to no named series (the `other` activity).
    pub other: Color32,
}

const DARK: Tokens = Tokens {
    plan_palette: [
        Color32::from_rgb(86, 180, 233),
        Color32::from_rgb(230, 159, 0),
        Color32::from_rgb(0, 158, 115),
        Color32::from_rgb(204, 121, 167),
        Color32::from_rgb(240, 228, 66),
        Color32::from_rgb(213, 94, 0),
        Color32::from_rgb(0, 114, 178),
        Color32::from_rgb(200, 200, 200),
    ],
    error: Color32::from_rgb(255, 110, 100),
    warning: Color32::from_rgb(240, 190, 70),
    stale: Color32::from_rgb(160, 160, 160),
    positive: Color32::from_rgb(90, 200, 120),
    negative: Color32::from_rgb(255, 120, 110),
    muted: Color32::from_rgb(165, 165, 165),
    series: [
        Color32::from_rgb(78, 141, 207),
        Color32::from_rgb(242, 142, 43),
        Color32::from_rgb(89, 181, 99),
        Color32::from_rgb(225, 87, 89),
        Color32::from_rgb(176, 122, 201),
        Color32::from_rgb(237, 201, 72),
        Color32::from_rgb(118, 203, 198),
        Color32::from_rgb(255, 157, 167),
        Color32::from_rgb(176, 137, 105),
        Color32::from_rgb(160, 200, 60),
        Color32::from_rgb(120, 130, 230),
        // Chosen to be as far from the ones above, and from grey, as can be (CIE Lab).
        Color32::from_rgb(230, 70, 155),
        Color32::from_rgb(200, 210, 140),
        Color32::from_rgb(140, 135, 35),
        Color32::from_rgb(0, 230, 185),
        Color32::from_rgb(0, 205, 255),
        Color32::from_rgb(205, 195, 255),
        Color32::from_rgb(255, 190, 125),
        Color32::from_rgb(255, 135, 245),
        Color32::from_rgb(115, 140, 90),
    ],
    other: Color32::from_rgb(150, 150, 150),
};

const LIGHT: Tokens = Tokens {
    plan_palette: [
        Color32::from_rgb(0, 114, 178),
        Color32::from_rgb(213, 94, 0),
        Color32::from_rgb(0, 158, 115),
        Color32::from_rgb(204, 121, 167),
        Color32::from_rgb(150, 130, 0),
        Color32::from_rgb(86, 180, 233),
        Color32::from_rgb(230, 159, 0),
        Color32::from_rgb(80, 80, 80),
    ],
    error: Color32::from_rgb(190, 30, 30),
    warning: Color32::from_rgb(160, 100, 0),
    stale: Color32::from_rgb(120, 120, 120),
    positive: Color32::from_rgb(20, 130, 60),
    negative: Color32::from_rgb(190, 30, 30),
    muted: Color32::from_rgb(100, 100, 100),
    series: [
        Color32::from_rgb(31, 105, 180),
        Color32::from_rgb(230, 115, 0),
        Color32::from_rgb(44, 150, 60),
        Color32::from_rgb(205, 45, 50),
        Color32::from_rgb(140, 86, 175),
        Color32::from_rgb(170, 140, 0),
        Color32::from_rgb(0, 150, 150),
        Color32::from_rgb(220, 100, 160),
        Color32::from_rgb(130, 90, 60),
        Color32::from_rgb(110, 150, 20),
        Color32::from_rgb(80, 90, 200),
        // Chosen to be as far from the ones above, and from grey, as can be (CIE Lab).
        Color32::from_rgb(50, 85, 35),
        Color32::from_rgb(115, 55, 90),
        Color32::from_rgb(220, 120, 115),
        Color32::from_rgb(145, 155, 95),
        Color32::from_rgb(155, 0, 65),
        Color32::from_rgb(145, 60, 0),
        Color32::from_rgb(5, 160, 210),
        Color32::from_rgb(160, 5, 130),
        Color32::from_rgb(180, 135, 180),
    ],
    other: Color32::from_rgb(150, 150, 150),
};

/// The tokens for the current theme.
pub fn tokens(ui: &egui::Ui) -> Tokens {
    tokens_for(ui.ctx())
}

/// The tokens for the context's current theme.
pub fn tokens_for(ctx: &egui::Context) -> Tokens {
    if ctx.global_style().visuals.dark_mode { DARK } else { LIGHT }
}

/// Colour `index` of `palette`: the palette's own colours first, then, round after round, each
/// of them lighter, then darker, then lighter still, and so on, so that no two indices share
/// a colour (a legend of more series than the palette has colours still tells them apart).
fn nth_color(palette: &[Color32], index: usize) -> Color32 {
    let n = palette.len().max(1);
    let base = palette.get(index % n).copied().unwrap_or(Color32::GRAY);
    let round = index / n;
    if round == 0 {
        return base;
    }
    let toward = if round % 2 == 1 { Color32::WHITE } else { Color32::BLACK };
    // 30%, 30%, 60%, 60%, 75%, 75%, …
    let amount = (0.3 * round.div_ceil(2) as f32).min(0.75);
    base.lerp_to_gamma(toward, amount)
}

/// The colour of plan number `index` (stable per plan, so two plans with the same name differ).
pub fn plan_color(ui: &egui::Ui, index: usize) -> Color32 {
    plan_color_for(ui.ctx(), index)
}

/// The colour of series number `index` in a chart (components, activities): one per index,
/// never the same for two.
pub fn series_color(ctx: &egui::Context, index: usize) -> Color32 {
    nth_color(&tokens_for(ctx).series, index)
}

/// Applies Carrot's look at start-up. The monospace font (Hack) backs up the proportional one,
/// so arrows, minus signs and the like that Ubuntu Light lacks still draw ("1→1", not "1▯1").
pub fn install(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    if fonts.font_data.contains_key("Hack")
        && let Some(family) = fonts.families.get_mut(&egui::FontFamily::Proportional)
        && !family.iter().any(|f| f == "Hack")
    {
        let at = family.iter().position(|f| f == "Ubuntu-Light").map_or(0, |i| i + 1);
        family.insert(at, "Hack".to_owned());
    }
    ctx.set_fonts(fonts);
    ctx.global_style_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
    });
}

/// Meeting mode: larger everything and a high-contrast palette; off restores the normal theme.
pub fn set_meeting_mode(ctx: &egui::Context, on: bool) {
    ctx.set_zoom_factor(if on { 1.35 } else { 1.0 });
    if on {
        let mut visuals = egui::Visuals::dark();
        visuals.override_text_color = Some(egui::Color32::WHITE);
        visuals.panel_fill = egui::Color32::BLACK;
        visuals.window_fill = egui::Color32::from_gray(10);
        visuals.extreme_bg_color = egui::Color32::BLACK;
        visuals.faint_bg_color = egui::Color32::from_gray(28);
        visuals.widgets.noninteractive.bg_stroke = egui::Stroke::new(1.5, egui::Color32::from_gray(200));
        visuals.widgets.noninteractive.fg_stroke = egui::Stroke::new(1.5, egui::Color32::WHITE);
        ctx.set_visuals_of(egui::Theme::Dark, visuals);
        ctx.set_theme(egui::ThemePreference::Dark);
    } else {
        ctx.set_visuals_of(egui::Theme::Dark, egui::Visuals::dark());
        ctx.set_theme(egui::ThemePreference::System);
    }
    apply_frame_budget(ctx);
}

/// Where frames are drawn in software (no graphics driver: a virtual machine, a remote
/// desktop), each frame of a full window takes both cores for a while (about 15 ms with OpenGL,
/// which `super::renderer` then chooses; 55 ms with Vulkan), and the payouts computed below the
/// UI's priority wait for it. Carrot then draws fewer frames: the text cursor does not blink (two
/// frames a second for as long as a field has the focus), egui does not animate (a panel opening
/// took several frames), and [`busy_step`] is longer.
pub fn set_software_frames(ctx: &egui::Context, on: bool) {
    ctx.data_mut(|d| d.insert_temp(software_frames_id(), on));
    apply_frame_budget(ctx);
}

/// Whether frames are drawn in software (see [`set_software_frames`]).
pub fn software_frames(ctx: &egui::Context) -> bool {
    ctx.data(|d| d.get_temp(software_frames_id())).unwrap_or(false)
}

/// How often a busy indicator moves: eight times a second, or twice where frames are drawn in
/// software (see [`set_software_frames`]).
pub fn busy_step(ctx: &egui::Context) -> std::time::Duration {
    std::time::Duration::from_millis(if software_frames(ctx) { 500 } else { 125 })
}

fn software_frames_id() -> egui::Id {
    egui::Id::unique("carrot_software_frames")
}

/// The styles for the frames drawn (see [`set_software_frames`]); again after a theme change.
fn apply_frame_budget(ctx: &egui::Context) {
    if software_frames(ctx) {
        ctx.all_styles_mut(|style| {
            style.visuals.text_cursor.blink = false;
            style.animation_time = 0.0;
        });
    }
}

/// The colour of plan number `index`, from a context (inside plots).
pub fn plan_color_for(ctx: &egui::Context, index: usize) -> Color32 {
    nth_color(&tokens_for(ctx).plan_palette, index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blinks_and_animates(ctx: &egui::Context) -> Vec<(bool, f32)> {
        [egui::Theme::Dark, egui::Theme::Light]
            .into_iter()
            .map(|t| ctx.style_of(t))
            .map(|s| (s.visuals.text_cursor.blink, s.animation_time))
            .collect()
    }

    /// A context in the light or dark theme.
    fn themed(dark: bool) -> egui::Context {
        let ctx = egui::Context::default();
        ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
        ctx
    }

    #[test]
    fn series_in_one_chart_never_share_a_colour() {
        // The product-led sample alone pays thirteen lines, the three samples compared more:
        // the palette once ran out at twelve and started again.
        for dark in [true, false] {
            let ctx = themed(dark);
            let colors: Vec<Color32> = (0..60).map(|k| series_color(&ctx, k)).collect();
            for (i, a) in colors.iter().enumerate() {
                for (j, b) in colors.iter().enumerate().skip(i + 1) {
                    assert_ne!(a, b, "series {i} and {j} share a colour (dark {dark})");
                }
                assert_ne!(*a, tokens_for(&ctx).other, "series {i} looks like `other` (dark {dark})");
            }
            // The palette's own colours are well apart, not only different.
            let palette = tokens_for(&ctx).series;
            for (i, a) in palette.iter().enumerate() {
                for b in palette.iter().skip(i + 1) {
                    let d: i32 =
                        a.to_array().iter().zip(b.to_array()).map(|(x, y)| (i32::from(*x) - i32::from(y)).abs()).sum();
                    assert!(d >= 60, "{a:?} and {b:?} are hard to tell apart (dark {dark})");
                }
            }
        }
    }

    #[test]
    fn plans_never_share_a_colour() {
        for dark in [true, false] {
            let ctx = themed(dark);
            let colors: Vec<Color32> = (0..24).map(|k| plan_color_for(&ctx, k)).collect();
            for (i, a) in colors.iter().enumerate() {
                assert!(colors.iter().skip(i + 1).all(|b| b != a), "plan colour {i} repeats (dark {dark})");
            }
        }
    }

    #[test]
    fn frames_drawn_in_software_are_fewer_and_stay_so_through_a_theme_change() {
        let gpu = egui::Context::default();
        install(&gpu);
        set_software_frames(&gpu, false);
        assert!(blinks_and_animates(&gpu).iter().all(|&(blink, time)| blink && time > 0.0));
        assert_eq!(busy_step(&gpu), std::time::Duration::from_millis(125));

        let software = egui::Context::default();
        install(&software);
        set_software_frames(&software, true);
        assert!(blinks_and_animates(&software).iter().all(|&(blink, time)| !blink && time == 0.0));
        assert_eq!(busy_step(&software), std::time::Duration::from_millis(500));
        // Meeting mode replaces the visuals, on and off: still no blinking cursor.
        for on in [true, false] {
            set_meeting_mode(&software, on);
            assert!(blinks_and_animates(&software).iter().all(|&(blink, time)| !blink && time == 0.0), "{on}");
        }
    }
}

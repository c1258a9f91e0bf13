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
    muted: Color32::from_rgb(150, 150, 150),
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
    muted: Color32::from_rgb(110, 110, 110),
};

/// The tokens for the current theme.
pub fn tokens(ui: &egui::Ui) -> Tokens {
    tokens_for(ui.ctx())
}

/// The tokens for the context's current theme.
pub fn tokens_for(ctx: &egui::Context) -> Tokens {
    if ctx.global_style().visuals.dark_mode { DARK } else { LIGHT }
}

/// The colour of plan number `index` (stable per plan, so two plans with the same name differ).
pub fn plan_color(ui: &egui::Ui, index: usize) -> Color32 {
    let palette = tokens(ui).plan_palette;
    palette[index % palette.len()]
}

/// Applies Carrot's look at start-up.
pub fn install(ctx: &egui::Context) {
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
}

/// The colour of plan number `index`, from a context (inside plots).
pub fn plan_color_for(ctx: &egui::Context, index: usize) -> Color32 {
    let palette = tokens_for(ctx).plan_palette;
    palette[index % palette.len()]
}

//! The desktop app (feature `gui`): a thin layer over the core. See `app` for the structure.

pub mod app;
pub mod background;
pub mod command;
pub mod compute;
pub mod doc;
pub mod jobs;
pub mod notify;
pub mod panels;
pub mod plots;
pub mod png;
pub mod recovery;
pub mod simulate;
pub mod state;
pub mod theme;
pub mod widgets;

use std::process::ExitCode;

pub use app::{CarrotApp, FileChooser, Startup};

/// Options for a scripted run that saves a screenshot and exits (used by `scripts/screenshot.sh`).
#[derive(Clone, Debug, Default)]
pub struct ScreenshotScript {
    /// Where to save the PNG.
    pub path: std::path::PathBuf,
    /// The central view to show.
    pub tab: state::Tab,
    /// Whether to switch meeting mode on.
    pub meeting: bool,
    /// Select the person with this employee id (to show an explanation).
    pub person: Option<String>,
    /// The window's inner size in points (default 1440 × 900).
    pub size: Option<[f32; 2]>,
    /// Light or dark (default: the system's).
    pub theme: Option<egui::ThemePreference>,
}

impl ScreenshotScript {
    /// Reads `CARROT_SCREENSHOT` (the PNG path), `CARROT_TAB`, `CARROT_MEETING`, `CARROT_PERSON`,
    /// `CARROT_SIZE` (`1280x800`) and `CARROT_THEME` (`light` or `dark`).
    pub fn from_env() -> Option<Self> {
        let path = std::env::var_os("CARROT_SCREENSHOT")?;
        let tab = match std::env::var("CARROT_TAB").unwrap_or_default().as_str() {
            "charts" => state::Tab::Charts,
            "compare" => state::Tab::Compare,
            "behaviour" => state::Tab::Behaviour,
            _ => state::Tab::Payouts,
        };
        Some(Self {
            path: path.into(),
            tab,
            meeting: std::env::var("CARROT_MEETING").is_ok_and(|v| v == "1"),
            person: std::env::var("CARROT_PERSON").ok(),
            size: std::env::var("CARROT_SIZE").ok().and_then(|s| {
                let (w, h) = s.split_once('x')?;
                Some([w.trim().parse().ok()?, h.trim().parse().ok()?])
            }),
            theme: match std::env::var("CARROT_THEME").unwrap_or_default().as_str() {
                "light" => Some(egui::ThemePreference::Light),
                "dark" => Some(egui::ThemePreference::Dark),
                _ => None,
            },
        })
    }
}

/// Opens the window. With no saved workspace it opens on the bundled samples.
#[expect(clippy::print_stderr, reason = "the window could not open, so the terminal is the only place to say so")]
pub fn run() -> ExitCode {
    let script = ScreenshotScript::from_env();
    let size = script.as_ref().and_then(|s| s.size).unwrap_or([1440.0, 900.0]);
    let viewport = egui::ViewportBuilder::default()
        .with_title("Carrot — incentive plan design")
        .with_inner_size(size)
        .with_min_inner_size([960.0, 600.0])
        .with_drag_and_drop(true);
    // A scripted screenshot must neither read nor change the user's saved workspace.
    let persistence_path =
        script.as_ref().map(|_| std::env::temp_dir().join(format!("carrot-screenshot-{}", std::process::id())));
    let options =
        eframe::NativeOptions { viewport, persist_window: script.is_none(), persistence_path, ..Default::default() };
    let result = eframe::run_native(
        "Carrot",
        options,
        Box::new(move |cc| {
            let startup = if script.is_some() { Startup::Samples } else { Startup::Restore };
            let scripted = script.is_some();
            let mut app = CarrotApp::new(cc, startup, FileChooser::Dialog);
            app.rt.screenshot = script;
            if scripted {
                // A scripted screenshot never touches the user's recovery folder.
                app.rt.recovery_dir = None;
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: could not open the window: {e}");
            ExitCode::from(1)
        }
    }
}

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
mod renderer;
pub mod simulate;
pub mod state;
pub mod theme;
pub mod widgets;

use std::process::ExitCode;

pub use app::{CarrotApp, FileChooser, Startup};

/// The app's id, a contract shared by the window (Wayland `app_id`, X11 `WM_CLASS`), the desktop
/// entry (`assets/carrot.desktop`, installed as `carrot.desktop`), the icon's name and the data
/// folder (`~/.local/share/carrot` on Linux: the saved workspace and the recovery folder).
///
/// Earlier versions named the folder by the title "Carrot", which eframe lower-cases on Linux, so
/// existing users' data is already in place there; [`migrate_data_dir`] moves it where the case
/// differs (a case-sensitive macOS volume).
pub const APP_ID: &str = "carrot";

/// The name earlier versions gave eframe for the data folder.
const OLD_DATA_NAME: &str = "Carrot";

/// The app's data folder (eframe's saved state `app.ron`, and `recovery/`).
pub fn data_dir() -> Option<std::path::PathBuf> {
    eframe::storage_dir(APP_ID)
}

/// Moves the data folder of an earlier version (`old`) to `new` when only the old one exists and
/// they are different folders. Returns whether it moved anything.
pub fn migrate_data_dir(old: &std::path::Path, new: &std::path::Path) -> std::io::Result<bool> {
    // On a case-insensitive file system (the default on macOS and Windows) `new` exists as soon
    // as `old` does: they are the same folder and nothing moves.
    if old == new || new.exists() || !old.is_dir() {
        return Ok(false);
    }
    if let Some(parent) = new.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(old, new)?;
    Ok(true)
}

/// The window icon: the same artwork as the installed icons (`assets/icons`).
pub fn window_icon() -> Result<egui::IconData, image::ImageError> {
    let image = image::load_from_memory_with_format(
        include_bytes!("../../assets/icons/carrot-256.png"),
        image::ImageFormat::Png,
    )?
    .into_rgba8();
    Ok(egui::IconData { width: image.width(), height: image.height(), rgba: image.into_raw() })
}

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
        .with_drag_and_drop(true)
        .with_app_id(APP_ID);
    let viewport = match window_icon() {
        Ok(icon) => viewport.with_icon(icon),
        Err(e) => {
            eprintln!("warning: the window icon could not be read ({e}); the window shows the default icon");
            viewport
        }
    };
    if script.is_none()
        && let (Some(old), Some(new)) = (eframe::storage_dir(OLD_DATA_NAME), data_dir())
        && let Err(e) = migrate_data_dir(&old, &new)
    {
        eprintln!("warning: could not move {} to {}: {e}", old.display(), new.display());
    }
    // A scripted screenshot must neither read nor change the user's saved workspace.
    let persistence_path =
        script.as_ref().map(|_| std::env::temp_dir().join(format!("carrot-screenshot-{}", std::process::id())));
    let requested = std::env::var("CARROT_RENDERER").ok();
    let drawing = match renderer::choose(requested.as_deref(), renderer::probe) {
        Ok(drawing) => drawing,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let options = eframe::NativeOptions {
        viewport,
        persist_window: script.is_none(),
        persistence_path,
        renderer: drawing.renderer,
        ..Default::default()
    };
    let result = eframe::run_native(
        "Carrot",
        // eframe names the data folder by the viewport's app id (APP_ID) when it is set.
        options,
        Box::new(move |cc| {
            let startup = if script.is_some() { Startup::Samples } else { Startup::Restore };
            let scripted = script.is_some();
            let mut app = CarrotApp::new(cc, startup, FileChooser::Dialog);
            if drawing.software {
                // OpenGL does not say here whether it draws in software; the probe did.
                theme::set_software_frames(&cc.egui_ctx, true);
            }
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
        // Chosen for a CPU-only machine, OpenGL may be missing where Vulkan is not: a window
        // cannot be opened twice in one process, so a new one tries Vulkan.
        Err(e)
            if renderer::renderer_failed(&e)
                && requested.is_none()
                && drawing.renderer == eframe::Renderer::Glow
                && drawing.software =>
        {
            eprintln!("warning: could not open the window with OpenGL ({e}); trying Vulkan");
            renderer::run_again_with(eframe::Renderer::Wgpu)
        }
        Err(e) => {
            eprintln!("error: could not open the window (drawn with {}): {e}", drawing.renderer);
            if renderer::renderer_failed(&e) {
                eprintln!("hint: {}", renderer::other_hint(drawing.renderer));
            }
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_icon_is_the_carrot_artwork() {
        let icon = window_icon().expect("the bundled PNG decodes");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
        // Transparent corners (a rounded tile) and an orange carrot in the middle.
        assert_eq!(icon.rgba[3], 0, "top-left corner is transparent");
        let orange =
            icon.rgba.chunks_exact(4).filter(|p| p[0] > 220 && (100..170).contains(&p[1]) && p[2] < 60).count();
        assert!(orange > 2000, "only {orange} orange pixels");
    }

    #[test]
    fn the_data_folder_is_named_by_the_app_id_and_holds_recovery() {
        let dir = data_dir().expect("a home folder in tests");
        assert_eq!(dir.file_name().and_then(|n| n.to_str()), Some(APP_ID));
        assert_eq!(recovery::default_dir(), Some(dir.join("recovery")));
        // Earlier versions' folder ("Carrot", lower-cased by eframe on Linux) is the same one.
        #[cfg(target_os = "linux")]
        assert_eq!(eframe::storage_dir(OLD_DATA_NAME), Some(dir));
    }

    #[test]
    fn an_earlier_versions_data_folder_moves_once() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let old = tmp.path().join("Carrot");
        let new = tmp.path().join("share").join("carrot");
        std::fs::create_dir_all(old.join("recovery")).expect("mkdir");
        std::fs::write(old.join("app.ron"), "(workspace)").expect("write");
        assert!(migrate_data_dir(&old, &new).expect("moves"));
        assert_eq!(std::fs::read_to_string(new.join("app.ron")).expect("moved"), "(workspace)");
        assert!(new.join("recovery").is_dir() && !old.exists());
        // Both present: the new one wins and nothing moves.
        std::fs::create_dir_all(&old).expect("mkdir");
        assert!(!migrate_data_dir(&old, &new).expect("no-op"));
        assert!(old.exists());
        // No old folder, or the same folder: nothing to do.
        assert!(!migrate_data_dir(&tmp.path().join("none"), &tmp.path().join("x")).expect("no-op"));
        assert!(!migrate_data_dir(&new, &new).expect("no-op"));
    }
}

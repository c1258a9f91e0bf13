//! The real window, opened by the real binary under a virtual X server (where no GPU is: frames
//! are drawn in software, OpenGL unless told otherwise, `src/ui/renderer.rs`). Skipped with a
//! note where `xvfb-run` is not installed (`./setup.sh` installs it).
#![cfg(feature = "gui")]
#![expect(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr, reason = "tests")]

use std::path::Path;
use std::process::Command;

/// Runs the app once with a screenshot script (`CARROT_SCREENSHOT`, as `scripts/screenshot.sh`
/// does), `renderer` as `CARROT_RENDERER` and `envs` set; returns the exit status, stderr, and
/// the PNG's bytes if one was written.
fn shoot(
    dir: &Path,
    renderer: Option<&str>,
    envs: &[(&str, &str)],
) -> Option<(std::process::ExitStatus, String, Option<Vec<u8>>)> {
    if Command::new("xvfb-run").arg("--help").output().is_err() {
        eprintln!("skipped: xvfb-run is not installed (./setup.sh installs it)");
        return None;
    }
    // One virtual X server at a time: `xvfb-run -a` takes the first display number without a
    // lock file, so two started together can pick the same one, and one app then finds no X
    // server ("Failed to open connection to X server"; seen in CI with the tests in parallel).
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let png = dir.join(format!("window-{}-{}.png", renderer.unwrap_or("auto"), envs.len()));
    let runtime = dir.join("runtime");
    std::fs::create_dir_all(&runtime).unwrap();
    let mut cmd = Command::new("xvfb-run");
    cmd.args(["-a", "-s", "-screen 0 2560x1600x24", env!("CARGO_BIN_EXE_carrot")])
        .env("CARROT_SIZE", "1280x800")
        .env("CARROT_SCREENSHOT", &png)
        .env("CARROT_TAB", "payouts")
        .env("HOME", dir)
        .env("XDG_RUNTIME_DIR", &runtime)
        .env_remove("CARROT_RENDERER")
        .envs(envs.iter().copied());
    if let Some(r) = renderer {
        cmd.env("CARROT_RENDERER", r);
    }
    let out = cmd.output().expect("xvfb-run runs");
    Some((out.status, String::from_utf8_lossy(&out.stderr).into_owned(), std::fs::read(&png).ok()))
}

/// A PNG of the window: the signature, and the 1280×800 size in its header.
fn is_window_png(bytes: &[u8]) -> bool {
    let be = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    bytes.starts_with(b"\x89PNG\r\n\x1a\n") && be(16) == Some(1280) && be(20) == Some(800) && bytes.len() > 20_000
}

#[test]
fn the_window_opens_and_draws_with_either_renderer_and_a_wrong_setting_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for renderer in [None, Some("wgpu"), Some("glow")] {
        let Some((status, stderr, png)) = shoot(dir.path(), renderer, &[]) else { return };
        assert!(status.success(), "{renderer:?}: {status}\n{stderr}");
        let png = png.unwrap_or_else(|| panic!("{renderer:?}: no screenshot\n{stderr}"));
        assert!(is_window_png(&png), "{renderer:?}: not a 1280x800 picture of the window");
    }
    let Some((status, stderr, png)) = shoot(dir.path(), Some("vulkan"), &[]) else { return };
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("CARROT_RENDERER is `vulkan`; use `wgpu` or `glow`"), "{stderr}");
    assert!(png.is_none());
}

#[test]
fn where_opengl_cannot_open_the_window_vulkan_does() {
    // Mesa's OpenGL pointed at drivers and vendors that do not exist: the automatic choice (OpenGL,
    // where wgpu finds only the CPU) fails, and the app runs again with Vulkan.
    let dir = tempfile::tempdir().unwrap();
    let broken = [
        ("LIBGL_DRIVERS_PATH", "/nonexistent"),
        ("__GLX_VENDOR_LIBRARY_NAME", "nonexistent"),
        ("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent.json"),
    ];
    let Some((status, stderr, png)) = shoot(dir.path(), None, &broken) else { return };
    assert!(status.success(), "{status}\n{stderr}");
    assert!(png.as_deref().is_some_and(is_window_png), "no picture of the window\n{stderr}");
    if stderr.contains("with OpenGL") {
        assert!(stderr.contains("trying Vulkan"), "{stderr}");
    } else {
        // A GPU machine: wgpu found a graphics driver and OpenGL was never tried.
        eprintln!("OpenGL was not chosen here (a graphics driver): nothing to fall back from");
    }
}

#[test]
fn without_a_display_the_window_says_so_once_and_no_renderer_is_blamed() {
    let run = Command::new(env!("CARGO_BIN_EXE_carrot"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("CARROT_RENDERER")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("could not open the window").count(), 1, "{stderr}");
    assert!(!stderr.contains("trying Vulkan") && !stderr.contains("hint:"), "{stderr}");
}

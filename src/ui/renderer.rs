//! Which renderer draws the window. With a graphics driver, wgpu (Vulkan, Metal, DirectX). Where
//! the only adapter wgpu finds is the CPU (Mesa's lavapipe, on a virtual machine or a remote
//! desktop without a graphics driver), OpenGL through Mesa's llvmpipe (glow): in the real window
//! under Xvfb a frame of the full window took about 55 ms of both cores with lavapipe and about
//! 15 ms with llvmpipe (docs/performance.md), and frames are what typing and hovering wait for.

use eframe::Renderer;
use eframe::wgpu;

/// What wgpu finds to draw with, asked before the window opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Adapter {
    /// A graphics driver.
    Hardware,
    /// Only the CPU: a software rasteriser.
    Cpu,
    /// Nothing.
    None,
}

/// How the window is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Drawing {
    pub renderer: Renderer,
    /// Whether frames are drawn by the CPU, so the app asks for as few as it can
    /// ([`super::theme::set_software_frames`]).
    pub software: bool,
}

/// The renderer for `requested` (the `CARROT_RENDERER` setting: `wgpu`, `glow`, or unset for
/// the choice above), asking `probe` what wgpu would draw with unless the setting decides. A
/// setting that names neither is refused with what it may be.
pub(crate) fn choose(requested: Option<&str>, probe: impl FnOnce() -> Adapter) -> Result<Drawing, String> {
    let adapter = match requested.map(str::trim) {
        None | Some("") => probe(),
        Some(r) if r.eq_ignore_ascii_case("wgpu") => {
            return Ok(Drawing { renderer: Renderer::Wgpu, software: false });
        }
        // Forced OpenGL may still be a software one: asked, to budget the frames.
        Some(r) if r.eq_ignore_ascii_case("glow") => {
            return Ok(Drawing { renderer: Renderer::Glow, software: probe() == Adapter::Cpu });
        }
        Some(other) => return Err(format!("CARROT_RENDERER is `{other}`; use `wgpu` or `glow`, or leave it unset")),
    };
    Ok(match adapter {
        Adapter::Hardware => Drawing { renderer: Renderer::Wgpu, software: false },
        Adapter::Cpu => Drawing { renderer: Renderer::Glow, software: true },
        // No Vulkan (or other wgpu backend) at all: OpenGL is the only way left to open a window.
        Adapter::None => Drawing { renderer: Renderer::Glow, software: false },
    })
}

/// Whether opening the window failed in the renderer (OpenGL or wgpu), where the other one may
/// succeed, rather than in the window system (no display) or the app.
pub(crate) fn renderer_failed(e: &eframe::Error) -> bool {
    matches!(
        e,
        eframe::Error::Glutin(_)
            | eframe::Error::NoGlutinConfigs(..)
            | eframe::Error::OpenGL(_)
            | eframe::Error::Wgpu(_)
    )
}

/// What to try when the window could not be opened with `renderer`.
pub(crate) fn other_hint(renderer: Renderer) -> &'static str {
    match renderer {
        Renderer::Glow => "CARROT_RENDERER=wgpu draws the window with Vulkan (needs libvulkan1 and a driver)",
        Renderer::Wgpu => "CARROT_RENDERER=glow draws the window with OpenGL (needs libgl1 and libegl1)",
    }
}

/// Runs this program again, with the same arguments and `CARROT_RENDERER` set to `renderer`,
/// and exits as it does.
#[expect(clippy::print_stderr, reason = "the window could not open, so the terminal is the only place to say so")]
pub(crate) fn run_again_with(renderer: Renderer) -> std::process::ExitCode {
    let run = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .args(std::env::args_os().skip(1))
            .env("CARROT_RENDERER", renderer.to_string())
            .status()
    });
    match run {
        Ok(status) => std::process::ExitCode::from(status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)),
        Err(e) => {
            eprintln!("error: could not start Carrot again with CARROT_RENDERER={renderer}: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

/// Asks wgpu, as eframe will (the same backends and power preference), which adapter it would
/// draw with.
pub(crate) fn probe() -> Adapter {
    let setup = eframe::egui_wgpu::WgpuSetupCreateNew::without_display_handle();
    let instance = wgpu::Instance::new(setup.instance_descriptor);
    let options = wgpu::RequestAdapterOptions { power_preference: setup.power_preference, ..Default::default() };
    match pollster::block_on(instance.request_adapter(&options)) {
        Ok(adapter) if adapter.get_info().device_type == wgpu::DeviceType::Cpu => Adapter::Cpu,
        Ok(_) => Adapter::Hardware,
        Err(_) => Adapter::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_graphics_driver_keeps_wgpu_and_the_cpu_alone_draws_with_opengl_on_a_frame_budget() {
        let auto = |adapter| choose(None, || adapter).unwrap();
        assert_eq!(auto(Adapter::Hardware), Drawing { renderer: Renderer::Wgpu, software: false });
        assert_eq!(auto(Adapter::Cpu), Drawing { renderer: Renderer::Glow, software: true });
        assert_eq!(auto(Adapter::None), Drawing { renderer: Renderer::Glow, software: false });
        assert_eq!(choose(Some(" "), || Adapter::Cpu).unwrap().renderer, Renderer::Glow);
    }

    #[test]
    fn the_setting_decides_and_a_wrong_one_is_refused() {
        let never = || -> Adapter { panic!("the setting decides without asking wgpu") };
        assert_eq!(choose(Some("WGPU"), never).unwrap(), Drawing { renderer: Renderer::Wgpu, software: false });
        let glow = choose(Some("glow"), || Adapter::Hardware).unwrap();
        assert_eq!(glow, Drawing { renderer: Renderer::Glow, software: false });
        assert!(choose(Some("glow"), || Adapter::Cpu).unwrap().software);
        let err = choose(Some("vulkan"), never).unwrap_err();
        assert!(err.contains("`vulkan`") && err.contains("`wgpu` or `glow`"), "{err}");
    }

    #[test]
    fn only_a_renderer_failure_is_worth_the_other_renderer() {
        let wgpu = eframe::Error::Wgpu(eframe::egui_wgpu::WgpuError::NoSurfaceFormatsAvailable);
        assert!(renderer_failed(&wgpu));
        let app = eframe::Error::AppCreation(Box::new(std::io::Error::other("the app failed")));
        assert!(!renderer_failed(&app));
    }

    #[test]
    fn a_window_that_does_not_open_names_the_other_renderer() {
        assert!(other_hint(Renderer::Glow).starts_with("CARROT_RENDERER=wgpu"));
        assert!(other_hint(Renderer::Wgpu).starts_with("CARROT_RENDERER=glow"));
    }
}

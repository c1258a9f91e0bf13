//! The install recipe is consistent: every file the Debian package lists exists (or is written
//! by scripts/package.sh), the desktop entry names the app id, the icon exists at the sizes its
//! installed path claims. The package itself is built by scripts/package.sh, not in CI.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `[package.metadata.deb].assets` as (source, destination, mode).
fn deb_assets() -> Vec<(String, String, String)> {
    let manifest: toml::Table = read("Cargo.toml").parse().expect("Cargo.toml parses");
    let deb = &manifest["package"]["metadata"]["deb"];
    deb["assets"]
        .as_array()
        .expect("assets is a list")
        .iter()
        .map(|a| {
            let a = a.as_array().expect("an asset is [source, dest, mode]");
            let s = |i: usize| a[i].as_str().expect("strings").to_owned();
            (s(0), s(1), s(2))
        })
        .collect()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |i: usize| u32::from_be_bytes([bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]]);
    (be(16), be(20))
}

#[test]
fn every_packaged_file_exists_or_is_written_by_package_sh() {
    let script = read("scripts/package.sh");
    let assets = deb_assets();
    assert!(assets.len() > 10);
    for (src, dest, mode) in &assets {
        assert!(mode == "644" || mode == "755", "{src}: mode {mode}");
        if src == "target/release/carrot" {
            assert_eq!((dest.as_str(), mode.as_str()), ("usr/bin/", "755"));
        } else if let Some(generated) = src.strip_prefix("target/package/") {
            // package.sh writes it from the binary (`carrot man`, `carrot completions`).
            assert!(script.contains(&format!("$gen/{generated}")), "package.sh does not write {src}");
        } else if let Some((dir, ext)) = src.split_once("/*.") {
            let n = std::fs::read_dir(root().join(dir))
                .expect("folder")
                .filter(|f| f.as_ref().is_ok_and(|f| f.path().extension().is_some_and(|e| e == ext)))
                .count();
            assert!(n > 0, "{src} matches nothing");
        } else {
            assert!(root().join(src).is_file(), "{src} is listed in the package but missing");
        }
    }
    let dests: Vec<&str> = assets.iter().map(|a| a.1.as_str()).collect();
    for needed in [
        "usr/share/applications/carrot.desktop",
        "usr/share/icons/hicolor/scalable/apps/carrot.svg",
        "usr/share/man/man1/carrot.1.gz",
        "usr/share/bash-completion/completions/carrot",
        "usr/share/zsh/vendor-completions/_carrot",
        "usr/share/fish/vendor_completions.d/carrot.fish",
    ] {
        assert!(dests.contains(&needed), "the package lacks {needed}");
    }
}

#[test]
fn every_icon_png_has_the_size_of_its_installed_folder() {
    let mut sizes = Vec::new();
    for (src, dest, _) in deb_assets() {
        let Some(rest) = dest.strip_prefix("usr/share/icons/hicolor/") else { continue };
        let (folder, name) = rest.split_once("/apps/").expect("hicolor/SIZE/apps/NAME");
        assert_eq!(name, format!("{}.{}", "carrot", if folder == "scalable" { "svg" } else { "png" }));
        if folder == "scalable" {
            assert!(read(&src).contains("<svg"), "{src} is not an SVG");
            continue;
        }
        let (w, h) = folder.split_once('x').expect("WxH");
        let bytes = std::fs::read(root().join(&src)).expect("icon");
        assert_eq!(png_size(&bytes), (w.parse().expect("w"), h.parse().expect("h")), "{src} installed as {dest}");
        sizes.push(w.parse::<u32>().expect("w"));
    }
    for size in [16, 32, 48, 128, 256] {
        assert!(sizes.contains(&size), "no {size}x{size} icon");
    }
}

#[test]
fn desktop_entry_launches_carrot_with_its_icon_and_app_id() {
    let entry = read("assets/carrot.desktop");
    let key = |k: &str| {
        entry
            .lines()
            .find_map(|l| l.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
            .unwrap_or_else(|| panic!("no {k}= in the desktop entry"))
            .to_owned()
    };
    assert_eq!(entry.lines().next(), Some("[Desktop Entry]"));
    assert_eq!(key("Type"), "Application");
    assert_eq!(key("Name"), "Carrot");
    assert_eq!(key("Exec"), "carrot");
    assert!(key("Categories").ends_with(';'));
    // The window's app id (X11 WM_CLASS, Wayland app_id), the icon's name and the desktop file's
    // name are one id, so the desktop shows the window under this entry and icon.
    #[cfg(feature = "gui")]
    let id = carrot::ui::APP_ID;
    #[cfg(not(feature = "gui"))]
    let id = "carrot";
    assert_eq!(key("Icon"), id);
    assert_eq!(key("StartupWMClass"), id);
    assert!(deb_assets().iter().any(|a| a.0 == "assets/carrot.desktop" && a.1.ends_with(&format!("/{id}.desktop"))));
}

#[test]
fn the_svg_is_what_scripts_icons_sh_draws() {
    // The PNGs are rendered from the shapes in scripts/icons.sh; the committed SVG must be the
    // same drawing (a changed shape without re-running the script would ship two icons).
    let svg = read("assets/icons/carrot.svg");
    let script = read("scripts/icons.sh");
    let paths: Vec<&str> =
        svg.lines().filter_map(|l| l.split_once(" d=\"").map(|(_, d)| d.trim_end_matches("\"/>"))).collect();
    assert!(paths.len() >= 5, "{svg}");
    for d in paths {
        assert!(script.contains(d), "a path of carrot.svg is not in scripts/icons.sh: {d}");
    }
}

#[test]
fn the_hris_and_crm_samples_ship_next_to_the_sample_rosters() {
    let assets = deb_assets();
    let folder = |src: &str| assets.iter().find(|a| a.0 == src).map(|a| a.1.clone());
    let rosters = folder("assets/sales_roster.csv").expect("the sample rosters are packaged");
    for file in
        ["hris_export.xlsx", "hris_recipe.json", "activity_metrics.csv", "crm_deals.csv", "crm_deals_mapping.json"]
    {
        let src = format!("assets/{file}");
        assert_eq!(folder(&src).as_deref(), Some(rosters.as_str()), "{src} ships beside the sample rosters");
    }
    // The READMEs say where they are installed.
    assert!(read("README.md").contains("/usr/share/carrot/rosters/hris_export.xlsx"));
    assert!(read("assets/README.md").contains("/usr/share/carrot/rosters/"));
}

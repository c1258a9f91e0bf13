//! The installed command as a user meets it: `--version`, `completions`, `man`, and the mode of
//! files it writes.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::process::{Command, Output};

fn carrot(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_carrot")).args(args).output().unwrap();
    assert!(out.status.success(), "carrot {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

#[test]
fn version_names_the_package_version() {
    let out = carrot(&["--version"]);
    assert_eq!(String::from_utf8(out.stdout).unwrap(), format!("carrot {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_for_each_shell_and_a_man_page_on_stdout() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = carrot(&["completions", shell]);
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("gen-roster") && script.contains("completions"), "{shell}");
    }
    let page = String::from_utf8(carrot(&["man"]).stdout).unwrap();
    assert!(page.contains(".TH carrot 1"), "{page}");
    let bad = Command::new(env!("CARGO_BIN_EXE_carrot")).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2), "an unknown shell is wrong usage");
}

#[cfg(unix)]
#[test]
fn gen_roster_writes_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.csv");
    carrot(&["gen-roster", "--people", "5", "--out", path.to_str().unwrap()]);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "gen-roster wrote {mode:o}");
}

//! Progress bars: drawn on a terminal for a big roster, never in a pipe (scripts, CI, tests),
//! never when turned off, and never for a small roster.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const PLAN: &str = "sample_plans/product_led.json";

/// A generated roster big enough for both bars (about 1.8 MB, 10,000 people).
fn big_roster(dir: &Path) -> String {
    let path = dir.join("big.csv");
    let out = Command::new(env!("CARGO_BIN_EXE_carrot"))
        .args(["gen-roster", "--people", "10000", "--out"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    path.display().to_string()
}

/// Runs `carrot payouts` on `roster` under a pseudo-terminal (util-linux `script`), returning
/// everything written to the terminal; `None` when `script` is not installed.
fn on_a_terminal(roster: &str, extra_env: &[(&str, &str)]) -> Option<String> {
    let command = format!("{} payouts --plan {PLAN} --roster {roster} > /dev/null", env!("CARGO_BIN_EXE_carrot"));
    let mut script = Command::new("script");
    script.current_dir(ROOT).args(["-qec", &command, "/dev/null"]).env("TERM", "xterm");
    for (k, v) in extra_env {
        script.env(k, v);
    }
    let out = script.output().ok()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn a_big_roster_shows_progress_on_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let roster = big_roster(dir.path());
    let Some(screen) = on_a_terminal(&roster, &[]) else {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    };
    assert!(screen.contains("Reading roster ["), "{screen:?}");
    assert!(screen.contains("Computing payouts ["), "{screen:?}");
    assert!(screen.contains("people"), "{screen:?}");
    let off = on_a_terminal(&roster, &[("CARROT_NO_PROGRESS", "1")]).unwrap();
    assert!(!off.contains("Reading roster") && !off.contains("Computing payouts"), "{off:?}");
}

#[test]
fn a_small_roster_shows_no_progress_even_on_a_terminal() {
    let Some(screen) = on_a_terminal("assets/sales_roster.csv", &[]) else { return };
    assert!(!screen.contains("Reading roster") && !screen.contains("Computing payouts"), "{screen:?}");
}

#[test]
fn pipes_never_get_progress_bars() {
    let dir = tempfile::tempdir().unwrap();
    let roster = big_roster(dir.path());
    for command in ["payouts", "export"] {
        let mut args = vec![command, "--plan", PLAN, "--roster", &roster];
        let out_file = dir.path().join("payroll.csv").display().to_string();
        if command == "export" {
            args.extend(["--pay-date", "2026-10-15", "--out", &out_file, "--force"]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_carrot")).current_dir(ROOT).args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(!stderr.contains("Reading roster") && !stderr.contains("Computing payouts"), "{stderr}");
        assert!(!stderr.contains('\u{1b}') && !stderr.contains('\r'), "no terminal control codes: {stderr:?}");
    }
}

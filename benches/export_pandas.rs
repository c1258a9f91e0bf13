//! `carrot export` against the pandas script an analyst would write for the same plan, on a
//! generated 100,000-person roster: wall time and peak memory, medians, the ratio to pandas and
//! issue 18's targets. The timing and the alternation are done by `benches/export_vs_pandas.py`
//! (it measures each process's peak memory with `wait4`); this generates the roster and passes
//! it the real binary.
//!
//! Run: `cargo bench --no-default-features --bench export_pandas` (pandas: `scripts/bench-setup.sh`;
//! `CARROT_BENCH_PEOPLE` changes the roster size).
#![allow(clippy::expect_used, reason = "a benchmark fails loudly if its setup fails")]

fn main() {
    let people = std::env::var("CARROT_BENCH_PEOPLE").ok().and_then(|p| p.parse().ok()).unwrap_or(100_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let roster = dir.path().join("roster.csv");
    let mut csv = Vec::new();
    carrot::synth::write_roster(&mut csv, people, 42, carrot::synth::Roles::Mixed, 1).expect("generate roster");
    std::fs::write(&roster, &csv).expect("write roster");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/export_vs_pandas.py");
    let status = std::process::Command::new("python3")
        .arg(script)
        .arg("--carrot")
        .arg(env!("CARGO_BIN_EXE_carrot"))
        .arg("--roster")
        .arg(&roster)
        .status()
        .expect("run python3");
    assert!(status.success(), "the comparison failed");
}

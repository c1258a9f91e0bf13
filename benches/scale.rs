//! The real binary on 100,000 and 1,000,000 generated people: `payouts` (JSON and CSV),
//! `export`, `compare` of three plans and `compare --xlsx --html`, wall time and peak memory,
//! medians, each against issue 18's target (JSON at 100,000 people within 0.4 s; at a million,
//! payouts and export within 400 MiB and 11× the 100,000-person time, compare within 600 MiB,
//! hand-outs refused in bounded memory). The timing is done by `benches/scale.py` (it measures
//! each process's peak memory with `wait4`); this generates the rosters and passes the binary.
//!
//! Run: `cargo bench --no-default-features --bench scale` (`CARROT_BENCH_RUNS` changes the
//! number of runs, 5 by default).
#![allow(clippy::expect_used, reason = "a benchmark fails loudly if its setup fails")]

fn main() {
    let runs = std::env::var("CARROT_BENCH_RUNS").unwrap_or_else(|_| "5".to_owned());
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |people: usize, name: &str| {
        let path = dir.path().join(name);
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("create roster"));
        carrot::synth::write_roster(&mut file, people, 42, carrot::synth::Roles::Mixed, 1).expect("generate roster");
        std::io::Write::flush(&mut file).expect("write roster");
        path
    };
    let small = write(100_000, "r100k.csv");
    let large = write(1_000_000, "r1m.csv");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/scale.py");
    let status = std::process::Command::new("python3")
        .arg(script)
        .arg("--carrot")
        .arg(env!("CARGO_BIN_EXE_carrot"))
        .arg("--small")
        .arg(&small)
        .arg("--large")
        .arg(&large)
        .args(["--runs", &runs])
        .status()
        .expect("run python3");
    assert!(status.success(), "the benchmark failed");
}

//! Importing a 1,000,000-person roster: throughput (MB/s, median of several runs) and peak memory.
//!
//! 1. Writes a generated roster (`carrot::synth::write_roster`, distinct ids from 1) to a
//!    temporary file, streaming, so the CSV is never held in memory.
//! 2. Imports it in this process with `roster::import_files` (streaming from disk, as the CLI
//!    does) `RUNS` times and prints each run's MB/s, the median, and the process's peak resident
//!    memory (VmHWM) before and after.
//! 3. Runs the real binary, `carrot payouts --plan sample_plans/product_led.json --roster F
//!    --format csv` with its output discarded, and prints its wall time and peak resident memory
//!    (VmHWM of the child, read from /proc while it runs).
//!
//! Run: `cargo bench --no-default-features --bench import_big` (figures in docs/reliability.md).
//! `CARROT_BENCH_PEOPLE=N` changes the roster size.
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used, reason = "a benchmark prints its figures")]

use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use carrot::roster::{self, ImportOptions};
use carrot::synth;

const RUNS: usize = 5;

/// `VmHWM` (peak resident set) of a process from `/proc/<pid>/status`, in bytes.
fn peak_rss(pid: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn write_roster(path: &Path, people: usize) -> u64 {
    let file = std::fs::File::create(path).expect("create roster file");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    synth::write_roster(&mut out, people, 42, synth::Roles::Mixed, 1).expect("generate roster");
    out.flush().expect("flush roster");
    std::fs::metadata(path).expect("roster size").len()
}

/// Runs the binary and polls its peak memory until it exits: (wall time, peak RSS, success).
fn run_measured(mut command: Command) -> (Duration, Option<u64>, bool) {
    let start = Instant::now();
    let mut child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("start carrot");
    let pid = child.id().to_string();
    let mut peak = None;
    loop {
        if let Some(p) = peak_rss(&pid) {
            peak = Some(peak.map_or(p, |q: u64| q.max(p)));
        }
        if let Some(status) = child.try_wait().expect("wait for carrot") {
            return (start.elapsed(), peak, status.success());
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn main() {
    // `cargo bench` passes `--bench`; any other argument (a filter) is ignored.
    let people: usize = std::env::var("CARROT_BENCH_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let path: PathBuf = dir.path().join("roster.csv");

    let started = Instant::now();
    let bytes = write_roster(&path, people);
    let mb = bytes as f64 / 1e6;
    println!("roster: {people} people, {mb:.1} MB, written in {:.1} s", started.elapsed().as_secs_f64());

    let before = peak_rss("self").unwrap_or(0);
    let options = ImportOptions::default();
    let mut rates = Vec::with_capacity(RUNS);
    for run in 1..=RUNS {
        let start = Instant::now();
        let report = roster::import_files(std::slice::from_ref(&path), &options).expect("import");
        let seconds = start.elapsed().as_secs_f64();
        assert_eq!(report.roster.employees.len(), people, "every row imports");
        drop(report);
        rates.push(mb / seconds);
        println!("import run {run}: {seconds:.2} s, {:.1} MB/s", mb / seconds);
    }
    let after = peak_rss("self").unwrap_or(0);
    println!(
        "import_files: median {:.1} MB/s over {RUNS} runs; peak RSS {:.0} MiB before importing, {:.0} MiB after \
         (the roster held in memory: about {:.0} MiB)",
        median(&mut rates),
        mib(before),
        mib(after),
        mib(after.saturating_sub(before))
    );

    let plan = concat!(env!("CARGO_MANIFEST_DIR"), "/sample_plans/product_led.json");
    for format in ["table", "csv"] {
        let mut command = Command::new(env!("CARGO_BIN_EXE_carrot"));
        command.args(["payouts", "--plan", plan, "--roster"]).arg(&path).args(["--format", format]);
        let (elapsed, peak, ok) = run_measured(command);
        assert!(ok, "carrot payouts failed");
        println!(
            "carrot payouts --format {format}: {:.2} s wall, peak RSS {}",
            elapsed.as_secs_f64(),
            peak.map_or_else(|| "unknown".to_owned(), |p| format!("{:.0} MiB", mib(p)))
        );
    }
}

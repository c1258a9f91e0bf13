//! Core speed on a generated 100,000-person roster with `sample_plans/product_led.json`:
//! roster import (throughput in MB/s), computing every payout with explanations, and the whole
//! `carrot payouts --format json` path (import + compute + write JSON), in-process and as the
//! real binary end to end. Criterion prints the median (middle of the three figures on each
//! `time:` line).
//!
//! Run: `cargo bench --no-default-features --bench payouts`
#![allow(clippy::expect_used, clippy::unwrap_used, reason = "a benchmark fails loudly if its setup fails")]

use std::hint::black_box;
use std::time::Duration;

use carrot::engine::{self, Detail};
use carrot::plan;
use carrot::roster::{self, ImportOptions};
use carrot::synth;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const PEOPLE: usize = 100_000;

fn roster_csv() -> Vec<u8> {
    let mut csv = Vec::new();
    synth::write_roster(&mut csv, PEOPLE, 42, synth::Roles::Mixed, 1).expect("generate roster");
    csv
}

fn product_led() -> plan::Plan {
    plan::parse(include_str!("../sample_plans/product_led.json")).expect("sample plan")
}

fn benches(c: &mut Criterion) {
    let csv = roster_csv();
    let plan = product_led();
    let options = ImportOptions::default();
    let roster = roster::import_reader("bench.csv", csv.as_slice(), &options).expect("import").roster;

    let mut group = c.benchmark_group("payouts_100k");
    group.sample_size(10).measurement_time(Duration::from_secs(20));

    group.throughput(Throughput::Bytes(csv.len() as u64));
    group.bench_function("import_roster", |b| {
        b.iter(|| roster::import_reader("bench.csv", black_box(csv.as_slice()), &options).expect("import"));
    });

    group.throughput(Throughput::Elements(PEOPLE as u64));
    group.bench_function("compute_explained", |b| {
        b.iter(|| engine::compute(black_box(&plan), black_box(&roster), Detail::Explained).expect("compute"));
    });
    group.bench_function("compute_amounts_only", |b| {
        b.iter(|| engine::compute(black_box(&plan), black_box(&roster), Detail::AmountsOnly).expect("compute"));
    });

    // What `carrot payouts --format json` does in-process: every person computed with
    // explanations and written, in one pass.
    group.bench_function("import_compute_write_json", |b| {
        b.iter(|| {
            let roster = roster::import_reader("bench.csv", csv.as_slice(), &options).expect("import").roster;
            let compiled = engine::CompiledPlan::new(&plan, &roster).expect("plan");
            let mut out = Vec::with_capacity(192 << 20);
            engine::json::compute_and_write_report(&compiled, &plan, &roster, &|_| {}, &mut out).expect("json");
            black_box(out.len())
        });
    });

    // The real binary end to end: read the roster file, compute, write the JSON file (synced).
    let dir = tempfile::tempdir().expect("temp dir");
    let roster_path = dir.path().join("r100k.csv");
    std::fs::write(&roster_path, &csv).expect("write roster");
    let out_path = dir.path().join("payouts.json");
    let plan_path = concat!(env!("CARGO_MANIFEST_DIR"), "/sample_plans/product_led.json");
    group.bench_function("carrot_payouts_json_end_to_end", |b| {
        b.iter(|| {
            let status = std::process::Command::new(env!("CARGO_BIN_EXE_carrot"))
                .args(["payouts", "--plan", plan_path, "--format", "json", "--force", "--roster"])
                .arg(&roster_path)
                .arg("--out")
                .arg(&out_path)
                .status()
                .expect("run carrot");
            assert!(status.success());
        });
    });
    group.finish();
}

criterion_group!(payouts, benches);
criterion_main!(payouts);

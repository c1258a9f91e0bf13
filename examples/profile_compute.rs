//! Profiling aid: generates N people (default 10,000), then computes product_led (or the sample plan named by CARROT_PLAN) on them, timing
//! each phase. `cargo run --release --no-default-features --example profile_compute -- N [explained] [repeat]`
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a benchmark prints its figures and fails loudly if its setup fails"
)]
use std::time::Instant;

/// The allocator the app and the command line use (src/main.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use carrot::engine::{self, Detail};
use carrot::roster::{self, ImportOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let explained = args.next().is_some_and(|a| a == "explained");
    let repeat: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut csv = Vec::new();
    carrot::synth::write_roster(&mut csv, n, 42, carrot::synth::Roles::Mixed, 1).expect("roster");
    let t = Instant::now();
    let roster = roster::import_reader("p.csv", csv.as_slice(), &ImportOptions::default()).expect("import").roster;
    println!("import: {:.1} ms ({:.1} MB)", t.elapsed().as_secs_f64() * 1e3, csv.len() as f64 / 1e6);
    // CARROT_PLAN picks another sample plan (e.g. sales_led, the one the app benchmark edits).
    let key = std::env::var("CARROT_PLAN").unwrap_or_else(|_| "product_led".to_owned());
    let plan = carrot::plan::parse(carrot::samples::plan(&key).expect("a sample plan key").text).expect("plan");
    let detail = if explained { Detail::Explained } else { Detail::AmountsOnly };
    // CARROT_EDIT=1 (amounts only): as the app after editing a sales rate, each computation
    // keeps the payouts of the tracks the edit did not change from the one before.
    if std::env::var("CARROT_EDIT").is_ok_and(|v| v == "1") && !explained {
        edits(&plan, &roster, repeat);
        return;
    }
    for _ in 0..repeat {
        let t = Instant::now();
        let compiled = engine::CompiledPlan::new(&plan, &roster).expect("compile");
        let compiled_in = t.elapsed();
        // Amounts only: what the app's worker does after an edit (the report and the charts'
        // aggregates together); explained: what `carrot payouts --format json` computes.
        let (report, stats) = if explained {
            let report = compiled.report(&plan, &roster, detail);
            let stats = engine::stats::PlanStats::new(&report, roster.employees.len());
            (report, stats)
        } else {
            compiled.report_with_stats(&plan, &roster)
        };
        println!(
            "compute ({detail:?}, with stats): {:.1} ms (of which binding the plan {:.1} ms)",
            t.elapsed().as_secs_f64() * 1e3,
            compiled_in.as_secs_f64() * 1e3
        );
        std::hint::black_box(stats.percentile(0.5));
        std::hint::black_box(report.totals.total);
        if explained {
            let t = Instant::now();
            let mut out = std::io::BufWriter::new(std::fs::File::create("/tmp/profile_compute.json").expect("create"));
            engine::json::write_report(&report, &mut out).expect("write");
            drop(out);
            println!("write JSON: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            drop(report);
            println!("drop report: {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        }
    }
}

/// `repeat` edits of the first sales commission's first rate, each computed after the last.
fn edits(plan: &carrot::plan::Plan, roster: &carrot::roster::Roster, repeat: usize) {
    let mut before = plan.clone();
    let mut previous =
        engine::CompiledPlan::new(&before, roster).expect("compile").report_with_stats(&before, roster).0;
    for k in 0..repeat {
        let mut edited = before.clone();
        let rate = edited
            .tracks
            .get_mut("sales")
            .and_then(|t| {
                t.components.iter_mut().find_map(|c| match c {
                    carrot::plan::Component::Commission(c) => c.tiers.first_mut(),
                    _ => None,
                })
            })
            .expect("a sales commission");
        rate.rate += rust_decimal::Decimal::new(1 + k as i64, 3);
        let t = Instant::now();
        let compiled = engine::CompiledPlan::new(&edited, roster).expect("compile");
        let (report, stats) = compiled.report_with_stats_after(
            &edited,
            roster,
            Some(engine::Previous { plan: &before, report: &previous }),
        );
        println!("compute after an edit (AmountsOnly, with stats): {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(stats.percentile(0.5));
        (before, previous) = (edited, report);
    }
}

//! Profiling aid for the behaviour simulation: generates N people (default 10,000) and simulates
//! the three sample plans against the sales-led baseline, timing `prepare` and `run`.
//! `cargo run --release --no-default-features --example profile_simulate -- [N] [trials] [repeat]`
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::print_stdout,
    reason = "a profiling aid prints its figures and fails loudly if its setup fails"
)]
use std::time::Instant;

use carrot::plan::{self, Plan};
use carrot::roster::{self, ImportOptions};
use carrot::sim::{self, SimOptions};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let trials: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1000);
    let repeat: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let mut csv = Vec::new();
    carrot::synth::write_roster(&mut csv, n, 7, carrot::synth::Roles::Mixed, 1).expect("roster");
    let roster = roster::import_reader("p.csv", csv.as_slice(), &ImportOptions::default()).expect("import").roster;
    let plans: Vec<Plan> = ["sales_led", "transition", "product_led"]
        .iter()
        .map(|k| plan::parse(carrot::samples::plan(k).expect("sample").text).expect("plan"))
        .collect();
    let refs: Vec<&Plan> = plans.iter().collect();
    let options = SimOptions { trials, ..SimOptions::default() };
    for _ in 0..repeat {
        let t = Instant::now();
        let cal = sim::prepare(&plans[0], &roster).expect("prepare");
        let prepared = t.elapsed();
        let report = sim::run(&cal, &refs, &options).expect("run");
        println!(
            "{n} people, {trials} trials: prepare {:.1} ms, run {:.1} ms; revenue {:.0}",
            prepared.as_secs_f64() * 1e3,
            (t.elapsed() - prepared).as_secs_f64() * 1e3,
            report.baseline.totals.revenue.mean
        );
    }
}

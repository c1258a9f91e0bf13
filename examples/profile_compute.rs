//! Profiling aid: computes a generated roster once (`cargo run --release --example profile_compute -- N`).
use carrot::engine::{self, Detail};
use carrot::roster::{self, ImportOptions};

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let explained = std::env::args().nth(2).is_some_and(|a| a == "explained");
    let mut csv = Vec::new();
    carrot::synth::write_roster(&mut csv, n, 42, carrot::synth::Roles::Mixed, 1).expect("roster");
    let roster = roster::import_reader("p.csv", csv.as_slice(), &ImportOptions::default()).expect("import").roster;
    let plan = carrot::plan::parse(include_str!("../sample_plans/product_led.json")).expect("plan");
    let detail = if explained { Detail::Explained } else { Detail::AmountsOnly };
    let report = engine::compute(&plan, &roster, detail).expect("compute");
    std::hint::black_box(report.totals.total);
}

//! Behaviour simulation benchmarks (`cargo bench --no-default-features --bench simulate`):
//!
//! * `simulate_10k`: 10,000 generated people × 1,000 trials × the 3 sample plans against the
//!   sales-led baseline, from the roster to the report (`prepare` + `run`); target ≤ 1 s.
//! * `slider_72`: one slider move in the app: `run` on the bundled rosters (72 people) with
//!   200 trials and the 3 sample plans, reusing the calibration; target well under 100 ms.
//!
//! Besides criterion's own estimates, each benchmark prints the median of the runs it timed.
#![expect(clippy::print_stdout, clippy::unwrap_used, reason = "a benchmark reports on the terminal")]

use std::cell::RefCell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use carrot::plan::{self, Plan};
use carrot::roster::{self, ImportOptions, Roster};
use carrot::samples;
use carrot::sim::{self, SimOptions};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

fn sample_plans() -> Vec<Plan> {
    ["sales_led", "transition", "product_led"]
        .iter()
        .map(|k| plan::parse(samples::plan(k).unwrap().text).unwrap())
        .collect()
}

fn generated_roster(people: usize) -> Roster {
    let mut csv = Vec::new();
    carrot::synth::write_roster(&mut csv, people, 7, carrot::synth::Roles::Mixed, 1).unwrap();
    let report = roster::import_reader("generated.csv", csv.as_slice(), &ImportOptions::default()).unwrap();
    assert_eq!(report.roster.employees.len(), people);
    report.roster
}

fn bundled_roster() -> Roster {
    samples::bundled_roster().unwrap()
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

/// Times `f` once per criterion iteration, keeping every run for the median (returned, in ms).
fn timed(c: &mut Criterion, name: &str, samples: usize, mut f: impl FnMut()) -> f64 {
    let runs = RefCell::new(Vec::new());
    let mut group = c.benchmark_group(name);
    group.sample_size(samples).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(1));
    group.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                f();
                let elapsed = start.elapsed();
                runs.borrow_mut().push(elapsed);
                total += elapsed;
            }
            total
        })
    });
    group.finish();
    let mut runs = runs.into_inner();
    let n = runs.len();
    let median = median(&mut runs).as_secs_f64() * 1e3;
    println!("{name}: median {median:.1} ms over {n} runs");
    median
}

fn benches(c: &mut Criterion) {
    let plans = sample_plans();
    let refs: Vec<&Plan> = plans.iter().collect();
    let baseline = &plans[0];

    let roster = generated_roster(10_000);
    let options = SimOptions { trials: 1000, ..SimOptions::default() };
    let median = timed(c, "simulate_10k", 10, || {
        let report = sim::simulate(baseline, &roster, &refs, &options).unwrap();
        black_box(report);
    });
    let verdict = if median <= 1000.0 { "met" } else { "NOT met" };
    println!("  target: simulate 10,000 × 1,000 × 3, median {median:.0} ms against 1,000 ms: {verdict}");

    let bundled = bundled_roster();
    let calibration = sim::prepare(baseline, &bundled).unwrap();
    let options = SimOptions { trials: 200, ..SimOptions::default() };
    let _ = timed(c, "slider_72", 30, || {
        let report = sim::run(&calibration, &refs, &options).unwrap();
        black_box(report);
    });
}

criterion_group!(simulate, benches);
criterion_main!(simulate);

//! Plans at the size limits: long chains and cycles of derived metrics, and the longest sum an
//! expression may hold, validate and compute quickly without exhausting the stack.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

/// A plan whose sales track pays 1 per unit of derived metric `top`, with `metrics` as given.
fn plan_with_metrics(metrics: &serde_json::Map<String, serde_json::Value>, top: &str) -> String {
    serde_json::json!({
        "schema": 1, "name": "Big", "currency": "EUR",
        "period": {"start": "2026-07-01", "end": "2026-09-30"},
        "metrics": metrics,
        "tracks": {"sales": {"components": [
            {"kind": "per_unit", "id": "paid", "earning_code": "U", "metric": top, "amount": 1}
        ]}}
    })
    .to_string()
}

fn small_roster() -> carrot::roster::Roster {
    let csv = "employee_id,name,role,revenue\n1,Ann,sales,5\n2,Bob,sales,7\n";
    carrot::roster::import_reader("r.csv", csv.as_bytes(), &carrot::roster::ImportOptions::default()).unwrap().roster
}

#[test]
fn a_chain_of_20000_derived_metrics_validates_and_computes_quickly() {
    // m0 = m1 + 1, m1 = m2 + 1, ..., the last one = revenue. Checking it for cycles used to
    // recurse once per link (a stack overflow) and ordering it took cubic time.
    let n = 20_000;
    let mut metrics = serde_json::Map::new();
    for i in 0..n {
        metrics.insert(format!("m{i}"), format!("m{} + 1", i + 1).into());
    }
    metrics.insert(format!("m{n}"), "revenue".into());
    let plan = carrot::plan::parse(&plan_with_metrics(&metrics, "m0")).unwrap();
    let start = std::time::Instant::now();
    let problems = carrot::plan::validate(&plan);
    assert!(problems.is_empty(), "{problems:?}");
    let report = carrot::engine::compute(&plan, &small_roster(), carrot::engine::Detail::AmountsOnly).unwrap();
    let totals: Vec<String> = report.employees.iter().map(|e| e.total.to_string()).collect();
    assert_eq!(totals, ["20005.00", "20007.00"]);
    assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
}

#[test]
fn a_long_cycle_of_derived_metrics_is_named_once() {
    let n = 20_000;
    let mut metrics = serde_json::Map::new();
    for i in 0..n {
        metrics.insert(format!("m{i}"), format!("m{} + 1", (i + 1) % n).into());
    }
    let plan = carrot::plan::parse(&plan_with_metrics(&metrics, "m0")).unwrap();
    let problems = carrot::plan::validate(&plan);
    assert_eq!(problems.len(), 1, "one cycle, one error");
    assert_eq!(problems[0].path, "metrics.m0");
    assert!(problems[0].message.starts_with("refers to itself through m0 → m1 → m2 → "), "{}", problems[0].message);
    assert!(problems[0].message.ends_with(" → m19999 → m0"));
}

#[test]
fn the_longest_sum_an_expression_may_hold_computes() {
    // 10,000 bytes of `1+1+...+1`: 5,000 terms deep, evaluated on the engine's worker threads.
    let sum = vec!["1"; 5000].join("+");
    assert_eq!(sum.len(), 9999);
    let mut metrics = serde_json::Map::new();
    metrics.insert("total".to_owned(), sum.into());
    let plan = carrot::plan::parse(&plan_with_metrics(&metrics, "total")).unwrap();
    assert!(carrot::plan::validate(&plan).is_empty());
    let report = carrot::engine::compute(&plan, &small_roster(), carrot::engine::Detail::Explained).unwrap();
    let totals: Vec<String> = report.employees.iter().map(|e| e.total.to_string()).collect();
    assert_eq!(totals, ["5000.00", "5000.00"]);
}

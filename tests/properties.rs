//! Property tests (proptest) over generated inputs: plan parsing and validation never panic and
//! load → save → load is the identity; expressions parse and evaluate without panicking; payouts
//! on generated plans and edge-case rosters never panic; a generated roster imports back exactly.
//! (Roster import on arbitrary bytes is in `tests/import.rs`; `fuzz/` runs the same targets
//! coverage-guided, for much longer.)
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::str::FromStr as _;

use carrot::engine::{self, Detail};
use carrot::expr::{EvalError, Expr};
use carrot::num::Rational;
use carrot::plan;
use carrot::roster::{self, ImportOptions};
use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};

const CASES: u32 = 256;

/// Numbers from the edges of what plans and rosters hold, and some ordinary ones.
fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (0u32..2000).prop_map(|n| n.to_string()),
        3 => (0u32..1000, 1u32..4).prop_map(|(n, dp)| format!("{}", Decimal::new(i64::from(n), dp))),
        1 => prop::sample::select(vec![
            "0",
            "1",
            "0.5",
            "1.5",
            "0.0000000000000000000000000001",
            "39614081257132168796771975167",
            "79228162514264337593543950335",
            "1000000000000",
        ])
        .prop_map(str::to_owned),
    ]
}

fn dec(s: &str) -> Value {
    // Plan numbers are exact decimals written as JSON numbers.
    Value::Number(serde_json::Number::from_str(s).unwrap())
}

/// Strictly ascending values starting at `start`, from positive steps.
fn ascending(start: Option<&'static str>) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(number(), 1..5).prop_map(move |steps| {
        let mut at = start.map_or(Decimal::ZERO, |s| Decimal::from_str(s).unwrap());
        let mut out = Vec::new();
        for (i, step) in steps.iter().enumerate() {
            let step = Decimal::from_str(step).unwrap().max(Decimal::new(1, 2));
            if i > 0 || start.is_none() {
                at = at.checked_add(step).unwrap_or(Decimal::MAX);
            }
            out.push(at.normalize().to_string());
        }
        out.dedup();
        out
    })
}

const METRICS: [&str; 5] = ["revenue", "units", "hours", "signups", "share"];

fn metric() -> impl Strategy<Value = String> {
    prop::sample::select(METRICS.to_vec()).prop_map(str::to_owned)
}

/// A component of the given kind as JSON (multipliers name earlier line ids).
fn component(i: usize) -> impl Strategy<Value = Value> {
    let id = format!("c{i}");
    let commission = (
        metric(),
        any::<bool>(),
        any::<bool>(),
        ascending(Some("0")),
        prop::collection::vec(number(), 5),
        prop::option::of(number()),
        prop::option::of(number()),
    )
        .prop_map({
            let id = id.clone();
            move |(metric, amount, retro, froms, rates, threshold, cap)| {
                let tiers: Vec<Value> = froms
                    .iter()
                    .zip(rates.iter().cycle())
                    .map(|(f, r)| json!({"from": dec(f), "rate": dec(r)}))
                    .collect();
                let mut c =
                    json!({"kind": "commission", "id": id, "earning_code": "C", "metric": metric, "tiers": tiers});
                if amount {
                    c["basis"] = json!("amount");
                }
                if retro {
                    c["method"] = json!("retroactive");
                }
                if let Some(t) = threshold {
                    c["threshold"] = dec(&t);
                }
                if let Some(cap) = cap {
                    c["cap"] = dec(&cap);
                }
                c
            }
        });
    let bonus =
        (metric(), 0u8..3, number(), any::<bool>(), number(), ascending(None), prop::collection::vec(number(), 5))
            .prop_map({
                let id = id.clone();
                move |(metric, target, value, share, base, xs, ys)| {
                    let target = match target {
                        0 => json!("quota"),
                        1 => dec(&Decimal::from_str(&value).unwrap().max(Decimal::ONE).to_string()),
                        _ => json!("hours"),
                    };
                    let base = if share { json!({"ti_share": dec(&base)}) } else { json!({"amount": dec(&base)}) };
                    let curve: Vec<Value> =
                        xs.iter().zip(ys.iter().cycle()).map(|(x, y)| json!({"x": dec(x), "y": dec(y)})).collect();
                    json!({"kind": "bonus", "id": id, "earning_code": "B", "metric": metric, "target": target,
                       "base": base, "curve": curve})
                }
            });
    let per_unit = (metric(), number(), prop::option::of(number()), prop::option::of(number())).prop_map({
        let id = id.clone();
        move |(metric, amount, min, max)| {
            let mut c =
                json!({"kind": "per_unit", "id": id, "earning_code": "U", "metric": metric, "amount": dec(&amount)});
            if let Some(min) = min {
                c["min_units"] = dec(&min);
            }
            if let (Some(max), Some(min)) = (max, c.get("min_units").cloned()) {
                let min = Decimal::from_str(&min.to_string()).unwrap();
                c["max_units"] = dec(&Decimal::from_str(&max).unwrap().max(min).to_string());
            }
            c
        }
    });
    let multiplier = (metric(), ascending(Some("0")), prop::collection::vec(number(), 5)).prop_map({
        move |(metric, froms, factors)| {
            let steps: Vec<Value> = froms
                .iter()
                .zip(factors.iter().cycle())
                .map(|(f, x)| json!({"from": dec(f), "factor": dec(x)}))
                .collect();
            let targets: Vec<String> = (0..i).map(|k| format!("c{k}")).collect();
            json!({"kind": "multiplier", "id": id, "metric": metric, "applies_to": targets, "steps": steps})
        }
    });
    if i == 0 {
        prop_oneof![commission, bonus, per_unit].boxed()
    } else {
        prop_oneof![3 => commission, 3 => bonus, 3 => per_unit, 1 => multiplier].boxed()
    }
}

fn components() -> impl Strategy<Value = Vec<Value>> {
    (1usize..5).prop_flat_map(|n| (0..n).map(component).collect::<Vec<_>>())
}

fn limit() -> impl Strategy<Value = Option<Value>> {
    prop::option::of((any::<bool>(), number()).prop_map(|(ti, v)| {
        if ti {
            json!({"multiple_of_ti": dec(&v), "earning_code": "CAP"})
        } else {
            json!({"amount": dec(&v), "earning_code": "CAP"})
        }
    }))
}

/// A plan file's JSON: usually valid, sometimes not (e.g. a multiplier on its own metric).
fn plan_json() -> impl Strategy<Value = String> {
    (
        components(),
        components(),
        limit(),
        limit(),
        prop::sample::select(vec!["half_away_from_zero", "half_even", "down"]),
    )
        .prop_map(|(sales, consultants, cap, guarantee, rounding)| {
            let mut plan = json!({
                "schema": 1,
                "name": "Generated",
                "currency": "EUR",
                "period": {"start": "2026-01-01", "end": "2026-03-31"},
                "fx": {"GBP": dec("1.17")},
                "rounding": rounding,
                "metrics": {"share": "if(hours > 0, signups / hours, 0) + min(units, 3)"},
                "tracks": {"sales": {"components": sales}, "consultant": {"components": consultants}},
            });
            if let Some(cap) = cap {
                plan["cap"] = cap;
            }
            if let Some(g) = guarantee {
                plan["tracks"]["consultant"]["guarantee"] = g;
            }
            serde_json::to_string_pretty(&plan).unwrap()
        })
}

/// A roster of people with values from the edges (huge, tiny, zero, negative, blank, another
/// currency, part-period).
fn roster_csv() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        3 => number(),
        1 => Just(String::new()),
        1 => number().prop_map(|n| format!("-{n}")),
    ];
    let row = (
        prop::sample::select(vec!["sales", "consultant", "other"]),
        prop::sample::select(vec!["EUR", "GBP", "JPY"]),
        prop::sample::select(vec!["", "2026-02-15", "2025-01-01"]),
        prop::collection::vec(cell, 7),
    );
    prop::collection::vec(row, 1..8).prop_map(|rows| {
        let mut csv = String::from("employee_id,name,role,currency,start_date,target_incentive,quota,revenue,units,hours,signups,share_input\n");
        for (i, (role, currency, start, cells)) in rows.iter().enumerate() {
            // Quota and target incentive may not be negative in a roster: keep those as written only when not.
            let ti = cells[0].trim_start_matches('-');
            let quota = cells[1].trim_start_matches('-');
            csv.push_str(&format!(
                "{i},Person {i},{role},{currency},{start},{ti},{quota},{},{},{},{},{}\n",
                cells[2], cells[3], cells[4], cells[5], cells[6]
            ));
        }
        csv
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn plan_parsing_and_validation_never_panic_on_arbitrary_text(text in "\\PC{0,400}") {
        let (plan, problems) = plan::file::check(&text);
        prop_assert!(plan.is_some() || problems.iter().any(plan::Problem::is_error));
    }

    #[test]
    fn plan_parsing_never_panics_on_damaged_sample_plans(
        which in 0usize..3,
        at in any::<prop::sample::Index>(),
        cut in 0usize..40,
        insert in prop::sample::select(vec!["", "{", "}", "[", "]", ",", "\"", "0", "-1", "1e400", "null",
            "\"kind\": \"bonus\"", "\"schema\": 2", "\"tiers\": []", "\"x\": 1", "79228162514264337593543950336"]),
    ) {
        let samples = [
            include_str!("../sample_plans/sales_led.json"),
            include_str!("../sample_plans/product_led.json"),
            include_str!("../sample_plans/transition.json"),
        ];
        let text = samples[which];
        let mut start = at.index(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (start + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let damaged = format!("{}{insert}{}", &text[..start], &text[end..]);
        let (plan, problems) = plan::file::check(&damaged);
        for p in &problems {
            prop_assert!(!p.message.is_empty());
        }
        if let Some(plan) = plan {
            let saved = plan::to_json(&plan);
            prop_assert_eq!(plan::parse(&saved).unwrap(), plan);
        }
    }

    #[test]
    fn load_save_load_is_the_identity_on_generated_plans(text in plan_json()) {
        let plan = plan::parse(&text).map_err(|e| TestCaseError::fail(format!("{e:?}\n{text}")))?;
        let saved = plan::to_json(&plan);
        let again = plan::parse(&saved).map_err(|e| TestCaseError::fail(format!("{e:?}\n{saved}")))?;
        prop_assert_eq!(&again, &plan);
        prop_assert_eq!(plan::to_json(&again), saved, "saving is stable");
    }

    #[test]
    fn payouts_never_panic_on_generated_plans_and_edge_rosters(text in plan_json(), csv in roster_csv()) {
        let plan = plan::parse(&text).unwrap();
        let roster = roster::import_reader("edge.csv", csv.as_bytes(), &ImportOptions::default())
            .map_err(|e| TestCaseError::fail(format!("{e}\n{csv}")))?
            .roster;
        if let Ok(report) = engine::compute(&plan, &roster, Detail::Explained) {
            // Everyone is accounted for exactly once (people in error may have several problems).
            let mut failed: Vec<&str> = report.errors.iter().map(|e| &*e.employee_id).collect();
            failed.dedup();
            prop_assert_eq!(report.employees.len() + report.not_covered.len() + failed.len(), roster.employees.len());
            let sum: Decimal = report.employees.iter().map(|e| e.total).sum();
            prop_assert_eq!(sum, report.totals.total);
            for e in &report.employees {
                let lines: Decimal = e.lines.iter().map(|l| l.amount).sum();
                prop_assert_eq!(lines, e.total, "the total is the sum of the rounded lines");
                for l in &e.lines {
                    prop_assert!(l.amount.scale() <= 2 || l.amount.normalize().scale() <= 2, "{}", l.amount);
                }
            }
            let mut json = Vec::new();
            engine::json::write_report(&report, &mut json).unwrap();
        }
    }
}

/// A well-formed expression over a, b, c with every construct of the grammar.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![number(), prop::sample::select(vec!["a", "b", "c"]).prop_map(str::to_owned),];
    leaf.prop_recursive(6, 48, 3, |inner| {
        prop_oneof![
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "<", "<=", ">", ">=", "==", "!="]),
                inner.clone()
            )
                .prop_map(|(l, op, r)| format!("({l} {op} {r})")),
            inner.clone().prop_map(|e| format!("-{e}")),
            inner.clone().prop_map(|e| format!("abs({e})")),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|args| format!("min({})", args.join(", "))),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|args| format!("max({})", args.join(", "))),
            (inner.clone(), inner.clone(), inner).prop_map(|(c, t, e)| format!("if({c}, {t}, {e})")),
        ]
    })
}

fn value() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (-1000i64..1000, 0u32..4).prop_map(|(n, dp)| Decimal::new(n, dp)),
        prop::sample::select(vec![Decimal::ZERO, Decimal::MAX, Decimal::MIN, Decimal::new(1, 28)]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn generated_expressions_parse_and_evaluate_without_panicking(
        source in expression(),
        values in prop::collection::vec(value(), 3),
    ) {
        let expr = Expr::parse(&source).map_err(|e| TestCaseError::fail(format!("{e}: {source}")))?;
        let names = expr.variables().to_vec();
        let lookup = |i: usize| -> Decimal {
            let name = names.get(i).map_or("?", String::as_str);
            values[usize::from(name.as_bytes()[0] - b'a')]
        };
        match expr.eval(&mut |i| Ok(Rational::from_decimal(lookup(i)))) {
            Ok(_) | Err(EvalError::Arith(_)) => {}
            Err(other) => prop_assert!(false, "{other} in {source}"),
        }
        let float: Result<f64, EvalError> =
            expr.eval(&mut |i| Ok(rust_decimal::prelude::ToPrimitive::to_f64(&lookup(i)).unwrap()));
        if let Ok(f) = float {
            prop_assert!(f.is_finite());
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_expression_parser(source in "[a-z0-9_ .,()+*/<>=!-]{0,200}|\\PC{0,100}") {
        if let Ok(expr) = Expr::parse(&source) {
            let _ = expr.eval(&mut |_| Ok(Rational::from_decimal(Decimal::MAX)));
            let _ = expr.eval(&mut |_| Ok(0.0_f64));
        }
    }

    #[test]
    fn a_generated_roster_imports_back_exactly(
        people in prop::collection::vec(
            (
                "[A-Za-zÀ-ÿ ,\"'=+@-]{1,24}",
                prop::sample::select(vec!["sales", "consultant"]),
                (0i64..10_000_000_000, 0u32..3),
                (0i64..10_000_000_000, 0u32..3),
            ),
            1..20,
        ),
    ) {
        let mut csv = Vec::new();
        {
            let mut w = csv::Writer::from_writer(&mut csv);
            w.write_record(["employee_id", "name", "role", "quota", "revenue"]).unwrap();
            for (i, (name, role, quota, revenue)) in people.iter().enumerate() {
                let name = format!("x{name}"); // never blank
                let quota = Decimal::new(quota.0, quota.1).to_string();
                let revenue = Decimal::new(revenue.0, revenue.1).to_string();
                w.write_record([format!("{i:04}"), name, (*role).to_owned(), quota, revenue]).unwrap();
            }
        }
        let report = roster::import_reader("gen.csv", &csv[..], &ImportOptions::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let r = &report.roster;
        prop_assert_eq!(r.employees.len(), people.len());
        for (i, (e, (name, role, quota, revenue))) in r.employees.iter().zip(&people).enumerate() {
            prop_assert_eq!(&*e.id, format!("{i:04}"));
            let written = format!("x{name}");
            prop_assert_eq!(&*e.name, written.trim());
            prop_assert_eq!(&*e.role, *role);
            prop_assert_eq!(e.quota, Some(Decimal::new(quota.0, quota.1)));
            prop_assert_eq!(e.metric(r.metric_index("revenue").unwrap()), Some(Decimal::new(revenue.0, revenue.1)));
        }
    }
}

//! Plan files on arbitrary text: parsing and validation never panic; a plan that parses saves
//! and loads back identical; a plan without errors computes on a roster full of edge cases
//! (huge revenue, zero and missing quota, negative metrics, another currency) without panicking.
#![no_main]

use std::sync::OnceLock;

use carrot::engine::{self, Detail};
use carrot::plan;
use carrot::roster::{self, ImportOptions, Roster};
use libfuzzer_sys::fuzz_target;

const EDGE_ROSTER: &str = "\
employee_id,name,role,currency,base_salary,target_incentive,quota,start_date,end_date,revenue,deals_closed,discovery_interviews,early_access_signups,billable_hours,internal_hours
1,Ordinary,sales,EUR,80000,14000,160000,,,304993.07,17,7,4,,
2,Huge revenue,sales,EUR,80000,14000,160000,,,79228162514264337593543950335,99999999999999,7,4,,
3,Zero quota,sales,EUR,80000,14000,0,,,1000,1,1,1,,
4,No quota,sales,EUR,80000,,,,,1000,1,1,1,,
5,Negative,sales,EUR,80000,14000,160000,,,-5000,-1,-3,-2,,
6,Tiny quota,sales,EUR,80000,14000,0.0000000000000000000000000001,,,7922816251426433759354395033,1,1,1,,
7,Pounds,sales,GBP,80000,14000,160000,,,250000,3,2,1,,
8,Yen,consultant,JPY,80000,14000,160000,2026-02-15,2026-02-20,250000,3,2,1,0,0
9,Part period,consultant,EUR,80000,3000,,2026-08-15,,1000,0,4,0,300,40
10,Left before,consultant,EUR,80000,3000,,2020-01-01,2020-01-31,1000,0,4,0,300,40
11,Huge TI,sales,EUR,80000,79228162514264337593543950335,79228162514264337593543950335,,,79228162514264337593543950335,1,1,1,,
";

fn roster() -> &'static Roster {
    static ROSTER: OnceLock<Roster> = OnceLock::new();
    ROSTER.get_or_init(|| match roster::import_reader("edge.csv", EDGE_ROSTER.as_bytes(), &ImportOptions::default()) {
        Ok(report) => report.roster,
        Err(e) => panic!("the edge roster must import: {e}"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (parsed, problems) = plan::file::check(text);
    for p in &problems {
        let _ = p.to_string();
    }
    let Some(plan) = parsed else { return };
    // load → save → load gives the same plan, and saving is stable.
    let saved = plan::to_json(&plan);
    let again = match plan::parse(&saved) {
        Ok(p) => p,
        Err(problems) => panic!("a saved plan must load again: {problems:?}\n{saved}"),
    };
    assert_eq!(again, plan, "load → save → load changed the plan");
    assert_eq!(plan::to_json(&again), saved, "saving is not stable");
    if problems.iter().any(plan::Problem::is_error) {
        return;
    }
    for detail in [Detail::AmountsOnly, Detail::Explained] {
        if let Ok(report) = engine::compute(&plan, roster(), detail) {
            let mut out = Vec::new();
            let _ = engine::json::write_report(&report, &mut out);
        }
    }
});

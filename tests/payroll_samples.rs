//! Every payroll template exported from the bundled samples (`sample_plans/transition.json` with
//! both bundled rosters) matches its hand-checked file in `tests/fixtures/payroll/` byte for byte,
//! reconciles to the payouts total to the cent, and the excerpts in `docs/payroll.md` are taken
//! from those files.

#![allow(clippy::unwrap_used, reason = "helpers of tests: an unexpected error should fail the test loudly")]

use std::path::{Path, PathBuf};

use carrot::engine::{self, Detail, PayoutReport};
use carrot::export::{self, ExportRequest, PayFrequency, PayrollSettings, Template};
use carrot::plan::{self, Plan};
use carrot::roster::{self, ImportOptions};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

const PLAN: &str = "sample_plans/transition.json";
const ROSTERS: [&str; 2] = ["assets/sales_roster.csv", "assets/consultants_roster.csv"];

fn pay_date() -> chrono::NaiveDate {
    "2026-10-15".parse().unwrap()
}

/// The settings of the documented commands (docs/payroll.md).
fn settings(template: Template) -> PayrollSettings {
    let mut s = PayrollSettings::default();
    match template {
        Template::Generic | Template::Gusto => {}
        Template::AdpWfn => {
            s.company_code = "ABC".into();
            s.batch_id = "INC0926".into();
        }
        Template::AdpRun => {
            s.company_code = "ABC".into();
            s.pay_frequency = Some(PayFrequency::Biweekly);
            s.pay_period_start = Some("2026-09-28".parse().unwrap());
            s.pay_period_end = Some("2026-10-11".parse().unwrap());
        }
        Template::Workday => s.reason = "One-Time Payment > Incentive Payout".into(),
        Template::PaychexFlex => s.client_id = "70012345".into(),
    }
    s
}

struct Samples {
    plan: Plan,
    bytes: Vec<u8>,
    report: PayoutReport,
}

fn samples() -> Samples {
    let bytes = std::fs::read(repo(PLAN)).unwrap();
    let plan = plan::load(&repo(PLAN)).unwrap();
    let rosters: Vec<PathBuf> = ROSTERS.iter().map(|r| repo(r)).collect();
    let imported = roster::import_files(&rosters, &ImportOptions::default()).unwrap();
    let report = engine::compute(&plan, &imported.roster, Detail::AmountsOnly).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    Samples { plan, bytes, report }
}

fn export(s: &Samples, template: Template) -> (String, export::Reconciliation) {
    let settings = settings(template);
    let req = ExportRequest {
        plan: &s.plan,
        report: &s.report,
        pay_date: pay_date(),
        template,
        settings: &settings,
        plan_bytes: &s.bytes,
    };
    let (bytes, rec) = export::render(&req).unwrap_or_else(|e| panic!("{}: {e}", template.name()));
    (String::from_utf8(bytes).unwrap(), rec)
}

fn fixture(name: &str) -> String {
    let path = repo(&format!("tests/fixtures/payroll/{name}"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Equal, or a panic naming the first line that differs.
fn assert_same(actual: &str, expected: &str, what: &str) {
    if actual == expected {
        return;
    }
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.split('\n').collect(), expected.split('\n').collect());
    let line = a.iter().zip(&e).position(|(x, y)| x != y).unwrap_or(a.len().min(e.len()));
    panic!(
        "{what} differs from its fixture at line {}:\n  got:      {:?}\n  expected: {:?}",
        line + 1,
        a.get(line),
        e.get(line)
    );
}

#[test]
fn every_template_matches_its_hand_checked_file_byte_for_byte() {
    let s = samples();
    for t in Template::ALL {
        let (out, _) = export(&s, t);
        assert_same(&out, &fixture(&format!("{}.csv", t.name())), t.name());
    }
}

#[test]
fn every_template_reconciles_to_the_payouts_total_to_the_cent() {
    let s = samples();
    for t in Template::ALL {
        let (_, rec) = export(&s, t);
        assert_eq!(rec.total, s.report.totals.total, "{}", t.name());
        assert_eq!(rec.by_code.values().copied().sum::<rust_decimal::Decimal>(), rec.total, "{}", t.name());
        assert_eq!(rec.people, s.report.employees.len(), "{}", t.name());
        assert_eq!(rec.plan_sha256, export::plan_sha256(&s.bytes));
    }
    assert_eq!(carrot::money::fixed(s.report.totals.total, 2), "908753.87");
}

#[test]
fn the_reconciliation_in_the_docs_is_the_adp_wfn_export_of_the_samples() {
    let s = samples();
    let (_, rec) = export(&s, Template::AdpWfn);
    assert_same(&rec.text(), &fixture("adp-wfn.reconciliation.txt"), "adp-wfn reconciliation");
    let doc = std::fs::read_to_string(repo("docs/payroll.md")).unwrap();
    assert!(doc.contains(&format!("```text\n{}```", rec.text())), "docs/payroll.md shows an outdated reconciliation");
}

#[test]
fn the_examples_in_the_docs_are_lines_of_the_exported_files() {
    let doc = std::fs::read_to_string(repo("docs/payroll.md")).unwrap();
    let mut checked = 0;
    for t in Template::ALL {
        let heading = format!("\n### `{}`\n", t.name());
        let start = doc.find(&heading).unwrap_or_else(|| panic!("docs/payroll.md has no section {heading:?}"));
        let section = &doc[start + heading.len()..];
        let section = &section[..section.find("\n### ").unwrap_or(section.len())];
        let file = fixture(&format!("{}.csv", t.name()));
        let lines: Vec<&str> = file.split("\r\n").collect();
        let mut in_block = false;
        let mut examples = 0;
        for line in section.lines() {
            match line {
                "```csv" => in_block = true,
                "```" => in_block = false,
                _ if in_block => {
                    assert!(lines.contains(&line), "{}: docs example line not in the export: {line}", t.name());
                    examples += 1;
                }
                _ => {}
            }
        }
        assert!(examples >= 3, "{}: the docs show an example", t.name());
        checked += examples;
    }
    assert!(checked > 20);
}

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
        Template::WorkdayEib => {
            s.batch_id = "INC-2026Q3".into();
            s.pay_period_start = Some("2026-10-01".parse().unwrap());
            s.pay_period_end = Some("2026-10-15".parse().unwrap());
        }
        Template::PaychexFlex => s.client_id = "70012345".into(),
    }
    // The sample plans are in EUR; the US payroll templates need it confirmed (--currency-ok).
    s.currency_ok = template.payroll_currency().is_some();
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
    if let Some(dir) = std::env::var_os("CARROT_WRITE_FIXTURES") {
        // Writes the output for review (then check it by hand and copy it over the fixture).
        let path = Path::new(&dir).join(what.replace(' ', "_"));
        std::fs::write(&path, actual).unwrap();
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
    assert_eq!(carrot::money::fixed(s.report.totals.total, 2), "901181.12");
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
        // The template's file, and the files of its options (`adp-wfn-pay-number.csv`, ...).
        let mut files = vec![fixture(&format!("{}.csv", t.name()))];
        for entry in std::fs::read_dir(repo("tests/fixtures/payroll")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.starts_with(&format!("{}-", t.name())) && name.ends_with(".csv") {
                files.push(fixture(&name));
            }
        }
        let lines: Vec<&str> = files.iter().flat_map(|f| f.split("\r\n")).collect();
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

/// The sample plan with a code of its own for every adp-wfn line, so sales people have up to
/// five codes: more than ADP's Earnings 3–5.
fn samples_with_own_adp_codes() -> Samples {
    let mut s = samples();
    let mut json: serde_json::Value = serde_json::from_slice(&s.bytes).unwrap();
    let codes = [
        ("/tracks/sales/components/0", "C"),
        ("/tracks/sales/components/1", "B"),
        ("/tracks/sales/components/2", "S"),
        ("/tracks/sales/components/3", "E"),
        ("/tracks/sales/cap", "CA"),
        ("/tracks/consultant/components/0", "U"),
        ("/tracks/consultant/components/1", "I"),
        ("/tracks/consultant/cap", "CB"),
    ];
    for (at, code) in codes {
        let line = json.pointer_mut(at).unwrap_or_else(|| panic!("{at}"));
        line["earning_codes"]["adp-wfn"] = serde_json::Value::from(code);
    }
    s.bytes = serde_json::to_vec_pretty(&json).unwrap();
    s.plan = plan::parse(std::str::from_utf8(&s.bytes).unwrap()).unwrap();
    s
}

fn export_with(s: &Samples, template: Template, settings: &PayrollSettings) -> (String, export::Reconciliation) {
    let req = ExportRequest {
        plan: &s.plan,
        report: &s.report,
        pay_date: pay_date(),
        template,
        settings,
        plan_bytes: &s.bytes,
    };
    let (bytes, rec) = export::render(&req).unwrap_or_else(|e| panic!("{}: {e}", template.name()));
    (String::from_utf8(bytes).unwrap(), rec)
}

#[test]
fn adp_wfn_writes_codes_past_earnings_5_on_further_rows_of_the_same_file_number() {
    let s = samples_with_own_adp_codes();
    let (out, rec) = export(&s, Template::AdpWfn);
    assert_same(&out, &fixture("adp-wfn-more-codes.csv"), "adp-wfn-more-codes.csv");
    // ADP's field list ends at Earnings 5.
    assert!(out.starts_with("Co Code,Batch ID,File #,Earnings 3 Code,Earnings 3 Amount,Earnings 4 Code,Earnings 4 Amount,Earnings 5 Code,Earnings 5 Amount\r\n"));
    assert!(!out.contains("Earnings 6"));
    // Kateřina Wagner (001046) has five codes: C, B, S, E on the first row... and CA on a second.
    assert!(
        out.contains(
            "\r\nABC,INC0926,001046,C,25631.20,B,924.46,S,195.00\r\nABC,INC0926,001046,E,1000.00,CA,-12343.05,,\r\n"
        ),
        "{out}"
    );
    assert_eq!(rec.total, s.report.totals.total);
    assert_eq!(rec.people, s.report.employees.len());
    assert!(rec.rows > rec.people, "further rows are counted as rows, not people");
}

#[test]
fn adp_wfn_separate_check_writes_the_pay_number_column() {
    let s = samples();
    let settings = PayrollSettings { separate_check: Some(2), ..settings(Template::AdpWfn) };
    let (out, rec) = export_with(&s, Template::AdpWfn, &settings);
    assert_same(&out, &fixture("adp-wfn-pay-number.csv"), "adp-wfn-pay-number.csv");
    assert!(out.starts_with("Co Code,Batch ID,File #,Pay #,Earnings 3 Code,"), "{out}");
    assert!(out.contains("\r\nABC,INC0926,001046,2,C,13288.15,B,924.46,S,1195.00\r\n"), "{out}");
    assert_eq!(rec.total, s.report.totals.total);
}

#[test]
fn paychex_separate_check_fills_check_seq_number() {
    let s = samples();
    let settings = PayrollSettings { separate_check: Some(2), ..settings(Template::PaychexFlex) };
    let (out, _) = export_with(&s, Template::PaychexFlex, &settings);
    assert_same(&out, &fixture("paychex-flex-separate-check.csv"), "paychex-flex-separate-check.csv");
    for line in out.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 39);
        assert_eq!(cells[11], "2", "Check Seq Number is column L: {line}");
    }
}

#[test]
fn gusto_ids_from_a_mapping_file_replace_the_roster_ids() {
    let s = samples();
    let ids = repo("tests/fixtures/payroll/gusto_ids.csv");
    let settings = PayrollSettings { gusto_ids: ids.display().to_string(), ..settings(Template::Gusto) };
    let (out, rec) = export_with(&s, Template::Gusto, &settings);
    assert_same(&out, &fixture("gusto-ids-mapped.csv"), "gusto-ids-mapped.csv");
    assert!(out.contains("\r\nKateřina,Wagner,GU1046,2119.46,13288.15\r\n"), "{out}");
    assert_eq!(rec.total, s.report.totals.total);
}

#[test]
fn gusto_refuses_ids_that_are_not_gusto_ids_and_names_them() {
    let s = samples();
    let mut report = s.report.clone();
    report.employees[0].employee_id = "1042".to_owned().into();
    let broken = Samples { plan: s.plan.clone(), bytes: s.bytes.clone(), report };
    let req = ExportRequest {
        plan: &broken.plan,
        report: &broken.report,
        pay_date: pay_date(),
        template: Template::Gusto,
        settings: &settings(Template::Gusto),
        plan_bytes: &broken.bytes,
    };
    let err = export::render(&req).unwrap_err().to_string();
    assert!(err.contains("employee id `1042` is not a Gusto employee id (6 letters or digits"), "{err}");
    assert!(err.contains("--gusto-match name"), "{err}");
    let by_name = PayrollSettings { gusto_match: export::GustoMatch::Name, ..settings(Template::Gusto) };
    assert!(export::render(&ExportRequest { settings: &by_name, ..req }).is_ok(), "names need no Gusto id");
}

#[test]
fn workday_eib_takes_reference_ids_from_the_id_file() {
    let s = samples();
    let ids = repo("tests/fixtures/payroll/workday_ids.csv");
    let settings = PayrollSettings { workday_ids: ids.display().to_string(), ..settings(Template::WorkdayEib) };
    let (out, rec) = export_with(&s, Template::WorkdayEib, &settings);
    assert_same(&out, &fixture("workday-eib-ids.csv"), "workday-eib-ids.csv");
    // Kateřina Wagner (001046, the 46th person paid) is Employee_ID 21046 in position P-001046,
    // costed to Enterprise DACH; her cap adjustment is a negative input on its own row.
    assert!(
        out.contains("\r\n46,1,INC-2026Q3,2026-10-01,2026-10-15,21046,P-001046,COMM,25631.20,EUR,2026-07-01,2026-09-30,CC_ENTERPRISE_DACH\r\n"),
        "{out}"
    );
    assert_eq!(rec.total, s.report.totals.total);
    // Without the file, Position and Cost Center are left for Workday to default and Worker is
    // the roster's id.
    let (plain, _) = export(&s, Template::WorkdayEib);
    assert!(
        plain.contains(
            "\r\n46,4,INC-2026Q3,2026-10-01,2026-10-15,001046,,CAPADJ,-12343.05,EUR,2026-07-01,2026-09-30,\r\n"
        ),
        "{plain}"
    );
}

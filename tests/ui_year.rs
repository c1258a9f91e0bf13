//! The Plan year window driven headless (egui_kittest) as a user would: open a plan year and a
//! month's actuals, choose the ledger, compute January, read a person's ledger, close January,
//! compute February from the ledger, export it.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod common;

use std::path::{Path, PathBuf};

use carrot::ui::{CarrotApp, FileChooser, Startup};
use common::*;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

fn root(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The app on an empty workspace, its file dialogs answering `answers` in turn, started.
fn app_answering(answers: Vec<Option<Vec<PathBuf>>>) -> Harness<'static, CarrotApp> {
    let chooser = FileChooser::Scripted(answers.into());
    let mut harness = Harness::builder()
        .with_size(DESKTOP)
        .with_max_steps(100_000)
        .build_eframe(move |cc| CarrotApp::new(cc, Startup::Empty, chooser));
    harness.run_steps(3);
    harness
}

#[test]
fn a_month_is_computed_explained_closed_and_the_next_one_built_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.json");
    let export = dir.path().join("february.csv");
    let answers = vec![
        Some(vec![root("sample_plans/plan_year.json")]),
        Some(vec![root("assets/actuals/2026-01_sales.csv"), root("assets/actuals/2026-01_consultants.csv")]),
        Some(vec![ledger.clone()]),
        Some(vec![export.clone()]),
    ];
    let mut harness = app_answering(answers);
    harness.run_steps(3);
    assert!(harness.query_by_label_contains("Plan year:").is_none(), "a plan of one period says nothing");
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    wait(&mut harness, "the plan year to open", |app| app.selected_doc().is_some());
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "January's actuals", |app| app.rt.rosters.merged.employees.len() > 60 && idle(app));

    // The main view computes the plan year as one period: it says so (once computed on these
    // rosters, which a loaded machine may not have done when the import's jobs end).
    let whole_year = "Plan year: the whole year at once, on these rosters as the year's figures";
    appear(&mut harness, whole_year, |h| h.query_by_label(whole_year).is_some());
    click(&mut harness, "Plan year…");
    assert!(harness.state().rt.year.open);
    assert_eq!(harness.state().rt.year.periods.len(), 12);
    click(&mut harness, "New ledger…");
    assert_eq!(harness.state().rt.year.ledger.as_deref(), Some(ledger.as_path()));
    click(&mut harness, "Compute period");
    wait(&mut harness, "January", |app| app.rt.year.shown.is_some() && !app.rt.year.busy);
    let jan = harness.state().rt.year.shown.as_ref().unwrap().result.report.totals.total;

    // One person's ledger, with the true-up explained.
    let hugo = person_label(&harness, "001001");
    click(&mut harness, &hugo);
    harness.get_by_label("Earned to date");
    let explained = harness.query_all_by_label_contains("earned year to date").count();
    assert!(explained > 0, "the true-up is explained");

    click(&mut harness, "Close period");
    wait(&mut harness, "January closed", |app| !app.rt.year.busy && idle(app) && ledger_closed(&ledger, 1));
    // The list of periods says which are closed.
    wait(&mut harness, "January marked closed", |app| app.rt.year.closed == ["2026-01"] && !app.rt.year.busy);
    click_role(&mut harness, egui::accesskit::Role::ComboBox, "Pay period");
    harness.get_by_label("2026-01 · closed");
    click(&mut harness, "2026-02");
    assert_eq!(harness.state().rt.year.periods[harness.state().rt.year.period], "2026-02");
    // January's figures are still shown: February cannot be closed on them.
    assert!(harness.get_by_label("Close period").accesskit_node().is_disabled());
    click(&mut harness, "Compute period");
    wait(&mut harness, "February", |app| {
        app.rt.year.shown.as_ref().is_some_and(|s| s.result.period.name == "2026-02") && !app.rt.year.busy
    });
    assert!(!harness.get_by_label("Close period").accesskit_node().is_disabled());
    let shown = harness.state().rt.year.shown.clone().unwrap();
    let paid: rust_decimal::Decimal = shown.result.ytd.iter().map(|y| y.paid).sum();
    assert_eq!(paid, jan + shown.result.report.totals.total, "paid to date is January plus February");
    harness.get_by_label_contains("2026-01: paid");

    // February for payroll, in the layout chosen in the Export payroll dialog, checked as there.
    click(&mut harness, "Export period…");
    harness.get_by_label("2026-02 (2026-02-01 to 2026-02-28), from the ledger");
    choose(&mut harness, "Template", "adp-wfn");
    harness.get_by_label_contains("company code (--company-code): missing");
    choose(&mut harness, "Template", "generic");
    click(&mut harness, "Choose file…");
    wait(
        &mut harness,
        "the check",
        |app| matches!(&app.rt.modal, Some(carrot::ui::app::Modal::Export(d)) if d.path.is_some() && d.check.as_ref().is_some_and(|(_, r)| r.is_ok())),
    );
    harness.get_by_label(&format!("{} EUR", carrot::money::grouped(shown.result.report.totals.total, 2)));
    click(&mut harness, "Export");
    wait(&mut harness, "the export", |app| idle(app) && export.exists());
    let csv = std::fs::read_to_string(&export).unwrap();
    assert!(csv.contains("2026-02-01"), "{csv}");
    let rec = std::fs::read_to_string(carrot::export::reconciliation_path(&export)).unwrap();
    assert!(rec.contains("2026-02-01 to 2026-02-28"), "{rec}");
    assert!(!rec.contains("pays its whole year"), "{rec}");
}

fn ledger_closed(path: &Path, n: usize) -> bool {
    carrot::year::Ledger::load(path).is_ok_and(|l| l.entries.len() == n)
}

/// The people list's label for an employee id.
fn person_label(harness: &Harness<'static, CarrotApp>, id: &str) -> String {
    let shown = harness.state().rt.year.shown.clone().unwrap();
    let e = shown.result.report.employees.iter().find(|e| &*e.employee_id == id).unwrap();
    format!("{} {} · {}", e.employee_id, e.name, carrot::money::grouped(e.total, shown.result.report.minor_units))
}

/// `carrot payouts --period 2026-03` of `plan` on March's actuals (no ledger): the total, as the
/// app writes money.
fn march_total(plan: &str) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_carrot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["payouts", "--plan", plan, "--period", "2026-03", "--format", "json"])
        .args(["--roster", "assets/actuals/2026-03_sales.csv", "--roster", "assets/actuals/2026-03_consultants.csv"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let total: rust_decimal::Decimal = json["totals"]["total"].as_str().unwrap().parse().unwrap();
    carrot::money::grouped(total, 2)
}

#[test]
fn compare_and_behaviour_show_the_chosen_pay_period_as_payouts_pays_it() {
    const PLANS: [&str; 2] = ["sample_plans/plan_year.json", "sample_plans/plan_year_product_led.json"];
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("march.html");
    let answers = vec![
        Some(PLANS.iter().map(|p| root(p)).collect()),
        Some(vec![root("assets/actuals/2026-03_sales.csv"), root("assets/actuals/2026-03_consultants.csv")]),
        Some(vec![report_path.clone()]),
    ];
    let mut harness = app_answering(answers);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    wait(&mut harness, "the two plan years", |app| app.rt.docs.len() == 2);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    let computed = |app: &CarrotApp| app.rt.docs.iter().all(|d| !d.is_stale(app.rt.rosters.revision)) && idle(app);
    wait(&mut harness, "March's actuals", |app| app.rt.rosters.merged.employees.len() > 60 && computed(app));
    let expected: Vec<String> = PLANS.iter().map(|p| march_total(p)).collect();
    let year: Vec<String> = harness
        .state()
        .rt
        .docs
        .iter()
        .map(|d| carrot::money::grouped(d.result.as_ref().unwrap().report.totals.total, 2))
        .collect();
    assert_ne!(expected, year, "March is not the whole year");

    // Compare: the plans are plan years with the same months, so a period can be chosen.
    harness.get_by_label("Compare").click();
    wait(&mut harness, "the pay periods", |app| app.rt.compare.periods.len() == 12);
    for total in &year {
        assert!(harness.query_all_by_label(total).count() >= 1, "the whole year's total {total} is shown");
    }
    choose(&mut harness, "Period", "2026-03");
    wait(&mut harness, "March compared", |app| {
        app.rt.compare.period.as_ref().is_some_and(|p| p.key.period == "2026-03") && idle(app)
    });
    for total in &expected {
        assert!(harness.query_all_by_label(total).count() >= 1, "March's total {total} (payouts --period) is shown");
    }
    for total in &year {
        assert_eq!(harness.query_all_by_label(total).count(), 0, "the year's total {total} is gone");
    }
    harness.get_by_label("2026-03: 2026-03-01 to 2026-03-31");
    // The hand-out says what the figures are: March alone, without a ledger.
    click(&mut harness, "Save report…");
    wait(&mut harness, "the report", |app| idle(app) && report_path.exists());
    let html = std::fs::read_to_string(&report_path).unwrap();
    assert!(
        html.contains("Pay period 2026-03 (2026-03-01 to 2026-03-31) of each plan year, computed on its own"),
        "{html}"
    );
    // Back to the whole year.
    choose(&mut harness, "Period", "Whole year");
    for total in &year {
        assert!(harness.query_all_by_label(total).count() >= 1, "the whole year's total {total} is back");
    }

    // Behaviour: the same choice; at people's recorded results each plan costs its March.
    harness.get_by_label("Behaviour").click();
    let simulated = |app: &CarrotApp, period: Option<&str>| {
        app.rt.behaviour.result.as_ref().is_some_and(|r| r.key.period.as_deref() == period)
            && !app.rt.behaviour.is_running()
    };
    wait(&mut harness, "the year simulated", |app| simulated(app, None) && app.rt.behaviour.periods.len() == 12);
    let year_cost = harness.state().rt.behaviour.result.as_ref().unwrap().report.baseline.at_history.cost;
    choose(&mut harness, "Period", "2026-03");
    wait(&mut harness, "March simulated", |app| simulated(app, Some("2026-03")));
    let report = harness.state().rt.behaviour.result.as_ref().unwrap().report.clone();
    let costs: Vec<String> = std::iter::once(&report.baseline)
        .chain(&report.plans)
        .map(|p| carrot::money::grouped(p.at_history.cost, 2))
        .collect();
    assert_eq!(costs, expected, "each plan's March at recorded results is `payouts --period 2026-03`");
    assert_ne!(report.baseline.at_history.cost, year_cost, "the year costs otherwise");
    for total in &expected {
        harness.get_by_label_contains(total);
    }
}

/// A roster of two sales people for `plan_year.json` (2026, monthly) and a deal list of theirs
/// across January to March, with its mapping, in `dir`.
fn roster_and_deals(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let roster = dir.join("people.csv");
    std::fs::write(
        &roster,
        "employee_id,name,role,currency,quota,target_incentive,start_date,discovery_interviews,early_access_signups\n\
         S1,Ana Ruiz,sales,EUR,600000,60000,2024-01-01,3,2\n\
         S2,Bo Lind,sales,EUR,600000,60000,2024-01-01,1,0\n",
    )
    .unwrap();
    let deals = dir.join("deals.csv");
    std::fs::write(
        &deals,
        "Owner,Amount,Close Date,Stage\n\
         S1,\"10,000.00\",2026-01-15,Won\n\
         S1,\"20,000.00\",2026-02-10,Won\n\
         S2,\"5,000.00\",2026-02-27,Won\n\
         S2,\"7,000.00\",2026-03-01,Won\n\
         S1,\"9,000.00\",2026-02-11,Lost\n",
    )
    .unwrap();
    let mapping = dir.join("deals.json");
    std::fs::write(
        &mapping,
        r#"{"owner": "Owner", "match": "employee_id", "amount": "Amount", "date": "Close Date",
            "filters": {"Stage": ["Won"]}}"#,
    )
    .unwrap();
    (roster, deals, mapping)
}

/// The revenue each person was imported with.
fn revenues(app: &CarrotApp) -> Vec<String> {
    let r = &app.rt.rosters.merged;
    let i = r.metrics.iter().position(|m| m == "revenue").unwrap();
    r.employees.iter().map(|e| e.metrics[i].unwrap().to_string()).collect()
}

// A CRM deal list covers the year, a pay period is one month: the import counts the deals of
// the month chosen (or the whole year), and the Plan year window says when the roster is not
// the chosen period's actuals, and then neither closes nor exports it.
#[test]
fn a_deal_list_counts_one_pay_periods_deals_and_the_window_says_when_the_roster_is_another_periods() {
    let dir = tempfile::tempdir().unwrap();
    let (roster, deals, mapping) = roster_and_deals(dir.path());
    let ledger = dir.path().join("ledger.json");
    let answers = vec![
        Some(vec![root("sample_plans/plan_year.json"), root("sample_plans/plan_year_product_led.json")]),
        Some(vec![roster.clone()]),
        Some(vec![deals.clone()]),
        Some(vec![mapping.clone()]),
        Some(vec![ledger.clone()]),
    ];
    let mut harness = app_answering(answers);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    wait(&mut harness, "the plan year to open", |app| app.selected_doc().is_some());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    wait(&mut harness, "the import step", |app| matches!(app.rt.modal, Some(carrot::ui::app::Modal::Mapping(_))));
    click(&mut harness, "Add deal list…");
    wait(
        &mut harness,
        "the deal list and its mapping",
        |app| matches!(&app.rt.modal, Some(carrot::ui::app::Modal::Mapping(d)) if d.deals.is_some()),
    );
    // A plan year: the whole year's deals by default, or one pay period's.
    harness.get_by_label_contains("is a plan year: the whole year's deals are the year's figures");
    choose(&mut harness, "Count the deals closed in", "2026-01 (2026-01-01 to 2026-01-31)");
    harness.get_by_label_contains("The roster is then 2026-01's actuals");
    // Import is enabled once the step has read the files as the import would (on a job).
    wait(&mut harness, "the check of the joins", |app| {
        matches!(&app.rt.modal, Some(carrot::ui::app::Modal::Mapping(d))
            if d.check.as_ref().is_some_and(|(k, _)| *k == d.reference()))
    });
    assert!(!harness.get_by_label("Import").accesskit_node().is_disabled());
    click(&mut harness, "Import");
    wait(&mut harness, "the import", |app| app.rt.rosters.merged.employees.len() == 2 && idle(app));
    assert_eq!(revenues(harness.state()), ["10000.00", "0"], "January's won deals only");
    // The main view computes the whole year: it says these are one month's deals.
    harness.run_steps(2);
    let main = harness.state().rt.year_figures.clone().expect("the main view says the deals are January's");
    assert!(main.contains("closed 2026-01-01 to 2026-01-31, not the plan year's (2026-01-01 to 2026-12-31)"), "{main}");
    harness.get_by_label(&main);

    click(&mut harness, "Plan year…");
    click(&mut harness, "New ledger…");
    click(&mut harness, "Compute period");
    wait(&mut harness, "January", |app| app.rt.year.shown.is_some() && !app.rt.year.busy);
    assert_eq!(harness.state().rt.year.actuals, None, "the roster is January's actuals");
    click(&mut harness, "Close period");
    wait(&mut harness, "January closed", |app| !app.rt.year.busy && idle(app) && ledger_closed(&ledger, 1));

    // February on January's deals: said, and neither closed nor exported.
    choose(&mut harness, "Pay period", "2026-02");
    let why = harness.state().rt.year.actuals.clone().expect("the window says the roster is not February's");
    assert!(
        why.contains(
            "people.csv's revenue counts the deals of deals.csv closed 2026-01-01 to 2026-01-31, not 2026-02's"
        ),
        "{why}"
    );
    harness.get_by_label(&why);
    click(&mut harness, "Compute period");
    wait(&mut harness, "February", |app| {
        app.rt.year.shown.as_ref().is_some_and(|s| s.result.period.name == "2026-02") && !app.rt.year.busy
    });
    assert!(harness.get_by_label("Close period").accesskit_node().is_disabled());
    assert!(harness.get_by_label("Export period…").accesskit_node().is_disabled());
    assert!(ledger_closed(&ledger, 1), "February was not closed");

    // Compare and Behaviour by pay period say the same.
    harness.state_mut().rt.year.open = false;
    harness.get_by_label("Compare").click();
    wait(&mut harness, "the pay periods", |app| app.rt.compare.periods.len() == 12);
    choose(&mut harness, "Period", "2026-02");
    wait(&mut harness, "February compared", |app| {
        app.rt.compare.period.as_ref().is_some_and(|p| p.key.period == "2026-02") && idle(app)
    });
    assert_eq!(harness.state().rt.compare.actuals.as_deref(), Some(why.as_str()));
    harness.get_by_label(&why);
    choose(&mut harness, "Period", "2026-01");
    assert_eq!(harness.state().rt.compare.actuals, None, "January's deals are January's actuals");
    harness.get_by_label("Behaviour").click();
    wait(&mut harness, "the pay periods", |app| app.rt.behaviour.periods.len() == 12);
    choose(&mut harness, "Period", "2026-02");
    assert_eq!(harness.state().rt.behaviour.actuals.as_deref(), Some(why.as_str()));
    harness.get_by_label(&why);
}

// A deal list counted for April whose deals all closed earlier: the roster is not April's
// actuals, which the window says (the check `carrot close` and `export` make) and then neither
// closes nor exports April.
#[test]
fn a_deal_list_with_no_deal_in_the_pay_period_is_not_closed_or_exported() {
    let dir = tempfile::tempdir().unwrap();
    let (roster, deals, mapping) = roster_and_deals(dir.path());
    let answers = vec![
        Some(vec![root("sample_plans/plan_year.json")]),
        Some(vec![roster.clone()]),
        Some(vec![deals.clone()]),
        Some(vec![mapping.clone()]),
    ];
    let mut harness = app_answering(answers);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    wait(&mut harness, "the plan year to open", |app| app.selected_doc().is_some());
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    wait(&mut harness, "the import step", |app| matches!(app.rt.modal, Some(carrot::ui::app::Modal::Mapping(_))));
    click(&mut harness, "Add deal list…");
    wait(
        &mut harness,
        "the deal list and its mapping",
        |app| matches!(&app.rt.modal, Some(carrot::ui::app::Modal::Mapping(d)) if d.deals.is_some()),
    );
    choose(&mut harness, "Count the deals closed in", "2026-04 (2026-04-01 to 2026-04-30)");
    wait(&mut harness, "the check of the joins", |app| {
        matches!(&app.rt.modal, Some(carrot::ui::app::Modal::Mapping(d))
            if d.check.as_ref().is_some_and(|(k, _)| *k == d.reference()))
    });
    click(&mut harness, "Import");
    wait(&mut harness, "the import", |app| app.rt.rosters.merged.employees.len() == 2 && idle(app));
    assert_eq!(revenues(harness.state()), ["0", "0"], "no deal closed in April");
    click(&mut harness, "Plan year…");
    choose(&mut harness, "Pay period", "2026-04");
    harness.run_steps(2);
    let why = harness.state().rt.year.actuals.clone().expect("the window says the roster is not April's");
    assert!(
        why.contains(
            "none of its 4 deal(s) closed in pay period 2026-04 (2026-04-01 to 2026-04-30): they closed from \
             2026-01-15 to 2026-03-01"
        ),
        "{why}"
    );
    harness.get_by_label(&why);
    assert!(harness.get_by_label("Close period").accesskit_node().is_disabled());
    assert!(harness.get_by_label("Export period…").accesskit_node().is_disabled());
}

// Opening a ledger uses an open dialog; a new ledger never replaces a file that exists (the
// save dialog's "replace it?" is answered by keeping it, and saying so).
#[test]
fn a_new_ledger_never_replaces_an_existing_one() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = dir.path().join("ledger.json");
    std::fs::write(&ledger, "not touched").unwrap();
    let answers = vec![Some(vec![root("sample_plans/plan_year.json")]), Some(vec![ledger.clone()])];
    let mut harness = app_answering(answers);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::O);
    wait(&mut harness, "the plan year to open", |app| app.selected_doc().is_some());
    click(&mut harness, "Plan year…");
    click(&mut harness, "New ledger…");
    wait(&mut harness, "the answer", |app| app.rt.year.error.is_some());
    assert_eq!(harness.state().rt.year.ledger, None);
    harness.get_by_label_contains("ledger.json already exists and was not replaced");
    assert_eq!(std::fs::read_to_string(&ledger).unwrap(), "not touched");
}

// A plan year designed in the editor, as a new user would: the sales-led sample paid monthly,
// with a recoverable draw, clawbacks, its commission measured on the year to date and its
// bonus paid in two instalments. The plan it makes is the plan file the docs describe, and the
// Plan year window pays a month of it.
#[test]
fn a_plan_year_is_designed_in_the_editor_and_a_month_of_it_is_paid() {
    let mut harness = common::app(vec![]);
    assert_eq!(harness.state().selected_doc().unwrap().plan.name, "Sales-led (today)");
    click(&mut harness, "Plan year");
    harness.get_by_label("The plan pays its whole period at once.");
    click(&mut harness, "Paid period by period (a plan year)");
    harness.get_by_label("Plan year: the whole year at once, on these rosters as the year's figures");
    choose(&mut harness, "Pay periods", "months");
    click(&mut harness, "Draw for sales");
    set_text(&mut harness, "sales draw amount", "1500");
    click(&mut harness, "Clawbacks");
    set_text(&mut harness, "Leaver clawback share", "50");
    choose(&mut harness, "Revenue commission measures", "the year to date");
    click(&mut harness, "Utilisation bonus paid in instalments");
    wait(&mut harness, "the plan year computed", |app| fresh(app) && idle(app));

    let doc = harness.state().selected_doc().unwrap();
    assert!(doc.problems.iter().all(|p| p.severity != carrot::plan::Severity::Error), "{:?}", doc.problems);
    let json: serde_json::Value = serde_json::from_str(&carrot::plan::to_json(&doc.plan)).unwrap();
    let schedule = &json["schedule"];
    assert_eq!(schedule["periods"], "month");
    assert_eq!(schedule["draws"]["sales"]["amount"], 1500);
    assert_eq!(schedule["draws"]["sales"]["recoverable"], true);
    assert_eq!(schedule["clawback"]["leaver_window_days"], 90);
    assert_eq!(schedule["clawback"]["leaver_share"], 0.5);
    let components = |track: &str| json["tracks"][track]["components"].as_array().unwrap().clone();
    assert_eq!(components("sales")[0]["window"], "ytd");
    assert_eq!(components("consultant")[0]["instalments"], serde_json::json!([0.5, 0.5]));
    // The file the editor writes reads back as the same plan.
    assert_eq!(carrot::plan::parse(&carrot::plan::to_json(&doc.plan)).unwrap(), doc.plan);

    click(&mut harness, "Plan year…");
    assert_eq!(harness.state().rt.year.periods, ["2026-07", "2026-08", "2026-09"]);
    click(&mut harness, "Compute period");
    wait(&mut harness, "July", |app| app.rt.year.shown.is_some() && !app.rt.year.busy);
    let shown = harness.state().rt.year.shown.clone().unwrap();
    assert!(shown.result.report.errors.is_empty());
    let kinds: Vec<&str> =
        shown.result.report.employees.iter().flat_map(|e| &e.lines).map(|l| l.kind.as_str()).collect();
    assert!(kinds.contains(&"true_up"), "the commission pays its year-to-date true-up: {kinds:?}");

    // July as computed is not exported once the plan changed after it.
    set_text(&mut harness, "sales draw amount", "1600");
    wait(&mut harness, "the edit", |app| fresh(app) && idle(app));
    click(&mut harness, "Export period…");
    harness.get_by_label_contains("changed since the pay period was computed: compute it again");
    assert!(harness.get_by_label("Export").accesskit_node().is_disabled());
}

/// A plan's leaver window longer than the editor's field goes (3,650 days) is shown and kept as
/// the plan says: showing the field never changes the plan.
#[test]
fn a_leaver_window_beyond_the_fields_range_is_kept_as_the_plan_says() {
    let mut harness = common::app(vec![]);
    click(&mut harness, "Plan year");
    click(&mut harness, "Paid period by period (a plan year)");
    click(&mut harness, "Clawbacks");
    harness.run_steps(2);
    let window = |h: &Harness<'static, CarrotApp>| {
        h.state().selected_doc().unwrap().plan.schedule.as_ref().unwrap().clawback.as_ref().unwrap().leaver_window_days
    };
    assert_eq!(window(&harness), 90);
    let app = harness.state_mut();
    let selected = app.rt.selected;
    let doc = app.rt.docs.iter_mut().find(|d| Some(d.id) == selected).unwrap();
    doc.plan.schedule.as_mut().unwrap().clawback.as_mut().unwrap().leaver_window_days = 5000;
    harness.run_steps(5);
    assert_eq!(window(&harness), 5000, "the field did not move the plan's value");
}

//! The app's import dialog with spreadsheets and report exports, driven headless as a user would:
//! a workbook whose people are on its second sheet below a line that is not a report title;
//! choosing the sheet and the header row in the mapping step, with the preview; the recipe
//! offered again for the next file of that shape, and saved for `carrot --mapping`.
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod common;

use std::path::Path;

use carrot::ui::app::Modal;
use common::*;
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use rust_xlsxwriter::Workbook;

/// A workbook: a notes sheet first, then "Staff" with a line of column notes above the header
/// on row 3 (a line no report puts there, so the header is not found without help).
fn workbook(path: &Path, ids: [&str; 2]) {
    let mut book = Workbook::new();
    let notes = book.add_worksheet().set_name("Notes").unwrap();
    notes.write_string(0, 0, "Read me").unwrap();
    notes.write_string(0, 1, "Staff list for the incentive plan").unwrap();
    notes.write_string(0, 2, "Q3 2026").unwrap();
    let staff = book.add_worksheet().set_name("Staff").unwrap();
    for (c, h) in ["Region", "Cost centre", "Comment", "Status"].iter().enumerate() {
        staff.write_string(0, c as u16, *h).unwrap();
    }
    for (c, h) in ["Worker ID", "Name", "Role", "Quota", "Revenue"].iter().enumerate() {
        staff.write_string(2, c as u16, *h).unwrap();
    }
    for (r, id) in ids.iter().enumerate() {
        let row = r as u32 + 3;
        staff.write_string(row, 0, *id).unwrap();
        staff.write_string(row, 1, format!("Person {id}")).unwrap();
        staff.write_string(row, 2, "sales").unwrap();
        staff.write_number(row, 3, 100_000.0).unwrap();
        staff.write_number(row, 4, 90_000.0 + r as f64).unwrap();
    }
    book.save(path).unwrap();
}

#[test]
fn a_workbook_is_read_from_the_sheet_and_header_row_chosen_and_the_recipe_is_offered_again() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("staff_q3.xlsx");
    let second = dir.path().join("staff_q4.xlsx");
    let saved = dir.path().join("staff_recipe.json");
    workbook(&first, ["X001", "X002"]);
    workbook(&second, ["Y001", "Y002"]);
    let mut harness = app(vec![Some(vec![first.clone()]), Some(vec![saved.clone()]), Some(vec![second.clone()])]);

    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| matches!(app.rt.modal, Some(Modal::Mapping(_))));
    // No sheet has the columns: the first is shown, and the sheets are offered.
    harness.get_by_label_contains("Still needed: employee_id, name, role");
    choose(&mut harness, "Sheet", "Staff");
    wait(
        &mut harness,
        "the Staff sheet",
        |app| matches!(&app.rt.modal, Some(Modal::Mapping(d)) if d.preview.sheet.as_deref() == Some("Staff")),
    );
    // Its first line is not a header: say where the header is, and read it again.
    type_into(&mut harness, "Header row", "3");
    harness.get_by_label("Read again").click_accesskit();
    wait(
        &mut harness,
        "the header on row 3",
        |app| matches!(&app.rt.modal, Some(Modal::Mapping(d)) if d.preview.header_line == 3),
    );
    harness.get_by_label("Person X001");
    // `Worker ID` looks like the employee id: it is chosen for it, for the user to check.
    assert!(harness.query_by_label_contains("Still needed").is_none());
    assert!(step(harness.state()).unwrap().choices.iter().any(|c| c.as_deref() == Some("employee_id")));

    // The recipe saves for the command line, with its sheet and header row.
    harness.get_by_label("Save mapping…").click_accesskit();
    wait(&mut harness, "the recipe file", |_| saved.exists());
    let recipe = carrot::roster::recipe::parse(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(recipe.sheet.as_deref(), Some("Staff"));
    assert_eq!(recipe.header_row, Some(3));
    assert_eq!(recipe.columns.0.get("Worker ID").map(String::as_str), Some("employee_id"));
    let options = carrot::roster::ImportOptions {
        mapping: recipe.columns.clone(),
        sheet: recipe.sheet.clone(),
        header_row: recipe.header_row,
        ..Default::default()
    };
    let cli = carrot::roster::import_files(std::slice::from_ref(&first), &options).unwrap();

    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 3);
    let people = &harness.state().rt.rosters.sources[2].roster.employees;
    assert_eq!(people.iter().map(|e| &*e.id).collect::<Vec<_>>(), ["X001", "X002"]);
    assert_eq!(*people, cli.roster.employees, "the app reads what the CLI reads with the saved recipe");

    // The next file of the same shape is offered the remembered recipe: its sheet, header row
    // and mapping are already chosen.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the recipe offered", |app| {
        matches!(&app.rt.modal, Some(Modal::Mapping(d))
            if d.preview.sheet.as_deref() == Some("Staff") && d.preview.header_line == 3 && d.missing().is_empty())
    });
    harness.get_by_label("Person Y001");
    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the second import", |app| app.rt.rosters.sources.len() == 4);
    let people = &harness.state().rt.rosters.sources[3].roster.employees;
    assert_eq!(people.iter().map(|e| &*e.id).collect::<Vec<_>>(), ["Y001", "Y002"]);
}

#[test]
fn a_header_row_that_is_not_a_number_is_refused_in_the_dialog() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("staff.xlsx");
    workbook(&file, ["Z001", "Z002"]);
    let mut harness = app(vec![Some(vec![file])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| matches!(app.rt.modal, Some(Modal::Mapping(_))));
    type_into(&mut harness, "Header row", "three");
    harness.get_by_label_contains("is not a line number");
    assert!(harness.get_by_role_and_label(Role::Button, "Read again").accesskit_node().is_disabled());
}

fn asset(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets").join(name)
}

/// Each open plan's name and payouts total, once every plan has results for the rosters shown.
fn totals(harness: &mut egui_kittest::Harness<'static, carrot::ui::CarrotApp>) -> Vec<(String, String)> {
    wait(harness, "every plan computed", |app| {
        let roster = app.rt.rosters.revision;
        app.rt.docs.iter().all(|d| !d.is_stale(roster))
    });
    harness
        .state()
        .rt
        .docs
        .iter()
        .map(|d| (d.plan.name.clone(), d.result.as_ref().unwrap().report.totals.total.to_string()))
        .collect()
}

/// The step of the import in progress.
fn step(app: &carrot::ui::CarrotApp) -> Option<&carrot::ui::panels::dialogs::MappingDialog> {
    match &app.rt.modal {
        Some(Modal::Mapping(d)) => Some(d),
        _ => None,
    }
}

/// Runs frames until a widget labelled `label` shows (the step resizes itself over a few frames
/// when a check's result arrives).
fn shows(harness: &mut egui_kittest::Harness<'static, carrot::ui::CarrotApp>, label: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while harness.query_by_label(label).is_none() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {label:?} to show");
        harness.step();
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Whether the step shows a check of its joins for what it would import now.
fn checked(app: &carrot::ui::CarrotApp) -> bool {
    step(app).is_some_and(|d| d.check.as_ref().is_some_and(|(k, _)| *k == d.reference()))
}

#[test]
fn a_deals_mapping_that_would_count_lost_deals_is_refused_in_the_step_with_the_filter_to_add() {
    let dir = tempfile::tempdir().unwrap();
    // The bundled mapping without its filter on Stage: the Closed Lost deals would count.
    let unfiltered = dir.path().join("deals_mapping_without_filters.json");
    let mut mapping: serde_json::Value =
        serde_json::from_slice(&std::fs::read(asset("crm_deals_mapping.json")).unwrap()).unwrap();
    mapping.as_object_mut().unwrap().remove("filters");
    std::fs::write(&unfiltered, mapping.to_string()).unwrap();
    let mut harness = app(vec![
        Some(vec![asset("hris_export.xlsx")]),
        Some(vec![asset("hris_recipe.json")]),
        Some(vec![asset("crm_deals.csv")]),
        Some(vec![unfiltered]),
    ]);
    totals(&mut harness);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    wait(&mut harness, "the import step", |app| step(app).is_some());
    harness.get_by_label("Load recipe…").click_accesskit();
    wait(&mut harness, "the recipe's sheet", |app| step(app).is_some_and(|d| d.missing().is_empty()));
    harness.get_by_label("Add deal list…").click_accesskit();
    wait(&mut harness, "the deal list and its mapping", |app| step(app).is_some_and(|d| d.deals.is_some()));
    wait(&mut harness, "the check of the joins", checked);
    let refusal = "crm_deals.csv: the deals mapping counts every deal whatever its \"Stage\", which holds \"Closed \
                   Won\" (403 deal(s)), \"Closed Lost\" (12 deal(s)): lost deals would be paid as revenue. Add \
                   \"filters\": {\"Stage\": [\"Closed Won\"]} to the deals mapping";
    for _ in 0..30 {
        harness.step();
    }
    assert!(harness.query_by_label_contains(refusal).is_some(), "the step names the lost deals and the filter");
    assert!(harness.query_by_label_contains("people would be imported").is_none());
}

#[test]
fn the_hris_export_with_its_metrics_and_deal_list_pays_what_the_bundled_rosters_pay() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("hris_saved_recipe.json");
    let mut harness = app(vec![
        Some(vec![asset("hris_export.xlsx")]),
        Some(vec![asset("hris_recipe.json")]),
        Some(vec![asset("activity_metrics.csv")]),
        Some(vec![asset("crm_deals.csv")]),
        Some(vec![asset("crm_deals_mapping.json")]),
        Some(vec![saved.clone()]),
    ]);
    // The payouts on the clean bundled rosters, then a workspace without them (the export
    // holds the same people).
    let clean = totals(&mut harness);
    assert_eq!(clean.len(), 3, "{clean:?}");
    let ctx = harness.ctx.clone();
    harness.state_mut().remove_roster(&ctx, 1);
    wait(&mut harness, "one roster removed", |app| app.rt.rosters.sources.len() == 1 && idle(app));
    harness.state_mut().remove_roster(&ctx, 0);
    wait(&mut harness, "no roster", |app| app.rt.rosters.sources.is_empty() && idle(app));

    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    wait(&mut harness, "the import step", |app| step(app).is_some());
    harness.get_by_label_contains("Still needed: employee_id, name, role");
    // The recipe names the sheet, the columns, the job titles' roles and the join key.
    harness.get_by_label("Load recipe…").click_accesskit();
    wait(&mut harness, "the recipe's sheet", |app| {
        step(app).is_some_and(|d| d.preview.sheet.as_deref() == Some("Workers") && d.missing().is_empty())
    });
    harness.get_by_label_contains("Roles: 6 value(s) mapped");
    assert_eq!(step(harness.state()).unwrap().default_role, "other");

    harness.get_by_label("Add metrics files…").click_accesskit();
    wait(&mut harness, "the metrics file", |app| step(app).is_some_and(|d| d.joins.metrics.len() == 1));
    harness.get_by_label("activity_metrics.csv");
    harness.get_by_label("Add deal list…").click_accesskit();
    wait(&mut harness, "the deal list and its mapping", |app| step(app).is_some_and(|d| d.deals.is_some()));
    harness.get_by_label("crm_deals.csv, read with crm_deals_mapping.json");
    harness.get_by_label_contains("Deals closed 2026-07-01 to 2026-09-30 count");
    wait(&mut harness, "the check of the joins", checked);
    shows(&mut harness, "72 people would be imported.");
    // The deal list's own notes: deals counted, and those left out by date and stage.
    harness.get_by_label_contains(
        "crm_deals.csv: 403 deal(s) counted for 48 people; 20 closed outside the period 2026-07-01..2026-09-30 \
         were left out; 12 left out by the filters",
    );

    // The recipe saved from the step is one `carrot --mapping` reads.
    harness.get_by_label("Save mapping…").click_accesskit();
    wait(&mut harness, "the saved recipe", |_| saved.exists());
    let recipe = carrot::roster::joins::read_recipe(&saved).unwrap();
    assert_eq!(recipe.sheet.as_deref(), Some("Workers"));
    assert_eq!(recipe.join_on, Some(carrot::roster::join::JoinKey::Email));
    assert_eq!(recipe.values["role"]["Solutions Consultant"], "consultant");

    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 1 && app.rt.modal.is_none() && idle(app));
    assert_eq!(harness.state().rt.rosters.merged.employees.len(), 72);
    assert_eq!(totals(&mut harness), clean, "the HRIS and CRM exports pay what the bundled rosters pay");

    // The command line with the recipe saved by the app gives the same payouts, byte for byte.
    let s = |p: &Path| p.display().to_string();
    let plan = s(&Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_plans/transition.json"));
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_carrot")).args(args).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let (sales, consultants) = (s(&asset("sales_roster.csv")), s(&asset("consultants_roster.csv")));
    let clean_csv = run(&["payouts", "--plan", &plan, "--format", "csv", "--roster", &sales, "--roster", &consultants]);
    let (hris, metrics, deals, deals_mapping) = (
        s(&asset("hris_export.xlsx")),
        s(&asset("activity_metrics.csv")),
        s(&asset("crm_deals.csv")),
        s(&asset("crm_deals_mapping.json")),
    );
    let saved_text = s(&saved);
    let from_app = run(&[
        "payouts",
        "--plan",
        &plan,
        "--format",
        "csv",
        "--roster",
        &hris,
        "--mapping",
        &saved_text,
        "--metrics",
        &metrics,
        "--deals",
        &deals,
        "--deals-mapping",
        &deals_mapping,
    ]);
    assert_eq!(from_app, clean_csv);
}

#[test]
fn a_join_with_a_missing_and_an_extra_id_shows_its_warnings_and_a_metric_defined_twice_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("people.csv");
    std::fs::write(&roster, "employee_id,name,role,quota\nJ1,Ann Joiner,sales,100000\nJ2,Bo Joiner,sales,100000\nJ3,Cy Joiner,sales,100000\n").unwrap();
    let results = dir.path().join("results.csv");
    std::fs::write(&results, "employee_id,revenue\nJ2,90000\nJ1,120000\nJ9,5000\n").unwrap();
    let again = dir.path().join("results_again.csv");
    std::fs::write(&again, "employee_id,revenue\nJ1,1\n").unwrap();
    let mut harness = app(vec![Some(vec![roster]), Some(vec![results]), Some(vec![again])]);

    // A file that reads as it is still shows the step when imported with results.
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    wait(&mut harness, "the import step", |app| step(app).is_some());
    assert!(harness.query_by_label_contains("Checking the joins").is_none(), "nothing to check without joins");
    harness.get_by_label("Add metrics files…").click_accesskit();
    wait(&mut harness, "the check of the join", checked);
    shows(&mut harness, "3 people would be imported.");
    harness.get_by_label_contains(
        "results.csv: 1 person(s) of the roster are not in this file, so they have no revenue: J3 (Cy Joiner)",
    );
    harness
        .get_by_label_contains("results.csv: 1 employee_id match no one in the roster; their rows were not used: J9");

    // A second file giving J1's revenue again: an error, shown before anything is imported.
    harness.get_by_label("Add metrics files…").click_accesskit();
    wait(&mut harness, "the check of both files", |app| checked(app) && step(app).unwrap().joins.metrics.len() == 2);
    shows(&mut harness, "1 bad cell(s): nothing would be imported until they are fixed");
    harness.get_by_label_contains("metric `revenue` is defined twice for J1: also in ");
    harness.get_by_label_contains("results.csv:3; keep it in one file");

    harness.get_by_label("Remove results_again.csv").click_accesskit();
    wait(&mut harness, "the check without it", |app| checked(app) && step(app).unwrap().joins.metrics.len() == 1);
    shows(&mut harness, "3 people would be imported.");
    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 3 && idle(app));
    let people = &harness.state().rt.rosters.sources[2].roster;
    let revenue = people.metric_index("revenue").unwrap();
    let values: Vec<Option<String>> =
        people.employees.iter().map(|e| e.metric(revenue).map(|v| v.to_string())).collect();
    assert_eq!(values, [Some("120000".to_owned()), Some("90000".to_owned()), None]);
    // The join is remembered with the recipe for files of this shape.
    let remembered =
        harness.state().state.recipe_for(&["employee_id".into(), "name".into(), "role".into(), "quota".into()]);
    assert_eq!(remembered.map(|r| r.joins.metrics.len()), Some(1));
}

#[test]
fn job_titles_are_mapped_to_roles_in_the_import_step_and_the_joins_are_read_again_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("titles.csv");
    std::fs::write(
        &roster,
        "employee_id,name,role,quota\nT1,Ann Title,Account Executive,100000\nT2,Bo Title,Solutions Consultant,0\n\
         T3,Cy Title,Office Manager,0\n",
    )
    .unwrap();
    let results = dir.path().join("title_results.csv");
    std::fs::write(&results, "employee_id,revenue\nT1,90000\n").unwrap();
    let mut harness = app(vec![Some(vec![roster]), Some(vec![results])]);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    wait(&mut harness, "the import step", |app| step(app).is_some());
    // The role column is read as written until titles are mapped.
    harness.get_by_label("Roles: as the file writes them").click_accesskit();
    harness.run_steps(4);
    // The titles of the preview are offered; one click adds a title to the map.
    harness.get_by_role_and_label(Role::Button, "Account Executive").click_accesskit();
    harness.run_steps(2);
    type_into(&mut harness, "Role for value 1", "sales");
    type_into(&mut harness, "Anything else", "consultant");
    assert!(harness.query_by_role_and_label(Role::Button, "Account Executive").is_none(), "no longer offered");
    harness.get_by_label("Add metrics files…").click_accesskit();
    wait(&mut harness, "the check", checked);
    shows(&mut harness, "3 people would be imported.");
    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 3 && idle(app));
    let people = &harness.state().rt.rosters.sources[2].roster;
    let roles: Vec<&str> = people.employees.iter().map(|e| &*e.role).collect();
    assert_eq!(roles, ["sales", "consultant", "consultant"]);

    // The workspace saved for the next start keeps the joins: the roster is read with them again.
    let state = harness.state_mut().persisted();
    assert_eq!(state.rosters[2].joins.metrics.len(), 1);
    let mut restarted = start(common::DESKTOP, carrot::ui::Startup::RestoreFrom(Box::new(state)), Vec::new());
    wait(&mut restarted, "the restored rosters", |app| app.rt.rosters.sources.len() == 3);
    let people = &restarted.state().rt.rosters.sources[2].roster;
    let revenue = people.metric_index("revenue").unwrap();
    assert_eq!(people.employees[0].metric(revenue), Some(90000.into()));
    assert_eq!(people.employees[1].role.as_ref(), "consultant");
}

#[test]
fn a_remembered_deal_list_with_no_plan_open_says_it_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("owners.csv");
    std::fs::write(&roster, "employee_id,name,role\nD1,Dee Owner,sales\n").unwrap();
    let period = carrot::roster::deals::Period {
        start: chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        end: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
    };
    let mut state = carrot::ui::state::PersistedState::default();
    state.rosters = carrot::ui::state::RosterRef::samples();
    state.remember_recipe(carrot::ui::state::RememberedMapping {
        headers: vec!["employee_id".into(), "name".into(), "role".into()],
        mapping: Default::default(),
        sheet: None,
        header_row: None,
        date_format: None,
        decimal: carrot::roster::DecimalSeparator::Auto,
        joins: carrot::roster::joins::JoinFiles {
            deals: Some(carrot::roster::joins::DealFiles {
                file: asset("crm_deals.csv"),
                mapping: asset("crm_deals_mapping.json"),
                period,
            }),
            ..Default::default()
        },
    });
    let chooser = carrot::ui::FileChooser::Scripted(vec![Some(vec![roster])].into());
    let mut harness =
        egui_kittest::Harness::builder().with_size(common::DESKTOP).with_max_steps(100_000).build_eframe(move |cc| {
            carrot::ui::CarrotApp::new(cc, carrot::ui::Startup::RestoreFrom(Box::new(state)), chooser)
        });
    wait(&mut harness, "the workspace", |app| app.rt.opened && app.rt.docs.is_empty() && idle(app));
    // The remembered deal list is offered, so the step shows although the file reads as it is.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the import step", |app| step(app).is_some_and(|d| d.deals.is_some()));
    harness.get_by_label_contains("No plan is open, so the deal list is not read");
    assert!(step(harness.state()).unwrap().joins_for_import().deals.is_none());
}

/// A roster `name` with the dates `starts` in its start_date column, one person each (ids `D0`,
/// `D1`, … or, with another name, `E0`, …).
fn dated_roster(dir: &Path, name: &str, starts: &[&str]) -> std::path::PathBuf {
    let mut csv = "employee_id,name,role,team,quota,target_incentive,revenue,start_date\n".to_owned();
    let prefix = if name == "hris_dates.csv" { 'D' } else { 'E' };
    for (i, start) in starts.iter().enumerate() {
        csv.push_str(&format!("{prefix}{i},Person {prefix}{i},sales,SMB,100000,10000,90000,{start}\n"));
    }
    let path = dir.join(name);
    std::fs::write(&path, csv).unwrap();
    path
}

/// The start dates of the people whose ids start with `prefix`, by id.
fn starts(app: &carrot::ui::CarrotApp, prefix: char) -> Vec<(String, Option<chrono::NaiveDate>)> {
    let roster = &app.rt.rosters.merged;
    roster.employees.iter().filter(|e| e.id.starts_with(prefix)).map(|e| (e.id.to_string(), e.start_date)).collect()
}

fn day(y: i32, m: u32, d: u32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn day_first_dates_are_shown_as_read_in_the_import_step_and_imported_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dated_roster(dir.path(), "hris_dates.csv", &["31.12.2025", "01.02.2024", ""]);
    let mut harness = app(vec![Some(vec![file])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    // Every column matches, but dates that are not YYYY-MM-DD are confirmed in the step.
    wait(&mut harness, "the mapping step", |app| step(app).is_some());
    assert_eq!(step(harness.state()).unwrap().date_format.as_deref(), Some("%d.%m.%Y"));
    let dates = harness.get_by_role_and_label(Role::ComboBox, "Dates").accesskit_node().value();
    assert_eq!(dates.as_deref(), Some("DD.MM.YYYY (like 31.01.2026)"));
    harness.get_by_label("as the first rows write them");
    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 3 && idle(app));
    assert_eq!(
        starts(harness.state(), 'D'),
        [("D0".to_owned(), day(2025, 12, 31)), ("D1".to_owned(), day(2024, 2, 1)), ("D2".to_owned(), None)]
    );
}

#[test]
fn dates_either_way_round_wait_for_the_user_to_say_which() {
    let dir = tempfile::tempdir().unwrap();
    let file = dated_roster(dir.path(), "hris_dates.csv", &["03/04/2026", "2026-01-15", "12/01/2025"]);
    let next = dated_roster(dir.path(), "hris_dates_next.csv", &["05/06/2026"]);
    let mut harness = app(vec![Some(vec![file]), Some(vec![next])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| step(app).is_some());
    assert_eq!(step(harness.state()).unwrap().date_format, None, "nothing is guessed");
    harness.get_by_label_contains("could be DD/MM/YYYY or MM/DD/YYYY: choose how this file writes them");
    assert!(harness.get_by_label("Import").accesskit_node().is_disabled(), "no import until the user says");
    choose(&mut harness, "Dates", "MM/DD/YYYY (like 01/31/2026)");
    assert!(harness.query_by_label_contains("choose how this file writes them").is_none());
    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 3 && idle(app));
    assert_eq!(
        starts(harness.state(), 'D'),
        [("D0".to_owned(), day(2026, 3, 4)), ("D1".to_owned(), day(2026, 1, 15)), ("D2".to_owned(), day(2025, 12, 1))]
    );
    // The format is kept with the roster, so the app reads the file the same way next time.
    let kept = harness.state().rt.rosters.sources.iter().find_map(|s| s.reference.date_format.clone());
    assert_eq!(kept.as_deref(), Some("%m/%d/%Y"));
    // And remembered with the mapping: the next file of that shape is read month first at once.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the second import", |app| app.rt.rosters.sources.len() == 4 && idle(app));
    assert!(step(harness.state()).is_none(), "no step for a shape whose dates were settled");
    assert_eq!(starts(harness.state(), 'E'), [("E0".to_owned(), day(2026, 5, 6))]);
}

#[test]
fn decimal_commas_in_a_comma_delimited_file_are_shown_in_the_import_step_and_read_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("commas.csv");
    std::fs::write(
        &file,
        "employee_id,name,role,team,quota,target_incentive,revenue\n\
         K1,Kim Ode,sales,SMB,\"100000,00\",\"10000,00\",\"1234,5\"\n\
         K2,Lou Fey,sales,SMB,100000,10000,\"1.234,56\"\n",
    )
    .unwrap();
    let mut harness = app(vec![Some(vec![file])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| step(app).is_some());
    let shown = harness.get_by_role_and_label(Role::ComboBox, "Decimal separator").accesskit_node().value();
    assert_eq!(shown.as_deref(), Some("comma: 1.234,50"));
    harness.get_by_label("as the first rows write them");
    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 3 && idle(app));
    let roster = &harness.state().rt.rosters.merged;
    let revenue = roster.metric_index("revenue").unwrap();
    let read: Vec<_> = roster.employees.iter().filter(|e| e.id.starts_with('K')).map(|e| e.metric(revenue)).collect();
    assert_eq!(read, [Some("1234.5".parse().unwrap()), Some("1234.56".parse().unwrap())]);
}

#[test]
fn a_date_in_another_format_past_the_first_rows_leads_back_to_the_import_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut dates = vec!["2024-01-15"; 9];
    dates.push("31/12/2025");
    let file = dated_roster(dir.path(), "hris_dates.csv", &dates);
    let mut harness = app(vec![Some(vec![file])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    // The first rows are ISO: the file is imported at once, and the tenth row is refused.
    wait(&mut harness, "the bad-rows dialog", |app| matches!(app.rt.modal, Some(Modal::BadRows(_))));
    harness.get_by_label_contains("or set the date format to %d/%m/%Y, which reads it");
    harness.get_by_label("Choose how dates are written…").click_accesskit();
    wait(&mut harness, "the import step", |app| step(app).is_some());
    assert_eq!(step(harness.state()).unwrap().date_format, None, "the first rows are ISO");
    choose(&mut harness, "Dates", "DD/MM/YYYY (like 31/01/2026)");
    harness.get_by_label("Import").click_accesskit();
    wait(&mut harness, "the import", |app| app.rt.rosters.sources.len() == 3 && idle(app));
    let read = starts(harness.state(), 'D');
    assert_eq!(read.len(), 10);
    assert_eq!(read.last().cloned(), Some(("D9".to_owned(), day(2025, 12, 31))));
}

#[test]
fn an_excel_day_number_is_a_bad_row_with_no_date_format_to_choose() {
    let dir = tempfile::tempdir().unwrap();
    let file = dated_roster(dir.path(), "hris_dates.csv", &["2024-01-15", "45292"]);
    let mut harness = app(vec![Some(vec![file])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the bad-rows dialog", |app| matches!(app.rt.modal, Some(Modal::BadRows(_))));
    harness.get_by_label_contains("this looks like an Excel day number");
    assert!(harness.query_by_label("Choose how dates are written…").is_none(), "no format reads 45292");
}

/// A Workday-style export: the start dates under their own header, day first, the first row
/// either way round (`03/04/2023`) and the next only day first (`15/02/2027`).
fn hire_dates(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("workday_hires.csv");
    std::fs::write(
        &path,
        "employee_id,name,role,team,quota,target_incentive,revenue,Hire Date\n\
         H1,Ada Okafor,sales,SMB,100000,10000,90000,03/04/2023\n\
         H2,Rohan Patel,sales,SMB,100000,10000,90000,15/02/2027\n",
    )
    .unwrap();
    path
}

fn imported_hire_dates(harness: &mut egui_kittest::Harness<'static, carrot::ui::CarrotApp>) {
    assert_eq!(step(harness.state()).unwrap().date_format.as_deref(), Some("%d/%m/%Y"));
    let dates = harness.get_by_role_and_label(Role::ComboBox, "Dates").accesskit_node().value();
    assert_eq!(dates.as_deref(), Some("DD/MM/YYYY (like 31/01/2026)"));
    harness.get_by_label("as the first rows write them");
    assert!(harness.query_by_label_contains("is not a date").is_none());
    harness.get_by_label("Import").click_accesskit();
    wait(harness, "the import", |app| app.rt.rosters.sources.len() == 3 && idle(app));
    assert_eq!(starts(harness.state(), 'H'), [("H1".to_owned(), day(2023, 4, 3)), ("H2".to_owned(), day(2027, 2, 15))]);
}

#[test]
fn dates_under_a_header_mapped_to_start_date_are_read_as_their_rows_write_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(vec![Some(vec![hire_dates(dir.path())])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| step(app).is_some());
    // `Hire Date` looks like the start date, so it is chosen for it and its dates are judged.
    assert_eq!(step(harness.state()).unwrap().date_format.as_deref(), Some("%d/%m/%Y"));
    // Kept as `hire_date`, the column is a metric: no dates to read.
    choose(&mut harness, "Column for Hire Date", "(keep as hire_date)");
    assert_eq!(step(harness.state()).unwrap().date_format, None);
    choose(&mut harness, "Column for Hire Date", "start_date");
    // Mapped, its dates are judged: only day first reads them all, so that is the format.
    imported_hire_dates(&mut harness);
}

#[test]
fn dates_under_a_header_a_recipe_maps_to_start_date_are_read_as_their_rows_write_them() {
    let dir = tempfile::tempdir().unwrap();
    let recipe = dir.path().join("workday_recipe.json");
    std::fs::write(&recipe, r#"{"columns": {"Hire Date": "start_date"}}"#).unwrap();
    let mut harness = app(vec![Some(vec![hire_dates(dir.path())]), Some(vec![recipe])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| step(app).is_some());
    harness.get_by_label("Load recipe…").click_accesskit();
    wait(&mut harness, "the recipe", |app| {
        step(app).is_some_and(|d| d.choices.iter().any(|c| c.as_deref() == Some("start_date")))
    });
    imported_hire_dates(&mut harness);
}

#[test]
fn a_date_format_the_user_chose_stays_when_the_mapping_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut harness = app(vec![Some(vec![hire_dates(dir.path())])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| step(app).is_some());
    choose(&mut harness, "Column for Hire Date", "start_date");
    choose(&mut harness, "Dates", "YYYY-MM-DD only");
    // Another column mapped: the dates are judged again, but what the user said is kept.
    choose(&mut harness, "Column for team", "manager");
    assert_eq!(step(harness.state()).unwrap().date_format, None, "what the user said is kept");
    harness.get_by_label_contains("is not written YYYY-MM-DD: choose DD/MM/YYYY under Dates");
}

/// A spreadsheet (OpenDocument, which has no limit on sheet names) with a sheet named `long`
/// holding two people under a header that needs matching, then a notes sheet.
fn long_sheet_name_ods(path: &Path, long: &str) {
    use std::io::Write as _;
    let row = |cells: &[&str]| {
        let cells: String = cells
            .iter()
            .map(|c| format!(r#"<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>"#))
            .collect();
        format!("<table:table-row>{cells}</table:table-row>")
    };
    let people = [
        row(&["Worker ID", "Name", "Role", "Quota", "Revenue"]),
        row(&["L1", "Lou One", "sales", "100000", "90000"]),
        row(&["L2", "Lou Two", "sales", "100000", "95000"]),
    ]
    .concat();
    let notes = row(&["Read me"]);
    let content = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="{long}">{people}</table:table><table:table table:name="Notes">{notes}</table:table></office:spreadsheet></office:body></office:document-content>"#
    );
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap();
}

#[test]
fn a_long_sheet_name_fits_the_import_step_and_is_shown_whole_in_its_list() {
    let long = "Sales and consultants roster for Q3 2026, final figures after the review by finance and the \
                regional leads, with the late deals of September added";
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("roster.ods");
    long_sheet_name_ods(&file, long);
    let mut harness = app(vec![Some(vec![file])]);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::I);
    wait(&mut harness, "the mapping step", |app| matches!(app.rt.modal, Some(Modal::Mapping(_))));
    harness.get_by_label("Lou One");
    // The sheet chooser keeps to the dialog, and the header row's controls keep their room (a
    // long name squeezed them into a column of letters).
    let sheet = harness.get_by_role_and_label(Role::ComboBox, "Sheet").rect();
    let heading = harness.get_by_label("Match the columns of roster.ods").rect();
    let headers = harness.get_by_label("Headers on line 1").rect();
    assert!(headers.height() < 2.0 * sheet.height(), "one line: {headers:?}");
    assert!(headers.left() > heading.left() && headers.right() < heading.left() + 900.0, "{headers:?}");
    assert!(sheet.right() <= heading.left() + 900.0, "the chooser fits the dialog: {sheet:?}");
    // The whole name: what the chooser says to assistive technology, and its list.
    let node = harness.get_by_role_and_label(Role::ComboBox, "Sheet");
    assert_eq!(node.accesskit_node().value().as_deref(), Some(long));
    click_role(&mut harness, Role::ComboBox, "Sheet");
    assert!(harness.query_all_by_label(long).count() >= 1, "the list names the sheet whole");
}

#[test]
fn a_deal_list_added_takes_revenue_from_the_column_pre_selected_as_it() {
    // A CRM export whose won amounts the step pre-selects as revenue, then the deal list that
    // gives revenue: the column is read under its own name, not twice (every row refused).
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("crm_export.csv");
    std::fs::write(
        &roster,
        "employee_id,name,role,quota,target_incentive,Closed Won Amount\nC1,Ann Lee,sales,100000,10000,120000\n\
         C2,Bo Ek,sales,100000,10000,80000\n",
    )
    .unwrap();
    let deals = dir.path().join("deals.csv");
    std::fs::write(
        &deals,
        "Owner,Amount,Close Date,Stage\nC1,70000,2026-08-03,Closed Won\nC1,50000,2026-09-10,Closed Won\n\
         C2,80000,2026-07-21,Closed Won\nC2,9000,2026-07-22,Closed Lost\n",
    )
    .unwrap();
    let mapping = dir.path().join("deals_mapping.json");
    std::fs::write(
        &mapping,
        r#"{"owner": "Owner", "match": "employee_id", "amount": "Amount", "date": "Close Date",
            "filters": {"Stage": ["Closed Won"]}}"#,
    )
    .unwrap();
    let mut harness = app(vec![Some(vec![roster]), Some(vec![deals]), Some(vec![mapping])]);
    totals(&mut harness);
    harness.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::I);
    wait(&mut harness, "the import step", |app| step(app).is_some());
    assert_eq!(step(harness.state()).unwrap().choices[5].as_deref(), Some("revenue"));
    harness.get_by_label("Add deal list…").click_accesskit();
    wait(&mut harness, "the deal list and its mapping", |app| step(app).is_some_and(|d| d.deals.is_some()));
    let d = step(harness.state()).unwrap();
    assert_eq!(d.choices[5], None, "{:?}", d.choices);
    assert!(d.deals_clash().is_empty());
    wait(&mut harness, "the check of the joins", checked);
    shows(&mut harness, "2 people would be imported.");
    harness.get_by_label_contains("so “Closed Won Amount” (revenue) is read under its own name");
    // Nor is revenue among the metrics the file is said to lack.
    harness.get_by_label_contains("early_access_signups, roadmap_insights");

    // Without the deal list, the column gives revenue again.
    harness.get_by_label("Remove deals.csv").click_accesskit();
    wait(&mut harness, "the deal list removed", |app| step(app).is_some_and(|d| d.deals.is_none()));
    assert_eq!(step(harness.state()).unwrap().choices[5].as_deref(), Some("revenue"));
}

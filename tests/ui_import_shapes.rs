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
    harness.get_by_label_contains("Still needed: employee_id");
    choose(&mut harness, "Column for Worker ID", "employee_id");
    assert!(harness.query_by_label_contains("Still needed").is_none());

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

//! Helpers shared by the UI tests (`tests/ui_*.rs`): the real app driven headless with
//! egui_kittest, on the bundled samples, with file dialogs answered by script.
#![allow(dead_code, reason = "each test file uses some of the helpers")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use carrot::engine::{self, Detail};
use carrot::money;
use carrot::plan::{self, Component};
use carrot::roster::{self, ImportOptions};
use carrot::samples;
use carrot::ui::{CarrotApp, FileChooser, Startup};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;

/// The window size the issue was seen at, and the smallest one every screen must fit.
pub const LAPTOP: egui::Vec2 = egui::vec2(1280.0, 800.0);
/// The size most tests run at.
pub const DESKTOP: egui::Vec2 = egui::vec2(1440.0, 900.0);

/// A file under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The app at `size`, started as `startup`, with file dialogs answering `answers` in order.
pub fn start(size: egui::Vec2, startup: Startup, answers: Vec<Option<Vec<PathBuf>>>) -> Harness<'static, CarrotApp> {
    let chooser = FileChooser::Scripted(answers.into());
    let mut harness = Harness::builder()
        .with_size(size)
        .with_max_steps(100_000)
        .build_eframe(move |cc| CarrotApp::new(cc, startup, chooser));
    wait(&mut harness, "the workspace to open and compute", |app| {
        app.rt.opened && !app.rt.docs.is_empty() && app.rt.docs.iter().all(|d| d.result.is_some())
    });
    harness
}

/// The app on the bundled samples at the usual size.
pub fn app(answers: Vec<Option<Vec<PathBuf>>>) -> Harness<'static, CarrotApp> {
    start(DESKTOP, Startup::Samples, answers)
}

/// Leaves the app with one roster: the samples' two are removed (each asks first, and the
/// question's own Remove is the button that was not there before it was asked), then the next
/// file the dialogs answer is imported (a file whose columns all match: no mapping step).
pub fn only_the_next_roster(harness: &mut Harness<'static, CarrotApp>) {
    for _ in 0..2 {
        remove_first_roster(harness);
    }
    harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::I);
    wait(harness, "the import", |app| app.rt.rosters.sources.len() == 1 && idle(app) && fresh(app));
}

/// Removes the first roster listed, as a user does: its Remove, then the question's own Remove
/// (the button that was not there before it was asked).
pub fn remove_first_roster(harness: &mut Harness<'static, CarrotApp>) {
    let left = harness.state().rt.rosters.sources.len() - 1;
    let before: Vec<egui::Rect> = harness.get_all_by_label("Remove").map(|n| n.rect()).collect();
    harness.get_all_by_label("Remove").find(|n| n.rect().left() < 250.0).unwrap().click();
    harness.run_steps(4);
    harness.get_all_by_label("Remove").find(|n| !before.contains(&n.rect())).unwrap().click();
    wait(harness, "the roster removed", |app| app.rt.rosters.sources.len() == left);
}

/// The app on the samples with its recovery folder in `dir`.
pub fn app_with_recovery(dir: &Path, answers: Vec<Option<Vec<PathBuf>>>) -> Harness<'static, CarrotApp> {
    let chooser = FileChooser::Scripted(answers.into());
    let dir = dir.to_path_buf();
    let mut harness = Harness::builder().with_size(DESKTOP).build_eframe(move |cc| {
        let mut app = CarrotApp::new(cc, Startup::Samples, chooser);
        app.rt.recovery_dir = Some(dir);
        app
    });
    wait(&mut harness, "the samples", |app| app.rt.opened && app.rt.docs.iter().all(|d| d.result.is_some()));
    harness
}

/// Steps the app until `done` holds (background jobs finish on their own threads).
pub fn wait(harness: &mut Harness<'static, CarrotApp>, what: &str, done: impl Fn(&CarrotApp) -> bool) {
    // Generous: a debug build on a loaded 2-core machine runs these tests side by side.
    let deadline = Instant::now() + Duration::from_secs(300);
    // A click or key press just given is only queued: take it in first, or a condition that
    // already held before it (the workspace idle, the plan fresh) ends the wait at once and
    // the test then races the work the click starts.
    harness.step();
    while !done(harness.state()) {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
    // Let the UI draw the new state.
    harness.run_steps(3);
}

/// Whether the plan on screen has results for its current revision.
pub fn fresh(app: &CarrotApp) -> bool {
    let roster = app.rt.rosters.revision;
    app.selected_doc().is_some_and(|d| !d.is_stale(roster))
}

/// Whether no background job is running.
pub fn idle(app: &CarrotApp) -> bool {
    app.rt.jobs.is_empty()
}

/// The bundled rosters, merged.
pub fn sample_roster() -> roster::Roster {
    let parts = samples::ROSTERS
        .iter()
        .map(|s| roster::import_reader(s.file_name, s.text.as_bytes(), &ImportOptions::default()).unwrap().roster)
        .collect();
    roster::merge::merge(parts).unwrap()
}

/// The total the summary strip shows for `plan` on the samples.
pub fn total_text(plan: &plan::Plan) -> String {
    let report = engine::compute(plan, &sample_roster(), Detail::AmountsOnly).unwrap();
    format!("{} {}", money::grouped(report.totals.total, report.minor_units), report.currency)
}

/// A bundled sample plan.
pub fn sample(key: &str) -> plan::Plan {
    plan::parse(samples::plan(key).unwrap().text).unwrap()
}

/// The sales-led sample (selected when the samples open).
pub fn sales_led() -> plan::Plan {
    sample("sales_led")
}

/// The selected plan's first commission tier rate.
pub fn first_rate(app: &CarrotApp) -> rust_decimal::Decimal {
    let doc = app.selected_doc().unwrap();
    match &doc.plan.tracks["sales"].components[0] {
        Component::Commission(c) => c.tiers[0].rate,
        other => panic!("expected a commission, found {other:?}"),
    }
}

/// Scrolls the widget with this role and label into view and clicks it, as a user does.
pub fn click_role(harness: &mut Harness<'static, CarrotApp>, role: Role, label: &str) {
    appear(harness, label, |h| h.query_by_role_and_label(role, label).is_some());
    harness.get_by_role_and_label(role, label).scroll_to_me();
    harness.run_steps(3);
    harness.get_by_role_and_label(role, label).click();
    // A popup or modal takes a frame to size itself before it shows.
    harness.run_steps(4);
}

/// Scrolls the only widget labelled `label` into view and clicks it.
pub fn click(harness: &mut Harness<'static, CarrotApp>, label: &str) {
    appear(harness, label, |h| h.query_by_label(label).is_some());
    harness.get_by_label(label).scroll_to_me();
    harness.run_steps(3);
    harness.get_by_label(label).click();
    harness.run_steps(4);
}

/// Runs frames until `shown` holds: a popup, or a widget that shows once a background job ends,
/// can take a few more frames on a loaded machine.
pub fn appear(
    harness: &mut Harness<'static, CarrotApp>,
    what: &str,
    shown: impl Fn(&Harness<'static, CarrotApp>) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !shown(harness) {
        assert!(Instant::now() < deadline, "timed out waiting for {what:?} to show");
        harness.step();
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Types `text` into the text field labelled `label` as a user does: click, select all, type.
pub fn type_into(harness: &mut Harness<'static, CarrotApp>, label: &str, text: &str) {
    click_role(harness, Role::TextInput, label);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run_steps(1);
    harness.get_by_role_and_label(Role::TextInput, label).type_text(text);
    harness.run_steps(2);
}

/// Sets the text of the text field labelled `label` in one go (as assistive technology does).
pub fn set_text(harness: &mut Harness<'static, CarrotApp>, label: &str, text: &str) {
    harness.get_by_role_and_label(Role::TextInput, label).set_text_value_accesskit(text);
    harness.run_steps(2);
}

/// Picks `option` in the combo box labelled `combo`.
pub fn choose(harness: &mut Harness<'static, CarrotApp>, combo: &str, option: &str) {
    click_role(harness, Role::ComboBox, combo);
    click(harness, option);
}

/// The files in a folder.
pub fn files_in(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir).map(|e| e.filter_map(Result::ok).map(|e| e.path()).collect()).unwrap_or_default()
}

/// Gives the recovery files written by this (running) process the name of a process that no
/// longer runs, as after a real crash.
pub fn as_if_crashed(recovery: &Path) {
    for f in files_in(recovery) {
        let name =
            f.file_name().unwrap().to_string_lossy().replace(&format!("plan-{}-", std::process::id()), "plan-4294967-");
        std::fs::rename(&f, recovery.join(name)).unwrap();
    }
}

/// How many rows of the payouts table are on screen: the employee ids shown.
pub fn rows_shown(harness: &Harness<'static, CarrotApp>) -> usize {
    let app = harness.state();
    let ids: Vec<String> = app.rt.rosters.merged.employees.iter().map(|e| e.id.to_string()).collect();
    ids.iter().filter(|id| harness.query_by_label(id).is_some()).count()
}

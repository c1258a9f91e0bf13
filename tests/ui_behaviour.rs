//! The Behaviour view, driven headless (egui_kittest): on the samples it simulates the other
//! plans against the sales-led baseline and shows the same numbers as the core; moving a
//! responsiveness slider runs the simulation again off the UI thread; "Keep these in the plans"
//! writes the values into the plan (unsaved, so the user decides).
#![cfg(feature = "gui")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

mod common;

use carrot::sim::{self, SimOptions};
use carrot::ui::{CarrotApp, Startup};
use common::*;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};

/// The app on the samples, on a big screen.
fn app() -> Harness<'static, CarrotApp> {
    start(egui::vec2(1600.0, 1000.0), Startup::Samples, Vec::new())
}

fn simulated(app: &CarrotApp) -> bool {
    app.rt.behaviour.result.is_some() && !app.rt.behaviour.is_running()
}

/// The app on the samples, on the Behaviour tab, its first simulation shown.
fn simulated_on_samples() -> Harness<'static, CarrotApp> {
    let mut harness = app();
    harness.get_by_label("Behaviour").click();
    wait(&mut harness, "the simulation", simulated);
    harness
}

#[test]
fn the_behaviour_tab_simulates_the_plans_against_the_baseline_and_shows_the_core_numbers() {
    let harness = simulated_on_samples();
    let app = harness.state();
    let view = &app.rt.behaviour;
    let baseline = app.rt.docs.iter().find(|d| Some(d.id) == view.baseline).unwrap();
    assert_eq!(baseline.plan.name, "Sales-led (today)", "the sales-led sample is the baseline");
    let report = view.result.as_ref().unwrap().report.clone();
    assert_eq!(report.plans.len(), 2, "both other samples are simulated");
    // The same simulation run by the core directly gives the same report.
    let others: Vec<&carrot::plan::Plan> =
        view.plans.iter().map(|id| &app.rt.docs.iter().find(|d| d.id == *id).unwrap().plan).collect();
    let direct = sim::simulate(
        &baseline.plan,
        &app.rt.rosters.merged,
        &others,
        &SimOptions { trials: view.trials, movers: 10, ..SimOptions::default() },
    )
    .unwrap();
    assert_eq!(direct.plans[0].totals, report.plans[0].totals);
    // The charts and tables are on screen.
    harness.get_by_label("Hours per sales (48 people)");
    harness.get_by_label("Hours per consultant (24 people)");
    harness.get_by_label("Change in activity volumes vs today");
    harness.get_by_label("Revenue per quarter (P50, band P10–P90)");
    harness.get_by_label("Whose time changes most");
    let top = &report.people[report.plans[0].movers[0]].name;
    assert!(harness.query_all_by_label(top).count() >= 1, "the person who changes most ({top}) is listed");
}

#[test]
fn moving_a_responsiveness_slider_simulates_again_and_keep_writes_it_into_the_baseline_plan() {
    let mut harness = simulated_on_samples();
    let before = harness.state().rt.behaviour.result.as_ref().unwrap().report.clone();
    // No one responds: predicted hours stay at history under every plan.
    harness.state_mut().rt.behaviour.responsiveness.insert("sales".to_owned(), 0.0);
    harness.state_mut().rt.behaviour.responsiveness.insert("consultant".to_owned(), 0.0);
    harness.run_steps(2);
    wait(&mut harness, "the new simulation", |app| {
        simulated(app) && app.rt.behaviour.result.as_ref().is_some_and(|r| r.key.options.responsiveness.len() == 2)
    });
    let after = harness.state().rt.behaviour.result.as_ref().unwrap().report.clone();
    assert_ne!(before.plans[0].roles, after.plans[0].roles);
    for role in &after.plans[0].roles {
        for (h, h0) in role.hours.iter().zip(&role.baseline_hours) {
            assert!((h - h0).abs() < 1e-6, "{}: with ε = 0 nobody moves ({h} vs {h0})", role.role);
        }
    }
    harness.get_by_label("Keep these in the plans").click();
    harness.run_steps(3);
    let app = harness.state();
    let baseline = app.rt.docs.iter().find(|d| Some(d.id) == app.rt.behaviour.baseline).unwrap();
    assert_eq!(
        baseline.plan.assumptions.responsiveness.get("sales").map(|n| n.0),
        Some(rust_decimal::Decimal::ZERO),
        "ε is written into the baseline plan"
    );
    assert!(baseline.is_dirty(), "as an unsaved change");
    assert!(app.rt.behaviour.responsiveness.is_empty(), "the sliders now follow the plan");
    // The plan's own ε now gives the same result as the slider did.
    wait(&mut harness, "the simulation of the edited plan", simulated);
    let kept = harness.state().rt.behaviour.result.as_ref().unwrap().report.clone();
    assert_eq!(kept.plans[0].roles, after.plans[0].roles);
}

/// Issue 15 "Evidence": choosing the previous period's plan fits ε from the roster's history
/// (the bundled consultants carry `billable_hours_prev_1`) off the UI thread; the view shows the
/// fit, the simulation uses it, and the fit is the core's.
#[test]
fn choosing_the_previous_plan_fits_responsiveness_from_history_and_shows_it() {
    let mut harness = simulated_on_samples();
    harness.get_by_role_and_label(egui::accesskit::Role::ComboBox, "Fit ε from history: before, paid on");
    let previous = {
        let app = harness.state();
        let view = &app.rt.behaviour;
        app.rt.docs.iter().find(|d| Some(d.id) != view.baseline).unwrap().id
    };
    harness.state_mut().rt.behaviour.fit_previous = Some(previous);
    harness.run_steps(2);
    wait(&mut harness, "the fit", |app| {
        simulated(app) && app.rt.behaviour.result.as_ref().is_some_and(|r| r.fit.is_some())
    });
    let app = harness.state();
    let view = &app.rt.behaviour;
    let result = view.result.as_ref().unwrap();
    let fit = result.fit.clone().unwrap().unwrap();
    let doc = |id| &app.rt.docs.iter().find(|d| Some(d.id) == id).unwrap().plan;
    let direct = sim::fit::fit_history(doc(Some(previous)), doc(view.baseline), &app.rt.rosters.merged).unwrap();
    assert_eq!(*fit, direct, "the app's fit is the core's");
    let consultant = fit.roles.iter().find(|r| r.role == "consultant").expect("consultants have billable history");
    let used = result.report.roles.iter().find(|r| r.role == "consultant").unwrap().responsiveness;
    assert_eq!(used, consultant.epsilon, "the simulation uses the fitted ε");
    assert!(fit.unfitted.iter().any(|(role, _)| role == "sales"), "the sales roster has no hours history");
    harness.get_by_label_contains(&format!("consultant: ε {:.2} fitted on 24 people", consultant.epsilon));
    harness.get_by_label_contains("sales: not fitted, no hours of the previous period");
    // A fitted ε the plan validator would flag is flagged under the fit, as the CLI does.
    let mut responsive = fit.as_ref().clone();
    if let Some(r) = responsive.roles.iter_mut().find(|r| r.role == "consultant") {
        r.epsilon = 4.5;
    }
    let caution = responsive.cautions();
    assert_eq!(
        caution,
        [
            "consultant: fitted ε 4.50 is very responsive: small pay differences would move most hours (the default is 0.3)"
        ]
    );
    assert!(harness.query_by_label_contains("is very responsive").is_none());
    if let Some(result) = harness.state_mut().rt.behaviour.result.as_mut() {
        result.fit = Some(Ok(std::sync::Arc::new(responsive)));
    }
    harness.run_steps(2);
    harness.get_by_label_contains(&caution[0]);
}

/// Issue 15 "Risk": the behaviour view has a risk-aversion slider per role; a value runs the
/// simulation again with it, and "Keep these in the plans" writes it into the baseline plan.
#[test]
fn the_risk_aversion_slider_simulates_again_and_is_kept_in_the_baseline_plan() {
    let mut harness = simulated_on_samples();
    harness.get_by_label("Risk aversion γ per role");
    harness.get_by_role_and_label(egui::accesskit::Role::Slider, "sales γ");
    harness.state_mut().rt.behaviour.risk_aversion.insert("sales".to_owned(), 1.0);
    harness.run_steps(2);
    wait(&mut harness, "the new simulation", |app| {
        simulated(app) && app.rt.behaviour.result.as_ref().is_some_and(|r| !r.key.options.risk_aversion.is_empty())
    });
    let report = harness.state().rt.behaviour.result.as_ref().unwrap().report.clone();
    let sales = report.roles.iter().find(|r| r.role == "sales").unwrap();
    assert_eq!(sales.risk_aversion, 1.0, "the simulation used the slider's γ");
    harness.get_by_label("Keep these in the plans").click();
    harness.run_steps(3);
    let app = harness.state();
    let baseline = app.rt.docs.iter().find(|d| Some(d.id) == app.rt.behaviour.baseline).unwrap();
    assert_eq!(baseline.plan.assumptions.risk_aversion_for("sales"), 1.0);
}

/// The samples, the product-led plan edited to pay in Canadian dollars; the baseline (sales-led)
/// pays in euros.
fn app_with_product_led_in_cad() -> Harness<'static, CarrotApp> {
    let mut harness = app();
    click(&mut harness, "Product-led");
    type_into(&mut harness, "Currency", "CAD");
    wait(&mut harness, "the edit", |app| app.rt.docs[2].plan.currency == "CAD" && idle(app));
    harness
}

#[test]
fn a_plan_in_another_currency_is_not_ticked_and_ticking_it_says_why_without_spinning() {
    let mut harness = app_with_product_led_in_cad();
    harness.get_by_label("Behaviour").click();
    wait(&mut harness, "the simulation", simulated);
    let app = harness.state();
    let names: Vec<&str> = app
        .rt
        .behaviour
        .plans
        .iter()
        .map(|id| app.rt.docs.iter().find(|d| d.id == *id).unwrap().plan.name.as_str())
        .collect();
    assert_eq!(names, ["Transition"], "the plan in Canadian dollars is offered, not ticked");
    // Ticked (unticking Transition empties the list, which takes Transition back by default),
    // it cannot be simulated against the baseline: the view says why, and nothing spins for ever.
    click_role(&mut harness, egui::accesskit::Role::CheckBox, "Transition");
    click_role(&mut harness, egui::accesskit::Role::CheckBox, "Product-led");
    wait(&mut harness, "the simulation", |app| !app.rt.behaviour.is_running());
    harness.run_steps(60);
    harness.get_by_label_contains(
        "The simulation could not run: plan `Product-led` pays in CAD but the baseline pays in EUR",
    );
    assert!(harness.query_by_label("Simulating…").is_none());
}

#[test]
fn a_first_simulation_that_cannot_run_says_why_and_stops_spinning() {
    let mut harness = app_with_product_led_in_cad();
    // As a workspace restores it: the plan in Canadian dollars is the one tried.
    let (sales_led, product_led) = (harness.state().rt.docs[0].id, harness.state().rt.docs[2].id);
    harness.state_mut().rt.behaviour.baseline = Some(sales_led);
    harness.state_mut().rt.behaviour.plans = vec![product_led];
    harness.get_by_label("Behaviour").click();
    wait(&mut harness, "the simulation to fail", |app| app.rt.behaviour.failed().is_some());
    harness.run_steps(120);
    assert!(!harness.state().rt.behaviour.is_running());
    harness.get_by_label_contains("The simulation could not run: plan `Product-led` pays in CAD");
    assert!(harness.query_by_label("Simulating…").is_none(), "nothing is simulating");
}

#[test]
fn a_roster_with_no_activity_output_says_so_in_place_of_an_empty_volumes_chart() {
    let file = fixture("roster/consultants_hours_only.csv");
    let mut harness = start(egui::vec2(1600.0, 1000.0), Startup::Samples, vec![Some(vec![file])]);
    wait(&mut harness, "the payouts", fresh);
    only_the_next_roster(&mut harness);
    harness.get_by_label("Duplicate plan").click();
    wait(&mut harness, "the copy", |app| app.rt.docs.len() == 4 && idle(app));
    harness.get_by_label("Behaviour").click();
    wait(&mut harness, "the simulation", simulated);
    harness.run_steps(10);
    let report = &harness.state().rt.behaviour.result.as_ref().unwrap().report;
    assert!(report.plans.iter().all(|p| p.totals.volumes.is_empty()), "no output column");
    harness.get_by_label_contains("None to show: the roster has no column for any activity's output");
}

/// The Behaviour tab opened on the samples, with the view asking before simulating more than
/// `people` (the real limit is 200,000).
fn behaviour_asking_above(people: usize) -> Harness<'static, CarrotApp> {
    let mut harness = app();
    harness.state_mut().rt.behaviour.ask_above = people;
    harness.get_by_label("Behaviour").click();
    harness.run_steps(10);
    harness
}

#[test]
fn a_large_roster_is_simulated_only_once_the_user_agrees() {
    // Opening the tab on 1,000,000 people started a simulation of 98 s and 10 GB. Above the
    // limit (lowered here to 50 people) the view says what it would take and waits.
    let mut harness = behaviour_asking_above(50);
    assert!(harness.state().rt.behaviour.requested.is_none(), "nothing is simulated before the user agrees");
    assert!(!harness.state().rt.behaviour.is_running());
    harness.get_by_label_contains("Simulating everyone takes minutes");
    harness.get_by_label("Simulate all 72 people").click();
    wait(&mut harness, "the simulation", simulated);
    harness.get_by_label("Hours per sales (48 people)");
    assert!(harness.query_by_label("Simulate all 72 people").is_none(), "no longer asked");
}

#[test]
fn the_question_about_a_large_roster_goes_once_the_roster_is_removed() {
    let mut harness = behaviour_asking_above(10);
    harness.get_by_label("Simulate all 72 people");
    // Both rosters removed (each asks first): nobody to simulate, and nothing asked.
    remove_first_roster(&mut harness);
    harness.get_by_label("Simulate all 24 people");
    remove_first_roster(&mut harness);
    assert!(harness.state().rt.behaviour.waiting_for.is_none());
    assert!(harness.query_by_label_contains("Simulate all").is_none());
}

#[test]
fn with_no_roster_the_view_says_so_instead_of_simulating_forever() {
    // Removing the rosters left "Simulating…" and its indicator on screen for good: nothing was
    // asked for, so nothing ever came back.
    let mut harness = simulated_on_samples();
    remove_first_roster(&mut harness);
    remove_first_roster(&mut harness);
    harness.run_steps(120);
    harness.get_by_label("No roster: import one (Rosters, on the left) to see how people would respond.");
    assert!(harness.query_by_label("Simulating…").is_none(), "nothing is simulating");
    assert!(harness.query_by_label_contains("Hours per sales").is_none(), "no figures of a roster now gone");
    assert!(!harness.state().rt.behaviour.is_running());
}

#[test]
fn a_baseline_with_problems_is_named_and_its_old_figures_go() {
    let mut harness = simulated_on_samples();
    harness.get_by_label("Hours per sales (48 people)");
    // The plan paid today gets a problem (a currency that is no currency).
    harness.state_mut().rt.docs[0].plan.currency = "EURO".to_owned();
    harness.run_steps(60);
    assert!(harness.state().rt.docs[0].has_errors());
    harness.get_by_label("Fix the problems in Sales-led (today) first; it is left out until then.");
    assert!(harness.query_by_label("Simulating…").is_none(), "nothing is simulating");
    assert!(harness.query_by_label_contains("Hours per sales").is_none(), "no figures of the plan as it was");
}

/// A plan's dial outside a slider's track (ε 2.5 where the track ends at 2, a conversion worth
/// 30,000 a quarter where it ends at 20,000, a lag of 10 quarters) is shown and simulated as
/// the plan says: showing the slider never moves it.
#[test]
fn a_plan_value_beyond_a_sliders_track_is_simulated_as_the_plan_says() {
    let mut harness = app();
    {
        // People's dials are the baseline's; each plan has its own runway.
        for doc in &mut harness.state_mut().rt.docs {
            let assumptions = &mut doc.plan.assumptions;
            assumptions.responsiveness.insert("sales".to_owned(), serde_json::from_str("2.5").unwrap());
            assumptions.risk_aversion.insert("sales".to_owned(), serde_json::from_str("7").unwrap());
            let mut runway = assumptions.runway();
            let conversion = runway.conversions.first_mut().unwrap();
            conversion.revenue_per_quarter = rust_decimal::Decimal::from(30_000);
            conversion.lag_quarters = 10;
            assumptions.runway = Some(runway);
        }
    }
    harness.get_by_label("Behaviour").click();
    wait(&mut harness, "the simulation", simulated);
    // Frames with the sliders shown.
    harness.run_steps(10);
    for (label, shown) in [("sales", 2.5), ("sales γ", 7.0)] {
        let slider = harness.get_by_role_and_label(egui::accesskit::Role::Slider, label);
        assert_eq!(slider.accesskit_node().numeric_value(), Some(shown), "the {label} slider shows the plan's value");
    }
    wait(&mut harness, "any simulation the frames started", simulated);
    let app = harness.state();
    let view = &app.rt.behaviour;
    assert!(view.responsiveness.is_empty(), "no slider moved: {:?}", view.responsiveness);
    assert!(view.risk_aversion.is_empty(), "no slider moved: {:?}", view.risk_aversion);
    assert!(view.runway.is_none(), "no runway slider moved: {:?}", view.runway);
    let report = &view.result.as_ref().unwrap().report;
    let sales = report.roles.iter().find(|r| r.role == "sales").unwrap();
    assert_eq!((sales.responsiveness, sales.risk_aversion), (2.5, 7.0));
    let conversion = report.plans[0].runway_assumptions.conversions.first().unwrap().clone();
    assert_eq!(conversion.revenue_per_quarter, rust_decimal::Decimal::from(30_000));
    assert_eq!(conversion.lag_quarters, 10);
}

#[test]
fn whose_time_changes_most_says_why_as_carrot_simulate_does() {
    let harness = simulated_on_samples();
    harness.get_by_label("Why");
    let app = harness.state();
    let view = &app.rt.behaviour;
    let report = view.result.as_ref().unwrap().report.clone();
    // The first plan tried (Transition) is the one the table shows; its top mover.
    let plan = &report.plans[0];
    let (k, outcome) = plan
        .movers
        .iter()
        .find_map(|&k| plan.people[k].as_ref().filter(|o| o.hours_moved >= 0.5).map(|o| (k, o)))
        .expect("someone moves");
    let why = sim::PayChangeReason::of(&report, k, outcome).to_string();
    assert!(!why.is_empty(), "{} moves for a reason", report.people[k].name);
    harness.get_by_label(&why);
    // `carrot simulate` prints the same reason for the same person.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_carrot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["simulate", "--baseline", "sample_plans/sales_led.json"])
        .args(["--plan", "sample_plans/transition.json", "--plan", "sample_plans/product_led.json"])
        .args(["--roster", "assets/sales_roster.csv", "--roster", "assets/consultants_roster.csv"])
        .args(["--trials", &view.trials.to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8(out.stdout).unwrap();
    let row = table.lines().find(|l| l.starts_with(report.people[k].name.as_str())).unwrap_or_default();
    // The CLI's last column, shortened with "…" to fit a terminal.
    let head: String = why.chars().take(12).collect();
    let cell = row.find(&head).map(|at| row[at..].trim_end()).unwrap_or_default();
    let cell = cell.strip_suffix('…').unwrap_or(cell);
    assert!(
        cell.chars().count() >= 12 && why.starts_with(cell),
        "the CLI's row for {}: {row:?}, the app: {why:?}",
        report.people[k].name
    );
}

/// A responsiveness typed above 3 into a role's dial is flagged beside the dial with the
/// warning `carrot validate` gives the same ε in a plan (and `carrot simulate` gives it on its
/// command line); back at 3 the warning goes.
#[test]
fn a_responsiveness_typed_above_3_is_flagged_beside_its_dial_as_carrot_validate_flags_it() {
    use egui::accesskit::Role;
    let mut harness = simulated_on_samples();
    assert!(harness.query_by_label_contains("is very responsive").is_none(), "the samples' ε are ordinary");
    // What the validator says of ε 4 for sales in the baseline plan.
    let mut plan = sales_led();
    plan.assumptions.responsiveness.insert("sales".to_owned(), serde_json::from_str("4").unwrap());
    let problems = carrot::plan::validate::validate(&plan);
    let warning = problems.iter().find(|p| p.path == "assumptions.responsiveness.sales").unwrap();
    assert!(!warning.is_error());
    let shown = format!("Warning: {}", warning.message);
    // Typed into the number beside the sales dial, as a user does.
    let type_eps = |harness: &mut Harness<'static, CarrotApp>, text: &str| {
        harness.get_by_role_and_label(Role::SpinButton, "sales").click();
        harness.run_steps(2);
        harness.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        harness.event(egui::Event::Text(text.to_owned()));
        harness.key_press(egui::Key::Enter);
        harness.run_steps(3);
    };
    type_eps(&mut harness, "4");
    assert_eq!(harness.state().rt.behaviour.responsiveness.get("sales"), Some(&4.0));
    let label = harness.get_by_label(&shown);
    // Beside the sales dial: under it, and above the next role's.
    let sales = harness.get_by_role_and_label(Role::Slider, "sales").rect();
    let consultant = harness.get_by_role_and_label(Role::Slider, "consultant").rect();
    assert!(label.rect().top() >= sales.bottom() && label.rect().bottom() <= consultant.top(), "{:?}", label.rect());
    assert_eq!(harness.query_all_by_label_contains("is very responsive").count(), 1, "only the sales dial");
    // At 3 (not above) nothing is said.
    type_eps(&mut harness, "3");
    assert_eq!(harness.state().rt.behaviour.responsiveness.get("sales"), Some(&3.0));
    assert!(harness.query_by_label_contains("is very responsive").is_none());
}

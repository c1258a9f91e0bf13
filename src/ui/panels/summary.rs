//! The summary strip, always visible for the selected plan: cost, cost as a share of revenue,
//! cost by role, and who is covered, not covered, in error or paid with something to check
//! (click for who and why).

use rust_decimal::Decimal;

use super::super::doc::PlanDoc;
use super::super::theme;
use super::super::widgets;
use crate::money;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Detail {
    NotCovered,
    Errors,
    ToCheck,
}

/// The strip.
pub fn summary_strip_ui(
    ui: &mut egui::Ui,
    doc: Option<&PlanDoc>,
    roster_revision: u64,
    meeting: bool,
    year_figures: Option<&str>,
) {
    let Some(doc) = doc else {
        ui.label("No plan selected: open or create one.");
        return;
    };
    let t = theme::tokens(ui);
    let Some(result) = &doc.result else {
        ui.horizontal(|ui| {
            if doc.has_errors() {
                ui.colored_label(t.error, "The plan has problems; fix them in the editor to see payouts.");
            } else {
                widgets::busy(ui);
                ui.label("Computing payouts…");
            }
        });
        return;
    };
    let r = &result.report;
    let dp = r.minor_units;
    let stale = doc.is_stale(roster_revision);
    let detail_id = ui.make_persistent_id("summary_detail");
    let mut detail: Option<Detail> = ui.data_mut(|d| d.get_temp(detail_id)).flatten();
    // Wraps on a narrow view rather than running under the editor.
    ui.horizontal_wrapped(|ui| {
        widgets::color_dot(ui, theme::plan_color(ui, doc.color));
        let size = if meeting { 30.0 } else { 22.0 };
        let total_text =
            egui::RichText::new(format!("{} {}", money::grouped(r.totals.total, dp), r.currency)).size(size).strong();
        let total_text = if stale { total_text.color(t.stale) } else { total_text };
        ui.label(total_text).on_hover_text("Total payout cost of the selected plan");
        ui.label("total payout cost");
        // The totals are of the people computed: say whom they leave out.
        let in_error = result.stats.failed.len();
        if in_error > 0 {
            let people = if in_error == 1 { "person" } else { "people" };
            ui.colored_label(t.error, format!("excluding {in_error} {people} in error")).on_hover_text(
                "What the plan would pay them is unknown until their problems are fixed: see “in error”",
            );
        }
        if let Some(pct) = r.totals.cost_pct_of_revenue() {
            ui.separator();
            ui.label(egui::RichText::new(money::percent(pct / Decimal::ONE_HUNDRED, 2)).size(size * 0.8).strong())
                .on_hover_text(format!(
                    "Cost ÷ revenue of the people computed ({} {})",
                    money::grouped(r.totals.revenue, dp),
                    r.currency
                ));
            ui.label("of revenue");
        }
        if doc.plan.schedule.is_some() {
            // The main view computes a plan year as one period over the whole year; its pay
            // periods (true-ups, draws, the ledger) are in the Plan year window.
            ui.separator();
            ui.colored_label(t.warning, "Plan year: the whole year at once, on these rosters as the year's figures")
                .on_hover_text(
                    "The plan is paid by pay period: Plan year… (in the menu bar) computes one period from its \
                     actuals and the ledger of the periods closed before it",
                );
        }
        if stale {
            ui.separator();
            if doc.has_errors() {
                ui.colored_label(t.warning, "Stale: showing the last valid results; the plan has problems")
                    .on_hover_text("Fix the problems shown in the editor to update the numbers");
            } else {
                widgets::busy(ui);
                ui.colored_label(t.stale, "Updating…");
            }
        }
    });
    if let (true, Some(why)) = (doc.plan.schedule.is_some(), year_figures) {
        // A plan year computed over its whole period on one pay period's deals.
        ui.add(egui::Label::new(egui::RichText::new(why).color(t.warning)).wrap());
    }
    ui.horizontal_wrapped(|ui| {
        for (role, amount) in &r.totals.by_role {
            ui.label(egui::RichText::new(role).strong());
            ui.label(money::grouped(*amount, dp));
            ui.add_space(8.0);
        }
        ui.separator();
        ui.label(format!("{} covered", widgets::count(r.totals.people))).on_hover_text("People computed by this plan");
        let not_covered = r.not_covered.len();
        let nc = egui::Button::new(format!("{not_covered} not covered")).small();
        if ui.add_enabled(not_covered > 0, nc).on_hover_text("People whose role has no track: click for who").clicked()
        {
            detail = Some(Detail::NotCovered);
        }
        // Counted with the aggregates, not sorted here every frame.
        let in_error = result.stats.failed.len();
        let errors = egui::Button::new(
            egui::RichText::new(format!("{in_error} in error")).color(if in_error == 0 { t.muted } else { t.error }),
        )
        .small();
        if ui
            .add_enabled(in_error > 0, errors)
            .on_hover_text("People who could not be computed: click for who and why")
            .clicked()
        {
            detail = Some(Detail::Errors);
        }
        let to_check = result.stats.paid_warnings.people();
        if to_check > 0 {
            let button =
                egui::Button::new(egui::RichText::new(format!("{to_check} to check")).color(t.warning)).small();
            if ui
                .add(button)
                .on_hover_text("People paid with a warning (a negative metric paid as 0, not employed during the period): click for who and why")
                .clicked()
            {
                detail = Some(Detail::ToCheck);
            }
        }
    });
    if let Some(which) = detail {
        let mut open = true;
        let title = match which {
            Detail::NotCovered => "People not covered",
            Detail::Errors => "People in error",
            Detail::ToCheck => "Payouts to check",
        };
        egui::Window::new(title).open(&mut open).default_width(520.0).collapsible(false).show(ui.ctx(), |ui| {
            egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| match which {
                Detail::NotCovered => {
                    for n in &r.not_covered {
                        ui.label(format!("{} {} — role `{}` has no track in this plan", n.employee_id, n.name, n.role));
                    }
                }
                Detail::ToCheck => {
                    // Each warning once, with the person or how many and the first few.
                    for line in result.stats.paid_warnings.lines() {
                        ui.add(egui::Label::new(egui::RichText::new(line).color(t.warning)).wrap());
                    }
                }
                Detail::Errors => {
                    // The same problem for many people is listed once, with how many and who.
                    for (i, group) in group_errors(&r.errors).iter().enumerate() {
                        let component = group
                            .component
                            .as_deref()
                            .map(|c| format!("{}: ", result.labels.get(c)))
                            .unwrap_or_default();
                        let who = if group.people.len() == 1 {
                            "1 person".to_owned()
                        } else {
                            format!("{} people", widgets::count(group.people.len()))
                        };
                        ui.label(egui::RichText::new(format!("{who} · {component}{}", group.message)).color(t.error));
                        egui::CollapsingHeader::new("Who")
                            .id_salt(("error_people", i))
                            .default_open(group.people.len() <= 3)
                            .show(ui, |ui| {
                                ui.add(egui::Label::new(group.people.join(", ")).wrap());
                            });
                    }
                }
            });
        });
        if !open {
            detail = None;
        }
    }
    ui.data_mut(|d| d.insert_temp(detail_id, detail));
}

/// Errors that say the same thing about the same component, and who they are about.
#[derive(Debug, PartialEq, Eq)]
pub struct ErrorGroup {
    /// The component, if the error is about one.
    pub component: Option<String>,
    /// The message.
    pub message: String,
    /// `id name` of each person, in report order.
    pub people: Vec<String>,
}

/// Groups a report's errors by component and message, in order of first appearance.
pub fn group_errors(errors: &[crate::engine::EmployeeError]) -> Vec<ErrorGroup> {
    let mut groups: Vec<ErrorGroup> = Vec::new();
    for e in errors {
        let component = e.component.as_deref().map(str::to_owned);
        let person = format!("{} {}", e.employee_id, e.name);
        match groups.iter_mut().find(|g| g.component == component && g.message == e.message) {
            Some(g) => g.people.push(person),
            None => groups.push(ErrorGroup { component, message: e.message.clone(), people: vec![person] }),
        }
    }
    groups
}

//! The Plan year window: pick a pay period and the ledger, see each person's ledger (earned,
//! paid, balance, pending, with every true-up and recovery explained), export or close the
//! period. The loaded roster is the period's actuals. The work runs on jobs (`app::year`).

use std::path::PathBuf;
use std::sync::Arc;

use super::super::app::Action;
use crate::money;
use crate::year::{Ledger, PeriodResult};

/// What the window's buttons ask for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum YearAction {
    /// Open the window for the selected plan.
    Open,
    /// Choose an existing ledger file.
    OpenLedger,
    /// Choose where a new ledger goes.
    NewLedger,
    /// Compute the chosen period.
    Compute,
    /// Record the computed period in the ledger.
    Close,
    /// Export the period's payroll (the Export payroll dialog, for this period).
    Export,
}

/// A computed period and the ledger it was computed from.
pub struct YearShown {
    /// The period.
    pub result: PeriodResult,
    /// The ledger (empty without one).
    pub ledger: Option<Ledger>,
    /// Whether the ledger already holds this period.
    pub closed: bool,
    /// The (plan, roster) revisions it was computed on: an export of it is refused once either
    /// changed.
    pub revisions: (u64, u64),
}

/// The window's state.
#[derive(Default)]
pub struct YearView {
    /// Whether the window is shown.
    pub open: bool,
    /// The pay periods of the plan.
    pub periods: Vec<String>,
    /// The chosen period (index into `periods`).
    pub period: usize,
    /// The ledger file.
    pub ledger: Option<PathBuf>,
    /// The last computed period (kept on screen while the next computes).
    pub shown: Option<Arc<YearShown>>,
    /// Why the last computation failed.
    pub error: Option<String>,
    /// The selected person (index into the report's employees).
    pub selected: Option<usize>,
    /// A job is running.
    pub busy: bool,
    /// Why the rosters are not the chosen period's actuals (set by the app each frame): the
    /// period can be looked at, not closed or exported.
    pub actuals: Option<String>,
    /// The selected plan's and the roster's revisions now (set by the app each frame).
    pub revisions: Option<(u64, u64)>,
    /// The periods the ledger holds, as of the last computation (marked in the list).
    pub closed: Vec<String>,
}

impl YearView {
    /// Works from the ledger at `path` from now on: nothing computed from another one is kept.
    pub fn use_ledger(&mut self, path: PathBuf) {
        self.ledger = Some(path);
        self.shown = None;
        self.error = None;
        self.closed.clear();
    }

    /// Whether the figures shown are the chosen period's, computed on the plan and roster as they
    /// are now: what Close records.
    pub fn shown_is_current(&self) -> bool {
        self.shown.as_ref().is_some_and(|s| {
            Some(&s.result.period.name) == self.periods.get(self.period) && Some(s.revisions) == self.revisions
        })
    }
}

/// The window (when open).
pub fn year_window_ui(ctx: &egui::Context, view: &mut YearView, out: &mut Vec<Action>) {
    let mut open = view.open;
    egui::Window::new("Plan year").open(&mut open).default_size([760.0, 560.0]).show(ctx, |ui| {
        ui.horizontal(|ui| {
            let named = |p: &String| if view.closed.contains(p) { format!("{p} · closed") } else { p.clone() };
            let current = view.periods.get(view.period).map(named).unwrap_or_default();
            egui::ComboBox::from_label("Pay period").selected_text(current).show_ui(ui, |ui| {
                for (i, p) in view.periods.iter().enumerate() {
                    ui.selectable_value(&mut view.period, i, named(p));
                }
            });
            if ui.button("Open ledger…").on_hover_text("The ledger of the periods closed so far").clicked() {
                out.push(Action::Year(YearAction::OpenLedger));
            }
            if ui
                .button("New ledger…")
                .on_hover_text("Start a ledger for the plan year: it is written when the first period is closed")
                .clicked()
            {
                out.push(Action::Year(YearAction::NewLedger));
            }
        });
        let ledger = view.ledger.as_ref().map_or_else(
            || {
                "No ledger: the period is computed as if nothing was earned or paid before it (year-to-date lines \
                 measure this period only)"
                    .to_owned()
            },
            |p| format!("Ledger {}", p.display()),
        );
        ui.add(egui::Label::new(ledger).wrap());
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!view.busy, egui::Button::new("Compute period"))
                .on_hover_text("Compute the period on the loaded roster (the period's actuals)")
                .clicked()
            {
                out.push(Action::Year(YearAction::Compute));
            }
            let computed = view.shown.is_some() && !view.busy;
            let current = view.shown_is_current();
            let can_close = computed && current && view.ledger.is_some() && view.actuals.is_none();
            let not_actuals = "The loaded roster is not this period's actuals (see above)";
            if ui
                .add_enabled(can_close, egui::Button::new("Close period"))
                .on_hover_text("Record the period shown as paid in the ledger")
                .on_disabled_hover_text(if view.actuals.is_some() {
                    not_actuals
                } else if computed && !current {
                    "The figures shown are not the chosen period's as the plan and roster are now: compute it first"
                } else {
                    "Compute the period and choose a ledger first"
                })
                .clicked()
            {
                out.push(Action::Year(YearAction::Close));
            }
            if ui
                .add_enabled(computed && view.actuals.is_none(), egui::Button::new("Export period…"))
                .on_hover_text(
                    "Export the period's payroll file, in your payroll system's layout, with its reconciliation",
                )
                .on_disabled_hover_text(if view.actuals.is_some() { not_actuals } else { "Compute the period first" })
                .clicked()
            {
                out.push(Action::Year(YearAction::Export));
            }
            if view.busy {
                super::super::widgets::busy(ui);
            }
        });
        if let Some(why) = &view.actuals {
            ui.add(egui::Label::new(egui::RichText::new(why).color(ui.visuals().warn_fg_color)).wrap());
        }
        if let Some(e) = &view.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let Some(shown) = view.shown.clone() else {
            ui.label("Choose a period and compute it.");
            return;
        };
        ledger_ui(ui, &shown, &mut view.selected);
    });
    view.open = open;
}

/// The people of the period and the selected person's ledger.
fn ledger_ui(ui: &mut egui::Ui, shown: &YearShown, selected: &mut Option<usize>) {
    let r = &shown.result;
    let dp = r.report.minor_units;
    ui.separator();
    ui.label(format!(
        "{} · {} to {} · total {} {}{}",
        r.period.name,
        r.period.start,
        r.period.end,
        money::grouped(r.report.totals.total, dp),
        r.report.currency,
        if shown.closed { " · closed in the ledger" } else { "" }
    ));
    // Without a ledger the window's first line already says so, in the app's words.
    for w in r.warnings.iter().filter(|w| !crate::year::is_no_ledger_note(w)) {
        ui.label(format!("Note: {w}"));
    }
    ui.columns(2, |cols| {
        let [left, right] = cols else { return };
        egui::ScrollArea::vertical().id_salt("year_people").show(left, |ui| {
            for (i, (e, y)) in r.report.employees.iter().zip(&r.ytd).enumerate() {
                let text = format!("{} {} · {}", e.employee_id, e.name, money::grouped(e.total, dp));
                let resp = ui.selectable_label(*selected == Some(i), text);
                let resp = resp.on_hover_text(format!("Paid to date {}", money::grouped(y.paid, dp)));
                if resp.clicked() {
                    *selected = Some(i);
                }
            }
        });
        egui::ScrollArea::vertical().id_salt("year_person").show(right, |ui| {
            let Some((e, y)) = selected.and_then(|i| r.report.employees.get(i).zip(r.ytd.get(i))) else {
                ui.label("Select a person to see their ledger");
                return;
            };
            ui.heading(format!("{} {}", e.employee_id, e.name));
            egui::Grid::new("year_ytd").num_columns(2).show(ui, |ui| {
                for (label, v) in [
                    ("Earned to date", y.earned),
                    ("Paid to date", y.paid),
                    ("Draws paid", y.draws),
                    ("Draw balance", y.draw_balance),
                    ("Pending instalments", y.pending()),
                    ("Carried true-ups", y.carried),
                    ("Clawed back", y.clawed_back),
                ] {
                    ui.label(label);
                    ui.label(money::grouped(v, dp));
                    ui.end_row();
                }
            });
            ui.separator();
            ui.label(format!("This period ({})", r.period.name));
            for l in &e.lines {
                ui.label(format!("{} · {} · {}", l.label(), l.kind.as_str(), money::grouped(l.amount, dp)));
                if !l.explanation.is_empty() {
                    super::super::widgets::muted(ui, l.explanation.as_str());
                }
            }
            ui.label(format!("Total {}", money::grouped(e.total, dp)));
            for w in &e.warnings {
                ui.add(egui::Label::new(egui::RichText::new(w).color(ui.visuals().warn_fg_color)).wrap());
            }
            if let Some(ledger) = &shown.ledger {
                ui.separator();
                ui.label("Closed periods");
                for name in ledger.closed_names() {
                    let Some(entry) = ledger.effective(&name) else { continue };
                    let Some(p) = entry.people.iter().find(|p| *p.employee_id == *e.employee_id) else { continue };
                    ui.label(format!(
                        "{name}: paid {} · draw balance {} · pending {}",
                        money::grouped(p.total, dp),
                        money::grouped(p.draw_balance, dp),
                        money::grouped(p.pending.iter().map(|i| i.amount).sum(), dp)
                    ));
                }
            }
        });
    });
}

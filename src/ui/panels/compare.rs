//! Plans side by side on the same roster: totals, cost by role and component, distributions
//! overlaid on linked axes, and who gains or loses moving from the reference plan. Built for the
//! projector; aggregates are rebuilt only when a compared plan's results change.

use egui_plot::{Bar, BarChart, Line, Plot, PlotPoint, PlotPoints};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use std::sync::Arc;

use super::super::doc::{Labels, PlanDoc, PlanId};
use super::super::plots;
use super::super::theme;
use super::super::widgets;
use super::charts::money_axis;
use crate::engine::{Detail, PayoutReport, stats};
use crate::money;
use crate::plan::Plan;
use crate::roster::Roster;
use crate::year::Scope;

/// The most plans compared at once.
pub const MAX_PLANS: usize = 4;
/// Gainers and losers listed.
pub const MOVERS: usize = 10;

/// What the Compare view shows.
#[derive(Default)]
pub struct CompareView {
    /// The plans compared: the reference first, then the others in the order of the plan list
    /// (of the checkboxes), whatever order they were ticked in.
    pub plans: Vec<PlanId>,
    /// The reference plan, when the user chose one that is still ticked; otherwise the
    /// reference is the first ticked plan in the list.
    pub reference: Option<PlanId>,
    /// Which compared plan the winners and losers move to (index into `plans`, ≥ 1).
    pub to: usize,
    /// Whether the totals table lists every component (the chart below shows them anyway).
    pub show_components: bool,
    /// The pay period shown, when the compared plans are plan years (else the whole year).
    pub scope: Scope,
    /// The pay periods every compared plan has (empty unless they are all plan years with the
    /// same periods), and the plans (with revisions) they were found for.
    pub periods: Vec<String>,
    periods_for: Option<Vec<(PlanId, u64)>>,
    /// The last pay-period figures asked for.
    pub requested: Option<PeriodKey>,
    /// The last pay-period figures computed (kept on screen while the next ones compute).
    pub period: Option<Arc<PeriodFigures>>,
    /// Why the rosters are not the chosen pay period's actuals (set by the app each frame).
    pub actuals: Option<String>,
    cache: CompareCache,
}

/// What pay-period figures were computed for: the period, the plans with their revisions, the
/// roster revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeriodKey {
    /// The pay period.
    pub period: String,
    /// The plans, in order, with their revisions.
    pub plans: Vec<(PlanId, u64)>,
    /// The roster revision (the roster is the period's actuals).
    pub roster: u64,
}

/// One plan's figures for a pay period.
pub struct Figures {
    /// The period's payouts, as `carrot payouts --period` computes them without a ledger.
    pub report: Arc<PayoutReport>,
    /// Their aggregates.
    pub stats: Arc<stats::PlanStats>,
    /// What each line is called.
    pub labels: Arc<Labels>,
}

/// Every compared plan's figures for a pay period, or why they could not be computed.
pub struct PeriodFigures {
    /// What they are for.
    pub key: PeriodKey,
    /// Per plan in `key.plans`.
    pub result: Result<Vec<Figures>, String>,
}

/// A pay period to compute for the compared plans (on a job): what for, and copies of the plans.
pub struct PeriodRequest {
    /// What for.
    pub key: PeriodKey,
    /// The plans, in the key's order.
    pub plans: Vec<Plan>,
    /// The roster (the period's actuals).
    pub roster: Arc<Roster>,
}

impl PeriodRequest {
    /// Computes each plan's pay period (off the UI thread).
    pub fn compute(self) -> PeriodFigures {
        let result = self
            .plans
            .iter()
            .map(|plan| {
                let r = crate::year::compute_period(plan, &self.roster, &self.key.period, None, Detail::AmountsOnly)
                    .map_err(|e| format!("{}: {e}", plan.name))?;
                let stats = stats::PlanStats::new(&r.report, self.roster.employees.len());
                let labels = Labels::new(plan, &r.report);
                Ok(Figures { report: Arc::new(r.report), stats: Arc::new(stats), labels: Arc::new(labels) })
            })
            .collect();
        PeriodFigures { key: self.key, result }
    }
}

/// One compared plan and the figures shown for it (its own results, or a pay period's).
struct Shown<'a> {
    doc: &'a PlanDoc,
    report: &'a PayoutReport,
    stats: &'a stats::PlanStats,
    labels: &'a Labels,
    /// Plan and roster revisions the figures are for.
    revisions: (u64, u64),
}

#[derive(Default)]
struct CompareCache {
    key: (Scope, Vec<(PlanId, u64, u64)>),
    /// Per plan: the histogram line (bin centre, people).
    distributions: Vec<Vec<PlotPoint>>,
    roles: Vec<String>,
    components: Vec<String>,
    movers: Vec<Option<stats::Movers>>,
}

impl CompareView {
    /// Keeps the selection valid: drops closed plans, starts with the first plans open, and
    /// puts the plans in their order: the reference first (the one chosen, else the first ticked
    /// in the list), then the others as the list has them.
    pub fn sync(&mut self, docs: &[PlanDoc]) {
        let to = self.plans.get(self.to).copied();
        self.plans.retain(|id| docs.iter().any(|d| d.id == *id));
        if self.plans.is_empty() {
            self.plans = docs.iter().take(3).map(|d| d.id).collect();
        }
        self.plans.sort_by_key(|id| docs.iter().position(|d| d.id == *id));
        self.reference = self.reference.filter(|r| self.plans.contains(r));
        if let Some(i) = self.reference.and_then(|r| self.plans.iter().position(|id| *id == r)) {
            let reference = self.plans.remove(i);
            self.plans.insert(0, reference);
        }
        // The plan people move to stays the same plan when others are ticked before it.
        if let Some(i) = to.and_then(|to| self.plans.iter().position(|id| *id == to)) {
            self.to = i;
        }
        self.to = self.to.clamp(1, self.plans.len().saturating_sub(1).max(1));
    }

    /// Ticks plan `id` (or unticks it): the plans then take their order again, and the plan
    /// people move to stays the one it was while it is ticked.
    pub fn tick(&mut self, docs: &[PlanDoc], id: PlanId, on: bool) {
        let to = self.plans.get(self.to).copied();
        if on {
            self.plans.push(id);
        } else {
            self.plans.retain(|p| *p != id);
        }
        if let Some(i) = to.and_then(|to| self.plans.iter().position(|p| *p == to)) {
            self.to = i;
        }
        self.sync(docs);
    }

    /// The pay-period figures the view needs now, if they differ from the last asked for. Also
    /// finds the pay periods the compared plans share (when they change), and falls back to the
    /// whole year when the chosen period is no longer one of them.
    pub fn wanted(&mut self, docs: &[PlanDoc], roster: &Arc<Roster>, roster_revision: u64) -> Option<PeriodRequest> {
        self.sync(docs);
        let compared: Vec<&PlanDoc> = self.plans.iter().filter_map(|id| docs.iter().find(|d| d.id == *id)).collect();
        let revisions: Vec<(PlanId, u64)> = compared.iter().map(|d| (d.id, d.revision)).collect();
        if self.periods_for.as_ref() != Some(&revisions) {
            let named: Vec<(String, &Plan)> = compared.iter().map(|d| (d.plan.name.clone(), &d.plan)).collect();
            self.periods = match crate::year::common_periods(&named) {
                Ok(periods) if compared.len() >= 2 => periods.into_iter().map(|p| p.name).collect(),
                _ => Vec::new(),
            };
            self.periods_for = Some(revisions.clone());
        }
        let Scope::Period(period) = &self.scope else { return None };
        if !self.periods.contains(period) {
            self.scope = Scope::Year;
            return None;
        }
        let key = PeriodKey { period: period.clone(), plans: revisions, roster: roster_revision };
        if self.requested.as_ref() == Some(&key) {
            return None;
        }
        self.requested = Some(key.clone());
        Some(PeriodRequest {
            key,
            plans: compared.iter().map(|d| d.plan.clone()).collect(),
            roster: Arc::clone(roster),
        })
    }

    /// Takes pay-period figures (ignored unless they are the ones asked for last).
    pub fn receive(&mut self, figures: PeriodFigures) {
        if self.requested.as_ref() == Some(&figures.key) {
            self.period = Some(Arc::new(figures));
        }
    }

    /// The payouts shown for `doc`: its pay period's when one is chosen (and computed), else its
    /// own results.
    pub fn report_for(&self, doc: &PlanDoc) -> Option<Arc<PayoutReport>> {
        match &self.scope {
            Scope::Year => doc.result.as_ref().map(|r| Arc::clone(&r.report)),
            Scope::Period(name) => {
                let shown = self.period.as_ref().filter(|p| p.key.period == *name)?;
                let i = shown.key.plans.iter().position(|(id, _)| *id == doc.id)?;
                shown.result.as_ref().ok()?.get(i).map(|f| Arc::clone(&f.report))
            }
        }
    }
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The Compare view.
pub fn compare_ui(
    ui: &mut egui::Ui,
    docs: &[PlanDoc],
    roster: &Roster,
    view: &mut CompareView,
    meeting: bool,
    actions: &mut Vec<super::super::app::Action>,
) {
    view.sync(docs);
    selection_ui(ui, docs, view);
    let docs_compared: Vec<&PlanDoc> = view.plans.iter().filter_map(|id| docs.iter().find(|d| d.id == *id)).collect();
    let one_currency = same_currency(&docs_compared);
    ui.horizontal(|ui| {
        use super::super::app::{Action, Handout};
        let ready = view.plans.len() >= 2 && one_currency.is_ok();
        let why_not = if one_currency.is_err() {
            "The plans pay in different currencies"
        } else {
            "Pick two to four plans first"
        };
        if ui
            .add_enabled(ready, egui::Button::new("Save workbook…"))
            .on_hover_text("An Excel workbook to hand out: summary, one sheet per plan, winners and losers")
            .on_disabled_hover_text(why_not)
            .clicked()
        {
            actions.push(Action::SaveHandout(Handout::Workbook));
        }
        if ui
            .add_enabled(ready, egui::Button::new("Save report…"))
            .on_hover_text("One HTML file with the charts and tables, readable and printable in any browser")
            .on_disabled_hover_text(why_not)
            .clicked()
        {
            actions.push(Action::SaveHandout(Handout::Report));
        }
    });
    if docs_compared.len() < 2 {
        widgets::muted(ui, "Pick two to four plans to compare.");
        return;
    }
    if let Err(mixed) = one_currency {
        ui.colored_label(theme::tokens(ui).negative, format!("{mixed}."))
            .on_hover_text("Untick the plans in another currency, or set their currency (Plan → Currency)");
        return;
    }
    let CompareView { scope, periods, period, show_components, cache, to, actuals: view_actuals, .. } = view;
    let computing = |ui: &mut egui::Ui, what: &str| {
        ui.horizontal(|ui| {
            widgets::busy(ui);
            ui.label(what);
        });
    };
    let compared: Vec<Shown<'_>> = match scope.clone() {
        Scope::Year => {
            if docs_compared.iter().any(|d| d.result.is_none()) {
                computing(ui, "Computing…");
                return;
            }
            docs_compared
                .iter()
                .filter_map(|d| {
                    d.result.as_ref().map(|r| Shown {
                        doc: d,
                        report: &r.report,
                        stats: &r.stats,
                        labels: &r.labels,
                        revisions: (r.plan_revision, r.roster_revision),
                    })
                })
                .collect()
        }
        Scope::Period(name) => {
            // The last figures for this period stay on screen while newer ones compute.
            let Some(shown) = period.as_ref().filter(|p| p.key.period == name) else {
                computing(ui, &format!("Computing {name}…"));
                return;
            };
            let figures = match &shown.result {
                Ok(f) => f,
                Err(e) => {
                    ui.colored_label(theme::tokens(ui).negative, format!("{name} could not be computed: {e}"));
                    return;
                }
            };
            let roster_revision = shown.key.roster;
            let found: Vec<Shown<'_>> = docs_compared
                .iter()
                .filter_map(|d| {
                    let i = shown.key.plans.iter().position(|(id, _)| *id == d.id)?;
                    let f = figures.get(i)?;
                    let revision = shown.key.plans.get(i).map_or(0, |(_, r)| *r);
                    Some(Shown {
                        doc: d,
                        report: &f.report,
                        stats: &f.stats,
                        labels: &f.labels,
                        revisions: (revision, roster_revision),
                    })
                })
                .collect();
            if found.len() != docs_compared.len() {
                computing(ui, &format!("Computing {name}…"));
                return;
            }
            found
        }
    };
    if matches!(scope, Scope::Year)
        && let Some(w) = crate::engine::compare::different_periods(
            compared.iter().map(|d| (d.doc.plan.name.as_str(), d.doc.plan.period)),
        )
    {
        ui.add(egui::Label::new(egui::RichText::new(format!("Note: {w}.")).color(theme::tokens(ui).warning)).wrap());
    }
    if let (false, Some(first)) = (periods.is_empty(), compared.first()) {
        let dates = first.report.period;
        widgets::muted(ui, format!("{}: {} to {}", scope.label(), dates.start, dates.end));
    }
    if let (Scope::Period(_), Some(why)) = (&scope, &view_actuals) {
        ui.add(egui::Label::new(egui::RichText::new(why).color(theme::tokens(ui).warning)).wrap());
    }
    rebuild(cache, scope, &compared);
    let height = if meeting { 300.0 } else { 220.0 };
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        // The tables scroll sideways on their own where the view is narrower than they are (four
        // plans on a small window), so the charts keep to the view's width.
        egui::ScrollArea::horizontal().id_salt("compare_totals_scroll").show(ui, |ui| {
            totals_ui(ui, &compared, show_components);
        });
        ui.add_space(10.0);
        charts_ui(ui, &compared, cache, height);
        ui.add_space(10.0);
        movers_ui(ui, &compared, roster, cache, to);
    });
}

/// Whether the compared plans pay in one currency (their totals can be subtracted).
fn same_currency(compared: &[&PlanDoc]) -> Result<(), crate::engine::compare::MixedCurrencies> {
    crate::engine::compare::one_currency(compared.iter().map(|d| (d.plan.name.as_str(), d.plan.currency.as_str())))
}

fn plan_title(index: usize, doc: &PlanDoc) -> String {
    format!("{}. {}", index + 1, doc.plan.name)
}

fn selection_ui(ui: &mut egui::Ui, docs: &[PlanDoc], view: &mut CompareView) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Compare");
        for d in docs {
            let mut on = view.plans.contains(&d.id);
            widgets::color_dot(ui, theme::plan_color(ui, d.color));
            let full = !on && view.plans.len() >= MAX_PLANS;
            let r = ui
                .add_enabled(!full, egui::Checkbox::new(&mut on, d.name_among(docs)))
                .on_disabled_hover_text("At most four plans at once");
            if r.changed() {
                view.tick(docs, d.id, on);
            }
        }
        reference_ui(ui, docs, view);
        if !view.periods.is_empty() {
            ui.separator();
            widgets::period_chooser_ui(ui, "compare", &view.periods, &mut view.scope);
        }
    });
}

/// Which ticked plan the others are measured from: the first ticked in the list unless the
/// user picks another.
fn reference_ui(ui: &mut egui::Ui, docs: &[PlanDoc], view: &mut CompareView) {
    let ticked: Vec<&PlanDoc> = view.plans.iter().filter_map(|id| docs.iter().find(|d| d.id == *id)).collect();
    let Some(reference) = ticked.first() else { return };
    ui.separator();
    let label = ui.label("Changes measured from");
    let mut chosen = reference.id;
    // Offered in the list's order, as the checkboxes are.
    let mut offered = ticked.clone();
    offered.sort_by_key(|d| docs.iter().position(|x| x.id == d.id));
    egui::ComboBox::from_id_salt("compare_reference")
        .selected_text(format!("1. {}", reference.name_among(docs)))
        .show_ui(ui, |ui| {
            for d in offered {
                ui.selectable_value(&mut chosen, d.id, d.name_among(docs));
            }
        })
        .response
        .labelled_by(label.id)
        .on_hover_text(
            "The reference plan: the others' changes, and the winners and losers, are measured from it. Unless you \
             pick one, it is the first plan ticked in the list",
        );
    if chosen != reference.id {
        view.reference = Some(chosen);
        view.sync(docs);
    }
}

fn totals_ui(ui: &mut egui::Ui, compared: &[Shown<'_>], show_components: &mut bool) {
    let Some(first) = compared.first() else { return };
    let dp = first.report.minor_units;
    let t = theme::tokens(ui);
    let (roles, components) = roles_and_components(compared);
    egui::Grid::new("compare_totals").striped(true).num_columns(compared.len() + 1).spacing([18.0, 4.0]).show(
        ui,
        |ui| {
            ui.label("");
            for (i, d) in compared.iter().enumerate() {
                ui.horizontal(|ui| {
                    widgets::color_dot(ui, theme::plan_color(ui, d.doc.color));
                    ui.label(egui::RichText::new(plan_title(i, d.doc)).strong());
                    if i == 0 {
                        // On one line: a grid cell is narrow, and a wrapping label in it would
                        // stand one letter a line.
                        let muted = theme::tokens(ui).muted;
                        ui.add(egui::Label::new(egui::RichText::new("(reference)").color(muted)).extend())
                            .on_hover_text("The other plans' changes are measured from it");
                    }
                });
            }
            ui.end_row();
            // `diff` writes a change from the reference: an amount as the values are, but a
            // change of a percentage in percentage points (2.10% to 2.53% is +0.43 pp, not +0.43%).
            let row = |ui: &mut egui::Ui,
                       label: &str,
                       strong: bool,
                       value: &dyn Fn(&crate::engine::PayoutReport) -> Option<Decimal>,
                       fmt: &dyn Fn(Decimal) -> String,
                       diff: Diff| {
                ui.label(if strong { egui::RichText::new(label).strong() } else { egui::RichText::new(label) });
                let base = compared.first().and_then(|d| value(d.report));
                for (i, d) in compared.iter().enumerate() {
                    let v = value(d.report);
                    ui.horizontal(|ui| {
                        let text = v.map_or_else(|| "–".to_owned(), fmt);
                        ui.label(if strong { egui::RichText::new(text).strong() } else { egui::RichText::new(text) });
                        if i > 0
                            && let (Some(v), Some(b)) = (v, base)
                            && v != b
                        {
                            let change = v - b;
                            let color = if change > Decimal::ZERO { t.negative } else { t.positive };
                            let (text, hover) = diff.text(change, fmt);
                            ui.colored_label(color, text).on_hover_text(hover);
                        }
                    });
                }
                ui.end_row();
            };
            let amount = move |d: Decimal| money::grouped(d, dp);
            row(ui, "Total payout cost", true, &|r| Some(r.totals.total), &amount, Diff::Same);
            row(
                ui,
                "Cost % of revenue",
                false,
                &|r| r.totals.cost_pct_of_revenue(),
                &|d| format!("{}%", d.round_dp(2)),
                Diff::Points,
            );
            let count = |d: Decimal| crate::money::grouped(d, 0);
            row(ui, "People computed", false, &|r| Some(Decimal::from(r.totals.people)), &count, Diff::Same);
            for role in &roles {
                row(ui, &format!("Role: {role}"), false, &|r| r.totals.by_role.get(role).copied(), &amount, Diff::Same);
            }
            if !components.is_empty() {
                let n = components.len();
                let text = if *show_components { "Hide the components" } else { "By component" };
                ui.toggle_value(show_components, format!("{text} ({n})"))
                    .on_hover_text("List each component's cost (the chart below shows them too)");
                ui.end_row();
            }
            if *show_components {
                for c in &components {
                    let label = component_label(compared, c);
                    row(ui, &label, false, &|r| r.totals.by_component.get(c).copied(), &amount, Diff::Same);
                }
            }
        },
    );
}

/// How the totals table writes a change from the reference plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Diff {
    /// In the values' own unit (money, people).
    Same,
    /// The values are percentages: their difference is in percentage points.
    Points,
}

impl Diff {
    /// The change `change` (non-zero) as shown beside a value, and its hover text.
    fn text(self, change: Decimal, fmt: &dyn Fn(Decimal) -> String) -> (String, &'static str) {
        match self {
            Self::Same => {
                let sign = if change > Decimal::ZERO { "+" } else { "" };
                (format!("{sign}{}", fmt(change)), "Change from the reference plan (1.)")
            }
            // Signed as the amounts are (money::grouped writes a true minus).
            Self::Points => (
                format!("{}{} pp", if change > Decimal::ZERO { "+" } else { "−" }, change.abs().round_dp(2)),
                "Change from the reference plan (1.), in percentage points",
            ),
        }
    }
}

/// The roles and the components (payout lines) of the compared plans, each once, in the order
/// of the plan list (plans open in the order of their ids), not of the comparison: choosing
/// another reference leaves each component its place, and so its colour in the charts.
fn roles_and_components(compared: &[Shown<'_>]) -> (Vec<String>, Vec<String>) {
    let mut in_list: Vec<&Shown<'_>> = compared.iter().collect();
    in_list.sort_by_key(|d| d.doc.id);
    let (mut roles, mut components): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for d in in_list {
        for k in d.report.totals.by_role.keys() {
            if !roles.contains(k) {
                roles.push(k.clone());
            }
        }
        for k in d.report.totals.by_component.keys() {
            if !components.contains(k) {
                components.push(k.clone());
            }
        }
    }
    (roles, components)
}

/// A component's label in the first compared plan that has one (its id otherwise).
fn component_label(compared: &[Shown<'_>], id: &str) -> String {
    compared.iter().map(|r| r.labels.get(id)).find(|l| *l != id).unwrap_or(id).to_owned()
}

fn rebuild(cache: &mut CompareCache, scope: &Scope, compared: &[Shown<'_>]) {
    let key: (Scope, Vec<(PlanId, u64, u64)>) =
        (scope.clone(), compared.iter().map(|d| (d.doc.id, d.revisions.0, d.revisions.1)).collect());
    if cache.key == key {
        return;
    }
    let stats: Vec<&stats::PlanStats> = compared.iter().map(|d| d.stats).collect();
    let lo = stats.iter().filter_map(|s| s.totals_sorted.first()).fold(0.0_f64, |a, b| a.min(*b));
    let hi = stats.iter().filter_map(|s| s.totals_sorted.last()).fold(1.0_f64, |a, b| a.max(*b));
    let edges = stats::nice_edges(lo, hi, 30);
    cache.distributions = stats
        .iter()
        .map(|s| {
            let counts = stats::histogram(&s.totals_sorted, &edges);
            edges.windows(2).zip(counts).map(|(w, c)| PlotPoint::new((w[0] + w[1]) / 2.0, c as f64)).collect()
        })
        .collect();
    (cache.roles, cache.components) = roles_and_components(compared);
    cache.movers = stats
        .iter()
        .enumerate()
        .map(|(i, s)| if i == 0 { None } else { stats.first().map(|base| stats::movers(base, s, MOVERS)) })
        .collect();
    cache.key = key;
}

fn charts_ui(ui: &mut egui::Ui, compared: &[Shown<'_>], cache: &CompareCache, height: f32) {
    let Some(currency) = compared.first().map(|r| r.report.currency.clone()) else {
        return;
    };
    let n = compared.len() as f64;
    let width = 0.8 / n;
    let link = ui.scope_id().with("compare_link");
    let titles: Vec<String> = compared.iter().enumerate().map(|(i, d)| plan_title(i, d.doc)).collect();
    let plan_legend: Vec<(String, egui::Color32)> =
        compared.iter().enumerate().map(|(i, d)| (plan_title(i, d.doc), theme::plan_color(ui, d.doc.color))).collect();
    let static_plot = |id: &'static str| {
        Plot::new(id)
            .height(height)
            .y_grid_spacer(plots::y_spacer())
            .allow_drag(false)
            .allow_zoom(false)
            .allow_scroll(false)
            .allow_boxed_zoom(false)
    };
    ui.columns(2, |cols| {
        let [a, b] = cols else { return };
        // Total cost per plan, one colour per plan.
        a.label(egui::RichText::new("Total payout cost per plan").strong());
        plots::legend_ui(a, &plan_legend);
        let per_plan = (a.available_width() - 60.0) / (n as f32 + 0.4);
        static_plot("compare_total")
            .custom_x_axes(vec![plots::category_axis_x(titles.clone(), per_plan, "")])
            .custom_y_axes(vec![plots::money_axis_y(format!("Cost ({currency})"))])
            .x_grid_spacer(plots::category_spacer())
            .include_x(-0.6)
            .include_x(n - 0.4)
            .include_y(0.0)
            .show(a, |plot| {
                for (i, d) in compared.iter().enumerate() {
                    let total = to_f64(d.report.totals.total);
                    let name = plan_title(i, d.doc);
                    let bar =
                        Bar::new(i as f64, total).width(0.7).name(format!("{name}: {}", money_axis(total, &currency)));
                    plot.bar_chart(
                        BarChart::new(name, vec![bar])
                            .color(theme::plan_color_for(plot.ctx(), d.doc.color))
                            .id(("total", d.doc.id)),
                    );
                }
            });
        // Cost by role, grouped by plan.
        b.label(egui::RichText::new("Cost by role").strong());
        plots::legend_ui(b, &plan_legend);
        let per_role = (b.available_width() - 60.0) / (cache.roles.len().max(1) as f32 + 0.4);
        static_plot("compare_roles")
            .custom_x_axes(vec![plots::category_axis_x(cache.roles.clone(), per_role, "Role (one bar per plan)")])
            .custom_y_axes(vec![plots::money_axis_y(format!("Cost ({currency})"))])
            .x_grid_spacer(plots::category_spacer())
            .include_x(-0.6)
            .include_x(cache.roles.len() as f64 - 0.4)
            .include_y(0.0)
            .show(b, |plot| {
                for (i, d) in compared.iter().enumerate() {
                    let r = d;
                    let offset = (i as f64 - (n - 1.0) / 2.0) * width;
                    let bars: Vec<Bar> = cache
                        .roles
                        .iter()
                        .enumerate()
                        .map(|(k, role)| {
                            let v = r.report.totals.by_role.get(role).map_or(0.0, |d| to_f64(*d));
                            Bar::new(k as f64 + offset, v).width(width * 0.95).name(format!(
                                "{}: {role} {}",
                                plan_title(i, d.doc),
                                money_axis(v, &currency)
                            ))
                        })
                        .collect();
                    plot.bar_chart(
                        BarChart::new(plan_title(i, d.doc), bars)
                            .color(theme::plan_color_for(plot.ctx(), d.doc.color))
                            .id(("roles", d.doc.id)),
                    );
                }
            });
    });
    ui.add_space(6.0);
    ui.columns(2, |cols| {
        let [a, b] = cols else { return };
        // Cost by component: one bar per plan, stacked by component (adjustments below zero).
        a.label(egui::RichText::new("Cost by component").strong());
        let component_names: Vec<String> = cache.components.iter().map(|c| component_label(compared, c)).collect();
        let legend: Vec<(String, egui::Color32)> = component_names
            .iter()
            .enumerate()
            .map(|(k, name)| (name.clone(), theme::series_color(a.ctx(), k)))
            .collect();
        plots::legend_ui(a, &legend);
        let per_plan = (a.available_width() - 60.0) / (n as f32 + 0.4);
        static_plot("compare_components")
            .custom_x_axes(vec![plots::category_axis_x(titles.clone(), per_plan, "")])
            .custom_y_axes(vec![plots::money_axis_y(format!("Cost ({currency})"))])
            .x_grid_spacer(plots::category_spacer())
            .include_x(-0.6)
            .include_x(n - 0.4)
            .show(a, |plot| {
                let mut up: Vec<BarChart> = Vec::new();
                let mut down: Vec<BarChart> = Vec::new();
                for (k, comp) in cache.components.iter().enumerate() {
                    let name = component_names.get(k).map_or(comp.as_str(), String::as_str);
                    let values: Vec<f64> = compared
                        .iter()
                        .map(|d| d.report.totals.by_component.get(comp).map_or(0.0, |v| to_f64(*v)))
                        .collect();
                    let negative = values.iter().any(|v| *v < 0.0);
                    let bars: Vec<Bar> = values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| {
                            Bar::new(i as f64, *v).width(0.6).name(format!(
                                "{}. {name}: {}",
                                i + 1,
                                money_axis(*v, &currency)
                            ))
                        })
                        .collect();
                    let chart = BarChart::new(name.to_owned(), bars).color(theme::series_color(plot.ctx(), k));
                    let stack = if negative { &mut down } else { &mut up };
                    let chart = chart.stack_on(&stack.iter().collect::<Vec<_>>());
                    stack.push(chart);
                }
                for c in up.into_iter().chain(down) {
                    plot.bar_chart(c);
                }
            });
        // Distributions overlaid, same bins.
        b.label(egui::RichText::new("How payouts are distributed").strong());
        plots::legend_ui(b, &plan_legend);
        plots::distribution_plot("compare_distribution", height, &currency)
            .link_axis(link, [true, false])
            .link_cursor(link, [true, false])
            .show(b, |plot| {
                for (i, d) in compared.iter().enumerate() {
                    if let Some(points) = cache.distributions.get(i) {
                        plot.line(
                            Line::new(plan_title(i, d.doc), PlotPoints::Borrowed(points))
                                .color(theme::plan_color_for(plot.ctx(), d.doc.color))
                                .width(2.5)
                                .id(("dist", d.doc.id)),
                        );
                    }
                }
            });
    });
}

fn movers_ui(ui: &mut egui::Ui, compared: &[Shown<'_>], roster: &Roster, cache: &CompareCache, to_index: &mut usize) {
    let Some(first) = compared.first() else { return };
    let t = theme::tokens(ui);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Winners and losers").strong());
        ui.label(format!("moving from 1. {} to", first.doc.plan.name));
        let l = ui.label("");
        egui::ComboBox::from_id_salt("movers_to")
            .selected_text(compared.get(*to_index).map_or(String::new(), |d| plan_title(*to_index, d.doc)))
            .show_ui(ui, |ui| {
                for (i, d) in compared.iter().enumerate().skip(1) {
                    ui.selectable_value(to_index, i, plan_title(i, d.doc));
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("The plan people move to");
    });
    let (Some(Some(m)), Some(to)) = (cache.movers.get(*to_index), compared.get(*to_index)) else { return };
    let (from_r, to_r) = (first, to);
    let dp = from_r.report.minor_units;
    ui.label(format!("{} people gain and {} lose.", widgets::count(m.gaining), widgets::count(m.losing)));
    if m.not_compared > 0 {
        let who = if m.not_compared == 1 {
            "1 person".to_owned()
        } else {
            format!("{} people", widgets::count(m.not_compared))
        };
        widgets::muted(
            ui,
            format!(
                "{who} could not be computed under one of these plans (see “in error” in the summary), so they \
                 are not among the gainers and losers."
            ),
        );
    }
    ui.columns(2, |cols| {
        let [left, right] = cols else { return };
        for (ui, title, rows, id) in
            [(left, "Biggest gainers", &m.gainers, "gainers"), (right, "Biggest losers", &m.losers, "losers")]
        {
            ui.label(egui::RichText::new(title).strong());
            // In its half of the view: wider, it scrolls rather than running over the other half.
            let scroll = egui::ScrollArea::horizontal().id_salt(("movers_scroll", id));
            scroll.show(ui, |ui| {
                egui::Grid::new(("movers", id)).striped(true).num_columns(5).show(ui, |ui| {
                    for h in ["Name", "Role", "From", "To", "Change"] {
                        ui.label(egui::RichText::new(h).strong());
                    }
                    ui.end_row();
                    for (index, change) in rows {
                        let Some(e) = roster.employees.get(*index) else { continue };
                        let from = from_r.stats.by_index.get(*index).copied().flatten().unwrap_or_default();
                        let to_v = to_r.stats.by_index.get(*index).copied().flatten().unwrap_or_default();
                        ui.label(&*e.name).on_hover_text(format!("{} · {}", e.id, e.team));
                        ui.label(&*e.role);
                        ui.label(money::grouped(from, dp));
                        ui.label(money::grouped(to_v, dp));
                        let color = if *change > Decimal::ZERO { t.positive } else { t.negative };
                        let sign = if *change > Decimal::ZERO { "+" } else { "" };
                        ui.colored_label(color, format!("{sign}{}", money::grouped(*change, dp)));
                        ui.end_row();
                    }
                })
            });
        }
    });
}

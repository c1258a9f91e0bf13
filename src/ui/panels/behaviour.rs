//! The Behaviour view: how people would shift their time under each plan, what that does to
//! activity volumes, revenue and payout cost, with P10–P90 bands and the runway over later
//! quarters. The assumptions are sliders; every move runs the simulation again off the UI thread
//! (see `ui::simulate`), and the plot data is rebuilt only when a new result arrives.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use egui_plot::{Bar, BarChart, FilledArea, Line, LineStyle, Plot, PlotPoints};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive as _, ToPrimitive as _};

use super::super::doc::{PlanDoc, PlanId, PlanSource};
use super::super::plots;
use super::super::simulate::{SimKey, SimRequest};
use super::super::theme;
use super::super::widgets;
use super::charts::money_tick;
use crate::plan::assumptions::{MAX_RESPONSIVENESS, MAX_RISK_AVERSION};
use crate::roster::Roster;
use crate::sim::fit::HistoryFit;
use crate::sim::{Band, PlanOutcome, Runway, SimOptions, SimReport};
use crate::year::Scope;

/// The most plans simulated beside the baseline.
pub const MAX_PLANS: usize = 3;
/// People listed as changing most.
pub const MOVERS: usize = 10;
/// Trials offered: few for sliders that answer at once, more for the numbers you quote.
pub const TRIALS: [usize; 3] = [200, 1000, 5000];

/// Above this many people the view asks before simulating: 1,000,000 people took 98 s and
/// about 10 GB of memory (some 10 KB a person) on two cores, started by opening the tab.
pub const ASK_ABOVE: usize = 200_000;

/// A finished simulation on screen.
pub struct SimResult {
    /// What it was run for.
    pub key: SimKey,
    /// The report.
    pub report: Arc<SimReport>,
    /// How long it took.
    pub elapsed: Duration,
    /// ε fitted from history (when a previous plan is chosen), or why it could not be.
    pub fit: Option<Result<Arc<HistoryFit>, String>>,
}

/// What the Behaviour view shows and the assumptions being tried.
pub struct BehaviourView {
    /// The plan people are paid on today (history is calibrated against it).
    pub baseline: Option<PlanId>,
    /// The plans simulated, in order.
    pub plans: Vec<PlanId>,
    /// Which simulated plan the "changes most" list is for (index into `plans`).
    pub focus: usize,
    /// Monte Carlo trials.
    pub trials: usize,
    /// Quarters in the runway.
    pub quarters: usize,
    /// Responsiveness ε per role, where the user moved a slider (else the plan's own).
    pub responsiveness: BTreeMap<String, f64>,
    /// Risk aversion γ per role, where the user moved a slider (else the plan's own).
    pub risk_aversion: BTreeMap<String, f64>,
    /// Multiplies every noise spread.
    pub noise_scale: f64,
    /// The runway as edited (`None`: each plan's own).
    pub runway: Option<Runway>,
    /// The last simulation asked for.
    pub requested: Option<SimKey>,
    /// The last result (kept on screen while a newer one runs).
    pub result: Option<SimResult>,
    /// Why a simulation failed, and which one (shown while it is the last asked for).
    pub error: Option<(SimKey, String)>,
    /// The plan of the previous period, to fit ε from the roster's `*_prev_1` history.
    pub fit_previous: Option<PlanId>,
    /// The pay period simulated, when the plans are plan years (else the whole year).
    pub scope: Scope,
    /// The pay periods the baseline and the plans share (empty unless they are all plan years
    /// with the same periods), and the plans (with revisions) they were found for.
    pub periods: Vec<String>,
    periods_for: Option<Vec<(PlanId, u64)>>,
    /// Why the rosters are not the chosen pay period's actuals (set by the app each frame).
    pub actuals: Option<String>,
    /// The roster (people, revision) too large to simulate without asking (`ask_above`),
    /// while the view waits for the user to agree.
    pub waiting_for: Option<(usize, u64)>,
    /// The roster revision the user agreed to simulate although it is large.
    pub agreed_roster: Option<u64>,
    /// Above how many people to ask ([`ASK_ABOVE`]; tests lower it).
    pub ask_above: usize,
    /// Why nothing is simulated for the roster and plans as they are now (`None`: a simulation
    /// runs, ran, or waits for the user to agree).
    pub idle: Option<Idle>,
    cache: Cache,
}

/// Why the Behaviour view simulates nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Idle {
    /// There is nobody to simulate.
    NoRoster,
    /// The plan people are paid on today has problems (named in the view).
    BaselineInvalid,
}

impl Default for BehaviourView {
    fn default() -> Self {
        Self {
            baseline: None,
            plans: Vec::new(),
            focus: 0,
            trials: TRIALS[0],
            quarters: 8,
            responsiveness: BTreeMap::new(),
            risk_aversion: BTreeMap::new(),
            noise_scale: 1.0,
            runway: None,
            requested: None,
            result: None,
            error: None,
            fit_previous: None,
            scope: Scope::Year,
            periods: Vec::new(),
            periods_for: None,
            actuals: None,
            waiting_for: None,
            agreed_roster: None,
            ask_above: ASK_ABOVE,
            idle: None,
            cache: Cache::default(),
        }
    }
}

impl BehaviourView {
    /// Keeps the selection valid: drops closed plans; starts from the sales-led sample (or the
    /// first plan) as the baseline and the next plans as the alternatives.
    pub fn sync(&mut self, docs: &[PlanDoc]) {
        self.plans.retain(|id| docs.iter().any(|d| d.id == *id));
        if self.baseline.is_some_and(|b| !docs.iter().any(|d| d.id == b)) {
            self.baseline = None;
        }
        if self.fit_previous.is_some_and(|p| !docs.iter().any(|d| d.id == p) || Some(p) == self.baseline) {
            self.fit_previous = None;
        }
        if self.baseline.is_none() {
            self.baseline = docs
                .iter()
                .find(|d| d.source == PlanSource::Sample("sales_led"))
                .or_else(|| docs.first())
                .map(|d| d.id);
            self.plans.clear();
        }
        self.plans.retain(|id| Some(*id) != self.baseline);
        if self.plans.is_empty() {
            // Plans in another currency than the baseline cannot be simulated against it: they
            // are offered, not ticked.
            let currency =
                self.baseline.and_then(|b| docs.iter().find(|d| d.id == b)).map(|d| d.plan.currency.as_str());
            self.plans = docs
                .iter()
                .filter(|d| {
                    Some(d.id) != self.baseline && currency.is_none_or(|c| d.plan.currency.eq_ignore_ascii_case(c))
                })
                .take(MAX_PLANS)
                .map(|d| d.id)
                .collect();
        }
        self.focus = self.focus.min(self.plans.len().saturating_sub(1));
    }

    /// The options the sliders describe.
    pub fn options(&self) -> SimOptions {
        SimOptions {
            trials: self.trials,
            quarters: self.quarters,
            responsiveness: self.responsiveness.clone(),
            risk_aversion: self.risk_aversion.clone(),
            noise_scale: self.noise_scale,
            runway: self.runway.clone(),
            movers: MOVERS,
            ..SimOptions::default()
        }
    }

    /// The simulation the view needs now, if it differs from the last one asked for; `Err`
    /// says why none can run (shown in the view).
    pub fn wanted(&mut self, docs: &[PlanDoc], roster: &Arc<Roster>, roster_revision: u64) -> Option<SimRequest> {
        self.sync(docs);
        // Whatever the view waited for, it is this roster's turn now.
        self.waiting_for = None;
        self.idle = None;
        let find = |id: PlanId| docs.iter().find(|d| d.id == id);
        let baseline = self.baseline.and_then(find)?;
        self.idle = if roster.employees.is_empty() {
            Some(Idle::NoRoster)
        } else if baseline.has_errors() {
            Some(Idle::BaselineInvalid)
        } else {
            None
        };
        if self.idle.is_some() {
            // A simulation still running for the roster or plan as they were is not waited for.
            self.requested = None;
            return None;
        }
        let people = roster.employees.len();
        self.waiting_for = (people > self.ask_above && self.agreed_roster != Some(roster_revision))
            .then_some((people, roster_revision));
        if self.waiting_for.is_some() {
            return None;
        }
        let plans: Vec<&PlanDoc> = self.plans.iter().filter_map(|id| find(*id)).filter(|d| !d.has_errors()).collect();
        let previous = self.fit_previous.and_then(find).filter(|d| !d.has_errors());
        // The pay periods baseline and plans share (found again when any of them changes).
        let revisions: Vec<(PlanId, u64)> =
            std::iter::once(baseline).chain(plans.iter().copied()).map(|d| (d.id, d.revision)).collect();
        if self.periods_for.as_ref() != Some(&revisions) {
            let named: Vec<(String, &crate::plan::Plan)> = std::iter::once(baseline)
                .chain(plans.iter().copied())
                .map(|d| (d.plan.name.clone(), &d.plan))
                .collect();
            self.periods = match crate::year::common_periods(&named) {
                Ok(periods) if !plans.is_empty() => periods.into_iter().map(|p| p.name).collect(),
                _ => Vec::new(),
            };
            self.periods_for = Some(revisions);
        }
        if self.scope.period().is_some_and(|p| !self.periods.iter().any(|x| x == p)) {
            self.scope = Scope::Year;
        }
        let key = SimKey {
            baseline: (baseline.id, baseline.revision),
            plans: plans.iter().map(|d| (d.id, d.revision)).collect(),
            roster: roster_revision,
            options: self.options(),
            fit_previous: previous.map(|d| (d.id, d.revision)),
            period: self.scope.period().map(str::to_owned),
        };
        if self.requested.as_ref() == Some(&key) {
            return None;
        }
        self.requested = Some(key.clone());
        Some(SimRequest {
            key,
            baseline: baseline.plan.clone(),
            plans: plans.iter().map(|d| d.plan.clone()).collect(),
            roster: Arc::clone(roster),
            previous: previous.map(|d| d.plan.clone()),
        })
    }

    /// Takes a finished simulation (ignored unless it is the one asked for last).
    pub fn receive(
        &mut self,
        key: SimKey,
        result: Result<Arc<SimReport>, String>,
        elapsed: Duration,
        fit: Option<Result<Arc<HistoryFit>, String>>,
    ) {
        if self.requested.as_ref() != Some(&key) {
            return;
        }
        match result {
            Ok(report) => {
                self.result = Some(SimResult { key, report, elapsed, fit });
                self.error = None;
            }
            Err(e) => self.error = Some((key, e)),
        }
    }

    /// Whether a simulation is running for what the view shows (the last asked for has neither
    /// finished nor failed).
    pub fn is_running(&self) -> bool {
        self.requested.is_some()
            && self.requested.as_ref() != self.result.as_ref().map(|r| &r.key)
            && self.requested.as_ref() != self.error.as_ref().map(|(k, _)| k)
    }

    /// Why the last simulation asked for could not run.
    pub fn failed(&self) -> Option<&str> {
        self.error.as_ref().filter(|(k, _)| self.requested.as_ref() == Some(k)).map(|(_, e)| e.as_str())
    }
}

/// Plot data, rebuilt when a new result arrives.
#[derive(Default)]
struct Cache {
    key: Option<SimKey>,
    /// Per role: activities, then per column (baseline first) the hours per activity.
    roles: Vec<RoleBars>,
    /// Output metrics, and per plan the % change of each from the baseline.
    metrics: Vec<String>,
    volume_change: Vec<Vec<f64>>,
    /// Per plan (baseline first): quarters, then revenue and cost bands.
    fans: Vec<Fan>,
}

struct RoleBars {
    role: String,
    people: usize,
    activities: Vec<String>,
    /// Per column (baseline, then each plan): hours per person per activity.
    columns: Vec<Vec<f64>>,
}

struct Fan {
    xs: Vec<f64>,
    revenue: [Vec<f64>; 3],
    cost: [Vec<f64>; 3],
}

fn band_series(bands: impl Iterator<Item = Band>) -> [Vec<f64>; 3] {
    let mut out: [Vec<f64>; 3] = Default::default();
    for b in bands {
        let [lo, mid, hi] = &mut out;
        lo.push(b.p10);
        mid.push(b.p50);
        hi.push(b.p90);
    }
    out
}

fn outcomes(report: &SimReport) -> impl Iterator<Item = &PlanOutcome> {
    std::iter::once(&report.baseline).chain(report.plans.iter())
}

fn rebuild(cache: &mut Cache, result: &SimResult) {
    if cache.key.as_ref() == Some(&result.key) {
        return;
    }
    let r = &result.report;
    cache.roles = r
        .roles
        .iter()
        .map(|info| RoleBars {
            role: info.role.clone(),
            people: info.people,
            activities: info.activities.clone(),
            columns: outcomes(r)
                .map(|p| p.roles.iter().find(|x| x.role == info.role).map(|x| x.hours.clone()).unwrap_or_default())
                .collect(),
        })
        .collect();
    cache.metrics = r.baseline.totals.volumes.iter().map(|v| v.metric.clone()).collect();
    if r.baseline.totals.revenue.mean != 0.0 && !cache.metrics.iter().any(|m| m == "revenue") {
        cache.metrics.insert(0, "revenue".to_owned());
    }
    let value = |p: &PlanOutcome, metric: &str| -> f64 {
        match p.totals.volumes.iter().find(|v| v.metric == metric) {
            Some(v) => v.expected,
            None if metric == "revenue" => p.totals.revenue.mean,
            None => 0.0,
        }
    };
    cache.volume_change = r
        .plans
        .iter()
        .map(|p| {
            cache
                .metrics
                .iter()
                .map(|m| {
                    let base = value(&r.baseline, m);
                    if base.abs() < 1e-9 { 0.0 } else { (value(p, m) / base - 1.0) * 100.0 }
                })
                .collect()
        })
        .collect();
    cache.fans = outcomes(r)
        .map(|p| Fan {
            xs: p.runway.iter().map(|q| q.quarter as f64).collect(),
            revenue: band_series(p.runway.iter().map(|q| q.revenue)),
            cost: band_series(p.runway.iter().map(|q| q.cost)),
        })
        .collect();
    cache.key = Some(result.key.clone());
}

/// The Behaviour view.
pub fn behaviour_ui(
    ui: &mut egui::Ui,
    docs: &[PlanDoc],
    view: &mut BehaviourView,
    meeting: bool,
    actions: &mut Vec<super::super::app::Action>,
) {
    view.sync(docs);
    if docs.len() < 2 {
        widgets::muted(ui, "Open at least two plans: the one people are paid on today, and one to try.");
        return;
    }
    selection_ui(ui, docs, view);
    let invalid: Vec<&str> = std::iter::once(view.baseline)
        .flatten()
        .chain(view.plans.iter().copied())
        .filter_map(|id| docs.iter().find(|d| d.id == id))
        .filter(|d| d.has_errors())
        .map(|d| d.plan.name.as_str())
        .collect();
    if !invalid.is_empty() {
        ui.colored_label(theme::tokens(ui).negative, left_out_note(&invalid));
    }
    if let (Some(_), Some(why)) = (view.scope.period(), &view.actuals) {
        ui.add(egui::Label::new(egui::RichText::new(why).color(theme::tokens(ui).warning)).wrap());
    }
    if let Some(e) = view.failed() {
        ui.colored_label(theme::tokens(ui).negative, format!("The simulation could not run: {e}"));
    }
    match view.idle {
        // Nothing was asked for: no "Simulating…", and nothing from a roster or plan since changed.
        Some(Idle::NoRoster) => {
            widgets::muted(ui, "No roster: import one (Rosters, on the left) to see how people would respond.");
            return;
        }
        // The note above names the plan to fix.
        Some(Idle::BaselineInvalid) => return,
        None => {}
    }
    if let Some((people, revision)) = view.waiting_for {
        large_roster_ui(ui, people, revision, &mut view.agreed_roster);
        if view.result.as_ref().is_none_or(|r| r.key.roster != revision) {
            return;
        }
    }
    let Some(result) = view.result.as_ref() else {
        if view.failed().is_none() {
            ui.horizontal(|ui| {
                widgets::busy(ui);
                ui.label("Simulating…");
            });
        }
        return;
    };
    rebuild(&mut view.cache, result);
    let report = Arc::clone(&result.report);
    let colors: Vec<usize> = std::iter::once(result.key.baseline.0)
        .chain(result.key.plans.iter().map(|(id, _)| *id))
        .map(|id| docs.iter().find(|d| d.id == id).map_or(0, |d| d.color))
        .collect();
    let height = if meeting { 280.0 } else { 210.0 };
    let results = |ui: &mut egui::Ui, view: &mut BehaviourView| {
        egui::ScrollArea::vertical().id_salt("behaviour_scroll").auto_shrink([false, false]).show(ui, |ui| {
            egui::ScrollArea::horizontal().id_salt("behaviour_summary_scroll").show(ui, |ui| {
                summary_ui(ui, &report, &colors);
            });
            ui.add_space(8.0);
            allocation_ui(ui, &report, &view.cache, height);
            ui.add_space(8.0);
            volumes_ui(ui, &report, &view.cache, &colors, height);
            ui.add_space(8.0);
            runway_ui(ui, &report, &view.cache, &colors, height);
            ui.add_space(8.0);
            movers_ui(ui, &report, view);
            ui.add_space(8.0);
            notes_ui(ui, &report);
        });
    };
    if meeting {
        results(ui, view);
        return;
    }
    // Assumptions on the left, results on the right, each in a box of its own width (panels
    // inside the central area would take their space from the window's own panels).
    let height_left = ui.available_height();
    ui.horizontal_top(|ui| {
        let layout = egui::Layout::top_down(egui::Align::Min);
        ui.allocate_ui_with_layout(egui::vec2(225.0, height_left), layout, |ui| {
            ui.set_width(225.0);
            // Narrow sliders keep the column to its width, leaving the results room at 1280 × 800.
            ui.spacing_mut().slider_width = 80.0;
            egui::ScrollArea::vertical().id_salt("assumptions_scroll").show(ui, |ui| {
                assumptions_ui(ui, docs, view, &report, actions);
            });
        });
        ui.separator();
        let rest = ui.available_width();
        ui.allocate_ui_with_layout(egui::vec2(rest, height_left), layout, |ui| {
            ui.set_max_width(rest);
            results(ui, view);
        });
    });
}

fn selection_ui(ui: &mut egui::Ui, docs: &[PlanDoc], view: &mut BehaviourView) {
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Paid today on");
        let current = view.baseline.and_then(|id| docs.iter().find(|d| d.id == id));
        egui::ComboBox::from_id_salt("behaviour_baseline")
            .selected_text(current.map_or("–", |d| d.plan.name.as_str()))
            .show_ui(ui, |ui| {
                for d in docs {
                    if ui.selectable_label(view.baseline == Some(d.id), &d.plan.name).clicked() {
                        view.baseline = Some(d.id);
                        view.plans.retain(|id| *id != d.id);
                    }
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("The baseline: people's history is what they do under this plan");
        ui.separator();
        ui.label("Try");
        for d in docs.iter().filter(|d| Some(d.id) != view.baseline) {
            let mut on = view.plans.contains(&d.id);
            widgets::color_dot(ui, theme::plan_color(ui, d.color));
            let full = !on && view.plans.len() >= MAX_PLANS;
            let r = ui
                .add_enabled(!full, egui::Checkbox::new(&mut on, &d.plan.name))
                .on_disabled_hover_text("At most three plans beside the baseline");
            if r.changed() {
                if on {
                    view.plans.push(d.id);
                } else {
                    view.plans.retain(|id| *id != d.id);
                }
            }
        }
    });
    // The run's settings on a row of their own: a row wider than the view widens everything below.
    ui.horizontal_wrapped(|ui| {
        if !view.periods.is_empty() {
            widgets::period_chooser_ui(ui, "behaviour", &view.periods, &mut view.scope);
            ui.separator();
        }
        let l = ui.label("Trials");
        egui::ComboBox::from_id_salt("behaviour_trials")
            .selected_text(view.trials.to_string())
            .show_ui(ui, |ui| {
                for t in TRIALS {
                    ui.selectable_value(&mut view.trials, t, t.to_string());
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("Monte Carlo trials per plan: more gives steadier bands and takes longer");
        ui.add(egui::Slider::new(&mut view.quarters, 2..=16).text("quarters"))
            .on_hover_text("How far the runway projection looks ahead");
        if view.is_running() {
            widgets::busy(ui);
        } else if let Some(r) = &view.result {
            widgets::muted(ui, format!("{} ms", r.elapsed.as_millis()));
        }
    });
}

/// Asks before simulating a roster of `people` (above [`ASK_ABOVE`]); agreeing sets
/// `agreed` to the roster's `revision`.
fn large_roster_ui(ui: &mut egui::Ui, people: usize, revision: u64, agreed: &mut Option<u64>) {
    let gib = (people as f64 * 10e3 / (1u64 << 30) as f64).ceil();
    ui.add(
        egui::Label::new(format!(
            "The roster has {} people. Simulating everyone takes minutes and about {gib} GB of memory \
             (1,000,000 people: a minute and a half and 10 GB on two cores), and again after each \
             change of a plan or an assumption.",
            crate::money::grouped(Decimal::from(people), 0)
        ))
        .wrap(),
    );
    if ui.button(format!("Simulate all {} people", crate::money::grouped(Decimal::from(people), 0))).clicked() {
        *agreed = Some(revision);
    }
}

/// A slider over `track` for a dial whose valid values are `valid`: a value outside the track
/// (a plan's own, or one typed into the number) is shown and kept as it is, never moved by
/// being shown (egui's default clamping would show the track's end and report a change); a
/// value typed outside `valid` is brought back into it.
fn dial<N: egui::emath::Numeric>(
    ui: &mut egui::Ui,
    value: &mut N,
    track: std::ops::RangeInclusive<N>,
    valid: std::ops::RangeInclusive<N>,
    text: impl Into<egui::WidgetText>,
    decimals: Option<usize>,
) -> egui::Response {
    let slider = egui::Slider::new(value, track).text(text).clamping(egui::SliderClamping::Never);
    let response = ui.add(match decimals {
        Some(d) => slider.fixed_decimals(d),
        None => slider,
    });
    if response.changed() {
        let (lo, hi) = (valid.start().to_f64(), valid.end().to_f64());
        *value = N::from_f64(value.to_f64().clamp(lo, hi));
    }
    response
}

/// What the plan validator's `check` ([`crate::plan::validate::responsiveness_problem`],
/// [`crate::plan::validate::risk_aversion_problem`]) says of a dial's `value`, read as it is
/// written (`4` is 4, not the nearest binary fraction of it), as `carrot simulate` reads the
/// same value given on its command line.
fn dial_problem(value: f64, check: fn(Decimal) -> Option<crate::plan::Problem>) -> Option<crate::plan::Problem> {
    let exact: Decimal = value.to_string().parse().ok()?;
    check(exact)
}

/// [`dial`] for a plan's decimal value.
fn dec_slider(
    ui: &mut egui::Ui,
    value: &mut Decimal,
    track: std::ops::RangeInclusive<f64>,
    valid: std::ops::RangeInclusive<f64>,
    text: &str,
) -> bool {
    let mut v = value.to_f64().unwrap_or(0.0);
    let changed = dial(ui, &mut v, track, valid, text, None).changed();
    if changed && let Some(d) = Decimal::from_f64(v) {
        *value = d.round_dp(4).normalize();
    }
    changed
}

/// "Fit ε from history": the previous period's plan, and what the fit found (ε per role, its
/// error and the back-test), from the last result.
fn fit_ui(ui: &mut egui::Ui, docs: &[PlanDoc], view: &mut BehaviourView) {
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Fit ε from history: before, paid on");
        let current = view.fit_previous.and_then(|id| docs.iter().find(|d| d.id == id));
        egui::ComboBox::from_id_salt("behaviour_fit_previous")
            .selected_text(current.map_or("–", |d| d.plan.name.as_str()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.fit_previous, None, "–");
                for d in docs.iter().filter(|d| Some(d.id) != view.baseline) {
                    ui.selectable_value(&mut view.fit_previous, Some(d.id), &d.plan.name);
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(
                "The plan people were paid on in the period the roster's *_prev_1 columns record: ε is fitted from how their hours moved since (docs/behaviour.md)",
            );
    });
    let Some(fit) = view.result.as_ref().and_then(|r| r.fit.as_ref()) else { return };
    match fit {
        Ok(fit) => {
            for r in &fit.roles {
                let text = format!(
                    "{}: ε {:.2} fitted on {} people; hours error {:.1} h (nobody changes: {:.1} h), back-test {:.1} h",
                    r.role, r.epsilon, r.people, r.rmse, r.rmse_no_change, r.backtest_rmse
                );
                let moved = view.responsiveness.contains_key(&r.role);
                ui.label(text).on_hover_text(if moved {
                    "Your slider value is used for this role, not the fitted one"
                } else {
                    "The simulation uses the fitted ε for this role"
                });
            }
            for (role, why) in &fit.unfitted {
                widgets::muted(ui, format!("{role}: not fitted, {why}"));
            }
            for caution in fit.cautions() {
                ui.colored_label(theme::tokens(ui).warning, caution);
            }
        }
        Err(e) => {
            ui.colored_label(theme::tokens(ui).negative, format!("ε could not be fitted: {e}"));
        }
    }
}

fn assumptions_ui(
    ui: &mut egui::Ui,
    docs: &[PlanDoc],
    view: &mut BehaviourView,
    report: &SimReport,
    actions: &mut Vec<super::super::app::Action>,
) {
    ui.label(egui::RichText::new("Assumptions").strong());
    widgets::muted(ui, "Try values here; docs/behaviour.md explains each.");
    ui.add_space(4.0);
    ui.label("Responsiveness ε per role");
    for role in &report.roles {
        let mut eps = view.responsiveness.get(&role.role).copied().unwrap_or(role.responsiveness);
        let r = dial(ui, &mut eps, 0.0..=2.0, 0.0..=f64::from(MAX_RESPONSIVENESS), &role.role, Some(2))
            .on_hover_text("How far people move their hours when pay changes: 0 = nobody changes, 0.3 = default");
        if r.changed() {
            view.responsiveness.insert(role.role.clone(), eps);
        }
        // What `carrot validate` says of this ε in a plan (and `carrot simulate` of it given
        // with --responsiveness), under the dial.
        widgets::problems_ui(ui, dial_problem(eps, crate::plan::validate::responsiveness_problem).iter());
    }
    fit_ui(ui, docs, view);
    ui.label("Risk aversion γ per role");
    for role in &report.roles {
        let mut gamma = view.risk_aversion.get(&role.role).copied().unwrap_or(role.risk_aversion);
        let r = dial(ui, &mut gamma, 0.0..=5.0, 0.0..=f64::from(MAX_RISK_AVERSION), format!("{} γ", role.role), Some(2))
            .on_hover_text(
                "How much people dislike uncertain pay: 0 = they choose on expected pay (default); 1 = pay that varies by ±20% is worth 2% less to them",
            );
        if r.changed() {
            view.risk_aversion.insert(role.role.clone(), gamma);
        }
        widgets::problems_ui(ui, dial_problem(gamma, crate::plan::validate::risk_aversion_problem).iter());
    }
    ui.add(egui::Slider::new(&mut view.noise_scale, 0.0..=3.0).text("noise ×").fixed_decimals(2))
        .on_hover_text("Scales how uncertain each person's results are (0 = no uncertainty)");
    ui.add_space(6.0);
    ui.label("Runway");
    let mut runway =
        view.runway.clone().or_else(|| report.plans.first().map(|p| p.runway_assumptions.clone())).unwrap_or_default();
    let mut changed = false;
    for c in &mut runway.conversions {
        ui.label(format!("{} that convert", c.metric.replace('_', " ")));
        changed |= dec_slider(ui, &mut c.rate, 0.0..=1.0, 0.0..=1.0, "share");
        let mut lag = c.lag_quarters;
        if dial(ui, &mut lag, 0..=8, 0..=i64::from(u32::MAX), "quarters later", None).changed() {
            c.lag_quarters = lag;
            changed = true;
        }
        changed |= dec_slider(ui, &mut c.revenue_per_quarter, 0.0..=20_000.0, 0.0..=f64::MAX, "revenue / quarter");
    }
    for p in &mut runway.productivity {
        ui.label(format!("{} raise {} {} per hour", p.metric.replace('_', " "), p.role, p.applies_to()));
        changed |= dec_slider(ui, &mut p.uplift, 0.0..=0.05, 0.0..=1.0, "uplift per unit");
        let mut lag = p.lag_quarters;
        if dial(ui, &mut lag, 0..=8, 0..=i64::from(u32::MAX), "quarters later", None).changed() {
            p.lag_quarters = lag;
            changed = true;
        }
    }
    if changed {
        view.runway = Some(runway);
    }
    if view.runway.is_some() {
        widgets::muted(ui, "The edited runway applies to every plan.");
    }
    ui.add_space(6.0);
    let edited = !view.responsiveness.is_empty()
        || !view.risk_aversion.is_empty()
        || view.runway.is_some()
        || view.noise_scale != 1.0;
    if ui
        .add_enabled(edited, egui::Button::new("Reset to the plans' assumptions"))
        .on_hover_text("Forget the slider values and use each plan file's own assumptions")
        .clicked()
    {
        view.responsiveness.clear();
        view.risk_aversion.clear();
        view.runway = None;
        view.noise_scale = 1.0;
    }
    let writable = !view.responsiveness.is_empty() || !view.risk_aversion.is_empty() || view.runway.is_some();
    if ui
        .add_enabled(writable, egui::Button::new("Keep these in the plans"))
        .on_hover_text(
            "Write ε into the baseline plan and the runway into the plans simulated (as unsaved, undoable edits)",
        )
        .clicked()
    {
        actions.push(super::super::app::Action::KeepAssumptions);
    }
}

fn pct_change(v: f64, base: f64) -> String {
    if base.abs() < 1e-9 {
        return "–".to_owned();
    }
    let p = (v / base - 1.0) * 100.0;
    if p.abs() < 0.05 { "0.0%".to_owned() } else { format!("{p:+.1}%").replace('-', "−") }
}

/// A compact amount: 10.4M, 852k, 950.
fn compact(v: f64) -> String {
    let a = v.abs();
    let s = if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.0}k", v / 1e3)
    } else {
        format!("{v:.0}")
    };
    s.replace('-', "−")
}

fn range(b: &Band) -> String {
    format!("{} – {}", compact(b.p10), compact(b.p90))
}

fn summary_ui(ui: &mut egui::Ui, report: &SimReport, colors: &[usize]) {
    let base = &report.baseline;
    ui.add(
        egui::Label::new(
            egui::RichText::new("What each plan does in its first quarter, and by the last quarter of the runway")
                .strong(),
        )
        .wrap(),
    );
    trials_note_ui(ui, report.trials);
    // Five columns, each value over its spread or change, so the table fits a narrow view.
    // Numbers never wrap inside a cell.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
    let muted = theme::tokens(ui).muted;
    let cell = |ui: &mut egui::Ui, top: String, below: String| {
        ui.vertical(|ui| {
            ui.label(top);
            ui.label(egui::RichText::new(below).small().color(muted));
        });
    };
    egui::Grid::new("behaviour_summary").striped(true).num_columns(5).spacing([10.0, 4.0]).show(ui, |ui| {
        let cur = &report.currency;
        let heads = [
            ("Plan".to_owned(), String::new()),
            ("Revenue".to_owned(), format!("{cur}, P10–P90, vs today")),
            ("Payout cost".to_owned(), "vs today".to_owned()),
            ("Cost %".to_owned(), "of revenue".to_owned()),
            (format!("Revenue Q{}", report.quarters), "vs today".to_owned()),
        ];
        for (h, sub) in heads {
            ui.vertical(|ui| {
                ui.label(egui::RichText::new(h).strong());
                if !sub.is_empty() {
                    ui.label(egui::RichText::new(sub).small().color(muted));
                }
            });
        }
        ui.end_row();
        let last = |p: &PlanOutcome| p.runway.last().map_or(0.0, |q| q.revenue.p50);
        for (i, p) in outcomes(report).enumerate() {
            ui.horizontal(|ui| {
                widgets::color_dot(ui, theme::plan_color(ui, colors.get(i).copied().unwrap_or(0)));
                ui.label(&p.plan);
            });
            cell(
                ui,
                money_tick(p.totals.revenue.p50),
                format!("{}, {}", range(&p.totals.revenue), pct_change(p.totals.revenue.p50, base.totals.revenue.p50))
                    .replace(" – ", "–"),
            );
            cell(ui, money_tick(p.totals.cost.p50), pct_change(p.totals.cost.p50, base.totals.cost.p50));
            ui.label(p.totals.cost_pct.map_or_else(|| "–".to_owned(), |b| format!("{:.1}%", b.p50)));
            cell(ui, money_tick(last(p)), pct_change(last(p), last(base)));
            ui.end_row();
        }
    });
    // What each plan pays at people's recorded results, exactly: the figure payroll would pay
    // (for a pay period of a plan year, `carrot payouts --period` without a ledger).
    let dp = crate::money::minor_units(&report.currency).unwrap_or(2);
    widgets::muted(ui, "Paid at today's results, exactly")
        .on_hover_text("Each plan's payouts on the roster as it is, before anyone changes what they do");
    for p in outcomes(report) {
        widgets::muted(ui, format!("{} · {}", p.plan, crate::money::grouped(p.at_history.cost, dp)));
    }
}

/// How many trials the figures shown come from. The view starts with fewer trials than
/// `carrot simulate` (quick answers while editing), so its figures can differ a little from the
/// command line's: say so beside them.
fn trials_note_ui(ui: &mut egui::Ui, trials: usize) {
    let cli = SimOptions::default().trials;
    let text = if trials < cli {
        format!(
            "{trials} trials, for quick answers while editing; `carrot simulate` runs {cli} by default: choose {cli} \
             under Trials for figures to quote"
        )
    } else {
        format!("{trials} trials")
    };
    ui.add(egui::Label::new(egui::RichText::new(text).small().color(theme::tokens(ui).muted)).wrap())
        .on_hover_text("More trials give steadier P10–P90 bands and take longer");
}

fn column_names(report: &SimReport) -> Vec<String> {
    outcomes(report)
        .enumerate()
        .map(|(i, p)| if i == 0 { "Today".to_owned() } else { crate::roster::values::shorten(&p.plan, 14) })
        .collect()
}

fn static_plot(id: &str, height: f32) -> Plot<'static> {
    Plot::new(id.to_owned())
        .height(height)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
}

fn allocation_ui(ui: &mut egui::Ui, report: &SimReport, cache: &Cache, height: f32) {
    let names = column_names(report);
    let tokens = theme::tokens(ui);
    let ctx = ui.ctx().clone();
    let mut all_activities: Vec<&str> = Vec::new();
    for r in &cache.roles {
        for a in &r.activities {
            if !all_activities.contains(&a.as_str()) {
                all_activities.push(a);
            }
        }
    }
    let activity_color = |a: &str| -> egui::Color32 {
        if a == crate::sim::assumptions::OTHER_ACTIVITY {
            return tokens.other;
        }
        // Numbered among the named activities only, so every one has a colour of its own.
        let named = all_activities.iter().filter(|x| **x != crate::sim::assumptions::OTHER_ACTIVITY);
        let k = named.clone().position(|x| *x == a).unwrap_or(0);
        theme::series_color(&ctx, k)
    };
    // Side by side when each chart has room for its column labels, else one above the other.
    let roles = cache.roles.len().max(1);
    let side_by_side = ui.available_width() / roles as f32 >= 300.0;
    let columns = if side_by_side { roles } else { 1 };
    let role_ui = |ui: &mut egui::Ui, role: &RoleBars| {
        {
            ui.label(
                egui::RichText::new(format!("Hours per {} ({} people)", role.role, widgets::count(role.people)))
                    .strong(),
            );
            let legend: Vec<(String, egui::Color32)> =
                role.activities.iter().rev().map(|a| (a.replace('_', " "), activity_color(a))).collect();
            plots::legend_ui(ui, &legend);
            // The y axis takes about 60 points of the width.
            let per_column = (ui.available_width() - 60.0) / (names.len().max(1) as f32 + 0.4);
            static_plot(&format!("alloc_{}", role.role), height)
                .custom_x_axes(vec![plots::category_axis_x(names.clone(), per_column, "")])
                .x_grid_spacer(plots::category_spacer())
                .y_grid_spacer(plots::y_spacer())
                .y_axis_label("Hours in the period")
                .include_y(0.0)
                .include_x(-0.7)
                .include_x(names.len() as f64 - 0.3)
                .show(ui, |plot| {
                    let mut charts: Vec<BarChart> = Vec::new();
                    for (k, activity) in role.activities.iter().enumerate() {
                        let bars: Vec<Bar> = role
                            .columns
                            .iter()
                            .enumerate()
                            .map(|(c, hours)| {
                                let h = hours.get(k).copied().unwrap_or(0.0);
                                let column = names.get(c).map_or("", String::as_str);
                                Bar::new(c as f64, h).width(0.6).name(format!("{column}: {activity} {h:.0} h"))
                            })
                            .collect();
                        let chart = BarChart::new(activity.replace('_', " "), bars)
                            .color(activity_color(activity))
                            .stack_on(&charts.iter().collect::<Vec<_>>());
                        charts.push(chart);
                    }
                    for c in charts {
                        plot.bar_chart(c);
                    }
                });
        }
    };
    ui.columns(columns, |cols| {
        for (k, role) in cache.roles.iter().enumerate() {
            if let Some(ui) = cols.get_mut(if side_by_side { k } else { 0 }) {
                role_ui(ui, role);
            }
        }
    });
}

fn volumes_ui(ui: &mut egui::Ui, report: &SimReport, cache: &Cache, colors: &[usize], height: f32) {
    ui.label(egui::RichText::new("Change in activity volumes vs today").strong());
    if cache.metrics.is_empty() {
        // An empty chart says nothing: the notes name the output columns the roster lacks.
        widgets::muted(
            ui,
            "None to show: the roster has no column for any activity's output (named under “Assumptions used and \
             values not from people's history” below).",
        );
        return;
    }
    let metrics: Vec<String> = cache.metrics.iter().map(|m| m.replace('_', " ")).collect();
    let n = report.plans.len().max(1) as f64;
    let width = 0.8 / n;
    let legend: Vec<(String, egui::Color32)> = report
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| (p.plan.clone(), theme::plan_color(ui, colors.get(i + 1).copied().unwrap_or(0))))
        .collect();
    plots::legend_ui(ui, &legend);
    // Each metric gets a row of its own height, so its name is readable.
    let rows = (metrics.len() as f32 * (18.0 + 8.0 * n as f32)).max(height);
    static_plot("behaviour_volumes", rows)
        .custom_y_axes(vec![plots::category_axis_y(metrics.clone(), "").min_thickness(150.0)])
        .y_grid_spacer(plots::category_spacer())
        .x_grid_spacer(plots::x_spacer())
        .x_axis_formatter(|m, _| format!("{:+}%", m.value).replace('-', "−"))
        .x_axis_label("Change from today")
        .include_y(-0.6)
        .include_y(metrics.len() as f64 - 0.4)
        .include_x(0.0)
        .show(ui, |plot| {
            for (i, p) in report.plans.iter().enumerate() {
                let Some(changes) = cache.volume_change.get(i) else { continue };
                let offset = (i as f64 - (n - 1.0) / 2.0) * width;
                let bars: Vec<Bar> = changes
                    .iter()
                    .enumerate()
                    .map(|(k, v)| {
                        let metric = metrics.get(k).map_or("", String::as_str);
                        Bar::new(k as f64 + offset, *v)
                            .width(width * 0.9)
                            .name(format!("{}: {metric} {v:+.1}%", p.plan))
                    })
                    .collect();
                let color = theme::plan_color_for(plot.ctx(), colors.get(i + 1).copied().unwrap_or(0));
                plot.bar_chart(BarChart::new(p.plan.clone(), bars).horizontal().color(color).id(("volumes", i)));
            }
        });
}

fn runway_ui(ui: &mut egui::Ui, report: &SimReport, cache: &Cache, colors: &[usize], height: f32) {
    let cur = report.currency.clone();
    let link = ui.scope_id().with("runway_link");
    ui.horizontal_wrapped(|ui| {
        for (i, p) in outcomes(report).enumerate() {
            widgets::color_dot(ui, theme::plan_color(ui, colors.get(i).copied().unwrap_or(0)));
            ui.label(if i == 0 { format!("{} (baseline, dashed)", p.plan) } else { p.plan.clone() });
        }
    });
    ui.columns(2, |cols| {
        for (k, (ui, title)) in cols.iter_mut().zip(["Revenue per quarter", "Payout cost per quarter"]).enumerate() {
            ui.label(egui::RichText::new(format!("{title} (P50, band P10–P90)")).strong());
            let cur = cur.clone();
            static_plot(&format!("runway_{k}"), height)
                .custom_x_axes(vec![egui_plot::AxisHints::new_x().label("Quarter").label_spacing(4.0..=6.0).formatter(
                    |m, _| {
                        let q = m.value.round();
                        if (m.value - q).abs() < 1e-6 && q >= 1.0 { format!("Q{q}") } else { String::new() }
                    },
                )])
                .x_grid_spacer(plots::category_spacer())
                .y_grid_spacer(plots::y_spacer())
                .custom_y_axes(vec![plots::money_axis_y(format!(
                    "{} ({cur})",
                    if k == 0 { "Revenue" } else { "Cost" }
                ))])
                .link_cursor(link, [true, false])
                .show(ui, |plot| {
                    for (i, (p, fan)) in outcomes(report).zip(&cache.fans).enumerate() {
                        let [lo, mid, hi] = if k == 0 { &fan.revenue } else { &fan.cost };
                        let color = theme::plan_color_for(plot.ctx(), colors.get(i).copied().unwrap_or(0));
                        let name = if i == 0 { format!("{} (today)", p.plan) } else { p.plan.clone() };
                        if i > 0 {
                            plot.add(
                                FilledArea::new(name.clone(), &fan.xs, lo, hi)
                                    .fill_color(color.gamma_multiply(0.18))
                                    .id(("band", k, i)),
                            );
                        }
                        let points: Vec<[f64; 2]> = fan.xs.iter().zip(mid).map(|(x, y)| [*x, *y]).collect();
                        let mut line =
                            Line::new(name, PlotPoints::from(points)).color(color).width(2.5).id(("p50", k, i));
                        if i == 0 {
                            line = line.style(LineStyle::dashed_loose());
                        }
                        plot.line(line);
                    }
                });
        }
    });
}

fn movers_ui(ui: &mut egui::Ui, report: &SimReport, view: &mut BehaviourView) {
    if report.plans.is_empty() {
        return;
    }
    view.focus = view.focus.min(report.plans.len() - 1);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Whose time changes most").strong());
        let l = ui.label("under");
        egui::ComboBox::from_id_salt("behaviour_focus")
            .selected_text(report.plans.get(view.focus).map_or("", |p| p.plan.as_str()))
            .show_ui(ui, |ui| {
                for (i, p) in report.plans.iter().enumerate() {
                    ui.selectable_value(&mut view.focus, i, &p.plan);
                }
            })
            .response
            .labelled_by(l.id);
    });
    let Some(plan) = report.plans.get(view.focus) else { return };
    let rows: Vec<(usize, &crate::sim::PersonInfo, &crate::sim::PersonOutcome)> = plan
        .movers
        .iter()
        .take(MOVERS)
        .filter_map(|&k| match (report.people.get(k), plan.people.get(k)) {
            (Some(info), Some(Some(o))) if o.hours_moved >= 0.5 => Some((k, info, o)),
            _ => None,
        })
        .collect();
    // The reason takes the width the other columns leave and wraps in it (two lines a row), so
    // it is read without scrolling sideways.
    let line = ui.text_style_height(&egui::TextStyle::Body);
    // Narrower than its columns' least widths, the table scrolls sideways on its own.
    egui::ScrollArea::horizontal().id_salt("behaviour_movers_scroll").show(ui, |ui| {
        movers_table_ui(ui, report, &rows, line);
    });
}

/// The movers as a table: `rows` are (person, who, outcome); `line` is a line's height.
fn movers_table_ui(
    ui: &mut egui::Ui,
    report: &SimReport,
    rows: &[(usize, &crate::sim::PersonInfo, &crate::sim::PersonOutcome)],
    line: f32,
) {
    let t = theme::tokens(ui);
    let table = egui_extras::TableBuilder::new(ui)
        .id_salt("behaviour_movers")
        .striped(true)
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .columns(egui_extras::Column::auto().at_least(40.0), 6)
        .column(egui_extras::Column::remainder().at_least(240.0).clip(true));
    let table = table.header(line + 6.0, |mut header| {
        for h in ["Name", "Role", "Hours moved", "More", "Less", "Expected pay change"] {
            header.col(|ui| {
                ui.strong(h);
            });
        }
        header.col(|ui| {
            ui.strong("Why").on_hover_text(
                "Expected pay by line, from the baseline at history to this plan: the lines that move it most",
            );
        });
    });
    table.body(|mut body| {
        for &(k, info, o) in rows {
            let activities =
                report.roles.iter().find(|r| r.role == info.role).map_or(&[][..], |r| r.activities.as_slice());
            let diffs: Vec<(usize, f64)> =
                o.hours.iter().zip(&info.baseline_hours).map(|(a, b)| a - b).enumerate().collect();
            let more = diffs.iter().copied().filter(|(_, d)| *d > 0.5).max_by(|a, b| a.1.total_cmp(&b.1));
            let less = diffs.iter().copied().filter(|(_, d)| *d < -0.5).min_by(|a, b| a.1.total_cmp(&b.1));
            let describe = |x: Option<(usize, f64)>| {
                x.and_then(|(i, d)| activities.get(i).map(|a| format!("{} {d:+.0} h", a.replace('_', " "))))
                    .unwrap_or_default()
                    .replace('-', "−")
            };
            // The reason `carrot simulate` prints, from the same core function.
            let why = crate::sim::PayChangeReason::of(report, k, o).to_string();
            // Ten rows at most: each is laid out (not only those in view), so all are found.
            body.row(2.0 * line + 6.0, |mut row| {
                row.col(|ui| {
                    ui.label(&info.name).on_hover_text(format!("{} · {}", info.employee_id, info.team));
                });
                row.col(|ui| {
                    ui.label(&info.role);
                });
                row.col(|ui| {
                    ui.label(format!("{:.0}", o.hours_moved));
                });
                row.col(|ui| {
                    ui.label(describe(more));
                });
                row.col(|ui| {
                    ui.label(describe(less));
                });
                row.col(|ui| {
                    let color = if o.pay_change >= 0.0 { t.positive } else { t.negative };
                    let sign = if o.pay_change >= 0.0 { "+" } else { "−" };
                    ui.colored_label(color, format!("{sign}{}", money_tick(o.pay_change.abs())));
                });
                row.col(|ui| {
                    // In full on hover, should a narrow column cut it after two lines.
                    ui.add(egui::Label::new(why.as_str()).wrap()).on_hover_text(why.as_str());
                });
            });
        }
    });
}

fn notes_ui(ui: &mut egui::Ui, report: &SimReport) {
    egui::CollapsingHeader::new("Assumptions used and values not from people's history")
        .id_salt("behaviour_notes")
        .show(ui, |ui| {
            let eps: Vec<String> = report.roles.iter().map(|x| format!("{} {}", x.role, x.responsiveness)).collect();
            ui.label(format!(
                "Responsiveness ε: {}; noise ×{}; {} trials, seed {}.",
                eps.join(", "),
                report.noise_scale,
                report.trials,
                report.seed
            ));
            for d in &report.defaults {
                ui.label(format!(
                    "{}: {} = {:.3} ({}, {} people)",
                    d.role,
                    d.item,
                    d.value,
                    d.source.as_str(),
                    d.people
                ));
            }
            if report.paid_on_history > 0 {
                ui.label(format!(
                    "{} people have no activity model for their role and are paid on their history.",
                    report.paid_on_history
                ));
            }
            for s in &report.skipped {
                ui.label(format!("Left out: {} ({}): {}", s.name, s.employee_id, s.reason));
            }
            for n in &report.notes {
                ui.label(n);
            }
        });
}

/// Writes the slider values into the plan files: ε into the baseline plan, the edited runway
/// into every simulated plan (one undoable edit per plan).
pub fn write_assumptions(view: &BehaviourView, docs: &mut [PlanDoc]) -> usize {
    let mut changed = 0;
    for doc in docs.iter_mut() {
        let before = doc.plan.assumptions.clone();
        if Some(doc.id) == view.baseline {
            for (role, eps) in &view.responsiveness {
                if let Some(d) = Decimal::from_f64(*eps) {
                    doc.plan
                        .assumptions
                        .responsiveness
                        .insert(role.clone(), crate::sim::Number(d.round_dp(3).normalize()));
                }
            }
            for (role, gamma) in &view.risk_aversion {
                if let Some(d) = Decimal::from_f64(*gamma) {
                    doc.plan
                        .assumptions
                        .risk_aversion
                        .insert(role.clone(), crate::sim::Number(d.round_dp(3).normalize()));
                }
            }
        }
        if (Some(doc.id) == view.baseline || view.plans.contains(&doc.id))
            && let Some(runway) = &view.runway
        {
            doc.plan.assumptions.runway = Some(runway.clone());
        }
        if doc.plan.assumptions != before {
            changed += 1;
        }
    }
    changed
}

/// Why the plans `names` (with problems) are not simulated.
fn left_out_note(names: &[&str]) -> String {
    match names {
        [one] => format!("Fix the problems in {one} first; it is left out until then."),
        _ => format!("Fix the problems in {} first; they are left out until then.", names.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_left_out_for_their_problems_are_named_with_the_right_pronoun() {
        assert_eq!(left_out_note(&["Transition"]), "Fix the problems in Transition first; it is left out until then.");
        assert_eq!(
            left_out_note(&["Transition", "Product-led"]),
            "Fix the problems in Transition, Product-led first; they are left out until then."
        );
    }
}

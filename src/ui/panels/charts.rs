//! Charts for the selected plan: the payout distribution, cost by role and component, the payout
//! curve of a component with every person as a dot, and cost as a share of revenue. Plot data is
//! rebuilt only when the plan's results change, and borrowed by the plots.

use egui_plot::{Bar, BarChart, Line, Plot, PlotPoint, PlotPoints, Points};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive as _;

use super::super::doc::{PlanDoc, PlanId};
use super::super::plots;
use super::super::theme;
use super::super::widgets;
use crate::engine::stats;
use crate::money;
use crate::roster::{Employee, Roster};

/// The most dots drawn in the payout-curve chart; larger rosters are sampled evenly.
pub const MAX_DOTS: usize = 5_000;

/// The fewest people paid on a component whose curve's default view leaves the top 5% out.
const OUTLIERS_FROM: usize = 20;

/// Cached plot data for one plan's charts.
#[derive(Default)]
pub struct ChartCache {
    key: Option<(PlanId, u64, u64, String)>,
    histogram: Vec<(f64, f64, usize)>,
    roles: Vec<String>,
    components: Vec<(String, Vec<f64>)>,
    dots: Vec<PlotPoint>,
    dots_total: usize,
    curve: Vec<PlotPoint>,
    curve_note: String,
    x_is_share: bool,
    x_view: f64,
    /// People whose dot is to the right of the default view.
    beyond_view: usize,
    cost_share: Vec<(String, f64)>,
    /// The roles with no revenue to divide their cost by (not in `cost_share`).
    no_revenue: Vec<String>,
    /// The component whose curve is shown.
    pub component: String,
}

/// A money amount with thousands separators and the plan currency, for hover labels.
pub fn money_axis(value: f64, currency: &str) -> String {
    format!("{} {currency}", money_tick(value))
}

/// A money tick label: thousands separators, no decimals (the axis title names the currency).
pub fn money_tick(value: f64) -> String {
    let d = Decimal::from_f64_retain(value).unwrap_or_default();
    money::grouped(d, 0)
}

fn to_f64(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

impl ChartCache {
    fn rebuild(&mut self, doc: &PlanDoc, roster: &Roster) {
        let Some(result) = &doc.result else { return };
        let report = &result.report;
        let key = (doc.id, result.plan_revision, result.roster_revision, self.component.clone());
        if self.key.as_ref() == Some(&key) {
            return;
        }
        let st = &result.stats;
        // Distribution.
        let lo = st.totals_sorted.first().copied().unwrap_or(0.0).min(0.0);
        let hi = st.totals_sorted.last().copied().unwrap_or(1.0);
        let edges = stats::nice_edges(lo, hi, 24);
        let counts = stats::histogram(&st.totals_sorted, &edges);
        self.histogram = edges.windows(2).zip(counts).map(|(w, c)| (w[0], w[1], c)).collect();
        // Cost by role and component.
        self.roles = st.by_role_component.keys().cloned().collect();
        let mut components: Vec<String> = Vec::new();
        for per in st.by_role_component.values() {
            for c in per.keys() {
                if !components.contains(c) {
                    components.push(c.clone());
                }
            }
        }
        self.components = components
            .iter()
            .map(|c| {
                let values = self
                    .roles
                    .iter()
                    .map(|r| st.by_role_component.get(r).and_then(|m| m.get(c)).map_or(0.0, |d| to_f64(*d)))
                    .collect();
                (c.clone(), values)
            })
            .collect();
        // Cost as a share of revenue, per role and overall. A role without revenue has no share
        // (a bar at 0% would say its pay costs nothing).
        (self.cost_share, self.no_revenue) = (Vec::new(), Vec::new());
        for (role, per) in &st.by_role_component {
            let cost: Decimal = per.values().copied().sum();
            match st.revenue_by_role.get(role).copied().filter(|r| !r.is_zero()) {
                Some(revenue) => self.cost_share.push((role.clone(), to_f64(cost / revenue) * 100.0)),
                None => self.no_revenue.push(role.clone()),
            }
        }
        if let Some(p) = report.totals.cost_pct_of_revenue() {
            self.cost_share.push(("all".to_owned(), to_f64(p)));
        }
        // The component curve and every person as a dot.
        let line_components: Vec<&String> =
            report.totals.by_component.keys().filter(|k| !k.ends_with("_adjustment")).collect();
        if !line_components.iter().any(|c| **c == self.component) {
            self.component = line_components.first().map(|c| (*c).clone()).unwrap_or_default();
        }
        let paid: Vec<(f64, f64)> = report
            .employees
            .iter()
            .filter_map(|e| e.lines.iter().find(|l| *l.component() == *self.component))
            .filter_map(|l| Some((to_f64(l.measure()?), to_f64(l.amount))))
            .collect();
        self.dots_total = paid.len();
        let step = paid.len().div_ceil(MAX_DOTS).max(1);
        self.dots = paid.iter().step_by(step).map(|(x, y)| PlotPoint::new(*x, *y)).collect();
        self.x_is_share = report
            .employees
            .iter()
            .find_map(|e| e.lines.iter().find(|l| *l.component() == *self.component).map(|l| l.kind))
            .is_some_and(|k| matches!(k, crate::engine::LineKind::Bonus | crate::engine::LineKind::Commission))
            && paid.iter().all(|(x, _)| *x < 50.0);
        let xs: Vec<f64> = paid.iter().map(|(x, _)| *x).collect();
        (self.x_view, self.beyond_view) = default_view(xs, self.x_is_share);
        (self.curve, self.curve_note) = typical_curve(result, roster, &self.component, self.x_view * 1.5);
        self.key = Some(key);
    }
}

/// The payout curve's default reach along x for people at `xs`, and how many are beyond it. A
/// few outliers (a new hire on a tiny prorated quota) don't stretch it: up to 1.2 × the 95th
/// percentile, the rest a drag away. With few people there is no telling an outlier from the
/// top of the range, so everyone is in view. A share (attainment) shows at least 0–150%.
fn default_view(mut xs: Vec<f64>, is_share: bool) -> (f64, usize) {
    xs.sort_by(f64::total_cmp);
    let few = xs.len() < OUTLIERS_FROM;
    let top = if few { xs.len().saturating_sub(1) } else { (xs.len() - 1) * 95 / 100 };
    let reach = xs.get(top).copied().unwrap_or(1.0) * if few { 1.05 } else { 1.2 };
    let view = reach.max(if is_share { 1.5 } else { 1.0 });
    (view, xs.iter().filter(|x| **x > view).count())
}

/// The component's payout for a typical person (the median of every roster value among the
/// people on that component's track, their money in the plan's currency) as its measure sweeps
/// from 0 to `x_max`.
fn typical_curve(
    result: &super::super::doc::PlanResult,
    roster: &Roster,
    component: &str,
    x_max: f64,
) -> (Vec<PlotPoint>, String) {
    let report = &result.report;
    // A target incentive of 4,000 EUR is not 4,000 in a GBP plan: everyone's money converted.
    let people: Vec<Employee> = report
        .employees
        .iter()
        .filter(|e| e.lines.iter().any(|l| &*l.component() == component))
        .filter_map(|e| roster.employees.get(e.index))
        .filter_map(|e| result.compiled.in_plan_currency(e))
        .collect();
    let Some(first) = people.first() else { return (Vec::new(), String::new()) };
    let median = |mut v: Vec<Decimal>| -> Option<Decimal> {
        if v.is_empty() {
            return None;
        }
        v.sort();
        v.get(v.len() / 2).copied()
    };
    let mut typical: Employee = first.clone();
    typical.start_date = None;
    typical.end_date = None;
    typical.currency = None;
    typical.quota = median(people.iter().filter_map(|e| e.quota).collect());
    typical.target_incentive = median(people.iter().filter_map(|e| e.target_incentive).collect());
    for (i, slot) in typical.metrics.iter_mut().enumerate() {
        *slot = median(people.iter().filter_map(|e| e.metric(i)).collect());
    }
    // Sweep the component's metric so that its measure covers 0..x_max.
    let probe = result.compiled.explain(0, &typical);
    let crate::engine::Outcome::Paid(base) = probe else { return (Vec::new(), String::new()) };
    let Some(line) = base.lines.iter().find(|l| &*l.component() == component) else {
        return (Vec::new(), String::new());
    };
    let Some(m0) = line.measure().filter(|m| !m.is_zero()) else { return (Vec::new(), String::new()) };
    let Some(metric_index) = metric_of(result, component, roster) else { return (Vec::new(), String::new()) };
    let Some(v0) = typical.metric(metric_index).filter(|v| !v.is_zero()) else { return (Vec::new(), String::new()) };
    // measure is proportional to the metric (metric ÷ quota, ÷ target, or the metric itself).
    let per_unit = to_f64(v0) / to_f64(m0);
    let mut points = Vec::with_capacity(121);
    for k in 0..=120 {
        let x = x_max * f64::from(k) / 120.0;
        let mut p = typical.clone();
        if let Some(slot) = p.metrics.get_mut(metric_index) {
            *slot = Decimal::from_f64_retain(x * per_unit).map(|d| d.round_dp(4));
        }
        if let crate::engine::Outcome::Paid(out) = result.compiled.explain(0, &p)
            && let Some(l) = out.lines.iter().find(|l| &*l.component() == component)
        {
            points.push(PlotPoint::new(x, to_f64(l.amount)));
        }
    }
    let dp = report.minor_units;
    let note = format!(
        "Line: a typical person (median quota {}, target incentive {}, other metrics at their median)",
        typical.quota.map_or("–".to_owned(), |q| money::grouped(q, dp)),
        typical.target_incentive.map_or("–".to_owned(), |t| money::grouped(t, dp)),
    );
    (points, note)
}

/// The roster column a component reads.
fn metric_of(result: &super::super::doc::PlanResult, component: &str, roster: &Roster) -> Option<usize> {
    let name = result.compiled.line_metric(component)?;
    roster.metric_index(name)
}

/// The Charts view.
pub fn charts_ui(ui: &mut egui::Ui, doc: Option<&PlanDoc>, roster: &Roster, cache: &mut ChartCache, meeting: bool) {
    let Some(doc) = doc else { return };
    let Some(result) = &doc.result else { return };
    cache.rebuild(doc, roster);
    let labels = &result.labels;
    let currency = result.report.currency.clone();
    let color = theme::plan_color(ui, doc.color);
    // Two rows of charts fill the view (within limits), so nothing needs scrolling at 1280 × 800.
    let row = ((ui.available_height() - 120.0) / 2.0).clamp(170.0, if meeting { 420.0 } else { 360.0 });
    let height = row - 40.0;
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        ui.columns(2, |cols| {
            let [left, right] = cols else { return };
            left.label(egui::RichText::new("How payouts are distributed").strong());
            let bars: Vec<Bar> = cache
                .histogram
                .iter()
                .map(|(lo, hi, n)| {
                    Bar::new((lo + hi) / 2.0, *n as f64).width(hi - lo).name(format!(
                        "{} to {}: {} people",
                        money_axis(*lo, &currency),
                        money_axis(*hi, &currency),
                        widgets::count(*n)
                    ))
                })
                .collect();
            left.add_space(left.text_style_height(&egui::TextStyle::Small) + 4.0);
            plots::distribution_plot(("histogram", doc.id), height, &currency)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .show(left, |plot| plot.bar_chart(BarChart::new("people", bars).color(color).id(("hist", doc.id))));

            right.label(egui::RichText::new("Cost by role and component").strong());
            let legend: Vec<(String, egui::Color32)> = cache
                .components
                .iter()
                .enumerate()
                .map(|(k, (c, _))| (labels.get(c).to_owned(), theme::series_color(right.ctx(), k)))
                .collect();
            plots::legend_ui(right, &legend);
            // Positive lines stack upwards from 0; adjustments (negative) stack downwards.
            let mut up: Vec<BarChart> = Vec::new();
            let mut down: Vec<BarChart> = Vec::new();
            for (k, (component, values)) in cache.components.iter().enumerate() {
                let label = labels.get(component);
                let negative = values.iter().any(|v| *v < 0.0);
                let bars: Vec<Bar> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let role = cache.roles.get(i).map_or("", String::as_str);
                        Bar::new(i as f64, *v)
                            .width(0.6)
                            .name(format!("{role}, {label}: {}", money_axis(*v, &currency)))
                    })
                    .collect();
                let chart = BarChart::new(label.to_owned(), bars).color(theme::series_color(right.ctx(), k));
                let stack = if negative { &mut down } else { &mut up };
                let chart = chart.stack_on(&stack.iter().collect::<Vec<_>>());
                stack.push(chart);
            }
            let charts: Vec<BarChart> = up.into_iter().chain(down).collect();
            let per_role = (right.available_width() - 60.0) / (cache.roles.len().max(1) as f32 + 0.4);
            Plot::new(("by_role", doc.id))
                .height(height - 24.0)
                .custom_x_axes(vec![plots::category_axis_x(cache.roles.clone(), per_role, "Role")])
                .custom_y_axes(vec![plots::money_axis_y(format!("Cost ({currency})"))])
                .x_grid_spacer(plots::category_spacer())
                .y_grid_spacer(plots::y_spacer())
                .include_x(-0.6)
                .include_x(cache.roles.len() as f64 - 0.4)
                .include_y(0.0)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .show(right, |plot| {
                    for c in charts {
                        plot.bar_chart(c);
                    }
                });
        });
        ui.add_space(8.0);
        ui.columns(2, |cols| {
            let [left, right] = cols else { return };
            left.horizontal_wrapped(|ui| {
                ui.label(egui::RichText::new("Payout curve").strong());
                let l = ui.label("for");
                let components: Vec<String> =
                    result.report.totals.by_component.keys().filter(|k| !k.ends_with("_adjustment")).cloned().collect();
                egui::ComboBox::from_id_salt("curve_component")
                    .selected_text(labels.get(&cache.component).to_owned())
                    .show_ui(ui, |ui| {
                        for c in components {
                            let label = labels.get(&c).to_owned();
                            ui.selectable_value(&mut cache.component, c, label);
                        }
                    })
                    .response
                    .labelled_by(l.id)
                    .on_hover_text("The component whose payout curve is shown");
            });
            let x_label =
                if cache.x_is_share { "Attainment (metric ÷ target)" } else { "Units or amount of the metric" };
            let share = cache.x_is_share;
            plots::legend_ui(
                left,
                &[("a typical person".to_owned(), color), ("each person".to_owned(), color.gamma_multiply(0.6))],
            );
            Plot::new(("curve", doc.id, cache.component.as_str()))
                .height(height - 24.0)
                .default_x_bounds(0.0, cache.x_view)
                .custom_x_axes(vec![egui_plot::AxisHints::new_x().label(x_label).formatter(move |m, _| {
                    if share { format!("{:.0}%", m.value * 100.0) } else { plots::compact_tick(m.value, m.step_size) }
                })])
                .custom_y_axes(vec![plots::money_axis_y(format!("Line payout ({currency})"))])
                .x_grid_spacer(plots::x_spacer())
                .y_grid_spacer(plots::y_spacer())
                .show(left, |plot| {
                    plot.line(Line::new("typical person", PlotPoints::Borrowed(&cache.curve)).color(color).width(2.0));
                    plot.points(
                        Points::new("people", PlotPoints::Borrowed(&cache.dots))
                            .color(color.gamma_multiply(0.6))
                            .radius(2.5),
                    );
                });
            let shown = if cache.dots.len() < cache.dots_total {
                format!(
                    "{} of {} people shown (evenly sampled). {}",
                    widgets::count(cache.dots.len()),
                    widgets::count(cache.dots_total),
                    cache.curve_note
                )
            } else {
                format!("Every dot is a person. {}", cache.curve_note)
            };
            let shown = match cache.beyond_view {
                0 => shown,
                1 => format!("{shown} 1 person is further right: drag the chart to see them."),
                n => format!("{shown} {} people are further right: drag the chart to see them.", widgets::count(n)),
            };
            left.add(egui::Label::new(egui::RichText::new(shown).small().color(theme::tokens(left).muted)).wrap());

            right.label(egui::RichText::new("Cost as a share of revenue").strong());
            right.add_space(right.text_style_height(&egui::TextStyle::Small) + 4.0);
            let note = no_revenue_note(&cache.no_revenue, cache.cost_share.is_empty());
            if cache.cost_share.is_empty() {
                // Nothing to draw: the reason where the chart would be, at its height.
                let size = egui::vec2(right.available_width(), height - 24.0);
                right.allocate_ui_with_layout(size, egui::Layout::top_down(egui::Align::Min), |ui| {
                    ui.set_min_size(size);
                    widgets::muted(ui, note.unwrap_or_default());
                });
                return;
            }
            let bars: Vec<Bar> = cache
                .cost_share
                .iter()
                .enumerate()
                .map(|(i, (role, pct))| {
                    Bar::new(i as f64, *pct).width(0.6).name(format!("{role}: {pct:.2}% of revenue"))
                })
                .collect();
            let names: Vec<String> = cache.cost_share.iter().map(|(r, _)| r.clone()).collect();
            let per_role = (right.available_width() - 60.0) / (names.len().max(1) as f32 + 0.4);
            Plot::new(("cost_share", doc.id))
                .height(height - 24.0)
                .custom_x_axes(vec![plots::category_axis_x(names.clone(), per_role, "Role")])
                .x_grid_spacer(plots::category_spacer())
                .y_grid_spacer(plots::y_spacer())
                .y_axis_label("Payout cost ÷ revenue (%)")
                .y_axis_formatter(|m, _| format!("{}%", m.value))
                .include_x(-0.6)
                .include_x(names.len() as f64 - 0.4)
                .include_y(0.0)
                .allow_drag(false)
                .allow_zoom(false)
                .allow_scroll(false)
                .show(right, |plot| plot.bar_chart(BarChart::new("cost share", bars).color(color)));
            if let Some(note) = note {
                widgets::muted(right, note);
            }
        });
        widgets::muted(ui, "Hover bars and dots for values. Charts update when the plan or roster changes.");
    });
}

/// What the cost-share chart leaves out: the roles whose people have no revenue in the roster
/// (everyone, when `none_shown`).
fn no_revenue_note(roles: &[String], none_shown: bool) -> Option<String> {
    if none_shown {
        return Some("No revenue to divide by: the people paid have none in the roster (a revenue column).".to_owned());
    }
    (!roles.is_empty()).then(|| format!("Not shown, no revenue in the roster: {}.", roles.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cost_share_chart_names_the_roles_it_leaves_out_for_want_of_revenue() {
        assert_eq!(no_revenue_note(&[], false), None);
        let consultants = ["consultant".to_owned()];
        assert_eq!(
            no_revenue_note(&consultants, false).as_deref(),
            Some("Not shown, no revenue in the roster: consultant.")
        );
        assert!(no_revenue_note(&consultants, true).is_some_and(|n| n.starts_with("No revenue to divide by")));
    }

    #[test]
    fn the_curve_shows_everyone_when_few_and_leaves_only_outliers_out_when_many() {
        // Three people at 69%, 115% and 226% of quota: all three in view (the 95th percentile
        // of three is the second, which left the third out of a view ending at 150%).
        let (view, beyond) = default_view(vec![0.69, 1.15, 2.26], true);
        assert!(view >= 2.26, "{view}");
        assert_eq!(beyond, 0);
        // A hundred people up to 140% and one new hire at 900%: the hire is a drag away, and
        // counted so the chart can say so.
        let mut xs: Vec<f64> = (0..100).map(|i| 0.4 + f64::from(i) / 100.0).collect();
        xs.push(9.0);
        let (view, beyond) = default_view(xs, true);
        assert!(view < 2.0, "{view}");
        assert_eq!(beyond, 1);
        // Units (not a share): no 150% floor.
        assert_eq!(default_view(vec![0.2, 0.3], false).0, 1.0);
    }
}

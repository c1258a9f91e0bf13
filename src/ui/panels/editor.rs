//! The plan editor: a form per track and component, validating as you type. Every field shows
//! the same messages as `carrot validate`, found by the field's path in the plan.

use rust_decimal::Decimal;

use super::super::doc::PlanDoc;
use super::super::theme;
use super::super::widgets::{self, Unit, decimal_value, problems_ui};
use crate::money;
use crate::plan::{
    Basis, Bonus, BonusBase, Commission, Component, ComponentKind, CurvePoint, Limit, Method, Multiplier, PerUnit,
    Plan, Step, Target, Tier, Track,
};

/// The editor for the selected plan. The roster's metric columns and roles are offered as
/// picks.
pub fn plan_editor_ui(ui: &mut egui::Ui, doc: &mut PlanDoc, roster_metrics: &[String], roster_roles: &[String]) {
    let problems = doc.problems.clone();
    let at = Found(&problems);
    let color = theme::plan_color(ui, doc.color);
    ui.horizontal(|ui| {
        widgets::color_dot(ui, color);
        ui.heading(&doc.plan.name);
    });
    widgets::muted(ui, doc.location());
    let errors = problems.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        let t = theme::tokens(ui);
        ui.colored_label(t.error, format!("{errors} problem(s): the payouts shown are from the last valid version"));
    }
    ui.separator();
    let metrics = metric_names(&doc.plan, roster_metrics);
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        let plan = &mut doc.plan;
        egui::CollapsingHeader::new("Plan").default_open(true).show(ui, |ui| {
            plan_fields_ui(ui, plan, &at);
        });
        egui::CollapsingHeader::new("Exchange rates").default_open(!plan.fx.is_empty()).show(ui, |ui| {
            fx_ui(ui, plan, &at);
        });
        egui::CollapsingHeader::new("Derived metrics").default_open(!plan.metrics.is_empty()).show(ui, |ui| {
            metrics_ui(ui, plan, &at);
        });
        egui::CollapsingHeader::new("Plan-wide cap and guarantee")
            .default_open(plan.cap.is_some() || plan.guarantee.is_some())
            .show(ui, |ui| {
                limit_ui(ui, "Cap on total variable pay", "cap", &mut plan.cap, &at);
                limit_ui(ui, "Guarantee (minimum variable pay)", "guarantee", &mut plan.guarantee, &at);
            });
        problems_ui(ui, at.at("tracks").into_iter());
        let roles: Vec<String> = plan.tracks.keys().cloned().collect();
        let mut remove_track = None;
        for role in roles {
            let path = format!("tracks.{role}");
            let Some(track) = plan.tracks.get_mut(&role) else { continue };
            let header = format!("Track: {role} ({} components)", track.components.len());
            egui::CollapsingHeader::new(header).id_salt(("track", &role)).default_open(true).show(ui, |ui| {
                if track_ui(ui, &role, track, &path, &metrics, &at) {
                    remove_track = Some(role.clone());
                }
            });
        }
        if let Some(role) = remove_track {
            plan.tracks.shift_remove(&role);
        }
        add_track_ui(ui, plan, roster_roles);
    });
}

/// Metric names to offer: roster columns, derived metrics, and the canonical numbers.
fn metric_names(plan: &Plan, roster_metrics: &[String]) -> Vec<String> {
    let mut names: Vec<String> = roster_metrics.to_vec();
    names.extend(plan.metrics.keys().cloned());
    names.extend(["quota", "target_incentive", "base_salary"].map(str::to_owned));
    names.sort();
    names.dedup();
    names
}

/// The plan's problems, looked up by path.
struct Found<'a>(&'a [crate::plan::Problem]);

impl<'a> Found<'a> {
    /// The problems at exactly `path`.
    fn at(&self, path: &str) -> Vec<&'a crate::plan::Problem> {
        self.0.iter().filter(|p| p.path == path).collect()
    }

    /// Whether any error is at `prefix` or inside it.
    fn any_error_under(&self, prefix: &str) -> bool {
        self.0.iter().any(|p| {
            p.is_error()
                && p.path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
        })
    }
}

fn plan_fields_ui(ui: &mut egui::Ui, plan: &mut Plan, at: &Found<'_>) {
    egui::Grid::new("plan_fields").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
        let label = ui.label("Plan name");
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(&mut plan.name).desired_width(230.0)).labelled_by(label.id);
            problems_ui(ui, at.at("name").into_iter());
        });
        ui.end_row();
        let label = ui.label("Description");
        ui.add(egui::TextEdit::multiline(&mut plan.description).desired_rows(2).desired_width(230.0))
            .labelled_by(label.id)
            .on_hover_text("What the plan is for, in a sentence or two");
        ui.end_row();
        let label = ui.label("Currency");
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(&mut plan.currency).desired_width(60.0).char_limit(3))
                .labelled_by(label.id)
                .on_hover_text("ISO 4217 code of every amount in the plan, e.g. EUR");
            problems_ui(ui, at.at("currency").into_iter());
        });
        ui.end_row();
        ui.label("Period");
        ui.vertical(|ui| {
            ui.horizontal(|ui| {
                date_field(ui, "Period start", &mut plan.period.start);
                ui.label("to");
                date_field(ui, "Period end", &mut plan.period.end);
            });
            problems_ui(ui, at.at("period.start").into_iter().chain(at.at("period.end")));
        });
        ui.end_row();
        let label = ui.label("Rounding");
        egui::ComboBox::from_id_salt("rounding")
            .selected_text(plan.rounding.as_str().replace('_', " "))
            .show_ui(ui, |ui| {
                for r in money::Rounding::ALL {
                    ui.selectable_value(&mut plan.rounding, r, r.as_str().replace('_', " "));
                }
            })
            .response
            .labelled_by(label.id)
            .on_hover_text("How each payout line is rounded to the currency's minor unit");
        ui.end_row();
    });
}

/// A date typed as YYYY-MM-DD; the plan changes only when the text is a valid date.
fn date_field(ui: &mut egui::Ui, label: &str, date: &mut chrono::NaiveDate) {
    let id = ui.make_persistent_id(("date", label));
    let (mut text, last): (String, chrono::NaiveDate) =
        ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| (date.to_string(), *date));
    if last != *date {
        // Changed elsewhere (undo): show the new value.
        text = date.to_string();
    }
    let valid = text.parse::<chrono::NaiveDate>();
    let mut edit = egui::TextEdit::singleline(&mut text).desired_width(90.0);
    if valid.is_err() {
        edit = edit.text_color(theme::tokens(ui).error);
    }
    let response = ui.add(edit).on_hover_text(format!("{label}, written YYYY-MM-DD")).accessible_name(label);
    if let Ok(d) = text.parse::<chrono::NaiveDate>() {
        *date = d;
    } else if !response.has_focus() {
        ui.colored_label(theme::tokens(ui).error, "use YYYY-MM-DD");
    }
    ui.data_mut(|d| d.insert_temp(id, (text, *date)));
}

fn fx_ui(ui: &mut egui::Ui, plan: &mut Plan, at: &Found<'_>) {
    widgets::muted(ui, format!("Units of {} per unit of each other currency in the roster", plan.currency));
    let codes: Vec<String> = plan.fx.keys().cloned().collect();
    let mut remove = None;
    for code in codes {
        let Some(rate) = plan.fx.get_mut(&code) else { continue };
        ui.horizontal(|ui| {
            let label = ui.label(format!("1 {code} ="));
            decimal_value(ui, &mut rate.0, Unit::Factor).labelled_by(label.id);
            ui.label(plan.currency.as_str());
            if ui.small_button("Remove").on_hover_text(format!("Remove the {code} rate")).clicked() {
                remove = Some(code.clone());
            }
        });
        problems_ui(ui, at.at(&format!("fx.{code}")).into_iter());
    }
    if let Some(code) = remove {
        plan.fx.shift_remove(&code);
    }
    ui.horizontal(|ui| {
        let id = ui.make_persistent_id("new_fx");
        let mut code: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
        let label = ui.label("Add currency");
        ui.add(egui::TextEdit::singleline(&mut code).desired_width(50.0).char_limit(3)).labelled_by(label.id);
        let code_upper = code.trim().to_uppercase();
        let ok = money::minor_units(&code_upper).is_some()
            && !plan.fx.contains_key(&code_upper)
            && code_upper != plan.currency;
        if ui
            .add_enabled(ok, egui::Button::new("Add rate"))
            .on_disabled_hover_text("Type an ISO code such as GBP")
            .clicked()
        {
            plan.fx.insert(code_upper, crate::plan::FxRate(Decimal::ONE));
            code.clear();
        }
        ui.data_mut(|d| d.insert_temp(id, code));
    });
}

fn metrics_ui(ui: &mut egui::Ui, plan: &mut Plan, at: &Found<'_>) {
    widgets::muted(ui, "Expressions over roster columns: + - * / ( ), min, max, abs, if(condition, then, else)");
    let names: Vec<String> = plan.metrics.keys().cloned().collect();
    let mut remove = None;
    for name in names {
        let Some(source) = plan.metrics.get_mut(&name) else { continue };
        ui.horizontal(|ui| {
            let label = ui.label(format!("{name} ="));
            ui.add(egui::TextEdit::singleline(source).desired_width(250.0).code_editor()).labelled_by(label.id);
            if ui.small_button("Remove").on_hover_text(format!("Remove the derived metric {name}")).clicked() {
                remove = Some(name.clone());
            }
        });
        problems_ui(ui, at.at(&format!("metrics.{name}")).into_iter());
    }
    if let Some(name) = remove {
        plan.metrics.shift_remove(&name);
    }
    ui.horizontal(|ui| {
        let id = ui.make_persistent_id("new_metric");
        let mut name: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
        let label = ui.label("New metric");
        ui.add(egui::TextEdit::singleline(&mut name).desired_width(140.0).hint_text("e.g. internal_share"))
            .labelled_by(label.id);
        let ok = crate::plan::is_identifier(name.trim()) && !plan.metrics.contains_key(name.trim());
        if ui
            .add_enabled(ok, egui::Button::new("Add metric"))
            .on_disabled_hover_text("Use lowercase letters, digits and _")
            .clicked()
        {
            plan.metrics.insert(name.trim().to_owned(), "0".to_owned());
            name.clear();
        }
        ui.data_mut(|d| d.insert_temp(id, name));
    });
}

/// Edits an optional cap or guarantee.
fn limit_ui(ui: &mut egui::Ui, title: &str, path: &str, limit: &mut Option<Limit>, at: &Found<'_>) {
    let mut on = limit.is_some();
    if ui
        .checkbox(&mut on, title)
        .on_hover_text("Applied to each person's total variable pay, as its own adjustment line")
        .changed()
    {
        *limit = on.then(|| Limit {
            multiple_of_ti: Some(Decimal::TWO),
            earning_code: Some("ADJ".to_owned()),
            ..Limit::default()
        });
    }
    let Some(l) = limit else { return };
    ui.indent(path, |ui| {
        ui.horizontal(|ui| {
            let mut by_ti = l.multiple_of_ti.is_some();
            let label = ui.label("Measured as");
            let before = by_ti;
            egui::ComboBox::from_id_salt((path, "kind"))
                .selected_text(if by_ti { "× target incentive" } else { "amount" })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut by_ti, true, "× target incentive");
                    ui.selectable_value(&mut by_ti, false, "amount");
                })
                .response
                .labelled_by(label.id);
            if by_ti != before {
                if by_ti {
                    l.multiple_of_ti = Some(Decimal::TWO);
                    l.amount = None;
                } else {
                    l.amount = Some(Decimal::from(50_000));
                    l.multiple_of_ti = None;
                }
            }
            if let Some(m) = &mut l.multiple_of_ti {
                decimal_value(ui, m, Unit::Factor)
                    .labelled_by(label.id)
                    .on_hover_text("Multiple of prorated target incentive");
            }
            if let Some(a) = &mut l.amount {
                decimal_value(ui, a, Unit::Money)
                    .labelled_by(label.id)
                    .on_hover_text("Amount, prorated by the share of the period employed");
            }
        });
        earning_code_ui(ui, &mut l.earning_code, (path, "code"));
        problems_ui(
            ui,
            at.at(path)
                .into_iter()
                .chain(at.at(&format!("{path}.multiple_of_ti")))
                .chain(at.at(&format!("{path}.amount"))),
        );
        problems_ui(ui, at.at(&format!("{path}.earning_code")).into_iter());
    });
}

fn earning_code_ui(ui: &mut egui::Ui, code: &mut Option<String>, salt: impl std::hash::Hash + std::fmt::Debug) {
    ui.horizontal(|ui| {
        let mut text = code.clone().unwrap_or_default();
        let label = ui.label("Earning code");
        let r = ui
            .push_id(salt, |ui| ui.add(egui::TextEdit::singleline(&mut text).desired_width(90.0)))
            .inner
            .labelled_by(label.id)
            .on_hover_text("The payroll earning code this line is exported under");
        if r.changed() {
            *code = if text.is_empty() { None } else { Some(text) };
        }
    });
}

/// One track. Returns true when the user asked to remove it.
fn track_ui(ui: &mut egui::Ui, role: &str, track: &mut Track, path: &str, metrics: &[String], at: &Found<'_>) -> bool {
    problems_ui(ui, at.at(path).into_iter().chain(at.at(&format!("{path}.components"))));
    let mut remove_track = false;
    limit_ui(ui, "Track cap", &format!("{path}.cap"), &mut track.cap, at);
    limit_ui(ui, "Track guarantee", &format!("{path}.guarantee"), &mut track.guarantee, at);
    let line_ids: Vec<String> =
        track.components.iter().filter(|c| c.codes().is_some()).map(|c| c.id().to_owned()).collect();
    let n = track.components.len();
    let mut op: Option<(usize, ListOp)> = None;
    for i in 0..n {
        let cpath = format!("{path}.components[{i}]");
        let Some(c) = track.components.get_mut(i) else { continue };
        let has_errors = at.any_error_under(&cpath);
        let title = format!("{}  ·  {}", c.label(), kind_text(c.kind()));
        let header = egui::CollapsingHeader::new(title).id_salt((role, i, "component")).default_open(i == 0);
        let header = if has_errors { header.icon(error_icon) } else { header };
        header.show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(i > 0, egui::Button::new("Move up").small())
                    .on_hover_text("Move this component up")
                    .clicked()
                {
                    op = Some((i, ListOp::Up));
                }
                if ui
                    .add_enabled(i + 1 < n, egui::Button::new("Move down").small())
                    .on_hover_text("Move this component down")
                    .clicked()
                {
                    op = Some((i, ListOp::Down));
                }
                if ui.small_button("Duplicate").on_hover_text("Copy this component").clicked() {
                    op = Some((i, ListOp::Duplicate));
                }
                if ui.small_button("Remove").on_hover_text("Remove this component").clicked() {
                    op = Some((i, ListOp::Remove));
                }
            });
            component_ui(ui, c, &cpath, metrics, &line_ids, at);
        });
    }
    if let Some((i, o)) = op {
        apply_list_op(&mut track.components, i, o, |c| {
            let mut copy = c.clone();
            *copy.id_mut() = format!("{}_copy", c.id());
            copy
        });
    }
    ui.horizontal(|ui| {
        ui.menu_button("Add component", |ui| {
            for kind in ComponentKind::ALL {
                if ui.button(kind_text(kind)).on_hover_text(kind_help(kind)).clicked() {
                    let c = new_component(kind, &track.components, &line_ids);
                    track.components.push(c);
                    ui.close();
                }
            }
        });
        if ui
            .button("Remove track")
            .on_hover_text(format!("Remove the {role} track (its people become not covered)"))
            .clicked()
        {
            remove_track = true;
        }
    });
    remove_track
}

fn error_icon(ui: &mut egui::Ui, openness: f32, response: &egui::Response) {
    let color = theme::tokens(ui).error;
    let rect = response.rect;
    ui.painter().circle_filled(rect.center(), 3.0 + openness, color);
}

#[derive(Clone, Copy)]
enum ListOp {
    Up,
    Down,
    Duplicate,
    Remove,
}

fn apply_list_op<T: Clone>(list: &mut Vec<T>, i: usize, op: ListOp, copy: impl Fn(&T) -> T) {
    match op {
        ListOp::Up if i > 0 && i < list.len() => list.swap(i, i - 1),
        ListOp::Down if i + 1 < list.len() => list.swap(i, i + 1),
        ListOp::Duplicate => {
            if let Some(item) = list.get(i) {
                let c = copy(item);
                list.insert(i + 1, c);
            }
        }
        ListOp::Remove if i < list.len() => {
            list.remove(i);
        }
        _ => {}
    }
}

fn kind_text(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Commission => "Commission",
        ComponentKind::Bonus => "Bonus",
        ComponentKind::PerUnit => "Per unit",
        ComponentKind::Multiplier => "Multiplier",
    }
}

fn kind_help(kind: ComponentKind) -> &'static str {
    match kind {
        ComponentKind::Commission => "A rate on a money metric such as revenue, in tiers",
        ComponentKind::Bonus => "A share of target incentive times a curve of attainment",
        ComponentKind::PerUnit => "An amount per interview, signup, insight…",
        ComponentKind::Multiplier => "Scales other lines by steps on a metric",
    }
}

fn unique_id(base: &str, components: &[Component]) -> String {
    if !components.iter().any(|c| c.id() == base) {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base}_{n}")).find(|id| !components.iter().any(|c| c.id() == id)).unwrap_or_default()
}

fn new_component(kind: ComponentKind, components: &[Component], line_ids: &[String]) -> Component {
    let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    match kind {
        ComponentKind::Commission => Component::Commission(Commission {
            id: unique_id("commission", components),
            label: "Commission".to_owned(),
            earning_code: Some("COMM".to_owned()),
            earning_codes: Default::default(),
            metric: "revenue".to_owned(),
            basis: Basis::Attainment,
            method: Method::Graduated,
            tiers: vec![Tier { from: Decimal::ZERO, rate: d("0.05") }],
            threshold: None,
            cap: None,
        }),
        ComponentKind::Bonus => Component::Bonus(Bonus {
            id: unique_id("bonus", components),
            label: "Bonus".to_owned(),
            earning_code: Some("BONUS".to_owned()),
            earning_codes: Default::default(),
            metric: "revenue".to_owned(),
            target: Target::Quota,
            base: BonusBase::TiShare(d("0.2")),
            curve: vec![CurvePoint { x: d("0.5"), y: d("0.5") }, CurvePoint { x: Decimal::ONE, y: Decimal::ONE }],
            cap: None,
        }),
        ComponentKind::PerUnit => Component::PerUnit(PerUnit {
            id: unique_id("per_unit", components),
            label: "Per unit".to_owned(),
            earning_code: Some("SPIFF".to_owned()),
            earning_codes: Default::default(),
            metric: "discovery_interviews".to_owned(),
            amount: Decimal::ONE_HUNDRED,
            min_units: None,
            max_units: None,
            cap: None,
        }),
        ComponentKind::Multiplier => Component::Multiplier(Multiplier {
            id: unique_id("multiplier", components),
            label: "Multiplier".to_owned(),
            metric: "early_access_signups".to_owned(),
            applies_to: line_ids.first().cloned().into_iter().collect(),
            steps: vec![Step { from: Decimal::ZERO, factor: Decimal::ONE }],
        }),
    }
}

/// The form for one component.
fn component_ui(
    ui: &mut egui::Ui,
    c: &mut Component,
    path: &str,
    metrics: &[String],
    line_ids: &[String],
    at: &Found<'_>,
) {
    let label_text = c.label().to_owned();
    egui::Grid::new((path, "common")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        let (id, label) = match c {
            Component::Commission(x) => (&mut x.id, &mut x.label),
            Component::Bonus(x) => (&mut x.id, &mut x.label),
            Component::PerUnit(x) => (&mut x.id, &mut x.label),
            Component::Multiplier(x) => (&mut x.id, &mut x.label),
        };
        let l = ui.label("Label");
        ui.add(egui::TextEdit::singleline(label).desired_width(200.0))
            .labelled_by(l.id)
            .on_hover_text("Shown to people");
        ui.end_row();
        let l = ui.label("Id");
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(id).desired_width(200.0))
                .labelled_by(l.id)
                .on_hover_text("Unique in the track; names the payout line in exports");
            problems_ui(ui, at.at(&format!("{path}.id")).into_iter());
        });
        ui.end_row();
    });
    match c {
        Component::Commission(com) => commission_ui(ui, com, path, &label_text, metrics, at),
        Component::Bonus(b) => bonus_ui(ui, b, path, &label_text, metrics, at),
        Component::PerUnit(u) => per_unit_ui(ui, u, path, &label_text, metrics, at),
        Component::Multiplier(m) => multiplier_ui(ui, m, path, &label_text, metrics, line_ids, at),
    }
    let code = match c {
        Component::Commission(x) => Some(&mut x.earning_code),
        Component::Bonus(x) => Some(&mut x.earning_code),
        Component::PerUnit(x) => Some(&mut x.earning_code),
        Component::Multiplier(_) => None,
    };
    if let Some(code) = code {
        earning_code_ui(ui, code, (path, "earning_code"));
        problems_ui(ui, at.at(&format!("{path}.earning_code")).into_iter());
    }
}

/// A metric name: typed, or picked from the roster's columns.
fn metric_field(ui: &mut egui::Ui, label: &str, value: &mut String, metrics: &[String], salt: &str) {
    ui.horizontal(|ui| {
        let l = ui.label(label);
        ui.push_id((salt, label), |ui| {
            ui.add(egui::TextEdit::singleline(value).desired_width(170.0))
                .labelled_by(l.id)
                .on_hover_text("A roster column or derived metric (snake_case)");
            ui.menu_button("Pick", |ui| {
                egui::ScrollArea::vertical().max_height(260.0).show(ui, |ui| {
                    for m in metrics {
                        if ui.selectable_label(value == m, m).clicked() {
                            value.clone_from(m);
                            ui.close();
                        }
                    }
                });
            })
            .response
            .on_hover_text("Pick a roster column");
        });
    });
}

fn commission_ui(ui: &mut egui::Ui, com: &mut Commission, path: &str, name: &str, metrics: &[String], at: &Found<'_>) {
    metric_field(ui, "Metric", &mut com.metric, metrics, path);
    problems_ui(ui, at.at(&format!("{path}.metric")).into_iter());
    ui.horizontal(|ui| {
        let l = ui.label("Tiers measured in");
        egui::ComboBox::from_id_salt((path, "basis"))
            .selected_text(match com.basis {
                Basis::Attainment => "attainment",
                Basis::Amount => "money",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut com.basis, Basis::Attainment, "attainment");
                ui.selectable_value(&mut com.basis, Basis::Amount, "money");
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("Attainment: metric ÷ prorated quota. Money: the metric itself");
    });
    ui.horizontal(|ui| {
        let l = ui.label("Method");
        egui::ComboBox::from_id_salt((path, "method"))
            .selected_text(match com.method {
                Method::Graduated => "graduated",
                Method::Retroactive => "retroactive",
            })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut com.method, Method::Graduated, "graduated")
                    .on_hover_text("Each tier's rate applies to the part of the metric inside it");
                ui.selectable_value(&mut com.method, Method::Retroactive, "retroactive")
                    .on_hover_text("The highest tier reached applies to the whole metric");
            })
            .response
            .labelled_by(l.id);
    });
    let from_unit = if com.basis == Basis::Attainment { Unit::Percent } else { Unit::Money };
    ui.label(egui::RichText::new("Tiers").strong());
    problems_ui(ui, at.at(&format!("{path}.tiers")).into_iter());
    let n = com.tiers.len();
    let mut op = None;
    egui::Grid::new((path, "tiers")).num_columns(4).striped(true).show(ui, |ui| {
        ui.label("From");
        ui.label("Rate");
        ui.label("");
        ui.end_row();
        for (k, tier) in com.tiers.iter_mut().enumerate() {
            let tpath = format!("{path}.tiers[{k}]");
            {
                let r = decimal_value(ui, &mut tier.from, from_unit);
                labelled(r, &format!("{name} tier {} from", k + 1));
            }
            {
                let r = decimal_value(ui, &mut tier.rate, Unit::Percent);
                labelled(r, &format!("{name} tier {} rate", k + 1));
            }
            row_buttons(ui, k, n, &mut op, "tier");
            ui.end_row();
            let row_problems: Vec<_> =
                at.at(&format!("{tpath}.from")).into_iter().chain(at.at(&format!("{tpath}.rate"))).collect();
            if !row_problems.is_empty() {
                ui.label("");
                ui.vertical(|ui| problems_ui(ui, row_problems.into_iter()));
                ui.end_row();
            }
        }
    });
    if let Some((k, o)) = op {
        apply_list_op(&mut com.tiers, k, o, |t| *t);
    }
    if ui.small_button("Add tier").on_hover_text("Add a tier above the last one").clicked() {
        let last = com.tiers.last().copied().unwrap_or(Tier { from: Decimal::ZERO, rate: Decimal::ZERO });
        let step = if com.basis == Basis::Attainment { Decimal::new(5, 1) } else { Decimal::from(100_000) };
        com.tiers
            .push(Tier { from: if com.tiers.is_empty() { Decimal::ZERO } else { last.from + step }, rate: last.rate });
    }
    optional_decimal(ui, "Threshold", &mut com.threshold, from_unit, "Below this the line pays 0", (path, "threshold"));
    problems_ui(ui, at.at(&format!("{path}.threshold")).into_iter());
    optional_decimal(ui, "Line cap", &mut com.cap, Unit::Money, "The line's maximum, after multipliers", (path, "cap"));
    problems_ui(ui, at.at(&format!("{path}.cap")).into_iter());
}

/// Gives a widget in a table its accessible name.
fn labelled(response: egui::Response, name: &str) -> egui::Response {
    response.accessible_name(name).on_hover_text(name)
}

fn row_buttons(ui: &mut egui::Ui, k: usize, n: usize, op: &mut Option<(usize, ListOp)>, what: &str) {
    ui.horizontal(|ui| {
        if ui
            .add_enabled(k > 0, egui::Button::new("Up").small())
            .on_hover_text(format!("Move this {what} up"))
            .clicked()
        {
            *op = Some((k, ListOp::Up));
        }
        if ui
            .add_enabled(k + 1 < n, egui::Button::new("Down").small())
            .on_hover_text(format!("Move this {what} down"))
            .clicked()
        {
            *op = Some((k, ListOp::Down));
        }
        if ui.small_button("Remove").on_hover_text(format!("Remove this {what}")).clicked() {
            *op = Some((k, ListOp::Remove));
        }
    });
}

fn optional_decimal(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut Option<Decimal>,
    unit: Unit,
    help: &str,
    salt: impl std::hash::Hash + std::fmt::Debug,
) {
    ui.horizontal(|ui| {
        let mut on = value.is_some();
        ui.push_id(salt, |ui| {
            if ui.checkbox(&mut on, label).on_hover_text(help).changed() {
                *value = on.then(|| match unit {
                    Unit::Percent => Decimal::new(5, 1),
                    Unit::Money => Decimal::from(50_000),
                    Unit::Number | Unit::Factor => Decimal::ONE,
                });
            }
            if let Some(v) = value {
                {
                    let r = decimal_value(ui, v, unit);
                    labelled(r, label);
                }
            }
        });
    });
}

fn bonus_ui(ui: &mut egui::Ui, b: &mut Bonus, path: &str, name: &str, metrics: &[String], at: &Found<'_>) {
    metric_field(ui, "Metric", &mut b.metric, metrics, path);
    problems_ui(ui, at.at(&format!("{path}.metric")).into_iter());
    ui.horizontal(|ui| {
        let l = ui.label("Target");
        let kind = match &b.target {
            Target::Quota => 0,
            Target::Value(_) => 1,
            Target::Column(_) => 2,
        };
        let mut new_kind = kind;
        egui::ComboBox::from_id_salt((path, "target"))
            .selected_text(["quota", "a number", "a roster column"][kind])
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut new_kind, 0, "quota");
                ui.selectable_value(&mut new_kind, 1, "a number");
                ui.selectable_value(&mut new_kind, 2, "a roster column");
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("The curve's x is the metric divided by this");
        if new_kind != kind {
            b.target = match new_kind {
                0 => Target::Quota,
                1 => Target::Value(Decimal::TEN),
                _ => Target::Column(String::new()),
            };
        }
        match &mut b.target {
            Target::Quota => {}
            Target::Value(v) => {
                let r = decimal_value(ui, v, Unit::Number);
                labelled(r, &format!("{name} target"));
            }
            Target::Column(c) => {
                ui.add(egui::TextEdit::singleline(c).desired_width(160.0)).labelled_by(l.id);
            }
        }
    });
    problems_ui(ui, at.at(&format!("{path}.target")).into_iter());
    ui.horizontal(|ui| {
        let l = ui.label("Base");
        let is_share = matches!(b.base, BonusBase::TiShare(_));
        let mut share = is_share;
        egui::ComboBox::from_id_salt((path, "base"))
            .selected_text(if is_share { "share of target incentive" } else { "fixed amount" })
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut share, true, "share of target incentive");
                ui.selectable_value(&mut share, false, "fixed amount");
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("What a curve value of 1.0 pays");
        if share != is_share {
            b.base =
                if share { BonusBase::TiShare(Decimal::new(2, 1)) } else { BonusBase::Amount(Decimal::from(1000)) };
        }
        match &mut b.base {
            BonusBase::TiShare(s) => {
                let r = decimal_value(ui, s, Unit::Percent);
                labelled(r, &format!("{name} share of target incentive"));
            }
            BonusBase::Amount(a) => {
                let r = decimal_value(ui, a, Unit::Money);
                labelled(r, &format!("{name} base amount"));
            }
        }
    });
    problems_ui(ui, at.at(&format!("{path}.base.ti_share")).into_iter().chain(at.at(&format!("{path}.base.amount"))));
    let x_unit = if matches!(b.target, Target::Quota) { Unit::Percent } else { Unit::Factor };
    ui.label(egui::RichText::new("Curve").strong())
        .on_hover_text("0 below the first point, straight lines between, flat after the last");
    problems_ui(ui, at.at(&format!("{path}.curve")).into_iter());
    ui.vertical(|ui| {
        let n = b.curve.len();
        let mut op = None;
        egui::Grid::new((path, "curve")).num_columns(3).striped(true).show(ui, |ui| {
            ui.label("Attainment");
            ui.label("Pays × base");
            ui.label("");
            ui.end_row();
            for (k, p) in b.curve.iter_mut().enumerate() {
                {
                    let r = decimal_value(ui, &mut p.x, x_unit);
                    labelled(r, &format!("{name} point {} x", k + 1));
                }
                {
                    let r = decimal_value(ui, &mut p.y, Unit::Factor);
                    labelled(r, &format!("{name} point {} pays", k + 1));
                }
                row_buttons(ui, k, n, &mut op, "point");
                ui.end_row();
                let ppath = format!("{path}.curve[{k}]");
                let row: Vec<_> =
                    at.at(&format!("{ppath}.x")).into_iter().chain(at.at(&format!("{ppath}.y"))).collect();
                if !row.is_empty() {
                    ui.vertical(|ui| problems_ui(ui, row.into_iter()));
                    ui.end_row();
                }
            }
        });
        if let Some((k, o)) = op {
            apply_list_op(&mut b.curve, k, o, |p| *p);
        }
        curve_preview_ui(ui, &b.curve, path);
    });
    if ui.small_button("Add point").on_hover_text("Add a point after the last one").clicked() {
        let last = b.curve.last().copied().unwrap_or(CurvePoint { x: Decimal::ZERO, y: Decimal::ZERO });
        b.curve.push(CurvePoint { x: last.x + Decimal::new(5, 1), y: last.y + Decimal::new(5, 1) });
    }
    optional_decimal(ui, "Line cap", &mut b.cap, Unit::Money, "The line's maximum, after multipliers", (path, "cap"));
    problems_ui(ui, at.at(&format!("{path}.cap")).into_iter());
}

/// A small live picture of a bonus curve.
fn curve_preview_ui(ui: &mut egui::Ui, curve: &[CurvePoint], path: &str) {
    use rust_decimal::prelude::ToPrimitive as _;
    let pts: Vec<[f64; 2]> = curve.iter().map(|p| [p.x.to_f64().unwrap_or(0.0), p.y.to_f64().unwrap_or(0.0)]).collect();
    let last_x = pts.iter().map(|p| p[0]).fold(1.0_f64, f64::max);
    let mut line: Vec<[f64; 2]> = Vec::with_capacity(pts.len() + 3);
    if let Some(first) = pts.first() {
        line.push([0.0, 0.0]);
        line.push([first[0], 0.0]);
    }
    line.extend(pts.iter().copied());
    if let Some(last) = pts.last() {
        line.push([last_x * 1.3, last[1]]);
    }
    let color = ui.visuals().hyperlink_color;
    egui_plot::Plot::new((path, "curve_preview"))
        .width(170.0)
        .height(110.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .show_axes([true, true])
        .x_axis_formatter(|m, _| format!("{:.0}%", m.value * 100.0))
        .show(ui, |plot| {
            plot.line(egui_plot::Line::new("curve", egui_plot::PlotPoints::from(line)).color(color).width(2.0));
        })
        .response
        .on_hover_text("Preview: what the bonus pays (× base) at each value of metric ÷ target");
}

fn per_unit_ui(ui: &mut egui::Ui, u: &mut PerUnit, path: &str, name: &str, metrics: &[String], at: &Found<'_>) {
    metric_field(ui, "Metric", &mut u.metric, metrics, path);
    problems_ui(ui, at.at(&format!("{path}.metric")).into_iter());
    ui.horizontal(|ui| {
        let l = ui.label("Amount per unit");
        decimal_value(ui, &mut u.amount, Unit::Money).labelled_by(l.id);
    });
    problems_ui(ui, at.at(&format!("{path}.amount")).into_iter());
    let _ = name;
    optional_decimal(
        ui,
        "Minimum units",
        &mut u.min_units,
        Unit::Number,
        "Below this many units the line pays 0",
        (path, "min"),
    );
    problems_ui(ui, at.at(&format!("{path}.min_units")).into_iter());
    optional_decimal(
        ui,
        "Maximum units",
        &mut u.max_units,
        Unit::Number,
        "Units above this are not paid",
        (path, "max"),
    );
    problems_ui(ui, at.at(&format!("{path}.max_units")).into_iter());
    optional_decimal(ui, "Line cap", &mut u.cap, Unit::Money, "The line's maximum, after multipliers", (path, "cap"));
    problems_ui(ui, at.at(&format!("{path}.cap")).into_iter());
}

fn multiplier_ui(
    ui: &mut egui::Ui,
    m: &mut Multiplier,
    path: &str,
    name: &str,
    metrics: &[String],
    line_ids: &[String],
    at: &Found<'_>,
) {
    metric_field(ui, "Metric", &mut m.metric, metrics, path);
    problems_ui(ui, at.at(&format!("{path}.metric")).into_iter());
    ui.label(egui::RichText::new("Multiplies").strong());
    ui.horizontal_wrapped(|ui| {
        for id in line_ids {
            let mut on = m.applies_to.contains(id);
            if ui.checkbox(&mut on, id).on_hover_text(format!("Multiply the {id} line")).changed() {
                if on {
                    m.applies_to.push(id.clone());
                } else {
                    m.applies_to.retain(|x| x != id);
                }
            }
        }
    });
    problems_ui(ui, at.at(&format!("{path}.applies_to")).into_iter());
    for k in 0..m.applies_to.len() {
        problems_ui(ui, at.at(&format!("{path}.applies_to[{k}]")).into_iter());
    }
    ui.label(egui::RichText::new("Steps").strong())
        .on_hover_text("The step with the largest 'from' at or below the metric applies");
    problems_ui(ui, at.at(&format!("{path}.steps")).into_iter());
    let n = m.steps.len();
    let mut op = None;
    egui::Grid::new((path, "steps")).num_columns(3).striped(true).show(ui, |ui| {
        ui.label("From");
        ui.label("Factor");
        ui.label("");
        ui.end_row();
        for (k, s) in m.steps.iter_mut().enumerate() {
            {
                let r = decimal_value(ui, &mut s.from, Unit::Number);
                labelled(r, &format!("{name} step {} from", k + 1));
            }
            {
                let r = decimal_value(ui, &mut s.factor, Unit::Factor);
                labelled(r, &format!("{name} step {} factor", k + 1));
            }
            row_buttons(ui, k, n, &mut op, "step");
            ui.end_row();
            let spath = format!("{path}.steps[{k}]");
            let row: Vec<_> =
                at.at(&format!("{spath}.from")).into_iter().chain(at.at(&format!("{spath}.factor"))).collect();
            if !row.is_empty() {
                ui.vertical(|ui| problems_ui(ui, row.into_iter()));
                ui.end_row();
            }
        }
    });
    if let Some((k, o)) = op {
        apply_list_op(&mut m.steps, k, o, |s| *s);
    }
    if ui.small_button("Add step").on_hover_text("Add a step above the last one").clicked() {
        let last = m.steps.last().copied().unwrap_or(Step { from: Decimal::ZERO, factor: Decimal::ONE });
        m.steps.push(Step { from: last.from + Decimal::ONE, factor: last.factor });
    }
}

fn add_track_ui(ui: &mut egui::Ui, plan: &mut Plan, roster_roles: &[String]) {
    ui.separator();
    ui.horizontal(|ui| {
        let id = ui.make_persistent_id("new_track");
        let mut role: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
        let l = ui.label("Add a track for role");
        ui.add(egui::TextEdit::singleline(&mut role).desired_width(120.0).hint_text("e.g. consultant"))
            .labelled_by(l.id);
        let uncovered: Vec<&str> =
            roster_roles.iter().map(String::as_str).filter(|r| !plan.tracks.contains_key(*r)).collect();
        if !uncovered.is_empty() {
            ui.menu_button("Pick", |ui| {
                for r in &uncovered {
                    if ui.button(*r).clicked() {
                        role = (*r).to_owned();
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text("Roles in the roster without a track");
        }
        let name = role.trim().to_lowercase();
        let ok = !name.is_empty() && !plan.tracks.contains_key(&name);
        if ui
            .add_enabled(ok, egui::Button::new("Add track"))
            .on_disabled_hover_text("Type a role that has no track yet")
            .clicked()
        {
            plan.tracks.insert(name, Track::default());
            role.clear();
        }
        ui.data_mut(|d| d.insert_temp(id, role));
    });
}

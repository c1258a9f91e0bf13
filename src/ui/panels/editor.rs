//! The plan editor: a form per track and component, validating as you type. Every field shows
//! the same messages as `carrot validate` next to it (found by the field's path in the plan),
//! and the list at the top names every problem and warning, so none is out of sight in a
//! closed section. Numbers are edited as exact decimals.

use rust_decimal::Decimal;

mod schedule;

use super::super::doc::PlanDoc;
use super::super::plots;
use super::super::theme;
use super::super::widgets::{self, Unit, decimal_value, problems_ui};
use crate::export::Template;
use crate::money;
use crate::plan::{
    Basis, Bonus, BonusBase, Commission, Component, ComponentKind, CurvePoint, Limit, Method, Multiplier, PerUnit,
    Plan, Problem, Severity, Step, Target, Tier, Track,
};

/// Widest a text field grows in the editor (the panel may be narrow at 1280 × 800).
const FIELD: f32 = 220.0;

/// The editor for the selected plan. The roster's metric columns and roles are offered as
/// picks. `shown` goes false when the user hides the editor.
pub fn plan_editor_ui(
    ui: &mut egui::Ui,
    doc: &mut PlanDoc,
    roster_metrics: &[String],
    roster_roles: &[String],
    shown: &mut bool,
) {
    let problems = doc.problems.clone();
    let money_dp = money::minor_units(&doc.plan.currency).unwrap_or(2);
    let at = Found { problems: &problems, money: Unit::Money(money_dp), plan_year: doc.plan.schedule.is_some() };
    let color = theme::plan_color(ui, doc.color);
    ui.horizontal(|ui| {
        widgets::color_dot(ui, color);
        // The name takes the row but for the button at its right.
        let name = egui::Label::new(egui::RichText::new(&doc.plan.name).heading()).truncate();
        let height = ui.text_style_height(&egui::TextStyle::Heading);
        let width = (ui.available_width() - 60.0).max(40.0);
        ui.allocate_ui_with_layout(egui::vec2(width, height), egui::Layout::left_to_right(egui::Align::Center), |ui| {
            ui.add(name);
        });
        hide_button_ui(ui, shown);
    });
    widgets::muted(ui, doc.location());
    // In a scope of its own whether or not there is anything to list, so that the list coming
    // and going does not change the ids of the fields below it: a field being typed into would
    // lose the focus, and the rest of the keys, as the plan turns invalid or valid again.
    ui.scope(|ui| problem_list_ui(ui, &doc.plan, &problems));
    ui.separator();
    let metrics = metric_names(&doc.plan, roster_metrics);
    // Both ways: a row wider than the panel (a narrow window, a long earning code) scrolls into
    // view. Wider content would otherwise widen the panel past its largest size, which egui
    // reports by moving the panel's left edge right, under the view (the view then painted over
    // the editor's left side at 1024 × 640).
    egui::ScrollArea::both().id_salt("editor_scroll").auto_shrink([false, false]).show(ui, |ui| {
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
                limit_ui(ui, "Cap on total variable pay", "Plan cap", "cap", &mut plan.cap, &at);
                limit_ui(
                    ui,
                    "Guarantee (minimum variable pay)",
                    "Plan guarantee",
                    "guarantee",
                    &mut plan.guarantee,
                    &at,
                );
            });
        let year = egui::CollapsingHeader::new("Plan year").default_open(plan.schedule.is_some());
        let year = match at.worst_under("schedule") {
            Some(severity) => year.icon(move |ui, openness, r| problem_icon(ui, openness, r, severity)),
            None => year,
        };
        year.show(ui, |ui| schedule::schedule_ui(ui, plan, &at));
        problems_ui(ui, at.at("tracks").into_iter());
        let roles: Vec<String> = plan.tracks.keys().cloned().collect();
        let mut remove_track = None;
        for role in roles {
            let path = format!("tracks.{role}");
            let Some(track) = plan.tracks.get_mut(&role) else { continue };
            let n = track.components.len();
            let header = format!("Track: {role} ({n} component{})", if n == 1 { "" } else { "s" });
            let header = egui::CollapsingHeader::new(header).id_salt(("track", &role)).default_open(true);
            let header = match at.worst_under(&path) {
                Some(severity) => header.icon(move |ui, openness, r| problem_icon(ui, openness, r, severity)),
                None => header,
            };
            header.show(ui, |ui| {
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

/// A button at the right of the editor's first row that hides the editor (the view gets its
/// width; "Show editor" beside the view's tabs, or View → Plan editor, brings it back).
pub fn hide_button_ui(ui: &mut egui::Ui, shown: &mut bool) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
        if ui
            .small_button("Hide")
            .on_hover_text("Hide the plan editor, to give the view its width (Show editor brings it back)")
            .accessible_name("Hide the plan editor")
            .clicked()
        {
            *shown = false;
        }
    });
}

/// Every problem of the plan, at the top: how many, and each with where it is.
fn problem_list_ui(ui: &mut egui::Ui, plan: &Plan, problems: &[Problem]) {
    if problems.is_empty() {
        return;
    }
    let t = theme::tokens(ui);
    let errors = problems.iter().filter(|p| p.is_error()).count();
    let warnings = problems.len() - errors;
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(format!("{errors} problem{}", if errors == 1 { "" } else { "s" }));
    }
    if warnings > 0 {
        parts.push(format!("{warnings} warning{}", if warnings == 1 { "" } else { "s" }));
    }
    let title = egui::RichText::new(parts.join(", ")).color(if errors > 0 { t.error } else { t.warning }).strong();
    egui::CollapsingHeader::new(title).id_salt("problem_list").default_open(problems.len() <= 6).show(ui, |ui| {
        if errors > 0 {
            widgets::muted(ui, "The payouts shown are from the last valid version of the plan.");
        }
        for p in problems {
            let color = if p.is_error() { t.error } else { t.warning };
            let place = place_name(plan, &p.path);
            let tag = if p.severity == Severity::Warning { "warning: " } else { "" };
            ui.add(egui::Label::new(egui::RichText::new(format!("{place}: {tag}{}", p.message)).color(color)).wrap());
        }
    });
}

/// A problem's path as a person reads it: `tracks.sales.components[0].tiers[1].rate` is
/// "sales › Revenue commission › tiers[1].rate".
fn place_name(plan: &Plan, path: &str) -> String {
    if path.is_empty() {
        return "plan".to_owned();
    }
    let Some(rest) = path.strip_prefix("tracks.") else { return path.to_owned() };
    let (role, rest) = rest.split_once('.').unwrap_or((rest, ""));
    let Some(rest) = rest.strip_prefix("components[") else {
        return if rest.is_empty() { role.to_owned() } else { format!("{role} › {rest}") };
    };
    let (index, rest) = rest.split_once(']').unwrap_or((rest, ""));
    let label = index
        .parse::<usize>()
        .ok()
        .and_then(|i| plan.tracks.get(role)?.components.get(i))
        .map_or_else(|| format!("component {index}"), |c| c.label().to_owned());
    let rest = rest.trim_start_matches('.');
    if rest.is_empty() { format!("{role} › {label}") } else { format!("{role} › {label} › {rest}") }
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

/// The plan's problems, looked up by path, and the unit money is edited in.
struct Found<'a> {
    problems: &'a [Problem],
    money: Unit,
    /// Whether the plan is a plan year (its lines then choose a window and instalments).
    plan_year: bool,
}

impl<'a> Found<'a> {
    /// The problems at exactly `path`.
    fn at(&self, path: &str) -> Vec<&'a Problem> {
        self.problems.iter().filter(|p| p.path == path).collect()
    }

    /// The problems at any of `paths`.
    fn at_any(&self, paths: &[String]) -> Vec<&'a Problem> {
        self.problems.iter().filter(|p| paths.contains(&p.path)).collect()
    }

    /// The most serious problem at `prefix` or inside it.
    fn worst_under(&self, prefix: &str) -> Option<Severity> {
        self.problems
            .iter()
            .filter(|p| {
                p.path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
            })
            .map(|p| p.severity)
            .min()
    }
}

/// A collapsing header's marker for a section with problems inside (red for errors, amber for
/// warnings), so a closed section still shows it.
fn problem_icon(ui: &mut egui::Ui, openness: f32, response: &egui::Response, severity: Severity) {
    let t = theme::tokens(ui);
    let color = if severity == Severity::Error { t.error } else { t.warning };
    ui.painter().circle_filled(response.rect.center(), 3.0 + openness, color);
}

fn plan_fields_ui(ui: &mut egui::Ui, plan: &mut Plan, at: &Found<'_>) {
    let width = ui.available_width().min(FIELD + 60.0) - 90.0;
    egui::Grid::new("plan_fields").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
        let label = ui.label("Plan name");
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(&mut plan.name).desired_width(width)).labelled_by(label.id);
            problems_ui(ui, at.at("name").into_iter());
        });
        ui.end_row();
        let label = ui.label("Description");
        ui.add(egui::TextEdit::multiline(&mut plan.description).desired_rows(2).desired_width(width))
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
            ui.horizontal_wrapped(|ui| {
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
    problems_ui(ui, at.at("").into_iter().chain(at.at("schema")).chain(at.at("rounding")));
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
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(format!("1 {code} ="));
            decimal_value(ui, &mut rate.0, Unit::Number).labelled_by(label.id);
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
    ui.horizontal_wrapped(|ui| {
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
    problems_ui(ui, at.at("fx").into_iter());
    if !plan.fx.is_empty() || !plan.money_columns.is_empty() {
        money_columns_ui(ui, plan, at);
    }
}

/// The roster columns the plan names as money (`money_columns`), converted with the rates above
/// for a row in another currency: for a derived metric paid on whose money column Carrot cannot
/// tell (`bookings * retention`), which the metric's warning asks for.
fn money_columns_ui(ui: &mut egui::Ui, plan: &mut Plan, at: &Found<'_>) {
    ui.add_space(4.0);
    ui.label("Money columns").on_hover_text(
        "Roster columns that hold money, converted with these rates for a row in another currency (`money_columns` \
         in the plan file). Carrot tells most of them itself: revenue, what a commission pays on, what is added to \
         or taken from money; name one here when a derived metric's warning asks for it.",
    );
    let mut remove = None;
    for (i, name) in plan.money_columns.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(name).monospace());
            let button = ui.small_button(format!("Remove {name}"));
            if button.on_hover_text(format!("Stop converting {name} as money")).clicked() {
                remove = Some(i);
            }
        });
        problems_ui(ui, at.at(&format!("money_columns[{i}]")).into_iter());
    }
    if let Some(i) = remove {
        plan.money_columns.remove(i);
    }
    let new = NewName {
        salt: "new_money_column",
        label: "Add column",
        hint: "e.g. bookings",
        button: "Add money column",
        refused: "Type a roster column's name, such as bookings",
    };
    if let Some(name) = new.ui(ui, |name| !plan.money_columns.iter().any(|c| c == name)) {
        plan.money_columns.push(name);
    }
    problems_ui(ui, at.at("money_columns").into_iter());
}

fn metrics_ui(ui: &mut egui::Ui, plan: &mut Plan, at: &Found<'_>) {
    widgets::muted(ui, "Expressions over roster columns: + - * / ( ), min, max, abs, if(condition, then, else)");
    let names: Vec<String> = plan.metrics.keys().cloned().collect();
    let mut remove = None;
    let width = (ui.available_width() - 150.0).clamp(120.0, 320.0);
    for name in names {
        let Some(source) = plan.metrics.get_mut(&name) else { continue };
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(format!("{name} ="));
            ui.add(egui::TextEdit::singleline(source).desired_width(width).code_editor()).labelled_by(label.id);
            if ui.small_button("Remove").on_hover_text(format!("Remove the derived metric {name}")).clicked() {
                remove = Some(name.clone());
            }
        });
        problems_ui(ui, at.at(&format!("metrics.{name}")).into_iter());
    }
    if let Some(name) = remove {
        plan.metrics.shift_remove(&name);
    }
    let new = NewName {
        salt: "new_metric",
        label: "New metric",
        hint: "e.g. internal_share",
        button: "Add metric",
        refused: "Use lowercase letters, digits and _",
    };
    if let Some(name) = new.ui(ui, |name| !plan.metrics.contains_key(name)) {
        plan.metrics.insert(name, "0".to_owned());
    }
    problems_ui(ui, at.at("metrics").into_iter());
}

/// A field and a button that add a name (a metric's, a column's) to a list: the button is on
/// while the field holds a column-like name (lowercase letters, digits and _) that `free` allows.
struct NewName<'a> {
    /// Keeps what is typed across frames.
    salt: &'a str,
    label: &'a str,
    hint: &'a str,
    button: &'a str,
    /// Said on the button while it is off.
    refused: &'a str,
}

impl NewName<'_> {
    /// The name typed, once the button is clicked (the field is then cleared).
    fn ui(&self, ui: &mut egui::Ui, free: impl Fn(&str) -> bool) -> Option<String> {
        ui.horizontal_wrapped(|ui| {
            let id = ui.make_persistent_id(self.salt);
            let mut name: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
            let label = ui.label(self.label);
            ui.add(egui::TextEdit::singleline(&mut name).desired_width(140.0).hint_text(self.hint))
                .labelled_by(label.id);
            let typed = name.trim().to_owned();
            let ok = crate::plan::is_identifier(&typed) && free(&typed);
            let added =
                ui.add_enabled(ok, egui::Button::new(self.button)).on_disabled_hover_text(self.refused).clicked().then(
                    || {
                        name.clear();
                        typed
                    },
                );
            ui.data_mut(|d| d.insert_temp(id, name));
            added
        })
        .inner
    }
}

/// Edits an optional cap or guarantee. `name` names its fields for assistive technology
/// ("Plan cap amount").
fn limit_ui(ui: &mut egui::Ui, title: &str, name: &str, path: &str, limit: &mut Option<Limit>, at: &Found<'_>) {
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
        ui.horizontal_wrapped(|ui| {
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
                labelled(decimal_value(ui, m, Unit::Factor), &format!("{name} multiple of target incentive"))
                    .on_hover_text("Multiple of prorated target incentive");
            }
            if let Some(a) = &mut l.amount {
                labelled(decimal_value(ui, a, at.money), &format!("{name} amount"))
                    .on_hover_text("Amount, prorated by the share of the period employed");
            }
        });
        problems_ui(
            ui,
            at.at_any(&[path.to_owned(), format!("{path}.multiple_of_ti"), format!("{path}.amount")]).into_iter(),
        );
        earning_codes_ui(ui, &mut l.earning_code, &mut l.earning_codes, path, name, at);
    });
}

/// A short name for a payroll template's system ("ADP Workforce Now").
fn system_name(template: Template) -> &'static str {
    match template {
        Template::Generic => "Generic CSV",
        other => other.title().split(':').next().unwrap_or(other.name()),
    }
}

/// The earning code of a payout line, and its own code for each payroll template that needs
/// another one. Each code is checked against what the template's system accepts, here.
fn earning_codes_ui(
    ui: &mut egui::Ui,
    code: &mut Option<String>,
    per_template: &mut indexmap::IndexMap<String, String>,
    path: &str,
    name: &str,
    at: &Found<'_>,
) {
    let t = theme::tokens(ui);
    ui.push_id((path, "codes"), |ui| {
        ui.horizontal_wrapped(|ui| {
            let mut text = code.clone().unwrap_or_default();
            ui.label("Earning code");
            let r = ui.add(egui::TextEdit::singleline(&mut text).desired_width(90.0)).on_hover_text(
                "The payroll earning code this line is exported under (any template without its own code)",
            );
            let r = labelled(r, &format!("{name} earning code"));
            if r.changed() {
                *code = if text.is_empty() { None } else { Some(text) };
            }
        });
        problems_ui(ui, at.at(&format!("{path}.earning_code")).into_iter());
        // Which systems would refuse the default code (and have no code of their own).
        if let Some(c) = code.as_deref() {
            let refused: Vec<&str> = Template::ALL
                .into_iter()
                .filter(|tmpl| !per_template.contains_key(tmpl.name()))
                .filter(|tmpl| crate::export::code_problem(*tmpl, c).is_some())
                .map(system_name)
                .collect();
            if !refused.is_empty() {
                ui.add(
                    egui::Label::new(
                        egui::RichText::new(format!(
                            "{} would not accept `{c}`: add a code for {} below",
                            refused.join(" and "),
                            if refused.len() == 1 { "it" } else { "each" }
                        ))
                        .color(t.muted),
                    )
                    .wrap(),
                );
            }
        }
        let templates: Vec<String> = per_template.keys().cloned().collect();
        let mut remove = None;
        for template in templates {
            let Some(value) = per_template.get_mut(&template) else { continue };
            let known = Template::parse(&template);
            let system: String = known.map_or_else(|| template.clone(), |t| system_name(t).to_owned());
            ui.horizontal(|ui| {
                ui.add_space(12.0);
                let r = ui
                    .add(egui::TextEdit::singleline(value).desired_width(90.0).hint_text("code"))
                    .on_hover_text(format!("The earning code in {system} exports (earning_codes.{template})"));
                labelled(r, &format!("{name} earning code for {template}"));
                let r = ui
                    .add(egui::Button::new("×").small())
                    .on_hover_text(format!("Use the earning code above for {system}"))
                    .accessible_name(format!("Remove the {system} earning code of {name}"));
                if r.clicked() {
                    remove = Some(template.clone());
                }
                ui.add(egui::Label::new(format!("for {system}")).truncate());
            });
            problems_ui(ui, at.at(&format!("{path}.earning_codes.{template}")).into_iter());
            if let Some(why) =
                known.and_then(|tmpl| crate::export::code_problem(tmpl, value)).filter(|_| !value.is_empty())
            {
                ui.add(egui::Label::new(egui::RichText::new(why).color(t.warning)).wrap());
            }
        }
        if let Some(template) = remove {
            per_template.shift_remove(&template);
        }
        let missing: Vec<Template> =
            Template::ALL.into_iter().filter(|tmpl| !per_template.contains_key(tmpl.name())).collect();
        if !missing.is_empty() {
            let mut add = None;
            egui::ComboBox::from_id_salt("add_code")
                .selected_text("Add a code for…")
                .show_ui(ui, |ui| {
                    for tmpl in missing {
                        if ui.selectable_label(false, system_name(tmpl)).on_hover_text(tmpl.title()).clicked() {
                            add = Some(tmpl);
                        }
                    }
                })
                .response
                .accessible_name(format!("{name}: add an earning code for a payroll system"))
                .on_hover_text("Give one payroll system its own earning code for this line");
            if let Some(tmpl) = add {
                per_template.insert(tmpl.name().to_owned(), String::new());
            }
        }
    });
}

/// Where a new component was added (opened, and scrolled to, in the next frame).
#[derive(Clone, Copy, Default)]
struct JustAdded(usize);

/// One track. Returns true when the user asked to remove it.
fn track_ui(ui: &mut egui::Ui, role: &str, track: &mut Track, path: &str, metrics: &[String], at: &Found<'_>) -> bool {
    problems_ui(ui, at.at(path).into_iter().chain(at.at(&format!("{path}.components"))));
    let mut remove_track = false;
    limit_ui(ui, "Track cap", &format!("{role} track cap"), &format!("{path}.cap"), &mut track.cap, at);
    limit_ui(
        ui,
        "Track guarantee",
        &format!("{role} track guarantee"),
        &format!("{path}.guarantee"),
        &mut track.guarantee,
        at,
    );
    let line_ids: Vec<(String, String)> = track
        .components
        .iter()
        .filter(|c| c.codes().is_some())
        .map(|c| (c.id().to_owned(), c.label().to_owned()))
        .collect();
    let n = track.components.len();
    let added_id = ui.make_persistent_id(("just_added", role));
    let just_added: Option<JustAdded> = ui.data_mut(|d| d.remove_temp(added_id));
    let mut op: Option<(usize, ListOp)> = None;
    for i in 0..n {
        let cpath = format!("{path}.components[{i}]");
        let Some(c) = track.components.get_mut(i) else { continue };
        let title = format!("{}  ·  {}", c.label(), kind_text(c.kind()));
        let mut header = egui::CollapsingHeader::new(title).id_salt((role, i, "component")).default_open(i == 0);
        if just_added.is_some_and(|a| a.0 == i) {
            header = header.open(Some(true));
        }
        let header = match at.worst_under(&cpath) {
            Some(severity) => header.icon(move |ui, openness, r| problem_icon(ui, openness, r, severity)),
            None => header,
        };
        let shown = header.show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
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
        if just_added.is_some_and(|a| a.0 == i) {
            shown.header_response.scroll_to_me(Some(egui::Align::TOP));
        }
    }
    if let Some((i, o)) = op {
        match o {
            ListOp::Duplicate => {
                if let Some(c) = track.components.get(i) {
                    let mut copy = c.clone();
                    *copy.id_mut() = unique_id(&format!("{}_copy", c.id()), &track.components);
                    let label = unique_label(&format!("{} (copy)", c.label()), &track.components);
                    set_label(&mut copy, label);
                    track.components.insert(i + 1, copy);
                    ui.data_mut(|d| d.insert_temp(added_id, JustAdded(i + 1)));
                }
            }
            _ => apply_list_op(&mut track.components, i, o, Clone::clone),
        }
    }
    ui.horizontal_wrapped(|ui| {
        ui.menu_button("Add component", |ui| {
            for kind in ComponentKind::ALL {
                if ui.button(kind_text(kind)).on_hover_text(kind_help(kind)).clicked() {
                    let ids: Vec<String> = line_ids.iter().map(|(id, _)| id.clone()).collect();
                    let c = new_component(kind, &track.components, &ids);
                    track.components.push(c);
                    ui.data_mut(|d| d.insert_temp(added_id, JustAdded(track.components.len() - 1)));
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

fn set_label(c: &mut Component, label: String) {
    match c {
        Component::Commission(x) => x.label = label,
        Component::Bonus(x) => x.label = label,
        Component::PerUnit(x) => x.label = label,
        Component::Multiplier(x) => x.label = label,
    }
}

fn unique_label(base: &str, components: &[Component]) -> String {
    if !components.iter().any(|c| c.label() == base) {
        return base.to_owned();
    }
    (2..).map(|n| format!("{base} {n}")).find(|l| !components.iter().any(|c| c.label() == l)).unwrap_or_default()
}

fn new_component(kind: ComponentKind, components: &[Component], line_ids: &[String]) -> Component {
    let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
    match kind {
        ComponentKind::Commission => Component::Commission(Commission {
            id: unique_id("commission", components),
            label: unique_label("Commission", components),
            earning_code: Some("COMM".to_owned()),
            earning_codes: Default::default(),
            metric: "revenue".to_owned(),
            basis: Basis::Attainment,
            method: Method::Graduated,
            tiers: vec![Tier { from: Decimal::ZERO, rate: d("0.05") }],
            threshold: None,
            cap: None,
            window: Default::default(),
            instalments: Vec::new(),
        }),
        ComponentKind::Bonus => Component::Bonus(Bonus {
            id: unique_id("bonus", components),
            label: unique_label("Bonus", components),
            earning_code: Some("BONUS".to_owned()),
            earning_codes: Default::default(),
            metric: "revenue".to_owned(),
            target: Target::Quota,
            base: BonusBase::TiShare(d("0.2")),
            curve: vec![CurvePoint { x: d("0.5"), y: d("0.5") }, CurvePoint { x: Decimal::ONE, y: Decimal::ONE }],
            cap: None,
            window: Default::default(),
            instalments: Vec::new(),
        }),
        ComponentKind::PerUnit => Component::PerUnit(PerUnit {
            id: unique_id("per_unit", components),
            label: unique_label("Per unit", components),
            earning_code: Some("SPIFF".to_owned()),
            earning_codes: Default::default(),
            metric: "discovery_interviews".to_owned(),
            amount: Decimal::ONE_HUNDRED,
            min_units: None,
            max_units: None,
            cap: None,
            window: Default::default(),
            instalments: Vec::new(),
        }),
        ComponentKind::Multiplier => Component::Multiplier(Multiplier {
            id: unique_id("multiplier", components),
            label: unique_label("Multiplier", components),
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
    line_ids: &[(String, String)],
    at: &Found<'_>,
) {
    let label_text = c.label().to_owned();
    let width = (ui.available_width() - 70.0).clamp(120.0, FIELD);
    egui::Grid::new((path, "common")).num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
        let (id, label) = match c {
            Component::Commission(x) => (&mut x.id, &mut x.label),
            Component::Bonus(x) => (&mut x.id, &mut x.label),
            Component::PerUnit(x) => (&mut x.id, &mut x.label),
            Component::Multiplier(x) => (&mut x.id, &mut x.label),
        };
        let l = ui.label("Label");
        ui.add(egui::TextEdit::singleline(label).desired_width(width))
            .labelled_by(l.id)
            .on_hover_text("Shown to people: in tables, charts, explanations and hand-outs");
        ui.end_row();
        let l = ui.label("Id");
        ui.vertical(|ui| {
            ui.add(egui::TextEdit::singleline(id).desired_width(width))
                .labelled_by(l.id)
                .on_hover_text("Unique in the track; names the payout line in exports");
            problems_ui(ui, at.at(&format!("{path}.id")).into_iter());
        });
        ui.end_row();
    });
    problems_ui(ui, at.at(path).into_iter().chain(at.at(&format!("{path}.label"))));
    match c {
        Component::Commission(com) => commission_ui(ui, com, path, &label_text, metrics, at),
        Component::Bonus(b) => bonus_ui(ui, b, path, &label_text, metrics, at),
        Component::PerUnit(u) => per_unit_ui(ui, u, path, &label_text, metrics, at),
        Component::Multiplier(m) => multiplier_ui(ui, m, path, &label_text, metrics, line_ids, at),
    }
    let year = match c {
        Component::Commission(x) => Some((&mut x.window, &mut x.instalments)),
        Component::Bonus(x) => Some((&mut x.window, &mut x.instalments)),
        Component::PerUnit(x) => Some((&mut x.window, &mut x.instalments)),
        Component::Multiplier(_) => None,
    };
    if let (true, Some((window, instalments))) = (at.plan_year, year) {
        schedule::line_year_ui(ui, window, instalments, path, &label_text, at);
    }
    let codes = match c {
        Component::Commission(x) => Some((&mut x.earning_code, &mut x.earning_codes)),
        Component::Bonus(x) => Some((&mut x.earning_code, &mut x.earning_codes)),
        Component::PerUnit(x) => Some((&mut x.earning_code, &mut x.earning_codes)),
        Component::Multiplier(_) => None,
    };
    if let Some((code, per_template)) = codes {
        ui.add_space(2.0);
        earning_codes_ui(ui, code, per_template, path, &label_text, at);
    }
}

/// A metric name: typed, or picked from the roster's columns. Its problems (an unknown name, with
/// the likeliest one meant) show right under it.
fn metric_field(
    ui: &mut egui::Ui,
    label: &str,
    value: &mut String,
    metrics: &[String],
    path: &str,
    name: &str,
    at: &Found<'_>,
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(label);
        ui.push_id((path, label), |ui| {
            let r = ui
                .add(egui::TextEdit::singleline(value).desired_width(170.0))
                .on_hover_text("A roster column or derived metric (snake_case)");
            labelled(r, &format!("{name} metric"));
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
    problems_ui(ui, at.at(&format!("{path}.metric")).into_iter());
}

/// Gives a widget its accessible name (and the same hover text).
fn labelled(response: egui::Response, name: &str) -> egui::Response {
    response.accessible_name(name)
}

/// Up, down and remove for a row of a list: small, so a row fits a narrow editor.
fn row_buttons(ui: &mut egui::Ui, k: usize, n: usize, op: &mut Option<(usize, ListOp)>, what: &str) {
    let mut button = |ui: &mut egui::Ui, enabled: bool, text: &str, name: String, action: ListOp| {
        let r = ui.add_enabled(enabled, egui::Button::new(text).small()).on_hover_text(&name).accessible_name(name);
        if r.clicked() {
            *op = Some((k, action));
        }
    };
    button(ui, k > 0, "↑", format!("Move {what} {} up", k + 1), ListOp::Up);
    button(ui, k + 1 < n, "↓", format!("Move {what} {} down", k + 1), ListOp::Down);
    button(ui, true, "×", format!("Remove {what} {}", k + 1), ListOp::Remove);
}

fn optional_decimal(
    ui: &mut egui::Ui,
    label: &str,
    name: &str,
    value: &mut Option<Decimal>,
    unit: Unit,
    help: &str,
    path: &str,
) {
    ui.push_id((path, label), |ui| {
        ui.horizontal_wrapped(|ui| {
            let mut on = value.is_some();
            if ui.checkbox(&mut on, label).on_hover_text(help).changed() {
                *value = on.then(|| match unit {
                    Unit::Percent => Decimal::new(5, 1),
                    Unit::Money(_) => Decimal::from(50_000),
                    Unit::Number | Unit::Factor => Decimal::ONE,
                });
            }
            if let Some(v) = value {
                labelled(decimal_value(ui, v, unit), &format!("{name} {}", label.to_lowercase()));
            }
        });
    });
}

fn commission_ui(ui: &mut egui::Ui, com: &mut Commission, path: &str, name: &str, metrics: &[String], at: &Found<'_>) {
    metric_field(ui, "Metric", &mut com.metric, metrics, path, name, at);
    ui.horizontal_wrapped(|ui| {
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
    problems_ui(ui, at.at_any(&[format!("{path}.basis"), format!("{path}.method")]).into_iter());
    let from_unit = if com.basis == Basis::Attainment { Unit::Percent } else { at.money };
    ui.label(egui::RichText::new("Tiers").strong())
        .on_hover_text("From: where the tier starts (attainment or money). Rate: what it pays on its part");
    problems_ui(ui, at.at(&format!("{path}.tiers")).into_iter());
    let n = com.tiers.len();
    let mut op = None;
    for (k, tier) in com.tiers.iter_mut().enumerate() {
        let tpath = format!("{path}.tiers[{k}]");
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{}.", k + 1));
            ui.label("from");
            labelled(decimal_value(ui, &mut tier.from, from_unit), &format!("{name} tier {} from", k + 1));
            ui.label("rate");
            labelled(decimal_value(ui, &mut tier.rate, Unit::Percent), &format!("{name} tier {} rate", k + 1));
            row_buttons(ui, k, n, &mut op, "tier");
        });
        problems_ui(ui, at.at_any(&[tpath.clone(), format!("{tpath}.from"), format!("{tpath}.rate")]).into_iter());
    }
    if let Some((k, o)) = op {
        apply_list_op(&mut com.tiers, k, o, |t| *t);
    }
    if ui.small_button("Add tier").on_hover_text("Add a tier above the last one").clicked() {
        let last = com.tiers.last().copied().unwrap_or(Tier { from: Decimal::ZERO, rate: Decimal::ZERO });
        let step = if com.basis == Basis::Attainment { Decimal::new(5, 1) } else { Decimal::from(100_000) };
        com.tiers
            .push(Tier { from: if com.tiers.is_empty() { Decimal::ZERO } else { last.from + step }, rate: last.rate });
    }
    optional_decimal(ui, "Threshold", name, &mut com.threshold, from_unit, "Below this the line pays 0", path);
    problems_ui(ui, at.at(&format!("{path}.threshold")).into_iter());
    optional_decimal(ui, "Line cap", name, &mut com.cap, at.money, "The line's maximum, after multipliers", path);
    problems_ui(ui, at.at(&format!("{path}.cap")).into_iter());
}

fn bonus_ui(ui: &mut egui::Ui, b: &mut Bonus, path: &str, name: &str, metrics: &[String], at: &Found<'_>) {
    metric_field(ui, "Metric", &mut b.metric, metrics, path, name, at);
    ui.horizontal_wrapped(|ui| {
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
                labelled(decimal_value(ui, v, Unit::Number), &format!("{name} target"));
            }
            Target::Column(c) => {
                let r = ui.add(egui::TextEdit::singleline(c).desired_width(160.0));
                labelled(r, &format!("{name} target column"));
            }
        }
    });
    problems_ui(ui, at.at(&format!("{path}.target")).into_iter());
    ui.horizontal_wrapped(|ui| {
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
                labelled(decimal_value(ui, s, Unit::Percent), &format!("{name} share of target incentive"));
            }
            BonusBase::Amount(a) => {
                labelled(decimal_value(ui, a, at.money), &format!("{name} base amount"));
            }
        }
    });
    problems_ui(
        ui,
        at.at_any(&[format!("{path}.base"), format!("{path}.base.ti_share"), format!("{path}.base.amount")])
            .into_iter(),
    );
    let x_unit = if matches!(b.target, Target::Quota) { Unit::Percent } else { Unit::Number };
    ui.label(egui::RichText::new("Curve").strong())
        .on_hover_text("0 below the first point, straight lines between, flat after the last");
    problems_ui(ui, at.at(&format!("{path}.curve")).into_iter());
    let n = b.curve.len();
    let mut op = None;
    for (k, p) in b.curve.iter_mut().enumerate() {
        let ppath = format!("{path}.curve[{k}]");
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{}.", k + 1));
            ui.label("at");
            labelled(decimal_value(ui, &mut p.x, x_unit), &format!("{name} point {} x", k + 1));
            ui.label("pays");
            labelled(decimal_value(ui, &mut p.y, Unit::Factor), &format!("{name} point {} pays", k + 1));
            row_buttons(ui, k, n, &mut op, "point");
        });
        problems_ui(ui, at.at_any(&[ppath.clone(), format!("{ppath}.x"), format!("{ppath}.y")]).into_iter());
    }
    if let Some((k, o)) = op {
        apply_list_op(&mut b.curve, k, o, |p| *p);
    }
    if ui.small_button("Add point").on_hover_text("Add a point after the last one").clicked() {
        let last = b.curve.last().copied().unwrap_or(CurvePoint { x: Decimal::ZERO, y: Decimal::ZERO });
        b.curve.push(CurvePoint { x: last.x + Decimal::new(5, 1), y: last.y + Decimal::new(5, 1) });
    }
    plots::curve_preview_ui(ui, &b.curve, path);
    optional_decimal(ui, "Line cap", name, &mut b.cap, at.money, "The line's maximum, after multipliers", path);
    problems_ui(ui, at.at(&format!("{path}.cap")).into_iter());
}

fn per_unit_ui(ui: &mut egui::Ui, u: &mut PerUnit, path: &str, name: &str, metrics: &[String], at: &Found<'_>) {
    metric_field(ui, "Metric", &mut u.metric, metrics, path, name, at);
    ui.horizontal_wrapped(|ui| {
        ui.label("Amount per unit");
        labelled(decimal_value(ui, &mut u.amount, at.money), &format!("{name} amount per unit"));
    });
    problems_ui(ui, at.at(&format!("{path}.amount")).into_iter());
    optional_decimal(
        ui,
        "Minimum units",
        name,
        &mut u.min_units,
        Unit::Number,
        "Below this many units the line pays 0",
        path,
    );
    problems_ui(ui, at.at(&format!("{path}.min_units")).into_iter());
    optional_decimal(ui, "Maximum units", name, &mut u.max_units, Unit::Number, "Units above this are not paid", path);
    problems_ui(ui, at.at(&format!("{path}.max_units")).into_iter());
    optional_decimal(ui, "Line cap", name, &mut u.cap, at.money, "The line's maximum, after multipliers", path);
    problems_ui(ui, at.at(&format!("{path}.cap")).into_iter());
}

fn multiplier_ui(
    ui: &mut egui::Ui,
    m: &mut Multiplier,
    path: &str,
    name: &str,
    metrics: &[String],
    line_ids: &[(String, String)],
    at: &Found<'_>,
) {
    metric_field(ui, "Metric", &mut m.metric, metrics, path, name, at);
    ui.label(egui::RichText::new("Multiplies").strong());
    ui.horizontal_wrapped(|ui| {
        for (id, label) in line_ids {
            let mut on = m.applies_to.contains(id);
            if ui.checkbox(&mut on, label).on_hover_text(format!("Multiply the {label} line ({id})")).changed() {
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
    for (k, s) in m.steps.iter_mut().enumerate() {
        let spath = format!("{path}.steps[{k}]");
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{}.", k + 1));
            ui.label("from");
            labelled(decimal_value(ui, &mut s.from, Unit::Number), &format!("{name} step {} from", k + 1));
            ui.label("factor");
            labelled(decimal_value(ui, &mut s.factor, Unit::Factor), &format!("{name} step {} factor", k + 1));
            row_buttons(ui, k, n, &mut op, "step");
        });
        problems_ui(ui, at.at_any(&[spath.clone(), format!("{spath}.from"), format!("{spath}.factor")]).into_iter());
    }
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
    ui.horizontal_wrapped(|ui| {
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

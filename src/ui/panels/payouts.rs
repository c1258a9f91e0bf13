//! Every person's payout: a virtualised table (smooth with 100,000 rows) with sorting and
//! filters, and the line-by-line explanation of the selected person.

use egui_extras::{Column, TableBuilder};
use rust_decimal::Decimal;

use super::super::app::PayoutsView;
use super::super::doc::{PlanDoc, PlanId};
use super::super::theme;
use super::super::widgets;
use crate::engine::{EmployeePayout, Outcome, PayoutReport};
use crate::money;
use crate::roster::Roster;

/// A sortable column.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum SortKey {
    /// Roster order.
    #[default]
    Roster,
    /// Employee id.
    Id,
    /// Name.
    Name,
    /// Role.
    Role,
    /// Team.
    Team,
    /// Attainment.
    Attainment,
    /// A line, by component id.
    Line(String),
    /// Total.
    Total,
}

/// Sort column and direction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sort {
    /// Column.
    pub key: SortKey,
    /// Descending.
    pub descending: bool,
}

/// What the shown rows were built from; they are rebuilt only when this changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowsKey {
    plan: PlanId,
    /// (plan revision, roster revision) of the result shown.
    result: (u64, u64),
    filter: String,
    role: Option<String>,
    team: Option<String>,
    sort: Sort,
}

/// The payouts view.
pub fn payouts_ui(ui: &mut egui::Ui, doc: Option<&PlanDoc>, roster: &Roster, view: &mut PayoutsView) {
    let Some(doc) = doc else { return };
    let Some(result) = &doc.result else { return };
    let report = &result.report;
    filters_ui(ui, (doc.id, result.plan_revision, result.roster_revision), report, view);
    rebuild_rows(doc.id, (result.plan_revision, result.roster_revision), report, view);
    // The explanation of the selected person sits under the table.
    let explanation = view.selected.and_then(|index| {
        let employee = roster.employees.get(index)?;
        Some(result.compiled.explain(index, employee))
    });
    egui::Panel::bottom("explanation").resizable(true).default_size(230.0).min_size(60.0).show(ui, |ui| {
        explanation_ui(ui, explanation.as_ref(), report);
        // Keep the panel's size when its content is short (a panel otherwise shrinks to fit).
        ui.allocate_space(ui.available_size());
    });
    egui::CentralPanel::default().show(ui, |ui| table_ui(ui, report, view));
}

fn filters_ui(ui: &mut egui::Ui, key: (PlanId, u64, u64), report: &PayoutReport, view: &mut PayoutsView) {
    // The role and team lists change only with the results: collect them then, not every frame.
    if view.choices.key != Some(key) {
        let mut roles: Vec<&str> = report.employees.iter().map(|e| &*e.role).collect();
        roles.sort_unstable();
        roles.dedup();
        let mut teams: Vec<&str> = report.employees.iter().map(|e| &*e.team).collect();
        teams.sort_unstable();
        teams.dedup();
        view.choices = super::super::app::FilterChoices {
            key: Some(key),
            roles: roles.into_iter().map(str::to_owned).collect(),
            teams: teams.into_iter().map(str::to_owned).collect(),
        };
    }
    ui.horizontal(|ui| {
        let l = ui.label("Search");
        ui.add(egui::TextEdit::singleline(&mut view.filter).desired_width(150.0).hint_text("name, id or team"))
            .labelled_by(l.id)
            .on_hover_text("Show only people whose name, id or team contains this text");
        let l = ui.label("Role");
        egui::ComboBox::from_id_salt("role_filter")
            .selected_text(view.role.clone().unwrap_or_else(|| "all".to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.role, None, "all");
                for r in &view.choices.roles {
                    ui.selectable_value(&mut view.role, Some(r.clone()), r);
                }
            })
            .response
            .labelled_by(l.id);
        let l = ui.label("Team");
        egui::ComboBox::from_id_salt("team_filter")
            .selected_text(view.team.clone().unwrap_or_else(|| "all".to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.team, None, "all");
                for t in &view.choices.teams {
                    ui.selectable_value(&mut view.team, Some(t.clone()), t);
                }
            })
            .response
            .labelled_by(l.id);
    });
    widgets::muted(
        ui,
        format!(
            "{} of {} people · click a column to sort, a row to see the explanation",
            view.rows.len(),
            report.employees.len()
        ),
    );
}

fn line_amount(e: &EmployeePayout, component: &str) -> Option<Decimal> {
    e.lines.iter().find(|l| &*l.component == component).map(|l| l.amount)
}

/// Rebuilds the filtered, sorted row list when the report, filters or sort changed.
fn rebuild_rows(plan: PlanId, result: (u64, u64), report: &PayoutReport, view: &mut PayoutsView) {
    let key = RowsKey {
        plan,
        result,
        filter: view.filter.clone(),
        role: view.role.clone(),
        team: view.team.clone(),
        sort: view.sort.clone(),
    };
    if view.rows_key.as_ref() == Some(&key) {
        return;
    }
    let needle = view.filter.trim().to_lowercase();
    let mut rows: Vec<u32> = report
        .employees
        .iter()
        .enumerate()
        .filter(|(_, e)| view.role.as_ref().is_none_or(|r| **r == *e.role))
        .filter(|(_, e)| view.team.as_ref().is_none_or(|t| **t == *e.team))
        .filter(|(_, e)| {
            needle.is_empty()
                || e.name.to_lowercase().contains(&needle)
                || e.employee_id.to_lowercase().contains(&needle)
                || e.team.to_lowercase().contains(&needle)
        })
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    let get = |i: &u32| report.employees.get(*i as usize);
    match &view.sort.key {
        SortKey::Roster => {}
        SortKey::Id => rows.sort_by(|a, b| get(a).map(|e| &e.employee_id).cmp(&get(b).map(|e| &e.employee_id))),
        SortKey::Name => rows.sort_by(|a, b| get(a).map(|e| &e.name).cmp(&get(b).map(|e| &e.name))),
        SortKey::Role => rows.sort_by(|a, b| get(a).map(|e| &e.role).cmp(&get(b).map(|e| &e.role))),
        SortKey::Team => rows.sort_by(|a, b| get(a).map(|e| &e.team).cmp(&get(b).map(|e| &e.team))),
        SortKey::Attainment => rows.sort_by_key(|i| get(i).and_then(|e| e.attainment)),
        SortKey::Total => rows.sort_by_key(|i| get(i).map(|e| e.total)),
        SortKey::Line(c) => rows.sort_by_key(|i| get(i).and_then(|e| line_amount(e, c))),
    }
    if view.sort.descending {
        rows.reverse();
    }
    view.rows = rows;
    view.rows_key = Some(key);
}

fn table_ui(ui: &mut egui::Ui, report: &PayoutReport, view: &mut PayoutsView) {
    let dp = report.minor_units;
    let components: Vec<&String> = report.totals.by_component.keys().collect();
    let t = theme::tokens(ui);
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
    let mut header_click: Option<SortKey> = None;
    let mut clicked_row: Option<usize> = None;
    egui::ScrollArea::horizontal().id_salt("payouts_hscroll").show(ui, |ui| {
        TableBuilder::new(ui)
            .id_salt("payouts_table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::initial(60.0).at_least(40.0))
            .column(Column::initial(140.0).at_least(60.0))
            .column(Column::initial(76.0))
            .column(Column::initial(112.0))
            .column(Column::initial(84.0))
            .column(Column::initial(96.0).at_least(80.0))
            .columns(Column::initial(112.0).at_least(60.0), components.len())
            .header(row_height + 4.0, |mut header| {
                let mut head = |header: &mut egui_extras::TableRow<'_, '_>, title: &str, key: SortKey| {
                    header.col(|ui| {
                        if ui
                            .button(egui::RichText::new(title).strong())
                            .on_hover_text(format!("Sort by {title}"))
                            .clicked()
                        {
                            header_click = Some(key.clone());
                        }
                        if view.sort.key == key {
                            widgets::sort_arrow(ui, view.sort.descending);
                        }
                    });
                };
                head(&mut header, "ID", SortKey::Id);
                head(&mut header, "Name", SortKey::Name);
                head(&mut header, "Role", SortKey::Role);
                head(&mut header, "Team", SortKey::Team);
                head(&mut header, "Attainment", SortKey::Attainment);
                head(&mut header, "Total", SortKey::Total);
                for c in &components {
                    head(&mut header, c, SortKey::Line((*c).clone()));
                }
            })
            .body(|body| {
                body.rows(row_height, view.rows.len(), |mut row| {
                    let Some(e) = view.rows.get(row.index()).and_then(|i| report.employees.get(*i as usize)) else {
                        return;
                    };
                    row.set_selected(view.selected == Some(e.index));
                    row.col(|ui| {
                        ui.label(&*e.employee_id);
                    });
                    row.col(|ui| {
                        ui.label(&*e.name);
                    });
                    row.col(|ui| {
                        ui.label(&*e.role);
                    });
                    row.col(|ui| {
                        ui.label(&*e.team);
                    });
                    row.col(|ui| {
                        ui.label(e.attainment.map(|a| money::percent(a, 1)).unwrap_or_default());
                    });
                    row.col(|ui| {
                        let text = money::grouped(e.total, dp);
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            ui.label(egui::RichText::new(text).strong());
                            if !e.warnings.is_empty() {
                                ui.colored_label(t.warning, "!").on_hover_text(e.warnings.join("\n"));
                            }
                        });
                    });
                    for c in &components {
                        row.col(|ui| {
                            if let Some(a) = line_amount(e, c) {
                                right(
                                    ui,
                                    &money::grouped(a, dp),
                                    if a < Decimal::ZERO { Some(t.negative) } else { None },
                                );
                            }
                        });
                    }
                    if row.response().clicked() {
                        clicked_row = Some(e.index);
                    }
                });
            });
    });
    if let Some(key) = header_click {
        if view.sort.key == key {
            view.sort.descending = !view.sort.descending;
        } else {
            view.sort = Sort { key, descending: false };
        }
    }
    if let Some(i) = clicked_row {
        view.selected = Some(i);
    }
}

fn right(ui: &mut egui::Ui, text: &str, color: Option<egui::Color32>) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| match color {
        Some(c) => ui.colored_label(c, text),
        None => ui.label(text),
    });
}

fn explanation_ui(ui: &mut egui::Ui, outcome: Option<&Outcome>, report: &PayoutReport) {
    let dp = report.minor_units;
    let t = theme::tokens(ui);
    let Some(outcome) = outcome else {
        widgets::muted(ui, "Select a person to see how their payout is worked out, line by line.");
        return;
    };
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| match outcome {
        Outcome::Paid(p) => {
            ui.horizontal(|ui| {
                ui.heading(&*p.name);
                widgets::muted(
                    ui,
                    format!(
                        "{} · {} · {} · employed {} of the period",
                        p.employee_id,
                        p.role,
                        p.team,
                        money::percent(p.proration, 0)
                    ),
                );
            });
            for l in &p.lines {
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&*l.label).strong());
                    let color = if l.amount < Decimal::ZERO { t.negative } else { ui.visuals().strong_text_color() };
                    ui.label(egui::RichText::new(money::grouped(l.amount, dp)).color(color).strong());
                });
                ui.indent(("why", &l.component), |ui| {
                    ui.add(egui::Label::new(&l.explanation).wrap());
                });
            }
            ui.separator();
            ui.label(
                egui::RichText::new(format!("Total {} {}", money::grouped(p.total, dp), report.currency)).strong(),
            );
            for w in &p.warnings {
                ui.colored_label(t.warning, w);
            }
        }
        Outcome::NotCovered(n) => {
            ui.label(format!(
                "{} ({}) is not covered: the plan has no track for role `{}`.",
                n.name, n.employee_id, n.role
            ));
        }
        Outcome::Failed(errors) => {
            for e in errors {
                let component = e.component.as_deref().map(|c| format!("{c}: ")).unwrap_or_default();
                ui.colored_label(
                    t.error,
                    format!("{} ({}) could not be computed: {component}{}", e.name, e.employee_id, e.message),
                );
            }
        }
    });
}

//! Every person's payout: a virtualised table (smooth with 100,000 rows) with sorting and
//! filters, and the line-by-line explanation of the selected person.

use std::sync::Arc;

use egui_extras::{Column, TableBuilder};
use rust_decimal::Decimal;

use super::super::app::PayoutsView;
use super::super::doc::{Labels, PlanDoc, PlanId};
use super::super::state::{MIN_EXPLANATION_HEIGHT, MIN_TABLE_ROWS};
use super::super::theme;
use super::super::widgets;
use crate::engine::stats::PlanStats;
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

/// The filters and sort the rows are built for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RowsQuery {
    /// Text filter (id, name, team; any case).
    pub filter: String,
    /// Role filter.
    pub role: Option<String>,
    /// Team filter.
    pub team: Option<String>,
    /// Sort column and direction.
    pub sort: Sort,
}

impl RowsQuery {
    /// Everyone in roster order (or its reverse): built in the frame, with no search or sort.
    fn is_plain(&self) -> bool {
        self.filter.trim().is_empty() && self.role.is_none() && self.team.is_none() && self.sort.key == SortKey::Roster
    }
}

/// What the shown rows were built from; they are rebuilt only when this changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowsKey {
    /// The plan.
    pub plan: PlanId,
    /// (plan revision, roster revision) of the result shown.
    pub result: (u64, u64),
    /// The filters and sort.
    pub query: RowsQuery,
}

/// What the payouts view needs besides its own state.
pub struct PayoutsContext<'a> {
    /// The roster (for explanations).
    pub roster: &'a Roster,
    /// Height of the explanation pane (persisted; the table always keeps room for
    /// [`MIN_TABLE_ROWS`] rows).
    pub explanation_height: &'a mut f32,
    /// Whether ↑/↓ may move the selection (no dialog open, no text field focused).
    pub keyboard: bool,
}

/// The payouts view: filters, the table, a handle to resize, and the explanation of the
/// selected person under it. The table always keeps room for [`MIN_TABLE_ROWS`] rows, however
/// tall the explanation is or was saved to be.
pub fn payouts_ui(ui: &mut egui::Ui, doc: Option<&PlanDoc>, view: &mut PayoutsView, cx: PayoutsContext<'_>) {
    let Some(doc) = doc else { return };
    let Some(result) = &doc.result else { return };
    let report = &result.report;
    filters_ui(ui, &result.stats, report, view);
    rebuild_rows(doc.id, (result.plan_revision, result.roster_revision), report, view);
    if cx.keyboard {
        move_selection_with_keys(ui, report, view);
    }
    let row_height = row_height(ui);
    let spacing = ui.spacing().item_spacing.y;
    let handle = 9.0;
    // The header, ten rows and a horizontal scroll bar.
    let min_table = (row_height + 4.0) + MIN_TABLE_ROWS as f32 * row_height + 16.0;
    let available = ui.available_height();
    let room = (available - min_table - handle - 2.0 * spacing).max(MIN_EXPLANATION_HEIGHT);
    let explanation_h = cx.explanation_height.clamp(MIN_EXPLANATION_HEIGHT, room);
    let table_h = (available - explanation_h - handle - 2.0 * spacing).max(row_height * 3.0);
    let width = ui.available_width();
    let layout = egui::Layout::top_down(egui::Align::Min);
    ui.allocate_ui_with_layout(egui::vec2(width, table_h), layout, |ui| {
        ui.set_min_size(egui::vec2(width, table_h));
        ui.set_max_height(table_h);
        table_ui(ui, report, &result.labels, view, table_h);
    });
    // The handle between the table and the explanation.
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, handle), egui::Sense::drag());
    let response = response.on_hover_cursor(egui::CursorIcon::ResizeVertical);
    let stroke = if response.hovered() || response.dragged() {
        ui.visuals().widgets.hovered.fg_stroke
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    ui.painter().hline(rect.x_range(), rect.center().y, stroke);
    if response.dragged() {
        *cx.explanation_height = (explanation_h - response.drag_delta().y).clamp(MIN_EXPLANATION_HEIGHT, room);
    }
    let explanation = view.selected.and_then(|index| {
        let employee = cx.roster.employees.get(index)?;
        Some(result.compiled.explain(index, employee))
    });
    ui.allocate_ui_with_layout(egui::vec2(width, explanation_h), layout, |ui| {
        ui.set_max_height(explanation_h);
        egui::ScrollArea::vertical()
            .id_salt("explanation_scroll")
            .max_height(explanation_h)
            .auto_shrink([false, false])
            .show(ui, |ui| explanation_ui(ui, explanation.as_ref(), report, &result.labels));
    });
}

fn row_height(ui: &egui::Ui) -> f32 {
    ui.text_style_height(&egui::TextStyle::Body) + 8.0
}

/// ↑ and ↓ select the row above or below (the first row when nobody is selected), and the
/// table scrolls to it.
fn move_selection_with_keys(ui: &mut egui::Ui, report: &PayoutReport, view: &mut PayoutsView) {
    let (up, down) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
        )
    });
    if !(up || down) || view.rows.is_empty() {
        return;
    }
    let index_of = |row: &u32| report.employees.get(*row as usize).map(|e| e.index);
    let at = view.selected.and_then(|sel| view.rows.iter().position(|r| index_of(r) == Some(sel)));
    let next = match (at, down) {
        (None, _) => 0,
        (Some(k), true) => (k + 1).min(view.rows.len() - 1),
        (Some(k), false) => k.saturating_sub(1),
    };
    if let Some(index) = view.rows.get(next).and_then(index_of) {
        view.selected = Some(index);
        view.scroll_to = Some(next);
    }
}

/// The search box and the role and team filters. The role and team lists come with the results
/// (collected on the compute worker, not in a frame).
fn filters_ui(ui: &mut egui::Ui, stats: &PlanStats, report: &PayoutReport, view: &mut PayoutsView) {
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Search");
        ui.add(egui::TextEdit::singleline(&mut view.filter).desired_width(150.0).hint_text("name, id or team"))
            .labelled_by(l.id)
            .on_hover_text("Show only people whose name, id or team contains this text");
        let l = ui.label("Role");
        egui::ComboBox::from_id_salt("role_filter")
            .selected_text(view.role.clone().unwrap_or_else(|| "all".to_owned()))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut view.role, None, "all");
                for r in &stats.roles {
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
                for t in &stats.teams {
                    ui.selectable_value(&mut view.team, Some(t.clone()), t);
                }
            })
            .response
            .labelled_by(l.id);
    });
    widgets::muted(
        ui,
        format!(
            "{} of {} people{} · click a column to sort, a row (or ↑ ↓) for the explanation",
            view.rows.len(),
            report.employees.len(),
            if view.pending_rows.is_some() { " (sorting…)" } else { "" }
        ),
    );
}

fn line_amount(e: &EmployeePayout, component: &str) -> Option<Decimal> {
    e.lines.iter().find(|l| &*l.component() == component).map(|l| l.amount)
}

/// Keeps the rows up to date with the report, filters and sort: the plain roster order is built
/// here; anything else is asked of the app, which sorts on a job (the rows shown stay until the
/// new ones arrive).
fn rebuild_rows(plan: PlanId, result: (u64, u64), report: &Arc<PayoutReport>, view: &mut PayoutsView) {
    let query = RowsQuery {
        filter: view.filter.clone(),
        role: view.role.clone(),
        team: view.team.clone(),
        sort: view.sort.clone(),
    };
    let key = RowsKey { plan, result, query };
    if view.rows_key.as_ref() == Some(&key) {
        view.pending_rows = None;
        return;
    }
    if key.query.is_plain() {
        view.rows = build_rows(report, &key.query);
        view.rows_key = Some(key);
        view.pending_rows = None;
        return;
    }
    if view.pending_rows.as_ref().is_none_or(|(k, _)| *k != key) {
        view.wanted_rows = Some(key);
    }
}

/// The indices (into `report.employees`) of the people `query` selects, in its order. Ties keep
/// roster order (ascending and descending alike).
pub fn build_rows(report: &PayoutReport, query: &RowsQuery) -> Vec<u32> {
    let needle = query.filter.trim().to_lowercase();
    let mut rows: Vec<u32> = report
        .employees
        .iter()
        .enumerate()
        .filter(|(_, e)| query.role.as_ref().is_none_or(|r| **r == *e.role))
        .filter(|(_, e)| query.team.as_ref().is_none_or(|t| **t == *e.team))
        .filter(|(_, e)| {
            needle.is_empty()
                || e.name.to_lowercase().contains(&needle)
                || e.employee_id.to_lowercase().contains(&needle)
                || e.team.to_lowercase().contains(&needle)
        })
        .filter_map(|(i, _)| u32::try_from(i).ok())
        .collect();
    let get = |i: &u32| report.employees.get(*i as usize);
    let descending = query.sort.descending;
    // Stable sorts with the direction applied to the comparison, so equal keys stay in roster
    // order either way.
    fn order(o: std::cmp::Ordering, descending: bool) -> std::cmp::Ordering {
        if descending { o.reverse() } else { o }
    }
    match &query.sort.key {
        SortKey::Roster => {
            if descending {
                rows.reverse();
            }
        }
        SortKey::Id => {
            rows.sort_by(|a, b| order(get(a).map(|e| &e.employee_id).cmp(&get(b).map(|e| &e.employee_id)), descending))
        }
        SortKey::Name => rows.sort_by(|a, b| order(get(a).map(|e| &e.name).cmp(&get(b).map(|e| &e.name)), descending)),
        SortKey::Role => rows.sort_by(|a, b| order(get(a).map(|e| &e.role).cmp(&get(b).map(|e| &e.role)), descending)),
        SortKey::Team => rows.sort_by(|a, b| order(get(a).map(|e| &e.team).cmp(&get(b).map(|e| &e.team)), descending)),
        SortKey::Attainment => {
            let mut keyed: Vec<(Option<Decimal>, u32)> =
                rows.iter().map(|i| (get(i).and_then(|e| e.attainment), *i)).collect();
            keyed.sort_by(|a, b| order(a.0.cmp(&b.0), descending));
            rows = keyed.into_iter().map(|(_, i)| i).collect();
        }
        SortKey::Total => {
            let mut keyed: Vec<(Option<Decimal>, u32)> = rows.iter().map(|i| (get(i).map(|e| e.total), *i)).collect();
            keyed.sort_by(|a, b| order(a.0.cmp(&b.0), descending));
            rows = keyed.into_iter().map(|(_, i)| i).collect();
        }
        SortKey::Line(c) => {
            let mut keyed: Vec<(Option<Decimal>, u32)> =
                rows.iter().map(|i| (get(i).and_then(|e| line_amount(e, c)), *i)).collect();
            keyed.sort_by(|a, b| order(a.0.cmp(&b.0), descending));
            rows = keyed.into_iter().map(|(_, i)| i).collect();
        }
    }
    rows
}

fn table_ui(ui: &mut egui::Ui, report: &PayoutReport, labels: &Labels, view: &mut PayoutsView, height: f32) {
    let dp = report.minor_units;
    let components: Vec<&String> = report.totals.by_component.keys().collect();
    let t = theme::tokens(ui);
    let row_height = row_height(ui);
    let mut header_click: Option<SortKey> = None;
    let mut clicked_row: Option<usize> = None;
    // Text in cells is not selectable, so a click anywhere on a row (its text too) selects it.
    ui.style_mut().interaction.selectable_labels = false;
    let scroll_to = view.scroll_to.take();
    egui::ScrollArea::horizontal().id_salt("payouts_hscroll").show(ui, |ui| {
        let mut table = TableBuilder::new(ui)
            .id_salt("payouts_table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .auto_shrink([false, false])
            .max_scroll_height((height - row_height - 4.0 - 16.0).max(row_height))
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::initial(64.0).at_least(40.0))
            .column(Column::initial(140.0).at_least(60.0))
            .column(Column::initial(80.0))
            .column(Column::initial(112.0))
            .column(Column::initial(88.0))
            .column(Column::initial(100.0).at_least(80.0))
            .columns(Column::initial(130.0).at_least(60.0), components.len());
        if let Some(row) = scroll_to {
            table = table.scroll_to_row(row, None);
        }
        table
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
                    head(&mut header, labels.get(c), SortKey::Line((*c).clone()));
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
                        ui.label(e.attainment.map(|a| money::percent_cut(a, 1)).unwrap_or_default());
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

fn explanation_ui(ui: &mut egui::Ui, outcome: Option<&Outcome>, report: &PayoutReport, labels: &Labels) {
    let dp = report.minor_units;
    let t = theme::tokens(ui);
    let Some(outcome) = outcome else {
        widgets::muted(ui, "Select a person to see how their payout is worked out, line by line.");
        return;
    };
    match outcome {
        Outcome::Paid(p) => {
            ui.horizontal_wrapped(|ui| {
                ui.heading(&*p.name);
                widgets::muted(
                    ui,
                    format!(
                        "{} · {} · {} · employed {} of the period",
                        p.employee_id,
                        p.role,
                        p.team,
                        money::percent_cut(p.proration, 0)
                    ),
                );
            });
            for l in &p.lines {
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(&*l.label()).strong());
                    let color = if l.amount < Decimal::ZERO { t.negative } else { ui.visuals().strong_text_color() };
                    ui.label(egui::RichText::new(money::grouped(l.amount, dp)).color(color).strong());
                });
                ui.indent(("why", &l.component()), |ui| {
                    ui.add(egui::Label::new(labels.relabel(&l.explanation)).wrap());
                });
            }
            ui.separator();
            ui.label(
                egui::RichText::new(format!("Total {} {}", money::grouped(p.total, dp), report.currency)).strong(),
            );
            for w in &p.warnings {
                ui.colored_label(t.warning, labels.relabel(w));
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
                let component = e.component.as_deref().map(|c| format!("{}: ", labels.get(c))).unwrap_or_default();
                ui.colored_label(
                    t.error,
                    format!("{} ({}) could not be computed: {component}{}", e.name, e.employee_id, e.message),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Detail;

    fn report() -> PayoutReport {
        let roster = crate::samples::bundled_roster().unwrap();
        let plan = crate::plan::parse(crate::samples::plan("sales_led").unwrap().text).unwrap();
        crate::engine::compute(&plan, &roster, Detail::AmountsOnly).unwrap()
    }

    fn query(key: SortKey, descending: bool) -> RowsQuery {
        RowsQuery { sort: Sort { key, descending }, ..RowsQuery::default() }
    }

    #[test]
    fn rows_sort_by_total_both_ways_with_ties_in_roster_order() {
        let report = report();
        let totals = |rows: &[u32]| rows.iter().map(|i| report.employees[*i as usize].total).collect::<Vec<_>>();
        let up = build_rows(&report, &query(SortKey::Total, false));
        let down = build_rows(&report, &query(SortKey::Total, true));
        assert_eq!(up.len(), report.employees.len());
        assert!(totals(&up).windows(2).all(|w| w[0] <= w[1]));
        assert!(totals(&down).windows(2).all(|w| w[0] >= w[1]));
        // Equal totals (several people earn 0) keep roster order in both directions.
        for rows in [&up, &down] {
            for w in rows.windows(2) {
                let (a, b) = (&report.employees[w[0] as usize], &report.employees[w[1] as usize]);
                if a.total == b.total {
                    assert!(w[0] < w[1], "ties out of roster order");
                }
            }
        }
        assert!(totals(&up).windows(2).any(|w| w[0] == w[1]), "the samples have ties");
    }

    #[test]
    fn rows_filter_by_text_in_any_case_role_and_team() {
        let report = report();
        let someone = &report.employees[3];
        let needle = someone.name.to_uppercase();
        let rows = build_rows(&report, &RowsQuery { filter: format!("  {needle} "), ..RowsQuery::default() });
        assert!(rows.contains(&3));
        assert!(rows.iter().all(|i| report.employees[*i as usize].name.to_uppercase().contains(&needle)
            || report.employees[*i as usize].team.to_uppercase().contains(&needle)));
        let consultants = build_rows(&report, &RowsQuery { role: Some("consultant".into()), ..RowsQuery::default() });
        assert!(!consultants.is_empty());
        assert!(consultants.iter().all(|i| &*report.employees[*i as usize].role == "consultant"));
        let team = someone.team.to_string();
        let by_name = Sort { key: SortKey::Name, descending: false };
        let in_team =
            build_rows(&report, &RowsQuery { team: Some(team.clone()), sort: by_name, ..RowsQuery::default() });
        assert!(in_team.iter().all(|i| *report.employees[*i as usize].team == *team));
        let names: Vec<_> = in_team.iter().map(|i| &report.employees[*i as usize].name).collect();
        assert!(names.windows(2).all(|w| w[0] <= w[1]));
        let reversed = build_rows(&report, &query(SortKey::Roster, true));
        assert_eq!(reversed.first().copied(), u32::try_from(report.employees.len() - 1).ok());
    }
}

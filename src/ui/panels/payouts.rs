//! Every person's payout: a virtualised table (smooth with 100,000 rows) with sorting and
//! filters, and the line-by-line explanation of the selected person. People the plan could not
//! compute are rows too, listed first and marked in error with the cause: a payroll admin must
//! see who is missing from the totals.

use std::sync::Arc;

use egui_extras::{Column, TableBuilder};
use rust_decimal::Decimal;

use super::super::app::PayoutsView;
use super::super::doc::{Labels, PlanDoc, PlanId};
use super::super::state::{MIN_EXPLANATION_HEIGHT, MIN_TABLE_ROWS};
use super::super::theme;
use super::super::widgets;
use crate::engine::stats::PlanStats;
use crate::engine::{EmployeeError, EmployeePayout, Outcome, PayoutReport};
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
    /// Text filter: each word must be in the id, name, role or team (any case).
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
        !self.filters() && self.sort.key == SortKey::Roster
    }

    /// Whether the search, the role or the team leaves anyone out.
    pub fn filters(&self) -> bool {
        !self.filter.trim().is_empty() || self.role.is_some() || self.team.is_some()
    }
}

/// A row of the table.
#[derive(Clone, Copy, Debug)]
pub enum Row<'a> {
    /// Someone paid.
    Paid(&'a EmployeePayout),
    /// Someone the plan could not compute: every problem found for them (at least one).
    Failed(&'a [EmployeeError]),
}

impl<'a> Row<'a> {
    /// Row `r` of `report`'s table. Below the number of people paid, `r` is an index into the
    /// report's employees; past it, `r` minus that number is the index in the report's errors
    /// of the person's first problem (a person's problems are listed together).
    pub fn of(report: &'a PayoutReport, r: u32) -> Option<Self> {
        let r = r as usize;
        if let Some(e) = report.employees.get(r) {
            return Some(Self::Paid(e));
        }
        let errors = report.errors.get(r.checked_sub(report.employees.len())?..)?;
        let index = errors.first()?.index;
        let n = errors.iter().take_while(|e| e.index == index).count();
        errors.get(..n).map(Self::Failed)
    }

    /// Index in the roster.
    pub fn index(self) -> usize {
        match self {
            Self::Paid(e) => e.index,
            Self::Failed(errors) => errors.first().map_or(usize::MAX, |e| e.index),
        }
    }

    /// Employee id, name, role and team.
    fn texts(self) -> [&'a str; 4] {
        match self {
            Self::Paid(e) => [&e.employee_id, &e.name, &e.role, &e.team],
            Self::Failed(errors) => {
                errors.first().map_or(["", "", "", ""], |e| [&e.employee_id, &e.name, &e.role, &e.team])
            }
        }
    }
}

/// The rows of the people `report` could not compute, one each, in roster order.
fn failed_rows(report: &PayoutReport) -> impl Iterator<Item = u32> + '_ {
    let paid = report.employees.len();
    report
        .errors
        .iter()
        .enumerate()
        .filter(|(k, e)| k.checked_sub(1).and_then(|p| report.errors.get(p)).is_none_or(|p| p.index != e.index))
        .filter_map(move |(k, _)| u32::try_from(paid + k).ok())
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
    // Whether the rows shown were built for the filters on screen (not still sorting for them).
    let current = rebuild_rows(doc.id, (result.plan_revision, result.roster_revision), report, view);
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
        let mut height = table_h;
        if current && view.rows.is_empty() && view.query().filters() {
            let top = ui.cursor().top();
            no_matches_ui(ui, view);
            height -= ui.cursor().top() - top;
        }
        table_ui(ui, report, &result.labels, view, height);
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
    // Someone the filters leave out is not explained as if they were in the table.
    let hidden = current && view.selected.is_some_and(|index| view.hides(report, index));
    let explanation = view.selected.filter(|_| !hidden).and_then(|index| {
        let employee = cx.roster.employees.get(index)?;
        Some(result.compiled.explain(index, employee))
    });
    ui.allocate_ui_with_layout(egui::vec2(width, explanation_h), layout, |ui| {
        ui.set_max_height(explanation_h);
        egui::ScrollArea::vertical()
            .id_salt("explanation_scroll")
            .max_height(explanation_h)
            .auto_shrink([false, false])
            .show(ui, |ui| {
                if let (true, Some(index)) = (hidden, view.selected) {
                    hidden_ui(ui, cx.roster, index, view);
                } else {
                    explanation_ui(ui, explanation.as_ref(), report, &result.labels);
                }
            });
    });
}

/// Says that nobody matches the filters, with a way to clear them.
fn no_matches_ui(ui: &mut egui::Ui, view: &mut PayoutsView) {
    let mut what = Vec::new();
    if !view.filter.trim().is_empty() {
        what.push(format!("“{}”", view.filter.trim()));
    }
    if let Some(r) = &view.role {
        what.push(format!("role {r}"));
    }
    if let Some(t) = &view.team {
        what.push(format!("team {t}"));
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new(format!("No one matches {}", what.join(", "))).strong());
        if ui.button("Clear filters").on_hover_text("Show everyone again").clicked() {
            view.clear_filters();
        }
    });
}

/// In place of the explanation of someone the filters hide: who, and a way to see them.
fn hidden_ui(ui: &mut egui::Ui, roster: &Roster, index: usize, view: &mut PayoutsView) {
    let who = roster.employees.get(index).map_or_else(String::new, |e| format!("{} ({})", e.name, e.id));
    ui.horizontal_wrapped(|ui| {
        widgets::muted(ui, format!("{who} is hidden by the filters."));
        if ui.button("Clear filters").on_hover_text("Show everyone again, with this person selected").clicked() {
            view.clear_filters();
        }
        if ui.button("Deselect").on_hover_text("Select nobody").clicked() {
            view.selected = None;
        }
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
    let index_of = |row: &u32| Row::of(report, *row).map(Row::index);
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
    let role_before = view.role.clone();
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Search");
        ui.add(egui::TextEdit::singleline(&mut view.filter).desired_width(170.0).hint_text("name, id, team or role"))
            .labelled_by(l.id)
            .on_hover_text(
                "Show only people with each word in their name, id, team or role (\"sales smb\": the sales people of SMB)",
            );
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
                // The teams of the role chosen (teams are often named per role).
                for t in teams_of(stats, view.role.as_deref()) {
                    ui.selectable_value(&mut view.team, Some(t.to_owned()), t);
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text("Show only one team (of the role chosen)");
    });
    // A team the role just chosen has nobody in would show no one: back to all teams.
    if view.role != role_before
        && let Some(team) = &view.team
        && !teams_of(stats, view.role.as_deref()).any(|t| t == team)
    {
        view.team = None;
    }
    let failed = stats.failed.len();
    ui.horizontal_wrapped(|ui| {
        widgets::muted(
            ui,
            format!(
                "{} of {} people{} · click a column to sort, a row (or ↑ ↓) for the explanation",
                widgets::count(view.rows.len()),
                widgets::count(report.employees.len() + failed),
                if view.pending_rows.is_some() { " (sorting…)" } else { "" }
            ),
        );
        if failed > 0 {
            ui.colored_label(theme::tokens(ui).error, format!("· {failed} in error: listed first, not in the totals",))
                .on_hover_text("The plan could not compute what they are paid; select one to see why");
        }
    });
}

/// The teams the team filter offers: every team, or those with people of `role`.
fn teams_of<'a>(stats: &'a PlanStats, role: Option<&'a str>) -> Box<dyn Iterator<Item = &'a str> + 'a> {
    match role {
        None => Box::new(stats.teams.iter().map(String::as_str)),
        Some(role) => Box::new(stats.team_roles.iter().filter(move |(_, r)| r == role).map(|(t, _)| t.as_str())),
    }
}

fn line_amount(e: &EmployeePayout, component: &str) -> Option<Decimal> {
    e.lines.iter().find(|l| &*l.component() == component).map(|l| l.amount)
}

/// Keeps the rows up to date with the report, filters and sort: the plain roster order is built
/// here; anything else is asked of the app, which sorts on a job (the rows shown stay until the
/// new ones arrive). Whether the rows shown are the ones asked for.
fn rebuild_rows(plan: PlanId, result: (u64, u64), report: &Arc<PayoutReport>, view: &mut PayoutsView) -> bool {
    let key = RowsKey { plan, result, query: view.query() };
    if view.rows_key.as_ref() == Some(&key) {
        view.pending_rows = None;
        return true;
    }
    if key.query.is_plain() {
        view.rows = build_rows(report, &key.query);
        view.rows_key = Some(key);
        view.pending_rows = None;
        return true;
    }
    if view.pending_rows.as_ref().is_none_or(|(k, _)| *k != key) {
        view.wanted_rows = Some(key);
    }
    false
}

impl PayoutsView {
    /// The filters and sort on screen.
    pub fn query(&self) -> RowsQuery {
        RowsQuery {
            filter: self.filter.clone(),
            role: self.role.clone(),
            team: self.team.clone(),
            sort: self.sort.clone(),
        }
    }

    /// Shows everyone (the sort and the selection stay).
    pub fn clear_filters(&mut self) {
        self.filter.clear();
        self.role = None;
        self.team = None;
    }

    /// Whether the person at roster `index` is left out of the rows shown. The rows are
    /// searched once per rows and selection, not in every frame.
    fn hides(&mut self, report: &PayoutReport, index: usize) -> bool {
        let Some(key) = &self.rows_key else { return false };
        if !key.query.filters() {
            return false;
        }
        if let Some((k, i, hidden)) = &self.selected_hidden
            && k == key
            && *i == index
        {
            return *hidden;
        }
        let hidden = !self.rows.iter().any(|r| Row::of(report, *r).is_some_and(|row| row.index() == index));
        self.selected_hidden = Some((key.clone(), index, hidden));
        hidden
    }
}

/// The rows (see [`Row::of`]) of the people `query` selects, in its order: first the people in
/// error, then the people paid. Ties keep roster order (ascending and descending alike).
pub fn build_rows(report: &PayoutReport, query: &RowsQuery) -> Vec<u32> {
    let terms: Vec<String> = query.filter.split_whitespace().map(str::to_lowercase).collect();
    let selected = |r: &u32| {
        let Some(row) = Row::of(report, *r) else { return false };
        let [id, name, role, team] = row.texts();
        query.role.as_deref().is_none_or(|r| r == role)
            && query.team.as_deref().is_none_or(|t| t == team)
            && terms.iter().all(|t| [id, name, role, team].iter().any(|f| f.to_lowercase().contains(t.as_str())))
    };
    let paid = u32::try_from(report.employees.len()).unwrap_or(u32::MAX);
    let mut failed: Vec<u32> = failed_rows(report).filter(selected).collect();
    let mut rows: Vec<u32> = (0..paid).filter(selected).collect();
    let descending = query.sort.descending;
    // Stable sorts with the direction applied to the comparison, so equal keys stay in roster
    // order either way.
    fn order(o: std::cmp::Ordering, descending: bool) -> std::cmp::Ordering {
        if descending { o.reverse() } else { o }
    }
    let text = |field: usize| {
        move |r: &u32| Row::of(report, *r).and_then(|row| row.texts().get(field).copied()).unwrap_or_default()
    };
    let get = |i: &u32| report.employees.get(*i as usize);
    match &query.sort.key {
        SortKey::Roster => {
            if descending {
                rows.reverse();
                failed.reverse();
            }
        }
        SortKey::Id | SortKey::Name | SortKey::Role | SortKey::Team => {
            let field = match query.sort.key {
                SortKey::Id => 0,
                SortKey::Name => 1,
                SortKey::Role => 2,
                _ => 3,
            };
            let key = text(field);
            rows.sort_by(|a, b| order(key(a).cmp(key(b)), descending));
            failed.sort_by(|a, b| order(key(a).cmp(key(b)), descending));
        }
        // People in error have no amounts: they stay first, in roster order.
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
    failed.extend(rows);
    failed
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
    // With anyone in error, a column after the total says why (for them only).
    let problems = !report.errors.is_empty();
    egui::ScrollArea::horizontal().id_salt("payouts_hscroll").show(ui, |ui| {
        let mut table = TableBuilder::new(ui)
            .id_salt(("payouts_table", problems))
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
            .columns(Column::initial(260.0).at_least(80.0), usize::from(problems))
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
                if problems {
                    header.col(|ui| {
                        ui.label(egui::RichText::new("Problem").strong())
                            .on_hover_text("Why the plan could not compute someone's payout");
                    });
                }
                for c in &components {
                    head(&mut header, labels.get(c), SortKey::Line((*c).clone()));
                }
            })
            .body(|body| {
                body.rows(row_height, view.rows.len(), |mut row| {
                    let Some(shown) = view.rows.get(row.index()).and_then(|r| Row::of(report, *r)) else {
                        return;
                    };
                    let e = match shown {
                        Row::Paid(e) => e,
                        Row::Failed(errors) => {
                            row.set_selected(view.selected == Some(shown.index()));
                            failed_row_ui(&mut row, errors, labels, components.len(), &t);
                            if row.response().clicked() {
                                clicked_row = Some(shown.index());
                            }
                            return;
                        }
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
                    if problems {
                        row.col(|_| {});
                    }
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

/// The cells of someone in error: who they are, "in error" for the total, and the cause.
fn failed_row_ui(
    row: &mut egui_extras::TableRow<'_, '_>,
    errors: &[EmployeeError],
    labels: &Labels,
    lines: usize,
    t: &theme::Tokens,
) {
    let Some(first) = errors.first() else { return };
    for text in [&first.employee_id, &first.name, &first.role, &first.team] {
        row.col(|ui| {
            ui.label(&**text);
        });
    }
    row.col(|_| {});
    let causes: Vec<String> = errors
        .iter()
        .map(|e| match e.component.as_deref() {
            Some(c) => format!("{}: {}", labels.get(c), e.message),
            None => e.message.clone(),
        })
        .collect();
    let causes = causes.join("; ");
    row.col(|ui| {
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(egui::RichText::new("in error").color(t.error).strong())
                .on_hover_text("Not computed, not in the totals: see the problem");
        });
    });
    row.col(|ui| {
        ui.add(egui::Label::new(egui::RichText::new(&causes).color(t.error)).truncate()).on_hover_text(&causes);
    });
    for _ in 0..lines {
        row.col(|_| {});
    }
}

fn right(ui: &mut egui::Ui, text: &str, color: Option<egui::Color32>) {
    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| match color {
        Some(c) => ui.colored_label(c, text),
        None => ui.label(text),
    });
}

/// `E7 · sales · SMB · employed 51% of the period`, leaving out a team the roster does not give.
fn person_line(id: &str, role: &str, team: &str, proration: Decimal) -> String {
    let employed = format!("employed {} of the period", money::percent_cut(proration, 0));
    [id, role, team, employed.as_str()].iter().filter(|s| !s.trim().is_empty()).copied().collect::<Vec<_>>().join(" · ")
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
                widgets::muted(ui, person_line(&p.employee_id, &p.role, &p.team, p.proration));
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

    #[test]
    fn the_explanations_heading_leaves_out_a_team_the_roster_does_not_give() {
        let half = Decimal::new(5109, 4);
        assert_eq!(person_line("1001", "sales", "SMB", half), "1001 · sales · SMB · employed 51% of the period");
        assert_eq!(person_line("1001", "sales", "", half), "1001 · sales · employed 51% of the period");
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

    #[test]
    fn the_search_matches_roles_and_each_word_anywhere() {
        let report = report();
        let people = |filter: &str| build_rows(&report, &RowsQuery { filter: filter.into(), ..RowsQuery::default() });
        let consultants = people("Consultant");
        assert!(!consultants.is_empty(), "a role is searched for like a name");
        assert!(consultants.iter().all(|i| &*report.employees[*i as usize].role == "consultant"));
        // Each word anywhere: the sales people of one team, not everyone of either.
        let smb = people("smb sales");
        assert!(!smb.is_empty());
        assert!(smb.iter().all(|i| {
            let e = &report.employees[*i as usize];
            &*e.team == "SMB" && &*e.role == "sales"
        }));
        assert!(people("smb consultant").is_empty(), "no consultant is in SMB");
    }

    /// The bundled rosters with every sales person in GBP left uncomputable.
    fn report_with_errors() -> PayoutReport {
        let roster = crate::samples::bundled_roster().unwrap();
        let mut plan = crate::plan::parse(crate::samples::plan("sales_led").unwrap().text).unwrap();
        plan.fx.shift_remove("GBP");
        crate::engine::compute(&plan, &roster, Detail::AmountsOnly).unwrap()
    }

    #[test]
    fn people_in_error_are_rows_listed_first_however_the_table_is_sorted() {
        let report = report_with_errors();
        let failed: std::collections::BTreeSet<usize> = report.errors.iter().map(|e| e.index).collect();
        assert!(failed.len() > 1, "the samples have people in GBP");
        for key in [SortKey::Roster, SortKey::Name, SortKey::Total, SortKey::Attainment] {
            for descending in [false, true] {
                let rows = build_rows(&report, &query(key.clone(), descending));
                assert_eq!(rows.len(), report.employees.len() + failed.len(), "everyone once ({key:?})");
                let (first, rest) = rows.split_at(failed.len());
                let first: std::collections::BTreeSet<usize> =
                    first.iter().map(|r| Row::of(&report, *r).unwrap().index()).collect();
                assert_eq!(first, failed, "the people in error come first ({key:?})");
                assert!(rest.iter().all(|r| matches!(Row::of(&report, *r), Some(Row::Paid(_)))));
            }
        }
        // They are found by the search and the filters like anyone else.
        let someone = report.errors.first().unwrap();
        let rows = build_rows(
            &report,
            &RowsQuery {
                filter: someone.name.to_lowercase(),
                role: Some(someone.role.to_string()),
                team: Some(someone.team.to_string()),
                ..RowsQuery::default()
            },
        );
        let found: Vec<usize> = rows.iter().filter_map(|r| Row::of(&report, *r)).map(Row::index).collect();
        assert!(found.contains(&someone.index), "{found:?}");
        match rows.first().and_then(|r| Row::of(&report, *r)) {
            Some(Row::Failed(errors)) => assert!(errors.iter().all(|e| e.index == someone.index)),
            other => panic!("expected the person in error first, found {other:?}"),
        }
    }
}

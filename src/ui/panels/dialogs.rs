//! Modal dialogs: confirmations, renaming, the roster mapping step, bad rows, and export.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::NaiveDate;

use super::super::app::{Action, Modal, PendingWrite, Pick, Runtime};
use super::super::doc::PlanId;
use super::super::state::{PersistedState, RosterOrigin, RosterRef};
use super::super::theme;
use super::super::widgets;
use crate::export::{self, PayrollSettings, Reconciliation, Setting, Template};
use crate::money;
use crate::roster::deals::Period;
use crate::roster::join::JoinKey;
use crate::roster::joins::{DealFiles, JoinFiles};
use crate::roster::recipe::{DEFAULT_VALUE, Recipe, ValueMaps};
use crate::roster::values::{DATE_FORMATS, DateFormat, DateGuess, guess_date_format, parse_date};
use crate::roster::{
    CANONICAL_COLUMNS, DecimalSeparator, HeaderMapping, Preview, RowIssue, guess_decimal, holds_numbers, is_date_column,
};

use crate::ui::doc::PlanDoc;
use crate::ui::panels::year::YearShown;

/// The column-mapping step for a roster whose headers don't match.
pub struct MappingDialog {
    /// The file.
    pub path: PathBuf,
    /// Its header and first rows.
    pub preview: Preview,
    /// For each header: the column chosen (a canonical column, a metric the open plans use, or a
    /// name typed), or `None` to keep it as its own column.
    pub choices: Vec<Option<String>>,
    /// Metric names the open plans read, offered beside the canonical columns.
    pub metrics: Vec<String>,
    /// What is being typed as a new column name, per header.
    pub typed: Vec<String>,
    /// Metrics the open plans read for the people in this file that it has no column for.
    pub wanted: Vec<String>,
    /// Remember this mapping for files with the same headers.
    pub remember: bool,
    /// The headers the file showed before a sheet or header row was chosen (the recipe is
    /// remembered under them).
    pub first_headers: Vec<String>,
    /// The header row as typed (blank: found as the import finds it).
    pub header_row: String,
    /// Why the sheet or header row chosen (or a recipe) could not be read.
    pub problem: Option<String>,
    /// Metrics files and their join key, and value maps for columns other than `role` (the
    /// role map is edited in `roles` and `default_role`; the deal list is in `deals`).
    pub joins: JoinFiles,
    /// The role value map as edited: what the file says → Carrot's role.
    pub roles: Vec<(String, String)>,
    /// The role of values the map does not list (blank: they are kept as they are).
    pub default_role: String,
    /// The deal list and its deals mapping file.
    pub deals: Option<(PathBuf, PathBuf)>,
    /// A deal list picked whose mapping file is being asked for.
    pub deal_list: Option<PathBuf>,
    /// The period of the selected plan (deals closed in it count), and the plan's name.
    pub period: Option<(Period, String)>,
    /// The selected plan's pay periods when it is a plan year (empty otherwise): the deals of
    /// one of them can be counted instead of the whole year's.
    pub pay_periods: Vec<(String, Period)>,
    /// The pay period whose deals count (by name), `None` for the plan's whole period.
    pub deal_window: Option<String>,
    /// The headers no longer read as `revenue` or `deals_closed` since the deal list gives them,
    /// with what they were read as (again once the deal list is removed).
    pub given_by_deals: Vec<(String, String)>,
    /// Header renames of a recipe loaded in the step (kept when the file is read again).
    pub recipe_columns: HeaderMapping,
    /// The last check of the joins: the roster read as it would be imported with `reference`.
    pub check: Option<(RosterRef, JoinCheck)>,
    /// How the file writes dates that are not ISO (a chrono format), `None` for ISO only.
    pub date_format: Option<String>,
    /// The decimal separator of its numbers (`Auto`: a comma in `;`-delimited files).
    pub decimal: DecimalSeparator,
    /// Whether the date format and the decimal separator were said (picked in the step, by a
    /// recipe or a remembered mapping). Until they are, they follow the first rows of the
    /// columns as mapped: mapping `Hire Date` to `start_date` reads its dates as they are written.
    pub said: Said,
}

/// The metrics a deal list gives everyone.
const DEALS_GIVE: [&str; 2] = [crate::roster::deals::REVENUE, crate::roster::deals::DEALS_CLOSED];

/// What reading the roster with its joins gave, shown in the import step before importing.
#[derive(Clone, Debug)]
pub enum JoinCheck {
    /// It reads: how many people, and the warnings (people missing from a metrics file, ids
    /// that match no one, owners of deals that match no one, values not in a value map).
    Read { people: usize, warnings: Vec<String> },
    /// Bad cells (a metric defined twice, a bad amount): nothing would be imported.
    BadRows(Vec<RowIssue>),
    /// It cannot be read at all.
    Failed(String),
}

impl JoinCheck {
    /// The check of an import's result.
    pub fn of(result: Result<crate::roster::ImportReport, crate::roster::ImportError>) -> Self {
        match result {
            Ok(report) => Self::Read { people: report.roster.employees.len(), warnings: report.warnings },
            Err(crate::roster::ImportError::BadRows { issues }) => Self::BadRows(issues),
            Err(e) => Self::Failed(e.to_string()),
        }
    }
}

/// What the user, a recipe or a remembered mapping said about how a file writes its values.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Said {
    /// The date format (`None` in [`MappingDialog::date_format`] then means ISO only).
    pub dates: bool,
    /// The decimal separator.
    pub decimal: bool,
}

impl MappingDialog {
    /// Starts the step, pre-filled from a remembered mapping or from the header names. `metrics`
    /// are the metric names the open plans read.
    pub fn new(path: PathBuf, preview: Preview, remembered: Option<HeaderMapping>, metrics: Vec<String>) -> Self {
        let mut choices: Vec<Option<String>> = preview
            .headers
            .iter()
            .zip(&preview.mapped)
            .map(|(header, mapped)| {
                let from_memory = remembered.as_ref().and_then(|m| m.0.get(header)).cloned();
                from_memory.or_else(|| mapped.clone().filter(|n| CANONICAL_COLUMNS.contains(&n.as_str())))
            })
            .collect();
        // Headers that look like Carrot's columns the file lacks (`Worker ID`, `Hire Date`) are
        // pre-selected as them, for the user to check; a remembered mapping is left as it was.
        if remembered.is_none() {
            let headers: Vec<&str> = preview.headers.iter().map(String::as_str).collect();
            let taken = |column: &str| choices.iter().flatten().any(|c| c == column);
            let alikes = crate::roster::look_alikes(&headers, taken);
            for (choice, alike) in choices.iter_mut().zip(alikes) {
                if choice.is_none() {
                    *choice = alike.map(str::to_owned);
                }
            }
            // A metric the open plans read that no header is, under a name exports give it
            // (`Closed Won Amount` for `revenue`): pre-selected too, for the user to check.
            let names: Vec<String> =
                preview.headers.iter().map(|h| crate::roster::values::normalize_header(h)).collect();
            for metric in &metrics {
                let read_as = |c: &Option<String>, n: &String| c.as_ref().unwrap_or(n) == metric;
                if choices.iter().zip(&names).any(|(c, n)| read_as(c, n)) {
                    continue;
                }
                let free: Vec<&str> =
                    choices.iter().zip(&names).filter(|(c, _)| c.is_none()).map(|(_, n)| n.as_str()).collect();
                let Some(found) = crate::plan::columns::same_meaning(metric, &free) else { continue };
                if let Some(choice) = names.iter().position(|n| n == found).and_then(|i| choices.get_mut(i)) {
                    *choice = Some(metric.clone());
                }
            }
        }
        let typed = vec![String::new(); choices.len()];
        let first_headers = preview.headers.clone();
        Self {
            path,
            preview,
            choices,
            metrics,
            typed,
            wanted: Vec::new(),
            remember: true,
            first_headers,
            header_row: String::new(),
            problem: None,
            joins: JoinFiles::default(),
            roles: Vec::new(),
            default_role: String::new(),
            deals: None,
            deal_list: None,
            period: None,
            pay_periods: Vec::new(),
            deal_window: None,
            given_by_deals: Vec::new(),
            recipe_columns: HeaderMapping::default(),
            check: None,
            date_format: None,
            decimal: DecimalSeparator::Auto,
            said: Said::default(),
        }
        .with_guesses()
    }

    fn with_guesses(mut self) -> Self {
        self.follow_guesses();
        self
    }

    /// What nobody has said yet follows the first rows of the columns as mapped now: the date
    /// format, when only one common format reads them (dates either way round are left for the
    /// user to choose), and the decimal separator their numbers need when the file's delimiter
    /// suggests the other. Called whenever the mapping changes.
    pub fn follow_guesses(&mut self) {
        if !self.said.dates {
            self.date_format = match self.date_guess() {
                DateGuess::Fits(fits) if fits.len() == 1 => fits.first().map(|one| one.format.to_owned()),
                _ => None,
            };
        }
        if !self.said.decimal {
            self.decimal = self.decimal_guess().unwrap_or(DecimalSeparator::Auto);
        }
    }

    /// The column each header is read as: the one chosen, else the header's own name.
    fn columns(&self) -> Vec<String> {
        self.choices
            .iter()
            .zip(&self.preview.headers)
            .map(|(c, h)| c.clone().unwrap_or_else(|| crate::roster::values::normalize_header(h)))
            .collect()
    }

    /// The decimal separator the first rows' numbers need when the file's default (a comma in
    /// `;`-delimited files, else a point) does not read them.
    pub fn decimal_guess(&self) -> Option<DecimalSeparator> {
        let columns = self.columns();
        guess_decimal(self.preview.cells(&columns, holds_numbers), DecimalSeparator::Auto.mark(self.preview.delimiter))
    }

    /// How the first rows write their dates.
    pub fn date_guess(&self) -> DateGuess {
        let columns = self.columns();
        guess_date_format(self.preview.cells(&columns, is_date_column))
    }

    /// Whether the first rows' dates read either way round (`03/04/2026`) and the user has not
    /// said which: nothing is imported until they do.
    pub fn dates_undecided(&self) -> bool {
        self.date_format.is_none() && matches!(self.date_guess(), DateGuess::Fits(fits) if fits.len() > 1)
    }

    /// Why the first rows' dates do not read with the date format chosen (the first that does
    /// not), or `None` when they all do. Other than [`MappingDialog::dates_undecided`], the
    /// import goes ahead and lists such cells with the bad rows.
    pub fn date_problem(&self) -> Option<String> {
        let format = self.date_format.as_deref();
        let columns = self.columns();
        let bad = self
            .preview
            .cells(&columns, is_date_column)
            .find(|c| !c.trim().is_empty() && parse_date(c, format).is_err())?;
        Some(match (format, self.date_guess()) {
            (None, DateGuess::Fits(fits)) if fits.len() > 1 => format!(
                "Dates such as “{bad}” could be {}: choose how this file writes them.",
                fits.iter().map(|d| d.name).collect::<Vec<_>>().join(" or ")
            ),
            (Some(f), _) => format!("“{bad}” is not a date written {}.", date_format_name(f)),
            (None, DateGuess::Fits(fits)) => format!(
                "“{bad}” is not written YYYY-MM-DD: choose {} under Dates, which reads the first rows.",
                fits.iter().map(|d| d.name).collect::<Vec<_>>().join(" or ")
            ),
            _ => format!(
                "“{bad}” is not a date in any of the formats under Dates: such cells are listed with the bad rows."
            ),
        })
    }

    /// Takes the joins of a remembered recipe (the deal list counts this step's period).
    pub fn set_joins(&mut self, joins: &JoinFiles) {
        self.set_values(&joins.values);
        self.joins.metrics = joins.metrics.clone();
        self.joins.join_on = joins.join_on;
        self.deals = joins.deals.as_ref().map(|d| (d.file.clone(), d.mapping.clone()));
        // A deal list remembered with one pay period's deals is offered with that period again.
        self.deal_window = joins
            .deals
            .as_ref()
            .and_then(|d| self.pay_periods.iter().find(|(_, p)| *p == d.period).map(|(name, _)| name.clone()));
    }

    /// The deal list gives everyone's `revenue` and `deals_closed`: a column of this file chosen
    /// as either (pre-selected from an export's name such as `Closed Won Amount`, or picked) is
    /// read under its own name instead, so that no one has them twice (which refuses every
    /// row). A column whose own name is `revenue` stays, for [`MappingDialog::deals_clash`].
    pub fn let_deals_give_revenue(&mut self) {
        for (choice, header) in self.choices.iter_mut().zip(&self.preview.headers) {
            let own = crate::roster::values::normalize_header(header);
            if let Some(was) =
                choice.take_if(|c| DEALS_GIVE.contains(&c.as_str()) && !DEALS_GIVE.contains(&own.as_str()))
            {
                self.given_by_deals.push((header.clone(), was));
            }
        }
    }

    /// The deal list is removed: the columns it took `revenue` or `deals_closed` from give them
    /// again (those still read under their own name).
    pub fn remove_deals(&mut self) {
        self.deals = None;
        for (header, was) in std::mem::take(&mut self.given_by_deals) {
            let taken = self.choices.iter().any(|c| c.as_deref() == Some(was.as_str()));
            if let Some(i) = self.preview.headers.iter().position(|h| *h == header)
                && let Some(choice @ None) = self.choices.get_mut(i)
                && !taken
            {
                *choice = Some(was);
            }
        }
    }

    /// The headers read as `revenue` or `deals_closed` while a deal list gives them.
    pub fn deals_clash(&self) -> Vec<(&str, String)> {
        if self.deals.is_none() {
            return Vec::new();
        }
        self.preview
            .headers
            .iter()
            .zip(self.columns())
            .filter(|(_, c)| DEALS_GIVE.contains(&c.as_str()))
            .map(|(h, c)| (h.as_str(), c))
            .collect()
    }

    /// The dates whose deals count: the chosen pay period's, else the plan's whole period.
    pub fn deal_period(&self) -> Option<Period> {
        let chosen = self.deal_window.as_ref().and_then(|w| self.pay_periods.iter().find(|(name, _)| name == w));
        chosen.map(|(_, p)| *p).or_else(|| self.period.as_ref().map(|(p, _)| *p))
    }

    /// Takes a recipe's value maps (the role map is shown for editing).
    pub fn set_values(&mut self, values: &ValueMaps) {
        self.joins.values = values.clone();
        let role = self.joins.values.shift_remove("role").unwrap_or_default();
        self.default_role = role.get(DEFAULT_VALUE).cloned().unwrap_or_default();
        self.roles = role.into_iter().filter(|(from, _)| from != DEFAULT_VALUE).collect();
    }

    /// Takes a recipe loaded in the step: its header renames, value maps and join key (its
    /// sheet and header row are read by reading the file again).
    pub fn apply_recipe(&mut self, recipe: &Recipe) {
        self.recipe_columns = recipe.columns.clone();
        for (header, choice) in self.preview.headers.iter().zip(&mut self.choices) {
            if let Some(to) = recipe.columns.0.get(header) {
                *choice = Some(to.clone());
            }
        }
        self.set_values(&recipe.values);
        if recipe.join_on.is_some() {
            self.joins.join_on = recipe.join_on;
        }
        if let Some(row) = recipe.header_row {
            self.header_row = row.to_string();
        }
        if recipe.date_format.is_some() {
            self.date_format.clone_from(&recipe.date_format);
            self.said.dates = true;
        }
        if let Some(decimal) = recipe.decimal {
            self.decimal = decimal;
            self.said.decimal = true;
        }
        self.follow_guesses();
        self.problem = None;
    }

    /// Keeps what was chosen in the step `old` (the same file read again with another sheet or
    /// header row): the columns chosen for headers of the same name, the joins and the recipe.
    pub fn carry_over(&mut self, old: MappingDialog) {
        for (header, choice) in self.preview.headers.iter().zip(&mut self.choices) {
            if let Some(to) = old.recipe_columns.0.get(header) {
                *choice = Some(to.clone());
            } else if let Some(i) = old.preview.headers.iter().position(|h| h == header)
                && let Some(c) = old.choices.get(i)
            {
                *choice = c.clone();
            }
        }
        self.remember = old.remember;
        self.joins = old.joins;
        self.roles = old.roles;
        self.default_role = old.default_role;
        self.deals = old.deals;
        self.given_by_deals = old.given_by_deals;
        self.period = old.period;
        self.deal_window = old.deal_window;
        self.recipe_columns = old.recipe_columns;
        if old.said.dates {
            self.date_format = old.date_format;
        }
        if old.said.decimal {
            self.decimal = old.decimal;
        }
        self.said = old.said;
        self.follow_guesses();
    }

    /// The value maps, metrics files and deal list to import with.
    pub fn joins_for_import(&self) -> JoinFiles {
        let mut joins = self.joins.clone();
        let mut role: indexmap::IndexMap<String, String> = self
            .roles
            .iter()
            .filter(|(from, to)| !from.trim().is_empty() && !to.trim().is_empty())
            .map(|(from, to)| (from.trim().to_owned(), to.trim().to_owned()))
            .collect();
        if !self.default_role.trim().is_empty() {
            role.insert(DEFAULT_VALUE.to_owned(), self.default_role.trim().to_owned());
        }
        if !role.is_empty() {
            joins.values.insert("role".to_owned(), role);
        }
        joins.deals = match (&self.deals, self.deal_period()) {
            (Some((file, mapping)), Some(period)) => {
                Some(DealFiles { file: file.clone(), mapping: mapping.clone(), period })
            }
            _ => None,
        };
        joins
    }

    /// Whether the columns chosen can be imported (the joins are then checked).
    pub fn ready(&self) -> bool {
        self.missing().is_empty()
            && self.duplicates().is_empty()
            && self.header_row().is_ok()
            && !self.dates_undecided()
    }

    /// The distinct values of the file's role column in the preview that the role map does
    /// not list (offered to add to it).
    pub fn unmapped_roles(&self) -> Vec<String> {
        let Some(column) = self.choices.iter().position(|c| c.as_deref() == Some("role")) else {
            return Vec::new();
        };
        let mut seen: Vec<String> = Vec::new();
        for row in &self.preview.rows {
            let Some(v) = row.get(column).map(|v| v.trim()) else { continue };
            let listed = self.roles.iter().any(|(from, _)| from.trim().eq_ignore_ascii_case(v));
            if !v.is_empty() && !listed && !seen.iter().any(|s| s == v) {
                seen.push(v.to_owned());
            }
        }
        seen
    }

    /// The header row typed: `Ok(None)` when blank, an error when it is not a line number.
    pub fn header_row(&self) -> Result<Option<u64>, String> {
        let t = self.header_row.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<u64>() {
            Ok(n) if n >= 1 => Ok(Some(n)),
            _ => Err(format!("“{t}” is not a line number (1 is the first line)")),
        }
    }

    /// The recipe chosen: the mapping, the sheet and header row, and the date format (for
    /// `carrot --mapping`).
    pub fn recipe(&self) -> Recipe {
        let joins = self.joins_for_import();
        Recipe {
            columns: self.mapping(),
            values: joins.values,
            sheet: self.preview.sheet.clone().filter(|_| self.preview.sheets.len() > 1),
            header_row: self.header_row().ok().flatten(),
            join_on: joins.join_on,
            date_format: self.date_format.clone(),
            decimal: (self.decimal != DecimalSeparator::Auto).then_some(self.decimal),
        }
    }

    /// The roster reference to import with.
    pub fn reference(&self) -> RosterRef {
        RosterRef {
            origin: RosterOrigin::File(self.path.clone()),
            mapping: self.mapping(),
            date_format: self.date_format.clone(),
            decimal: self.decimal,
            skip_bad_rows: false,
            sheet: self.preview.sheet.clone(),
            header_row: self.header_row().ok().flatten(),
            joins: self.joins_for_import(),
        }
    }

    /// The mapping chosen: every header sent to a column other than its own name.
    pub fn mapping(&self) -> HeaderMapping {
        let mut map = indexmap::IndexMap::new();
        for (header, choice) in self.preview.headers.iter().zip(&self.choices) {
            if let Some(c) = choice
                && crate::roster::values::normalize_header(header) != *c
            {
                map.insert(header.clone(), c.clone());
            }
        }
        HeaderMapping(map)
    }

    /// Required columns no header is mapped to (`name` may be first and last name).
    pub fn missing(&self) -> Vec<&'static str> {
        crate::roster::missing_required(|r| self.choices.iter().any(|c| c.as_deref() == Some(r)))
    }

    /// Columns chosen for more than one header (a header kept as its own name counts too).
    pub fn duplicates(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        let mut dup = Vec::new();
        for (header, choice) in self.preview.headers.iter().zip(&self.choices) {
            let name = choice.clone().unwrap_or_else(|| crate::roster::values::normalize_header(header));
            if seen.contains(&name) {
                if !dup.contains(&name) {
                    dup.push(name);
                }
            } else {
                seen.push(name);
            }
        }
        dup
    }
}

/// A roster with bad rows: cancel, or import the good rows.
pub struct BadRowsDialog {
    /// The file's name.
    pub name: String,
    /// How it was read.
    pub reference: RosterRef,
    /// Every bad cell.
    pub issues: Vec<RowIssue>,
}

/// The export dialog's choices, and the check of what they would write.
#[derive(Clone)]
pub struct ExportDialog {
    /// Which plan.
    pub plan: PlanId,
    /// Pay date as typed (YYYY-MM-DD).
    pub pay_date_text: String,
    /// Layout.
    pub template: Template,
    /// Where to write (chosen in a save dialog, which asked before replacing a file).
    pub path: Option<PathBuf>,
    /// The payroll system's settings.
    pub settings: PayrollSettings,
    /// The last check (run in the background, the way the export itself runs): what the file
    /// would hold, or every reason it cannot be written.
    pub check: Option<(ExportKey, Result<Reconciliation, String>)>,
    /// What the reconciliation of `check` asks a reviewer to look at (the payouts with a
    /// warning, the plan's warnings, a pay date far from the period), whether or not the file
    /// can be written.
    pub to_check: Vec<String>,
    /// The pay date the dialog filled in from the plan, while the user has not typed another:
    /// choosing another plan then moves it to that plan's.
    pub pay_date_from_plan: Option<NaiveDate>,
    /// A pay period of a plan year, as the Plan year window computed it (`None`: the plan's
    /// payouts over its whole period).
    pub period: Option<Arc<YearShown>>,
}

/// What an export check was run for: the plan and its results, the template, the settings and
/// the pay date. The Export button is enabled only by a passed check for the current key.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportKey {
    /// The plan.
    pub plan: PlanId,
    /// (plan revision, roster revision) of the results.
    pub result: (u64, u64),
    /// The layout.
    pub template: Template,
    /// The settings.
    pub settings: PayrollSettings,
    /// The pay date.
    pub pay_date: NaiveDate,
    /// The pay period exported, if one is.
    pub period: Option<String>,
}

impl ExportDialog {
    /// A dialog for `plan`, paid on `pay_date` by default.
    pub fn new(plan: PlanId, pay_date: NaiveDate, template: Template, settings: PayrollSettings) -> Self {
        Self {
            plan,
            pay_date_text: pay_date.to_string(),
            template,
            path: None,
            settings,
            check: None,
            to_check: Vec::new(),
            pay_date_from_plan: Some(pay_date),
            period: None,
        }
    }

    /// The pay date a plan of `period` is paid on unless the user says otherwise: the day its
    /// period ends, the first day `carrot export` does not warn about (it warns about a pay
    /// date before the period ends, or long after).
    pub fn default_pay_date(period: crate::plan::Period) -> NaiveDate {
        period.end
    }

    /// Exports `plan` (of `period`) instead: the pay date follows it, unless the user typed
    /// one of their own.
    pub fn choose_plan(&mut self, plan: PlanId, period: crate::plan::Period) {
        if plan == self.plan {
            return;
        }
        self.plan = plan;
        if self.pay_date_from_plan.is_some_and(|d| self.pay_date() == Some(d)) {
            let date = Self::default_pay_date(period);
            self.pay_date_text = date.to_string();
            self.pay_date_from_plan = Some(date);
        }
    }

    /// The pay date, if the text is a valid date.
    pub fn pay_date(&self) -> Option<NaiveDate> {
        self.pay_date_text.trim().parse().ok()
    }

    /// What a check of the current choices is keyed by (`None` without results or a pay date).
    pub fn key(&self, doc: &PlanDoc) -> Option<ExportKey> {
        let result = match &self.period {
            Some(shown) => shown.revisions,
            None => doc.result.as_ref().map(|r| (r.plan_revision, r.roster_revision))?,
        };
        Some(ExportKey {
            plan: doc.id,
            result,
            template: self.template,
            settings: self.settings.clone(),
            pay_date: self.pay_date()?,
            period: self.period.as_ref().map(|s| s.result.period.name.clone()),
        })
    }
}

/// Shows the open modal, if any; its answers become actions.
pub fn modal_ui(ctx: &egui::Context, rt: &mut Runtime, state: &PersistedState, actions: &mut Vec<Action>) {
    let Some(modal) = rt.modal.take() else { return };
    let keep = match modal {
        Modal::ConfirmClose(id) => confirm_close_ui(ctx, rt, id, actions),
        Modal::ConfirmQuit => confirm_quit_ui(ctx, rt, actions),
        Modal::Rename { id, mut name } => {
            let keep = rename_ui(ctx, id, &mut name, actions);
            keep.then_some(Modal::Rename { id, name })
        }
        Modal::Mapping(mut dialog) => mapping_ui(ctx, &mut dialog, actions).then_some(Modal::Mapping(dialog)),
        Modal::BadRows(dialog) => bad_rows_ui(ctx, &dialog, actions).then_some(Modal::BadRows(dialog)),
        Modal::Export(mut dialog) => {
            let keep = export_ui(ctx, rt, &mut dialog, actions);
            if !keep {
                // The choices are remembered however the dialog closes.
                actions.push(Action::RememberExport(dialog.template, Box::new(dialog.settings.clone())));
            }
            keep.then_some(Modal::Export(dialog))
        }
        Modal::ConfirmOverwrite { path, then } => confirm_overwrite_ui(ctx, path, then, actions),
        Modal::ConfirmRemoveRoster(i) => confirm_remove_roster_ui(ctx, rt, i, actions),
        Modal::Message { title, lines } => message_ui(ctx, &title, &lines).then_some(Modal::Message { title, lines }),
        Modal::Overlap(overlap) => overlap_ui(ctx, overlap, actions),
        Modal::Recover(found) => recover_ui(ctx, found, actions),
    };
    let _ = state;
    // A dialog may have opened another (e.g. export → confirm overwrite); keep the newer one.
    if rt.modal.is_none() {
        rt.modal = keep;
    }
}

fn confirm_close_ui(ctx: &egui::Context, rt: &Runtime, id: PlanId, actions: &mut Vec<Action>) -> Option<Modal> {
    let name = rt.docs.iter().find(|d| d.id == id).map(|d| d.plan.name.clone()).unwrap_or_default();
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("confirm_close")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label(format!("“{name}” has changes that are not saved. Save them before closing?"));
        ui.horizontal(|ui| {
            if ui.button("Save").on_hover_text("Save the plan, then close it").clicked() {
                actions.push(Action::SaveAndClose(id));
                keep = false;
            }
            if ui.button("Don't save").on_hover_text("Close the plan and lose the changes").clicked() {
                actions.push(Action::Discard(id));
                keep = false;
            }
            if ui.button("Cancel").on_hover_text("Keep the plan open").clicked() {
                keep = false;
            }
        });
    });
    if modal.should_close() {
        keep = false;
    }
    keep.then_some(Modal::ConfirmClose(id))
}

fn confirm_quit_ui(ctx: &egui::Context, rt: &Runtime, actions: &mut Vec<Action>) -> Option<Modal> {
    let dirty: Vec<String> = rt.docs.iter().filter(|d| d.is_dirty()).map(|d| d.name_among(&rt.docs)).collect();
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("confirm_quit")).show(ctx, |ui| {
        ui.heading("Unsaved changes");
        ui.label("These plans have changes that are not saved:");
        for n in &dirty {
            ui.label(format!("  • {n}"));
        }
        ui.horizontal(|ui| {
            if ui.button("Save all and quit").on_hover_text("Save every changed plan, then quit").clicked() {
                actions.push(Action::SaveAllAndQuit);
                keep = false;
            }
            if ui.button("Quit without saving").on_hover_text("Lose the changes").clicked() {
                actions.push(Action::DiscardAndQuit);
                keep = false;
            }
            if ui.button("Cancel").on_hover_text("Keep working").clicked() {
                keep = false;
            }
        });
    });
    if modal.should_close() {
        keep = false;
    }
    keep.then_some(Modal::ConfirmQuit)
}

fn rename_ui(ctx: &egui::Context, id: PlanId, name: &mut String, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("rename")).show(ctx, |ui| {
        ui.heading("Rename plan");
        let l = ui.label("New name");
        let r = ui.add(egui::TextEdit::singleline(name).desired_width(280.0)).labelled_by(l.id);
        // Enter makes a single-line field give up the focus in the same frame. Read that before
        // the field asks for the focus again, or the Enter is never seen.
        let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if !enter {
            r.request_focus();
        }
        ui.horizontal(|ui| {
            let ok = !name.trim().is_empty();
            // Drawn (disabled) without a name too, so the dialog keeps its buttons.
            let clicked =
                ui.add_enabled(ok, egui::Button::new("Rename")).on_disabled_hover_text("Type a name first").clicked();
            if ok && (clicked || enter) {
                actions.push(Action::Rename(id, name.trim().to_owned()));
                keep = false;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
    });
    keep && !modal.should_close()
}

fn mapping_ui(ctx: &egui::Context, dialog: &mut MappingDialog, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let file = dialog.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let modal = egui::Modal::new(egui::Id::unique("mapping")).show(ctx, |ui| {
        ui.set_max_width(900.0);
        ui.heading(format!("Match the columns of {file}"));
        ui.label(
            "Pick Carrot's column for each of the file's headers. Unmatched numeric columns stay available as metrics.",
        );
        source_ui(ui, dialog, actions);
        let t = theme::tokens(ui);
        // Lower when files are joined, so the step still fits a laptop's screen.
        let grid_height = if dialog.joins_for_import().is_empty() { 360.0 } else { 220.0 };
        let mapped = dialog.choices.clone();
        egui::ScrollArea::both().max_height(grid_height).show(ui, |ui| {
            egui::Grid::new("mapping_grid").striped(true).num_columns(dialog.preview.headers.len() + 1).show(
                ui,
                |ui| {
                    ui.label(egui::RichText::new("File header").strong());
                    for h in &dialog.preview.headers {
                        ui.label(egui::RichText::new(h).strong());
                    }
                    ui.end_row();
                    ui.label(egui::RichText::new("Carrot column").strong());
                    for (i, h) in dialog.preview.headers.iter().enumerate() {
                        let (Some(choice), Some(typed)) = (dialog.choices.get_mut(i), dialog.typed.get_mut(i)) else {
                            continue;
                        };
                        let own = crate::roster::values::normalize_header(h);
                        let shown = choice.clone().unwrap_or_else(|| format!("(keep as {own})"));
                        // The popup holds a text field, so only a click outside (or a choice) closes it.
                        let pick = |ui: &mut egui::Ui, choice: &mut Option<String>, value: Option<String>, text: String| {
                            if ui.selectable_label(*choice == value, text).clicked() {
                                *choice = value;
                                ui.close();
                            }
                        };
                        egui::ComboBox::from_id_salt(("map", i))
                            .selected_text(shown)
                            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
                            .show_ui(ui, |ui| {
                                pick(ui, choice, None, format!("(keep as {own})"));
                                egui::ScrollArea::vertical().max_height(300.0).show(ui, |ui| {
                                    // What the plans need and the file lacks comes first.
                                    if !dialog.wanted.is_empty() {
                                        ui.label(egui::RichText::new("Needed by the open plans").small().strong());
                                        for m in &dialog.wanted {
                                            pick(ui, choice, Some(m.clone()), m.clone());
                                        }
                                        ui.separator();
                                    }
                                    ui.label(egui::RichText::new("Carrot's columns").small().strong());
                                    for c in CANONICAL_COLUMNS {
                                        pick(ui, choice, Some((*c).to_owned()), (*c).to_owned());
                                    }
                                    let others: Vec<&String> =
                                        dialog.metrics.iter().filter(|m| !dialog.wanted.contains(m)).collect();
                                    if !others.is_empty() {
                                        ui.separator();
                                        ui.label(egui::RichText::new("Metrics the open plans use").small().strong());
                                        for m in others {
                                            pick(ui, choice, Some(m.clone()), m.clone());
                                        }
                                    }
                                });
                                ui.separator();
                                ui.horizontal(|ui| {
                                    let l = ui.label("Other");
                                    let r = ui
                                        .add(egui::TextEdit::singleline(typed).desired_width(130.0).hint_text("snake_case name"))
                                        .labelled_by(l.id)
                                        .accessible_name(format!("Other column for {h}"));
                                    let name = typed.trim().to_owned();
                                    let ok = crate::plan::is_identifier(&name);
                                    let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                                    if ok && (ui.add_enabled(ok, egui::Button::new("Use")).clicked() || enter) {
                                        *choice = Some(name);
                                        typed.clear();
                                        ui.close();
                                    }
                                });
                            })
                            .response
                            .accessible_name(format!("Column for {h}"));
                    }
                    ui.end_row();
                    for row in &dialog.preview.rows {
                        ui.label("");
                        for cell in row {
                            ui.label(widgets_short(cell));
                        }
                        ui.end_row();
                    }
                },
            );
        });
        if dialog.choices != mapped {
            dialog.follow_guesses();
        }
        dates_ui(ui, dialog);
        decimals_ui(ui, dialog);
        let missing = dialog.missing();
        let duplicates = dialog.duplicates();
        widgets::muted(ui, "Map a column to a metric a plan reads (e.g. “Bookings” to revenue), or type any name under Other.");
        let unmapped: Vec<&str> = dialog
            .wanted
            .iter()
            .filter(|w| !dialog.choices.iter().any(|c| c.as_deref() == Some(w.as_str())))
            .filter(|w| dialog.deals.is_none() || !DEALS_GIVE.contains(&w.as_str()))
            .map(String::as_str)
            .collect();
        if !unmapped.is_empty() {
            ui.add(
                egui::Label::new(
                    egui::RichText::new(format!(
                        "The open plans pay the people in this file on {}, which it has no column for. Pick the file's column for each, add a metrics file or deal list that has them, or import it as it is.",
                        unmapped.join(", ")
                    ))
                    .color(t.warning),
                )
                .wrap(),
            );
        }
        if !missing.is_empty() {
            ui.colored_label(t.error, format!("Still needed: {}", missing.join(", ")));
        }
        if !duplicates.is_empty() {
            ui.colored_label(t.error, format!("Chosen twice: {}", duplicates.join(", ")));
        }
        joins_ui(ui, dialog, actions);
        ui.checkbox(&mut dialog.remember, "Remember this mapping for files with the same headers");
        ui.horizontal(|ui| {
            let ok = missing.is_empty() && duplicates.is_empty();
            let ok = ok && dialog.header_row().is_ok();
            let dates = !dialog.dates_undecided();
            if ui
                .add_enabled(ok && dates, egui::Button::new("Import"))
                .on_hover_text("Import the file with this mapping")
                .on_disabled_hover_text(if ok {
                    "Choose how the file writes dates first"
                } else {
                    "Match every required column once first"
                })
                .clicked()
            {
                actions.push(Action::ImportMapped {
                    reference: dialog.reference(),
                    remember: dialog.remember.then(|| dialog.first_headers.clone()),
                });
                keep = false;
            }
            if ui.button("Save mapping…").on_hover_text("Save as a JSON file for `carrot --mapping`").clicked() {
                actions.push(Action::SaveMapping);
            }
            if ui.button("Cancel").on_hover_text("Import nothing").clicked() {
                actions.push(Action::CancelImport);
                keep = false;
            }
        });
    });
    if modal.should_close() && keep {
        actions.push(Action::CancelImport);
        keep = false;
    }
    keep
}

/// How the file writes dates, when it has a date column: ISO (`YYYY-MM-DD`), the format its
/// first rows are written in, or a choice among those that read them.
fn dates_ui(ui: &mut egui::Ui, dialog: &mut MappingDialog) {
    if !dialog.columns().iter().any(|c| is_date_column(c)) {
        return;
    }
    let t = theme::tokens(ui);
    let fits = match dialog.date_guess() {
        DateGuess::Fits(fits) => fits,
        _ => Vec::new(),
    };
    let shown = |format: Option<&str>| match format {
        None => "YYYY-MM-DD only".to_owned(),
        Some(f) => match DateFormat::known(f) {
            Some(d) => format!("{} (like {})", d.name, d.example()),
            None => f.to_owned(),
        },
    };
    ui.horizontal(|ui| {
        let l = ui.label("Dates");
        let current = dialog.date_format.clone();
        egui::ComboBox::from_id_salt("roster_dates")
            .selected_text(if current.is_none() && !fits.is_empty() {
                "Choose…".to_owned()
            } else {
                shown(current.as_deref())
            })
            .show_ui(ui, |ui| {
                let mut pick = |ui: &mut egui::Ui, value: Option<&str>, text: String| {
                    if ui.selectable_label(dialog.date_format.as_deref() == value, text).clicked() {
                        dialog.date_format = value.map(str::to_owned);
                        dialog.said.dates = true;
                    }
                };
                // The formats that read the first rows come first.
                if !fits.is_empty() {
                    ui.label(egui::RichText::new("Read the first rows").small().strong());
                    for d in &fits {
                        pick(ui, Some(d.format), shown(Some(d.format)));
                    }
                    ui.separator();
                }
                for d in DATE_FORMATS.iter().filter(|d| !fits.contains(d)) {
                    pick(ui, Some(d.format), shown(Some(d.format)));
                }
                pick(ui, None, shown(None));
            })
            .response
            .labelled_by(l.id)
            .accessible_name("Dates")
            .on_hover_text("How the file writes dates (start_date, end_date); YYYY-MM-DD is always read too");
        if fits.len() == 1 && dialog.date_format.as_deref() == fits.first().map(|d| d.format) {
            widgets::muted(ui, "as the first rows write them");
        }
    });
    if let Some(problem) = dialog.date_problem() {
        ui.colored_label(if dialog.dates_undecided() { t.error } else { t.warning }, problem);
    }
}

/// The decimal separator of the file's numbers, when its first rows need the one its delimiter
/// does not suggest (`1234,5` in a comma-delimited file), or one was chosen.
fn decimals_ui(ui: &mut egui::Ui, dialog: &mut MappingDialog) {
    let guess = dialog.decimal_guess();
    if guess.is_none() && dialog.decimal == DecimalSeparator::Auto {
        return;
    }
    let default = DecimalSeparator::Auto.mark(dialog.preview.delimiter);
    let shown = |d: DecimalSeparator| match d.mark(dialog.preview.delimiter) {
        crate::roster::values::DecimalMark::Point => "point: 1,234.50",
        crate::roster::values::DecimalMark::Comma => "comma: 1.234,50",
    };
    ui.horizontal(|ui| {
        let l = ui.label("Decimal separator");
        let current = dialog.decimal;
        egui::ComboBox::from_id_salt("roster_decimal")
            .selected_text(shown(current))
            .show_ui(ui, |ui| {
                for d in [DecimalSeparator::Point, DecimalSeparator::Comma] {
                    let chosen = current.mark(dialog.preview.delimiter) == d.mark(dialog.preview.delimiter);
                    if ui.selectable_label(chosen, shown(d)).clicked() {
                        // The file's own convention stays `Auto`.
                        dialog.decimal =
                            if d.mark(dialog.preview.delimiter) == default { DecimalSeparator::Auto } else { d };
                        dialog.said.decimal = true;
                    }
                }
            })
            .response
            .labelled_by(l.id)
            .accessible_name("Decimal separator")
            .on_hover_text("How the file writes the decimals of money and numbers");
        if guess.is_some() && guess == Some(dialog.decimal) {
            widgets::muted(ui, "as the first rows write them");
        }
    });
}

/// Where the table is read from: the sheet of a spreadsheet, the header row, and the report lines
/// skipped above and below it.
fn source_ui(ui: &mut egui::Ui, dialog: &mut MappingDialog, actions: &mut Vec<Action>) {
    let t = theme::tokens(ui);
    let choice = |dialog: &MappingDialog, sheet: Option<String>, header_row: Option<u64>| Action::RepreviewRoster {
        path: dialog.path.clone(),
        choice: crate::ui::app::PreviewChoice {
            sheet,
            header_row,
            first_headers: dialog.first_headers.clone(),
            from_dialog: true,
        },
    };
    if dialog.preview.sheets.len() > 1 {
        // A row of its own: a long sheet name (a spreadsheet's own or a report's) is shown whole
        // when it fits the dialog, else cut with "…" and shown whole on hover and in the list;
        // either way the header row's controls keep their room.
        ui.horizontal(|ui| {
            let l = ui.label("Sheet");
            let current = dialog.preview.sheet.clone().unwrap_or_default();
            let mut picked = None;
            egui::ComboBox::from_id_salt("roster_sheet")
                .selected_text(current.clone())
                .truncate()
                .show_ui(ui, |ui| {
                    for s in &dialog.preview.sheets {
                        if ui.selectable_label(*s == current, s).clicked() && *s != current {
                            picked = Some(s.clone());
                        }
                    }
                })
                .response
                .labelled_by(l.id)
                .accessible_name("Sheet")
                .on_hover_text(format!("The sheet read: {current}"));
            if let Some(sheet) = picked {
                let header_row = dialog.header_row().ok().flatten();
                actions.push(choice(dialog, Some(sheet), header_row));
            }
        });
    }
    ui.horizontal(|ui| {
        let l = ui.label("Header row");
        ui.add(
            egui::TextEdit::singleline(&mut dialog.header_row)
                .desired_width(50.0)
                .hint_text(dialog.preview.header_line.to_string()),
        )
        .labelled_by(l.id)
        .accessible_name("Header row")
        .on_hover_text("The line (spreadsheet row) of the headers; blank finds it, skipping a report's title lines");
        let row = dialog.header_row();
        if ui
            .add_enabled(row.is_ok(), egui::Button::new("Read again"))
            .on_hover_text("Read the file again from this header row")
            .clicked()
            && let Ok(header_row) = row
        {
            actions.push(choice(dialog, dialog.preview.sheet.clone(), header_row));
        }
        widgets::muted(ui, format!("Headers on line {}", dialog.preview.header_line));
    });
    if let Err(e) = dialog.header_row() {
        ui.colored_label(t.error, e);
    }
    if let Some(problem) = &dialog.problem {
        ui.colored_label(t.error, problem);
    }
    for w in &dialog.preview.warnings {
        ui.add(egui::Label::new(egui::RichText::new(w).small().color(t.warning)).wrap());
    }
}

/// The files read with the roster (metrics files, a deal list), the role value map, a recipe to
/// load, and the check of what the import would read with them.
fn joins_ui(ui: &mut egui::Ui, dialog: &mut MappingDialog, actions: &mut Vec<Action>) {
    let t = theme::tokens(ui);
    ui.separator();
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Results from other files").strong());
        if ui
            .button("Load recipe…")
            .on_hover_text("Read a recipe saved for `carrot --mapping`: its columns, value maps, sheet and header row")
            .clicked()
        {
            actions.push(Action::PickForImport(Pick::OpenRecipe));
        }
    });
    egui::Grid::new("import_joins").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
        ui.label("Metrics files");
        ui.horizontal_wrapped(|ui| {
            let mut remove = None;
            for (i, path) in dialog.joins.metrics.iter().enumerate() {
                let name = super::super::app::display_name(path);
                ui.label(&name).on_hover_text(path.display().to_string());
                if ui
                    .small_button("Remove")
                    .on_hover_text(format!("Don't join {name}"))
                    .accessible_name(format!("Remove {name}"))
                    .clicked()
                {
                    remove = Some(i);
                }
            }
            if let Some(i) = remove {
                dialog.joins.metrics.remove(i);
            }
            if ui
                .button("Add metrics files…")
                .on_hover_text("Files with one row per person: an employee id or email column, and metric columns")
                .clicked()
            {
                actions.push(Action::PickForImport(Pick::MetricsFiles));
            }
            if !dialog.joins.metrics.is_empty() {
                let l = ui.label("matched by");
                let key = dialog.joins.key();
                egui::ComboBox::from_id_salt("join_on")
                    .selected_text(key.column())
                    .show_ui(ui, |ui| {
                        for k in [JoinKey::EmployeeId, JoinKey::Email] {
                            if ui.selectable_label(key == k, k.column()).clicked() {
                                dialog.joins.join_on = Some(k);
                            }
                        }
                    })
                    .response
                    .labelled_by(l.id)
                    .accessible_name("Match people by")
                    .on_hover_text("The roster column the metrics files' rows are matched to (email ignores case)");
            }
        });
        ui.end_row();
        ui.label("Deal list");
        ui.horizontal_wrapped(|ui| {
            if let Some((file, mapping)) = &dialog.deals {
                let name = super::super::app::display_name(file);
                ui.label(format!("{name}, read with {}", super::super::app::display_name(mapping)))
                    .on_hover_text(format!("{}\n{}", file.display(), mapping.display()));
                if ui
                    .small_button("Remove")
                    .on_hover_text(format!("Don't count the deals of {name}"))
                    .accessible_name(format!("Remove {name}"))
                    .clicked()
                {
                    dialog.remove_deals();
                }
            } else if ui
                .add_enabled(dialog.period.is_some(), egui::Button::new("Add deal list…"))
                .on_hover_text(
                    "A CRM report with one row per deal, then its deals mapping (JSON): each owner's amounts are \
                     summed into revenue and counted into deals_closed",
                )
                .on_disabled_hover_text("Open a plan first: only the deals closed in its period count")
                .clicked()
            {
                actions.push(Action::PickForImport(Pick::DealList));
            }
        });
        ui.end_row();
        match (&dialog.deals, &dialog.period) {
            (Some(_), Some((period, plan))) if dialog.pay_periods.is_empty() => {
                ui.label("");
                widgets::muted(
                    ui,
                    format!("Deals closed {} to {} count: the period of “{plan}”.", period.start, period.end),
                );
                ui.end_row();
            }
            (Some(_), Some((period, plan))) => {
                ui.label("");
                deal_window_ui(ui, dialog, *period, plan.clone());
                ui.end_row();
            }
            (Some(_), None) => {
                // A remembered deal list with no plan open: it cannot be counted.
                ui.label("");
                ui.colored_label(
                    theme::tokens(ui).error,
                    "No plan is open, so the deal list is not read: only deals closed in a plan's period count.",
                );
                ui.end_row();
            }
            _ => {}
        }
        if dialog.deals.is_some() && !dialog.given_by_deals.is_empty() {
            let headers: Vec<String> = dialog.given_by_deals.iter().map(|(h, was)| format!("“{h}” ({was})")).collect();
            ui.label("");
            widgets::muted(
                ui,
                format!(
                    "The deal list gives revenue and deals_closed, so {} is read under its own name.",
                    headers.join(" and ")
                ),
            );
            ui.end_row();
        }
        for (header, column) in dialog.deals_clash() {
            ui.label("");
            ui.colored_label(
                theme::tokens(ui).warning,
                format!(
                    "“{header}” is read as {column}, which the deal list gives too: anyone with a value in it and deals in the list is refused. Map it to another name under Other, or remove the deal list."
                ),
            );
            ui.end_row();
        }
    });
    if dialog.choices.iter().any(|c| c.as_deref() == Some("role")) {
        roles_ui(ui, dialog);
    }
    check_ui(ui, dialog, &t);
}

/// The role value map: what the file's role column says → Carrot's role.
/// For a plan year: which deals count, the whole year's or one pay period's (the actuals the
/// Plan year window, and Compare and Behaviour by pay period, compute a period on).
fn deal_window_ui(ui: &mut egui::Ui, dialog: &mut MappingDialog, year: Period, plan: String) {
    ui.vertical(|ui| {
        ui.horizontal(|ui| {
            let label = ui.label("Count the deals closed in");
            let whole = format!("the whole plan year ({} to {})", year.start, year.end);
            let shown = match dialog.deal_window.as_ref().and_then(|w| dialog.pay_periods.iter().find(|(n, _)| n == w))
            {
                Some((name, p)) => format!("{name} ({} to {})", p.start, p.end),
                None => whole.clone(),
            };
            egui::ComboBox::from_id_salt("deal_window")
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut dialog.deal_window, None, whole);
                    for (name, p) in &dialog.pay_periods {
                        ui.selectable_value(
                            &mut dialog.deal_window,
                            Some(name.clone()),
                            format!("{name} ({} to {})", p.start, p.end),
                        );
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let note = match &dialog.deal_window {
            Some(name) => format!(
                "The roster is then {name}'s actuals: pick {name} in the Plan year window, or in Compare and \
                 Behaviour, to compute it."
            ),
            None => format!(
                "“{plan}” is a plan year: the whole year's deals are the year's figures. To compute one pay period \
                 (the Plan year window), count that period's deals."
            ),
        };
        widgets::muted(ui, note);
    });
}

fn roles_ui(ui: &mut egui::Ui, dialog: &mut MappingDialog) {
    let unmapped = dialog.unmapped_roles();
    let header = if dialog.roles.is_empty() && dialog.default_role.is_empty() {
        "Roles: as the file writes them".to_owned()
    } else {
        format!("Roles: {} value(s) mapped", dialog.roles.len())
    };
    egui::CollapsingHeader::new(header).id_salt("role_map").show(ui, |ui| {
        widgets::muted(
            ui,
            "Map what the role column says (a job title) to the role of a plan's track; case is ignored.",
        );
        let mut remove = None;
        egui::Grid::new("role_map_grid").num_columns(3).show(ui, |ui| {
            for (i, (from, to)) in dialog.roles.iter_mut().enumerate() {
                // Sized explicitly: a grid cell gives a text field only its minimum width.
                ui.add_sized([240.0, 20.0], egui::TextEdit::singleline(from))
                    .accessible_name(format!("Role value {}", i + 1));
                ui.add_sized([130.0, 20.0], egui::TextEdit::singleline(to).hint_text("role"))
                    .accessible_name(format!("Role for value {}", i + 1));
                if ui.small_button("Remove").accessible_name(format!("Remove role value {}", i + 1)).clicked() {
                    remove = Some(i);
                }
                ui.end_row();
            }
            let l = ui.label("Anything else");
            ui.add_sized(
                [130.0, 20.0],
                egui::TextEdit::singleline(&mut dialog.default_role).hint_text("kept as it is"),
            )
            .labelled_by(l.id)
            .on_hover_text("The role of values not listed; blank keeps them as they are (with a warning)");
            ui.end_row();
        });
        if let Some(i) = remove {
            dialog.roles.remove(i);
        }
        ui.horizontal_wrapped(|ui| {
            if !unmapped.is_empty() {
                ui.label("Add:");
            }
            for v in unmapped.iter().take(12) {
                if ui.small_button(v).on_hover_text(format!("Add “{v}” to the map")).clicked() {
                    dialog.roles.push((v.clone(), String::new()));
                }
            }
            if ui.small_button("Add a value").clicked() {
                dialog.roles.push((String::new(), String::new()));
            }
        });
    });
}

/// What the import would read with the joins: people, warnings, bad cells.
fn check_ui(ui: &mut egui::Ui, dialog: &MappingDialog, t: &theme::Tokens) {
    if dialog.joins_for_import().is_empty() {
        return;
    }
    if !dialog.ready() {
        widgets::muted(ui, "Match every required column to check the joins.");
        return;
    }
    let reference = dialog.reference();
    let Some((_, check)) = dialog.check.as_ref().filter(|(k, _)| *k == reference) else {
        widgets::muted(ui, "Checking the joins…");
        return;
    };
    egui::ScrollArea::vertical().id_salt("join_check").max_height(160.0).show(ui, |ui| match check {
        JoinCheck::Read { people, warnings } => {
            ui.label(format!("{} people would be imported.", widgets::count(*people)));
            for w in warnings {
                ui.add(egui::Label::new(egui::RichText::new(w).small().color(t.warning)).wrap());
            }
        }
        JoinCheck::BadRows(issues) => {
            ui.colored_label(
                t.error,
                format!("{} bad cell(s): nothing would be imported until they are fixed", issues.len()),
            );
            for issue in issues.iter().take(20) {
                ui.add(
                    egui::Label::new(egui::RichText::new(in_app_terms(&issue.to_string())).small().color(t.error))
                        .wrap(),
                );
            }
        }
        JoinCheck::Failed(e) => {
            ui.add(egui::Label::new(egui::RichText::new(e).color(t.error)).wrap());
        }
    });
}

/// A date format as people name it (`DD.MM.YYYY`), or as chrono writes it when it is not one of
/// the common ones.
fn date_format_name(format: &str) -> String {
    DateFormat::known(format).map_or_else(|| format.to_owned(), |d| d.name.to_owned())
}

fn widgets_short(cell: &str) -> String {
    crate::roster::values::shorten(cell, 24)
}

/// A cell's reason as the app says it: the core words it for the command line, whose option
/// for the date format (`--date-format`) is, here, the import step's date format.
pub fn in_app_terms(reason: &str) -> String {
    reason.replace(" (--date-format, e.g. %d/%m/%Y)", " in the import step").replace(" (--date-format)", "")
}

fn bad_rows_ui(ctx: &egui::Context, dialog: &BadRowsDialog, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("bad_rows")).show(ctx, |ui| {
        ui.set_max_width(860.0);
        ui.heading(format!("{} has {} bad cell(s)", dialog.name, dialog.issues.len()));
        ui.label("Nothing is imported yet. Fix the file and import it again, or import the rows without problems.");
        let rows = dialog.issues.len();
        let height = ui.text_style_height(&egui::TextStyle::Body);
        egui::Grid::new("bad_rows_head").num_columns(4).min_col_width(80.0).show(ui, |ui| {
            for h in ["Line", "Column", "Value", "Reason"] {
                ui.label(egui::RichText::new(h).strong());
            }
        });
        egui::ScrollArea::vertical().max_height(320.0).show_rows(ui, height, rows, |ui, range| {
            egui::Grid::new("bad_rows").num_columns(4).striped(true).min_col_width(80.0).show(ui, |ui| {
                for issue in dialog.issues.iter().skip(range.start).take(range.len()) {
                    ui.label(issue.line.to_string());
                    ui.label(&issue.column);
                    ui.label(crate::roster::values::shorten(&issue.value, 30));
                    ui.label(in_app_terms(&issue.reason));
                    ui.end_row();
                }
            });
        });
        ui.horizontal(|ui| {
            // Dates in a common format other than the file was read with: back to the import
            // step, to choose it.
            let dates = dialog.issues.iter().any(|i| {
                matches!(i.column.as_str(), "start_date" | "end_date")
                    && i.reason.starts_with("not a date")
                    && DATE_FORMATS.iter().any(|d| d.reads(&i.value))
            });
            if dates
                && let RosterOrigin::File(path) = &dialog.reference.origin
                && ui
                    .button("Choose how dates are written…")
                    .on_hover_text("Back to the import step, to read the file with another date format")
                    .clicked()
            {
                actions.push(Action::ShowImportStep(path.clone()));
                keep = false;
            }
            if ui
                .button("Import the good rows")
                .on_hover_text("Import everyone else and list the rows left out")
                .clicked()
            {
                actions.push(Action::ImportGoodRows(dialog.reference.clone()));
                keep = false;
            }
            if ui.button("Cancel").on_hover_text("Import nothing").clicked() {
                actions.push(Action::CancelImport);
                keep = false;
            }
        });
    });
    if modal.should_close() && keep {
        actions.push(Action::CancelImport);
        keep = false;
    }
    keep
}

/// Where the export dialog's top edge stays: its messages come and go as the choices change, and
/// a dialog centred on the screen would jump up and down with them.
fn export_dialog_top(ctx: &egui::Context) -> f32 {
    (ctx.content_rect().height() * 0.08).clamp(8.0, 80.0)
}

fn export_ui(ctx: &egui::Context, rt: &Runtime, dialog: &mut ExportDialog, actions: &mut Vec<Action>) -> bool {
    let mut keep = true;
    let id = egui::Id::unique("export");
    let area = egui::Modal::default_area(id).anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, export_dialog_top(ctx)));
    let modal = egui::Modal::new(id).area(area).show(ctx, |ui| {
        // One width whatever the messages say, so the dialog does not move sideways either.
        ui.set_width(620.0);
        ui.heading("Export payroll");
        let t = theme::tokens(ui);
        // The labels' column as wide as the widest setting's label, so the fields do not move
        // sideways as the template's settings come and go.
        egui::Grid::new("export_grid").num_columns(2).spacing([10.0, 8.0]).min_col_width(130.0).show(ui, |ui| {
            let l = ui.label("Plan");
            let current =
                rt.docs.iter().find(|d| d.id == dialog.plan).map(|d| d.name_among(&rt.docs)).unwrap_or_default();
            if let Some(shown) = &dialog.period {
                // One pay period of this plan, as the Plan year window computed it.
                ui.label(current).labelled_by(l.id);
                ui.end_row();
                let p = &shown.result.period;
                ui.label("Pay period");
                ui.label(format!(
                    "{} ({} to {}){}",
                    p.name,
                    p.start,
                    p.end,
                    if shown.ledger.is_some() { ", from the ledger" } else { ", without a ledger" }
                ));
            } else {
                let mut chosen = dialog.plan;
                egui::ComboBox::from_id_salt("export_plan")
                    .selected_text(current)
                    .show_ui(ui, |ui| {
                        for d in &rt.docs {
                            ui.selectable_value(&mut chosen, d.id, d.name_among(&rt.docs));
                        }
                    })
                    .response
                    .labelled_by(l.id);
                if let Some(d) = rt.docs.iter().find(|d| d.id == chosen) {
                    dialog.choose_plan(chosen, d.plan.period);
                }
            }
            ui.end_row();
            let l = ui.label("Pay date");
            ui.vertical(|ui| {
                ui.add(egui::TextEdit::singleline(&mut dialog.pay_date_text).desired_width(110.0))
                    .labelled_by(l.id)
                    .on_hover_text("The payment date written in the file, YYYY-MM-DD");
                if dialog.pay_date().is_none() {
                    ui.colored_label(t.error, "write the date as YYYY-MM-DD");
                }
            });
            ui.end_row();
            let l = ui.label("Template");
            egui::ComboBox::from_id_salt("export_template")
                .selected_text(dialog.template.name())
                .show_ui(ui, |ui| {
                    for tmpl in Template::ALL {
                        ui.selectable_value(&mut dialog.template, tmpl, tmpl.name());
                    }
                })
                .response
                .labelled_by(l.id)
                .on_hover_text("The layout your payroll system imports");
            ui.end_row();
            for setting in PayrollSettings::used_by(dialog.template) {
                let required = PayrollSettings::required_for(dialog.template).contains(setting);
                let l = ui.label(if required { format!("{} *", setting.label()) } else { setting.label().to_owned() });
                setting_ui(ui, &mut dialog.settings, *setting, l.id);
                ui.end_row();
            }
            ui.label("File");
            ui.horizontal(|ui| {
                let shown = dialog.path.as_ref().map_or_else(|| "not chosen".to_owned(), |p| p.display().to_string());
                ui.label(shown);
                if ui.button("Choose file…").on_hover_text("Where to write the payroll file").clicked() {
                    actions.push(Action::ChooseExportFile);
                }
            });
            ui.end_row();
        });
        ui.separator();
        let doc = rt.docs.iter().find(|d| d.id == dialog.plan);
        let currency = doc.map(|d| d.plan.currency.as_str()).unwrap_or_default();
        let setting_problems = dialog.settings.check_for_currency(dialog.template, currency);
        // A currency with more decimals than the layout writes is refused whatever the payouts
        // are: said at once, not after the file is rendered to check it.
        let report = match &dialog.period {
            Some(shown) => Some(&shown.result.report),
            None => doc.and_then(|d| d.result.as_ref()).map(|r| &*r.report),
        };
        let decimals_problem = report
            .and_then(|r| export::check_decimals(dialog.template, &r.currency, r.minor_units).err())
            .map(|e| e.to_string());
        let key = doc.and_then(|d| dialog.key(d));
        let check = dialog.check.as_ref().filter(|(k, _)| Some(k) == key.as_ref()).map(|(_, r)| r);
        let dirty = doc.is_some_and(PlanDoc::is_dirty);
        // Why the file cannot be written yet, most basic first; the check lists everything the
        // export itself would refuse (settings, earning codes, people in error, data).
        let period_stale = dialog.period.as_ref().zip(doc).is_some_and(|(s, d)| s.revisions != (d.revision, rt.rosters.revision));
        let blocker: Option<String> = match doc {
            None => Some("the plan is no longer open".to_owned()),
            Some(d) if d.has_errors() => Some("the plan has problems; fix them in the editor first".to_owned()),
            Some(_) if period_stale => Some(
                "the plan or the roster changed since the pay period was computed: compute it again in the Plan year \
                 window"
                    .to_owned(),
            ),
            Some(d) if dialog.period.is_none() && (d.result.is_none() || d.is_stale(rt.rosters.revision)) => {
                Some("the payouts are being computed…".to_owned())
            }
            Some(_) if dialog.pay_date().is_none() => Some("write the pay date as YYYY-MM-DD".to_owned()),
            Some(_) if !setting_problems.is_empty() || decimals_problem.is_some() => Some(
                setting_problems.iter().map(ToString::to_string).chain(decimals_problem).collect::<Vec<_>>().join("\n"),
            ),
            Some(_) => match check {
                None => Some("checking…".to_owned()),
                Some(Err(e)) => Some(e.clone()),
                Some(Ok(_)) => None,
            },
        };
        match (&blocker, check) {
            (None, Some(Ok(rec))) => {
                ui.label(egui::RichText::new("The file will contain").strong());
                ui.label(format!("{} people, {} lines", rec.people, rec.lines));
                egui::Grid::new("export_codes").num_columns(2).show(ui, |ui| {
                    for (code, total) in &rec.by_code {
                        ui.label(code);
                        ui.label(money::grouped(*total, rec.minor_units));
                        ui.end_row();
                    }
                    ui.label(egui::RichText::new("Grand total").strong());
                    ui.label(
                        egui::RichText::new(format!("{} {}", money::grouped(rec.total, rec.minor_units), rec.currency))
                            .strong(),
                    );
                    ui.end_row();
                });
                ui.label(format!(
                    "A reconciliation is written next to it: {}",
                    dialog
                        .path
                        .as_ref()
                        .map(|p| super::super::app::display_name(&export::reconciliation_path(p)))
                        .unwrap_or_else(|| "<file>.reconciliation.txt".to_owned())
                ));
            }
            (Some(why), _) => {
                egui::ScrollArea::vertical().id_salt("export_problems").max_height(220.0).show(ui, |ui| {
                    let color = if why.ends_with('…') { t.muted } else { t.error };
                    ui.add(egui::Label::new(egui::RichText::new(why).color(color)).wrap());
                });
                if why.contains("earning code") {
                    widgets::muted(
                        ui,
                        "Set each line's code for this system in the editor: Earning code, then “Add a code for…”.",
                    );
                }
            }
            (None, _) => {}
        }
        // What the reconciliation asks a reviewer to look at (payouts with a warning, the plan's
        // warnings, a pay date far from the period), beside a refusal too.
        if check.is_some() && !dialog.to_check.is_empty() {
            ui.label(egui::RichText::new("To check before paying").strong().color(t.warning));
            egui::ScrollArea::vertical().id_salt("export_checks").max_height(140.0).show(ui, |ui| {
                for line in &dialog.to_check {
                    ui.add(egui::Label::new(egui::RichText::new(line.as_str()).color(t.warning)).wrap());
                }
            });
        }
        if dirty {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    t.warning,
                    "The plan has unsaved changes. The reconciliation names the plan file by its SHA-256, so save the plan first.",
                );
                if ui.button("Save plan").on_hover_text("Save the plan (asks for a file if it has none)").clicked() {
                    actions.push(Action::SavePlan(dialog.plan));
                }
            });
        }
        ui.separator();
        ui.horizontal(|ui| {
            let ready = blocker.is_none() && !dirty && dialog.path.is_some();
            if ui
                .add_enabled(ready, egui::Button::new("Export"))
                .on_hover_text("Write the payroll file and its reconciliation")
                .on_disabled_hover_text("Choose a file, save the plan, and fix any problem shown")
                .clicked()
            {
                actions.push(Action::Export(Box::new(dialog.clone())));
                keep = false;
            }
            if ui.button("Cancel").clicked() {
                keep = false;
            }
        });
        widgets::muted(ui, "The file is written completely or not at all, readable only by you.");
    });
    keep && !modal.should_close()
}

/// One payroll setting, edited with the widget its type needs.
fn setting_ui(ui: &mut egui::Ui, s: &mut PayrollSettings, setting: Setting, label: egui::Id) {
    let help = setting.help();
    match setting {
        Setting::CompanyCode => text(ui, &mut s.company_code, label, help),
        Setting::BatchId => text(ui, &mut s.batch_id, label, help),
        Setting::AdpFileName => text(ui, &mut s.adp_file_name, label, help),
        Setting::Reason => text(ui, &mut s.reason, label, help),
        Setting::ClientId => text(ui, &mut s.client_id, label, help),
        Setting::GustoIds => text(ui, &mut s.gusto_ids, label, help),
        Setting::WorkdayIds => text(ui, &mut s.workday_ids, label, help),
        Setting::PayFrequency => {
            egui::ComboBox::from_id_salt("pay_frequency")
                .selected_text(s.pay_frequency.map_or("choose…", |f| f.word()))
                .show_ui(ui, |ui| {
                    for f in export::PayFrequency::ALL {
                        ui.selectable_value(&mut s.pay_frequency, Some(f), f.word());
                    }
                })
                .response
                .labelled_by(label)
                .on_hover_text(help);
        }
        Setting::PayPeriodStart => optional_date(ui, &mut s.pay_period_start, label, help, "pay_period_start"),
        Setting::PayPeriodEnd => optional_date(ui, &mut s.pay_period_end, label, help, "pay_period_end"),
        Setting::EffectiveDate => optional_date(ui, &mut s.effective_date, label, help, "effective_date"),
        Setting::SeparateCheck => {
            let mut on = s.separate_check.is_some();
            ui.horizontal(|ui| {
                if ui.checkbox(&mut on, "on a separate check").on_hover_text(help).changed() {
                    s.separate_check = on.then_some(1);
                }
                if let Some(n) = &mut s.separate_check {
                    ui.add(egui::DragValue::new(n).range(0..=9)).labelled_by(label);
                }
            });
        }
        Setting::GustoMatch => {
            egui::ComboBox::from_id_salt("gusto_match")
                .selected_text(match s.gusto_match {
                    export::GustoMatch::EmployeeId => "by employee id",
                    export::GustoMatch::Name => "by name",
                })
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut s.gusto_match, export::GustoMatch::EmployeeId, "by employee id");
                    ui.selectable_value(&mut s.gusto_match, export::GustoMatch::Name, "by name");
                })
                .response
                .labelled_by(label)
                .on_hover_text(help);
        }
        Setting::SendToPayroll => {
            ui.checkbox(&mut s.send_to_payroll, "send to payroll").on_hover_text(help);
        }
        Setting::CurrencyOk => {
            ui.checkbox(&mut s.currency_ok, "the amounts are meant for a payroll paying in USD").on_hover_text(help);
        }
    }
}

fn text(ui: &mut egui::Ui, value: &mut String, label: egui::Id, help: &str) {
    ui.add(egui::TextEdit::singleline(value).desired_width(200.0)).labelled_by(label).on_hover_text(help);
}

/// An optional date typed as YYYY-MM-DD (empty = not set).
fn optional_date(ui: &mut egui::Ui, value: &mut Option<NaiveDate>, label: egui::Id, help: &str, salt: &str) {
    let id = ui.make_persistent_id(("setting_date", salt));
    let mut text: String =
        ui.data_mut(|d| d.get_temp(id)).unwrap_or_else(|| value.map(|d| d.to_string()).unwrap_or_default());
    ui.vertical(|ui| {
        ui.add(egui::TextEdit::singleline(&mut text).desired_width(110.0).hint_text("YYYY-MM-DD"))
            .labelled_by(label)
            .on_hover_text(help);
        match text.trim() {
            "" => *value = None,
            t => match t.parse::<NaiveDate>() {
                Ok(d) => *value = Some(d),
                Err(_) => {
                    ui.colored_label(theme::tokens(ui).error, "write the date as YYYY-MM-DD");
                }
            },
        }
    });
    ui.data_mut(|d| d.insert_temp(id, text));
}

fn confirm_overwrite_ui(
    ctx: &egui::Context,
    path: PathBuf,
    then: Box<PendingWrite>,
    actions: &mut Vec<Action>,
) -> Option<Modal> {
    let mut decision = None;
    let modal = egui::Modal::new(egui::Id::unique("overwrite")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Replace the file?");
        ui.add(egui::Label::new(format!("{} already exists. Replace it?", path.display())).wrap());
        ui.horizontal(|ui| {
            if ui.button("Replace").on_hover_text("Overwrite the existing file").clicked() {
                decision = Some(true);
            }
            if ui.button("Cancel").on_hover_text("Keep the existing file and go back").clicked() {
                decision = Some(false);
            }
        });
    });
    if modal.should_close() && decision.is_none() {
        decision = Some(false);
    }
    match decision {
        Some(true) => {
            actions.push(Action::ConfirmOverwrite(path, then));
            None
        }
        Some(false) => {
            actions.push(Action::CancelOverwrite(then));
            None
        }
        None => Some(Modal::ConfirmOverwrite { path, then }),
    }
}

fn confirm_remove_roster_ui(
    ctx: &egui::Context,
    rt: &Runtime,
    index: usize,
    actions: &mut Vec<Action>,
) -> Option<Modal> {
    let source = rt.rosters.sources.get(index)?;
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("remove_roster")).show(ctx, |ui| {
        ui.set_max_width(520.0);
        ui.heading(format!("Remove {}?", source.name));
        ui.add(
            egui::Label::new(format!(
                "Its {} people leave every plan's payouts. The file itself is not touched; import it again to bring them back.",
                source.roster.employees.len()
            ))
            .wrap(),
        );
        ui.horizontal(|ui| {
            if ui.button("Remove").on_hover_text("Remove the roster from the workspace").clicked() {
                actions.push(Action::ConfirmRemoveRoster(index));
                keep = false;
            }
            if ui.button("Cancel").on_hover_text("Keep the roster").clicked() {
                keep = false;
            }
        });
    });
    (keep && !modal.should_close()).then_some(Modal::ConfirmRemoveRoster(index))
}

fn recover_ui(
    ctx: &egui::Context,
    found: Vec<(PathBuf, super::super::recovery::Recovered)>,
    actions: &mut Vec<Action>,
) -> Option<Modal> {
    let mut decision = None;
    egui::Modal::new(egui::Id::unique("recover")).show(ctx, |ui| {
        ui.heading("Restore unsaved plans?");
        ui.label("Carrot closed without saving these plans. Their last changes were kept:");
        for (_, r) in &found {
            let name = r.plan().map(|p| p.name).unwrap_or_else(|e| format!("(unreadable: {e})"));
            let from = r.file.as_ref().map(|f| format!(" — {}", f.display())).unwrap_or_default();
            ui.label(format!("  • {name}{from}"));
        }
        ui.horizontal(|ui| {
            if ui
                .button("Restore")
                .on_hover_text("Bring the changes back, in place of the plan they were made to (unsaved)")
                .clicked()
            {
                decision = Some(true);
            }
            if ui.button("Discard").on_hover_text("Delete the kept changes").clicked() {
                decision = Some(false);
            }
        });
    });
    match decision {
        Some(true) => {
            actions.push(Action::Restore(found));
            None
        }
        Some(false) => {
            actions.push(Action::DiscardRecovered(found.into_iter().map(|(p, _)| p).collect()));
            None
        }
        None => Some(Modal::Recover(found)),
    }
}

/// A roster file whose people are already in the workspace: a newer export of the same people
/// replaces the files that hold them, or nothing is imported.
fn overlap_ui(
    ctx: &egui::Context,
    overlap: Box<crate::ui::app::workspace::Overlap>,
    actions: &mut Vec<Action>,
) -> Option<Modal> {
    let name = overlap.source.name.clone();
    let files: Vec<&str> = overlap.files.iter().map(|(_, f)| f.as_str()).collect();
    let files = files.join(" and ");
    let mut keep = true;
    let mut replace = false;
    let modal = egui::Modal::new(egui::Id::unique("roster_overlap")).show(ctx, |ui| {
        ui.set_max_width(720.0);
        ui.heading(format!("{name} was not imported"));
        ui.add(
            egui::Label::new(format!(
                "{} of its people are already in the workspace, in {files}. If it is a newer export of them, \
                 replace {files} with it; otherwise nothing is imported.",
                widgets::count(overlap.lines.len())
            ))
            .wrap(),
        );
        ui.horizontal(|ui| {
            if ui
                .button(format!("Replace {files}"))
                .on_hover_text(format!("Remove {files} from the workspace and import {name} instead"))
                .clicked()
            {
                replace = true;
            }
            if ui.button("Don't import").on_hover_text("Keep the workspace as it is").clicked() {
                keep = false;
            }
        });
        long_list(ui, &overlap.lines, 320.0);
    });
    if replace {
        actions.push(Action::ReplaceRosters(overlap));
        return None;
    }
    (keep && !modal.should_close()).then_some(Modal::Overlap(overlap))
}

/// Lines that may be many (a duplicate for each of 100,000 people). A few are shown whole,
/// wrapped; past [`WRAPPED_LINES`] only those in view are laid out, one line each (cut short,
/// whole on hover), so a long list costs a frame what a short one does.
fn long_list(ui: &mut egui::Ui, lines: &[String], max_height: f32) {
    if lines.len() <= WRAPPED_LINES {
        egui::ScrollArea::vertical().max_height(max_height).show(ui, |ui| {
            for l in lines {
                ui.label(l);
            }
        });
        return;
    }
    let row = ui.text_style_height(&egui::TextStyle::Body);
    egui::ScrollArea::vertical().max_height(max_height).auto_shrink([false, true]).show_rows(
        ui,
        row,
        lines.len(),
        |ui, range| {
            for l in lines.get(range).unwrap_or_default() {
                ui.add(egui::Label::new(l.as_str()).truncate());
            }
        },
    );
}

/// Up to how many lines a message shows each whole (wrapped).
const WRAPPED_LINES: usize = 200;

fn message_ui(ctx: &egui::Context, title: &str, lines: &[String]) -> bool {
    let mut keep = true;
    let modal = egui::Modal::new(egui::Id::unique("message")).show(ctx, |ui| {
        ui.set_max_width(720.0);
        ui.heading(title);
        long_list(ui, lines, 360.0);
        if ui.button("OK").clicked() {
            keep = false;
        }
    });
    keep && !modal.should_close()
}

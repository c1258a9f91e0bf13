//! What survives a restart: which plans and rosters were open, the layout and the user's
//! choices. Small, tolerant (`#[serde(default)]`) and versioned. Plan contents are never stored
//! here: they live in plan files (and in the recovery folder while unsaved).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::roster::joins::JoinFiles;
use crate::roster::{DecimalSeparator, HeaderMapping};

/// The version of this state; a different version is ignored (with a notice) rather than misread.
pub const STATE_VERSION: u32 = 1;

/// An open plan, by where it lives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanRef {
    /// A plan file.
    File(PathBuf),
    /// A bundled sample, by key.
    Sample(String),
}

/// An imported roster, by where it lives and how it was read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterRef {
    /// A roster file, or a bundled sample key.
    pub origin: RosterOrigin,
    /// Header renames used.
    #[serde(default)]
    pub mapping: HeaderMapping,
    /// Non-ISO date format used, if any.
    #[serde(default)]
    pub date_format: Option<String>,
    /// Decimal separator used.
    #[serde(default)]
    pub decimal: DecimalSeparator,
    /// Whether bad rows were skipped (the user chose to import the good rows).
    #[serde(default)]
    pub skip_bad_rows: bool,
    /// The sheet of a spreadsheet (`None`: the first with the required columns).
    #[serde(default)]
    pub sheet: Option<String>,
    /// The header's line (`None`: found as the import finds it).
    #[serde(default)]
    pub header_row: Option<u64>,
    /// Value maps, metrics files and the deal list read with the file.
    #[serde(default)]
    pub joins: JoinFiles,
}

impl RosterRef {
    /// A roster read as it is: no header renames, dates and decimals as the import finds them,
    /// every row, the first fitting sheet and header row, nothing joined.
    pub fn as_is(origin: RosterOrigin) -> Self {
        Self {
            origin,
            mapping: HeaderMapping::default(),
            date_format: None,
            decimal: DecimalSeparator::default(),
            skip_bad_rows: false,
            sheet: None,
            header_row: None,
            joins: JoinFiles::default(),
        }
    }

    /// The bundled sample rosters, read as they are.
    pub fn samples() -> Vec<Self> {
        crate::samples::ROSTERS.iter().map(|s| Self::as_is(RosterOrigin::Sample(s.key.to_owned()))).collect()
    }
}

/// Where a roster came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RosterOrigin {
    /// A CSV file.
    File(PathBuf),
    /// A bundled sample, by key.
    Sample(String),
}

/// The central area's views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tab {
    /// Everyone's payouts.
    #[default]
    Payouts,
    /// Charts for the selected plan.
    Charts,
    /// Plans side by side.
    Compare,
    /// Behaviour shifts.
    Behaviour,
}

/// A recipe remembered for rosters with the same headers: the mapping, and the sheet and header
/// row it was read with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RememberedMapping {
    /// The file's headers as first read (before a sheet or header row was chosen), in order.
    pub headers: Vec<String>,
    /// Their column → canonical column.
    pub mapping: HeaderMapping,
    /// The sheet chosen, for a spreadsheet.
    #[serde(default)]
    pub sheet: Option<String>,
    /// The header row chosen.
    #[serde(default)]
    pub header_row: Option<u64>,
    /// The value maps, metrics files and deal list the file was imported with (offered again;
    /// a deal list then counts the deals of the plan selected at the time).
    #[serde(default)]
    pub joins: JoinFiles,
    /// How the file writes dates that are not ISO, as chosen in the import step.
    #[serde(default)]
    pub date_format: Option<String>,
    /// The decimal separator chosen in the import step.
    #[serde(default)]
    pub decimal: DecimalSeparator,
}

/// Everything persisted between runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PersistedState {
    /// See [`STATE_VERSION`].
    pub version: u32,
    /// Open plans, in order.
    pub plans: Vec<PlanRef>,
    /// Index of the selected plan.
    pub selected: usize,
    /// Imported rosters, in order.
    pub rosters: Vec<RosterRef>,
    /// The central view.
    pub tab: Tab,
    /// Whether the plan editor panel is shown.
    pub show_editor: bool,
    /// Header mappings remembered for files with the same headers.
    pub mappings: Vec<RememberedMapping>,
    /// The last export choices.
    pub export: ExportChoices,
    /// Height of the explanation pane under the payouts table, in points.
    pub explanation_height: f32,
    /// The folder of the last file saved or opened through a dialog (the next dialog opens there).
    pub folder: Option<PathBuf>,
}

/// The explanation pane's height when nothing was saved, and its limits: the table above it
/// always keeps room for [`MIN_TABLE_ROWS`] rows.
pub const EXPLANATION_HEIGHT: f32 = 220.0;
/// The smallest explanation pane.
pub const MIN_EXPLANATION_HEIGHT: f32 = 80.0;
/// The largest explanation pane a restored workspace may have (a larger one is reset).
pub const MAX_EXPLANATION_HEIGHT: f32 = 600.0;
/// Rows the payouts table always has room for.
pub const MIN_TABLE_ROWS: usize = 10;

impl Default for PersistedState {
    fn default() -> Self {
        Self {
            version: STATE_VERSION,
            plans: Vec::new(),
            selected: 0,
            rosters: Vec::new(),
            tab: Tab::default(),
            show_editor: true,
            mappings: Vec::new(),
            export: ExportChoices::default(),
            explanation_height: EXPLANATION_HEIGHT,
            folder: None,
        }
    }
}

/// Remembered choices of the export dialog.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportChoices {
    /// Template name.
    pub template: String,
    /// Folder of the last export.
    pub folder: Option<PathBuf>,
    /// Payroll settings (company code, batch id, ...), remembered between exports.
    pub settings: crate::export::PayrollSettings,
}

impl PersistedState {
    /// Resets layout values a restored workspace should not have (a pane that leaves no room
    /// for the table, a size that is not a number).
    pub fn repair_layout(&mut self) {
        let h = self.explanation_height;
        if !h.is_finite() || !(MIN_EXPLANATION_HEIGHT..=MAX_EXPLANATION_HEIGHT).contains(&h) {
            self.explanation_height = EXPLANATION_HEIGHT;
        }
    }

    /// The remembered mapping for a file with these headers.
    pub fn mapping_for(&self, headers: &[String]) -> Option<&HeaderMapping> {
        self.recipe_for(headers).map(|m| &m.mapping)
    }

    /// The remembered recipe (mapping, sheet, header row) for a file with these headers.
    pub fn recipe_for(&self, headers: &[String]) -> Option<&RememberedMapping> {
        self.mappings.iter().find(|m| m.headers == headers)
    }

    /// Remembers a mapping for files with these headers (replacing an older one).
    pub fn remember_mapping(&mut self, headers: Vec<String>, mapping: HeaderMapping) {
        self.remember_recipe(RememberedMapping {
            headers,
            mapping,
            sheet: None,
            header_row: None,
            joins: JoinFiles::default(),
            date_format: None,
            decimal: DecimalSeparator::Auto,
        });
    }

    /// Remembers a recipe for files with its headers (replacing an older one).
    pub fn remember_recipe(&mut self, recipe: RememberedMapping) {
        self.mappings.retain(|m| m.headers != recipe.headers);
        self.mappings.push(recipe);
        // Keep the list bounded.
        if self.mappings.len() > 50 {
            self.mappings.remove(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_old_state_gets_defaults() {
        let mut s = PersistedState::default();
        s.plans.push(PlanRef::File("/tmp/p.json".into()));
        s.remember_mapping(vec!["Worker".into()], HeaderMapping::default());
        let text = serde_json::to_string(&s).unwrap();
        let back: PersistedState = serde_json::from_str(&text).unwrap();
        assert_eq!(back, s);
        // A state written before a field existed still loads, with the default.
        let old: PersistedState =
            serde_json::from_str(r#"{"version": 1, "plans": [{"Sample": "sales_led"}]}"#).unwrap();
        assert_eq!(old.plans, [PlanRef::Sample("sales_led".into())]);
        assert!(old.show_editor);
        assert_eq!(old.explanation_height, EXPLANATION_HEIGHT);
    }

    #[test]
    fn a_restored_pane_that_leaves_no_room_for_the_table_is_reset() {
        for bad in [5000.0, -3.0, f32::NAN, 10.0] {
            let mut s = PersistedState { explanation_height: bad, ..PersistedState::default() };
            s.repair_layout();
            assert_eq!(s.explanation_height, EXPLANATION_HEIGHT, "{bad}");
        }
        let mut fine = PersistedState { explanation_height: 300.0, ..PersistedState::default() };
        fine.repair_layout();
        assert_eq!(fine.explanation_height, 300.0);
    }
}

//! What is read beside the roster files: a recipe's value maps, metrics files joined by a key,
//! and a deal list. `carrot --mapping --metrics --deals` and the app's import dialog both import
//! through [`JoinFiles::apply`], so they read the same people with the same totals.

use std::path::{Path, PathBuf};

use super::deals::{DealsMapping, DealsMappingError, Period};
use super::import::{ImportError, ImportOptions, ImportReport};
use super::join::JoinKey;
use super::recipe::{Recipe, RecipeError, ValueMaps};
use crate::fsx;

/// The largest mapping file (recipe or deals mapping) read.
pub const MAX_MAPPING_BYTES: u64 = 1024 * 1024;

/// Why a mapping file (a recipe or a deals mapping) cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingFileError {
    /// The file could not be read.
    #[error("could not read {what} {}: {cause}", path.display())]
    Read {
        /// `mapping file` or `deals mapping`.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// Why.
        cause: fsx::ReadError,
    },
    /// The file is not a recipe.
    #[error(
        "{}: {cause}\n(a mapping file is a JSON object of \"their column\": \"canonical_column\", or a recipe with \
         \"columns\", \"values\", \"sheet\", \"header_row\", \"join_on\", \"date_format\" and \"decimal\")",
        path.display()
    )]
    Recipe {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        cause: RecipeError,
    },
    /// The file is not a deals mapping.
    #[error("{}: {cause}", path.display())]
    Deals {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        cause: DealsMappingError,
    },
}

/// Reads a mapping file: a flat object of header renames, or a recipe ([`super::recipe`]).
pub fn read_recipe(path: &Path) -> Result<Recipe, MappingFileError> {
    let bytes = fsx::read_limited(path, MAX_MAPPING_BYTES).map_err(|cause| MappingFileError::Read {
        what: "mapping file",
        path: path.to_path_buf(),
        cause,
    })?;
    super::recipe::parse(&bytes).map_err(|cause| MappingFileError::Recipe { path: path.to_path_buf(), cause })
}

/// Reads a deals mapping file ([`super::deals`]).
pub fn read_deals_mapping(path: &Path) -> Result<DealsMapping, MappingFileError> {
    let bytes = fsx::read_limited(path, MAX_MAPPING_BYTES).map_err(|cause| MappingFileError::Read {
        what: "deals mapping",
        path: path.to_path_buf(),
        cause,
    })?;
    DealsMapping::parse(&bytes).map_err(|cause| MappingFileError::Deals { path: path.to_path_buf(), cause })
}

/// A deal list, the file saying how to read it, and the plan period its deals must close in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DealFiles {
    /// The deal list (one row per opportunity).
    pub file: PathBuf,
    /// Its deals mapping file (JSON).
    pub mapping: PathBuf,
    /// Only deals closed in this period count.
    pub period: Period,
}

/// Everything read beside the roster files, by file: what a recipe maps values to, the metrics
/// files joined onto the people, and a deal list.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct JoinFiles {
    /// Value maps (`role`: job title → role), as in a recipe.
    #[serde(skip_serializing_if = "ValueMaps::is_empty")]
    pub values: ValueMaps,
    /// Metrics files, joined in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<PathBuf>,
    /// What metrics files match people by (`None`: employee_id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub join_on: Option<JoinKey>,
    /// A deal list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deals: Option<DealFiles>,
}

impl JoinFiles {
    /// Whether nothing is read or mapped beside the roster files.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.metrics.is_empty() && self.deals.is_none()
    }

    /// The key metrics files are joined by.
    pub fn key(&self) -> JoinKey {
        self.join_on.unwrap_or_default()
    }

    /// Maps the roster's values, joins the metrics files and then the deal list onto the
    /// people of `report`, adding their warnings and (with `skip_bad_rows`) skipped cells to it.
    /// `options` are those the joined files are read with: their sheet and header row are
    /// found in each file (a recipe's sheet and header row are the roster's).
    pub fn apply(&self, report: &mut ImportReport, options: &ImportOptions) -> Result<(), ImportError> {
        // The deals mapping is read first: a mistake in it is found before the files are read.
        let deals = match &self.deals {
            Some(d) => Some((d, read_deals_mapping(&d.mapping)?)),
            None => None,
        };
        report.warnings.extend(super::recipe::apply_values(&mut report.roster, &self.values));
        if !self.metrics.is_empty() {
            let mut outcome = super::join::join_metrics(&mut report.roster, &self.metrics, self.key(), options)?;
            report.warnings.append(&mut outcome.warnings);
            report.skipped.append(&mut outcome.skipped);
        }
        if let Some((files, mapping)) = deals {
            let mut outcome =
                super::deals::apply_deals(&mut report.roster, &files.file, &mapping, files.period, options)?;
            report.warnings.append(&mut outcome.warnings);
            report.skipped.append(&mut outcome.skipped);
            report.deals = outcome.deals;
        }
        Ok(())
    }
}

/// The options joined files are read with, from the roster's: the same mapping, dates and
/// numbers, the sheet named on the command line (`sheet`), and each file's own header row.
pub fn joined_options(roster: &ImportOptions, sheet: Option<String>) -> ImportOptions {
    ImportOptions { sheet, header_row: None, ..roster.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_files_that_cannot_be_used_are_named_with_the_cause() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.json");
        let err = read_deals_mapping(&missing).unwrap_err().to_string();
        assert!(err.starts_with(&format!("could not read deals mapping {}: ", missing.display())), "{err}");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, br#"{"owner": "Owner"}"#).unwrap();
        let err = read_deals_mapping(&bad).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: missing field `amount`", bad.display())), "{err}");
        let err = read_recipe(&bad).unwrap();
        assert_eq!(err.columns.0.get("owner").map(String::as_str), Some("Owner"));
        std::fs::write(&bad, b"[]").unwrap();
        let err = read_recipe(&bad).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}: a mapping file is a JSON object", bad.display())), "{err}");
    }

    #[test]
    fn join_files_round_trip_and_an_empty_one_says_so() {
        let mut joins = JoinFiles::default();
        assert!(joins.is_empty());
        joins.metrics.push(PathBuf::from("activity.csv"));
        joins.join_on = Some(JoinKey::Email);
        joins.deals = Some(DealFiles {
            file: PathBuf::from("deals.csv"),
            mapping: PathBuf::from("deals.json"),
            period: Period {
                start: chrono::NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
                end: chrono::NaiveDate::from_ymd_opt(2026, 9, 30).unwrap(),
            },
        });
        assert!(!joins.is_empty());
        assert_eq!(joins.key(), JoinKey::Email);
        let text = serde_json::to_string(&joins).unwrap();
        assert_eq!(serde_json::from_str::<JoinFiles>(&text).unwrap(), joins);
        assert_eq!(serde_json::from_str::<JoinFiles>("{}").unwrap(), JoinFiles::default());
    }
}

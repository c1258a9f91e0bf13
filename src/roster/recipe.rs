//! Import recipes: how to read one shape of HRIS or CRM export, saved as the `--mapping` file.
//!
//! A mapping file is either the flat object of header renames that Carrot has always read
//! (`{"Worker Number": "employee_id"}`), or a recipe:
//!
//! ```json
//! {
//!   "columns": {"Worker ID": "employee_id", "Legal First Name": "first_name",
//!               "Legal Last Name": "last_name", "Job Title": "role"},
//!   "values": {"role": {"Account Executive": "sales", "Solutions Consultant": "consultant",
//!                       "*": "other"}},
//!   "sheet": "Workers",
//!   "header_row": 3,
//!   "join_on": "email"
//! }
//! ```
//!
//! `values` maps what a text column says to what Carrot should read (compared ignoring case and
//! surrounding blanks); `"*"` is the value for anything not listed (without it, other values are
//! kept as they are, and listed in a warning). `role`, `team` and `manager` can be mapped.
//! `sheet`, `header_row` and `join_on` are the `--sheet`, `--header-row` and `--join-on` options
//! (an option given on the command line wins).

use foldhash::HashMap;
use indexmap::IndexMap;

use super::import::HeaderMapping;
use super::join::JoinKey;
use super::{Roster, Text};

/// The key of a value map's default.
pub const DEFAULT_VALUE: &str = "*";

/// The columns whose values a recipe can map.
pub const VALUE_COLUMNS: &[&str] = &["role", "team", "manager"];

/// Column → (their value → Carrot's).
pub type ValueMaps = IndexMap<String, IndexMap<String, String>>;

/// Why a mapping file cannot be read ([`parse`], [`Recipe::check`]).
#[derive(Debug, thiserror::Error)]
pub enum RecipeError {
    /// The file is not JSON, or a flat mapping is not an object of text.
    #[error("{inner}")]
    Json { inner: serde_json::Error },
    /// The file's JSON is not an object.
    #[error("a mapping file is a JSON object")]
    NotAnObject,
    /// A recipe that does not have a recipe's shape; `path` is where in the JSON.
    #[error(
        "{inner} (at `{path}`); a recipe has `columns`, and may have `values`, `sheet`, `header_row`, `join_on`, \
         `date_format` and `decimal`"
    )]
    Shape { inner: serde_json::Error, path: String },
    /// A value map for a column that cannot be mapped.
    #[error("values: `{column}` cannot be mapped; value maps are for {}", VALUE_COLUMNS.join(", "))]
    UnmappableColumn { column: String },
    /// A value map entry whose value is blank.
    #[error("values.{column}: `{from}` maps to a blank value; give the {column} it stands for")]
    BlankValue { column: String, from: String },
    /// `header_row` is 0.
    #[error("header_row counts from 1 (the first line)")]
    HeaderRowZero,
    /// `date_format` is not a date format.
    #[error("date_format: {0}")]
    DateFormat(#[from] super::values::DateFormatError),
}

/// How to read one shape of export (see the module docs).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// Header renames.
    #[serde(default)]
    pub columns: HeaderMapping,
    /// Value maps per column.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub values: ValueMaps,
    /// The sheet of a spreadsheet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The header's line (spreadsheet row).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u64>,
    /// What metrics files match people by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join_on: Option<JoinKey>,
    /// How the export writes dates that are not ISO (a chrono format, `%d.%m.%Y`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_format: Option<String>,
    /// The decimal separator of its numbers: `point` or `comma` (`auto`: a comma in
    /// `;`-delimited files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal: Option<super::DecimalSeparator>,
}

impl Recipe {
    /// Whether the recipe says nothing beyond header renames (it is then saved flat).
    pub fn is_flat(&self) -> bool {
        self.values.is_empty()
            && self.sheet.is_none()
            && self.header_row.is_none()
            && self.join_on.is_none()
            && self.date_format.is_none()
            && self.decimal.is_none()
    }

    /// The file's JSON: flat when only headers are renamed, so older Carrot reads it too.
    pub fn to_json(&self) -> String {
        let text = if self.is_flat() {
            serde_json::to_string_pretty(&self.columns)
        } else {
            serde_json::to_string_pretty(self)
        };
        text.unwrap_or_default() + "\n"
    }

    /// Checks the value maps: known columns, no blank values.
    pub fn check(&self) -> Result<(), RecipeError> {
        for (column, map) in &self.values {
            if !VALUE_COLUMNS.contains(&column.as_str()) {
                return Err(RecipeError::UnmappableColumn { column: column.clone() });
            }
            if let Some((from, _)) = map.iter().find(|(_, to)| to.trim().is_empty()) {
                return Err(RecipeError::BlankValue { column: column.clone(), from: from.clone() });
            }
        }
        if self.header_row == Some(0) {
            return Err(RecipeError::HeaderRowZero);
        }
        if let Some(format) = &self.date_format {
            super::values::check_date_format(format)?;
        }
        Ok(())
    }
}

/// Reads a mapping file's JSON: a flat object of header renames, or a recipe (an object with a
/// `columns` object, or any value that is not text).
pub fn parse(bytes: &[u8]) -> Result<Recipe, RecipeError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|inner| RecipeError::Json { inner })?;
    let Some(object) = value.as_object() else {
        return Err(RecipeError::NotAnObject);
    };
    let structured =
        object.get("columns").is_some_and(serde_json::Value::is_object) || object.values().any(|v| !v.is_string());
    let recipe = if structured {
        let mut de = serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize::<_, Recipe>(&mut de)
            .map_err(|e| RecipeError::Shape { path: e.path().to_string(), inner: e.into_inner() })?
    } else {
        let columns: IndexMap<String, String> =
            serde_json::from_value(value).map_err(|inner| RecipeError::Json { inner })?;
        Recipe { columns: HeaderMapping(columns), ..Recipe::default() }
    };
    recipe.check()?;
    Ok(recipe)
}

/// Maps the values of `role`, `team` and `manager` by the recipe's value maps. Returns warnings
/// listing values that no entry (and no `*`) maps, with how many people have each.
pub fn apply_values(roster: &mut Roster, values: &ValueMaps) -> Vec<String> {
    let mut warnings = Vec::new();
    for (column, map) in values {
        let folded: HashMap<String, &str> =
            map.iter().filter(|(k, _)| *k != DEFAULT_VALUE).map(|(k, v)| (k.trim().to_lowercase(), v.trim())).collect();
        let default = map.get(DEFAULT_VALUE).map(|v| v.trim());
        let lowercase = column == "role";
        let mut cache: HashMap<Text, Text> = HashMap::default();
        let mut kept: IndexMap<String, usize> = IndexMap::new();
        for e in &mut roster.employees {
            let slot = match column.as_str() {
                "role" => &mut e.role,
                "team" => &mut e.team,
                "manager" => &mut e.manager,
                _ => continue,
            };
            if let Some(mapped) = cache.get(&*slot) {
                *slot = mapped.clone();
                continue;
            }
            let target = folded.get(&slot.trim().to_lowercase()).copied().or(default);
            let new: Text = match target {
                Some(t) if lowercase => Text::from(t.to_lowercase()),
                Some(t) => Text::from(t),
                None => {
                    if !slot.is_empty() {
                        *kept.entry(slot.to_string()).or_default() += 1;
                    }
                    continue;
                }
            };
            cache.insert(slot.clone(), new.clone());
            *slot = new;
        }
        if !kept.is_empty() {
            let list: Vec<String> = kept.iter().map(|(v, n)| format!("{v:?} ({n})")).collect();
            warnings.push(format!(
                "values.{column}: {} value(s) are not in the value map and were kept as they are (add them, or a \
                 \"*\" default): {}",
                kept.len(),
                super::join::listed(&list)
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_files_still_read_and_recipes_read_with_every_key() {
        let flat = parse(br#"{"Worker Number": "employee_id", "Sheet": "team"}"#).unwrap();
        assert_eq!(flat.columns.0.get("Sheet").map(String::as_str), Some("team"));
        assert!(flat.is_flat());
        let recipe = parse(
            br#"{"columns": {"Job Title": "role"}, "values": {"role": {"Account Executive": "sales", "*": "other"}},
                "sheet": "Workers", "header_row": 3, "join_on": "email"}"#,
        )
        .unwrap();
        assert_eq!(recipe.sheet.as_deref(), Some("Workers"));
        assert_eq!(recipe.header_row, Some(3));
        assert_eq!(recipe.join_on, Some(JoinKey::Email));
        assert_eq!(parse(recipe.to_json().as_bytes()).unwrap(), recipe);
        assert_eq!(parse(flat.to_json().as_bytes()).unwrap(), flat);
    }

    #[test]
    fn mistakes_in_a_recipe_are_named() {
        let err = parse(br#"{"columns": {}, "value": {}}"#).unwrap_err().to_string();
        assert!(err.contains("unknown field `value`"), "{err}");
        let err = parse(br#"{"columns": {}, "values": {"revenue": {"a": "b"}}}"#).unwrap_err().to_string();
        assert!(err.contains("`revenue` cannot be mapped"), "{err}");
        let err = parse(br#"{"columns": {}, "join_on": "phone"}"#).unwrap_err().to_string();
        assert!(err.contains("join_on"), "{err}");
        let message = |json: &[u8]| parse(json).unwrap_err().to_string();
        assert_eq!(message(b"[]"), "a mapping file is a JSON object");
        assert_eq!(
            message(br#"{"columns": {}, "values": {"revenue": {"a": "b"}}}"#),
            "values: `revenue` cannot be mapped; value maps are for role, team, manager"
        );
        assert_eq!(
            message(br#"{"columns": {}, "values": {"team": {"East": " "}}}"#),
            "values.team: `East` maps to a blank value; give the team it stands for"
        );
        assert_eq!(message(br#"{"columns": {}, "header_row": 0}"#), "header_row counts from 1 (the first line)");
        assert_eq!(
            message(br#"{"columns": {}, "sheet": 3}"#),
            "invalid type: integer `3`, expected a string at line 1 column 26 (at `sheet`); a recipe has `columns`, \
             and may have `values`, `sheet`, `header_row`, `join_on`, `date_format` and `decimal`"
        );
        assert_eq!(
            message(br#"{"columns": {}, "date_format": "%d/%m"}"#),
            "date_format: `%d/%m` does not give a day, a month and a year; use strftime fields such as %d/%m/%Y or \
             %m/%d/%Y"
        );
        assert!(message(br#"{"columns": {}, "decimal": "dot"}"#).contains("unknown variant `dot`"));
        let recipe = parse(br#"{"columns": {}, "date_format": "%d.%m.%Y", "decimal": "comma"}"#).unwrap();
        assert_eq!(recipe.date_format.as_deref(), Some("%d.%m.%Y"));
        assert_eq!(recipe.decimal, Some(crate::roster::DecimalSeparator::Comma));
        assert_eq!(parse(recipe.to_json().as_bytes()).unwrap(), recipe);
    }
}

//! Plans: the model, the file format, and validation.

pub mod assumptions;
pub mod columns;
pub mod file;
pub mod model;
pub mod money;
pub mod schedule;
pub mod validate;

pub use columns::{builtin_problems, roster_problems, suggest};
pub use file::{PlanError, load, parse, save, to_json};
pub use model::*;
pub use schedule::{PayPeriod, Schedule, Window};
pub use validate::{validate, warnings};

use serde::Serialize;

/// The payroll templates a plan's `earning_codes` may name, by the name used on the command line
/// (`carrot export --template`). Plans own this list: validation checks `earning_codes` against
/// it, and `export` implements one layout per name (a test keeps the two in step).
pub const PAYROLL_TEMPLATES: &[&str] =
    &["generic", "adp-wfn", "adp-run", "gusto", "workday", "workday-eib", "paychex-flex"];

/// How serious a [`Problem`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The plan cannot be computed until this is fixed.
    Error,
    /// The plan computes, but something is probably not what was meant.
    Warning,
}

/// One thing wrong with a plan, at a path such as `tracks.sales.components[1].tiers[2].from`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Problem {
    /// Where in the plan file (dotted path, `[i]` for list items; empty for the whole file).
    pub path: String,
    /// What is wrong and how to fix it.
    pub message: String,
    /// Error or warning.
    pub severity: Severity,
}

impl Problem {
    /// An error at `path`.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), severity: Severity::Error }
    }

    /// A warning at `path`.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self { path: path.into(), message: message.into(), severity: Severity::Warning }
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tag = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        if self.path.is_empty() {
            write!(f, "{tag}{}", self.message)
        } else {
            write!(f, "{}: {tag}{}", self.path, self.message)
        }
    }
}

/// Whether a name is usable as a metric or component id: lowercase ASCII letters, digits and
/// `_`, not starting with a digit.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions (`nmae` → `name` is 1) each cost 1.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best =
                (d[(i - 1) * width + j] + 1).min(d[i * width + j - 1] + 1).min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_identifier("discovery_interviews"));
        assert!(is_identifier("_x1"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier("Revenue"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("a-b"));
    }

    #[test]
    fn suggestions() {
        assert_eq!(did_you_mean("rat", ["rate", "from"]), Some("rate"));
        assert_eq!(did_you_mean("treshold", ["threshold", "tiers"]), Some("threshold"));
        assert_eq!(did_you_mean("zzzzzz", ["rate", "from"]), None);
        assert_eq!(did_you_mean("nmae", ["schema", "name"]), Some("name"), "a transposition is one edit");
    }
}

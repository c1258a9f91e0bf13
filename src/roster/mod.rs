//! Rosters: the people a plan pays, imported from CSV exports of an HRIS or CRM.
//!
//! [`import`] turns messy files (BOMs, `;` or tab delimiters, decimal commas, currency symbols,
//! Windows-1252, renamed headers) into a trusted [`Roster`], or reports every bad cell with its
//! file, line, column, value and reason.

mod columns;
pub use columns::look_alikes;
pub mod deals;
mod decode;
pub mod import;
pub mod join;
pub mod joins;
pub mod merge;
pub mod recipe;
mod records;
pub mod report_shape;
mod rows;
pub mod table;
pub mod values;
pub mod xlsx;

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

pub use import::{
    CANCELLED, DecimalSeparator, HeaderMapping, ISSUE_LIST_CAP, ImportError, ImportOptions, ImportReport, MORE_ISSUES,
    Preview, RowIssue, STREAM_BLOCK, StreamError, Streamed, guess_decimal, import_files, import_files_cancellable,
    import_files_with_progress, import_reader, preview, stream_files,
};

/// The canonical column names (DOMAIN.md). Every other numeric column is a metric.
pub const CANONICAL_COLUMNS: &[&str] = &[
    "employee_id",
    "name",
    "role",
    "team",
    "manager",
    "currency",
    "base_salary",
    "target_incentive",
    "quota",
    "start_date",
    "end_date",
    "first_name",
    "last_name",
    "email",
];

/// Columns a roster file must have. `name` may instead be composed from `first_name` and
/// `last_name` ([`missing_required`]).
pub const REQUIRED_COLUMNS: &[&str] = &["employee_id", "name", "role"];

/// The required columns that a file with the columns `has` lacks: `name` is there when the file
/// has `first_name` or `last_name`.
pub fn missing_required(has: impl Fn(&str) -> bool) -> Vec<&'static str> {
    REQUIRED_COLUMNS
        .iter()
        .copied()
        .filter(|req| !(has(req) || (*req == "name" && (has("first_name") || has("last_name")))))
        .collect()
}

/// Canonical columns that hold money (converted with the plan's fx table).
pub const MONEY_COLUMNS: &[&str] = &["base_salary", "target_incentive", "quota"];

/// Whether the column `column` holds dates (`start_date`, `end_date`).
pub fn is_date_column(column: &str) -> bool {
    matches!(column, "start_date" | "end_date")
}

/// Whether the column `column` holds numbers: a money column or a metric (any column that is not
/// one of Carrot's text or date columns).
pub fn holds_numbers(column: &str) -> bool {
    MONEY_COLUMNS.contains(&column) || !CANONICAL_COLUMNS.contains(&column)
}

/// Metric columns that always hold money (a `%` in them is refused). A plan may treat other
/// metrics as money too (the metric of a commission): see [`PlanColumns`].
pub const MONEY_METRICS: &[&str] = &["revenue"];

/// What a plan reads a roster column as, from the weakest claim to the strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReadAs {
    /// A number of no particular kind (the metric of a bonus or a multiplier, a bonus's target
    /// column, a column a derived metric reads). Like every column a plan reads, it is never
    /// left out as text: its cells that are not numbers are refused.
    Number,
    /// A count: a per-unit line pays per unit of it. A currency in its cells is refused (it
    /// would otherwise name the row's currency).
    Count,
    /// Money: a commission pays on it. A `%` in its cells is refused, and so is money that reads
    /// two ways (`12.000` in a `,` file) while the decimal separator is not said.
    Money,
}

/// How a metric column is read, and what says so (for messages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ColumnRead {
    /// What the column is read as.
    pub kind: ReadAs,
    /// Who reads it so, for messages: ``the commission `c` of track sales in plan `P` ``; `None`
    /// for a column that is always money ([`MONEY_METRICS`]).
    pub by: Option<String>,
}

/// The columns the plans being computed read, and as what ([`ImportOptions::plan_columns`]).
/// With none (the default), a metric column is money only when it is one of [`MONEY_METRICS`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanColumns {
    columns: std::collections::BTreeMap<String, ColumnRead>,
}

impl PlanColumns {
    /// Records that `by` reads `column` as `kind`. A column read several ways keeps the
    /// strongest ([`ReadAs::Money`] over [`ReadAs::Count`] over [`ReadAs::Number`]), and the
    /// first reader of that kind.
    pub fn read(&mut self, column: &str, kind: ReadAs, by: String) {
        match self.columns.get_mut(column) {
            Some(read) if read.kind >= kind => {}
            Some(read) => *read = ColumnRead { kind, by: Some(by) },
            None => {
                self.columns.insert(column.to_owned(), ColumnRead { kind, by: Some(by) });
            }
        }
    }

    /// Whether a plan reads `column` (as anything): such a column is never left out as text,
    /// since the plan would then be refused for a column the roster "lacks"; its cells that are
    /// not numbers are refused instead, each with its line.
    pub fn reads(&self, column: &str) -> bool {
        self.columns.contains_key(column)
    }

    /// Whether no plan column is known.
    pub fn is_empty(&self) -> bool {
        self.columns.is_empty()
    }

    /// How the metric column `column` is read: as money, said by no plan, when it is one of
    /// [`MONEY_METRICS`] (whatever a plan says); else as the plans read it, or `None` when no
    /// plan reads it.
    pub fn reading(&self, column: &str) -> Option<ColumnRead> {
        if MONEY_METRICS.contains(&column) {
            return Some(ColumnRead { kind: ReadAs::Money, by: None });
        }
        self.columns.get(column).cloned()
    }
}

/// Shared, immutable text: copying it into reports and payouts is a reference-count increment,
/// not an allocation (and a roster's many repeated roles and teams share one copy).
pub type Text = Arc<str>;

/// Where a row came from, for messages that point back at the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceRef {
    /// Index into [`Roster::sources`].
    pub file: u32,
    /// 1-based line number where the row starts.
    pub line: u64,
}

/// What some files say about a person besides their name: first and last name (payroll layouts
/// that need them use them instead of splitting `name`) and work email (metrics and deals can
/// join on it).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Contact {
    /// First name, when the file has a first-name column.
    pub first_name: Option<Text>,
    /// Last name, when the file has a last-name column.
    pub last_name: Option<Text>,
    /// Work email, when the file has an email column.
    pub email: Option<Text>,
}

impl Contact {
    /// `None` when nothing is given, so people without contact details allocate nothing.
    pub fn boxed(first_name: Option<Text>, last_name: Option<Text>, email: Option<Text>) -> Option<Box<Self>> {
        (first_name.is_some() || last_name.is_some() || email.is_some())
            .then(|| Box::new(Self { first_name, last_name, email }))
    }
}

/// One person, parsed and trusted.
#[derive(Clone, Debug, PartialEq)]
pub struct Employee {
    /// Unique across the roster; kept as text (leading zeros survive).
    pub id: Text,
    /// Full name (composed as `first last` when the file has first and last name columns).
    pub name: Text,
    /// First and last name and work email, when the file has any of them (boxed: people of
    /// files without them cost one pointer, not three optional fields).
    pub contact: Option<Box<Contact>>,
    /// Role; selects the plan's track (`sales`, `consultant`, ...).
    pub role: Text,
    /// Team (may be empty).
    pub team: Text,
    /// Manager (may be empty).
    pub manager: Text,
    /// ISO 4217 code of the row's money: the `currency` column, else the code its money cells
    /// are written with (`100000 USD`, `€12`); `None` means the plan's currency.
    pub currency: Option<String>,
    /// With no currency named, the symbol the row's money cells are written with when it stands
    /// for several currencies (`$`): the plan's currency must be one of them
    /// ([`Employee::currency_for`]).
    pub currency_symbol: Option<CurrencySymbol>,
    /// Annual base salary (informational; not prorated by the engine).
    pub base_salary: Option<Decimal>,
    /// Target incentive for the plan period (before proration).
    pub target_incentive: Option<Decimal>,
    /// Quota for the plan period (before proration).
    pub quota: Option<Decimal>,
    /// First day employed; `None` means employed since before any period.
    pub start_date: Option<NaiveDate>,
    /// Last day employed; `None` means still employed.
    pub end_date: Option<NaiveDate>,
    /// Metric values, indexed like [`Roster::metrics`]. `None`: this person's file has no such
    /// column. A blank cell in a metric column reads as 0.
    pub metrics: Vec<Option<Decimal>>,
    /// Where the row came from.
    pub source: SourceRef,
}

impl Employee {
    /// First name, when the file had a first-name column.
    pub fn first_name(&self) -> Option<&Text> {
        self.contact.as_ref().and_then(|c| c.first_name.as_ref())
    }

    /// Last name, when the file had a last-name column.
    pub fn last_name(&self) -> Option<&Text> {
        self.contact.as_ref().and_then(|c| c.last_name.as_ref())
    }

    /// Work email, when the file had an email column.
    pub fn email(&self) -> Option<&Text> {
        self.contact.as_ref().and_then(|c| c.email.as_ref())
    }
}

/// A currency symbol that stands for several currencies, and the column it was written in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CurrencySymbol {
    /// The symbol and the currencies it may stand for.
    pub symbol: values::AmbiguousSymbol,
    /// The column of the first cell written with it.
    pub column: Text,
}

/// A row whose money is written with a symbol that cannot stand for the plan's currency.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "the roster row writes its money with `{symbol}` (column {column}), which stands for {} but not for \
     the plan's currency {plan_currency}; write the currency code in the cells (e.g. `100000 {}`) or add a \
     `currency` column, so the amounts can be converted with the plan's fx rates",
    currencies.describe(),
    currencies.currencies.first().copied().unwrap_or("USD")
)]
pub struct CurrencyConflict {
    /// The symbol as written.
    pub symbol: &'static str,
    /// What it may stand for.
    pub currencies: values::AmbiguousSymbol,
    /// The column it was written in.
    pub column: Text,
    /// The plan's currency.
    pub plan_currency: String,
}

impl Employee {
    /// The currency of the row's money under a plan in `plan_currency`: `Some(code)` when the
    /// row names one (convert with the plan's fx), `None` when its money is in the plan's
    /// currency. An error when the row's money is written with a symbol (`$`) that cannot stand
    /// for the plan's currency and no column or cell names the currency.
    pub fn currency_for(&self, plan_currency: &str) -> Result<Option<&str>, CurrencyConflict> {
        if let Some(code) = &self.currency {
            return Ok(Some(code));
        }
        match &self.currency_symbol {
            Some(s) if !s.symbol.allows(plan_currency) => Err(CurrencyConflict {
                symbol: s.symbol.symbol,
                currencies: s.symbol,
                column: s.column.clone(),
                plan_currency: plan_currency.to_owned(),
            }),
            _ => Ok(None),
        }
    }

    /// A metric value by roster index.
    pub fn metric(&self, index: usize) -> Option<Decimal> {
        self.metrics.get(index).copied().flatten()
    }
}

/// Everyone imported, from one or more files.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Roster {
    /// Names of the metric columns (snake_case), across all files, in first-seen order.
    pub metrics: Vec<String>,
    /// The people, in file order.
    pub employees: Vec<Employee>,
    /// The files the roster came from (display names), indexed by [`SourceRef::file`].
    pub sources: Vec<String>,
    /// The files whose columns were joined onto the people (metrics files, deal lists; display
    /// names), for messages that say where a value was looked for.
    pub joined: Vec<String>,
}

impl Roster {
    /// The index of a metric column.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == name)
    }

    /// `file:line` of a row, for messages.
    pub fn location(&self, source: SourceRef) -> String {
        let file = self.sources.get(source.file as usize).map_or("?", String::as_str);
        format!("{file}:{}", source.line)
    }

    /// The distinct roles, in first-seen order.
    pub fn roles(&self) -> Vec<&str> {
        let mut roles: Vec<&str> = Vec::new();
        for e in &self.employees {
            if !roles.contains(&&*e.role) {
                roles.push(&e.role);
            }
        }
        roles
    }

    /// The distinct teams, sorted.
    pub fn teams(&self) -> Vec<&str> {
        let mut teams: Vec<&str> = self.employees.iter().map(|e| &*e.team).collect();
        teams.sort_unstable();
        teams.dedup();
        teams
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contact_details_cost_one_pointer_for_people_without_them() {
        // Three optional fields inline made every person 48 bytes larger and the CSV import of
        // 500,000 people about 10% slower (docs/performance.md); boxed, they cost 8 bytes.
        assert!(std::mem::size_of::<Employee>() <= 272, "{}", std::mem::size_of::<Employee>());
        assert_eq!(Contact::boxed(None, None, None), None);
        let c = Contact::boxed(None, None, Some("ann@example.com".into())).unwrap();
        assert_eq!(c.email.as_deref(), Some("ann@example.com"));
    }
}

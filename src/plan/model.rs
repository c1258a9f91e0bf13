//! The plan model: what a plan file says, as trusted, typed values.
//!
//! A [`Plan`] is produced by [`crate::plan::file::parse`] (which reports every structural problem
//! with its path) and checked by [`crate::plan::validate::validate`] (every semantic problem). The
//! engine only ever computes a plan with no validation errors.

use chrono::NaiveDate;
use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::assumptions::Assumptions;
use super::schedule::{Schedule, Share, Window};
use crate::money::Rounding;

/// The plan file schema this build writes. Older schemas are migrated on load; newer ones are refused.
pub const SCHEMA_VERSION: u32 = 1;

/// Exact decimals written as JSON numbers (`0.075`, `1.0`), never as floats.
pub(crate) mod num {
    use rust_decimal::Decimal;
    pub use rust_decimal::serde::arbitrary_precision::serialize;

    /// Reads a number exactly as written, whatever its size. (rust_decimal's own reader refuses
    /// integers above 2^64 when they come from a parsed JSON tree, so a plan holding one could
    /// be saved but not loaded again.)
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        super::exact_decimal(&serde::Deserialize::deserialize(deserializer)?)
    }
}
/// Optional exact decimals written as JSON numbers.
pub(crate) mod num_opt {
    use rust_decimal::Decimal;
    pub use rust_decimal::serde::arbitrary_precision_option::serialize;

    /// Like [`super::num::deserialize`]; `null` is `None`.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Decimal>, D::Error> {
        let value: Option<serde_json::Value> = serde::Deserialize::deserialize(deserializer)?;
        value.as_ref().map(super::exact_decimal).transpose()
    }
}

/// The exact decimal a JSON number (or a string holding one, as older files may have) stands
/// for. The error wording is turned into a message for people by `plan::file`.
pub(crate) fn exact_decimal<E: serde::de::Error>(value: &serde_json::Value) -> Result<Decimal, E> {
    use serde::de::Unexpected;
    use serde_json::Value;
    const EXPECTED: &str = "a number (e.g. 0.08)";
    let text = match value {
        Value::Number(n) => n.as_str(),
        Value::String(s) => s.as_str(),
        Value::Null => return Err(E::invalid_type(Unexpected::Unit, &EXPECTED)),
        Value::Bool(b) => return Err(E::invalid_type(Unexpected::Bool(*b), &EXPECTED)),
        Value::Array(_) => return Err(E::invalid_type(Unexpected::Seq, &EXPECTED)),
        Value::Object(_) => return Err(E::invalid_type(Unexpected::Map, &EXPECTED)),
    };
    match Decimal::from_str_exact(text).or_else(|_| Decimal::from_scientific(text)) {
        Ok(d) => Ok(d),
        Err(_) if value.is_string() && !looks_numeric(text) => Err(E::invalid_type(Unexpected::Str(text), &EXPECTED)),
        Err(_) => Err(E::custom(format!("{text} is too large, or has too many digits, for an exact decimal"))),
    }
}

fn looks_numeric(text: &str) -> bool {
    text.trim_start_matches(['-', '+']).starts_with(|c: char| c.is_ascii_digit() || c == '.')
}

/// An incentive plan for one period: tracks per role, each with payout components.
///
/// Read with [`crate::plan::parse`], which reports every problem with its path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Plan {
    /// File format version; see [`SCHEMA_VERSION`].
    pub schema: u32,
    /// Short name shown everywhere (need not be unique).
    pub name: String,
    /// What the plan is for, in a sentence or two.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// ISO 4217 code of every amount in the plan and in its payouts.
    pub currency: String,
    /// The period the plan pays for, both ends inclusive.
    pub period: Period,
    /// Units of plan currency per unit of another currency, for roster rows in that currency.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub fx: IndexMap<String, FxRate>,
    /// How each payout line is rounded to the currency's minor unit.
    #[serde(default, skip_serializing_if = "Rounding::is_default")]
    pub rounding: Rounding,
    /// Derived metrics: name → expression over roster columns and earlier derived metrics.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub metrics: IndexMap<String, String>,
    /// Roster columns that hold money besides those Carrot can tell are (see
    /// [`crate::plan::money`]): converted with `fx` for a row in another currency.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub money_columns: Vec<String>,
    /// One track per role (`sales`, `consultant`, ...), in display order.
    pub tracks: IndexMap<String, Track>,
    /// Plan-level cap on each person's total variable pay (a track may set its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Limit>,
    /// Plan-level guarantee: each person's minimum total variable pay (a track may set its own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<Limit>,
    /// The behaviour model's assumptions (responsiveness, activities, runway); every field has a
    /// documented default. See [`Assumptions`] and `docs/behaviour.md`.
    #[serde(default, skip_serializing_if = "Assumptions::is_default")]
    pub assumptions: Assumptions,
    /// The plan year's pay periods and the rules spanning them (`None`: one period, as always).
    /// See [`Schedule`] and `docs/plan-format.md` ("Plan years").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

impl Plan {
    /// The track that pays people of `role`, with its key: see [`role_matches`].
    pub fn track_for(&self, role: &str) -> Option<(&str, &Track)> {
        self.tracks
            .get_key_value(role)
            .or_else(|| self.tracks.iter().find(|(key, _)| role_matches(key, role)))
            .map(|(key, track)| (key.as_str(), track))
    }
}

/// Whether the track keyed `key` pays people of the roster's `role`: the same text, or the same
/// ignoring case (rosters' roles are read lowercased, so a track `AE` pays the role `ae`). The
/// engine's compiled plan matches roles the same way.
pub fn role_matches(key: &str, role: &str) -> bool {
    key == role || key.to_lowercase() == role.to_lowercase()
}

/// An exchange rate: units of plan currency per unit of the other currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FxRate(#[serde(with = "num")] pub Decimal);

/// The period a plan covers, both dates inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day of the period.
    pub start: NaiveDate,
    /// Last day of the period (inclusive).
    pub end: NaiveDate,
}

impl Period {
    /// Number of days in the period, counting both ends (0 if `end < start`).
    pub fn days(&self) -> i64 {
        ((self.end - self.start).num_days() + 1).max(0)
    }
}

/// The components paid to one role.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Track {
    /// Payout components, each yielding one line (multipliers scale other lines).
    pub components: Vec<Component>,
    /// Cap on total variable pay for this track; replaces the plan-level cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Limit>,
    /// Guarantee for this track; replaces the plan-level guarantee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guarantee: Option<Limit>,
}

/// A cap or guarantee on total variable pay: a multiple of prorated target incentive, or an
/// amount (prorated like the target incentive).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limit {
    /// The limit as a multiple of prorated target incentive (`2` = 2 × TI').
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub multiple_of_ti: Option<Decimal>,
    /// The limit as an amount in plan currency, prorated by the share of the period employed.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub amount: Option<Decimal>,
    /// Earning code of the adjustment line in payroll exports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earning_code: Option<String>,
    /// Earning codes per payroll template, overriding `earning_code`.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub earning_codes: IndexMap<String, String>,
}

/// A payout component. Each kind except [`Component::Multiplier`] yields one payout line.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Component {
    /// A rate on a money metric, in tiers.
    Commission(Commission),
    /// A share of target incentive (or an amount) times a curve of attainment.
    Bonus(Bonus),
    /// A fixed amount per unit of a count metric.
    PerUnit(PerUnit),
    /// Scales other lines by a factor chosen by steps on a metric.
    Multiplier(Multiplier),
}

/// The kind of a component, as written in plan files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    /// See [`Commission`].
    Commission,
    /// See [`Bonus`].
    Bonus,
    /// See [`PerUnit`].
    PerUnit,
    /// See [`Multiplier`].
    Multiplier,
}

impl ComponentKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [Self::Commission, Self::Bonus, Self::PerUnit, Self::Multiplier];

    /// The `kind` value in plan files.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commission => "commission",
            Self::Bonus => "bonus",
            Self::PerUnit => "per_unit",
            Self::Multiplier => "multiplier",
        }
    }

    /// Parses a `kind` value.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl Component {
    /// The component's kind.
    pub fn kind(&self) -> ComponentKind {
        match self {
            Self::Commission(_) => ComponentKind::Commission,
            Self::Bonus(_) => ComponentKind::Bonus,
            Self::PerUnit(_) => ComponentKind::PerUnit,
            Self::Multiplier(_) => ComponentKind::Multiplier,
        }
    }

    /// The component's id, unique within its track.
    pub fn id(&self) -> &str {
        match self {
            Self::Commission(c) => &c.id,
            Self::Bonus(c) => &c.id,
            Self::PerUnit(c) => &c.id,
            Self::Multiplier(c) => &c.id,
        }
    }

    /// Mutable id, for renaming in the editor.
    pub fn id_mut(&mut self) -> &mut String {
        match self {
            Self::Commission(c) => &mut c.id,
            Self::Bonus(c) => &mut c.id,
            Self::PerUnit(c) => &mut c.id,
            Self::Multiplier(c) => &mut c.id,
        }
    }

    /// The label shown to people: `label` if set, else the id.
    pub fn label(&self) -> &str {
        let label = match self {
            Self::Commission(c) => &c.label,
            Self::Bonus(c) => &c.label,
            Self::PerUnit(c) => &c.label,
            Self::Multiplier(c) => &c.label,
        };
        if label.is_empty() { self.id() } else { label }
    }

    /// The metric the component reads.
    pub fn metric(&self) -> &str {
        match self {
            Self::Commission(c) => &c.metric,
            Self::Bonus(c) => &c.metric,
            Self::PerUnit(c) => &c.metric,
            Self::Multiplier(c) => &c.metric,
        }
    }

    /// The accumulation window of a line (a multiplier reads the window of the line it scales).
    pub fn window(&self) -> Window {
        match self {
            Self::Commission(c) => c.window,
            Self::Bonus(c) => c.window,
            Self::PerUnit(c) => c.window,
            Self::Multiplier(_) => Window::Period,
        }
    }

    /// The instalment shares of a line (empty: paid at once).
    pub fn instalments(&self) -> &[Share] {
        match self {
            Self::Commission(c) => &c.instalments,
            Self::Bonus(c) => &c.instalments,
            Self::PerUnit(c) => &c.instalments,
            Self::Multiplier(_) => &[],
        }
    }

    /// The payroll codes of a component that yields a line (`None` for a multiplier).
    pub fn codes(&self) -> Option<EarningCodes<'_>> {
        match self {
            Self::Commission(c) => {
                Some(EarningCodes { default: c.earning_code.as_deref(), per_template: &c.earning_codes })
            }
            Self::Bonus(c) => Some(EarningCodes { default: c.earning_code.as_deref(), per_template: &c.earning_codes }),
            Self::PerUnit(c) => {
                Some(EarningCodes { default: c.earning_code.as_deref(), per_template: &c.earning_codes })
            }
            Self::Multiplier(_) => None,
        }
    }
}

impl Limit {
    /// The payroll codes of this limit's adjustment line.
    pub fn codes(&self) -> EarningCodes<'_> {
        EarningCodes { default: self.earning_code.as_deref(), per_template: &self.earning_codes }
    }
}

/// The earning codes of one payout line: a default and overrides per payroll template.
#[derive(Clone, Copy, Debug)]
pub struct EarningCodes<'a> {
    /// `earning_code`: used by any template without its own entry.
    pub default: Option<&'a str>,
    /// `earning_codes`: template name → code.
    pub per_template: &'a IndexMap<String, String>,
}

impl<'a> EarningCodes<'a> {
    /// The code for a payroll template: its own entry, else the default.
    pub fn for_template(self, template: &str) -> Option<&'a str> {
        self.per_template.get(template).map(String::as_str).or(self.default)
    }
}

/// How commission tiers are applied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Each tier's rate applies to the part of the metric inside that tier.
    #[default]
    Graduated,
    /// The rate of the highest tier reached applies to the whole metric.
    Retroactive,
}

impl Method {
    /// Whether this is the default (so plan files can leave it out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// What commission tiers and threshold are measured in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Attainment: metric ÷ prorated quota (`1.0` = 100%).
    #[default]
    Attainment,
    /// Money: the metric itself, in plan currency.
    Amount,
}

impl Basis {
    /// Whether this is the default (so plan files can leave it out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// One commission tier: from this point (attainment or money) upwards, this rate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Lower edge of the tier (inclusive: a value on the edge belongs to this tier).
    #[serde(with = "num")]
    pub from: Decimal,
    /// Rate as a fraction (`0.08` = 8%).
    #[serde(with = "num")]
    pub rate: Decimal,
}

/// Commission on a money metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commission {
    /// Unique within the track; names the payout line.
    pub id: String,
    /// Shown to people; defaults to the id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Payroll earning code (any template without its own entry in `earning_codes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earning_code: Option<String>,
    /// Payroll earning code per template name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub earning_codes: IndexMap<String, String>,
    /// The money metric commissioned (default `revenue`).
    #[serde(default = "default_revenue")]
    pub metric: String,
    /// Tiers in attainment (default) or in money.
    #[serde(default, skip_serializing_if = "Basis::is_default")]
    pub basis: Basis,
    /// Graduated (default) or retroactive.
    #[serde(default, skip_serializing_if = "Method::is_default")]
    pub method: Method,
    /// Tiers, ascending; the first starts at 0.
    pub tiers: Vec<Tier>,
    /// Below this (in the tiers' basis) the line pays 0.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub threshold: Option<Decimal>,
    /// The line's maximum, in plan currency, applied after multipliers.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub cap: Option<Decimal>,
    /// What the line measures: its pay period (default) or the year to date (plan years only).
    #[serde(default, skip_serializing_if = "Window::is_default")]
    pub window: Window,
    /// Shares of each period's amount paid in that period and the following ones (plan years
    /// only; empty: all at once).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instalments: Vec<Share>,
}

fn default_revenue() -> String {
    "revenue".to_owned()
}

/// What a bonus curve's x-axis divides the metric by.
#[derive(Clone, Debug, PartialEq)]
pub enum Target {
    /// The prorated quota (x is attainment).
    Quota,
    /// A fixed number.
    Value(Decimal),
    /// A roster column (or derived metric), per person.
    Column(String),
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Quota => serializer.serialize_str("quota"),
            Self::Value(v) => num::serialize(v, serializer),
            Self::Column(c) => serializer.serialize_str(c),
        }
    }
}

impl<'de> Deserialize<'de> for Target {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        match value {
            serde_json::Value::String(s) if s == "quota" => Ok(Self::Quota),
            serde_json::Value::String(s) => Ok(Self::Column(s)),
            serde_json::Value::Number(_) => exact_decimal(&value).map(Self::Value),
            other => Err(serde::de::Error::custom(format!(
                "target must be \"quota\", a number or a column name, not {other}"
            ))),
        }
    }
}

/// What a bonus pays at a curve value of 1.0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BonusBase {
    /// A share of prorated target incentive (`0.25` = 25% of TI').
    TiShare(#[serde(with = "num")] Decimal),
    /// A fixed amount in plan currency.
    Amount(#[serde(with = "num")] Decimal),
}

/// A point of a bonus curve: at metric ÷ target = x, pay base × y.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurvePoint {
    /// Metric ÷ target.
    #[serde(with = "num")]
    pub x: Decimal,
    /// Multiple of the base paid at x.
    #[serde(with = "num")]
    pub y: Decimal,
}

/// A bonus: base × curve(metric ÷ target).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bonus {
    /// Unique within the track; names the payout line.
    pub id: String,
    /// Shown to people; defaults to the id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Payroll earning code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earning_code: Option<String>,
    /// Payroll earning code per template name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub earning_codes: IndexMap<String, String>,
    /// The metric measured.
    pub metric: String,
    /// What the metric is divided by: `"quota"`, a number, or a column name.
    pub target: Target,
    /// What a curve value of 1.0 pays.
    pub base: BonusBase,
    /// Points ascending in x: 0 below the first, linear between, flat after the last.
    pub curve: Vec<CurvePoint>,
    /// The line's maximum, in plan currency, applied after multipliers.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub cap: Option<Decimal>,
    /// What the line measures: its pay period (default) or the year to date (plan years only).
    #[serde(default, skip_serializing_if = "Window::is_default")]
    pub window: Window,
    /// Shares of each period's amount paid in that period and the following ones (plan years
    /// only; empty: all at once).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instalments: Vec<Share>,
}

/// A fixed amount per unit of a count metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerUnit {
    /// Unique within the track; names the payout line.
    pub id: String,
    /// Shown to people; defaults to the id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// Payroll earning code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earning_code: Option<String>,
    /// Payroll earning code per template name.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub earning_codes: IndexMap<String, String>,
    /// The count metric (`discovery_interviews`, ...).
    pub metric: String,
    /// Paid per unit, in plan currency.
    #[serde(with = "num")]
    pub amount: Decimal,
    /// Below this many units the line pays 0.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub min_units: Option<Decimal>,
    /// Units above this are not paid.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub max_units: Option<Decimal>,
    /// The line's maximum, in plan currency, applied after multipliers.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub cap: Option<Decimal>,
    /// What the line measures: its pay period (default) or the year to date (plan years only).
    #[serde(default, skip_serializing_if = "Window::is_default")]
    pub window: Window,
    /// Shares of each period's amount paid in that period and the following ones (plan years
    /// only; empty: all at once).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instalments: Vec<Share>,
}

/// A step of a multiplier: from this metric value upwards, this factor.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Lower edge (inclusive).
    #[serde(with = "num")]
    pub from: Decimal,
    /// Factor applied to the named lines (`0` is a gate).
    #[serde(with = "num")]
    pub factor: Decimal,
}

/// Multiplies the named lines of its track by a factor chosen by step on a metric.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Multiplier {
    /// Unique within the track.
    pub id: String,
    /// Shown to people; defaults to the id.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub label: String,
    /// The metric that picks the step.
    pub metric: String,
    /// Ids of the lines (in this track) it multiplies.
    pub applies_to: Vec<String>,
    /// Steps ascending in `from`; the largest `from` ≤ value applies (×1 below the first).
    pub steps: Vec<Step>,
}

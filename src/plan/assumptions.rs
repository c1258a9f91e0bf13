//! The behaviour model's assumptions, stored in a plan file under `assumptions`: the plan owns
//! them as data (serde types, defaults, the constants validation needs); the simulation reads them.
//!
//! Every field is optional: what a file leaves out takes the documented default, and what it
//! writes is kept exactly as written (so load → save gives an identical file). Numbers are exact
//! JSON numbers like the rest of the plan; the simulation turns them into `f64`.
//!
//! Which plan's assumptions are used (see `docs/behaviour.md`):
//! * the **people** (`responsiveness`, `min_flexible_hours`, `roles`) come from the *baseline*
//!   plan: they describe how the roster's people work today and are calibrated once;
//! * the **payback** (`runway`) comes from each simulated plan itself: it states how the
//!   activities that plan pays for turn into revenue later.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{num, num_opt};

/// Responsiveness ε of a role with no entry in [`Assumptions::responsiveness`].
pub const DEFAULT_RESPONSIVENESS: f64 = 0.3;
/// Risk aversion γ of a role not listed in `assumptions.risk_aversion`: risk neutral.
pub const DEFAULT_RISK_AVERSION: f64 = 0.0;
/// The largest responsiveness ε a plan or `carrot simulate --responsiveness` may set.
pub const MAX_RESPONSIVENESS: u8 = 100;
/// A responsiveness ε above this is flagged as very responsive (a warning, not an error).
pub const VERY_RESPONSIVE: u8 = 3;
/// The largest risk aversion γ a plan or `carrot simulate --risk-aversion` may set.
pub const MAX_RISK_AVERSION: u8 = 20;
/// A risk aversion γ above this is flagged as very risk averse (a warning, not an error).
pub const VERY_RISK_AVERSE: u8 = 5;
/// Default of [`Assumptions::min_flexible_hours`].
pub const DEFAULT_MIN_FLEXIBLE_HOURS: f64 = 2.0;
/// Default of [`Assumptions::other_flexibility`]: time outside the recorded activities gives up
/// hours a quarter as easily as it takes them.
pub const DEFAULT_OTHER_FLEXIBILITY: f64 = 0.25;
/// Default of [`RoleModel::capacity_column`].
pub const DEFAULT_CAPACITY_COLUMN: &str = "capacity_hours";
/// Default of [`RoleModel::default_capacity`]: a quarter of full-time work (12 weeks × 40 hours).
pub const DEFAULT_CAPACITY_HOURS: f64 = 480.0;
/// Default of [`Activity::default_noise`].
pub const DEFAULT_NOISE: f64 = 0.25;
/// Default of [`Conversion::churn`]: a converted customer's revenue is lost at 4% a quarter
/// (about 15% a year; business software commonly loses 10–20% of its revenue a year).
pub const DEFAULT_CHURN: f64 = 0.04;
/// Default of [`Conversion::pool_quarters`]: the prospects a conversion draws on would all be
/// converted in 20 quarters (five years) at the baseline plan's pace.
pub const DEFAULT_POOL_QUARTERS: f64 = 20.0;
/// Default of [`Productivity::max_uplift`]: extra activity can make a role at most 10% more
/// productive.
pub const DEFAULT_MAX_UPLIFT: f64 = 0.1;
/// Default of [`Productivity::decay`]: a tenth of a productivity effect fades each quarter (the
/// product and the practices move on).
pub const DEFAULT_DECAY: f64 = 0.1;
/// The name of the activity that holds the rest of each person's time.
pub const OTHER_ACTIVITY: &str = "other";

/// An exact number written as a JSON number (`0.3`, `480`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Number(#[serde(with = "num")] pub Decimal);

impl Number {
    /// The value as `f64` (0 if it cannot be represented).
    pub fn f64(self) -> f64 {
        dec_f64(self.0)
    }
}

/// A decimal as `f64` (0 if it cannot be represented).
pub(crate) fn dec_f64(d: Decimal) -> f64 {
    use rust_decimal::prelude::ToPrimitive as _;
    d.to_f64().unwrap_or(0.0)
}

/// The behaviour model's dials and descriptions (`assumptions` in a plan file).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumptions {
    /// Responsiveness ε per role (the roster's `role`, matched ignoring case): how far people
    /// move their time when pay per hour changes. A rise in an activity's pay per hour worth 10%
    /// of the person's average variable pay per hour raises its hours by about ε × 10% (a little
    /// less, as the time comes from the other activities). 0 = nobody changes anything; roles
    /// not listed use 0.3. Read from the baseline plan.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub responsiveness: IndexMap<String, Number>,
    /// Risk aversion γ per role (matched ignoring case): people choose hours on the certainty
    /// equivalent of their pay rather than its mean (CARA utility, so about mean − (γ/2) ×
    /// variance ÷ their typical variable pay: Holmström–Milgrom's mean–variance agent). γ = 1
    /// costs someone whose pay varies by ±20% about 2% of their pay. 0 (the default) is risk
    /// neutral. Read from the baseline plan.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub risk_aversion: IndexMap<String, Number>,
    /// Hours per period below which an activity's history is treated as this many hours when
    /// setting how flexible it is, so an activity nobody does today can still attract time.
    /// Default 2 hours. Read from the baseline plan.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub min_flexible_hours: Option<Decimal>,
    /// How easily the time outside the recorded activities (`other`: meetings, admin,
    /// training, slack) gives up hours, as a share of the flexibility it has when it grows:
    /// slack grows as easily as any activity, but most of the rest is not the person's to cut.
    /// 0 = never below history; 1 = symmetric. Default 0.25. Read from the baseline plan.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub other_flexibility: Option<Decimal>,
    /// Activity models per role, replacing the built-in model of that role (see
    /// [`RoleModel::builtin`]: `sales` and `consultant`, matching the bundled rosters' columns).
    /// Read from the baseline plan.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub roles: IndexMap<String, RoleModel>,
    /// How extra activity pays back over the following quarters; absent means
    /// [`Runway::builtin`]. Read from each simulated plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runway: Option<Runway>,
}

impl Assumptions {
    /// Whether nothing is set (so plan files can leave the section out).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// ε for a role (matched ignoring case), or [`DEFAULT_RESPONSIVENESS`].
    pub fn responsiveness_for(&self, role: &str) -> f64 {
        self.responsiveness
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(role))
            .map_or(DEFAULT_RESPONSIVENESS, |(_, v)| v.f64())
    }

    /// γ for a role (matched ignoring case), or [`DEFAULT_RISK_AVERSION`].
    pub fn risk_aversion_for(&self, role: &str) -> f64 {
        self.risk_aversion
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(role))
            .map_or(DEFAULT_RISK_AVERSION, |(_, v)| v.f64())
    }

    /// [`Assumptions::min_flexible_hours`] or its default.
    pub fn min_flexible_hours(&self) -> f64 {
        self.min_flexible_hours.map_or(DEFAULT_MIN_FLEXIBLE_HOURS, dec_f64)
    }

    /// [`Assumptions::other_flexibility`] or its default.
    pub fn other_flexibility(&self) -> f64 {
        self.other_flexibility.map_or(DEFAULT_OTHER_FLEXIBILITY, dec_f64)
    }

    /// The activity model of a role: the plan's own, else the built-in one, else `None` (the
    /// role's people are then paid on their history without any behaviour change).
    pub fn role_model(&self, role: &str) -> Option<RoleModel> {
        self.roles
            .iter()
            .find(|(r, _)| r.eq_ignore_ascii_case(role))
            .map(|(_, m)| m.clone())
            .or_else(|| RoleModel::builtin(role))
    }

    /// The runway: the plan's own, else [`Runway::builtin`].
    pub fn runway(&self) -> Runway {
        self.runway.clone().unwrap_or_else(Runway::builtin)
    }
}

/// How one role spends its time: capacity and activities. The time not recorded against any
/// activity is the activity `other` (paid nothing, kept by habit and other duties).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleModel {
    /// Roster column with each person's working hours in the period. Default `capacity_hours`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity_column: Option<String>,
    /// Hours in the period for people whose capacity column is missing, blank or 0.
    /// Default 480 (a quarter of full-time work).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub default_capacity: Option<Decimal>,
    /// The activities, in display order.
    pub activities: Vec<Activity>,
}

impl RoleModel {
    /// [`RoleModel::capacity_column`] or its default.
    pub fn capacity_column(&self) -> &str {
        self.capacity_column.as_deref().unwrap_or(DEFAULT_CAPACITY_COLUMN)
    }

    /// [`RoleModel::default_capacity`] or its default.
    pub fn default_capacity(&self) -> f64 {
        self.default_capacity.map_or(DEFAULT_CAPACITY_HOURS, dec_f64)
    }

    /// The built-in model of `sales` and `consultant` (matched ignoring case), matching the
    /// columns of the bundled rosters and `carrot gen-roster`:
    ///
    /// | role | activity | hours column | default share | outputs (default per hour) | noise history | default noise |
    /// |---|---|---|---|---|---|---|
    /// | sales | selling | selling_hours | 0.6 | revenue (500), deals_closed (0.03) | revenue, revenue_prev_1..3 | 0.2 |
    /// | sales | discovery | discovery_hours | 0.03 | discovery_interviews (0.6), survey_responses (1.8), value_weighted_conversations (1.2) | | 0.3 |
    /// | sales | early_access | early_access_hours | 0.015 | early_access_signups (0.3), core_user_relationships (0.12), champions_references (0.05) | | 0.4 |
    /// | sales | insight | insight_hours | 0.008 | roadmap_insights (0.18) | | 0.5 |
    /// | consultant | billable | billable_hours | 0.72 | revenue (180) | billable_hours, billable_hours_prev_1..3 | 0.1 |
    /// | consultant | internal | internal_hours | 0.06 | internal_contributions (0.11) | | 0.3 |
    /// | consultant | discovery | discovery_hours | 0.012 | discovery_interviews (0.5) | | 0.3 |
    /// | consultant | insight | insight_hours | 0.006 | roadmap_insights (0.15) | | 0.5 |
    ///
    /// Capacity: `capacity_hours`, default 480 hours.
    pub fn builtin(role: &str) -> Option<Self> {
        let role = role.to_ascii_lowercase();
        let activities = match role.as_str() {
            "sales" => vec![
                Activity::new("selling", "selling_hours", "0.6", &[("revenue", "500"), ("deals_closed", "0.03")])
                    .with_noise(&["revenue", "revenue_prev_1", "revenue_prev_2", "revenue_prev_3"], "0.2"),
                Activity::new(
                    "discovery",
                    "discovery_hours",
                    "0.03",
                    &[
                        ("discovery_interviews", "0.6"),
                        ("survey_responses", "1.8"),
                        ("value_weighted_conversations", "1.2"),
                    ],
                )
                .with_noise(&[], "0.3"),
                Activity::new(
                    "early_access",
                    "early_access_hours",
                    "0.015",
                    &[
                        ("early_access_signups", "0.3"),
                        ("core_user_relationships", "0.12"),
                        ("champions_references", "0.05"),
                    ],
                )
                .with_noise(&[], "0.4"),
                Activity::new("insight", "insight_hours", "0.008", &[("roadmap_insights", "0.18")])
                    .with_noise(&[], "0.5"),
            ],
            "consultant" => vec![
                Activity::new("billable", "billable_hours", "0.72", &[("revenue", "180")]).with_noise(
                    &["billable_hours", "billable_hours_prev_1", "billable_hours_prev_2", "billable_hours_prev_3"],
                    "0.1",
                ),
                Activity::new("internal", "internal_hours", "0.06", &[("internal_contributions", "0.11")])
                    .with_noise(&[], "0.3"),
                Activity::new("discovery", "discovery_hours", "0.012", &[("discovery_interviews", "0.5")])
                    .with_noise(&[], "0.3"),
                Activity::new("insight", "insight_hours", "0.006", &[("roadmap_insights", "0.15")])
                    .with_noise(&[], "0.5"),
            ],
            _ => return None,
        };
        Some(Self { capacity_column: None, default_capacity: None, activities })
    }
}

/// One activity: where its history hours are, what it produces, and how uncertain that is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Activity {
    /// A short name (`selling`, `discovery`); `other` is reserved for the rest of the time.
    pub name: String,
    /// Roster column with each person's hours on it in the period (history). Without one, or
    /// for people whose file lacks it, hours are `default_share` × capacity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    /// Share of capacity assumed when the hours column is missing (0..1). Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub default_share: Option<Decimal>,
    /// What an hour of it produces. A person's own productivity is their output ÷ hours in
    /// the roster; without usable history it is the role's average in the roster, else
    /// `default_per_hour`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<Output>,
    /// Columns holding the same quantity in several periods (this one and earlier ones, e.g.
    /// `revenue`, `revenue_prev_1`, ...). The spread of their logarithms is the person's noise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub noise_history: Vec<String>,
    /// The spread (standard deviation of the logarithm, ≈ relative spread) of this activity's
    /// results when a person has too little history. Default 0.25.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub default_noise: Option<Decimal>,
}

impl Activity {
    fn new(name: &str, hours: &str, share: &str, outputs: &[(&str, &str)]) -> Self {
        Self {
            name: name.to_owned(),
            hours: Some(hours.to_owned()),
            default_share: Some(dec(share)),
            outputs: outputs
                .iter()
                .map(|(metric, per_hour)| Output { metric: (*metric).to_owned(), default_per_hour: dec(per_hour) })
                .collect(),
            noise_history: Vec::new(),
            default_noise: None,
        }
    }

    fn with_noise(mut self, history: &[&str], noise: &str) -> Self {
        self.noise_history = history.iter().map(|c| (*c).to_owned()).collect();
        self.default_noise = Some(dec(noise));
        self
    }

    /// [`Activity::default_share`] or 0.
    pub fn default_share(&self) -> f64 {
        self.default_share.map_or(0.0, dec_f64)
    }

    /// [`Activity::default_noise`] or [`DEFAULT_NOISE`].
    pub fn default_noise(&self) -> f64 {
        self.default_noise.map_or(DEFAULT_NOISE, dec_f64)
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap_or_default()
}

/// One output of an activity: a roster metric the plan may pay on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Output {
    /// The roster metric (`revenue`, `discovery_interviews`, ...).
    pub metric: String,
    /// Output per hour when neither the person nor the role has usable history.
    #[serde(with = "num")]
    pub default_per_hour: Decimal,
}

/// How activity pays back in later quarters ("it requires a runway"). Conversions count every
/// unit made under the plan (the baseline's own flow included): each converts after a lag,
/// from a limited pool of prospects, and converted revenue churns. Productivity effects count
/// the *change* from the baseline plan's volumes (today's flow of insights keeps today's
/// productivity), build up, fade and level off.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Runway {
    /// Outputs that turn into recurring revenue after a lag (early-access signups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conversions: Vec<Conversion>,
    /// Outputs that raise a role's productivity after a lag (roadmap insights, internal work).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub productivity: Vec<Productivity>,
    /// Discount rate per quarter for the runway's present values (0.025 ≈ 10% a year). Default
    /// 0: the totals over the runway are plain sums. Read from the baseline plan, so every
    /// plan is discounted alike.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub discount_rate: Option<Decimal>,
}

impl Runway {
    /// The defaults when a plan has no `runway`:
    /// * `early_access_signups` convert at rate 0.2, 2 quarters later, each conversion then
    ///   bringing 2,500 of revenue per quarter (plan currency), losing 4% of it a quarter, from
    ///   a pool of prospects that today's pace would use up in 20 quarters;
    /// * each extra `roadmap_insights` per sales person per quarter raises sales revenue per
    ///   selling hour by 1%, from 3 quarters later on, fading by 10% a quarter, at most 10%;
    /// * each extra `internal_hours` per consultant per quarter raises consultants' revenue per
    ///   billable hour by 0.05% (20 hours: 1%), from 1 quarter later on, fading by 5% a
    ///   quarter, at most 10%;
    /// * no discounting.
    pub fn builtin() -> Self {
        Self {
            conversions: vec![Conversion {
                metric: "early_access_signups".to_owned(),
                rate: dec("0.2"),
                lag_quarters: 2,
                revenue_per_quarter: dec("2500"),
                churn: Some(dec("0.04")),
                pool_quarters: Some(dec("20")),
            }],
            productivity: vec![
                Productivity {
                    metric: "roadmap_insights".to_owned(),
                    role: "sales".to_owned(),
                    applies_to: None,
                    uplift: dec("0.01"),
                    lag_quarters: 3,
                    max_uplift: Some(dec("0.1")),
                    decay: Some(dec("0.1")),
                },
                Productivity {
                    metric: "internal_hours".to_owned(),
                    role: "consultant".to_owned(),
                    applies_to: None,
                    uplift: dec("0.0005"),
                    lag_quarters: 1,
                    max_uplift: Some(dec("0.1")),
                    decay: Some(dec("0.05")),
                },
            ],
            discount_rate: None,
        }
    }

    /// [`Runway::discount_rate`] or 0.
    pub fn discount_rate(&self) -> f64 {
        self.discount_rate.map_or(0.0, dec_f64)
    }
}

/// Units of an output that become customers, each bringing revenue every quarter until it
/// churns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conversion {
    /// The output that converts (`early_access_signups`).
    pub metric: String,
    /// Share of units that become paying customers, 0..1.
    #[serde(with = "num")]
    pub rate: Decimal,
    /// Quarters from the unit to the first revenue (0 = the same quarter).
    pub lag_quarters: i64,
    /// Revenue per converted unit per quarter, recurring, in plan currency.
    #[serde(with = "num")]
    pub revenue_per_quarter: Decimal,
    /// Share of converted revenue lost each quarter (0..1). Default 0.04.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub churn: Option<Decimal>,
    /// The pool of prospects, in quarters of the baseline plan's conversions: conversions slow
    /// down as it empties (each quarter converts `rate` × units × the share of the pool left).
    /// Default 20.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub pool_quarters: Option<Decimal>,
}

impl Conversion {
    /// [`Conversion::churn`] or its default.
    pub fn churn(&self) -> f64 {
        self.churn.map_or(DEFAULT_CHURN, dec_f64)
    }

    /// [`Conversion::pool_quarters`] or its default.
    pub fn pool_quarters(&self) -> f64 {
        self.pool_quarters.map_or(DEFAULT_POOL_QUARTERS, dec_f64)
    }
}

/// Extra units of an output that make a role more productive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Productivity {
    /// The output that helps (`roadmap_insights`, `internal_hours`), counted over everyone.
    pub metric: String,
    /// The role that becomes more productive.
    pub role: String,
    /// The output whose amount per hour rises. Default `revenue`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<String>,
    /// Rise in productivity per extra unit per person of the role per quarter (0.01 = 1%),
    /// cumulative over the quarters.
    #[serde(with = "num")]
    pub uplift: Decimal,
    /// Quarters from the unit to its effect (0 = the same quarter).
    pub lag_quarters: i64,
    /// The largest rise (or fall) in productivity the effect can reach (0..1). Default 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub max_uplift: Option<Decimal>,
    /// Share of the accumulated effect that fades each quarter (0..1). Default 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "num_opt")]
    pub decay: Option<Decimal>,
}

impl Productivity {
    /// [`Productivity::applies_to`] or `revenue`.
    pub fn applies_to(&self) -> &str {
        self.applies_to.as_deref().unwrap_or("revenue")
    }

    /// [`Productivity::max_uplift`] or its default.
    pub fn max_uplift(&self) -> f64 {
        self.max_uplift.map_or(DEFAULT_MAX_UPLIFT, dec_f64)
    }

    /// [`Productivity::decay`] or its default.
    pub fn decay(&self) -> f64 {
        self.decay.map_or(DEFAULT_DECAY, dec_f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_lookups() {
        let mut a = Assumptions::default();
        assert!(a.is_default());
        assert_eq!(a.responsiveness_for("sales"), DEFAULT_RESPONSIVENESS);
        a.responsiveness.insert("Sales".to_owned(), Number(dec("0.5")));
        assert_eq!(a.responsiveness_for("sales"), 0.5);
        assert_eq!(a.min_flexible_hours(), DEFAULT_MIN_FLEXIBLE_HOURS);
        assert_eq!(a.runway(), Runway::builtin());
        assert!(!a.is_default());
    }
}

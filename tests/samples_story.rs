//! The samples tell the essays' story: every scheme the essays name is in the product-led sample
//! plan and in the bundled sales roster, and pays as the essay says it should. Each test names its
//! source in `../shared/seeds/` (the essays Carrot grew from).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use carrot::engine::{self, Detail, EmployeePayout, PayoutReport};
use carrot::plan::{self, Component, Plan};
use carrot::roster::{self, ImportOptions};
use rust_decimal::Decimal;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn product_led() -> Plan {
    plan::load(format!("{ROOT}/sample_plans/product_led.json").as_ref()).unwrap()
}

fn sales_roster_text() -> String {
    std::fs::read_to_string(format!("{ROOT}/assets/sales_roster.csv")).unwrap()
}

fn pay(plan: &Plan, csv: &str) -> PayoutReport {
    let report = roster::import_reader("roster.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
    let paid = engine::compute(plan, &report.roster, Detail::AmountsOnly).unwrap();
    assert!(paid.errors.is_empty(), "{:?}", paid.errors);
    paid
}

fn line(p: &EmployeePayout, id: &str) -> Decimal {
    p.lines.iter().filter(|l| &*l.component() == id).map(|l| l.amount).sum()
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The bundled sales roster with one person's cells replaced (by column name).
fn with_cells(row_id: &str, cells: &[(&str, &str)]) -> String {
    let text = sales_roster_text();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row = lines.find(|l| l.starts_with(&format!("{row_id},"))).unwrap();
    let mut values: Vec<String> = row.split(',').map(str::to_owned).collect();
    for (column, value) in cells {
        let at = header.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}"));
        values[at] = (*value).to_owned();
    }
    format!("{}\n{}\n", header.join(","), values.join(","))
}

/// What the revenue commission pays per closed deal across the bundled sales roster.
fn average_closed_deal(plan: &Plan) -> Decimal {
    let paid = pay(plan, &sales_roster_text());
    let commission: Decimal = paid.employees.iter().map(|p| line(p, "revenue_commission")).sum();
    let text = sales_roster_text();
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "deals_closed").unwrap();
    let deals: u64 = rows.map(|r| r.split(',').nth(at).unwrap().parse::<u64>().unwrap()).sum();
    commission / Decimal::from(deals)
}

/// A typical person: full quarter, no early-access signups, surveys or insights of their own
/// (the pay differences below are then each scheme's alone).
const TYPICAL: &str = "001005";

fn typical_with(cells: &[(&str, &str)]) -> Decimal {
    let mut all = vec![("early_access_signups", "0"), ("survey_responses", "0"), ("roadmap_insights", "0")];
    all.extend_from_slice(cells);
    pay(&product_led(), &with_cells(TYPICAL, &all)).employees[0].total
}

#[test]
fn seed_003_zero_deals_and_five_core_user_contacts_is_celebrated() {
    // seed 003: "I closed zero deals but I manage the relationship with five contacts who the
    // product team consider core users ... It should be celebrated."
    let text = sales_roster_text();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let person = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|r| r[col("deals_closed")] == "0" && r[col("core_user_relationships")] == "5")
        .expect("the sample sales roster has a person with zero deals and five core-user contacts");
    let id = person[col("employee_id")];
    assert_eq!(person[col("revenue")], "0.00", "zero deals, no revenue");
    let paid = pay(&product_led(), &text);
    let p = paid.employees.iter().find(|p| &*p.employee_id == id).unwrap();
    let ti = d(person[col("target_incentive")]) * p.proration;
    assert!(p.total >= ti / Decimal::TWO, "{} pays {} of target incentive {ti}", &*p.name, p.total);
    assert!(line(p, "core_user_relationships") >= ti / Decimal::TWO, "the relationships alone pay half of target");
    // Under the sales-led plan the same quarter pays nothing: that is the plan the essay argues against.
    let sales_led = plan::load(format!("{ROOT}/sample_plans/sales_led.json").as_ref()).unwrap();
    let today = pay(&sales_led, &text);
    let q = today.employees.iter().find(|p| &*p.employee_id == id).unwrap();
    assert_eq!(q.total, Decimal::ZERO);
}

#[test]
fn seed_003_conversations_are_weighted_by_the_value_the_customer_brings() {
    // seed 003: "judged based on the number of conversations they have with relevant potential
    // clients, and value that customer brings to the discussion."
    let plan = product_led();
    let on_it = plan.tracks["sales"]
        .components
        .iter()
        .any(|c| matches!(c, Component::Bonus(b) if b.metric == "value_weighted_conversations"));
    assert!(on_it, "the product-led plan pays on value-weighted conversations");
    let text = sales_roster_text();
    assert!(text.lines().next().unwrap().split(',').any(|h| h == "value_weighted_conversations"));
    // The same number of conversations with more valuable prospects pays more.
    let few = typical_with(&[("value_weighted_conversations", "6.0")]);
    let more = typical_with(&[("value_weighted_conversations", "9.5")]);
    assert!(more > few, "{more} vs {few}");
    let paid = pay(&plan, &text);
    let paying = paid.employees.iter().filter(|p| line(p, "prospect_conversations") > Decimal::ZERO).count();
    assert!(paying * 2 > paid.employees.len(), "most sales people are paid for conversations ({paying})");
}

#[test]
fn seed_003_surveys_signups_and_insights_pay_more_than_an_average_closed_deal() {
    // seed 003: "sales people who sign numerous companies up to early access programs, or provide
    // insights that make it onto the roadmap, or get 100 responses to targeted surveys or
    // interviews, should get a bigger bonus" than for closing deals.
    let deal = average_closed_deal(&product_led());
    assert!(deal > d("500"), "an average deal pays {deal}");
    let none = typical_with(&[]);
    let surveys = typical_with(&[("survey_responses", "100")]) - none;
    let signup = typical_with(&[("early_access_signups", "1")]) - none;
    let insight = typical_with(&[("roadmap_insights", "1")]) - none;
    for (what, pays) in
        [("100 survey responses", surveys), ("an early-access signup", signup), ("a roadmap insight", insight)]
    {
        assert!(pays > deal, "{what} pays {pays}, an average closed deal {deal}");
    }
}

#[test]
fn seed_000_champions_and_references_are_a_rewarded_output() {
    // seed 000: "manufacturing champions ... advocates for your product who can drive current user
    // adoption and generate future customer pipeline."
    let none = typical_with(&[("champions_references", "0")]);
    let two = typical_with(&[("champions_references", "2")]);
    assert!(two > none, "{two} vs {none}");
    let paid = pay(&product_led(), &sales_roster_text());
    assert!(paid.employees.iter().any(|p| line(p, "champions_references") > Decimal::ZERO));
}

#[test]
fn seeds_002_004_retention_of_owned_accounts_scales_the_revenue_commission() {
    // seed 002: product-led growth drives "customer acquisition, conversion, and retention";
    // seed 004: "Retention Metrics: assessing how nicely the product retains clients over time".
    let plan = product_led();
    let multiplier = plan.tracks["sales"].components.iter().find_map(|c| match c {
        Component::Multiplier(m) if m.metric == "account_retention" => Some(m),
        _ => None,
    });
    let multiplier = multiplier.expect("a multiplier on the retention of the accounts a person owns");
    assert!(multiplier.applies_to.iter().any(|a| a == "revenue_commission"));
    let commission = |retention: &str| {
        let paid = pay(&plan, &with_cells(TYPICAL, &[("account_retention", retention)]));
        line(&paid.employees[0], "revenue_commission")
    };
    let (low, mid, high) = (commission("0.82"), commission("0.95"), commission("1.04"));
    assert!(low < mid && mid < high, "{low} < {mid} < {high}");
    // The sample roster has people on each side of 100% retention and below the 90% step.
    let paid = pay(&plan, &sales_roster_text());
    let text = sales_roster_text();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == "account_retention").unwrap();
    let values: Vec<Decimal> = text.lines().skip(1).map(|l| d(l.split(',').nth(at).unwrap())).collect();
    assert!(values.iter().any(|v| *v < d("0.9")) && values.iter().any(|v| *v >= Decimal::ONE));
    assert_eq!(values.len(), paid.employees.len());
}

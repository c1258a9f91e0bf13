//! Synthetic rosters for demos and benchmarks (`carrot gen-roster`): sales people and
//! consultants across teams, with part-period hires and leavers, skewed performance, and the
//! history columns the behaviour model calibrates from. The same seed gives the same file.

use std::io::{self, Write};

use chrono::{Days, NaiveDate};

/// The period the generated metrics describe (a quarter), and the sample plans' period.
pub const PERIOD_START: (i32, u32, u32) = (2026, 7, 1);
/// Last day of that quarter.
pub const PERIOD_END: (i32, u32, u32) = (2026, 9, 30);

/// Which roles to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Roles {
    /// About 70% sales, 30% consultants, in one file.
    Mixed,
    /// Sales people only (with the sales columns only).
    Sales,
    /// Consultants only (with the consultant columns only).
    Consultants,
}

/// The simulation's generator (xoshiro256**, stable across platforms and crate versions) with
/// the draws a roster needs.
struct Rng(crate::sim::mathx::Rng);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(crate::sim::mathx::Rng::from_seed(seed))
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        self.0.unit()
    }

    fn below(&mut self, n: usize) -> usize {
        ((self.unit() * n as f64) as usize).min(n.saturating_sub(1))
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u1 = self.unit().max(1e-12);
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// Log-normal with median 1 and the given spread.
    fn lognormal(&mut self, sigma: f64) -> f64 {
        (sigma * self.normal()).exp()
    }

    fn poisson(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 30.0 {
            return (mean + mean.sqrt() * self.normal()).round().max(0.0) as u64;
        }
        let limit = (-mean).exp();
        let mut k = 0;
        let mut p = self.unit();
        while p > limit {
            k += 1;
            p *= self.unit();
        }
        k
    }
}

const FIRST: &[&str] = &[
    "Anna",
    "Ben",
    "Chloé",
    "Dario",
    "Elif",
    "Farah",
    "Gustav",
    "Hana",
    "Ibrahim",
    "Julia",
    "Kofi",
    "Lena",
    "Mateo",
    "Noor",
    "Oskar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomás",
    "Uma",
    "Viktor",
    "Wen",
    "Ximena",
    "Yusuf",
    "Zoë",
    "Aiko",
    "Björn",
    "Camille",
    "Dmitri",
    "Esther",
    "Finn",
    "Greta",
    "Hugo",
    "Ines",
    "Jonas",
    "Kateřina",
    "Lucas",
    "Maya",
    "Nikolai",
    "Olivia",
    "Pablo",
    "Rania",
    "Samuel",
    "Thea",
    "Valentina",
    "William",
    "Yara",
    "Zeynep",
    "Amara",
];
const LAST: &[&str] = &[
    "Müller",
    "García",
    "Rossi",
    "Nowak",
    "Dubois",
    "Jensen",
    "Yilmaz",
    "Okafor",
    "Svensson",
    "Novák",
    "Fischer",
    "Martin",
    "Kowalski",
    "O'Brien",
    "Schmidt",
    "Costa",
    "Haddad",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Petrov",
    "Weber",
    "Ferreira",
    "Larsen",
    "Bianchi",
    "Keller",
    "Nguyen",
    "Ahmed",
    "de Vries",
    "Horvat",
    "Meier",
    "Santos",
    "Kaya",
    "Brunner",
    "Lopez",
    "Becker",
    "Hofmann",
    "Silva",
    "Andersen",
    "Zimmermann",
    "Kovač",
    "Richter",
    "Ortiz",
    "Wagner",
];

struct SalesTeam {
    name: &'static str,
    manager: &'static str,
    currency: &'static str,
    /// Quarterly quota and target incentive in the team's currency, and annual base salary.
    quota: f64,
    ti: f64,
    base: f64,
    deal_size: f64,
    weight: f64,
}

const SALES_TEAMS: &[SalesTeam] = &[
    SalesTeam {
        name: "Enterprise DACH",
        manager: "Katrin Vogel",
        currency: "EUR",
        quota: 250_000.0,
        ti: 22_500.0,
        base: 120_000.0,
        deal_size: 60_000.0,
        weight: 0.22,
    },
    SalesTeam {
        name: "Enterprise UK",
        manager: "James Whitfield",
        currency: "GBP",
        quota: 210_000.0,
        ti: 19_000.0,
        base: 100_000.0,
        deal_size: 50_000.0,
        weight: 0.14,
    },
    SalesTeam {
        name: "Mid-Market",
        manager: "Sofia Lindgren",
        currency: "EUR",
        quota: 160_000.0,
        ti: 14_000.0,
        base: 85_000.0,
        deal_size: 20_000.0,
        weight: 0.28,
    },
    SalesTeam {
        name: "SMB",
        manager: "Marco Bellini",
        currency: "EUR",
        quota: 100_000.0,
        ti: 9_000.0,
        base: 62_000.0,
        deal_size: 6_000.0,
        weight: 0.24,
    },
    SalesTeam {
        name: "Partnerships",
        manager: "Léa Fontaine",
        currency: "CHF",
        quota: 180_000.0,
        ti: 16_000.0,
        base: 105_000.0,
        deal_size: 35_000.0,
        weight: 0.12,
    },
];

struct ConsultingTeam {
    name: &'static str,
    manager: &'static str,
    currency: &'static str,
    bill_rate: f64,
    ti: f64,
    base: f64,
    weight: f64,
}

const CONSULTING_TEAMS: &[ConsultingTeam] = &[
    ConsultingTeam {
        name: "Carbon Accounting",
        manager: "Henrik Dahl",
        currency: "EUR",
        bill_rate: 165.0,
        ti: 2_400.0,
        base: 78_000.0,
        weight: 0.4,
    },
    ConsultingTeam {
        name: "Climate Strategy",
        manager: "Amélie Laurent",
        currency: "EUR",
        bill_rate: 230.0,
        ti: 3_000.0,
        base: 96_000.0,
        weight: 0.35,
    },
    ConsultingTeam {
        name: "Implementation",
        manager: "Raj Patel",
        currency: "GBP",
        bill_rate: 150.0,
        ti: 2_100.0,
        base: 70_000.0,
        weight: 0.25,
    },
];

/// Columns of a sales roster.
pub const SALES_COLUMNS: &[&str] = &[
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
    "revenue",
    "deals_closed",
    "discovery_interviews",
    "early_access_signups",
    "roadmap_insights",
    "survey_responses",
    "core_user_relationships",
    "capacity_hours",
    "selling_hours",
    "discovery_hours",
    "early_access_hours",
    "insight_hours",
    "revenue_prev_1",
    "revenue_prev_2",
    "revenue_prev_3",
    "value_weighted_conversations",
    "champions_references",
    "account_retention",
];

/// Columns of a consultant roster.
pub const CONSULTANT_COLUMNS: &[&str] = &[
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
    "revenue",
    "billable_hours",
    "billable_target_hours",
    "internal_hours",
    "internal_contributions",
    "discovery_interviews",
    "roadmap_insights",
    "capacity_hours",
    "discovery_hours",
    "insight_hours",
    "billable_hours_prev_1",
    "billable_hours_prev_2",
    "billable_hours_prev_3",
];

fn period_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(PERIOD_START.0, PERIOD_START.1, PERIOD_START.2).unwrap_or_default()
}

fn weighted<'a, T>(rng: &mut Rng, items: &'a [T], weight: impl Fn(&T) -> f64) -> &'a T {
    let total: f64 = items.iter().map(&weight).sum();
    let mut x = rng.unit() * total;
    for item in items {
        x -= weight(item);
        if x < 0.0 {
            return item;
        }
    }
    &items[items.len() - 1]
}

/// Start and end dates: most people joined years ago; a few join or leave during the period.
fn employment(rng: &mut Rng) -> (NaiveDate, Option<NaiveDate>) {
    let start = period_start();
    let r = rng.unit();
    if r < 0.06 {
        // Hired during the quarter.
        (start + Days::new(7 + rng.below(70) as u64), None)
    } else if r < 0.10 {
        // Left during the quarter.
        let hired = start - Days::new(200 + rng.below(2000) as u64);
        (hired, Some(start + Days::new(10 + rng.below(75) as u64)))
    } else {
        (start - Days::new(60 + rng.below(2900) as u64), None)
    }
}

fn money(x: f64) -> String {
    format!("{:.2}", (x * 100.0).round() / 100.0)
}

fn hours(x: f64) -> String {
    format!("{:.1}", x.max(0.0))
}

fn sales_row(rng: &mut Rng, seed: u64, id: u64, names: &mut Names) -> Vec<String> {
    let team = weighted(rng, SALES_TEAMS, |t| t.weight);
    let (start, end) = employment(rng);
    let fte = if rng.unit() < 0.08 { 0.8 } else { 1.0 };
    let capacity = 480.0 * fte * (0.95 + 0.1 * rng.unit());
    // Today's sales-led allocation: mostly selling, a little discovery and outreach.
    let selling = capacity * (0.56 + 0.1 * rng.unit());
    let discovery = capacity * (0.015 + 0.03 * rng.unit());
    let early_access = capacity * (0.005 + 0.02 * rng.unit());
    let insight = capacity * (0.003 + 0.012 * rng.unit());
    // Skewed performance: a long right tail of stars and a tail of strugglers.
    let skill = rng.lognormal(0.38) * 0.97;
    let quota = team.quota * fte;
    let revenue = quota * skill * (selling / (capacity * 0.61));
    let spread = 0.1 + 0.25 * rng.unit();
    let prev = |rng: &mut Rng| money(revenue * rng.lognormal(spread));
    let deals = rng.poisson(revenue / team.deal_size);
    // The product-led outputs come from a stream of their own (seed and id), so adding them left
    // every earlier column of a seed's roster as it was.
    let mut own = Rng::new(crate::sim::mathx::splitmix(seed ^ crate::sim::mathx::splitmix(id)));
    let conversations = own.poisson(discovery * 0.9);
    // Each conversation with a relevant prospect counts by the value that customer brings:
    // a poor fit 0.5, a typical account 1, a strategic one 2, a potential anchor customer 4.
    let weighted: f64 = (0..conversations)
        .map(|_| match own.unit() {
            u if u < 0.35 => 0.5,
            u if u < 0.7 => 1.0,
            u if u < 0.9 => 2.0,
            _ => 4.0,
        })
        .sum();
    let champions = own.poisson(early_access * 0.04 + deals as f64 * 0.04);
    let retention = (0.95 * own.lognormal(0.08)).clamp(0.6, 1.3);
    vec![
        format!("{id:06}"),
        names.next(rng),
        "sales".to_owned(),
        team.name.to_owned(),
        team.manager.to_owned(),
        team.currency.to_owned(),
        money((team.base * (0.9 + 0.2 * rng.unit()) / 500.0).round() * 500.0),
        money(team.ti * fte),
        money(quota),
        start.to_string(),
        end.map(|d| d.to_string()).unwrap_or_default(),
        money(revenue),
        deals.to_string(),
        rng.poisson(discovery / 1.6).to_string(),
        rng.poisson(early_access * 0.3).to_string(),
        rng.poisson(insight * 0.18).to_string(),
        rng.poisson(discovery * 1.8).to_string(),
        rng.poisson(early_access * 0.12).to_string(),
        hours(capacity),
        hours(selling),
        hours(discovery),
        hours(early_access),
        hours(insight),
        prev(rng),
        prev(rng),
        prev(rng),
        format!("{weighted:.1}"),
        champions.to_string(),
        format!("{retention:.2}"),
    ]
}

fn consultant_row(rng: &mut Rng, id: u64, names: &mut Names) -> Vec<String> {
    let team = weighted(rng, CONSULTING_TEAMS, |t| t.weight);
    let (start, end) = employment(rng);
    let fte = if rng.unit() < 0.1 { 0.8 } else { 1.0 };
    let capacity = 480.0 * fte * (0.95 + 0.1 * rng.unit());
    let utilisation = (0.72 * rng.lognormal(0.1)).min(0.95);
    let billable = capacity * utilisation;
    let internal = capacity * (0.03 + 0.07 * rng.unit());
    let discovery = capacity * (0.005 + 0.02 * rng.unit());
    let insight = capacity * (0.002 + 0.01 * rng.unit());
    let rate = team.bill_rate * (0.85 + 0.3 * rng.unit());
    let prev = |rng: &mut Rng| hours(billable * rng.lognormal(0.08));
    vec![
        format!("{id:06}"),
        names.next(rng),
        "consultant".to_owned(),
        team.name.to_owned(),
        team.manager.to_owned(),
        team.currency.to_owned(),
        money((team.base * (0.9 + 0.2 * rng.unit()) / 500.0).round() * 500.0),
        money(team.ti * fte),
        String::new(),
        start.to_string(),
        end.map(|d| d.to_string()).unwrap_or_default(),
        money(billable * rate),
        hours(billable),
        hours((capacity * 0.75 / 8.0).round() * 8.0),
        hours(internal),
        rng.poisson(internal / 9.0).to_string(),
        rng.poisson(discovery / 2.0).to_string(),
        rng.poisson(insight * 0.15).to_string(),
        hours(capacity),
        hours(discovery),
        hours(insight),
        prev(rng),
        prev(rng),
        prev(rng),
    ]
}

/// Distinct names: first/last combinations without repeats until they run out.
struct Names {
    used: std::collections::HashSet<String>,
}

impl Names {
    fn next(&mut self, rng: &mut Rng) -> String {
        for _ in 0..50 {
            let name = format!("{} {}", rng.pick(FIRST), rng.pick(LAST));
            if self.used.insert(name.clone()) {
                return name;
            }
        }
        // Past FIRST × LAST people, names repeat with an initial (real rosters have namesakes).
        let initial = (b'A' + rng.below(26) as u8) as char;
        format!("{} {initial}. {}", rng.pick(FIRST), rng.pick(LAST))
    }
}

/// The id of the last of `people` rows numbered from `first_id` (`first_id` itself for no
/// one), or `None` when it would pass `u64::MAX`: ids would repeat.
pub fn last_id(people: usize, first_id: u64) -> Option<u64> {
    first_id.checked_add((people as u64).saturating_sub(1))
}

/// Writes a roster of `people` rows as CSV. Employee ids are six-digit text numbered from
/// `first_id` in row order (so files meant to be merged can use separate ranges). Ids that
/// would pass `u64::MAX` (and repeat) are refused before anything is written.
pub fn write_roster(out: &mut dyn Write, people: usize, seed: u64, roles: Roles, first_id: u64) -> io::Result<()> {
    if last_id(people, first_id).is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{people} ids from {first_id} would pass {} and repeat", u64::MAX),
        ));
    }
    let mut rng = Rng::new(seed);
    let mut names = Names { used: std::collections::HashSet::new() };
    let columns: Vec<&str> = match roles {
        Roles::Sales => SALES_COLUMNS.to_vec(),
        Roles::Consultants => CONSULTANT_COLUMNS.to_vec(),
        Roles::Mixed => {
            let mut cols = SALES_COLUMNS.to_vec();
            for c in CONSULTANT_COLUMNS {
                if !cols.contains(c) {
                    cols.push(c);
                }
            }
            cols
        }
    };
    let mut w = csv::WriterBuilder::new().from_writer(out);
    w.write_record(&columns).map_err(io::Error::other)?;
    for row in 0..people {
        let id = first_id + row as u64;
        let is_sales = match roles {
            Roles::Sales => true,
            Roles::Consultants => false,
            Roles::Mixed => rng.unit() < 0.7,
        };
        let (own_columns, cells) = if is_sales {
            (SALES_COLUMNS, sales_row(&mut rng, seed, id, &mut names))
        } else {
            (CONSULTANT_COLUMNS, consultant_row(&mut rng, id, &mut names))
        };
        let record = columns
            .iter()
            .map(|c| own_columns.iter().position(|o| o == c).and_then(|i| cells.get(i)).map_or("", String::as_str));
        w.write_record(record).map_err(io::Error::other)?;
    }
    w.flush()
}

/// A generated roster one period later: for every row index in `changes`, each `(column,
/// cell)` replaces that column's value, and the value it replaces moves to `column_prev_1`
/// (existing `column_prev_k` columns shift one period back, the oldest dropping out; a missing
/// `column_prev_1` column is added at the end, holding every row's value before the change).
/// Rows not in `changes` keep their values, which also become their `_prev_1` values.
pub fn with_history(csv_bytes: &[u8], changes: &[(usize, Vec<(String, String)>)]) -> io::Result<Vec<u8>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(csv_bytes);
    let mut header: Vec<String> = reader.headers().map_err(io::Error::other)?.iter().map(str::to_owned).collect();
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        rows.push(record.map_err(io::Error::other)?.iter().map(str::to_owned).collect());
    }
    let mut columns: Vec<&str> = Vec::new();
    for (_, values) in changes {
        for (c, _) in values {
            if !columns.contains(&c.as_str()) {
                columns.push(c);
            }
        }
    }
    for column in columns {
        let Some(at) = header.iter().position(|h| h == column) else { continue };
        // The column and its existing `_prev_k` columns, newest first.
        let mut chain = vec![at];
        while let Some(p) = header.iter().position(|h| *h == format!("{column}_prev_{}", chain.len())) {
            chain.push(p);
        }
        if chain.len() == 1 {
            header.push(format!("{column}_prev_1"));
            for row in &mut rows {
                let value = row.get(at).cloned().unwrap_or_default();
                row.push(value);
            }
        } else {
            for row in &mut rows {
                for k in (1..chain.len()).rev() {
                    let value = chain.get(k - 1).and_then(|&i| row.get(i)).cloned().unwrap_or_default();
                    if let Some(cell) = chain.get(k).and_then(|&i| row.get_mut(i)) {
                        *cell = value;
                    }
                }
            }
        }
        for (index, values) in changes {
            if let Some((_, cell)) = values.iter().find(|(c, _)| c == column)
                && let Some(target) = rows.get_mut(*index).and_then(|r| r.get_mut(at))
            {
                target.clone_from(cell);
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new().from_writer(&mut out);
        w.write_record(&header).map_err(io::Error::other)?;
        for row in &rows {
            w.write_record(row).map_err(io::Error::other)?;
        }
        w.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_moves_replaced_values_one_period_back() {
        let csv = b"employee_id,selling_hours,revenue,revenue_prev_1,revenue_prev_2\n1,300,1000,900,800\n2,310,2000,1900,1800\n";
        let changes =
            vec![(0, vec![("selling_hours".to_owned(), "280".to_owned()), ("revenue".to_owned(), "950".to_owned())])];
        let out = String::from_utf8(with_history(csv, &changes).unwrap()).unwrap();
        assert_eq!(
            out,
            "employee_id,selling_hours,revenue,revenue_prev_1,revenue_prev_2,selling_hours_prev_1\n\
             1,280,950,1000,900,300\n\
             2,310,2000,2000,1900,310\n"
        );
    }

    #[test]
    fn same_seed_same_file_different_seed_different_file() {
        let generate = |seed| {
            let mut out = Vec::new();
            write_roster(&mut out, 200, seed, Roles::Mixed, 1).unwrap();
            out
        };
        assert_eq!(generate(7), generate(7));
        assert_ne!(generate(7), generate(8));
    }

    #[test]
    fn the_generator_has_not_changed() {
        // Benchmarks and the README's figures are on generated rosters: the same seed must keep
        // giving the same people.
        let mut out = Vec::new();
        write_roster(&mut out, 2, 1, Roles::Mixed, 1).unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().skip(1).collect();
        assert_eq!(
            rows,
            [
                "000001,William Horvat,consultant,Climate Strategy,Amélie Laurent,EUR,98000.00,3000.00,,2023-03-25,,73629.03,,2,,1,,,462.9,,7.4,,5.2,,,,,,,281.5,344.0,42.0,3,288.8,301.1,299.0",
                "000002,Finn Meier,sales,Partnerships,Léa Fontaine,CHF,102500.00,16000.00,180000.00,2023-03-14,,387794.08,16,17,1,1,32,1,467.3,273.3,18.8,5.9,4.0,345850.32,360465.61,412408.42,21.0,0,1.02,,,,,,,",
            ]
        );
    }

    #[test]
    fn large_rosters_have_unique_ids() {
        let mut out = Vec::new();
        write_roster(&mut out, 20_000, 3, Roles::Mixed, 1).unwrap();
        let text = String::from_utf8(out).unwrap();
        let ids: std::collections::HashSet<&str> = text.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
        assert_eq!(ids.len(), 20_000);
    }

    #[test]
    fn mixed_roster_has_both_roles_hires_and_leavers() {
        let mut out = Vec::new();
        write_roster(&mut out, 500, 1, Roles::Mixed, 1).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 501);
        assert!(lines.iter().any(|l| l.contains(",consultant,")));
        assert!(lines.iter().any(|l| l.contains(",sales,")));
        assert!(lines.iter().filter(|l| l.contains(",2026-0")).count() > 10, "part-period hires or leavers");
    }
}

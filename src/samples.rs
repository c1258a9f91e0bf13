//! The bundled sample plans and rosters, built into the binary so `carrot` opens on real
//! numbers from any folder.

/// A bundled file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Stable key (the file stem), used in saved workspaces.
    pub key: &'static str,
    /// File name as shipped.
    pub file_name: &'static str,
    /// Contents.
    pub text: &'static str,
}

/// The sample plans, in the order they open.
pub const PLANS: [Sample; 3] = [
    Sample { key: "sales_led", file_name: "sales_led.json", text: include_str!("../sample_plans/sales_led.json") },
    Sample { key: "transition", file_name: "transition.json", text: include_str!("../sample_plans/transition.json") },
    Sample {
        key: "product_led",
        file_name: "product_led.json",
        text: include_str!("../sample_plans/product_led.json"),
    },
];

/// The sample rosters.
pub const ROSTERS: [Sample; 2] = [
    Sample { key: "sales_roster", file_name: "sales_roster.csv", text: include_str!("../assets/sales_roster.csv") },
    Sample {
        key: "consultants_roster",
        file_name: "consultants_roster.csv",
        text: include_str!("../assets/consultants_roster.csv"),
    },
];

/// A sample plan by key.
pub fn plan(key: &str) -> Option<Sample> {
    PLANS.iter().copied().find(|s| s.key == key)
}

/// A sample roster by key.
pub fn roster(key: &str) -> Option<Sample> {
    ROSTERS.iter().copied().find(|s| s.key == key)
}

/// The bundled sales and consultant rosters imported and merged (72 people), as the app opens
/// them. `None` only if the bundled files were broken, which the tests below rule out.
pub fn bundled_roster() -> Option<crate::roster::Roster> {
    use crate::roster;
    let parts = ROSTERS
        .iter()
        .map(|s| roster::import_reader(s.file_name, s.text.as_bytes(), &roster::ImportOptions::default()).ok())
        .map(|r| r.map(|r| r.roster))
        .collect::<Option<Vec<_>>>()?;
    roster::merge::merge(parts).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bundled_rosters_import_and_merge_to_72_people() {
        assert_eq!(super::bundled_roster().map(|r| r.employees.len()), Some(72));
    }

    #[test]
    fn embedded_sample_plans_parse() {
        for s in super::PLANS {
            assert!(crate::plan::parse(s.text).is_ok(), "{}", s.key);
        }
    }
}

//! The bundled sample plans: every one validates cleanly and round-trips byte for byte.
#![allow(clippy::unwrap_used, reason = "test helpers")]

use std::path::PathBuf;

use carrot::plan::{self, Component, ComponentKind};

fn sample_plans() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/sample_plans"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

#[test]
fn the_three_required_sample_plans_exist() {
    let names: Vec<String> =
        sample_plans().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for required in ["sales_led.json", "product_led.json", "transition.json"] {
        assert!(names.contains(&required.to_owned()), "{required} missing from {names:?}");
    }
}

#[test]
fn sample_plans_validate_without_problems() {
    for path in sample_plans() {
        let text = std::fs::read_to_string(&path).unwrap();
        let (plan, problems) = plan::file::check(&text);
        assert!(plan.is_some(), "{}", path.display());
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
    }
}

#[test]
fn load_then_save_gives_an_identical_file() {
    for path in sample_plans() {
        let text = std::fs::read_to_string(&path).unwrap();
        let plan = plan::load(&path).unwrap();
        assert_eq!(plan::to_json(&plan), text, "{} does not round-trip", path.display());
    }
}

#[test]
fn together_the_samples_show_every_component_kind() {
    let mut kinds = std::collections::BTreeSet::new();
    let mut retroactive = false;
    for path in sample_plans() {
        let plan = plan::load(&path).unwrap();
        for track in plan.tracks.values() {
            for c in &track.components {
                kinds.insert(c.kind());
                if let Component::Commission(com) = c {
                    retroactive |= com.method == plan::Method::Retroactive;
                }
            }
        }
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ComponentKind::ALL.to_vec());
    assert!(retroactive, "one sample shows a retroactive commission");
}

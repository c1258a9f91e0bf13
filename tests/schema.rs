//! Plan files written by earlier releases keep loading: `tests/fixtures/schema/v1/` holds the
//! sample plans as released in schema 1. A file from a newer schema is refused, clearly.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};
use std::process::Command;

use carrot::engine::{self, Detail};
use carrot::plan::{self, SCHEMA_VERSION};
use carrot::roster::{self, ImportOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn released(version: u32) -> Vec<PathBuf> {
    let dir = Path::new(ROOT).join(format!("tests/fixtures/schema/v{version}"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn schema_1_files_as_released_load_validate_and_compute() {
    let files = released(1);
    let names: Vec<String> = files.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["product_led.json", "sales_led.json", "transition.json"]);
    let rosters =
        [Path::new(ROOT).join("assets/sales_roster.csv"), Path::new(ROOT).join("assets/consultants_roster.csv")];
    let roster = roster::import_files(&rosters, &ImportOptions::default()).unwrap().roster;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains("\"schema\": 1,"), "{} is a schema 1 file", path.display());
        let plan = plan::load(path).unwrap_or_else(|e| panic!("{e}"));
        let problems = plan::validate(&plan);
        assert!(problems.is_empty(), "{}: {problems:#?}", path.display());
        let report = engine::compute(&plan, &roster, Detail::AmountsOnly).unwrap();
        assert!(report.errors.is_empty(), "{}: {:?}", path.display(), report.errors);
        assert!(!report.employees.is_empty());
        // Saved again, it is a file of the current schema that loads to the same plan.
        let saved = plan::to_json(&plan);
        assert!(saved.contains(&format!("\"schema\": {SCHEMA_VERSION},")));
        assert_eq!(plan::parse(&saved).unwrap(), plan);
    }
}

#[test]
fn schema_1_files_pass_carrot_validate() {
    let mut args = vec!["validate".to_owned()];
    args.extend(released(1).iter().map(|p| p.display().to_string()));
    let out = Command::new(env!("CARGO_BIN_EXE_carrot")).args(&args).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.matches(": valid\n").count(), 3, "{stdout}");
}

#[test]
fn a_file_from_a_newer_schema_is_refused_with_a_clear_message() {
    let newer = SCHEMA_VERSION + 1;
    let text =
        std::fs::read_to_string(&released(1)[0]).unwrap().replace("\"schema\": 1,", &format!("\"schema\": {newer},"));
    let problems = plan::parse(&text).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(
        problems[0].to_string(),
        format!(
            "schema: this file was written by a newer version of Carrot (schema {newer}); this version reads schema \
             {SCHEMA_VERSION} and older, so it refuses the file rather than misread it. Update Carrot to open it"
        )
    );
    // The same through the binary, for the commands that check and the ones that compute.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("from_the_future.json");
    std::fs::write(&path, &text).unwrap();
    for args in [
        vec!["validate".to_owned(), path.display().to_string()],
        vec![
            "payouts".to_owned(),
            "--plan".to_owned(),
            path.display().to_string(),
            "--roster".to_owned(),
            format!("{ROOT}/assets/sales_roster.csv"),
        ],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_carrot")).args(&args).output().unwrap();
        let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert_eq!(out.status.code(), Some(1), "{all}");
        assert!(all.contains(&format!("written by a newer version of Carrot (schema {newer})")), "{all}");
        assert!(all.contains("Update Carrot to open it"), "{all}");
    }
}

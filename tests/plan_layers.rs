//! Layers point one way (issue 13 §4): the plan layer imports nothing above it. This reads every
//! file under `src/plan/` and fails on any path into `sim`, `engine`, `report`, `cli`, `ui` or
//! `export`, whether written `crate::sim::…`, `crate::{sim, …}` or `super::super::sim`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use std::path::{Path, PathBuf};

/// Modules above the plan layer.
const ABOVE: [&str; 6] = ["sim", "engine", "report", "cli", "ui", "export"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The identifier starting at the beginning of `s`.
fn ident(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// The top-level names of a `{a, b::c, d as e}` group starting at `s` (just after the `{`).
fn group_heads(s: &str) -> Vec<&str> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut expect_head = true;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => expect_head = true,
            c if expect_head && depth == 0 && (c.is_ascii_alphabetic() || c == '_') => {
                heads.push(ident(&s[i..]));
                expect_head = false;
            }
            c if c.is_whitespace() => {}
            _ if depth == 0 => expect_head = false,
            _ => {}
        }
    }
    heads
}

/// Every crate module a file's text names through `crate::` (or `super::super::`, which from
/// `src/plan/x.rs`'s inner modules can reach the crate root too).
fn modules_named(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["crate::", "super::super::"] {
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let after = &rest[at + prefix.len()..];
            if let Some(group) = after.strip_prefix('{') {
                out.extend(group_heads(group).into_iter().map(str::to_owned));
            } else {
                out.push(ident(after).to_owned());
            }
            rest = after;
        }
    }
    out
}

#[test]
fn the_scanner_sees_every_way_of_naming_a_module() {
    let text = "use crate::sim::Assumptions;\nuse crate::{money, roster::{self, X}, export as e};\n\
                let x = crate::engine::compute();\nuse super::super::ui;";
    assert_eq!(modules_named(text), ["sim", "money", "roster", "export", "engine", "ui"]);
}

#[test]
fn the_plan_layer_imports_nothing_above_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/plan");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    assert!(files.len() >= 4, "found the plan files: {files:?}");
    let mut offences = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        for module in modules_named(&text) {
            if ABOVE.contains(&module.as_str()) {
                offences.push(format!("src/plan/{name} names crate::{module}"));
            }
        }
    }
    offences.sort();
    offences.dedup();
    assert!(offences.is_empty(), "the plan layer must not depend on the layers above it:\n{}", offences.join("\n"));
}

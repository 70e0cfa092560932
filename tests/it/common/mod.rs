//! Helpers shared by the integration tests: build a site into a temporary folder and
//! read what it produced.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use scraper::{Html, Selector};

pub mod server;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A built site: the temporary folder lives as long as this value.
pub struct Built {
    pub dir: tempfile::TempDir,
    pub report: jalon::Report,
}

impl Built {
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    pub fn page(&self, path: &str) -> Page {
        let file = self.out().join(path);
        let text =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        Page::new(path, &text)
    }

    /// Every HTML page, by path relative to the output folder.
    pub fn pages(&self) -> BTreeMap<String, Page> {
        html_files(&self.out())
            .into_iter()
            .map(|path| {
                let rel = path
                    .strip_prefix(self.out())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let text = std::fs::read_to_string(&path).unwrap();
                (rel.clone(), Page::new(&rel, &text))
            })
            .collect()
    }
}

/// The `jalon` command, without colours in its messages.
pub fn command() -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jalon"));
    command.env("NO_COLOR", "1");
    command
}

/// A temporary folder under `target/tmp`: sites shared by a whole test binary live in
/// statics, which are never dropped, so whatever they leave stays out of the system's /tmp.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

pub fn build(root: &Path) -> Built {
    build_with(root, &jalon::Options::default())
}

/// A build for a given day ("today" of lateness and calendars).
pub fn build_on(root: &Path, today: &str) -> Built {
    build_with(root, &jalon::Options::on(today.parse().unwrap()))
}

pub fn build_with(root: &Path, options: &jalon::Options) -> Built {
    let dir = scratch();
    let report = jalon::build(root, &dir.path().join("public"), options);
    let errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(jalon::diagnostics::summary_line)
        .collect();
    assert!(
        errors.is_empty(),
        "the build failed:\n{}",
        errors.join("\n")
    );
    Built { dir, report }
}

/// A copy of a site in a temporary folder, to edit freely.
/// Every file under `dir` with its bytes, by relative path: two snapshots are equal when
/// the folders are identical byte for byte.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

pub fn copy_site(from: &Path) -> tempfile::TempDir {
    let dir = scratch();
    copy_dir(from, dir.path());
    dir
}

/// Copies the sources of a site (not its build output, `target/` or `.git`).
pub fn copy_dir(from: &Path, to: &Path) {
    let skipped = |rel: &Path| {
        rel.starts_with("target") || rel.starts_with("public") || rel.starts_with(".git")
    };
    let entries = walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(|e| !skipped(e.path().strip_prefix(from).unwrap()));
    for entry in entries {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn html_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

pub struct Page {
    pub path: String,
    pub html: Html,
    pub text: String,
}

impl Page {
    pub fn new(path: &str, text: &str) -> Page {
        Page {
            path: path.to_string(),
            html: Html::parse_document(text),
            text: text.to_string(),
        }
    }

    pub fn select(&self, selector: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = Selector::parse(selector).unwrap();
        self.html.select(&selector).collect()
    }

    pub fn texts(&self, selector: &str) -> Vec<String> {
        self.select(selector)
            .iter()
            .map(|e| {
                e.text()
                    .collect::<String>()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        self.select(selector)
            .iter()
            .filter_map(|e| e.value().attr(attr).map(str::to_string))
            .collect()
    }

    /// Every link matching `selector`, as (href, text).
    pub fn links(&self, selector: &str) -> Vec<(String, String)> {
        self.select(selector)
            .iter()
            .map(|a| {
                (
                    a.value().attr("href").unwrap_or("").to_string(),
                    a.text().collect(),
                )
            })
            .collect()
    }

    pub fn ids(&self) -> HashSet<String> {
        self.attrs("[id]", "id").into_iter().collect()
    }
}

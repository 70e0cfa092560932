//! `jalon pdf`: the example's document complet printed by a real headless Chromium, then
//! read back with poppler's `pdfinfo` and `pdftotext` (scripts/test installs both).

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use crate::common::{Page, repo};

struct Printed {
    dir: tempfile::TempDir,
}

impl Printed {
    fn pdf(&self) -> PathBuf {
        self.dir.path().join("schema.pdf")
    }

    fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }
}

fn chromium() -> PathBuf {
    let path =
        std::env::var_os("CHROMIUM").map_or_else(|| "/usr/bin/chromium".into(), PathBuf::from);
    assert!(
        path.exists(),
        "Chromium is missing at {}: run scripts/test, which installs it",
        path.display()
    );
    path
}

fn jalon(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_jalon"));
    command.args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().unwrap()
}

/// The example printed once for every test of this file.
fn printed() -> &'static Printed {
    static PRINTED: OnceLock<Printed> = OnceLock::new();
    PRINTED.get_or_init(|| {
        let dir = common::scratch();
        let (out, pdf) = (dir.path().join("public"), dir.path().join("schema.pdf"));
        let output = jalon(
            &[
                "pdf",
                "--root",
                repo().to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--sortie",
                pdf.to_str().unwrap(),
                "--aujourdhui",
                "2021-06-30",
            ],
            &[("JALON_CHROMIUM", chromium().as_os_str())],
        );
        assert!(
            output.status.success(),
            "jalon pdf failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        Printed { dir }
    })
}

fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap_or_else(|e| {
            panic!("{tool}: {e} (poppler-utils: run scripts/test, which installs it)")
        });
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn page_count(pdf: &Path) -> usize {
    let info = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .unwrap_or_else(|e| {
            panic!("pdfinfo: {e} (poppler-utils: run scripts/test, which installs it)")
        });
    let info = String::from_utf8_lossy(&info.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

/// The text of one page, words separated by single spaces.
fn page_text(pdf: &Path, page: usize) -> String {
    let page = page.to_string();
    let text = poppler("pdftotext", &["-f", &page, "-l", &page], pdf);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every fiche of the built site, in order, as its page's `h1` says: "Fiche-action 9 : …".
fn fiche_titles(out: &Path) -> Vec<(u32, String)> {
    let mut titles: Vec<(u32, String)> = std::fs::read_dir(out.join("fiche"))
        .unwrap()
        .filter_map(|e| {
            let path = e.ok()?.path();
            let number: u32 = path.file_stem()?.to_str()?.parse().ok()?;
            (path.extension()? == "html").then_some(())?;
            let page = Page::new("", &std::fs::read_to_string(&path).ok()?);
            let h1 = page.texts("h1").into_iter().next()?;
            let title = h1.split_once(" : ")?.1.to_string();
            Some((number, title))
        })
        .collect();
    titles.sort();
    titles
}

/// The sommaire's page of each fiche, read in the PDF's own text: "Fiche-action 9 : … 54".
fn sommaire_pages(pdf: &Path) -> BTreeMap<u32, usize> {
    let text = poppler("pdftotext", &["-layout", "-f", "2", "-l", "4"], pdf);
    let entry = regex::Regex::new(r"(?m)^\s*Fiche-action (\d+) :.*?\s(\d+)\s*$").unwrap();
    entry
        .captures_iter(&text)
        .map(|c| (c[1].parse().unwrap(), c[2].parse().unwrap()))
        .collect()
}

#[test]
fn the_pdf_has_pages_for_every_fiche_and_axe() {
    let printed = printed();
    let pages = page_count(&printed.pdf());
    let fiches = fiche_titles(&printed.out()).len();
    let groups = std::fs::read_dir(printed.out().join("axe"))
        .unwrap()
        .count();
    eprintln!(
        "{pages} pages for {fiches} fiches and {groups} axes: {:.1} pages per fiche",
        pages as f64 / fiches as f64
    );
    assert_eq!(fiches, 19);
    // Each axe and each fiche starts a page, after a cover and a sommaire.
    assert!(pages > fiches + groups + 2, "{pages} pages");
    let first = page_text(&printed.pdf(), 1);
    assert!(
        first.contains("Seine-Saint-Denis") && first.contains("2019-2023"),
        "{first}"
    );
}

#[test]
fn the_pdf_holds_every_fiche_title_in_order() {
    let printed = printed();
    let sommaire = sommaire_pages(&printed.pdf());
    let body_start = *sommaire
        .values()
        .min()
        .expect("a sommaire with page numbers");
    let pages = page_count(&printed.pdf()).to_string();
    let body = poppler(
        "pdftotext",
        &["-f", &body_start.to_string(), "-l", &pages],
        &printed.pdf(),
    );
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut from = 0;
    for (number, title) in fiche_titles(&printed.out()) {
        let heading = format!("Fiche-action {number} {title}");
        let found = body[from..]
            .find(&heading)
            .unwrap_or_else(|| panic!("« {heading} » missing after the previous fiche"));
        from += found + heading.len();
    }
}

#[test]
fn the_sommaire_gives_the_page_of_every_fiche() {
    let printed = printed();
    let sommaire = sommaire_pages(&printed.pdf());
    assert_eq!(sommaire.len(), 19, "{sommaire:?}");
    for (fiche, page) in sommaire {
        let text = page_text(&printed.pdf(), page);
        // The running header, then the fiche's label as the first words of the page.
        let label = format!("2019-2023 Fiche-action {fiche} ");
        assert!(
            text.contains(&label),
            "the sommaire says fiche {fiche} is on page {page}, which reads: {}",
            &text[..text.len().min(200)]
        );
    }
}

#[test]
fn every_page_has_the_title_and_its_number() {
    let printed = printed();
    let pages = page_count(&printed.pdf());
    for page in [1, 2, pages / 2, pages] {
        let text = page_text(&printed.pdf(), page);
        assert!(
            text.starts_with("Schéma départemental de prévention et de protection de l'enfance"),
            "page {page}: {}",
            &text[..text.len().min(120)]
        );
        assert!(
            text.ends_with(&format!("Page {page} sur {pages}")),
            "page {page}"
        );
    }
}

#[test]
fn without_chromium_the_error_says_how_to_install_it() {
    let dir = common::scratch();
    let empty = dir.path().join("vide");
    std::fs::create_dir(&empty).unwrap();
    let (root, out, pdf) = (repo(), dir.path().join("public"), dir.path().join("s.pdf"));
    let args = [
        "pdf",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--sortie",
        pdf.to_str().unwrap(),
    ];
    let cases: [&[(&str, &std::ffi::OsStr)]; 2] = [
        &[
            ("JALON_CHROMIUM", "/nonexistent".as_ref()),
            ("PATH", empty.as_os_str()),
        ],
        &[("PATH", empty.as_os_str())],
    ];
    for env in cases {
        let mut command = Command::new(env!("CARGO_BIN_EXE_jalon"));
        command.args(args).env_remove("JALON_CHROMIUM");
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("[chromium-introuvable]"), "{stderr}");
        assert!(stderr.contains("apt install chromium"), "{stderr}");
        assert!(stderr.contains("JALON_CHROMIUM"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(!out.exists(), "nothing is built without Chromium");
        assert!(!pdf.exists());
    }
}

#[test]
fn a_catalogue_alone_has_no_document_to_print() {
    let dir = common::scratch();
    let site = dir.path().join("catalogue");
    jalon::scaffold::init(&site, "catalogue-pratiques", false).unwrap();
    let pdf = dir.path().join("s.pdf");
    let output = jalon(
        &[
            "pdf",
            "--root",
            site.to_str().unwrap(),
            "--sortie",
            pdf.to_str().unwrap(),
        ],
        &[("JALON_CHROMIUM", chromium().as_os_str())],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[document-absent]"), "{stderr}");
    assert!(!pdf.exists());
}

/// `--sortie` pointing at a source by mistake is refused before anything is built.
#[test]
fn the_pdf_never_replaces_a_file_that_is_not_a_pdf() {
    let site = common::copy_site(&common::fixture("orientations"));
    let page = site.path().join("content/pages/gouvernance.md");
    let before = std::fs::read(&page).unwrap();
    let run = common::command()
        .args(["pdf", "--root"])
        .arg(site.path())
        .arg("--sortie")
        .arg(&page)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[sortie-interdite]"), "{stderr}");
    assert_eq!(std::fs::read(&page).unwrap(), before);
    assert!(!site.path().join("public").exists(), "the site was built");
}

//! A build that fails writes nothing: the previous site stays byte for byte, and no
//! temporary folder is left behind.

use crate::common;

use crate::common::{copy_dir, fixture, snapshot};

#[test]
fn a_failed_build_leaves_the_previous_site_intact() {
    let work = common::scratch();
    let site = work.path().join("site");
    copy_dir(&fixture("orientations"), &site);
    let out = work.path().join("public");

    let first = jalon::build(&site, &out, &jalon::Options::default());
    assert!(!first.has_errors());
    let before = snapshot(&out);
    assert!(before.len() > 10);

    // A broken reference in a fiche, and a YAML syntax error in another file.
    let fiche = site.join("content/actions/1-2-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        text.replace(
            "Sessions de formation",
            "Voir [[action 9.9.9]]. Sessions de formation",
        ),
    )
    .unwrap();
    let second = jalon::build(&site, &out, &jalon::Options::default());
    assert!(second.has_errors());
    let codes: Vec<&str> = second.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["reference-inconnue"]);
    assert_eq!(snapshot(&out), before, "the previous site changed");

    std::fs::write(
        site.join("schema-data/acteurs.yaml"),
        "- id: caf\n  nom: [\n",
    )
    .unwrap();
    let third = jalon::build(&site, &out, &jalon::Options::default());
    assert!(third.has_errors());
    assert_eq!(snapshot(&out), before, "the previous site changed");

    let leftovers: Vec<String> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".jalon"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "temporary folders left: {leftovers:?}"
    );
}

#[test]
fn a_successful_build_replaces_the_previous_site() {
    let work = common::scratch();
    let site = work.path().join("site");
    copy_dir(&fixture("orientations"), &site);
    let out = work.path().join("public");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("stale.html"), "old").unwrap();

    let page = site.join("content/pages/gouvernance.md");
    std::fs::write(&page, "---\ntitre: Gouvernance renouvelée\n---\n\nTexte.\n").unwrap();
    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    assert!(!out.join("stale.html").exists());
    let html = std::fs::read_to_string(out.join("gouvernance.html")).unwrap();
    assert!(html.contains("Gouvernance renouvelée"));
}

#[test]
fn the_output_folder_cannot_be_a_source_folder() {
    let work = common::scratch();
    let site = work.path().join("site");
    copy_dir(&fixture("orientations"), &site);
    let report = jalon::build(&site, &site, &jalon::Options::default());
    assert!(report.has_errors());
    assert_eq!(report.diagnostics[0].code, "sortie-interdite");
    assert!(site.join("schema-data/schema.yaml").exists());
}

//! A build that fails writes nothing: the previous site stays byte for byte, and no
//! temporary folder is left behind.

use crate::common;

use std::path::{Path, PathBuf};

use crate::common::{copy_dir, fixture, snapshot};

/// A scratch folder holding a copy of the fixture in `site/`: outputs go next to it.
fn scratch_site() -> (tempfile::TempDir, PathBuf) {
    let work = common::scratch();
    let site = work.path().join("site");
    copy_dir(&fixture("orientations"), &site);
    (work, site)
}

#[test]
fn a_failed_build_leaves_the_previous_site_intact() {
    let (work, site) = scratch_site();
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
    let (work, site) = scratch_site();
    let out = work.path().join("public");
    let extra = site.join("content/pages/extra.md");
    std::fs::write(&extra, "---\ntitre: Page de passage\n---\n\nTexte.\n").unwrap();
    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    assert!(out.join("extra.html").exists());
    // A file put in the published folder by hand (GitHub Pages' CNAME): not jalon's.
    std::fs::write(out.join("CNAME"), "schema.exemple.fr\n").unwrap();

    std::fs::remove_file(&extra).unwrap();
    let page = site.join("content/pages/gouvernance.md");
    std::fs::write(&page, "---\ntitre: Gouvernance renouvelée\n---\n\nTexte.\n").unwrap();
    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    assert!(
        !out.join("extra.html").exists(),
        "a page of the old site stayed"
    );
    let html = std::fs::read_to_string(out.join("gouvernance.html")).unwrap();
    assert!(html.contains("Gouvernance renouvelée"));
    assert_eq!(
        std::fs::read_to_string(out.join("CNAME")).unwrap(),
        "schema.exemple.fr\n",
        "jalon removed a file it did not write"
    );
}

/// `--out` pointing at the wrong folder must not empty it: a folder that is not empty
/// and that jalon never built is refused, untouched. An empty one is fine.
#[test]
fn a_folder_jalon_did_not_build_is_never_emptied() {
    let (work, site) = scratch_site();
    let documents = work.path().join("documents");
    std::fs::create_dir_all(documents.join("notes")).unwrap();
    std::fs::write(documents.join("notes/compte-rendu.md"), "Réunion.").unwrap();
    let before = snapshot(&documents);

    // Twice: the first refusal must leave nothing that makes the folder look built.
    for _ in 0..2 {
        let report = jalon::build(&site, &documents, &jalon::Options::default());
        assert!(report.has_errors());
        assert_eq!(report.diagnostics[0].code, "sortie-interdite");
        assert!(
            report.diagnostics[0].message.contains("jamais construit"),
            "{}",
            report.diagnostics[0].message
        );
        assert_eq!(snapshot(&documents), before);
    }

    let empty = work.path().join("vide");
    std::fs::create_dir_all(&empty).unwrap();
    assert!(!jalon::build(&site, &empty, &jalon::Options::default()).has_errors());
    assert!(empty.join("index.html").exists());
}

/// A site built by a version of jalon without the list of written files (only its lock
/// next to the output) is still updated, stale files removed.
#[test]
fn a_site_built_before_the_list_of_files_is_still_updated() {
    let (work, site) = scratch_site();
    let out = work.path().join("public");
    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    std::fs::remove_file(work.path().join(".public.jalon-fichiers")).unwrap();
    std::fs::write(out.join("ancienne.html"), "old").unwrap();

    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    assert!(!out.join("ancienne.html").exists());
    assert!(work.path().join(".public.jalon-fichiers").exists());
}

#[test]
fn the_output_folder_cannot_be_a_source_folder() {
    let (_work, site) = scratch_site();
    let report = jalon::build(&site, &site, &jalon::Options::default());
    assert!(report.has_errors());
    assert_eq!(report.diagnostics[0].code, "sortie-interdite");
    assert!(site.join("schema-data/schema.yaml").exists());
}

/// An output inside a folder jalon reads (`static/site`) would be published again inside
/// itself at each build: refused, before anything is written.
#[test]
fn the_output_folder_cannot_be_inside_a_folder_the_site_reads() {
    let (_work, site) = scratch_site();
    for out in ["static/site", "content/../static/public", "content/public"] {
        let report = jalon::build(&site, &site.join(out), &jalon::Options::default());
        assert!(report.has_errors(), "{out}");
        assert_eq!(report.diagnostics[0].code, "sortie-interdite", "{out}");
        assert!(!site.join("static/site").exists());
        assert!(!site.join("content/public").exists());
    }
}

/// A rebuild over a published site rewrites only the files that changed: the others keep
/// their inode (they were neither rewritten nor replaced), and what the new site no
/// longer has is gone, folders included.
#[test]
fn a_rebuild_writes_only_what_changed() {
    use std::os::unix::fs::MetadataExt;
    let (work, site) = scratch_site();
    let out = work.path().join("public");
    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    let inode = |path: &str| std::fs::metadata(out.join(path)).unwrap().ino();
    let before: Vec<(String, u64)> = snapshot(&out)
        .into_keys()
        .map(|path| {
            let ino = inode(&path);
            (path, ino)
        })
        .collect();
    // A page the previous build wrote, in a folder of its own.
    std::fs::create_dir_all(out.join("ancien/dossier")).unwrap();
    std::fs::write(out.join("ancien/dossier/page.html"), "old").unwrap();
    let manifest = work.path().join(".public.jalon-fichiers");
    let listed = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, format!("{listed}ancien/dossier/page.html\n")).unwrap();

    let page = site.join("content/pages/gouvernance.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text}\nEt une fois par trimestre en comité technique.\n"),
    )
    .unwrap();
    let report = jalon::build(&site, &out, &jalon::Options::default());
    assert!(!report.has_errors());
    let written = report.stats.as_ref().unwrap().written;

    let unchanged = before
        .iter()
        .filter(|(path, ino)| out.join(path).exists() && inode(path) == *ino)
        .count();
    assert!(
        inode("gouvernance.html")
            != before
                .iter()
                .find(|(p, _)| p == "gouvernance.html")
                .unwrap()
                .1,
        "the changed page was not rewritten"
    );
    assert!(
        unchanged * 10 > before.len() * 8,
        "only {unchanged} of {} files kept their inode",
        before.len()
    );
    assert!(!out.join("ancien").exists(), "a stale folder stayed");
    // The changed files and the stale one, no more.
    assert_eq!(written, before.len() - unchanged + 1);
    let fresh = work.path().join("fresh");
    assert!(!jalon::build(&site, &fresh, &jalon::Options::default()).has_errors());
    assert_eq!(snapshot(&out), snapshot(&fresh));
}

/// Files are removed by the list kept next to the output: a line of it that leads out of
/// the output folder is ignored.
#[test]
fn an_edited_list_of_files_removes_nothing_outside_the_output() {
    let (work, site) = scratch_site();
    let out = work.path().join("public");
    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    let list = work.path().join(".public.jalon-fichiers");
    let schema = site.join("schema-data/schema.yaml");
    let text = std::fs::read_to_string(&list).unwrap();
    let outside = format!("../site/schema-data/schema.yaml\n{}\n", schema.display());
    std::fs::write(&list, format!("{text}{outside}")).unwrap();

    assert!(!jalon::build(&site, &out, &jalon::Options::default()).has_errors());
    assert!(schema.exists(), "a source outside the output was removed");
}

#[test]
fn a_failed_build_says_what_it_left() {
    let (work, site) = scratch_site();
    let acteurs = site.join("schema-data/acteurs.yaml");
    let valid = std::fs::read_to_string(&acteurs).unwrap();
    std::fs::write(&acteurs, "- id: caf\n  nom: [\n").unwrap();
    let run = || {
        let output = common::command()
            .args(["build", "--root"])
            .arg(&site)
            .arg("--out")
            .arg(work.path().join("public"))
            .output()
            .unwrap();
        assert!(!output.status.success());
        String::from_utf8(output.stderr).unwrap()
    };
    // No site yet: nothing to keep intact.
    let first = run();
    // French typography: a no-break space before the colon of the labels.
    assert!(first.contains("erreur\u{a0}: "), "{first}");
    assert!(
        first.contains("Rien n'a été écrit.") && !first.contains("intact"),
        "{first}"
    );
    // A folder jalon never built a site in: nothing of a site to keep intact either.
    std::fs::create_dir(work.path().join("public")).unwrap();
    let second = run();
    assert!(
        second.contains("Rien n'a été écrit.") && !second.contains("intact"),
        "{second}"
    );
    std::fs::write(&acteurs, &valid).unwrap();
    let report = jalon::build(
        &site,
        &work.path().join("public"),
        &jalon::Options::default(),
    );
    assert!(!report.has_errors());
    std::fs::write(&acteurs, "- id: caf\n  nom: [\n").unwrap();
    let third = run();
    assert!(
        third.contains("Rien n'a été écrit : le site précédent est intact."),
        "{third}"
    );
}

#[test]
fn a_folder_that_is_not_a_site_gets_nothing_written() {
    let work = common::scratch();
    let missing = work.path().join("pas-encore");
    let report = jalon::build(
        &missing,
        &missing.join("public"),
        &jalon::Options::default(),
    );
    assert!(report.has_errors());
    assert!(!missing.exists(), "the build made the folder it was given");
}

/// Builds `site` into `out`, which must fail on a template: the error it gives for it.
fn template_error(site: &Path, out: &Path) -> jalon::diagnostics::Diagnostic {
    let report = jalon::build(site, out, &jalon::Options::default());
    report
        .diagnostics
        .into_iter()
        .find(|d| d.code == "gabarit")
        .expect("a template error")
}

/// A fiche card's template fails like any other: the build stops, the error names the
/// partial, its line and the page where the card was first needed.
#[test]
fn a_broken_card_template_stops_the_build_and_names_it() {
    let (_work, site) = scratch_site();
    let partials = site.join("themes/default/templates/partiels");
    std::fs::create_dir_all(&partials).unwrap();
    std::fs::write(
        partials.join("carte-fiche.html"),
        "<li>\n{{ fiche.sous_titre }}</li>",
    )
    .unwrap();
    let out = site.join("public");
    let error = template_error(&site, &out);
    let location = error.location.as_ref().unwrap();
    assert_eq!(
        location.file,
        PathBuf::from("themes/default/templates/partiels/carte-fiche.html")
    );
    assert_eq!(location.line, 2);
    assert!(
        error.message.contains("champ « sous_titre » inconnu"),
        "{}",
        error.message
    );
    assert!(
        error.message.contains("partiels/carte-fiche.html")
            && (error.message.contains("axe/")
                || error.message.contains("acteur/")
                || error.message.contains("orientation/")),
        "{}",
        error.message
    );
    assert!(!out.exists(), "a site was published");
}

/// A theme's mistake met while rendering is located in the template that holds it (the
/// page's template extends `base.html`, so that may be another one), in French.
#[test]
fn a_template_error_names_the_template_line_and_column() {
    let (_work, site) = scratch_site();
    let templates = site.join("themes/default/templates");
    std::fs::create_dir_all(&templates).unwrap();
    let base =
        std::fs::read_to_string(common::repo().join("themes/default/templates/base.html")).unwrap();
    let broken = base.replacen("</main>", "{{ page.sous_titre }}</main>", 1);
    assert_ne!(broken, base);
    std::fs::write(templates.join("base.html"), &broken).unwrap();
    let before = &broken[..broken.find("{{ page.sous_titre").unwrap()];
    let line = before.matches('\n').count() + 1;
    let error = template_error(&site, &site.join("public"));
    let location = error.location.as_ref().unwrap();
    assert_eq!(
        location.file,
        PathBuf::from("themes/default/templates/base.html")
    );
    assert_eq!(location.line as usize, line);
    assert!(
        error.message.contains("champ « sous_titre » inconnu"),
        "{}",
        error.message
    );
}

//! The preview's incremental rebuilds give byte for byte the site of a full build, after
//! every kind of edit, while re-rendering only the pages that changed.

use crate::common;

use std::path::Path;

use crate::common::{copy_site, fixture, repo, snapshot};
use jalon::serve::{Builder, Outcome};

/// Rebuilds incrementally, builds from scratch, and compares the two output folders.
fn rebuild_and_compare(
    builder: &mut Builder,
    site: &Path,
    incremental_out: &Path,
    step: &str,
) -> usize {
    let rendered = match builder.rebuild() {
        Outcome::Published { rendered, .. } => rendered,
        Outcome::Failed { errors } => panic!("{step}: {errors}"),
    };
    let full = common::scratch();
    let report = jalon::build(
        site,
        &full.path().join("public"),
        &jalon::Options::default(),
    );
    assert!(!report.has_errors(), "{step}");
    let (a, b) = (
        snapshot(incremental_out),
        snapshot(&full.path().join("public")),
    );
    let differing: Vec<&String> = a
        .keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .collect();
    assert!(
        differing.is_empty(),
        "{step}: incremental and full builds differ on {differing:?}"
    );
    // The list of written files, kept next to each output, is the same too.
    let list = |out: &Path| std::fs::read_to_string(out.with_file_name(".public.jalon-fichiers"));
    assert_eq!(
        list(incremental_out).unwrap(),
        list(&full.path().join("public")).unwrap(),
        "{step}: the lists of written files differ"
    );
    rendered
}

#[test]
fn incremental_builds_equal_full_builds() {
    let site = copy_site(&fixture("orientations"));
    let root = site.path();
    let work = common::scratch();
    let out = work.path().join("public");
    let mut builder = Builder::new(root.to_path_buf(), out.clone(), jalon::Options::default());
    let first = rebuild_and_compare(&mut builder, root, &out, "first build");
    assert!(first > 10);

    // Nothing changed: nothing goes through a template.
    assert_eq!(
        rebuild_and_compare(&mut builder, root, &out, "no change"),
        0
    );

    // Edit a fiche's body: only that page and the document complet, which holds the
    // whole schéma, are rendered again.
    let fiche = root.join("content/actions/1-2-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        text.replace(
            "Sessions de formation annuelles.",
            "Sessions de formation deux fois par an.",
        ),
    )
    .unwrap();
    assert_eq!(
        rebuild_and_compare(&mut builder, root, &out, "body edit"),
        2
    );

    // Edit a title: the pages that show it follow.
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        text.replace(
            "Former les professionnels",
            "Former tous les professionnels",
        ),
    )
    .unwrap();
    let rendered = rebuild_and_compare(&mut builder, root, &out, "title edit");
    assert!(rendered > 1 && rendered < first, "{rendered}");

    // Create a fiche, rename it, delete it.
    let created = root.join("content/actions/2-1-2.md");
    std::fs::write(
        &created,
        "---\nnumero: \"2.1.2\"\ntitre: Nouvelle action\norientation: \"2.1\"\nposition_departement: pilote\n---\n\n## Modalités de mise en œuvre\n\nVoir [[action 2.1.1]].\n",
    )
    .unwrap();
    rebuild_and_compare(&mut builder, root, &out, "create");
    let renamed = root.join("content/actions/nouvelle.md");
    std::fs::rename(&created, &renamed).unwrap();
    rebuild_and_compare(&mut builder, root, &out, "rename");
    std::fs::remove_file(&renamed).unwrap();
    rebuild_and_compare(&mut builder, root, &out, "delete");
    assert!(!out.join("action/2-1-2.html").exists());

    // Add indicators, change a value, remove them: their pages follow.
    let indicators = root.join("schema-data/indicateurs.yaml");
    let yaml = "- id: places\n  libelle: Places ouvertes\n  fiches: [\"1.1.1\"]\n  type: resultat\n  unite: nombre\n  valeurs:\n    - annee: 2018\n      valeur: 12\n    - annee: 2019\n      valeur: 15\n";
    std::fs::write(&indicators, yaml).unwrap();
    rebuild_and_compare(&mut builder, root, &out, "indicators added");
    assert!(out.join("indicateur/places.html").exists());
    std::fs::write(&indicators, yaml.replace("valeur: 15", "valeur: 16")).unwrap();
    let rendered = rebuild_and_compare(&mut builder, root, &out, "indicator value");
    assert!(rendered >= 3 && rendered < first, "{rendered}");
    std::fs::remove_file(&indicators).unwrap();
    rebuild_and_compare(&mut builder, root, &out, "indicators removed");
    assert!(!out.join("indicateur/places.html").exists());

    // Edit a template of the theme: every page is rendered again.
    let theme = root.join("themes/default/templates");
    std::fs::create_dir_all(&theme).unwrap();
    let page = std::fs::read_to_string(repo().join("themes/default/templates/page.html")).unwrap();
    std::fs::write(
        theme.join("page.html"),
        page.replace(
            "{% block contenu %}",
            "{% block contenu %}<p>Modèle local.</p>",
        ),
    )
    .unwrap();
    rebuild_and_compare(&mut builder, root, &out, "template edit");
    assert!(
        std::fs::read_to_string(out.join("gouvernance.html"))
            .unwrap()
            .contains("Modèle local.")
    );

    // A broken file: nothing is published, the output stays the last good site.
    let before = snapshot(&out);
    std::fs::write(&fiche, "---\ntitre: [\n---\n").unwrap();
    assert!(matches!(builder.rebuild(), Outcome::Failed { .. }));
    assert_eq!(snapshot(&out), before);
}

/// The preview renders the pages its tabs show first: after an edit, that page alone is
/// on disk with the new text while the rest of the site still waits; the complete
/// rebuild then brings everything to what a full build gives.
#[test]
fn the_shown_page_is_rebuilt_first() {
    let site = copy_site(&fixture("orientations"));
    let root = site.path();
    let work = common::scratch();
    let out = work.path().join("public");
    let mut builder = Builder::new(root.to_path_buf(), out.clone(), jalon::Options::default());
    rebuild_and_compare(&mut builder, root, &out, "first build");
    let before = snapshot(&out);
    let shown_page = before
        .iter()
        .find(|(path, bytes)| {
            path.ends_with(".html")
                && path.contains("1-2-1")
                && String::from_utf8_lossy(bytes).contains("Sessions de formation")
        })
        .map(|(path, _)| path.clone())
        .expect("the page of fiche 1.2.1");

    let fiche = root.join("content/actions/1-2-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        text.replace("Sessions de formation", "Ateliers de formation"),
    )
    .unwrap();
    let shown = std::collections::HashSet::from([shown_page.clone()]);
    let Outcome::Published { changed, .. } = builder.rebuild_pages(&shown) else {
        panic!("the shown page did not build");
    };
    assert_eq!(changed, vec![shown_page.clone()]);
    let after_page = snapshot(&out);
    assert!(String::from_utf8_lossy(&after_page[&shown_page]).contains("Ateliers de formation"));
    let others_changed: Vec<&String> = after_page
        .keys()
        .filter(|path| *path != &shown_page && after_page.get(*path) != before.get(*path))
        .collect();
    assert!(others_changed.is_empty(), "{others_changed:?}");
    // The search index and the document complet catch up with the complete rebuild.
    rebuild_and_compare(&mut builder, root, &out, "after the shown page");
    assert!(snapshot(&out).len() == before.len());
    assert!(snapshot(&out) != after_page);
}

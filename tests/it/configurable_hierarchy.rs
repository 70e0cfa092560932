//! A schéma with three levels, `1.1.1` numbering, its own labels and extra fields.

use crate::common::{build, fixture};

#[test]
fn the_fixture_builds_with_its_own_labels_and_numbering() {
    let built = build(&fixture("orientations"));
    let action = built.page("action/1-1-1.html");
    assert_eq!(
        action.texts("h1"),
        vec!["Action 1.1.1 : Créer un lieu d'accueil parents-enfants"]
    );
    let crumbs = action.texts(".fil li a");
    assert_eq!(crumbs, vec!["Accueil", "Axe 1", "Orientation 1.1"]);
    let summary = action.texts(".fiche-resume dt");
    assert!(
        summary.contains(&"Position du département".to_string()),
        "{summary:?}"
    );
    assert!(summary.contains(&"Orientation".to_string()), "{summary:?}");
    assert_eq!(
        action.texts(".sous-action h3")[0],
        "Étape 1 : Étudier les besoins"
    );
    // "CF [[action 1.2.1]]" became a link to the other action.
    assert!(
        action
            .attrs("a.ref", "href")
            .contains(&"../action/1-2-1.html".to_string())
    );

    let orientation = built.page("orientation/1.2.html");
    assert_eq!(
        orientation.texts("h1"),
        vec!["Orientation 1.2 : Repérer les situations de danger"]
    );
    let axe = built.page("axe/a1.html");
    assert_eq!(
        axe.texts("main h2 a"),
        vec![
            "Orientation 1.1 : Soutenir la parentalité",
            "Orientation 1.2 : Repérer les situations de danger"
        ]
    );
    let recap = built.page("recapitulatif.html");
    assert_eq!(
        recap.attrs("th[scope=row] a", "href"),
        vec![
            "action/1-1-1.html",
            "action/1-2-1.html",
            "action/2-1-1.html"
        ]
    );
}

#[test]
fn code_blocks_are_highlighted_and_raw_html_stays_text() {
    let built = build(&fixture("orientations"));
    let page = built.page("aide.html");
    assert!(
        !page.select("pre code span[class^='hl-']").is_empty(),
        "no highlighted code"
    );
    assert!(page.select("main script").is_empty());
    assert!(
        page.texts("main p")
            .iter()
            .any(|p| p.contains("<script>alert(1)</script>"))
    );
    // HTML comments are the editors' notes: never published, on one line or several.
    assert!(!page.text.contains("NOTE-INTERNE"));
    assert!(
        page.texts("main p")
            .iter()
            .any(|p| p.contains("Une note reste entre nous."))
    );
}

#[test]
fn the_logo_is_copied_and_shown() {
    let built = build(&fixture("orientations"));
    assert!(built.out().join("static/logo.svg").is_file());
    let page = built.page("action/1-1-1.html");
    assert_eq!(
        page.attrs("header img.entete-logo", "src"),
        vec!["../static/logo.svg"]
    );
}

/// A theme's `partiels/carte-fiche.html` draws every fiche card: under a group's children
/// and among its own fiches at heading level 3, on an actor's page at level 4, with links
/// relative to the page that shows it.
#[test]
fn a_theme_card_template_draws_every_fiche_card() {
    let work = crate::common::copy_site(&fixture("orientations"));
    let partials = work.path().join("themes/default/templates/partiels");
    std::fs::create_dir_all(&partials).unwrap();
    std::fs::write(
        partials.join("carte-fiche.html"),
        r#"<li class="carte-essai" data-niveau="{{ niveau }}" data-racine="{{ racine }}"><a href="{{ fiche.url }}">{{ fiche.label }} ({{ site.libelles.fiche }})</a></li>"#,
    )
    .unwrap();
    let built = build(work.path());
    let axe = built.page("axe/a1.html");
    // Axe 1 has two orientations, each with one action.
    assert_eq!(
        axe.texts("section .carte-essai"),
        vec!["Action 1.1.1 (Action)", "Action 1.2.1 (Action)"]
    );
    assert_eq!(axe.attrs(".carte-essai", "data-niveau"), vec!["3", "3"]);
    assert_eq!(
        axe.attrs(".carte-essai a", "href"),
        vec!["../action/1-1-1.html", "../action/1-2-1.html"]
    );
    let orientation = built.page("orientation/1.1.html");
    assert_eq!(
        orientation.texts(".carte-essai"),
        vec!["Action 1.1.1 (Action)"]
    );
    let acteur = built.page("acteur/departement.html");
    let levels = acteur.attrs(".carte-essai", "data-niveau");
    assert_eq!(levels.len(), 3, "{}", acteur.text);
    assert!(levels.iter().all(|l| l == "4"), "{levels:?}");
    assert!(
        acteur
            .attrs(".carte-essai", "data-racine")
            .iter()
            .all(|r| r == "../")
    );
    assert!(acteur.select(".carte-fiche").is_empty());
}

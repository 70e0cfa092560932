//! The bundled example schéma (Seine-Saint-Denis 2019-2023) builds into a complete site.

use std::sync::OnceLock;

use crate::common::{Built, build, repo};

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build(&repo()))
}

fn count_html(folder: &str) -> usize {
    std::fs::read_dir(site().out().join(folder))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "html")
        })
        .count()
}

#[test]
fn one_page_per_fiche_and_per_axe() {
    assert_eq!(count_html("fiche"), 19);
    assert_eq!(count_html("axe"), 8);
}

#[test]
fn every_fiche_page_shows_its_pilotes_and_sous_actions() {
    // Sous-actions per fiche, as counted in the seed document.
    let expected = [2, 1, 3, 2, 2, 2, 1, 2, 6, 3, 3, 3, 2, 3, 4, 4, 2, 3, 2];
    for (i, &count) in expected.iter().enumerate() {
        let page = site().page(&format!("fiche/{}.html", i + 1));
        let headings = page.texts(".sous-action h3");
        assert_eq!(headings.len(), count, "fiche {}", i + 1);
        for k in 1..=count {
            assert!(
                page.ids().contains(&format!("sous-action-{k}")),
                "fiche {} sous-action {k}",
                i + 1
            );
        }
        let pilotes = page.select("#pilotes + dd li");
        assert!(!pilotes.is_empty(), "fiche {} has no pilote", i + 1);
    }
    let fiche_19 = site().page("fiche/19.html");
    let pilotes = fiche_19.texts("#pilotes + dd li").join(" | ");
    assert!(pilotes.contains("ODPE"), "{pilotes}");
    assert!(pilotes.contains("UDAF"), "{pilotes}");
}

#[test]
fn the_odpe_page_lists_the_fiches_it_pilots() {
    let page = site().page("acteur/odpe.html");
    let piloted: Vec<String> =
        page.attrs("section[aria-labelledby=pilote] a[href*='fiche/']", "href");
    assert_eq!(
        piloted,
        vec!["../fiche/1.html", "../fiche/2.html", "../fiche/19.html"]
    );
}

#[test]
fn the_recap_lists_all_fiches_in_order() {
    let page = site().page("recapitulatif.html");
    let fiches: Vec<String> = page.attrs("table.recapitulatif th[scope=row] a", "href");
    let expected: Vec<String> = (1..=19).map(|n| format!("fiche/{n}.html")).collect();
    assert_eq!(fiches, expected);
    // Sous-actions link to their anchors, 50 in all.
    assert_eq!(
        page.select("table.recapitulatif td a[href*='#sous-action-']")
            .len(),
        50
    );
}

#[test]
fn calendars_mark_the_years_of_the_seed_grid() {
    // Fiche 14: action 1 in 2019 only, action 2 in 2020 only, action 3 in 2019 only.
    let page = site().page("fiche/14.html");
    let rows = page.select("table.calendrier tbody tr");
    let marked: Vec<Vec<bool>> = rows
        .iter()
        .map(|row| {
            let cells = scraper::Selector::parse("td:not(.calendrier-etat)").unwrap();
            row.select(&cells)
                .map(|td| td.value().classes().any(|c| c == "prevue"))
                .collect()
        })
        .collect();
    assert_eq!(
        marked,
        vec![
            vec![true, false, false, false, false],
            vec![false, true, false, false, false],
            vec![true, false, false, false, false],
        ]
    );
}

#[test]
fn every_page_has_french_lang_one_h1_and_a_title() {
    for (path, page) in site().pages() {
        assert_eq!(page.attrs("html", "lang"), vec!["fr"], "{path}");
        assert_eq!(page.select("h1").len(), 1, "{path}");
        // SVG charts carry their own <title>: the page title is the one in <head>.
        let title = page.texts("head > title");
        assert!(title.len() == 1 && !title[0].is_empty(), "{path}");
    }
}

#[test]
fn references_become_links_with_backlinks_on_the_target() {
    // Fiche 9 cites fiche 12, sous-action 1.
    let fiche_9 = site().page("fiche/9.html");
    assert!(
        fiche_9
            .attrs("a.ref", "href")
            .contains(&"../fiche/12.html#sous-action-1".to_string())
    );
    let fiche_12 = site().page("fiche/12.html");
    let cited_by = fiche_12.attrs("#cite-par ~ ul a, .cite-par a", "href");
    assert!(
        cited_by.iter().any(|h| h.starts_with("../fiche/9.html")),
        "{cited_by:?}"
    );
}

#[test]
fn sigles_are_expanded_once_per_page() {
    let page = site().page("fiche/9.html");
    let abbrs: Vec<String> = page.texts("main abbr[title]");
    let ase = abbrs.iter().filter(|a| *a == "ASE").count();
    assert_eq!(ase, 1, "{abbrs:?}");
}

#[test]
fn the_site_loads_nothing_from_outside() {
    for (path, page) in site().pages() {
        for attr in ["src", "href"] {
            for value in page.attrs(&format!("link[{attr}], script[{attr}], img[{attr}]"), attr) {
                assert!(!value.contains("//"), "{path} loads {value}");
            }
        }
    }
}

#[test]
fn plain_mentions_become_links() {
    // "(en lien avec la fiche action 1)" in a sous-action of fiche 5.
    let page = site().page("fiche/5.html");
    let mentions = page.links("a.ref");
    assert!(
        mentions.contains(&("../fiche/1.html".into(), "fiche action 1".into())),
        "{mentions:?}"
    );
}

#[test]
fn fiches_share_related_fiches() {
    let page = site().page("fiche/12.html");
    let related = page.attrs("#fiches-liees + ul a", "href");
    assert_eq!(related.len(), 5, "{related:?}");
    // Fiche 14 and fiche 9 cite fiche 12: they come first.
    assert_eq!(&related[..2], ["../fiche/14.html", "../fiche/9.html"]);
}

#[test]
fn references_of_every_form_resolve() {
    let page = site().page("pilotage.html");
    let refs = page.links("a.ref");
    let has = |href: &str, text: &str| refs.iter().any(|(h, t)| h == href && t == text);
    assert!(
        has(
            "acteur/odpe.html",
            "Observatoire départemental de la protection de l'enfance (ODPE)"
        ),
        "{refs:?}"
    );
    assert!(has("principes.html", "Principes fondateurs"), "{refs:?}");
    assert!(has("glossaire.html#sigle-odpe", "ODPE"), "{refs:?}");
    assert!(
        has("fiche/19.html", "impliquer les jeunes et les familles"),
        "{refs:?}"
    );
    // Axe and sous-action forms, from fiche pages.
    let fiche_5 = site().page("fiche/5.html");
    assert!(
        fiche_5
            .attrs("a.ref", "href")
            .contains(&"../axe/at1.html".to_string())
    );
    let fiche_19 = site().page("fiche/19.html");
    assert!(
        fiche_19
            .attrs("a.ref", "href")
            .contains(&"../fiche/17.html#sous-action-1".to_string())
    );
    // Backlinks on both sides: the actor and the page cited from "pilotage".
    for target in ["acteur/odpe.html", "principes.html"] {
        let cited_by = site().page(target).attrs(".cite-par a", "href");
        assert!(
            cited_by.iter().any(|h| h.contains("pilotage.html")),
            "{target}: {cited_by:?}"
        );
    }
}

#[test]
fn every_page_and_folder_jalon_makes_has_a_reserved_name() {
    // A free page or a level named like one of them would take its address.
    let own: Vec<String> = [
        "methode",
        "pilotage",
        "preambule",
        "principes",
        "axe",
        "fiche",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for entry in std::fs::read_dir(site().out()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let stem = match name.strip_suffix(".html") {
            Some(stem) => stem.to_string(),
            None if path.is_dir() => name.clone(),
            None => continue,
        };
        assert!(
            own.contains(&stem) || jalon::resolve::RESERVED.contains(&stem.as_str()),
            "« {stem} » is not reserved"
        );
    }
}

#[test]
fn every_page_declares_its_icon_so_that_no_favicon_is_asked_for() {
    for (path, page) in site().pages() {
        assert_eq!(page.attrs("link[rel=icon]", "href").len(), 1, "{path}");
    }
    // The logo, when the site has one, is the icon.
    let fixture = build(&crate::common::fixture("orientations"));
    let home = fixture.page("index.html");
    assert_eq!(home.attrs("link[rel=icon]", "href"), ["static/logo.svg"]);
}

/// French typography: a space typed before `: ; ! ? » %` or after `«` never lets the sign
/// start a line on its own, in the content as in the theme's own words.
#[test]
fn no_line_breaks_before_a_high_sign_or_inside_guillemets() {
    let breakable = regex::Regex::new(" [:;!?»%]|« ").unwrap();
    let mut found = Vec::new();
    for (path, page) in site().pages() {
        for node in page.html.root_element().descendants() {
            let Some(text) = node.value().as_text() else {
                continue;
            };
            let in_code = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "pre" | "code" | "script" | "style"))
            });
            if !in_code && breakable.is_match(text) {
                found.push(format!("{path}: {:?}", text.trim()));
            }
        }
    }
    found.dedup();
    assert!(
        found.is_empty(),
        "{} texts, first: {:#?}",
        found.len(),
        &found[..found.len().min(20)]
    );
    let guide = site().page("fiche/12.html").text;
    assert!(guide.contains("«\u{a0}Entrer dans la vie adulte\u{a0}»"));
}

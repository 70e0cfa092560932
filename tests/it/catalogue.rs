//! The practice catalogue of the example: one page per card, the catalogue and its facet
//! pages, cross-links with the schéma, and the filters in a real Chromium.

use crate::common;

use std::sync::OnceLock;

use crate::common::server::{browser, eventually};
use crate::common::{Built, build, repo};

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build(&repo()))
}

/// The 21 cards of the seed report, by theme (the first digit of their code).
const CARDS: [(&str, &[&str]); 5] = [
    ("conferences-familiales", &["1a", "1b", "1c", "1d", "1e"]),
    ("aller-vers", &["2a", "2b", "2c", "2d"]),
    ("pair-aidance", &["3a", "3b", "3c"]),
    ("reseaux-partenariat", &["4a", "4b", "4c"]),
    ("pouvoir-d-agir", &["5a", "5b", "5c", "5d", "5e", "5f"]),
];

fn codes(hrefs: Vec<String>) -> Vec<String> {
    hrefs
        .iter()
        .map(|h| {
            h.rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".html")
                .to_string()
        })
        .collect()
}

#[test]
fn one_page_per_card_and_a_catalogue_listing_them_all() {
    let pages = std::fs::read_dir(site().out().join("pratique"))
        .unwrap()
        .count();
    assert_eq!(pages, 21);
    let catalogue = site().page("pratiques.html");
    let listed = codes(catalogue.attrs(".carte-pratique h3 a", "href"));
    let all: Vec<String> = CARDS
        .iter()
        .flat_map(|(_, cards)| cards.iter().map(|c| c.to_string()))
        .collect();
    assert_eq!(listed, all);
}

/// The year filter reads « Année » as written: a span covers each of its years, and
/// « Depuis 2016 » every year up to the day of the site (2023-12-31 in the example).
#[test]
fn a_card_is_found_under_each_year_it_ran() {
    let catalogue = site().page("pratiques.html");
    let years = |code: &str| {
        let selector = format!(".carte-pratique:has(a[href$='/{code}.html'])");
        catalogue.attrs(&selector, "data-annee")[0].clone()
    };
    assert_eq!(years("3a"), "2020 2021");
    assert_eq!(years("5a"), "2016 2017 2018 2019 2020 2021 2022 2023");
    assert_eq!(years("1a"), "2014");
}

/// RGAA 8.7: a passage in another language carries its `lang`, written
/// `[[langue en|empowerment]]` in the card.
#[test]
fn a_word_in_another_language_is_marked_as_such() {
    let card = site().page("pratique/5a.html");
    assert_eq!(card.texts("main span[lang='en']"), ["empowerment"]);
    assert!(!card.texts("main").join(" ").contains("[["));
}

#[test]
fn each_theme_page_lists_exactly_its_cards() {
    for (theme, cards) in CARDS {
        let page = site().page(&format!("pratiques/theme/{theme}.html"));
        assert_eq!(
            codes(page.attrs(".carte-pratique a", "href")),
            *cards,
            "{theme}"
        );
    }
    // Territory pages: Gironde has a card in two themes.
    let gironde = site().page("pratiques/territoire/departement-de-la-gironde.html");
    assert_eq!(
        codes(gironde.attrs(".carte-pratique a", "href")),
        ["1c", "5b"]
    );
    // Counts agree with their number, as French does: « 1 fiche », « 2 fiches ».
    assert!(
        gironde
            .texts("main p")
            .contains(&"2 fiches pratiques.".to_string())
    );
    let one = site().page("pratiques/public/familles-monoparentales.html");
    assert!(
        one.texts("main p")
            .contains(&"1 fiche pratique.".to_string())
    );
    let home = site().page("index.html");
    let tiles = home.texts(".tuile-nombre");
    assert!(tiles.iter().all(|t| !t.contains("(s)")), "{tiles:?}");
}

#[test]
fn cards_and_fiches_cite_each_other() {
    let card = site().page("pratique/1d.html");
    let refs = card.attrs("a.ref", "href");
    assert!(
        refs.contains(&"../fiche/17.html#sous-action-1".to_string()),
        "{refs:?}"
    );
    assert!(refs.contains(&"../fiche/18.html".to_string()), "{refs:?}");
    let fiche = site().page("fiche/17.html");
    assert!(
        fiche
            .attrs(".cite-par a", "href")
            .iter()
            .any(|h| h.starts_with("../pratique/1d.html"))
    );
    // Close practices: the other cards of its theme come first.
    let close = codes(card.attrs("#pratiques-proches ~ ul a", "href"));
    assert_eq!(close[..4], ["1a", "1b", "1c", "1e"], "{close:?}");
}

/// A theme shared by hundreds of cards: only the cards nearest in the catalogue's order are
/// candidates, so a card late in the list is not paired with the theme's first cards
/// (comparing every pair would make a national catalogue quadratic).
#[test]
fn close_cards_of_a_crowded_theme_come_from_its_neighbourhood() {
    let dir = common::copy_site(&repo());
    for n in 1..=240 {
        std::fs::write(
            dir.path().join(format!("content/pratiques/x{n:03}.md")),
            format!("---\ncode: x{n:03}\ntitre: Carte {n}\nthemes: [aller-vers]\n---\n\n## Descriptif de l'action\n\nTexte.\n"),
        )
        .unwrap();
    }
    let built = build(dir.path());
    let close = codes(
        built
            .page("pratique/x240.html")
            .attrs("#pratiques-proches ~ ul a", "href"),
    );
    assert_eq!(close, ["x140", "x141", "x142", "x143", "x144"]);
    // A small theme is compared whole, as before.
    let close = codes(
        built
            .page("pratique/x003.html")
            .attrs("#pratiques-proches ~ ul a", "href"),
    );
    assert_eq!(close, ["2a", "2b", "2c", "2d", "x001"]);
}

#[test]
fn filters_combine_and_live_in_the_address() {
    let built = site();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let url = format!("file://{}", built.out().join("pratiques.html").display());
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let visible = |tab: &headless_chrome::Tab| -> String {
        tab.evaluate(
            "Array.from(document.querySelectorAll('.carte-pratique:not([hidden]) h3 a')).map(a => a.getAttribute('href').split('/').pop().replace('.html', '')).join(' ')",
            false,
        )
        .unwrap()
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
    };
    assert_eq!(
        visible(&tab).split(' ').count(),
        21,
        "without a filter every card shows"
    );
    // Choose a theme, then a territory, as a reader would.
    tab.evaluate(
        "for (const [name, value] of [['theme', 'conferences-familiales'], ['territoire', 'departement-de-la-gironde']]) { const s = document.getElementById('filtre-' + name); s.value = value; s.dispatchEvent(new Event('change')); }",
        false,
    )
    .unwrap();
    assert!(
        eventually(std::time::Duration::from_secs(5), || visible(&tab) == "1c"),
        "{}",
        visible(&tab)
    );
    let search = tab
        .evaluate("location.search", false)
        .unwrap()
        .value
        .unwrap();
    assert_eq!(
        search.as_str().unwrap(),
        "?theme=conferences-familiales&territoire=departement-de-la-gironde"
    );
    let count = tab
        .evaluate(
            "document.getElementById('filtres-compte').textContent",
            false,
        )
        .unwrap()
        .value
        .unwrap();
    assert_eq!(count.as_str().unwrap(), "1 fiche affichée.");
    // Reloading the filtered address restores the filters.
    let filtered =
        format!("{url}?theme=conferences-familiales&territoire=departement-de-la-gironde");
    let other = browser.new_tab().unwrap();
    other
        .navigate_to(&filtered)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    assert!(
        eventually(std::time::Duration::from_secs(5), || visible(&other)
            == "1c"),
        "{}",
        visible(&other)
    );
    let selected = other
        .evaluate("document.getElementById('filtre-theme').value", false)
        .unwrap()
        .value
        .unwrap();
    assert_eq!(selected.as_str().unwrap(), "conferences-familiales");
}

/// A card with two themes is listed under each: the count says how many cards show,
/// not how many entries.
#[test]
fn the_count_counts_a_card_with_two_themes_once() {
    let site = common::copy_site(&repo());
    let card = site.path().join("content/pratiques/2c.md");
    let text = std::fs::read_to_string(&card).unwrap();
    let two_themes = text.replace("themes: [aller-vers]", "themes: [aller-vers, pair-aidance]");
    assert_ne!(text, two_themes);
    std::fs::write(&card, two_themes).unwrap();
    let built = build(site.path());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let url = format!("file://{}", built.out().join("pratiques.html").display());
    tab.navigate_to(&format!("{url}?theme=pair-aidance"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let count = |tab: &headless_chrome::Tab| {
        tab.evaluate(
            "document.getElementById('filtres-compte').textContent",
            false,
        )
        .unwrap()
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
    };
    // 3a, 3b, 3c and 2c, which shows under both of its themes.
    assert!(
        eventually(std::time::Duration::from_secs(5), || count(&tab)
            == "4 fiches affichées."),
        "{}",
        count(&tab)
    );
    tab.evaluate(
        "const s = document.getElementById('filtre-theme'); s.value = ''; s.dispatchEvent(new Event('change'));",
        false,
    )
    .unwrap();
    assert!(
        eventually(std::time::Duration::from_secs(5), || count(&tab)
            == "21 fiches affichées."),
        "{}",
        count(&tab)
    );
}

#[test]
fn a_catalogue_can_be_published_alone() {
    let dir = common::scratch();
    let root = dir.path().join("catalogue");
    jalon::scaffold::init(&root, "catalogue-pratiques", false).unwrap();
    assert!(
        std::fs::read_to_string(root.join("jalon.yaml"))
            .unwrap()
            .contains("publier: catalogue")
    );
    let built = build(&root);
    for absent in [
        "recapitulatif.html",
        "calendrier.html",
        "fiche",
        "axe",
        "annee",
        "calendrier.ics",
        "donnees/fiches.csv",
        "donnees/sous-actions.csv",
        "donnees/suivi.csv",
        "donnees/indicateurs.csv",
    ] {
        assert!(!built.out().join(absent).exists(), "{absent} is published");
    }
    assert!(built.out().join("pratique/1a.html").is_file());
    // The open data page and the Frictionless description name the files there are.
    let open_data = built.page("donnees-ouvertes.html").texts("main").join(" ");
    assert!(
        open_data.contains("pratiques.csv") && !open_data.contains("fiches.csv"),
        "{open_data}"
    );
    let package = std::fs::read_to_string(built.out().join("donnees/datapackage.json")).unwrap();
    let package: serde_json::Value = serde_json::from_str(&package).unwrap();
    let names: Vec<&str> = package["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["acteurs", "pratiques"]);
    let home = built.page("index.html");
    assert!(
        home.attrs("main a", "href")
            .contains(&"pratiques.html".to_string())
    );
    let menu = home.texts("#menu a");
    assert!(
        menu.contains(&"Pratiques".to_string()) && !menu.contains(&"Calendrier".to_string()),
        "{menu:?}"
    );
    // The actor who initiated the card lists it; no fiche-action is spoken of.
    let actor = built.page("acteur/departement.html");
    assert_eq!(
        actor.texts("main h2"),
        ["Fiches pratiques lancées (1)", "Cité par"]
    );
    assert_eq!(codes(actor.attrs(".carte-pratique a", "href")), ["1a"]);
    let actors = built.page("acteurs.html").texts("main").join(" ");
    assert!(actors.contains("a lancé 1 fiche pratique"), "{actors}");
    assert!(!actors.contains("pilote"), "{actors}");
    // One card, one year, and a catalogue named like the site: said once, in the singular.
    assert_eq!(home.texts(".chiffres"), ["1 fiche pratique."]);
    assert_eq!(home.texts(".entete-periode"), ["2026"]);
    let catalogue = built.page("pratiques.html");
    assert_eq!(
        catalogue.texts("title"),
        ["Catalogue des pratiques – Nom de l'organisme"]
    );
    assert!(catalogue.texts(".chapo")[0].starts_with("1 fiche pratique partagée par"));
}

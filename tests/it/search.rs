//! The search, in a real headless Chromium, against the built example site opened from
//! disk (`file://`, as from a USB key) and through the preview server.

use crate::common;

use std::sync::OnceLock;
use std::time::Duration;

use crate::common::server::{Preview, browser, eventually, set_screen};
use crate::common::{Built, copy_site, repo};

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| common::build(&repo()))
}

fn eval(tab: &headless_chrome::Tab, script: &str) -> serde_json::Value {
    tab.evaluate(script, false)
        .unwrap_or_else(|e| panic!("{script}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

/// A result as the page shows it: title, address, and the addresses of its sub-results.
#[derive(Debug, serde::Deserialize)]
struct Hit {
    titre: String,
    url: String,
    sections: Vec<String>,
    fil: String,
}

/// Opens the search page at `query` (the part after `?`) and reads the results once the
/// count is announced.
fn results(tab: &headless_chrome::Tab, base: &str, query: &str) -> Vec<Hit> {
    // The previous page is marked, so that its results are never read as the new ones.
    let _ = tab.evaluate("window.pagePrecedente = true", false);
    tab.navigate_to(&format!("{base}recherche.html?{query}"))
        .unwrap();
    let announced = || {
        if eval(tab, "window.pagePrecedente === true").as_bool() != Some(false) {
            return false;
        }
        let status = eval(tab, "document.getElementById('recherche-etat').textContent");
        let shown = eval(
            tab,
            "document.querySelectorAll('#recherche-resultats > li').length",
        );
        let status = status.as_str().unwrap_or_default().to_string();
        let none = status.starts_with("Aucun") || status.contains("trop courants");
        none || (status.contains("résultat") && shown.as_u64() > Some(0))
    };
    assert!(
        eventually(Duration::from_secs(10), announced),
        "no results announced for {query}: {}",
        eval(
            tab,
            "JSON.stringify([location.href, window.pagePrecedente, document.readyState, (document.getElementById('recherche-etat') || {}).textContent, Array.from(document.querySelectorAll('script')).map(s => s.src), performance.getEntriesByType('resource').map(e => e.name + ' ' + Math.round(e.responseEnd))])"
        )
    );
    let json = eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#recherche-resultats > li')).map(li => ({\
           titre: li.querySelector('.resultat-titre a').textContent,\
           url: li.querySelector('.resultat-titre a').href,\
           fil: (li.querySelector('.resultat-fil') || {}).textContent || '',\
           sections: Array.from(li.querySelectorAll('.resultat-sections a')).map(a => a.href)})))",
    );
    serde_json::from_str(json.as_str().unwrap()).unwrap()
}

fn file_base() -> String {
    format!("file://{}/", site().out().display())
}

fn titles(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.titre.as_str()).collect()
}

#[test]
fn parentalite_without_accent_finds_the_fiches_about_parentalite() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let hits = results(&tab, &file_base(), "q=parentalite");
    let fiches: Vec<&Hit> = hits.iter().filter(|h| h.url.contains("/fiche/")).collect();
    // Every fiche whose page speaks of parentalité (or parental, parentales…) is found.
    let out = site().out();
    for entry in std::fs::read_dir(out.join("fiche")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "html") {
            let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
            let main = text.split("<main").nth(1).unwrap_or_default();
            let main = main.split("id=\"fiches-liees\"").next().unwrap_or_default();
            if main.contains("parentalité") {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                assert!(
                    fiches
                        .iter()
                        .any(|h| h.url.ends_with(&format!("/fiche/{name}"))),
                    "fiche/{name} speaks of parentalité but was not found: {:?}",
                    titles(&hits)
                );
            }
        }
    }
    assert!(fiches.len() >= 3, "{:?}", titles(&hits));
    let excerpts = eval(
        &tab,
        "Array.from(document.querySelectorAll('.resultat-extrait mark')).map(m => m.textContent.toLowerCase()).join(' ')",
    );
    assert!(
        excerpts.as_str().unwrap().contains("parentalité"),
        "matched words are highlighted: {excerpts}"
    );
}

#[test]
fn elision_and_accents_do_not_change_the_results() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let elided = results(&tab, &file_base(), "q=l%27%C3%A9valuation");
    let plain = results(&tab, &file_base(), "q=evaluation");
    assert!(elided.len() >= 3, "{:?}", titles(&elided));
    assert_eq!(titles(&elided)[..3], titles(&plain)[..3]);
    assert_eq!(elided.len(), plain.len());
}

#[test]
fn a_sigle_finds_the_pages_that_spell_it_out_even_in_the_plural_or_in_a_title() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    // « Projet pour l'enfant » is only in the indicator's title; the glossary's
    // « Mineur non accompagné » is written in the plural on the CAMNA's page.
    // « CD 93 », in two words in the glossary, is typed in one.
    for (sigle, page) in [
        ("PPE", "/indicateur/mineurs-avec-ppe.html"),
        ("MNA", "/acteur/camna.html"),
        ("CD93", "/acteur/cd93.html"),
    ] {
        let hits = results(&tab, &file_base(), &format!("q={sigle}"));
        assert!(
            hits.iter().any(|h| h.url.ends_with(page)),
            "{sigle}: {:?}",
            titles(&hits)
        );
    }
}

#[test]
fn a_sigle_finds_its_actor_first_then_the_fiches_it_pilots() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let hits = results(&tab, &file_base(), "q=ODPE");
    assert!(
        hits[0].url.ends_with("/acteur/odpe.html"),
        "{:?}",
        titles(&hits)
    );
    let actor = site().page("acteur/odpe.html");
    let piloted: Vec<String> = actor
        .links("section[aria-labelledby=pilote] .carte-fiche-titre a")
        .into_iter()
        .map(|(href, _)| href.trim_start_matches("../").to_string())
        .filter(|href| href.starts_with("fiche/"))
        .collect();
    assert!(!piloted.is_empty());
    let next: Vec<&str> = hits[1..=piloted.len()]
        .iter()
        .map(|h| h.url.as_str())
        .collect();
    for fiche in &piloted {
        assert!(
            next.iter().any(|url| url.ends_with(fiche.as_str())),
            "{fiche} is piloted by the ODPE and should come right after it: {:?}",
            titles(&hits)
        );
    }
}

#[test]
fn a_facet_narrows_the_results_to_one_axe() {
    // Served this time, as on a web server.
    let copy = copy_site(&repo());
    let preview = Preview::start(copy.path());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let all = results(&tab, &preview.url, "q=enfants");
    let narrowed = results(&tab, &preview.url, "q=enfants&axe=as2");
    assert!(!narrowed.is_empty() && narrowed.len() < all.len());
    for hit in &narrowed {
        assert!(
            hit.fil.starts_with("Axe stratégique 2") || hit.url.ends_with("/axe/as2.html"),
            "{} is not in axe 2 ({})",
            hit.titre,
            hit.fil
        );
    }
    // The facet's state is in the address and in the form.
    let checked = eval(
        &tab,
        "document.querySelector('input[name=axe][value=as2]').checked",
    );
    assert_eq!(checked, serde_json::Value::Bool(true));
    // Ticking a box from the page updates the address.
    eval(
        &tab,
        "document.querySelector('input[name=type][value=fiche]').click()",
    );
    assert!(eventually(Duration::from_secs(5), || {
        eval(&tab, "location.search")
            .as_str()
            .unwrap_or_default()
            .contains("type=fiche")
    }));
}

#[test]
fn the_results_come_right_after_the_field_and_the_filters_wait_in_a_fold() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let hits = results(&tab, &file_base(), "q=enfant");
    assert!(!hits.is_empty());
    eval(&tab, "document.getElementById('recherche-requete').focus()");
    // The field, its button, the folded filters, then the first result.
    for _ in 0..3 {
        tab.press_key("Tab").unwrap();
    }
    let focused = eval(
        &tab,
        "!!document.activeElement.closest('#recherche-resultats')",
    );
    assert_eq!(
        focused,
        serde_json::Value::Bool(true),
        "{}",
        eval(&tab, "document.activeElement.outerHTML")
    );
    assert_eq!(
        eval(&tab, "document.getElementById('recherche-filtres').open"),
        serde_json::Value::Bool(false)
    );
    // A filter in the address opens the fold and is counted on it; a filter that would
    // leave no result is not a stop for the keyboard.
    results(&tab, &file_base(), "q=enfant&axe=as2");
    assert_eq!(
        eval(&tab, "document.getElementById('recherche-filtres').open"),
        serde_json::Value::Bool(true)
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('#recherche-filtres summary').textContent.trim()"
        ),
        "Filtrer les résultats (1 filtre actif)"
    );
    let empty = eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('.facette input')].filter(c => c.parentNode.querySelector('.facette-compte').textContent === '(0)').map(c => c.disabled))",
    );
    let empty: Vec<bool> = serde_json::from_str(empty.as_str().unwrap()).unwrap();
    assert!(!empty.is_empty() && empty.iter().all(|&d| d), "{empty:?}");
}

#[test]
fn a_sous_action_hit_opens_the_fiche_at_its_anchor() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    // Words of a sous-action's description of fiche 1 ("Chaque trimestre, une
    // demi-journée locale…").
    let hits = results(&tab, &file_base(), "q=trimestre+demi-journ%C3%A9e");
    let fiche = hits
        .iter()
        .find(|h| h.url.ends_with("/fiche/1.html"))
        .unwrap_or_else(|| panic!("{:?}", titles(&hits)));
    let section = fiche
        .sections
        .first()
        .unwrap_or_else(|| panic!("no sub-result for {}", fiche.titre));
    assert!(
        section.ends_with("/fiche/1.html#sous-action-1"),
        "{section}"
    );
    eval(
        &tab,
        "document.querySelector('.resultat-sections a').click()",
    );
    assert!(eventually(Duration::from_secs(5), || {
        eval(&tab, "location.hash").as_str() == Some("#sous-action-1")
            && eval(&tab, "!!document.getElementById('sous-action-1')").as_bool() == Some(true)
    }));
}

/// Whether the header box shows its suggestions.
fn suggestions_shown(tab: &headless_chrome::Tab) -> bool {
    eval(
        tab,
        "document.getElementById('recherche-champ').getAttribute('aria-expanded')",
    )
    .as_str()
        == Some("true")
}

/// Types `query` in the header box of the home page of the site at `base`, and waits for
/// its suggestions.
fn type_in_the_header_box(tab: &headless_chrome::Tab, base: &str, query: &str) {
    tab.navigate_to(&format!("{base}index.html"))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    // The script has made the field a combobox: it listens.
    let field = tab
        .wait_for_element("#recherche-champ[role=combobox]")
        .unwrap();
    field.click().unwrap();
    tab.type_str(query).unwrap();
    assert!(
        eventually(Duration::from_secs(10), || suggestions_shown(tab)),
        "the suggestions open: {}",
        eval(
            tab,
            "JSON.stringify([document.activeElement.id, document.getElementById('recherche-champ').value, document.getElementById('recherche-annonce').textContent])"
        )
    );
}

#[test]
fn the_header_box_works_with_the_keyboard_alone() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    type_in_the_header_box(&tab, &file_base(), "ODPE");
    let announced = eval(
        &tab,
        "document.getElementById('recherche-annonce').textContent",
    );
    assert!(
        announced.as_str().unwrap().contains("résultat"),
        "{announced}"
    );
    tab.press_key("ArrowDown").unwrap();
    let active = eval(
        &tab,
        "document.getElementById(document.getElementById('recherche-champ').getAttribute('aria-activedescendant')).getAttribute('aria-selected')",
    );
    assert_eq!(active.as_str(), Some("true"));
    tab.press_key("Enter").unwrap();
    assert!(
        eventually(Duration::from_secs(10), || {
            eval(&tab, "location.pathname")
                .as_str()
                .is_some_and(|p| p.ends_with("/acteur/odpe.html"))
        }),
        "Enter opens the first suggestion"
    );
}

#[test]
fn escape_closes_the_suggestions_and_the_arrow_opens_them_again() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    type_in_the_header_box(&tab, &file_base(), "ODPE");
    tab.press_key("ArrowDown").unwrap();
    tab.press_key("Escape").unwrap();
    assert!(!suggestions_shown(&tab));
    let selected =
        "document.querySelectorAll('#recherche-suggestions [aria-selected=true]').length";
    assert_eq!(eval(&tab, selected), 0);
    tab.press_key("ArrowDown").unwrap();
    assert!(suggestions_shown(&tab));
    assert_eq!(eval(&tab, selected), 1);
}

/// Words spelled like the properties every JavaScript object inherits: the script keeps
/// words and terms in dictionaries, where `constructor` once found the object's own
/// constructor instead of nothing, and the search failed to « charger son index ».
#[test]
fn words_named_like_object_properties_are_searched_like_any_other() {
    const WORDS: [&str; 6] = [
        "constructor",
        "__proto__",
        "toString",
        "hasOwnProperty",
        "valueOf",
        "isPrototypeOf",
    ];
    let copy = copy_site(&repo());
    std::fs::write(
        copy.path().join("content/pages/notes-techniques.md"),
        format!(
            "---\ntitre: Notes techniques\n---\n\nLe script range ses mots dans des dictionnaires : {} y sont des mots comme les autres.\n",
            WORDS.join(", ")
        ),
    )
    .unwrap();
    let built = common::build(copy.path());
    let base = format!("file://{}/", built.out().display());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    for word in WORDS {
        let hits = results(&tab, &base, &format!("q={word}"));
        assert!(
            hits.iter()
                .any(|h| h.url.ends_with("/notes-techniques.html")),
            "{word}: {:?}",
            titles(&hits)
        );
        // The type filter counts the page.
        let count = eval(
            &tab,
            "document.querySelector('input[name=type][value=page]').parentNode.querySelector('.facette-compte').textContent",
        );
        assert_eq!(count.as_str(), Some("(1)"), "{word}");
    }
    for word in WORDS {
        type_in_the_header_box(&tab, &base, word);
        let suggested = "Array.from(document.querySelectorAll('#recherche-suggestions .suggestion-titre')).map(s => s.textContent)";
        assert!(
            eventually(Duration::from_secs(10), || {
                eval(&tab, &format!("{suggested}.includes('Notes techniques')")).as_bool()
                    == Some(true)
            }),
            "{word}: {}",
            eval(&tab, &format!("JSON.stringify({suggested})"))
        );
    }
}

#[test]
fn a_query_of_common_words_only_says_so() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let hits = results(&tab, &file_base(), "q=de+la+pour");
    assert!(hits.is_empty());
    let status = eval(
        &tab,
        "document.getElementById('recherche-etat').textContent",
    );
    assert!(
        status.as_str().unwrap().contains("mots trop courants"),
        "{status}"
    );
    // French spacing: the quotes hold to the words they quote, never alone on a line.
    assert!(
        status
            .as_str()
            .unwrap()
            .starts_with("«\u{a0}de la pour\u{a0}»"),
        "{status}"
    );
}

#[test]
fn without_javascript_the_search_page_points_elsewhere() {
    let page = site().page("recherche.html");
    let noscript = page.texts("noscript");
    assert!(
        noscript.iter().any(|t| t.contains("tableau récapitulatif")),
        "{noscript:?}"
    );
}

#[test]
fn the_search_fits_a_320_pixel_screen() {
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    set_screen(&tab, 320, 640, true);
    let hits = results(&tab, &file_base(), "q=parentalite");
    assert!(!hits.is_empty());
    // Nothing sticks out sideways: no horizontal scrolling of the page.
    let width = eval(&tab, "document.documentElement.scrollWidth");
    assert!(width.as_u64() <= Some(320), "the page is {width} px wide");
    // The header box opens its suggestions within the screen.
    let field = tab
        .wait_for_element("#recherche-champ[role=combobox]")
        .unwrap();
    field.click().unwrap();
    tab.type_str("parenta").unwrap();
    assert!(eventually(Duration::from_secs(10), || {
        eval(&tab, "document.getElementById('recherche-suggestions') && !document.getElementById('recherche-suggestions').hidden")
            .as_bool()
            == Some(true)
    }));
    let right = eval(
        &tab,
        "document.getElementById('recherche-suggestions').getBoundingClientRect().right",
    );
    assert!(right.as_f64() <= Some(320.0), "suggestions end at {right}");
}

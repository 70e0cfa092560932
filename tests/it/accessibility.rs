//! Accessibility audit: axe-core (WCAG 2.0 and 2.1, levels A and AA) in a real Chromium, on
//! one page of every type, on a wide and a phone-sized screen. Zero violations is the bar.
//! axe-core comes from the npm registry (scripts/test installs it).

use crate::common;

use crate::common::server::{Preview, browser, eventually, set_screen};
use crate::common::{copy_site, repo};

const PAGES: &[&str] = &[
    "/index.html",
    "/axe/as3.html",
    "/fiche/9.html",
    "/acteur/odpe.html",
    "/acteurs.html",
    "/calendrier.html",
    "/annee/2021.html",
    "/tableau-de-bord.html",
    "/indicateur/journees-cer.html",
    "/recapitulatif.html",
    "/glossaire.html",
    "/preambule.html",
    "/pratique/1d.html",
    "/pratiques.html",
    "/pratiques/theme/aller-vers.html",
    "/accessibilite.html",
    "/plan-du-site.html",
    "/recherche.html?q=parentalit%C3%A9&type=fiche",
    "/document-complet.html",
    "/page-qui-n-existe-pas.html",
];

fn axe_source() -> String {
    let path = std::env::var_os("AXE_CORE_JS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| repo().join("target/outils/node_modules/axe-core/axe.min.js"));
    std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "axe-core is missing at {}: run scripts/test, which installs it",
            path.display()
        )
    })
}

/// Runs axe-core on the tab's page: each violation as "rule selector, selector…".
fn run_axe(tab: &headless_chrome::Tab, axe: &str) -> Vec<String> {
    tab.evaluate(axe, false).expect("axe-core loads");
    let result = tab
        .evaluate(
            "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })\
             .then(r => JSON.stringify(r.violations.map(v => v.id + ' ' + v.nodes.map(n => n.target.join(' ')).join(', '))))",
            true,
        )
        .expect("axe-core runs");
    let text = result
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_else(|_| vec![format!("axe-core did not run: {text}")])
}

#[test]
fn the_audit_sees_a_violation() {
    let dir = common::scratch();
    let page = dir.path().join("x.html");
    std::fs::write(&page, "<!DOCTYPE html><html lang=fr><title>x</title><main><h1>x</h1><img src=x.png></main></html>").unwrap();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("file://{}", page.display()))
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let found = run_axe(&tab, &axe_source());
    assert!(
        found.iter().any(|v| v.starts_with("image-alt")),
        "{found:?}"
    );
}

#[test]
fn every_page_type_passes_axe_core() {
    let site = copy_site(&repo());
    let preview = Preview::start(site.path());
    let axe = axe_source();
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let mut violations = Vec::new();
    for (width, height, mobile) in [(1280, 900, false), (375, 740, true)] {
        set_screen(&tab, width, height, mobile);
        for page in PAGES {
            let url = format!("{}{}", preview.url.trim_end_matches('/'), page);
            tab.navigate_to(&url).unwrap();
            let ready = || {
                tab.evaluate(
                    // The search page is ready once it has announced its results: the
                    // preview may leave one of its many index requests pending (the
                    // script asks again), which holds back the load event.
                    "document.readyState !== 'loading' && !!document.querySelector('h1') \
                     && (document.readyState === 'complete' \
                         || !!(document.getElementById('recherche-etat') || {}).textContent)",
                    false,
                )
                .ok()
                .and_then(|r| r.value)
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
            };
            assert!(
                eventually(std::time::Duration::from_secs(10), ready),
                "{page} did not load"
            );
            let found = run_axe(&tab, &axe);
            violations.extend(
                found
                    .into_iter()
                    .map(|v| format!("{page} à {width} px : {v}")),
            );
        }
    }
    assert!(
        violations.is_empty(),
        "{} violations:\n{}",
        violations.len(),
        violations.join("\n")
    );
}

#[test]
fn the_keyboard_reaches_the_skip_link_first_then_the_menu() {
    let built = common::build(&repo());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let url = format!("file://{}", built.out().join("fiche/9.html").display());
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let focused = |tab: &headless_chrome::Tab| -> String {
        tab.evaluate("document.activeElement.textContent.trim() + ' → ' + (document.activeElement.getAttribute('href') || '')", false)
            .unwrap()
            .value
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    tab.press_key("Tab").unwrap();
    assert_eq!(focused(&tab), "Aller au contenu → #contenu");
    // Past the other skip links, the first link of the header, then the main menu.
    let mut seen = Vec::new();
    for _ in 0..6 {
        tab.press_key("Tab").unwrap();
        seen.push(focused(&tab));
    }
    assert!(
        seen.iter().any(|f| f == "Accueil → ../index.html"),
        "{seen:?}"
    );
    let menu = tab
        .evaluate("!!document.activeElement.closest('#menu') || !!document.activeElement.closest('header')", false)
        .unwrap()
        .value
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    assert!(menu, "focus left the header too early: {seen:?}");
    // Enter on the skip link moves the focus to the content.
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.press_key("Tab").unwrap();
    tab.press_key("Enter").unwrap();
    let target = tab.evaluate("location.hash", false).unwrap().value.unwrap();
    assert_eq!(target.as_str().unwrap(), "#contenu");
}

#[test]
fn every_page_links_to_the_declared_accessibility_statement() {
    let built = common::build(&repo());
    for (path, page) in built.pages() {
        let links = page.texts("footer a[href$='accessibilite.html']");
        assert_eq!(links, vec!["Accessibilité : non conforme"], "{path}");
        assert!(
            !page
                .attrs("footer a[href$='plan-du-site.html']", "href")
                .is_empty(),
            "{path}"
        );
    }
    let statement = built.page("accessibilite.html");
    let text = statement.texts("main").join(" ");
    assert!(text.contains("non conforme"));
    assert!(text.contains("Défenseur des droits"));
    assert!(text.contains("pas encore fait l'objet d'un audit"));
    // The commitment names the publisher as jalon.yaml writes it, article included.
    assert!(statement.texts("main p")[0].starts_with(
        "Le Département de la Seine-Saint-Denis s'engage à rendre son site internet accessible"
    ));
}

#[test]
fn without_an_entity_the_statement_names_the_publisher_without_guessing() {
    let site = common::scratch();
    jalon::scaffold::init(site.path(), "catalogue-pratiques", false).unwrap();
    let config = site.path().join("jalon.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    let without: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("entite:"))
        .map(|line| format!("{line}\n"))
        .collect();
    assert_ne!(text, without);
    std::fs::write(&config, without).unwrap();
    let built = common::build(site.path());
    let text = built.page("accessibilite.html").texts("main p").join(" ");
    assert!(text.starts_with("L'éditeur de ce site s'engage"), "{text}");
}

#[test]
fn every_status_bar_is_drawn_in_the_colours_of_its_legend() {
    let built = common::build(&repo());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    for page in ["index.html", "tableau-de-bord.html"] {
        let url = format!("file://{}", built.out().join(page).display());
        tab.navigate_to(&url)
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        // Each segment's fill, and the swatch of the same state in the page's legend.
        let pairs = tab
            .evaluate(
                "JSON.stringify([...document.querySelectorAll('svg.barre-statuts rect')].map(r => {\
                   const legend = document.querySelector('.legende-statuts .' + r.getAttribute('class'));\
                   return [r.getAttribute('class'), getComputedStyle(r).fill, legend ? getComputedStyle(legend).backgroundColor : 'sans légende'];\
                 }))",
                false,
            )
            .unwrap()
            .value
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap();
        let pairs: Vec<(String, String, String)> = serde_json::from_str(&pairs).unwrap();
        assert!(!pairs.is_empty(), "{page}: no status bar");
        for (segment, fill, swatch) in &pairs {
            assert_ne!(fill, "rgb(0, 0, 0)", "{page}: {segment} is black");
            assert_eq!(fill, swatch, "{page}: {segment} and its legend differ");
        }
    }
}

#[test]
fn the_statement_links_to_the_ways_of_appeal() {
    let built = common::build(&repo());
    let page = built.page("accessibilite.html");
    let links = page.links("main li a");
    let hrefs: Vec<&str> = links.iter().map(|(href, _)| href.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "https://formulaire.defenseurdesdroits.fr/",
            "https://www.defenseurdesdroits.fr/saisir/delegues"
        ]
    );
}

/// A page of several calendars (RGAA 6.1, 12): each scrolling area and each link to its
/// table says which calendar it is, for a screen reader's list of regions or links.
#[test]
fn the_calendars_of_a_page_have_names_that_tell_them_apart() {
    let built = common::build(&repo());
    for path in ["calendrier.html", "document-complet.html"] {
        let page = built.page(path);
        let regions = page.attrs(".gantt-defilement", "aria-label");
        let links = page.texts(".gantt-acces a");
        assert!(regions.len() > 5 && links.len() == regions.len(), "{path}");
        for names in [&regions, &links] {
            let distinct: std::collections::HashSet<&String> = names.iter().collect();
            assert_eq!(distinct.len(), names.len(), "{path}: {names:?}");
        }
    }
}

/// RGAA 12.6: landmarks of the same kind have names that tell them apart. The document
/// complet holds every fiche, and every fiche has its « Calendrier ».
#[test]
fn the_regions_of_the_document_complet_have_distinct_names() {
    let built = common::build(&repo());
    let page = built.page("document-complet.html");
    let mut names = std::collections::HashMap::new();
    for labelled in page.attrs("section[aria-labelledby]", "aria-labelledby") {
        let name: Vec<String> = labelled
            .split_whitespace()
            .flat_map(|id| page.texts(&format!("[id='{id}']")))
            .collect();
        let name = name.join(" ");
        *names.entry(name).or_insert(0) += 1;
    }
    let repeated: Vec<_> = names.iter().filter(|(_, n)| **n > 1).collect();
    assert!(names.len() > 50 && repeated.is_empty(), "{repeated:?}");
}

#[test]
fn on_a_phone_the_content_starts_on_the_first_screen_and_the_menu_unfolds() {
    let built = common::build(&repo());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    set_screen(&tab, 320, 640, true);
    let url = format!("file://{}", built.out().join("fiche/9.html").display());
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    let eval = |script: &str| {
        (tab.evaluate(script, false).unwrap().value).unwrap_or(serde_json::Value::Null)
    };
    let top = eval("document.querySelector('main h1').getBoundingClientRect().top");
    assert!(
        top.as_f64().unwrap() < 640.0,
        "the title starts at {top} px"
    );
    // One menu is shown at a time: folded on a phone, its links reachable once unfolded.
    let visible_links =
        "[...document.querySelectorAll('#menu a')].filter(a => a.checkVisibility()).length";
    assert_eq!(eval(visible_links), 0);
    eval("document.querySelector('#menu summary').click()");
    assert!(eval(visible_links).as_u64().unwrap() > 5);
    set_screen(&tab, 1280, 900, false);
    eval("document.querySelector('#menu details').open = false");
    assert!(
        eval(visible_links).as_u64().unwrap() > 5,
        "the wide menu is always shown"
    );
}

/// RGAA 3.3: the colours of the states (calendars, dashboard) keep 3:1 against the page,
/// and the symbol on a filled bar 4.5:1 against its fill, in the light and dark schemes.
#[test]
fn state_colours_keep_their_contrast_in_both_colour_schemes() {
    use headless_chrome::protocol::cdp::Emulation::{MediaFeature, SetEmulatedMedia};
    let built = common::build(&repo());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let url = format!("file://{}", built.out().join("calendrier.html").display());
    let mut failures = Vec::new();
    for scheme in ["light", "dark"] {
        tab.call_method(SetEmulatedMedia {
            media: None,
            features: Some(vec![MediaFeature {
                name: "prefers-color-scheme".into(),
                value: scheme.into(),
            }]),
        })
        .unwrap();
        tab.navigate_to(&url)
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        let ratios = tab
            .evaluate(
                "(() => {\
                   const channels = c => c.match(/[\\d.]+/g).slice(0, 3).map(Number);\
                   const lum = c => channels(c).map(v => v / 255)\
                     .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))\
                     .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);\
                   const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };\
                   const colour = value => { const probe = document.createElement('span'); probe.style.color = value; document.querySelector('.gantt').append(probe); const c = getComputedStyle(probe).color; probe.remove(); return c; };\
                   const page = colour('var(--fond)');\
                   const ratios = ['realisee', 'reportee', 'abandonnee', 'retard'].map(s => [s, ratio(colour(`var(--etat-${s})`), page)]);\
                   const bar = document.querySelector('.gantt-barre.statut-realisee');\
                   ratios.push(['symbole sur réalisée', ratio(getComputedStyle(bar).color, getComputedStyle(bar).backgroundColor)]);\
                   return JSON.stringify(ratios);\
                 })()",
                false,
            )
            .unwrap()
            .value
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap();
        let ratios: Vec<(String, f64)> = serde_json::from_str(&ratios).unwrap();
        assert_eq!(ratios.len(), 5);
        for (what, ratio) in ratios {
            let needed = if what.starts_with("symbole") {
                4.5
            } else {
                3.0
            };
            if ratio < needed {
                failures.push(format!("{scheme} : {what} {ratio:.2}:1"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:?}");
}

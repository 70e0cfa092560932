//! A link checker over the whole output of the example and of the fixture: every internal
//! `href` and `src` resolves to a file, every `#anchor` to an id of its page.

use crate::common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use crate::common::{Built, build, fixture, repo};

fn check_links(built: &Built) {
    let pages = built.pages();
    let ids: BTreeMap<&str, HashSet<String>> = pages
        .iter()
        .map(|(p, page)| (p.as_str(), page.ids()))
        .collect();
    let mut broken = Vec::new();
    for (path, page) in &pages {
        for id in duplicate_ids(page) {
            broken.push(format!("{path}: id {id} used more than once"));
        }
    }
    for (path, page) in &pages {
        // The 404 page is served at any depth: its links start at the site's base.
        if path == "404.html" {
            continue;
        }
        for attr in ["href", "src"] {
            for link in page.attrs(&format!("[{attr}]"), attr) {
                if link.starts_with("http://")
                    || link.starts_with("https://")
                    || link.starts_with("mailto:")
                    || link.starts_with("data:")
                {
                    continue;
                }
                let (file, anchor) = link
                    .split_once('#')
                    .map_or((link.as_str(), None), |(f, a)| (f, Some(a)));
                let target = if file.is_empty() {
                    path.clone()
                } else {
                    resolve(path, file)
                };
                if !built.out().join(&target).is_file() {
                    broken.push(format!("{path}: {link} → {target} missing"));
                    continue;
                }
                if let Some(anchor) = anchor
                    && !ids
                        .get(target.as_str())
                        .is_some_and(|set| set.contains(anchor))
                {
                    broken.push(format!("{path}: {link} → no id {anchor} in {target}"));
                }
            }
        }
    }
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

/// Ids that appear on more than one element of a page: an anchor to them is ambiguous.
fn duplicate_ids(page: &common::Page) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut twice: Vec<String> = page
        .attrs("[id]", "id")
        .into_iter()
        .filter(|id| !seen.insert(id.clone()))
        .collect();
    twice.dedup();
    twice
}

/// `../fiche/12.html` seen from `axe/as1.html` → `fiche/12.html`.
fn resolve(from: &str, link: &str) -> String {
    let mut parts: Vec<&str> = Path::new(from).parent().map_or(vec![], |p| {
        p.to_str()
            .unwrap()
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    });
    for segment in link.split('/') {
        match segment {
            ".." => {
                parts.pop();
            }
            "." | "" => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}

#[test]
fn example_links_resolve() {
    check_links(&build(&repo()));
}

#[test]
fn fixture_links_resolve() {
    check_links(&build(&fixture("orientations")));
}

#[test]
fn the_checker_sees_a_broken_link() {
    let built = build(&fixture("orientations"));
    let page = built.out().join("gouvernance.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        html.replace("</main>", "<a href=\"nulle-part.html\">x</a></main>"),
    )
    .unwrap();
    let result = std::panic::catch_unwind(|| check_links(&built));
    assert!(result.is_err());
}

#[test]
fn the_checker_sees_a_duplicate_id() {
    let built = build(&fixture("orientations"));
    let page = built.out().join("gouvernance.html");
    let html = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        html.replace("</main>", "<p id=\"contenu\">x</p></main>"),
    )
    .unwrap();
    let result = std::panic::catch_unwind(|| check_links(&built));
    assert!(result.is_err());
}

/// The document complet holds the whole schéma: every link to a fiche, a sous-action, a
/// group, a free page or a sigle is an anchor inside it, never a link to another page.
#[test]
fn document_complet_links_stay_inside() {
    for site in [repo(), fixture("orientations")] {
        let built = build(&site);
        let page = built.page("document-complet.html");
        let outside: Vec<String> = page
            .attrs("main a[href]", "href")
            .into_iter()
            .filter(|href| !href.starts_with('#') && !href.starts_with("http"))
            .filter(|href| {
                !["acteur/", "pratique/", "indicateur/"]
                    .iter()
                    .any(|page| href.starts_with(page))
            })
            .collect();
        assert!(outside.is_empty(), "{}: {outside:?}", site.display());
        let internal = page.attrs("main a[href^='#']", "href").len();
        assert!(internal > 20, "{internal} in-page links only");
        for fiche in [
            "#fiche-9",
            "#fiche-17--sous-action-1",
            "#axe-as3",
            "#sigle-odpe",
        ] {
            if site == repo() {
                assert!(
                    page.attrs("main a[href]", "href")
                        .iter()
                        .any(|h| h == fiche),
                    "no link to {fiche}"
                );
            }
        }
    }
}

#[test]
fn catalogue_only_links_resolve() {
    let dir = common::scratch();
    let site = dir.path().join("catalogue");
    jalon::scaffold::init(&site, "catalogue-pratiques", false).unwrap();
    check_links(&build(&site));
}

/// A schéma beyond `WHOLE_SCHEMA_MAX_FICHES` fiches has no document complet, and no page
/// links to one; its calendar page counts each axe's sous-actions by year instead of
/// drawing every chart, and sends to each axe's own chart.
#[test]
fn no_whole_schema_page_beyond_the_largest_real_schemas() {
    let dir = common::scratch();
    let site = dir.path().join("corpus");
    let fiches = jalon::model::WHOLE_SCHEMA_MAX_FICHES + 1;
    jalon::corpus::generate(&site, &jalon::corpus::Size::new(fiches, 42)).unwrap();
    let built = build(&site);
    assert!(!built.out().join("document-complet.html").exists());
    assert!(
        built
            .page("index.html")
            .attrs("a[href$='document-complet.html']", "href")
            .is_empty()
    );

    let calendar = built.page("calendrier.html");
    assert!(calendar.select(".gantt").is_empty(), "no chart on the page");
    let number = |text: &str| -> usize {
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        digits.parse().unwrap()
    };
    let years = calendar.texts(".calendrier-synthese thead th");
    let column = years.iter().position(|y| y == "2026").unwrap();
    let planned_2026: usize = calendar
        .select(".calendrier-synthese tbody tr")
        .iter()
        .map(|row| {
            let cells: Vec<String> = row
                .children()
                .filter_map(scraper::ElementRef::wrap)
                .map(|c| c.text().collect())
                .collect();
            number(&cells[column])
        })
        .sum();
    let year = built.page("annee/2026.html").texts(".chapo").join(" ");
    assert_eq!(
        planned_2026,
        number(year.split(' ').next().unwrap()),
        "{year}"
    );
    let charts = calendar.attrs(".calendrier-synthese td a", "href");
    assert_eq!(
        charts.len(),
        calendar.select(".calendrier-synthese tbody tr").len()
    );
    for chart in charts {
        let (page, anchor) = chart.split_once('#').unwrap();
        assert!(built.page(page).ids().contains(anchor), "{chart}");
    }
    check_links(&built);
}

/// The préambule holds the free pages in their order, except those marked `document: false`.
#[test]
fn the_preamble_leaves_out_pages_marked_so() {
    let built = build(&fixture("orientations"));
    let page = built.page("document-complet.html");
    let ids = page.ids();
    assert!(ids.contains("page-gouvernance"));
    assert!(!ids.contains("page-aide"));
    let sommaire = page.texts(".sommaire-document li").join(" | ");
    assert!(sommaire.starts_with("Gouvernance | Axe 1"), "{sommaire}");
    assert!(!page.texts("main").join(" ").contains("Aide à la rédaction"));
}

#[test]
fn a_symbolic_link_never_publishes_a_file_from_outside_the_site() {
    let work = common::scratch();
    let site = work.path().join("site");
    common::copy_dir(&common::fixture("orientations"), &site);
    let secret = work.path().join("secret.txt");
    std::fs::write(&secret, "mot de passe du poste").unwrap();
    let link = |at: &str| {
        let path = site.join(at);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&path);
        std::os::unix::fs::symlink(&secret, &path).unwrap();
    };
    link("static/logo.svg");
    link("themes/default/static/jalon.css");
    link("content/pages/annexe.md");
    // A link that stays inside the site is fine. (Named: the first file `read_dir` gives
    // may be the link to the secret, on tmpfs.)
    std::os::unix::fs::symlink(
        site.join("content/pages/gouvernance.md"),
        site.join("content/pages/meme-page.md"),
    )
    .unwrap();
    let report = jalon::build(
        &site,
        &work.path().join("public"),
        &jalon::Options::default(),
    );
    let mut refused: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "chemin-interdit")
        .map(|d| d.location.as_ref().unwrap().file.display().to_string())
        .collect();
    refused.sort();
    // The logo is reported where schema.yaml names it, and as a file of static/.
    assert_eq!(
        refused,
        [
            "content/pages/annexe.md",
            "schema-data/schema.yaml",
            "static/logo.svg",
            "themes/default/static/jalon.css"
        ],
        "{:?}",
        report.diagnostics
    );
    assert!(!work.path().join("public").exists());
}

/// A folder linked to another place (`static` to a home folder, committed as a link),
/// or a file named through `..`, publishes nothing from there either.
#[test]
fn a_linked_folder_or_a_path_through_dots_never_publishes_from_outside_the_site() {
    let work = common::scratch();
    let site = work.path().join("site");
    common::copy_dir(&common::fixture("orientations"), &site);
    let outside = work.path().join("ailleurs");
    std::fs::create_dir_all(outside.join("fiches")).unwrap();
    std::fs::write(outside.join("secret.txt"), "mot de passe du poste").unwrap();
    std::fs::write(outside.join("axes.yaml"), "- id: x\n  titre: secret\n").unwrap();
    std::fs::remove_dir_all(site.join("static")).ok();
    std::os::unix::fs::symlink(&outside, site.join("static")).unwrap();
    let schema = site.join("schema-data/schema.yaml");
    let text = std::fs::read_to_string(&schema).unwrap();
    let outward = text.replace("fichier: axes.yaml", "fichier: ../../ailleurs/axes.yaml");
    assert_ne!(text, outward);
    std::fs::write(&schema, outward).unwrap();
    let report = jalon::build(
        &site,
        &work.path().join("public"),
        &jalon::Options::default(),
    );
    let refused: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "chemin-interdit")
        .map(|d| d.location.as_ref().unwrap().file.display().to_string())
        .collect();
    assert!(
        refused.contains(&"schema-data/schema.yaml".to_string()),
        "{:?}",
        report.diagnostics
    );
    // The linked folder is refused once, as a whole: nothing under it is walked.
    let in_static: Vec<&String> = refused.iter().filter(|f| f.starts_with("static")).collect();
    assert_eq!(in_static, ["static"], "{:?}", report.diagnostics);
    assert!(
        !report
            .diagnostics
            .iter()
            .any(|d| d.message.contains("secret") && d.code != "chemin-interdit")
    );
    assert!(!work.path().join("public").exists());
}

#[test]
fn markdown_files_are_read_whatever_the_case_of_their_extension_but_hidden_ones_are_not() {
    let work = common::scratch();
    let site = work.path().join("site");
    common::copy_dir(&common::fixture("orientations"), &site);
    let pages = site.join("content/pages");
    std::fs::rename(pages.join("aide.md"), pages.join("aide.MD")).unwrap();
    std::fs::rename(
        pages.join("gouvernance.md"),
        pages.join("gouvernance.markdown"),
    )
    .unwrap();
    // A hidden file is an editor's or the system's, never a page: not even read.
    std::fs::write(pages.join(".brouillon.md"), "---\ntitre: [brouillon\n---\n").unwrap();
    let out = work.path().join("public");
    let report = jalon::build(&site, &out, &jalon::Options::default());
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    assert!(out.join("aide.html").is_file() && out.join("gouvernance.html").is_file());
    assert!(!out.join("brouillon.html").exists() && !out.join(".brouillon.html").exists());
}

#[test]
fn files_of_static_are_published_and_linked_from_any_depth() {
    let work = common::scratch();
    let site = work.path().join("site");
    common::copy_dir(&common::fixture("orientations"), &site);
    std::fs::create_dir_all(site.join("static/annexes")).unwrap();
    std::fs::write(site.join("static/annexes/carte.png"), b"\x89PNG carte").unwrap();
    std::fs::write(site.join("static/annexes/plan d'action.pdf"), b"%PDF").unwrap();
    std::fs::write(site.join("static/.DS_Store"), b"du finder").unwrap();
    let fiche = site.join("content/actions/1-2-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        format!(
            "{text}\n![Carte des territoires](static/annexes/carte.png)\n\n[Le plan](static/annexes/plan%20d'action.pdf#page=2)\n"
        ),
    )
    .unwrap();
    let out = work.path().join("public");
    let report = jalon::build(&site, &out, &jalon::Options::default());
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    assert_eq!(
        std::fs::read(out.join("static/annexes/carte.png")).unwrap(),
        b"\x89PNG carte"
    );
    assert!(!out.join("static/.DS_Store").exists());
    // The logo, in static/ too, is published once.
    assert!(out.join("static/logo.svg").is_file());
    let page = common::Page::new(
        "action/1-2-1.html",
        &std::fs::read_to_string(out.join("action/1-2-1.html")).unwrap(),
    );
    assert_eq!(
        page.attrs("main img[alt='Carte des territoires']", "src"),
        ["../static/annexes/carte.png"]
    );
    assert_eq!(
        page.attrs("main a[href$='page=2']", "href"),
        ["../static/annexes/plan%20d'action.pdf#page=2"]
    );
    // A missing file is an error; a relative link to nowhere known, a warning.
    std::fs::write(
        &fiche,
        format!("{text}\n[Guide](static/guide.pdf) et [fiche 6](fiche/6.html)\n"),
    )
    .unwrap();
    let report = jalon::build(&site, &out, &jalon::Options::default());
    let found: Vec<(&str, bool)> = report
        .diagnostics
        .iter()
        .map(|d| (d.code, d.is_error()))
        .collect();
    assert_eq!(
        found,
        [("fichier-introuvable", true), ("lien-relatif", false)],
        "{:?}",
        report.diagnostics
    );
}

/// An image's text is its `alt` attribute: references, mentions and sigles stay plain
/// there (markup would be read aloud), and the sigle's first `<abbr>` waits for the text.
#[test]
fn an_image_description_stays_plain_text() {
    let work = common::scratch();
    let site = work.path().join("site");
    common::copy_dir(&common::fixture("orientations"), &site);
    std::fs::create_dir_all(site.join("static")).unwrap();
    std::fs::write(site.join("static/carte.png"), b"\x89PNG carte").unwrap();
    let fiche = site.join("content/actions/1-2-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        format!(
            "{text}\n![Les antennes de la CAF, voir [[action 1.1.1]]](static/carte.png)\n\nLa CAF accueille.\n"
        ),
    )
    .unwrap();
    let out = work.path().join("public");
    let report = jalon::build(&site, &out, &jalon::Options::default());
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let page = common::Page::new(
        "action/1-2-1.html",
        &std::fs::read_to_string(out.join("action/1-2-1.html")).unwrap(),
    );
    assert_eq!(
        page.attrs("main img", "alt"),
        ["Les antennes de la CAF, voir [[action 1.1.1]]"]
    );
    assert_eq!(page.texts("main p abbr[title]"), ["CAF"]);
}

/// A heading of the text never takes a sous-action's anchor, which calendars, references
/// and search results lead to: on the fiche's page as in the document complet.
#[test]
fn a_heading_never_takes_the_anchor_of_a_sous_action() {
    let work = common::scratch();
    let site = work.path().join("site");
    common::copy_dir(&common::fixture("orientations"), &site);
    let fiche = site.join("content/actions/1-1-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        format!("{text}\n## Sous-action 1\n\nTexte.\n\n## Bilan {{#sous-action-2}}\n\nTexte.\n"),
    )
    .unwrap();
    let built = build(&site);
    for path in ["action/1-1-1.html", "document-complet.html"] {
        let page = built.page(path);
        assert_eq!(duplicate_ids(&page), Vec::<String>::new(), "{path}");
    }
    let page = built.page("action/1-1-1.html");
    for n in [1, 2] {
        let anchor = format!("#sous-action-{n}");
        assert_eq!(
            page.select(&format!(".sous-action {anchor}")).len(),
            1,
            "{anchor}"
        );
    }
}

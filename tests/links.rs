//! A link checker over the whole output of the example and of the fixture: every internal
//! `href` and `src` resolves to a file, every `#anchor` to an id of its page.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use common::{Built, build, fixture, repo};

fn check_links(built: &Built) {
    let pages = built.pages();
    let ids: BTreeMap<&str, HashSet<String>> = pages
        .iter()
        .map(|(p, page)| (p.as_str(), page.ids()))
        .collect();
    let mut broken = Vec::new();
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
fn catalogue_only_links_resolve() {
    let dir = common::scratch();
    let site = dir.path().join("catalogue");
    jalon::scaffold::init(&site, "catalogue-pratiques", false).unwrap();
    check_links(&build(&site));
}

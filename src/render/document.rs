//! The document complet: the whole schéma on one page, in reading order, to print or to
//! turn into the official PDF (`jalon pdf`). As in mdBook's `print.html`, every id is
//! prefixed by its section (`fiche-12--constats`) so that ids stay unique across the
//! page, and links to what the document holds are anchors inside it (`LinkStyle::Document`).

use super::*;

/// A section of the document: a group, then its own fiches, then its children.
#[derive(Clone, Copy)]
enum Part {
    Group(GroupId),
    Fiche(FicheId),
}

fn parts(site: &Site) -> Vec<Part> {
    fn visit(site: &Site, g: GroupId, out: &mut Vec<Part>) {
        out.push(Part::Group(g));
        out.extend(site.groups[g].fiches.iter().map(|&f| Part::Fiche(f)));
        for &child in &site.groups[g].children {
            visit(site, child, out);
        }
    }
    let mut out = Vec::new();
    for root in site.roots() {
        visit(site, root, &mut out);
    }
    out
}

/// Heading level of a group's title: `h2` for the top level, one more per level below.
fn group_level(site: &Site, g: GroupId) -> u8 {
    (site.ancestry(g).len() as u8 + 1).min(6)
}

/// Heading level of a fiche's title: one below its group's.
fn fiche_level(site: &Site, f: FicheId) -> u8 {
    (group_level(site, site.fiches[f].group) + 1).min(6)
}

fn anchor(site: &Site, target: Target) -> String {
    links::document_anchor(site, &target).unwrap_or_default()
}

/// The prefix of the ids inside the section whose own id is `anchor`.
fn prefix(anchor: &str) -> String {
    format!("{anchor}--")
}

/// Every Markdown text of the document, in page order: the free pages (the préambule),
/// then each group's introduction and each fiche's body and descriptions.
pub(super) fn fragments(site: &Site) -> Vec<Fragment<'_>> {
    let mut out: Vec<Fragment> = site
        .pages
        .iter()
        .enumerate()
        .map(|(p, page)| Fragment::new(&page.body, 1, &prefix(&anchor(site, Target::Page(p)))))
        .collect();
    for part in parts(site) {
        match part {
            Part::Group(g) => {
                if let Some(introduction) = &site.groups[g].introduction {
                    let id_prefix = prefix(&anchor(site, Target::Group(g)));
                    out.push(Fragment::new(
                        introduction,
                        group_level(site, g) - 1,
                        &id_prefix,
                    ));
                }
            }
            Part::Fiche(f) => out.extend(fiche_fragments(
                site,
                f,
                (fiche_level(site, f) + 1).min(6),
                &prefix(&links::fiche_anchor(site, f)),
            )),
        }
    }
    out
}

/// The template data: cover, sommaire (its entries carry the ids whose page `jalon pdf`
/// writes), préambule, groups and fiches, tableau récapitulatif, glossary.
pub(super) fn data(viewer: &Viewer, prepared: &Prepared) -> (PageMeta, serde_json::Value) {
    let site = viewer.site;
    let fragments = &prepared.markdown.fragments;
    let mut next = 0;
    let mut take = |count: usize| {
        let end = (next + count).min(fragments.len());
        let slice = &fragments[next.min(end)..end];
        next = end;
        slice
    };
    let mut sommaire = Vec::new();
    let mut entry = |id: &str, titre: String, niveau: u8| {
        sommaire.push(TocEntry {
            id: id.to_string(),
            titre,
            niveau,
        })
    };
    let pages: Vec<_> = site
        .pages
        .iter()
        .enumerate()
        .map(|(p, page)| {
            let ancre = anchor(site, Target::Page(p));
            entry(&ancre, page.titre.clone(), 2);
            serde_json::json!({
                "ancre": ancre,
                "titre": page.titre,
                "corps": take(1).first().map(|r| r.html.clone()),
            })
        })
        .collect();
    let parties: Vec<_> = parts(site)
        .into_iter()
        .map(|part| match part {
            Part::Group(g) => {
                let group = &site.groups[g];
                let ancre = anchor(site, Target::Group(g));
                let level = group_level(site, g);
                let introduction = take(usize::from(group.introduction.is_some()));
                let mut body =
                    group_body(viewer, g, introduction.first(), &prefix(&ancre), level + 1);
                entry(
                    &ancre,
                    format!("{} : {}", site.group_label(group), group.titre),
                    level,
                );
                body["ancre"] = serde_json::json!(ancre);
                body["niveau_titre"] = serde_json::json!(level);
                serde_json::json!({ "groupe": body })
            }
            Part::Fiche(f) => {
                let fiche = &site.fiches[f];
                let ancre = links::fiche_anchor(site, f);
                let level = fiche_level(site, f);
                let count = 1 + fiche
                    .sous_actions
                    .iter()
                    .filter(|s| s.description.is_some())
                    .count();
                let mut body =
                    fiche_body(viewer, f, take(count), &prefix(&ancre), (level + 1).min(6));
                entry(
                    &ancre,
                    format!("{} : {}", site.fiche_label(fiche), fiche.titre),
                    level,
                );
                body["ancre"] = serde_json::json!(ancre);
                body["niveau_titre"] = serde_json::json!(level);
                serde_json::json!({ "fiche": body })
            }
        })
        .collect();
    entry(RECAP_ID, "Tableau récapitulatif".into(), 2);
    if !site.sigles.is_empty() {
        entry(GLOSSARY_ID, "Glossaire des sigles".into(), 2);
    }
    let data = serde_json::json!({
        "date": DateView::of(site.today),
        "sommaire": sommaire,
        "pages": pages,
        "parties": parties,
        "recapitulatif": recap_sections(viewer),
        "glossaire": glossary_letters(site),
        "ancre_recapitulatif": RECAP_ID,
        "ancre_glossaire": GLOSSARY_ID,
    });
    (
        meta("Document complet", vec![home_link(viewer)], Vec::new()),
        data,
    )
}

const RECAP_ID: &str = "recapitulatif";
const GLOSSARY_ID: &str = "glossaire";

//! The document complet: the whole schéma on one page, in reading order, to print or to
//! turn into the official PDF (`jalon pdf`). As in mdBook's `print.html`, every id is
//! prefixed by its section (`fiche-12--constats`) so that ids stay unique across the
//! page, and links to what the document holds are anchors inside it (`LinkStyle::Document`).

use super::data::{
    FicheBody, GroupBody, Letter, RecapSection, below_home, fiche_body, glossary_letters,
    group_body, recap_sections,
};
use super::*;

/// The site has a document complet: it publishes a schéma that fits one page (see
/// [`crate::model::WHOLE_SCHEMA_MAX_FICHES`]).
pub fn published(site: &Site) -> bool {
    site.publishes_schema() && site.fits_one_page()
}

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

/// The free pages of the préambule, in their order: all but those marked `document: false`.
fn preamble(site: &Site) -> impl Iterator<Item = (usize, &crate::model::Page)> {
    site.pages
        .iter()
        .enumerate()
        .filter(|(_, page)| page.in_document)
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
pub(super) fn prefix(anchor: &str) -> String {
    format!("{anchor}--")
}

/// The Markdown texts of the document, section by section, in page order: the free pages
/// (the préambule), then each group's introduction and each fiche's body and descriptions.
fn sections(site: &Site) -> Vec<Vec<Fragment<'_>>> {
    let pages = preamble(site).map(|(p, page)| {
        vec![Fragment::new(
            &page.body,
            1,
            &prefix(&anchor(site, Target::Page(p))),
        )]
    });
    let parts = parts(site).into_iter().map(|part| match part {
        Part::Group(g) => site.groups[g]
            .introduction
            .iter()
            .map(|introduction| {
                let id_prefix = prefix(&anchor(site, Target::Group(g)));
                Fragment::new(introduction, group_level(site, g) - 1, &id_prefix)
            })
            .collect(),
        Part::Fiche(f) => fiche_fragments(
            site,
            f,
            (fiche_level(site, f) + 1).min(6),
            &prefix(&links::fiche_anchor(site, f)),
        ),
    });
    pages.chain(parts).collect()
}

pub(super) fn fragments(site: &Site) -> Vec<Fragment<'_>> {
    sections(site).into_iter().flatten().collect()
}

/// The document's Markdown, each section on its own (in parallel): ids are unique through
/// their prefixes, and a sigle is spelled out at its first use in each section. The
/// document reports no diagnostic: its texts are the other pages', which report them.
pub(super) fn render_markdown(site: &Site, root: &str) -> cache::PageMarkdown {
    let rendered: Vec<Vec<Rendered>> = sections(site)
        .into_par_iter()
        .map(|section| {
            let mut state = PageState::new(site, root, LinkStyle::Document, &[]);
            section
                .into_iter()
                .map(|fragment| {
                    state.id_prefix = fragment.id_prefix;
                    state.render(fragment.markdown, fragment.heading_offset)
                })
                .collect()
        })
        .collect();
    cache::PageMarkdown {
        fragments: rendered.into_iter().flatten().collect(),
        citations: Vec::new(),
        diagnostics: Vec::new(),
    }
}

/// The template data: cover, sommaire (its entries carry the ids whose page `jalon pdf`
/// writes), préambule, groups and fiches, tableau récapitulatif, glossary.
#[derive(Serialize)]
pub struct DocumentData<'a> {
    date: DateView,
    sommaire: Vec<TocEntry>,
    pages: Vec<PreamblePage<'a>>,
    parties: Vec<PartView<'a>>,
    recapitulatif: Vec<RecapSection<'a>>,
    glossaire: Vec<Letter<'a>>,
    ancre_recapitulatif: &'static str,
    ancre_glossaire: &'static str,
}

/// A free page of the préambule.
#[derive(Serialize)]
struct PreamblePage<'a> {
    ancre: String,
    titre: &'a str,
    corps: Option<&'a str>,
}

pub(super) fn data<'a>(viewer: &Viewer<'a>, prepared: &'a Prepared) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    // The rendered fragments, cut back into the sections they were made from.
    let fragments = &prepared.markdown.fragments;
    let mut sizes = sections(site).into_iter().map(|section| section.len());
    let mut next = 0;
    let mut next_section = || {
        let end = (next + sizes.next().unwrap_or(0)).min(fragments.len());
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
    let pages: Vec<PreamblePage> = preamble(site)
        .map(|(p, page)| {
            let ancre = anchor(site, Target::Page(p));
            entry(&ancre, page.titre.clone(), 2);
            PreamblePage {
                ancre,
                titre: &page.titre,
                corps: next_section().first().map(|r| r.html.as_str()),
            }
        })
        .collect();
    // Each part with its fragments, gathered first, so that parts are built in parallel.
    let parts: Vec<(Part, &[Rendered])> = parts(site)
        .into_iter()
        .map(|part| (part, next_section()))
        .collect();
    for &(part, _) in &parts {
        let (target, level) = match part {
            Part::Group(g) => (Target::Group(g), group_level(site, g)),
            Part::Fiche(f) => (Target::Fiche(f), fiche_level(site, f)),
        };
        entry(&anchor(site, target), links::title(site, &target), level);
    }
    let parties: Vec<PartView> = parts
        .into_par_iter()
        .map(|(part, fragments)| part_data(viewer, part, fragments))
        .collect();
    entry(RECAP_ID, "Tableau récapitulatif".into(), 2);
    if !site.sigles.is_empty() {
        entry(GLOSSARY_ID, "Glossaire des sigles".into(), 2);
    }
    let data = DocumentData {
        date: DateView::of(site.today),
        sommaire,
        pages,
        parties,
        recapitulatif: recap_sections(viewer),
        glossaire: glossary_letters(site),
        ancre_recapitulatif: RECAP_ID,
        ancre_glossaire: GLOSSARY_ID,
    };
    below_home(viewer, "Document complet", Donnees::Document(data))
}

/// A group or a fiche as the document shows it: the same data as on its page, with its
/// own ids prefixed and its headings at its depth in the document, under the key
/// `groupe` or `fiche`.
#[derive(Serialize)]
#[serde(untagged)]
enum PartView<'a> {
    Group {
        groupe: Box<InDocument<GroupBody<'a>>>,
    },
    Fiche {
        fiche: Box<InDocument<FicheBody<'a>>>,
    },
}

/// A part's body with its anchor and the level of its title.
#[derive(Serialize)]
struct InDocument<T> {
    #[serde(flatten)]
    body: T,
    ancre: String,
    niveau_titre: u8,
}

fn part_data<'a>(viewer: &Viewer<'a>, part: Part, fragments: &'a [Rendered]) -> PartView<'a> {
    let site = viewer.site;
    match part {
        Part::Group(g) => {
            let ancre = anchor(site, Target::Group(g));
            let level = group_level(site, g);
            PartView::Group {
                groupe: Box::new(InDocument {
                    body: group_body(viewer, g, fragments.first(), Some(&ancre), level + 1),
                    ancre,
                    niveau_titre: level,
                }),
            }
        }
        Part::Fiche(f) => {
            let ancre = links::fiche_anchor(site, f);
            let level = fiche_level(site, f);
            PartView::Fiche {
                fiche: Box::new(InDocument {
                    body: fiche_body(viewer, f, fragments, Some(&ancre), (level + 1).min(6)),
                    ancre,
                    niveau_titre: level,
                }),
            }
        }
    }
}

const RECAP_ID: &str = "recapitulatif";
const GLOSSARY_ID: &str = "glossaire";

//! Render: the resolved site → pages in memory.
//!
//! First every Markdown text is rendered (in parallel), which also validates the
//! references inside it; then the citations are gathered into backlinks; then every
//! page goes through its template (in parallel).

pub mod cache;
mod cards;
mod data;
pub mod document;
pub mod links;
pub mod markdown;
pub mod suivi;
pub mod theme;
mod typography;
pub mod views;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::catalogue::FacetKind;
use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::{ActeurId, FicheId, GroupId, PratiqueId, Site};
use crate::write::Sink;
use cache::{Cache, PageMarkdown};
use cards::Cards;
use data::page_data;
use links::{LinkStyle, Target};
use markdown::{Heading, PageState, Rendered};
use theme::Theme;
use views::*;

/// One file of the output, path relative to the output folder.
pub struct OutputFile {
    pub path: String,
    pub contents: Arc<Vec<u8>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Group(GroupId),
    Fiche(FicheId),
    Acteur(ActeurId),
    Acteurs,
    Recap,
    Glossary,
    Calendar,
    Year(u16),
    Page(usize),
    Pratique(PratiqueId),
    Catalogue,
    Facet(FacetKind, usize),
    Accessibility,
    Legal,
    SiteMap,
    OpenData,
    Search,
    Dashboard,
    Indicateur(crate::model::IndicateurId),
    Document,
    NotFound,
}

impl PageKind {
    pub fn all(site: &Site) -> Vec<PageKind> {
        let mut pages = vec![
            PageKind::Home,
            PageKind::Acteurs,
            PageKind::Glossary,
            PageKind::Accessibility,
            PageKind::Legal,
            PageKind::SiteMap,
            PageKind::OpenData,
            PageKind::Search,
            PageKind::NotFound,
        ];
        if site.publishes_schema() {
            pages.extend([PageKind::Recap, PageKind::Calendar, PageKind::Dashboard]);
            pages.extend((0..site.indicateurs.len()).map(PageKind::Indicateur));
            pages.extend(site.schema.periode.years().map(PageKind::Year));
            pages.extend((0..site.groups.len()).map(PageKind::Group));
            pages.extend((0..site.fiches.len()).map(PageKind::Fiche));
        }
        if document::published(site) {
            pages.push(PageKind::Document);
        }
        pages.extend((0..site.acteurs.len()).map(PageKind::Acteur));
        pages.extend((0..site.pages.len()).map(PageKind::Page));
        if let Some(catalogue) = &site.catalogue {
            pages.push(PageKind::Catalogue);
            pages.extend((0..site.pratiques.len()).map(PageKind::Pratique));
            for kind in FacetKind::ALL {
                pages.extend((0..catalogue.facets(kind).len()).map(|i| PageKind::Facet(kind, i)));
            }
        }
        pages
    }

    pub fn path(self, site: &Site) -> String {
        match self {
            PageKind::Home => links::HOME.to_string(),
            PageKind::Group(g) => links::group_path(site, g),
            PageKind::Fiche(f) => links::fiche_path(site, f),
            PageKind::Acteur(a) => links::acteur_path(site, a),
            PageKind::Acteurs => links::ACTORS.to_string(),
            PageKind::Recap => links::RECAP.to_string(),
            PageKind::Glossary => links::GLOSSARY.to_string(),
            PageKind::Calendar => links::CALENDAR.to_string(),
            PageKind::Year(year) => links::year_path(year),
            PageKind::Page(p) => links::page_path(site, p),
            PageKind::Pratique(p) => links::pratique_path(site, p),
            PageKind::Catalogue => links::CATALOGUE.to_string(),
            PageKind::Facet(kind, i) => {
                let facets = site
                    .catalogue
                    .as_ref()
                    .map(|c| c.facets(kind))
                    .unwrap_or_default();
                links::facet_path(kind.key(), &facets[i].id)
            }
            PageKind::Accessibility => links::ACCESSIBILITY.to_string(),
            PageKind::Legal => links::LEGAL.to_string(),
            PageKind::SiteMap => links::SITEMAP.to_string(),
            PageKind::OpenData => links::OPEN_DATA.to_string(),
            PageKind::Search => links::SEARCH.to_string(),
            PageKind::Dashboard => links::DASHBOARD.to_string(),
            PageKind::Indicateur(i) => links::indicateur_path(site, i),
            PageKind::Document => links::DOCUMENT.to_string(),
            PageKind::NotFound => links::NOT_FOUND.to_string(),
        }
    }

    fn template(self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::Group(_) => "groupe.html",
            PageKind::Fiche(_) => "fiche.html",
            PageKind::Acteur(_) => "acteur.html",
            PageKind::Acteurs => "acteurs.html",
            PageKind::Recap => "recapitulatif.html",
            PageKind::Glossary => "glossaire.html",
            PageKind::Calendar => "calendrier.html",
            PageKind::Year(_) => "annee.html",
            PageKind::Page(_) => "page.html",
            PageKind::Pratique(_) => "pratique.html",
            PageKind::Catalogue => "pratiques.html",
            PageKind::Facet(..) => "pratiques-liste.html",
            PageKind::Accessibility => "accessibilite.html",
            PageKind::Legal => "mentions-legales.html",
            PageKind::SiteMap => "plan-du-site.html",
            PageKind::OpenData => "donnees-ouvertes.html",
            PageKind::Search => "recherche.html",
            PageKind::Dashboard => "tableau-de-bord.html",
            PageKind::Indicateur(_) => "indicateur.html",
            PageKind::Document => "document-complet.html",
            PageKind::NotFound => "404.html",
        }
    }

    /// Ids the template writes itself: Markdown headings must not take them.
    fn reserved_ids(self) -> &'static [&'static str] {
        &[
            "contenu",
            "menu",
            "recherche",
            "pied",
            "sommaire",
            "cite-par",
            "sous-actions",
            "indicateurs",
            "calendrier",
            "fiches",
            "pilotes",
            "contributeurs",
            "chiffres-cles",
            "suivi",
            "indicateurs-chiffres",
            "sommaire-titre",
            "fiches-liees",
            "pratiques-proches",
            "filtres",
            "groupe-1",
            "groupe-2",
            "groupe-3",
            "groupe-4",
            "groupe-5",
            "groupe-6",
            "groupe-7",
            "groupe-8",
            "groupe-9",
        ]
    }

    /// Where this page's links lead: the document complet links to its own sections.
    fn link_style(self) -> LinkStyle {
        match self {
            PageKind::Document => LinkStyle::Document,
            _ => LinkStyle::Pages,
        }
    }

    /// The Markdown texts shown on this page, in page order.
    fn markdown(self, site: &Site) -> Vec<Fragment<'_>> {
        match self {
            PageKind::Group(g) => site.groups[g]
                .introduction
                .iter()
                .map(|m| Fragment::new(m, 0, ""))
                .collect(),
            PageKind::Fiche(f) => fiche_fragments(site, f, FICHE_SECTION_LEVEL, ""),
            PageKind::Page(p) => vec![Fragment::new(&site.pages[p].body, 0, "")],
            PageKind::Pratique(p) => vec![Fragment::new(&site.pratiques[p].body, 0, "")],
            PageKind::Document => document::fragments(site),
            _ => Vec::new(),
        }
    }

    /// The target that a page stands for, for backlinks.
    fn target(self) -> Option<Target> {
        match self {
            PageKind::Group(g) => Some(Target::Group(g)),
            PageKind::Fiche(f) => Some(Target::Fiche(f)),
            PageKind::Acteur(a) => Some(Target::Acteur(a)),
            PageKind::Page(p) => Some(Target::Page(p)),
            PageKind::Pratique(p) => Some(Target::Pratique(p)),
            PageKind::Indicateur(i) => Some(Target::Indicateur(i)),
            _ => None,
        }
    }
}

/// A Markdown text shown on a page.
struct Fragment<'a> {
    markdown: &'a crate::model::Markdown,
    /// How many levels its headings go down: a sous-action's description sits under an `h3`.
    heading_offset: u8,
    /// Put before each id it makes: unique ids across the document complet.
    id_prefix: String,
}

impl<'a> Fragment<'a> {
    fn new(markdown: &'a crate::model::Markdown, heading_offset: u8, id_prefix: &str) -> Self {
        Fragment {
            markdown,
            heading_offset,
            id_prefix: id_prefix.to_string(),
        }
    }
}

/// Heading level of a fiche's sections on its own page (its title is the `h1`).
const FICHE_SECTION_LEVEL: u8 = 2;

/// A fiche's body, then the descriptions of its sous-actions, which sit one level below
/// the sections (under the sous-action's own heading).
fn fiche_fragments<'a>(
    site: &'a Site,
    f: FicheId,
    section_level: u8,
    id_prefix: &str,
) -> Vec<Fragment<'a>> {
    let fiche = &site.fiches[f];
    std::iter::once(Fragment::new(&fiche.body, section_level - 2, id_prefix))
        .chain(
            fiche
                .sous_actions
                .iter()
                .filter_map(|s| s.description.as_ref())
                .map(|m| Fragment::new(m, section_level, id_prefix)),
        )
        .collect()
}

/// The Markdown of one page, rendered.
pub struct Prepared {
    pub kind: PageKind,
    pub path: String,
    pub root: String,
    pub markdown: Arc<PageMarkdown>,
}

impl Prepared {
    /// Headings of the page's main text (its first fragment), for the table of contents.
    pub fn main_headings(&self) -> &[Heading] {
        self.markdown
            .fragments
            .first()
            .map(|f| f.headings.as_slice())
            .unwrap_or_default()
    }
}

/// Renders every Markdown text of the site, reusing from `cache` the pages whose texts
/// and link targets did not change. `check` stops here; `build` goes on. `keep`: the
/// cache serves a later build (the preview); otherwise the texts are not hashed for it.
pub fn prepare(site: &Site, cache: &mut Cache, keep: bool) -> (Vec<Prepared>, Diagnostics) {
    let fingerprint = keep.then(|| cache::link_fingerprint(site));
    let previous = &cache.markdown;
    let pages: Vec<(Prepared, Option<u64>)> = PageKind::all(site)
        .into_par_iter()
        .map(|kind| {
            let path = kind.path(site);
            // The 404 page is served at any depth: its links start from the site's base.
            let root = match kind {
                PageKind::NotFound => site.base_url.clone(),
                _ => links::root_prefix(&path),
            };
            let key = fingerprint.map(|f| markdown_key(site, kind, &root, f));
            let markdown = match key.and_then(|key| previous.get(&key)) {
                Some(markdown) => Arc::clone(markdown),
                None => Arc::new(render_markdown(site, kind, &root)),
            };
            (
                Prepared {
                    kind,
                    path,
                    root,
                    markdown,
                },
                key,
            )
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    for (page, _) in &pages {
        diagnostics.extend(page.markdown.diagnostics.iter().cloned());
    }
    cache.markdown = pages
        .iter()
        .filter_map(|(page, key)| Some(((*key)?, Arc::clone(&page.markdown))))
        .collect();
    (
        pages.into_iter().map(|(page, _)| page).collect(),
        diagnostics,
    )
}

/// Everything the Markdown of a page depends on: its texts with their places in their
/// files, its kind and depth, and the site's link targets.
fn markdown_key(site: &Site, kind: PageKind, root: &str, fingerprint: u64) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = cache::hasher();
    fingerprint.hash(&mut h);
    root.hash(&mut h);
    std::mem::discriminant(&kind).hash(&mut h);
    for fragment in kind.markdown(site) {
        let markdown = fragment.markdown;
        (
            markdown.text(),
            &markdown.file,
            markdown.first_line,
            markdown.indent,
            fragment.heading_offset,
            &fragment.id_prefix,
        )
            .hash(&mut h);
    }
    h.finish()
}

fn render_markdown(site: &Site, kind: PageKind, root: &str) -> PageMarkdown {
    if kind == PageKind::Document {
        return document::render_markdown(site, root);
    }
    let mut state = PageState::new(site, root, kind.link_style(), kind.reserved_ids());
    let fragments: Vec<Rendered> = kind
        .markdown(site)
        .into_iter()
        .map(|fragment| {
            state.id_prefix = fragment.id_prefix;
            state.render(fragment.markdown, fragment.heading_offset)
        })
        .collect();
    let mut diagnostics = std::mem::take(&mut state.diagnostics);
    match kind {
        PageKind::Fiche(f) => diagnostics.extend(check_sections(
            &site.hierarchy.fiche.sections,
            &site.fiches[f].body,
            &fragments[0].headings,
        )),
        PageKind::Pratique(p) => {
            let rules = site
                .catalogue
                .as_ref()
                .map(|c| c.sections.as_slice())
                .unwrap_or_default();
            diagnostics.extend(check_sections(
                rules,
                &site.pratiques[p].body,
                &fragments[0].headings,
            ));
        }
        _ => {}
    }
    PageMarkdown {
        fragments,
        citations: std::mem::take(&mut state.citations),
        diagnostics,
    }
}

/// The sections a fiche must have, present and not empty.
fn check_sections(
    rules: &[crate::model::SectionRule],
    body: &crate::model::Markdown,
    headings: &[Heading],
) -> Vec<Diagnostic> {
    let same = |a: &str, b: &str| slug::slugify(a) == slug::slugify(b);
    rules
        .iter()
        .filter(|rule| rule.required)
        .filter_map(|rule| {
            let found = headings
                .iter()
                .find(|h| h.level == 2 && same(&h.text, &rule.titre));
            // A heading that is nearly the section's title, and is no other section, is
            // where it went missing.
            let misspelt = || {
                let declared = |h: &&Heading| rules.iter().any(|r| same(&h.text, &r.titre));
                let others = headings.iter().filter(|h| h.level == 2 && !declared(h));
                let titles = others.map(|h| h.text.as_str());
                let near = crate::diagnostics::suggest(&rule.titre, titles)?;
                headings.iter().find(|h| h.level == 2 && h.text == near)
            };
            match found {
                None => Some(match misspelt() {
                    Some(heading) => Diagnostic::error(
                        "section-manquante",
                        format!(
                            "section obligatoire « {} » absente : le titre « {} » lui ressemble",
                            rule.titre, heading.text
                        ),
                    )
                    .at(Location::new(&body.file, heading.line, 1))
                    .hint(format!(
                        "écrivez le titre tel que schema.yaml le déclare : « ## {} »",
                        rule.titre
                    )),
                    None => Diagnostic::error(
                        "section-manquante",
                        format!("section obligatoire « {} » absente", rule.titre),
                    )
                    .at(Location::new(&body.file, body.first_line, 1))
                    .hint(format!(
                        "ajoutez un titre « ## {} » suivi de son texte",
                        rule.titre
                    )),
                }),
                Some(heading) if heading.empty => Some(
                    Diagnostic::error(
                        "section-vide",
                        format!("section obligatoire « {} » vide", rule.titre),
                    )
                    .at(Location::new(&body.file, heading.line, 1))
                    .hint("écrivez son contenu sous le titre"),
                ),
                Some(_) => None,
            }
        })
        .collect()
}

/// Who cites each target: the citing page and the heading above the reference.
pub type Backlinks = BTreeMap<Target, Vec<Backlink>>;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Backlink {
    pub from: CitingPage,
    pub section: Option<String>,
}

/// The pages that can cite: ordered so that backlinks list in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CitingPage {
    Group(GroupId),
    Fiche(FicheId),
    Page(usize),
    Pratique(PratiqueId),
}

pub fn backlinks(prepared: &[Prepared]) -> Backlinks {
    let mut map: Backlinks = BTreeMap::new();
    for page in prepared {
        let from = match page.kind {
            PageKind::Group(g) => CitingPage::Group(g),
            PageKind::Fiche(f) => CitingPage::Fiche(f),
            PageKind::Page(p) => CitingPage::Page(p),
            PageKind::Pratique(p) => CitingPage::Pratique(p),
            _ => continue,
        };
        for citation in &page.markdown.citations {
            // A page citing itself (a fiche pointing at its own sous-action) is no backlink.
            if page.kind.target() == Some(citation.target)
                || matches!((page.kind, citation.target), (PageKind::Fiche(a), Target::SousAction(b, _)) if a == b)
            {
                continue;
            }
            let target = match citation.target {
                Target::SousAction(f, _) => Target::Fiche(f),
                other => other,
            };
            let entry = map.entry(target).or_default();
            let backlink = Backlink {
                from,
                section: citation.section.clone(),
            };
            if !entry.contains(&backlink) {
                entry.push(backlink);
            }
        }
    }
    for list in map.values_mut() {
        list.sort();
    }
    map
}

/// Every page of the site (or `only` those at these paths: the others still count for
/// backlinks and related fiches), rendered through the theme and handed to `sink` as
/// soon as it is ready. With a cache (the preview), a page whose template data is the same as
/// in the previous build keeps its HTML without going through the template again.
/// Returns how many pages went through their template.
pub fn render_pages(
    site: &Site,
    theme: &Theme,
    prepared: &[Prepared],
    mut cache: Option<&mut Cache>,
    only: Option<&std::collections::HashSet<String>>,
    sink: &dyn Sink,
) -> Result<usize, Vec<Diagnostic>> {
    let backlinks = backlinks(prepared);
    let rendered_fiche =
        |f: FicheId| only.is_none_or(|paths| paths.contains(&PageKind::Fiche(f).path(site)));
    let related = related_fiches(site, prepared, rendered_fiche);
    let site_data = SiteData::new(&site_view(site));
    let cards = Cards::new(theme, &site_data, site.fiches.len());
    let shared = Shared {
        site: &site_data,
        backlinks: &backlinks,
        related: &related,
        cards: &cards,
    };
    let previous = cache.as_deref().map(|c| &c.pages);
    let rendered = AtomicUsize::new(0);
    // After a write fails (disk full…), rendering the rest would only repeat the error.
    let write_failed = AtomicBool::new(false);
    let results: Vec<Result<Option<CachedPage>, Diagnostic>> = prepared
        .par_iter()
        .filter(|page| only.is_none_or(|paths| paths.contains(&page.path)))
        .map(|page| {
            if write_failed.load(Ordering::Relaxed) {
                return Ok(None);
            }
            let context = page_context(site, &shared, page)?;
            let key = previous.map(|_| theme.key(page.kind.template(), &context));
            let contents = match (previous.and_then(|p| p.get(&page.path)), key) {
                (Some((cached, html)), Some(key)) if *cached == key => Arc::clone(html),
                _ => {
                    rendered.fetch_add(1, Ordering::Relaxed);
                    let html = theme.render(page.kind.template(), &context, &page.path)?;
                    Arc::from(html)
                }
            };
            let file = OutputFile {
                path: page.path.clone(),
                contents: Arc::clone(&contents),
            };
            sink.put(file)
                .inspect_err(|_| write_failed.store(true, Ordering::Relaxed))?;
            Ok(key.map(|key| (page.path.clone(), (key, contents))))
        })
        .collect();
    let mut errors = Vec::new();
    let mut pages = HashMap::new();
    for result in results {
        match result {
            Ok(Some((path, entry))) => {
                pages.insert(path, entry);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(cache) = cache.as_mut() {
        cache.pages = pages;
    }
    Ok(rendered.into_inner())
}

/// A page's HTML with the key of its template data, for the next build.
type CachedPage = (String, (u64, Arc<Vec<u8>>));

fn site_view(site: &Site) -> SiteView {
    let schema = &site.schema;
    let mut menu = vec![MenuEntry {
        titre: "Accueil".into(),
        url: links::HOME.into(),
    }];
    menu.extend(
        site.pages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.menu.is_some())
            .map(|(i, p)| MenuEntry {
                titre: p.titre.clone(),
                url: links::page_path(site, i),
            }),
    );
    if site.publishes_schema() {
        menu.extend([
            MenuEntry {
                titre: "Tableau récapitulatif".into(),
                url: links::RECAP.into(),
            },
            MenuEntry {
                titre: "Calendrier".into(),
                url: links::CALENDAR.into(),
            },
            MenuEntry {
                titre: "Tableau de bord".into(),
                url: links::DASHBOARD.into(),
            },
        ]);
    }
    if site.catalogue.is_some() {
        menu.push(MenuEntry {
            titre: "Pratiques".into(),
            url: links::CATALOGUE.into(),
        });
    }
    menu.extend([
        MenuEntry {
            titre: "Acteurs".into(),
            url: links::ACTORS.into(),
        },
        MenuEntry {
            titre: "Glossaire".into(),
            url: links::GLOSSARY.into(),
        },
    ]);
    let hierarchy = &site.hierarchy;
    SiteView {
        accessibilite: site.accessibilite.etat.label().to_string(),
        flux: crate::exports::atom::published(site).then_some(crate::exports::atom::PATH),
        document: document::published(site).then_some(links::DOCUMENT),
        pied: site
            .pied
            .iter()
            .map(|(titre, url)| MenuEntry {
                titre: titre.clone(),
                url: url.clone(),
            })
            .collect(),
        titre: schema.titre.clone(),
        sous_titre: schema.sous_titre.clone(),
        departement: schema.departement.clone(),
        periode: schema.periode.label(),
        adoption: schema.adoption.map(french_date),
        couleur: schema.couleur.clone(),
        logo: schema.logo.as_ref().map(|(path, _)| path.clone()),
        menu,
        libelles: LabelsView {
            fiche: hierarchy.fiche.labels.libelle.clone(),
            fiches: hierarchy.fiche.labels.pluriel.clone(),
            sous_action: hierarchy.sous_action.libelle.clone(),
            sous_actions: hierarchy.sous_action.pluriel.clone(),
            niveaux: hierarchy
                .levels
                .iter()
                .map(|l| l.labels.libelle.clone())
                .collect(),
            niveaux_pluriel: hierarchy
                .levels
                .iter()
                .map(|l| l.labels.pluriel.clone())
                .collect(),
        },
    }
}

/// What every page may show that comes from the whole site.
struct Shared<'a> {
    site: &'a SiteData,
    backlinks: &'a Backlinks,
    related: &'a [Vec<Related>],
    cards: &'a Cards<'a>,
}

/// Everything the template of a page receives.
fn page_context<'a>(
    site: &'a Site,
    shared: &Shared<'a>,
    prepared: &'a Prepared,
) -> Result<PageContext<'a>, Diagnostic> {
    let kind = prepared.kind;
    let viewer = Viewer {
        site,
        root: &prepared.root,
        links: kind.link_style(),
    };
    let cited_by = kind
        .target()
        .and_then(|t| shared.backlinks.get(&t))
        .map(|list| cited_by_view(&viewer, list))
        .unwrap_or_default();
    let (meta, data) = page_data(
        &viewer,
        kind,
        prepared,
        cited_by,
        shared.related,
        shared.cards,
    )?;
    Ok(PageContext {
        site: shared.site,
        racine: &prepared.root,
        page: PageMeta {
            chemin: &prepared.path,
            ..meta
        },
        donnees: data,
    })
}

/// A fiche close to another one, and why.
#[derive(Debug, Clone)]
pub struct Related {
    pub fiche: FicheId,
    pub score: u32,
    pub cites: bool,
    pub cited: bool,
    pub shared_pilotes: Vec<ActeurId>,
}

/// For each fiche (of those `wanted`; the others get none), the fiches it cites or is
/// cited by (3 points each way) or with which it shares a pilote (1 point each), best
/// first, five at most.
pub fn related_fiches(
    site: &Site,
    prepared: &[Prepared],
    wanted: impl Fn(FicheId) -> bool + Sync,
) -> Vec<Vec<Related>> {
    let mut cites = std::collections::HashSet::new();
    for page in prepared {
        let PageKind::Fiche(from) = page.kind else {
            continue;
        };
        for citation in &page.markdown.citations {
            if let Target::Fiche(to) | Target::SousAction(to, _) = citation.target
                && to != from
            {
                cites.insert((from, to));
            }
        }
    }
    let pilotes: Vec<Vec<ActeurId>> = site
        .fiches
        .iter()
        .map(|f| {
            f.pilotes
                .iter()
                .filter_map(|p| match p {
                    crate::model::ActorRef::Known { acteur, .. } => Some(*acteur),
                    crate::model::ActorRef::Free(_) => None,
                })
                .collect()
        })
        .collect();
    // Only fiches that share something can be related: gather those candidates instead
    // of comparing every pair of fiches.
    let mut linked: Vec<Vec<FicheId>> = vec![Vec::new(); site.fiches.len()];
    for &(from, to) in &cites {
        linked[from].push(to);
        linked[to].push(from);
    }
    (0..site.fiches.len())
        .into_par_iter()
        .map(|f| {
            if !wanted(f) {
                return Vec::new();
            }
            // A pilote shared by many fiches (the ASE of a national catalogue) would make
            // every pair of its fiches candidates: only its fiches nearest in the plan
            // are, so the work grows with the number of fiches, not its square. Scores
            // are plain counts; only the five kept get their details.
            let mut candidates: Vec<FicheId> = linked[f].clone();
            for &acteur in &pilotes[f] {
                candidates.extend(crate::model::nearest(
                    &site.acteurs[acteur].pilote,
                    f,
                    PILOTE_NEIGHBOURS,
                ));
            }
            candidates.sort_unstable();
            let mut scored: Vec<(u32, FicheId)> = candidates
                .chunk_by(|a, b| a == b)
                .filter(|same| same[0] != f)
                .map(|same| {
                    let other = same[0];
                    // `linked[f]` holds `other` once per direction of citation.
                    let citations = linked[f].iter().filter(|&&o| o == other).count() as u32;
                    let shared_pilotes = same.len() as u32 - citations;
                    (3 * citations + shared_pilotes, other)
                })
                .collect();
            crate::model::keep_best(&mut scored, 5);
            scored
                .into_iter()
                .map(|(score, other)| Related {
                    fiche: other,
                    score,
                    cites: cites.contains(&(f, other)),
                    cited: cites.contains(&(other, f)),
                    shared_pilotes: pilotes[f]
                        .iter()
                        .copied()
                        .filter(|a| pilotes[other].contains(a))
                        .collect(),
                })
                .collect()
        })
        .collect()
}

/// How many fiches on each side of a fiche, in a pilote's list, may be related to it
/// through that pilote.
const PILOTE_NEIGHBOURS: usize = 100;

#[derive(Serialize)]
pub struct RelatedView {
    lien: Link,
    raisons: Vec<String>,
}

fn related_view(viewer: &Viewer, related: &[Related]) -> Vec<RelatedView> {
    related
        .iter()
        .map(|r| {
            let mut raisons = Vec::new();
            if r.cites {
                raisons.push("citée par cette fiche".to_string());
            }
            if r.cited {
                raisons.push("cite cette fiche".to_string());
            }
            if !r.shared_pilotes.is_empty() {
                let names: Vec<String> = r
                    .shared_pilotes
                    .iter()
                    .map(|&a| {
                        let acteur = &viewer.site.acteurs[a];
                        acteur.sigle.clone().unwrap_or_else(|| acteur.nom.clone())
                    })
                    .collect();
                raisons.push(format!("même pilote : {}", names.join(", ")));
            }
            RelatedView {
                lien: viewer.fiche_link(r.fiche),
                raisons,
            }
        })
        .collect()
}

/// A page that cites this one, with the anchor of the citing section in `url`.
#[derive(Serialize)]
pub struct CitedBy {
    label: String,
    titre: String,
    url: String,
}

fn cited_by_view(viewer: &Viewer, list: &[Backlink]) -> Vec<CitedBy> {
    list.iter()
        .map(|backlink| {
            let (link, anchor) = match backlink.from {
                CitingPage::Group(g) => (viewer.group_link(g), backlink.section.clone()),
                CitingPage::Fiche(f) => (viewer.fiche_link(f), backlink.section.clone()),
                CitingPage::Page(p) => (
                    Link {
                        label: "Page".into(),
                        titre: viewer.site.pages[p].titre.clone(),
                        url: viewer.url(&Target::Page(p)),
                    },
                    backlink.section.clone(),
                ),
                CitingPage::Pratique(p) => (viewer.pratique_link(p), backlink.section.clone()),
            };
            CitedBy {
                label: link.label,
                titre: link.titre,
                url: match anchor {
                    Some(anchor) => format!("{}#{anchor}", link.url),
                    None => link.url,
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Markdown, SectionRule};

    fn heading(text: &str, line: u32) -> Heading {
        Heading {
            level: 2,
            id: slug::slugify(text),
            text: text.into(),
            line,
            empty: false,
        }
    }

    /// A missing section is looked for among the headings no other section claims: « Objectifs
    /// opérationnels », a section of its own, is not « Objectifs » misspelt.
    #[test]
    fn a_missing_section_is_never_taken_for_another_declared_one() {
        let rule = |titre: &str| SectionRule {
            titre: titre.into(),
            required: true,
        };
        let rules = [rule("Objectifs"), rule("Objectifs opérationnels")];
        let body = Markdown::in_yaml("", "f.md".into(), 5, 0);
        let headings = [heading("Objectifs opérationnels", 9)];
        let errors = check_sections(&rules, &body, &headings);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].message,
            "section obligatoire « Objectifs » absente"
        );
        let misspelt = [
            heading("Objectif", 7),
            heading("Objectifs opérationnels", 9),
        ];
        let errors = check_sections(&rules, &body, &misspelt);
        assert_eq!(errors[0].location.as_ref().unwrap().line, 7);
    }
}

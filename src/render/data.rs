//! What each page's template receives as `donnees`: one typed view per page kind,
//! borrowing from the model and the rendered Markdown, serialized once into Tera values.

use std::collections::BTreeMap;

use serde::Serialize;

use super::cards::{Card, Cards};
use super::links::{self, Target};
use super::markdown::Rendered;
use super::views::*;
use super::{CitedBy, FICHE_SECTION_LEVEL, PageKind, Prepared, Related, RelatedView, related_view};
use super::{document, suivi};
use crate::catalogue::FacetKind;
use crate::diagnostics::Diagnostic;
use crate::model::{ActeurId, FicheId, GroupId, PratiqueId, Site};

fn meta<'a>(titre: impl Into<String>, fil: Vec<Link>, sommaire: Vec<TocEntry>) -> PageMeta<'a> {
    PageMeta {
        titre: titre.into(),
        chemin: "",
        fil,
        sommaire,
    }
}

/// The search page lists the facets; the browser fills in the results.
#[derive(Serialize)]
pub struct SearchData {
    facettes: Vec<crate::search::Facet>,
    ailleurs: Vec<Alternative>,
}

/// A page that lists every fiche, for readers without JavaScript.
#[derive(Serialize)]
struct Alternative {
    texte: &'static str,
    url: String,
}

fn search_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let facets = crate::search::facets(site);
    let alternatives = [
        (
            site.publishes_schema(),
            "le tableau récapitulatif",
            links::RECAP,
        ),
        (
            site.catalogue.is_some(),
            "le catalogue des pratiques",
            links::CATALOGUE,
        ),
        (true, "le plan du site", links::SITEMAP),
    ]
    .into_iter()
    .filter(|(shown, ..)| *shown)
    .map(|(_, texte, path)| Alternative {
        texte,
        url: format!("{}{path}", viewer.root),
    })
    .collect();
    below_home(
        viewer,
        "Rechercher",
        Donnees::Search(SearchData {
            facettes: std::iter::once(facets.types).chain(facets.list).collect(),
            ailleurs: alternatives,
        }),
    )
}

/// The metadata of a page one step below the home page, without a table of contents.
pub(super) fn below_home<'a>(
    viewer: &Viewer,
    titre: &str,
    data: Donnees<'a>,
) -> (PageMeta<'a>, Donnees<'a>) {
    (meta(titre, vec![home_link(viewer)], Vec::new()), data)
}

fn home_link(viewer: &Viewer) -> Link {
    viewer.site_page_link("Accueil", "Accueil", links::HOME)
}

#[derive(Serialize)]
pub struct HomeData<'a> {
    schema: bool,
    catalogue: Option<HomeCatalogue<'a>>,
    principes: &'a [String],
    sections: Vec<KindSection<'a, GroupSummary<'a>>>,
    nombre_fiches: usize,
    nombre_sous_actions: usize,
    nombre_acteurs: usize,
    suivi: Option<suivi::HomeSummary>,
    pages: Vec<PageCard<'a>>,
}

#[derive(Serialize)]
struct HomeCatalogue<'a> {
    url: String,
    nombre: usize,
    themes: Vec<FacetLink<'a>>,
}

/// A free page on the home page.
#[derive(Serialize)]
struct PageCard<'a> {
    titre: &'a str,
    url: String,
    resume: Option<&'a str>,
}

fn home_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let roots: Vec<GroupId> = site.roots().filter(|_| site.publishes_schema()).collect();
    let catalogue = site.catalogue.as_ref().map(|c| HomeCatalogue {
        url: format!("{}{}", viewer.root, links::CATALOGUE),
        nombre: site.pratiques.len(),
        themes: c
            .facets(FacetKind::Theme)
            .iter()
            .map(|f| facet_link(viewer, FacetKind::Theme, f))
            .collect(),
    });
    let data = HomeData {
        schema: site.publishes_schema(),
        catalogue,
        principes: &site.schema.principes,
        sections: viewer.by_kind(&roots, |g| viewer.group_summary(g)),
        nombre_fiches: site.fiches.len(),
        nombre_sous_actions: site.fiches.iter().map(|f| f.sous_actions.len()).sum(),
        nombre_acteurs: site.acteurs.len(),
        suivi: site
            .publishes_schema()
            .then(|| suivi::home_summary(viewer))
            .flatten(),
        pages: site
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| PageCard {
                titre: &p.titre,
                url: viewer.url(&Target::Page(i)),
                resume: p.resume.as_deref(),
            })
            .collect(),
    };
    (meta("Accueil", Vec::new(), Vec::new()), Donnees::Home(data))
}

/// A group's page: its body (as in the document complet), its children and its own
/// fiches, and the pages that cite it.
#[derive(Serialize)]
pub struct GroupPage<'a> {
    #[serde(flatten)]
    body: GroupBody<'a>,
    /// Its children, each with the cards of every fiche under it.
    enfants: Vec<FichesOfGroup>,
    /// The cards of its own fiches.
    cartes: Vec<Card>,
    cite_par: Vec<CitedBy>,
}

#[derive(Serialize)]
pub struct ActeursData<'a> {
    groupes: Vec<ActorKindGroup<'a>>,
    /// What the site publishes: fiches-actions (which actors pilot and contribute to), a
    /// catalogue (whose cards actors initiate), or both.
    schema: bool,
    catalogue: bool,
}

/// The actors of one kind, by name.
#[derive(Serialize)]
struct ActorKindGroup<'a> {
    titre: &'static str,
    ancre: String,
    acteurs: Vec<ActorEntry<'a>>,
}

#[derive(Serialize)]
struct ActorEntry<'a> {
    nom: &'a str,
    sigle: Option<&'a str>,
    url: String,
    pilote: usize,
    contribue: usize,
    initie: usize,
}

fn acteurs_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let mut kinds: BTreeMap<_, Vec<ActorEntry>> = BTreeMap::new();
    for (i, acteur) in site.acteurs.iter().enumerate() {
        kinds.entry(acteur.kind).or_default().push(ActorEntry {
            nom: &acteur.nom,
            sigle: acteur.sigle.as_deref(),
            url: viewer.url(&Target::Acteur(i)),
            pilote: acteur.pilote.len(),
            contribue: acteur.contribue.len(),
            initie: acteur.initie.len(),
        });
    }
    for list in kinds.values_mut() {
        list.sort_by_cached_key(|a| crate::resolve::sort_key(a.nom));
    }
    let groupes: Vec<ActorKindGroup> = kinds
        .into_iter()
        .map(|(kind, acteurs)| ActorKindGroup {
            titre: kind.label(),
            ancre: format!("{kind:?}").to_lowercase(),
            acteurs,
        })
        .collect();
    let toc = groupes
        .iter()
        .map(|g| TocEntry {
            id: g.ancre.clone(),
            titre: g.titre.to_string(),
            niveau: 2,
        })
        .collect();
    (
        meta("Acteurs", vec![home_link(viewer)], toc),
        Donnees::Acteurs(ActeursData {
            groupes,
            schema: site.publishes_schema(),
            catalogue: site.catalogue.is_some(),
        }),
    )
}

#[derive(Serialize)]
pub struct LegalData<'a> {
    mentions: Option<&'a crate::model::LegalConfig>,
}

#[derive(Serialize)]
pub struct OpenData {
    fichiers: Vec<OpenDataFile>,
}

#[derive(Serialize)]
struct OpenDataFile {
    url: String,
    fichier: crate::exports::Described,
}

#[derive(Serialize)]
pub struct GlossaryData<'a> {
    lettres: Vec<Letter<'a>>,
}

#[derive(Serialize)]
pub struct PageData<'a> {
    titre: &'a str,
    resume: Option<&'a str>,
    corps: Option<&'a str>,
    cite_par: Vec<CitedBy>,
}

/// The page-specific data, under the key `donnees`, and the page's metadata.
/// Fails only when a fiche's card fails to render (see [`Cards`]).
pub(super) fn page_data<'a>(
    viewer: &Viewer<'a>,
    kind: PageKind,
    prepared: &'a Prepared,
    cited_by: Vec<CitedBy>,
    related: &[Vec<Related>],
    cards: &Cards,
) -> Result<(PageMeta<'a>, Donnees<'a>), Diagnostic> {
    let site = viewer.site;
    Ok(match kind {
        PageKind::Home => home_data(viewer),
        PageKind::Group(g) => group_data(viewer, g, prepared, cited_by, cards)?,
        PageKind::Fiche(f) => fiche_data(viewer, f, prepared, cited_by, &related[f]),
        PageKind::Acteur(a) => acteur_data(viewer, a, cited_by, cards, &prepared.path)?,
        PageKind::Acteurs => acteurs_data(viewer),
        PageKind::Recap => recap_data(viewer),
        PageKind::Calendar => calendar_data(viewer),
        PageKind::Pratique(p) => pratique_data(viewer, p, prepared, cited_by),
        PageKind::Catalogue => catalogue_data(viewer),
        PageKind::Facet(kind, i) => facet_data(viewer, kind, i),
        PageKind::Accessibility => accessibility_data(viewer),
        PageKind::Legal => below_home(
            viewer,
            "Mentions légales",
            Donnees::Legal(LegalData {
                mentions: site.mentions_legales.as_ref(),
            }),
        ),
        PageKind::SiteMap => sitemap_data(viewer),
        PageKind::OpenData => {
            let fichiers = crate::exports::described(site)
                .into_iter()
                .map(|d| OpenDataFile {
                    url: format!("{}{}", viewer.root, d.chemin),
                    fichier: d,
                })
                .collect();
            below_home(
                viewer,
                "Données ouvertes",
                Donnees::OpenData(OpenData { fichiers }),
            )
        }
        PageKind::Search => search_data(viewer),
        PageKind::Year(year) => year_data(viewer, year),
        PageKind::Dashboard => dashboard(viewer),
        PageKind::Indicateur(i) => indicator_page(viewer, i, cited_by),
        PageKind::Glossary => below_home(
            viewer,
            "Glossaire des sigles",
            Donnees::Glossary(GlossaryData {
                lettres: glossary_letters(site),
            }),
        ),
        PageKind::Document => document::data(viewer, prepared),
        PageKind::Page(p) => {
            let page = &site.pages[p];
            let data = PageData {
                titre: &page.titre,
                resume: page.resume.as_deref(),
                corps: prepared.markdown.fragments.first().map(|f| f.html.as_str()),
                cite_par: cited_by,
            };
            (
                meta(
                    page.titre.clone(),
                    vec![home_link(viewer)],
                    TocEntry::from_headings(prepared.main_headings(), 2),
                ),
                Donnees::Page(data),
            )
        }
        PageKind::NotFound => (
            meta("Page introuvable", Vec::new(), Vec::new()),
            Donnees::Empty(Empty {}),
        ),
    })
}

/// The heading level of the fiche cards on a group's page, under the `h2` of its sections.
const GROUP_CARD_LEVEL: u8 = 3;

fn group_data<'a>(
    viewer: &Viewer<'a>,
    g: GroupId,
    prepared: &'a Prepared,
    cited_by: Vec<CitedBy>,
    cards: &Cards,
) -> Result<(PageMeta<'a>, Donnees<'a>), Diagnostic> {
    let site = viewer.site;
    let group = &site.groups[g];
    let mut fil = vec![home_link(viewer)];
    fil.extend(
        site.ancestry(g)
            .into_iter()
            .filter(|&a| a != g)
            .map(|a| viewer.group_link(a)),
    );
    let card = |f| cards.card(viewer, f, GROUP_CARD_LEVEL, &prepared.path);
    let enfants = group.children.iter().map(|&c| {
        Ok(FichesOfGroup {
            groupe: viewer.group_link(c),
            cartes: site
                .fiches_under(c)
                .into_iter()
                .map(card)
                .collect::<Result<_, _>>()?,
        })
    });
    let data = GroupPage {
        body: group_body(viewer, g, prepared.markdown.fragments.first(), None, 2),
        enfants: enfants.collect::<Result<_, Diagnostic>>()?,
        cartes: group
            .fiches
            .iter()
            .map(|&f| card(f))
            .collect::<Result<_, _>>()?,
        cite_par: cited_by,
    };
    let label = site.group_label(group);
    Ok((
        meta(
            format!("{label} : {}", group.titre),
            fil,
            TocEntry::from_headings(prepared.main_headings(), 2),
        ),
        Donnees::Group(data),
    ))
}

/// What the partial `partiels/groupe-corps.html` shows of a group (introduction, key
/// figures) and its calendar, on its page and in the document complet.
#[derive(Serialize)]
pub struct GroupBody<'a> {
    label: String,
    titre: &'a str,
    introduction: Option<&'a str>,
    chiffres_cles: Option<&'a crate::model::KeyFigures>,
    gantt: crate::calendar::Gantt,
    legende: Vec<crate::calendar::LegendEntry>,
    prefixe: String,
    /// On the document complet, the id of the group's heading, which starts the names of
    /// its sections, as for a fiche ([`FicheBody`]).
    section: Option<String>,
    niveau: u8,
}

/// `section_id`: as for [`fiche_body`].
pub(super) fn group_body<'a>(
    viewer: &Viewer<'a>,
    g: GroupId,
    introduction: Option<&'a Rendered>,
    section_id: Option<&str>,
    section_level: u8,
) -> GroupBody<'a> {
    let group = &viewer.site.groups[g];
    GroupBody {
        label: viewer.site.group_label(group),
        titre: &group.titre,
        introduction: introduction.map(|r| r.html.as_str()),
        chiffres_cles: group.chiffres_cles.as_ref(),
        gantt: calendars(viewer).group(g),
        legende: crate::calendar::legend(),
        prefixe: section_id.map(document::prefix).unwrap_or_default(),
        section: section_id.map(str::to_string),
        niveau: section_level.min(6),
    }
}

/// What the partial `partiels/fiche-corps.html` shows of a fiche, on its page and in the
/// document complet.
#[derive(Serialize)]
pub struct FicheBody<'a> {
    label: &'a str,
    numero: &'a str,
    titre: &'a str,
    resume: Option<&'a str>,
    mis_a_jour: Option<DateView>,
    groupe: Link,
    pilotes: Vec<ActorView<'a>>,
    contributeurs: Vec<ActorView<'a>>,
    calendrier: Option<String>,
    champs: Vec<FieldView<'a>>,
    corps: Option<&'a str>,
    sous_actions: Vec<SousActionView<'a>>,
    gantt: crate::calendar::Gantt,
    legende: Vec<crate::calendar::LegendEntry>,
    indicateurs: IndicatorTexts<'a>,
    suivi: suivi::FicheFollowUp<'a>,
    prefixe: String,
    /// On the document complet, the id of the fiche's heading: its sections' names start
    /// with it (« Fiche-action 9 … Calendrier »), for every fiche has a « Calendrier ».
    section: Option<String>,
    niveau: u8,
    niveau_sous_action: u8,
}

/// A field configured in `schema.yaml`, with the fiche's values.
#[derive(Serialize)]
struct FieldView<'a> {
    libelle: &'a str,
    valeurs: &'a [String],
}

/// The indicators as the schéma words them.
#[derive(Serialize)]
struct IndicatorTexts<'a> {
    suivi: &'a [String],
    resultats: &'a [String],
}

#[derive(Serialize)]
struct SousActionView<'a> {
    numero: u32,
    ancre: String,
    titre: &'a str,
    periode: String,
    statut: Option<&'static str>,
    retard: bool,
    suivi: suivi::SousActionFollowUp<'a>,
    description: Option<&'a str>,
}

/// `fragments` are the fiche's rendered body then its sous-actions' descriptions;
/// `section_id`, on the document complet, is the id of the fiche's own heading there, from
/// which every id the partial writes is prefixed; `section_level` is the heading level of
/// its sections (its sous-actions are one level below).
pub(super) fn fiche_body<'a>(
    viewer: &Viewer<'a>,
    f: FicheId,
    fragments: &'a [Rendered],
    section_id: Option<&str>,
    section_level: u8,
) -> FicheBody<'a> {
    let prefix = section_id.map(document::prefix).unwrap_or_default();
    let site = viewer.site;
    let fiche = &site.fiches[f];
    let today = crate::model::Month::of_date(site.today);
    let mut descriptions = fragments.iter().skip(1);
    let sous_actions = fiche
        .sous_actions
        .iter()
        .map(|s| SousActionView {
            numero: s.numero,
            ancre: format!("{prefix}{}", s.anchor()),
            titre: &s.titre,
            periode: periods_label(&s.periodes),
            statut: s.statut.map(|statut| statut.label()),
            retard: s.is_late(today),
            suivi: suivi::sous_action_follow_up(site, s),
            description: s
                .description
                .as_ref()
                .and_then(|_| descriptions.next())
                .map(|r| r.html.as_str()),
        })
        .collect();
    let champs = fiche
        .fields
        .iter()
        .map(|(rule, values)| FieldView {
            libelle: &site.hierarchy.fiche.fields[*rule].libelle,
            valeurs: values,
        })
        .collect();
    FicheBody {
        label: &fiche.label,
        numero: &fiche.numero.text,
        titre: &fiche.titre,
        resume: fiche.resume.as_deref(),
        mis_a_jour: fiche.mis_a_jour.map(DateView::of),
        groupe: viewer.group_link(fiche.group),
        pilotes: fiche.pilotes.iter().map(|p| viewer.actor(p)).collect(),
        contributeurs: fiche
            .contributeurs
            .iter()
            .map(|p| viewer.actor(p))
            .collect(),
        calendrier: calendar_label(site, f),
        champs,
        corps: fragments.first().map(|r| r.html.as_str()),
        sous_actions,
        gantt: calendars(viewer).fiche(f),
        legende: crate::calendar::legend(),
        indicateurs: IndicatorTexts {
            suivi: &fiche.indicateurs.suivi,
            resultats: &fiche.indicateurs.resultats,
        },
        suivi: suivi::fiche_follow_up(viewer, f),
        prefixe: prefix,
        section: section_id.map(str::to_string),
        niveau: section_level.min(6),
        niveau_sous_action: (section_level + 1).min(6),
    }
}

/// The sigles whose sort key starts with one letter.
#[derive(Serialize)]
pub struct Letter<'a> {
    lettre: String,
    ancre: String,
    sigles: Vec<SigleView<'a>>,
}

#[derive(Serialize)]
struct SigleView<'a> {
    sigle: &'a str,
    definition: &'a str,
    ancre: String,
}

/// The sigles by initial, for the glossary page and the document complet.
pub(super) fn glossary_letters(site: &Site) -> Vec<Letter<'_>> {
    let mut letters: BTreeMap<char, Vec<SigleView>> = BTreeMap::new();
    for sigle in &site.sigles {
        let letter = crate::resolve::sort_key(&sigle.sigle)
            .chars()
            .next()
            .unwrap_or('#')
            .to_ascii_uppercase();
        letters.entry(letter).or_default().push(SigleView {
            sigle: &sigle.sigle,
            definition: &sigle.definition,
            ancre: links::sigle_anchor(&sigle.sigle),
        });
    }
    letters
        .into_iter()
        .map(|(letter, sigles)| Letter {
            lettre: letter.to_string(),
            ancre: format!("lettre-{}", letter.to_ascii_lowercase()),
            sigles,
        })
        .collect()
}

/// A fiche's page: its body (as in the document complet), the fiches before and after
/// it, the pages that cite it and the fiches related to it.
#[derive(Serialize)]
pub struct FichePage<'a> {
    #[serde(flatten)]
    body: FicheBody<'a>,
    precedente: Option<Link>,
    suivante: Option<Link>,
    cite_par: Vec<CitedBy>,
    liees: Vec<RelatedView>,
    agenda: Option<Agenda>,
}

/// The fiche's calendar to download, for an agenda.
#[derive(Serialize)]
struct Agenda {
    url: String,
    fichier: String,
}

fn fiche_data<'a>(
    viewer: &Viewer<'a>,
    f: FicheId,
    prepared: &'a Prepared,
    cited_by: Vec<CitedBy>,
    related: &[Related],
) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let fiche = &site.fiches[f];
    let hierarchy = &site.hierarchy;
    let neighbour = |id: Option<FicheId>| id.map(|id| viewer.fiche_link(id));
    let mut fil = vec![home_link(viewer)];
    fil.extend(
        site.ancestry(fiche.group)
            .into_iter()
            .map(|g| viewer.group_link(g)),
    );
    let body_headings = prepared.main_headings();
    let mut toc = Vec::new();
    if !fiche.suivi.is_empty() {
        toc.push(TocEntry {
            id: "suivi".into(),
            titre: "Suivi de la fiche".into(),
            niveau: 2,
        });
    }
    toc.extend(TocEntry::from_headings(body_headings, 2));
    toc.push(TocEntry {
        id: "sous-actions".into(),
        titre: hierarchy.sous_action.pluriel.clone(),
        niveau: 2,
    });
    if !fiche.indicateurs.suivi.is_empty()
        || !fiche.indicateurs.resultats.is_empty()
        || !fiche.mesures.is_empty()
    {
        toc.push(TocEntry {
            id: "indicateurs".into(),
            titre: "Indicateurs".into(),
            niveau: 2,
        });
    }
    toc.push(TocEntry {
        id: "calendrier".into(),
        titre: "Calendrier".into(),
        niveau: 2,
    });
    let data = FichePage {
        body: fiche_body(
            viewer,
            f,
            &prepared.markdown.fragments,
            None,
            FICHE_SECTION_LEVEL,
        ),
        precedente: neighbour(f.checked_sub(1)),
        suivante: neighbour(Some(f + 1).filter(|&n| n < site.fiches.len())),
        cite_par: cited_by,
        liees: related_view(viewer, related),
        agenda: crate::exports::fiche_calendar_link(site, f).map(|url| Agenda {
            url,
            fichier: format!("fiche-{}.ics", fiche.numero.slug()),
        }),
    };
    (
        meta(fiche.heading(), fil, toc),
        Donnees::Fiche(Box::new(data)),
    )
}

#[derive(Serialize)]
pub struct ActeurData<'a> {
    nom: &'a str,
    sigle: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    site_web: Option<&'a str>,
    description: Option<&'a str>,
    parent: Option<NamedLink>,
    enfants: Vec<NamedLink>,
    pilote: Vec<FichesOfGroup>,
    contribue: Vec<FichesOfGroup>,
    nombre_pilote: usize,
    nombre_contribue: usize,
    /// Whether the site publishes fiches-actions: a catalogue alone has none to list.
    schema: bool,
    /// The fiches pratiques it initiated.
    initie: Vec<CardSummary<'a>>,
    cite_par: Vec<CitedBy>,
}

/// Another actor: its name and its page.
#[derive(Serialize)]
struct NamedLink {
    nom: String,
    url: String,
}

/// A group with the cards of fiches under it: a child on its parent's page, or a
/// top-level group on an actor's page.
#[derive(Serialize)]
struct FichesOfGroup {
    groupe: Link,
    cartes: Vec<Card>,
}

/// The heading level of the fiche cards on an actor's page, under the `h3` of their group.
const ACTOR_CARD_LEVEL: u8 = 4;

fn acteur_data<'a>(
    viewer: &Viewer<'a>,
    a: ActeurId,
    cited_by: Vec<CitedBy>,
    cards: &Cards,
    page: &str,
) -> Result<(PageMeta<'a>, Donnees<'a>), Diagnostic> {
    let site = viewer.site;
    let acteur = &site.acteurs[a];
    // Fiches grouped by their top-level group, in reading order.
    let by_root = |fiches: &[FicheId]| {
        let mut groups: Vec<(GroupId, Vec<Card>)> = Vec::new();
        for &f in fiches {
            let root = site.ancestry(site.fiches[f].group)[0];
            let card = cards.card(viewer, f, ACTOR_CARD_LEVEL, page)?;
            match groups.last_mut() {
                Some((g, list)) if *g == root => list.push(card),
                _ => groups.push((root, vec![card])),
            }
        }
        let groups = groups.into_iter().map(|(g, cartes)| FichesOfGroup {
            groupe: viewer.group_link(g),
            cartes,
        });
        Ok::<_, Diagnostic>(groups.collect::<Vec<_>>())
    };
    let actor_link = |i: ActeurId| NamedLink {
        nom: site.acteurs[i].display_name(),
        url: viewer.url(&Target::Acteur(i)),
    };
    let data = ActeurData {
        nom: &acteur.nom,
        sigle: acteur.sigle.as_deref(),
        kind: acteur.kind.label(),
        site_web: acteur.url.as_deref(),
        description: acteur.description.as_deref(),
        parent: acteur.parent.map(actor_link),
        enfants: (0..site.acteurs.len())
            .filter(|&i| site.acteurs[i].parent == Some(a))
            .map(actor_link)
            .collect(),
        pilote: by_root(&acteur.pilote)?,
        contribue: by_root(&acteur.contribue)?,
        nombre_pilote: acteur.pilote.len(),
        nombre_contribue: acteur.contribue.len(),
        schema: site.publishes_schema(),
        initie: acteur
            .initie
            .iter()
            .map(|&p| card_summary(viewer, p))
            .collect(),
        cite_par: cited_by,
    };
    let fil = vec![
        home_link(viewer),
        viewer.site_page_link("Acteurs", "Acteurs", links::ACTORS),
    ];
    Ok((
        meta(acteur.display_name(), fil, Vec::new()),
        Donnees::Acteur(data),
    ))
}

fn catalogue_link(viewer: &Viewer) -> Link {
    viewer.site_page_link("Pratiques", "Catalogue des pratiques", links::CATALOGUE)
}

/// A theme, territory or public of the catalogue, and its page.
#[derive(Serialize)]
struct FacetLink<'a> {
    id: &'a str,
    titre: &'a str,
    url: String,
    nombre: usize,
}

fn facet_link<'a>(
    viewer: &Viewer,
    kind: FacetKind,
    facet: &'a crate::catalogue::Facet,
) -> FacetLink<'a> {
    FacetLink {
        id: &facet.id,
        titre: &facet.titre,
        url: format!(
            "{}{}",
            viewer.root,
            links::facet_path(kind.key(), &facet.id)
        ),
        nombre: facet.pratiques.len(),
    }
}

/// A card's values for each facet, as the catalogue's filters name them.
#[derive(Serialize)]
struct CardFacets {
    theme: String,
    territoire: String,
    public: String,
    annee: String,
}

fn card_facets(site: &Site, p: PratiqueId) -> CardFacets {
    let card = &site.pratiques[p];
    let themes: Vec<&str> = site
        .catalogue
        .as_ref()
        .map(|c| {
            card.themes
                .iter()
                .map(|&t| c.themes[t].id.as_str())
                .collect()
        })
        .unwrap_or_default();
    CardFacets {
        theme: themes.join(" "),
        territoire: card
            .territoire
            .as_ref()
            .map(|t| slug::slugify(&t.nom))
            .unwrap_or_default(),
        public: card
            .publics
            .iter()
            .map(slug::slugify)
            .collect::<Vec<_>>()
            .join(" "),
        annee: crate::catalogue::years(site, p)
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(" "),
    }
}

/// A card in a list.
#[derive(Serialize)]
struct CardSummary<'a> {
    code: &'a str,
    titre: &'a str,
    url: String,
    themes: Vec<&'a str>,
    territoire: Option<&'a str>,
    annee: Option<&'a str>,
    facettes: CardFacets,
}

fn card_summary<'a>(viewer: &Viewer<'a>, p: PratiqueId) -> CardSummary<'a> {
    let site = viewer.site;
    let card = &site.pratiques[p];
    let themes = site
        .catalogue
        .as_ref()
        .map(|c| {
            card.themes
                .iter()
                .map(|&t| c.themes[t].titre.as_str())
                .collect()
        })
        .unwrap_or_default();
    CardSummary {
        code: &card.code,
        titre: &card.titre,
        url: viewer.url(&Target::Pratique(p)),
        themes,
        territoire: card.territoire.as_ref().map(|t| t.nom.as_str()),
        annee: card.annee.as_ref().map(|a| a.libelle.as_str()),
        facettes: card_facets(site, p),
    }
}

/// The cards of a theme, a territory or a public.
fn facet_cards<'a>(viewer: &Viewer<'a>, facet: &crate::catalogue::Facet) -> Vec<CardSummary<'a>> {
    facet
        .pratiques
        .iter()
        .map(|&p| card_summary(viewer, p))
        .collect()
}

#[derive(Serialize)]
pub struct PratiqueData<'a> {
    code: &'a str,
    titre: &'a str,
    themes: Vec<FacetLink<'a>>,
    territoire: Option<TerritoryView<'a>>,
    annee: Option<&'a str>,
    initiateurs: Vec<ActorView<'a>>,
    publics: Vec<PublicView<'a>>,
    financements: Option<&'a str>,
    contact: Option<&'a str>,
    mis_a_jour: Option<DateView>,
    liens: Vec<TitledUrl<'a>>,
    corps: Option<&'a str>,
    proches: Vec<CardSummary<'a>>,
    cite_par: Vec<CitedBy>,
}

#[derive(Serialize)]
struct TerritoryView<'a> {
    nom: &'a str,
    code: Option<&'a str>,
    lien: Option<FacetLink<'a>>,
}

#[derive(Serialize)]
struct PublicView<'a> {
    titre: &'a str,
    lien: Option<FacetLink<'a>>,
}

#[derive(Serialize)]
struct TitledUrl<'a> {
    titre: &'a str,
    url: &'a str,
}

fn pratique_data<'a>(
    viewer: &Viewer<'a>,
    p: PratiqueId,
    prepared: &'a Prepared,
    cited_by: Vec<CitedBy>,
) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let card = &site.pratiques[p];
    let Some(catalogue) = &site.catalogue else {
        return (
            meta(card.titre.clone(), Vec::new(), Vec::new()),
            Donnees::Empty(Empty {}),
        );
    };
    let facet_of = |kind: FacetKind, value: &str| {
        let slug = slug::slugify(value);
        catalogue
            .facets(kind)
            .iter()
            .find(|f| f.id == slug)
            .map(|f| facet_link(viewer, kind, f))
    };
    let data = PratiqueData {
        code: &card.code,
        titre: &card.titre,
        themes: card
            .themes
            .iter()
            .filter_map(|&t| facet_of(FacetKind::Theme, &catalogue.themes[t].id))
            .collect(),
        territoire: card.territoire.as_ref().map(|t| TerritoryView {
            nom: &t.nom,
            code: t.code.as_deref(),
            lien: facet_of(FacetKind::Territoire, &t.nom),
        }),
        annee: card.annee.as_ref().map(|a| a.libelle.as_str()),
        initiateurs: card.initiateurs.iter().map(|a| viewer.actor(a)).collect(),
        publics: card
            .publics
            .iter()
            .map(|public| PublicView {
                titre: public,
                lien: facet_of(FacetKind::Public, public),
            })
            .collect(),
        financements: card.financements.as_deref(),
        contact: card.contact.as_deref(),
        mis_a_jour: card.mis_a_jour.map(DateView::of),
        liens: card
            .liens
            .iter()
            .map(|(titre, url)| TitledUrl { titre, url })
            .collect(),
        corps: prepared.markdown.fragments.first().map(|f| f.html.as_str()),
        proches: crate::catalogue::close_cards(site, p)
            .into_iter()
            .map(|other| card_summary(viewer, other))
            .collect(),
        cite_par: cited_by,
    };
    let fil = vec![home_link(viewer), catalogue_link(viewer)];
    (
        meta(
            format!("Fiche pratique {} : {}", card.code, card.titre),
            fil,
            TocEntry::from_headings(prepared.main_headings(), 2),
        ),
        Donnees::Pratique(data),
    )
}

/// Every card, grouped by theme, with the filters' options.
#[derive(Serialize)]
pub struct CatalogueData<'a> {
    groupes: Vec<ThemeGroup<'a>>,
    filtres: Vec<Filter<'a>>,
    annees: Vec<u16>,
    nombre: usize,
}

#[derive(Serialize)]
struct ThemeGroup<'a> {
    theme: FacetLink<'a>,
    description: Option<&'a str>,
    pratiques: Vec<CardSummary<'a>>,
}

#[derive(Serialize)]
struct Filter<'a> {
    cle: &'static str,
    libelle: &'static str,
    options: Vec<FacetLink<'a>>,
}

fn catalogue_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let Some(catalogue) = &site.catalogue else {
        return (
            meta("Catalogue des pratiques", Vec::new(), Vec::new()),
            Donnees::Empty(Empty {}),
        );
    };
    let groupes = catalogue
        .facets(FacetKind::Theme)
        .iter()
        .map(|facet| ThemeGroup {
            theme: facet_link(viewer, FacetKind::Theme, facet),
            description: facet.description.as_deref(),
            pratiques: facet_cards(viewer, facet),
        })
        .collect();
    let mut years: Vec<u16> = (0..site.pratiques.len())
        .flat_map(|p| crate::catalogue::years(site, p))
        .collect();
    years.sort_unstable();
    years.dedup();
    let filtres = FacetKind::ALL
        .iter()
        .map(|&kind| Filter {
            cle: kind.key(),
            libelle: kind.label(),
            options: catalogue
                .facets(kind)
                .iter()
                .map(|f| facet_link(viewer, kind, f))
                .collect(),
        })
        .collect();
    let data = CatalogueData {
        groupes,
        filtres,
        annees: years,
        nombre: site.pratiques.len(),
    };
    below_home(viewer, "Catalogue des pratiques", Donnees::Catalogue(data))
}

/// The cards sharing a theme, a territory or a public.
#[derive(Serialize)]
pub struct FacetData<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    titre: &'a str,
    description: Option<&'a str>,
    pratiques: Vec<CardSummary<'a>>,
    autres: Vec<FacetLink<'a>>,
}

fn facet_data<'a>(viewer: &Viewer<'a>, kind: FacetKind, i: usize) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let facets = site
        .catalogue
        .as_ref()
        .map(|c| c.facets(kind))
        .unwrap_or_default();
    let facet = &facets[i];
    let data = FacetData {
        kind: kind.label(),
        titre: &facet.titre,
        description: facet.description.as_deref(),
        pratiques: facet_cards(viewer, facet),
        autres: facets
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, f)| facet_link(viewer, kind, f))
            .collect(),
    };
    let fil = vec![home_link(viewer), catalogue_link(viewer)];
    (
        meta(
            format!("{} : {}", kind.label(), facet.titre),
            fil,
            Vec::new(),
        ),
        Donnees::Facet(data),
    )
}

/// The accessibility statement, after the official model: only what the département
/// declares, never a conformity claimed by the tool.
#[derive(Serialize)]
pub struct AccessibilityData<'a> {
    /// The subject of the commitment: `entite`, or else the site's publisher, unnamed.
    entite: &'a str,
    etat: &'static str,
    audite: bool,
    declaration: &'a crate::model::AccessibilityConfig,
}

fn accessibility_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let declared = &site.accessibilite;
    let data = AccessibilityData {
        entite: declared.entite.as_deref().unwrap_or("L'éditeur de ce site"),
        etat: declared.etat.label(),
        audite: declared.date.is_some() || declared.audit.is_some(),
        declaration: declared,
    };
    below_home(
        viewer,
        "Déclaration d'accessibilité",
        Donnees::Accessibility(data),
    )
}

/// Every page of the site, by section: the second way to find a page (RGAA 12.1).
#[derive(Serialize)]
pub struct SiteMapData<'a> {
    general: Vec<MenuEntry>,
    groupes: Vec<SiteMapGroup<'a>>,
    pratiques: Vec<Link>,
    acteurs: Vec<MenuEntry>,
    annees: Vec<MenuEntry>,
    indicateurs: Vec<MenuEntry>,
}

#[derive(Serialize)]
struct SiteMapGroup<'a> {
    lien: Link,
    niveau: &'a str,
    fiches: Vec<Link>,
}

fn sitemap_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    let link = |titre: &str, path: &str| MenuEntry {
        titre: titre.to_string(),
        url: format!("{}{}", viewer.root, path),
    };
    let mut general = vec![link("Accueil", links::HOME)];
    general.extend(
        site.pages
            .iter()
            .enumerate()
            .map(|(i, p)| link(&p.titre, &links::page_path(site, i))),
    );
    if site.publishes_schema() {
        general.extend([
            link("Tableau récapitulatif", links::RECAP),
            link("Calendrier", links::CALENDAR),
            link("Tableau de bord du suivi", links::DASHBOARD),
        ]);
    }
    if document::published(site) {
        general.push(link("Document complet, à imprimer", links::DOCUMENT));
    }
    general.extend([
        link("Acteurs", links::ACTORS),
        link("Glossaire des sigles", links::GLOSSARY),
    ]);
    if site.catalogue.is_some() {
        general.push(link("Catalogue des pratiques", links::CATALOGUE));
    }
    general.extend([
        link("Déclaration d'accessibilité", links::ACCESSIBILITY),
        link("Mentions légales", links::LEGAL),
        link("Données ouvertes", links::OPEN_DATA),
    ]);
    let groupes = site
        .groups
        .iter()
        .enumerate()
        .filter(|_| site.publishes_schema())
        .map(|(g, group)| SiteMapGroup {
            lien: viewer.group_link(g),
            niveau: &site.level_of(group).id,
            fiches: group.fiches.iter().map(|&f| viewer.fiche_link(f)).collect(),
        })
        .collect();
    let data = SiteMapData {
        general,
        groupes,
        pratiques: (0..site.pratiques.len())
            .map(|p| viewer.pratique_link(p))
            .collect(),
        acteurs: site
            .acteurs
            .iter()
            .enumerate()
            .map(|(a, acteur)| link(&acteur.display_name(), &links::acteur_path(site, a)))
            .collect(),
        annees: if site.publishes_schema() {
            year_links(viewer)
        } else {
            Vec::new()
        },
        indicateurs: (0..site.indicateurs.len())
            .filter(|_| site.publishes_schema())
            .map(|i| {
                link(
                    &site.indicateurs[i].libelle,
                    &links::indicateur_path(site, i),
                )
            })
            .collect(),
    };
    below_home(viewer, "Plan du site", Donnees::SiteMap(data))
}

fn calendars<'a>(viewer: &Viewer<'a>) -> crate::calendar::Calendars<'a> {
    crate::calendar::Calendars {
        site: viewer.site,
        root: viewer.root,
        links: viewer.links,
    }
}

/// The whole schéma's calendar and the years: one chart per top-level group, or, for a
/// schéma too big for one page, a table of counts.
#[derive(Serialize)]
pub struct CalendarData {
    vue: CalendarView,
    annees: Vec<MenuEntry>,
    legende: Vec<crate::calendar::LegendEntry>,
    aujourdhui: String,
}

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum CalendarView {
    Sections(Vec<CalendarSection>),
    Synthese(CalendarSummary),
}

#[derive(Serialize)]
struct CalendarSection {
    groupe: Link,
    ancre: String,
    gantt: crate::calendar::Gantt,
}

#[derive(Serialize)]
struct CalendarSummary {
    fiches: String,
    annees: Vec<u16>,
    lignes: Vec<CalendarSummaryRow>,
}

#[derive(Serialize)]
struct CalendarSummaryRow {
    groupe: Link,
    /// The chart on the group's page, when it has fiches.
    calendrier: Option<String>,
    /// Sous-actions planned in each year of `annees`.
    par_annee: Vec<String>,
    en_retard: String,
}

fn calendar_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let site = viewer.site;
    // Every chart of a thousand fiches on one page would weigh 5 MB: a big schéma gets
    // counts here, and each group's chart on the group's page.
    let (vue, toc) = if !site.fits_one_page() {
        (CalendarView::Synthese(calendar_summary(viewer)), Vec::new())
    } else {
        let sections: Vec<CalendarSection> = site
            .roots()
            .map(|g| CalendarSection {
                groupe: viewer.group_link(g),
                ancre: format!("calendrier-{}", site.groups[g].id),
                gantt: calendars(viewer).group(g),
            })
            .collect();
        let toc = sections
            .iter()
            .map(|s| TocEntry {
                id: s.ancre.clone(),
                titre: format!("{} : {}", s.groupe.label, s.groupe.titre),
                niveau: 2,
            })
            .collect();
        (CalendarView::Sections(sections), toc)
    };
    let data = CalendarData {
        vue,
        annees: year_links(viewer),
        legende: crate::calendar::legend(),
        aujourdhui: french_date(site.today),
    };
    (
        meta("Calendrier du schéma", vec![home_link(viewer)], toc),
        Donnees::Calendar(data),
    )
}

fn calendar_summary(viewer: &Viewer) -> CalendarSummary {
    let site = viewer.site;
    let today = crate::model::Month::of_date(site.today);
    let years: Vec<u16> = site.schema.periode.years().collect();
    let count = |n: usize| crate::indicators::format_number(n as f64);
    let lignes = site
        .roots()
        .map(|g| {
            let fiches = site.fiches_under(g);
            let sous_actions = || fiches.iter().flat_map(|&f| &site.fiches[f].sous_actions);
            let groupe = viewer.group_link(g);
            CalendarSummaryRow {
                calendrier: (!fiches.is_empty()).then(|| format!("{}#calendrier", groupe.url)),
                groupe,
                par_annee: years
                    .iter()
                    .map(|year| count(sous_actions().filter(|s| s.annees.contains(year)).count()))
                    .collect(),
                en_retard: count(sous_actions().filter(|s| s.is_late(today)).count()),
            }
        })
        .collect();
    CalendarSummary {
        fiches: count(site.fiches.len()),
        annees: years,
        lignes,
    }
}

fn year_links(viewer: &Viewer) -> Vec<MenuEntry> {
    viewer
        .site
        .schema
        .periode
        .years()
        .map(|year| MenuEntry {
            titre: year.to_string(),
            url: format!("{}{}", viewer.root, links::year_path(year)),
        })
        .collect()
}

/// What is planned in one year of the schéma, grouped by top-level group.
#[derive(Serialize)]
pub struct YearData<'a> {
    annee: u16,
    groupes: Vec<crate::calendar::YearGroup>,
    nombre: usize,
    precedente: Option<MenuEntry>,
    suivante: Option<MenuEntry>,
    annees: Vec<MenuEntry>,
    bilan: suivi::YearReview<'a>,
    tableau_de_bord: String,
}

fn year_data<'a>(viewer: &Viewer<'a>, year: u16) -> (PageMeta<'a>, Donnees<'a>) {
    let period = viewer.site.schema.periode;
    let neighbour = |y: u16| {
        period.contains(y).then(|| MenuEntry {
            titre: y.to_string(),
            url: format!("{}{}", viewer.root, links::year_path(y)),
        })
    };
    let groupes = calendars(viewer).year(year);
    let data = YearData {
        annee: year,
        nombre: groupes.iter().map(|g| g.sous_actions.len()).sum(),
        groupes,
        precedente: neighbour(year - 1),
        suivante: neighbour(year + 1),
        annees: year_links(viewer),
        bilan: suivi::year_review(viewer, year),
        tableau_de_bord: format!("{}{}", viewer.root, links::DASHBOARD),
    };
    let fil = vec![
        home_link(viewer),
        viewer.site_page_link("Calendrier", "Calendrier", links::CALENDAR),
    ];
    (
        meta(
            format!("Année {year} : programme et bilan"),
            fil,
            Vec::new(),
        ),
        Donnees::Year(data),
    )
}

fn dashboard<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    let toc = vec![
        TocEntry {
            id: "avancement".into(),
            titre: "Avancement".into(),
            niveau: 2,
        },
        TocEntry {
            id: "retards".into(),
            titre: "Actions en retard".into(),
            niveau: 2,
        },
        TocEntry {
            id: "ecarts".into(),
            titre: "Indicateurs qui s'éloignent de leur cible".into(),
            niveau: 2,
        },
        TocEntry {
            id: "tous-indicateurs".into(),
            titre: "Tous les indicateurs".into(),
            niveau: 2,
        },
    ];
    (
        meta("Tableau de bord du suivi", vec![home_link(viewer)], toc),
        Donnees::Dashboard(suivi::dashboard_data(viewer)),
    )
}

fn indicator_page<'a>(
    viewer: &Viewer<'a>,
    i: crate::model::IndicateurId,
    cited_by: Vec<CitedBy>,
) -> (PageMeta<'a>, Donnees<'a>) {
    let fil = vec![
        home_link(viewer),
        viewer.site_page_link(
            "Tableau de bord",
            "Tableau de bord du suivi",
            links::DASHBOARD,
        ),
    ];
    (
        meta(
            format!("Indicateur : {}", viewer.site.indicateurs[i].libelle),
            fil,
            Vec::new(),
        ),
        Donnees::Indicateur(suivi::indicator_data(viewer, i, cited_by)),
    )
}

/// Groups → fiches → sous-actions with their start, as the seed's closing table.
#[derive(Serialize)]
pub struct RecapData<'a> {
    sections: Vec<RecapSection<'a>>,
}

fn recap_data<'a>(viewer: &Viewer<'a>) -> (PageMeta<'a>, Donnees<'a>) {
    below_home(
        viewer,
        "Tableau récapitulatif",
        Donnees::Recap(RecapData {
            sections: recap_sections(viewer),
        }),
    )
}

/// One table of the tableau récapitulatif: the top-level groups of one kind.
pub(super) type RecapSection<'a> = KindSection<'a, RecapGroup<'a>>;

#[derive(Serialize)]
pub struct RecapGroup<'a> {
    groupe: Link,
    fiches: Vec<RecapFiche<'a>>,
}

#[derive(Serialize)]
struct RecapFiche<'a> {
    fiche: FicheSummary<'a>,
    sous_actions: Vec<RecapSousAction<'a>>,
}

#[derive(Serialize)]
struct RecapSousAction<'a> {
    numero: u32,
    titre: &'a str,
    url: String,
    annees: String,
}

/// The tables of the tableau récapitulatif, one per kind of top-level group.
pub(super) fn recap_sections<'a>(viewer: &Viewer<'a>) -> Vec<RecapSection<'a>> {
    let site = viewer.site;
    let roots: Vec<GroupId> = site.roots().collect();
    viewer.by_kind(&roots, |g| RecapGroup {
        groupe: viewer.group_link(g),
        fiches: site
            .fiches_under(g)
            .into_iter()
            .map(|f| RecapFiche {
                fiche: viewer.fiche_summary(f),
                sous_actions: site.fiches[f]
                    .sous_actions
                    .iter()
                    .map(|s| RecapSousAction {
                        numero: s.numero,
                        titre: &s.titre,
                        url: viewer.url(&Target::SousAction(f, s.numero)),
                        annees: years_label(&s.annees),
                    })
                    .collect(),
            })
            .collect(),
    })
}

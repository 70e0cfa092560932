//! What the search finds: one document per fiche, group, actor, practice card, free page
//! and glossary entry, read from the resolved model and the page texts already rendered
//! (so that references read as their titles), with the facets each belongs to.

use crate::catalogue::FacetKind;
use crate::model::{ActorRef, Site, Statut};
use crate::render::links::{self, Target};
use crate::render::{PageKind, Prepared};

/// A searchable document, with its text split by weight.
pub struct Document {
    /// Index into [`Facets::types`].
    pub kind: usize,
    pub title: String,
    /// What a word of the title weighs: less for a glossary entry than for the page
    /// about the same thing.
    pub title_weight: u32,
    /// From the site root, with the anchor for a glossary entry.
    pub url: String,
    /// Where it sits: "Axe 2 : … › Orientation 2.1 : …".
    pub breadcrumb: String,
    /// Words that say what the document is about better than its body: the pilotes of a
    /// fiche, the sigle of an actor.
    pub key: String,
    pub headings: String,
    pub body: String,
    /// Parts a result can jump to (the sous-actions of a fiche): title, anchor, text.
    pub sections: Vec<Section>,
    /// For each facet of [`Facets::list`], the values this document has.
    pub facets: Vec<Vec<usize>>,
}

pub struct Section {
    pub title: String,
    pub anchor: String,
    pub text: String,
}

/// A facet readers can narrow a search with, and its values, in display order.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Facet {
    pub id: &'static str,
    pub libelle: String,
    pub valeurs: Vec<FacetValue>,
}

/// A value: its id in the search page's address (`?axe=as2`) and its label.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FacetValue {
    pub id: String,
    pub libelle: String,
}

fn value(id: impl Into<String>, libelle: impl Into<String>) -> FacetValue {
    FacetValue {
        id: id.into(),
        libelle: libelle.into(),
    }
}

/// The facets of a site. Facets without values (no practice cards, no statuses) are left
/// out.
pub struct Facets {
    pub types: Facet,
    pub list: Vec<Facet>,
}

const TYPE: &str = "type";
const AXE: &str = "axe";
const PILOTE: &str = "pilote";
const ANNEE: &str = "annee";
const STATUT: &str = "statut";
const THEME: &str = "theme";
const TERRITOIRE: &str = "territoire";

const STATUTS: [Statut; 5] = [
    Statut::NonEngagee,
    Statut::EnCours,
    Statut::Realisee,
    Statut::Reportee,
    Statut::Abandonnee,
];

/// The kinds of documents, in the order of the type facet.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fiche,
    Group(usize),
    Indicateur,
    Acteur,
    Pratique,
    Page,
    Sigle,
}

fn kinds(site: &Site) -> Vec<Kind> {
    let mut kinds = Vec::new();
    if site.publishes_schema() {
        kinds.push(Kind::Fiche);
        kinds.extend((0..site.hierarchy.levels.len()).map(Kind::Group));
        if !site.indicateurs.is_empty() {
            kinds.push(Kind::Indicateur);
        }
    }
    kinds.push(Kind::Acteur);
    if site.catalogue.is_some() {
        kinds.push(Kind::Pratique);
    }
    kinds.extend([Kind::Page, Kind::Sigle]);
    kinds
}

fn kind_id(site: &Site, kind: Kind) -> String {
    match kind {
        Kind::Fiche => site.hierarchy.fiche.id.clone(),
        Kind::Group(level) => site.hierarchy.levels[level].id.clone(),
        Kind::Indicateur => "indicateur".into(),
        Kind::Acteur => "acteur".into(),
        Kind::Pratique => "pratique".into(),
        Kind::Page => "page".into(),
        Kind::Sigle => "sigle".into(),
    }
}

fn kind_label(site: &Site, kind: Kind) -> String {
    match kind {
        Kind::Fiche => site.hierarchy.fiche.labels.pluriel.clone(),
        Kind::Group(level) => site.hierarchy.levels[level].labels.pluriel.clone(),
        Kind::Indicateur => "Indicateurs".into(),
        Kind::Acteur => "Acteurs".into(),
        Kind::Pratique => "Fiches pratiques".into(),
        Kind::Page => "Pages".into(),
        Kind::Sigle => "Sigles du glossaire".into(),
    }
}

/// The facets of the site, computed from the model alone: the search page lists them.
pub fn facets(site: &Site) -> Facets {
    let types = Facet {
        id: TYPE,
        libelle: "Type".into(),
        valeurs: kinds(site)
            .into_iter()
            .map(|k| value(kind_id(site, k), kind_label(site, k)))
            .collect(),
    };
    let mut list = Vec::new();
    if site.publishes_schema() {
        let level = &site.hierarchy.levels[0].labels.libelle;
        list.push(Facet {
            id: AXE,
            libelle: level.clone(),
            valeurs: site
                .roots()
                .map(|g| {
                    let group = &site.groups[g];
                    value(
                        &group.id,
                        format!("{} : {}", site.group_label(group), group.titre),
                    )
                })
                .collect(),
        });
        list.push(Facet {
            id: PILOTE,
            libelle: "Pilote".into(),
            valeurs: pilotes(site)
                .iter()
                .map(|&a| value(&site.acteurs[a].id, site.acteurs[a].display_name()))
                .collect(),
        });
        if site.fiches.iter().any(|f| f.statut().is_some()) {
            list.push(Facet {
                id: STATUT,
                libelle: "État d'avancement".into(),
                valeurs: STATUTS
                    .iter()
                    .map(|s| value(slug::slugify(s.label()), capitalize(s.label())))
                    .collect(),
            });
        }
    }
    list.push(Facet {
        id: ANNEE,
        libelle: "Année".into(),
        valeurs: years(site)
            .iter()
            .map(|y| value(y.to_string(), y.to_string()))
            .collect(),
    });
    if let Some(catalogue) = &site.catalogue {
        for (id, kind) in [
            (THEME, FacetKind::Theme),
            (TERRITOIRE, FacetKind::Territoire),
        ] {
            list.push(Facet {
                id,
                libelle: kind.label().into(),
                valeurs: catalogue
                    .facets(kind)
                    .iter()
                    .map(|f| value(&f.id, &f.titre))
                    .collect(),
            });
        }
    }
    list.retain(|f| !f.valeurs.is_empty());
    Facets { types, list }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// Actors that pilot at least one fiche, alphabetically.
fn pilotes(site: &Site) -> Vec<usize> {
    let mut pilotes: Vec<usize> = (0..site.acteurs.len())
        .filter(|&a| !site.acteurs[a].pilote.is_empty())
        .collect();
    pilotes.sort_by_cached_key(|&a| crate::search::analyze::fold(&site.acteurs[a].display_name()));
    pilotes
}

/// The years of the schéma, and those of the practice cards.
fn years(site: &Site) -> Vec<u16> {
    let mut years: Vec<u16> = if site.publishes_schema() {
        site.schema.periode.years().collect()
    } else {
        Vec::new()
    };
    years.extend((0..site.pratiques.len()).flat_map(|p| crate::catalogue::years(site, p)));
    years.sort_unstable();
    years.dedup();
    years
}

/// Every document of the site, in a stable order: fiches, groups, indicators, actors,
/// cards, pages, glossary. Each is built when asked for, so that the texts of all of them
/// need never be held at once.
pub struct Documents<'a> {
    builder: Builder<'a>,
    texts: PageTexts<'a>,
    /// What each document is: its kind, its index in [`Facets::types`], its number
    /// among those of its kind.
    sources: Vec<(Kind, usize, usize)>,
}

impl<'a> Documents<'a> {
    pub fn new(site: &'a Site, prepared: &'a [Prepared], facets: &'a Facets) -> Self {
        let mut sources: Vec<(Kind, usize)> = Vec::new();
        if site.publishes_schema() {
            sources.extend((0..site.fiches.len()).map(|f| (Kind::Fiche, f)));
            sources.extend(
                (site.groups.iter().enumerate()).map(|(g, group)| (Kind::Group(group.level), g)),
            );
            sources.extend((0..site.indicateurs.len()).map(|i| (Kind::Indicateur, i)));
        }
        sources.extend((0..site.acteurs.len()).map(|a| (Kind::Acteur, a)));
        sources.extend((0..site.pratiques.len()).map(|p| (Kind::Pratique, p)));
        sources.extend((0..site.pages.len()).map(|p| (Kind::Page, p)));
        sources.extend((0..site.sigles.len()).map(|s| (Kind::Sigle, s)));
        let kinds = kinds(site);
        let kind_index = |kind: Kind| kinds.iter().position(|&k| k == kind).unwrap_or(0);
        Documents {
            builder: Builder {
                site,
                facets,
                pilotes: pilotes(site),
                years: years(site),
            },
            texts: PageTexts::new(prepared),
            sources: (sources.into_iter())
                .map(|(kind, n)| (kind, kind_index(kind), n))
                .collect(),
        }
    }

    pub fn count(&self) -> usize {
        self.sources.len()
    }

    /// The document numbered `i`, below [`Documents::count`].
    pub fn get(&self, i: usize) -> Document {
        let (builder, texts) = (&self.builder, &self.texts);
        let (kind, index, n) = self.sources[i];
        match kind {
            Kind::Fiche => builder.fiche(n, index, texts),
            Kind::Group(_) => builder.group(n, index, texts),
            Kind::Indicateur => builder.indicateur(n, index),
            Kind::Acteur => builder.acteur(n, index),
            Kind::Pratique => builder.pratique(n, index, texts),
            Kind::Page => builder.page(n, index, texts),
            Kind::Sigle => builder.sigle(n, index),
        }
    }
}

/// The plain text of each page's rendered Markdown fragments.
struct PageTexts<'a> {
    by_kind: rustc_hash::FxHashMap<PageKind, &'a Prepared>,
}

impl<'a> PageTexts<'a> {
    fn new(prepared: &'a [Prepared]) -> Self {
        PageTexts {
            by_kind: prepared.iter().map(|p| (p.kind, p)).collect(),
        }
    }

    /// The text of each fragment, in page order, and the page's headings.
    fn of(&self, kind: PageKind) -> (Vec<String>, String) {
        let Some(page) = self.by_kind.get(&kind) else {
            return (Vec::new(), String::new());
        };
        let fragments = &page.markdown.fragments;
        let headings = fragments
            .iter()
            .flat_map(|f| f.headings.iter().map(|h| h.text.as_str()))
            .collect::<Vec<_>>()
            .join(" ");
        (
            fragments.iter().map(|f| html_text(&f.html)).collect(),
            headings,
        )
    }
}

/// The escapes the renderer writes in text, with what they stand for.
const ESCAPES: [(&str, &str); 6] = [
    ("&amp;", "&"),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", "\""),
    ("&#39;", "'"),
    ("&#x27;", "'"),
];

/// The text of HTML the renderer wrote: tags dropped (block ends and list items turned
/// into spaces), the escapes it writes decoded, runs of white space made one.
fn html_text(html: &str) -> String {
    let mut text = Collapsed::with_capacity(html.len());
    let mut rest = html;
    loop {
        let plain = plain_run(rest.as_bytes());
        text.push(&rest[..plain]);
        rest = &rest[plain..];
        let Some(&first) = rest.as_bytes().first() else {
            break;
        };
        let length = match first {
            b'<' => {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                let tag = &rest[..end];
                if tag.starts_with("</") || tag.starts_with("<br") || tag.starts_with("<li") {
                    text.space();
                }
                end
            }
            b'&' => {
                let (entity, decoded) = ESCAPES
                    .into_iter()
                    .find(|(entity, _)| rest.starts_with(entity))
                    .unwrap_or(("&", "&"));
                text.push(decoded);
                entity.len()
            }
            _ => match leading_whitespace(rest) {
                0 => {
                    // A character that only starts like white space (`’`, `«`).
                    let length = rest.chars().next().map_or(1, char::len_utf8);
                    text.push(&rest[..length]);
                    length
                }
                length => {
                    text.space();
                    length
                }
            },
        };
        rest = &rest[length..];
    }
    text.text
}

/// The length of the start of `bytes` that `html_text` copies as it is: plain bytes and
/// single spaces between them. Runs of plain bytes are passed by a search, and a single
/// space between two of them continues the run: one test per byte, most of the text.
fn plain_run(bytes: &[u8]) -> usize {
    let is_plain = |b: &u8| PLAIN[usize::from(*b)];
    let mut end = 0;
    loop {
        end += bytes[end..]
            .iter()
            .position(|b| !is_plain(b))
            .unwrap_or(bytes.len() - end);
        let single_space =
            end > 0 && bytes.get(end) == Some(&b' ') && bytes.get(end + 1).is_some_and(is_plain);
        if !single_space {
            return end;
        }
        end += 2;
    }
}

/// Bytes that `html_text` copies as they are: not markup, and neither white space nor
/// the first byte of a white space character (see [`leading_whitespace`]).
const PLAIN: [bool; 256] = {
    let mut plain = [true; 256];
    let special = [
        b'<', b'&', b'\t', b'\n', b'\x0b', b'\x0c', b'\r', b' ', 0xc2, 0xe1, 0xe2, 0xe3,
    ];
    let mut i = 0;
    while i < special.len() {
        plain[special[i] as usize] = false;
        i += 1;
    }
    plain
};

/// Text whose runs of white space are one space, with none at either end (the words of
/// `split_whitespace` joined by spaces), built piece by piece.
struct Collapsed {
    text: String,
    /// White space was met since the last piece of a word.
    space: bool,
}

impl Collapsed {
    fn with_capacity(capacity: usize) -> Self {
        Collapsed {
            text: String::with_capacity(capacity),
            space: false,
        }
    }

    fn space(&mut self) {
        self.space = true;
    }

    /// Appends text whose only white space is single spaces between other characters; to
    /// the current word if no white space came between.
    fn push(&mut self, piece: &str) {
        if piece.is_empty() {
            return;
        }
        if self.space && !self.text.is_empty() {
            self.text.push(' ');
        }
        self.space = false;
        self.text.push_str(piece);
    }
}

/// The length in bytes of the white space character (as `char::is_whitespace` says) that
/// starts `text`, or 0. Decodes few characters: a white space character outside ASCII
/// starts with one of four bytes (U+0085 and U+00A0, then U+1680, U+2000 to U+205F,
/// U+3000).
fn leading_whitespace(text: &str) -> usize {
    match text.as_bytes().first() {
        Some(b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ') => 1,
        Some(0xc2 | 0xe1 | 0xe2 | 0xe3) => match text.chars().next() {
            Some(c) if c.is_whitespace() => c.len_utf8(),
            _ => 0,
        },
        _ => 0,
    }
}

struct Builder<'a> {
    site: &'a Site,
    facets: &'a Facets,
    pilotes: Vec<usize>,
    years: Vec<u16>,
}

impl Builder<'_> {
    /// Facet values by facet id, in the order of the site's facets.
    fn facet_values(&self, kind: usize, values: &[(&str, Vec<usize>)]) -> Vec<Vec<usize>> {
        std::iter::once(vec![kind])
            .chain(self.facets.list.iter().map(|facet| {
                values
                    .iter()
                    .find(|(id, _)| *id == facet.id)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            }))
            .collect()
    }

    fn year_values(&self, years: impl IntoIterator<Item = u16>) -> Vec<usize> {
        let mut values: Vec<usize> = years
            .into_iter()
            .filter_map(|y| self.years.binary_search(&y).ok())
            .collect();
        values.sort_unstable();
        values.dedup();
        values
    }

    fn actor_names(&self, actors: &[ActorRef]) -> String {
        actors
            .iter()
            .map(|actor| match actor {
                ActorRef::Known { acteur, precision } => {
                    let acteur = &self.site.acteurs[*acteur];
                    let mut name = acteur.display_name();
                    if let Some(precision) = precision {
                        name.push(' ');
                        name.push_str(precision);
                    }
                    name
                }
                ActorRef::Free(name) => name.clone(),
            })
            .collect::<Vec<_>>()
            .join(" ; ")
    }

    fn breadcrumb(&self, group: usize) -> String {
        let site = self.site;
        site.ancestry(group)
            .into_iter()
            .map(|g| {
                let group = &site.groups[g];
                format!("{} : {}", site.group_label(group), group.titre)
            })
            .collect::<Vec<_>>()
            .join(" › ")
    }

    fn fiche(&self, f: usize, kind: usize, texts: &PageTexts) -> Document {
        let site = self.site;
        let fiche = &site.fiches[f];
        let (fragments, headings) = texts.of(PageKind::Fiche(f));
        // The first fragment presents the fiche; then come the sous-actions' descriptions.
        let mut fragments = fragments.into_iter();
        let presentation = fragments.next();
        let mut descriptions = fragments;
        let sections: Vec<Section> = fiche
            .sous_actions
            .iter()
            .map(|s| {
                let description = match s.description {
                    Some(_) => descriptions.next().unwrap_or_default(),
                    None => String::new(),
                };
                Section {
                    title: format!(
                        "{} {} : {}",
                        site.hierarchy.sous_action.libelle, s.numero, s.titre
                    ),
                    anchor: s.anchor(),
                    text: description,
                }
            })
            .collect();
        let mut body = vec![fiche.resume.clone().unwrap_or_default()];
        body.extend(presentation);
        body.extend(fiche.indicateurs.suivi.iter().cloned());
        body.extend(fiche.indicateurs.resultats.iter().cloned());
        body.extend(fiche.fields.iter().flat_map(|(_, v)| v.iter().cloned()));
        body.push(self.actor_names(&fiche.contributeurs));
        let root_index = self.root_of(f);
        let pilotes = fiche
            .pilotes
            .iter()
            .filter_map(|p| match p {
                ActorRef::Known { acteur, .. } => self.pilotes.iter().position(|a| a == acteur),
                ActorRef::Free(_) => None,
            })
            .collect();
        let mut years: Vec<u16> = fiche
            .sous_actions
            .iter()
            .flat_map(|s| s.annees.iter().copied())
            .collect();
        if years.is_empty()
            && let (Some(debut), fin) = (fiche.calendrier.debut, fiche.calendrier.fin)
        {
            years.extend(debut..=fin.unwrap_or(debut));
        }
        let statut = fiche
            .statut()
            .and_then(|s| STATUTS.iter().position(|&t| t == s))
            .into_iter()
            .collect();
        Document {
            kind,
            title_weight: 16,
            title: links::title(site, &Target::Fiche(f)),
            url: links::fiche_path(site, f),
            breadcrumb: self.breadcrumb(fiche.group),
            key: self.actor_names(&fiche.pilotes),
            headings: headings
                + " "
                + &sections
                    .iter()
                    .map(|s| s.title.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            body: body.join(" "),
            facets: self.facet_values(
                kind,
                &[
                    (AXE, vec![root_index]),
                    (PILOTE, pilotes),
                    (ANNEE, self.year_values(years)),
                    (STATUT, statut),
                ],
            ),
            sections,
        }
    }

    fn group(&self, g: usize, kind: usize, texts: &PageTexts) -> Document {
        let site = self.site;
        let group = &site.groups[g];
        let (fragments, headings) = texts.of(PageKind::Group(g));
        let root = site.ancestry(g)[0];
        let root_index = site.roots().position(|r| r == root).unwrap_or(0);
        let breadcrumb = match group.parent {
            Some(parent) => self.breadcrumb(parent),
            None => String::new(),
        };
        Document {
            kind,
            title_weight: 16,
            title: links::title(site, &Target::Group(g)),
            url: links::group_path(site, g),
            breadcrumb,
            key: String::new(),
            headings,
            body: fragments.join(" "),
            sections: Vec::new(),
            facets: self.facet_values(kind, &[(AXE, vec![root_index])]),
        }
    }

    fn root_of(&self, fiche: usize) -> usize {
        let site = self.site;
        let root = site.ancestry(site.fiches[fiche].group)[0];
        site.roots().position(|g| g == root).unwrap_or(0)
    }

    fn indicateur(&self, i: usize, kind: usize) -> Document {
        let site = self.site;
        let indicateur = &site.indicateurs[i];
        let mut axes: Vec<usize> = indicateur.fiches.iter().map(|&f| self.root_of(f)).collect();
        axes.sort_unstable();
        axes.dedup();
        let fiches = indicateur
            .fiches
            .iter()
            .map(|&f| links::title(site, &Target::Fiche(f)))
            .collect::<Vec<_>>()
            .join(" ; ");
        let mut body = vec![format!("Indicateur de {}", indicateur.kind.label())];
        body.extend(indicateur.mesure.clone());
        body.extend(indicateur.description.clone());
        body.extend(indicateur.source.clone());
        Document {
            kind,
            title_weight: 16,
            title: indicateur.libelle.clone(),
            url: links::indicateur_path(site, i),
            breadcrumb: fiches,
            key: String::new(),
            headings: String::new(),
            body: body.join(" "),
            sections: Vec::new(),
            facets: self.facet_values(
                kind,
                &[
                    (AXE, axes),
                    (
                        ANNEE,
                        self.year_values(indicateur.valeurs.iter().map(|v| v.annee)),
                    ),
                ],
            ),
        }
    }

    fn acteur(&self, a: usize, kind: usize) -> Document {
        let site = self.site;
        let acteur = &site.acteurs[a];
        let mut body = vec![acteur.kind.label().to_string()];
        body.extend(acteur.description.clone());
        body.extend(acteur.parent.map(|p| site.acteurs[p].display_name()));
        Document {
            kind,
            title_weight: 16,
            title: acteur.display_name(),
            url: links::acteur_path(site, a),
            breadcrumb: "Annuaire des acteurs".into(),
            key: acteur.sigle.clone().unwrap_or_default(),
            headings: String::new(),
            body: body.join(" "),
            sections: Vec::new(),
            facets: self.facet_values(kind, &[]),
        }
    }

    fn pratique(&self, p: usize, kind: usize, texts: &PageTexts) -> Document {
        let site = self.site;
        let card = &site.pratiques[p];
        let (fragments, headings) = texts.of(PageKind::Pratique(p));
        let catalogue = site.catalogue.as_ref();
        let in_facet = |facet_kind: FacetKind| -> Vec<usize> {
            catalogue
                .map(|c| c.facets(facet_kind))
                .unwrap_or_default()
                .iter()
                .enumerate()
                .filter(|(_, facet)| facet.pratiques.contains(&p))
                .map(|(i, _)| i)
                .collect()
        };
        let themes = in_facet(FacetKind::Theme);
        let breadcrumb = match (catalogue, themes.first()) {
            (Some(c), Some(&t)) => format!("Fiches pratiques › {}", c.themes[t].titre),
            _ => "Fiches pratiques".into(),
        };
        let mut body = fragments;
        body.extend(card.territoire.as_ref().map(|t| t.nom.clone()));
        body.extend(card.publics.iter().cloned());
        body.extend(card.financements.clone());
        body.extend(card.annee.as_ref().map(|a| a.libelle.clone()));
        Document {
            kind,
            title_weight: 16,
            title: links::title(site, &Target::Pratique(p)),
            url: links::pratique_path(site, p),
            breadcrumb,
            key: self.actor_names(&card.initiateurs),
            headings,
            body: body.join(" "),
            sections: Vec::new(),
            facets: self.facet_values(
                kind,
                &[
                    (ANNEE, self.year_values(crate::catalogue::years(site, p))),
                    (THEME, themes),
                    (TERRITOIRE, in_facet(FacetKind::Territoire)),
                ],
            ),
        }
    }

    fn page(&self, p: usize, kind: usize, texts: &PageTexts) -> Document {
        let site = self.site;
        let page = &site.pages[p];
        let (fragments, headings) = texts.of(PageKind::Page(p));
        let mut body = vec![page.resume.clone().unwrap_or_default()];
        body.extend(fragments);
        Document {
            kind,
            title_weight: 16,
            title: page.titre.clone(),
            url: links::page_path(site, p),
            breadcrumb: String::new(),
            key: String::new(),
            headings,
            body: body.join(" "),
            sections: Vec::new(),
            facets: self.facet_values(kind, &[]),
        }
    }

    fn sigle(&self, s: usize, kind: usize) -> Document {
        let site = self.site;
        let sigle = &site.sigles[s];
        Document {
            kind,
            title_weight: 8,
            title: format!("{} : {}", sigle.sigle, sigle.definition),
            url: links::url(site, &Target::Sigle(s)),
            breadcrumb: "Glossaire".into(),
            key: String::new(),
            headings: String::new(),
            body: String::new(),
            sections: Vec::new(),
            facets: self.facet_values(kind, &[]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ESCAPES, html_text, leading_whitespace};

    #[test]
    fn html_text_keeps_words_apart() {
        assert_eq!(
            html_text("<ul><li>un</li><li>deux &amp; <abbr title=\"x\">ASE</abbr></li></ul>"),
            "un deux & ASE"
        );
    }

    /// `html_text` as first written, in several passes.
    fn html_text_reference(html: &str) -> String {
        let mut text = String::new();
        let mut rest = html;
        while let Some(special) = rest.find(['<', '&']) {
            text.push_str(&rest[..special]);
            rest = &rest[special..];
            if rest.starts_with('<') {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                let tag = &rest[..end];
                if tag.starts_with("</") || tag.starts_with("<br") || tag.starts_with("<li") {
                    text.push(' ');
                }
                rest = &rest[end..];
            } else {
                let (entity, decoded) = ESCAPES
                    .into_iter()
                    .find(|(entity, _)| rest.starts_with(entity))
                    .unwrap_or(("&", "&"));
                text.push_str(decoded);
                rest = &rest[entity.len()..];
            }
        }
        text.push_str(rest);
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    proptest::proptest! {
        #[test]
        fn html_text_is_the_reference_in_one_pass(
            html in "(<p>|</p>|<br>|<li>|<em|>|&amp;|&lt;|&#39;|&#x27;|&quot;|&|[a-z]|é|’|«|…| |\t|\n|\u{b}|\u{a0}|\u{85}|\u{202f}|\u{2029}|\u{3000})*"
        ) {
            proptest::prop_assert_eq!(html_text(&html), html_text_reference(&html));
        }
    }

    #[test]
    fn leading_whitespace_agrees_with_char_is_whitespace() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let text = format!("{c}x");
            let expected = if c.is_whitespace() { c.len_utf8() } else { 0 };
            assert_eq!(leading_whitespace(&text), expected, "{:?}", c);
        }
    }
}

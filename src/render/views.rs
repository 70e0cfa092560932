//! What templates receive: plain data computed in Rust, so templates only lay it out.
//! Every URL is relative to the current page (it already includes `racine`).
//! The fields are documented for theme authors in the README.

use serde::Serialize;

use crate::model::{ActorRef, FicheId, GroupId, Site};
use crate::render::links::{self, Target};
use crate::render::markdown::Heading;

/// Given to every template: `site`, `racine`, `page` and `donnees`.
pub struct PageContext<'a> {
    pub site: &'a SiteData,
    /// "../" on a page one folder deep: prefix for links to static files.
    pub racine: &'a str,
    pub page: PageMeta<'a>,
    /// The page's own data, described by the functions that build it in `render/data.rs`.
    pub donnees: Donnees<'a>,
}

#[derive(Serialize)]
pub struct PageMeta<'a> {
    /// For `<title>`, before the site's title.
    pub titre: String,
    /// Path of the page from the site root, such as `fiche/12.html`.
    pub chemin: &'a str,
    /// Breadcrumb from the home page to the parent of this page.
    pub fil: Vec<Link>,
    /// Table of contents, shown when it has at least three entries.
    pub sommaire: Vec<TocEntry>,
}

/// The data of each kind of page, under `donnees`. Each variant serializes as its own
/// struct (no tag): the shape the templates receive.
#[derive(Serialize)]
#[serde(untagged)]
pub enum Donnees<'a> {
    Home(super::data::HomeData<'a>),
    Group(super::data::GroupPage<'a>),
    Fiche(Box<super::data::FichePage<'a>>),
    Acteur(super::data::ActeurData<'a>),
    Acteurs(super::data::ActeursData<'a>),
    Recap(super::data::RecapData<'a>),
    Calendar(super::data::CalendarData),
    Year(super::data::YearData<'a>),
    Page(super::data::PageData<'a>),
    Pratique(super::data::PratiqueData<'a>),
    Catalogue(super::data::CatalogueData<'a>),
    Facet(super::data::FacetData<'a>),
    Accessibility(super::data::AccessibilityData<'a>),
    Legal(super::data::LegalData<'a>),
    SiteMap(super::data::SiteMapData<'a>),
    OpenData(super::data::OpenData),
    Search(super::data::SearchData),
    Dashboard(super::suivi::Dashboard),
    Indicateur(super::suivi::IndicatorPage<'a>),
    Glossary(super::data::GlossaryData<'a>),
    Document(super::document::DocumentData<'a>),
    /// `{}`: the page has no data of its own.
    Empty(Empty),
}

/// Serializes as an empty map (`{}`), not as nothing: a unit struct would be `null`.
#[derive(Serialize)]
pub struct Empty {}

/// The site as templates receive it, the same for every page: converted once per build
/// into a template value, which every page's context shares (a template value's maps and
/// lists are reference-counted, so giving it to a page copies no data).
pub struct SiteData {
    pub value: tera::Value,
    /// A hash of the view, for the key of each page's output.
    pub hash: u64,
}

impl SiteData {
    pub fn new(view: &SiteView) -> SiteData {
        use std::hash::Hasher;
        let mut h = crate::render::cache::hasher();
        crate::render::cache::hash_json(&mut h, view);
        SiteData {
            value: tera::Value::from_serializable(view),
            hash: h.finish(),
        }
    }
}

/// The same for every page: computed once per build.
#[derive(Serialize)]
pub struct SiteView {
    pub titre: String,
    pub sous_titre: Option<String>,
    pub departement: String,
    pub periode: String,
    pub adoption: Option<String>,
    pub couleur: Option<String>,
    pub logo: Option<String>,
    /// Main menu; `url` relative to the site root (templates prefix it with `racine`).
    pub menu: Vec<MenuEntry>,
    pub libelles: LabelsView,
    /// The conformity the département declares: shown on every page.
    pub accessibilite: String,
    /// Extra footer links, absolute addresses.
    pub pied: Vec<MenuEntry>,
    /// Path of the Atom feed, when the site publishes one.
    pub flux: Option<&'static str>,
    /// Path of the document complet (the whole schéma on one page, to print), when the
    /// site publishes a schéma.
    pub document: Option<&'static str>,
}

#[derive(Serialize)]
pub struct LabelsView {
    pub fiche: String,
    pub fiches: String,
    pub sous_action: String,
    pub sous_actions: String,
    /// Name of each level of the hierarchy, from the top.
    pub niveaux: Vec<String>,
    pub niveaux_pluriel: Vec<String>,
}

#[derive(Serialize, Clone)]
pub struct MenuEntry {
    pub titre: String,
    pub url: String,
}

#[derive(Serialize, Clone)]
pub struct Link {
    /// Short label such as "Fiche-action 12" or "Axe stratégique 3".
    pub label: String,
    pub titre: String,
    pub url: String,
}

#[derive(Serialize)]
pub struct TocEntry {
    pub id: String,
    pub titre: String,
    pub niveau: u8,
}

impl TocEntry {
    pub fn from_headings(headings: &[Heading], max_level: u8) -> Vec<TocEntry> {
        headings
            .iter()
            .filter(|h| h.level <= max_level)
            .map(|h| TocEntry {
                id: h.id.clone(),
                titre: h.text.clone(),
                niveau: h.level,
            })
            .collect()
    }
}

/// A fiche in a list (axe page, actor page, home).
#[derive(Serialize)]
pub struct FicheSummary<'a> {
    pub label: &'a str,
    pub numero: &'a str,
    pub titre: &'a str,
    pub url: String,
    pub resume: Option<&'a str>,
    /// Names of the pilotes, for lists.
    pub pilotes: Vec<&'a str>,
    pub calendrier: Option<String>,
    /// Its overall status, with its cue, and whether it is late.
    pub statut: Option<crate::render::suivi::StatusView>,
    pub en_retard: bool,
}

#[derive(Serialize)]
pub struct ActorView<'a> {
    pub nom: String,
    pub sigle: Option<&'a str>,
    /// None for free-text entries.
    pub url: Option<String>,
    pub precision: Option<&'a str>,
}

#[derive(Serialize)]
pub struct GroupSummary<'a> {
    pub label: String,
    pub titre: &'a str,
    pub url: String,
    pub type_libelle: Option<&'a str>,
    pub nombre_fiches: usize,
    pub fiches: Vec<FicheSummary<'a>>,
}

#[derive(Serialize)]
pub struct KindSection<'a, T: Serialize> {
    /// "Axes transversaux"; None when the level has no kinds.
    pub titre: Option<&'a str>,
    pub elements: Vec<T>,
}

/// Builds views relative to one page.
pub struct Viewer<'a> {
    pub site: &'a Site,
    pub root: &'a str,
    /// On the document complet, links to what it holds are anchors inside it.
    pub links: links::LinkStyle,
}

impl<'a> Viewer<'a> {
    pub fn url(&self, target: &Target) -> String {
        links::href(self.site, target, self.root, self.links)
    }

    pub fn fiche_link(&self, fiche: FicheId) -> Link {
        let f = &self.site.fiches[fiche];
        Link {
            label: f.label.clone(),
            titre: f.titre.clone(),
            url: self.url(&Target::Fiche(fiche)),
        }
    }

    pub fn pratique_link(&self, pratique: crate::model::PratiqueId) -> Link {
        let p = &self.site.pratiques[pratique];
        Link {
            label: format!("Fiche pratique {}", p.code),
            titre: p.titre.clone(),
            url: self.url(&Target::Pratique(pratique)),
        }
    }

    /// A link to one of the site's own pages, at `path` from its root (`links::HOME`…).
    pub fn site_page_link(&self, label: &str, titre: &str, path: &str) -> Link {
        Link {
            label: label.into(),
            titre: titre.into(),
            url: format!("{}{path}", self.root),
        }
    }

    pub fn group_link(&self, group: GroupId) -> Link {
        let g = &self.site.groups[group];
        Link {
            label: self.site.group_label(g),
            titre: g.titre.clone(),
            url: self.url(&Target::Group(group)),
        }
    }

    pub fn fiche_summary(&self, fiche: FicheId) -> FicheSummary<'a> {
        let f = &self.site.fiches[fiche];
        FicheSummary {
            label: &f.label,
            numero: &f.numero.text,
            titre: &f.titre,
            url: self.url(&Target::Fiche(fiche)),
            resume: f.resume.as_deref(),
            pilotes: f.pilotes.iter().map(|p| self.short_name(p)).collect(),
            calendrier: calendar_label(self.site, fiche),
            statut: f
                .statut()
                .map(|s| crate::render::suivi::status_view(Some(s))),
            en_retard: f.is_late(crate::model::Month::of_date(self.site.today)),
        }
    }

    pub fn group_summary(&self, group: GroupId) -> GroupSummary<'a> {
        let g = &self.site.groups[group];
        let fiches = self.site.fiches_under(group);
        GroupSummary {
            label: self.site.group_label(g),
            titre: &g.titre,
            url: self.url(&Target::Group(group)),
            type_libelle: g
                .kind
                .map(|k| self.site.level_of(g).kinds[k].labels.libelle.as_str()),
            nombre_fiches: fiches.len(),
            fiches: fiches.into_iter().map(|f| self.fiche_summary(f)).collect(),
        }
    }

    pub fn actor(&self, actor: &'a ActorRef) -> ActorView<'a> {
        match actor {
            ActorRef::Known { acteur, precision } => {
                let a = &self.site.acteurs[*acteur];
                ActorView {
                    nom: a.display_name(),
                    sigle: a.sigle.as_deref(),
                    url: Some(self.url(&Target::Acteur(*acteur))),
                    precision: precision.as_deref(),
                }
            }
            ActorRef::Free(text) => ActorView {
                nom: text.clone(),
                sigle: None,
                url: None,
                precision: None,
            },
        }
    }

    /// The sigle when there is one: for compact lists.
    pub fn short_name(&self, actor: &'a ActorRef) -> &'a str {
        match actor {
            ActorRef::Known { acteur, .. } => {
                let a = &self.site.acteurs[*acteur];
                a.sigle.as_deref().unwrap_or(&a.nom)
            }
            ActorRef::Free(text) => text,
        }
    }

    /// Groups split by kind ("Axes transversaux", "Axes stratégiques"), in reading order.
    pub fn by_kind<T: Serialize>(
        &self,
        groups: &[GroupId],
        view: impl Fn(GroupId) -> T,
    ) -> Vec<KindSection<'a, T>> {
        let mut sections: Vec<(Option<usize>, KindSection<T>)> = Vec::new();
        for &group in groups {
            let g = &self.site.groups[group];
            let kind = g.kind;
            if sections.last().is_none_or(|(k, _)| *k != kind) {
                let titre = kind.map(|k| self.site.level_of(g).kinds[k].labels.pluriel.as_str());
                sections.push((
                    kind,
                    KindSection {
                        titre,
                        elements: Vec::new(),
                    },
                ));
            }
            if let Some((_, section)) = sections.last_mut() {
                section.elements.push(view(group));
            }
        }
        sections.into_iter().map(|(_, s)| s).collect()
    }
}

/// The calendar as the author wrote it, or the span of the sous-actions' years.
pub fn calendar_label(site: &Site, fiche: FicheId) -> Option<String> {
    let f = &site.fiches[fiche];
    if let Some(libelle) = &f.calendrier.libelle {
        return Some(libelle.clone());
    }
    match (f.calendrier.debut, f.calendrier.fin) {
        (Some(debut), Some(fin)) if debut != fin => return Some(format!("{debut}-{fin}")),
        (Some(debut), _) => return Some(format!("Démarrage en {debut}")),
        _ => {}
    }
    let first = f
        .sous_actions
        .iter()
        .filter_map(|s| s.annees.first())
        .min()?;
    Some(format!("Démarrage en {first}"))
}

/// "2019-2023", "2021", "2019, 2021": the years of a sous-action as a reader says them.
pub fn years_label(years: &[u16]) -> String {
    let mut runs: Vec<(u16, u16)> = Vec::new();
    for &year in years {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == year => *end = year,
            _ => runs.push((year, year)),
        }
    }
    runs.iter()
        .map(|&(start, end)| {
            if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// "2019-2020, 2022", "T3 2018 – T1 2019": the periods of a sous-action as a reader says them.
pub fn periods_label(periods: &[crate::model::Span]) -> String {
    periods
        .iter()
        .map(|p| p.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A date in words, such as "18 avril 2019" or "1er mars 2020".
pub fn french_date(date: jiff::civil::Date) -> String {
    let day = if date.day() == 1 {
        "1er".to_string()
    } else {
        date.day().to_string()
    };
    format!(
        "{day} {} {}",
        crate::model::time::MONTHS[date.month() as usize - 1],
        date.year()
    )
}

/// A date for a `<time>` element: machine-readable and in words.
#[derive(Serialize)]
pub struct DateView {
    pub iso: String,
    pub texte: String,
}

impl DateView {
    pub fn of(date: jiff::civil::Date) -> DateView {
        DateView {
            iso: date.to_string(),
            texte: french_date(date),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_runs() {
        assert_eq!(years_label(&[2019, 2020, 2021, 2022, 2023]), "2019-2023");
        assert_eq!(years_label(&[2020]), "2020");
        assert_eq!(years_label(&[2019, 2021, 2022]), "2019, 2021-2022");
        assert_eq!(years_label(&[]), "");
    }

    #[test]
    fn dates_in_french() {
        assert_eq!(french_date(jiff::civil::date(2019, 4, 18)), "18 avril 2019");
        assert_eq!(french_date(jiff::civil::date(2020, 3, 1)), "1er mars 2020");
    }
}

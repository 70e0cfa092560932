//! The practice catalogue's facets (theme, territory, public, year) and the cards close
//! to a card, computed from the model for the catalogue's pages.

use std::collections::BTreeMap;

use crate::model::{Catalogue, Pratique, PratiqueId, Site};

/// Cards sharing a value: one facet page each.
#[derive(Debug, Clone)]
pub struct Facet {
    /// Part of the page's address: the theme id, or the slug of the territory or public.
    pub id: String,
    pub titre: String,
    pub description: Option<String>,
    pub pratiques: Vec<PratiqueId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FacetKind {
    Theme,
    Territoire,
    Public,
}

impl FacetKind {
    pub const ALL: [FacetKind; 3] = [FacetKind::Theme, FacetKind::Territoire, FacetKind::Public];

    /// The folder of its pages and the name of its filter in the catalogue's address.
    pub fn key(self) -> &'static str {
        match self {
            FacetKind::Theme => "theme",
            FacetKind::Territoire => "territoire",
            FacetKind::Public => "public",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FacetKind::Theme => "Thème",
            FacetKind::Territoire => "Territoire",
            FacetKind::Public => "Public",
        }
    }
}

/// The facets of one kind, in display order: themes as configured, the others
/// alphabetically. Computed once by `resolve`; read them from `Catalogue::facets`.
pub fn facets(catalogue: &Catalogue, pratiques: &[Pratique], kind: FacetKind) -> Vec<Facet> {
    match kind {
        FacetKind::Theme => catalogue
            .themes
            .iter()
            .enumerate()
            .map(|(i, theme)| Facet {
                id: theme.id.clone(),
                titre: theme.titre.clone(),
                description: theme.description.clone(),
                pratiques: pratiques
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.themes.contains(&i))
                    .map(|(id, _)| id)
                    .collect(),
            })
            .collect(),
        FacetKind::Territoire => group_by(pratiques, |p| {
            p.territoire
                .as_ref()
                .map(|t| t.nom.clone())
                .into_iter()
                .collect()
        }),
        FacetKind::Public => group_by(pratiques, |p| p.publics.clone()),
    }
}

fn group_by(pratiques: &[Pratique], values: impl Fn(&Pratique) -> Vec<String>) -> Vec<Facet> {
    let mut groups: BTreeMap<String, Facet> = BTreeMap::new();
    for (id, pratique) in pratiques.iter().enumerate() {
        for value in values(pratique) {
            let slug = slug::slugify(&value);
            if slug.is_empty() {
                continue;
            }
            let facet = groups.entry(slug.clone()).or_insert_with(|| Facet {
                id: slug,
                titre: value.clone(),
                description: None,
                pratiques: Vec::new(),
            });
            if facet.pratiques.last() != Some(&id) {
                facet.pratiques.push(id);
            }
        }
    }
    groups.into_values().collect()
}

/// The years a card covers, for the year filter, in order: those it names, and from
/// « depuis » on, every year up to the build's.
pub fn years(site: &Site, pratique: PratiqueId) -> Vec<u16> {
    let Some(annee) = &site.pratiques[pratique].annee else {
        return Vec::new();
    };
    let this_year = site.today.year() as u16;
    let ongoing = (annee.depuis.into_iter()).flat_map(|from| from..=this_year.max(from));
    let mut years: Vec<u16> = annee.annees.iter().copied().chain(ongoing).collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// "Pratiques proches": cards sharing a theme (2 points each) or a public (1 point each),
/// best first, five at most. Only the cards nearest in the catalogue's order, in each
/// shared theme or public, are candidates: a theme shared by thousands of cards would
/// otherwise compare every pair (a catalogue smaller than the window sees no difference).
pub fn close_cards(site: &Site, pratique: PratiqueId) -> Vec<PratiqueId> {
    let Some(catalogue) = &site.catalogue else {
        return Vec::new();
    };
    let card = &site.pratiques[pratique];
    let themes = catalogue.facets(FacetKind::Theme);
    let publics = catalogue.facets(FacetKind::Public);
    let sharing_theme = card.themes.iter().filter_map(|&t| themes.get(t));
    let sharing_public = card.public_slugs.iter().filter_map(|slug| {
        let at = publics.binary_search_by(|f| f.id.as_str().cmp(slug)).ok()?;
        Some(&publics[at])
    });
    let mut candidates: Vec<PratiqueId> = sharing_theme
        .chain(sharing_public)
        .flat_map(|facet| crate::model::nearest(&facet.pratiques, pratique, CARD_NEIGHBOURS))
        .copied()
        .filter(|&other| other != pratique)
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut scored: Vec<(u32, PratiqueId)> = candidates
        .into_iter()
        .map(|id| {
            let other = &site.pratiques[id];
            let themes = card
                .themes
                .iter()
                .filter(|t| other.themes.contains(t))
                .count() as u32;
            let publics = card
                .public_slugs
                .iter()
                .filter(|p| other.public_slugs.contains(p))
                .count() as u32;
            (2 * themes + publics, id)
        })
        .collect();
    crate::model::keep_best(&mut scored, 5);
    scored.into_iter().map(|(_, id)| id).collect()
}

/// How many cards on each side of a card, in a theme's or a public's list, may be close
/// to it through that theme or public.
const CARD_NEIGHBOURS: usize = 100;

//! The resolved schéma: every id checked, every parent and actor linked by index.
//! Readers (HTML pages, search, calendars, exports) take it as it is; it knows no HTML.

pub mod time;

use rustc_hash::FxHashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::diagnostics::Location;
pub use crate::load::raw::{
    AccessibilityConfig, ActeurKind, Conformity, IndicateurKind, KeyFigures, LegalConfig,
    Numbering, Publication, ReferenceDisplay, Sens, Territoire, TerritoireKind, Unite,
};
pub use time::{Month, Precision, Span, Statut};

/// A file published as it is, with its path from the site root (`static/carte.png`),
/// which is also its path in the output.
#[derive(Debug, Clone)]
pub struct Asset {
    pub path: String,
    pub bytes: Arc<Vec<u8>>,
}

#[derive(Debug)]
pub struct Site {
    /// The day the site is built for: lateness and the "today" marker of calendars.
    pub today: jiff::civil::Date,
    /// The statuses and indicator values are example data (`donnees_exemple` in jalon.yaml).
    pub example_data: bool,
    pub base_url: String,
    /// The absolute address of the published site, ending with `/`, when configured.
    pub url: Option<String>,
    pub publication: Publication,
    pub references: ReferenceDisplay,
    pub accessibilite: AccessibilityConfig,
    pub mentions_legales: Option<LegalConfig>,
    /// Extra footer links: (title, address).
    pub pied: Vec<(String, String)>,
    /// The files of `static/`, by path.
    pub assets: Vec<Asset>,
    pub schema: Schema,
    pub hierarchy: Hierarchy,
    /// Every group of every level, parents before children, in reading order.
    pub groups: Vec<Group>,
    /// In reading order (by number).
    pub fiches: Vec<Fiche>,
    pub acteurs: Vec<Acteur>,
    /// Sorted alphabetically.
    pub sigles: Vec<Sigle>,
    pub pages: Vec<Page>,
    /// The practice catalogue: its themes and card sections, and the cards by code.
    pub catalogue: Option<Catalogue>,
    pub pratiques: Vec<Pratique>,
    /// Indicators of `schema-data/indicateurs.yaml`, in file order.
    pub indicateurs: Vec<Indicateur>,
    pub index: Index,
    /// The finest way any moment of the schéma is written: all its calendars share one
    /// time axis.
    pub calendar_precision: Precision,
}

pub type IndicateurId = usize;

/// A measure of the schéma's progress or results, with its values year by year.
#[derive(Debug)]
pub struct Indicateur {
    /// Stable id: also the name of its page.
    pub id: String,
    pub libelle: String,
    /// The fiches it measures, in reading order.
    pub fiches: Vec<FicheId>,
    pub kind: IndicateurKind,
    pub unite: Unite,
    /// What is counted ("journées"), for `nombre`.
    pub mesure: Option<String>,
    pub sens: Option<Sens>,
    pub cible: Option<Cible>,
    pub source: Option<String>,
    pub description: Option<String>,
    /// Sorted by year, one per year.
    pub valeurs: Vec<Valeur>,
}

#[derive(Debug, Clone, Copy)]
pub struct Cible {
    pub valeur: f64,
    pub annee: Option<u16>,
}

#[derive(Debug, Clone)]
pub struct Valeur {
    pub annee: u16,
    pub mesure: Mesure,
    pub source: Option<String>,
    pub date: Option<jiff::civil::Date>,
    pub note: Option<String>,
}

/// A measured value: a number for numeric indicators, words for qualitative ones.
#[derive(Debug, Clone)]
pub enum Mesure {
    Nombre(f64),
    Texte(String),
}

impl Mesure {
    pub fn number(&self) -> Option<f64> {
        match self {
            Mesure::Nombre(n) => Some(*n),
            Mesure::Texte(_) => None,
        }
    }
}

impl Indicateur {
    /// The values that are numbers, as (year, value).
    pub fn points(&self) -> Vec<(u16, f64)> {
        self.valeurs
            .iter()
            .filter_map(|v| v.mesure.number().map(|n| (v.annee, n)))
            .collect()
    }

    /// Whether the last value moved away from the target: against the desired direction
    /// while the target is not reached (without a direction, further from the target than
    /// the value before; without a target, against the desired direction).
    pub fn moves_away(&self) -> bool {
        let points = self.points();
        let [.., (_, before), (_, last)] = points.as_slice() else {
            return false;
        };
        let (before, last) = (*before, *last);
        match (self.cible.map(|c| c.valeur), self.sens) {
            (Some(cible), Some(Sens::Hausse)) => last < before && last < cible,
            (Some(cible), Some(Sens::Baisse)) => last > before && last > cible,
            (Some(cible), None) => (cible - last).abs() > (cible - before).abs(),
            (None, Some(Sens::Hausse)) => last < before,
            (None, Some(Sens::Baisse)) => last > before,
            (None, None) => false,
        }
    }

    pub fn value_in(&self, year: u16) -> Option<&Valeur> {
        self.valeurs.iter().find(|v| v.annee == year)
    }
}

/// Where a fiche or a sous-action stood in one year, as its pilotes reported it.
#[derive(Debug, Clone)]
pub struct Suivi {
    pub annee: u16,
    pub statut: Statut,
    pub date: Option<jiff::civil::Date>,
    pub commentaire: Option<String>,
}

#[derive(Debug)]
pub struct Catalogue {
    pub themes: Vec<Theme>,
    pub sections: Vec<SectionRule>,
    /// The cards grouped by theme, territory and public, in the order of
    /// [`crate::catalogue::FacetKind::ALL`].
    pub facets: [Vec<crate::catalogue::Facet>; 3],
}

impl Catalogue {
    pub fn facets(&self, kind: crate::catalogue::FacetKind) -> &[crate::catalogue::Facet] {
        let position = crate::catalogue::FacetKind::ALL
            .iter()
            .position(|k| *k == kind)
            .unwrap_or(0);
        &self.facets[position]
    }
}

#[derive(Debug)]
pub struct Theme {
    pub id: String,
    pub titre: String,
    pub description: Option<String>,
}

pub type PratiqueId = usize;

/// Keeps the `count` best of `scored` (highest score first, then lowest id), in that
/// order, without sorting the whole list: a shared pilote or theme can make thousands.
pub fn keep_best(scored: &mut Vec<(u32, usize)>, count: usize) {
    let by_rank = |a: &(u32, usize), b: &(u32, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if scored.len() > count {
        scored.select_nth_unstable_by(count, by_rank);
        scored.truncate(count);
    }
    scored.sort_by(by_rank);
}

/// The ids of `list` (sorted) nearest to `id`, at most `around` on each side: the
/// candidates a shared pilote or theme brings, so that the work grows with the number of
/// fiches or cards, not its square.
pub fn nearest(list: &[usize], id: usize, around: usize) -> &[usize] {
    let at = list.partition_point(|&other| other < id);
    &list[at.saturating_sub(around)..(at + around + 1).min(list.len())]
}

/// A practice card (fiche pratique).
#[derive(Debug)]
pub struct Pratique {
    /// "1a": also the name of its page.
    pub code: String,
    pub titre: String,
    /// Indexes into the catalogue's themes.
    pub themes: Vec<usize>,
    pub territoire: Option<Territoire>,
    pub annee: Option<CardYear>,
    pub initiateurs: Vec<ActorRef>,
    pub publics: Vec<String>,
    /// The same, as slugs: two spellings of one public compare equal.
    pub public_slugs: Vec<String>,
    pub financements: Option<String>,
    pub contact: Option<String>,
    pub liens: Vec<(String, String)>,
    pub mis_a_jour: Option<jiff::civil::Date>,
    pub body: Markdown,
    pub source: PathBuf,
}

/// When a practice ran, as the card says it, with the years found in it.
#[derive(Debug, Clone)]
pub struct CardYear {
    pub libelle: String,
    /// The years named, spans spelt out: « 2012, 2014 et 2018 », « 2020-21 ».
    pub annees: Vec<u16>,
    /// « Depuis 2016 »: from that year to today's, which only the build knows.
    pub depuis: Option<u16>,
}

#[derive(Debug)]
pub struct Schema {
    pub departement: String,
    pub code_departement: Option<String>,
    pub titre: String,
    pub sous_titre: Option<String>,
    pub periode: Period,
    pub adoption: Option<jiff::civil::Date>,
    pub couleur: Option<String>,
    /// Path of the logo in the site and in the output, with its bytes.
    pub logo: Option<(String, Vec<u8>)>,
    pub principes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub debut: u16,
    pub fin: u16,
}

impl Period {
    pub fn span(self) -> Span {
        Span::years(self.debut, self.fin)
    }

    pub fn years(self) -> impl Iterator<Item = u16> {
        self.debut..=self.fin
    }

    pub fn contains(self, year: u16) -> bool {
        (self.debut..=self.fin).contains(&year)
    }

    /// « 2026-2030 », or « 2026 » for a single year.
    pub fn label(self) -> String {
        match self.debut == self.fin {
            true => self.debut.to_string(),
            false => format!("{}-{}", self.debut, self.fin),
        }
    }
}

#[derive(Debug)]
pub struct Hierarchy {
    /// The levels that group fiches, from the top (axes) down.
    pub levels: Vec<Level>,
    pub fiche: FicheLevel,
    pub sous_action: Labels,
}

#[derive(Debug, Clone)]
pub struct Labels {
    pub libelle: String,
    pub pluriel: String,
}

#[derive(Debug)]
pub struct Level {
    /// Also the YAML key that names a parent of this level, the reference keyword and
    /// the output folder of its pages.
    pub id: String,
    pub labels: Labels,
    pub kinds: Vec<Kind>,
    /// Its file in `schema-data/`.
    pub file: String,
}

#[derive(Debug)]
pub struct Kind {
    pub id: String,
    pub labels: Labels,
}

#[derive(Debug)]
pub struct FicheLevel {
    pub id: String,
    /// The folder of `content/` that holds the fiches.
    pub dossier: String,
    pub labels: Labels,
    pub abrege: Option<String>,
    pub numbering: Numbering,
    /// Plain-text mentions of a fiche ("fiche action 12, sous-action 2"): group 1 is the
    /// fiche number, group 2 the optional sous-action number.
    pub mentions: Option<regex::Regex>,
    pub sections: Vec<SectionRule>,
    pub fields: Vec<FieldRule>,
}

#[derive(Debug)]
pub struct SectionRule {
    pub titre: String,
    pub required: bool,
}

#[derive(Debug)]
pub struct FieldRule {
    pub id: String,
    pub libelle: String,
    pub required: bool,
    pub allowed: Vec<String>,
}

/// A node of the hierarchy above the fiches: an axe, a sous-axe, an orientation…
#[derive(Debug)]
pub struct Group {
    pub level: usize,
    pub id: String,
    /// Index into the level's kinds.
    pub kind: Option<usize>,
    pub numero: Option<String>,
    pub titre: String,
    pub introduction: Option<Markdown>,
    pub chiffres_cles: Option<KeyFigures>,
    pub parent: Option<GroupId>,
    pub children: Vec<GroupId>,
    /// Fiches attached directly to this group.
    pub fiches: Vec<FicheId>,
    pub location: Location,
}

pub type GroupId = usize;
pub type FicheId = usize;
pub type ActeurId = usize;

/// A fiche number as written (`12`, `1.2.3`), compared number by number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Numero {
    pub text: String,
    pub parts: Vec<u32>,
}

impl Numero {
    pub fn parse(text: &str) -> Option<Numero> {
        let parts = text
            .split('.')
            .map(|part| part.parse::<u32>().ok())
            .collect::<Option<Vec<_>>>()?;
        Some(Numero {
            text: text.to_string(),
            parts,
        })
    }

    /// For file names and anchors: `1.2.3` → `1-2-3`. Borrowed for a number without
    /// parts, the most common: every link to a fiche asks for it.
    pub fn slug(&self) -> std::borrow::Cow<'_, str> {
        match self.parts.len() {
            1 => self.text.as_str().into(),
            _ => self.text.replace('.', "-").into(),
        }
    }
}

impl PartialOrd for Numero {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Numero {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts.cmp(&other.parts)
    }
}

#[derive(Debug)]
pub struct Fiche {
    pub numero: Numero,
    /// "Fiche-action 12": made once, as every link to the fiche shows it.
    pub label: String,
    pub titre: String,
    pub resume: Option<String>,
    pub group: GroupId,
    pub pilotes: Vec<ActorRef>,
    pub contributeurs: Vec<ActorRef>,
    pub calendrier: FicheCalendar,
    pub sous_actions: Vec<SousAction>,
    pub indicateurs: Indicateurs,
    /// The status its pilotes set; otherwise [`Fiche::statut`] computes it.
    pub statut_declare: Option<Statut>,
    /// Follow-up year by year, sorted by year.
    pub suivi: Vec<Suivi>,
    /// The structured indicators that measure it (`fiches:` in indicateurs.yaml).
    pub mesures: Vec<IndicateurId>,
    /// Configured extra fields, in configuration order, with their values.
    pub fields: Vec<(usize, Vec<String>)>,
    pub mis_a_jour: Option<jiff::civil::Date>,
    pub body: Markdown,
    pub source: PathBuf,
}

#[derive(Debug, Clone)]
pub enum ActorRef {
    Known {
        acteur: ActeurId,
        precision: Option<String>,
    },
    Free(String),
}

#[derive(Debug, Default)]
pub struct FicheCalendar {
    pub libelle: Option<String>,
    pub debut: Option<u16>,
    pub fin: Option<u16>,
    pub jalons: Vec<Jalon>,
}

#[derive(Debug, Clone)]
pub struct Jalon {
    pub moment: Span,
    pub libelle: String,
}

#[derive(Debug)]
pub struct SousAction {
    pub numero: u32,
    pub titre: String,
    /// When it runs: one stretch per run of consecutive years of the grid, or the one
    /// stretch from `debut` to `fin`. Sorted, not overlapping.
    pub periodes: Vec<Span>,
    /// Years touched by the periods, sorted, without duplicates.
    pub annees: Vec<u16>,
    /// The current status: `statut` as written, otherwise the latest year of `suivi`.
    pub statut: Option<Statut>,
    /// Follow-up year by year, sorted by year.
    pub suivi: Vec<Suivi>,
    pub jalons: Vec<Jalon>,
    pub description: Option<Markdown>,
}

impl SousAction {
    /// Its anchor on the fiche's page is this and its number.
    pub const ANCHOR_PREFIX: &str = "sous-action-";

    pub fn anchor(&self) -> String {
        format!("{}{}", Self::ANCHOR_PREFIX, self.numero)
    }

    /// Late on `today`: planned to start and still not engaged (or postponed), or planned
    /// to end and still running. Without a declared status, lateness is unknown.
    pub fn is_late(&self, today: Month) -> bool {
        let (Some(first), Some(last)) = (self.periodes.first(), self.periodes.last()) else {
            return false;
        };
        match self.statut {
            Some(Statut::NonEngagee | Statut::Reportee) => first.start < today,
            Some(Statut::EnCours) => last.end < today,
            Some(Statut::Realisee | Statut::Abandonnee) | None => false,
        }
    }

    /// What its pilotes reported for `year`.
    pub fn suivi_en(&self, year: u16) -> Option<&Suivi> {
        self.suivi.iter().find(|s| s.annee == year)
    }

    /// The latest follow-up entry: its date and comment describe the current status.
    pub fn dernier_suivi(&self) -> Option<&Suivi> {
        self.suivi.last()
    }
}

impl Fiche {
    /// "Fiche-action 12 : Renforcer le repérage": how links, the page's title, the feed
    /// and its calendar name it.
    pub fn heading(&self) -> String {
        format!("{} : {}", self.label, self.titre)
    }

    /// The fiche's overall status: as its pilotes set it, otherwise computed from its
    /// sous-actions (see [`status_of`]). For lists, search facets and exports.
    pub fn statut(&self) -> Option<Statut> {
        self.statut_declare
            .or_else(|| status_of(&self.sous_actions))
    }

    /// Whether the status comes from the sous-actions rather than from the fiche itself.
    pub fn statut_calcule(&self) -> bool {
        self.statut_declare.is_none()
    }

    /// Late when one of its sous-actions is.
    pub fn is_late(&self, today: Month) -> bool {
        self.sous_actions.iter().any(|s| s.is_late(today))
    }
}

/// A fiche's status from its sous-actions' statuses: unknown while none is declared;
/// done (or abandoned) when all are; running as soon as one runs or is done; postponed
/// when one is postponed; otherwise not engaged.
pub fn status_of(sous_actions: &[SousAction]) -> Option<Statut> {
    let declared: Vec<Statut> = sous_actions.iter().filter_map(|s| s.statut).collect();
    if declared.is_empty() {
        return None;
    }
    let all = |statut: Statut| {
        declared.len() == sous_actions.len() && declared.iter().all(|&s| s == statut)
    };
    Some(if all(Statut::Realisee) {
        Statut::Realisee
    } else if all(Statut::Abandonnee) {
        Statut::Abandonnee
    } else if declared
        .iter()
        .any(|&s| matches!(s, Statut::EnCours | Statut::Realisee))
    {
        Statut::EnCours
    } else if declared.contains(&Statut::Reportee) {
        Statut::Reportee
    } else {
        Statut::NonEngagee
    })
}

#[derive(Debug, Default)]
pub struct Indicateurs {
    pub suivi: Vec<String>,
    pub resultats: Vec<String>,
}

#[derive(Debug)]
pub struct Acteur {
    pub id: String,
    pub sigle: Option<String>,
    pub nom: String,
    pub kind: ActeurKind,
    pub parent: Option<ActeurId>,
    pub url: Option<String>,
    pub description: Option<String>,
    /// Fiches it pilots, in reading order.
    pub pilote: Vec<FicheId>,
    /// Fiches it contributes to, in reading order.
    pub contribue: Vec<FicheId>,
    /// Fiches pratiques it initiated, in the catalogue's order.
    pub initie: Vec<PratiqueId>,
}

impl Acteur {
    /// "ODPE – Observatoire …", or the name alone.
    pub fn display_name(&self) -> String {
        match &self.sigle {
            Some(sigle) if sigle != &self.nom => format!("{} ({sigle})", self.nom),
            _ => self.nom.clone(),
        }
    }
}

#[derive(Debug)]
pub struct Sigle {
    pub sigle: String,
    pub definition: String,
}

#[derive(Debug)]
pub struct Page {
    /// File name without extension: also the name of the output page.
    pub slug: String,
    pub titre: String,
    pub menu: Option<u32>,
    pub resume: Option<String>,
    /// Part of the document complet's préambule (the default).
    pub in_document: bool,
    pub body: Markdown,
    pub source: PathBuf,
}

/// Markdown text with the place it was written, for diagnostics inside it.
#[derive(Debug, Clone)]
pub struct Markdown {
    /// The file (or YAML value) holding the text, shared with the loaded document.
    source: Arc<str>,
    /// Byte offset of the text in `source`.
    start: usize,
    pub file: PathBuf,
    /// Line of the file where `text` starts.
    pub first_line: u32,
    /// Extra indentation of every line in the file (block scalars in YAML).
    pub indent: u32,
}

impl Markdown {
    /// The Markdown that `source` holds from byte `start`, which is line `first_line` of `file`.
    pub fn within(source: Arc<str>, start: usize, file: PathBuf, first_line: u32) -> Markdown {
        Markdown {
            source,
            start,
            file,
            first_line,
            indent: 0,
        }
    }

    /// A Markdown text written in a YAML value, its lines indented by `indent` in the file.
    pub fn in_yaml(text: &str, file: PathBuf, first_line: u32, indent: u32) -> Markdown {
        Markdown {
            source: text.into(),
            start: 0,
            file,
            first_line,
            indent,
        }
    }

    pub fn text(&self) -> &str {
        &self.source[self.start..]
    }
}

/// Lookups by id, built once by `resolve`. Every link and every capitalised word of the
/// site's texts is looked up here: the hash is the fast one, as nothing here is hostile.
#[derive(Debug, Default)]
pub struct Index {
    /// (level id, group id) → group.
    pub groups: FxHashMap<(String, String), GroupId>,
    /// Fiche number text → fiche.
    pub fiches: FxHashMap<String, FicheId>,
    pub acteurs: FxHashMap<String, ActeurId>,
    pub sigles: FxHashMap<String, usize>,
    pub pages: FxHashMap<String, usize>,
    pub pratiques: FxHashMap<String, PratiqueId>,
    pub indicateurs: FxHashMap<String, IndicateurId>,
}

/// Beyond this many fiches, no page shows the whole schéma at once: no document complet,
/// and counts instead of every chart on the calendar page. Real schémas have from ten to
/// a hundred fiches; such a page would then run to megabytes, and to thousands of printed
/// pages.
pub const WHOLE_SCHEMA_MAX_FICHES: usize = 500;

impl Site {
    /// Whether the schéma's own pages (axes, fiches, récapitulatif, calendars) are
    /// published, or the catalogue alone.
    pub fn publishes_schema(&self) -> bool {
        self.publication == Publication::Tout
    }

    /// Whether the schéma is small enough for one page to show it whole (see
    /// [`WHOLE_SCHEMA_MAX_FICHES`]).
    pub fn fits_one_page(&self) -> bool {
        self.fiches.len() <= WHOLE_SCHEMA_MAX_FICHES
    }

    pub fn level_of(&self, group: &Group) -> &Level {
        &self.hierarchy.levels[group.level]
    }

    /// "Axe stratégique 3", "Orientation 1.2", or the level name alone.
    pub fn group_label(&self, group: &Group) -> String {
        let level = self.level_of(group);
        let name = group.kind.map_or(&level.labels.libelle, |kind| {
            &level.kinds[kind].labels.libelle
        });
        match &group.numero {
            Some(numero) => format!("{name} {numero}"),
            None => name.clone(),
        }
    }

    /// The chain of groups from the top level down to `group`.
    pub fn ancestry(&self, group: GroupId) -> Vec<GroupId> {
        let mut chain = vec![group];
        let mut current = group;
        while let Some(parent) = self.groups[current].parent {
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// Every fiche below a group, at any depth, in reading order.
    pub fn fiches_under(&self, group: GroupId) -> Vec<FicheId> {
        let mut fiches = self.groups[group].fiches.clone();
        for &child in &self.groups[group].children {
            fiches.extend(self.fiches_under(child));
        }
        fiches.sort_unstable();
        fiches
    }

    /// The top-level groups (axes), in reading order.
    pub fn roots(&self) -> impl Iterator<Item = GroupId> + '_ {
        self.groups
            .iter()
            .enumerate()
            .filter(|(_, g)| g.parent.is_none())
            .map(|(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sous_action(statut: Option<Statut>) -> SousAction {
        SousAction {
            numero: 1,
            titre: String::new(),
            periodes: vec![Span::years(2020, 2021)],
            annees: vec![2020, 2021],
            statut,
            suivi: Vec::new(),
            jalons: Vec::new(),
            description: None,
        }
    }

    #[test]
    fn a_fiche_status_comes_from_its_sous_actions() {
        let of = |statuses: &[Option<Statut>]| {
            status_of(&statuses.iter().map(|&s| sous_action(s)).collect::<Vec<_>>())
        };
        use Statut::*;
        assert_eq!(of(&[None, None]), None);
        assert_eq!(of(&[Some(Realisee), Some(Realisee)]), Some(Realisee));
        // One without status: not all done.
        assert_eq!(of(&[Some(Realisee), None]), Some(EnCours));
        assert_eq!(of(&[Some(NonEngagee), Some(EnCours)]), Some(EnCours));
        assert_eq!(of(&[Some(NonEngagee), Some(Reportee)]), Some(Reportee));
        assert_eq!(of(&[Some(NonEngagee), None]), Some(NonEngagee));
        assert_eq!(of(&[Some(Abandonnee), Some(Abandonnee)]), Some(Abandonnee));
    }

    #[test]
    fn lateness_against_the_calendar() {
        let in_2021 = Month::new(2021, 6);
        assert!(sous_action(Some(Statut::NonEngagee)).is_late(in_2021));
        assert!(sous_action(Some(Statut::Reportee)).is_late(in_2021));
        assert!(!sous_action(Some(Statut::EnCours)).is_late(in_2021));
        assert!(sous_action(Some(Statut::EnCours)).is_late(Month::new(2022, 1)));
        assert!(!sous_action(Some(Statut::Realisee)).is_late(Month::new(2022, 1)));
        assert!(!sous_action(None).is_late(Month::new(2022, 1)));
        assert!(!sous_action(Some(Statut::NonEngagee)).is_late(Month::new(2020, 1)));
    }
}

//! The follow-up of the schéma, as template data: the dashboard (progress by status, late
//! sous-actions, indicators moving away from their target), one page per indicator, the
//! indicators and statuses shown on fiches, and the review of each year.

use serde::Serialize;

use crate::indicators::{self, StatusCounts};
use crate::model::{FicheId, Indicateur, IndicateurId, Month, Sens, Site, SousAction, Statut};
use crate::render::CitedBy;
use crate::render::links::{self, Target};
use crate::render::views::{DateView, Link, Viewer, french_date};

/// "Données d'exemple, état au 31 décembre 2023", when the site says its follow-up is an
/// example; otherwise "État au …".
#[derive(Serialize)]
pub struct StateNotice {
    exemple: bool,
    date: DateView,
}

pub fn state_notice(site: &Site) -> StateNotice {
    StateNotice {
        exemple: site.example_data,
        date: DateView::of(site.today),
    }
}

/// A status with its cue, for lists and badges.
#[derive(Serialize)]
pub struct StatusView {
    pub cle: &'static str,
    pub libelle: &'static str,
    pub symbole: &'static str,
}

pub fn status_view(statut: Option<Statut>) -> StatusView {
    let (cle, libelle, symbole) = crate::calendar::status_cue(statut);
    StatusView {
        cle,
        libelle,
        symbole,
    }
}

#[derive(Serialize)]
struct CountsView {
    titre: String,
    total: usize,
    /// One per status, then "sans état".
    nombres: Vec<CountCell>,
    barre: String,
}

#[derive(Serialize)]
struct CountCell {
    statut: StatusView,
    nombre: usize,
    /// Share of the total, rounded, for the text.
    part: String,
}

fn counts_view(titre: String, counts: &StatusCounts) -> CountsView {
    let total = counts.total();
    let share = |n: usize| {
        if total == 0 {
            "0\u{A0}%".to_string()
        } else {
            format!(
                "{}\u{A0}%",
                indicators::format_number((n as f64 * 100.0 / total as f64).round())
            )
        }
    };
    let mut nombres: Vec<CountCell> = Statut::ALL
        .iter()
        .map(|&s| CountCell {
            statut: status_view(Some(s)),
            nombre: counts.count(s),
            part: share(counts.count(s)),
        })
        .collect();
    nombres.push(CountCell {
        statut: StatusView {
            cle: "prevue",
            libelle: "sans état renseigné",
            symbole: "",
        },
        nombre: counts.unknown,
        part: share(counts.unknown),
    });
    CountsView {
        barre: indicators::status_bar(counts, &titre),
        titre,
        total,
        nombres,
    }
}

fn sous_action_counts<'a>(sous_actions: impl Iterator<Item = &'a SousAction>) -> StatusCounts {
    let mut counts = StatusCounts::default();
    for s in sous_actions {
        counts.add(s.statut);
    }
    counts
}

/// A late sous-action, and why.
#[derive(Serialize)]
pub struct LateView {
    pub fiche: String,
    pub titre: String,
    pub url: String,
    pub statut: StatusView,
    pub raison: String,
}

/// Why a sous-action is late on `today`, if it is.
pub fn lateness(s: &SousAction, today: Month) -> Option<String> {
    if !s.is_late(today) {
        return None;
    }
    let first = s.periodes.first()?;
    let last = s.periodes.last()?;
    Some(match s.statut {
        Some(Statut::EnCours) => format!("fin prévue en {}, toujours en cours", last.end.year()),
        Some(statut) => format!(
            "début prévu en {}, encore {}",
            first.start.year(),
            statut.label()
        ),
        None => String::new(),
    })
}

fn late_list(viewer: &Viewer, fiches: &[FicheId]) -> Vec<LateView> {
    let site = viewer.site;
    let today = Month::of_date(site.today);
    let mut list = Vec::new();
    for &f in fiches {
        let fiche = &site.fiches[f];
        for s in &fiche.sous_actions {
            if let Some(raison) = lateness(s, today) {
                list.push(LateView {
                    fiche: fiche.label.clone(),
                    titre: format!(
                        "{} {} : {}",
                        site.hierarchy.sous_action.libelle, s.numero, s.titre
                    ),
                    url: viewer.url(&Target::SousAction(f, s.numero)),
                    statut: status_view(s.statut),
                    raison,
                });
            }
        }
    }
    list
}

/// An indicator in a list: last value, summary, sparkline.
#[derive(Serialize, Clone)]
pub struct IndicatorSummary {
    pub id: String,
    pub libelle: String,
    pub url: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub derniere: Option<String>,
    pub resume: String,
    pub sparkline: Option<String>,
    pub etat_cible: Option<&'static str>,
    pub s_eloigne: bool,
    pub fiches: Vec<Link>,
}

fn years(site: &Site) -> (u16, u16) {
    (site.schema.periode.debut, site.schema.periode.fin)
}

pub fn indicator_summary(viewer: &Viewer, i: IndicateurId) -> IndicatorSummary {
    let site = viewer.site;
    let indicateur = &site.indicateurs[i];
    IndicatorSummary {
        id: indicateur.id.clone(),
        libelle: indicateur.libelle.clone(),
        url: format!("{}{}", viewer.root, links::indicateur_path(site, i)),
        kind: indicateur.kind.label(),
        derniere: indicateur.valeurs.last().map(|v| {
            format!(
                "{} ({})",
                indicators::format_mesure(indicateur, &v.mesure),
                v.annee
            )
        }),
        resume: indicators::summary(indicateur),
        sparkline: indicators::sparkline(indicateur, years(site)),
        etat_cible: indicators::target_state(indicateur),
        s_eloigne: indicateur.moves_away(),
        fiches: indicateur
            .fiches
            .iter()
            .map(|&f| viewer.fiche_link(f))
            .collect(),
    }
}

/// The dashboard: progress of the whole schéma and of each top-level group, late
/// sous-actions, indicators moving away from their target, every indicator.
#[derive(Serialize)]
pub struct Dashboard {
    etat: StateNotice,
    ensemble: CountsView,
    fiches: CountsView,
    groupes: Vec<GroupCounts>,
    retards: Vec<LateView>,
    ecarts: Vec<IndicatorSummary>,
    indicateurs: Vec<IndicatorSummary>,
    annees: Vec<YearLink>,
    legende: Vec<crate::calendar::LegendEntry>,
}

#[derive(Serialize)]
struct GroupCounts {
    groupe: Link,
    comptes: CountsView,
}

/// A year of the period: `titre` is the year as a number.
#[derive(Serialize)]
struct YearLink {
    titre: u16,
    url: String,
}

pub fn dashboard_data(viewer: &Viewer) -> Dashboard {
    let site = viewer.site;
    let all = sous_action_counts(site.fiches.iter().flat_map(|f| f.sous_actions.iter()));
    let groupes = site
        .roots()
        .map(|g| {
            let fiches = site.fiches_under(g);
            let counts = sous_action_counts(
                fiches
                    .iter()
                    .flat_map(|&f| site.fiches[f].sous_actions.iter()),
            );
            let link = viewer.group_link(g);
            GroupCounts {
                comptes: counts_view(format!("{} : {}", link.label, link.titre), &counts),
                groupe: link,
            }
        })
        .collect();
    let mut fiche_counts = StatusCounts::default();
    for fiche in &site.fiches {
        fiche_counts.add(fiche.statut());
    }
    let every_fiche: Vec<FicheId> = (0..site.fiches.len()).collect();
    let indicateurs: Vec<IndicatorSummary> = (0..site.indicateurs.len())
        .map(|i| indicator_summary(viewer, i))
        .collect();
    Dashboard {
        etat: state_notice(site),
        ensemble: counts_view(
            format!(
                "Ensemble du schéma ({} {})",
                all.total(),
                site.hierarchy.sous_action.pluriel.to_lowercase()
            ),
            &all,
        ),
        fiches: counts_view(
            format!(
                "{} ({})",
                site.hierarchy.fiche.labels.pluriel,
                site.fiches.len()
            ),
            &fiche_counts,
        ),
        groupes,
        retards: late_list(viewer, &every_fiche),
        ecarts: indicateurs
            .iter()
            .filter(|i| i.s_eloigne)
            .cloned()
            .collect(),
        indicateurs,
        annees: site
            .schema
            .periode
            .years()
            .map(|y| YearLink {
                titre: y,
                url: format!("{}{}", viewer.root, links::year_path(y)),
            })
            .collect(),
        legende: crate::calendar::legend(),
    }
}

/// A few words for the home page when some status is declared: how many sous-actions
/// are done, running, late, with the bar of the dashboard.
#[derive(Serialize)]
pub struct HomeSummary {
    url: String,
    comptes: CountsView,
    realisees: usize,
    en_cours: usize,
    retards: usize,
    etat: StateNotice,
}

pub fn home_summary(viewer: &Viewer) -> Option<HomeSummary> {
    let site = viewer.site;
    let all = sous_action_counts(site.fiches.iter().flat_map(|f| f.sous_actions.iter()));
    if all.unknown == all.total() {
        return None;
    }
    let today = Month::of_date(site.today);
    let late = site
        .fiches
        .iter()
        .flat_map(|f| f.sous_actions.iter())
        .filter(|s| s.is_late(today))
        .count();
    Some(HomeSummary {
        url: format!("{}{}", viewer.root, links::DASHBOARD),
        realisees: all.count(Statut::Realisee),
        en_cours: all.count(Statut::EnCours),
        comptes: counts_view("État des sous-actions".into(), &all),
        retards: late,
        etat: state_notice(site),
    })
}

#[derive(Serialize)]
struct ValueRow {
    annee: u16,
    valeur: String,
    ecart: Option<String>,
    source: Option<String>,
    date: Option<DateView>,
    note: Option<String>,
}

fn sens_label(sens: Option<Sens>) -> Option<&'static str> {
    sens.map(|s| match s {
        Sens::Hausse => "à la hausse",
        Sens::Baisse => "à la baisse",
    })
}

/// One indicator: its chart, the sentence that sums it up and its values as a table.
#[derive(Serialize)]
pub struct IndicatorPage<'a> {
    libelle: &'a str,
    description: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    unite: &'a str,
    sens: Option<&'static str>,
    cible: Option<String>,
    etat_cible: Option<&'static str>,
    source: Option<&'a str>,
    fiches: Vec<Link>,
    resume: String,
    graphique: Option<String>,
    id_graphique: String,
    valeurs: Vec<ValueRow>,
    avec_ecart: bool,
    etat: StateNotice,
    cite_par: Vec<CitedBy>,
}

pub fn indicator_data<'a>(
    viewer: &Viewer<'a>,
    i: IndicateurId,
    cited_by: Vec<CitedBy>,
) -> IndicatorPage<'a> {
    let site = viewer.site;
    let indicateur: &Indicateur = &site.indicateurs[i];
    let rows: Vec<ValueRow> = indicateur
        .valeurs
        .iter()
        .map(|v| ValueRow {
            annee: v.annee,
            valeur: indicators::format_mesure(indicateur, &v.mesure),
            ecart: indicateur.cible.zip(v.mesure.number()).map(|(cible, n)| {
                let gap = n - cible.valeur;
                let sign = if gap > 0.0 { "+" } else { "" };
                format!("{sign}{}", indicators::format_value(indicateur, gap))
            }),
            source: v.source.clone(),
            date: v.date.map(DateView::of),
            note: v.note.clone(),
        })
        .collect();
    let id_graphique = format!("graphique-{}", indicateur.id);
    let graphique = (!indicateur.points().is_empty())
        .then(|| indicators::line_chart(indicateur, years(site), &id_graphique));
    IndicatorPage {
        libelle: &indicateur.libelle,
        description: indicateur.description.as_deref(),
        kind: indicateur.kind.label(),
        unite: match indicateur.unite {
            crate::model::Unite::Nombre => indicateur.mesure.as_deref().unwrap_or("nombre"),
            other => indicators::unit_name(other),
        },
        sens: sens_label(indicateur.sens),
        cible: indicateur.cible.map(|c| {
            let year = c.annee.map(|y| format!(" en {y}")).unwrap_or_default();
            format!("{}{year}", indicators::format_value(indicateur, c.valeur))
        }),
        etat_cible: indicators::target_state(indicateur),
        source: indicateur.source.as_deref(),
        fiches: indicateur
            .fiches
            .iter()
            .map(|&f| viewer.fiche_link(f))
            .collect(),
        resume: indicators::summary(indicateur),
        graphique,
        id_graphique,
        valeurs: rows,
        avec_ecart: indicateur.cible.is_some(),
        etat: state_notice(site),
        cite_par: cited_by,
    }
}

/// The fiche page's follow-up: its overall status, the history of each sous-action and
/// the indicators that measure it.
#[derive(Serialize)]
pub struct FicheFollowUp<'a> {
    statut: Option<StatusView>,
    statut_calcule: bool,
    en_retard: bool,
    historique: Vec<HistoryEntry<'a>>,
    indicateurs: Vec<IndicatorSummary>,
    etat: StateNotice,
    renseigne: bool,
}

pub fn fiche_follow_up<'a>(viewer: &Viewer<'a>, f: FicheId) -> FicheFollowUp<'a> {
    let site = viewer.site;
    let fiche = &site.fiches[f];
    let today = Month::of_date(site.today);
    FicheFollowUp {
        statut: fiche.statut().map(|s| status_view(Some(s))),
        statut_calcule: fiche.statut_calcule(),
        en_retard: fiche.is_late(today),
        historique: history(&fiche.suivi),
        indicateurs: fiche
            .mesures
            .iter()
            .map(|&i| indicator_summary(viewer, i))
            .collect(),
        etat: state_notice(site),
        renseigne: fiche.statut().is_some() || !fiche.mesures.is_empty(),
    }
}

/// A year of the follow-up of a fiche or a sous-action.
#[derive(Serialize)]
pub struct HistoryEntry<'a> {
    annee: u16,
    statut: StatusView,
    date: Option<DateView>,
    commentaire: Option<&'a str>,
}

fn history(entries: &[crate::model::Suivi]) -> Vec<HistoryEntry<'_>> {
    entries
        .iter()
        .map(|s| HistoryEntry {
            annee: s.annee,
            statut: status_view(Some(s.statut)),
            date: s.date.map(DateView::of),
            commentaire: s.commentaire.as_deref(),
        })
        .collect()
}

/// A sous-action's history year by year, and why it is late.
#[derive(Serialize)]
pub struct SousActionFollowUp<'a> {
    historique: Vec<HistoryEntry<'a>>,
    raison_retard: Option<String>,
}

pub fn sous_action_follow_up<'a>(site: &Site, s: &'a SousAction) -> SousActionFollowUp<'a> {
    SousActionFollowUp {
        historique: history(&s.suivi),
        raison_retard: lateness(s, Month::of_date(site.today)),
    }
}

/// What the follow-up says of one year: the sous-actions done, running, postponed,
/// abandoned or not engaged that year, and the indicators' values of the year.
#[derive(Serialize)]
pub struct YearReview<'a> {
    groupes: Vec<ReviewGroup<'a>>,
    nombre: usize,
    valeurs: Vec<ReviewValue<'a>>,
    etat: StateNotice,
    date: String,
}

#[derive(Serialize)]
struct ReviewGroup<'a> {
    titre: &'static str,
    ancre: &'static str,
    statut: StatusView,
    sous_actions: Vec<ReviewEntry<'a>>,
}

#[derive(Serialize)]
struct ReviewEntry<'a> {
    fiche: String,
    titre: String,
    url: String,
    commentaire: Option<&'a str>,
    date: Option<DateView>,
}

#[derive(Serialize)]
struct ReviewValue<'a> {
    indicateur: TitledLink<'a>,
    valeur: String,
    cible: Option<String>,
    source: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct TitledLink<'a> {
    titre: &'a str,
    url: String,
}

pub fn year_review<'a>(viewer: &Viewer<'a>, year: u16) -> YearReview<'a> {
    let site = viewer.site;
    // (title, anchor, status): a running sous-action is "engagée" the first year it
    // runs, "poursuivie" after.
    let categories: [(&str, &str, Statut); 6] = [
        ("Réalisées", "bilan-realisee", Statut::Realisee),
        ("Engagées", "bilan-engagee", Statut::EnCours),
        ("Poursuivies", "bilan-poursuivie", Statut::EnCours),
        ("Reportées", "bilan-reportee", Statut::Reportee),
        ("Abandonnées", "bilan-abandonnee", Statut::Abandonnee),
        ("Non engagées", "bilan-non-engagee", Statut::NonEngagee),
    ];
    let mut lists: Vec<Vec<ReviewEntry>> = categories.iter().map(|_| Vec::new()).collect();
    for (f, fiche) in site.fiches.iter().enumerate() {
        for s in &fiche.sous_actions {
            let Some(entry) = s.suivi_en(year) else {
                continue;
            };
            let continued = entry.statut == Statut::EnCours
                && s.suivi
                    .iter()
                    .any(|e| e.annee < year && e.statut == Statut::EnCours);
            let category = match entry.statut {
                Statut::Realisee => 0,
                Statut::EnCours if continued => 2,
                Statut::EnCours => 1,
                Statut::Reportee => 3,
                Statut::Abandonnee => 4,
                Statut::NonEngagee => 5,
            };
            lists[category].push(ReviewEntry {
                fiche: fiche.label.clone(),
                titre: format!(
                    "{} {} : {}",
                    site.hierarchy.sous_action.libelle, s.numero, s.titre
                ),
                url: viewer.url(&Target::SousAction(f, s.numero)),
                commentaire: entry.commentaire.as_deref(),
                date: entry.date.map(DateView::of),
            });
        }
    }
    let groupes: Vec<ReviewGroup> = categories
        .iter()
        .zip(lists)
        .filter(|(_, list)| !list.is_empty())
        .map(|(&(titre, ancre, statut), list)| ReviewGroup {
            titre,
            ancre,
            statut: status_view(Some(statut)),
            sous_actions: list,
        })
        .collect();
    let valeurs = site
        .indicateurs
        .iter()
        .enumerate()
        .filter_map(|(i, indicateur)| {
            let value = indicateur.value_in(year)?;
            Some(ReviewValue {
                indicateur: TitledLink {
                    titre: &indicateur.libelle,
                    url: format!("{}{}", viewer.root, links::indicateur_path(site, i)),
                },
                valeur: indicators::format_mesure(indicateur, &value.mesure),
                cible: indicateur
                    .cible
                    .map(|c| indicators::format_value(indicateur, c.valeur)),
                source: value
                    .source
                    .as_ref()
                    .or(indicateur.source.as_ref())
                    .map(String::as_str),
                note: value.note.as_deref(),
            })
        })
        .collect();
    YearReview {
        nombre: groupes.iter().map(|g| g.sous_actions.len()).sum(),
        groupes,
        valeurs,
        etat: state_notice(site),
        date: french_date(site.today),
    }
}

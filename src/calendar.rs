//! Gantt-style calendars computed from the model, for templates to lay out as a CSS grid:
//! one column per month of the schéma's period, a bar per period with its status, the
//! milestones and the "today" marker. No JavaScript is needed to read them.

use serde::Serialize;

use crate::model::{FicheId, GroupId, Jalon, Month, Precision, Site, Span, Statut};
use crate::render::links::{self, Target};
use crate::render::views::periods_label;

#[derive(Serialize)]
pub struct Gantt {
    /// Months in the period: the number of time columns.
    pub colonnes: u32,
    pub annees: Vec<AxisCell>,
    /// Semesters or quarters, when some period is written that finely.
    pub graduations: Vec<AxisCell>,
    pub aujourdhui: Option<Marker>,
    /// The years of the period, for the table that carries the same data.
    pub annees_tableau: Vec<u16>,
    pub lignes: Vec<GanttRow>,
}

/// A cell of the time axis, placed between two grid lines.
#[derive(Serialize)]
pub struct AxisCell {
    pub libelle: String,
    pub debut: u32,
    pub fin: u32,
}

#[derive(Serialize)]
pub struct GanttRow {
    pub label: String,
    pub titre: String,
    pub url: String,
    pub barres: Vec<Bar>,
    pub jalons: Vec<Marker>,
    /// For each year of the period: does the row run that year (the table's cells).
    pub cellules: Vec<bool>,
    pub sous_lignes: Vec<GanttRow>,
}

#[derive(Serialize)]
pub struct Bar {
    /// Grid lines: the bar spans from `debut` to `fin`.
    pub debut: u32,
    pub fin: u32,
    pub periode: String,
    /// CSS class of the status: `prevue`, `non-engagee`, `en-cours`, `realisee`,
    /// `reportee`, `abandonnee`.
    pub statut: &'static str,
    pub statut_libelle: &'static str,
    /// The non-colour cue of the status.
    pub symbole: &'static str,
    pub retard: bool,
}

#[derive(Serialize)]
pub struct Marker {
    /// The grid line at the start of the marked month.
    pub colonne: u32,
    pub libelle: String,
    pub date: String,
}

/// Statuses and their cues, for the legend.
#[derive(Serialize)]
pub struct LegendEntry {
    pub statut: &'static str,
    pub libelle: &'static str,
    pub symbole: &'static str,
}

pub fn legend() -> Vec<LegendEntry> {
    let mut entries: Vec<LegendEntry> = [
        None,
        Some(Statut::NonEngagee),
        Some(Statut::EnCours),
        Some(Statut::Realisee),
        Some(Statut::Reportee),
        Some(Statut::Abandonnee),
    ]
    .into_iter()
    .map(|statut| {
        let (class, libelle, symbole) = status_cue(statut);
        LegendEntry {
            statut: class,
            libelle,
            symbole,
        }
    })
    .collect();
    entries.push(LegendEntry {
        statut: "en-retard",
        libelle: "en retard",
        symbole: "!",
    });
    entries
}

pub fn status_cue(statut: Option<Statut>) -> (&'static str, &'static str, &'static str) {
    match statut {
        None => ("prevue", "prévue", ""),
        Some(Statut::NonEngagee) => ("non-engagee", "non engagée", "○"),
        Some(Statut::EnCours) => ("en-cours", "en cours", "▶"),
        Some(Statut::Realisee) => ("realisee", "réalisée", "✓"),
        Some(Statut::Reportee) => ("reportee", "reportée", "↷"),
        Some(Statut::Abandonnee) => ("abandonnee", "abandonnée", "✕"),
    }
}

/// Builds calendars relative to one page (`root` prefixes the links).
pub struct Calendars<'a> {
    pub site: &'a Site,
    pub root: &'a str,
    pub links: links::LinkStyle,
}

impl Calendars<'_> {
    /// One fiche: a row per sous-action.
    pub fn fiche(&self, fiche: FicheId) -> Gantt {
        let rows = self.sous_action_rows(fiche);
        self.gantt(rows)
    }

    /// The fiches under a group, each with its sous-actions as sub-rows.
    pub fn group(&self, group: GroupId) -> Gantt {
        let rows = self
            .site
            .fiches_under(group)
            .into_iter()
            .map(|f| self.fiche_row(f))
            .collect();
        self.gantt(rows)
    }

    fn gantt(&self, lignes: Vec<GanttRow>) -> Gantt {
        let period = self.site.schema.periode.span();
        let colonnes = period.end.0 - period.start.0 + 1;
        let precision = self.site.calendar_precision;
        let today = Month::of_date(self.site.today);
        Gantt {
            colonnes,
            annees: self
                .site
                .schema
                .periode
                .years()
                .map(|year| self.axis_cell(year.to_string(), Span::years(year, year)))
                .collect(),
            graduations: self.graduations(precision),
            aujourdhui: period.contains(today).then(|| Marker {
                colonne: self.line(today),
                libelle: "Aujourd'hui".into(),
                date: crate::render::views::french_date(self.site.today),
            }),
            annees_tableau: self.site.schema.periode.years().collect(),
            lignes,
        }
    }

    fn graduations(&self, precision: Precision) -> Vec<AxisCell> {
        let (parts, prefix) = match precision {
            Precision::Year => return Vec::new(),
            Precision::Semester => (2u8, "S"),
            Precision::Quarter | Precision::Month => (4u8, "T"),
        };
        let months = 12 / parts;
        self.site
            .schema
            .periode
            .years()
            .flat_map(|year| {
                (0..parts).map(move |part| {
                    let start = Month::new(year, part * months + 1);
                    let end = Month::new(year, (part + 1) * months);
                    let span = Span {
                        start,
                        end,
                        precision,
                        end_precision: precision,
                    };
                    (format!("{prefix}{}", part + 1), span)
                })
            })
            .map(|(label, span)| self.axis_cell(label, span))
            .collect()
    }

    fn axis_cell(&self, libelle: String, span: Span) -> AxisCell {
        AxisCell {
            libelle,
            debut: self.line(span.start),
            fin: self.line(span.end) + 1,
        }
    }

    /// The grid line before `month`: line 1 is before the label column.
    fn line(&self, month: Month) -> u32 {
        let start = self.site.schema.periode.span().start;
        month.0.saturating_sub(start.0) + 2
    }

    fn bar(&self, span: Span, statut: Option<Statut>, retard: bool) -> Bar {
        let (class, libelle, symbole) = status_cue(statut);
        Bar {
            debut: self.line(span.start),
            fin: self.line(span.end) + 1,
            periode: span.label(),
            statut: class,
            statut_libelle: libelle,
            symbole,
            retard,
        }
    }

    fn marker(&self, jalon: &Jalon) -> Marker {
        Marker {
            colonne: self.line(jalon.moment.start),
            libelle: jalon.libelle.clone(),
            date: jalon.moment.label(),
        }
    }

    fn cells(&self, spans: &[Span]) -> Vec<bool> {
        self.site
            .schema
            .periode
            .years()
            .map(|year| {
                spans
                    .iter()
                    .any(|s| s.start.year() <= year && year <= s.end.year())
            })
            .collect()
    }

    fn sous_action_rows(&self, fiche: FicheId) -> Vec<GanttRow> {
        let today = Month::of_date(self.site.today);
        let label = &self.site.hierarchy.sous_action.libelle;
        self.site.fiches[fiche]
            .sous_actions
            .iter()
            .map(|s| GanttRow {
                label: format!("{label} {}", s.numero),
                titre: s.titre.clone(),
                url: links::href(
                    self.site,
                    &Target::SousAction(fiche, s.numero),
                    self.root,
                    self.links,
                ),
                barres: s
                    .periodes
                    .iter()
                    .map(|&p| self.bar(p, s.statut, s.is_late(today)))
                    .collect(),
                jalons: s.jalons.iter().map(|j| self.marker(j)).collect(),
                cellules: self.cells(&s.periodes),
                sous_lignes: Vec::new(),
            })
            .collect()
    }

    fn fiche_row(&self, fiche: FicheId) -> GanttRow {
        let f = &self.site.fiches[fiche];
        let today = Month::of_date(self.site.today);
        let span = fiche_span(self.site, fiche);
        let spans: Vec<Span> = span.into_iter().collect();
        GanttRow {
            label: f.label.clone(),
            titre: f.titre.clone(),
            url: links::href(self.site, &Target::Fiche(fiche), self.root, self.links),
            barres: span
                .map(|span| self.bar(span, f.statut(), f.is_late(today)))
                .into_iter()
                .collect(),
            jalons: f.calendrier.jalons.iter().map(|j| self.marker(j)).collect(),
            cellules: self.cells(&spans),
            sous_lignes: self.sous_action_rows(fiche),
        }
    }
}

/// The fiche's period: as declared (from `debut`, to `fin` or the end of the schéma),
/// otherwise from the first to the last month of its sous-actions.
pub fn fiche_span(site: &Site, fiche: FicheId) -> Option<Span> {
    let f = &site.fiches[fiche];
    let period = site.schema.periode;
    if let Some(debut) = f.calendrier.debut {
        let fin = f.calendrier.fin.unwrap_or(period.fin).max(debut);
        return Some(Span::years(debut, fin));
    }
    let periods = f.sous_actions.iter().flat_map(|s| s.periodes.iter());
    let first = periods.clone().min_by_key(|p| p.start)?;
    let last = periods.max_by_key(|p| p.end)?;
    Some(first.to(*last))
}

/// The sous-actions planned in a year, grouped by top-level group, for the "par année"
/// pages.
#[derive(Serialize)]
pub struct YearGroup {
    pub groupe: crate::render::views::Link,
    pub sous_actions: Vec<YearEntry>,
}

#[derive(Serialize)]
pub struct YearEntry {
    pub fiche: String,
    pub titre: String,
    pub url: String,
    pub periode: String,
    pub statut: &'static str,
    pub statut_libelle: &'static str,
    pub symbole: &'static str,
    pub retard: bool,
}

impl Calendars<'_> {
    pub fn year(&self, year: u16) -> Vec<YearGroup> {
        let viewer = crate::render::views::Viewer {
            site: self.site,
            root: self.root,
            links: self.links,
        };
        let today = Month::of_date(self.site.today);
        self.site
            .roots()
            .filter_map(|group| {
                let sous_actions: Vec<YearEntry> = self
                    .site
                    .fiches_under(group)
                    .into_iter()
                    .flat_map(|f| self.site.fiches[f].sous_actions.iter().map(move |s| (f, s)))
                    .filter(|(_, s)| s.annees.contains(&year))
                    .map(|(f, s)| {
                        let (class, libelle, symbole) = status_cue(s.statut);
                        let periode = periods_label(&s.periodes);
                        YearEntry {
                            fiche: self.site.fiches[f].label.clone(),
                            titre: format!(
                                "{} {} : {}",
                                self.site.hierarchy.sous_action.libelle, s.numero, s.titre
                            ),
                            url: links::href(
                                self.site,
                                &Target::SousAction(f, s.numero),
                                self.root,
                                self.links,
                            ),
                            periode,
                            statut: class,
                            statut_libelle: libelle,
                            symbole,
                            retard: s.is_late(today),
                        }
                    })
                    .collect();
                (!sous_actions.is_empty()).then(|| YearGroup {
                    groupe: viewer.group_link(group),
                    sous_actions,
                })
            })
            .collect()
    }
}

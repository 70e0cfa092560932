//! Indicators for readers: numbers written the French way, the sentence that sums up a
//! series, and charts drawn at build time as SVG, with no JavaScript: a line chart per
//! indicator with its target, sparklines for lists, and bars of statuses.
//!
//! Every chart is an image with a title and a description (`role="img"`); pages also give
//! its numbers in a table.

use std::fmt::Write as _;

use crate::model::{Indicateur, Mesure, Sens, Statut, Unite};
use crate::render::markdown::escape_attr;

/// Between groups of three digits: a narrow no-break space (`2 407`).
pub const THOUSANDS: char = '\u{202F}';
/// Between a number and its unit: a no-break space (`72,81 %`).
pub const BEFORE_UNIT: char = '\u{A0}';

/// Reads a number as editors write it: `2407`, `2 407`, `72,81`, `72.81 %`, `-3`. Returns
/// the number and what follows it (the unit, perhaps empty); `None` when the text does not
/// start with a number.
pub fn parse_number(text: &str) -> Option<(f64, String)> {
    let text = text.trim();
    let chars: Vec<char> = text.chars().collect();
    let mut digits = String::new();
    let mut i = 0;
    if let Some(&sign @ ('-' | '+' | '−')) = chars.first() {
        if sign != '+' {
            digits.push('-');
        }
        i += 1;
    }
    let mut seen_digit = false;
    let mut seen_decimal = false;
    while i < chars.len() {
        let c = chars[i];
        let next_is_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        match c {
            '0'..='9' => {
                digits.push(c);
                seen_digit = true;
            }
            ' ' | '\u{A0}' | '\u{202F}' if seen_digit && !seen_decimal && next_is_digit => {}
            ',' | '.' if seen_digit && !seen_decimal && next_is_digit => {
                digits.push('.');
                seen_decimal = true;
            }
            _ => break,
        }
        i += 1;
    }
    if !seen_digit {
        return None;
    }
    let number: f64 = digits.parse().ok()?;
    let suffix: String = chars[i..].iter().collect();
    Some((number, suffix.trim().to_string()))
}

/// `2407` → `2 407`, `72.8123` → `72,81`, `-1500.5` → `-1 500,5`: two decimals at most,
/// none when the number is whole.
pub fn format_number(number: f64) -> String {
    let rounded = (number * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let absolute = rounded.abs();
    let whole = absolute.trunc() as u64;
    let cents = ((absolute - absolute.trunc()) * 100.0).round() as u64;
    let digits = whole.to_string();
    let mut text = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(THOUSANDS);
        }
        text.push(c);
    }
    if cents > 0 {
        let decimals = format!("{cents:02}");
        text.push(',');
        text.push_str(decimals.trim_end_matches('0'));
    }
    if negative && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        text.insert(0, '-');
    }
    text
}

/// The unit as a reader names it.
pub fn unit_name(unite: Unite) -> &'static str {
    match unite {
        Unite::Nombre => "nombre",
        Unite::Pourcentage => "%",
        Unite::Euros => "€",
        Unite::Jours => "jours",
        Unite::Texte => "texte",
    }
}

/// The unit written after a number of this indicator, if any.
fn unit_suffix(indicateur: &Indicateur) -> Option<&str> {
    match indicateur.unite {
        Unite::Nombre => indicateur.mesure.as_deref(),
        Unite::Texte => None,
        other => Some(unit_name(other)),
    }
}

/// `2 407 journées`, `72,81 %`, `1 200 €`.
pub fn format_value(indicateur: &Indicateur, number: f64) -> String {
    match unit_suffix(indicateur) {
        Some(unit) => format!("{}{BEFORE_UNIT}{unit}", format_number(number)),
        None => format_number(number),
    }
}

pub fn format_mesure(indicateur: &Indicateur, mesure: &Mesure) -> String {
    match mesure {
        Mesure::Nombre(n) => format_value(indicateur, *n),
        Mesure::Texte(text) => text.clone(),
    }
}

/// The change between two values: in points for a percentage, otherwise relative
/// (`+19 %`); `None` when it cannot be said (from zero).
pub fn change(indicateur: &Indicateur, first: f64, last: f64) -> Option<String> {
    let signed = |value: f64, digits: f64| {
        let rounded = (value * digits).round() / digits;
        let sign = if rounded > 0.0 { "+" } else { "" };
        format!("{sign}{}", format_number(rounded))
    };
    if indicateur.unite == Unite::Pourcentage {
        let points = last - first;
        let unit = if points.abs() >= 2.0 {
            "points"
        } else {
            "point"
        };
        return Some(format!("{}{BEFORE_UNIT}{unit}", signed(points, 100.0)));
    }
    if first == 0.0 {
        return None;
    }
    let percent = (last - first) / first.abs() * 100.0;
    let digits = if percent.abs() >= 10.0 { 1.0 } else { 10.0 };
    Some(format!("{}{BEFORE_UNIT}%", signed(percent, digits)))
}

/// How the last value stands against the target.
pub fn target_state(indicateur: &Indicateur) -> Option<&'static str> {
    let cible = indicateur.cible?;
    let (_, last) = *indicateur.points().last()?;
    let reached = match indicateur.sens {
        Some(Sens::Hausse) | None => last >= cible.valeur,
        Some(Sens::Baisse) => last <= cible.valeur,
    };
    Some(if reached {
        "cible atteinte"
    } else if indicateur.moves_away() {
        "s'éloigne de la cible"
    } else {
        "cible non atteinte"
    })
}

/// One sentence for the whole series: "De 2 019 à 2 407 journées entre 2022 et 2023,
/// +19 %. Cible : 3 306 journées en 2023 (cible non atteinte)."
pub fn summary(indicateur: &Indicateur) -> String {
    let points = indicateur.points();
    let mut text = match (points.first(), points.last()) {
        (Some(&(y1, first)), Some(&(y2, last))) if y1 != y2 => {
            let from = match indicateur.unite {
                Unite::Nombre | Unite::Jours => format_number(first),
                _ => format_value(indicateur, first),
            };
            let mut sentence = format!(
                "De {from} à {} entre {y1} et {y2}",
                format_value(indicateur, last)
            );
            if let Some(change) = change(indicateur, first, last) {
                sentence.push_str(&format!(", {change}"));
            }
            sentence.push('.');
            sentence
        }
        (Some(&(year, value)), _) => format!("{} en {year}.", format_value(indicateur, value)),
        _ => match indicateur.valeurs.last() {
            Some(valeur) => format!(
                "En {} : {}.",
                valeur.annee,
                format_mesure(indicateur, &valeur.mesure).trim_end_matches('.')
            ),
            None => "Aucune valeur publiée pour l'instant.".to_string(),
        },
    };
    if let Some(cible) = indicateur.cible {
        let year = cible.annee.map(|y| format!(" en {y}")).unwrap_or_default();
        let state = target_state(indicateur)
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        text.push_str(&format!(
            " Cible : {}{year}{state}.",
            format_value(indicateur, cible.valeur)
        ));
    }
    text
}

/// A chart's frame and scale: years on x, values on y.
struct Frame {
    width: f64,
    height: f64,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    years: (u16, u16),
    min: f64,
    max: f64,
}

impl Frame {
    fn x(&self, year: u16) -> f64 {
        let (first, last) = self.years;
        let inner = self.width - self.left - self.right;
        if first == last {
            return self.left + inner / 2.0;
        }
        self.left + inner * f64::from(year - first) / f64::from(last - first)
    }

    fn y(&self, value: f64) -> f64 {
        let inner = self.height - self.top - self.bottom;
        let share = if self.max > self.min {
            (value - self.min) / (self.max - self.min)
        } else {
            0.5
        };
        self.top + inner * (1.0 - share)
    }
}

/// A round step for about four grid lines up to `max`.
fn nice_step(span: f64) -> f64 {
    if span <= 0.0 {
        return 1.0;
    }
    let raw = span / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let normalized = raw / magnitude;
    let nice = if normalized <= 1.0 {
        1.0
    } else if normalized <= 2.0 {
        2.0
    } else if normalized <= 2.5 {
        2.5
    } else if normalized <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// The line chart of an indicator over the schéma's years: one point per year with a
/// value, each labelled, and the target as a dashed line. `id` makes the title and
/// description ids unique in the page.
pub fn line_chart(indicateur: &Indicateur, years: (u16, u16), id: &str) -> String {
    let points = indicateur.points();
    let target = indicateur.cible.map(|c| c.valeur);
    let values = points.iter().map(|p| p.1).chain(target);
    let highest = values.clone().fold(0.0_f64, f64::max);
    let lowest = values.fold(0.0_f64, f64::min);
    let step = nice_step(highest - lowest);
    let frame = Frame {
        width: 640.0,
        height: 260.0,
        left: 72.0,
        right: 24.0,
        top: 24.0,
        bottom: 36.0,
        years,
        min: (lowest / step).floor() * step,
        max: ((highest * 1.08) / step).ceil() * step,
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="graphique" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-titre {id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="{id}-titre">{titre}</title><desc id="{id}-desc">{desc}</desc>"#,
        w = frame.width,
        h = frame.height,
        titre = escape_attr(&indicateur.libelle),
        desc = escape_attr(&summary(indicateur)),
    );
    // Grid and y labels.
    let mut tick = frame.min;
    while tick <= frame.max + step / 2.0 {
        let y = frame.y(tick);
        let _ = write!(
            svg,
            r#"<line class="graphique-grille" x1="{x1}" y1="{y:.1}" x2="{x2}" y2="{y:.1}"/><text class="graphique-axe" x="{tx}" y="{ty:.1}" text-anchor="end">{label}</text>"#,
            x1 = frame.left,
            x2 = frame.width - frame.right,
            tx = frame.left - 8.0,
            ty = y + 4.0,
            label = escape_attr(&format_number(tick)),
        );
        tick += step;
    }
    // Years.
    for year in years.0..=years.1 {
        let _ = write!(
            svg,
            r#"<text class="graphique-axe" x="{x:.1}" y="{y}" text-anchor="middle">{year}</text>"#,
            x = frame.x(year),
            y = frame.height - 12.0,
        );
    }
    if let Some(cible) = indicateur.cible {
        let y = frame.y(cible.valeur);
        let _ = write!(
            svg,
            r#"<line class="graphique-cible" x1="{x1}" y1="{y:.1}" x2="{x2}" y2="{y:.1}"/><text class="graphique-cible-texte" x="{x2}" y="{ty:.1}" text-anchor="end">Cible&#160;: {label}</text>"#,
            x1 = frame.left,
            x2 = frame.width - frame.right,
            ty = y - 6.0,
            label = escape_attr(&format_value(indicateur, cible.valeur)),
        );
    }
    line(&mut svg, &frame, &points);
    for &(year, value) in &points {
        let (x, y) = (frame.x(year), frame.y(value));
        let _ = write!(
            svg,
            r#"<circle class="graphique-point" cx="{x:.1}" cy="{y:.1}" r="5"/><text class="graphique-valeur" x="{x:.1}" y="{ty:.1}" text-anchor="middle">{label}</text>"#,
            ty = y - 10.0,
            label = escape_attr(&format_number(value)),
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The line joining the points of a chart, when there are two or more.
fn line(svg: &mut String, frame: &Frame, points: &[(u16, f64)]) {
    if points.len() > 1 {
        let coordinates: Vec<String> = points
            .iter()
            .map(|&(year, value)| format!("{:.1},{:.1}", frame.x(year), frame.y(value)))
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="graphique-ligne" points="{}"/>"#,
            coordinates.join(" ")
        );
    }
}

/// A small line for lists, without axes: the summary is its accessible name.
pub fn sparkline(indicateur: &Indicateur, years: (u16, u16)) -> Option<String> {
    let points = indicateur.points();
    if points.is_empty() {
        return None;
    }
    let values = points.iter().map(|p| p.1);
    let frame = Frame {
        width: 120.0,
        height: 32.0,
        left: 4.0,
        right: 4.0,
        top: 4.0,
        bottom: 4.0,
        years,
        min: values.clone().fold(f64::INFINITY, f64::min),
        max: values.fold(f64::NEG_INFINITY, f64::max),
    };
    let label = escape_attr(&summary(indicateur));
    let mut svg = format!(
        r#"<svg class="sparkline" viewBox="0 0 120 32" width="120" height="32" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>"#
    );
    line(&mut svg, &frame, &points);
    if let Some(&(year, value)) = points.last() {
        let _ = write!(
            svg,
            r#"<circle class="graphique-point" cx="{:.1}" cy="{:.1}" r="3"/>"#,
            frame.x(year),
            frame.y(value)
        );
    }
    svg.push_str("</svg>");
    Some(svg)
}

/// Counts of sous-actions by status, and those without one.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct StatusCounts {
    /// In the order of [`Statut::ALL`].
    pub by_status: [usize; 5],
    pub unknown: usize,
}

impl StatusCounts {
    pub fn add(&mut self, statut: Option<Statut>) {
        match statut {
            Some(statut) => {
                let i = Statut::ALL.iter().position(|s| *s == statut).unwrap_or(0);
                self.by_status[i] += 1;
            }
            None => self.unknown += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.by_status.iter().sum::<usize>() + self.unknown
    }

    pub fn count(&self, statut: Statut) -> usize {
        Statut::ALL
            .iter()
            .position(|s| *s == statut)
            .map_or(0, |i| self.by_status[i])
    }

    /// "3 réalisées, 5 en cours, …": the accessible name of the bar.
    pub fn sentence(&self) -> String {
        let mut parts: Vec<String> = Statut::ALL
            .iter()
            .map(|&s| format!("{} : {}", s.label(), self.count(s)))
            .collect();
        parts.push(format!("sans état renseigné : {}", self.unknown));
        parts.join(", ")
    }
}

/// One horizontal bar split by status, for the dashboard; the table next to it carries
/// the same counts.
pub fn status_bar(counts: &StatusCounts, titre: &str) -> String {
    let total = counts.total().max(1) as f64;
    let width = 400.0;
    let mut svg = format!(
        r#"<svg class="barre-statuts" viewBox="0 0 400 20" preserveAspectRatio="none" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg"><title>{label}</title>"#,
        label = escape_attr(&format!("{titre} : {}", counts.sentence())),
    );
    let mut x = 0.0;
    let segments = Statut::ALL
        .iter()
        .map(|&s| (s.key(), counts.count(s)))
        .chain([("prevue", counts.unknown)]);
    for (class, count) in segments {
        if count == 0 {
            continue;
        }
        let w = width * count as f64 / total;
        let _ = write!(
            svg,
            r#"<rect class="segment-{class}" x="{x:.2}" y="0" width="{w:.2}" height="20"/>"#
        );
        x += w;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Cible, IndicateurKind, Valeur};

    fn indicator(unite: Unite, mesure: Option<&str>, values: &[(u16, f64)]) -> Indicateur {
        Indicateur {
            id: "x".into(),
            libelle: "Journées".into(),
            fiches: vec![0],
            kind: IndicateurKind::Resultat,
            unite,
            mesure: mesure.map(String::from),
            sens: Some(Sens::Hausse),
            cible: None,
            source: None,
            description: None,
            valeurs: values
                .iter()
                .map(|&(annee, n)| Valeur {
                    annee,
                    mesure: Mesure::Nombre(n),
                    source: None,
                    date: None,
                    note: None,
                })
                .collect(),
        }
    }

    #[test]
    fn numbers_in_french() {
        assert_eq!(format_number(2407.0), "2\u{202F}407");
        assert_eq!(format_number(72.81), "72,81");
        assert_eq!(format_number(1_592_663.0), "1\u{202F}592\u{202F}663");
        assert_eq!(format_number(0.5), "0,5");
        assert_eq!(format_number(-1500.25), "-1\u{202F}500,25");
        assert_eq!(format_number(999.999), "1\u{202F}000");
        assert_eq!(format_number(0.0), "0");
    }

    #[test]
    fn numbers_as_editors_write_them() {
        assert_eq!(parse_number("2407"), Some((2407.0, String::new())));
        assert_eq!(parse_number("2 407"), Some((2407.0, String::new())));
        assert_eq!(parse_number("72,81 %"), Some((72.81, "%".into())));
        assert_eq!(parse_number("72.81%"), Some((72.81, "%".into())));
        assert_eq!(
            parse_number("2 407 journées"),
            Some((2407.0, "journées".into()))
        );
        assert_eq!(parse_number("-3"), Some((-3.0, String::new())));
        assert_eq!(parse_number("en hausse"), None);
        assert_eq!(parse_number(""), None);
    }

    #[test]
    fn the_summary_says_the_change() {
        let days = indicator(
            Unite::Nombre,
            Some("journées"),
            &[(2022, 2019.0), (2023, 2407.0)],
        );
        assert_eq!(
            summary(&days),
            "De 2\u{202F}019 à 2\u{202F}407\u{A0}journées entre 2022 et 2023, +19\u{A0}%."
        );
        let mut rate = indicator(Unite::Pourcentage, None, &[(2023, 72.81)]);
        rate.cible = Some(Cible {
            valeur: 100.0,
            annee: Some(2023),
        });
        assert_eq!(
            summary(&rate),
            "72,81\u{A0}% en 2023. Cible : 100\u{A0}% en 2023 (cible non atteinte)."
        );
    }

    #[test]
    fn moving_away_from_the_target() {
        let mut falling = indicator(Unite::Nombre, None, &[(2020, 50.0), (2021, 40.0)]);
        assert!(falling.moves_away());
        // Above its target, it may fall a little.
        falling.cible = Some(Cible {
            valeur: 30.0,
            annee: None,
        });
        assert!(!falling.moves_away());
        // Below it, falling is moving away.
        falling.cible = Some(Cible {
            valeur: 60.0,
            annee: None,
        });
        assert!(falling.moves_away());
        // Rising past the target is no moving away.
        let rising = indicator(Unite::Nombre, None, &[(2020, 70.0), (2021, 80.0)]);
        assert!(!rising.moves_away());
    }

    #[test]
    fn the_chart_has_one_point_per_value() {
        let days = indicator(
            Unite::Nombre,
            Some("journées"),
            &[(2022, 2019.0), (2023, 2407.0)],
        );
        let svg = line_chart(&days, (2019, 2023), "g");
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("<title id=\"g-titre\">Journées</title>"));
    }
}

//! Time in a schéma: months as the unit, and the ways editors write a moment ("2021",
//! "2021-S2", "2021-T3", "2021-03", "2021-03-15") or a stretch of time.

use serde::Serialize;

/// A month, counted from year 0: comparisons and differences are plain integers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Month(pub u32);

impl Month {
    pub fn new(year: u16, month: u8) -> Month {
        Month(u32::from(year) * 12 + u32::from(month.clamp(1, 12)) - 1)
    }

    pub fn year(self) -> u16 {
        (self.0 / 12) as u16
    }

    /// 1 to 12.
    pub fn month(self) -> u8 {
        (self.0 % 12) as u8 + 1
    }

    pub fn of_date(date: jiff::civil::Date) -> Month {
        Month::new(date.year().clamp(0, 9999) as u16, date.month() as u8)
    }
}

/// How finely a moment was written: it decides the ticks of a calendar's time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Precision {
    Year,
    Semester,
    Quarter,
    Month,
}

/// A stretch of whole months, both ends included, each end with the precision it was
/// written with ("2018-S2" to "2019-T1").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: Month,
    pub end: Month,
    pub precision: Precision,
    pub end_precision: Precision,
}

impl Span {
    pub fn years(first: u16, last: u16) -> Span {
        Span {
            start: Month::new(first, 1),
            end: Month::new(last, 12),
            precision: Precision::Year,
            end_precision: Precision::Year,
        }
    }

    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start,
            end: other.end,
            precision: self.precision,
            end_precision: other.end_precision,
        }
    }

    /// The finer of the two ends' precisions.
    pub fn finest(self) -> Precision {
        self.precision.max(self.end_precision)
    }

    /// "2021", "2020-2023", "T2 2021 – S1 2022": as a reader says it.
    pub fn label(self) -> String {
        let (start, end) = (
            point_label(self.start, self.precision),
            point_label(self.end, self.end_precision),
        );
        if start == end {
            start
        } else if self.finest() == Precision::Year {
            format!("{start}-{end}")
        } else {
            format!("{start} – {end}")
        }
    }

    pub fn contains(self, month: Month) -> bool {
        (self.start..=self.end).contains(&month)
    }
}

/// French month names, for every date the site writes in words.
pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

fn point_label(month: Month, precision: Precision) -> String {
    let year = month.year();
    let m = month.month();
    match precision {
        Precision::Year => year.to_string(),
        Precision::Semester => format!("S{} {year}", if m <= 6 { 1 } else { 2 }),
        Precision::Quarter => format!("T{} {year}", (m - 1) / 3 + 1),
        Precision::Month => format!("{} {year}", MONTHS[usize::from(m) - 1]),
    }
}

/// Parses a moment: a year, a semester (`2021-S2`), a quarter (`2021-T3`, or `Q3`), a
/// month (`2021-03`) or a day (`2021-03-15`, placed in its month). Returns the months it
/// covers.
pub fn parse_moment(text: &str) -> Option<Span> {
    let text = text.trim();
    let (year, rest) = match text.split_once('-') {
        Some((year, rest)) => (year, Some(rest)),
        None => (text, None),
    };
    if year.len() != 4 {
        return None;
    }
    let year: u16 = year.parse().ok().filter(|y| (1900..=2200).contains(y))?;
    let Some(rest) = rest else {
        return Some(Span::years(year, year));
    };
    let upper = rest.to_ascii_uppercase();
    let (first, last, precision) = if let Some(n) = upper.strip_prefix('S') {
        let n: u8 = n.parse().ok().filter(|n| (1..=2).contains(n))?;
        (n * 6 - 5, n * 6, Precision::Semester)
    } else if let Some(n) = upper.strip_prefix('T').or_else(|| upper.strip_prefix('Q')) {
        let n: u8 = n.parse().ok().filter(|n| (1..=4).contains(n))?;
        (n * 3 - 2, n * 3, Precision::Quarter)
    } else {
        let month_text = rest.split('-').next()?;
        if month_text.len() != 2 {
            return None;
        }
        let month: u8 = month_text.parse().ok().filter(|m| (1..=12).contains(m))?;
        if let Some(day) = rest.split('-').nth(1) {
            jiff::civil::Date::new(year as i16, month as i8, day.parse().ok()?).ok()?;
        }
        (month, month, Precision::Month)
    };
    Some(Span {
        start: Month::new(year, first),
        end: Month::new(year, last),
        precision,
        end_precision: precision,
    })
}

/// Where a sous-action or a fiche stands, as its pilotes report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Statut {
    NonEngagee,
    EnCours,
    Realisee,
    Reportee,
    Abandonnee,
}

impl Statut {
    pub const ALL: [Statut; 5] = [
        Statut::NonEngagee,
        Statut::EnCours,
        Statut::Realisee,
        Statut::Reportee,
        Statut::Abandonnee,
    ];

    /// The YAML keyword, also the CSS class: `en-cours`.
    pub fn key(self) -> &'static str {
        match self {
            Statut::NonEngagee => "non-engagee",
            Statut::EnCours => "en-cours",
            Statut::Realisee => "realisee",
            Statut::Reportee => "reportee",
            Statut::Abandonnee => "abandonnee",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Statut::NonEngagee => "non engagée",
            Statut::EnCours => "en cours",
            Statut::Realisee => "réalisée",
            Statut::Reportee => "reportée",
            Statut::Abandonnee => "abandonnée",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments() {
        assert_eq!(parse_moment("2021"), Some(Span::years(2021, 2021)));
        let s2 = parse_moment("2021-S2").unwrap();
        assert_eq!(
            (s2.start, s2.end),
            (Month::new(2021, 7), Month::new(2021, 12))
        );
        let t3 = parse_moment("2021-t3").unwrap();
        assert_eq!(
            (t3.start, t3.end, t3.precision),
            (Month::new(2021, 7), Month::new(2021, 9), Precision::Quarter)
        );
        let march = parse_moment("2021-03").unwrap();
        assert_eq!(
            (march.start, march.end),
            (Month::new(2021, 3), Month::new(2021, 3))
        );
        assert!(parse_moment("2021-03-15").is_some());
        assert_eq!(parse_moment("2021-02-30"), None);
        assert_eq!(parse_moment("2021-S3"), None);
        assert_eq!(parse_moment("2021-13"), None);
        assert_eq!(parse_moment("21"), None);
    }

    #[test]
    fn labels() {
        assert_eq!(Span::years(2020, 2023).label(), "2020-2023");
        assert_eq!(Span::years(2021, 2021).label(), "2021");
        let span = parse_moment("2021-T2")
            .unwrap()
            .to(parse_moment("2022-T1").unwrap());
        assert_eq!(span.label(), "T2 2021 – T1 2022");
        let mixed = parse_moment("2018-S2")
            .unwrap()
            .to(parse_moment("2019-T1").unwrap());
        assert_eq!(mixed.label(), "S2 2018 – T1 2019");
    }
}

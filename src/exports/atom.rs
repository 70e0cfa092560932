//! The Atom feed (RFC 4287) of updates: every fiche and practice card that carries a
//! `mis_a_jour` date, and every indicator with a dated value, newest first. Atom ids must be absolute, so the feed exists only
//! when `url` is set in jalon.yaml, and only when something is dated.

use std::fmt::Write as _;

use crate::model::Site;
use crate::render::links::{self, Target};

pub const PATH: &str = "atom.xml";

struct Entry {
    titre: String,
    resume: Option<String>,
    target: Target,
    updated: jiff::civil::Date,
}

/// Whether the site publishes a feed; pages announce it in their `<head>`.
pub fn published(site: &Site) -> bool {
    site.url.is_some() && !entries(site).is_empty()
}

/// The feed, when the site publishes one.
pub fn feed(site: &Site) -> Option<String> {
    let url = site.url.as_deref()?;
    let entries = entries(site);
    let newest = entries.first()?.updated;
    let schema = &site.schema;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n");
    let _ = writeln!(
        xml,
        "  <title>{} – mises à jour</title>",
        super::xml_escape(&schema.titre)
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        super::xml_escape(&format!("{url}{PATH}"))
    );
    let _ = writeln!(
        xml,
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>",
        super::xml_escape(url)
    );
    let _ = writeln!(
        xml,
        "  <id>{}</id>",
        super::xml_escape(&format!("{url}{PATH}"))
    );
    let _ = writeln!(xml, "  <updated>{}</updated>", timestamp(newest));
    let _ = writeln!(
        xml,
        "  <author><name>{}</name></author>",
        super::xml_escape(&schema.departement)
    );
    let _ = writeln!(
        xml,
        "  <generator version=\"{}\">jalon</generator>",
        env!("CARGO_PKG_VERSION")
    );
    for entry in &entries {
        let page = super::xml_escape(&format!("{url}{}", links::url(site, &entry.target)));
        xml.push_str("  <entry>\n");
        let _ = writeln!(
            xml,
            "    <title>{}</title>",
            super::xml_escape(&entry.titre)
        );
        let _ = writeln!(
            xml,
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{page}\"/>"
        );
        let _ = writeln!(xml, "    <id>{page}</id>");
        let _ = writeln!(xml, "    <updated>{}</updated>", timestamp(entry.updated));
        if let Some(resume) = &entry.resume {
            let _ = writeln!(xml, "    <summary>{}</summary>", super::xml_escape(resume));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    Some(xml)
}

/// Dated fiches and indicators (when the schéma is published) and cards, newest
/// first, then in reading order. An indicator is as recent as its latest dated value.
fn entries(site: &Site) -> Vec<Entry> {
    let fiches = site
        .fiches
        .iter()
        .enumerate()
        .filter(|_| site.publishes_schema())
        .filter_map(|(id, fiche)| {
            let updated = fiche.mis_a_jour?;
            Some(Entry {
                titre: fiche.heading(),
                resume: fiche.resume.clone(),
                target: Target::Fiche(id),
                updated,
            })
        });
    let cards = site.pratiques.iter().enumerate().filter_map(|(id, card)| {
        let updated = card.mis_a_jour?;
        Some(Entry {
            titre: format!("Fiche pratique {} : {}", card.code, card.titre),
            resume: None,
            target: Target::Pratique(id),
            updated,
        })
    });
    let indicateurs = site
        .indicateurs
        .iter()
        .enumerate()
        .filter(|_| site.publishes_schema())
        .filter_map(|(id, indicateur)| {
            let updated = indicateur.valeurs.iter().filter_map(|v| v.date).max()?;
            Some(Entry {
                titre: format!("Indicateur : {}", indicateur.libelle),
                resume: indicateur.description.clone(),
                target: Target::Indicateur(id),
                updated,
            })
        });
    let mut entries: Vec<Entry> = fiches.chain(indicateurs).chain(cards).collect();
    entries.sort_by_key(|entry| std::cmp::Reverse(entry.updated));
    entries
}

/// Atom wants a full RFC 3339 timestamp; editors write a day, stamped at midnight UTC.
fn timestamp(date: jiff::civil::Date) -> String {
    format!("{date}T00:00:00Z")
}

//! Where every page lives, and the cross-reference syntax that points at them.
//!
//! Output paths come from ids and numbers, never from titles, so a retitled fiche keeps
//! its address. Links are relative (`../fiche/12.html`) so that the site works from any
//! folder of any web server, and from a USB key opened in a browser.

use std::fmt::Write;

use crate::model::{ActeurId, FicheId, GroupId, PratiqueId, ReferenceDisplay, Site};
use crate::render::markdown::{escape_attr, escape_text, nearest};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Group(GroupId),
    Fiche(FicheId),
    SousAction(FicheId, u32),
    Acteur(ActeurId),
    Sigle(usize),
    Page(usize),
    Pratique(PratiqueId),
    Indicateur(crate::model::IndicateurId),
}

pub const HOME: &str = "index.html";
pub const GLOSSARY: &str = "glossaire.html";
pub const RECAP: &str = "recapitulatif.html";
pub const ACTORS: &str = "acteurs.html";
pub const NOT_FOUND: &str = "404.html";
pub const CALENDAR: &str = "calendrier.html";
pub const CATALOGUE: &str = "pratiques.html";
pub const ACCESSIBILITY: &str = "accessibilite.html";
pub const LEGAL: &str = "mentions-legales.html";
pub const SITEMAP: &str = "plan-du-site.html";
pub const OPEN_DATA: &str = "donnees-ouvertes.html";
pub const SEARCH: &str = "recherche.html";
pub const DASHBOARD: &str = "tableau-de-bord.html";

pub fn indicateur_path(site: &Site, indicateur: crate::model::IndicateurId) -> String {
    format!("indicateur/{}.html", site.indicateurs[indicateur].id)
}

pub const DOCUMENT: &str = "document-complet.html";

/// Where the links of a page lead. On the document complet, a target that the document
/// holds is an anchor inside it (the technique of mdBook's `print.html`); actors and
/// practice cards, which it does not hold, stay links to their pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LinkStyle {
    #[default]
    Pages,
    Document,
}

/// The `href` of a link to `target` from a page whose root prefix is `root`.
pub fn href(site: &Site, target: &Target, root: &str, style: LinkStyle) -> String {
    // The anchor is made only for the document complet: links of every page come here.
    if style == LinkStyle::Document
        && let Some(anchor) = document_anchor(site, target)
    {
        return format!("#{anchor}");
    }
    let mut href = String::with_capacity(root.len() + 40);
    href.push_str(root);
    push_url(site, target, &mut href);
    href
}

/// The id of a target's section in the document complet, None for what it does not hold.
pub fn document_anchor(site: &Site, target: &Target) -> Option<String> {
    match *target {
        Target::Group(group) => {
            let g = &site.groups[group];
            Some(format!("{}-{}", site.level_of(g).id, g.id))
        }
        Target::Fiche(fiche) => Some(fiche_anchor(site, fiche)),
        Target::SousAction(fiche, numero) => Some(format!(
            "{}--sous-action-{numero}",
            fiche_anchor(site, fiche)
        )),
        Target::Sigle(sigle) => Some(sigle_anchor(&site.sigles[sigle].sigle)),
        Target::Page(page) => site.pages[page]
            .in_document
            .then(|| format!("page-{}", site.pages[page].slug)),
        Target::Acteur(_) | Target::Pratique(_) | Target::Indicateur(_) => None,
    }
}

/// `fiche-12`: the section of a fiche in the document complet.
pub fn fiche_anchor(site: &Site, fiche: FicheId) -> String {
    format!(
        "{}-{}",
        site.hierarchy.fiche.id,
        site.fiches[fiche].numero.slug()
    )
}

pub fn pratique_path(site: &Site, pratique: PratiqueId) -> String {
    format!("pratique/{}.html", site.pratiques[pratique].code)
}

/// A page of the catalogue that lists the cards sharing a theme, a territory or a public.
pub fn facet_path(kind: &str, id: &str) -> String {
    format!("pratiques/{kind}/{id}.html")
}

pub fn year_path(year: u16) -> String {
    format!("annee/{year}.html")
}

/// "../" repeated once per folder of `path`: from that page back to the site root.
pub fn root_prefix(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

pub fn group_path(site: &Site, group: GroupId) -> String {
    let group = &site.groups[group];
    format!("{}/{}.html", site.level_of(group).id, group.id)
}

pub fn fiche_path(site: &Site, fiche: FicheId) -> String {
    let mut path = String::with_capacity(24);
    push_fiche_path(site, fiche, &mut path);
    path
}

/// [`fiche_path`] at the end of `out`: with [`push_url`], a link to a fiche or a
/// sous-action, the most frequent on every page, is one allocation.
fn push_fiche_path(site: &Site, fiche: FicheId, out: &mut String) {
    out.push_str(&site.hierarchy.fiche.id);
    out.push('/');
    out.push_str(&site.fiches[fiche].numero.slug());
    out.push_str(".html");
}

pub fn acteur_path(site: &Site, acteur: ActeurId) -> String {
    format!("acteur/{}.html", site.acteurs[acteur].id)
}

pub fn page_path(site: &Site, page: usize) -> String {
    format!("{}.html", site.pages[page].slug)
}

pub fn sigle_anchor(sigle: &str) -> String {
    format!("sigle-{}", slug::slugify(sigle))
}

/// Path from the site root, with the anchor for targets inside a page.
pub fn url(site: &Site, target: &Target) -> String {
    let mut url = String::with_capacity(40);
    push_url(site, target, &mut url);
    url
}

/// [`url`] at the end of `out`.
fn push_url(site: &Site, target: &Target, out: &mut String) {
    match *target {
        Target::Fiche(fiche) => push_fiche_path(site, fiche, out),
        Target::SousAction(fiche, numero) => {
            push_fiche_path(site, fiche, out);
            // Writing to a String cannot fail.
            let _ = write!(out, "#sous-action-{numero}");
        }
        Target::Group(group) => out.push_str(&group_path(site, group)),
        Target::Acteur(acteur) => out.push_str(&acteur_path(site, acteur)),
        Target::Sigle(sigle) => {
            out.push_str(GLOSSARY);
            out.push('#');
            out.push_str(&sigle_anchor(&site.sigles[sigle].sigle));
        }
        Target::Page(page) => out.push_str(&page_path(site, page)),
        Target::Pratique(pratique) => out.push_str(&pratique_path(site, pratique)),
        Target::Indicateur(indicateur) => out.push_str(&indicateur_path(site, indicateur)),
    }
}

/// The text of a link to `target`: its number and its title.
pub fn title(site: &Site, target: &Target) -> String {
    match *target {
        Target::Group(group) => {
            let group = &site.groups[group];
            format!("{} : {}", site.group_label(group), group.titre)
        }
        Target::Fiche(fiche) => site.fiches[fiche].heading(),
        Target::SousAction(fiche_id, numero) => {
            let fiche = &site.fiches[fiche_id];
            let sous_action = fiche.sous_actions.iter().find(|s| s.numero == numero);
            format!(
                "{}, {} {numero} : {}",
                fiche.label,
                site.hierarchy.sous_action.libelle.to_lowercase(),
                sous_action.map_or("", |s| s.titre.as_str())
            )
        }
        Target::Acteur(acteur) => site.acteurs[acteur].display_name(),
        Target::Sigle(sigle) => site.sigles[sigle].sigle.clone(),
        Target::Page(page) => site.pages[page].titre.clone(),
        Target::Pratique(pratique) => {
            let p = &site.pratiques[pratique];
            format!("Fiche pratique {} : {}", p.code, p.titre)
        }
        Target::Indicateur(indicateur) => {
            format!("Indicateur : {}", site.indicateurs[indicateur].libelle)
        }
    }
}

/// `<a>` for a reference written in content, relative to a page whose root prefix is
/// `root`, showing what the site's configuration asks for.
pub fn anchor(site: &Site, target: &Target, root: &str, style: LinkStyle) -> String {
    let text = match (site.references, target) {
        (ReferenceDisplay::NumeroEtTitre, _)
        | (_, Target::Acteur(_) | Target::Sigle(_) | Target::Page(_) | Target::Indicateur(_)) => {
            title(site, target)
        }
        (ReferenceDisplay::Numero, _) => number(site, target),
        (ReferenceDisplay::Titre, _) => bare_title(site, target),
    };
    anchor_with_text(site, target, root, style, &text)
}

/// `<a>` to `target` with the author's own text.
pub fn anchor_with_text(
    site: &Site,
    target: &Target,
    root: &str,
    style: LinkStyle,
    text: &str,
) -> String {
    let href = href(site, target, root, style);
    match target {
        Target::Sigle(sigle) => format!(
            "<a class=\"ref\" href=\"{}\"><abbr title=\"{}\">{}</abbr></a>",
            escape_attr(&href),
            escape_attr(&site.sigles[*sigle].definition),
            escape_text(text)
        ),
        _ => {
            // The full title as a tooltip, when the text does not already say it.
            let full = title(site, target);
            let tooltip = if full == text {
                String::new()
            } else {
                format!(" title=\"{}\"", escape_attr(&full))
            };
            format!(
                "<a class=\"ref\" href=\"{}\"{tooltip}>{}</a>",
                escape_attr(&href),
                escape_text(text)
            )
        }
    }
}

/// "Fiche-action 12", "Fiche-action 17, action 1", "Axe stratégique 3".
fn number(site: &Site, target: &Target) -> String {
    match *target {
        Target::Group(group) => site.group_label(&site.groups[group]),
        Target::Fiche(fiche) => site.fiches[fiche].label.clone(),
        Target::SousAction(fiche, numero) => format!(
            "{}, {} {numero}",
            site.fiches[fiche].label,
            site.hierarchy.sous_action.libelle.to_lowercase()
        ),
        _ => title(site, target),
    }
}

fn bare_title(site: &Site, target: &Target) -> String {
    match *target {
        Target::Group(group) => site.groups[group].titre.clone(),
        Target::Fiche(fiche) => site.fiches[fiche].titre.clone(),
        Target::SousAction(fiche, numero) => site.fiches[fiche]
            .sous_actions
            .iter()
            .find(|s| s.numero == numero)
            .map_or_else(String::new, |s| s.titre.clone()),
        _ => title(site, target),
    }
}

pub struct Problem {
    pub message: String,
    pub hint: Option<String>,
}

/// The inside of `[[…]]`: a keyword, an id, and for a fiche an optional `#sous-action`.
pub fn parse_reference(site: &Site, inner: &str) -> Result<Target, Problem> {
    let inner = inner.trim();
    let keywords = keywords(site);
    let Some((keyword, id)) = inner.split_once(char::is_whitespace) else {
        return Err(Problem {
            message: format!("référence « [[{inner}]] » incomplète"),
            hint: Some(format!(
                "écrivez un type puis un identifiant, par exemple [[{} 1]] ; types possibles : {}",
                site.hierarchy.fiche.id,
                keywords.join(", ")
            )),
        });
    };
    let id = id.trim();
    let keyword_lower = keyword.to_lowercase();
    if keyword_lower == site.hierarchy.fiche.id {
        return fiche_target(site, id);
    }
    if let Some(level) = site.hierarchy.levels.iter().find(|l| l.id == keyword_lower) {
        let found = site.index.groups.get(&(level.id.clone(), id.to_string()));
        return found.map(|&g| Target::Group(g)).ok_or_else(|| {
            let known = site
                .index
                .groups
                .keys()
                .filter(|(l, _)| *l == level.id)
                .map(|(_, g)| g.as_str());
            unknown(&level.labels.libelle, id, nearest(id, known))
        });
    }
    match keyword_lower.as_str() {
        "acteur" => site
            .index
            .acteurs
            .get(id)
            .map(|&a| Target::Acteur(a))
            .ok_or_else(|| {
                unknown(
                    "acteur",
                    id,
                    nearest(id, site.index.acteurs.keys().map(String::as_str)),
                )
            }),
        "sigle" => site
            .index
            .sigles
            .get(id)
            .map(|&s| Target::Sigle(s))
            .ok_or_else(|| {
                unknown(
                    "sigle",
                    id,
                    nearest(id, site.index.sigles.keys().map(String::as_str)),
                )
            }),
        "page" => site
            .index
            .pages
            .get(id)
            .map(|&p| Target::Page(p))
            .ok_or_else(|| {
                unknown(
                    "page",
                    id,
                    nearest(id, site.index.pages.keys().map(String::as_str)),
                )
            }),
        "pratique" => site
            .index
            .pratiques
            .get(&id.to_lowercase())
            .map(|&p| Target::Pratique(p))
            .ok_or_else(|| {
                unknown(
                    "fiche pratique",
                    id,
                    nearest(id, site.index.pratiques.keys().map(String::as_str)),
                )
            }),
        "indicateur" => site
            .index
            .indicateurs
            .get(id)
            .map(|&i| Target::Indicateur(i))
            .ok_or_else(|| {
                unknown(
                    "indicateur",
                    id,
                    nearest(id, site.index.indicateurs.keys().map(String::as_str)),
                )
            }),
        _ => Err(Problem {
            message: format!("type de référence « {keyword} » inconnu"),
            hint: nearest(&keyword_lower, keywords.iter().map(String::as_str))
                .or_else(|| Some(format!("types possibles : {}", keywords.join(", ")))),
        }),
    }
}

fn fiche_target(site: &Site, id: &str) -> Result<Target, Problem> {
    let (numero, sous_action) = match id.split_once('#') {
        Some((numero, sous_action)) => (numero.trim(), Some(sous_action.trim())),
        None => (id, None),
    };
    let label = &site.hierarchy.fiche.labels.libelle;
    let Some(&fiche) = site.index.fiches.get(numero) else {
        return Err(unknown(
            label,
            numero,
            nearest(numero, site.index.fiches.keys().map(String::as_str)),
        ));
    };
    let Some(sous_action) = sous_action else {
        return Ok(Target::Fiche(fiche));
    };
    let existing: Vec<String> = site.fiches[fiche]
        .sous_actions
        .iter()
        .map(|s| s.numero.to_string())
        .collect();
    match sous_action.parse::<u32>() {
        Ok(n) if existing.contains(&n.to_string()) => Ok(Target::SousAction(fiche, n)),
        _ => Err(Problem {
            message: format!(
                "{label} {numero} : « {} {sous_action} » n'existe pas",
                site.hierarchy.sous_action.libelle
            ),
            hint: Some(format!("numéros existants : {}", existing.join(", "))),
        }),
    }
}

fn unknown(what: &str, id: &str, hint: Option<String>) -> Problem {
    Problem {
        message: format!("{} « {id} » introuvable", what.to_lowercase()),
        hint: hint.or_else(|| Some("vérifiez l'identifiant ou le numéro".to_string())),
    }
}

fn keywords(site: &Site) -> Vec<String> {
    let mut keywords: Vec<String> = site.hierarchy.levels.iter().map(|l| l.id.clone()).collect();
    keywords.push(site.hierarchy.fiche.id.clone());
    keywords.extend(["acteur", "sigle", "page", "pratique", "indicateur"].map(String::from));
    keywords
}

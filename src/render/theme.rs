//! The theme: Tera templates and static files. The default theme is compiled into the
//! binary; a site overrides any file by putting one of the same name in its own
//! `themes/default/` folder.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Location};
use crate::render::cache::{hash_json, hasher};
use crate::render::typography;
use crate::render::views::{FicheSummary, PageContext, SiteData};

/// The default theme, embedded at compile time.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "groupe.html",
        include_str!("../../themes/default/templates/groupe.html"),
    ),
    (
        "fiche.html",
        include_str!("../../themes/default/templates/fiche.html"),
    ),
    (
        "acteur.html",
        include_str!("../../themes/default/templates/acteur.html"),
    ),
    (
        "acteurs.html",
        include_str!("../../themes/default/templates/acteurs.html"),
    ),
    (
        "recapitulatif.html",
        include_str!("../../themes/default/templates/recapitulatif.html"),
    ),
    (
        "glossaire.html",
        include_str!("../../themes/default/templates/glossaire.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "partiels/liste-fiches.html",
        include_str!("../../themes/default/templates/partiels/liste-fiches.html"),
    ),
    (
        "partiels/carte-fiche.html",
        include_str!("../../themes/default/templates/partiels/carte-fiche.html"),
    ),
    (
        "calendrier.html",
        include_str!("../../themes/default/templates/calendrier.html"),
    ),
    (
        "annee.html",
        include_str!("../../themes/default/templates/annee.html"),
    ),
    (
        "pratique.html",
        include_str!("../../themes/default/templates/pratique.html"),
    ),
    (
        "pratiques.html",
        include_str!("../../themes/default/templates/pratiques.html"),
    ),
    (
        "pratiques-liste.html",
        include_str!("../../themes/default/templates/pratiques-liste.html"),
    ),
    (
        "partiels/liste-pratiques.html",
        include_str!("../../themes/default/templates/partiels/liste-pratiques.html"),
    ),
    (
        "accessibilite.html",
        include_str!("../../themes/default/templates/accessibilite.html"),
    ),
    (
        "mentions-legales.html",
        include_str!("../../themes/default/templates/mentions-legales.html"),
    ),
    (
        "plan-du-site.html",
        include_str!("../../themes/default/templates/plan-du-site.html"),
    ),
    (
        "donnees-ouvertes.html",
        include_str!("../../themes/default/templates/donnees-ouvertes.html"),
    ),
    (
        "recherche.html",
        include_str!("../../themes/default/templates/recherche.html"),
    ),
    (
        "tableau-de-bord.html",
        include_str!("../../themes/default/templates/tableau-de-bord.html"),
    ),
    (
        "indicateur.html",
        include_str!("../../themes/default/templates/indicateur.html"),
    ),
    (
        "partiels/etat-suivi.html",
        include_str!("../../themes/default/templates/partiels/etat-suivi.html"),
    ),
    (
        "partiels/menu-liste.html",
        include_str!("../../themes/default/templates/partiels/menu-liste.html"),
    ),
    (
        "partiels/barre-statuts.html",
        include_str!("../../themes/default/templates/partiels/barre-statuts.html"),
    ),
    (
        "partiels/liste-indicateurs.html",
        include_str!("../../themes/default/templates/partiels/liste-indicateurs.html"),
    ),
    (
        "partiels/gantt.html",
        include_str!("../../themes/default/templates/partiels/gantt.html"),
    ),
    (
        "partiels/fiches-liees.html",
        include_str!("../../themes/default/templates/partiels/fiches-liees.html"),
    ),
    (
        "partiels/cite-par.html",
        include_str!("../../themes/default/templates/partiels/cite-par.html"),
    ),
    (
        "document-complet.html",
        include_str!("../../themes/default/templates/document-complet.html"),
    ),
    (
        "partiels/fiche-corps.html",
        include_str!("../../themes/default/templates/partiels/fiche-corps.html"),
    ),
    (
        "partiels/groupe-corps.html",
        include_str!("../../themes/default/templates/partiels/groupe-corps.html"),
    ),
    (
        "partiels/recapitulatif-tableaux.html",
        include_str!("../../themes/default/templates/partiels/recapitulatif-tableaux.html"),
    ),
    (
        "partiels/glossaire-liste.html",
        include_str!("../../themes/default/templates/partiels/glossaire-liste.html"),
    ),
];

const STATIC: &[(&str, &[u8])] = &[
    (
        "static/jalon.css",
        include_bytes!("../../themes/default/static/jalon.css"),
    ),
    (
        "static/catalogue.js",
        include_bytes!("../../themes/default/static/catalogue.js"),
    ),
    (
        "static/recherche.js",
        include_bytes!("../../themes/default/static/recherche.js"),
    ),
];

pub const THEME_DIR: &str = "themes/default";
const CARD: &str = "partiels/carte-fiche.html";
/// Room reserved for a page's HTML before rendering: a fiche page is about 20 KB, so most
/// pages grow their buffer once or not at all.
const PAGE_CAPACITY: usize = 32 * 1024;

#[derive(Clone)]
pub struct Theme {
    /// Compiled once per set of templates: the preview reuses it while they stay the same.
    tera: std::sync::Arc<tera::Tera>,
    /// A hash of every template's text: a page is rendered again when its theme changed.
    fingerprint: u64,
    pub static_files: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// The embedded theme, with the files of `site_root/themes/default/` taking precedence.
    /// `compiled` is a theme loaded before: its templates are reused if they are the same.
    pub fn load(site_root: &Path, compiled: Option<&Theme>) -> Result<Theme, Vec<Diagnostic>> {
        let overrides = site_root.join(THEME_DIR);
        let mut templates = Vec::new();
        let mut diagnostics = Vec::new();
        for (name, embedded) in TEMPLATES {
            let file = Path::new(THEME_DIR).join("templates").join(name);
            match read_override(site_root, &file) {
                Ok(Some(text)) => templates.push((name.to_string(), text)),
                Ok(None) => templates.push((name.to_string(), embedded.to_string())),
                Err(diagnostic) => diagnostics.push(diagnostic),
            }
        }
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = hasher();
            templates.hash(&mut h);
            h.finish()
        };
        let tera = match compiled.filter(|theme| theme.fingerprint == fingerprint) {
            Some(theme) => std::sync::Arc::clone(&theme.tera),
            None => std::sync::Arc::new(compile(&templates).unwrap_or_else(|error| {
                diagnostics.push(error);
                tera::Tera::new()
            })),
        };
        let mut static_files = Vec::new();
        for (name, embedded) in STATIC {
            let file = overrides.join(name);
            if crate::load::leaves_site(site_root, &file) {
                diagnostics.push(crate::load::outside_link(&Path::new(THEME_DIR).join(name)));
                continue;
            }
            let bytes = std::fs::read(&file).unwrap_or_else(|_| embedded.to_vec());
            static_files.push((name.to_string(), bytes));
        }
        if diagnostics.is_empty() {
            Ok(Theme {
                tera,
                fingerprint,
                static_files,
            })
        } else {
            Err(diagnostics)
        }
    }

    /// The key of a page's output: the theme, the template and every value it receives.
    pub fn key(&self, template: &str, context: &PageContext) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = hasher();
        (self.fingerprint, template, context.site.hash).hash(&mut h);
        hash_json(&mut h, &(context.racine, &context.page, &context.donnees));
        h.finish()
    }

    /// Renders `template` for the page at `page` (named in errors), as HTML bytes.
    pub fn render(
        &self,
        template: &str,
        context: &PageContext,
        page: &str,
    ) -> Result<Vec<u8>, Diagnostic> {
        let failure = |error: tera::Error| template_failure(template, page, &error);
        let mut data = site_context(context.site, context.racine);
        data.insert_value(
            "page",
            tera::Value::try_from_serializable(&context.page).map_err(failure)?,
        );
        data.insert_value(
            "donnees",
            tera::Value::try_from_serializable(&context.donnees).map_err(failure)?,
        );
        // Bytes rather than a `String`: Tera only writes text, and the page goes to a file,
        // so checking the whole page is UTF-8 again would be wasted.
        let mut html = Vec::with_capacity(PAGE_CAPACITY);
        self.tera
            .render_to(template, &data, &mut html)
            .map_err(failure)?;
        Ok(html)
    }

    /// Renders a fiche's card (`partiels/carte-fiche.html`) with its title at `niveau`,
    /// for the pages at `racine` from the site's root; `page` is named in errors.
    pub fn render_card(
        &self,
        site: &SiteData,
        racine: &str,
        fiche: &FicheSummary,
        niveau: u8,
        page: &str,
    ) -> Result<String, Diagnostic> {
        let failure = |error: tera::Error| template_failure(CARD, page, &error);
        let mut data = site_context(site, racine);
        data.insert_value(
            "fiche",
            tera::Value::try_from_serializable(fiche).map_err(failure)?,
        );
        data.insert_value("niveau", tera::Value::from(niveau));
        self.tera.render(CARD, &data).map_err(failure)
    }
}

/// What every template receives, a page's or a card's: `site` and `racine`.
fn site_context(site: &SiteData, racine: &str) -> tera::Context {
    let mut data = tera::Context::new();
    // The site's value is shared: cloning it copies no data.
    data.insert_value("site", site.value.clone());
    data.insert_value("racine", tera::Value::from(racine));
    data
}

fn compile(templates: &[(String, String)]) -> Result<tera::Tera, Diagnostic> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on([".html"]);
    // Tera's entities, and French spacing on the way: every text of the templates gets
    // it, titles and names included.
    tera.set_escape_fn(typography::write_html_text);
    // Added together: a template may include one that comes later in the list.
    let sources = templates
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()));
    tera.add_raw_templates(sources).map_err(|error| {
        template_error(&error, Path::new(THEME_DIR).join("templates").as_path())
    })?;
    Ok(tera)
}

fn template_failure(template: &str, page: &str, error: &tera::Error) -> Diagnostic {
    let (message, location) = located(error);
    Diagnostic::error(
        "gabarit",
        format!("le gabarit « {template} » a échoué sur la page {page} : {message}"),
    )
    .at(location.unwrap_or_else(|| {
        Location::file(PathBuf::from(THEME_DIR).join("templates").join(template))
    }))
    .hint("vérifiez les noms de variables du gabarit (voir la section « Thèmes » du README)")
}

fn read_override(site_root: &Path, file: &Path) -> Result<Option<String>, Diagnostic> {
    if !site_root.join(file).is_file() {
        return Ok(None);
    }
    crate::load::read_text(site_root, file).map(|text| Some(text.to_string()))
}

fn template_error(error: &tera::Error, file: &Path) -> Diagnostic {
    let (message, location) = located(error);
    Diagnostic::error("gabarit", format!("gabarit invalide : {message}"))
        .at(location.unwrap_or_else(|| Location::file(file)))
        .hint("voir la section « Thèmes et gabarits » du README : les variables et les filtres de jalon")
}

/// What Tera says went wrong, in French for the usual mistakes, and where: the template
/// and the line and column in it, when Tera knows them.
fn located(error: &tera::Error) -> (String, Option<Location>) {
    let Some(report) = report(error) else {
        return from_text(&error_chain(error));
    };
    let span = report.span();
    let location = Location::new(
        Path::new(THEME_DIR)
            .join("templates")
            .join(report.filename()),
        span.start_line as u32,
        span.start_col as u32 + 1,
    );
    (french(report.message()), Some(location))
}

/// The same, read from Tera's text, for the errors it only gives as text (the filters,
/// functions and templates it checks when the templates are added): `error: <message>`
/// then ` --> <template>:<line>:<column>`.
fn from_text(text: &str) -> (String, Option<Location>) {
    let message = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("error: "));
    let place = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("--> "));
    let location = place.and_then(|place| {
        let mut parts = place.rsplitn(3, ':');
        let column = parts.next()?.parse::<u32>().ok()?;
        let line = parts.next()?.parse::<u32>().ok()?;
        let file = Path::new(THEME_DIR).join("templates").join(parts.next()?);
        Some(Location::new(file, line, column))
    });
    match (message, location) {
        (Some(message), Some(location)) => (french(message), Some(location)),
        _ => (text.to_string(), None),
    }
}

/// The first error of `error`'s chain that points into a template.
fn report(error: &tera::Error) -> Option<&tera::ReportError> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = current {
        if let Some(tera) = error.downcast_ref::<tera::Error>()
            && let tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) =
                tera.kind()
        {
            return Some(report);
        }
        current = error.source();
    }
    None
}

/// Tera's message for the mistakes a theme's author makes most, in French; the others
/// as Tera writes them.
fn french(message: &str) -> String {
    let named = |prefix: &str| {
        let rest = message.strip_prefix(prefix)?;
        let (name, after) = rest.split_once('`')?;
        Some((
            name.to_string(),
            after.trim_start_matches('.').trim().to_string(),
        ))
    };
    let with_list = |text: String, after: &str, label: &str| match after.split_once(": ") {
        Some((_, list)) => format!("{text} ({label} : {list})"),
        None => text,
    };
    if let Some((name, _)) = named("Unknown filter `") {
        format!("filtre « {name} » inconnu")
    } else if let Some((name, _)) = named("Unknown function `") {
        format!("fonction « {name} » inconnue")
    } else if let Some((name, _)) = named("Unknown test `") {
        format!("test « {name} » inconnu")
    } else if let Some((name, _)) = named("Unknown template `") {
        format!("gabarit « {name} » introuvable")
    } else if let Some((name, after)) = named("Variable `") {
        if after.starts_with("exists") {
            return format!("variable « {name} » sans valeur");
        }
        with_list(
            format!("variable « {name} » inconnue"),
            &after,
            "variables connues",
        )
    } else if let Some((name, after)) = named("Field `") {
        with_list(format!("champ « {name} » inconnu"), &after, "champs connus")
    } else {
        message.to_string()
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(" : ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    /// The escaping is Tera's own, byte for byte: a theme written for Tera stays safe.
    /// Only French spacing differs (none in these texts; see the next test).
    #[test]
    fn escaping_matches_tera() {
        for text in [
            "",
            "plain",
            "l'enfant & <b>\"x\"</b>",
            "&&<<>>''\"\"",
            "é < ü ' 𝄞 > ∅ &amp;",
        ] {
            let (mut ours, mut teras) = (Vec::new(), Vec::new());
            super::typography::write_html_text(text, &mut ours).unwrap();
            tera::escape_html(text, &mut teras).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(teras).unwrap()
            );
        }
    }

    #[test]
    fn escaped_text_gets_french_spacing() {
        let mut ours = Vec::new();
        super::typography::write_html_text("« Axe 1 » : l'enfant <b> ?", &mut ours).unwrap();
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            "«\u{a0}Axe 1\u{a0}»\u{a0}: l&#39;enfant &lt;b&gt;\u{a0}?"
        );
    }
}

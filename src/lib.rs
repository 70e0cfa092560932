//! jalon: a static site generator for French départements' schémas of child protection.
//!
//! The pipeline reads top to bottom: [`load`] files into raw structures, [`resolve`] them
//! into the [`model`], [`render`] pages, [`write`] them into place.

pub mod diagnostics;
pub mod load;
pub mod model;
pub mod render;
pub mod resolve;
pub mod write;

use std::path::Path;
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Diagnostics, Sources};
use model::Site;
use render::theme::Theme;

/// What a build or a check found.
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Sources,
    /// Set when the build wrote a site.
    pub stats: Option<Stats>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

#[derive(Debug, Clone)]
pub struct Stats {
    pub pages: usize,
    pub fiches: usize,
    pub files: usize,
    pub duration: Duration,
}

/// Load, resolve and render the Markdown: everything a build relies on, without writing.
fn validate(
    root: &Path,
    sources: &mut Sources,
) -> (Option<(Site, Vec<render::Prepared>)>, Diagnostics) {
    let (loaded, mut diagnostics) = load::load(root, sources);
    let Some(loaded) = loaded else {
        return (None, diagnostics);
    };
    let (site, resolve_diagnostics) = resolve::resolve(loaded, sources);
    diagnostics.extend(resolve_diagnostics);
    let Some(site) = site else {
        return (None, diagnostics);
    };
    let (prepared, render_diagnostics) = render::prepare(&site);
    diagnostics.extend(render_diagnostics);
    (Some((site, prepared)), diagnostics)
}

/// `jalon check`: every problem, nothing written.
pub fn check(root: &Path) -> Report {
    let mut sources = Sources::default();
    let (_, mut diagnostics) = validate(root, &mut sources);
    if let Err(theme_errors) = Theme::load(root) {
        diagnostics.extend(theme_errors);
    }
    Report {
        diagnostics: diagnostics.into_vec(),
        sources,
        stats: None,
    }
}

/// `jalon build`: validate, render, then swap the new site into `out`.
/// On any error nothing is written and the previous site stays in place.
pub fn build(root: &Path, out: &Path) -> Report {
    let started = Instant::now();
    let mut sources = Sources::default();
    let (validated, mut diagnostics) = validate(root, &mut sources);
    let theme = Theme::load(root);
    let finish = |diagnostics: Diagnostics, sources: Sources, stats| Report {
        diagnostics: diagnostics.into_vec(),
        sources,
        stats,
    };
    let theme = match theme {
        Ok(theme) => Some(theme),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    let (Some((site, prepared)), Some(theme)) = (validated, theme) else {
        return finish(diagnostics, sources, None);
    };
    if diagnostics.has_errors() {
        return finish(diagnostics, sources, None);
    }
    let pages = match render::render_pages(&site, &theme, prepared) {
        Ok(pages) => pages,
        Err(errors) => {
            diagnostics.extend(errors);
            return finish(diagnostics, sources, None);
        }
    };
    let page_count = pages.len();
    let mut files = pages;
    files.extend(
        theme
            .static_files
            .iter()
            .map(|(path, bytes)| render::OutputFile {
                path: path.clone(),
                contents: bytes.clone(),
            }),
    );
    if let Err(error) = write::write_site(out, &files) {
        diagnostics.push(error);
        return finish(diagnostics, sources, None);
    }
    let stats = Stats {
        pages: page_count,
        fiches: site.fiches.len(),
        files: files.len(),
        duration: started.elapsed(),
    };
    finish(diagnostics, sources, Some(stats))
}

//! jalon: a static site generator for French départements' schémas of child protection.
//!
//! The pipeline reads top to bottom: [`load`] files into raw structures, [`resolve`] them
//! into the [`model`], [`render`] pages, [`write`] them into place.

pub mod calendar;
pub mod catalogue;
pub mod corpus;
pub mod diagnostics;
pub mod exports;
pub mod indicators;
pub mod load;
pub mod model;
pub mod pdf;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod search;
pub mod serve;
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
    /// Pages that went through their template; the others were unchanged and cached.
    pub rendered: usize,
    pub fiches: usize,
    pub files: usize,
    pub duration: Duration,
    /// Of which building the search index.
    pub search: Duration,
}

/// What a build is made for.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// The day the site shows as today: calendars mark it and lateness is computed
    /// against it. Without it, `date_du_jour` of jalon.yaml, or else the day of the
    /// build (UTC).
    pub today: Option<jiff::civil::Date>,
}

impl Options {
    pub fn on(today: jiff::civil::Date) -> Options {
        Options { today: Some(today) }
    }
}

/// The day of the build, in UTC.
pub fn real_today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// What the preview keeps from one build to the next, so that a save costs only what it
/// changes. A build without it (an empty one) does all the work.
#[derive(Default)]
pub struct Cache {
    load: load::Cache,
    render: render::cache::Cache,
    search: search::Cache,
}

/// Load, resolve and render the Markdown: everything a build relies on, without writing.
fn validate(
    root: &Path,
    sources: &mut Sources,
    cache: &mut Cache,
    options: &Options,
) -> (Option<(Site, Vec<render::Prepared>)>, Diagnostics) {
    let (loaded, mut diagnostics) = load::load(root, sources, &mut cache.load);
    let Some(loaded) = loaded else {
        return (None, diagnostics);
    };
    let (site, resolve_diagnostics) = resolve::resolve(loaded, sources, options.today);
    diagnostics.extend(resolve_diagnostics);
    let Some(site) = site else {
        return (None, diagnostics);
    };
    let (prepared, render_diagnostics) = render::prepare(&site, &mut cache.render);
    diagnostics.extend(render_diagnostics);
    (Some((site, prepared)), diagnostics)
}

/// `jalon check`: every problem, nothing written.
pub fn check(root: &Path, options: &Options) -> Report {
    let mut sources = Sources::default();
    let (_, mut diagnostics) = validate(root, &mut sources, &mut Cache::default(), options);
    if let Err(theme_errors) = Theme::load(root) {
        diagnostics.extend(theme_errors);
    }
    Report {
        diagnostics: diagnostics.into_vec(),
        sources,
        stats: None,
    }
}

/// A site rendered in memory, with what was found on the way. `files` is `None` when
/// there were errors: nothing must be published then.
pub struct Generated {
    pub files: Option<Vec<render::OutputFile>>,
    pub report: Report,
}

/// Validate and render the whole site in memory: what `build` writes and `serve` serves.
pub fn generate(root: &Path, options: &Options) -> Generated {
    generate_with(root, &mut Cache::default(), options)
}

/// The same, reusing and updating what `cache` kept from the previous build: the output
/// is byte for byte what [`generate`] gives.
pub fn generate_with(root: &Path, cache: &mut Cache, options: &Options) -> Generated {
    let started = Instant::now();
    let mut sources = Sources::default();
    let (validated, mut diagnostics) = validate(root, &mut sources, cache, options);
    let theme = match Theme::load(root) {
        Ok(theme) => Some(theme),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    let rendered = match (validated, theme) {
        (Some((site, prepared)), Some(theme)) if !diagnostics.has_errors() => {
            let search_started = Instant::now();
            let search = search::files(&site, &prepared, &mut cache.search);
            let search = (search, search_started.elapsed());
            match render::render_pages(&site, &theme, prepared, &mut cache.render) {
                Ok(pages) => Some((site, theme, pages, search)),
                Err(errors) => {
                    diagnostics.extend(errors);
                    None
                }
            }
        }
        _ => None,
    };
    let Some((
        site,
        theme,
        render::Pages {
            mut files,
            rendered,
        },
        (search, search_duration),
    )) = rendered
    else {
        return Generated {
            files: None,
            report: Report {
                diagnostics: diagnostics.into_vec(),
                sources,
                stats: None,
            },
        };
    };
    let pages = files.len();
    files.extend(exports::files(&site));
    files.extend(search);
    if let Some((path, bytes)) = &site.schema.logo {
        files.push(render::OutputFile {
            path: path.clone(),
            contents: std::sync::Arc::from(bytes.as_slice()),
        });
    }
    files.extend(
        theme
            .static_files
            .iter()
            .map(|(path, bytes)| render::OutputFile {
                path: path.clone(),
                contents: std::sync::Arc::from(bytes.as_slice()),
            }),
    );
    let stats = Stats {
        pages,
        rendered,
        fiches: site.fiches.len(),
        files: files.len(),
        duration: started.elapsed(),
        search: search_duration,
    };
    Generated {
        files: Some(files),
        report: Report {
            diagnostics: diagnostics.into_vec(),
            sources,
            stats: Some(stats),
        },
    }
}

/// `jalon build`: validate, render, then swap the new site into `out`.
/// On any error nothing is written and the previous site stays in place.
pub fn build(root: &Path, out: &Path, options: &Options) -> Report {
    let started = Instant::now();
    let Generated { files, mut report } = generate(root, options);
    let Some(files) = files else {
        return report;
    };
    if let Err(error) = write::write_site(out, &files) {
        report.diagnostics.push(error);
        report.stats = None;
        return report;
    }
    if let Some(stats) = report.stats.as_mut() {
        stats.duration = started.elapsed();
    }
    report
}

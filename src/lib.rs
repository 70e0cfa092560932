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

use rayon::prelude::*;
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
    /// Files `jalon build` wrote or removed in the output folder: over a published site,
    /// only those that changed.
    pub written: usize,
    pub duration: Duration,
    pub timings: Timings,
    /// The site's path on its server (`url_de_base`, `/schema/`): the 404 page links
    /// from there, and the preview serves the site there too.
    pub base_url: String,
}

/// How long each step of a build took, in the order they ended. The pages and the search
/// index are built at the same time: their times overlap.
#[derive(Debug, Clone, Default)]
pub struct Timings(Vec<(&'static str, Duration)>);

impl Timings {
    pub(crate) fn time<T>(&mut self, step: &'static str, work: impl FnOnce() -> T) -> T {
        let started = Instant::now();
        let result = work();
        self.0.push((step, started.elapsed()));
        result
    }

    pub fn of(&self, step: &str) -> Duration {
        self.0
            .iter()
            .filter(|(name, _)| *name == step)
            .map(|(_, duration)| *duration)
            .sum()
    }

    /// « chargement 12 ms, résolution 8 ms, … ».
    pub fn summary(&self) -> String {
        let steps: Vec<String> = self
            .0
            .iter()
            .map(|(name, duration)| format!("{name} {} ms", duration.as_millis()))
            .collect();
        steps.join(", ")
    }
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
    theme: Option<Theme>,
    load: load::Cache,
    render: render::cache::Cache,
    search: search::Cache,
}

/// What [`validate`] found: the site with its rendered Markdown, unless there were
/// errors, and the theme whatever the site's errors, or the theme's errors for the
/// caller to report.
struct Validated {
    site: Option<(Site, Vec<render::Prepared>)>,
    theme: Result<Theme, Vec<Diagnostic>>,
    diagnostics: Diagnostics,
}

/// Load, resolve and render the Markdown, and load the theme: everything a build relies
/// on, without writing. `keep`: the cache serves a later build (the preview); otherwise
/// what only a later build would read is dropped as soon as possible.
fn validate(
    root: &Path,
    sources: &mut Sources,
    cache: &mut Cache,
    keep: bool,
    options: &Options,
    timings: &mut Timings,
) -> Validated {
    let Cache {
        theme: previous_theme,
        load: load_cache,
        render: render_cache,
        ..
    } = cache;
    let load_theme = || Theme::load(root, previous_theme.as_ref());
    let (loaded, mut diagnostics) =
        timings.time("chargement", || load::load(root, sources, load_cache));
    if !keep {
        // The parsed front matter of every file, which resolving copies into the model.
        *load_cache = load::Cache::default();
    }
    let Some(loaded) = loaded else {
        return Validated {
            site: None,
            theme: load_theme(),
            diagnostics,
        };
    };
    // The templates compile while the site resolves: resolving is mostly serial, and
    // even its fiches leave a core free at times.
    let sources: &Sources = sources;
    let ((site, resolve_diagnostics), theme) = timings.time("résolution", || {
        rayon::join(
            || resolve::resolve(loaded, sources, options.today),
            load_theme,
        )
    });
    diagnostics.extend(resolve_diagnostics);
    let Some(site) = site else {
        return Validated {
            site: None,
            theme,
            diagnostics,
        };
    };
    let (prepared, render_diagnostics) =
        timings.time("markdown", || render::prepare(&site, render_cache, keep));
    diagnostics.extend(render_diagnostics);
    Validated {
        site: Some((site, prepared)),
        theme,
        diagnostics,
    }
}

/// `jalon check`: every problem, nothing written.
pub fn check(root: &Path, options: &Options) -> Report {
    let mut sources = Sources::default();
    let Validated {
        site,
        theme,
        mut diagnostics,
    } = validate(
        root,
        &mut sources,
        &mut Cache::default(),
        false,
        options,
        &mut Timings::default(),
    );
    match theme {
        Ok(theme) => {
            if let Some((site, prepared)) = &site {
                diagnostics.extend(shared_addresses(site, &theme, prepared));
            }
        }
        Err(theme_errors) => diagnostics.extend(theme_errors),
    }
    Report {
        diagnostics: diagnostics.into_vec(),
        sources,
        stats: None,
    }
}

/// The pages, the theme's files and those of `static/` that would take the same address:
/// what `jalon build` refuses when it writes them, found without rendering.
fn shared_addresses(site: &Site, theme: &Theme, prepared: &[render::Prepared]) -> Vec<Diagnostic> {
    let mut seen = std::collections::HashSet::new();
    let paths = (prepared.iter().map(|page| &page.path))
        .chain(theme.static_files.iter().map(|(path, _)| path))
        .chain(site.assets.iter().map(|asset| &asset.path));
    paths
        .filter(|path| !seen.insert(path.as_str()))
        .map(|path| write::duplicate_address(path))
        .collect()
}

/// What a build renders.
#[derive(Clone, Copy)]
pub enum Scope<'a> {
    /// The whole site.
    Site,
    /// Only the pages at these paths, nothing else: the preview's first answer to an
    /// edit, for the pages its tabs show, before the whole site follows.
    Pages(&'a std::collections::HashSet<String>),
}

/// Validate and render the site, handing every file to `sink` as soon as it is
/// ready, so that a big site never sits whole in memory. `stats` is `None` in the report
/// when there were errors: then whatever `sink` received must not be published.
///
/// With a `cache` (the preview), reuse and update what the previous build kept: the
/// output is byte for byte the same as without.
pub fn generate(
    root: &Path,
    cache: Option<&mut Cache>,
    options: &Options,
    scope: Scope,
    sink: &dyn write::Sink,
) -> Report {
    let started = Instant::now();
    let mut fresh = Cache::default();
    let keep = cache.is_some();
    let cache = cache.unwrap_or(&mut fresh);
    let mut sources = Sources::default();
    let mut timings = Timings::default();
    let Validated {
        site: validated,
        theme,
        mut diagnostics,
    } = validate(root, &mut sources, cache, keep, options, &mut timings);
    let theme = match theme {
        Ok(theme) => {
            if keep {
                cache.theme = Some(theme.clone());
            }
            Some(theme)
        }
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    let stats = match (validated, theme) {
        (Some((site, prepared)), Some(theme)) if !diagnostics.has_errors() => {
            let counts = match scope {
                Scope::Site => {
                    write_site_files(&site, &theme, &prepared, cache, keep, sink, &mut timings)
                }
                Scope::Pages(paths) => timings.time("pages", || {
                    render::render_pages(&site, &theme, &prepared, None, Some(paths), sink).map(
                        |rendered| Counts {
                            pages: rendered,
                            rendered,
                            files: rendered,
                        },
                    )
                }),
            };
            let counts = counts.map_err(|errors| diagnostics.extend(errors)).ok();
            let stats = counts.map(|counts| Stats {
                pages: counts.pages,
                rendered: counts.rendered,
                fiches: site.fiches.len(),
                files: counts.files,
                written: 0,
                duration: started.elapsed(),
                timings,
                base_url: site.base_url.clone(),
            });
            // Freeing the model and the rendered Markdown is a serial twentieth of a second
            // at 10 000 fiches.
            free_aside((site, prepared));
            stats
        }
        _ => None,
    };
    Report {
        diagnostics: diagnostics.into_vec(),
        sources,
        stats,
    }
}

/// Renders the pages while the search index builds, then the exports and the theme's
/// files, each handed to `sink`.
fn write_site_files(
    site: &Site,
    theme: &Theme,
    prepared: &[render::Prepared],
    cache: &mut Cache,
    keep: bool,
    sink: &dyn write::Sink,
    timings: &mut Timings,
) -> Result<Counts, Vec<Diagnostic>> {
    let render_cache = keep.then_some(&mut cache.render);
    let search_cache = &mut cache.search;
    let mut search_timing = Timings::default();
    // Each file of the index goes to `sink` as soon as it is made: together they weigh a
    // hundred megabytes at 10 000 fiches. A one-shot build keeps nothing of the index.
    let index = || search::files(site, prepared, keep.then_some(search_cache), sink);
    // Exports need no rendered page: they fill the gaps the pages leave on the cores.
    let (rendered, (search_files, export_files)) = timings.time("pages", || {
        rayon::join(
            || render::render_pages(site, theme, prepared, render_cache, None, sink),
            || {
                let search = search_timing.time("recherche", index);
                let exports = search_timing.time("exports", || exports::write(site, sink));
                (search, exports)
            },
        )
    });
    timings.0.extend(search_timing.0);
    let rendered = rendered?;
    let search_files = search_files.map_err(|error| vec![error])?;
    let export_files = export_files.map_err(|error| vec![error])?;
    let published = |path: &String| site.assets.iter().any(|a| &a.path == path);
    // A logo in static/ is published with the other files there.
    let logo = site.schema.logo.iter().filter(|(path, _)| !published(path));
    let others: Vec<render::OutputFile> = logo
        .chain(&theme.static_files)
        .map(|(path, bytes)| render::OutputFile {
            path: path.clone(),
            contents: std::sync::Arc::new(bytes.clone()),
        })
        .chain(site.assets.iter().map(|asset| render::OutputFile {
            path: asset.path.clone(),
            contents: std::sync::Arc::clone(&asset.bytes),
        }))
        .collect();
    let files = prepared.len() + search_files + export_files + others.len();
    timings
        .time("autres fichiers", || {
            others.into_par_iter().try_for_each(|file| sink.put(file))
        })
        .map_err(|error| vec![error])?;
    Ok(Counts {
        pages: prepared.len(),
        rendered,
        files,
    })
}

/// Frees `value` on a thread of its own, for what is big and that nothing waits for:
/// freeing is serial work, which would otherwise hold the build up.
pub(crate) fn free_aside<T: Send + 'static>(value: T) {
    // Where no thread can be made (a limit of the system), the value is freed here, as
    // the closure that holds it is dropped.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// What rendering produced, for [`Stats`].
struct Counts {
    pages: usize,
    rendered: usize,
    files: usize,
}

/// `jalon build`: validate, render, then put the new site in `out`.
/// On any error nothing changes in `out`: the previous site stays as it was.
pub fn build(root: &Path, out: &Path, options: &Options) -> Report {
    let started = Instant::now();
    // Not a site: nothing is made, not even the output's folder or its lock.
    let staging = load::check_site(root)
        .and_then(|()| write::refuse_output_in_sources(root, out))
        .and_then(|()| write::Staging::begin(out));
    let staging = match staging {
        Ok(staging) => staging,
        Err(error) => {
            return Report {
                diagnostics: vec![error],
                sources: Sources::default(),
                stats: None,
            };
        }
    };
    let mut report = generate(root, None, options, Scope::Site, &staging);
    if report.stats.is_none() {
        return report;
    }
    let committed = Instant::now();
    let written = match staging.commit() {
        Ok(written) => written,
        Err(error) => {
            report.diagnostics.push(error);
            report.stats = None;
            return report;
        }
    };
    if let Some(stats) = report.stats.as_mut() {
        stats.timings.0.push(("mise en place", committed.elapsed()));
        stats.written = written;
        stats.duration = started.elapsed();
    }
    report
}

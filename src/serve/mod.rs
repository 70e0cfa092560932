//! `jalon serve`: the preview. Builds the site in memory with the same pipeline as
//! `jalon build`, serves it on loopback, rebuilds when a source changes, and tells the
//! open tabs to reload — or shows them the errors, while still serving the last good site.

mod http;
mod watch;

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::Instant;

use crate::diagnostics::render_terminal;

pub struct Options {
    pub root: PathBuf,
    /// Where the preview also writes the site, file by file as it changes.
    pub out: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub open: bool,
    pub build: crate::Options,
}

impl Options {
    /// The same options with the root and the output folder absolute, from the current
    /// folder. The watcher reports absolute paths, and tells a source from the rest by
    /// its place in the root: with the root as typed (`.`, `mon-schema`), no change would
    /// ever be found in it.
    fn absolute(self) -> Result<Options, String> {
        Ok(Options {
            root: absolute(&self.root)?,
            out: absolute(&self.out)?,
            ..self
        })
    }
}

/// `path` from the current folder (`..` and links are kept as typed).
fn absolute(path: &Path) -> Result<PathBuf, String> {
    std::path::absolute(path).map_err(|e| {
        format!(
            "impossible de situer le dossier « {} » : {e}",
            path.display()
        )
    })
}

/// The last good site, by path from its root.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

/// What the open tabs need to know: which build they show, and the errors of the last
/// attempt, if it failed.
#[derive(Clone, Default, serde::Serialize)]
pub struct Status {
    pub version: u64,
    /// The diagnostics as printed in the terminal, without colours.
    pub erreurs: Option<String>,
}

/// Shared between the HTTP threads and the rebuild loop.
pub struct State {
    files: RwLock<Arc<Files>>,
    status: Mutex<Status>,
    changed: Condvar,
    streams: AtomicUsize,
    /// The pages the open tabs show, with how many tabs show each.
    shown: Mutex<HashMap<String, usize>>,
    /// The site's path on its server, under which the site is served too: the 404 page
    /// links from there (`/schema/static/jalon.css`).
    base_url: RwLock<String>,
    /// The pages shown by tabs that ask for the state instead of holding a stream (see
    /// `http::MAX_STREAMS`), with when each last asked.
    polled: Mutex<HashMap<String, Instant>>,
}

/// A tab that asked for the state this recently still shows its page: tabs ask every
/// second.
const POLLED_LATELY: std::time::Duration = std::time::Duration::from_secs(3);

impl State {
    fn new() -> State {
        State {
            files: RwLock::new(Arc::new(Files::new())),
            status: Mutex::new(Status::default()),
            changed: Condvar::new(),
            streams: AtomicUsize::new(0),
            shown: Mutex::default(),
            polled: Mutex::default(),
            base_url: RwLock::new("/".into()),
        }
    }

    /// The path of a file of the site from a path under `url_de_base`, if it is one.
    pub(crate) fn under_base<'p>(&self, path: &'p str) -> Option<&'p str> {
        let base = self.base_url.read().ok()?;
        let prefix = base.trim_start_matches('/');
        (!prefix.is_empty())
            .then(|| path.strip_prefix(prefix))
            .flatten()
    }

    pub fn files(&self) -> Arc<Files> {
        self.files
            .read()
            .map(|f| Arc::clone(&f))
            .unwrap_or_default()
    }

    pub fn status(&self) -> Status {
        self.status.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Publishes a successful build: tabs reload if asked to, or if there were errors
    /// to clear.
    fn publish(&self, files: Files, reload: bool) {
        if let Ok(mut current) = self.files.write() {
            *current = Arc::new(files);
        }
        self.settle(reload);
    }

    /// Publishes some pages of the site, the others staying as they are.
    fn publish_pages(&self, pages: Files, reload: bool) {
        if let Ok(mut current) = self.files.write() {
            let mut files = Files::clone(current.as_ref());
            files.extend(pages);
            *current = Arc::new(files);
        }
        self.settle(reload);
    }

    fn settle(&self, reload: bool) {
        let had_errors = self.status().erreurs.is_some();
        if reload || had_errors {
            self.set_status(None);
        }
    }

    /// The pages the open tabs show, by stream or by asking for the state.
    fn shown_pages(&self) -> HashSet<String> {
        let mut pages: HashSet<String> = self
            .shown
            .lock()
            .map(|shown| shown.keys().cloned().collect())
            .unwrap_or_default();
        if let Ok(mut polled) = self.polled.lock() {
            polled.retain(|_, asked| asked.elapsed() < POLLED_LATELY);
            pages.extend(polled.keys().cloned());
        }
        pages
    }

    /// A tab without a stream asked for the state: it shows `page`. Only a page of the
    /// site is kept, and only while tabs ask: any page open in the browser can ask, with
    /// any name, as often as it likes.
    pub(crate) fn polled_by(&self, page: String) {
        if !self.files().contains_key(&page) {
            return;
        }
        if let Ok(mut polled) = self.polled.lock() {
            polled.retain(|_, asked| asked.elapsed() < POLLED_LATELY);
            polled.insert(page, Instant::now());
        }
    }

    /// A failed build: tabs show the errors, the last good site stays served.
    fn fail(&self, errors: String) {
        self.set_status(Some(errors));
    }

    fn set_status(&self, erreurs: Option<String>) {
        if let Ok(mut status) = self.status.lock() {
            status.version += 1;
            status.erreurs = erreurs;
        }
        self.changed.notify_all();
    }
}

/// The preview's builds: the pipeline of `jalon build`, with what the previous build
/// left in memory, so that a save re-reads, re-renders and rewrites only what it changed.
pub struct Builder {
    root: PathBuf,
    out: PathBuf,
    options: crate::Options,
    cache: crate::Cache,
    /// What the output folder holds since the last successful build.
    written: Option<Files>,
    /// When the preview last wrote the list of the output's files (see
    /// [`crate::write::list_written_at`]).
    list_written_at: Option<std::time::SystemTime>,
}

/// What one rebuild did.
pub enum Outcome {
    Published {
        /// The whole site, or the pages asked for.
        files: Files,
        /// Paths written to (or removed from) the output folder.
        changed: Vec<String>,
        /// Pages that went through their template.
        rendered: usize,
        timings: crate::Timings,
        /// The site's path on its server (see [`crate::Stats::base_url`]).
        base_url: String,
    },
    Failed {
        /// The diagnostics as printed in the terminal, without colours.
        errors: String,
    },
}

impl Builder {
    pub fn new(root: PathBuf, out: PathBuf, options: crate::Options) -> Builder {
        Builder {
            root,
            out,
            options,
            cache: crate::Cache::default(),
            written: None,
            list_written_at: None,
        }
    }

    /// Builds, then writes what changed to the output folder (the whole folder the first
    /// time).
    pub fn rebuild(&mut self) -> Outcome {
        self.run(crate::Scope::Site)
    }

    /// Renders only `pages` from the current sources and writes those that changed: the
    /// tabs that show them can reload before the whole site is rebuilt. Only after a
    /// first complete build.
    pub fn rebuild_pages(&mut self, pages: &HashSet<String>) -> Outcome {
        self.run(crate::Scope::Pages(pages))
    }

    fn run(&mut self, scope: crate::Scope) -> Outcome {
        let collected = crate::write::Collect::default();
        let report = &crate::generate(
            &self.root,
            Some(&mut self.cache),
            &self.options,
            scope,
            &collected,
        );
        // The whole site's build prints its warnings; the shown pages' one, which comes
        // first with the same sources, only its errors.
        let failed = report.stats.is_none();
        if !report.diagnostics.is_empty() && (failed || matches!(scope, crate::Scope::Site)) {
            eprint!(
                "{}",
                render_terminal(&report.diagnostics, &report.sources, color())
            );
        }
        let Some(stats) = &report.stats else {
            // Errors first in the page: they are what stops the site.
            let mut diagnostics = report.diagnostics.clone();
            diagnostics.sort_by_key(|d| !d.is_error());
            return Outcome::Failed {
                errors: render_terminal(&diagnostics, &report.sources, false),
            };
        };
        let output = collected.into_files();
        let mut timings = stats.timings.clone();
        // Deleted, or written by a `jalon build` since (other options, another day): the
        // output no longer holds what the preview wrote, and is written whole.
        let ours =
            self.out.is_dir() && crate::write::list_written_at(&self.out) == self.list_written_at;
        if !ours {
            self.written = None;
        }
        let written = timings.time("écriture", || match (&self.written, scope) {
            (Some(previous), crate::Scope::Site) => {
                crate::write::update_site(&self.out, previous, &output)
            }
            (Some(previous), crate::Scope::Pages(_)) => {
                crate::write::update_files(&self.out, previous, &output)
            }
            // The whole site follows, and writes the folder whole.
            (None, crate::Scope::Pages(_)) => Ok(Vec::new()),
            (None, crate::Scope::Site) => crate::write::write_site(&self.out, &output)
                .map(|_| output.iter().map(|f| f.path.clone()).collect()),
        });
        // The output folder may be busy (a `jalon build` writing there) or unwritable: the
        // preview still shows the new site, and writes the folder whole next time.
        let (changed, on_disk) = match written {
            Ok(changed) => (changed, true),
            Err(error) => {
                eprint!(
                    "{}",
                    render_terminal(std::slice::from_ref(&error), &report.sources, color())
                );
                eprintln!(
                    "L'aperçu montre le site à jour ; {} le sera au prochain enregistrement.",
                    self.out.display()
                );
                (differing(self.written.as_ref(), &output), false)
            }
        };
        let files: Files = output
            .into_iter()
            .map(|file| (file.path, file.contents))
            .collect();
        self.list_written_at = crate::write::list_written_at(&self.out);
        match (&mut self.written, scope) {
            _ if !on_disk => self.written = None,
            (Some(written), crate::Scope::Pages(_)) => written.extend(files.clone()),
            (None, crate::Scope::Pages(_)) => {}
            _ => self.written = Some(files.clone()),
        }
        Outcome::Published {
            files,
            changed,
            rendered: stats.rendered,
            timings,
            base_url: stats.base_url.clone(),
        }
    }

    fn has_written(&self) -> bool {
        self.written.is_some()
    }
}

/// The paths of `output` whose contents differ from those last written, all of them
/// when nothing was.
fn differing(written: Option<&Files>, output: &[crate::render::OutputFile]) -> Vec<String> {
    output
        .iter()
        .filter(|file| written.and_then(|w| w.get(&file.path)) != Some(&file.contents))
        .map(|file| file.path.clone())
        .collect()
}

/// Rebuilds and tells the open tabs. The pages the tabs show come first, so that they
/// reload as soon as these are ready; the rest of the site follows, and reloads the
/// tabs again only if something they load besides their page changed (a stylesheet, an
/// image). Prints a line either way.
pub fn rebuild(builder: &mut Builder, state: &State) {
    let started = Instant::now();
    let shown = state.shown_pages();
    let built_before = builder.has_written();
    let first = !shown.is_empty() && built_before;
    if first {
        match builder.rebuild_pages(&shown) {
            Outcome::Published { files, changed, .. } => {
                state.publish_pages(files, !changed.is_empty());
                eprintln!(
                    "Page(s) affichée(s) reconstruite(s) en {} ms.",
                    started.elapsed().as_millis()
                );
            }
            Outcome::Failed { errors } => return failed(state, errors, built_before),
        }
    }
    match builder.rebuild() {
        Outcome::Published {
            files,
            changed,
            rendered,
            base_url,
            ..
        } => {
            let reload = if first {
                changed.iter().any(|path| reloads_shown_pages(path, &shown))
            } else {
                !changed.is_empty()
            };
            if let Ok(mut base) = state.base_url.write() {
                *base = base_url;
            }
            state.publish(files, reload);
            eprintln!(
                "Site {} en {} ms ({rendered} page(s) rendue(s), {} fichier(s) écrit(s)).",
                if built_before {
                    "reconstruit"
                } else {
                    "construit"
                },
                started.elapsed().as_millis(),
                changed.len()
            );
        }
        Outcome::Failed { errors } => failed(state, errors, built_before),
    }
}

/// Shows the errors in the open tabs, and says what the preview serves meanwhile.
fn failed(state: &State, errors: String, built_before: bool) {
    eprintln!(
        "{}",
        if built_before {
            "Erreurs : la dernière version correcte reste servie."
        } else {
            "Erreurs : le site s'affichera dès qu'elles seront corrigées."
        }
    );
    state.fail(errors);
}

/// Whether a changed file, once the shown pages are up to date, still calls for a
/// reload: a shown page itself, or what pages load (stylesheet, scripts, images). Other
/// pages, the search index (fetched when a search runs), and what pages only link to
/// (open data, calendars, feed, sitemap, robots.txt) do not: editing a fiche's title
/// changes `donnees/fiches.csv`, and the tab reloaded a second time for it.
fn reloads_shown_pages(path: &str, shown: &HashSet<String>) -> bool {
    const ONLY_LINKED: [&str; 6] = [".html", ".csv", ".json", ".ics", ".xml", ".txt"];
    shown.contains(path)
        || !(path.starts_with("recherche/")
            || path.starts_with("donnees/")
            || ONLY_LINKED
                .iter()
                .any(|extension| path.ends_with(extension)))
}

/// Benchmark of the preview (not used by `serve` itself): edits the body of one fiche
/// `edits` times, with a tab showing that fiche, and measures each rebuild through the
/// same steps as the preview: until the fiche's page is on disk, then until the whole
/// site is. Returns a summary line.
pub fn measure(root: &std::path::Path, edits: usize) -> Result<String, String> {
    let out = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut builder = Builder::new(
        root.to_path_buf(),
        out.path().join("public"),
        crate::Options::default(),
    );
    let started = Instant::now();
    if let Outcome::Failed { errors } = builder.rebuild() {
        return Err(errors);
    }
    let first = started.elapsed();
    let fiche = first_fiche(root).ok_or("aucune fiche à modifier")?;
    let original = std::fs::read_to_string(&fiche).map_err(|e| e.to_string())?;
    let edit = |number: usize| {
        std::fs::write(
            &fiche,
            format!("{original}\nModification numéro {number}.\n"),
        )
        .map_err(|e| e.to_string())
    };
    // The page that shows the fiche: the smallest that holds the edit.
    edit(0)?;
    let Outcome::Published { files, .. } = builder.rebuild() else {
        return Err("la première modification n'a pas construit".into());
    };
    let shown: HashSet<String> = files
        .iter()
        .filter(|(path, bytes)| {
            path.ends_with(".html")
                && String::from_utf8_lossy(bytes).contains("Modification numéro 0")
        })
        .min_by_key(|(_, bytes)| bytes.len())
        .map(|(path, _)| path.clone())
        .into_iter()
        .collect();
    let mut times = Vec::new();
    for number in 1..=edits {
        edit(number)?;
        let started = Instant::now();
        let page_timings = match builder.rebuild_pages(&shown) {
            Outcome::Published { timings, .. } => timings,
            Outcome::Failed { errors } => return Err(errors),
        };
        let page = started.elapsed();
        match builder.rebuild() {
            Outcome::Published {
                rendered, timings, ..
            } => times.push((page, started.elapsed(), rendered, page_timings, timings)),
            Outcome::Failed { errors } => return Err(errors),
        }
    }
    std::fs::write(&fiche, original).map_err(|e| e.to_string())?;
    let median = |mut values: Vec<std::time::Duration>| {
        values.sort();
        values.get(values.len() / 2).map_or(0, |d| d.as_millis())
    };
    let page = median(times.iter().map(|t| t.0).collect());
    let site = median(times.iter().map(|t| t.1).collect());
    times.sort_by_key(|t| t.1);
    let Some((_, _, rendered, page_timings, timings)) = times.get(times.len() / 2) else {
        return Err("aucune modification mesurée".into());
    };
    Ok(format!(
        "premier build {} ms ; après modification d'une fiche (médianes de {edits}) : sa page sur disque en {page} ms ({}), tout le site en {site} ms ({rendered} page(s) rendue(s) ; {})",
        first.as_millis(),
        page_timings.summary(),
        timings.summary()
    ))
}

fn first_fiche(root: &std::path::Path) -> Option<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "md") && !p.starts_with(root.join("content/pages"))
        })
        .collect();
    files.sort();
    files.get(files.len() / 2).cloned()
}

fn color() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Runs until the process is stopped (Ctrl-C).
pub fn run(options: Options) -> Result<(), String> {
    // Once, here: everything below compares paths with these.
    let options = options.absolute()?;
    // Watching starts before the first build, and needs the folder.
    if !options.root.is_dir() {
        return Err(format!(
            "le dossier du site {} n'existe pas : lancez la commande depuis le dossier du site, ou donnez-le avec --root ; pour en créer un : « jalon init mon-schema »",
            options.root.display()
        ));
    }
    crate::write::refuse_output_in_sources(&options.root, &options.out)
        .map_err(|refused| format!("{} ; {}", refused.message, refused.hint.unwrap_or_default()))?;
    // The port is taken before the first build: a port in use is said at once, not after
    // a build of the whole site.
    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address).map_err(|e| cannot_listen(address, &e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| cannot_listen(address, &e))?;
    let state = Arc::new(State::new());
    // Before the first build: what is saved while it runs, or as soon as the address is
    // printed, leads to a rebuild.
    let watch = watch::start(&options.root)?;
    let mut builder = Builder::new(options.root.clone(), options.out.clone(), options.build);
    rebuild(&mut builder, &state);

    let url = format!("http://{bound}/");
    if !options.bind.is_loopback() {
        eprintln!(
            "Attention : l'aperçu est accessible depuis le réseau ({}). Il n'est pas fait pour publier le site.",
            options.bind
        );
    }
    eprintln!("Aperçu sur {url} — Ctrl-C pour arrêter.");
    if options.open {
        open_browser(&url);
    }

    watch.rebuild_on_changes(builder, Arc::clone(&state));
    http::serve(listener, state);
    Ok(())
}

/// Why the preview cannot take `address`, and what to do.
fn cannot_listen(address: SocketAddr, error: &std::io::Error) -> String {
    let port = address.port();
    match error.kind() {
        std::io::ErrorKind::AddrInUse => format!(
            "le port {port} est déjà pris, peut-être par un autre aperçu : arrêtez-le, ou choisissez un autre port (« --port {} »)",
            port.wrapping_add(1).max(1024)
        ),
        std::io::ErrorKind::AddrNotAvailable => format!(
            "l'adresse {} n'est pas celle de cette machine : gardez 127.0.0.1, ou donnez une de ses adresses à « --bind »",
            address.ip()
        ),
        std::io::ErrorKind::PermissionDenied => format!(
            "le port {port} est réservé au système : choisissez un port à partir de 1024 (« --port 1111 »)"
        ),
        _ => format!("impossible d'écouter sur {address} : {error}"),
    }
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    // The opener's own messages (xdg-open tries several browsers, in English) are not
    // the editor's business: whether it worked is said here, in one line.
    let opened = std::process::Command::new(command)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    let url = url.to_string();
    std::thread::spawn(move || {
        let worked = opened.and_then(|mut child| child.wait());
        if !worked.is_ok_and(|status| status.success()) {
            eprintln!("Impossible d'ouvrir le navigateur : ouvrez {url}");
        }
    });
}

pub(crate) fn stream_opened(state: &State, limit: usize, page: Option<String>) -> bool {
    let before = state.streams.fetch_add(1, Ordering::SeqCst);
    if before >= limit {
        state.streams.fetch_sub(1, Ordering::SeqCst);
        return false;
    }
    if let (Some(page), Ok(mut shown)) = (page, state.shown.lock()) {
        *shown.entry(page).or_default() += 1;
    }
    true
}

pub(crate) fn stream_closed(state: &State, page: Option<String>) {
    state.streams.fetch_sub(1, Ordering::SeqCst);
    if let (Some(page), Ok(mut shown)) = (page, state.shown.lock())
        && let Some(count) = shown.get_mut(&page)
    {
        *count -= 1;
        if *count == 0 {
            shown.remove(&page);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Files, State, reloads_shown_pages};

    #[test]
    fn only_pages_of_the_site_count_as_polled() {
        let state = State::new();
        let mut files = Files::new();
        files.insert("fiche/1.html".into(), std::sync::Arc::new(Vec::new()));
        state.publish(files, false);
        for page in ["fiche/1.html", "fiche/inventee.html", &"x".repeat(15_000)] {
            state.polled_by(page.to_string());
        }
        let shown: Vec<String> = state.shown_pages().into_iter().collect();
        assert_eq!(shown, ["fiche/1.html"]);
        assert_eq!(state.polled.lock().unwrap().len(), 1);
    }

    #[test]
    fn a_shown_tab_reloads_for_its_page_and_what_it_loads_only() {
        let shown = ["fiche/1.html".to_string()].into_iter().collect();
        for reloads in [
            "fiche/1.html",
            "static/jalon.css",
            "static/recherche.js",
            "static/logo.svg",
        ] {
            assert!(reloads_shown_pages(reloads, &shown), "{reloads}");
        }
        for stays in [
            "fiche/2.html",
            "recherche/termes/0.js",
            "donnees/fiches.csv",
            "donnees/schema.json",
            "calendrier.ics",
            "atom.xml",
            "sitemap.xml",
            "robots.txt",
        ] {
            assert!(!reloads_shown_pages(stays, &shown), "{stays}");
        }
    }
}

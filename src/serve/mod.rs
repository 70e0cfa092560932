//! `jalon serve`: the preview. Builds the site in memory with the same pipeline as
//! `jalon build`, serves it on loopback, rebuilds when a source changes, and tells the
//! open tabs to reload — or shows them the errors, while still serving the last good site.

mod http;
mod watch;

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
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

/// The last good site, by path from its root.
pub type Files = HashMap<String, Arc<[u8]>>;

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
}

impl State {
    fn new() -> State {
        State {
            files: RwLock::new(Arc::new(Files::new())),
            status: Mutex::new(Status::default()),
            changed: Condvar::new(),
            streams: AtomicUsize::new(0),
        }
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

    /// Publishes a successful build: tabs reload, unless nothing changed and there was
    /// no error to clear.
    fn publish(&self, files: Files, changed: usize) {
        if let Ok(mut current) = self.files.write() {
            *current = Arc::new(files);
        }
        let had_errors = self.status().erreurs.is_some();
        if changed > 0 || had_errors {
            self.set_status(None);
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
}

/// What one rebuild did.
pub enum Outcome {
    Published {
        files: Files,
        /// Files written to (or removed from) the output folder.
        changed: usize,
        /// Pages that went through their template.
        rendered: usize,
        timings: crate::Timings,
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
        }
    }

    /// Builds, then writes what changed to the output folder (the whole folder, swapped in
    /// place, the first time).
    pub fn rebuild(&mut self) -> Outcome {
        let collected = crate::write::Collect::default();
        let report = &crate::generate(&self.root, Some(&mut self.cache), &self.options, &collected);
        if !report.diagnostics.is_empty() {
            eprint!(
                "{}",
                render_terminal(&report.diagnostics, &report.sources, color())
            );
        }
        let errors = || render_terminal(&report.diagnostics, &report.sources, false);
        if report.stats.is_none() {
            return Outcome::Failed { errors: errors() };
        }
        let output = collected.into_files();
        let mut timings = report
            .stats
            .as_ref()
            .map(|s| s.timings.clone())
            .unwrap_or_default();
        let written = timings.time("écriture", || match &self.written {
            None => crate::write::write_site(&self.out, &output),
            Some(previous) => crate::write::update_site(&self.out, previous, &output),
        });
        let changed = match written {
            Ok(changed) => changed,
            Err(error) => {
                let text = render_terminal(std::slice::from_ref(&error), &report.sources, false);
                eprint!("{text}");
                return Outcome::Failed { errors: text };
            }
        };
        let files: Files = output
            .into_iter()
            .map(|file| (file.path, file.contents))
            .collect();
        self.written = Some(files.clone());
        Outcome::Published {
            files,
            changed,
            rendered: report.stats.as_ref().map_or(0, |s| s.rendered),
            timings,
        }
    }
}

/// Rebuilds and tells the open tabs. Prints a line either way.
pub fn rebuild(builder: &mut Builder, state: &State) {
    let started = Instant::now();
    match builder.rebuild() {
        Outcome::Published {
            files,
            changed,
            rendered,
            ..
        } => {
            state.publish(files, changed);
            eprintln!(
                "Site reconstruit en {} ms ({rendered} page(s) rendue(s), {changed} fichier(s) écrit(s)).",
                started.elapsed().as_millis()
            );
        }
        Outcome::Failed { errors } => {
            eprintln!("Erreurs : la dernière version correcte reste servie.");
            state.fail(errors);
        }
    }
}

/// Benchmark of the preview (not used by `serve` itself): edits the body of one fiche
/// `edits` times and measures each rebuild up to the new HTML on disk, through the same
/// [`Builder`] as the preview. Returns a summary line.
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
    let mut times = Vec::new();
    for edit in 0..edits {
        std::fs::write(
            &fiche,
            format!(
                "{original}
Modification numéro {edit}.
"
            ),
        )
        .map_err(|e| e.to_string())?;
        let started = Instant::now();
        match builder.rebuild() {
            Outcome::Published {
                rendered, timings, ..
            } => times.push((started.elapsed(), rendered, timings)),
            Outcome::Failed { errors } => return Err(errors),
        }
    }
    std::fs::write(&fiche, original).map_err(|e| e.to_string())?;
    times.sort_by_key(|(duration, ..)| *duration);
    let Some((median, rendered, timings)) = times.get(times.len() / 2) else {
        return Err("aucune modification mesurée".into());
    };
    Ok(format!(
        "premier build {} ms ; après modification d'une fiche : {} ms jusqu'au HTML sur disque (médiane de {edits}), {rendered} page(s) rendue(s) ; étapes : {}",
        first.as_millis(),
        median.as_millis(),
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
    let state = Arc::new(State::new());
    let mut builder = Builder::new(options.root.clone(), options.out.clone(), options.build);
    rebuild(&mut builder, &state);

    let address = SocketAddr::new(options.bind, options.port);
    let listener = std::net::TcpListener::bind(address)
        .map_err(|e| format!("impossible d'écouter sur {address} : {e}"))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("impossible d'écouter sur {address} : {e}"))?;
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

    let _watcher = watch::start(&options.root, builder, Arc::clone(&state))?;
    http::serve(listener, state);
    Ok(())
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(target_os = "windows") {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(command)
        .arg(url)
        .spawn()
        .is_err()
    {
        eprintln!("Impossible d'ouvrir le navigateur : ouvrez {url}");
    }
}

pub(crate) fn stream_opened(state: &State, limit: usize) -> bool {
    let before = state.streams.fetch_add(1, Ordering::SeqCst);
    if before >= limit {
        state.streams.fetch_sub(1, Ordering::SeqCst);
        return false;
    }
    true
}

pub(crate) fn stream_closed(state: &State) {
    state.streams.fetch_sub(1, Ordering::SeqCst);
}

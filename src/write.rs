//! Write: the rendered files go to a temporary folder next to the output folder, which
//! replaces the previous output only once every file is written. A failed build leaves
//! the previous site as it was.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::render::OutputFile;

/// Folders and files whose presence means a folder holds sources, not a built site.
const SOURCE_MARKERS: &[&str] = &["jalon.yaml", "schema-data", "content", ".git", "Cargo.toml"];

/// The output being written (and its parent folder), for [`interrupted`] to clean its
/// temporary folders. Held locked while the new site is swapped in, so that an
/// interruption waits for the swap to finish.
static STAGING: Mutex<Option<(PathBuf, PathBuf)>> = Mutex::new(None);

/// Set once the run is interrupted. Each file is written under a read guard, so the
/// interruption waits for the files in flight and no file is written after it.
static STOPPING: RwLock<bool> = RwLock::new(false);

pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<(), Diagnostic> {
    refuse_source_folder(out)?;
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| io_error("créer le dossier", parent, &e))?;
    let _lock = OutputLock::take(out)?;
    remove_leftovers(out, parent);
    set_staging(Some((out.to_path_buf(), parent.to_path_buf())));
    let staging = tempfile::Builder::new()
        .prefix(&staging_prefix(out, "construction"))
        .tempdir_in(parent)
        .map_err(|e| {
            set_staging(None);
            io_error("créer un dossier temporaire dans", parent, &e)
        })?;

    let written = files
        .par_iter()
        .try_for_each(|file| write_file(staging.path(), file));
    match written {
        Ok(()) => {
            let mut in_progress = STAGING.lock().unwrap_or_else(|e| e.into_inner());
            let swapped = swap_in(staging, out);
            *in_progress = None;
            swapped
        }
        Err(error) => {
            set_staging(None);
            Err(error)
        }
    }
}

/// `.jalon-construction-public-…`: the temporary folders of one output folder.
fn staging_prefix(out: &Path, what: &str) -> String {
    let name = out
        .file_name()
        .map_or_else(|| "sortie".into(), |n| n.to_string_lossy().into_owned());
    format!(".jalon-{what}-{name}-")
}

/// Temporary folders that a crashed run of this output left behind. Only called with the
/// output's lock held: no other run can be writing them.
fn remove_leftovers(out: &Path, parent: &Path) {
    let prefixes = [
        staging_prefix(out, "construction"),
        staging_prefix(out, "ancien"),
    ];
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if prefixes.iter().any(|p| name.starts_with(p.as_str())) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn set_staging(output: Option<(PathBuf, PathBuf)>) {
    *STAGING.lock().unwrap_or_else(|e| e.into_inner()) = output;
}

/// Called on Ctrl-C or SIGTERM: removes the half-written site, if any, once any swap in
/// progress is over. The previous site is untouched.
pub fn interrupted() {
    *STOPPING.write().unwrap_or_else(|e| e.into_inner()) = true;
    let mut in_progress = STAGING.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((out, parent)) = in_progress.take() {
        remove_leftovers(&out, &parent);
    }
}

/// An advisory lock on an output folder, so that two builds (or a build and a preview)
/// cannot write it at once. The system releases it when its process ends, even by a
/// crash: no lock is ever left stuck.
struct OutputLock {
    _file: std::fs::File,
}

impl OutputLock {
    fn take(out: &Path) -> Result<OutputLock, Diagnostic> {
        let name = out
            .file_name()
            .map_or_else(|| "sortie".into(), |n| n.to_string_lossy().into_owned());
        let path = out.with_file_name(format!(".{name}.jalon-verrou"));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| io_error("créer le verrou", &path, &e))?;
        match file.try_lock() {
            Ok(()) => Ok(OutputLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => Err(Diagnostic::error(
                "sortie-occupee",
                format!("une autre construction écrit déjà dans {}", out.display()),
            )
            .hint(
                "attendez qu'elle se termine (ou arrêtez l'aperçu qui l'utilise), puis relancez",
            )),
            Err(std::fs::TryLockError::Error(e)) => Err(io_error("verrouiller", &path, &e)),
        }
    }
}

/// Brings an output folder that holds `previous` to `files`: writes the files that
/// changed (each through a temporary file and a rename, so a reader never sees half a
/// file) and removes those that are gone. Returns how many files it touched.
pub fn update_site(
    out: &Path,
    previous: &HashMap<String, Arc<[u8]>>,
    files: &[OutputFile],
) -> Result<usize, Diagnostic> {
    let _lock = OutputLock::take(out)?;
    let mut touched = 0;
    for file in files {
        if previous.get(&file.path) == Some(&file.contents) {
            continue;
        }
        let path = out.join(&file.path);
        let dir = path.parent().unwrap_or(out);
        std::fs::create_dir_all(dir).map_err(|e| io_error("créer le dossier", dir, &e))?;
        let mut temporary = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| io_error("créer un fichier temporaire dans", dir, &e))?;
        temporary
            .write_all(&file.contents)
            .map_err(|e| io_error("écrire", temporary.path(), &e))?;
        temporary
            .persist(&path)
            .map_err(|e| io_error("remplacer", &path, &e.error))?;
        touched += 1;
    }
    let current: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for gone in previous.keys().filter(|p| !current.contains(p.as_str())) {
        let path = out.join(gone);
        match std::fs::remove_file(&path) {
            Ok(()) => touched += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("supprimer", &path, &e)),
        }
    }
    Ok(touched)
}

fn write_file(root: &Path, file: &OutputFile) -> Result<(), Diagnostic> {
    let stopping = STOPPING.read().unwrap_or_else(|e| e.into_inner());
    if *stopping {
        // The interruption owns the end of the process: wait for it, rather than report
        // a write failure that would race its exit code.
        drop(stopping);
        loop {
            std::thread::park();
        }
    }
    let path = root.join(&file.path);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_error("créer le dossier", dir, &e))?;
    }
    std::fs::write(&path, &file.contents).map_err(|e| io_error("écrire", &path, &e))
}

/// Puts the staging folder in place of `out`; the previous output is removed afterwards.
fn swap_in(staging: tempfile::TempDir, out: &Path) -> Result<(), Diagnostic> {
    let previous = if out.exists() {
        let parent = staging.path().parent().unwrap_or(Path::new("."));
        let old = tempfile::Builder::new()
            .prefix(&staging_prefix(out, "ancien"))
            .tempdir_in(parent)
            .map_err(|e| io_error("créer un dossier temporaire dans", parent, &e))?
            .keep();
        // `old` exists and is empty: rename replaces an empty directory on Unix.
        std::fs::rename(out, &old).map_err(|e| io_error("déplacer l'ancien site", out, &e))?;
        Some(old)
    } else {
        None
    };
    let staging_path = staging.keep();
    if let Err(error) = std::fs::rename(&staging_path, out) {
        // Put the previous site back before reporting.
        if let Some(old) = &previous {
            let _ = std::fs::rename(old, out);
        }
        let _ = std::fs::remove_dir_all(&staging_path);
        return Err(io_error(
            "mettre en place le nouveau site dans",
            out,
            &error,
        ));
    }
    if let Some(old) = previous {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

fn refuse_source_folder(out: &Path) -> Result<(), Diagnostic> {
    let marker = SOURCE_MARKERS.iter().find(|m| out.join(m).exists());
    match marker {
        Some(marker) => Err(Diagnostic::error(
            "sortie-interdite",
            format!(
                "le dossier de sortie {} contient « {marker} » : ce sont des sources, jalon ne le remplacera pas",
                out.display()
            ),
        )
        .hint("choisissez un dossier de sortie dédié, par exemple --out public")),
        None => Ok(()),
    }
}

fn io_error(action: &str, path: &Path, error: &std::io::Error) -> Diagnostic {
    let cause = match error.kind() {
        std::io::ErrorKind::PermissionDenied => "permission refusée".to_string(),
        std::io::ErrorKind::StorageFull => "disque plein".to_string(),
        std::io::ErrorKind::ReadOnlyFilesystem => {
            "système de fichiers en lecture seule".to_string()
        }
        std::io::ErrorKind::FileTooLarge => {
            "fichier trop gros pour la limite du système".to_string()
        }
        _ => error.to_string(),
    };
    Diagnostic::error("ecriture", format!("impossible de {action} {} : {cause}", path.display()))
        .hint("le site précédent est resté intact ; vérifiez les droits et l'espace disque du dossier de sortie")
}

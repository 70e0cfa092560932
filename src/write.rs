//! Write: files go to a staging folder next to the output folder as they are rendered,
//! and reach the output folder only once every file of the site is ready. A failed or
//! interrupted build leaves the previous site as it was.
//!
//! A file identical to the one already published is not written again: over an existing
//! output, the staging folder holds only what changed, which then replaces the old files
//! one rename each, and the files the new site no longer has are removed. A rebuild that
//! changes one page costs one write, not a delete and rewrite of the whole site.
//!
//! jalon removes only files it wrote itself: the list of them (the manifest) is kept next
//! to the output folder. Other files put in the output (a `CNAME`…) stay, and an existing
//! folder that is not empty and has no manifest is refused: `--out` pointing at the wrong
//! folder must not empty it.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use crate::diagnostics::Diagnostic;
use crate::render::OutputFile;

/// Folders and files whose presence means a folder holds sources, not a built site.
const SOURCE_MARKERS: &[&str] = &["jalon.yaml", "schema-data", "content", ".git", "Cargo.toml"];

/// The output being written (and its parent folder), for [`interrupted`] to clean its
/// temporary folders. Held locked while the new files are moved in, so that an
/// interruption waits for the site to be whole.
static STAGING: Mutex<Option<(PathBuf, PathBuf)>> = Mutex::new(None);

/// Set once the run is interrupted. Each file is written under a read guard, so the
/// interruption waits for the files in flight and no file is written after it.
static STOPPING: RwLock<bool> = RwLock::new(false);

/// Where rendered files go, one at a time and from several threads.
pub trait Sink: Sync {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic>;
}

/// The files of a site in memory, in the order they came (the preview serves them).
#[derive(Default)]
pub struct Collect(Mutex<Vec<OutputFile>>);

impl Collect {
    pub fn into_files(self) -> Vec<OutputFile> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Collect {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).push(file);
        Ok(())
    }
}

/// A site being written into `out`: nothing in `out` changes before [`Staging::commit`].
/// Dropping it without committing removes what it wrote.
pub struct Staging {
    out: PathBuf,
    dir: tempfile::TempDir,
    /// `out` is an existing folder, updated in place; otherwise `dir` becomes `out`.
    update: bool,
    /// The files the previous build wrote in `out`: those the new site lacks are removed.
    previous: HashSet<String>,
    /// Every path of the new site, and those of them that differ from `out`.
    paths: Mutex<HashSet<String>>,
    changed: Mutex<Vec<String>>,
    /// The folders made so far in `dir`: each file would otherwise ask the system again.
    folders: Mutex<HashSet<String>>,
    _lock: OutputLock,
}

impl Staging {
    pub fn begin(out: &Path) -> Result<Staging, Diagnostic> {
        refuse_source_folder(out)?;
        let update = out.is_dir();
        if !update && out.exists() {
            return Err(Diagnostic::error(
                "sortie-interdite",
                format!("la sortie {} est un fichier, pas un dossier", out.display()),
            )
            .hint("choisissez un dossier de sortie, par exemple --out public"));
        }
        let parent = out
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| io_error("créer le dossier", parent, &e))?;
        // Versions of jalon before the manifest left only their lock next to the output.
        // Looked at before this run takes the lock, which creates it.
        let built_before_manifests = sibling(out, LOCK).exists();
        if update
            && !built_before_manifests
            && !manifest_path(out).exists()
            && !is_empty_folder(out)
        {
            return Err(foreign_folder(out));
        }
        let lock = OutputLock::take(out)?;
        let previous = match (update, read_manifest(out)) {
            (true, Some(previous)) => previous,
            (true, None) if built_before_manifests => files_in(out),
            _ => HashSet::new(),
        };
        remove_leftovers(out, parent);
        set_staging(Some((out.to_path_buf(), parent.to_path_buf())));
        let dir = tempfile::Builder::new()
            .prefix(&staging_prefix(out))
            .tempdir_in(parent)
            .map_err(|e| {
                set_staging(None);
                io_error("créer un dossier temporaire dans", parent, &e)
            })?;
        Ok(Staging {
            out: out.to_path_buf(),
            dir,
            update,
            previous,
            paths: Mutex::default(),
            changed: Mutex::default(),
            folders: Mutex::default(),
            _lock: lock,
        })
    }

    /// Puts the new site in place; returns how many files were written or removed.
    pub fn commit(self) -> Result<usize, Diagnostic> {
        let mut in_progress = STAGING.lock().unwrap_or_else(|e| e.into_inner());
        let paths = std::mem::take(&mut *self.paths.lock().unwrap_or_else(|e| e.into_inner()));
        let changed = std::mem::take(&mut *self.changed.lock().unwrap_or_else(|e| e.into_inner()));
        let touched = if self.update {
            let stale = self.previous.iter().filter(|path| !paths.contains(*path));
            if let Some(folder) = linked_folder(&self.out, changed.iter().chain(stale)) {
                *in_progress = None;
                return Err(Diagnostic::error(
                    "sortie-interdite",
                    format!("le dossier {} de la sortie est un lien symbolique : jalon n'écrit ni ne supprime rien à travers", self.out.join(folder).display()),
                )
                .hint("supprimez le lien (le site sera réécrit en entier), ou construisez dans un autre dossier"));
            }
            self.update_in_place(&changed, &paths)
                .map_err(partly_updated)
        } else {
            write_manifest(&self.out, paths.iter().map(String::as_str)).and_then(|()| {
                std::fs::rename(self.dir.path(), &self.out)
                    .map(|()| paths.len())
                    .map_err(|e| io_error("mettre en place le nouveau site dans", &self.out, &e))
            })
        };
        *in_progress = None;
        touched
    }

    /// Moves the `changed` files in and removes the stale ones.
    fn update_in_place(
        &self,
        changed: &[String],
        paths: &HashSet<String>,
    ) -> Result<usize, Diagnostic> {
        let previous: HashSet<&str> = self.previous.iter().map(String::as_str).collect();
        let current: HashSet<&str> = paths.iter().map(String::as_str).collect();
        listed(&self.out, &previous, &current, || {
            move_in(self.dir.path(), &self.out, changed)?;
            let removed = remove_stale(&self.out, previous.difference(&current).copied())?;
            Ok(changed.len() + removed.len())
        })
    }

    /// Makes the folder of `file` (a path in the site) in the staging folder, once.
    fn make_folder(&self, file: &str) -> Result<(), Diagnostic> {
        let Some((folder, _)) = file.rsplit_once('/') else {
            return Ok(());
        };
        if self
            .folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(folder)
        {
            return Ok(());
        }
        let dir = self.dir.path().join(folder);
        std::fs::create_dir_all(&dir).map_err(|e| io_error("créer le dossier", &dir, &e))?;
        self.folders
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(folder.to_string());
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        set_staging(None);
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<(), Diagnostic> {
        let stopping = STOPPING.read().unwrap_or_else(|e| e.into_inner());
        if *stopping {
            // The interruption owns the end of the process: wait for it, rather than
            // report a write failure that would race its exit code.
            drop(stopping);
            loop {
                std::thread::park();
            }
        }
        if !stays_inside(&file.path) {
            return Err(Diagnostic::error(
                "chemin-interdit",
                format!(
                    "le fichier « {} » serait écrit hors du dossier de sortie",
                    file.path
                ),
            )
            .hint("un identifiant contient « / » ou « .. » : corrigez-le"));
        }
        let first = self
            .paths
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(file.path.clone());
        if !first {
            // One file would silently replace another, whichever came last.
            return Err(duplicate_address(&file.path));
        }
        let unchanged = self.update && same_contents(&self.out.join(&file.path), &file.contents);
        if !unchanged {
            self.make_folder(&file.path)?;
            let path = self.dir.path().join(&file.path);
            std::fs::write(&path, file.contents.as_slice())
                .map_err(|e| io_error("écrire", &path, &e))?;
            self.changed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(file.path);
        }
        Ok(())
    }
}

/// The first folder of the output that `files` go through and that is a symbolic link:
/// moving files in or removing old ones would reach wherever it leads.
fn linked_folder<'a>(out: &Path, files: impl Iterator<Item = &'a String>) -> Option<PathBuf> {
    let mut seen = HashSet::new();
    for file in files {
        for folder in Path::new(file).ancestors().skip(1) {
            if folder.as_os_str().is_empty() || !seen.insert(folder) {
                continue;
            }
            let metadata = std::fs::symlink_metadata(out.join(folder));
            if metadata.is_ok_and(|m| m.file_type().is_symlink()) {
                return Some(folder.to_path_buf());
            }
        }
    }
    None
}

/// Whether a file of the site lands inside the output folder: a relative path made of
/// names only, whatever a content id put in it.
fn stays_inside(path: &str) -> bool {
    !path.is_empty()
        && Path::new(path)
            .components()
            .all(|part| matches!(part, std::path::Component::Normal(_)))
}

/// Two files of the site at one address: one would silently replace the other.
pub(crate) fn duplicate_address(path: &str) -> Diagnostic {
    Diagnostic::error(
        "adresse-en-double",
        format!("deux fichiers du site auraient la même adresse : {path}"),
    )
    .hint("une page libre, un identifiant ou un fichier de static/ porte le nom d'une page ou d'un fichier du thème : renommez-le ; pour changer un fichier du thème, copiez-le dans themes/default/static/")
}

/// Writes a whole site into `out` (the preview's first build).
pub fn write_site(out: &Path, files: &[OutputFile]) -> Result<usize, Diagnostic> {
    let staging = Staging::begin(out)?;
    for file in files {
        staging.put(OutputFile {
            path: file.path.clone(),
            contents: Arc::clone(&file.contents),
        })?;
    }
    staging.commit()
}

/// Whether the file at `path` holds exactly `contents`; reads it only when the sizes
/// match.
fn same_contents(path: &Path, contents: &[u8]) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    if !file
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == contents.len() as u64)
    {
        return false;
    }
    let mut existing = Vec::with_capacity(contents.len());
    file.read_to_end(&mut existing).is_ok() && existing == contents
}

/// Replaces the files of `out` by the changed ones of `staging`, one rename each.
fn move_in(staging: &Path, out: &Path, changed: &[String]) -> Result<(), Diagnostic> {
    for path in changed {
        let to = out.join(path);
        if let Some(dir) = to.parent() {
            create_dir_over_file(dir)?;
        }
        if to.is_dir() {
            // A page where the old site had a folder of the same name.
            std::fs::remove_dir_all(&to).map_err(|e| io_error("supprimer", &to, &e))?;
        }
        std::fs::rename(staging.join(path), &to).map_err(|e| io_error("remplacer", &to, &e))?;
    }
    Ok(())
}

/// `create_dir_all`, removing a file of the old site that stands where a folder goes.
fn create_dir_over_file(dir: &Path) -> Result<(), Diagnostic> {
    if std::fs::create_dir_all(dir).is_ok() {
        return Ok(());
    }
    let blocking = dir.ancestors().find(|a| a.is_file()).map(Path::to_path_buf);
    if let Some(file) = blocking {
        std::fs::remove_file(&file).map_err(|e| io_error("supprimer", &file, &e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| io_error("créer le dossier", dir, &e))
}

/// Removes the files `gone` from `out`, and the folders they leave empty. Returns those
/// it removed (a file already gone is not one of them).
fn remove_stale<'p>(
    out: &Path,
    gone: impl Iterator<Item = &'p str>,
) -> Result<Vec<String>, Diagnostic> {
    let mut removed = Vec::new();
    for gone in gone {
        let path = out.join(gone);
        match std::fs::remove_file(&path) {
            Ok(()) => removed.push(gone.to_string()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("supprimer", &path, &e)),
        }
        // Fails, as it should, at the first folder that still holds files.
        for folder in path.ancestors().skip(1).take_while(|f| *f != out) {
            if std::fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
    Ok(removed)
}

/// Runs `change`, which brings `out` from the files `previous` to `current`, with the
/// list of written files right before and after: during the change it names both, so
/// that an interruption leaves nothing of jalon's that the next build would not remove.
/// With the same files before and after, the list stays as it is.
fn listed<T>(
    out: &Path,
    previous: &HashSet<&str>,
    current: &HashSet<&str>,
    change: impl FnOnce() -> Result<T, Diagnostic>,
) -> Result<T, Diagnostic> {
    if previous == current {
        return change();
    }
    write_manifest(out, previous.union(current).copied())?;
    let result = change()?;
    write_manifest(out, current.iter().copied())?;
    Ok(result)
}

/// The lock of an output folder (see [`OutputLock`]), next to it.
const LOCK: &str = "jalon-verrou";

/// Where the list of the files jalon wrote in `out` is kept: next to it, so that the
/// published folder holds the site alone.
/// When the list of the files of `out` was last written, by whoever wrote it: the
/// preview tells by it that another build wrote the folder behind its back.
pub fn list_written_at(out: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(manifest_path(out)).ok()?.modified().ok()
}

fn manifest_path(out: &Path) -> PathBuf {
    sibling(out, "jalon-fichiers")
}

/// `.public.jalon-…` next to the output folder `public`.
fn sibling(out: &Path, what: &str) -> PathBuf {
    out.with_file_name(format!(".{}.{what}", output_name(out)))
}

/// The output folder's own name, which names the files jalon keeps next to it.
fn output_name(out: &Path) -> String {
    out.file_name()
        .map_or_else(|| "sortie".into(), |n| n.to_string_lossy().into_owned())
}

/// The files the last build wrote in `out`, one path per line; `None` without a list.
/// A line that would lead out of `out` (an edited list) is ignored: removing files goes
/// by this list.
fn read_manifest(out: &Path) -> Option<HashSet<String>> {
    let text = std::fs::read_to_string(manifest_path(out)).ok()?;
    Some(
        text.lines()
            .filter(|line| {
                Path::new(line)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)))
            })
            .filter(|line| !line.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// Records `paths` (each once, sorted) as the files of `out`; a reader sees the old list
/// or the new one, never half of it.
fn write_manifest<'p>(out: &Path, paths: impl Iterator<Item = &'p str>) -> Result<(), Diagnostic> {
    let mut sorted: Vec<&str> = paths.collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut text = String::new();
    for path in sorted {
        text.push_str(path);
        text.push('\n');
    }
    let target = manifest_path(out);
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut temporary = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| io_error("créer un fichier temporaire dans", dir, &e))?;
    temporary
        .write_all(text.as_bytes())
        .map_err(|e| io_error("écrire", temporary.path(), &e))?;
    temporary
        .persist(&target)
        .map_err(|e| io_error("remplacer", &target, &e.error))?;
    Ok(())
}

/// Every file under `folder`, as paths from it.
fn files_in(folder: &Path) -> HashSet<String> {
    walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let relative = e.path().strip_prefix(folder).ok()?;
            Some(relative.to_string_lossy().replace('\\', "/"))
        })
        .collect()
}

fn is_empty_folder(folder: &Path) -> bool {
    std::fs::read_dir(folder).is_ok_and(|mut entries| entries.next().is_none())
}

fn foreign_folder(out: &Path) -> Diagnostic {
    Diagnostic::error(
        "sortie-interdite",
        format!(
            "le dossier de sortie {} n'est pas vide et jalon n'y a jamais construit de site : il n'y remplacera ni n'y supprimera rien",
            out.display()
        ),
    )
    .hint("choisissez un dossier neuf ou vide, par exemple --out public ; si c'est bien l'ancien site, supprimez-le : il sera reconstruit en entier")
}

/// `.jalon-construction-public-…`: the staging folders of one output folder.
fn staging_prefix(out: &Path) -> String {
    format!(".jalon-construction-{}-", output_name(out))
}

/// Staging folders that a crashed run of this output left behind. Only called with the
/// output's lock held: no other run can be writing them.
fn remove_leftovers(out: &Path, parent: &Path) {
    let prefix = staging_prefix(out);
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn set_staging(output: Option<(PathBuf, PathBuf)>) {
    *STAGING.lock().unwrap_or_else(|e| e.into_inner()) = output;
}

/// Holds an interruption off while the preview moves files into the output, so that it
/// never stops halfway (a page of the new site beside one of the old, a temporary file
/// left behind); `None` once the run is being interrupted: nothing more is written.
fn moving_in() -> Option<std::sync::MutexGuard<'static, Option<(PathBuf, PathBuf)>>> {
    let guard = STAGING.lock().unwrap_or_else(|e| e.into_inner());
    let stopping = *STOPPING.read().unwrap_or_else(|e| e.into_inner());
    (!stopping).then_some(guard)
}

/// Called on Ctrl-C or SIGTERM: removes the half-written site, if any, once any move
/// in progress is over. Says what the output holds then.
pub fn interrupted() -> &'static str {
    *STOPPING.write().unwrap_or_else(|e| e.into_inner()) = true;
    let mut in_progress = STAGING.lock().unwrap_or_else(|e| e.into_inner());
    match in_progress.take() {
        Some((out, parent)) => {
            remove_leftovers(&out, &parent);
            "le site précédent est intact"
        }
        None => "aucun fichier du dossier de sortie n'est à moitié écrit",
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
        let path = sibling(out, LOCK);
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
/// changed and removes those that are gone (and the folders they leave empty). Returns
/// the paths it touched.
pub fn update_site(
    out: &Path,
    previous: &HashMap<String, Arc<Vec<u8>>>,
    files: &[OutputFile],
) -> Result<Vec<String>, Diagnostic> {
    let _lock = OutputLock::take(out)?;
    let Some(_moving) = moving_in() else {
        return Ok(Vec::new());
    };
    let before: HashSet<&str> = previous.keys().map(String::as_str).collect();
    let current: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    listed(out, &before, &current, || {
        let mut touched = replace_changed(out, previous, files)?;
        touched.extend(remove_stale(out, before.difference(&current).copied())?);
        Ok(touched)
    })
}

/// Writes those of `files` that differ from `previous`, leaving every other file of the
/// output folder as it is. Returns the paths it wrote.
pub fn update_files(
    out: &Path,
    previous: &HashMap<String, Arc<Vec<u8>>>,
    files: &[OutputFile],
) -> Result<Vec<String>, Diagnostic> {
    let _lock = OutputLock::take(out)?;
    let Some(_moving) = moving_in() else {
        return Ok(Vec::new());
    };
    if files.iter().any(|f| !previous.contains_key(&f.path)) {
        let paths = previous.keys().chain(files.iter().map(|f| &f.path));
        write_manifest(out, paths.map(String::as_str))?;
    }
    replace_changed(out, previous, files)
}

/// Each file that changed goes through a temporary file and a rename, so that a reader
/// never sees half a file.
fn replace_changed(
    out: &Path,
    previous: &HashMap<String, Arc<Vec<u8>>>,
    files: &[OutputFile],
) -> Result<Vec<String>, Diagnostic> {
    let mut touched = Vec::new();
    for file in files {
        if previous.get(&file.path) == Some(&file.contents) {
            continue;
        }
        let path = out.join(&file.path);
        let dir = path.parent().unwrap_or(out);
        std::fs::create_dir_all(dir).map_err(|e| io_error("créer le dossier", dir, &e))?;
        let mut temporary = published_temporary(dir)
            .map_err(|e| io_error("créer un fichier temporaire dans", dir, &e))?;
        temporary
            .write_all(&file.contents)
            .map_err(|e| io_error("écrire", temporary.path(), &e))?;
        temporary
            .persist(&path)
            .map_err(|e| io_error("remplacer", &path, &e.error))?;
        touched.push(file.path.clone());
    }
    Ok(touched)
}

/// A temporary file that becomes a file of the site: readable by all, as a file that
/// `std::fs::write` creates (the umask applies), where a temporary file is the owner's
/// alone. A web server running as another user must read what the preview wrote.
fn published_temporary(dir: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir)
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

/// The folders of a site that jalon reads: an output inside one of them would be read
/// back, and published inside itself one level deeper at each build (or, in the preview,
/// rebuild without end).
const READ_FOLDERS: &[&str] = &["content", "schema-data", "static", "themes"];

pub fn refuse_output_in_sources(root: &Path, out: &Path) -> Result<(), Diagnostic> {
    let (Some(root), Some(out)) = (resolved(root), resolved(out)) else {
        return Ok(());
    };
    match READ_FOLDERS.iter().find(|folder| out.starts_with(root.join(folder))) {
        Some(folder) => Err(Diagnostic::error(
            "sortie-interdite",
            format!(
                "le dossier de sortie {} est dans {folder}/, que jalon lit : chaque construction y publierait la précédente",
                out.display()
            ),
        )
        .hint("choisissez un dossier à côté des sources, par exemple --out public")),
        None => Ok(()),
    }
}

/// `path` made absolute, links and `..` resolved, also when its last folders do not
/// exist yet; `None` when it cannot be told.
fn resolved(path: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(path).ok()?;
    let mut existing = absolute.as_path();
    let mut missing = Vec::new();
    loop {
        if let Ok(mut found) = existing.canonicalize() {
            found.extend(missing.iter().rev());
            return Some(found);
        }
        missing.push(existing.file_name()?);
        existing = existing.parent()?;
    }
}

/// A failure while files were being moved into the existing site: some already were.
/// The next build finishes the job, since it writes every file that differs.
fn partly_updated(error: Diagnostic) -> Diagnostic {
    Diagnostic {
        location: error.location,
        ..Diagnostic::error("mise-a-jour-partielle", error.message)
    }
    .hint("le site n'a été mis à jour qu'en partie : réglez ce problème, puis relancez la construction, qui finira la mise à jour")
}

/// Whether `diagnostic` says that the output changed although the build failed: the one
/// error made by [`partly_updated`].
pub fn is_partly_updated(diagnostic: &Diagnostic) -> bool {
    diagnostic.code == "mise-a-jour-partielle"
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Arc::new(text.as_bytes().to_vec()),
        }
    }

    #[test]
    fn two_files_at_one_address_stop_the_build() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::begin(&out).unwrap();
        staging
            .put(file("recherche.html", "la page de jalon"))
            .unwrap();
        let error = staging
            .put(file("recherche.html", "une page libre"))
            .unwrap_err();
        assert_eq!(error.code, "adresse-en-double");
        assert!(
            error.message.contains("recherche.html"),
            "{}",
            error.message
        );
    }

    #[test]
    fn no_file_is_written_outside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("site/public");
        let staging = Staging::begin(&out).unwrap();
        for path in [
            "../piege.html",
            "axe/../../piege.html",
            "/tmp/piege.html",
            "",
        ] {
            let error = staging.put(file(path, "piège")).unwrap_err();
            assert_eq!(error.code, "chemin-interdit", "{path}");
        }
        staging.put(file("axe/1.2.html", "un axe")).unwrap();
        staging.commit().unwrap();
        assert!(out.join("axe/1.2.html").is_file());
        assert!(!dir.path().join("site/piege.html").exists());
    }

    #[test]
    fn nothing_is_written_through_a_folder_of_the_output_made_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let staging = Staging::begin(&out).unwrap();
        staging.put(file("fiche/1.html", "une fiche")).unwrap();
        staging.put(file("fiche/2.html", "une autre")).unwrap();
        staging.commit().unwrap();
        let elsewhere = dir.path().join("ailleurs");
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("2.html"), "à garder").unwrap();
        std::fs::remove_dir_all(out.join("fiche")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("fiche")).unwrap();
        let staging = Staging::begin(&out).unwrap();
        staging.put(file("fiche/1.html", "nouvelle fiche")).unwrap();
        let error = staging.commit().unwrap_err();
        assert_eq!(error.code, "sortie-interdite");
        assert!(!elsewhere.join("1.html").exists());
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("2.html")).unwrap(),
            "à garder"
        );
    }
}

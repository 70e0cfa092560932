//! Watching the sources: one rebuild per burst of changes (an editor's save-as-rename,
//! a `git checkout` of many files). Reading a file is no change: the build itself reads
//! every source, and must not wake the watcher again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::{Builder, State, rebuild};

const QUIET_TIME: Duration = Duration::from_millis(120);
/// Under a steady stream of changes, rebuild at least this often.
const LONGEST_WAIT: Duration = Duration::from_millis(500);
/// What the site is made of: everything else in the root (the output folder, target/)
/// is ignored.
const WATCHED: &[&str] = &[
    "content",
    "schema-data",
    crate::load::ASSETS_DIR,
    "themes",
    "jalon.yaml",
];

/// A change to the sources, as the watcher reports it to the rebuild loop.
struct Change {
    /// One of the [`WATCHED`] folders, when it is what appeared (created, or renamed into
    /// place): a folder that did not exist when watching began, or that was replaced,
    /// is not watched yet, and what is saved in it later would go unseen.
    appeared: Option<PathBuf>,
}

/// The sources being watched, and the changes seen since.
pub struct Watch {
    watcher: RecommendedWatcher,
    changes: Receiver<Change>,
}

/// Starts watching `root`, which must be absolute. The changes wait until
/// [`Watch::rebuild_on_changes`]: starting before the first build, nothing saved during it
/// is missed.
pub fn start(root: &Path) -> Result<Watch, String> {
    debug_assert!(root.is_absolute(), "the watcher reports absolute paths");
    let (changes, received) = channel();
    let root_for_events = root.to_path_buf();
    let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let Ok(event) = event else { return };
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let appearing = matches!(
            event.kind,
            EventKind::Create(_) | EventKind::Modify(ModifyKind::Name(_))
        );
        for path in &event.paths {
            if is_source(&root_for_events, path) {
                let appeared = appearing
                    .then(|| watched_folder(&root_for_events, path))
                    .flatten();
                let _ = changes.send(Change { appeared });
            }
        }
    })
    .map_err(|e| format!("surveillance des fichiers impossible : {e}"))?;
    // The root itself, not recursively: folders created or deleted after start are seen.
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| cannot_watch(root, &e))?;
    let mut watch = Watch {
        watcher,
        changes: received,
    };
    for name in WATCHED {
        let path = root.join(name);
        if path.is_dir() {
            watch.watch_folder(&path)?;
        }
    }
    Ok(watch)
}

impl Watch {
    /// Rebuilds on every burst of changes, on its own thread, for as long as the preview
    /// runs. The thread keeps the watcher: it watches the folders that appear later.
    pub fn rebuild_on_changes(self, builder: Builder, state: Arc<State>) {
        std::thread::spawn(move || self.rebuild_loop(builder, &state));
    }

    /// Waits for a change, then for a quiet moment (or at most [`LONGEST_WAIT`]), then
    /// rebuilds; changes made during a rebuild lead to the next one.
    fn rebuild_loop(mut self, mut builder: Builder, state: &State) {
        while let Ok(change) = self.changes.recv() {
            let mut appeared: HashSet<PathBuf> = change.appeared.into_iter().collect();
            let deadline = Instant::now() + LONGEST_WAIT;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                match self.changes.recv_timeout(QUIET_TIME.min(left)) {
                    Ok(change) => appeared.extend(change.appeared),
                    Err(_) => break,
                }
            }
            // Before the rebuild reads them: what is saved in them afterwards is seen,
            // what was saved before is read by this rebuild.
            for folder in &appeared {
                if let Err(message) = self.watch_folder(folder) {
                    eprintln!("Attention : {message}");
                }
            }
            rebuild(&mut builder, state);
        }
    }

    /// Watches `folder` and all it holds, from scratch: a folder of the same name may
    /// have been watched before and since deleted or moved away.
    fn watch_folder(&mut self, folder: &Path) -> Result<(), String> {
        // Not watched (yet) is the usual answer, and nothing to worry about.
        let _ = self.watcher.unwatch(folder);
        if !folder.is_dir() {
            // Gone again already: it will be watched if it comes back.
            return Ok(());
        }
        self.watcher
            .watch(folder, RecursiveMode::Recursive)
            .map_err(|e| cannot_watch(folder, &e))
    }
}

fn cannot_watch(path: &Path, error: &notify::Error) -> String {
    format!("surveillance de {} impossible : {error}", path.display())
}

/// A change that can alter the site: inside a watched folder, not an editor's scratch file.
fn is_source(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let Some(first) = relative.components().next() else {
        return false;
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    WATCHED.iter().any(|w| first.as_os_str() == *w) && !is_scratch(&name)
}

/// An editor's file beside the one edited, which jalon never reads: hidden ones (vim's
/// `.a.md.swp`, Emacs's `.#a.md`, Kate's, LibreOffice's `.~lock.a.md#`), Emacs's
/// `#a.md#`, backups (`a.md~`), vim's `4913` write test, JetBrains' `___jb_tmp___`.
/// Each save would otherwise rebuild the site two or three times for nothing.
fn is_scratch(name: &str) -> bool {
    name.starts_with('.')
        || (name.starts_with('#') && name.ends_with('#'))
        || name.ends_with('~')
        || name.ends_with(".tmp")
        || name.ends_with("___")
        || name == "4913"
}

/// `path` when it is one of the [`WATCHED`] names right in the root, and a folder.
fn watched_folder(root: &Path, path: &Path) -> Option<PathBuf> {
    let relative = path.strip_prefix(root).ok()?;
    let mut components = relative.components();
    let first = components.next()?;
    let right_in_root = components.next().is_none();
    (right_in_root && WATCHED.iter().any(|w| first.as_os_str() == *w) && path.is_dir())
        .then(|| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::{is_source, watched_folder};
    use std::path::Path;

    /// Paths as the watcher reports them: absolute, under the root it was given.
    #[test]
    fn sources_are_told_by_their_place_in_the_root() {
        let root = Path::new("/sites/schema");
        assert!(is_source(
            root,
            Path::new("/sites/schema/content/fiches/a.md")
        ));
        assert!(is_source(root, Path::new("/sites/schema/jalon.yaml")));
        assert!(is_source(
            root,
            Path::new("/sites/schema/themes/default/templates/fiche.html")
        ));
        assert!(!is_source(
            root,
            Path::new("/sites/schema/public/index.html")
        ));
        for scratch in [
            ".#a.md",
            "#a.md#",
            ".a.md.swp",
            ".a.md.swx",
            "4913",
            "a.md~",
            ".~lock.a.md#",
            ".a.md.kate-swp",
            "a.md___jb_tmp___",
        ] {
            let path = Path::new("/sites/schema/content/fiches").join(scratch);
            assert!(!is_source(root, &path), "{scratch}");
        }
        assert!(!is_source(root, Path::new("/ailleurs/content/a.md")));
    }

    #[test]
    fn only_a_watched_folder_right_in_the_root_is_watched_anew() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        for folder in ["themes/default", "public"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("jalon.yaml"), "").unwrap();
        let themes = root.join("themes");
        assert_eq!(watched_folder(root, &themes), Some(themes));
        assert_eq!(watched_folder(root, &root.join("themes/default")), None);
        assert_eq!(watched_folder(root, &root.join("public")), None);
        assert_eq!(watched_folder(root, &root.join("jalon.yaml")), None);
        assert_eq!(watched_folder(root, &root.join("content")), None);
    }
}

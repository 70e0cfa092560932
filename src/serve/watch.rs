//! Watching the sources: one rebuild per burst of changes (an editor's save-as-rename,
//! a `git checkout` of many files). Reading a file is no change: the build itself reads
//! every source, and must not wake the watcher again.

use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use super::{Builder, State, rebuild};

const QUIET_TIME: Duration = Duration::from_millis(120);
/// Under a steady stream of changes, rebuild at least this often.
const LONGEST_WAIT: Duration = Duration::from_millis(500);
/// What the site is made of: everything else in the root (the output folder, target/)
/// is ignored.
const WATCHED: &[&str] = &["content", "schema-data", "themes", "jalon.yaml"];

/// The sources being watched, and the changes seen since.
pub struct Watch {
    watcher: RecommendedWatcher,
    changes: Receiver<()>,
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
        if event
            .paths
            .iter()
            .any(|path| is_source(&root_for_events, path))
        {
            let _ = changes.send(());
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
    /// runs. The thread keeps the watcher.
    pub fn rebuild_on_changes(self, builder: Builder, state: Arc<State>) {
        std::thread::spawn(move || self.rebuild_loop(builder, &state));
    }

    /// Waits for a change, then for a quiet moment (or at most [`LONGEST_WAIT`]), then
    /// rebuilds; changes made during a rebuild lead to the next one.
    fn rebuild_loop(self, mut builder: Builder, state: &State) {
        while self.changes.recv().is_ok() {
            let deadline = Instant::now() + LONGEST_WAIT;
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() || self.changes.recv_timeout(QUIET_TIME.min(left)).is_err() {
                    break;
                }
            }
            rebuild(&mut builder, state);
        }
    }

    /// Watches `folder` and all it holds.
    fn watch_folder(&mut self, folder: &Path) -> Result<(), String> {
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
    let scratch = name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp");
    WATCHED.iter().any(|w| first.as_os_str() == *w) && !scratch
}

#[cfg(test)]
mod tests {
    use super::is_source;
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
        assert!(!is_source(root, Path::new("/sites/schema/content/.#a.md")));
        assert!(!is_source(root, Path::new("/ailleurs/content/a.md")));
    }
}

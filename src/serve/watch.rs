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

/// Starts watching; rebuilds run on their own thread. Dropping the watcher stops it.
pub fn start(
    root: &Path,
    builder: Builder,
    state: Arc<State>,
) -> Result<RecommendedWatcher, String> {
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
        .map_err(|e| format!("surveillance de {} impossible : {e}", root.display()))?;
    for name in WATCHED {
        let path = root.join(name);
        if path.is_dir() {
            watcher
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("surveillance de {} impossible : {e}", path.display()))?;
        }
    }
    std::thread::spawn(move || rebuild_on_changes(&received, builder, &state));
    Ok(watcher)
}

/// Waits for a change, then for a quiet moment (or at most [`LONGEST_WAIT`]), then
/// rebuilds; changes made during a rebuild lead to the next one.
fn rebuild_on_changes(changes: &Receiver<()>, mut builder: Builder, state: &State) {
    while changes.recv().is_ok() {
        let deadline = Instant::now() + LONGEST_WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || changes.recv_timeout(QUIET_TIME.min(left)).is_err() {
                break;
            }
        }
        rebuild(&mut builder, state);
    }
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

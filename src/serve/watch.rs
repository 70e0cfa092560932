//! Watching the sources: one rebuild per burst of changes (an editor's save-as-rename,
//! a `git checkout` of many files).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use notify_debouncer_mini::notify::RecursiveMode;
use notify_debouncer_mini::{DebouncedEvent, Debouncer, new_debouncer};

use super::{Builder, State, rebuild};

const QUIET_TIME: Duration = Duration::from_millis(120);
/// What the site is made of: everything else in the root (the output folder, target/)
/// is ignored.
const WATCHED: &[&str] = &["content", "schema-data", "themes", "jalon.yaml"];

pub fn start(
    root: &Path,
    mut builder: Builder,
    state: Arc<State>,
) -> Result<Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>, String> {
    let root_for_events = root.to_path_buf();
    let mut debouncer = new_debouncer(QUIET_TIME, move |events: Result<Vec<DebouncedEvent>, _>| {
        let Ok(events) = events else { return };
        if events
            .iter()
            .any(|event| is_source(&root_for_events, &event.path))
        {
            rebuild(&mut builder, &state);
        }
    })
    .map_err(|e| format!("surveillance des fichiers impossible : {e}"))?;
    // The root itself, not recursively: folders created or deleted after start are seen.
    debouncer
        .watcher()
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(|e| format!("surveillance de {} impossible : {e}", root.display()))?;
    for name in WATCHED {
        let path = root.join(name);
        if path.is_dir() {
            debouncer
                .watcher()
                .watch(&path, RecursiveMode::Recursive)
                .map_err(|e| format!("surveillance de {} impossible : {e}", path.display()))?;
        }
    }
    Ok(debouncer)
}

/// A change that can alter the site: inside a watched folder, not an editor's scratch file.
fn is_source(root: &Path, path: &Path) -> bool {
    let relative: PathBuf = match path.strip_prefix(root) {
        Ok(relative) => relative.to_path_buf(),
        Err(_) => return false,
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

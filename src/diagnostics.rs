//! One error type for every stage: a message in French, where it happened, and a hint.
//!
//! Stages collect diagnostics instead of stopping at the first problem, so that
//! `jalon check` can list every problem at once.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A position in a source file, 1-based, columns counted in characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    /// Path relative to the site root, with `/` separators.
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
    /// Characters to underline; 0 underlines the word at the column.
    #[serde(skip)]
    pub length: u32,
}

impl Location {
    pub fn new(file: impl Into<PathBuf>, line: u32, column: u32) -> Self {
        Location {
            file: file.into(),
            line: line.max(1),
            column: column.max(1),
            length: 0,
        }
    }

    pub fn with_length(mut self, length: usize) -> Self {
        self.length = u32::try_from(length).unwrap_or(u32::MAX);
        self
    }

    /// The start of a file, for problems that concern the file as a whole.
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Location::new(file, 1, 1)
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable identifier listed in the editors' guide, such as `champ-inconnu`.
    pub code: &'static str,
    pub message: String,
    pub location: Option<Location>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location: None,
            hint: None,
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Diagnostics gathered by one stage, with the rule that any error stops the build.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn into_vec(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| a.location.cmp(&b.location));
        self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

/// The text of every file that was read, so that diagnostics can show the offending line.
#[derive(Debug, Default, Clone)]
pub struct Sources(HashMap<PathBuf, Source>);

/// A file's text, and where its lines start once a diagnostic asks: thousands of
/// warnings deep in a long file must not each count its lines from the top.
#[derive(Debug, Clone)]
struct Source {
    text: Arc<str>,
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl Sources {
    pub fn insert(&mut self, file: PathBuf, text: Arc<str>) {
        let line_starts = std::sync::OnceLock::new();
        self.0.insert(file, Source { text, line_starts });
    }

    pub fn get(&self, file: &Path) -> Option<&str> {
        self.0.get(file).map(|source| &*source.text)
    }

    /// The lines of `file` from line `number` (from 1) on, as `str::lines` gives them.
    pub fn lines_from(&self, file: &Path, number: u32) -> Option<std::str::Lines<'_>> {
        self.text_from_line(file, number).map(str::lines)
    }

    /// Line `number` (from 1) of `file`, if it is short enough to frame (see
    /// [`short_line`]).
    fn line(&self, file: &Path, number: u32) -> Option<&str> {
        short_line(self.text_from_line(file, number)?)
    }

    /// The text of `file` from the start of line `number` (from 1).
    fn text_from_line(&self, file: &Path, number: u32) -> Option<&str> {
        let source = self.0.get(file)?;
        let starts = source.line_starts.get_or_init(|| line_starts(&source.text));
        let start = *starts.get(usize::try_from(number).ok()?.checked_sub(1)?)?;
        Some(&source.text[start..])
    }

    /// Takes in the texts another reader gathered.
    pub fn absorb(&mut self, other: Sources) {
        self.0.extend(other.0);
    }
}

/// Renders diagnostics for a terminal: rustc-style code frame, caret under the column, hint.
pub fn render_terminal(diagnostics: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = writeln!(out, "{}", render_one(diagnostic, sources, &renderer));
    }
    out
}

fn render_one(diagnostic: &Diagnostic, sources: &Sources, renderer: &Renderer) -> String {
    let level = match diagnostic.severity {
        Severity::Error => Level::ERROR.with_name("erreur\u{a0}"),
        Severity::Warning => Level::WARNING.with_name("avertissement\u{a0}"),
    };
    let title = format!("{} [{}]", diagnostic.message, diagnostic.code);
    let mut group = Group::with_title(level.primary_title(title.as_str()));
    let origin;
    if let Some(location) = &diagnostic.location {
        origin = location.file.to_string_lossy().replace('\\', "/");
        let framed = (sources.get(&location.file))
            .zip(sources.line(&location.file, location.line))
            .and_then(|(text, line)| frame(text, line, location));
        match framed {
            Some((line_text, line_start, range)) => {
                group = group.element(
                    Snippet::source(line_text)
                        .line_start(line_start)
                        .path(origin.as_str())
                        .annotation(AnnotationKind::Primary.span(range)),
                );
            }
            None => {
                group = group.element(
                    Origin::path(origin.as_str())
                        .line(location.line as usize)
                        .char_column(location.column as usize),
                );
            }
        }
    }
    let hint = diagnostic
        .hint
        .as_deref()
        .map(|hint| Level::HELP.with_name("conseil\u{a0}").message(hint));
    if let Some(hint) = hint {
        group = group.element(hint);
    }
    renderer.render(&[group])
}

/// The offending line (`line`, of the file's `text`) and the byte range to underline
/// (see [`underlined`]).
fn frame<'a>(
    text: &str,
    line: &'a str,
    location: &Location,
) -> Option<(&'a str, usize, std::ops::Range<usize>)> {
    let line_index = usize::try_from(location.line).ok()?.checked_sub(1)?;
    let column = usize::try_from(location.column).ok()?.saturating_sub(1);
    let start = line
        .char_indices()
        .nth(column)
        .map_or(line.len(), |(byte, _)| byte);
    let rest = &line[start..];
    let len = match location.length {
        0 if is_yaml(text, &location.file, line_index) => {
            yaml_underlined(rest, flow_depth(&line[..start]) > 0)
        }
        0 => rest.find(char::is_whitespace).unwrap_or(rest.len()),
        n => rest
            .char_indices()
            .nth(n as usize)
            .map_or(rest.len(), |(byte, _)| byte),
    };
    Some((line, location.line as usize, start..start + len))
}

/// The byte offset where each line of `text` starts.
pub(crate) fn line_starts(text: &str) -> Vec<usize> {
    // memchr's iterator keeps its place and searches with SIMD: `match_indices` starts a
    // new search for each line, which costs more than the line at 60 characters.
    let breaks = memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1);
    std::iter::once(0).chain(breaks).collect()
}

/// The line `rest` starts with, unless it is too long to frame (over 1 000 bytes, some
/// 900 characters of accented French): a line of thousands of characters (a paste gone
/// wrong) would be laid out in full for each of its warnings, which then only give the
/// file, line and column.
fn short_line(rest: &str) -> Option<&str> {
    const LONGEST: usize = 1000;
    let line = match rest.bytes().take(LONGEST + 1).position(|b| b == b'\n') {
        Some(end) => &rest[..end],
        None if rest.len() <= LONGEST => rest,
        None => return None,
    };
    Some(line.strip_suffix('\r').unwrap_or(line))
}

/// Whether line `line_index` of `text` (the file `file`) is YAML: a YAML file, or the
/// header of a Markdown file, between its two `---` lines.
fn is_yaml(text: &str, file: &Path, line_index: usize) -> bool {
    match file.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => true,
        Some("md") => {
            let mut lines = text.lines();
            lines.next().is_some_and(|first| first.trim_end() == "---")
                && lines
                    .position(|l| l.trim_end() == "---")
                    .is_some_and(|end| line_index <= end)
        }
        _ => false,
    }
}

/// How many `[` and `{` are still open in `before`: inside them, a comma ends a value.
fn flow_depth(before: &str) -> i32 {
    before.chars().fold(0, |depth, c| match c {
        '[' | '{' => depth + 1,
        ']' | '}' => depth - 1,
        _ => depth,
    })
}

/// The length to underline of the YAML at the start of `rest`: a key with its colon
/// (`pilote:`), a quoted text with its quotes, or a plain value to its end
/// (`statut: en cours` underlines « en cours », not « en »), before a comment and, in a
/// flow list, before the next item.
fn yaml_underlined(rest: &str, in_flow: bool) -> usize {
    let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
    if rest[..word].ends_with(':') {
        return word;
    }
    if let Some(quote @ ('"' | '\'')) = rest.chars().next() {
        return rest[1..].find(quote).map_or(rest.len(), |end| end + 2);
    }
    let mut end = rest.find(" #").unwrap_or(rest.len());
    if in_flow {
        end = rest[..end].find([',', ']', '}']).unwrap_or(end);
    }
    match rest[..end].trim_end().len() {
        0 => word,
        value => value,
    }
}

/// Plain one-line form, for logs and the JSON output's `texte` field.
pub fn summary_line(diagnostic: &Diagnostic) -> String {
    let kind = match diagnostic.severity {
        Severity::Error => "erreur",
        Severity::Warning => "avertissement",
    };
    match &diagnostic.location {
        Some(location) => format!("{location}: {kind}: {}", diagnostic.message),
        None => format!("{kind}: {}", diagnostic.message),
    }
}

/// The closest candidate to `wrong`, when it is close enough to be a likely typo.
/// Case and accents do not count; among equals, the first in alphabetical order wins, so
/// that the hint is the same at every run.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wrong = slug::slugify(wrong);
    // A short code (`4b` for `4a`) is too short for the similarity of long words: one
    // character off is near enough.
    let short = wrong.chars().count() <= 3;
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        let slug = slug::slugify(candidate);
        let score = strsim::jaro_winkler(&wrong, &slug);
        if score < 0.8 && !(short && strsim::levenshtein(&wrong, &slug) == 1) {
            continue;
        }
        let better = match best {
            None => true,
            Some((current, current_score)) => {
                score > current_score || (score == current_score && candidate < current)
            }
        };
        if better {
            best = Some((candidate, score));
        }
    }
    best.map(|(candidate, _)| candidate)
}

/// The hint that goes with a suggestion.
pub fn did_you_mean(suggestion: Option<&str>) -> Option<String> {
    suggestion.map(|s| format!("vouliez-vous dire « {s} » ?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `frame` underlines at line `line`, column `column` of `file`.
    fn underlined(text: &str, file: &str, line: u32, column: u32) -> String {
        let mut sources = Sources::default();
        sources.insert(file.into(), text.into());
        let line_text = sources.line(Path::new(file), line).unwrap();
        let location = Location::new(file, line, column);
        let (line_text, _, range) = frame(text, line_text, &location).unwrap();
        line_text[range].to_string()
    }

    #[test]
    fn a_yaml_value_is_underlined_whole_and_a_markdown_word_alone() {
        let yaml = "statut: en cours   # à vérifier\nnom: \"Caisse d'allocations\"\nannees: [deux mille, 2021]\npilote:\n";
        assert_eq!(underlined(yaml, "a.yaml", 1, 9), "en cours");
        assert_eq!(underlined(yaml, "a.yaml", 2, 6), "\"Caisse d'allocations\"");
        assert_eq!(underlined(yaml, "a.yaml", 3, 10), "deux mille");
        assert_eq!(underlined(yaml, "a.yaml", 4, 1), "pilote:");
        let fiche = "---\nstatut: en cours\n---\n\nUn texte en cours.\n";
        assert_eq!(underlined(fiche, "f.md", 2, 9), "en cours");
        assert_eq!(underlined(fiche, "f.md", 5, 4), "texte");
    }

    /// A line too long to frame gives its place alone: laid out for each of thousands of
    /// warnings, it took minutes.
    #[test]
    fn a_very_long_line_is_located_but_not_framed() {
        let text = format!("titre\r\n{}\nfin\n", "FA 999 ".repeat(500));
        let mut sources = Sources::default();
        sources.insert("f.md".into(), text.as_str().into());
        assert!(sources.line(Path::new("f.md"), 2).is_none());
        assert_eq!(underlined(&text, "f.md", 1, 1), "titre");
        assert_eq!(underlined(&text, "f.md", 3, 1), "fin");
        let warning = Diagnostic::warning("mention-sans-cible", "« FA 999 »")
            .at(Location::new("f.md", 2, 3494));
        let shown = render_terminal(&[warning], &sources, false);
        assert!(shown.contains("--> f.md:2:3494"), "{shown}");
    }

    #[test]
    fn each_line_starts_after_a_line_feed() {
        assert_eq!(line_starts("a\nbc\n\nd"), [0, 2, 5, 6]);
        assert_eq!(line_starts("é\n"), [0, 3]);
        assert_eq!(line_starts(""), [0]);
    }

    #[test]
    fn a_short_code_one_character_off_is_suggested() {
        assert_eq!(suggest("4b", ["1a", "4a", "5f"]), Some("4a"));
        assert_eq!(suggest("9z", ["1a", "4a"]), None);
        assert_eq!(
            suggest("pilote", ["pilotes", "contributeurs"]),
            Some("pilotes")
        );
    }
}

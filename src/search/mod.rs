//! Full-text search that runs in the reader's browser, on any static host and from a
//! folder opened from disk.
//!
//! `jalon build` writes the index into `recherche/` as small JavaScript files, each one
//! calling `jalonRecherche(name, data)`: the browser loads them with `<script>` tags, which
//! work from `file://` where `fetch` does not. A query loads only what it needs:
//!
//! - `index.js`: the first word of each dictionary chunk and of each postings chunk, the
//!   stop words, the facets;
//! - `mots/N.js`: folded words (as a reader types them, without accents) with their
//!   term, the French stem computed here, so the browser never stems;
//! - `termes/N.js`: for each term, its postings: document, weight, and the sections
//!   (sous-actions) that hold it;
//! - `facettes.js`: for each facet value, its documents;
//! - `doc/N.js`: one document's title, address, breadcrumb and text, for the results.

pub mod analyze;
mod documents;

use std::collections::HashMap;
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use crate::model::Site;
use crate::render::{OutputFile, Prepared};
use analyze::{Analyzer, fold};
use documents::{Document, documents};
pub use documents::{Facet, Facets, facets};

/// The folder of the index in the output.
pub const FOLDER: &str = "recherche";
/// Sections (sous-actions) a result can point into; later ones are found with their
/// fiche but not pointed at.
const MAX_SECTIONS: usize = 30;
const POSTINGS_CHUNK: usize = 16 * 1024;
const DICTIONARY_CHUNK: usize = 8 * 1024;
/// The longest text kept for the excerpts of a result.
const EXCERPT_TEXT: usize = 20_000;

/// The files of the search index for `site`, whose Markdown is rendered in `prepared`.
pub fn files(site: &Site, prepared: &[Prepared]) -> Vec<OutputFile> {
    let facets = facets(site);
    let documents = documents(site, prepared, &facets);
    let sigles = Sigles::new(site);
    let analysed = analyse(&documents, &sigles);
    let mut index = Index::new(&documents, analysed);
    let mut files = index.chunk_files();
    files.push(facet_file(&facets, &documents));
    files.extend(
        documents
            .par_iter()
            .enumerate()
            .map(|(i, d)| document_file(i, d))
            .collect::<Vec<_>>(),
    );
    let version = version(&files);
    files.push(script(
        "index",
        &serde_json::json!({
            "version": format!("{version:016x}"),
            "documents": documents.len(),
            "vides": analyze::STOP_WORDS,
            "mots": index.dictionary_starts,
            "termes": index.postings_starts,
            "types": facets.types,
            "facettes": facets.list,
        }),
    ));
    files
}

/// Glossary sigles and their expansions, both ways: a text that says `ASE` is also found
/// by "aide sociale à l'enfance", and one that spells it out is also found by `ASE`.
struct Sigles {
    /// Folded sigle → the text of its expansion.
    expansions: HashMap<String, String>,
    /// Finds expansions, as folded words between spaces, in a document's folded words.
    finder: Option<AhoCorasick>,
    /// The folded sigle of each pattern of `finder`.
    patterns: Vec<String>,
}

impl Sigles {
    fn new(site: &Site) -> Self {
        let mut analyzer = Analyzer::default();
        let expansions: HashMap<String, String> = site
            .sigles
            .iter()
            .map(|s| (fold(&s.sigle), s.definition.clone()))
            .collect();
        let (patterns, texts): (Vec<String>, Vec<String>) = site
            .sigles
            .iter()
            .filter_map(|s| {
                let mut words = Vec::new();
                analyzer.words(&s.definition, &mut words);
                (words.len() >= 2).then(|| (fold(&s.sigle), format!(" {} ", words.join(" "))))
            })
            .unzip();
        Sigles {
            expansions,
            finder: AhoCorasick::new(&texts).ok(),
            patterns,
        }
    }
}

/// How a word occurs in a document.
#[derive(Default, Clone, Copy)]
struct Occurrence {
    /// The weighty places it occurs in: [`TITLE`], [`KEY`], [`HEADING`], [`ALIAS`].
    places: u8,
    /// Times in the text.
    count: u32,
    /// Bit `i`: in section `i`.
    sections: u32,
}

const TITLE: u8 = 1;
const KEY: u8 = 2;
const HEADING: u8 = 4;
/// Through a sigle or its expansion only.
const ALIAS: u8 = 8;

impl Occurrence {
    fn merge(&mut self, other: Occurrence) {
        self.places |= other.places;
        self.count += other.count;
        self.sections |= other.sections;
    }

    fn has(self, place: u8) -> bool {
        self.places & place != 0
    }
}

struct DocumentWords {
    words: HashMap<String, Occurrence>,
    /// Words of text, for the length normalisation of the weights.
    length: u32,
}

impl DocumentWords {
    fn mark(&mut self, analyzer: &mut Analyzer, text: &str, place: u8) {
        let mut found = Vec::new();
        analyzer.words(text, &mut found);
        for word in found {
            self.words.entry(word).or_default().places |= place;
        }
    }
}

/// The words of every document, and the dictionary of the words met.
struct Analysed {
    documents: Vec<DocumentWords>,
    dictionary: HashMap<String, String>,
}

/// Analyses the documents on every core, each thread with its own analyzer.
fn analyse(documents: &[Document], sigles: &Sigles) -> Analysed {
    let chunks: Vec<(Vec<DocumentWords>, Analyzer)> = documents
        .par_chunks(64)
        .map(|chunk| {
            let mut analyzer = Analyzer::default();
            let words = chunk
                .iter()
                .map(|d| document_words(&mut analyzer, d, sigles))
                .collect();
            (words, analyzer)
        })
        .collect();
    let mut analyzer = Analyzer::default();
    let mut words = Vec::with_capacity(documents.len());
    for (chunk, chunk_analyzer) in chunks {
        words.extend(chunk);
        analyzer.absorb(chunk_analyzer);
    }
    Analysed {
        documents: words,
        dictionary: analyzer.into_dictionary(),
    }
}

fn document_words(analyzer: &mut Analyzer, document: &Document, sigles: &Sigles) -> DocumentWords {
    let mut words = DocumentWords {
        words: HashMap::new(),
        length: 0,
    };
    words.mark(analyzer, &document.title, TITLE);
    words.mark(analyzer, &document.key, KEY);
    words.mark(analyzer, &document.headings, HEADING);
    let mut text = Vec::new();
    analyzer.words(&document.body, &mut text);
    let mut counted = 0;
    for (i, section) in document.sections.iter().enumerate() {
        count(&mut words, &text[counted..], 0);
        counted = text.len();
        analyzer.words(&section.title, &mut text);
        analyzer.words(&section.text, &mut text);
        let bit = if i < MAX_SECTIONS { 1 << i } else { 0 };
        count(&mut words, &text[counted..], bit);
        counted = text.len();
    }
    count(&mut words, &text[counted..], 0);
    words.length = text.len() as u32;
    for expansion in sigles_in(document, sigles) {
        words.mark(analyzer, expansion, ALIAS);
    }
    if let Some(finder) = &sigles.finder {
        let spaced = format!(" {} ", text.join(" "));
        let found: std::collections::BTreeSet<usize> = finder
            .find_overlapping_iter(&spaced)
            .map(|m| m.pattern().as_usize())
            .collect();
        for pattern in found {
            let sigle = &sigles.patterns[pattern];
            words.words.entry(sigle.clone()).or_default().places |= ALIAS;
        }
    }
    words
}

/// Counts words of the text, found in the sections of `bit`.
fn count(words: &mut DocumentWords, text: &[String], bit: u32) {
    for word in text {
        let occurrence = words.words.entry(word.clone()).or_default();
        occurrence.count += 1;
        occurrence.sections |= bit;
    }
}

/// The expansions of the glossary sigles written (in capitals) in a document.
fn sigles_in<'s>(document: &Document, sigles: &'s Sigles) -> Vec<&'s String> {
    let mut found: Vec<&String> = [&document.title, &document.key, &document.body]
        .into_iter()
        .chain(document.sections.iter().map(|s| &s.text))
        .flat_map(|text| analyze::words(text))
        .filter(|word| analyze::is_sigle(word))
        .filter_map(|word| sigles.expansions.get(&fold(word)))
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

/// The inverted index: for each term, the documents that hold it.
struct Index {
    /// Sorted by term; postings sorted by document.
    postings: Vec<(String, Vec<Posting>)>,
    /// Sorted by word.
    dictionary: Vec<(String, String)>,
    postings_starts: Vec<String>,
    dictionary_starts: Vec<String>,
}

struct Posting {
    document: u32,
    weight: u32,
    sections: u32,
}

impl Index {
    fn new(documents: &[Document], analysed: Analysed) -> Self {
        let Analysed {
            documents: words,
            dictionary,
        } = analysed;
        let total: u64 = words.iter().map(|d| u64::from(d.length)).sum();
        let average = (total as f64 / words.len().max(1) as f64).max(1.0);
        let mut postings: HashMap<&str, Vec<Posting>> = HashMap::new();
        for (i, (document, words)) in documents.iter().zip(&words).enumerate() {
            let mut terms: HashMap<&str, Occurrence> = HashMap::new();
            for (word, occurrence) in &words.words {
                let term = dictionary.get(word).map_or(word.as_str(), String::as_str);
                terms.entry(term).or_default().merge(*occurrence);
            }
            for (term, occurrence) in terms {
                postings.entry(term).or_default().push(Posting {
                    document: i as u32,
                    weight: weight(occurrence, document.title_weight, words.length, average),
                    sections: occurrence.sections,
                });
            }
        }
        let mut postings: Vec<(String, Vec<Posting>)> = postings
            .into_iter()
            .map(|(term, list)| (term.to_string(), list))
            .collect();
        postings.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut dictionary: Vec<(String, String)> = dictionary.into_iter().collect();
        dictionary.sort_unstable();
        Index {
            postings,
            dictionary,
            postings_starts: Vec::new(),
            dictionary_starts: Vec::new(),
        }
    }

    /// The dictionary and postings, cut into chunks of about the same size; records the
    /// first key of each chunk for `index.js`.
    fn chunk_files(&mut self) -> Vec<OutputFile> {
        let mut files = Vec::new();
        let postings: Vec<(&str, String)> = self
            .postings
            .iter()
            .map(|(term, list)| (term.as_str(), encode_postings(list)))
            .collect();
        for (n, chunk) in chunks(&postings, POSTINGS_CHUNK, |(t, p)| t.len() + p.len())
            .into_iter()
            .enumerate()
        {
            self.postings_starts.push(chunk[0].0.to_string());
            let map: serde_json::Map<String, serde_json::Value> = chunk
                .iter()
                .map(|(t, p)| (t.to_string(), serde_json::Value::from(p.as_str())))
                .collect();
            files.push(script(&format!("termes/{n}"), &map));
        }
        for (n, chunk) in chunks(&self.dictionary, DICTIONARY_CHUNK, |(w, t)| {
            w.len() + t.len()
        })
        .into_iter()
        .enumerate()
        {
            self.dictionary_starts.push(chunk[0].0.clone());
            files.push(script(&format!("mots/{n}"), &chunk));
        }
        files
    }
}

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// How well a term describes a document, from 1 to 31: a word of the title outweighs
/// any number of mentions in the text (then a pilote or sigle, then a heading); the text
/// counts as in BM25, saturating with repetitions and normalised by length.
fn weight(occurrence: Occurrence, title_weight: u32, length: u32, average: f64) -> u32 {
    let count = f64::from(occurrence.count);
    let text = count * (K1 + 1.0) / (count + K1 * (1.0 - B + B * f64::from(length) / average));
    let points = |place: u8, points: f64| if occurrence.has(place) { points } else { 0.0 };
    let score = points(TITLE, f64::from(title_weight))
        + points(KEY, 8.0)
        + points(HEADING, 4.0)
        + points(ALIAS, 1.0)
        + 3.0 * text;
    (score.round() as u32).clamp(1, 31)
}

/// Items cut into runs whose summed `size` reaches `target`: one item larger than the
/// target makes a chunk of its own.
fn chunks<T>(items: &[T], target: usize, size: impl Fn(&T) -> usize) -> Vec<&[T]> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut total = 0;
    for (i, item) in items.iter().enumerate() {
        total += size(item);
        if total >= target {
            chunks.push(&items[start..=i]);
            start = i + 1;
            total = 0;
        }
    }
    if start < items.len() {
        chunks.push(&items[start..]);
    }
    chunks
}

/// Digits of the compact number format shared with the browser: each character holds 5
/// bits of a number, low bits first, with 32 added when more characters follow.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn push_number(out: &mut String, mut n: u32) {
    loop {
        let low = (n & 31) as usize;
        n >>= 5;
        if n == 0 {
            out.push(DIGITS[low] as char);
            return;
        }
        out.push(DIGITS[low | 32] as char);
    }
}

/// Postings as numbers: for each, the gap from the previous document, the weight, the
/// sections.
fn encode_postings(postings: &[Posting]) -> String {
    let mut out = String::with_capacity(postings.len() * 3);
    let mut previous = 0;
    for posting in postings {
        push_number(&mut out, posting.document - previous);
        push_number(&mut out, posting.weight);
        push_number(&mut out, posting.sections);
        previous = posting.document;
    }
    out
}

/// For each facet (the type first), for each value, its documents as gaps.
fn facet_file(facets: &Facets, documents: &[Document]) -> OutputFile {
    let facet_count = 1 + facets.list.len();
    let value_counts = std::iter::once(facets.types.valeurs.len())
        .chain(facets.list.iter().map(|f| f.valeurs.len()));
    let mut lists: Vec<Vec<Vec<u32>>> = value_counts.map(|n| vec![Vec::new(); n]).collect();
    for (i, document) in documents.iter().enumerate() {
        for (facet, values) in document.facets.iter().enumerate().take(facet_count) {
            for &value in values {
                lists[facet][value].push(i as u32);
            }
        }
    }
    let encoded: Vec<Vec<String>> = lists
        .iter()
        .map(|values| {
            values
                .iter()
                .map(|docs| {
                    let mut out = String::new();
                    let mut previous = 0;
                    for &d in docs {
                        push_number(&mut out, d - previous);
                        previous = d;
                    }
                    out
                })
                .collect()
        })
        .collect();
    script("facettes", &encoded)
}

fn document_file(i: usize, document: &Document) -> OutputFile {
    let mut text = document.body.as_str();
    if text.len() > EXCERPT_TEXT {
        let mut end = EXCERPT_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text = &text[..end];
    }
    let sections: Vec<[&str; 3]> = document
        .sections
        .iter()
        .map(|s| [s.title.as_str(), s.anchor.as_str(), s.text.as_str()])
        .collect();
    script(
        &format!("doc/{i}"),
        &serde_json::json!({
            "titre": document.title,
            "url": document.url,
            "type": document.kind,
            "fil": document.breadcrumb,
            "texte": text,
            "sections": sections,
        }),
    )
}

/// A file of the index: a call the browser's search script answers.
fn script(name: &str, data: &impl serde::Serialize) -> OutputFile {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "null".into());
    OutputFile {
        path: format!("{FOLDER}/{name}.js"),
        contents: Arc::from(format!("jalonRecherche({name:?},{json});\n").into_bytes()),
    }
}

/// A fingerprint of the index, so that a browser never mixes files of two builds.
fn version(files: &[OutputFile]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::render::cache::hasher();
    for file in files {
        file.path.hash(&mut h);
        file.contents.hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_through_digits() {
        let mut out = String::new();
        for n in [0, 1, 31, 32, 1000, u32::MAX] {
            push_number(&mut out, n);
        }
        assert_eq!(out.len(), 1 + 1 + 1 + 2 + 2 + 7);
        assert!(out.starts_with("ABf"));
    }

    #[test]
    fn title_outweighs_text() {
        let text = Occurrence {
            count: 50,
            ..Occurrence::default()
        };
        let title = Occurrence {
            places: TITLE,
            ..Occurrence::default()
        };
        assert!(weight(title, 16, 100, 100.0) > weight(text, 16, 100, 100.0));
        assert_eq!(weight(Occurrence::default(), 16, 100, 100.0), 1);
    }
}

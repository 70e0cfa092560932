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
mod words;

use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::model::Site;
use crate::render::{OutputFile, Prepared};
use documents::{Document, documents};
pub use documents::{Facet, Facets, facets};
pub use words::Cache;
use words::{ALIAS, Analysed, DocumentWords, HEADING, KEY, Occurrence, TITLE};

/// The folder of the index in the output.
pub const FOLDER: &str = "recherche";
const POSTINGS_CHUNK: usize = 16 * 1024;
const DICTIONARY_CHUNK: usize = 8 * 1024;
/// The longest text kept for the excerpts of a result.
const EXCERPT_TEXT: usize = 20_000;

/// The files of the search index for `site`, whose Markdown is rendered in `prepared`.
///
/// `cache` keeps the words of each document from one build to the next (the preview): a
/// saved fiche is analysed again, the others are not.
pub fn files(site: &Site, prepared: &[Prepared], cache: &mut Cache) -> Vec<OutputFile> {
    let facets = facets(site);
    let documents = documents(site, prepared, &facets);
    // The words of every document and the postings are dropped before the documents'
    // own files are made, so that the two are never held at once.
    let (mut files, dictionary_starts, postings_starts) = {
        let analysed = words::analyse(site, &documents, cache);
        let mut index = Index::new(&documents, &analysed);
        let files = index.chunk_files();
        (files, index.dictionary_starts, index.postings_starts)
    };
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
            "mots": dictionary_starts,
            "termes": postings_starts,
            "types": facets.types,
            "facettes": facets.list,
        }),
    ));
    files
}

/// The inverted index: for each term, the documents that hold it.
struct Index<'a> {
    /// Sorted by term; postings sorted by document.
    postings: Vec<(&'a str, Vec<Posting>)>,
    /// Sorted by word.
    dictionary: Vec<(&'a str, &'a str)>,
    postings_starts: Vec<String>,
    dictionary_starts: Vec<String>,
}

struct Posting {
    document: u32,
    weight: u32,
    sections: u32,
}

impl<'a> Index<'a> {
    fn new(documents: &[Document], analysed: &'a Analysed) -> Self {
        let total: u64 = analysed.documents.iter().map(|d| u64::from(d.length)).sum();
        let average = (total as f64 / documents.len().max(1) as f64).max(1.0);
        let mut dictionary: Vec<(&str, &str)> = analysed
            .dictionary
            .iter()
            .map(|(w, t)| (&**w, &**t))
            .collect();
        dictionary.sort_unstable();
        // Terms numbered in their order, so that postings by number are sorted by term.
        let mut terms: Vec<&str> = dictionary.iter().map(|&(_, t)| t).collect();
        terms.sort_unstable();
        terms.dedup();
        let term_of: HashMap<&str, u32> = dictionary
            .iter()
            .map(|&(w, t)| (w, terms.partition_point(|&known| known < t) as u32))
            .collect();
        let by_document: Vec<Vec<(u32, Posting)>> = documents
            .par_iter()
            .zip(&analysed.documents)
            .enumerate()
            .map(|(i, (document, words))| {
                document_postings(i as u32, document, words, &term_of, average)
            })
            .collect();
        let mut postings: Vec<Vec<Posting>> = Vec::new();
        postings.resize_with(terms.len(), Vec::new);
        for (term, posting) in by_document.into_iter().flatten() {
            postings[term as usize].push(posting);
        }
        Index {
            postings: terms.into_iter().zip(postings).collect(),
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
            .map(|(term, list)| (*term, encode_postings(list)))
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
            self.dictionary_starts.push(chunk[0].0.to_string());
            files.push(script(&format!("mots/{n}"), &chunk));
        }
        files
    }
}

/// A document's postings, with their term's number: the occurrences of the folded words
/// that share a term are merged.
fn document_postings(
    document_number: u32,
    document: &Document,
    words: &DocumentWords,
    term_of: &HashMap<&str, u32>,
    average: f64,
) -> Vec<(u32, Posting)> {
    let mut terms: Vec<(u32, Occurrence)> = words
        .words
        .iter()
        // Every folded word of a document is in the dictionary, with its spellings.
        .filter_map(|(word, occurrence)| Some((*term_of.get(&**word)?, *occurrence)))
        .collect();
    terms.sort_unstable_by_key(|&(term, _)| term);
    terms.dedup_by(|(term, occurrence), (kept_term, kept)| {
        let same = term == kept_term;
        if same {
            kept.merge(*occurrence);
        }
        same
    });
    terms
        .into_iter()
        .map(|(term, occurrence)| {
            let weight = weight(occurrence, document.title_weight, words.length, average);
            let posting = Posting {
                document: document_number,
                weight,
                sections: occurrence.sections,
            };
            (term, posting)
        })
        .collect()
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
        &DocumentData {
            fil: &document.breadcrumb,
            sections,
            texte: text,
            titre: &document.title,
            kind: document.kind,
            url: &document.url,
        },
    )
}

/// What `doc/N.js` holds, borrowed from the document. The fields are in alphabetical
/// order, the order of the keys of a `serde_json::Value` object, which the files had.
#[derive(serde::Serialize)]
struct DocumentData<'a> {
    fil: &'a str,
    sections: Vec<[&'a str; 3]>,
    texte: &'a str,
    titre: &'a str,
    #[serde(rename = "type")]
    kind: usize,
    url: &'a str,
}

/// A file of the index: a call the browser's search script answers.
fn script(name: &str, data: &impl serde::Serialize) -> OutputFile {
    let mut contents = format!("jalonRecherche({name:?},").into_bytes();
    let start = contents.len();
    if serde_json::to_writer(&mut contents, data).is_err() {
        contents.truncate(start);
        contents.extend_from_slice(b"null");
    }
    contents.extend_from_slice(b");\n");
    OutputFile {
        path: format!("{FOLDER}/{name}.js"),
        contents: Arc::from(contents),
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

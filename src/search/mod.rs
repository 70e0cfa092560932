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
//! - `termes/N.js`: `[term, postings]` pairs, the postings giving document, weight, and
//!   the sections (sous-actions) that hold them;
//! - `facettes.js`: for each facet value, its documents;
//! - `doc/N.js`: one document's title, address, breadcrumb and text, for the results.
//!
//! Words and terms are never keys of an object in these files: the browser would read
//! them as JavaScript object literals, where `__proto__` sets the prototype instead of
//! making a key, and its script looks them up in `Map`s (a plain object answers
//! `constructor` or `toString` with what every object inherits).

pub mod analyze;
mod documents;
mod script;
mod words;

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::{OutputFile, Prepared};
use crate::write::Sink;
use analyze::Interner;
use documents::{Document, Documents};
pub use documents::{Facet, Facets, facets};
use script::Script;
pub use words::Cache;
use words::{ALIAS, DocumentWords, HEADING, KEY, Occurrence, TITLE, Tally, Words};

/// The folder of the index in the output.
pub const FOLDER: &str = "recherche";
const POSTINGS_CHUNK: usize = 16 * 1024;
const DICTIONARY_CHUNK: usize = 8 * 1024;
/// The longest text kept for the excerpts of a result.
const EXCERPT_TEXT: usize = 20_000;
/// Documents whose postings are made at once, on every core: the postings of all
/// documents are never held before they are encoded.
const POSTINGS_BLOCK: usize = 1024;

/// Writes the files of the search index for `site`, whose Markdown is rendered in
/// `prepared`, to `sink`, each as soon as it is made; returns how many.
///
/// `cache` keeps the words of each document from one build to the next (the preview): a
/// saved fiche is analysed again, the others are not. Without it, everything the index
/// needed is dropped on return.
pub fn files(
    site: &Site,
    prepared: &[Prepared],
    cache: Option<&mut Cache>,
    sink: &dyn Sink,
) -> Result<usize, Diagnostic> {
    let mut fresh = Cache::default();
    let keep = cache.is_some();
    let cache = cache.unwrap_or(&mut fresh);
    let facets = facets(site);
    let documents = Documents::new(site, prepared, &facets);
    let indexed = index_documents(site, &documents, cache, keep, sink)?;
    if keep {
        cache.keep(indexed.iter().map(|d| (d.key, &d.words)));
    }
    let index = Index::new(cache.lexicon(), &indexed);
    // The fingerprint of each file, in a fixed order: the index's, the facets', the
    // documents'.
    let mut fingerprints = Vec::new();
    let (dictionary_starts, postings_starts) = index.write(sink, &mut fingerprints)?;
    fingerprints.push(put(sink, facet_file(&facets, &indexed))?);
    fingerprints.extend(indexed.iter().map(|d| d.fingerprint));
    let version = version(&fingerprints);
    put(
        sink,
        Script::of(
            "index",
            &serde_json::json!({
                "version": format!("{version:016x}"),
                "documents": indexed.len(),
                "vides": analyze::STOP_WORDS,
                "mots": dictionary_starts,
                "termes": postings_starts,
                "types": facets.types,
                "facettes": facets.list,
            }),
        ),
    )?;
    Ok(fingerprints.len() + 1)
}

/// What the index and the facets need of a document, once its own file is written.
struct Indexed {
    /// Its key in the cache (0 when the build keeps none).
    key: u64,
    words: Arc<DocumentWords>,
    /// What a word of its title weighs.
    title_weight: u32,
    /// For each facet, the values it has (see [`Document::facets`]).
    facets: Vec<Vec<usize>>,
    /// Of its file, for the version of the index.
    fingerprint: u64,
}

/// In one pass on every core, builds each document, finds its words (or takes them from
/// the cache) and writes its file: only the documents in hand have their text in
/// memory.
fn index_documents(
    site: &Site,
    documents: &Documents,
    cache: &Cache,
    keep: bool,
    sink: &dyn Sink,
) -> Result<Vec<Indexed>, Diagnostic> {
    let words = Words::new(site, cache, keep);
    // One tally per thread rather than per job of rayon's (four or more for two threads):
    // each stems the spellings it meets, and the common ones would be stemmed again.
    let tallies: Vec<Mutex<Option<Tally>>> = (0..rayon::current_num_threads())
        .map(|_| Mutex::new(None))
        .collect();
    (0..documents.count())
        .into_par_iter()
        .map(|i| {
            let document = documents.get(i);
            // Only this thread takes its tally, and nothing in `of` waits on rayon (a
            // thread waiting there could start another document and take it again).
            let thread = rayon::current_thread_index().unwrap_or(0);
            let (key, words) = words.of(
                &document,
                &mut tallies[thread % tallies.len()]
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            );
            let fingerprint = put(sink, document_file(i, &document))?;
            Ok(Indexed {
                key,
                words,
                title_weight: document.title_weight,
                facets: document.facets,
                fingerprint,
            })
        })
        .collect()
}

/// The inverted index: for each term, the documents that hold it.
struct Index<'a> {
    /// Folded word → term, sorted by word.
    dictionary: Vec<(&'a str, &'a str)>,
    /// Sorted by term: the postings, encoded, sorted by document.
    postings: Vec<(&'a str, String)>,
}

/// No number yet.
const NONE: u32 = u32::MAX;

impl<'a> Index<'a> {
    fn new(lexicon: &'a Interner, documents: &[Indexed]) -> Self {
        // Folded word → the shortest term of its spellings in any document.
        let mut term_of = vec![NONE; lexicon.count()];
        for word in documents.iter().flat_map(|d| d.words.words()) {
            let kept = &mut term_of[word.folded as usize];
            if *kept == NONE {
                *kept = word.term;
            } else {
                lexicon.keep_shortest(kept, word.term);
            }
        }
        let mut dictionary: Vec<(&str, &str)> = (term_of.iter().enumerate())
            .filter(|&(_, &term)| term != NONE)
            .map(|(folded, &term)| (lexicon.text(folded as u32), lexicon.text(term)))
            .collect();
        dictionary.sort_unstable();
        // Terms numbered in their order, so that postings by number are sorted by term.
        let mut terms: Vec<u32> = term_of.iter().copied().filter(|&t| t != NONE).collect();
        terms.sort_unstable_by_key(|&term| lexicon.text(term));
        terms.dedup();
        let mut term_numbers = vec![NONE; lexicon.count()];
        for (number, &term) in terms.iter().enumerate() {
            term_numbers[term as usize] = number as u32;
        }
        for term in term_of.iter_mut().filter(|t| **t != NONE) {
            *term = term_numbers[*term as usize];
        }
        let total: u64 = documents.iter().map(|d| u64::from(d.words.length)).sum();
        let average = (total as f64 / documents.len().max(1) as f64).max(1.0);
        let mut postings = vec![Postings::default(); terms.len()];
        for (block, first) in documents
            .chunks(POSTINGS_BLOCK)
            .zip((0..).step_by(POSTINGS_BLOCK))
        {
            let by_document: Vec<Vec<(u32, Posting)>> = block
                .par_iter()
                .enumerate()
                .map_init(
                    || vec![NONE; terms.len()],
                    |slots, (i, document)| {
                        let number = (first + i) as u32;
                        document_postings(number, document, &term_of, average, slots)
                    },
                )
                .collect();
            for (term, posting) in by_document.into_iter().flatten() {
                postings[term as usize].push(posting);
            }
        }
        Index {
            dictionary,
            postings: (terms.into_iter())
                .map(|term| lexicon.text(term))
                .zip(postings.into_iter().map(|p| p.encoded))
                .collect(),
        }
    }

    /// Writes the postings and the dictionary, cut into chunks of about the same size,
    /// and their fingerprints; returns the first key of each chunk of the dictionary and
    /// of the postings, for `index.js`.
    fn write(
        &self,
        sink: &dyn Sink,
        fingerprints: &mut Vec<u64>,
    ) -> Result<(Vec<String>, Vec<String>), Diagnostic> {
        let mut postings_starts = Vec::new();
        for (n, chunk) in chunks(&self.postings, POSTINGS_CHUNK, |(t, p)| t.len() + p.len())
            .into_iter()
            .enumerate()
        {
            postings_starts.push(chunk[0].0.to_string());
            // Pairs, not an object: see the module's documentation.
            let pairs = chunk
                .iter()
                .map(|(term, postings)| (*term, postings.as_str()));
            fingerprints.push(put(sink, Script::pairs(&format!("termes/{n}"), pairs))?);
        }
        let mut dictionary_starts = Vec::new();
        for (n, chunk) in chunks(&self.dictionary, DICTIONARY_CHUNK, |(w, t)| {
            w.len() + t.len()
        })
        .into_iter()
        .enumerate()
        {
            dictionary_starts.push(chunk[0].0.to_string());
            let pairs = chunk.iter().copied();
            fingerprints.push(put(sink, Script::pairs(&format!("mots/{n}"), pairs))?);
        }
        Ok((dictionary_starts, postings_starts))
    }
}

#[derive(Clone, Copy)]
struct Posting {
    document: u32,
    weight: u32,
    sections: u32,
}

/// A term's postings as the browser reads them: for each, the gap from the previous
/// document, the weight, the sections. Encoded as they come, in the order of documents.
#[derive(Clone, Default)]
struct Postings {
    encoded: String,
    previous: u32,
}

impl Postings {
    fn push(&mut self, posting: Posting) {
        push_number(&mut self.encoded, posting.document - self.previous);
        push_number(&mut self.encoded, posting.weight);
        push_number(&mut self.encoded, posting.sections);
        self.previous = posting.document;
    }
}

/// A document's postings, with their term's number: the occurrences of the folded words
/// that share a term are merged. `slots` has a place for each term, [`NONE`] on entry
/// and on return; in between, where the term's occurrence is in the list being built.
fn document_postings(
    document_number: u32,
    document: &Indexed,
    term_of: &[u32],
    average: f64,
    slots: &mut [u32],
) -> Vec<(u32, Posting)> {
    let words = &document.words;
    let mut terms: Vec<(u32, Occurrence)> = Vec::new();
    for word in words.words() {
        let term = term_of[word.folded as usize];
        let slot = &mut slots[term as usize];
        match *slot {
            NONE => {
                *slot = terms.len() as u32;
                terms.push((term, word.occurrence));
            }
            at => terms[at as usize].1.merge(word.occurrence),
        }
    }
    for &(term, _) in &terms {
        slots[term as usize] = NONE;
    }
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

/// For each facet (the type first), for each value, its documents as gaps.
fn facet_file(facets: &Facets, documents: &[Indexed]) -> OutputFile {
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
    Script::of("facettes", &encoded)
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
    // The keys in alphabetical order, the order of a `serde_json::Value` object's, which
    // the files had.
    let mut script = Script::new(&format!("doc/{i}"));
    script.raw("{\"fil\":");
    script.string(&document.breadcrumb);
    script.raw(",\"sections\":");
    script.list(&document.sections, |script, section| {
        let fields = [&section.title, &section.anchor, &section.text];
        script.list(fields, |script, text| script.string(text));
    });
    script.raw(",\"texte\":");
    script.string(text);
    script.raw(",\"titre\":");
    script.string(&document.title);
    script.raw(&format!(",\"type\":{},\"url\":", document.kind));
    script.string(&document.url);
    script.raw("}");
    script.finish()
}

/// Hands `file` to `sink`; returns its fingerprint. Every byte of the index goes through
/// here (ten megabytes at 1 000 fiches): the hash is rustc-hash's, several times faster
/// than the standard SipHash, whose resistance to chosen collisions a version number
/// does not need.
fn put(sink: &dyn Sink, file: OutputFile) -> Result<u64, Diagnostic> {
    let mut h = rustc_hash::FxHasher::default();
    file.path.hash(&mut h);
    file.contents.hash(&mut h);
    let fingerprint = h.finish();
    sink.put(file)?;
    Ok(fingerprint)
}

/// A fingerprint of the index, from those of its files, so that a browser never mixes
/// files of two builds.
fn version(fingerprints: &[u64]) -> u64 {
    let mut h = crate::render::cache::hasher();
    fingerprints.hash(&mut h);
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

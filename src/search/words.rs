//! The words of each document: where they occur (title, pilotes, headings, text, which
//! sous-action) and the dictionary from folded words to terms. Each document is analysed
//! on its own, so that the preview keeps the analysis of the documents a save did not
//! change; the result is exactly what a full build gives.

use std::collections::BTreeSet;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use super::analyze::{self, Analyzer, Word, fold, keep_shortest};
use super::documents::Document;
use crate::model::Site;

/// Sections (sous-actions) a result can point into; later ones are found with their
/// fiche but not pointed at.
pub const MAX_SECTIONS: usize = 30;

/// How a word occurs in a document.
#[derive(Default, Clone, Copy)]
pub struct Occurrence {
    /// The weighty places it occurs in: [`TITLE`], [`KEY`], [`HEADING`], [`ALIAS`].
    pub places: u8,
    /// Times in the text.
    pub count: u32,
    /// Bit `i`: in section `i`.
    pub sections: u32,
}

pub const TITLE: u8 = 1;
pub const KEY: u8 = 2;
pub const HEADING: u8 = 4;
/// Through a sigle or its expansion only.
pub const ALIAS: u8 = 8;

impl Occurrence {
    pub fn merge(&mut self, other: Occurrence) {
        self.places |= other.places;
        self.count += other.count;
        self.sections |= other.sections;
    }

    pub fn has(self, place: u8) -> bool {
        self.places & place != 0
    }
}

/// The words of one document.
pub struct DocumentWords {
    /// By folded word.
    pub words: HashMap<String, Occurrence>,
    /// Words of text, for the length normalisation of the weights.
    pub length: u32,
    /// Each word of the document with its term, once.
    spellings: HashSet<Word>,
}

impl DocumentWords {
    fn add(&mut self, word: &Word, occurrence: Occurrence) {
        // Most words are met again: look them up before paying for a key.
        match self.words.get_mut(&word.folded) {
            Some(known) => known.merge(occurrence),
            None => {
                self.words.insert(word.folded.clone(), occurrence);
            }
        }
        if !self.spellings.contains(word) {
            self.spellings.insert(word.clone());
        }
    }

    fn mark(&mut self, analyzer: &mut Analyzer, text: &str, place: u8) {
        let occurrence = Occurrence {
            places: place,
            ..Occurrence::default()
        };
        analyzer.each_word(text, |word| self.add(word, occurrence));
    }

    /// Counts the words of a text found in the sections of `bit`; returns them folded.
    fn count(&mut self, analyzer: &mut Analyzer, text: &str, bit: u32, folded: &mut Vec<String>) {
        let occurrence = Occurrence {
            count: 1,
            sections: bit,
            ..Occurrence::default()
        };
        analyzer.each_word(text, |word| {
            self.add(word, occurrence);
            self.length += 1;
            folded.push(word.folded.clone());
        });
    }
}

/// The words of every document, and the dictionary of the words met.
pub struct Analysed {
    pub documents: Vec<Arc<DocumentWords>>,
    /// Folded word → term.
    pub dictionary: HashMap<String, String>,
}

/// What the preview keeps from one build to the next: the words of each document, by a
/// hash of everything its analysis reads.
#[derive(Default)]
pub struct Cache {
    documents: HashMap<u64, Arc<DocumentWords>>,
}

/// Analyses the documents that `cache` does not hold, on every core.
pub fn analyse(site: &Site, documents: &[Document], cache: &mut Cache) -> Analysed {
    let sigles = Sigles::new(site);
    let keys: Vec<u64> = documents
        .par_iter()
        .map(|d| document_key(d, sigles.fingerprint))
        .collect();
    let missing: Vec<usize> = (0..documents.len())
        .filter(|&i| !cache.documents.contains_key(&keys[i]))
        .collect();
    let fresh: Vec<(usize, DocumentWords)> = missing
        .par_chunks(64)
        .flat_map_iter(|chunk| {
            let mut analyzer = Analyzer::default();
            chunk
                .iter()
                .map(|&i| (i, document_words(&mut analyzer, &documents[i], &sigles)))
                .collect::<Vec<_>>()
        })
        .collect();
    let mut previous = std::mem::take(&mut cache.documents);
    for (i, words) in fresh {
        previous.insert(keys[i], Arc::new(words));
    }
    let words: Vec<Arc<DocumentWords>> = keys.iter().map(|k| Arc::clone(&previous[k])).collect();
    cache.documents = keys
        .iter()
        .zip(&words)
        .map(|(k, w)| (*k, Arc::clone(w)))
        .collect();
    let mut dictionary = HashMap::default();
    for document in &words {
        for word in &document.spellings {
            keep_shortest(&mut dictionary, word);
        }
    }
    Analysed {
        documents: words,
        dictionary,
    }
}

fn document_key(document: &Document, sigles: u64) -> u64 {
    let mut h = crate::render::cache::hasher();
    sigles.hash(&mut h);
    (
        &document.title,
        &document.key,
        &document.headings,
        &document.body,
    )
        .hash(&mut h);
    for section in &document.sections {
        (&section.title, &section.text).hash(&mut h);
    }
    h.finish()
}

fn document_words(analyzer: &mut Analyzer, document: &Document, sigles: &Sigles) -> DocumentWords {
    let mut words = DocumentWords {
        words: HashMap::default(),
        length: 0,
        spellings: HashSet::default(),
    };
    words.mark(analyzer, &document.title, TITLE);
    words.mark(analyzer, &document.key, KEY);
    words.mark(analyzer, &document.headings, HEADING);
    let mut text = Vec::new();
    words.count(analyzer, &document.body, 0, &mut text);
    for (i, section) in document.sections.iter().enumerate() {
        let bit = if i < MAX_SECTIONS { 1 << i } else { 0 };
        words.count(analyzer, &section.title, bit, &mut text);
        words.count(analyzer, &section.text, bit, &mut text);
    }
    for expansion in sigles.written_in(document) {
        words.mark(analyzer, expansion, ALIAS);
    }
    for sigle in sigles.spelled_out_in(&text) {
        words.mark(analyzer, sigle, ALIAS);
    }
    words
}

/// Glossary sigles and their expansions, both ways: a text that says `ASE` is also found
/// by "aide sociale à l'enfance", and one that spells it out is also found by `ASE`.
struct Sigles {
    /// Folded sigle → the text of its expansion.
    expansions: HashMap<String, String>,
    /// Finds expansions, as folded words between spaces, in a document's folded words.
    finder: Option<AhoCorasick>,
    /// The sigle of each pattern of `finder`, as written.
    patterns: Vec<String>,
    /// A hash of the glossary: the analysis of every document depends on it.
    fingerprint: u64,
}

impl Sigles {
    fn new(site: &Site) -> Self {
        let mut analyzer = Analyzer::default();
        let mut h = crate::render::cache::hasher();
        let mut patterns = Vec::new();
        let mut texts = Vec::new();
        for sigle in &site.sigles {
            (&sigle.sigle, &sigle.definition).hash(&mut h);
            let mut words = Vec::new();
            analyzer.each_word(&sigle.definition, |w| words.push(w.folded.clone()));
            if words.len() >= 2 {
                patterns.push(sigle.sigle.clone());
                texts.push(format!(" {} ", words.join(" ")));
            }
        }
        Sigles {
            expansions: site
                .sigles
                .iter()
                .map(|s| (fold(&s.sigle), s.definition.clone()))
                .collect(),
            finder: AhoCorasick::new(&texts).ok(),
            patterns,
            fingerprint: h.finish(),
        }
    }

    /// The expansions of the glossary sigles written (in capitals) in a document.
    fn written_in<'s>(&'s self, document: &Document) -> Vec<&'s String> {
        let mut found: Vec<&String> = [&document.title, &document.key, &document.body]
            .into_iter()
            .chain(document.sections.iter().map(|s| &s.text))
            .flat_map(|text| analyze::words(text))
            .filter(|word| analyze::is_sigle(word))
            .filter_map(|word| self.expansions.get(&fold(word)))
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The sigles whose expansion is spelled out in a text, given as its folded words.
    fn spelled_out_in(&self, text: &[String]) -> Vec<&String> {
        let Some(finder) = &self.finder else {
            return Vec::new();
        };
        let spaced = format!(" {} ", text.join(" "));
        let found: BTreeSet<usize> = finder
            .find_overlapping_iter(&spaced)
            .map(|m| m.pattern().as_usize())
            .collect();
        found.into_iter().map(|p| &self.patterns[p]).collect()
    }
}

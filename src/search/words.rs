//! The words of each document: where they occur (title, pilotes, headings, text, which
//! sous-action) and the dictionary from folded words to terms. Each document is analysed
//! on its own, so that the preview keeps the analysis of the documents a save did not
//! change; the result is exactly what a full build gives.

use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use rayon::prelude::*;

use super::analyze::{Analyzer, Word, fold, keep_shortest};
use super::documents::Document;
use crate::model::{Sigle, Site};

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
    /// Each folded word, once.
    pub words: Vec<(Arc<str>, Occurrence)>,
    /// Words of text, for the length normalisation of the weights.
    pub length: u32,
    /// Each word of the document with its term, once.
    spellings: Vec<Word>,
}

/// The words of every document, and the dictionary of the words met.
pub struct Analysed {
    pub documents: Vec<Arc<DocumentWords>>,
    /// Folded word → term.
    pub dictionary: HashMap<Arc<str>, Arc<str>>,
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
    // An analyzer per job rather than per document: a spelling is stemmed once per job.
    let fresh: Vec<(usize, DocumentWords)> = missing
        .par_iter()
        .map_init(
            || Tally::new(&sigles),
            |tally, &i| (i, tally.document_words(&documents[i])),
        )
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

/// Finds the words of one document at a time.
struct Tally<'s> {
    analyzer: Analyzer,
    sigles: &'s Sigles<'s>,
    /// The glossary expansions of two words or more, as folded forms numbered by
    /// `analyzer`, with their sigle.
    expansions: Vec<(Vec<u32>, &'s str)>,
    /// By folded form: the expansions that start with it. The words of the expansions
    /// are numbered first, so the forms numbered later start none.
    expansion_starts: Vec<Vec<usize>>,
    counts: Counts,
}

/// The words of the current document, in vectors indexed by the numbers its analyzer
/// gives: no hashing or allocation per occurrence, only per new spelling.
#[derive(Default)]
struct Counts {
    /// By folded form: how it occurs in the current document.
    occurrences: Vec<Occurrence>,
    /// By folded form and by word: the last document (counted from 1) that met it.
    folded_seen: Vec<u32>,
    word_seen: Vec<u32>,
    /// The current document's number, from 1 so that 0 means never seen.
    document: u32,
    /// Folded forms and words of the current document, in the order met.
    folded: Vec<u32>,
    words: Vec<u32>,
    /// Words of text.
    length: u32,
    /// The folded forms of the words of text, in order: where expansions are looked for.
    text: Vec<u32>,
    /// Folded forms of the sigles written in the document.
    sigles: Vec<u32>,
}

/// What reading a text does with its words.
#[derive(Clone, Copy)]
enum Pass {
    /// A weighty place (title, pilotes, heading, expansion): marks the words.
    Mark(u8),
    /// Text: counts the words, in the sections of the given bits.
    Count(u32),
}

impl<'s> Tally<'s> {
    fn new(sigles: &'s Sigles) -> Self {
        let mut analyzer = Analyzer::default();
        let mut expansions = Vec::new();
        let mut expansion_starts: Vec<Vec<usize>> = Vec::new();
        for sigle in sigles.glossary {
            let mut folded = Vec::new();
            analyzer.each_spelling(&sigle.definition, |_, spelling| {
                if spelling.word.is_some() {
                    folded.push(spelling.folded);
                }
            });
            if folded.len() >= 2 {
                expansion_starts.resize_with(analyzer.text_count(), Vec::new);
                expansion_starts[folded[0] as usize].push(expansions.len());
                expansions.push((folded, sigle.sigle.as_str()));
            }
        }
        Tally {
            analyzer,
            sigles,
            expansions,
            expansion_starts,
            counts: Counts::default(),
        }
    }

    fn document_words(&mut self, document: &Document) -> DocumentWords {
        self.counts.start();
        // The sigles written in the title, pilotes, body and section texts bring in their
        // expansions; those in headings and section titles do not.
        self.read(&document.title, Pass::Mark(TITLE), true);
        self.read(&document.key, Pass::Mark(KEY), true);
        self.read(&document.headings, Pass::Mark(HEADING), false);
        self.read(&document.body, Pass::Count(0), true);
        for (i, section) in document.sections.iter().enumerate() {
            let bit = if i < MAX_SECTIONS { 1 << i } else { 0 };
            self.read(&section.title, Pass::Count(bit), false);
            self.read(&section.text, Pass::Count(bit), true);
        }
        for expansion in self.expansions_written() {
            self.read(expansion, Pass::Mark(ALIAS), false);
        }
        for sigle in self.sigles_spelled_out() {
            self.read(sigle, Pass::Mark(ALIAS), false);
        }
        self.counts.finish(&self.analyzer)
    }

    fn read(&mut self, text: &str, pass: Pass, note_sigles: bool) {
        let counts = &mut self.counts;
        self.analyzer.each_spelling(text, |analyzer, spelling| {
            if note_sigles && spelling.sigle {
                counts.sigles.push(spelling.folded);
            }
            if let Some(word) = spelling.word {
                counts.add(analyzer, spelling.folded, word, pass);
            }
        });
    }

    /// The expansions of the glossary sigles written in the document, each once, in a
    /// stable order.
    fn expansions_written(&self) -> Vec<&'s String> {
        let mut found: Vec<&String> = self
            .counts
            .sigles
            .iter()
            .filter_map(|&folded| self.sigles.expansions.get(&**self.analyzer.text(folded)))
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The sigles whose expansion the text of the document spells out, each once, in
    /// glossary order.
    fn sigles_spelled_out(&self) -> Vec<&'s str> {
        let text = &self.counts.text;
        let mut found: Vec<usize> = Vec::new();
        for (start, first) in text.iter().enumerate() {
            let Some(candidates) = self.expansion_starts.get(*first as usize) else {
                continue;
            };
            for &e in candidates {
                let words = &self.expansions[e].0;
                if text[start..].starts_with(words) {
                    found.push(e);
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|e| self.expansions[e].1).collect()
    }
}

impl Counts {
    fn start(&mut self) {
        self.document += 1;
        self.folded.clear();
        self.words.clear();
        self.length = 0;
        self.text.clear();
        self.sigles.clear();
    }

    fn add(&mut self, analyzer: &Analyzer, folded: u32, word: u32, pass: Pass) {
        self.make_room(analyzer);
        let (f, w) = (folded as usize, word as usize);
        if self.folded_seen[f] != self.document {
            self.folded_seen[f] = self.document;
            self.occurrences[f] = Occurrence::default();
            self.folded.push(folded);
        }
        if self.word_seen[w] != self.document {
            self.word_seen[w] = self.document;
            self.words.push(word);
        }
        let occurrence = &mut self.occurrences[f];
        match pass {
            Pass::Mark(place) => occurrence.places |= place,
            Pass::Count(bit) => {
                occurrence.count += 1;
                occurrence.sections |= bit;
                self.length += 1;
                self.text.push(folded);
            }
        }
    }

    /// Grows the vectors to the numbers the analyzer gave since the last call.
    fn make_room(&mut self, analyzer: &Analyzer) {
        let texts = analyzer.text_count();
        if self.occurrences.len() < texts {
            self.occurrences.resize(texts, Occurrence::default());
            self.folded_seen.resize(texts, 0);
        }
        let words = analyzer.word_count();
        if self.word_seen.len() < words {
            self.word_seen.resize(words, 0);
        }
    }

    fn finish(&self, analyzer: &Analyzer) -> DocumentWords {
        DocumentWords {
            words: self
                .folded
                .iter()
                .map(|&f| (Arc::clone(analyzer.text(f)), self.occurrences[f as usize]))
                .collect(),
            length: self.length,
            spellings: self
                .words
                .iter()
                .map(|&w| analyzer.word(w).clone())
                .collect(),
        }
    }
}

/// Glossary sigles and their expansions, both ways: a text that says `ASE` is also found
/// by "aide sociale à l'enfance", and one that spells it out is also found by `ASE`.
struct Sigles<'a> {
    glossary: &'a [Sigle],
    /// Folded sigle → the text of its expansion.
    expansions: HashMap<String, String>,
    /// A hash of the glossary: the analysis of every document depends on it.
    fingerprint: u64,
}

impl<'a> Sigles<'a> {
    fn new(site: &'a Site) -> Self {
        let mut h = crate::render::cache::hasher();
        for sigle in &site.sigles {
            (&sigle.sigle, &sigle.definition).hash(&mut h);
        }
        Sigles {
            glossary: &site.sigles,
            expansions: site
                .sigles
                .iter()
                .map(|s| (fold(&s.sigle), s.definition.clone()))
                .collect(),
            fingerprint: h.finish(),
        }
    }
}

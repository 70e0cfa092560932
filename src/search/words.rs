//! The words of each document: where they occur (title, pilotes, headings, text, which
//! sous-action) and the terms they stem to, as numbers of a lexicon shared by every
//! document. Each document is analysed on its own, so that the preview keeps the analysis
//! of the documents a save did not change; the result is exactly what a full build gives.

use rustc_hash::FxHashMap as HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, PoisonError};

use super::analyze::{Analyzer, Interner, fold};
use super::documents::Document;
use crate::model::{Sigle, Site};

/// Sections (sous-actions) a result can point into; later ones are found with their
/// fiche but not pointed at.
pub const MAX_SECTIONS: usize = 30;

/// A text the lexicon has not numbered yet.
const UNKNOWN: u32 = u32::MAX;

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
/// Every place, and the bits they take in [`DocumentWords`].
const PLACES: u8 = TITLE | KEY | HEADING | ALIAS;
const PLACE_BITS: u32 = 4;
const _: () = assert!(PLACES >> PLACE_BITS == 0);

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

/// The words of one document, by their numbers in the [`Cache`]'s lexicon.
pub struct DocumentWords {
    /// Each folded word once, as variable-length numbers (see [`push_word`]): there are
    /// millions, most numbers fit in a byte.
    packed: Box<[u8]>,
    /// Words of text, for the length normalisation of the weights.
    pub length: u32,
}

/// A folded word of a document.
#[derive(Clone, Copy)]
pub struct DocumentWord {
    pub folded: u32,
    /// The term its spellings in the document stem to; the shortest if they stem
    /// differently (see [`shorter`](super::analyze::shorter)).
    pub term: u32,
    pub occurrence: Occurrence,
}

impl DocumentWords {
    /// Each folded word, once.
    pub fn words(&self) -> impl Iterator<Item = DocumentWord> + '_ {
        let mut bytes = self.packed.iter();
        std::iter::from_fn(move || {
            let folded = unpack_number(&mut bytes)?;
            let term_offset = unpack_number(&mut bytes)?;
            let count_and_places = unpack_number(&mut bytes)?;
            let sections = unpack_number(&mut bytes)?;
            Some(DocumentWord {
                folded,
                term: folded.wrapping_add(term_offset.rotate_right(1)),
                occurrence: Occurrence {
                    places: count_and_places as u8 & PLACES,
                    count: count_and_places >> PLACE_BITS,
                    sections,
                },
            })
        })
    }
}

/// Occurrences in the text of one document beyond which a word counts no more.
const MAX_COUNT: u32 = u32::MAX >> PLACE_BITS;

/// Appends a word to `packed`: its folded form, its term as an offset from it (often 0
/// or 1: a term is numbered with its word), its count and places, its sections.
fn push_word(packed: &mut Vec<u8>, word: DocumentWord) {
    let occurrence = word.occurrence;
    pack_number(packed, word.folded);
    // The offset's sign in the low bit, so that small offsets either way are small.
    pack_number(packed, word.term.wrapping_sub(word.folded).rotate_left(1));
    pack_number(
        packed,
        occurrence.count.min(MAX_COUNT) << PLACE_BITS | u32::from(occurrence.places),
    );
    pack_number(packed, occurrence.sections);
}

/// Seven bits a byte, low bits first; the high bit says more follow.
fn pack_number(packed: &mut Vec<u8>, mut n: u32) {
    while n >= 0x80 {
        packed.push(n as u8 | 0x80);
        n >>= 7;
    }
    packed.push(n as u8);
}

fn unpack_number(bytes: &mut std::slice::Iter<u8>) -> Option<u32> {
    let mut n = 0;
    for shift in (0..32).step_by(7) {
        let byte = *bytes.next()?;
        n |= u32::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            break;
        }
    }
    Some(n)
}

/// What the preview keeps from one build to the next: the words of each document, by a
/// hash of everything its analysis reads, and the lexicon that numbers them.
#[derive(Default)]
pub struct Cache {
    documents: HashMap<u64, Arc<DocumentWords>>,
    /// Folded words and terms. Numbers are only ever added, so that those of the words
    /// kept stay valid. Shared by the jobs of a build, each of which locks it only for
    /// the spellings its own analyzer has not met before.
    lexicon: Mutex<Interner>,
}

impl Cache {
    /// Keeps the words of the documents of this build, and only those.
    pub fn keep<'a>(&mut self, documents: impl Iterator<Item = (u64, &'a Arc<DocumentWords>)>) {
        self.documents = documents.map(|(k, w)| (k, Arc::clone(w))).collect();
    }

    /// The lexicon, once the jobs are done.
    pub fn lexicon(&mut self) -> &Interner {
        self.lexicon
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Gives each document its words: those the cache holds, or else those an analysis
/// finds.
pub struct Words<'a> {
    sigles: Sigles<'a>,
    cached: &'a HashMap<u64, Arc<DocumentWords>>,
    /// Whether the words go to the cache, for a later build: they need their key.
    keyed: bool,
    lexicon: &'a Mutex<Interner>,
}

impl<'a> Words<'a> {
    pub fn new(site: &'a Site, cache: &'a Cache, keyed: bool) -> Self {
        Words {
            sigles: Sigles::new(site),
            cached: &cache.documents,
            keyed,
            lexicon: &cache.lexicon,
        }
    }

    /// The key of `document` in the cache (0 if not `keyed`: the text is not hashed for
    /// nothing), and its words. `tally` is the job's: it is made for the first document
    /// the cache does not hold, then kept for the others, so that a spelling is stemmed
    /// once per job.
    pub fn of(
        &'a self,
        document: &Document,
        tally: &mut Option<Tally<'a>>,
    ) -> (u64, Arc<DocumentWords>) {
        let key = if self.keyed {
            document_key(document, self.sigles.fingerprint)
        } else {
            0
        };
        let cached = self.keyed.then(|| self.cached.get(&key)).flatten();
        let words = match cached {
            Some(words) => Arc::clone(words),
            None => {
                let tally = tally.get_or_insert_with(|| Tally::new(&self.sigles, self.lexicon));
                Arc::new(tally.document_words(document))
            }
        };
        (key, words)
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
pub struct Tally<'s> {
    analyzer: Analyzer,
    sigles: &'s Sigles<'s>,
    lexicon: &'s Mutex<Interner>,
    /// By the analyzer's number of a text, its number in the lexicon, or [`UNKNOWN`]
    /// until a document needs it.
    lexicon_numbers: Vec<u32>,
    /// The words of the current document, packed.
    packed: Vec<u8>,
    /// The glossary expansions of two words or more, as terms numbered by `analyzer`
    /// (so that "mineurs non accompagnés" spells out "mineur non accompagné"), with their
    /// sigle; and the sigles of several words (`CD 93`), with their form in one (`CD93`).
    expansions: Vec<(Vec<u32>, &'s str)>,
    /// By term: the expansions that start with it. The words of the expansions are
    /// numbered first, so the terms numbered later start none.
    expansion_starts: Vec<Vec<usize>>,
    counts: Counts,
}

/// The words of the current document, in vectors indexed by the numbers its analyzer
/// gives: no hashing or allocation per occurrence, only per new spelling.
#[derive(Default)]
struct Counts {
    /// By folded form: how it occurs in the current document.
    occurrences: Vec<Occurrence>,
    /// By folded form: the term of its spellings in the current document, the shortest
    /// if they stem differently.
    terms: Vec<u32>,
    /// By folded form: the last document (counted from 1) that met it.
    folded_seen: Vec<u32>,
    /// The current document's number, from 1 so that 0 means never seen.
    document: u32,
    /// Folded forms of the current document, in the order met.
    folded: Vec<u32>,
    /// Words of text.
    length: u32,
    /// The terms of the title, key and text, in order, each part ended by [`BREAK`]:
    /// where expansions are looked for.
    text: Vec<u32>,
    /// Folded forms of the sigles written in the document.
    sigles: Vec<u32>,
}

/// Ends a part of the text in [`Counts::text`]: no term has this number.
const BREAK: u32 = u32::MAX;

/// What reading a text does with its words.
#[derive(Clone, Copy)]
enum Pass {
    /// A weighty place (title, pilotes, heading, expansion): marks the words.
    Mark(u8),
    /// Text: counts the words, in the sections of the given bits.
    Count(u32),
}

impl<'s> Tally<'s> {
    fn new(sigles: &'s Sigles, lexicon: &'s Mutex<Interner>) -> Self {
        let mut analyzer = Analyzer::default();
        let mut expansions = Vec::new();
        let mut expansion_starts: Vec<Vec<usize>> = Vec::new();
        // The words of an expansion, or of a sigle of several words, bring in the sigle.
        let spelled = sigles
            .glossary
            .iter()
            .zip(&sigles.joined)
            .flat_map(|(sigle, joined)| {
                let definition = (sigle.definition.as_str(), sigle.sigle.as_str());
                let words = joined
                    .as_deref()
                    .map(|joined| (sigle.sigle.as_str(), joined));
                [Some(definition), words].into_iter().flatten()
            });
        for (words, alias) in spelled {
            let mut terms = Vec::new();
            analyzer.each_spelling(words, |_, spelling| {
                terms.extend(spelling.term);
            });
            if terms.len() >= 2 {
                expansion_starts.resize_with(analyzer.texts().count(), Vec::new);
                expansion_starts[terms[0] as usize].push(expansions.len());
                expansions.push((terms, alias));
            }
        }
        Tally {
            analyzer,
            sigles,
            lexicon,
            lexicon_numbers: Vec::new(),
            packed: Vec::new(),
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
        self.finish()
    }

    /// The words of the current document, by their numbers in the lexicon.
    fn finish(&mut self) -> DocumentWords {
        let counts = &self.counts;
        let numbers = &mut self.lexicon_numbers;
        numbers.resize(self.analyzer.texts().count(), UNKNOWN);
        let unknown: Vec<u32> = counts
            .folded
            .iter()
            .flat_map(|&f| [f, counts.terms[f as usize]])
            .filter(|&text| numbers[text as usize] == UNKNOWN)
            .collect();
        if !unknown.is_empty() {
            let mut lexicon = self.lexicon.lock().unwrap_or_else(PoisonError::into_inner);
            for text in unknown {
                numbers[text as usize] = lexicon.number(self.analyzer.text(text));
            }
        }
        let packed = &mut self.packed;
        packed.clear();
        for &f in &counts.folded {
            let word = DocumentWord {
                folded: numbers[f as usize],
                term: numbers[counts.terms[f as usize] as usize],
                occurrence: counts.occurrences[f as usize],
            };
            push_word(packed, word);
        }
        DocumentWords {
            packed: Box::from(packed.as_slice()),
            length: counts.length,
        }
    }

    /// Counts or marks the words of `text`; in `prose` (not a heading, not an alias),
    /// also notes its sigles and the terms where expansions are looked for.
    fn read(&mut self, text: &str, pass: Pass, prose: bool) {
        let counts = &mut self.counts;
        self.analyzer.each_spelling(text, |analyzer, spelling| {
            if prose && spelling.sigle {
                counts.sigles.push(spelling.folded);
            }
            if let Some(term) = spelling.term {
                counts.add(analyzer, spelling.folded, term, pass);
                if prose {
                    counts.text.push(term);
                }
            }
        });
        if prose {
            // An expansion does not run from the title into the text.
            counts.text.push(BREAK);
        }
    }

    /// The expansions of the glossary sigles written in the document, each once, in a
    /// stable order.
    fn expansions_written(&self) -> Vec<&'s String> {
        let mut found: Vec<&String> = self
            .counts
            .sigles
            .iter()
            .filter_map(|&folded| self.sigles.expansions.get(self.analyzer.text(folded)))
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
        self.length = 0;
        self.text.clear();
        self.sigles.clear();
    }

    fn add(&mut self, analyzer: &Analyzer, folded: u32, term: u32, pass: Pass) {
        self.make_room(analyzer);
        let f = folded as usize;
        if self.folded_seen[f] != self.document {
            self.folded_seen[f] = self.document;
            self.occurrences[f] = Occurrence::default();
            self.terms[f] = term;
            self.folded.push(folded);
        } else {
            analyzer.texts().keep_shortest(&mut self.terms[f], term);
        }
        let occurrence = &mut self.occurrences[f];
        match pass {
            Pass::Mark(place) => occurrence.places |= place,
            Pass::Count(bit) => {
                occurrence.count += 1;
                occurrence.sections |= bit;
                self.length += 1;
            }
        }
    }

    /// Grows the vectors to the numbers the analyzer gave since the last call.
    fn make_room(&mut self, analyzer: &Analyzer) {
        let texts = analyzer.texts().count();
        if self.occurrences.len() < texts {
            self.occurrences.resize(texts, Occurrence::default());
            self.terms.resize(texts, 0);
            self.folded_seen.resize(texts, 0);
        }
    }
}

/// Glossary sigles and their expansions, both ways: a text that says `ASE` is also found
/// by "aide sociale à l'enfance", and one that spells it out is also found by `ASE`.
struct Sigles<'a> {
    glossary: &'a [Sigle],
    /// Folded sigle → the text of its expansion.
    expansions: HashMap<String, String>,
    /// By place in the glossary, a sigle of several words (`CD 93`) written as one
    /// (`CD93`), as readers type it: a text that writes it in two is also found so.
    joined: Vec<Option<String>>,
    /// A hash of the glossary: the analysis of every document depends on it.
    fingerprint: u64,
}

impl<'a> Sigles<'a> {
    fn new(site: &'a Site) -> Self {
        let mut h = crate::render::cache::hasher();
        for sigle in &site.sigles {
            (&sigle.sigle, &sigle.definition).hash(&mut h);
        }
        let joined: Vec<Option<String>> = (site.sigles.iter())
            .map(|s| {
                let parts: Vec<&str> = s.sigle.split(|c: char| !c.is_alphanumeric()).collect();
                (parts.iter().filter(|p| !p.is_empty()).count() >= 2).then(|| parts.concat())
            })
            .collect();
        let expansions = site
            .sigles
            .iter()
            .zip(&joined)
            .flat_map(|(s, joined)| {
                let written = [Some(&s.sigle), joined.as_ref()];
                (written.into_iter().flatten()).map(|form| (fold(form), s.definition.clone()))
            })
            .collect();
        Sigles {
            glossary: &site.sigles,
            expansions,
            joined,
            fingerprint: h.finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Prepared;

    fn example() -> (Site, Vec<Prepared>) {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/orientations");
        let mut sources = crate::diagnostics::Sources::default();
        let (loaded, _) = crate::load::load(&root, &mut sources, &mut Default::default());
        let (site, _) = crate::resolve::resolve(loaded.expect("loads"), &sources, None);
        let site = site.expect("resolves");
        let (prepared, _) = crate::render::prepare(&site, &mut Default::default(), false);
        (site, prepared)
    }

    #[test]
    fn words_round_trip_through_packing() {
        let word = |folded, term, places, count, sections| DocumentWord {
            folded,
            term,
            occurrence: Occurrence {
                places,
                count,
                sections,
            },
        };
        let words = [
            word(0, 0, 0, 1, 0),
            word(1000, 1001, TITLE | KEY, 3, 1 << 29),
            word(70_000, 12, HEADING | ALIAS, 127, 0b101),
            word(u32::MAX, 0, ALIAS, MAX_COUNT, u32::MAX),
            word(5, u32::MAX, 0, 128, 128),
        ];
        let mut packed = Vec::new();
        for w in words {
            push_word(&mut packed, w);
        }
        let document = DocumentWords {
            packed: Box::from(packed.as_slice()),
            length: 0,
        };
        let unpacked: Vec<DocumentWord> = document.words().collect();
        assert_eq!(unpacked.len(), words.len());
        for (a, b) in words.iter().zip(&unpacked) {
            let (x, y) = (a.occurrence, b.occurrence);
            assert_eq!(
                (a.folded, a.term, x.places, x.count, x.sections),
                (b.folded, b.term, y.places, y.count, y.sections)
            );
        }
        // Counts beyond the packed width stop counting.
        packed.clear();
        push_word(&mut packed, word(1, 1, 0, u32::MAX, 0));
        let document = DocumentWords {
            packed: Box::from(packed.as_slice()),
            length: 0,
        };
        assert_eq!(
            document.words().next().map(|w| w.occurrence.count),
            Some(MAX_COUNT)
        );
    }

    /// The files of the index, by path.
    fn index(
        site: &Site,
        prepared: &[Prepared],
        cache: Option<&mut Cache>,
    ) -> Vec<(String, Arc<Vec<u8>>)> {
        let sink = crate::write::Collect::default();
        super::super::files(site, prepared, cache, &sink).expect("the index is written");
        let mut files: Vec<_> = (sink.into_files().into_iter())
            .map(|f| (f.path, f.contents))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_preview_analyses_again_only_what_changed() {
        let (mut site, prepared) = example();
        let mut cache = Cache::default();
        index(&site, &prepared, Some(&mut cache));
        let before = cache.documents.clone();
        site.fiches[0].resume = Some("Un résumé zygomatique, tout neuf.".into());
        let files = index(&site, &prepared, Some(&mut cache));
        // The words kept from the first build and the new ones share the lexicon's
        // numbers: the index is the one a build without a cache gives.
        assert!(files == index(&site, &prepared, None));
        let new_word = |(path, contents): &(String, Arc<Vec<u8>>)| {
            path.starts_with("recherche/mots/")
                && String::from_utf8_lossy(contents).contains("zygomatique")
        };
        assert!(files.iter().any(new_word));
        let analysed_again = (cache.documents.iter())
            .filter(|(key, words)| !before.get(key).is_some_and(|kept| Arc::ptr_eq(kept, words)))
            .count();
        assert_eq!(analysed_again, 1);
        assert_eq!(cache.documents.len(), before.len());
    }
}

//! French text analysis for the search index: the same words a reader types must meet the
//! same terms. Folding (case, accents, ligatures) and stop words are shared with the
//! browser, which applies them to the query; stemming happens here only, and the index
//! ships a dictionary from each folded word to its stem (see `mod.rs`).

use std::sync::Arc;

use rustc_hash::FxHashMap as HashMap;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

/// Words too common to tell documents apart, folded. Elided articles and pronouns
/// (`l'`, `d'`, `qu'`…) are here too: the apostrophe splits `l'enfant` into `l` and
/// `enfant`. The browser receives this list with the index.
pub const STOP_WORDS: &[&str] = &[
    "a", "afin", "ai", "au", "aux", "avec", "c", "ce", "ces", "cet", "cette", "d", "dans", "de",
    "des", "du", "elle", "elles", "en", "entre", "est", "et", "etc", "ete", "etre", "eu", "il",
    "ils", "j", "je", "jusqu", "l", "la", "le", "les", "leur", "leurs", "lorsqu", "lui", "m", "ma",
    "mais", "me", "meme", "mes", "n", "ne", "ni", "nos", "notre", "nous", "on", "ont", "ou", "par",
    "pas", "pour", "puisqu", "qu", "que", "quel", "quelle", "qui", "s", "sa", "sans", "se", "ses",
    "si", "son", "sont", "sur", "t", "ta", "te", "tes", "toi", "ton", "tu", "un", "une", "vos",
    "votre", "vous", "y",
];

/// Lower case, without accents (`é` → `e`) or ligatures (`œ` → `oe`): what the browser
/// does with `normalize("NFD")`, the removal of combining marks and the same two
/// ligatures.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd() {
        match c {
            '\u{0300}'..='\u{036f}' => {}
            'œ' | 'Œ' => folded.push_str("oe"),
            'æ' | 'Æ' => folded.push_str("ae"),
            c => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// The words of a text, as written: letters and digits, everything else separates.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    word_ranges(text).map(|range| &text[range])
}

/// The byte ranges of [`words`].
pub(crate) fn word_ranges(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = loop {
            match BYTE_CLASS[*bytes.get(i)? as usize] {
                ByteClass::Separator => i += 1,
                ByteClass::Word => break i,
                ByteClass::Wide => {
                    let (width, in_word) = wide_char_at(text, i);
                    if in_word {
                        break i;
                    }
                    i += width;
                }
            }
        };
        i = word_end(text, start);
        Some(start..i)
    })
}

/// Where the word going on at byte `i` of `text` ends: `i` itself if no word does.
pub(crate) fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while bytes
            .get(i)
            .is_some_and(|&b| BYTE_CLASS[b as usize] == ByteClass::Word)
        {
            i += 1;
        }
        if bytes
            .get(i)
            .is_none_or(|&b| BYTE_CLASS[b as usize] == ByteClass::Separator)
        {
            return i;
        }
        let (width, in_word) = wide_char_at(text, i);
        if !in_word {
            return i;
        }
        i += width;
    }
}

/// What a byte says of the word it may be part of. Most bytes are ASCII: one look in
/// [`BYTE_CLASS`] settles them, which costs fewer instructions than testing the byte's
/// ranges (1.6 % of a build's, at 1 000 fiches).
#[derive(Clone, Copy, PartialEq, Eq)]
enum ByteClass {
    /// An ASCII letter or digit.
    Word,
    /// Any other ASCII byte.
    Separator,
    /// The start of a character of several bytes, decided by [`wide_char_at`].
    Wide,
}

const BYTE_CLASS: [ByteClass; 256] = {
    let mut classes = [ByteClass::Wide; 256];
    let mut byte = 0;
    while byte < 128 {
        classes[byte] = if (byte as u8).is_ascii_alphanumeric() {
            ByteClass::Word
        } else {
            ByteClass::Separator
        };
        byte += 1;
    }
    classes
};

/// The length of the character of several bytes at byte `i` of `text`, and whether it
/// is a letter or a digit.
#[inline]
fn wide_char_at(text: &str, i: usize) -> (usize, bool) {
    let c = text[i..].chars().next().expect("a character starts at i");
    (c.len_utf8(), is_letter_or_digit(c))
}

/// `char::is_alphanumeric`, without its table lookups for the letters of French and the
/// punctuation around them (`’`, `…`), the most frequent characters outside ASCII here.
#[inline]
pub(crate) fn is_letter_or_digit(c: char) -> bool {
    match c {
        // Latin-1 letters and Latin Extended-A (`œ`): letters all, but for `×` and `÷`.
        '\u{c0}'..='\u{17f}' => c != '×' && c != '÷',
        // General punctuation: spaces, dashes, quotes, ellipsis.
        '\u{2000}'..='\u{206f}' => false,
        _ => c.is_alphanumeric(),
    }
}

/// A sigle is written in capitals (`ODPE`, `ASE`, `PJJ`): it is indexed as written,
/// never stemmed, so that `ASE` does not meet `ases` or `aser`.
pub(crate) fn is_sigle(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(char::is_alphabetic)
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// What an analyzer knows of a spelling (a word as written), by numbers of its texts
/// (see [`Analyzer::text`]) that stay valid for the analyzer's life: callers keep
/// per-word tallies in plain vectors.
///
/// Terms are given to folded words, because the reader may type without accents; the stem
/// is taken from the accented spelling, where the French rules apply.
#[derive(Debug, Clone, Copy)]
pub struct Spelling {
    /// Its term, or `None` for a stop word.
    pub term: Option<u32>,
    /// Its folded form, as the reader may type it, stop words included.
    pub folded: u32,
    /// Written as a sigle (see [`is_sigle`]).
    pub sigle: bool,
}

/// Texts, each once, numbered in the order they come.
#[derive(Default)]
pub struct Interner {
    texts: Vec<Arc<str>>,
    numbers: HashMap<Arc<str>, u32>,
}

impl Interner {
    /// The number of `text`, given now if it has none yet.
    pub fn number(&mut self, text: &str) -> u32 {
        if let Some(&number) = self.numbers.get(text) {
            return number;
        }
        let number = self.texts.len() as u32;
        let text: Arc<str> = Arc::from(text);
        self.texts.push(Arc::clone(&text));
        self.numbers.insert(text, number);
        number
    }

    /// The text numbered `number`.
    pub fn text(&self, number: u32) -> &str {
        &self.texts[number as usize]
    }

    /// How many texts are numbered: every number given is below.
    pub fn count(&self) -> usize {
        self.texts.len()
    }

    /// Makes `candidate` the term kept in `kept` if it is the better of the two (see
    /// [`shorter`]).
    pub fn keep_shortest(&self, kept: &mut u32, candidate: u32) {
        if candidate != *kept && shorter(self.text(candidate), self.text(*kept)) {
            *kept = candidate;
        }
    }
}

/// Finds the words of texts, folding and stemming each spelling once.
pub struct Analyzer {
    stemmer: Stemmer,
    stop_words: rustc_hash::FxHashSet<&'static str>,
    /// Every spelling met: most are short enough to be found by a number, without
    /// comparing strings (see [`packed`]).
    short_spellings: HashMap<u128, Spelling>,
    long_spellings: HashMap<Box<str>, Spelling>,
    /// Folded forms and terms, each once.
    texts: Interner,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            stemmer: Stemmer::create(Algorithm::French),
            stop_words: STOP_WORDS.iter().copied().collect(),
            short_spellings: HashMap::default(),
            long_spellings: HashMap::default(),
            texts: Interner::default(),
        }
    }
}

impl Analyzer {
    /// Calls `f` with each spelling of `text`, in order, stop words included.
    pub fn each_spelling(&mut self, text: &str, mut f: impl FnMut(&Self, Spelling)) {
        for written in words(text) {
            let spelling = self.spelling(written);
            f(self, spelling);
        }
    }

    fn spelling(&mut self, written: &str) -> Spelling {
        let key = packed(written);
        let known = match key {
            Some(key) => self.short_spellings.get(&key),
            None => self.long_spellings.get(written),
        };
        if let Some(&spelling) = known {
            return spelling;
        }
        let spelling = self.analyse(written);
        match key {
            Some(key) => self.short_spellings.insert(key, spelling),
            None => self.long_spellings.insert(written.into(), spelling),
        };
        spelling
    }

    /// The folded forms and terms of the spellings met, by the numbers of [`Spelling`].
    pub fn texts(&self) -> &Interner {
        &self.texts
    }

    /// The folded form or term numbered `number`.
    pub fn text(&self, number: u32) -> &str {
        self.texts.text(number)
    }

    fn analyse(&mut self, written: &str) -> Spelling {
        let folded_text = fold(written);
        let folded = self.texts.number(&folded_text);
        let sigle = is_sigle(written);
        let term = if self.stop_words.contains(folded_text.as_str()) {
            None
        } else if sigle || folded_text.bytes().all(|b| b.is_ascii_digit()) {
            Some(folded)
        } else {
            let term = fold(&self.stemmer.stem(&written.to_lowercase()));
            Some(self.texts.number(&term))
        };
        Spelling {
            term,
            folded,
            sigle,
        }
    }
}

/// A word of up to 15 bytes as one number: its length, then its bytes. Two words have the
/// same number only if they are the same.
fn packed(word: &str) -> Option<u128> {
    if word.len() > 15 {
        return None;
    }
    // Shifted in, not copied into an array then read as one number: the copy runs fewer
    // instructions, but the read waits for the bytes stored one by one (twice as slow,
    // measured on a million words packed and looked up).
    let bytes = word.bytes().rev().fold(0, |n, b| n << 8 | u128::from(b));
    Some(bytes << 8 | word.len() as u128)
}

/// Whether `term` is a better term than `other` for a folded word whose spellings stem
/// differently (`parentalité`, `parentalite`): the shortest wins, then the first in
/// order, so that the dictionary depends neither on the order of documents nor on which
/// thread saw them.
pub fn shorter(term: &str, other: &str) -> bool {
    (term.len(), term) < (other.len(), other)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The terms of a text, as the index gives them: each folded word with the shortest
    /// term of its spellings.
    fn terms(text: &str) -> Vec<String> {
        let mut analyzer = Analyzer::default();
        let mut words = Vec::new();
        analyzer.each_spelling(text, |_, spelling| {
            words.extend(spelling.term.map(|term| (spelling.folded, term)));
        });
        let mut dictionary: HashMap<u32, u32> = HashMap::default();
        for &(folded, term) in &words {
            let kept = dictionary.entry(folded).or_insert(term);
            analyzer.texts().keep_shortest(kept, term);
        }
        words
            .iter()
            .map(|(folded, _)| analyzer.text(dictionary[folded]).to_string())
            .collect()
    }

    #[test]
    fn letters_and_digits_are_those_of_unicode() {
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn words_split_on_everything_else() {
        let text = "  l’Œuvre,d'ÉTÉ — 93×2 ²  naïveté…\u{a0}fin ";
        let expected: Vec<&str> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        assert_eq!(words(text).collect::<Vec<_>>(), expected);
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" ,; ").count(), 0);
    }

    #[test]
    fn packed_words_differ() {
        let words = [
            "",
            "a",
            "a\0",
            "\0a",
            "ab",
            "ba",
            "enfant",
            "123456789012345",
        ];
        let numbers: rustc_hash::FxHashSet<u128> = words.iter().filter_map(|w| packed(w)).collect();
        assert_eq!(numbers.len(), words.len());
        assert_eq!(packed("1234567890123456"), None);
    }

    #[test]
    fn folds_case_accents_and_ligatures() {
        assert_eq!(fold("Évaluation"), "evaluation");
        assert_eq!(fold("Œuvre CŒUR"), "oeuvre coeur");
        assert_eq!(fold("ça"), "ca");
    }

    #[test]
    fn elisions_and_stop_words_go() {
        assert_eq!(terms("l'évaluation"), terms("evaluation"));
        assert_eq!(terms("qu’il d'enfants"), terms("enfants"));
    }

    #[test]
    fn inflections_meet() {
        assert_eq!(terms("parentalité"), terms("parentales"));
        // The two spellings fold alike but stem differently: the shortest stem wins,
        // whichever comes first.
        assert_eq!(terms("parentalite parentalité"), ["parental", "parental"]);
        assert_eq!(terms("parentalité parentalite"), ["parental", "parental"]);
        assert_eq!(terms("évaluations"), terms("évaluation"));
    }

    #[test]
    fn sigles_stay_whole() {
        assert_eq!(terms("ASE"), vec!["ase"]);
        assert_eq!(terms("ODPE 93"), vec!["odpe", "93"]);
    }
}

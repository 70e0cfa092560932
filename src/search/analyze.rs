//! French text analysis for the search index: the same words a reader types must meet the
//! same terms. Folding (case, accents, ligatures) and stop words are shared with the
//! browser, which applies them to the query; stemming happens here only, and the index
//! ships a dictionary from each folded word to its stem (see `mod.rs`).

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
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
}

/// A sigle is written in capitals (`ODPE`, `ASE`, `PJJ`): it is indexed as written,
/// never stemmed, so that `ASE` does not meet `ases` or `aser`.
pub(crate) fn is_sigle(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().any(char::is_alphabetic)
        && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// A word of a text: folded as the reader may type it, and its index term.
///
/// Terms are given to folded words, because the reader may type without accents; the stem
/// is taken from the accented spelling, where the French rules apply.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Word {
    pub folded: String,
    pub term: String,
}

/// Finds the words of texts, stemming each spelling once.
pub struct Analyzer {
    stemmer: Stemmer,
    stop_words: rustc_hash::FxHashSet<&'static str>,
    /// Every spelling met, with its word, or `None` for a stop word.
    spellings: HashMap<String, Option<Word>>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            stemmer: Stemmer::create(Algorithm::French),
            stop_words: STOP_WORDS.iter().copied().collect(),
            spellings: HashMap::default(),
        }
    }
}

impl Analyzer {
    /// Calls `f` with each word of `text`, in order, stop words left out.
    pub fn each_word(&mut self, text: &str, mut f: impl FnMut(&Word)) {
        for spelling in words(text) {
            let word = match self.spellings.get(spelling) {
                Some(word) => word,
                None => {
                    let word = self.analyse(spelling);
                    self.spellings.entry(spelling.to_string()).or_insert(word)
                }
            };
            if let Some(word) = word {
                f(word);
            }
        }
    }

    fn analyse(&self, spelling: &str) -> Option<Word> {
        let folded = fold(spelling);
        if self.stop_words.contains(folded.as_str()) {
            return None;
        }
        let term = if is_sigle(spelling) || folded.chars().all(|c| c.is_ascii_digit()) {
            folded.clone()
        } else {
            fold(&self.stemmer.stem(&spelling.to_lowercase()))
        };
        Some(Word { folded, term })
    }
}

/// Adds a word to a dictionary from folded words to terms. When spellings of one folded
/// word stem differently (`parentalité`, `parentalite`), the shortest stem wins, so that
/// the result depends neither on the order of documents nor on which thread saw them.
pub fn keep_shortest(dictionary: &mut HashMap<String, String>, word: &Word) {
    match dictionary.get_mut(&word.folded) {
        Some(known) if (word.term.len(), &word.term) < (known.len(), &*known) => {
            known.clone_from(&word.term);
        }
        Some(_) => {}
        None => {
            dictionary.insert(word.folded.clone(), word.term.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The terms of a text, as the index gives them.
    fn terms(text: &str) -> Vec<String> {
        let mut analyzer = Analyzer::default();
        let mut words = Vec::new();
        analyzer.each_word(text, |w| words.push(w.clone()));
        let mut dictionary = HashMap::default();
        for word in &words {
            keep_shortest(&mut dictionary, word);
        }
        words
            .iter()
            .map(|w| dictionary[&w.folded].clone())
            .collect()
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
        let mut analyzer = Analyzer::default();
        let mut words = Vec::new();
        analyzer.each_word("parentalite parentalité", |w| words.push(w.clone()));
        assert_eq!(words[0].folded, words[1].folded);
        let mut dictionary = HashMap::default();
        for word in words.iter().rev() {
            keep_shortest(&mut dictionary, word);
        }
        assert_eq!(dictionary["parentalite"], "parental");
        assert_eq!(terms("évaluations"), terms("évaluation"));
    }

    #[test]
    fn sigles_stay_whole() {
        assert_eq!(terms("ASE"), vec!["ase"]);
        assert_eq!(terms("ODPE 93"), vec!["odpe", "93"]);
    }
}

//! French text analysis for the search index: the same words a reader types must meet the
//! same terms. Folding (case, accents, ligatures) and stop words are shared with the
//! browser, which applies them to the query; stemming happens here only, and the index
//! ships a dictionary from each folded word to its stem (see `mod.rs`).

use std::collections::HashMap;

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

/// Finds the words of texts and the term of each: the dictionary that the index is keyed
/// by and that the browser reads to go from what the reader types to a term.
///
/// Terms are given to folded words, because the reader may type without accents; the stem
/// is taken from an accented spelling, where the French rules apply. When spellings of
/// one folded word stem differently (`parentalité`, `parentalite`), the shortest stem
/// wins, so that the result does not depend on which document came first.
pub struct Analyzer {
    stemmer: Stemmer,
    stop_words: std::collections::HashSet<&'static str>,
    /// Folded word → its term.
    dictionary: HashMap<String, String>,
    /// Words already seen as written: most words come back often and are stemmed once.
    seen: std::collections::HashSet<String>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer {
            stemmer: Stemmer::create(Algorithm::French),
            stop_words: STOP_WORDS.iter().copied().collect(),
            dictionary: HashMap::new(),
            seen: std::collections::HashSet::new(),
        }
    }
}

impl Analyzer {
    /// The folded words of `text`, in order, stop words left out.
    pub fn words(&mut self, text: &str, out: &mut Vec<String>) {
        for word in words(text) {
            if let Some(folded) = self.word(word) {
                out.push(folded);
            }
        }
    }

    /// One word, folded, or `None` for a stop word.
    pub fn word(&mut self, word: &str) -> Option<String> {
        let folded = fold(word);
        if self.stop_words.contains(folded.as_str()) {
            return None;
        }
        if !self.seen.contains(word) {
            self.seen.insert(word.to_string());
            let term = if is_sigle(word) || folded.chars().all(|c| c.is_ascii_digit()) {
                folded.clone()
            } else {
                fold(&self.stemmer.stem(&word.to_lowercase()))
            };
            keep_shortest(&mut self.dictionary, folded.clone(), term);
        }
        Some(folded)
    }

    /// Merges what another analyzer (another thread) met.
    pub fn absorb(&mut self, other: Analyzer) {
        for (folded, term) in other.dictionary {
            keep_shortest(&mut self.dictionary, folded, term);
        }
    }

    /// Every folded word met, with its term.
    pub fn into_dictionary(self) -> HashMap<String, String> {
        self.dictionary
    }
}

fn keep_shortest(dictionary: &mut HashMap<String, String>, folded: String, term: String) {
    match dictionary.get_mut(&folded) {
        Some(known) if (term.len(), &term) < (known.len(), &*known) => *known = term,
        Some(_) => {}
        None => {
            dictionary.insert(folded, term);
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
        analyzer.words(text, &mut words);
        let dictionary = analyzer.into_dictionary();
        words.iter().map(|w| dictionary[w].clone()).collect()
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
        analyzer.words("parentalite parentalité", &mut words);
        assert_eq!(words, ["parentalite", "parentalite"]);
        assert_eq!(analyzer.into_dictionary()["parentalite"], "parental");
        assert_eq!(terms("évaluations"), terms("évaluation"));
    }

    #[test]
    fn sigles_stay_whole() {
        assert_eq!(terms("ASE"), vec!["ase"]);
        assert_eq!(terms("ODPE 93"), vec!["odpe", "93"]);
    }
}

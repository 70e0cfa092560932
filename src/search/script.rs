//! The files of the index: each one a call, `jalonRecherche(name, data);`, that the
//! browser's search script answers.
//!
//! The documents and the word lists are most of the index's bytes, and nearly all of
//! them are text: their JSON is written here, each string escaped by `json-escape-simd`
//! sixteen or thirty-two bytes at a time, where serde_json looks at every byte (a build
//! runs 1.8 % fewer instructions). The escapes are serde_json's, byte for byte. The small
//! files with nested data (`index.js`, `facettes.js`) go through serde_json.

use std::sync::Arc;

use super::FOLDER;
use crate::render::OutputFile;

/// A file of the index being written.
pub struct Script {
    path: String,
    contents: Vec<u8>,
}

impl Script {
    /// Starts `name`'s file: its data is written next, then [`Script::finish`].
    pub fn new(name: &str) -> Script {
        let mut contents = b"jalonRecherche(".to_vec();
        json_escape_simd::escape_into(name, &mut contents);
        contents.push(b',');
        Script {
            path: format!("{FOLDER}/{name}.js"),
            contents,
        }
    }

    /// `name`'s file holding `data`, as serde_json writes it.
    pub fn of(name: &str, data: &impl serde::Serialize) -> OutputFile {
        let mut script = Script::new(name);
        let start = script.contents.len();
        if serde_json::to_writer(&mut script.contents, data).is_err() {
            script.contents.truncate(start);
            script.contents.extend_from_slice(b"null");
        }
        script.finish()
    }

    /// `name`'s file holding `pairs` as a list of two-string lists.
    pub fn pairs<'a>(name: &str, pairs: impl Iterator<Item = (&'a str, &'a str)>) -> OutputFile {
        let mut script = Script::new(name);
        script.list(pairs, |script, (a, b)| {
            script.list([a, b], |script, text| script.string(text));
        });
        script.finish()
    }

    /// Writes `text` as a JSON string.
    pub fn string(&mut self, text: &str) {
        json_escape_simd::escape_into(text, &mut self.contents);
    }

    /// Writes JSON that needs no escaping: punctuation, keys, numbers.
    pub fn raw(&mut self, json: &str) {
        self.contents.extend_from_slice(json.as_bytes());
    }

    /// Writes `items` as a JSON list, each by `item`.
    pub fn list<T>(&mut self, items: impl IntoIterator<Item = T>, item: impl Fn(&mut Self, T)) {
        self.contents.push(b'[');
        for (i, value) in items.into_iter().enumerate() {
            if i > 0 {
                self.contents.push(b',');
            }
            item(self, value);
        }
        self.contents.push(b']');
    }

    pub fn finish(mut self) -> OutputFile {
        self.contents.extend_from_slice(b");\n");
        OutputFile {
            path: self.path,
            contents: Arc::new(self.contents),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every byte that JSON escapes, the characters it does not (U+2028, accents), in
    /// every position of a SIMD register: the same text as serde_json's.
    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut text: String = (0u8..0x80).map(char::from).collect();
        text.push_str("«\u{a0}é»\u{2028}\u{2029}\u{7f}");
        for shift in 0..40 {
            let shifted = format!("{}{text}{}", "a".repeat(shift), "\\\"".repeat(shift));
            let mut script = Script::new("x");
            script.string(&shifted);
            let written = script.finish();
            let expected = Script::of("x", &shifted);
            assert_eq!(written.contents, expected.contents);
        }
    }

    #[test]
    fn pairs_are_lists_of_two_strings() {
        let file = Script::pairs("mots/0", [("a\"", "b"), ("c", "d\n")].into_iter());
        assert_eq!(file.path, "recherche/mots/0.js");
        assert_eq!(
            String::from_utf8_lossy(&file.contents),
            "jalonRecherche(\"mots/0\",[[\"a\\\"\",\"b\"],[\"c\",\"d\\n\"]]);\n"
        );
    }
}

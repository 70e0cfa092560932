//! French spacing: the space an editor types before `: ; ! ? » %` and after `«` must not
//! end a line, or the sign starts the next one alone (« Objectif » / « : réduire »). Such
//! a space becomes a no-break space (U+00A0), as French publishing tools do. It is as wide
//! as the space typed, so the text looks as written; only where lines break changes.
//! Spaces already non-breaking, and signs without a space before them, are left as they
//! are: jalon never adds a space the editor did not type.

use std::borrow::Cow;

/// U+00A0 in UTF-8.
pub const NO_BREAK_SPACE: &[u8] = "\u{a0}".as_bytes();

const OPENING_QUOTE: &[u8] = "«".as_bytes();
const CLOSING_QUOTE: &[u8] = "»".as_bytes();

/// Whether the byte at `at` in `text` is a space that must not break the line.
pub fn keeps_together(text: &[u8], at: usize) -> bool {
    if text.get(at) != Some(&b' ') {
        return false;
    }
    let after = &text[at + 1..];
    matches!(after.first(), Some(b':' | b';' | b'!' | b'?' | b'%'))
        || after.starts_with(CLOSING_QUOTE)
        || text[..at].ends_with(OPENING_QUOTE)
}

/// `text` with its spaces made non-breaking where French typography wants them.
pub fn french_spaces(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    // `match_indices` jumps from space to space (memchr) instead of testing every byte.
    let mut spaces = text
        .match_indices(' ')
        .map(|(at, _)| at)
        .filter(|&at| keeps_together(bytes, at));
    let Some(first) = spaces.next() else {
        return Cow::Borrowed(text);
    };
    let mut spaced = String::with_capacity(text.len() + 8);
    let mut copied = 0;
    for at in std::iter::once(first).chain(spaces) {
        spaced.push_str(&text[copied..at]);
        spaced.push('\u{a0}');
        copied = at + 1;
    }
    spaced.push_str(&text[copied..]);
    Cow::Owned(spaced)
}

#[cfg(test)]
mod tests {
    use super::french_spaces;

    #[test]
    fn the_space_before_a_high_sign_or_inside_guillemets_no_longer_breaks() {
        for (typed, published) in [
            ("Objectif : réduire", "Objectif\u{a0}: réduire"),
            (
                "Pourquoi ? Parce que ; enfin !",
                "Pourquoi\u{a0}? Parce que\u{a0}; enfin\u{a0}!",
            ),
            (
                "le guide « Entrer dans la vie adulte »",
                "le guide «\u{a0}Entrer dans la vie adulte\u{a0}»",
            ),
            ("12 % des jeunes", "12\u{a0}% des jeunes"),
        ] {
            assert_eq!(french_spaces(typed), published);
        }
    }

    #[test]
    fn nothing_is_added_where_no_space_was_typed() {
        for text in [
            "Objectif: réduire",
            "https://exemple.fr/a?b=c",
            "10:30",
            "«Entrer»",
            "déjà\u{a0}: insécable",
            "",
            " ",
            "fin ",
        ] {
            assert!(
                matches!(french_spaces(text), std::borrow::Cow::Borrowed(_)),
                "{text:?}"
            );
        }
    }
}

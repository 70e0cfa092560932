//! French spacing: the space an editor types before `: ; ! ? » %` and after `«` must not
//! end a line, or the sign starts the next one alone (« Objectif » / « : réduire »). Such
//! a space becomes a no-break space (U+00A0), as French publishing tools do. It is as wide
//! as the space typed, so the text looks as written; only where lines break changes.
//! Spaces already non-breaking, and signs without a space before them, are left as they
//! are: jalon never adds a space the editor did not type.

use std::borrow::Cow;

/// `text` with its spaces made non-breaking where French typography wants them.
pub fn french_spaces(text: &str) -> Cow<'_, str> {
    let spaces = kept_together(text.as_bytes());
    if spaces.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut spaced = String::with_capacity(text.len() + spaces.len());
    let mut copied = 0;
    for at in spaces {
        spaced.push_str(&text[copied..at]);
        spaced.push('\u{a0}');
        copied = at + 1;
    }
    spaced.push_str(&text[copied..]);
    Cow::Owned(spaced)
}

/// The positions of the spaces that must not break the line, in order. The signs are
/// looked for, not the spaces: they are rare, spaces are every few letters, and every
/// text of every page comes through here. `«` and `»` are `C2 AB` and `C2 BB` in UTF-8.
fn kept_together(bytes: &[u8]) -> Vec<usize> {
    let mut spaces = Vec::new();
    for (at, &byte) in bytes.iter().enumerate() {
        if !SIGNS[usize::from(byte)] {
            continue;
        }
        let space = match byte {
            0xBB if at > 1 && bytes[at - 1] == 0xC2 => at - 2,
            0xAB if at > 0 && bytes[at - 1] == 0xC2 => at + 1,
            0xBB | 0xAB => continue,
            _ if at > 0 => at - 1,
            _ => continue,
        };
        // `« :` names its space twice.
        if bytes.get(space) == Some(&b' ') && spaces.last() != Some(&space) {
            spaces.push(space);
        }
    }
    spaces
}

/// The bytes that end a sign French spacing cares about: `: ; ! ? %`, and the last byte
/// of `«` and `»`.
const SIGNS: [bool; 256] = {
    let mut signs = [false; 256];
    let mut i = 0;
    let bytes = b":;!?%\xAB\xBB";
    while i < bytes.len() {
        signs[bytes[i] as usize] = true;
        i += 1;
    }
    signs
};

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

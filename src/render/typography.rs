//! French spacing: the space an editor types before `: ; ! ? » %` and after `«` must not
//! end a line, or the sign starts the next one alone (« Objectif » / « : réduire »). Such
//! a space becomes a no-break space (U+00A0), as French publishing tools do. It is as wide
//! as the space typed, so the text looks as written; only where lines break changes.
//! Spaces already non-breaking, and signs without a space before them, are left as they
//! are: jalon never adds a space the editor did not type.
//!
//! Markdown text gets the spacing alone ([`french_spaces`]), before pulldown-cmark
//! escapes it; template values get it with their HTML escaping, in one pass
//! ([`write_html_text`]).

use std::borrow::Cow;
use std::convert::Infallible;
use std::io::{self, Write};

/// `text` with its spaces made non-breaking where French typography wants them.
pub fn french_spaces(text: &str) -> Cow<'_, str> {
    if !has_sign(text.as_bytes()) {
        return Cow::Borrowed(text);
    }
    let mut spaced = String::new();
    let mut copied = 0;
    let Ok(()) = each_replacement::<false, Infallible>(text.as_bytes(), |at, with| {
        if copied == 0 {
            spaced.reserve(text.len() + 8);
        }
        spaced.push_str(&text[copied..at]);
        spaced.push_str(with);
        copied = at + 1;
        Ok(())
    });
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    spaced.push_str(&text[copied..]);
    Cow::Owned(spaced)
}

/// Writes `text` as HTML text: with French spacing, and `& < > " '` as the entities Tera
/// writes for them. One pass: every text value of every template comes through here.
pub fn write_html_text(text: &str, out: &mut dyn Write) -> io::Result<()> {
    let bytes = text.as_bytes();
    let mut copied = 0;
    each_replacement::<true, io::Error>(bytes, |at, with| {
        out.write_all(&bytes[copied..at])?;
        out.write_all(with.as_bytes())?;
        copied = at + 1;
        Ok(())
    })?;
    out.write_all(&bytes[copied..])
}

/// Calls `replace(at, with)` for each byte of `bytes` that publishing replaces, in order:
/// a space that must not break the line, by a no-break space, and with `HTML`, a character
/// HTML would read as markup, by its entity. The signs are looked for, not the spaces:
/// they are rare, spaces are every few letters. `«` and `»` are `C2 AB` and `C2 BB` in
/// UTF-8.
fn each_replacement<const HTML: bool, E>(
    bytes: &[u8],
    mut replace: impl FnMut(usize, &'static str) -> Result<(), E>,
) -> Result<(), E> {
    let wanted = if HTML { &SIGNS_AND_MARKUP } else { &SIGNS };
    let mut last_space = None;
    let mut from = 0;
    while let Some(found) = bytes[from..].iter().position(|&b| wanted[usize::from(b)]) {
        let at = from + found;
        from = at + 1;
        let byte = bytes[at];
        let replaced = match byte {
            b'&' => Replaced::Markup("&amp;"),
            b'<' => Replaced::Markup("&lt;"),
            b'>' => Replaced::Markup("&gt;"),
            b'"' => Replaced::Markup("&quot;"),
            b'\'' => Replaced::Markup("&#39;"),
            0xBB if at > 1 && bytes[at - 1] == 0xC2 => Replaced::Space(at - 2),
            0xAB if at > 0 && bytes[at - 1] == 0xC2 => Replaced::Space(at + 1),
            0xBB | 0xAB => continue,
            _ if at > 0 => Replaced::Space(at - 1),
            _ => continue,
        };
        match replaced {
            Replaced::Markup(entity) => replace(at, entity)?,
            // `« :` names its space twice.
            Replaced::Space(space)
                if bytes.get(space) == Some(&b' ') && last_space != Some(space) =>
            {
                last_space = Some(space);
                replace(space, NO_BREAK)?;
            }
            Replaced::Space(_) => {}
        }
    }
    Ok(())
}

/// What a special byte asks for: its own replacement, or that of the space at this
/// position if there is one.
enum Replaced {
    Markup(&'static str),
    Space(usize),
}

const NO_BREAK: &str = "\u{a0}";

/// The bytes that end a sign French spacing cares about: `: ; ! ? %`, and the last byte
/// of `«` and `»`.
const SIGN_BYTES: &[u8] = b":;!?%\xAB\xBB";
const SIGNS: [bool; 256] = with_bytes([false; 256], SIGN_BYTES);
/// The same, and the characters HTML reads as markup.
const SIGNS_AND_MARKUP: [bool; 256] = with_bytes(SIGNS, b"&<>\"'");

/// Whether `bytes` hold any of [`SIGN_BYTES`]. Most texts of Markdown hold none: searches
/// for three bytes at a time with SIMD tell so in fewer instructions than a test per byte
/// (0.5 % of a build's, at 1 000 fiches). Not for template values: most are too short for
/// three searches to beat one loop.
fn has_sign(bytes: &[u8]) -> bool {
    SIGN_BYTES.chunks(3).any(|wanted| match *wanted {
        [a, b, c] => memchr::memchr3(a, b, c, bytes).is_some(),
        [a, b] => memchr::memchr2(a, b, bytes).is_some(),
        [a] => memchr::memchr(a, bytes).is_some(),
        _ => false,
    })
}

/// `table` with `bytes` marked too.
const fn with_bytes(mut table: [bool; 256], bytes: &[u8]) -> [bool; 256] {
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}

#[cfg(test)]
mod tests {
    use super::{french_spaces, write_html_text};

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

    #[test]
    fn a_template_value_is_escaped_and_spaced_at_once() {
        let mut out = Vec::new();
        write_html_text("« \"Tout\" » : 50 %", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "«\u{a0}&quot;Tout&quot;\u{a0}»\u{a0}: 50\u{a0}%"
        );
    }

    /// French spacing as first written: the spaces found, then the text rebuilt.
    fn french_spaces_reference(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut spaces: Vec<usize> = Vec::new();
        for (at, &byte) in bytes.iter().enumerate() {
            let space = match byte {
                b':' | b';' | b'!' | b'?' | b'%' if at > 0 => at - 1,
                0xBB if at > 1 && bytes[at - 1] == 0xC2 => at - 2,
                0xAB if at > 0 && bytes[at - 1] == 0xC2 => at + 1,
                _ => continue,
            };
            if bytes.get(space) == Some(&b' ') && spaces.last() != Some(&space) {
                spaces.push(space);
            }
        }
        let mut spaced = String::new();
        let mut copied = 0;
        for at in spaces {
            spaced.push_str(&text[copied..at]);
            spaced.push('\u{a0}');
            copied = at + 1;
        }
        spaced + &text[copied..]
    }

    proptest::proptest! {
        /// One pass gives what spacing, then Tera's own escaping, gave.
        #[test]
        fn spacing_and_escaping_in_one_pass(text in "[a é« »:;!?%&<>\"'\u{a0}]{0,30}") {
            let spaced = french_spaces_reference(&text);
            proptest::prop_assert_eq!(&french_spaces(&text), &spaced);
            let (mut ours, mut reference) = (Vec::new(), Vec::new());
            write_html_text(&text, &mut ours).unwrap();
            tera::escape_html(&spaced, &mut reference).unwrap();
            proptest::prop_assert_eq!(ours, reference);
        }
    }
}

//! YAML reading with serde-saphyr, its errors turned into French diagnostics.
//!
//! serde-saphyr is maintained, never panics on hostile input, bounds alias expansion
//! with a budget, and gives line and column for errors and for `Spanned` values.

use std::path::Path;

use serde::de::{DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_saphyr::{Error, Spanned};

use crate::diagnostics::{Diagnostic, Location, did_you_mean, suggest};

/// Deserializes `text`, whose first line is line `first_line` of `file`.
pub fn parse<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
) -> Result<T, Diagnostic> {
    parse_with(
        text,
        file,
        first_line,
        serde_saphyr::DuplicateKeyPolicy::Error,
    )
}

/// The same, but a key written twice reaches the deserializer instead of being an error:
/// for mappings whose keys are ids, where `resolve` names the duplicate itself.
pub fn parse_allowing_duplicates<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
) -> Result<T, Diagnostic> {
    parse_with(
        text,
        file,
        first_line,
        serde_saphyr::DuplicateKeyPolicy::PassThrough,
    )
}

fn parse_with<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    duplicate_keys: serde_saphyr::DuplicateKeyPolicy,
) -> Result<T, Diagnostic> {
    if let Some(tab) = find_tab_indent(text, file, first_line) {
        return Err(tab);
    }
    let options = serde_saphyr::options! { with_snippet: false, duplicate_keys: duplicate_keys };
    serde_saphyr::from_str_with_options(text, options)
        .map_err(|error| to_diagnostic(&error, file, first_line))
}

/// The entries of a mapping in file order, each key with its position: used for
/// mappings with free keys (the glossary) and to check dynamic keys before flattening.
#[derive(Debug)]
pub struct Entries<V>(pub Vec<(Spanned<String>, V)>);

/// Only the keys of a mapping.
pub type Keys = Entries<IgnoredAny>;

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EntriesVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for EntriesVisitor<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    entries.push((key, map.next_value::<V>()?));
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(EntriesVisitor(std::marker::PhantomData))
    }
}

/// A position inside YAML, shifted to the position in the file.
pub fn location(file: &Path, first_line: u32, yaml: &serde_saphyr::Location) -> Location {
    let line = u32::try_from(yaml.line()).unwrap_or(u32::MAX);
    let column = u32::try_from(yaml.column()).unwrap_or(u32::MAX);
    Location::new(
        file,
        line.saturating_add(first_line).saturating_sub(1),
        column,
    )
}

fn to_diagnostic(error: &Error, file: &Path, first_line: u32) -> Diagnostic {
    let error = innermost(error);
    let (code, message, hint) = describe(error);
    let mut diagnostic = Diagnostic::error(code, message);
    if let Some(hint) = hint {
        diagnostic = diagnostic.hint(hint);
    }
    match error.location() {
        Some(at) if at.line() > 0 => diagnostic.at(location(file, first_line, &at)),
        _ => diagnostic.at(Location::new(file, first_line, 1)),
    }
}

fn innermost(error: &Error) -> &Error {
    match error.without_snippet() {
        Error::AliasError { error, .. } => innermost(error),
        other => other,
    }
}

fn describe(error: &Error) -> (&'static str, String, Option<String>) {
    match error {
        Error::SerdeUnknownField {
            field, expected, ..
        } => (
            "champ-inconnu",
            format!("champ inconnu « {field} »"),
            Some(
                did_you_mean(suggest(field, expected.iter().copied())).unwrap_or_else(|| {
                    format!("les champs possibles ici sont : {}", expected.join(", "))
                }),
            ),
        ),
        Error::SerdeMissingField { field, .. } => (
            "champ-manquant",
            format!("champ obligatoire « {field} » manquant"),
            Some(format!("ajoutez une ligne « {field}: … »")),
        ),
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            "valeur-inconnue",
            format!("valeur inconnue « {variant} »"),
            Some(
                did_you_mean(suggest(variant, expected.iter().copied())).unwrap_or_else(|| {
                    format!("les valeurs possibles sont : {}", expected.join(", "))
                }),
            ),
        ),
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            "type-incorrect",
            format!(
                "type incorrect : il faut {} ici, pas {}",
                translate_kind(expected),
                translate_kind(unexpected)
            ),
            None,
        ),
        Error::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => (
            "valeur-incorrecte",
            format!(
                "valeur incorrecte : il faut {} ici, pas {}",
                translate_kind(expected),
                translate_kind(unexpected)
            ),
            None,
        ),
        Error::InvalidScalar { ty, .. } => (
            "type-incorrect",
            format!("valeur incorrecte : il faut {} ici", translate_kind(ty)),
            Some("une année s'écrit avec quatre chiffres, par exemple 2021".to_string()),
        ),
        Error::Unexpected { expected, .. } => (
            "type-incorrect",
            format!("type incorrect : il faut {} ici", translate_kind(expected)),
            None,
        ),
        Error::DuplicateMappingKey { key, .. } => (
            "cle-en-double",
            match key {
                Some(key) => format!("le champ « {key} » apparaît deux fois"),
                None => "un champ apparaît deux fois".to_string(),
            },
            Some("gardez une seule ligne pour ce champ".to_string()),
        ),
        Error::Budget { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => (
            "yaml-trop-gros",
            "le fichier YAML dépasse les limites de taille ou d'alias (&ancre / *alias)".to_string(),
            Some("évitez les alias imbriqués ; écrivez les valeurs en clair".to_string()),
        ),
        Error::UnknownAnchor { .. } => (
            "yaml-syntaxe",
            "alias (*nom) vers une ancre (&nom) qui n'existe pas".to_string(),
            None,
        ),
        Error::MultipleDocuments { .. } => (
            "yaml-syntaxe",
            "plusieurs documents YAML dans un seul fichier (ligne « --- » en trop ?)".to_string(),
            None,
        ),
        Error::Message { msg, .. } if msg.contains("did not match any variant") => (
            "type-incorrect",
            "entrée de forme inattendue".to_string(),
            Some(
                "écrivez un identifiant, ou un bloc avec les champs documentés dans le README"
                    .to_string(),
            ),
        ),
        other => (
            "yaml-syntaxe",
            format!("syntaxe YAML invalide : {}", syntax_message(other)),
            Some(
                "vérifiez l'indentation (des espaces, pas de tabulations) et mettez entre guillemets les textes qui contiennent « : »"
                    .to_string(),
            ),
        ),
    }
}

/// serde's and the YAML scanner's wording, translated for the common cases.
fn translate_kind(text: &str) -> String {
    const KINDS: &[(&str, &str)] = &[
        ("a sequence", "une liste"),
        ("sequence start", "une liste"),
        ("mapping start", "un bloc de champs"),
        ("a string or a sequence", "un texte ou une liste"),
        ("sequence", "une liste"),
        ("a map", "un bloc de champs"),
        ("map", "un bloc de champs"),
        ("mapping", "un bloc de champs"),
        ("a string", "un texte"),
        ("string scalar", "un texte"),
        ("string", "un texte"),
        ("u8", "un nombre entier"),
        ("u16", "un nombre entier"),
        ("u32", "un nombre entier"),
        ("u64", "un nombre entier"),
        ("i16", "un nombre entier"),
        ("i32", "un nombre entier"),
        ("i64", "un nombre entier"),
        ("f64", "un nombre"),
        ("a boolean", "oui/non (true/false)"),
        ("bool", "oui/non (true/false)"),
        ("null", "une valeur vide"),
        ("unit value", "une valeur vide"),
    ];
    let trimmed = text.trim();
    if let Some((_, french)) = KINDS.iter().find(|(english, _)| *english == trimmed) {
        return (*french).to_string();
    }
    if let Some(rest) = trimmed.strip_prefix("string ") {
        return format!("le texte {rest}");
    }
    if let Some(rest) = trimmed.strip_prefix("integer ") {
        return format!("le nombre {rest}");
    }
    if let Some(rest) = trimmed.strip_prefix("invalid ") {
        return translate_kind(rest);
    }
    trimmed.to_string()
}

fn syntax_message(error: &Error) -> String {
    const MESSAGES: &[(&str, &str)] = &[
        (
            "mapping values are not allowed in this context",
            "« : » inattendu (indentation incorrecte, ou texte à mettre entre guillemets)",
        ),
        (
            "illegal placement of ':' indicator",
            "« : » mal placé : un crochet « [ » ou une accolade « { » n'est peut-être pas fermé",
        ),
        (
            "found a tab",
            "tabulation interdite : indentez avec des espaces",
        ),
        (
            "tab cannot be used",
            "tabulation interdite : indentez avec des espaces",
        ),
        ("unclosed quote", "guillemet non fermé"),
        (
            "did not find expected key",
            "un champ était attendu ici (indentation ?)",
        ),
        (
            "did not find expected",
            "élément attendu manquant (crochet ou guillemet non fermé ?)",
        ),
        (
            "found character that cannot start any token",
            "caractère inattendu",
        ),
        (
            "block sequence entries are not allowed",
            "tiret « - » de liste mal placé (indentation ?)",
        ),
        (
            "mapping keys are not allowed",
            "champ inattendu à cet endroit (indentation ?)",
        ),
        (
            "invalid indentation in flow construct",
            "indentation incorrecte dans une liste entre crochets",
        ),
        (
            "wrongly indented line in block scalar",
            "ligne mal indentée dans un texte sur plusieurs lignes (|)",
        ),
        ("':' must be followed", "« : » doit être suivi d'une espace"),
        ("'-' must be followed", "« - » doit être suivi d'une espace"),
        (
            "unknown escape character",
            "barre oblique inverse « \\ » inconnue entre guillemets doubles : utilisez des guillemets simples",
        ),
        (
            "invalid trailing content after",
            "texte en trop après le guillemet fermant",
        ),
        ("unexpected end of plain scalar", "fin de texte inattendue"),
        (
            "unexpected eof",
            "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
        ),
        (
            "unexpected end",
            "fin de fichier inattendue (guillemet ou crochet non fermé ?)",
        ),
        ("invalid indentation", "indentation incorrecte"),
    ];
    let text = error.to_string();
    MESSAGES
        .iter()
        .find(|(english, _)| text.contains(english))
        .map(|(_, french)| (*french).to_string())
        .unwrap_or_else(|| format!("erreur de syntaxe ({})", strip_position(&text)))
}

/// The parser's own "at line N, column M" counts from the start of the YAML, not of the
/// file: it would contradict the position we report.
fn strip_position(text: &str) -> String {
    let text = text.strip_prefix("error: ").unwrap_or(text);
    let text = match text.split_once(": ") {
        Some((head, rest)) if head.starts_with("line ") => rest,
        _ => text,
    };
    match text.find(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text.to_string(),
    }
}

/// Tabs in indentation are the commonest YAML mistake; the parser notices them late and
/// elsewhere, so they are found first, at their exact place.
fn find_tab_indent(text: &str, file: &Path, first_line: u32) -> Option<Diagnostic> {
    text.lines().enumerate().find_map(|(index, line)| {
        let indent = &line[..line.len() - line.trim_start().len()];
        let column = indent.find('\t')?;
        Some(
            Diagnostic::error("yaml-syntaxe", "syntaxe YAML invalide : tabulation interdite dans l'indentation")
                .at(Location::new(file, first_line + index as u32, column as u32 + 1))
                .hint("remplacez la tabulation par des espaces (votre éditeur peut le faire automatiquement)"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        titre: String,
        annees: Option<Vec<u16>>,
    }

    fn error_of(text: &str) -> Diagnostic {
        parse::<Sample>(text, Path::new("f.yaml"), 1).unwrap_err()
    }

    #[test]
    fn unknown_field_suggests_the_nearest() {
        let d = error_of("titr: x\n");
        assert_eq!(d.code, "champ-inconnu");
        assert_eq!(d.message, "champ inconnu « titr »");
        assert_eq!(d.hint.as_deref(), Some("vouliez-vous dire « titre » ?"));
        assert_eq!(d.location, Some(Location::new("f.yaml", 1, 1)));
    }

    #[test]
    fn year_that_is_not_a_number() {
        let d = error_of("titre: x\nannees: [2019, deux]\n");
        assert_eq!(d.code, "type-incorrect");
        assert_eq!(d.location, Some(Location::new("f.yaml", 2, 16)));
    }

    #[test]
    fn positions_are_shifted_by_the_first_line() {
        let d = parse::<Sample>("titre: x\n titre: y\n", Path::new("f.md"), 2).unwrap_err();
        assert_eq!(d.code, "yaml-syntaxe");
        assert_eq!(d.location.unwrap().line, 3);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
            ));
        }
        let result = parse::<serde::de::IgnoredAny>(&text, Path::new("bomb.yaml"), 1);
        assert_eq!(result.unwrap_err().code, "yaml-trop-gros");
    }
}

//! YAML reading with serde-saphyr, its errors turned into French diagnostics.
//!
//! serde-saphyr is maintained, never panics on hostile input, bounds alias expansion
//! with a budget, and gives line and column for errors and for `Spanned` values.

use std::marker::PhantomData;
use std::path::Path;

use serde::de::{
    DeserializeOwned, DeserializeSeed, EnumAccess, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
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
        None,
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
        None,
    )
}

/// `start`: where the mapping starts, to report a missing field there (see
/// [`place_missing_field`]) rather than where the parser stopped.
fn parse_with<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    duplicate_keys: serde_saphyr::DuplicateKeyPolicy,
    start: Option<&Location>,
) -> Result<T, Diagnostic> {
    if let Some(tab) = find_tab_indent(text, file, first_line) {
        return Err(tab);
    }
    serde_saphyr::from_str_with_options(text, options(duplicate_keys)).map_err(|error| {
        empty_yaml(text, file, first_line).unwrap_or_else(|| {
            let diagnostic = to_diagnostic(&error, file, first_line);
            match (innermost(&error), start) {
                (Error::SerdeMissingField { field, .. }, Some(start)) => {
                    place_missing_field(diagnostic, field, text, first_line, start)
                }
                _ => diagnostic,
            }
        })
    })
}

/// A missing field, reported where the mapping that lacks it starts: the parser names the
/// last key it read, an unrelated line. For the whole mapping, that is `start`, unless a
/// key there looks like the field (`numéro`, `titres`): then that key, the likely typo.
/// For a mapping nested in it (a sous-action, `mentions_legales`), its first key.
fn place_missing_field(
    mut diagnostic: Diagnostic,
    field: &str,
    text: &str,
    first_line: u32,
    start: &Location,
) -> Diagnostic {
    match diagnostic.location.take() {
        Some(at) if at.column > start.column => {
            diagnostic.location = Some(mapping_start(text, first_line, at));
        }
        _ => match lookalike_key(text, &start.file, first_line, field) {
            Some((key, at)) => {
                diagnostic.location = Some(at);
                diagnostic.hint = Some(format!(
                    "« {key} » est-il « {field} » ? écrivez « {field}: … », comme dans le guide"
                ));
            }
            None => diagnostic.location = Some(start.clone()),
        },
    }
    diagnostic
}

/// A key of the mapping `text` that is not `field` but looks like it, with its position.
fn lookalike_key(
    text: &str,
    file: &Path,
    first_line: u32,
    field: &str,
) -> Option<(String, Location)> {
    let keys = parse::<Keys>(text, file, first_line).ok()?;
    keys.0
        .into_iter()
        .find(|(key, _)| key.value != field && suggest(&key.value, [field]).is_some())
        .map(|(key, _)| (key.value, location(file, first_line, &key.referenced)))
}

/// When `text` holds no YAML at all (nothing, or comments only) and yet fields were
/// required: said as such, rather than as the parser's « unexpected end of file ».
fn empty_yaml(text: &str, file: &Path, first_line: u32) -> Option<Diagnostic> {
    let blank = text.lines().all(|line| {
        let line = line.trim();
        line.is_empty() || line.starts_with('#')
    });
    if !blank {
        return None;
    }
    // A file's own YAML starts on its first line; a Markdown file's header, after `---`.
    let (message, hint) = if first_line == 1 {
        (
            "le fichier est vide",
            "écrivez-y au moins ses champs obligatoires (voir le README)",
        )
    } else {
        (
            "l'en-tête YAML est vide",
            "écrivez entre les deux lignes « --- » au moins les champs obligatoires, par exemple « titre: … »",
        )
    };
    Some(
        Diagnostic::error("fichier-vide", message)
            .at(Location::new(file, first_line, 1))
            .hint(hint),
    )
}

fn options(duplicate_keys: serde_saphyr::DuplicateKeyPolicy) -> serde_saphyr::Options {
    serde_saphyr::options! { with_snippet: false, duplicate_keys: duplicate_keys }
}

/// Deserializes the mapping `text` as [`parse`] does, and gives its top-level keys with
/// their positions, as `parse::<Keys>` would: in one pass over the YAML instead of two.
///
/// The keys are recorded on the way, by [`KeyRecorder`]. Two cases take the former two
/// passes instead, so that the result is always the one they give:
/// - `T` does not read its YAML as a mapping (`deserialize_struct` or `deserialize_map`):
///   an untagged enum, an `Option`, a `Spanned` at the top… The recorder then sees no
///   keys, and they are read in a second pass.
/// - the single pass fails: the diagnostic then comes from `parse::<T>` itself. A key
///   reaches `T` as a plain string (see [`RecordingMap`]), outside serde-saphyr's own key
///   deserializer; errors raised on it (`champ-inconnu`) get their position from
///   serde-saphyr's "current key" fallback, which gives the same positions in every case
///   tested below, but that is an internal of serde-saphyr, not a promise. Only broken
///   files pay for the second parse, and they paid for two before. A key that `T` wants
///   as anything but a string also fails the single pass (see [`KeyName`]), so that it is
///   read from the YAML as before.
pub fn parse_with_keys<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    start: &Location,
) -> Result<(T, Keys), Diagnostic> {
    if let Some(tab) = find_tab_indent(text, file, first_line) {
        return Err(tab);
    }
    let keys_alone = || parse::<Keys>(text, file, first_line).unwrap_or(Entries(Vec::new()));
    match single_pass::<T>(text) {
        Ok((value, Some(keys))) => Ok((value, Entries(keys))),
        Ok((value, None)) => Ok((value, keys_alone())),
        Err(_) => {
            let value = parse_with::<T>(
                text,
                file,
                first_line,
                serde_saphyr::DuplicateKeyPolicy::Error,
                Some(start),
            )?;
            Ok((value, keys_alone()))
        }
    }
}

/// `T` and, when `T` read a mapping, its keys. Same options as [`parse`].
fn single_pass<T: DeserializeOwned>(text: &str) -> Result<(T, Option<KeyList>), Error> {
    let options = options(serde_saphyr::DuplicateKeyPolicy::Error);
    serde_saphyr::with_deserializer_from_str_with_options(text, options, |deserializer| {
        let mut keys = None;
        let value = T::deserialize(KeyRecorder {
            inner: deserializer,
            keys: &mut keys,
        })?;
        Ok((value, keys))
    })
}

type KeyList = Vec<(Spanned<String>, IgnoredAny)>;

/// A deserializer that hands every request to `inner`, and when the request is for a
/// mapping (a struct, a map), records the mapping's keys in `keys`. Only that mapping:
/// nested ones are read by `inner`'s own deserializers.
struct KeyRecorder<'k, D> {
    inner: D,
    /// `None` until a mapping is requested; then its keys, in file order.
    keys: &'k mut Option<KeyList>,
}

/// Requests that do not read a mapping go to `inner` with their visitor untouched:
/// serde-saphyr recognises some visitors by their type (serde's `Content` buffer).
macro_rules! forward_untouched {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.inner.$method($($arg,)* visitor)
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for KeyRecorder<'_, D> {
    type Error = D::Error;

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let keys = self.keys.insert(Vec::new());
        self.inner.deserialize_map(RecordingVisitor {
            inner: visitor,
            keys,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let keys = self.keys.insert(Vec::new());
        self.inner.deserialize_struct(
            name,
            fields,
            RecordingVisitor {
                inner: visitor,
                keys,
            },
        )
    }

    forward_untouched! {
        deserialize_any();
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_option();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_newtype_struct(name: &'static str);
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

/// The visitor of a mapping, given a [`RecordingMap`] instead of the parser's own.
struct RecordingVisitor<'k, V> {
    inner: V,
    keys: &'k mut KeyList,
}

/// What is not a mapping goes to the real visitor as it is (an empty document, a scalar
/// where a mapping was expected: its error, or its value).
macro_rules! visit_untouched {
    ($($method:ident($ty:ty);)*) => {
        $(
            fn $method<E: serde::de::Error>(self, value: $ty) -> Result<V::Value, E> {
                self.inner.$method(value)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for RecordingVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(RecordingMap {
            inner: map,
            keys: self.keys,
        })
    }

    visit_untouched! {
        visit_bool(bool);
        visit_i8(i8);
        visit_i16(i16);
        visit_i32(i32);
        visit_i64(i64);
        visit_i128(i128);
        visit_u8(u8);
        visit_u16(u16);
        visit_u32(u32);
        visit_u64(u64);
        visit_u128(u128);
        visit_f32(f32);
        visit_f64(f64);
        visit_char(char);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_none()
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<V::Value, E> {
        self.inner.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.inner.visit_some(deserializer)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.inner.visit_newtype_struct(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.inner.visit_enum(data)
    }
}

/// The parser's mapping, each key read as `Spanned<String>` (as [`Entries`] reads it),
/// kept, and given to the visitor as a string ([`KeyName`]): what field names and `String`
/// map keys (`#[serde(flatten)]` into a `BTreeMap<String, _>`) read anyway. serde-saphyr
/// reads a key into a `String` and into a field name alike (`deserialize_identifier` is
/// its `deserialize_str`, and both refuse the same keys: null, sequences, mappings…).
/// Values are read by the parser's own deserializer, positions and all.
struct RecordingMap<'k, A> {
    inner: A,
    keys: &'k mut KeyList,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for RecordingMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.inner.next_key::<Spanned<String>>()? else {
            return Ok(None);
        };
        let value = seed.deserialize(KeyName::<A::Error> {
            key: &key.value,
            error: PhantomData,
        })?;
        self.keys.push((key, IgnoredAny));
        Ok(Some(value))
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

/// A recorded key, for the requests that serde-saphyr answers with the key's text alone:
/// a field name, a `String`, an ignored key. Any other request (a number, a `Spanned` key,
/// an enum, `deserialize_any`…) would get a different answer from the YAML than from
/// this text, or no position: it fails, and [`parse_with_keys`] reads that mapping in two
/// passes. The error never reaches the user.
struct KeyName<'a, E> {
    key: &'a str,
    error: PhantomData<E>,
}

impl<'de, E: serde::de::Error> Deserializer<'de> for KeyName<'_, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, E> {
        Err(E::custom("key not read as a name"))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.key)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.key)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.key)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_str(self.key)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
    }
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

/// The first key of the block mapping that holds the key at `at` (a position in the file
/// whose YAML `text` starts on line `first_line`). Walks up the lines at the key's
/// indentation, over what is indented deeper (values, nested blocks) and blank or comment
/// lines, to the line that opens the mapping: a list item (`- numero: 1`) or the key
/// after its parent's.
fn mapping_start(text: &str, first_line: u32, at: Location) -> Location {
    let lines: Vec<&str> = text.lines().collect();
    let indent = at.column.saturating_sub(1) as usize;
    let Some(mut index) = (at.line.checked_sub(first_line))
        .map(|i| i as usize)
        .filter(|&i| i < lines.len())
    else {
        return at;
    };
    // A list item's dash, with the mapping's first key on the same line.
    let item_starts_here = |line: &str| {
        let content = line.trim_start_matches(' ');
        let width = line.len() - content.len();
        content.strip_prefix('-').is_some_and(|item| {
            let key = item.trim_start_matches(' ');
            !key.is_empty() && width + 1 + (item.len() - key.len()) == indent
        })
    };
    let mut first = index;
    // The last item of a list, on one line, starts where the error is.
    while index > 0 && !item_starts_here(lines[index]) {
        index -= 1;
        let line = lines[index];
        let content = line.trim_start_matches(' ');
        let width = line.len() - content.len();
        if content.trim().is_empty() || content.starts_with('#') || width > indent {
            continue;
        }
        if width == indent {
            first = index;
            continue;
        }
        if item_starts_here(line) {
            first = index;
        }
        break;
    }
    Location {
        line: first_line + first as u32,
        ..at
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
            list_hint(expected),
        ),
        Error::SerdeInvalidValue { expected, .. } if expected == super::raw::NON_EMPTY => (
            "champ-vide",
            "ce champ est vide : la page montrerait un titre, un nom ou un lien sans texte"
                .to_string(),
            Some("écrivez le texte à publier entre les guillemets, ou après « : »".to_string()),
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
            scalar_hint(&translate_kind(ty)),
        ),
        Error::Unexpected { expected, .. } => (
            "type-incorrect",
            format!("type incorrect : il faut {} ici", translate_kind(expected)),
            list_hint(expected),
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

/// When a list was expected: one value alone is written as a list too.
fn list_hint(expected: &str) -> Option<String> {
    (translate_kind(expected) == "une liste").then(|| {
        "une liste s'écrit entre crochets, même d'une seule valeur : [valeur] ou [valeur, autre] ; ou bien une ligne « - valeur » par élément".to_string()
    })
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
        ("a boolean", "true ou false"),
        ("boolean", "true ou false"),
        ("bool", "true ou false"),
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

/// How to write a value of the kind `translate_kind` named.
fn scalar_hint(kind: &str) -> Option<String> {
    match kind {
        "true ou false" => Some("écrivez true (oui) ou false (non), sans guillemets".into()),
        "un nombre entier" => Some(
            "écrivez un nombre entier, par exemple une année sur quatre chiffres : 2021".into(),
        ),
        "un nombre" => Some("écrivez un nombre avec un point décimal, par exemple 12.5".into()),
        _ => None,
    }
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
    // Most files have no tab at all: one search instead of a look at every line.
    if !text.contains('\t') {
        return None;
    }
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

    /// The former way: the keys in a pass of their own, then the value.
    fn two_passes<T: DeserializeOwned>(
        text: &str,
        file: &Path,
        first_line: u32,
    ) -> Result<(T, Keys), Diagnostic> {
        let keys: Keys = parse(text, file, first_line).unwrap_or(Entries(Vec::new()));
        let start = Location::new(file, first_line, 1);
        let value = parse_with::<T>(
            text,
            file,
            first_line,
            serde_saphyr::DuplicateKeyPolicy::Error,
            Some(&start),
        )?;
        Ok((value, keys))
    }

    /// `parse_with_keys` gives the value, the keys (positions included) or the diagnostic
    /// that two passes gave.
    fn assert_same_result<T: DeserializeOwned + std::fmt::Debug>(text: &str, first_line: u32) {
        let file = Path::new("f.md");
        let one = parse_with_keys::<T>(text, file, first_line, &Location::new(file, first_line, 1));
        let two = two_passes::<T>(text, file, first_line);
        assert_eq!(format!("{one:#?}"), format!("{two:#?}"), "for:\n{text}");
    }

    /// The same, and for a valid text it came from the single pass alone.
    fn assert_same<T: DeserializeOwned + std::fmt::Debug>(text: &str, first_line: u32) {
        assert_same_result::<T>(text, first_line);
        let valid = parse::<T>(text, Path::new("f.md"), first_line).is_ok();
        let single = single_pass::<T>(text);
        assert_eq!(
            matches!(single, Ok((_, Some(_)))),
            valid,
            "the single pass and the parser disagree for:\n{text}"
        );
    }

    fn key_positions(keys: &Keys) -> Vec<(&str, u64, u64)> {
        keys.0
            .iter()
            .map(|(k, _)| (k.value.as_str(), k.referenced.line(), k.referenced.column()))
            .collect()
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        titre: String,
        resume: String,
        bloc: Inner,
        #[serde(default)]
        liste: Vec<Inner>,
        apres: Option<Spanned<String>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        titre: String,
        detail: Option<std::collections::BTreeMap<String, String>>,
    }

    const NESTED: &str = "titre: Haut
resume: |
  Un texte sur plusieurs lignes,
  avec: des deux-points
bloc:
  titre: Dedans
  detail:
    apres: pas en haut
liste:
  - titre: Premier
\"apres\": Fin
";

    #[test]
    fn keys_are_the_top_level_ones_with_their_positions() {
        let file = Path::new("f.md");
        let (value, keys) =
            parse_with_keys::<Outer>(NESTED, file, 2, &Location::new(file, 2, 1)).unwrap();
        assert_eq!(value.bloc.titre, "Dedans");
        assert_eq!(
            key_positions(&keys),
            [
                ("titre", 1, 1),
                ("resume", 2, 1),
                ("bloc", 5, 1),
                ("liste", 9, 1),
                ("apres", 11, 1),
            ]
        );
        // The key after the block scalar, placed in the file (whose YAML starts on line 2).
        let parsed = crate::load::Parsed {
            file: "f.md".into(),
            first_line: 2,
            value,
            keys,
        };
        assert_eq!(parsed.key_location("apres"), Location::new("f.md", 12, 1));
        assert_eq!(parsed.key_location("detail"), Location::file("f.md"));
        assert_same::<Outer>(NESTED, 2);
    }

    #[test]
    fn flattened_front_matter_keys_in_one_pass() {
        use crate::load::raw::FicheFrontMatter;
        let text = "numero: \"3\"
titre: Une fiche
resume: >
  Replié
  public: pas une clé
pilotes:
  - ase
  - acteur: pjj
    precision: pôle
calendrier:
  debut: 2020
  fin: 2021
public: [enfants, familles]
territoire: Nord
";
        let (value, keys) = parse_with_keys::<FicheFrontMatter>(
            text,
            Path::new("f.md"),
            2,
            &Location::new("f.md", 2, 1),
        )
        .unwrap();
        assert_eq!(value.other.len(), 2);
        assert_eq!(
            key_positions(&keys),
            [
                ("numero", 1, 1),
                ("titre", 2, 1),
                ("resume", 3, 1),
                ("pilotes", 6, 1),
                ("calendrier", 10, 1),
                ("public", 13, 1),
                ("territoire", 14, 1),
            ]
        );
        assert_same::<FicheFrontMatter>(text, 2);
    }

    #[test]
    fn one_pass_gives_what_two_passes_gave() {
        use crate::load::raw::*;
        let outer: &[&str] = &[
            NESTED,
            "",
            "~\n",
            "titre\n",
            "- titre: x\n",
            "titre: x\n",
            "titre: x\nresume: y\nbloc: {titre: z}\ninconnu: 1\n",
            "titre: x\nresume: y\nbloc: {titre: z}\ntitre: encore\n",
            "titre: x\nresume: y\nbloc: {titre: z, titre: encore}\n",
            "titre: x\nresume: y\nbloc:\n\ttitre: z\n",
            "titre: x\nresume: y\nbloc: {titre: [z]}\n",
            "titre: x\nresume: y\nbloc: {titre: z}\n~: vide\n",
            "titre: x\nresume: y\nbloc: {titre: z}\n[a, b]: liste\n",
            "titre: x\nresume: y\nbloc: {titre: z}\n12: nombre\n",
            "titre: x\nresume: y\nbloc: {titre: z}\n? {a: b}\n: bloc\n",
            "titre: x\nresume: y\nbloc: &b {titre: z}\nliste: [*b, *b]\n",
            "base: &base {titre: x, resume: y}\n<<: *base\nbloc: {titre: z}\n",
            "<<: {titre: x, resume: y}\nbloc: {titre: z}\napres: *nulle\n",
            "titre: x\nresume: y\nbloc: {titre: z}\n!etiquette apres: w\n",
            "titre: \"x\nresume: y\n",
            "titre: x\n---\ntitre: y\n",
        ];
        for text in outer {
            assert_same::<Outer>(text, 2);
        }
        let fiches: &[&str] = &[
            "numero: \"1\"\ntitre: x\n",
            "numero: \"1\"\n",
            "numero: \"1\"\ntitre: x\npublic: texte\npublic: encore\n",
            "numero: \"1\"\ntitre: x\npublic: {a: b}\n",
            "numero: \"1\"\ntitre: x\n12: douze\ntrue: vrai\n",
            "numero: \"1\"\ntitre: x\n~: vide\n",
            "numero: 1\ntitre: x\nsous_actions:\n  - numero: 1\n    titre: y\n    annees: [2020, deux]\n",
            "numero: \"1\"\ntitre: x\npilotes: [{acteur: a, precision: b, autre: c}]\n",
            "numero: \"1\"\ntitre: x\ncalendrier: {debut: 2020, fni: 2021}\n",
            "numero: \"1\"\ntitre: x\nstatut: fini\n",
            "d: &d {numero: \"1\", titre: x}\n<<: *d\n",
        ];
        for text in fiches {
            assert_same::<FicheFrontMatter>(text, 2);
        }
        assert_same::<GroupEntry>("id: a1\ntitre: x\naxe: as1\n", 3);
        assert_same::<GroupEntry>("id: a1\ntitre: x\naxe: [as1]\n", 3);
        assert_same::<PageFrontMatter>("titre: x\nmenu: 2\n", 2);
        assert_same::<PageFrontMatter>("titre: x\nmenu: deux\n", 2);
        assert_same::<PageFrontMatter>("titre: x\nmneu: 2\n", 2);
        assert_same::<SiteConfig>("", 1);
        assert_same::<SiteConfig>("url: https://exemple.fr\npublier: catalogue\n", 1);
        assert_same::<SiteConfig>("publier: rien\n", 1);
    }

    /// Types that read their keys or their mapping otherwise than a struct does go
    /// through two passes, and get what two passes gave.
    #[test]
    fn other_shapes_take_two_passes() {
        use std::collections::BTreeMap;
        let text = "titre: x\nresume: y\nbloc: {titre: z}\n";
        // The mapping under an `Option`: not seen by the recorder.
        assert!(matches!(
            single_pass::<Option<Outer>>(text),
            Ok((Some(_), None))
        ));
        assert_same_result::<Option<Outer>>(text, 2);
        // Keys that must come from the YAML: with their position, or as numbers.
        assert!(single_pass::<Entries<String>>("a: x\nb: y\n").is_err());
        assert_same_result::<Entries<String>>("a: x\nb: y\n", 2);
        assert!(single_pass::<BTreeMap<u16, String>>("1: x\n2: y\n").is_err());
        assert_same_result::<BTreeMap<u16, String>>("1: x\n2: y\n", 2);
        // String keys of a map are read in one pass.
        assert!(matches!(
            single_pass::<BTreeMap<String, String>>("1: x\nb: y\n"),
            Ok((_, Some(keys))) if keys.len() == 2
        ));
        assert_same_result::<BTreeMap<String, String>>("1: x\nb: y\n", 2);
    }

    /// Every YAML mapping of the example site, of the `jalon init` models and of a
    /// generated corpus: the same values, keys and positions as with two passes.
    #[test]
    fn the_shipped_sites_read_the_same_in_one_pass() {
        use crate::load::raw::*;
        let corpus = tempfile::tempdir().unwrap();
        crate::corpus::generate(corpus.path(), &crate::corpus::Size::new(60, 3)).unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut checked = 0;
        for dir in [
            root.join("content"),
            root.join("schema-data"),
            root.join("modeles"),
            corpus.path().to_path_buf(),
        ] {
            for entry in walkdir::WalkDir::new(&dir)
                .into_iter()
                .filter_map(Result::ok)
            {
                let path = entry.path();
                let Ok(text) = std::fs::read_to_string(path) else {
                    continue;
                };
                let name = path.to_string_lossy();
                let file = path.file_name().unwrap().to_string_lossy();
                if name.ends_with(".md") {
                    let Some((front, _)) = text
                        .strip_prefix("---\n")
                        .and_then(|rest| rest.split_once("\n---\n"))
                    else {
                        continue;
                    };
                    let front = format!("{front}\n");
                    if name.contains("/pages/") || file == "presentation.md" {
                        assert_same::<PageFrontMatter>(&front, 2);
                    } else if name.contains("/pratiques/") || file == "pratique.md" {
                        assert_same::<PratiqueFrontMatter>(&front, 2);
                    } else if name.contains("/fiches/") || file == "fiche.md" || file == "action.md"
                    {
                        assert_same::<FicheFrontMatter>(&front, 2);
                    } else {
                        continue;
                    }
                    checked += 1;
                } else if name.ends_with(".yaml") {
                    match &*file {
                        "jalon.yaml" => assert_same::<SiteConfig>(&text, 1),
                        "schema.yaml" => assert_same::<SchemaFile>(&text, 1),
                        "pratiques.yaml" => assert_same::<CatalogueFile>(&text, 1),
                        "sigles.yaml" => continue,
                        list => {
                            for (first_line, item) in crate::load::list_items(&text) {
                                match list {
                                    "acteurs.yaml" => assert_same::<ActeurEntry>(&item, first_line),
                                    "indicateurs.yaml" => {
                                        assert_same::<IndicateurEntry>(&item, first_line)
                                    }
                                    _ => assert_same::<GroupEntry>(&item, first_line),
                                }
                            }
                        }
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 100, "only {checked} files checked");
    }

    #[test]
    fn a_nested_mapping_starts_at_its_first_key() {
        let text = "titre: x\nsous_actions:\n  - numero: 1\n    # note\n    description: |\n      texte\n\n    annees: [2020]\nmentions: {hebergement: y}\n";
        // The header's YAML starts on line 2 of its file, after `---`.
        let start_of = |line, column| {
            let at = mapping_start(text, 2, Location::new("f.md", line, column));
            (at.line, at.column)
        };
        assert_eq!(
            start_of(9, 5),
            (4, 5),
            "the item, over comment, block and blank line"
        );
        assert_eq!(start_of(10, 12), (10, 12), "a flow mapping: the key itself");
        assert_eq!(start_of(40, 5), (40, 5), "outside the text: unchanged");
    }
}

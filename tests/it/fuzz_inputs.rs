//! Arbitrary bytes and mutated valid files fed to front matter, YAML and Markdown
//! loading: jalon never panics, and every diagnostic points inside the file it names.

use std::path::Path;

use proptest::prelude::*;

use crate::common::{copy_site, fixture};

/// Files of the fixture that the mutations target: front matter + Markdown, and YAML.
const TARGETS: &[&str] = &[
    "content/actions/1-1-1.md",
    "content/pages/gouvernance.md",
    "schema-data/orientations.yaml",
    "schema-data/acteurs.yaml",
    "schema-data/schema.yaml",
];

fn site_with(file: &str, contents: &[u8]) -> tempfile::TempDir {
    let dir = copy_site(&fixture("orientations"));
    std::fs::write(dir.path().join(file), contents).unwrap();
    dir
}

fn check_positions(root: &Path) -> Result<(), TestCaseError> {
    let report = jalon::check(root, &jalon::Options::default());
    for diagnostic in &report.diagnostics {
        let Some(location) = &diagnostic.location else {
            continue;
        };
        let bytes = std::fs::read(root.join(&location.file)).unwrap_or_default();
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        prop_assert!(
            location.line >= 1 && location.line <= lines,
            "{location} beyond {lines} lines: {}",
            diagnostic.message
        );
        prop_assert!(location.column >= 1);
        prop_assert!(!diagnostic.message.is_empty());
    }
    Ok(())
}

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, Vec<u8>),
    Replace(usize, u8),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let special = prop::sample::select(vec![
        b':', b'-', b'[', b']', b'{', b'"', b'\'', b'\n', b'\t', b' ', b'&', b'*', b'#', b'|',
        b'>', 0xC3, 0xFF,
    ]);
    prop_oneof![
        (any::<usize>(), 1usize..20).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), prop::collection::vec(special.clone(), 1..6))
            .prop_map(|(at, b)| Mutation::Insert(at, b)),
        (any::<usize>(), special).prop_map(|(at, b)| Mutation::Replace(at, b)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        if bytes.is_empty() {
            break;
        }
        match m {
            Mutation::Delete(at, n) => {
                let at = at % bytes.len();
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Insert(at, new) => {
                let at = at % (bytes.len() + 1);
                bytes.splice(at..at, new.iter().copied());
            }
            Mutation::Replace(at, b) => {
                let at = at % bytes.len();
                bytes[at] = *b;
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(target in prop::sample::select(TARGETS), bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let site = site_with(target, &bytes);
        check_positions(site.path())?;
    }

    #[test]
    fn mutated_files_never_panic(target in prop::sample::select(TARGETS), mutations in prop::collection::vec(mutation(), 1..5)) {
        let original = std::fs::read(fixture("orientations").join(target)).unwrap();
        let site = site_with(target, &apply(original, &mutations));
        check_positions(site.path())?;
    }

    #[test]
    fn arbitrary_markdown_bodies_never_panic(body in "\\PC{0,300}") {
        let text = format!("---\ntitre: Page\n---\n{body}\n");
        let site = site_with("content/pages/gouvernance.md", text.as_bytes());
        check_positions(site.path())?;
    }
}

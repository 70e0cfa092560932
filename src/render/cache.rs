//! What the preview keeps between two builds so that a save re-renders only what it
//! changes. Every entry is keyed by a hash of all the inputs of what it caches, so a
//! cached result is exactly what a full build would produce.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use crate::diagnostics::Diagnostic;
use crate::model::Site;
use crate::render::markdown::{Citation, Rendered};

#[derive(Default)]
pub struct Cache {
    /// The Markdown of a page, by the key of its texts and of the site's link targets.
    pub(super) markdown: HashMap<u64, Arc<PageMarkdown>>,
    /// The HTML of a page, by path, with the key of its template data.
    pub(super) pages: HashMap<String, (u64, Arc<Vec<u8>>)>,
}

/// The Markdown texts of one page, rendered, and what rendering them found.
pub struct PageMarkdown {
    pub fragments: Vec<Rendered>,
    pub citations: Vec<Citation>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn hasher() -> std::collections::hash_map::DefaultHasher {
    std::collections::hash_map::DefaultHasher::new()
}

/// Everything Markdown rendering reads from the site besides the text itself: the
/// targets of references with their numbers, titles and places, the sigles, the labels
/// and the rules on fiches. Any change here re-renders every page's Markdown.
pub fn link_fingerprint(site: &Site) -> u64 {
    let mut h = hasher();
    site.base_url.hash(&mut h);
    (site.references as u8).hash(&mut h);
    // Links to files of static/ are checked against them.
    for asset in &site.assets {
        asset.path.hash(&mut h);
    }
    let hierarchy = &site.hierarchy;
    for level in &hierarchy.levels {
        (&level.id, &level.labels.libelle, &level.file).hash(&mut h);
        for kind in &level.kinds {
            (&kind.id, &kind.labels.libelle).hash(&mut h);
        }
    }
    let fiche = &hierarchy.fiche;
    (
        &fiche.id,
        &fiche.labels.libelle,
        &hierarchy.sous_action.libelle,
    )
        .hash(&mut h);
    fiche
        .mentions
        .as_ref()
        .map(|m| m.as_str().to_string())
        .hash(&mut h);
    for rule in &fiche.sections {
        (&rule.titre, rule.required).hash(&mut h);
    }
    for group in &site.groups {
        (
            group.level,
            &group.id,
            group.kind,
            &group.numero,
            &group.titre,
        )
            .hash(&mut h);
    }
    for fiche in &site.fiches {
        (&fiche.numero.text, &fiche.titre).hash(&mut h);
        for sous_action in &fiche.sous_actions {
            (sous_action.numero, &sous_action.titre).hash(&mut h);
        }
    }
    for acteur in &site.acteurs {
        (&acteur.id, &acteur.nom, &acteur.sigle).hash(&mut h);
    }
    for sigle in &site.sigles {
        (&sigle.sigle, &sigle.definition).hash(&mut h);
    }
    for page in &site.pages {
        (&page.slug, &page.titre).hash(&mut h);
    }
    for pratique in &site.pratiques {
        (&pratique.code, &pratique.titre).hash(&mut h);
    }
    for indicateur in &site.indicateurs {
        (&indicateur.id, &indicateur.libelle).hash(&mut h);
    }
    if let Some(catalogue) = &site.catalogue {
        for rule in &catalogue.sections {
            (&rule.titre, rule.required).hash(&mut h);
        }
    }
    h.finish()
}

/// Feeds `value`, as JSON, into `h`, without building the text. Plain data serializes
/// without error.
pub fn hash_json<H: Hasher>(h: &mut H, value: &impl serde::Serialize) {
    // JSON comes token by token, often a byte at a time: the buffer hands the hasher
    // long runs instead (the preview hashes every page's data on each save).
    let mut buffered = std::io::BufWriter::with_capacity(8192, HashWriter(h));
    let _ = serde_json::to_writer(&mut buffered, value);
    let _ = std::io::Write::flush(&mut buffered);
}

struct HashWriter<'a, H: Hasher>(&'a mut H);

impl<H: Hasher> std::io::Write for HashWriter<'_, H> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.write(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

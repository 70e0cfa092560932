//! Fiche cards. A fiche is listed, as a card, on the page of its group and on the page of
//! each of its actors: seven pages on average. Its card goes through
//! `partiels/carte-fiche.html` once for each place it is shown at (heading level, page
//! depth), and is reused from then on as HTML.

use std::sync::{Arc, Mutex};

use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::FicheId;
use crate::render::links::LinkStyle;
use crate::render::theme::Theme;
use crate::render::views::{SiteData, Viewer};

/// A fiche's card as HTML, which the template shows with `safe`.
#[derive(Clone)]
pub struct Card(Arc<str>);

impl Serialize for Card {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// Every card made during one rendering of the site.
pub struct Cards<'a> {
    theme: &'a Theme,
    site: &'a SiteData,
    /// For each fiche, its cards made so far: most fiches are shown at two places.
    made: Vec<Mutex<Vec<(Place, Card)>>>,
}

/// What a card's HTML depends on besides its fiche.
#[derive(PartialEq)]
struct Place {
    niveau: u8,
    racine: String,
    links: LinkStyle,
}

impl<'a> Cards<'a> {
    pub fn new(theme: &'a Theme, site: &'a SiteData, fiches: usize) -> Cards<'a> {
        Cards {
            theme,
            site,
            made: (0..fiches).map(|_| Mutex::new(Vec::new())).collect(),
        }
    }

    /// The card of `fiche` with its title at `niveau`, for the page that `viewer` builds
    /// (at `page`, named in errors).
    pub fn card(
        &self,
        viewer: &Viewer,
        fiche: FicheId,
        niveau: u8,
        page: &str,
    ) -> Result<Card, Diagnostic> {
        let here = |place: &Place| {
            place.niveau == niveau && place.racine == viewer.root && place.links == viewer.links
        };
        let made = &self.made[fiche];
        let lock = || made.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, card)) = lock().iter().find(|(place, _)| here(place)) {
            return Ok(card.clone());
        }
        // Rendered outside the lock. Two pages may both render the same card: they get
        // the same HTML, and only one copy is kept.
        let summary = viewer.fiche_summary(fiche);
        let html = self
            .theme
            .render_card(self.site, viewer.root, &summary, niveau, page)?;
        let mut made = lock();
        if let Some((_, card)) = made.iter().find(|(place, _)| here(place)) {
            return Ok(card.clone());
        }
        let card = Card(Arc::from(html));
        let place = Place {
            niveau,
            racine: viewer.root.to_string(),
            links: viewer.links,
        };
        made.push((place, card.clone()));
        Ok(card)
    }
}

//! Resolve: raw files → the `Site` model. Checks every id, parent, actor and number
//! across files, and reports every problem at once.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rayon::prelude::*;
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Sources, did_you_mean, suggest};
use crate::load::raw::{self, ActorEntry, GroupEntry, Numbering};
use crate::load::{Document, LoadedSite, Parsed};
use crate::model::time;
use crate::model::*;

/// Names that jalon gives to its own pages and reference keywords: a level, a free page
/// or the fiche level cannot take them.
pub const RESERVED: &[&str] = &[
    "index",
    "404",
    "acteur",
    "acteurs",
    "sigle",
    "glossaire",
    "page",
    "pratique",
    "recapitulatif",
    "static",
    "plan-du-site",
    "accessibilite",
    "mentions-legales",
    "calendrier",
    "pratiques",
    "annee",
    "tableau-de-bord",
    "indicateur",
    "indicateurs",
    "recherche",
    "donnees",
    "donnees-ouvertes",
    "document-complet",
];

/// Why a free page's file name cannot be its address, and what to name it instead.
fn page_name_problem(slug: &str, taken: &HashSet<&str>) -> Option<(String, String)> {
    if taken.contains(slug) {
        return Some((
            format!("« {slug} » est le nom d'une page que jalon crée lui-même"),
            format!("renommez le fichier, par exemple « {slug}-du-schema.md »"),
        ));
    }
    if is_slug(slug) {
        return None;
    }
    let message = format!("le nom de fichier « {slug} » ne peut pas servir d'adresse de page");
    let hint = match slug::slugify(slug) {
        s if s.is_empty() => "renommez le fichier en minuscules sans accent ni espace".to_string(),
        s => format!("renommez le fichier en minuscules sans accent ni espace : « {s}.md »"),
    };
    Some((message, hint))
}

/// The site, whenever it could be assembled, even with errors: later stages still find
/// the problems of the parts that are sound (references in Markdown, sections), so that
/// one run lists them all. Callers must not publish a site that came with errors.
pub fn resolve(
    loaded: LoadedSite,
    sources: &Sources,
    today: Option<jiff::civil::Date>,
) -> (Option<Site>, Diagnostics) {
    let mut resolver = Resolver {
        sources,
        diagnostics: Diagnostics::default(),
    };
    let site = resolver.site(loaded, today);
    (site, resolver.diagnostics)
}

struct Resolver<'a> {
    sources: &'a Sources,
    diagnostics: Diagnostics,
}

/// What reading one fiche needs of what was resolved before.
#[derive(Clone, Copy)]
struct FicheReading<'a> {
    hierarchy: &'a Hierarchy,
    /// The level of the fiches' parents.
    lowest: &'a Level,
    periode: Period,
    /// The keys a fiche may have.
    allowed: &'a [&'a str],
    groups: &'a [Group],
    index: &'a Index,
}

impl Resolver<'_> {
    fn error(&mut self, code: &'static str, message: String, at: Location, hint: Option<String>) {
        let mut diagnostic = Diagnostic::error(code, message).at(at);
        diagnostic.hint = hint;
        self.diagnostics.push(diagnostic);
    }

    /// `what` (« l'acteur « caf » »…) written a second time, at `at`.
    fn duplicate(&mut self, what: String, at: Location) {
        self.error(
            "id-en-double",
            format!("{what} est défini deux fois"),
            at,
            Some("un identifiant ne sert qu'une fois : renommez l'un des deux ou supprimez le doublon".into()),
        );
    }

    fn site(&mut self, mut loaded: LoadedSite, today: Option<jiff::civil::Date>) -> Option<Site> {
        let configured_today = loaded.config.date_du_jour.as_ref().and_then(|date| {
            self.date(
                &date.value,
                crate::load::yaml::location(
                    Path::new(crate::load::CONFIG_FILE),
                    1,
                    &date.referenced,
                ),
            )
        });
        let today = today.or(configured_today).unwrap_or_else(crate::real_today);
        self.config_links(&loaded.config);
        let mut schema = self.schema(&loaded.schema)?;
        schema.logo = loaded.logo.clone();
        let hierarchy = self.hierarchy(&loaded.schema);
        let mut index = Index::default();

        let mut acteurs = self.acteurs(&loaded.acteurs, &mut index);
        let sigles = self.sigles(std::mem::take(&mut loaded.sigles), &mut index);
        let mut groups = self.groups(&hierarchy, &loaded.groups, &mut index);
        let mut fiches = self.fiches(&hierarchy, schema.periode, &loaded.fiches, &groups, &index);
        let pages = self.pages(&loaded.pages, &hierarchy, &mut index);
        let publier = loaded.config.publier.as_ref();
        if let Some(publier) = publier.filter(|p| p.value == crate::model::Publication::Catalogue)
            && loaded.catalogue.is_none()
        {
            self.error(
                "catalogue-manquant",
                "« publier: catalogue » demande un catalogue de pratiques".into(),
                crate::load::yaml::location(
                    Path::new(crate::load::CONFIG_FILE),
                    1,
                    &publier.referenced,
                ),
                Some(format!(
                    "créez {} avec la liste des thèmes",
                    crate::load::CATALOGUE_FILE
                )),
            );
        }
        let mut catalogue = loaded.catalogue.as_ref().map(|c| self.catalogue(c));
        let pratiques = self.pratiques(&loaded.pratiques, catalogue.as_ref(), &mut index);
        if let Some(catalogue) = catalogue.as_mut() {
            catalogue.facets = crate::catalogue::FacetKind::ALL
                .map(|kind| crate::catalogue::facets(catalogue, &pratiques, kind));
        }

        fiches.sort_by(|a, b| a.numero.cmp(&b.numero));
        for (id, fiche) in fiches.iter().enumerate() {
            index.fiches.insert(fiche.numero.text.clone(), id);
        }
        let indicateurs =
            self.indicateurs(&loaded.indicateurs, schema.periode, &mut fiches, &mut index);
        for (id, fiche) in fiches.iter().enumerate() {
            groups[fiche.group].fiches.push(id);
            for actor in &fiche.pilotes {
                if let ActorRef::Known { acteur, .. } = actor {
                    push_once(&mut acteurs[*acteur].pilote, id);
                }
            }
            for actor in &fiche.contributeurs {
                if let ActorRef::Known { acteur, .. } = actor {
                    push_once(&mut acteurs[*acteur].contribue, id);
                }
            }
        }
        for (id, pratique) in pratiques.iter().enumerate() {
            for actor in &pratique.initiateurs {
                if let ActorRef::Known { acteur, .. } = actor {
                    push_once(&mut acteurs[*acteur].initie, id);
                }
            }
        }
        let calendar_precision = finest_precision(&fiches);
        let site = Site {
            today,
            example_data: loaded.config.donnees_exemple,
            base_url: normalize_base(
                loaded
                    .config
                    .url_de_base
                    .as_ref()
                    .map_or("/", |base| &base.value),
            ),
            url: loaded
                .config
                .url
                .as_ref()
                .map(|u| format!("{}/", u.value.trim_end_matches('/'))),
            publication: publier.map_or(crate::model::Publication::Tout, |p| p.value),
            references: loaded.config.references,
            accessibilite: loaded.config.accessibilite.clone(),
            mentions_legales: loaded.config.mentions_legales.clone(),
            pied: loaded
                .config
                .pied
                .iter()
                .map(|l| (l.titre.clone(), l.url.value.clone()))
                .collect(),
            assets: loaded.assets.clone(),
            schema,
            hierarchy,
            groups,
            fiches,
            acteurs,
            sigles,
            pages,
            catalogue,
            pratiques,
            indicateurs,
            index,
            calendar_precision,
        };
        // What was read is all in the model now: the rendering need not wait for it to be
        // freed.
        crate::free_aside(loaded);
        Some(site)
    }

    /// Whether `url` is a whole web address; if not, says so at `at`.
    fn web_url(&mut self, url: &Spanned<String>, at: Location, hint: &str) -> bool {
        let valid = is_web_url(&url.value);
        if !valid {
            self.error(
                "url-invalide",
                format!("adresse « {} » refusée", url.value.escape_debug()),
                at,
                Some(hint.into()),
            );
        }
        valid
    }

    /// The addresses of `jalon.yaml`: the site's own, and the footer's links, which every
    /// page carries.
    fn config_links(&mut self, config: &raw::SiteConfig) {
        let at = |value: &Spanned<String>| {
            crate::load::yaml::location(Path::new(crate::load::CONFIG_FILE), 1, &value.referenced)
        };
        if let Some(url) = &config.url {
            self.web_url(
                url,
                at(url),
                "l'adresse du site publié commence par https:// et ne contient ni espace ni retour à la ligne, par exemple https://exemple.fr/schema/",
            );
        }
        if let Some(base) = &config.url_de_base
            && !is_server_path(&base.value)
        {
            self.error(
                "url-invalide",
                format!("chemin « {} » refusé", base.value),
                at(base),
                Some("url_de_base est un chemin sur le serveur, fait de lettres sans accent, de chiffres et de « - _ . / », par exemple /schema/".into()),
            );
        }
        for lien in &config.pied {
            if let Some(refused) = refused_link(&lien.url.value) {
                self.diagnostics.push(refused.at(at(&lien.url)));
            }
        }
    }

    fn schema(&mut self, parsed: &Parsed<raw::SchemaFile>) -> Option<Schema> {
        let raw = &parsed.value;
        let periode = match parse_period(&raw.periode.value) {
            Some(periode) => Some(periode),
            None => {
                self.error(
                    "periode-invalide",
                    format!("période « {} » illisible", raw.periode.value),
                    parsed.location(&raw.periode.referenced),
                    Some("écrivez l'année de début et l'année de fin : « 2019-2023 »".into()),
                );
                None
            }
        };
        let adoption = raw
            .adoption
            .as_ref()
            .and_then(|date| self.date(&date.value, parsed.location(&date.referenced)));
        if raw.couleur.is_none() && parsed.keys.0.iter().any(|(k, _)| k.value == "couleur") {
            self.error(
                "couleur-invalide",
                "couleur vide : sans guillemets, « # » commence un commentaire YAML".into(),
                self.value_location(parsed, "couleur"),
                Some("écrivez la couleur en hexadécimal entre guillemets : \"#1d4f91\"".into()),
            );
        }
        if let Some(couleur) = &raw.couleur
            && is_hex_colour(&couleur.value)
        {
            // The colour carries links on white and white text on it: both need AA.
            let ratio = contrast_ratio(&couleur.value, "#ffffff");
            if ratio < 4.5 {
                self.error(
                    "couleur-contraste",
                    format!(
                        "la couleur « {} » n'atteint que {:.2}:1 de contraste avec le blanc ; le RGAA demande 4,5:1",
                        couleur.value, ratio
                    )
                    .replace('.', ","),
                    parsed.location(&couleur.referenced),
                    Some("choisissez une teinte plus foncée de la même couleur".into()),
                );
            }
        }
        if let Some(couleur) = &raw.couleur
            && !is_hex_colour(&couleur.value)
        {
            self.error(
                "couleur-invalide",
                format!("couleur « {} » illisible", couleur.value),
                parsed.location(&couleur.referenced),
                Some("écrivez la couleur en hexadécimal entre guillemets : \"#1d4f91\"".into()),
            );
        }
        if let Some(logo) = &raw.logo
            && !is_safe_relative_path(&logo.value)
        {
            self.error(
                "chemin-interdit",
                format!(
                    "le logo « {} » doit être un chemin relatif à l'intérieur du site, sans fichier ni dossier caché",
                    logo.value
                ),
                parsed.location(&logo.referenced),
                Some(
                    "placez le fichier dans static/ et écrivez par exemple « static/logo.svg »"
                        .into(),
                ),
            );
        }
        Some(Schema {
            departement: raw.departement.clone(),
            code_departement: raw.code_departement.clone(),
            titre: raw.titre.clone(),
            sous_titre: raw.sous_titre.clone(),
            periode: periode?,
            adoption,
            couleur: raw.couleur.as_ref().map(|c| c.value.clone()),
            logo: None,
            principes: raw.principes.clone(),
        })
    }

    fn hierarchy(&mut self, parsed: &Parsed<raw::SchemaFile>) -> Hierarchy {
        let raw = &parsed.value;
        let mut seen = HashSet::new();
        let mut check_keyword = |resolver: &mut Self, id: &Spanned<String>| {
            if !is_slug(&id.value) || RESERVED.contains(&id.value.as_str()) {
                resolver.error(
                    "id-invalide",
                    format!(
                        "« {} » ne peut pas servir d'identifiant de niveau",
                        id.value
                    ),
                    parsed.location(&id.referenced),
                    Some(format!(
                        "utilisez des minuscules sans accent ni espace, autres que : {}",
                        RESERVED.join(", ")
                    )),
                );
            } else if !seen.insert(id.value.clone()) {
                resolver.duplicate(
                    format!("le niveau « {} »", id.value),
                    parsed.location(&id.referenced),
                );
            }
        };
        let mut levels = Vec::new();
        for level in &raw.niveaux {
            check_keyword(self, &level.id);
            let mut kinds = Vec::new();
            for kind in &level.types {
                if kinds.iter().any(|k: &Kind| k.id == kind.id.value) {
                    self.duplicate(
                        format!("le type « {} »", kind.id.value),
                        parsed.location(&kind.id.referenced),
                    );
                }
                kinds.push(Kind {
                    id: kind.id.value.clone(),
                    labels: labels(&kind.libelle, &kind.pluriel),
                });
            }
            levels.push(Level {
                id: level.id.value.clone(),
                labels: labels(&level.libelle, &level.pluriel),
                kinds,
                file: level.fichier.value.clone(),
            });
        }
        if levels.is_empty() {
            self.error(
                "niveau-manquant",
                "la hiérarchie doit avoir au moins un niveau au-dessus des fiches".into(),
                parsed.key_location("niveaux"),
                Some("ajoutez par exemple un niveau « axe » dans « niveaux: »".into()),
            );
        }
        let fiche = &raw.fiche;
        check_keyword(self, &fiche.id);
        if !is_safe_relative_path(&fiche.dossier.value) {
            self.error(
                "chemin-interdit",
                format!(
                    "le dossier « {} » doit être un nom de dossier dans content/",
                    fiche.dossier.value
                ),
                parsed.location(&fiche.dossier.referenced),
                None,
            );
        }
        let fields = fiche
            .champs
            .iter()
            .map(|field| FieldRule {
                id: field.id.value.clone(),
                libelle: field.libelle.clone(),
                required: field.requis,
                allowed: field.valeurs.clone(),
            })
            .collect();
        Hierarchy {
            levels,
            fiche: FicheLevel {
                id: fiche.id.value.clone(),
                dossier: fiche.dossier.value.clone(),
                labels: labels(&fiche.libelle, &fiche.pluriel),
                abrege: fiche.abrege.clone(),
                numbering: fiche.numerotation,
                mentions: mention_pattern(&fiche.mentions, &raw.sous_action.libelle),
                sections: section_rules(&fiche.sections),
                fields,
            },
            sous_action: labels(&raw.sous_action.libelle, &raw.sous_action.pluriel),
        }
    }

    /// Reports an acteur id that is not a slug, and gives the id it is known by: its valid
    /// form (`odpe` for `ODPE`), so that the fiches which already write it so raise no
    /// error of their own and no hint offers the invalid one.
    fn invalid_acteur_id(&mut self, entry: &Parsed<raw::ActeurEntry>) -> String {
        let id = &entry.value.id;
        self.replacement_id(
            format!("identifiant d'acteur « {} » invalide", id.value),
            &id.value,
            entry.location(&id.referenced),
            (
                "des minuscules sans accent, des chiffres et des tirets",
                "ase-accueil",
            ),
            || id.value.clone(),
        )
    }

    /// Reports an invalid id, and gives the id it is known by from then on: its slug,
    /// which the hint proposes, or `fallback()` when nothing of it is left. `rule` says
    /// what ids are made of, with an example.
    fn replacement_id(
        &mut self,
        message: String,
        id: &str,
        at: Location,
        (rule, example): (&str, &str),
        fallback: impl FnOnce() -> String,
    ) -> String {
        let slug = slug::slugify(id);
        let hint = match slug.as_str() {
            "" => format!("utilisez {rule} : « {example} »"),
            slug => format!("écrivez « {slug} » : {rule}"),
        };
        self.error("id-invalide", message, at, Some(hint));
        if slug.is_empty() { fallback() } else { slug }
    }

    fn acteurs(&mut self, entries: &[Parsed<raw::ActeurEntry>], index: &mut Index) -> Vec<Acteur> {
        for (position, entry) in entries.iter().enumerate() {
            let id = &entry.value.id;
            let indexed = if is_slug(&id.value) {
                id.value.clone()
            } else {
                self.invalid_acteur_id(entry)
            };
            if index.acteurs.insert(indexed, position).is_some() {
                self.duplicate(
                    format!("l'acteur « {} »", id.value),
                    entry.location(&id.referenced),
                );
            }
        }
        entries
            .iter()
            .map(|entry| {
                let raw = &entry.value;
                let parent = raw.parent.as_ref().and_then(|parent| {
                    let found = index.acteurs.get(&parent.value).copied();
                    if found.is_none() {
                        self.unknown(
                            "acteur",
                            &parent.value,
                            entry.location(&parent.referenced),
                            index.acteurs.keys(),
                            crate::load::ACTEURS_FILE,
                        );
                    }
                    found
                });
                if let Some(url) = &raw.url {
                    self.web_url(url, entry.location(&url.referenced), WEB_URL_HINT);
                }
                Acteur {
                    id: raw.id.value.clone(),
                    sigle: raw.sigle.clone(),
                    nom: raw.nom.clone(),
                    kind: raw.kind,
                    parent,
                    url: raw.url.as_ref().map(|u| u.value.clone()),
                    description: raw.description.clone(),
                    pilote: Vec::new(),
                    contribue: Vec::new(),
                    initie: Vec::new(),
                }
            })
            .collect()
    }

    fn sigles(
        &mut self,
        entries: Vec<(Location, String, String)>,
        index: &mut Index,
    ) -> Vec<Sigle> {
        let mut sigles: Vec<Sigle> = Vec::new();
        let mut seen = HashSet::new();
        for (location, sigle, definition) in entries {
            if !seen.insert(sigle.clone()) {
                self.duplicate(format!("le sigle « {sigle} »"), location);
                continue;
            }
            sigles.push(Sigle { sigle, definition });
        }
        sigles.sort_by_cached_key(|s| sort_key(&s.sigle));
        for (position, sigle) in sigles.iter().enumerate() {
            index.sigles.insert(sigle.sigle.clone(), position);
        }
        sigles
    }

    fn groups(
        &mut self,
        hierarchy: &Hierarchy,
        files: &[Vec<Parsed<GroupEntry>>],
        index: &mut Index,
    ) -> Vec<Group> {
        // Groups per level in file order, then laid out parents first, depth first.
        let by_level: Vec<Vec<Unplaced>> = files
            .iter()
            .enumerate()
            .map(|(level_index, entries)| {
                let mut seen = HashSet::new();
                entries
                    .iter()
                    .map(|entry| self.group_entry(hierarchy, level_index, entry, &mut seen))
                    .collect()
            })
            .collect();

        // Lay out depth first so that reading order is the order of the document.
        let mut ordered: Vec<Group> = Vec::new();
        let mut placed: Vec<HashMap<String, GroupId>> = vec![HashMap::new(); by_level.len()];
        let mut pending: Vec<Vec<Option<Unplaced>>> = by_level
            .into_iter()
            .map(|groups| groups.into_iter().map(Some).collect())
            .collect();
        let roots: Vec<usize> = (0..pending.first().map_or(0, Vec::len)).collect();
        for root in roots {
            self.place(0, root, None, &mut pending, &mut placed, &mut ordered);
        }
        self.place_orphans(hierarchy, pending, &mut placed, &mut ordered);
        for (level_index, map) in placed.into_iter().enumerate() {
            for (id, group) in map {
                index
                    .groups
                    .insert((hierarchy.levels[level_index].id.clone(), id), group);
            }
        }
        if hierarchy.fiche.numbering == Numbering::Hierarchique {
            self.check_group_numbers(&ordered);
        }
        ordered
    }

    /// One entry of the file of level `level_index`, not yet placed under its parent;
    /// `seen` holds the ids read before it in the same file.
    fn group_entry(
        &mut self,
        hierarchy: &Hierarchy,
        level_index: usize,
        entry: &Parsed<GroupEntry>,
        seen: &mut HashSet<String>,
    ) -> Unplaced {
        let level = &hierarchy.levels[level_index];
        let parent_key = level_index
            .checked_sub(1)
            .map(|i| hierarchy.levels[i].id.as_str());
        let mut allowed = vec![
            "id",
            "type",
            "numero",
            "titre",
            "introduction",
            "chiffres_cles",
        ];
        allowed.extend(parent_key);
        self.check_keys(entry, &allowed);
        let raw = &entry.value;
        // `as1` and `AS1` would name one page on a disk that ignores case.
        if !seen.insert(raw.id.value.to_lowercase()) {
            self.duplicate(
                format!(
                    "l'identifiant « {} » ({})",
                    raw.id.value,
                    level.labels.libelle.to_lowercase()
                ),
                entry.location(&raw.id.referenced),
            );
        }
        let kind = raw
            .kind
            .as_ref()
            .and_then(|kind| self.group_kind(level, entry, kind));
        let parent = parent_key.and_then(|key| match raw.other.get(key) {
            Some(raw::FieldValue::Text(parent)) => Some(parent.clone()),
            Some(_) => {
                self.error(
                    "type-incorrect",
                    format!("« {key} » attend un seul identifiant"),
                    self.value_location(entry, key),
                    Some(format!("écrivez « {key}: <identifiant> »")),
                );
                None
            }
            None => {
                self.error(
                    "champ-manquant",
                    format!(
                        "champ obligatoire « {key} » manquant : de quel élément « {} » dépend-il ?",
                        raw.id.value
                    ),
                    entry.location(&raw.id.referenced),
                    Some(format!("ajoutez une ligne « {key}: <identifiant> »")),
                );
                None
            }
        });
        let id = self.group_id(entry);
        Unplaced {
            group: Group {
                level: level_index,
                id,
                kind,
                numero: raw.numero.as_ref().map(|n| n.value.clone()),
                titre: raw.titre.clone(),
                introduction: raw
                    .introduction
                    .as_ref()
                    .map(|text| self.markdown_in_yaml(entry, text)),
                chiffres_cles: raw.chiffres_cles.clone(),
                parent: None,
                children: Vec::new(),
                fiches: Vec::new(),
                location: entry.location(&raw.id.referenced),
            },
            parent,
            parent_location: parent_key.map_or_else(
                || entry.location(&raw.id.referenced),
                |key| self.value_location(entry, key),
            ),
        }
    }

    /// The id of a group, which names its page (`axe/as1.html`): letters, digits, `-`,
    /// `_` and `.` (`1.2`). Another id is reported and replaced by its slug, so that no
    /// `/` or `..` ever reaches a path and the fiches writing the slug raise no error.
    fn group_id(&mut self, entry: &Parsed<GroupEntry>) -> String {
        let id = &entry.value.id;
        let valid = !id.value.starts_with('.')
            && (id.value.chars()).all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if valid {
            return id.value.clone();
        }
        let at = entry.location(&id.referenced);
        let line = at.line;
        self.replacement_id(
            format!("identifiant « {} » invalide", id.value),
            &id.value,
            at,
            (
                "des lettres sans accent, des chiffres, « - », « _ » ou « . », sans espace ni « / » (l'identifiant nomme la page de l'élément)",
                "as1",
            ),
            || format!("element-{line}"),
        )
    }

    /// The position of the `kind` an entry names among those its level declares.
    fn group_kind(
        &mut self,
        level: &Level,
        entry: &Parsed<GroupEntry>,
        kind: &Spanned<String>,
    ) -> Option<usize> {
        let found = level.kinds.iter().position(|k| k.id == kind.value);
        if found.is_none() {
            let declared = || level.kinds.iter().map(|k| k.id.as_str());
            self.error(
                "valeur-inconnue",
                format!(
                    "type « {} » inconnu pour le niveau « {} »",
                    kind.value, level.id
                ),
                entry.location(&kind.referenced),
                did_you_mean(suggest(&kind.value, declared())).or_else(|| {
                    Some(format!(
                        "les types déclarés dans schema.yaml sont : {}",
                        declared().collect::<Vec<_>>().join(", ")
                    ))
                }),
            );
        }
        found
    }

    /// Groups left `pending` once the tree is laid out name a parent that does not exist.
    /// They still take a place (as roots) so that fiches and references naming them raise
    /// no second error.
    fn place_orphans(
        &mut self,
        hierarchy: &Hierarchy,
        pending: Vec<Vec<Option<Unplaced>>>,
        placed: &mut [HashMap<String, GroupId>],
        ordered: &mut Vec<Group>,
    ) {
        for (level_index, groups) in pending.into_iter().enumerate() {
            let parent_level = &hierarchy.levels[level_index.saturating_sub(1)];
            for mut unplaced in groups.into_iter().flatten() {
                let known_parent = unplaced
                    .parent
                    .as_ref()
                    .and_then(|p| placed[level_index.saturating_sub(1)].get(p).copied());
                if let Some(parent) = known_parent {
                    // The child of an orphan: its own parent exists.
                    unplaced.group.parent = Some(parent);
                    let id = ordered.len();
                    ordered[parent].children.push(id);
                } else if let Some(parent) = &unplaced.parent {
                    let known: Vec<String> = ordered
                        .iter()
                        .filter(|g| g.level + 1 == level_index)
                        .map(|g| g.id.clone())
                        .collect();
                    self.unknown(
                        &parent_level.labels.libelle.to_lowercase(),
                        parent,
                        unplaced.parent_location.clone(),
                        known.iter(),
                        &format!("schema-data/{}", parent_level.file),
                    );
                }
                placed[level_index]
                    .entry(unplaced.group.id.clone())
                    .or_insert(ordered.len());
                ordered.push(unplaced.group);
            }
        }
    }

    fn place(
        &mut self,
        level: usize,
        position: usize,
        parent: Option<GroupId>,
        pending: &mut [Vec<Option<Unplaced>>],
        placed: &mut [HashMap<String, GroupId>],
        ordered: &mut Vec<Group>,
    ) {
        let Some(Unplaced { mut group, .. }) = pending[level][position].take() else {
            return;
        };
        let id = ordered.len();
        group.parent = parent;
        let key = group.id.clone();
        ordered.push(group);
        if let Some(parent) = parent {
            ordered[parent].children.push(id);
        }
        placed[level].entry(key.clone()).or_insert(id);
        if level + 1 < pending.len() {
            let children: Vec<usize> = pending[level + 1]
                .iter()
                .enumerate()
                .filter(|(_, entry)| {
                    entry
                        .as_ref()
                        .is_some_and(|u| u.parent.as_deref() == Some(key.as_str()))
                })
                .map(|(i, _)| i)
                .collect();
            for child in children {
                self.place(level + 1, child, Some(id), pending, placed, ordered);
            }
        }
    }

    fn check_group_numbers(&mut self, groups: &[Group]) {
        for group in groups {
            let (Some(parent), Some(numero)) = (group.parent, &group.numero) else {
                continue;
            };
            if let Some(parent_numero) = &groups[parent].numero
                && !numero.starts_with(&format!("{parent_numero}."))
            {
                self.error(
                    "numero-incoherent",
                    format!("le numéro « {numero} » ne commence pas par celui de son parent « {parent_numero} »"),
                    group.location.clone(),
                    Some(format!("avec la numérotation hiérarchique, écrivez « {parent_numero}.N »")),
                );
            }
        }
    }

    fn fiches(
        &mut self,
        hierarchy: &Hierarchy,
        periode: Period,
        documents: &[std::sync::Arc<Document<raw::FicheFrontMatter>>],
        groups: &[Group],
        index: &Index,
    ) -> Vec<Fiche> {
        let Some(lowest) = hierarchy.levels.last() else {
            return Vec::new();
        };
        let mut allowed = vec![
            "numero",
            "titre",
            "resume",
            "mis_a_jour",
            "pilotes",
            "contributeurs",
            "calendrier",
            "sous_actions",
            "indicateurs",
            "statut",
            "suivi",
            lowest.id.as_str(),
        ];
        allowed.extend(hierarchy.fiche.fields.iter().map(|f| f.id.as_str()));
        // Each fiche is read on its own, on every core; a number taken twice is found
        // after, in the order of the files.
        let sources = self.sources;
        let reading = FicheReading {
            hierarchy,
            lowest,
            periode,
            allowed: &allowed,
            groups,
            index,
        };
        let read: Vec<(Option<Numero>, Option<Fiche>, Diagnostics)> = documents
            .par_iter()
            .map(|document| {
                let mut resolver = Resolver {
                    sources,
                    diagnostics: Diagnostics::default(),
                };
                let (numero, fiche) = resolver.fiche(document, &reading);
                (numero, fiche, resolver.diagnostics)
            })
            .collect();
        let mut seen: HashMap<String, &Path> = HashMap::new();
        let mut fiches = Vec::new();
        for (document, (numero, fiche, diagnostics)) in documents.iter().zip(read) {
            let front = &document.front;
            // Before the fiche's own messages, as when it was read in one pass: a number
            // taken twice comes first of those at the number's place.
            if let Some(numero) = numero
                && let Some(other) = seen.insert(numero.text.clone(), &front.file)
            {
                self.error(
                    "numero-en-double",
                    format!(
                        "le numéro {} est déjà pris par {}",
                        numero.text,
                        other.display()
                    ),
                    front.location(&front.value.numero.referenced),
                    Some("chaque fiche a son propre numéro".into()),
                );
            }
            self.diagnostics.extend(diagnostics);
            fiches.extend(fiche);
        }
        fiches
    }

    /// One fiche of the model, if its number and its parent read, with its number if it
    /// reads under the schema's numbering (to be checked against the others').
    fn fiche(
        &mut self,
        document: &Document<raw::FicheFrontMatter>,
        reading: &FicheReading,
    ) -> (Option<Numero>, Option<Fiche>) {
        let FicheReading {
            hierarchy,
            lowest,
            periode,
            allowed,
            groups,
            index,
        } = *reading;
        let front = &document.front;
        let raw = &front.value;
        self.check_keys(front, allowed);
        let numero = self.fiche_numero(front, hierarchy.fiche.numbering);
        let group = self.fiche_parent(front, hierarchy, lowest, groups, index);
        if let (Some(numero), Some(group)) = (&numero, group)
            && hierarchy.fiche.numbering == Numbering::Hierarchique
        {
            self.check_numero_under_parent(front, numero, &groups[group]);
        }

        let pilotes = self.actor_refs(front, &raw.pilotes, index);
        let contributeurs = self.actor_refs(front, &raw.contributeurs, index);
        let calendrier = self.fiche_calendar(front, raw.calendrier.as_ref(), periode);
        let sous_actions =
            self.sous_actions(front, &raw.sous_actions, periode, &hierarchy.sous_action);
        self.check_calendar_covers(front, &calendrier, &sous_actions);
        let fields = self.extra_fields(front, hierarchy);

        let Some(numero) = numero else {
            return (None, None);
        };
        // A number that breaks the continuous numbering is reported already.
        let checked = (hierarchy.fiche.numbering == Numbering::Hierarchique
            || numero.parts.len() == 1)
            .then(|| numero.clone());
        let Some(group) = group else {
            return (checked, None);
        };
        let fiche = Fiche {
            label: format!("{} {}", hierarchy.fiche.labels.libelle, numero.text),
            numero,
            titre: raw.titre.clone(),
            resume: raw.resume.clone(),
            group,
            pilotes,
            contributeurs,
            calendrier,
            sous_actions,
            indicateurs: Indicateurs {
                suivi: raw.indicateurs.suivi.clone(),
                resultats: raw.indicateurs.resultats.clone(),
            },
            statut_declare: raw.statut,
            suivi: self.suivi(front, &raw.suivi, periode),
            mesures: Vec::new(),
            fields,
            mis_a_jour: self.front_date(front, raw.mis_a_jour.as_ref()),
            body: document.markdown(),
            source: front.file.clone(),
        };
        (checked, Some(fiche))
    }

    /// With hierarchical numbering, a fiche's number starts with its parent's.
    fn check_numero_under_parent(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        numero: &Numero,
        parent: &Group,
    ) {
        if let Some(parent_numero) = &parent.numero
            && !numero.text.starts_with(&format!("{parent_numero}."))
        {
            self.error(
                "numero-incoherent",
                format!(
                    "le numéro « {} » ne commence pas par celui de son parent « {parent_numero} »",
                    numero.text
                ),
                front.location(&front.value.numero.referenced),
                Some(format!(
                    "avec la numérotation hiérarchique, écrivez « {parent_numero}.N »"
                )),
            );
        }
    }

    /// The fiche's number, if it reads; an error if it does not suit the schema's
    /// numbering.
    fn fiche_numero(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        numbering: Numbering,
    ) -> Option<Numero> {
        let raw = &front.value.numero;
        let location = front.location(&raw.referenced);
        let Some(numero) = Numero::parse(&raw.value) else {
            self.error(
                "numero-invalide",
                format!("numéro « {} » illisible", raw.value),
                location,
                Some(match numbering {
                    Numbering::Continue => "écrivez un nombre entier, par exemple « numero: 12 »".into(),
                    Numbering::Hierarchique => "écrivez des nombres séparés par des points, entre guillemets : « numero: \"1.2.3\" »".into(),
                }),
            );
            return None;
        };
        if numbering == Numbering::Continue && numero.parts.len() != 1 {
            self.error(
                "numero-invalide",
                format!(
                    "numéro « {} » : la numérotation de ce schéma est continue (1, 2, 3…)",
                    numero.text
                ),
                location,
                Some("ou passez « numerotation: hierarchique » dans schema.yaml".into()),
            );
        }
        Some(numero)
    }

    /// The group of the `lowest` level of `hierarchy` that the fiche names as its parent.
    fn fiche_parent(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        hierarchy: &Hierarchy,
        lowest: &Level,
        groups: &[Group],
        index: &Index,
    ) -> Option<GroupId> {
        match front.value.other.get(&lowest.id) {
            Some(raw::FieldValue::Text(parent)) => {
                let found = index
                    .groups
                    .get(&(lowest.id.clone(), parent.clone()))
                    .copied();
                if found.is_none() {
                    let known = groups
                        .iter()
                        .filter(|g| hierarchy.levels[g.level].id == lowest.id)
                        .map(|g| &g.id);
                    let at = self.value_location(front, &lowest.id);
                    self.unknown(
                        &lowest.labels.libelle.to_lowercase(),
                        parent,
                        at,
                        known,
                        &format!("schema-data/{}", lowest.file),
                    );
                }
                found
            }
            Some(raw::FieldValue::List(_) | raw::FieldValue::Other(_)) => {
                self.error(
                    "type-incorrect",
                    format!("« {} » attend un seul identifiant", lowest.id),
                    front.key_location(&lowest.id),
                    None,
                );
                None
            }
            None => {
                self.error(
                    "champ-manquant",
                    format!("champ obligatoire « {} » manquant", lowest.id),
                    Location::file(&front.file),
                    Some(format!(
                        "indiquez le parent de la fiche (niveau « {} ») : « {}: <identifiant> »",
                        lowest.labels.libelle, lowest.id
                    )),
                );
                None
            }
        }
    }

    fn actor_refs(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        entries: &[Spanned<ActorEntry>],
        index: &Index,
    ) -> Vec<ActorRef> {
        entries
            .iter()
            .filter_map(|entry| {
                let (id, precision) = match &entry.value {
                    ActorEntry::Free { libre } => return Some(ActorRef::Free(libre.clone())),
                    ActorEntry::Id(id) => (id, None),
                    ActorEntry::WithPrecision { acteur, precision } => (acteur, precision.clone()),
                };
                let acteur = self.acteur(id, front.location(&entry.referenced), index)?;
                Some(ActorRef::Known { acteur, precision })
            })
            .collect()
    }

    /// The actor an id names, or a `reference-inconnue` diagnostic at `at`.
    fn acteur(&mut self, id: &str, at: Location, index: &Index) -> Option<ActeurId> {
        let found = index.acteurs.get(id).copied();
        if found.is_none() {
            self.unknown(
                "acteur",
                id,
                at,
                index.acteurs.keys(),
                crate::load::ACTEURS_FILE,
            );
        }
        found
    }

    fn catalogue(&mut self, parsed: &Parsed<raw::CatalogueFile>) -> Catalogue {
        let mut themes: Vec<Theme> = Vec::new();
        for theme in &parsed.value.themes {
            if !is_slug(&theme.id.value) {
                self.error(
                    "id-invalide",
                    format!("identifiant de thème « {} » invalide", theme.id.value),
                    parsed.location(&theme.id.referenced),
                    Some("utilisez des minuscules sans accent, des chiffres et des tirets".into()),
                );
            }
            if themes.iter().any(|t| t.id == theme.id.value) {
                self.duplicate(
                    format!("le thème « {} »", theme.id.value),
                    parsed.location(&theme.id.referenced),
                );
                continue;
            }
            themes.push(Theme {
                id: theme.id.value.clone(),
                titre: theme.titre.clone(),
                description: theme.description.clone(),
            });
        }
        Catalogue {
            themes,
            facets: Default::default(),
            sections: section_rules(&parsed.value.sections),
        }
    }

    fn pratiques(
        &mut self,
        documents: &[std::sync::Arc<Document<raw::PratiqueFrontMatter>>],
        catalogue: Option<&Catalogue>,
        index: &mut Index,
    ) -> Vec<Pratique> {
        let Some(catalogue) = catalogue else {
            if let Some(first) = documents.first() {
                self.error(
                    "catalogue-manquant",
                    "des fiches pratiques existent mais le catalogue n'est pas configuré".into(),
                    Location::file(&first.front.file),
                    Some(format!(
                        "créez {} avec la liste des thèmes",
                        crate::load::CATALOGUE_FILE
                    )),
                );
            }
            return Vec::new();
        };
        let theme_ids: Vec<String> = catalogue.themes.iter().map(|t| t.id.clone()).collect();
        let mut pratiques: Vec<Pratique> = Vec::new();
        // Code → index in `pratiques`: a catalogue of thousands of cards is checked for
        // duplicates without comparing every pair.
        let mut taken: HashMap<String, usize> = HashMap::new();
        // Checked here rather than by the parser, which stops at the first: every
        // misspelt field of a card is reported at once.
        let fields = raw::field_names::<raw::PratiqueFrontMatter>();
        for document in documents {
            let front = &document.front;
            let raw = &front.value;
            self.check_keys(front, fields);
            let code = raw.code.value.to_lowercase();
            if !is_slug(&code) {
                self.error(
                    "id-invalide",
                    format!("code de fiche pratique « {} » invalide", raw.code.value),
                    front.location(&raw.code.referenced),
                    Some("un code s'écrit en chiffres et lettres sans espace : « 1a »".into()),
                );
                continue;
            }
            if let Some(&other) = taken.get(&code) {
                self.error(
                    "id-en-double",
                    format!(
                        "le code « {code} » est déjà pris par {}",
                        pratiques[other].source.display()
                    ),
                    front.location(&raw.code.referenced),
                    Some(
                        "chaque fiche pratique a son propre code ; majuscules et minuscules ne les distinguent pas".into(),
                    ),
                );
                continue;
            }
            let themes = self.card_themes(front, catalogue, &theme_ids);
            let initiateurs = self.card_initiateurs(front, index);
            let liens = self.card_links(front);
            taken.insert(code.clone(), pratiques.len());
            pratiques.push(Pratique {
                code,
                titre: raw.titre.clone(),
                themes,
                territoire: raw.territoire.clone(),
                annee: raw.annee.as_ref().map(|a| card_year(&a.value)),
                initiateurs,
                publics: raw.publics.clone(),
                public_slugs: raw.publics.iter().map(slug::slugify).collect(),
                financements: raw.financements.clone(),
                contact: raw.contact.clone(),
                liens,
                mis_a_jour: self.front_date(front, raw.mis_a_jour.as_ref()),
                body: document.markdown(),
                source: front.file.clone(),
            });
        }
        pratiques.sort_by_key(|p| natural_key(&p.code));
        index.pratiques = pratiques
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.clone(), i))
            .collect();
        pratiques
    }

    /// The positions in the catalogue of the themes a card names; it must name one.
    fn card_themes(
        &mut self,
        front: &Parsed<raw::PratiqueFrontMatter>,
        catalogue: &Catalogue,
        theme_ids: &[String],
    ) -> Vec<usize> {
        let named = &front.value.themes;
        if named.is_empty() {
            self.error(
                "champ-manquant",
                "une fiche pratique a au moins un thème".into(),
                front.key_location("themes"),
                Some(format!("thèmes possibles : {}", theme_ids.join(", "))),
            );
        }
        named
            .iter()
            .filter_map(|theme| {
                let found = catalogue.themes.iter().position(|t| t.id == theme.value);
                if found.is_none() {
                    self.unknown(
                        "thème",
                        &theme.value,
                        front.location(&theme.referenced),
                        theme_ids.iter(),
                        crate::load::CATALOGUE_FILE,
                    );
                }
                found
            })
            .collect()
    }

    /// Who started the practice: actors of the directory, or free text.
    fn card_initiateurs(
        &mut self,
        front: &Parsed<raw::PratiqueFrontMatter>,
        index: &Index,
    ) -> Vec<ActorRef> {
        front
            .value
            .initiateurs
            .iter()
            .filter_map(|entry| match &entry.value {
                raw::CardActor::Text(text) => Some(ActorRef::Free(text.clone())),
                raw::CardActor::Acteur { acteur } => {
                    let acteur = self.acteur(acteur, front.location(&entry.referenced), index)?;
                    Some(ActorRef::Known {
                        acteur,
                        precision: None,
                    })
                }
            })
            .collect()
    }

    /// The card's links (title, address), those to the web only.
    fn card_links(&mut self, front: &Parsed<raw::PratiqueFrontMatter>) -> Vec<(String, String)> {
        front
            .value
            .liens
            .iter()
            .filter(|lien| {
                self.web_url(
                    &lien.url,
                    front.location(&lien.url.referenced),
                    WEB_URL_HINT,
                )
            })
            .map(|lien| (lien.titre.clone(), lien.url.value.clone()))
            .collect()
    }

    fn front_date<T>(
        &mut self,
        front: &Parsed<T>,
        date: Option<&Spanned<String>>,
    ) -> Option<jiff::civil::Date> {
        let date = date?;
        self.date(&date.value, front.location(&date.referenced))
    }

    /// A calendar date written AAAA-MM-JJ.
    fn date(&mut self, text: &str, at: Location) -> Option<jiff::civil::Date> {
        let parsed = text.parse::<jiff::civil::Date>().ok();
        if parsed.is_none() {
            self.error(
                "date-invalide",
                format!("date « {text} » illisible"),
                at,
                Some("écrivez la date sous la forme AAAA-MM-JJ, par exemple 2019-04-18".into()),
            );
        }
        parsed
    }

    fn fiche_calendar(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        calendar: Option<&raw::FicheCalendar>,
        periode: Period,
    ) -> FicheCalendar {
        let Some(calendar) = calendar else {
            return FicheCalendar::default();
        };
        for year in calendar.debut.iter().chain(&calendar.fin) {
            self.check_year(front, year, periode);
        }
        if let (Some(debut), Some(fin)) = (&calendar.debut, &calendar.fin)
            && debut.value > fin.value
        {
            self.error(
                "calendrier-inverse",
                format!(
                    "le calendrier finit ({}) avant de commencer ({})",
                    fin.value, debut.value
                ),
                front.location(&fin.referenced),
                Some("« debut » doit précéder « fin »".into()),
            );
        }
        FicheCalendar {
            libelle: calendar.libelle.clone(),
            debut: calendar.debut.as_ref().map(|y| y.value),
            fin: calendar.fin.as_ref().map(|y| y.value),
            jalons: self.jalons(front, &calendar.jalons, periode),
        }
    }

    fn check_year<T>(&mut self, front: &Parsed<T>, year: &Spanned<u16>, periode: Period) {
        if !periode.contains(year.value) {
            self.error(
                "hors-periode",
                format!(
                    "l'année {} est hors de la période du schéma ({}-{})",
                    year.value, periode.debut, periode.fin
                ),
                front.location(&year.referenced),
                Some("corrigez l'année, ou la période dans schema-data/schema.yaml".into()),
            );
        }
    }

    fn sous_actions(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        entries: &[raw::SousActionEntry],
        periode: Period,
        labels: &Labels,
    ) -> Vec<SousAction> {
        let mut seen = HashSet::new();
        entries
            .iter()
            .map(|entry| {
                if !seen.insert(entry.numero.value) {
                    self.error(
                        "numero-en-double",
                        format!(
                            "le numéro {} est donné à deux éléments « {} » de la même fiche",
                            entry.numero.value, labels.libelle
                        ),
                        front.location(&entry.numero.referenced),
                        Some("chaque élément a son propre numéro dans la fiche".into()),
                    );
                }
                let periodes = self.sous_action_periods(front, entry, periode);
                let mut annees: Vec<u16> = periodes
                    .iter()
                    .flat_map(|span| span.start.year()..=span.end.year())
                    .collect();
                annees.sort_unstable();
                annees.dedup();
                let suivi = self.suivi(front, &entry.suivi, periode);
                SousAction {
                    numero: entry.numero.value,
                    titre: entry.titre.clone(),
                    periodes,
                    annees,
                    statut: entry.statut.or_else(|| suivi.last().map(|s| s.statut)),
                    suivi,
                    jalons: self.jalons(front, &entry.jalons, periode),
                    description: entry
                        .description
                        .as_ref()
                        .map(|text| self.markdown_in_yaml(front, text)),
                }
            })
            .collect()
    }

    /// The documents' fiche-level calendars and their grids sometimes disagree: the site
    /// shows what the author wrote, and says so.
    fn check_calendar_covers(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        calendrier: &FicheCalendar,
        sous_actions: &[SousAction],
    ) {
        let years = sous_actions.iter().flat_map(|s| s.annees.iter().copied());
        let (Some(first), Some(last)) = (years.clone().min(), years.max()) else {
            return;
        };
        let starts_late = calendrier.debut.is_some_and(|debut| debut > first);
        let ends_early = calendrier.fin.is_some_and(|fin| fin < last);
        if starts_late || ends_early {
            let declared = match (calendrier.debut, calendrier.fin) {
                (Some(debut), Some(fin)) => format!("{debut}-{fin}"),
                (Some(debut), None) => format!("à partir de {debut}"),
                (None, Some(fin)) => format!("jusqu'en {fin}"),
                (None, None) => String::new(),
            };
            let mut diagnostic = Diagnostic::warning(
                "calendrier-incoherent",
                format!("le calendrier de la fiche ({declared}) ne couvre pas celui de ses sous-actions ({first}-{last})"),
            )
            .hint("le site montre les deux tels qu'écrits ; vérifiez le document d'origine");
            diagnostic.location = Some(front.key_location("calendrier"));
            self.diagnostics.push(diagnostic);
        }
    }

    /// The years of the grid as runs of consecutive years, or the stretch from `debut` to
    /// `fin` (to the end of the schéma without `fin`).
    fn sous_action_periods(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        entry: &raw::SousActionEntry,
        periode: Period,
    ) -> Vec<Span> {
        if let Some(debut) = entry.debut.as_ref().filter(|_| !entry.annees.is_empty()) {
            self.error(
                "calendrier-double",
                "calendrier donné deux fois : « annees » et « debut »".into(),
                front.location(&debut.referenced),
                Some("gardez soit la liste des années, soit « debut » (et « fin »)".into()),
            );
            return Vec::new();
        }
        if !entry.annees.is_empty() {
            for year in &entry.annees {
                self.check_year(front, year, periode);
            }
            let mut years: Vec<u16> = entry.annees.iter().map(|y| y.value).collect();
            years.sort_unstable();
            years.dedup();
            let mut spans: Vec<Span> = Vec::new();
            for year in years {
                match spans.last_mut() {
                    Some(span) if span.end.year() + 1 == year => span.end = Month::new(year, 12),
                    _ => spans.push(Span::years(year, year)),
                }
            }
            return spans;
        }
        let start = entry.debut.as_ref().map(|d| self.moment(front, d, periode));
        let end = entry.fin.as_ref().map(|f| self.moment(front, f, periode));
        let (start, end) = match (start, end) {
            (None, None) => return Vec::new(),
            (Some(None), _) | (_, Some(None)) => return Vec::new(),
            (Some(Some(start)), None) => (start, periode.span()),
            (None, Some(Some(end))) => (periode.span(), end),
            (Some(Some(start)), Some(Some(end))) => (start, end),
        };
        if start.start > end.end {
            let at = entry
                .fin
                .as_ref()
                .or(entry.debut.as_ref())
                .map(|f| front.location(&f.referenced));
            self.error(
                "calendrier-inverse",
                format!(
                    "le calendrier finit ({}) avant de commencer ({})",
                    end.label(),
                    start.label()
                ),
                at.unwrap_or_else(|| Location::file(&front.file)),
                Some("« debut » doit précéder « fin »".into()),
            );
            return Vec::new();
        }
        vec![start.to(end)]
    }

    /// A moment written by an editor, inside the schéma's period.
    fn moment(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        text: &Spanned<String>,
        periode: Period,
    ) -> Option<Span> {
        let at = front.location(&text.referenced);
        let Some(span) = time::parse_moment(&text.value) else {
            self.error(
                "date-invalide",
                format!("moment « {} » illisible", text.value),
                at,
                Some("écrivez une année (2021), un semestre (2021-S2), un trimestre (2021-T3), un mois (2021-03) ou un jour (2021-03-15)".into()),
            );
            return None;
        };
        let whole = periode.span();
        if span.start < whole.start || span.end > whole.end {
            self.error(
                "hors-periode",
                format!(
                    "« {} » est hors de la période du schéma ({}-{})",
                    text.value, periode.debut, periode.fin
                ),
                at,
                Some("corrigez la date, ou la période dans schema-data/schema.yaml".into()),
            );
            return None;
        }
        Some(span)
    }

    fn jalons(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        entries: &[raw::JalonEntry],
        periode: Period,
    ) -> Vec<Jalon> {
        let mut jalons: Vec<Jalon> = entries
            .iter()
            .filter_map(|entry| {
                let moment = self.moment(front, &entry.date, periode)?;
                Some(Jalon {
                    moment,
                    libelle: entry.libelle.clone(),
                })
            })
            .collect();
        jalons.sort_by_key(|j| j.moment.start);
        jalons
    }

    /// Follow-up entries, one per year of the schéma, sorted by year.
    fn suivi(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        entries: &[raw::SuiviEntry],
        periode: Period,
    ) -> Vec<Suivi> {
        let mut suivi: Vec<Suivi> = Vec::new();
        for entry in entries {
            self.check_year(front, &entry.annee, periode);
            if suivi.iter().any(|s| s.annee == entry.annee.value) {
                self.error(
                    "annee-en-double",
                    format!("l'année {} est suivie deux fois", entry.annee.value),
                    front.location(&entry.annee.referenced),
                    Some("gardez une seule entrée par année : la situation en fin d'année".into()),
                );
                continue;
            }
            suivi.push(Suivi {
                annee: entry.annee.value,
                statut: entry.statut,
                date: self.front_date(front, entry.date.as_ref()),
                commentaire: entry.commentaire.clone(),
            });
        }
        suivi.sort_by_key(|s| s.annee);
        suivi
    }

    /// The indicators, each linked to the fiches it measures (and they back to it).
    fn indicateurs(
        &mut self,
        entries: &[Parsed<raw::IndicateurEntry>],
        periode: Period,
        fiches: &mut [Fiche],
        index: &mut Index,
    ) -> Vec<Indicateur> {
        let mut indicateurs: Vec<Indicateur> = Vec::new();
        for entry in entries {
            let raw = &entry.value;
            let id = &raw.id;
            if !is_slug(&id.value) {
                self.error(
                    "id-invalide",
                    format!("identifiant d'indicateur « {} » invalide", id.value),
                    entry.location(&id.referenced),
                    Some("utilisez des minuscules sans accent, des chiffres et des tirets : « journees-cer »".into()),
                );
                continue;
            }
            if index.indicateurs.contains_key(&id.value) {
                self.duplicate(
                    format!("l'indicateur « {} »", id.value),
                    entry.location(&id.referenced),
                );
                continue;
            }
            let measured = self.measured_fiches(entry, fiches, index);
            let unit = Unit {
                unite: raw.unite,
                mesure: raw.mesure.as_deref(),
            };
            let cible = raw
                .cible
                .as_ref()
                .and_then(|cible| self.indicator_target(entry, cible, periode, unit));
            let valeurs = self.indicator_values(entry, periode, unit);
            let position = indicateurs.len();
            index.indicateurs.insert(id.value.clone(), position);
            for &f in &measured {
                fiches[f].mesures.push(position);
            }
            indicateurs.push(Indicateur {
                id: id.value.clone(),
                libelle: raw.libelle.clone(),
                fiches: measured,
                kind: raw.kind,
                unite: raw.unite,
                mesure: raw.mesure.clone(),
                sens: raw.sens,
                cible,
                source: raw.source.clone(),
                description: raw.description.clone(),
                valeurs,
            });
        }
        indicateurs
    }

    /// The fiches an indicator measures, each once, in order; it must name one.
    fn measured_fiches(
        &mut self,
        entry: &Parsed<raw::IndicateurEntry>,
        fiches: &[Fiche],
        index: &Index,
    ) -> Vec<FicheId> {
        let named = &entry.value.fiches;
        if named.is_empty() {
            self.error(
                "champ-manquant",
                "un indicateur mesure au moins une fiche".into(),
                entry.key_location("fiches"),
                Some("écrivez les numéros des fiches : « fiches: [9, 12] »".into()),
            );
        }
        let mut measured: Vec<FicheId> = Vec::new();
        for numero in named {
            match index.fiches.get(&numero.value) {
                Some(&f) => measured.push(f),
                None => {
                    let known: Vec<String> = fiches.iter().map(|f| f.numero.text.clone()).collect();
                    self.unknown(
                        "fiche",
                        &numero.value,
                        entry.location(&numero.referenced),
                        known.iter(),
                        "l'en-tête des fiches (numero)",
                    );
                }
            }
        }
        measured.sort_unstable();
        measured.dedup();
        measured
    }

    /// The indicator's target, if it has a number in the indicator's unit.
    fn indicator_target(
        &mut self,
        entry: &Parsed<raw::IndicateurEntry>,
        cible: &Spanned<raw::CibleEntry>,
        periode: Period,
        unit: Unit,
    ) -> Option<Cible> {
        if let Some(annee) = &cible.value.annee {
            self.check_year(entry, annee, periode);
        }
        let Some(valeur) = &cible.value.valeur else {
            self.error(
                "cible-sans-valeur",
                "la cible n'a pas de valeur".into(),
                entry.location(&cible.referenced),
                Some("ajoutez « valeur: » sous « cible: », ou retirez la cible".into()),
            );
            return None;
        };
        if !unit.unite.is_numeric() {
            self.error(
                "valeur-non-numerique",
                "un indicateur « texte » ne peut pas avoir de cible chiffrée".into(),
                entry.location(&valeur.referenced),
                Some("retirez la cible, ou choisissez une unité chiffrée (nombre, pourcentage, euros, jours)".into()),
            );
            return None;
        }
        let valeur = self.measure(entry, valeur, unit)?;
        Some(Cible {
            valeur: valeur.number()?,
            annee: cible.value.annee.as_ref().map(|a| a.value),
        })
    }

    /// The indicator's yearly values, in year order, one per year.
    fn indicator_values(
        &mut self,
        entry: &Parsed<raw::IndicateurEntry>,
        periode: Period,
        unit: Unit,
    ) -> Vec<Valeur> {
        let mut valeurs: Vec<Valeur> = Vec::new();
        for value in &entry.value.valeurs {
            self.check_year(entry, &value.annee, periode);
            if valeurs.iter().any(|v| v.annee == value.annee.value) {
                self.error(
                    "annee-en-double",
                    format!("l'indicateur a deux valeurs pour {}", value.annee.value),
                    entry.location(&value.annee.referenced),
                    Some(
                        "gardez une seule valeur par année ; une précision va dans « note: »"
                            .into(),
                    ),
                );
                continue;
            }
            let Some(mesure) = self.measure(entry, &value.valeur, unit) else {
                continue;
            };
            valeurs.push(Valeur {
                annee: value.annee.value,
                mesure,
                source: value.source.clone(),
                date: self.front_date(entry, value.date.as_ref()),
                note: value.note.clone(),
            });
        }
        valeurs.sort_by_key(|v| v.annee);
        valeurs
    }

    /// A value as written, checked against the indicator's unit.
    fn measure(
        &mut self,
        entry: &Parsed<raw::IndicateurEntry>,
        value: &Spanned<raw::ValueEntry>,
        unit: Unit,
    ) -> Option<Mesure> {
        let at = entry.location(&value.referenced);
        let text = match &value.value {
            raw::ValueEntry::Number(n) if unit.unite.is_numeric() => {
                return Some(Mesure::Nombre(*n));
            }
            raw::ValueEntry::Number(n) => return Some(Mesure::Texte(n.to_string())),
            raw::ValueEntry::Text(text) if !unit.unite.is_numeric() => {
                return Some(Mesure::Texte(text.clone()));
            }
            raw::ValueEntry::Text(text) => text,
        };
        match crate::indicators::parse_number(text) {
            Some((number, suffix)) => {
                if suffix.is_empty() || unit.accepts(&suffix) {
                    Some(Mesure::Nombre(number))
                } else {
                    self.error(
                        "unite-incoherente",
                        format!(
                            "« {text} » est en « {suffix} », mais l'indicateur est en « {} »",
                            unit.name()
                        ),
                        at,
                        Some(
                            "écrivez le nombre seul, dans l'unité de l'indicateur (« unite: »)"
                                .into(),
                        ),
                    );
                    None
                }
            }
            None => {
                self.error(
                    "valeur-non-numerique",
                    format!(
                        "« {text} » n'est pas un nombre, alors que l'indicateur est en « {} »",
                        unit.name()
                    ),
                    at,
                    Some("écrivez un nombre (2407, « 2 407 », « 72,81 % ») ; pour un indicateur qualitatif, « unite: texte »".into()),
                );
                None
            }
        }
    }

    fn extra_fields(
        &mut self,
        front: &Parsed<raw::FicheFrontMatter>,
        hierarchy: &Hierarchy,
    ) -> Vec<(usize, Vec<String>)> {
        let mut fields = Vec::new();
        for (position, rule) in hierarchy.fiche.fields.iter().enumerate() {
            let values = match front.value.other.get(&rule.id) {
                Some(raw::FieldValue::Text(text)) => vec![text.clone()],
                Some(raw::FieldValue::List(list)) => list.clone(),
                Some(raw::FieldValue::Other(_)) => {
                    self.error(
                        "type-incorrect",
                        format!("« {} » attend un texte ou une liste de textes", rule.id),
                        self.value_location(front, &rule.id),
                        Some(format!(
                            "écrivez « {}: valeur » ou « {}: [valeur, valeur] »",
                            rule.id, rule.id
                        )),
                    );
                    continue;
                }
                None => {
                    if rule.required {
                        self.error(
                            "champ-manquant",
                            format!("champ obligatoire « {} » manquant", rule.id),
                            Location::file(&front.file),
                            Some(format!(
                                "ajoutez une ligne « {}: … » ({})",
                                rule.id, rule.libelle
                            )),
                        );
                    }
                    continue;
                }
            };
            for value in &values {
                if !rule.allowed.is_empty() && !rule.allowed.contains(value) {
                    self.error(
                        "valeur-inconnue",
                        format!("valeur « {value} » non prévue pour « {} »", rule.id),
                        self.value_location(front, &rule.id),
                        did_you_mean(suggest(value, rule.allowed.iter().map(String::as_str)))
                            .or_else(|| {
                                Some(format!("valeurs possibles : {}", rule.allowed.join(", ")))
                            }),
                    );
                }
            }
            fields.push((position, values));
        }
        fields
    }

    fn pages(
        &mut self,
        documents: &[std::sync::Arc<Document<raw::PageFrontMatter>>],
        hierarchy: &Hierarchy,
        index: &mut Index,
    ) -> Vec<Page> {
        let taken: HashSet<&str> = hierarchy
            .levels
            .iter()
            .map(|l| l.id.as_str())
            .chain([hierarchy.fiche.id.as_str()])
            .chain(RESERVED.iter().copied())
            .collect();
        let mut pages = Vec::new();
        for document in documents {
            let slug = document
                .front
                .file
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if let Some((message, hint)) = page_name_problem(&slug, &taken) {
                self.error(
                    "nom-de-page-invalide",
                    message,
                    Location::file(&document.front.file),
                    Some(hint),
                );
                continue;
            }
            index.pages.insert(slug.clone(), pages.len());
            let front = &document.front.value;
            pages.push(Page {
                slug,
                titre: front.titre.clone(),
                menu: front.menu,
                resume: front.resume.clone(),
                in_document: front.document.unwrap_or(true),
                body: document.markdown(),
                source: document.front.file.clone(),
            });
        }
        pages.sort_by(|a, b| {
            (a.menu.unwrap_or(u32::MAX), &a.titre).cmp(&(b.menu.unwrap_or(u32::MAX), &b.titre))
        });
        index.pages = pages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        pages
    }

    fn check_keys<T>(&mut self, parsed: &Parsed<T>, allowed: &[&str]) {
        for (key, _) in &parsed.keys.0 {
            if !allowed.contains(&key.value.as_str()) {
                self.error(
                    "champ-inconnu",
                    format!("champ inconnu « {} »", key.value),
                    parsed.location(&key.referenced),
                    did_you_mean(suggest(&key.value, allowed.iter().copied())).or_else(|| {
                        Some(format!(
                            "les champs possibles ici sont : {}",
                            allowed.join(", ")
                        ))
                    }),
                );
            }
        }
    }

    /// An id that names nothing: the nearest existing id as a hint, or where ids are defined.
    fn unknown<'k>(
        &mut self,
        what: &str,
        id: &str,
        at: Location,
        known: impl Iterator<Item = &'k String>,
        defined_in: &str,
    ) {
        let known: Vec<&str> = known.map(String::as_str).collect();
        self.error(
            "reference-inconnue",
            format!("{what} « {id} » introuvable"),
            at,
            did_you_mean(suggest(id, known.iter().copied()))
                .or_else(|| Some(format!("vérifiez l'identifiant dans {defined_in}"))),
        );
    }

    /// Where the value of `key` starts, on the line of the key: flattened values carry no
    /// position of their own.
    fn value_location<T>(&self, parsed: &Parsed<T>, key: &str) -> Location {
        let at = parsed.key_location(key);
        let Some(line) =
            (self.sources.lines_from(&parsed.file, at.line)).and_then(|mut l| l.next())
        else {
            return at;
        };
        let chars: Vec<char> = line.chars().collect();
        let mut i = at.column as usize - 1 + key.chars().count();
        if chars.get(i) != Some(&':') {
            return at;
        }
        i += 1;
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if i >= chars.len() {
            return at;
        }
        Location::new(&parsed.file, at.line, i as u32 + 1)
    }

    /// A Markdown text written in a YAML value: where its lines are in the file.
    fn markdown_in_yaml<T>(&self, parsed: &Parsed<T>, text: &Spanned<String>) -> Markdown {
        let at = parsed.location(&text.referenced);
        // The line of the value, then the next one, where a block scalar starts.
        let mut lines = self.sources.lines_from(&parsed.file, at.line);
        let mut next_line = || lines.as_mut().and_then(Iterator::next).unwrap_or("");
        let indicator = next_line().chars().nth(at.column as usize - 1);
        let (first_line, indent) = match indicator {
            Some('|' | '>') => {
                let next = next_line();
                (at.line + 1, (next.len() - next.trim_start().len()) as u32)
            }
            Some('"' | '\'') => (at.line, at.column),
            _ => (at.line, at.column - 1),
        };
        Markdown::in_yaml(&text.value, parsed.file.clone(), first_line, indent)
    }
}

/// An indicator's unit, to check the unit written after a value.
#[derive(Clone, Copy)]
struct Unit<'a> {
    unite: Unite,
    mesure: Option<&'a str>,
}

impl Unit<'_> {
    fn name(self) -> String {
        match (self.unite, self.mesure) {
            (Unite::Nombre, Some(mesure)) => mesure.to_string(),
            (unite, _) => crate::indicators::unit_name(unite).to_string(),
        }
    }

    /// "%" for a percentage, "€" for euros, "jours" for days, the counted thing for a number.
    fn accepts(self, suffix: &str) -> bool {
        let suffix = suffix.to_lowercase();
        match self.unite {
            Unite::Pourcentage => suffix == "%",
            Unite::Euros => matches!(suffix.as_str(), "€" | "euros" | "euro"),
            Unite::Jours => matches!(suffix.as_str(), "jours" | "jour" | "j"),
            Unite::Nombre => self.mesure.is_some_and(|m| m.to_lowercase() == suffix),
            Unite::Texte => true,
        }
    }
}

/// A group read from its level's file, before it takes its place in the tree.
struct Unplaced {
    group: Group,
    /// Id of the parent, named in the entry by the key of the level above.
    parent: Option<String>,
    /// Where that id is written.
    parent_location: Location,
}

fn labels(libelle: &str, pluriel: &str) -> Labels {
    Labels {
        libelle: libelle.to_string(),
        pluriel: pluriel.to_string(),
    }
}

/// Adds `item` unless it was just added: an actor named twice on one fiche counts once.
fn push_once<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if list.last() != Some(&item) {
        list.push(item);
    }
}

/// "fiche action 12", "Fiche-action 17, sous-action 1", "FA 12": the configured words, then
/// a number, then optionally a sous-action number. Words in capitals (FA) match only in
/// capitals; others ignore case, and their spaces match spaces or hyphens.
fn mention_pattern(words: &[String], sous_action: &str) -> Option<regex::Regex> {
    if words.is_empty() {
        return None;
    }
    let flexible = |word: &str, plural: &str| {
        word.split([' ', '-'])
            .filter(|part| !part.is_empty())
            .map(|part| format!("{}{plural}", regex::escape(part)))
            .collect::<Vec<_>>()
            .join(r"[\s-]+")
    };
    let alternatives: Vec<String> = words
        .iter()
        .map(|word| {
            if word.chars().any(char::is_lowercase) {
                format!("(?i:{})", flexible(word, "s?"))
            } else {
                flexible(word, "")
            }
        })
        .collect();
    let number = r"(?:n\s?°\s*)?(\d+(?:\.\d+)*)";
    let pattern = format!(
        r"(?-u:\b)(?:{})\s*{number}(?:\s*[,–—-]\s*(?i:sous[\s-]+actions?|{})\s*(?:n\s?°\s*)?(\d+))?(?-u:\b)",
        alternatives.join("|"),
        flexible(sous_action, "s?")
    );
    regex::Regex::new(&pattern).ok()
}

/// The years written in a card's « Année », as French writes them: « 2014 »,
/// « 2012, 2014 et 2018 » (those three), « 2020-2021 », « 2020-21 » or « de 2019 à
/// 2021 » (a span), « Depuis 2016 » (up to today).
fn card_year(text: &str) -> CardYear {
    let lower = text.to_lowercase();
    let numbers: Vec<std::ops::Range<usize>> = digit_runs(&lower).collect();
    let mut annees = Vec::new();
    let mut depuis = None;
    let mut i = 0;
    while i < numbers.len() {
        let number = &numbers[i];
        let Some(year) = parse_year(&lower[number.clone()]) else {
            i += 1;
            continue;
        };
        let span_end = numbers.get(i + 1).and_then(|next| {
            let written = &lower[next.clone()];
            match lower[number.end..next.start].trim() {
                "-" | "–" | "—" => span_end(year, written),
                // « de 2019 à 2021 »; « au 30 juin » is a day, not « 2030 ».
                "à" | "au" => parse_year(written).filter(|&end| end > year),
                _ => None,
            }
        });
        if let Some(end) = span_end {
            annees.extend(year..=end);
            i += 2;
            continue;
        }
        // « Depuis 2016 », « depuis septembre 2016 »: since the previous number or comma.
        let since = lower[..number.start]
            .rfind(|c: char| c.is_ascii_digit() || c == ',')
            .map_or(0, |at| at + 1);
        let before = &lower[since..number.start];
        if ["depuis", "dès", "à partir de"]
            .iter()
            .any(|w| before.contains(w))
        {
            depuis = Some(year);
        } else {
            annees.push(year);
        }
        i += 1;
    }
    CardYear {
        libelle: text.to_string(),
        annees,
        depuis,
    }
}

/// The byte ranges of the runs of ASCII digits of `text`.
fn digit_runs(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let start = i + bytes[i..].iter().position(u8::is_ascii_digit)?;
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        i = start + len;
        Some(start..i)
    })
}

/// The last year of a span that starts at `start`: « 2021 », or « 21 » in its century.
fn span_end(start: u16, written: &str) -> Option<u16> {
    let end = match written.len() {
        2 => start / 100 * 100 + written.parse::<u16>().ok()?,
        _ => parse_year(written)?,
    };
    (end > start).then_some(end)
}

/// "2b" before "10a": numbers compared as numbers.
fn natural_key(code: &str) -> (u32, String) {
    let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
    (
        digits.parse().unwrap_or(u32::MAX),
        code[digits.len()..].to_string(),
    )
}

/// "2019-2023", "2019 - 2023" or a single year.
pub fn parse_period(text: &str) -> Option<Period> {
    let (debut, fin) = match text.split_once('-') {
        Some((debut, fin)) => (debut.trim(), fin.trim()),
        None => (text.trim(), text.trim()),
    };
    let (debut, fin) = (parse_year(debut)?, parse_year(fin)?);
    (debut <= fin).then_some(Period { debut, fin })
}

fn parse_year(text: &str) -> Option<u16> {
    if text.len() != 4 {
        return None;
    }
    text.parse()
        .ok()
        .filter(|year| (1900..=2200).contains(year))
}

/// WCAG contrast ratio between two `#rrggbb` colours.
pub fn contrast_ratio(a: &str, b: &str) -> f64 {
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let value = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0)) / 255.0;
            if value <= 0.03928 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn is_hex_colour(text: &str) -> bool {
    text.strip_prefix('#')
        .is_some_and(|hex| hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// A path that stays inside the site and may be published: relative, no `..`, no drive
/// or scheme, nothing hidden (`.git/config` would publish a repository's secrets).
pub fn is_safe_relative_path(text: &str) -> bool {
    let path = Path::new(text);
    !text.is_empty()
        && !text.contains(':')
        && !text.contains('\\')
        && path.components().all(|c| match c {
            std::path::Component::Normal(name) => !name.as_encoded_bytes().starts_with(b"."),
            _ => false,
        })
}

/// The error for a link whose scheme could run code (`javascript:`, `data:`…); links to
/// the web, to e-mail, to a phone and within the site pass.
pub fn refused_link(url: &str) -> Option<Diagnostic> {
    let lower = url.trim().to_ascii_lowercase();
    let scheme = lower
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| !s.contains('/'))?;
    if matches!(scheme, "http" | "https" | "mailto" | "tel") {
        return None;
    }
    Some(
        Diagnostic::error("lien-interdit", format!("lien « {scheme}: » refusé")).hint(
            "seuls les liens http://, https://, mailto:, tel: et les liens relatifs sont publiés",
        ),
    )
}

/// An address on the web, whole: a page publishes it in a link and the sitemap and
/// `robots.txt` write it on a line of their own, which a space or a line break would cut.
fn is_web_url(text: &str) -> bool {
    let host = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    host.is_some_and(|host| !host.is_empty() && !host.starts_with('/'))
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\'))
}

const WEB_URL_HINT: &str = "une adresse commence par https:// ou http:// et ne contient ni espace ni retour à la ligne (une espace s'écrit %20)";

/// A path on the server where the site lives (`/schema/`): the 404 page loads its style
/// and script from there, so it must carry nothing but a path (browsers read
/// `/\evil.example` as another server; leading slashes are trimmed anyway).
fn is_server_path(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~'))
}

fn normalize_base(base: &str) -> String {
    let trimmed = base.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_string()
    } else {
        format!("/{trimmed}/")
    }
}

/// Alphabetical order that ignores case and accents.
pub fn sort_key(text: &str) -> String {
    slug::slugify(text)
}

/// The sections a fiche or a practice card must (or may) have, as configured.
fn section_rules(configs: &[crate::load::raw::SectionConfig]) -> Vec<SectionRule> {
    configs
        .iter()
        .map(|s| SectionRule {
            titre: s.titre.clone(),
            required: s.requise,
        })
        .collect()
}

/// The finest precision of any period or milestone of the fiches.
fn finest_precision(fiches: &[Fiche]) -> Precision {
    let sous_actions = fiches.iter().flat_map(|f| f.sous_actions.iter());
    let periods = sous_actions
        .clone()
        .flat_map(|s| s.periodes.iter().map(|p| p.finest()));
    let jalons = sous_actions
        .flat_map(|s| s.jalons.iter())
        .chain(fiches.iter().flat_map(|f| f.calendrier.jalons.iter()))
        .map(|j| j.moment.precision);
    periods.chain(jalons).max().unwrap_or(Precision::Year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_years_as_french_writes_them() {
        let years = |text: &str| {
            let year = card_year(text);
            (year.annees, year.depuis)
        };
        assert_eq!(years("2014"), (vec![2014], None));
        assert_eq!(years("2012, 2014 et 2018"), (vec![2012, 2014, 2018], None));
        assert_eq!(years("2020-2021"), (vec![2020, 2021], None));
        assert_eq!(years("2020-21"), (vec![2020, 2021], None));
        assert_eq!(years("de 2019 à 2021"), (vec![2019, 2020, 2021], None));
        assert_eq!(years("Ouverture en 2007"), (vec![2007], None));
        assert_eq!(years("Depuis 2016"), (vec![], Some(2016)));
        assert_eq!(years("Depuis septembre 2016"), (vec![], Some(2016)));
        assert_eq!(years("2012, depuis 2016"), (vec![2012], Some(2016)));
        assert_eq!(
            years("Du 1er septembre 2019 au 30 juin 2020"),
            (vec![2019, 2020], None)
        );
        assert_eq!(years("À préciser"), (vec![], None));
    }

    #[test]
    fn periods() {
        assert_eq!(
            parse_period("2019-2023"),
            Some(Period {
                debut: 2019,
                fin: 2023
            })
        );
        assert_eq!(
            parse_period("2017 - 2021"),
            Some(Period {
                debut: 2017,
                fin: 2021
            })
        );
        assert_eq!(
            parse_period("2020"),
            Some(Period {
                debut: 2020,
                fin: 2020
            })
        );
        assert_eq!(parse_period("2023-2019"), None);
        assert_eq!(parse_period("vingt"), None);
    }

    #[test]
    fn mentions() {
        let pattern = mention_pattern(&["fiche action".into(), "FA".into()], "Action").unwrap();
        let find = |text: &str| {
            pattern
                .captures(text)
                .map(|c| (c[1].to_string(), c.get(2).map(|m| m.as_str().to_string())))
        };
        assert_eq!(find("(Fiche action 6)"), Some(("6".into(), None)));
        assert_eq!(find("voir la fiche-action 12 :"), Some(("12".into(), None)));
        assert_eq!(
            find("cf. Fiche action 17,   sous action 1"),
            Some(("17".into(), Some("1".into())))
        );
        assert_eq!(
            find("(Fiche action 9 – sous action 2)"),
            Some(("9".into(), Some("2".into())))
        );
        assert_eq!(find("CF FA 1.2.3"), Some(("1.2.3".into(), None)));
        assert_eq!(find("fiches actions 3"), Some(("3".into(), None)));
        assert_eq!(find("une fa 3 minuscule"), None);
        assert_eq!(find("la fiche action du mois"), None);
    }

    #[test]
    fn contrast() {
        assert!((contrast_ratio("#000000", "#ffffff") - 21.0).abs() < 0.01);
        assert!(contrast_ratio("#1d4f91", "#ffffff") > 4.5);
        assert!(contrast_ratio("#77aaff", "#ffffff") < 4.5);
    }

    #[test]
    fn paths_stay_inside() {
        assert!(is_safe_relative_path("static/logo.svg"));
        assert!(!is_safe_relative_path("../secret"));
        assert!(!is_safe_relative_path("/etc/passwd"));
        assert!(!is_safe_relative_path("C:\\x"));
        assert!(!is_safe_relative_path(".git/config"));
        assert!(!is_safe_relative_path("static/.env"));
    }
}

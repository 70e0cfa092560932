//! Starting and growing a site without help: `jalon init` writes a site that builds at
//! once, `jalon new` adds a fiche, an axe, an actor, a card or a page with every field.

use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, Location, Sources};
use crate::model::{Numbering, Site};

/// The models `jalon init` offers, with their files: (path in the new site, contents).
pub const MODELES: &[(&str, &[(&str, &str)])] = &[
    (
        "axes-fiches",
        &[
            (
                "schema-data/schema.yaml",
                include_str!("../modeles/axes-fiches/schema.yaml"),
            ),
            (
                "schema-data/axes.yaml",
                include_str!("../modeles/axes-fiches/axes.yaml"),
            ),
            (
                "content/fiches/fiche-01.md",
                include_str!("../modeles/axes-fiches/fiche.md"),
            ),
        ],
    ),
    (
        "axes-orientations-actions",
        &[
            (
                "schema-data/schema.yaml",
                include_str!("../modeles/axes-orientations-actions/schema.yaml"),
            ),
            (
                "schema-data/axes.yaml",
                include_str!("../modeles/axes-orientations-actions/axes.yaml"),
            ),
            (
                "schema-data/orientations.yaml",
                include_str!("../modeles/axes-orientations-actions/orientations.yaml"),
            ),
            (
                "content/actions/action-1-1-1.md",
                include_str!("../modeles/axes-orientations-actions/action.md"),
            ),
        ],
    ),
    (
        "catalogue-pratiques",
        &[
            (
                "jalon.yaml",
                include_str!("../modeles/catalogue-pratiques/jalon.yaml"),
            ),
            (
                "schema-data/schema.yaml",
                include_str!("../modeles/catalogue-pratiques/schema.yaml"),
            ),
            (
                "schema-data/axes.yaml",
                include_str!("../modeles/catalogue-pratiques/axes.yaml"),
            ),
            (
                "schema-data/pratiques.yaml",
                include_str!("../modeles/catalogue-pratiques/pratiques.yaml"),
            ),
            (
                "content/pratiques/1a.md",
                include_str!("../modeles/catalogue-pratiques/pratique.md"),
            ),
            (
                "content/pages/presentation.md",
                include_str!("../modeles/catalogue-pratiques/presentation.md"),
            ),
            (
                "README.md",
                include_str!("../modeles/catalogue-pratiques/README.md"),
            ),
        ],
    ),
];

/// Files every model shares.
const COMMUN: &[(&str, &str)] = &[
    ("jalon.yaml", include_str!("../modeles/commun/jalon.yaml")),
    (
        "schema-data/acteurs.yaml",
        include_str!("../modeles/commun/acteurs.yaml"),
    ),
    (
        "schema-data/sigles.yaml",
        include_str!("../modeles/commun/sigles.yaml"),
    ),
    (
        "content/pages/presentation.md",
        include_str!("../modeles/commun/presentation.md"),
    ),
    ("README.md", include_str!("../modeles/commun/README.md")),
    // Named without its dot in the repository, where it would apply to the modèle itself.
    (".gitignore", include_str!("../modeles/commun/gitignore")),
];

/// What `jalon init` did in its folder.
#[derive(Debug)]
pub struct Created {
    pub written: Vec<PathBuf>,
    /// Files of the modèle that were there already (`--force`): left as they were.
    pub kept: Vec<PathBuf>,
}

/// Writes a new site in `dir`. Refuses a folder that is not empty unless `force`, and a
/// folder that already holds a site even then: `--force` adds, it never replaces.
pub fn init(dir: &Path, modele: &str, force: bool) -> Result<Created, Diagnostic> {
    let Some((_, files)) = MODELES.iter().find(|(name, _)| *name == modele) else {
        let names: Vec<&str> = MODELES.iter().map(|(n, _)| *n).collect();
        return Err(
            Diagnostic::error("modele-inconnu", format!("modèle « {modele} » inconnu"))
                .hint(format!("modèles possibles : {}", names.join(", "))),
        );
    };
    let not_empty = std::fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if dir.join(crate::load::SCHEMA_FILE).exists() {
        return Err(Diagnostic::error(
            "deja-un-site",
            format!("le dossier {} contient déjà un site jalon", dir.display()),
        )
        .hint("pour ajouter une fiche, un axe ou une page : jalon new ; pour un nouveau site, choisissez un autre dossier"));
    }
    if not_empty && !force {
        return Err(Diagnostic::error("dossier-non-vide", format!("le dossier {} n'est pas vide", dir.display()))
            .hint("choisissez un dossier vide, ou ajoutez --force pour y ajouter le site (les fichiers déjà là sont gardés tels quels)"));
    }
    let mut created = Created {
        written: Vec::new(),
        kept: Vec::new(),
    };
    // A file of the modèle takes the place of the common file of the same name.
    let common = COMMUN
        .iter()
        .filter(|(path, _)| !files.iter().any(|(own, _)| own == path));
    for (path, contents) in common.chain(files.iter()) {
        let target = dir.join(path);
        match std::fs::read_to_string(&target) {
            // An existing .gitignore (`--force` in a repository) keeps its rules.
            Ok(existing) if *path == ".gitignore" => {
                write_new(&target, &merged_lines(&existing, contents))?;
            }
            _ if target.exists() => {
                created.kept.push(target);
                continue;
            }
            _ => write_new(&target, contents)?,
        }
        created.written.push(target);
    }
    Ok(created)
}

/// `existing`, followed by the lines of `added` it does not have yet.
fn merged_lines(existing: &str, added: &str) -> String {
    let mut merged = existing.to_string();
    if !merged.is_empty() && !merged.ends_with('\n') {
        merged.push('\n');
    }
    for line in added.lines() {
        if !existing.lines().any(|l| l == line) {
            merged.push_str(line);
            merged.push('\n');
        }
    }
    merged
}

fn write_new(target: &Path, contents: &str) -> Result<(), Diagnostic> {
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
    }
    std::fs::write(target, contents).map_err(|e| io_error(target, &e))
}

fn io_error(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::error(
        "ecriture",
        format!("impossible d'écrire {} : {error}", path.display()),
    )
}

/// What `jalon new` adds.
pub enum New {
    Fiche {
        titre: String,
        parent: Option<String>,
    },
    Axe {
        titre: String,
    },
    Acteur {
        nom: String,
    },
    Pratique {
        titre: String,
        theme: Option<String>,
    },
    Page {
        titre: String,
    },
}

impl New {
    /// The title (or the name) the command was given, and what to call it.
    fn text(&self) -> (&str, &'static str) {
        match self {
            New::Fiche { titre, .. }
            | New::Axe { titre }
            | New::Pratique { titre, .. }
            | New::Page { titre } => (titre, "le titre"),
            New::Acteur { nom } => (nom, "le nom"),
        }
    }
}

/// Why `jalon new` wrote nothing.
#[derive(Debug)]
pub enum NotAdded {
    /// The site has errors: numbers and ids cannot be chosen from it.
    InvalidSite(Vec<Diagnostic>),
    /// The request itself cannot be met (which axe? no catalogue, unknown theme…).
    Refused(Diagnostic),
}

/// Adds an item to the site at `root` and returns the file written. The site must be
/// valid: numbers and ids are chosen from what it already holds.
pub fn new(root: &Path, what: New) -> Result<PathBuf, NotAdded> {
    let (text, named) = what.text();
    if text.trim().is_empty() {
        return Err(NotAdded::Refused(
            Diagnostic::error("champ-vide", format!("{named} est vide : la page n'aurait pas de nom"))
                .hint("écrivez-le entre guillemets après la commande, par exemple « Un accueil de jour pour les familles »"),
        ));
    }
    let site = valid_site(root).map_err(NotAdded::InvalidSite)?;
    let one = NotAdded::Refused;
    match what {
        New::Fiche { titre, parent } => {
            new_fiche(root, &site, &titre, parent.as_deref()).map_err(one)
        }
        New::Axe { titre } => new_group(root, &site, &titre).map_err(one),
        New::Acteur { nom } => new_acteur(root, &site, &nom).map_err(one),
        New::Pratique { titre, theme } => {
            new_pratique(root, &site, &titre, theme.as_deref()).map_err(one)
        }
        New::Page { titre } => new_page(root, &site, &titre).map_err(one),
    }
}

fn valid_site(root: &Path) -> Result<Site, Vec<Diagnostic>> {
    let mut sources = Sources::default();
    let (loaded, diagnostics) =
        crate::load::load(root, &mut sources, &mut crate::load::Cache::default());
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    let Some(loaded) = loaded.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let (site, diagnostics) =
        crate::resolve::resolve(loaded, &sources, crate::Options::default().today);
    let errors: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    match site {
        Some(site) if errors.is_empty() => Ok(site),
        _ => Err(errors),
    }
}

fn new_fiche(
    root: &Path,
    site: &Site,
    titre: &str,
    parent: Option<&str>,
) -> Result<PathBuf, Diagnostic> {
    let hierarchy = &site.hierarchy;
    let lowest = hierarchy
        .levels
        .last()
        .ok_or_else(|| Diagnostic::error("niveau-manquant", "la hiérarchie n'a aucun niveau"))?;
    let candidates: Vec<usize> = (0..site.groups.len())
        .filter(|&g| site.groups[g].level + 1 == hierarchy.levels.len())
        .collect();
    if candidates.is_empty() {
        // `jalon new axe` adds to the first level only.
        let hint = match (site.publishes_schema(), hierarchy.levels.len()) {
            (false, _) => CATALOGUE_ONLY.to_string(),
            (true, 1) => format!(
                "ajoutez d'abord un élément « {} » : jalon new axe \"Titre\"",
                lowest.labels.libelle
            ),
            (true, _) => format!(
                "ajoutez d'abord un élément « {} » dans schema-data/{}",
                lowest.labels.libelle, lowest.file
            ),
        };
        return Err(Diagnostic::error(
            "parent-manquant",
            format!(
                "le site n'a aucun élément « {} » où ranger la fiche",
                lowest.labels.libelle
            ),
        )
        .hint(hint));
    }
    let group = match parent {
        Some(id) => candidates
            .iter()
            .copied()
            .find(|&g| site.groups[g].id == id)
            .ok_or_else(|| {
                Diagnostic::error(
                    "reference-inconnue",
                    format!(
                        "{} « {id} » introuvable",
                        lowest.labels.libelle.to_lowercase()
                    ),
                )
                .hint(format!(
                    "identifiants possibles : {}",
                    ids(site, &candidates)
                ))
            })?,
        None if candidates.len() == 1 => candidates[0],
        None => {
            return Err(Diagnostic::error(
                "parent-manquant",
                format!(
                    "le site a plusieurs éléments « {} » : indiquez lequel avec --axe",
                    lowest.labels.libelle
                ),
            )
            .hint(format!(
                "identifiants possibles : {}",
                ids(site, &candidates)
            )));
        }
    };
    let numero = match hierarchy.fiche.numbering {
        Numbering::Continue => {
            let next = site
                .fiches
                .iter()
                .filter_map(|f| f.numero.parts.first())
                .max()
                .map_or(1, |n| n + 1);
            next.to_string()
        }
        Numbering::Hierarchique => {
            let prefix = site.groups[group].numero.clone().unwrap_or_default();
            let next = site.groups[group]
                .fiches
                .iter()
                .filter_map(|&f| site.fiches[f].numero.parts.last())
                .max()
                .map_or(1, |n| n + 1);
            format!("{prefix}.{next}")
        }
    };
    let mut text = format!(
        "---\nnumero: \"{numero}\"\ntitre: {}\n{}: \"{}\"\nresume: À compléter en une phrase.\n# mis_a_jour: AAAA-MM-JJ, date de la dernière mise à jour notable (fil Atom).\n# Identifiants d'acteurs (schema-data/acteurs.yaml), ou « - libre: texte ».\npilotes: []\ncontributeurs: []\ncalendrier:\n  libelle: À préciser\n  debut: {}\nsous_actions:\n  - numero: 1\n    titre: Première étape à préciser\n    annees: [{}]\n    description: |\n      À décrire.\nindicateurs:\n  suivi: []\n  resultats: []\n",
        yaml_text(titre),
        lowest.id,
        site.groups[group].id,
        site.schema.periode.debut,
        site.schema.periode.debut
    );
    for rule in &hierarchy.fiche.fields {
        let value = rule
            .allowed
            .first()
            .map_or_else(|| "À compléter".to_string(), Clone::clone);
        // The first choice keeps the site valid; the comment says it is one of several.
        let choices = match rule.allowed.len() {
            0 | 1 => String::new(),
            _ => format!(" (à choisir : {})", rule.allowed.join(", ")),
        };
        text.push_str(&format!(
            "# {}{choices}\n{}: {}\n",
            rule.libelle,
            rule.id,
            yaml_text(&value)
        ));
    }
    text.push_str("---\n");
    for rule in &hierarchy.fiche.sections {
        text.push_str(&format!("\n## {}\n\nÀ rédiger.\n", rule.titre));
    }
    let path = root
        .join("content")
        .join(&hierarchy.fiche.dossier)
        .join(format!(
            "{}-{}.md",
            hierarchy.fiche.id,
            numero.replace('.', "-")
        ));
    create(&path, &text)
}

/// What to say to `jalon new fiche` or `jalon new axe` on a site without fiches-actions.
const CATALOGUE_ONLY: &str = "ce site ne publie que le catalogue (publier: catalogue dans jalon.yaml) : pour une fiche pratique, jalon new pratique \"Titre\"";

fn new_group(root: &Path, site: &Site, titre: &str) -> Result<PathBuf, Diagnostic> {
    let level = &site.hierarchy.levels[0];
    if !site.publishes_schema() {
        return Err(Diagnostic::error(
            "catalogue-seul",
            format!(
                "ce site n'a pas d'élément « {} » à ajouter",
                level.labels.libelle
            ),
        )
        .hint(CATALOGUE_ONLY));
    }
    let roots: Vec<&crate::model::Group> = site.groups.iter().filter(|g| g.level == 0).collect();
    let next = roots
        .iter()
        .filter_map(|g| g.numero.as_ref()?.parse::<u32>().ok())
        .max()
        .map_or(1, |n| n + 1);
    let mut id = format!("{}-{next}", level.id);
    while roots.iter().any(|g| g.id == id) {
        id.push('b');
    }
    let entry = format!(
        "\n- id: {id}\n  numero: \"{next}\"\n  titre: {}\n  introduction: |\n    À rédiger.\n",
        yaml_text(titre)
    );
    append(&root.join("schema-data").join(&level.file), &entry)
}

fn new_acteur(root: &Path, site: &Site, nom: &str) -> Result<PathBuf, Diagnostic> {
    let (nom, sigle) = name_and_sigle(nom);
    let base = slug::slugify(sigle.unwrap_or(nom));
    let base = if base.is_empty() {
        "acteur".to_string()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 2;
    while site.index.acteurs.contains_key(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    let sigle = sigle
        .map(|s| format!("  sigle: {}\n", yaml_text(s)))
        .unwrap_or_default();
    let entry = format!(
        "\n- id: {id}\n  nom: {}\n{sigle}  # departement, etat, justice, sante, education, collectivite, association ou autre\n  type: autre\n",
        yaml_text(nom)
    );
    append(&root.join(crate::load::ACTEURS_FILE), &entry)
}

/// « Protection judiciaire de la jeunesse (PJJ) » as the name and its sigle, which is
/// also the shortest id; a name without a sigle in brackets as it is.
fn name_and_sigle(nom: &str) -> (&str, Option<&str>) {
    let sigle = nom
        .trim_end()
        .strip_suffix(')')
        .and_then(|rest| rest.rsplit_once('('))
        .filter(|(name, sigle)| {
            !name.trim().is_empty() && crate::search::analyze::is_sigle(sigle.trim())
        });
    match sigle {
        Some((name, sigle)) => (name.trim(), Some(sigle.trim())),
        None => (nom, None),
    }
}

fn new_pratique(
    root: &Path,
    site: &Site,
    titre: &str,
    theme: Option<&str>,
) -> Result<PathBuf, Diagnostic> {
    let catalogue = site.catalogue.as_ref().ok_or_else(|| {
        Diagnostic::error(
            "catalogue-manquant",
            "ce site n'a pas de catalogue de pratiques",
        )
        .hint(format!(
            "créez {} avec la liste des thèmes",
            crate::load::CATALOGUE_FILE
        ))
    })?;
    let theme_index = match theme {
        Some(theme) => catalogue
            .themes
            .iter()
            .position(|t| t.id == theme)
            .ok_or_else(|| {
                let known: Vec<&str> = catalogue.themes.iter().map(|t| t.id.as_str()).collect();
                Diagnostic::error(
                    "reference-inconnue",
                    format!("thème « {theme} » introuvable"),
                )
                .hint(format!("thèmes possibles : {}", known.join(", ")))
            })?,
        None if catalogue.themes.is_empty() => {
            return Err(Diagnostic::error(
                "catalogue-manquant",
                "le catalogue n'a aucun thème",
            ));
        }
        None => 0,
    };
    let theme = &catalogue.themes[theme_index];
    let code = next_code(site, theme_index);
    // What only the editor knows stays in comments: a placeholder left as it is would be
    // published, as a territory « À préciser » with a page of its own.
    let mut text = format!(
        "---\ncode: {code}\ntitre: {}\nthemes: [{}]\n# territoire:\n#   nom: Nom du territoire\n#   # departement, commune, intercommunalite, region, national ou plusieurs\n#   type: departement\n# annee: \"{}\"\ninitiateurs: []\npublics: []\n# financements: Qui finance la pratique.\n---\n",
        yaml_text(titre),
        theme.id,
        site.today.year()
    );
    for rule in &catalogue.sections {
        text.push_str(&format!("\n## {}\n\nÀ rédiger.\n", rule.titre));
    }
    create(
        &root
            .join(crate::load::PRATIQUES_DIR)
            .join(format!("{code}.md")),
        &text,
    )
}

/// The code of a new card of theme `theme`: the next letter after the number its cards
/// share (`1e` after `1a`…`1d`, as the catalogues number them by theme), or else the
/// next number (`6a`).
fn next_code(site: &Site, theme: usize) -> String {
    let number = |code: &str| -> String { code.chars().take_while(char::is_ascii_digit).collect() };
    let of_theme: Vec<&str> = (site.pratiques.iter())
        .filter(|p| p.themes.first() == Some(&theme))
        .map(|p| p.code.as_str())
        .collect();
    let shared = (of_theme.first().map(|code| number(code)))
        .filter(|n| !n.is_empty() && of_theme.iter().all(|code| number(code) == *n));
    let next_letter = shared.and_then(|n| {
        let last = (of_theme.iter())
            .filter_map(|code| code[n.len()..].chars().next())
            .max()?;
        let letter = char::from_u32(last as u32 + 1).filter(char::is_ascii_lowercase)?;
        Some(format!("{n}{letter}"))
    });
    match next_letter {
        Some(code) if !site.index.pratiques.contains_key(&code) => code,
        _ => {
            let highest = (site.pratiques.iter())
                .filter_map(|p| number(&p.code).parse::<u32>().ok())
                .max();
            format!("{}a", highest.map_or(1, |n| n + 1))
        }
    }
}

fn new_page(root: &Path, site: &Site, titre: &str) -> Result<PathBuf, Diagnostic> {
    let base = slug::slugify(titre);
    let base = if base.is_empty() {
        "page".to_string()
    } else {
        base
    };
    let mut slug = base.clone();
    let mut n = 2;
    while site.index.pages.contains_key(&slug) || crate::resolve::RESERVED.contains(&slug.as_str())
    {
        slug = format!("{base}-{n}");
        n += 1;
    }
    let text = format!(
        "---\ntitre: {}\n# Position dans le menu principal (facultatif).\nmenu: {}\n---\n\nÀ rédiger.\n",
        yaml_text(titre),
        site.pages.len() + 1
    );
    create(
        &root.join(crate::load::PAGES_DIR).join(format!("{slug}.md")),
        &text,
    )
}

fn ids(site: &Site, groups: &[usize]) -> String {
    groups
        .iter()
        .map(|&g| site.groups[g].id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A text as a double-quoted YAML scalar.
fn yaml_text(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn create(path: &Path, text: &str) -> Result<PathBuf, Diagnostic> {
    if path.exists() {
        return Err(Diagnostic::error(
            "fichier-existant",
            format!("{} existe déjà", path.display()),
        )
        .at(Location::file(path)));
    }
    write_new(path, text)?;
    Ok(path.to_path_buf())
}

fn append(path: &Path, entry: &str) -> Result<PathBuf, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| io_error(path, &e))?;
    // An empty list written `[]` gives way to the entry: both would not be YAML.
    let mut text: String = text
        .lines()
        .filter(|line| line.trim_end() != "[]")
        .map(|line| format!("{line}\n"))
        .collect();
    text.push_str(entry.trim_start_matches('\n'));
    std::fs::write(path, text).map_err(|e| io_error(path, &e))?;
    Ok(path.to_path_buf())
}

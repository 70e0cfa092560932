//! Load: the site's files → typed raw structures, with source positions.
//!
//! Nothing here knows about other files: cross-file checks (ids, parents, references)
//! belong to `resolve`. Every file is read even when another one is broken, so that
//! all problems are reported at once.

pub mod raw;
pub mod yaml;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Diagnostics, Location, Sources};
use crate::model::Asset;
use raw::*;
use yaml::{Entries, Keys};

pub const CONFIG_FILE: &str = "jalon.yaml";
/// The folder of files published as they are (images, PDF): `static/carte.png` in the
/// site is `static/carte.png` in the output.
pub const ASSETS_DIR: &str = "static";
pub const SCHEMA_FILE: &str = "schema-data/schema.yaml";
pub const ACTEURS_FILE: &str = "schema-data/acteurs.yaml";
pub const SIGLES_FILE: &str = "schema-data/sigles.yaml";
pub const PAGES_DIR: &str = "content/pages";
pub const CATALOGUE_FILE: &str = "schema-data/pratiques.yaml";
pub const PRATIQUES_DIR: &str = "content/pratiques";
pub const INDICATEURS_FILE: &str = "schema-data/indicateurs.yaml";

/// A YAML or Markdown file that parsed, with what checks on it need.
#[derive(Debug)]
pub struct Parsed<T> {
    /// Relative to the site root.
    pub file: PathBuf,
    /// Line of the file where the YAML starts (2 for front matter).
    pub first_line: u32,
    pub value: T,
    /// Top-level keys with their position, for entries whose keys depend on the configuration.
    pub keys: Keys,
}

impl<T> Parsed<T> {
    pub fn location(&self, at: &serde_saphyr::Location) -> Location {
        yaml::location(&self.file, self.first_line, at)
    }

    pub fn key_location(&self, key: &str) -> Location {
        self.keys
            .0
            .iter()
            .find(|(k, _)| k.value == key)
            .map_or_else(
                || Location::file(&self.file),
                |(k, _)| self.location(&k.referenced),
            )
    }
}

/// A Markdown file: front matter, then the body.
#[derive(Debug)]
pub struct Document<T> {
    pub front: Parsed<T>,
    /// The whole file: shared with the diagnostics' sources and the model's Markdown, so
    /// that a big schéma holds each text once.
    text: Arc<str>,
    /// Byte offset of the body in `text`.
    body_start: usize,
    /// Line of the file where the body starts.
    pub body_line: u32,
}

impl<T> Document<T> {
    /// The body, placed in its file for diagnostics.
    pub fn markdown(&self) -> crate::model::Markdown {
        crate::model::Markdown::within(
            Arc::clone(&self.text),
            self.body_start,
            self.front.file.clone(),
            self.body_line,
        )
    }
}

#[derive(Debug)]
pub struct LoadedSite {
    pub root: PathBuf,
    pub config: SiteConfig,
    pub schema: Parsed<SchemaFile>,
    /// For each configured level, the entries of its file (one `Parsed` per list item).
    pub groups: Vec<Vec<Parsed<GroupEntry>>>,
    pub fiches: Vec<Arc<Document<FicheFrontMatter>>>,
    pub acteurs: Vec<Parsed<ActeurEntry>>,
    pub sigles: Vec<(Location, String, String)>,
    pub pages: Vec<Arc<Document<PageFrontMatter>>>,
    /// The logo named in schema.yaml: its path in the site, and its bytes.
    pub logo: Option<(String, Vec<u8>)>,
    /// The files of the `static/` folder, published as they are.
    pub assets: Vec<Asset>,
    /// The practice catalogue, when the site has `schema-data/pratiques.yaml`.
    pub catalogue: Option<Parsed<CatalogueFile>>,
    pub pratiques: Vec<Arc<Document<PratiqueFrontMatter>>>,
    /// The entries of `schema-data/indicateurs.yaml`, when the site has one.
    pub indicateurs: Vec<Parsed<IndicateurEntry>>,
}

/// Markdown files parsed by the previous load, by path with their text: the preview
/// reads again only the files whose size or modification time changed, and parses again
/// only those whose text changed.
#[derive(Default)]
pub struct Cache {
    fiches: ParsedFiles<FicheFrontMatter>,
    pages: ParsedFiles<PageFrontMatter>,
    pratiques: ParsedFiles<PratiqueFrontMatter>,
}

type ParsedFiles<T> = HashMap<PathBuf, CachedFile<T>>;

struct CachedFile<T> {
    stamp: Option<Stamp>,
    document: Arc<Document<T>>,
}

/// What `stat` says of a file: when it is the same, so is the file (as make and cargo
/// assume).
#[derive(PartialEq, Eq, Clone, Copy)]
struct Stamp {
    modified: std::time::SystemTime,
    len: u64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        Stamp::from_metadata(&std::fs::metadata(path).ok()?)
    }

    fn from_metadata(metadata: &std::fs::Metadata) -> Option<Stamp> {
        Some(Stamp {
            modified: metadata.modified().ok()?,
            len: metadata.len(),
        })
    }
}

/// Reads every input file. Returns the site when nothing blocks resolving it; the
/// diagnostics (warnings, or errors in independent files) either way.
pub fn load(
    root: &Path,
    sources: &mut Sources,
    cache: &mut Cache,
) -> (Option<LoadedSite>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    if let Err(error) = check_site(root) {
        diagnostics.push(error);
        return (None, diagnostics);
    }
    let mut reader = Reader {
        root,
        sources,
        diagnostics: &mut diagnostics,
    };
    let schema = reader.yaml_file::<SchemaFile>(SCHEMA_FILE);
    // A folder that would lead outside the site is not walked; `resolve` reports it.
    let fiche_dir = schema.as_ref().map(|schema| {
        let dossier = &schema.value.fiche.dossier.value;
        crate::resolve::is_safe_relative_path(dossier).then(|| format!("content/{dossier}"))
    });
    // The fiches are most of the reading: they are parsed while the other files are.
    let mut fiche_sources = Sources::default();
    let mut fiche_diagnostics = Diagnostics::default();
    let Cache {
        fiches: fiche_cache,
        pages: page_cache,
        pratiques: pratique_cache,
    } = cache;
    let (fiches, site) = rayon::join(
        || {
            let mut fiche_reader = Reader {
                root,
                sources: &mut fiche_sources,
                diagnostics: &mut fiche_diagnostics,
            };
            match fiche_dir.as_ref()? {
                Some(dir) => fiche_reader.documents(dir, fiche_cache),
                None => Some(Vec::new()),
            }
        },
        || reader.all_but_fiches(schema?, page_cache, pratique_cache),
    );
    sources.absorb(fiche_sources);
    diagnostics.extend(fiche_diagnostics);
    if let Some(Some(fiche_dir)) = &fiche_dir {
        diagnostics.extend(unread_content(root, fiche_dir));
    }
    let site = site
        .zip(fiches)
        .map(|(site, fiches)| LoadedSite { fiches, ..site });
    (site, diagnostics)
}

/// What `content/` holds that jalon does not read (a folder named `fiche` instead of
/// `fiches`, a fiche dropped next to the folders): a warning each, not silence.
fn unread_content(root: &Path, fiche_dir: &str) -> Vec<Diagnostic> {
    let read = [fiche_dir, PAGES_DIR, PRATIQUES_DIR];
    let Ok(entries) = std::fs::read_dir(root.join("content")) else {
        return Vec::new();
    };
    let mut unread: Vec<(String, bool)> = entries
        .filter_map(Result::ok)
        .map(|e| {
            (
                format!("content/{}", e.file_name().to_string_lossy()),
                e.path().is_dir(),
            )
        })
        .filter(|(path, is_dir)| {
            let hidden = path["content/".len()..].starts_with('.');
            let markdown = is_markdown(Path::new(path));
            !hidden && !read.contains(&path.as_str()) && (*is_dir || markdown)
        })
        .collect();
    unread.sort();
    unread
        .into_iter()
        .map(|(path, is_dir)| {
            let what = if is_dir { "le dossier" } else { "le fichier" };
            let hint = match crate::diagnostics::suggest(&path, read) {
                Some(near) if is_dir => format!("vouliez-vous dire « {near} » ?"),
                _ => format!(
                    "jalon lit les fiches dans {fiche_dir}/, les pages libres dans {PAGES_DIR}/ et les fiches pratiques dans {PRATIQUES_DIR}/"
                ),
            };
            Diagnostic::warning("contenu-ignore", format!("{what} « {path} » n'est pas lu"))
                .at(Location::file(&path))
                .hint(hint)
        })
        .collect()
}

struct Reader<'a> {
    root: &'a Path,
    sources: &'a mut Sources,
    diagnostics: &'a mut Diagnostics,
}

impl Reader<'_> {
    /// Every file but the fiches, which [`load`] reads at the same time; the site it
    /// returns has no fiche yet.
    fn all_but_fiches(
        mut self,
        schema: Parsed<SchemaFile>,
        page_cache: &mut ParsedFiles<PageFrontMatter>,
        pratique_cache: &mut ParsedFiles<PratiqueFrontMatter>,
    ) -> Option<LoadedSite> {
        let root = self.root;
        let config = match root.join(CONFIG_FILE).exists() {
            true => self.yaml_file::<SiteConfig>(CONFIG_FILE).map(|p| p.value),
            false => Some(SiteConfig::default()),
        };
        let acteurs = self.yaml_list::<ActeurEntry>(ACTEURS_FILE);
        let sigles = self.sigles();
        let pages = self.documents(PAGES_DIR, page_cache);
        let has_catalogue = root.join(CATALOGUE_FILE).exists();
        let catalogue = has_catalogue.then(|| self.yaml_file::<CatalogueFile>(CATALOGUE_FILE));
        let pratiques = self.documents(PRATIQUES_DIR, pratique_cache);
        let indicateurs = match root.join(INDICATEURS_FILE).exists() {
            true => self.yaml_list::<IndicateurEntry>(INDICATEURS_FILE),
            false => Some(Vec::new()),
        };

        let groups: Vec<_> = schema
            .value
            .niveaux
            .iter()
            .map(|level| {
                let file = format!("schema-data/{}", level.fichier.value);
                if !crate::resolve::is_safe_relative_path(&level.fichier.value) {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "chemin-interdit",
                            format!("le fichier « {} » du niveau « {} » n'est pas dans schema-data/", level.fichier.value, level.id.value),
                        )
                        .at(schema.location(&level.fichier.referenced))
                        .hint("écrivez le nom d'un fichier de schema-data/, par exemple « axes.yaml »"),
                    );
                    return None;
                }
                if !root.join(&file).is_file() {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "fichier-illisible",
                            format!(
                                "le fichier « {file} » du niveau « {} » est introuvable",
                                level.id.value
                            ),
                        )
                        .at(schema.location(&level.fichier.referenced))
                        .hint(format!(
                            "créez schema-data/{} ou corrigez « fichier: » ici",
                            level.fichier.value
                        )),
                    );
                    return None;
                }
                self.yaml_list::<GroupEntry>(&file)
            })
            .collect();
        let logo = schema.value.logo.as_ref().and_then(|logo| {
            // An unsafe path is refused by `resolve`; only read what stays inside the site.
            if !crate::resolve::is_safe_relative_path(&logo.value) {
                return None;
            }
            let path = root.join(&logo.value);
            if leaves_site(root, &path) {
                let error = outside_link(Path::new(&logo.value));
                self.diagnostics
                    .push(error.at(schema.location(&logo.referenced)));
                return None;
            }
            match std::fs::read(&path) {
                Ok(bytes) => Some((logo.value.clone(), bytes)),
                Err(_) => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            "fichier-illisible",
                            format!("logo « {} » introuvable", logo.value),
                        )
                        .at(schema.location(&logo.referenced))
                        .hint("le chemin part du dossier du site, par exemple « static/logo.svg »"),
                    );
                    None
                }
            }
        });
        let assets = self.assets();
        let catalogue_ok = !matches!(catalogue, Some(None));
        match (config, acteurs, sigles, pages, pratiques) {
            (Some(config), Some(acteurs), Some(sigles), Some(pages), Some(pratiques))
                if groups.iter().all(Option::is_some) && catalogue_ok && indicateurs.is_some() =>
            {
                Some(LoadedSite {
                    root: root.to_path_buf(),
                    config,
                    schema,
                    groups: groups.into_iter().flatten().collect(),
                    fiches: Vec::new(),
                    acteurs,
                    sigles,
                    pages,
                    logo,
                    assets,
                    catalogue: catalogue.flatten(),
                    pratiques,
                    indicateurs: indicateurs.unwrap_or_default(),
                })
            }
            _ => None,
        }
    }

    /// Every file under `static/` (but hidden ones, such as `.DS_Store`), sorted by path.
    fn assets(&mut self) -> Vec<Asset> {
        let mut assets = Vec::new();
        let entries = self
            .walk(ASSETS_DIR)
            .into_iter()
            .filter(|e| e.file_type().is_file() || e.path_is_symlink() && e.path().is_file());
        for entry in entries {
            let Ok(relative) = entry.path().strip_prefix(self.root) else {
                continue;
            };
            let path = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if leaves_site(self.root, entry.path()) {
                self.diagnostics.push(outside_link(relative));
                continue;
            }
            match std::fs::read(entry.path()) {
                Ok(bytes) => assets.push(Asset {
                    path,
                    bytes: Arc::new(bytes),
                }),
                Err(error) => self.diagnostics.push(
                    Diagnostic::error("fichier-illisible", format!("lecture impossible : {error}"))
                        .at(Location::file(relative)),
                ),
            }
        }
        assets
    }

    fn yaml_file<T: DeserializeOwned>(&mut self, file: &str) -> Option<Parsed<T>> {
        let text = self.read(Path::new(file))?;
        self.report(parse_yaml(&text, Path::new(file), 1, Location::file(file)))
    }

    /// A file holding a list: each item is parsed on its own, so one bad entry does not
    /// hide the problems of the others.
    fn yaml_list<T: DeserializeOwned>(&mut self, file: &str) -> Option<Vec<Parsed<T>>> {
        let path = Path::new(file);
        let text = self.read(path)?;
        self.report(yaml::parse::<Vec<serde::de::IgnoredAny>>(&text, path, 1))?;
        let mut parsed = Vec::new();
        let mut ok = true;
        for (first_line, item) in list_items(&text) {
            let start = Location::new(path, first_line, 3);
            match parse_yaml::<T>(&item, path, first_line, start) {
                Ok(value) => parsed.push(value),
                Err(diagnostic) => {
                    ok = false;
                    self.diagnostics.push(diagnostic);
                }
            }
        }
        ok.then_some(parsed)
    }

    fn sigles(&mut self) -> Option<Vec<(Location, String, String)>> {
        let path = Path::new(SIGLES_FILE);
        let text = self.read(path)?;
        // Duplicates reach `resolve`, which names them as duplicated sigles.
        let entries = self.report(yaml::parse_allowing_duplicates::<Entries<String>>(
            &text, path, 1,
        ))?;
        Some(
            entries
                .0
                .into_iter()
                .map(|(key, value)| (yaml::location(path, 1, &key.referenced), key.value, value))
                .collect(),
        )
    }

    /// Every Markdown file of a folder, read in parallel, sorted by path. A file whose text
    /// is the one in `cache` keeps its parsed form; the cache then holds this load's files.
    fn documents<T: DeserializeOwned + Send + Sync>(
        &mut self,
        dir: &str,
        cache: &mut ParsedFiles<T>,
    ) -> Option<Vec<Arc<Document<T>>>> {
        // With each file, whether it is a link: the walk follows none, and checked that
        // `dir` is no link either, so only a linked file can lead outside the site.
        let mut files: Vec<(PathBuf, bool)> = self
            .walk(dir)
            .into_iter()
            .filter(|entry| {
                entry.file_type().is_file() || entry.path_is_symlink() && entry.path().is_file()
            })
            .filter(|entry| is_markdown(entry.path()))
            .filter_map(|entry| {
                let file = entry.path().strip_prefix(self.root).ok()?;
                Some((file.to_path_buf(), entry.path_is_symlink()))
            })
            .collect();
        files.sort();
        let root = self.root;
        let previous: &ParsedFiles<T> = cache;
        // One file per job: rayon would otherwise hand out runs of files, and files differ
        // in length, so one core was left parsing a run alone at the end (3 % of the
        // time of `jalon check` at 1,000 fiches).
        let results: Vec<_> = files
            .par_iter()
            .with_max_len(1)
            .map(|(file, linked)| {
                let cached = previous.get(file);
                if let Some(cached) = cached {
                    let stamp = Stamp::of(&root.join(file));
                    if stamp.is_some() && cached.stamp == stamp {
                        let text = Arc::clone(&cached.document.text);
                        return Ok((file.clone(), stamp, text, Ok(Arc::clone(&cached.document))));
                    }
                }
                if *linked && leaves_site(root, &root.join(file)) {
                    return Err(outside_link(file));
                }
                let (text, stamp) = read_inside(root, file)?;
                let document = match cached {
                    Some(cached) if cached.document.text == text => {
                        Ok(Arc::clone(&cached.document))
                    }
                    _ => parse_document::<T>(Arc::clone(&text), file).map(Arc::new),
                };
                Ok((file.clone(), stamp, text, document))
            })
            .collect();
        let mut documents = Vec::new();
        let mut parsed = ParsedFiles::new();
        let mut ok = true;
        for result in results {
            match result {
                Ok((file, stamp, text, document)) => {
                    match document {
                        Ok(document) => {
                            let entry = CachedFile {
                                stamp,
                                document: Arc::clone(&document),
                            };
                            parsed.insert(file.clone(), entry);
                            documents.push(document);
                        }
                        Err(diagnostic) => {
                            ok = false;
                            self.diagnostics.push(diagnostic);
                        }
                    }
                    self.sources.insert(file, text);
                }
                Err(diagnostic) => {
                    ok = false;
                    self.diagnostics.push(diagnostic);
                }
            }
        }
        *cache = parsed;
        ok.then_some(documents)
    }

    /// The entries of a folder of the site and of its subfolders, hidden ones left out,
    /// sorted by name. A folder that cannot be read (its rights) is reported, not
    /// skipped: its files would silently vanish from the site. A missing
    /// folder has nothing to give.
    fn walk(&mut self, folder: &str) -> Vec<walkdir::DirEntry> {
        // The walk would follow a folder linked elsewhere to the bottom (`static` linked
        // to a home folder): refused once, nothing under it read.
        if leaves_site(self.root, &self.root.join(folder)) {
            self.diagnostics.push(outside_link(Path::new(folder)));
            return Vec::new();
        }
        let mut entries = Vec::new();
        let walk = walkdir::WalkDir::new(self.root.join(folder)).sort_by_file_name();
        for entry in walk.into_iter().filter_entry(not_hidden) {
            match entry {
                Ok(entry) => entries.push(entry),
                Err(error)
                    if error.depth() == 0
                        && error
                            .io_error()
                            .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) => {}
                Err(error) => self.diagnostics.push(unreadable_folder(self.root, &error)),
            }
        }
        entries
    }

    fn read(&mut self, file: &Path) -> Option<Arc<str>> {
        match read_text(self.root, file) {
            Ok(text) => {
                self.sources.insert(file.to_path_buf(), Arc::clone(&text));
                Some(text)
            }
            Err(diagnostic) => {
                self.diagnostics.push(diagnostic);
                None
            }
        }
    }

    fn report<T>(&mut self, result: Result<T, Diagnostic>) -> Option<T> {
        result.map_err(|d| self.diagnostics.push(d)).ok()
    }
}

/// The items of a block list written at column 1 (`- id: …`), each as a mapping that
/// parses alone: the dash becomes a space, so lines and columns stay those of the file.
fn list_items(text: &str) -> Vec<(u32, String)> {
    let mut items: Vec<(u32, String)> = Vec::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let starts_item = line.starts_with("- ") || line.trim_end() == "-";
        if starts_item {
            items.push((index as u32 + 1, format!(" {}", &line[1..])));
        } else if let Some((_, item)) = items.last_mut() {
            item.push_str(line);
        }
    }
    items
}

/// Parses one mapping, which starts at `start` (where a missing field is reported).
fn parse_yaml<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    first_line: u32,
    start: Location,
) -> Result<Parsed<T>, Diagnostic> {
    let (value, keys) = yaml::parse_with_keys::<T>(text, file, first_line, &start)?;
    Ok(Parsed {
        file: file.to_path_buf(),
        first_line,
        value,
        keys,
    })
}

/// Splits the front matter (between two `---` lines) from the body.
fn parse_document<T: DeserializeOwned>(
    text: Arc<str>,
    file: &Path,
) -> Result<Document<T>, Diagnostic> {
    const OPENING: &str = "---\n";
    let rest = text.strip_prefix(OPENING).ok_or_else(|| {
        Diagnostic::error(
            "entete-manquant",
            "le fichier ne commence pas par un en-tête YAML entre deux lignes « --- »",
        )
        .at(Location::file(file))
        .hint("la première ligne du fichier doit être « --- », suivie des champs, puis une autre ligne « --- »")
    })?;
    let mut offset = 0;
    for (line, current) in (2..).zip(rest.split_inclusive('\n')) {
        if current.trim_end() == "---" {
            let front = parse_yaml(&rest[..offset], file, 2, Location::file(file))?;
            return Ok(Document {
                front,
                body_start: OPENING.len() + offset + current.len(),
                text,
                body_line: line + 1,
            });
        }
        offset += current.len();
    }
    Err(Diagnostic::error(
        "entete-manquant",
        "l'en-tête YAML n'est pas fermé par une ligne « --- »",
    )
    .at(Location::file(file))
    .hint("ajoutez une ligne « --- » après le dernier champ de l'en-tête"))
}

/// No source file is larger than this: a bigger one is a mistake (a pasted export, a
/// binary), and reading it would cost memory and time for nothing.
pub const LARGEST_FILE: u64 = 8 * 1024 * 1024;

/// Whether `root` is a site: it has its `schema-data/schema.yaml`.
pub fn check_site(root: &Path) -> Result<(), Diagnostic> {
    match root.join(SCHEMA_FILE).exists() {
        true => Ok(()),
        false => Err(not_a_site()),
    }
}

/// The first mistake of a new user: a command run outside the site's folder.
fn not_a_site() -> Diagnostic {
    Diagnostic::error(
        "fichier-illisible",
        "ce dossier n'est pas un site jalon : il n'a pas de schema-data/schema.yaml",
    )
    .at(Location::file(Path::new(SCHEMA_FILE)))
    .hint("lancez la commande depuis le dossier du site, ou donnez-le avec --root ; pour en créer un : « jalon init mon-schema »")
}

/// Reads a text file as editors save it: UTF-8, with or without BOM, LF or CRLF. Shared,
/// because the text is kept both parsed and as the source that diagnostics quote.
pub fn read_text(root: &Path, file: &Path) -> Result<Arc<str>, Diagnostic> {
    if leaves_site(root, &root.join(file)) {
        return Err(outside_link(file));
    }
    read_inside(root, file).map(|(text, _)| text)
}

/// [`read_text`] for a file known to stay inside the site, with its [`Stamp`] as it was
/// when opened: one `stat` of the open file gives both the size to check and the stamp.
fn read_inside(root: &Path, file: &Path) -> Result<(Arc<str>, Option<Stamp>), Diagnostic> {
    let unreadable = |error: std::io::Error| {
        let message = match error.kind() {
            std::io::ErrorKind::NotFound => "fichier introuvable".to_string(),
            _ => format!("lecture impossible : {error}"),
        };
        Diagnostic::error("fichier-illisible", message).at(Location::file(file))
    };
    let opened = std::fs::File::open(root.join(file)).map_err(unreadable)?;
    let metadata = opened.metadata().map_err(unreadable)?;
    if metadata.len() > LARGEST_FILE {
        return Err(Diagnostic::error(
            "fichier-trop-gros",
            format!(
                "le fichier fait {} Mo ; la limite est de {} Mo par fichier",
                // Rounded up, so that a file just over the limit never reads "8 Mo".
                metadata.len().div_ceil(1024 * 1024),
                LARGEST_FILE / (1024 * 1024)
            ),
        )
        .at(Location::file(file))
        .hint("découpez le contenu en plusieurs fichiers, ou retirez ce qui n'est pas du texte"));
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    // Through `take`: reading the file itself to the end would `stat` it again. A file
    // that grew since is read as long as its stamp says.
    opened
        .take(metadata.len())
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    // Checked with SIMD: French accents take std's check off its fast path for ASCII.
    let text = simdutf8::compat::from_utf8(bytes)
        .map_err(|error| not_utf8(bytes, error.valid_up_to(), file))?;
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    Ok((text, Stamp::from_metadata(&metadata)))
}

/// `bytes` are UTF-8 up to `valid_up_to`.
fn not_utf8(bytes: &[u8], valid_up_to: usize, file: &Path) -> Diagnostic {
    let valid = &bytes[..valid_up_to];
    let line = valid.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count() as u32
        + 1;
    let likely = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        "UTF-16"
    } else {
        "Windows-1252 (Latin-1)"
    };
    Diagnostic::error(
        "encodage",
        format!("le fichier n'est pas encodé en UTF-8 (probablement {likely})"),
    )
    .at(Location::new(file, line, column))
    .hint("dans votre éditeur, choisissez « Enregistrer sous » puis l'encodage UTF-8")
}

/// Whether `path`, a file of the site at `root`, leads outside it: through `..`, or a
/// symbolic link (the file's, or a folder's on the way: `static` linked to another
/// folder) to elsewhere on the computer. A site never publishes a file from elsewhere;
/// only paths through a link pay for resolving.
pub fn leaves_site(root: &Path, path: &Path) -> bool {
    let Ok(relative) = path.strip_prefix(root) else {
        return true;
    };
    let mut on_the_way = root.to_path_buf();
    let mut through_link = false;
    for part in relative.components() {
        let std::path::Component::Normal(name) = part else {
            return true;
        };
        on_the_way.push(name);
        through_link |=
            std::fs::symlink_metadata(&on_the_way).is_ok_and(|m| m.file_type().is_symlink());
    }
    if !through_link {
        return false;
    }
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => !path.starts_with(root),
        // A missing file is reported where it is read.
        _ => false,
    }
}

fn unreadable_folder(root: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(root);
    let shown = path.strip_prefix(root).unwrap_or(path);
    let reason = match error.io_error() {
        Some(io) if io.kind() == std::io::ErrorKind::PermissionDenied => "accès refusé".to_string(),
        Some(io) => io.to_string(),
        None => error.to_string(),
    };
    Diagnostic::error(
        "fichier-illisible",
        format!(
            "le dossier « {} » ne peut pas être lu : {reason}",
            shown.display()
        ),
    )
    .at(Location::file(shown))
    .hint("vérifiez ses droits : il doit être lisible par l'utilisateur qui construit le site")
}

pub fn outside_link(file: &Path) -> Diagnostic {
    Diagnostic::error(
        "chemin-interdit",
        format!(
            "« {} » mène hors du site (lien symbolique ou « .. »)",
            file.display()
        ),
    )
    .at(Location::file(file))
    .hint("copiez le fichier lui-même dans le dossier du site, à la place du lien")
}

/// Hidden files and folders (`.DS_Store`, `.brouillon.md`, an editor's `.a.md.swp`) are
/// neither read nor published, and the preview does not watch them; the folder walked
/// (depth 0) is taken as given.
fn not_hidden(entry: &walkdir::DirEntry) -> bool {
    entry.depth() == 0 || !entry.file_name().as_encoded_bytes().starts_with(b".")
}

/// `.md` as editors' systems write it (`.MD` on Windows), or `.markdown`.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| ext.eq_ignore_ascii_case("md") || ext.eq_ignore_ascii_case("markdown"))
}

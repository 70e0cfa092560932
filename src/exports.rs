//! Open data from the resolved model: the whole schéma as JSON (with its JSON Schema),
//! CSV tables described by a Frictionless `datapackage.json`, and iCalendar files of the
//! sous-actions' periods and milestones. Dates are ISO 8601; ids are the site's stable
//! ids and numbers.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::diagnostics::Diagnostic;
use crate::model::{
    ActorRef, Fiche, FicheId, Indicateur, Jalon, Mesure, Month, Pratique, Site, Span, Statut, Suivi,
};
use crate::render::OutputFile;
use crate::render::links::{self, Target};
use crate::write::Sink;

pub mod atom;

pub const FOLDER: &str = "donnees";
const JSON_SCHEMA: &str = include_str!("exports/jalon.schema.json");

/// A file of the whole site: its path, and how to make it (`None`: the site has none).
type SiteExport = (&'static str, fn(&Site) -> Option<Vec<u8>>);

const SITE_EXPORTS: &[SiteExport] = &[
    ("donnees/schema.json", |site| {
        Some(serde_json::to_vec_pretty(&Export::of(site)).unwrap_or_default())
    }),
    ("donnees/jalon.schema.json", |_| {
        Some(JSON_SCHEMA.as_bytes().to_vec())
    }),
    ("donnees/datapackage.json", |site| Some(datapackage(site))),
    ("calendrier.ics", |site| {
        let all: Vec<FicheId> = (0..site.fiches.len()).collect();
        site.publishes_schema()
            .then(|| ical(site, &all, &site.schema.titre).into_bytes())
    }),
    ("robots.txt", |site| Some(robots(site).into_bytes())),
    ("sitemap.xml", |site| {
        site.url.as_ref().map(|url| sitemap(site, url).into_bytes())
    }),
    (atom::PATH, |site| atom::feed(site).map(String::into_bytes)),
];

/// A CSV table of the open data, in `donnees/`: the files, the page that describes them
/// and the Frictionless description all read this list.
struct Table {
    name: &'static str,
    description: &'static str,
    columns: Columns,
    make: fn(&Site) -> Vec<u8>,
    /// Whether the site has this table: a catalogue alone has no fiche-action.
    published: fn(&Site) -> bool,
}

const TABLES: &[Table] = &[
    Table {
        name: "fiches",
        description: "Les fiches-actions, une ligne par fiche.",
        columns: FICHES,
        make: fiches_csv,
        published: Site::publishes_schema,
    },
    Table {
        name: "sous-actions",
        description: "Les sous-actions avec leur calendrier et leur état, une ligne par sous-action.",
        columns: SOUS_ACTIONS,
        make: sous_actions_csv,
        published: Site::publishes_schema,
    },
    Table {
        name: "acteurs",
        description: "L'annuaire des acteurs.",
        columns: ACTEURS,
        make: acteurs_csv,
        published: |_| true,
    },
    Table {
        name: "suivi",
        description: "Le suivi année par année : l'état de chaque fiche et sous-action déclaré pour une année, avec sa date et son commentaire.",
        columns: SUIVI,
        make: suivi_csv,
        published: Site::publishes_schema,
    },
    Table {
        name: "indicateurs",
        description: "Les indicateurs du suivi, une ligne par indicateur, avec leur cible.",
        columns: INDICATEURS,
        make: indicateurs_csv,
        published: Site::publishes_schema,
    },
    Table {
        name: "valeurs-indicateurs",
        description: "Les valeurs des indicateurs, une ligne par indicateur et par année, avec l'écart à la cible.",
        columns: VALEURS,
        make: valeurs_csv,
        published: Site::publishes_schema,
    },
    Table {
        name: "pratiques",
        description: "Les fiches pratiques du catalogue.",
        columns: PRATIQUES,
        make: pratiques_csv,
        published: |site| !site.pratiques.is_empty(),
    },
];

/// The tables `site` publishes.
fn tables(site: &Site) -> impl Iterator<Item = &'static Table> + '_ {
    TABLES.iter().filter(|table| (table.published)(site))
}

/// Every export file of the site, handed to `sink` as soon as it is made, on every
/// core; returns how many there are.
pub fn write(site: &Site, sink: &dyn Sink) -> Result<usize, Diagnostic> {
    let csv = tables(site).par_bridge().map(|table| {
        let path = format!("{FOLDER}/{}.csv", table.name);
        file(&path, (table.make)(site))
    });
    let whole = (SITE_EXPORTS.par_iter())
        .filter_map(|&(path, make)| make(site).map(|bytes| file(path, bytes)))
        .chain(csv);
    let count = AtomicUsize::new(0);
    whole.try_for_each(|file| {
        count.fetch_add(1, Ordering::Relaxed);
        sink.put(file)
    })?;
    Ok(count.into_inner())
}

/// The files described on the "Données ouvertes" page: path, description, columns.
#[derive(Serialize)]
pub struct Described {
    pub chemin: String,
    pub description: &'static str,
    pub colonnes: Vec<Column>,
}

#[derive(Serialize)]
pub struct Column {
    pub nom: &'static str,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub description: &'static str,
}

pub fn described(site: &Site) -> Vec<Described> {
    let table = |chemin: &str, description: &'static str, columns: Columns| Described {
        chemin: chemin.to_string(),
        description,
        colonnes: columns
            .iter()
            .map(|&(nom, kind, description)| Column {
                nom,
                kind,
                description,
            })
            .collect(),
    };
    let mut list: Vec<Described> = tables(site)
        .map(|t| {
            table(
                &format!("{FOLDER}/{}.csv", t.name),
                t.description,
                t.columns,
            )
        })
        .collect();
    list.extend([
        table("donnees/schema.json", "Tout le schéma résolu (hiérarchie, fiches, sous-actions et leur suivi, indicateurs et leurs valeurs, acteurs, sigles, fiches pratiques), en JSON.", &[]),
        table("donnees/jalon.schema.json", "Le schéma JSON (JSON Schema) qui décrit le fichier précédent.", &[]),
        table("donnees/datapackage.json", "La description des fichiers CSV au format Frictionless Data (Table Schema).", &[]),
    ]);
    if site.publishes_schema() {
        list.push(table("calendrier.ics", "Le calendrier iCalendar des sous-actions et des jalons, à importer dans un agenda ; la page de chaque fiche propose aussi le sien.", &[]));
    }
    if atom::published(site) {
        list.push(table(
            atom::PATH,
            "Le fil Atom des mises à jour des fiches et des fiches pratiques, à suivre dans un lecteur de flux.",
            &[],
        ));
    }
    list
}

/// Every page for search engines; the address of the site comes from `url` in jalon.yaml.
fn sitemap(site: &Site, url: &str) -> String {
    let mut text = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for page in crate::render::PageKind::all(site) {
        if page == crate::render::PageKind::NotFound {
            continue;
        }
        let path = page.path(site);
        let _ = writeln!(
            text,
            "  <url><loc>{}</loc></url>",
            xml_escape(&format!("{url}{path}"))
        );
    }
    text.push_str("</urlset>\n");
    text
}

fn robots(site: &Site) -> String {
    let mut text = String::from("User-agent: *\nAllow: /\n");
    if let Some(url) = &site.url {
        let _ = writeln!(text, "Sitemap: {url}sitemap.xml");
    }
    text
}

/// Text or an attribute value in XML. Characters XML 1.0 does not allow (control
/// characters other than tab, line feed and carriage return; U+FFFE and U+FFFF), which
/// YAML escapes such as `"\f"` let through, are dropped: a single one makes the whole
/// file unreadable.
fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

fn file(path: &str, contents: Vec<u8>) -> OutputFile {
    OutputFile {
        path: path.to_string(),
        contents: Arc::from(contents),
    }
}

/// The first and last day of a period, ISO 8601.
fn iso_days(span: Span) -> (String, String) {
    let first = format!("{:04}-{:02}-01", span.start.year(), span.start.month());
    let last_day =
        jiff::civil::date(span.end.year() as i16, span.end.month() as i8, 1).last_of_month();
    (first, last_day.to_string())
}

#[derive(Serialize)]
struct Export<'a> {
    /// The day statuses and lateness are given for.
    etat_au: String,
    donnees_exemple: bool,
    schema: SchemaExport<'a>,
    groupes: Vec<GroupExport<'a>>,
    fiches: Vec<FicheExport<'a>>,
    acteurs: Vec<ActeurExport<'a>>,
    sigles: Vec<SigleExport<'a>>,
    pratiques: Vec<PratiqueExport<'a>>,
    indicateurs: Vec<IndicateurExport<'a>>,
}

#[derive(Serialize)]
struct SuiviExport<'a> {
    annee: u16,
    statut: &'static str,
    date: Option<String>,
    commentaire: Option<&'a str>,
}

fn suivi_export(entries: &[Suivi]) -> Vec<SuiviExport<'_>> {
    entries
        .iter()
        .map(|s| SuiviExport {
            annee: s.annee,
            statut: s.statut.label(),
            date: s.date.map(|d| d.to_string()),
            commentaire: s.commentaire.as_deref(),
        })
        .collect()
}

#[derive(Serialize)]
struct IndicateurExport<'a> {
    id: &'a str,
    libelle: &'a str,
    fiches: Vec<&'a str>,
    #[serde(rename = "type")]
    kind: crate::model::IndicateurKind,
    unite: crate::model::Unite,
    mesure: Option<&'a str>,
    sens: Option<crate::model::Sens>,
    cible: Option<CibleExport>,
    source: Option<&'a str>,
    description: Option<&'a str>,
    valeurs: Vec<ValeurExport<'a>>,
    page: String,
}

#[derive(Serialize)]
struct CibleExport {
    valeur: f64,
    annee: Option<u16>,
}

#[derive(Serialize)]
struct ValeurExport<'a> {
    annee: u16,
    /// A number, or text for a qualitative indicator.
    valeur: serde_json::Value,
    source: Option<&'a str>,
    date: Option<String>,
    note: Option<&'a str>,
}

fn mesure_json(mesure: &Mesure) -> serde_json::Value {
    match mesure {
        Mesure::Nombre(n) => serde_json::json!(n),
        Mesure::Texte(t) => serde_json::json!(t),
    }
}

#[derive(Serialize)]
struct SchemaExport<'a> {
    departement: &'a str,
    titre: &'a str,
    debut: u16,
    fin: u16,
    adoption: Option<String>,
}

#[derive(Serialize)]
struct GroupExport<'a> {
    id: &'a str,
    niveau: &'a str,
    numero: Option<&'a str>,
    titre: &'a str,
    parent: Option<&'a str>,
}

#[derive(Serialize)]
struct FicheExport<'a> {
    numero: &'a str,
    titre: &'a str,
    groupe: &'a str,
    resume: Option<&'a str>,
    pilotes: Vec<ActorExport<'a>>,
    contributeurs: Vec<ActorExport<'a>>,
    debut: Option<u16>,
    fin: Option<u16>,
    sous_actions: Vec<SousActionExport<'a>>,
    indicateurs_suivi: &'a [String],
    indicateurs_resultats: &'a [String],
    /// Ids of the structured indicators that measure it.
    indicateurs: Vec<&'a str>,
    statut: Option<&'static str>,
    statut_calcule: bool,
    en_retard: bool,
    suivi: Vec<SuiviExport<'a>>,
    mis_a_jour: Option<String>,
    page: String,
}

#[derive(Serialize)]
struct ActorExport<'a> {
    acteur: Option<&'a str>,
    texte: Option<&'a str>,
}

#[derive(Serialize)]
struct SousActionExport<'a> {
    numero: u32,
    titre: &'a str,
    periodes: Vec<PeriodExport>,
    statut: Option<&'static str>,
    en_retard: bool,
    suivi: Vec<SuiviExport<'a>>,
}

#[derive(Serialize)]
struct PeriodExport {
    debut: String,
    fin: String,
}

#[derive(Serialize)]
struct ActeurExport<'a> {
    id: &'a str,
    sigle: Option<&'a str>,
    nom: &'a str,
    #[serde(rename = "type")]
    kind: crate::model::ActeurKind,
    parent: Option<&'a str>,
    site_web: Option<&'a str>,
}

#[derive(Serialize)]
struct SigleExport<'a> {
    sigle: &'a str,
    definition: &'a str,
}

#[derive(Serialize)]
struct PratiqueExport<'a> {
    code: &'a str,
    titre: &'a str,
    themes: Vec<&'a str>,
    territoire: Option<&'a str>,
    code_territoire: Option<&'a str>,
    annee: Option<&'a str>,
    publics: &'a [String],
    mis_a_jour: Option<String>,
    page: String,
}

impl<'a> Export<'a> {
    fn of(site: &'a Site) -> Export<'a> {
        let today = Month::of_date(site.today);
        Export {
            etat_au: site.today.to_string(),
            donnees_exemple: site.example_data,
            schema: SchemaExport {
                departement: &site.schema.departement,
                titre: &site.schema.titre,
                debut: site.schema.periode.debut,
                fin: site.schema.periode.fin,
                adoption: site.schema.adoption.map(|d| d.to_string()),
            },
            groupes: site
                .groups
                .iter()
                .map(|g| GroupExport {
                    id: &g.id,
                    niveau: &site.level_of(g).id,
                    numero: g.numero.as_deref(),
                    titre: &g.titre,
                    parent: g.parent.map(|p| site.groups[p].id.as_str()),
                })
                .collect(),
            fiches: site
                .fiches
                .iter()
                .enumerate()
                .map(|(id, f)| fiche_export(site, id, f, today))
                .collect(),
            acteurs: site
                .acteurs
                .iter()
                .map(|a| ActeurExport {
                    id: &a.id,
                    sigle: a.sigle.as_deref(),
                    nom: &a.nom,
                    kind: a.kind,
                    parent: a.parent.map(|p| site.acteurs[p].id.as_str()),
                    site_web: a.url.as_deref(),
                })
                .collect(),
            sigles: site
                .sigles
                .iter()
                .map(|s| SigleExport {
                    sigle: &s.sigle,
                    definition: &s.definition,
                })
                .collect(),
            pratiques: site
                .pratiques
                .iter()
                .enumerate()
                .map(|(id, p)| pratique_export(site, id, p))
                .collect(),
            indicateurs: site
                .indicateurs
                .iter()
                .enumerate()
                .map(|(id, i)| indicateur_export(site, id, i))
                .collect(),
        }
    }
}

fn fiche_export<'a>(site: &'a Site, id: FicheId, f: &'a Fiche, today: Month) -> FicheExport<'a> {
    FicheExport {
        numero: &f.numero.text,
        titre: &f.titre,
        groupe: &site.groups[f.group].id,
        resume: f.resume.as_deref(),
        pilotes: f.pilotes.iter().map(|a| actor(site, a)).collect(),
        contributeurs: f.contributeurs.iter().map(|a| actor(site, a)).collect(),
        debut: f.calendrier.debut,
        fin: f.calendrier.fin,
        sous_actions: f
            .sous_actions
            .iter()
            .map(|s| SousActionExport {
                numero: s.numero,
                titre: &s.titre,
                periodes: s
                    .periodes
                    .iter()
                    .map(|&p| {
                        let (debut, fin) = iso_days(p);
                        PeriodExport { debut, fin }
                    })
                    .collect(),
                statut: s.statut.map(|statut| statut.label()),
                en_retard: s.is_late(today),
                suivi: suivi_export(&s.suivi),
            })
            .collect(),
        indicateurs_suivi: &f.indicateurs.suivi,
        indicateurs_resultats: &f.indicateurs.resultats,
        indicateurs: f
            .mesures
            .iter()
            .map(|&i| site.indicateurs[i].id.as_str())
            .collect(),
        statut: f.statut().map(Statut::label),
        statut_calcule: f.statut_calcule(),
        en_retard: f.is_late(today),
        suivi: suivi_export(&f.suivi),
        mis_a_jour: f.mis_a_jour.map(|d| d.to_string()),
        page: links::url(site, &Target::Fiche(id)),
    }
}

fn pratique_export<'a>(site: &'a Site, id: usize, p: &'a Pratique) -> PratiqueExport<'a> {
    PratiqueExport {
        code: &p.code,
        titre: &p.titre,
        themes: site
            .catalogue
            .as_ref()
            .map(|c| p.themes.iter().map(|&t| c.themes[t].id.as_str()).collect())
            .unwrap_or_default(),
        territoire: p.territoire.as_ref().map(|t| t.nom.as_str()),
        code_territoire: p.territoire.as_ref().and_then(|t| t.code.as_deref()),
        annee: p.annee.as_ref().map(|a| a.libelle.as_str()),
        publics: &p.publics,
        mis_a_jour: p.mis_a_jour.map(|d| d.to_string()),
        page: links::url(site, &Target::Pratique(id)),
    }
}

fn indicateur_export<'a>(site: &'a Site, id: usize, i: &'a Indicateur) -> IndicateurExport<'a> {
    IndicateurExport {
        id: &i.id,
        libelle: &i.libelle,
        fiches: i
            .fiches
            .iter()
            .map(|&f| site.fiches[f].numero.text.as_str())
            .collect(),
        kind: i.kind,
        unite: i.unite,
        mesure: i.mesure.as_deref(),
        sens: i.sens,
        cible: i.cible.map(|c| CibleExport {
            valeur: c.valeur,
            annee: c.annee,
        }),
        source: i.source.as_deref(),
        description: i.description.as_deref(),
        valeurs: i
            .valeurs
            .iter()
            .map(|v| ValeurExport {
                annee: v.annee,
                valeur: mesure_json(&v.mesure),
                source: v.source.as_deref(),
                date: v.date.map(|d| d.to_string()),
                note: v.note.as_deref(),
            })
            .collect(),
        page: crate::render::links::indicateur_path(site, id),
    }
}

fn actor<'a>(site: &'a Site, actor: &'a ActorRef) -> ActorExport<'a> {
    match actor {
        ActorRef::Known { acteur, precision } => ActorExport {
            acteur: Some(&site.acteurs[*acteur].id),
            texte: precision.as_deref(),
        },
        ActorRef::Free(text) => ActorExport {
            acteur: None,
            texte: Some(text),
        },
    }
}

fn actor_ids(site: &Site, actors: &[ActorRef]) -> String {
    actors
        .iter()
        .map(|a| match a {
            ActorRef::Known { acteur, .. } => site.acteurs[*acteur].id.clone(),
            ActorRef::Free(text) => text.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// A CSV file of `columns`: their names as header, then one row of cells per item, in the
/// same order, each written as its column's type wants (see `csv_cell`). Rows end with
/// CRLF, as RFC 4180 and the default dialect of the data package (Frictionless) say.
fn csv(columns: Columns, rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let _ = writer.write_record(columns.iter().map(|&(name, _, _)| name));
    for row in rows {
        debug_assert_eq!(row.len(), columns.len(), "a row of {}", columns[0].0);
        let cells = row
            .iter()
            .zip(columns)
            .map(|(cell, &(_, kind, _))| csv_cell(kind, cell));
        let _ = writer.write_record(cells);
    }
    writer.into_inner().unwrap_or_default()
}

/// A cell as the CSV file holds it. A text that a spreadsheet would run as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return: `=HYPERLINK(…)` in a
/// title) is preceded by `'`, which spreadsheets read as "this is text" (OWASP's "CSV
/// injection"). Only text columns: numbers, years, dates and booleans are written by
/// jalon itself, and a negative number (`-1287`) stays a number. The JSON keeps the text
/// exactly as written.
fn csv_cell<'a>(kind: &str, cell: &'a str) -> std::borrow::Cow<'a, [u8]> {
    if kind == "string" && cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}").into_bytes().into()
    } else {
        cell.as_bytes().into()
    }
}

/// The columns of a table: (name, type, description), for the CSV header and the data
/// package alike; the type (Table Schema's) also decides how a cell is written.
type Columns = &'static [(&'static str, &'static str, &'static str)];

const FICHES: Columns = &[
    ("numero", "string", "Numéro de la fiche, stable"),
    ("titre", "string", "Titre de la fiche"),
    (
        "groupe",
        "string",
        "Identifiant de l'élément de hiérarchie (axe…) de la fiche",
    ),
    (
        "pilotes",
        "string",
        "Identifiants des acteurs pilotes (ou texte libre), séparés par « ; »",
    ),
    (
        "contributeurs",
        "string",
        "Identifiants des acteurs contributeurs, séparés par « ; »",
    ),
    ("debut", "year", "Année de démarrage déclarée"),
    ("fin", "year", "Année de fin déclarée"),
    ("sous_actions", "integer", "Nombre de sous-actions"),
    (
        "statut",
        "string",
        "État de la fiche : non engagée, en cours, réalisée, reportée ou abandonnée ; vide si aucun état n'est renseigné",
    ),
    (
        "statut_calcule",
        "boolean",
        "Vrai si l'état est calculé d'après les sous-actions, faux s'il est fixé par la fiche",
    ),
    (
        "en_retard",
        "boolean",
        "Au moins une sous-action en retard à la date de l'état",
    ),
    (
        "indicateurs",
        "string",
        "Identifiants des indicateurs qui la mesurent, séparés par « ; »",
    ),
    (
        "mis_a_jour",
        "date",
        "Date de la dernière mise à jour déclarée",
    ),
    (
        "page",
        "string",
        "Adresse de la page de la fiche, relative au site",
    ),
];

const SOUS_ACTIONS: Columns = &[
    ("fiche", "string", "Numéro de la fiche"),
    (
        "numero",
        "integer",
        "Numéro de la sous-action dans la fiche",
    ),
    ("titre", "string", "Titre de la sous-action"),
    ("debut", "date", "Premier jour prévu (ISO 8601)"),
    ("fin", "date", "Dernier jour prévu (ISO 8601)"),
    (
        "annees",
        "string",
        "Années de mise en œuvre, séparées par « ; »",
    ),
    (
        "statut",
        "string",
        "non engagée, en cours, réalisée, reportée ou abandonnée ; vide si non renseigné",
    ),
    (
        "en_retard",
        "boolean",
        "En retard à la date de l'état (date du jour du site)",
    ),
    ("statut_date", "date", "Date du dernier point de suivi"),
    (
        "statut_commentaire",
        "string",
        "Commentaire du dernier point de suivi",
    ),
];

const SUIVI: Columns = &[
    ("fiche", "string", "Numéro de la fiche"),
    (
        "sous_action",
        "integer",
        "Numéro de la sous-action ; vide pour un point de suivi de la fiche elle-même",
    ),
    ("annee", "year", "Année du point de suivi"),
    (
        "statut",
        "string",
        "non engagée, en cours, réalisée, reportée ou abandonnée",
    ),
    ("date", "date", "Date du point de suivi"),
    ("commentaire", "string", "Commentaire des pilotes"),
];

const INDICATEURS: Columns = &[
    ("id", "string", "Identifiant stable de l'indicateur"),
    ("libelle", "string", "Ce que mesure l'indicateur"),
    (
        "fiches",
        "string",
        "Numéros des fiches mesurées, séparés par « ; »",
    ),
    ("type", "string", "suivi (état d'avancement) ou resultat"),
    (
        "unite",
        "string",
        "nombre, pourcentage, euros, jours ou texte",
    ),
    ("mesure", "string", "Ce qui est compté, pour un nombre"),
    (
        "sens",
        "string",
        "Évolution souhaitée : hausse ou baisse ; vide si aucune",
    ),
    ("cible", "number", "Valeur cible"),
    ("cible_annee", "year", "Année de la cible"),
    ("source", "string", "Source des valeurs"),
    (
        "page",
        "string",
        "Adresse de la page de l'indicateur, relative au site",
    ),
];

const VALEURS: Columns = &[
    ("indicateur", "string", "Identifiant de l'indicateur"),
    (
        "fiches",
        "string",
        "Numéros des fiches mesurées, séparés par « ; »",
    ),
    ("annee", "year", "Année de la valeur"),
    (
        "valeur",
        "number",
        "Valeur chiffrée (point décimal) ; vide pour un indicateur qualitatif",
    ),
    (
        "valeur_texte",
        "string",
        "Valeur d'un indicateur qualitatif",
    ),
    (
        "unite",
        "string",
        "nombre, pourcentage, euros, jours ou texte",
    ),
    ("cible", "number", "Valeur cible de l'indicateur"),
    (
        "ecart_cible",
        "number",
        "Valeur moins cible ; vide sans cible",
    ),
    (
        "source",
        "string",
        "Source de la valeur (ou de l'indicateur)",
    ),
    ("date", "date", "Date de la mesure ou de la publication"),
    ("note", "string", "Précision sur la valeur"),
];

const ACTEURS: Columns = &[
    ("id", "string", "Identifiant stable de l'acteur"),
    ("sigle", "string", "Sigle"),
    ("nom", "string", "Nom de l'organisme ou du service"),
    (
        "type",
        "string",
        "departement, etat, justice, sante, education, collectivite, association ou autre",
    ),
    (
        "parent",
        "string",
        "Identifiant de l'organisme dont il est un service",
    ),
    ("site_web", "string", "Adresse de son site"),
];

const PRATIQUES: Columns = &[
    ("code", "string", "Code stable de la fiche pratique"),
    ("titre", "string", "Titre"),
    (
        "themes",
        "string",
        "Identifiants des thèmes, séparés par « ; »",
    ),
    ("territoire", "string", "Territoire"),
    ("code_territoire", "string", "Numéro du département"),
    ("annee", "string", "Année, telle que la fiche l'écrit"),
    ("publics", "string", "Publics, séparés par « ; »"),
    (
        "mis_a_jour",
        "date",
        "Date de la dernière mise à jour déclarée",
    ),
];

fn date_cell(date: Option<jiff::civil::Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn fiches_csv(site: &Site) -> Vec<u8> {
    csv(
        FICHES,
        site.fiches.iter().enumerate().map(|(id, f)| {
            vec![
                f.numero.text.clone(),
                f.titre.clone(),
                site.groups[f.group].id.clone(),
                actor_ids(site, &f.pilotes),
                actor_ids(site, &f.contributeurs),
                f.calendrier
                    .debut
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                f.calendrier.fin.map(|y| y.to_string()).unwrap_or_default(),
                f.sous_actions.len().to_string(),
                f.statut()
                    .map(|st| st.label().to_string())
                    .unwrap_or_default(),
                f.statut_calcule().to_string(),
                f.is_late(Month::of_date(site.today)).to_string(),
                f.mesures
                    .iter()
                    .map(|&i| site.indicateurs[i].id.clone())
                    .collect::<Vec<_>>()
                    .join(" ; "),
                date_cell(f.mis_a_jour),
                links::url(site, &Target::Fiche(id)),
            ]
        }),
    )
}

fn sous_actions_csv(site: &Site) -> Vec<u8> {
    let today = Month::of_date(site.today);
    csv(
        SOUS_ACTIONS,
        site.fiches.iter().flat_map(|f| {
            f.sous_actions.iter().map(move |s| {
                let (debut, fin) = match (s.periodes.first(), s.periodes.last()) {
                    (Some(first), Some(last)) => (iso_days(*first).0, iso_days(*last).1),
                    _ => (String::new(), String::new()),
                };
                vec![
                    f.numero.text.clone(),
                    s.numero.to_string(),
                    s.titre.clone(),
                    debut,
                    fin,
                    s.annees
                        .iter()
                        .map(u16::to_string)
                        .collect::<Vec<_>>()
                        .join(" ; "),
                    s.statut
                        .map(|st| st.label().to_string())
                        .unwrap_or_default(),
                    s.is_late(today).to_string(),
                    date_cell(s.dernier_suivi().and_then(|e| e.date)),
                    s.dernier_suivi()
                        .and_then(|e| e.commentaire.clone())
                        .unwrap_or_default(),
                ]
            })
        }),
    )
}

fn suivi_csv(site: &Site) -> Vec<u8> {
    let row = |fiche: &str, sous_action: String, entry: &Suivi| {
        vec![
            fiche.to_string(),
            sous_action,
            entry.annee.to_string(),
            entry.statut.label().to_string(),
            date_cell(entry.date),
            entry.commentaire.clone().unwrap_or_default(),
        ]
    };
    csv(
        SUIVI,
        site.fiches.iter().flat_map(|f| {
            let own = f
                .suivi
                .iter()
                .map(move |e| row(&f.numero.text, String::new(), e));
            let parts = f.sous_actions.iter().flat_map(move |s| {
                s.suivi
                    .iter()
                    .map(move |e| row(&f.numero.text, s.numero.to_string(), e))
            });
            own.chain(parts).collect::<Vec<_>>()
        }),
    )
}

fn fiche_numbers(site: &Site, indicateur: &Indicateur) -> String {
    indicateur
        .fiches
        .iter()
        .map(|&f| site.fiches[f].numero.text.clone())
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// A number as CSV and Table Schema read it: a point, no thousands separator.
fn number_cell(number: f64) -> String {
    let text = format!("{:.4}", number);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn keyword<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn indicateurs_csv(site: &Site) -> Vec<u8> {
    csv(
        INDICATEURS,
        site.indicateurs.iter().enumerate().map(|(id, i)| {
            vec![
                i.id.clone(),
                i.libelle.clone(),
                fiche_numbers(site, i),
                keyword(i.kind),
                keyword(i.unite),
                i.mesure.clone().unwrap_or_default(),
                i.sens.map(keyword).unwrap_or_default(),
                i.cible.map(|c| number_cell(c.valeur)).unwrap_or_default(),
                i.cible
                    .and_then(|c| c.annee)
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                i.source.clone().unwrap_or_default(),
                crate::render::links::indicateur_path(site, id),
            ]
        }),
    )
}

fn valeurs_csv(site: &Site) -> Vec<u8> {
    csv(
        VALEURS,
        site.indicateurs.iter().flat_map(|i| {
            i.valeurs.iter().map(move |v| {
                let number = v.mesure.number();
                vec![
                    i.id.clone(),
                    fiche_numbers(site, i),
                    v.annee.to_string(),
                    number.map(number_cell).unwrap_or_default(),
                    match &v.mesure {
                        Mesure::Texte(text) => text.clone(),
                        Mesure::Nombre(_) => String::new(),
                    },
                    keyword(i.unite),
                    i.cible.map(|c| number_cell(c.valeur)).unwrap_or_default(),
                    i.cible
                        .zip(number)
                        .map(|(c, n)| number_cell(n - c.valeur))
                        .unwrap_or_default(),
                    v.source
                        .clone()
                        .or_else(|| i.source.clone())
                        .unwrap_or_default(),
                    date_cell(v.date),
                    v.note.clone().unwrap_or_default(),
                ]
            })
        }),
    )
}

fn acteurs_csv(site: &Site) -> Vec<u8> {
    csv(
        ACTEURS,
        site.acteurs.iter().map(|a| {
            vec![
                a.id.clone(),
                a.sigle.clone().unwrap_or_default(),
                a.nom.clone(),
                serde_json::to_value(a.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                a.parent
                    .map(|p| site.acteurs[p].id.clone())
                    .unwrap_or_default(),
                a.url.clone().unwrap_or_default(),
            ]
        }),
    )
}

fn pratiques_csv(site: &Site) -> Vec<u8> {
    csv(
        PRATIQUES,
        site.pratiques.iter().map(|p| {
            let themes: Vec<String> = site
                .catalogue
                .as_ref()
                .map(|c| p.themes.iter().map(|&t| c.themes[t].id.clone()).collect())
                .unwrap_or_default();
            vec![
                p.code.clone(),
                p.titre.clone(),
                themes.join(" ; "),
                p.territoire
                    .as_ref()
                    .map(|t| t.nom.clone())
                    .unwrap_or_default(),
                p.territoire
                    .as_ref()
                    .and_then(|t| t.code.clone())
                    .unwrap_or_default(),
                p.annee
                    .as_ref()
                    .map(|a| a.libelle.clone())
                    .unwrap_or_default(),
                p.publics.join(" ; "),
                date_cell(p.mis_a_jour),
            ]
        }),
    )
}

/// The Frictionless data package: one resource per CSV file, with its Table Schema.
fn datapackage(site: &Site) -> Vec<u8> {
    let statuses: Vec<&str> = Statut::ALL.iter().map(|s| s.label()).collect();
    let resource = |name: &str, description: &str, columns: &[(&str, &str, &str)]| {
        let fields: Vec<serde_json::Value> = columns
            .iter()
            .map(|(field, kind, description)| {
                let mut value = serde_json::json!({
                    "name": field, "type": kind, "description": description,
                });
                let allowed: Option<Vec<&str>> = match *field {
                    "statut" => Some(statuses.clone()),
                    "type" if name == "indicateurs" => Some(vec!["suivi", "resultat"]),
                    "unite" => Some(vec!["nombre", "pourcentage", "euros", "jours", "texte"]),
                    "sens" => Some(vec!["hausse", "baisse"]),
                    _ => None,
                };
                if let Some(allowed) = allowed {
                    value["constraints"] = serde_json::json!({ "enum": allowed });
                }
                value
            })
            .collect();
        let mut schema = serde_json::json!({ "fields": fields });
        let key = match name {
            "sous-actions" => Some(serde_json::json!(["fiche", "numero"])),
            "fiches" => Some(serde_json::json!("numero")),
            "acteurs" | "indicateurs" => Some(serde_json::json!("id")),
            "valeurs-indicateurs" => Some(serde_json::json!(["indicateur", "annee"])),
            "pratiques" => Some(serde_json::json!("code")),
            _ => None,
        };
        if let Some(key) = key {
            schema["primaryKey"] = key;
        }
        serde_json::json!({
            "name": name,
            "path": format!("{name}.csv"),
            "format": "csv",
            "encoding": "utf-8",
            "description": description,
            "schema": schema,
        })
    };
    let resources: Vec<serde_json::Value> = tables(site)
        .map(|t| resource(t.name, t.description, t.columns))
        .collect();
    let package = serde_json::json!({
        "name": slug::slugify(format!("{} {}", site.schema.titre, site.schema.departement)),
        "title": format!("{} – {}", site.schema.titre, site.schema.departement),
        "licenses": [{"name": "etalab-2.0", "title": "Licence Ouverte 2.0", "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}],
        "created": site.today.to_string(),
        "resources": resources,
    });
    serde_json::to_vec_pretty(&package).unwrap_or_default()
}

/// The calendar of one fiche as a `data:` address, for a link on its page that downloads
/// it: one file fewer per fiche to write (ten thousand for a big catalogue), and it works
/// from the disk too. `None` when the fiche has no period nor milestone.
pub fn fiche_calendar_link(site: &Site, fiche: FicheId) -> Option<String> {
    // Named after the fiche: imported next to others, each calendar says which it is.
    let text = ical(site, &[fiche], &site.fiches[fiche].heading());
    if !text.contains("BEGIN:VEVENT") {
        return None;
    }
    // What a URL may not hold as it is; letters, digits and most punctuation stay readable.
    const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'&')
        .add(b'\'')
        .add(b'<')
        .add(b'>')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}');
    let mut link = String::with_capacity(text.len() * 5 / 4);
    link.push_str("data:text/calendar;charset=utf-8,");
    link.extend(percent_encoding::utf8_percent_encode(&text, ENCODED));
    Some(link)
}

/// An iCalendar file (RFC 5545), named `name`, of the sous-actions' periods and the
/// milestones of `fiches`: all-day events, stable UIDs, escaped and folded lines.
fn ical(site: &Site, fiches: &[FicheId], name: &str) -> String {
    let mut calendar = Calendar::default();
    calendar.line(format_args!("BEGIN:VCALENDAR"));
    calendar.line(format_args!("VERSION:2.0"));
    calendar.line(format_args!("PRODID:-//jalon//schéma départemental//FR"));
    calendar.line(format_args!("CALSCALE:GREGORIAN"));
    calendar.line(format_args!("X-WR-CALNAME:{}", escape(name)));
    let events = Events {
        stamp: format!("{}T000000Z", site.today.to_string().replace('-', "")),
        domain: slug::slugify(&site.schema.departement),
    };
    let sous_action = site.hierarchy.sous_action.libelle.to_lowercase();
    for &f in fiches {
        let fiche = &site.fiches[f];
        let label = &fiche.label;
        let numero = fiche.numero.slug();
        for s in &fiche.sous_actions {
            for (i, &period) in s.periodes.iter().enumerate() {
                events.write(
                    &mut calendar,
                    format_args!("fiche-{numero}-action-{}-periode-{}", s.numero, i + 1),
                    &format!("{label}, {sous_action} {} : {}", s.numero, s.titre),
                    period,
                );
            }
            for (i, jalon) in s.jalons.iter().enumerate() {
                events.write(
                    &mut calendar,
                    format_args!("fiche-{numero}-action-{}-jalon-{}", s.numero, i + 1),
                    &milestone(label, jalon),
                    jalon.moment,
                );
            }
        }
        for (i, jalon) in fiche.calendrier.jalons.iter().enumerate() {
            events.write(
                &mut calendar,
                format_args!("fiche-{numero}-jalon-{}", i + 1),
                &milestone(label, jalon),
                jalon.moment,
            );
        }
    }
    calendar.line(format_args!("END:VCALENDAR"));
    calendar.text
}

/// An iCalendar file being written: each line folded (see [`fold_into`]) and ended by
/// CR LF.
#[derive(Default)]
struct Calendar {
    text: String,
    /// The line being written, before folding.
    line: String,
}

impl Calendar {
    fn line(&mut self, line: std::fmt::Arguments) {
        self.line.clear();
        let _ = self.line.write_fmt(line);
        fold_into(&mut self.text, &self.line);
        self.text.push_str("\r\n");
    }
}

/// What every event of a calendar shares: the day it was made, and the domain that makes
/// its UIDs unique.
struct Events {
    stamp: String,
    domain: String,
}

impl Events {
    /// An all-day event over the months of `span`.
    fn write(&self, calendar: &mut Calendar, uid: std::fmt::Arguments, summary: &str, span: Span) {
        // DTEND is exclusive: the first day of the month after the period.
        let after = Month(span.end.0 + 1);
        calendar.line(format_args!("BEGIN:VEVENT"));
        calendar.line(format_args!("UID:{uid}@{}.jalon", self.domain));
        calendar.line(format_args!("DTSTAMP:{}", self.stamp));
        calendar.line(format_args!(
            "DTSTART;VALUE=DATE:{:04}{:02}01",
            span.start.year(),
            span.start.month()
        ));
        calendar.line(format_args!(
            "DTEND;VALUE=DATE:{:04}{:02}01",
            after.year(),
            after.month()
        ));
        calendar.line(format_args!("SUMMARY:{}", escape(summary)));
        calendar.line(format_args!("END:VEVENT"));
    }
}

fn milestone(label: &str, jalon: &Jalon) -> String {
    format!("Jalon – {label} : {}", jalon.libelle)
}

/// RFC 5545 text escaping: `\`, `;` and `,` escaped; a line break (LF, CR LF or a lone
/// CR, which YAML's `"\r"` lets through) written `\n`, since a bare CR would let a
/// parser end the line there and read what follows as a property of its own; other
/// control characters, which TEXT does not allow, dropped (a tab stays: TEXT allows it).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    // Runs of plain text are copied whole: a summary has a comma or two in a sentence.
    let special = |c: char| matches!(c, '\\' | ';' | ',') || c.is_control() && c != '\t';
    while let Some((at, c)) = rest.char_indices().find(|&(_, c)| special(c)) {
        out.push_str(&rest[..at]);
        let mut after = &rest[at + c.len_utf8()..];
        match c {
            '\\' | ';' | ',' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                after = after.strip_prefix('\n').unwrap_or(after);
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            _ => {}
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `line` with RFC 5545 folding, at the end of `out`: lines of at most 75 octets,
/// continued with a space, never cutting a character in two.
fn fold_into(out: &mut String, line: &str) {
    if line.len() <= 75 {
        out.push_str(line);
        return;
    }
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_keeps_lines_short_and_characters_whole() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let mut folded = String::new();
        fold_into(&mut folded, &line);
        assert!(folded.split("\r\n").all(|l| l.len() <= 75));
        assert_eq!(folded.replace("\r\n ", ""), line);
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn calendar_text_breaks_lines_and_drops_control_characters() {
        // CR LF, a lone CR and LF are all one line break; a tab stays, other controls go.
        assert_eq!(escape("a\r\nb\rc\nd"), "a\\nb\\nc\\nd");
        assert_eq!(escape("a\r\r\nb"), "a\\n\\nb");
        assert_eq!(escape("fin\r"), "fin\\n");
        assert_eq!(escape("a\tb\u{c}c\u{0}d\u{7f}e\u{85}f"), "a\tbcdef");
        assert_eq!(escape("Comité – fin"), "Comité – fin");
    }

    #[test]
    fn xml_text_drops_what_xml_does_not_allow() {
        assert_eq!(
            xml_escape("a & <b> \"c\""),
            "a &amp; &lt;b&gt; &quot;c&quot;"
        );
        assert_eq!(xml_escape("a\tb\nc\rd"), "a\tb\nc\rd");
        assert_eq!(
            xml_escape("(Ré)affirmer\u{c}l'autonomie\u{0}\u{1f}\u{fffe}\u{ffff}"),
            "(Ré)affirmerl'autonomie"
        );
        // Allowed, if discouraged: kept as written.
        assert_eq!(
            xml_escape("\u{7f}\u{85}\u{fffd}😀"),
            "\u{7f}\u{85}\u{fffd}😀"
        );
    }

    #[test]
    fn a_text_cell_a_spreadsheet_would_run_starts_with_a_quote() {
        let cell = |kind, text| String::from_utf8(csv_cell(kind, text).into_owned()).unwrap();
        for text in ["=1+1", "+33 1 23", "-2+3", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(cell("string", text), format!("'{text}"));
        }
        for text in ["", "Comité", " =1", "'=1", "1-2", "fiche/1.html"] {
            assert_eq!(cell("string", text), text);
        }
        // The column's type decides: numbers are never touched.
        for kind in ["number", "integer", "year", "date", "boolean"] {
            assert_eq!(cell(kind, "-1287"), "-1287");
        }
    }

    #[test]
    fn csv_files_quote_text_cells_only() {
        const TABLE: Columns = &[("texte", "string", ""), ("ecart", "number", "")];
        let rows = [
            vec!["=HYPERLINK(\"x\")".to_string(), "-12.5".to_string()],
            vec!["-".to_string(), String::new()],
        ];
        let text = String::from_utf8(csv(TABLE, rows.into_iter())).unwrap();
        assert_eq!(
            text,
            "texte,ecart\r\n\"'=HYPERLINK(\"\"x\"\")\",-12.5\r\n'-,\r\n"
        );
    }
}

//! The files as editors write them: one serde type per file format, field names are
//! the YAML keys. Values that later checks point at keep their position (`Spanned`).

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// `jalon.yaml`, at the root of the site: publishing settings.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// Path of the site on its web server, used by pages served at any depth (404);
    /// `/` when absent.
    pub url_de_base: Option<Spanned<String>>,
    /// Absolute address of the published site, for the sitemap.
    pub url: Option<Spanned<String>>,
    /// How a reference shows its target: number and title, number only, or title only.
    #[serde(default)]
    pub references: ReferenceDisplay,
    /// The accessibility statement, as the département declares it after its own audit.
    #[serde(default)]
    pub accessibilite: AccessibilityConfig,
    pub mentions_legales: Option<LegalConfig>,
    /// Extra links in the footer of every page.
    #[serde(default)]
    pub pied: Vec<LienEntry>,
    /// What the site publishes: the schéma and its catalogue, or the catalogue alone.
    pub publier: Option<Spanned<Publication>>,
    /// The day the site is published for (AAAA-MM-JJ): lateness and the "today" marker.
    /// `--aujourdhui` overrides it; without either, the day of the build.
    pub date_du_jour: Option<serde_saphyr::Spanned<String>>,
    /// The progress statuses and indicator values are example data: pages say so.
    #[serde(default)]
    pub donnees_exemple: bool,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Publication {
    Tout,
    Catalogue,
}

#[derive(Debug, Deserialize, Default, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccessibilityConfig {
    /// Who commits to accessibility, as the statement opens: « Le Département de la
    /// Seine-Saint-Denis ». Only the editor knows the article the name takes.
    pub entite: Option<String>,
    #[serde(default)]
    pub etat: Conformity,
    /// Date of the statement (AAAA-MM-JJ).
    pub date: Option<String>,
    /// How conformity was assessed: who audited, on which pages, with which tool.
    pub audit: Option<String>,
    /// The share of RGAA criteria met, as the audit reports it.
    pub taux: Option<String>,
    #[serde(default)]
    pub non_conformites: Vec<String>,
    #[serde(default)]
    pub derogations: Vec<String>,
    /// Whom to write to about an accessibility problem (address, e-mail, form).
    pub contact: Option<String>,
}

/// The three states of the official model: never claimed without an audit.
#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Conformity {
    TotalementConforme,
    PartiellementConforme,
    #[default]
    NonConforme,
}

impl Conformity {
    pub fn label(self) -> &'static str {
        match self {
            Conformity::TotalementConforme => "totalement conforme",
            Conformity::PartiellementConforme => "partiellement conforme",
            Conformity::NonConforme => "non conforme",
        }
    }
}

#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LegalConfig {
    pub editeur: String,
    pub directeur_publication: Option<String>,
    pub hebergement: Option<String>,
    pub contact: Option<String>,
    pub credits: Option<String>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceDisplay {
    #[default]
    NumeroEtTitre,
    Numero,
    Titre,
}

/// `schema-data/schema.yaml`: identity of the schéma and shape of its hierarchy.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFile {
    #[serde(deserialize_with = "non_empty")]
    pub departement: String,
    pub code_departement: Option<String>,
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    pub sous_titre: Option<String>,
    pub periode: Spanned<String>,
    pub adoption: Option<Spanned<String>>,
    pub couleur: Option<Spanned<String>>,
    pub logo: Option<Spanned<String>>,
    #[serde(default)]
    pub principes: Vec<String>,
    pub niveaux: Vec<LevelConfig>,
    pub fiche: FicheConfig,
    pub sous_action: Labels,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
    #[serde(deserialize_with = "non_empty")]
    pub pluriel: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelConfig {
    pub id: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
    #[serde(deserialize_with = "non_empty")]
    pub pluriel: String,
    pub fichier: Spanned<String>,
    #[serde(default)]
    pub types: Vec<KindConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindConfig {
    pub id: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
    #[serde(deserialize_with = "non_empty")]
    pub pluriel: String,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Numbering {
    /// 1, 2 … 19 across the whole schéma.
    Continue,
    /// 1.2.3: the number of the parent, a dot, the rank within it.
    Hierarchique,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FicheConfig {
    pub id: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
    #[serde(deserialize_with = "non_empty")]
    pub pluriel: String,
    pub abrege: Option<String>,
    pub dossier: Spanned<String>,
    pub numerotation: Numbering,
    /// Words that introduce a fiche number in plain text: "fiche action", "FA".
    #[serde(default)]
    pub mentions: Vec<String>,
    #[serde(default)]
    pub sections: Vec<SectionConfig>,
    #[serde(default)]
    pub champs: Vec<FieldConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionConfig {
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    #[serde(default)]
    pub requise: bool,
}

/// An extra field that a schéma adds to its fiches.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldConfig {
    pub id: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
    #[serde(default)]
    pub requis: bool,
    /// When set, the value must be one of these (or a list of them).
    #[serde(default)]
    pub valeurs: Vec<String>,
}

/// One entry of a level's file, such as `schema-data/axes.yaml`.
/// The parent is named by the key of the level above (`axe: as1`), hence the flattened map;
/// flattened values carry no position, so keys are checked through the keys recorded while parsing (`Parsed::keys`).
#[derive(Debug, Deserialize)]
pub struct GroupEntry {
    pub id: Spanned<String>,
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    pub numero: Option<Spanned<String>>,
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    pub introduction: Option<Spanned<String>>,
    pub chiffres_cles: Option<KeyFigures>,
    #[serde(flatten)]
    pub other: BTreeMap<String, FieldValue>,
}

#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigures {
    pub annee: Option<u16>,
    pub valeurs: Vec<KeyFigure>,
}

#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigure {
    #[serde(deserialize_with = "non_empty")]
    pub valeur: String,
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
}

/// Front matter of a fiche. Extra fields declared in the configuration land in `other`.
#[derive(Debug, Deserialize)]
pub struct FicheFrontMatter {
    pub numero: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    pub resume: Option<String>,
    /// Date of the last meaningful change (AAAA-MM-JJ), for the feed of updates.
    pub mis_a_jour: Option<Spanned<String>>,
    #[serde(default)]
    pub pilotes: Vec<Spanned<ActorEntry>>,
    #[serde(default)]
    pub contributeurs: Vec<Spanned<ActorEntry>>,
    pub calendrier: Option<FicheCalendar>,
    #[serde(default)]
    pub sous_actions: Vec<SousActionEntry>,
    #[serde(default)]
    pub indicateurs: Indicateurs,
    /// The fiche's overall status, when its pilotes set it instead of letting it be
    /// computed from the sous-actions.
    pub statut: Option<crate::model::time::Statut>,
    /// Where the fiche stood each year.
    #[serde(default)]
    pub suivi: Vec<SuiviEntry>,
    #[serde(flatten)]
    pub other: BTreeMap<String, FieldValue>,
}

/// One year of follow-up: the status at the end of that year (or at `date`), and a comment.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuiviEntry {
    pub annee: Spanned<u16>,
    pub statut: crate::model::time::Statut,
    /// Day of the update (AAAA-MM-JJ).
    pub date: Option<Spanned<String>>,
    pub commentaire: Option<String>,
}

/// One entry of `schema-data/indicateurs.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicateurEntry {
    pub id: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
    /// Numbers of the fiches it measures.
    pub fiches: Vec<Spanned<String>>,
    #[serde(rename = "type")]
    pub kind: IndicateurKind,
    pub unite: Unite,
    /// What is counted, for `nombre`: "journées", "places".
    pub mesure: Option<String>,
    pub sens: Option<Sens>,
    pub cible: Option<Spanned<CibleEntry>>,
    pub source: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub valeurs: Vec<ValeurEntry>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IndicateurKind {
    /// Suivi et état d'avancement.
    Suivi,
    /// Résultats.
    Resultat,
}

impl IndicateurKind {
    pub fn label(self) -> &'static str {
        match self {
            IndicateurKind::Suivi => "suivi et état d'avancement",
            IndicateurKind::Resultat => "résultat",
        }
    }
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Unite {
    Nombre,
    Pourcentage,
    Euros,
    Jours,
    /// Qualitative values: text only.
    Texte,
}

impl Unite {
    pub fn is_numeric(self) -> bool {
        self != Unite::Texte
    }
}

/// The direction in which the indicator should move.
#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sens {
    Hausse,
    Baisse,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CibleEntry {
    pub valeur: Option<Spanned<ValueEntry>>,
    pub annee: Option<Spanned<u16>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValeurEntry {
    pub annee: Spanned<u16>,
    pub valeur: Spanned<ValueEntry>,
    pub source: Option<String>,
    /// Day the value was published or measured (AAAA-MM-JJ).
    pub date: Option<Spanned<String>>,
    pub note: Option<String>,
}

/// A value as written: a YAML number, or text ("72,81 %", "2 407", or words).
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum ValueEntry {
    Number(f64),
    Text(String),
}

/// A pilote or contributeur: an actor id, an actor with a precision, or free text.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum ActorEntry {
    Id(String),
    WithPrecision {
        acteur: String,
        precision: Option<String>,
    },
    Free {
        libre: String,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FicheCalendar {
    pub libelle: Option<String>,
    pub debut: Option<Spanned<u16>>,
    pub fin: Option<Spanned<u16>>,
    #[serde(default)]
    pub jalons: Vec<JalonEntry>,
}

/// A milestone: a moment (`2021`, `2021-S2`, `2021-T3`, `2021-03`, `2021-03-15`) and a label.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JalonEntry {
    pub date: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub libelle: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SousActionEntry {
    pub numero: Spanned<u32>,
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    /// The years marked in the document's grid.
    #[serde(default)]
    pub annees: Vec<Spanned<u16>>,
    /// Or a stretch of time: from `debut` to `fin` (moments as in [`JalonEntry`]); without
    /// `fin`, until the end of the schéma ("à partir de").
    pub debut: Option<Spanned<String>>,
    pub fin: Option<Spanned<String>>,
    pub statut: Option<crate::model::time::Statut>,
    /// Where the sous-action stood each year.
    #[serde(default)]
    pub suivi: Vec<SuiviEntry>,
    #[serde(default)]
    pub jalons: Vec<JalonEntry>,
    pub description: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Indicateurs {
    #[serde(default)]
    pub suivi: Vec<String>,
    #[serde(default)]
    pub resultats: Vec<String>,
}

/// The value of a key that the configuration declares (an extra field, the parent's
/// key): text or a list of texts. Any other shape is kept as `Other` rather than failing
/// the whole header: a misspelt standard field (`pilote:` holding blocks) must reach the
/// check of keys, which names it and suggests the right one.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum FieldValue {
    Text(String),
    List(Vec<String>),
    Other(serde::de::IgnoredAny),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActeurEntry {
    pub id: Spanned<String>,
    pub sigle: Option<String>,
    #[serde(deserialize_with = "non_empty")]
    pub nom: String,
    #[serde(rename = "type")]
    pub kind: ActeurKind,
    pub parent: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActeurKind {
    Departement,
    Etat,
    Justice,
    Sante,
    Education,
    Collectivite,
    Association,
    Autre,
}

impl ActeurKind {
    pub fn label(self) -> &'static str {
        match self {
            ActeurKind::Departement => "Département",
            ActeurKind::Etat => "Services de l'État",
            ActeurKind::Justice => "Justice",
            ActeurKind::Sante => "Santé",
            ActeurKind::Education => "Éducation",
            ActeurKind::Collectivite => "Collectivités",
            ActeurKind::Association => "Associations",
            ActeurKind::Autre => "Autres acteurs",
        }
    }
}

/// Front matter of a free page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageFrontMatter {
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    pub menu: Option<u32>,
    pub resume: Option<String>,
    /// `false`: the page stays out of the document complet (a help page, a contact page).
    pub document: Option<bool>,
}

/// `schema-data/pratiques.yaml`: the practice catalogue's themes and card sections.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueFile {
    pub themes: Vec<ThemeEntry>,
    #[serde(default)]
    pub sections: Vec<SectionConfig>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeEntry {
    pub id: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    pub description: Option<String>,
}

/// Front matter of a practice card. Fields it does not have are reported by `resolve`
/// (see [`field_names`]), all of them, where the parser would stop at the first.
#[derive(Debug, Deserialize)]
pub struct PratiqueFrontMatter {
    pub code: Spanned<String>,
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    /// Date of the last meaningful change (AAAA-MM-JJ), for the feed of updates.
    pub mis_a_jour: Option<Spanned<String>>,
    pub themes: Vec<Spanned<String>>,
    pub territoire: Option<Territoire>,
    /// As the card says it: "2014", "2020-2021", "Depuis 2016".
    pub annee: Option<Spanned<String>>,
    #[serde(default)]
    pub initiateurs: Vec<Spanned<CardActor>>,
    #[serde(default)]
    pub publics: Vec<String>,
    pub financements: Option<String>,
    pub contact: Option<String>,
    #[serde(default)]
    pub liens: Vec<LienEntry>,
}

#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Territoire {
    #[serde(deserialize_with = "non_empty")]
    pub nom: String,
    pub code: Option<String>,
    #[serde(rename = "type")]
    pub kind: TerritoireKind,
}

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TerritoireKind {
    Departement,
    Commune,
    Intercommunalite,
    Region,
    National,
    Plusieurs,
}

/// An initiator: free text, or an actor of the directory (`acteur: id`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum CardActor {
    Acteur { acteur: String },
    Text(String),
}

#[derive(Debug, Deserialize, Clone, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct LienEntry {
    #[serde(deserialize_with = "non_empty")]
    pub titre: String,
    pub url: Spanned<String>,
}

/// What a title, a name or a label must hold: left empty, it would publish a heading, a
/// link or a table cell with nothing in it, which a screen reader announces as such.
pub const NON_EMPTY: &str = "un texte non vide";

fn non_empty<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    if text.trim().is_empty() {
        let unexpected = serde::de::Unexpected::Str(&text);
        return Err(serde::de::Error::invalid_value(unexpected, &NON_EMPTY));
    }
    Ok(text)
}

/// The names of the fields of `T`, as its derived `Deserialize` declares them: read by
/// asking it to deserialize a struct, which hands them over first.
pub fn field_names<T: serde::de::DeserializeOwned>() -> &'static [&'static str] {
    struct Names(Option<&'static [&'static str]>);
    impl<'de> serde::Deserializer<'de> for &mut Names {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(serde::de::Error::custom("names read"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut names = Names(None);
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or_default()
}

//! A generator of large synthetic schémas for benchmarks: N fiches spread over axes, with
//! 600–900 words of French-like prose each (headings, lists, a table), cross-references,
//! sous-actions with calendars and follow-up, pilotes and sigles; N/10 indicators with
//! yearly values; N/5 practice cards. Deterministic for a seed.
//!
//! The prose follows `shared/bench/peer-corpus.py`, which feeds Hugo in
//! `scripts/compare-hugo`, so that both tools build the same kind of text: sentences from
//! tables of subjects, verbs and objects, figures, and names of communes and people made
//! of syllables. Those names make the vocabulary grow with N, as in a real schéma, so the
//! search index meets a long tail of rare words and not only a few huge posting lists.

use std::fmt::Write as _;
use std::path::Path;

const AXES: usize = 8;
const FIRST_YEAR: u16 = 2024;
const LAST_YEAR: u16 = 2028;

const SIGLES: &[(&str, &str)] = &[
    ("ASE", "Aide sociale à l'enfance"),
    ("PMI", "Protection maternelle et infantile"),
    (
        "ODPE",
        "Observatoire départemental de la protection de l'enfance",
    ),
    ("PJJ", "Protection judiciaire de la jeunesse"),
    ("CAF", "Caisse d'allocations familiales"),
    ("ARS", "Agence régionale de santé"),
    ("MDPH", "Maison départementale des personnes handicapées"),
    ("AEMO", "Action éducative en milieu ouvert"),
    ("PPE", "Projet pour l'enfant"),
    ("MNA", "Mineurs non accompagnés"),
    ("CRIP", "Cellule de recueil des informations préoccupantes"),
    ("MECS", "Maison d'enfants à caractère social"),
];

const AXE_TITLES: [&str; AXES] = [
    "Prévenir et repérer précocement les difficultés",
    "Accompagner les familles et soutenir la parentalité",
    "Sécuriser le parcours de l'enfant confié",
    "Diversifier et adapter l'offre d'accueil",
    "Piloter, observer et évaluer la politique départementale",
    "Préparer l'autonomie des jeunes majeurs",
    "Garantir la santé et la scolarité des enfants protégés",
    "Associer les enfants et les familles aux décisions",
];

/// The acteurs, with their type. The first `PILOTES` lead fiches and the others contribute,
/// as the two lists of the peer corpus.
const ACTEURS: &[(&str, &str)] = &[
    ("Direction enfance famille", "departement"),
    ("Service de PMI", "departement"),
    ("Service de l'ASE", "departement"),
    ("CRIP départementale", "departement"),
    ("Observatoire départemental", "departement"),
    ("Service social départemental", "departement"),
    ("Direction territoriale de la PJJ", "justice"),
    ("CAF du département", "autre"),
    ("Éducation nationale", "education"),
    ("Délégation départementale de l'ARS", "sante"),
    ("MDPH", "departement"),
    ("Tribunal pour enfants", "justice"),
    ("Parquet des mineurs", "justice"),
    ("Maison des adolescents", "sante"),
    ("Service de l'accueil familial", "departement"),
    ("Direction de l'autonomie", "departement"),
    ("Centre hospitalier", "sante"),
    (
        "Union départementale des associations familiales",
        "association",
    ),
    ("Missions locales", "association"),
    ("Préfecture", "etat"),
    ("Associations habilitées", "association"),
    ("Assistants familiaux", "autre"),
    ("MECS du département", "association"),
    ("Conseil départemental des jeunes", "departement"),
    ("Centre médico-psychologique infanto-juvénile", "sante"),
    (
        "Communes et centres communaux d'action sociale",
        "collectivite",
    ),
    ("Gendarmerie", "etat"),
    ("Police nationale", "etat"),
    ("Centres sociaux", "association"),
    ("Lieux d'accueil enfants-parents", "association"),
    ("Services de prévention spécialisée", "association"),
    ("Ordre des médecins", "sante"),
    ("Fédération des parents d'élèves", "association"),
    ("Clubs sportifs", "association"),
    ("Bailleurs sociaux", "autre"),
];
const PILOTES: usize = 20;

const TITLE_VERBS: &[&str] = &[
    "Renforcer",
    "Structurer",
    "Développer",
    "Améliorer",
    "Consolider",
    "Formaliser",
    "Diversifier",
    "Sécuriser",
    "Coordonner",
    "Évaluer",
];

const TITLE_OBJECTS: &[&str] = &[
    "la prévention précoce auprès des familles vulnérables",
    "le repérage des situations de danger",
    "l'accompagnement des jeunes majeurs",
    "l'accueil familial départemental",
    "le projet pour l'enfant",
    "la coordination des acteurs de la périnatalité",
    "le traitement des informations préoccupantes",
    "la santé des enfants confiés",
    "la scolarité des enfants protégés",
    "le soutien à la parentalité",
    "les visites médiatisées",
    "l'accueil d'urgence",
    "la participation des enfants et des familles",
    "l'observation de la protection de l'enfance",
];

/// Sentence subjects; those starting with "Les " take the plural verb.
const SUBJECTS: &[&str] = &[
    "Le département",
    "Les équipes de l'ASE",
    "Les professionnels de terrain",
    "La CRIP",
    "Les services de PMI",
    "Les partenaires associatifs",
    "L'observatoire départemental de la protection de l'enfance",
    "Le service social départemental",
    "Les assistants familiaux",
    "Les établissements d'accueil",
    "L'autorité judiciaire",
    "Le comité de pilotage",
    "Chaque territoire d'action sociale",
    "Les familles accompagnées",
    "La direction territoriale de la PJJ",
    "Le référent de parcours",
];

/// (singular, plural)
const VERBS: &[(&str, &str)] = &[
    ("renforce", "renforcent"),
    ("développe", "développent"),
    ("coordonne", "coordonnent"),
    ("accompagne", "accompagnent"),
    ("structure", "structurent"),
    ("évalue", "évaluent"),
    ("soutient", "soutiennent"),
    ("améliore", "améliorent"),
    ("organise", "organisent"),
    ("partage", "partagent"),
    ("formalise", "formalisent"),
    ("observe", "observent"),
    ("consolide", "consolident"),
    ("adapte", "adaptent"),
    ("sécurise", "sécurisent"),
    ("mobilise", "mobilisent"),
    ("anticipe", "anticipent"),
    ("documente", "documentent"),
];

const OBJECTS: &[&str] = &[
    "la prévention précoce",
    "le parcours de l'enfant confié",
    "l'accompagnement des familles",
    "le projet pour l'enfant",
    "les mesures d'assistance éducative",
    "l'accueil familial",
    "le soutien à la parentalité",
    "le repérage des vulnérabilités",
    "les évaluations pluridisciplinaires",
    "la continuité des prises en charge",
    "les entretiens prénataux précoces",
    "les bilans de santé",
    "la transition vers l'autonomie",
    "les visites à domicile",
    "la formation des professionnels",
    "le recueil de la parole de l'enfant",
    "les protocoles de coopération",
    "l'offre d'accueil d'urgence",
    "les mesures d'AEMO",
    "l'accueil des MNA",
    "les orientations vers la MDPH",
];

const COMPLEMENTS: &[&str] = &[
    "sur l'ensemble du territoire départemental",
    "en lien avec l'autorité judiciaire",
    "dans le respect des droits de l'enfant",
    "dès la période périnatale",
    "au plus près des lieux de vie",
    "en associant systématiquement les parents",
    "avec l'appui des partenaires institutionnels",
    "selon les recommandations de la Haute Autorité de santé",
    "conformément à la loi du 7 février 2022",
    "dans un délai compatible avec les besoins de l'enfant",
    "à partir d'un référentiel partagé",
    "en tenant compte de la situation de chaque fratrie",
    "avec le concours de la CAF",
    "en lien avec les médecins de l'ARS",
];

const CONNECTORS: &[&str] = &[
    "Par ailleurs,",
    "En outre,",
    "De plus,",
    "Ainsi,",
    "Dans ce cadre,",
    "Toutefois,",
    "À cet égard,",
    "En conséquence,",
];

/// Findings with figures: `{p}` a percentage, `{y}` a year, `{d}` days, `{a}` an age,
/// `{n}` a count.
const STATISTICS: &[&str] = &[
    "le nombre d'informations préoccupantes a progressé de {p} % depuis {y}",
    "{p} % des enfants confiés sont accueillis hors du département",
    "le délai moyen d'évaluation atteint {d} jours",
    "{n} familles ont bénéficié d'une mesure d'AEMO en {y}",
    "{p} % des jeunes majeurs sortent du dispositif sans solution de logement",
    "les assistants familiaux ont en moyenne {a} ans",
    "{p} % des mesures éducatives à domicile débutent avec retard",
    "{n} enfants étaient confiés à l'ASE au 31 décembre {y}",
];

const STATISTICS_LEADS: &[&str] = &[
    "Le diagnostic partagé montre que",
    "Les données de l'ODPE indiquent que",
    "Selon le dernier rapport d'activité,",
];

const INDICATEURS: &[&str] = &[
    "Délai moyen de traitement des informations préoccupantes",
    "Nombre d'entretiens prénataux précoces réalisés",
    "Taux d'enfants confiés disposant d'un projet pour l'enfant",
    "Nombre de places d'accueil d'urgence",
    "Part des jeunes majeurs bénéficiant d'un contrat jeune majeur",
    "Nombre de professionnels formés",
    "Taux de bilans de santé réalisés à l'admission",
    "Nombre d'assistants familiaux agréés",
    "Taux de satisfaction des familles accompagnées",
    "Nombre de visites médiatisées organisées",
];

const SYLLABLES: &[&str] = &[
    "bel", "mont", "ver", "roche", "val", "cour", "ville", "bois", "lan", "gar", "mar", "tin",
    "pey", "ro", "ca", "lou", "bre", "ste", "fon", "tai", "ne", "gny", "zac", "rieu", "ba", "dor",
    "qui", "mes", "sal", "vi", "gnac", "pon", "cha", "lu", "mir", "aut", "ber", "sou", "vel",
    "ran",
];

const FIRST_NAMES: &[&str] = &[
    "Claire", "Nadia", "Julien", "Sophie", "Karim", "Élodie", "Marc", "Fatou", "Isabelle",
    "Thomas", "Léa", "Yannick", "Samira", "Hugo", "Camille", "Bernard", "Aïcha", "Pierre", "Manon",
    "Olivier",
];

// No "Le" or "La": "à Le Val" is not French, and the sentences write "à" and "de" before names.
const COMMUNE_PREFIXES: &[&str] = &["", "", "", "Saint-", "Sainte-"];
const COMMUNE_SUFFIXES: &[&str] = &[
    "",
    "",
    "",
    "-sur-Loire",
    "-les-Bains",
    "-en-Vallée",
    "-le-Haut",
];

/// The communes of the département: practice cards and teams belong to one of them, the
/// larger ones (first) more often. The prose also names places outside this list.
const COMMUNES: usize = 200;

const STATUTS: &[&str] = &["non-engagee", "en-cours", "realisee", "reportee"];

/// splitmix64: small, fast, and the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    fn pick<T: Copy>(&mut self, table: &[T]) -> T {
        table[self.below(table.len())]
    }

    /// A rank below `n`, rank i drawn with weight 1/(i+1): the first entries of a table
    /// come back often and the last ones rarely, as words do in real text (Zipf's law).
    /// Integer weights keep the output the same on every machine.
    fn rank(&mut self, n: usize) -> usize {
        let weight = |i: usize| 720_720 / (i as u64 + 1);
        let mut x = self.next() % (0..n).map(weight).sum::<u64>();
        for i in 0..n {
            if x < weight(i) {
                return i;
            }
            x -= weight(i);
        }
        n - 1
    }

    fn zipf<T: Copy>(&mut self, table: &[T]) -> T {
        table[self.rank(table.len())]
    }

    /// `count` different numbers in `range`.
    fn distinct(&mut self, range: std::ops::Range<usize>, count: usize) -> Vec<usize> {
        let mut chosen = Vec::with_capacity(count);
        while chosen.len() < count.min(range.len()) {
            let n = range.start + self.below(range.len());
            if !chosen.contains(&n) {
                chosen.push(n);
            }
        }
        chosen
    }
}

/// A name made of two or three syllables: about 65,000 of them, so a large schéma keeps
/// meeting new ones.
fn proper_name(rng: &mut Rng) -> String {
    let name: String = (0..rng.between(2, 3))
        .map(|_| rng.pick(SYLLABLES))
        .collect();
    let mut chars = name.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_ascii_uppercase().to_string() + chars.as_str()
    })
}

fn commune(rng: &mut Rng) -> String {
    let prefix = rng.pick(COMMUNE_PREFIXES);
    let name = proper_name(rng);
    format!("{prefix}{name}{}", rng.pick(COMMUNE_SUFFIXES))
}

fn person(rng: &mut Rng) -> String {
    let first = rng.pick(FIRST_NAMES);
    format!("{first} {}", proper_name(rng))
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_lowercase().collect::<String>() + chars.as_str()
    })
}

fn sentence(rng: &mut Rng) -> String {
    let subject = rng.zipf(SUBJECTS);
    let (singular, plural) = rng.zipf(VERBS);
    let verb = if subject.starts_with("Les ") {
        plural
    } else {
        singular
    };
    let mut text = format!("{subject} {verb} {}", rng.zipf(OBJECTS));
    match rng.below(10) {
        0..=5 => text = format!("{text} {}", rng.zipf(COMPLEMENTS)),
        6 | 7 => text = format!("{text} à {}", commune(rng)),
        _ => {}
    }
    if rng.below(4) == 0 {
        text = format!("{} {}", rng.zipf(CONNECTORS), lowercase_first(&text));
    }
    text + "."
}

fn statistic(rng: &mut Rng) -> String {
    let lead = rng.pick(STATISTICS_LEADS);
    let finding = rng
        .pick(STATISTICS)
        .replace("{p}", &rng.between(5, 60).to_string())
        .replace("{y}", &rng.between(2015, 2023).to_string())
        .replace("{d}", &rng.between(30, 180).to_string())
        .replace("{a}", &rng.between(48, 58).to_string())
        .replace("{n}", &rng.between(40, 4000).to_string());
    format!("{lead} {finding}.")
}

/// One paragraph on one line, for YAML block scalars.
fn paragraph(rng: &mut Rng, sentences: usize) -> String {
    let sentences: Vec<String> = (0..sentences).map(|_| sentence(rng)).collect();
    sentences.join(" ")
}

fn title(rng: &mut Rng) -> String {
    let title = format!("{} {}", rng.pick(TITLE_VERBS), rng.pick(TITLE_OBJECTS));
    if rng.below(4) == 0 {
        format!("{title} à {}", commune(rng))
    } else {
        title
    }
}

/// Markdown counted as it is written, so that each section stops at its share of the
/// fiche's length. Words are counted as `split_whitespace` does, like the peer corpus.
#[derive(Default)]
struct Prose {
    text: String,
    words: usize,
}

impl Prose {
    fn push(&mut self, text: &str) {
        self.words += text.split_whitespace().count();
        self.text.push_str(text);
    }

    /// Sentences, in paragraphs of three to five, until the text holds `until` words; at
    /// least one, so that no section is empty. Continues the paragraph already begun, if
    /// any.
    fn fill(&mut self, rng: &mut Rng, until: usize) {
        let mut left = rng.between(3, 5);
        loop {
            let next = if rng.below(12) == 0 {
                statistic(rng)
            } else {
                sentence(rng)
            };
            self.push(&next);
            left -= 1;
            if self.words >= until {
                break;
            }
            if left == 0 {
                self.push("\n\n");
                left = rng.between(3, 5);
            } else {
                self.push(" ");
            }
        }
        self.push("\n\n");
    }
}

/// What to generate: how many fiches and practice cards, from which seed.
#[derive(Clone, Copy)]
pub struct Size {
    pub fiches: usize,
    /// Without any, the site has no catalogue: the content of a Hugo site of the same
    /// fiches (`scripts/compare-hugo`).
    pub pratiques: usize,
    pub seed: u64,
}

impl Size {
    /// `fiches` fiches and a practice card for every five, as in a schéma that publishes
    /// its catalogue too.
    pub fn new(fiches: usize, seed: u64) -> Self {
        Size {
            fiches,
            pratiques: fiches / 5,
            seed,
        }
    }
}

/// Writes a complete site of `size` into `dir` (which must not exist or be empty). The
/// fiches do not depend on the number of practice cards.
pub fn generate(dir: &Path, size: &Size) -> std::io::Result<()> {
    let Size {
        fiches,
        pratiques,
        seed,
    } = *size;
    let mut rng = Rng(seed);
    let communes: Vec<String> = (0..COMMUNES).map(|_| commune(&mut rng)).collect();
    std::fs::create_dir_all(dir.join("schema-data"))?;
    std::fs::create_dir_all(dir.join("content/fiches"))?;
    std::fs::create_dir_all(dir.join("content/pages"))?;
    std::fs::write(dir.join("schema-data/schema.yaml"), schema())?;
    std::fs::write(dir.join("schema-data/axes.yaml"), axes(&mut rng))?;
    std::fs::write(dir.join("schema-data/acteurs.yaml"), acteurs())?;
    let sigles: String = SIGLES.iter().map(|(s, d)| format!("{s}: {d}\n")).collect();
    std::fs::write(dir.join("schema-data/sigles.yaml"), sigles)?;
    std::fs::write(
        dir.join("content/pages/presentation.md"),
        format!(
            "---\ntitre: Présentation\nmenu: 1\n---\n\n{}\n",
            paragraph(&mut rng, 3)
        ),
    )?;
    for numero in 1..=fiches {
        let text = fiche(&mut rng, numero, fiches, &communes);
        std::fs::write(dir.join(format!("content/fiches/fa-{numero:05}.md")), text)?;
    }
    std::fs::write(
        dir.join("schema-data/indicateurs.yaml"),
        indicateurs(&mut rng, fiches),
    )?;
    if pratiques == 0 {
        return Ok(());
    }
    std::fs::create_dir_all(dir.join("content/pratiques"))?;
    std::fs::write(dir.join("schema-data/pratiques.yaml"), catalogue())?;
    for numero in 1..=pratiques {
        std::fs::write(
            dir.join(format!("content/pratiques/p{numero:05}.md")),
            pratique(&mut rng, numero, &communes),
        )?;
    }
    Ok(())
}

fn schema() -> String {
    format!(
        "departement: Département de démonstration\ntitre: Schéma généré pour les bancs d'essai\nperiode: {FIRST_YEAR}-{LAST_YEAR}\n\
niveaux:\n  - id: axe\n    libelle: Axe\n    pluriel: Axes\n    fichier: axes.yaml\n\
fiche:\n  id: fiche\n  libelle: Fiche-action\n  pluriel: Fiches-actions\n  dossier: fiches\n  numerotation: continue\n  mentions: [fiche action]\n  sections:\n    - titre: Constats\n      requise: true\n    - titre: Objectifs\n      requise: true\n\
sous_action:\n  libelle: Action\n  pluriel: Actions\n"
    )
}

fn axes(rng: &mut Rng) -> String {
    let mut text = String::new();
    for (axe, titre) in AXE_TITLES.iter().enumerate() {
        let _ = write!(
            text,
            "- id: axe-{n}\n  numero: \"{n}\"\n  titre: {titre}\n  introduction: |\n    {}\n",
            paragraph(rng, 3),
            n = axe + 1,
        );
    }
    text
}

fn acteurs() -> String {
    let mut text = String::new();
    for (i, (nom, kind)) in ACTEURS.iter().enumerate() {
        let _ = writeln!(text, "- id: acteur-{}\n  nom: {nom}\n  type: {kind}", i + 1);
    }
    text
}

const THEMES: [&str; 5] = [
    "aller-vers",
    "pair-aidance",
    "reseaux",
    "pouvoir-d-agir",
    "conferences",
];

fn catalogue() -> String {
    let mut text = String::from("themes:\n");
    for theme in THEMES {
        let _ = writeln!(text, "  - id: {theme}\n    titre: Thème {theme}");
    }
    text.push_str("sections:\n  - titre: Descriptif de l'action\n    requise: true\n  - titre: Bilan et effets\n");
    text
}

/// A practice card of about 400 words.
fn pratique(rng: &mut Rng, numero: usize, communes: &[String]) -> String {
    let mut text = format!(
        "---\ncode: p{numero:05}\ntitre: {}\nthemes: [{}]\nterritoire:\n  nom: {}\n  type: commune\nannee: \"{}\"\ninitiateurs:\n  - acteur-{}\npublics:\n  - Familles\n---\n\n",
        title(rng),
        rng.pick(&THEMES),
        communes[rng.rank(communes.len())],
        rng.between(2010, 2024),
        rng.below(ACTEURS.len()) + 1,
    );
    let mut body = Prose::default();
    body.push("## Descriptif de l'action\n\n");
    body.fill(rng, 260);
    body.push("## Bilan et effets\n\n");
    body.fill(rng, 400);
    text.push_str(body.text.trim_end());
    text.push('\n');
    text
}

/// One indicator per ten fiches, with a value for each of the first three years.
fn indicateurs(rng: &mut Rng, fiches: usize) -> String {
    let mut text = String::new();
    for i in 1..=fiches.div_ceil(10) {
        let _ = write!(
            text,
            "- id: indicateur-{i}\n  libelle: {} à {}\n  fiches: [{}]\n  type: resultat\n  unite: nombre\n  sens: hausse\n  cible:\n    valeur: {}\n    annee: {LAST_YEAR}\n  valeurs:\n",
            rng.zipf(INDICATEURS),
            commune(rng),
            (i - 1) * 10 + 1,
            1000 + rng.below(1000),
        );
        for year in FIRST_YEAR..FIRST_YEAR + 3 {
            let _ = writeln!(
                text,
                "    - annee: {year}\n      valeur: {}\n      date: {year}-12-31",
                200 + rng.below(800)
            );
        }
    }
    text
}

fn fiche(rng: &mut Rng, numero: usize, total: usize, communes: &[String]) -> String {
    let axe = (numero - 1) * AXES / total + 1;
    // As many pilotes and contributeurs as the peer corpus: one to three, three to six.
    let (pilote_count, contributeur_count) = (rng.between(1, 3), rng.between(2, 5));
    let pilotes = rng.distinct(0..PILOTES, pilote_count);
    let contributeurs = rng.distinct(PILOTES..ACTEURS.len(), contributeur_count);
    let mut text = format!(
        "---\nnumero: {numero}\ntitre: {}\naxe: axe-{axe}\nresume: {}\npilotes:\n",
        title(rng),
        sentence(rng),
    );
    for i in &pilotes {
        let _ = writeln!(text, "  - acteur-{}", i + 1);
    }
    text.push_str("contributeurs:\n");
    for i in &contributeurs {
        let _ = writeln!(text, "  - acteur-{}", i + 1);
    }
    let _ = write!(
        text,
        "  - libre: ensemble des partenaires du territoire\ncalendrier:\n  debut: {FIRST_YEAR}\nsous_actions:\n"
    );
    let mut last_year = FIRST_YEAR;
    for action in 1..=rng.between(2, 4) {
        let start = FIRST_YEAR + rng.below(3) as u16;
        let end = (start + 1 + rng.below(3) as u16).min(LAST_YEAR);
        last_year = last_year.max(end);
        let years: Vec<String> = (start..=end).map(|y| y.to_string()).collect();
        let _ = write!(
            text,
            "  - numero: {action}\n    titre: {} {}\n    annees: [{}]\n    suivi:\n      - annee: {start}\n        statut: {}\n    description: |\n      {}\n",
            rng.pick(TITLE_VERBS),
            rng.zipf(OBJECTS),
            years.join(", "),
            rng.pick(STATUTS),
            paragraph(rng, 2)
        );
    }
    let _ = write!(
        text,
        "indicateurs:\n  suivi:\n    - {}\n  resultats:\n    - {}\n---\n\n",
        rng.zipf(INDICATEURS),
        rng.zipf(INDICATEURS)
    );
    text + &body(rng, total, last_year, &pilotes, communes)
}

/// A fiche's Markdown: 650 to 870 words aimed at (mean 760), then at most one sentence
/// (24 words) more, so 650 to 900 words with a mean near the peer corpus's 770.
fn body(
    rng: &mut Rng,
    total: usize,
    last_year: u16,
    pilotes: &[usize],
    communes: &[String],
) -> String {
    let target = 650 + rng.below(111) + rng.below(111);
    let share = |percent: usize| target * percent / 100;
    let cited = |rng: &mut Rng| rng.below(total) + 1;
    let local = |rng: &mut Rng| communes[rng.rank(communes.len())].as_str();
    let mut body = Prose::default();

    body.push("## Constats\n\n");
    body.push(&(statistic(rng) + " "));
    body.fill(rng, share(15));
    let (here, there) = (local(rng), local(rng));
    body.push(&format!(
        "Sur les territoires de {here} et de {there}, {} ",
        lowercase_first(&sentence(rng))
    ));
    body.fill(rng, share(25));
    body.push("Les principaux points de vigilance relevés lors de la concertation :\n\n");
    for _ in 0..rng.between(3, 5) {
        body.push(&format!("- {}\n", sentence(rng)));
    }
    body.push("\n");
    body.fill(rng, share(35));

    body.push("## Objectifs\n\n");
    body.fill(rng, share(45));
    for n in 1..=rng.between(3, 4) {
        let (verb, object) = (rng.pick(TITLE_VERBS), rng.zipf(OBJECTS));
        body.push(&format!("{n}. {verb} {object}.\n"));
    }
    body.push("\n");
    let (linked, mentioned) = (cited(rng), cited(rng));
    body.push(&format!(
        "Voir aussi [[fiche {linked}]] et la fiche action {mentioned}. "
    ));
    body.fill(rng, share(55));
    body.push(&format!(
        "| Indicateur | Valeur de référence | Cible {last_year} | Source |\n| --- | ---: | ---: | --- |\n"
    ));
    for _ in 0..rng.between(3, 5) {
        let reference = rng.between(10, 900);
        let goal = reference * rng.between(60, 150) / 100;
        let source = ACTEURS[pilotes[rng.below(pilotes.len())]].0;
        let indicateur = rng.zipf(INDICATEURS);
        body.push(&format!(
            "| {indicateur} | {reference} | {goal} | {source} |\n"
        ));
    }
    body.push("\n");

    body.push("## Conditions de réussite\n\n");
    body.fill(rng, share(70));
    let (referent, team) = (person(rng), local(rng));
    body.push(&format!(
        "Le référent de l'action est {referent}, en appui de l'équipe de {team}. En lien avec [[fiche {}#1]]. ",
        cited(rng)
    ));
    body.fill(rng, share(80));

    body.push("## Perspectives\n\n");
    body.fill(rng, target);
    body.text.trim_end().to_string() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashSet};

    /// Every file of a generated site, by path.
    fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let path = e.path().strip_prefix(dir).unwrap().display().to_string();
                (path, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    fn distinct_words(files: &BTreeMap<String, Vec<u8>>) -> usize {
        let mut words = HashSet::new();
        for contents in files.values() {
            let text = std::str::from_utf8(contents).unwrap();
            words.extend(
                text.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .map(str::to_lowercase),
            );
        }
        words.len()
    }

    #[test]
    fn same_seed_same_site_and_the_vocabulary_grows_with_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b, small) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("small"),
        );
        generate(&a, &Size::new(1000, 7)).unwrap();
        generate(&b, &Size::new(1000, 7)).unwrap();
        generate(&small, &Size::new(100, 7)).unwrap();
        let (a, b, small) = (files(&a), files(&b), files(&small));
        assert!(a == b, "same seed, different output");
        assert_eq!(a.keys().filter(|p| p.contains("fiches/")).count(), 1000);
        assert_eq!(a.keys().filter(|p| p.contains("pratiques/")).count(), 200);

        let (many, few) = (distinct_words(&a), distinct_words(&small));
        assert!(
            many > 3 * few,
            "{many} distinct words for 1000 fiches, {few} for 100"
        );

        let mut total = 0;
        for (path, contents) in a.iter().filter(|(p, _)| p.contains("fiches/")) {
            let text = std::str::from_utf8(contents).unwrap();
            let (_, body) = text[4..].split_once("\n---\n").unwrap();
            let words = body.split_whitespace().count();
            assert!((600..=900).contains(&words), "{path}: {words} words");
            total += words;
        }
        let mean = total / 1000;
        assert!((740..=800).contains(&mean), "mean {mean} words");
    }

    #[test]
    fn without_practice_cards_the_same_fiches_and_no_catalogue() {
        let dir = tempfile::tempdir().unwrap();
        let (with, without) = (dir.path().join("with"), dir.path().join("without"));
        generate(&with, &Size::new(50, 3)).unwrap();
        let size = Size {
            pratiques: 0,
            ..Size::new(50, 3)
        };
        generate(&without, &size).unwrap();
        let (with, without) = (files(&with), files(&without));
        assert!(!without.keys().any(|p| p.contains("pratiques")));
        let fiches = |files: &BTreeMap<String, Vec<u8>>| -> Vec<Vec<u8>> {
            (files.iter())
                .filter(|(p, _)| p.contains("fiches/"))
                .map(|(_, c)| c.clone())
                .collect()
        };
        assert_eq!(fiches(&with), fiches(&without));
        assert_eq!(with.keys().filter(|p| p.contains("pratiques/")).count(), 10);
    }
}

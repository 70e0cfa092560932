//! A generator of large synthetic schémas for benchmarks: N fiches spread over axes, with
//! 600–900 words of French-like prose each (headings, lists, a table), cross-references,
//! sous-actions with calendars and follow-up, pilotes and sigles; N/10 indicators with
//! yearly values; N/5 practice cards. Deterministic for a seed.

use std::fmt::Write as _;
use std::path::Path;

const AXES: usize = 8;
const ACTEURS: usize = 40;
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
];

const WORDS: &[&str] = &[
    "accompagnement",
    "familles",
    "enfants",
    "parcours",
    "prévention",
    "protection",
    "accueil",
    "professionnels",
    "partenaires",
    "territoire",
    "évaluation",
    "dispositif",
    "soutien",
    "parentalité",
    "jeunes",
    "autonomie",
    "santé",
    "scolarité",
    "coordination",
    "information",
    "formation",
    "référent",
    "situation",
    "besoins",
    "mesure",
    "projet",
    "droits",
    "participation",
    "éducatif",
    "social",
    "départemental",
    "local",
    "renforcé",
    "adapté",
    "partagé",
    "durable",
    "développer",
    "favoriser",
    "améliorer",
    "garantir",
    "mobiliser",
    "structurer",
    "consolider",
    "l'enfant",
    "d'accueil",
    "qu'il",
    "avec",
    "pour",
    "dans",
    "entre",
    "chaque",
    "leurs",
    "une",
    "des",
    "les",
    "la",
    "le",
    "et",
    "du",
    "au",
];

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

    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len())]
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut text = String::new();
        for i in 0..words {
            if i > 0 {
                text.push(' ');
            }
            if i == words / 2 && self.below(3) == 0 {
                text.push_str(SIGLES[self.below(SIGLES.len())].0);
            } else {
                text.push_str(self.word());
            }
        }
        let mut chars = text.chars();
        let first = chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default();
        format!("{first}{}.", chars.as_str())
    }
}

/// Writes a complete site with `fiches` fiches into `dir` (which must not exist or be empty).
pub fn generate(dir: &Path, fiches: usize, seed: u64) -> std::io::Result<()> {
    let mut rng = Rng(seed);
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
            rng.sentence(40)
        ),
    )?;
    for numero in 1..=fiches {
        let text = fiche(&mut rng, numero, fiches);
        std::fs::write(dir.join(format!("content/fiches/fa-{numero:05}.md")), text)?;
    }
    std::fs::write(
        dir.join("schema-data/indicateurs.yaml"),
        indicateurs(&mut rng, fiches),
    )?;
    std::fs::create_dir_all(dir.join("content/pratiques"))?;
    std::fs::write(dir.join("schema-data/pratiques.yaml"), catalogue())?;
    for numero in 1..=fiches / 5 {
        std::fs::write(
            dir.join(format!("content/pratiques/p{numero:05}.md")),
            pratique(&mut rng, numero),
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
    for axe in 1..=AXES {
        let _ = write!(
            text,
            "- id: axe-{axe}\n  numero: \"{axe}\"\n  titre: {}\n  introduction: |\n    {}\n",
            rng.sentence(8).trim_end_matches('.'),
            rng.sentence(60)
        );
    }
    text
}

fn acteurs() -> String {
    let mut text = String::new();
    for acteur in 1..=ACTEURS {
        let _ = writeln!(
            text,
            "- id: acteur-{acteur}\n  nom: Service partenaire numéro {acteur}\n  type: {}",
            ["departement", "etat", "association", "sante"][acteur % 4]
        );
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
fn pratique(rng: &mut Rng, numero: usize) -> String {
    format!(
        "---\ncode: p{numero:05}\ntitre: {}\nthemes: [{}]\nterritoire:\n  nom: Commune numéro {}\n  type: commune\nannee: \"{}\"\ninitiateurs:\n  - acteur-{}\npublics:\n  - Familles\n---\n\n## Descriptif de l'action\n\n{}\n\n{}\n\n## Bilan et effets\n\n{}\n",
        rng.sentence(7).trim_end_matches('.'),
        THEMES[rng.below(THEMES.len())],
        rng.below(200) + 1,
        2010 + rng.below(15),
        rng.below(ACTEURS) + 1,
        rng.sentence(120),
        rng.sentence(120),
        rng.sentence(120)
    )
}

/// One indicator per ten fiches, with a value for each of the first three years.
fn indicateurs(rng: &mut Rng, fiches: usize) -> String {
    let mut text = String::new();
    for i in 1..=fiches.div_ceil(10) {
        let _ = write!(
            text,
            "- id: indicateur-{i}\n  libelle: {}\n  fiches: [{}]\n  type: resultat\n  unite: nombre\n  sens: hausse\n  cible:\n    valeur: {}\n    annee: {LAST_YEAR}\n  valeurs:\n",
            rng.sentence(6).trim_end_matches('.'),
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

fn fiche(rng: &mut Rng, numero: usize, total: usize) -> String {
    let axe = (numero - 1) * AXES / total + 1;
    let mut text = format!(
        "---\nnumero: {numero}\ntitre: {}\naxe: axe-{axe}\nresume: {}\npilotes:\n  - acteur-{}\n  - acteur-{}\ncontributeurs:\n  - acteur-{}\n  - libre: ensemble des partenaires du territoire\ncalendrier:\n  debut: {FIRST_YEAR}\n",
        rng.sentence(7).trim_end_matches('.'),
        rng.sentence(18),
        rng.below(ACTEURS) + 1,
        rng.below(ACTEURS) + 1,
        rng.below(ACTEURS) + 1,
    );
    text.push_str("sous_actions:\n");
    for action in 1..=(2 + rng.below(3)) {
        let start = FIRST_YEAR + rng.below(3) as u16;
        let end = (start + 1 + rng.below(3) as u16).min(LAST_YEAR);
        let years: Vec<String> = (start..=end).map(|y| y.to_string()).collect();
        let _ = write!(
            text,
            "  - numero: {action}\n    titre: {}\n    annees: [{}]\n    suivi:\n      - annee: {start}\n        statut: {}\n    description: |\n      {}\n",
            rng.sentence(8).trim_end_matches('.'),
            years.join(", "),
            ["non-engagee", "en-cours", "realisee", "reportee"][rng.below(4)],
            rng.sentence(40)
        );
    }
    let _ = write!(
        text,
        "indicateurs:\n  suivi:\n    - {}\n  resultats:\n    - {}\n---\n\n",
        rng.sentence(6),
        rng.sentence(6)
    );
    // Body: about 700 words in four sections.
    let cited = |rng: &mut Rng| (rng.below(total) + 1).to_string();
    let _ = write!(
        text,
        "## Constats\n\n{}\n\n{}\n\n",
        rng.sentence(90),
        rng.sentence(90)
    );
    for _ in 0..5 {
        let _ = writeln!(text, "- {}", rng.sentence(14));
    }
    let _ = write!(
        text,
        "\n## Objectifs\n\n{} Voir aussi [[fiche {}]] et la fiche action {}.\n\n",
        rng.sentence(80),
        cited(rng),
        cited(rng)
    );
    let _ = write!(
        text,
        "| Année | Mesures | Familles |\n| --- | --- | --- |\n| {FIRST_YEAR} | {} | {} |\n| {} | {} | {} |\n\n",
        rng.below(900),
        rng.below(900),
        FIRST_YEAR + 1,
        rng.below(900),
        rng.below(900)
    );
    let _ = write!(
        text,
        "## Conditions de réussite\n\n{}\n\n{} En lien avec [[fiche {}#1]].\n\n",
        rng.sentence(100),
        rng.sentence(100),
        cited(rng)
    );
    let _ = write!(text, "## Perspectives\n\n{}\n", rng.sentence(90));
    text
}

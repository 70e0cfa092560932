//! The follow-up of the example schéma: statuses counted on the dashboard, late
//! sous-actions on the dashboard and on their fiche, one chart and one table per indicator
//! with the same numbers written the French way, the review of each year, and the exports.

use crate::common;

use std::sync::OnceLock;

use crate::common::{Built, Page, build_on, repo};

/// The example's follow-up is given as of 31 December 2023 (its jalon.yaml says so too).
fn site() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build_on(&repo(), "2023-12-31"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(site().out().join(path)).unwrap()
}

fn rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

const THOUSANDS: char = '\u{202F}';
const BEFORE_UNIT: char = '\u{A0}';

/// The text of each element, without collapsing spaces: French numbers keep their
/// no-break spaces.
fn raw_texts(page: &Page, selector: &str) -> Vec<String> {
    page.select(selector)
        .iter()
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Cells of a table row, text only, whitespace kept as is but trimmed.
fn cells(row: scraper::ElementRef) -> Vec<String> {
    let selector = scraper::Selector::parse("th, td").unwrap();
    row.select(&selector)
        .map(|c| c.text().collect::<String>().trim().to_string())
        .collect()
}

#[test]
fn the_dashboard_counts_the_example_statuses() {
    let page = site().page("tableau-de-bord.html");
    let headers: Vec<String> = page.texts(".tableau-avancement:not(.tableau-fiches) thead th");
    assert_eq!(
        headers,
        [
            "Axe",
            "non engagée",
            "en cours",
            "réalisée",
            "reportée",
            "abandonnée",
            "sans état renseigné",
            "Total",
        ]
    );
    let total = cells(page.select(".tableau-avancement tfoot tr")[0]);
    // Counted by hand in content/fiches: 50 sous-actions as of 31 December 2023.
    assert_eq!(
        total[1..8],
        ["1", "20", "24", "1", "1", "3", "50"].map(String::from)
    );
    // The same counts from the open data, one row per sous-action.
    let sous_actions = rows(&read("donnees/sous-actions.csv"));
    for (column, label) in [(2, "en cours"), (3, "réalisée"), (5, "abandonnée")] {
        let counted = sous_actions.iter().filter(|r| &r[6] == label).count();
        assert_eq!(total[column], counted.to_string(), "{label}");
    }
    // One row per axe, whose totals add up to the whole.
    let per_axe: Vec<Vec<String>> = page
        .select(".tableau-avancement tbody tr")
        .into_iter()
        .filter(|r| {
            r.select(&scraper::Selector::parse("th[scope=row]").unwrap())
                .count()
                == 1
        })
        .map(cells)
        .collect();
    assert_eq!(per_axe.len(), 8);
    let sum: usize = per_axe.iter().map(|r| r[7].parse::<usize>().unwrap()).sum();
    assert_eq!(sum, 50);
    // Every bar is an image with the counts as its name.
    let bars = page.select("svg.barre-statuts[role=img]");
    assert_eq!(bars.len(), 1 + 8);
    assert!(
        page.attrs("svg.barre-statuts", "aria-label")[0].contains("réalisée\u{a0}: 24"),
        "{:?}",
        page.attrs("svg.barre-statuts", "aria-label")
    );
    // The statuses are declared as example data.
    assert!(
        page.texts(".etat-suivi")[0].starts_with("Données d'exemple, état au 31 décembre 2023")
    );
}

#[test]
fn a_late_action_is_listed_and_shown_on_its_fiche() {
    let page = site().page("tableau-de-bord.html");
    let late = page.links(".liste-retards a");
    let hrefs: Vec<&str> = late.iter().map(|(h, _)| h.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "fiche/8.html#sous-action-2",
            "fiche/11.html#sous-action-3",
            "fiche/16.html#sous-action-3",
            "fiche/18.html#sous-action-1"
        ]
    );
    let items = page.texts(".liste-retards li");
    assert!(
        items[2].contains("non engagée, en retard") && items[2].contains("début prévu en 2019"),
        "{}",
        items[2]
    );
    // On the fiche: the sous-action says it is late, and why; the fiche too.
    let fiche = site().page("fiche/16.html");
    let section = fiche.texts(".sous-action")[2].clone();
    assert!(
        section.contains("en retard (début prévu en 2019, encore non engagée)"),
        "{section}"
    );
    let state = fiche.texts(".fiche-resume .statut").join(" ");
    assert!(state.contains("en retard"), "{state}");
    // Lists of fiches show it too.
    let axe = site().page("axe/as5.html");
    let cards = axe.texts(".carte-fiche");
    assert!(
        cards[1].contains("État : ▶! en cours, en retard"),
        "{}",
        cards[1]
    );
    assert!(cards[0].contains("État : ▶ en cours") && !cards[0].contains("en retard"));
    // Done or on time: not late.
    let fiche_8 = site().page("fiche/8.html");
    assert!(!fiche_8.texts(".sous-action")[0].contains("en retard"));
}

#[test]
fn the_home_page_sums_up_the_follow_up() {
    let home = site().page("index.html");
    let text = home.texts(".suivi-accueil p")[0].clone();
    assert!(
        text.starts_with("24 actions réalisées et 20 en cours sur 50, dont 4 en retard, au 31 décembre 2023 (données d'exemple)."),
        "{text}"
    );
    assert_eq!(
        home.attrs(".suivi-accueil a", "href"),
        ["tableau-de-bord.html"]
    );
    assert_eq!(home.select(".suivi-accueil svg[role=img]").len(), 1);
}

#[test]
fn lateness_depends_on_the_day() {
    // In mid-2020 the sous-action planned for 2019-2020 and still running is on time.
    let built = build_on(&repo(), "2020-06-30");
    let hrefs: Vec<String> = built
        .page("tableau-de-bord.html")
        .attrs(".liste-retards a", "href");
    assert!(hrefs.contains(&"fiche/16.html#sous-action-3".to_string()));
    assert!(!hrefs.contains(&"fiche/8.html#sous-action-2".to_string()));
    assert!(built.page("tableau-de-bord.html").texts(".etat-suivi")[0].contains("30 juin 2020"));
}

/// The values of an indicator page's table, and the labels of its chart's points.
fn chart_and_table(page: &Page) -> (Vec<String>, Vec<String>, usize) {
    let table: Vec<String> = raw_texts(page, ".tableau-valeurs tbody td.valeur");
    let labels: Vec<String> = raw_texts(page, "svg.graphique text.graphique-valeur");
    let points = page.select("svg.graphique circle.graphique-point").len();
    (table, labels, points)
}

#[test]
fn each_indicator_has_a_chart_and_a_table_with_the_same_numbers() {
    let page = site().page("indicateur/journees-cer.html");
    let (table, labels, points) = chart_and_table(&page);
    assert_eq!(points, 2);
    assert_eq!(
        table,
        [
            format!("2{THOUSANDS}019{BEFORE_UNIT}journées"),
            format!("2{THOUSANDS}407{BEFORE_UNIT}journées")
        ]
    );
    assert_eq!(
        labels,
        [format!("2{THOUSANDS}019"), format!("2{THOUSANDS}407")]
    );
    let years = page.texts(".tableau-valeurs tbody th[scope=row]");
    assert_eq!(years, ["2022", "2023"]);
    // The chart is an image with a title and the sentence that sums it up.
    let svg = &page.select("svg.graphique")[0];
    assert_eq!(svg.value().attr("role"), Some("img"));
    let summary = page.texts("svg.graphique desc")[0].clone();
    assert_eq!(
        summary,
        "De 2 019 à 2 407 journées entre 2022 et 2023, +19 %. Cible : 3 306 journées en 2023 (cible non atteinte).",
    );
    assert!(page.texts("figcaption")[0].starts_with("De 2 019 à 2 407"));
    // The target is drawn, and the table gives the gap to it.
    assert_eq!(page.select("svg.graphique line.graphique-cible").len(), 1);
    assert!(page.texts(".tableau-valeurs tbody td")[1].starts_with("-1"));

    let rate = site().page("indicateur/taux-occupation-cer.html");
    let (table, _, points) = chart_and_table(&rate);
    assert_eq!(points, 1);
    assert_eq!(table, [format!("72,81{BEFORE_UNIT}%")]);

    let series = site().page("indicateur/evaluations-ip-dans-les-delais.html");
    let (table, labels, points) = chart_and_table(&series);
    assert_eq!(points, 5);
    assert_eq!(table.len(), 5);
    assert_eq!(table[2], format!("38,5{BEFORE_UNIT}%"));
    assert_eq!(labels[2], "38,5");
}

#[test]
fn a_qualitative_indicator_has_a_table_and_no_chart() {
    let page = site().page("indicateur/reference-educative.html");
    assert!(page.select("svg.graphique").is_empty());
    assert_eq!(
        page.texts(".tableau-valeurs tbody td.valeur"),
        [
            "Groupe de travail installé",
            "Référentiel des délégations entre référents rédigé"
        ]
    );
}

#[test]
fn indicators_are_shown_on_their_fiches_and_on_the_dashboard() {
    let fiche = site().page("fiche/10.html");
    let links = fiche.attrs(".indicateurs-chiffres a", "href");
    assert_eq!(
        links,
        [
            "../indicateur/journees-cer.html",
            "../indicateur/taux-occupation-cer.html",
            "../indicateur/admissions-cer.html"
        ]
    );
    assert_eq!(
        fiche
            .select(".indicateurs-chiffres svg.sparkline[role=img]")
            .len(),
        3
    );
    // The plan's own wording stays.
    assert!(!fiche.texts(".indicateurs-bloc li").is_empty());
    // The indicator page links back to the fiches it measures.
    let page = site().page("indicateur/journees-cer.html");
    assert_eq!(
        page.attrs(".fiche-resume a", "href"),
        ["../fiche/10.html", "../fiche/16.html"]
    );
    // Moving away from their target: fewer assistants familiaux recruited than the year
    // before, more emergency placements.
    let dashboard = site().page("tableau-de-bord.html");
    let away = dashboard.attrs("#ecarts ~ .liste-indicateurs .indicateur-titre a", "href");
    assert_eq!(
        away,
        [
            "indicateur/assistants-familiaux-recrutes.html",
            "indicateur/part-accueils-urgence.html"
        ]
    );
    assert_eq!(
        dashboard
            .select("#tous-indicateurs ~ .liste-indicateurs li")
            .len(),
        8
    );
}

#[test]
fn indicators_can_be_cited() {
    let page = site().page("pilotage.html");
    let links = page.links("a.ref[href^='indicateur/']");
    assert_eq!(
        links,
        [
            (
                "indicateur/part-accueils-urgence.html".to_string(),
                "Indicateur\u{a0}: Part des accueils réalisés en urgence".to_string()
            ),
            (
                "indicateur/journees-cer.html".to_string(),
                "les journées de prise en charge en centre éducatif renforcé".to_string()
            ),
        ]
    );
    let cited = site()
        .page("indicateur/journees-cer.html")
        .attrs(".cite-par a", "href");
    assert_eq!(cited, ["../pilotage.html#les-indicateurs"]);
}

#[test]
fn each_year_has_its_review() {
    let page = site().page("annee/2020.html");
    let abandoned = page.links("#bilan-abandonnee + .liste-bilan a");
    assert_eq!(abandoned.len(), 1);
    assert_eq!(abandoned[0].0, "../fiche/14.html#sous-action-2");
    // Started that year, or carried on from the year before.
    let started = page.attrs("#bilan-engagee + .liste-bilan a", "href");
    assert!(started.contains(&"../fiche/10.html#sous-action-1".to_string()));
    let continued = page.attrs("#bilan-poursuivie + .liste-bilan a", "href");
    assert!(continued.contains(&"../fiche/1.html#sous-action-1".to_string()));
    assert!(!started.contains(&"../fiche/1.html#sous-action-1".to_string()));
    let done: Vec<String> = page.attrs("#bilan-realisee + .liste-bilan a", "href");
    assert!(
        done.contains(&"../fiche/6.html#sous-action-1".to_string()),
        "{done:?}"
    );
    let values: Vec<Vec<String>> = page
        .select(".bilan .tableau-valeurs tbody tr")
        .into_iter()
        .map(cells)
        .collect();
    let recruited = values
        .iter()
        .find(|r| r[0] == "Assistants familiaux recrutés dans l'année")
        .unwrap();
    assert_eq!(
        recruited[1..3],
        [
            format!("51{BEFORE_UNIT}assistants familiaux"),
            format!("60{BEFORE_UNIT}assistants familiaux")
        ]
    );
    // 2023 gives the activity report's figures.
    let page = site().page("annee/2023.html");
    let values = raw_texts(&page, ".bilan .tableau-valeurs td.valeur").join(" | ");
    assert!(
        values.contains(&format!("2{THOUSANDS}407{BEFORE_UNIT}journées")),
        "{values}"
    );
    assert!(values.contains(&format!("72,81{BEFORE_UNIT}%")), "{values}");
}

#[test]
fn the_exports_carry_indicators_and_statuses() {
    let values = rows(&read("donnees/valeurs-indicateurs.csv"));
    assert_eq!(values.len(), 25);
    let row = values
        .iter()
        .find(|r| &r[0] == "journees-cer" && &r[2] == "2023")
        .unwrap();
    assert_eq!(
        (&row[1], &row[3], &row[6], &row[7]),
        ("10 ; 16", "2407", "3306", "-899")
    );
    let rate = values
        .iter()
        .find(|r| &r[0] == "taux-occupation-cer")
        .unwrap();
    assert_eq!(&rate[3], "72.81");
    assert_eq!(rows(&read("donnees/indicateurs.csv")).len(), 8);
    let fiches = rows(&read("donnees/fiches.csv"));
    // Fiche 17 sets its own status; fiche 16 is late.
    assert_eq!((&fiches[16][8], &fiches[16][9]), ("reportée", "false"));
    assert_eq!(&fiches[15][10], "true");
    let suivi = rows(&read("donnees/suivi.csv"));
    assert!(
        suivi
            .iter()
            .any(|r| &r[0] == "17" && r[1].is_empty() && &r[2] == "2021")
    );
    let json: serde_json::Value = serde_json::from_str(&read("donnees/schema.json")).unwrap();
    assert_eq!(json["etat_au"], "2023-12-31");
    assert_eq!(json["indicateurs"].as_array().unwrap().len(), 8);
    assert_eq!(json["fiches"][9]["indicateurs"][0], "journees-cer");
    assert_eq!(json["fiches"][15]["en_retard"], true);
}

#[test]
fn a_site_without_indicators_still_has_its_dashboard() {
    let built = build_on(&common::fixture("orientations"), "2019-06-01");
    let page = built.page("tableau-de-bord.html");
    assert!(page.texts("#tous-indicateurs ~ p")[0].contains("Aucun indicateur"));
    assert!(!built.out().join("indicateur").exists());
    // The fixture's first action: one sous-action not engaged after its start, one running
    // after its end.
    assert_eq!(page.select(".liste-retards li").len(), 2);
}

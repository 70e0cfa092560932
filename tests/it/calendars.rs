//! Gantt calendars: years, finer periods, statuses, lateness against a fixed day, the
//! table that carries the same data, the "par année" pages, and rendering in Chromium.

use crate::common;

use std::path::Path;

use crate::common::server::browser;
use crate::common::{Built, Page, fixture};

fn build_on(root: &Path, today: &str) -> Built {
    let dir = common::scratch();
    let options = jalon::Options::on(today.parse().unwrap());
    let report = jalon::build(root, &dir.path().join("public"), &options);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    Built { dir, report }
}

/// (grid-column, classes) of each bar of the calendar's rows, in order.
fn bars(page: &Page, row: &str) -> Vec<(String, String)> {
    page.select(&format!("{row} > .gantt-barre"))
        .iter()
        .map(|bar| {
            let style = bar
                .value()
                .attr("style")
                .unwrap_or("")
                .replace("grid-column: ", "");
            (style, bar.value().attr("class").unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn bars_sit_on_their_months_with_their_status() {
    let built = build_on(&fixture("orientations"), "2019-06-01");
    let page = built.page("action/1-1-1.html");
    let rows = bars(&page, "#calendrier ~ .gantt-defilement .gantt-ligne");
    // Period 2017-2021: 60 month columns after the label column (grid line 2 = Jan 2017).
    assert_eq!(
        rows,
        vec![
            // 2017, not engaged, planned start passed: late.
            (
                "2 / 14".into(),
                "gantt-barre statut-non-engagee en-retard".into()
            ),
            // S2 2018 to T1 2019, running, planned end passed: late.
            (
                "20 / 29".into(),
                "gantt-barre statut-en-cours en-retard".into()
            ),
            // From 2020 to the end of the schéma ("à partir de"), done: never late.
            ("38 / 62".into(), "gantt-barre statut-realisee".into()),
        ]
    );
    // The axis goes down to quarters, since some period is written that finely.
    assert_eq!(
        page.select("#calendrier ~ .gantt-defilement .gantt-graduation")
            .len(),
        20
    );
    // The milestone, and the today marker at June 2019.
    let jalon = page.select(".gantt-jalon");
    assert_eq!(jalon[0].value().attr("style"), Some("grid-column: 22"));
    assert!(jalon[0].text().collect::<String>().contains("Inauguration"));
    assert_eq!(
        page.select(".gantt-aujourdhui")[0].value().attr("style"),
        Some("grid-column: 31")
    );
    // Every bar links to its sous-action.
    let hrefs = page.attrs("#calendrier ~ .gantt-defilement .gantt-barre", "href");
    assert_eq!(
        hrefs,
        vec![
            "../action/1-1-1.html#sous-action-1",
            "../action/1-1-1.html#sous-action-2",
            "../action/1-1-1.html#sous-action-3"
        ]
    );
    // The table holds the same years and says the state in words.
    let table = page.texts("#calendrier-tableau tbody tr");
    assert!(
        table[0].contains("2017 : non engagée, en retard"),
        "{table:?}"
    );
    assert!(
        table[1].contains("S2 2018 – T1 2019 : en cours, en retard"),
        "{table:?}"
    );
    assert!(table[2].contains("2020-2021 : réalisée"), "{table:?}");
}

#[test]
fn lateness_depends_on_the_day() {
    let early = build_on(&fixture("orientations"), "2017-01-15");
    let page = early.page("action/1-1-1.html");
    assert!(
        page.select(".gantt-barre.en-retard").is_empty(),
        "nothing is late on the first month"
    );
    assert!(
        early
            .page("annee/2017.html")
            .select(".en-retard")
            .is_empty()
    );

    let late = build_on(&fixture("orientations"), "2018-01-15");
    let page = late.page("action/1-1-1.html");
    assert_eq!(
        page.select("#calendrier ~ .gantt-defilement .gantt-barre.en-retard")
            .len(),
        1
    );
    // The late action is in the list of its year, marked late, and on its fiche.
    let year = late.page("annee/2017.html");
    let late_items = year.texts(".liste-annee li");
    assert!(
        late_items
            .iter()
            .any(|t| t.contains("Étudier les besoins") && t.contains("en retard")),
        "{late_items:?}"
    );
    assert!(
        page.texts(".sous-action")
            .iter()
            .any(|t| t.contains("Étudier les besoins") && t.contains("en retard"))
    );
}

#[test]
fn group_and_schema_calendars_list_fiches_with_their_sous_actions() {
    let built = build_on(&fixture("orientations"), "2019-06-01");
    let axe = built.page("orientation/1.1.html");
    let labels =
        axe.texts("#calendrier ~ .gantt-defilement .gantt-bloc > .gantt-ligne .gantt-libelle");
    assert_eq!(
        labels,
        vec!["Action 1.1.1 : Créer un lieu d'accueil parents-enfants"]
    );
    // The fiche's bar spans its sous-actions: 2017 to the end of 2021, and it is late.
    assert_eq!(
        bars(
            &axe,
            "#calendrier ~ .gantt-defilement .gantt-bloc > .gantt-ligne"
        ),
        vec![(
            "2 / 62".into(),
            "gantt-barre statut-en-cours en-retard".into()
        )]
    );
    assert_eq!(axe.select(".gantt-details .gantt-sous-ligne").len(), 3);

    let schema = built.page("calendrier.html");
    assert_eq!(
        schema.select("section.section-calendrier").len(),
        2,
        "one calendar per axe"
    );
    assert_eq!(schema.select(".gantt-bloc").len(), 3, "one row per action");
    let years = schema.attrs("nav.annees a", "href");
    assert_eq!(
        years,
        vec![
            "annee/2017.html",
            "annee/2018.html",
            "annee/2019.html",
            "annee/2020.html",
            "annee/2021.html"
        ]
    );

    let year = built.page("annee/2018.html");
    assert_eq!(
        year.texts(".liste-annee li a"),
        vec!["Action 1.1.1 Étape 2 : Ouvrir le lieu d'accueil"]
    );
}

#[test]
fn calendar_snapshot() {
    let built = build_on(&fixture("orientations"), "2019-06-01");
    let page = built.page("action/1-1-1.html");
    let section = page.select("section.section-calendrier")[0].html();
    let snapshot = common::repo().join("tests/snapshots/calendrier-action-1-1-1.html");
    if std::env::var_os("JALON_ACCEPTER").is_some() {
        std::fs::write(&snapshot, &section).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert_eq!(
        section, expected,
        "the calendar changed: check it, then JALON_ACCEPTER=1 to accept"
    );
}

#[test]
fn calendars_render_in_chromium_without_errors() {
    use headless_chrome::protocol::cdp::types::Event;
    use std::sync::{Arc, Mutex};

    let built = common::build(&common::repo());
    let browser = browser();
    for page in ["calendrier.html", "fiche/9.html", "axe/as3.html"] {
        let tab = browser.new_tab().unwrap();
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&errors);
        tab.enable_log().unwrap();
        tab.enable_runtime().unwrap();
        tab.add_event_listener(Arc::new(move |event: &Event| match event {
            Event::LogEntryAdded(entry) => sink
                .lock()
                .unwrap()
                .push(format!("{:?}", entry.params.entry.text)),
            Event::RuntimeExceptionThrown(e) => sink
                .lock()
                .unwrap()
                .push(format!("{:?}", e.params.exception_details.text)),
            Event::RuntimeConsoleAPICalled(call)
                if format!("{:?}", call.params.Type).contains("Error") =>
            {
                sink.lock().unwrap().push("console.error".into());
            }
            _ => {}
        }))
        .unwrap();
        let url = format!("file://{}", built.out().join(page).display());
        tab.navigate_to(&url)
            .unwrap()
            .wait_until_navigated()
            .unwrap();
        let width = tab
            .evaluate(
                "document.querySelector('.gantt').getBoundingClientRect().width",
                false,
            )
            .unwrap()
            .value
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        assert!(width > 0.0, "{page}: the chart has no width");
        let bar = tab
            .evaluate(
                "document.querySelector('.gantt-barre').getBoundingClientRect().width",
                false,
            )
            .unwrap()
            .value
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        assert!(bar > 5.0, "{page}: bars have no width");
        assert!(
            errors.lock().unwrap().is_empty(),
            "{page}: {:?}",
            errors.lock().unwrap()
        );
    }
}

#[test]
fn a_calendar_row_is_one_keyboard_stop_and_its_screen_links_are_not_printed() {
    let built = common::build(&common::repo());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    let eval = |script: &str| {
        tab.evaluate(script, false)
            .unwrap()
            .value
            .unwrap_or(serde_json::Value::Null)
    };
    let url = format!("file://{}", built.out().join("fiche/9.html").display());
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    // Tab through the chart: each row's label once, never its bars.
    eval("document.querySelector('.gantt-defilement').focus()");
    let mut stops = Vec::new();
    for _ in 0..4 {
        tab.press_key("Tab").unwrap();
        stops.push(
            eval("document.activeElement.className")
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
    }
    assert!(
        stops
            .iter()
            .all(|c| c != "gantt-barre" && !c.starts_with("gantt-barre ")),
        "{stops:?}"
    );
    assert_eq!(stops[0], "gantt-libelle", "{stops:?}");
    // On paper, the links that only make sense on a screen go.
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia {
            media: Some("print".into()),
            features: None,
        },
    )
    .unwrap();
    let shown = eval(
        "JSON.stringify(['.gantt-acces', '.agenda'].map(s => getComputedStyle(document.querySelector(s)).display))",
    );
    assert_eq!(shown.as_str(), Some(r#"["none","none"]"#));
}

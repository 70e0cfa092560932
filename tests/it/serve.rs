//! `jalon serve` in a real headless Chromium: edits show up without any action, errors
//! are shown over the page and go away when fixed; and the little web server is correct.

use crate::common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::server::{Editor, Preview, browser, eventually};
use crate::common::{copy_site, fixture};

const WAIT: Duration = Duration::from_secs(15);

fn text_of(tab: &headless_chrome::Tab, script: &str) -> String {
    tab.evaluate(script, false)
        .ok()
        .and_then(|r| r.value)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The text of the preview's error overlay, empty when there is none.
fn overlay_of(tab: &headless_chrome::Tab) -> String {
    text_of(
        tab,
        "(document.getElementById('jalon-erreurs') || {textContent: ''}).textContent",
    )
}

/// The text of the page's `h1`, empty while there is none.
fn heading_of(tab: &headless_chrome::Tab) -> String {
    text_of(
        tab,
        "(document.querySelector('h1') || {textContent: ''}).textContent",
    )
}

/// The fiche 1.2.1 of the fixture with a YAML list left open in its front matter.
fn unclosed_list(fiche: &str) -> String {
    fiche.replace("pilotes: [departement]", "pilotes: [departement\n")
}

#[test]
fn edits_reload_the_tab_and_errors_show_in_the_page() {
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&format!("{}action/1-2-1.html", preview.url))
        .unwrap();
    // The event stream never ends, so the page never goes network-idle: wait for content.
    let h1 = || heading_of(&tab);
    assert!(
        eventually(WAIT, || h1()
            .contains("Former les professionnels au repérage")),
        "{}",
        h1()
    );
    // Scroll a little: the position survives the reload.
    tab.evaluate(
        "document.body.style.minHeight = '4000px'; window.scrollTo(0, 300)",
        false,
    )
    .unwrap();

    let fiche = site.path().join("content/actions/1-2-1.md");
    let original = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(
        &fiche,
        original.replace(
            "Former les professionnels",
            "Former tous les professionnels",
        ),
    )
    .unwrap();
    assert!(
        eventually(WAIT, || h1().contains("Former tous les professionnels")),
        "the tab did not reload: {}",
        h1()
    );

    // Break the front matter: the overlay names the file and the line.
    std::fs::write(&fiche, unclosed_list(&original)).unwrap();
    let overlay = || overlay_of(&tab);
    assert!(
        eventually(WAIT, || overlay().contains("content/actions/1-2-1.md:")),
        "no overlay: {}",
        overlay()
    );
    assert!(overlay().contains("yaml-syntaxe"), "{}", overlay());
    // The last good page is still under the overlay.
    assert!(h1().contains("Former tous les professionnels"));

    // Fix it: the overlay goes away by itself and the page shows the new content.
    std::fs::write(
        &fiche,
        original.replace(
            "Former les professionnels",
            "Former enfin les professionnels",
        ),
    )
    .unwrap();
    assert!(
        eventually(WAIT, || h1().contains("Former enfin les professionnels")),
        "{}",
        h1()
    );
    assert!(
        eventually(WAIT, || overlay().is_empty()),
        "the overlay stayed: {}",
        overlay()
    );
}

#[test]
fn a_preview_started_on_a_broken_site_shows_the_errors_then_the_site() {
    let site = copy_site(&fixture("orientations"));
    let fiche = site.path().join("content/actions/1-2-1.md");
    let original = std::fs::read_to_string(&fiche).unwrap();
    std::fs::write(&fiche, unclosed_list(&original)).unwrap();
    let preview = Preview::start(site.path());
    let browser = browser();
    let tab = browser.new_tab().unwrap();
    tab.navigate_to(&preview.url).unwrap();
    let overlay = || overlay_of(&tab);
    assert!(
        eventually(WAIT, || overlay().contains("content/actions/1-2-1.md:")),
        "no overlay before the first good build: {}",
        overlay()
    );
    assert!(overlay().contains("yaml-syntaxe"), "{}", overlay());
    // No "last good version" to speak of yet.
    assert!(
        overlay().contains("Le site s'affichera dès"),
        "{}",
        overlay()
    );
    assert!(
        !overlay().contains("dernière version correcte"),
        "{}",
        overlay()
    );

    std::fs::write(&fiche, &original).unwrap();
    let h1 = || heading_of(&tab);
    assert!(
        eventually(WAIT, || h1().contains("Schéma départemental")),
        "the home page did not come: {}",
        h1()
    );
    assert!(overlay().is_empty(), "{}", overlay());
}

#[test]
fn a_port_in_use_is_said_before_anything_is_built() {
    let site = copy_site(&fixture("orientations"));
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = site.path().join("public");
    let run = common::command()
        .args(["serve", "--port", &port, "--root"])
        .arg(site.path())
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("le port {port} est déjà pris")) && stderr.contains("--port"),
        "{stderr}"
    );
    assert!(
        !out.exists(),
        "the site was built before the port was tried"
    );
}

#[test]
fn the_reload_script_is_only_in_the_preview() {
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    let served = http_get(&preview.address(), "/index.html");
    assert!(served.contains("/__jalon/recharge.js"));
    let built = common::build(site.path());
    let html = std::fs::read_to_string(built.out().join("index.html")).unwrap();
    assert!(!html.contains("__jalon"));
}

fn raw_request(address: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    String::from_utf8_lossy(&response).into_owned()
}

fn http_get(address: &str, path: &str) -> String {
    http_get_as(address, address, path)
}

/// A GET whose `Host` header is `host`.
fn http_get_as(address: &str, host: &str, path: &str) -> String {
    raw_request(
        address,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

fn status_of(response: &str) -> &str {
    response.split_whitespace().nth(1).unwrap_or("")
}

#[test]
fn the_preview_server_answers_correctly() {
    let site = copy_site(&fixture("orientations"));
    // A secret next to the site: no request may read it.
    std::fs::write(site.path().join("secret.txt"), "MOT-DE-PASSE").unwrap();
    let mut preview = Preview::start(site.path());
    let address = preview.address();

    let home = http_get(&address, "/");
    assert_eq!(status_of(&home), "200");
    assert!(home.contains("Content-Type: text/html; charset=utf-8"));
    assert!(home.contains("Cache-Control: no-cache"));
    assert!(home.contains("X-Content-Type-Options: nosniff"));
    // A page elsewhere whose name was made to point here (DNS rebinding) reads nothing.
    let port = address.rsplit(':').next().unwrap();
    let rebound = http_get_as(&address, &format!("rebind.example:{port}"), "/index.html");
    assert_eq!(status_of(&rebound), "403");
    assert!(!rebound.contains("<html"), "{rebound}");
    let by_name = http_get_as(&address, &format!("localhost:{port}"), "/index.html");
    assert_eq!(status_of(&by_name), "200");
    let css = http_get(&address, "/static/jalon.css");
    assert!(css.contains("Content-Type: text/css"));
    // The fixture's url_de_base is /essai/: the 404 page's links start there.
    let under_base = http_get(&address, "/essai/static/jalon.css");
    assert_eq!(status_of(&under_base), "200");
    assert!(under_base.contains("Content-Type: text/css"));
    assert_eq!(
        status_of(&http_get(&address, "/essai/nulle-part.html")),
        "404"
    );

    let missing = http_get(&address, "/nulle-part.html");
    assert_eq!(status_of(&missing), "404");
    assert!(
        missing.contains("Page introuvable"),
        "the site's 404 page is served"
    );

    for attempt in [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/action/../../secret.txt",
    ] {
        let response = http_get(&address, attempt);
        assert_eq!(status_of(&response), "404", "{attempt}");
        assert!(
            !response.contains("MOT-DE-PASSE"),
            "{attempt} leaked the file"
        );
    }

    let head = raw_request(
        &address,
        b"HEAD /index.html HTTP/1.1\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status_of(&head), "200");
    assert!(!head.contains("<html"), "HEAD has no body");
    // Nor does it open an event stream, which would hold one of the few.
    let head = raw_request(
        &address,
        format!(
            "HEAD /__jalon/evenements HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    );
    assert_eq!(status_of(&head), "200");
    assert!(!head.contains("event:"), "{head}");

    let post = raw_request(
        &address,
        b"POST /index.html HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
    assert_eq!(status_of(&post), "405");

    let bad_escape = http_get(&address, "/%zz.html");
    assert_eq!(status_of(&bad_escape), "400");
    let garbage = raw_request(&address, b"NIMPORTE QUOI\r\n\r\n");
    assert!(
        garbage.is_empty() || status_of(&garbage) == "400",
        "{garbage}"
    );

    assert!(preview.alive());
    assert_eq!(status_of(&http_get(&address, "/")), "200");
}

#[test]
fn no_failed_request_while_rebuilding() {
    let site = copy_site(&fixture("orientations"));
    let mut preview = Preview::start(site.path());
    let address = preview.address();
    let page = site.path().join("content/pages/gouvernance.md");
    let editor = Editor::start(page.clone());
    // Requests go on until the edits have caused a few rebuilds: bounded in count and time.
    let log = std::sync::Arc::clone(&preview.log);
    let rebuilds = move || {
        log.lock()
            .unwrap()
            .iter()
            .filter(|l| l.starts_with("Site reconstruit"))
            .count()
    };
    let started = std::time::Instant::now();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..16)
        .map(|_| {
            let address = address.clone();
            let done = std::sync::Arc::clone(&done);
            std::thread::spawn(move || {
                let (mut sent, mut failures) = (0, 0);
                while sent < 1250 && (sent < 125 || !done.load(std::sync::atomic::Ordering::SeqCst))
                {
                    let path = if sent % 2 == 0 {
                        "/gouvernance.html"
                    } else {
                        "/action/1-1-1.html"
                    };
                    if status_of(&http_get(&address, path)) != "200" {
                        failures += 1;
                    }
                    sent += 1;
                }
                (sent, failures)
            })
        })
        .collect();
    while rebuilds() < 3 && started.elapsed() < Duration::from_secs(15) {
        std::thread::sleep(Duration::from_millis(50));
    }
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let results: Vec<(usize, usize)> = workers.into_iter().map(|w| w.join().unwrap()).collect();
    editor.stop();
    let sent: usize = results.iter().map(|r| r.0).sum();
    let failures: usize = results.iter().map(|r| r.1).sum();
    assert!(sent >= 2000, "{sent}");
    assert_eq!(failures, 0, "{failures} of {sent} requests failed");
    assert!(preview.alive());
    let rebuilt = rebuilds();
    assert!(
        rebuilt >= 2,
        "the edits caused {rebuilt} rebuilds while requests ran"
    );
}

#[test]
fn an_idle_preview_does_not_rebuild() {
    // Building reads every source: reading must not count as a change, or the preview
    // would rebuild and reload the tabs forever.
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    // The first build is a build, not a rebuild.
    assert!(
        preview
            .startup
            .iter()
            .any(|l| l.starts_with("Site construit en")),
        "{:?}",
        preview.startup
    );
    std::thread::sleep(Duration::from_millis(1500));
    let log = preview.log.lock().unwrap();
    assert!(
        !log.iter().any(|l| l.starts_with("Site reconstruit")),
        "{log:?}"
    );
}

/// How many rebuilds the preview did since it started.
fn rebuilds(preview: &Preview) -> usize {
    let log = preview.log.lock().unwrap();
    log.iter()
        .filter(|l| l.starts_with("Site reconstruit"))
        .count()
}

#[test]
fn a_preview_started_with_a_relative_root_rebuilds_on_edits() {
    // The README's way: `cd mon-schema && jalon serve`. The watcher reports absolute
    // paths, which must still be found inside a root given relative; and the output
    // folder, relative too, must still be written.
    let site = copy_site(&fixture("orientations"));
    let name = site.path().file_name().unwrap().to_str().unwrap();
    let parent = site.path().parent().unwrap();
    let fiche = site.path().join("content/actions/1-2-1.md");
    let original = std::fs::read_to_string(&fiche).unwrap();
    let starts = [
        (
            site.path(),
            vec!["--out", "sortie"],
            site.path().join("sortie"),
        ),
        (parent, vec!["--root", name], site.path().join("public")),
    ];
    for (number, (folder, args, out)) in starts.into_iter().enumerate() {
        let preview = Preview::start_in(folder, &args);
        let title = format!("Former {number} fois les professionnels");
        std::fs::write(
            &fiche,
            original.replace("Former les professionnels", &title),
        )
        .unwrap();
        let served = || http_get(&preview.address(), "/action/1-2-1.html");
        assert!(
            eventually(WAIT, || served().contains(&title)),
            "started in {} with {args:?}: the edit was not served",
            folder.display()
        );
        let written = || std::fs::read_to_string(out.join("action/1-2-1.html")).unwrap_or_default();
        assert!(
            eventually(WAIT, || written().contains(&title)),
            "started in {} with {args:?}: the edit was not written",
            folder.display()
        );
        // Rewritten as `jalon build` writes: readable by a web server of another user.
        let mode = |path: &str| {
            use std::os::unix::fs::PermissionsExt;
            std::fs::metadata(out.join(path))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode("action/1-2-1.html"), mode("index.html"));
        assert_eq!(mode("action/1-2-1.html") & 0o044, 0o044);
    }
}

#[test]
fn a_theme_created_after_the_start_is_used() {
    // The site starts on the embedded theme; its own `themes/` comes later, the folder
    // first, then the files once the rebuild the folder caused is done, as with an editor:
    // what the new folder holds must be watched too.
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    let theme = site.path().join("themes/default");
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    assert!(
        eventually(WAIT, || rebuilds(&preview) >= 1),
        "the new folder caused no rebuild"
    );

    let embedded =
        std::fs::read_to_string(common::repo().join("themes/default/templates/fiche.html"))
            .unwrap();
    let template = theme.join("templates/fiche.html");
    std::fs::write(
        &template,
        embedded.replace(
            "{% block contenu %}",
            "{% block contenu %}<p>Gabarit du département</p>",
        ),
    )
    .unwrap();
    let page = || http_get(&preview.address(), "/action/1-2-1.html");
    assert!(
        eventually(WAIT, || page().contains("Gabarit du département")),
        "the new template is not used"
    );

    // A folder created inside the new one is watched as well.
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::write(
        theme.join("static/jalon.css"),
        "/* feuille du département */",
    )
    .unwrap();
    let css = || http_get(&preview.address(), "/static/jalon.css");
    assert!(
        eventually(WAIT, || css().contains("feuille du département")),
        "the new stylesheet is not used"
    );

    // A broken template is said, like an edited one.
    std::fs::write(&template, "{% if %}").unwrap();
    let status = || http_get(&preview.address(), "/__jalon/etat");
    assert!(
        eventually(WAIT, || status().contains("gabarit invalide")),
        "{}",
        status()
    );
}

#[test]
fn a_file_saved_in_static_is_published_at_once() {
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    let folder = site.path().join("static/annexes");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("plan.txt"), "plan d'action signé").unwrap();
    let served = || http_get(&preview.address(), "/static/annexes/plan.txt");
    assert!(
        eventually(WAIT, || served().contains("plan d'action signé")),
        "{}",
        served()
    );
}

/// The text of the page's `main`, empty while there is none.
fn main_text(tab: &headless_chrome::Tab) -> String {
    text_of(
        tab,
        "(document.querySelector('main') || {textContent: ''}).textContent",
    )
}

/// Browsers allow few connections per host, so the preview holds a few event streams
/// and other tabs ask for the state every second. Either way, the tab showing a page
/// reloads when that page alone changes: after clicking through several pages (each
/// leaving a stream behind), and beside as many tabs as there are streams.
#[test]
fn every_tab_reloads_however_many_pages_and_tabs_were_opened() {
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    let browser = browser();
    let fiche = site.path().join("content/actions/1-2-1.md");
    let original = std::fs::read_to_string(&fiche).unwrap();
    let others = [
        "index.html",
        "glossaire.html",
        "acteurs.html",
        "plan-du-site.html",
    ];
    let open = |tab: &headless_chrome::Tab, page: &str| {
        tab.navigate_to(&format!("{}{page}", preview.url)).unwrap();
        assert!(eventually(WAIT, || !heading_of(tab).is_empty()), "{page}");
    };
    // The body only: no other page shows it.
    let edit = |words: &str| {
        let edited = original.replace(
            "## Modalités de mise en œuvre",
            &format!("## Modalités de mise en œuvre\n\n{words}\n"),
        );
        assert_ne!(edited, original);
        std::fs::write(&fiche, edited).unwrap();
    };

    let clicking = browser.new_tab().unwrap();
    for page in others {
        open(&clicking, page);
    }
    open(&clicking, "action/1-2-1.html");
    edit("Premier ajout au texte.");
    assert!(
        eventually(WAIT, || main_text(&clicking).contains("Premier ajout")),
        "the tab that clicked through {} pages did not reload",
        others.len() + 1
    );
    clicking.close(true).unwrap();

    let tabs: Vec<_> = others
        .iter()
        .map(|page| {
            let tab = browser.new_tab().unwrap();
            open(&tab, page);
            tab
        })
        .collect();
    let last = browser.new_tab().unwrap();
    open(&last, "action/1-2-1.html");
    edit("Second ajout au texte.");
    assert!(
        eventually(WAIT, || main_text(&last).contains("Second ajout")),
        "the tab opened beside {} others did not reload",
        tabs.len()
    );
}

/// While something else writes the output folder (a `jalon build`), the preview still
/// shows each edit, without an error to fix; the folder catches up at the next edit.
#[test]
fn a_busy_output_folder_does_not_stop_the_preview() {
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    let out = site.path().join("public");
    let fiche = site.path().join("content/actions/1-2-1.md");
    let original = std::fs::read_to_string(&fiche).unwrap();
    let served = || http_get(&preview.address(), "/action/1-2-1.html");
    let written = || std::fs::read_to_string(out.join("action/1-2-1.html")).unwrap_or_default();
    assert!(eventually(WAIT, || written().contains("Former les professionnels")));

    let lock = std::fs::File::create(site.path().join(".public.jalon-verrou")).unwrap();
    lock.lock().unwrap();
    let edit = |title: &str| {
        std::fs::write(&fiche, original.replace("Former les professionnels", title)).unwrap();
    };
    edit("Former vite les professionnels");
    assert!(
        eventually(WAIT, || served().contains("Former vite")),
        "the edit was not served while the folder was busy"
    );
    let state = http_get(&preview.address(), "/__jalon/etat");
    assert!(state.contains("\"erreurs\":null"), "{state}");
    assert!(!written().contains("Former vite"));

    lock.unlock().unwrap();
    edit("Former enfin les professionnels");
    assert!(
        eventually(WAIT, || written().contains("Former enfin")),
        "the folder did not catch up"
    );
}

/// The output folder deleted (or written by a `jalon build`) behind the preview's back
/// is written whole again at the next edit, not just the pages that changed.
#[test]
fn an_output_folder_changed_behind_the_preview_is_written_whole_again() {
    let site = copy_site(&fixture("orientations"));
    let preview = Preview::start(site.path());
    let out = site.path().join("public");
    let fiche = site.path().join("content/actions/1-2-1.md");
    let original = std::fs::read_to_string(&fiche).unwrap();
    let written = || std::fs::read_to_string(out.join("action/1-2-1.html")).unwrap_or_default();
    assert!(eventually(WAIT, || written().contains("Former les professionnels")));
    let files = common::html_files(&out).len();

    std::fs::remove_dir_all(&out).unwrap();
    std::fs::write(
        &fiche,
        original.replace(
            "Former les professionnels",
            "Former vite les professionnels",
        ),
    )
    .unwrap();
    assert!(eventually(WAIT, || written().contains("Former vite")));
    assert!(
        eventually(WAIT, || common::html_files(&out).len() == files),
        "{} pages of {files}",
        common::html_files(&out).len()
    );
    assert!(out.join("index.html").is_file() && out.join("static/jalon.css").is_file());
    drop(preview);
}

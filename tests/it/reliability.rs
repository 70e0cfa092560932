//! Faults provoked for real: a signal in the middle of a build, a file-size limit, an
//! output folder that is taken, a crashed run, hostile content, and oversized inputs.
//! Each time the previous site must stay byte for byte, with a clear message.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{copy_site, fixture, snapshot};

/// `jalon build` of `root` into `out`, as a command to run.
fn build(root: &Path, out: &Path) -> Command {
    let mut command = common::command();
    command
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--out")
        .arg(out);
    command
}

fn temporary_folders(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".jalon-"))
        .collect()
}

/// A generated schéma big enough for a build to take a while, its built site, and a
/// folder to work in.
fn big_site() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let work = common::scratch();
    let site = work.path().join("site");
    let out = work.path().join("public");
    assert!(
        common::command()
            .arg("corpus")
            .arg(&site)
            .args(["--fiches", "2500"])
            .status()
            .unwrap()
            .success()
    );
    assert!(build(&site, &out).output().unwrap().status.success());
    (work, site, out)
}

/// Waits until a build has started writing its temporary folder.
fn wait_for_staging(parent: &Path) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if temporary_folders(parent)
            .iter()
            .any(|n| n.starts_with(".jalon-construction-"))
        {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

fn signal(pid: u32, name: &str) {
    assert!(
        Command::new("kill")
            .args(["-s", name, &pid.to_string()])
            .status()
            .unwrap()
            .success()
    );
}

#[test]
fn an_interrupted_build_leaves_the_previous_site() {
    let (work, site, out) = big_site();
    let before = snapshot(&out);
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        // A change, so that the interrupted build would have written something new.
        std::fs::write(
            site.join("content/pages/presentation.md"),
            format!("---\ntitre: Présentation {name}\n---\n\nTexte.\n"),
        )
        .unwrap();
        let child = build(&site, &out).stderr(Stdio::piped()).spawn().unwrap();
        assert!(
            wait_for_staging(work.path()),
            "the build never started writing"
        );
        signal(child.id(), name);
        let output = child.wait_with_output().unwrap();
        assert_eq!(output.status.code(), Some(code), "SIG{name}");
        assert!(
            String::from_utf8_lossy(&output.stderr)
                .contains("Interrompu : le site précédent est intact.")
        );
        assert!(
            snapshot(&out) == before,
            "SIG{name} changed the previous site"
        );
        assert!(
            temporary_folders(work.path())
                .iter()
                .all(|n| !n.starts_with(".jalon-construction-")),
            "SIG{name} left a temporary folder"
        );
    }
}

#[test]
fn a_crashed_build_neither_blocks_nor_litters() {
    let (work, site, out) = big_site();
    let child = build(&site, &out).spawn().unwrap();
    assert!(wait_for_staging(work.path()));
    signal(child.id(), "KILL");
    let _ = child.wait_with_output();
    // The lock died with the process; the next build cleans the crashed run's folder.
    let next = build(&site, &out).output().unwrap();
    assert!(
        next.status.success(),
        "{}",
        String::from_utf8_lossy(&next.stderr)
    );
    assert!(
        temporary_folders(work.path()).is_empty(),
        "{:?}",
        temporary_folders(work.path())
    );
}

#[test]
fn a_second_build_on_the_same_output_refuses_clearly() {
    let site = copy_site(&fixture("orientations"));
    let work = common::scratch();
    let out = work.path().join("public");
    assert!(build(site.path(), &out).status().unwrap().success());
    let before = snapshot(&out);
    // Another run holds the output.
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(work.path().join(".public.jalon-verrou"))
        .unwrap();
    lock.lock().unwrap();
    let second = build(site.path(), &out).output().unwrap();
    assert_eq!(second.status.code(), Some(2));
    let message = String::from_utf8_lossy(&second.stderr);
    assert!(
        message.contains("une autre construction écrit déjà dans"),
        "{message}"
    );
    assert!(snapshot(&out) == before);
    drop(lock);
    assert!(build(site.path(), &out).status().unwrap().success());
}

#[test]
fn a_file_size_limit_gives_a_clear_error_and_keeps_the_site() {
    let (work, site, out) = big_site();
    let before = snapshot(&out);
    std::fs::write(
        site.join("content/pages/presentation.md"),
        "---\ntitre: Autre\n---\n\nTexte.\n",
    )
    .unwrap();
    // 20 blocks of 1 KiB: the catalogue-sized pages of the site do not fit.
    let script = format!(
        "ulimit -f 20; exec '{}' build --root '{}' --out '{}'",
        env!("CARGO_BIN_EXE_jalon"),
        site.display(),
        out.display()
    );
    let output = Command::new("bash")
        .args(["-c", &script])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("fichier trop gros pour la limite du système")
            || message.contains("impossible d'écrire"),
        "{message}"
    );
    assert!(snapshot(&out) == before);
    assert!(
        temporary_folders(work.path()).is_empty(),
        "{:?}",
        temporary_folders(work.path())
    );
}

#[test]
fn an_output_that_cannot_be_created_gives_a_clear_error() {
    let site = copy_site(&fixture("orientations"));
    let work = common::scratch();
    // A file where the output's parent folder should be.
    std::fs::write(work.path().join("occupe"), "").unwrap();
    let out = work.path().join("occupe/public");
    let output = build(site.path(), &out).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("impossible de créer le dossier"),
        "{message}"
    );
    assert!(message.contains("occupe"), "{message}");
}

/// A folder of the site that cannot be read is an error: its files would otherwise vanish
/// from the site without a word. The build runs as an unprivileged user (through
/// `setpriv` when the tests run as root, whom no folder's rights stop).
#[test]
fn an_unreadable_folder_is_reported_not_skipped() {
    use std::os::unix::fs::PermissionsExt;
    // In the system's temporary folder, which every user can reach, with a copy of jalon:
    // the checkout may sit in a folder only its owner can enter.
    let work = tempfile::tempdir_in(std::env::temp_dir()).unwrap();
    let site = work.path().join("site");
    common::copy_dir(&fixture("orientations"), &site);
    let jalon = work.path().join("jalon");
    std::fs::copy(env!("CARGO_BIN_EXE_jalon"), &jalon).unwrap();
    let everyone = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    everyone(work.path(), 0o755);
    everyone(&jalon, 0o755);
    for entry in walkdir::WalkDir::new(&site) {
        let entry = entry.unwrap();
        everyone(
            entry.path(),
            if entry.file_type().is_dir() {
                0o755
            } else {
                0o644
            },
        );
    }
    let locked = site.join("static/prive");
    std::fs::create_dir_all(&locked).unwrap();
    std::fs::write(locked.join("annexe.pdf"), "%PDF").unwrap();
    everyone(&locked, 0o000);
    let privileged = std::fs::read_dir(&locked).is_ok();
    let mut check = match privileged {
        true => {
            let mut command = Command::new("setpriv");
            command.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
            command.arg(&jalon);
            command
        }
        false => Command::new(&jalon),
    };
    let output = check
        .env("NO_COLOR", "1")
        .arg("check")
        .arg("--root")
        .arg(&site)
        .output()
        .unwrap();
    everyone(&locked, 0o755);
    let message = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(
        message.contains(
            "le dossier « static/prive » ne peut pas être lu : accès refusé [fichier-illisible]"
        ),
        "{message}"
    );
}

#[test]
fn hostile_content_cannot_run_anything() {
    let site = copy_site(&fixture("orientations"));
    let root = site.path();
    let attacks = [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "<svg onload=alert(1)>",
        "<iframe src=javascript:alert(1)></iframe>",
        "{{ site.titre }}{% raw %}",
        "</title><script>alert(1)</script>",
    ];
    let joined = attacks.join(" ");
    let yaml_text = joined.replace('"', "'");
    std::fs::write(
        root.join("content/pages/piege.md"),
        format!(
            "---\ntitre: \"{yaml_text}\"\nresume: \"{yaml_text}\"\nmenu: 9\n---\n\n{joined}\n\n[lien](javascript:alert(1)) [autre](data:text/html,x) <a href=\"javascript:alert(1)\">a</a>\n\n## {joined}\n"
        ),
    )
    .unwrap();
    let report = jalon::build(root, &root.join("public"), &jalon::Options::default());
    // Dangerous links are refused with an error: nothing is published.
    let refused: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "lien-interdit")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(refused.len(), 2, "{refused:?}");
    // Without them, the page builds, and nothing in it can run.
    std::fs::write(
        root.join("content/pages/piege.md"),
        format!("---\ntitre: \"{yaml_text}\"\nresume: \"{yaml_text}\"\nmenu: 9\n---\n\n{joined}\n\n<a href=\"javascript:alert(1)\">a</a>\n\n## {joined}\n"),
    )
    .unwrap();
    // Indicators' texts end up inside the SVG charts too.
    std::fs::write(
        root.join("schema-data/indicateurs.yaml"),
        format!(
            "- id: piege\n  libelle: \"{yaml_text}\"\n  fiches: [\"1.1.1\"]\n  type: resultat\n  unite: nombre\n  mesure: \"{yaml_text}\"\n  cible:\n    valeur: 10\n  valeurs:\n    - annee: 2018\n      valeur: 4\n      note: \"{yaml_text}\"\n    - annee: 2019\n      valeur: 6\n"
        ),
    )
    .unwrap();
    let built = common::build(root);
    assert!(built.out().join("indicateur/piege.html").is_file());
    for (path, page) in built.pages() {
        for script in page.select("script") {
            let src = script.value().attr("src").unwrap_or("");
            assert!(
                src.ends_with("static/catalogue.js") || src.ends_with("static/recherche.js"),
                "{path}: a script that is not ours: {}",
                script.html()
            );
        }
        for element in page.select("*") {
            for (name, value) in element.value().attrs() {
                assert!(!name.starts_with("on"), "{path}: event handler {name}");
                let value = value.trim().to_ascii_lowercase();
                // jalon's own link to a fiche's calendar, a download that runs nothing.
                let agenda = element.value().name() == "a"
                    && element.value().attr("download").is_some()
                    && value.starts_with("data:text/calendar;charset=utf-8,");
                assert!(
                    !value.starts_with("javascript:") && (!value.starts_with("data:") || agenda),
                    "{path}: {name}={value}"
                );
            }
            assert!(
                !matches!(element.value().name(), "iframe" | "object" | "embed"),
                "{path}: {}",
                element.value().name()
            );
            // The only SVG is the charts jalon draws.
            if element.value().name() == "svg" {
                let class = element.value().attr("class").unwrap_or("");
                assert!(
                    ["graphique", "sparkline", "barre-statuts"].contains(&class),
                    "{path}: {}",
                    element.html()
                );
            }
        }
    }
    let page = built.page("piege.html");
    assert!(
        page.texts("main")
            .join(" ")
            .contains("<script>alert(1)</script>"),
        "the attack shows as text"
    );
}

#[test]
fn oversized_inputs_are_refused_or_built_in_bounded_time() {
    let site = copy_site(&fixture("orientations"));
    let root = site.path();
    // A page just over the 8 MB limit: refused with the limit named, and a size that
    // does not read as the limit itself.
    let huge = format!("---\ntitre: Énorme\n---\n\n{}", "texte ".repeat(1_400_000));
    std::fs::write(root.join("content/pages/enorme.md"), huge).unwrap();
    let report = jalon::check(root, &jalon::Options::default());
    let too_big: Vec<&str> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "fichier-trop-gros")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        too_big,
        vec!["le fichier fait 9 Mo ; la limite est de 8 Mo par fichier"]
    );
    std::fs::remove_file(root.join("content/pages/enorme.md")).unwrap();

    // Thousands of sous-actions and lists nested thousands deep: built, in bounded time.
    let mut fiche = String::from(
        "---\nnumero: \"2.1.9\"\ntitre: Démesurée\norientation: \"2.1\"\nposition_departement: pilote\nsous_actions:\n",
    );
    for n in 1..=3000 {
        fiche.push_str(&format!(
            "  - numero: {n}\n    titre: Étape {n}\n    annees: [2018]\n"
        ));
    }
    fiche.push_str("---\n\n## Modalités de mise en œuvre\n\n");
    for depth in 0..2000 {
        fiche.push_str(&"  ".repeat(depth));
        fiche.push_str("- niveau\n");
    }
    std::fs::write(root.join("content/actions/demesuree.md"), fiche).unwrap();
    let started = Instant::now();
    let (sender, receiver) = std::sync::mpsc::channel();
    let path = root.to_path_buf();
    std::thread::spawn(move || {
        let report = jalon::build(&path, &path.join("public"), &jalon::Options::default());
        let _ = sender.send(report.has_errors());
    });
    let failed = receiver
        .recv_timeout(Duration::from_secs(120))
        .expect("the build did not end in two minutes");
    assert!(!failed);
    eprintln!(
        "3 000 sous-actions et 2 000 niveaux de liste : {} ms",
        started.elapsed().as_millis()
    );
}

#[test]
fn the_preview_holds_under_load_while_files_change() {
    use std::io::{Read, Write};

    let site = copy_site(&fixture("orientations"));
    let mut preview = common::server::Preview::start(site.path());
    let address = preview.address();
    let get = |address: &str, path: &str| -> String {
        let mut stream = std::net::TcpStream::connect(address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        String::from_utf8_lossy(&response)
            .split_whitespace()
            .nth(1)
            .unwrap_or("")
            .to_string()
    };
    // Warm up, then measure memory.
    for _ in 0..200 {
        get(&address, "/index.html");
    }
    let memory_before = preview.memory();

    let editor = common::server::Editor::start(site.path().join("content/pages/gouvernance.md"));
    let started = Instant::now();
    let paths = [
        "/index.html",
        "/gouvernance.html",
        "/action/1-1-1.html",
        "/static/jalon.css",
        "/absente.html",
    ];
    let workers: Vec<_> = (0..50)
        .map(|w| {
            let address = address.clone();
            std::thread::spawn(move || {
                let mut failures = Vec::new();
                for i in 0..400 {
                    let path = paths[(w + i) % paths.len()];
                    let status = get(&address, path);
                    let expected = if path == "/absente.html" {
                        "404"
                    } else {
                        "200"
                    };
                    if status != expected {
                        failures.push(format!("{path}: {status}"));
                    }
                }
                failures
            })
        })
        .collect();
    let failures: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    let elapsed = started.elapsed();
    editor.stop();
    let memory_after = preview.memory();
    eprintln!(
        "20 000 requêtes, 50 connexions : {:.0} requêtes/s, {} échec(s), mémoire {} → {} Kio",
        20_000.0 / elapsed.as_secs_f64(),
        failures.len(),
        memory_before,
        memory_after
    );
    assert!(
        failures.is_empty(),
        "{} failures: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
    assert!(preview.alive());
    assert!(
        memory_after < memory_before * 2 + 64 * 1024,
        "memory grew from {memory_before} to {memory_after} KiB"
    );
}

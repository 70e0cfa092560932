//! Starting a site without help: `jalon init` for each model, `jalon new`, and the guide's
//! list of diagnostics, which must match the codes the program really emits.

use crate::common;

use std::collections::BTreeSet;

use jalon::scaffold::{MODELES, New, init, new};

#[test]
fn every_model_builds_and_passes_check_at_once() {
    for (modele, _) in MODELES {
        let dir = common::scratch();
        let site = dir.path().join("site");
        init(&site, modele, false).unwrap();
        // The theme is inside the binary: the new site has no themes/ folder.
        assert!(!site.join("themes").exists());
        let report = jalon::check(&site, &jalon::Options::default());
        assert!(
            report.diagnostics.is_empty(),
            "{modele}: {:?}",
            report.diagnostics
        );
        let built = common::build(&site);
        assert!(built.out().join("index.html").is_file(), "{modele}");
    }
}

/// What a build writes in a new site's folder is what its `.gitignore` leaves out.
#[test]
fn a_new_site_ignores_what_the_build_writes() {
    let dir = common::scratch();
    let site = dir.path().join("site");
    init(&site, MODELES[0].0, false).unwrap();
    let before: BTreeSet<String> = names_in(&site);
    assert!(!jalon::build(&site, &site.join("public"), &jalon::Options::default()).has_errors());
    let added: Vec<String> = names_in(&site).difference(&before).cloned().collect();
    let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    let patterns: Vec<&str> = ignore.lines().filter(|l| l.starts_with('/')).collect();
    let ignored = |name: &str| {
        patterns.iter().any(|p| {
            let p = p.trim_start_matches('/').trim_end_matches('/');
            match p.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == p,
            }
        })
    };
    assert!(added.contains(&"public".to_string()), "{added:?}");
    for name in &added {
        assert!(ignored(name), "{name} is not in .gitignore: {ignore}");
    }
}

/// `jalon init --force` in a repository keeps the rules of its `.gitignore`.
#[test]
fn init_with_force_adds_to_an_existing_gitignore() {
    let dir = common::scratch();
    let site = dir.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join(".gitignore"), "node_modules/\n/public/").unwrap();
    init(&site, MODELES[0].0, true).unwrap();
    let ignore = std::fs::read_to_string(site.join(".gitignore")).unwrap();
    assert!(ignore.starts_with("node_modules/\n/public/\n"), "{ignore}");
    assert_eq!(ignore.matches("/public/").count(), 1, "{ignore}");
    assert!(ignore.contains("/.public.jalon-*"), "{ignore}");
}

fn names_in(dir: &std::path::Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let dir = common::scratch();
    std::fs::write(dir.path().join("notes.txt"), "à garder").unwrap();
    let error = init(dir.path(), "axes-fiches", false).unwrap_err();
    assert_eq!(error.code, "dossier-non-vide");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
        "à garder"
    );
    // With --force, the site is added and what was there stays, even a file the modèle has.
    std::fs::write(dir.path().join("README.md"), "# Notre dépôt\n").unwrap();
    let created = init(dir.path(), "axes-fiches", true).unwrap();
    assert!(dir.path().join("schema-data/schema.yaml").is_file());
    assert_eq!(created.kept, [dir.path().join("README.md")]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("README.md")).unwrap(),
        "# Notre dépôt\n"
    );
    assert_eq!(
        init(dir.path(), "inconnu", true).unwrap_err().code,
        "modele-inconnu"
    );
}

#[test]
fn init_never_writes_over_a_site() {
    let dir = common::scratch();
    init(dir.path(), "axes-fiches", false).unwrap();
    let schema = dir.path().join("schema-data/schema.yaml");
    std::fs::write(&schema, "# le schéma du département\n").unwrap();
    let before = common::snapshot(dir.path());
    for modele in ["axes-fiches", "axes-orientations-actions"] {
        let error = init(dir.path(), modele, true).unwrap_err();
        assert_eq!(error.code, "deja-un-site");
    }
    assert_eq!(common::snapshot(dir.path()), before);
}

/// A catalogue alone has no fiche-action: its guide and `jalon new fiche` point to the
/// fiches pratiques instead.
#[test]
fn a_catalogue_site_points_to_its_own_commands() {
    let dir = common::scratch();
    let site = dir.path().join("site");
    init(&site, "catalogue-pratiques", false).unwrap();
    let guide = std::fs::read_to_string(site.join("README.md")).unwrap();
    assert!(guide.contains("jalon new pratique"), "{guide}");
    assert!(!guide.contains("jalon new fiche"), "{guide}");
    let presentation = std::fs::read_to_string(site.join("content/pages/presentation.md")).unwrap();
    assert!(!presentation.contains("schéma"), "{presentation}");
    let refused = new(
        &site,
        New::Fiche {
            titre: "Une fiche-action".into(),
            parent: None,
        },
    );
    match refused {
        Err(jalon::scaffold::NotAdded::Refused(error)) => {
            assert_eq!(error.code, "parent-manquant");
            assert!(error.hint.unwrap().contains("jalon new pratique"));
        }
        other => panic!("{other:?}"),
    }
    // Nor an axe: its file holds an empty list, which an appended entry made invalid.
    let before = common::snapshot(&site);
    let axe = new(
        &site,
        New::Axe {
            titre: "Un axe".into(),
        },
    );
    match axe {
        Err(jalon::scaffold::NotAdded::Refused(error)) => assert_eq!(error.code, "catalogue-seul"),
        other => panic!("{other:?}"),
    }
    assert_eq!(common::snapshot(&site), before);
}

/// Without an orientation to hold it, a new action asks for one where they are written:
/// `jalon new axe` adds axes only.
#[test]
fn a_new_fiche_without_a_parent_says_where_to_add_one() {
    let dir = common::scratch();
    let site = dir.path().join("site");
    init(&site, "axes-orientations-actions", false).unwrap();
    std::fs::write(site.join("schema-data/orientations.yaml"), "[]\n").unwrap();
    for action in std::fs::read_dir(site.join("content/actions")).unwrap() {
        std::fs::remove_file(action.unwrap().path()).unwrap();
    }
    let refused = new(
        &site,
        New::Fiche {
            titre: "Une action".into(),
            parent: None,
        },
    );
    match refused {
        Err(jalon::scaffold::NotAdded::Refused(error)) => {
            let hint = error.hint.unwrap();
            assert!(hint.contains("schema-data/orientations.yaml"), "{hint}");
        }
        other => panic!("{other:?}"),
    }
}

/// A blank title would make a page without a name: nothing is written.
#[test]
fn new_refuses_a_blank_title() {
    let dir = common::scratch();
    let site = dir.path().join("site");
    init(&site, "catalogue-pratiques", false).unwrap();
    let before = common::snapshot(&site);
    for what in [
        New::Pratique {
            titre: "  ".into(),
            theme: None,
        },
        New::Acteur { nom: String::new() },
    ] {
        match new(&site, what) {
            Err(jalon::scaffold::NotAdded::Refused(error)) => assert_eq!(error.code, "champ-vide"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(common::snapshot(&site), before);
}

#[test]
fn new_items_take_the_next_numbers_and_keep_the_site_valid() {
    let dir = common::scratch();
    let site = dir.path().join("site");
    init(&site, "axes-fiches", false).unwrap();
    let first = new(
        &site,
        New::Fiche {
            titre: "Deuxième fiche".into(),
            parent: None,
        },
    )
    .unwrap();
    let second = new(
        &site,
        New::Fiche {
            titre: "Troisième fiche".into(),
            parent: None,
        },
    )
    .unwrap();
    assert!(
        std::fs::read_to_string(&first)
            .unwrap()
            .contains("numero: \"2\"")
    );
    assert!(
        std::fs::read_to_string(&second)
            .unwrap()
            .contains("numero: \"3\"")
    );
    new(
        &site,
        New::Axe {
            titre: "Un autre axe".into(),
        },
    )
    .unwrap();
    new(
        &site,
        New::Acteur {
            nom: "Caisse d'allocations familiales".into(),
        },
    )
    .unwrap();
    // A sigle in brackets becomes the actor's sigle and id.
    new(
        &site,
        New::Acteur {
            nom: "Protection judiciaire de la jeunesse (PJJ)".into(),
        },
    )
    .unwrap();
    let acteurs = std::fs::read_to_string(site.join("schema-data/acteurs.yaml")).unwrap();
    assert!(
        acteurs.contains(
            "- id: pjj\n  nom: \"Protection judiciaire de la jeunesse\"\n  sigle: \"PJJ\"\n"
        ),
        "{acteurs}"
    );
    new(
        &site,
        New::Page {
            titre: "Gouvernance".into(),
        },
    )
    .unwrap();
    // With two axes, a new fiche must say which one.
    let ambiguous = new(
        &site,
        New::Fiche {
            titre: "Quatrième".into(),
            parent: None,
        },
    )
    .unwrap_err();
    let jalon::scaffold::NotAdded::Refused(ambiguous) = ambiguous else {
        panic!("{ambiguous:?}");
    };
    assert_eq!(ambiguous.code, "parent-manquant");
    new(
        &site,
        New::Fiche {
            titre: "Quatrième".into(),
            parent: Some("axe-2".into()),
        },
    )
    .unwrap();
    let report = jalon::check(&site, &jalon::Options::default());
    assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);

    let catalogue = dir.path().join("catalogue");
    init(&catalogue, "catalogue-pratiques", false).unwrap();
    let card = new(
        &catalogue,
        New::Pratique {
            titre: "Nouvelle pratique".into(),
            theme: None,
        },
    )
    .unwrap();
    // The model's card 1a is of its only theme: the next one of that theme is 1b.
    assert!(card.ends_with("content/pratiques/1b.md"), "{card:?}");
    let text = std::fs::read_to_string(&card).unwrap();
    assert!(
        text.contains("# territoire:"),
        "what only the editor knows stays commented: {text}"
    );
    // In the example, cards are numbered by theme: pair-aidance holds 3a to 3c.
    let example = common::copy_site(&common::repo());
    let card = new(
        example.path(),
        New::Pratique {
            titre: "Un groupe de parents pairs".into(),
            theme: Some("pair-aidance".into()),
        },
    )
    .unwrap();
    assert!(card.ends_with("content/pratiques/3d.md"), "{card:?}");
    let hierarchical = dir.path().join("orientations");
    init(&hierarchical, "axes-orientations-actions", false).unwrap();
    let action = new(
        &hierarchical,
        New::Fiche {
            titre: "Action suivante".into(),
            parent: None,
        },
    )
    .unwrap();
    let text = std::fs::read_to_string(&action).unwrap();
    assert!(text.contains("numero: \"1.1.2\""));
    // A field with choices is filled with the first one, and says it is one of several.
    assert!(
        text.contains("# Position du département (à choisir : pilote, intercesseur, financeur)\nposition_departement: \"pilote\""),
        "{text}"
    );
    for site in [&catalogue, &hierarchical] {
        let report = jalon::check(site, &jalon::Options::default());
        assert!(report.diagnostics.is_empty(), "{:?}", report.diagnostics);
    }
}

/// The codes of diagnostics that the source code emits.
fn codes_in_code() -> BTreeSet<String> {
    // `Diagnostic::error("code", …)`, `self.error("code", …)`, and the YAML translations'
    // `("code", message, hint)` tuples.
    let call =
        regex::Regex::new(r#"(?:Diagnostic::(?:error|warning)|self\.error)\(\s*"([a-z][a-z-]*)""#)
            .unwrap();
    let tuple = regex::Regex::new(r#"\(\n\s*"([a-z]+(?:-[a-z]+)*)",\n"#).unwrap();
    let mut codes = BTreeSet::new();
    for entry in walkdir::WalkDir::new(common::repo().join("src")) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(entry.path()).unwrap();
        // Tests inside the sources are not diagnostics.
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        codes.extend(call.captures_iter(text).map(|c| c[1].to_string()));
        if entry.path().ends_with("load/yaml.rs") {
            codes.extend(tuple.captures_iter(text).map(|c| c[1].to_string()));
        }
    }
    codes
}

/// The codes listed in the guide (README, section on messages).
fn codes_in_guide() -> BTreeSet<String> {
    let readme = std::fs::read_to_string(common::repo().join("README.md")).unwrap();
    let section = readme
        .split("## Les messages d'erreur")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let row = regex::Regex::new(r"(?m)^\| `([a-z][a-z-]*)` \|").unwrap();
    row.captures_iter(section)
        .map(|c| c[1].to_string())
        .collect()
}

#[test]
fn the_guide_lists_every_diagnostic_and_nothing_else() {
    let (code, guide) = (codes_in_code(), codes_in_guide());
    let missing: Vec<&String> = code.difference(&guide).collect();
    let stale: Vec<&String> = guide.difference(&code).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "not in the guide: {missing:?}; not in the code: {stale:?}"
    );
    assert!(code.len() > 30, "{code:?}");
}

#[test]
fn a_mistyped_command_line_is_answered_in_french() {
    for (args, said) in [
        (&["biuld"][..], "commande inconnue « biuld »"),
        (&["build", "--prot", "3"][..], "option inconnue « --prot »"),
        (
            &["build", "--format", "xml"][..],
            "valeurs possibles : texte, json",
        ),
        (&["build", "--aujourdhui", "2021-13-01"][..], "AAAA-MM-JJ"),
    ] {
        let output = common::command().args(args).output().unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("error") && !stderr.contains("Usage"),
            "{stderr}"
        );
    }
    // A near command is suggested.
    let output = common::command().arg("biuld").output().unwrap();
    assert!(
        String::from_utf8(output.stderr)
            .unwrap()
            .contains("« build »")
    );
    // Completions offer the editors' commands, not the hidden ones for measuring.
    let bash = common::command()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    let bash = String::from_utf8(bash.stdout).unwrap();
    assert!(bash.contains("serve") && !bash.contains("corpus"), "{bash}");
    // The help gives defaults and choices in French too.
    let help = common::command()
        .args(["build", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    assert!(
        help.contains("(par défaut : texte ; valeurs : texte, json)"),
        "{help}"
    );
    assert!(
        !help.contains("[default") && !help.contains("possible values"),
        "{help}"
    );
    // French headings and value names, every argument described.
    let help = common::command()
        .args(["new", "fiche", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for expected in [
        "Exemple : jalon new fiche",
        "Arguments :",
        "Options :",
        "<TITRE>",
        "Titre de la fiche, entre guillemets",
        "--root <DOSSIER>",
    ] {
        assert!(help.contains(expected), "{expected} in {help}");
    }
    assert!(
        !help.contains("Options:") && !help.contains("<ROOT>"),
        "{help}"
    );
}

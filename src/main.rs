//! The `jalon` command: parses arguments, calls the library, prints diagnostics.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use jalon::Report;
use jalon::diagnostics::{Diagnostic, Sources, render_terminal, summary_line};

/// See `Cargo.toml` for what it is worth.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "jalon",
    version,
    about = "Publie un schéma départemental (fiches-actions, axes, acteurs) sous forme de site web statique.",
    disable_help_subcommand = true,
    disable_help_flag = true,
    disable_version_flag = true,
    after_help = "Exemple : jalon init mon-schema && cd mon-schema && jalon serve --open"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// N'affiche que les erreurs.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Affiche aussi le détail de la construction.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Affiche l'aide.
    #[arg(long, short, global = true, action = clap::ArgAction::Help)]
    help: Option<bool>,
    /// Affiche la version.
    #[arg(long, short = 'V', action = clap::ArgAction::Version)]
    version: Option<bool>,
}

#[derive(Subcommand)]
enum Command {
    /// Crée un nouveau site, prêt à construire, à partir d'un modèle.
    ///
    /// Exemple : jalon init mon-schema --modele axes-orientations-actions
    Init {
        /// Dossier à créer (il doit être vide).
        dossier: PathBuf,
        /// Modèle de hiérarchie : axes-fiches, axes-orientations-actions ou catalogue-pratiques.
        #[arg(long, default_value = "axes-fiches")]
        modele: String,
        /// Écrit même si le dossier n'est pas vide.
        #[arg(long)]
        force: bool,
    },
    /// Ajoute une fiche, un axe, un acteur, une fiche pratique ou une page, tous champs présents.
    ///
    /// Exemple : jalon new fiche "Soutenir les assistants familiaux" --axe as2
    New {
        #[command(subcommand)]
        quoi: NewKind,
        /// Dossier du site.
        #[arg(long, default_value = ".", global = true)]
        root: PathBuf,
    },
    /// Écrit le script de complétion des commandes pour un shell.
    ///
    /// Exemple : jalon completions bash > /etc/bash_completion.d/jalon
    Completions { shell: clap_complete::Shell },
    /// Construit le site dans le dossier de sortie (par défaut public/).
    ///
    /// Exemple : jalon build --root mon-schema --out /var/www/schema
    Build {
        /// Dossier du site (celui qui contient schema-data/ et content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Dossier de sortie ; par défaut, public/ dans le dossier du site.
        #[arg(long)]
        out: Option<PathBuf>,
        #[command(flatten)]
        output: OutputOptions,
        #[command(flatten)]
        date: DateOptions,
    },
    /// Construit le site, puis imprime le document complet en PDF (A4, sommaire avec numéros
    /// de page, titre en tête et numéro en pied de chaque page) avec Chromium.
    ///
    /// Exemple : jalon pdf --root mon-schema --sortie schema-2019-2023.pdf
    Pdf {
        /// Dossier du site (celui qui contient schema-data/ et content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Dossier de sortie du site ; par défaut, public/ dans le dossier du site.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Fichier PDF à écrire ; par défaut, schema.pdf dans le dossier du site.
        #[arg(long, value_name = "FICHIER")]
        sortie: Option<PathBuf>,
        #[command(flatten)]
        date: DateOptions,
    },
    /// Aperçu en direct : sert le site sur http://127.0.0.1:1111/ et le met à jour à chaque
    /// enregistrement ; les erreurs s'affichent dans la page.
    ///
    /// Exemple : jalon serve --root mon-schema --open
    Serve {
        /// Dossier du site (celui qui contient schema-data/ et content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Dossier où l'aperçu écrit aussi le site ; par défaut, public/ dans le dossier du site.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Port d'écoute (0 : un port libre au hasard).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Adresse d'écoute. Par défaut la machine seule ; une autre adresse expose l'aperçu au réseau.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Ouvre l'aperçu dans le navigateur.
        #[arg(long)]
        open: bool,
        #[command(flatten)]
        date: DateOptions,
    },
    /// Écrit un schéma synthétique de N fiches, pour les bancs d'essai (scripts/bench).
    #[command(hide = true)]
    Corpus {
        /// Dossier à créer.
        dossier: PathBuf,
        #[arg(long, default_value_t = 1000)]
        fiches: usize,
        /// Nombre de fiches pratiques : une pour cinq fiches par défaut ; 0 pour un site
        /// sans catalogue, du même contenu que celui de Hugo (scripts/compare-hugo).
        #[arg(long)]
        pratiques: Option<usize>,
        #[arg(long, default_value_t = 42)]
        graine: u64,
    },
    /// Mesure l'aperçu : temps entre l'enregistrement d'une fiche et le HTML à jour sur
    /// disque, par le même chemin que `jalon serve` (scripts/bench).
    #[command(hide = true)]
    MesureApercu {
        /// Dossier du site (un corpus généré).
        root: PathBuf,
        #[arg(long, default_value_t = 7)]
        essais: usize,
    },
    /// Vérifie tout le contenu sans rien écrire, et liste chaque problème.
    ///
    /// Exemple : jalon check --root mon-schema
    Check {
        /// Dossier du site (celui qui contient schema-data/ et content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Échoue aussi sur les avertissements.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        output: OutputOptions,
        #[command(flatten)]
        date: DateOptions,
    },
}

#[derive(Subcommand)]
enum NewKind {
    /// Une fiche, avec le numéro suivant.
    ///
    /// Exemple : jalon new fiche "Soutenir les assistants familiaux" --axe as2
    Fiche {
        /// Titre de la fiche, entre guillemets.
        titre: String,
        /// Élément du dernier niveau (axe, orientation…) auquel la fiche appartient ;
        /// facultatif quand il n'y en a qu'un.
        #[arg(long, alias = "parent")]
        axe: Option<String>,
    },
    /// Un élément du premier niveau (un axe).
    ///
    /// Exemple : jalon new axe "Garantir la continuité des parcours"
    Axe {
        /// Titre de l'axe, entre guillemets.
        titre: String,
    },
    /// Un acteur de l'annuaire.
    ///
    /// Exemple : jalon new acteur "Protection judiciaire de la jeunesse (PJJ)"
    Acteur {
        /// Nom de l'acteur, entre guillemets ; un sigle entre parenthèses devient son id.
        nom: String,
    },
    /// Une fiche pratique du catalogue.
    ///
    /// Exemple : jalon new pratique "Les conférences familiales" --theme aller-vers
    Pratique {
        /// Titre de la fiche pratique, entre guillemets.
        titre: String,
        /// Thème (par défaut, le premier du catalogue).
        #[arg(long)]
        theme: Option<String>,
    },
    /// Une page libre.
    ///
    /// Exemple : jalon new page "Gouvernance du schéma"
    Page {
        /// Titre de la page, entre guillemets.
        titre: String,
    },
}

#[derive(clap::Args)]
struct DateOptions {
    /// Date du jour pour les calendriers et les retards (AAAA-MM-JJ) ; par défaut, « date_du_jour » de jalon.yaml, sinon aujourd'hui.
    #[arg(long, value_name = "AAAA-MM-JJ")]
    aujourdhui: Option<jiff::civil::Date>,
}

impl DateOptions {
    fn options(&self) -> jalon::Options {
        jalon::Options {
            today: self.aujourdhui,
        }
    }
}

#[derive(clap::Args)]
struct OutputOptions {
    /// Forme des messages : texte lisible ou JSON pour les outils.
    #[arg(long, value_enum, default_value_t = Format::Texte)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Texte,
    Json,
}

/// Ctrl-C and SIGTERM remove a half-written site and exit with 130; a file-size limit
/// (SIGXFSZ) makes writes fail with a clear error instead of killing the process.
fn handle_signals() {
    use signal_hook::consts::{SIGINT, SIGTERM, SIGXFSZ};
    let _ = signal_hook::flag::register(
        SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                eprintln!("Interrompu : {}.", jalon::write::interrupted());
                std::process::exit(128 + signal);
            }
        });
    }
}

/// Exit codes: 0 clean, 1 content errors, 2 usage or input/output problem, 130 interrupted.
fn main() -> ExitCode {
    handle_signals();
    let parsed = french(<Cli as clap::CommandFactory>::command())
        .try_get_matches()
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) if error.use_stderr() => {
            eprint!(
                "{}",
                render_terminal(&[usage_error(&error)], &Sources::default(), color())
            );
            return ExitCode::from(2);
        }
        Err(help) => {
            let _ = help.print();
            return ExitCode::SUCCESS;
        }
    };
    let verbosity = match (cli.quiet, cli.verbose) {
        (true, _) => Verbosity::Quiet,
        (_, true) => Verbosity::Verbose,
        _ => Verbosity::Normal,
    };
    match cli.command {
        Command::Init {
            dossier,
            modele,
            force,
        } => init(&dossier, &modele, force, verbosity),
        Command::New { quoi, root } => new(quoi, &root),
        Command::Completions { shell } => {
            let mut command = public(<Cli as clap::CommandFactory>::command());
            clap_complete::generate(shell, &mut command, "jalon", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        Command::Build {
            root,
            out,
            output,
            date,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            build(&root, &out, output.format, &date.options(), verbosity)
        }
        Command::Pdf {
            root,
            out,
            sortie,
            date,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let sortie = sortie.unwrap_or_else(|| root.join(jalon::pdf::DEFAULT_OUTPUT));
            pdf(&root, &out, &sortie, &date.options(), verbosity)
        }
        Command::Check {
            root,
            strict,
            output,
            date,
        } => check(&root, strict, output.format, &date.options(), verbosity),
        Command::Corpus {
            dossier,
            fiches,
            pratiques,
            graine,
        } => {
            let default = jalon::corpus::Size::new(fiches, graine);
            let size = jalon::corpus::Size {
                pratiques: pratiques.unwrap_or(default.pratiques),
                ..default
            };
            or_exit(jalon::corpus::generate(&dossier, &size).map_err(|e| e.to_string()))
        }
        Command::MesureApercu { root, essais } => {
            or_exit(jalon::serve::measure(&root, essais).map(|line| println!("{line}")))
        }
        Command::Serve {
            root,
            out,
            port,
            bind,
            open,
            date,
        } => or_exit(jalon::serve::run(jalon::serve::Options {
            build: date.options(),
            out: out.unwrap_or_else(|| root.join("public")),
            root,
            bind,
            port,
            open,
        })),
    }
}

/// Success, or the error said on one line, with exit code 2.
fn or_exit(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("erreur : {message}");
            ExitCode::from(2)
        }
    }
}

/// `jalon init`.
fn init(dossier: &Path, modele: &str, force: bool, verbosity: Verbosity) -> ExitCode {
    match jalon::scaffold::init(dossier, modele, force) {
        Ok(created) => {
            if verbosity != Verbosity::Quiet {
                eprintln!(
                    "Site créé dans {} ({} fichiers).",
                    dossier.display(),
                    created.written.len()
                );
                for kept in &created.kept {
                    eprintln!("Déjà là, gardé tel quel : {}", kept.display());
                }
                eprintln!("Ensuite : cd {} && jalon serve --open", dossier.display());
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprint!(
                "{}",
                render_terminal(&[error], &jalon::diagnostics::Sources::default(), color())
            );
            ExitCode::from(2)
        }
    }
}

/// `jalon new`: prints the path of the file it wrote.
fn new(quoi: NewKind, root: &Path) -> ExitCode {
    let what = match quoi {
        NewKind::Fiche { titre, axe } => jalon::scaffold::New::Fiche { titre, parent: axe },
        NewKind::Axe { titre } => jalon::scaffold::New::Axe { titre },
        NewKind::Acteur { nom } => jalon::scaffold::New::Acteur { nom },
        NewKind::Pratique { titre, theme } => jalon::scaffold::New::Pratique { titre, theme },
        NewKind::Page { titre } => jalon::scaffold::New::Page { titre },
    };
    match jalon::scaffold::new(root, what) {
        Ok(path) => {
            println!("{}", path.display());
            ExitCode::SUCCESS
        }
        Err(jalon::scaffold::NotAdded::InvalidSite(errors)) => {
            eprint!("{}", render_terminal(&errors, &Sources::default(), color()));
            eprintln!("Corrigez d'abord ces erreurs (jalon check), puis relancez.");
            ExitCode::from(1)
        }
        Err(jalon::scaffold::NotAdded::Refused(error)) => {
            eprint!(
                "{}",
                render_terminal(&[error], &Sources::default(), color())
            );
            ExitCode::from(2)
        }
    }
}

/// What a failed build left in `out`, in one sentence.
fn nothing_written(report: &jalon::Report, out: &Path) -> &'static str {
    let partly = report
        .diagnostics
        .iter()
        .any(jalon::write::is_partly_updated);
    if partly {
        "Le site n'a été mis à jour qu'en partie : relancez la construction une fois le problème réglé."
    } else if jalon::write::list_written_at(out).is_some() {
        "Rien n'a été écrit : le site précédent est intact."
    } else {
        "Rien n'a été écrit."
    }
}

/// `jalon build`.
fn build(
    root: &Path,
    out: &Path,
    format: Format,
    options: &jalon::Options,
    verbosity: Verbosity,
) -> ExitCode {
    let progress = Progress::start(verbosity != Verbosity::Quiet && format == Format::Texte);
    let report = jalon::build(root, out, options);
    progress.finish();
    print_report(&report, format, verbosity);
    if report.has_errors() && format == Format::Texte {
        eprintln!("{}", nothing_written(&report, out));
    }
    if let Some(stats) = &report.stats
        && format == Format::Texte
        && verbosity != Verbosity::Quiet
    {
        let warnings = report.diagnostics.len();
        eprintln!(
            "Site construit dans {} : {} pages dont {} fiches, {} fichiers, {warnings} avertissement(s), en {} ms (dont index de recherche : {} ms).",
            out.display(),
            stats.pages,
            stats.fiches,
            stats.files,
            stats.duration.as_millis(),
            stats.timings.of("recherche").as_millis()
        );
        if verbosity == Verbosity::Verbose {
            eprintln!("Étapes : {}.", stats.timings.summary());
        }
    }
    exit_code(&report, false)
}

/// `jalon check`.
fn check(
    root: &Path,
    strict: bool,
    format: Format,
    options: &jalon::Options,
    verbosity: Verbosity,
) -> ExitCode {
    let report = jalon::check(root, options);
    print_report(&report, format, verbosity);
    if format == Format::Texte && !report.has_errors() && verbosity != Verbosity::Quiet {
        let warnings = report.diagnostics.len();
        eprintln!("Aucune erreur, {warnings} avertissement(s).");
    }
    exit_code(&report, strict)
}

/// `jalon pdf`: Chromium first (its absence is said before anything is built), then the
/// site, then the print.
fn pdf(
    root: &std::path::Path,
    out: &std::path::Path,
    sortie: &std::path::Path,
    options: &jalon::Options,
    verbosity: Verbosity,
) -> ExitCode {
    let fail = |error: jalon::diagnostics::Diagnostic| {
        eprint!(
            "{}",
            render_terminal(&[error], &jalon::diagnostics::Sources::default(), color())
        );
        ExitCode::from(2)
    };
    if let Err(error) = jalon::pdf::check_destination(sortie) {
        return fail(error);
    }
    let chromium = match jalon::pdf::find_chromium() {
        Ok(path) => path,
        Err(error) => return fail(error),
    };
    let report = jalon::build(root, out, options);
    print_report(&report, Format::Texte, verbosity);
    if report.has_errors() {
        eprintln!("Corrigez d'abord ces erreurs : le PDF n'a pas été produit.");
        return exit_code(&report, false);
    }
    let document = out.join(jalon::render::links::DOCUMENT);
    if !document.is_file() {
        return fail(
            jalon::diagnostics::Diagnostic::error(
                "document-absent",
                format!(
                    "ce site n'a pas de document complet à imprimer : il ne publie pas de schéma \
                     (« publier: catalogue »), ou son schéma a plus de {} fiches",
                    jalon::model::WHOLE_SCHEMA_MAX_FICHES
                ),
            )
            .hint("jalon pdf imprime le schéma d'un site qui publie « tout », jusqu'à ce nombre de fiches"),
        );
    }
    match jalon::pdf::print(&document, sortie, &chromium) {
        Ok(printed) => {
            if verbosity != Verbosity::Quiet {
                eprintln!(
                    "PDF écrit dans {} : {} pages, {} impression(s){}.",
                    sortie.display(),
                    printed.pages,
                    printed.passes,
                    if printed.sommaire_exact {
                        ""
                    } else {
                        " ; attention, les numéros de page du sommaire manquent ou ne sont pas sûrs"
                    }
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

/// A spinner with the elapsed time, shown only when a build lasts more than a second
/// and stderr is a terminal.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn start(wanted: bool) -> Progress {
        if !wanted || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} Construction du site… {elapsed}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                shown.enable_steady_tick(std::time::Duration::from_millis(120));
            }
        });
        Progress(Some(bar))
    }

    fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

/// The commands as editors know them: clap_complete would also offer the hidden ones
/// (`corpus`, `mesure-apercu`), which are for measuring jalon.
fn public(command: clap::Command) -> clap::Command {
    let shown: Vec<clap::Command> = (command.get_subcommands())
        .filter(|sub| !sub.is_hide_set())
        .cloned()
        .collect();
    // Its own -h and -V come with the arguments: clap must not add its own.
    clap::Command::new("jalon")
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_flag(true)
        .disable_version_flag(true)
        .args(command.get_arguments().cloned())
        .subcommands(shown)
}

/// A command line clap could not read, said in French: clap's own messages are English.
fn usage_error(error: &clap::Error) -> Diagnostic {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(list)) => Some(list.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(list)) => Some(
            list.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => None,
    };
    let given = text(ContextKind::InvalidSubcommand)
        .or_else(|| text(ContextKind::InvalidArg))
        .unwrap_or_default();
    let value = text(ContextKind::InvalidValue).unwrap_or_default();
    let suggestion =
        text(ContextKind::SuggestedSubcommand).or_else(|| text(ContextKind::SuggestedArg));
    let message = match error.kind() {
        ErrorKind::InvalidSubcommand => format!("commande inconnue « {given} »"),
        ErrorKind::UnknownArgument => format!("option inconnue « {given} »"),
        ErrorKind::MissingRequiredArgument => format!("il manque {given}"),
        ErrorKind::InvalidValue if value.is_empty() => format!("il manque la valeur de {given}"),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            format!("valeur « {value} » refusée pour {given}")
        }
        ErrorKind::ArgumentConflict => match text(ContextKind::PriorArg) {
            Some(prior) => format!("{given} ne va pas avec {prior}"),
            None => format!("{given} ne va pas avec une autre option donnée"),
        },
        _ => "ligne de commande incomprise".to_string(),
    };
    let valid = text(ContextKind::ValidValue).filter(|v| !v.is_empty());
    let hint = match (suggestion, valid) {
        (Some(near), _) => {
            format!("vouliez-vous dire « {near} » ? La liste complète : jalon --help")
        }
        (None, Some(valid)) => format!("valeurs possibles : {valid}"),
        (None, None) if given.contains("aujourdhui") => {
            "une date s'écrit AAAA-MM-JJ, par exemple 2023-12-31".to_string()
        }
        (None, None) => {
            "la liste des commandes et de leurs options : jalon --help, ou jalon <commande> --help"
                .to_string()
        }
    };
    Diagnostic::error("ligne-de-commande", message).hint(hint)
}

/// The help of every subcommand with French headings (a space before the colon).
fn french(command: clap::Command) -> clap::Command {
    let mut template = String::from("{before-help}{about-with-newline}\nUtilisation : {usage}\n");
    if command.has_subcommands() {
        template.push_str("\nCommandes :\n{subcommands}\n");
    }
    if command.get_positionals().next().is_some() {
        template.push_str("\nArguments :\n{positionals}\n");
    }
    template.push_str("\nOptions :\n{options}{after-help}");
    command
        .help_template(template)
        .subcommand_value_name("COMMANDE")
        .mut_args(french_arg)
        .mut_subcommands(french)
}

/// An option's default and possible values in its French help, instead of clap's
/// English « [default: …] » and « [possible values: …] ».
fn french_arg(arg: clap::Arg) -> clap::Arg {
    // What a value is, rather than the option's English name (`--root <ROOT>`).
    const VALUE_NAMES: &[(&str, &str)] = &[
        ("root", "DOSSIER"),
        ("out", "DOSSIER"),
        ("axe", "ID"),
        ("theme", "ID"),
        ("bind", "ADRESSE"),
        ("format", "FORME"),
    ];
    let arg = match VALUE_NAMES.iter().find(|(id, _)| arg.get_id() == *id) {
        Some((_, name)) => arg.value_name(*name),
        None => arg,
    };
    let mut notes = Vec::new();
    let defaults: Vec<String> = (arg.get_default_values().iter())
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() {
        notes.push(format!("par défaut : {}", defaults.join(", ")));
    }
    if arg.get_action().takes_values() {
        let values: Vec<String> = (arg.get_possible_values().iter())
            .filter(|v| !v.is_hide_set())
            .map(|v| v.get_name().to_string())
            .collect();
        if !values.is_empty() {
            notes.push(format!("valeurs : {}", values.join(", ")));
        }
    }
    if notes.is_empty() {
        return arg;
    }
    let notes = notes.join(" ; ");
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let long = arg
        .get_long_help()
        .map(|long| format!("{long}\n\n({notes})"));
    let arg = arg
        .help(format!("{help} ({notes})"))
        .hide_default_value(true)
        .hide_possible_values(true);
    match long {
        Some(long) => arg.long_help(long),
        None => arg,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_report(report: &Report, format: Format, verbosity: Verbosity) {
    match format {
        Format::Texte => {
            let shown: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.is_error() || verbosity != Verbosity::Quiet)
                .cloned()
                .collect();
            eprint!("{}", render_terminal(&shown, &report.sources, color()));
            if verbosity == Verbosity::Verbose
                && let Some(stats) = &report.stats
            {
                eprintln!(
                    "{} pages passées par leur gabarit ; {} fichier(s) écrit(s) ou supprimé(s), les autres étaient déjà à jour.",
                    stats.rendered, stats.written
                );
            }
            let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
            let warnings = report.diagnostics.len() - errors;
            if errors > 0 {
                eprintln!("{errors} erreur(s), {warnings} avertissement(s).");
            }
        }
        Format::Json => {
            let items: Vec<_> = report
                .diagnostics
                .iter()
                .map(|d| serde_json::json!({
                    "gravite": d.severity,
                    "code": d.code,
                    "message": d.message,
                    "fichier": d.location.as_ref().map(|l| l.file.to_string_lossy().replace('\\', "/")),
                    "ligne": d.location.as_ref().map(|l| l.line),
                    "colonne": d.location.as_ref().map(|l| l.column),
                    "conseil": d.hint,
                    "texte": summary_line(d),
                }))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&items).unwrap_or_default()
            );
        }
    }
}

fn exit_code(report: &Report, strict: bool) -> ExitCode {
    let io_problem = report
        .diagnostics
        .iter()
        .any(|d| matches!(d.code, "ecriture" | "sortie-interdite" | "sortie-occupee"));
    if io_problem {
        ExitCode::from(2)
    } else if report.has_errors() || (strict && !report.diagnostics.is_empty()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

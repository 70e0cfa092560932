//! The `jalon` command: parses arguments, calls the library, prints diagnostics.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use jalon::Report;
use jalon::diagnostics::{render_terminal, summary_line};

#[derive(Parser)]
#[command(
    name = "jalon",
    version,
    about = "Publie un schéma départemental (fiches-actions, axes, acteurs) sous forme de site web statique.",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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

#[derive(clap::Args)]
struct DateOptions {
    /// Date du jour pour les calendriers et les retards (AAAA-MM-JJ) ; par défaut, aujourd'hui.
    #[arg(long, value_name = "AAAA-MM-JJ")]
    aujourdhui: Option<jiff::civil::Date>,
}

impl DateOptions {
    fn options(&self) -> jalon::Options {
        match self.aujourdhui {
            Some(today) => jalon::Options { today },
            None => jalon::Options::default(),
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
                jalon::write::interrupted();
                eprintln!("Interrompu : le site précédent est intact.");
                std::process::exit(128 + signal);
            }
        });
    }
}

/// Exit codes: 0 clean, 1 content errors, 2 usage or input/output problem, 130 interrupted.
fn main() -> ExitCode {
    handle_signals();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Build {
            root,
            out,
            output,
            date,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            let report = jalon::build(&root, &out, &date.options());
            print_report(&report, output.format);
            if report.has_errors() && output.format == Format::Texte {
                eprintln!("Rien n'a été écrit : le site précédent est intact.");
            }
            if let Some(stats) = &report.stats
                && output.format == Format::Texte
            {
                eprintln!(
                    "Site construit dans {} : {} pages dont {} fiches, {} fichiers, en {} ms.",
                    out.display(),
                    stats.pages,
                    stats.fiches,
                    stats.files,
                    stats.duration.as_millis()
                );
            }
            exit_code(&report, false)
        }
        Command::Check {
            root,
            strict,
            output,
            date,
        } => {
            let report = jalon::check(&root, &date.options());
            print_report(&report, output.format);
            if output.format == Format::Texte && !report.has_errors() {
                let warnings = report.diagnostics.len();
                eprintln!("Aucune erreur, {warnings} avertissement(s).");
            }
            exit_code(&report, strict)
        }
        Command::Corpus {
            dossier,
            fiches,
            graine,
        } => match jalon::corpus::generate(&dossier, fiches, graine) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("erreur : {error}");
                ExitCode::from(2)
            }
        },
        Command::MesureApercu { root, essais } => match jalon::serve::measure(&root, essais) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("erreur : {error}");
                ExitCode::from(2)
            }
        },
        Command::Serve {
            root,
            out,
            port,
            bind,
            open,
            date,
        } => match jalon::serve::run(jalon::serve::Options {
            build: date.options(),
            out: out.unwrap_or_else(|| root.join("public")),
            root,
            bind,
            port,
            open,
        }) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("erreur : {message}");
                ExitCode::from(2)
            }
        },
    }
}

fn print_report(report: &Report, format: Format) {
    match format {
        Format::Texte => {
            let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            eprint!(
                "{}",
                render_terminal(&report.diagnostics, &report.sources, color)
            );
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

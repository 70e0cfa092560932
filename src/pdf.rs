//! `jalon pdf`: the document complet printed to an A4 PDF by a local Chromium.
//!
//! Chromium is driven over its DevTools protocol (the `headless_chrome` crate) rather than
//! with `chromium --print-to-pdf`, because only the protocol gives a header and footer of
//! our own (title, page numbers) and lets the page be changed between two prints.
//!
//! Chromium has no CSS `target-counter()`, so the sommaire's page numbers come from the
//! PDF itself: every sommaire entry links to its section, and Chromium writes each link
//! target as a named destination with its page. The first print tells where each section
//! landed; the numbers are written into the sommaire (in space reserved for them, so
//! nothing moves) and the document is printed again, until the numbers read back from the
//! PDF are the ones written (two passes in practice, three at most).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use headless_chrome::types::PrintToPdfOptions;
use headless_chrome::{Browser, LaunchOptions, Tab};

use crate::diagnostics::Diagnostic;
use crate::render::markdown::escape_text;

/// Where `jalon pdf` writes without `--sortie`, in the site's folder.
pub const DEFAULT_OUTPUT: &str = "schema.pdf";

/// Names of Chromium looked for on `PATH`, after the `JALON_CHROMIUM` variable.
const CHROMIUM_NAMES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

const MAX_PASSES: usize = 3;

/// What a print produced.
#[derive(Debug)]
pub struct Printed {
    pub pages: usize,
    /// How many times the document went through Chromium.
    pub passes: usize,
    /// The sommaire's numbers are those of the final PDF (false: numbers missing or not
    /// stable after three prints).
    pub sommaire_exact: bool,
}

/// Chromium: the file named by `JALON_CHROMIUM`, otherwise the first usual name on `PATH`.
pub fn find_chromium() -> Result<PathBuf, Diagnostic> {
    if let Some(path) = std::env::var_os("JALON_CHROMIUM") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(chromium_missing(format!(
                "Chromium est introuvable : JALON_CHROMIUM désigne « {} », qui n'existe pas",
                path.display()
            )))
        };
    }
    let dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    CHROMIUM_NAMES
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            chromium_missing(format!(
                "Chromium est introuvable : aucun de {} dans le PATH",
                CHROMIUM_NAMES.join(", ")
            ))
        })
}

fn chromium_missing(message: String) -> Diagnostic {
    Diagnostic::error("chromium-introuvable", message).hint(
        "installez Chromium (Debian, Ubuntu : « sudo apt install chromium ») ou Google Chrome, \
         ou donnez son chemin dans la variable JALON_CHROMIUM",
    )
}

fn print_failed(message: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        "impression-pdf",
        format!("impression du document complet impossible : {message}"),
    )
    .hint("vérifiez que Chromium se lance (chromium --version) et que le dossier de destination est accessible en écriture")
}

/// Prints `document` (the built `document-complet.html`) to `output` with `chromium`.
pub fn print(document: &Path, output: &Path, chromium: &Path) -> Result<Printed, Diagnostic> {
    let browser = launch(chromium)?;
    let tab = browser.new_tab().map_err(print_failed)?;
    tab.navigate_to(&file_url(document)?)
        .and_then(|tab| tab.wait_until_navigated())
        .map_err(print_failed)?;
    let header = running_header(&tab)?;
    let mut written: BTreeMap<String, usize> = BTreeMap::new();
    let mut passes = 0;
    loop {
        passes += 1;
        let pdf = tab
            .print_to_pdf(Some(pdf_options(&header)))
            .map_err(print_failed)?;
        let found = destination_pages(&pdf);
        // No destination at all: a Chromium that writes its PDF differently; the sommaire
        // stays without numbers, and the caller says so.
        let exact = !found.is_empty() && found == written;
        if exact || found.is_empty() || passes == MAX_PASSES {
            write_atomically(output, &pdf)?;
            return Ok(Printed {
                pages: page_count(&pdf),
                passes,
                sommaire_exact: exact,
            });
        }
        write_sommaire_numbers(&tab, &found)?;
        written = found;
    }
}

fn launch(chromium: &Path) -> Result<Browser, Diagnostic> {
    // Nothing may come from the network: every host name resolves to nothing.
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let options = LaunchOptions::default_builder()
        .path(Some(chromium.to_path_buf()))
        .headless(true)
        // The page is our own build, without scripts; the sandbox refuses to start as root.
        .sandbox(false)
        .idle_browser_timeout(Duration::from_secs(300))
        .args(args)
        .build()
        .map_err(print_failed)?;
    Browser::new(options).map_err(print_failed)
}

/// `file:///…` with the path's bytes percent-encoded where a URL needs it.
fn file_url(path: &Path) -> Result<String, Diagnostic> {
    let absolute = std::fs::canonicalize(path).map_err(|e| {
        print_failed(format!("{} : {e}", path.display())).hint("construisez d'abord le site")
    })?;
    let mut url = String::from("file://");
    for byte in absolute.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                url.push(byte as char)
            }
            other => url.push_str(&format!("%{other:02X}")),
        }
    }
    Ok(url)
}

/// The schéma's title, département and period, from the cover of the document.
fn running_header(tab: &Tab) -> Result<String, Diagnostic> {
    let value = tab
        .evaluate(
            "document.querySelector('.couverture')?.dataset.entete ?? document.title",
            false,
        )
        .map_err(print_failed)?
        .value;
    Ok(value
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default())
}

/// A4 portrait, the title at the top of every page and "page / pages" at the bottom.
fn pdf_options(header: &str) -> PrintToPdfOptions {
    let style =
        "font-family: sans-serif; font-size: 8pt; color: #333; width: 100%; margin: 0 15mm;";
    PrintToPdfOptions {
        landscape: Some(false),
        display_header_footer: Some(true),
        print_background: Some(true),
        paper_width: Some(8.27),
        paper_height: Some(11.69),
        margin_top: Some(0.8),
        margin_bottom: Some(0.8),
        margin_left: Some(0.6),
        margin_right: Some(0.6),
        header_template: Some(format!(
            "<div style=\"{style} text-align: left;\">{}</div>",
            escape_text(header)
        )),
        footer_template: Some(format!(
            "<div style=\"{style} text-align: center;\">Page <span class=\"pageNumber\"></span> sur <span class=\"totalPages\"></span></div>"
        )),
        prefer_css_page_size: Some(false),
        generate_document_outline: Some(true),
        generate_tagged_pdf: Some(true),
        ..Default::default()
    }
}

/// Writes each section's page into its sommaire entry.
fn write_sommaire_numbers(tab: &Tab, pages: &BTreeMap<String, usize>) -> Result<(), Diagnostic> {
    let numbers = serde_json::to_string(pages).unwrap_or_else(|_| "{}".into());
    let script = format!(
        "(numbers => {{ for (const s of document.querySelectorAll('.sommaire-page[data-ancre]')) \
         {{ const n = numbers[s.dataset.ancre]; s.textContent = n ? String(n) : ''; }} \
         document.querySelector('.sommaire-document').classList.add('avec-numeros'); return true; }})({numbers})"
    );
    tab.evaluate(&script, false).map_err(print_failed)?;
    Ok(())
}

/// A destination named `.pdf`: `--sortie` pointing at a source by mistake
/// (`content/fiches/fa-01.md`) must not replace it.
pub fn check_destination(output: &Path) -> Result<(), Diagnostic> {
    let is_pdf = output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if is_pdf && !output.is_dir() {
        return Ok(());
    }
    Err(Diagnostic::error(
        "sortie-interdite",
        format!(
            "le PDF irait dans « {} », qui n'est pas un fichier .pdf : jalon ne le remplacera pas",
            output.display()
        ),
    )
    .hint("donnez un nom de fichier en .pdf, par exemple --sortie schema.pdf"))
}

/// Next to the destination first, then renamed: an interrupted print leaves no half file.
fn write_atomically(output: &Path, pdf: &[u8]) -> Result<(), Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(
            "ecriture",
            format!("écriture de {} impossible : {e}", output.display()),
        )
        .hint("vérifiez le dossier de destination et ses droits")
    };
    let partial = output.with_extension("pdf.partiel");
    std::fs::write(&partial, pdf).map_err(fail)?;
    std::fs::rename(&partial, output).map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        fail(e)
    })
}

/// The pages of a PDF as Chromium (Skia) writes them: `N 0 obj` followed by a dictionary,
/// a page tree from the catalogue's `/Pages`, and named destinations in `/Dests`.
struct PdfObjects {
    /// The dictionary of each object (before any stream), by object number.
    dictionaries: BTreeMap<u32, String>,
}

impl PdfObjects {
    fn parse(pdf: &[u8]) -> PdfObjects {
        let start = regex::bytes::Regex::new(r"(?m)^(\d+) 0 obj").expect("valid pattern");
        let mut dictionaries = BTreeMap::new();
        let starts: Vec<(u32, usize)> = start
            .captures_iter(pdf)
            .filter_map(|c| {
                let number = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
                Some((number, c.get(0)?.end()))
            })
            .collect();
        for (i, &(number, from)) in starts.iter().enumerate() {
            let to = starts.get(i + 1).map_or(pdf.len(), |&(_, next)| next);
            let body = &pdf[from..to];
            let end = find(body, b"stream")
                .into_iter()
                .chain(find(body, b"endobj"))
                .min()
                .unwrap_or(body.len());
            dictionaries.insert(number, String::from_utf8_lossy(&body[..end]).into_owned());
        }
        PdfObjects { dictionaries }
    }

    /// The object that `key` refers to in the first dictionary that has it after `kind`.
    fn reference(&self, kind: &str, key: &str) -> Option<u32> {
        let pattern = regex::Regex::new(&format!(r"{key}\s+(\d+) 0 R")).ok()?;
        self.dictionaries
            .values()
            .filter(|d| d.contains(kind))
            .find_map(|d| pattern.captures(d)?[1].parse().ok())
    }

    /// The page objects, in reading order, below the page tree node `node`.
    fn pages_below(&self, node: u32, out: &mut Vec<u32>, depth: usize) {
        let Some(dictionary) = self.dictionaries.get(&node) else {
            return;
        };
        if depth > 32 {
            return;
        }
        if !dictionary.contains("/Type /Pages") {
            out.push(node);
            return;
        }
        let kids = regex::Regex::new(r"/Kids\s*\[([^\]]*)\]").expect("valid pattern");
        let reference = regex::Regex::new(r"(\d+) 0 R").expect("valid pattern");
        if let Some(list) = kids.captures(dictionary) {
            for kid in reference.captures_iter(&list[1]) {
                if let Ok(kid) = kid[1].parse() {
                    self.pages_below(kid, out, depth + 1);
                }
            }
        }
    }

    fn pages(&self) -> Vec<u32> {
        let mut pages = Vec::new();
        if let Some(root) = self.reference("/Type /Catalog", "/Pages") {
            self.pages_below(root, &mut pages, 0);
        }
        pages
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Number of pages of a PDF written by Chromium.
pub fn page_count(pdf: &[u8]) -> usize {
    PdfObjects::parse(pdf).pages().len()
}

/// The page (from 1) of each named destination of a PDF written by Chromium: the ids of
/// the document that a link points to.
pub fn destination_pages(pdf: &[u8]) -> BTreeMap<String, usize> {
    let objects = PdfObjects::parse(pdf);
    let page_numbers: BTreeMap<u32, usize> = objects
        .pages()
        .into_iter()
        .enumerate()
        .map(|(i, page)| (page, i + 1))
        .collect();
    let Some(dests) = objects
        .reference("/Type /Catalog", "/Dests")
        .and_then(|n| objects.dictionaries.get(&n))
    else {
        return BTreeMap::new();
    };
    let entry = regex::Regex::new(r"/([^\s/\[\]<>()]+)\s*\[\s*(\d+) 0 R").expect("valid pattern");
    entry
        .captures_iter(dests)
        .filter_map(|c| {
            let page = page_numbers.get(&c[2].parse().ok()?)?;
            Some((decode_name(&c[1]), *page))
        })
        .collect()
}

/// A PDF name with its `#xx` escapes decoded.
fn decode_name(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#'
            && let Some(value) = name
                .get(i + 1..i + 3)
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
        {
            out.push(value);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SKIA: &str = "%PDF-1.4\n\
        2 0 obj\n<</Type /Page\n/Parent 13 0 R>>\nendobj\n\
        8 0 obj\n<</Type /Page\n/Parent 20 0 R>>\nendobj\n\
        11 0 obj\n<</Type /Page\n/Parent 20 0 R>>\nendobj\n\
        20 0 obj\n<</Type /Pages\n/Count 2\n/Kids [11 0 R 8 0 R]>>\nendobj\n\
        13 0 obj\n<</Type /Pages\n/Count 3\n/Kids [2 0 R 20 0 R]>>\nendobj\n\
        14 0 obj\n<</fiche-1 [8 0 R /XYZ 6 777.75 0]\n/axe-a#2E1 [11 0 R /XYZ 6 777.75 0]>>\nendobj\n\
        7 0 obj\n<</Filter /FlateDecode\n/Length 3>>\nstream\nx 0 obj\nendstream\nendobj\n\
        35 0 obj\n<</Type /Catalog\n/Pages 13 0 R\n/Dests 14 0 R>>\nendobj\n";

    #[test]
    fn pages_follow_the_page_tree() {
        assert_eq!(page_count(SKIA.as_bytes()), 3);
        let pages = destination_pages(SKIA.as_bytes());
        assert_eq!(pages.get("fiche-1"), Some(&3));
        assert_eq!(pages.get("axe-a.1"), Some(&2));
    }

    #[test]
    fn a_pdf_without_destinations_gives_no_numbers() {
        assert!(destination_pages(b"%PDF-1.4\n").is_empty());
        assert_eq!(page_count(b"not a pdf"), 0);
    }
}

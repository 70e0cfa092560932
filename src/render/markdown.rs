//! Markdown → HTML for one page: heading anchors, cross-references, sigles, highlighted
//! code, and the raw-HTML policy.
//!
//! Raw HTML written in Markdown is shown as text, never interpreted: content comes
//! from many hands and the official site must not run anything it was not built with.

use std::borrow::Cow;
use std::sync::OnceLock;

use pulldown_cmark::{
    CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, TextMergeWithOffset,
};
use regex::Regex;
use rustc_hash::FxHashSet as HashSet;

use crate::diagnostics::{Diagnostic, Location, did_you_mean, suggest};
use crate::model::{Markdown, Site, SousAction};
use crate::render::links::{self, LinkStyle, Target};
use crate::render::typography::french_spaces;
use crate::search::analyze::{is_letter_or_digit, word_end};

/// The state shared by every Markdown fragment of one page.
pub struct PageState<'a> {
    pub site: &'a Site,
    /// "../" for a page one folder deep: prefix of every internal link.
    pub root: &'a str,
    /// On the document complet, references lead to its own sections.
    pub links: LinkStyle,
    /// Put before every id the text makes (headings, footnotes): on the document complet,
    /// the section's own prefix (`fiche-12--`) keeps ids unique across the whole page.
    pub id_prefix: String,
    /// Ids already used on the page (by the template or earlier fragments).
    pub ids: HashSet<String>,
    /// Sigles already expanded with `<abbr>` on this page, by their place in the glossary.
    pub abbreviated: HashSet<usize>,
    /// Words in capitals missing from the glossary, reported once per page.
    pub unknown_sigles: HashSet<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// Every reference made from this page, with the heading it sits under.
    pub citations: Vec<Citation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub target: Target,
    /// Id of the nearest heading above the reference, if any.
    pub section: Option<String>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
    /// Line in the source file.
    pub line: u32,
    /// No content before the next heading of the same or a higher level.
    pub empty: bool,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
}

impl<'a> PageState<'a> {
    pub fn new(site: &'a Site, root: &'a str, links: LinkStyle, reserved_ids: &[&str]) -> Self {
        PageState {
            site,
            root,
            links,
            id_prefix: String::new(),
            ids: reserved_ids.iter().map(|id| id.to_string()).collect(),
            abbreviated: HashSet::default(),
            unknown_sigles: HashSet::default(),
            diagnostics: Vec::new(),
            citations: Vec::new(),
        }
    }

    /// A unique id on this page, made from `text`.
    pub fn unique_id(&mut self, text: &str) -> String {
        let base = match slug::slugify(text) {
            s if s.is_empty() => format!("{}section", self.id_prefix),
            s => format!("{}{s}", self.id_prefix),
        };
        let mut id = base.clone();
        let mut n = 1;
        while !self.claim(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Takes `id` for a heading if it is free: not taken on the page, and not the anchor
    /// the template gives a sous-action (`sous-action-2`), whatever the fiche's count.
    fn claim(&mut self, id: &str) -> bool {
        let local = id.strip_prefix(self.id_prefix.as_str()).unwrap_or(id);
        let sous_action = local
            .strip_prefix(SousAction::ANCHOR_PREFIX)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        !sous_action && self.ids.insert(id.to_string())
    }

    /// Renders one text; its headings go `heading_offset` levels down (at most `h6`).
    pub fn render(&mut self, markdown: &Markdown, heading_offset: u8) -> Rendered {
        Renderer {
            state: self,
            markdown,
            heading_offset,
            headings: Vec::new(),
            current_section: None,
            plain_depth: 0,
            comment_start: None,
            line_starts: std::cell::OnceCell::new(),
            last_position: std::cell::Cell::new((0, 0, 0)),
        }
        .run()
    }
}

struct Renderer<'s, 'a> {
    state: &'s mut PageState<'a>,
    markdown: &'s Markdown,
    heading_offset: u8,
    headings: Vec<Heading>,
    current_section: Option<String>,
    /// Where the HTML comment we are in began, when an earlier piece of raw HTML opened
    /// one.
    comment_start: Option<usize>,
    /// Inside links and images (and code), text stays as it is: no reference, no <abbr>.
    /// An image's text is its `alt`, an attribute, where markup would be read aloud.
    plain_depth: usize,
    /// Where each line of the text starts, once a position is asked for: thousands of
    /// warnings on one text must not each count its lines from the start.
    line_starts: std::cell::OnceCell<Vec<usize>>,
    /// The last position given (byte, line, column): the next one on the same line,
    /// further on, counts its characters from there, not from the start of the line.
    last_position: std::cell::Cell<(usize, usize, u32)>,
}

/// The language named after a fence (` ```yaml `), for highlighting; none when indented.
fn code_language(kind: CodeBlockKind) -> String {
    match kind {
        CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
        CodeBlockKind::Indented => String::new(),
    }
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_HEADING_ATTRIBUTES
}

impl Renderer<'_, '_> {
    fn run(mut self) -> Rendered {
        let text = self.markdown.text();
        let parser = Parser::new_ext(text, options()).into_offset_iter();
        let mut events: Vec<Event> = Vec::new();
        let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event>)> = None;
        let mut code: Option<(String, String)> = None;
        let mut heading_line = 0;

        for (event, range) in TextMergeWithOffset::new(parser) {
            if let Some((_, body)) = code.as_mut() {
                match event {
                    Event::Text(t) => body.push_str(&t),
                    Event::End(TagEnd::CodeBlock) => {
                        let (lang, body) = code.take().unwrap_or_default();
                        events.push(Event::Html(highlight(&lang, &body).into()));
                    }
                    _ => {}
                }
                continue;
            }
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    heading_line = self.location(range.start).line;
                    heading = Some((level, id.map(|s| s.to_string()), Vec::new()));
                    continue;
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some((level, id, inner)) = heading.take() {
                        events.extend(self.heading(level, id, inner, heading_line));
                    }
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    code = Some((code_language(kind), String::new()));
                    continue;
                }
                _ => {}
            }
            match heading.as_mut() {
                Some((_, _, inner)) => self.inline(event, range.start, true, inner),
                None => {
                    let before = events.len();
                    self.inline(event, range.start, false, &mut events);
                    // A note to the editors (`<!-- à compléter -->`) fills no section.
                    let shown = events[before..].iter().any(|e| {
                        !matches!(
                            e,
                            Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock)
                        )
                    });
                    if let Some(last) = self.headings.last_mut().filter(|_| shown) {
                        last.empty = false;
                    }
                }
            }
        }
        if let Some(start) = self.comment_start {
            let at = self.location(start).with_length(4);
            self.state.diagnostics.push(
                Diagnostic::warning(
                    "commentaire-non-ferme",
                    "« <!-- » ouvre un commentaire qui ne se ferme pas : la suite du texte n'est pas publiée",
                )
                .at(at)
                .hint("fermez le commentaire par « --> »"),
            );
        }
        let mut html = String::with_capacity(text.len() * 3 / 2);
        // Spacing comes last: the positions of the messages above are in the text as typed.
        let events = events.into_iter().map(|event| match event {
            Event::Text(text) => {
                let spaced = match french_spaces(&text) {
                    Cow::Owned(spaced) => Some(spaced),
                    Cow::Borrowed(_) => None,
                };
                Event::Text(spaced.map_or(text, Into::into))
            }
            other => other,
        });
        pulldown_cmark::html::push_html(&mut html, events);
        Rendered {
            html,
            headings: self.headings,
        }
    }

    /// An event of running text (in a paragraph, list, table or heading): links and
    /// images made safe, footnotes given the page's prefix, raw HTML shown as text, and
    /// references and sigles found in plain text outside links.
    fn inline<'e>(
        &mut self,
        event: Event<'e>,
        at: usize,
        in_heading: bool,
        out: &mut Vec<Event<'e>>,
    ) {
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.plain_depth += 1;
                let dest_url = self.safe_url(dest_url, at);
                out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                self.plain_depth += 1;
                let dest_url = self.image_url(dest_url, at);
                out.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url,
                    title,
                    id,
                }));
            }
            Event::End(end @ (TagEnd::Link | TagEnd::Image)) => {
                self.plain_depth = self.plain_depth.saturating_sub(1);
                out.push(Event::End(end));
            }
            Event::FootnoteReference(name) => {
                out.push(Event::FootnoteReference(self.prefixed(name)));
            }
            Event::Start(Tag::FootnoteDefinition(name)) => {
                out.push(Event::Start(Tag::FootnoteDefinition(self.prefixed(name))));
            }
            // The raw-HTML policy: shown, escaped, as text; comments left out.
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(&html, at, out),
            Event::Text(t) if self.plain_depth == 0 => self.text(&t, at, in_heading, out),
            other => out.push(other),
        }
    }

    /// Raw HTML, shown as text, but for comments (`<!-- à vérifier -->`): editors write
    /// notes there that Markdown tools never publish. A comment may span several pieces
    /// (the lines of an HTML block).
    fn raw_html<'e>(&mut self, html: &str, at: usize, out: &mut Vec<Event<'e>>) {
        let mut rest = html;
        while !rest.is_empty() {
            if self.comment_start.is_some() {
                let Some(end) = rest.find("-->") else {
                    return;
                };
                rest = &rest[end + 3..];
                self.comment_start = None;
            } else {
                let (shown, after) = match rest.find("<!--") {
                    Some(start) => {
                        self.comment_start = Some(at + (html.len() - rest.len()) + start);
                        (&rest[..start], &rest[start + 4..])
                    }
                    None => (rest, ""),
                };
                if !shown.trim().is_empty() {
                    out.push(Event::Text(shown.to_string().into()));
                }
                rest = after;
            }
        }
    }

    fn heading<'e>(
        &mut self,
        level: HeadingLevel,
        id: Option<String>,
        inner: Vec<Event<'e>>,
        line: u32,
    ) -> Vec<Event<'e>> {
        let text: String = inner
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        let id = match id.map(|id| format!("{}{id}", self.state.id_prefix)) {
            Some(id) if self.state.claim(&id) => id,
            _ => self.state.unique_id(&text),
        };
        let level_number = (level as u8 + self.heading_offset).min(6);
        // A subsection is content of the sections above it.
        for earlier in self.headings.iter_mut().rev() {
            if earlier.level < level_number {
                earlier.empty = false;
            } else {
                break;
            }
        }
        self.headings.push(Heading {
            level: level_number,
            id: id.clone(),
            text: text.trim().to_string(),
            line,
            empty: true,
        });
        self.current_section = Some(id.clone());
        let mut out = vec![Event::Html(
            format!("<h{level_number} id=\"{}\">", escape_attr(&id)).into(),
        )];
        out.extend(inner);
        out.push(Event::Html(format!("</h{level_number}>\n").into()));
        out
    }

    /// Text with references turned into links and the first use of each sigle expanded.
    fn text<'e>(&mut self, text: &str, offset: usize, in_heading: bool, out: &mut Vec<Event<'e>>) {
        // References and links both need a bracket, which few texts have: one scan of the
        // bytes spares the others three searches.
        if memchr::memchr2(b'[', b']', text.as_bytes()).is_none() {
            self.plain(text, offset, in_heading, out);
            return;
        }
        let mut last = 0;
        for found in reference_pattern().captures_iter(text) {
            let whole = found.get(0).expect("group 0 always matches");
            self.plain(&text[last..whole.start()], offset + last, in_heading, out);
            let inner = found.get(1).map_or("", |m| m.as_str());
            let label = found.get(2).map(|m| m.as_str().trim());
            let at = self
                .location(offset + whole.start())
                .with_length(whole.as_str().chars().count());
            if let Some(code) = inner.trim().strip_prefix("langue ") {
                self.other_language(code.trim(), label, at, whole.as_str(), out);
                last = whole.end();
                continue;
            }
            match links::parse_reference(self.state.site, inner) {
                Ok(target) => {
                    let html = match label {
                        Some(label) => links::anchor_with_text(
                            self.state.site,
                            &target,
                            self.state.root,
                            self.state.links,
                            label,
                        ),
                        None => links::anchor(
                            self.state.site,
                            &target,
                            self.state.root,
                            self.state.links,
                        ),
                    };
                    self.cite(target);
                    out.push(Event::InlineHtml(html.into()));
                }
                Err(problem) => {
                    let mut diagnostic =
                        Diagnostic::error("reference-inconnue", problem.message).at(at);
                    diagnostic.hint = problem.hint;
                    self.state.diagnostics.push(diagnostic);
                    out.push(Event::Text(whole.as_str().to_string().into()));
                }
            }
            last = whole.end();
        }
        self.plain(&text[last..], offset + last, in_heading, out);
        self.unclosed_references(text, offset);
        self.links_with_spaces(text, offset);
    }

    /// `[[langue en|empowerment]]`: a passage in another language, marked for screen
    /// readers, which read it with that language's voice (RGAA 8.7). Raw HTML being shown
    /// as text, this is the way to write `<span lang="en">`.
    fn other_language<'e>(
        &mut self,
        code: &str,
        label: Option<&str>,
        at: Location,
        written: &str,
        out: &mut Vec<Event<'e>>,
    ) {
        match label.filter(|label| !label.is_empty()) {
            Some(label) if is_language_tag(code) => {
                let html = format!("<span lang=\"{code}\">{}</span>", escape_text(label));
                out.push(Event::InlineHtml(html.into()));
            }
            label => {
                let message = match label {
                    Some(_) => {
                        format!("« {code} » n'est pas un code de langue, dans « {written} »")
                    }
                    None => format!("il manque le texte après « | », dans « {written} »"),
                };
                self.state.diagnostics.push(
                    Diagnostic::error("langue-invalide", message)
                    .at(at)
                    .hint("écrivez « [[langue en|empowerment]] » : le code de la langue (en, es, de, it, la, ar…), puis le texte après « | »"),
                );
                out.push(Event::Text(written.to_string().into()));
            }
        }
    }

    /// `[le bilan](static/Bilan 2020.pdf)`: Markdown ends a link's address at its first
    /// space, so this is no link, and the page would show the brackets and the path as
    /// text. An address with a space and a `/` or a `.` is taken for a link meant.
    fn links_with_spaces(&mut self, text: &str, offset: usize) {
        for (at, _) in text.match_indices("](") {
            let rest = &text[at + 2..];
            let Some(address) = rest.split_once(')').map(|(address, _)| address) else {
                continue;
            };
            let meant = address.trim().contains(' ') && looks_like_an_address(address.trim());
            if !meant || address.contains(['\n', '[', ']']) {
                continue;
            }
            let location = self
                .location(offset + at + 2)
                .with_length(address.chars().count());
            self.state.diagnostics.push(
                Diagnostic::warning(
                    "lien-non-reconnu",
                    format!("« {address} » n'est pas lu comme l'adresse d'un lien : elle contient des espaces"),
                )
                .at(location)
                .hint(format!("écrivez l'adresse entre chevrons : (<{address}>), ou remplacez chaque espace par %20")),
            );
        }
    }

    /// A `[[` that no reference of `text` began: emphasis or a link inside the reference
    /// cut it (`[[fiche 1|*cette* fiche]]`), or a bracket is missing. The page would show
    /// the brackets as they are, and a wrong target would go unnoticed.
    fn unclosed_references(&mut self, text: &str, offset: usize) {
        if !text.contains("[[") {
            return;
        }
        let pattern = reference_pattern();
        let unclosed = text
            .match_indices("[[")
            .map(|(at, _)| at)
            .find(|&at| pattern.find_at(text, at).is_none_or(|m| m.start() != at));
        let Some(at) = unclosed else {
            return;
        };
        let location = self.location(offset + at).with_length(2);
        self.state.diagnostics.push(
            Diagnostic::error("reference-incomplete", "« [[ » ouvre une référence qui ne se referme pas")
                .at(location)
                .hint(format!(
                    "écrivez la référence d'un seul tenant, sans mise en forme ni lien à l'intérieur : [[{fiche} 1|cette {fiche}]] ; des crochets doubles à montrer tels quels se mettent entre accents graves : `[[…]]`",
                    fiche = self.state.site.hierarchy.fiche.id
                )),
        );
    }

    /// Text without references: plain mentions of fiches become links, sigles get
    /// `<abbr>` on their first use on the page.
    fn plain<'e>(&mut self, text: &str, offset: usize, in_heading: bool, out: &mut Vec<Event<'e>>) {
        if text.is_empty() {
            return;
        }
        if in_heading {
            out.push(Event::Text(text.to_string().into()));
            return;
        }
        let mut last = 0;
        let mentions = (self.state.site.hierarchy.fiche.mentions.as_ref())
            // A mention has a number: most texts are spared the search.
            .filter(|_| text.bytes().any(|b| b.is_ascii_digit()));
        if let Some(pattern) = mentions {
            for found in pattern.captures_iter(text) {
                let whole = found.get(0).expect("group 0 always matches");
                let numero = found.get(1).map_or("", |m| m.as_str());
                let reference = match found.get(2) {
                    Some(sous_action) => format!(
                        "{} {numero}#{}",
                        self.state.site.hierarchy.fiche.id,
                        sous_action.as_str()
                    ),
                    None => format!("{} {numero}", self.state.site.hierarchy.fiche.id),
                };
                match links::parse_reference(self.state.site, &reference) {
                    Ok(target) => {
                        self.sigles(&text[last..whole.start()], offset + last, out);
                        let html = links::anchor_with_text(
                            self.state.site,
                            &target,
                            self.state.root,
                            self.state.links,
                            whole.as_str(),
                        );
                        self.cite(target);
                        out.push(Event::InlineHtml(html.into()));
                        last = whole.end();
                    }
                    Err(problem) => {
                        let at = self
                            .location(offset + whole.start())
                            .with_length(whole.as_str().chars().count());
                        let mut diagnostic = Diagnostic::warning(
                            "mention-sans-cible",
                            format!(
                                "« {} » ressemble à une référence mais ne mène nulle part : {}",
                                whole.as_str(),
                                problem.message
                            ),
                        )
                        .at(at);
                        diagnostic.hint = problem.hint;
                        self.state.diagnostics.push(diagnostic);
                    }
                }
            }
        }
        self.sigles(&text[last..], offset + last, out);
    }

    fn sigles<'e>(&mut self, text: &str, offset: usize, out: &mut Vec<Event<'e>>) {
        let mut last = 0;
        for word in capital_words(text) {
            let sigle = &text[word.clone()];
            let Some(&position) = self.state.site.index.sigles.get(sigle) else {
                if !is_common_capitals(sigle) && !self.state.unknown_sigles.contains(sigle) {
                    self.state.unknown_sigles.insert(sigle.to_string());
                    let at = self
                        .location(offset + word.start)
                        .with_length(sigle.chars().count());
                    self.state.diagnostics.push(
                        Diagnostic::warning(
                            "sigle-inconnu",
                            format!("sigle « {sigle} » absent du glossaire"),
                        )
                        .at(at)
                        .hint(format!(
                            "ajoutez « {sigle}: <développement> » dans schema-data/sigles.yaml"
                        )),
                    );
                }
                continue;
            };
            if !self.state.abbreviated.insert(position) {
                continue;
            }
            out.push(Event::Text(text[last..word.start].to_string().into()));
            let definition = &self.state.site.sigles[position].definition;
            out.push(Event::InlineHtml(
                format!(
                    "<abbr title=\"{}\">{}</abbr>",
                    escape_attr(definition),
                    escape_text(sigle)
                )
                .into(),
            ));
            last = word.end;
        }
        if last < text.len() {
            out.push(Event::Text(text[last..].to_string().into()));
        }
    }

    /// A footnote's name with the page's id prefix: its definition's id stays unique.
    fn prefixed<'e>(&self, name: CowStr<'e>) -> CowStr<'e> {
        match self.state.id_prefix.as_str() {
            "" => name,
            prefix => format!("{prefix}{name}").into(),
        }
    }

    fn cite(&mut self, target: Target) {
        self.state.citations.push(Citation {
            target,
            section: self.current_section.clone(),
        });
    }

    /// Links to other sites and within the page are kept; a scheme that runs code is
    /// refused; a file of `static/` is linked from wherever the page is; any other
    /// relative link, which would break with the page's depth, is pointed out.
    fn safe_url<'e>(&mut self, url: CowStr<'e>, offset: usize) -> CowStr<'e> {
        if let Some(refused) = crate::resolve::refused_link(&url) {
            let at = self.location(offset);
            self.state.diagnostics.push(refused.at(at));
            return CowStr::Borrowed("#");
        }
        let trimmed = url.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.contains(':') {
            return url;
        }
        let path = trimmed.trim_start_matches('/');
        let file = path.split(['#', '?']).next().unwrap_or(path);
        let in_assets =
            (file.strip_prefix(crate::load::ASSETS_DIR)).is_some_and(|rest| rest.starts_with('/'));
        if !in_assets {
            let at = self.location(offset);
            self.state.diagnostics.push(
                Diagnostic::warning("lien-relatif", format!("le lien « {trimmed} » ne mène à aucune page ni à aucun fichier connu du site"))
                    .at(at)
                    .hint("une fiche, une page ou un acteur se cite par une référence ([[fiche 12]], [[page methode]]) ; un fichier se place dans static/ et se cite « static/guide.pdf »"),
            );
            return url;
        }
        // `static/ma%20carte.png` names the file `ma carte.png`.
        let file = percent_encoding::percent_decode_str(file).decode_utf8_lossy();
        let file = file.as_ref();
        let known = self.state.site.assets.iter().any(|a| a.path == file);
        if !known {
            let paths = self.state.site.assets.iter().map(|a| a.path.as_str());
            let hint = did_you_mean(suggest(file, paths)).unwrap_or_else(|| {
                "placez le fichier dans le dossier static/ du site, ou corrigez son nom".into()
            });
            let at = self.location(offset);
            self.state.diagnostics.push(
                Diagnostic::error(
                    "fichier-introuvable",
                    format!("le fichier « {file} » n'existe pas"),
                )
                .at(at)
                .hint(hint),
            );
            return url;
        }
        format!("{}{path}", self.state.root).into()
    }

    /// An image of the site (`static/…`); one from the web is refused: each reader's
    /// browser would fetch it from another server, which then knows who reads the page
    /// and can change the picture.
    fn image_url<'e>(&mut self, url: CowStr<'e>, offset: usize) -> CowStr<'e> {
        let lower = url.trim().to_ascii_lowercase();
        let remote = ["http:", "https:", "//"]
            .iter()
            .any(|start| lower.starts_with(start));
        if !remote {
            return self.safe_url(url, offset);
        }
        let at = self.location(offset);
        self.state.diagnostics.push(
            Diagnostic::error("image-distante", format!("l'image « {} » serait chargée depuis un autre site", url.trim()))
                .at(at)
                .hint("enregistrez l'image dans static/ et écrivez ![description](static/mon-image.png) : le site ne charge rien depuis l'extérieur"),
        );
        CowStr::Borrowed("")
    }

    /// Where a byte of the Markdown text is in its file. Offsets inside a text event are
    /// counted in the event's text, which escapes can make shorter than the source: the
    /// position is then approximate, but always on a character of the right line.
    fn location(&self, offset: usize) -> Location {
        let text = self.markdown.text();
        let mut end = offset.min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let line_starts = (self.line_starts).get_or_init(|| crate::diagnostics::line_starts(text));
        let line = line_starts.partition_point(|&start| start <= end) - 1;
        let (last_byte, last_line, last_column) = self.last_position.get();
        let further_on_the_line =
            last_line == line && (line_starts[line]..=end).contains(&last_byte);
        let (from, counted) = match further_on_the_line {
            true => (last_byte, last_column),
            false => (line_starts[line], 0),
        };
        let column = counted + text[from..end].chars().count() as u32;
        self.last_position.set((end, line, column));
        Location::new(
            &self.markdown.file,
            self.markdown.first_line + line as u32,
            column + 1 + self.markdown.indent,
        )
    }
}

/// A file of the site or a web address, as a link would name it: `static/…`, `https://…`,
/// `/…`, `../…`, or a name ending in an extension (`Bilan 2020.pdf`), not `p. 3 du rapport`.
fn looks_like_an_address(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let starts = ["static/", "http:", "https:", "/", "../", "./"];
    let extension = lower.rsplit_once('.').is_some_and(|(_, ext)| {
        (2..=4).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    starts.iter().any(|start| lower.starts_with(start)) || extension
}

/// `[[fiche 12]]`, `[[fiche 17#1]]`, `[[acteur odpe|l'Observatoire]]`.
fn reference_pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN
        .get_or_init(|| Regex::new(r"\[\[([^\[\]|]*)(?:\|([^\[\]]*))?\]\]").expect("valid pattern"))
}

/// The bytes a capital may start with: ASCII capitals, and the first bytes of characters
/// from `À` up (0xC3 and above: `É`, `Œ`). Continuation bytes are below 0xC3, so a byte
/// found is always the start of a character. One look in a table costs fewer instructions
/// than the two tests (0.5 % of a build's, at 1 000 fiches): every text of the site is
/// scanned.
const MAY_BE_CAPITAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_uppercase() || byte >= 0xC3;
        byte += 1;
    }
    table
};

/// Byte ranges of the words written in capitals (and digits), at least two characters
/// long and starting with a letter: the shape of a sigle. A word joined to another by
/// `_` (`ÉTAT_CIVIL`) is a name, not a sigle. Words are those of the search
/// (`search::analyze::word_ranges`), but only the words that start with a byte a
/// capital may start with are read: every text of the site comes through here, and most
/// of its words are in lower case.
fn capital_words(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        loop {
            let at = from
                + bytes[from..]
                    .iter()
                    .position(|&b| MAY_BE_CAPITAL[usize::from(b)])?;
            // Latin-1 small letters (`é`, `à`, `ç`), `C3 9F` to `C3 BF`, are most of the
            // bytes from 0xC3 up in French: passed without decoding them.
            if bytes[at] == 0xC3 && bytes.get(at + 1).is_some_and(|&b| b >= 0x9F) {
                from = at + 2;
                continue;
            }
            let c = text[at..].chars().next()?;
            if !c.is_uppercase() {
                from = at + c.len_utf8();
                continue;
            }
            // Most capitals start a sentence or a name (`Le`, `Selon`): a small letter
            // after them settles it without reading the word. A capital further in the
            // word follows a letter, so it starts no sigle either.
            if bytes
                .get(at + c.len_utf8())
                .is_some_and(u8::is_ascii_lowercase)
            {
                from = at + c.len_utf8() + 1;
                continue;
            }
            let word = at..word_end(text, at);
            from = word.end.max(at + c.len_utf8());
            let starts_word = !text[..at]
                .chars()
                .next_back()
                .is_some_and(is_letter_or_digit);
            let mut rest = text[word.clone()].chars().skip(1).peekable();
            if starts_word
                && rest.peek().is_some()
                && rest.all(|c| c.is_uppercase() || c.is_numeric())
                && (at == 0 || bytes[at - 1] != b'_')
                && bytes.get(word.end) != Some(&b'_')
            {
                return Some(word);
            }
        }
    })
}

/// A language tag as `lang` takes it (BCP 47, simplified): `en`, `pt-BR`, `gcf`.
fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    parts.next().is_some_and(|lang| {
        (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase())
    }) && parts.all(|part| {
        (2..=8).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

fn is_common_capitals(word: &str) -> bool {
    const COMMON: &[&str] = &["CF", "NB", "PS", "OK", "ETC"];
    COMMON.contains(&word)
        || word
            .chars()
            .all(|c| matches!(c, 'I' | 'V' | 'X' | 'L' | 'C' | 'D' | 'M'))
}

/// Code blocks: highlighted with CSS classes when the language is known. The syntax
/// definitions load on the first code block only, so sites without code pay nothing.
fn highlight(lang: &str, code: &str) -> String {
    use syntect::html::{ClassStyle, ClassedHTMLGenerator};
    use syntect::parsing::SyntaxSet;
    use syntect::util::LinesWithEndings;

    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    let plain = || format!("<pre><code>{}</code></pre>\n", escape_verbatim(code));
    if lang.is_empty() {
        return plain();
    }
    let syntaxes = SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines);
    let Some(syntax) = syntaxes.find_syntax_by_token(lang) else {
        return plain();
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        syntaxes,
        ClassStyle::SpacedPrefixed { prefix: "hl-" },
    );
    for line in LinesWithEndings::from(code) {
        if generator
            .parse_html_for_line_which_includes_newline(line)
            .is_err()
        {
            return plain();
        }
    }
    format!(
        "<pre class=\"code\" data-langue=\"{}\"><code>{}</code></pre>\n",
        escape_attr(lang),
        generator.finalize()
    )
}

/// Prose for an HTML body: escaped, with French spacing (see [`french_spaces`]).
pub fn escape_text(text: &str) -> String {
    escape_verbatim(&french_spaces(text))
}

/// Text shown exactly as written, such as code: escaped only.
fn escape_verbatim(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html_body_text(&mut out, text)
        .expect("writing to a String cannot fail");
    out
}

/// An attribute's value, quotes escaped too, with French spacing for the prose ones
/// (`title`, `aria-label`); identifiers and addresses have no spaces to change.
pub fn escape_attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    pulldown_cmark_escape::escape_html(&mut out, &french_spaces(text))
        .expect("writing to a String cannot fail");
    out
}

/// Suggestion helper shared with the reference parser.
pub fn nearest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(suggest(wrong, candidates))
}

#[cfg(test)]
mod tests {
    use super::{capital_words, looks_like_an_address};

    #[test]
    fn only_what_names_a_file_or_a_page_is_taken_for_an_address() {
        for address in [
            "static/Bilan 2020.pdf",
            "https://exemple.fr/a b",
            "Bilan FLORA.pdf",
            "../a b",
        ] {
            assert!(looks_like_an_address(address), "{address}");
        }
        for text in ["p. 3 du rapport", "voir plus bas", "art. L. 223-1"] {
            assert!(!looks_like_an_address(text), "{text}");
        }
    }

    #[test]
    fn capital_words_are_sigle_shaped() {
        let text = "L'ASE et la PMI, CD93, A, Éducation, ÉTAT_CIVIL, _ODPE, CRIP_, PJJ.";
        let words: Vec<&str> = capital_words(text).map(|r| &text[r]).collect();
        assert_eq!(words, vec!["ASE", "PMI", "CD93", "PJJ"]);
        // Capitals inside a word that starts in lower case are no sigle.
        assert_eq!(capital_words("éⅫẞ lASE").count(), 0);
    }

    /// The words of the search, kept when they have the shape of a sigle: what
    /// `capital_words` finds, reading fewer of them.
    fn capital_words_reference(text: &str) -> Vec<std::ops::Range<usize>> {
        let bytes = text.as_bytes();
        crate::search::analyze::word_ranges(text)
            .filter(|word| {
                let mut chars = text[word.clone()].chars();
                chars.next().is_some_and(char::is_uppercase)
                    && !chars.as_str().is_empty()
                    && chars.all(|c| c.is_uppercase() || c.is_numeric())
                    && (word.start == 0 || bytes[word.start - 1] != b'_')
                    && bytes.get(word.end) != Some(&b'_')
            })
            .collect()
    }

    proptest::proptest! {
        #[test]
        fn capital_words_are_the_sigle_shaped_words(
            text in "[aAbBéÉœŒßẞ19_ ’«»\u{a0}.İǅⅫ×]{0,40}"
        ) {
            let found: Vec<_> = capital_words(&text).collect();
            proptest::prop_assert_eq!(found, capital_words_reference(&text));
        }
    }
}

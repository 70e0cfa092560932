//! The preview's web server: files from memory, the reload script and its event stream.
//! Nothing is read from disk, so no path can reach a file outside the site.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::{State, stream_closed, stream_opened};

const SCRIPT: &str = include_str!("recharge.js");
const SCRIPT_TAG: &str = "<script src=\"/__jalon/recharge.js\"></script>";
/// Event streams held open at once; other tabs poll (browsers allow six connections per host).
const MAX_STREAMS: usize = 4;
const HEARTBEAT: Duration = Duration::from_secs(15);

pub fn serve(server: tiny_http::Server, state: Arc<State>) {
    for request in server.incoming_requests() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || handle(request, &state));
    }
}

fn handle(request: Request, state: &State) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let response = Response::from_string("Méthode non permise").with_status_code(405);
        let _ = request.respond(response.with_header(header("Allow", "GET, HEAD")));
        return;
    }
    let Some(path) = site_path(request.url()) else {
        let _ = request.respond(Response::from_string("Requête invalide").with_status_code(400));
        return;
    };
    match path.as_str() {
        "__jalon/recharge.js" => respond(
            request,
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes(),
        ),
        "__jalon/etat" => {
            let body = serde_json::to_vec(&state.status()).unwrap_or_default();
            respond(request, 200, "application/json", &body);
        }
        "__jalon/evenements" => events(request, state),
        _ => file(request, state, &path),
    }
}

fn file(request: Request, state: &State, path: &str) {
    let files = state.files();
    let (status, path, bytes) = match files.get(path) {
        Some(bytes) => (200, path, bytes),
        None => match files.get("404.html") {
            Some(bytes) => (404, "404.html", bytes),
            None => {
                respond(
                    request,
                    404,
                    "text/plain; charset=utf-8",
                    "Page introuvable".as_bytes(),
                );
                return;
            }
        },
    };
    let mime = mime_type(path);
    if mime.starts_with("text/html") {
        respond(request, status, mime, &inject_script(bytes));
    } else {
        respond(request, status, mime, bytes);
    }
}

fn respond(request: Request, status: u16, mime: &str, body: &[u8]) {
    let response = Response::from_data(body.to_vec())
        .with_status_code(StatusCode(status))
        .with_header(header("Content-Type", mime))
        .with_header(header("Cache-Control", "no-cache"));
    let _ = request.respond(response);
}

/// Server-Sent Events: the current state at once, then each change, written through the
/// raw connection and flushed after each event (a normal body would be buffered).
fn events(request: Request, state: &State) {
    if !stream_opened(state, MAX_STREAMS) {
        // 204 tells EventSource not to reconnect: the script falls back to polling.
        let _ = request.respond(Response::empty(204));
        return;
    }
    let mut writer = request.into_writer();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n";
    let mut seen = None;
    let result = (|| -> std::io::Result<()> {
        writer.write_all(head.as_bytes())?;
        loop {
            let status = state.status();
            if seen != Some(status.version) {
                let data = serde_json::to_string(&status).unwrap_or_default();
                write!(writer, "event: etat\ndata: {data}\n\n")?;
                seen = Some(status.version);
            } else {
                writer.write_all(b": battement\n\n")?;
            }
            writer.flush()?;
            wait_for_change(state, status.version);
        }
    })();
    drop(result);
    stream_closed(state);
}

fn wait_for_change(state: &State, version: u64) {
    let Ok(status) = state.status.lock() else {
        return;
    };
    let _ = state
        .changed
        .wait_timeout_while(status, HEARTBEAT, |s| s.version == version);
}

/// The path of a file of the site, from the request's URL: decoded, without query, and
/// refused (None) when malformed. A path that tries to leave the site maps to a name
/// that exists nowhere, and so gets the 404 page.
fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.contains('\0') {
        return None;
    }
    let mut segments = Vec::new();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => return Some("__interdit__".to_string()),
            other => segments.push(other),
        }
    }
    let mut path = segments.join("/");
    if path.is_empty() || decoded.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Some(path)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn inject_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{SCRIPT_TAG}\n{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{SCRIPT_TAG}").into_bytes(),
    }
}

pub fn mime_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/fiche/12.html?x=1#a").as_deref(),
            Some("fiche/12.html")
        );
        assert_eq!(site_path("/fiche/").as_deref(), Some("fiche/index.html"));
        assert_eq!(site_path("/a%20b.html").as_deref(), Some("a b.html"));
        assert_eq!(site_path("/../etc/passwd").as_deref(), Some("__interdit__"));
        assert_eq!(
            site_path("/%2e%2e/%2e%2e/etc/passwd").as_deref(),
            Some("__interdit__")
        );
        assert_eq!(
            site_path("/..%5c..%5cwindows").as_deref(),
            Some("__interdit__")
        );
        assert_eq!(site_path("/%zz"), None);
        assert_eq!(site_path("/%00"), None);
    }

    #[test]
    fn script_goes_before_the_end_of_body() {
        let html = inject_script(b"<html><body><p>x</p></body></html>");
        assert_eq!(
            String::from_utf8(html).unwrap(),
            format!("<html><body><p>x</p>{SCRIPT_TAG}\n</body></html>")
        );
    }
}

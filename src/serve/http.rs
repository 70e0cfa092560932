//! The preview's web server: files from memory, the reload script and its event stream.
//! Nothing is read from disk, so no path can reach a file outside the site.
//!
//! One thread per connection, each reading its requests one after the other and giving
//! up on a connection idle for a few seconds. (tiny_http, used before, queued new
//! connections behind one that stayed open without a request, such as those a browser
//! opens in advance: a page loading many small files at once saw some never answered.)

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{State, stream_closed, stream_opened};

const SCRIPT: &str = include_str!("recharge.js");
const SCRIPT_TAG: &str = "<script src=\"/__jalon/recharge.js\"></script>";
/// Served while no build has succeeded yet; the reload script goes in like in any page.
const NO_SITE_YET: &str = "<!DOCTYPE html>
<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Aperçu jalon</title></head>
<body><main id=\"jalon-sans-site\"><h1>Le site n'est pas encore construit</h1>
<p>La construction a échoué : les erreurs s'affichent sur cette page, et le site apparaît dès qu'elles sont corrigées.</p></main>
</body></html>
";
/// Event streams held open at once; other tabs poll (browsers allow six connections per host).
const MAX_STREAMS: usize = 4;
const HEARTBEAT: Duration = Duration::from_secs(15);
/// A kept-alive connection without a new request for this long is closed.
const IDLE: Duration = Duration::from_secs(5);
/// The longest request head accepted (request line and headers).
const MAX_HEAD: usize = 16 * 1024;

pub fn serve(listener: TcpListener, state: Arc<State>) {
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || connection(stream, &state));
    }
}

/// What a request asks, once its head is read.
struct Request {
    method: String,
    target: String,
    /// The client asked to close the connection after the response.
    close: bool,
    /// The `Host` header, when there is one.
    host: Option<String>,
}

/// Answers the requests of one connection until it closes, idles or asks to close.
fn connection(stream: TcpStream, state: &State) {
    let _ = stream.set_read_timeout(Some(IDLE));
    // Through the loopback, only this computer's names are answered (see
    // `is_local_host`). From the network (`--bind`), the name is the one the editor chose
    // to open the preview to.
    let loopback = stream.local_addr().is_ok_and(|a| a.ip().is_loopback());
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let request = match read_request(&mut reader) {
            Some(Ok(request)) => request,
            Some(Err(())) => {
                let _ = respond(
                    &mut writer,
                    400,
                    "text/plain; charset=utf-8",
                    "Requête invalide".as_bytes(),
                    &[],
                    true,
                );
                return;
            }
            None => return,
        };
        if loopback && !request.host.as_deref().is_none_or(is_local_host) {
            let _ = respond(
                &mut writer,
                403,
                "text/plain; charset=utf-8",
                "Adresse refusée : l'aperçu ne répond qu'à http://127.0.0.1 et http://localhost"
                    .as_bytes(),
                &[],
                request.method == "HEAD",
            );
            return;
        }
        let keep_alive = handle(&request, &mut writer, state) && !request.close;
        if !keep_alive {
            return;
        }
    }
}

/// The next request's head: `None` when the connection closed or idled, `Err` when it is
/// not HTTP.
fn read_request(reader: &mut impl BufRead) -> Option<Result<Request, ()>> {
    let mut head = Vec::new();
    loop {
        let mut line = Vec::new();
        let room = (MAX_HEAD + 1 - head.len().min(MAX_HEAD)) as u64;
        match std::io::Read::take(&mut *reader, room).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return if head.is_empty() { None } else { Some(Err(())) },
            Ok(_) => {}
        }
        if head.len() + line.len() > MAX_HEAD {
            return Some(Err(()));
        }
        let blank = line == b"\r\n" || line == b"\n";
        if blank && head.is_empty() {
            continue;
        }
        head.extend_from_slice(&line);
        if blank {
            break;
        }
    }
    // Not UTF-8 is not HTTP: answered 400, like any other malformed head.
    let Ok(head) = String::from_utf8(head) else {
        return Some(Err(()));
    };
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Some(Err(()));
    };
    if !version.starts_with("HTTP/1.") {
        return Some(Err(()));
    }
    let header = |wanted: &str| {
        head.lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(name, _)| name.trim().eq_ignore_ascii_case(wanted))
            .map(|(_, value)| value.trim().to_ascii_lowercase())
    };
    let connection = header("connection");
    let close = match connection.as_deref() {
        Some("close") => true,
        Some("keep-alive") => false,
        _ => version == "HTTP/1.0",
    };
    Some(Ok(Request {
        method: method.to_string(),
        target: target.to_string(),
        close,
        host: header("host"),
    }))
}

/// Answers one request; false when the connection must close after it.
fn handle(request: &Request, writer: &mut TcpStream, state: &State) -> bool {
    let head_only = request.method == "HEAD";
    if request.method != "GET" && !head_only {
        let _ = respond(
            writer,
            405,
            "text/plain; charset=utf-8",
            "Méthode non permise".as_bytes(),
            &[("Allow", "GET, HEAD")],
            head_only,
        );
        // The request may carry a body this server does not read.
        return false;
    }
    let Some(path) = site_path(&request.target) else {
        let _ = respond(
            writer,
            400,
            "text/plain; charset=utf-8",
            "Requête invalide".as_bytes(),
            &[],
            head_only,
        );
        return false;
    };
    let written = match path.as_str() {
        "__jalon/recharge.js" => respond(
            writer,
            200,
            "text/javascript; charset=utf-8",
            SCRIPT.as_bytes(),
            &[],
            head_only,
        ),
        "__jalon/etat" => {
            if let Some(page) = shown_page(&request.target) {
                state.polled_by(page);
            }
            let body = serde_json::to_vec(&state.status()).unwrap_or_default();
            respond(writer, 200, "application/json", &body, &[], head_only)
        }
        // A HEAD asks for no stream, and must not hold one of the few.
        "__jalon/evenements" if head_only => {
            respond(writer, 200, "text/event-stream", b"", &[], true)
        }
        "__jalon/evenements" => {
            events(writer, state, shown_page(&request.target));
            return false;
        }
        _ => file(writer, state, &path, head_only),
    };
    written.is_ok()
}

/// Whether a `Host` header names this computer. A page of another site can make its
/// own name point to 127.0.0.1 (DNS rebinding) and read the preview as if it were its
/// own: the name it sends is then its own, and is refused.
fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    matches!(name, "127.0.0.1" | "localhost" | "::1")
}

fn file(writer: &mut TcpStream, state: &State, path: &str, head_only: bool) -> std::io::Result<()> {
    let files = state.files();
    // The 404 page links from the site's path on its server (`url_de_base`).
    let found = files.get_key_value(path).or_else(|| {
        let under = state.under_base(path)?;
        files.get_key_value(under)
    });
    let (status, path, bytes) = match found {
        Some((path, bytes)) => (200, path.as_str(), bytes),
        None => match files.get("404.html") {
            Some(bytes) => (404, "404.html", bytes),
            // No site yet: the first build failed. The page carries the reload script,
            // which shows the errors over it and reloads once they are fixed.
            None => {
                return respond(
                    writer,
                    404,
                    "text/html; charset=utf-8",
                    &inject_script(NO_SITE_YET.as_bytes()),
                    &[],
                    head_only,
                );
            }
        },
    };
    let mime = mime_type(path);
    if mime.starts_with("text/html") {
        respond(writer, status, mime, &inject_script(bytes), &[], head_only)
    } else {
        respond(writer, status, mime, bytes, &[], head_only)
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        _ => "",
    }
}

/// Writes a whole response; a HEAD request gets the head alone.
fn respond(
    writer: &mut TcpStream,
    status: u16,
    mime: &str,
    body: &[u8],
    headers: &[(&str, &str)],
    head_only: bool,
) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\n",
        reason(status),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut response = head.into_bytes();
    if !head_only {
        response.extend_from_slice(body);
    }
    writer.write_all(&response)?;
    writer.flush()
}

/// The page a tab shows, from the `page` parameter of its event stream's or state's
/// address.
fn shown_page(target: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))?;
    site_path(value).filter(|path| path != "__interdit__")
}

/// Server-Sent Events: the current state at once, then each change, flushed after each
/// event. While the stream is open, the page it was opened from counts as shown, and a
/// rebuild renders it first.
fn events(writer: &mut TcpStream, state: &State, page: Option<String>) {
    if !stream_opened(state, MAX_STREAMS, page.clone()) {
        // 204 tells EventSource not to reconnect: the script falls back to polling.
        let _ = writer.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
        return;
    }
    let _ = writer.set_write_timeout(Some(HEARTBEAT * 2));
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: keep-alive\r\n\r\n";
    let mut seen = None;
    let mut last_write = Instant::now();
    let result = (|| -> std::io::Result<()> {
        writer.write_all(head.as_bytes())?;
        loop {
            let status = state.status();
            if seen != Some(status.version) {
                let data = serde_json::to_string(&status).unwrap_or_default();
                write!(writer, "event: etat\ndata: {data}\n\n")?;
                seen = Some(status.version);
                last_write = Instant::now();
            } else if last_write.elapsed() >= HEARTBEAT {
                writer.write_all(b": battement\n\n")?;
                last_write = Instant::now();
            }
            writer.flush()?;
            wait_for_change(state, status.version);
            // A tab that went to another page gives its place at once: a write would
            // only notice after two heartbeats, while the next tab polls unseen.
            if peer_closed(writer) {
                return Ok(());
            }
        }
    })();
    drop(result);
    stream_closed(state, page);
}

/// Waits until the state changes from `version`, or for a second at most.
fn wait_for_change(state: &State, version: u64) {
    let Ok(status) = state.status.lock() else {
        return;
    };
    let _ = state
        .changed
        .wait_timeout_while(status, Duration::from_secs(1), |s| s.version == version);
}

/// Whether the other end closed `stream`: a tab never sends anything on its event
/// stream, so anything but "nothing to read yet" means it is gone.
fn peer_closed(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let peeked = stream.peek(&mut [0u8; 1]);
    let _ = stream.set_nonblocking(false);
    !matches!(peeked, Err(error) if error.kind() == std::io::ErrorKind::WouldBlock)
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
    fn a_head_that_is_not_utf8_is_a_bad_request() {
        let mut head: &[u8] = b"GET /\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        assert!(matches!(read_request(&mut head), Some(Err(()))));
    }

    #[test]
    fn only_names_of_this_computer_are_answered() {
        for local in [
            "127.0.0.1:1111",
            "localhost:1111",
            "localhost",
            "[::1]:1111",
        ] {
            assert!(super::is_local_host(local), "{local}");
        }
        for foreign in [
            "rebind.example:1111",
            "127.0.0.1.nip.io:1111",
            "",
            "[::2]:1111",
        ] {
            assert!(!super::is_local_host(foreign), "{foreign}");
        }
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

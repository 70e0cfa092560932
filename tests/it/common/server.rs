//! A `jalon serve` process for tests, stopped when dropped, and a headless Chromium.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Preview {
    child: Child,
    pub url: String,
    /// What the server printed before its address: the first build.
    pub startup: Vec<String>,
    /// What it printed since.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Preview {
    pub fn start(root: &Path) -> Preview {
        let mut command = Command::new(env!("CARGO_BIN_EXE_jalon"));
        command.args(["serve", "--port", "0", "--root"]).arg(root);
        Preview::spawn(command)
    }

    /// The preview as the README starts it: from the folder `folder`, with `args` after
    /// `serve --port 0` (a relative `--root`, or none for the folder itself).
    pub fn start_in(folder: &Path, args: &[&str]) -> Preview {
        let mut command = Command::new(env!("CARGO_BIN_EXE_jalon"));
        command
            .current_dir(folder)
            .args(["serve", "--port", "0"])
            .args(args);
        Preview::spawn(command)
    }

    fn spawn(mut command: Command) -> Preview {
        let mut child = command
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("jalon serve starts");
        let stderr = child.stderr.take().unwrap();
        let mut lines = BufReader::new(stderr).lines();
        let mut startup = Vec::new();
        let url = loop {
            let line = lines
                .next()
                .expect("jalon serve prints its address")
                .unwrap();
            if let Some(rest) = line.strip_prefix("Aperçu sur ") {
                break rest.split_whitespace().next().unwrap().to_string();
            }
            startup.push(line);
        };
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = std::sync::Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Preview {
            child,
            url,
            startup,
            log,
        }
    }

    pub fn address(&self) -> String {
        self.url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string()
    }

    /// Resident memory of the server process, in KiB.
    pub fn memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    }

    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's Chromium, headless, with the flags this sandboxed machine needs.
pub fn browser() -> headless_chrome::Browser {
    use std::ffi::OsStr;
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| "/usr/bin/chromium".into(), std::path::PathBuf::from);
    assert!(
        path.exists(),
        "Chromium is missing at {}: run scripts/test, which installs it",
        path.display()
    );
    let options = headless_chrome::LaunchOptions::default_builder()
        .path(Some(path))
        .sandbox(false)
        .headless(true)
        .idle_browser_timeout(Duration::from_secs(120))
        .args(
            [
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ]
            .iter()
            .map(OsStr::new)
            .collect(),
        )
        .build()
        .unwrap();
    headless_chrome::Browser::new(options).expect("Chromium starts")
}

/// Waits until `condition` holds, for at most `limit`.
pub fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    condition()
}

/// Gives the tab a screen of `width` × `height` CSS pixels, as a phone when `mobile`.
pub fn set_screen(tab: &headless_chrome::Tab, width: u32, height: u32, mobile: bool) {
    tab.call_method(
        headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride {
            width,
            height,
            device_scale_factor: 1.0,
            mobile,
            scale: None,
            screen_width: None,
            screen_height: None,
            position_x: None,
            position_y: None,
            dont_set_visible_size: None,
            screen_orientation: None,
            viewport: None,
            display_feature: None,
            device_posture: None,
        },
    )
    .unwrap();
}

/// An editor saving a free page every 100 ms, with a new title each time, until stopped.
pub struct Editor {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<()>,
}

impl Editor {
    pub fn start(page: std::path::PathBuf) -> Editor {
        use std::sync::atomic::{AtomicBool, Ordering};
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let flag = std::sync::Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            let mut n = 0;
            while !flag.load(Ordering::SeqCst) {
                n += 1;
                std::fs::write(
                    &page,
                    format!("---\ntitre: Gouvernance {n}\nmenu: 1\n---\n\nTexte {n}.\n"),
                )
                .unwrap();
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        Editor { stop, thread }
    }

    pub fn stop(self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.join().unwrap();
    }
}

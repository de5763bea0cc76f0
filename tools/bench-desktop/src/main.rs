//! The desktop benchmark (DESIGN §7): Rapport with 100k demo customers against a minimal
//! Tauri window measured in the same run, alternating app and reference:
//!
//! - start → first paint: from just before the spawn to the instant the window reports
//!   (through `bench_mark_painted`, into the file named by RAPPORT_BENCH_MARK) that its
//!   content — for Rapport, the customer list's first rows — has been painted;
//! - memory: a moment later, the PSS summed over the process and all its descendants
//!   (WebKitWebProcess, WebKitNetworkProcess, …), from /proc/PID/smaps_rollup.
//!
//! Run by `make bench-desktop` (scripts/bench-desktop.sh builds everything in release and
//! runs this under Xvfb in a private D-Bus session). Environment:
//!   RAPPORT_BENCH_APP, RAPPORT_BENCH_MINIMAL, RAPPORT_BENCH_CLI   the three binaries
//!   RAPPORT_BENCH_CACHE       where the store (made once) and the last run's logs live
//!   RAPPORT_BENCH_RUNS        measured runs of each (default 5), after
//!   RAPPORT_BENCH_WARMUP      unmeasured runs of each (default 1)
//!   RAPPORT_BENCH_CUSTOMERS   customers in the store (default 100000)
//!   RAPPORT_BENCH_SETTLE_MS   wait between the paint and the memory reading (default 2000)

#![forbid(unsafe_code)]

mod procs;
mod stats;
mod store;

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context as _};

use crate::stats::Row;

/// How long a window may take to paint, or to go away, before the run fails.
const PAINT_TIMEOUT: Duration = Duration::from_secs(120);
const STOP_GRACE: Duration = Duration::from_secs(10);

struct Config {
    app: PathBuf,
    minimal: PathBuf,
    cli: PathBuf,
    cache: PathBuf,
    runs: usize,
    warmup: usize,
    customers: u32,
    settle: Duration,
}

/// What one run of one window measured.
struct Sample {
    paint_ms: f64,
    pss_mib: f64,
    /// The tree, each process with its PSS in MiB.
    procs: Vec<(procs::Proc, f64)>,
}

#[derive(Clone, Copy, PartialEq)]
enum Which {
    App,
    Minimal,
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench-desktop: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cfg = config()?;
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        bail!("no display: run under xvfb-run (scripts/bench-desktop.sh does)");
    }
    let store = store::prepare(&cfg.cli, &cfg.cache, cfg.customers)?;
    let logs = cfg.cache.join("last-run");
    if logs.exists() {
        std::fs::remove_dir_all(&logs).with_context(|| format!("clearing {}", logs.display()))?;
    }
    std::fs::create_dir_all(&logs)?;

    let (mut app, mut minimal) = (Vec::new(), Vec::new());
    for i in 0..cfg.warmup + cfg.runs {
        let measured = i >= cfg.warmup;
        for which in [Which::App, Which::Minimal] {
            let s = once(&cfg, which, &store, &logs, i)?;
            let label = if which == Which::App { "app" } else { "minimal" };
            eprintln!(
                "bench: {} {label:<7} painted after {:7.1} ms, PSS {:6.1} MiB in {} processes",
                if measured { format!("run {}", i - cfg.warmup + 1) } else { "warm-up".into() },
                s.paint_ms,
                s.pss_mib,
                s.procs.len()
            );
            if measured {
                if which == Which::App {
                    app.push(s)
                } else {
                    minimal.push(s)
                }
            }
        }
    }
    report(&cfg, &app, &minimal);
    Ok(())
}

fn config() -> anyhow::Result<Config> {
    let path = |name: &str| -> anyhow::Result<PathBuf> {
        let p = PathBuf::from(
            std::env::var_os(name)
                .with_context(|| format!("{name} is not set: run via make bench-desktop"))?,
        );
        Ok(p)
    };
    let exe = |name: &str| -> anyhow::Result<PathBuf> {
        let p = path(name)?;
        if !p.is_file() {
            bail!("{name}={} is not a file", p.display());
        }
        Ok(p)
    };
    fn number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
        match std::env::var(name) {
            Ok(v) if !v.trim().is_empty() => {
                v.trim().parse().map_err(|_| anyhow::anyhow!("{name}: `{v}` is not a number"))
            }
            _ => Ok(default),
        }
    }
    let cfg = Config {
        app: exe("RAPPORT_BENCH_APP")?,
        minimal: exe("RAPPORT_BENCH_MINIMAL")?,
        cli: exe("RAPPORT_BENCH_CLI")?,
        cache: path("RAPPORT_BENCH_CACHE")?,
        runs: number("RAPPORT_BENCH_RUNS", 5)?,
        warmup: number("RAPPORT_BENCH_WARMUP", 1)?,
        customers: number("RAPPORT_BENCH_CUSTOMERS", 100_000)?,
        settle: Duration::from_millis(number("RAPPORT_BENCH_SETTLE_MS", 2000)?),
    };
    if cfg.runs == 0 {
        bail!("RAPPORT_BENCH_RUNS: must be at least 1");
    }
    Ok(cfg)
}

/// One run of one window: start it, wait for its paint mark, let it settle, read its
/// memory, stop it.
fn once(cfg: &Config, which: Which, store: &Path, logs: &Path, i: usize) -> anyhow::Result<Sample> {
    let label = if which == Which::App { "app" } else { "minimal" };
    let mark = logs.join(format!("{label}-{i}.painted"));
    let log_path = logs.join(format!("{label}-{i}.log"));
    let log = std::fs::File::create(&log_path)?;
    let mut cmd = Command::new(if which == Which::App { &cfg.app } else { &cfg.minimal });
    cmd.env("RAPPORT_BENCH_MARK", &mark)
        .env_remove("RAPPORT_PASSPHRASE")
        .stdin(Stdio::null())
        .stdout(log.try_clone()?)
        .stderr(log)
        // Its own process group, so stopping it reaches every process it started.
        .process_group(0);
    if which == Which::App {
        cmd.env("RAPPORT_DATA_DIR", store).env("RAPPORT_PASSPHRASE", store::PASSPHRASE);
    }
    // The wall clock, because the window stamps its paint with the wall clock too.
    #[allow(clippy::disallowed_methods)]
    let started = SystemTime::now();
    let child = cmd.spawn().with_context(|| format!("starting {label}"))?;
    let mut running = Running { child: Some(child) };
    let fail = |what: String| -> anyhow::Error {
        anyhow::anyhow!("{label}: {what}; its log: {}\n{}", log_path.display(), tail(&log_path))
    };

    let waited = Instant::now();
    while !mark.exists() {
        if let Some(status) = running.child_mut().try_wait()? {
            return Err(fail(format!("exited ({status}) before painting")));
        }
        if waited.elapsed() > PAINT_TIMEOUT {
            return Err(fail(format!("not painted after {} s", PAINT_TIMEOUT.as_secs())));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let text = std::fs::read_to_string(&mark)?;
    let painted: u128 = text
        .trim()
        .parse()
        .with_context(|| format!("{}: `{text}` is not a time", mark.display()))?;
    let started = started.duration_since(UNIX_EPOCH)?.as_nanos();
    if painted < started {
        bail!("{label}: painted before it started (did the clock jump?)");
    }
    let paint_ms = (painted - started) as f64 / 1e6;

    std::thread::sleep(cfg.settle);
    let root = running.child_mut().id() as i32;
    let tree = procs::tree(root);
    if tree.first().map(|p| p.pid) != Some(root) {
        return Err(fail("exited before its memory was read".into()));
    }
    let mut procs = Vec::new();
    for p in &tree {
        procs.push((p.clone(), procs::pss_kib(p.pid)?.unwrap_or(0) as f64 / 1024.0));
    }
    running.stop(&tree)?;
    Ok(Sample { paint_ms, pss_mib: procs.iter().map(|(_, m)| m).sum(), procs })
}

/// A started window that is stopped (with its tree) however the run ends.
struct Running {
    child: Option<Child>,
}

impl Running {
    fn child_mut(&mut self) -> &mut Child {
        self.child.as_mut().expect("stopped already")
    }

    fn stop(&mut self, tree: &[procs::Proc]) -> anyhow::Result<()> {
        let mut child = self.child.take().expect("stopped already");
        procs::stop(&mut child, tree, STOP_GRACE)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let tree = procs::tree(child.id() as i32);
            if let Err(e) = procs::stop(&mut child, &tree, STOP_GRACE) {
                eprintln!("bench-desktop: {e:#}");
            }
        }
    }
}

/// The last lines of a log, for error messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn report(cfg: &Config, app: &[Sample], minimal: &[Sample]) {
    let paint = |s: &[Sample]| s.iter().map(|s| s.paint_ms).collect::<Vec<_>>();
    let pss = |s: &[Sample]| s.iter().map(|s| s.pss_mib).collect::<Vec<_>>();
    let count = |s: &[Sample]| s.iter().map(|s| s.procs.len() as f64).collect::<Vec<_>>();
    let (app_paint, min_paint) = (paint(app), paint(minimal));
    let (app_pss, min_pss) = (pss(app), pss(minimal));
    let (app_n, min_n) = (count(app), count(minimal));
    println!();
    println!(
        "Rapport ({} customers) against a minimal Tauri window: {} runs each, alternating, \
         after {} warm-up run(s) each",
        cfg.customers, cfg.runs, cfg.warmup
    );
    print!(
        "{}",
        stats::table(&[
            Row {
                metric: "start -> first paint (ms)",
                app: &app_paint,
                minimal: &min_paint,
                target: Some(1.3)
            },
            Row {
                metric: "PSS, process tree (MiB)",
                app: &app_pss,
                minimal: &min_pss,
                target: Some(1.5)
            },
            Row { metric: "processes in the tree", app: &app_n, minimal: &min_n, target: None },
        ])
    );
    for (label, samples) in [("app", app), ("minimal", minimal)] {
        let Some(last) = samples.last() else { continue };
        let webkit = last.procs.iter().filter(|(p, _)| p.name.starts_with("WebKit")).count();
        let each: Vec<String> =
            last.procs.iter().map(|(p, mib)| format!("{} {mib:.1} MiB", p.name)).collect();
        println!("{label}: {webkit} WebKit processes; last run: {}", each.join(", "));
    }
}

//! The benchmark's store: a passphrase-protected store with N demo customers, made once
//! with the `rapport` CLI and kept in the cache directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context as _};

/// Given to the app through RAPPORT_PASSPHRASE, so it opens the store without the unlock
/// screen (see `Session::status`); the Argon2id unlock is part of what is timed.
pub const PASSPHRASE: &str = "rapport benchmark passphrase";

/// Marks a finished store; a directory without it is a half-made one and is made again.
const READY: &str = ".bench-ready";

/// The store for `customers` customers in `cache`, made (and checked) first if missing.
/// Either way the CLI opens it once, which applies any pending migration, so the timed
/// runs never migrate.
pub fn prepare(cli: &Path, cache: &Path, customers: u32) -> anyhow::Result<PathBuf> {
    let dir = cache.join(format!("store-{customers}"));
    if !dir.join(READY).exists() {
        make(cli, &dir, customers)?;
    }
    rapport(cli, &dir, &["--json", "customer", "list", "--limit", "1"])?;
    Ok(dir)
}

fn make(cli: &Path, dir: &Path, customers: u32) -> anyhow::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)
            .with_context(|| format!("removing the half-made store {}", dir.display()))?;
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    eprintln!(
        "bench: making a store with {customers} demo customers in {} (once; minutes)",
        dir.display()
    );
    let t = Instant::now();
    rapport(cli, dir, &["init"])?;
    rapport(cli, dir, &["demo", "--customers", &customers.to_string(), "--seed", "1"])?;
    // A full check (integrity too: about a minute at 100k), once, before it is trusted.
    let report = rapport(cli, dir, &["--json", "doctor"])?;
    let report: serde_json::Value = serde_json::from_slice(&report)
        .with_context(|| format!("`rapport doctor` printed no JSON for {}", dir.display()))?;
    // The demo adds the people's companies as customers too, so there are more.
    let found = report["customers"].as_i64().unwrap_or(-1);
    if found < i64::from(customers) {
        bail!("{} holds {found} customers, fewer than {customers}", dir.display());
    }
    std::fs::write(dir.join(READY), "")?;
    eprintln!("bench: store made in {:.0} s", t.elapsed().as_secs_f64());
    Ok(())
}

/// Runs the CLI on `dir`; its stdout, or an error carrying its stderr.
fn rapport(cli: &Path, dir: &Path, args: &[&str]) -> anyhow::Result<Vec<u8>> {
    let out = Command::new(cli)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("RAPPORT_PASSPHRASE", PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {}", cli.display()))?;
    if !out.status.success() {
        bail!(
            "`rapport {}` failed ({}): {}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

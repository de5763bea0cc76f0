//! Running the real `rapport` binary: a data dir per test, a hermetic environment, and
//! what came back (exit code, stdout, stderr).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

pub const PASS: &str = "correct horse battery staple";
pub const NOW: &str = "2026-11-22T10:00:00Z";
/// A session bus address that cannot work: the keychain is unavailable.
pub const NO_BUS: &str = "unix:path=/nonexistent";

/// The `rapport` binary pointed at one data dir, with a chosen passphrase and environment.
#[derive(Clone)]
pub struct Rapport {
    data: PathBuf,
    passphrase: Option<String>,
    env: Vec<(String, String)>,
    _tmp: Arc<TempDir>,
}

impl Rapport {
    /// A fresh temp dir; the store goes in `<tmp>/data` (created by `init`).
    pub fn new() -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        Rapport {
            data: tmp.path().join("data"),
            passphrase: None,
            env: Vec::new(),
            _tmp: Arc::new(tmp),
        }
    }

    /// The same data dir, with `RAPPORT_PASSPHRASE` set to `p` (or unset).
    pub fn passphrase(&self, p: Option<&str>) -> Self {
        Rapport { passphrase: p.map(str::to_string), ..self.clone() }
    }

    pub fn env(&self, key: &str, value: &str) -> Self {
        let mut r = self.clone();
        r.env.push((key.into(), value.into()));
        r
    }

    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// A spare path beside the data dir (for exports, backups…).
    pub fn path(&self, name: &str) -> PathBuf {
        self._tmp.path().join(name)
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport"));
        cmd.arg("--data-dir").arg(&self.data).args(args);
        for var in ["RAPPORT_PASSPHRASE", "RAPPORT_DATA_DIR", "RAPPORT_NOW", "RAPPORT_LOG"] {
            cmd.env_remove(var);
        }
        // Bare dates on the command line are local times: make them the same everywhere.
        cmd.env("TZ", "UTC");
        if let Some(p) = &self.passphrase {
            cmd.env("RAPPORT_PASSPHRASE", p);
        }
        cmd.envs(self.env.iter().map(|(k, v)| (k, v)));
        cmd.stdin(Stdio::null());
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Out {
        let output = self.command(args).output().expect("running rapport");
        Out::new(args, output)
    }

    /// `--json` output of a command that must succeed.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        self.run(&all).success().json()
    }
}

/// What a finished `rapport` process left behind.
pub struct Out {
    pub args: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Out {
    pub fn new(args: &[&str], o: Output) -> Self {
        Out {
            args: args.join(" "),
            code: o.status.code(),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn success(self) -> Self {
        assert_eq!(self.code, Some(0), "`rapport {}` failed: {}", self.args, self.stderr);
        self
    }

    /// Asserts the exit code and returns the output for further checks.
    #[track_caller]
    pub fn fails_with(self, code: i32) -> Self {
        assert_eq!(
            self.code,
            Some(code),
            "`rapport {}`: expected exit {code}\nstdout: {}\nstderr: {}",
            self.args,
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("`rapport {}`: stdout is not JSON ({e}): {}", self.args, self.stdout)
        })
    }

    /// The `{code, message}` object `--json` prints on stderr for an error.
    #[track_caller]
    pub fn error(&self) -> Value {
        self.stderr
            .lines()
            .rev()
            .find_map(|l| serde_json::from_str::<Value>(l).ok())
            .unwrap_or_else(|| {
                panic!("`rapport {}`: no JSON error on stderr: {}", self.args, self.stderr)
            })
    }
}

/// SHA-256 of every file under `dir`, by relative path (empty if `dir` does not exist).
pub fn fingerprint(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("under dir").display().to_string();
                out.insert(rel, sha256_file(&p));
            }
        }
    }
    out
}

pub fn sha256_file(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    hex::encode(Sha256::digest(&bytes))
}

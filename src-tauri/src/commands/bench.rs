//! The desktop benchmark's first-paint marker (`make bench-desktop`, tools/bench-desktop).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use rapport_core::{ApiError, ErrorCode};

use super::Res;

/// The file the benchmark driver watches; unset outside benchmarks.
pub const MARK_ENV: &str = "RAPPORT_BENCH_MARK";

static MARKED: AtomicBool = AtomicBool::new(false);

/// When this process started (Unix milliseconds), for the start-up phases in the log.
static STARTED_MS: OnceLock<f64> = OnceLock::new();

/// At most this many phases are logged; names are cut to 40 characters.
const MAX_PHASES: usize = 32;

/// Records the process start; called first thing in `run`.
pub fn note_start() {
    STARTED_MS.get_or_init(unix_ms);
}

/// Milliseconds since `note_start` (0 if it was never called).
pub fn since_start_ms() -> f64 {
    STARTED_MS.get().map_or(0.0, |s| unix_ms() - s)
}

fn unix_ms() -> f64 {
    // The wall clock: UI phases are stamped with it (performance.timeOrigin) too.
    #[allow(clippy::disallowed_methods)]
    let now = SystemTime::now();
    now.duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1e3).unwrap_or(0.0)
}

/// Called by the UI once the customer list's first rows are painted. When
/// `RAPPORT_BENCH_MARK` names a file, writes the wall-clock time there (Unix nanoseconds),
/// once per process; otherwise does nothing.
/// `phases` are the UI's start-up phases as `[name, Unix ms]`; they go to the log
/// (relative to the process start) so a run can say where its time went.
#[tauri::command]
pub async fn bench_mark_painted(phases: Option<Vec<(String, f64)>>) -> Res<()> {
    let Some(path) = std::env::var_os(MARK_ENV).filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    if MARKED.swap(true, Ordering::SeqCst) {
        return Ok(());
    }
    if let Some(started) = STARTED_MS.get() {
        for (name, at) in phases.unwrap_or_default().iter().take(MAX_PHASES) {
            let name: String = name.chars().take(40).collect();
            tracing::info!(target: "startup", "{name} at {:.0} ms", at - started);
        }
    }
    // The wall clock, not the store's Clock: the driver compares this instant with the
    // one it took in another process just before spawning the app.
    #[allow(clippy::disallowed_methods)]
    let now = SystemTime::now();
    let nanos = now.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    write_mark(Path::new(&path), nanos).map_err(|e| {
        tracing::error!(error = %e, "could not write the benchmark mark");
        ApiError {
            code: ErrorCode::Io,
            message: format!("{MARK_ENV}: could not write {}: {e}", Path::new(&path).display()),
        }
    })
}

/// Writes beside the target and renames, so a polling reader never sees half a number.
pub fn write_mark(path: &Path, unix_nanos: u128) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, format!("{unix_nanos}\n"))?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mark_holds_the_number_and_no_temp_file_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("painted");
        write_mark(&path, 1_700_000_000_123_456_789).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "1700000000123456789\n");
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("painted")]);
    }
}

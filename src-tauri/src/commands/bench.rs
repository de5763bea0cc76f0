//! The desktop benchmark's first-paint marker (`make bench-desktop`, tools/bench-desktop).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use rapport_core::{ApiError, ErrorCode};

use super::Res;

/// The file the benchmark driver watches; unset outside benchmarks.
pub const MARK_ENV: &str = "RAPPORT_BENCH_MARK";

static MARKED: AtomicBool = AtomicBool::new(false);

/// Called by the UI once the customer list's first rows are painted. When
/// `RAPPORT_BENCH_MARK` names a file, writes the wall-clock time there (Unix nanoseconds),
/// once per process; otherwise does nothing.
#[tauri::command]
pub async fn bench_mark_painted() -> Res<()> {
    let Some(path) = std::env::var_os(MARK_ENV).filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    if MARKED.swap(true, Ordering::SeqCst) {
        return Ok(());
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

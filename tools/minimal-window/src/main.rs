//! A minimal Tauri window: the reference the desktop benchmark (tools/bench-desktop)
//! measures Rapport against. Its page shows one line of text and, two animation frames
//! later (so that text has been painted), calls `bench_mark_painted`, as Rapport's
//! customer list does once its first rows are on screen.

#![forbid(unsafe_code)]

use std::time::{SystemTime, UNIX_EPOCH};

/// Writes the wall-clock time (Unix nanoseconds) to `RAPPORT_BENCH_MARK`, like the app's
/// `commands::bench::bench_mark_painted` (write beside, then rename).
#[tauri::command]
async fn bench_mark_painted() -> Result<(), String> {
    let Some(path) = std::env::var_os("RAPPORT_BENCH_MARK").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    // The wall clock: the driver compares it with its own, taken before the spawn.
    #[allow(clippy::disallowed_methods)]
    let now = SystemTime::now();
    let nanos = now.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let mut tmp = path.clone();
    tmp.push(".tmp");
    std::fs::write(&tmp, format!("{nanos}\n")).map_err(|e| e.to_string())?;
    std::fs::rename(&tmp, &path).map_err(|e| e.to_string())
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![bench_mark_painted])
        .run(tauri::generate_context!())
        .expect("error while running the minimal window");
}

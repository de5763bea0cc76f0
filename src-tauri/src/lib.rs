//! The Rapport desktop shell: a Tauri window over `rapport-core`. Thin on purpose: each
//! command validates what the (untrusted) webview sent, calls the core, and returns the
//! result or an `{code, message}` error.

#![forbid(unsafe_code)]

pub mod commands;

use std::path::PathBuf;

use rapport_core::{system_clock_shared, Session};

/// Where the store lives: `RAPPORT_DATA_DIR`, or the platform data dir (shared with the CLI).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("RAPPORT_DATA_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("rapport"),
    }
}

pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let session = std::sync::Arc::new(Session::new(data_dir(), system_clock_shared()));
    tauri::Builder::default()
        .manage(session.clone())
        .invoke_handler(tauri::generate_handler![
            commands::store::store_status,
            commands::store::unlock,
            commands::store::create_store,
            commands::customers::list_customers,
            commands::customers::add_customer,
            commands::bench::bench_mark_painted,
        ])
        .build(tauri::generate_context!())
        .expect("error while building the Rapport window")
        .run(move |_app, event| {
            if let tauri::RunEvent::Exit = event {
                // Close the store before the process exits (see `Store::close`).
                tauri::async_runtime::block_on(session.lock());
            }
        });
}

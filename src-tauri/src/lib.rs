//! The Rapport desktop shell: a Tauri window over `rapport-core`. Thin on purpose: each
//! command validates what the (untrusted) webview sent, calls the core, and returns the
//! result or an `{code, message}` error.

#![forbid(unsafe_code)]

pub mod commands;
pub mod notifier;
pub mod syncer;
pub mod tasks;

use std::path::PathBuf;

use std::sync::Arc;

use rapport_core::{system_clock_shared, Session};
use tauri::Manager;

use crate::notifier::Notifier;
use crate::syncer::Syncer;
use crate::tasks::Tasks;

/// Where the store lives: `RAPPORT_DATA_DIR`, or the platform data dir (shared with the CLI).
pub fn data_dir() -> PathBuf {
    match std::env::var_os("RAPPORT_DATA_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("rapport"),
    }
}

/// WebKitGTK composites through OpenGL. On a machine without a GPU render node (VMs, remote
/// desktops, Xvfb) that means Mesa's software rasteriser, which took 0.7–1.5 s to paint the
/// first frame of the customer list, against about 40 ms on WebKit's non-composited path,
/// and used ~95 MiB more memory (`make bench-desktop`). So without a render node we ask for
/// the non-composited path, unless the user already chose (that variable set, or
/// `RAPPORT_COMPOSITING=on` to keep compositing: the E2E tests do, as WebDriver screenshots
/// hang without it). Must run before any thread starts (it changes the environment).
#[cfg(target_os = "linux")]
fn prefer_cpu_rendering_without_gpu() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_some()
        || std::env::var("RAPPORT_COMPOSITING").as_deref() == Ok("on")
    {
        return;
    }
    let render_node = std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    });
    if !render_node {
        std::env::set_var(VAR, "1");
    }
}

/// Opens the store (when it needs no one's input) and reads the list's first page while the
/// webview is still starting, so the window's first requests find it open and its pages
/// in SQLite's cache. Nothing is kept: the window's own requests read afresh.
async fn warm_up(session: Arc<Session>) {
    let started = commands::bench::since_start_ms();
    // The window's first request (ui/src/lib/startup.ts), so its answer comes from a warm cache.
    let first = rapport_core::customers::CustomerQuery { limit: 200, ..Default::default() };
    let _ = session.start_up(&first).await;
    tracing::debug!(target: "startup", "warm-up from {started:.0} to {:.0} ms", commands::bench::since_start_ms());
}

pub fn run() {
    commands::bench::note_start();
    #[cfg(target_os = "linux")]
    prefer_cpu_rendering_without_gpu();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("RAPPORT_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let session = Arc::new(Session::new(data_dir(), system_clock_shared()));
    // Before the builder: opening the store (key derivation, first reads) then overlaps
    // GTK's and WebKit's own start, about 200 ms on this path (DESIGN §7).
    tauri::async_runtime::spawn(warm_up(session.clone()));
    let tasks = Arc::new(Tasks::default());
    let notifier_session = session.clone();
    let syncer_session = session.clone();
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .manage(session.clone())
        .manage(tasks.clone())
        .setup(move |app| {
            tracing::info!(target: "startup", "setup at {:.0} ms", commands::bench::since_start_ms());
            app.manage(Notifier::start(app.handle().clone(), notifier_session));
            app.manage(Syncer::start(app.handle().clone(), syncer_session));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::store::store_status,
            commands::store::start_up,
            commands::store::unlock,
            commands::store::create_store,
            commands::customers::list_customers,
            commands::customers::customer_facets,
            commands::customers::get_customer,
            commands::customers::add_customer,
            commands::customers::edit_customer,
            commands::customers::delete_customer,
            commands::data::erase_customer,
            commands::data::backup_now,
            commands::data::restore_backup,
            commands::timeline::log_interaction,
            commands::timeline::resolve_complaint,
            commands::timeline::add_followup,
            commands::timeline::complete_followup,
            commands::timeline::snooze_followup,
            commands::timeline::snooze_nudge,
            commands::today::today,
            commands::pipeline::pipeline,
            commands::pipeline::add_deal,
            commands::pipeline::move_deal,
            commands::pipeline::close_deal,
            commands::settings::get_prefs,
            commands::settings::save_prefs,
            commands::settings::store_info,
            commands::settings::change_protection,
            commands::settings::lock,
            commands::tasks::start_demo,
            commands::tasks::cancel_task,
            commands::import::import_preview,
            commands::import::start_import,
            commands::import::import_batches,
            commands::import::undo_import,
            commands::import::list_mappings,
            commands::import::save_mapping,
            commands::import::delete_mapping,
            commands::insights::insights,
            commands::insights::insight_charts,
            commands::export::export_data,
            commands::hygiene::duplicates,
            commands::hygiene::dismiss_duplicate,
            commands::hygiene::merge_customers,
            commands::hygiene::merges,
            commands::hygiene::undo_merge,
            commands::hygiene::tag_usage,
            commands::hygiene::rename_tag,
            commands::hygiene::delete_tag,
            commands::hygiene::unused_tags,
            commands::hygiene::data_audit,
            commands::sync::sync_status,
            commands::sync::sync_now,
            commands::sync::sync_register,
            commands::sync::sync_login,
            commands::sync::sync_logout,
            commands::sync::sync_devices,
            commands::sync::sync_revoke,
            commands::sync::sync_invite,
            commands::sync::sync_conflicts,
            commands::sync::resolve_conflict,
            commands::bench::bench_mark_painted,
        ])
        .build(tauri::generate_context!())
        .expect("error while building the Rapport window")
        .run(move |app, event| {
            if let tauri::RunEvent::Exit = event {
                // Stop background work, roll back running tasks, then close the store
                // before the process exits (see `Store::close`).
                tasks.cancel_all();
                tauri::async_runtime::block_on(async {
                    if let Some(notifier) = app.try_state::<Notifier>() {
                        notifier.stop().await;
                    }
                    if let Some(syncer) = app.try_state::<Arc<Syncer>>() {
                        syncer.stop().await;
                    }
                    session.lock().await;
                });
            }
        });
}

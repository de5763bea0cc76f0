//! The Rapport desktop shell: a Tauri window over `rapport-core`. Thin on purpose: each
//! command validates what the (untrusted) webview sent, calls the core, and returns the
//! result or an `{code, message}` error.

#![forbid(unsafe_code)]

pub mod commands;
pub mod notifier;
pub mod tasks;

use std::path::PathBuf;

use std::sync::Arc;

use rapport_core::{system_clock_shared, Session};
use tauri::Manager;

use crate::notifier::Notifier;
use crate::tasks::Tasks;

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
    let session = Arc::new(Session::new(data_dir(), system_clock_shared()));
    let tasks = Arc::new(Tasks::default());
    let notifier_session = session.clone();
    tauri::Builder::default()
        .plugin(tauri_plugin_notification::init())
        .manage(session.clone())
        .manage(tasks.clone())
        .setup(move |app| {
            app.manage(Notifier::start(app.handle().clone(), notifier_session));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::store::store_status,
            commands::store::unlock,
            commands::store::create_store,
            commands::customers::list_customers,
            commands::customers::customer_facets,
            commands::customers::get_customer,
            commands::customers::add_customer,
            commands::customers::edit_customer,
            commands::customers::delete_customer,
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
            commands::insights::insights,
            commands::insights::insight_charts,
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
                    session.lock().await;
                });
            }
        });
}

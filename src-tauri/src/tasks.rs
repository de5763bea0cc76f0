//! Long-running work the window can watch and cancel. Each task reports through the
//! "task-progress" event: at least every 250 ms while it runs, and once when it ends.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rapport_core::import::ImportOptions;
use rapport_core::progress::{TaskProgress, TaskState};
use rapport_core::{ApiError, ErrorCode, Store};
use tauri::{AppHandle, Emitter};

pub const PROGRESS_EVENT: &str = "task-progress";
const TICK: Duration = Duration::from_millis(200);
const DEMO_LABEL: &str = "Generating demo data";

#[derive(Debug, Default)]
pub struct Tasks {
    next_id: AtomicU64,
    /// Running tasks' cancel flags, by id.
    running: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

impl Tasks {
    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AtomicBool>>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn cancel(&self, id: &str) {
        if let Some(flag) = self.running().get(id) {
            flag.store(true, Ordering::Relaxed);
        }
    }

    pub fn cancel_all(&self) {
        for flag in self.running().values() {
            flag.store(true, Ordering::Relaxed);
        }
    }

    /// Starts generating demo data (one at a time); returns the task id.
    pub fn start_demo(
        self: &Arc<Self>,
        app: AppHandle,
        store: Arc<Store>,
        customers: u32,
    ) -> Result<String, ApiError> {
        let cancel = Arc::new(AtomicBool::new(false));
        let id = {
            let mut running = self.running();
            if running.keys().any(|k| k.starts_with("demo-")) {
                return Err(ApiError {
                    code: ErrorCode::AlreadyExists,
                    message: "demo data is already being generated".into(),
                });
            }
            let id = format!("demo-{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
            running.insert(id.clone(), cancel.clone());
            id
        };
        let done = Arc::new(AtomicU64::new(0));
        let total = Arc::new(AtomicU64::new(u64::from(customers)));
        let seed = store.now().timestamp_millis() as u64;
        let work = {
            let done = done.clone();
            async move {
                let progress = |d: u32, _total: u32| done.store(u64::from(d), Ordering::Relaxed);
                store.demo_with(customers, seed, &progress, &cancel).await.map(u64::from)
            }
        };
        self.report(app, id.clone(), DEMO_LABEL.into(), done, total, work);
        Ok(id)
    }

    /// Starts importing a file (one at a time); returns the task id. The file was read by
    /// the command; a cancel rolls the import's single transaction back.
    pub fn start_import(
        self: &Arc<Self>,
        app: AppHandle,
        store: Arc<Store>,
        file_name: String,
        bytes: Vec<u8>,
        options: ImportOptions,
    ) -> Result<String, ApiError> {
        let cancel = Arc::new(AtomicBool::new(false));
        let id = {
            let mut running = self.running();
            if running.keys().any(|k| k.starts_with("import-")) {
                return Err(ApiError {
                    code: ErrorCode::AlreadyExists,
                    message: "another import is running; wait for it or cancel it".into(),
                });
            }
            let id = format!("import-{}", self.next_id.fetch_add(1, Ordering::Relaxed) + 1);
            running.insert(id.clone(), cancel.clone());
            id
        };
        let done = Arc::new(AtomicU64::new(0));
        let total = Arc::new(AtomicU64::new(0));
        let label = format!("Importing {file_name}");
        let work = {
            let (done, total) = (done.clone(), total.clone());
            async move {
                let progress = |d: u64, t: u64| {
                    done.store(d, Ordering::Relaxed);
                    total.store(t, Ordering::Relaxed);
                };
                store
                    .import_file(&file_name, &bytes, &options, &progress, &cancel)
                    .await
                    .map(|s| s.created + s.updated + s.unchanged)
            }
        };
        self.report(app, id.clone(), label, done, total, work);
        Ok(id)
    }

    /// Runs `work`, emitting its progress every tick and once when it ends (done, cancelled
    /// or failed), then forgets its cancel flag.
    fn report(
        self: &Arc<Self>,
        app: AppHandle,
        task_id: String,
        label: String,
        done: Arc<AtomicU64>,
        total: Arc<AtomicU64>,
        work: impl Future<Output = rapport_core::Result<u64>> + Send + 'static,
    ) {
        let tasks = self.clone();
        tauri::async_runtime::spawn(async move {
            let report = |done: u64, state: TaskState, message: Option<String>| TaskProgress {
                id: task_id.clone(),
                label: label.clone(),
                done,
                total: total.load(Ordering::Relaxed),
                state,
                message,
            };
            let emit = |p: TaskProgress| {
                if let Err(e) = app.emit(PROGRESS_EVENT, p) {
                    tracing::warn!(error = %e, "could not send task progress");
                }
            };
            tokio::pin!(work);
            let mut tick = tokio::time::interval(TICK);
            let result = loop {
                tokio::select! {
                    r = &mut work => break r,
                    _ = tick.tick() => emit(report(done.load(Ordering::Relaxed), TaskState::Running, None)),
                }
            };
            tasks.running().remove(&task_id);
            emit(match result {
                Ok(_) => {
                    let total = total.load(Ordering::Relaxed);
                    report(total.max(done.load(Ordering::Relaxed)), TaskState::Done, None)
                }
                Err(e) => {
                    let api = ApiError::from(&e);
                    let state = match api.code {
                        ErrorCode::Cancelled => TaskState::Cancelled,
                        _ => TaskState::Failed,
                    };
                    report(done.load(Ordering::Relaxed), state, Some(api.message))
                }
            });
        });
    }
}

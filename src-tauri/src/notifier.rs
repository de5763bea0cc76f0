//! Reminders as OS notifications: a background loop that, while the store is open and the
//! user wants notifications, asks the core what fell due and shows it. The core holds
//! items back during quiet times and remembers what was shown (see `rapport_core::notify`).

use std::sync::Arc;
use std::time::Duration;

use rapport_core::notify::{Notification, LOOKBACK};
use rapport_core::{Prefs, Session};
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Runtime};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::watch;
use tokio::time::Instant;

/// How often to check once the store is open.
const EVERY: Duration = Duration::from_secs(60);
/// The first check after an unlock (not at once: let the window settle first).
const AFTER_UNLOCK: Duration = Duration::from_secs(5);
/// How often the loop looks whether the store was unlocked or locked (cheap: no I/O).
const POLL: Duration = Duration::from_secs(1);
/// More than this at once become one summary instead of a flood.
const MAX_AT_ONCE: usize = 4;

pub struct Notifier {
    stop: watch::Sender<bool>,
    handle: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl Notifier {
    pub fn start<R: Runtime>(app: AppHandle<R>, session: Arc<Session>) -> Notifier {
        let (stop, stopped) = watch::channel(false);
        let handle = tauri::async_runtime::spawn(run(app, session, stopped));
        Notifier { stop, handle: std::sync::Mutex::new(Some(handle)) }
    }

    /// Stops the loop and waits (briefly) for a check in progress to finish.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        let handle = self.handle.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(handle) = handle {
            if tokio::time::timeout(Duration::from_secs(5), handle).await.is_err() {
                tracing::warn!("the notification loop did not stop in time");
            }
        }
    }
}

async fn run<R: Runtime>(
    app: AppHandle<R>,
    session: Arc<Session>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut poll = tokio::time::interval(POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // When the next check is due; `None` while locked.
    let mut next: Option<Instant> = None;
    loop {
        tokio::select! {
            _ = stopped.changed() => break,
            _ = poll.tick() => {}
        }
        if !session.is_open().await {
            next = None;
            continue;
        }
        let now = Instant::now();
        match next {
            None => next = Some(now + AFTER_UNLOCK),
            Some(at) if now >= at => {
                next = Some(now + EVERY);
                check(&app, &session).await;
            }
            Some(_) => {}
        }
    }
}

/// One check: show what is due, record it as shown.
async fn check<R: Runtime>(app: &AppHandle<R>, session: &Session) {
    let prefs = Prefs::load_or_default(session.dir());
    if !prefs.notifications {
        return;
    }
    let Ok(store) = session.store().await else { return };
    let now = store.now();
    let due = match store
        .due_notifications(now - LOOKBACK, now, prefs.quiet_window(), &chrono::Local)
        .await
    {
        Ok(due) => due,
        Err(e) => {
            tracing::warn!(error = %e, "could not compute notifications");
            return;
        }
    };
    if due.is_empty() {
        return;
    }
    for (title, body) in batch(&due) {
        if let Err(e) = app.notification().builder().title(title).body(body).show() {
            tracing::warn!(error = %e, "could not show a notification");
            return; // not recorded: tried again next time
        }
    }
    let keys: Vec<String> = due.into_iter().map(|n| n.key).collect();
    if let Err(e) = store.mark_notified(&keys).await {
        tracing::warn!(error = %e, "could not record shown notifications");
    }
}

/// Up to `MAX_AT_ONCE` notifications as they are; beyond that, the first few and a summary.
fn batch(due: &[Notification]) -> Vec<(String, String)> {
    if due.len() <= MAX_AT_ONCE {
        return due.iter().map(|n| (n.title.clone(), n.body.clone())).collect();
    }
    let shown = MAX_AT_ONCE - 1;
    let mut out: Vec<_> = due[..shown].iter().map(|n| (n.title.clone(), n.body.clone())).collect();
    out.push((format!("{} more reminders", due.len() - shown), "See Today in Rapport".to_string()));
    out
}

//! Background sync: while the store is open and this device is signed in, a loop syncs a
//! few seconds after an unlock, right after each local change (so teammates see it at
//! once), and every minute. Between syncs a long poll waits for teammates' pushes and
//! syncs as soon as one lands, so their edits show here within a round trip. "Sync now"
//! goes through the same
//! [`Syncer::sync`], so two syncs never run at once. Locking stops a sync in progress (the
//! client applies each page with its cursor in one transaction, so it resumes later without
//! loss). Every attempt ends with a `sync-status` event; one that took in changes also sends
//! `data-changed`, so open views reload. Offline is normal: it is the status, not an alert.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use rapport_core::sync::{SyncOutcome, SyncView};
use rapport_core::{ApiError, ErrorCode, Session, Store};
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter};
use tokio::sync::{watch, MutexGuard};
use tokio::time::Instant;

use crate::commands::sync::{api_error, error_code};

/// Carries a [`SyncView`] after every attempt, sign-in and sign-out.
pub const STATUS_EVENT: &str = "sync-status";
/// Records changed behind the window (another device's changes arrived, a conflict was
/// settled): views showing data read them again (payload: null).
pub const DATA_CHANGED_EVENT: &str = "data-changed";
/// How often to sync while signed in.
const EVERY: Duration = Duration::from_secs(60);
/// The first sync after an unlock (not at once: let the window settle first).
const AFTER_UNLOCK: Duration = Duration::from_secs(4);
/// How often the loop looks whether a sync is due (cheap: no I/O).
const POLL: Duration = Duration::from_secs(1);
/// How long one long poll waits for a teammate's push (the server caps it at 25 s).
const LISTEN: Duration = Duration::from_secs(25);
/// After a failed long poll or sync (offline, signed out, a server error): wait this long
/// before listening again, instead of retrying in a tight loop.
const LISTEN_BACKOFF: Duration = Duration::from_secs(15);
/// While locked or signed out: how often the listener looks whether that changed.
const LISTEN_IDLE: Duration = Duration::from_secs(3);

pub struct Syncer {
    app: AppHandle,
    session: Arc<Session>,
    /// One sync (or sign-out) at a time: the loop's, the window's.
    one: tokio::sync::Mutex<()>,
    /// Bumped to stop the sync in progress (the store is being locked).
    cancel: watch::Sender<u64>,
    /// The last attempt's error code since the app started; the store keeps the words.
    last_code: Mutex<Option<ErrorCode>>,
    syncing: AtomicBool,
    /// When the loop syncs next; `None` while locked (an unlock schedules the first).
    next: Mutex<Option<Instant>>,
    stop: watch::Sender<bool>,
    handles: Mutex<Vec<JoinHandle<()>>>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Syncer {
    pub fn start(app: AppHandle, session: Arc<Session>) -> Arc<Syncer> {
        let (stop, stopped) = watch::channel(false);
        let syncer = Arc::new(Syncer {
            app,
            session,
            one: tokio::sync::Mutex::new(()),
            cancel: watch::channel(0).0,
            last_code: Mutex::new(None),
            syncing: AtomicBool::new(false),
            next: Mutex::new(None),
            stop,
            handles: Mutex::new(Vec::new()),
        });
        let handles = vec![
            tauri::async_runtime::spawn(run(syncer.clone(), stopped.clone())),
            tauri::async_runtime::spawn(listen(syncer.clone(), stopped)),
        ];
        *locked(&syncer.handles) = handles;
        syncer
    }

    /// Stops the loops and any sync in progress.
    pub async fn stop(&self) {
        let _ = self.stop.send(true);
        drop(self.exclusive().await);
        let handles = std::mem::take(&mut *locked(&self.handles));
        for handle in handles {
            if tokio::time::timeout(Duration::from_secs(5), handle).await.is_err() {
                tracing::warn!("a sync loop did not stop in time");
            }
        }
    }

    /// Stops the sync in progress and keeps others out while the guard lives: for locking
    /// and signing out.
    pub async fn exclusive(&self) -> MutexGuard<'_, ()> {
        self.cancel.send_modify(|n| *n += 1);
        self.one.lock().await
    }

    /// Asks the loop to sync at its next look (after a sign-in).
    pub fn soon(&self) {
        *locked(&self.next) = Some(Instant::now());
    }

    /// Forgets the last attempt's error (a sign-in or sign-out starts afresh).
    pub fn clear_error(&self) {
        *locked(&self.last_code) = None;
    }

    pub async fn view(&self, store: &Store) -> Result<SyncView, ApiError> {
        Ok(SyncView {
            status: store.sync_status().await?,
            error_code: *locked(&self.last_code),
            syncing: self.syncing.load(Ordering::SeqCst),
        })
    }

    /// Sends the status to the window.
    pub async fn publish(&self, store: &Store) {
        match self.view(store).await {
            Ok(view) => {
                if let Err(e) = self.app.emit(STATUS_EVENT, view) {
                    tracing::warn!(error = %e, "could not send the sync status");
                }
            }
            Err(e) => tracing::warn!(error = %e.message, "could not read the sync status"),
        }
    }

    /// Tells the window that records changed (synced in, or a conflict settled here), so
    /// open views read again.
    pub fn data_changed(&self) {
        if let Err(e) = self.app.emit(DATA_CHANGED_EVENT, ()) {
            tracing::warn!(error = %e, "could not tell the window about changed data");
        }
    }

    /// One sync, waiting for one in progress to finish first. Not signed in is
    /// `not_signed_in`; locking or signing out meanwhile stops it with `cancelled`.
    pub async fn sync(&self) -> Result<SyncOutcome, ApiError> {
        let asked = *self.cancel.borrow();
        let _one = self.one.lock().await;
        let mut cancelled = self.cancel.subscribe();
        // Stopped while waiting for the sync before (the store is being locked).
        if *cancelled.borrow_and_update() != asked {
            return Err(stopped_error());
        }
        let store = self.session.store().await?;
        if !store.sync_status().await?.signed_in {
            return Err(api_error(rapport_sync::SyncError::NotSignedIn));
        }
        self.syncing.store(true, Ordering::SeqCst);
        self.publish(&store).await;
        let result = tokio::select! {
            r = rapport_sync::sync(&store) => Some(r),
            _ = cancelled.changed() => None,
        };
        self.syncing.store(false, Ordering::SeqCst);
        *locked(&self.next) = Some(Instant::now() + EVERY);
        let Some(result) = result else {
            return Err(stopped_error());
        };
        *locked(&self.last_code) = result.as_ref().err().map(error_code);
        self.publish(&store).await;
        let report = result.map_err(api_error)?;
        if report.received > 0 || report.rebuilt > 0 {
            self.data_changed();
        }
        Ok(SyncOutcome {
            pushed: report.pushed,
            received: report.received,
            from_snapshot: report.from_snapshot,
        })
    }
}

fn stopped_error() -> ApiError {
    ApiError {
        code: ErrorCode::Cancelled,
        message: "sync stopped because the store was locked or this device signed out; \
                  nothing was lost"
            .into(),
    }
}

/// The open store's local changes, and which store they are of (a lock and unlock opens
/// another; held weakly so this loop never keeps a locked store alive).
type Watched = (Weak<Store>, watch::Receiver<u64>);

/// Resolves when the watched store records a local change; never without one.
async fn local_change(watched: &mut Option<Watched>) {
    match watched {
        Some((_, changes)) => {
            if changes.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

async fn run(syncer: Arc<Syncer>, mut stopped: watch::Receiver<bool>) {
    let mut poll = tokio::time::interval(POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut watched: Option<Watched> = None;
    loop {
        let changed = tokio::select! {
            _ = stopped.changed() => break,
            _ = poll.tick() => false,
            _ = local_change(&mut watched) => true,
        };
        let Ok(store) = syncer.session.store().await else {
            *locked(&syncer.next) = None;
            watched = None;
            continue;
        };
        if !watched.as_ref().is_some_and(|(w, _)| std::ptr::eq(w.as_ptr(), Arc::as_ptr(&store))) {
            watched = Some((Arc::downgrade(&store), store.local_changes()));
        }
        drop(store);
        let now = Instant::now();
        let due = {
            let mut next = locked(&syncer.next);
            match *next {
                // Just unlocked: a local change is not a reason to skip the settling delay.
                None => {
                    *next = Some(now + AFTER_UNLOCK);
                    false
                }
                Some(_) if changed => true,
                Some(at) => at <= now,
            }
        };
        if !due {
            continue;
        }
        match syncer.sync().await {
            Ok(_) => {}
            // Signed out, or locked meanwhile: nothing to do until that changes.
            Err(e)
                if matches!(
                    e.code,
                    ErrorCode::NotSignedIn | ErrorCode::Locked | ErrorCode::Cancelled
                ) =>
            {
                *locked(&syncer.next) = Some(Instant::now() + EVERY);
            }
            // Recorded in the status (and sent to the window) by `sync`.
            Err(e) => tracing::info!(code = ?e.code, "background sync: {}", e.message),
        }
    }
}

/// Sleeps `d`; false when the syncer is stopping meanwhile.
async fn pause(stopped: &mut watch::Receiver<bool>, d: Duration) -> bool {
    tokio::select! {
        _ = stopped.changed() => false,
        _ = tokio::time::sleep(d) => true,
    }
}

/// The long poll: while open and signed in, waits for a teammate's push and then syncs.
async fn listen(syncer: Arc<Syncer>, mut stopped: watch::Receiver<bool>) {
    loop {
        // Read what the poll needs and let go of the store: locking must not wait for it.
        let account = match syncer.session.store().await {
            Ok(store) => store.sync_account().await.ok().flatten(),
            Err(_) => None,
        };
        let Some(account) = account else {
            if !pause(&mut stopped, LISTEN_IDLE).await {
                break;
            }
            continue;
        };
        let news = tokio::select! {
            _ = stopped.changed() => break,
            r = rapport_sync::wait_for_changes(&account, LISTEN) => r,
        };
        let ok = match news {
            Ok(false) => true,
            Ok(true) => syncer.sync().await.is_ok(),
            // Offline, signed out, an old client: the periodic sync reports it in words.
            Err(e) => {
                tracing::debug!(code = e.code(), "long poll: {e}");
                false
            }
        };
        if !ok && !pause(&mut stopped, LISTEN_BACKOFF).await {
            break;
        }
    }
}

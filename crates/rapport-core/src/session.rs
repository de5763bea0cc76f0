//! The app's view of its store: not yet created, locked, open, or unopenable. The desktop
//! shell holds one `Session`; every command asks it for the open store.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, RwLock};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::clock::SharedClock;
use crate::customers::{CustomerPage, CustomerQuery};
use crate::error::{ApiError, Error, ErrorCode, Result};
use crate::info::StoreInfo;
use crate::keys::{self, keychain_available, Protection, Unlock};
use crate::store::{Store, StoreKind};

/// Customers generated into a store the app creates on first run.
pub const FIRST_RUN_DEMO_CUSTOMERS: u32 = 240;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum StoreStatus {
    Ready {
        data_dir: String,
        #[ts(type = "number")]
        customers: u64,
    },
    NeedsSetup {
        data_dir: String,
        keychain_available: bool,
    },
    NeedsPassphrase {
        data_dir: String,
        /// `true`: a keychain store the user locked; `unlock` with no passphrase opens it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        keychain: Option<bool>,
    },
    CannotOpen {
        data_dir: String,
        code: ErrorCode,
        message: String,
    },
}

/// What a window needs for its first screen, in one answer (see [`Session::start_up`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StartUp {
    pub status: StoreStatus,
    /// The first page the window asked for, when the store is open; `None` also when reading
    /// it failed (the window then asks again and shows that error).
    pub first_page: Option<CustomerPage>,
}

#[derive(Debug)]
pub struct Session {
    dir: PathBuf,
    clock: SharedClock,
    store: RwLock<Option<Arc<Store>>>,
    /// Set by `lock`, cleared by `unlock`/`create`: a locked keychain store stays locked
    /// (rather than `status` re-opening it from the keychain at once).
    user_locked: AtomicBool,
    /// One key-file change at a time.
    protection_change: Mutex<()>,
}

impl Session {
    pub fn new(dir: impl Into<PathBuf>, clock: SharedClock) -> Self {
        Session {
            dir: dir.into(),
            clock,
            store: RwLock::new(None),
            user_locked: AtomicBool::new(false),
            protection_change: Mutex::new(()),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The open store, or `Locked`.
    pub async fn store(&self) -> std::result::Result<Arc<Store>, ApiError> {
        self.store.read().await.clone().ok_or_else(locked)
    }

    /// Whether a store is open right now (no I/O).
    pub async fn is_open(&self) -> bool {
        self.store.read().await.is_some()
    }

    /// Where the store stands; opens a keychain-protected store on the way, unless the
    /// user locked it.
    pub async fn status(&self) -> StoreStatus {
        if let Some(store) = self.store.read().await.clone() {
            return self.ready(&store).await;
        }
        if self.user_locked.load(Ordering::SeqCst) {
            return match Store::inspect(&self.dir) {
                Ok(kind @ (StoreKind::Keychain | StoreKind::Passphrase)) => {
                    StoreStatus::NeedsPassphrase {
                        data_dir: self.data_dir(),
                        keychain: (kind == StoreKind::Keychain).then_some(true),
                    }
                }
                Ok(StoreKind::Missing) => StoreStatus::NeedsSetup {
                    data_dir: self.data_dir(),
                    keychain_available: tokio::task::spawn_blocking(keychain_available)
                        .await
                        .unwrap_or(false),
                },
                Err(e) => self.cannot_open(&e),
            };
        }
        match Store::inspect(&self.dir) {
            Ok(StoreKind::Missing) => StoreStatus::NeedsSetup {
                data_dir: self.data_dir(),
                keychain_available: tokio::task::spawn_blocking(keychain_available)
                    .await
                    .unwrap_or(false),
            },
            Ok(StoreKind::Passphrase) => match std::env::var("RAPPORT_PASSPHRASE") {
                Ok(p) if !p.is_empty() => {
                    self.unlock(Some(&p)).await.unwrap_or_else(|e| self.cannot_open(&e))
                }
                _ => StoreStatus::NeedsPassphrase { data_dir: self.data_dir(), keychain: None },
            },
            Ok(StoreKind::Keychain) => match self.open(Unlock::default()).await {
                Ok(s) => s,
                Err(e) => self.cannot_open(&e),
            },
            Err(e) => self.cannot_open(&e),
        }
    }

    /// The status and, if the store is open, the page `first` of the list: one after the other
    /// on one pooled connection (warm from the shell's warm-up), rather than two requests
    /// racing for two connections, the second with a cold page cache. When `first` lists
    /// everyone, its total is the status's count (not counted twice).
    pub async fn start_up(&self, first: &CustomerQuery) -> StartUp {
        let open = self.store.read().await.clone();
        let Some(store) = open else {
            // Not open yet: the status opens it when it needs no one's input.
            let status = self.status().await;
            let first_page = match (&status, self.store.read().await.clone()) {
                (StoreStatus::Ready { .. }, Some(store)) => store.customer_page(first).await.ok(),
                _ => None,
            };
            return StartUp { status, first_page };
        };
        match store.customer_page(first).await {
            Ok(page) if first.is_everyone() => StartUp {
                status: StoreStatus::Ready { data_dir: self.data_dir(), customers: page.total },
                first_page: Some(page),
            },
            page => StartUp { status: self.ready(&store).await, first_page: page.ok() },
        }
    }

    /// Unlocks the store: a passphrase store with its passphrase, a keychain store (one
    /// the user locked) with none (`None` or empty). Already open: just the status.
    pub async fn unlock(&self, passphrase: Option<&str>) -> Result<StoreStatus> {
        let passphrase = passphrase.filter(|p| !p.is_empty());
        self.open(Unlock { passphrase: passphrase.map(|p| Zeroizing::new(p.to_string())) }).await
    }

    async fn open(&self, unlock: Unlock) -> Result<StoreStatus> {
        let mut slot = self.store.write().await;
        // A second unlock (double click, two windows) must not open a second pool.
        if let Some(store) = slot.clone() {
            drop(slot);
            return Ok(self.ready(&store).await);
        }
        let store = Arc::new(Store::open(&self.dir, &unlock, self.clock.clone()).await?);
        *slot = Some(store.clone());
        self.user_locked.store(false, Ordering::SeqCst);
        drop(slot);
        Ok(self.ready(&store).await)
    }

    /// First run: creates the store (keychain, or the given passphrase) with demo data.
    pub async fn create(&self, passphrase: Option<&str>) -> Result<StoreStatus> {
        let protection = match passphrase {
            Some(p) => Protection::Passphrase(Zeroizing::new(p.to_string())),
            None => Protection::Keychain,
        };
        let store = Arc::new(Store::init(&self.dir, protection, self.clock.clone()).await?);
        let seed = self.clock.now().timestamp_millis() as u64;
        store.demo(FIRST_RUN_DEMO_CUSTOMERS, seed).await?;
        *self.store.write().await = Some(store.clone());
        self.user_locked.store(false, Ordering::SeqCst);
        Ok(self.ready(&store).await)
    }

    /// Locks: closes the store (checkpointing its WAL) and forgets the key; it stays
    /// locked until `unlock`, even when the keychain could open it. Also what the app
    /// calls on exit.
    pub async fn lock(&self) {
        let mut slot = self.store.write().await;
        self.user_locked.store(true, Ordering::SeqCst);
        if let Some(store) = slot.take() {
            store.close().await;
        }
    }

    /// Re-protects the open store's key (see [`keys::change_protection`]): keychain →
    /// passphrase (`current` none), new passphrase, or passphrase → keychain (`next` none).
    /// The store stays open; the database is not touched.
    pub async fn change_protection(
        &self,
        current: Option<&str>,
        next: Option<&str>,
    ) -> std::result::Result<StoreInfo, ApiError> {
        let _one_at_a_time = self.protection_change.lock().await;
        // Held throughout, so the store can't be locked half-way.
        let slot = self.store.read().await;
        let store = slot.clone().ok_or_else(locked)?;
        let dir = self.dir.clone();
        let current = current.map(|c| Zeroizing::new(c.to_string()));
        let next = next.map(|n| Zeroizing::new(n.to_string()));
        // Argon2 and the keychain block: off the async threads.
        tokio::task::spawn_blocking(move || {
            keys::change_protection(
                &dir,
                current.as_deref().map(|c| c.as_str()),
                next.as_deref().map(|n| n.as_str()),
            )
        })
        .await
        .map_err(|e| Error::Internal(format!("changing the protection stopped: {e}")))??;
        Ok(store.info().await?)
    }

    /// Replaces the open store's data with a backup ([`Store::restore`]): checks the
    /// backup first (nothing is replaced if it is unusable), keeps the current data in
    /// `backups/pre-restore-*.db`, closes the store, swaps the files and reopens. Every
    /// command waits meanwhile. If it fails after the close, whatever database is in
    /// place is reopened (the old one unless the swap completed).
    pub async fn restore(&self, backup: &Path) -> std::result::Result<StoreStatus, ApiError> {
        let mut slot = self.store.write().await;
        let store = slot.clone().ok_or_else(locked)?;
        match store.restore(backup).await {
            Ok((restored, report)) => {
                tracing::info!(from = %report.restored_from.display(), kept = %report.previous_store.display(), "restored a backup");
                let restored = Arc::new(restored);
                *slot = Some(restored.clone());
                drop(slot);
                Ok(self.ready(&restored).await)
            }
            Err(e) => {
                if store.is_closed() {
                    *slot = match store.reopen().await {
                        Ok(s) => Some(Arc::new(s)),
                        Err(reopen) => {
                            tracing::error!(error = %reopen, "reopening after a failed restore");
                            None
                        }
                    };
                }
                Err(e.into())
            }
        }
    }

    /// Erases a customer everywhere (see [`Store::erase_customer`]).
    pub async fn erase_customer(&self, id: uuid::Uuid) -> std::result::Result<(), ApiError> {
        self.store().await?.erase_customer(id).await?;
        Ok(())
    }

    async fn ready(&self, store: &Store) -> StoreStatus {
        match store.count_customers(&Default::default()).await {
            Ok(customers) => StoreStatus::Ready { data_dir: self.data_dir(), customers },
            Err(e) => self.cannot_open(&e),
        }
    }

    fn cannot_open(&self, e: &Error) -> StoreStatus {
        let api = ApiError::from(e);
        StoreStatus::CannotOpen { data_dir: self.data_dir(), code: api.code, message: api.message }
    }

    fn data_dir(&self) -> String {
        self.dir.display().to_string()
    }
}

fn locked() -> ApiError {
    ApiError { code: ErrorCode::Locked, message: "the store is locked; unlock it first".into() }
}

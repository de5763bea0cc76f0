//! The app's view of its store: not yet created, locked, open, or unopenable. The desktop
//! shell holds one `Session`; every command asks it for the open store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::clock::SharedClock;
use crate::error::{ApiError, Error, ErrorCode, Result};
use crate::keys::{keychain_available, Protection, Unlock};
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
    },
    CannotOpen {
        data_dir: String,
        code: ErrorCode,
        message: String,
    },
}

#[derive(Debug)]
pub struct Session {
    dir: PathBuf,
    clock: SharedClock,
    store: RwLock<Option<Arc<Store>>>,
}

impl Session {
    pub fn new(dir: impl Into<PathBuf>, clock: SharedClock) -> Self {
        Session { dir: dir.into(), clock, store: RwLock::new(None) }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The open store, or `Locked`.
    pub async fn store(&self) -> std::result::Result<Arc<Store>, ApiError> {
        self.store.read().await.clone().ok_or(ApiError {
            code: ErrorCode::Locked,
            message: "the store is locked; unlock it first".into(),
        })
    }

    /// Where the store stands; opens a keychain-protected store on the way.
    pub async fn status(&self) -> StoreStatus {
        if let Some(store) = self.store.read().await.clone() {
            return self.ready(&store).await;
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
                    self.unlock(&p).await.unwrap_or_else(|e| self.cannot_open(&e))
                }
                _ => StoreStatus::NeedsPassphrase { data_dir: self.data_dir() },
            },
            Ok(StoreKind::Keychain) => match self.open(Unlock::default()).await {
                Ok(s) => s,
                Err(e) => self.cannot_open(&e),
            },
            Err(e) => self.cannot_open(&e),
        }
    }

    /// Unlocks a passphrase-protected store. A wrong passphrase is an error (the UI asks
    /// again); any other failure is reported as a status.
    pub async fn unlock(&self, passphrase: &str) -> Result<StoreStatus> {
        self.open(Unlock { passphrase: Some(Zeroizing::new(passphrase.to_string())) }).await
    }

    async fn open(&self, unlock: Unlock) -> Result<StoreStatus> {
        let store = Arc::new(Store::open(&self.dir, &unlock, self.clock.clone()).await?);
        *self.store.write().await = Some(store.clone());
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
        Ok(self.ready(&store).await)
    }

    /// Locks: closes the store (checkpointing its WAL) and forgets the key. Also what
    /// the app calls on exit.
    pub async fn lock(&self) {
        if let Some(store) = self.store.write().await.take() {
            store.close().await;
        }
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

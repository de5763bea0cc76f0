//! What every command needs: where the store is, how to print, what time it is.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, Context as _};
use rapport_core::{FixedClock, Protection, SharedClock, Store, SystemClock, Unlock};
use uuid::Uuid;
use zeroize::Zeroizing;

pub struct Context {
    pub dir: PathBuf,
    pub json: bool,
    pub clock: SharedClock,
}

impl Context {
    pub fn new(dir: Option<PathBuf>, json: bool, now: Option<&str>) -> anyhow::Result<Self> {
        let dir = match dir {
            Some(d) => d,
            None => dirs::data_dir()
                .ok_or_else(|| anyhow!("no data directory on this system; pass --data-dir"))?
                .join("rapport"),
        };
        let clock: SharedClock = match now {
            Some(t) => Arc::new(FixedClock(
                chrono::DateTime::parse_from_rfc3339(t)
                    .with_context(|| {
                        format!("--now `{t}` is not an RFC 3339 time like 2026-11-22T09:00:00Z")
                    })?
                    .to_utc(),
            )),
            None => Arc::new(SystemClock),
        };
        Ok(Context { dir, json, clock })
    }

    pub fn passphrase() -> Option<Zeroizing<String>> {
        std::env::var("RAPPORT_PASSPHRASE").ok().filter(|p| !p.is_empty()).map(Zeroizing::new)
    }

    pub fn protection() -> Protection {
        match Self::passphrase() {
            Some(p) => Protection::Passphrase(p),
            None => Protection::Keychain,
        }
    }

    pub async fn init(&self) -> rapport_core::Result<Store> {
        Store::init(&self.dir, Self::protection(), self.clock.clone()).await
    }

    pub async fn open(&self) -> rapport_core::Result<Store> {
        Store::open(&self.dir, &Unlock { passphrase: Self::passphrase() }, self.clock.clone()).await
    }

    /// Resolves a CUSTOMER argument (id, or a name or email matching exactly one).
    pub async fn customer(&self, store: &Store, query: &str) -> rapport_core::Result<Uuid> {
        store.resolve_customer(query).await
    }
}

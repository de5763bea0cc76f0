//! `rapport doctor`: a health report of the store.

use serde::Serialize;

use crate::error::Result;
use crate::keys::{self, KeyFileProtection};
use crate::store::{cipher_version, Store, DB_FILE};

#[derive(Debug, Serialize)]
pub struct DoctorReport {
    pub data_dir: String,
    pub schema_version: i64,
    pub cipher_version: String,
    pub integrity: String,
    pub journal_mode: String,
    pub key_protection: String,
    pub device_id: String,
    pub customers: i64,
    pub interactions: i64,
    pub followups: i64,
    pub deals: i64,
    pub outbox_ops: i64,
    pub database_bytes: u64,
    pub wal_bytes: u64,
}

impl DoctorReport {
    pub fn healthy(&self) -> bool {
        self.integrity == "ok" && !self.cipher_version.is_empty()
    }
}

impl Store {
    pub async fn doctor(&self) -> Result<DoctorReport> {
        let pool = self.pool();
        let count = |table: &'static str| async move {
            sqlx::query_scalar::<_, i64>(&format!("SELECT count(*) FROM {table}"))
                .fetch_one(pool)
                .await
        };
        let integrity: Vec<String> =
            sqlx::query_scalar("PRAGMA integrity_check").fetch_all(pool).await?;
        let key_protection = match keys::read_key_file(self.dir())? {
            Some(f) => match f.protection {
                KeyFileProtection::Keychain { .. } => "system keychain".to_string(),
                KeyFileProtection::Passphrase { kdf, .. } => {
                    format!("passphrase ({})", kdf.algorithm)
                }
            },
            None => "missing key file".to_string(),
        };
        let size =
            |name: &str| std::fs::metadata(self.dir().join(name)).map(|m| m.len()).unwrap_or(0);
        Ok(DoctorReport {
            data_dir: self.dir().display().to_string(),
            schema_version: sqlx::query_scalar("PRAGMA user_version").fetch_one(pool).await?,
            cipher_version: cipher_version(pool).await?,
            integrity: integrity.join("; "),
            journal_mode: sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await?,
            key_protection,
            device_id: self.device_id().to_string(),
            customers: count("customers WHERE deleted_at IS NULL").await?,
            interactions: count("interactions WHERE deleted_at IS NULL").await?,
            followups: count("followups WHERE deleted_at IS NULL").await?,
            deals: count("deals WHERE deleted_at IS NULL").await?,
            outbox_ops: count("ops WHERE pushed = 0").await?,
            database_bytes: size(DB_FILE),
            wal_bytes: size(&format!("{DB_FILE}-wal")),
        })
    }
}

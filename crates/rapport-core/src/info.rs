//! What the settings screen shows about the store: where it is, how it is protected, how
//! big it is.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::keys::{self, ProtectionKind};
use crate::store::{Store, DB_FILE};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct StoreInfo {
    pub data_dir: String,
    pub protection: ProtectionKind,
    #[ts(type = "number")]
    pub customers: u64,
    #[ts(type = "number")]
    pub interactions: u64,
    #[ts(type = "number")]
    pub schema_version: i64,
    /// The database and its write-ahead log, in bytes.
    #[ts(type = "number")]
    pub size_bytes: u64,
}

impl Store {
    pub async fn info(&self) -> Result<StoreInfo> {
        let file = keys::read_key_file(self.dir())?
            .ok_or_else(|| Error::NotInitialized(self.dir().to_path_buf()))?;
        let (customers, interactions, schema_version): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM customers WHERE deleted_at IS NULL),
                    (SELECT count(*) FROM interactions WHERE deleted_at IS NULL),
                    (SELECT user_version FROM pragma_user_version)",
        )
        .fetch_one(self.pool())
        .await?;
        let db = self.dir().join(DB_FILE);
        let size = |p: std::path::PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
        Ok(StoreInfo {
            data_dir: self.dir().display().to_string(),
            protection: keys::kind_of(&file),
            customers: customers as u64,
            interactions: interactions as u64,
            schema_version,
            size_bytes: size(db.clone()) + size(db.with_extension("db-wal")),
        })
    }
}

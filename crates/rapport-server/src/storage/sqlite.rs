//! SQLite: the default, one file next to the server (WAL, so pulls read while a push
//! writes). The same SQLite library rapport-core links (SQLCipher), without a key.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Pool, Sqlite};

use super::sql::sql_storage;
use super::StorageError;

pub struct SqliteStorage {
    pool: Pool<Sqlite>,
}

impl SqliteStorage {
    /// Opens `sqlite://PATH`, creating the file and migrating it as needed.
    pub async fn open(url: &str) -> Result<Self, StorageError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            // An erased record's payloads are overwritten with zeros when deleted, not
            // left in free space.
            .pragma("secure_delete", "ON")
            // Pushes take turns on the write lock; a waiting one waits, not fails.
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok(SqliteStorage { pool })
    }

    /// After a push that forgot erased records: the WAL still holds the pages as they were
    /// before, payloads included, until a checkpoint copies the new ones over and cuts it
    /// to zero bytes.
    async fn after_erasure(&self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await {
            tracing::warn!(error = %e, "WAL checkpoint after an erasure");
        }
    }
}

sql_storage!(SqliteStorage, Sqlite, "sqlite");

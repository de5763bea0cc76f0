//! PostgreSQL: for a team's server that runs as several instances, all on one database.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection as _, PgConnection, Pool, Postgres};

use super::sql::sql_storage;
use super::StorageError;

pub struct PostgresStorage {
    pool: Pool<Postgres>,
}

impl PostgresStorage {
    /// Opens `postgres://…` and migrates it (sqlx takes an advisory lock, so instances
    /// starting together migrate once).
    pub async fn open(url: &str) -> Result<Self, StorageError> {
        let options = PgConnectOptions::from_str(url)?;
        // One connection first: a pool only reports "timed out", this says why (refused,
        // bad password, no such database).
        PgConnection::connect_with(&options).await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStorage { pool })
    }

    /// Deleted rows stay in their pages until (auto)vacuum reuses them; nothing to do here
    /// (see ARCHITECTURE.md, "What the server sees").
    async fn after_erasure(&self) {}
}

sql_storage!(PostgresStorage, Postgres, "postgres");

//! PostgreSQL: for a team's server that runs as several instances, all on one database.

use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::{Pool, Postgres};

use super::sql::sql_storage;
use super::StorageError;

pub struct PostgresStorage {
    pool: Pool<Postgres>,
}

impl PostgresStorage {
    /// Opens `postgres://…` and migrates it (sqlx takes an advisory lock, so instances
    /// starting together migrate once).
    pub async fn open(url: &str) -> Result<Self, StorageError> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStorage { pool })
    }
}

sql_storage!(PostgresStorage, "postgres");

//! Schema migrations: numbered SQL files applied in order, each in one transaction that
//! also bumps `PRAGMA user_version`. A store that already holds data is backed up first.

use std::path::Path;

use sqlx::SqlitePool;

use crate::clock::Clock;
use crate::error::{Error, Result};

/// (version, SQL). Append only; never edit a released migration.
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../migrations/0001_init.sql")),
    (2, include_str!("../migrations/0002_default_stages.sql")),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(crate) async fn run(pool: &SqlitePool, dir: &Path, clock: &dyn Clock) -> Result<()> {
    let current: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(pool).await?;
    if current > SCHEMA_VERSION {
        return Err(Error::StoreTooNew {
            path: dir.to_path_buf(),
            found: current,
            known: SCHEMA_VERSION,
        });
    }
    let pending: Vec<_> = MIGRATIONS.iter().filter(|(v, _)| *v > current).collect();
    if pending.is_empty() {
        return Ok(());
    }
    if current > 0 {
        let name = format!("pre-migration-v{current}-{}.db", clock.now().format("%Y%m%dT%H%M%SZ"));
        crate::backup::backup_to(pool, &dir.join("backups").join(name)).await?;
    }
    for (version, sql) in pending {
        let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
        sqlx::query(sql).persistent(false).execute(&mut *tx).await.map_err(|e| {
            Error::Internal(format!("migration {version} failed, nothing was changed: {e}"))
        })?;
        // PRAGMA takes no bind parameters; the version is our own constant.
        sqlx::query(&format!("PRAGMA user_version = {version}"))
            .persistent(false)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version, "applied migration");
    }
    Ok(())
}

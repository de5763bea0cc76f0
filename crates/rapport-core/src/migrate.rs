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
    (3, include_str!("../migrations/0003_cadence.sql")),
    (4, include_str!("../migrations/0004_lead_scoring.sql")),
    (5, include_str!("../migrations/0005_followup_rules.sql")),
    (6, include_str!("../migrations/0006_interaction_cover.sql")),
    (7, include_str!("../migrations/0007_list_and_search.sql")),
    (8, include_str!("../migrations/0008_notifications.sql")),
    (9, include_str!("../migrations/0009_import.sql")),
    (10, include_str!("../migrations/0010_merge.sql")),
    (11, include_str!("../migrations/0011_erasure.sql")),
    (12, include_str!("../migrations/0012_search.sql")),
    (13, include_str!("../migrations/0013_search_own.sql")),
    (14, include_str!("../migrations/0014_create_ops.sql")),
    (15, include_str!("../migrations/0015_sync_log.sql")),
    (16, include_str!("../migrations/0016_sync_conflicts.sql")),
    (17, include_str!("../migrations/0017_search_all.sql")),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

pub(crate) async fn run(pool: &SqlitePool, dir: &Path, clock: &dyn Clock) -> Result<()> {
    apply(pool, dir, clock, MIGRATIONS).await
}

async fn apply(
    pool: &SqlitePool,
    dir: &Path,
    clock: &dyn Clock,
    migrations: &[(i64, &str)],
) -> Result<()> {
    let known = migrations.last().map_or(0, |(v, _)| *v);
    let current: i64 = sqlx::query_scalar("PRAGMA user_version").fetch_one(pool).await?;
    if current > known {
        return Err(Error::StoreTooNew { path: dir.to_path_buf(), found: current, known });
    }
    let pending: Vec<_> = migrations.iter().filter(|(v, _)| *v > current).collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;

    async fn pool(dir: &Path) -> SqlitePool {
        let opts = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.join("m.db"))
            .pragma(
                "key",
                "\"x'0101010101010101010101010101010101010101010101010101010101010101'\"",
            )
            .create_if_missing(true);
        SqlitePool::connect_with(opts).await.unwrap()
    }

    async fn version_and_rows(pool: &SqlitePool) -> (i64, i64) {
        let v = sqlx::query_scalar("PRAGMA user_version").fetch_one(pool).await.unwrap();
        let n = sqlx::query_scalar("SELECT count(*) FROM t").fetch_one(pool).await.unwrap();
        (v, n)
    }

    #[tokio::test]
    async fn a_failing_migration_rolls_back_whole_after_a_backup_then_applies_once_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let pool = pool(dir.path()).await;
        let clock = FixedClock(chrono::DateTime::UNIX_EPOCH);
        let v1 = (1, "CREATE TABLE t (x INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);");
        apply(&pool, dir.path(), &clock, &[v1]).await.unwrap();
        assert_eq!(version_and_rows(&pool).await, (1, 1));
        assert!(!dir.path().join("backups").exists(), "nothing to back up in a new store");

        // The second statement fails after the first succeeded: nothing may stick.
        let broken = (2, "INSERT INTO t VALUES (2); INSERT INTO t VALUES (1);");
        let err = apply(&pool, dir.path(), &clock, &[v1, broken]).await.unwrap_err();
        assert!(err.to_string().contains("migration 2 failed"), "{err}");
        assert_eq!(version_and_rows(&pool).await, (1, 1));
        let backups = std::fs::read_dir(dir.path().join("backups")).unwrap().count();
        assert_eq!(backups, 1);

        let fixed = (2, "INSERT INTO t VALUES (2);");
        let v3 = (3, "INSERT INTO t VALUES (3);");
        std::fs::remove_dir_all(dir.path().join("backups")).unwrap();
        apply(&pool, dir.path(), &clock, &[v1, fixed, v3]).await.unwrap();
        assert_eq!(version_and_rows(&pool).await, (3, 3));
        let err = apply(&pool, dir.path(), &clock, &[v1, fixed]).await.unwrap_err();
        assert!(matches!(err, Error::StoreTooNew { found: 3, known: 2, .. }), "{err}");
    }
}

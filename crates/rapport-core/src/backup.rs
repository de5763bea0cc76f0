//! Online, encrypted backups: `VACUUM INTO` on SQLCipher writes a consistent copy that is
//! encrypted with the same key, while the store stays open.

use std::path::Path;

use sqlx::SqlitePool;

use crate::error::{Error, Result};

pub(crate) async fn backup_to(pool: &SqlitePool, target: &Path) -> Result<()> {
    if target.exists() {
        return Err(Error::AlreadyExists(format!("{} already exists", target.display())));
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| Error::io(format!("creating {}", parent.display()), e))?;
    }
    let path =
        target.to_str().ok_or_else(|| Error::invalid("backup path", "must be valid UTF-8"))?;
    sqlx::query("VACUUM INTO ?").bind(path).execute(pool).await?;
    Ok(())
}

impl crate::Store {
    /// Writes an encrypted, consistent copy of the store to `target` (which must not exist).
    pub async fn backup(&self, target: &Path) -> Result<()> {
        backup_to(self.pool(), target).await
    }
}

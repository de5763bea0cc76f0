//! Privacy and backup: erasing a customer everywhere, an encrypted backup now, restoring one.

use std::path::PathBuf;

use rapport_core::{ApiError, BackupInfo, StoreStatus};

use super::args::id;
use super::{invalid, task, Res, Shared};

const MAX_PATH: usize = 4096;

/// A path from a dialog or a text field: absolute, and not absurdly long.
fn path(field: &str, value: &str) -> Res<PathBuf> {
    if value.len() > MAX_PATH {
        return Err(invalid(format!("{field}: longer than {MAX_PATH} bytes")));
    }
    let p = PathBuf::from(value);
    if !p.is_absolute() {
        return Err(invalid(format!("{field}: must be an absolute path")));
    }
    Ok(p)
}

#[tauri::command]
pub async fn erase_customer(session: Shared<'_>, id: String) -> Res<()> {
    let id = self::id("id", &id)?;
    let session = session.inner().clone();
    task(async move { session.erase_customer(id).await }).await
}

#[tauri::command]
pub async fn backup_now(session: Shared<'_>, path: String) -> Res<BackupInfo> {
    let target = self::path("path", &path)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.backup(&target).await.map_err(ApiError::from)
    })
    .await
}

/// Checks the backup, keeps the current data in `backups/pre-restore-*.db`, swaps the
/// files and reopens: the UI gets the reopened store's status.
#[tauri::command]
pub async fn restore_backup(session: Shared<'_>, path: String) -> Res<StoreStatus> {
    let backup = self::path("path", &path)?;
    let session = session.inner().clone();
    task(async move { session.restore(&backup).await }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_be_absolute_and_bounded() {
        assert!(path("path", "backup.db")
            .unwrap_err()
            .message
            .contains("path: must be an absolute path"));
        let long = format!("/{}", "a".repeat(MAX_PATH));
        assert!(path("path", &long).unwrap_err().message.contains("path: longer than 4096 bytes"));
        assert!(path("path", "/tmp/backup.db").is_ok());
    }
}

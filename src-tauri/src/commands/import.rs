//! Importing files: a dry run, the import itself as a cancellable task, past imports and
//! undo, and saved column mappings. Paths come from a native dialog or a text field; the
//! command reads the file itself (absolute path, at most 200 MiB).

use std::path::PathBuf;
use std::sync::Arc;

use rapport_core::import::{
    ColumnMapping, ImportBatch, ImportOptions, ImportPreview, SavedMapping, MAX_FILE_BYTES,
};
use tauri::{AppHandle, State};

use super::{args, invalid, task, Res, Shared};
use crate::tasks::Tasks;

const MAX_PATH_BYTES: usize = 4096;

/// An absolute path of at most 4096 bytes, as the webview sent it.
pub(crate) fn path_arg(field: &str, path: &str) -> Res<PathBuf> {
    if path.len() > MAX_PATH_BYTES {
        return Err(invalid(format!("{field}: longer than {MAX_PATH_BYTES} bytes")));
    }
    let p = PathBuf::from(path);
    if !p.is_absolute() {
        return Err(invalid(format!("{field}: must be an absolute path")));
    }
    Ok(p)
}

fn check_options(o: &ImportOptions) -> Res<()> {
    args::capped_opt("options.encoding", o.encoding.as_deref(), 64)?;
    if let Some(m) = &o.mapping {
        check_mapping("options.mapping", m)?;
    }
    Ok(())
}

fn check_mapping(field: &str, m: &ColumnMapping) -> Res<()> {
    if m.columns.len() > 1000 {
        return Err(invalid(format!("{field}: more than 1000 columns")));
    }
    for c in &m.columns {
        args::capped(&format!("{field}.column"), &c.column, 200)?;
        args::capped_opt(&format!("{field}.field"), c.field.as_deref(), 200)?;
    }
    Ok(())
}

/// Reads the file to import (off the async threads), refusing anything over 200 MiB.
async fn read_file(path: PathBuf) -> Res<(String, Vec<u8>)> {
    let name = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    tauri::async_runtime::spawn_blocking(move || {
        let meta = std::fs::metadata(&path)
            .map_err(|e| invalid(format!("path: cannot read {}: {e}", path.display())))?;
        if !meta.is_file() {
            return Err(invalid(format!("path: {} is not a file", path.display())));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(invalid(format!(
                "path: {} is {} MiB; files over {} MiB are not imported",
                path.display(),
                meta.len() / (1024 * 1024),
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| invalid(format!("path: cannot read {}: {e}", path.display())))?;
        Ok((name, bytes))
    })
    .await
    .map_err(|_| invalid("path: the file could not be read"))?
}

/// The dry run: what importing the file would do, row by row. Writes nothing.
#[tauri::command]
pub async fn import_preview(
    session: Shared<'_>,
    path: String,
    options: ImportOptions,
) -> Res<ImportPreview> {
    let path = path_arg("path", &path)?;
    check_options(&options)?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        let (name, bytes) = read_file(path).await?;
        Ok(store.import_preview(&name, &bytes, &options).await?)
    })
    .await
}

/// Starts the import as a task ("task-progress" events, label "Importing NAME"); returns
/// its id. `cancel_task(id)` rolls it back.
#[tauri::command]
pub async fn start_import(
    app: AppHandle,
    session: Shared<'_>,
    tasks: State<'_, Arc<Tasks>>,
    path: String,
    options: ImportOptions,
) -> Res<String> {
    let path = path_arg("path", &path)?;
    check_options(&options)?;
    let session = session.inner().clone();
    let tasks = tasks.inner().clone();
    task(async move {
        let store = session.store().await?;
        let (name, bytes) = read_file(path).await?;
        tasks.start_import(app, store, name, bytes, options)
    })
    .await
}

/// Past imports, newest first.
#[tauri::command]
pub async fn import_batches(session: Shared<'_>) -> Res<Vec<ImportBatch>> {
    let session = session.inner().clone();
    task(async move { Ok(session.store().await?.import_batches().await?) }).await
}

/// Undoes an import (`null`: the latest one not yet undone).
#[tauri::command]
pub async fn undo_import(session: Shared<'_>, batch_id: Option<String>) -> Res<ImportBatch> {
    let batch = batch_id.as_deref().map(|b| args::id("batchId", b)).transpose()?;
    let session = session.inner().clone();
    task(async move { Ok(session.store().await?.undo_import(batch).await?) }).await
}

#[tauri::command]
pub async fn list_mappings(session: Shared<'_>) -> Res<Vec<SavedMapping>> {
    let session = session.inner().clone();
    task(async move { Ok(session.store().await?.list_mappings().await?) }).await
}

#[tauri::command]
pub async fn save_mapping(
    session: Shared<'_>,
    name: String,
    mapping: ColumnMapping,
) -> Res<SavedMapping> {
    args::capped("name", &name, 100)?;
    check_mapping("mapping", &mapping)?;
    let session = session.inner().clone();
    task(async move { Ok(session.store().await?.save_mapping(&name, &mapping).await?) }).await
}

#[tauri::command]
pub async fn delete_mapping(session: Shared<'_>, name: String) -> Res<()> {
    args::capped("name", &name, 100)?;
    let session = session.inner().clone();
    task(async move { Ok(session.store().await?.delete_mapping(&name).await?) }).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_be_absolute_and_bounded() {
        assert!(path_arg("path", "/tmp/contacts.csv").is_ok());
        assert_eq!(
            path_arg("path", "contacts.csv").unwrap_err().message,
            "path: must be an absolute path"
        );
        let long = format!("/{}", "a".repeat(4096));
        assert!(path_arg("path", &long).unwrap_err().message.contains("longer than 4096 bytes"));
    }
}

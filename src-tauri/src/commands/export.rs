//! Exporting to a file the user chose: JSON, CSV, vCard or iCalendar, for everyone or one
//! customer. The core writes a temp file beside the target and renames it, so a failed
//! export never leaves half a file.

use std::path::PathBuf;

use rapport_core::export_file::{ExportFormat, ExportSummary};
use rapport_core::ApiError;

use super::{args, invalid, task, Res, Shared};

/// The longest path accepted (bytes), as the contract says.
const MAX_PATH_BYTES: usize = 4096;

/// An absolute path of at most 4096 bytes.
pub(crate) fn export_path(field: &str, path: &str) -> Res<PathBuf> {
    if path.len() > MAX_PATH_BYTES {
        return Err(invalid(format!("{field}: longer than {MAX_PATH_BYTES} bytes")));
    }
    if path.contains('\0') {
        return Err(invalid(format!("{field}: contains a NUL character")));
    }
    let p = PathBuf::from(path);
    if !p.is_absolute() {
        return Err(invalid(format!("{field}: must be an absolute path")));
    }
    if p.file_name().is_none() {
        return Err(invalid(format!("{field}: must name a file")));
    }
    Ok(p)
}

/// Writes the export to `path` (replacing a file there: the save dialog asked already).
#[tauri::command]
pub async fn export_data(
    session: Shared<'_>,
    format: ExportFormat,
    path: String,
    customer_id: Option<String>,
) -> Res<ExportSummary> {
    let path = export_path("path", &path)?;
    let customer = customer_id.as_deref().map(|c| args::id("customer_id", c)).transpose()?;
    let session = session.inner().clone();
    task(async move {
        let store = session.store().await?;
        store.export_to_file(format, &path, customer, true).await.map_err(ApiError::from)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_must_be_absolute_files_and_not_too_long() {
        assert!(export_path("path", "/tmp/contacts.vcf").is_ok());
        let msg = |p: &str| export_path("path", p).unwrap_err().message;
        assert_eq!(msg("contacts.vcf"), "path: must be an absolute path");
        assert_eq!(msg("/"), "path: must name a file");
        assert_eq!(msg(&format!("/{}", "a".repeat(4096))), "path: longer than 4096 bytes");
        assert_eq!(msg("/tmp/a\0b"), "path: contains a NUL character");
    }
}

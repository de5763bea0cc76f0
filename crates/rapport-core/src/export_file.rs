//! Exporting in a chosen format (JSON, CSV, vCard, iCalendar) to bytes or to a file, for
//! everyone or one customer. A file is written whole or not at all: into a temp file beside
//! the target, synced, then renamed over it.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use uuid::Uuid;

use crate::customers::{Customer, CustomerFilter};
use crate::error::{Error, Result};
use crate::followups::FollowupScope;
use crate::import::Photo;
use crate::store::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Json,
    Csv,
    Vcard,
    Ics,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportSummary {
    pub path: String,
    pub format: ExportFormat,
    /// Customers (JSON, CSV, vCard) or calendar entries (iCalendar) written.
    #[ts(type = "number")]
    pub records: u64,
}

/// An export's content, before it goes anywhere.
#[derive(Debug, Clone)]
pub struct ExportBytes {
    pub bytes: Vec<u8>,
    pub records: u64,
}

impl Store {
    /// The export of everyone (`customer` `None`) or one customer, in `format`.
    pub async fn export_bytes(
        &self,
        format: ExportFormat,
        customer: Option<Uuid>,
    ) -> Result<ExportBytes> {
        match format {
            ExportFormat::Json => {
                let export = self.export(customer).await?;
                let records = export.customers.len() as u64;
                let mut bytes = serde_json::to_vec_pretty(&export)
                    .map_err(|e| Error::Internal(format!("export: {e}")))?;
                bytes.push(b'\n');
                Ok(ExportBytes { bytes, records })
            }
            ExportFormat::Csv => csv_export(self, customer).await,
            ExportFormat::Vcard => {
                let customers = self.customers_for_export(customer).await?;
                let photos = self.photos_for_export(&customers).await?;
                let text = crate::vcard::write_vcards(&customers, &photos);
                Ok(ExportBytes { bytes: text.into_bytes(), records: customers.len() as u64 })
            }
            ExportFormat::Ics => {
                let customers = self.customers_for_export(customer).await?;
                let followups = self.list_followups(FollowupScope::Open, customer).await?;
                let (text, records) = crate::ics::write_ics(&followups, &customers, self.now());
                Ok(ExportBytes { bytes: text.into_bytes(), records })
            }
        }
    }

    /// Writes the export to `path` atomically: a failed export leaves no file and never a
    /// half-written one. With `overwrite` false an existing file is refused.
    pub async fn export_to_file(
        &self,
        format: ExportFormat,
        path: &Path,
        customer: Option<Uuid>,
        overwrite: bool,
    ) -> Result<ExportSummary> {
        if !overwrite && path.exists() {
            return Err(Error::AlreadyExists(format!(
                "{} already exists (it must not exist yet)",
                path.display()
            )));
        }
        let export = self.export_bytes(format, customer).await?;
        write_atomically(path, &export.bytes, overwrite)?;
        Ok(ExportSummary { path: path.display().to_string(), format, records: export.records })
    }

    /// Every live customer (in list order), or the one asked for.
    async fn customers_for_export(&self, only: Option<Uuid>) -> Result<Vec<Customer>> {
        if let Some(id) = only {
            return Ok(vec![self.get_customer(id).await?]);
        }
        let mut out = Vec::new();
        loop {
            let page = self
                .list_customers(&CustomerFilter {
                    limit: 10_000,
                    offset: out.len() as u32,
                    ..Default::default()
                })
                .await?;
            if page.is_empty() {
                break;
            }
            for c in page {
                out.push(self.get_customer(c.id).await?);
            }
        }
        Ok(out)
    }

    /// The customers' photos (those who have one).
    async fn photos_for_export(&self, customers: &[Customer]) -> Result<BTreeMap<Uuid, Photo>> {
        let mut photos = BTreeMap::new();
        for c in customers {
            if let Some(p) = self.customer_photo(c.id).await? {
                photos.insert(c.id, p);
            }
        }
        Ok(photos)
    }
}

/// Every customer as one CSV row each (`export_csv.rs`); one customer is JSON or vCard.
async fn csv_export(store: &Store, customer: Option<Uuid>) -> Result<ExportBytes> {
    if customer.is_some() {
        return Err(Error::invalid(
            "customer",
            "the CSV export is of every customer; export one person as JSON or vCard",
        ));
    }
    let mut bytes = Vec::new();
    let records = store.export_csv(&mut bytes).await?;
    Ok(ExportBytes { bytes, records })
}

/// Temp file in the target's directory (so the rename stays on one file system), written
/// and synced, then renamed into place; on any error the temp file is removed.
fn write_atomically(path: &Path, bytes: &[u8], overwrite: bool) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let io = |what: &str, e: std::io::Error| Error::io(format!("{what} {}", path.display()), e);
    let mut tmp = tempfile::Builder::new()
        .prefix(".rapport-export-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| io("cannot create a temporary file beside", e))?;
    tmp.write_all(bytes).map_err(|e| io("cannot write", e))?;
    tmp.as_file().sync_all().map_err(|e| io("cannot write", e))?;
    let persisted = if overwrite { tmp.persist(path) } else { tmp.persist_noclobber(path) };
    persisted.map_err(|e| {
        if e.error.kind() == std::io::ErrorKind::AlreadyExists {
            Error::AlreadyExists(format!(
                "{} already exists (it must not exist yet)",
                path.display()
            ))
        } else {
            io("cannot write", e.error)
        }
    })?;
    // The rename itself is durable once the directory is synced (best effort: not every
    // platform can open a directory).
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

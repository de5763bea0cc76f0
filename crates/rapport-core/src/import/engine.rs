//! The import itself: reads the file, plans it (`plan`) under the write lock, refuses or
//! writes it in one transaction with an op for every field, and records it for undo.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Datelike;
use uuid::Uuid;

use super::batch::{record_batch, BatchCustomer};
use super::create::{company, create, link_external};
use super::plan::preview;
use super::record::{RowIssue, Severity};
use super::update::update;
use super::{
    read_records, ImportOptions, ImportPreview, ImportRow, ImportRowAction, ImportSummary, ReadFile,
};
use crate::customers::CustomerKind;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text;

impl Store {
    /// The dry run: reads the file and reports what importing it would do. Writes nothing.
    pub async fn import_preview(
        &self,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<ImportPreview> {
        let file = self.read_import(bytes, opts).await?;
        let plan = self.plan(&file, opts).await?;
        Ok(preview(file_name, file, plan, opts))
    }

    /// Imports a file in one transaction. Refuses (writing nothing) when a row has an error
    /// and `skip_bad_rows` is off, or when dates need a date order. `progress(done, total)`
    /// is called as customers are written; setting `cancel` rolls everything back.
    pub async fn import_file(
        &self,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<ImportSummary> {
        let name = text::required("file_name", file_name, 500)?;
        let file = self.read_import(bytes, opts).await?;
        if file.needs_date_order && opts.date_order.is_none() {
            let rows: Vec<String> = file
                .records
                .iter()
                .filter(|r| {
                    r.issues.iter().any(|i| {
                        i.field.as_deref() == Some("birthday") && i.severity == Severity::Warning
                    })
                })
                .take(5)
                .map(|r| r.row.to_string())
                .collect();
            return Err(Error::invalid(
                "date_order",
                format!(
                    "dates such as the one in row {} could be day/month or month/day; choose dmy or mdy. Nothing was imported",
                    rows.join(", row ")
                ),
            ));
        }
        // Planned under the write lock, so what was matched can't change before it is written.
        let mut ch = self.change().await?;
        let plan = self.plan(&file, opts).await?;
        let bad: Vec<&ImportRow> =
            plan.rows.iter().filter(|r| r.action == ImportRowAction::Error).collect();
        if !bad.is_empty() && !opts.skip_bad_rows {
            let list: Vec<String> = bad
                .iter()
                .take(10)
                .map(|r| {
                    let first = r.issues.iter().find(|i| i.severity == Severity::Error);
                    match first {
                        Some(RowIssue { column: Some(c), message, .. }) => {
                            format!("row {} (column \"{c}\": {message})", r.row)
                        }
                        Some(i) => format!("row {} ({})", r.row, i.message),
                        None => format!("row {}", r.row),
                    }
                })
                .collect();
            let more = if bad.len() > 10 {
                format!(" and {} more", bad.len() - 10)
            } else {
                String::new()
            };
            return Err(Error::invalid(
                "rows",
                format!(
                    "{} rows have errors: {}{more}. Nothing was imported; fix them, or import with skip_bad_rows",
                    bad.len(),
                    list.join("; ")
                ),
            ));
        }
        let count = |a: ImportRowAction| plan.rows.iter().filter(|r| r.action == a).count() as u64;
        let summary = ImportSummary {
            batch_id: Uuid::now_v7(),
            created: count(ImportRowAction::Create),
            updated: count(ImportRowAction::Update),
            unchanged: count(ImportRowAction::Unchanged),
            skipped: count(ImportRowAction::Skip) + count(ImportRowAction::Error),
        };
        let total = plan.targets.len() as u64;
        progress(0, total);
        // Child rows first, the customer row last: the search index is then written once per
        // customer (its triggers find no customer row yet for the emails and tags).
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(ch.conn()).await?;
        let mut companies: HashMap<String, Uuid> = HashMap::new();
        let mut done_rows: Vec<BatchCustomer> = Vec::new();
        for (i, t) in plan.targets.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled(format!(
                    "import of {name}: cancelled, nothing was imported"
                )));
            }
            let company_id = match t.projected.company_name.as_deref() {
                Some(co)
                    if t.original
                        .as_ref()
                        .and_then(|o| o.company_name.as_deref())
                        .is_none_or(|o| !o.eq_ignore_ascii_case(co)) =>
                {
                    Some(company(&mut ch, co, &mut companies, &mut done_rows).await?)
                }
                _ => t.original.as_ref().and_then(|o| o.company_id),
            };
            match &t.original {
                None => {
                    let id = create(&mut ch, &t.projected, company_id, t.photo.as_ref()).await?;
                    if t.projected.kind == CustomerKind::Company {
                        companies.entry(t.projected.display_name.to_lowercase()).or_insert(id);
                    }
                    link_external(&mut ch, id, &t.external).await?;
                    done_rows.push(BatchCustomer::created(id));
                }
                Some(orig) => {
                    let old_photo = self.customer_photo(orig.id).await?;
                    let changes = update(
                        &mut ch,
                        orig,
                        &t.projected,
                        company_id,
                        t.photo.as_ref(),
                        old_photo.as_ref(),
                    )
                    .await?;
                    link_external(&mut ch, orig.id, &t.external).await?;
                    if !changes.is_empty() {
                        let photo_changed = changes.iter().any(|c| c.field == "photo");
                        done_rows.push(BatchCustomer::updated(
                            orig.id,
                            changes,
                            if photo_changed { old_photo } else { None },
                        ));
                    }
                }
            }
            progress(i as u64 + 1, total);
        }
        record_batch(&mut ch, summary.batch_id, &name, &summary, &done_rows).await?;
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled(format!(
                "import of {name}: cancelled, nothing was imported"
            )));
        }
        ch.commit().await?;
        Ok(summary)
    }

    async fn read_import(&self, bytes: &[u8], opts: &ImportOptions) -> Result<ReadFile> {
        let saved = self.list_mappings().await?;
        read_records(bytes, opts, &saved, self.now().year())
    }
}

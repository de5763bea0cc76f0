//! The import itself: reads the file, plans it (`plan`) under the write lock, refuses or
//! writes it in one transaction with an op for every field, and records it for undo.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::Datelike;
use uuid::Uuid;

use super::batch::{record_batch, BatchCustomer};
use super::create::{link_external, Companies, Creator};
use super::plan::{blank_customer, preview};
use super::record::{RowIssue, Severity};
use super::search_index;
use super::update::update;
use super::{
    read_records, ImportOptions, ImportPreview, ImportRow, ImportRowAction, ImportSummary, ReadFile,
};
use crate::customers::CustomerKind;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text;

/// Where an import's time went. `plan` includes `match_keys` (loading the keys of every
/// customer to match on); `create` is writing the new customers (rows, contact points,
/// tags, ops) without the search index, `index` filling both indexes and the typo
/// vocabulary for them, `update` the updated customers, `batch` the undo record,
/// `vocabulary` adding the updated customers' new words (queued by the triggers) to the typo
/// vocabulary, `commit` the commit (writing what is left in the page cache, syncing).
#[doc(hidden)]
#[derive(Debug, Clone, Default)]
pub struct ImportPhases {
    pub read: Duration,
    pub match_keys: Duration,
    pub plan: Duration,
    pub create: Duration,
    pub index: Duration,
    pub update: Duration,
    pub batch: Duration,
    pub vocabulary: Duration,
    pub commit: Duration,
}

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
        Ok(self.import_file_timed(file_name, bytes, opts, progress, cancel).await?.0)
    }

    /// [`Store::import_file`], also saying where the time went (for the benchmark).
    #[doc(hidden)]
    pub async fn import_file_timed(
        &self,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<(ImportSummary, ImportPhases)> {
        let mut phases = ImportPhases::default();
        let name = text::required("file_name", file_name, 500)?;
        let started = Instant::now();
        let file = self.read_import(bytes, opts).await?;
        phases.read = started.elapsed();
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
        let started = Instant::now();
        let plan = self.plan(&file, opts).await?;
        phases.match_keys = plan.load_keys;
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
        phases.plan = started.elapsed();
        let cancelled =
            || Error::Cancelled(format!("import of {name}: cancelled, nothing was imported"));
        // Every foreign key is checked at commit; rows are written parents first anyway.
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(ch.conn()).await?;
        let mut companies = Companies::load(&mut ch).await?;
        let mut done_rows: Vec<BatchCustomer> = Vec::new();
        // Each target's company, resolved in file order (a company named by an earlier row
        // is the one later rows get); new companies are created blank, before their people.
        let mut ids: Vec<Uuid> = Vec::with_capacity(plan.targets.len());
        let mut company_ids: Vec<Option<Uuid>> = Vec::with_capacity(plan.targets.len());
        let mut blank: BTreeMap<usize, Vec<(Uuid, String)>> = BTreeMap::new();
        // Blank companies planned so far, by lower-cased name: a later row that is the
        // company itself becomes that company (one record, with the row's fields).
        let mut blank_by_name: HashMap<String, (usize, Uuid)> = HashMap::new();
        for (i, t) in plan.targets.iter().enumerate() {
            let company_id = match t.projected.company_name.as_deref() {
                Some(co)
                    if t.original
                        .as_ref()
                        .and_then(|o| o.company_name.as_deref())
                        .is_none_or(|o| !o.eq_ignore_ascii_case(co)) =>
                {
                    let (id, new) = companies.resolve(co);
                    if new {
                        blank.entry(i).or_default().push((id, co.to_string()));
                        blank_by_name.insert(co.to_lowercase(), (i, id));
                    }
                    Some(id)
                }
                _ => t.original.as_ref().and_then(|o| o.company_id),
            };
            company_ids.push(company_id);
            let id = match &t.original {
                Some(o) => o.id,
                None if t.projected.kind == CustomerKind::Company => {
                    let name = &t.projected.display_name;
                    // Foreign keys are checked at commit, so the people written before it
                    // may point at it.
                    let id = match blank_by_name.remove(&name.to_lowercase()) {
                        Some((j, id)) => {
                            if let Some(planned) = blank.get_mut(&j) {
                                planned.retain(|(b, _)| *b != id);
                            }
                            id
                        }
                        None => Uuid::now_v7(),
                    };
                    companies.made(name, id);
                    id
                }
                None => Uuid::now_v7(),
            };
            ids.push(id);
        }

        // New customers, set-based, with the search triggers suspended.
        let mut done = 0;
        let started = Instant::now();
        let suspended = search_index::suspend(ch.conn()).await?;
        let mut creator = Creator::new(&ch);
        for (i, t) in plan.targets.iter().enumerate() {
            if t.original.is_some() {
                continue;
            }
            if cancel.load(Ordering::Relaxed) {
                return Err(cancelled());
            }
            for (id, co) in blank.remove(&i).unwrap_or_default() {
                let c = blank_customer(CustomerKind::Company, &co);
                creator.add(&mut ch, id, &c, None, None, &[])?;
                done_rows.push(BatchCustomer::created(id));
            }
            creator.add(
                &mut ch,
                ids[i],
                &t.projected,
                company_ids[i],
                t.photo.as_ref(),
                &t.external,
            )?;
            done_rows.push(BatchCustomer::created(ids[i]));
            if creator.is_full() {
                creator.flush(&mut ch).await?;
            }
            done += 1;
            progress(done, total);
        }
        // Blank companies of updated customers.
        for (id, co) in std::mem::take(&mut blank).into_values().flatten() {
            creator.add(
                &mut ch,
                id,
                &blank_customer(CustomerKind::Company, &co),
                None,
                None,
                &[],
            )?;
            done_rows.push(BatchCustomer::created(id));
        }
        creator.flush(&mut ch).await?;
        phases.create = started.elapsed();
        let started = Instant::now();
        search_index::resume(ch.conn(), suspended).await?;
        phases.index = started.elapsed();

        // Updates, one customer at a time (the triggers keep the index).
        let started = Instant::now();
        for (i, t) in plan.targets.iter().enumerate() {
            let Some(orig) = &t.original else { continue };
            if cancel.load(Ordering::Relaxed) {
                return Err(cancelled());
            }
            let old_photo = self.customer_photo(orig.id).await?;
            let changes = update(
                &mut ch,
                orig,
                &t.projected,
                company_ids[i],
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
            done += 1;
            progress(done, total);
        }
        phases.update = started.elapsed();
        let started = Instant::now();
        record_batch(&mut ch, summary.batch_id, &name, &summary, &done_rows).await?;
        phases.batch = started.elapsed();
        if cancel.load(Ordering::Relaxed) {
            return Err(cancelled());
        }
        // The vocabulary is otherwise brought up to date by the commit: done here to time it.
        let started = Instant::now();
        crate::search::typo::flush_pending(ch.conn()).await?;
        phases.vocabulary = started.elapsed();
        let started = Instant::now();
        ch.commit().await?;
        phases.commit = started.elapsed();
        Ok((summary, phases))
    }

    async fn read_import(&self, bytes: &[u8], opts: &ImportOptions) -> Result<ReadFile> {
        let saved = self.list_mappings().await?;
        read_records(bytes, opts, &saved, self.now().year())
    }
}

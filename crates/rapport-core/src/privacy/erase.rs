//! Erasure on request: the person leaves every table, the search index, the op outbox and
//! the files' bytes; a tombstone (id and time, nothing else) stays so sync can carry the
//! erasure to other devices and refuse to bring the person back. The same steps
//! ([`erase_person`], [`erase_record`]) run when another device's erasure arrives by sync.
//!
//! Where the bytes go:
//! - rows and index entries: deleted with `secure_delete=ON` (set on every connection), so
//!   SQLite overwrites the freed space in a page, and whole freed pages, with zeros;
//! - the full-text index is contentless with `contentless_delete=1`: a delete only adds a
//!   tombstone and the person's terms stay in the old segments until a merge rewrites
//!   them. FTS5's own `secure-delete` option does not apply to such tables (it needs the
//!   old values), so the erasure runs `optimize`, which rewrites every segment without the
//!   deleted documents (the old segments' pages are then freed, and zeroed). Its cost
//!   grows with the whole index, not with the person (measured in the report);
//! - the WAL still holds the old page images until a checkpoint: after the commit,
//!   `wal_checkpoint(TRUNCATE)` copies the new pages into the database file and cuts the
//!   WAL to zero bytes (a reader in the middle of a query can delay it; it is retried).
//!
//! Backups are copies taken before: see `backup.rs` and the README ("Erasure and backups").

use std::time::Duration;

use chrono::{DateTime, Utc};
use rapport_protocol::EntityKind;
use serde::Serialize;
use sqlx::Row;
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::{Change, Store};

/// The op that carries an erasure: `set erased = true` on the customer and on each of
/// their records. Erase wins over every other op about the person, whatever its clock
/// (sync applies it by removing everything it holds about the id, with this module's
/// steps, and records a tombstone).
pub use rapport_protocol::ERASED_FIELD;

/// What an old op about an erased record becomes when it was not pushed yet: the same
/// sequence number and clock (so the outbox has no gaps), no field name or value.
pub const REDACTED_FIELD: &str = "redacted";

/// Tables holding a customer's own rows, each with the statement that removes them.
/// `?1` is the customer id. A new table of personal data is one more line here
/// (e.g. `("customer_photos", "DELETE FROM customer_photos WHERE customer_id = ?1")`).
/// Order matters only for foreign keys: children before parents.
const PERSONAL_ROWS: &[(&str, &str)] = &[
    // Conflicts kept for review on the person or their records (before those go).
    (
        "sync_conflicts",
        "DELETE FROM sync_conflicts WHERE record_id = ?1
            OR record_id IN (SELECT id FROM deals WHERE customer_id = ?1)
            OR record_id IN (SELECT id FROM interactions WHERE customer_id = ?1)",
    ),
    // Shown-notification keys name the customer, or a follow-up of theirs, and a date's
    // label (so this goes before the follow-ups it reads).
    (
        "notifications_sent",
        "DELETE FROM notifications_sent WHERE key LIKE 'nudge:' || ?1 || ':%'
            OR key LIKE 'date:' || ?1 || ':%'
            OR substr(key, 10, 36) IN (SELECT id FROM followups WHERE customer_id = ?1)",
    ),
    (
        "deal_stage_changes",
        "DELETE FROM deal_stage_changes WHERE deal_id IN (SELECT id FROM deals WHERE customer_id = ?1)",
    ),
    ("deals", "DELETE FROM deals WHERE customer_id = ?1"),
    ("followups", "DELETE FROM followups WHERE customer_id = ?1"),
    ("interactions", "DELETE FROM interactions WHERE customer_id = ?1"),
    ("contact_points", "DELETE FROM contact_points WHERE customer_id = ?1"),
    ("customer_tags", "DELETE FROM customer_tags WHERE customer_id = ?1"),
    // What imports kept: undo data (their previous values), source ids, the photo.
    ("import_batch_customers", "DELETE FROM import_batch_customers WHERE customer_id = ?1"),
    ("customer_external_ids", "DELETE FROM customer_external_ids WHERE customer_id = ?1"),
    ("customer_photos", "DELETE FROM customer_photos WHERE customer_id = ?1"),
    // Merge bookkeeping holds both records' old values.
    ("merges", "DELETE FROM merges WHERE survivor_id = ?1 OR duplicate_id = ?1"),
    ("duplicate_dismissals", "DELETE FROM duplicate_dismissals WHERE a = ?1 OR b = ?1"),
];

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErasureReport {
    pub customer_id: Uuid,
    pub erased_at: DateTime<Utc>,
    /// Rows removed per table (the customer row is `customers`).
    pub rows: Vec<(String, u64)>,
    /// Pushed ops about the person, deleted (the server already has them; the erase op
    /// tells it to drop them).
    pub ops_removed: u64,
    /// Unpushed ops about the person, redacted in place (no field name, no value).
    pub ops_redacted: u64,
    /// People whose company this was, now without a company.
    pub unlinked_people: u64,
    /// Whether the WAL was checkpointed and cut to zero bytes.
    pub wal_truncated: bool,
}

impl Store {
    /// Erases a customer (also a deleted one) everywhere this store holds them. See the
    /// module docs for what happens to the bytes.
    pub async fn erase_customer(&self, id: Uuid) -> Result<ErasureReport> {
        let sid = id.to_string();
        let mut ch = self.change().await?;
        let now = ch.now();
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM customers WHERE id = ?")
            .bind(&sid)
            .fetch_optional(ch.conn())
            .await?;
        if found.is_none() {
            let erased: Option<String> =
                sqlx::query_scalar("SELECT erased_at FROM erased_customers WHERE id = ?")
                    .bind(&sid)
                    .fetch_optional(ch.conn())
                    .await?;
            return Err(Error::NotFound(match erased {
                Some(at) => format!("customer {id} (it was erased at {at})"),
                None => format!("customer {id}"),
            }));
        }
        let removed = erase_person(&mut ch, id).await?;
        settle(&mut ch).await?;
        ch.commit().await?;

        let wal_truncated = self.truncate_wal().await?;
        Ok(ErasureReport {
            customer_id: id,
            erased_at: now,
            rows: removed.rows,
            ops_removed: removed.ops_removed,
            ops_redacted: removed.ops_redacted,
            unlinked_people: removed.unlinked_people,
            wal_truncated,
        })
    }

    /// Copies the WAL into the database and cuts it to zero bytes. A reader in the
    /// middle of a query keeps the WAL busy; retried for a few seconds.
    pub(crate) async fn truncate_wal(&self) -> Result<bool> {
        for attempt in 0..20 {
            let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").fetch_one(self.pool()).await?;
            let busy: i64 = row.get(0);
            if busy == 0 {
                return Ok(true);
            }
            tracing::info!(attempt, "WAL busy; checkpoint retried");
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        Ok(false)
    }

    /// When a customer was erased, if they were.
    pub async fn erased_at(&self, id: Uuid) -> Result<Option<DateTime<Utc>>> {
        let at: Option<String> =
            sqlx::query_scalar("SELECT erased_at FROM erased_customers WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        crate::text::parse_time(at)
    }
}

/// What [`erase_person`] removed.
#[derive(Debug, Default)]
pub(crate) struct Removed {
    pub rows: Vec<(String, u64)>,
    pub ops_removed: u64,
    pub ops_redacted: u64,
    pub unlinked_people: u64,
}

/// The steps of every erasure of a person, in the caller's transaction: the one asked for
/// here, and the one sync applies when another device's tombstone arrives (the person may
/// then have no row here at all, or be erased already: every step is idempotent).
///
/// Records merged into the person are the same person (the user said so) and go too. Each
/// of their records (entries, follow-ups, deals), and the person, gets a tombstone op
/// (`set erased = true`, nothing else) unless one is known already, after the other ops
/// about them are scrubbed: the server forgets a record's ops when it sees its tombstone,
/// and it can't tell whose a record is (that is in the payload). Records come first, so
/// other devices hear of them before the person.
pub(crate) async fn erase_person(ch: &mut Change<'_>, id: Uuid) -> Result<Removed> {
    let sid = id.to_string();
    let mut removed = Removed::default();
    let merged: Vec<String> = sqlx::query_scalar("SELECT id FROM customers WHERE merged_into = ?")
        .bind(&sid)
        .fetch_all(ch.conn())
        .await?;
    for m in merged {
        let m = Uuid::parse_str(&m).map_err(|e| Error::Internal(e.to_string()))?;
        let theirs = Box::pin(erase_person(ch, m)).await?;
        removed.ops_removed += theirs.ops_removed;
        removed.ops_redacted += theirs.ops_redacted;
        removed.unlinked_people += theirs.unlinked_people;
    }
    let now = ch.now();
    let rowid: Option<i64> = sqlx::query_scalar("SELECT rowid FROM customers WHERE id = ?")
        .bind(&sid)
        .fetch_optional(ch.conn())
        .await?;

    // Every record whose ops carry the person's data: theirs and their records'.
    let records: Vec<(String, String)> = sqlx::query_as(
        "SELECT 'interaction', id FROM interactions WHERE customer_id = ?1
         UNION ALL SELECT 'followup', id FROM followups WHERE customer_id = ?1
         UNION ALL SELECT 'deal', id FROM deals WHERE customer_id = ?1",
    )
    .bind(&sid)
    .fetch_all(ch.conn())
    .await?;
    let mut ids: Vec<String> = records.iter().map(|(_, id)| id.clone()).collect();
    ids.push(sid.clone());

    // A company's people stay; they lose the link (an op, like any edit, so other
    // devices do the same). Their search documents are re-indexed by the trigger.
    let people: Vec<String> =
        sqlx::query_scalar("SELECT id FROM customers WHERE company_id = ?1 AND id <> ?1")
            .bind(&sid)
            .fetch_all(ch.conn())
            .await?;
    sqlx::query("UPDATE customers SET company_id = NULL, updated_at = ? WHERE company_id = ?")
        .bind(now.to_rfc3339())
        .bind(&sid)
        .execute(ch.conn())
        .await?;
    for p in &people {
        let pid = Uuid::parse_str(p).map_err(|e| Error::Internal(e.to_string()))?;
        ch.set(EntityKind::Customer, pid, "company_id", Option::<String>::None).await?;
    }
    removed.unlinked_people += people.len() as u64;

    for (table, sql) in PERSONAL_ROWS {
        let n = sqlx::query(sql).bind(&sid).execute(ch.conn()).await?.rows_affected();
        removed.rows.push((table.to_string(), n));
    }
    let n = sqlx::query("DELETE FROM customers WHERE id = ?")
        .bind(&sid)
        .execute(ch.conn())
        .await?
        .rows_affected();
    removed.rows.push(("customers".into(), n));

    // The triggers removed their documents; make sure no slot of theirs is left.
    if let Some(rowid) = rowid {
        sqlx::query("DELETE FROM customer_search WHERE rowid BETWEEN ?1 * 128 AND ?1 * 128 + 127")
            .bind(rowid)
            .execute(ch.conn())
            .await?;
        sqlx::query("DELETE FROM customer_all_search WHERE rowid = ?")
            .bind(rowid)
            .execute(ch.conn())
            .await?;
    }

    let (ops_removed, ops_redacted) = scrub_ops(ch, &ids).await?;
    removed.ops_removed += ops_removed;
    removed.ops_redacted += ops_redacted;

    sqlx::query("INSERT OR IGNORE INTO erased_customers (id, erased_at) VALUES (?, ?)")
        .bind(&sid)
        .bind(now.to_rfc3339())
        .execute(ch.conn())
        .await?;
    for (entity, rid) in &records {
        let entity = match entity.as_str() {
            "interaction" => EntityKind::Interaction,
            "followup" => EntityKind::Followup,
            _ => EntityKind::Deal,
        };
        tombstone(ch, entity, rid).await?;
    }
    tombstone(ch, EntityKind::Customer, &sid).await?;
    ch.erased = true;
    Ok(removed)
}

/// Removes one record of a person (an entry, a follow-up or a deal) and the ops about it,
/// leaving its tombstone: sync applies this when the record's tombstone arrives, or when
/// a record of an erased person does (logged on a device that had not heard yet).
pub(crate) async fn erase_record(ch: &mut Change<'_>, entity: EntityKind, id: Uuid) -> Result<()> {
    let sid = id.to_string();
    let rows: &[&str] = match entity {
        EntityKind::Interaction => &["DELETE FROM interactions WHERE id = ?1"],
        EntityKind::Followup => &[
            "DELETE FROM notifications_sent WHERE substr(key, 10, 36) = ?1",
            "DELETE FROM followups WHERE id = ?1",
        ],
        EntityKind::Deal => &[
            "DELETE FROM deal_stage_changes WHERE deal_id = ?1",
            "DELETE FROM deals WHERE id = ?1",
        ],
        _ => &[],
    };
    // An entry's customer, if they stay, has one entry less to be "last contacted" by.
    let customer: Option<String> = if entity == EntityKind::Interaction {
        sqlx::query_scalar("SELECT customer_id FROM interactions WHERE id = ?")
            .bind(&sid)
            .fetch_optional(ch.conn())
            .await?
    } else {
        None
    };
    for sql in rows {
        sqlx::query(sql).bind(&sid).execute(ch.conn()).await?;
    }
    if let Some(customer) = customer {
        sqlx::query(
            "UPDATE customers SET last_contacted_at = (SELECT max(occurred_at) FROM interactions
                WHERE customer_id = ?1 AND deleted_at IS NULL)
             WHERE id = ?1",
        )
        .bind(customer)
        .execute(ch.conn())
        .await?;
    }
    scrub_ops(ch, std::slice::from_ref(&sid)).await?;
    tombstone(ch, entity, &sid).await?;
    ch.erased = true;
    Ok(())
}

/// After erasures, before the commit: rewrites every index segment without the deleted
/// documents (see the module docs), and drops the words no document has any more.
pub(crate) async fn settle(ch: &mut Change<'_>) -> Result<()> {
    sqlx::query("INSERT INTO customer_search (customer_search) VALUES ('optimize')")
        .execute(ch.conn())
        .await?;
    // The own-fields index (migration 13) too: its trigger removed the document.
    sqlx::query("INSERT INTO customer_own_search (customer_own_search) VALUES ('optimize')")
        .execute(ch.conn())
        .await?;
    // And the one-document-per-customer index (migration 17), whose triggers re-indexed
    // or removed the documents holding the erased text.
    sqlx::query("INSERT INTO customer_all_search (customer_all_search) VALUES ('optimize')")
        .execute(ch.conn())
        .await?;
    // The typo vocabulary keeps whole words: theirs go once the index no longer has them.
    crate::search::typo::prune_terms(ch.conn()).await?;
    Ok(())
}

/// Writes a record's tombstone op, unless one (ours or another device's) is known.
async fn tombstone(ch: &mut Change<'_>, entity: EntityKind, id: &str) -> Result<()> {
    let known: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM ops WHERE entity_id = ?1 AND field = ?2
         UNION ALL SELECT 1 FROM remote_ops WHERE entity_id = ?1 AND field = ?2 LIMIT 1",
    )
    .bind(id)
    .bind(ERASED_FIELD)
    .fetch_optional(ch.conn())
    .await?;
    if known.is_none() {
        let id = Uuid::parse_str(id).map_err(|e| Error::Internal(e.to_string()))?;
        ch.set(entity, id, ERASED_FIELD, true).await?;
    }
    Ok(())
}

/// Pushed ops about the ids, and those received from other devices, are deleted; unpushed
/// ones keep their sequence number and clock but lose their field and value (sync pushes
/// them as no-ops before the tombstones). Tombstones stay: they carry no personal data, and
/// they are what tells the server, other devices and a later rebuild that the record is
/// gone.
async fn scrub_ops(ch: &mut Change<'_>, ids: &[String]) -> Result<(u64, u64)> {
    let (mut removed, mut redacted) = (0, 0);
    for id in ids {
        removed += sqlx::query("DELETE FROM ops WHERE entity_id = ? AND pushed = 1 AND field <> ?")
            .bind(id)
            .bind(ERASED_FIELD)
            .execute(ch.conn())
            .await?
            .rows_affected();
        removed += sqlx::query("DELETE FROM remote_ops WHERE entity_id = ? AND field <> ?")
            .bind(id)
            .bind(ERASED_FIELD)
            .execute(ch.conn())
            .await?
            .rows_affected();
        redacted += sqlx::query(
            "UPDATE ops SET action = 'set', field = ?1, value = 'null', observed = NULL
             WHERE entity_id = ?2 AND pushed = 0 AND field NOT IN (?1, ?3)",
        )
        .bind(REDACTED_FIELD)
        .bind(id)
        .bind(ERASED_FIELD)
        .execute(ch.conn())
        .await?
        .rows_affected();
    }
    Ok((removed, redacted))
}

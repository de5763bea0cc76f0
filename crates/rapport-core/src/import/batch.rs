//! Recorded imports, and undoing one: created customers are deleted, updated fields get
//! their previous values back (only where the field still holds what the import wrote, so
//! a later edit is never overwritten). Every undo write is an ordinary field op.

use rapport_protocol::EntityKind;
use serde_json::Value;
use sqlx::Row;
use uuid::Uuid;

use super::fields::{scalar, write_json_column, write_scalar, FieldChange, SCALARS};
use super::photos::{photo_op, write_photo};
use super::{ImportBatch, ImportSummary, Photo};
use crate::customers::{self, Address, Customer, ImportantDate, KeyFact, Labeled};
use crate::error::{Error, Result};
use crate::store::{Change, Store};
use crate::text::{self, parse_time};

const E: EntityKind = EntityKind::Customer;

/// One customer an import created or changed.
pub(crate) struct BatchCustomer {
    id: Uuid,
    created: bool,
    changes: Vec<FieldChange>,
    previous_photo: Option<Photo>,
}

impl BatchCustomer {
    pub fn created(id: Uuid) -> Self {
        BatchCustomer { id, created: true, changes: Vec::new(), previous_photo: None }
    }

    pub fn updated(id: Uuid, changes: Vec<FieldChange>, previous_photo: Option<Photo>) -> Self {
        BatchCustomer { id, created: false, changes, previous_photo }
    }
}

pub(crate) async fn record_batch(
    ch: &mut Change<'_>,
    id: Uuid,
    file_name: &str,
    s: &ImportSummary,
    customers: &[BatchCustomer],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO import_batches (id, file_name, at, created, updated, unchanged, skipped)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(file_name)
    .bind(ch.now().to_rfc3339())
    .bind(s.created as i64)
    .bind(s.updated as i64)
    .bind(s.unchanged as i64)
    .bind(s.skipped as i64)
    .execute(ch.conn())
    .await?;
    let rows = customers
        .iter()
        .map(|c| {
            Ok(MemberRow {
                batch_id: id.to_string(),
                customer_id: c.id.to_string(),
                action: if c.created { "create" } else { "update" },
                changes: serde_json::to_string(&c.changes)
                    .map_err(|e| Error::Internal(e.to_string()))?,
                mime: c.previous_photo.as_ref().map(|p| p.mime.clone()),
                data: c.previous_photo.as_ref().map(|p| p.data.clone()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // Rows with a previous photo (a blob) are bound; the others, nearly all, go as JSON
    // (see `crate::bulk`). In runs, in order: a later row for the same customer replaces
    // an earlier one.
    for run in rows.chunk_by(|a, b| a.data.is_some() == b.data.is_some()) {
        if run[0].data.is_some() {
            crate::bulk::insert(
                ch.conn(),
                "INSERT OR REPLACE INTO import_batch_customers
                    (batch_id, customer_id, action, changes, previous_photo_mime, previous_photo)",
                run,
            )
            .await?;
        } else {
            crate::bulk::insert_json(
                ch.conn(),
                "INSERT OR REPLACE INTO import_batch_customers
                    (batch_id, customer_id, action, changes)",
                run,
            )
            .await?;
        }
    }
    Ok(())
}

/// One `import_batch_customers` row.
struct MemberRow {
    batch_id: String,
    customer_id: String,
    action: &'static str,
    changes: String,
    mime: Option<String>,
    data: Option<Vec<u8>>,
}

impl crate::bulk::BindRow for MemberRow {
    const COLUMNS: usize = 6;
    fn bind<'q>(&'q self, q: crate::bulk::Q<'q>) -> crate::bulk::Q<'q> {
        q.bind(self.batch_id.as_str())
            .bind(self.customer_id.as_str())
            .bind(self.action)
            .bind(self.changes.as_str())
            .bind(self.mime.as_deref())
            .bind(self.data.as_deref())
    }
}

/// Without a photo: the first four columns.
impl serde::Serialize for MemberRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (&self.batch_id, &self.customer_id, self.action, &self.changes).serialize(s)
    }
}

impl crate::bulk::JsonRow for MemberRow {
    const COLUMNS: usize = 4;
}

fn batch_from(row: &sqlx::sqlite::SqliteRow) -> Result<ImportBatch> {
    Ok(ImportBatch {
        id: text::parse_id(row.get("id"))?,
        file_name: row.get("file_name"),
        at: parse_time(Some(row.get("at")))?.unwrap_or_default(),
        created: row.get::<i64, _>("created") as u64,
        updated: row.get::<i64, _>("updated") as u64,
        undone_at: parse_time(row.get("undone_at"))?,
    })
}

impl Store {
    /// Every import, newest first.
    pub async fn import_batches(&self) -> Result<Vec<ImportBatch>> {
        let rows = sqlx::query(
            "SELECT id, file_name, at, created, updated, undone_at FROM import_batches ORDER BY at DESC, id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(batch_from).collect()
    }

    /// Undoes an import (`None`: the latest one not yet undone).
    pub async fn undo_import(&self, batch: Option<Uuid>) -> Result<ImportBatch> {
        let mut ch = self.change().await?;
        let row = match batch {
            Some(id) => sqlx::query("SELECT * FROM import_batches WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(ch.conn())
                .await?
                .ok_or_else(|| Error::NotFound(format!("import {id}")))?,
            None => sqlx::query("SELECT * FROM import_batches WHERE undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1")
                .fetch_optional(ch.conn())
                .await?
                .ok_or_else(|| Error::NotFound("an import to undo (none is left)".into()))?,
        };
        let b = batch_from(&row)?;
        if let Some(at) = b.undone_at {
            return Err(Error::invalid(
                "batch",
                format!("the import of {} was already undone at {at}", b.file_name),
            ));
        }
        let rows = sqlx::query(
            "SELECT customer_id, action, changes, previous_photo_mime, previous_photo
             FROM import_batch_customers WHERE batch_id = ? ORDER BY rowid DESC",
        )
        .bind(b.id.to_string())
        .fetch_all(ch.conn())
        .await?;
        let now = ch.now().to_rfc3339();
        for r in &rows {
            let id = text::parse_id(r.get("customer_id"))?;
            if r.get::<String, _>("action") == "create" {
                let n = sqlx::query("UPDATE customers SET deleted_at = ?1, updated_at = ?1 WHERE id = ?2 AND deleted_at IS NULL")
                    .bind(&now)
                    .bind(id.to_string())
                    .execute(ch.conn())
                    .await?
                    .rows_affected();
                if n > 0 {
                    ch.set(E, id, "deleted", true).await?;
                }
                continue;
            }
            let changes: Vec<FieldChange> = text::json("changes", r.get("changes"))?;
            let previous = r.get::<Option<String>, _>("previous_photo_mime").map(|mime| Photo {
                mime,
                data: r.get::<Option<Vec<u8>>, _>("previous_photo").unwrap_or_default(),
            });
            let current = match self.get_customer(id).await {
                Ok(c) => c,
                Err(Error::NotFound(_)) => continue, // deleted since: nothing to restore
                Err(e) => return Err(e),
            };
            let photo = self.customer_photo(id).await?;
            if restore(&mut ch, &current, &changes, photo.as_ref(), previous.as_ref()).await? {
                sqlx::query("UPDATE customers SET updated_at = ? WHERE id = ?")
                    .bind(&now)
                    .bind(id.to_string())
                    .execute(ch.conn())
                    .await?;
            }
        }
        sqlx::query("UPDATE import_batches SET undone_at = ? WHERE id = ?")
            .bind(&now)
            .bind(b.id.to_string())
            .execute(ch.conn())
            .await?;
        ch.commit().await?;
        Ok(ImportBatch { undone_at: Some(self.now()), ..b })
    }
}

fn without<T: serde::de::DeserializeOwned + PartialEq + Clone>(
    list: &[T],
    added: &Value,
    same: impl Fn(&T, &T) -> bool,
) -> Result<Vec<T>> {
    let added: Vec<T> =
        serde_json::from_value(added.clone()).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(list.iter().filter(|x| !added.iter().any(|a| same(x, a))).cloned().collect())
}

/// Puts one customer's changed fields back; returns whether anything was written.
async fn restore(
    ch: &mut Change<'_>,
    c: &Customer,
    changes: &[FieldChange],
    photo: Option<&Photo>,
    previous_photo: Option<&Photo>,
) -> Result<bool> {
    let id = c.id;
    let mut wrote = false;
    let mut custom = c.custom_fields.clone();
    for ch_ in changes {
        let f = ch_.field.as_str();
        if let Some((_, col)) = SCALARS.iter().find(|(name, _)| *name == f) {
            if scalar(c, col) == ch_.new {
                write_scalar(ch, id, col, &ch_.old).await?;
                wrote = true;
            }
            continue;
        }
        match f {
            "emails" | "phones" => {
                let is_email = f == "emails";
                let list = if is_email { &c.emails } else { &c.phones };
                let norm = |l: &Labeled| {
                    if is_email {
                        text::normalize_email(&l.value)
                    } else {
                        text::normalize_phone(&l.value)
                    }
                };
                let kept = without(list, &ch_.new, |a, b| norm(a) == norm(b))?;
                if kept.len() != list.len() {
                    customers::write_contact_points(
                        ch,
                        id,
                        if is_email { "email" } else { "phone" },
                        &kept,
                    )
                    .await?;
                    ch.set(E, id, f, &kept).await?;
                    wrote = true;
                }
            }
            "tags" => {
                let added: Vec<String> = serde_json::from_value(ch_.new.clone())
                    .map_err(|e| Error::Internal(e.to_string()))?;
                for t in c.tags.iter().filter(|t| added.iter().any(|a| a.eq_ignore_ascii_case(t))) {
                    customers::remove_tag(ch, id, t).await?;
                    wrote = true;
                }
            }
            "addresses" => {
                let kept = without::<Address>(&c.addresses, &ch_.new, |a, b| a == b)?;
                if kept.len() != c.addresses.len() {
                    write_json_column(ch, id, "addresses", &serde_json::json!(kept)).await?;
                    wrote = true;
                }
            }
            "important_dates" => {
                let kept = without::<ImportantDate>(&c.important_dates, &ch_.new, |a, b| a == b)?;
                if kept.len() != c.important_dates.len() {
                    write_json_column(ch, id, "important_dates", &serde_json::json!(kept)).await?;
                    wrote = true;
                }
            }
            "key_facts" => {
                let kept = without::<KeyFact>(&c.key_facts, &ch_.new, |a, b| a == b)?;
                if kept.len() != c.key_facts.len() {
                    write_json_column(ch, id, "key_facts", &serde_json::json!(kept)).await?;
                    wrote = true;
                }
            }
            "photo" if photo.map(photo_op) == serde_json::from_value(ch_.new.clone()).ok() => {
                write_photo(ch, id, previous_photo).await?;
                wrote = true;
            }
            k if k.starts_with("custom.") => {
                let key = &k["custom.".len()..];
                if custom.get(key).map(|v| Value::String(v.clone())) == Some(ch_.new.clone()) {
                    match ch_.old.as_str() {
                        Some(old) => custom.insert(key.to_string(), old.to_string()),
                        None => custom.remove(key),
                    };
                }
            }
            _ => {}
        }
    }
    if custom != c.custom_fields {
        write_json_column(ch, id, "custom_fields", &serde_json::json!(custom)).await?;
        wrote = true;
    }
    Ok(wrote)
}

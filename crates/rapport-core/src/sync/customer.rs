//! A customer rebuilt from its ops: the row, its emails and phones, its tags. The search
//! indexes follow through the tables' triggers, as they do for local edits.

use rapport_protocol::EntityKind;
use serde_json::Value;
use uuid::Uuid;

use crate::customers::{write_contact_points, Labeled};
use crate::error::{Error, Result};
use crate::store::Change;

/// How a register is kept in its column.
#[derive(Clone, Copy)]
enum Column {
    Text,
    /// Text with the table's default, for a register never written (or null).
    TextOr(&'static str),
    Int,
    /// JSON text, with the table's default.
    Json(Option<&'static str>),
}

/// Every customer register that is a column of `customers`, by the name ops use (the
/// column's). The local writers (`customers::write`, `customers::edit`, merges) put the
/// same value in the column and the op.
const COLUMNS: &[(&str, Column)] = &[
    ("kind", Column::Text),
    ("display_name", Column::Text),
    ("given_name", Column::Text),
    ("family_name", Column::Text),
    ("company_id", Column::Text),
    ("title", Column::Text),
    ("lifecycle_stage", Column::TextOr("lead")),
    ("lead_source", Column::Text),
    ("owner", Column::Text),
    ("birthday", Column::Text),
    ("how_we_met", Column::Text),
    ("preferred_channel", Column::Text),
    ("quiet_hours", Column::Json(None)),
    ("keep_in_touch_days", Column::Int),
    ("keep_in_touch_max_days", Column::Int),
    ("notes", Column::Text),
    ("addresses", Column::Json(Some("[]"))),
    ("important_dates", Column::Json(Some("[]"))),
    ("key_facts", Column::Json(Some("[]"))),
    ("custom_fields", Column::Json(Some("{}"))),
    ("nudge_snoozed_until", Column::Text),
    ("merged_into", Column::Text),
];

/// A column's value from its register (`None` when never written).
enum Sql {
    Text(Option<String>),
    Int(Option<i64>),
}

fn sql(kind: Column, value: Option<&Value>) -> Sql {
    let value = value.filter(|v| !v.is_null());
    match kind {
        Column::Text => Sql::Text(value.map(text)),
        Column::TextOr(default) => Sql::Text(Some(value.map_or_else(|| default.to_string(), text))),
        Column::Int => Sql::Int(value.and_then(Value::as_i64)),
        Column::Json(default) => {
            Sql::Text(value.map(Value::to_string).or_else(|| default.map(str::to_string)))
        }
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Rebuilds one customer from every op known of it. False when its first values have not
/// arrived yet (nothing is written until they do).
pub(super) async fn rebuild(ch: &mut Change<'_>, id: Uuid) -> Result<bool> {
    let record = crate::oplog::record(ch.conn(), EntityKind::Customer, id).await?;
    let r = &record.registers;
    if !r.get("display_name").is_some_and(Value::is_string) || !r.contains_key("kind") {
        return Ok(false);
    }
    let now = ch.now().to_rfc3339();
    let deleted = r.get("deleted").and_then(Value::as_bool).unwrap_or(false)
        || r.get("merged_into").is_some_and(Value::is_string);

    let names: Vec<&str> = COLUMNS.iter().map(|(name, _)| *name).collect();
    let placeholders = vec!["?"; names.len()].join(", ");
    let updates: Vec<String> = names.iter().map(|n| format!("{n} = excluded.{n}")).collect();
    // A deleted customer keeps the time it was first seen deleted here; the column names
    // are our own constants.
    let sql_text = format!(
        "INSERT INTO customers (id, {}, created_at, updated_at, deleted_at)
         VALUES (?, {placeholders}, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET {}, updated_at = excluded.updated_at,
            deleted_at = CASE WHEN excluded.deleted_at IS NULL THEN NULL
                              ELSE coalesce(customers.deleted_at, excluded.deleted_at) END",
        names.join(", "),
        updates.join(", "),
    );
    let mut query = sqlx::query(&sql_text).bind(id.to_string());
    for (name, kind) in COLUMNS {
        query = match sql(*kind, r.get(*name)) {
            Sql::Text(v) => query.bind(v),
            Sql::Int(v) => query.bind(v),
        };
    }
    query
        .bind(&now)
        .bind(&now)
        .bind(deleted.then_some(&now))
        .execute(ch.conn())
        .await
        .map_err(|e| Error::Internal(format!("customer {id} from its ops: {e}")))?;

    for (field, kind) in [("emails", "email"), ("phones", "phone")] {
        let list: Vec<Labeled> = match r.get(field) {
            Some(v) if !v.is_null() => serde_json::from_value(v.clone())
                .map_err(|e| Error::Internal(format!("customer {id}: {field} in its ops: {e}")))?,
            _ => Vec::new(),
        };
        write_contact_points(ch, id, kind, &list).await?;
    }

    let tags: Vec<String> = record
        .elements("tags")
        .into_iter()
        .filter_map(|e| serde_json::from_str::<String>(e).ok())
        .collect();
    let tags_json = serde_json::to_string(&tags).map_err(|e| Error::Internal(e.to_string()))?;
    sqlx::query(
        "DELETE FROM customer_tags WHERE customer_id = ?1
            AND tag NOT IN (SELECT value FROM json_each(?2))",
    )
    .bind(id.to_string())
    .bind(&tags_json)
    .execute(ch.conn())
    .await?;
    sqlx::query(
        "INSERT OR IGNORE INTO customer_tags (customer_id, tag)
         SELECT ?1, value FROM json_each(?2)",
    )
    .bind(id.to_string())
    .bind(&tags_json)
    .execute(ch.conn())
    .await?;
    Ok(true)
}

//! Single customer fields as an import writes and undo restores them, each with its op.

use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::customers::{self, Customer};
use crate::error::{Error, Result};
use crate::store::Change;
use crate::text::{enum_str, to_json};

const E: EntityKind = EntityKind::Customer;

/// One field an update changed: undo puts `old` back while the field still holds `new`.
/// For lists (`emails`, `tags`…) `new` holds only the entries the import added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FieldChange {
    pub field: String,
    pub old: Value,
    pub new: Value,
}

/// The single-valued fields: (report name, column).
pub(crate) const SCALARS: &[(&str, &str)] = &[
    ("name", "display_name"),
    ("given_name", "given_name"),
    ("family_name", "family_name"),
    ("company", "company_id"),
    ("title", "title"),
    ("stage", "lifecycle_stage"),
    ("lead_source", "lead_source"),
    ("owner", "owner"),
    ("birthday", "birthday"),
    ("how_we_met", "how_we_met"),
    ("preferred_channel", "preferred_channel"),
    ("quiet_hours", "quiet_hours"),
    ("keep_in_touch_days", "keep_in_touch_days"),
    ("keep_in_touch_max_days", "keep_in_touch_max_days"),
    ("notes", "notes"),
];

/// A single-valued field as stored (text columns as strings, day counts as numbers).
pub(crate) fn scalar(c: &Customer, column: &str) -> Value {
    let s = |v: &Option<String>| v.as_ref().map_or(Value::Null, |v| Value::String(v.clone()));
    match column {
        "display_name" => Value::String(c.display_name.clone()),
        "given_name" => s(&c.given_name),
        "family_name" => s(&c.family_name),
        "company_id" => c.company_id.map_or(Value::Null, |i| Value::String(i.to_string())),
        "title" => s(&c.title),
        "lifecycle_stage" => Value::String(enum_str(&c.lifecycle_stage)),
        "lead_source" => s(&c.lead_source),
        "owner" => s(&c.owner),
        "birthday" => c.birthday.map_or(Value::Null, |b| Value::String(b.to_string())),
        "how_we_met" => s(&c.how_we_met),
        "preferred_channel" => {
            c.preferred_channel.map_or(Value::Null, |p| Value::String(enum_str(&p)))
        }
        "quiet_hours" => c.quiet_hours.as_ref().map_or(Value::Null, |q| Value::String(to_json(q))),
        "keep_in_touch_days" => c.keep_in_touch_days.map_or(Value::Null, |d| json!(d)),
        "keep_in_touch_max_days" => c.keep_in_touch_max_days.map_or(Value::Null, |d| json!(d)),
        "notes" => s(&c.notes),
        _ => Value::Null,
    }
}

/// Writes one single-valued field and its op (the op carries the field's natural value:
/// the quiet-hours object, a number of days, text).
pub(crate) async fn write_scalar(
    ch: &mut Change<'_>,
    id: Uuid,
    column: &'static str,
    v: &Value,
) -> Result<()> {
    match (column, v) {
        ("keep_in_touch_days" | "keep_in_touch_max_days", _) => {
            let days = v.as_u64();
            sqlx::query(&format!("UPDATE customers SET {column} = ? WHERE id = ?"))
                .bind(days.map(|d| d as i64))
                .bind(id.to_string())
                .execute(ch.conn())
                .await?;
            ch.set(E, id, column, days).await
        }
        ("quiet_hours", Value::String(s)) => {
            let q: Value = serde_json::from_str(s).map_err(|e| Error::Internal(e.to_string()))?;
            sqlx::query("UPDATE customers SET quiet_hours = ? WHERE id = ?")
                .bind(s)
                .bind(id.to_string())
                .execute(ch.conn())
                .await?;
            ch.set(E, id, column, q).await
        }
        (_, Value::String(s)) => customers::column(ch, id, column, Some(s.clone()), None, s).await,
        _ => customers::column(ch, id, column, None, Some(String::new()), &Value::Null).await,
    }
}

pub(crate) async fn write_json_column(
    ch: &mut Change<'_>,
    id: Uuid,
    column: &'static str,
    v: &Value,
) -> Result<()> {
    sqlx::query(&format!("UPDATE customers SET {column} = ? WHERE id = ?"))
        .bind(v.to_string())
        .bind(id.to_string())
        .execute(ch.conn())
        .await?;
    ch.set(E, id, column, v).await
}

//! Writing an update: the difference between a customer and its merged form, field by
//! field, each with its op, and what changed (for undo).

use rapport_protocol::EntityKind;
use serde_json::{json, Value};

use super::fields::{scalar, write_json_column, write_scalar, FieldChange, SCALARS};
use super::record::Photo;
use crate::customers::{self, Customer};
use crate::error::Result;
use crate::store::Change;
use uuid::Uuid;

const E: EntityKind = EntityKind::Customer;

fn added<T: PartialEq + Clone>(old: &[T], new: &[T]) -> Vec<T> {
    new.iter().filter(|x| !old.contains(x)).cloned().collect()
}

/// Writes the difference between a customer and its merged form, field by field, each with
/// its op; returns what changed, for undo.
pub(super) async fn update(
    ch: &mut Change<'_>,
    old: &Customer,
    new: &Customer,
    company_id: Option<Uuid>,
    photo: Option<&Photo>,
    old_photo: Option<&Photo>,
) -> Result<Vec<FieldChange>> {
    let id = old.id;
    let mut new = new.clone();
    new.company_id = company_id;
    let mut changes = Vec::new();
    for (field, col) in SCALARS {
        let (o, n) = (scalar(old, col), scalar(&new, col));
        if o != n && !n.is_null() {
            write_scalar(ch, id, col, &n).await?;
            changes.push(FieldChange { field: field.to_string(), old: o, new: n });
        }
    }
    for (kind, field, o, n) in [
        ("email", "emails", &old.emails, &new.emails),
        ("phone", "phones", &old.phones, &new.phones),
    ] {
        let add = added(o, n);
        if !add.is_empty() {
            customers::write_contact_points(ch, id, kind, n).await?;
            ch.set(E, id, field, n).await?;
            changes.push(FieldChange { field: field.into(), old: Value::Null, new: json!(add) });
        }
    }
    let tags: Vec<String> = new
        .tags
        .iter()
        .filter(|t| !old.tags.iter().any(|o| o.eq_ignore_ascii_case(t)))
        .cloned()
        .collect();
    for t in &tags {
        customers::add_tag(ch, id, t).await?;
    }
    if !tags.is_empty() {
        changes.push(FieldChange { field: "tags".into(), old: Value::Null, new: json!(tags) });
    }
    for (col, add, all) in [
        ("addresses", json!(added(&old.addresses, &new.addresses)), json!(new.addresses)),
        (
            "important_dates",
            json!(added(&old.important_dates, &new.important_dates)),
            json!(new.important_dates),
        ),
        ("key_facts", json!(added(&old.key_facts, &new.key_facts)), json!(new.key_facts)),
    ] {
        if add.as_array().is_some_and(|a| !a.is_empty()) {
            write_json_column(ch, id, col, &all).await?;
            changes.push(FieldChange { field: col.into(), old: Value::Null, new: add });
        }
    }
    if old.custom_fields != new.custom_fields {
        for (k, v) in &new.custom_fields {
            if old.custom_fields.get(k) != Some(v) {
                changes.push(FieldChange {
                    field: format!("custom.{k}"),
                    old: old.custom_fields.get(k).map_or(Value::Null, |o| json!(o)),
                    new: json!(v),
                });
            }
        }
        write_json_column(ch, id, "custom_fields", &json!(new.custom_fields)).await?;
    }
    if let Some(p) = photo.filter(|p| old_photo != Some(*p)) {
        super::photos::write_photo(ch, id, Some(p)).await?;
        changes.push(FieldChange {
            field: "photo".into(),
            old: Value::Null,
            new: json!(super::photos::photo_op(p)),
        });
    }
    if !changes.is_empty() {
        sqlx::query("UPDATE customers SET updated_at = ? WHERE id = ?")
            .bind(ch.now().to_rfc3339())
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
    }
    Ok(changes)
}

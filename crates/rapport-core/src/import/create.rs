//! Writing new customers (one by one; see `bulk` for the set-based path).

use std::collections::HashMap;

use rapport_protocol::EntityKind;
use serde_json::Value;
use uuid::Uuid;

use super::batch::BatchCustomer;
use super::fields::{scalar, SCALARS};
use super::plan::blank_customer;
use super::record::Photo;
use crate::customers::{self, Customer, CustomerKind};
use crate::error::{Error, Result};
use crate::store::Change;
use crate::text::{self, enum_str, to_json};

const E: EntityKind = EntityKind::Customer;

/// The id of the company with this name: one the store has, one this import made, or a
/// new one (recorded in the batch so undo removes it).
pub(super) async fn company(
    ch: &mut Change<'_>,
    name: &str,
    made: &mut HashMap<String, Uuid>,
    batch: &mut Vec<BatchCustomer>,
) -> Result<Uuid> {
    let key = name.to_lowercase();
    if let Some(id) = made.get(&key) {
        return Ok(*id);
    }
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM customers WHERE kind = 'company' AND deleted_at IS NULL
           AND display_name = ? COLLATE NOCASE ORDER BY id LIMIT 1",
    )
    .bind(name)
    .fetch_optional(ch.conn())
    .await?;
    let id = match existing {
        Some(id) => text::parse_id(&id)?,
        None => {
            let id = create(ch, &blank_customer(CustomerKind::Company, name), None, None).await?;
            batch.push(BatchCustomer::created(id));
            id
        }
    };
    made.insert(key, id);
    Ok(id)
}

/// Inserts a new customer with all its fields, and an op for each field set.
pub(super) async fn create(
    ch: &mut Change<'_>,
    c: &Customer,
    company_id: Option<Uuid>,
    photo: Option<&Photo>,
) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let now = ch.now().to_rfc3339();
    customers::write_contact_points(ch, id, "email", &c.emails).await?;
    customers::write_contact_points(ch, id, "phone", &c.phones).await?;
    for t in &c.tags {
        customers::add_tag(ch, id, t).await?;
    }
    let mut c = c.clone();
    c.company_id = company_id;
    sqlx::query(
        "INSERT INTO customers (id, kind, display_name, given_name, family_name, company_id, title,
            lifecycle_stage, lead_source, owner, birthday, how_we_met, preferred_channel, quiet_hours,
            keep_in_touch_days, keep_in_touch_max_days, notes, addresses, important_dates, key_facts,
            custom_fields, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(enum_str(&c.kind))
    .bind(&c.display_name)
    .bind(&c.given_name)
    .bind(&c.family_name)
    .bind(company_id.map(|i| i.to_string()))
    .bind(&c.title)
    .bind(enum_str(&c.lifecycle_stage))
    .bind(&c.lead_source)
    .bind(&c.owner)
    .bind(c.birthday.map(|b| b.to_string()))
    .bind(&c.how_we_met)
    .bind(c.preferred_channel.map(|p| enum_str(&p)))
    .bind(c.quiet_hours.as_ref().map(to_json))
    .bind(c.keep_in_touch_days.map(i64::from))
    .bind(c.keep_in_touch_max_days.map(i64::from))
    .bind(&c.notes)
    .bind(to_json(&c.addresses))
    .bind(to_json(&c.important_dates))
    .bind(to_json(&c.key_facts))
    .bind(to_json(&c.custom_fields))
    .bind(&now)
    .bind(&now)
    .execute(ch.conn())
    .await?;
    ch.set(E, id, "kind", enum_str(&c.kind)).await?;
    for (_, col) in SCALARS {
        let v = scalar(&c, col);
        if v.is_null() {
            continue;
        }
        let op = match *col {
            "quiet_hours" => serde_json::to_value(&c.quiet_hours).unwrap_or(Value::Null),
            _ => v,
        };
        ch.set(E, id, col, op).await?;
    }
    if !c.emails.is_empty() {
        ch.set(E, id, "emails", &c.emails).await?;
    }
    if !c.phones.is_empty() {
        ch.set(E, id, "phones", &c.phones).await?;
    }
    for (col, empty, v) in [
        ("addresses", c.addresses.is_empty(), serde_json::to_value(&c.addresses)),
        ("important_dates", c.important_dates.is_empty(), serde_json::to_value(&c.important_dates)),
        ("key_facts", c.key_facts.is_empty(), serde_json::to_value(&c.key_facts)),
        ("custom_fields", c.custom_fields.is_empty(), serde_json::to_value(&c.custom_fields)),
    ] {
        if !empty {
            ch.set(E, id, col, v.map_err(|e| Error::Internal(e.to_string()))?).await?;
        }
    }
    if let Some(p) = photo {
        super::photos::write_photo(ch, id, Some(p)).await?;
    }
    Ok(id)
}

pub(super) async fn link_external(
    ch: &mut Change<'_>,
    id: Uuid,
    ext: &[(String, String)],
) -> Result<()> {
    for (source, ext_id) in ext {
        sqlx::query("INSERT OR IGNORE INTO customer_external_ids (source, external_id, customer_id) VALUES (?, ?, ?)")
            .bind(source)
            .bind(ext_id)
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
    }
    Ok(())
}

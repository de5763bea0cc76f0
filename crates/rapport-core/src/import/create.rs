//! Writing the customers an import creates, set-based: rows are collected in Rust (each
//! customer, its emails, phones, tags, external ids and one create op with its fields) and
//! written a chunk at a time from JSON arrays (see `crate::bulk`), parents before children (so deferred
//! foreign keys never have violations to count, and never scan child tables).

use std::collections::HashMap;
use std::sync::Arc;

use rapport_protocol::EntityKind;
use serde_json::Value;
use uuid::Uuid;

use super::fields::{scalar, SCALARS};
use super::record::Photo;
use crate::bulk::{self, JsonRow};
use crate::customers::{Customer, Labeled};
use crate::error::{Error, Result};
use crate::store::{Change, PendingOp};
use crate::text::{self, enum_str, to_json};

const E: EntityKind = EntityKind::Customer;

/// Customers per chunk: bounds the memory held.
pub(super) const CHUNK: usize = 2_000;

/// Companies by name, as the import resolves a person's company: one this import made,
/// else the store's (case-insensitive like SQLite's NOCASE, the oldest id first), else a
/// new one.
pub(super) struct Companies {
    made: HashMap<String, Uuid>,
    existing: HashMap<String, Uuid>,
}

impl Companies {
    pub async fn load(ch: &mut Change<'_>) -> Result<Companies> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, display_name FROM customers WHERE kind = 'company' AND deleted_at IS NULL
             ORDER BY id",
        )
        .fetch_all(ch.conn())
        .await?;
        let mut existing = HashMap::new();
        for (id, name) in rows {
            existing.entry(name.to_ascii_lowercase()).or_insert(text::parse_id(&id)?);
        }
        Ok(Companies { made: HashMap::new(), existing })
    }

    /// The company's id, and whether it is new (to be created, blank, before its people).
    pub fn resolve(&mut self, name: &str) -> (Uuid, bool) {
        let key = name.to_lowercase();
        if let Some(id) = self.made.get(&key) {
            return (*id, false);
        }
        let (id, new) = match self.existing.get(&name.to_ascii_lowercase()) {
            Some(id) => (*id, false),
            None => (Uuid::now_v7(), true),
        };
        self.made.insert(key, id);
        (id, new)
    }

    /// A company the file itself creates: later rows naming it belong to it (unless an
    /// earlier row already made one of that name).
    pub fn made(&mut self, name: &str, id: Uuid) {
        self.made.entry(name.to_lowercase()).or_insert(id);
    }
}

/// One `customers` row (created and updated at the same instant).
struct CustomerRow {
    id: Arc<str>,
    kind: String,
    display_name: String,
    given_name: Option<String>,
    family_name: Option<String>,
    company_id: Option<String>,
    title: Option<String>,
    lifecycle_stage: String,
    lead_source: Option<String>,
    owner: Option<String>,
    birthday: Option<String>,
    how_we_met: Option<String>,
    preferred_channel: Option<String>,
    quiet_hours: Option<String>,
    keep_in_touch_days: Option<i64>,
    keep_in_touch_max_days: Option<i64>,
    notes: Option<String>,
    addresses: String,
    important_dates: String,
    key_facts: String,
    custom_fields: String,
    now: Arc<str>,
}

const CUSTOMERS: &str = "INSERT INTO customers (id, kind, display_name, given_name, family_name,
    company_id, title, lifecycle_stage, lead_source, owner, birthday, how_we_met,
    preferred_channel, quiet_hours, keep_in_touch_days, keep_in_touch_max_days, notes,
    addresses, important_dates, key_facts, custom_fields, created_at, updated_at)";

impl serde::Serialize for CustomerRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeTuple;
        let mut t = s.serialize_tuple(Self::COLUMNS)?;
        t.serialize_element(&*self.id)?;
        t.serialize_element(&self.kind)?;
        t.serialize_element(&self.display_name)?;
        t.serialize_element(&self.given_name)?;
        t.serialize_element(&self.family_name)?;
        t.serialize_element(&self.company_id)?;
        t.serialize_element(&self.title)?;
        t.serialize_element(&self.lifecycle_stage)?;
        t.serialize_element(&self.lead_source)?;
        t.serialize_element(&self.owner)?;
        t.serialize_element(&self.birthday)?;
        t.serialize_element(&self.how_we_met)?;
        t.serialize_element(&self.preferred_channel)?;
        t.serialize_element(&self.quiet_hours)?;
        t.serialize_element(&self.keep_in_touch_days)?;
        t.serialize_element(&self.keep_in_touch_max_days)?;
        t.serialize_element(&self.notes)?;
        t.serialize_element(&self.addresses)?;
        t.serialize_element(&self.important_dates)?;
        t.serialize_element(&self.key_facts)?;
        t.serialize_element(&self.custom_fields)?;
        t.serialize_element(&*self.now)?;
        t.serialize_element(&*self.now)?;
        t.end()
    }
}

impl JsonRow for CustomerRow {
    const COLUMNS: usize = 23;
}

/// One email or phone (`contact_points`).
struct PointRow {
    customer_id: Arc<str>,
    kind: &'static str,
    position: i64,
    label: Option<String>,
    value: String,
    normalized: String,
}

impl serde::Serialize for PointRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (&*self.customer_id, self.kind, self.position, &self.label, &self.value, &self.normalized)
            .serialize(s)
    }
}

impl JsonRow for PointRow {
    const COLUMNS: usize = 6;
}

/// A tag (`customer_id`, `tag`).
struct TagRow(Arc<str>, String);

impl serde::Serialize for TagRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (&*self.0, &self.1).serialize(s)
    }
}

impl JsonRow for TagRow {
    const COLUMNS: usize = 2;
}

/// An external id (`source`, `external_id`, `customer_id`).
struct ExternalRow(String, String, Arc<str>);

impl serde::Serialize for ExternalRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        (&self.0, &self.1, &*self.2).serialize(s)
    }
}

impl JsonRow for ExternalRow {
    const COLUMNS: usize = 3;
}

/// New customers waiting to be written, with everything that belongs to them.
pub(super) struct Creator {
    now: Arc<str>,
    customers: Vec<CustomerRow>,
    points: Vec<PointRow>,
    tags: Vec<TagRow>,
    external: Vec<ExternalRow>,
    ops: Vec<PendingOp>,
    photos: Vec<(Uuid, Photo)>,
}

fn json<T: serde::Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Internal(e.to_string()))
}

impl Creator {
    pub fn new(ch: &Change<'_>) -> Creator {
        Creator {
            now: ch.now().to_rfc3339().into(),
            customers: Vec::with_capacity(CHUNK),
            points: Vec::new(),
            tags: Vec::new(),
            external: Vec::new(),
            ops: Vec::new(),
            photos: Vec::new(),
        }
    }

    /// Queues a new customer with all its fields, and its create op.
    pub fn add(
        &mut self,
        ch: &mut Change<'_>,
        id: Uuid,
        c: &Customer,
        company_id: Option<Uuid>,
        photo: Option<&Photo>,
        external: &[(String, String)],
    ) -> Result<()> {
        let sid: Arc<str> = id.to_string().into();
        for (kind, list) in [("email", &c.emails), ("phone", &c.phones)] {
            for (pos, Labeled { label, value }) in list.iter().enumerate() {
                let normalized = if kind == "email" {
                    text::normalize_email(value)
                } else {
                    text::normalize_phone(value)
                };
                self.points.push(PointRow {
                    customer_id: sid.clone(),
                    kind,
                    position: pos as i64,
                    label: label.clone(),
                    value: value.clone(),
                    normalized,
                });
            }
        }
        let mut fields = serde_json::Map::new();
        let mut tags: Vec<Value> = Vec::with_capacity(c.tags.len());
        for t in &c.tags {
            self.tags.push(TagRow(sid.clone(), t.clone()));
            let element = Value::String(t.clone());
            if !tags.contains(&element) {
                tags.push(element);
            }
        }
        for (source, ext) in external {
            self.external.push(ExternalRow(source.clone(), ext.clone(), sid.clone()));
        }
        let mut c = c.clone();
        c.company_id = company_id;
        // One create op with every value set (the fields a one-by-one create sets).
        fields.insert("kind".into(), enum_str(&c.kind).into());
        for (_, col) in SCALARS {
            let v = scalar(&c, col);
            if v.is_null() {
                continue;
            }
            let v = match *col {
                "quiet_hours" => json(&c.quiet_hours)?,
                _ => v,
            };
            fields.insert((*col).into(), v);
        }
        if !c.emails.is_empty() {
            fields.insert("emails".into(), json(&c.emails)?);
        }
        if !c.phones.is_empty() {
            fields.insert("phones".into(), json(&c.phones)?);
        }
        for (col, empty, v) in [
            ("addresses", c.addresses.is_empty(), json(&c.addresses)),
            ("important_dates", c.important_dates.is_empty(), json(&c.important_dates)),
            ("key_facts", c.key_facts.is_empty(), json(&c.key_facts)),
            ("custom_fields", c.custom_fields.is_empty(), json(&c.custom_fields)),
        ] {
            if !empty {
                fields.insert(col.into(), v?);
            }
        }
        if !tags.is_empty() {
            fields.insert("tags".into(), Value::Array(tags));
        }
        self.ops.push(ch.pending_create(E, &sid, &fields)?);
        if let Some(p) = photo {
            self.photos.push((id, p.clone()));
        }
        self.customers.push(CustomerRow {
            id: sid,
            kind: enum_str(&c.kind),
            addresses: to_json(&c.addresses),
            important_dates: to_json(&c.important_dates),
            key_facts: to_json(&c.key_facts),
            custom_fields: to_json(&c.custom_fields),
            company_id: company_id.map(|i| i.to_string()),
            lifecycle_stage: enum_str(&c.lifecycle_stage),
            birthday: c.birthday.map(|b| b.to_string()),
            preferred_channel: c.preferred_channel.map(|p| enum_str(&p)),
            quiet_hours: c.quiet_hours.as_ref().map(to_json),
            keep_in_touch_days: c.keep_in_touch_days.map(i64::from),
            keep_in_touch_max_days: c.keep_in_touch_max_days.map(i64::from),
            display_name: c.display_name,
            given_name: c.given_name,
            family_name: c.family_name,
            title: c.title,
            lead_source: c.lead_source,
            owner: c.owner,
            how_we_met: c.how_we_met,
            notes: c.notes,
            now: self.now.clone(),
        });
        Ok(())
    }

    pub fn is_full(&self) -> bool {
        self.customers.len() >= CHUNK
    }

    /// Writes what is queued: customers first, then what refers to them.
    pub async fn flush(&mut self, ch: &mut Change<'_>) -> Result<()> {
        bulk::insert_json(ch.conn(), CUSTOMERS, &self.customers).await?;
        bulk::insert_json(
            ch.conn(),
            "INSERT INTO contact_points (customer_id, kind, position, label, value, normalized)",
            &self.points,
        )
        .await?;
        bulk::insert_json(
            ch.conn(),
            "INSERT OR IGNORE INTO customer_tags (customer_id, tag)",
            &self.tags,
        )
        .await?;
        bulk::insert_json(
            ch.conn(),
            "INSERT OR IGNORE INTO customer_external_ids (source, external_id, customer_id)",
            &self.external,
        )
        .await?;
        ch.write_ops(&self.ops).await?;
        for (id, p) in std::mem::take(&mut self.photos) {
            super::photos::write_photo(ch, id, Some(&p)).await?;
        }
        self.customers.clear();
        self.points.clear();
        self.tags.clear();
        self.external.clear();
        self.ops.clear();
        Ok(())
    }
}

/// Links external ids to an existing customer (an update).
pub(super) async fn link_external(
    ch: &mut Change<'_>,
    id: Uuid,
    ext: &[(String, String)],
) -> Result<()> {
    let id: Arc<str> = id.to_string().into();
    let rows: Vec<ExternalRow> =
        ext.iter().map(|(s, e)| ExternalRow(s.clone(), e.clone(), id.clone())).collect();
    bulk::insert_json(
        ch.conn(),
        "INSERT OR IGNORE INTO customer_external_ids (source, external_id, customer_id)",
        &rows,
    )
    .await
}

//! Adding and deleting customers. Each write records its field ops in the same transaction.

use rapport_protocol::{EntityKind, OpAction};
use uuid::Uuid;

use super::{
    split_name, Channel, CustomerKind, CustomerSummary, Labeled, LifecycleStage, NewCustomer,
};
use crate::dates::PersonalDate;
use crate::error::{Error, Result};
use crate::store::{Change, Deletable, Store};
use crate::text::{self, enum_str};

const E: EntityKind = EntityKind::Customer;

/// A validated `NewCustomer`.
pub(crate) struct ValidCustomer {
    kind: CustomerKind,
    name: String,
    emails: Vec<String>,
    phones: Vec<String>,
    company: Option<String>,
    title: Option<String>,
    tags: Vec<String>,
    birthday: Option<PersonalDate>,
    keep_in_touch_days: Option<u32>,
    preferred_channel: Option<Channel>,
    lifecycle_stage: LifecycleStage,
    notes: Option<String>,
}

impl NewCustomer {
    pub(crate) fn validate(&self) -> Result<ValidCustomer> {
        let kind = self.kind.unwrap_or(CustomerKind::Person);
        let emails = self
            .emails
            .iter()
            .filter(|e| !e.trim().is_empty())
            .map(|e| text::email(e))
            .collect::<Result<Vec<_>>>()?;
        let phones = self
            .phones
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| text::phone(p))
            .collect::<Result<Vec<_>>>()?;
        let mut tags: Vec<String> = Vec::new();
        for t in &self.tags {
            if let Some(t) = text::tag(t)? {
                if !tags.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
                    tags.push(t);
                }
            }
        }
        let company = match &self.company {
            Some(c) => text::clean("company", c, 200)?,
            None => None,
        };
        if company.is_some() && kind == CustomerKind::Company {
            return Err(Error::invalid("company", "a company cannot belong to another company"));
        }
        let birthday = match self.birthday.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(b) => Some(b.parse::<PersonalDate>().map_err(|e| match e {
                Error::InvalidInput { problem, .. } => Error::invalid("birthday", problem),
                other => other,
            })?),
            None => None,
        };
        if let Some(d) = self.keep_in_touch_days {
            if !(1..=3650).contains(&d) {
                return Err(Error::invalid(
                    "keep_in_touch_days",
                    "must be between 1 and 3650 days",
                ));
            }
        }
        Ok(ValidCustomer {
            kind,
            name: text::required("name", &self.name, 200)?,
            emails,
            phones,
            company,
            title: self
                .title
                .as_deref()
                .map(|t| text::clean("title", t, 200))
                .transpose()?
                .flatten(),
            tags,
            birthday,
            keep_in_touch_days: self.keep_in_touch_days,
            preferred_channel: self.preferred_channel,
            lifecycle_stage: self.lifecycle_stage.unwrap_or_default(),
            notes: self
                .notes
                .as_deref()
                .map(|n| text::clean("notes", n, 20_000))
                .transpose()?
                .flatten(),
        })
    }
}

impl Store {
    pub async fn add_customer(&self, new: &NewCustomer) -> Result<CustomerSummary> {
        let valid = new.validate()?;
        let mut ch = self.change().await?;
        let id = insert(&mut ch, valid).await?;
        ch.commit().await?;
        self.customer_summary(id).await
    }

    /// Soft-deletes a customer (a `deleted` field, so sync can restore concurrent edits).
    pub async fn delete_customer(&self, id: Uuid) -> Result<()> {
        self.soft_delete(Deletable::Customer, id).await
    }
}

/// Inserts one validated customer inside an open change; used by the API, demo and import.
pub(crate) async fn insert(ch: &mut Change<'_>, c: ValidCustomer) -> Result<Uuid> {
    let id = Uuid::now_v7();
    let now = ch.now().to_rfc3339();
    let company_id = match &c.company {
        Some(name) => Some(company_by_name(ch, name).await?),
        None => None,
    };
    let (given, family) = match c.kind {
        CustomerKind::Person => split_name(&c.name),
        CustomerKind::Company => (None, None),
    };
    let birthday = c.birthday.map(|b| b.to_string());
    let channel = c.preferred_channel.map(|ch| enum_str(&ch));
    let stage = enum_str(&c.lifecycle_stage);
    sqlx::query(
        "INSERT INTO customers (id, kind, display_name, given_name, family_name, company_id, title,
            lifecycle_stage, birthday, preferred_channel, keep_in_touch_days, notes, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(enum_str(&c.kind))
    .bind(&c.name)
    .bind(&given)
    .bind(&family)
    .bind(company_id.map(|i| i.to_string()))
    .bind(&c.title)
    .bind(&stage)
    .bind(&birthday)
    .bind(&channel)
    .bind(c.keep_in_touch_days)
    .bind(&c.notes)
    .bind(&now)
    .bind(&now)
    .execute(ch.conn())
    .await?;

    // One create op with every value set (DESIGN §5; rapport-protocol's OpAction::Create).
    let mut fields = serde_json::Map::new();
    fields.insert("kind".into(), enum_str(&c.kind).into());
    fields.insert("display_name".into(), c.name.clone().into());
    fields.insert("lifecycle_stage".into(), stage.into());
    for (field, value) in [
        ("given_name", given),
        ("family_name", family),
        ("company_id", company_id.map(|i| i.to_string())),
        ("title", c.title),
        ("birthday", birthday),
        ("preferred_channel", channel),
        ("notes", c.notes),
    ] {
        if let Some(v) = value {
            fields.insert(field.into(), v.into());
        }
    }
    if let Some(days) = c.keep_in_touch_days {
        fields.insert("keep_in_touch_days".into(), days.into());
    }
    let emails: Vec<Labeled> =
        c.emails.into_iter().map(|value| Labeled { label: None, value }).collect();
    let phones: Vec<Labeled> =
        c.phones.into_iter().map(|value| Labeled { label: None, value }).collect();
    write_contact_points(ch, id, "email", &emails).await?;
    write_contact_points(ch, id, "phone", &phones).await?;
    for (field, list) in [("emails", &emails), ("phones", &phones)] {
        if !list.is_empty() {
            let v = serde_json::to_value(list).map_err(|e| Error::Internal(e.to_string()))?;
            fields.insert(field.into(), v);
        }
    }
    let mut tags = Vec::new();
    for tag in &c.tags {
        insert_tag_row(ch, id, tag).await?;
        if !tags.contains(tag) {
            tags.push(tag.clone());
        }
    }
    if !tags.is_empty() {
        fields.insert("tags".into(), tags.into());
    }
    ch.create(E, id, &fields).await?;
    Ok(id)
}

/// Replaces a customer's emails or phones (the table the list and lookups read).
pub(crate) async fn write_contact_points(
    ch: &mut Change<'_>,
    id: Uuid,
    kind: &str,
    values: &[Labeled],
) -> Result<()> {
    sqlx::query("DELETE FROM contact_points WHERE customer_id = ? AND kind = ?")
        .bind(id.to_string())
        .bind(kind)
        .execute(ch.conn())
        .await?;
    for (pos, v) in values.iter().enumerate() {
        let normalized = if kind == "email" {
            text::normalize_email(&v.value)
        } else {
            text::normalize_phone(&v.value)
        };
        sqlx::query(
            "INSERT INTO contact_points (customer_id, kind, position, label, value, normalized)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(kind)
        .bind(pos as i64)
        .bind(&v.label)
        .bind(&v.value)
        .bind(normalized)
        .execute(ch.conn())
        .await?;
    }
    Ok(())
}

pub(crate) async fn add_tag(ch: &mut Change<'_>, id: Uuid, tag: &str) -> Result<()> {
    insert_tag_row(ch, id, tag).await?;
    ch.op(E, id, OpAction::Add { field: "tags".into(), element: tag.into() }).await
}

/// The tag's row alone (its op is the caller's: an add, or part of a create).
async fn insert_tag_row(ch: &mut Change<'_>, id: Uuid, tag: &str) -> Result<()> {
    sqlx::query("INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (?, ?)")
        .bind(id.to_string())
        .bind(tag)
        .execute(ch.conn())
        .await?;
    Ok(())
}

pub(crate) async fn remove_tag(ch: &mut Change<'_>, id: Uuid, tag: &str) -> Result<()> {
    sqlx::query("DELETE FROM customer_tags WHERE customer_id = ? AND tag = ?")
        .bind(id.to_string())
        .bind(tag)
        .execute(ch.conn())
        .await?;
    let element = serde_json::Value::from(tag);
    // The adds this device knows of: a concurrent add elsewhere survives the remove.
    let observed = crate::oplog::live_adds(ch.conn(), E, id, "tags", &element).await?;
    ch.op(E, id, OpAction::Remove { field: "tags".into(), element, observed: Some(observed) }).await
}

/// The id of the company with this name (case-insensitive), creating it if there is none.
pub(crate) async fn company_by_name(ch: &mut Change<'_>, name: &str) -> Result<Uuid> {
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM customers WHERE kind = 'company' AND deleted_at IS NULL
           AND display_name = ? COLLATE NOCASE ORDER BY id LIMIT 1",
    )
    .bind(name)
    .fetch_optional(ch.conn())
    .await?;
    if let Some(id) = existing {
        return Uuid::parse_str(&id).map_err(|e| Error::Internal(e.to_string()));
    }
    let company = NewCustomer {
        kind: Some(CustomerKind::Company),
        name: name.to_string(),
        ..Default::default()
    };
    Box::pin(insert(ch, company.validate()?)).await
}

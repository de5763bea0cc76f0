//! Reading customers: one in full, one list row, and resolving what a user typed.

use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use super::{Customer, CustomerSummary, Labeled};
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::{json, parse_enum, parse_time};

/// The columns of a list row, over `customers c LEFT JOIN customers co` (its company).
pub(super) const SUMMARY_COLUMNS: &str = "
    c.id, c.kind, c.display_name, co.display_name AS company_name,
        (SELECT value FROM contact_points p WHERE p.customer_id = c.id AND p.kind = 'email' ORDER BY position LIMIT 1) AS primary_email,
        (SELECT value FROM contact_points p WHERE p.customer_id = c.id AND p.kind = 'phone' ORDER BY position LIMIT 1) AS primary_phone,
        (SELECT json_group_array(tag) FROM (SELECT tag FROM customer_tags t WHERE t.customer_id = c.id ORDER BY tag COLLATE NOCASE)) AS tags,
        c.lifecycle_stage, c.owner, c.last_contacted_at";

fn parse_id(s: &str) -> Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| Error::Internal(format!("bad id in store: {e}")))
}

pub(super) fn summary(row: &SqliteRow) -> Result<CustomerSummary> {
    let tags: Option<String> = row.get("tags");
    Ok(CustomerSummary {
        id: parse_id(row.get("id"))?,
        kind: parse_enum("kind", row.get("kind"), "person, company")?,
        display_name: row.get("display_name"),
        company_name: row.get("company_name"),
        primary_email: row.get("primary_email"),
        primary_phone: row.get("primary_phone"),
        tags: tags.map(|t| json("tags", &t)).transpose()?.unwrap_or_default(),
        lifecycle_stage: parse_enum("lifecycle_stage", row.get("lifecycle_stage"), "")?,
        owner: row.get("owner"),
        last_contacted_at: parse_time(row.get("last_contacted_at"))?,
    })
}

impl Store {
    pub async fn customer_summary(&self, id: Uuid) -> Result<CustomerSummary> {
        // A merged customer's id leads to the customer it was merged into.
        let id = self.live_customer_id(id).await?;
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM customers c LEFT JOIN customers co ON co.id = c.company_id
             WHERE c.id = ? AND c.deleted_at IS NULL"
        );
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or_else(|| Error::NotFound(format!("customer {id}")))?;
        summary(&row)
    }

    pub async fn get_customer(&self, id: Uuid) -> Result<Customer> {
        let id = self.live_customer_id(id).await?;
        let row = sqlx::query(
            "SELECT c.*, co.display_name AS company_name FROM customers c
             LEFT JOIN customers co ON co.id = c.company_id
             WHERE c.id = ? AND c.deleted_at IS NULL",
        )
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or_else(|| Error::NotFound(format!("customer {id}")))?;

        let points = sqlx::query(
            "SELECT kind, label, value FROM contact_points WHERE customer_id = ? ORDER BY kind, position",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        let (mut emails, mut phones) = (Vec::new(), Vec::new());
        for p in &points {
            let l = Labeled { label: p.get("label"), value: p.get("value") };
            if p.get::<String, _>("kind") == "email" {
                emails.push(l);
            } else {
                phones.push(l);
            }
        }
        let tags: Vec<String> = sqlx::query_scalar(
            "SELECT tag FROM customer_tags WHERE customer_id = ? ORDER BY tag COLLATE NOCASE",
        )
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;

        let opt_str = |name: &str| -> Option<String> { row.get(name) };
        Ok(Customer {
            id,
            kind: parse_enum("kind", row.get("kind"), "")?,
            display_name: row.get("display_name"),
            given_name: opt_str("given_name"),
            family_name: opt_str("family_name"),
            company_id: opt_str("company_id").map(|s| parse_id(&s)).transpose()?,
            company_name: opt_str("company_name"),
            title: opt_str("title"),
            emails,
            phones,
            addresses: json("addresses", row.get("addresses"))?,
            tags,
            custom_fields: json("custom_fields", row.get("custom_fields"))?,
            lifecycle_stage: parse_enum("lifecycle_stage", row.get("lifecycle_stage"), "")?,
            lead_source: opt_str("lead_source"),
            owner: opt_str("owner"),
            birthday: opt_str("birthday").map(|b| b.parse()).transpose()?,
            important_dates: json("important_dates", row.get("important_dates"))?,
            key_facts: json("key_facts", row.get("key_facts"))?,
            how_we_met: opt_str("how_we_met"),
            preferred_channel: opt_str("preferred_channel")
                .map(|c| parse_enum("preferred_channel", &c, ""))
                .transpose()?,
            quiet_hours: opt_str("quiet_hours").map(|q| json("quiet_hours", &q)).transpose()?,
            keep_in_touch_days: row.get::<Option<i64>, _>("keep_in_touch_days").map(|d| d as u32),
            keep_in_touch_max_days: row
                .get::<Option<i64>, _>("keep_in_touch_max_days")
                .map(|d| d as u32),
            notes: opt_str("notes"),
            last_contacted_at: parse_time(opt_str("last_contacted_at"))?,
            created_at: parse_time(opt_str("created_at"))?.unwrap_or_default(),
            updated_at: parse_time(opt_str("updated_at"))?.unwrap_or_default(),
        })
    }

    /// Finds the one customer a user means: an id, or a name or email that matches exactly
    /// one customer (case-insensitively). Ambiguity lists the candidates.
    pub async fn resolve_customer(&self, query: &str) -> Result<Uuid> {
        let q = query.trim();
        if let Ok(id) = Uuid::parse_str(q) {
            return self.live_customer_id(id).await;
        }
        let rows = sqlx::query(
            "SELECT DISTINCT c.id, c.display_name, (SELECT value FROM contact_points p WHERE p.customer_id = c.id AND p.kind = 'email' ORDER BY position LIMIT 1) AS email
             FROM customers c
             WHERE c.deleted_at IS NULL AND (c.display_name = ?1 COLLATE NOCASE
                OR EXISTS (SELECT 1 FROM contact_points p WHERE p.customer_id = c.id AND p.kind = 'email' AND p.normalized = lower(?1)))
             ORDER BY c.id LIMIT 20",
        )
        .bind(q)
        .fetch_all(self.pool())
        .await?;
        match rows.as_slice() {
            [] => Err(Error::NotFound(format!(
                "customer `{q}` (no customer has that id, name or email)"
            ))),
            [one] => parse_id(one.get("id")),
            many => Err(Error::Ambiguous {
                query: q.to_string(),
                candidates: many
                    .iter()
                    .map(|r| {
                        let email: Option<String> = r.get("email");
                        let name: String = r.get("display_name");
                        let id: String = r.get("id");
                        match email {
                            Some(e) => format!("{name} <{e}> ({id})"),
                            None => format!("{name} ({id})"),
                        }
                    })
                    .collect(),
            }),
        }
    }
}

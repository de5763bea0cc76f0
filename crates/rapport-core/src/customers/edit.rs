//! Editing a customer field by field (`rapport customer edit --set FIELD=VALUE`, the app's
//! forms). Only fields whose value really changes are written, each with its op.

use std::collections::BTreeMap;

use rapport_protocol::EntityKind;
use serde::Serialize;
use uuid::Uuid;

use super::write::{add_tag, company_by_name, remove_tag, write_contact_points};
use super::{
    Address, Channel, Customer, CustomerKind, ImportantDate, KeyFact, Labeled, LifecycleStage,
    QuietHours,
};
use crate::dates::PersonalDate;
use crate::error::{Error, Result};
use crate::store::{Change, Store};
use crate::text::{self, enum_str, parse_enum, to_json};

const E: EntityKind = EntityKind::Customer;

/// The fields `edit` understands (aliases in parentheses), for help texts and errors.
pub const EDITABLE_FIELDS: &str = "name, given_name, family_name, company, title, stage (lifecycle_stage), \
lead_source, owner, birthday, how_we_met, channel (preferred_channel), quiet_hours (HH:MM-HH:MM), \
keep_in_touch (days), keep_in_touch_max (days), notes, emails, phones, tags (comma-separated lists), addresses, important_dates, \
key_facts (JSON arrays), custom.NAME";

impl Store {
    /// Applies `FIELD=VALUE` edits in one transaction. An empty value clears the field.
    pub async fn edit_customer(&self, id: Uuid, edits: &[(String, String)]) -> Result<Customer> {
        if edits.is_empty() {
            return Err(Error::invalid("edit", "nothing to change: give at least one FIELD=VALUE"));
        }
        // `id` may be a merged customer's: edit the customer it leads to.
        let current = self.get_customer(id).await?;
        let id = current.id;
        let mut ch = self.change().await?;
        for (field, value) in edits {
            apply(&mut ch, &current, field.trim(), value).await?;
        }
        let now = ch.now().to_rfc3339();
        sqlx::query("UPDATE customers SET updated_at = ? WHERE id = ?")
            .bind(now)
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        ch.commit().await?;
        self.get_customer(id).await
    }
}

fn opt_text(field: &str, v: &str, max: usize) -> Result<Option<String>> {
    text::clean(field, v, max)
}

fn list(v: &str) -> impl Iterator<Item = &str> {
    v.split(',').map(str::trim).filter(|s| !s.is_empty())
}

async fn apply(ch: &mut Change<'_>, c: &Customer, field: &str, value: &str) -> Result<()> {
    let id = c.id;
    match field {
        "name" | "display_name" => {
            let v = text::required("name", value, 200)?;
            column(ch, id, "display_name", Some(v.clone()), Some(c.display_name.clone()), &v).await
        }
        "given_name" | "family_name" | "title" | "lead_source" | "owner" | "how_we_met"
        | "notes" => {
            let max = if field == "notes" { 20_000 } else { 500 };
            let v = opt_text(field, value, max)?;
            let (col, old): (&'static str, _) = match field {
                "given_name" => ("given_name", &c.given_name),
                "family_name" => ("family_name", &c.family_name),
                "title" => ("title", &c.title),
                "lead_source" => ("lead_source", &c.lead_source),
                "owner" => ("owner", &c.owner),
                "how_we_met" => ("how_we_met", &c.how_we_met),
                _ => ("notes", &c.notes),
            };
            column(ch, id, col, v.clone(), old.clone(), &v).await
        }
        "company" => {
            if c.kind == CustomerKind::Company && !value.trim().is_empty() {
                return Err(Error::invalid(
                    "company",
                    "a company cannot belong to another company",
                ));
            }
            let new_id = match opt_text("company", value, 200)? {
                Some(name) => Some(company_by_name(ch, &name).await?.to_string()),
                None => None,
            };
            let old = c.company_id.map(|i| i.to_string());
            column(ch, id, "company_id", new_id.clone(), old, &new_id).await
        }
        "stage" | "lifecycle_stage" => {
            let s: LifecycleStage =
                parse_enum("lifecycle_stage", value, "lead, prospect, customer, former")?;
            let v = enum_str(&s);
            column(
                ch,
                id,
                "lifecycle_stage",
                Some(v.clone()),
                Some(enum_str(&c.lifecycle_stage)),
                &v,
            )
            .await
        }
        "birthday" => {
            let b = match opt_text("birthday", value, 20)? {
                Some(b) => Some(b.parse::<PersonalDate>().map_err(|_| {
                    Error::invalid("birthday", format!("`{b}` is not YYYY-MM-DD or --MM-DD"))
                })?),
                None => None,
            };
            let v = b.map(|b| b.to_string());
            column(ch, id, "birthday", v.clone(), c.birthday.map(|b| b.to_string()), &v).await
        }
        "channel" | "preferred_channel" => {
            let v = match opt_text("preferred_channel", value, 20)? {
                Some(s) => Some(enum_str(&parse_enum::<Channel>(
                    "preferred_channel",
                    &s,
                    "email, phone, sms, whatsapp, in_person",
                )?)),
                None => None,
            };
            let old = c.preferred_channel.map(|c| enum_str(&c));
            column(ch, id, "preferred_channel", v.clone(), old, &v).await
        }
        "keep_in_touch" | "keep_in_touch_days" => {
            days_column(ch, id, "keep_in_touch_days", value, c.keep_in_touch_days).await
        }
        "keep_in_touch_max" | "keep_in_touch_max_days" => {
            days_column(ch, id, "keep_in_touch_max_days", value, c.keep_in_touch_max_days).await
        }
        "quiet_hours" => {
            let v = match opt_text("quiet_hours", value, 20)? {
                Some(s) => Some(parse_quiet_hours(&s)?),
                None => None,
            };
            let json = v.as_ref().map(to_json);
            column(ch, id, "quiet_hours", json, c.quiet_hours.as_ref().map(to_json), &v).await
        }
        "emails" | "email" | "phones" | "phone" => {
            let is_email = field.starts_with("email");
            let values: Vec<Labeled> = list(value)
                .map(|v| {
                    let v = if is_email { text::email(v)? } else { text::phone(v)? };
                    Ok(Labeled { label: None, value: v })
                })
                .collect::<Result<_>>()?;
            let old = if is_email { &c.emails } else { &c.phones };
            if old.iter().map(|l| &l.value).eq(values.iter().map(|l| &l.value)) {
                return Ok(());
            }
            let kind = if is_email { "email" } else { "phone" };
            write_contact_points(ch, id, kind, &values).await?;
            ch.set(E, id, if is_email { "emails" } else { "phones" }, &values).await
        }
        "tags" => {
            let mut wanted: Vec<String> = Vec::new();
            for t in list(value) {
                if let Some(t) = text::tag(t)? {
                    if !wanted.iter().any(|w| w.eq_ignore_ascii_case(&t)) {
                        wanted.push(t);
                    }
                }
            }
            for old in c.tags.iter().filter(|o| !wanted.contains(o)) {
                remove_tag(ch, id, old).await?;
            }
            for new in wanted.iter().filter(|w| !c.tags.contains(w)) {
                add_tag(ch, id, new).await?;
            }
            Ok(())
        }
        "addresses" => {
            json_column::<Vec<Address>>(ch, id, field, value, to_json(&c.addresses)).await
        }
        "important_dates" => {
            json_column::<Vec<ImportantDate>>(ch, id, field, value, to_json(&c.important_dates))
                .await
        }
        "key_facts" => {
            json_column::<Vec<KeyFact>>(ch, id, field, value, to_json(&c.key_facts)).await
        }
        f if f.starts_with("custom.") => {
            let key = text::required("custom field name", &f["custom.".len()..], 100)?;
            let mut fields: BTreeMap<String, String> = c.custom_fields.clone();
            match opt_text(f, value, 2_000)? {
                Some(v) => fields.insert(key, v),
                None => fields.remove(&key),
            };
            let old = to_json(&c.custom_fields);
            let new = to_json(&fields);
            column(ch, id, "custom_fields", Some(new), Some(old), &fields).await
        }
        other => Err(Error::invalid(
            other,
            format!("is not a customer field; editable fields: {EDITABLE_FIELDS}"),
        )),
    }
}

/// Writes a number-of-days column (1–3650, empty clears) if it changed, with its op.
async fn days_column(
    ch: &mut Change<'_>,
    id: Uuid,
    col: &'static str,
    value: &str,
    old: Option<u32>,
) -> Result<()> {
    let v = match value.trim() {
        "" => None,
        s => Some(s.parse::<u32>().ok().filter(|d| (1..=3650).contains(d)).ok_or_else(|| {
            Error::invalid(col, format!("`{s}` is not a number of days from 1 to 3650"))
        })?),
    };
    if v == old {
        return Ok(());
    }
    sqlx::query(&format!("UPDATE customers SET {col} = ? WHERE id = ?"))
        .bind(v)
        .bind(id.to_string())
        .execute(ch.conn())
        .await?;
    ch.set(E, id, col, v).await
}

/// Writes one text column if it changed, and its op carrying `op_value`.
pub(crate) async fn column<V: Serialize>(
    ch: &mut Change<'_>,
    id: Uuid,
    col: &'static str,
    new: Option<String>,
    old: Option<String>,
    op_value: &V,
) -> Result<()> {
    if new == old {
        return Ok(());
    }
    // `col` is always one of our own column names, never user input.
    sqlx::query(&format!("UPDATE customers SET {col} = ? WHERE id = ?"))
        .bind(new)
        .bind(id.to_string())
        .execute(ch.conn())
        .await?;
    ch.set(E, id, col, op_value).await
}

async fn json_column<T>(
    ch: &mut Change<'_>,
    id: Uuid,
    field: &str,
    value: &str,
    old: String,
) -> Result<()>
where
    T: serde::de::DeserializeOwned + Serialize,
{
    let col: &'static str = match field {
        "addresses" => "addresses",
        "important_dates" => "important_dates",
        _ => "key_facts",
    };
    let parsed: T = if value.trim().is_empty() {
        serde_json::from_str("[]").map_err(|e| Error::Internal(e.to_string()))?
    } else {
        serde_json::from_str(value)
            .map_err(|e| Error::invalid(field, format!("is not valid: {e}")))?
    };
    let new = to_json(&parsed);
    column(ch, id, col, Some(new), Some(old), &parsed).await
}

fn parse_quiet_hours(s: &str) -> Result<QuietHours> {
    let bad = || Error::invalid("quiet_hours", format!("`{s}` is not a range like 21:00-08:00"));
    let (a, b) = s.split_once('-').ok_or_else(bad)?;
    let t = |x: &str| {
        chrono::NaiveTime::parse_from_str(x.trim(), "%H:%M").map(|t| t.format("%H:%M").to_string())
    };
    Ok(QuietHours { start: t(a).map_err(|_| bad())?, end: t(b).map_err(|_| bad())? })
}

//! Tag clean-up: usage, rename (onto an existing tag: merge), delete, and tags that rules
//! refer to but no customer carries.
//!
//! Tags live in three places: `customer_tags` (one row per customer and spelling),
//! `tag_cadences` (keep-in-touch per tag, case-insensitive key) and scoring rules'
//! `{"if": "tag"}` conditions (JSON). Every reader already compares tags
//! case-insensitively, so a rename or delete takes every spelling of the name.

use std::collections::BTreeMap;

use rapport_protocol::EntityKind;
use sqlx::Row;
use uuid::Uuid;

use super::{TagChange, TagUsage, UnusedTag};
use crate::customers::{add_tag, remove_tag};
use crate::error::{Error, Result};
use crate::scoring::Condition;
use crate::store::{Change, Store};
use crate::text::{self, json, parse_id};

impl Store {
    /// Every tag on a live customer with how many carry it, most used first.
    pub async fn tag_usage(&self) -> Result<Vec<TagUsage>> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT t.tag, count(*) AS n FROM customer_tags t
             JOIN customers c ON c.id = t.customer_id AND c.deleted_at IS NULL
             GROUP BY t.tag ORDER BY n DESC, t.tag COLLATE NOCASE, t.tag",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(tag, n)| TagUsage { tag, customers: n as u32 }).collect())
    }

    /// Renames every spelling of `from` to `to` on every customer, in tag cadences and in
    /// scoring rules. Onto a tag already in use, the two become one.
    pub async fn rename_tag(&self, from: &str, to: &str) -> Result<TagChange> {
        let from = text::tag(from)?.ok_or_else(|| Error::invalid("from", "is required"))?;
        let to = match text::tag(to) {
            Ok(Some(t)) => t,
            Ok(None) => return Err(Error::invalid("to", "is required")),
            Err(Error::InvalidInput { problem, .. }) => return Err(Error::invalid("to", problem)),
            Err(e) => return Err(e),
        };
        let mut ch = self.change().await?;
        let carriers = carriers(&mut ch, &from).await?;
        if carriers.is_empty() {
            return Err(Error::NotFound(format!("tag `{from}` (no customer carries it)")));
        }
        let variants = spellings(&carriers);
        let merged = !variants.contains(&to) && tag_in_use(&mut ch, &to).await?;
        let mut changed = 0;
        for (customer, tags) in &carriers {
            let stale: Vec<&String> = tags.iter().filter(|t| **t != to).collect();
            if stale.is_empty() {
                continue;
            }
            for t in stale {
                remove_tag(&mut ch, *customer, t).await?;
            }
            if !tags.contains(&to) && !has_tag(&mut ch, *customer, &to).await? {
                add_tag(&mut ch, *customer, &to).await?;
            }
            touch(&mut ch, *customer).await?;
            changed += 1;
        }
        rename_cadence(&mut ch, &from, &to).await?;
        rename_in_rules(&mut ch, &from, &to).await?;
        ch.commit().await?;
        Ok(TagChange { customers: changed, variants, merged })
    }

    /// Removes every spelling of `tag` from every customer. Cadences and scoring rules
    /// that name it stay (they are the team's settings): `unused_tags` lists them.
    pub async fn delete_tag(&self, tag: &str) -> Result<TagChange> {
        let tag = text::tag(tag)?.ok_or_else(|| Error::invalid("tag", "is required"))?;
        let mut ch = self.change().await?;
        let carriers = carriers(&mut ch, &tag).await?;
        if carriers.is_empty() {
            return Err(Error::NotFound(format!("tag `{tag}` (no customer carries it)")));
        }
        for (customer, tags) in &carriers {
            for t in tags {
                remove_tag(&mut ch, *customer, t).await?;
            }
            touch(&mut ch, *customer).await?;
        }
        ch.commit().await?;
        Ok(TagChange {
            customers: carriers.len() as u32,
            variants: spellings(&carriers),
            merged: false,
        })
    }

    /// Tags a keep-in-touch cadence or a scoring rule refers to that no live customer
    /// carries (in any spelling).
    pub async fn unused_tags(&self) -> Result<Vec<UnusedTag>> {
        let in_use: std::collections::HashSet<String> =
            self.tag_usage().await?.into_iter().map(|u| u.tag.to_lowercase()).collect();
        // lower-case tag → (a spelling, what refers to it)
        let mut refs: BTreeMap<String, (String, Vec<String>)> = BTreeMap::new();
        let mut note = |tag: &str, by: String| {
            let e = refs.entry(tag.to_lowercase()).or_insert_with(|| (tag.to_string(), Vec::new()));
            e.1.push(by);
        };
        let cadences: Vec<String> = sqlx::query_scalar("SELECT tag FROM tag_cadences ORDER BY tag")
            .fetch_all(self.pool())
            .await?;
        for t in cadences {
            note(&t, "keep-in-touch cadence".into());
        }
        for rule in self.scoring_rules().await? {
            if let Condition::Tag { tag } = &rule.condition {
                note(tag, format!("scoring rule “{}”", rule.name));
            }
        }
        Ok(refs
            .into_iter()
            .filter(|(lower, _)| !in_use.contains(lower))
            .map(|(_, (tag, used_by))| UnusedTag { tag, used_by })
            .collect())
    }
}

/// Live customers carrying any spelling of `tag`, with the spellings they carry.
async fn carriers(ch: &mut Change<'_>, tag: &str) -> Result<Vec<(Uuid, Vec<String>)>> {
    let rows = sqlx::query(
        "SELECT t.customer_id, t.tag FROM customer_tags t
         JOIN customers c ON c.id = t.customer_id AND c.deleted_at IS NULL
         WHERE t.tag = ? COLLATE NOCASE ORDER BY t.customer_id, t.tag",
    )
    .bind(tag)
    .fetch_all(ch.conn())
    .await?;
    let mut out: Vec<(Uuid, Vec<String>)> = Vec::new();
    for r in rows {
        let id = parse_id(r.get("customer_id"))?;
        let t: String = r.get("tag");
        match out.last_mut() {
            Some((last, tags)) if *last == id => tags.push(t),
            _ => out.push((id, vec![t])),
        }
    }
    Ok(out)
}

fn spellings(carriers: &[(Uuid, Vec<String>)]) -> Vec<String> {
    let mut v: Vec<String> = carriers.iter().flat_map(|(_, t)| t.iter().cloned()).collect();
    v.sort();
    v.dedup();
    v
}

async fn tag_in_use(ch: &mut Change<'_>, tag: &str) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM customer_tags t JOIN customers c ON c.id = t.customer_id
         WHERE c.deleted_at IS NULL AND t.tag = ?",
    )
    .bind(tag)
    .fetch_one(ch.conn())
    .await?;
    Ok(n > 0)
}

async fn has_tag(ch: &mut Change<'_>, id: Uuid, tag: &str) -> Result<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT count(*) FROM customer_tags WHERE customer_id = ? AND tag = ?")
            .bind(id.to_string())
            .bind(tag)
            .fetch_one(ch.conn())
            .await?;
    Ok(n > 0)
}

async fn touch(ch: &mut Change<'_>, id: Uuid) -> Result<()> {
    let now = ch.now().to_rfc3339();
    sqlx::query("UPDATE customers SET updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(id.to_string())
        .execute(ch.conn())
        .await?;
    Ok(())
}

/// The cadence moves to the new name; onto a tag with its own cadence, that one stays.
/// (Cadences are not ops yet: `set_tag_cadence` writes none either.)
async fn rename_cadence(ch: &mut Change<'_>, from: &str, to: &str) -> Result<()> {
    let target_has_one: Option<String> =
        sqlx::query_scalar("SELECT tag FROM tag_cadences WHERE tag = ?")
            .bind(to)
            .fetch_optional(ch.conn())
            .await?;
    if target_has_one.is_some() && !from.eq_ignore_ascii_case(to) {
        sqlx::query("DELETE FROM tag_cadences WHERE tag = ?").bind(from).execute(ch.conn()).await?;
    } else {
        sqlx::query("UPDATE tag_cadences SET tag = ? WHERE tag = ?")
            .bind(to)
            .bind(from)
            .execute(ch.conn())
            .await?;
    }
    Ok(())
}

async fn rename_in_rules(ch: &mut Change<'_>, from: &str, to: &str) -> Result<()> {
    let rows = sqlx::query("SELECT id, condition FROM scoring_rules WHERE deleted_at IS NULL")
        .fetch_all(ch.conn())
        .await?;
    for r in rows {
        let condition: Condition = json("condition", r.get("condition"))?;
        let Condition::Tag { tag } = &condition else { continue };
        if !tag.eq_ignore_ascii_case(from) || tag == to {
            continue;
        }
        let id = parse_id(r.get("id"))?;
        let new = Condition::Tag { tag: to.to_string() };
        sqlx::query("UPDATE scoring_rules SET condition = ? WHERE id = ?")
            .bind(text::to_json(&new))
            .bind(id.to_string())
            .execute(ch.conn())
            .await?;
        ch.set(EntityKind::ScoringRule, id, "condition", &new).await?;
    }
    Ok(())
}

//! Merging a duplicate customer into another, and undoing it.
//!
//! A merge keeps the survivor, takes the fields the user picked from the duplicate (and
//! fills the survivor's empty ones from it), combines lists, moves every timeline entry,
//! follow-up and deal (and, for companies, their people) to the survivor, and turns the
//! duplicate into a redirect (`merged_into`): it disappears from every list, and its id
//! still leads to the survivor. Every change is an op, like any edit, plus a
//! `merged_into` op on the duplicate so a replica can apply the redirect.
//!
//! The `merges` row (migration 10) holds what undo needs: each survivor column the merge
//! changed (before and after, as stored), the tags it added, and what it moved. Undo
//! puts exactly those back, again as ops, and refuses if one of them changed since (it
//! would silently throw that later change away).

use std::collections::BTreeMap;

use rapport_protocol::merges::{MergeSeen, MERGED_INTO, MERGE_SEEN};
use rapport_protocol::{EntityKind, Op};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use super::{MergeRecord, MergeResult, Pick, PickSide};
use crate::customers::{add_tag, remove_tag, write_contact_points, Customer, Labeled};
use crate::error::{Error, Result};
use crate::store::{Change, Store};
use crate::text::{enum_str, normalize_email, normalize_phone, parse_id, parse_time, to_json};

const C: EntityKind = EntityKind::Customer;

/// The single-value fields a merge can take from either side: (pick name, column).
const SINGLE: &[(&str, &str)] = &[
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
    ("channel", "preferred_channel"),
    ("quiet_hours", "quiet_hours"),
    ("keep_in_touch", "keep_in_touch_days"),
    ("keep_in_touch_max", "keep_in_touch_max_days"),
    ("notes", "notes"),
];
/// Combined from both sides (stored as JSON text).
const LIST_COLUMNS: &[&str] = &["addresses", "important_dates", "key_facts", "custom_fields"];
/// Column names a user may also pick by (the names `customer edit` accepts too).
const ALIASES: &[(&str, &str)] = &[
    ("display_name", "name"),
    ("lifecycle_stage", "stage"),
    ("preferred_channel", "channel"),
    ("company_id", "company"),
    ("keep_in_touch_days", "keep_in_touch"),
    ("keep_in_touch_max_days", "keep_in_touch_max"),
];
/// Always combined, never picked.
const LISTS: &[&str] =
    &["emails", "email", "phones", "phone", "tags", "addresses", "important_dates", "key_facts"];

/// One column's value: as stored (`db`, written back byte for byte) and as its op
/// carries it (the same shapes `customer edit` writes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ColValue {
    db: Value,
    op: Value,
}

/// A survivor column the merge changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ColumnChange {
    col: String,
    before: ColValue,
    after: ColValue,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ListChange {
    before: Vec<Labeled>,
    after: Vec<Labeled>,
}

/// What was moved from the duplicate to the survivor (ids).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Moved {
    interactions: Vec<String>,
    followups: Vec<String>,
    deals: Vec<String>,
    /// A merged company's people (their `company_id`).
    people: Vec<String>,
}

/// The `merges.undo` column.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct UndoData {
    columns: Vec<ColumnChange>,
    emails: Option<ListChange>,
    phones: Option<ListChange>,
    tags_added: Vec<String>,
    /// The survivor's (before, after) as stored.
    updated_at: (String, String),
    /// The survivor's "last contacted" before the merge where its own timeline does not
    /// explain it (data brought in without entries); usually `None`. Undo derives the
    /// value from the timeline again, never from the merge-time copy: a later merge into
    /// the same survivor may have brought newer contacts that must stay.
    last_contacted_extra: Option<String>,
    moved: Moved,
}

/// Every single-value and list column of a customer: as stored in `row` (its raw text,
/// so an undo writes back exactly those bytes) and as its op carries it.
fn columns(c: &Customer, row: &SqliteRow) -> BTreeMap<&'static str, ColValue> {
    fn op<T: Serialize>(v: &T) -> Value {
        serde_json::to_value(v).unwrap_or_default()
    }
    let ops: [(&'static str, Value); 19] = [
        ("display_name", op(&c.display_name)),
        ("given_name", op(&c.given_name)),
        ("family_name", op(&c.family_name)),
        ("company_id", op(&c.company_id)),
        ("title", op(&c.title)),
        ("lifecycle_stage", op(&c.lifecycle_stage)),
        ("lead_source", op(&c.lead_source)),
        ("owner", op(&c.owner)),
        ("birthday", op(&c.birthday.map(|b| b.to_string()))),
        ("how_we_met", op(&c.how_we_met)),
        ("preferred_channel", op(&c.preferred_channel)),
        ("quiet_hours", op(&c.quiet_hours)),
        ("keep_in_touch_days", op(&c.keep_in_touch_days)),
        ("keep_in_touch_max_days", op(&c.keep_in_touch_max_days)),
        ("notes", op(&c.notes)),
        ("addresses", op(&c.addresses)),
        ("important_dates", op(&c.important_dates)),
        ("key_facts", op(&c.key_facts)),
        ("custom_fields", op(&c.custom_fields)),
    ];
    ops.into_iter().map(|(col, op)| (col, ColValue { db: raw(row, col), op })).collect()
}

/// A column's stored value as JSON (integers for the day counts, text otherwise).
fn raw(row: &SqliteRow, col: &str) -> Value {
    if col.starts_with("keep_in_touch") {
        row.get::<Option<i64>, _>(col).map_or(Value::Null, Value::from)
    } else {
        row.get::<Option<String>, _>(col).map_or(Value::Null, Value::String)
    }
}

/// A combined list's new value.
fn list_value<T: Serialize>(v: &T) -> ColValue {
    ColValue { db: Value::String(to_json(v)), op: serde_json::to_value(v).unwrap_or_default() }
}

async fn raw_row(ch: &mut Change<'_>, id: Uuid) -> Result<SqliteRow> {
    Ok(sqlx::query("SELECT * FROM customers WHERE id = ?")
        .bind(id.to_string())
        .fetch_one(ch.conn())
        .await?)
}

type Picked = (BTreeMap<&'static str, PickSide>, BTreeMap<String, PickSide>);

/// Checks the pick and turns it into column → side (and custom field key → side).
fn read_pick(pick: &Pick) -> Result<Picked> {
    let mut cols = BTreeMap::new();
    let mut custom = BTreeMap::new();
    for (field, side) in pick {
        let f = field.trim();
        if let Some(key) = f.strip_prefix("custom.") {
            custom.insert(key.to_string(), *side);
            continue;
        }
        if LISTS.contains(&f) {
            return Err(Error::invalid(
                f,
                "lists (emails, phones, tags, addresses, important dates, key facts) are always \
                 combined; pick applies to single-value fields",
            ));
        }
        let name = ALIASES.iter().find(|(a, _)| *a == f).map_or(f, |(_, n)| *n);
        let Some((_, col)) = SINGLE.iter().find(|(n, _)| *n == name) else {
            let known: Vec<&str> = SINGLE.iter().map(|(n, _)| *n).collect();
            return Err(Error::invalid(
                f,
                format!(
                    "is not a field a merge can pick; fields: {}, custom.NAME",
                    known.join(", ")
                ),
            ));
        };
        cols.insert(*col, *side);
    }
    Ok((cols, custom))
}

/// `survivor`'s items, then `duplicate`'s that are not among them (by `same`).
fn union<T: Clone>(survivor: &[T], duplicate: &[T], same: impl Fn(&T, &T) -> bool) -> Vec<T> {
    let mut out = survivor.to_vec();
    for d in duplicate {
        if !out.iter().any(|s| same(s, d)) {
            out.push(d.clone());
        }
    }
    out
}

impl Store {
    /// Merges `duplicate` into `into` (the survivor). `pick` says, per single-value field,
    /// which side wins; unpicked fields keep the survivor's value, or take the
    /// duplicate's where the survivor has none. Lists are combined.
    pub async fn merge_customers(
        &self,
        duplicate: Uuid,
        into: Uuid,
        pick: &Pick,
    ) -> Result<MergeResult> {
        let (pick_cols, pick_custom) = read_pick(pick)?;
        if duplicate == into {
            return Err(Error::invalid("into", "is the duplicate itself; pick another customer"));
        }
        for (field, id) in [("duplicate", duplicate), ("into", into)] {
            let live = self.live_customer_id(id).await?;
            if live != id {
                let name = self.customer_summary(live).await?.display_name;
                return Err(Error::invalid(
                    field,
                    format!("customer {id} was already merged into {name} ({live})"),
                ));
            }
        }
        let dup = self.get_customer(duplicate).await?;
        let surv = self.get_customer(into).await?;
        if dup.kind != surv.kind {
            return Err(Error::invalid(
                "into",
                format!(
                    "{} is a {} and {} a {}: only records of one kind merge",
                    dup.display_name,
                    enum_str(&dup.kind),
                    surv.display_name,
                    enum_str(&surv.kind)
                ),
            ));
        }

        let mut ch = self.change().await?;
        let redirects = crate::sync::redirects::load(&mut ch).await?;
        let surv_row = raw_row(&mut ch, into).await?;
        let dup_row = raw_row(&mut ch, duplicate).await?;
        // The survivor's new values.
        let before = columns(&surv, &surv_row);
        let theirs = columns(&dup, &dup_row);
        let mut after = before.clone();
        for (_, col) in SINGLE {
            let (mine, other) = (&before[col], &theirs[col]);
            let take_theirs = match pick_cols.get(col) {
                Some(PickSide::Duplicate) => true,
                Some(PickSide::Survivor) => false,
                None => mine.db.is_null() && !other.db.is_null(),
            };
            if take_theirs {
                after.insert(col, other.clone());
            }
        }
        after.insert(
            "addresses",
            list_value(&union(&surv.addresses, &dup.addresses, |a, b| a == b)),
        );
        after.insert(
            "important_dates",
            list_value(&union(&surv.important_dates, &dup.important_dates, |a, b| a == b)),
        );
        after.insert(
            "key_facts",
            list_value(&union(&surv.key_facts, &dup.key_facts, |a, b| a == b)),
        );
        let mut custom = surv.custom_fields.clone();
        for (k, v) in &dup.custom_fields {
            let theirs_wins = match pick_custom.get(k) {
                Some(side) => *side == PickSide::Duplicate,
                None => !custom.contains_key(k),
            };
            if theirs_wins {
                custom.insert(k.clone(), v.clone());
            }
        }
        after.insert("custom_fields", list_value(&custom));
        // Unchanged lists keep their stored bytes (no rewrite, no op).
        for col in LIST_COLUMNS {
            if after[col].op == before[col].op {
                after.insert(col, before[col].clone());
            }
        }
        let emails = union(&surv.emails, &dup.emails, |a, b| {
            normalize_email(&a.value) == normalize_email(&b.value)
        });
        let phones = union(&surv.phones, &dup.phones, |a, b| {
            normalize_phone(&a.value) == normalize_phone(&b.value)
        });
        let tags_added: Vec<String> = dup
            .tags
            .iter()
            .filter(|t| !surv.tags.iter().any(|s| s.eq_ignore_ascii_case(t)))
            .cloned()
            .collect();

        let now = ch.now().to_rfc3339();
        let mut changes = Vec::new();
        for (col, new) in &after {
            if before[col] != *new {
                set_column(&mut ch, into, col, new).await?;
                changes.push(ColumnChange {
                    col: col.to_string(),
                    before: before[col].clone(),
                    after: new.clone(),
                });
            }
        }
        let emails = replace_list(&mut ch, into, "email", &surv.emails, emails).await?;
        let phones = replace_list(&mut ch, into, "phone", &surv.phones, phones).await?;
        for t in &tags_added {
            add_tag(&mut ch, into, t).await?;
        }
        let own_newest: Option<String> = sqlx::query_scalar(
            "SELECT max(occurred_at) FROM interactions WHERE customer_id = ? AND deleted_at IS NULL",
        )
        .bind(into.to_string())
        .fetch_one(ch.conn())
        .await?;
        let own_newest = parse_time(own_newest)?;
        let last_contacted_extra = match surv.last_contacted_at {
            Some(t) if own_newest.is_none_or(|n| t > n) => surv_row.get("last_contacted_at"),
            _ => None,
        };
        let moved = move_all(&mut ch, duplicate, into).await?;

        // Derived values: no ops (each device derives them).
        let last_contacted = if dup.last_contacted_at > surv.last_contacted_at {
            dup_row.get::<Option<String>, _>("last_contacted_at")
        } else {
            surv_row.get::<Option<String>, _>("last_contacted_at")
        };
        sqlx::query("UPDATE customers SET updated_at = ?, last_contacted_at = ? WHERE id = ?")
            .bind(&now)
            .bind(&last_contacted)
            .bind(into.to_string())
            .execute(ch.conn())
            .await?;
        sqlx::query("UPDATE customers SET deleted_at = ?, merged_into = ? WHERE id = ?")
            .bind(&now)
            .bind(into.to_string())
            .bind(duplicate.to_string())
            .execute(ch.conn())
            .await?;
        // What this merge had of the duplicate: its edits made elsewhere meanwhile are
        // not in the survivor yet, and every device will count them towards it.
        let seen = MergeSeen {
            into,
            ops: crate::oplog::of_record(ch.conn(), duplicate)
                .await?
                .iter()
                .filter(|op| op.entity == C)
                .map(Op::id)
                .collect(),
        };
        ch.set(C, duplicate, MERGE_SEEN, &seen).await?;
        ch.set(C, duplicate, MERGED_INTO, into.to_string()).await?;
        crate::sync::redirects::settle(&mut ch, &redirects, &[duplicate, into]).await?;

        let undo = UndoData {
            columns: changes,
            emails,
            phones,
            tags_added,
            updated_at: (surv_row.get("updated_at"), now.clone()),
            last_contacted_extra,
            moved,
        };
        let merge_id = Uuid::now_v7();
        sqlx::query(
            "INSERT INTO merges (id, at, survivor_id, duplicate_id, undo) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(merge_id.to_string())
        .bind(&now)
        .bind(into.to_string())
        .bind(duplicate.to_string())
        .bind(to_json(&undo))
        .execute(ch.conn())
        .await?;
        ch.commit().await?;
        Ok(MergeResult { merge_id, survivor: self.get_customer(into).await? })
    }

    /// Every merge, newest first.
    pub async fn merges(&self) -> Result<Vec<MergeRecord>> {
        let rows = sqlx::query(
            "SELECT m.id, m.at, m.survivor_id, s.display_name AS survivor_name,
                    d.display_name AS merged_name, m.undone_at
             FROM merges m JOIN customers s ON s.id = m.survivor_id
             JOIN customers d ON d.id = m.duplicate_id
             ORDER BY m.at DESC, m.id DESC",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MergeRecord {
                    id: parse_id(r.get("id"))?,
                    at: parse_time(r.get("at"))?.unwrap_or_default(),
                    survivor_id: parse_id(r.get("survivor_id"))?,
                    survivor_name: r.get("survivor_name"),
                    merged_name: r.get("merged_name"),
                    undone_at: parse_time(r.get("undone_at"))?,
                })
            })
            .collect()
    }

    /// What `rapport merge undo` without an id means: the newest merge not undone.
    pub async fn latest_merge(&self) -> Result<Uuid> {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT id FROM merges WHERE undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1",
        )
        .fetch_optional(self.pool())
        .await?;
        id.map(|i| parse_id(&i))
            .transpose()?
            .ok_or_else(|| Error::NotFound("a merge to undo (none is left)".into()))
    }

    /// Undoes a merge: both customers as they were, everything moved back, as ops.
    /// Refuses, naming what, if the survivor's merged fields changed since (or it was
    /// deleted, or merged itself).
    pub async fn undo_merge(&self, merge_id: Uuid) -> Result<MergeRecord> {
        let mut ch = self.change().await?;
        let redirects = crate::sync::redirects::load(&mut ch).await?;
        let row = sqlx::query(
            "SELECT survivor_id, duplicate_id, undo, undone_at FROM merges WHERE id = ?",
        )
        .bind(merge_id.to_string())
        .fetch_optional(ch.conn())
        .await?
        .ok_or_else(|| Error::NotFound(format!("merge {merge_id}")))?;
        if row.get::<Option<String>, _>("undone_at").is_some() {
            return Err(Error::invalid("merge", format!("{merge_id} was already undone")));
        }
        let survivor = parse_id(row.get("survivor_id"))?;
        let duplicate = parse_id(row.get("duplicate_id"))?;
        let undo: UndoData = serde_json::from_str(row.get("undo"))
            .map_err(|e| Error::Internal(format!("merge {merge_id}: unreadable undo data: {e}")))?;

        let problems = blockers(&mut ch, survivor, duplicate, &undo).await?;
        if !problems.is_empty() {
            return Err(Error::invalid(
                "merge",
                format!("{merge_id} cannot be undone: {}", problems.join("; ")),
            ));
        }

        for c in &undo.columns {
            set_column(&mut ch, survivor, &c.col, &c.before).await?;
        }
        for (kind, list) in [("email", &undo.emails), ("phone", &undo.phones)] {
            if let Some(l) = list {
                write_contact_points(&mut ch, survivor, kind, &l.before).await?;
                let field = if kind == "email" { "emails" } else { "phones" };
                ch.set(C, survivor, field, &l.before).await?;
            }
        }
        let tags: Vec<String> =
            sqlx::query_scalar("SELECT tag FROM customer_tags WHERE customer_id = ?")
                .bind(survivor.to_string())
                .fetch_all(ch.conn())
                .await?;
        for t in undo.tags_added.iter().filter(|t| tags.contains(t)) {
            remove_tag(&mut ch, survivor, t).await?;
        }
        move_back(&mut ch, &undo.moved, survivor, duplicate).await?;

        sqlx::query("UPDATE customers SET deleted_at = NULL, merged_into = NULL WHERE id = ?")
            .bind(duplicate.to_string())
            .execute(ch.conn())
            .await?;
        ch.set(C, duplicate, MERGED_INTO, None::<String>).await?;
        // What follows the redirect comes back: entries logged elsewhere for the duplicate
        // meanwhile, and the survivor without its late edits.
        crate::sync::redirects::settle(&mut ch, &redirects, &[duplicate, survivor]).await?;
        // Derived: the survivor's last contact from the timeline it has now (entries
        // logged since count, moved-back ones not); its edit time goes back unless it
        // was edited since.
        sqlx::query(
            "UPDATE customers SET
                last_contacted_at = (SELECT max(t) FROM (SELECT ?1 AS t UNION ALL
                    SELECT max(occurred_at) FROM interactions WHERE customer_id = ?3 AND deleted_at IS NULL)),
                updated_at = CASE WHEN updated_at = ?4 THEN ?2 ELSE updated_at END
             WHERE id = ?3",
        )
        .bind(&undo.last_contacted_extra)
        .bind(&undo.updated_at.0)
        .bind(survivor.to_string())
        .bind(&undo.updated_at.1)
        .execute(ch.conn())
        .await?;
        let now = ch.now().to_rfc3339();
        sqlx::query("UPDATE merges SET undone_at = ? WHERE id = ?")
            .bind(&now)
            .bind(merge_id.to_string())
            .execute(ch.conn())
            .await?;
        ch.commit().await?;
        self.merges()
            .await?
            .into_iter()
            .find(|m| m.id == merge_id)
            .ok_or_else(|| Error::Internal(format!("merge {merge_id} vanished")))
    }
}

/// Our own column names only: undo data is read back from the store, and a name in it
/// must never reach SQL text unchecked.
fn column_name(col: &str) -> Result<&'static str> {
    SINGLE
        .iter()
        .map(|(_, c)| *c)
        .chain(LIST_COLUMNS.iter().copied())
        .find(|c| *c == col)
        .ok_or_else(|| Error::Internal(format!("merge undo data names an unknown column `{col}`")))
}

async fn set_column(ch: &mut Change<'_>, id: Uuid, col: &str, v: &ColValue) -> Result<()> {
    let col = column_name(col)?;
    let sql = format!("UPDATE customers SET {col} = ? WHERE id = ?");
    let q = sqlx::query(&sql);
    let q = match &v.db {
        Value::Null => q.bind(None::<String>),
        Value::Number(n) => q.bind(n.as_i64()),
        Value::String(s) => q.bind(s.clone()),
        other => q.bind(other.to_string()),
    };
    q.bind(id.to_string()).execute(ch.conn()).await?;
    ch.set(C, id, col, &v.op).await
}

/// Writes a combined email/phone list if it grew; returns what undo needs.
async fn replace_list(
    ch: &mut Change<'_>,
    id: Uuid,
    kind: &str,
    before: &[Labeled],
    after: Vec<Labeled>,
) -> Result<Option<ListChange>> {
    if after.as_slice() == before {
        return Ok(None);
    }
    write_contact_points(ch, id, kind, &after).await?;
    ch.set(C, id, if kind == "email" { "emails" } else { "phones" }, &after).await?;
    Ok(Some(ListChange { before: before.to_vec(), after }))
}

/// (table, column pointing at the customer, entity of its ops): what sync re-points too.
const MOVABLE: [(&str, &str, EntityKind); 4] = crate::sync::redirects::FOLLOWERS;

fn moved_ids<'m>(m: &'m Moved, table: &str) -> &'m [String] {
    match table {
        "interactions" => &m.interactions,
        "followups" => &m.followups,
        "deals" => &m.deals,
        _ => &m.people,
    }
}

async fn move_all(ch: &mut Change<'_>, from: Uuid, to: Uuid) -> Result<Moved> {
    let mut moved = Moved::default();
    for (table, col, entity) in MOVABLE {
        // Table and column names come from the constant above, never from input.
        let ids: Vec<String> =
            sqlx::query_scalar(&format!("SELECT id FROM {table} WHERE {col} = ? ORDER BY id"))
                .bind(from.to_string())
                .fetch_all(ch.conn())
                .await?;
        sqlx::query(&format!("UPDATE {table} SET {col} = ?1 WHERE {col} = ?2"))
            .bind(to.to_string())
            .bind(from.to_string())
            .execute(ch.conn())
            .await?;
        for id in &ids {
            ch.set(entity, parse_id(id)?, col, to.to_string()).await?;
        }
        match table {
            "interactions" => moved.interactions = ids,
            "followups" => moved.followups = ids,
            "deals" => moved.deals = ids,
            _ => moved.people = ids,
        }
    }
    Ok(moved)
}

async fn move_back(
    ch: &mut Change<'_>,
    moved: &Moved,
    survivor: Uuid,
    duplicate: Uuid,
) -> Result<()> {
    for (table, col, entity) in MOVABLE {
        let sql = format!("UPDATE {table} SET {col} = ? WHERE id = ? AND {col} = ?");
        for id in moved_ids(moved, table) {
            let id = parse_id(id)?;
            sqlx::query(&sql)
                .bind(duplicate.to_string())
                .bind(id.to_string())
                .bind(survivor.to_string())
                .execute(ch.conn())
                .await?;
            ch.set(entity, id, col, duplicate.to_string()).await?;
        }
    }
    Ok(())
}

/// Why a merge cannot be undone now, in words (empty: it can).
async fn blockers(
    ch: &mut Change<'_>,
    survivor: Uuid,
    duplicate: Uuid,
    undo: &UndoData,
) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let row = raw_row(ch, survivor).await?;
    let name: String = row.get("display_name");
    if let Some(next) = row.get::<Option<String>, _>("merged_into") {
        let other: Option<String> =
            sqlx::query_scalar("SELECT display_name FROM customers WHERE id = ?")
                .bind(&next)
                .fetch_optional(ch.conn())
                .await?;
        out.push(format!(
            "{name} was itself merged into {} since; undo that merge first",
            other.unwrap_or(next)
        ));
        return Ok(out);
    }
    if row.get::<Option<String>, _>("deleted_at").is_some() {
        out.push(format!("{name} was deleted since"));
        return Ok(out);
    }
    let dup_target: Option<String> =
        sqlx::query_scalar("SELECT merged_into FROM customers WHERE id = ?")
            .bind(duplicate.to_string())
            .fetch_one(ch.conn())
            .await?;
    if dup_target != Some(survivor.to_string()) {
        out.push("the merged record no longer leads to the survivor".into());
    }
    let mut fields = Vec::new();
    for c in &undo.columns {
        let col = column_name(&c.col)?;
        if raw(&row, col) != c.after.db {
            fields.push(col.to_string());
        }
    }
    for (kind, list) in [("email", &undo.emails), ("phone", &undo.phones)] {
        let Some(l) = list else { continue };
        let rows = sqlx::query(
            "SELECT label, value FROM contact_points WHERE customer_id = ? AND kind = ? ORDER BY position",
        )
        .bind(survivor.to_string())
        .bind(kind)
        .fetch_all(ch.conn())
        .await?;
        let now: Vec<Labeled> =
            rows.iter().map(|r| Labeled { label: r.get("label"), value: r.get("value") }).collect();
        if now != l.after {
            fields.push(format!("{kind}s"));
        }
    }
    if !fields.is_empty() {
        out.push(format!(
            "{name}'s {} changed since the merge (change them back first, or edit by hand)",
            fields.join(", ")
        ));
    }
    for (table, col, _) in MOVABLE {
        let mut elsewhere = 0;
        // In chunks: SQLite caps the number of bound values.
        for chunk in moved_ids(&undo.moved, table).chunks(500) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql =
                format!("SELECT count(*) FROM {table} WHERE id IN ({marks}) AND {col} IS NOT ?");
            let mut q = sqlx::query_scalar::<_, i64>(&sql);
            for id in chunk {
                q = q.bind(id.clone());
            }
            elsewhere += q.bind(survivor.to_string()).fetch_one(ch.conn()).await?;
        }
        if elsewhere > 0 {
            let what = match table {
                "interactions" => "timeline entries",
                "customers" => "people of the company",
                other => other,
            };
            out.push(format!("{elsewhere} moved {what} no longer belong to {name}"));
        }
    }
    Ok(out)
}

//! The per-row plan — which is the dry run: every row's action (create / update /
//! unchanged / skip / error) and the customers as they will be once written.
//!
//! Updates merge: a value the file leaves empty never blanks a stored one; emails, phones,
//! tags, addresses, dates and key facts are unioned; custom fields merge by name.

use std::collections::{BTreeMap, HashMap};

use uuid::Uuid;

use super::matching::{Index, Slot};
use super::record::{Photo, RowIssue, Severity};
use super::validate::{is_empty, validate, Valid};
use super::{
    ImportOptions, ImportPreview, ImportRow, ImportRowAction, ReadFile, IMPORT_FIELDS,
    MAX_REPORT_ROWS,
};
use crate::customers::{self, Customer, CustomerKind, LifecycleStage};
use crate::error::Result;
use crate::store::Store;
use crate::text;

/// A customer the import creates or changes, as it will be once the plan is written.
pub(super) struct Target {
    /// `None` for a new customer.
    pub original: Option<Customer>,
    pub projected: Customer,
    pub photo: Option<Photo>,
    pub external: Vec<(String, String)>,
    /// The file row that introduced it (for "same contact as row N").
    pub row: u64,
}

/// What importing a file would do: every row's action, and the customers to write.
pub(crate) struct Plan {
    pub rows: Vec<ImportRow>,
    pub targets: Vec<Target>,
    /// How long loading the keys to match on took.
    pub load_keys: std::time::Duration,
}

pub(super) fn blank_customer(kind: CustomerKind, name: &str) -> Customer {
    Customer {
        id: Uuid::nil(),
        kind,
        display_name: name.to_string(),
        given_name: None,
        family_name: None,
        company_id: None,
        company_name: None,
        title: None,
        emails: Vec::new(),
        phones: Vec::new(),
        addresses: Vec::new(),
        tags: Vec::new(),
        custom_fields: BTreeMap::new(),
        lifecycle_stage: LifecycleStage::default(),
        lead_source: None,
        owner: None,
        birthday: None,
        important_dates: Vec::new(),
        key_facts: Vec::new(),
        how_we_met: None,
        preferred_channel: None,
        quiet_hours: None,
        keep_in_touch_days: None,
        keep_in_touch_max_days: None,
        notes: None,
        last_contacted_at: None,
        created_at: chrono::DateTime::UNIX_EPOCH,
        updated_at: chrono::DateTime::UNIX_EPOCH,
    }
}

/// Merges a record into a customer; returns the fields that changed. Never blanks a value.
fn merge(c: &mut Customer, v: &Valid, photo: &mut Option<Photo>) -> Vec<String> {
    let r = &v.rec;
    let mut changed: Vec<String> = Vec::new();
    let set =
        |slot: &mut Option<String>, new: &Option<String>, name: &str, changed: &mut Vec<String>| {
            if let Some(n) = new {
                if slot.as_deref() != Some(n.as_str()) {
                    *slot = Some(n.clone());
                    changed.push(name.to_string());
                }
            }
        };
    if v.name_given && c.display_name != v.name {
        c.display_name = v.name.clone();
        changed.push("name".into());
    }
    if c.kind == CustomerKind::Person {
        set(&mut c.given_name, &r.given_name, "given_name", &mut changed);
        set(&mut c.family_name, &r.family_name, "family_name", &mut changed);
        if let Some(co) = &r.company {
            if !c.company_name.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(co)) {
                c.company_name = Some(co.clone());
                changed.push("company".into());
            }
        }
    }
    set(&mut c.title, &r.title, "title", &mut changed);
    set(&mut c.lead_source, &r.lead_source, "lead_source", &mut changed);
    set(&mut c.owner, &r.owner, "owner", &mut changed);
    set(&mut c.how_we_met, &r.how_we_met, "how_we_met", &mut changed);
    set(&mut c.notes, &r.notes, "notes", &mut changed);
    if let Some(s) = r.lifecycle_stage.filter(|s| *s != c.lifecycle_stage) {
        c.lifecycle_stage = s;
        changed.push("stage".into());
    }
    if let Some(b) = r.birthday.filter(|b| c.birthday != Some(*b)) {
        c.birthday = Some(b);
        changed.push("birthday".into());
    }
    if let Some(ch) = r.preferred_channel.filter(|ch| c.preferred_channel != Some(*ch)) {
        c.preferred_channel = Some(ch);
        changed.push("preferred_channel".into());
    }
    if let Some(q) = r.quiet_hours.as_ref().filter(|q| c.quiet_hours.as_ref() != Some(*q)) {
        c.quiet_hours = Some(q.clone());
        changed.push("quiet_hours".into());
    }
    if let Some(d) = r.keep_in_touch_days.filter(|d| c.keep_in_touch_days != Some(*d)) {
        c.keep_in_touch_days = Some(d);
        changed.push("keep_in_touch_days".into());
    }
    if let Some(d) = r.keep_in_touch_max_days.filter(|d| c.keep_in_touch_max_days != Some(*d)) {
        c.keep_in_touch_max_days = Some(d);
        changed.push("keep_in_touch_max_days".into());
    }
    let before = c.emails.len();
    for e in &r.emails {
        let n = text::normalize_email(&e.value);
        if !c.emails.iter().any(|x| text::normalize_email(&x.value) == n) {
            c.emails.push(e.clone());
        }
    }
    if c.emails.len() != before {
        changed.push("emails".into());
    }
    let before = c.phones.len();
    for p in &r.phones {
        let n = text::normalize_phone(&p.value);
        if !c.phones.iter().any(|x| text::normalize_phone(&x.value) == n) {
            c.phones.push(p.clone());
        }
    }
    if c.phones.len() != before {
        changed.push("phones".into());
    }
    let before = c.tags.len();
    for t in &r.tags {
        if !c.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
            c.tags.push(t.clone());
        }
    }
    if c.tags.len() != before {
        changed.push("tags".into());
    }
    fn union<T: PartialEq + Clone>(into: &mut Vec<T>, from: &[T]) -> bool {
        let before = into.len();
        for x in from {
            if !into.contains(x) {
                into.push(x.clone());
            }
        }
        into.len() != before
    }
    if union(&mut c.addresses, &r.addresses) {
        changed.push("addresses".into());
    }
    if union(&mut c.important_dates, &r.important_dates) {
        changed.push("important_dates".into());
    }
    if union(&mut c.key_facts, &r.key_facts) {
        changed.push("key_facts".into());
    }
    for (k, val) in &r.custom_fields {
        if c.custom_fields.get(k) != Some(val) {
            c.custom_fields.insert(k.clone(), val.clone());
            changed.push(format!("custom.{k}"));
        }
    }
    if let Some(p) = &r.photo {
        if photo.as_ref() != Some(p) {
            *photo = Some(p.clone());
            changed.push("photo".into());
        }
    }
    changed
}

impl Store {
    /// Plans every row against the store as it is now.
    pub(super) async fn plan(&self, file: &ReadFile, _opts: &ImportOptions) -> Result<Plan> {
        let ns = file.source.map_or("vcard", |s| s.id_namespace()).to_string();
        let started = std::time::Instant::now();
        let mut ix = Index::load(self).await?;
        let load_keys = started.elapsed();
        let mut targets: Vec<Target> = Vec::new();
        let mut existing: HashMap<Uuid, usize> = HashMap::new();
        let mut rows = Vec::with_capacity(file.records.len());
        for rec in &file.records {
            let row = rec.row;
            if is_empty(rec) {
                rows.push(ImportRow {
                    row,
                    action: ImportRowAction::Skip,
                    customer_id: None,
                    name: String::new(),
                    changes: vec![],
                    issues: vec![],
                });
                continue;
            }
            let v = match validate(rec.clone()) {
                Ok(v) => v,
                Err(bad) => {
                    let name = bad.display_name.clone().unwrap_or_default();
                    rows.push(ImportRow {
                        row,
                        action: ImportRowAction::Error,
                        customer_id: None,
                        name,
                        changes: vec![],
                        issues: bad.issues,
                    });
                    continue;
                }
            };
            let ext: Vec<(String, String)> =
                v.rec.external_id.iter().map(|e| (ns.clone(), e.clone())).collect();
            let mut slot = None;
            if let Some(id) = v.rec.rapport_id {
                if existing.contains_key(&id) || self.customer_exists(id).await? {
                    slot = Some(Slot::Existing(id));
                }
            }
            let slot = slot.or_else(|| ix.find(&v, &ns));
            let mut issues = v.rec.issues.clone();
            let (index, action, customer_id, changes) = match slot {
                Some(Slot::Existing(id)) => {
                    let i = match existing.get(&id) {
                        Some(&i) => i,
                        None => {
                            let c = self.get_customer(id).await?;
                            let photo = self.customer_photo(id).await?;
                            targets.push(Target {
                                original: Some(c.clone()),
                                projected: c,
                                photo,
                                external: vec![],
                                row,
                            });
                            existing.insert(id, targets.len() - 1);
                            targets.len() - 1
                        }
                    };
                    let t = &mut targets[i];
                    let changes = merge(&mut t.projected, &v, &mut t.photo);
                    let action = if changes.is_empty() {
                        ImportRowAction::Unchanged
                    } else {
                        ImportRowAction::Update
                    };
                    (i, action, Some(id), changes)
                }
                Some(Slot::New(i)) => {
                    let t = &mut targets[i];
                    issues.push(RowIssue {
                        row,
                        column: None,
                        field: None,
                        severity: Severity::Warning,
                        message: format!(
                            "the same contact as row {} (same email, phone or id): merged into it",
                            t.row
                        ),
                    });
                    let changes = merge(&mut t.projected, &v, &mut t.photo);
                    let action = if changes.is_empty() {
                        ImportRowAction::Unchanged
                    } else {
                        ImportRowAction::Update
                    };
                    (i, action, None, changes)
                }
                None => {
                    let mut c = blank_customer(v.kind, &v.name);
                    let mut photo = None;
                    let mut changes = merge(&mut c, &v, &mut photo);
                    changes.retain(|f| f != "name");
                    changes.insert(0, "name".into());
                    c.display_name = v.name.clone();
                    if c.kind == CustomerKind::Person
                        && c.given_name.is_none()
                        && c.family_name.is_none()
                        && v.name_given
                    {
                        let (g, f) = customers::split_name(&v.name);
                        c.given_name = g;
                        c.family_name = f;
                    }
                    targets.push(Target {
                        original: None,
                        projected: c,
                        photo,
                        external: vec![],
                        row,
                    });
                    (targets.len() - 1, ImportRowAction::Create, None, changes)
                }
            };
            let t = &mut targets[index];
            for x in &ext {
                if !t.external.contains(x) {
                    t.external.push(x.clone());
                }
            }
            let slot = match t.original {
                Some(ref o) => Slot::Existing(o.id),
                None => Slot::New(index),
            };
            ix.remember(&t.projected, &ext, slot);
            rows.push(ImportRow {
                row,
                action,
                customer_id,
                name: t.projected.display_name.clone(),
                changes,
                issues,
            });
        }
        Ok(Plan { rows, targets, load_keys })
    }

    async fn customer_exists(&self, id: Uuid) -> Result<bool> {
        let n: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM customers WHERE id = ? AND deleted_at IS NULL")
                .bind(id.to_string())
                .fetch_optional(self.pool())
                .await?;
        Ok(n.is_some())
    }
}

pub(super) fn preview(
    file_name: &str,
    file: ReadFile,
    plan: Plan,
    opts: &ImportOptions,
) -> ImportPreview {
    let count = |a: ImportRowAction| plan.rows.iter().filter(|r| r.action == a).count() as u64;
    let mut report = plan.rows.clone();
    let rank = |r: &ImportRow| {
        if r.action == ImportRowAction::Error {
            0
        } else if !r.issues.is_empty() {
            1
        } else {
            2
        }
    };
    report.sort_by_key(|r| (rank(r), r.row));
    report.truncate(MAX_REPORT_ROWS);
    ImportPreview {
        file_name: file_name.to_string(),
        format: file.format,
        source: file.source,
        encoding: file.encoding,
        encoding_detected: file.encoding_detected,
        delimiter: file.delimiter.map(|d| d.to_string()),
        columns: file.columns,
        rows: plan.rows.len() as u64,
        created: count(ImportRowAction::Create),
        updated: count(ImportRowAction::Update),
        unchanged: count(ImportRowAction::Unchanged),
        skipped: count(ImportRowAction::Skip),
        errors: count(ImportRowAction::Error),
        needs_date_order: file.needs_date_order && opts.date_order.is_none(),
        report,
        fields: IMPORT_FIELDS.iter().map(|f| f.to_string()).collect(),
    }
}

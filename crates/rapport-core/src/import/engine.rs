//! The import engine: validates records, matches them to existing customers (Rapport id,
//! then the source's external id, then normalised email, then phone digits), plans each
//! row (create / update / unchanged / skip / error) — which is the dry run — and writes the
//! plan in one transaction with an op for every field, recording enough to undo it.
//!
//! Updates merge: a value the file leaves empty never blanks a stored one; emails, phones,
//! tags, addresses, dates and key facts are unioned; custom fields merge by name.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::Datelike;
use rapport_protocol::EntityKind;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::batch::{record_batch, BatchCustomer};
use super::record::{ImportRecord, Photo, RowIssue, Severity};
use super::{
    read_records, ImportOptions, ImportPreview, ImportRow, ImportRowAction, ImportSummary,
    ReadFile, IMPORT_FIELDS, MAX_PHOTO_BYTES, MAX_REPORT_ROWS,
};
use crate::customers::{self, Customer, CustomerKind, Labeled, LifecycleStage};
use crate::error::{Error, Result};
use crate::store::{Change, Store};
use crate::text::{self, enum_str, to_json};

const E: EntityKind = EntityKind::Customer;

/// The text fields an import fills, their record field names (for issue locations) and caps.
const TEXT_CAPS: &[(&str, usize)] = &[
    ("display_name", 200),
    ("given_name", 500),
    ("family_name", 500),
    ("company", 200),
    ("title", 200),
    ("lead_source", 500),
    ("owner", 500),
    ("how_we_met", 500),
    ("notes", 20_000),
];

/// A record that passed validation: clean values and the name it will be known by.
struct Valid {
    rec: ImportRecord,
    name: String,
    /// The file named the person (a name, or given/family names), rather than Rapport
    /// falling back to an email or phone for the display name.
    name_given: bool,
    kind: CustomerKind,
}

fn issue(rec: &ImportRecord, field: &str, severity: Severity, message: String) -> RowIssue {
    RowIssue {
        row: rec.row,
        column: rec.sources.get(field).cloned(),
        field: Some(field.to_string()),
        severity,
        message,
    }
}

fn problem(e: Error) -> String {
    match e {
        Error::InvalidInput { problem, .. } => problem,
        other => other.to_string(),
    }
}

/// Checks and cleans one record (whatever reader made it). `Err` holds its error issues.
fn validate(mut rec: ImportRecord) -> std::result::Result<Valid, Box<ImportRecord>> {
    let mut errors = Vec::new();
    for (field, max) in TEXT_CAPS {
        let slot = match *field {
            "display_name" => &mut rec.display_name,
            "given_name" => &mut rec.given_name,
            "family_name" => &mut rec.family_name,
            "company" => &mut rec.company,
            "title" => &mut rec.title,
            "lead_source" => &mut rec.lead_source,
            "owner" => &mut rec.owner,
            "how_we_met" => &mut rec.how_we_met,
            _ => &mut rec.notes,
        };
        if let Some(v) = slot.take() {
            match text::clean(field, &v, *max) {
                Ok(v) => *slot = v,
                Err(e) => errors.push((field.to_string(), problem(e))),
            }
        }
    }
    let mut emails: Vec<Labeled> = Vec::new();
    for l in std::mem::take(&mut rec.emails) {
        match text::email(&l.value) {
            Ok(v)
                if !emails
                    .iter()
                    .any(|e| text::normalize_email(&e.value) == text::normalize_email(&v)) =>
            {
                emails.push(Labeled { label: l.label, value: v })
            }
            Ok(_) => {}
            Err(e) => errors.push(("emails".into(), problem(e))),
        }
    }
    rec.emails = emails;
    let mut phones: Vec<Labeled> = Vec::new();
    for l in std::mem::take(&mut rec.phones) {
        match text::phone(&l.value) {
            Ok(v)
                if !phones
                    .iter()
                    .any(|p| text::normalize_phone(&p.value) == text::normalize_phone(&v)) =>
            {
                phones.push(Labeled { label: l.label, value: v })
            }
            Ok(_) => {}
            Err(e) => errors.push(("phones".into(), problem(e))),
        }
    }
    rec.phones = phones;
    let mut tags: Vec<String> = Vec::new();
    for t in std::mem::take(&mut rec.tags) {
        match text::tag(&t) {
            Ok(Some(t)) if !tags.iter().any(|x| x.eq_ignore_ascii_case(&t)) => tags.push(t),
            Ok(_) => {}
            Err(e) => errors.push(("tags".into(), problem(e))),
        }
    }
    rec.tags = tags;
    let mut custom = BTreeMap::new();
    for (k, v) in std::mem::take(&mut rec.custom_fields) {
        let field = format!("custom.{k}");
        match (text::clean("custom field name", &k, 100), text::clean(&field, &v, 2_000)) {
            (Ok(Some(k)), Ok(Some(v))) => {
                custom.insert(k, v);
            }
            (Ok(_), Ok(None)) => {}
            (Err(e), _) | (_, Err(e)) => errors.push((field, problem(e))),
            (Ok(None), _) => {}
        }
    }
    rec.custom_fields = custom;
    for a in &rec.addresses {
        for part in [&a.label, &a.street, &a.city, &a.region, &a.postal_code, &a.country]
            .into_iter()
            .flatten()
        {
            if let Err(e) = text::clean("addresses", part, 500) {
                errors.push(("addresses".into(), problem(e)));
            }
        }
    }
    rec.addresses.retain(|a| {
        [&a.street, &a.city, &a.region, &a.postal_code, &a.country].iter().any(|p| p.is_some())
    });
    let kind = rec.kind.unwrap_or(CustomerKind::Person);
    if kind == CustomerKind::Company && rec.company.is_some() {
        errors.push(("company".into(), "a company cannot belong to another company".into()));
    }
    if let (Some(d), Some(m)) = (rec.keep_in_touch_days, rec.keep_in_touch_max_days) {
        if m < d {
            errors.push((
                "keep_in_touch_max_days".into(),
                "must not be less than keep_in_touch_days".into(),
            ));
        }
    }
    if let Some(p) = &rec.photo {
        if p.data.len() > MAX_PHOTO_BYTES {
            let msg = format!(
                "the photo is {} KiB; photos over {} KiB are left out",
                p.data.len() / 1024,
                MAX_PHOTO_BYTES / 1024
            );
            rec.issues.push(issue(&rec, "photo", Severity::Warning, msg));
            rec.photo = None;
        }
    }
    let joined = [rec.given_name.as_deref(), rec.family_name.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let (name, name_given) = match (&rec.display_name, joined.is_empty()) {
        (Some(n), _) => (n.clone(), true),
        (None, false) => (joined.chars().take(200).collect(), true),
        (None, true) => match (rec.emails.first(), rec.phones.first()) {
            (Some(e), _) => (e.value.clone(), false),
            (None, Some(p)) => (p.value.clone(), false),
            (None, None) => (String::new(), false),
        },
    };
    let mut rec = rec;
    let (name, kind) = if name.is_empty() {
        match rec.company.take() {
            // Only a company named: the row is the company itself.
            Some(c) if kind == CustomerKind::Person => {
                if let Some(col) = rec.sources.get("company").cloned() {
                    rec.sources.insert("display_name".into(), col);
                }
                (c, CustomerKind::Company)
            }
            other => {
                rec.company = other;
                errors.push((
                    "display_name".into(),
                    "no name, email, phone or company: nothing says who this is".into(),
                ));
                (String::new(), kind)
            }
        }
    } else {
        (name, kind)
    };
    if !errors.is_empty() {
        for (field, msg) in errors {
            let i = issue(&rec, &field, Severity::Error, msg);
            rec.issues.push(i);
        }
        return Err(Box::new(rec));
    }
    if rec.has_errors() {
        return Err(Box::new(rec));
    }
    Ok(Valid { rec, name, name_given, kind })
}

/// Whether a record holds any value at all (a row of empty cells is skipped, not an error).
fn is_empty(rec: &ImportRecord) -> bool {
    rec.sources.is_empty() && rec.issues.is_empty() && rec.photo.is_none()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Slot {
    Existing(Uuid),
    New(usize),
}

/// Who already exists, by the keys records are matched on.
#[derive(Default)]
struct Index {
    emails: HashMap<String, Slot>,
    phones: HashMap<String, Slot>,
    external: HashMap<(String, String), Slot>,
    companies: HashMap<String, Slot>,
}

/// Phone numbers match on their digits (and a leading +); too few digits match nothing.
fn phone_key(v: &str) -> Option<String> {
    let n = text::normalize_phone(v);
    (n.chars().filter(char::is_ascii_digit).count() >= 5).then_some(n)
}

impl Index {
    async fn load(store: &Store) -> Result<Index> {
        let mut ix = Index::default();
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT p.kind, p.normalized, p.customer_id FROM contact_points p
             JOIN customers c ON c.id = p.customer_id
             WHERE c.deleted_at IS NULL ORDER BY c.id, p.position",
        )
        .fetch_all(store.pool())
        .await?;
        for (kind, normalized, id) in rows {
            let slot = Slot::Existing(text::parse_id(&id)?);
            if kind == "email" {
                ix.emails.entry(normalized).or_insert(slot);
            } else if let Some(k) = phone_key(&normalized) {
                ix.phones.entry(k).or_insert(slot);
            }
        }
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT e.source, e.external_id, e.customer_id FROM customer_external_ids e
             JOIN customers c ON c.id = e.customer_id WHERE c.deleted_at IS NULL",
        )
        .fetch_all(store.pool())
        .await?;
        for (source, ext, id) in rows {
            ix.external.insert((source, ext), Slot::Existing(text::parse_id(&id)?));
        }
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, display_name FROM customers WHERE kind = 'company' AND deleted_at IS NULL ORDER BY id",
        )
        .fetch_all(store.pool())
        .await?;
        for (id, name) in rows {
            ix.companies.entry(name.to_lowercase()).or_insert(Slot::Existing(text::parse_id(&id)?));
        }
        Ok(ix)
    }

    fn find(&self, v: &Valid, ns: &str) -> Option<Slot> {
        if let Some(ext) = &v.rec.external_id {
            if let Some(s) = self.external.get(&(ns.to_string(), ext.clone())) {
                return Some(*s);
            }
        }
        for e in &v.rec.emails {
            if let Some(s) = self.emails.get(&text::normalize_email(&e.value)) {
                return Some(*s);
            }
        }
        for p in &v.rec.phones {
            if let Some(s) = phone_key(&p.value).and_then(|k| self.phones.get(&k)) {
                return Some(*s);
            }
        }
        if v.kind == CustomerKind::Company {
            return self.companies.get(&v.name.to_lowercase()).copied();
        }
        None
    }

    fn remember(&mut self, c: &Customer, ext: &[(String, String)], slot: Slot) {
        for e in &c.emails {
            self.emails.entry(text::normalize_email(&e.value)).or_insert(slot);
        }
        for p in &c.phones {
            if let Some(k) = phone_key(&p.value) {
                self.phones.entry(k).or_insert(slot);
            }
        }
        for x in ext {
            self.external.entry(x.clone()).or_insert(slot);
        }
        if c.kind == CustomerKind::Company {
            self.companies.entry(c.display_name.to_lowercase()).or_insert(slot);
        }
    }
}

/// A customer the import creates or changes, as it will be once the plan is written.
struct Target {
    /// `None` for a new customer.
    original: Option<Customer>,
    projected: Customer,
    photo: Option<Photo>,
    external: Vec<(String, String)>,
    /// The file row that introduced it (for "same contact as row N").
    row: u64,
}

/// What importing a file would do: every row's action, and the customers to write.
pub(crate) struct Plan {
    pub rows: Vec<ImportRow>,
    targets: Vec<Target>,
}

fn blank_customer(kind: CustomerKind, name: &str) -> Customer {
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
    /// The dry run: reads the file and reports what importing it would do. Writes nothing.
    pub async fn import_preview(
        &self,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<ImportPreview> {
        let file = self.read_import(bytes, opts).await?;
        let plan = self.plan(&file, opts).await?;
        Ok(preview(file_name, file, plan, opts))
    }

    /// Imports a file in one transaction. Refuses (writing nothing) when a row has an error
    /// and `skip_bad_rows` is off, or when dates need a date order. `progress(done, total)`
    /// is called as customers are written; setting `cancel` rolls everything back.
    pub async fn import_file(
        &self,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
        progress: &(dyn Fn(u64, u64) + Sync),
        cancel: &AtomicBool,
    ) -> Result<ImportSummary> {
        let name = text::required("file_name", file_name, 500)?;
        let file = self.read_import(bytes, opts).await?;
        if file.needs_date_order && opts.date_order.is_none() {
            let rows: Vec<String> = file
                .records
                .iter()
                .filter(|r| {
                    r.issues.iter().any(|i| {
                        i.field.as_deref() == Some("birthday") && i.severity == Severity::Warning
                    })
                })
                .take(5)
                .map(|r| r.row.to_string())
                .collect();
            return Err(Error::invalid(
                "date_order",
                format!(
                    "dates such as the one in row {} could be day/month or month/day; choose dmy or mdy. Nothing was imported",
                    rows.join(", row ")
                ),
            ));
        }
        // Planned under the write lock, so what was matched can't change before it is written.
        let mut ch = self.change().await?;
        let plan = self.plan(&file, opts).await?;
        let bad: Vec<&ImportRow> =
            plan.rows.iter().filter(|r| r.action == ImportRowAction::Error).collect();
        if !bad.is_empty() && !opts.skip_bad_rows {
            let list: Vec<String> = bad
                .iter()
                .take(10)
                .map(|r| {
                    let first = r.issues.iter().find(|i| i.severity == Severity::Error);
                    match first {
                        Some(RowIssue { column: Some(c), message, .. }) => {
                            format!("row {} (column \"{c}\": {message})", r.row)
                        }
                        Some(i) => format!("row {} ({})", r.row, i.message),
                        None => format!("row {}", r.row),
                    }
                })
                .collect();
            let more = if bad.len() > 10 {
                format!(" and {} more", bad.len() - 10)
            } else {
                String::new()
            };
            return Err(Error::invalid(
                "rows",
                format!(
                    "{} rows have errors: {}{more}. Nothing was imported; fix them, or import with skip_bad_rows",
                    bad.len(),
                    list.join("; ")
                ),
            ));
        }
        let count = |a: ImportRowAction| plan.rows.iter().filter(|r| r.action == a).count() as u64;
        let summary = ImportSummary {
            batch_id: Uuid::now_v7(),
            created: count(ImportRowAction::Create),
            updated: count(ImportRowAction::Update),
            unchanged: count(ImportRowAction::Unchanged),
            skipped: count(ImportRowAction::Skip) + count(ImportRowAction::Error),
        };
        let total = plan.targets.len() as u64;
        progress(0, total);
        // Child rows first, the customer row last: the search index is then written once per
        // customer (its triggers find no customer row yet for the emails and tags).
        sqlx::query("PRAGMA defer_foreign_keys = ON").execute(ch.conn()).await?;
        let mut companies: HashMap<String, Uuid> = HashMap::new();
        let mut done_rows: Vec<BatchCustomer> = Vec::new();
        for (i, t) in plan.targets.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Cancelled(format!(
                    "import of {name}: cancelled, nothing was imported"
                )));
            }
            let company_id = match t.projected.company_name.as_deref() {
                Some(co)
                    if t.original
                        .as_ref()
                        .and_then(|o| o.company_name.as_deref())
                        .is_none_or(|o| !o.eq_ignore_ascii_case(co)) =>
                {
                    Some(company(&mut ch, co, &mut companies, &mut done_rows).await?)
                }
                _ => t.original.as_ref().and_then(|o| o.company_id),
            };
            match &t.original {
                None => {
                    let id = create(&mut ch, &t.projected, company_id, t.photo.as_ref()).await?;
                    if t.projected.kind == CustomerKind::Company {
                        companies.entry(t.projected.display_name.to_lowercase()).or_insert(id);
                    }
                    link_external(&mut ch, id, &t.external).await?;
                    done_rows.push(BatchCustomer::created(id));
                }
                Some(orig) => {
                    let old_photo = self.customer_photo(orig.id).await?;
                    let changes = update(
                        &mut ch,
                        orig,
                        &t.projected,
                        company_id,
                        t.photo.as_ref(),
                        old_photo.as_ref(),
                    )
                    .await?;
                    link_external(&mut ch, orig.id, &t.external).await?;
                    if !changes.is_empty() {
                        let photo_changed = changes.iter().any(|c| c.field == "photo");
                        done_rows.push(BatchCustomer::updated(
                            orig.id,
                            changes,
                            if photo_changed { old_photo } else { None },
                        ));
                    }
                }
            }
            progress(i as u64 + 1, total);
        }
        record_batch(&mut ch, summary.batch_id, &name, &summary, &done_rows).await?;
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Cancelled(format!(
                "import of {name}: cancelled, nothing was imported"
            )));
        }
        ch.commit().await?;
        Ok(summary)
    }

    async fn read_import(&self, bytes: &[u8], opts: &ImportOptions) -> Result<ReadFile> {
        let saved = self.list_mappings().await?;
        read_records(bytes, opts, &saved, self.now().year())
    }

    /// Plans every row against the store as it is now.
    async fn plan(&self, file: &ReadFile, _opts: &ImportOptions) -> Result<Plan> {
        let ns = file.source.map_or("vcard", |s| s.id_namespace()).to_string();
        let mut ix = Index::load(self).await?;
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
        Ok(Plan { rows, targets })
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

fn preview(file_name: &str, file: ReadFile, plan: Plan, opts: &ImportOptions) -> ImportPreview {
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

/// The id of the company with this name: one the store has, one this import made, or a
/// new one (recorded in the batch so undo removes it).
async fn company(
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
async fn create(
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

async fn link_external(ch: &mut Change<'_>, id: Uuid, ext: &[(String, String)]) -> Result<()> {
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

fn added<T: PartialEq + Clone>(old: &[T], new: &[T]) -> Vec<T> {
    new.iter().filter(|x| !old.contains(x)).cloned().collect()
}

/// Writes the difference between a customer and its merged form, field by field, each with
/// its op; returns what changed, for undo.
async fn update(
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

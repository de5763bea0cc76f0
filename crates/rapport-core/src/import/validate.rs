//! Checking and cleaning one record, whatever reader made it: caps, emails, phones, tags,
//! custom fields, and the name the customer will be known by.

use std::collections::BTreeMap;

use super::record::{ImportRecord, RowIssue, Severity};
use super::MAX_PHOTO_BYTES;
use crate::customers::{CustomerKind, Labeled};
use crate::error::Error;
use crate::text;

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
pub(super) struct Valid {
    pub rec: ImportRecord,
    pub name: String,
    /// The file named the person (a name, or given/family names), rather than Rapport
    /// falling back to an email or phone for the display name.
    pub name_given: bool,
    pub kind: CustomerKind,
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
pub(super) fn validate(mut rec: ImportRecord) -> std::result::Result<Valid, Box<ImportRecord>> {
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
pub(super) fn is_empty(rec: &ImportRecord) -> bool {
    rec.sources.is_empty() && rec.issues.is_empty() && rec.photo.is_none()
}

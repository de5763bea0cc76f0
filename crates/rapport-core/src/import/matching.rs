//! Matching records to customers: by the source's external id, then normalised email, then
//! phone digits, then (companies) name. The keys of every live customer are loaded once;
//! the plan adds the customers it creates, so a file matches its own earlier rows too.

use std::collections::HashMap;

use uuid::Uuid;

use super::validate::Valid;
use crate::customers::{Customer, CustomerKind};
use crate::error::Result;
use crate::store::Store;
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Slot {
    Existing(Uuid),
    New(usize),
}

/// Who already exists, by the keys records are matched on.
#[derive(Default)]
pub(super) struct Index {
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
    pub async fn load(store: &Store) -> Result<Index> {
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

    pub fn find(&self, v: &Valid, ns: &str) -> Option<Slot> {
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

    pub fn remember(&mut self, c: &Customer, ext: &[(String, String)], slot: Slot) {
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

//! Shared fixtures: stores in temp dirs, a fixed clock, file fingerprints.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rapport_core::money::Money;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::{FixedClock, Protection, SharedClock, Store, Unlock};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use zeroize::Zeroizing;

pub const PASS: &str = "correct horse battery staple";

pub fn clock() -> SharedClock {
    Arc::new(FixedClock(at("2026-11-22T10:00:00Z")))
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().to_utc()
}

pub fn pass(p: &str) -> Unlock {
    Unlock { passphrase: Some(Zeroizing::new(p.to_string())) }
}

pub async fn new_store(dir: &Path) -> Store {
    Store::init(dir, Protection::Passphrase(Zeroizing::new(PASS.into())), clock()).await.unwrap()
}

/// Imports `bytes` as a file called `name`, with the default options, never cancelled.
pub async fn import_bytes(
    store: &Store,
    name: &str,
    bytes: &[u8],
) -> rapport_core::Result<rapport_core::import::ImportSummary> {
    let opts = rapport_core::import::ImportOptions::default();
    let never = std::sync::atomic::AtomicBool::new(false);
    store.import_file(name, bytes, &opts, &|_, _| {}, &never).await
}

pub async fn reopen(dir: &Path) -> Store {
    Store::open(dir, &pass(PASS), clock()).await.unwrap()
}

/// SHA-256 of every file in `dir` (recursively), by relative path.
pub fn fingerprint(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        let rel = entry.strip_prefix(dir).unwrap().display().to_string();
        out.insert(rel, hex::encode(Sha256::digest(&bytes)));
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A timeline entry for tests: `kind` at `when`, summary = the kind, nothing else set.
pub fn entry(customer_id: Uuid, kind: InteractionKind, when: DateTime<Utc>) -> NewInteraction {
    NewInteraction {
        customer_id,
        kind,
        summary: format!("{kind:?}"),
        body: None,
        occurred_at: Some(when),
        amount: None,
        score: None,
    }
}

/// The same, with an amount ("12.50 EUR").
pub fn purchase(customer_id: Uuid, when: DateTime<Utc>, amount: &str) -> NewInteraction {
    NewInteraction {
        amount: Some(amount.parse::<Money>().unwrap()),
        ..entry(customer_id, InteractionKind::Purchase, when)
    }
}

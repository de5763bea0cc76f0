//! Finding customers that are probably one person.
//!
//! Never compares every customer with every other: each customer is filed under a few
//! keys (normalised emails, phone numbers, name, name-with-initials) in hash maps, and
//! only customers that share a key are compared. Keys shared by very many customers (an
//! office switchboard, "John Smith") are skipped as evidence: they would flood the list
//! with pairs that are not duplicates, and make the work quadratic again.

use std::collections::{HashMap, HashSet};

use rapport_protocol::rules::NOT_DUPLICATES;
use rapport_protocol::{EntityKind, OpAction};
use sqlx::Row;
use uuid::Uuid;

use super::normalize::{
    email_key, has_initial, initials_keys, name_key, name_words, phone_key, similar_names,
};
use super::{DuplicatePair, HygieneOptions};
use crate::error::{Error, Result};
use crate::store::{Change, Store};
use crate::text::parse_id;

/// A key shared by more customers than this says nothing about any two of them.
const MAX_BLOCK: usize = 50;
/// Initials blocks ("lovelace|al") hold every "A… Lovelace"; only pairs with an initial
/// on one side are made from them, so they may be larger.
const MAX_INITIALS_BLOCK: usize = 500;
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1_000;

/// Points per kind of evidence; a pair's score is their sum, at most 100. An email is the
/// strongest single sign (personal addresses are rarely shared), then a phone (homes and
/// offices share them), then an identical name, then a name that matches with initials.
const SAME_EMAIL: u32 = 60;
const SAME_PHONE: u32 = 45;
const SAME_NAME: u32 = 35;
const SIMILAR_NAME: u32 = 20;

struct Rec {
    id: String,
    company: bool,
    words: Vec<String>,
    emails: Vec<String>,
    phones: Vec<String>,
}

/// A pair found, with what orders the list.
struct Scored<'r> {
    score: std::cmp::Reverse<u32>,
    /// The first's name, as compared.
    name: String,
    a: &'r str,
    b: &'r str,
    reasons: Vec<String>,
}

impl Store {
    /// The likeliest duplicates first, with reasons, without pairs the user dismissed.
    pub async fn duplicates(&self, limit: u32) -> Result<Vec<DuplicatePair>> {
        self.duplicates_with(limit, &HygieneOptions::default()).await
    }

    pub async fn duplicates_with(
        &self,
        limit: u32,
        opts: &HygieneOptions,
    ) -> Result<Vec<DuplicatePair>> {
        let region = opts.region_id()?;
        let limit = if limit == 0 { DEFAULT_LIMIT } else { limit.min(MAX_LIMIT) } as usize;
        let started = std::time::Instant::now();
        let recs = self.load_records(region).await?;
        let loaded = started.elapsed();
        let dismissed = self.dismissed().await?;

        let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
        let mut initial_blocks: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, r) in recs.iter().enumerate() {
            let i = i as u32;
            let kind = if r.company { 'c' } else { 'p' };
            let mut keys: Vec<String> = Vec::new();
            keys.extend(r.emails.iter().map(|e| format!("{kind}e:{e}")));
            keys.extend(r.phones.iter().map(|p| format!("{kind}p:{p}")));
            keys.extend(name_key(&r.words).map(|n| format!("{kind}n:{n}")));
            keys.sort_unstable();
            keys.dedup();
            for k in keys {
                blocks.entry(k).or_default().push(i);
            }
            for k in initials_keys(&r.words) {
                initial_blocks.entry(format!("{kind}{k}")).or_default().push(i);
            }
        }

        let mut candidates: HashSet<(u32, u32)> = HashSet::new();
        for members in blocks.values().filter(|m| (2..=MAX_BLOCK).contains(&m.len())) {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    candidates.insert((i.min(j), i.max(j)));
                }
            }
        }
        for members in
            initial_blocks.values().filter(|m| (2..=MAX_INITIALS_BLOCK).contains(&m.len()))
        {
            let (with, without): (Vec<u32>, Vec<u32>) =
                members.iter().partition(|&&i| has_initial(&recs[i as usize].words));
            for &i in &with {
                for &j in without.iter().chain(with.iter().filter(|&&j| j != i)) {
                    candidates.insert((i.min(j), i.max(j)));
                }
            }
        }

        let candidate_count = candidates.len();
        let mut scored: Vec<Scored<'_>> = candidates
            .into_iter()
            .filter_map(|(i, j)| {
                let (a, b) = (&recs[i as usize], &recs[j as usize]);
                // UUIDv7 ids sort by creation: the older record comes first, the
                // suggested survivor.
                let (a, b) = if a.id < b.id { (a, b) } else { (b, a) };
                if dismissed.contains(&(a.id.clone(), b.id.clone())) {
                    return None;
                }
                let (score, reasons) = score(a, b);
                (score > 0).then(|| Scored {
                    score: std::cmp::Reverse(score),
                    name: a.words.join(" "),
                    a: &a.id,
                    b: &b.id,
                    reasons,
                })
            })
            .collect();
        // Best first; ties in a stable order (the first's name, then the ids).
        scored.sort_unstable_by(|x, y| {
            (&x.score, &x.name, x.a, x.b).cmp(&(&y.score, &y.name, y.a, y.b))
        });
        tracing::debug!(
            customers = recs.len(),
            candidates = candidate_count,
            pairs = scored.len(),
            load_ms = loaded.as_millis() as u64,
            total_ms = started.elapsed().as_millis() as u64,
            "duplicates"
        );
        scored.truncate(limit);

        let mut out = Vec::with_capacity(scored.len());
        for s in scored {
            out.push(DuplicatePair {
                a: self.customer_summary(parse_id(s.a)?).await?,
                b: self.customer_summary(parse_id(s.b)?).await?,
                reasons: s.reasons,
                score: s.score.0.min(100) as u8,
            });
        }
        Ok(out)
    }

    /// Remembers that two customers are not one person: the pair is never listed again.
    pub async fn dismiss_duplicate(&self, a: Uuid, b: Uuid) -> Result<()> {
        if a == b {
            return Err(Error::invalid("b", "is the same customer as a"));
        }
        self.customer_summary(a).await?;
        self.customer_summary(b).await?;
        let (lo, hi) = if a.to_string() < b.to_string() { (a, b) } else { (b, a) };
        let mut ch = self.change().await?;
        let added = remember_dismissal(&mut ch, lo, &hi.to_string()).await?;
        // An op on the pair's lower id, so the whole team stops being shown the pair.
        if added {
            let element = hi.to_string().into();
            ch.op(
                EntityKind::Customer,
                lo,
                OpAction::Add { field: NOT_DUPLICATES.into(), element },
            )
            .await?;
        }
        ch.commit().await
    }

    async fn dismissed(&self) -> Result<HashSet<(String, String)>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT a, b FROM duplicate_dismissals").fetch_all(self.pool()).await?;
        Ok(rows.into_iter().collect())
    }

    /// Every live customer with its comparable keys.
    async fn load_records(&self, region: Option<phonenumber::country::Id>) -> Result<Vec<Rec>> {
        let started = std::time::Instant::now();
        // No ORDER BY: the list index covers these columns, so the table is not read.
        let rows =
            sqlx::query("SELECT id, kind, display_name FROM customers WHERE deleted_at IS NULL")
                .fetch_all(self.pool())
                .await?;
        let mut recs: Vec<Rec> = Vec::with_capacity(rows.len());
        let mut index: HashMap<String, usize> = HashMap::with_capacity(rows.len());
        for r in rows {
            let id: String = r.get("id");
            let company = r.get::<String, _>("kind") == "company";
            let words = name_words(r.get("display_name"), company);
            index.insert(id.clone(), recs.len());
            recs.push(Rec { id, company, words, emails: Vec::new(), phones: Vec::new() });
        }
        let customers_ms = started.elapsed().as_millis() as u64;
        // Every contact point, without a join: the live customers are the index above.
        let points: Vec<(String, String, String)> =
            sqlx::query_as("SELECT customer_id, kind, value FROM contact_points")
                .fetch_all(self.pool())
                .await?;
        let mut phones: Vec<(usize, String)> = Vec::new();
        for (customer, kind, value) in points {
            let Some(&i) = index.get(&customer) else { continue };
            if kind == "email" {
                recs[i].emails.push(email_key(&value));
            } else {
                phones.push((i, value));
            }
        }
        let points_ms = started.elapsed().as_millis() as u64 - customers_ms;
        // Parsing is the costly part (100k numbers: seconds). Two writings of one number
        // end in the same digits, so only numbers whose last six digits another number
        // shares are parsed; the others cannot equal anything and get no key.
        let mut tails: HashMap<String, u32> = HashMap::new();
        for (_, v) in &phones {
            *tails.entry(phone_tail(v)).or_default() += 1;
        }
        let mut phone_keys: HashMap<String, String> = HashMap::new();
        for (i, value) in phones {
            if tails[&phone_tail(&value)] < 2 {
                continue;
            }
            let key = phone_keys.entry(value).or_insert_with_key(|v| phone_key(v, region)).clone();
            recs[i].phones.push(key);
        }
        tracing::debug!(customers_ms, points_ms, parsed = phone_keys.len(), "duplicates: loaded");
        Ok(recs)
    }
}

/// The last six digits before any extension ("x12", "ext. 3"): what every writing of a
/// number with six or more digits in its national part shares.
fn phone_tail(value: &str) -> String {
    let number = value.split(|c: char| c.is_alphabetic()).next().unwrap_or_default();
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(6)..].iter().collect()
}

/// The evidence that `a` and `b` are one person, in points and words.
fn score(a: &Rec, b: &Rec) -> (u32, Vec<String>) {
    let mut points = 0;
    let mut reasons = Vec::new();
    if a.company != b.company {
        return (0, reasons);
    }
    if let Some(e) = a.emails.iter().find(|e| b.emails.contains(e)) {
        points += SAME_EMAIL;
        reasons.push(format!("same email {e}"));
    }
    if let Some(p) = a.phones.iter().find(|p| b.phones.contains(p)) {
        points += SAME_PHONE;
        reasons.push(format!("same phone {p}"));
    }
    if !a.words.is_empty() && a.words == b.words {
        points += SAME_NAME;
        reasons.push("same name".into());
    } else if similar_names(&a.words, &b.words) {
        points += SIMILAR_NAME;
        reasons.push("similar names (initials)".into());
    }
    (points, reasons)
}

/// Stores that `lo` and `hi` (ids as text, `lo` < `hi`) are not one person; whether it is
/// new. A pair naming a customer this device does not have (yet) is kept all the same.
pub(crate) async fn remember_dismissal(ch: &mut Change<'_>, lo: Uuid, hi: &str) -> Result<bool> {
    let now = ch.now().to_rfc3339();
    let done =
        sqlx::query("INSERT OR IGNORE INTO duplicate_dismissals (a, b, at) VALUES (?, ?, ?)")
            .bind(lo.to_string())
            .bind(hi)
            .bind(now)
            .execute(ch.conn())
            .await?;
    Ok(done.rows_affected() > 0)
}

#[cfg(test)]
mod tests {
    use super::phone_tail;

    #[test]
    fn writings_of_one_number_share_a_tail_extensions_aside() {
        assert_eq!(phone_tail("+44 20 7946 0958"), "460958");
        assert_eq!(phone_tail("020 7946 0958 x12"), "460958");
        assert_eq!(phone_tail("(020) 7946-0958 ext. 3"), "460958");
        assert_eq!(phone_tail("112"), "112");
    }
}

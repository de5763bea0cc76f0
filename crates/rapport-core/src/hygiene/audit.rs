//! The data audit: what in the store needs a human's attention.
//!
//! - stale: a customer someone means to keep in touch with (a keep-in-touch cadence of
//!   their own or through a tag, or lifecycle stage "customer") with no contact for
//!   `stale_days` (never contacted: added that long ago);
//! - missing contact: a person with neither an email nor a phone (companies are reached
//!   through their people);
//! - invalid email: not `local@domain` by RFC 5321/5322's dot-atom rules (UTF-8 letters
//!   allowed, RFC 6531), or a domain that is not host names with a letter TLD;
//! - invalid phone: the phone-number library can't read it, or reads it as a number the
//!   country's numbering plan does not have. A national number (no `+`) is only checked
//!   when a region is known;
//! - inconsistent tag: spellings of one tag that differ in case, accents, spaces or
//!   punctuation ("VIP", "vip", "V.I.P."), or near-misses one letter apart
//!   ("wholesale"/"wholesael", names of 6 letters or more: shorter ones are often
//!   different words, like "gold"/"golf").

use std::collections::{BTreeMap, HashMap};

use chrono::Duration;
use sqlx::Row;
use uuid::Uuid;

use super::normalize::{parse_phone, Phone};
use super::{AuditCounts, AuditFinding, AuditKind, AuditReport, HygieneOptions, MAX_FINDINGS};
use crate::error::Result;
use crate::store::Store;
use crate::text::{parse_id, parse_time};

/// Tags compared pairwise for near-misses: beyond this many, only exact variants.
const MAX_TAGS_COMPARED: usize = 2_000;

/// A finding before its customer's summary is read: (kind, customer, name for ordering, detail).
type Raw = (AuditKind, Option<Uuid>, String, String);

impl Store {
    pub async fn data_audit(&self) -> Result<AuditReport> {
        self.data_audit_with(&HygieneOptions::default()).await
    }

    pub async fn data_audit_with(&self, opts: &HygieneOptions) -> Result<AuditReport> {
        let region = opts.region_id()?;
        let mut found: Vec<Raw> = Vec::new();
        found.extend(self.stale(opts.stale_days).await?);
        found.extend(self.missing_contact().await?);
        found.extend(self.bad_contact_points(region).await?);
        found.extend(self.inconsistent_tags().await?);

        let mut counts = AuditCounts::default();
        let mut by_kind: BTreeMap<AuditKind, Vec<Raw>> = BTreeMap::new();
        for f in found {
            *count(&mut counts, f.0) += 1;
            by_kind.entry(f.0).or_default().push(f);
        }
        // At most MAX_FINDINGS, shared fairly: a thousand stale customers must not hide
        // the one invalid email.
        for list in by_kind.values_mut() {
            list.sort_by(|a, b| (a.2.to_lowercase(), &a.3).cmp(&(b.2.to_lowercase(), &b.3)));
            list.reverse(); // popped from the end below
        }
        let mut taken: BTreeMap<AuditKind, Vec<Raw>> = BTreeMap::new();
        let mut total = 0;
        while total < MAX_FINDINGS && by_kind.values().any(|l| !l.is_empty()) {
            for (kind, list) in by_kind.iter_mut() {
                if total == MAX_FINDINGS {
                    break;
                }
                if let Some(f) = list.pop() {
                    taken.entry(*kind).or_default().push(f);
                    total += 1;
                }
            }
        }
        let mut findings = Vec::with_capacity(total);
        for (kind, customer, _, detail) in taken.into_values().flatten() {
            let customer = match customer {
                Some(id) => Some(self.customer_summary(id).await?),
                None => None,
            };
            findings.push(AuditFinding { kind, customer, detail });
        }
        Ok(AuditReport { findings, counts })
    }

    async fn stale(&self, days: u32) -> Result<Vec<Raw>> {
        let now = self.now();
        let cutoff = (now - Duration::days(i64::from(days))).to_rfc3339();
        let rows = sqlx::query(
            "SELECT c.id, c.display_name, c.last_contacted_at, c.created_at FROM customers c
             WHERE c.deleted_at IS NULL
               AND (c.keep_in_touch_days IS NOT NULL OR c.lifecycle_stage = 'customer'
                    OR EXISTS (SELECT 1 FROM customer_tags t JOIN tag_cadences tc ON tc.tag = t.tag
                               WHERE t.customer_id = c.id))
               AND coalesce(c.last_contacted_at, c.created_at) < ?",
        )
        .bind(cutoff)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let detail = match parse_time(r.get("last_contacted_at"))? {
                    Some(t) => format!(
                        "no contact for {} days (last on {})",
                        (now - t).num_days(),
                        t.date_naive()
                    ),
                    None => {
                        let added = parse_time(r.get("created_at"))?.unwrap_or(now);
                        format!("never contacted; added {} days ago", (now - added).num_days())
                    }
                };
                Ok((AuditKind::Stale, Some(parse_id(r.get("id"))?), r.get("display_name"), detail))
            })
            .collect()
    }

    async fn missing_contact(&self) -> Result<Vec<Raw>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT c.id, c.display_name FROM customers c
             WHERE c.deleted_at IS NULL AND c.kind = 'person'
               AND NOT EXISTS (SELECT 1 FROM contact_points p WHERE p.customer_id = c.id)",
        )
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|(id, name)| {
                Ok((
                    AuditKind::MissingContact,
                    Some(parse_id(&id)?),
                    name,
                    "no email and no phone".into(),
                ))
            })
            .collect()
    }

    async fn bad_contact_points(
        &self,
        region: Option<phonenumber::country::Id>,
    ) -> Result<Vec<Raw>> {
        // Live customers through the list index, then the points without a join: reading
        // the customers table for each point would decrypt all of it.
        let live: HashMap<String, String> =
            sqlx::query_as("SELECT id, display_name FROM customers WHERE deleted_at IS NULL")
                .fetch_all(self.pool())
                .await?
                .into_iter()
                .collect();
        let points: Vec<(String, String, String)> =
            sqlx::query_as("SELECT customer_id, kind, value FROM contact_points")
                .fetch_all(self.pool())
                .await?;
        let mut out = Vec::new();
        for (customer, kind, value) in points {
            let Some(name) = live.get(&customer) else { continue };
            let finding = if kind == "email" {
                email_problem(&value).map(|p| (AuditKind::InvalidEmail, format!("{value}: {p}")))
            } else {
                phone_problem(&value, region)
                    .map(|p| (AuditKind::InvalidPhone, format!("{value}: {p}")))
            };
            if let Some((kind, detail)) = finding {
                out.push((kind, Some(parse_id(&customer)?), name.clone(), detail));
            }
        }
        Ok(out)
    }

    async fn inconsistent_tags(&self) -> Result<Vec<Raw>> {
        let usage = self.tag_usage().await?;
        // Spellings of one tag: same letters once case, accents and punctuation are gone.
        let mut groups: BTreeMap<String, Vec<(String, u32)>> = BTreeMap::new();
        for u in usage {
            groups.entry(fold_tag(&u.tag)).or_default().push((u.tag, u.customers));
        }
        let mut out = Vec::new();
        let describe = |spellings: &[(String, u32)]| {
            spellings.iter().map(|(t, n)| format!("“{t}” ({n})")).collect::<Vec<_>>().join(", ")
        };
        for spellings in groups.values().filter(|s| s.len() > 1) {
            out.push((
                AuditKind::InconsistentTag,
                None,
                spellings[0].0.clone(),
                format!("one tag written {} ways: {}", spellings.len(), describe(spellings)),
            ));
        }
        let keys: Vec<&String> = groups.keys().filter(|k| k.chars().count() >= 6).collect();
        if keys.len() <= MAX_TAGS_COMPARED {
            for (i, a) in keys.iter().enumerate() {
                for b in &keys[i + 1..] {
                    if one_edit_apart(a, b) {
                        let (sa, sb) = (&groups[*a], &groups[*b]);
                        let all: Vec<(String, u32)> = sa.iter().chain(sb.iter()).cloned().collect();
                        out.push((
                            AuditKind::InconsistentTag,
                            None,
                            sa[0].0.clone(),
                            format!("tags one letter apart: {}", describe(&all)),
                        ));
                    }
                }
            }
        }
        Ok(out)
    }
}

fn count(c: &mut AuditCounts, kind: AuditKind) -> &mut u32 {
    match kind {
        AuditKind::Stale => &mut c.stale,
        AuditKind::MissingContact => &mut c.missing_contact,
        AuditKind::InvalidEmail => &mut c.invalid_email,
        AuditKind::InvalidPhone => &mut c.invalid_phone,
        AuditKind::InconsistentTag => &mut c.inconsistent_tag,
    }
}

/// A tag reduced to its letters and digits, lower case, transliterated.
pub(crate) fn fold_tag(tag: &str) -> String {
    deunicode::deunicode(tag).to_lowercase().chars().filter(char::is_ascii_alphanumeric).collect()
}

/// Whether one insertion, deletion, substitution or swap of neighbours turns `a` into `b`.
pub(crate) fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a == b || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    let suffix_eq = |x: &[char], y: &[char]| x == y;
    match ra.len().cmp(&rb.len()) {
        std::cmp::Ordering::Equal => {
            suffix_eq(&ra[1..], &rb[1..])
                || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
        }
        std::cmp::Ordering::Greater => suffix_eq(&ra[1..], rb),
        std::cmp::Ordering::Less => suffix_eq(ra, &rb[1..]),
    }
}

/// Why `email` is not a valid address, or `None`.
pub fn email_problem(email: &str) -> Option<String> {
    const LOCAL_SPECIALS: &str = "!#$%&'*+/=?^_`{|}~.-";
    if email.chars().any(char::is_whitespace) {
        return Some("contains a space".into());
    }
    let Some((local, domain)) = email.rsplit_once('@') else {
        return Some("has no @".into());
    };
    if local.contains('@') {
        return Some("has more than one @".into());
    }
    if local.is_empty() {
        return Some("nothing before the @".into());
    }
    if local.chars().count() > 64 {
        return Some("the part before the @ is longer than 64 characters".into());
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Some("a dot at the start or end of the name, or two in a row".into());
    }
    if let Some(c) = local.chars().find(|c| !c.is_alphanumeric() && !LOCAL_SPECIALS.contains(*c)) {
        return Some(format!("`{c}` is not allowed before the @"));
    }
    if domain.len() > 253 {
        return Some("the domain is longer than 253 characters".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Some(format!("`{domain}` has no top-level domain (like .com)"));
    }
    for l in &labels {
        if l.is_empty() {
            return Some(format!("`{domain}` has an empty part (two dots in a row?)"));
        }
        if l.chars().count() > 63 {
            return Some("a part of the domain is longer than 63 characters".into());
        }
        if l.starts_with('-') || l.ends_with('-') {
            return Some(format!("`{l}` starts or ends with a hyphen"));
        }
        if let Some(c) = l.chars().find(|c| !c.is_alphanumeric() && *c != '-') {
            return Some(format!("`{c}` is not allowed in a domain"));
        }
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Some(format!("`.{tld}` is not a top-level domain"));
    }
    None
}

/// Why `phone` is not a valid number, or `None` (also when it can't be told: a national
/// number and no region).
fn phone_problem(phone: &str, region: Option<phonenumber::country::Id>) -> Option<String> {
    let international = phone.trim_start().starts_with('+');
    match parse_phone(phone, region) {
        Phone::Parsed { valid: true, .. } => None,
        Phone::Parsed { e164, valid: false } => {
            Some(format!("{e164} is not a number in its country's numbering plan"))
        }
        Phone::Unparsed if international || region.is_some() => {
            Some("not a phone number the numbering plans know".into())
        }
        Phone::Unparsed => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_syntax_by_the_rfc_rules() {
        for ok in ["ada@example.com", "a.b+c@sub.example.co.uk", "zoë@exämple.de", "o'brien@x.ie"]
        {
            assert_eq!(email_problem(ok), None, "{ok}");
        }
        for (bad, why) in [
            ("ada@example", "no top-level"),
            ("a..b@example.com", "two in a row"),
            (".a@example.com", "start or end"),
            ("a@b@example.com", "more than one"),
            ("ada@-x.com", "hyphen"),
            ("ada@x_y.com", "`_`"),
            ("ada@x.1", "not a top-level"),
            ("ada(x)@x.com", "`(`"),
            ("ada example.com", "space"),
        ] {
            let p = email_problem(bad).unwrap_or_else(|| panic!("{bad} passed"));
            assert!(p.contains(why), "{bad}: {p}");
        }
    }

    #[test]
    fn near_misses_are_one_edit_apart() {
        assert!(one_edit_apart("wholesale", "wholesael")); // swap
        assert!(one_edit_apart("wholesale", "wholesal")); // deletion
        assert!(one_edit_apart("customer", "custumer")); // substitution
        assert!(!one_edit_apart("customer", "customer"));
        assert!(!one_edit_apart("customer", "costumar"));
        assert_eq!(fold_tag("V.I.P."), fold_tag("vip"));
        assert_eq!(fold_tag("Café Owner"), fold_tag("cafe-owner"));
    }
}

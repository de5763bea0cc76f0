//! Duplicates, tag clean-up and the data audit. Expected pairs, reasons and findings are
//! written by hand from the rules in `rapport_core::hygiene` (email: lower case, dots and
//! +labels only at Gmail; phones: E.164 in the region; names: accents, order, initials;
//! scores: email 60, phone 45, same name 35, initials 20).

use chrono::Duration;
use rapport_core::customers::{CustomerKind, LifecycleStage, NewCustomer};
use rapport_core::hygiene::{AuditCounts, AuditKind, HygieneOptions, TagChange, UnusedTag};
use rapport_core::scoring::Condition;
use rapport_core::timeline::InteractionKind;
use rapport_core::{ErrorCode, Store};
use uuid::Uuid;

use crate::support::*;

async fn add(store: &Store, name: &str, emails: &[&str], phones: &[&str]) -> Uuid {
    store
        .add_customer(&NewCustomer {
            name: name.into(),
            emails: emails.iter().map(|e| e.to_string()).collect(),
            phones: phones.iter().map(|p| p.to_string()).collect(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

async fn tagged(store: &Store, name: &str, tags: &[&str]) -> Uuid {
    store
        .add_customer(&NewCustomer {
            name: name.into(),
            emails: vec![format!("{}@example.com", name.to_lowercase().replace(' ', "."))],
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

fn gb() -> HygieneOptions {
    HygieneOptions { region: Some("GB".into()), ..Default::default() }
}

/// (first name, second name, reasons, score) of every pair, in list order.
async fn pairs(store: &Store, opts: &HygieneOptions) -> Vec<(String, String, Vec<String>, u8)> {
    store
        .duplicates_with(100, opts)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.a.display_name, p.b.display_name, p.reasons, p.score))
        .collect()
}

fn pair(a: &str, b: &str, reasons: &[&str], score: u8) -> (String, String, Vec<String>, u8) {
    (a.into(), b.into(), reasons.iter().map(|r| r.to_string()).collect(), score)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_by_email_phone_and_name_best_first_with_reasons() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    // Gmail ignores dots and +labels: one mailbox.
    add(&store, "Ada Lovelace", &["Ada.Lovelace+crm@gmail.com"], &[]).await;
    add(&store, "Augusta King", &["adalovelace@gmail.com"], &[]).await;
    // Elsewhere a dot is part of the address: two people.
    add(&store, "Alan Brown", &["a.b@example.com"], &[]).await;
    add(&store, "Alice Black", &["ab@example.com"], &[]).await;
    // One London number, written internationally and nationally.
    add(&store, "Grace Hopper", &[], &["+44 20 7946 0958"]).await;
    add(&store, "Rear Admiral", &[], &["020 7946 0958"]).await;
    // Accents, word order and case.
    add(&store, "Zoë Müller", &[], &[]).await;
    add(&store, "Muller Zoe", &[], &[]).await;
    // An initial for a first name; a different first name is someone else.
    add(&store, "A. Turing", &[], &[]).await;
    add(&store, "Alan Turing", &[], &[]).await;
    add(&store, "Alonzo Turing", &[], &[]).await;
    // Same email, both signs together: a person and … the same person.
    add(&store, "Dr. Mary Somerville", &["mary@somerville.org"], &["+44 131 496 0000"]).await;
    add(&store, "Mary Somerville", &["MARY@somerville.org"], &["0131 496 0000"]).await;
    // A company and a person sharing an address are not duplicates of each other.
    store
        .add_customer(&NewCustomer {
            kind: Some(CustomerKind::Company),
            name: "Acme".into(),
            emails: vec!["info@acme.example".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    add(&store, "Info Desk", &["info@acme.example"], &[]).await;
    // A deleted customer is never proposed.
    let gone = add(&store, "Grace Hopper", &[], &[]).await;
    store.delete_customer(gone).await.unwrap();

    let expected = vec![
        pair(
            "Dr. Mary Somerville",
            "Mary Somerville",
            &["same email mary@somerville.org", "same phone +441314960000", "same name"],
            100,
        ),
        pair("Ada Lovelace", "Augusta King", &["same email adalovelace@gmail.com"], 60),
        pair("Grace Hopper", "Rear Admiral", &["same phone +442079460958"], 45),
        pair("Zoë Müller", "Muller Zoe", &["same name"], 35),
        // "A Turing" fits both Alan and Alonzo; Alan and Alonzo are two people.
        pair("A. Turing", "Alan Turing", &["similar names (initials)"], 20),
        pair("A. Turing", "Alonzo Turing", &["similar names (initials)"], 20),
    ];
    assert_eq!(pairs(&store, &gb()).await, expected);

    // Without a region, "020 …" can't be read: compared by digits, it matches nothing.
    let no_region = pairs(&store, &HygieneOptions::default()).await;
    assert!(!no_region.iter().any(|p| p.0 == "Grace Hopper"), "{no_region:?}");
    let mary = &no_region[0];
    assert_eq!(mary.2, ["same email mary@somerville.org", "same name"], "{no_region:?}");

    // The limit keeps the best.
    let top = store.duplicates_with(2, &gb()).await.unwrap();
    assert_eq!(top.len(), 2);
    assert_eq!(top[1].b.display_name, "Augusta King");
    let err = store
        .duplicates_with(
            10,
            &HygieneOptions { region: Some("Narnia".into()), ..Default::default() },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().starts_with("region:"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dismissed_pair_is_not_shown_again_even_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let a = add(&store, "Sam Lee", &["sam@example.com"], &[]).await;
    let b = add(&store, "Samantha Lee", &["sam@example.com"], &[]).await;
    add(&store, "Sam Lee", &[], &[]).await;
    assert_eq!(store.duplicates(10).await.unwrap().len(), 2);
    // Either order names the same pair.
    store.dismiss_duplicate(b, a).await.unwrap();
    store.dismiss_duplicate(a, b).await.unwrap();
    let left = store.duplicates(10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert!(left[0].a.id == a || left[0].b.id == a);
    assert_ne!(left[0].b.id, b);
    store.close().await;
    let store = reopen(dir.path()).await;
    assert_eq!(store.duplicates(10).await.unwrap().len(), 1);
    let err = store.dismiss_duplicate(a, a).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    let err = store.dismiss_duplicate(a, Uuid::nil()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
}

async fn tag_ops(store: &Store) -> Vec<(String, String)> {
    sqlx::query_as("SELECT action, value FROM ops WHERE field = 'tags' ORDER BY seq")
        .fetch_all(store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renaming_a_tag_onto_another_merges_them_everywhere_as_ops() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let a = tagged(&store, "Ann One", &["VIP", "wholesale"]).await;
    let b = tagged(&store, "Bob Two", &["vip"]).await;
    let c = tagged(&store, "Cy Three", &["Gold"]).await;
    let d = tagged(&store, "Di Four", &["Gold", "VIP"]).await;
    store.set_tag_cadence("vip", Some((14, None))).await.unwrap();
    let rule = store
        .add_scoring_rule("VIP bonus", Condition::Tag { tag: "VIP".into() }, 20)
        .await
        .unwrap();
    let usage: Vec<(String, u32)> =
        store.tag_usage().await.unwrap().into_iter().map(|u| (u.tag, u.customers)).collect();
    assert_eq!(
        usage,
        [("Gold".into(), 2), ("VIP".into(), 2), ("vip".into(), 1), ("wholesale".into(), 1)]
    );

    // Every spelling of "vip" becomes "Gold", which existed: a merge.
    let before = tag_ops(&store).await.len();
    let change = store.rename_tag("vip", "Gold").await.unwrap();
    assert_eq!(
        change,
        TagChange { customers: 3, variants: vec!["VIP".into(), "vip".into()], merged: true }
    );
    let tags = |id| {
        let store = &store;
        async move { store.get_customer(id).await.unwrap().tags }
    };
    assert_eq!(tags(a).await, ["Gold", "wholesale"]);
    assert_eq!(tags(b).await, ["Gold"]);
    assert_eq!(tags(c).await, ["Gold"]);
    assert_eq!(tags(d).await, ["Gold"], "Di had both: one Gold left");
    // Ops: remove VIP + add Gold (Ann), remove vip + add Gold (Bob), remove VIP (Di).
    let ops = tag_ops(&store).await[before..].to_vec();
    let expect: Vec<(String, String)> = [
        ("remove", "\"VIP\""),
        ("add", "\"Gold\""),
        ("remove", "\"vip\""),
        ("add", "\"Gold\""),
        ("remove", "\"VIP\""),
    ]
    .iter()
    .map(|(a, v)| (a.to_string(), v.to_string()))
    .collect();
    let mut sorted_ops = ops.clone();
    sorted_ops.sort();
    let mut sorted_expect = expect.clone();
    sorted_expect.sort();
    assert_eq!(sorted_ops, sorted_expect);
    // The cadence and the scoring rule follow the rename.
    let rules = store.scoring_rules().await.unwrap();
    assert_eq!(rules[0].id, rule.id);
    assert_eq!(rules[0].condition, Condition::Tag { tag: "Gold".into() });
    let cadence: Vec<String> =
        sqlx::query_scalar("SELECT tag FROM tag_cadences").fetch_all(store.pool()).await.unwrap();
    assert_eq!(cadence, ["Gold"]);

    // A case-only rename fixes the spelling; renaming an unknown tag says so.
    let change = store.rename_tag("gold", "gold").await.unwrap();
    assert_eq!((change.customers, change.merged), (4, false));
    assert_eq!(tags(a).await, ["gold", "wholesale"]);
    let err = store.rename_tag("nope", "x").await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::NotFound);
    let err = store.rename_tag("gold", "a,b").await.unwrap_err();
    assert!(err.to_string().starts_with("to:"), "{err}");

    let change = store.delete_tag("GOLD").await.unwrap();
    assert_eq!(change.customers, 4);
    assert_eq!(tags(d).await, Vec::<String>::new());
    // The cadence and the rule still name it (respelled "gold" above), and no one
    // carries it now.
    assert_eq!(
        store.unused_tags().await.unwrap(),
        [UnusedTag {
            tag: "gold".into(),
            used_by: vec!["keep-in-touch cadence".into(), "scoring rule “VIP bonus”".into()],
        }]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_finds_stale_missing_invalid_and_inconsistent_data() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await; // now: 2026-11-22T10:00:00Z
    let now = at("2026-11-22T10:00:00Z");
    // Stale: a customer last contacted 400 days ago; someone with a cadence 366 days ago.
    let old = store
        .add_customer(&NewCustomer {
            name: "Olga Old".into(),
            emails: vec!["olga@example.com".into()],
            lifecycle_stage: Some(LifecycleStage::Customer),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    store
        .log_interaction(&entry(old, InteractionKind::Call, now - Duration::days(400)))
        .await
        .unwrap();
    let kit = store
        .add_customer(&NewCustomer {
            name: "Kit Keep".into(),
            phones: vec!["+44 20 7946 0958".into()],
            keep_in_touch_days: Some(30),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    store
        .log_interaction(&entry(kit, InteractionKind::Call, now - Duration::days(366)))
        .await
        .unwrap();
    // Not stale: a lead (no cadence) never contacted; a customer contacted 364 days ago.
    add(&store, "Lee Lead", &["lee@example.com"], &[]).await;
    let fresh = store
        .add_customer(&NewCustomer {
            name: "Fay Fresh".into(),
            emails: vec!["fay@example.com".into()],
            lifecycle_stage: Some(LifecycleStage::Customer),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    store
        .log_interaction(&entry(fresh, InteractionKind::Call, now - Duration::days(364)))
        .await
        .unwrap();
    // Missing contact data: a person with neither; a company is not counted.
    add(&store, "Nora Nobody", &[], &[]).await;
    store
        .add_customer(&NewCustomer {
            kind: Some(CustomerKind::Company),
            name: "Quiet Ltd".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    // Invalid email (two dots) and phone (+44 20 then too few digits); valid ones pass.
    add(&store, "Eve Error", &["eve..x@example.com"], &["+44 20 7946"]).await;
    add(&store, "Val Valid", &["val@example.co.uk"], &["020 7946 0959"]).await;
    // Tags: three spellings of VIP, and a near-miss of wholesale.
    tagged(&store, "T One", &["VIP", "wholesale"]).await;
    tagged(&store, "T Two", &["vip", "wholesael"]).await;
    tagged(&store, "T Three", &["V.I.P."]).await;

    let report = store.data_audit_with(&gb()).await.unwrap();
    let found: Vec<(AuditKind, Option<String>, String)> = report
        .findings
        .iter()
        .map(|f| (f.kind, f.customer.as_ref().map(|c| c.display_name.clone()), f.detail.clone()))
        .collect();
    let expected: Vec<(AuditKind, Option<String>, String)> = vec![
        (
            AuditKind::Stale,
            Some("Kit Keep".into()),
            "no contact for 366 days (last on 2025-11-21)".into(),
        ),
        (
            AuditKind::Stale,
            Some("Olga Old".into()),
            "no contact for 400 days (last on 2025-10-18)".into(),
        ),
        (AuditKind::MissingContact, Some("Nora Nobody".into()), "no email and no phone".into()),
        (
            AuditKind::InvalidEmail,
            Some("Eve Error".into()),
            "eve..x@example.com: a dot at the start or end of the name, or two in a row".into(),
        ),
        (
            AuditKind::InvalidPhone,
            Some("Eve Error".into()),
            "+44 20 7946: +44207946 is not a number in its country's numbering plan".into(),
        ),
        (
            AuditKind::InconsistentTag,
            None,
            "one tag written 3 ways: “V.I.P.” (1), “VIP” (1), “vip” (1)".into(),
        ),
        (
            AuditKind::InconsistentTag,
            None,
            "tags one letter apart: “wholesael” (1), “wholesale” (1)".into(),
        ),
    ];
    assert_eq!(found, expected);
    assert_eq!(
        report.counts,
        AuditCounts {
            stale: 2,
            missing_contact: 1,
            invalid_email: 1,
            invalid_phone: 1,
            inconsistent_tag: 2
        }
    );

    // A shorter threshold makes the 364-day customer stale too.
    let opts = HygieneOptions { stale_days: 300, ..gb() };
    assert_eq!(store.data_audit_with(&opts).await.unwrap().counts.stale, 3);
    // Without a region the national "020 …" can't be checked, and is not reported.
    let report = store.data_audit().await.unwrap();
    assert_eq!(report.counts.invalid_phone, 1);
}

//! The customer list: filters combined, pages with totals, facets, full-text search.

use rapport_core::customers::{
    CustomerKind, CustomerQuery, CustomerSummary, LifecycleStage, NewCustomer,
};
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::Store;
use uuid::Uuid;

use crate::support::*;

async fn add(store: &Store, name: &str, tags: &[&str], stage: LifecycleStage) -> Uuid {
    store
        .add_customer(&NewCustomer {
            name: name.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            lifecycle_stage: Some(stage),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

async fn set(store: &Store, id: Uuid, field: &str, value: &str) {
    store.edit_customer(id, &[(field.into(), value.into())]).await.unwrap();
}

fn names(items: &[CustomerSummary]) -> Vec<&str> {
    items.iter().map(|c| c.display_name.as_str()).collect()
}

async fn search(store: &Store, q: &str) -> Vec<String> {
    let page = store
        .customer_page(&CustomerQuery { query: Some(q.into()), ..Default::default() })
        .await
        .unwrap_or_else(|e| panic!("searching {q:?}: {e}"));
    assert_eq!(page.total as usize, page.items.len(), "{q:?}");
    page.items.into_iter().map(|c| c.display_name).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_combine_and_pages_carry_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    use LifecycleStage::*;
    // 30 VIP customers (every third a prospect), 10 untagged; owners alternate.
    let mut vip_prospects_of_ana = Vec::new();
    for i in 0..40 {
        let stage = if i % 3 == 0 { Prospect } else { Customer };
        let tags: &[&str] = if i < 30 { &["VIP"] } else { &[] };
        let name = format!("Person {i:02}");
        let id = add(&store, &name, tags, stage).await;
        let owner = if i % 2 == 0 { "Ana" } else { "Bo" };
        set(&store, id, "owner", owner).await;
        if i < 30 && stage == Prospect && owner == "Ana" {
            vip_prospects_of_ana.push(name);
        }
    }
    store
        .add_customer(&NewCustomer {
            name: "Acme Ltd".into(),
            kind: Some(CustomerKind::Company),
            tags: vec!["vip".into()],
            lifecycle_stage: Some(Prospect),
            ..Default::default()
        })
        .await
        .unwrap();

    let q = CustomerQuery {
        tag: Some("vip".into()),
        stage: Some(Prospect),
        owner: Some("ana".into()),
        kind: Some(CustomerKind::Person),
        limit: 2,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = store.customer_page(&CustomerQuery { offset, ..q.clone() }).await.unwrap();
        assert_eq!(page.total as usize, vip_prospects_of_ana.len());
        assert_eq!(page.offset, offset);
        if page.items.is_empty() {
            break;
        }
        assert!(page.items.len() <= 2);
        for c in &page.items {
            assert_eq!(c.owner.as_deref(), Some("Ana"));
            assert_eq!(c.lifecycle_stage, Prospect);
            assert!(c.tags.contains(&"VIP".to_string()));
        }
        seen.extend(page.items.into_iter().map(|c| c.display_name));
        offset += 2;
    }
    assert_eq!(seen, vip_prospects_of_ana, "pages in name order, none lost or repeated");

    // The company only shows without the person filter.
    let companies = store
        .customer_page(&CustomerQuery { kind: Some(CustomerKind::Company), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(names(&companies.items), ["Acme Ltd"]);
    let all = store.customer_page(&CustomerQuery::default()).await.unwrap();
    assert_eq!(all.total, 41);

    // Deleted customers leave the list, its total and the facets.
    let gone = store.list_customers(&Default::default()).await.unwrap()[0].id;
    store.delete_customer(gone).await.unwrap();
    assert_eq!(store.count_customers(&Default::default()).await.unwrap(), 40);
    let facets = store.customer_facets().await.unwrap();
    assert_eq!(facets.owners, ["Ana", "Bo"]);
    assert_eq!(facets.tags, ["VIP"], "VIP and vip are one tag, case-insensitively");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_ignores_accents_and_case_and_matches_word_starts() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    store
        .add_customer(&NewCustomer {
            name: "Amélie Dubois".into(),
            emails: vec!["amelie.dubois@bluebird.example".into()],
            phones: vec!["+33 6 12 34 56 78".into()],
            company: Some("Bluebird Bakery".into()),
            tags: vec!["Wholesale".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    add(&store, "Zoë Ångström", &[], LifecycleStage::Lead).await;
    add(&store, "Amadou Diallo", &[], LifecycleStage::Lead).await;

    assert_eq!(search(&store, "amel").await, ["Amélie Dubois"]);
    assert_eq!(search(&store, "AMÉLIE").await, ["Amélie Dubois"]);
    assert_eq!(search(&store, "angstr").await, ["Zoë Ångström"]);
    assert_eq!(search(&store, "zoe").await, ["Zoë Ångström"]);
    assert_eq!(search(&store, "am").await, ["Amadou Diallo", "Amélie Dubois"]);
    // Company, email, phone (as written and as digits) and tags are searched too.
    // With a search the list is best match first: a name before a company field.
    assert_eq!(search(&store, "bakery").await, ["Bluebird Bakery", "Amélie Dubois"]);
    assert_eq!(search(&store, "amelie.dubois@blue").await, ["Amélie Dubois"]);
    assert_eq!(search(&store, "34 56").await, ["Amélie Dubois"]);
    assert_eq!(search(&store, "3361234").await, ["Amélie Dubois"]);
    assert_eq!(search(&store, "wholes").await, ["Amélie Dubois"]);
    // Every word must match; a word in the middle of another word does not.
    assert_eq!(search(&store, "amélie diallo").await, Vec::<String>::new());
    // ("melie" would be a one-letter typo of "amelie"; "elie" is two letters off.)
    assert_eq!(search(&store, "elie").await, Vec::<String>::new());
    // A company's new name is found on its people.
    let bakery = store.resolve_customer("Bluebird Bakery").await.unwrap();
    set(&store, bakery, "name", "Redwing Patisserie").await;
    assert_eq!(search(&store, "redwing").await, ["Redwing Patisserie", "Amélie Dubois"]);
    assert!(search(&store, "bluebird bakery").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_words_in_notes_and_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let ada = add(&store, "Ada Lovelace", &[], LifecycleStage::Lead).await;
    let bob = add(&store, "Bob Byte", &[], LifecycleStage::Lead).await;
    add(&store, "Cy Cipher", &[], LifecycleStage::Lead).await;
    set(&store, ada, "notes", "Allergic to hazelnuts; prefers the Tuesday delivery").await;
    let call = NewInteraction {
        summary: "Asked about the analytical engine".into(),
        body: Some("Wants a quote for the Jacquard cards.".into()),
        ..entry(bob, InteractionKind::Call, at("2026-11-20T10:00:00Z"))
    };
    store.log_interaction(&call).await.unwrap();

    assert_eq!(search(&store, "hazelnut").await, ["Ada Lovelace"]);
    assert_eq!(search(&store, "jacquard").await, ["Bob Byte"]);
    assert_eq!(search(&store, "analytic").await, ["Bob Byte"]);
    // Words may match in different places: the name and a timeline entry.
    assert_eq!(search(&store, "bob quote").await, ["Bob Byte"]);
    // Many entries: each is found, and editing the notes replaces the old words.
    for n in 0..70 {
        let e = NewInteraction {
            summary: format!("Visit number{n}"),
            ..entry(bob, InteractionKind::Visit, at("2026-11-21T10:00:00Z"))
        };
        store.log_interaction(&e).await.unwrap();
    }
    assert_eq!(search(&store, "number0").await, ["Bob Byte"]);
    assert_eq!(search(&store, "number69").await, ["Bob Byte"]);
    assert_eq!(search(&store, "jacquard").await, ["Bob Byte"], "older entries stay found");
    set(&store, ada, "notes", "Prefers oat milk").await;
    assert!(search(&store, "hazelnut").await.is_empty());
    assert_eq!(search(&store, "oat").await, ["Ada Lovelace"]);
    // Tags added and removed.
    set(&store, ada, "tags", "mathematician").await;
    assert_eq!(search(&store, "mathem").await, ["Ada Lovelace"]);
    set(&store, ada, "tags", "").await;
    assert!(search(&store, "mathem").await.is_empty());
    // A deleted customer is not found any more.
    store.delete_customer(bob).await.unwrap();
    assert!(search(&store, "jacquard").await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_text_is_never_syntax() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    add(&store, "Ada Lovelace", &[], LifecycleStage::Lead).await;
    add(&store, "Near Orwell", &[], LifecycleStage::Lead).await;
    for q in [
        r#""a OR b NEAR( * col:x"#,
        "\"",
        "*",
        "a*b",
        "name:ada",
        "NOT ada",
        "ada AND",
        "(ada",
        "^ada",
        "-ada",
        "ada + lovelace",
        "\u{301}",
        "e\u{301}",
        "😀 ada",
        "'; DROP TABLE customers; --",
        "NEAR(ada lovelace, 2)",
    ] {
        store
            .customer_page(&CustomerQuery { query: Some(q.into()), ..Default::default() })
            .await
            .unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
    // Operators are words like any other.
    assert_eq!(search(&store, "near(").await, ["Near Orwell"]);
    assert_eq!(search(&store, "ada OR orwell").await, Vec::<String>::new());
    assert_eq!(search(&store, "name:ada").await, Vec::<String>::new());
    assert_eq!(search(&store, "\"lovelace\"").await, ["Ada Lovelace"]);
    // Nothing searchable in it: no filter at all.
    assert_eq!(search(&store, " * ").await.len(), 2);
}

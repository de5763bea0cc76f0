//! Search: best matches first, typos, accents, and any text as input.
//!
//! Expected orders are written from the ranking rule (customers/search.rs): name (exact word,
//! then prefix, then typo-corrected), then the other own fields, then the timeline; within
//! a tier the newest last contact first (never contacted last), then the name.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use rapport_core::customers::search::MatchField;
use rapport_core::customers::{CustomerQuery, NewCustomer};
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::Store;
use uuid::Uuid;

use crate::support::*;

async fn add(store: &Store, name: &str, notes: Option<&str>, company: Option<&str>) -> Uuid {
    store
        .add_customer(&NewCustomer {
            name: name.into(),
            notes: notes.map(Into::into),
            company: company.map(Into::into),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

/// Logs a plain call (summary "Call": no word of the searches below) on `day` of Nov 2026.
async fn contacted(store: &Store, id: Uuid, day: u32) {
    let when = at(&format!("2026-11-{day:02}T09:00:00Z"));
    store.log_interaction(&entry(id, InteractionKind::Call, when)).await.unwrap();
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
async fn name_matches_first_then_own_fields_then_the_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let a = add(&store, "Amélie Dubois", None, Some("Bluebird Bakery")).await;
    let b = add(&store, "Amelie Roux", None, None).await;
    let c = add(&store, "Amelienne Kraft", None, None).await;
    let d = add(&store, "Zed Notes", Some("Call amelie about the samples"), None).await;
    let e = add(&store, "Tim Line", None, None).await;
    let lunch = NewInteraction {
        summary: "Lunch with Amélie".into(),
        ..entry(e, InteractionKind::Meeting, at("2026-11-21T12:00:00Z"))
    };
    store.log_interaction(&lunch).await.unwrap();
    contacted(&store, a, 1).await;
    contacted(&store, b, 10).await;
    contacted(&store, c, 20).await; // newest of the names, but only a prefix
    contacted(&store, d, 21).await;

    // Exact name words (B newer than A), then the prefix (C), then the note (D), then the
    // timeline (E), whatever their recency.
    let expected = ["Amelie Roux", "Amélie Dubois", "Amelienne Kraft", "Zed Notes", "Tim Line"];
    assert_eq!(search(&store, "amelie").await, expected);
    assert_eq!(search(&store, "AMÉLIE").await, expected, "accents and case ignored");
    // While typing, every name is a prefix: recency decides among them.
    assert_eq!(
        search(&store, "ame").await,
        ["Amelienne Kraft", "Amelie Roux", "Amélie Dubois", "Zed Notes", "Tim Line"]
    );
    // The company's own name beats its employee's company field.
    assert_eq!(search(&store, "bakery").await, ["Bluebird Bakery", "Amélie Dubois"]);
    // Every word must match, each anywhere in the customer's fields or timeline.
    assert_eq!(search(&store, "amelie samples").await, ["Zed Notes"]);
    assert_eq!(search(&store, "amélie dub").await, ["Amélie Dubois"]);

    // Where each hit matched, for the CLI.
    let (hits, total) = store.search("amelie", 10).await.unwrap();
    assert_eq!(total, 5);
    let wheres: Vec<(&str, Vec<MatchField>)> =
        hits.iter().map(|h| (h.customer.display_name.as_str(), h.matched_in.clone())).collect();
    assert_eq!(
        wheres,
        [
            ("Amelie Roux", vec![MatchField::Name]),
            ("Amélie Dubois", vec![MatchField::Name]),
            ("Amelienne Kraft", vec![MatchField::Name]),
            ("Zed Notes", vec![MatchField::Notes]),
            ("Tim Line", vec![MatchField::Timeline]),
        ]
    );
    let (hits, _) = store.search("bluebird", 10).await.unwrap();
    assert_eq!(hits[1].matched_in, [MatchField::Company]);
    let (hits, _) = store.search("amelie", 2).await.unwrap();
    assert_eq!(hits.len(), 2, "--limit");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typos_within_one_edit_from_four_letters_and_two_from_eight() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let a = add(&store, "Amélie Dubois", None, None).await;
    let m = add(&store, "Marc Dubos", None, None).await;
    add(&store, "Ada Lovelace", None, None).await;
    add(&store, "Greta Schmidt", None, None).await;
    add(&store, "Bob Byte", None, None).await;
    add(&store, "Anna Berg", None, None).await;
    add(&store, "Noor Haddad", Some("Prefers Dubois-style pastries"), None).await;
    contacted(&store, a, 2).await;
    contacted(&store, m, 3).await;

    // "dubios" starts no word: corrected to "dubois" (a swap, one edit) and "dubos" (one
    // deletion). Both names first (Marc contacted later), then the note.
    assert_eq!(search(&store, "Dubios").await, ["Marc Dubos", "Amélie Dubois", "Noor Haddad"]);
    assert_eq!(search(&store, "amelie dubios").await, ["Amélie Dubois"]);
    // Two edits are too many below eight letters.
    assert!(search(&store, "Dubiosx").await.is_empty());
    assert_eq!(search(&store, "Schmdit").await, ["Greta Schmidt"], "7 letters, one swap");
    assert!(search(&store, "Shmdit").await.is_empty(), "6 letters, two edits");
    assert_eq!(search(&store, "Lovalaca").await, ["Ada Lovelace"], "8 letters, two edits");
    assert!(search(&store, "Lavalaca").await.is_empty(), "8 letters, three edits");
    assert_eq!(search(&store, "anan").await, ["Anna Berg"], "4 letters, one swap");
    assert!(search(&store, "bbo").await.is_empty(), "3 letters: no typos");
    // A word some indexed word starts with is taken as typed, never "corrected".
    assert_eq!(search(&store, "dubo").await, ["Marc Dubos", "Amélie Dubois", "Noor Haddad"]);
    assert_eq!(search(&store, "anna").await, ["Anna Berg"]);

    // New words are reachable by typos as soon as they are written, and renamed words go.
    let z = add(&store, "Zygmunt Wróblewski", None, None).await;
    assert_eq!(search(&store, "wroblewsky").await, ["Zygmunt Wróblewski"]);
    store.edit_customer(z, &[("name".into(), "Zygmunt Nowak".into())]).await.unwrap();
    assert!(search(&store, "wroblewsky").await.is_empty());
    assert_eq!(store.prune_search_terms().await.unwrap(), 1, "only wróblewski left the index");
    assert!(search(&store, "wroblewsky").await.is_empty());

    // An import adds its own words (read from the index's vocabulary) and never brings a
    // replaced one back.
    let file = b"Name,Notes\nIgnacy Przybyszewski,Brought quince marmalade\n";
    import_bytes(&store, "one.csv", file).await.unwrap();
    assert_eq!(search(&store, "przybyszewsky").await, ["Ignacy Przybyszewski"]);
    assert_eq!(search(&store, "marmelade").await, ["Ignacy Przybyszewski"]);
    assert!(search(&store, "wroblewsky").await.is_empty());
    assert_eq!(store.prune_search_terms().await.unwrap(), 0, "nothing outside the index");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anything_typed_is_text_never_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    add(&store, "Ada Lovelace", None, None).await;
    add(&store, "Near Orwell", None, None).await;
    let huge = "lovelace ".repeat(20_000);
    let parens = "(".repeat(5_000);
    for q in [
        r#""a OR b NEAR( * col:x"#,
        "\"",
        "\"\"\"",
        "*",
        "a*b",
        "name:ada",
        "{name}:ada",
        "NOT ada",
        "ada AND",
        "(ada",
        "ada)",
        "((((ada",
        "^ada",
        "-ada",
        "ada + lovelace",
        "\u{301}",
        "e\u{301}",
        "😀 ada 🧑‍🚀",
        "'; DROP TABLE customers; --",
        "NEAR(ada lovelace, 2)",
        "ada\0lovelace",
        "\0",
        "\u{FFFF}\u{10FFFF}",
        huge.as_str(),
        parens.as_str(),
    ] {
        store
            .customer_page(&CustomerQuery { query: Some(q.into()), ..Default::default() })
            .await
            .unwrap_or_else(|e| panic!("{:?}: {e}", q.chars().take(40).collect::<String>()));
        store.search(q, 5).await.unwrap_or_else(|e| panic!("search: {e}"));
    }
    // Operators and separators are words (or nothing) like any other text.
    assert_eq!(search(&store, "near(").await, ["Near Orwell"]);
    assert_eq!(search(&store, "ada OR orwell").await, Vec::<String>::new());
    assert_eq!(search(&store, "\"lovelace\"").await, ["Ada Lovelace"]);
    assert_eq!(search(&store, "ada\0lovelace").await, ["Ada Lovelace"], "NUL separates words");
    assert_eq!(search(&store, "(ada").await, ["Ada Lovelace"]);
    assert_eq!(search(&store, &huge).await, ["Ada Lovelace"]);
    assert_eq!(search(&store, "😀 ada").await, ["Ada Lovelace"]);
    assert_eq!(search(&store, " * ").await.len(), 2, "nothing searchable: no filter");
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_matches_than_are_ranked_still_page_with_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let n = rapport_core::customers::search::CANDIDATES + 40;
    // Everyone has "team" in their notes; two have it in their name (ranked first).
    for i in 0..n {
        add(&store, &format!("Person {i:04}"), Some("team member"), None).await;
    }
    add(&store, "Team Blue", None, None).await;
    add(&store, "Team Red", None, None).await;
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let q =
            CustomerQuery { query: Some("team".into()), offset, limit: 100, ..Default::default() };
        let page = store.customer_page(&q).await.unwrap();
        assert_eq!(page.total as usize, n + 2);
        if page.items.is_empty() {
            break;
        }
        seen.extend(page.items.into_iter().map(|c| c.display_name));
        offset += 100;
    }
    assert_eq!(seen.len(), n + 2, "every match once");
    assert_eq!(&seen[..2], ["Team Blue", "Team Red"]);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), n + 2, "no customer twice across pages");
    store.close().await;
}

/// A page of the list for `q`.
async fn page(
    store: &Store,
    q: &str,
    offset: u32,
    limit: u32,
) -> rapport_core::customers::CustomerPage {
    let query = CustomerQuery { query: Some(q.into()), offset, limit, ..Default::default() };
    store.customer_page(&query).await.unwrap_or_else(|e| panic!("searching {q:?}: {e}"))
}

/// More matches than the list counts: its total is a lower bound at the next step past
/// the page (exact once a page reaches that far), and the tiers hold when they are small
/// (one name match and one note match, written last, before a thousand timeline matches).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broad_searches_count_up_to_a_bound_and_keep_the_tiers() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let step = rapport_core::customers::COUNT_STEP as usize;
    let n = step + 100;
    // First (lowest rowid; last by name), a match only by a word the typo vocabulary leaves out (digits):
    // not among the whole words tried first, so it must page the same way whatever the cap.
    let early = add(&store, "Zora Early", None, None).await;
    let code = NewInteraction {
        summary: "Samples2024".into(),
        ..entry(early, InteractionKind::Note, at("2026-11-02T09:00:00Z"))
    };
    store.log_interaction(&code).await.unwrap();
    for i in 0..n {
        let id = add(&store, &format!("Person {i:04}"), None, None).await;
        let met = NewInteraction {
            summary: "Quarterly samples".into(),
            ..entry(id, InteractionKind::Meeting, at("2026-11-01T09:00:00Z"))
        };
        store.log_interaction(&met).await.unwrap();
    }
    add(&store, "Zed Notes", Some("Bring the samples"), None).await;
    add(&store, "Samplewood Kim", None, None).await;
    let all = n + 3;

    // While typing: the name prefix, then the note, then the timeline; counted to the step.
    let p = page(&store, "sampl", 0, 50).await;
    let names: Vec<&str> = p.items.iter().map(|c| c.display_name.as_str()).collect();
    assert_eq!(names[..3], ["Samplewood Kim", "Zed Notes", "Person 0000"]);
    assert_eq!(names.len(), 50);
    assert_eq!((p.total, p.total_is_lower_bound), (step as u64, true));
    // The whole word: the note first (samplewood does not start with it).
    let p = page(&store, "samples", 0, 50).await;
    assert_eq!(p.items[0].display_name, "Zed Notes");
    assert_eq!((p.total, p.total_is_lower_bound), (step as u64, true));
    // Other filters take the other path, to the same answer.
    let q = CustomerQuery {
        query: Some("sampl".into()),
        kind: Some(rapport_core::customers::CustomerKind::Person),
        limit: 50,
        ..Default::default()
    };
    let filtered = store.customer_page(&q).await.unwrap();
    assert_eq!(filtered.items[..2], page(&store, "sampl", 0, 50).await.items[..2]);
    assert_eq!((filtered.total, filtered.total_is_lower_bound), (step as u64, true));

    // Paging through: every match once; the total is exact once a page ends past the step.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let p = page(&store, "sampl", offset, 200).await;
        let reaches = offset as usize + 200 >= step;
        assert_eq!(p.total_is_lower_bound, !reaches, "offset {offset}");
        assert_eq!(p.total as usize, if reaches { all } else { step }, "offset {offset}");
        if p.items.is_empty() {
            break;
        }
        seen.extend(p.items.into_iter().map(|c| c.display_name));
        offset += 200;
    }
    assert_eq!(seen.len(), all);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), all, "no customer twice across pages");

    // Counting for its own sake stays exact, and so does the CLI's search.
    let count = CustomerQuery { query: Some("sampl".into()), ..Default::default() };
    assert_eq!(store.count_customers(&count).await.unwrap() as usize, all);
    assert_eq!(store.search("sampl", 5).await.unwrap().1 as usize, all);
    // A narrow search is exact.
    let p = page(&store, "zed", 0, 50).await;
    assert_eq!((p.total, p.total_is_lower_bound), (1, false));
    store.close().await;
}

/// A lowercase word of 4 to 12 letters, a position in it and a replacement letter.
fn word_and_typo() -> impl Strategy<Value = (String, usize, char)> {
    ("[a-z]{4,12}", any::<prop::sample::Index>(), prop::char::range('a', 'z')).prop_map(
        |(w, i, c)| {
            let i = i.index(w.len());
            (w, i, c)
        },
    )
}

#[test]
fn any_name_word_is_found_by_itself_a_prefix_and_one_substitution() {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(new_store(dir.path()));
    let words = std::cell::RefCell::new(Vec::<String>::new());
    let mut runner =
        TestRunner::new(Config { cases: 48, failure_persistence: None, ..Config::default() });
    let result = runner.run(&(word_and_typo(), 1usize..4), |((w, i, c), cut)| {
        rt.block_on(async {
            let id = add(&store, &format!("Xq {w}"), None, None).await;
            words.borrow_mut().extend([w.clone(), "xq".into()]);
            let found = |q: String| {
                let store = &store;
                async move {
                    let page = store
                        .customer_page(&CustomerQuery {
                            query: Some(q.clone()),
                            limit: 10_000,
                            ..Default::default()
                        })
                        .await
                        .map_err(|e| TestCaseError::fail(format!("{q:?}: {e}")))?;
                    Ok::<bool, TestCaseError>(page.items.iter().any(|s| s.id == id))
                }
            };
            prop_assert!(found(w.clone()).await?, "by {w}");
            let prefix: String = w.chars().take(w.len().saturating_sub(cut).max(1)).collect();
            prop_assert!(found(prefix.clone()).await?, "by prefix {prefix}");
            let mut typo: Vec<char> = w.chars().collect();
            if typo[i] != c {
                typo[i] = c;
                let typo: String = typo.into_iter().collect();
                // Corrections apply only to a word that no indexed word starts with.
                if !words.borrow().iter().any(|x| x.starts_with(&typo)) {
                    prop_assert!(found(typo.clone()).await?, "by {typo} (typo of {w})");
                }
            }
            Ok(())
        })
    });
    rt.block_on(store.close());
    result.unwrap();
}

#[test]
fn any_text_as_a_query_never_errors() {
    let rt =
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = rt.block_on(async {
        let store = new_store(dir.path()).await;
        add(&store, "Amélie Dubois", Some("likes \"quotes\" and (parens"), Some("Bluebird")).await;
        add(&store, "Near Orwell", None, None).await;
        store
    });
    let mut runner =
        TestRunner::new(Config { cases: 200, failure_persistence: None, ..Config::default() });
    let text = prop_oneof![
        any::<String>(),
        prop::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[a-zA-Z\"*():^{}+\\- \u{0}éß😀]{0,40}",
    ];
    let result = runner.run(&text, |q| {
        rt.block_on(async {
            let page = store
                .customer_page(&CustomerQuery { query: Some(q.clone()), ..Default::default() })
                .await
                .map_err(|e| TestCaseError::fail(format!("{q:?}: {e}")))?;
            prop_assert!(page.items.len() as u64 <= page.total);
            store.search(&q, 5).await.map_err(|e| TestCaseError::fail(format!("{q:?}: {e}")))?;
            Ok(())
        })
    });
    rt.block_on(store.close());
    result.unwrap();
}

/// The live customers (names, sorted) with every word of `q` as a prefix somewhere, read
/// word by word from `customer_search` (the way several words were matched before the
/// index of one document per customer, migration 17).
async fn word_by_word(store: &Store, q: &str) -> Vec<String> {
    let sets = ["SELECT rowid / 128 FROM customer_search WHERE customer_search MATCH ?"; 2]
        .join(" INTERSECT ");
    let sql = format!(
        "SELECT display_name FROM customers WHERE deleted_at IS NULL AND rowid IN ({sets})
         ORDER BY display_name"
    );
    let mut query = sqlx::query_scalar(&sql);
    let words: Vec<&str> = q.split_whitespace().collect();
    assert_eq!(words.len(), 2, "{q}");
    for w in words {
        query = query.bind(format!("\"{w}\"*"));
    }
    query.fetch_all(store.pool()).await.unwrap()
}

/// What a two-word search finds (sorted), checked against [`word_by_word`], with and
/// without another filter, and counted alike.
async fn found(store: &Store, q: &str) -> Vec<String> {
    let mut names = search(store, q).await;
    names.sort();
    assert_eq!(names, word_by_word(store, q).await, "{q}: as word by word");
    let people = CustomerQuery {
        query: Some(q.into()),
        kind: Some(rapport_core::customers::CustomerKind::Person),
        ..Default::default()
    };
    let page = store.customer_page(&people).await.unwrap();
    let mut filtered: Vec<String> = page.items.into_iter().map(|c| c.display_name).collect();
    filtered.sort();
    assert_eq!(filtered, names, "{q}: with a filter");
    assert_eq!(page.total as usize, names.len(), "{q}: filtered total");
    let count = CustomerQuery { query: Some(q.into()), ..Default::default() };
    assert_eq!(store.count_customers(&count).await.unwrap() as usize, names.len(), "{q}");
    assert_eq!(store.count_customers(&people).await.unwrap() as usize, names.len(), "{q}");
    names
}

async fn exec(store: &Store, sql: &str, id: Uuid) {
    sqlx::query(sql).bind(id.to_string()).execute(store.pool()).await.unwrap();
}

/// Several words may each match in a different place: one in the name and one in an
/// entry, or each in a different entry; the entry's edit, deletion and move (a merge) and
/// the customer's deletion are followed at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_in_different_places_find_the_customer_until_they_are_gone() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let sami = add(&store, "Sami Berg", None, None).await;
    let review = NewInteraction {
        summary: "Quarterly review".into(),
        ..entry(sami, InteractionKind::Meeting, at("2026-11-02T09:00:00Z"))
    };
    let review = store.log_interaction(&review).await.unwrap().id;
    contacted(&store, sami, 3).await;
    let bo = add(&store, "Bo Ek", None, None).await;
    let talk = NewInteraction {
        summary: "Pricing talk".into(),
        body: Some("About the widgets".into()),
        ..entry(bo, InteractionKind::Call, at("2026-11-04T09:00:00Z"))
    };
    store.log_interaction(&talk).await.unwrap();
    let demo = NewInteraction {
        summary: "Gadgets demo".into(),
        ..entry(bo, InteractionKind::Meeting, at("2026-11-05T09:00:00Z"))
    };
    let demo = store.log_interaction(&demo).await.unwrap().id;
    // Only one of the words each.
    add(&store, "Widget Fan", Some("likes gadgets"), None).await;
    let cy = add(&store, "Cy Dahl", None, None).await;
    contacted(&store, cy, 6).await;

    assert_eq!(found(&store, "sami quarterly").await, ["Sami Berg"]);
    assert_eq!(found(&store, "quarterly sam").await, ["Sami Berg"]);
    assert_eq!(found(&store, "widgets gadgets").await, ["Bo Ek"]);
    assert_eq!(found(&store, "widget gadgets").await, ["Bo Ek", "Widget Fan"]);
    assert_eq!(found(&store, "pricing gadgets").await, ["Bo Ek"]);
    assert!(found(&store, "sami gadgets").await.is_empty());
    // A word of several tokens is a phrase: it must not run from the name into the company
    // (one text in the index of whole customers, two columns word by word).
    add(&store, "Lena O", Some("gadgets"), Some("Brien Works")).await;
    assert_eq!(found(&store, "gadgets lena").await, ["Lena O"]);
    assert!(found(&store, "gadgets o'brien").await.is_empty());

    // Edited: the word leaves; edited back, it returns.
    exec(&store, "UPDATE interactions SET summary = 'Demo' WHERE id = ?", demo).await;
    assert!(found(&store, "pricing gadgets").await.is_empty());
    exec(&store, "UPDATE interactions SET summary = 'Gadgets demo' WHERE id = ?", demo).await;
    assert_eq!(found(&store, "pricing gadgets").await, ["Bo Ek"]);
    // Deleted (and restored), then gone for good.
    let soft = "UPDATE interactions SET deleted_at = '2026-11-07T00:00:00Z' WHERE id = ?";
    exec(&store, soft, review).await;
    assert!(found(&store, "sami quarterly").await.is_empty());
    exec(&store, "UPDATE interactions SET deleted_at = NULL WHERE id = ?", review).await;
    assert_eq!(found(&store, "sami quarterly").await, ["Sami Berg"]);
    exec(&store, "DELETE FROM interactions WHERE id = ?", review).await;
    assert!(found(&store, "sami quarterly").await.is_empty());

    // Merged: Bo's entries move to Cy, and so do their words.
    assert!(found(&store, "cy gadgets").await.is_empty());
    store.merge_customers(bo, cy, &rapport_core::hygiene::Pick::new()).await.unwrap();
    assert_eq!(found(&store, "cy gadgets").await, ["Cy Dahl"]);
    assert_eq!(found(&store, "pricing gadgets").await, ["Cy Dahl"]);
    let bo_rowid: i64 = sqlx::query_scalar("SELECT rowid FROM customers WHERE id = ?")
        .bind(bo.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap();
    let holders: Vec<i64> = sqlx::query_scalar(
        "SELECT rowid FROM customer_all_search WHERE customer_all_search MATCH 'gadgets AND pricing'",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert!(!holders.contains(&bo_rowid), "the merged-away customer's document lost them");
    // The customer deleted.
    store.delete_customer(cy).await.unwrap();
    assert!(found(&store, "cy gadgets").await.is_empty());
    assert!(found(&store, "pricing gadgets").await.is_empty());
    assert_eq!(found(&store, "widget gadgets").await, ["Widget Fan"]);
    store.close().await;
}

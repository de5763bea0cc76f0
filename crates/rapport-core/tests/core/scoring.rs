//! Lead scoring: rules as data, explained scores, immediate rescoring.

use chrono::Duration;
use rapport_core::customers::NewCustomer;
use rapport_core::scoring::Condition;
use rapport_core::timeline::InteractionKind;
use rapport_core::{ErrorCode, Store};
use uuid::Uuid;

use crate::support::*;

async fn log(store: &Store, id: Uuid, kind: InteractionKind, days_ago: i64, amount: Option<&str>) {
    let when = at("2026-11-22T10:00:00Z") - Duration::days(days_ago);
    let new = match amount {
        Some(a) => purchase(id, when, a),
        None => entry(id, kind, when),
    };
    store.log_interaction(&new).await.unwrap();
}

fn cond(json: &str) -> Condition {
    serde_json::from_str(json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scores_are_sums_of_matching_rules_with_top_contributors() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let add = |name: &str, email: Option<&str>, tags: &[&str]| NewCustomer {
        name: name.into(),
        emails: email.into_iter().map(String::from).collect(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..Default::default()
    };
    let vera =
        store.add_customer(&add("Vera", Some("vera@example.com"), &["VIP"])).await.unwrap().id;
    let ned = store.add_customer(&add("Ned", None, &[])).await.unwrap().id;
    store.add_customer(&add("Zed", None, &[])).await.unwrap();
    log(&store, vera, InteractionKind::Visit, 10, None).await;
    log(&store, vera, InteractionKind::Visit, 30, None).await;
    log(&store, vera, InteractionKind::Visit, 200, None).await; // outside 90 days
    log(&store, vera, InteractionKind::Purchase, 5, Some("80 EUR")).await;
    log(&store, vera, InteractionKind::Purchase, 6, Some("40 EUR")).await;
    log(&store, vera, InteractionKind::Purchase, 7, Some("500 USD")).await; // other currency
    log(&store, ned, InteractionKind::Call, 100, None).await;

    store.add_scoring_rule("VIP", cond(r#"{"if":"tag","tag":"vip"}"#), 20).await.unwrap();
    store
        .add_scoring_rule(
            "Regular visitor",
            cond(r#"{"if":"interactions","kind":"visit","at_least":2,"within_days":90}"#),
            15,
        )
        .await
        .unwrap();
    store
        .add_scoring_rule(
            "Big spender",
            cond(r#"{"if":"spent","at_least":{"minor":10000,"currency":"EUR"}}"#),
            25,
        )
        .await
        .unwrap();
    let quiet = store
        .add_scoring_rule("Gone quiet", cond(r#"{"if":"not_contacted_for_days","days":60}"#), -10)
        .await
        .unwrap();
    store.add_scoring_rule("Reachable", cond(r#"{"if":"has_email"}"#), 5).await.unwrap();

    let scores = store.lead_scores().await.unwrap();
    let table: Vec<(&str, i32)> =
        scores.iter().map(|s| (s.customer_name.as_str(), s.score)).collect();
    // Vera: 20 + 15 + 25 + 5 (contacted 5 days ago, so not quiet); Ned: last contact 100
    // days ago → −10; Zed: never contacted → −10.
    assert_eq!(table, vec![("Vera", 65), ("Ned", -10), ("Zed", -10)]);
    let top: Vec<(&str, i32)> =
        scores[0].top_contributors.iter().map(|c| (c.rule.as_str(), c.points)).collect();
    assert_eq!(top, vec![("Big spender", 25), ("VIP", 20), ("Regular visitor", 15)]);
    assert_eq!(scores[0].top_contributors[2].because, "2+ visits in 90 days");
    assert_eq!(
        store.lead_score(ned).await.unwrap().top_contributors[0].because,
        "no contact for 60+ days"
    );

    // Changing the rules rescores everyone at once.
    store.delete_scoring_rule(quiet.id).await.unwrap();
    let scores = store.lead_scores().await.unwrap();
    assert_eq!(scores.iter().map(|s| s.score).collect::<Vec<_>>(), vec![65, 0, 0]);
    // Rules are synced records: each change wrote ops.
    let ops: i64 = sqlx::query_scalar("SELECT count(*) FROM ops WHERE entity = 'scoring_rule'")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(ops, 5 * 3 + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rules_are_refused_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let err = store
        .add_scoring_rule("x", cond(r#"{"if":"spent","at_least":{"minor":1,"currency":"XYZ"}}"#), 5)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(store.add_scoring_rule("x", cond(r#"{"if":"has_email"}"#), 5000).await.is_err());
    assert!(store.add_scoring_rule(" ", cond(r#"{"if":"has_email"}"#), 5).await.is_err());
    assert!(serde_json::from_str::<Condition>(r#"{"if":"favourite_colour"}"#).is_err());
    assert!(store.scoring_rules().await.unwrap().is_empty());
}

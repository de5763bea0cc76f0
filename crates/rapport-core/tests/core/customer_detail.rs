//! The customer page in one call: the customer, timeline, open follow-ups, deals, score.

use chrono::Duration;
use rapport_core::customers::NewCustomer;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::timeline::InteractionKind;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn detail_has_everything_about_one_customer_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let add = |name: &str| NewCustomer { name: name.into(), ..Default::default() };
    let ada = store.add_customer(&add("Ada")).await.unwrap().id;
    let other = store.add_customer(&add("Other")).await.unwrap().id;

    // 205 entries, a day apart: the page gets the newest 200, newest first.
    let t0 = at("2026-01-01T09:00:00Z");
    for d in 0..205 {
        store
            .log_interaction(&entry(ada, InteractionKind::Call, t0 + Duration::days(d)))
            .await
            .unwrap();
    }
    store.log_interaction(&entry(other, InteractionKind::Note, t0)).await.unwrap();
    let late = store.add_followup(ada, "Late", at("2026-11-25T09:00:00Z")).await.unwrap();
    let early = store.add_followup(ada, "Early", at("2026-11-23T09:00:00Z")).await.unwrap();
    let snoozed = store.add_followup(ada, "Snoozed", at("2026-11-22T12:00:00Z")).await.unwrap();
    store.snooze_followup(snoozed.id, at("2026-11-24T09:00:00Z")).await.unwrap();
    let finished = store.add_followup(ada, "Done", at("2026-11-20T09:00:00Z")).await.unwrap();
    store.complete_followup(finished.id).await.unwrap();
    store.add_followup(other, "Not Ada's", at("2026-11-21T09:00:00Z")).await.unwrap();
    let deal = |customer_id, title: &str| NewDeal {
        customer_id,
        title: title.into(),
        value: "100 EUR".parse().unwrap(),
        stage: None,
        expected_close: None,
    };
    let first = store.add_deal(&deal(ada, "First")).await.unwrap();
    store.close_deal(first.id, DealStatus::Won, None).await.unwrap();
    let second = store.add_deal(&deal(ada, "Second")).await.unwrap();
    store.add_deal(&deal(other, "Not Ada's")).await.unwrap();

    let detail = store.customer_detail(ada).await.unwrap();
    assert_eq!(detail.customer.display_name, "Ada");
    assert_eq!(detail.timeline.len(), 200);
    assert_eq!(detail.timeline[0].occurred_at, t0 + Duration::days(204));
    assert_eq!(detail.timeline[199].occurred_at, t0 + Duration::days(5));
    assert!(detail.timeline.iter().all(|i| i.customer_id == ada));
    let followups: Vec<_> = detail.followups.iter().map(|f| f.id).collect();
    assert_eq!(
        followups,
        [early.id, snoozed.id, late.id],
        "open ones, earliest effective due first"
    );
    let deals: Vec<_> = detail.deals.iter().map(|d| (d.id, d.status)).collect();
    assert_eq!(deals, [(second.id, DealStatus::Open), (first.id, DealStatus::Won)]);
    assert_eq!(detail.score, None, "no scoring rules, no score");

    let rule = serde_json::from_str(r#"{"if":"open_deal"}"#).unwrap();
    store.add_scoring_rule("Open deal", rule, 30).await.unwrap();
    let score = store.customer_detail(ada).await.unwrap().score.unwrap();
    assert_eq!((score.customer_id, score.score), (ada, 30));
    assert_eq!(score.top_contributors[0].rule, "Open deal");

    let err = store.customer_detail(uuid::Uuid::now_v7()).await.unwrap_err();
    assert_eq!(err.code(), rapport_core::ErrorCode::NotFound);
}

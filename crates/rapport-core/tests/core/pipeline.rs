//! The pipeline board: open deals by stage, totals per stage and currency.

use rapport_core::customers::NewCustomer;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::money::Money;

use crate::support::*;

fn m(s: &str) -> Money {
    s.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn totals_are_per_stage_and_currency_over_open_deals_only() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer { name: "Katherine".into(), ..Default::default() })
        .await
        .unwrap()
        .id;
    let gone = store
        .add_customer(&NewCustomer { name: "Gone".into(), ..Default::default() })
        .await
        .unwrap()
        .id;
    let add = |customer_id, title: &str, value: &str, stage: &str| NewDeal {
        customer_id,
        title: title.into(),
        value: m(value),
        stage: Some(stage.into()),
        expected_close: None,
    };
    for (title, value, stage) in [
        ("a", "100 EUR", "Lead"),
        ("b", "50.50 EUR", "Lead"),
        ("c", "70 USD", "Lead"),
        ("d", "1000 JPY", "Proposal"),
        ("e", "20 EUR", "Proposal"),
    ] {
        store.add_deal(&add(c, title, value, stage)).await.unwrap();
    }
    let won = store.add_deal(&add(c, "won", "999 EUR", "Lead")).await.unwrap();
    store.close_deal(won.id, DealStatus::Won, None).await.unwrap();
    let lost = store.add_deal(&add(c, "lost", "999 EUR", "Proposal")).await.unwrap();
    store.close_deal(lost.id, DealStatus::Lost, Some("price")).await.unwrap();
    store.add_deal(&add(gone, "of a deleted customer", "999 EUR", "Lead")).await.unwrap();
    store.delete_customer(gone).await.unwrap();

    let p = store.pipeline().await.unwrap();
    let stages: Vec<_> = p.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(stages, ["Lead", "Qualified", "Proposal", "Negotiation"]);
    let titles: Vec<_> = p.deals.iter().map(|d| d.title.as_str()).collect();
    assert_eq!(titles, ["a", "b", "c", "d", "e"], "open deals by stage, then age");
    let totals: Vec<_> =
        p.totals.iter().map(|t| (t.stage.as_str(), t.deals, t.value.clone())).collect();
    assert_eq!(
        totals,
        [
            ("Lead", 3, vec![m("150.50 EUR"), m("70 USD")]),
            ("Qualified", 0, vec![]),
            ("Proposal", 2, vec![m("20 EUR"), m("1000 JPY")]),
            ("Negotiation", 0, vec![]),
        ]
    );
}

//! Follow-up rules: created once per occurrence, from personal dates and history.

use chrono::Duration;
use rapport_core::customers::NewCustomer;
use rapport_core::followup_rules::Trigger;
use rapport_core::followups::FollowupScope;
use rapport_core::today::TodayOptions;
use rapport_core::ErrorCode;

use crate::support::*;

fn trig(json: &str) -> Trigger {
    serde_json::from_str(json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_create_each_followup_once_per_occurrence() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let now = at("2026-11-22T10:00:00Z");
    let bday = store
        .add_customer(&NewCustomer {
            name: "Bea".into(),
            birthday: Some("--11-27".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    store
        .add_customer(&NewCustomer {
            name: "Far".into(),
            birthday: Some("--12-25".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let buyer = store
        .add_customer(&NewCustomer { name: "Bo Buyer".into(), ..Default::default() })
        .await
        .unwrap()
        .id;
    let few = store
        .add_customer(&NewCustomer { name: "Few".into(), ..Default::default() })
        .await
        .unwrap()
        .id;
    for (who, days_ago) in [(buyer, 200), (buyer, 150), (buyer, 100), (few, 120)] {
        store
            .log_interaction(&purchase(who, now - Duration::days(days_ago), "20 EUR"))
            .await
            .unwrap();
    }
    store
        .add_followup_rule(
            "Cards",
            trig(r#"{"when":"birthday_in","days":7}"#),
            "Send a birthday card",
        )
        .await
        .unwrap();
    store
        .add_followup_rule(
            "Regulars",
            trig(r#"{"when":"no_purchase_for","days":90,"min_purchases":3}"#),
            "Check in",
        )
        .await
        .unwrap();

    let opts = TodayOptions::utc(now, 7);
    assert_eq!(store.apply_followup_rules(&opts).await.unwrap(), 2);
    let open = store.list_followups(FollowupScope::Open, None).await.unwrap();
    let got: Vec<(&str, &str)> =
        open.iter().map(|f| (f.customer_name.as_str(), f.title.as_str())).collect();
    assert!(
        got.contains(&("Bea", "Send a birthday card")) && got.contains(&("Bo Buyer", "Check in")),
        "{got:?}"
    );
    assert_eq!(open.len(), 2, "Far (33 days away) and Few (1 purchase) must not get one: {got:?}");

    // Running again (every Today does) creates nothing new, even once one is done.
    store.complete_followup(open[0].id).await.unwrap();
    assert_eq!(store.apply_followup_rules(&opts).await.unwrap(), 0);
    // Next year's birthday is a new occurrence; Bo's silence is still the same one (keyed
    // by his last purchase), so it does not fire again.
    let next_year = TodayOptions::utc(at("2027-11-22T10:00:00Z"), 7);
    assert_eq!(store.apply_followup_rules(&next_year).await.unwrap(), 1);
    let bea: Vec<_> = store.list_followups(FollowupScope::All, Some(bday)).await.unwrap();
    assert_eq!(bea.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_triggers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let err = store
        .add_followup_rule("x", trig(r#"{"when":"no_contact_for","days":0}"#), "t")
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(store
        .add_followup_rule("x", trig(r#"{"when":"birthday_in","days":400}"#), "t")
        .await
        .is_err());
    assert!(store
        .add_followup_rule("x", trig(r#"{"when":"birthday_in","days":3}"#), " ")
        .await
        .is_err());
    assert!(serde_json::from_str::<Trigger>(r#"{"when":"full_moon"}"#).is_err());
}

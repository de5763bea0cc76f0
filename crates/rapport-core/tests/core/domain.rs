//! The domain through the API: customers, personal memory, timeline, follow-ups, deals.

use rapport_core::customers::{
    CustomerFilter, CustomerKind, FactKind, LifecycleStage, NewCustomer,
};
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::followups::FollowupScope;
use rapport_core::money::Money;
use rapport_core::timeline::InteractionKind;
use rapport_core::ErrorCode;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_with_company_memory_and_yearless_birthday() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer {
            name: "Amélie Dubois".into(),
            emails: vec!["Amelie@Example.com".into()],
            phones: vec!["+33 6 12 34 56 78".into()],
            company: Some("Bluebird Bakery".into()),
            birthday: Some("--02-29".into()),
            keep_in_touch_days: Some(30),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(c.company_name.as_deref(), Some("Bluebird Bakery"));
    // A second person at the same company (different case) links to the same company.
    let d = store
        .add_customer(&NewCustomer {
            name: "Luc".into(),
            company: Some("bluebird bakery".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(d.company_name.as_deref(), Some("Bluebird Bakery"));
    let companies = store
        .list_customers(&CustomerFilter { query: Some("bluebird".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(companies.iter().filter(|c| c.kind == CustomerKind::Company).count(), 1);

    let full = store
        .edit_customer(
            c.id,
            &[
                ("key_facts".into(), r#"[{"kind":"pet","label":"dog","value":"Rex"}]"#.into()),
                ("important_dates".into(), r#"[{"label":"wedding","date":"2011-06-18"}]"#.into()),
                ("how_we_met".into(), "at the market".into()),
                ("channel".into(), "whatsapp".into()),
                ("quiet_hours".into(), "21:00-08:00".into()),
                ("custom.loyalty_card".into(), "4411".into()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(full.birthday.unwrap().to_string(), "--02-29");
    assert_eq!(full.key_facts[0].kind, FactKind::Pet);
    assert_eq!(full.important_dates[0].date.to_string(), "2011-06-18");
    assert_eq!(full.quiet_hours.as_ref().unwrap().start, "21:00");
    assert_eq!(full.custom_fields["loyalty_card"], "4411");
    assert_eq!(full.given_name.as_deref(), Some("Amélie"));
    assert_eq!(full.family_name.as_deref(), Some("Dubois"));

    // Resolution by email is case-insensitive; by name exact.
    assert_eq!(store.resolve_customer("amelie@example.COM").await.unwrap(), c.id);
    assert_eq!(store.resolve_customer("amélie dubois").await.unwrap(), c.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_says_which_field() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    for (new, field) in [
        (NewCustomer { name: "  ".into(), ..Default::default() }, "name"),
        (
            NewCustomer {
                name: "X".into(),
                emails: vec!["not-an-email".into()],
                ..Default::default()
            },
            "email",
        ),
        (
            NewCustomer { name: "X".into(), phones: vec!["call me".into()], ..Default::default() },
            "phone",
        ),
        (
            NewCustomer {
                name: "X".into(),
                birthday: Some("1985-02-29".into()),
                ..Default::default()
            },
            "birthday",
        ),
        (
            NewCustomer {
                name: "X".into(),
                birthday: Some("--02-30".into()),
                ..Default::default()
            },
            "birthday",
        ),
        (
            NewCustomer { name: "X".into(), keep_in_touch_days: Some(0), ..Default::default() },
            "keep_in_touch_days",
        ),
    ] {
        let err = store.add_customer(&new).await.unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidInput);
        assert!(
            err.to_string().starts_with(field),
            "expected the message to name `{field}`: {err}"
        );
    }
    assert_eq!(store.count_customers(&Default::default()).await.unwrap(), 0);
    let c =
        store.add_customer(&NewCustomer { name: "Y".into(), ..Default::default() }).await.unwrap();
    let err =
        store.edit_customer(c.id, &[("favourite_colour".into(), "blue".into())]).await.unwrap_err();
    assert!(err.to_string().contains("not a customer field"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn last_contacted_is_the_newest_interaction_of_any_kind() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer { name: "Hedy Lamarr".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(c.last_contacted_at, None);
    store
        .log_interaction(&entry(c.id, InteractionKind::Visit, at("2026-10-01T10:00:00Z")))
        .await
        .unwrap();
    // An older entry logged later doesn't move it back.
    store
        .log_interaction(&entry(c.id, InteractionKind::Call, at("2026-09-01T10:00:00Z")))
        .await
        .unwrap();
    let mut p = entry(c.id, InteractionKind::Purchase, at("2026-11-01T10:00:00Z"));
    p.amount = Some("19.90 EUR".parse::<Money>().unwrap());
    store.log_interaction(&p).await.unwrap();
    let mut f = entry(c.id, InteractionKind::Feedback, at("2026-10-15T10:00:00Z"));
    f.score = Some(9);
    store.log_interaction(&f).await.unwrap();
    let summary = store.customer_summary(c.id).await.unwrap();
    assert_eq!(summary.last_contacted_at, Some(at("2026-11-01T10:00:00Z")));

    let tl = store.timeline(c.id, 50).await.unwrap();
    let kinds: Vec<_> = tl.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        vec![
            InteractionKind::Purchase,
            InteractionKind::Feedback,
            InteractionKind::Visit,
            InteractionKind::Call
        ]
    );
    assert_eq!(tl[0].amount.as_ref().unwrap().minor, 1990);
    assert_eq!(tl[1].score, Some(9));

    let mut bad = entry(c.id, InteractionKind::Call, at("2026-11-02T10:00:00Z"));
    bad.score = Some(5);
    assert_eq!(store.log_interaction(&bad).await.unwrap_err().code(), ErrorCode::InvalidInput);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followups_due_done_and_snoozed() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer { name: "Mary Jackson".into(), ..Default::default() })
        .await
        .unwrap();
    let a = store.add_followup(c.id, "Send quote", at("2026-11-25T09:00:00Z")).await.unwrap();
    let b = store.add_followup(c.id, "Call back", at("2026-11-21T09:00:00Z")).await.unwrap();
    let open = store.list_followups(FollowupScope::Open, None).await.unwrap();
    assert_eq!(open.iter().map(|f| f.id).collect::<Vec<_>>(), vec![b.id, a.id]);
    store.snooze_followup(b.id, at("2026-11-30T09:00:00Z")).await.unwrap();
    let open = store.list_followups(FollowupScope::Open, None).await.unwrap();
    assert_eq!(
        open.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![a.id, b.id],
        "snoozed goes after"
    );
    assert!(
        store.snooze_followup(a.id, at("2026-01-01T00:00:00Z")).await.is_err(),
        "snooze into the past"
    );
    store.complete_followup(a.id).await.unwrap();
    assert_eq!(store.list_followups(FollowupScope::Open, None).await.unwrap().len(), 1);
    assert_eq!(store.list_followups(FollowupScope::All, None).await.unwrap().len(), 2);
    let prefix = &a.id.to_string()[..30];
    assert_eq!(store.resolve_followup(prefix).await.unwrap(), a.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deals_move_through_stages_and_close() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&NewCustomer {
            name: "Dorothy Vaughan".into(),
            lifecycle_stage: Some(LifecycleStage::Prospect),
            ..Default::default()
        })
        .await
        .unwrap();
    let d = store
        .add_deal(&NewDeal {
            customer_id: c.id,
            title: "Catering contract".into(),
            value: "12000 EUR".parse().unwrap(),
            stage: None,
            expected_close: None,
        })
        .await
        .unwrap();
    assert_eq!(d.stage, "Lead");
    assert_eq!(d.value.minor, 1_200_000);
    let d = store.move_deal(d.id, "proposal").await.unwrap();
    assert_eq!(d.stage, "Proposal");
    let err = store.move_deal(d.id, "Nowhere").await.unwrap_err();
    assert!(err.to_string().contains("Lead, Qualified, Proposal, Negotiation"), "{err}");
    let d = store.close_deal(d.id, DealStatus::Lost, Some("price")).await.unwrap();
    assert_eq!((d.status, d.lost_reason.as_deref()), (DealStatus::Lost, Some("price")));
    let history: i64 =
        sqlx::query_scalar("SELECT count(*) FROM deal_stage_changes WHERE deal_id = ?")
            .bind(d.id.to_string())
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(history, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_hides_and_export_has_everything_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    store.demo(30, 7).await.unwrap();
    let n = store.count_customers(&Default::default()).await.unwrap();
    assert!(n >= 30);
    let export = serde_json::to_value(store.export(None).await.unwrap()).unwrap();
    assert_eq!(export["customers"].as_array().unwrap().len() as u64, n);
    let person = export["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["company_name"].is_string() && c["kind"] == "person")
        .unwrap();
    for key in [
        "kind",
        "given_name",
        "family_name",
        "emails",
        "phones",
        "birthday",
        "notes",
        "tags",
        "company_name",
    ] {
        assert!(person.get(key).is_some(), "export lacks `{key}`");
    }
    assert!(export["interactions"].as_array().unwrap().len() > 10);

    let victim = store.list_customers(&Default::default()).await.unwrap()[0].id;
    store.delete_customer(victim).await.unwrap();
    assert_eq!(store.count_customers(&Default::default()).await.unwrap(), n - 1);
    assert_eq!(store.get_customer(victim).await.unwrap_err().code(), ErrorCode::NotFound);
    // Demo data only goes into an empty store.
    assert_eq!(store.demo(5, 1).await.unwrap_err().code(), ErrorCode::AlreadyExists);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipeline_stages_are_configurable() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let names = |s: Vec<rapport_core::deals::PipelineStage>| -> Vec<(String, u8)> {
        s.into_iter().map(|s| (s.name, s.probability)).collect()
    };
    store.add_stage("Demo booked", 35, Some(3)).await.unwrap();
    store.edit_stage("qualified", Some("Discovery"), Some(20), None).await.unwrap();
    store.edit_stage("Negotiation", None, None, Some(1)).await.unwrap();
    assert_eq!(
        names(store.pipeline_stages().await.unwrap()),
        vec![
            ("Negotiation".into(), 75),
            ("Lead".into(), 10),
            ("Discovery".into(), 20),
            ("Demo booked".into(), 35),
            ("Proposal".into(), 50)
        ]
    );
    let positions: Vec<i64> =
        store.pipeline_stages().await.unwrap().iter().map(|s| s.position).collect();
    assert_eq!(positions, vec![1, 2, 3, 4, 5]);
    assert_eq!(
        store.add_stage("lead", 5, None).await.unwrap_err().code(),
        ErrorCode::AlreadyExists
    );
    assert_eq!(
        store.add_stage("Won-ish", 101, None).await.unwrap_err().code(),
        ErrorCode::InvalidInput
    );
    assert!(store.edit_stage("Nowhere", Some("X"), None, None).await.is_err());
}

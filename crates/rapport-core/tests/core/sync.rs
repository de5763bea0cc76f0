//! Taking in other devices' ops (`Store::apply_remote_ops`): a second device rebuilds what
//! the first wrote, and concurrent edits converge the same way on both.

use std::sync::Arc;

use rapport_core::customers::NewCustomer;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::followup_rules::Trigger;
use rapport_core::followups::FollowupScope;
use rapport_core::hygiene::Pick;
use rapport_core::scoring::Condition;
use rapport_core::timeline::InteractionKind;
use rapport_core::today::TodayOptions;
use rapport_core::{Clock, ManualClock, Protection, Store};
use serde_json::Value;
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::support::*;

/// A customer as every device must show it: times kept by each device left out.
async fn shown(store: &Store, id: Uuid) -> Value {
    let mut c = serde_json::to_value(store.get_customer(id).await.unwrap()).unwrap();
    for local in ["created_at", "updated_at", "last_contacted_at"] {
        c.as_object_mut().unwrap().remove(local);
    }
    c
}

async fn listed(store: &Store) -> Vec<(Uuid, String)> {
    let list = store.list_customers(&Default::default()).await.unwrap();
    let mut list: Vec<_> = list.into_iter().map(|c| (c.id, c.display_name)).collect();
    list.sort();
    list
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_device_rebuilds_every_customer_from_the_first_devices_ops() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    assert_ne!(a.device_id(), b.device_id());
    let ada = a
        .add_customer(&NewCustomer {
            name: "Ada Lovelace".into(),
            emails: vec!["ada@example.com".into()],
            phones: vec!["+44 20 7946 0018".into()],
            company: Some("Analytical Engines".into()),
            tags: vec!["vip".into(), "math".into()],
            birthday: Some("--12-10".into()),
            keep_in_touch_days: Some(30),
            notes: Some("Prefers letters".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let edits = [
        ("title", "Countess"),
        ("stage", "customer"),
        ("quiet_hours", "21:00-08:00"),
        ("addresses", r#"[{"label":"home","street":"St James's Square","city":"London"}]"#),
        ("custom.favourite", "tea"),
        ("tags", "vip, poet"),
        ("emails", "ada@example.com, countess@example.org"),
    ];
    for (field, value) in edits {
        a.edit_customer(ada, &[(field.into(), value.into())]).await.unwrap();
    }
    let bob = NewCustomer { name: "Bob".into(), ..Default::default() };
    let bob = a.add_customer(&bob).await.unwrap().id;
    a.delete_customer(bob).await.unwrap();
    let file = b"Name,Email,Tags\nCy Young,cy@example.com,pitcher\nDee Dee,dee@example.com,\n";
    import_bytes(&a, "two.csv", file).await.unwrap();

    let ops = a.unpushed_ops(u32::MAX).await.unwrap();
    let report = b.apply_remote_ops(&ops, None).await.unwrap();
    assert_eq!(report.new, ops.len() as u64);
    assert_eq!(report.kept_for_later, 0);
    assert_eq!(listed(&b).await, listed(&a).await);
    assert_eq!(listed(&b).await.len(), 4, "Ada, her company, Cy and Dee; Bob was deleted");
    for (id, _) in listed(&a).await {
        assert_eq!(shown(&b, id).await, shown(&a, id).await);
    }
    assert!(b.get_customer(bob).await.is_err(), "deleted on the first device");
    // What B received is searchable there, by the words of every field.
    for q in ["countess@", "lovelace", "poet", "pitcher", "analytical"] {
        assert!(!b.search(q, 5).await.unwrap().0.is_empty(), "{q}");
    }

    // A page pulled again changes nothing; B's own ops coming back are not taken twice.
    let again = b.apply_remote_ops(&ops, None).await.unwrap();
    assert_eq!((again.new, again.known), (0, ops.len() as u64));
    b.edit_customer(ada, &[("title".into(), "Analyst".into())]).await.unwrap();
    let mine = b.unpushed_ops(u32::MAX).await.unwrap();
    assert_eq!(b.apply_remote_ops(&mine, None).await.unwrap().new, 0);
    assert_eq!(b.get_customer(ada).await.unwrap().title.as_deref(), Some("Analyst"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_edits_converge_and_a_tag_added_meanwhile_survives_a_removal() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let clock_a = Arc::new(ManualClock::new(at("2026-11-22T10:00:00Z")));
    let protection = Protection::Passphrase(Zeroizing::new(PASS.into()));
    let a = Store::init(da.path(), protection, clock_a.clone()).await.unwrap();
    let b = new_store(db.path()).await;
    let ada = NewCustomer {
        name: "Ada".into(),
        tags: vec!["vip".into(), "math".into()],
        ..Default::default()
    };
    let ada = a.add_customer(&ada).await.unwrap().id;
    let first = a.unpushed_ops(u32::MAX).await.unwrap();
    b.apply_remote_ops(&first, None).await.unwrap();

    // Offline, at once: B takes "vip" off and puts it back (a new add A never saw), and
    // retitles; five minutes later by the clocks, A clears the tags and retitles.
    async fn edit(s: &Store, id: Uuid, field: &str, value: &str) {
        s.edit_customer(id, &[(field.into(), value.into())]).await.unwrap();
    }
    edit(&b, ada, "tags", "math").await;
    edit(&b, ada, "tags", "math, vip").await;
    edit(&b, ada, "title", "From B").await;
    clock_a.set(at("2026-11-22T10:05:00Z"));
    edit(&a, ada, "tags", "").await;
    edit(&a, ada, "title", "From A").await;

    let from_a = a.unpushed_ops(u32::MAX).await.unwrap();
    let from_b = b.unpushed_ops(u32::MAX).await.unwrap();
    a.apply_remote_ops(&from_b, None).await.unwrap();
    b.apply_remote_ops(&from_a, None).await.unwrap();

    let (on_a, on_b) = (shown(&a, ada).await, shown(&b, ada).await);
    assert_eq!(on_a, on_b);
    // "math": both removes saw its only add. "vip": B's second add was unseen by A, so A's
    // later removal leaves it (add-wins). The title is a register: the later clock wins.
    assert_eq!(on_a["tags"], serde_json::json!(["vip"]));
    assert_eq!(on_a["title"], "From A");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_cursor_and_outbox_are_kept_with_the_data() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let status = b.sync_status().await.unwrap();
    assert_eq!((status.server_url, status.signed_in, status.outbox), (None, false, 0));
    assert!(b.sync_account().await.unwrap().is_none());

    let team = Uuid::now_v7();
    b.sign_in_sync("http://127.0.0.1:8787", "rep@example.com", team, "t0k3n").await.unwrap();
    let account = b.sync_account().await.unwrap().unwrap();
    assert_eq!((account.team_id, account.token.as_str(), account.cursor), (team, "t0k3n", 0));
    assert!(!format!("{account:?}").contains("t0k3n"), "the token never reaches a log");

    // A page and its cursor land together; the cursor never goes back.
    a.add_customer(&NewCustomer { name: "Ada".into(), ..Default::default() }).await.unwrap();
    let page = a.unpushed_ops(u32::MAX).await.unwrap();
    b.apply_remote_ops(&page, Some(7)).await.unwrap();
    b.apply_remote_ops(&page, Some(3)).await.unwrap();
    assert_eq!(b.sync_account().await.unwrap().unwrap().cursor, 7);

    // B's own changes wait in the outbox until the server acknowledges them.
    for name in ["Bo", "Cy"] {
        b.add_customer(&NewCustomer { name: name.into(), ..Default::default() }).await.unwrap();
    }
    assert_eq!(b.sync_status().await.unwrap().outbox, 2);
    let first = b.unpushed_ops(1).await.unwrap()[0].seq;
    b.mark_pushed(first).await.unwrap();
    assert_eq!(b.sync_status().await.unwrap().outbox, 1);

    // Another team is refused; signing out (or being revoked) keeps data and outbox.
    let other = b.sign_in_sync("http://127.0.0.1:8787", "rep@example.com", Uuid::now_v7(), "x");
    let err = other.await.unwrap_err().to_string();
    assert!(err.contains("another team"), "{err}");
    b.sign_out_sync(Some("this device was signed out by an administrator")).await.unwrap();
    let status = b.sync_status().await.unwrap();
    assert!(!status.signed_in && status.outbox == 1 && status.cursor == 7);
    assert!(status.last_error.unwrap().contains("administrator"));
    assert!(b.sync_account().await.unwrap().is_none());
    assert_eq!(listed(&b).await.len(), 3);
}

/// Everything a device shows of the records other than customers, as JSON, through the
/// public read APIs. Times each device keeps for itself are left out (a customer's
/// `updated_at`); a record's `created_at` is its first op's clock, the same everywhere.
async fn everything_shown(store: &Store, customers: &[Uuid]) -> Value {
    let mut shown = serde_json::Map::new();
    let mut put = |k: &str, v: Value| shown.insert(k.into(), v);
    for id in customers {
        let timeline = store.timeline(*id, 100).await.unwrap();
        put(&format!("timeline {id}"), serde_json::to_value(timeline).unwrap());
        let c = store.get_customer(*id).await.ok();
        let last = c.map(|c| c.last_contacted_at);
        put(&format!("last contacted {id}"), serde_json::to_value(last).unwrap());
        let deals = store.customer_deals(*id).await.unwrap();
        put(&format!("deals {id}"), serde_json::to_value(deals).unwrap());
    }
    let followups = store.list_followups(FollowupScope::All, None).await.unwrap();
    put("followups", serde_json::to_value(followups).unwrap());
    put("deals", serde_json::to_value(store.list_deals().await.unwrap()).unwrap());
    put("pipeline", serde_json::to_value(store.pipeline().await.unwrap()).unwrap());
    put("stages", serde_json::to_value(store.pipeline_stages().await.unwrap()).unwrap());
    put("scoring rules", serde_json::to_value(store.scoring_rules().await.unwrap()).unwrap());
    put("lead scores", serde_json::to_value(store.lead_scores().await.unwrap()).unwrap());
    put("follow-up rules", serde_json::to_value(store.followup_rules().await.unwrap()).unwrap());
    let insights = store.insights(at("2026-10-01T00:00:00Z"), at("2026-12-01T00:00:00Z"));
    put("insights", serde_json::to_value(insights.await.unwrap()).unwrap());
    Value::Object(shown)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_device_shows_the_same_timeline_followups_deals_stages_and_rules() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    // A works through November; B opens at the end of it (the fixture's clock).
    let clock = Arc::new(ManualClock::new(at("2026-11-02T09:00:00Z")));
    let protection = Protection::Passphrase(Zeroizing::new(PASS.into()));
    let a = Store::init(da.path(), protection, clock.clone()).await.unwrap();
    let b = new_store(db.path()).await;
    let tick = |day: u32| clock.set(at(&format!("2026-11-{day:02}T09:00:00Z")));
    let person = |name: &str, birthday: Option<&str>| NewCustomer {
        name: name.into(),
        birthday: birthday.map(Into::into),
        ..Default::default()
    };
    let ada = a.add_customer(&person("Ada", Some("--11-25"))).await.unwrap().id;
    let bob = a.add_customer(&person("Bob", None)).await.unwrap().id;
    let dup = a.add_customer(&person("Ada L.", None)).await.unwrap().id;
    let gone = a.add_customer(&person("Gone", None)).await.unwrap().id;

    tick(3);
    a.log_interaction(&entry(ada, InteractionKind::Call, at("2026-11-03T08:00:00Z")))
        .await
        .unwrap();
    a.log_interaction(&purchase(ada, at("2026-11-03T08:30:00Z"), "12.50 EUR")).await.unwrap();
    let complaint = a
        .log_interaction(&entry(ada, InteractionKind::Complaint, at("2026-11-03T08:45:00Z")))
        .await
        .unwrap()
        .id;
    let mut feedback = entry(bob, InteractionKind::Feedback, at("2026-11-03T07:00:00Z"));
    feedback.score = Some(9);
    feedback.body = Some("Loved the beans".into());
    a.log_interaction(&feedback).await.unwrap();
    a.log_interaction(&entry(dup, InteractionKind::Note, at("2026-11-04T10:00:00Z")))
        .await
        .unwrap();
    a.log_interaction(&entry(gone, InteractionKind::Visit, at("2026-11-03T06:00:00Z")))
        .await
        .unwrap();

    tick(5);
    a.resolve_complaint(complaint).await.unwrap();
    let done = a.add_followup(ada, "Send the invoice", at("2026-11-06T09:00:00Z")).await.unwrap();
    a.complete_followup(done.id).await.unwrap();
    let later = a.add_followup(bob, "Call back", at("2026-11-06T09:00:00Z")).await.unwrap();
    a.snooze_followup(later.id, at("2026-11-30T09:00:00Z")).await.unwrap();
    a.add_followup(dup, "Ask about the order", at("2026-11-07T09:00:00Z")).await.unwrap();

    // The pipeline: a new stage, a renamed one, a new default probability.
    a.add_stage("Demo", 40, Some(3)).await.unwrap();
    a.edit_stage("Qualified", Some("Interested"), None, None).await.unwrap();
    a.edit_stage("Lead", None, Some(15), None).await.unwrap();
    let deal = |customer: Uuid, title: &str, value: &str| NewDeal {
        customer_id: customer,
        title: title.into(),
        value: value.parse().unwrap(),
        stage: None,
        expected_close: None,
    };
    let won = a.add_deal(&deal(ada, "Beans", "1000 EUR")).await.unwrap().id;
    let lost = a.add_deal(&deal(bob, "Cups", "500 EUR")).await.unwrap().id;
    let reopened = a.add_deal(&deal(ada, "Mugs", "80 EUR")).await.unwrap().id;
    let changed_mind = a.add_deal(&deal(bob, "Filters", "30 EUR")).await.unwrap().id;
    a.add_deal(&deal(dup, "Grinder", "250 EUR")).await.unwrap();
    tick(9);
    a.move_deal(won, "Demo").await.unwrap();
    a.move_deal(won, "Proposal").await.unwrap();
    a.move_deal(lost, "Interested").await.unwrap();
    tick(12);
    a.close_deal(won, DealStatus::Won, None).await.unwrap();
    a.close_deal(lost, DealStatus::Lost, Some("Too expensive")).await.unwrap();
    a.close_deal(reopened, DealStatus::Won, None).await.unwrap();
    a.close_deal(changed_mind, DealStatus::Lost, Some("Went elsewhere")).await.unwrap();
    tick(13);
    a.move_deal(reopened, "Negotiation").await.unwrap();
    a.close_deal(changed_mind, DealStatus::Won, None).await.unwrap();

    // Rules, one deleted; a customer deleted; the duplicate merged into Ada.
    a.add_scoring_rule(
        "Buyers",
        cond(r#"{"if":"interactions","kind":"purchase","at_least":1}"#),
        10,
    )
    .await
    .unwrap();
    let dropped = a.add_scoring_rule("Phones", cond(r#"{"if":"has_phone"}"#), 5).await.unwrap();
    a.delete_scoring_rule(dropped.id).await.unwrap();
    let birthday = r#"{"when":"birthday_in","days":7}"#;
    a.add_followup_rule("Cards", trigger(birthday), "Send a card").await.unwrap();
    let quiet = r#"{"when":"no_contact_for","days":30}"#;
    let unused = a.add_followup_rule("Quiet", trigger(quiet), "Say hello").await.unwrap();
    a.delete_followup_rule(unused.id).await.unwrap();
    a.delete_customer(gone).await.unwrap();
    tick(20);
    a.merge_customers(dup, ada, &Pick::new()).await.unwrap();
    let made = a.apply_followup_rules(&TodayOptions::utc(clock.now(), 14)).await.unwrap();
    assert_eq!(made, 1, "Ada's birthday card");

    let ops = a.unpushed_ops(u32::MAX).await.unwrap();
    let report = b.apply_remote_ops(&ops, None).await.unwrap();
    assert_eq!(report.kept_for_later, 0);
    let customers = [ada, bob, dup, gone];
    let (on_a, on_b) =
        (everything_shown(&a, &customers).await, everything_shown(&b, &customers).await);
    for (what, shown) in on_a.as_object().unwrap() {
        assert_eq!(&on_b[what], shown, "{what}");
    }

    // Spot checks that the comparison saw real data.
    let timeline = b.timeline(ada, 100).await.unwrap();
    assert_eq!(timeline.len(), 4, "Ada's three entries and the duplicate's note");
    let bought = timeline.iter().find(|i| i.kind == InteractionKind::Purchase).unwrap();
    assert_eq!(bought.amount.as_ref().unwrap().minor, 1250);
    assert!(timeline.iter().any(|i| i.resolved_at == Some(at("2026-11-05T09:00:00Z"))));
    let last = b.get_customer(ada).await.unwrap().last_contacted_at;
    assert_eq!(last, Some(at("2026-11-04T10:00:00Z")), "the merged note is the latest");
    let deals = b.list_deals().await.unwrap();
    let by_title = |t: &str| deals.iter().find(|d| d.title == t).unwrap().clone();
    assert_eq!(
        (by_title("Beans").status, by_title("Beans").stage.as_str()),
        (DealStatus::Won, "Proposal")
    );
    assert_eq!(by_title("Cups").lost_reason.as_deref(), Some("Too expensive"));
    assert_eq!((by_title("Mugs").status, by_title("Mugs").closed_at), (DealStatus::Open, None));
    assert_eq!(
        (by_title("Filters").status, by_title("Filters").lost_reason),
        (DealStatus::Won, None)
    );
    assert_eq!(by_title("Grinder").customer_id, ada);
    let stages: Vec<String> =
        b.pipeline_stages().await.unwrap().into_iter().map(|s| s.name).collect();
    assert_eq!(stages, ["Lead", "Interested", "Demo", "Proposal", "Negotiation"]);
    let followups = b.list_followups(FollowupScope::All, None).await.unwrap();
    assert_eq!(followups.len(), 4, "three written, one from the birthday rule");
    assert!(followups.iter().all(|f| f.customer_id != dup));
    assert_eq!(b.scoring_rules().await.unwrap().len(), 1);
    assert_eq!(b.followup_rules().await.unwrap().len(), 1);
    assert!(b.timeline(gone, 10).await.unwrap().len() == 1 && b.get_customer(gone).await.is_err());
    let insights =
        b.insights(at("2026-10-01T00:00:00Z"), at("2026-12-01T00:00:00Z")).await.unwrap();
    assert_eq!((insights.deals_won, insights.deals_lost, insights.nps_responses), (2, 1, 1));
    assert!(insights.average_sales_cycle_days.is_some_and(|d| d > 0.0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_devices_running_the_same_rule_make_one_followup() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let bea =
        NewCustomer { name: "Bea".into(), birthday: Some("--11-27".into()), ..Default::default() };
    let bea = a.add_customer(&bea).await.unwrap().id;
    a.add_followup_rule("Cards", trigger(r#"{"when":"birthday_in","days":7}"#), "Send a card")
        .await
        .unwrap();
    b.apply_remote_ops(&a.unpushed_ops(u32::MAX).await.unwrap(), None).await.unwrap();

    // Each, offline, runs the rules (a few hours apart: the due times differ).
    let now = at("2026-11-22T10:00:00Z");
    assert_eq!(a.apply_followup_rules(&TodayOptions::utc(now, 14)).await.unwrap(), 1);
    let later = TodayOptions::utc(now + chrono::Duration::hours(3), 14);
    assert_eq!(b.apply_followup_rules(&later).await.unwrap(), 1);
    let (on_a, on_b) = (
        a.list_followups(FollowupScope::All, None).await.unwrap(),
        b.list_followups(FollowupScope::All, None).await.unwrap(),
    );
    assert_eq!(on_a[0].id, on_b[0].id, "the same record on both, from the rule's key");

    let (from_a, from_b) =
        (a.unpushed_ops(u32::MAX).await.unwrap(), b.unpushed_ops(u32::MAX).await.unwrap());
    a.apply_remote_ops(&from_b, None).await.unwrap();
    b.apply_remote_ops(&from_a, None).await.unwrap();
    let on_a = a.list_followups(FollowupScope::All, None).await.unwrap();
    assert_eq!(on_a.len(), 1);
    assert_eq!(on_a, b.list_followups(FollowupScope::All, None).await.unwrap());
    assert_eq!(on_a[0].customer_id, bea);

    // Two follow-ups with one key (made before ids came from keys, as another device's
    // would arrive): no error, and the smaller id is the one both keep showing.
    let mut legacy = from_b.clone();
    legacy.retain(|op| op.entity_id == on_a[0].id);
    for op in &mut legacy {
        op.entity_id = Uuid::from_u128(1);
        op.device = Uuid::from_u128(2);
    }
    a.apply_remote_ops(&legacy, None).await.unwrap();
    b.apply_remote_ops(&legacy, None).await.unwrap();
    for s in [&a, &b] {
        let shown = s.list_followups(FollowupScope::All, None).await.unwrap();
        assert_eq!(shown.iter().map(|f| f.id).collect::<Vec<_>>(), [Uuid::from_u128(1)]);
    }
    // Running the rules again makes nothing new.
    assert_eq!(a.apply_followup_rules(&TodayOptions::utc(now, 14)).await.unwrap(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stages_added_with_one_name_on_two_devices_show_the_same_names_on_both() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let on_a = a.add_stage("Demo", 30, None).await.unwrap().id;
    let on_b = b.add_stage("demo", 60, Some(2)).await.unwrap().id;
    b.edit_stage("Lead", Some("Inbound"), None, None).await.unwrap();

    let (from_a, from_b) =
        (a.unpushed_ops(u32::MAX).await.unwrap(), b.unpushed_ops(u32::MAX).await.unwrap());
    a.apply_remote_ops(&from_b, None).await.unwrap();
    b.apply_remote_ops(&from_a, None).await.unwrap();
    let stages = a.pipeline_stages().await.unwrap();
    assert_eq!(stages, b.pipeline_stages().await.unwrap());
    let name = |id: Uuid| stages.iter().find(|s| s.id == id).unwrap().name.clone();
    let (first, second) = if on_a < on_b { (on_a, on_b) } else { (on_b, on_a) };
    assert_eq!(name(first).to_lowercase(), "demo", "the smaller id keeps the name");
    assert_eq!(name(second).to_lowercase(), "demo (2)");
    assert_eq!(stages.iter().filter(|s| s.name == "Inbound").count(), 1);

    // Renaming the numbered one frees the name: both show the new names.
    b.edit_stage(&name(second), Some("Trial"), None, None).await.unwrap();
    a.apply_remote_ops(&b.unpushed_ops(u32::MAX).await.unwrap(), None).await.unwrap();
    let names: Vec<String> =
        a.pipeline_stages().await.unwrap().into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"Trial".to_string()), "{names:?}");
    assert_eq!(a.pipeline_stages().await.unwrap().len(), 6);
    // A deal can move to a stage that came from the other device.
    let bo =
        a.add_customer(&NewCustomer { name: "Bo".into(), ..Default::default() }).await.unwrap();
    let d = NewDeal {
        customer_id: bo.id,
        title: "Cups".into(),
        value: "5 EUR".parse().unwrap(),
        stage: Some("Trial".into()),
        expected_close: None,
    };
    a.add_deal(&d).await.unwrap();
    b.apply_remote_ops(&a.unpushed_ops(u32::MAX).await.unwrap(), None).await.unwrap();
    assert_eq!(b.list_deals().await.unwrap()[0].stage, "Trial");
}

fn cond(json: &str) -> Condition {
    serde_json::from_str(json).unwrap()
}

fn trigger(json: &str) -> Trigger {
    serde_json::from_str(json).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_changes_are_announced_and_taking_in_other_devices_ops_is_not() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let mut changes = b.local_changes();
    assert!(!changes.has_changed().unwrap());

    let ada = NewCustomer { name: "Ada".into(), ..Default::default() };
    a.add_customer(&ada).await.unwrap();
    b.apply_remote_ops(&a.unpushed_ops(100).await.unwrap(), Some(1)).await.unwrap();
    b.sync_status().await.unwrap();
    assert!(!changes.has_changed().unwrap(), "nothing of B's own to push");

    let bo = NewCustomer { name: "Bo".into(), ..Default::default() };
    b.add_customer(&bo).await.unwrap();
    assert!(changes.has_changed().unwrap(), "B's outbox grew");
    changes.borrow_and_update();
    assert!(!changes.has_changed().unwrap());
}

fn card(name: &str, email: &str, photo: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(photo);
    format!(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\n\
         PHOTO;ENCODING=b;TYPE=PNG:{b64}\r\nEND:VCARD\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_and_its_changes_reach_the_other_device() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (new_store(da.path()).await, new_store(db.path()).await);
    let bo = NewCustomer {
        name: "Bo".into(),
        emails: vec!["bo@example.com".into()],
        ..Default::default()
    };
    let bo = a.add_customer(&bo).await.unwrap().id;
    let opts = rapport_core::import::ImportOptions::default();
    let never = std::sync::atomic::AtomicBool::new(false);
    let first = b"\x89PNG\r\n\x1a\nfirst photo bytes".to_vec();
    let second = b"\x89PNG\r\n\x1a\nthe second photo".to_vec();

    // A photo added to a customer B already has, then replaced, then the replacing import
    // undone, then the first undone (Bo had none): B follows each step.
    let mut steps = Vec::new();
    for photo in [&first, &second] {
        let vcf = card("Bo", "bo@example.com", photo);
        a.import_file("bo.vcf", vcf.as_bytes(), &opts, &|_, _| {}, &never).await.unwrap();
        steps.push(Some(photo.clone()));
    }
    for _ in 0..2 {
        a.undo_import(None).await.unwrap();
    }
    steps.extend([Some(first.clone()), None]);
    // B takes A's ops in one step at a time, up to each of the four photo ops.
    let ops = a.unpushed_ops(1000).await.unwrap();
    let photo_ops: Vec<_> = ops.iter().filter(|o| o.action.field() == "photo").collect();
    assert_eq!(photo_ops.len(), 4, "one photo op per step");
    let mut upto = 0;
    for (i, want) in steps.iter().enumerate() {
        let until = photo_ops[i].seq;
        let page: Vec<_> = ops.iter().filter(|o| o.seq > upto && o.seq <= until).cloned().collect();
        b.apply_remote_ops(&page, None).await.unwrap();
        upto = until;
        let got = b.customer_photo(bo).await.unwrap().map(|p| p.data);
        assert_eq!(got.as_ref(), want.as_ref(), "after step {i}");
        let mime = b.customer_photo(bo).await.unwrap().map(|p| p.mime);
        assert!(want.is_none() || mime.as_deref() == Some("image/png"), "{mime:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_taken_in_at_once_shows_what_op_by_op_shows() {
    let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    let a = new_store(dirs[0].path()).await;
    let (bulk, single) = (new_store(dirs[1].path()).await, new_store(dirs[2].path()).await);
    let mut ids = Vec::new();
    for i in 0..40 {
        let c = NewCustomer {
            name: format!("Person {i}"),
            emails: (0..i % 3).map(|e| format!("p{i}.{e}@example.com")).collect(),
            phones: if i % 4 == 0 { vec![format!("+44 20 7946 {:04}", i)] } else { vec![] },
            company: (i % 5 == 0).then(|| format!("Company {}", i % 2)),
            tags: (0..i % 3).map(|t| format!("tag{t}")).collect(),
            birthday: (i % 6 == 0).then(|| "1990-04-01".into()),
            keep_in_touch_days: (i % 7 == 0).then_some(30),
            notes: (i % 2 == 0).then(|| format!("Notes {i}")),
            ..Default::default()
        };
        ids.push(a.add_customer(&c).await.unwrap().id);
    }
    // Later edits, a deletion, a merge and a photo: some records go the per-record way.
    a.edit_customer(ids[1], &[("title".into(), "Countess".into())]).await.unwrap();
    a.edit_customer(ids[2], &[("tags".into(), "tag9".into())]).await.unwrap();
    a.edit_customer(ids[3], &[("addresses".into(), r#"[{"city":"Leeds"}]"#.into())]).await.unwrap();
    a.delete_customer(ids[4]).await.unwrap();
    a.merge_customers(ids[5], ids[6], &Pick::new()).await.unwrap();
    let vcf = card("Person 7", "p7.0@example.com", b"\x89PNG\r\n\x1a\nseven");
    let opts = rapport_core::import::ImportOptions::default();
    let never = std::sync::atomic::AtomicBool::new(false);
    a.import_file("p7.vcf", vcf.as_bytes(), &opts, &|_, _| {}, &never).await.unwrap();

    let ops = a.unpushed_ops(10_000).await.unwrap();
    let report = bulk.apply_remote_ops(&ops, None).await.unwrap();
    assert_eq!(report.new, ops.len() as u64);
    for op in &ops {
        single.apply_remote_ops(std::slice::from_ref(op), None).await.unwrap();
    }
    // Once more, whole: nothing new, nothing changes.
    assert_eq!(bulk.apply_remote_ops(&ops, None).await.unwrap().known, ops.len() as u64);

    assert_eq!(listed(&bulk).await, listed(&single).await);
    assert_eq!(listed(&bulk).await, listed(&a).await);
    for id in &ids {
        let shown_bulk = bulk.get_customer(*id).await.map(|_| ());
        if shown_bulk.is_err() {
            assert!(single.get_customer(*id).await.is_err(), "{id}");
            continue;
        }
        assert_eq!(shown(&bulk, *id).await, shown(&single, *id).await, "{id}");
        assert_eq!(shown(&bulk, *id).await, shown(&a, *id).await, "{id}");
        assert_eq!(bulk.customer_photo(*id).await.unwrap(), a.customer_photo(*id).await.unwrap());
    }
    // Search finds what the bulk path wrote, as it finds what the import wrote.
    for q in ["p14.1@example", "tag1", "Notes 12"] {
        let names = found(&bulk, q).await;
        assert!(!names.is_empty(), "{q}");
        assert_eq!(names, found(&a, q).await, "{q}");
    }
}

/// The names a search finds, sorted.
async fn found(store: &Store, q: &str) -> Vec<String> {
    let query =
        rapport_core::customers::CustomerQuery { query: Some(q.into()), ..Default::default() };
    let page = store.customer_page(&query).await.unwrap();
    let mut names: Vec<String> = page.items.into_iter().map(|c| c.display_name).collect();
    names.sort();
    names
}

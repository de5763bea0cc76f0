//! Today: cadence nudges, follow-ups and personal dates, with an injected clock.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use rapport_core::customers::NewCustomer;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::today::{TodayItem, TodayOptions, TodayReason};
use rapport_core::Store;
use uuid::Uuid;

use crate::support::*;

const KINDS: [InteractionKind; 8] = [
    InteractionKind::Note,
    InteractionKind::Call,
    InteractionKind::Email,
    InteractionKind::Meeting,
    InteractionKind::Visit,
    InteractionKind::Purchase,
    InteractionKind::Complaint,
    InteractionKind::Feedback,
];

fn t0() -> chrono::DateTime<chrono::Utc> {
    at("2026-11-22T10:00:00Z")
}

async fn person(store: &Store, name: &str, every: Option<u32>, tags: &[&str]) -> Uuid {
    store
        .add_customer(&NewCustomer {
            name: name.into(),
            keep_in_touch_days: every,
            tags: tags.iter().map(|t| t.to_string()).collect(),
            ..Default::default()
        })
        .await
        .unwrap()
        .id
}

async fn log(store: &Store, id: Uuid, kind: InteractionKind, when: chrono::DateTime<chrono::Utc>) {
    let new = match kind {
        InteractionKind::Purchase => purchase(id, when, "10 EUR"),
        InteractionKind::Feedback => NewInteraction { score: Some(8), ..entry(id, kind, when) },
        _ => entry(id, kind, when),
    };
    store.log_interaction(&new).await.unwrap();
}

fn for_customer(items: &[TodayItem], id: Uuid) -> Vec<&TodayItem> {
    items.iter().filter(|i| i.customer_id == id).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_interaction_kind_resets_the_cadence() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let later = TodayOptions::utc(t0() + Duration::days(30), 7);
    for kind in KINDS {
        let id = person(&store, &format!("{kind:?} Person"), Some(14), &[]).await;
        // 30 days without contact, ideal 14 / max 21: overdue.
        let before = store.today(&later).await.unwrap();
        let mine = for_customer(&before, id);
        assert_eq!(mine.len(), 1, "{kind:?}: {mine:?}");
        assert_eq!(mine[0].reason, TodayReason::Overdue);
        assert!(mine[0].explanation.contains("every 2 weeks"), "{}", mine[0].explanation);
        log(&store, id, kind, t0() + Duration::days(29)).await;
        let after = store.today(&later).await.unwrap();
        assert!(for_customer(&after, id).is_empty(), "{kind:?} did not reset the cadence");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn due_soon_then_overdue_and_tag_cadence_with_own_winning() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    store.set_tag_cadence("vip", Some((21, Some(28)))).await.unwrap();
    let tagged = person(&store, "Tagged Tess", None, &["VIP"]).await;
    let own = person(&store, "Own Otto", Some(60), &["vip"]).await;
    let untagged = person(&store, "Plain Pat", None, &[]).await;
    let on = |days| TodayOptions::utc(t0() + Duration::days(days), 7);

    let items = store.today(&on(20)).await.unwrap();
    assert!(for_customer(&items, tagged).is_empty(), "not yet due at 20 days");
    // Due on the day the ideal interval is reached, overdue on the day the maximum is.
    let items = store.today(&on(21)).await.unwrap();
    assert_eq!(for_customer(&items, tagged)[0].reason, TodayReason::DueSoon);
    let items = store.today(&on(22)).await.unwrap();
    let tess = for_customer(&items, tagged);
    assert_eq!(tess[0].reason, TodayReason::DueSoon);
    assert!(tess[0].explanation.contains("every 3 weeks for “VIP”"), "{}", tess[0].explanation);
    assert!(for_customer(&items, own).is_empty(), "own cadence (60 days) must win over the tag");
    let items = store.today(&on(28)).await.unwrap();
    assert_eq!(for_customer(&items, tagged)[0].reason, TodayReason::Overdue);
    assert!(for_customer(&items, untagged).is_empty());
    // Overdue comes before due soon in the list.
    let items = store.today(&on(61)).await.unwrap();
    let reasons: Vec<_> = items.iter().map(|i| i.reason).collect();
    let mut sorted = reasons.clone();
    sorted.sort();
    assert_eq!(reasons, sorted);
    // Removing the tag's cadence removes the nudge.
    store.set_tag_cadence("vip", None).await.unwrap();
    assert!(for_customer(&store.today(&on(28)).await.unwrap(), tagged).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn birthdays_with_and_without_year_and_on_29_february() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let add = |name: &str, b: &str| NewCustomer {
        name: name.into(),
        birthday: Some(b.into()),
        ..Default::default()
    };
    let leap = store.add_customer(&add("Leap Lena", "1984-02-29")).await.unwrap().id;
    let yearless = store.add_customer(&add("Yearless Yan", "--02-29")).await.unwrap().id;
    let xmas = store.add_customer(&add("Noel", "--12-25")).await.unwrap().id;
    let day = |d: &str| {
        let date = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
        TodayOptions::utc(date.and_hms_opt(12, 0, 0).unwrap().and_utc(), 7)
    };
    // 2027 is not a leap year: 29 February is celebrated on the 28th.
    let items = store.today(&day("2027-02-25")).await.unwrap();
    let lena = for_customer(&items, leap);
    assert_eq!(lena.len(), 1);
    assert_eq!(lena[0].date, NaiveDate::from_ymd_opt(2027, 2, 28));
    assert!(
        lena[0].explanation.starts_with("in 3 days") && lena[0].explanation.ends_with("turns 43"),
        "{}",
        lena[0].explanation
    );
    let yan = for_customer(&items, yearless);
    assert_eq!(yan[0].date, NaiveDate::from_ymd_opt(2027, 2, 28));
    assert!(!yan[0].explanation.contains("turns"), "no age without a year");
    // 2028 is a leap year.
    let items = store.today(&day("2028-02-27")).await.unwrap();
    assert_eq!(for_customer(&items, leap)[0].date, NaiveDate::from_ymd_opt(2028, 2, 29));
    assert!(for_customer(&items, leap)[0].explanation.contains("turns 44"));
    // Across the year end, and the horizon.
    let items = store.today(&day("2026-12-24")).await.unwrap();
    assert_eq!(for_customer(&items, xmas)[0].explanation, "tomorrow");
    assert!(
        for_customer(&store.today(&day("2026-12-17")).await.unwrap(), xmas).is_empty(),
        "8 days ahead is beyond 7"
    );
    assert_eq!(
        for_customer(&store.today(&day("2026-12-25")).await.unwrap(), xmas)[0].explanation,
        "today"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followups_due_today_and_overdue_are_listed_snoozed_ones_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let id = person(&store, "Fiona Follow", None, &[]).await;
    let today = store.add_followup(id, "Send quote", at("2026-11-22T16:00:00Z")).await.unwrap();
    let late = store.add_followup(id, "Call back", at("2026-11-19T09:00:00Z")).await.unwrap();
    let tomorrow = store.add_followup(id, "Tomorrow's", at("2026-11-23T09:00:00Z")).await.unwrap();
    let snoozed = store.add_followup(id, "Snoozed", at("2026-11-21T09:00:00Z")).await.unwrap();
    store.snooze_followup(snoozed.id, at("2026-11-25T09:00:00Z")).await.unwrap();
    let items = store.today(&TodayOptions::utc(t0(), 7)).await.unwrap();
    let ids: Vec<_> = items.iter().filter_map(|i| i.followup_id).collect();
    assert_eq!(ids, vec![late.id, today.id], "overdue first, then due today");
    assert!(items[0].explanation.contains("overdue by 3 days"), "{}", items[0].explanation);
    assert!(!ids.contains(&tomorrow.id) && !ids.contains(&snoozed.id));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snoozed_nudge_stays_away_until_then_or_until_the_next_contact() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let id = person(&store, "Sam Snooze", Some(14), &[]).await;
    let other = person(&store, "Otto Other", Some(14), &[]).await;
    let on = |days| TodayOptions::utc(t0() + Duration::days(days), 7);
    assert_eq!(for_customer(&store.today(&on(30)).await.unwrap(), id).len(), 1);

    let err = store.snooze_nudge(id, t0() - Duration::hours(1)).await.unwrap_err();
    assert!(err.to_string().starts_with("until:"), "{err}");
    let err = store.snooze_nudge(Uuid::now_v7(), t0() + Duration::days(1)).await.unwrap_err();
    assert_eq!(err.code(), rapport_core::ErrorCode::NotFound);

    store.snooze_nudge(id, t0() + Duration::days(40)).await.unwrap();
    assert!(for_customer(&store.today(&on(30)).await.unwrap(), id).is_empty());
    assert_eq!(for_customer(&store.today(&on(30)).await.unwrap(), other).len(), 1);
    assert_eq!(for_customer(&store.today(&on(41)).await.unwrap(), id).len(), 1, "snooze over");
    let ops: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM ops WHERE entity_id = ? AND field = 'nudge_snoozed_until'",
    )
    .bind(id.to_string())
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(ops, 1, "the snooze is an op like any field");

    // Any new entry ends the snooze, even one that leaves the customer due.
    store.snooze_nudge(id, t0() + Duration::days(400)).await.unwrap();
    log(&store, id, InteractionKind::Note, t0() - Duration::days(100)).await;
    assert_eq!(for_customer(&store.today(&on(30)).await.unwrap(), id).len(), 1);
    let snoozed: Option<String> =
        sqlx::query_scalar("SELECT nudge_snoozed_until FROM customers WHERE id = ?")
            .bind(id.to_string())
            .fetch_one(store.pool())
            .await
            .unwrap();
    assert_eq!(snoozed, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_list_gives_the_top_items_and_the_total() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    for n in 0..7 {
        person(&store, &format!("Due {n}"), Some(10 + n), &[]).await;
    }
    let opts = TodayOptions::utc(t0() + Duration::days(30), 7);
    let all = store.today(&opts).await.unwrap();
    assert_eq!(all.len(), 7);
    let top = store.today_list(&opts, 3).await.unwrap();
    assert_eq!(top.total, 7);
    assert_eq!(top.items, all[..3].to_vec(), "the same ranking, cut after the limit");
    let more = store.today_list(&opts, 100).await.unwrap();
    assert_eq!((more.items.len(), more.total), (7, 7));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    // For random histories: a customer's "last contacted" is their newest interaction,
    // and exactly the customers whose cadence is due are nudged.
    #[test]
    fn last_contacted_is_newest_and_every_due_customer_is_nudged(
        customers in proptest::collection::vec(
            (proptest::option::of(1u32..40), proptest::collection::vec((0usize..8, 0i64..90), 0..5)),
            1..6),
        check_after_days in 0i64..60,
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store = new_store(dir.path()).await;
            let now = t0() + Duration::days(check_after_days);
            let mut expect = Vec::new();
            for (n, (every, history)) in customers.iter().enumerate() {
                let id = person(&store, &format!("Customer {n}"), *every, &[]).await;
                let mut newest = None;
                for (k, days_ago) in history {
                    let when = t0() - Duration::days(*days_ago);
                    log(&store, id, KINDS[*k], when).await;
                    newest = newest.max(Some(when));
                }
                let summary = store.customer_summary(id).await.unwrap();
                prop_assert_eq!(summary.last_contacted_at, newest);
                if let Some(ideal) = every {
                    let since = newest.unwrap_or(t0());
                    expect.push((id, (now - since).num_days() >= i64::from(*ideal)));
                }
            }
            let items = store.today(&TodayOptions::utc(now, 7)).await.unwrap();
            for (id, due) in expect {
                let nudged = items.iter().any(|i| i.customer_id == id
                    && matches!(i.reason, TodayReason::Overdue | TodayReason::DueSoon));
                prop_assert_eq!(nudged, due, "customer {} due={} nudged={}", id, due, nudged);
            }
            store.close().await;
            Ok(())
        })?;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_users_own_day_counts_across_a_dst_change() {
    use chrono_tz::Europe::Paris;
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let id = store
        .add_customer(&NewCustomer {
            name: "Dora DST".into(),
            birthday: Some("--03-29".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    // 29 March 2026: Paris springs forward at 02:00, so the day is 23 hours long and ends
    // at 22:00 UTC.
    let late = store.add_followup(id, "Late call", at("2026-03-29T21:30:00Z")).await.unwrap(); // 23:30 CEST
    let next = store.add_followup(id, "Next day", at("2026-03-29T22:30:00Z")).await.unwrap(); // 00:30 on the 30th
                                                                                              // 00:30 in Paris on the 29th is still the 28th in UTC: the birthday is today there.
    let opts = TodayOptions::in_zone(at("2026-03-28T23:30:00Z"), &Paris, 7);
    assert_eq!(opts.today, NaiveDate::from_ymd_opt(2026, 3, 29).unwrap());
    assert_eq!(opts.day_end, at("2026-03-29T22:00:00Z"), "a 23-hour day");
    let items = store.today(&opts).await.unwrap();
    let birthday = items.iter().find(|i| i.reason == TodayReason::PersonalDate).unwrap();
    assert_eq!(birthday.explanation, "today");
    let due: Vec<_> = items.iter().filter_map(|i| i.followup_id).collect();
    assert_eq!(due, vec![late.id], "23:30 local is today, 00:30 local is tomorrow");
    assert!(!due.contains(&next.id));
    // In October the day is 25 hours long.
    let autumn = TodayOptions::in_zone(at("2026-10-25T10:00:00Z"), &Paris, 7);
    assert_eq!(autumn.day_end, at("2026-10-25T23:00:00Z"));
}

//! OS notifications: what falls due between checks, held back (not lost) by quiet hours
//! and do-not-disturb, and never shown twice, across restarts too.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use chrono_tz::Europe::Paris;
use rapport_core::customers::NewCustomer;
use rapport_core::notify::{Notification, NotificationKind, LOOKBACK};
use rapport_core::prefs::QuietWindow;
use rapport_core::{ManualClock, Protection, Store};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::support::*;

async fn store_at(dir: &std::path::Path, now: DateTime<Utc>) -> (Store, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(now));
    let protection = Protection::Passphrase(Zeroizing::new(PASS.into()));
    (Store::init(dir, protection, clock.clone()).await.unwrap(), clock)
}

async fn customer(store: &Store, name: &str) -> Uuid {
    store.add_customer(&NewCustomer { name: name.into(), ..Default::default() }).await.unwrap().id
}

/// One regular check, as the app makes it: look back `LOOKBACK`, show, record.
async fn check(store: &Store, now: DateTime<Utc>, dnd: Option<QuietWindow>) -> Vec<Notification> {
    let due = store.due_notifications(now - LOOKBACK, now, dnd, &Paris).await.unwrap();
    let keys: Vec<String> = due.iter().map(|n| n.key.clone()).collect();
    store.mark_notified(&keys).await.unwrap();
    due
}

fn titles(items: &[Notification]) -> Vec<&str> {
    let mut t: Vec<&str> = items.iter().map(|n| n.body.as_str()).collect();
    t.sort();
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follow_up_is_due_exactly_once_when_its_time_falls_in_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let (store, clock) = store_at(dir.path(), at("2026-11-22T08:00:00Z")).await;
    let ada = customer(&store, "Ada").await;
    store.add_followup(ada, "Send the quote", at("2026-11-22T10:30:00Z")).await.unwrap();
    store.add_followup(ada, "Call back", at("2026-11-23T10:30:00Z")).await.unwrap();

    let window = |a: &str, b: &str| store.due_notifications(at(a), at(b), None, &Paris);
    assert!(window("2026-11-22T10:00:00Z", "2026-11-22T10:29:59Z").await.unwrap().is_empty());
    let due = window("2026-11-22T10:29:00Z", "2026-11-22T10:30:00Z").await.unwrap();
    assert_eq!(titles(&due), ["Send the quote"]);
    assert_eq!(due[0].kind, NotificationKind::Followup);
    assert_eq!(due[0].title, "Follow up with Ada");
    // The window is (since, now]: due exactly at `since` belongs to the previous check.
    assert!(window("2026-11-22T10:30:00Z", "2026-11-22T11:00:00Z").await.unwrap().is_empty());

    assert_eq!(titles(&check(&store, at("2026-11-22T10:31:00Z"), None).await), ["Send the quote"]);
    assert!(check(&store, at("2026-11-22T10:32:00Z"), None).await.is_empty(), "shown twice");

    // Snoozed to later, it is a new occurrence, due at the new time.
    let quote = store.list_followups(Default::default(), None).await.unwrap()[0].id;
    clock.set(at("2026-11-22T10:35:00Z"));
    store.snooze_followup(quote, at("2026-11-22T12:00:00Z")).await.unwrap();
    assert!(check(&store, at("2026-11-22T11:59:00Z"), None).await.is_empty());
    assert_eq!(titles(&check(&store, at("2026-11-22T12:01:00Z"), None).await), ["Send the quote"]);
    // Done follow-ups say nothing.
    store.complete_followup(quote).await.unwrap();
    assert!(check(&store, at("2026-11-23T10:20:00Z"), None).await.is_empty());
    assert_eq!(titles(&check(&store, at("2026-11-23T10:31:00Z"), None).await), ["Call back"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customers_quiet_hours_hold_it_back_until_they_end() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store_at(dir.path(), at("2026-11-22T08:00:00Z")).await;
    let night_owl = customer(&store, "Night Owl").await;
    let early = customer(&store, "Early Bird").await;
    // Paris is UTC+1 in November: quiet 21:00–08:00 local is 20:00–07:00 UTC.
    store.edit_customer(night_owl, &[("quiet_hours".into(), "21:00-08:00".into())]).await.unwrap();
    store
        .add_followup(night_owl, "Owl: confirm delivery", at("2026-11-22T21:30:00Z"))
        .await
        .unwrap();
    store.add_followup(early, "Bird: confirm delivery", at("2026-11-22T21:30:00Z")).await.unwrap();

    assert_eq!(
        titles(&check(&store, at("2026-11-22T21:31:00Z"), None).await),
        ["Bird: confirm delivery"]
    );
    assert!(check(&store, at("2026-11-23T03:00:00Z"), None).await.is_empty(), "still quiet");
    assert!(check(&store, at("2026-11-23T06:59:00Z"), None).await.is_empty(), "07:59 local: quiet");
    assert_eq!(
        titles(&check(&store, at("2026-11-23T07:00:00Z"), None).await),
        ["Owl: confirm delivery"]
    );
    assert!(check(&store, at("2026-11-23T07:01:00Z"), None).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn do_not_disturb_across_midnight_defers_everything_then_delivers() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store_at(dir.path(), at("2026-11-22T08:00:00Z")).await;
    let ada = customer(&store, "Ada").await;
    let dnd = QuietWindow::parse("22:00", "07:30");
    // 20:50 UTC = 21:50 Paris (before DND); 22:30 UTC = 23:30 Paris (inside).
    store.add_followup(ada, "Before bed", at("2026-11-22T20:50:00Z")).await.unwrap();
    store.add_followup(ada, "Late one", at("2026-11-22T22:30:00Z")).await.unwrap();
    store.add_followup(ada, "Small hours", at("2026-11-23T01:00:00Z")).await.unwrap();

    assert_eq!(titles(&check(&store, at("2026-11-22T20:55:00Z"), dnd).await), ["Before bed"]);
    for quiet in [
        "2026-11-22T21:00:00Z",
        "2026-11-22T22:31:00Z",
        "2026-11-22T23:00:00Z",
        "2026-11-23T01:01:00Z",
        "2026-11-23T06:29:00Z",
    ] {
        assert!(check(&store, at(quiet), dnd).await.is_empty(), "delivered during DND at {quiet}");
    }
    // 06:30 UTC = 07:30 Paris: the window is over, both come at once.
    assert_eq!(
        titles(&check(&store, at("2026-11-23T06:30:00Z"), dnd).await),
        ["Late one", "Small hours"]
    );
    assert!(check(&store, at("2026-11-23T06:31:00Z"), dnd).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nudges_and_personal_dates_come_once_even_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let start = at("2026-11-01T09:00:00Z");
    let (store, _) = store_at(dir.path(), start).await;
    let kim = store
        .add_customer(&NewCustomer {
            name: "Kim".into(),
            keep_in_touch_days: Some(10),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    store
        .add_customer(&NewCustomer {
            name: "Bea".into(),
            birthday: Some("1990-11-16".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    // No contact since creation: overdue after the default maximum, 15 days: 16 Nov 09:00.
    assert!(check(&store, at("2026-11-16T08:59:00Z"), None)
        .await
        .iter()
        .all(|n| n.kind != NotificationKind::Nudge));
    let due = store
        .due_notifications(at("2026-11-16T08:00:00Z"), at("2026-11-16T09:01:00Z"), None, &Paris)
        .await
        .unwrap();
    let nudge: Vec<_> = due.iter().filter(|n| n.kind == NotificationKind::Nudge).collect();
    assert_eq!(nudge.len(), 1, "{due:?}");
    assert_eq!((nudge[0].customer_id, nudge[0].title.as_str()), (kim, "Get in touch with Kim"));
    // The birthday (16 November in Paris) was already shown by the 08:59 check.
    let keys: Vec<String> = due.iter().map(|n| n.key.clone()).collect();
    assert!(due.iter().all(|n| n.kind == NotificationKind::Nudge), "{due:?}");
    store.mark_notified(&keys).await.unwrap();
    store.close().await;

    let clock = Arc::new(ManualClock::new(start));
    let store = Store::open(dir.path(), &pass(PASS), clock).await.unwrap();
    assert!(
        check(&store, at("2026-11-16T09:30:00Z"), None).await.is_empty(),
        "repeated after a restart"
    );
    // Next year's birthday is a new occurrence.
    let next = check(&store, at("2027-11-16T10:00:00Z"), None).await;
    let bday: Vec<_> = next.iter().filter(|n| n.kind == NotificationKind::PersonalDate).collect();
    assert_eq!(bday.len(), 1, "{next:?}");
    assert_eq!(
        (bday[0].title.as_str(), bday[0].body.as_str()),
        ("Bea", "Birthday today: turns 37")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_snoozed_nudge_stays_silent_until_the_snooze_ends() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = store_at(dir.path(), at("2026-11-01T09:00:00Z")).await;
    let kim = store
        .add_customer(&NewCustomer {
            name: "Kim".into(),
            keep_in_touch_days: Some(10),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    // Overdue from 16 Nov 09:00 (15 days), but put off until the 20th.
    store.snooze_nudge(kim, at("2026-11-20T00:00:00Z")).await.unwrap();
    let nudges =
        |due: Vec<Notification>| due.iter().filter(|n| n.kind == NotificationKind::Nudge).count();
    assert_eq!(nudges(check(&store, at("2026-11-16T10:00:00Z"), None).await), 0);
    // Once the snooze is over, the nudge comes (it became overdue within the look-back).
    let due = store
        .due_notifications(at("2026-11-16T08:00:00Z"), at("2026-11-20T00:00:01Z"), None, &Paris)
        .await
        .unwrap();
    assert_eq!(nudges(due), 1);
    store.close().await;
}

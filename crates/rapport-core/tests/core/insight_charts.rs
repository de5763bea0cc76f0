//! The Insights charts against a hand-made history. Expected numbers are worked out from the
//! definitions in `rapport_core::insights::charts` (UTC calendar months; NPS rounded, halves
//! away from zero; cohorts by first-purchase month), not taken from the code.

use std::sync::Arc;

use rapport_core::customers::NewCustomer;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::insights::{Cohort, NpsMonth, StageTotal};
use rapport_core::money::Money;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::{FixedClock, Protection, Store};
use uuid::Uuid;

use crate::support::*;

/// "Now" for these tests: the current month is 2026-06.
const NOW: &str = "2026-06-10T12:00:00Z";

async fn store_at(dir: &std::path::Path, now: &str) -> Store {
    Store::init(dir, Protection::Passphrase(PASS.to_string().into()), Arc::new(FixedClock(at(now))))
        .await
        .unwrap()
}

async fn customer(store: &Store, name: &str) -> Uuid {
    store.add_customer(&NewCustomer { name: name.into(), ..Default::default() }).await.unwrap().id
}

async fn feedback(store: &Store, id: Uuid, when: &str, score: u8) {
    let new =
        NewInteraction { score: Some(score), ..entry(id, InteractionKind::Feedback, at(when)) };
    store.log_interaction(&new).await.unwrap();
}

async fn buy(store: &Store, id: Uuid, when: &str) {
    store.log_interaction(&purchase(id, at(when), "10 EUR")).await.unwrap();
}

async fn deal(store: &Store, id: Uuid, value: &str, stage: &str) -> Uuid {
    let d = NewDeal {
        customer_id: id,
        title: "deal".into(),
        value: value.parse().unwrap(),
        stage: Some(stage.into()),
        expected_close: Some(chrono::NaiveDate::from_ymd_opt(2026, 8, 15).unwrap()),
    };
    store.add_deal(&d).await.unwrap().id
}

fn money(minor: i64, currency: &str) -> Money {
    Money { minor, currency: currency.into() }
}

fn month(
    month: &str,
    responses: u32,
    promoters: u32,
    detractors: u32,
    nps: Option<i32>,
) -> NpsMonth {
    NpsMonth { month: month.into(), responses, promoters, detractors, nps }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nps_by_month_covers_twelve_utc_months_with_gaps_for_silent_ones() {
    let dir = tempfile::tempdir().unwrap();
    let s = store_at(dir.path(), NOW).await;
    let (a, gone) = (customer(&s, "A").await, customer(&s, "Gone").await);
    // Window: 2025-07 … 2026-06.
    feedback(&s, a, "2025-06-30T23:59:59Z", 0).await; // the month before the window
    feedback(&s, a, "2025-07-01T00:00:00Z", 10).await; // the window's first instant
                                                       // April: 2 promoters (9, 10), 3 passives, 3 detractors (0, 3, 6) of 8 → −12.5 → −13.
    for score in [0, 3, 6, 7, 8, 8, 9] {
        feedback(&s, a, "2026-04-12T09:00:00Z", score).await;
    }
    feedback(&s, a, "2026-04-30T23:59:59Z", 10).await;
    // May: 10, 9, 8 → 2 of 3 → 66.67 → 67.
    feedback(&s, a, "2026-05-01T00:00:00Z", 10).await;
    feedback(&s, a, "2026-05-20T00:00:00Z", 9).await;
    feedback(&s, a, "2026-05-31T23:59:59Z", 8).await;
    // June (the current month, later days too); July is not shown yet.
    feedback(&s, a, "2026-06-25T08:00:00Z", 5).await;
    feedback(&s, a, "2026-07-01T00:00:00Z", 0).await;
    // A deleted customer's feedback doesn't count; neither does an entry without a score.
    feedback(&s, gone, "2026-06-01T10:00:00Z", 10).await;
    s.delete_customer(gone).await.unwrap();
    s.log_interaction(&entry(a, InteractionKind::Feedback, at("2026-03-03T10:00:00Z")))
        .await
        .unwrap();

    let charts = s.insight_charts().await.unwrap();
    let mut expected: Vec<NpsMonth> = [
        "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02",
        "2026-03", "2026-04", "2026-05", "2026-06",
    ]
    .iter()
    .map(|m| month(m, 0, 0, 0, None))
    .collect();
    expected[0] = month("2025-07", 1, 1, 0, Some(100));
    expected[9] = month("2026-04", 8, 2, 3, Some(-13));
    expected[10] = month("2026-05", 3, 2, 0, Some(67));
    expected[11] = month("2026-06", 1, 0, 1, Some(-100));
    assert_eq!(charts.nps_by_month, expected);

    // The period insights use the same NPS definition (rounded, not truncated).
    let may = s.insights(at("2026-05-01T00:00:00Z"), at("2026-06-01T00:00:00Z")).await.unwrap();
    assert_eq!((may.nps, may.nps_responses), (Some(67), 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cohorts_follow_first_time_buyers_for_six_months() {
    let dir = tempfile::tempdir().unwrap();
    let s = store_at(dir.path(), NOW).await;
    let mut ids = Vec::new();
    for name in ["A", "B", "C", "D", "E", "F", "G", "Gone", "Old", "Caller"] {
        ids.push(customer(&s, name).await);
    }
    let [a, b, c, d, e, f, g, gone, old, caller] = ids[..] else { unreachable!() };
    // Cohort 2026-03: A, B, C, D. April buyers {A, B} → 0.5; May {A, C} → 0.5; June {D} →
    // 0.25. Three months have begun since March, so three shares.
    for x in [a, b, c, d] {
        buy(&s, x, "2026-03-15T12:00:00Z").await;
    }
    buy(&s, a, "2026-04-02T12:00:00Z").await;
    buy(&s, a, "2026-05-02T12:00:00Z").await;
    buy(&s, b, "2026-04-03T12:00:00Z").await;
    buy(&s, b, "2026-04-28T12:00:00Z").await; // twice in April, still one buyer
    buy(&s, c, "2026-05-30T12:00:00Z").await;
    buy(&s, d, "2026-06-09T12:00:00Z").await;
    buy(&s, a, "2026-07-01T00:00:00Z").await; // next month: not counted yet
                                              // Month boundary: E's first purchase is the last second of February (cohort 2026-02);
                                              // the next second is March, its first month after.
    buy(&s, e, "2026-02-28T23:59:59Z").await;
    buy(&s, e, "2026-03-01T00:00:00Z").await;
    // F first buys in the current month: a cohort with nothing to show yet.
    buy(&s, f, "2026-06-01T00:00:00Z").await;
    // G's only purchase is in July: no cohort. A deleted customer's purchases don't count.
    buy(&s, g, "2026-07-02T00:00:00Z").await;
    buy(&s, gone, "2026-03-10T00:00:00Z").await;
    s.delete_customer(gone).await.unwrap();
    // Old: cohort 2025-01, buys again six months later (counted) and seven (beyond reach).
    buy(&s, old, "2025-01-20T00:00:00Z").await;
    buy(&s, old, "2025-07-20T00:00:00Z").await;
    buy(&s, old, "2025-08-20T00:00:00Z").await;
    // Only purchases make a cohort.
    s.log_interaction(&entry(caller, InteractionKind::Call, at("2026-03-05T10:00:00Z")))
        .await
        .unwrap();
    // Twelve more one-customer cohorts in 2024, so only the latest 12 cohorts are kept.
    for m in 1..=12 {
        let x = customer(&s, &format!("2024-{m}")).await;
        buy(&s, x, &format!("2024-{m:02}-10T10:00:00Z")).await;
    }

    let charts = s.insight_charts().await.unwrap();
    let cohort = |month: &str, customers: u32, retained: &[f64]| Cohort {
        month: month.into(),
        customers,
        retained: retained.to_vec(),
    };
    let mut expected: Vec<Cohort> =
        (5..=12).map(|m| cohort(&format!("2024-{m:02}"), 1, &[0.0; 6])).collect();
    expected.extend([
        cohort("2025-01", 1, &[0.0, 0.0, 0.0, 0.0, 0.0, 1.0]),
        cohort("2026-02", 1, &[1.0, 0.0, 0.0, 0.0]),
        cohort("2026-03", 4, &[0.5, 0.5, 0.25]),
        cohort("2026-06", 1, &[]),
    ]);
    assert_eq!(charts.cohorts, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipeline_by_stage_lists_every_stage_and_keeps_currencies_apart() {
    let dir = tempfile::tempdir().unwrap();
    let s = store_at(dir.path(), NOW).await;
    let (a, gone) = (customer(&s, "A").await, customer(&s, "Gone").await);
    s.add_stage("Contract", 90, None).await.unwrap();
    deal(&s, a, "100 EUR", "Lead").await;
    deal(&s, a, "50.50 EUR", "Lead").await;
    deal(&s, a, "20 USD", "Lead").await;
    deal(&s, a, "1000 JPY", "Proposal").await;
    let moved = deal(&s, a, "7 EUR", "Lead").await;
    s.move_deal(moved, "Proposal").await.unwrap();
    let won = deal(&s, a, "999 EUR", "Lead").await;
    s.close_deal(won, DealStatus::Won, None).await.unwrap();
    let lost = deal(&s, a, "999 EUR", "Qualified").await;
    s.close_deal(lost, DealStatus::Lost, Some("price")).await.unwrap();
    deal(&s, gone, "999 EUR", "Negotiation").await;
    s.delete_customer(gone).await.unwrap();

    let charts = s.insight_charts().await.unwrap();
    let stage =
        |name: &str, deals: u32, value: Vec<Money>| StageTotal { stage: name.into(), deals, value };
    assert_eq!(
        charts.pipeline_by_stage,
        vec![
            stage("Lead", 3, vec![money(15_050, "EUR"), money(2_000, "USD")]),
            stage("Qualified", 0, vec![]),
            stage("Proposal", 2, vec![money(700, "EUR"), money(1_000, "JPY")]),
            stage("Negotiation", 0, vec![]),
            stage("Contract", 0, vec![]),
        ]
    );
    // The forecast is the insights' own, not a second computation.
    assert_eq!(charts.forecast, s.insights_last(30).await.unwrap().forecast);
    assert!(!charts.forecast.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_store_has_empty_series_and_the_window_crosses_new_year() {
    let dir = tempfile::tempdir().unwrap();
    // Midnight on 1 January is already January.
    let s = store_at(dir.path(), "2026-01-01T00:00:00Z").await;
    let charts = s.insight_charts().await.unwrap();
    let months: Vec<&str> = charts.nps_by_month.iter().map(|m| m.month.as_str()).collect();
    assert_eq!(
        months,
        [
            "2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09",
            "2025-10", "2025-11", "2025-12", "2026-01"
        ]
    );
    assert!(charts.nps_by_month.iter().all(|m| m.responses == 0 && m.nps.is_none()));
    let stages: Vec<(&str, u32, usize)> = charts
        .pipeline_by_stage
        .iter()
        .map(|t| (t.stage.as_str(), t.deals, t.value.len()))
        .collect();
    assert_eq!(
        stages,
        [("Lead", 0, 0), ("Qualified", 0, 0), ("Proposal", 0, 0), ("Negotiation", 0, 0)]
    );
    assert!(charts.forecast.is_empty() && charts.cohorts.is_empty());
}

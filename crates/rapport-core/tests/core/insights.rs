//! Insights against a hand-made history. Every expected number below is worked out from
//! the metric's definition (see `rapport_core::insights`), not taken from the code.

use std::sync::Arc;

use rapport_core::customers::NewCustomer;
use rapport_core::deals::{DealStatus, NewDeal};
use rapport_core::insights::ProbabilitySource;
use rapport_core::money::Money;
use rapport_core::timeline::{InteractionKind, NewInteraction};
use rapport_core::{ManualClock, Protection, Store};
use uuid::Uuid;

use crate::support::*;

struct Fixture {
    store: Store,
    clock: Arc<ManualClock>,
    _dir: tempfile::TempDir,
}

impl Fixture {
    async fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(at("2025-06-01T00:00:00Z")));
        let store =
            Store::init(dir.path(), Protection::Passphrase(PASS.to_string().into()), clock.clone())
                .await
                .unwrap();
        Fixture { store, clock, _dir: dir }
    }

    async fn customer(&self, name: &str) -> Uuid {
        self.store
            .add_customer(&NewCustomer { name: name.into(), ..Default::default() })
            .await
            .unwrap()
            .id
    }

    async fn entry(
        &self,
        id: Uuid,
        kind: InteractionKind,
        when: &str,
        amount: Option<&str>,
        score: Option<u8>,
    ) -> Uuid {
        let new = NewInteraction {
            amount: amount.map(|a| a.parse::<Money>().unwrap()),
            score,
            ..entry(id, kind, at(when))
        };
        self.store.log_interaction(&new).await.unwrap().id
    }

    async fn deal(
        &self,
        id: Uuid,
        value: &str,
        stage: &str,
        created: &str,
        close: Option<&str>,
    ) -> Uuid {
        self.clock.set(at(created));
        let d = NewDeal {
            customer_id: id,
            title: "deal".into(),
            value: value.parse().unwrap(),
            stage: Some(stage.into()),
            expected_close: close
                .map(|c| chrono::NaiveDate::parse_from_str(c, "%Y-%m-%d").unwrap()),
        };
        self.store.add_deal(&d).await.unwrap().id
    }

    async fn close(&self, deal: Uuid, status: DealStatus, when: &str) {
        self.clock.set(at(when));
        self.store.close_deal(deal, status, None).await.unwrap();
    }
}

fn eur(minor: i64) -> Money {
    Money { minor, currency: "EUR".into() }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_match_their_definitions() {
    use InteractionKind::*;
    let f = Fixture::new().await;
    let (a, b, c, d, e) = (
        f.customer("A").await,
        f.customer("B").await,
        f.customer("C").await,
        f.customer("D").await,
        f.customer("E").await,
    );
    // Period [2026-01-01, 2026-07-01): 181 days, so the previous period starts 2025-07-04.
    f.entry(a, Purchase, "2025-08-01T10:00:00Z", Some("100 EUR"), None).await;
    f.entry(a, Purchase, "2026-02-01T10:00:00Z", Some("50 EUR"), None).await;
    f.entry(a, Purchase, "2026-03-01T10:00:00Z", Some("30 EUR"), None).await;
    f.entry(b, Purchase, "2025-09-01T10:00:00Z", Some("200 EUR"), None).await;
    f.entry(c, Purchase, "2026-04-01T10:00:00Z", Some("10 EUR"), None).await;
    f.entry(d, Purchase, "2026-05-01T10:00:00Z", Some("20 USD"), None).await;
    // E buys every 10 days, then nothing from 21 March to 1 July (102 days).
    for day in ["2026-03-01", "2026-03-11", "2026-03-21"] {
        f.entry(e, Purchase, &format!("{day}T10:00:00Z"), Some("5 EUR"), None).await;
    }
    for score in [10, 9, 9, 7, 2] {
        f.entry(c, Feedback, "2026-02-15T10:00:00Z", None, Some(score)).await;
    }
    f.entry(c, Feedback, "2025-12-31T23:00:00Z", None, Some(0)).await; // before the period
    let k1 = f.entry(a, Complaint, "2026-02-01T10:00:00Z", None, None).await;
    let k2 = f.entry(b, Complaint, "2026-03-01T00:00:00Z", None, None).await;
    f.entry(c, Complaint, "2026-03-05T00:00:00Z", None, None).await; // stays open
    f.clock.set(at("2026-02-02T10:00:00Z"));
    f.store.resolve_complaint(k1).await.unwrap(); // 24 h
    f.clock.set(at("2026-03-01T12:00:00Z"));
    f.store.resolve_complaint(k2).await.unwrap(); // 12 h

    // Closed deals: won after 10, 30 and 70 days; one lost; one won before the period.
    let w1 = f.deal(a, "100 EUR", "Lead", "2026-01-10T00:00:00Z", None).await;
    f.close(w1, DealStatus::Won, "2026-01-20T00:00:00Z").await;
    let w2 = f.deal(a, "100 EUR", "Lead", "2026-02-01T00:00:00Z", None).await;
    f.close(w2, DealStatus::Won, "2026-03-03T00:00:00Z").await;
    let w3 = f.deal(b, "100 EUR", "Lead", "2025-12-01T00:00:00Z", None).await;
    f.close(w3, DealStatus::Won, "2026-02-09T00:00:00Z").await;
    let l1 = f.deal(b, "100 EUR", "Lead", "2026-01-05T00:00:00Z", None).await;
    f.close(l1, DealStatus::Lost, "2026-01-15T00:00:00Z").await;
    let old = f.deal(c, "100 EUR", "Lead", "2025-06-01T00:00:00Z", None).await;
    f.close(old, DealStatus::Won, "2025-07-01T00:00:00Z").await;
    // Open deals: 1000 EUR at Lead (10 %) and 2000 EUR at Proposal (50 %) closing in
    // August; 500 USD at Negotiation (75 %) with no date.
    f.deal(c, "1000 EUR", "Lead", "2026-06-01T00:00:00Z", Some("2026-08-15")).await;
    f.deal(d, "2000 EUR", "Proposal", "2026-06-01T00:00:00Z", Some("2026-08-20")).await;
    f.deal(d, "500 USD", "Negotiation", "2026-06-01T00:00:00Z", None).await;

    let i = f.store.insights(at("2026-01-01T00:00:00Z"), at("2026-07-01T00:00:00Z")).await.unwrap();
    // Retention: bought in the previous period {A, B}; of those, A bought again → 1/2.
    assert_eq!(i.retention_rate, Some(0.5));
    // Repeat: bought in the period {A ×2, C, D, E ×3} → 2 of 4.
    assert_eq!(i.repeat_purchase_rate, Some(0.5));
    // CLV: EUR 100+50+30+200+10+15 = 405 over buyers {A, B, C, E} = 101.25; USD 20 over {D}.
    assert_eq!(
        i.customer_lifetime_value,
        vec![eur(10125), Money { minor: 2000, currency: "USD".into() }]
    );
    // NPS: 10, 9, 9, 7, 2 → 3 promoters, 1 detractor of 5 → 40.
    assert_eq!((i.nps, i.nps_responses), (Some(40), 5));
    // Complaints: (24 + 12) / 2 = 18 h; one open.
    assert_eq!((i.complaint_resolution_hours, i.open_complaints), (Some(18.0), 1));
    // Deals closed in the period: 3 won, 1 lost → 75 %; cycles (10 + 30 + 70) / 3 days.
    assert_eq!((i.deals_won, i.deals_lost, i.win_rate), (3, 1, Some(0.75)));
    assert!((i.average_sales_cycle_days.unwrap() - 110.0 / 3.0).abs() < 1e-9);
    // Pipeline per currency, never added across currencies.
    assert_eq!(i.pipeline, vec![eur(300_000), Money { minor: 50_000, currency: "USD".into() }]);
    // Weighted with the stage defaults (too little history): 100 + 1000 EUR; 375 USD.
    assert_eq!(
        i.weighted_pipeline,
        vec![eur(110_000), Money { minor: 37_500, currency: "USD".into() }]
    );
    assert!(i.stage_probabilities.iter().all(|s| s.source == ProbabilitySource::Default));
    let months: Vec<(String, String, i64, u32)> = i
        .forecast
        .iter()
        .map(|m| (m.month.clone(), m.weighted.currency.clone(), m.weighted.minor, m.deals))
        .collect();
    assert_eq!(
        months,
        vec![
            ("2026-08".into(), "EUR".into(), 110_000, 2),
            ("unscheduled".into(), "USD".into(), 37_500, 1)
        ]
    );
    // Slipping: E (every 10 days, nothing for 102); A's gap is 106 days, silence 122: fine.
    let slipping: Vec<&str> = i.slipping.iter().map(|s| s.customer_name.as_str()).collect();
    assert_eq!(slipping, vec!["E"]);
    assert_eq!(i.slipping[0].reason, "usually buys every 10 days; nothing for 102 days");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forecast_uses_the_teams_own_win_rate_once_there_is_enough_history() {
    let f = Fixture::new().await;
    let c = f.customer("Client").await;
    // 10 closed deals went through Lead: 4 won, 6 lost → 40 % instead of the default 10 %.
    for n in 0..10 {
        let d = f.deal(c, "100 EUR", "Lead", "2026-01-01T00:00:00Z", None).await;
        let status = if n < 4 { DealStatus::Won } else { DealStatus::Lost };
        f.close(d, status, "2026-02-01T00:00:00Z").await;
    }
    f.deal(c, "1000 EUR", "Lead", "2026-03-01T00:00:00Z", Some("2026-04-30")).await;
    let i = f.store.insights(at("2026-01-01T00:00:00Z"), at("2026-07-01T00:00:00Z")).await.unwrap();
    let lead = &i.stage_probabilities[0];
    assert_eq!(
        (lead.stage.as_str(), lead.source, lead.closed_deals, lead.won_deals),
        ("Lead", ProbabilitySource::History, 10, 4)
    );
    assert!((lead.probability - 0.4).abs() < 1e-12);
    assert_eq!(i.weighted_pipeline, vec![eur(40_000)]);
    // Stages with no history keep their defaults and say so.
    assert_eq!(i.stage_probabilities[2].source, ProbabilitySource::Default);
    assert_eq!(i.stage_probabilities[2].probability, 0.5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_store_has_no_rates_rather_than_zeroes() {
    let f = Fixture::new().await;
    let i = f.store.insights(at("2026-01-01T00:00:00Z"), at("2026-07-01T00:00:00Z")).await.unwrap();
    assert_eq!(
        (i.win_rate, i.nps, i.retention_rate, i.repeat_purchase_rate),
        (None, None, None, None)
    );
    assert!(i.pipeline.is_empty() && i.slipping.is_empty());
    assert!(f
        .store
        .insights(at("2026-07-01T00:00:00Z"), at("2026-01-01T00:00:00Z"))
        .await
        .is_err());
}

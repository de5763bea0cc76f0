//! `rapport insights` over an explicit period, through the binary.

use crate::support::{Rapport, PASS};

#[test]
fn insights_over_a_period_with_money_per_currency() {
    let r = Rapport::new().passphrase(Some(PASS));
    let at = |now: &str, args: &[&str]| r.json(&[&["--now", now], args].concat());
    let t = "2026-06-01T10:00:00Z";
    at(t, &["init"]);
    at(t, &["customer", "add", "--name", "Olga Orders", "--email", "olga@example.com"]);
    for (when, amount) in
        [("2026-02-01", "40 EUR"), ("2026-03-01", "60 EUR"), ("2026-04-01", "15 USD")]
    {
        at(
            t,
            &[
                "log",
                "olga@example.com",
                "--kind",
                "purchase",
                "--summary",
                "order",
                "--at",
                &format!("{when}T12:00:00Z"),
                "--amount",
                amount,
            ],
        );
    }
    for score in ["10", "3"] {
        at(
            t,
            &[
                "log",
                "olga@example.com",
                "--kind",
                "feedback",
                "--summary",
                "survey",
                "--at",
                "2026-03-02T12:00:00Z",
                "--score",
                score,
            ],
        );
    }
    at(
        t,
        &[
            "deal",
            "add",
            "--customer",
            "Olga Orders",
            "--title",
            "Big order",
            "--value",
            "1000 EUR",
            "--stage",
            "Proposal",
            "--close",
            "2026-07-15",
        ],
    );

    let i = at(t, &["insights", "--from", "2026-01-01T00:00:00Z", "--to", "2026-06-01T00:00:00Z"]);
    // One buyer who bought 3 times: repeat rate 100 %; CLV per currency, never summed.
    assert_eq!(i["repeat_purchase_rate"], 1.0);
    assert_eq!(
        i["customer_lifetime_value"],
        serde_json::json!([{"minor": 10000, "currency": "EUR"}, {"minor": 1500, "currency": "USD"}])
    );
    // One promoter, one detractor: NPS 0.
    assert_eq!((i["nps"].as_i64(), i["nps_responses"].as_u64()), (Some(0), Some(2)));
    // 1000 EUR at Proposal (default 50 %) closing in July.
    assert_eq!(i["forecast"][0]["month"], "2026-07");
    assert_eq!(i["forecast"][0]["weighted"]["minor"], 50_000);
    assert_eq!(i["stage_probabilities"][2]["source"], "default");

    let text = r.run(&["--now", t, "insights", "--days", "365"]).success().stdout;
    assert!(text.contains("100.00 EUR + 15.00 USD"), "{text}");
    r.run(&[
        "--now",
        t,
        "insights",
        "--from",
        "2026-06-01T00:00:00Z",
        "--to",
        "2026-01-01T00:00:00Z",
    ])
    .fails_with(2);
}

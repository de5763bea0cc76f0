//! `rapport today` and `rapport cadence`, honouring `--now`.

use serde_json::Value;

use crate::support::{Rapport, PASS};

fn names(items: &Value, reason: &str) -> Vec<String> {
    items
        .as_array()
        .expect("a list")
        .iter()
        .filter(|i| i["reason"] == reason)
        .map(|i| i["customer_name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn today_lists_overdue_nudges_tag_cadences_and_birthdays() {
    let r = Rapport::new().passphrase(Some(PASS));
    let at = |now: &str, args: &[&str]| r.json(&[&["--now", now], args].concat());
    at("2026-11-01T10:00:00Z", &["init"]);
    at(
        "2026-11-01T10:00:00Z",
        &["customer", "add", "--name", "Kim Cadence", "--keep-in-touch", "14"],
    );
    at("2026-11-01T10:00:00Z", &["customer", "add", "--name", "Vic Tagged", "--tag", "vip"]);
    at(
        "2026-11-01T10:00:00Z",
        &["customer", "add", "--name", "Bea Birthday", "--birthday=--11-24"],
    );
    at("2026-11-01T10:00:00Z", &["cadence", "--tag", "vip", "--every", "7", "--max", "28"]);

    let items = at("2026-11-22T10:00:00Z", &["today"]);
    assert_eq!(names(&items, "overdue"), ["Kim Cadence"], "{items:#}");
    assert_eq!(names(&items, "due_soon"), ["Vic Tagged"], "{items:#}");
    assert_eq!(names(&items, "personal_date"), ["Bea Birthday"], "{items:#}");
    let bea =
        items.as_array().unwrap().iter().find(|i| i["customer_name"] == "Bea Birthday").unwrap();
    assert_eq!(bea["date"], "2026-11-24");

    // Logging any interaction clears the nudge.
    at("2026-11-22T10:00:00Z", &["log", "Kim Cadence", "--kind", "call", "--summary", "caught up"]);
    let items = at("2026-11-22T11:00:00Z", &["today"]);
    assert!(names(&items, "overdue").is_empty(), "{items:#}");

    // The text form explains itself.
    let out = r.run(&["--now", "2026-11-22T11:00:00Z", "today"]).success();
    assert!(out.stdout.contains("every week for “vip”"), "{}", out.stdout);
    r.run(&["cadence", "--tag", "vip", "--every", "0"]).fails_with(2);
}

#[test]
fn followup_rules_feed_today_once() {
    let r = Rapport::new().passphrase(Some(PASS));
    let at = |now: &str, args: &[&str]| r.json(&[&["--now", now], args].concat());
    let t = "2026-11-22T10:00:00Z";
    at(t, &["init"]);
    at(t, &["customer", "add", "--name", "Cara Card", "--birthday=1990-11-25"]);
    let rule = at(
        t,
        &[
            "followup",
            "rule",
            "add",
            "--name",
            "Cards",
            "--when",
            r#"{"when":"birthday_in","days":5}"#,
            "--title",
            "Send a card",
        ],
    );
    assert_eq!(at(t, &["followup", "rule", "list"]).as_array().unwrap().len(), 1);
    let today = at(t, &["today"]);
    let cards: Vec<&Value> =
        today.as_array().unwrap().iter().filter(|i| i["headline"] == "Send a card").collect();
    assert_eq!(cards.len(), 1, "{today:#}");
    at(t, &["today"]);
    assert_eq!(
        at(t, &["followup", "list"]).as_array().unwrap().len(),
        1,
        "a second Today must not duplicate it"
    );
    at(t, &["followup", "rule", "delete", rule["id"].as_str().unwrap()]);
    r.run(&["followup", "rule", "add", "--name", "x", "--when", "{}", "--title", "t"])
        .fails_with(2);
}

//! `rapport search`: best first, where each matched, any text as a query.

use crate::support::{Rapport, PASS};

#[test]
fn search_ranks_names_first_and_says_where_it_matched() {
    let r = Rapport::new().passphrase(Some(PASS));
    r.json(&["init"]);
    r.json(&["customer", "add", "--name", "Amélie Dubois", "--company", "Bluebird Bakery"]);
    r.json(&["customer", "add", "--name", "Tim Line"]);
    r.json(&["log", "Tim Line", "--kind", "call", "--summary", "Asked about Amélie's order"]);

    // Accents ignored; the name match first, the timeline match last.
    let found = r.json(&["search", "Amelie"]);
    let names: Vec<&str> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["customer"]["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Amélie Dubois", "Tim Line"], "{found:#}");
    assert_eq!(found["total"], 2);
    assert_eq!(found["hits"][0]["matched_in"], serde_json::json!(["name"]));
    assert_eq!(found["hits"][1]["matched_in"], serde_json::json!(["timeline"]));

    // Typo-corrected ("dubios": a swap of two letters).
    let found = r.json(&["search", "dubios"]);
    assert_eq!(found["hits"][0]["customer"]["display_name"], "Amélie Dubois");
    let found = r.json(&["search", "bakery", "--limit", "1"]);
    assert_eq!(found["total"], 2);
    assert_eq!(found["hits"].as_array().unwrap().len(), 1);
    assert_eq!(found["hits"][0]["customer"]["display_name"], "Bluebird Bakery");

    let out = r.run(&["search", "bakery"]).success();
    assert!(out.stdout.contains("Bluebird Bakery"), "{}", out.stdout);
    assert!(out.stdout.contains("matched in company"), "{}", out.stdout);
    for q in ["\"", "NEAR(", "a OR", "name:x", "((", "*", "😀"] {
        r.run(&["search", q]).success();
    }
    let out = r.run(&["search", "zzzz"]).success();
    assert!(out.stdout.contains("No customer matches"), "{}", out.stdout);
    r.run(&["search", "x", "--limit", "0"]).fails_with(2);
}

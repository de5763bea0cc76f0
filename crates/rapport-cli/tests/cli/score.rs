//! `rapport score …` through the binary.

use crate::support::{Rapport, PASS};

#[test]
fn rules_score_customers_and_explain_why() {
    let r = Rapport::new().passphrase(Some(PASS));
    let j = |args: &[&str]| r.json(&[&["--now", "2026-11-22T10:00:00Z"], args].concat());
    j(&["init"]);
    j(&["customer", "add", "--name", "Tia Tagged", "--tag", "vip", "--email", "tia@example.com"]);
    j(&["customer", "add", "--name", "Una Untagged"]);
    let rule = j(&[
        "score",
        "add-rule",
        "--name",
        "VIP",
        "--points",
        "30",
        "--when",
        r#"{"if":"tag","tag":"vip"}"#,
    ]);
    j(&[
        "score",
        "add-rule",
        "--name",
        "No email",
        "--points",
        "-5",
        "--when",
        r#"{"if":"has_phone"}"#,
    ]);
    j(&[
        "score",
        "add-rule",
        "--name",
        "Reachable",
        "--points",
        "5",
        "--when",
        r#"{"if":"has_email"}"#,
    ]);

    let list = j(&["score", "list"]);
    assert_eq!(list[0]["customer_name"], "Tia Tagged");
    assert_eq!(list[0]["score"], 35);
    assert_eq!(list[0]["top_contributors"][0]["because"], "tagged vip");
    assert_eq!(list[1]["score"], 0);

    j(&["score", "delete-rule", rule["id"].as_str().unwrap()]);
    assert_eq!(j(&["score", "show", "tia@example.com"])["score"], 5);
    assert_eq!(j(&["score", "rules"]).as_array().unwrap().len(), 2);
    let err = r
        .run(&["score", "add-rule", "--name", "x", "--points", "1", "--when", "{\"if\":\"nope\"}"])
        .fails_with(2);
    assert!(err.stderr.contains("--when"), "{}", err.stderr);
}

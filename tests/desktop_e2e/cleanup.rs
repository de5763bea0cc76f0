//! The clean-up view in the real window: a duplicate found, merged, and the merge undone.

use super::*;

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn a_duplicate_is_merged_keeping_its_history_and_the_merge_can_be_undone() {
    let data = tempfile::tempdir().unwrap();
    cli(data.path(), &["init"]);
    cli(
        data.path(),
        &["customer", "add", "--name", "Ada Lovelace", "--email", "ada.lovelace+crm@gmail.com"],
    );
    cli(
        data.path(),
        &["customer", "add", "--name", "Ada Lovelace", "--email", "adalovelace@gmail.com"],
    );
    cli(data.path(), &["customer", "add", "--name", "Charles Babbage"]);
    let ids: Vec<String> = {
        let list: serde_json::Value =
            serde_json::from_str(&cli(data.path(), &["--json", "customer", "list"])).unwrap();
        let items = list.as_array().cloned().unwrap_or_default();
        items
            .iter()
            .filter(|c| c["display_name"] == "Ada Lovelace")
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids.len(), 2);
    cli(data.path(), &["log", &ids[1], "--kind", "call", "--summary", "Talked about engines"]);

    let app = open_passphrase_store(data.path()).await;
    app.click("[data-testid=nav-cleanup]").await;
    let pairs = app
        .wait_texts("[data-testid=duplicate-pair]", "the duplicate pair", |t| {
            t.len() == 1 && t[0].contains("Ada Lovelace")
        })
        .await;
    assert!(!pairs[0].contains("Babbage"), "{pairs:?}");
    app.screenshots_both_themes("cleanup").await;
    app.click("[data-testid=duplicate-compare]").await;
    app.click("[data-testid=merge-confirm]").await;
    app.wait_css("[data-testid=merge-record]").await;

    let list = cli(data.path(), &["--json", "customer", "list"]);
    assert_eq!(list.matches("Ada Lovelace").count(), 1, "{list}");
    let shown = cli(data.path(), &["--json", "customer", "show", "Ada Lovelace"]);
    assert!(shown.contains("Talked about engines"), "the history moved: {shown}");
    assert!(
        shown.contains("adalovelace@gmail.com") && shown.contains("ada.lovelace+crm@gmail.com"),
        "{shown}"
    );

    app.click("[data-testid=merge-undo]").await;
    app.wait_texts("[data-testid=merge-record]", "the undone merge", |t| {
        t.iter().any(|r| r.to_lowercase().contains("undone"))
    })
    .await;
    app.quit().await;
    let list = cli(data.path(), &["--json", "customer", "list"]);
    assert_eq!(list.matches("Ada Lovelace").count(), 2, "{list}");
}

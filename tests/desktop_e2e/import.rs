//! The import wizard in the real window: a file in, a preview that says what will happen,
//! the import, and its undo.

use super::*;

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn a_csv_is_previewed_imported_and_undone_from_the_wizard() {
    let data = tempfile::tempdir().unwrap();
    cli(data.path(), &["init"]);
    cli(
        data.path(),
        &["customer", "add", "--name", "Existing Person", "--email", "existing@example.org"],
    );
    let file = data.path().join("contacts.csv");
    std::fs::write(
        &file,
        "Name,Email,Phone,Notes\r\n\
         Irene Import,irene@example.org,+44 20 7946 0958,Met at the spring fair\r\n\
         Existing Person,existing@example.org,,Asked for the autumn catalogue\r\n",
    )
    .unwrap();

    let app = open_passphrase_store(data.path()).await;
    app.click("[data-testid=customers-import]").await;
    app.type_into("[data-testid=import-path]", file.to_str().unwrap()).await;
    app.click("[data-testid=import-preview]").await;
    app.wait_css("[data-testid=import-detected]").await;
    app.click("[data-testid=import-next]").await;
    for (what, n) in [("create", "1"), ("update", "1"), ("error", "0")] {
        app.wait_texts(&format!("[data-testid=import-count-{what}]"), what, |t| {
            t.len() == 1 && t[0].split_whitespace().any(|w| w == n)
        })
        .await;
    }
    app.screenshots_both_themes("import-preview").await;
    app.click("[data-testid=import-start]").await;
    app.wait_css("[data-testid=import-result]").await;

    let shown = cli(data.path(), &["--json", "customer", "show", "Irene Import"]);
    assert!(shown.contains("irene@example.org"), "{shown}");
    let existing = cli(data.path(), &["--json", "customer", "show", "Existing Person"]);
    assert!(existing.contains("Asked for the autumn catalogue"), "{existing}");

    app.click("[data-testid=import-undo]").await;
    app.wait_css("[data-testid=import-undone]").await;
    app.quit().await;

    let list = cli(data.path(), &["--json", "customer", "list"]);
    assert!(!list.contains("Irene Import") && list.contains("Existing Person"), "{list}");
    let existing = cli(data.path(), &["--json", "customer", "show", "Existing Person"]);
    assert!(
        !existing.contains("Asked for the autumn catalogue"),
        "the update was undone: {existing}"
    );
}

//! Getting data out and keeping it safe, in the real window: a person's export and erasure,
//! and a backup restored from Settings.

use super::*;

/// Chooses `value` in the `<select>` found by `css`, the way a user would.
async fn choose(app: &App, css: &str, value: &str) {
    app.click(&format!("{css} option[value={value}]")).await;
}

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn a_person_exported_as_a_vcard_then_erased_is_gone_everywhere() {
    let data = tempfile::tempdir().unwrap();
    cli(data.path(), &["init"]);
    cli(data.path(), &["customer", "add", "--name", "Erin Erasmus", "--email", "erin@example.org"]);
    cli(data.path(), &["customer", "add", "--name", "Stay Here"]);
    cli(data.path(), &["log", "Erin Erasmus", "--kind", "note", "--summary", "Prefers oat milk"]);
    let card = data.path().join("erin.vcf");

    let app = open_passphrase_store(data.path()).await;
    app.type_into("[data-testid=customer-search]", "Erasmus").await;
    app.wait_texts("[data-testid=customer-name]", "the customer", |t| t == ["Erin Erasmus"]).await;
    app.click("[data-testid=customer-row]").await;
    app.wait_css("[data-testid=customer-page]").await;

    app.click("[data-testid=customer-export]").await;
    choose(&app, "[data-testid=person-export-format]", "vcard").await;
    app.type_into("[data-testid=person-export-path]", card.to_str().unwrap()).await;
    app.click("[data-testid=person-export-run]").await;
    app.wait_texts("[data-testid=person-export-summary]", "the export's summary", |t| {
        t.len() == 1 && t[0].contains("erin.vcf")
    })
    .await;
    let text = std::fs::read_to_string(&card).unwrap();
    assert!(text.starts_with("BEGIN:VCARD\r\n"), "{text}");
    assert!(text.contains("FN:Erin Erasmus\r\n") && text.contains("erin@example.org"), "{text}");
    app.client.execute("document.querySelector('dialog[open]')?.close()", vec![]).await.unwrap();

    app.click("[data-testid=customer-erase]").await;
    let confirm = app.wait_css("[data-testid=erase-confirm]").await;
    assert!(!confirm.is_enabled().await.unwrap(), "erase must wait for the typed name");
    app.type_into("[data-testid=erase-name]", "Erin Erasmus").await;
    app.click("[data-testid=erase-confirm]").await;
    app.wait_css("[data-testid=customer-search]").await;
    app.screenshot("after-erase").await;
    app.quit().await;

    let list = cli(data.path(), &["--json", "customer", "list"]);
    assert!(!list.contains("Erin") && list.contains("Stay Here"), "{list}");
    let everything = cli(data.path(), &["export", "--format", "json"]);
    assert!(!everything.contains("Erasmus") && !everything.contains("oat milk"), "{everything}");
}

#[tokio::test]
#[ignore = "drives the real desktop window: run via scripts/e2e.sh"]
async fn a_backup_made_in_settings_restores_the_data_as_it_was() {
    let data = tempfile::tempdir().unwrap();
    cli(data.path(), &["init"]);
    cli(data.path(), &["customer", "add", "--name", "Before Backup"]);
    let backup = data.path().join("saved").join("rapport-backup.db");

    let app = open_passphrase_store(data.path()).await;
    app.click("[data-testid=nav-settings]").await;
    app.type_into("[data-testid=backup-path]", backup.to_str().unwrap()).await;
    app.click("[data-testid=backup-run]").await;
    app.wait_texts("[data-testid=backup-summary]", "the backup's summary", |t| {
        t.len() == 1 && t[0].contains("rapport-backup.db")
    })
    .await;
    assert!(backup.is_file());

    // A change after the backup, made while the window is open.
    cli(data.path(), &["customer", "add", "--name", "After Backup"]);

    app.type_into("[data-testid=restore-path]", backup.to_str().unwrap()).await;
    app.click("[data-testid=restore-run]").await;
    app.click("[data-testid=restore-confirm]").await;
    // The window reloads on the restored store and opens on the customer list.
    app.wait_texts("[data-testid=customer-name]", "the restored list", |t| t == ["Before Backup"])
        .await;
    app.quit().await;

    let list = cli(data.path(), &["--json", "customer", "list"]);
    assert!(list.contains("Before Backup") && !list.contains("After Backup"), "{list}");
    let kept: Vec<_> = std::fs::read_dir(data.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(kept.iter().any(|n| n.starts_with("pre-restore-")), "{kept:?}");
}

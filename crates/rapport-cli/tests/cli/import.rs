//! `rapport import`, `import list`, `import undo` and `export --format csv`, on the corpus.

use crate::support::{Rapport, PASS};

fn corpus(name: &str) -> String {
    let p =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/csv").join(name);
    p.display().to_string()
}

fn store() -> Rapport {
    let r = Rapport::new().passphrase(Some(PASS));
    r.json(&["init"]);
    r
}

fn customers(r: &Rapport) -> usize {
    r.json(&["customer", "list"]).as_array().expect("a list").len()
}

#[test]
fn dry_run_reports_per_row_and_writes_nothing() {
    let r = store();
    let p = r.json(&["import", &corpus("google.csv"), "--dry-run"]);
    assert_eq!(p["source"], "google");
    assert_eq!((p["rows"].as_u64(), p["created"].as_u64()), (Some(3), Some(3)));
    assert_eq!(p["report"][0]["action"], "create");
    assert_eq!(customers(&r), 0);
    let out = r.run(&["import", &corpus("google.csv"), "--dry-run"]).success();
    assert!(
        out.stdout.contains("E-mail 1 - Value") && out.stdout.contains("→ email"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Would create 3, update 0"), "{}", out.stdout);
}

#[test]
fn bad_rows_exit_2_with_the_report_and_write_nothing_unless_skipped() {
    let r = store();
    let out = r.run(&["--json", "import", &corpus("bad_rows.csv")]).fails_with(2);
    let report = out.json();
    assert_eq!(report["errors"], 3);
    let err = out.error();
    assert_eq!(err["code"], "invalid_input");
    assert!(
        err["message"].as_str().unwrap().starts_with("rows: 3 rows have errors: row 3"),
        "{err}"
    );
    assert_eq!(customers(&r), 0);
    let out = r.run(&["import", &corpus("bad_rows.csv")]).fails_with(2);
    assert!(
        out.stdout.contains("row     4  ERROR") && out.stdout.contains("column \"Email\""),
        "{}",
        out.stdout
    );

    let s = r.json(&["import", &corpus("bad_rows.csv"), "--skip-bad-rows"]);
    assert_eq!((s["created"].as_u64(), s["skipped"].as_u64()), (Some(2), Some(3)));
    assert_eq!(customers(&r), 2);
}

#[test]
fn dates_wait_for_an_order_and_options_reach_the_core() {
    let r = store();
    let out = r.run(&["--json", "import", &corpus("ambiguous_dates.csv")]).fails_with(2);
    assert_eq!(out.json()["needs_date_order"], true);
    assert!(out.error()["message"].as_str().unwrap().starts_with("date_order: "));
    r.json(&["import", &corpus("ambiguous_dates.csv"), "--date-order", "mdy"]);
    let ana = r.json(&["customer", "show", "ana@ruiz.example"]);
    assert_eq!(ana["customer"]["birthday"], "1990-03-04", "{ana}");

    let e = r
        .run(&["--json", "import", &corpus("outlook_ansi.csv"), "--encoding", "utf-8"])
        .fails_with(2)
        .error();
    assert!(e["message"].as_str().unwrap().contains("row 2, column \"First Name\""), "{e}");
    let mapping = r.path("mapping.json");
    std::fs::write(&mapping, r#"{"columns":[{"column":"Name","field":"notes"},{"column":"Email","field":"email:work"}]}"#).unwrap();
    let p = r.json(&[
        "import",
        &corpus("ambiguous_dates.csv"),
        "--dry-run",
        "--mapping",
        mapping.to_str().unwrap(),
    ]);
    assert_eq!(p["source"], "custom");
    assert_eq!(p["columns"][1]["field"], "email:work");
    assert_eq!(p["columns"][2]["field"], serde_json::Value::Null);
}

#[test]
fn list_undo_and_a_csv_export_that_reimports_unchanged() {
    let r = store();
    let first = r.json(&["import", &corpus("hubspot.csv")]);
    r.json(&["import", &corpus("google.csv")]);
    let list = r.json(&["import", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(list[0]["file_name"], "google.csv", "newest first");

    let out = r.path("all.csv");
    r.run(&["export", "--format", "csv", "--out", out.to_str().unwrap()]).success();
    r.run(&["export", "--format", "csv", "--out", out.to_str().unwrap()]).fails_with(1);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("rapport_id,kind,name,"), "{text}");
    assert!(text.contains(",'+1 415 555 0100,"), "{text}");
    let again = r.json(&["import", out.to_str().unwrap()]);
    assert_eq!(
        (again["created"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(0)),
        "{again}"
    );

    let n = customers(&r);
    let undone = r.json(&["import", "undo", first["batch_id"].as_str().unwrap()]);
    assert_eq!(undone["file_name"], "hubspot.csv");
    assert!(undone["undone_at"].is_string());
    // Kim and Lee, and the Acme company they brought, are gone.
    assert_eq!(customers(&r), n - 3);
    r.run(&["import", "undo", first["batch_id"].as_str().unwrap()]).fails_with(2);
    r.run(&["import", "undo", "not-an-id"]).fails_with(2);
    let out = r.run(&["import", "list"]).success();
    assert!(out.stdout.contains("hubspot.csv: 2 created, 0 updated  (undone"), "{}", out.stdout);
}

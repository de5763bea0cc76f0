//! CSV import against the hand-made corpus in tests/corpus/csv/: each file's expected result
//! is written here from the format's definition (the columns those tools export).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rapport_core::customers::{Address, Customer, LifecycleStage};
use rapport_core::import::{
    ColumnMapping, ColumnTarget, CsvSource, DateOrder, ImportOptions, ImportPreview,
    ImportRowAction, ImportSummary,
};
use rapport_core::{ErrorCode, Store};

use crate::support::{import_bytes, new_store};

pub fn corpus(name: &str) -> Vec<u8> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus/csv").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

pub async fn import(
    store: &Store,
    name: &str,
    opts: &ImportOptions,
) -> rapport_core::Result<ImportSummary> {
    store.import_file(name, &corpus(name), opts, &|_, _| {}, &AtomicBool::new(false)).await
}

pub async fn preview(store: &Store, name: &str, opts: &ImportOptions) -> ImportPreview {
    store.import_preview(name, &corpus(name), opts).await.unwrap()
}

pub async fn by_email(store: &Store, email: &str) -> Customer {
    let id = store.resolve_customer(email).await.unwrap_or_else(|e| panic!("{email}: {e}"));
    store.get_customer(id).await.unwrap()
}

pub async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
}

fn opts() -> ImportOptions {
    ImportOptions::default()
}

fn labeled(c: &[rapport_core::customers::Labeled]) -> Vec<(Option<&str>, &str)> {
    c.iter().map(|l| (l.label.as_deref(), l.value.as_str())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_contacts_current_export_maps_every_column() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "google.csv", &opts()).await;
    assert_eq!(p.source, Some(CsvSource::Google));
    assert_eq!(
        (p.encoding.as_str(), p.encoding_detected, p.delimiter.as_deref()),
        ("UTF-8", true, Some(","))
    );
    assert_eq!((p.rows, p.created, p.errors), (3, 3, 0));
    let col = |c: &str| p.columns.iter().find(|m| m.column == c).unwrap().field.clone();
    assert_eq!(col("E-mail 1 - Value").as_deref(), Some("email"));
    assert_eq!(col("E-mail 1 - Label").as_deref(), Some("email.label"));
    assert_eq!(col("Labels").as_deref(), Some("tags"));
    assert_eq!(col("Phonetic First Name"), None);

    let s = import(&store, "google.csv", &opts()).await.unwrap();
    assert_eq!((s.created, s.updated, s.unchanged, s.skipped), (3, 0, 0, 0));
    let ada = by_email(&store, "ada@engines.example").await;
    assert_eq!(ada.display_name, "Ada Lovelace");
    assert_eq!(
        (ada.given_name.as_deref(), ada.family_name.as_deref()),
        (Some("Ada"), Some("Lovelace"))
    );
    assert_eq!(ada.company_name.as_deref(), Some("Analytical Engines Ltd"));
    assert_eq!(ada.title.as_deref(), Some("Mathematician"));
    assert_eq!(ada.birthday.unwrap().to_string(), "1815-12-10");
    assert_eq!(ada.notes.as_deref(), Some("Met at the Royal Society.\nLikes poetry."));
    // " ::: " splits a cell; the "* " marking Google's primary value is not part of the label.
    assert_eq!(
        labeled(&ada.emails),
        vec![
            (Some("work"), "ada@engines.example"),
            (Some("work"), "ada.l@engines.example"),
            (Some("home"), "ada@home.example")
        ]
    );
    assert_eq!(labeled(&ada.phones), vec![(Some("mobile"), "+44 20 7946 0958")]);
    // "* myContacts" is every contact, not a tag.
    assert_eq!(ada.tags, vec!["Friends", "VIP"]);
    assert_eq!(
        ada.addresses,
        vec![Address {
            label: Some("home".into()),
            street: Some("12 St James's Square".into()),
            city: Some("London".into()),
            postal_code: Some("SW1Y 4JH".into()),
            country: Some("United Kingdom".into()),
            region: None,
        }]
    );
    let grace = by_email(&store, "grace@navy.example").await;
    assert_eq!(grace.birthday.unwrap().to_string(), "--12-09");
    assert_eq!(labeled(&grace.phones), vec![(Some("work"), "(555) 010-2030")]);
    assert!(grace.tags.is_empty());
    let zoe = by_email(&store, "zoe@cafe.example").await;
    assert_eq!(zoe.display_name, "Zoë Ångström");
    assert_eq!(zoe.tags, vec!["starred"]);
    assert_eq!(zoe.company_name.as_deref(), Some("Café Ångström"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reimporting_the_same_file_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    for name in ["google.csv", "outlook_ansi.csv", "hubspot.csv", "salesforce.csv", "generic.csv"] {
        import(&store, name, &opts()).await.unwrap();
        let customers = count(&store, "SELECT count(*) FROM customers").await;
        let ops = count(&store, "SELECT count(*) FROM ops").await;
        let p = preview(&store, name, &opts()).await;
        assert!(
            p.report.iter().all(|r| r.action == ImportRowAction::Unchanged),
            "{name}: {:#?}",
            p.report
        );
        let s = import(&store, name, &opts()).await.unwrap();
        assert_eq!((s.created, s.updated), (0, 0), "{name}");
        assert_eq!(s.unchanged, p.rows, "{name}");
        assert_eq!(count(&store, "SELECT count(*) FROM customers").await, customers, "{name}");
        assert_eq!(
            count(&store, "SELECT count(*) FROM ops").await,
            ops,
            "{name}: a re-import wrote ops"
        );
    }
    assert_eq!(count(&store, "SELECT count(*) FROM import_batches").await, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_legacy_export() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "google_legacy.csv", &opts()).await;
    assert_eq!(p.source, Some(CsvSource::GoogleLegacy));
    import(&store, "google_legacy.csv", &opts()).await.unwrap();
    let alan = by_email(&store, "alan@bletchley.example").await;
    assert_eq!(alan.display_name, "Alan Turing");
    assert_eq!(labeled(&alan.emails), vec![(Some("work"), "alan@bletchley.example")]);
    assert_eq!(
        labeled(&alan.phones),
        vec![(Some("mobile"), "+44 1908 640404"), (Some("home"), "01908 640 405")]
    );
    assert_eq!(alan.tags, vec!["Bletchley"]);
    assert_eq!(alan.company_name.as_deref(), Some("Bletchley Park"));
    assert_eq!(alan.title.as_deref(), Some("Cryptanalyst"));
    assert_eq!(alan.custom_fields.get("Department").map(String::as_str), Some("Hut 8"));
    assert_eq!(alan.notes.as_deref(), Some("Codebreaker"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outlook_ansi_and_unicode_exports() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "outlook_ansi.csv", &opts()).await;
    assert_eq!(p.source, Some(CsvSource::Outlook));
    assert_eq!((p.encoding.as_str(), p.encoding_detected), ("windows-1252", true));
    import(&store, "outlook_ansi.csv", &opts()).await.unwrap();
    let renee = by_email(&store, "renee@creme.example").await;
    assert_eq!(renee.display_name, "Renée Müller");
    // Outlook's "Title" is the courtesy title (Mme); "Job Title" is the job.
    assert_eq!(renee.title.as_deref(), Some("Gérante"));
    assert_eq!(renee.company_name.as_deref(), Some("Crème Brûlée SARL"));
    assert_eq!(renee.birthday, None, "0/0/00 means no birthday");
    assert_eq!(renee.tags, vec!["VIP", "Wholesale"]);
    assert_eq!(
        labeled(&renee.phones),
        vec![(Some("work"), "+33 1 42 68 53 00"), (Some("mobile"), "+33 6 12 34 56 78")]
    );
    assert_eq!(renee.addresses.len(), 1);
    assert_eq!(renee.addresses[0].label.as_deref(), Some("work"));
    assert_eq!(renee.addresses[0].city.as_deref(), Some("Paris"));
    assert_eq!(renee.notes.as_deref(), Some("Préfère le thé"));
    // 12/25/1980: 25 can only be the day, so this is month/day/year without asking.
    assert_eq!(
        by_email(&store, "jose@nunez.example").await.birthday.unwrap().to_string(),
        "1980-12-25"
    );

    let p = preview(&store, "outlook_unicode.csv", &opts()).await;
    assert_eq!(
        (p.encoding.as_str(), p.delimiter.as_deref(), p.source),
        ("UTF-16LE", Some("\t"), Some(CsvSource::Outlook))
    );
    // 3/14/1975: unambiguous (14 is no month).
    import(&store, "outlook_unicode.csv", &opts()).await.unwrap();
    let l = by_email(&store, "lukasz@ships.example").await;
    assert_eq!((l.display_name.as_str(), l.title.as_deref()), ("Łukasz Żółw", Some("Kapitan")));
    assert_eq!(l.birthday.unwrap().to_string(), "1975-03-14");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_encoding_is_an_error_that_says_where_never_replacement_characters() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let o = ImportOptions { encoding: Some("utf-8".into()), ..opts() };
    let e = store
        .import_preview("outlook_ansi.csv", &corpus("outlook_ansi.csv"), &o)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    let m = e.to_string();
    // The first non-UTF-8 byte is the é (0xE9) of "Renée", row 2, column "First Name".
    assert!(m.starts_with("encoding: "), "{m}");
    assert!(m.contains("0xE9") && m.contains("row 2, column \"First Name\""), "{m}");
    let e = import(&store, "outlook_ansi.csv", &o).await.unwrap_err();
    assert_eq!(e.code(), ErrorCode::InvalidInput);
    assert_eq!(count(&store, "SELECT count(*) FROM customers").await, 0);
    // Chosen explicitly, the right encoding is used and reported as chosen.
    let o = ImportOptions { encoding: Some("windows-1252".into()), ..opts() };
    let p = store.import_preview("x.csv", &corpus("outlook_ansi.csv"), &o).await.unwrap();
    assert_eq!((p.encoding.as_str(), p.encoding_detected), ("windows-1252", false));
    let e = store
        .import_preview(
            "x.csv",
            b"a\n1\n",
            &ImportOptions { encoding: Some("klingon".into()), ..opts() },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("encoding: `klingon` is not an encoding name"), "{e}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hubspot_matches_on_record_id_before_email() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    assert_eq!(preview(&store, "hubspot.csv", &opts()).await.source, Some(CsvSource::Hubspot));
    let s = import(&store, "hubspot.csv", &opts()).await.unwrap();
    assert_eq!(s.created, 2);
    let kim = by_email(&store, "kim@acme.example").await;
    // HubSpot's "Marketing Qualified Lead" is a lead; "Customer" a customer.
    assert_eq!(kim.lifecycle_stage, LifecycleStage::Lead);
    assert_eq!(kim.owner.as_deref(), Some("Sam Seller"));
    assert_eq!(
        by_email(&store, "lee@acme.example").await.lifecycle_stage,
        LifecycleStage::Customer
    );
    // Both work at Acme: one company, linked, not two.
    assert_eq!(count(&store, "SELECT count(*) FROM customers WHERE kind = 'company'").await, 1);

    // Later: Kim's email changed (same Record ID), the phone cell is empty, the owner too.
    let p = preview(&store, "hubspot_later.csv", &opts()).await;
    let kim_row = p.report.iter().find(|r| r.row == 2).unwrap();
    assert_eq!(kim_row.action, ImportRowAction::Update);
    assert_eq!(kim_row.customer_id, Some(kim.id));
    assert_eq!(kim_row.changes, vec!["stage", "emails"]);
    let lee_row = p.report.iter().find(|r| r.row == 3).unwrap();
    assert_eq!(lee_row.action, ImportRowAction::Unchanged, "Evangelist is still a customer");
    import(&store, "hubspot_later.csv", &opts()).await.unwrap();
    let kim2 = store.get_customer(kim.id).await.unwrap();
    // Merged: the new email is added, the old one kept; empty cells blank nothing.
    assert_eq!(
        labeled(&kim2.emails),
        vec![(None, "kim@acme.example"), (None, "kim.nguyen@acme.example")]
    );
    assert_eq!(labeled(&kim2.phones), vec![(None, "+1 415 555 0100")]);
    assert_eq!(kim2.owner.as_deref(), Some("Sam Seller"));
    assert_eq!(kim2.lifecycle_stage, LifecycleStage::Prospect, "Opportunity is a prospect");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn salesforce_with_a_sep_line_and_day_first_dates() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "salesforce.csv", &opts()).await;
    assert_eq!((p.source, p.delimiter.as_deref()), (Some(CsvSource::Salesforce), Some(";")));
    // Rows are numbered by file line: sep= is line 1, the header line 2.
    assert_eq!(p.report.iter().map(|r| r.row).collect::<Vec<_>>(), vec![3, 4]);
    import(&store, "salesforce.csv", &opts()).await.unwrap();
    let hans = by_email(&store, "hans@weber.example").await;
    assert_eq!(hans.birthday.unwrap().to_string(), "1970-12-24");
    assert_eq!(hans.title.as_deref(), Some("Einkäufer"));
    assert_eq!(hans.lead_source.as_deref(), Some("Trade Show"));
    assert_eq!(hans.owner.as_deref(), Some("Eva Vertrieb"));
    assert_eq!(
        labeled(&hans.phones),
        vec![(Some("work"), "+49 30 1234567"), (Some("mobile"), "+49 171 2345678")]
    );
    let ext: Vec<String> = sqlx::query_scalar(
        "SELECT source || ':' || external_id FROM customer_external_ids WHERE customer_id = ?",
    )
    .bind(hans.id.to_string())
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(ext, vec!["salesforce:0035g00000AbCdE"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generic_headers_are_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "generic.csv", &opts()).await;
    assert_eq!((p.source, p.delimiter.as_deref()), (Some(CsvSource::Generic), Some("|")));
    let fields: Vec<Option<&str>> = p.columns.iter().map(|c| c.field.as_deref()).collect();
    assert_eq!(
        fields,
        vec![
            Some("name"),
            Some("email"),
            Some("phone"),
            Some("company"),
            Some("birthday"),
            Some("notes")
        ]
    );
    assert_eq!(p.columns[0].sample.as_deref(), Some("Nadia Haddad"));
    import(&store, "generic.csv", &opts()).await.unwrap();
    let n = by_email(&store, "nadia@haddad.example").await;
    assert_eq!(n.notes.as_deref(), Some("Orders lilies every spring.\nCall before 10."));
    assert_eq!(n.birthday.unwrap().to_string(), "--05-17");
    assert_eq!(n.company_name.as_deref(), Some("Haddad Florists"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ambiguous_dates_ask_for_the_order_and_the_import_waits_for_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "ambiguous_dates.csv", &opts()).await;
    assert!(p.needs_date_order);
    let e = import(&store, "ambiguous_dates.csv", &opts()).await.unwrap_err();
    assert!(e.to_string().starts_with("date_order: "), "{e}");
    assert!(e.to_string().contains("row 2"), "{e}");
    assert_eq!(count(&store, "SELECT count(*) FROM customers").await, 0);

    let dmy = ImportOptions { date_order: Some(DateOrder::Dmy), ..opts() };
    assert!(!preview(&store, "ambiguous_dates.csv", &dmy).await.needs_date_order);
    import(&store, "ambiguous_dates.csv", &dmy).await.unwrap();
    assert_eq!(
        by_email(&store, "ana@ruiz.example").await.birthday.unwrap().to_string(),
        "1990-04-03"
    );
    assert_eq!(
        by_email(&store, "ben@ode.example").await.birthday.unwrap().to_string(),
        "1991-07-08"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rows_stop_the_whole_import_unless_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "bad_rows.csv", &opts()).await;
    assert_eq!((p.rows, p.created, p.errors), (5, 2, 3));
    // Problems first, each with its row and column.
    let errs: Vec<(u64, Option<&str>)> =
        p.report.iter().take(3).map(|r| (r.row, r.issues[0].column.as_deref())).collect();
    assert_eq!(errs, vec![(3, None), (4, Some("Email")), (6, Some("Birthday"))]);
    assert!(p.report[0].issues[0].message.contains("has 2 cells but the header has 3"));
    assert!(
        p.report[2].issues[0].message.contains("`31/02/1990` is not a real date"),
        "{:?}",
        p.report[2]
    );

    let ops = count(&store, "SELECT count(*) FROM ops").await;
    let e = import(&store, "bad_rows.csv", &opts()).await.unwrap_err();
    let m = e.to_string();
    assert!(m.starts_with("rows: 3 rows have errors: row 3 ("), "{m}");
    assert!(
        m.contains("row 4 (column \"Email\"") && m.contains("row 6 (column \"Birthday\""),
        "{m}"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM customers").await, 0);
    assert_eq!(count(&store, "SELECT count(*) FROM ops").await, ops);
    assert_eq!(count(&store, "SELECT count(*) FROM import_batches").await, 0);

    let skip = ImportOptions { skip_bad_rows: true, ..opts() };
    let s = import(&store, "bad_rows.csv", &skip).await.unwrap();
    assert_eq!((s.created, s.skipped), (2, 3));
    assert_eq!(count(&store, "SELECT count(*) FROM customers WHERE deleted_at IS NULL").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dry_run_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    import(&store, "hubspot.csv", &opts()).await.unwrap();
    let tables = [
        "customers",
        "ops",
        "contact_points",
        "customer_tags",
        "import_batches",
        "customer_external_ids",
    ];
    let mut before = Vec::new();
    for t in tables {
        before.push(count(&store, &format!("SELECT count(*) FROM {t}")).await);
    }
    for name in ["google.csv", "hubspot_later.csv", "bad_rows.csv"] {
        preview(&store, name, &opts()).await;
    }
    for (t, n) in tables.iter().zip(before) {
        assert_eq!(count(&store, &format!("SELECT count(*) FROM {t}")).await, n, "{t}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn updates_merge_and_never_blank_a_stored_value() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&rapport_core::customers::NewCustomer {
            name: "Ada Lovelace".into(),
            emails: vec!["ada@home.example".into()],
            title: Some("Countess".into()),
            tags: vec!["poetry".into()],
            notes: Some("Kept".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let p = preview(&store, "google.csv", &opts()).await;
    let row = p.report.iter().find(|r| r.row == 2).unwrap();
    assert_eq!((row.action, row.customer_id), (ImportRowAction::Update, Some(c.id)));
    import(&store, "google.csv", &opts()).await.unwrap();
    let ada = store.get_customer(c.id).await.unwrap();
    assert_eq!(
        ada.title.as_deref(),
        Some("Mathematician"),
        "a value in the file replaces the stored one"
    );
    assert_eq!(ada.notes.as_deref(), Some("Met at the Royal Society.\nLikes poetry."));
    assert_eq!(ada.tags, vec!["Friends", "poetry", "VIP"], "tags are unioned");
    assert_eq!(
        ada.emails.iter().map(|e| e.value.as_str()).collect::<Vec<_>>(),
        vec!["ada@home.example", "ada@engines.example", "ada.l@engines.example"]
    );
    // A file whose cells are empty changes nothing.
    let s = store
        .import_file(
            "blank.csv",
            b"Name,Email,Title,Notes\nAda Lovelace,ada@home.example,,\n",
            &opts(),
            &|_, _| {},
            &AtomicBool::new(false),
        )
        .await
        .unwrap();
    assert_eq!((s.updated, s.unchanged), (0, 1));
    assert_eq!(store.get_customer(c.id).await.unwrap().title.as_deref(), Some("Mathematician"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_deletes_what_was_created_and_restores_what_was_updated() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&rapport_core::customers::NewCustomer {
            name: "Ada L.".into(),
            emails: vec!["ada@home.example".into()],
            title: Some("Countess".into()),
            tags: vec!["poetry".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    let before = store.get_customer(c.id).await.unwrap();
    let s = import(&store, "google.csv", &opts()).await.unwrap();
    assert_eq!((s.created, s.updated), (2, 1));
    let batches = store.import_batches().await.unwrap();
    assert_eq!(batches.len(), 1);
    assert_eq!(
        (batches[0].id, batches[0].file_name.as_str(), batches[0].created, batches[0].updated),
        (s.batch_id, "google.csv", 2, 1)
    );
    let ops = count(&store, "SELECT count(*) FROM ops").await;

    let undone = store.undo_import(None).await.unwrap();
    assert_eq!(undone.id, s.batch_id);
    assert!(undone.undone_at.is_some());
    let after = store.get_customer(c.id).await.unwrap();
    assert_eq!(
        (
            after.display_name.as_str(),
            after.title.as_deref(),
            &after.tags,
            &after.emails,
            &after.phones,
            &after.addresses,
            after.company_id,
            after.birthday
        ),
        (
            before.display_name.as_str(),
            before.title.as_deref(),
            &before.tags,
            &before.emails,
            &before.phones,
            &before.addresses,
            before.company_id,
            before.birthday
        )
    );
    assert_eq!(after.given_name, before.given_name);
    assert!(
        store.resolve_customer("grace@navy.example").await.is_err(),
        "a created customer is gone"
    );
    // The companies the import created go too; only Ada is left.
    assert_eq!(count(&store, "SELECT count(*) FROM customers WHERE deleted_at IS NULL").await, 1);
    // The undo's writes are ops (they sync like any edit), including the deletes.
    assert!(count(&store, "SELECT count(*) FROM ops").await > ops);
    assert_eq!(
        count(&store, &format!("SELECT count(*) FROM ops WHERE seq > {ops} AND field = 'deleted'"))
            .await,
        4
    );
    let e = store.undo_import(Some(s.batch_id)).await.unwrap_err();
    assert!(e.to_string().contains("already undone"), "{e}");
    assert_eq!(store.undo_import(None).await.unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_keeps_an_edit_made_after_the_import() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let c = store
        .add_customer(&rapport_core::customers::NewCustomer {
            name: "Kim Nguyen".into(),
            emails: vec!["kim@acme.example".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    import(&store, "hubspot.csv", &opts()).await.unwrap();
    store.edit_customer(c.id, &[("owner".into(), "Someone Else".into())]).await.unwrap();
    store.undo_import(None).await.unwrap();
    let kim = store.get_customer(c.id).await.unwrap();
    assert_eq!(kim.owner.as_deref(), Some("Someone Else"), "changed after the import: kept");
    assert_eq!(kim.company_id, None, "set by the import and untouched since: restored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_is_reported_and_cancel_rolls_everything_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let last = AtomicU64::new(0);
    let total = AtomicU64::new(0);
    let cancel = AtomicBool::new(false);
    let progress = |d: u64, t: u64| {
        last.store(d, Ordering::Relaxed);
        total.store(t, Ordering::Relaxed);
        if d == 2 {
            cancel.store(true, Ordering::Relaxed);
        }
    };
    let e = store
        .import_file("google.csv", &corpus("google.csv"), &opts(), &progress, &cancel)
        .await
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Cancelled);
    assert_eq!(last.load(Ordering::Relaxed), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM customers").await, 0);
    assert_eq!(count(&store, "SELECT count(*) FROM ops").await, 0);
    assert_eq!(count(&store, "SELECT count(*) FROM import_batches").await, 0);
    let none = AtomicBool::new(false);
    let s = store
        .import_file(
            "google.csv",
            &corpus("google.csv"),
            &opts(),
            &|d, t| last.store(d * 100 + t, Ordering::Relaxed),
            &none,
        )
        .await
        .unwrap();
    assert_eq!(s.created, 3);
    // The last call says all 3 rows' customers are written (companies come with them).
    assert_eq!(last.load(Ordering::Relaxed), 303);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_mapping_is_used_when_its_columns_match() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let file = "Kundennummer;Kunde;Kontakt\nK-1;Fritz Ober;fritz@ober.example\n".as_bytes();
    let p = store.import_preview("k.csv", file, &opts()).await.unwrap();
    assert_eq!(p.source, Some(CsvSource::Generic));
    let mapping = ColumnMapping {
        columns: vec![
            ColumnTarget { column: "Kundennummer".into(), field: Some("external_id".into()) },
            ColumnTarget { column: "Kunde".into(), field: Some("name".into()) },
            ColumnTarget { column: "Kontakt".into(), field: Some("email:work".into()) },
        ],
    };
    let e = store
        .save_mapping(
            "bad",
            &ColumnMapping {
                columns: vec![ColumnTarget { column: "x".into(), field: Some("emial".into()) }],
            },
        )
        .await
        .unwrap_err();
    assert!(e.to_string().starts_with("mapping: `emial`"), "{e}");
    store.save_mapping("Our shop", &mapping).await.unwrap();
    assert_eq!(store.list_mappings().await.unwrap().len(), 1);
    let p = store.import_preview("k.csv", file, &opts()).await.unwrap();
    assert_eq!(p.source, Some(CsvSource::Custom));
    assert_eq!(p.columns[2].field.as_deref(), Some("email:work"));
    store.import_file("k.csv", file, &opts(), &|_, _| {}, &AtomicBool::new(false)).await.unwrap();
    let f = by_email(&store, "fritz@ober.example").await;
    assert_eq!(labeled(&f.emails), vec![(Some("work"), "fritz@ober.example")]);
    store.delete_mapping("Our shop").await.unwrap();
    assert!(store.list_mappings().await.unwrap().is_empty());
    assert_eq!(store.delete_mapping("Our shop").await.unwrap_err().code(), ErrorCode::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_rows_in_one_file_become_one_customer() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let file = b"Name,Email,Phone,Tags\nAda Lovelace,ada@x.example,,a\nAda,ADA@x.example,+44 20 7946 0958,b\n";
    let p = store.import_preview("d.csv", file, &opts()).await.unwrap();
    assert_eq!(p.created, 1);
    let second = p.report.iter().find(|r| r.row == 3).unwrap();
    assert!(second.issues[0].message.contains("the same contact as row 2"), "{second:?}");
    store.import_file("d.csv", file, &opts(), &|_, _| {}, &AtomicBool::new(false)).await.unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM customers").await, 1);
    let ada = by_email(&store, "ada@x.example").await;
    assert_eq!(ada.tags, vec!["a", "b"]);
    assert_eq!(ada.phones.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formula_escaped_cells_and_a_bom_read_back_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let p = preview(&store, "utf8_bom.csv", &opts()).await;
    assert_eq!(p.columns[0].column, "name", "the BOM is not part of the first header");
    import(&store, "utf8_bom.csv", &opts()).await.unwrap();
    let u = by_email(&store, "unal@celik.example").await;
    assert_eq!(u.display_name, "Ünal Çelik");
    assert_eq!(u.phones[0].value, "+90 212 555 0101");
    assert_eq!(u.tags, vec!["-vip", "@home"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_export_is_spreadsheet_safe_and_reimports_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    for name in ["google.csv", "outlook_ansi.csv", "hubspot.csv", "salesforce.csv", "generic.csv"] {
        import(&store, name, &opts()).await.unwrap();
    }
    // Everything the CSV carries, including values that look like formulas.
    let c = store
        .add_customer(&rapport_core::customers::NewCustomer {
            name: "=HYPERLINK(\"http://evil.example\")".into(),
            emails: vec!["eve@evil.example".into()],
            phones: vec!["-12 345".into()],
            tags: vec!["@risk".into(), "'=quoted".into()],
            notes: Some("+1 for this\nsecond line".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    store
        .edit_customer(
            c.id,
            &[
                ("quiet_hours".into(), "22:00-07:30".into()),
                ("keep_in_touch".into(), "30".into()),
                ("channel".into(), "in person".into()),
                ("custom.Shoe size".into(), "=42".into()),
                ("key_facts".into(), r#"[{"kind":"pet","label":"dog","value":"Rex"}]"#.into()),
                ("important_dates".into(), r#"[{"label":"wedding","date":"--06-21"}]"#.into()),
            ],
        )
        .await
        .unwrap();
    let mut out = Vec::new();
    let n = store.export_csv(&mut out).await.unwrap();
    let live = count(&store, "SELECT count(*) FROM customers WHERE deleted_at IS NULL").await;
    assert_eq!(n as i64, live);
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(
        text.starts_with(
            "rapport_id,kind,name,given_name,family_name,company,title,emails,phones,"
        ),
        "{text}"
    );
    // Every cell that starts with a formula trigger is prefixed with ' (checked on the parsed cells).
    let mut r = csv::ReaderBuilder::new().from_reader(out.as_slice());
    let mut cells = 0;
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            cells += 1;
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "unsafe cell {cell:?}");
        }
    }
    assert!(cells > 100);
    // A phone starting with + stays readable, as text (a labelled one starts with its label).
    assert!(text.contains(",'+1 415 555 0100,"), "{text}");
    assert!(text.contains(",mobile: +44 20 7946 0958,"), "{text}");
    assert!(text.contains(",'-12 345,"), "{text}");
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), "{text}");

    let ops = count(&store, "SELECT count(*) FROM ops").await;
    let p = store.import_preview("export.csv", &out, &opts()).await.unwrap();
    assert_eq!(p.rows as i64, live);
    assert!(p.report.iter().all(|r| r.action == ImportRowAction::Unchanged), "{:#?}", p.report);
    store
        .import_file("export.csv", &out, &opts(), &|_, _| {}, &AtomicBool::new(false))
        .await
        .unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM ops").await, ops);

    // Into an empty store, the same file recreates the same customers.
    let dir2 = tempfile::tempdir().unwrap();
    let other = new_store(dir2.path()).await;
    let s = other
        .import_file("export.csv", &out, &opts(), &|_, _| {}, &AtomicBool::new(false))
        .await
        .unwrap();
    assert_eq!(s.created as i64, live);
    assert_eq!(
        count(&other, "SELECT count(*) FROM customers").await,
        live,
        "no company was made twice"
    );
    let eve = by_email(&other, "eve@evil.example").await;
    let orig = store.get_customer(c.id).await.unwrap();
    assert_eq!(
        (
            &eve.display_name,
            &eve.tags,
            &eve.phones,
            &eve.notes,
            &eve.quiet_hours,
            &eve.custom_fields,
            &eve.key_facts,
            &eve.important_dates,
            eve.preferred_channel,
            eve.keep_in_touch_days
        ),
        (
            &orig.display_name,
            &orig.tags,
            &orig.phones,
            &orig.notes,
            &orig.quiet_hours,
            &orig.custom_fields,
            &orig.key_facts,
            &orig.important_dates,
            orig.preferred_channel,
            orig.keep_in_touch_days
        )
    );
    let ada = by_email(&other, "ada@engines.example").await;
    let ada0 = by_email(&store, "ada@engines.example").await;
    assert_eq!(
        (&ada.emails, &ada.addresses, &ada.company_name, ada.birthday),
        (&ada0.emails, &ada0.addresses, &ada0.company_name, ada0.birthday)
    );
    let mut again = Vec::new();
    other.export_csv(&mut again).await.unwrap();
    let p = store.import_preview("again.csv", &again, &opts()).await.unwrap();
    assert!(p.report.iter().all(|r| r.action == ImportRowAction::Unchanged), "{:#?}", p.report);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_company_row_after_its_people_is_the_company_they_point_at() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    // The people name the company before its own row does (a file sorted by name).
    let file = "name,kind,company,emails\r\n\
                Ada Lovelace,person,Acme Engines,ada@acme.example\r\n\
                Bob Babbage,person,ACME ENGINES,bob@acme.example\r\n\
                Acme Engines,company,,hello@acme.example\r\n\
                Zed Other,person,Other Ltd,zed@other.example\r\n";
    let s = store
        .import_file(
            "people-first.csv",
            file.as_bytes(),
            &opts(),
            &|_, _| {},
            &AtomicBool::new(false),
        )
        .await
        .unwrap();
    assert_eq!(s.created, 4);
    // One Acme, with its row's fields, and a blank Other Ltd made for Zed.
    let companies: Vec<String> = sqlx::query_scalar(
        "SELECT display_name FROM customers WHERE kind = 'company' ORDER BY display_name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(companies, ["Acme Engines", "Other Ltd"]);
    let acme = by_email(&store, "hello@acme.example").await;
    for email in ["ada@acme.example", "bob@acme.example"] {
        assert_eq!(by_email(&store, email).await.company_id, Some(acme.id), "{email}");
    }
    // Searching the company's name finds its people through it.
    let (found, _) = store.search("acme", 10).await.unwrap();
    assert!(found.len() >= 3, "{found:?}");

    // Undo removes all of it, the company once.
    store.undo_import(None).await.unwrap();
    assert_eq!(count(&store, "SELECT count(*) FROM customers WHERE deleted_at IS NULL").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undoing_an_import_that_replaced_a_photo_brings_the_old_photo_back() {
    use base64::Engine as _;
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let jpeg = |last: u8| {
        let mut b = hex::decode("ffd8ffe000104a46494600010100000100010000ffd9").unwrap();
        b[16] = last;
        b
    };
    let card = |name: &str, email: &str, photo: Option<&[u8]>| {
        let photo = photo
            .map(|p| {
                let b64 = base64::engine::general_purpose::STANDARD.encode(p);
                format!("PHOTO;ENCODING=b;TYPE=JPEG:{b64}\r\n")
            })
            .unwrap_or_default();
        format!("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:{email}\r\n{photo}END:VCARD\r\n")
    };
    let first = card("Ada Lovelace", "ada@example.com", Some(&jpeg(1)));
    import_bytes(&store, "first.vcf", first.as_bytes()).await.unwrap();
    let ada = by_email(&store, "ada@example.com").await.id;
    // New people before and after Ada, without photos, and Ada with another photo: the
    // undo record has rows with and without a previous photo.
    let second = [
        card("Bob Byte", "bob@example.com", None),
        card("Ada Lovelace", "ada@example.com", Some(&jpeg(2))),
        card("Cy Cle", "cy@example.com", None),
    ]
    .concat();
    let s = import_bytes(&store, "second.vcf", second.as_bytes()).await.unwrap();
    assert_eq!((s.created, s.updated), (2, 1));
    assert_eq!(store.customer_photo(ada).await.unwrap().unwrap().data, jpeg(2));

    store.undo_import(None).await.unwrap();
    assert_eq!(store.customer_photo(ada).await.unwrap().unwrap().data, jpeg(1));
    assert_eq!(count(&store, "SELECT count(*) FROM customers WHERE deleted_at IS NULL").await, 1);
}

/// The store can't grow (SQLite's `max_page_count` stands in for a full disk: the same
/// SQLITE_FULL, which SQLite also returns for ENOSPC): the import says so in words, keeps
/// nothing, and works once there is room again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_is_said_in_words_and_the_import_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let mut csv = String::from("Name,Email\n");
    for i in 0..3_000 {
        csv.push_str(&format!("Person {i},p{i}@example.com\n"));
    }
    import_bytes(&store, "first.csv", b"Name\nAda Lovelace\n").await.unwrap();
    let before = count(&store, "SELECT count(*) FROM customers").await;

    let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(store.pool()).await.unwrap();
    cap_pages(&store, pages + 8).await;
    let err = import_bytes(&store, "people.csv", csv.as_bytes()).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::Io, "{err}");
    let message = rapport_core::ApiError::from(&err).message;
    assert!(message.contains("disk is full") && message.contains("not saved"), "{message}");
    assert_eq!(count(&store, "SELECT count(*) FROM customers").await, before);
    assert_eq!(count(&store, "SELECT count(*) FROM import_batches").await, 1);

    cap_pages(&store, 1 << 30).await;
    let s = import_bytes(&store, "people.csv", csv.as_bytes()).await.unwrap();
    assert_eq!(s.created, 3_000);
    let ok: String =
        sqlx::query_scalar("PRAGMA integrity_check").fetch_one(store.pool()).await.unwrap();
    assert_eq!(ok, "ok");
}

/// Sets `max_page_count` on every pooled connection (it is per connection): holds them all
/// at once so each gets it.
async fn cap_pages(store: &Store, n: i64) {
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut conn = store.pool().acquire().await.unwrap();
        sqlx::query(&format!("PRAGMA max_page_count = {n}")).execute(&mut *conn).await.unwrap();
        held.push(conn);
    }
}

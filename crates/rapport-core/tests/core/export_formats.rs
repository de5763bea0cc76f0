//! Exports in every format: iCalendar checked against RFC 5545's rules, vCard from a real
//! store read back, and files written whole or not at all.

use rapport_core::customers::{CustomerKind, NewCustomer};
use rapport_core::export_file::ExportFormat;
use rapport_core::ics::write_ics;
use rapport_core::import::ImportRecord;
use rapport_core::vcard::{read_vcards, VcardOptions};
use rapport_core::ErrorCode;

use crate::support::{at, new_store};

/// RFC 5545 §3.1: lines end in CRLF, are at most 75 octets, and a continuation starts
/// with one space or tab. Returns the unfolded content lines.
fn content_lines(ics: &str) -> Vec<String> {
    assert!(ics.ends_with("\r\n"), "ends with CRLF");
    let body = &ics[..ics.len() - 2];
    let mut out: Vec<String> = Vec::new();
    for line in body.split("\r\n") {
        assert!(!line.contains('\n') && !line.contains('\r'), "a bare line break in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
        match line.strip_prefix(' ') {
            Some(rest) => out.last_mut().expect("a first line").push_str(rest),
            None => out.push(line.to_string()),
        }
    }
    out
}

/// The components (`BEGIN:X` … `END:X`) of a calendar, as their content lines.
fn components(lines: &[String], kind: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut cur: Option<Vec<String>> = None;
    for l in lines {
        if *l == format!("BEGIN:{kind}") {
            cur = Some(Vec::new());
        } else if *l == format!("END:{kind}") {
            out.push(cur.take().expect("begun"));
        } else if let Some(c) = cur.as_mut() {
            c.push(l.clone());
        }
    }
    out
}

fn has(c: &[String], line: &str) -> bool {
    c.iter().any(|l| l == line)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ics_follow_ups_and_personal_dates_follow_rfc_5545() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let long = "Ask about the Zürich order, the invoice; and the 🚀 launch — twice as long as a line may be, so it folds";
    let ada = store
        .add_customer(&NewCustomer {
            name: "Ada, Countess; Lovelace".into(),
            birthday: Some("1985-03-12".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    store
        .edit_customer(
            ada,
            &[(
                "important_dates".into(),
                r#"[{"label":"wedding","date":"--06-20"},{"label":"leap","date":"--02-29"}]"#
                    .into(),
            )],
        )
        .await
        .unwrap();
    let leapling = store
        .add_customer(&NewCustomer {
            name: "Leap Ling".into(),
            birthday: Some("1984-02-29".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let due = at("2026-12-01T09:30:00Z");
    let open = store
        .add_followup(ada, &format!("Call back, re: invoice; urgent\n{long}"), due)
        .await
        .unwrap();
    let done = store.add_followup(leapling, "Done already", due).await.unwrap();
    store.complete_followup(done.id).await.unwrap();

    let export = store.export_bytes(ExportFormat::Ics, None).await.unwrap();
    let text = String::from_utf8(export.bytes).unwrap();
    let lines = content_lines(&text);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(has(&lines, "VERSION:2.0"));
    assert!(lines.iter().any(|l| l.starts_with("PRODID:")), "PRODID is required (§3.7.3)");

    let todos = components(&lines, "VTODO");
    assert_eq!(todos.len(), 1, "only the open follow-up");
    let t = &todos[0];
    assert!(has(t, &format!("UID:{}@rapport", open.id)), "{t:?}");
    // DTSTAMP from the store's clock (support::clock is 2026-11-22T10:00:00Z), UTC form.
    assert!(has(t, "DTSTAMP:20261122T100000Z"), "{t:?}");
    assert!(has(t, "DUE:20261201T093000Z"), "{t:?}");
    // §3.3.11: `\,` `\;` and `\n` in TEXT.
    assert!(
        has(
            t,
            &format!(
                "SUMMARY:Call back\\, re: invoice\\; urgent\\n{}",
                long.replace(',', "\\,").replace(';', "\\;")
            )
        ),
        "{t:?}"
    );
    assert!(text.contains("\r\n "), "the long summary is folded");

    let events = components(&lines, "VEVENT");
    assert_eq!(events.len(), 4, "two birthdays and two important dates: {events:?}");
    let event = |summary: &str| {
        events
            .iter()
            .find(|e| has(e, &format!("SUMMARY:{summary}")))
            .unwrap_or_else(|| panic!("no event {summary} in {events:?}"))
    };
    let b = event("Birthday: Ada\\, Countess\\; Lovelace");
    assert!(has(b, "DTSTART;VALUE=DATE:19850312") && has(b, "RRULE:FREQ=YEARLY"), "{b:?}");
    assert!(has(b, &format!("UID:birthday-{ada}@rapport")));
    assert!(has(b, "DTSTAMP:20261122T100000Z"));
    // Year-less dates start in 2000, a leap year, so 29 February exists.
    let w = event("Wedding: Ada\\, Countess\\; Lovelace");
    assert!(has(w, "DTSTART;VALUE=DATE:20000620") && has(w, "RRULE:FREQ=YEARLY"), "{w:?}");
    // 29 February recurs on the last day of February, not only in leap years.
    let l = event("Leap: Ada\\, Countess\\; Lovelace");
    assert!(
        has(l, "DTSTART;VALUE=DATE:20000229")
            && has(l, "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"),
        "{l:?}"
    );
    let ll = event("Birthday: Leap Ling");
    assert!(
        has(ll, "DTSTART;VALUE=DATE:19840229")
            && has(ll, "RRULE:FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=-1"),
        "{ll:?}"
    );
    assert_eq!(export.records, 5);

    // UIDs are stable: a second export (an hour later) has the same ones.
    let again = write_ics(
        &store.list_followups(Default::default(), None).await.unwrap(),
        &[store.get_customer(ada).await.unwrap(), store.get_customer(leapling).await.unwrap()],
        at("2026-11-22T11:00:00Z"),
    );
    let uids = |t: &str| {
        let mut u: Vec<String> =
            content_lines(t).into_iter().filter(|l| l.starts_with("UID:")).collect();
        u.sort();
        u
    };
    assert_eq!(uids(&text), uids(&again.0));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vcard_export_of_a_stored_customer_reads_back_as_the_same_customer() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let id = store
        .add_customer(&NewCustomer {
            name: "Amélie Dubois".into(),
            emails: vec!["amelie@example.fr".into()],
            phones: vec!["+33 6 12 34 56 78".into()],
            company: Some("Café, Lumière; SARL".into()),
            title: Some("Owner".into()),
            tags: vec!["vip".into(), "coffee; beans".into()],
            birthday: Some("--03-12".into()),
            keep_in_touch_days: Some(21),
            notes: Some("Line one\nLine two, with \\ and ;".into()),
            ..Default::default()
        })
        .await
        .unwrap()
        .id;
    let edits: Vec<(String, String)> = [
        ("addresses", r#"[{"label":"home","street":"12 Rue de la Paix\n2e étage","city":"Paris","postal_code":"75002","country":"France"}]"#),
        ("important_dates", r#"[{"label":"anniversary","date":"2015-06-20"}]"#),
        ("key_facts", r#"[{"kind":"pet","label":"dog","value":"Rex, a beagle"}]"#),
        ("how_we_met", "At the market; Saturday"),
        ("channel", "whatsapp"),
        ("quiet_hours", "21:00-08:00"),
        ("keep_in_touch_max", "40"),
        ("stage", "customer"),
        ("lead_source", "Referral"),
        ("owner", "sam"),
        ("custom.Loyalty card", "LC-0042"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let c = store.edit_customer(id, &edits).await.unwrap();

    let export = store.export_bytes(ExportFormat::Vcard, Some(id)).await.unwrap();
    assert_eq!(export.records, 1);
    let records = read_vcards(&export.bytes, &VcardOptions::default()).unwrap();
    assert_eq!(records.len(), 1);
    let r: &ImportRecord = &records[0];
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(r.kind, Some(CustomerKind::Person));
    assert_eq!(r.display_name.as_deref(), Some(c.display_name.as_str()));
    assert_eq!((&r.given_name, &r.family_name), (&c.given_name, &c.family_name));
    assert_eq!(r.company, c.company_name);
    assert_eq!(r.title, c.title);
    assert_eq!(r.emails, c.emails);
    assert_eq!(r.phones, c.phones);
    assert_eq!(r.addresses, c.addresses);
    assert_eq!(r.tags, c.tags);
    assert_eq!(r.birthday, c.birthday);
    assert_eq!(r.important_dates, c.important_dates);
    assert_eq!(r.key_facts, c.key_facts);
    assert_eq!(r.how_we_met, c.how_we_met);
    assert_eq!(r.preferred_channel, c.preferred_channel);
    assert_eq!(r.quiet_hours, c.quiet_hours);
    assert_eq!(
        (r.keep_in_touch_days, r.keep_in_touch_max_days),
        (c.keep_in_touch_days, c.keep_in_touch_max_days)
    );
    assert_eq!(r.lifecycle_stage, Some(c.lifecycle_stage));
    assert_eq!(r.lead_source, c.lead_source);
    assert_eq!(r.owner, c.owner);
    assert_eq!(r.custom_fields, c.custom_fields);
    assert_eq!(r.notes, c.notes);

    // Everyone: the person and the company the store created for her.
    let all = store.export_bytes(ExportFormat::Vcard, None).await.unwrap();
    let records = read_vcards(&all.bytes, &VcardOptions::default()).unwrap();
    assert_eq!(all.records, 2);
    let company =
        records.iter().find(|r| r.kind == Some(CustomerKind::Company)).expect("company card");
    assert_eq!(company.display_name.as_deref(), Some("Café, Lumière; SARL"));
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_files_are_whole_or_absent() {
    let dir = tempfile::tempdir().unwrap();
    let store = new_store(dir.path()).await;
    let ada = store
        .add_customer(&NewCustomer { name: "Ada Lovelace".into(), ..Default::default() })
        .await
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };

    let target = out.path().join("contacts.vcf");
    let summary = store.export_to_file(ExportFormat::Vcard, &target, None, false).await.unwrap();
    assert_eq!((summary.format, summary.records), (ExportFormat::Vcard, 1));
    assert_eq!(summary.path, target.display().to_string());
    let first = std::fs::read(&target).unwrap();
    assert!(first.starts_with(b"BEGIN:VCARD\r\nVERSION:4.0\r\n"));

    // Refusing to overwrite leaves the file as it was.
    let err = store.export_to_file(ExportFormat::Ics, &target, None, false).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::AlreadyExists);
    assert!(err.to_string().contains("must not exist"), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), first);

    // Overwriting replaces it whole.
    store.export_to_file(ExportFormat::Ics, &target, None, true).await.unwrap();
    assert!(std::fs::read(&target).unwrap().starts_with(b"BEGIN:VCALENDAR\r\n"));

    // A failed export (CSV is of every customer, not one) writes nothing, not even a temp file.
    let csv = out.path().join("contacts.csv");
    let err = store.export_to_file(ExportFormat::Csv, &csv, Some(ada.id), true).await.unwrap_err();
    assert_eq!(err.code(), ErrorCode::InvalidInput);
    assert!(err.to_string().starts_with("customer: "), "{err}");
    // A missing directory fails with the path named, and leaves nothing.
    let err = store
        .export_to_file(ExportFormat::Json, &out.path().join("nope/x.json"), None, true)
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Io);
    assert!(err.to_string().contains("nope"), "{err}");
    assert_eq!(listing(), ["contacts.vcf"]);

    // JSON keeps its shape (the existing full export).
    let json = out.path().join("all.json");
    let s = store.export_to_file(ExportFormat::Json, &json, None, false).await.unwrap();
    assert_eq!(s.records, 1);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["format"], "rapport-export");
    assert_eq!(v["customers"][0]["display_name"], "Ada Lovelace");

    store.close().await;
}

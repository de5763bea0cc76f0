//! `rapport export --format json|csv|vcard|ics [--out FILE] [--customer C]`.

use crate::support::{Rapport, PASS};

#[test]
fn exports_vcard_and_ics_to_stdout_or_a_new_file() {
    let r = Rapport::new().passphrase(Some(PASS));
    let at = |args: &[&str]| r.json(&[&["--now", "2026-11-22T10:00:00Z"], args].concat());
    at(&["init"]);
    at(&[
        "customer",
        "add",
        "--name",
        "Ada Lovelace",
        "--email",
        "ada@example.com",
        "--birthday=--12-10",
    ]);
    at(&["customer", "add", "--name", "Grace Hopper", "--company", "Navy; Research, Inc."]);
    at(&[
        "followup",
        "add",
        "Ada Lovelace",
        "--due",
        "2026-12-01T09:00:00Z",
        "--title",
        "Send a card, then call",
    ]);

    // One customer's vCard, to stdout.
    let out = r.run(&["export", "--format", "vcard", "--customer", "ada@example.com"]).success();
    assert_eq!(out.stdout.matches("BEGIN:VCARD\r\n").count(), 1, "{}", out.stdout);
    assert!(out.stdout.contains("\r\nFN:Ada Lovelace\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\r\nBDAY:--1210\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\r\nEMAIL;PREF=1:ada@example.com\r\n"), "{}", out.stdout);

    // Everyone, to a new file; --json reports what was written.
    let file = r.path("all.vcf");
    let f = file.to_str().expect("utf-8");
    let summary = r.json(&["export", "--format", "vcard", "--out", f]);
    assert_eq!(summary["format"], "vcard");
    assert_eq!(summary["records"], 3, "Ada, Grace and the company made for Grace: {summary}");
    let text = std::fs::read_to_string(&file).expect("written");
    assert!(text.contains("\r\nORG:Navy\\; Research\\, Inc.\r\n"), "{text}");
    assert!(text.contains("\r\nKIND:org\r\n"), "{text}");
    // Never overwrites.
    let again = r.run(&["export", "--format", "ics", "--out", f]);
    assert_ne!(again.code, Some(0));
    assert!(again.stderr.contains("must not exist"), "{}", again.stderr);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);

    // Follow-ups and personal dates as a calendar, stamped with --now.
    let out = r.run(&["--now", "2026-11-22T10:00:00Z", "export", "--format", "ics"]).success();
    assert!(out.stdout.starts_with("BEGIN:VCALENDAR\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\r\nSUMMARY:Send a card\\, then call\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\r\nDUE:20261201T090000Z\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\r\nDTSTAMP:20261122T100000Z\r\n"), "{}", out.stdout);
    assert!(out.stdout.contains("\r\nDTSTART;VALUE=DATE:20001210\r\n"), "{}", out.stdout);

    // CSV: every customer, one row each; one customer is refused with no file left.
    let csv = r.path("all.csv");
    r.run(&["export", "--format", "csv", "--out", csv.to_str().unwrap()]).success();
    assert!(std::fs::read_to_string(&csv).unwrap().starts_with("rapport_id,kind,name,"));
    let one = r.path("one.csv");
    let out = r.run(&[
        "--json",
        "export",
        "--format",
        "csv",
        "--customer",
        "Ada Lovelace",
        "--out",
        one.to_str().unwrap(),
    ]);
    assert_ne!(out.code, Some(0));
    assert_eq!(out.error()["code"], "invalid_input");
    assert!(!one.exists());
}

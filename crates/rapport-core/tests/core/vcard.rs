//! vCard: hand-made cards in tests/corpus/vcard/ as Apple, Google, Outlook (2.1) and an
//! RFC 6350 writer produce them, each read with the values the format's definition gives
//! (RFC 2426 for 3.0, RFC 6350 for 4.0, the versit vCard 2.1 spec), broken cards, and the
//! round trip customer → vCard 4.0 → record.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use proptest::prelude::*;
use rapport_core::customers::{
    Address, Channel, Customer, CustomerKind, FactKind, ImportantDate, KeyFact, Labeled,
    LifecycleStage, QuietHours,
};
use rapport_core::dates::PersonalDate;
use rapport_core::import::{ImportRecord, Photo, Severity};
use rapport_core::vcard::{read_vcards, write_vcards, VcardOptions};
use uuid::Uuid;

use crate::support::at;

fn corpus(name: &str) -> Vec<u8> {
    let path = format!("{}/../../tests/corpus/vcard/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str) -> Vec<ImportRecord> {
    read_vcards(&corpus(name), &VcardOptions::default()).expect("a vCard file")
}

fn day(s: &str) -> PersonalDate {
    PersonalDate::Full(NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date"))
}

fn lab(label: Option<&str>, value: &str) -> Labeled {
    Labeled { label: label.map(str::to_string), value: value.to_string() }
}

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

fn no_issues(r: &ImportRecord) {
    assert!(r.issues.is_empty(), "card {}: {:?}", r.row, r.issues);
}

/// The tiny JPEG the corpus files carry (SOI, a JFIF APP0 start, EOI).
const JPEG: &str = "ffd8ffe000104a46494600010100000100010000ffd9";

#[test]
fn apple_contacts_3_0() {
    let cards = read("apple-3.0.vcf");
    assert_eq!(cards.len(), 2);
    let a = &cards[0];
    no_issues(a);
    assert_eq!(a.row, 1);
    assert_eq!(a.kind, Some(CustomerKind::Person));
    assert_eq!(a.display_name, s("Amélie Dubois"));
    assert_eq!(
        (a.given_name.as_deref(), a.family_name.as_deref()),
        (Some("Amélie"), Some("Dubois"))
    );
    // ORG: organization name; organizational units follow after `;` (RFC 2426 §3.5.5).
    assert_eq!(a.company, s("Café Lumière"));
    assert_eq!(a.title, s("Owner"));
    // type=pref first (RFC 2426 §3.3.2); an item group takes its X-ABLabel.
    assert_eq!(
        a.emails,
        [
            lab(Some("work"), "amelie@cafe-lumiere.example"),
            lab(Some("Studio"), "amelie.studio@example.fr")
        ]
    );
    // CELL is a mobile; Apple's built-in `_$!<Main>!$_` label reads as "main".
    assert_eq!(
        a.phones,
        [lab(Some("mobile"), "+33 6 12 34 56 78"), lab(Some("main"), "+33 1 23 45 67 89")]
    );
    // ADR: post office box; extended; street; locality; region; postal code; country.
    assert_eq!(
        a.addresses,
        [Address {
            label: s("home"),
            street: s("12 Rue de la Paix\n2e étage"),
            city: s("Paris"),
            region: None,
            postal_code: s("75002"),
            country: s("France"),
        }]
    );
    // X-APPLE-OMIT-YEAR=1604 marks a birthday without a year.
    assert_eq!(a.birthday, Some(PersonalDate::YearLess { month: 3, day: 12 }));
    assert_eq!(
        a.important_dates,
        [
            ImportantDate { label: "anniversary".into(), date: day("2015-06-20") },
            ImportantDate { label: "Opened the café".into(), date: day("2019-09-01") },
        ]
    );
    // `\,` is a comma and `\n` a line break (RFC 2426 §4, text value escapes).
    assert_eq!(a.notes, s("Loves the dark roast, no sugar.\nCall after 10."));
    assert_eq!(a.tags, ["vip", "coffee"]);
    let photo = a.photo.as_ref().expect("photo");
    assert_eq!(photo.mime, "image/jpeg");
    assert_eq!(hex::encode(&photo.data), JPEG);
    assert_eq!(a.external_id, s("8E3C2D5A-1B4F-4C6E-9A0B-2F1D3C4B5A69"));
    assert_eq!(a.sources.get("birthday").map(String::as_str), Some("BDAY"));
    assert_eq!(a.sources.get("company").map(String::as_str), Some("ORG"));

    let c = &cards[1];
    no_issues(c);
    assert_eq!(c.kind, Some(CustomerKind::Company), "X-ABShowAs:COMPANY");
    assert_eq!(c.display_name, s("Café Lumière"));
    assert_eq!(c.company, None, "a company is not linked to itself");
}

#[test]
fn google_contacts_3_0() {
    let cards = read("google-3.0.vcf");
    assert_eq!(cards.len(), 2);
    let a = &cards[0];
    no_issues(a);
    assert_eq!(a.display_name, s("Ada Lovelace"));
    // N: family; given; additional names — the additional name joins the given ones.
    assert_eq!(
        (a.given_name.as_deref(), a.family_name.as_deref()),
        (Some("Ada Augusta"), Some("Lovelace"))
    );
    assert_eq!(
        a.emails,
        [lab(Some("home"), "ada@example.com"), lab(Some("work"), "ada@analytical.example")]
    );
    // TYPE=WORK,VOICE: VOICE is the default for TEL and says nothing.
    assert_eq!(
        a.phones,
        [lab(Some("mobile"), "+44 20 7946 0000"), lab(Some("work"), "+44 20 7946 0001")]
    );
    assert_eq!(a.addresses[0].street, s("12 St James's Square"));
    assert_eq!(a.addresses[0].postal_code, s("SW1Y 4JH"));
    assert_eq!(a.addresses[0].label, s("work"));
    assert_eq!(a.company, s("Analytical Engines Ltd"));
    assert_eq!(a.title, s("Countess, Mathematician"));
    assert_eq!(a.birthday, Some(day("1815-12-10")));
    assert_eq!(
        a.important_dates,
        [ImportantDate { label: "Wedding".into(), date: day("1835-07-08") }]
    );
    // Folded mid-word: unfolding removes CRLF and exactly one space (RFC 2425 §5.8.1).
    assert_eq!(
        a.notes,
        s("First programmer.\nWrote notes on the engine; long ones. This note is long enough to be folded, as Google does.")
    );
    assert_eq!(a.tags, ["Math", "Friends"]);

    // A date-time birthday keeps its written date: a birthday is a day, not an instant.
    let g = &cards[1];
    no_issues(g);
    assert_eq!(g.birthday, Some(day("1906-12-09")));
}

#[test]
fn outlook_2_1_charsets_and_quoted_printable() {
    let cards = read("outlook-2.1.vcf");
    assert_eq!(cards.len(), 2);
    let j = &cards[0];
    no_issues(j);
    // CHARSET=Windows-1252 on raw 8-bit values: 0xFC is ü, 0xF6 ö, 0xE4 ä.
    assert_eq!(j.display_name, s("Jürgen Müller"));
    assert_eq!(
        (j.given_name.as_deref(), j.family_name.as_deref()),
        (Some("Jürgen"), Some("Müller"))
    );
    assert_eq!(j.company, s("Müller & Söhne GmbH"));
    assert_eq!(j.title, s("Geschäftsführer"));
    // 2.1 bare parameters: `;WORK;VOICE`, `;CELL;VOICE`, `;WORK;FAX`.
    assert_eq!(
        j.phones,
        [
            lab(Some("work"), "+49 30 1234567"),
            lab(Some("mobile"), "+49 170 1234567"),
            lab(Some("work fax"), "+49 30 1234568")
        ]
    );
    assert_eq!(
        j.emails,
        [lab(None, "juergen@mueller-soehne.example"), lab(None, "j.mueller@example.de")]
    );
    // QUOTED-PRINTABLE in windows-1252: =DF is ß, =0D=0A a line break.
    assert_eq!(j.addresses.len(), 1, "LABEL is not a second address");
    assert_eq!(j.addresses[0].street, s("Hauptstraße 5\nHinterhaus"));
    assert_eq!(j.addresses[0].label, s("work"));
    assert_eq!(j.addresses[0].city, s("Berlin"));
    assert_eq!(j.addresses[0].country, s("Deutschland"));
    // A `=` soft line break joins the next line; =3D is `=`; CHARSET=utf-8 bytes.
    assert_eq!(
        j.notes,
        s("Grüße aus Berlin, bitte nicht vor 9 Uhr anrufen.\nZweite Zeile: € 100, Rabatt=5%")
    );
    assert_eq!(j.birthday, Some(day("1970-01-15")));

    let f = &cards[1];
    no_issues(f);
    // QUOTED-PRINTABLE in ISO-8859-1: =E7 is ç, =E8 è.
    assert_eq!(f.display_name, s("François Lefèvre"));
    assert_eq!(f.family_name, s("Lefèvre"));
    // 2.1 has no comma lists: the comma is part of the street.
    assert_eq!(f.addresses[0].street, s("3, rue des Lilas"));
    assert_eq!(f.addresses[0].label, s("home"));
    assert_eq!(f.birthday, Some(day("1985-03-12")), "1985-03-12T00:00:00Z stays 12 March");
    // 2.1 base64 block: indented lines up to a blank line.
    let photo = f.photo.as_ref().expect("photo");
    assert_eq!((photo.mime.as_str(), hex::encode(&photo.data)), ("image/jpeg", JPEG.to_string()));
}

#[test]
fn rfc_6350_4_0() {
    let cards = read("rfc6350-4.0.vcf");
    assert_eq!(cards.len(), 2);
    let acme = &cards[0];
    no_issues(acme);
    assert_eq!(acme.kind, Some(CustomerKind::Company));
    assert_eq!(acme.display_name, s("Acme, Inc."));
    assert_eq!(acme.company, None);
    // PREF=1 is the most preferred (RFC 6350 §5.3).
    assert_eq!(
        acme.emails,
        [lab(Some("work"), "sales@acme.example"), lab(Some("work"), "info@acme.example")]
    );
    // A `tel:` URI value; TYPE="voice,work" is one quoted list.
    assert_eq!(acme.phones, [lab(Some("work"), "+1-555-555-0100")]);
    assert_eq!(acme.addresses[0].street, s("100 Main St, Suite 5"));
    assert_eq!(acme.addresses[0].region, s("IL"));
    assert_eq!(acme.tags, ["supplier", "Tier 1"]);
    let photo = acme.photo.as_ref().expect("data: URI photo");
    assert_eq!(photo.mime, "image/png");
    assert_eq!(&photo.data[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(acme.external_id, s("urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"));

    let e = &cards[1];
    assert_eq!(e.kind, Some(CustomerKind::Person), "no KIND means individual (RFC 6350 §6.1.4)");
    assert_eq!(e.birthday, Some(PersonalDate::YearLess { month: 2, day: 29 }));
    assert_eq!(
        e.important_dates,
        [ImportantDate { label: "anniversary".into(), date: day("2010-06-12") }]
    );
    assert_eq!(e.phones, [lab(Some("home"), "+34 600 000 000")]);
    assert_eq!(e.notes, s("Line one\nLine two\\with a backslash"));
    // A photo by URL is not fetched: said, not imported.
    assert_eq!(e.photo, None);
    assert_eq!(e.issues.len(), 1, "{:?}", e.issues);
    assert_eq!(e.issues[0].severity, Severity::Warning);
    assert_eq!(e.issues[0].column.as_deref(), Some("PHOTO"));
    assert!(
        e.issues[0].message.contains("https://example.com/ernesto.jpg"),
        "{}",
        e.issues[0].message
    );
}

#[test]
fn broken_cards_are_reported_by_position_and_property_and_the_rest_read() {
    let cards = read("broken.vcf");
    let names: Vec<Option<&str>> = cards.iter().map(|c| c.display_name.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("Good One"),
            None,
            Some("Bad Photo"),
            Some("Bad Birthday"),
            Some("Cut Short"),
            Some("After The Cut"),
            Some("Group"),
            Some("Truncated at the end of the file"),
        ]
    );
    let rows: Vec<u64> = cards.iter().map(|c| c.row).collect();
    assert_eq!(rows, [1, 2, 3, 4, 5, 6, 7, 8]);
    let only = |i: usize| {
        let c = &cards[i];
        assert_eq!(c.issues.len(), 1, "card {}: {:?}", c.row, c.issues);
        let issue = &c.issues[0];
        assert_eq!(issue.row, c.row);
        (issue.severity, issue.column.as_deref(), issue.message.as_str())
    };
    no_issues(&cards[0]);
    assert_eq!(cards[0].emails, [lab(None, "good@example.com")]);

    let (sev, col, msg) = only(1);
    assert_eq!((sev, col), (Severity::Error, Some("FN")));
    assert!(msg.contains("card 2") && msg.contains("no name"), "{msg}");
    assert!(cards[1].has_errors());

    let (sev, col, msg) = only(2);
    assert_eq!((sev, col), (Severity::Warning, Some("PHOTO")));
    assert!(msg.contains("card 3") && msg.contains("base64"), "{msg}");
    assert_eq!(cards[2].photo, None);

    let (sev, col, msg) = only(3);
    assert_eq!((sev, col), (Severity::Warning, Some("BDAY")));
    assert!(msg.contains("1985-02-29"), "{msg}");
    assert_eq!(cards[3].birthday, None);

    let (sev, col, msg) = only(4);
    assert_eq!((sev, col), (Severity::Error, None));
    assert!(msg.contains("card 5") && msg.contains("END:VCARD"), "{msg}");
    assert_eq!(
        cards[4].emails,
        [lab(None, "cut@example.com")],
        "what the cut card had is still read"
    );

    no_issues(&cards[5]);

    let (sev, col, msg) = only(6);
    assert_eq!((sev, col), (Severity::Error, Some("KIND")));
    assert!(msg.contains("card 7"), "{msg}");

    let (sev, _, msg) = only(7);
    assert_eq!(sev, Severity::Error);
    assert!(msg.contains("card 8") && msg.contains("END:VCARD"), "{msg}");
    assert_eq!(cards[7].phones, [lab(None, "+1 555 0199")]);
}

#[test]
fn a_file_without_cards_is_refused_and_a_bom_is_skipped() {
    let err = read_vcards(b"FN:not in a card\r\n", &VcardOptions::default()).expect_err("no card");
    assert_eq!(err.to_string(), "file: no vCard in it (no BEGIN:VCARD line)");
    let bom = b"\xEF\xBB\xBFbegin:vcard\r\nVERSION:4.0\r\nFN:Bom\r\nend:vcard\r\n";
    let cards = read_vcards(bom, &VcardOptions::default()).expect("read");
    assert_eq!(cards[0].display_name, s("Bom"));
    no_issues(&cards[0]);
    // UTF-16 (by its BOM), as some Windows tools save it.
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë\r\nEND:VCARD\r\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let cards = read_vcards(&utf16, &VcardOptions::default()).expect("read");
    assert_eq!(cards[0].display_name, s("Zoë"));
}

#[test]
fn eight_bit_values_without_a_charset_are_read_as_the_chosen_encoding_or_said() {
    let card = b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Jos\xE9 P\xE9rez\r\nEND:VCARD\r\n";
    let cards = read_vcards(card, &VcardOptions::default()).expect("read");
    assert_eq!(cards[0].display_name, s("José Pérez"));
    assert_eq!(cards[0].issues.len(), 1);
    assert!(cards[0].issues[0].message.contains("windows-1252"), "{:?}", cards[0].issues);
    let opts = VcardOptions { encoding: Some("iso-8859-15".into()), ..Default::default() };
    let cards = read_vcards(b"BEGIN:VCARD\nFN:\xA4 Euro\nEND:VCARD\n", &opts).expect("read");
    assert_eq!(cards[0].display_name, s("€ Euro"), "0xA4 is € in ISO-8859-15");
    no_issues(&cards[0]);
}

#[test]
fn photos_over_the_cap_are_skipped_with_a_warning() {
    use base64::Engine as _;
    let b64 = |n: usize| {
        let mut data = vec![0xFF, 0xD8, 0xFF];
        data.resize(n, 0x42);
        base64::engine::general_purpose::STANDARD.encode(data)
    };
    let card = |n: usize| {
        format!("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:P\r\nPHOTO:data:image/jpeg;base64,{}\r\nEND:VCARD\r\n", b64(n))
    };
    let at_cap = read_vcards(card(256 * 1024).as_bytes(), &VcardOptions::default()).expect("read");
    assert_eq!(at_cap[0].photo.as_ref().map(|p| p.data.len()), Some(256 * 1024));
    no_issues(&at_cap[0]);
    let over =
        read_vcards(card(256 * 1024 + 1).as_bytes(), &VcardOptions::default()).expect("read");
    assert_eq!(over[0].photo, None);
    assert_eq!(over[0].issues.len(), 1);
    assert!(over[0].issues[0].message.contains("256 KiB"), "{:?}", over[0].issues);
    assert_eq!(over[0].display_name, s("P"), "the card is still read");
}

/// A customer with every field Rapport stores, full of text that vCard must escape.
fn hostile(id: Uuid, company: Uuid) -> Customer {
    let long = "Ein sehr langer Satz, der weit über fünfundsiebzig Oktette hinausgeht; mit Emoji 👩‍👩‍👧 und 日本語のテキスト, damit die Faltung Zeichen nicht zerschneidet.";
    Customer {
        id,
        kind: CustomerKind::Person,
        display_name: "Zoë \"Zed\" O'Brien-Łukasiewicz, Jr.; PhD \\o/".into(),
        given_name: s("Zoë; \"Zed\""),
        family_name: s("O'Brien-Łukasiewicz, Jr."),
        company_id: Some(company),
        company_name: s("Smith, Jones; & Partners \\ Ltd"),
        title: s("Head of R&D, EMEA; acting"),
        emails: vec![
            lab(Some("work"), "zoe@example.com"),
            lab(None, "zed+crm@example.org"),
            lab(Some("Studio, 2nd; floor"), "studio@example.net"),
            lab(Some("Work"), "caps@example.net"),
        ],
        phones: vec![
            lab(Some("mobile"), "+44 7700 900123"),
            lab(Some("home"), "(020) 7946-0000 x12"),
            lab(Some("fax"), "+44 20 7946 0001"),
            lab(Some("Bürö ☎"), "+49 30 1234567"),
        ],
        addresses: vec![
            Address {
                label: s("home"),
                street: s("Flat 2; Rose Court\n10, Downing St \\ rear"),
                city: s("London"),
                region: None,
                postal_code: s("SW1A 2AA"),
                country: s("United Kingdom"),
            },
            Address {
                label: s("Ferienhaus: am See"),
                street: None,
                city: s("Zürich"),
                region: s("ZH"),
                postal_code: None,
                country: s("Schweiz"),
            },
        ],
        tags: vec!["vip".into(), "Café; crème".into(), "🚀 launch".into()],
        custom_fields: BTreeMap::from([
            ("Shoe size; EU".to_string(), "42, wide".to_string()),
            ("Notes\\misc".to_string(), "line one\nline two".to_string()),
        ]),
        lifecycle_stage: LifecycleStage::Prospect,
        lead_source: s("Trade fair, Berlin; booth 7"),
        owner: s("Sam O'Neil"),
        birthday: Some(PersonalDate::YearLess { month: 2, day: 29 }),
        important_dates: vec![
            ImportantDate { label: "Wedding, 2nd".into(), date: day("2011-06-04") },
            ImportantDate {
                label: "anniversary".into(),
                date: PersonalDate::YearLess { month: 9, day: 1 },
            },
            ImportantDate { label: "anniversary".into(), date: day("2001-01-31") },
        ],
        key_facts: vec![
            KeyFact {
                kind: FactKind::Family,
                label: "daughter".into(),
                value: "Mia, 7; loves 🦄".into(),
            },
            KeyFact { kind: FactKind::Favourite, label: "coffee".into(), value: long.into() },
        ],
        how_we_met: s("At the Café; she said \"hi\"\nthen we talked"),
        preferred_channel: Some(Channel::InPerson),
        quiet_hours: Some(QuietHours { start: "22:00".into(), end: "07:30".into() }),
        keep_in_touch_days: Some(14),
        keep_in_touch_max_days: Some(30),
        notes: Some(format!("{long}\nSecond line, with \\ backslash; and\ttab.\n{long}")),
        last_contacted_at: None,
        created_at: at("2026-01-02T03:04:05Z"),
        updated_at: at("2026-11-22T10:00:00Z"),
    }
}

fn plain_company(id: Uuid) -> Customer {
    Customer {
        id,
        kind: CustomerKind::Company,
        display_name: "Smith, Jones; & Partners \\ Ltd".into(),
        given_name: None,
        family_name: None,
        company_id: None,
        company_name: None,
        title: None,
        emails: vec![],
        phones: vec![],
        addresses: vec![],
        tags: vec![],
        custom_fields: BTreeMap::new(),
        lifecycle_stage: LifecycleStage::Customer,
        lead_source: None,
        owner: None,
        birthday: Some(day("1999-12-31")),
        important_dates: vec![],
        key_facts: vec![],
        how_we_met: None,
        preferred_channel: None,
        quiet_hours: None,
        keep_in_touch_days: Some(7),
        keep_in_touch_max_days: None,
        notes: None,
        last_contacted_at: None,
        created_at: at("2026-01-02T03:04:05Z"),
        updated_at: at("2026-11-22T10:00:00Z"),
    }
}

/// Field by field: the record read back holds exactly the customer's data.
fn assert_same(c: &Customer, r: &ImportRecord, photo: Option<&Photo>) {
    assert_eq!(r.external_id, Some(format!("urn:uuid:{}", c.id)));
    assert_eq!(r.kind, Some(c.kind));
    assert_eq!(r.display_name.as_deref(), Some(c.display_name.as_str()));
    assert_eq!(r.given_name, c.given_name);
    assert_eq!(r.family_name, c.family_name);
    let company = if c.kind == CustomerKind::Company { None } else { c.company_name.clone() };
    assert_eq!(r.company, company);
    assert_eq!(r.title, c.title);
    assert_eq!(r.emails, c.emails);
    assert_eq!(r.phones, c.phones);
    assert_eq!(r.addresses, c.addresses);
    assert_eq!(r.tags, c.tags);
    assert_eq!(r.custom_fields, c.custom_fields);
    assert_eq!(r.lifecycle_stage, Some(c.lifecycle_stage));
    assert_eq!(r.lead_source, c.lead_source);
    assert_eq!(r.owner, c.owner);
    assert_eq!(r.birthday, c.birthday);
    assert_eq!(r.important_dates, c.important_dates);
    assert_eq!(r.key_facts, c.key_facts);
    assert_eq!(r.how_we_met, c.how_we_met);
    assert_eq!(r.preferred_channel, c.preferred_channel);
    assert_eq!(r.quiet_hours, c.quiet_hours);
    assert_eq!(r.keep_in_touch_days, c.keep_in_touch_days);
    assert_eq!(r.keep_in_touch_max_days, c.keep_in_touch_max_days);
    assert_eq!(r.notes, c.notes);
    assert_eq!(r.photo.as_ref(), photo);
    assert!(r.issues.is_empty(), "{:?}", r.issues);
}

#[test]
fn round_trip_loses_nothing_rapport_stores() {
    let (pid, cid) = (Uuid::now_v7(), Uuid::now_v7());
    let customers = [hostile(pid, cid), plain_company(cid)];
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend((0..=255u8).cycle().take(3000));
    let photo = Photo { mime: "image/png".into(), data: png };
    let photos = BTreeMap::from([(pid, photo.clone())]);
    let text = write_vcards(&customers, &photos);

    // RFC 6350 §3.2: CRLF line ends, no line over 75 octets, continuations start with a
    // space; §3.1: UTF-8, so a fold never splits a character (the text is a Rust String).
    assert!(text.ends_with("END:VCARD\r\n"));
    assert!(!text.replace("\r\n", "").contains('\n'), "a bare LF");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    assert!(text.contains("\r\n "), "long lines are folded");
    let unfolded = text.replace("\r\n ", "");
    for expected in [
        "VERSION:4.0",
        "KIND:individual",
        "KIND:org",
        "FN:Zoë \"Zed\" O'Brien-Łukasiewicz\\, Jr.\\; PhD \\\\o/",
        "BDAY:--0229",
        "BDAY:19991231",
        "ANNIVERSARY:--0901",
        &format!("X-RAPPORT-COMPANY-UID:urn:uuid:{cid}"),
        &format!("UID:urn:uuid:{cid}"),
        "X-RAPPORT-QUIET-HOURS:22:00;07:30",
        "X-RAPPORT-KEEP-IN-TOUCH:14;30",
        "CATEGORIES:vip,Café\\; crème,🚀 launch",
        "TEL;VALUE=text;PREF=1;TYPE=cell:+44 7700 900123",
    ] {
        assert!(
            unfolded.contains(&format!("\r\n{expected}\r\n")),
            "no line `{expected}` in\n{unfolded}"
        );
    }

    let records = read_vcards(text.as_bytes(), &VcardOptions::default()).expect("read back");
    assert_eq!(records.len(), 2);
    assert_same(&customers[0], &records[0], Some(&photo));
    assert_same(&customers[1], &records[1], None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any text in any field survives the round trip (control characters aside, which the
    /// store refuses and vCard cannot carry).
    #[test]
    fn round_trip_of_arbitrary_text(
        name in "[^\\p{Cc}]{1,120}",
        note in "([^\\p{Cc}]|\n|\t){1,300}",
        label in "[^\\p{Cc}]{1,40}",
        value in "[^\\p{Cc}]{1,60}",
    ) {
        let trim = |s: &str| s.trim().to_string();
        prop_assume!(!trim(&name).is_empty() && !trim(&note).is_empty() && !trim(&label).is_empty() && !trim(&value).is_empty());
        // Apple's built-in label syntax is read as the built-in label, by design.
        prop_assume!(!trim(&label).starts_with("_$!<"));
        let mut c = plain_company(Uuid::now_v7());
        c.kind = CustomerKind::Person;
        c.display_name = trim(&name);
        c.notes = Some(trim(&note));
        c.emails = vec![lab(Some(&trim(&label)), &trim(&value))];
        c.custom_fields = BTreeMap::from([(trim(&label), trim(&value))]);
        let text = write_vcards(std::slice::from_ref(&c), &BTreeMap::new());
        for line in text.split("\r\n") {
            prop_assert!(line.len() <= 75);
        }
        let r = read_vcards(text.as_bytes(), &VcardOptions::default()).expect("read back");
        prop_assert_eq!(r.len(), 1);
        prop_assert_eq!(r[0].display_name.as_deref(), Some(c.display_name.as_str()));
        prop_assert_eq!(&r[0].notes, &c.notes);
        prop_assert_eq!(&r[0].emails, &c.emails);
        prop_assert_eq!(&r[0].custom_fields, &c.custom_fields);
    }

    /// The reader takes any bytes without panicking (the fuzz target's property, on stable).
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let _ = read_vcards(&bytes, &VcardOptions::default());
    }

    #[test]
    fn arbitrary_lines_inside_a_card_never_panic(
        lines in proptest::collection::vec("[ -~\t=;:,.\\\\]{0,40}", 0..12),
        version in prop::sample::select(vec!["2.1", "3.0", "4.0"]),
    ) {
        let text = format!("BEGIN:VCARD\r\nVERSION:{version}\r\n{}\r\nEND:VCARD\r\n", lines.join("\r\n"));
        let cards = read_vcards(text.as_bytes(), &VcardOptions::default()).expect("one card");
        prop_assert!(!cards.is_empty());
    }
}

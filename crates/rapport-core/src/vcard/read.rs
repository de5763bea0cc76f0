//! Cards to [`ImportRecord`]s: what each property means for a Rapport customer.

use std::collections::BTreeMap;

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use encoding_rs::Encoding;

use super::dates::personal_date;
use super::decode::{self, split_unescaped, text};
use super::lines::{self, Prop, RawCard, Version};
use super::VcardOptions;
use crate::customers::{
    Address, Channel, CustomerKind, ImportantDate, KeyFact, Labeled, QuietHours,
};
use crate::error::{Error, Result};
use crate::import::{ImportRecord, Photo, RowIssue, Severity};
use crate::text::parse_enum;

/// Reads every card in a vCard file (2.1, 3.0 or 4.0), one record per card, in order.
/// A broken card gets issues naming its position and property; the others are still read.
/// The file as a whole is refused only when it holds no card at all.
pub fn read_vcards(bytes: &[u8], opts: &VcardOptions) -> Result<Vec<ImportRecord>> {
    let utf8;
    let bytes = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => rest,
        // A UTF-16 file (by its BOM) is turned into UTF-8 first: its lines are 2-byte units.
        [0xFF, 0xFE, ..] | [0xFE, 0xFF, ..] => {
            let (enc, _) = Encoding::for_bom(bytes).unwrap_or((encoding_rs::UTF_16LE, 2));
            utf8 = enc.decode_with_bom_removal(bytes).0.into_owned();
            utf8.as_bytes()
        }
        other => other,
    };
    let fallback = match opts.encoding.as_deref() {
        Some(label) => Some(Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
            Error::invalid("encoding", format!("`{label}` is not a known encoding"))
        })?),
        None => None,
    };
    let cards = lines::cards(bytes);
    if cards.is_empty() {
        return Err(Error::invalid("file", "no vCard in it (no BEGIN:VCARD line)"));
    }
    Ok(cards.into_iter().map(|c| Reader::new(c.index, opts, fallback).card(c)).collect())
}

struct Reader<'a> {
    rec: ImportRecord,
    opts: &'a VcardOptions,
    fallback: Option<&'static Encoding>,
    version: Version,
}

/// Types that say nothing a label should carry.
const GENERIC_TYPES: &[&str] =
    &["pref", "voice", "internet", "x400", "text", "msg", "dom", "intl", "postal", "parcel"];

impl<'a> Reader<'a> {
    fn new(row: u64, opts: &'a VcardOptions, fallback: Option<&'static Encoding>) -> Self {
        Reader {
            rec: ImportRecord { row, ..Default::default() },
            opts,
            fallback,
            version: Version::V30,
        }
    }

    fn issue(
        &mut self,
        prop: Option<&str>,
        field: Option<&str>,
        severity: Severity,
        message: String,
    ) {
        self.rec.issues.push(RowIssue {
            row: self.rec.row,
            column: prop.map(str::to_string),
            field: field.map(str::to_string),
            severity,
            message,
        });
    }

    fn warn(&mut self, prop: &Prop, field: &str, message: String) {
        self.issue(
            Some(&prop.name),
            Some(field),
            Severity::Warning,
            format!("{}: {message}", prop.name),
        );
    }

    fn source(&mut self, field: &str, prop: &Prop) {
        self.rec.sources.entry(field.to_string()).or_insert_with(|| prop.name.clone());
    }

    /// The value as text: quoted-printable and charset decoded, still escaped.
    fn raw_text(&mut self, prop: &Prop, field: &str) -> String {
        let bytes = match prop.encoding().as_deref() {
            Some("QUOTED-PRINTABLE") => decode::quoted_printable(&prop.value),
            _ => prop.value.clone(),
        };
        let d = decode::charset(&bytes, prop.first_param("CHARSET"), self.fallback);
        if let Some(w) = d.warning {
            self.warn(prop, field, w);
        }
        d.text
    }

    fn card(mut self, card: RawCard) -> ImportRecord {
        self.version = card.version;
        let row = card.index;
        if !card.ended {
            self.issue(None, None, Severity::Error, format!(
                "card {row} has no END:VCARD line; the file may be cut short, so the card may be incomplete"
            ));
        }
        for line in &card.bad_lines {
            self.issue(
                None,
                None,
                Severity::Warning,
                format!("card {row}: `{line}` is not a property line; ignored"),
            );
        }
        // Apple's custom labels: `item1.EMAIL` takes its label from `item1.X-ABLabel`.
        let mut labels = BTreeMap::new();
        for p in card.props.iter().filter(|p| p.name == "X-ABLABEL") {
            if let Some(g) = &p.group {
                let t = self.raw_text(p, "label");
                if let Some(l) = text(&t) {
                    labels.insert(g.to_ascii_lowercase(), apple_label(&l));
                }
            }
        }
        let mut ranked: Vec<(u32, bool, Labeled)> = Vec::new(); // (pref rank, is email, value)
        let mut notes: Vec<String> = Vec::new();
        let mut org: Option<String> = None;
        let mut n_name: Option<String> = None;
        for p in &card.props {
            let label = p.group.as_ref().and_then(|g| labels.get(&g.to_ascii_lowercase()).cloned());
            self.property(p, label, &mut ranked, &mut notes, &mut org, &mut n_name);
        }
        ranked.sort_by_key(|(rank, _, _)| *rank);
        for (_, is_email, l) in ranked {
            if is_email {
                self.rec.emails.push(l)
            } else {
                self.rec.phones.push(l)
            }
        }
        if !notes.is_empty() {
            self.rec.notes = Some(notes.join("\n"));
        }
        let kind = *self.rec.kind.get_or_insert(CustomerKind::Person);
        match kind {
            CustomerKind::Company => {
                if self.rec.display_name.is_none() {
                    self.rec.display_name = org.clone();
                    self.rec.sources.insert("display_name".into(), "ORG".into());
                }
                // A company is not linked to a company: its ORG is its own name.
                self.rec.sources.remove("company");
            }
            CustomerKind::Person => {
                self.rec.company = org;
                if self.rec.display_name.is_none() {
                    self.rec.display_name = n_name;
                    self.rec.sources.insert("display_name".into(), "N".into());
                }
            }
        }
        if self.rec.display_name.is_none() {
            self.issue(
                Some("FN"),
                Some("display_name"),
                Severity::Error,
                format!("card {row} has no name (no FN, N or ORG)"),
            );
        }
        self.rec
    }

    #[allow(clippy::too_many_arguments)]
    fn property(
        &mut self,
        p: &Prop,
        label: Option<String>,
        ranked: &mut Vec<(u32, bool, Labeled)>,
        notes: &mut Vec<String>,
        org: &mut Option<String>,
        n_name: &mut Option<String>,
    ) {
        match p.name.as_str() {
            "FN" => self.set_text(p, "display_name", |r, v| r.display_name = Some(v)),
            "N" => {
                let raw = self.raw_text(p, "given_name");
                let parts: Vec<String> =
                    split_unescaped(&raw, ';').into_iter().map(|c| self.list_words(c)).collect();
                let part = |i: usize| parts.get(i).filter(|s| !s.is_empty()).cloned();
                let (family, given, more) = (part(0), part(1), part(2));
                let given = match (given, more) {
                    (Some(g), Some(m)) => Some(format!("{g} {m}")),
                    (g, m) => g.or(m),
                };
                let full: Vec<String> = [part(3), given.clone(), family.clone(), part(4)]
                    .into_iter()
                    .flatten()
                    .collect();
                if !full.is_empty() && n_name.is_none() {
                    *n_name = Some(full.join(" "));
                }
                if given.is_some() {
                    self.source("given_name", p);
                    self.rec.given_name = given;
                }
                if family.is_some() {
                    self.source("family_name", p);
                    self.rec.family_name = family;
                }
            }
            "ORG" => {
                let raw = self.raw_text(p, "company");
                if let Some(name) = split_unescaped(&raw, ';').first().and_then(|c| text(c)) {
                    self.source("company", p);
                    org.get_or_insert(name);
                }
            }
            "TITLE" => self.set_text(p, "title", |r, v| r.title = Some(v)),
            "EMAIL" | "TEL" => {
                let is_email = p.name == "EMAIL";
                let field = if is_email { "emails" } else { "phones" };
                let raw = self.raw_text(p, field);
                let Some(mut value) = text(&raw) else { return };
                if !is_email {
                    // 4.0's default TEL value is a `tel:` URI.
                    if value.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("tel:")) {
                        value = value[4..].to_string();
                    }
                } else if value.get(..7).is_some_and(|s| s.eq_ignore_ascii_case("mailto:")) {
                    value = value[7..].to_string();
                }
                self.source(field, p);
                let label = label.or_else(|| type_label(p));
                ranked.push((pref_rank(p), is_email, Labeled { label, value }));
            }
            "ADR" => {
                let raw = self.raw_text(p, "addresses");
                let parts: Vec<Option<String>> =
                    split_unescaped(&raw, ';').into_iter().map(text).collect();
                let part = |i: usize| parts.get(i).cloned().flatten();
                let street: Vec<String> =
                    [part(2), part(1), part(0)].into_iter().flatten().collect();
                let a = Address {
                    label: label.or_else(|| type_label(p)),
                    street: (!street.is_empty()).then(|| street.join("\n")),
                    city: part(3),
                    region: part(4),
                    postal_code: part(5),
                    country: part(6),
                };
                if a.street.is_some()
                    || a.city.is_some()
                    || a.region.is_some()
                    || a.postal_code.is_some()
                    || a.country.is_some()
                {
                    self.source("addresses", p);
                    self.rec.addresses.push(a);
                }
            }
            "BDAY" => {
                if let Some(d) = self.date(p, "birthday") {
                    self.source("birthday", p);
                    self.rec.birthday = Some(d);
                }
            }
            "ANNIVERSARY" | "X-ANNIVERSARY" | "X-ABDATE" => {
                let unnamed = if p.name == "X-ABDATE" { "other" } else { "anniversary" };
                let label = label.unwrap_or_else(|| unnamed.to_string());
                if let Some(date) = self.date(p, "important_dates") {
                    self.source("important_dates", p);
                    self.rec.important_dates.push(ImportantDate { label, date });
                }
            }
            "NOTE" => {
                let raw = self.raw_text(p, "notes");
                if let Some(t) = text(&raw) {
                    self.source("notes", p);
                    notes.push(t);
                }
            }
            "CATEGORIES" => {
                let raw = self.raw_text(p, "tags");
                for t in split_unescaped(&raw, ',').into_iter().filter_map(text) {
                    if !self.rec.tags.contains(&t) {
                        self.rec.tags.push(t);
                    }
                }
                self.source("tags", p);
            }
            "KIND" | "X-ADDRESSBOOKSERVER-KIND" => {
                let raw = self.raw_text(p, "kind");
                match raw.trim().to_ascii_lowercase().as_str() {
                    "org" | "organization" => self.rec.kind = Some(CustomerKind::Company),
                    "individual" | "" => {}
                    other => self.issue(
                        Some(&p.name),
                        Some("kind"),
                        Severity::Error,
                        format!(
                            "card {}: {}:{other} is a {other}, not a person or a company",
                            self.rec.row, p.name
                        ),
                    ),
                }
            }
            "X-ABSHOWAS" if self.raw_text(p, "kind").trim().eq_ignore_ascii_case("company") => {
                self.rec.kind = Some(CustomerKind::Company);
            }
            "UID" => self.set_text(p, "external_id", |r, v| r.external_id = Some(v)),
            "PHOTO" => self.photo(p),
            "X-RAPPORT-STAGE" => {
                self.set_enum(p, "lifecycle_stage", "lead, prospect, customer, former", |r, v| {
                    r.lifecycle_stage = Some(v)
                })
            }
            "X-RAPPORT-CHANNEL" => self.set_enum(
                p,
                "preferred_channel",
                "email, phone, sms, whatsapp, in_person",
                |r, v: Channel| r.preferred_channel = Some(v),
            ),
            "X-RAPPORT-LEAD-SOURCE" => {
                self.set_text(p, "lead_source", |r, v| r.lead_source = Some(v))
            }
            "X-RAPPORT-OWNER" => self.set_text(p, "owner", |r, v| r.owner = Some(v)),
            "X-RAPPORT-HOW-WE-MET" => self.set_text(p, "how_we_met", |r, v| r.how_we_met = Some(v)),
            "X-RAPPORT-QUIET-HOURS" => {
                let parts = self.parts(p, "quiet_hours");
                if let [Some(start), Some(end)] = parts.as_slice() {
                    self.source("quiet_hours", p);
                    self.rec.quiet_hours =
                        Some(QuietHours { start: start.clone(), end: end.clone() });
                } else {
                    self.warn(p, "quiet_hours", "is not START;END".into());
                }
            }
            "X-RAPPORT-KEEP-IN-TOUCH" => {
                let parts = self.parts(p, "keep_in_touch_days");
                let day = |i: usize| parts.get(i).cloned().flatten().map(|s| s.parse::<u32>());
                match (day(0).transpose(), day(1).transpose()) {
                    (Ok(days), Ok(max)) => {
                        self.source("keep_in_touch_days", p);
                        self.rec.keep_in_touch_days = days;
                        self.rec.keep_in_touch_max_days = max;
                    }
                    _ => self.warn(p, "keep_in_touch_days", "is not DAYS;MAX_DAYS".into()),
                }
            }
            "X-RAPPORT-FACT" => {
                let parts = self.parts(p, "key_facts");
                let kind = parts.first().cloned().flatten().unwrap_or_default();
                match (
                    parse_enum(&p.name, &kind, "family, pet, favourite, other"),
                    parts.get(1),
                    parts.get(2),
                ) {
                    (Ok(kind), Some(l), Some(Some(value))) => {
                        self.source("key_facts", p);
                        let label = l.clone().unwrap_or_default();
                        self.rec.key_facts.push(KeyFact { kind, label, value: value.clone() });
                    }
                    _ => self.warn(p, "key_facts", "is not KIND;LABEL;VALUE".into()),
                }
            }
            "X-RAPPORT-CUSTOM" => {
                let parts = self.parts(p, "custom_fields");
                if let [Some(name), value] = parts.as_slice() {
                    self.source(&format!("custom.{name}"), p);
                    self.rec.custom_fields.insert(name.clone(), value.clone().unwrap_or_default());
                } else {
                    self.warn(p, "custom_fields", "is not NAME;VALUE".into());
                }
            }
            // Everything else (URL, GEO, X-… of other tools) has no Rapport field.
            _ => {}
        }
    }

    fn set_text(&mut self, p: &Prop, field: &str, set: impl FnOnce(&mut ImportRecord, String)) {
        let raw = self.raw_text(p, field);
        if let Some(t) = text(&raw) {
            self.source(field, p);
            set(&mut self.rec, t);
        }
    }

    fn set_enum<T: serde::de::DeserializeOwned>(
        &mut self,
        p: &Prop,
        field: &str,
        allowed: &str,
        set: impl FnOnce(&mut ImportRecord, T),
    ) {
        let raw = self.raw_text(p, field);
        let Some(t) = text(&raw) else { return };
        match parse_enum(field, &t, allowed) {
            Ok(v) => {
                self.source(field, p);
                set(&mut self.rec, v);
            }
            Err(e) => self.warn(p, field, e.to_string()),
        }
    }

    /// A structured value's components, each trimmed and unescaped.
    fn parts(&mut self, p: &Prop, field: &str) -> Vec<Option<String>> {
        let raw = self.raw_text(p, field);
        split_unescaped(&raw, ';').into_iter().map(text).collect()
    }

    /// An N component: a comma list of names in 3.0/4.0 (joined with spaces); in 2.1 a
    /// comma is just a comma.
    fn list_words(&self, component: &str) -> String {
        if self.version == Version::V21 {
            return text(component).unwrap_or_default();
        }
        split_unescaped(component, ',').into_iter().filter_map(text).collect::<Vec<_>>().join(" ")
    }

    fn date(&mut self, p: &Prop, field: &str) -> Option<crate::dates::PersonalDate> {
        let raw = self.raw_text(p, field);
        let value = decode::unescape(&raw);
        if value.trim().is_empty() {
            return None;
        }
        match personal_date(&value, p.first_param("X-APPLE-OMIT-YEAR")) {
            Ok(d) => Some(d),
            Err(e) => {
                self.warn(p, field, format!("{e}; not imported"));
                None
            }
        }
    }

    fn photo(&mut self, p: &Prop) {
        let raw = String::from_utf8_lossy(&p.value).into_owned();
        let value = raw.trim();
        let encoding = p.encoding();
        let (payload, mut mime) = if matches!(encoding.as_deref(), Some("B" | "BASE64")) {
            let t = p.types().into_iter().next().map(|t| image_mime(&t));
            (value, t)
        } else if value.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("data:")) {
            let Some((head, data)) = value[5..].split_once(',') else {
                self.warn(p, "photo", "is a data: URI without a comma; no photo imported".into());
                return;
            };
            let mut head = head.split(';');
            let media = head.next().filter(|m| !m.is_empty()).map(str::to_ascii_lowercase);
            if !head.any(|h| h.eq_ignore_ascii_case("base64")) {
                self.warn(
                    p,
                    "photo",
                    "is a data: URI that is not base64; no photo imported".into(),
                );
                return;
            }
            (data, media)
        } else if value.is_empty() {
            return;
        } else {
            let shown: String = value.chars().take(80).collect();
            self.warn(
                p,
                "photo",
                format!("is a link ({shown}), which Rapport does not fetch; no photo imported"),
            );
            return;
        };
        let cap = self.opts.max_photo_bytes;
        let compact: String = payload.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        // Refuse before decoding, so a huge photo is never held twice.
        if compact.len() / 4 * 3 > cap + 3 {
            self.warn(p, "photo", format!("is larger than {} KiB; not imported", cap / 1024));
            return;
        }
        let engine = GeneralPurpose::new(
            &alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        let data = match engine.decode(compact.as_bytes()) {
            Ok(d) => d,
            Err(e) => {
                self.issue(
                    Some(&p.name),
                    Some("photo"),
                    Severity::Warning,
                    format!(
                        "card {}: PHOTO is not valid base64 ({e}); no photo imported",
                        self.rec.row
                    ),
                );
                return;
            }
        };
        if data.len() > cap {
            self.warn(p, "photo", format!("is larger than {} KiB; not imported", cap / 1024));
            return;
        }
        if data.is_empty() {
            return;
        }
        if let Some(sniffed) = sniff_image(&data) {
            mime = Some(sniffed.to_string());
        }
        self.source("photo", p);
        self.rec.photo =
            Some(Photo { mime: mime.unwrap_or_else(|| "application/octet-stream".into()), data });
    }
}

/// A label from TYPE parameters: `work`, `home`, `mobile` (CELL), `fax`…, joined when
/// several say something (`TYPE=WORK;TYPE=FAX` → `work fax`); `None` when only generic ones.
fn type_label(p: &Prop) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for t in p.types() {
        let t = match t.as_str() {
            "cell" | "mobile" | "iphone" => "mobile".to_string(),
            _ if GENERIC_TYPES.contains(&t.as_str()) => continue,
            _ => t,
        };
        if !words.contains(&t) {
            words.push(t);
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// How preferred a value is: TYPE=PREF (2.1/3.0) or PREF=1..100 (4.0); lower first.
fn pref_rank(p: &Prop) -> u32 {
    if let Some(n) = p.first_param("PREF").and_then(|v| v.trim().parse::<u32>().ok()) {
        return n.clamp(1, 100);
    }
    if p.types().iter().any(|t| t == "pref") {
        1
    } else {
        101
    }
}

/// Apple's built-in labels are written `_$!<Mobile>!$_`; custom ones as typed.
fn apple_label(l: &str) -> String {
    match l.strip_prefix("_$!<").and_then(|r| r.strip_suffix(">!$_")) {
        Some(inner) => match inner {
            "HomeFAX" => "home fax".into(),
            "WorkFAX" => "work fax".into(),
            "HomePage" => "home page".into(),
            other => other.to_lowercase(),
        },
        None => l.to_string(),
    }
}

fn image_mime(t: &str) -> String {
    match t {
        "jpeg" | "jpg" | "image/jpeg" => "image/jpeg".into(),
        t if t.contains('/') => t.to_string(),
        t => format!("image/{t}"),
    }
}

/// The image type by its first bytes, which beat whatever the card claims.
fn sniff_image(d: &[u8]) -> Option<&'static str> {
    match d {
        [0xFF, 0xD8, 0xFF, ..] => Some("image/jpeg"),
        [0x89, b'P', b'N', b'G', ..] => Some("image/png"),
        [b'G', b'I', b'F', b'8', ..] => Some("image/gif"),
        [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some("image/webp"),
        _ => None,
    }
}

//! Customers to vCard 4.0 (RFC 6350): standard properties where vCard has them, Apple's
//! grouped `X-ABLabel` for free-text labels (understood by Apple and Google Contacts), and
//! `X-RAPPORT-*` for the rest, so reading the file back loses nothing Rapport stores.

use std::collections::BTreeMap;

use base64::Engine as _;
use uuid::Uuid;

use super::content::{escape_text, push_folded};
use crate::customers::{Customer, CustomerKind, Labeled};
use crate::dates::PersonalDate;
use crate::import::Photo;
use crate::text::enum_str;

/// One vCard 4.0 card per customer, CRLF line ends, lines folded at 75 octets.
/// `photos` holds the customers' photos by id (those without one are simply absent).
pub fn write_vcards(customers: &[Customer], photos: &BTreeMap<Uuid, Photo>) -> String {
    let mut out = String::new();
    for c in customers {
        Card { out: &mut out, groups: 0 }.write(c, photos.get(&c.id));
    }
    out
}

struct Card<'a> {
    out: &'a mut String,
    groups: u32,
}

impl Card<'_> {
    fn line(&mut self, line: &str) {
        push_folded(self.out, line);
    }

    fn text(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.line(&format!("{name}:{}", escape_text(v)));
        }
    }

    /// A structured value: components escaped, joined with `;`.
    fn parts(&mut self, name: &str, parts: &[Option<&str>]) {
        let v: Vec<String> = parts.iter().map(|p| p.map(escape_text).unwrap_or_default()).collect();
        self.line(&format!("{name}:{}", v.join(";")));
    }

    /// `NAME;TYPE=…:value` for a label vCard has a type for, else Apple's grouped label
    /// (`itemN.NAME:value` + `itemN.X-ABLabel:label`), which carries any text.
    fn labeled(
        &mut self,
        name: &str,
        params: &str,
        label: Option<&str>,
        types: &[(&str, &str)],
        value: &str,
    ) {
        match label {
            None => self.line(&format!("{name}{params}:{value}")),
            Some(l) => match types.iter().find(|(label, _)| *label == l) {
                Some((_, t)) => self.line(&format!("{name}{params};TYPE={t}:{value}")),
                None => {
                    self.groups += 1;
                    let g = self.groups;
                    self.line(&format!("item{g}.{name}{params}:{value}"));
                    self.line(&format!("item{g}.X-ABLabel:{}", escape_text(l)));
                }
            },
        }
    }

    fn write(&mut self, c: &Customer, photo: Option<&Photo>) {
        self.line("BEGIN:VCARD");
        self.line("VERSION:4.0");
        self.line("PRODID:-//Rapport//Rapport export//EN");
        self.line(&format!("UID:urn:uuid:{}", c.id));
        let company = c.kind == CustomerKind::Company;
        self.line(if company { "KIND:org" } else { "KIND:individual" });
        self.text("FN", Some(&c.display_name));
        if c.given_name.is_some() || c.family_name.is_some() {
            self.parts("N", &[c.family_name.as_deref(), c.given_name.as_deref(), None, None, None]);
        }
        if company {
            self.text("ORG", Some(&c.display_name));
        } else if let Some(name) = &c.company_name {
            self.text("ORG", Some(name));
            if let Some(id) = c.company_id {
                // The company's own card in the same export has this UID.
                self.line(&format!("X-RAPPORT-COMPANY-UID:urn:uuid:{id}"));
            }
        }
        self.text("TITLE", c.title.as_deref());
        self.contacts("EMAIL", &c.emails, &[("work", "work"), ("home", "home")]);
        let tel_types = [
            ("work", "work"),
            ("home", "home"),
            ("mobile", "cell"),
            ("fax", "fax"),
            ("pager", "pager"),
        ];
        self.contacts("TEL", &c.phones, &tel_types);
        for a in &c.addresses {
            let v: Vec<String> = [
                None,
                None,
                a.street.as_deref(),
                a.city.as_deref(),
                a.region.as_deref(),
                a.postal_code.as_deref(),
                a.country.as_deref(),
            ]
            .iter()
            .map(|p| p.map(escape_text).unwrap_or_default())
            .collect();
            self.labeled(
                "ADR",
                "",
                a.label.as_deref(),
                &[("work", "work"), ("home", "home")],
                &v.join(";"),
            );
        }
        if !c.tags.is_empty() {
            let tags: Vec<String> = c.tags.iter().map(|t| escape_text(t)).collect();
            self.line(&format!("CATEGORIES:{}", tags.join(",")));
        }
        if let Some(b) = &c.birthday {
            self.line(&format!("BDAY:{}", date(b)));
        }
        let mut anniversary = false;
        for d in &c.important_dates {
            if d.label == "anniversary" && !anniversary {
                anniversary = true;
                self.line(&format!("ANNIVERSARY:{}", date(&d.date)));
            } else {
                self.labeled("X-ABDATE", "", Some(&d.label), &[], &date(&d.date));
            }
        }
        self.text("NOTE", c.notes.as_deref());
        self.line(&format!("X-RAPPORT-STAGE:{}", enum_str(&c.lifecycle_stage)));
        self.text("X-RAPPORT-LEAD-SOURCE", c.lead_source.as_deref());
        self.text("X-RAPPORT-OWNER", c.owner.as_deref());
        self.text("X-RAPPORT-HOW-WE-MET", c.how_we_met.as_deref());
        if let Some(ch) = &c.preferred_channel {
            self.line(&format!("X-RAPPORT-CHANNEL:{}", enum_str(ch)));
        }
        if let Some(q) = &c.quiet_hours {
            self.parts("X-RAPPORT-QUIET-HOURS", &[Some(&q.start), Some(&q.end)]);
        }
        if c.keep_in_touch_days.is_some() || c.keep_in_touch_max_days.is_some() {
            let n = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_default();
            self.line(&format!(
                "X-RAPPORT-KEEP-IN-TOUCH:{};{}",
                n(c.keep_in_touch_days),
                n(c.keep_in_touch_max_days)
            ));
        }
        for f in &c.key_facts {
            let kind = enum_str(&f.kind);
            self.parts("X-RAPPORT-FACT", &[Some(&kind), Some(&f.label), Some(&f.value)]);
        }
        for (name, value) in &c.custom_fields {
            self.parts("X-RAPPORT-CUSTOM", &[Some(name), Some(value)]);
        }
        if let Some(p) = photo {
            let data = base64::engine::general_purpose::STANDARD.encode(&p.data);
            self.line(&format!("PHOTO:data:{};base64,{data}", safe_mime(&p.mime)));
        }
        self.line(&format!("REV:{}", c.updated_at.format("%Y%m%dT%H%M%SZ")));
        self.line("END:VCARD");
    }

    /// Emails or phones; the first is marked preferred (Rapport's primary).
    fn contacts(&mut self, name: &str, list: &[Labeled], types: &[(&str, &str)]) {
        for (i, l) in list.iter().enumerate() {
            let params = match (i, name) {
                (0, "TEL") => ";VALUE=text;PREF=1",
                (_, "TEL") => ";VALUE=text",
                (0, _) => ";PREF=1",
                _ => "",
            };
            self.labeled(name, params, l.label.as_deref(), types, &escape_text(&l.value));
        }
    }
}

/// RFC 6350 date: `YYYYMMDD`, or `--MMDD` without a year.
fn date(d: &PersonalDate) -> String {
    match d {
        PersonalDate::Full(d) => d.format("%Y%m%d").to_string(),
        PersonalDate::YearLess { month, day } => format!("--{month:02}{day:02}"),
    }
}

/// A media type safe inside a `data:` URI (`type/subtype` of token characters).
fn safe_mime(m: &str) -> &str {
    let token = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    match m.split_once('/') {
        Some((t, s)) if token(t) && token(s) => m,
        _ => "application/octet-stream",
    }
}

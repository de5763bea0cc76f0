//! Which column means what, and turning a row's cells into an [`ImportRecord`].
//!
//! Known exports are recognised by their headers (names as those tools write them):
//! Google Contacts (current: "First Name", "E-mail 1 - Label"/"E-mail 1 - Value",
//! "Labels"; older: "Given Name", "E-mail 1 - Type", "Group Membership"), Outlook
//! ("E-mail Address", "Business Phone", "Categories"), HubSpot ("Record ID", "Lifecycle
//! Stage", "Contact owner") and Salesforce ("Contact ID"/"Id", "Account Name", "Lead
//! Source"). Anything else goes through a header guesser (case, spaces and punctuation
//! ignored), unless a saved mapping has exactly the file's columns.

use std::collections::BTreeMap;

use super::csv_reader::{read_csv, CsvRow};
use super::dates::{parse_date, ParsedDate};
use super::record::{ImportRecord, RowIssue, Severity};
use super::{
    ColumnMapping, CsvSource, DateOrder, ImportFormat, ImportOptions, MappedColumn, ReadFile,
    SavedMapping,
};
use crate::customers::{
    Address, Channel, CustomerKind, ImportantDate, KeyFact, Labeled, LifecycleStage, QuietHours,
};
use crate::error::{Error, Result};
use crate::text;

/// The field names a column can be mapped to (the mapping language). `LABEL` is free text
/// (`email:work`); `email.label` holds the label for the email column of the same number
/// ("E-mail 1 - Label" labels "E-mail 1 - Value"); `custom.NAME` is a custom field.
pub const IMPORT_FIELDS: &[&str] = &[
    "name",
    "given_name",
    "family_name",
    "company",
    "title",
    "email",
    "email:LABEL",
    "email.label",
    "phone",
    "phone:LABEL",
    "phone.label",
    "address.street",
    "address.city",
    "address.region",
    "address.postal_code",
    "address.country",
    "address.PART:LABEL",
    "address.label",
    "tags",
    "birthday",
    "notes",
    "lead_source",
    "owner",
    "stage",
    "external_id",
    "rapport_id",
    "kind",
    "how_we_met",
    "preferred_channel",
    "quiet_hours",
    "keep_in_touch_days",
    "keep_in_touch_max_days",
    "addresses",
    "important_dates",
    "key_facts",
    "custom_fields",
    "custom.NAME",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Street,
    City,
    Region,
    PostalCode,
    Country,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Name,
    Given,
    Family,
    Company,
    Title,
    Email(Option<String>),
    EmailLabel,
    Phone(Option<String>),
    PhoneLabel,
    Address(Part, Option<String>),
    AddressLabel,
    Tags,
    Birthday,
    Notes,
    LeadSource,
    Owner,
    Stage,
    ExternalId,
    RapportId,
    Kind,
    HowWeMet,
    Channel,
    QuietHours,
    KeepInTouch,
    KeepInTouchMax,
    Addresses,
    ImportantDates,
    KeyFacts,
    CustomFields,
    Custom(String),
}

fn parse_field(s: &str) -> Option<Field> {
    let s = s.trim();
    if let Some(name) = s.strip_prefix("custom.") {
        let name = name.trim();
        return (!name.is_empty() && name.len() <= 100).then(|| Field::Custom(name.to_string()));
    }
    let (base, label) = match s.split_once(':') {
        Some((b, l)) if !l.trim().is_empty() => (b, Some(l.trim().to_lowercase())),
        Some(_) => return None,
        None => (s, None),
    };
    let labelled = |f: Field| if label.is_some() { None } else { Some(f) };
    match base {
        "email" | "emails" => Some(Field::Email(label)),
        "phone" | "phones" => Some(Field::Phone(label)),
        "address.street" => Some(Field::Address(Part::Street, label)),
        "address.city" => Some(Field::Address(Part::City, label)),
        "address.region" => Some(Field::Address(Part::Region, label)),
        "address.postal_code" => Some(Field::Address(Part::PostalCode, label)),
        "address.country" => Some(Field::Address(Part::Country, label)),
        "name" | "display_name" => labelled(Field::Name),
        "given_name" => labelled(Field::Given),
        "family_name" => labelled(Field::Family),
        "company" => labelled(Field::Company),
        "title" => labelled(Field::Title),
        "email.label" => labelled(Field::EmailLabel),
        "phone.label" => labelled(Field::PhoneLabel),
        "address.label" => labelled(Field::AddressLabel),
        "tags" => labelled(Field::Tags),
        "birthday" => labelled(Field::Birthday),
        "notes" => labelled(Field::Notes),
        "lead_source" => labelled(Field::LeadSource),
        "owner" => labelled(Field::Owner),
        "stage" | "lifecycle_stage" => labelled(Field::Stage),
        "external_id" => labelled(Field::ExternalId),
        "rapport_id" => labelled(Field::RapportId),
        "kind" => labelled(Field::Kind),
        "how_we_met" => labelled(Field::HowWeMet),
        "preferred_channel" => labelled(Field::Channel),
        "quiet_hours" => labelled(Field::QuietHours),
        "keep_in_touch_days" => labelled(Field::KeepInTouch),
        "keep_in_touch_max_days" => labelled(Field::KeepInTouchMax),
        "addresses" => labelled(Field::Addresses),
        "important_dates" => labelled(Field::ImportantDates),
        "key_facts" => labelled(Field::KeyFacts),
        "custom_fields" => labelled(Field::CustomFields),
        _ => None,
    }
}

/// Checks a mapping's field names before it is used or saved.
pub(crate) fn validate_mapping(m: &ColumnMapping) -> Result<()> {
    if m.columns.len() > super::csv_reader::MAX_COLUMNS {
        return Err(Error::invalid("mapping", "has too many columns"));
    }
    for c in &m.columns {
        if c.column.trim().is_empty() || c.column.len() > 200 {
            return Err(Error::invalid("mapping", "a column name is empty or over 200 characters"));
        }
        if let Some(f) = &c.field {
            if parse_field(f).is_none() {
                return Err(Error::invalid(
                    "mapping",
                    format!(
                        "`{f}` (for column \"{}\") is not an import field; fields: {}",
                        c.column,
                        IMPORT_FIELDS.join(", ")
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn has(header: &[String], name: &str) -> bool {
    header.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Recognises a known export by the columns only it writes.
fn detect_source(header: &[String]) -> CsvSource {
    let h = |n: &str| has(header, n);
    if h("First Name")
        && h("Last Name")
        && (h("Labels") || h("E-mail 1 - Label") || h("E-mail 1 - Value"))
        && !h("E-mail Address")
    {
        CsvSource::Google
    } else if h("Given Name") && h("Family Name") && (h("Group Membership") || h("E-mail 1 - Type"))
    {
        CsvSource::GoogleLegacy
    } else if h("First Name")
        && h("E-mail Address")
        && (h("Business Phone") || h("Mobile Phone") || h("Categories"))
    {
        CsvSource::Outlook
    } else if h("Record ID") && (h("Email") || h("First Name") || h("Lifecycle Stage")) {
        CsvSource::Hubspot
    } else if (h("Contact ID") || h("Id"))
        && (h("FirstName")
            || h("LastName")
            || h("Account Name")
            || h("Lead Source")
            || h("LeadSource")
            || h("MobilePhone"))
    {
        CsvSource::Salesforce
    } else {
        CsvSource::Generic
    }
}

/// "E-mail 2 - Value" → "2": pairs a label column with its value column.
fn group_of(header: &str) -> String {
    header.chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect()
}

fn known_field(source: CsvSource, header: &str) -> Option<String> {
    let f = |s: &str| Some(s.to_string());
    let lower = header.trim().to_lowercase();
    let numbered = |prefix: &str| {
        lower
            .strip_prefix(prefix)
            .and_then(|r| r.split_once(" - "))
            .map(|(_, what)| what.to_string())
    };
    match source {
        CsvSource::Google | CsvSource::GoogleLegacy => {
            if let Some(what) = numbered("e-mail ") {
                return match what.as_str() {
                    "value" => f("email"),
                    "label" | "type" => f("email.label"),
                    _ => None,
                };
            }
            if let Some(what) = numbered("phone ") {
                return match what.as_str() {
                    "value" => f("phone"),
                    "label" | "type" => f("phone.label"),
                    _ => None,
                };
            }
            if let Some(what) = numbered("address ") {
                return match what.as_str() {
                    "street" => f("address.street"),
                    "city" => f("address.city"),
                    "region" => f("address.region"),
                    "postal code" => f("address.postal_code"),
                    "country" => f("address.country"),
                    "label" | "type" => f("address.label"),
                    _ => None,
                };
            }
            if let Some(what) = numbered("organization ") {
                return match what.as_str() {
                    "name" => f("company"),
                    "title" => f("title"),
                    "department" => f("custom.Department"),
                    _ => None,
                };
            }
            match lower.as_str() {
                "name" => f("name"),
                "first name" | "given name" => f("given_name"),
                "last name" | "family name" => f("family_name"),
                "organization name" => f("company"),
                "organization title" => f("title"),
                "organization department" => f("custom.Department"),
                "birthday" => f("birthday"),
                "notes" => f("notes"),
                "labels" | "group membership" => f("tags"),
                _ => None,
            }
        }
        CsvSource::Outlook => {
            for (prefix, label) in [("home ", "home"), ("business ", "work"), ("other ", "other")] {
                if let Some(part) = lower.strip_prefix(prefix) {
                    let p = match part {
                        "street" => Some("street"),
                        "city" => Some("city"),
                        "state" => Some("region"),
                        "postal code" => Some("postal_code"),
                        "country" | "country/region" => Some("country"),
                        _ => None,
                    };
                    if let Some(p) = p {
                        return Some(format!("address.{p}:{label}"));
                    }
                }
            }
            match lower.as_str() {
                "first name" => f("given_name"),
                "last name" => f("family_name"),
                "company" => f("company"),
                "job title" => f("title"),
                "department" => f("custom.Department"),
                "birthday" => f("birthday"),
                "notes" => f("notes"),
                "e-mail address" | "e-mail 2 address" | "e-mail 3 address" => f("email"),
                "primary phone" => f("phone"),
                "home phone" | "home phone 2" => f("phone:home"),
                "mobile phone" => f("phone:mobile"),
                "business phone" | "business phone 2" | "company main phone" => f("phone:work"),
                "other phone" => f("phone:other"),
                "categories" => f("tags"),
                _ => None,
            }
        }
        CsvSource::Hubspot => match lower.as_str() {
            "record id" => f("external_id"),
            "first name" => f("given_name"),
            "last name" => f("family_name"),
            "email" => f("email"),
            "phone number" => f("phone"),
            "mobile phone number" => f("phone:mobile"),
            "company name" => f("company"),
            "job title" => f("title"),
            "lifecycle stage" => f("stage"),
            "contact owner" => f("owner"),
            "original source" => f("lead_source"),
            "street address" => f("address.street"),
            "city" => f("address.city"),
            "state/region" => f("address.region"),
            "postal code" | "zip" => f("address.postal_code"),
            "country/region" => f("address.country"),
            _ => None,
        },
        CsvSource::Salesforce => match lower.as_str() {
            "id" | "contact id" => f("external_id"),
            "firstname" | "first name" => f("given_name"),
            "lastname" | "last name" => f("family_name"),
            "email" => f("email"),
            "phone" => f("phone:work"),
            "mobilephone" | "mobile" | "mobile phone" => f("phone:mobile"),
            "homephone" | "home phone" => f("phone:home"),
            "account name" | "account.name" => f("company"),
            "birthdate" => f("birthday"),
            "title" => f("title"),
            "leadsource" | "lead source" => f("lead_source"),
            "contact owner" | "owner.name" | "owner name" => f("owner"),
            "description" => f("notes"),
            "mailingstreet" | "mailing street" => f("address.street"),
            "mailingcity" | "mailing city" => f("address.city"),
            "mailingstate" | "mailing state/province" | "mailing state" => f("address.region"),
            "mailingpostalcode" | "mailing zip/postal code" | "mailing postal code" => {
                f("address.postal_code")
            }
            "mailingcountry" | "mailing country" => f("address.country"),
            _ => None,
        },
        CsvSource::Generic | CsvSource::Custom => guess_field(header),
    }
}

/// The generic header guesser: synonyms, compared without case, spaces or punctuation.
pub(crate) fn guess_field(header: &str) -> Option<String> {
    let h = header.trim();
    if h.starts_with("custom.") && parse_field(h).is_some() {
        return Some(h.to_string());
    }
    let key: String =
        h.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    let key = key.trim_end_matches(|c: char| c.is_ascii_digit());
    const SYNONYMS: &[(&[&str], &str)] = &[
        (
            &[
                "name",
                "fullname",
                "displayname",
                "contact",
                "contactname",
                "customer",
                "customername",
                "person",
            ],
            "name",
        ),
        (&["givenname", "firstname", "first", "forename", "prenom", "vorname"], "given_name"),
        (&["familyname", "lastname", "last", "surname", "nom", "nachname"], "family_name"),
        (
            &[
                "company",
                "companyname",
                "organisation",
                "organization",
                "organisationname",
                "organizationname",
                "org",
                "account",
                "accountname",
                "business",
                "employer",
                "firma",
            ],
            "company",
        ),
        (&["title", "jobtitle", "position", "role", "job"], "title"),
        (
            &[
                "email",
                "emails",
                "emailaddress",
                "mail",
                "emailadresse",
                "primaryemail",
                "workemail",
            ],
            "email",
        ),
        (
            &[
                "phone",
                "phones",
                "telephone",
                "tel",
                "phonenumber",
                "telefon",
                "number",
                "primaryphone",
            ],
            "phone",
        ),
        (&["mobile", "mobilephone", "cell", "cellphone", "mobilenumber", "handy"], "phone:mobile"),
        (&["workphone", "businessphone", "officephone"], "phone:work"),
        (&["homephone"], "phone:home"),
        (
            &[
                "tags",
                "tag",
                "labels",
                "label",
                "categories",
                "category",
                "groups",
                "groupmembership",
            ],
            "tags",
        ),
        (&["birthday", "birthdate", "dateofbirth", "dob", "bday", "geburtstag"], "birthday"),
        (&["notes", "note", "comments", "comment", "description", "remarks"], "notes"),
        (&["leadsource", "source"], "lead_source"),
        (&["owner", "contactowner", "accountowner", "salesrep"], "owner"),
        (&["stage", "lifecyclestage", "status"], "stage"),
        (&["externalid", "id", "recordid", "contactid"], "external_id"),
        (&["rapportid"], "rapport_id"),
        (&["kind", "type"], "kind"),
        (&["street", "address", "streetaddress", "addressline", "addressstreet"], "address.street"),
        (&["city", "town", "addresscity"], "address.city"),
        (
            &["state", "region", "province", "county", "stateregion", "addressregion"],
            "address.region",
        ),
        (
            &["zip", "zipcode", "postcode", "postalcode", "plz", "addresspostalcode"],
            "address.postal_code",
        ),
        (&["country", "countryregion", "addresscountry"], "address.country"),
        (&["howwemet"], "how_we_met"),
        (&["preferredchannel", "channel"], "preferred_channel"),
        (&["quiethours"], "quiet_hours"),
        (&["keepintouchdays", "keepintouch"], "keep_in_touch_days"),
        (&["keepintouchmaxdays", "keepintouchmax"], "keep_in_touch_max_days"),
        (&["addresses"], "addresses"),
        (&["importantdates"], "important_dates"),
        (&["keyfacts"], "key_facts"),
        (&["customfields"], "custom_fields"),
    ];
    SYNONYMS.iter().find(|(names, _)| names.contains(&key)).map(|(_, f)| f.to_string())
}

/// The mapping to use and where it came from: the one given, a saved one with exactly the
/// file's columns, a known export, or guessed.
fn choose(
    header: &[String],
    opts: &ImportOptions,
    saved: &[SavedMapping],
) -> Result<(CsvSource, Vec<Option<String>>)> {
    let from_mapping = |m: &ColumnMapping| {
        header
            .iter()
            .map(|h| {
                let exact = m.columns.iter().find(|c| c.column.trim() == h);
                let any = exact
                    .or_else(|| m.columns.iter().find(|c| c.column.trim().eq_ignore_ascii_case(h)));
                any.and_then(|c| c.field.clone())
            })
            .collect::<Vec<_>>()
    };
    if let Some(m) = &opts.mapping {
        validate_mapping(m)?;
        return Ok((CsvSource::Custom, from_mapping(m)));
    }
    let mut cols: Vec<String> = header.iter().map(|h| h.to_lowercase()).collect();
    cols.sort();
    for s in saved {
        let mut theirs: Vec<String> =
            s.mapping.columns.iter().map(|c| c.column.trim().to_lowercase()).collect();
        theirs.sort();
        if theirs == cols && validate_mapping(&s.mapping).is_ok() {
            return Ok((CsvSource::Custom, from_mapping(&s.mapping)));
        }
    }
    let source = detect_source(header);
    Ok((source, header.iter().map(|h| known_field(source, h)).collect()))
}

/// CSV bytes → records, with the mapping used and each column's first value.
pub(crate) fn read_csv_records(
    bytes: &[u8],
    opts: &ImportOptions,
    saved: &[SavedMapping],
    this_year: i32,
) -> Result<ReadFile> {
    let file = read_csv(bytes, opts.encoding.as_deref())?;
    let (source, targets) = choose(&file.header, opts, saved)?;
    let fields: Vec<Option<Field>> =
        targets.iter().map(|t| t.as_deref().and_then(parse_field)).collect();
    let columns = file
        .header
        .iter()
        .enumerate()
        .map(|(i, h)| MappedColumn {
            column: h.clone(),
            field: targets[i].clone(),
            sample: file
                .rows
                .iter()
                .filter(|r| r.issue.is_none())
                .find_map(|r| r.cells.get(i).map(|c| c.trim()).filter(|c| !c.is_empty()))
                .map(|c| c.chars().take(200).collect()),
        })
        .collect();
    let mut needs_date_order = false;
    let records = file
        .rows
        .iter()
        .map(|row| {
            to_record(row, &file.header, &fields, opts.date_order, this_year, &mut needs_date_order)
        })
        .collect();
    Ok(ReadFile {
        format: ImportFormat::Csv,
        source: Some(source),
        encoding: file.encoding.to_string(),
        encoding_detected: file.encoding_detected,
        delimiter: Some(file.delimiter),
        columns,
        records,
        needs_date_order,
    })
}

/// A cell as text: trimmed, and without the `'` a spreadsheet-safe export puts before a
/// leading `= + - @` (Rapport's own export does; see `export_csv`).
fn cell_text(c: &str) -> &str {
    let c = c.trim();
    let trigger = |s: &str| s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    match c.strip_prefix('\'') {
        Some(rest) if trigger(rest) || rest.strip_prefix('\'').is_some_and(trigger) => rest,
        _ => c,
    }
}

/// Splits a multi-value cell: Google's ` ::: ` always, then `extra` separators.
fn split_multi<'a>(v: &'a str, extra: &'a [char]) -> impl Iterator<Item = &'a str> + 'a {
    v.split(":::").flat_map(move |p| p.split(extra)).map(str::trim).filter(|p| !p.is_empty())
}

/// A label the way tools write it ("* Work", "Mobile") → "work", "mobile".
fn clean_label(l: &str) -> Option<String> {
    let l = l.trim().trim_start_matches('*').trim().to_lowercase();
    (!l.is_empty() && l.len() <= 50).then_some(l)
}

/// Rapport's export writes a labelled value as `work: ada@example.com`.
fn split_label(entry: &str) -> (Option<String>, &str) {
    match entry.split_once(": ") {
        Some((l, v))
            if !l.is_empty()
                && l.len() <= 50
                && !l.contains(['@', ':'])
                && !v.trim().is_empty() =>
        {
            (clean_label(l), v.trim())
        }
        _ => (None, entry),
    }
}

fn stage(v: &str) -> Option<LifecycleStage> {
    let k: String =
        v.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
    Some(match k.as_str() {
        "lead" | "subscriber" | "marketingqualifiedlead" | "mql" | "new" | "open" => {
            LifecycleStage::Lead
        }
        "prospect" | "salesqualifiedlead" | "sql" | "opportunity" | "qualified" => {
            LifecycleStage::Prospect
        }
        "customer" | "evangelist" | "client" | "won" => LifecycleStage::Customer,
        "former" | "churned" | "formercustomer" | "lost" => LifecycleStage::Former,
        _ => return None,
    })
}

struct RowBuilder {
    row: u64,
    rec: ImportRecord,
    email_groups: Vec<(String, Option<String>, Labeled)>,
    phone_groups: Vec<(String, Option<String>, Labeled)>,
    labels: BTreeMap<(&'static str, String), String>,
    addresses: BTreeMap<(String, Option<String>), Address>,
}

impl RowBuilder {
    fn issue(&mut self, column: &str, field: &str, severity: Severity, message: String) {
        self.rec.issues.push(RowIssue {
            row: self.row,
            column: Some(column.to_string()),
            field: Some(field.to_string()),
            severity,
            message,
        });
    }

    fn error(&mut self, column: &str, field: &str, message: String) {
        self.issue(column, field, Severity::Error, message);
    }

    fn source(&mut self, field: &str, column: &str) {
        self.rec.sources.entry(field.to_string()).or_insert_with(|| column.to_string());
    }

    fn text(
        &mut self,
        slot: fn(&mut ImportRecord) -> &mut Option<String>,
        field: &str,
        column: &str,
        v: &str,
    ) {
        self.source(field, column);
        let s = slot(&mut self.rec);
        match s {
            // Two columns for one field (two note columns): keep both.
            Some(existing) if field == "notes" => {
                existing.push('\n');
                existing.push_str(v);
            }
            Some(_) => {}
            None => *s = Some(v.to_string()),
        }
    }
}

fn to_record(
    row: &CsvRow,
    header: &[String],
    fields: &[Option<Field>],
    order: Option<DateOrder>,
    this_year: i32,
    needs_date_order: &mut bool,
) -> ImportRecord {
    let mut b = RowBuilder {
        row: row.line,
        rec: ImportRecord { row: row.line, ..Default::default() },
        email_groups: Vec::new(),
        phone_groups: Vec::new(),
        labels: BTreeMap::new(),
        addresses: BTreeMap::new(),
    };
    if let Some(issue) = &row.issue {
        b.rec.issues.push(issue.clone());
        return b.rec;
    }
    for (i, cell) in row.cells.iter().enumerate() {
        let (Some(Some(field)), Some(column)) = (fields.get(i), header.get(i)) else { continue };
        let v = cell_text(cell);
        if v.is_empty() {
            continue;
        }
        let group = group_of(column);
        match field {
            Field::Name => b.text(|r| &mut r.display_name, "display_name", column, v),
            Field::Given => b.text(|r| &mut r.given_name, "given_name", column, v),
            Field::Family => b.text(|r| &mut r.family_name, "family_name", column, v),
            Field::Company => b.text(|r| &mut r.company, "company", column, v),
            Field::Title => b.text(|r| &mut r.title, "title", column, v),
            Field::Notes => b.text(|r| &mut r.notes, "notes", column, v),
            Field::LeadSource => b.text(|r| &mut r.lead_source, "lead_source", column, v),
            Field::Owner => b.text(|r| &mut r.owner, "owner", column, v),
            Field::HowWeMet => b.text(|r| &mut r.how_we_met, "how_we_met", column, v),
            Field::ExternalId => b.text(|r| &mut r.external_id, "external_id", column, v),
            Field::RapportId => match uuid::Uuid::parse_str(v) {
                Ok(id) => {
                    b.source("rapport_id", column);
                    b.rec.rapport_id = Some(id);
                }
                Err(_) => {
                    b.error(column, "rapport_id", format!("`{v}` is not a Rapport customer id"))
                }
            },
            Field::Email(label) | Field::Phone(label) => {
                let is_email = matches!(field, Field::Email(_));
                let (name, seps): (&str, &[char]) =
                    if is_email { ("emails", &[',', ';']) } else { ("phones", &[]) };
                b.source(name, column);
                for entry in split_multi(v, seps) {
                    let (own_label, value) =
                        if label.is_some() { (None, entry) } else { split_label(entry) };
                    let checked = if is_email { text::email(value) } else { text::phone(value) };
                    match checked {
                        Ok(value) => {
                            let l = Labeled { label: label.clone().or(own_label), value };
                            let groups =
                                if is_email { &mut b.email_groups } else { &mut b.phone_groups };
                            groups.push((group.clone(), label.clone(), l));
                        }
                        Err(e) => {
                            let msg = match e {
                                Error::InvalidInput { problem, .. } => problem,
                                other => other.to_string(),
                            };
                            b.error(column, name, msg);
                        }
                    }
                }
            }
            Field::EmailLabel | Field::PhoneLabel | Field::AddressLabel => {
                let kind = match field {
                    Field::EmailLabel => "email",
                    Field::PhoneLabel => "phone",
                    _ => "address",
                };
                // Google writes one label per value (" ::: " again when a cell holds two).
                if let Some(l) = v.split(":::").next().and_then(clean_label) {
                    b.labels.insert((kind, group), l);
                }
            }
            Field::Address(part, label) => {
                b.source("addresses", column);
                let a = b.addresses.entry((group, label.clone())).or_default();
                let slot = match part {
                    Part::Street => &mut a.street,
                    Part::City => &mut a.city,
                    Part::Region => &mut a.region,
                    Part::PostalCode => &mut a.postal_code,
                    Part::Country => &mut a.country,
                };
                if slot.is_none() {
                    *slot = Some(v.to_string());
                }
            }
            Field::Tags => {
                b.source("tags", column);
                // Google joins with " ::: ", Outlook with ";", hand-made files with ",".
                let seps: &[char] = if v.contains(":::") { &[] } else { &[';', ','] };
                for t in split_multi(v, seps) {
                    // Google's system groups: "* myContacts" is every contact, not a tag.
                    let t = t.trim_start_matches('*').trim();
                    if t.eq_ignore_ascii_case("myContacts")
                        || t.eq_ignore_ascii_case("My Contacts")
                        || t.is_empty()
                    {
                        continue;
                    }
                    if !b.rec.tags.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                        b.rec.tags.push(t.to_string());
                    }
                }
            }
            Field::Birthday => {
                b.source("birthday", column);
                match parse_date(v, order, this_year) {
                    ParsedDate::Date(d) => b.rec.birthday = Some(d),
                    ParsedDate::None => {}
                    ParsedDate::Ambiguous => {
                        *needs_date_order = true;
                        b.issue(
                            column,
                            "birthday",
                            Severity::Warning,
                            format!("`{v}` could be day/month or month/day: choose the date order"),
                        );
                    }
                    ParsedDate::Invalid(why) => b.error(column, "birthday", why),
                }
            }
            Field::Stage => {
                b.source("lifecycle_stage", column);
                match stage(v) {
                    Some(s) => b.rec.lifecycle_stage = Some(s),
                    None => b.issue(
                        column,
                        "lifecycle_stage",
                        Severity::Warning,
                        format!("`{v}` is not a stage Rapport knows (lead, prospect, customer, former); left out"),
                    ),
                }
            }
            Field::Kind => {
                b.source("kind", column);
                match v.to_lowercase().as_str() {
                    "person" | "individual" | "contact" => b.rec.kind = Some(CustomerKind::Person),
                    "company" | "organization" | "organisation" | "org" => {
                        b.rec.kind = Some(CustomerKind::Company)
                    }
                    _ => b.error(column, "kind", format!("`{v}` is not person or company")),
                }
            }
            Field::Channel => {
                b.source("preferred_channel", column);
                match text::parse_enum::<Channel>(
                    "preferred_channel",
                    v,
                    "email, phone, sms, whatsapp, in_person",
                ) {
                    Ok(c) => b.rec.preferred_channel = Some(c),
                    Err(e) => b.error(column, "preferred_channel", problem(e)),
                }
            }
            Field::QuietHours => {
                b.source("quiet_hours", column);
                match parse_quiet_hours(v) {
                    Some(q) => b.rec.quiet_hours = Some(q),
                    None => b.error(
                        column,
                        "quiet_hours",
                        format!("`{v}` is not a range like 21:00-08:00"),
                    ),
                }
            }
            Field::KeepInTouch | Field::KeepInTouchMax => {
                let name = if matches!(field, Field::KeepInTouch) {
                    "keep_in_touch_days"
                } else {
                    "keep_in_touch_max_days"
                };
                b.source(name, column);
                match v.parse::<u32>().ok().filter(|d| (1..=3650).contains(d)) {
                    Some(d) if name == "keep_in_touch_days" => b.rec.keep_in_touch_days = Some(d),
                    Some(d) => b.rec.keep_in_touch_max_days = Some(d),
                    None => b.error(
                        column,
                        name,
                        format!("`{v}` is not a number of days from 1 to 3650"),
                    ),
                }
            }
            Field::Addresses => {
                b.source("addresses", column);
                match serde_json::from_str::<Vec<Address>>(v) {
                    Ok(list) => b.rec.addresses.extend(list),
                    Err(e) => b.error(
                        column,
                        "addresses",
                        format!("is not a JSON list of addresses: {e}"),
                    ),
                }
            }
            Field::ImportantDates => {
                b.source("important_dates", column);
                match serde_json::from_str::<Vec<ImportantDate>>(v) {
                    Ok(list) => b.rec.important_dates.extend(list),
                    Err(e) => b.error(
                        column,
                        "important_dates",
                        format!("is not a JSON list of dates: {e}"),
                    ),
                }
            }
            Field::KeyFacts => {
                b.source("key_facts", column);
                match serde_json::from_str::<Vec<KeyFact>>(v) {
                    Ok(list) => b.rec.key_facts.extend(list),
                    Err(e) => b.error(
                        column,
                        "key_facts",
                        format!("is not a JSON list of key facts: {e}"),
                    ),
                }
            }
            Field::CustomFields => {
                b.source("custom_fields", column);
                match serde_json::from_str::<BTreeMap<String, String>>(v) {
                    Ok(map) => b.rec.custom_fields.extend(map),
                    Err(e) => b.error(
                        column,
                        "custom_fields",
                        format!("is not a JSON object of text values: {e}"),
                    ),
                }
            }
            Field::Custom(name) => {
                b.source(&format!("custom.{name}"), column);
                b.rec.custom_fields.entry(name.clone()).or_insert_with(|| v.to_string());
            }
        }
    }
    // Labels from "E-mail 1 - Label" go to the values of "E-mail 1 - Value".
    let labels = std::mem::take(&mut b.labels);
    for (kind, groups) in [("email", &mut b.email_groups), ("phone", &mut b.phone_groups)] {
        let out = if kind == "email" { &mut b.rec.emails } else { &mut b.rec.phones };
        for (group, fixed, mut l) in groups.drain(..) {
            if fixed.is_none() && l.label.is_none() {
                l.label = labels.get(&(kind, group)).cloned();
            }
            if !out.iter().any(|o| o.value == l.value) {
                out.push(l);
            }
        }
    }
    for ((group, fixed), mut a) in std::mem::take(&mut b.addresses) {
        a.label = fixed.or_else(|| labels.get(&("address", group)).cloned());
        b.rec.addresses.push(a);
    }
    b.rec
}

fn problem(e: Error) -> String {
    match e {
        Error::InvalidInput { problem, .. } => problem,
        other => other.to_string(),
    }
}

fn parse_quiet_hours(s: &str) -> Option<QuietHours> {
    let (a, b) = s.split_once('-')?;
    let t = |x: &str| {
        chrono::NaiveTime::parse_from_str(x.trim(), "%H:%M")
            .ok()
            .map(|t| t.format("%H:%M").to_string())
    };
    Some(QuietHours { start: t(a)?, end: t(b)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guesser_ignores_case_spaces_and_punctuation() {
        for (h, f) in [
            ("E-Mail", "email"),
            ("e_mail address", "email"),
            ("Full Name", "name"),
            ("TEL", "phone"),
            ("Mobile", "phone:mobile"),
            ("Organisation", "company"),
            ("Company", "company"),
            ("Zip Code", "address.postal_code"),
            ("Date of Birth", "birthday"),
        ] {
            assert_eq!(guess_field(h).as_deref(), Some(f), "{h}");
        }
        assert_eq!(guess_field("Favourite colour"), None);
    }

    #[test]
    fn mapping_fields_are_checked() {
        for ok in ["email:work", "address.city:home", "custom.Team", "phone.label"] {
            assert!(parse_field(ok).is_some(), "{ok}");
        }
        for bad in ["emial", "name:work", "custom.", "email:"] {
            assert!(parse_field(bad).is_none(), "{bad}");
        }
    }
}

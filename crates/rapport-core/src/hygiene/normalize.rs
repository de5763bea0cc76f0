//! The keys duplicates are compared on: emails, phone numbers and names, each reduced to
//! the form two records of one person would share. Pure functions, no store.

use phonenumber::country;

/// Domains where dots in the local part are ignored and `+anything` is delivered to the
/// same inbox, by the provider's own documented rules (Gmail; googlemail.com is the
/// same service). Elsewhere both are significant: `a.b@example.com` and `ab@example.com`
/// may well be two people, and many servers treat `+` as an ordinary character, so
/// folding them there would merge strangers.
const DOT_AND_PLUS_BLIND: &[&str] = &["gmail.com", "googlemail.com"];

/// The form two addresses of one mailbox share: lower case (no real provider treats the
/// local part's case as significant, whatever RFC 5321 allows); for Gmail only, dots
/// removed, `+suffix` dropped and googlemail.com read as gmail.com.
pub fn email_key(email: &str) -> String {
    let e = email.trim().to_lowercase();
    let Some((local, domain)) = e.rsplit_once('@') else { return e };
    if !DOT_AND_PLUS_BLIND.contains(&domain) {
        return e;
    }
    let local = local.split('+').next().unwrap_or_default().replace('.', "");
    format!("{local}@gmail.com")
}

/// A region for parsing national numbers ("GB", "de"), or `None` if it is not one.
pub fn parse_region(region: &str) -> Option<country::Id> {
    region.trim().to_ascii_uppercase().parse().ok()
}

/// The country part of a POSIX locale (`en_GB.UTF-8` → `GB`, `de_DE@euro` → `DE`).
pub fn region_from_locale(locale: &str) -> Option<String> {
    let base = locale.split(['.', '@']).next()?;
    let (_, region) = base.split_once(['_', '-'])?;
    parse_region(region).map(|_| region.to_ascii_uppercase())
}

/// The region of the user's locale (`LC_ALL`, then `LC_CTYPE`, then `LANG`), if any: the
/// default for numbers written without a country code.
pub fn system_region() -> Option<String> {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .and_then(|l| region_from_locale(&l))
}

/// A parsed number, or why not.
pub enum Phone {
    /// Parsed: E.164 (`+442079460958`) and whether the number plan says it can exist.
    Parsed { e164: String, valid: bool },
    /// Not a number the library understands (or national without a region to read it in).
    Unparsed,
}

pub fn parse_phone(value: &str, region: Option<country::Id>) -> Phone {
    // The parser has panicked on odd input in past releases; a phone field must never
    // take the duplicate list or the audit down with it.
    let parsed = std::panic::catch_unwind(|| phonenumber::parse(region, value).ok());
    match parsed {
        Ok(Some(n)) => Phone::Parsed {
            e164: n.format().mode(phonenumber::Mode::E164).to_string(),
            valid: phonenumber::is_valid(&n),
        },
        _ => Phone::Unparsed,
    }
}

/// The form two writings of one number share: E.164 when it parses (national numbers
/// need the region), else its digits (with a leading `+` kept, so `+44…` and `44…` stay
/// apart: one has a country code, the other may not).
pub fn phone_key(value: &str, region: Option<country::Id>) -> String {
    match parse_phone(value, region) {
        Phone::Parsed { e164, .. } => e164,
        Phone::Unparsed => crate::text::normalize_phone(value),
    }
}

/// Honorifics and suffixes that say nothing about who someone is. Dropped only when a
/// real name is left ("Dr." alone stays a name).
const TITLES: &[&str] = &[
    "dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "dame", "rev", "jr", "sr", "ii", "iii",
    "iv", "phd", "md", "esq",
];
/// Legal forms a company's name may or may not carry ("Acme Ltd" ~ "ACME").
const LEGAL_FORMS: &[&str] = &[
    "inc", "ltd", "llc", "plc", "gmbh", "ag", "sa", "sarl", "sas", "bv", "nv", "co", "corp",
    "limited", "company",
];

/// A name as comparable words: transliterated to ASCII (accents gone, other scripts
/// romanised by `deunicode`), lower case, apostrophes and dots removed ("O'Brien" =
/// "OBrien", "A." = "A"), other punctuation and hyphens splitting words ("Jean-Luc" =
/// "Jean Luc"), titles dropped, sorted so word order does not matter. Not folded:
/// spelling variants such as "Mueller"/"Muller" (deunicode turns ü into u, not ue).
pub fn name_words(name: &str, company: bool) -> Vec<String> {
    let ascii = deunicode::deunicode(name).to_lowercase();
    let cleaned: String = ascii
        .chars()
        .filter(|c| !matches!(c, '\'' | '.'))
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let words: Vec<String> = cleaned.split_whitespace().map(str::to_string).collect();
    let noise = if company { LEGAL_FORMS } else { TITLES };
    let mut kept: Vec<String> =
        words.iter().filter(|w| !noise.contains(&w.as_str())).cloned().collect();
    if kept.is_empty() {
        kept = words;
    }
    kept.sort();
    kept
}

/// Exact-name key: the sorted words, joined.
pub fn name_key(words: &[String]) -> Option<String> {
    (!words.is_empty()).then(|| words.join(" "))
}

/// Initials keys, to find "A. Lovelace" for "Ada Lovelace": one per full word, each
/// with every word's initial (`lovelace|al`). Two names that share one are only
/// candidates: `similar_names` decides.
pub fn initials_keys(words: &[String]) -> Vec<String> {
    if words.len() < 2 {
        return Vec::new();
    }
    let mut initials: Vec<char> = words.iter().filter_map(|w| w.chars().next()).collect();
    initials.sort_unstable();
    let initials: String = initials.into_iter().collect();
    let mut keys: Vec<String> =
        words.iter().filter(|w| w.len() > 1).map(|w| format!("{w}|{initials}")).collect();
    keys.dedup();
    keys
}

/// A word written as an initial: one letter ("A" from "A."). A lone digit is not one
/// ("Florists 2" is not "Florists 24").
fn is_initial(w: &str) -> bool {
    w.len() == 1 && w.as_bytes()[0].is_ascii_alphabetic()
}

/// Whether a name has a word written as an initial.
pub fn has_initial(words: &[String]) -> bool {
    words.iter().any(|w| is_initial(w))
}

/// Names that may be one person written with initials: after removing the words both
/// share, every word left on one side pairs with one on the other that has the same
/// first letter where at least one of the two is a single letter. "A Lovelace" ~ "Ada
/// Lovelace", but "Alan Lovelace" !~ "Ada Lovelace" (two different full first names).
pub fn similar_names(a: &[String], b: &[String]) -> bool {
    if a.len() != b.len() || a == b || a.len() < 2 {
        return false;
    }
    let mut left: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut right: Vec<&str> = Vec::new();
    for w in b {
        match left.iter().position(|x| x == w) {
            Some(i) => {
                left.remove(i);
            }
            None => right.push(w),
        }
    }
    if left.len() == a.len() {
        return false; // nothing in common at all
    }
    // Pair the leftovers: initials first, so a full word never takes an initial's partner.
    right.sort_by_key(|w| w.len());
    for w in right {
        let first = w.as_bytes()[0];
        let pos =
            left.iter().position(|x| x.as_bytes()[0] == first && (is_initial(x) || is_initial(w)));
        match pos {
            Some(i) => {
                left.remove(i);
            }
            None => return false,
        }
    }
    left.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        name_words(s, false)
    }

    #[test]
    fn gmail_ignores_dots_and_plus_but_other_domains_do_not() {
        assert_eq!(email_key("Ada.Lovelace+crm@gmail.com"), "adalovelace@gmail.com");
        assert_eq!(email_key("adalovelace@googlemail.com"), "adalovelace@gmail.com");
        assert_eq!(email_key("a.b@example.com"), "a.b@example.com");
        assert_eq!(email_key("A+x@Example.com"), "a+x@example.com");
    }

    #[test]
    fn national_and_international_writings_meet_in_e164() {
        let gb = parse_region("gb");
        assert_eq!(phone_key("+44 20 7946 0958", gb), "+442079460958");
        assert_eq!(phone_key("020 7946 0958", gb), "+442079460958");
        // Without a region a national number can only be compared by its digits.
        assert_eq!(phone_key("020 7946 0958", None), "02079460958");
        assert_eq!(region_from_locale("en_GB.UTF-8").as_deref(), Some("GB"));
        assert_eq!(region_from_locale("de_DE@euro").as_deref(), Some("DE"));
        assert_eq!(region_from_locale("C.UTF-8"), None);
    }

    #[test]
    fn names_ignore_accents_order_case_and_titles() {
        assert_eq!(words("Zoë Müller"), words("Muller Zoe"));
        assert_eq!(words("Dr. Ada Lovelace"), words("ada  LOVELACE"));
        assert_eq!(words("Jean-Luc O'Brien"), ["jean", "luc", "obrien"]);
        assert_eq!(words("Dr."), ["dr"]);
        assert_eq!(name_words("Acme Ltd", true), name_words("ACME", true));
    }

    #[test]
    fn initials_match_only_against_a_full_word_with_that_letter() {
        assert!(similar_names(&words("A. Lovelace"), &words("Ada Lovelace")));
        assert_eq!(initials_keys(&words("A. Lovelace")), ["lovelace|al"]);
        assert_eq!(initials_keys(&words("Ada Lovelace")), ["ada|al", "lovelace|al"]);
        assert!(!similar_names(&words("Alan Lovelace"), &words("Ada Lovelace")));
        assert!(!similar_names(&words("B. Lovelace"), &words("Ada Lovelace")));
        assert!(!similar_names(&words("A. B."), &words("Ada Byron")), "nothing shared");
        assert!(similar_names(&words("Ada K. Lovelace"), &words("Ada King Lovelace")));
        let florists = |n: &str| name_words(&format!("Alpine Florists {n}"), true);
        assert!(!similar_names(&florists("2"), &florists("24")), "a digit is not an initial");
    }
}

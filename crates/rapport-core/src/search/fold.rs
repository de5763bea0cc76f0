//! Words as the index sees them: SQLite's `unicode61 remove_diacritics 2` tokenizer, redone
//! in Rust for what search needs outside SQL (typo distances, ranking a name's words). A test
//! checks it against the real tokenizer.

use super::fold_table::FOLD;

/// One character as the tokenizer folds it: lower case, accents removed; `None` for a
/// combining mark, which the tokenizer drops.
fn fold_char(c: char) -> Option<char> {
    if ('\u{300}'..='\u{36f}').contains(&c) {
        return None;
    }
    if let Ok(i) = FOLD.binary_search_by_key(&(c as u32), |&(cp, _)| cp) {
        return Some(FOLD[i].1);
    }
    // Single-character lowercase mappings only (as SQLite's table has); others stay.
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => Some(l),
        _ => Some(c),
    }
}

/// Whether the tokenizer keeps `c` inside a word (letters, digits, combining marks).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c)
}

/// `s` folded as a single word (its separators kept as they are).
pub fn fold(s: &str) -> String {
    s.chars().filter_map(fold_char).collect()
}

/// The words of `s`, folded, in order.
pub fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !is_word_char(c)).map(fold).filter(|w| !w.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_and_accents_like_the_tokenizer() {
        assert_eq!(words("Amélie  DUBOIS-Ångström"), ["amelie", "dubois", "angstrom"]);
        assert_eq!(words("O'Brien e\u{301}"), ["o", "brien", "e"]);
        assert_eq!(words("Łukasz Ørsted straße"), ["łukasz", "ørsted", "straße"]);
        assert_eq!(words("😀 -- ''"), Vec::<String>::new());
    }
}

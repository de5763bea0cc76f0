//! Turning what a user typed into a full-text query over `customer_search` (migration 7).
//!
//! Every word becomes a quoted prefix term (`"amél"*`), so FTS5 syntax the user types —
//! quotes, OR, NEAR(, *, column: — is only ever text. The tokenizer (unicode61 with
//! diacritics removed) folds case and accents on both sides: "amel" finds "Amélie".

/// At most this many words count; a search box is not a document.
const MAX_TERMS: usize = 8;

/// One FTS5 query per word the user typed: a customer matches when every word matches
/// somewhere in their document (own fields or timeline). Words without a letter or digit
/// are dropped (the tokenizer would see nothing in them); no words at all means no filter.
pub(crate) fn terms(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_TERMS)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefix_terms() {
        assert_eq!(terms("  Amél  lovelace "), ["\"Amél\"*", "\"lovelace\"*"]);
        assert_eq!(
            terms(r#"say "hi" NEAR( * col:x"#),
            ["\"say\"*", "\"\"\"hi\"\"\"*", "\"NEAR(\"*", "\"col:x\"*"]
        );
        assert!(terms(" * - \"\" ").is_empty());
        assert_eq!(terms(&"w ".repeat(50)).len(), MAX_TERMS);
    }
}

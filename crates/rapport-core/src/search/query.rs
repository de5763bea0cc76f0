//! Turning what a user typed into FTS5 expressions over `customer_search` (migration 7).
//!
//! Every word becomes a quoted prefix phrase (`"amél"*`), so FTS5 syntax the user types —
//! quotes, OR, NEAR(, *, column: — is only ever text. Pure functions (no store), so the
//! fuzz target can run them on arbitrary bytes.

use super::fold;

/// At most this many words count; a search box is not a document.
pub const MAX_WORDS: usize = 8;
/// Only the first this many characters of the input are read.
pub const MAX_INPUT_CHARS: usize = 512;
/// A longer word is cut to this many characters (still a prefix of what was meant).
pub const MAX_WORD_CHARS: usize = 64;

/// The columns of a customer's own document (slot 0); the timeline documents have only
/// `summary` and `body`.
pub const OWN_COLUMNS: &str = "{name company emails phones notes tags}";

/// One word the user typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// As typed (control characters removed, cut to [`MAX_WORD_CHARS`]).
    pub text: String,
    /// The index's words in it, folded ("O'Brien" -> ["o", "brien"]).
    pub tokens: Vec<String>,
}

impl Word {
    /// The quoted prefix phrase that finds this word as typed.
    pub fn phrase(&self) -> String {
        quote(&self.text, true)
    }

    /// Like [`Word::expr`], but the word as typed matched whole, not as a prefix: a
    /// subset of its matches that FTS5 reads lazily.
    pub fn whole_expr(&self, corrections: &[String]) -> String {
        let whole = quote(&self.text, false);
        if corrections.is_empty() {
            return whole;
        }
        let mut parts = vec![whole];
        parts.extend(corrections.iter().map(|t| quote(t, false)));
        format!("({})", parts.join(" OR "))
    }

    /// The word to correct typos in, if it is one plain word of letters long enough for a
    /// typo to be told from another word (4+ letters: one edit, 8+: two).
    pub fn typo_form(&self) -> Option<&str> {
        let [token] = self.tokens.as_slice() else { return None };
        let n = token.chars().count();
        let plain =
            self.text.chars().all(|c| c.is_alphanumeric() || ('\u{300}'..='\u{36f}').contains(&c));
        (plain && (4..=24).contains(&n) && !token.chars().any(|c| c.is_numeric()))
            .then_some(token.as_str())
    }

    /// The expression for this word: its prefix phrase, or any of `corrections` (real terms
    /// of the index, matched whole).
    pub fn expr(&self, corrections: &[String]) -> String {
        if corrections.is_empty() {
            return self.phrase();
        }
        let mut parts = vec![self.phrase()];
        parts.extend(corrections.iter().map(|t| quote(t, false)));
        format!("({})", parts.join(" OR "))
    }
}

/// A string as an FTS5 string literal (never syntax), as a prefix if `prefix`. Control
/// characters are left out: SQLite reads the expression as C text, so a NUL would end it.
pub fn quote(s: &str, prefix: bool) -> String {
    let s: String = s.chars().filter(|c| !c.is_control()).collect();
    format!("\"{}\"{}", s.replace('"', "\"\""), if prefix { "*" } else { "" })
}

/// The words of a search. Whitespace and control characters (NUL included) separate words;
/// words with no letter or digit are dropped (the tokenizer would see nothing in them).
pub fn parse(input: &str) -> Vec<Word> {
    let input: String =
        input.chars().take(MAX_INPUT_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect();
    input
        .split_whitespace()
        .map(|w| w.chars().take(MAX_WORD_CHARS).collect::<String>())
        .filter_map(|text| {
            let tokens = fold::words(&text);
            (!tokens.is_empty()).then_some(Word { text, tokens })
        })
        .take(MAX_WORDS)
        .collect()
}

/// Every one of `exprs` (one per word), each within `columns` if given
/// (`"name"`, [`OWN_COLUMNS`]).
pub fn all_of(exprs: &[String], columns: Option<&str>) -> String {
    let parts: Vec<String> = match columns {
        Some(cols) => exprs.iter().map(|e| format!("{cols} : ({e})")).collect(),
        None => exprs.to_vec(),
    };
    parts.join(" AND ")
}

/// Any of `exprs` within `column`: which fields a hit matched in.
pub fn any_of_in(exprs: &[String], column: &str) -> String {
    format!("{column} : ({})", exprs.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(q: &str) -> Vec<String> {
        parse(q).iter().map(Word::phrase).collect()
    }

    #[test]
    fn words_become_quoted_prefix_phrases() {
        assert_eq!(phrases("  Amél  lovelace "), ["\"Amél\"*", "\"lovelace\"*"]);
        assert_eq!(
            phrases(r#"say "hi" NEAR( * col:x"#),
            ["\"say\"*", "\"\"\"hi\"\"\"*", "\"NEAR(\"*", "\"col:x\"*"]
        );
        assert!(parse(" * - \"\" 😀 ").is_empty());
        assert_eq!(parse(&"w ".repeat(50)).len(), MAX_WORDS);
        assert_eq!(phrases("a\0b\u{7}c"), ["\"a\"*", "\"b\"*", "\"c\"*"]);
    }

    #[test]
    fn only_plain_words_of_four_letters_or_more_are_corrected() {
        let forms: Vec<Option<String>> = parse("Dubios abc o'brien 1234 ab12cd Amélie")
            .iter()
            .map(|w| w.typo_form().map(String::from))
            .collect();
        assert_eq!(forms, [Some("dubios".into()), None, None, None, None, Some("amelie".into())]);
        let w = &parse("dubios")[0];
        assert_eq!(w.expr(&["dubois".into()]), "(\"dubios\"* OR \"dubois\")");
        assert_eq!(w.whole_expr(&["dubois".into()]), "(\"dubios\" OR \"dubois\")");
        assert_eq!(parse("o'bri")[0].whole_expr(&[]), "\"o'bri\"");
        assert_eq!(all_of(&[w.phrase()], Some("name")), "name : (\"dubios\"*)");
    }
}

//! Writing content lines, the syntax vCard (RFC 6350 §3) and iCalendar (RFC 5545 §3.1)
//! share: TEXT escaping, and folding to 75 octets with CRLF.

/// The most octets on one physical line, excluding its CRLF (both RFCs).
pub(crate) const MAX_LINE_OCTETS: usize = 75;

/// Escapes a TEXT value: backslash, comma, semicolon and line breaks (RFC 6350 §3.4,
/// RFC 5545 §3.3.11). Other control characters can't be carried (neither RFC allows them
/// in a value) and are dropped; tabs stay.
pub(crate) fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ',' => out.push_str("\\,"),
            ';' => out.push_str("\\;"),
            '\r' => {
                // CRLF and a lone CR are one line break each.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends `line` (one unfolded content line, no line break in it) to `out`, folded so no
/// physical line exceeds 75 octets: each continuation starts with one space, and a
/// multi-octet UTF-8 character is never split.
pub(crate) fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut first = true;
    loop {
        let room = if first { MAX_LINE_OCTETS } else { MAX_LINE_OCTETS - 1 };
        if !first {
            out.push(' ');
        }
        if rest.len() <= room {
            out.push_str(rest);
            out.push_str("\r\n");
            return;
        }
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        out.push_str(&rest[..cut]);
        out.push_str("\r\n");
        rest = &rest[cut..];
        first = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_the_rfcs_name() {
        assert_eq!(escape_text("a\\b,c;d\r\ne\nf\rg\th\u{7}"), "a\\\\b\\,c\\;d\\ne\\nf\\ng\th");
    }

    #[test]
    fn folds_at_75_octets_on_character_boundaries() {
        let mut out = String::new();
        let line = format!("NOTE:{}", "é".repeat(100));
        push_folded(&mut out, &line);
        assert!(out.ends_with("\r\n"));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        // Unfolding (drop CRLF + one space) gives the line back.
        assert_eq!(out.trim_end_matches("\r\n").replace("\r\n ", ""), line);
    }
}

//! From bytes to cards of properties: line unfolding (RFC 2425/6350 folding, vCard 2.1's
//! whitespace-keeping folding, quoted-printable soft breaks, 2.1 base64 blocks), cards
//! between BEGIN:VCARD and END:VCARD, and each line's group, name and parameters.
//! Values stay raw bytes here: their encoding and charset are decoded per property.

/// The vCard version a card declares; it changes how lines unfold and values unescape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V21,
    V30,
    V40,
}

/// One property line: `[group.]NAME;PARAM=VALUE,…:value`.
#[derive(Debug, Clone)]
pub(crate) struct Prop {
    pub group: Option<String>,
    /// Upper case.
    pub name: String,
    /// Parameter names upper case; values unquoted, split on commas, as written.
    pub params: Vec<(String, Vec<String>)>,
    pub value: Vec<u8>,
}

impl Prop {
    /// Every value of a parameter (`TYPE=a,b;TYPE=c` → a, b, c).
    pub fn param<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.params
            .iter()
            .filter(move |(n, _)| n == name)
            .flat_map(|(_, v)| v.iter().map(String::as_str))
    }

    pub fn first_param(&self, name: &str) -> Option<&str> {
        let (_, values) = self.params.iter().find(|(n, _)| n == name)?;
        values.first().map(String::as_str)
    }

    /// The `TYPE` values, lower case, each comma-list split (`TYPE="work,voice"` too).
    pub fn types(&self) -> Vec<String> {
        self.param("TYPE")
            .flat_map(|v| v.split(','))
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect()
    }

    pub fn encoding(&self) -> Option<String> {
        self.first_param("ENCODING").map(|e| e.trim().to_ascii_uppercase())
    }
}

/// One card as written, before its properties mean anything.
#[derive(Debug, Clone)]
pub(crate) struct RawCard {
    /// 1-based position in the file.
    pub index: u64,
    pub version: Version,
    pub props: Vec<Prop>,
    /// END:VCARD was seen.
    pub ended: bool,
    /// Lines inside the card that are not properties.
    pub bad_lines: Vec<String>,
}

/// Splits a file into cards. Lines outside a card are ignored.
pub(crate) fn cards(bytes: &[u8]) -> Vec<RawCard> {
    let mut out: Vec<RawCard> = Vec::new();
    let mut open: Option<RawCard> = None;
    let mut pending: Option<Vec<u8>> = None;
    for line in physical_lines(bytes) {
        if let Some(p) = pending.as_mut() {
            let version = open.as_ref().map_or(Version::V30, |c| c.version);
            if continue_line(p, line, version) {
                continue;
            }
        }
        if let Some(p) = pending.take() {
            logical_line(&p, &mut open, &mut out);
        }
        pending = Some(line.to_vec());
    }
    if let Some(p) = pending.take() {
        logical_line(&p, &mut open, &mut out);
    }
    if let Some(card) = open.take() {
        out.push(card);
    }
    out
}

/// Lines split on LF with a trailing CR dropped (CRLF and bare LF files both occur).
fn physical_lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

/// Joins `line` onto the logical line `p` if it continues it; says whether it did.
fn continue_line(p: &mut Vec<u8>, line: &[u8], version: Version) -> bool {
    let enc = value_encoding(p);
    // Quoted-printable soft break: a value ending in `=` goes on on the next line, whether
    // or not that line is also folded (some writers indent it).
    let soft_break = enc == Enc::QuotedPrintable && p.last() == Some(&b'=');
    let folded = matches!(line.first(), Some(b' ' | b'\t'));
    if soft_break && (folded || (!line.is_empty() && !is_end(line))) {
        p.pop();
        p.extend_from_slice(if folded { &line[1..] } else { line });
        return true;
    }
    if folded {
        // RFC 2425/6350: CRLF + one whitespace is removed. vCard 2.1 §2.1.3: CRLF followed
        // by whitespace "is equivalent to the whitespace", so it stays.
        p.extend_from_slice(if version == Version::V21 { line } else { &line[1..] });
        return true;
    }
    // vCard 2.1 base64 blocks: some writers don't indent the continuation lines; a line of
    // base64 alphabet only (no `:`, so not a property) belongs to the value.
    if enc == Enc::Base64
        && !line.is_empty()
        && line.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
    {
        p.extend_from_slice(line);
        return true;
    }
    false
}

fn is_end(line: &[u8]) -> bool {
    line.len() >= 9 && line[..9].eq_ignore_ascii_case(b"END:VCARD")
}

#[derive(PartialEq, Eq)]
enum Enc {
    Plain,
    QuotedPrintable,
    Base64,
}

/// The value encoding a (partial) logical line declares, from its parameters.
fn value_encoding(line: &[u8]) -> Enc {
    let Some((head, _)) = split_head(line) else { return Enc::Plain };
    let head = String::from_utf8_lossy(head).to_ascii_uppercase();
    let mut params = split_unquoted(&head, ';').into_iter().skip(1);
    let enc = |v: &str| match v.trim().trim_start_matches("ENCODING=") {
        "QUOTED-PRINTABLE" => Some(Enc::QuotedPrintable),
        "BASE64" | "B" => Some(Enc::Base64),
        _ => None,
    };
    params.find_map(|p| enc(&p)).unwrap_or(Enc::Plain)
}

/// Handles one unfolded line: BEGIN/END, or a property of the open card.
fn logical_line(line: &[u8], open: &mut Option<RawCard>, out: &mut Vec<RawCard>) {
    let trimmed = line.trim_ascii();
    if trimmed.is_empty() {
        return;
    }
    if let Some(value) = keyword(trimmed, b"BEGIN") {
        if value.eq_ignore_ascii_case(b"VCARD") {
            if let Some(card) = open.take() {
                out.push(card);
            }
            let index = out.len() as u64 + 1;
            *open = Some(RawCard {
                index,
                version: Version::V30,
                props: Vec::new(),
                ended: false,
                bad_lines: Vec::new(),
            });
            return;
        }
    }
    let Some(card) = open.as_mut() else { return };
    if let Some(value) = keyword(trimmed, b"END") {
        if value.eq_ignore_ascii_case(b"VCARD") {
            card.ended = true;
            out.push(open.take().expect("open card"));
            return;
        }
    }
    match parse_prop(line) {
        Some(prop) => {
            if prop.name == "VERSION" {
                card.version = match prop.value.trim_ascii() {
                    b"2.1" => Version::V21,
                    b"4.0" => Version::V40,
                    _ => Version::V30,
                };
            }
            card.props.push(prop);
        }
        None => {
            let shown: String = String::from_utf8_lossy(trimmed).chars().take(40).collect();
            card.bad_lines.push(shown);
        }
    }
}

/// `KEYWORD:value` (any case, spaces around the colon tolerated) → value.
fn keyword<'a>(line: &'a [u8], word: &[u8]) -> Option<&'a [u8]> {
    let head = line.get(..word.len())?;
    if !head.eq_ignore_ascii_case(word) {
        return None;
    }
    line[word.len()..].trim_ascii().strip_prefix(b":").map(<[u8]>::trim_ascii)
}

/// The part before the first `:` outside double quotes, and the value after it.
fn split_head(line: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut quoted = false;
    for (i, &b) in line.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some((&line[..i], &line[i + 1..])),
            _ => {}
        }
    }
    None
}

fn split_unquoted(s: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        if c == '"' {
            quoted = !quoted;
            cur.push(c);
        } else if c == sep && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// RFC 6868 parameter value escapes: `^n` newline, `^'` double quote, `^^` caret.
fn caret_decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '^' {
            match chars.peek() {
                Some('n' | 'N') => {
                    out.push('\n');
                    chars.next();
                }
                Some('\'') => {
                    out.push('"');
                    chars.next();
                }
                Some('^') => {
                    out.push('^');
                    chars.next();
                }
                _ => out.push('^'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses `[group.]NAME[;params]:value`; `None` if the line has no name or no colon.
pub(crate) fn parse_prop(line: &[u8]) -> Option<Prop> {
    let (head, value) = split_head(line)?;
    let head = String::from_utf8_lossy(head);
    let mut parts = split_unquoted(&head, ';').into_iter();
    let full_name = parts.next()?.trim().to_string();
    let (group, name) = match full_name.rsplit_once('.') {
        Some((g, n)) => (Some(g.to_string()), n.to_string()),
        None => (None, full_name),
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return None;
    }
    let mut params = Vec::new();
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        let (pname, pvalue) = match p.split_once('=') {
            Some((n, v)) => (n.trim().to_ascii_uppercase(), v),
            // vCard 2.1 bare parameters: `;WORK;VOICE`, `;QUOTED-PRINTABLE`, `;JPEG`.
            None => {
                let upper = p.to_ascii_uppercase();
                let n = match upper.as_str() {
                    "QUOTED-PRINTABLE" | "BASE64" | "8BIT" | "7BIT" | "B" => "ENCODING",
                    _ => "TYPE",
                };
                (n.to_string(), p)
            }
        };
        let values = split_unquoted(pvalue, ',')
            .into_iter()
            .map(|v| caret_decode(v.trim().trim_matches('"')))
            .collect();
        params.push((pname, values));
    }
    Some(Prop { group, name: name.to_ascii_uppercase(), params, value: value.to_vec() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Vec<(String, String)> {
        cards(text.as_bytes())
            .into_iter()
            .flat_map(|c| c.props)
            .map(|p| (p.name, String::from_utf8(p.value).unwrap()))
            .collect()
    }

    #[test]
    fn unfolds_per_version() {
        // RFC 6350 §3.2: CRLF + one space removed.
        let v4 = "BEGIN:VCARD\r\nVERSION:4.0\r\nNOTE:abc\r\n  def\r\n\tghi\r\nEND:VCARD\r\n";
        assert_eq!(values(v4)[1], ("NOTE".into(), "abc defghi".into()));
        // vCard 2.1 §2.1.3: the whitespace stays.
        let v21 = "BEGIN:VCARD\nVERSION:2.1\nNOTE:abc\n def\nEND:VCARD\n";
        assert_eq!(values(v21)[1].1, "abc def");
    }

    #[test]
    fn quoted_printable_soft_breaks_join_lines_folded_or_not() {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=3D=\r\nb=\r\n c\r\nEND:VCARD\r\n";
        assert_eq!(values(text)[1].1, "a=3Dbc");
    }

    #[test]
    fn parameters_in_all_their_forms() {
        let p = parse_prop(b"item1.TEL;TYPE=work,voice;type=PREF;CELL;X-L=\"a;b:c\":+1").unwrap();
        assert_eq!(p.group.as_deref(), Some("item1"));
        assert_eq!(p.name, "TEL");
        assert_eq!(p.types(), ["work", "voice", "pref", "cell"]);
        assert_eq!(p.first_param("X-L"), Some("a;b:c"));
        assert_eq!(p.value, b"+1");
        let p = parse_prop(b"TEL;TYPE=\"work,voice\":1").unwrap();
        assert_eq!(p.types(), ["work", "voice"]);
        assert!(parse_prop(b"no colon here").is_none());
    }
}

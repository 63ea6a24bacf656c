//! Inline text: HTML emphasis tags from Word exports become Markdown, and the words
//! of a text can be listed (for the "nothing is lost" guarantee).

/// `<b>x</b>` → `**x**`, `<i>x</i>` → `*x*`; `<u>` tags are dropped (their words stay).
/// Anything else that looks like a tag is left alone (e.g. the `<<DPO>>` placeholder).
pub fn normalise_tags(text: &str) -> String {
    const TAGS: [(&str, &str); 12] = [
        ("<b>", "**"),
        ("</b>", "**"),
        ("<strong>", "**"),
        ("</strong>", "**"),
        ("<i>", "*"),
        ("</i>", "*"),
        ("<em>", "*"),
        ("</em>", "*"),
        ("<u>", ""),
        ("</u>", ""),
        ("<br>", " "),
        ("<br/>", " "),
    ];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    'scan: while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        for (tag, replacement) in TAGS {
            if tail
                .get(..tag.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(tag))
            {
                out.push_str(replacement);
                rest = &tail[tag.len()..];
                continue 'scan;
            }
        }
        out.push('<');
        rest = &tail[1..];
    }
    out.push_str(rest);
    out.replace("****", "")
}

/// Removes Markdown emphasis markers (for labels, titles and metadata values) without
/// joining the words on either side: `**2023**J` → `2023 J`.
pub fn strip_emphasis(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '*' {
            out.push(c);
            continue;
        }
        while chars.peek() == Some(&'*') {
            chars.next();
        }
        let joins = out.chars().last().is_some_and(char::is_alphanumeric)
            && chars.peek().is_some_and(|next| next.is_alphanumeric());
        if joins {
            out.push(' ');
        }
    }
    out.trim().to_owned()
}

/// The words of a text, lowercased: runs of letters and digits. Markup, punctuation
/// and placeholder brackets are not words.
pub fn words(text: &str) -> Vec<String> {
    let normalised = normalise_tags(text);
    normalised
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Collapses runs of white space to single spaces.
pub fn fold_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_export_tags_become_markdown() {
        assert_eq!(
            normalise_tags("<b>Date Published</b>"),
            "**Date Published**"
        );
        assert_eq!(normalise_tags("<B>x</B> and <i>y</i>"), "**x** and *y*");
        assert_eq!(normalise_tags("a <u>b</u> <<DPO>> <c>"), "a b <<DPO>> <c>");
        assert_eq!(normalise_tags("<b></b>"), "");
    }

    #[test]
    fn stripping_emphasis_keeps_word_boundaries() {
        assert_eq!(strip_emphasis("**September 2023**"), "September 2023");
        assert_eq!(strip_emphasis("**September 2023**J"), "September 2023 J");
        assert_eq!(strip_emphasis("*Staff only:* x"), "Staff only: x");
    }

    #[test]
    fn words_ignore_markup() {
        assert_eq!(
            words("- 3.1. I *will* [*Mojisola Omole*] <b>ok</b>"),
            ["3", "1", "i", "will", "mojisola", "omole", "ok"]
        );
    }
}

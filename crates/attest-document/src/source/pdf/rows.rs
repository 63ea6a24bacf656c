//! One page's glyphs as lines: glyphs on one baseline, left to right, with spaces and
//! tabs (table cells) from the gaps, the line's type size and weight, and a leading
//! bullet glyph taken off. Also what a running header, footer or page number looks like.

use super::glyphs::Glyph;

/// A gap wider than this many ems between glyphs is a table column, not a space.
const COLUMN_GAP: f64 = 2.5;
const SPACE_GAP: f64 = 0.15;

#[derive(Debug, Clone)]
pub(super) struct Line {
    pub(super) page: usize,
    pub(super) number: usize,
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) size: f64,
    pub(super) text: String,
    pub(super) bullet: bool,
    /// Every letter is set in a bold font.
    pub(super) bold: bool,
    /// Where the last glyph ends, and how wide the first word is: a line wrapped when
    /// the next line's first word would not have fitted after it.
    pub(super) end: f64,
    pub(super) first_word: f64,
}

/// Glyphs on one baseline, left to right, with spaces and tabs from the gaps.
pub(super) fn page_lines(page: usize, mut glyphs: Vec<Glyph>) -> Vec<Line> {
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut rows: Vec<Vec<Glyph>> = Vec::new();
    for glyph in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].y - glyph.y).abs() <= 0.35 * row[0].size.max(glyph.size) => {
                row.push(glyph)
            }
            _ => rows.push(vec![glyph]),
        }
    }
    rows.into_iter()
        .filter_map(|mut row| {
            row.sort_by(|a, b| a.x.total_cmp(&b.x));
            line_of(page, &row)
        })
        .collect()
}

fn line_of(page: usize, row: &[Glyph]) -> Option<Line> {
    let visible: Vec<&Glyph> = row.iter().filter(|g| !g.text.trim().is_empty()).collect();
    let first = *visible.first()?;
    let size = dominant_size(&visible);
    let mut text = String::new();
    let mut previous_end: Option<f64> = None;
    let mut pending_space = false;
    for glyph in row {
        if glyph.text.trim().is_empty() {
            pending_space = true;
            continue;
        }
        if let Some(end) = previous_end {
            let gap = glyph.x - end;
            if gap > COLUMN_GAP * size {
                text.push('\t');
            } else if pending_space || gap > SPACE_GAP * size {
                text.push(' ');
            }
        }
        text.push_str(&glyph.text);
        previous_end = Some(glyph.end.max(glyph.x));
        pending_space = false;
    }
    let (bullet, text) = strip_marker(&text);
    let letters = || {
        visible
            .iter()
            .filter(|g| g.text.chars().any(char::is_alphanumeric))
    };
    let bold = letters().next().is_some() && letters().all(|g| g.bold);
    let end = visible.iter().map(|g| g.end).fold(first.x, f64::max);
    let first_word = row
        .iter()
        .skip_while(|g| g.text.trim().is_empty())
        .take_while(|g| !g.text.trim().is_empty())
        .map(|g| g.end)
        .fold(first.x, f64::max)
        - first.x;
    Some(Line {
        page,
        number: 0,
        x: first.x,
        y: first.y,
        size,
        text,
        bullet,
        bold,
        end,
        first_word,
    })
}

fn dominant_size(glyphs: &[&Glyph]) -> f64 {
    let mut counts: Vec<(i64, usize)> = Vec::new();
    for glyph in glyphs {
        let key = (glyph.size * 2.0).round() as i64;
        match counts.iter_mut().find(|(size, _)| *size == key) {
            Some((_, count)) => *count += 1,
            None => counts.push((key, 1)),
        }
    }
    counts
        .iter()
        .max_by_key(|(size, count)| (*count, *size))
        .map_or(0.0, |(size, _)| *size as f64 / 2.0)
}

fn is_bullet(token: &str) -> bool {
    let mut chars = token.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return false;
    };
    matches!(
        c,
        '•' | '●'
            | '▪'
            | '■'
            | '◦'
            | '‣'
            | '⁃'
            | '∙'
            | '·'
            | '◆'
            | '◇'
            | '➢'
            | '➤'
            | '►'
            | '▶'
            | '✓'
            | '✔'
            | '○'
            | '□'
            | '–'
            | '-'
            | '§'
    ) || ('\u{f000}'..='\u{f0ff}').contains(&c)
}

/// A line's leading bullet glyph (and Word's "o" sub-bullet) becomes a bullet flag; a
/// list number's column gap becomes a space ("7.\tText" → "7. Text").
fn strip_marker(text: &str) -> (bool, String) {
    let (head, rest) = match text.split_once(['\t', ' ']) {
        Some((head, rest)) => (head, rest.trim_start()),
        None => (text, ""),
    };
    if is_bullet(head) && !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("o\t") {
            return (true, format!("o {}", after.trim_start()));
        }
        return (true, rest.to_owned());
    }
    if head == "o" && text[1..].starts_with('\t') && !rest.is_empty() {
        return (true, format!("o {rest}"));
    }
    let is_number = head.len() <= 8
        && (head.ends_with('.') || head.ends_with(')'))
        && head
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '(' | ')'));
    if is_number && text[head.len()..].starts_with('\t') && !rest.is_empty() {
        return (false, format!("{head} {rest}"));
    }
    (false, text.to_owned())
}

/// Running headers and footers repeat with only their numbers changed.
pub(super) fn running_key(text: &str) -> String {
    let digits_folded: String = text
        .chars()
        .map(|c| if c.is_ascii_digit() { '#' } else { c })
        .collect();
    digits_folded
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub(super) fn is_page_number(key: &str) -> bool {
    let stripped = key.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let without_hashes = stripped.replace('#', "");
    let words: Vec<&str> = without_hashes.split_whitespace().collect();
    stripped.contains('#')
        && words
            .iter()
            .all(|w| matches!(*w, "page" | "of" | "/" | "p."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_and_running_text() {
        assert!(is_page_number(&running_key("Page 3")));
        assert!(is_page_number(&running_key("Page 3 of 12")));
        assert!(is_page_number(&running_key("- 4 -")));
        assert!(is_page_number(&running_key("17")));
        assert!(!is_page_number(&running_key("Section 3 covers email")));
        assert_eq!(running_key("Page 12  of 3"), "page ## of #");
    }

    #[test]
    fn markers_at_the_start_of_a_line() {
        assert_eq!(
            strip_marker("\u{f0b7}\tI will"),
            (true, "I will".to_owned())
        );
        assert_eq!(strip_marker("• I will"), (true, "I will".to_owned()));
        assert_eq!(strip_marker("o\tI will"), (true, "o I will".to_owned()));
        assert_eq!(
            strip_marker("7.\tI understand"),
            (false, "7. I understand".to_owned())
        );
        assert_eq!(
            strip_marker("Name\tValue"),
            (false, "Name\tValue".to_owned())
        );
    }
}

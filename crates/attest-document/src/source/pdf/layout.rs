//! From glyphs to the importer's lines: glyphs on one baseline form a line; wide gaps
//! are table cells (tabs); running headers, footers and page numbers are dropped;
//! larger type is a heading (the largest first); a vertical gap, a change of type or
//! a bullet starts a new paragraph; indentation is kept for list nesting.

use super::glyphs::{Glyph, Page};
use crate::source::lines::{Origin, SourceLines};

/// Top and bottom bands of a page where running headers and footers live.
const MARGIN_BAND: f64 = 0.07;
/// A gap wider than this many ems between glyphs is a table column, not a space.
const COLUMN_GAP: f64 = 2.5;
const SPACE_GAP: f64 = 0.15;
/// Type this much larger than the body text is a heading.
const HEADING_RATIO: f64 = 1.12;
/// A gap between lines this much larger than the usual line pitch ends a paragraph.
const PARAGRAPH_GAP: f64 = 1.3;
/// Word's list levels are indented by about this much (points).
const INDENT_STEP: f64 = 18.0;

#[derive(Debug, Clone)]
struct Line {
    page: usize,
    number: usize,
    x: f64,
    y: f64,
    size: f64,
    text: String,
    bullet: bool,
    /// Where the last glyph ends, and how wide the first word is: a line wrapped when
    /// the next line's first word would not have fitted after it.
    end: f64,
    first_word: f64,
}

pub(super) fn lay_out(pages: Vec<Page>) -> SourceLines {
    let page_count = pages.len();
    let mut lines: Vec<Line> = Vec::new();
    let mut bands: Vec<(usize, String, bool)> = Vec::new();
    for (index, page) in pages.into_iter().enumerate() {
        let height = page.height;
        for (number, line) in page_lines(index + 1, page.glyphs).into_iter().enumerate() {
            let in_band = line.y < height * MARGIN_BAND || line.y > height * (1.0 - MARGIN_BAND);
            bands.push((index + 1, running_key(&line.text), in_band));
            lines.push(Line {
                number: number + 1,
                ..line
            });
        }
    }
    let keep: Vec<bool> = bands
        .iter()
        .map(|(_, key, in_band)| {
            if !in_band {
                return true;
            }
            let pages_with_it = bands
                .iter()
                .filter(|(_, other, band)| *band && other == key)
                .map(|(page, _, _)| *page)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            !(pages_with_it >= 2 || page_count == 1 || is_page_number(key))
        })
        .collect();
    let lines: Vec<Line> = lines
        .into_iter()
        .zip(keep)
        .filter_map(|(line, keep)| keep.then_some(line))
        .collect();
    emit(&lines)
}

/// Glyphs on one baseline, left to right, with spaces and tabs from the gaps.
fn page_lines(page: usize, mut glyphs: Vec<Glyph>) -> Vec<Line> {
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
fn running_key(text: &str) -> String {
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

fn is_page_number(key: &str) -> bool {
    let stripped = key.trim_matches(|c: char| c == '-' || c == '–' || c.is_whitespace());
    let without_hashes = stripped.replace('#', "");
    let words: Vec<&str> = without_hashes.split_whitespace().collect();
    stripped.contains('#')
        && words
            .iter()
            .all(|w| matches!(*w, "page" | "of" | "/" | "p."))
}

fn emit(lines: &[Line]) -> SourceLines {
    let mut out = SourceLines::default();
    if lines.is_empty() {
        return out;
    }
    let body = body_size(lines);
    let mut heading_sizes: Vec<i64> = lines
        .iter()
        .filter(|line| line.size > body * HEADING_RATIO)
        .map(|line| (line.size * 2.0).round() as i64)
        .collect();
    heading_sizes.sort_unstable_by(|a, b| b.cmp(a));
    heading_sizes.dedup();
    let level = |line: &Line| {
        let key = (line.size * 2.0).round() as i64;
        (line.size > body * HEADING_RATIO).then(|| {
            heading_sizes
                .iter()
                .position(|size| *size == key)
                .map_or(6, |p| p + 1)
                .min(6)
        })
    };
    let pitch = line_pitch(lines, body);
    let margins = page_margins(lines);
    let right_edges = page_right_edges(lines);
    let mut previous: Option<&Line> = None;
    let mut heading_open: Option<(usize, String, Origin)> = None;
    for line in lines {
        let this_level = level(line);
        let origin = Origin::Page {
            page: line.page,
            line: line.number,
        };
        // A table cell's text that wrapped: under its column, not at the margin.
        let wrapped_cell = previous.is_some_and(|before| {
            before.page == line.page
                && before.text.contains('\t')
                && !line.text.contains('\t')
                && !line.bullet
                && this_level.is_none()
                && line.y - before.y <= pitch.max(line.size) * PARAGRAPH_GAP
                && line.x > margins[line.page - 1] + 2.0 * INDENT_STEP
        });
        if wrapped_cell {
            out.append_to_last(&format!(" {}", line.text));
            previous = Some(line);
            continue;
        }
        let new_paragraph = match previous {
            None => true,
            Some(before) => {
                let same_page = before.page == line.page;
                let gap = line.y - before.y;
                line.bullet
                    || level(before) != this_level
                    || (same_page && gap > pitch.max(line.size) * PARAGRAPH_GAP)
                    || (!same_page && ends_sentence(&before.text) && !starts_lower(&line.text))
                    || (before.text.contains('\t') != line.text.contains('\t'))
            }
        };
        if let Some(level) = this_level {
            match &mut heading_open {
                Some((open, text, _))
                    if *open == level
                        && !new_paragraph
                        && previous.is_some_and(|before| {
                            wrapped(before, line, right_edges[before.page - 1])
                        }) =>
                {
                    text.push(' ');
                    text.push_str(&line.text);
                }
                _ => {
                    flush_heading(&mut out, heading_open.take());
                    heading_open = Some((level, line.text.clone(), origin));
                }
            }
            previous = Some(line);
            continue;
        }
        flush_heading(&mut out, heading_open.take());
        if new_paragraph {
            out.end_paragraph();
        }
        let margin = margins[line.page - 1];
        let steps = ((line.x - margin) / INDENT_STEP).round().max(0.0) as usize;
        let indent = "  ".repeat(steps.min(16));
        let text = if line.bullet {
            format!("{indent}- {}", line.text)
        } else {
            format!("{indent}{}", line.text)
        };
        if line.text.contains('\t') {
            // Table rows each stand alone.
            out.end_paragraph();
        }
        let broken_at_hyphen = previous.is_some_and(|before| {
            let before = before.text.trim_end();
            before.ends_with('-')
                && before[..before.len() - 1].ends_with(|c: char| c.is_alphanumeric())
        });
        if !new_paragraph && !line.text.contains('\t') {
            // A wrapped line: the paragraph is one line, as a Word paragraph is.
            let joiner = if broken_at_hyphen && starts_lower(&line.text) {
                ""
            } else {
                " "
            };
            out.append_to_last(&format!("{joiner}{}", line.text));
            previous = Some(line);
            continue;
        }
        out.push(text, origin);
        previous = Some(line);
    }
    flush_heading(&mut out, heading_open.take());
    out
}

fn flush_heading(out: &mut SourceLines, heading: Option<(usize, String, Origin)>) {
    if let Some((level, text, origin)) = heading {
        out.end_paragraph();
        out.push(format!("{} {}", "#".repeat(level), text), origin);
        out.end_paragraph();
    }
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end()
        .chars()
        .last()
        .is_some_and(|c| matches!(c, '.' | ':' | ';' | '!' | '?'))
}

fn starts_lower(text: &str) -> bool {
    text.chars().next().is_some_and(char::is_lowercase)
}

/// The size most of the text is set in.
fn body_size(lines: &[Line]) -> f64 {
    let mut weights: Vec<(i64, usize)> = Vec::new();
    for line in lines {
        let key = (line.size * 2.0).round() as i64;
        let weight = line.text.len();
        match weights.iter_mut().find(|(size, _)| *size == key) {
            Some((_, total)) => *total += weight,
            None => weights.push((key, weight)),
        }
    }
    weights
        .iter()
        .max_by_key(|(size, weight)| (*weight, -*size))
        .map_or(11.0, |(size, _)| *size as f64 / 2.0)
}

/// The usual distance between body lines of one paragraph: the most common gap.
fn line_pitch(lines: &[Line], body: f64) -> f64 {
    let mut gaps: Vec<i64> = lines
        .windows(2)
        .filter(|pair| pair[0].page == pair[1].page)
        .filter(|pair| (pair[0].size - body).abs() < 0.6 && (pair[1].size - body).abs() < 0.6)
        .map(|pair| ((pair[1].y - pair[0].y) * 2.0).round() as i64)
        .filter(|gap| *gap > 0 && (*gap as f64) < body * 6.0)
        .collect();
    gaps.sort_unstable();
    let mut best = (0, 0usize);
    let mut index = 0;
    while index < gaps.len() {
        let run = gaps[index..]
            .iter()
            .take_while(|g| **g == gaps[index])
            .count();
        if run > best.1 {
            best = (gaps[index], run);
        }
        index += run;
    }
    if best.1 == 0 {
        body * 1.2
    } else {
        best.0 as f64 / 2.0
    }
}

/// The next line's first word would not have fitted at the end of this one.
fn wrapped(before: &Line, line: &Line, right_edge: f64) -> bool {
    before.end + line.size * 0.3 + line.first_word >= right_edge - line.size * 0.5
}

fn page_right_edges(lines: &[Line]) -> Vec<f64> {
    let pages = lines.iter().map(|line| line.page).max().unwrap_or(1);
    (1..=pages)
        .map(|page| {
            lines
                .iter()
                .filter(|line| line.page == page)
                .map(|line| line.end)
                .fold(0.0, f64::max)
        })
        .collect()
}

fn page_margins(lines: &[Line]) -> Vec<f64> {
    let pages = lines.iter().map(|line| line.page).max().unwrap_or(1);
    let overall = lines
        .iter()
        .map(|line| line.x)
        .fold(f64::INFINITY, f64::min);
    (1..=pages)
        .map(|page| {
            lines
                .iter()
                .filter(|line| line.page == page)
                .map(|line| line.x)
                .fold(f64::INFINITY, f64::min)
        })
        .map(|margin| if margin.is_finite() { margin } else { overall })
        .collect()
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

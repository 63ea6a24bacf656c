//! From glyphs to the importer's lines: glyphs on one baseline form a line; wide gaps
//! are table cells (tabs); running headers, footers and page numbers are dropped;
//! larger type is a heading (the largest first); a paragraph wholly in bold (where
//! bold is not the body's face) is written `**…**`, as Word's bold is, so the text
//! rules make a short one a heading; a vertical gap, a change of type or weight, or a
//! bullet starts a new paragraph; indentation is kept for list nesting.

use super::glyphs::Page;
use super::rows::{Line, is_page_number, page_lines, running_key};
use crate::source::lines::{Origin, SourceLines};

/// Top and bottom bands of a page where running headers and footers live.
const MARGIN_BAND: f64 = 0.07;
/// Type this much larger than the body text is a heading.
const HEADING_RATIO: f64 = 1.12;
/// A gap between lines this much larger than the usual line pitch ends a paragraph.
const PARAGRAPH_GAP: f64 = 1.3;
/// Word's list levels are indented by about this much (points).
const INDENT_STEP: f64 = 18.0;

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
    let stands_out = bold_stands_out(lines);
    let bold = |line: &Line| stands_out && line.bold && !line.bullet && !line.text.contains('\t');
    let mut bold_open = false;
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
                    || bold(before) != bold(line)
                    || (same_page && gap > pitch.max(line.size) * PARAGRAPH_GAP)
                    || (!same_page && ends_sentence(&before.text) && !starts_lower(&line.text))
                    || (before.text.contains('\t') != line.text.contains('\t'))
            }
        };
        if new_paragraph || this_level.is_some() {
            close_bold(&mut out, &mut bold_open);
        }
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
        } else if this_level.is_none() && bold(line) {
            // Bold standing alone, as Word's bold is written: the text rules make a
            // short one a heading.
            bold_open = true;
            format!("{indent}**{}", line.text)
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
    close_bold(&mut out, &mut bold_open);
    flush_heading(&mut out, heading_open.take());
    out
}

fn close_bold(out: &mut SourceLines, open: &mut bool) {
    if std::mem::take(open) {
        out.append_to_last("**");
    }
}

/// Bold marks something only where most of the text is not bold (a document set
/// wholly in a bold face has no emphasis to find).
fn bold_stands_out(lines: &[Line]) -> bool {
    let bold = lines.iter().filter(|line| line.bold).count();
    bold > 0 && bold * 2 < lines.len()
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

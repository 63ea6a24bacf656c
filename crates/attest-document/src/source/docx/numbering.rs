//! List numbering from `word/numbering.xml`: each list's levels (start, format, text
//! such as `%1.%2.` or `(%1)`) and the running counters, so a paragraph's marker reads
//! as Word shows it ("3.1.", "(a)", "iv.").

use std::collections::HashMap;

use super::{attribute, child, is, xml};
use crate::parse::ParseError;

const LEVELS: usize = 9;

#[derive(Debug, Clone, Default)]
struct Level {
    start: i64,
    format: String,
    text: String,
}

#[derive(Debug, Clone)]
struct List {
    abstract_id: String,
    /// Levels restarted by this list instance (`w:lvlOverride/w:startOverride`).
    overrides: HashMap<usize, i64>,
}

/// A paragraph's list marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ListMarker {
    /// A bullet; `o` is Word's classic second-level "o".
    Bullet {
        sub: bool,
    },
    /// As Word would show it, e.g. "3.1." or "(a)".
    Number(String),
    None,
}

#[derive(Debug, Default)]
pub(super) struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    lists: HashMap<String, List>,
    /// Counters per abstract list; a list instance that restarts gets its own.
    counters: HashMap<String, [Option<i64>; LEVELS]>,
    started: HashMap<String, bool>,
}

impl Numbering {
    pub(super) fn read(text: &str) -> Result<Self, ParseError> {
        let document = xml(text)?;
        let mut numbering = Self::default();
        for node in document.descendants().filter(|n| is(*n, "abstractNum")) {
            let Some(id) = attribute(node, "abstractNumId") else {
                continue;
            };
            let mut levels = vec![Level::default(); LEVELS];
            for level in node.children().filter(|n| is(*n, "lvl")) {
                let Some(index) = attribute(level, "ilvl").and_then(|v| v.parse::<usize>().ok())
                else {
                    continue;
                };
                if index >= LEVELS {
                    continue;
                }
                let value = |name| child(level, name).and_then(|n| attribute(n, "val"));
                levels[index] = Level {
                    start: value("start").and_then(|v| v.parse().ok()).unwrap_or(1),
                    format: value("numFmt").unwrap_or("decimal").to_owned(),
                    text: value("lvlText").unwrap_or_default().to_owned(),
                };
            }
            numbering.abstracts.insert(id.to_owned(), levels);
        }
        for node in document.descendants().filter(|n| is(*n, "num")) {
            let (Some(id), Some(abstract_id)) = (
                attribute(node, "numId"),
                child(node, "abstractNumId").and_then(|n| attribute(n, "val")),
            ) else {
                continue;
            };
            let overrides = node
                .children()
                .filter(|n| is(*n, "lvlOverride"))
                .filter_map(|o| {
                    let level = attribute(o, "ilvl")?.parse().ok()?;
                    let start = child(o, "startOverride")
                        .and_then(|n| attribute(n, "val"))?
                        .parse()
                        .ok()?;
                    Some((level, start))
                })
                .collect();
            numbering.lists.insert(
                id.to_owned(),
                List {
                    abstract_id: abstract_id.to_owned(),
                    overrides,
                },
            );
        }
        Ok(numbering)
    }

    /// The marker of the next paragraph in list `id` at `level`, advancing the counters.
    pub(super) fn next(&mut self, id: &str, level: usize) -> ListMarker {
        let level = level.min(LEVELS - 1);
        let Some(list) = self.lists.get(id) else {
            return ListMarker::None;
        };
        let Some(levels) = self.abstracts.get(&list.abstract_id) else {
            return ListMarker::None;
        };
        let key = if list.overrides.is_empty() {
            list.abstract_id.clone()
        } else {
            format!("num:{id}")
        };
        let first_use = !self.started.contains_key(&key);
        self.started.insert(key.clone(), true);
        let counters = self.counters.entry(key).or_insert([None; LEVELS]);
        let start = |index: usize| {
            if first_use || counters[index].is_none() {
                list.overrides
                    .get(&index)
                    .copied()
                    .unwrap_or(levels[index].start)
            } else {
                levels[index].start
            }
        };
        counters[level] = Some(match counters[level] {
            Some(count) => count + 1,
            None => start(level),
        });
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        let this = &levels[level];
        match this.format.as_str() {
            "bullet" => ListMarker::Bullet {
                sub: this.text.trim() == "o",
            },
            "none" => ListMarker::None,
            _ => {
                let mut text = this.text.clone();
                for (index, level_format) in levels.iter().enumerate().rev() {
                    let value = counters[index].unwrap_or(level_format.start);
                    text = text.replace(
                        &format!("%{}", index + 1),
                        &format_number(value, &level_format.format),
                    );
                }
                if text.trim().is_empty() {
                    ListMarker::None
                } else {
                    ListMarker::Number(text.trim().to_owned())
                }
            }
        }
    }
}

fn format_number(value: i64, format: &str) -> String {
    match format {
        "lowerLetter" => letters(value).to_lowercase(),
        "upperLetter" => letters(value),
        "lowerRoman" => roman(value).to_lowercase(),
        "upperRoman" => roman(value),
        "decimalZero" => format!("{value:02}"),
        _ => value.to_string(),
    }
}

/// 1 → A, 26 → Z, 27 → AA (Word repeats the letter).
fn letters(value: i64) -> String {
    if value < 1 {
        return value.to_string();
    }
    let index = ((value - 1) % 26) as u8;
    let repeat = ((value - 1) / 26 + 1).min(10) as usize;
    char::from(b'A' + index).to_string().repeat(repeat)
}

fn roman(value: i64) -> String {
    if !(1..4000).contains(&value) {
        return value.to_string();
    }
    let mut value = value;
    let mut out = String::new();
    for (amount, numeral) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while value >= amount {
            out.push_str(numeral);
            value -= amount;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_each_format() {
        assert_eq!(format_number(3, "decimal"), "3");
        assert_eq!(format_number(1, "lowerLetter"), "a");
        assert_eq!(format_number(28, "upperLetter"), "BB");
        assert_eq!(format_number(4, "lowerRoman"), "iv");
        assert_eq!(format_number(1994, "upperRoman"), "MCMXCIV");
    }
}

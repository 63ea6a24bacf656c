//! Paragraph styles: which are headings (and at what level) and which carry list
//! numbering, following `basedOn` chains.

use std::collections::HashMap;

use super::{attribute, child, is, xml};
use crate::parse::ParseError;

#[derive(Debug, Clone, Default)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline_level: Option<usize>,
    numbering: Option<(String, Option<usize>)>,
}

#[derive(Debug, Default)]
pub(super) struct Styles {
    styles: HashMap<String, Style>,
}

/// What a paragraph style says about its paragraphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct StyleFacts {
    /// 0 for the document title, 1.. for headings.
    pub(super) heading: Option<usize>,
    pub(super) numbering: Option<(String, usize)>,
    /// Word's built-in "List Bullet 2", "List Number 3"… name their level.
    pub(super) list_level: Option<usize>,
}

impl Styles {
    pub(super) fn read(text: &str) -> Result<Self, ParseError> {
        let document = xml(text)?;
        let mut styles = HashMap::new();
        for node in document.descendants().filter(|node| is(*node, "style")) {
            if attribute(node, "type") != Some("paragraph") {
                continue;
            }
            let Some(id) = attribute(node, "styleId") else {
                continue;
            };
            let properties = child(node, "pPr");
            let number_properties = properties.and_then(|p| child(p, "numPr"));
            let style = Style {
                name: child(node, "name")
                    .and_then(|n| attribute(n, "val"))
                    .unwrap_or(id)
                    .to_owned(),
                based_on: child(node, "basedOn")
                    .and_then(|n| attribute(n, "val"))
                    .map(str::to_owned),
                outline_level: properties
                    .and_then(|p| child(p, "outlineLvl"))
                    .and_then(|n| attribute(n, "val"))
                    .and_then(|v| v.parse().ok()),
                numbering: number_properties.and_then(|numbering| {
                    let id = child(numbering, "numId").and_then(|n| attribute(n, "val"))?;
                    let level = child(numbering, "ilvl")
                        .and_then(|n| attribute(n, "val"))
                        .and_then(|v| v.parse().ok());
                    Some((id.to_owned(), level))
                }),
            };
            styles.insert(id.to_owned(), style);
        }
        Ok(Self { styles })
    }

    pub(super) fn facts(&self, id: &str) -> StyleFacts {
        let mut facts = StyleFacts::default();
        let mut current = self.styles.get(id);
        let mut level = None;
        // basedOn chains are short; a cycle or a very long one is cut off.
        for _ in 0..16 {
            let Some(style) = current else { break };
            if facts.list_level.is_none() {
                facts.list_level = list_level(&style.name);
            }
            if facts.heading.is_none() {
                facts.heading = heading_level(&style.name).or(style.outline_level.map(|l| l + 1));
            }
            if facts.numbering.is_none()
                && let Some((id, style_level)) = &style.numbering
            {
                facts.numbering = Some((id.clone(), level.or(*style_level).unwrap_or(0)));
            }
            level = level.or(style.numbering.as_ref().and_then(|(_, l)| *l));
            current = style.based_on.as_ref().and_then(|id| self.styles.get(id));
        }
        facts
    }
}

/// "List Bullet 2" → 1 (the second level), "List Number" → 0.
fn list_level(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    let rest = lower.strip_prefix("list")?;
    let (kind, number) = match rest.rsplit_once(' ') {
        Some((kind, number)) if number.chars().all(|c| c.is_ascii_digit()) => (kind, number),
        _ => (rest, "1"),
    };
    if !matches!(
        kind.trim(),
        "" | "bullet" | "number" | "continue" | "paragraph"
    ) {
        return None;
    }
    let level: usize = number.parse().ok()?;
    (1..=9).contains(&level).then(|| level - 1)
}

/// "heading 2" → 2, "Title" → 0.
fn heading_level(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    if lower == "title" {
        return Some(0);
    }
    let level: usize = lower.strip_prefix("heading")?.trim().parse().ok()?;
    (1..=9).contains(&level).then_some(level)
}

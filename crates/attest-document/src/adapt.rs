//! A school's adaptations of a trust template: new content for the sections the
//! template marks as the school's to write. Every other word stays the trust's.

use std::collections::BTreeMap;

use crate::inline::fold_spaces;
use crate::model::{Block, BlockKind, Document};
use crate::parse::{ParseError, collect_placeholders, parse};

/// How a section is named when adapting it: its number, or else its heading.
pub fn section_key(block: &Block) -> Option<String> {
    if block.kind != BlockKind::Section {
        return None;
    }
    block.number.clone().or_else(|| {
        block
            .heading
            .as_deref()
            .map(|heading| fold_spaces(heading).to_lowercase())
    })
}

/// The sections of a template a school may rewrite: (key, heading).
pub fn editable_sections(document: &Document) -> Vec<(String, String)> {
    document
        .all_blocks()
        .into_iter()
        .filter(|block| block.editable)
        .filter_map(|block| {
            Some((
                section_key(block)?,
                block.heading.clone().unwrap_or_default(),
            ))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AdaptError {
    #[error("the template has no section '{0}'")]
    Unknown(String),
    #[error("section '{0}' is the trust's: the template does not let schools change it")]
    Locked(String),
    #[error("the text for section '{key}' is not usable: {error}")]
    Text { key: String, error: ParseError },
}

impl AdaptError {
    pub fn key(&self) -> &str {
        match self {
            Self::Unknown(key) | Self::Locked(key) | Self::Text { key, .. } => key,
        }
    }
}

/// The template with each adapted section's content replaced by the school's text.
pub fn adapt(
    template: &Document,
    adaptations: &BTreeMap<String, String>,
) -> Result<Document, AdaptError> {
    let mut sections: BTreeMap<String, bool> = BTreeMap::new();
    for block in template.all_blocks() {
        if let Some(key) = section_key(block) {
            sections.insert(key, block.editable);
        }
    }
    let mut replacements: BTreeMap<String, Vec<Block>> = BTreeMap::new();
    for (key, text) in adaptations {
        let key = fold_spaces(key).to_lowercase();
        match sections.get(&key) {
            None => return Err(AdaptError::Unknown(key)),
            Some(false) => return Err(AdaptError::Locked(key)),
            Some(true) => {}
        }
        let parsed = parse(text).map_err(|error| AdaptError::Text {
            key: key.clone(),
            error,
        })?;
        let blocks = parsed
            .blocks
            .into_iter()
            .map(|mut block| {
                // A short first line of the school's text is content here, not a title.
                if block.kind == BlockKind::Title {
                    block.kind = BlockKind::Paragraph;
                }
                block
            })
            .collect();
        replacements.insert(key, blocks);
    }
    let mut adapted = template.clone();
    let mut stack: Vec<&mut Block> = adapted.blocks.iter_mut().collect();
    while let Some(block) = stack.pop() {
        if let Some(key) = section_key(block)
            && let Some(blocks) = replacements.remove(&key)
        {
            block.children = blocks;
            continue;
        }
        stack.extend(block.children.iter_mut());
    }
    adapted.placeholders = collect_placeholders(&adapted.meta, &adapted.blocks);
    Ok(adapted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Format, Reader, render};

    const TEMPLATE: &str = "Trust staff AUP\n\n## 1. Passwords\n\n- 1.1. I will keep my password secret.\n\n## 2. Local arrangements (school to complete)\n\nDescribe your school's arrangements.\n\nI agree to abide by all the points above.\n\nSignature: ___\n";

    #[test]
    fn editable_sections_are_found_by_number() {
        let template = parse(TEMPLATE).expect("parses");
        assert_eq!(
            editable_sections(&template),
            [(
                "2".to_owned(),
                "Local arrangements (school to complete)".to_owned()
            )]
        );
    }

    #[test]
    fn a_school_rewrites_only_the_editable_section() {
        let template = parse(TEMPLATE).expect("parses");
        let adaptations = BTreeMap::from([(
            "2".to_owned(),
            "Phones stay in lockers.\n\n- Ask *[Office Manager]* for a locker key.".to_owned(),
        )]);
        let adapted = adapt(&template, &adaptations).expect("adapts");
        let text = render(&adapted, &Reader::default(), Format::Text);
        assert!(
            text.contains("Phones stay in lockers.") && text.contains("locker key"),
            "{text}"
        );
        assert!(
            !text.contains("Describe your school's arrangements"),
            "{text}"
        );
        assert!(
            text.contains("I will keep my password secret"),
            "the trust's words stay: {text}"
        );
        assert!(
            adapted
                .placeholders
                .iter()
                .any(|p| p.key == "office_manager"),
            "new placeholders are found"
        );

        let locked = adapt(
            &template,
            &BTreeMap::from([("1".to_owned(), "Anything goes".to_owned())]),
        );
        assert_eq!(locked, Err(AdaptError::Locked("1".to_owned())));
        let unknown = adapt(
            &template,
            &BTreeMap::from([("9".to_owned(), "x y".to_owned())]),
        );
        assert_eq!(unknown, Err(AdaptError::Unknown("9".to_owned())));
        assert!(matches!(
            adapt(
                &template,
                &BTreeMap::from([("2".to_owned(), " ".to_owned())])
            ),
            Err(AdaptError::Text { .. })
        ));
        assert_eq!(
            adapt(&template, &BTreeMap::new()).expect("no change"),
            template
        );
    }
}

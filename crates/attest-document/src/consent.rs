//! The questions a signer must answer (e.g. photo consent), as a reader sees them.

use attest_domain::MembershipKind;
use serde::Serialize;

use crate::model::{Block, BlockKind, Document};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentQuestion {
    /// Stable within a version: `consent_1`, `consent_2`, … in document order, counted
    /// over the whole document so a reader who sees fewer questions keeps the same keys.
    pub key: String,
    pub text: String,
    /// The answers allowed; empty means any answer.
    pub options: Vec<String>,
}

/// The consent questions shown to a reader of `audience` (`None`: every question).
pub fn consent_questions(
    document: &Document,
    audience: Option<MembershipKind>,
) -> Vec<ConsentQuestion> {
    let mut questions = Vec::new();
    let mut counter = 0;
    for block in &document.blocks {
        collect(block, audience, true, &mut counter, &mut questions);
    }
    questions
}

fn collect(
    block: &Block,
    audience: Option<MembershipKind>,
    shown: bool,
    counter: &mut usize,
    out: &mut Vec<ConsentQuestion>,
) {
    let shown = shown
        && audience.is_none_or(|kind| block.audience.is_empty() || block.audience.contains(&kind));
    if block.kind == BlockKind::Consent {
        *counter += 1;
        if shown {
            out.push(ConsentQuestion {
                key: format!("consent_{counter}"),
                text: block.text.clone().unwrap_or_default(),
                options: block.options.clone(),
            });
        }
    }
    for child in &block.children {
        collect(child, audience, shown, counter, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_are_numbered_over_the_whole_document() {
        let document = crate::parse(
            "# Policy\n\n## Photos\n\n[governor]\nI agree/disagree to my photo on the website.\n\n\
             I agree/disagree to my photo in the newsletter.\n",
        )
        .expect("parses");
        let all = consent_questions(&document, None);
        let keys: Vec<&str> = all.iter().map(|q| q.key.as_str()).collect();
        assert!(!all.is_empty(), "{document:#?}");
        let teaching = consent_questions(&document, Some(MembershipKind::Teaching));
        for question in &teaching {
            assert!(keys.contains(&question.key.as_str()));
        }
        assert!(teaching.len() <= all.len());
        assert!(all.iter().all(|q| q.options.len() == 2), "{all:?}");
    }

    #[test]
    fn the_samples_ask_their_photo_consent_question() {
        let sample = crate::samples::ALL
            .iter()
            .find(|(name, _)| name.starts_with("004"))
            .expect("sample 004");
        let document = crate::parse(sample.1).expect("parses");
        let questions = consent_questions(&document, Some(MembershipKind::Teaching));
        assert_eq!(questions.len(), 1, "{questions:?}");
        assert_eq!(questions[0].key, "consent_1");
        assert_eq!(questions[0].options, vec!["agree", "disagree"]);
    }
}

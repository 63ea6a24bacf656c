//! The structured form of a policy document.

use attest_domain::MembershipKind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A parsed policy: metadata, a tree of blocks, the placeholders a school fills in,
/// the fields its signature block asks for, and what the importer was unsure of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub meta: Metadata,
    pub blocks: Vec<Block>,
    pub placeholders: Vec<Placeholder>,
    /// Normalised names: name, signature, date, role, …
    pub signature_fields: Vec<String>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    pub title: Option<String>,
    pub school_name: Option<String>,
    pub version: Option<String>,
    /// A bare date under the title, e.g. "April 2021".
    pub date: Option<MetaDate>,
    pub approved: Option<MetaDate>,
    pub published: Option<MetaDate>,
    pub last_review: Option<MetaDate>,
    pub next_review: Option<MetaDate>,
    pub review_cycle: Option<String>,
    pub reviewed_by: Option<String>,
    /// Every metadata entry exactly as found, including ones not understood.
    pub fields: Vec<MetaField>,
}

/// A date as written ("June 2026") and as understood (2026-06-01), when it could be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaDate {
    pub text: String,
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaField {
    pub label: String,
    pub value: String,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockKind {
    /// The document's title line(s).
    Title,
    /// A heading and everything under it.
    Section,
    Paragraph,
    /// A numbered statement: 3.1, 11.14, 7.
    Clause,
    /// A list item: bullet, numbered, lettered, roman or a Word "o" sub-bullet.
    Item,
    /// A question needing a yes/no answer, e.g. photo consent (agree / disagree).
    Consent,
    /// A statement the signer makes: "I agree to abide by all the points above."
    Declaration,
    /// The fields the signer fills in.
    Signature,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Marker {
    Bullet,
    Numbered,
    Lettered,
    Roman,
    SubBullet,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    /// The number as written in the source ("3.1", "7", "a", "ii"), if any.
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marker: Option<Marker>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heading: Option<String>,
    /// Inline Markdown: `*emphasis*`, `**bold**`, `[links](https://…)`, placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Membership kinds this block applies to; empty means everyone.
    pub audience: Vec<MembershipKind>,
    /// The answers a consent question allows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<SignatureField>,
    /// A template section a school may rewrite when it adopts the template.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub editable: bool,
    pub children: Vec<Block>,
    /// Where the block starts in the source (1-based).
    pub line: usize,
}

impl Block {
    pub(crate) fn new(kind: BlockKind, line: usize) -> Self {
        Self {
            kind,
            number: None,
            marker: None,
            heading: None,
            text: None,
            audience: Vec::new(),
            options: Vec::new(),
            fields: Vec::new(),
            editable: false,
            children: Vec::new(),
            line,
        }
    }

    /// Every block of the tree, depth first, in document order.
    pub fn walk(&self) -> Vec<&Block> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(block) = stack.pop() {
            out.push(block);
            stack.extend(block.children.iter().rev());
        }
        out
    }
}

/// A signature field: its normalised name and its label as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureField {
    pub name: String,
    pub label: String,
    /// The line it is on ("Signature Date" puts two fields on one line).
    pub line: usize,
    /// False for a field someone else fills: a headteacher's counter-signature.
    #[serde(default = "yes", skip_serializing_if = "is_yes")]
    pub signer: bool,
}

fn yes() -> bool {
    true
}

#[allow(clippy::trivially_copy_pass_by_ref)]
fn is_yes(value: &bool) -> bool {
    *value
}

/// A school-specific value the document leaves to be filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placeholder {
    /// Stable key a school supplies a value for, e.g. `lgfl_staffmail`.
    pub key: String,
    /// As written, e.g. "LGfL StaffMail".
    pub label: String,
    /// Lines it appears on.
    pub lines: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub line: usize,
    pub message: String,
}

impl Document {
    /// Every block of the document, depth first, in order.
    pub fn all_blocks(&self) -> Vec<&Block> {
        self.blocks.iter().flat_map(Block::walk).collect()
    }
}

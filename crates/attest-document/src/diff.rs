//! Clause-level differences between two versions of a policy: which clauses, items
//! and paragraphs were added, removed or changed, with a word diff for changes.

use serde::{Deserialize, Serialize};
use similar::{Algorithm, ChangeTag, DiffOp, TextDiff, capture_diff_slices};

use crate::inline::fold_spaces;
use crate::model::{Block, BlockKind, Document};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    Equal,
    Insert,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WordChange {
    pub op: WordOp,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub change: ChangeKind,
    pub kind: BlockKind,
    /// The clause or item number, when it has one.
    pub number: Option<String>,
    /// The heading of the section the unit is in, for orientation.
    pub section: Option<String>,
    pub before: Option<String>,
    pub after: Option<String>,
    /// For changes: the words kept, inserted and deleted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<WordChange>,
}

/// One comparable piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unit {
    kind: BlockKind,
    number: Option<String>,
    section: Option<String>,
    text: String,
}

impl Unit {
    fn identity(&self) -> (BlockKind, Option<&str>, &str) {
        (self.kind, self.number.as_deref(), &self.text)
    }
}

fn units(document: &Document) -> Vec<Unit> {
    let mut out = Vec::new();
    // Iterative walk carrying the nearest section heading.
    let mut stack: Vec<(&Block, Option<String>)> =
        document.blocks.iter().rev().map(|b| (b, None)).collect();
    while let Some((block, section)) = stack.pop() {
        let text = match block.kind {
            BlockKind::Section => block.heading.clone().unwrap_or_default(),
            BlockKind::Signature => block
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            _ => block.text.clone().unwrap_or_default(),
        };
        out.push(Unit {
            kind: block.kind,
            number: block.number.clone(),
            section: section.clone(),
            text: fold_spaces(&text),
        });
        let inner = if block.kind == BlockKind::Section {
            block.heading.clone()
        } else {
            section
        };
        stack.extend(
            block
                .children
                .iter()
                .rev()
                .map(|child| (child, inner.clone())),
        );
    }
    out
}

fn similarity(a: &str, b: &str) -> f32 {
    TextDiff::from_words(a, b).ratio()
}

fn words(before: &str, after: &str) -> Vec<WordChange> {
    TextDiff::from_words(before, after)
        .iter_all_changes()
        .map(|change| WordChange {
            op: match change.tag() {
                ChangeTag::Equal => WordOp::Equal,
                ChangeTag::Insert => WordOp::Insert,
                ChangeTag::Delete => WordOp::Delete,
            },
            text: change.value().to_owned(),
        })
        .collect()
}

fn changed(old: &Unit, new: &Unit) -> Change {
    Change {
        change: ChangeKind::Changed,
        kind: new.kind,
        number: new.number.clone(),
        section: new.section.clone(),
        before: Some(old.text.clone()),
        after: Some(new.text.clone()),
        words: words(&old.text, &new.text),
    }
}

fn one_sided(unit: &Unit, change: ChangeKind) -> Change {
    let (before, after) = match change {
        ChangeKind::Removed => (Some(unit.text.clone()), None),
        _ => (None, Some(unit.text.clone())),
    };
    Change {
        change,
        kind: unit.kind,
        number: unit.number.clone(),
        section: unit.section.clone(),
        before,
        after,
        words: Vec::new(),
    }
}

/// Pairs up the units of a replaced range: same kind and number, or similar enough text.
fn pair(old: &[Unit], new: &[Unit], out: &mut Vec<Change>) {
    let mut used = vec![false; new.len()];
    let mut removed = Vec::new();
    for unit in old {
        let partner = new.iter().enumerate().position(|(index, candidate)| {
            !used[index]
                && candidate.kind == unit.kind
                && match (&unit.number, &candidate.number) {
                    (Some(a), Some(b)) => a == b,
                    (None, None) => similarity(&unit.text, &candidate.text) >= 0.5,
                    _ => false,
                }
        });
        match partner {
            Some(index) => {
                used[index] = true;
                out.push(changed(unit, &new[index]));
            }
            None => removed.push(one_sided(unit, ChangeKind::Removed)),
        }
    }
    out.extend(removed);
    out.extend(
        new.iter()
            .zip(&used)
            .filter(|(_, used)| !**used)
            .map(|(unit, _)| one_sided(unit, ChangeKind::Added)),
    );
}

/// What changed from `before` to `after`, in document order.
pub fn diff(before: &Document, after: &Document) -> Vec<Change> {
    let (old, new) = (units(before), units(after));
    let old_ids: Vec<_> = old.iter().map(Unit::identity).collect();
    let new_ids: Vec<_> = new.iter().map(Unit::identity).collect();
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old_ids, &new_ids) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Delete {
                old_index, old_len, ..
            } => {
                out.extend(
                    old[old_index..old_index + old_len]
                        .iter()
                        .map(|unit| one_sided(unit, ChangeKind::Removed)),
                );
            }
            DiffOp::Insert {
                new_index, new_len, ..
            } => {
                out.extend(
                    new[new_index..new_index + new_len]
                        .iter()
                        .map(|unit| one_sided(unit, ChangeKind::Added)),
                );
            }
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                pair(
                    &old[old_index..old_index + old_len],
                    &new[new_index..new_index + new_len],
                    &mut out,
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;

    const BEFORE: &str = "Staff AUP\n\n## 3. Staff practices\n\n- 3.1. I will log out.\n- 3.2. I will keep my password secret.\n- 3.3. I will lock my screen.\n\nI agree to abide by all the points above.\n\nSignature: ___\n";

    #[test]
    fn identical_documents_have_no_changes() {
        let document = parse(BEFORE).expect("parses");
        assert!(diff(&document, &document).is_empty());
    }

    #[test]
    fn clauses_added_removed_and_changed() {
        let after = BEFORE
            .replace(
                "- 3.2. I will keep my password secret.",
                "- 3.2. I will keep my password secret and long.",
            )
            .replace(
                "- 3.3. I will lock my screen.\n",
                "- 3.4. I will use AI responsibly.\n",
            );
        let changes = diff(
            &parse(BEFORE).expect("parses"),
            &parse(&after).expect("parses"),
        );
        let summary: Vec<_> = changes
            .iter()
            .map(|c| (c.change, c.number.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            summary,
            [
                (ChangeKind::Changed, "3.2".to_owned()),
                (ChangeKind::Removed, "3.3".to_owned()),
                (ChangeKind::Added, "3.4".to_owned())
            ]
        );
        let change = &changes[0];
        assert_eq!(change.section.as_deref(), Some("Staff practices"));
        let inserted: Vec<_> = change
            .words
            .iter()
            .filter(|w| w.op == WordOp::Insert)
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(inserted.concat().trim(), "secret and long.");
    }

    #[test]
    fn reworded_paragraphs_are_changes_and_new_ones_additions() {
        let after = BEFORE.replace(
            "I agree to abide by all the points above.",
            "I agree to abide by every point above.\n\nI will report breaches to the DPO.",
        );
        let changes = diff(
            &parse(BEFORE).expect("parses"),
            &parse(&after).expect("parses"),
        );
        let summary: Vec<_> = changes.iter().map(|c| (c.change, c.kind)).collect();
        assert_eq!(
            summary,
            [
                (ChangeKind::Changed, BlockKind::Declaration),
                (ChangeKind::Added, BlockKind::Declaration)
            ]
        );
    }
}

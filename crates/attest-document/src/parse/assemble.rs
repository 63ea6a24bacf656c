//! From the flat list of blocks with their depths to the tree, and the placeholders a
//! document uses.

use crate::model::{Block, Metadata, Placeholder};
use crate::placeholders;
/// Builds the tree from blocks in order with their depths, without recursion.
pub(super) fn assemble(flat: Vec<(usize, Block)>) -> Vec<Block> {
    let mut roots: Vec<Block> = Vec::new();
    let mut open: Vec<Block> = Vec::new();
    let close_one = |open: &mut Vec<Block>, roots: &mut Vec<Block>| {
        if let Some(done) = open.pop() {
            match open.last_mut() {
                Some(parent) => parent.children.push(done),
                None => roots.push(done),
            }
        }
    };
    for (depth, block) in flat {
        let depth = depth.min(open.len());
        while open.len() > depth {
            close_one(&mut open, &mut roots);
        }
        open.push(block);
    }
    while !open.is_empty() {
        close_one(&mut open, &mut roots);
    }
    roots
}

pub(crate) fn collect_placeholders(meta: &Metadata, blocks: &[Block]) -> Vec<Placeholder> {
    let mut found: Vec<Placeholder> = Vec::new();
    let mut note = |text: &str, line: usize| {
        for matched in placeholders::scan(text) {
            match found.iter_mut().find(|p| p.key == matched.key) {
                // Blocks are visited in line order, so a repeat can only be the last line.
                Some(existing) => {
                    if existing.lines.last() != Some(&line) {
                        existing.lines.push(line);
                    }
                }
                None => found.push(Placeholder {
                    key: matched.key,
                    label: matched.label,
                    lines: vec![line],
                }),
            }
        }
    };
    for field in &meta.fields {
        note(&field.value, field.line);
    }
    for block in blocks.iter().flat_map(Block::walk) {
        for text in [&block.heading, &block.text].into_iter().flatten() {
            note(text, block.line);
        }
    }
    found
}

//! The importer: plain text or Markdown, as schools' Word and PDF AUPs turn out, into
//! a `Document`. Line by line: classify each line, decide where it nests, then build
//! the tree. Never panics; anything it is unsure of becomes a warning with a line.

mod lines;

use lines::{LineKind, SourceLine, classify, leading_number, split};

use crate::inline::strip_emphasis;
use crate::model::{
    Block, BlockKind, Document, Marker, MetaDate, MetaField, Metadata, Placeholder, SignatureField,
    Warning,
};
use crate::placeholders;
use crate::vocabulary::{MetaKey, audience, consent_options, marks_editable, meta_key, parse_date};

/// Larger inputs are refused: no school policy is anywhere near this.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Deeper nesting is flattened to this depth with a warning.
pub const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    #[error("the document is empty")]
    Empty,
    #[error("the document is {bytes} bytes; at most {limit} are accepted")]
    TooLarge { bytes: usize, limit: usize },
    #[error("this is not a text document: byte {offset} (line {line}) is {what}")]
    NotText {
        offset: usize,
        line: usize,
        what: &'static str,
    },
}

/// Parses raw bytes: they must be UTF-8 text (a byte-order mark is allowed).
pub fn parse_bytes(input: &[u8]) -> Result<Document, ParseError> {
    if input.len() > MAX_BYTES {
        return Err(ParseError::TooLarge {
            bytes: input.len(),
            limit: MAX_BYTES,
        });
    }
    let line_of = |offset: usize| input[..offset].iter().filter(|b| **b == b'\n').count() + 1;
    if let Some(offset) = input.iter().position(|b| *b == 0) {
        return Err(ParseError::NotText {
            offset,
            line: line_of(offset),
            what: "a NUL byte (binary data)",
        });
    }
    let text = std::str::from_utf8(input).map_err(|error| {
        let offset = error.valid_up_to();
        ParseError::NotText {
            offset,
            line: line_of(offset),
            what: "not valid UTF-8 (save the file as UTF-8 text)",
        }
    })?;
    parse(text)
}

pub fn parse(text: &str) -> Result<Document, ParseError> {
    if text.len() > MAX_BYTES {
        return Err(ParseError::TooLarge {
            bytes: text.len(),
            limit: MAX_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let normalised;
    let text = if text.contains('\r') {
        normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        normalised.as_str()
    } else {
        text
    };
    let lines = split(text);
    let kinds: Vec<LineKind> = lines.iter().map(classify).collect();
    // For each line, the kind of the next non-blank line after it (one backward pass).
    let mut next_kind: Vec<Option<&LineKind>> = vec![None; kinds.len()];
    let mut following = None;
    for index in (0..kinds.len()).rev() {
        next_kind[index] = following;
        if !matches!(kinds[index], LineKind::Blank) {
            following = Some(&kinds[index]);
        }
    }
    let mut builder = Builder::default();
    for index in 0..lines.len() {
        let next = next_kind[index];
        let following_is_blank = matches!(kinds.get(index + 2), None | Some(LineKind::Blank));
        let context = Context {
            next_is_blank: matches!(kinds.get(index + 1), None | Some(LineKind::Blank)),
            next_is_heading: matches!(next, Some(LineKind::Heading { .. })),
            next_is_heading_line: match kinds.get(index + 1) {
                Some(LineKind::Text(text)) => {
                    following_is_blank && is_heading_like(text, Context::BLANK_AFTER)
                }
                _ => false,
            },
        };
        builder.line(&lines[index], &kinds[index], context);
    }
    Ok(builder.finish())
}

#[derive(Clone, Copy)]
struct Context {
    next_is_blank: bool,
    next_is_heading: bool,
    /// The next line is short and unpunctuated: a heading's second line.
    next_is_heading_line: bool,
}

impl Context {
    const BLANK_AFTER: Self = Self {
        next_is_blank: true,
        next_is_heading: false,
        next_is_heading_line: false,
    };
}

/// What the previous non-blank line was, for joining wrapped lines.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Previous {
    #[default]
    Nothing,
    Item,
    Paragraph,
    /// A heading written over two lines.
    Heading,
    Other,
}

#[derive(Default)]
struct Builder {
    meta: Metadata,
    /// Blocks in document order with their depth in the tree.
    flat: Vec<(usize, Block)>,
    warnings: Vec<Warning>,
    /// Open headings: (level, written as Markdown).
    headings: Vec<(usize, bool)>,
    /// Indents of the open list levels.
    list_indents: Vec<usize>,
    titles_done: bool,
    heading_is_title: bool,
    previous: Previous,
    blank_since: bool,
    signature_fields: Vec<String>,
    body_started: bool,
}

fn is_heading_like(text: &str, context: Context) -> bool {
    let words = text.split_whitespace().count();
    let plain = strip_emphasis(text);
    let last = plain.chars().last().unwrap_or('.');
    let first = plain.chars().next().unwrap_or('"');
    words <= 10
        && plain.chars().count() <= 80
        && !matches!(last, '.' | ',' | ';' | '!')
        && !matches!(first, '"' | '“' | '‘' | '\'' | '(' | '[')
        && !plain.starts_with("I ")
        && plain.chars().any(char::is_alphabetic)
        && (context.next_is_blank || last == ':' || last == '?')
}

fn looks_like_school(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["school", "academy", "college"]
        .iter()
        .any(|end| lower.ends_with(end))
        || ["primary", "infant", "junior", "nursery"]
            .iter()
            .any(|word| lower.contains(word))
}

fn is_first_person(text: &str) -> bool {
    let plain = strip_emphasis(text);
    plain.starts_with("I ") || plain.starts_with("I'") || plain.starts_with("I’")
}

impl Builder {
    fn section_depth(&self) -> usize {
        self.headings.len()
    }

    fn push(&mut self, depth: usize, block: Block) {
        self.flat.push((depth, block));
    }

    fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            line,
            message: message.into(),
        });
    }

    fn line(&mut self, line: &SourceLine, kind: &LineKind, context: Context) {
        if matches!(kind, LineKind::Blank) {
            self.blank_since = true;
            return;
        }
        match kind {
            LineKind::Blank => {}
            LineKind::Heading { level, text } => self.heading(line, *level, text),
            LineKind::Meta { label, value } => self.meta_row(line, label, value),
            LineKind::Signature { label, fields } => self.signature(line, label, fields),
            LineKind::Item {
                marker,
                number,
                text,
            } => self.item(line, *marker, number.clone(), text),
            LineKind::Text(text) => self.text(line, text, context),
        }
        self.blank_since = false;
    }

    fn close_list(&mut self) {
        self.list_indents.clear();
    }

    fn heading(&mut self, line: &SourceLine, level: usize, text: &str) {
        self.close_list();
        let (number, heading) = match leading_number(text) {
            Some((number, rest)) => (Some(number), rest),
            None => (None, text.to_owned()),
        };
        if self.heading_is_title
            || (!self.titles_done && number.is_none() && self.meta.title.is_none())
        {
            self.heading_is_title = false;
            self.title(line, text);
            return;
        }
        self.titles_done = true;
        self.body_started = true;
        while self.headings.last().is_some_and(|(open, _)| *open >= level) {
            self.headings.pop();
        }
        let mut block = Block::new(BlockKind::Section, line.number);
        block.audience = self.audience_of(line, &format!("{heading}:"));
        block.number = number;
        block.editable = marks_editable(&heading);
        block.heading = Some(heading);
        let depth = self.section_depth();
        self.push(depth, block);
        self.headings.push((level, true));
        self.previous = Previous::Other;
    }

    fn implicit_heading(&mut self, line: &SourceLine, text: &str) {
        self.close_list();
        let level = match self.headings.last() {
            Some((level, true)) => level + 1,
            _ => 2,
        };
        while self.headings.last().is_some_and(|(open, _)| *open >= level) {
            self.headings.pop();
        }
        let mut block = Block::new(BlockKind::Section, line.number);
        block.audience = self.audience_of(line, &format!("{}:", text.trim_end_matches(':')));
        block.editable = marks_editable(text);
        block.heading = Some(text.to_owned());
        let depth = self.section_depth();
        self.push(depth, block);
        self.headings.push((level, false));
        self.previous = Previous::Other;
    }

    fn title(&mut self, line: &SourceLine, text: &str) {
        let plain = strip_emphasis(text);
        let repeated = self.flat.iter().any(|(_, block)| {
            block.kind == BlockKind::Title && block.text.as_deref() == Some(text)
        });
        if repeated {
            self.warn(line.number, format!("the title \"{plain}\" is repeated"));
        }
        match &mut self.meta.title {
            None => self.meta.title = Some(plain),
            Some(title) if title.ends_with(':') && self.flat.len() == 1 => {
                title.push(' ');
                title.push_str(&plain);
            }
            Some(_) => {}
        }
        let mut block = Block::new(BlockKind::Title, line.number);
        block.text = Some(text.to_owned());
        self.push(0, block);
        self.previous = Previous::Other;
    }

    fn meta_row(&mut self, line: &SourceLine, label: &str, value: &str) {
        let key = meta_key(label);
        if key.is_none() && self.body_started {
            // A tabbed line in the body is content (e.g. a table row), not metadata.
            let text = format!("{} {}", label, value);
            self.paragraph(line, &text);
            return;
        }
        self.titles_done = true;
        let value_plain = strip_emphasis(value);
        let date = || {
            Some(MetaDate {
                text: value_plain.clone(),
                date: parse_date(&value_plain),
            })
        };
        match key {
            Some(MetaKey::SchoolName) => self.meta.school_name = Some(value_plain.clone()),
            Some(MetaKey::Version) => self.meta.version = Some(value_plain.clone()),
            Some(MetaKey::Approved) => self.meta.approved = date(),
            Some(MetaKey::Published) => self.meta.published = date(),
            Some(MetaKey::LastReview) => self.meta.last_review = date(),
            Some(MetaKey::NextReview) => self.meta.next_review = date(),
            Some(MetaKey::ReviewCycle) => self.meta.review_cycle = Some(value_plain.clone()),
            Some(MetaKey::ReviewedBy) => self.meta.reviewed_by = Some(value_plain.clone()),
            None => {}
        }
        if let Some(
            MetaKey::Approved | MetaKey::Published | MetaKey::LastReview | MetaKey::NextReview,
        ) = key
            && parse_date(&value_plain).is_none()
        {
            self.warn(
                line.number,
                format!(
                    "\"{}\" is not a date this importer understands",
                    value_plain
                ),
            );
        }
        self.meta.fields.push(MetaField {
            label: strip_emphasis(label),
            value: value_plain,
            line: line.number,
        });
        self.previous = Previous::Other;
    }

    fn signature(&mut self, line: &SourceLine, label: &str, fields: &[&'static str]) {
        self.close_list();
        self.body_started = true;
        let fields: Vec<SignatureField> = fields
            .iter()
            .map(|name| SignatureField {
                name: (*name).to_owned(),
                label: label.to_owned(),
                line: line.number,
            })
            .collect();
        for field in &fields {
            if !self.signature_fields.contains(&field.name) {
                self.signature_fields.push(field.name.clone());
            }
        }
        if let Some((_, last)) = self.flat.last_mut()
            && last.kind == BlockKind::Signature
        {
            last.fields.extend(fields);
        } else {
            let mut block = Block::new(BlockKind::Signature, line.number);
            block.fields = fields;
            let depth = self.section_depth();
            self.push(depth, block);
        }
        self.previous = Previous::Other;
    }

    fn audience_of(&mut self, line: &SourceLine, text: &str) -> Vec<attest_domain::MembershipKind> {
        match audience(text) {
            Some(kinds) if kinds.is_empty() => {
                self.warn(line.number, "this says who it is \"only\" for, but names no role attest knows; it applies to everyone");
                Vec::new()
            }
            Some(kinds) => kinds,
            None => Vec::new(),
        }
    }

    fn item(&mut self, line: &SourceLine, marker: Marker, number: Option<String>, text: &str) {
        self.titles_done = true;
        self.body_started = true;
        let indent = line.indent;
        let had_parent = !self.list_indents.is_empty();
        while self.list_indents.last().is_some_and(|open| *open > indent) {
            self.list_indents.pop();
        }
        if self.list_indents.last() != Some(&indent) {
            self.list_indents.push(indent);
        }
        // A Word "o" sub-bullet that lost its indentation still belongs under the item above.
        if marker == Marker::SubBullet && self.list_indents.len() == 1 && had_parent {
            self.list_indents.push(indent + 1);
        }
        let mut level = self.list_indents.len();
        if level > MAX_DEPTH {
            self.warn(
                line.number,
                format!("nested more than {MAX_DEPTH} levels deep; kept at level {MAX_DEPTH}"),
            );
            level = MAX_DEPTH;
        }
        let kind = if consent_options(text).is_some() {
            BlockKind::Consent
        } else if number.is_some() && marker == Marker::Numbered && level == 1 {
            BlockKind::Clause
        } else {
            BlockKind::Item
        };
        let mut block = Block::new(kind, line.number);
        block.options = consent_options(text).unwrap_or_default();
        block.audience = self.audience_of(line, text);
        block.marker = Some(marker);
        block.number = number;
        block.text = Some(text.to_owned());
        let depth = self.section_depth() + level - 1;
        self.push(depth, block);
        self.previous = Previous::Item;
    }

    fn append_to_last(&mut self, text: &str) {
        if let Some((_, last)) = self.flat.last_mut() {
            let existing = last.text.get_or_insert_with(String::new);
            if !existing.is_empty() {
                existing.push(' ');
            }
            existing.push_str(text);
        }
    }

    fn text(&mut self, line: &SourceLine, text: &str, context: Context) {
        let continues = !self.blank_since
            && match self.previous {
                Previous::Item => {
                    let last_ends = self
                        .flat
                        .last()
                        .and_then(|(_, b)| b.text.as_deref())
                        .and_then(|t| t.chars().last());
                    line.indent > 0
                        || text.chars().next().is_some_and(char::is_lowercase)
                        || !matches!(last_ends, Some('.' | '!' | '?' | ':' | ';'))
                }
                Previous::Paragraph | Previous::Heading => true,
                _ => false,
            };
        if continues && self.previous == Previous::Heading {
            if let Some((_, last)) = self.flat.last_mut()
                && let Some(heading) = last.heading.as_mut()
            {
                heading.push(' ');
                heading.push_str(text);
            }
            self.previous = Previous::Other;
            return;
        }
        if continues {
            self.append_to_last(text);
            return;
        }
        if !self.titles_done {
            if let Some(date) = parse_date(text).filter(|_| text.split_whitespace().count() <= 4) {
                self.titles_done = true;
                let value = strip_emphasis(text);
                self.meta.date = Some(MetaDate {
                    text: value.clone(),
                    date: Some(date),
                });
                self.meta.fields.push(MetaField {
                    label: String::new(),
                    value,
                    line: line.number,
                });
                self.previous = Previous::Other;
                return;
            }
            let title_like = is_heading_like(
                text,
                Context {
                    next_is_blank: true,
                    ..context
                },
            ) && !text.ends_with('?');
            if title_like
                && self.flat.is_empty()
                && context.next_is_heading
                && looks_like_school(text)
            {
                // "The Willows School" above "## Staff AUP": the school, then the title.
                let value = strip_emphasis(text);
                self.meta.school_name = Some(value.clone());
                self.meta.fields.push(MetaField {
                    label: String::new(),
                    value,
                    line: line.number,
                });
                self.heading_is_title = true;
                return;
            }
            if title_like {
                self.title(line, text);
                return;
            }
            self.titles_done = true;
        }
        self.body_started = true;
        if let Some(options) = consent_options(text) {
            self.close_list();
            let mut block = Block::new(BlockKind::Consent, line.number);
            block.options = options;
            block.audience = self.audience_of(line, text);
            block.text = Some(text.to_owned());
            let depth = self.section_depth();
            self.push(depth, block);
            self.previous = Previous::Other;
        } else if is_first_person(text) {
            self.close_list();
            let mut block = Block::new(BlockKind::Declaration, line.number);
            block.audience = self.audience_of(line, text);
            block.text = Some(text.to_owned());
            let depth = self.section_depth();
            self.push(depth, block);
            self.previous = Previous::Paragraph;
        } else if is_heading_like(text, context) {
            self.implicit_heading(line, text);
        } else if context.next_is_heading_line && is_heading_like(text, Context::BLANK_AFTER) {
            self.implicit_heading(line, text);
            self.previous = Previous::Heading;
        } else {
            self.paragraph(line, text);
        }
    }

    fn paragraph(&mut self, line: &SourceLine, text: &str) {
        self.close_list();
        self.body_started = true;
        let mut block = Block::new(BlockKind::Paragraph, line.number);
        block.audience = self.audience_of(line, text);
        block.text = Some(text.to_owned());
        let depth = self.section_depth();
        self.push(depth, block);
        self.previous = Previous::Paragraph;
    }

    fn finish(mut self) -> Document {
        if self.signature_fields.is_empty() {
            let last = self.flat.last().map_or(1, |(_, block)| block.line);
            self.warn(last, "no signature block found: signers will be asked for their name, signature and date");
        }
        let blocks = assemble(std::mem::take(&mut self.flat));
        let placeholders = collect_placeholders(&self.meta, &blocks);
        Document {
            meta: self.meta,
            blocks,
            placeholders,
            signature_fields: self.signature_fields,
            warnings: self.warnings,
        }
    }
}

/// Builds the tree from blocks in order with their depths, without recursion.
fn assemble(flat: Vec<(usize, Block)>) -> Vec<Block> {
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

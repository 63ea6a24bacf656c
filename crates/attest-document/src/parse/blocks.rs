//! Each kind of line becomes its block: headings, the title, metadata rows, signature
//! lines, list items, consent questions and paragraphs.

use super::lines::{SourceLine, leading_number};

use super::MAX_DEPTH;
use super::builder::{
    Apparatus, Builder, Context, Previous, is_first_person, is_heading_like, looks_like_school,
    unbolded,
};
use crate::inline::strip_emphasis;
use crate::model::{Block, BlockKind, Marker, MetaDate, MetaField, SignatureField};
use crate::vocabulary::{
    MetaKey, audience, consent_options, is_countersignature, marks_editable, meta_key, parse_date,
};

impl Builder {
    pub(super) fn heading(&mut self, line: &SourceLine, level: usize, text: &str) {
        self.close_list();
        let (number, heading) = match leading_number(text) {
            Some((number, rest)) => (Some(number), rest),
            None => (None, text.to_owned()),
        };
        // A title written over two lines ("ACCEPTABLE USE POLICY:" / "STAFF") is one.
        // …and headings at the title's level with nothing but titles before them are
        // more of the title (Word files often set two or three lines in Title style).
        let only_titles = !self.flat.is_empty()
            && self
                .flat
                .iter()
                .all(|(_, block)| block.kind == BlockKind::Title)
            && self.title_level.is_some_and(|title| level <= title);
        let title_continues = only_titles
            || self.meta.title.as_deref().is_some_and(|t| {
                (t.ends_with(':') && self.flat.len() == 1) || *t == strip_emphasis(text)
            });
        if self.heading_is_title
            || (!self.titles_done
                && number.is_none()
                && (self.meta.title.is_none() || title_continues))
        {
            self.heading_is_title = false;
            self.title_level.get_or_insert(level);
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
        block.heading = Some(unbolded(&heading));
        let depth = self.section_depth();
        self.push(depth, block);
        self.headings.push((level, true));
        self.previous = Previous::Other;
    }

    pub(super) fn implicit_heading(&mut self, line: &SourceLine, text: &str) {
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
        block.heading = Some(unbolded(text));
        let depth = self.section_depth();
        self.push(depth, block);
        self.headings.push((level, false));
        self.previous = Previous::Other;
    }

    pub(super) fn title(&mut self, line: &SourceLine, text: &str) {
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

    pub(super) fn meta_row(&mut self, line: &SourceLine, label: &str, value: &str) {
        if self.version_table_row(line, label, value) {
            return;
        }
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

    /// A version-history table ("Version\tDate\tAuthor\tChanges" and its rows) is
    /// kept as metadata rows, not clauses; the last row names the current version.
    fn version_table_row(&mut self, line: &SourceLine, label: &str, value: &str) -> bool {
        let label_plain = strip_emphasis(label).to_lowercase();
        let header = matches!(
            label_plain.trim(),
            "version" | "version no" | "version number" | "revision" | "issue" | "v"
        ) && strip_emphasis(value).to_lowercase().contains("date");
        if !header && self.apparatus != Apparatus::VersionTable {
            return false;
        }
        if !header {
            self.meta.version = Some(strip_emphasis(label));
        }
        self.apparatus = Apparatus::VersionTable;
        self.meta.fields.push(MetaField {
            label: strip_emphasis(label),
            value: strip_emphasis(value),
            line: line.number,
        });
        self.previous = Previous::Other;
        true
    }

    /// "Contents" and the lines under it that repeat the headings with their pages
    /// ("3. Email ........ 4") are kept as metadata, not sections of their own.
    pub(super) fn contents_line(&mut self, line: &SourceLine, text: &str) -> bool {
        let plain = strip_emphasis(text);
        let lower = plain.trim().trim_end_matches(':').to_lowercase();
        let starts = matches!(lower.as_str(), "contents" | "table of contents" | "index");
        let entry = self.apparatus == Apparatus::Contents && is_contents_entry(&plain);
        if !starts && !entry {
            if self.apparatus == Apparatus::Contents {
                self.apparatus = Apparatus::None;
            }
            return false;
        }
        self.apparatus = Apparatus::Contents;
        self.meta.fields.push(MetaField {
            label: String::new(),
            value: plain,
            line: line.number,
        });
        self.previous = Previous::Other;
        true
    }

    pub(super) fn signature(&mut self, line: &SourceLine, labelled: &[(String, &'static str)]) {
        self.close_list();
        self.body_started = true;
        // "Signed (Headteacher) …… Date ……": the whole line is someone else's.
        let someone_else = labelled.iter().any(|(label, _)| is_countersignature(label));
        let fields: Vec<SignatureField> = labelled
            .iter()
            .map(|(label, name)| SignatureField {
                name: (*name).to_owned(),
                label: label.clone(),
                line: line.number,
                signer: !someone_else,
            })
            .collect();
        for field in fields.iter().filter(|field| field.signer) {
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

    pub(super) fn audience_of(
        &mut self,
        line: &SourceLine,
        text: &str,
    ) -> Vec<attest_domain::MembershipKind> {
        match audience(text) {
            Some(kinds) if kinds.is_empty() => {
                self.warn(line.number, "this says who it is \"only\" for, but names no role attest knows; it applies to everyone");
                Vec::new()
            }
            Some(kinds) => kinds,
            None => Vec::new(),
        }
    }

    pub(super) fn item(
        &mut self,
        line: &SourceLine,
        marker: Marker,
        number: Option<String>,
        text: &str,
    ) {
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

    pub(super) fn append_to_last(&mut self, text: &str) {
        if let Some((_, last)) = self.flat.last_mut() {
            let existing = last.text.get_or_insert_with(String::new);
            if !existing.is_empty() {
                existing.push(' ');
            }
            existing.push_str(text);
        }
    }

    pub(super) fn text(&mut self, line: &SourceLine, text: &str, context: Context) {
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
            // A question that wraps onto a second line is still one question.
            self.previous = Previous::Paragraph;
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

    pub(super) fn paragraph(&mut self, line: &SourceLine, text: &str) {
        self.close_list();
        self.body_started = true;
        let mut block = Block::new(BlockKind::Paragraph, line.number);
        block.audience = self.audience_of(line, text);
        block.text = Some(text.to_owned());
        let depth = self.section_depth();
        self.push(depth, block);
        self.previous = Previous::Paragraph;
    }
}

/// A contents entry ends in its page number: "3. Email ........ 4", "Email\t4".
fn is_contents_entry(text: &str) -> bool {
    let trimmed = text.trim_end();
    let without_page = trimmed.trim_end_matches(|c: char| c.is_ascii_digit());
    without_page.len() < trimmed.len()
        && without_page.ends_with(|c: char| c.is_whitespace() || c == '.' || c == '…')
        && without_page.chars().any(char::is_alphabetic)
}

//! Costs a GraphQL document before the schema validates it.
//!
//! async-graphql's validation walks every fragment spread without memoising, and its
//! depth and complexity limits are compared only after that walk: a 1 KB document of
//! fragments that each spread the next twice kept a worker busy until the kernel killed
//! the process. So every document, from anyone, is first scanned as text (tokens,
//! bracket nesting, directives), then parsed and walked once with each fragment's cost
//! memoised. What cannot be afforded is refused here, in time linear in the body.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationDefinition, Selection, SelectionSet,
};
use async_graphql::parser::{Positioned, parse_query};

/// What one document may hold. The defaults are far above any query attest's own pages,
/// the CLI or a trust's scripts send, and far below what would cost a worker.
#[derive(Debug, Clone)]
pub struct DocumentLimits {
    /// The document's own length. Large values (a policy's text) belong in variables,
    /// which are JSON and cheap to read; the GraphQL parser is not.
    pub max_bytes: usize,
    /// Names, numbers, strings and punctuation, counted before parsing.
    pub max_tokens: usize,
    /// Open `{`, `(` and `[` at once, counted before parsing (the parser recurses).
    pub max_nesting: usize,
    pub max_fragments: usize,
    pub max_directives: usize,
    /// Aliased fields once fragments are expanded.
    pub max_aliases: u64,
    /// Fields once fragments are expanded.
    pub max_fields: u64,
    /// Fields within fields once fragments are expanded.
    pub max_depth: usize,
}

impl Default for DocumentLimits {
    fn default() -> Self {
        Self {
            max_bytes: 100_000,
            max_tokens: 10_000,
            max_nesting: 40,
            max_fragments: 50,
            max_directives: 50,
            max_aliases: 100,
            max_fields: 2_000,
            max_depth: 12,
        }
    }
}

/// Why a document was refused; the text says which limit and by how much.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRefused(pub String);

impl std::fmt::Display for DocumentRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A document that passed, parsed once (hand it to the request so it is not parsed again).
#[derive(Debug)]
pub struct CostedDocument {
    pub document: ExecutableDocument,
    pub fields: u64,
    pub aliases: u64,
    pub depth: usize,
}

impl CostedDocument {
    /// Whether the operation that would run reads anything beyond `__typename` and
    /// introspection, so that an anonymous caller can be told so before any more work.
    pub fn needs_caller(&self, operation_name: Option<&str>) -> bool {
        let operations: Vec<&OperationDefinition> =
            match (&self.document.operations, operation_name) {
                (DocumentOperations::Single(operation), _) => vec![&operation.node],
                (DocumentOperations::Multiple(operations), Some(name)) => operations
                    .get(name)
                    .map(|operation| vec![&operation.node])
                    .unwrap_or_default(),
                (DocumentOperations::Multiple(operations), None) => operations
                    .values()
                    .map(|operation| &operation.node)
                    .collect(),
            };
        let mut seen = Vec::new();
        operations
            .iter()
            .any(|operation| reads_data(&self.document, &operation.selection_set, &mut seen))
    }
}

/// Root fields that answer without a caller: `__typename`, introspection (when turned
/// on), and signing with a magic link (the link is the credential).
const ANONYMOUS_FIELDS: [&str; 6] = [
    "__typename",
    "__schema",
    "__type",
    "signingForm",
    "signPolicy",
    "declinePolicy",
];

fn reads_data<'d>(
    document: &'d ExecutableDocument,
    set: &'d Positioned<SelectionSet>,
    seen: &mut Vec<&'d str>,
) -> bool {
    set.node.items.iter().any(|item| match &item.node {
        Selection::Field(field) => !ANONYMOUS_FIELDS.contains(&field.node.name.node.as_str()),
        Selection::InlineFragment(inline) => reads_data(document, &inline.node.selection_set, seen),
        Selection::FragmentSpread(spread) => {
            let name = spread.node.fragment_name.node.as_str();
            if seen.contains(&name) {
                return false;
            }
            seen.push(name);
            document
                .fragments
                .get(name)
                .is_some_and(|fragment| reads_data(document, &fragment.node.selection_set, seen))
        }
    })
}

/// Scans, parses and costs `query`, refusing it at the first limit it passes.
pub fn cost_document(
    query: &str,
    limits: &DocumentLimits,
) -> Result<CostedDocument, DocumentRefused> {
    let scan = scan(query, limits)?;
    if scan.directives > limits.max_directives {
        return Err(refused(format!(
            "the query has {} directives; at most {} are allowed",
            scan.directives, limits.max_directives
        )));
    }
    let document = parse_query(query)
        .map_err(|error| refused(format!("the query is not valid GraphQL: {error}")))?;
    if document.fragments.len() > limits.max_fragments {
        return Err(refused(format!(
            "the query defines {} fragments; at most {} are allowed",
            document.fragments.len(),
            limits.max_fragments
        )));
    }
    let mut walk = Walk {
        document: &document,
        limits,
        fragments: HashMap::new(),
    };
    let mut total = Cost::default();
    for (_, operation) in document.operations.iter() {
        let cost = walk.selection_set(&operation.node.selection_set)?;
        total = total.plus(cost);
        walk.check(total)?;
    }
    Ok(CostedDocument {
        fields: total.fields,
        aliases: total.aliases,
        depth: total.depth,
        document,
    })
}

fn refused(message: String) -> DocumentRefused {
    DocumentRefused(message)
}

/// What a selection set costs once its fragments are expanded.
#[derive(Debug, Clone, Copy, Default)]
struct Cost {
    fields: u64,
    aliases: u64,
    depth: usize,
}

impl Cost {
    fn plus(self, other: Cost) -> Cost {
        Cost {
            fields: self.fields.saturating_add(other.fields),
            aliases: self.aliases.saturating_add(other.aliases),
            depth: self.depth.max(other.depth),
        }
    }
}

enum FragmentState {
    Walking,
    Done(Cost),
}

struct Walk<'d> {
    document: &'d ExecutableDocument,
    limits: &'d DocumentLimits,
    fragments: HashMap<&'d str, FragmentState>,
}

impl<'d> Walk<'d> {
    fn check(&self, cost: Cost) -> Result<(), DocumentRefused> {
        if cost.depth > self.limits.max_depth {
            return Err(refused(format!(
                "the query is nested too deep: fields {} deep (fragments expanded); at most {} is allowed",
                cost.depth, self.limits.max_depth
            )));
        }
        if cost.fields > self.limits.max_fields {
            return Err(refused(format!(
                "the query selects {} fields once its fragments are expanded; at most {} are allowed",
                display_count(cost.fields),
                self.limits.max_fields
            )));
        }
        if cost.aliases > self.limits.max_aliases {
            return Err(refused(format!(
                "the query has {} aliases once its fragments are expanded; at most {} are allowed",
                display_count(cost.aliases),
                self.limits.max_aliases
            )));
        }
        Ok(())
    }

    fn selection_set(
        &mut self,
        set: &'d Positioned<SelectionSet>,
    ) -> Result<Cost, DocumentRefused> {
        let mut total = Cost::default();
        for item in &set.node.items {
            let cost = match &item.node {
                Selection::Field(field) => {
                    let inner = self.selection_set(&field.node.selection_set)?;
                    Cost {
                        fields: inner.fields.saturating_add(1),
                        aliases: inner
                            .aliases
                            .saturating_add(u64::from(field.node.alias.is_some())),
                        depth: inner.depth + 1,
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.selection_set(&inline.node.selection_set)?
                }
                Selection::FragmentSpread(spread) => {
                    self.fragment(spread.node.fragment_name.node.as_str())?
                }
            };
            total = total.plus(cost);
            // Checked as the walk goes, so that nothing is walked past a limit.
            self.check(total)?;
        }
        Ok(total)
    }

    fn fragment(&mut self, name: &'d str) -> Result<Cost, DocumentRefused> {
        match self.fragments.get(name) {
            Some(FragmentState::Done(cost)) => return Ok(*cost),
            Some(FragmentState::Walking) => {
                return Err(refused(format!(
                    "fragment {name} spreads itself, directly or through other fragments"
                )));
            }
            None => {}
        }
        // An unknown fragment costs nothing here; validation names it.
        let Some(fragment) = self.document.fragments.get(name) else {
            return Ok(Cost::default());
        };
        self.fragments.insert(name, FragmentState::Walking);
        let cost = self.selection_set(&fragment.node.selection_set)?;
        self.fragments.insert(name, FragmentState::Done(cost));
        Ok(cost)
    }
}

fn display_count(count: u64) -> String {
    if count == u64::MAX {
        "more than 18 quintillion".to_owned()
    } else {
        count.to_string()
    }
}

struct Scan {
    directives: usize,
}

/// Counts tokens, bracket nesting and directives without parsing, skipping strings and
/// comments, and stops at the first limit passed.
fn scan(query: &str, limits: &DocumentLimits) -> Result<Scan, DocumentRefused> {
    let bytes = query.as_bytes();
    if bytes.len() > limits.max_bytes {
        return Err(refused(format!(
            "the query is {} bytes; at most {} are allowed (send large values as variables)",
            bytes.len(),
            limits.max_bytes
        )));
    }
    let mut index = 0;
    let mut tokens = 0usize;
    let mut nesting = 0usize;
    let mut directives = 0usize;
    while index < bytes.len() {
        let byte = bytes[index];
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => {
                index += 1;
                continue;
            }
            b'#' => {
                index = skip_comment(bytes, index);
                continue;
            }
            b'"' => index = skip_string(bytes, index),
            b'{' | b'(' | b'[' => {
                nesting += 1;
                if nesting > limits.max_nesting {
                    return Err(refused(format!(
                        "the query nests brackets more than {} deep",
                        limits.max_nesting
                    )));
                }
                index += 1;
            }
            b'}' | b')' | b']' => {
                nesting = nesting.saturating_sub(1);
                index += 1;
            }
            b'@' => {
                directives += 1;
                index += 1;
            }
            b'.' if bytes[index..].starts_with(b"...") => index += 3,
            byte if is_word(byte) => {
                while index < bytes.len() && is_word(bytes[index]) {
                    index += 1;
                }
            }
            _ => index += 1,
        }
        tokens += 1;
        if tokens > limits.max_tokens {
            return Err(refused(format!(
                "the query has more than {} tokens",
                limits.max_tokens
            )));
        }
    }
    Ok(Scan { directives })
}

fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-' | b'+' | b'.')
}

fn skip_comment(bytes: &[u8], mut index: usize) -> usize {
    while index < bytes.len() && bytes[index] != b'\n' && bytes[index] != b'\r' {
        index += 1;
    }
    index
}

/// Past the end of the string starting at `index` (or the end of input if unterminated).
fn skip_string(bytes: &[u8], index: usize) -> usize {
    if bytes[index..].starts_with(b"\"\"\"") {
        let mut at = index + 3;
        while at < bytes.len() {
            if bytes[at..].starts_with(b"\\\"\"\"") {
                at += 4;
            } else if bytes[at..].starts_with(b"\"\"\"") {
                return at + 3;
            } else {
                at += 1;
            }
        }
        return at;
    }
    let mut at = index + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    at
}

#[cfg(test)]
mod tests;

/// Lets a request through to validation and execution, or answers it at once: refused
/// by the limits above, or `UNAUTHENTICATED` when an anonymous caller asks for data.
/// On success the parsed document is kept in the request so it is not parsed again.
#[expect(
    clippy::result_large_err,
    reason = "the refusal is the response itself, built once per refused request"
)]
pub fn admit(
    request: &mut async_graphql::Request,
    anonymous: bool,
    limits: &DocumentLimits,
) -> Result<(), async_graphql::Response> {
    use crate::error::ErrorCode;
    let refuse = |code: ErrorCode, message: String| {
        let mut error = async_graphql::ServerError::new(message, None);
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", code.as_str());
        error.extensions = Some(extensions);
        async_graphql::Response::from_errors(vec![error])
    };
    let costed = cost_document(&request.query, limits)
        .map_err(|refused| refuse(ErrorCode::BadUserInput, refused.0))?;
    if anonymous && costed.needs_caller(request.operation_name.as_deref()) {
        return Err(refuse(
            ErrorCode::Unauthenticated,
            "send an API token: Authorization: Bearer attest_…".to_owned(),
        ));
    }
    request.set_parsed_query(costed.document);
    Ok(())
}

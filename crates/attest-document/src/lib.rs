//! attest-document: acceptable-use policy documents.
//!
//! The importer (plain text, Markdown, Word or PDF → `Document`), the renderer (`Document` +
//! school variables + reader's role → Markdown, HTML or plain text), the canonical
//! content hash, and clause-level diffs. Pure: no I/O, no async, no database types.

mod adapt;
mod consent;
mod diff;
pub mod inline;
mod model;
mod parse;
pub mod placeholders;
mod render;
mod report;
pub mod samples;
mod source;
mod vocabulary;
pub mod words;

pub use adapt::{AdaptError, adapt, editable_sections, section_key};
pub use consent::{ConsentQuestion, consent_questions};
pub use diff::{Change, ChangeKind, WordChange, WordOp, diff};
pub use model::{
    Block, BlockKind, Document, Marker, MetaDate, MetaField, Metadata, Placeholder, SignatureField,
    Warning,
};
pub use parse::{MAX_BYTES, MAX_DEPTH, ParseError, parse, parse_bytes};
pub use render::{ContentHash, Format, Reader, content_hash, missing_variables, render};
pub use report::{AudienceClause, Found, FoundDate, ImportReport, Located, report};
pub use source::{Imported, MAX_FILE_BYTES, Origin, SourceFormat, SourceLines, detect, import};

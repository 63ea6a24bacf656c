//! Signing and compliance: who must sign what, signatures with evidence, exemptions,
//! magic links, statuses, summaries and exports.

mod answer;
mod chain;
mod chain_writer;
mod completion;
mod compliance;
mod evidence;
mod exemption;
mod magic_link;
mod model;
mod obligation;
mod page_cache;
mod paper;
mod progress;
mod receipt;
mod seal;
mod seal_check;
mod shown;
mod sign;
mod signer;
mod signing_texts;
mod submit;
mod summary_cache;
mod timestamp;

pub(crate) use chain_writer::ChainWriter;
pub(crate) use completion::Completed;
pub(crate) use compliance::CompliancePages;
pub(crate) use compliance::{csv_error, finish_csv, safe_cell};
pub(crate) use obligation::Obligation;
pub(crate) use page_cache::PageCache;
pub(crate) use signing_texts::SigningTexts;
pub use summary_cache::SUMMARY_TTL;
pub(crate) use summary_cache::SummaryCache;

pub use answer::{DeclinePolicy, Origin, SignPolicy};
pub use chain::ChainReport;
pub use compliance::{
    ComplianceFilter, CompliancePage, ComplianceSummary, MAX_COMPLIANCE_PAGE, Tally, percent,
    status_key,
};
pub use evidence::{AcceptanceCheck, AcceptanceEvidence};
pub use exemption::GrantExemption;
pub use magic_link::{DEFAULT_LINK_DAYS, MagicLinkSent, SchoolReminders, SigningForm};
pub use model::{CheckReport, RebuildReport};
pub use paper::{PaperAcceptance, PaperOutcome};
pub use progress::{ProgressPoint, SchoolProgress};
pub use receipt::{certificate, receipt_text};
pub use seal::PublishedKey;
pub use seal_check::{AnchorCheck, HeadSeal, SealReport};
pub use shown::ChangesSince;
pub use submit::{SigningAnswer, SigningOutcome, SigningSubmission};

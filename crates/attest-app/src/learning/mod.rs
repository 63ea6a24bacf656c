//! Obligations beyond signing: the obligation kind of a policy, read-and-understand
//! checks and their attempts, and training completions (certificates, session
//! registers, providers' completion files). Each completion is an answer on the trust's
//! chain, written through the same chain writer as a signature, so the obligations read
//! model, statuses, reminders, exports and receipts cover it.

mod columns;
mod completion;
mod import;
mod induction;
mod kind;
mod matrix;
mod sessions;
mod understanding;

pub use attest_domain::{ReaderCheck, ReaderQuestion};

pub use columns::{ColumnKey, ObligationColumns, ObligationHeading};
pub use completion::{CertificateUpload, TrainingCompletion};
pub(crate) use import::MAX_IMPORT_BYTES;
pub use import::{CompletionImport, ImportedCompletions};
pub use induction::StarterChecklist;
pub use matrix::{MatrixCell, MatrixColumn, MatrixRow, ObligationMatrix};
pub use sessions::NewTrainingSession;

//! What a field costs in the schema's complexity budget (`ATTEST_GRAPHQL__MAX_COMPLEXITY`,
//! 2,000 by default). A plain field costs 1. Fields that read a whole trust, render a
//! document or call a directory provider cost what they cost, so that fifty aliases of a
//! trust-wide computation are "too complex" instead of fifty computations.

/// Reads every obligation of a trust (or of a school's people): `complianceSummary`.
pub(crate) const TRUST_READ: usize = 100;
/// Reads one person's obligations across their schools: `Person.policies`.
pub(crate) const PERSON_READ: usize = 20;
/// Renders or diffs a whole policy document: `renderPolicy`, `diffVersions`, `signedText`.
pub(crate) const DOCUMENT_WORK: usize = 40;
/// A page's own query before its rows: `compliance`, `breaches`, `auditLog`, `jobs`,
/// `outbox`, `syncRuns`, `policies`.
pub(crate) const PAGE_QUERY: usize = 20;
/// Rows assumed for a list without `first` (a trust's policies: a few per school).
pub(crate) const LIST_ROWS: usize = 20;
/// Calls the trust's directory provider and plans against every person: `syncPlan`,
/// `applySync`.
pub(crate) const DIRECTORY_CALL: usize = 500;

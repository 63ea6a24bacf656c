//! The evidence a signature carries beyond its text: who the signer was, that they were
//! shown the text (and what changed since they last signed), the commitment that lets
//! their personal data be erased without breaking the chain, and the server's signed
//! statements about each trust's chain.

mod chain;
mod identity;
mod personal;
mod seal;
#[cfg(test)]
mod tests;

pub use chain::{ChainFormat, SealedFields, sealed_hash, sealed_json};
pub use identity::{ChangesShown, MAX_READING_SECONDS, ReadingRule, SignerIdentity, ViewEvidence};
pub use personal::{PersonalCheck, PersonalFields, SALT_BYTES};
pub use seal::{ChainStatement, statement_time};

//! Obligations beyond signing: the obligation kind, checks of understanding and their
//! attempts, training completions, sessions and imported completion files.

mod inputs;
mod matrix;
mod mutation;
mod objects;
mod query;

pub use mutation::{LearningMutation, SettingsMutation};
pub(crate) use objects::{ObligationKind, ReaderCheck};
pub use query::LearningQuery;

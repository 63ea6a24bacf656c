//! The trust directory over GraphQL: schools, people, memberships, roles, API tokens and
//! the audit log.

mod mutation;
mod objects;
mod query;

pub use mutation::DirectoryMutation;
pub use query::DirectoryQuery;

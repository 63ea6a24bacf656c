//! The DPO's casework over GraphQL: information requests and their steps, the term
//! calendar, the record of processing activities and suppliers. Kinds, reasons and
//! outcomes are spelled as strings (`subject_access`, `identity`, `complied`); a wrong
//! one is `BAD_USER_INPUT` naming the field and listing the allowed values.

mod inputs;
mod mutation;
mod objects;
mod query;
mod records;

pub use mutation::CaseworkMutation;
pub use query::CaseworkQuery;

//! Breach reporting and the DPO's workflow over GraphQL. Categories and answers are the
//! ICO form's, spelled as strings (`health`, `pupils`, `yes`/`no`/`unknown`); a wrong
//! one is `BAD_USER_INPUT` naming the field and listing the allowed values.

mod board;
mod inputs;
mod mutation;
mod objects;
pub(crate) use objects::BreachEvent;
mod query;

pub use board::BreachBoardQuery;
pub use mutation::*;
pub use query::*;

//! Personal data breaches under UK GDPR: the workflow's states and the moves between
//! them, the ICO's categories, the risk assessment, the trust-scoped reference, and the
//! 72-hour clock with its alerts. Pure: the application stores and enforces these.

mod assessment;
mod board;
mod categories;
mod clock;
mod evidence;
mod facts;
mod ico_form;
mod notices;
mod record;
mod status;
mod supplier;
#[cfg(test)]
mod tests;

pub use assessment::*;
pub use board::*;
pub use categories::*;
pub use clock::*;
pub use evidence::*;
pub use facts::*;
pub use ico_form::*;
pub use record::*;
pub use status::*;
pub use supplier::*;

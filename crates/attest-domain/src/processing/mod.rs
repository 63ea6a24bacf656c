//! The DPO's standing records: the record of processing activities UK GDPR article 30
//! requires (exportable in the ICO's template layout) and the suppliers that process
//! the trust's data, with the dates that need watching. Pure rules.

mod activity;
mod supplier;

#[cfg(test)]
mod tests;

pub use activity::{ActivityInput, LawfulBasis, ProcessingActivity, ROPA_CSV_HEADER, ropa_row};
pub use supplier::{
    CONTRACT_ENDING_DAYS, DataLocation, REVIEW_DUE_DAYS, Supplier, SupplierAlert, SupplierFacts,
};

use crate::{DataCategory, DomainError, PeopleCategory};

/// Categories named by their stored words, checked (at least one).
fn categories<T: std::str::FromStr<Err = DomainError> + Ord>(
    field: &'static str,
    raw: &[String],
) -> Result<Vec<T>, DomainError> {
    let mut parsed = raw
        .iter()
        .map(|word| word.trim().parse())
        .collect::<Result<Vec<T>, _>>()?;
    parsed.sort();
    parsed.dedup();
    if parsed.is_empty() {
        return Err(DomainError::invalid(field, "choose at least one"));
    }
    Ok(parsed)
}

pub(crate) fn data_categories(raw: &[String]) -> Result<Vec<DataCategory>, DomainError> {
    categories("data_categories", raw)
}

pub(crate) fn people_categories(raw: &[String]) -> Result<Vec<PeopleCategory>, DomainError> {
    categories("people_categories", raw)
}

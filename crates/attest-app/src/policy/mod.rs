//! Policies: import, draft, publish, adopt, per-school values, retire, render, diff.

mod adopt;
mod draft;
mod import;
mod publish;
mod read;
mod retire;
mod schedule;
mod settings;
mod source_file;

pub use draft::DraftChanges;
pub use import::{ImportPolicy, ImportedDraft};
pub use publish::Publish;
pub use read::{DueForReview, RenderRequest, Rendered, TemplateUpdate};

use attest_domain::Principal;
use attest_store::Policy;

use crate::AppError;

/// Trust policies belong to trust admins; a school's to its admins.
pub(crate) fn require_can_change(principal: &Principal, policy: &Policy) -> Result<(), AppError> {
    let allowed = match policy.school {
        None => principal.can_administer_trust(),
        Some(school) => principal.can_manage_school(school),
    };
    if allowed {
        Ok(())
    } else {
        Err(AppError::forbidden("you cannot change this policy"))
    }
}

pub(crate) fn parse_text(text: &str) -> Result<attest_document::Document, AppError> {
    attest_document::parse(text).map_err(|error| AppError::invalid("text", error.to_string()))
}

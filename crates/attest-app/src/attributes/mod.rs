//! Attributes the trust defines to say who owes what: defining them, setting them for a
//! person by hand or for many from a file, and the conditions a policy puts on them.
//! Every change brings the obligations it touches up to date in the same transaction.

mod conditions;
mod directory;
mod people;

pub(crate) use directory::apply_directory_rules;

pub use people::AttributesImported;

use attest_domain::{Attribute, DirectoryRule, Principal, attribute_key};
use attest_store::{Attributes, TransactionTrait};

use crate::audit::{Change, record};
use crate::{App, AppError};

const MAX_LABEL: usize = 120;
const MAX_DESCRIPTION: usize = 1_000;
/// A trust needs a handful; a limit keeps files and pages readable.
pub const MAX_ATTRIBUTES: usize = 50;

fn tidy(value: &str) -> String {
    value.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl App {
    /// Adds an attribute to the trust, or changes its label, description and rule.
    pub async fn define_attribute(
        &self,
        principal: &Principal,
        key: &str,
        label: &str,
        description: Option<&str>,
        directory_rule: Option<DirectoryRule>,
    ) -> Result<Attribute, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can define the trust's attributes",
            ));
        }
        let key = attribute_key(key)?;
        let label = tidy(label);
        if label.is_empty() || label.chars().count() > MAX_LABEL {
            return Err(AppError::invalid(
                "label",
                format!("give a label people read (at most {MAX_LABEL} characters)"),
            ));
        }
        let description = description.map(tidy).filter(|d| !d.is_empty());
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > MAX_DESCRIPTION)
        {
            return Err(AppError::invalid(
                "description",
                format!("at most {MAX_DESCRIPTION} characters"),
            ));
        }
        let attribute = Attribute {
            key,
            label,
            description,
            directory_rule,
        };
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let attributes = Attributes::new(&txn, &scope);
        let existing = attributes.list().await?;
        let before = existing.iter().find(|a| a.key == attribute.key).cloned();
        if before.is_none() && existing.len() >= MAX_ATTRIBUTES {
            return Err(AppError::invalid(
                "key",
                format!("the trust already has {MAX_ATTRIBUTES} attributes"),
            ));
        }
        attributes.save(&attribute, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "attribute.define",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: before.as_ref(),
                after: Some(&attribute),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(attribute)
    }

    /// The trust's attributes.
    pub async fn attributes(&self, principal: &Principal) -> Result<Vec<Attribute>, AppError> {
        Ok(Attributes::new(&self.db, &principal.scope()).list().await?)
    }

    /// The keys of the trust's attributes, for checking input against.
    pub(crate) async fn attribute_keys(
        &self,
        principal: &Principal,
    ) -> Result<Vec<String>, AppError> {
        Ok(self
            .attributes(principal)
            .await?
            .into_iter()
            .map(|attribute| attribute.key)
            .collect())
    }
}

/// Refuses keys the trust has not defined, naming the field and the keys it has.
pub(crate) fn known_key(field: &str, key: &str, known: &[String]) -> Result<(), AppError> {
    if known.iter().any(|k| k == key) {
        return Ok(());
    }
    Err(AppError::invalid(
        field,
        if known.is_empty() {
            format!("'{key}' is not an attribute: the trust has defined none yet")
        } else {
            format!(
                "'{key}' is not one of the trust's attributes ({})",
                known.join(", ")
            )
        },
    ))
}

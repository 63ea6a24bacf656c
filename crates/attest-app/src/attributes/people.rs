//! Setting people's attributes: by hand for one person, or from a file for many.

use std::collections::BTreeMap;

use attest_domain::{PersonId, Principal, parse_attribute_file};
use attest_store::{AttributeSource, Attributes, ObligationSlice, People, TransactionTrait};
use serde_json::json;

use super::known_key;
use crate::audit::{Change, record};
use crate::error::refused_whole;
use crate::{App, AppError, Limit};

/// What an attributes file changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributesImported {
    pub lines: u32,
    pub people_changed: u32,
    pub values_changed: u32,
}

impl App {
    /// Sets (or clears) attributes of one person, from now. School admins set them for
    /// people at their schools.
    pub async fn set_person_attributes(
        &self,
        principal: &Principal,
        person: PersonId,
        values: BTreeMap<String, bool>,
    ) -> Result<Vec<String>, AppError> {
        if !principal.can_manage_people() {
            return Err(AppError::forbidden(
                "only a school admin or trust admin can set people's attributes",
            ));
        }
        let known = self.attribute_keys(principal).await?;
        for key in values.keys() {
            known_key("values", key, &known)?;
        }
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        People::new(&txn, &scope).get(person).await?;
        let attributes = Attributes::new(&txn, &scope);
        let before = attributes
            .held_by(&[person])
            .await?
            .remove(&person)
            .unwrap_or_default();
        for (key, held) in &values {
            attributes
                .set(
                    person,
                    key,
                    *held,
                    AttributeSource::Hand,
                    principal.actor().id(),
                    at,
                )
                .await?;
        }
        let after = attributes
            .held_by(&[person])
            .await?
            .remove(&person)
            .unwrap_or_default();
        if before != after {
            record(
                &txn,
                principal,
                at,
                Change {
                    action: "person.set_attributes",
                    subject_type: "person",
                    subject_id: person.as_uuid(),
                    before: Some(&before),
                    after: Some(&after),
                },
            )
            .await?;
            self.refresh_obligations(&txn, scope.trust(), ObligationSlice::person(person))
                .await?;
        }
        txn.commit().await?;
        Ok(after)
    }

    /// The attributes a person holds now (their own, or anyone's in reach).
    pub async fn person_attributes(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<Vec<String>, AppError> {
        let scope = self.person_scope(principal, person).await?;
        Ok(Attributes::new(&self.db, &scope)
            .held_by(&[person])
            .await?
            .remove(&person)
            .unwrap_or_default())
    }

    /// Sets attributes for many people from a file (`email` and a yes/no column per
    /// attribute key; blank keeps what is set): checked whole, every problem reported
    /// with its line, and written in one transaction.
    pub async fn import_person_attributes(
        &self,
        principal: &Principal,
        file: &[u8],
    ) -> Result<AttributesImported, AppError> {
        if !principal.can_manage_people() {
            return Err(AppError::forbidden(
                "only a school admin or trust admin can set people's attributes",
            ));
        }
        if file.len() > crate::learning::MAX_IMPORT_BYTES {
            return Err(AppError::invalid(
                "file",
                format!(
                    "at most {} bytes: split it",
                    crate::learning::MAX_IMPORT_BYTES
                ),
            ));
        }
        let known = self.attribute_keys(principal).await?;
        let rows = parse_attribute_file(file, &known).map_err(|problems| {
            refused_whole("file", "changed", problems.iter().map(ToString::to_string))
        })?;
        let scope = principal.scope();
        let people = People::new(&self.db, &scope);
        let mut found = Vec::with_capacity(rows.len());
        let mut problems = Vec::new();
        for row in &rows {
            match people.find_by_email(&row.email).await? {
                Some(person) => found.push((person.id, row)),
                None if problems.len() < 50 => problems.push(format!(
                    "line {}, email: {} is not anyone at your schools",
                    row.line, row.email
                )),
                None => {}
            }
        }
        if !problems.is_empty() {
            return Err(refused_whole("file", "changed", problems));
        }
        self.rate_limits.hit(
            Limit::TrainingRecord,
            &crate::rate_limit::principal_key(principal),
        )?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let attributes = Attributes::new(&txn, &scope);
        let mut changed_people = Vec::new();
        let mut values_changed = 0u32;
        for (person, row) in &found {
            let mut changed = false;
            for (key, held) in &row.values {
                if attributes
                    .set(
                        *person,
                        key,
                        *held,
                        AttributeSource::File,
                        principal.actor().id(),
                        at,
                    )
                    .await?
                {
                    changed = true;
                    values_changed += 1;
                }
            }
            if changed {
                changed_people.push(*person);
            }
        }
        let report = AttributesImported {
            lines: u32::try_from(rows.len()).unwrap_or(u32::MAX),
            people_changed: u32::try_from(changed_people.len()).unwrap_or(u32::MAX),
            values_changed,
        };
        record(
            &txn,
            principal,
            at,
            Change {
                action: "person.import_attributes",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: None,
                after: Some(&json!({
                    "lines": report.lines,
                    "people_changed": report.people_changed,
                    "values_changed": report.values_changed,
                })),
            },
        )
        .await?;
        if !changed_people.is_empty() {
            self.refresh_obligations(&txn, scope.trust(), ObligationSlice::people(changed_people))
                .await?;
        }
        txn.commit().await?;
        Ok(report)
    }
}

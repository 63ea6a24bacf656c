//! The staff involved in a breach, found in the trust by email address, so the record
//! links to their person (ICO form: "had the staff involved had data protection
//! training?"; the answer lives with the person).

use attest_domain::{Email, Principal, StaffMember};
use attest_store::People;

use crate::{App, AppError};

/// More than this many named staff is a list for the notes, not links.
const STAFF_MAX: usize = 20;

impl App {
    /// The people of the trust with these email addresses; an address nobody has is
    /// said so (by its position, so the list can be mended).
    pub(super) async fn staff_involved(
        &self,
        principal: &Principal,
        emails: &[String],
    ) -> Result<Vec<StaffMember>, AppError> {
        let emails: Vec<&str> = emails
            .iter()
            .flat_map(|raw| raw.split([',', ';', '\n']))
            .map(str::trim)
            .filter(|email| !email.is_empty())
            .collect();
        if emails.len() > STAFF_MAX {
            return Err(AppError::invalid(
                "staffEmails",
                format!("name at most {STAFF_MAX} members of staff; say more in the notes"),
            ));
        }
        let scope = self.register_scope(principal);
        let people = People::new(&self.db, &scope);
        let mut staff = Vec::with_capacity(emails.len());
        for (position, raw) in emails.iter().enumerate() {
            let email = Email::parse(raw).map_err(|_| {
                AppError::invalid(
                    "staffEmails",
                    format!("'{raw}' (number {}) is not an email address", position + 1),
                )
            })?;
            let person = people.find_by_email(&email).await?.ok_or_else(|| {
                AppError::invalid(
                    "staffEmails",
                    format!(
                        "nobody at this trust has the email address '{raw}' (number {}); leave them out and describe them in the notes",
                        position + 1
                    ),
                )
            })?;
            staff.push(StaffMember {
                person: person.id,
                name: person.full_name.as_str().to_owned(),
            });
        }
        Ok(staff)
    }
}

impl App {
    /// The email addresses of a breach's linked staff, as the correction form shows them.
    pub async fn breach_staff_emails(
        &self,
        principal: &Principal,
        facts: &attest_domain::BreachFacts,
    ) -> Result<Vec<String>, AppError> {
        let ids: Vec<_> = facts
            .staff_people
            .iter()
            .map(|member| member.person)
            .collect();
        Ok(People::new(&self.db, &self.register_scope(principal))
            .by_ids(&ids)
            .await?
            .into_iter()
            .filter_map(|person| person.email.map(|email| email.as_str().to_owned()))
            .collect())
    }
}

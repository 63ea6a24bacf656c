//! People: one per human per trust, found again by id or by email.

use attest_domain::{Email, Person, PersonId, PersonName, Principal};
use attest_store::{
    ConnectionTrait, NewPerson, People, PeopleFilter, PeoplePage, PersonCursor, TransactionTrait,
};

use crate::audit::{Change, record};
use crate::membership::{MembershipInput, add_membership_in};
use crate::{App, AppError};

/// The most people one page may hold.
pub const MAX_PAGE: u64 = 100;

pub struct PersonInput {
    /// Update this person. Without it, the person is matched by email, or created.
    pub id: Option<PersonId>,
    pub full_name: String,
    pub email: Option<String>,
    /// A first membership for a new person. A school admin must give one (at their
    /// school): otherwise the person would be created out of their sight.
    pub membership: Option<NewPersonMembership>,
}

pub struct NewPersonMembership {
    pub school: attest_domain::SchoolId,
    pub kind: String,
    pub job_title: Option<String>,
    pub started_on: Option<chrono::NaiveDate>,
}

pub struct UpsertedPerson {
    pub person: Person,
    pub created: bool,
}

impl App {
    pub async fn person(&self, principal: &Principal, id: PersonId) -> Result<Person, AppError> {
        Ok(People::new(&self.db, &principal.scope()).get(id).await?)
    }

    /// The person of the trust with this email address.
    pub async fn person_by_email(
        &self,
        principal: &Principal,
        email: &str,
    ) -> Result<Person, AppError> {
        let email = attest_domain::Email::parse(email.trim())?;
        People::new(&self.db, &principal.scope())
            .find_by_email(&email)
            .await?
            .ok_or_else(|| {
                AppError::NotFound(format!(
                    "no one in the trust has the address {}",
                    email.as_str()
                ))
            })
    }

    pub async fn people_by_ids(
        &self,
        principal: &Principal,
        ids: &[PersonId],
    ) -> Result<Vec<Person>, AppError> {
        Ok(People::new(&self.db, &principal.scope())
            .by_ids(ids)
            .await?)
    }

    pub async fn people(
        &self,
        principal: &Principal,
        mut filter: PeopleFilter,
        first: u64,
        after: Option<PersonCursor>,
    ) -> Result<PeoplePage, AppError> {
        if first > MAX_PAGE {
            return Err(AppError::invalid(
                "first",
                format!("at most {MAX_PAGE} people per page"),
            ));
        }
        if let Some(school) = filter.school {
            // An unknown school, or one of another trust, is an error, not an empty list.
            attest_store::Schools::new(&self.db, &principal.scope())
                .get(school)
                .await?;
        }
        filter.today.get_or_insert(self.today());
        Ok(People::new(&self.db, &principal.scope())
            .list(&filter, first, after.as_ref())
            .await?)
    }

    pub async fn upsert_person(
        &self,
        principal: &Principal,
        input: PersonInput,
    ) -> Result<UpsertedPerson, AppError> {
        if !principal.can_manage_people() {
            return Err(AppError::forbidden("your role cannot change people"));
        }
        let full_name = PersonName::parse(&input.full_name)?;
        let email = input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(Email::parse)
            .transpose()?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let people = People::new(&txn, &scope);
        let existing = match (input.id, &email) {
            (Some(id), _) => Some(people.get(id).await?),
            (None, Some(email)) => people.find_by_email(email).await?,
            (None, None) => None,
        };
        let upserted = match existing {
            Some(before) => {
                let reach = people.reaches_beyond_scope(before.id, self.today()).await?;
                if reach.works_elsewhere || reach.holds_role {
                    return Err(AppError::forbidden(
                        "this person also works at another school or holds a role; only a trust admin can change them",
                    ));
                }
                let mut person = before.clone();
                person.full_name = full_name;
                person.email = email;
                let person = people.update(&person, at).await?;
                record(
                    &txn,
                    principal,
                    at,
                    person_change("person.update", Some(&before), &person),
                )
                .await?;
                if let Some(membership) = input.membership {
                    self.first_membership(&txn, principal, &person, membership)
                        .await?;
                }
                UpsertedPerson {
                    person,
                    created: false,
                }
            }
            None => {
                if principal.school_access().restricted_to().is_some() && input.membership.is_none()
                {
                    return Err(AppError::invalid(
                        "membership",
                        "a school admin must give the new person's membership of their school",
                    ));
                }
                let restricted = principal.school_access().restricted_to().is_some();
                let person = people
                    .insert(NewPerson {
                        full_name,
                        email,
                        at,
                    })
                    .await
                    .map_err(|error| match error {
                        // The address belongs to someone this admin cannot see: say no
                        // more than that it cannot be used.
                        attest_store::StoreError::Conflict(_) if restricted => AppError::Conflict(
                            "this email address cannot be given to a new person here; ask a trust admin".to_owned(),
                        ),
                        other => other.into(),
                    })?;
                record(
                    &txn,
                    principal,
                    at,
                    person_change("person.create", None, &person),
                )
                .await?;
                if let Some(membership) = input.membership {
                    self.first_membership(&txn, principal, &person, membership)
                        .await?;
                }
                UpsertedPerson {
                    person,
                    created: true,
                }
            }
        };
        txn.commit().await?;
        Ok(upserted)
    }

    async fn first_membership(
        &self,
        conn: &impl ConnectionTrait,
        principal: &Principal,
        person: &Person,
        membership: NewPersonMembership,
    ) -> Result<(), AppError> {
        let input = MembershipInput {
            person: person.id,
            school: membership.school,
            kind: membership.kind,
            job_title: membership.job_title,
            started_on: membership.started_on,
        };
        add_membership_in(self, conn, principal, input, true)
            .await
            .map(|_| ())
    }
}

fn person_change<'a>(
    action: &'static str,
    before: Option<&'a Person>,
    after: &'a Person,
) -> Change<'a, Person> {
    Change {
        action,
        subject_type: "person",
        subject_id: after.id.as_uuid(),
        before,
        after: Some(after),
    }
}

impl App {
    /// The scope to read `person`'s records with: their own (a member of staff reading
    /// theirs, across their schools), or the caller's when the person is in its reach.
    /// Not found, rather than forbidden, for anyone else: they are not there.
    pub(crate) async fn person_scope(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<attest_domain::TenantScope, AppError> {
        if let Some(scope) = principal
            .own_records()
            .as_ref()
            .and_then(|own| own.scope_for(person))
        {
            return Ok(scope.clone());
        }
        let scope = principal.scope();
        People::new(&self.db, &scope).get(person).await?;
        Ok(scope)
    }
}

//! A trust directory for a test, made through the application's own use cases.

use std::sync::Arc;

use attest_app::{App, ManualClock, NewPersonMembership, PersonInput, SchoolInput};
use attest_domain::{PersonId, Principal, School, SchoolId, Trust, TrustId};
use chrono::{DateTime, TimeZone, Utc};

use crate::TestDatabase;

/// An `App` on a fresh database with a clock the test moves.
pub struct TestWorld {
    pub app: App,
    pub clock: Arc<ManualClock>,
    pub database: TestDatabase,
}

/// A person made by [`TestWorld::with_person`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TestPerson {
    pub id: PersonId,
    pub trust: TrustId,
    pub school: SchoolId,
}

/// A school Monday morning: tests that care set the clock themselves.
pub fn school_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("a valid instant")
}

impl TestWorld {
    /// A migrated database of its own and an application over it.
    pub async fn new() -> Self {
        let database = TestDatabase::migrated().await.expect("a test database");
        let clock = Arc::new(ManualClock::new(school_morning()));
        let app = App::new(database.db().clone(), clock.clone());
        Self {
            app,
            clock,
            database,
        }
    }

    /// A trust named after its slug.
    pub async fn with_trust(&self, slug: &str) -> Trust {
        self.app
            .create_trust(&format!("{slug} Trust"), slug)
            .await
            .expect("the trust is created")
    }

    /// The server acting on `trust`, as the command line does.
    pub async fn operator(&self, trust: &Trust) -> Principal {
        self.app
            .operator_for(trust.slug.as_str())
            .await
            .expect("the trust exists")
    }

    /// A school of `trust` with this name.
    pub async fn with_school(&self, trust: &Trust, name: &str) -> School {
        let operator = self.operator(trust).await;
        self.app
            .create_school(
                &operator,
                SchoolInput {
                    name: name.to_owned(),
                    slug: None,
                    urn: None,
                },
            )
            .await
            .expect("the school is created")
    }

    /// A member of staff of `school` (membership kind such as `teaching`), with an email
    /// made from their name.
    pub async fn with_person(&self, school: &School, full_name: &str, kind: &str) -> TestPerson {
        let trust = school.trust;
        let operator = self
            .app
            .system(trust, attest_domain::SystemTask::CommandLine);
        let email = format!(
            "{}@{}.example",
            full_name.to_lowercase().replace(' ', "."),
            school.slug.as_str()
        );
        let upserted = self
            .app
            .upsert_person(
                &operator,
                PersonInput {
                    id: None,
                    full_name: full_name.to_owned(),
                    email: Some(email),
                    membership: Some(NewPersonMembership {
                        school: school.id,
                        kind: kind.to_owned(),
                        job_title: None,
                        started_on: None,
                    }),
                },
            )
            .await
            .expect("the person is created");
        TestPerson {
            id: upserted.person.id,
            trust,
            school: school.id,
        }
    }
}

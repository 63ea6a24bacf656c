//! The one place a `Principal` is made. A principal is who is asking: a token holder
//! (`authenticate_api_token`), a signed-in person (`session`, or a magic link), or the
//! server itself acting for a named `SystemTask` (`system`), which the audit log records.
//! Nothing outside attest-app mints one (CI checks).

use attest_domain::{Actor, ApiTokenId, PersonId, Principal, RoleAssignment, SystemTask, TrustId};

use crate::{App, AppError};

/// A person who proved who they are (SSO session, magic link), with the roles they hold.
pub(crate) fn person(trust: TrustId, person: PersonId, roles: Vec<RoleAssignment>) -> Principal {
    Principal::mint(trust, Actor::Person(person), roles)
}

/// The holder of a verified API token.
pub(crate) fn token_holder(trust: TrustId, token: ApiTokenId, role: RoleAssignment) -> Principal {
    Principal::mint(trust, Actor::ApiToken(token), vec![role])
}

/// The server acting on one trust by itself, with full control of it.
pub(crate) fn system(trust: TrustId, task: SystemTask) -> Principal {
    Principal::mint(
        trust,
        Actor::System(task),
        vec![RoleAssignment::trust_admin()],
    )
}

impl App {
    /// The server acting on a trust for `task`: jobs and commands run by whoever holds
    /// the server's configuration.
    pub fn system(&self, trust: TrustId, task: SystemTask) -> Principal {
        system(trust, task)
    }

    /// The command line's way in: the server acting on the trust with this slug.
    pub async fn operator_for(&self, slug: &str) -> Result<Principal, AppError> {
        let trust = self.trust_by_slug(slug).await?;
        Ok(system(trust.id, SystemTask::CommandLine))
    }

    /// The command line acting in every trust, with each trust's slug.
    pub async fn operators_for_all(&self) -> Result<Vec<(String, Principal)>, AppError> {
        Ok(attest_store::Trusts::all(&self.db)
            .await?
            .into_iter()
            .map(|trust| {
                (
                    trust.slug.as_str().to_owned(),
                    system(trust.id, SystemTask::CommandLine),
                )
            })
            .collect())
    }

    /// `attest demo` only: a person of the demo trust, to sign as them while it fills the
    /// trust's past term. The person must belong to the trust.
    pub async fn demo_signer(&self, trust: TrustId, who: PersonId) -> Result<Principal, AppError> {
        let demo = system(trust, SystemTask::Demo);
        attest_store::People::new(&self.db, &demo.scope())
            .get(who)
            .await?;
        Ok(person(trust, who, Vec::new()))
    }

    /// `attest demo` only: a person of the demo trust with the roles they hold, to act
    /// in their name (the DPO working on the demo's breaches).
    pub async fn demo_person(&self, trust: TrustId, who: PersonId) -> Result<Principal, AppError> {
        let demo = system(trust, SystemTask::Demo);
        let scope = demo.scope();
        attest_store::People::new(&self.db, &scope).get(who).await?;
        let roles = attest_store::RoleGrants::new(&self.db, &scope)
            .active_for_people(&[who])
            .await?
            .into_iter()
            .map(|grant| grant.assignment)
            .collect();
        Ok(person(trust, who, roles))
    }
}

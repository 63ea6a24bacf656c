//! Callers for tests. Production code gets its principals from attest-app alone
//! (`authenticate_api_token`, `session`, `system`); tests of the store and of the
//! domain need callers with exactly the roles under test.

use attest_domain::{
    Actor, ApiTokenId, PersonId, Principal, Role, RoleAssignment, SchoolId, SystemTask, TrustId,
};

/// The server itself, with full control of `trust`.
pub fn operator(trust: TrustId) -> Principal {
    Principal::mint(
        trust,
        Actor::System(SystemTask::CommandLine),
        vec![RoleAssignment::trust_admin()],
    )
}

/// A signed-in member of staff with no roles.
pub fn person(trust: TrustId, person: PersonId) -> Principal {
    Principal::mint(trust, Actor::Person(person), Vec::new())
}

/// A token holder with these roles.
pub fn with_roles(trust: TrustId, roles: Vec<RoleAssignment>) -> Principal {
    Principal::mint(trust, Actor::ApiToken(ApiTokenId::generate()), roles)
}

/// A token holder who administers `school`.
pub fn school_admin(trust: TrustId, school: SchoolId) -> Principal {
    let role = RoleAssignment::new(Role::SchoolAdmin, Some(school)).expect("a school admin role");
    with_roles(trust, vec![role])
}

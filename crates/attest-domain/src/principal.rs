//! Who is asking, and what of the trust they may see. A `TenantScope` can only be had
//! from a `Principal`, and every repository call needs one: that is how tenancy is
//! enforced by the type system rather than by remembering a `WHERE` clause.

use std::collections::BTreeSet;

use crate::{ApiTokenId, PersonId, Role, RoleAssignment, SchoolId, SignInMethod, TrustId};

/// What acted: kept on every audit entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    ApiToken(ApiTokenId),
    Person(PersonId),
    /// The server acting on a trust by itself: a job, a command run by someone with
    /// access to its database, or sign-in before anyone is known.
    System(SystemTask),
}

/// Why the server acted by itself; kept on the audit log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SystemTask {
    /// `attest` at the server's command line.
    CommandLine,
    /// Creating a trust and its first records.
    TrustSetup,
    /// The background jobs and their schedule.
    Jobs,
    Reminders,
    DirectorySync,
    BreachAlerts,
    /// Finding a trust's identity providers and people while someone signs in.
    SignIn,
    /// `attest demo` filling its trust.
    Demo,
    /// Keeping the obligations read model current: it reads a person's memberships at
    /// every school, whoever's action changed them.
    Compliance,
    /// Writing answers to a trust's chain several at a time, each already checked
    /// against its own signer's scope.
    SigningChain,
    /// Applying a trust's retention schedule.
    Retention,
}

impl SystemTask {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::CommandLine => "command_line",
            Self::TrustSetup => "trust_setup",
            Self::Jobs => "jobs",
            Self::Reminders => "reminders",
            Self::DirectorySync => "directory_sync",
            Self::BreachAlerts => "breach_alerts",
            Self::SignIn => "sign_in",
            Self::Demo => "demo",
            Self::Compliance => "compliance",
            Self::SigningChain => "signing_chain",
            Self::Retention => "retention",
        }
    }
}

impl Actor {
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::ApiToken(_) => "api_token",
            Self::Person(_) => "person",
            // Stored on audit entries and grants as "operator" since the first release.
            Self::System(_) => "operator",
        }
    }

    pub fn id(&self) -> Option<uuid::Uuid> {
        match self {
            Self::ApiToken(id) => Some(id.as_uuid()),
            Self::Person(id) => Some(id.as_uuid()),
            Self::System(_) => None,
        }
    }
}

/// Where a signed-in person is sent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartPage {
    Trust,
    BreachDesk,
    School(SchoolId),
    OwnPolicies,
}

/// An authenticated caller within exactly one trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    trust: TrustId,
    actor: Actor,
    roles: Vec<RoleAssignment>,
    /// For a person with a session: how that session was started (kept with what they sign).
    signed_in_by: Option<SignInMethod>,
    /// The session they act through, whose identity their signatures record.
    session: Option<uuid::Uuid>,
}

impl Principal {
    /// Called by attest-app's `principals` module alone, after it has verified a
    /// credential or named the system task (CI rejects any other caller outside tests).
    pub fn mint(trust: TrustId, actor: Actor, roles: Vec<RoleAssignment>) -> Self {
        Self {
            trust,
            actor,
            roles,
            signed_in_by: None,
            session: None,
        }
    }

    /// The same principal, acting through session `id`.
    #[must_use]
    pub fn in_session(mut self, id: uuid::Uuid) -> Self {
        self.session = Some(id);
        self
    }

    /// The session this person acts through, if any.
    pub const fn session(&self) -> Option<uuid::Uuid> {
        self.session
    }

    /// The same principal, known to have signed in by `method` (attest-app's sessions).
    #[must_use]
    pub fn signed_in_by(mut self, method: SignInMethod) -> Self {
        self.signed_in_by = Some(method);
        self
    }

    /// How this person's session was started, if they act through one.
    pub const fn sign_in_method(&self) -> Option<SignInMethod> {
        self.signed_in_by
    }

    pub const fn trust(&self) -> TrustId {
        self.trust
    }

    pub const fn actor(&self) -> Actor {
        self.actor
    }

    pub fn roles(&self) -> &[RoleAssignment] {
        &self.roles
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.iter().any(|held| held.role() == role)
    }

    pub fn is_trust_admin(&self) -> bool {
        self.has_role(Role::TrustAdmin)
    }

    /// Which schools' data this principal may read.
    pub fn school_access(&self) -> SchoolAccess {
        let trust_wide = [Role::TrustAdmin, Role::Dpo, Role::ReadOnly];
        if trust_wide.into_iter().any(|role| self.has_role(role)) {
            return SchoolAccess::All;
        }
        SchoolAccess::Only(
            self.roles
                .iter()
                .filter_map(RoleAssignment::school)
                .collect(),
        )
    }

    /// Where this person's work starts: trust admins at the trust, the DPO at the breach
    /// desk, school admins at their (first) school, everyone else at their own policies.
    pub fn start_page(&self) -> StartPage {
        if self.has_role(Role::TrustAdmin) {
            return StartPage::Trust;
        }
        if self.has_role(Role::Dpo) {
            return StartPage::BreachDesk;
        }
        self.roles
            .iter()
            .filter(|held| held.role() == Role::SchoolAdmin)
            .find_map(RoleAssignment::school)
            .map_or(StartPage::OwnPolicies, StartPage::School)
    }

    /// The tenant scope every repository call is made with.
    pub fn scope(&self) -> TenantScope {
        TenantScope {
            trust: self.trust,
            schools: self.school_access(),
            person: None,
        }
    }

    /// For a member of staff acting on their own records (signing, reading their own
    /// receipts and reports), which may span every school they work at.
    pub fn own_records(&self) -> Option<OwnRecords> {
        match self.actor {
            Actor::Person(person) => Some(OwnRecords {
                person,
                scope: TenantScope {
                    trust: self.trust,
                    schools: SchoolAccess::All,
                    person: Some(person),
                },
            }),
            _ => None,
        }
    }

    /// The system task this principal acts for, if it is the server itself.
    pub const fn system_task(&self) -> Option<SystemTask> {
        match self.actor {
            Actor::System(task) => Some(task),
            _ => None,
        }
    }

    /// Creating schools, granting roles and issuing tokens belong to trust IT.
    pub fn can_administer_trust(&self) -> bool {
        self.is_trust_admin()
    }

    /// Changing a school's own details, people and memberships.
    pub fn can_manage_school(&self, school: SchoolId) -> bool {
        self.is_trust_admin()
            || self
                .roles
                .iter()
                .any(|held| held.role() == Role::SchoolAdmin && held.school() == Some(school))
    }

    /// Whether this principal may change anything at all (read_only and dpo may not
    /// change the directory of people).
    pub fn can_manage_people(&self) -> bool {
        self.is_trust_admin() || self.has_role(Role::SchoolAdmin)
    }
}

/// The schools within the trust that a scope reaches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SchoolAccess {
    All,
    Only(BTreeSet<SchoolId>),
}

impl SchoolAccess {
    pub fn allows(&self, school: SchoolId) -> bool {
        match self {
            Self::All => true,
            Self::Only(schools) => schools.contains(&school),
        }
    }

    /// The schools allowed, or `None` when every school of the trust is.
    pub fn restricted_to(&self) -> Option<&BTreeSet<SchoolId>> {
        match self {
            Self::All => None,
            Self::Only(schools) => Some(schools),
        }
    }
}

/// One person's own records across their trust: every school they may work at, and of
/// the records about people (the person, their memberships, their acceptances) only
/// theirs. The repositories apply that filter themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnRecords {
    person: PersonId,
    scope: TenantScope,
}

impl OwnRecords {
    pub const fn person(&self) -> PersonId {
        self.person
    }

    /// The scope for reading `person`'s records: this person's only.
    pub fn scope_for(&self, person: PersonId) -> Option<&TenantScope> {
        (person == self.person).then_some(&self.scope)
    }

    /// The scope for this person's own records, with their id as the key every read
    /// made with it must use.
    pub fn keyed(&self) -> (PersonId, &TenantScope) {
        (self.person, &self.scope)
    }
}

/// The trust a query runs in, and the schools within it the caller may see.
/// Obtainable only from a `Principal`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TenantScope {
    trust: TrustId,
    schools: SchoolAccess,
    /// For a person's own records: the only person whose records it reaches.
    person: Option<PersonId>,
}

impl TenantScope {
    pub const fn trust(&self) -> TrustId {
        self.trust
    }

    pub fn schools(&self) -> &SchoolAccess {
        &self.schools
    }

    /// The one person whose records this scope reaches, for a person's own records.
    pub const fn person(&self) -> Option<PersonId> {
        self.person
    }

    /// Whether this scope reaches `person`'s records.
    pub fn reaches_person(&self, person: PersonId) -> bool {
        self.person.is_none_or(|only| only == person)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(roles: Vec<RoleAssignment>) -> Principal {
        Principal::mint(
            TrustId::generate(),
            Actor::ApiToken(ApiTokenId::generate()),
            roles,
        )
    }

    fn school_admin(school: SchoolId) -> RoleAssignment {
        RoleAssignment::new(Role::SchoolAdmin, Some(school)).expect("valid")
    }

    #[test]
    fn each_person_starts_where_their_work_is() {
        let school = SchoolId::generate();
        let dpo = RoleAssignment::new(Role::Dpo, None).expect("valid");
        assert_eq!(principal(Vec::new()).start_page(), StartPage::OwnPolicies);
        assert_eq!(
            principal(vec![school_admin(school)]).start_page(),
            StartPage::School(school)
        );
        assert_eq!(
            principal(vec![school_admin(school), dpo]).start_page(),
            StartPage::BreachDesk
        );
        assert_eq!(
            principal(vec![dpo, RoleAssignment::trust_admin()]).start_page(),
            StartPage::Trust
        );
    }

    #[test]
    fn a_session_records_how_it_started() {
        let plain = principal(Vec::new());
        assert_eq!(plain.sign_in_method(), None);
        let by_email = plain.clone().signed_in_by(SignInMethod::EmailLink);
        assert_eq!(by_email.sign_in_method(), Some(SignInMethod::EmailLink));
        assert_ne!(plain, by_email);
    }

    #[test]
    fn trust_wide_roles_see_every_school() {
        for role in [Role::TrustAdmin, Role::Dpo, Role::ReadOnly] {
            let principal = principal(vec![RoleAssignment::new(role, None).expect("valid")]);
            assert_eq!(principal.school_access(), SchoolAccess::All, "{role}");
        }
    }

    #[test]
    fn a_school_admin_sees_only_their_schools() {
        let (mine, other) = (SchoolId::generate(), SchoolId::generate());
        let principal = principal(vec![school_admin(mine)]);
        let scope = principal.scope();
        assert!(scope.schools().allows(mine));
        assert!(!scope.schools().allows(other));
        assert!(principal.can_manage_school(mine));
        assert!(!principal.can_manage_school(other));
        assert!(!principal.can_administer_trust());
        assert!(principal.can_manage_people());
    }

    #[test]
    fn no_roles_means_no_schools_and_no_changes() {
        let principal = principal(vec![]);
        assert_eq!(
            principal.school_access(),
            SchoolAccess::Only(BTreeSet::new())
        );
        assert!(!principal.can_manage_people());
        assert!(!principal.can_manage_school(SchoolId::generate()));
    }

    #[test]
    fn read_only_and_dpo_cannot_change_people_or_schools() {
        for role in [Role::ReadOnly, Role::Dpo] {
            let principal = principal(vec![RoleAssignment::new(role, None).expect("valid")]);
            assert!(!principal.can_manage_people(), "{role}");
            assert!(!principal.can_manage_school(SchoolId::generate()), "{role}");
            assert!(!principal.can_administer_trust(), "{role}");
        }
    }

    #[test]
    fn the_scope_is_the_principals_trust() {
        let principal = principal(vec![RoleAssignment::trust_admin()]);
        assert_eq!(principal.scope().trust(), principal.trust());
    }

    #[test]
    fn the_system_is_recorded_as_the_operator_without_an_id() {
        let system = Actor::System(SystemTask::Jobs);
        assert_eq!(system.kind(), "operator");
        assert_eq!(system.id(), None);
    }

    #[test]
    fn own_records_open_only_for_their_person() {
        let me = PersonId::generate();
        let principal = Principal::mint(TrustId::generate(), Actor::Person(me), vec![]);
        let own = principal.own_records().expect("a person has own records");
        assert_eq!(own.person(), me);
        assert!(own.scope_for(me).is_some());
        assert!(own.scope_for(PersonId::generate()).is_none());
        let (_, scope) = own.keyed();
        assert!(scope.reaches_person(me));
        assert!(!scope.reaches_person(PersonId::generate()));
        assert_eq!(principal_with_token().scope().person(), None);
        let token = principal_with_token();
        assert!(token.own_records().is_none());
    }

    fn principal_with_token() -> Principal {
        principal(vec![RoleAssignment::trust_admin()])
    }
}

//! Two trusts in one database: every repository method, given trust A's scope, must
//! refuse or hide trust B's rows, including when handed B's ids directly.

use attest_domain::{
    Email, MembershipKind, Person, PersonId, PersonName, Role, RoleAssignment, School, SchoolName,
    Slug, TenantScope, TokenName, TrustName,
};
use attest_store::{
    ApiTokens, Audit, Memberships, NewApiToken, NewAuditEntry, NewMembership, NewPerson,
    NewRoleGrant, NewSchool, NewTrust, People, PeopleFilter, RoleGrants, Schools, StoreError,
    Trusts,
};
use attest_test_support::TestDatabase;
use chrono::{NaiveDate, Utc};

struct World {
    scope: TenantScope,
    school: School,
    person: Person,
    membership: attest_domain::Membership,
    grant: attest_domain::RoleGrant,
    token: attest_domain::ApiToken,
    audit: attest_domain::AuditEntry,
}

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 9, 1).expect("valid date")
}

async fn world(db: &attest_store::Database, slug: &str) -> World {
    let now = Utc::now();
    let (trust, scope) = attest_test_support::store_trust(db, slug, now).await;
    let school = attest_test_support::store_school(
        db,
        &scope,
        ("Shared Name Primary", "shared-name", Some("100001")),
        now,
    )
    .await;
    let person = People::new(db, &scope)
        .insert(NewPerson {
            full_name: PersonName::parse("Sam Same").expect("name"),
            email: Some(Email::parse("sam@shared.sch.uk").expect("email")),
            at: now,
        })
        .await
        .expect("person in each trust, same email: emails are unique per trust only");
    let membership = Memberships::new(db, &scope)
        .insert(NewMembership {
            person: person.id,
            school: school.id,
            kind: MembershipKind::Teaching,
            job_title: None,
            started_on: day(),
            at: now,
        })
        .await
        .expect("membership");
    let grant = RoleGrants::new(db, &scope)
        .insert(NewRoleGrant {
            person: person.id,
            assignment: RoleAssignment::new(Role::SchoolAdmin, Some(school.id)).expect("valid"),
            at: now,
        })
        .await
        .expect("grant");
    let token = ApiTokens::new(db, &scope)
        .insert(NewApiToken {
            name: TokenName::parse("ci").expect("name"),
            assignment: RoleAssignment::trust_admin(),
            token_hash: format!("hash-of-{slug}"),
            expires_at: None,
            at: now,
        })
        .await
        .expect("token");
    let audit = Audit::new(db, &scope)
        .append(NewAuditEntry {
            actor_kind: "operator",
            actor_id: None,
            action: "test.setup",
            subject_type: "trust",
            subject_id: Some(trust.id.as_uuid()),
            summary: serde_json::json!({"slug": slug}),
            at: now,
        })
        .await
        .expect("audit");
    World {
        scope,
        school,
        person,
        membership,
        grant,
        token,
        audit,
    }
}

fn is_not_found<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound(_)))
}

#[tokio::test]
async fn no_repository_method_crosses_into_another_trust() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "trust-a").await;
    let b = world(db, "trust-b").await;
    let now = Utc::now();

    // Trusts: the scope's own trust only.
    assert_eq!(
        Trusts::current(db, &a.scope).await.expect("trust").id,
        a.scope.trust()
    );

    // Schools.
    let schools = Schools::new(db, &a.scope);
    assert_eq!(
        schools
            .list()
            .await
            .expect("list")
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>(),
        vec![a.school.id]
    );
    assert!(is_not_found(schools.get(b.school.id).await));
    assert!(
        schools
            .by_ids(&[b.school.id])
            .await
            .expect("by ids")
            .is_empty()
    );
    let mut renamed = b.school.clone();
    renamed.name = SchoolName::parse("Hijacked").expect("name");
    assert!(is_not_found(schools.update(&renamed, now).await));

    // People.
    let people = People::new(db, &a.scope);
    assert!(is_not_found(people.get(b.person.id).await));
    assert!(
        people
            .by_ids(&[b.person.id])
            .await
            .expect("by ids")
            .is_empty()
    );
    let listed = people
        .list(&PeopleFilter::default(), 50, None)
        .await
        .expect("list");
    assert_eq!(
        listed.people.iter().map(|p| p.id).collect::<Vec<_>>(),
        vec![a.person.id]
    );
    let in_b_school = PeopleFilter {
        school: Some(b.school.id),
        ..PeopleFilter::default()
    };
    assert!(
        people
            .list(&in_b_school, 50, None)
            .await
            .expect("list")
            .people
            .is_empty()
    );
    let email = Email::parse("sam@shared.sch.uk").expect("email");
    assert_eq!(
        people
            .find_by_email(&email)
            .await
            .expect("find")
            .map(|p| p.id),
        Some(a.person.id)
    );
    let mut hijacked = b.person.clone();
    hijacked.full_name = PersonName::parse("Hijacked").expect("name");
    assert!(is_not_found(people.update(&hijacked, now).await));

    // Memberships: reading, ending, and pointing a new one at B's person or school.
    let memberships = Memberships::new(db, &a.scope);
    assert!(is_not_found(memberships.get(b.membership.id).await));
    assert!(
        memberships
            .for_people(&[b.person.id])
            .await
            .expect("for people")
            .is_empty()
    );
    assert!(
        memberships
            .open_on(b.person.id, b.school.id, MembershipKind::Teaching, day())
            .await
            .expect("open")
            .is_none()
    );
    assert!(is_not_found(
        memberships.end(b.membership.id, day(), now).await
    ));
    let cross_person = memberships
        .insert(NewMembership {
            person: b.person.id,
            school: a.school.id,
            kind: MembershipKind::Support,
            job_title: None,
            started_on: day(),
            at: now,
        })
        .await;
    assert!(
        cross_person.is_err(),
        "the composite foreign key refuses B's person"
    );
    let cross_school = memberships
        .insert(NewMembership {
            person: a.person.id,
            school: b.school.id,
            kind: MembershipKind::Support,
            job_title: None,
            started_on: day(),
            at: now,
        })
        .await;
    assert!(
        cross_school.is_err(),
        "the composite foreign key refuses B's school"
    );

    // Role grants.
    let grants = RoleGrants::new(db, &a.scope);
    assert!(is_not_found(grants.get(b.grant.id).await));
    assert!(
        grants
            .active_for_people(&[b.person.id])
            .await
            .expect("grants")
            .is_empty()
    );
    assert!(is_not_found(grants.revoke(b.grant.id, now).await));
    let cross_grant = grants
        .insert(NewRoleGrant {
            person: b.person.id,
            assignment: RoleAssignment::trust_admin(),
            at: now,
        })
        .await;
    assert!(cross_grant.is_err(), "a grant cannot name B's person");

    // API tokens.
    let tokens = ApiTokens::new(db, &a.scope);
    assert!(is_not_found(tokens.get(b.token.id).await));
    assert_eq!(
        tokens
            .list()
            .await
            .expect("list")
            .iter()
            .map(|t| t.id)
            .collect::<Vec<_>>(),
        vec![a.token.id]
    );
    assert!(is_not_found(tokens.revoke(b.token.id, now).await));
    tokens
        .touch(b.token.id, now)
        .await
        .expect("touch is a no-op");
    let b_token = ApiTokens::new(db, &b.scope)
        .get(b.token.id)
        .await
        .expect("B sees its token");
    assert_eq!(
        b_token.last_used_at, None,
        "A's touch must not reach B's token"
    );
    assert_eq!(b_token.revoked_at, None);

    // Audit.
    let entries = Audit::new(db, &a.scope)
        .recent(50, None)
        .await
        .expect("audit");
    assert_eq!(
        entries.iter().map(|e| e.id).collect::<Vec<_>>(),
        vec![a.audit.id]
    );
    assert!(!entries.iter().any(|e| e.id == b.audit.id));

    // And B's rows are all still intact.
    assert_eq!(
        Schools::new(db, &b.scope)
            .get(b.school.id)
            .await
            .expect("school")
            .name,
        b.school.name
    );
    assert_eq!(
        People::new(db, &b.scope)
            .get(b.person.id)
            .await
            .expect("person")
            .full_name,
        b.person.full_name
    );
    assert_eq!(
        Memberships::new(db, &b.scope)
            .get(b.membership.id)
            .await
            .expect("m")
            .ended_on,
        None
    );
    assert_eq!(
        RoleGrants::new(db, &b.scope)
            .get(b.grant.id)
            .await
            .expect("g")
            .revoked_at,
        None
    );
}

#[tokio::test]
async fn a_school_scope_sees_only_its_school() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "trust-a").await;
    let operator = attest_test_support::principals::operator(a.scope.trust());
    let other_school = Schools::new(db, &a.scope)
        .insert(NewSchool {
            name: SchoolName::parse("Other Primary").expect("name"),
            slug: Slug::parse("other").expect("slug"),
            urn: None,
            at: Utc::now(),
        })
        .await
        .expect("school");
    let outsider = People::new(db, &operator.scope())
        .insert(NewPerson {
            full_name: PersonName::parse("Olive Other").expect("n"),
            email: None,
            at: Utc::now(),
        })
        .await
        .expect("person");
    Memberships::new(db, &a.scope)
        .insert(NewMembership {
            person: outsider.id,
            school: other_school.id,
            kind: MembershipKind::Support,
            job_title: None,
            started_on: day(),
            at: Utc::now(),
        })
        .await
        .expect("membership");

    let school_admin = attest_test_support::principals::school_admin(a.scope.trust(), a.school.id);
    let scope = school_admin.scope();
    let schools = Schools::new(db, &scope).list().await.expect("schools");
    assert_eq!(
        schools.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![a.school.id]
    );
    assert!(is_not_found(
        Schools::new(db, &scope).get(other_school.id).await
    ));
    let people = People::new(db, &scope);
    assert!(is_not_found(people.get(outsider.id).await));
    let listed = people
        .list(&PeopleFilter::default(), 10, None)
        .await
        .expect("list");
    assert_eq!(
        listed
            .people
            .iter()
            .map(|p| p.id)
            .collect::<Vec<PersonId>>(),
        vec![a.person.id]
    );
    let refused = Memberships::new(db, &scope)
        .insert(NewMembership {
            person: a.person.id,
            school: other_school.id,
            kind: MembershipKind::Support,
            job_title: None,
            started_on: day(),
            at: Utc::now(),
        })
        .await;
    assert!(is_not_found(refused));
}

#[tokio::test]
async fn people_pages_follow_name_order_and_filters() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "trust-a").await;
    let people = People::new(db, &a.scope);
    for name in [
        "Zed Last",
        "Amy First",
        "Amy First",
        "Mo_Middle",
        "Bea 100%",
    ] {
        let person = people
            .insert(NewPerson {
                full_name: PersonName::parse(name).expect("name"),
                email: None,
                at: Utc::now(),
            })
            .await
            .expect("person");
        Memberships::new(db, &a.scope)
            .insert(NewMembership {
                person: person.id,
                school: a.school.id,
                kind: if name.starts_with('Z') {
                    MembershipKind::Governor
                } else {
                    MembershipKind::Support
                },
                job_title: None,
                started_on: day(),
                at: Utc::now(),
            })
            .await
            .expect("membership");
    }
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = people
            .list(&PeopleFilter::default(), 2, after.as_ref())
            .await
            .expect("page");
        seen.extend(page.people.iter().map(|p| p.full_name.to_string()));
        let last = page.people.last().expect("non-empty page");
        after = Some(attest_store::PersonCursor {
            full_name: last.full_name.to_string(),
            id: last.id,
        });
        if !page.has_next_page {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            "Amy First",
            "Amy First",
            "Bea 100%",
            "Mo_Middle",
            "Sam Same",
            "Zed Last"
        ]
    );

    let search = |text: &str| PeopleFilter {
        search: Some(text.to_owned()),
        ..PeopleFilter::default()
    };
    let names = |page: attest_store::PeoplePage| {
        page.people
            .into_iter()
            .map(|p| p.full_name.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(people.list(&search("amy"), 10, None).await.expect("q")),
        ["Amy First", "Amy First"]
    );
    assert_eq!(
        names(people.list(&search("100%"), 10, None).await.expect("q")),
        ["Bea 100%"]
    );
    assert_eq!(
        names(people.list(&search("o_m"), 10, None).await.expect("q")),
        ["Mo_Middle"]
    );
    assert_eq!(
        names(
            people
                .list(&search("SHARED.SCH"), 10, None)
                .await
                .expect("q")
        ),
        ["Sam Same"]
    );
    let governors = PeopleFilter {
        kind: Some(MembershipKind::Governor),
        today: Some(day()),
        ..PeopleFilter::default()
    };
    assert_eq!(
        names(people.list(&governors, 10, None).await.expect("q")),
        ["Zed Last"]
    );

    // A leaver drops out of the current list but stays with include_left.
    let memberships = Memberships::new(db, &a.scope);
    memberships
        .end(a.membership.id, day(), Utc::now())
        .await
        .expect("end");
    let teaching = PeopleFilter {
        kind: Some(MembershipKind::Teaching),
        today: Some(day()),
        ..PeopleFilter::default()
    };
    assert!(
        people
            .list(&teaching, 10, None)
            .await
            .expect("q")
            .people
            .is_empty()
    );
    let with_left = PeopleFilter {
        include_left: true,
        ..teaching
    };
    assert_eq!(
        names(people.list(&with_left, 10, None).await.expect("q")),
        ["Sam Same"]
    );
    assert!(
        is_not_found(memberships.end(a.membership.id, day(), Utc::now()).await),
        "ending twice is refused"
    );
}

#[tokio::test]
async fn duplicates_are_conflicts_not_database_errors() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "trust-a").await;
    let again = Trusts::create(
        db,
        NewTrust {
            slug: Slug::parse("trust-a").expect("slug"),
            name: TrustName::parse("A").expect("n"),
            created_at: Utc::now(),
        },
    )
    .await;
    assert!(
        matches!(again, Err(StoreError::Conflict(ref message)) if message.contains("trust-a")),
        "{again:?}"
    );
    let school = Schools::new(db, &a.scope)
        .insert(NewSchool {
            name: SchoolName::parse("Copy").expect("name"),
            slug: a.school.slug.clone(),
            urn: None,
            at: Utc::now(),
        })
        .await;
    assert!(matches!(school, Err(StoreError::Conflict(_))), "{school:?}");
    let person = People::new(db, &a.scope)
        .insert(NewPerson {
            full_name: PersonName::parse("Another Sam").expect("name"),
            email: a.person.email.clone(),
            at: Utc::now(),
        })
        .await;
    assert!(
        matches!(person, Err(StoreError::Conflict(ref m)) if m.contains("sam@shared.sch.uk")),
        "{person:?}"
    );
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    world(db, "trust-a").await;
    use sea_orm::ConnectionTrait;
    assert!(
        db.execute_unprepared("UPDATE audit_log SET action = 'forged'")
            .await
            .is_err()
    );
    assert!(
        db.execute_unprepared("DELETE FROM audit_log")
            .await
            .is_err()
    );
}

//! Two trusts: the signing repositories, given trust A's scope, never read or change
//! trust B's acceptances, chain, exemptions, magic links, outbox or compliance rows.

use std::collections::BTreeMap;

use attest_domain::{
    Decision, MembershipKind, PersonName, PolicyKind, SigningMethod, TenantScope, VersionState,
};
use attest_store::{
    Acceptances, Compliance, ComplianceQuery, Exemptions, MagicLinks, Memberships, NewAcceptance,
    NewEmail, NewExemption, NewMagicLink, NewMembership, NewPerson, NewPolicy, NewPolicyVersion,
    Outbox, People, Policies, PolicyVersions, StateChange, StoreError, find_magic_link_by_hash,
};
use attest_test_support::TestDatabase;
use chrono::{Duration, Utc};

struct World {
    scope: TenantScope,
    person: attest_domain::PersonId,
    school: attest_domain::SchoolId,
    policy: attest_domain::PolicyId,
    version: attest_domain::PolicyVersionId,
}

async fn world(db: &attest_store::Database, slug: &str) -> World {
    let now = Utc::now() - Duration::days(1);
    let (_, scope) = attest_test_support::store_trust(db, slug, now).await;
    let school =
        attest_test_support::store_school(db, &scope, ("Primary", "primary", None), now).await;
    let person = People::new(db, &scope)
        .insert(NewPerson {
            full_name: PersonName::parse(&format!("{slug} person")).expect("name"),
            email: None,
            at: now,
        })
        .await
        .expect("person");
    Memberships::new(db, &scope)
        .insert(NewMembership {
            person: person.id,
            school: school.id,
            kind: MembershipKind::Teaching,
            job_title: None,
            started_on: now.date_naive(),
            at: now,
        })
        .await
        .expect("membership");
    let policy = Policies::new(db, &scope)
        .insert(NewPolicy {
            school: Some(school.id),
            kind: PolicyKind::School,
            title: "AUP".to_owned(),
            template: None,
            at: now,
        })
        .await
        .expect("policy");
    let versions = PolicyVersions::new(db, &scope);
    let version = versions
        .insert(NewPolicyVersion {
            policy: policy.id,
            source: String::new(),
            document: attest_document::parse("AUP\n\n- 1.1. I will.\n").expect("parses"),
            based_on: None,
            review_cycle_months: None,
            next_review_on: None,
            at: now,
        })
        .await
        .expect("version");
    versions
        .change_state(
            version.id,
            StateChange {
                from: VersionState::Draft,
                to: VersionState::Published,
                content_hash: Some("h".to_owned()),
                resign_required: Some(true),
                change_note: None,
                at: now,
                on: Some(now.date_naive()),
            },
        )
        .await
        .expect("publish");
    World {
        scope,
        person: person.id,
        school: school.id,
        policy: policy.id,
        version: version.id,
    }
}

fn acceptance(world: &World) -> NewAcceptance {
    NewAcceptance {
        person: world.person,
        policy: world.policy,
        version: world.version,
        school: world.school,
        decision: Decision::Accepted,
        content_hash: "h".to_owned(),
        audience_kind: MembershipKind::Teaching,
        variables: BTreeMap::new(),
        typed_name: "x".to_owned(),
        role: "Teacher".to_owned(),
        answers: BTreeMap::new(),
        method: SigningMethod::Sso,
        recorded_by: None,
        note: None,
        decline_reason: None,
        signed_at: Utc::now(),
        signed_on: Utc::now().date_naive(),
        renew_on: None,
        ip: None,
        user_agent: None,
        identity: attest_domain::SignerIdentity::Direct,
        viewed: None,
        changes_shown: None,
        completion: None,
        salt: "00".repeat(32),
    }
}

fn hidden<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound(_)))
}

#[tokio::test]
async fn signing_repositories_stay_inside_their_trust() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "alpha").await;
    let b = world(db, "beta").await;

    let b_row = Acceptances::new(db, &b.scope)
        .append(acceptance(&b))
        .await
        .expect("b signs");
    let a_accept = Acceptances::new(db, &a.scope);
    assert!(hidden(a_accept.get(b_row.id).await));
    assert!(
        a_accept
            .for_person(b.person)
            .await
            .expect("list")
            .is_empty()
    );
    assert!(a_accept.chain_page(0, 100).await.expect("chain").is_empty());
    assert!(a_accept.page(None, 0, 100).await.expect("page").is_empty());
    assert_eq!(a_accept.head().await.expect("head").last_seq, 0);
    // A's scope cannot write a row for B's school (it is not in A's trust).
    let mut crossed = acceptance(&b);
    crossed.school = b.school;
    assert!(a_accept.append(crossed).await.is_err());
    let a_row = a_accept.append(acceptance(&a)).await.expect("a signs");
    assert_eq!(
        (a_row.seq, b_row.seq),
        (1, 1),
        "each trust has its own chain"
    );

    let exemption = Exemptions::new(db, &b.scope)
        .insert(NewExemption {
            person: b.person,
            policy: None,
            reason: "leave".to_owned(),
            starts_on: Utc::now().date_naive(),
            ends_on: Utc::now().date_naive(),
            granted_by_kind: "operator",
            granted_by: None,
            at: Utc::now(),
        })
        .await
        .expect("exemption");
    assert!(
        Exemptions::new(db, &a.scope)
            .for_person(b.person)
            .await
            .expect("list")
            .is_empty()
    );
    assert_eq!(exemption.trust, b.scope.trust());

    let link = MagicLinks::new(db, &b.scope)
        .insert(NewMagicLink {
            person: b.person,
            version: b.version,
            school: b.school,
            token_hash: "b-link".to_owned(),
            at: Utc::now(),
            expires_at: Utc::now() + Duration::days(1),
        })
        .await
        .expect("link");
    assert!(matches!(
        MagicLinks::new(db, &a.scope)
            .consume(link.id, Utc::now())
            .await,
        Err(StoreError::Conflict(_))
    ));
    let found = find_magic_link_by_hash(db, "b-link").await.expect("find");
    assert_eq!(found.map(|l| l.trust), Some(b.scope.trust()));
    MagicLinks::new(db, &b.scope)
        .consume(link.id, Utc::now())
        .await
        .expect("b consumes once");
    assert!(
        MagicLinks::new(db, &b.scope)
            .consume(link.id, Utc::now())
            .await
            .is_err()
    );

    Outbox::new(db, &b.scope)
        .enqueue(NewEmail {
            kind: "test",
            to_address: "b@example.org".to_owned(),
            subject: "s".to_owned(),
            body_text: "b".to_owned(),
            body_html: None,
            dedupe_key: Some("k".to_owned()),
            at: Utc::now(),
        })
        .await
        .expect("queued");
    assert!(
        Outbox::new(db, &a.scope)
            .recent(10)
            .await
            .expect("a")
            .is_empty()
    );

    let now = Utc::now();
    let query = ComplianceQuery::at(now, now.date_naive());
    let rows = Compliance::new(db, &a.scope)
        .page(&query, None, 100)
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].person, a.person);
    let asking_for_b = ComplianceQuery {
        school: Some(b.school),
        ..query.clone()
    };
    assert!(
        Compliance::new(db, &a.scope)
            .page(&asking_for_b, None, 100)
            .await
            .expect("rows")
            .is_empty()
    );
    let counts = Compliance::new(db, &a.scope)
        .counts(&query, true)
        .await
        .expect("counts");
    assert!(
        counts
            .iter()
            .all(|c| c.school.is_none() || c.school == Some(a.school))
    );
}

/// A person's own scope reaches every school of their trust but only their own records:
/// another member of staff's person row, memberships and acceptances stay hidden, and
/// nothing can be written in their name.
#[tokio::test]
async fn a_persons_own_scope_reaches_only_their_records() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "alpha").await;
    let colleague = People::new(db, &a.scope)
        .insert(NewPerson {
            full_name: PersonName::parse("Colleague").expect("name"),
            email: None,
            at: Utc::now(),
        })
        .await
        .expect("colleague");
    Memberships::new(db, &a.scope)
        .insert(NewMembership {
            person: colleague.id,
            school: a.school,
            kind: MembershipKind::Teaching,
            job_title: None,
            started_on: Utc::now().date_naive(),
            at: Utc::now(),
        })
        .await
        .expect("colleague's membership");
    let theirs = || NewAcceptance {
        person: colleague.id,
        ..acceptance(&a)
    };
    let their_row = Acceptances::new(db, &a.scope)
        .append(theirs())
        .await
        .expect("the colleague signs");

    let me = attest_test_support::principals::person(a.scope.trust(), a.person);
    let own = me.own_records().expect("a person has own records");
    let (_, scope) = own.keyed();
    assert!(People::new(db, scope).get(a.person).await.is_ok());
    assert!(hidden(People::new(db, scope).get(colleague.id).await));
    let memberships = Memberships::new(db, scope)
        .for_people(&[a.person, colleague.id])
        .await
        .expect("memberships");
    assert!(memberships.iter().all(|m| m.person == a.person));
    assert_eq!(memberships.len(), 1);
    let acceptances = Acceptances::new(db, scope);
    assert!(hidden(acceptances.get(their_row.id).await));
    assert!(
        acceptances
            .for_person(colleague.id)
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        acceptances.append(theirs()).await.is_err(),
        "not in their name"
    );
    let mine = acceptances.append(acceptance(&a)).await.expect("I sign");
    assert_eq!(
        acceptances.get(mine.id).await.expect("mine").person,
        a.person
    );
}

//! Two trusts: every policy repository method, given trust A's scope, refuses or hides
//! trust B's policies, versions and school settings, even when handed B's ids.

use std::collections::BTreeMap;

use attest_domain::{PolicyKind, SchoolName, Slug, TenantScope, VersionState};
use attest_store::{
    DraftContent, NewPolicy, NewPolicyVersion, NewSchool, Policies, PolicySettings, PolicyVersions,
    SchoolPolicySettings, Schools, StateChange, StoreError,
};
use attest_test_support::TestDatabase;
use chrono::{NaiveDate, Utc};

struct World {
    scope: TenantScope,
    school: attest_domain::School,
    policy: attest_store::Policy,
    version: attest_store::PolicyVersion,
}

async fn world(db: &attest_store::Database, slug: &str) -> World {
    let now = Utc::now();
    let (_, scope) = attest_test_support::store_trust(db, slug, now).await;
    let school =
        attest_test_support::store_school(db, &scope, ("Primary", "primary", None), now).await;
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
    let document = attest_document::parse("Staff AUP\n\n- 1.1. I will use *[Mail System]*.\n")
        .expect("parses");
    let version = PolicyVersions::new(db, &scope)
        .insert(NewPolicyVersion {
            policy: policy.id,
            source: String::new(),
            document,
            based_on: None,
            review_cycle_months: None,
            next_review_on: NaiveDate::from_ymd_opt(2026, 6, 1),
            at: now,
        })
        .await
        .expect("version");
    let settings = SchoolPolicySettings {
        policy: Some(policy.id),
        school: Some(school.id),
        variables: BTreeMap::from([("mail_system".to_owned(), "Outlook".to_owned())]),
        ..SchoolPolicySettings::default()
    };
    PolicySettings::new(db, &scope)
        .save(&settings, now)
        .await
        .expect("settings");
    World {
        scope,
        school,
        policy,
        version,
    }
}

fn hidden<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::NotFound(_)))
}

#[tokio::test]
async fn policy_repositories_never_cross_trusts() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "trust-a").await;
    let b = world(db, "trust-b").await;
    let now = Utc::now();

    let policies = Policies::new(db, &a.scope);
    assert!(hidden(policies.get(b.policy.id).await));
    assert_eq!(
        policies
            .list(None)
            .await
            .expect("list")
            .iter()
            .map(|p| p.id)
            .collect::<Vec<_>>(),
        vec![a.policy.id]
    );
    assert!(
        policies
            .by_ids(&[b.policy.id])
            .await
            .expect("by ids")
            .is_empty()
    );
    assert!(
        policies
            .adopted(b.policy.id, b.school.id)
            .await
            .expect("adopted")
            .is_none()
    );
    assert!(hidden(
        policies
            .update(b.policy.id, Some("Taken"), Some(now), now)
            .await
    ));
    let cross = policies
        .insert(NewPolicy {
            school: Some(b.school.id),
            kind: PolicyKind::School,
            title: "x".to_owned(),
            template: None,
            at: now,
        })
        .await;
    assert!(
        cross.is_err(),
        "a policy cannot belong to another trust's school"
    );

    let versions = PolicyVersions::new(db, &a.scope);
    assert!(hidden(versions.get(b.version.id).await));
    assert!(
        versions
            .for_policy(b.policy.id)
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        versions
            .for_policies(&[b.policy.id])
            .await
            .expect("list")
            .is_empty()
    );
    assert!(
        versions
            .in_state(b.policy.id, VersionState::Draft)
            .await
            .expect("state")
            .is_none()
    );
    let due = versions
        .published_for_review_by(NaiveDate::from_ymd_opt(2030, 1, 1).expect("date"))
        .await
        .expect("due");
    assert!(due.iter().all(|v| v.trust == a.scope.trust()));
    let content = DraftContent {
        source: "x".to_owned(),
        document: b.version.document.clone(),
        review_cycle_months: None,
        next_review_on: None,
    };
    assert!(hidden(
        versions.update_draft(b.version.id, content, now).await
    ));
    let publish = StateChange {
        from: VersionState::Draft,
        to: VersionState::Published,
        content_hash: None,
        resign_required: None,
        change_note: None,
        at: now,
        on: None,
    };
    assert!(versions.change_state(b.version.id, publish).await.is_err());
    let cross = versions
        .insert(NewPolicyVersion {
            policy: b.policy.id,
            source: String::new(),
            document: b.version.document.clone(),
            based_on: None,
            review_cycle_months: None,
            next_review_on: None,
            at: now,
        })
        .await;
    assert!(
        cross.is_err(),
        "a version cannot be added to another trust's policy"
    );

    let settings = PolicySettings::new(db, &a.scope);
    assert!(
        settings
            .get(b.policy.id, b.school.id)
            .await
            .expect("get")
            .variables
            .is_empty(),
        "B's values are hidden"
    );
    let hijack = SchoolPolicySettings {
        policy: Some(b.policy.id),
        school: Some(b.school.id),
        ..SchoolPolicySettings::default()
    };
    assert!(settings.save(&hijack, now).await.is_err());

    // B is untouched.
    let b_version = PolicyVersions::new(db, &b.scope)
        .get(b.version.id)
        .await
        .expect("B's version");
    assert_eq!(b_version.state, VersionState::Draft);
    assert_eq!(
        Policies::new(db, &b.scope)
            .get(b.policy.id)
            .await
            .expect("B's policy")
            .retired_at,
        None
    );
    let b_settings = PolicySettings::new(db, &b.scope)
        .get(b.policy.id, b.school.id)
        .await
        .expect("B's settings");
    assert_eq!(
        b_settings.variables.get("mail_system").map(String::as_str),
        Some("Outlook")
    );
}

#[tokio::test]
async fn a_school_scope_sees_its_own_and_the_trusts_policies_only() {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db();
    let a = world(db, "trust-a").await;
    let now = Utc::now();
    let operator = attest_test_support::principals::operator(a.scope.trust());
    let other = Schools::new(db, &a.scope)
        .insert(NewSchool {
            name: SchoolName::parse("Other").expect("name"),
            slug: Slug::parse("other").expect("slug"),
            urn: None,
            at: now,
        })
        .await
        .expect("school");
    let trust_wide = Policies::new(db, &operator.scope())
        .insert(NewPolicy {
            school: None,
            kind: PolicyKind::TrustLocked,
            title: "Trust AUP".to_owned(),
            template: None,
            at: now,
        })
        .await
        .expect("trust policy");
    let others = Policies::new(db, &operator.scope())
        .insert(NewPolicy {
            school: Some(other.id),
            kind: PolicyKind::School,
            title: "Other's AUP".to_owned(),
            template: None,
            at: now,
        })
        .await
        .expect("other school's policy");
    let head = attest_test_support::principals::school_admin(a.scope.trust(), a.school.id);
    let scope = head.scope();
    let visible: Vec<_> = Policies::new(db, &scope)
        .list(None)
        .await
        .expect("list")
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert!(visible.contains(&a.policy.id) && visible.contains(&trust_wide.id));
    assert!(!visible.contains(&others.id));
    assert!(hidden(Policies::new(db, &scope).get(others.id).await));

    // A member of staff with no school role reads what they owe through their own
    // records, never the trust's policies, drafts and templates (issue 15).
    let staff = attest_test_support::principals::person(
        a.scope.trust(),
        attest_domain::PersonId::generate(),
    )
    .scope();
    assert!(
        Policies::new(db, &staff)
            .list(None)
            .await
            .expect("list")
            .is_empty()
    );
    assert!(hidden(Policies::new(db, &staff).get(trust_wide.id).await));
    assert!(hidden(
        PolicyVersions::new(db, &staff).get(a.version.id).await
    ));
    assert!(
        PolicyVersions::new(db, &staff)
            .for_policy(trust_wide.id)
            .await
            .expect("list")
            .is_empty()
    );
    let settings = SchoolPolicySettings {
        policy: Some(trust_wide.id),
        school: Some(other.id),
        ..SchoolPolicySettings::default()
    };
    assert!(
        hidden(PolicySettings::new(db, &scope).save(&settings, now).await),
        "no values for another school"
    );
}

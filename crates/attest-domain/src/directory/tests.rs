use std::collections::BTreeMap;

use super::*;
use crate::{MappingRules, SchoolId};

fn microsoft() -> DirectoryInput {
    DirectoryInput {
        kind: "microsoft".to_owned(),
        tenant_id: Some("72F988BF-86F1-41AF-91AB-2D7CD011DB47".to_owned()),
        client_id: Some("app-1".to_owned()),
        ..DirectoryInput::default()
    }
}

#[test]
fn connections_name_what_each_provider_needs() {
    let settings = DirectorySettings::parse(&microsoft()).expect("valid");
    assert_eq!(
        settings.identity_issuer(),
        "urn:entra:72f988bf-86f1-41af-91ab-2d7cd011db47"
    );
    assert_eq!(
        settings.token_url,
        "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token"
    );
    let error = DirectorySettings::parse(&DirectoryInput {
        tenant_id: Some("common".to_owned()),
        ..microsoft()
    })
    .expect_err("common is not a tenant");
    assert_eq!(error.field(), "tenant_id");
    let error = DirectorySettings::parse(&DirectoryInput {
        kind: "google".to_owned(),
        service_account: Some("sync@project.iam.gserviceaccount.com".to_owned()),
        ..DirectoryInput::default()
    })
    .expect_err("no admin");
    assert!(error.to_string().contains("admin_subject"), "{error}");
    let google = DirectorySettings::parse(&DirectoryInput {
        kind: "google".to_owned(),
        service_account: Some("sync@project.iam.gserviceaccount.com".to_owned()),
        admin_subject: Some("admin@trust.example".to_owned()),
        api_base: Some("http://127.0.0.1:9000/".to_owned()),
        ..DirectoryInput::default()
    })
    .expect("valid");
    assert_eq!(google.customer.as_deref(), Some("my_customer"));
    assert_eq!(google.api_base, "http://127.0.0.1:9000");
    assert_eq!(google.identity_issuer(), GOOGLE_ISSUER);
    let error = DirectorySettings::parse(&DirectoryInput {
        api_base: Some("http://graph.example".to_owned()),
        ..microsoft()
    })
    .expect_err("plain http off this machine");
    assert_eq!(error.field(), "api_base");
    let error = DirectorySettings::parse(&DirectoryInput {
        max_leaver_share: Some(10.0),
        ..microsoft()
    })
    .expect_err("a share, not a percentage");
    assert!(error.to_string().contains("0.1 is 10%"), "{error}");
}

#[test]
fn rules_say_which_rule_and_part_is_wrong() {
    let north = SchoolId::generate();
    let school = |slug: &str| (slug == "north").then_some(north);
    let rule = |field: &str, value: &str, target: &str| RuleInput {
        field: field.to_owned(),
        value: value.to_owned(),
        target: target.to_owned(),
    };
    let good = SyncRulesInput {
        schools: vec![rule("department", "North Primary", "north")],
        kinds: vec![rule("group", "Teachers", "teaching")],
        default_kind: Some("support".to_owned()),
        ignore: vec![rule("email_domain", "pupils.trust.example", "")],
    };
    let rules = MappingRules::parse(DirectoryKind::Microsoft, &good, school).expect("valid");
    assert_eq!(rules.groups(), vec!["Teachers".to_owned()]);
    assert_eq!(rules.to_input(|_| "north".to_owned()), good);
    let mut bad = good.clone();
    bad.schools.push(rule("department", "South", "south"));
    let error = MappingRules::parse(DirectoryKind::Microsoft, &bad, school).expect_err("no south");
    assert!(
        error
            .to_string()
            .contains("schools[1].target: no school of this trust has the slug 'south'"),
        "{error}"
    );
    let mut bad = good.clone();
    bad.kinds[0].field = "dept".to_owned();
    let error = MappingRules::parse(DirectoryKind::Microsoft, &bad, school).expect_err("field");
    assert!(
        error
            .to_string()
            .contains("kinds[0].field: 'dept' is not one of group, org_unit"),
        "{error}"
    );
    let error = MappingRules::parse(DirectoryKind::Google, &good, school)
        .expect_err("Google has no groups here");
    assert!(error.to_string().contains("kinds[0].field"), "{error}");
    let mut bad = good.clone();
    bad.schools[0] = rule("org_unit", "Staff", "north");
    let error = MappingRules::parse(DirectoryKind::Google, &bad, school).expect_err("path");
    assert!(
        error.to_string().contains("not an org unit path"),
        "{error}"
    );
}

fn account(id: &str, name: &str) -> AccountChange {
    AccountChange {
        id: id.to_owned(),
        display_name: Some(name.to_owned()),
        email: Some(Some(format!("{id}@trust.example"))),
        enabled: Some(true),
        job_title: Some(Some("Teacher".to_owned())),
        department: Some(None),
        office_location: Some(None),
        org_unit: Some(None),
    }
}

#[test]
fn a_delta_changes_only_what_it_names() {
    let first = DirectoryChanges {
        full: true,
        accounts: vec![account("a", "Ann"), account("b", "Bob"), account("c", "Cy")],
        removed: vec![],
        groups: Some(BTreeMap::from([(
            "Teachers".to_owned(),
            vec!["a".to_owned(), "b".to_owned()],
        )])),
    };
    let snapshot = apply_changes(&BTreeMap::new(), &first);
    assert_eq!(snapshot.len(), 3);
    assert_eq!(snapshot["a"].groups, vec!["Teachers".to_owned()]);
    let delta = DirectoryChanges {
        full: false,
        accounts: vec![
            AccountChange {
                id: "a".to_owned(),
                display_name: Some("Ann Newname".to_owned()),
                job_title: Some(None),
                ..AccountChange::default()
            },
            AccountChange {
                id: "b".to_owned(),
                enabled: Some(false),
                ..AccountChange::default()
            },
        ],
        removed: vec!["c".to_owned()],
        groups: None,
    };
    let now = apply_changes(&snapshot, &delta);
    assert_eq!(now["a"].display_name, "Ann Newname");
    assert_eq!(now["a"].email.as_deref(), Some("a@trust.example"), "kept");
    assert_eq!(now["a"].job_title, None, "cleared by an explicit null");
    assert_eq!(
        now["a"].groups,
        vec!["Teachers".to_owned()],
        "kept without a group list"
    );
    assert!(!now["b"].enabled);
    assert!(!now.contains_key("c"));
    let relisted = apply_changes(
        &now,
        &DirectoryChanges {
            full: true,
            accounts: vec![account("a", "Ann")],
            ..DirectoryChanges::default()
        },
    );
    assert_eq!(
        relisted.len(),
        1,
        "a full list drops whoever it does not list"
    );
}

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use ed25519_dalek::{Signer, SigningKey};

use super::*;
use crate::{Decision, SigningMethod};

fn identity() -> SignerIdentity {
    SignerIdentity::Sso {
        session: uuid::Uuid::nil(),
        provider: "entra".to_owned(),
        issuer: "https://login.microsoftonline.com/t/v2.0".to_owned(),
        subject: "abc".to_owned(),
        tenant: Some("t".to_owned()),
        object_id: Some("o".to_owned()),
        hosted_domain: None,
        email: Some("ann@school.example".to_owned()),
        authenticated_at: None,
        methods: vec!["pwd".to_owned(), "mfa".to_owned()],
    }
}

fn personal() -> PersonalFields {
    PersonalFields {
        typed_name: "Ann Smith".to_owned(),
        role: "Teacher".to_owned(),
        answers: BTreeMap::from([("consent_1".to_owned(), "Yes".to_owned())]),
        note: None,
        ip: Some("192.0.2.1".to_owned()),
        user_agent: Some("Firefox".to_owned()),
        identity: identity(),
    }
}

type Edit = Box<dyn Fn(&mut PersonalFields)>;

#[test]
fn a_commitment_changes_with_every_personal_field_and_the_salt() {
    let salt = "ab".repeat(SALT_BYTES);
    let base = personal().commitment(&salt);
    assert_eq!(base.len(), 64);
    assert_eq!(base, personal().commitment(&salt), "deterministic");
    assert_ne!(base, personal().commitment(&"cd".repeat(SALT_BYTES)));
    let changes: Vec<Edit> = vec![
        Box::new(|p| p.typed_name.push('e')),
        Box::new(|p| p.role = "Head".to_owned()),
        Box::new(|p| {
            p.answers.insert("consent_1".to_owned(), "No".to_owned());
        }),
        Box::new(|p| p.note = Some("x".to_owned())),
        Box::new(|p| p.ip = None),
        Box::new(|p| p.user_agent = Some("Chrome".to_owned())),
        Box::new(|p| {
            p.identity = SignerIdentity::MagicLink {
                link: uuid::Uuid::nil(),
                sent_to: None,
            }
        }),
    ];
    for (index, change) in changes.iter().enumerate() {
        let mut changed = personal();
        change(&mut changed);
        assert_ne!(base, changed.commitment(&salt), "change {index}");
    }
}

#[test]
fn a_sealed_hash_covers_the_view_the_changes_and_the_commitment() {
    let variables = BTreeMap::new();
    let at = Utc
        .with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
        .single()
        .expect("valid");
    let viewed = ViewEvidence {
        view: uuid::Uuid::nil(),
        opened_at: at,
        seconds_open: 42,
        reached_end: true,
        scripts_off: false,
    };
    let fields = SealedFields {
        format: 2,
        id: uuid::Uuid::nil(),
        trust: uuid::Uuid::nil(),
        seq: 1,
        person: uuid::Uuid::nil(),
        policy: uuid::Uuid::nil(),
        version: uuid::Uuid::nil(),
        school: uuid::Uuid::nil(),
        decision: Decision::Accepted,
        content_hash: "abc",
        audience_kind: "teaching",
        variables: &variables,
        method: SigningMethod::Sso,
        recorded_by: None,
        decline_reason: None,
        signed_at: at,
        signed_on: at.date_naive(),
        renew_on: None,
        viewed: Some(&viewed),
        changes_shown: None,
        completion: None,
        personal_commitment: "c1",
    };
    let hash = sealed_hash(crate::GENESIS_HASH, &fields);
    // A row without completion evidence hashes as rows did before the field existed.
    assert!(!sealed_json(&fields).contains("completion"));
    let certificate = crate::CompletionEvidence::Certificate {
        file: uuid::Uuid::nil(),
        file_name: "cert.pdf".to_owned(),
        sha256: "ab".to_owned(),
    };
    let shorter = ViewEvidence {
        seconds_open: 41,
        ..viewed
    };
    let changes = ChangesShown {
        since_version: uuid::Uuid::nil(),
        since_acceptance: uuid::Uuid::nil(),
        clauses_changed: 3,
    };
    for other in [
        SealedFields {
            viewed: Some(&shorter),
            ..fields.clone()
        },
        SealedFields {
            viewed: None,
            ..fields.clone()
        },
        SealedFields {
            changes_shown: Some(&changes),
            ..fields.clone()
        },
        SealedFields {
            completion: Some(&certificate),
            ..fields.clone()
        },
        SealedFields {
            personal_commitment: "c2",
            ..fields.clone()
        },
    ] {
        assert_ne!(hash, sealed_hash(crate::GENESIS_HASH, &other));
    }
}

#[test]
fn the_reading_rule_asks_for_time_and_the_end() {
    let at = Utc
        .with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
        .single()
        .expect("valid");
    let view = |seconds_open, reached_end| ViewEvidence {
        view: uuid::Uuid::nil(),
        opened_at: at,
        seconds_open,
        reached_end,
        scripts_off: false,
    };
    assert_eq!(ReadingRule::default().unmet(None), None);
    let rule = ReadingRule {
        min_seconds: 90,
        to_end: true,
    };
    assert!(rule.unmet(None).is_some());
    let early = rule.unmet(Some(&view(30, true))).expect("too soon");
    assert!(
        early.contains("1 min 30 s") && early.contains("30 seconds"),
        "{early}"
    );
    let unread = rule.unmet(Some(&view(90, false))).expect("not to the end");
    assert!(unread.contains("end"), "{unread}");
    assert_eq!(rule.unmet(Some(&view(90, true))), None);
    let time_only = ReadingRule {
        min_seconds: 60,
        to_end: false,
    };
    assert_eq!(time_only.unmet(Some(&view(60, false))), None);
    assert!(time_only.unmet(Some(&view(59, true))).is_some());
    // Without scripts only the time is asked: the end cannot be known.
    let scripts_off = ViewEvidence {
        scripts_off: true,
        ..view(90, false)
    };
    assert_eq!(rule.unmet(Some(&scripts_off)), None);
    let hurried = ViewEvidence {
        scripts_off: true,
        ..view(10, false)
    };
    assert!(
        rule.unmet(Some(&hurried))
            .is_some_and(|why| why.contains("at least"))
    );
}

#[test]
fn a_statement_verifies_only_with_its_key_and_its_fields() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let statement = ChainStatement {
        trust: uuid::Uuid::nil(),
        seq: 77_000,
        hash: "ab".repeat(32),
        at: statement_time(Utc::now()),
    };
    let signature = key.sign(statement.message().as_bytes()).to_bytes();
    let public = key.verifying_key().to_bytes();
    assert!(statement.verify(&public, &signature));
    assert!(statement.message().starts_with("attest chain head v1\n"));
    let other_key = SigningKey::from_bytes(&[8; 32]).verifying_key().to_bytes();
    assert!(!statement.verify(&other_key, &signature));
    let replayed = ChainStatement {
        seq: 76_999,
        ..statement.clone()
    };
    assert!(!replayed.verify(&public, &signature));
    assert!(!statement.verify(&public[..31], &signature));
    assert!(!statement.verify(&public, &signature[..63]));
}

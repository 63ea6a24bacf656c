use std::collections::BTreeMap;

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use super::*;
use crate::{LastSignature, PolicyKind, ResignRequired, ResignSchedule, SigningFacts, standing};

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6).expect("valid") + Days::new(offset)
}

fn noon(offset: u64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day(offset).and_hms_opt(12, 0, 0).expect("valid"))
}

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

fn policy(v2: Option<(u64, bool)>, audience: Vec<MembershipKind>, school: SchoolId) -> PolicyFacts {
    let mut versions = vec![VersionFact {
        id: PolicyVersionId::from_uuid(id(11)),
        number: 1,
        published_at: noon(0),
        published_on: day(0),
        resign_required: false,
    }];
    if let Some((on, required)) = v2 {
        versions.push(VersionFact {
            id: PolicyVersionId::from_uuid(id(12)),
            number: 2,
            published_at: noon(on),
            published_on: day(on),
            resign_required: required,
        });
    }
    PolicyFacts {
        id: PolicyId::from_uuid(id(10)),
        kind: PolicyKind::School,
        school: Some(school),
        grace_days: 10,
        retired_at: None,
        versions,
        audiences: BTreeMap::from([(school, audience)]),
        requires: Vec::new(),
    }
}

#[derive(Debug, Clone)]
struct Scenario {
    v2: Option<(u64, bool)>,
    schedule: ResignSchedule,
    kind: usize,
    joined: u64,
    left: Option<u64>,
    signatures: Vec<(u64, bool)>,
    exemption: Option<(u64, u64)>,
    ask: Vec<u64>,
}

const KINDS: [MembershipKind; 3] = [
    MembershipKind::Teaching,
    MembershipKind::Support,
    MembershipKind::Visitor,
];

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        proptest::option::of((1..150_u64, any::<bool>())),
        prop_oneof![
            (1..13_u32).prop_map(|m| ResignSchedule::EveryMonths { months: m }),
            Just(ResignSchedule::OnNewVersion),
        ],
        0..3_usize,
        0..120_u64,
        proptest::option::of(0..200_u64),
        proptest::collection::vec((0..200_u64, any::<bool>()), 0..4),
        proptest::option::of((0..200_u64, 0..60_u64)),
        proptest::collection::vec(0..400_u64, 4),
    )
        .prop_map(
            |(v2, schedule, kind, joined, left, mut signatures, exemption, ask)| {
                signatures.sort_unstable();
                Scenario {
                    v2,
                    schedule,
                    kind,
                    joined,
                    left: left.map(|l| joined + 1 + l),
                    signatures,
                    exemption,
                    ask,
                }
            },
        )
}

fn facts(s: &Scenario, school: SchoolId) -> (PolicyFacts, PersonFacts) {
    let policy = policy(
        s.v2,
        vec![MembershipKind::Teaching, MembershipKind::Support],
        school,
    );
    let mut person = PersonFacts::new(PersonId::from_uuid(id(1)));
    person.memberships.push(MembershipFact {
        school,
        kind: KINDS[s.kind],
        started_on: day(s.joined),
        ended_on: s.left.map(day),
    });
    for (n, (on, second)) in s.signatures.iter().enumerate() {
        let second = *second && s.v2.is_some_and(|(p, _)| p <= *on);
        person.answers.push(AnswerFact {
            id: AcceptanceId::from_uuid(id(100 + n as u128)),
            seq: n as i64 + 1,
            policy: policy.id,
            version_number: if second { 2 } else { 1 },
            accepted: true,
            signed_at: noon(*on),
            renew_on: s.schedule.next_after(day(*on)),
            decline_reason: None,
        });
    }
    if let Some((start, length)) = s.exemption {
        person.exemptions.push(ExemptionFact {
            policy: Some(policy.id),
            starts_on: day(start),
            ends_on: day(start + length),
            created_at: noon(0),
        });
    }
    (policy, person)
}

/// What `crate::standing` says, from the scenario alone.
fn reference(s: &Scenario, ask: u64) -> Option<ComplianceStatus> {
    let active = s.joined <= ask && s.left.is_none_or(|left| ask < left);
    if KINDS[s.kind] == MembershipKind::Visitor || !active {
        return None;
    }
    let v2 = s.v2.filter(|(published, _)| *published <= ask);
    let last = s
        .signatures
        .iter()
        .rev()
        .find(|(on, _)| *on <= ask)
        .map(|(on, second)| LastSignature {
            on: day(*on),
            version: if *second && s.v2.is_some_and(|(p, _)| p <= *on) {
                2
            } else {
                1
            },
            renew_on: s.schedule.next_after(day(*on)),
        });
    let facts = SigningFacts {
        obliged_since: day(s.joined),
        last_signature: last,
        resign_required: v2.filter(|(_, required)| *required).map(|(published, _)| {
            ResignRequired {
                version: 2,
                since: day(published),
            }
        }),
        exempt_until: s
            .exemption
            .filter(|(start, _)| *start <= ask)
            .map(|(start, length)| day(start + length)),
    };
    Some(standing(10, &facts, day(ask)).status)
}

/// The revision in force at `at`.
fn in_force(revisions: &[Revision], at: DateTime<Utc>) -> Vec<ObligationState> {
    revisions
        .iter()
        .rev()
        .find(|r| r.valid_from <= at)
        .map(|r| r.states.clone())
        .unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn states_agree_with_the_reference_rules(s in scenario()) {
        let school = SchoolId::from_uuid(id(2));
        let (policy, person) = facts(&s, school);
        for ask in &s.ask {
            let states = states_at(std::slice::from_ref(&policy), &person, noon(*ask), day(*ask));
            prop_assert!(states.len() <= 1);
            let found = states.first().map(|state| state.status_on(day(*ask)));
            prop_assert_eq!(found, reference(&s, *ask), "asked on day {}", ask);
        }
    }

    /// The timeline a rebuild writes answers every instant as `states_at` does, and
    /// so does the state kept between rechecks.
    #[test]
    fn the_timeline_and_rechecks_are_exact(s in scenario()) {
        let school = SchoolId::from_uuid(id(2));
        let (policy, person) = facts(&s, school);
        let policies = std::slice::from_ref(&policy);
        let revisions = timeline(policies, &person, noon(500));
        for ask in &s.ask {
            let at = noon(*ask);
            prop_assert_eq!(in_force(&revisions, at), states_at(policies, &person, at, day(*ask)));
        }
        // Kept from day 0 and recomputed only at rechecks and events, the state agrees
        // with a fresh computation on every day.
        let mut kept = states_at(policies, &person, noon(0), day(0));
        let mut recheck = recheck_after(&person, noon(0), day(0));
        let events: Vec<u64> = s.signatures.iter().map(|(on, _)| *on)
            .chain(s.v2.map(|(on, _)| on)).collect();
        for offset in 1..420 {
            let at = noon(offset);
            if recheck.is_some_and(|r| r <= day(offset)) || events.contains(&offset) {
                kept = states_at(policies, &person, at, day(offset));
                recheck = recheck_after(&person, at, day(offset));
            }
            let fresh = states_at(policies, &person, at, day(offset));
            prop_assert_eq!(&kept, &fresh, "day {}", offset);
        }
    }
}

#[test]
fn a_person_at_two_schools_owes_a_trust_policy_at_each_since_the_first() {
    let (a, b) = (SchoolId::from_uuid(id(2)), SchoolId::from_uuid(id(3)));
    let mut trust_policy = policy(None, Vec::new(), a);
    trust_policy.school = None;
    trust_policy.kind = PolicyKind::TrustLocked;
    trust_policy.audiences.clear();
    let mut person = PersonFacts::new(PersonId::from_uuid(id(1)));
    for (school, kind, start) in [
        (a, MembershipKind::Support, 5),
        (b, MembershipKind::Teaching, 20),
        (b, MembershipKind::Governor, 30),
    ] {
        person.memberships.push(MembershipFact {
            school,
            kind,
            started_on: day(start),
            ended_on: None,
        });
    }
    let states = states_at(
        std::slice::from_ref(&trust_policy),
        &person,
        noon(40),
        day(40),
    );
    assert_eq!(states.len(), 2);
    assert!(states.iter().all(|s| s.obliged_since == day(5)));
    let at_b = states.iter().find(|s| s.school == b).expect("owed at b");
    assert_eq!(
        at_b.kind,
        MembershipKind::Governor,
        "the smallest kind name, as the SQL takes it"
    );
    assert_eq!(at_b.status_on(day(40)), ComplianceStatus::Overdue);
    // A retired policy is owed by no one.
    trust_policy.retired_at = Some(noon(39));
    assert!(
        states_at(
            std::slice::from_ref(&trust_policy),
            &person,
            noon(40),
            day(40)
        )
        .is_empty()
    );
}

#[test]
fn a_refusal_after_the_last_signature_is_shown_and_one_before_it_is_not() {
    let school = SchoolId::from_uuid(id(2));
    let policy = policy(None, Vec::new(), school);
    let mut person = PersonFacts::new(PersonId::from_uuid(id(1)));
    person.memberships.push(MembershipFact {
        school,
        kind: MembershipKind::Teaching,
        started_on: day(0),
        ended_on: None,
    });
    let answer = |seq: i64, accepted: bool, on: u64| AnswerFact {
        id: AcceptanceId::from_uuid(id(100 + seq as u128)),
        seq,
        policy: policy.id,
        version_number: 1,
        accepted,
        signed_at: noon(on),
        renew_on: accepted.then(|| day(on + 365)),
        decline_reason: (!accepted).then(|| "no".to_owned()),
    };
    person.answers = vec![answer(1, false, 1), answer(2, true, 2)];
    let policies = std::slice::from_ref(&policy);
    let state = &states_at(policies, &person, noon(3), day(3))[0];
    assert_eq!(state.declined_at, None);
    assert_eq!(state.status_on(day(3)), ComplianceStatus::Compliant);
    person.answers.push(answer(3, false, 4));
    let state = &states_at(policies, &person, noon(5), day(5))[0];
    assert_eq!(state.declined_at, Some(noon(4)));
    assert_eq!(state.decline_reason.as_deref(), Some("no"));
    assert_eq!(
        state.last_acceptance,
        Some(AcceptanceId::from_uuid(id(102)))
    );
}

proptest! {
    /// A policy that names attributes is owed exactly while the person's attributes
    /// meet every condition; held spans are half-open (held from `from`, not at `until`).
    #[test]
    fn attribute_conditions_decide_who_owes_a_policy(
        spans in proptest::collection::vec((0..2_usize, 0..100_u64, proptest::option::of(1..60_u64)), 0..5),
        requires in proptest::collection::vec((0..2_usize, any::<bool>()), 0..3),
        asks in proptest::collection::vec(0..200_u64, 6),
    ) {
        const KEYS: [&str; 2] = ["works_with_children", "dsl"];
        let school = SchoolId::from_uuid(id(2));
        let mut policy = policy(None, Vec::new(), school);
        policy.requires = requires.iter().map(|(key, held)| (KEYS[*key].to_owned(), *held)).collect();
        let mut person = PersonFacts::new(PersonId::from_uuid(id(1)));
        person.memberships.push(MembershipFact {
            school,
            kind: MembershipKind::Teaching,
            started_on: day(0),
            ended_on: None,
        });
        for (key, from, length) in &spans {
            person.attributes.push(AttributeFact {
                key: KEYS[*key].to_owned(),
                from: noon(*from),
                until: length.map(|length| noon(from + length)),
            });
        }
        for ask in &asks {
            let at = noon(*ask);
            let held = |key: &str| {
                spans.iter().any(|(k, from, length)| {
                    KEYS[*k] == key && *from <= *ask && length.is_none_or(|length| *ask < from + length)
                })
            };
            let owes = requires.iter().all(|(key, wanted)| held(KEYS[*key]) == *wanted);
            let states = states_at(std::slice::from_ref(&policy), &person, at, day(*ask));
            prop_assert_eq!(!states.is_empty(), owes, "ask {} requires {:?}", ask, requires);
        }
    }
}

#[test]
fn kcsie_part_one_and_annex_a_split_staff_by_one_attribute() {
    let school = SchoolId::from_uuid(id(2));
    let mut part_one = policy(None, Vec::new(), school);
    part_one.requires = vec![("works_with_children".to_owned(), true)];
    let mut annex_a = policy(None, Vec::new(), school);
    annex_a.id = PolicyId::from_uuid(id(20));
    annex_a.requires = vec![("works_with_children".to_owned(), false)];
    let mut person = PersonFacts::new(PersonId::from_uuid(id(1)));
    person.memberships.push(MembershipFact {
        school,
        kind: MembershipKind::Support,
        started_on: day(0),
        ended_on: None,
    });
    let owed = |person: &PersonFacts, at: u64| -> Vec<PolicyId> {
        states_at(
            &[part_one.clone(), annex_a.clone()],
            person,
            noon(at),
            day(at),
        )
        .into_iter()
        .map(|state| state.policy)
        .collect()
    };
    assert_eq!(
        owed(&person, 5),
        vec![annex_a.id],
        "without the attribute: Annex A"
    );
    person.attributes.push(AttributeFact {
        key: "works_with_children".to_owned(),
        from: noon(10),
        until: None,
    });
    assert_eq!(owed(&person, 5), vec![annex_a.id], "before it was set");
    assert_eq!(
        owed(&person, 10),
        vec![part_one.id],
        "from the instant it is set: Part one"
    );
}

//! The set-based compliance SQL agrees with the domain's rules (`attest_domain::standing`)
//! for randomly generated people: joining and leaving, signing old and new versions,
//! re-sign-required versions, exemptions, audiences, and any `asOf` instant.

use std::collections::{BTreeMap, HashMap};

use attest_domain::{
    ComplianceStatus, Decision, LastSignature, MembershipKind, PersonId, PersonName, PolicyKind,
    ResignRequired, ResignSchedule, SchoolName, SigningFacts, SigningMethod, Slug, TrustName,
    VersionState, standing,
};
use attest_store::{
    Acceptances, Compliance, ComplianceQuery, Exemptions, Memberships, NewAcceptance, NewExemption,
    NewMembership, NewPerson, NewPolicy, NewPolicyVersion, NewSchool, NewTrust, People, Policies,
    PolicySettings, PolicyVersions, Schools, StateChange, Trusts,
};
use attest_test_support::TestDatabase;
use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const GRACE: u32 = 10;

#[derive(Debug, Clone)]
struct Scenario {
    kind: usize,
    joined: u64,
    left: Option<u64>,
    /// (day, sign version 2 rather than 1 when it exists)
    signatures: Vec<(u64, bool)>,
    exemption: Option<(u64, u64)>,
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        0..3_usize,
        0..120_u64,
        proptest::option::of(0..200_u64),
        proptest::collection::vec((0..200_u64, any::<bool>()), 0..4),
        proptest::option::of((0..200_u64, 0..60_u64)),
    )
        .prop_map(|(kind, joined, left, mut signatures, exemption)| {
            signatures.sort_unstable();
            Scenario {
                kind,
                joined,
                left: left.map(|l| joined + 1 + l),
                signatures,
                exemption,
            }
        })
}

#[derive(Debug, Clone)]
struct World {
    /// Day version 2 is published (after version 1 on day 0), and whether it requires
    /// everyone to sign again.
    v2: Option<(u64, bool)>,
    schedule: ResignSchedule,
    people: Vec<Scenario>,
    /// The instants asked about, as days after day 0.
    ask: Vec<u64>,
}

fn world() -> impl Strategy<Value = World> {
    (
        proptest::option::of((1..150_u64, any::<bool>())),
        prop_oneof![
            (1..13_u32).prop_map(|m| ResignSchedule::EveryMonths { months: m }),
            (1..13_u32, 1..29_u32)
                .prop_map(|(m, d)| ResignSchedule::AnnuallyOn { month: m, day: d }),
            Just(ResignSchedule::OnNewVersion),
        ],
        proptest::collection::vec(scenario(), 8..20),
        proptest::collection::vec(0..400_u64, 3),
    )
        .prop_map(|(v2, schedule, people, ask)| World {
            v2,
            schedule,
            people,
            ask,
        })
}

const KINDS: [MembershipKind; 3] = [
    MembershipKind::Teaching,
    MembershipKind::Support,
    MembershipKind::Visitor,
];

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6).expect("valid") + Days::new(offset)
}

/// Noon UTC on the day: the same day in England all year round.
fn noon(offset: u64) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day(offset).and_hms_opt(12, 0, 0).expect("valid"))
}

/// What the domain says, from the scenario alone.
fn expected(world: &World, person: &Scenario, ask: u64) -> Option<ComplianceStatus> {
    if KINDS[person.kind] == MembershipKind::Visitor {
        return None; // not in the audience
    }
    let active = person.joined <= ask && person.left.is_none_or(|left| ask < left);
    if !active {
        return None;
    }
    let v2 = world.v2.filter(|(published, _)| *published <= ask);
    let last = person
        .signatures
        .iter()
        .rev()
        .find(|(on, _)| *on <= ask)
        .map(|(on, second)| LastSignature {
            on: day(*on),
            version: if *second && world.v2.is_some_and(|(p, _)| p <= *on) {
                2
            } else {
                1
            },
            renew_on: world.schedule.next_after(day(*on)),
        });
    let facts = SigningFacts {
        obliged_since: day(person.joined),
        last_signature: last,
        resign_required: v2.filter(|(_, required)| *required).map(|(published, _)| {
            ResignRequired {
                version: 2,
                since: day(published),
            }
        }),
        exempt_until: person
            .exemption
            .filter(|(start, _)| *start <= ask)
            .map(|(start, length)| day(start + length)),
    };
    Some(standing(GRACE, &facts, day(ask)).status)
}

async fn check(world: World) -> Result<(), TestCaseError> {
    let database = TestDatabase::migrated().await.expect("database");
    let db = database.db().clone();
    let trust = Trusts::create(
        &db,
        NewTrust {
            slug: Slug::parse("prop").expect("slug"),
            name: TrustName::parse("Prop").expect("name"),
            created_at: noon(0),
        },
    )
    .await
    .expect("trust");
    let scope = attest_test_support::principals::operator(trust.id).scope();
    let school = Schools::new(&db, &scope)
        .insert(NewSchool {
            name: SchoolName::parse("School").expect("name"),
            slug: Slug::parse("school").expect("slug"),
            urn: None,
            at: noon(0),
        })
        .await
        .expect("school");
    let policies = Policies::new(&db, &scope);
    let policy = policies
        .insert(NewPolicy {
            school: Some(school.id),
            kind: PolicyKind::School,
            title: "AUP".to_owned(),
            template: None,
            at: noon(0),
        })
        .await
        .expect("policy");
    policies
        .set_signing_rules(policy.id, world.schedule, GRACE, noon(0))
        .await
        .expect("rules");
    let mut settings = PolicySettings::new(&db, &scope)
        .get(policy.id, school.id)
        .await
        .expect("settings");
    settings.audience = vec![MembershipKind::Teaching, MembershipKind::Support];
    PolicySettings::new(&db, &scope)
        .save(&settings, noon(0))
        .await
        .expect("audience");
    let document = attest_document::parse("AUP\n\n- 1.1. I will be careful.\n").expect("parses");
    let versions = PolicyVersions::new(&db, &scope);
    let mut published = Vec::new();
    let mut publish_days = vec![(0, false)];
    publish_days.extend(world.v2);
    for (n, (on, required)) in publish_days.iter().enumerate() {
        let version = versions
            .insert(NewPolicyVersion {
                policy: policy.id,
                source: String::new(),
                document: document.clone(),
                based_on: None,
                review_cycle_months: None,
                next_review_on: None,
                at: noon(*on),
            })
            .await
            .expect("version");
        if n > 0 {
            versions
                .change_state(
                    published[n - 1],
                    StateChange {
                        from: VersionState::Published,
                        to: VersionState::Superseded,
                        content_hash: None,
                        resign_required: None,
                        change_note: None,
                        at: noon(*on),
                        on: None,
                    },
                )
                .await
                .expect("supersede");
        }
        versions
            .change_state(
                version.id,
                StateChange {
                    from: VersionState::Draft,
                    to: VersionState::Published,
                    content_hash: Some("hash".to_owned()),
                    resign_required: Some(*required),
                    change_note: None,
                    at: noon(*on),
                    on: Some(day(*on)),
                },
            )
            .await
            .expect("publish");
        published.push(version.id);
    }

    // Every event in time order, so the chain's order is the order of signing.
    let mut ids: Vec<PersonId> = Vec::new();
    let mut signings: Vec<(u64, usize, bool)> = Vec::new();
    for (n, person) in world.people.iter().enumerate() {
        let created = People::new(&db, &scope)
            .insert(NewPerson {
                full_name: PersonName::parse(&format!("Person {n:03}")).expect("name"),
                email: None,
                at: noon(0),
            })
            .await
            .expect("person");
        let membership = Memberships::new(&db, &scope)
            .insert(NewMembership {
                person: created.id,
                school: school.id,
                kind: KINDS[person.kind],
                job_title: None,
                started_on: day(person.joined),
                at: noon(0),
            })
            .await
            .expect("membership");
        if let Some(left) = person.left {
            Memberships::new(&db, &scope)
                .end(membership.id, day(left), noon(0))
                .await
                .expect("leave");
        }
        if let Some((start, length)) = person.exemption {
            Exemptions::new(&db, &scope)
                .insert(NewExemption {
                    person: created.id,
                    policy: Some(policy.id),
                    reason: "leave".to_owned(),
                    starts_on: day(start),
                    ends_on: day(start + length),
                    granted_by_kind: "operator",
                    granted_by: None,
                    at: noon(0),
                })
                .await
                .expect("exemption");
        }
        for (on, second) in &person.signatures {
            signings.push((*on, n, *second));
        }
        ids.push(created.id);
    }
    signings.sort_unstable();
    for (on, n, second) in signings {
        let version = if second && world.v2.is_some_and(|(p, _)| p <= on) {
            published[1]
        } else {
            published[0]
        };
        Acceptances::new(&db, &scope)
            .append(NewAcceptance {
                person: ids[n],
                policy: policy.id,
                version,
                school: school.id,
                decision: Decision::Accepted,
                content_hash: "hash".to_owned(),
                audience_kind: KINDS[world.people[n].kind],
                variables: BTreeMap::new(),
                typed_name: format!("Person {n:03}"),
                role: "Teacher".to_owned(),
                answers: BTreeMap::new(),
                method: SigningMethod::Sso,
                recorded_by: None,
                note: None,
                decline_reason: None,
                signed_at: noon(on),
                signed_on: day(on),
                renew_on: world.schedule.next_after(day(on)),
                ip: None,
                user_agent: None,
                identity: attest_domain::SignerIdentity::Direct,
                viewed: None,
                changes_shown: None,
                completion: None,
                salt: "00".repeat(32),
            })
            .await
            .expect("acceptance");
    }

    let compliance = Compliance::new(&db, &scope);
    for ask in &world.ask {
        let query = ComplianceQuery::at(noon(*ask), day(*ask));
        let rows = compliance.page(&query, None, 1_000).await.expect("page");
        let found: HashMap<PersonId, ComplianceStatus> =
            rows.iter().map(|row| (row.person, row.status)).collect();
        for (n, person) in world.people.iter().enumerate() {
            prop_assert_eq!(
                found.get(&ids[n]).copied(),
                expected(&world, person, *ask),
                "person {} {:?} asked on day {} with v2 {:?} and {:?}",
                n,
                person,
                ask,
                world.v2,
                world.schedule
            );
        }
        let counts = compliance.counts(&query, true).await.expect("counts");
        let trust_total: u64 = counts
            .iter()
            .filter(|count| count.school.is_none())
            .map(|count| count.count)
            .sum();
        prop_assert_eq!(trust_total, rows.len() as u64);
    }
    Ok(())
}

#[test]
fn sql_statuses_match_the_domain_rules() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let cases = if std::env::var("ATTEST_TEST_DATABASE_URL").is_ok() {
        12
    } else {
        24
    };
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&world(), |world| runtime.block_on(check(world)))
        .expect("the SQL and the domain agree");
}

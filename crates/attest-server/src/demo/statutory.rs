//! The demo trust's statutory items beside its AUPs: KCSIE Part one (for those who work
//! directly with children, with a check of understanding) and Annex A (for everyone
//! else), safeguarding and online-safety training renewed yearly (recorded from an
//! INSET day's register and from a provider's file) and the RPA's cyber-security
//! training; most staff up to date, some not.

use std::collections::BTreeMap;

use anyhow::Context as _;
use attest_app::{
    App, CertificateUpload, CompletionImport, ComplianceFilter, ImportPolicy, ManualClock,
    NewTrainingSession, Origin, Publish, SignPolicy, TrainingCompletion,
};
use attest_domain::{
    CheckQuestion, MembershipKind, ObligationKind, PersonId, PolicyId, PolicyKind, Principal,
    ResignSchedule,
};
use chrono::Duration;

const PART_ONE: &str = "# Keeping Children Safe in Education 2026: Part one\n\n\
## Safeguarding information for all staff\n\n\
1. Everyone who comes into contact with children and their families has a role to play in safeguarding.\n\
2. If you have any concern about a child's welfare, act on it immediately: speak to the designated safeguarding lead.\n\
3. Anyone can make a referral to children's social care.\n\
4. Appropriate filtering and monitoring protects children online; tell the DSL about anything that gets through.\n";

const ANNEX_A: &str = "# Keeping Children Safe in Education 2026: Annex A\n\n\
## Safeguarding information for school and college staff who do not work directly with children\n\n\
1. Safeguarding is everyone's responsibility.\n\
2. If you have a concern about a child, speak to the designated safeguarding lead straight away.\n";

const SAFEGUARDING: &str = "# Safeguarding and child protection training\n\n\
## The course\n\n\
1. Every member of staff completes safeguarding training each year, including filtering and monitoring.\n";

const ONLINE_SAFETY: &str = "# Online safety training\n\n\
## The course\n\n\
1. Online safety, filtering and monitoring: what staff watch for and whom they tell.\n";

const CYBER: &str = "# Cyber security training (Risk Protection Arrangement)\n\n\
## The course\n\n\
1. The NCSC's training for school staff, completed by everyone with a trust account each year.\n";

fn check() -> Vec<CheckQuestion> {
    let question = |prompt: &str, options: &[&str], correct: usize| CheckQuestion {
        prompt: prompt.to_owned(),
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        correct,
    };
    vec![
        question(
            "You are worried about a child. Whom do you tell?",
            &[
                "A colleague you trust",
                "The designated safeguarding lead",
                "Nobody until you are sure",
            ],
            1,
        ),
        question(
            "Who can make a referral to children's social care?",
            &["Anyone", "Only the headteacher"],
            0,
        ),
        question(
            "Something inappropriate got through the school's filtering. What do you do?",
            &[
                "Tell the designated safeguarding lead",
                "Close the page and move on",
            ],
            0,
        ),
    ]
}

/// A published trust-wide item of `obligation` kind.
async fn item(
    app: &App,
    operator: &Principal,
    (text, obligation): (&str, ObligationKind),
    check: Option<Vec<CheckQuestion>>,
) -> anyhow::Result<PolicyId> {
    let draft = app
        .import_policy(
            operator,
            ImportPolicy {
                file: text.as_bytes().to_vec(),
                field: "text",
                file_name: None,
                title: None,
                kind: PolicyKind::TrustLocked,
                school: None,
                policy: None,
                obligation,
            },
        )
        .await?;
    if let Some(questions) = check {
        app.set_understanding_check(operator, draft.version.id, questions, 2)
            .await?;
    }
    if obligation == ObligationKind::Training {
        app.set_signing_rules(
            operator,
            draft.policy.id,
            ResignSchedule::EveryMonths { months: 12 },
            30,
        )
        .await?;
    }
    app.publish_version(
        operator,
        draft.version.id,
        Publish {
            resign_required: false,
            change_note: None,
        },
    )
    .await?;
    Ok(draft.policy.id)
}

/// Publishes the items 49 days before `now` and records a term of reading and training
/// (the clock only moves forward).
pub async fn seed_statutory(
    past: &App,
    clock: &ManualClock,
    operator: &Principal,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<usize> {
    clock.set(now - Duration::days(49));
    past.define_attribute(
        operator,
        "works_with_children",
        "Works directly with children",
        Some("Reads KCSIE Part one; everyone else reads Annex A"),
        None,
    )
    .await?;
    // Teachers and teaching assistants work with children; office and site staff do not.
    let people = past
        .compliance_all(operator, ComplianceFilter::default())
        .await?;
    let mut kinds: BTreeMap<PersonId, MembershipKind> = BTreeMap::new();
    for row in &people {
        kinds.entry(row.person).or_insert(row.kind);
    }
    for (person, kind) in &kinds {
        if matches!(kind, MembershipKind::Teaching | MembershipKind::Leadership) {
            past.set_person_attributes(
                operator,
                *person,
                BTreeMap::from([("works_with_children".to_owned(), true)]),
            )
            .await?;
        }
    }
    let part_one = item(
        past,
        operator,
        (PART_ONE, ObligationKind::Read),
        Some(check()),
    )
    .await?;
    let annex_a = item(past, operator, (ANNEX_A, ObligationKind::Read), None).await?;
    past.set_policy_conditions(
        operator,
        part_one,
        BTreeMap::from([("works_with_children".to_owned(), true)]),
    )
    .await?;
    past.set_policy_conditions(
        operator,
        annex_a,
        BTreeMap::from([("works_with_children".to_owned(), false)]),
    )
    .await?;
    let safeguarding = item(
        past,
        operator,
        (SAFEGUARDING, ObligationKind::Training),
        None,
    )
    .await?;
    let online = item(
        past,
        operator,
        (ONLINE_SAFETY, ObligationKind::Training),
        None,
    )
    .await?;
    let cyber = item(past, operator, (CYBER, ObligationKind::Training), None).await?;

    let origin = Origin {
        ip: Some("192.0.2.10".to_owned()),
        user_agent: Some("attest demo (simulated sign-in)".to_owned()),
    };
    clock.set(now - Duration::days(48));
    let owed = past
        .compliance_all(operator, ComplianceFilter::default())
        .await?;
    let mut recorded = 0;
    // Most read their KCSIE and pass the check (one fails first, then passes).
    for (n, row) in owed
        .iter()
        .filter(|row| row.obligation == ObligationKind::Read)
        .enumerate()
    {
        if n % 5 == 4 {
            continue;
        }
        let signer = past.demo_signer(operator.trust(), row.person).await?;
        let form = past
            .signing_form(&signer, row.current_version_id, Some(row.school))
            .await?;
        let understanding = if row.policy == part_one {
            vec![1, 0, 0]
        } else {
            Vec::new()
        };
        if n == 0 && row.policy == part_one {
            let failed = past
                .sign_policy(
                    &signer,
                    sign(&form, row.school, vec![0, 1, 1]),
                    origin.clone(),
                )
                .await;
            anyhow::ensure!(
                failed.is_err(),
                "a failed check of understanding is refused"
            );
        }
        past.sign_policy(
            &signer,
            sign(&form, row.school, understanding),
            origin.clone(),
        )
        .await?;
        recorded += 1;
    }
    // Safeguarding at each school's INSET day: everyone but a few on the register.
    let mut registers: BTreeMap<attest_domain::SchoolId, Vec<PersonId>> = BTreeMap::new();
    for (n, row) in owed
        .iter()
        .filter(|row| row.policy == safeguarding)
        .enumerate()
    {
        if n % 6 != 5 {
            registers.entry(row.school).or_default().push(row.person);
        }
    }
    for (school, attendees) in registers {
        let session = past
            .record_training_session(
                operator,
                NewTrainingSession {
                    policy: safeguarding,
                    school,
                    held_on: (now - Duration::days(52)).date_naive(),
                    trainer: "The trust's designated safeguarding lead".to_owned(),
                    note: Some("September INSET day".to_owned()),
                    attendees,
                },
            )
            .await?;
        recorded += session.attendees.len();
    }
    // Online safety from the provider's file, imported a few days later: a year ago
    // for some, so now due again.
    clock.set(now - Duration::days(45));
    let mut file = String::from("Learner,Email Address,Date Completed,Certificate Number\n");
    for (n, row) in owed.iter().filter(|row| row.policy == online).enumerate() {
        let Some(email) = &row.email else { continue };
        let completed = match n % 5 {
            0 => now - Duration::days(370),
            4 => continue,
            _ => now - Duration::days(48),
        };
        file.push_str(&format!(
            "{},{email},{},NC-{n:04}\n",
            row.full_name.replace(',', " "),
            completed.format("%d/%m/%Y")
        ));
    }
    let imported = past
        .import_training_completions(
            operator,
            CompletionImport {
                policy: online,
                provider: "National College".to_owned(),
                file: file.into_bytes(),
            },
        )
        .await?;
    recorded += imported.import.recorded as usize;
    // The NCSC's cyber-security training, from the same provider: most have done it.
    let mut file = String::from("email,completed_on\n");
    for (n, row) in owed.iter().filter(|row| row.policy == cyber).enumerate() {
        if let (Some(email), true) = (&row.email, n % 6 != 5) {
            file.push_str(&format!(
                "{email},{}\n",
                (now - Duration::days(46)).format("%Y-%m-%d")
            ));
        }
    }
    let imported = past
        .import_training_completions(
            operator,
            CompletionImport {
                policy: cyber,
                provider: "NCSC (via the trust's learning platform)".to_owned(),
                file: file.into_bytes(),
            },
        )
        .await?;
    recorded += imported.import.recorded as usize;
    // One certificate, uploaded by the office.
    let first = owed
        .iter()
        .find(|row| row.policy == online)
        .context("someone owes online safety")?;
    past.record_training_completion(
        operator,
        TrainingCompletion {
            person: first.person,
            policy: online,
            school: Some(first.school),
            completed_on: (now - Duration::days(47)).date_naive(),
            certificate: CertificateUpload {
                file_name: "online-safety-certificate.pdf".to_owned(),
                bytes: b"%PDF-1.4\n% attest demo certificate\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec(),
            },
            note: Some("Completed with a previous employer".to_owned()),
        },
    )
    .await?;
    Ok(recorded + 1)
}

fn sign(
    form: &attest_app::SigningForm,
    school: attest_domain::SchoolId,
    understanding: Vec<usize>,
) -> SignPolicy {
    SignPolicy {
        version: form.version,
        school: Some(school),
        content_hash: form.content_hash.clone(),
        typed_name: form.person_name.clone(),
        role: None,
        answers: form
            .questions
            .iter()
            .map(|q| {
                (
                    q.key.clone(),
                    q.options
                        .first()
                        .cloned()
                        .unwrap_or_else(|| "Yes".to_owned()),
                )
            })
            .collect(),
        view: form.view,
        understanding,
    }
}

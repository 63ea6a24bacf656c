//! The demo trust's directory: five schools (the sample AUPs'), staff, governors and
//! volunteers, admins and a DPO, and each school's AUP imported and published.

use attest_app::{App, ImportPolicy, NewPersonMembership, PersonInput, Publish, SchoolInput};
use attest_domain::PolicyKind;
use chrono::Duration;

use super::DemoTrust;

/// The schools of the five sample AUPs. The fifth sample names no school.
const SCHOOLS: [(&str, &str); 5] = [
    ("Wessex Gardens Primary School", "900001"),
    ("Kensington Primary School", "900002"),
    ("The Willows School", "900003"),
    ("Cleves Primary School", "900004"),
    ("Hillside Primary School", "900005"),
];

const GIVEN: [&str; 20] = [
    "Amira", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hamza", "Isla", "Jack", "Kemi",
    "Leo", "Maya", "Noah", "Olivia", "Priya", "Quinn", "Rosa", "Sam", "Tariq",
];
const FAMILY: [&str; 16] = [
    "Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Morgan", "Nowak", "Okafor", "Patel",
];
/// One school's people: kind and job title.
const STAFFING: [(&str, &str); 8] = [
    ("leadership", "Headteacher"),
    ("teaching", "Class Teacher"),
    ("teaching", "Class Teacher"),
    ("teaching", "SENCo"),
    ("support", "Teaching Assistant"),
    ("support", "School Business Manager"),
    ("governor", "Chair of Governors"),
    ("volunteer", "Reading Volunteer"),
];

/// The trust, its schools, people, roles, published policies and an admin token.
pub(super) async fn seed_directory(app: &App) -> anyhow::Result<DemoTrust> {
    let trust = app.create_trust("Demo Learning Trust", "demo").await?;
    let operator = app.operator_for(trust.slug.as_str()).await?;
    let mut people = 0;
    let mut cast = super::Cast::default();
    for (index, (name, urn)) in SCHOOLS.iter().enumerate() {
        let school = app
            .create_school(
                &operator,
                SchoolInput {
                    name: (*name).to_owned(),
                    slug: None,
                    urn: Some((*urn).to_owned()),
                },
            )
            .await?;
        publish_sample(app, &operator, school.id, index).await?;
        cast.schools.push(school.id);
        for (offset, (kind, title)) in STAFFING.iter().enumerate() {
            let n = index * STAFFING.len() + offset;
            let (given, family) = (
                GIVEN[n % GIVEN.len()],
                FAMILY[(n * 7 + index) % FAMILY.len()],
            );
            let email = format!(
                "{}.{}@{}.sch.uk",
                given.to_lowercase(),
                family.to_lowercase(),
                school.slug
            );
            let person = app
                .upsert_person(
                    &operator,
                    PersonInput {
                        id: None,
                        full_name: format!("{given} {family}"),
                        email: Some(email),
                        membership: Some(NewPersonMembership {
                            school: school.id,
                            kind: (*kind).to_owned(),
                            job_title: Some((*title).to_owned()),
                            started_on: Some(app.today() - Duration::days(400)),
                        }),
                    },
                )
                .await?
                .person;
            people += 1;
            if *kind == "leadership" {
                app.grant_role(&operator, person.id, "school_admin", Some(school.id))
                    .await?;
                cast.school_admin.get_or_insert(person.id);
            }
            if index == 0 && *title == "School Business Manager" {
                app.grant_role(&operator, person.id, "dpo", None).await?;
                cast.dpo = Some(person.id);
            }
            if index == 1 && *title == "Teaching Assistant" {
                cast.reporter = Some(person.id);
            }
            if index == 0 && *kind == "governor" {
                cast.governor = Some(person.id);
            }
        }
    }
    // Trust IT: a person of the central team (attached to the first school), so that
    // the trust's pages can be walked through as them.
    let it = app
        .upsert_person(
            &operator,
            PersonInput {
                id: None,
                full_name: "Tom Trust-IT".to_owned(),
                email: Some("it@demo-trust.org.uk".to_owned()),
                membership: Some(NewPersonMembership {
                    school: cast.schools[0],
                    kind: "support".to_owned(),
                    job_title: Some("Trust IT Manager".to_owned()),
                    started_on: Some(app.today() - Duration::days(400)),
                }),
            },
        )
        .await?
        .person;
    app.grant_role(&operator, it.id, "trust_admin", None)
        .await?;
    cast.trust_admin = Some(it.id);
    people += 1;
    let token = app
        .issue_api_token(
            &operator,
            "demo admin",
            "trust_admin",
            None,
            attest_app::TokenExpiry::Default,
        )
        .await?;
    Ok(DemoTrust {
        trust_slug: trust.slug.to_string(),
        admin_token: token.secret,
        schools: SCHOOLS.len(),
        people,
        policies: SCHOOLS.len(),
        signatures: 0,
        signing_link: None,
        sign_in_links: Vec::new(),
        breaches: 0,
        requests: 0,
        cast,
    })
}

/// The school's sample AUP, imported, with each placeholder given the value the
/// sample itself shows, and published.
async fn publish_sample(
    app: &App,
    operator: &attest_domain::Principal,
    school: attest_domain::SchoolId,
    index: usize,
) -> anyhow::Result<()> {
    let (_, text) = attest_document::samples::ALL[index];
    let imported = app
        .import_policy(
            operator,
            ImportPolicy {
                file: text.as_bytes().to_vec(),
                field: "file",
                file_name: Some(attest_document::samples::ALL[index].0.to_owned()),
                title: None,
                kind: PolicyKind::School,
                school: Some(school),
                obligation: attest_domain::ObligationKind::Sign,
                policy: None,
            },
        )
        .await?;
    let values = imported
        .version
        .document
        .placeholders
        .iter()
        .map(|p| (p.key.clone(), p.label.clone()))
        .collect();
    app.set_school_variables(operator, imported.policy.id, school, values, None)
        .await?;
    let publish = Publish {
        resign_required: true,
        change_note: Some("Imported from the school's AUP".to_owned()),
    };
    app.publish_version(operator, imported.version.id, publish)
        .await?;
    Ok(())
}

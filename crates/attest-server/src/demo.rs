//! `attest demo`: a fresh SQLite file with a demo trust (the five sample AUPs' schools,
//! their staff, governors and volunteers, and an admin token), then the server.

use std::net::TcpListener;

use anyhow::Context as _;
use attest_app::{App, ImportPolicy, NewPersonMembership, PersonInput, Publish, SchoolInput};
use attest_domain::PolicyKind;

use crate::cli::{DemoArgs, open_app};
use crate::config::Config;
use crate::http::ServerSettings;

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

pub struct DemoTrust {
    pub trust_slug: String,
    pub admin_token: String,
    pub schools: usize,
    pub people: usize,
    pub policies: usize,
}

/// Fills an empty database with the demo trust.
pub async fn seed(app: &App) -> anyhow::Result<DemoTrust> {
    let trust = app.create_trust("Demo Learning Trust", "demo").await?;
    let operator = app.operator_for(trust.slug.as_str()).await?;
    let mut people = 0;
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
                            started_on: chrono::NaiveDate::from_ymd_opt(2024, 9, 1),
                        }),
                    },
                )
                .await?
                .person;
            people += 1;
            if *kind == "leadership" {
                app.grant_role(&operator, person.id, "school_admin", Some(school.id))
                    .await?;
            }
            if index == 0 && *title == "School Business Manager" {
                app.grant_role(&operator, person.id, "dpo", None).await?;
            }
        }
    }
    let token = app
        .issue_api_token(&operator, "demo admin", "trust_admin", None, None)
        .await?;
    Ok(DemoTrust {
        trust_slug: trust.slug.to_string(),
        admin_token: token.secret,
        schools: SCHOOLS.len(),
        people,
        policies: SCHOOLS.len(),
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
                text: text.to_owned(),
                title: None,
                kind: PolicyKind::School,
                school: Some(school),
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

fn remove_database(path: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error).with_context(|| format!("cannot remove {}", file.display()));
            }
        }
    }
    Ok(())
}

pub async fn run(mut config: Config, args: DemoArgs) -> anyhow::Result<()> {
    remove_database(&args.database)?;
    config.database_url = format!("sqlite://{}?mode=rwc", args.database.display());
    config.graphql.introspection = true;
    config.graphql.graphiql = true;
    let app = open_app(&config).await?;
    let demo = seed(&app).await?;
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    println!("attest demo is running");
    println!();
    println!(
        "  trust:      Demo Learning Trust ({}), {} schools, {} people, {} published AUPs",
        demo.trust_slug, demo.schools, demo.people, demo.policies
    );
    println!("  database:   {}", args.database.display());
    println!("  GraphQL:    http://{address}/graphql");
    println!("  GraphiQL:   http://{address}/graphiql   (add the header below in its Headers tab)");
    println!("  admin token: {}", demo.admin_token);
    println!();
    println!("  try:");
    println!(
        "  curl -s http://{address}/graphql -H 'Content-Type: application/json' -H 'Authorization: Bearer {}' -d '{{\"query\":\"{{ viewer {{ trust {{ name }} }} schools {{ name urn }} }}\"}}'",
        demo.admin_token
    );
    println!();
    println!("  Ctrl-C stops the server.");
    let settings = ServerSettings {
        graphql: config.graphql.clone(),
        workers: config.workers,
        handle_signals: true,
    };
    crate::http::start(app, settings, listener)?.await?;
    Ok(())
}

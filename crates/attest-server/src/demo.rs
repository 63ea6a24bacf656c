//! `attest demo`: a fresh SQLite file with a demo trust (the five sample AUPs' schools,
//! their staff, governors and volunteers, and an admin token), then the server.

use clap::Args;
use std::net::TcpListener;

use anyhow::Context as _;
use std::sync::Arc;

use attest_app::{
    App, ComplianceFilter, GrantExemption, ImportPolicy, ManualClock, NewPersonMembership, Origin,
    PaperAcceptance, PersonInput, Publish, SchoolInput, SignPolicy,
};
use attest_domain::{PersonId, PolicyKind, PolicyVersionId, Principal, SchoolId};
use chrono::Duration;

use crate::config::Config;
use crate::http::ServerSettings;
use crate::startup::open_app;

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
    pub signatures: usize,
    /// A signing link for someone who has not signed yet.
    pub signing_link: Option<String>,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The SQLite file to create (replaced if it exists).
    #[arg(long, value_name = "FILE", default_value = "attest-demo.db")]
    pub database: std::path::PathBuf,
}

/// Fills an empty database with the demo trust, as it would look after a term: the
/// policies were published 60 days ago, most staff signed in their first weeks (a few
/// on paper), one declined, one is on leave, a new starter is still in their grace
/// period and the rest are overdue.
pub async fn seed(app: &App) -> anyhow::Result<DemoTrust> {
    let now = app.now();
    let clock = Arc::new(ManualClock::new(now - Duration::days(60)));
    let past = app.clone().with_clock(clock.clone());
    let mut demo = seed_directory(&past).await?;
    let operator = past.operator_for(&demo.trust_slug).await?;
    let trust = operator.trust();
    let rows = past
        .compliance_all(&operator, ComplianceFilter::default())
        .await?;
    let origin = Origin {
        ip: Some("192.0.2.10".to_owned()),
        user_agent: Some("attest demo (simulated sign-in)".to_owned()),
    };
    clock.set(now - Duration::days(50));
    let mut signatures = 0;
    let mut unsigned = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let version = past
            .policy_versions(&operator, row.policy)
            .await?
            .into_iter()
            .find(|v| v.state == attest_domain::VersionState::Published)
            .context("a demo policy has no published version")?;
        match n % 8 {
            // Most sign themselves; a few paper forms; some never do.
            0..=3 => {
                sign_as(&past, trust, row.person, version.id, row.school, &origin).await?;
                signatures += 1;
            }
            4 => {
                let form = past
                    .record_paper_acceptance(
                        &operator,
                        PaperAcceptance {
                            person: row.person,
                            version: version.id,
                            school: Some(row.school),
                            typed_name: row.full_name.clone(),
                            role: None,
                            answers: answers_for(&past, trust, row.person, version.id).await?,
                            signed_on: None,
                            note: "Signed at the September INSET day; form in the staff file"
                                .to_owned(),
                        },
                        Origin::default(),
                    )
                    .await?;
                signatures += usize::from(form.seq > 0);
            }
            _ => unsigned.push(row.clone()),
        }
    }
    clock.set(now - Duration::days(5));
    if let Some(row) = unsigned.first() {
        past.grant_exemption(
            &operator,
            GrantExemption {
                person: row.person,
                policy: None,
                reason: "Maternity leave".to_owned(),
                starts_on: None,
                ends_on: (now + Duration::days(120)).date_naive(),
            },
        )
        .await?;
    }
    if let Some(row) = unsigned.get(1) {
        let principal = past.demo_signer(trust, row.person).await?;
        let form = past
            .signing_form(
                &principal,
                version_of(&past, &operator, row.policy).await?,
                Some(row.school),
            )
            .await?;
        past.decline_policy(
            &principal,
            attest_app::DeclinePolicy {
                version: form.version,
                school: Some(row.school),
                content_hash: form.content_hash,
                reason: "I need to talk to the head about the personal devices section first"
                    .to_owned(),
            },
            origin.clone(),
        )
        .await?;
    }
    // A new starter, still within the two weeks' grace.
    if let Some(row) = rows.first() {
        past.upsert_person(
            &operator,
            PersonInput {
                id: None,
                full_name: "Nadia Starter".to_owned(),
                email: Some("nadia.starter@example.sch.uk".to_owned()),
                membership: Some(NewPersonMembership {
                    school: row.school,
                    kind: "teaching".to_owned(),
                    job_title: Some("Newly Qualified Teacher".to_owned()),
                    started_on: Some(past.today()),
                }),
            },
        )
        .await?;
        demo.people += 1;
    }
    let mut signing_link = None;
    if let Some(row) = unsigned.get(2) {
        let sent = past
            .send_magic_link(&operator, row.person, row.policy, None)
            .await?;
        let messages = app.outbox(&operator, None, 1).await?;
        signing_link = messages.first().and_then(|message| {
            message
                .body_text
                .lines()
                .find(|line| line.contains("/sign/"))
                .map(str::to_owned)
        });
        tracing::debug!(link = %sent.link, "demo signing link queued");
    }
    demo.signatures = signatures;
    demo.signing_link = signing_link;
    Ok(demo)
}

async fn version_of(
    app: &App,
    operator: &Principal,
    policy: attest_domain::PolicyId,
) -> anyhow::Result<PolicyVersionId> {
    app.policy_versions(operator, policy)
        .await?
        .into_iter()
        .find(|v| v.state == attest_domain::VersionState::Published)
        .map(|v| v.id)
        .context("a demo policy has no published version")
}

/// The consent answers a demo signer gives: the first option of each question.
async fn answers_for(
    app: &App,
    trust: attest_domain::TrustId,
    person: PersonId,
    version: PolicyVersionId,
) -> anyhow::Result<std::collections::BTreeMap<String, String>> {
    let principal = app.demo_signer(trust, person).await?;
    let form = app.signing_form(&principal, version, None).await?;
    Ok(form
        .questions
        .into_iter()
        .map(|q| {
            (
                q.key,
                q.options
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "Yes".to_owned()),
            )
        })
        .collect())
}

/// Signs as the member of staff would after signing in (the demo has no identity
/// provider, so it acts for them).
async fn sign_as(
    app: &App,
    trust: attest_domain::TrustId,
    person: PersonId,
    version: PolicyVersionId,
    school: SchoolId,
    origin: &Origin,
) -> anyhow::Result<()> {
    let principal = app.demo_signer(trust, person).await?;
    let form = app.signing_form(&principal, version, Some(school)).await?;
    let answers = form
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
        .collect();
    app.sign_policy(
        &principal,
        SignPolicy {
            version,
            school: Some(school),
            content_hash: form.content_hash,
            typed_name: form.person_name,
            role: None,
            answers,
        },
        origin.clone(),
    )
    .await?;
    Ok(())
}

/// The trust, its schools, people, roles, published policies and an admin token.
async fn seed_directory(app: &App) -> anyhow::Result<DemoTrust> {
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
            }
            if index == 0 && *title == "School Business Manager" {
                app.grant_role(&operator, person.id, "dpo", None).await?;
            }
        }
    }
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
    // The demo is served over plain http on this machine.
    config.cookie_secure = false;
    // The demo's providers, if any are added, run on this machine.
    config.allow_local_providers = true;
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    config.public_url = format!("http://{address}");
    // No mail server needed: each email becomes a file next to the database.
    let mail_dir = std::path::PathBuf::from(format!("{}.mail", args.database.display()));
    match std::fs::remove_dir_all(&mail_dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(error).with_context(|| format!("cannot clear {}", mail_dir.display()));
        }
        _ => {}
    }
    config.smtp_url = format!("file://{}", std::path::absolute(&mail_dir)?.display());
    // A key for this demo's database only, so identity providers can be tried.
    if config.secret_key.is_none() {
        config.secret_key = Some(attest_auth::SealingKey::generate()?);
    }
    let app = open_app(&config).await?;
    let demo = seed(&app).await?;
    println!("attest demo is running");
    println!();
    println!(
        "  trust:      Demo Learning Trust ({}), {} schools, {} people, {} published AUPs",
        demo.trust_slug, demo.schools, demo.people, demo.policies
    );
    println!(
        "  signatures: {} (some on paper); others due, overdue, declined or exempt",
        demo.signatures
    );
    println!("  database:   {}", args.database.display());
    println!(
        "  emails:     {} (one .eml file per message; set ATTEST_SMTP_URL for a real server)",
        mail_dir.display()
    );
    println!("  GraphQL:    http://{address}/graphql");
    println!("  GraphiQL:   http://{address}/graphiql   (add the header below in its Headers tab)");
    println!("  admin token: {}", demo.admin_token);
    println!();
    println!("  try:");
    println!(
        "  curl -s http://{address}/graphql -H 'Content-Type: application/json' -H 'Authorization: Bearer {}' -d '{{\"query\":\"{{ viewer {{ trust {{ name }} }} schools {{ name urn }} }}\"}}'",
        demo.admin_token
    );
    if let Some(link) = &demo.signing_link {
        println!("  a signing link (single use): {}", link.trim());
    }
    println!(
        "  compliance: http://{address}/exports/compliance.csv   (with the token), or `attest report compliance --trust demo`"
    );
    println!();
    println!("  Ctrl-C stops the server.");
    let settings = ServerSettings {
        graphql: config.graphql.clone(),
        workers: config.workers,
        handle_signals: true,
        secure_cookies: config.cookie_secure,
        trusted_proxies: crate::http::TrustedProxies::parse(&config.trusted_proxies)
            .map_err(anyhow::Error::msg)?,
    };
    let delivery = crate::startup::spawn_delivery(&config, app.mail_delivery())?;
    let jobs = crate::startup::start_jobs(&config, app.clone()).await?;
    crate::http::start(app, settings, listener)?.await?;
    if let Some(delivery) = delivery {
        delivery.abort();
    }
    if let Some(jobs) = jobs {
        jobs.shutdown().await;
    }
    Ok(())
}

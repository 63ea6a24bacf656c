//! The demo's directory: Microsoft Graph's app-only token and users delta endpoints,
//! served on this machine from the demo trust's own staff (Microsoft cannot be reached
//! from a demo), so that the trust has a directory connection with a history: a first
//! full sync that links everyone, then a delta round with a newcomer. It keeps serving
//! while the demo runs, so `attest sync plan --trust demo` and the nightly sync work too.

use std::net::TcpListener;

use actix_web::{App as ActixApp, HttpRequest, HttpResponse, HttpServer, web};
use anyhow::Context as _;
use attest_app::{App, SyncTrigger};
use attest_domain::{DirectoryInput, MembershipKind, PeopleFilter, RuleInput, SyncRulesInput};
use serde_json::{Value, json};

use super::DemoTrust;

const TENANT: &str = "d3000000-0000-4000-8000-000000000001";

/// The job title each kind of member has in the demo directory (mapped back to the kind
/// by the sync rules).
fn title_of(kind: MembershipKind) -> &'static str {
    match kind {
        MembershipKind::Teaching => "Teacher",
        MembershipKind::Leadership => "Headteacher",
        MembershipKind::Governor => "Governor",
        MembershipKind::Volunteer => "Volunteer",
        MembershipKind::Visitor => "Visitor",
        MembershipKind::Contractor => "Contractor",
        MembershipKind::Support => "Support staff",
    }
}

/// What the directory holds: each round of the delta is one list of users.
struct Directory {
    rounds: Vec<Vec<Value>>,
    base: String,
}

fn user(id: &str, name: &str, email: &str, department: &str, title: &str) -> Value {
    let mut parts = name.splitn(2, ' ');
    json!({
        "id": id, "displayName": name, "givenName": parts.next(), "surname": parts.next(),
        "mail": email, "userPrincipalName": email, "accountEnabled": true,
        "jobTitle": title, "department": department, "officeLocation": null, "employeeId": null,
    })
}

async fn token() -> HttpResponse {
    HttpResponse::Ok()
        .json(json!({ "token_type": "Bearer", "expires_in": 3599, "access_token": "demo" }))
}

async fn delta(request: HttpRequest, directory: web::Data<Directory>) -> HttpResponse {
    let round = request
        .query_string()
        .split('&')
        .find_map(|pair| {
            pair.strip_prefix("$deltatoken=")
                .or_else(|| pair.strip_prefix("%24deltatoken="))
        })
        .and_then(|token| token.parse::<usize>().ok())
        .unwrap_or(0);
    let users = directory.rounds.get(round).cloned().unwrap_or_default();
    HttpResponse::Ok().json(json!({
        "value": users,
        "@odata.deltaLink": format!("{}/v1.0/users/delta?$deltatoken={}", directory.base, round + 1),
    }))
}

/// The demo people as directory users, and a newcomer for the second round.
async fn rounds(app: &App, demo: &DemoTrust) -> anyhow::Result<Vec<Vec<Value>>> {
    let operator = app.operator_for(&demo.trust_slug).await?;
    let schools = app.schools(&operator).await?;
    let mut everyone = Vec::new();
    for school in &schools {
        let department = school
            .urn
            .as_ref()
            .map_or("", |urn| urn.as_str())
            .to_owned();
        for kind in MembershipKind::ALL {
            let filter = PeopleFilter {
                school: Some(school.id),
                kind: Some(kind),
                ..PeopleFilter::default()
            };
            let page = app.people(&operator, filter, 100, None).await?;
            for person in page.people {
                let Some(email) = &person.email else { continue };
                everyone.push(user(
                    &format!("entra-{}", person.id),
                    person.full_name.as_str(),
                    email.as_str(),
                    &department,
                    title_of(kind),
                ));
            }
        }
    }
    let third = schools.get(2).context("the demo has five schools")?;
    let newcomer = user(
        "entra-newcomer-1",
        "Priya Newcomer",
        &format!("priya.newcomer@{}.sch.uk", third.slug),
        third.urn.as_ref().map_or("", |urn| urn.as_str()),
        "Teacher",
    );
    Ok(vec![everyone, vec![newcomer]])
}

fn rules(app_schools: &[attest_domain::School]) -> SyncRulesInput {
    let rule = |field: &str, value: &str, target: &str| RuleInput {
        field: field.to_owned(),
        value: value.to_owned(),
        target: target.to_owned(),
    };
    SyncRulesInput {
        schools: app_schools
            .iter()
            .filter_map(|school| {
                Some(rule(
                    "department",
                    school.urn.as_ref()?.as_str(),
                    school.slug.as_str(),
                ))
            })
            .collect(),
        kinds: MembershipKind::ALL
            .into_iter()
            .map(|kind| rule("job_title", title_of(kind), kind.as_str()))
            .collect(),
        default_kind: Some("support".to_owned()),
        ignore: Vec::new(),
    }
}

/// Starts the demo directory, connects the trust to it and runs two syncs (a full one,
/// then a delta with a newcomer). Returns how many runs the history holds.
pub(super) async fn connect_and_sync(app: &App, demo: &DemoTrust) -> anyhow::Result<usize> {
    let listener = TcpListener::bind("127.0.0.1:0").context("a port for the demo directory")?;
    let base = format!("http://{}", listener.local_addr()?);
    let directory = web::Data::new(Directory {
        rounds: rounds(app, demo).await?,
        base: base.clone(),
    });
    let server = HttpServer::new(move || {
        ActixApp::new()
            .app_data(directory.clone())
            .route(
                &format!("/{TENANT}/oauth2/v2.0/token"),
                web::post().to(token),
            )
            .route("/v1.0/users/delta", web::get().to(delta))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)?
    .run();
    tokio::spawn(server);

    let operator = app.operator_for(&demo.trust_slug).await?;
    app.connect_directory(
        &operator,
        DirectoryInput {
            kind: "microsoft".to_owned(),
            tenant_id: Some(TENANT.to_owned()),
            client_id: Some("attest-demo".to_owned()),
            api_base: Some(format!("{base}/v1.0")),
            token_url: Some(format!("{base}/{TENANT}/oauth2/v2.0/token")),
            ..DirectoryInput::default()
        },
        "demo-secret",
    )
    .await?;
    let schools = app.schools(&operator).await?;
    app.set_sync_rules(&operator, rules(&schools)).await?;
    let mut runs = 0;
    for _ in 0..2 {
        let plan = app.plan_directory_sync(&operator, SyncTrigger::Cli).await?;
        app.apply_directory_sync(&operator, plan.row.id, false)
            .await?;
        runs += 1;
    }
    Ok(runs)
}

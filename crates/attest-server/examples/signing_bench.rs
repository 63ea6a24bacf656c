//! The signing benchmark: a trust like the largest in England (110 schools, 12,000
//! staff, 3 policies each, two years of acceptances), then
//!
//! 1. the compliance SQL run directly (trust summary, one school's first page),
//! 2. `complianceSummary` and a school's `compliance` page over GraphQL, 64 connections,
//! 3. the September rush: 12,000 `signPolicy` calls as fast as they go.
//!
//! Runs on SQLite by default; set `ATTEST_TEST_DATABASE_URL=postgres://…` for PostgreSQL
//! (a fresh database is created and dropped). `BENCH_OBLIGATIONS=statutory` gives
//! everyone five obligations of every kind instead of three signatures: the trust's AUP
//! and their school's (sign), KCSIE (read), safeguarding and online-safety training
//! (training, completions recorded over the same two years). Release build:
//!
//! ```text
//! cargo run --release -p attest-server --example signing_bench -- [seconds per load run]
//! ```

use std::collections::{BTreeMap, HashMap};
use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use attest_app::{App, Publish, SystemClock, TokenExpiry};
use attest_document::{Reader, content_hash};
use attest_domain::{
    Decision, MembershipKind, PersonId, PersonName, PolicyId, PolicyKind, PolicyVersionId,
    Principal, SchoolId, SchoolName, SigningMethod, Slug, VersionState,
};
use attest_server::config::Config;
use attest_server::http::{ServerSettings, start};
use attest_store::{
    Acceptances, ComplianceQuery, Database, MagicLinks, Memberships, NewAcceptance, NewMagicLink,
    NewMembership, NewPerson, NewPolicy, NewPolicyVersion, NewSchool, Obligations, People,
    Policies, PolicySettings, PolicyVersions, Revision, Schools, StateChange, TransactionTrait,
};
use attest_test_support::TestDatabase;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde_json::{Value, json};

const SCHOOLS: usize = 110;
const STAFF: usize = 12_000;
const CONNECTIONS: usize = 64;
const BATCH: usize = 500;
const KINDS: [MembershipKind; 5] = [
    MembershipKind::Teaching,
    MembershipKind::Teaching,
    MembershipKind::Support,
    MembershipKind::Support,
    MembershipKind::Governor,
];

/// A cheap deterministic pseudo-random sequence, so every run builds the same trust.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

struct Generated {
    trust_slug: String,
    people: Vec<(PersonId, SchoolId, String)>,
    schools: Vec<SchoolId>,
    aup: PolicyId,
    acceptances: u64,
}

fn day(now: DateTime<Utc>, days_ago: u64) -> NaiveDate {
    now.date_naive() - Days::new(days_ago)
}

fn at(now: DateTime<Utc>, days_ago: u64) -> DateTime<Utc> {
    now - chrono::Duration::days(i64::try_from(days_ago).unwrap_or(0))
}

/// `BENCH_OBLIGATIONS=statutory`: five obligations of every kind per person.
fn statutory() -> bool {
    std::env::var("BENCH_OBLIGATIONS").as_deref() == Ok("statutory")
}

async fn generate(app: &App, db: &Database, now: DateTime<Utc>) -> anyhow::Result<Generated> {
    let trust = app
        .create_trust("Largest Learning Trust", "largest")
        .await?;
    let operator = attest_test_support::principals::operator(trust.id);
    let scope = operator.scope();
    let mut rng = Lcg(42);

    let txn = db.begin().await?;
    let mut schools = Vec::with_capacity(SCHOOLS);
    for n in 0..SCHOOLS {
        let school = Schools::new(&txn, &scope)
            .insert(NewSchool {
                name: SchoolName::parse(&format!("School {n:03}"))?,
                slug: Slug::parse(&format!("school-{n:03}"))?,
                urn: None,
                at: at(now, 800),
            })
            .await?;
        schools.push(school.id);
    }
    txn.commit().await?;

    // Two trust-wide policies and each school's own AUP: three for everyone; or the
    // statutory set: the AUP, KCSIE to read, two courses, and the school's AUP.
    let samples = attest_document::samples::ALL;
    let mut policies: Vec<(PolicyId, Option<SchoolId>, attest_document::Document)> = Vec::new();
    let txn = db.begin().await?;
    let trust_wide: &[(&str, usize, attest_domain::ObligationKind)] = if statutory() {
        &[
            ("Staff AUP", 1, attest_domain::ObligationKind::Sign),
            (
                "Keeping Children Safe in Education",
                3,
                attest_domain::ObligationKind::Read,
            ),
            (
                "Safeguarding training",
                3,
                attest_domain::ObligationKind::Training,
            ),
            (
                "Online safety training",
                3,
                attest_domain::ObligationKind::Training,
            ),
        ]
    } else {
        &[
            ("Staff AUP", 1, attest_domain::ObligationKind::Sign),
            ("Data protection", 3, attest_domain::ObligationKind::Sign),
        ]
    };
    for (title, sample, obligation) in trust_wide {
        let policy = Policies::new(&txn, &scope)
            .insert(NewPolicy {
                school: None,
                kind: PolicyKind::TrustLocked,
                title: (*title).to_owned(),
                template: None,
                at: at(now, 800),
            })
            .await?;
        Policies::new(&txn, &scope)
            .set_obligation(policy.id, *obligation, at(now, 800))
            .await?;
        policies.push((policy.id, None, attest_document::parse(samples[*sample].1)?));
    }
    for (n, school) in schools.iter().enumerate() {
        let policy = Policies::new(&txn, &scope)
            .insert(NewPolicy {
                school: Some(*school),
                kind: PolicyKind::School,
                title: format!("School {n:03} AUP"),
                template: None,
                at: at(now, 800),
            })
            .await?;
        let sample = [0, 2, 4][n % 3];
        policies.push((
            policy.id,
            Some(*school),
            attest_document::parse(samples[sample].1)?,
        ));
    }
    // Every school's values for every policy's placeholders.
    let mut values: HashMap<(PolicyId, SchoolId), BTreeMap<String, String>> = HashMap::new();
    for (policy, owner, document) in &policies {
        for school in &schools {
            if owner.is_some_and(|owner| owner != *school) {
                continue;
            }
            let variables: BTreeMap<String, String> = document
                .placeholders
                .iter()
                .map(|p| (p.key.clone(), format!("{} ({school})", p.label)))
                .collect();
            let settings = PolicySettings::new(&txn, &scope);
            let mut current = settings.get(*policy, *school).await?;
            current.variables = variables.clone();
            settings.save(&current, at(now, 800)).await?;
            values.insert((*policy, *school), variables);
        }
    }
    // Version 1 two years ago; version 2 (everyone signs again) a year ago.
    let mut versions: HashMap<PolicyId, Vec<PolicyVersionId>> = HashMap::new();
    for (policy, _, document) in &policies {
        for (number, days_ago) in [(1, 730), (2, 365)] {
            let version = PolicyVersions::new(&txn, &scope)
                .insert(NewPolicyVersion {
                    policy: *policy,
                    source: String::new(),
                    document: document.clone(),
                    based_on: None,
                    review_cycle_months: Some(12),
                    next_review_on: None,
                    at: at(now, days_ago),
                })
                .await?;
            if number == 2 {
                let previous = versions[policy][0];
                PolicyVersions::new(&txn, &scope)
                    .change_state(
                        previous,
                        StateChange {
                            from: VersionState::Published,
                            to: VersionState::Superseded,
                            content_hash: None,
                            resign_required: None,
                            change_note: None,
                            at: at(now, days_ago),
                            on: None,
                        },
                    )
                    .await?;
            }
            PolicyVersions::new(&txn, &scope)
                .change_state(
                    version.id,
                    StateChange {
                        from: VersionState::Draft,
                        to: VersionState::Published,
                        content_hash: Some(content_hash(document, &Reader::default()).0),
                        resign_required: Some(true),
                        change_note: None,
                        at: at(now, days_ago),
                        on: Some(day(now, days_ago)),
                    },
                )
                .await?;
            versions.entry(*policy).or_default().push(version.id);
        }
    }
    txn.commit().await?;

    // Staff: most long-serving, some new starters, some leavers.
    let mut people = Vec::with_capacity(STAFF);
    for chunk in (0..STAFF).collect::<Vec<_>>().chunks(BATCH) {
        let txn = db.begin().await?;
        for n in chunk {
            let school = schools[n % SCHOOLS];
            let kind = KINDS[*n % KINDS.len()];
            let name = format!("Staff Member {n:05}");
            let person = People::new(&txn, &scope)
                .insert(NewPerson {
                    full_name: PersonName::parse(&name)?,
                    email: Some(attest_domain::Email::parse(&format!(
                        "staff{n:05}@largest.org.uk"
                    ))?),
                    at: at(now, 800),
                })
                .await?;
            let joined = match rng.next(100) {
                0..=4 => rng.next(30),
                5..=14 => 30 + rng.next(600),
                _ => 760,
            };
            let membership = Memberships::new(&txn, &scope)
                .insert(NewMembership {
                    person: person.id,
                    school,
                    kind,
                    job_title: None,
                    started_on: day(now, joined),
                    at: at(now, joined),
                })
                .await?;
            if rng.next(100) < 3 {
                Memberships::new(&txn, &scope)
                    .end(membership.id, day(now, rng.next(300)), now)
                    .await?;
            }
            people.push((person.id, school, name, kind, joined));
        }
        txn.commit().await?;
    }

    // Two years of signatures, in time order (the chain is in signing order).
    let mut signings: Vec<(u64, usize, usize, usize)> = Vec::new();
    for (n, (_, school, _, _, joined)) in people.iter().enumerate() {
        for (p, (_, owner, _)) in policies.iter().enumerate() {
            if owner.is_some_and(|owner| owner != *school) {
                continue;
            }
            for (round, published_ago) in [(0_usize, 730_u64), (1, 365)] {
                let obliged = published_ago.min(*joined);
                if rng.next(100) < 92 && obliged > 0 {
                    let delay = rng.next(obliged.min(40));
                    signings.push((obliged - delay, n, p, round));
                }
            }
        }
    }
    signings.sort_by_key(|signing| std::cmp::Reverse(signing.0));
    let mut hashes: HashMap<(usize, SchoolId, MembershipKind), String> = HashMap::new();
    let schedule = attest_domain::ResignSchedule::EveryMonths { months: 12 };
    let mut count = 0_u64;
    for chunk in signings.chunks(BATCH) {
        let txn = db.begin().await?;
        let acceptances = Acceptances::new(&txn, &scope);
        for (days_ago, n, p, round) in chunk {
            let (person, school, name, kind, _) = &people[*n];
            let (policy, _, document) = &policies[*p];
            let variables = values.get(&(*policy, *school)).cloned().unwrap_or_default();
            let hash = hashes
                .entry((*p, *school, *kind))
                .or_insert_with(|| {
                    let reader = Reader {
                        variables: Some(&variables),
                        audience: Some(*kind),
                    };
                    content_hash(document, &reader).0
                })
                .clone();
            let answers = attest_document::consent_questions(document, Some(*kind))
                .into_iter()
                .map(|q| (q.key, q.options.first().cloned().unwrap_or_default()))
                .collect();
            let signed_on = day(now, *days_ago);
            acceptances
                .append(NewAcceptance {
                    person: *person,
                    policy: *policy,
                    version: versions[policy][*round],
                    school: *school,
                    decision: Decision::Accepted,
                    content_hash: hash,
                    audience_kind: *kind,
                    variables,
                    typed_name: name.clone(),
                    role: kind.as_str().to_owned(),
                    answers,
                    method: SigningMethod::Sso,
                    recorded_by: None,
                    note: None,
                    decline_reason: None,
                    signed_at: at(now, *days_ago),
                    signed_on,
                    renew_on: schedule.next_after(signed_on),
                    ip: Some("192.0.2.1".to_owned()),
                    user_agent: Some("signing_bench".to_owned()),
                    identity: attest_domain::SignerIdentity::Direct,
                    viewed: None,
                    changes_shown: None,
                    completion: None,
                    salt: attest_auth::commitment_salt()?,
                })
                .await?;
            count += 1;
        }
        txn.commit().await?;
    }
    Ok(Generated {
        trust_slug: "largest".to_owned(),
        people: people
            .into_iter()
            .map(|(id, school, name, _, _)| (id, school, name))
            .collect(),
        schools,
        aup: policies[0].0,
        acceptances: count,
    })
}

/// Every figure of the run, printed at the end as JSON and as a table.
#[derive(Default)]
struct Figures(Vec<(String, Value)>);

impl Figures {
    fn record(&mut self, name: &str, value: impl Into<Value>) {
        self.0.push((name.to_owned(), value.into()));
    }

    fn latencies(&mut self, name: &str, latencies: &Latencies) {
        #[allow(clippy::cast_precision_loss)]
        let rps = latencies.requests as f64 / latencies.elapsed.as_secs_f64();
        self.record(&format!("{name}.requests_per_second"), rps.round());
        self.record(&format!("{name}.p50_ms"), millis(latencies.p50));
        self.record(&format!("{name}.p99_ms"), millis(latencies.p99));
        self.record(&format!("{name}.errors"), latencies.errors);
    }

    fn print(&self, backend: &str) {
        let object: serde_json::Map<String, Value> = self.0.iter().cloned().collect();
        println!("[{backend}] figures as JSON: {}", Value::Object(object));
        println!("| measure ({backend}) | value |\n|---|---|");
        for (name, value) in &self.0 {
            println!("| {name} | {value} |");
        }
    }
}

fn millis(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 10_000.0).round() / 10.0
}

#[derive(Debug)]
struct Latencies {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
}

impl std::fmt::Display for Latencies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        #[allow(clippy::cast_precision_loss)]
        let rps = self.requests as f64 / self.elapsed.as_secs_f64();
        write!(
            f,
            "{} requests in {:.1} s: {rps:.0} req/s, p50 {:.1} ms, p99 {:.1} ms, {} errors",
            self.requests,
            self.elapsed.as_secs_f64(),
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            self.errors
        )
    }
}

fn summarise(mut times: Vec<Duration>, errors: usize, elapsed: Duration) -> Latencies {
    times.sort_unstable();
    let pick = |q: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let index = ((times.len() as f64 - 1.0) * q).round() as usize;
        times.get(index).copied().unwrap_or_default()
    };
    Latencies {
        requests: times.len(),
        errors,
        elapsed,
        p50: pick(0.50),
        p99: pick(0.99),
    }
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: &Value,
) -> anyhow::Result<Value> {
    let mut request = client.post(url).json(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let answer: Value = request.send().await?.json().await?;
    if answer.get("errors").is_some() {
        anyhow::bail!("GraphQL errors: {answer}");
    }
    Ok(answer)
}

/// Runs `CONNECTIONS` clients sending `body` for `seconds`.
async fn load(url: &str, token: &str, body: Value, seconds: u64) -> Latencies {
    let (url, token) = (url.to_owned(), token.to_owned());
    load_with(seconds, move |client| {
        let (url, token, body) = (url.clone(), token.clone(), body.clone());
        async move { post(&client, &url, Some(&token), &body).await.is_ok() }
    })
    .await
}

/// Runs `CONNECTIONS` clients sending GET `url` for `seconds`.
async fn load_get(url: &str, seconds: u64) -> Latencies {
    let url = url.to_owned();
    load_with(seconds, move |client| {
        let url = url.clone();
        async move {
            match client.get(&url).send().await {
                Ok(response) if response.status().is_success() => response.bytes().await.is_ok(),
                _ => false,
            }
        }
    })
    .await
}

/// Runs `CONNECTIONS` clients making `request` (true when it succeeded) for `seconds`.
async fn load_with<F, Fut>(seconds: u64, request: F) -> Latencies
where
    F: Fn(reqwest::Client) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (client, request) = (client.clone(), request.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0;
            while Instant::now() < deadline {
                let start = Instant::now();
                if request(client.clone()).await {
                    times.push(start.elapsed());
                } else {
                    errors += 1;
                }
            }
            (times, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((times, failed)) = task.await {
            all.extend(times);
            errors += failed;
        }
    }
    summarise(all, errors, started.elapsed())
}

/// The school page's SQL run directly by 16 tasks (the pool's size) for `seconds`:
/// what GraphQL's throughput is compared with.
async fn sql_page_throughput(
    db: &Database,
    trust: &Principal,
    school: SchoolId,
    seconds: u64,
) -> f64 {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (db, scope) = (db.clone(), trust.scope());
        tasks.push(tokio::spawn(async move {
            let mut done = 0_u64;
            while Instant::now() < deadline {
                let now = Utc::now();
                let query = ComplianceQuery {
                    school: Some(school),
                    ..ComplianceQuery::at(now, attest_store::school_day(now))
                };
                if Obligations::new(&db, &scope)
                    .page(&query, Revision::Current, None, 51)
                    .await
                    .is_ok()
                {
                    done += 1;
                }
            }
            done
        }));
    }
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap_or_default();
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = total as f64 / started.elapsed().as_secs_f64();
    rate
}

/// Medians of 7: the model's trust summary, a past instant's, a school's first page.
struct SqlTimes {
    summary: Duration,
    summary_past: Duration,
    page: Duration,
}

async fn time_sql(db: &Database, trust: &Principal, school: SchoolId) -> anyhow::Result<SqlTimes> {
    let scope = trust.scope();
    let model = Obligations::new(db, &scope);
    let now = Utc::now();
    let query = ComplianceQuery::at(now, attest_store::school_day(now));
    let past = now - chrono::Duration::days(200);
    let past_query = ComplianceQuery::at(past, attest_store::school_day(past));
    let school_query = ComplianceQuery {
        school: Some(school),
        ..query.clone()
    };
    let mut times: [Vec<Duration>; 3] = Default::default();
    for _ in 0..7 {
        let start = Instant::now();
        model.counts(&query, Revision::Current, true).await?;
        times[0].push(start.elapsed());
        let start = Instant::now();
        model.counts(&past_query, Revision::AsOf, true).await?;
        times[1].push(start.elapsed());
        let start = Instant::now();
        model
            .page(&school_query, Revision::Current, None, 51)
            .await?;
        times[2].push(start.elapsed());
    }
    let [summary, summary_past, page] = times.map(|mut t| {
        t.sort_unstable();
        t[3]
    });
    Ok(SqlTimes {
        summary,
        summary_past,
        page,
    })
}

/// A new version of the trust's AUP that everyone must sign.
async fn publish_september(
    app: &App,
    operator: &Principal,
    aup: PolicyId,
) -> anyhow::Result<PolicyVersionId> {
    let draft = app
        .import_policy(
            operator,
            attest_app::ImportPolicy {
                file: attest_document::samples::ALL[1]
                    .1
                    .replace("I will", "I shall")
                    .into_bytes(),
                field: "text",
                file_name: None,
                title: None,
                kind: PolicyKind::TrustLocked,
                school: None,
                obligation: attest_domain::ObligationKind::Sign,
                policy: Some(aup),
            },
        )
        .await?;
    app.publish_version(
        operator,
        draft.version.id,
        Publish {
            resign_required: true,
            change_note: Some("September update".to_owned()),
        },
    )
    .await?;
    Ok(draft.version.id)
}

/// Everyone now owes the new version: one reminder tick (inside the send window), then
/// the dispatcher delivering what it queued to a real SMTP server (aiosmtpd).
async fn reminders_and_mail(
    app: &App,
    db: &Database,
    backend: &str,
    figures: &mut Figures,
) -> anyhow::Result<()> {
    use std::io::{BufRead, BufReader};
    // The next weekday at 10:00 in England, a day after publishing.
    let mut at = Utc::now() + chrono::Duration::days(1);
    while !attest_domain::SendWindow::default().contains(at) {
        at += chrono::Duration::minutes(30);
    }
    let ticking = App::new(db.clone(), Arc::new(attest_app::FixedClock(at)));
    let started = Instant::now();
    let report = ticking.run_reminders().await?;
    figures.record("reminder_tick.seconds", started.elapsed().as_secs_f64());
    figures.record(
        "reminder_tick.emails",
        report.staff_emails + report.escalation_emails,
    );
    println!(
        "[{backend}] reminder tick for the whole trust: {} emails, {} steps in {:.1} s",
        report.staff_emails + report.escalation_emails,
        report.steps,
        started.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let again = ticking.run_reminders().await?;
    figures.record("reminder_tick_repeat.ms", millis(started.elapsed()));
    println!(
        "[{backend}] the same tick again (nothing new): {} emails in {:.1} s",
        again.staff_emails,
        started.elapsed().as_secs_f64()
    );
    let sink_dir = tempfile::tempdir()?;
    let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let mut sink = std::process::Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../attest-mail/tests/smtp_sink.py"
        ))
        .arg(port.to_string())
        .arg(sink_dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("python3 with aiosmtpd")?;
    let mut ready = String::new();
    if let Some(out) = sink.stdout.take() {
        BufReader::new(out).read_line(&mut ready)?;
    }
    let dispatcher = attest_mail::Dispatcher::new(
        app.mail_delivery(),
        attest_mail::MailTransport::from_url(&format!("smtp://127.0.0.1:{port}"))?,
        attest_mail::DispatchSettings::default(),
    );
    let started = Instant::now();
    let delivered = dispatcher.drain(at).await?;
    let elapsed = started.elapsed();
    #[allow(clippy::cast_precision_loss)]
    let rate = delivered.sent as f64 / elapsed.as_secs_f64();
    figures.record("mail_dispatch.per_second", rate.round());
    println!(
        "[{backend}] dispatcher to aiosmtpd (16 sends in flight): {} sent in {:.1} s: {rate:.0} emails/s",
        delivered.sent,
        elapsed.as_secs_f64()
    );
    let _ = sink.kill();
    let _ = sink.wait();
    Ok(())
}

/// Starts the server on a free port: its GraphQL URL and a handle to stop it.
fn serve(app: &App) -> anyhow::Result<(String, actix_web::dev::ServerHandle)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/graphql", listener.local_addr()?);
    let settings = ServerSettings {
        graphql: Config::default().graphql,
        workers: 2,
        handle_signals: false,
        secure_cookies: false,
        trusted_proxies: attest_server::http::TrustedProxies::default(),
    };
    let server = start(app.clone(), settings, listener)?;
    let handle = server.handle();
    tokio::spawn(server);
    Ok((url, handle))
}

/// `{ viewer { trust { name } } }` against `GET /healthz` in the same run: what
/// authentication and GraphQL cost on top of the server itself.
async fn hot_path(url: &str, admin: &str, seconds: u64, backend: &str, figures: &mut Figures) {
    let health = load_get(&url.replace("/graphql", "/healthz"), seconds).await;
    figures.latencies("healthz", &health);
    let viewer = json!({ "query": "{ viewer { trust { name } } }" });
    let result = load(url, admin, viewer, seconds).await;
    figures.latencies("graphql.viewer_trust_name", &result);
    #[allow(clippy::cast_precision_loss)]
    let ratio = (result.requests as f64 / result.elapsed.as_secs_f64())
        / (health.requests as f64 / health.elapsed.as_secs_f64());
    figures.record(
        "graphql.viewer_share_of_healthz",
        (ratio * 100.0).round() / 100.0,
    );
    println!("[{backend}] GET /healthz, 64 connections: {health}");
    println!(
        "[{backend}] {{ viewer {{ trust {{ name }} }} }}, 64 connections: {result} ({ratio:.2} of /healthz)"
    );
}

/// What the read measures share: the trust, the server and a client.
struct ReadMeasures<'a> {
    app: &'a App,
    db: &'a Database,
    operator: &'a Principal,
    school: SchoolId,
    url: &'a str,
    client: &'a reqwest::Client,
}

impl ReadMeasures<'_> {
    /// The model's SQL, summaries, a school's page and the hot path.
    async fn run(&self, seconds: u64, backend: &str, figures: &mut Figures) -> anyhow::Result<()> {
        let Self {
            app,
            db,
            operator,
            school,
            url,
            client,
        } = *self;
        let sql = time_sql(db, operator, school).await?;
        figures.record("sql.summary_now_ms", millis(sql.summary));
        figures.record("sql.summary_past_ms", millis(sql.summary_past));
        figures.record("sql.school_page_ms", millis(sql.page));
        println!(
            "[{backend}] SQL directly (median of 7): model summary now {:.1} ms, 200 days ago {:.1} ms, a school's first page of 50 {:.1} ms",
            millis(sql.summary),
            millis(sql.summary_past),
            millis(sql.page)
        );

        let admin = app
            .issue_api_token(operator, "bench", "trust_admin", None, TokenExpiry::Never)
            .await?
            .secret;
        let school_admin = app
            .issue_api_token(
                operator,
                "bench school",
                "school_admin",
                Some(school),
                TokenExpiry::Never,
            )
            .await?
            .secret;

        let summary_fields = "overall { total counts { status count percent } byKind { kind total } } schools { schoolId tally { total counts { status count } } }";
        let now_body =
            json!({ "query": format!("{{ complianceSummary {{ {summary_fields} }} }}") });
        // An explicit asOf is never cached: each answer is computed afresh.
        let at_body = |at: DateTime<Utc>| json!({ "query": format!("query($at: DateTime) {{ complianceSummary(asOf: $at) {{ {summary_fields} }} }}"), "variables": { "at": at.to_rfc3339() } });
        post(client, url, Some(&admin), &now_body).await?;
        let mut singles = Vec::new();
        let started = Instant::now();
        for _ in 0..40 {
            let one = Instant::now();
            post(client, url, Some(&admin), &at_body(Utc::now())).await?;
            singles.push(one.elapsed());
        }
        let result = summarise(singles, 0, started.elapsed());
        figures.latencies("graphql.summary_fresh_alone", &result);
        println!("[{backend}] complianceSummary computed afresh, one caller at a time: {result}");
        let past = Utc::now() - chrono::Duration::days(200);
        let mut singles = Vec::new();
        let started = Instant::now();
        for _ in 0..40 {
            let one = Instant::now();
            post(client, url, Some(&admin), &at_body(past)).await?;
            singles.push(one.elapsed());
        }
        let result = summarise(singles, 0, started.elapsed());
        figures.latencies("graphql.summary_past_alone", &result);
        println!(
            "[{backend}] complianceSummary(asOf: 200 days ago), one caller at a time: {result}"
        );
        let result = load(url, &admin, at_body(Utc::now()), seconds).await;
        figures.latencies("graphql.summary_fresh_64", &result);
        println!(
            "[{backend}] complianceSummary computed afresh each time, 64 connections: {result}"
        );
        let result = load(url, &admin, now_body, seconds).await;
        figures.latencies("graphql.summary_now_shared_64", &result);
        println!(
            "[{backend}] complianceSummary for now (shared, up to 5 s old), 64 connections: {result}"
        );
        let result = load(
            url,
            &admin,
            at_body(Utc::now() - chrono::Duration::days(200)),
            seconds,
        )
        .await;
        figures.latencies("graphql.summary_past_64", &result);
        println!("[{backend}] complianceSummary(asOf: 200 days ago), 64 connections: {result}");
        let page_body = json!({ "query": format!("{{ compliance(schoolId: \"{school}\", first: 50) {{ edges {{ node {{ fullName status dueOn policyTitle membershipKind }} }} pageInfo {{ hasNextPage endCursor }} }} }}") });
        post(client, url, Some(&school_admin), &page_body).await?;
        let result = load(url, &school_admin, page_body, seconds).await;
        figures.latencies("graphql.school_page", &result);
        let sql_rate = sql_page_throughput(db, operator, school, seconds).await;
        #[allow(clippy::cast_precision_loss)]
        let graphql_rate = result.requests as f64 / result.elapsed.as_secs_f64();
        figures.record("sql.school_page_per_second", sql_rate.round());
        figures.record(
            "graphql.school_page_share_of_sql",
            (graphql_rate / sql_rate * 100.0).round() / 100.0,
        );
        println!(
            "[{backend}] compliance page (a school, first 50), 64 connections: {result}; the same SQL alone {sql_rate:.0}/s"
        );
        hot_path(url, &admin, seconds, backend, figures).await;
        Ok(())
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::args()
        .nth(1)
        .map(|s| s.parse())
        .transpose()
        .context("seconds per load run")?
        .unwrap_or(15);
    // A fresh database, dropped afterwards; or keep the generated trust in a file with
    // BENCH_SQLITE_FILE=/path/bench.db (to study query plans).
    // BENCH_DATABASE_URL=postgres://…/empty_db keeps a PostgreSQL one the same way.
    let kept = std::env::var("BENCH_SQLITE_FILE")
        .ok()
        .map(|file| format!("sqlite://{file}?mode=rwc"))
        .or_else(|| std::env::var("BENCH_DATABASE_URL").ok());
    let database = match &kept {
        Some(_) => None,
        None => Some(TestDatabase::migrated().await?),
    };
    let url = match (&kept, &database) {
        (Some(url), _) => url.clone(),
        (None, Some(database)) => database.url().to_owned(),
        (None, None) => anyhow::bail!("no database"),
    };
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    let db = attest_store::connect(&url, 16).await?;
    attest_store::migrate(&db).await?;
    let app = App::new(db.clone(), Arc::new(SystemClock));
    let now = Utc::now();

    if std::env::var("BENCH_ONLY").as_deref() == Ok("hot_path") {
        // BENCH_ONLY=hot_path: authentication and GraphQL against the bare server, on a
        // trust of its own (the size of the trust does not enter into it).
        let mut figures = Figures::default();
        figures.record("backend", backend);
        app.create_trust("Hot Path Trust", "hot-path").await?;
        let operator = app.operator_for("hot-path").await?;
        let admin = app
            .issue_api_token(&operator, "bench", "trust_admin", None, TokenExpiry::Never)
            .await?
            .secret;
        let (url, handle) = serve(&app)?;
        hot_path(&url, &admin, seconds, backend, &mut figures).await;
        figures.print(backend);
        handle.stop(true).await;
        return Ok(());
    }
    let started = Instant::now();
    let progress = attest_server::cli::progress::Progress::spinner(
        &format!("[{backend}] generating the benchmark trust"),
        false,
    );
    let generated = generate(&app, &db, now).await?;
    drop(progress);
    println!(
        "[{backend}] generated {} schools, {} staff, {} policies, {} acceptances in {:.1} s",
        generated.schools.len(),
        generated.people.len(),
        generated.schools.len() + if statutory() { 4 } else { 2 },
        generated.acceptances,
        started.elapsed().as_secs_f64()
    );
    let mut figures = Figures::default();
    figures.record("backend", backend);
    figures.record(
        "obligations",
        if statutory() {
            "statutory: 5 per person (sign ×2, read, training ×2)"
        } else {
            "3 signatures per person"
        },
    );
    figures.record("generate.seconds", started.elapsed().as_secs_f64());
    let operator = app.operator_for(&generated.trust_slug).await?;
    // The bulk load went around the application: rebuild the model, history included,
    // as an operator would after a restore.
    let started = Instant::now();
    let rebuilt = app.rebuild_compliance(&operator).await?;
    figures.record("rebuild.seconds", started.elapsed().as_secs_f64());
    figures.record("rebuild.revisions", rebuilt.written);
    println!(
        "[{backend}] rebuilt the obligations model: {} revisions in {:.1} s",
        rebuilt.written,
        started.elapsed().as_secs_f64()
    );
    if std::env::var("BENCH_GENERATE_ONLY").is_ok() {
        return Ok(());
    }
    // No manual ANALYZE: the plans must be good on the statistics the database keeps.
    // BENCH_ONLY=reminders: just the reminder ticks and the dispatcher.
    if std::env::var("BENCH_ONLY").as_deref() == Ok("reminders") {
        publish_september(&app, &operator, generated.aup).await?;
        reminders_and_mail(&app, &db, backend, &mut figures).await?;
        figures.print(backend);
        return Ok(());
    }
    let (url, handle) = serve(&app)?;
    let client = reqwest::Client::new();
    // BENCH_ONLY=rush: straight to September (publish, tick, mail, the rush).
    if std::env::var("BENCH_ONLY").as_deref() != Ok("rush") {
        let read_measures = ReadMeasures {
            app: &app,
            db: &db,
            operator: &operator,
            school: generated.schools[7],
            url: &url,
            client: &client,
        };
        read_measures.run(seconds, backend, &mut figures).await?;
    }

    // September: a new AUP version everyone must sign, and a link for each person.
    let september = publish_september(&app, &operator, generated.aup).await?;
    reminders_and_mail(&app, &db, backend, &mut figures).await?;
    let scope = operator.scope();
    let mut links = Vec::with_capacity(generated.people.len());
    for chunk in generated.people.chunks(BATCH) {
        let txn = db.begin().await?;
        for (person, school, name) in chunk {
            let minted = attest_auth::mint_magic_link()?;
            MagicLinks::new(&txn, &scope)
                .insert(NewMagicLink {
                    person: *person,
                    version: september,
                    school: *school,
                    token_hash: minted.hash,
                    at: Utc::now(),
                    expires_at: Utc::now() + chrono::Duration::days(14),
                })
                .await?;
            links.push((minted.secret, name.clone()));
        }
        txn.commit().await?;
    }
    // Each person opens their form (not timed), then everyone signs at once (timed).
    let forms = Arc::new(tokio::sync::Mutex::new(links.into_iter()));
    let mut ready = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (forms, client, url) = (forms.clone(), client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let next = forms.lock().await.next();
                let Some((secret, name)) = next else { break };
                let body = json!({ "query": "query($t: String) { signingForm(magicLinkToken: $t) { versionId contentHash questions { key options } } }", "variables": { "t": secret } });
                match post(&client, &url, None, &body).await {
                    Ok(form) => out.push((secret, name, form["data"]["signingForm"].clone())),
                    Err(_) => continue, // left or not owed: nothing to sign
                }
            }
            out
        }));
    }
    for task in tasks {
        ready.extend(task.await?);
    }
    let signers = ready.len();
    let queue = Arc::new(tokio::sync::Mutex::new(ready.into_iter()));
    println!("[{backend}] rush: starting {signers} signatures");
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let (queue, client, url) = (queue.clone(), client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut times = Vec::new();
            let mut errors = 0;
            loop {
                let next = queue.lock().await.next();
                let Some((secret, name, form)) = next else { break };
                let answers: Vec<Value> = form["questions"]
                    .as_array()
                    .map(|qs| qs.iter().map(|q| json!({ "key": q["key"], "answer": q["options"][0] })).collect())
                    .unwrap_or_default();
                let body = json!({
                    "query": "mutation($input: SignPolicyInput!) { signPolicy(input: $input) { id seq } }",
                    "variables": { "input": {
                        "versionId": form["versionId"], "contentHash": form["contentHash"],
                        "typedName": name, "answers": answers, "magicLinkToken": secret } }
                });
                let start = Instant::now();
                match post(&client, &url, None, &body).await {
                    Ok(_) => times.push(start.elapsed()),
                    Err(error) => {
                        if errors == 0 {
                            eprintln!("signPolicy failed: {error}");
                        }
                        errors += 1;
                    }
                }
            }
            (times, errors)
        }));
    }
    let mut times = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (t, e) = task.await?;
        times.extend(t);
        errors += e;
    }
    let rush = summarise(times, errors, started.elapsed());
    figures.record("rush.signatures", signers);
    figures.record("rush.seconds", rush.elapsed.as_secs_f64());
    figures.latencies("rush", &rush);
    println!(
        "[{backend}] September rush: {signers} staff owed the new version; signPolicy × {rush}"
    );
    let verify_started = Instant::now();
    let verified = app.verify_chain(&operator).await?;
    let verify_seconds = verify_started.elapsed().as_secs_f64();
    println!(
        "[{backend}] chain verified: {} rows ({} with sealed evidence) in {verify_seconds:.1} s, ok = {}",
        verified.rows,
        verified.sealed_rows,
        verified.ok()
    );
    figures.record("chain.verify_seconds", verify_seconds);
    figures.record("rush.chain_verifies", verified.ok());
    let check = app.check_compliance(&operator).await?;
    figures.record("model.differences_after_rush", check.differences.len());
    figures.print(backend);
    handle.stop(true).await;
    drop(app);
    Ok(())
}

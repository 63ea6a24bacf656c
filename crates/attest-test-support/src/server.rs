//! `TestApp` (feature `server`): the real attest server on a random loopback port, against a fresh
//! database of its own (SQLite, or PostgreSQL when `ATTEST_TEST_DATABASE_URL` is set).

use std::net::TcpListener;
use std::sync::Arc;

use crate::TestDatabase;
use actix_web::dev::ServerHandle;
use attest_app::{App, ManualClock};
use attest_server::config::{Config, GraphqlConfig};
use attest_server::{ServerSettings, start};
use chrono::{TimeZone, Utc};
use serde_json::{Value, json};

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub app: App,
    /// The server's own database pool, for tests that look underneath the application.
    pub db: attest_store::Database,
    pub clock: Arc<ManualClock>,
    handle: ServerHandle,
    database: Option<TestDatabase>,
    /// PostgreSQL roles made for this test, dropped with its database (by `admin_url`).
    roles: Vec<String>,
    admin_url: Option<String>,
}

/// A trust made for a test, with a trust-admin token.
/// The server's database pool.
struct Pool {
    connections: u32,
    acquire: std::time::Duration,
    /// The server's rate limits, when not the defaults.
    rate_limits: Option<attest_app::RateLimitSettings>,
}

impl Default for Pool {
    fn default() -> Self {
        Self {
            connections: 5,
            acquire: attest_store::DEFAULT_ACQUIRE_TIMEOUT,
            rate_limits: None,
        }
    }
}

pub struct TestTrust {
    pub slug: String,
    pub admin: String,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    pub async fn spawn_with(configure: impl FnOnce(&mut GraphqlConfig)) -> Self {
        let database = TestDatabase::migrated().await.expect("test database");
        Self::spawn_on(database, configure).await
    }

    /// A server whose public URL is its own address, so that links and sign-in
    /// redirects work in a real browser.
    pub async fn spawn_public() -> Self {
        let database = TestDatabase::migrated().await.expect("test database");
        Self::start(database, |_| {}, true).await
    }

    /// A public server (see `spawn_public`) with these rate limits.
    pub async fn spawn_with_rate_limits(limits: attest_app::RateLimitSettings) -> Self {
        let database = TestDatabase::migrated().await.expect("test database");
        let pool = Pool {
            rate_limits: Some(limits),
            ..Pool::default()
        };
        Self::launch(database, |_| {}, (true, true), None, pool).await
    }

    /// A server that, like production, refuses providers on loopback, private
    /// addresses and plain http.
    pub async fn spawn_strict() -> Self {
        let database = TestDatabase::migrated().await.expect("test database");
        Self::start_with(database, |_| {}, (false, false)).await
    }

    /// A server whose database has no migrations applied (for readiness checks).
    pub async fn spawn_unmigrated() -> Self {
        let database = TestDatabase::empty().await.expect("test database");
        Self::spawn_on(database, |_| {}).await
    }

    async fn spawn_on(database: TestDatabase, configure: impl FnOnce(&mut GraphqlConfig)) -> Self {
        Self::start(database, configure, false).await
    }

    async fn start(
        database: TestDatabase,
        configure: impl FnOnce(&mut GraphqlConfig),
        public: bool,
    ) -> Self {
        Self::start_with(database, configure, (public, true)).await
    }

    async fn start_on_url(database: TestDatabase, url: &str) -> Self {
        Self::launch(database, |_| {}, (false, true), Some(url), Pool::default()).await
    }

    async fn start_with(
        database: TestDatabase,
        configure: impl FnOnce(&mut GraphqlConfig),
        flags: (bool, bool),
    ) -> Self {
        Self::launch(database, configure, flags, None, Pool::default()).await
    }

    /// A server on a pool of `connections`, each request waiting at most `acquire` for
    /// one (for overload tests).
    pub async fn spawn_with_pool(connections: u32, acquire: std::time::Duration) -> Self {
        let database = TestDatabase::migrated().await.expect("test database");
        Self::launch(
            database,
            |_| {},
            (false, true),
            None,
            Pool {
                connections,
                acquire,
                rate_limits: None,
            },
        )
        .await
    }

    /// `url`: connect the server with this instead of the database's own URL.
    async fn launch(
        database: TestDatabase,
        configure: impl FnOnce(&mut GraphqlConfig),
        (public, local_providers): (bool, bool),
        url: Option<&str>,
        pool: Pool,
    ) -> Self {
        let mut graphql = Config::default().graphql;
        configure(&mut graphql);
        // A school Monday morning: tests that care set the clock themselves.
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
                .single()
                .expect("valid"),
        ));
        let db = attest_store::connect_with(
            url.unwrap_or(database.url()),
            pool.connections,
            pool.acquire,
        )
        .await
        .expect("server pool");
        let key = attest_auth::SealingKey::generate().expect("random key");
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        // The peers (oidc-provider, Graph and Google served by wiremock) are on loopback.
        let mut app = App::new(db.clone(), clock.clone())
            .with_local_providers(local_providers)
            .with_sealing_key(attest_auth::SealingKey::from_base64(&key).expect("key"));
        if public {
            app = app.with_public_url(&address);
        }
        if let Some(limits) = &pool.rate_limits {
            app = app.with_rate_limits(limits);
        }
        let settings = ServerSettings {
            graphql,
            workers: 1,
            handle_signals: false,
            secure_cookies: false,
            trusted_proxies: attest_server::http::TrustedProxies::default(),
        };
        let server = start(app.clone(), settings, listener).expect("server starts");
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            address,
            // Drop pooled connections well before the server's keep-alive ends, so a
            // request never races the server closing the connection under it.
            client: reqwest::Client::builder()
                .pool_idle_timeout(std::time::Duration::from_secs(20))
                .build()
                .expect("HTTP client"),
            app,
            db,
            clock,
            handle,
            database: Some(database),
            roles: Vec::new(),
            admin_url: None,
        }
    }

    /// PostgreSQL only (`None` on SQLite): migrated as an owner role, and the server
    /// connected as a runtime role that cannot rewrite history (docs/security.md).
    pub async fn spawn_as_runtime_role() -> Option<Self> {
        let admin_url = std::env::var(crate::TEST_DATABASE_ENV).ok()?;
        let database = TestDatabase::empty().await.expect("test database");
        let suffix = &uuid::Uuid::new_v4().simple().to_string()[..8];
        let (owner, runtime) = (
            format!("attest_owner_{suffix}"),
            format!("attest_rt_{suffix}"),
        );
        let roles =
            attest_store::roles::create_roles(database.db(), (&owner, None), (&runtime, None));
        roles.await.expect("roles");
        let migrator = attest_store::connect(database.url(), 1)
            .await
            .expect("connect");
        attest_store::roles::act_as(&migrator, &owner)
            .await
            .expect("set role");
        attest_store::migrate(&migrator)
            .await
            .expect("migrate as owner");
        attest_store::roles::grant_runtime(&migrator, &runtime)
            .await
            .expect("grant");
        migrator.close().await.expect("close");
        let runtime_url = as_user(database.url(), &runtime);
        let mut test = Self::start_on_url(database, &runtime_url).await;
        test.roles = vec![runtime, owner];
        test.admin_url = Some(admin_url);
        Some(test)
    }

    /// The URL of the server's database, for a second pool (another replica).
    pub fn database_url(&self) -> &str {
        self.database
            .as_ref()
            .map(TestDatabase::url)
            .expect("a server on a test database of its own")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// GETs `path` and returns the body as text (any status).
    pub async fn text(&self, path: &str) -> String {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("text")
    }

    /// A new trust with a trust-admin token.
    pub async fn trust(&self, slug: &str) -> TestTrust {
        let trust = self
            .app
            .create_trust(&format!("{slug} trust"), slug)
            .await
            .expect("trust");
        let operator = crate::principals::operator(trust.id);
        let token = self
            .app
            .issue_api_token(
                &operator,
                "test admin",
                "trust_admin",
                None,
                attest_app::TokenExpiry::Never,
            )
            .await
            .expect("token");
        TestTrust {
            slug: slug.to_owned(),
            admin: token.secret,
        }
    }

    /// POSTs a GraphQL request and returns the JSON answer (any HTTP status).
    /// A trust for this test with a trust-admin token (the same as `trust`).
    pub async fn with_trust(&self, slug: &str) -> TestTrust {
        self.trust(slug).await
    }

    /// A school made through the API with `token`; its id.
    pub async fn with_school(&self, token: &str, name: &str, urn: &str) -> String {
        let data = self
            .data(
                token,
                "mutation($input: CreateSchoolInput!) { createSchool(input: $input) { id } }",
                json!({ "input": { "name": name, "urn": urn } }),
            )
            .await;
        data["createSchool"]["id"]
            .as_str()
            .expect("the school's id")
            .to_owned()
    }

    /// A person with a first membership of `school`, made through the API; their id.
    pub async fn with_person(
        &self,
        token: &str,
        name: &str,
        email: &str,
        school: &str,
        kind: &str,
    ) -> String {
        let input = json!({ "fullName": name, "email": email, "membership": { "schoolId": school, "kind": kind } });
        let data = self
            .data(
                token,
                "mutation($input: UpsertPersonInput!) { upsertPerson(input: $input) { person { id } } }",
                json!({ "input": input }),
            )
            .await;
        data["upsertPerson"]["person"]["id"]
            .as_str()
            .expect("the person's id")
            .to_owned()
    }

    pub async fn graphql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON answer")
    }

    /// Like `graphql`, but fails the test on any error and returns `data`.
    pub async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let answer = self.graphql(Some(token), query, variables).await;
        assert!(
            answer.get("errors").is_none(),
            "unexpected errors: {answer:#}"
        );
        answer["data"].clone()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop accepting and drop connections, then drop the database, then its roles.
        drop(self.handle.stop(false));
        drop(self.database.take());
        let (Some(admin_url), false) = (self.admin_url.take(), self.roles.is_empty()) else {
            return;
        };
        let roles = std::mem::take(&mut self.roles);
        crate::run_as_admin(
            &admin_url,
            roles
                .iter()
                .map(|role| format!("DROP ROLE IF EXISTS {role}"))
                .collect(),
        );
    }
}

/// The URL with another user name (the test cluster trusts local connections).
fn as_user(url: &str, user: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}@{host}")
}

/// The `extensions.code` of the first error.
pub fn error_code(answer: &Value) -> &str {
    answer["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or("<none>")
}

pub fn error_message(answer: &Value) -> &str {
    answer["errors"][0]["message"].as_str().unwrap_or("<none>")
}

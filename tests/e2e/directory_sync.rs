//! Directory sync end to end: a trust connects its Entra ID tenant (Microsoft Graph served
//! locally with the documented response shapes), writes mapping rules, plans and applies
//! a first sync, follows deltas (a rename, a move between schools, a disabled account, a
//! newcomer), is stopped by the leaver safety valve until it confirms, and a synced
//! person signs in for the first time through SSO, linked by their directory id.

use attest_tests::{TestApp, error_code, error_message};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::sign_in::{Provider, TENANT, add_provider, sign_in};

const SELECT: &str = "id,displayName,givenName,surname,mail,userPrincipalName,accountEnabled,jobTitle,department,officeLocation,employeeId";

const CONNECT: &str = "mutation($input: ConnectDirectoryInput!) { connectDirectory(input: $input) { kind tenantId hasDeltaLink accountsKnown } }";
const RULES: &str = "mutation($rules: SyncRulesInput!) { setSyncRules(rules: $rules) { rules { schools { field value target } defaultKind } } }";
const PLAN: &str = "mutation { syncPlan { id status summary plan } }";
const APPLY: &str = "mutation($run: UUID, $confirm: Boolean!) { applySync(runId: $run, confirmLeavers: $confirm) { id status summary } }";
const PEOPLE: &str = "query { people(includeLeft: true, first: 100) { nodes { fullName email memberships(includeLeft: true) { kind active endedOn school { slug } } } } }";

fn user(id: &str, name: &str, email: &str, department: Option<&str>, title: Option<&str>) -> Value {
    json!({
        "id": id, "displayName": name, "givenName": name.split(' ').next(),
        "surname": name.split(' ').nth(1), "mail": email,
        "userPrincipalName": email, "accountEnabled": true, "jobTitle": title,
        "department": department, "officeLocation": null, "employeeId": null
    })
}

async fn graph() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("/{TENANT}/oauth2/v2.0/token")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "token_type": "Bearer", "expires_in": 3599, "access_token": "token"
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/groups"))
        .and(query_param("$filter", "displayName eq 'Governors'"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [{"id": "g-gov", "displayName": "Governors"}]})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/v1.0/groups/g-gov/transitiveMembers/microsoft.graph.user",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "u-gina"}]})),
        )
        .mount(&server)
        .await;
    server
}

/// One delta round: from the start (`from` None) or from `$deltatoken=from`, in pages of
/// 999 as Graph sends them, ending with a delta link to `$deltatoken=next`.
async fn delta_round(server: &MockServer, from: Option<&str>, next: &str, users: Vec<Value>) {
    let base = format!("{}/v1.0/users/delta", server.uri());
    let pages: Vec<Vec<Value>> = users.chunks(999).map(<[Value]>::to_vec).collect();
    let count = pages.len().max(1);
    for index in 0..count {
        let mut body = json!({ "value": pages.get(index).cloned().unwrap_or_default() });
        if index + 1 == count {
            body["@odata.deltaLink"] = json!(format!("{base}?$deltatoken={next}"));
        } else {
            body["@odata.nextLink"] = json!(format!("{base}?$skiptoken={next}-{}", index + 1));
        }
        let mock = Mock::given(method("GET")).and(path("/v1.0/users/delta"));
        let mock = match (index, from) {
            (0, None) => mock.and(query_param("$select", SELECT)),
            (0, Some(token)) => mock.and(query_param("$deltatoken", token)),
            (page, _) => mock.and(query_param("$skiptoken", format!("{next}-{page}"))),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(server)
            .await;
    }
}

async fn connect(test: &TestApp, admin: &str, server: &MockServer) {
    let connected = test
        .data(
            admin,
            CONNECT,
            json!({"input": {
                "kind": "microsoft", "tenantId": TENANT, "clientId": "attest-sync",
                "secret": "graph-secret",
                "apiBase": format!("{}/v1.0", server.uri()),
                "tokenUrl": format!("{}/{TENANT}/oauth2/v2.0/token", server.uri()),
            }}),
        )
        .await;
    assert_eq!(connected["connectDirectory"]["kind"], "microsoft");
    test.data(
        admin,
        RULES,
        json!({"rules": {
            "schools": [
                {"field": "department", "value": "North Primary", "target": "north"},
                {"field": "department", "value": "South Primary", "target": "south"}
            ],
            "kinds": [
                {"field": "group", "value": "Governors", "target": "governor"},
                {"field": "job_title", "value": "Teacher", "target": "teaching"}
            ],
            "defaultKind": "support",
            "ignore": [{"field": "email_domain", "value": "pupils.alpha.example"}]
        }}),
    )
    .await;
}

fn names(plan: &Value, list: &str) -> Vec<String> {
    let mut names: Vec<String> = plan[list]
        .as_array()
        .expect("list")
        .iter()
        .map(|item| item["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    names.sort();
    names
}

/// Each person's name with their active memberships ("north/teaching") and ended ones.
async fn roster(test: &TestApp, admin: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let data = test.data(admin, PEOPLE, json!({})).await;
    let mut roster: Vec<_> = data["people"]["nodes"]
        .as_array()
        .expect("people")
        .iter()
        .map(|person| {
            let memberships = person["memberships"].as_array().expect("memberships");
            let label = |m: &Value| {
                format!(
                    "{}/{}",
                    m["school"]["slug"].as_str().unwrap_or_default(),
                    m["kind"].as_str().unwrap_or_default().to_lowercase()
                )
            };
            let mut active: Vec<String> = memberships
                .iter()
                .filter(|m| m["active"] == true)
                .map(label)
                .collect();
            active.sort();
            let ended: Vec<String> = memberships
                .iter()
                .filter(|m| m["active"] == false)
                .map(label)
                .collect();
            (
                person["fullName"].as_str().unwrap_or_default().to_owned(),
                active,
                ended,
            )
        })
        .collect();
    roster.sort();
    roster
}

fn active_of<'a>(roster: &'a [(String, Vec<String>, Vec<String>)], name: &str) -> &'a [String] {
    &roster
        .iter()
        .find(|(person, _, _)| person == name)
        .unwrap_or_else(|| panic!("{name} is not in {roster:?}"))
        .1
}

#[tokio::test]
async fn a_trust_follows_its_entra_directory_and_synced_staff_sign_in_by_directory_id() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let admin = alpha.admin.as_str();
    test.with_school(admin, "North", "800101").await;
    let south = test.with_school(admin, "South", "800102").await;
    let north_id = test
        .data(admin, "query { schools { id slug } }", json!({}))
        .await["schools"]
        .as_array()
        .expect("schools")
        .iter()
        .find(|school| school["slug"] == "north")
        .expect("north")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    // Already known before the first sync: Bob (matched by email, then linked) and a
    // volunteer with no account (never the directory's to end).
    test.with_person(admin, "Bob Brown", "bob@alpha.example", &south, "SUPPORT")
        .await;
    test.with_person(
        admin,
        "Vera Volunteer",
        "vera@home.example",
        &north_id,
        "VOLUNTEER",
    )
    .await;

    let server = graph().await;
    let answer = test.graphql(Some(admin), PLAN, json!({})).await;
    assert_eq!(error_code(&answer), "NOT_FOUND", "{answer}");
    connect(&test, admin, &server).await;

    let wrong_school = test
        .graphql(
            Some(admin),
            RULES,
            json!({"rules": {"schools": [{"field": "department", "value": "East", "target": "east"}]}}),
        )
        .await;
    assert_eq!(error_code(&wrong_school), "BAD_USER_INPUT");
    assert!(
        error_message(&wrong_school)
            .contains("schools[0].target: no school of this trust has the slug 'east'"),
        "{wrong_school}"
    );

    let mut staff = vec![
        user(
            "oid-ann",
            "Ann Alpha",
            "ann@alpha.example",
            Some("North Primary"),
            Some("Teacher"),
        ),
        user(
            "u-bob",
            "Bob Brown",
            "bob@alpha.example",
            Some("South Primary"),
            Some("Teaching Assistant"),
        ),
        user(
            "u-gina",
            "Gina Gov",
            "gina@alpha.example",
            Some("North Primary"),
            None,
        ),
        user(
            "u-nina",
            "Nina Nowhere",
            "nina@alpha.example",
            None,
            Some("Teacher"),
        ),
        user(
            "u-pupil",
            "Pupil One",
            "p1@pupils.alpha.example",
            Some("North Primary"),
            None,
        ),
    ];
    for n in 1..=8 {
        staff.push(user(
            &format!("u-n{n}"),
            &format!("North Teacher{n}"),
            &format!("n{n}@alpha.example"),
            Some("North Primary"),
            Some("Teacher"),
        ));
    }
    for n in 1..=9 {
        staff.push(user(
            &format!("u-s{n}"),
            &format!("South Assistant{n}"),
            &format!("s{n}@alpha.example"),
            Some("South Primary"),
            Some("Teaching Assistant"),
        ));
    }
    delta_round(&server, None, "round1", staff).await;

    let planned = test.data(admin, PLAN, json!({})).await["syncPlan"].clone();
    assert_eq!(planned["status"], "planned");
    let plan = &planned["plan"];
    assert_eq!(plan["add"].as_array().expect("add").len(), 19, "{plan}");
    assert_eq!(names(plan, "update"), vec!["Bob Brown"], "matched by email");
    assert_eq!(
        plan["update"][0]["changes"][0]["field"], "directoryId",
        "{plan}"
    );
    assert_eq!(plan["unmapped"][0]["name"], "Nina Nowhere");
    assert!(
        plan["unmapped"][0]["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("no school rule"),
        "{plan}"
    );
    assert_eq!(plan["ignored"], 1);
    assert!(
        plan["leave"].as_array().expect("leave").is_empty(),
        "Vera stays"
    );
    assert!(
        roster(&test, admin).await.len() == 2,
        "a plan changes nothing"
    );

    let applied = test
        .data(
            admin,
            APPLY,
            json!({"run": planned["id"], "confirm": false}),
        )
        .await["applySync"]
        .clone();
    assert_eq!(applied["status"], "applied", "{applied}");
    assert_eq!(applied["summary"]["added"], 19);
    let people = roster(&test, admin).await;
    assert_eq!(people.len(), 21, "{people:?}");
    assert_eq!(active_of(&people, "Ann Alpha"), ["north/teaching"]);
    assert_eq!(
        active_of(&people, "Gina Gov"),
        ["north/governor"],
        "by group"
    );
    assert_eq!(
        active_of(&people, "Bob Brown"),
        ["south/support"],
        "not duplicated"
    );
    assert_eq!(active_of(&people, "Vera Volunteer"), ["north/volunteer"]);
    let again = test
        .graphql(
            Some(admin),
            APPLY,
            json!({"run": planned["id"], "confirm": false}),
        )
        .await;
    assert_eq!(
        error_code(&again),
        "CONFLICT",
        "a plan applies once: {again}"
    );

    // First login of a synced member of staff: the provider vouches for tenant and object
    // id only (no verified email, no email linking), and that is enough.
    let redirects = ["http://localhost:8080/auth/alpha/oidc/callback".to_owned()];
    let provider = Provider::start(&redirects);
    add_provider(
        &test,
        admin,
        &provider,
        json!({"linkByEmail": false, "tenantId": TENANT}),
    )
    .await;
    let (browser, status) = sign_in(&test, &provider, "ann-again").await;
    assert_eq!(status, 200, "linked by the directory's (tid, oid)");
    let me = browser
        .get(test.url("/me"))
        .send()
        .await
        .expect("me")
        .text()
        .await
        .expect("page");
    assert!(me.contains("Ann Alpha"), "{me}");

    // A delta: Ann renamed (only her name is sent), Bob moved to North (leaving one of
    // South's ten: a move counts against the safety valve too), a teacher's account
    // disabled, a newcomer at South.
    delta_round(
        &server,
        Some("round1"),
        "round2",
        vec![
            json!({"id": "oid-ann", "displayName": "Ann Alpha-Smith"}),
            json!({"id": "u-bob", "department": "North Primary"}),
            json!({"id": "u-n1", "accountEnabled": false}),
            user(
                "u-nia",
                "Nia New",
                "nia@alpha.example",
                Some("South Primary"),
                Some("Teacher"),
            ),
        ],
    )
    .await;
    let applied = test
        .data(admin, APPLY, json!({"run": null, "confirm": false}))
        .await["applySync"]
        .clone();
    assert_eq!(applied["status"], "applied", "{applied}");
    assert_eq!(applied["summary"]["full"], false, "a delta round");
    let people = roster(&test, admin).await;
    assert_eq!(active_of(&people, "Ann Alpha-Smith"), ["north/teaching"]);
    assert_eq!(active_of(&people, "Bob Brown"), ["north/support"]);
    assert!(
        active_of(&people, "North Teacher1").is_empty(),
        "disabled: left"
    );
    assert_eq!(active_of(&people, "Nia New"), ["south/teaching"]);
    let bob = people
        .iter()
        .find(|(name, _, _)| name == "Bob Brown")
        .expect("bob");
    assert_eq!(
        bob.2,
        vec!["south/support".to_owned()],
        "his old membership ended, kept"
    );

    // Two of North's eleven deleted at once: more than 10 %, so the sync stops.
    delta_round(
        &server,
        Some("round2"),
        "round3",
        vec![
            json!({"id": "u-n2", "@removed": {"reason": "changed"}}),
            json!({"id": "u-n3", "@removed": {"reason": "deleted"}}),
        ],
    )
    .await;
    let planned = test.data(admin, PLAN, json!({})).await["syncPlan"].clone();
    assert_eq!(planned["plan"]["alarms"][0]["school"], "north", "{planned}");
    assert_eq!(planned["plan"]["alarms"][0]["leaving"], 2);
    let stopped = test
        .graphql(
            Some(admin),
            APPLY,
            json!({"run": planned["id"], "confirm": false}),
        )
        .await;
    assert_eq!(error_code(&stopped), "CONFLICT", "{stopped}");
    assert!(
        error_message(&stopped).contains("2 of 11 people at north (18%)"),
        "{stopped}"
    );
    let runs = test
        .data(admin, "query { syncRuns { id status } }", json!({}))
        .await;
    assert_eq!(runs["syncRuns"][0]["status"], "stopped");
    assert_eq!(
        active_of(&roster(&test, admin).await, "North Teacher2"),
        ["north/teaching"],
        "nothing changed"
    );
    let confirmed = test
        .data(admin, APPLY, json!({"run": planned["id"], "confirm": true}))
        .await["applySync"]
        .clone();
    assert_eq!(confirmed["status"], "applied");
    assert_eq!(confirmed["summary"]["confirmedLeavers"], true);
    let people = roster(&test, admin).await;
    assert!(active_of(&people, "North Teacher2").is_empty());
    assert_eq!(people.len(), 22, "leavers are ended, never deleted");

    let audit = test
        .data(admin, "query { auditLog(first: 50) { action } }", json!({}))
        .await;
    let actions: Vec<&str> = audit["auditLog"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .collect();
    for action in [
        "directory.connected",
        "directory.rules_changed",
        "directory.sync_applied",
    ] {
        assert!(
            actions.contains(&action),
            "{action} missing from {actions:?}"
        );
    }
}

#[tokio::test]
async fn one_trusts_directory_sync_is_invisible_to_another() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    test.with_school(&alpha.admin, "North", "800201").await;
    test.with_school(&alpha.admin, "South", "800202").await;
    let server = graph().await;
    connect(&test, &alpha.admin, &server).await;
    delta_round(
        &server,
        None,
        "r1",
        vec![user(
            "u-1",
            "Ann Alpha",
            "ann@alpha.example",
            Some("North Primary"),
            Some("Teacher"),
        )],
    )
    .await;
    let planned = test.data(&alpha.admin, PLAN, json!({})).await["syncPlan"].clone();
    let run = planned["id"].clone();

    let none = test
        .data(
            &beta.admin,
            "query { directoryConnection { kind } syncRuns { id } }",
            json!({}),
        )
        .await;
    assert_eq!(none["directoryConnection"], Value::Null);
    assert_eq!(none["syncRuns"], json!([]));
    let theirs = test
        .graphql(
            Some(&beta.admin),
            "query($id: UUID!) { syncRun(id: $id) { id } }",
            json!({"id": run}),
        )
        .await;
    assert_eq!(error_code(&theirs), "NOT_FOUND", "{theirs}");
    let theirs = test
        .graphql(
            Some(&beta.admin),
            APPLY,
            json!({"run": run, "confirm": true}),
        )
        .await;
    assert_eq!(error_code(&theirs), "NOT_FOUND", "{theirs}");

    test.data(&alpha.admin, APPLY, json!({"run": run, "confirm": false}))
        .await;
    assert_eq!(roster(&test, &alpha.admin).await.len(), 1);
    assert!(roster(&test, &beta.admin).await.is_empty());

    // A school admin of Alpha manages people, not the trust's directory.
    let grant = test
        .data(&alpha.admin, "query { schools { id } }", json!({}))
        .await;
    let school = grant["schools"][0]["id"].clone();
    let token = test
        .data(
            &alpha.admin,
            "mutation($school: UUID!) { issueApiToken(input: {name: \"school\", role: SCHOOL_ADMIN, schoolId: $school}) { token } }",
            json!({"school": school}),
        )
        .await["issueApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let refused = test.graphql(Some(&token), PLAN, json!({})).await;
    assert_eq!(error_code(&refused), "FORBIDDEN", "{refused}");
}

#[tokio::test]
async fn twelve_thousand_staff_arrive_in_one_sync_and_a_second_changes_nothing() {
    let test = TestApp::spawn().await;
    let big = test.trust("big").await;
    for n in 0..20 {
        test.with_school(&big.admin, &format!("School {n:02}"), &format!("9{n:05}"))
            .await;
    }
    let server = graph().await;
    test.data(
        &big.admin,
        CONNECT,
        json!({"input": {
            "kind": "microsoft", "tenantId": TENANT, "clientId": "attest-sync", "secret": "s",
            "apiBase": format!("{}/v1.0", server.uri()),
            "tokenUrl": format!("{}/{TENANT}/oauth2/v2.0/token", server.uri()),
        }}),
    )
    .await;
    let schools: Vec<Value> = (0..20)
        .map(|n| json!({"field": "department", "value": format!("School {n:02}"), "target": format!("school-{n:02}")}))
        .collect();
    test.data(
        &big.admin,
        RULES,
        json!({"rules": {"schools": schools, "kinds": [{"field": "job_title", "value": "Teacher", "target": "teaching"}], "defaultKind": "support"}}),
    )
    .await;
    let staff: Vec<Value> = (0..12_000)
        .map(|n| {
            user(
                &format!("u-{n:05}"),
                &format!("Staff Member{n}"),
                &format!("staff{n}@big.example"),
                Some(&format!("School {:02}", n % 20)),
                Some(if n % 3 == 0 { "Teacher" } else { "Cook" }),
            )
        })
        .collect();
    delta_round(&server, None, "r1", staff).await;
    let applied = test
        .data(&big.admin, APPLY, json!({"run": null, "confirm": false}))
        .await["applySync"]
        .clone();
    assert_eq!(applied["status"], "applied", "{applied}");
    assert_eq!(applied["summary"]["added"], 12_000);
    assert_eq!(
        applied["summary"]["requests"], 14,
        "a token and 13 pages of 999"
    );
    let found = test
        .data(
            &big.admin,
            "query { people(search: \"staff11999@\") { nodes { fullName memberships { kind school { slug } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        found["people"]["nodes"][0]["memberships"][0]["school"]["slug"],
        "school-19"
    );
    delta_round(&server, Some("r1"), "r2", Vec::new()).await;
    let again = test
        .data(&big.admin, APPLY, json!({"run": null, "confirm": false}))
        .await["applySync"]
        .clone();
    for count in ["added", "updated", "left", "unmapped"] {
        assert_eq!(again["summary"][count], 0, "{count}: {again}");
    }
    assert_eq!(again["summary"]["accountsInDirectory"], 12_000);
    let connection = test
        .data(
            &big.admin,
            "query { directoryConnection { accountsKnown hasDeltaLink lastAppliedAt } }",
            json!({}),
        )
        .await;
    assert_eq!(connection["directoryConnection"]["accountsKnown"], 12_000);
    assert_eq!(connection["directoryConnection"]["hasDeltaLink"], true);
}

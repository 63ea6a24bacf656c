//! SCIM as Entra ID's provisioning service and Okta drive it, request for request as
//! their documentation shows: the probe before a create, the create, updates (Entra's
//! PATCH with `Replace` and `"False"`, Okta's PUT), group membership, disable, delete;
//! each change reaching people and memberships through the trust's mapping rules, run
//! and audited like a sync; and the leaver safety valve holding a push that would empty
//! a school.

use attest_tests::TestApp;
use reqwest::Method;
use serde_json::{Value, json};

use crate::scim::{Scim, school};

const TENANT: &str = "6b9a2c4e-1f3d-4c8e-9a7b-2d5e8f1a3c6b";
const ANN_OID: &str = "0f6c1f2e-8d0b-4a55-9b7a-1d2e3f4a5b6c";
const DAN_OID: &str = "5e1d2c3b-4a59-4867-8f9e-0a1b2c3d4e5f";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PEOPLE: &str = "query { people(includeLeft: true, first: 100) { nodes { id fullName email memberships(includeLeft: true) { kind active school { slug } } } } }";
const RUNS: &str = "query { syncRuns(first: 100) { status trigger summary } }";

/// Each person's open memberships as "slug:kind", by email.
async fn memberships(test: &TestApp, admin: &str) -> Vec<(String, Vec<String>)> {
    let data = test.data(admin, PEOPLE, json!({})).await;
    let mut people: Vec<(String, Vec<String>)> = data["people"]["nodes"]
        .as_array()
        .expect("people")
        .iter()
        .map(|person| {
            let open = person["memberships"]
                .as_array()
                .expect("memberships")
                .iter()
                .filter(|membership| membership["active"] == true)
                .map(|membership| {
                    format!(
                        "{}:{}",
                        membership["school"]["slug"].as_str().unwrap_or_default(),
                        membership["kind"].as_str().unwrap_or_default()
                    )
                })
                .collect();
            (
                person["email"].as_str().unwrap_or_default().to_owned(),
                open,
            )
        })
        .collect();
    people.sort();
    people
}

fn of<'a>(people: &'a [(String, Vec<String>)], email: &str) -> &'a [String] {
    &people
        .iter()
        .find(|(address, _)| address == email)
        .unwrap_or_else(|| panic!("no {email} in {people:?}"))
        .1
}

fn entra_user(user_name: &str, object_id: &str, department: &str) -> Value {
    // As Entra's provisioning service sends it with the default attribute mappings
    // (externalId mapped from objectId, as the trust is told to set it).
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": object_id,
        "userName": user_name,
        "active": true,
        "displayName": "Ann Archer",
        "emails": [{ "primary": true, "type": "work", "value": user_name }],
        "meta": { "resourceType": "User" },
        "name": { "formatted": "Ann Archer", "familyName": "Archer", "givenName": "Ann" },
        "title": "Teacher",
        ENTERPRISE: { "department": department, "employeeNumber": "E1001" },
    })
}

async fn rules(test: &TestApp, admin: &str) -> (String, String, Value) {
    let riverside = school(test, admin, "Riverside Primary", "340001").await;
    let hill = school(test, admin, "Hill Academy", "340002").await;
    let rules = json!({
        "schools": [
            { "field": "department", "value": "Riverside", "target": riverside },
            { "field": "organization", "value": "Hill Academy", "target": hill },
            { "field": "department", "value": "Hill", "target": hill },
        ],
        "kinds": [{ "field": "group", "value": "Governors", "target": "governor" }],
        "defaultKind": "teaching",
    });
    (riverside, hill, rules)
}

#[tokio::test]
async fn entra_provisions_updates_groups_disables_and_deletes_a_member_of_staff() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let (riverside, hill, rules) = rules(&test, &alpha.admin).await;
    let scim = Scim::connect(&test, &alpha.admin, rules, (Some(TENANT), 1.0)).await;

    // Entra probes by userName before it creates.
    let (status, probe) = scim
        .get("/Users?filter=userName+eq+%22ann%40alpha.example%22")
        .await;
    assert_eq!((status, probe["totalResults"].as_u64()), (200, Some(0)));
    let ann = scim
        .create_user(entra_user("ann@alpha.example", ANN_OID, "Riverside"))
        .await;
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "ann@alpha.example"),
        [format!("{riverside}:TEACHING")]
    );
    // Sign-in knows her by her Entra object id (the same identity a sync would give).
    let linked = attest_store::ConnectionTrait::query_one_raw(
        &test.db,
        attest_store::Statement::from_sql_and_values(
            test.db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM person_identities WHERE issuer = $1 AND subject = $2",
            vec![format!("urn:entra:{TENANT}").into(), ANN_OID.into()],
        ),
    )
    .await
    .expect("query")
    .expect("row")
    .try_get::<i64>("", "n")
    .expect("count");
    assert_eq!(linked, 1);
    // Entra's retry of the same create: 409 uniqueness, nothing doubled.
    let (status, again) = scim
        .post(
            "/Users",
            entra_user("ann@alpha.example", ANN_OID, "Riverside"),
        )
        .await;
    assert_eq!(
        (status, again["scimType"].as_str()),
        (409, Some("uniqueness"))
    );

    // An update as Entra sends it: capitalised ops, the extension by its full name.
    let (status, updated) = scim
        .patch(
            &format!("/Users/{ann}"),
            json!([
                { "op": "Replace", "path": "title", "value": "Head of Year" },
                { "op": "Replace", "path": format!("{ENTERPRISE}:department"), "value": "Hill" },
                { "op": "Add", "path": "name.givenName", "value": "Annie" },
                { "op": "Replace", "path": "displayName", "value": "Annie Archer" },
            ]),
        )
        .await;
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated[ENTERPRISE]["department"], "Hill");
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "ann@alpha.example"),
        [format!("{hill}:TEACHING")]
    );

    // Governors: Entra looks the group up without its members, creates it, adds her.
    let (_, probe) = scim
        .get("/Groups?excludedAttributes=members&filter=displayName+eq+%22Governors%22")
        .await;
    assert_eq!(probe["totalResults"], 0);
    let (status, group) = scim
        .post(
            "/Groups",
            json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                "externalId": "9c2d1e4f-0000-4000-8000-00000000a0b1",
                "displayName": "Governors",
                "members": [],
            }),
        )
        .await;
    assert_eq!(status, 201, "{group}");
    let governors = group["id"].as_str().expect("id").to_owned();
    let (status, _) = scim
        .patch(
            &format!("/Groups/{governors}"),
            json!([{ "op": "Add", "path": "members", "value": [{ "value": ann }] }]),
        )
        .await;
    assert_eq!(status, 204);
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "ann@alpha.example"),
        [format!("{hill}:GOVERNOR")]
    );
    let (_, read) = scim.get(&format!("/Groups/{governors}")).await;
    assert_eq!(read["members"], json!([{ "value": ann }]));
    let (status, _) = scim
        .patch(
            &format!("/Groups/{governors}"),
            json!([{ "op": "Remove", "path": "members", "value": [{ "value": ann }] }]),
        )
        .await;
    assert_eq!(status, 204);
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "ann@alpha.example"),
        [format!("{hill}:TEACHING")]
    );

    // Disabled (Entra sends the boolean as a string), then enabled again.
    let (status, _) = scim
        .patch(
            &format!("/Users/{ann}"),
            json!([{ "op": "Replace", "path": "active", "value": "False" }]),
        )
        .await;
    assert_eq!(status, 200);
    let people = memberships(&test, &alpha.admin).await;
    assert!(of(&people, "ann@alpha.example").is_empty(), "{people:?}");
    scim.patch(
        &format!("/Users/{ann}"),
        json!([{ "op": "Replace", "path": "active", "value": "True" }]),
    )
    .await;
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "ann@alpha.example"),
        [format!("{hill}:TEACHING")]
    );

    // Deleted: the SCIM user goes, the person and her history stay, her memberships end.
    let (status, _) = scim
        .call(Method::DELETE, &format!("/Users/{ann}"), None)
        .await;
    assert_eq!(status, 204);
    assert_eq!(scim.get(&format!("/Users/{ann}")).await.0, 404);
    let people = memberships(&test, &alpha.admin).await;
    assert!(of(&people, "ann@alpha.example").is_empty());

    // Every change a run of its own, applied, by SCIM; and audited.
    let runs = test.data(&alpha.admin, RUNS, json!({})).await;
    let runs = runs["syncRuns"].as_array().expect("runs");
    assert!(runs.len() >= 6, "{runs:?}");
    assert!(
        runs.iter()
            .all(|run| run["trigger"] == "scim" && run["status"] == "applied")
    );
    let audit = test
        .data(
            &alpha.admin,
            "query { auditLog(first: 200) { action } }",
            json!({}),
        )
        .await;
    let actions: Vec<&str> = audit["auditLog"]
        .as_array()
        .expect("audit")
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .collect();
    for action in [
        "scim.user_created",
        "scim.user_patched",
        "scim.group_created",
        "scim.group_patched",
        "scim.user_deleted",
        "directory.scim_applied",
    ] {
        assert!(actions.contains(&action), "{action} not in {actions:?}");
    }
}

#[tokio::test]
async fn a_person_added_by_hand_keeps_one_identity_when_scim_brings_them() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let (riverside, _, rules) = rules(&test, &alpha.admin).await;
    let school_id = test
        .data(&alpha.admin, "query { schools { id slug } }", json!({}))
        .await["schools"]
        .as_array()
        .expect("schools")
        .iter()
        .find(|school| school["slug"] == riverside.as_str())
        .and_then(|school| school["id"].as_str())
        .expect("riverside")
        .to_owned();
    test.with_person(
        &alpha.admin,
        "Ann Archer",
        "ann@alpha.example",
        &school_id,
        "SUPPORT",
    )
    .await;
    // Dan was synced from Entra (or signed in with it) before the trust moved to SCIM:
    // attest knows him by his object id, under an address Entra no longer uses.
    let dan = test
        .with_person(
            &alpha.admin,
            "Dan Dale",
            "dan.old@alpha.example",
            &school_id,
            "SUPPORT",
        )
        .await;
    attest_store::ConnectionTrait::execute_raw(
        &test.db,
        attest_store::Statement::from_sql_and_values(
            test.db.get_database_backend(),
            "INSERT INTO person_identities (trust_id, issuer, subject, person_id, created_at) \
             SELECT trust_id, $1, $2, id, created_at FROM people WHERE id = $3",
            vec![
                format!("urn:entra:{TENANT}").into(),
                DAN_OID.into(),
                uuid::Uuid::parse_str(&dan).expect("uuid").into(),
            ],
        ),
    )
    .await
    .expect("identity");
    let scim = Scim::connect(&test, &alpha.admin, rules, (Some(TENANT), 1.0)).await;
    scim.create_user(entra_user("ann@alpha.example", ANN_OID, "Riverside"))
        .await;
    scim.create_user(entra_user("dan@alpha.example", DAN_OID, "Riverside"))
        .await;
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        people.len(),
        2,
        "one person each, matched by email and by object id: {people:?}"
    );
    assert_eq!(
        of(&people, "ann@alpha.example"),
        [format!("{riverside}:TEACHING")]
    );
    assert_eq!(
        of(&people, "dan@alpha.example"),
        [format!("{riverside}:TEACHING")]
    );
}

#[tokio::test]
async fn okta_creates_replaces_deactivates_and_manages_group_members() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;
    let (riverside, hill, rules) = rules(&test, &alpha.admin).await;
    let scim = Scim::connect(&test, &alpha.admin, rules, (None, 1.0)).await;
    // A second trust's SCIM traffic never reaches this one's people.
    let (_, _, beta_rules) = rules_for_beta(&test, &beta.admin).await;
    let other = Scim::connect(&test, &beta.admin, beta_rules, (None, 1.0)).await;
    other
        .create_user(
            json!({ "userName": "bob@beta.example", "displayName": "Bob Beta",
            ENTERPRISE: { "organization": "Beta School" } }),
        )
        .await;

    // Okta: GET ?filter=userName eq … &startIndex=1&count=100, then POST with a password
    // (not kept) and a locale (not kept).
    let (_, probe) = scim
        .get("/Users?filter=userName%20eq%20%22cal%40alpha.example%22&startIndex=1&count=100")
        .await;
    assert_eq!(probe["totalResults"], 0);
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": "cal@alpha.example",
        "name": { "givenName": "Cal", "familyName": "Carter" },
        "emails": [{ "primary": true, "value": "cal@alpha.example", "type": "work" }],
        "displayName": "Cal Carter",
        "locale": "en-GB",
        "externalId": "00u1abcdEFGH",
        "groups": [],
        "password": "1mp0rtant!",
        "active": true,
        ENTERPRISE: { "organization": "Hill Academy" },
    });
    let cal = scim.create_user(body.clone()).await;
    let (_, stored) = scim.get(&format!("/Users/{cal}")).await;
    assert!(
        stored.get("password").is_none() && stored.get("locale").is_none(),
        "{stored}"
    );
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "cal@alpha.example"),
        [format!("{hill}:TEACHING")]
    );
    assert!(people.iter().all(|(email, _)| email != "bob@beta.example"));

    // Okta updates a profile with PUT: the whole resource.
    let mut replaced = body.clone();
    replaced["id"] = json!(cal);
    replaced[ENTERPRISE] = json!({ "department": "Riverside" });
    replaced["name"]["familyName"] = json!("Carter-Jones");
    replaced["displayName"] = json!("Cal Carter-Jones");
    let (status, after) = scim
        .call(Method::PUT, &format!("/Users/{cal}"), Some(replaced))
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after[ENTERPRISE], json!({ "department": "Riverside" }));
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "cal@alpha.example"),
        [format!("{riverside}:TEACHING")]
    );
    let names = test.data(&alpha.admin, PEOPLE, json!({})).await;
    assert!(names.to_string().contains("Cal Carter-Jones"));

    // Groups: created empty, members added with Okta's display, removed by filter,
    // renamed with a path-less replace.
    let (status, group) = scim
        .post("/Groups", json!({ "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Governors", "members": [] }))
        .await;
    assert_eq!(status, 201);
    let governors = group["id"].as_str().expect("id").to_owned();
    let (status, _) = scim
        .patch(
            &format!("/Groups/{governors}"),
            json!([{ "op": "add", "path": "members", "value": [{ "value": cal, "display": "cal@alpha.example" }] }]),
        )
        .await;
    assert_eq!(status, 204);
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "cal@alpha.example"),
        [format!("{riverside}:GOVERNOR")]
    );
    let (_, list) = scim
        .get(&format!(
            "/Groups?filter=members%5Bvalue%20eq%20%22{cal}%22%5D"
        ))
        .await;
    assert_eq!(list["totalResults"], 1, "{list}");
    scim.patch(
        &format!("/Groups/{governors}"),
        json!([{ "op": "remove", "path": format!("members[value eq \"{cal}\"]") }]),
    )
    .await;
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(
        of(&people, "cal@alpha.example"),
        [format!("{riverside}:TEACHING")]
    );
    let (status, renamed) = scim
        .patch(
            &format!("/Groups/{governors}"),
            json!([{ "op": "replace", "value": { "id": governors, "displayName": "Trustees" } }]),
        )
        .await;
    assert_eq!(
        (status, renamed["displayName"].as_str()),
        (200, Some("Trustees"))
    );

    // Deactivated with a path-less replace, as Okta does.
    let (status, _) = scim
        .patch(
            &format!("/Users/{cal}"),
            json!([{ "op": "replace", "value": { "active": false } }]),
        )
        .await;
    assert_eq!(status, 200);
    let people = memberships(&test, &alpha.admin).await;
    assert!(of(&people, "cal@alpha.example").is_empty());
    assert_eq!(
        scim.call(Method::DELETE, &format!("/Groups/{governors}"), None)
            .await
            .0,
        204
    );
    // Bob, in the other trust, is untouched by all of it.
    let beta_people = memberships(&test, &beta.admin).await;
    assert_eq!(beta_people.len(), 1);
    assert_eq!(beta_people[0].1.len(), 1);
}

async fn rules_for_beta(test: &TestApp, admin: &str) -> (String, String, Value) {
    let beta_school = school(test, admin, "Beta School", "340003").await;
    let rules = json!({
        "schools": [{ "field": "organization", "value": "Beta School", "target": beta_school }],
        "defaultKind": "support",
    });
    (beta_school.clone(), beta_school, rules)
}

#[tokio::test]
async fn a_push_that_would_empty_a_school_waits_for_an_admin() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let (riverside, _, rules) = rules(&test, &alpha.admin).await;
    let scim = Scim::connect(&test, &alpha.admin, rules, (None, 0.1)).await;
    let mut ids = Vec::new();
    for n in 0..10 {
        ids.push(
            scim.create_user(json!({
                "userName": format!("staff{n}@alpha.example"),
                "emails": [{ "value": format!("staff{n}@alpha.example"), "type": "work" }],
                "displayName": format!("Staff Member {n}"),
                ENTERPRISE: { "department": "Riverside" },
            }))
            .await,
        );
    }
    // Paged, cut to the attributes asked for, and filtered the ways the issue names.
    let (_, page) = scim
        .get("/Users?startIndex=3&count=4&attributes=userName")
        .await;
    assert_eq!(
        (
            &page["totalResults"],
            &page["startIndex"],
            &page["itemsPerPage"]
        ),
        (&json!(10), &json!(3), &json!(4))
    );
    assert_eq!(page["Resources"][0]["userName"], "staff2@alpha.example");
    assert!(page["Resources"][0].get("displayName").is_none());
    for (filter, found) in [
        ("userName sw \"staff1\"", 1),
        ("emails co \"@alpha\" and displayName pr", 10),
        (
            "displayName eq \"Staff Member 7\" or userName eq \"staff8@alpha.example\"",
            2,
        ),
        ("externalId pr", 0),
        ("not (userName ew \"0@alpha.example\")", 9),
    ] {
        let (status, list) = scim
            .call(
                Method::POST,
                "/Users/.search",
                Some(json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": filter, "count": 0 })),
            )
            .await;
        assert_eq!(
            (status, list["totalResults"].as_u64()),
            (200, Some(found)),
            "{filter}: {list}"
        );
    }
    let disable = |id: String| {
        let scim = &scim;
        async move {
            scim.patch(
                &format!("/Users/{id}"),
                json!([{ "op": "replace", "path": "active", "value": false }]),
            )
            .await
        }
    };
    // One of ten (10%) is within the allowed share: applied.
    assert_eq!(disable(ids[0].clone()).await.0, 200);
    // A second the same day would be 20%: the SCIM change is kept, no one leaves yet.
    let (status, kept) = disable(ids[1].clone()).await;
    assert_eq!((status, kept["active"].as_bool()), (200, Some(false)));
    let people = memberships(&test, &alpha.admin).await;
    let open = people.iter().filter(|(_, open)| !open.is_empty()).count();
    assert_eq!(open, 9, "{people:?}");
    assert_eq!(
        of(&people, "staff1@alpha.example"),
        [format!("{riverside}:TEACHING")]
    );
    let runs = test.data(&alpha.admin, RUNS, json!({})).await;
    let stopped = runs["syncRuns"]
        .as_array()
        .expect("runs")
        .iter()
        .find(|run| run["status"] == "stopped")
        .expect("a stopped run")
        .clone();
    assert!(
        stopped["summary"]["stoppedBecause"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!("2 of 10 people at {riverside}"))
    );
    // The admin plans the whole SCIM directory and confirms the leavers.
    let plan = test
        .data(
            &alpha.admin,
            "mutation { syncPlan { id summary } }",
            json!({}),
        )
        .await;
    assert_eq!(plan["syncPlan"]["summary"]["toLeave"], 1, "{plan}");
    let run = plan["syncPlan"]["id"].as_str().expect("run");
    let refused = test
        .graphql(
            Some(&alpha.admin),
            "mutation($run: UUID) { applySync(runId: $run, confirmLeavers: false) { status } }",
            json!({ "run": run }),
        )
        .await;
    assert_eq!(attest_tests::error_code(&refused), "CONFLICT", "{refused}");
    let plan = test
        .data(&alpha.admin, "mutation { syncPlan { id } }", json!({}))
        .await;
    let applied = test
        .data(
            &alpha.admin,
            "mutation($run: UUID) { applySync(runId: $run, confirmLeavers: true) { status summary } }",
            json!({ "run": plan["syncPlan"]["id"] }),
        )
        .await;
    assert_eq!(applied["applySync"]["status"], "applied");
    let people = memberships(&test, &alpha.admin).await;
    assert!(of(&people, "staff1@alpha.example").is_empty());
    assert_eq!(
        people.iter().filter(|(_, open)| !open.is_empty()).count(),
        8
    );
}

#[tokio::test]
async fn pushes_in_parallel_all_land_and_each_person_once() {
    let test = TestApp::spawn_public().await;
    let alpha = test.trust("alpha").await;
    let (riverside, _, rules) = rules(&test, &alpha.admin).await;
    let scim = Scim::connect(&test, &alpha.admin, rules, (None, 0.1)).await;
    // More requests at once than the server has database connections (5 in tests).
    let pushes = (0..24).map(|n| {
        scim.post(
            "/Users",
            json!({
                "userName": format!("p{n}@alpha.example"),
                "displayName": format!("Parallel Person {n}"),
                ENTERPRISE: { "department": "Riverside" },
            }),
        )
    });
    let answers = futures_util::future::join_all(pushes).await;
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
    }
    let people = memberships(&test, &alpha.admin).await;
    assert_eq!(people.len(), 24);
    assert!(
        people
            .iter()
            .all(|(_, open)| open == &[format!("{riverside}:TEACHING")])
    );
}

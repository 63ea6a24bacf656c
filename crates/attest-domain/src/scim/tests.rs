use serde_json::{Map, Value, json};

use super::*;

fn user(value: Value) -> Map<String, Value> {
    ResourceKind::User.clean(&value).expect("a valid user")
}

fn served(stored: &Map<String, Value>) -> Value {
    let at = chrono::DateTime::parse_from_rfc3339("2026-12-02T10:00:00Z")
        .expect("time")
        .to_utc();
    let meta = Meta {
        created: at,
        last_modified: at,
        version: 1,
    };
    ResourceKind::User.render("u-1", stored, &meta, "https://attest.example/scim/v2")
}

fn ann() -> Map<String, Value> {
    user(json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "userName": "Ann.Archer@Alpha.example",
        "externalId": "0f6c1f2e-8d0b-4a55-9b7a-1d2e3f4a5b6c",
        "name": {"givenName": "Ann", "familyName": "Archer"},
        "emails": [{"value": "ann@alpha.example", "type": "work", "primary": true}],
        "title": "Teacher",
        "active": true,
        ENTERPRISE_SCHEMA: {"department": "Riverside Primary", "employeeNumber": "E1"},
        "phoneNumbers": [{"value": "01234"}],
    }))
}

fn matches(filter: &str, resource: &Value) -> bool {
    Filter::parse(filter)
        .unwrap_or_else(|error| panic!("{filter}: {error}"))
        .matches(ResourceKind::User, resource)
}

#[test]
fn filters_compare_as_rfc_7644_says() {
    let ann = served(&ann());
    assert!(matches(r#"userName eq "ann.archer@alpha.EXAMPLE""#, &ann));
    assert!(!matches(
        r#"externalId eq "0F6C1F2E-8D0B-4A55-9B7A-1D2E3F4A5B6C""#,
        &ann
    ));
    assert!(matches(
        r#"externalId eq "0f6c1f2e-8d0b-4a55-9b7a-1d2e3f4a5b6c""#,
        &ann
    ));
    assert!(matches(r#"emails co "@alpha""#, &ann));
    assert!(matches(r#"emails.value sw "ann@""#, &ann));
    assert!(matches(
        r#"emails[type eq "work" and value ew ".example"]"#,
        &ann
    ));
    assert!(!matches(r#"emails[type eq "home"]"#, &ann));
    assert!(matches(r#"displayName pr or title pr"#, &ann));
    assert!(!matches(r#"displayName pr"#, &ann));
    assert!(matches(
        r#"userName sw "ann" and not (active eq false)"#,
        &ann
    ));
    assert!(matches(r#"name.familyName eq "archer""#, &ann));
    assert!(matches(
        r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "riverside primary""#,
        &ann
    ));
    assert!(matches(
        r#"meta.lastModified gt "2026-12-01T00:00:00Z""#,
        &ann
    ));
    assert!(matches(r#"title ne "Head""#, &ann));
    assert!(matches(
        r#"userName eq "x" or (title eq "teacher" and active eq true)"#,
        &ann
    ));
}

#[test]
fn bad_filters_say_what_is_wrong() {
    for (filter, says) in [
        (r#"userName eq"#, "expected a value"),
        (r#"userName equals "a""#, "not an operator"),
        (r#"userName eq ann"#, "quote strings"),
        (r#"(userName eq "a""#, "expected ')'"),
        (r#"userName eq "a" title pr"#, "unexpected text"),
        (r#"userName eq "unclosed"#, "not closed"),
        (r#"emails[type eq "work""#, "expected ']'"),
    ] {
        let error = Filter::parse(filter).expect_err(filter);
        assert_eq!(error.status, 400, "{filter}");
        assert_eq!(error.scim_type, Some("invalidFilter"), "{filter}");
        assert!(error.detail.contains(says), "{filter}: {}", error.detail);
    }
    assert!(Filter::parse(&"a".repeat(MAX_FILTER_LENGTH + 1)).is_err());
}

#[test]
fn an_index_answers_an_equality_even_inside_a_conjunction() {
    let filter = Filter::parse(r#"userName eq "a@b.example" and active eq true"#).expect("filter");
    assert_eq!(filter.equality_on("username"), Some("a@b.example"));
    assert_eq!(filter.equality_on("externalId"), None);
    let either = Filter::parse(r#"userName eq "a" or userName eq "b""#).expect("filter");
    assert_eq!(either.equality_on("userName"), None);
}

#[test]
fn unknown_attributes_are_dropped_and_types_checked() {
    let ann = ann();
    assert!(!ann.contains_key("phoneNumbers"));
    assert_eq!(
        ann["externalId"],
        json!("0f6c1f2e-8d0b-4a55-9b7a-1d2e3f4a5b6c")
    );
    assert_eq!(ann[ENTERPRISE_SCHEMA]["employeeNumber"], json!("E1"));
    let missing = ResourceKind::User.clean(&json!({"displayName": "No name"}));
    assert_eq!(
        missing.expect_err("required").scim_type,
        Some("invalidValue")
    );
    let wrong = ResourceKind::User.clean(&json!({"userName": "a", "active": "maybe"}));
    assert!(
        wrong
            .expect_err("boolean")
            .detail
            .contains("active: expected true or false")
    );
    let long = ResourceKind::User.clean(&json!({"userName": "a".repeat(MAX_VALUE_LENGTH + 1)}));
    assert!(long.expect_err("long").detail.contains("longer than"));
    let qualified = user(json!({
        "userName": "b",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:organization": "Hill School",
    }));
    assert_eq!(
        qualified[ENTERPRISE_SCHEMA]["organization"],
        json!("Hill School")
    );
}

fn patch(stored: &Map<String, Value>, body: Value) -> Result<Map<String, Value>, ScimError> {
    let operations = parse_patch(&body)?;
    apply_patch(ResourceKind::User, stored, &operations)
}

#[test]
fn entra_patches_apply_as_entra_means_them() {
    let ann = ann();
    let disabled = patch(
        &ann,
        json!({"schemas": [PATCH_SCHEMA], "Operations": [
            {"op": "Replace", "path": "active", "value": "False"},
        ]}),
    )
    .expect("disable");
    assert_eq!(disabled["active"], json!(false));
    let moved = patch(
        &ann,
        json!({"schemas": [PATCH_SCHEMA], "Operations": [
            {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "ann@hill.example"},
            {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Hill School"},
            {"op": "Replace", "path": "name.givenName", "value": "Annie"},
            {"op": "Add", "path": "displayName", "value": "Annie Archer"},
        ]}),
    )
    .expect("move");
    assert_eq!(
        moved["emails"],
        json!([{"value": "ann@hill.example", "type": "work", "primary": true}])
    );
    assert_eq!(moved[ENTERPRISE_SCHEMA]["department"], json!("Hill School"));
    assert_eq!(
        moved["name"],
        json!({"givenName": "Annie", "familyName": "Archer"})
    );
    let home = patch(
        &ann,
        json!({"Operations": [
            {"op": "add", "path": "emails[type eq \"home\"].value", "value": "ann@home.example"},
        ]}),
    )
    .expect("a new element from the filter");
    assert_eq!(home["emails"].as_array().map(Vec::len), Some(2));
}

#[test]
fn okta_patches_without_a_path_replace_the_attributes_named() {
    let ann = ann();
    let changed = patch(
        &ann,
        json!({"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "value": {
            "active": false,
            "title": "Head of Year",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "E2",
            ENTERPRISE_SCHEMA: {"organization": "Hill School"},
            "name.familyName": "Archer-Bell",
            "nickName": "ignored",
        }}]}),
    )
    .expect("replace");
    assert_eq!(changed["active"], json!(false));
    assert_eq!(changed["title"], json!("Head of Year"));
    assert_eq!(changed[ENTERPRISE_SCHEMA]["employeeNumber"], json!("E2"));
    assert_eq!(
        changed[ENTERPRISE_SCHEMA]["organization"],
        json!("Hill School")
    );
    assert_eq!(
        changed[ENTERPRISE_SCHEMA]["department"],
        json!("Riverside Primary")
    );
    assert_eq!(changed["name"]["familyName"], json!("Archer-Bell"));
    assert!(!changed.contains_key("nickName"));
}

fn group_patch(stored: &Map<String, Value>, operations: Value) -> Map<String, Value> {
    let operations = parse_patch(&json!({"schemas": [PATCH_SCHEMA], "Operations": operations}))
        .expect("operations");
    apply_patch(ResourceKind::Group, stored, &operations).expect("patch")
}

#[test]
fn group_members_are_added_and_removed_every_way_providers_send() {
    let group = ResourceKind::Group
        .clean(&json!({"displayName": "Riverside staff", "members": [{"value": "a"}]}))
        .expect("group");
    let added = group_patch(
        &group,
        json!([
            {"op": "Add", "path": "members", "value": [{"value": "b"}, {"value": "a"}]},
        ]),
    );
    assert_eq!(member_ids(&added), ["a", "b"]);
    let entra_removed = group_patch(
        &added,
        json!([
            {"op": "Remove", "path": "members", "value": [{"value": "a"}]},
        ]),
    );
    assert_eq!(member_ids(&entra_removed), ["b"]);
    let filtered = group_patch(
        &added,
        json!([
            {"op": "remove", "path": "members[value eq \"b\"]"},
        ]),
    );
    assert_eq!(member_ids(&filtered), ["a"]);
    let all_gone = group_patch(&added, json!([{"op": "remove", "path": "members"}]));
    assert!(member_ids(&all_gone).is_empty());
    let renamed = group_patch(
        &added,
        json!([
            {"op": "replace", "value": {"id": "ignored", "displayName": "Hill staff"}},
        ]),
    );
    assert_eq!(renamed["displayName"], json!("Hill staff"));
}

#[test]
fn patches_that_cannot_apply_are_refused_with_scim_errors() {
    let ann = ann();
    let cases = [
        (
            json!({"Operations": [{"op": "move", "path": "title"}]}),
            "invalidSyntax",
        ),
        (json!({"Operations": [{"op": "remove"}]}), "noTarget"),
        (
            json!({"Operations": [{"op": "add", "path": "title"}]}),
            "invalidValue",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "id", "value": "x"}]}),
            "mutability",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "shoeSize", "value": "9"}]}),
            "invalidPath",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "emails[type eq \"work\"", "value": "x"}]}),
            "invalidPath",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "emails[type co \"w\"].value", "value": {"x": 1}}]}),
            "invalidValue",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "emails[value co \"nobody\"]", "value": {}}]}),
            "noTarget",
        ),
        (
            json!({"schemas": ["urn:other"], "Operations": []}),
            "invalidSyntax",
        ),
        (
            json!({"Operations": [{"op": "replace", "path": "userName", "value": ""}]}),
            "invalidValue",
        ),
    ];
    for (body, scim_type) in cases {
        let error = patch(&ann, body.clone()).expect_err(&body.to_string());
        assert_eq!(error.scim_type, Some(scim_type), "{body}: {}", error.detail);
    }
}

#[test]
fn attributes_and_excluded_attributes_cut_what_is_served() {
    let ann = served(&ann());
    let only = project(
        ResourceKind::User,
        ann.clone(),
        &[
            AttrPath::parse("userName").expect("path"),
            AttrPath::parse("name.givenName").expect("path"),
        ],
        &[],
    );
    assert_eq!(
        only,
        json!({"schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "id": "u-1", "userName": "Ann.Archer@Alpha.example", "name": {"givenName": "Ann"}})
    );
    let without = project(
        ResourceKind::User,
        ann,
        &[],
        &[
            AttrPath::parse("emails").expect("path"),
            AttrPath::parse(
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
            )
            .expect("path"),
            AttrPath::parse("id").expect("path"),
        ],
    );
    assert!(without.get("emails").is_none());
    assert_eq!(without["id"], json!("u-1"));
    assert!(without[ENTERPRISE_SCHEMA].get("department").is_none());
    assert_eq!(without[ENTERPRISE_SCHEMA]["employeeNumber"], json!("E1"));
}

#[test]
fn a_provisioned_user_is_the_account_a_sync_would_read() {
    let account = directory_user("u-1", &ann(), vec!["Governors".to_owned()]);
    assert_eq!(account.display_name, "Ann Archer");
    assert_eq!(account.email.as_deref(), Some("ann@alpha.example"));
    assert!(account.enabled);
    assert_eq!(account.job_title.as_deref(), Some("Teacher"));
    assert_eq!(account.department.as_deref(), Some("Riverside Primary"));
    assert_eq!(account.groups, ["Governors"]);
    let bare = user(json!({"userName": "bob@alpha.example", "active": "false"}));
    let bare = directory_user("u-2", &bare, Vec::new());
    assert_eq!(bare.display_name, "bob@alpha.example");
    assert_eq!(bare.email.as_deref(), Some("bob@alpha.example"));
    assert!(!bare.enabled);
}

#[test]
fn the_schemas_served_are_the_ones_enforced() {
    let user = all_schemas()[0].to_json("https://attest.example/scim/v2");
    let names: Vec<&str> = user["attributes"]
        .as_array()
        .expect("attributes")
        .iter()
        .filter_map(|attribute| attribute["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "userName",
            "name",
            "displayName",
            "title",
            "emails",
            "active"
        ]
    );
    assert_eq!(user["attributes"][0]["uniqueness"], json!("server"));
    assert!(known_schema(ResourceKind::User, ENTERPRISE_SCHEMA));
    assert!(!known_schema(ResourceKind::Group, ENTERPRISE_SCHEMA));
}

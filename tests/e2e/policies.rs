//! Policies through the API: import, draft, publish with school values, render per
//! reader, diff, review dates, templates adopted by schools, retirement, and roles.

use attest_tests::{TestApp, error_code, error_message};
use serde_json::{Value, json};

const KENSINGTON: &str = include_str!("../../crates/attest-document/samples/001-kensington.txt");
const WESSEX: &str = include_str!("../../crates/attest-document/samples/000-wessex-gardens.txt");

const IMPORT: &str = "mutation($input: ImportPolicyInput!) { importPolicy(input: $input) { policy { id title kind } version { id number state placeholders { key label } signatureFields } warnings { line message } } }";
const SET_VALUES: &str = "mutation($input: SetSchoolVariablesInput!) { setSchoolVariables(input: $input) { variables { key value } } }";
const PUBLISH: &str = "mutation($id: UUID!, $resign: Boolean!) { publishVersion(id: $id, input: {resignRequired: $resign, changeNote: \"termly update\"}) { state number contentHash resignRequired publishedAt } }";
const RENDER: &str = "query($v: UUID!, $s: UUID, $a: MembershipKind, $f: RenderFormat!) { renderPolicy(versionId: $v, schoolId: $s, audience: $a, format: $f) { output contentHash missing } }";

async fn import(test: &TestApp, token: &str, text: &str, school: &str) -> (String, String) {
    let data = test
        .data(
            token,
            IMPORT,
            json!({ "input": { "text": text, "schoolId": school } }),
        )
        .await;
    (
        data["importPolicy"]["policy"]["id"]
            .as_str()
            .expect("policy")
            .to_owned(),
        data["importPolicy"]["version"]["id"]
            .as_str()
            .expect("version")
            .to_owned(),
    )
}

fn values(pairs: &[(&str, &str)]) -> Value {
    pairs
        .iter()
        .map(|(key, value)| json!({ "key": key, "value": value }))
        .collect()
}

#[tokio::test]
async fn a_school_policy_is_imported_valued_published_and_rendered() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Kensington Primary School", "500001")
        .await;
    let imported = test
        .data(
            &trust.admin,
            IMPORT,
            json!({ "input": { "text": KENSINGTON, "schoolId": school } }),
        )
        .await;
    let draft = &imported["importPolicy"]["version"];
    assert_eq!(
        imported["importPolicy"]["policy"]["title"],
        "Acceptable Use Policy"
    );
    assert_eq!(imported["importPolicy"]["policy"]["kind"], "SCHOOL");
    assert_eq!(draft["state"], "DRAFT");
    assert_eq!(
        draft["signatureFields"],
        json!(["name", "signature", "date"])
    );
    assert_eq!(
        draft["placeholders"][0],
        json!({ "key": "lgfl_staffmail", "label": "LGfL StaffMail" })
    );
    let (policy, version) = (
        imported["importPolicy"]["policy"]["id"].clone(),
        draft["id"].clone(),
    );

    let refused = test
        .graphql(
            Some(&trust.admin),
            PUBLISH,
            json!({ "id": version, "resign": true }),
        )
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(
        error_message(&refused)
            .contains("Kensington Primary School has no value for lgfl_staffmail"),
        "{refused}"
    );

    let unknown = test
        .graphql(Some(&trust.admin), SET_VALUES, json!({ "input": { "policyId": policy, "schoolId": school, "variables": values(&[("colour", "red")]) } }))
        .await;
    assert_eq!(error_code(&unknown), "BAD_USER_INPUT");
    assert_eq!(
        unknown["errors"][0]["extensions"]["field"],
        "variables.colour"
    );

    let all = [
        ("lgfl_staffmail", "Microsoft 365 <mail>"),
        (
            "email_system_london_mail_learning",
            "Teams and Google Classroom",
        ),
        ("mojisola_omole", "Ms M. Omole"),
    ];
    test.data(
        &trust.admin,
        SET_VALUES,
        json!({ "input": { "policyId": policy, "schoolId": school, "variables": values(&all) } }),
    )
    .await;
    let published = test
        .data(
            &trust.admin,
            PUBLISH,
            json!({ "id": version, "resign": true }),
        )
        .await;
    assert_eq!(published["publishVersion"]["state"], "PUBLISHED");
    assert_eq!(
        published["publishVersion"]["contentHash"]
            .as_str()
            .map(str::len),
        Some(64)
    );

    let immutable = test
        .graphql(
            Some(&trust.admin),
            "mutation($id: UUID!) { updateDraft(id: $id, input: {text: \"Rewritten\"}) { id } }",
            json!({ "id": version }),
        )
        .await;
    assert_eq!(error_code(&immutable), "CONFLICT");
    assert!(
        error_message(&immutable).contains("published versions never change"),
        "{immutable}"
    );
    let twice = test
        .graphql(
            Some(&trust.admin),
            PUBLISH,
            json!({ "id": version, "resign": true }),
        )
        .await;
    assert_eq!(error_code(&twice), "CONFLICT");

    let render = |audience: &str, format: &str| json!({ "v": version, "s": null, "a": audience, "f": format });
    let teacher = test
        .data(&trust.admin, RENDER, render("TEACHING", "HTML"))
        .await;
    let governor = test
        .data(&trust.admin, RENDER, render("GOVERNOR", "HTML"))
        .await;
    let teacher_html = teacher["renderPolicy"]["output"].as_str().expect("html");
    assert!(
        teacher_html.contains("Microsoft 365 &lt;mail&gt;"),
        "values are filled in and escaped"
    );
    assert!(
        teacher_html.contains("embed the school"),
        "the teaching-only clause is there for teachers"
    );
    assert!(
        !governor["renderPolicy"]["output"]
            .as_str()
            .expect("html")
            .contains("embed the school")
    );
    assert_ne!(
        teacher["renderPolicy"]["contentHash"],
        governor["renderPolicy"]["contentHash"]
    );
    assert_eq!(teacher["renderPolicy"]["missing"], json!([]));

    let policies = test.data(&trust.admin, "query($s: UUID) { policies(schoolId: $s) { title currentVersion { number } draft { id } } }", json!({ "s": school })).await;
    assert_eq!(
        policies["policies"],
        json!([{ "title": "Acceptable Use Policy", "currentVersion": { "number": 1 }, "draft": null }])
    );
}

#[tokio::test]
async fn new_versions_supersede_and_diff_clause_by_clause() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Wessex Gardens Primary School", "500002")
        .await;
    let (policy, first) = import(&test, &trust.admin, WESSEX, &school).await;
    test.data(
        &trust.admin,
        PUBLISH,
        json!({ "id": first, "resign": true }),
    )
    .await;

    let revised = WESSEX.replace(
        "I will not reveal my password(s) to anyone",
        "I will never reveal my password(s) to anyone, including IT staff",
    );
    let next = test
        .data(
            &trust.admin,
            IMPORT,
            json!({ "input": { "text": revised, "policyId": policy } }),
        )
        .await;
    let second = next["importPolicy"]["version"]["id"].clone();
    assert_eq!(next["importPolicy"]["version"]["number"], 2);
    let another = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            json!({ "input": { "text": WESSEX, "policyId": policy } }),
        )
        .await;
    assert_eq!(error_code(&another), "CONFLICT", "one draft at a time");

    let diff = test
        .data(&trust.admin, "query($a: UUID!, $b: UUID!) { diffVersions(fromId: $a, toId: $b) { change kind section before after words { op text } } }", json!({ "a": first, "b": second }))
        .await;
    let changes = diff["diffVersions"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{diff}");
    assert_eq!(changes[0]["change"], "CHANGED");
    assert_eq!(changes[0]["section"], "Agreement");
    assert!(
        changes[0]["words"]
            .as_array()
            .expect("words")
            .iter()
            .any(|w| w["op"] == "insert" && w["text"].as_str().is_some_and(|t| t.contains("IT")))
    );

    let published = test
        .data(
            &trust.admin,
            PUBLISH,
            json!({ "id": second, "resign": false }),
        )
        .await;
    assert_eq!(published["publishVersion"]["resignRequired"], false);
    let versions = test
        .data(
            &trust.admin,
            "query($p: UUID!) { policy(id: $p) { versions { number state changeNote } } }",
            json!({ "p": policy }),
        )
        .await;
    assert_eq!(
        versions["policy"]["versions"],
        json!([{ "number": 2, "state": "PUBLISHED", "changeNote": "termly update" }, { "number": 1, "state": "SUPERSEDED", "changeNote": "termly update" }])
    );
}

#[tokio::test]
async fn reviews_come_due_and_retired_policies_stop() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Wessex Gardens Primary School", "500003")
        .await;
    let (policy, version) = import(&test, &trust.admin, WESSEX, &school).await;
    let due_query = "{ policiesDueForReview { policy { title } nextReviewOn overdue } }";
    assert_eq!(
        test.data(&trust.admin, due_query, json!({})).await["policiesDueForReview"],
        json!([]),
        "drafts are not due"
    );
    test.data(
        &trust.admin,
        PUBLISH,
        json!({ "id": version, "resign": true }),
    )
    .await;
    let due = test.data(&trust.admin, due_query, json!({})).await;
    assert_eq!(
        due["policiesDueForReview"],
        json!([{ "policy": { "title": "Acceptable Use Policy (AUP): Staff and Governors Agreement Form" }, "nextReviewOn": "2026-06-01", "overdue": true }])
    );
    let retired = test
        .data(
            &trust.admin,
            "mutation($p: UUID!) { retirePolicy(id: $p) { retiredAt currentVersion { id } } }",
            json!({ "p": policy }),
        )
        .await;
    assert_ne!(retired["retirePolicy"]["retiredAt"], Value::Null);
    assert_eq!(retired["retirePolicy"]["currentVersion"], Value::Null);
    assert_eq!(
        test.data(&trust.admin, due_query, json!({})).await["policiesDueForReview"],
        json!([])
    );
    let again = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            json!({ "input": { "text": WESSEX, "policyId": policy } }),
        )
        .await;
    assert_eq!(error_code(&again), "CONFLICT");
}

#[tokio::test]
async fn schools_adopt_a_trust_template_with_their_own_values() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Kensington Primary School", "500004")
        .await;
    let template = test.data(&trust.admin, IMPORT, json!({ "input": { "text": KENSINGTON, "kind": "TRUST_TEMPLATE", "title": "Trust staff AUP" } })).await;
    let template_version = template["importPolicy"]["version"]["id"].clone();
    let early = test
        .graphql(Some(&trust.admin), "mutation($v: UUID!, $s: UUID!) { adoptTemplate(input: {templateVersionId: $v, schoolId: $s}) { policy { id } } }", json!({ "v": template_version, "s": school }))
        .await;
    assert_eq!(
        error_code(&early),
        "CONFLICT",
        "only published templates are adopted"
    );
    test.data(
        &trust.admin,
        PUBLISH,
        json!({ "id": template_version, "resign": true }),
    )
    .await;

    let admin = test
        .data(&trust.admin, "mutation($s: UUID) { issueApiToken(input: {name: \"head\", role: SCHOOL_ADMIN, schoolId: $s}) { token } }", json!({ "s": school }))
        .await["issueApiToken"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    let adopt = "mutation($v: UUID!, $s: UUID!, $vars: [VariableInput!]!) { adoptTemplate(input: {templateVersionId: $v, schoolId: $s, variables: $vars}) { policy { id kind templatePolicyId } version { id basedOnVersionId state } } }";
    let all = [
        ("lgfl_staffmail", "StaffMail"),
        ("email_system_london_mail_learning", "Teams"),
        ("mojisola_omole", "Ms Omole"),
    ];
    let adopted = test
        .data(
            &admin,
            adopt,
            json!({ "v": template_version, "s": school, "vars": values(&all) }),
        )
        .await;
    assert_eq!(adopted["adoptTemplate"]["policy"]["kind"], "SCHOOL");
    assert_eq!(
        adopted["adoptTemplate"]["policy"]["templatePolicyId"],
        template["importPolicy"]["policy"]["id"]
    );
    assert_eq!(
        adopted["adoptTemplate"]["version"]["basedOnVersionId"],
        template_version
    );
    let copy = adopted["adoptTemplate"]["version"]["id"].clone();
    let reword = test.graphql(Some(&admin), "mutation($id: UUID!) { updateDraft(id: $id, input: {text: \"Our own words\"}) { id } }", json!({ "id": copy })).await;
    assert_eq!(
        error_code(&reword),
        "CONFLICT",
        "the template's words are locked"
    );
    let published = test
        .data(&admin, PUBLISH, json!({ "id": copy, "resign": true }))
        .await;
    assert_eq!(published["publishVersion"]["state"], "PUBLISHED");
    let rendered = test
        .data(
            &admin,
            RENDER,
            json!({ "v": copy, "s": null, "a": "SUPPORT", "f": "TEXT" }),
        )
        .await;
    assert!(
        rendered["renderPolicy"]["output"]
            .as_str()
            .expect("text")
            .contains("This is currently: StaffMail")
    );

    let template_change = test
        .graphql(
            Some(&admin),
            PUBLISH,
            json!({ "id": template_version, "resign": true }),
        )
        .await;
    assert_eq!(
        error_code(&template_change),
        "FORBIDDEN",
        "school admins cannot touch the trust's template"
    );
    let trust_import = test
        .graphql(
            Some(&admin),
            IMPORT,
            json!({ "input": { "text": KENSINGTON, "kind": "TRUST_LOCKED" } }),
        )
        .await;
    assert_eq!(error_code(&trust_import), "FORBIDDEN");
}

#[tokio::test]
async fn bad_documents_are_refused_clearly() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Some Primary", "500005")
        .await;
    let empty = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            json!({ "input": { "text": "  \n ", "schoolId": school } }),
        )
        .await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");
    assert_eq!(empty["errors"][0]["extensions"]["field"], "text");
    let no_school = test
        .graphql(
            Some(&trust.admin),
            IMPORT,
            json!({ "input": { "text": KENSINGTON } }),
        )
        .await;
    assert_eq!(error_code(&no_school), "BAD_USER_INPUT");
    let schools_policies = test
        .data(&trust.admin, "{ policies { id } }", json!({}))
        .await;
    assert_eq!(
        schools_policies["policies"],
        json!([]),
        "nothing was stored"
    );
}

#[tokio::test]
async fn one_trust_cannot_reach_another_trusts_policies() {
    let test = TestApp::spawn().await;
    let a = test.trust("trust-a").await;
    let b = test.trust("trust-b").await;
    let school = test.with_school(&a.admin, "A Primary", "500006").await;
    let b_school = test.with_school(&b.admin, "B Primary", "500007").await;
    let (policy, version) = import(&test, &a.admin, WESSEX, &school).await;
    assert_eq!(
        test.data(
            &b.admin,
            "{ policies { id } policiesDueForReview { nextReviewOn } }",
            json!({})
        )
        .await["policies"],
        json!([])
    );
    let attempts = [
        (
            "query($id: UUID!) { policy(id: $id) { id } }",
            json!({ "id": policy }),
        ),
        (
            "query($id: UUID!) { policyVersion(id: $id) { id } }",
            json!({ "id": version }),
        ),
        (
            RENDER,
            json!({ "v": version, "s": null, "a": null, "f": "TEXT" }),
        ),
        (
            "query($a: UUID!) { diffVersions(fromId: $a, toId: $a) { change } }",
            json!({ "a": version }),
        ),
        (
            "query($p: UUID!, $s: UUID!) { schoolPolicySettings(policyId: $p, schoolId: $s) { variables { key } } }",
            json!({ "p": policy, "s": school }),
        ),
        (PUBLISH, json!({ "id": version, "resign": true })),
        (
            "mutation($id: UUID!) { updateDraft(id: $id, input: {text: \"x\"}) { id } }",
            json!({ "id": version }),
        ),
        (
            "mutation($id: UUID!) { retirePolicy(id: $id) { id } }",
            json!({ "id": policy }),
        ),
        (
            IMPORT,
            json!({ "input": { "text": WESSEX, "policyId": policy } }),
        ),
        (
            IMPORT,
            json!({ "input": { "text": WESSEX, "schoolId": school } }),
        ),
        (
            SET_VALUES,
            json!({ "input": { "policyId": policy, "schoolId": b_school, "variables": [] } }),
        ),
        (
            "mutation($v: UUID!, $s: UUID!) { adoptTemplate(input: {templateVersionId: $v, schoolId: $s}) { policy { id } } }",
            json!({ "v": version, "s": b_school }),
        ),
    ];
    for (query, variables) in attempts {
        let answer = test.graphql(Some(&b.admin), query, variables).await;
        assert_eq!(error_code(&answer), "NOT_FOUND", "{query}: {answer}");
    }
    let intact = test
        .data(&a.admin, "query($v: UUID!, $p: UUID!) { policyVersion(id: $v) { state } policy(id: $p) { retiredAt } }", json!({ "v": version, "p": policy }))
        .await;
    assert_eq!(intact["policyVersion"]["state"], "DRAFT");
    assert_eq!(intact["policy"]["retiredAt"], Value::Null);
}

const TEMPLATE_WITH_LOCAL_PART: &str = "Trust staff AUP\n\n## 1. Passwords\n\n- 1.1. I will keep my password secret.\n\n## 2. Local arrangements (school to complete)\n\nDescribe your school's arrangements.\n\nI agree to abide by all the points above.\n\nSignature: ___\n";

#[tokio::test]
async fn schools_write_the_sections_a_template_leaves_to_them() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let school = test
        .with_school(&trust.admin, "Cleves Primary School", "500008")
        .await;
    let imported = test
        .data(&trust.admin, "mutation($t: String!) { importPolicy(input: {text: $t, kind: TRUST_TEMPLATE}) { policy { id } version { id editableSections { key heading } } } }", json!({ "t": TEMPLATE_WITH_LOCAL_PART }))
        .await;
    let version = imported["importPolicy"]["version"]["id"].clone();
    assert_eq!(
        imported["importPolicy"]["version"]["editableSections"],
        json!([{ "key": "2", "heading": "Local arrangements (school to complete)" }])
    );
    test.data(
        &trust.admin,
        PUBLISH,
        json!({ "id": version, "resign": true }),
    )
    .await;

    let adopt = "mutation($v: UUID!, $s: UUID!, $a: [AdaptationInput!]!) { adoptTemplate(input: {templateVersionId: $v, schoolId: $s, adaptations: $a}) { policy { id } version { id } warnings { message } } }";
    let locked = test.graphql(Some(&trust.admin), adopt, json!({ "v": version, "s": school, "a": [{ "section": "1", "text": "No passwords needed." }] })).await;
    assert_eq!(error_code(&locked), "BAD_USER_INPUT");
    assert_eq!(locked["errors"][0]["extensions"]["field"], "adaptations.1");
    let adapted = test
        .data(&trust.admin, adopt, json!({ "v": version, "s": school, "a": [{ "section": "2", "text": "Phones stay in the staffroom lockers." }] }))
        .await;
    let copy = adapted["adoptTemplate"]["version"]["id"].clone();
    let rendered = test
        .data(
            &trust.admin,
            RENDER,
            json!({ "v": copy, "s": null, "a": null, "f": "TEXT" }),
        )
        .await;
    let text = rendered["renderPolicy"]["output"].as_str().expect("text");
    assert!(
        text.contains("Phones stay in the staffroom lockers.")
            && !text.contains("Describe your school's arrangements"),
        "{text}"
    );
    assert!(text.contains("I will keep my password secret."), "{text}");
    test.data(&trust.admin, PUBLISH, json!({ "id": copy, "resign": true }))
        .await;

    // A new template version: the school's text is carried over when it re-adopts.
    let template_policy = imported["importPolicy"]["policy"]["id"].clone();
    let revised = TEMPLATE_WITH_LOCAL_PART.replace("secret.", "secret and unique.");
    let v2 = test
        .data(
            &trust.admin,
            IMPORT,
            json!({ "input": { "text": revised, "policyId": template_policy } }),
        )
        .await["importPolicy"]["version"]["id"]
        .clone();
    test.data(&trust.admin, PUBLISH, json!({ "id": v2, "resign": true }))
        .await;
    let readopted = test
        .data(
            &trust.admin,
            adopt,
            json!({ "v": v2, "s": school, "a": [] }),
        )
        .await;
    let copy_v2 = readopted["adoptTemplate"]["version"]["id"].clone();
    let rendered = test
        .data(
            &trust.admin,
            RENDER,
            json!({ "v": copy_v2, "s": null, "a": null, "f": "TEXT" }),
        )
        .await;
    let text = rendered["renderPolicy"]["output"].as_str().expect("text");
    assert!(
        text.contains("secret and unique.")
            && text.contains("Phones stay in the staffroom lockers."),
        "{text}"
    );
    let settings = test
        .data(&trust.admin, "query($p: UUID!, $s: UUID!) { schoolPolicySettings(policyId: $p, schoolId: $s) { adaptations { key value } } }", json!({ "p": adapted["adoptTemplate"]["policy"]["id"], "s": school }))
        .await;
    assert_eq!(
        settings["schoolPolicySettings"]["adaptations"],
        json!([{ "key": "2", "value": "Phones stay in the staffroom lockers." }])
    );
}

#[tokio::test]
async fn a_trust_wide_policy_needs_every_schools_values() {
    let test = TestApp::spawn().await;
    let trust = test.trust("alpha").await;
    let first = test
        .with_school(&trust.admin, "First Primary", "500011")
        .await;
    let second = test
        .with_school(&trust.admin, "Second Primary", "500012")
        .await;
    let text = "Trust AUP\n\n- 1.1. Report breaches to *[DPO Name]*.\n\nI agree to abide by all the points above.\n";
    let imported = test
        .data(
            &trust.admin,
            IMPORT,
            json!({ "input": { "text": text, "kind": "TRUST_LOCKED" } }),
        )
        .await;
    let (policy, version) = (
        imported["importPolicy"]["policy"]["id"].clone(),
        imported["importPolicy"]["version"]["id"].clone(),
    );
    test.data(&trust.admin, SET_VALUES, json!({ "input": { "policyId": policy, "schoolId": first, "variables": values(&[("dpo_name", "Ms Khan")]) } })).await;
    let refused = test
        .graphql(
            Some(&trust.admin),
            PUBLISH,
            json!({ "id": version, "resign": true }),
        )
        .await;
    assert_eq!(error_code(&refused), "BAD_USER_INPUT");
    assert!(
        error_message(&refused).contains("Second Primary has no value for dpo_name"),
        "{refused}"
    );
    assert!(
        !error_message(&refused).contains("First Primary"),
        "{refused}"
    );
    test.data(&trust.admin, SET_VALUES, json!({ "input": { "policyId": policy, "schoolId": second, "variables": values(&[("dpo_name", "Mr Ade")]) } })).await;
    let published = test
        .data(
            &trust.admin,
            PUBLISH,
            json!({ "id": version, "resign": true }),
        )
        .await;
    assert_eq!(published["publishVersion"]["state"], "PUBLISHED");
    let at_second = test
        .data(
            &trust.admin,
            RENDER,
            json!({ "v": version, "s": second, "a": null, "f": "TEXT" }),
        )
        .await;
    assert!(
        at_second["renderPolicy"]["output"]
            .as_str()
            .expect("text")
            .contains("Report breaches to Mr Ade.")
    );
}

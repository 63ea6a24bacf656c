use super::{DocumentLimits, cost_document};

fn limits() -> DocumentLimits {
    DocumentLimits::default()
}

/// 31 fragments, each spreading the next twice: 2^31 fields once expanded.
pub(crate) fn fragment_bomb(levels: usize) -> String {
    let mut query = String::from("query { ...F0 }\n");
    for level in 0..levels {
        query.push_str(&format!(
            "fragment F{level} on Query {{ ...F{next} ...F{next} }}\n",
            next = level + 1
        ));
    }
    query.push_str(&format!("fragment F{levels} on Query {{ __typename }}\n"));
    query
}

#[test]
fn an_ordinary_query_is_costed_and_kept() {
    let costed = cost_document(
        "query People($s: UUID) { viewer { trust { name } } people(schoolId: $s, first: 10) { edges { node { fullName memberships { kind } } } } }",
        &limits(),
    )
    .expect("accepted");
    // viewer, trust, name, people, edges, node, fullName, memberships, kind.
    assert_eq!(costed.fields, 9);
    assert_eq!(costed.depth, 5);
    assert_eq!(costed.aliases, 0);
    assert!(costed.needs_caller(None));
}

#[test]
fn a_fragment_bomb_is_refused_without_expanding_it() {
    let started = std::time::Instant::now();
    let refused = cost_document(&fragment_bomb(31), &limits()).expect_err("refused");
    assert!(
        refused.0.contains("fields once its fragments are expanded"),
        "{refused}"
    );
    // Memoised: the walk visits each fragment once, so even 50 levels refuse at once.
    let refused = cost_document(&fragment_bomb(49), &limits()).expect_err("refused");
    assert!(refused.0.contains("fields"), "{refused}");
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn fragments_are_counted_once_each_when_small() {
    let costed = cost_document(&fragment_bomb(5), &limits()).expect("32 fields are fine");
    assert_eq!(costed.fields, 32);
}

#[test]
fn too_many_fragments_are_refused() {
    let refused = cost_document(&fragment_bomb(60), &limits()).expect_err("refused");
    assert!(refused.0.contains("61 fragments"), "{refused}");
}

#[test]
fn a_fragment_cycle_is_refused() {
    let refused = cost_document(
        "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
        &limits(),
    )
    .expect_err("refused");
    assert!(refused.0.contains("spreads itself"), "{refused}");
}

#[test]
fn an_alias_bomb_is_refused() {
    let fields: String = (0..1_000).map(|n| format!("a{n}: __typename ")).collect();
    let refused = cost_document(&format!("{{ {fields} }}"), &limits()).expect_err("refused");
    assert!(refused.0.contains("aliases"), "{refused}");
    let fields: String = (0..60)
        .map(|n| {
            format!(
                "s{n}: complianceSummary(asOf: \"2026-01-01T00:00:00Z\") {{ overall {{ total }} }} "
            )
        })
        .collect();
    // Sixty summaries pass this cheap guard; the schema's complexity weights refuse them.
    assert!(cost_document(&format!("{{ {fields} }}"), &limits()).is_ok());
}

#[test]
fn ten_thousand_directives_are_refused_before_parsing() {
    let directives = "@include(if: true) ".repeat(10_000);
    let refused =
        cost_document(&format!("{{ __typename {directives} }}"), &limits()).expect_err("refused");
    assert!(refused.0.contains("bytes"), "{refused}");
    let directives = "@include(if: true) ".repeat(5_000);
    let refused =
        cost_document(&format!("{{ __typename {directives} }}"), &limits()).expect_err("refused");
    assert!(refused.0.contains("tokens"), "{refused}");
    let refused = cost_document(
        &format!("{{ __typename {} }}", "@skip(if: false) ".repeat(60)),
        &limits(),
    )
    .expect_err("refused");
    assert!(refused.0.contains("60 directives"), "{refused}");
}

#[test]
fn deep_nesting_is_refused_before_parsing() {
    for depth in [100, 20_000] {
        let query = format!("{}{}", "{ a ".repeat(depth), "}".repeat(depth));
        let refused = cost_document(&query, &limits()).expect_err("refused");
        assert!(refused.0.contains("nests brackets"), "{refused}");
        let list = format!("{{ a(x: {}1{}) }}", "[".repeat(depth), "]".repeat(depth));
        assert!(cost_document(&list, &limits()).is_err());
    }
    let refused = cost_document(
        &format!("{}{}", "{ a ".repeat(20), "}".repeat(20)),
        &limits(),
    )
    .expect_err("refused");
    assert!(refused.0.contains("nested too deep"), "{refused}");
    assert!(refused.0.contains("at most 12"), "{refused}");
}

#[test]
fn a_long_document_is_refused_and_a_long_string_is_one_token() {
    let text = "x".repeat(1_000_000);
    let refused = cost_document(
        &format!("mutation {{ importPolicy(input: {{source: \"{text}\"}}) {{ id }} }}"),
        &limits(),
    )
    .expect_err("large values go in variables");
    assert!(
        refused.0.contains("send large values as variables"),
        "{refused}"
    );
    let text = "x".repeat(90_000);
    let costed = cost_document(
        &format!("mutation {{ importPolicy(input: {{source: \"{text}\"}}) {{ id }} }}"),
        &limits(),
    )
    .expect("a string is one token");
    assert_eq!(costed.fields, 2);
    let block = format!(
        "{{ a(x: \"\"\"{} \\\"\"\" {{{{{{ \"\"\") }}",
        "y".repeat(1000)
    );
    assert!(cost_document(&block, &limits()).is_ok());
}

#[test]
fn brackets_and_hashes_inside_strings_and_comments_are_not_counted() {
    let query = format!(
        "# {}\n{{ a(x: \"{}\") }}",
        "{".repeat(100),
        "[[[[".repeat(100)
    );
    assert!(cost_document(&query, &limits()).is_ok());
}

#[test]
fn too_many_tokens_are_refused() {
    let names = "a ".repeat(20_000);
    let refused = cost_document(&format!("{{ {names} }}"), &limits()).expect_err("refused");
    assert!(refused.0.contains("tokens"), "{refused}");
}

#[test]
fn syntax_errors_are_refused_with_the_parsers_words() {
    let refused = cost_document("{ viewer { ", &limits()).expect_err("refused");
    assert!(
        refused.0.starts_with("the query is not valid GraphQL"),
        "{refused}"
    );
}

#[test]
fn typename_and_introspection_need_no_caller() {
    let limits = limits();
    let typename = cost_document("{ __typename }", &limits).expect("ok");
    assert!(!typename.needs_caller(None));
    let spread = cost_document("{ ...T } fragment T on Query { __typename }", &limits).expect("ok");
    assert!(!spread.needs_caller(None));
    let schema = cost_document("{ __schema { queryType { name } } }", &limits).expect("ok");
    assert!(!schema.needs_caller(None));
    let data =
        cost_document("{ __typename ... on Query { schools { id } } }", &limits).expect("ok");
    assert!(data.needs_caller(None));
    let named =
        cost_document("query A { __typename } query B { schools { id } }", &limits).expect("ok");
    assert!(!named.needs_caller(Some("A")));
    assert!(named.needs_caller(Some("B")));
    assert!(named.needs_caller(None));
}

#[test]
fn signing_with_a_magic_link_needs_no_caller() {
    let costed = cost_document(
        "query($t: String) { signingForm(magicLinkToken: $t) { personName } }",
        &limits(),
    )
    .expect("ok");
    assert!(!costed.needs_caller(None));
}

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

fn question(prompt: &str, options: &[&str], correct: usize) -> CheckQuestion {
    CheckQuestion {
        prompt: prompt.to_owned(),
        options: options.iter().map(|o| (*o).to_owned()).collect(),
        correct,
    }
}

fn kcsie_check() -> UnderstandingCheck {
    UnderstandingCheck::new(
        vec![
            question(
                "Who should you tell about a concern?",
                &["A friend", "The designated safeguarding lead", "Nobody"],
                1,
            ),
            question("Can anyone make a referral?", &["Yes", "No"], 0),
            question(
                "Filtering and monitoring is whose job?",
                &[
                    "IT only",
                    "Everyone's, led by the DSL",
                    "The governors only",
                ],
                1,
            ),
        ],
        2,
    )
    .expect("valid")
}

#[test]
fn an_attempt_passes_at_the_pass_mark_and_fails_below_it() {
    let check = kcsie_check();
    let all_right = check.score(&[1, 0, 1]).expect("answered");
    assert_eq!(
        (all_right.correct, all_right.total, all_right.passed),
        (3, 3, true)
    );
    let at_mark = check.score(&[1, 1, 1]).expect("answered");
    assert_eq!((at_mark.correct, at_mark.passed), (2, true));
    let below = check.score(&[0, 1, 1]).expect("answered");
    assert_eq!((below.correct, below.passed), (1, false));
}

#[test]
fn an_attempt_must_answer_every_question_with_one_of_its_options() {
    let check = kcsie_check();
    let short = check.score(&[1, 0]).expect_err("two of three");
    assert!(
        short.to_string().contains("answer all 3 questions"),
        "{short}"
    );
    let missing = check
        .score(&[1, 2, 1])
        .expect_err("no option 3 on question 2");
    assert!(
        missing
            .to_string()
            .contains("question 2 has 2 options; option 3"),
        "{missing}"
    );
}

#[test]
fn a_check_names_the_question_that_breaks_a_rule() {
    let one_option = UnderstandingCheck::new(
        vec![
            question("Fine?", &["Yes", "No"], 0),
            question("Lonely?", &["Only"], 0),
        ],
        1,
    )
    .expect_err("one option");
    assert!(
        one_option.to_string().contains("question 2: 1 options"),
        "{one_option}"
    );
    let repeated =
        UnderstandingCheck::new(vec![question("Q", &["Yes", " yes "], 0)], 1).expect_err("repeat");
    assert!(
        repeated.to_string().contains("option 2 repeats"),
        "{repeated}"
    );
    let wrong_answer =
        UnderstandingCheck::new(vec![question("Q", &["A", "B"], 2)], 1).expect_err("no option 3");
    assert!(
        wrong_answer
            .to_string()
            .contains("right answer is option 3"),
        "{wrong_answer}"
    );
    let high_mark = UnderstandingCheck::new(vec![question("Q", &["A", "B"], 0)], 2)
        .expect_err("mark above questions");
    assert_eq!(high_mark.field(), "passMark");
    assert!(UnderstandingCheck::new(Vec::new(), 1).is_err());
    let tidied = UnderstandingCheck::new(vec![question("  Who   tells? ", &[" A ", "B"], 0)], 1)
        .expect("valid");
    assert_eq!(tidied.questions[0].prompt, "Who tells?");
    assert_eq!(tidied.questions[0].options[0], "A");
}

fn arb_check() -> impl Strategy<Value = UnderstandingCheck> {
    prop::collection::vec((2usize..=MAX_OPTIONS, any::<prop::sample::Index>()), 1..=8)
        .prop_flat_map(|shapes| {
            let total = shapes.len() as u32;
            (Just(shapes), 1..=total)
        })
        .prop_map(|(shapes, pass_mark)| {
            let questions = shapes
                .iter()
                .enumerate()
                .map(|(n, (options, right))| CheckQuestion {
                    prompt: format!("Question {n}"),
                    options: (0..*options).map(|o| format!("Option {o}")).collect(),
                    correct: right.index(*options),
                })
                .collect();
            UnderstandingCheck::new(questions, pass_mark).expect("generated valid")
        })
}

proptest! {
    #[test]
    fn scoring_counts_right_answers_and_passes_exactly_at_the_mark(
        check in arb_check(),
        picks in prop::collection::vec(any::<prop::sample::Index>(), 8),
    ) {
        let chosen: Vec<usize> = check
            .questions
            .iter()
            .zip(&picks)
            .map(|(question, pick)| pick.index(question.options.len()))
            .collect();
        let score = check.score(&chosen).expect("every answer is an option");
        let expected = check
            .questions
            .iter()
            .zip(&chosen)
            .filter(|(question, choice)| question.correct == **choice)
            .count() as u32;
        prop_assert_eq!(score.correct, expected);
        prop_assert_eq!(score.total, check.questions.len() as u32);
        prop_assert_eq!(score.passed, expected >= check.pass_mark);
        let right: Vec<usize> = check.questions.iter().map(|q| q.correct).collect();
        let perfect = check.score(&right).expect("answered");
        prop_assert!(perfect.passed);
        prop_assert_eq!(perfect.correct, perfect.total);
        // A valid check survives being checked again unchanged.
        prop_assert_eq!(
            UnderstandingCheck::new(check.questions.clone(), check.pass_mark).expect("valid"),
            check
        );
    }
}

#[test]
fn completions_are_read_by_header_meaning_with_british_dates() {
    let file = "\u{feff}Learner Name,Email Address,Date Completed,Certificate Number\n\
                Ann Smith,ann@school.org.uk,01/09/2026,C-1\n\
                Bob Jones,BOB@school.org.uk,2026-09-02,\n";
    let rows = parse_completions(file.as_bytes()).expect("valid");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].email.as_str(), "ann@school.org.uk");
    assert_eq!(rows[0].completed_on, day(2026, 9, 1));
    assert_eq!(rows[0].reference.as_deref(), Some("C-1"));
    assert_eq!(rows[1].email.as_str(), "bob@school.org.uk");
    assert_eq!(rows[1].reference, None);
}

#[test]
fn every_bad_line_is_reported_with_its_line_and_field() {
    let file = "email,completed_on\n\
                ann@school.org.uk,2026-09-01\n\
                not-an-address,2026-09-01\n\
                bob@school.org.uk,31/02/2026\n";
    let problems = parse_completions(file.as_bytes()).expect_err("two bad lines");
    assert_eq!(problems.len(), 2);
    assert_eq!((problems[0].line, problems[0].field), (3, "email"));
    assert!(problems[0].message.contains("no '@'"), "{}", problems[0]);
    assert_eq!((problems[1].line, problems[1].field), (4, "completed_on"));
    assert_eq!(
        problems[1].to_string(),
        "line 4, completed_on: '31/02/2026' is not a date; write 2026-09-01 or 01/09/2026 (day first)"
    );
}

#[test]
fn a_file_without_the_needed_columns_or_lines_is_refused_as_a_whole() {
    let no_email = parse_completions(b"name,completed_on\nAnn,2026-09-01\n").expect_err("no email");
    assert_eq!((no_email[0].line, no_email[0].field), (0, "header"));
    let no_date = parse_completions(b"email,score\na@b.org,9\n").expect_err("no date");
    assert!(no_date[0].message.contains("completed_on"));
    let empty = parse_completions(b"email,completed_on\n").expect_err("no lines");
    assert!(empty[0].message.contains("only a header"));
    let mut many = String::from("email,completed_on\n");
    for _ in 0..=COMPLETIONS_MAX_ROWS {
        many.push_str("a@b.org,2026-09-01\n");
    }
    let too_many = parse_completions(many.as_bytes()).expect_err("too long");
    assert!(too_many[0].message.contains("split the file"));
}

#[test]
fn many_problems_are_listed_up_to_fifty_then_counted() {
    let mut file = String::from("email,completed_on\n");
    for _ in 0..60 {
        file.push_str("nobody,2026-09-01\n");
    }
    let problems = parse_completions(file.as_bytes()).expect_err("all bad");
    assert_eq!(problems.len(), 51);
    assert_eq!(problems[50].message, "and 10 more problems like these");
}

fn arb_date() -> impl Strategy<Value = NaiveDate> {
    (0i64..3_000).prop_map(|offset| day(2020, 1, 1) + chrono::Duration::days(offset))
}

proptest! {
    #[test]
    fn a_written_file_reads_back_as_the_latest_completion_per_person(
        entries in prop::collection::vec((0usize..12, arb_date(), 0usize..4), 1..40),
        email_header in prop::sample::select(vec!["email", "Email Address", "E-mail", "user_email"]),
        date_header in prop::sample::select(vec!["completed_on", "Completion Date", "Date completed"]),
        date_first in any::<bool>(),
    ) {
        let mut file = if date_first {
            format!("{date_header},Name,{email_header}\n")
        } else {
            format!("Name,{email_header},{date_header}\n")
        };
        for (person, on, style) in &entries {
            let written = match style {
                0 => on.format("%Y-%m-%d").to_string(),
                1 => on.format("%d/%m/%Y").to_string(),
                2 => on.format("%d-%m-%Y").to_string(),
                _ => format!("{}T09:30:00Z", on.format("%Y-%m-%d")),
            };
            let email = if person % 2 == 0 {
                format!("person{person}@school.org.uk")
            } else {
                format!("Person{person}@School.org.uk")
            };
            if date_first {
                file.push_str(&format!("{written},\"Smith, Ann\",{email}\n"));
            } else {
                file.push_str(&format!("\"Smith, Ann\",{email},{written}\n"));
            }
        }
        let rows = parse_completions(file.as_bytes()).expect("valid file");
        let mut expected: std::collections::BTreeMap<usize, NaiveDate> = Default::default();
        for (person, on, _) in &entries {
            let kept = expected.entry(*person).or_insert(*on);
            *kept = (*kept).max(*on);
        }
        prop_assert_eq!(rows.len(), expected.len());
        for row in &rows {
            let person: usize = row.email.as_str()["person".len()..row.email.as_str().find('@').expect("at")]
                .parse()
                .expect("number");
            prop_assert_eq!(Some(&row.completed_on), expected.get(&person));
        }
        prop_assert!(rows.windows(2).all(|pair| pair[0].line < pair[1].line));
    }
}

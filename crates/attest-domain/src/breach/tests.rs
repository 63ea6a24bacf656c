use chrono::{Duration, TimeZone, Utc};

use super::*;

#[test]
fn every_move_is_either_allowed_or_refused_with_the_alternatives() {
    use BreachStatus::*;
    let allowed = [
        (Reported, Triaged),
        (Reported, ClosedNotABreach),
        (Triaged, Assessed),
        (Triaged, ClosedNotABreach),
        (Assessed, NotifiedIco),
        (Assessed, SubjectsNotified),
        (Assessed, Closed),
        (NotifiedIco, SubjectsNotified),
        (NotifiedIco, Closed),
        (SubjectsNotified, NotifiedIco),
        (SubjectsNotified, Closed),
    ];
    let mut checked = 0;
    for from in BreachStatus::ALL {
        for to in BreachStatus::ALL {
            let result = from.transition(*to);
            if allowed.contains(&(*from, *to)) {
                assert_eq!(result.expect("allowed"), *to);
            } else {
                let error = result.expect_err("refused");
                assert_eq!(error.field(), "status");
                assert!(error.to_string().contains(to.as_str()), "{error}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 49);
    let refused = Reported.transition(NotifiedIco).expect_err("refused");
    assert_eq!(
        refused.to_string(),
        "status: a reported breach cannot move to notified_ico; it can move to triaged or closed_not_a_breach"
    );
    assert!(
        Closed
            .transition(Triaged)
            .expect_err("finished")
            .to_string()
            .contains("finished")
    );
    assert!(!Closed.is_open() && !ClosedNotABreach.is_open() && Assessed.is_open());
}

#[test]
fn categories_round_trip_and_special_ones_are_marked() {
    for category in DataCategory::ALL {
        assert_eq!(
            category.as_str().parse::<DataCategory>().expect("parses"),
            *category
        );
        assert!(!category.label().is_empty());
    }
    assert_eq!(DataCategory::ALL.len(), 20);
    assert_eq!(PeopleCategory::ALL.len(), 7);
    // Every article 9 category, sex life and sexual orientation apart, genetic and
    // biometric apart, article 10's offences, and gender reassignment as the ICO lists it.
    let special: Vec<&str> = DataCategory::offered()
        .iter()
        .filter(|c| c.is_special())
        .map(|c| c.as_str())
        .collect();
    assert_eq!(
        special,
        [
            "health",
            "racial_or_ethnic_origin",
            "political_opinions",
            "religious_beliefs",
            "trade_union_membership",
            "genetic",
            "biometric",
            "sex_life",
            "sexual_orientation",
            "gender_reassignment",
            "criminal_offences"
        ]
    );
    // The combined values of earlier reports are still read, and still special, but
    // no longer offered.
    for legacy in ["sex_life_or_orientation", "genetic_or_biometric"] {
        let category = legacy.parse::<DataCategory>().expect("still read");
        assert!(category.is_special());
        assert!(!DataCategory::offered().contains(&category));
    }
    assert_eq!(PeopleCategory::Pupils.ico_types(), ["Children", "Students"]);
    for people in PeopleCategory::ALL {
        assert!(!people.ico_types().is_empty());
    }
    let error = "passwords".parse::<DataCategory>().expect_err("unknown");
    assert_eq!(error.field(), "data_categories");
    assert!(error.to_string().contains("identification_data"), "{error}");
}

#[test]
fn risk_is_likelihood_against_severity() {
    use Rating::*;
    assert_eq!(risk_level(Low, Low), RiskLevel::NoLikelyRisk);
    assert_eq!(risk_level(Low, Medium), RiskLevel::Risk);
    assert_eq!(risk_level(Low, High), RiskLevel::Risk);
    assert_eq!(risk_level(Medium, Medium), RiskLevel::Risk);
    assert_eq!(risk_level(Medium, High), RiskLevel::HighRisk);
    assert_eq!(risk_level(High, Medium), RiskLevel::HighRisk);
    assert_eq!(risk_level(High, Low), RiskLevel::Risk);
    assert_eq!(risk_level(High, High), RiskLevel::HighRisk);
}

#[test]
fn references_count_within_the_year() {
    assert_eq!(breach_reference(2026, 7), "BR-2026-0007");
    assert_eq!(breach_reference(2027, 12345), "BR-2027-12345");
}

#[test]
fn the_deadline_is_72_wall_clock_hours_across_the_clock_changes() {
    let utc = |y, m, d, h| Utc.with_ymd_and_hms(y, m, d, h, 0, 0).single().expect("t");
    // Aware at 10:00 BST on Friday 23 October; clocks go back on Sunday 25th. 72 real
    // hours later is 09:00 GMT on Monday 26th (09:00 UTC), not 10:00.
    let aware = utc(2026, 10, 23, 9);
    let deadline = ico_deadline(aware);
    assert_eq!(deadline, utc(2026, 10, 26, 9));
    assert_eq!(
        deadline
            .with_timezone(&crate::LONDON)
            .format("%a %-d %b %H:%M %Z")
            .to_string(),
        "Mon 26 Oct 09:00 GMT"
    );
    // Aware at 10:00 GMT on Friday 27 March; clocks go forward on Sunday 29th.
    let aware = utc(2026, 3, 27, 10);
    assert_eq!(
        ico_deadline(aware)
            .with_timezone(&crate::LONDON)
            .format("%a %-d %b %H:%M %Z")
            .to_string(),
        "Mon 30 Mar 11:00 BST"
    );
    assert!(!is_overdue(aware, utc(2026, 3, 30, 9)));
    assert!(is_overdue(aware, utc(2026, 3, 30, 10)));
}

#[test]
fn alerts_escalate_at_24_48_and_60_hours_then_overdue() {
    let aware = Utc
        .with_ymd_and_hms(2026, 11, 20, 16, 0, 0)
        .single()
        .expect("t");
    assert!(alerts_due(aware, aware + Duration::hours(23)).is_empty());
    assert_eq!(
        alerts_due(aware, aware + Duration::hours(24)),
        vec![AlertStage::After24Hours]
    );
    assert_eq!(
        alerts_due(aware, aware + Duration::hours(61)),
        vec![
            AlertStage::After24Hours,
            AlertStage::After48Hours,
            AlertStage::TwelveHoursLeft
        ]
    );
    assert_eq!(alerts_due(aware, aware + Duration::hours(72)).len(), 4);
}

#[test]
fn withholding_special_category_removes_every_text_that_may_describe_it() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("t");
    let mut input = facts_input();
    input.data_other = Some("medical notes for two pupils".to_owned());
    let mut record = BreachRecord::new(BreachFacts::parse(input, now).expect("valid"));
    record.triage_notes = Some("SEN and health data of 30 pupils".to_owned());
    record.lessons_learned = Some("check recipients".to_owned());
    record.withhold_special_category();
    assert!(record.facts.data_categories.iter().all(|c| !c.is_special()));
    assert!(!record.facts.data_categories.is_empty(), "others stay");
    assert!(record.facts.what_happened.starts_with("[withheld"));
    assert_eq!(record.facts.data_other, None);
    assert_eq!(record.triage_notes, None);
    assert_eq!(record.lessons_learned, None);
    assert!(record.assessment.is_none());
    assert_eq!(
        record.facts.reporter_name, "Sam Office",
        "who reported stays"
    );
}

fn facts_input() -> BreachFactsInput {
    BreachFactsInput {
        what_happened: "A spreadsheet of Year 6 SEN needs was emailed to the wrong parent."
            .to_owned(),
        occurred_at: None,
        discovered_at: Some(
            Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
                .single()
                .expect("t"),
        ),
        how_discovered: "The parent replied to say so.".to_owned(),
        cyber_incident: "no".to_owned(),
        data_categories: vec![
            "health".to_owned(),
            "basic_identifiers".to_owned(),
            "health".to_owned(),
        ],
        people_categories: vec!["pupils".to_owned()],
        staff_involved: "yes".to_owned(),
        recovered_or_contained: "unknown".to_owned(),
        reporter_name: "Sam Office".to_owned(),
        ..BreachFactsInput::default()
    }
}

#[test]
fn a_report_is_checked_field_by_field() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("t");
    let facts = BreachFacts::parse(facts_input(), now).expect("valid");
    assert_eq!(
        facts.data_categories,
        vec![DataCategory::BasicIdentifiers, DataCategory::Health]
    );
    assert!(facts.has_special_category());
    type Change = Box<dyn Fn(&mut BreachFactsInput)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "what_happened",
            Box::new(|i| i.what_happened = "  ".to_owned()),
        ),
        ("discovered_at", Box::new(|i| i.discovered_at = None)),
        (
            "discovered_at",
            Box::new(move |i| i.discovered_at = Some(now + Duration::hours(1))),
        ),
        ("occurred_at", Box::new(move |i| i.occurred_at = Some(now))),
        ("data_categories", Box::new(|i| i.data_categories = vec![])),
        (
            "data_categories",
            Box::new(|i| i.data_categories = vec!["passwords".to_owned()]),
        ),
        (
            "data_other",
            Box::new(|i| i.data_categories = vec!["other".to_owned()]),
        ),
        (
            "people_other",
            Box::new(|i| i.people_categories = vec!["other".to_owned()]),
        ),
        (
            "cyber_incident",
            Box::new(|i| i.cyber_incident = "maybe".to_owned()),
        ),
        (
            "reporter_name",
            Box::new(|i| i.reporter_name = String::new()),
        ),
    ];
    for (field, change) in cases {
        let mut input = facts_input();
        change(&mut input);
        let error = BreachFacts::parse(input, now).expect_err(field);
        assert_eq!(error.field(), field, "{error}");
    }
}

#[test]
fn assessments_need_reasons_and_high_risk_means_telling_people() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("t");
    let input = || AssessmentInput {
        consequences: "Distress to the family.".to_owned(),
        likelihood: "medium".to_owned(),
        severity: "high".to_owned(),
        containment_actions: "Recall requested; parent confirmed deletion.".to_owned(),
        notify_ico: true,
        ico_reasons: "Special category data about children.".to_owned(),
        notify_subjects: true,
        subjects_reasons: None,
        subjects_exception: None,
        measures_proposed: None,
        others_told: vec!["trust_board".to_owned()],
    };
    let assessed = Assessment::parse(input(), now).expect("valid");
    assert_eq!(assessed.risk_level, RiskLevel::HighRisk);
    let silent = Assessment::parse(
        AssessmentInput {
            notify_subjects: false,
            subjects_reasons: Some("x".to_owned()),
            ..input()
        },
        now,
    )
    .expect_err("high risk");
    assert_eq!(silent.field(), "notify_subjects");
    let low = AssessmentInput {
        likelihood: "low".to_owned(),
        severity: "low".to_owned(),
        notify_ico: false,
        notify_subjects: false,
        ..input()
    };
    assert_eq!(
        Assessment::parse(low.clone(), now)
            .expect_err("why not")
            .field(),
        "subjects_reasons"
    );
    let reasoned = Assessment::parse(
        AssessmentInput {
            subjects_reasons: Some("Recovered unread within the hour.".to_owned()),
            ..low
        },
        now,
    )
    .expect("valid");
    assert_eq!(reasoned.risk_level, RiskLevel::NoLikelyRisk);
    let no_reason = Assessment::parse(
        AssessmentInput {
            ico_reasons: " ".to_owned(),
            ..input()
        },
        now,
    )
    .expect_err("reasons");
    assert_eq!(no_reason.field(), "ico_reasons");
    assert_eq!(
        Assessment::parse(
            AssessmentInput {
                others_told: vec!["press".to_owned()],
                ..input()
            },
            now
        )
        .expect_err("party")
        .field(),
        "others_told"
    );
}

#[test]
fn late_ico_reports_need_a_reason_and_closing_needs_what_was_decided() {
    let aware = Utc
        .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .single()
        .expect("t");
    let now = aware + Duration::hours(80);
    let late = IcoReport::parse(
        false,
        "ICO-123",
        aware + Duration::hours(73),
        None,
        None,
        aware,
        now,
    )
    .expect_err("late");
    assert_eq!(late.field(), "delay_reason");
    let explained = IcoReport::parse(
        false,
        "ICO-123",
        aware + Duration::hours(73),
        Some("Half-term: the DPO was not reachable."),
        None,
        aware,
        now,
    )
    .expect("explained");
    assert!(explained.delay_reason.is_some());
    assert!(
        IcoReport::parse(
            true,
            "ICO-123",
            aware + Duration::hours(79),
            None,
            Some("More detail"),
            aware,
            now
        )
        .is_ok(),
        "follow-ups need no delay reason"
    );
    assert_eq!(
        IcoReport::parse(
            false,
            "ICO-1",
            aware - Duration::hours(1),
            None,
            None,
            aware,
            now
        )
        .expect_err("early")
        .field(),
        "notified_at"
    );

    let facts = BreachFacts::parse(facts_input(), now).expect("valid");
    let mut record = BreachRecord::new(facts);
    assert!(record.check_can_close().is_err(), "not assessed");
    record.assessment = Some(
        Assessment::parse(
            AssessmentInput {
                consequences: "c".to_owned(),
                likelihood: "high".to_owned(),
                severity: "high".to_owned(),
                containment_actions: "a".to_owned(),
                notify_ico: true,
                ico_reasons: "r".to_owned(),
                notify_subjects: true,
                subjects_reasons: None,
                subjects_exception: None,
                measures_proposed: None,
                others_told: vec![],
            },
            now,
        )
        .expect("valid"),
    );
    assert!(
        record
            .check_can_close()
            .expect_err("ico")
            .to_string()
            .contains("ICO")
    );
    record.ico_reports.push(explained);
    assert!(
        record
            .check_can_close()
            .expect_err("people")
            .to_string()
            .contains("people")
    );
    record.subject_notice = Some(SubjectNotice {
        notified_at: now,
        how: "Letter".to_owned(),
        message: Some(
            "We are sorry: a letter about your child was sent to another family.".to_owned(),
        ),
        people_told: Some(1),
        public_notice: false,
    });
    assert!(record.check_can_close().is_ok());
}

#[test]
fn a_high_risk_untold_needs_an_article_34_3_exception_and_a_public_notice_closes_the_third() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("t");
    let high = || AssessmentInput {
        consequences: "Addresses of 2,000 families exposed.".to_owned(),
        likelihood: "high".to_owned(),
        severity: "high".to_owned(),
        containment_actions: "Site taken down.".to_owned(),
        notify_ico: true,
        ico_reasons: "High risk.".to_owned(),
        notify_subjects: false,
        subjects_reasons: Some("Contact details are out of date for most.".to_owned()),
        subjects_exception: None,
        measures_proposed: None,
        others_told: vec![],
    };
    let refused = Assessment::parse(high(), now).expect_err("needs an exception");
    assert!(refused.to_string().contains("34(3)"), "{refused}");
    for exception in SubjectsException::ALL {
        let assessed = Assessment::parse(
            AssessmentInput {
                subjects_exception: Some(exception.as_str().to_owned()),
                measures_proposed: None,
                ..high()
            },
            now,
        )
        .expect("an exception applies");
        assert_eq!(assessed.subjects_exception, Some(*exception));
        assert!(!exception.label().is_empty());
    }
    let unknown = Assessment::parse(
        AssessmentInput {
            subjects_exception: Some("too busy".to_owned()),
            measures_proposed: None,
            ..high()
        },
        now,
    )
    .expect_err("unknown");
    assert_eq!(unknown.field(), "subjects_exception");
    let not_high = Assessment::parse(
        AssessmentInput {
            likelihood: "low".to_owned(),
            severity: "medium".to_owned(),
            subjects_exception: Some("unintelligible".to_owned()),
            measures_proposed: None,
            ..high()
        },
        now,
    )
    .expect_err("only for a high risk");
    assert_eq!(not_high.field(), "subjects_exception");
    let told_anyway = Assessment::parse(
        AssessmentInput {
            notify_subjects: true,
            subjects_exception: Some("risk_removed".to_owned()),
            measures_proposed: None,
            ..high()
        },
        now,
    )
    .expect_err("an exception is for not telling");
    assert_eq!(told_anyway.field(), "subjects_exception");

    // Disproportionate: closing needs the public notice made instead.
    let facts = BreachFacts::parse(facts_input(), now).expect("valid");
    let mut record = BreachRecord::new(facts);
    record.assessment = Some(
        Assessment::parse(
            AssessmentInput {
                notify_ico: false,
                ico_reasons: "Reported by the processor to the ICO directly.".to_owned(),
                subjects_exception: Some("disproportionate".to_owned()),
                measures_proposed: None,
                ..high()
            },
            now,
        )
        .expect("valid"),
    );
    let close = record.check_can_close().expect_err("public notice");
    assert!(close.to_string().contains("public notice"), "{close}");
    record.subject_notice = Some(SubjectNotice {
        notified_at: now,
        how: "Notice on the school website and newsletter".to_owned(),
        message: Some("What happened, what we have done, what you can do.".to_owned()),
        people_told: None,
        public_notice: false,
    });
    assert!(
        record.check_can_close().is_err(),
        "a notice to each is not the public one"
    );
    if let Some(notice) = &mut record.subject_notice {
        notice.public_notice = true;
    }
    assert!(record.check_can_close().is_ok());
}

#[test]
fn a_risk_the_ico_is_not_told_of_is_a_warning_on_the_record() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("t");
    let input = |likelihood: &str, notify_ico: bool| AssessmentInput {
        consequences: "c".to_owned(),
        likelihood: likelihood.to_owned(),
        severity: "medium".to_owned(),
        containment_actions: "a".to_owned(),
        notify_ico,
        ico_reasons: "Recovered unread.".to_owned(),
        notify_subjects: true,
        subjects_reasons: None,
        subjects_exception: None,
        measures_proposed: None,
        others_told: vec![],
    };
    let risky = Assessment::parse(input("medium", false), now).expect("valid");
    let warning = risky.ico_warning().expect("a warning");
    assert!(
        warning.contains("risk") && warning.contains("Recovered unread."),
        "{warning}"
    );
    assert!(
        Assessment::parse(input("medium", true), now)
            .expect("valid")
            .ico_warning()
            .is_none()
    );
    let no_likely_risk = AssessmentInput {
        severity: "low".to_owned(),
        ..input("low", false)
    };
    assert!(
        Assessment::parse(no_likely_risk, now)
            .expect("valid")
            .ico_warning()
            .is_none()
    );
}

#[test]
fn trust_admins_act_as_dpo_and_school_admins_see_special_categories_only_when_granted() {
    use crate::{Actor, PersonId, Principal, RoleAssignment, SchoolId, TrustId};
    let trust = TrustId::generate();
    let (north, south) = (SchoolId::generate(), SchoolId::generate());
    let person = || Actor::Person(PersonId::generate());
    let admin = Principal::mint(trust, person(), vec![RoleAssignment::trust_admin()]);
    let dpo = Principal::mint(
        trust,
        person(),
        vec![RoleAssignment::new(crate::Role::Dpo, None).expect("role")],
    );
    let north_admin = Principal::mint(
        trust,
        person(),
        vec![RoleAssignment::new(crate::Role::SchoolAdmin, Some(north)).expect("role")],
    );
    let mut settings = BreachSettings::default();
    assert!(settings.may_act_as_dpo(&dpo));
    assert!(settings.may_act_as_dpo(&Principal::mint(
        trust,
        Actor::System(crate::SystemTask::CommandLine),
        vec![RoleAssignment::trust_admin()]
    )));
    assert!(!settings.may_act_as_dpo(&admin), "not unless configured");
    assert!(!settings.may_act_as_dpo(&north_admin));
    settings.trust_admins_act_as_dpo = true;
    assert!(settings.may_act_as_dpo(&admin));
    assert!(!settings.may_act_as_dpo(&north_admin));

    assert!(!settings.special_categories_granted(&north_admin, &[north]));
    settings.special_category_schools.insert(south);
    assert!(
        !settings.special_categories_granted(&north_admin, &[north]),
        "another school's grant"
    );
    settings.special_category_schools.insert(north);
    assert!(settings.special_categories_granted(&north_admin, &[north, south]));
    let south_admin = Principal::mint(
        trust,
        person(),
        vec![RoleAssignment::new(crate::Role::SchoolAdmin, Some(south)).expect("role")],
    );
    assert!(
        !settings.special_categories_granted(&south_admin, &[north]),
        "not theirs"
    );
}

#[test]
fn the_clock_runs_from_the_discovery_until_awareness_is_confirmed_and_later_needs_a_reason() {
    let discovered = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("t");
    assert_eq!(clock_start(None, discovered), discovered);
    let later = discovered + Duration::hours(20);
    assert_eq!(clock_start(Some(later), discovered), later);
    assert_eq!(
        check_awareness(discovered, discovered, None).expect("same time"),
        None
    );
    assert_eq!(
        check_awareness(discovered - Duration::hours(2), discovered, None).expect("earlier"),
        None
    );
    assert!(check_awareness(discovered + Duration::minutes(4), discovered, None).is_ok());
    let refused = check_awareness(later, discovered, None).expect_err("a reason");
    assert_eq!(refused.field(), "awareReason");
    assert_eq!(
        check_awareness(later, discovered, Some("Reported to the office on Monday"))
            .expect("with a reason"),
        Some("Reported to the office on Monday".to_owned())
    );
    assert!(check_awareness(later, discovered, Some("  ")).is_err());
}

#[test]
fn a_correction_lists_each_changed_field_with_its_previous_value() {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .single()
        .expect("t");
    let first = BreachFacts::parse(facts_input(), now).expect("valid");
    assert!(first.changes_since(&first).is_empty());
    let corrected = BreachFacts::parse(
        BreachFactsInput {
            people_affected: Some(31),
            how_discovered: "The parent emailed the office.".to_owned(),
            ..facts_input()
        },
        now,
    )
    .expect("valid");
    let changes = corrected.changes_since(&first);
    let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(fields, ["how_discovered", "people_affected"]);
    let people = &changes[1];
    assert_eq!(people.before, serde_json::json!(first.people_affected));
    assert_eq!(people.after, serde_json::json!(31));
    // What the ICO was sent stays as it was when the record changes later.
    let mut record = BreachRecord::new(first.clone());
    let sent = record.snapshot(Some(now));
    record.facts = corrected;
    assert_eq!(sent.facts, first);
    assert_ne!(record.snapshot(Some(now)), sent);
}

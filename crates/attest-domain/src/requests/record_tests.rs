use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

fn term(name: &str, from: NaiveDate, to: NaiveDate) -> Term {
    Term {
        name: name.to_owned(),
        starts_on: from,
        ends_on: to,
    }
}

/// A school year as an academy trust publishes it (2025–26).
fn school_year() -> TermCalendar {
    TermCalendar::parse(
        vec![
            term("Autumn", day(2025, 9, 3), day(2025, 12, 19)),
            term("Spring", day(2026, 1, 5), day(2026, 3, 27)),
            term("Summer", day(2026, 4, 13), day(2026, 7, 21)),
            term("Autumn 2026", day(2026, 9, 2), day(2026, 12, 18)),
        ],
        vec![day(2026, 1, 5), day(2026, 6, 1)],
        vec![],
    )
    .expect("a valid calendar")
}

fn request(kind: RequestKind, received: NaiveDate) -> RequestRecord {
    RequestRecord::parse(
        RequestInput {
            kind,
            requester_name: "A Parent".to_owned(),
            requester_contact: "parent@example.org".to_owned(),
            relationship: Relationship::ParentOrCarer,
            about: (!kind.is_foi()).then(|| "Their child, Year 4".to_owned()),
            description: "Everything held about my child".to_owned(),
            received_on: received,
        },
        received,
    )
    .expect("valid")
}

#[test]
fn a_term_calendar_counts_holidays_between_terms_and_inset_days_as_no_school() {
    let terms = school_year();
    let calendar = terms.calendar(day(2025, 9, 1), 2);
    assert!(calendar.is_school_day(day(2025, 12, 19)));
    assert!(
        !calendar.is_school_day(day(2025, 12, 22)),
        "Christmas holidays"
    );
    assert!(calendar.is_working_day(day(2025, 12, 22)));
    assert!(!calendar.is_school_day(day(2026, 1, 5)), "an INSET day");
    assert!(!calendar.is_working_day(day(2026, 4, 6)), "Easter Monday");
    assert!(
        calendar.is_school_day(day(2027, 1, 4)),
        "past the calendar: counted"
    );
    assert_eq!(terms.covered_until(), Some(day(2026, 12, 18)));
    // Reminders: not on bank holidays or in holidays, but on INSET days.
    assert!(!terms.sends_reminders_on(day(2025, 12, 29)));
    assert!(
        !terms.sends_reminders_on(day(2026, 5, 25)),
        "spring bank holiday"
    );
    assert!(terms.sends_reminders_on(day(2026, 1, 5)));
    assert!(terms.sends_reminders_on(day(2026, 2, 10)));
}

#[test]
fn a_term_calendar_refuses_what_cannot_be() {
    let overlap = TermCalendar::parse(
        vec![
            term("Autumn", day(2025, 9, 3), day(2025, 12, 19)),
            term("Spring", day(2025, 12, 1), day(2026, 3, 27)),
        ],
        vec![],
        vec![],
    );
    assert!(
        overlap
            .expect_err("overlap")
            .to_string()
            .contains("Autumn and Spring overlap")
    );
    let backwards = TermCalendar::parse(
        vec![term("Autumn", day(2025, 9, 3), day(2025, 9, 1))],
        vec![],
        vec![],
    );
    assert!(
        backwards
            .expect_err("backwards")
            .to_string()
            .contains("ends")
    );
    let weekend_inset = TermCalendar::parse(
        vec![term("Autumn", day(2025, 9, 3), day(2025, 12, 19))],
        vec![day(2025, 9, 6)],
        vec![],
    );
    assert!(
        weekend_inset
            .expect_err("weekend")
            .to_string()
            .contains("not a weekday in a term")
    );
    let unnamed = TermCalendar::parse(
        vec![term(" ", day(2025, 9, 3), day(2025, 9, 4))],
        vec![],
        vec![],
    );
    assert!(unnamed.is_err());
}

#[test]
fn worked_examples_of_foi_requests_on_a_school_calendar() {
    let calendar = school_year().calendar(day(2025, 9, 1), 2);
    // Received Friday 5 December 2025: 10 school days to 19 December, the Christmas
    // holidays do not count, 5 January is an INSET day, so the 20th is Monday 19 January.
    let foi = request(RequestKind::Foi, day(2025, 12, 5));
    let due = foi.deadline(&calendar, day(2025, 12, 5));
    assert_eq!(due.due_on, day(2026, 1, 19));
    // Received in the summer holidays (27 July): nothing counts until term starts on
    // 2 September; the 20th school day is 29 September.
    let summer = request(RequestKind::Foi, day(2026, 7, 27));
    assert_eq!(
        summer.deadline(&calendar, day(2026, 7, 27)).due_on,
        day(2026, 9, 29)
    );
    // Clarification sought 8 December and received 12 January: the 20 days start again.
    let mut clarified = foi.clone();
    clarified
        .stop_clock(
            PauseReason::Clarification,
            day(2025, 12, 8),
            Some("which year?"),
            day(2025, 12, 8),
        )
        .expect("stop");
    assert_eq!(clarified.status(), RequestStatus::Paused);
    assert!(
        clarified
            .deadline(&calendar, day(2025, 12, 10))
            .clock_stopped
    );
    clarified
        .restart_clock(day(2026, 1, 12), day(2026, 1, 12))
        .expect("restart");
    assert_eq!(clarified.status(), RequestStatus::Open);
    assert_eq!(
        clarified.deadline(&calendar, day(2026, 1, 12)).due_on,
        day(2026, 2, 9)
    );
}

#[test]
fn clocks_count_school_days_and_months_across_the_clock_changes() {
    // Autumn 2026 with its half term; the clocks go back on Sunday 25 October.
    let terms = TermCalendar::parse(
        vec![
            term("Spring", day(2026, 1, 5), day(2026, 3, 27)),
            term("Summer", day(2026, 4, 13), day(2026, 7, 21)),
            term("Autumn 1", day(2026, 9, 2), day(2026, 10, 23)),
            term("Autumn 2", day(2026, 11, 2), day(2026, 12, 18)),
        ],
        vec![],
        vec![],
    )
    .expect("valid");
    let calendar = terms.calendar(day(2026, 1, 1), 2);
    // FOI received on the Friday before half term: the clock change falls in the holiday,
    // the first school day is 2 November and the 20th is Friday 27 November.
    let autumn = request(RequestKind::Foi, day(2026, 10, 23));
    assert_eq!(
        autumn.deadline(&calendar, day(2026, 10, 23)).due_on,
        day(2026, 11, 27)
    );
    // FOI received the Thursday before the clocks go forward (29 March, in the Easter
    // holidays): Friday 27 March is day 1, term resumes 13 April, and the early May bank
    // holiday (4 May) is skipped, so the 20th school day is Friday 8 May.
    let spring = request(RequestKind::Foi, day(2026, 3, 26));
    assert_eq!(
        spring.deadline(&calendar, day(2026, 3, 26)).due_on,
        day(2026, 5, 8)
    );
    // A subject access request received on the day the clocks change runs one calendar
    // month, to the same date: 29 March → Wednesday 29 April; 25 October → Wednesday
    // 25 November.
    for (received, due) in [
        (day(2026, 3, 29), day(2026, 4, 29)),
        (day(2026, 10, 25), day(2026, 11, 25)),
    ] {
        let sar = request(RequestKind::SubjectAccess, received);
        assert_eq!(sar.deadline(&calendar, received).due_on, due, "{received}");
    }
}

#[test]
fn worked_examples_of_subject_access_requests() {
    let calendar = school_year().calendar(day(2025, 9, 1), 2);
    // School holidays do not extend a SAR: received 19 December 2025, due 19 January.
    let sar = request(RequestKind::SubjectAccess, day(2025, 12, 19));
    assert_eq!(
        sar.deadline(&calendar, day(2025, 12, 19)).due_on,
        day(2026, 1, 19)
    );
    // Identity asked the same day, ID arrived 2 January: 14 days added → 2 February.
    let mut checked = sar.clone();
    checked
        .stop_clock(
            PauseReason::Identity,
            day(2025, 12, 19),
            None,
            day(2025, 12, 19),
        )
        .expect("stop");
    checked
        .restart_clock(day(2026, 1, 2), day(2026, 1, 2))
        .expect("restart");
    assert_eq!(checked.identity_verified_on, Some(day(2026, 1, 2)));
    assert_eq!(
        checked.deadline(&calendar, day(2026, 1, 2)).due_on,
        day(2026, 2, 2)
    );
    // Complex: extended by two months, the requester told 10 January (within the month).
    checked
        .extend(
            2,
            "Ten years of records across three schools",
            day(2026, 1, 10),
            &calendar,
            day(2026, 1, 10),
        )
        .expect("extend");
    let due = checked.deadline(&calendar, day(2026, 1, 10));
    assert_eq!(due.due_on, day(2026, 4, 2));
    assert_eq!(due.first_due_on, day(2026, 2, 2));
    // Told too late: refused with the first deadline named.
    let mut late = sar.clone();
    let error = late
        .extend(1, "complex", day(2026, 1, 20), &calendar, day(2026, 1, 25))
        .expect_err("too late");
    assert!(error.to_string().contains("2026-01-19"), "{error}");
    assert!(
        late.extend(3, "x", day(2026, 1, 2), &calendar, day(2026, 1, 2))
            .is_err()
    );
    // Answered on 20 January: a day late.
    let mut answered = sar.clone();
    answered
        .close(
            Outcome::CompliedInPart,
            day(2026, 1, 20),
            "Sent with third parties redacted",
            day(2026, 1, 20),
        )
        .expect("close");
    assert!(answered.answered_late(&calendar, day(2026, 1, 20)));
    assert_eq!(answered.status(), RequestStatus::Answered);
    assert!(
        answered
            .close(
                Outcome::Complied,
                day(2026, 1, 20),
                "again",
                day(2026, 1, 20)
            )
            .is_err()
    );
}

#[test]
fn a_request_refuses_impossible_steps() {
    let today = day(2026, 3, 10);
    let mut sar = request(RequestKind::SubjectAccess, day(2026, 3, 2));
    assert!(
        sar.stop_clock(PauseReason::Identity, day(2026, 3, 1), None, today)
            .is_err(),
        "before receipt"
    );
    assert!(
        sar.stop_clock(PauseReason::Identity, day(2026, 3, 11), None, today)
            .is_err(),
        "future"
    );
    assert!(sar.restart_clock(today, today).is_err(), "not stopped");
    sar.stop_clock(PauseReason::Identity, day(2026, 3, 3), None, today)
        .expect("stop");
    assert!(
        sar.stop_clock(PauseReason::Clarification, day(2026, 3, 4), None, today)
            .is_err(),
        "already stopped"
    );
    assert!(
        sar.restart_clock(day(2026, 3, 2), today).is_err(),
        "before it stopped"
    );
    let error = sar
        .close(Outcome::Complied, today, "done", today)
        .expect_err("stopped");
    assert!(error.to_string().contains("withdrawn"));
    sar.close(
        Outcome::Withdrawn,
        today,
        "No ID after two reminders",
        today,
    )
    .expect("withdrawn");
    assert_eq!(sar.status(), RequestStatus::Withdrawn);
    assert_eq!(sar.stops[0].until, Some(today));
    let missing_about = RequestRecord::parse(
        RequestInput {
            kind: RequestKind::Erasure,
            requester_name: "X".to_owned(),
            requester_contact: "x@example.org".to_owned(),
            relationship: Relationship::DataSubject,
            about: None,
            description: "Delete my photos".to_owned(),
            received_on: today,
        },
        today,
    );
    assert!(
        missing_about
            .expect_err("about")
            .to_string()
            .contains("about")
    );
}

#[test]
fn alerts_come_a_week_of_working_days_before_and_when_overdue() {
    let calendar = school_year().calendar(day(2025, 9, 1), 2);
    let deadline = Deadline {
        due_on: day(2026, 2, 2),
        clock_stopped: false,
        first_due_on: day(2026, 2, 2),
    };
    assert_eq!(
        request_alert_due(deadline, day(2026, 1, 23), &calendar),
        None
    );
    assert_eq!(
        working_days_left(day(2026, 1, 26), day(2026, 2, 2), &calendar),
        5
    );
    assert_eq!(
        request_alert_due(deadline, day(2026, 1, 26), &calendar),
        Some(RequestAlert::DueSoon)
    );
    assert_eq!(
        request_alert_due(deadline, day(2026, 2, 2), &calendar),
        Some(RequestAlert::DueSoon)
    );
    assert_eq!(
        request_alert_due(deadline, day(2026, 2, 3), &calendar),
        Some(RequestAlert::Overdue)
    );
    let stopped = Deadline {
        clock_stopped: true,
        ..deadline
    };
    assert_eq!(request_alert_due(stopped, day(2026, 2, 3), &calendar), None);
}

proptest! {
    /// Whatever the order of steps, a request's deadline never comes before its plain
    /// deadline, stopping the clock never brings it forward, and an extension never
    /// shortens it.
    #[test]
    fn steps_never_bring_a_deadline_forward(
        foi in any::<bool>(),
        offset in 0..700_u64,
        stops in proptest::collection::vec((0..20_u64, 0..30_u64), 0..3),
        extend in 0..3_u32,
    ) {
        let terms = school_year();
        let received = day(2025, 9, 1) + Days::new(offset);
        let calendar = terms.calendar(received, 2);
        let kind = if foi { RequestKind::Foi } else { RequestKind::SubjectAccess };
        let mut record = request(kind, received);
        let plain = record.deadline(&calendar, received).due_on;
        let mut cursor = received;
        for (gap, length) in stops {
            let from = cursor + Days::new(gap);
            let until = from + Days::new(length);
            record.stop_clock(PauseReason::Clarification, from, None, until).expect("stop");
            record.restart_clock(until, until).expect("restart");
            cursor = until;
        }
        let today = cursor;
        let stopped = record.deadline(&calendar, today).due_on;
        prop_assert!(stopped >= plain);
        prop_assert!(calendar.is_working_day(stopped));
        if extend > 0 {
            let told = received;
            record.extend(extend, "complex", told, &calendar, today).expect("extend");
            prop_assert!(record.deadline(&calendar, today).due_on > stopped);
        }
    }
}

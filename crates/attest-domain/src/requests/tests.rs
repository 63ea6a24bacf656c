use chrono::{Datelike, Days, NaiveDate, Weekday};
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

fn england(years: std::ops::RangeInclusive<i32>) -> Calendar {
    Calendar {
        bank_holidays: years.flat_map(bank_holidays).collect(),
        closed: Default::default(),
    }
}

#[test]
fn the_icos_worked_examples_for_a_rights_request() {
    let calendar = england(2023..=2027);
    // Received 3 September: due 3 October (a Saturday in 2026, so Monday 5 October).
    assert_eq!(
        rights_deadline(day(2025, 9, 3), &[], 0, &calendar),
        day(2025, 10, 3)
    );
    assert_eq!(
        rights_deadline(day(2026, 9, 3), &[], 0, &calendar),
        day(2026, 10, 5)
    );
    // 31 January: the following month has no 31st, so its last day (a leap year's 29th).
    assert_eq!(one_month_after(day(2023, 1, 31), 1), day(2023, 2, 28));
    assert_eq!(one_month_after(day(2024, 1, 31), 1), day(2024, 2, 29));
    assert_eq!(
        rights_deadline(day(2024, 1, 31), &[], 0, &calendar),
        day(2024, 2, 29)
    );
    // Extended by two further months for a complex request.
    assert_eq!(
        rights_deadline(day(2025, 9, 3), &[], 2, &calendar),
        day(2025, 12, 3)
    );
    // A deadline on a bank holiday moves to the next working day: 25 December 2025 (a
    // Thursday) and Boxing Day → Monday 29 December.
    assert_eq!(
        rights_deadline(day(2025, 11, 25), &[], 0, &calendar),
        day(2025, 12, 29)
    );
}

#[test]
fn the_clock_stops_while_identity_or_clarification_is_awaited() {
    let calendar = england(2025..=2026);
    let asked = Pause::new(day(2025, 9, 5), day(2025, 9, 12)).expect("valid");
    // Seven days paused: 3 October + 7 = 10 October.
    assert_eq!(
        rights_deadline(day(2025, 9, 3), &[asked], 0, &calendar),
        day(2025, 10, 10)
    );
    assert!(Pause::new(day(2025, 9, 12), day(2025, 9, 5)).is_err());
}

#[test]
fn bank_holidays_follow_england_and_waless_rules() {
    assert_eq!(
        bank_holidays(2026),
        vec![
            day(2026, 1, 1),
            day(2026, 4, 3),
            day(2026, 4, 6),
            day(2026, 5, 4),
            day(2026, 5, 25),
            day(2026, 8, 31),
            day(2026, 12, 25),
            day(2026, 12, 28),
        ],
        "Boxing Day 2026 is a Saturday: the substitute is Monday 28th"
    );
    assert_eq!(bank_holidays(2027)[0], day(2027, 1, 1));
    assert!(
        bank_holidays(2022).contains(&day(2022, 12, 27)),
        "Christmas on a Sunday"
    );
    assert!(
        bank_holidays(2021).contains(&day(2021, 12, 27))
            && bank_holidays(2021).contains(&day(2021, 12, 28))
    );
}

#[test]
fn an_foi_request_counts_school_days_up_to_sixty_working_days() {
    let mut calendar = england(2026..=2026);
    // Term time: received Monday 2 March 2026, 20 school days later (no holidays) is
    // Monday 30 March.
    assert_eq!(
        foi_deadline(day(2026, 3, 2), &calendar, 0),
        day(2026, 3, 30)
    );
    // The Easter holidays (30 March – 10 April) do not count as school days.
    let mut on = day(2026, 3, 30);
    while on <= day(2026, 4, 10) {
        calendar.closed.insert(on);
        on = on.succ_opt().expect("next");
    }
    assert_eq!(
        foi_deadline(day(2026, 3, 2), &calendar, 0),
        day(2026, 4, 13)
    );
    // Over the summer holidays (22 July – 1 September): 1 school day in July, then 19
    // from 2 September.
    let mut on = day(2026, 7, 22);
    while on <= day(2026, 9, 1) {
        calendar.closed.insert(on);
        on = on.succ_opt().expect("next");
    }
    assert_eq!(
        foi_deadline(day(2026, 7, 20), &calendar, 0),
        day(2026, 9, 28)
    );
    // Closed until the end of September: the 60th working day (13 October) comes first.
    while on <= day(2026, 9, 30) {
        calendar.closed.insert(on);
        on = on.succ_opt().expect("next");
    }
    assert_eq!(
        foi_deadline(day(2026, 7, 20), &calendar, 0),
        day(2026, 10, 13)
    );
    // A public interest test: 20 further working days.
    assert_eq!(
        foi_deadline(day(2026, 3, 2), &england(2026..=2026), 20),
        day(2026, 4, 29)
    );
}

proptest! {
    /// A rights deadline is a working day, at least a month after receipt (plus pauses)
    /// and never more than a few days past it; extending never shortens it.
    #[test]
    fn a_rights_deadline_is_a_working_day_a_month_on(
        offset in 0..3_000_u64,
        paused in proptest::collection::vec((0..40_u64, 0..20_u64), 0..3),
    ) {
        let calendar = england(2020..=2030);
        let received = day(2020, 1, 1) + Days::new(offset);
        let pauses: Vec<Pause> = paused
            .iter()
            .map(|(start, length)| {
                let from = received + Days::new(*start);
                Pause::new(from, from + Days::new(*length)).expect("valid")
            })
            .collect();
        let total: u64 = paused.iter().map(|(_, length)| length).sum();
        let due = rights_deadline(received, &pauses, 0, &calendar);
        let month = one_month_after(received, 1) + Days::new(total);
        prop_assert!(calendar.is_working_day(due));
        prop_assert!(due >= month);
        prop_assert!((due - month).num_days() <= 4, "{} then {}", month, due);
        prop_assert!(rights_deadline(received, &pauses, 2, &calendar) >= due);
        // The month's date is the same day of the month, or the month's last day.
        let plain = one_month_after(received, 1);
        prop_assert!(plain.day() == received.day() || plain.succ_opt().is_some_and(|next| next.day() == 1));
    }

    /// An FOI deadline is a working day, after 20 school days or 60 working days,
    /// whichever comes first, and never before 20 working days.
    #[test]
    fn an_foi_deadline_is_twenty_school_days_or_sixty_working_days(
        offset in 0..2_000_u64,
        closed in proptest::collection::vec((0..400_u64, 1..30_u64), 0..4),
    ) {
        let mut calendar = england(2020..=2027);
        let received = day(2020, 1, 1) + Days::new(offset);
        for (start, length) in &closed {
            for n in 0..*length {
                calendar.closed.insert(received + Days::new(start + n));
            }
        }
        let due = foi_deadline(received, &calendar, 0);
        prop_assert!(calendar.is_working_day(due));
        let mut school = 0;
        let mut working = 0;
        let mut on = received;
        while on < due {
            on = on.succ_opt().expect("next");
            if calendar.is_working_day(on) { working += 1; }
            if calendar.is_school_day(on) { school += 1; }
        }
        prop_assert!(school == FOI_SCHOOL_DAYS || working == FOI_WORKING_DAYS_CAP);
        prop_assert!(school <= FOI_SCHOOL_DAYS && working <= FOI_WORKING_DAYS_CAP);
        prop_assert!(working >= FOI_SCHOOL_DAYS);
        prop_assert!(!matches!(due.weekday(), Weekday::Sat | Weekday::Sun));
    }
}

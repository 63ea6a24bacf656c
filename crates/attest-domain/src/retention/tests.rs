use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid")
}

#[test]
fn periods_are_read_written_and_refused_clearly() {
    for (raw, text) in [
        ("P6Y", "P6Y"),
        ("p18m", "P18M"),
        ("P90D", "P90D"),
        ("P1Y6M", "P1Y6M"),
    ] {
        assert_eq!(raw.parse::<Keep>().expect(raw).to_string(), text);
    }
    for bad in [
        "6Y",
        "P",
        "PY",
        "P6W",
        "P6D1Y",
        "P0D",
        "P1Y1Y",
        "P101Y",
        "P-1Y",
        "P9999999D",
    ] {
        assert!(bad.parse::<Keep>().is_err(), "{bad}");
    }
    let error = "P6W".parse::<Keep>().expect_err("weeks").to_string();
    assert!(error.contains("P6Y") && error.contains("keep"), "{error}");
}

#[test]
fn six_years_after_leaving_ends_on_the_same_day_or_the_month_end() {
    assert_eq!(Keep::years(6).ends(day(2020, 8, 31)), day(2026, 8, 31));
    assert_eq!(Keep::years(1).ends(day(2024, 2, 29)), day(2025, 2, 28));
    assert_eq!(Keep::days(90).ends(day(2026, 1, 1)), day(2026, 4, 1));
    assert_eq!(Keep::years(6).cutoff(day(2026, 8, 31)), day(2020, 8, 31));
}

#[test]
fn every_kind_has_a_default_a_source_and_a_name_that_reads_back() {
    let schedule = RetentionSchedule::default();
    for kind in RecordKind::ALL {
        let (keep, source) = kind.default_rule();
        assert_eq!(schedule.keep(kind), keep);
        assert!(!source.is_empty() && !kind.counted_from().is_empty());
        assert_eq!(
            kind.as_str().parse::<RecordKind>().expect("reads back"),
            kind
        );
    }
    assert!("pupils".parse::<RecordKind>().is_err());
    let mut own = RetentionSchedule::default();
    own.periods.insert(RecordKind::Sessions, Keep::days(30));
    assert_eq!(own.keep(RecordKind::Sessions), Keep::days(30));
    assert!(own.is_set(RecordKind::Sessions) && !own.is_set(RecordKind::AuditLog));
    let json = serde_json::to_string(&own).expect("json");
    assert_eq!(
        serde_json::from_str::<RetentionSchedule>(&json).expect("back"),
        own
    );
}

proptest! {
    /// A record is due exactly when its period has ended: counted from before the
    /// cutoff means its end is on or before today.
    #[test]
    fn the_cutoff_agrees_with_the_end_of_each_record(
        years in 0u32..10, months in 0u32..24, days in 0u32..400,
        from_offset in 0i64..8000, today_offset in 0i64..8000,
    ) {
        prop_assume!(years + months + days > 0);
        let keep = format!("P{}{}{}",
            if years > 0 { format!("{years}Y") } else { String::new() },
            if months > 0 { format!("{months}M") } else { String::new() },
            if days > 0 { format!("{days}D") } else { String::new() },
        ).parse::<Keep>().expect("valid");
        let base = day(2010, 1, 1);
        let from = base + chrono::Duration::days(from_offset);
        let today = base + chrono::Duration::days(today_offset);
        let ended = keep.ends(from) <= today;
        let before_cutoff = from <= keep.cutoff(today);
        // Month arithmetic clamps at month ends, so the two can differ only on the days
        // a clamped month end makes equal; outside them they agree.
        if ended != before_cutoff {
            let clamped = keep.ends(from) == keep.ends(from - chrono::Duration::days(1))
                || keep.cutoff(today) == keep.cutoff(today + chrono::Duration::days(1));
            prop_assert!(clamped, "{keep} from {from} today {today}");
        }
    }
}

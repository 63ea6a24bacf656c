//! When email may go out, and which reminder a person is owed. School-facing times are
//! in England (`Europe/London`), with its clock changes; instants are UTC.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

/// The time zone of every school-facing time.
pub const LONDON: Tz = chrono_tz::Europe::London;

/// The day an instant falls on in England: late evening in British Summer Time is
/// already the next day, so a clock's deadline never counts a day early or late.
pub fn school_day(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&LONDON).date_naive()
}

/// The hours email may be sent to staff: by default Monday to Friday, 08:00 to 18:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendWindow {
    pub opens: NaiveTime,
    pub closes: NaiveTime,
    pub weekends: bool,
}

impl Default for SendWindow {
    fn default() -> Self {
        Self {
            opens: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or(NaiveTime::MIN),
            closes: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN),
            weekends: false,
        }
    }
}

impl SendWindow {
    fn open_on(&self, day: NaiveDate) -> bool {
        self.weekends || !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// Whether `at` falls inside a window.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let local = at.with_timezone(&LONDON);
        self.open_on(local.date_naive()) && local.time() >= self.opens && local.time() < self.closes
    }

    /// `at` itself when it is inside a window, else the instant the next window opens.
    pub fn next_open(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        if self.contains(at) {
            return at;
        }
        let local = at.with_timezone(&LONDON);
        let mut day = local.date_naive();
        if local.time() >= self.opens || !self.open_on(day) {
            day = day + Days::new(1);
        }
        for _ in 0..8 {
            if self.open_on(day) {
                // 08:00 exists on every day in England (clocks change at 01:00/02:00).
                if let Some(opens) = LONDON
                    .from_local_datetime(&day.and_time(self.opens))
                    .earliest()
                {
                    return opens.with_timezone(&Utc);
                }
            }
            day = day + Days::new(1);
        }
        at
    }

    /// The day in England whose window `at` is in or is waiting for: the key that makes
    /// several things due for one person in one window go out as one email.
    pub fn window_day(&self, at: DateTime<Utc>) -> NaiveDate {
        self.next_open(at).with_timezone(&LONDON).date_naive()
    }
}

/// One step of chasing one signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReminderStep {
    /// The person has just become due.
    Notice,
    /// The n-th reminder (1-based), `days` after the due day.
    Reminder { number: u32, days: u32 },
    /// Their school admin is told they are still outstanding.
    Escalation,
}

impl ReminderStep {
    /// Stable text for dedupe keys: never twice the same (person, version, step).
    pub fn key(self) -> String {
        match self {
            Self::Notice => "notice".to_owned(),
            Self::Reminder { days, .. } => format!("reminder_{days}d"),
            Self::Escalation => "escalation".to_owned(),
        }
    }
}

/// How a trust chases signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderPlan {
    /// Days after the due day on which to remind again (default 3, 7, 14).
    pub reminder_days: Vec<u32>,
    /// Days after becoming overdue on which the school admin is told.
    pub escalate_after_overdue_days: u32,
}

impl Default for ReminderPlan {
    fn default() -> Self {
        Self {
            reminder_days: vec![3, 7, 14],
            escalate_after_overdue_days: 7,
        }
    }
}

impl ReminderPlan {
    /// Every step owed on `today` for a signature due on `due_on` with `grace_days`,
    /// oldest first. The caller skips those already sent, so a missed day (a weekend,
    /// an outage) catches up rather than skipping, and nothing is sent twice.
    pub fn steps_due(
        &self,
        due_on: NaiveDate,
        grace_days: u32,
        today: NaiveDate,
    ) -> Vec<ReminderStep> {
        if today < due_on {
            return Vec::new();
        }
        let since_due = (today - due_on).num_days();
        let mut steps = vec![ReminderStep::Notice];
        for (index, days) in self.reminder_days.iter().enumerate() {
            if since_due >= i64::from(*days) {
                steps.push(ReminderStep::Reminder {
                    number: u32::try_from(index + 1).unwrap_or(u32::MAX),
                    days: *days,
                });
            }
        }
        let escalate_from = i64::from(grace_days) + 1 + i64::from(self.escalate_after_overdue_days);
        if since_due >= escalate_from {
            steps.push(ReminderStep::Escalation);
        }
        steps
    }

    /// Of the steps owed, the one to send now: the latest (an outage that missed the
    /// notice and the first reminder sends one email, not three). Earlier steps are
    /// recorded as covered by it.
    pub fn step_to_send(
        &self,
        due_on: NaiveDate,
        grace_days: u32,
        today: NaiveDate,
    ) -> Option<ReminderStep> {
        self.steps_due(due_on, grace_days, today)
            .into_iter()
            .filter(|step| *step != ReminderStep::Escalation)
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    #[test]
    fn windows_are_weekdays_eight_to_six_in_england() {
        let window = SendWindow::default();
        // Monday 23 November 2026 (GMT): 08:00 London is 08:00 UTC.
        assert!(!window.contains(utc(2026, 11, 23, 7, 59)));
        assert!(window.contains(utc(2026, 11, 23, 8, 0)));
        assert!(window.contains(utc(2026, 11, 23, 17, 59)));
        assert!(!window.contains(utc(2026, 11, 23, 18, 0)));
        // In summer (BST) 08:00 London is 07:00 UTC.
        assert!(window.contains(utc(2026, 6, 1, 7, 0)));
        assert!(!window.contains(utc(2026, 6, 1, 17, 0)));
        // Saturday.
        assert!(!window.contains(utc(2026, 11, 28, 12, 0)));
    }

    #[test]
    fn outside_a_window_waits_for_the_next_one() {
        let window = SendWindow::default();
        // Friday evening → Monday 08:00.
        assert_eq!(
            window.next_open(utc(2026, 11, 27, 19, 0)),
            utc(2026, 11, 30, 8, 0)
        );
        // Early morning → the same day's 08:00.
        assert_eq!(
            window.next_open(utc(2026, 11, 24, 6, 30)),
            utc(2026, 11, 24, 8, 0)
        );
        // Inside → now.
        let inside = utc(2026, 11, 24, 10, 0);
        assert_eq!(window.next_open(inside), inside);
        assert_eq!(
            window.window_day(utc(2026, 11, 28, 9, 0)),
            day(2026, 11, 30)
        );
    }

    #[test]
    fn clock_changes_move_the_window_not_skip_it() {
        let window = SendWindow::default();
        // Clocks go forward on Sunday 29 March 2026: Monday 30 March opens at 07:00 UTC.
        assert_eq!(
            window.next_open(utc(2026, 3, 28, 12, 0)),
            utc(2026, 3, 30, 7, 0)
        );
        assert_eq!(
            window.next_open(utc(2026, 3, 29, 23, 30)),
            utc(2026, 3, 30, 7, 0)
        );
        assert!(
            window.contains(utc(2026, 3, 27, 8, 0)),
            "Friday before: GMT"
        );
        assert!(
            !window.contains(utc(2026, 3, 30, 17, 0)),
            "Monday after: 18:00 BST"
        );
        // Clocks go back on Sunday 25 October 2026: Monday 26 October opens at 08:00 UTC.
        assert_eq!(
            window.next_open(utc(2026, 10, 24, 12, 0)),
            utc(2026, 10, 26, 8, 0)
        );
        assert!(
            window.contains(utc(2026, 10, 23, 7, 0)),
            "Friday before: BST"
        );
        assert!(
            !window.contains(utc(2026, 10, 26, 7, 0)),
            "Monday after: GMT"
        );
        // A window opening each day across both changes, never twice, never missed.
        for (start, days) in [(utc(2026, 3, 23, 0, 0), 14), (utc(2026, 10, 19, 0, 0), 14)] {
            let mut at = start;
            let mut opened = Vec::new();
            for _ in 0..days * 24 * 4 {
                let next = window.next_open(at);
                if next == at && !window.contains(at - chrono::Duration::minutes(15)) {
                    opened.push(at.with_timezone(&LONDON).date_naive());
                }
                at += chrono::Duration::minutes(15);
            }
            assert_eq!(opened.len(), 10, "ten weekdays in two weeks: {opened:?}");
            let mut unique = opened.clone();
            unique.dedup();
            assert_eq!(unique, opened);
        }
    }

    #[test]
    fn reminders_follow_the_plan_and_catch_up_once() {
        let plan = ReminderPlan::default();
        let due = day(2026, 9, 1);
        assert!(plan.steps_due(due, 14, day(2026, 8, 31)).is_empty());
        assert_eq!(plan.steps_due(due, 14, due), vec![ReminderStep::Notice]);
        assert_eq!(
            plan.step_to_send(due, 14, day(2026, 9, 3)),
            Some(ReminderStep::Notice)
        );
        assert_eq!(
            plan.step_to_send(due, 14, day(2026, 9, 4)),
            Some(ReminderStep::Reminder { number: 1, days: 3 })
        );
        // Overdue after 14 days' grace (16 September); the admin hears 7 days later.
        let late = plan.steps_due(due, 14, day(2026, 9, 22));
        assert!(!late.contains(&ReminderStep::Escalation));
        let later = plan.steps_due(due, 14, day(2026, 9, 23));
        assert!(later.contains(&ReminderStep::Escalation));
        assert_eq!(
            plan.step_to_send(due, 14, day(2026, 9, 23)),
            Some(ReminderStep::Reminder {
                number: 3,
                days: 14
            })
        );
        assert_eq!(
            ReminderStep::Reminder { number: 2, days: 7 }.key(),
            "reminder_7d"
        );
    }
}

#[cfg(test)]
mod school_day_tests {
    use chrono::TimeZone;

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid")
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    #[test]
    fn the_day_follows_england_across_the_clock_changes() {
        // Clocks go forward at 01:00 UTC on Sunday 29 March 2026.
        assert_eq!(school_day(at(2026, 3, 28, 23, 30)), date(2026, 3, 28));
        assert_eq!(school_day(at(2026, 3, 29, 23, 30)), date(2026, 3, 30));
        // In summer time 23:00 UTC is already midnight in England.
        assert_eq!(school_day(at(2026, 7, 20, 22, 59)), date(2026, 7, 20));
        assert_eq!(school_day(at(2026, 7, 20, 23, 0)), date(2026, 7, 21));
        // Back at 01:00 UTC on Sunday 25 October 2026: UTC and England agree again.
        assert_eq!(school_day(at(2026, 10, 24, 23, 30)), date(2026, 10, 25));
        assert_eq!(school_day(at(2026, 10, 25, 23, 30)), date(2026, 10, 25));
    }
}

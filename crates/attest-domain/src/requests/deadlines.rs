//! The deadlines. Rights requests (UK GDPR articles 12(3), 15–22): one calendar month
//! from receipt, counted from the day it arrives to the same date next month (or that
//! month's last day when it has no such date), moved to the next working day when it
//! falls on a weekend or bank holiday; extendable by two further months for complex or
//! numerous requests; the clock stops while identity or clarification is awaited.
//! Freedom of information requests to schools and academies (the Freedom of Information
//! (Time for Compliance with Request) Regulations 2004): the 20th working day after
//! receipt, not counting working days that are not school days, or the 60th working
//! day, whichever is earlier; a public interest test may extend it.

use chrono::{Datelike, Days, Months, NaiveDate};

use super::Calendar;
use crate::DomainError;

/// School days an FOI request to a school must be answered in.
pub const FOI_SCHOOL_DAYS: u32 = 20;
/// …but never later than this many working days.
pub const FOI_WORKING_DAYS_CAP: u32 = 60;

/// A stop of the clock: from the day the controller asked (for identity or
/// clarification) to the day the answer arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pause {
    pub from: NaiveDate,
    pub until: NaiveDate,
}

impl Pause {
    pub fn new(from: NaiveDate, until: NaiveDate) -> Result<Self, DomainError> {
        if until < from {
            return Err(DomainError::invalid(
                "pause",
                format!("the clock cannot restart ({until}) before it stopped ({from})"),
            ));
        }
        Ok(Self { from, until })
    }

    fn days(self) -> u64 {
        u64::try_from((self.until - self.from).num_days()).unwrap_or_default()
    }
}

/// The corresponding date `months` later: the same day of the month, or the last day
/// of that month when it is shorter (31 January → 28 or 29 February).
pub fn one_month_after(day: NaiveDate, months: u32) -> NaiveDate {
    day.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

/// Further months a complex or numerous rights request may be extended by (article 12(3)).
pub const MAX_EXTRA_MONTHS: u32 = 2;

/// When a rights request received on `received` must be answered: one month (plus
/// `extra_months`, at most two), plus every day the clock was stopped, moved to the next
/// working day.
pub fn rights_deadline(
    received: NaiveDate,
    pauses: &[Pause],
    extra_months: u32,
    calendar: &Calendar,
) -> NaiveDate {
    let months = 1 + extra_months.min(MAX_EXTRA_MONTHS);
    let paused: u64 = pauses.iter().map(|pause| pause.days()).sum();
    let due = one_month_after(received, months)
        .checked_add_days(Days::new(paused))
        .unwrap_or(NaiveDate::MAX);
    calendar.next_working_day(due)
}

/// When an FOI request to a school received on `received` must be answered, with
/// `extension` further working days for a public interest test.
pub fn foi_deadline(received: NaiveDate, calendar: &Calendar, extension: u32) -> NaiveDate {
    let (mut school_days, mut working_days) = (0, 0);
    let mut day = received;
    // Counting starts the working day after receipt.
    while school_days < FOI_SCHOOL_DAYS && working_days < FOI_WORKING_DAYS_CAP {
        day = match day.succ_opt() {
            Some(next) => next,
            None => return day,
        };
        if calendar.is_working_day(day) {
            working_days += 1;
            if calendar.is_school_day(day) {
                school_days += 1;
            }
        }
    }
    let mut extra = 0;
    while extra < extension {
        day = match day.succ_opt() {
            Some(next) => next,
            None => return day,
        };
        if calendar.is_working_day(day) {
            extra += 1;
        }
    }
    day
}

/// The England and Wales bank holidays of a year with fixed rules (New Year's Day,
/// Good Friday, Easter Monday, the May bank holidays, the August bank holiday,
/// Christmas and Boxing Day, with substitutes), for a calendar's defaults. One-off
/// holidays (a coronation, a jubilee) are added by the trust.
pub fn bank_holidays(year: i32) -> Vec<NaiveDate> {
    let date = |month, day| NaiveDate::from_ymd_opt(year, month, day);
    let mut days = Vec::new();
    let weekday_of = |day: NaiveDate| day.weekday().num_days_from_monday();
    // New Year's Day, or the Monday after.
    if let Some(new_year) = date(1, 1) {
        days.push(match weekday_of(new_year) {
            5 => new_year + Days::new(2),
            6 => new_year + Days::new(1),
            _ => new_year,
        });
    }
    if let Some(easter) = easter_sunday(year) {
        days.push(easter - Days::new(2));
        days.push(easter + Days::new(1));
    }
    let first_monday = |month| {
        let first = date(month, 1)?;
        Some(first + Days::new(u64::from((7 - weekday_of(first)) % 7)))
    };
    let last_monday = |month: u32| {
        let next = if month == 12 {
            date(12, 31)?
        } else {
            date(month + 1, 1)?.pred_opt()?
        };
        Some(next - Days::new(u64::from(weekday_of(next))))
    };
    days.extend(first_monday(5));
    days.extend(last_monday(5));
    days.extend(last_monday(8));
    if let (Some(christmas), Some(boxing)) = (date(12, 25), date(12, 26)) {
        match weekday_of(christmas) {
            // Saturday: Monday and Tuesday; Sunday: Tuesday for Christmas, Monday for Boxing Day.
            5 => days.extend([christmas + Days::new(2), boxing + Days::new(2)]),
            6 => days.extend([christmas + Days::new(2), boxing + Days::new(0)]),
            4 => days.extend([christmas, boxing + Days::new(2)]),
            _ => days.extend([christmas, boxing]),
        }
    }
    days.sort_unstable();
    days
}

/// Easter Sunday (the anonymous Gregorian algorithm).
fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

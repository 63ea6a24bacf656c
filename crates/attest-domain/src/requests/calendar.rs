//! Which days count: working days (not weekends, not bank holidays in England and
//! Wales) and school days (working days on which the school is in session).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// A trust's calendar: its bank holidays and the working days its schools are closed
/// to pupils (holidays between terms).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub bank_holidays: BTreeSet<NaiveDate>,
    /// Working days with no school session (school holidays).
    pub closed: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.bank_holidays.contains(&day)
    }

    pub fn is_school_day(&self, day: NaiveDate) -> bool {
        self.is_working_day(day) && !self.closed.contains(&day)
    }

    /// `day` if it is a working day, else the next one.
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut day = day;
        while !self.is_working_day(day) {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
        }
        day
    }
}

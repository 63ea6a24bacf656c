//! A trust's term calendar as its admins keep it: the terms (school in session),
//! INSET days (staff in, pupils not), and one-off bank holidays on top of the fixed
//! England and Wales ones. From it come the FOI clock's school days and the days
//! reminders stay quiet (holidays).

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::{Calendar, bank_holidays};
use crate::DomainError;

/// Terms a calendar may hold (ten years of six terms).
pub const MAX_TERMS: usize = 60;
/// INSET days and extra bank holidays a calendar may hold, each.
pub const MAX_CALENDAR_DAYS: usize = 200;
const MAX_TERM_NAME: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Term {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TermCalendar {
    /// In date order, never overlapping.
    pub terms: Vec<Term>,
    pub inset_days: Vec<NaiveDate>,
    pub extra_bank_holidays: Vec<NaiveDate>,
}

fn sorted_unique(
    field: &'static str,
    mut days: Vec<NaiveDate>,
) -> Result<Vec<NaiveDate>, DomainError> {
    if days.len() > MAX_CALENDAR_DAYS {
        return Err(DomainError::invalid(
            field,
            format!("has more than {MAX_CALENDAR_DAYS} days"),
        ));
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

fn weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

impl TermCalendar {
    /// Checks a calendar as typed: every term named, ending on or after it starts, no
    /// two overlapping; INSET days are weekdays inside a term.
    pub fn parse(
        mut terms: Vec<Term>,
        inset_days: Vec<NaiveDate>,
        extra_bank_holidays: Vec<NaiveDate>,
    ) -> Result<Self, DomainError> {
        if terms.len() > MAX_TERMS {
            return Err(DomainError::invalid(
                "terms",
                format!("has more than {MAX_TERMS} terms"),
            ));
        }
        for (index, term) in terms.iter_mut().enumerate() {
            term.name = term.name.trim().to_owned();
            if term.name.is_empty() || term.name.chars().count() > MAX_TERM_NAME {
                return Err(DomainError::invalid(
                    "terms",
                    format!(
                        "term {} needs a name of 1 to {MAX_TERM_NAME} characters",
                        index + 1
                    ),
                ));
            }
            if term.ends_on < term.starts_on {
                return Err(DomainError::invalid(
                    "terms",
                    format!(
                        "{} ends ({}) before it starts ({})",
                        term.name, term.ends_on, term.starts_on
                    ),
                ));
            }
        }
        terms.sort_by_key(|term| term.starts_on);
        if let Some(pair) = terms
            .windows(2)
            .find(|pair| pair[1].starts_on <= pair[0].ends_on)
        {
            return Err(DomainError::invalid(
                "terms",
                format!("{} and {} overlap", pair[0].name, pair[1].name),
            ));
        }
        let calendar = Self {
            terms,
            inset_days: sorted_unique("inset_days", inset_days)?,
            extra_bank_holidays: sorted_unique("extra_bank_holidays", extra_bank_holidays)?,
        };
        if let Some(day) = calendar
            .inset_days
            .iter()
            .find(|day| weekend(**day) || calendar.term_of(**day).is_none())
        {
            return Err(DomainError::invalid(
                "inset_days",
                format!("{day} is not a weekday in a term"),
            ));
        }
        Ok(calendar)
    }

    fn term_of(&self, day: NaiveDate) -> Option<&Term> {
        self.terms
            .iter()
            .find(|term| term.starts_on <= day && day <= term.ends_on)
    }

    /// The last day the terms cover: past it, every working day counts as a school day.
    pub fn covered_until(&self) -> Option<NaiveDate> {
        self.terms.last().map(|term| term.ends_on)
    }

    pub fn is_bank_holiday(&self, day: NaiveDate) -> bool {
        self.extra_bank_holidays.contains(&day) || bank_holidays(day.year()).contains(&day)
    }

    /// A school holiday: a day between two terms. Before the first term and after the
    /// last the calendar says nothing, so those days are not holidays.
    pub fn is_holiday(&self, day: NaiveDate) -> bool {
        let (Some(first), Some(last)) = (self.terms.first(), self.terms.last()) else {
            return false;
        };
        day > first.starts_on && day < last.ends_on && self.term_of(day).is_none()
    }

    /// Whether reminders may go to staff on `day`: not on a bank holiday, not in a
    /// school holiday (INSET days are working days for staff, so reminders go).
    pub fn sends_reminders_on(&self, day: NaiveDate) -> bool {
        !self.is_bank_holiday(day) && !self.is_holiday(day)
    }

    /// The working and school days from `from` for `years` years: what the FOI clock
    /// counts with.
    pub fn calendar(&self, from: NaiveDate, years: u32) -> Calendar {
        let first = from.year();
        let last = first + i32::try_from(years).unwrap_or(1);
        let mut calendar = Calendar {
            bank_holidays: (first..=last).flat_map(bank_holidays).collect(),
            closed: self.inset_days.iter().copied().collect(),
        };
        calendar
            .bank_holidays
            .extend(self.extra_bank_holidays.iter().copied());
        for pair in self.terms.windows(2) {
            let mut day = pair[0].ends_on;
            while let Some(next) = day.checked_add_days(Days::new(1)) {
                if next >= pair[1].starts_on {
                    break;
                }
                calendar.closed.insert(next);
                day = next;
            }
        }
        calendar
    }
}

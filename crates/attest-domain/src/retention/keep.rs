//! A retention period: whole years, months and days, written as an ISO 8601 duration
//! (`P6Y`, `P18M`, `P90D`).

use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// The longest period a rule may set (records kept past a century are not retention).
const MAX_YEARS: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Keep {
    years: u32,
    months: u32,
    days: u32,
}

impl Keep {
    pub const fn years(years: u32) -> Self {
        Self {
            years,
            months: 0,
            days: 0,
        }
    }

    pub const fn days(days: u32) -> Self {
        Self {
            years: 0,
            months: 0,
            days,
        }
    }

    /// The first day a record counted from `from` is no longer kept. A period ending on
    /// a day a month lacks (29 February) ends on that month's last day.
    pub fn ends(self, from: NaiveDate) -> NaiveDate {
        let months = self.years * 12 + self.months;
        let after_months = from
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX);
        after_months
            .checked_add_days(chrono::Days::new(u64::from(self.days)))
            .unwrap_or(NaiveDate::MAX)
    }

    /// Records counted from a day before this are due on `today`.
    pub fn cutoff(self, today: NaiveDate) -> NaiveDate {
        let months = self.years * 12 + self.months;
        today
            .checked_sub_months(Months::new(months))
            .and_then(|day| day.checked_sub_days(chrono::Days::new(u64::from(self.days))))
            .unwrap_or(NaiveDate::MIN)
    }
}

impl fmt::Display for Keep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("P")?;
        if self.years > 0 {
            write!(f, "{}Y", self.years)?;
        }
        if self.months > 0 {
            write!(f, "{}M", self.months)?;
        }
        if self.days > 0 || (self.years == 0 && self.months == 0) {
            write!(f, "{}D", self.days)?;
        }
        Ok(())
    }
}

impl FromStr for Keep {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let invalid = |why: &str| {
            DomainError::invalid(
                "keep",
                format!("'{raw}' {why}: write years, months or days, e.g. P6Y, P18M, P90D"),
            )
        };
        let text = raw.trim().to_ascii_uppercase();
        let mut rest = text
            .strip_prefix('P')
            .ok_or_else(|| invalid("does not start with P"))?;
        if rest.is_empty() {
            return Err(invalid("gives no period"));
        }
        let mut keep = Self::days(0);
        let mut last_unit = 0;
        while !rest.is_empty() {
            let digits = rest.chars().take_while(char::is_ascii_digit).count();
            if digits == 0 || digits > 6 {
                return Err(invalid("is not a number followed by Y, M or D"));
            }
            let number: u32 = rest[..digits]
                .parse()
                .map_err(|_| invalid("is not a number"))?;
            let unit = rest[digits..]
                .chars()
                .next()
                .ok_or_else(|| invalid("has no unit"))?;
            let order = match unit {
                'Y' => 1,
                'M' => 2,
                'D' => 3,
                _ => return Err(invalid("uses a unit other than Y, M or D")),
            };
            if order <= last_unit {
                return Err(invalid("repeats a unit or puts them out of order"));
            }
            last_unit = order;
            match unit {
                'Y' => keep.years = number,
                'M' => keep.months = number,
                _ => keep.days = number,
            }
            rest = &rest[digits + 1..];
        }
        if keep.years * 12 + keep.months + keep.days / 31 > MAX_YEARS * 12 {
            return Err(invalid("is longer than 100 years"));
        }
        if keep.years == 0 && keep.months == 0 && keep.days == 0 {
            return Err(invalid("keeps nothing at all"));
        }
        Ok(keep)
    }
}

impl Serialize for Keep {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Keep {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

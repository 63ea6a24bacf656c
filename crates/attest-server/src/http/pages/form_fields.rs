//! A posted form's fields as the pages read them: one value (the last given), an
//! optional one (blank is none), all of a repeated one (checkboxes), yes/no, a time.

use attest_app::AppError;
use attest_domain::LONDON;
use chrono::{DateTime, Utc};

/// A `datetime-local` value (UK time) as an instant.
pub(crate) fn uk_time(raw: &str) -> Option<DateTime<Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    local
        .and_local_timezone(LONDON)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// A posted form's fields, some repeated (checkboxes).
pub(crate) struct Fields(pub(crate) Vec<(String, String)>);

impl Fields {
    pub(crate) fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    pub(crate) fn optional(&self, name: &str) -> Option<String> {
        Some(self.one(name)).filter(|text| !text.trim().is_empty())
    }

    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    pub(crate) fn yes(&self, name: &str) -> Result<bool, AppError> {
        match self.one(name).as_str() {
            "yes" => Ok(true),
            "no" => Ok(false),
            _ => Err(AppError::invalid(name, "answer yes or no")),
        }
    }

    /// An optional `datetime-local` field, refused when given but not a time.
    pub(crate) fn time(
        &self,
        name: &str,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, AppError> {
        match self.optional(name) {
            None => Ok(None),
            Some(raw) => uk_time(&raw)
                .map(Some)
                .ok_or_else(|| AppError::invalid(name, "give the date and time")),
        }
    }
}

impl Fields {
    /// A `date` field, required.
    pub(crate) fn date(&self, name: &str) -> Result<chrono::NaiveDate, AppError> {
        self.optional_date(name)?
            .ok_or_else(|| AppError::invalid(name, "give the date"))
    }

    /// An optional `date` field, refused when given but not a date.
    pub(crate) fn optional_date(&self, name: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
        match self.optional(name) {
            None => Ok(None),
            Some(raw) => chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .map(Some)
                .map_err(|_| AppError::invalid(name, "give the date as YYYY-MM-DD")),
        }
    }

    /// A whole number field.
    pub(crate) fn number(&self, name: &str) -> Result<u32, AppError> {
        self.one(name)
            .trim()
            .parse()
            .map_err(|_| AppError::invalid(name, "give a whole number"))
    }
}

//! The trust-scoped reference and the ICO's 72-hour clock with its alerts.

use chrono::{DateTime, Duration, Utc};

/// The trust-scoped reference of a breach, e.g. `BR-2026-0007`.
pub fn breach_reference(year: i32, seq: u32) -> String {
    format!("BR-{year}-{seq:04}")
}

/// The ICO must hear within 72 hours of the trust becoming aware: wall-clock hours,
/// weekends and bank holidays included, so plain UTC arithmetic.
pub const ICO_HOURS: i64 = 72;

pub fn ico_deadline(aware_at: DateTime<Utc>) -> DateTime<Utc> {
    aware_at + Duration::hours(ICO_HOURS)
}

/// Whether the ICO deadline has passed at `now`.
pub fn is_overdue(aware_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= ico_deadline(aware_at)
}

text_enum!(
    /// The alerts the DPOs get while no decision about telling the ICO is recorded.
    AlertStage, "stage", {
        Reported => "reported",
        After24Hours => "after_24h",
        After48Hours => "after_48h",
        TwelveHoursLeft => "12h_left",
        Overdue => "overdue",
    }
);

impl AlertStage {
    /// How long after the trust became aware this alert falls due (`Reported` is sent
    /// with the report itself).
    pub fn after_awareness(self) -> Option<Duration> {
        match self {
            Self::Reported => None,
            Self::After24Hours => Some(Duration::hours(24)),
            Self::After48Hours => Some(Duration::hours(48)),
            Self::TwelveHoursLeft => Some(Duration::hours(ICO_HOURS - 12)),
            Self::Overdue => Some(Duration::hours(ICO_HOURS)),
        }
    }
}

/// The escalating alerts due at `now` for a breach the trust became aware of at
/// `aware_at`, oldest first. The caller sends each once (by key) and stops as soon as
/// a decision about the ICO is recorded.
pub fn alerts_due(aware_at: DateTime<Utc>, now: DateTime<Utc>) -> Vec<AlertStage> {
    AlertStage::ALL
        .iter()
        .copied()
        .filter(|stage| {
            stage
                .after_awareness()
                .is_some_and(|after| now >= aware_at + after)
        })
        .collect()
}

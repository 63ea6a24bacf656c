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

/// When the ICO's 72 hours start (UK GDPR article 33(1)): the time the DPO confirmed
/// the trust became aware, and until then the time the breach was discovered (a member
/// of staff knowing is the trust knowing), never when the report was typed in.
pub fn clock_start(aware_at: Option<DateTime<Utc>>, discovered_at: DateTime<Utc>) -> DateTime<Utc> {
    aware_at.unwrap_or(discovered_at)
}

/// How much later than discovery awareness may be put without a reason (the form's
/// minutes, a clock a little off).
const AWARE_SLACK_MINUTES: i64 = 5;

/// Checks the time the trust became aware against the discovery: a later time moves the
/// ICO's deadline later, so it needs the DPO's reason (kept); an earlier one does not.
pub fn check_awareness(
    aware_at: DateTime<Utc>,
    discovered_at: DateTime<Utc>,
    reason: Option<&str>,
) -> Result<Option<String>, crate::DomainError> {
    let reason = super::breach_optional_text("awareReason", reason)?;
    if aware_at > discovered_at + Duration::minutes(AWARE_SLACK_MINUTES) && reason.is_none() {
        return Err(crate::DomainError::invalid(
            "awareReason",
            "the trust became aware later than the breach was discovered: say why (the ICO's 72 hours run from when the trust became aware)",
        ));
    }
    Ok(reason)
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

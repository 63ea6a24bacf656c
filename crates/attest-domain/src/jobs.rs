//! Durable background work: what a job is, the states it moves through, and how long a
//! failed one waits before its next attempt.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, DurationRound, Utc};

use crate::DomainError;

/// What a job does. Each kind has one handler in the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// One trust's reminder tick: notices, reminders, escalations, digests, review alerts.
    Reminders,
    /// One trust's breach escalations to the DPO(s) against the ICO's 72 hours.
    BreachAlerts,
    /// One trust's directory sync: plan and apply, unless the safety valve stops it.
    DirectorySync,
}

impl JobKind {
    pub const ALL: [Self; 3] = [Self::Reminders, Self::BreachAlerts, Self::DirectorySync];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reminders => "reminders",
            Self::BreachAlerts => "breach_alerts",
            Self::DirectorySync => "directory_sync",
        }
    }
}

impl FromStr for JobKind {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
            .ok_or_else(|| DomainError::invalid("kind", format!("unknown job kind '{raw}'")))
    }
}

impl fmt::Display for JobKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a job is in its life.
///
/// `queued` → `running` (leased by one worker) → `done`; a failure goes back to `queued`
/// with a later `run_at` until its attempts run out, then `dead`. An admin may cancel a
/// queued job and retry a dead or cancelled one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Dead,
    Cancelled,
}

impl JobStatus {
    pub const ALL: [Self; 5] = [
        Self::Queued,
        Self::Running,
        Self::Done,
        Self::Dead,
        Self::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Dead => "dead",
            Self::Cancelled => "cancelled",
        }
    }

    /// Whether an admin may put the job back in the queue.
    pub fn can_retry(self) -> bool {
        matches!(self, Self::Dead | Self::Cancelled)
    }

    /// Whether an admin may cancel the job. A running job is left to finish (or fail):
    /// stopping it halfway could leave an email written but its record not.
    pub fn can_cancel(self) -> bool {
        self == Self::Queued
    }
}

impl FromStr for JobStatus {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == raw)
            .ok_or_else(|| {
                DomainError::invalid(
                    "status",
                    format!(
                        "unknown job status '{raw}' (queued, running, done, dead or cancelled)"
                    ),
                )
            })
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How long to wait after the `attempt`-th failure: one minute, doubling per attempt, at
/// most six hours, plus up to a quarter more of jitter (`jitter` in 0..=1) so that many
/// failures at once do not all retry in the same second.
pub fn retry_backoff(attempt: u32, jitter: f64) -> Duration {
    let base = 60_i64.saturating_mul(1_i64 << attempt.saturating_sub(1).min(20));
    let capped = base.min(6 * 3600);
    #[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
    let spread = (capped as f64 * 0.25 * jitter.clamp(0.0, 1.0)) as i64;
    Duration::seconds(capped + spread)
}

/// The dedupe key of a scheduled job: the same for every replica whose scheduler fires
/// in the same minute, so the work is queued once however many replicas tick.
pub fn tick_key(kind: JobKind, trust: impl fmt::Display, at: DateTime<Utc>) -> String {
    let minute = at
        .duration_trunc(Duration::minutes(1))
        .unwrap_or(at)
        .format("%Y-%m-%dT%H:%MZ");
    format!("{kind}:{trust}:{minute}")
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn backoff_doubles_from_a_minute_and_stops_at_six_hours() {
        assert_eq!(retry_backoff(1, 0.0), Duration::seconds(60));
        assert_eq!(retry_backoff(2, 0.0), Duration::seconds(120));
        assert_eq!(retry_backoff(5, 0.0), Duration::seconds(960));
        assert_eq!(retry_backoff(30, 0.0), Duration::hours(6));
        assert_eq!(retry_backoff(1, 1.0), Duration::seconds(75));
        assert_eq!(retry_backoff(0, 0.0), Duration::seconds(60));
    }

    #[test]
    fn replicas_ticking_in_the_same_minute_share_a_key() {
        let first = Utc
            .with_ymd_and_hms(2026, 11, 23, 9, 10, 0)
            .single()
            .expect("t");
        let late = first + Duration::seconds(59);
        let next = first + Duration::seconds(60);
        assert_eq!(
            tick_key(JobKind::Reminders, "t1", first),
            tick_key(JobKind::Reminders, "t1", late)
        );
        assert_ne!(
            tick_key(JobKind::Reminders, "t1", first),
            tick_key(JobKind::Reminders, "t1", next)
        );
        assert_ne!(
            tick_key(JobKind::Reminders, "t1", first),
            tick_key(JobKind::Reminders, "t2", first)
        );
        assert_eq!(
            tick_key(JobKind::Reminders, "t1", first),
            "reminders:t1:2026-11-23T09:10Z"
        );
    }

    #[test]
    fn statuses_and_kinds_round_trip_and_say_what_is_allowed() {
        for status in JobStatus::ALL {
            assert_eq!(
                status.as_str().parse::<JobStatus>().expect("parses"),
                status
            );
        }
        for kind in JobKind::ALL {
            assert_eq!(kind.as_str().parse::<JobKind>().expect("parses"), kind);
        }
        assert!("finished".parse::<JobStatus>().is_err());
        assert!(JobStatus::Dead.can_retry() && JobStatus::Cancelled.can_retry());
        assert!(!JobStatus::Done.can_retry() && !JobStatus::Running.can_retry());
        assert!(JobStatus::Queued.can_cancel());
        assert!(!JobStatus::Running.can_cancel() && !JobStatus::Done.can_cancel());
    }
}

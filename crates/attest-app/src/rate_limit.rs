//! Rate limits per address and per principal, so that guessing (magic links, API tokens,
//! typed names) and flooding (sign-in starts, breach reports, reminder sends) stop with
//! `429 Too Many Requests` and a `Retry-After`, not at the database.
//!
//! Counting is governor's GCRA, kept in this process: replicas each keep their own,
//! which multiplies a limit by the replica count but never lets one caller past a
//! replica's limit. Two ways to count:
//! - `hit`: every attempt counts (sign-in starts, reports, reminder sends);
//! - `blocked` before, `failed` after: only failures count, and a caller past the limit
//!   is refused before the next attempt is even checked (wrong links and tokens), so a
//!   school office of a hundred staff behind one address signing at once is never slowed.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::AppError;

/// What is being limited; each has its own quota and keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Sign-in starts and provider callbacks, per address.
    SignIn,
    /// Magic links that are unknown, used or expired, per address.
    MagicLinkFailure,
    /// Bearer tokens and session cookies that do not authenticate, per address.
    BearerFailure,
    /// Typed names that do not match the signer, per signer.
    TypedNameFailure,
    /// Breach reports, per principal.
    BreachReport,
    /// "Send reminders now", per principal.
    ReminderSend,
    /// Signing links sent by email, per principal.
    MagicLinkSend,
    /// Audit rows written for failed sign-ins by anonymous callers, per address.
    SignInFailureAudit,
    /// Trust-wide CSV exports (compliance, acceptances, the breach register), per
    /// principal: each reads the whole trust.
    Export,
    /// Email sign-in links asked for, per address and per email address asked about.
    EmailSignIn,
    /// Evidence files attached to breaches, per principal.
    EvidenceUpload,
    /// SCIM requests, per SCIM token.
    Scim,
    /// Attempts at a check of understanding, per reader.
    UnderstandingAttempt,
    /// Training completions recorded (certificates, registers, imported files), per
    /// principal.
    TrainingRecord,
    /// Requests logged, steps taken and records saved by one principal.
    Casework,
}

impl Limit {
    pub const ALL: [Limit; 15] = [
        Limit::SignIn,
        Limit::MagicLinkFailure,
        Limit::BearerFailure,
        Limit::TypedNameFailure,
        Limit::BreachReport,
        Limit::ReminderSend,
        Limit::MagicLinkSend,
        Limit::SignInFailureAudit,
        Limit::Export,
        Limit::EmailSignIn,
        Limit::EvidenceUpload,
        Limit::Scim,
        Limit::UnderstandingAttempt,
        Limit::TrainingRecord,
        Limit::Casework,
    ];

    fn what(self) -> &'static str {
        match self {
            Limit::SignIn => "sign-in attempts from this address",
            Limit::MagicLinkFailure => "unknown or used signing links from this address",
            Limit::BearerFailure => "failed authentications from this address",
            Limit::TypedNameFailure => "names that do not match",
            Limit::BreachReport => "breach reports",
            Limit::ReminderSend => "reminder sends",
            Limit::MagicLinkSend => "signing links sent",
            Limit::SignInFailureAudit => "failed sign-ins from this address",
            Limit::Export => "exports",
            Limit::EmailSignIn => "sign-in links asked for",
            Limit::EvidenceUpload => "evidence files attached",
            Limit::Scim => "SCIM requests with this token",
            Limit::UnderstandingAttempt => "attempts at the check of understanding",
            Limit::TrainingRecord => "training records",
            Limit::Casework => "casework changes",
        }
    }
}

/// How many of each an hour or a minute. `0` turns that limit off. Read from the
/// configuration as `[rate_limits]` / `ATTEST_RATE_LIMITS__*`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    pub sign_in_per_minute: u32,
    pub magic_link_failures_per_minute: u32,
    pub bearer_failures_per_minute: u32,
    pub typed_name_failures_per_hour: u32,
    pub breach_reports_per_hour: u32,
    pub reminder_sends_per_hour: u32,
    pub magic_link_sends_per_hour: u32,
    pub sign_in_failure_audits_per_hour: u32,
    pub exports_per_hour: u32,
    pub email_sign_in_per_hour: u32,
    pub evidence_uploads_per_hour: u32,
    /// Per SCIM token: Entra ID's provisioning service stays well under this.
    pub scim_requests_per_minute: u32,
    /// Per reader: enough to learn from mistakes, too few to try every combination.
    pub understanding_attempts_per_hour: u32,
    /// Per principal: certificates, session registers and completion files recorded.
    pub training_records_per_hour: u32,
    /// Per principal: requests logged, their steps, processing records and suppliers saved.
    pub casework_changes_per_hour: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            sign_in_per_minute: 30,
            magic_link_failures_per_minute: 20,
            bearer_failures_per_minute: 20,
            typed_name_failures_per_hour: 10,
            breach_reports_per_hour: 20,
            reminder_sends_per_hour: 10,
            magic_link_sends_per_hour: 100,
            sign_in_failure_audits_per_hour: 10,
            exports_per_hour: 60,
            email_sign_in_per_hour: 10,
            evidence_uploads_per_hour: 60,
            scim_requests_per_minute: 6000,
            understanding_attempts_per_hour: 10,
            training_records_per_hour: 600,
            casework_changes_per_hour: 300,
        }
    }
}

impl RateLimitSettings {
    /// The quota for `limit`: a burst of the whole allowance, refilled evenly.
    fn quota(&self, limit: Limit) -> Option<Quota> {
        let (count, per) = match limit {
            Limit::SignIn => (self.sign_in_per_minute, Duration::from_secs(60)),
            Limit::MagicLinkFailure => {
                (self.magic_link_failures_per_minute, Duration::from_secs(60))
            }
            Limit::BearerFailure => (self.bearer_failures_per_minute, Duration::from_secs(60)),
            Limit::TypedNameFailure => {
                (self.typed_name_failures_per_hour, Duration::from_secs(3600))
            }
            Limit::BreachReport => (self.breach_reports_per_hour, Duration::from_secs(3600)),
            Limit::ReminderSend => (self.reminder_sends_per_hour, Duration::from_secs(3600)),
            Limit::MagicLinkSend => (self.magic_link_sends_per_hour, Duration::from_secs(3600)),
            Limit::SignInFailureAudit => (
                self.sign_in_failure_audits_per_hour,
                Duration::from_secs(3600),
            ),
            Limit::Export => (self.exports_per_hour, Duration::from_secs(3600)),
            Limit::EmailSignIn => (self.email_sign_in_per_hour, Duration::from_secs(3600)),
            Limit::EvidenceUpload => (self.evidence_uploads_per_hour, Duration::from_secs(3600)),
            Limit::Scim => (self.scim_requests_per_minute, Duration::from_secs(60)),
            Limit::UnderstandingAttempt => (
                self.understanding_attempts_per_hour,
                Duration::from_secs(3600),
            ),
            Limit::TrainingRecord => (self.training_records_per_hour, Duration::from_secs(3600)),
            Limit::Casework => (self.casework_changes_per_hour, Duration::from_secs(3600)),
        };
        let burst = NonZeroU32::new(count)?;
        Quota::with_period(per / count).map(|quota| quota.allow_burst(burst))
    }
}

/// Keys kept per limit before the idle ones are swept.
const SWEEP_AT: usize = 10_000;

/// The limiters of one process.
#[derive(Clone)]
pub struct RateLimits {
    inner: Arc<Inner>,
}

struct Inner {
    limiters: HashMap<Limit, DefaultKeyedRateLimiter<String>>,
    /// Callers past a failure limit, until when.
    blocked: Mutex<HashMap<(Limit, String), Instant>>,
    /// Events not recorded because their key was over its limit, to be counted into the
    /// next one recorded.
    suppressed: Mutex<HashMap<String, u64>>,
}

impl RateLimits {
    pub fn new(settings: &RateLimitSettings) -> Self {
        let limiters = Limit::ALL
            .into_iter()
            .filter_map(|limit| Some((limit, RateLimiter::keyed(settings.quota(limit)?))))
            .collect();
        Self {
            inner: Arc::new(Inner {
                limiters,
                blocked: Mutex::new(HashMap::new()),
                suppressed: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// Counts one attempt; refuses it past the limit.
    pub fn hit(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let Some(limiter) = self.inner.limiters.get(&limit) else {
            return Ok(());
        };
        if limiter.len() > SWEEP_AT {
            limiter.retain_recent();
        }
        limiter.check_key(&key.to_owned()).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            limited(limit, wait)
        })
    }

    fn blocked_callers(&self) -> std::sync::MutexGuard<'_, HashMap<(Limit, String), Instant>> {
        self.inner
            .blocked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses a caller who went past a failure limit, until the limit lets them again.
    pub fn blocked(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let mut blocked = self.blocked_callers();
        let now = Instant::now();
        match blocked.get(&(limit, key.to_owned())) {
            Some(until) if *until > now => Err(limited(limit, *until - now)),
            Some(_) => {
                blocked.remove(&(limit, key.to_owned()));
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Counts a failure. Past the limit the caller is blocked (see `blocked`) and this
    /// failure is answered as refused too.
    pub fn failed(&self, limit: Limit, key: &str) -> Result<(), AppError> {
        let refused = self.hit(limit, key);
        if let Err(AppError::RateLimited { retry_after, .. }) = &refused {
            let mut blocked = self.blocked_callers();
            let now = Instant::now();
            if blocked.len() > SWEEP_AT {
                blocked.retain(|_, until| *until > now);
            }
            blocked.insert((limit, key.to_owned()), now + *retry_after);
        }
        refused
    }
}

impl crate::App {
    /// Runs something a magic link authorises. Unknown, used and expired links count
    /// against the caller's address, and an address past the limit is refused before
    /// its next link is even looked up: links cannot be guessed, while a school office
    /// of many staff behind one address signing with good links is never slowed.
    pub async fn link_attempt<T>(
        &self,
        address: Option<&str>,
        attempt: impl std::future::Future<Output = Result<T, AppError>>,
    ) -> Result<T, AppError> {
        let address = address.unwrap_or("unknown");
        self.rate_limits.blocked(Limit::MagicLinkFailure, address)?;
        match attempt.await {
            Err(AppError::NotFound(message)) => {
                self.rate_limits.failed(Limit::MagicLinkFailure, address)?;
                Err(AppError::NotFound(message))
            }
            other => other,
        }
    }
}

/// The key a principal's own limits are counted under: the token or the person.
pub fn principal_key(principal: &attest_domain::Principal) -> String {
    let actor = principal.actor();
    match actor.id() {
        Some(id) => format!("{}:{id}", actor.kind()),
        None => format!("{}:{}", actor.kind(), principal.trust()),
    }
}

impl RateLimits {
    /// Counts an event that was not recorded for `key`.
    pub fn suppress(&self, key: &str) {
        let mut suppressed = self
            .inner
            .suppressed
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if suppressed.len() > SWEEP_AT && !suppressed.contains_key(key) {
            // A flood of new addresses: keep the counts of those already known.
            return;
        }
        *suppressed.entry(key.to_owned()).or_default() += 1;
    }

    /// How many events were not recorded for `key` since the last call.
    pub fn take_suppressed(&self, key: &str) -> u64 {
        self.inner
            .suppressed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(key)
            .unwrap_or_default()
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        Self::new(&RateLimitSettings::default())
    }
}

fn limited(limit: Limit, wait: Duration) -> AppError {
    // Whole seconds, at least one: what `Retry-After` can say.
    let retry_after = Duration::from_secs(wait.as_secs() + u64::from(wait.subsec_nanos() > 0))
        .max(Duration::from_secs(1));
    AppError::RateLimited {
        message: format!(
            "too many {}; try again in {} s",
            limit.what(),
            retry_after.as_secs()
        ),
        retry_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tight() -> RateLimits {
        RateLimits::new(&RateLimitSettings {
            sign_in_per_minute: 3,
            magic_link_failures_per_minute: 2,
            breach_reports_per_hour: 0,
            ..RateLimitSettings::default()
        })
    }

    #[test]
    fn hits_past_the_burst_are_refused_with_a_wait_per_key() {
        let limits = tight();
        for _ in 0..3 {
            assert!(limits.hit(Limit::SignIn, "192.0.2.1").is_ok());
        }
        let Err(AppError::RateLimited {
            retry_after,
            message,
        }) = limits.hit(Limit::SignIn, "192.0.2.1")
        else {
            panic!("the fourth is refused");
        };
        assert!((1..=20).contains(&retry_after.as_secs()), "{retry_after:?}");
        assert!(message.contains("sign-in attempts"), "{message}");
        assert!(
            limits.hit(Limit::SignIn, "192.0.2.2").is_ok(),
            "another address"
        );
    }

    #[test]
    fn failures_block_the_next_attempt_and_successes_never_count() {
        let limits = tight();
        let key = "198.51.100.7";
        assert!(limits.blocked(Limit::MagicLinkFailure, key).is_ok());
        assert!(limits.failed(Limit::MagicLinkFailure, key).is_ok());
        assert!(limits.failed(Limit::MagicLinkFailure, key).is_ok());
        assert!(limits.failed(Limit::MagicLinkFailure, key).is_err());
        assert!(
            limits.blocked(Limit::MagicLinkFailure, key).is_err(),
            "blocked before the next link is even looked up"
        );
        assert!(
            limits
                .blocked(Limit::MagicLinkFailure, "198.51.100.8")
                .is_ok()
        );
        assert!(
            limits.blocked(Limit::BearerFailure, key).is_ok(),
            "limits are separate"
        );
    }

    #[test]
    fn a_zero_turns_a_limit_off() {
        let limits = tight();
        for _ in 0..1_000 {
            assert!(limits.hit(Limit::BreachReport, "person").is_ok());
        }
    }
}

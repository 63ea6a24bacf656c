//! Dashboards poll the trust-wide summary, which reads every obligation in the trust.
//! Requests for "now" that arrive together share one computation, and its result
//! serves for a few seconds; each answer carries the instant it was computed (`asOf`),
//! so nothing claims to be fresher than it is. Past instants are cached only where the
//! caller chose a stable instant (the dashboard's weekly chart points, fixed for a day),
//! so a page load does not cost a fresh trust-wide computation per point.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use attest_domain::{SchoolId, TenantScope, TrustId};
use chrono::{DateTime, Utc};
use tokio::sync::OnceCell;

use super::compliance::ComplianceSummary;
use crate::AppError;

/// How long one computed summary answers for "now".
pub const SUMMARY_TTL: Duration = Duration::from_secs(5);
/// How long a summary at a fixed past instant is kept.
pub const PAST_SUMMARY_TTL: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    trust: TrustId,
    /// The caller's schools (`None`: all), so a school admin never gets a wider answer.
    allowed: Option<Vec<SchoolId>>,
    school: Option<SchoolId>,
    as_of: Option<DateTime<Utc>>,
}

struct Slot {
    created: Instant,
    ttl: Duration,
    value: OnceCell<Arc<ComplianceSummary>>,
}

#[derive(Default)]
pub(crate) struct SummaryCache {
    slots: Mutex<HashMap<Key, Arc<Slot>>>,
}

impl SummaryCache {
    pub async fn get_or_compute<F, Fut>(
        &self,
        scope: &TenantScope,
        (school, as_of): (Option<SchoolId>, Option<DateTime<Utc>>),
        compute: F,
    ) -> Result<Arc<ComplianceSummary>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<ComplianceSummary, AppError>>,
    {
        let key = Key {
            trust: scope.trust(),
            allowed: scope
                .schools()
                .restricted_to()
                .map(|schools| schools.iter().copied().collect()),
            school,
            as_of,
        };
        let ttl = if as_of.is_some() {
            PAST_SUMMARY_TTL
        } else {
            SUMMARY_TTL
        };
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            slots.retain(|_, slot| slot.created.elapsed() < slot.ttl);
            slots
                .entry(key.clone())
                .or_insert_with(|| {
                    Arc::new(Slot {
                        created: Instant::now(),
                        ttl,
                        value: OnceCell::new(),
                    })
                })
                .clone()
        };
        let computed = slot
            .value
            .get_or_try_init(|| async { compute().await.map(Arc::new) })
            .await;
        match computed {
            Ok(summary) => Ok(summary.clone()),
            Err(error) => {
                // A failure is not remembered: the next caller tries again.
                let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
                if slots
                    .get(&key)
                    .is_some_and(|current| Arc::ptr_eq(current, &slot))
                {
                    slots.remove(&key);
                }
                Err(error)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use attest_domain::RoleAssignment;

    use super::*;
    use crate::signing::compliance::Tally;

    fn summary() -> ComplianceSummary {
        ComplianceSummary {
            as_of: chrono::Utc::now(),
            overall: Tally::default(),
            schools: Vec::new(),
        }
    }

    #[tokio::test]
    async fn callers_together_share_one_computation_and_scopes_never_mix() {
        let cache = Arc::new(SummaryCache::default());
        let trust = TrustId::generate();
        let admin = crate::principals::system(trust, attest_domain::SystemTask::Jobs).scope();
        let runs = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (cache, admin, runs) = (cache.clone(), admin.clone(), runs.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get_or_compute(&admin, (None, None), || async {
                        runs.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok(summary())
                    })
                    .await
            }));
        }
        for task in tasks {
            assert!(task.await.expect("joined").is_ok());
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);

        let school = SchoolId::generate();
        let school_admin = crate::principals::token_holder(
            trust,
            attest_domain::ApiTokenId::generate(),
            RoleAssignment::new(attest_domain::Role::SchoolAdmin, Some(school)).expect("valid"),
        )
        .scope();
        cache
            .get_or_compute(&school_admin, (None, None), || async {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok(summary())
            })
            .await
            .expect("computed");
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "a narrower scope is its own entry"
        );
    }

    #[tokio::test]
    async fn a_past_instant_is_computed_once_and_kept() {
        let cache = SummaryCache::default();
        let scope =
            crate::principals::system(TrustId::generate(), attest_domain::SystemTask::Jobs).scope();
        let at = chrono::Utc::now() - chrono::Duration::weeks(3);
        let runs = AtomicUsize::new(0);
        for _ in 0..3 {
            cache
                .get_or_compute(&scope, (None, Some(at)), || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Ok(summary())
                })
                .await
                .expect("computed");
        }
        assert_eq!(
            runs.load(Ordering::SeqCst),
            1,
            "a dashboard reload costs nothing"
        );
        cache
            .get_or_compute(
                &scope,
                (None, Some(at - chrono::Duration::weeks(1))),
                || async {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Ok(summary())
                },
            )
            .await
            .expect("computed");
        assert_eq!(
            runs.load(Ordering::SeqCst),
            2,
            "another instant is its own entry"
        );
    }

    #[tokio::test]
    async fn failures_are_not_remembered() {
        let cache = SummaryCache::default();
        let scope =
            crate::principals::system(TrustId::generate(), attest_domain::SystemTask::Jobs).scope();
        let failed = cache
            .get_or_compute(&scope, (None, None), || async {
                Err(AppError::Internal("database away".to_owned()))
            })
            .await;
        assert!(failed.is_err());
        let retried = cache
            .get_or_compute(&scope, (None, None), || async { Ok(summary()) })
            .await;
        assert!(retried.is_ok());
    }
}

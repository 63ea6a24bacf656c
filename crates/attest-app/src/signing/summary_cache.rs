//! Dashboards poll the trust-wide summary, which counts every obligation in the trust.
//! Requests for "now" that arrive together share one computation, and its result
//! serves for a few seconds; each answer carries the instant it was computed (`asOf`),
//! so nothing claims to be fresher than it is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use attest_domain::{SchoolId, TenantScope, TrustId};
use tokio::sync::OnceCell;

use super::compliance::ComplianceSummary;
use crate::AppError;

/// How long one computed summary answers for "now".
pub const SUMMARY_TTL: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    trust: TrustId,
    /// The caller's schools (`None`: all), so a school admin never gets a wider answer.
    allowed: Option<Vec<SchoolId>>,
    school: Option<SchoolId>,
}

struct Slot {
    created: Instant,
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
        school: Option<SchoolId>,
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
        };
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
            slots.retain(|_, slot| slot.created.elapsed() < SUMMARY_TTL);
            slots
                .entry(key.clone())
                .or_insert_with(|| {
                    Arc::new(Slot {
                        created: Instant::now(),
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
                    .get_or_compute(&admin, None, || async {
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
            .get_or_compute(&school_admin, None, || async {
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
    async fn failures_are_not_remembered() {
        let cache = SummaryCache::default();
        let scope =
            crate::principals::system(TrustId::generate(), attest_domain::SystemTask::Jobs).scope();
        let failed = cache
            .get_or_compute(&scope, None, || async {
                Err(AppError::Internal("database away".to_owned()))
            })
            .await;
        assert!(failed.is_err());
        let retried = cache
            .get_or_compute(&scope, None, || async { Ok(summary()) })
            .await;
        assert!(retried.is_ok());
    }
}

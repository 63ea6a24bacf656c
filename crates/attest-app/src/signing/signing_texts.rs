//! Published texts change only their state, and a school's text for a kind of member
//! only with the school's values: during a September rush thousands of people sign the
//! same few hundred texts. Each version is read and parsed once per change (checked by
//! its stamp, one small read), and each (version, school, kind) text hashed once per
//! set of values.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use attest_document::{ConsentQuestion, Reader, consent_questions, content_hash};
use attest_domain::{MembershipKind, PolicyVersionId, SchoolId, TenantScope};
use attest_store::{ConnectionTrait, PolicyVersion, PolicyVersions};
use chrono::{DateTime, Utc};

use crate::AppError;

/// Entries kept before the cache starts again (a trust has a few hundred texts).
const MAX_ENTRIES: usize = 20_000;

/// What one school's members of one kind are shown and asked.
pub(crate) struct SigningText {
    pub variables: BTreeMap<String, String>,
    pub content_hash: String,
    pub questions: Vec<ConsentQuestion>,
}

type TextKey = (PolicyVersionId, DateTime<Utc>, SchoolId, MembershipKind);

/// A version as read, with the stamp it was read at.
type Stamped = (DateTime<Utc>, Arc<PolicyVersion>);

#[derive(Default)]
pub(crate) struct SigningTexts {
    versions: Mutex<HashMap<PolicyVersionId, Stamped>>,
    texts: Mutex<HashMap<TextKey, Arc<SigningText>>>,
}

fn locked<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn bounded<K, V>(map: &mut HashMap<K, V>) {
    if map.len() >= MAX_ENTRIES {
        map.clear();
    }
}

impl SigningTexts {
    /// The version as stored now (the tenant scope decides whether it may be seen).
    pub(crate) async fn version(
        &self,
        conn: &impl ConnectionTrait,
        scope: &TenantScope,
        id: PolicyVersionId,
    ) -> Result<Arc<PolicyVersion>, AppError> {
        let versions = PolicyVersions::new(conn, scope);
        let stamp = versions.stamp(id).await?;
        if let Some((cached, version)) = locked(&self.versions).get(&id)
            && *cached == stamp.0
            && version.state == stamp.1
            && version.trust == scope.trust()
        {
            return Ok(version.clone());
        }
        let version = Arc::new(versions.get(id).await?);
        let mut cache = locked(&self.versions);
        bounded(&mut cache);
        cache.insert(id, (version.updated_at, version.clone()));
        Ok(version)
    }

    /// The text `kind` members of `school` are shown, with these values.
    pub(crate) fn text(
        &self,
        version: &PolicyVersion,
        school: SchoolId,
        kind: MembershipKind,
        variables: BTreeMap<String, String>,
    ) -> Arc<SigningText> {
        let key = (version.id, version.updated_at, school, kind);
        if let Some(text) = locked(&self.texts).get(&key)
            && text.variables == variables
        {
            return text.clone();
        }
        let reader = Reader {
            variables: Some(&variables),
            audience: Some(kind),
        };
        let text = Arc::new(SigningText {
            content_hash: content_hash(&version.document, &reader).0,
            questions: consent_questions(&version.document, Some(kind)),
            variables,
        });
        let mut cache = locked(&self.texts);
        bounded(&mut cache);
        cache.insert(key, text.clone());
        text
    }
}

//! A school's compliance page is what its admins and dashboards ask for again and again,
//! and between two asks usually nothing has been written at all. A page is kept with the
//! database's version when it was read, and given again while that version is still
//! current and the day (which decides due and overdue) is the same; any write anywhere,
//! by any replica or the CLI, makes it stale. The version is one cheap read per ask.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use attest_store::{DataVersion, DataVersions, Database};

use crate::AppError;

/// Pages kept at most (a trust has a few hundred schools, each with a handful of filters
/// people use); past it, stale pages go first, then everything.
const MAX_PAGES: usize = 2_048;

/// Pages of type `P` by key `K` (everything a page depends on besides the database's
/// content: the caller's reach, the question, the day).
pub(crate) struct PageCache<K, P> {
    versions: DataVersions,
    pages: Mutex<HashMap<K, (DataVersion, P)>>,
    hits: AtomicU64,
}

impl<K: Hash + Eq, P: Clone> PageCache<K, P> {
    pub fn for_database(db: &Database) -> Self {
        Self {
            versions: DataVersions::for_database(db),
            pages: Mutex::default(),
            hits: AtomicU64::new(0),
        }
    }

    /// The database's version now: read it before the page is read.
    pub async fn version(&self, db: &Database) -> Result<Option<DataVersion>, AppError> {
        Ok(self.versions.current(db).await?)
    }

    /// The page kept for `key` at `version`, if nothing has been written since.
    pub fn get(&self, key: &K, version: &DataVersion) -> Option<P> {
        let pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        let page = pages
            .get(key)
            .filter(|(kept_at, _)| kept_at == version)
            .map(|(_, page)| page.clone());
        if page.is_some() {
            self.hits.fetch_add(1, Ordering::Relaxed);
        }
        page
    }

    /// How many asks were answered with a kept page.
    pub fn hits(&self) -> u64 {
        self.hits.load(Ordering::Relaxed)
    }

    pub fn keep(&self, key: K, version: DataVersion, page: &P) {
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        // Stale pages are useless once the version moved on: drop them first.
        if pages.len() >= MAX_PAGES {
            pages.retain(|_, (kept_at, _)| *kept_at == version);
            if pages.len() >= MAX_PAGES {
                pages.clear();
            }
        }
        pages.insert(key, (version, page.clone()));
    }
}

//! Telling every replica at once that a credential was revoked, so that each may keep
//! credentials in memory instead of reading them on every request.
//!
//! A `Generation` changes whenever a credential may have been revoked anywhere; a
//! cached credential is good only while the generation it was read at is current.
//! - PostgreSQL: a revocation sends a NOTIFY in its own transaction, delivered to every
//!   replica's listener when it commits. While a replica's listener is not connected
//!   there is no current generation, and credentials are read from the database.
//! - A SQLite file: the server and the CLI are separate processes on one file, so a
//!   revocation appends a byte to a signal file beside the database after it commits;
//!   the generation is that file's length, one `stat` per check.
//! - An in-memory SQLite database has one process: the revoking call bumps its own
//!   counter, which every backend does as well.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use tokio::sync::watch;

use crate::{Database, StoreError};

/// The PostgreSQL channel revocations are announced on.
const CHANNEL: &str = "attest_revocations";

/// How long a lost listener waits before connecting again.
const RECONNECT_AFTER: Duration = Duration::from_secs(1);

/// Where revocations are heard from; see the module's documentation.
pub struct Revocations {
    local: AtomicU64,
    source: Source,
}

enum Source {
    Listener {
        state: Arc<ListenerState>,
        options: Box<PgConnectOptions>,
        started: std::sync::Once,
        /// Dropped with `Revocations`, which ends the listener task.
        stop: watch::Sender<()>,
    },
    File(PathBuf),
    Local,
}

#[derive(Default)]
struct ListenerState {
    heard: AtomicU64,
    listening: AtomicBool,
}

/// The revocations seen so far; equal generations mean nothing was revoked between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation {
    local: u64,
    shared: u64,
}

impl Revocations {
    /// Revocations on `db`: its PostgreSQL listener, its SQLite file's signal, or this
    /// process alone.
    pub fn for_database(db: &Database) -> Self {
        let source = match db.get_database_backend() {
            DbBackend::Postgres => {
                let options =
                    Box::new((*db.get_postgres_connection_pool().connect_options()).clone());
                Source::Listener {
                    state: Arc::default(),
                    options,
                    started: std::sync::Once::new(),
                    stop: watch::channel(()).0,
                }
            }
            _ => {
                let file = db
                    .get_sqlite_connection_pool()
                    .connect_options()
                    .get_filename()
                    .to_path_buf();
                if file.is_file() {
                    let mut signal = file.into_os_string();
                    signal.push("-revocations");
                    Source::File(signal.into())
                } else {
                    Source::Local
                }
            }
        };
        Self {
            local: AtomicU64::new(0),
            source,
        }
    }

    /// The current generation, or `None` when revocations elsewhere cannot be heard
    /// just now (a cache must not be trusted then).
    pub fn current(&self) -> Option<Generation> {
        let shared = match &self.source {
            Source::Listener {
                state,
                options,
                started,
                stop,
            } => {
                started.call_once(|| start_listener(state.clone(), (**options).clone(), stop));
                if !state.listening.load(Ordering::Acquire) {
                    return None;
                }
                state.heard.load(Ordering::Acquire)
            }
            Source::File(signal) => match std::fs::metadata(signal) {
                Ok(metadata) => metadata.len(),
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => 0,
                Err(_) => return None,
            },
            Source::Local => 0,
        };
        Some(Generation {
            local: self.local.load(Ordering::Acquire),
            shared,
        })
    }

    /// Announces a revocation from inside the transaction that makes it: on
    /// PostgreSQL every listener hears it when (and only if) the transaction commits.
    pub async fn announce(conn: &impl ConnectionTrait) -> Result<(), StoreError> {
        if conn.get_database_backend() == DbBackend::Postgres {
            conn.execute_raw(Statement::from_string(
                DbBackend::Postgres,
                format!("SELECT pg_notify('{CHANNEL}', '')"),
            ))
            .await?;
        }
        Ok(())
    }

    /// After a revocation has committed: this process stops trusting what it cached,
    /// and other processes on a SQLite file are signalled.
    pub fn announced(&self) {
        self.local.fetch_add(1, Ordering::AcqRel);
        if let Source::File(signal) = &self.source {
            let appended = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(signal)
                .and_then(|mut file| file.write_all(b"."));
            if let Err(error) = appended {
                tracing::error!(%error, file = %signal.display(), "could not signal a revocation to other processes");
            }
        }
    }
}

/// Listens on its own connection (not one of the pool's) until `stop` is dropped.
fn start_listener(state: Arc<ListenerState>, options: PgConnectOptions, stop: &watch::Sender<()>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let mut stop = stop.subscribe();
    runtime.spawn(async move {
        loop {
            let connected = tokio::select! {
                connected = connect_listener(options.clone()) => connected,
                _ = stop.changed() => return,
            };
            match connected {
                Ok(mut listener) => {
                    // Whatever was cached before this connection listened may be stale.
                    state.heard.fetch_add(1, Ordering::AcqRel);
                    state.listening.store(true, Ordering::Release);
                    loop {
                        tokio::select! {
                            heard = listener.try_recv() => match heard {
                                Ok(Some(_)) => {
                                    state.heard.fetch_add(1, Ordering::AcqRel);
                                }
                                Ok(None) | Err(_) => break,
                            },
                            _ = stop.changed() => return,
                        }
                    }
                    state.listening.store(false, Ordering::Release);
                    tracing::warn!(
                        "lost the revocations listener; reading credentials from the database until it is back"
                    );
                }
                Err(error) => {
                    tracing::warn!(%error, "could not listen for revocations");
                }
            }
            tokio::select! {
                () = tokio::time::sleep(RECONNECT_AFTER) => {}
                _ = stop.changed() => return,
            }
        }
    });
}

async fn connect_listener(options: PgConnectOptions) -> Result<PgListener, sea_orm::sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await?;
    let mut listener = PgListener::connect_with(&pool).await?;
    // A lost connection is reported at once rather than quietly re-established, so that
    // no cache is trusted while revocations could be missed.
    listener.eager_reconnect(false);
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

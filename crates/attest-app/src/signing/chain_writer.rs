//! Group commit for the signing chain. Every answer is appended to its trust's hash
//! chain, which takes the trust's chain lock for the rest of the transaction, so
//! signers would queue behind each other's commit (and its fsync). Here one writer takes
//! every answer waiting and, per trust, under one hold of the chain lock: uses up their
//! links in one statement (refusing any used or expired), hashes their rows onto the
//! chain in memory and writes them in a few statements with their audit entries, brings
//! the obligations of everyone who answered up to date in one refresh, commits them
//! together, and only then tells each caller. A September rush costs a handful of
//! statements and one commit per batch, not a dozen statements per signature.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Mutex, PoisonError};

use attest_domain::{
    Decision, MagicLinkId, PersonId, Principal, SigningMethod, SystemTask, TenantScope, TrustId,
};
use attest_store::{
    Acceptance, Acceptances, Audit, ChainHead, Database, DatabaseTransaction, MagicLinks,
    NewAcceptance, ObligationSlice, StoreError, TransactionTrait, dedicated_connection,
};
use tokio::sync::{mpsc, oneshot};

use attest_auth::ChainSigningKey;
use chrono::{DateTime, Utc};
use std::sync::Arc;

use super::seal::sign_head_in;

use super::signer::invalid_link;
use crate::audit::{Change, entry};
use crate::principals::system;
use crate::{App, AppError};

/// Answers written per commit at most.
const MAX_BATCH: usize = 128;

/// One answer to append: who gave it (for the audit), within what scope, the row to
/// write and the signing link it used up.
pub(crate) struct Answered {
    pub(crate) principal: Principal,
    pub(crate) scope: TenantScope,
    pub(crate) new: NewAcceptance,
    pub(crate) link: Option<MagicLinkId>,
}

type Reply = oneshot::Sender<Result<Acceptance, AppError>>;

struct Job {
    /// The application of the caller (its clock dates the refresh).
    app: App,
    /// The key that signs the trust's new head, where sealing is configured.
    key: Option<Arc<ChainSigningKey>>,
    answered: Answered,
    reply: Reply,
}

#[derive(Default)]
pub(crate) struct ChainWriter {
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
}

impl ChainWriter {
    /// Appends `answered` in the next batch; answers once the batch is committed.
    pub(crate) async fn submit(
        &self,
        app: &App,
        answered: Answered,
    ) -> Result<Acceptance, AppError> {
        // The key is read here, on the caller's runtime: the writer touches the database
        // only through its own connection.
        let key = app.chain_key().await.unwrap_or_else(|error| {
            tracing::error!(%error, "the chain signing key could not be read; heads stay unsigned");
            None
        });
        let (reply, answer) = oneshot::channel();
        self.sender(&app.db)
            .send(Job {
                app: app.clone(),
                key,
                answered,
                reply,
            })
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// The writer's queue, starting the writer when there is none (or it has stopped).
    fn sender(&self, db: &Database) -> mpsc::UnboundedSender<Job> {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        match queue.as_ref() {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, receiver) = mpsc::unbounded_channel();
                start_writer(db.clone(), receiver);
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

/// Runs the writer on a thread of its own with its own connection. On the request
/// runtime, every statement's answer (sent from a database thread) woke the writer at
/// the back of a queue of request tasks: a few milliseconds a statement, in a September
/// rush, on a writer that every signer waits for.
fn start_writer(db: Database, receiver: mpsc::UnboundedReceiver<Job>) {
    let started = std::thread::Builder::new()
        .name("signing-writer".to_owned())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    tracing::error!(%error, "the signing writer could not start");
                    return;
                }
            };
            runtime.block_on(async move {
                let own = match dedicated_connection(&db).await {
                    Ok(own) => own,
                    Err(error) => {
                        tracing::warn!(%error, "the signing writer shares the request pool");
                        db
                    }
                };
                write_batches(own, receiver).await;
            });
        });
    if let Err(error) = started {
        tracing::error!(%error, "the signing writer's thread could not start");
    }
}

fn stopped() -> AppError {
    AppError::Internal("the signing writer stopped before answering".to_owned())
}

async fn write_batches(db: Database, mut receiver: mpsc::UnboundedReceiver<Job>) {
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        write_batch(&db, batch).await;
    }
}

/// A trust's part of a batch: the caller's application, the key for the new head, and
/// the answers in the order they arrived.
struct TrustPart {
    app: App,
    key: Option<Arc<ChainSigningKey>>,
    jobs: Vec<(Answered, Reply)>,
}

async fn write_batch(db: &Database, batch: Vec<Job>) {
    let mut by_trust: BTreeMap<TrustId, TrustPart> = BTreeMap::new();
    for job in batch {
        by_trust
            .entry(job.answered.scope.trust())
            .or_insert_with(|| TrustPart {
                app: job.app,
                key: job.key,
                jobs: Vec::new(),
            })
            .jobs
            .push((job.answered, job.reply));
    }
    let txn = match db.begin().await {
        Ok(txn) => txn,
        Err(error) => {
            let error = AppError::from(error);
            for part in by_trust.into_values() {
                for (_, reply) in part.jobs {
                    let _ = reply.send(Err(error.clone()));
                }
            }
            return;
        }
    };
    let mut written: Vec<(Reply, Acceptance)> = Vec::new();
    let mut answered: Vec<(TrustId, App, Vec<PersonId>)> = Vec::new();
    // A savepoint keeps one trust's failure from undoing the others'; a trust alone in
    // its batch needs none (its failure undoes the whole transaction).
    let isolate = by_trust.len() > 1;
    for (trust, TrustPart { app, key, jobs }) in by_trust {
        let (entries, replies): (Vec<Answered>, Vec<Reply>) = jobs.into_iter().unzip();
        let mut people = Vec::new();
        let appended = if isolate {
            in_savepoint(&txn, trust, entries, (key, app.now())).await
        } else {
            append_and_sign(&txn, trust, entries, (key, app.now())).await
        };
        let appended = match appended {
            // Alone in the batch, its failure undoes the whole transaction.
            Err(error) if !isolate => {
                let _ = txn.rollback().await;
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
                return;
            }
            appended => appended,
        };
        match appended {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    match outcome {
                        Ok(row) => {
                            people.push(row.person);
                            written.push((reply, row));
                        }
                        Err(error) => {
                            let _ = reply.send(Err(error));
                        }
                    }
                }
            }
            Err(error) => {
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
        answered.push((trust, app, people));
    }
    let mut outcome = Ok(());
    for (trust, app, mut people) in answered {
        people.sort_unstable();
        people.dedup();
        outcome = app
            .refresh_obligations(&txn, trust, ObligationSlice::people(people))
            .await;
        if outcome.is_err() {
            break;
        }
    }
    let outcome = match outcome {
        Ok(()) => txn.commit().await.map_err(AppError::from),
        Err(error) => Err(error),
    };
    for (reply, row) in written {
        let _ = reply.send(outcome.clone().map(|()| row));
    }
}

/// One trust's answers in a savepoint: a failure of the writes themselves undoes them
/// all (and every caller hears it), leaving the batch's other trusts alone.
async fn in_savepoint(
    txn: &DatabaseTransaction,
    trust: TrustId,
    entries: Vec<Answered>,
    key_now: (Option<Arc<ChainSigningKey>>, DateTime<Utc>),
) -> Result<Vec<Result<Acceptance, AppError>>, AppError> {
    let savepoint = txn.begin().await?;
    match append_and_sign(&savepoint, trust, entries, key_now).await {
        Ok(outcomes) => {
            savepoint.commit().await?;
            Ok(outcomes)
        }
        Err(error) => {
            let _ = savepoint.rollback().await;
            Err(error)
        }
    }
}

/// One trust's answers appended and, where sealing is configured, its new head signed.
async fn append_and_sign(
    txn: &DatabaseTransaction,
    trust: TrustId,
    entries: Vec<Answered>,
    (key, now): (Option<Arc<ChainSigningKey>>, DateTime<Utc>),
) -> Result<Vec<Result<Acceptance, AppError>>, AppError> {
    let outcomes = append_answers(txn, trust, entries).await?;
    // Nothing appended (every answer refused): the head, and its signature, stand.
    let head = outcomes
        .iter()
        .rev()
        .find_map(|outcome| outcome.as_ref().ok());
    if let (Some(key), Some(head)) = (&key, head) {
        let head = ChainHead {
            last_seq: head.seq,
            last_hash: head.row_hash.clone(),
        };
        sign_head_in(txn, trust, key, now, head).await?;
    }
    Ok(outcomes)
}

/// Appends one trust's answers under one hold of its chain lock; each answer's outcome
/// in order (refused: outside its signer's scope, or its link used or expired).
async fn append_answers(
    txn: &DatabaseTransaction,
    trust: TrustId,
    entries: Vec<Answered>,
) -> Result<Vec<Result<Acceptance, AppError>>, AppError> {
    let chain = system(trust, SystemTask::SigningChain).scope();
    let acceptances = Acceptances::new(txn, &chain);
    // The lock comes first: the links below are decided under it.
    let head = acceptances.lock_chain().await?;
    let mut refusals: Vec<Option<AppError>> = entries.iter().map(outside_scope).collect();
    refuse_used_links(txn, &chain, &entries, &mut refusals).await?;
    let mut accepted = Vec::with_capacity(entries.len());
    let mut outcomes = Vec::with_capacity(entries.len());
    for (entry, refusal) in entries.into_iter().zip(refusals) {
        if refusal.is_none() {
            accepted.push(entry);
        }
        outcomes.push(refusal);
    }
    let audits: Vec<(Principal, chrono::DateTime<chrono::Utc>)> = accepted
        .iter()
        .map(|entry| (entry.principal.clone(), entry.new.signed_at))
        .collect();
    let rows = acceptances
        .append_locked(head, accepted.into_iter().map(|entry| entry.new).collect())
        .await?;
    let entries = rows
        .iter()
        .zip(&audits)
        .map(|(row, (principal, at))| entry(principal, *at, signed(row, &summary(row))))
        .collect();
    Audit::new(txn, &chain).append_many(entries).await?;
    let mut rows = rows.into_iter();
    Ok(outcomes
        .into_iter()
        .map(|refusal| match refusal {
            Some(error) => Err(error),
            None => rows.next().ok_or_else(stopped),
        })
        .collect())
}

/// An answer for a school or person its signer cannot reach (what a single append
/// refuses).
fn outside_scope(entry: &Answered) -> Option<AppError> {
    if !entry.scope.schools().allows(entry.new.school) {
        Some(StoreError::NotFound("school").into())
    } else if !entry.scope.reaches_person(entry.new.person) {
        Some(StoreError::NotFound("person").into())
    } else {
        None
    }
}

/// Uses up the links of the answers still standing; an answer whose link was used
/// already (here or earlier in this batch) or has expired is refused.
async fn refuse_used_links(
    txn: &DatabaseTransaction,
    chain: &TenantScope,
    entries: &[Answered],
    refusals: &mut [Option<AppError>],
) -> Result<(), AppError> {
    let standing = || {
        entries
            .iter()
            .zip(refusals.iter())
            .filter(|(_, refusal)| refusal.is_none())
            .filter_map(|(entry, _)| entry.link.map(|link| (link, entry.new.signed_at)))
    };
    let links: Vec<MagicLinkId> = standing().map(|(link, _)| link).collect();
    let Some(at) = standing().map(|(_, at)| at).max() else {
        return Ok(());
    };
    let used = MagicLinks::new(txn, chain).consume_many(&links, at).await?;
    let mut seen = HashSet::new();
    for (entry, refusal) in entries.iter().zip(refusals.iter_mut()) {
        if let (Some(link), None) = (entry.link, &refusal)
            && (!used.contains(&link) || !seen.insert(link))
        {
            *refusal = Some(invalid_link());
        }
    }
    Ok(())
}

/// What the audit keeps of an appended answer.
fn summary(row: &Acceptance) -> serde_json::Value {
    serde_json::json!({
        "person": row.person,
        "policy": row.policy,
        "version": row.version,
        "seq": row.seq,
        "method": row.method,
        "decision": row.decision,
        "row_hash": row.row_hash,
    })
}

fn signed<'a>(row: &Acceptance, after: &'a serde_json::Value) -> Change<'a, serde_json::Value> {
    Change {
        action: match (row.decision, row.method) {
            (Decision::Declined, _) => "acceptance.decline",
            (_, SigningMethod::Paper) => "acceptance.record_paper",
            _ => "acceptance.sign",
        },
        subject_type: "acceptance",
        subject_id: row.id.as_uuid(),
        before: None,
        after: Some(after),
    }
}

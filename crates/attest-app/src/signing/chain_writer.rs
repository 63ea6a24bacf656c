//! Group commit for the signing chain. Every answer is appended to its trust's hash
//! chain, which takes the trust's chain lock for the rest of the transaction, so
//! signers queue behind each other's commit (and its fsync). Here one writer takes
//! every answer waiting, appends each in its own savepoint (a refused one rolls back
//! alone), brings the obligations of everyone who answered up to date in one refresh,
//! commits them together, and only then tells each caller. A September rush costs one
//! commit and one refresh per batch, not one per signature.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use std::collections::BTreeMap;

use attest_domain::{PersonId, TrustId};
use attest_store::{Acceptance, Database, DatabaseTransaction, ObligationSlice, TransactionTrait};
use tokio::sync::{mpsc, oneshot};

use crate::{App, AppError};

/// Answers written per commit at most.
const MAX_BATCH: usize = 128;

type Written<'t> = Pin<Box<dyn Future<Output = Result<Acceptance, AppError>> + Send + 't>>;

/// One answer's writes, run inside the batch's transaction.
pub(crate) type Work = Box<dyn for<'t> FnOnce(&'t DatabaseTransaction) -> Written<'t> + Send>;

struct Job {
    /// The application of the caller (its clock dates the refresh).
    app: App,
    work: Work,
    reply: oneshot::Sender<Result<Acceptance, AppError>>,
}

#[derive(Default)]
pub(crate) struct ChainWriter {
    queue: Mutex<Option<mpsc::UnboundedSender<Job>>>,
}

impl ChainWriter {
    /// Runs `work` in the next batch; answers once the batch is committed.
    pub(crate) async fn submit(&self, app: &App, work: Work) -> Result<Acceptance, AppError> {
        let (reply, answer) = oneshot::channel();
        self.sender(&app.db)
            .send(Job {
                app: app.clone(),
                work,
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
                tokio::spawn(write_batches(db.clone(), receiver));
                *queue = Some(sender.clone());
                sender
            }
        }
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

async fn write_batch(db: &Database, batch: Vec<Job>) {
    let txn = match db.begin().await {
        Ok(txn) => txn,
        Err(error) => {
            let error = AppError::from(error);
            for job in batch {
                let _ = job.reply.send(Err(error.clone()));
            }
            return;
        }
    };
    let mut written = Vec::with_capacity(batch.len());
    let mut answered: BTreeMap<TrustId, (App, Vec<PersonId>)> = BTreeMap::new();
    for job in batch {
        match in_savepoint(&txn, job.work).await {
            Ok(row) => {
                answered
                    .entry(row.trust)
                    .or_insert_with(|| (job.app.clone(), Vec::new()))
                    .1
                    .push(row.person);
                written.push((job.reply, row));
            }
            Err(error) => {
                let _ = job.reply.send(Err(error));
            }
        }
    }
    let mut outcome = Ok(());
    for (trust, (app, mut people)) in answered {
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
    match outcome {
        Ok(()) => {
            for (reply, row) in written {
                let _ = reply.send(Ok(row));
            }
        }
        Err(error) => {
            for (reply, _) in written {
                let _ = reply.send(Err(error.clone()));
            }
        }
    }
}

async fn in_savepoint(txn: &DatabaseTransaction, work: Work) -> Result<Acceptance, AppError> {
    let savepoint = txn.begin().await?;
    match work(&savepoint).await {
        Ok(row) => {
            savepoint.commit().await?;
            Ok(row)
        }
        Err(error) => {
            let _ = savepoint.rollback().await;
            Err(error)
        }
    }
}

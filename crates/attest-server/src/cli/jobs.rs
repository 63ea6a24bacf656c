//! Background jobs from the command line: what is queued, running, done or dead; run
//! what is due now (as a worker would); retry or cancel one.

use std::sync::Arc;

use attest_app::{FixedClock, Job, WorkerSettings};
use attest_domain::{JobId, JobKind};
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum JobsCommand {
    /// The trust's jobs, newest first.
    List {
        /// The trust's slug.
        #[arg(long)]
        trust: String,
        /// queued, running, done, dead or cancelled.
        #[arg(long)]
        status: Option<String>,
        /// How many (1-500).
        #[arg(long, default_value_t = 50)]
        first: u64,
        #[arg(long)]
        json: bool,
    },
    /// Queue this moment's scheduled jobs for every trust (as the scheduler would),
    /// run every job that is due, then deliver the outbox.
    Run {
        /// Pretend it is this instant (RFC 3339), e.g. to try a send window.
        #[arg(long)]
        now: Option<chrono::DateTime<chrono::Utc>>,
        /// Only run jobs already queued; queue nothing new.
        #[arg(long)]
        no_schedule: bool,
        #[arg(long)]
        json: bool,
    },
    /// Put a dead or cancelled job back in the queue.
    Retry {
        #[arg(long)]
        trust: String,
        id: JobId,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a queued job.
    Cancel {
        #[arg(long)]
        trust: String,
        id: JobId,
        #[arg(long)]
        json: bool,
    },
}

fn job_json(job: &Job) -> serde_json::Value {
    json!({
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "run_at": job.run_at,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "last_error": job.last_error,
        "result": job.result,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    })
}

fn print_job(job: &Job) {
    println!(
        "{}  {:<9} {:<9} run at {}  attempts {}/{}  {}",
        job.id,
        job.kind,
        job.status,
        job.run_at.format("%Y-%m-%d %H:%M:%SZ"),
        job.attempts,
        job.max_attempts,
        job.result
            .as_deref()
            .or(job.last_error.as_deref())
            .unwrap_or("")
    );
}

pub async fn run(config: Config, command: JobsCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    let retry = matches!(command, JobsCommand::Retry { .. });
    match command {
        JobsCommand::List {
            trust,
            status,
            first,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let jobs = app.jobs(&operator, status.as_deref(), first).await?;
            if json {
                print_json(&json!(jobs.iter().map(job_json).collect::<Vec<_>>()));
            } else if jobs.is_empty() {
                println!("no jobs");
            } else {
                jobs.iter().for_each(print_job);
            }
        }
        JobsCommand::Run {
            now,
            no_schedule,
            json,
        } => {
            let app = match now {
                Some(now) => app.with_clock(Arc::new(FixedClock(now))),
                None => app,
            };
            let mut queued = 0;
            if !no_schedule {
                for kind in JobKind::ALL {
                    queued += app.schedule_jobs(kind).await?;
                }
            }
            let round = app.drain_jobs(&WorkerSettings::new()).await?;
            let delivered = crate::startup::dispatcher(&config, app.mail_delivery())?
                .drain(now.unwrap_or_else(chrono::Utc::now))
                .await?;
            if json {
                print_json(&json!({
                    "queued": queued, "done": round.done, "retried": round.retried,
                    "dead": round.dead, "sent": delivered.sent, "failed": delivered.failed,
                    "will_retry": delivered.retried,
                }));
            } else {
                println!(
                    "queued {queued} job(s); done {}, will retry {}, dead {}; email sent {}, failed {}, will retry {}",
                    round.done,
                    round.retried,
                    round.dead,
                    delivered.sent,
                    delivered.failed,
                    delivered.retried
                );
            }
            if round.dead > 0 {
                std::process::exit(1);
            }
        }
        JobsCommand::Retry { trust, id, json } | JobsCommand::Cancel { trust, id, json } => {
            let operator = app.operator_for(&trust).await?;
            let job = if retry {
                app.retry_job(&operator, id).await?
            } else {
                app.cancel_job(&operator, id).await?
            };
            if json {
                print_json(&job_json(&job));
            } else {
                print_job(&job);
            }
        }
    }
    Ok(())
}

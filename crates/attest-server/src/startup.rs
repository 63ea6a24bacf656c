//! What every process does to start: open (and when needed migrate) the database as the
//! configuration says, and wire the mail dispatcher and background jobs to the app.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use attest_app::bootstrap::{Backend, Database, backend, roles};
use attest_app::{App, SystemClock};
use attest_mail::{DispatchSettings, Dispatcher, MailTransport};

use crate::config::{Config, redacted_url};

/// Connects, migrates and returns the application.
pub async fn open_app(config: &Config) -> anyhow::Result<App> {
    let db = attest_app::bootstrap::connect(&config.database_url, config.database_max_connections)
        .await
        .with_context(|| {
            format!(
                "cannot open the database at {}",
                redacted_url(&config.database_url)
            )
        })?;
    crate::startup::migrate_for(config, &db).await?;
    let app = App::new(db, Arc::new(SystemClock))
        .with_public_url(&config.public_url)
        .with_rate_limits(&config.rate_limits)
        .with_local_providers(config.allow_local_providers)
        .with_timestamp_authority(config.timestamp_authority_url.as_deref());
    Ok(match &config.secret_key {
        Some(key) => app.with_sealing_key(attest_auth::SealingKey::from_base64(key)?),
        None => app,
    })
}

pub(crate) fn print_json(value: &serde_json::Value) {
    println!("{value}");
}

/// Brings the schema up to date for a process about to use `db`.
pub async fn migrate_for(config: &Config, db: &Database) -> anyhow::Result<Vec<String>> {
    let Some(owner_url) = &config.migration_database_url else {
        let pending = attest_app::bootstrap::pending_migrations(db).await?;
        if !pending.is_empty() {
            attest_app::bootstrap::migrate(db)
                .await
                .context("cannot apply database migrations")?;
        }
        return Ok(pending);
    };
    let owner = attest_app::bootstrap::connect(owner_url, 1)
        .await
        .with_context(|| format!("cannot open the database at {}", redacted_url(owner_url)))?;
    let pending = attest_app::bootstrap::pending_migrations(&owner).await?;
    attest_app::bootstrap::migrate(&owner)
        .await
        .context("cannot apply database migrations as the owner")?;
    grant_runtime_if_separate(&owner, owner_url, &config.database_url).await?;
    owner.close().await?;
    Ok(pending)
}

async fn grant_runtime_if_separate(
    owner: &Database,
    owner_url: &str,
    runtime_url: &str,
) -> anyhow::Result<()> {
    if backend(owner) != Backend::Postgres {
        return Ok(());
    }
    if let Some(runtime) = roles::url_user(runtime_url)
        && roles::url_user(owner_url) != Some(runtime)
    {
        roles::grant_runtime(owner, runtime)
            .await
            .with_context(|| format!("cannot grant the runtime role {runtime}"))?;
    }
    Ok(())
}

/// The dispatcher for this configuration.
pub fn dispatcher(config: &Config, outbox: attest_app::MailDelivery) -> anyhow::Result<Dispatcher> {
    let transport = MailTransport::from_url(&config.smtp_url)
        .with_context(|| format!("cannot use smtp_url {}", redacted_url(&config.smtp_url)))?;
    let domain = config
        .mail_from
        .rsplit('@')
        .next()
        .map(|rest| rest.trim_end_matches('>').to_owned())
        .filter(|domain| !domain.is_empty())
        .unwrap_or_else(|| "attest.localhost".to_owned());
    Ok(Dispatcher::new(
        outbox,
        transport,
        DispatchSettings {
            from: config.mail_from.clone(),
            domain,
            ..DispatchSettings::default()
        },
    ))
}

/// The scheduler and job workers for this configuration (reminder ticks off when
/// `reminders_cron` is empty).
pub async fn start_jobs(
    config: &Config,
    app: attest_app::App,
) -> anyhow::Result<Option<attest_jobs::Background>> {
    if config.reminders_cron.trim().is_empty()
        && config.breach_alerts_cron.trim().is_empty()
        && config.directory_sync_cron.trim().is_empty()
        && config.job_workers == 0
    {
        return Ok(None);
    }
    let settings = attest_jobs::JobsSettings {
        reminders_cron: config.reminders_cron.trim().to_owned(),
        breach_alerts_cron: config.breach_alerts_cron.trim().to_owned(),
        directory_sync_cron: config.directory_sync_cron.trim().to_owned(),
        workers: config.job_workers,
        poll: Duration::from_secs(config.job_poll_seconds.max(1)),
        ..attest_jobs::JobsSettings::default()
    };
    Ok(Some(attest_jobs::start(app, &settings).await?))
}

/// Delivers the outbox every `mail_dispatch_seconds` until the task is dropped.
pub fn spawn_delivery(
    config: &Config,
    outbox: attest_app::MailDelivery,
) -> anyhow::Result<Option<tokio::task::JoinHandle<()>>> {
    if config.mail_dispatch_seconds == 0 {
        return Ok(None);
    }
    let dispatcher = dispatcher(config, outbox)?;
    let every = Duration::from_secs(config.mail_dispatch_seconds);
    Ok(Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        loop {
            ticks.tick().await;
            match dispatcher.drain(chrono::Utc::now()).await {
                Ok(report) if report.handled() > 0 => {
                    tracing::info!(
                        sent = report.sent,
                        retried = report.retried,
                        failed = report.failed,
                        "outbox delivered"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "outbox delivery failed"),
            }
        }
    })))
}

//! Email from the command line and the server's delivery loop.

use anyhow::Context as _;
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::{dispatcher, open_app};

#[derive(Subcommand)]
pub enum MailCommand {
    /// Queue a test message and deliver it now, to check the mail settings.
    Test {
        /// The trust's slug.
        #[arg(long)]
        trust: String,
        /// Who gets it.
        #[arg(long)]
        to: String,
        #[arg(long)]
        json: bool,
    },
    /// Deliver everything due in the outbox now, then exit.
    Dispatch {
        #[arg(long)]
        json: bool,
    },
    /// Show an email with example data: magic_link, reminder, escalation, digest or
    /// review_alert.
    Preview {
        template: String,
        /// Brand it as this trust's email (its name and footer).
        #[arg(long)]
        trust: Option<String>,
        /// Print the HTML part instead of the text part.
        #[arg(long)]
        html: bool,
    },
}

#[derive(Subcommand)]
pub enum RemindersCommand {
    /// Run one reminder tick now (or as if at --now), then deliver the outbox.
    Run {
        /// Pretend it is this instant (RFC 3339), e.g. to try the send window.
        #[arg(long)]
        now: Option<chrono::DateTime<chrono::Utc>>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn reminders(config: Config, command: RemindersCommand) -> anyhow::Result<()> {
    let RemindersCommand::Run { now, json } = command;
    let app = open_app(&config).await?;
    let app = match now {
        Some(now) => app.with_clock(std::sync::Arc::new(attest_app::FixedClock(now))),
        None => app,
    };
    let report = app.run_reminders().await?;
    let delivered = dispatcher(&config, app.mail_delivery())?
        .drain(now.unwrap_or_else(chrono::Utc::now))
        .await?;
    if json {
        println!(
            "{}",
            json!({ "staff_emails": report.staff_emails, "escalation_emails": report.escalation_emails,
                    "steps": report.steps, "digests": report.digests, "review_alerts": report.review_alerts,
                    "approval_requests": report.approval_requests, "scheduled_publications": report.scheduled_publications,
                    "sent": delivered.sent, "failed": delivered.failed, "retried": delivered.retried })
        );
    } else {
        println!(
            "queued {} staff email(s), {} escalation(s) ({} steps), {} digest(s), {} review alert(s) and {} approval request(s); published {} scheduled version(s); sent {}, failed {}, will retry {}",
            report.staff_emails,
            report.escalation_emails,
            report.steps,
            report.digests,
            report.review_alerts,
            report.approval_requests,
            report.scheduled_publications,
            delivered.sent,
            delivered.failed,
            delivered.retried
        );
    }
    Ok(())
}

pub async fn run(config: Config, command: MailCommand) -> anyhow::Result<()> {
    if let MailCommand::Preview {
        template,
        trust,
        html,
    } = &command
    {
        let branding = match trust {
            Some(slug) => {
                let app = open_app(&config).await?;
                let operator = app.operator_for(slug).await?;
                app.preview_branding(&operator).await?
            }
            None => attest_app::Branding {
                trust: "Riverside Learning Trust".to_owned(),
                footer: None,
            },
        };
        let email = attest_app::preview_email(template, &branding)?;
        println!("Subject: {}\n", email.subject);
        print!("{}", if *html { &email.html } else { &email.text });
        return Ok(());
    }
    let app = open_app(&config).await?;
    let dispatcher = dispatcher(&config, app.mail_delivery())?;
    match command {
        MailCommand::Test { trust, to, json } => {
            let operator = app.operator_for(&trust).await?;
            let id = app.queue_test_email(&operator, &to).await?;
            dispatcher.drain(chrono::Utc::now()).await?;
            let message = app
                .outbox(&operator, None, 50)
                .await?
                .into_iter()
                .find(|message| message.id == id)
                .context("the test message is not in the outbox")?;
            if json {
                println!(
                    "{}",
                    json!({ "id": id, "status": message.status, "error": message.last_error, "message_id": message.message_id })
                );
            } else {
                match message.status.as_str() {
                    "sent" => println!(
                        "sent to {to} (Message-ID {})",
                        message.message_id.unwrap_or_default()
                    ),
                    status => println!("{status}: {}", message.last_error.unwrap_or_default()),
                }
            }
            if message.status != "sent" {
                std::process::exit(1);
            }
        }
        MailCommand::Preview { .. } => {}
        MailCommand::Dispatch { json } => {
            let report = dispatcher.drain(chrono::Utc::now()).await?;
            if json {
                println!(
                    "{}",
                    json!({ "sent": report.sent, "retried": report.retried, "failed": report.failed })
                );
            } else {
                println!(
                    "sent {}, will retry {}, failed {}",
                    report.sent, report.retried, report.failed
                );
            }
        }
    }
    Ok(())
}

//! Where messages go: an SMTP server (rustls only), a directory of `.eml` files (for the
//! demo and development), or the log.

use std::path::PathBuf;

use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncTransport, Message, Tokio1Executor};

use crate::MailError;

/// SMTP connections kept open (the dispatcher's sends in flight).
pub const SMTP_CONNECTIONS: u32 = 16;

pub enum MailTransport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Directory(PathBuf),
    Log,
}

/// Why a send failed, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// SMTP 4xx, a refused or dropped connection, a timeout.
    Temporary(String),
    /// SMTP 5xx: the server will never accept this message.
    Permanent(String),
}

impl MailTransport {
    /// `smtp://host:port` (plain, for local sinks; add `?tls=required` for STARTTLS),
    /// `smtps://user:pass@host:465` (TLS from the start), `file:///path/to/dir`, or
    /// `log:`.
    pub fn from_url(url: &str) -> Result<Self, MailError> {
        if let Some(path) = url.strip_prefix("file://") {
            std::fs::create_dir_all(path).map_err(|error| MailError::Io {
                path: path.to_owned(),
                error,
            })?;
            return Ok(Self::Directory(PathBuf::from(path)));
        }
        if url == "log:" || url == "log" {
            return Ok(Self::Log);
        }
        if url.starts_with("smtp://") || url.starts_with("smtps://") {
            let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                .map_err(|error| MailError::Config {
                    setting: "smtp_url",
                    message: error.to_string(),
                })?
                .timeout(Some(std::time::Duration::from_secs(30)))
                // Connections are kept and reused, one per send in flight.
                .pool_config(
                    lettre::transport::smtp::PoolConfig::new()
                        .max_size(SMTP_CONNECTIONS)
                        .idle_timeout(std::time::Duration::from_secs(60)),
                )
                .build();
            return Ok(Self::Smtp(transport));
        }
        Err(MailError::Config {
            setting: "smtp_url",
            message: format!(
                "'{}' is not smtp://, smtps://, file:// or log:",
                url.split('@').next_back().unwrap_or(url)
            ),
        })
    }

    /// Whether mail can leave by this transport, without sending any: an SMTP server
    /// answers EHLO (and NOOP), a directory takes a file. Says where mail goes.
    pub async fn check(&self) -> Result<String, String> {
        match self {
            Self::Smtp(transport) => match transport.test_connection().await {
                Ok(true) => Ok("the SMTP server answers".to_owned()),
                Ok(false) => Err("the SMTP server did not accept the connection".to_owned()),
                Err(error) => Err(format!("the SMTP server cannot be reached: {error}")),
            },
            Self::Directory(dir) => {
                let probe = dir.join(".attest-doctor");
                std::fs::write(&probe, b"")
                    .and_then(|()| std::fs::remove_file(&probe))
                    .map(|()| format!("emails are written as files to {}", dir.display()))
                    .map_err(|error| format!("cannot write to {}: {error}", dir.display()))
            }
            Self::Log => Err("ATTEST_SMTP_URL is log: no email leaves this server".to_owned()),
        }
    }

    pub async fn send(&self, message: &Message, to: &str) -> Result<(), SendError> {
        match self {
            Self::Smtp(transport) => {
                transport
                    .send(message.clone())
                    .await
                    .map(|_| ())
                    .map_err(|error| {
                        if error.is_permanent() {
                            SendError::Permanent(error.to_string())
                        } else {
                            SendError::Temporary(error.to_string())
                        }
                    })
            }
            Self::Directory(dir) => {
                let name = format!(
                    "{}-{}.eml",
                    chrono::Utc::now().format("%Y%m%dT%H%M%S%.6f"),
                    to.replace(
                        |c: char| !c.is_ascii_alphanumeric() && c != '@' && c != '.',
                        "_"
                    )
                );
                tokio::fs::write(dir.join(name), message.formatted())
                    .await
                    .map_err(|error| SendError::Temporary(error.to_string()))
            }
            Self::Log => {
                tracing::info!(%to, bytes = message.formatted().len(), "email (log transport)");
                Ok(())
            }
        }
    }
}

//! Sign-in by email from the command line: turn it on or off for a trust, and make a
//! single-use sign-in link for one person (to hand over another way, e.g. to a governor
//! whose email does not arrive).

use attest_domain::EmailSignIn;
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum SignInCommand {
    /// Who may sign in with a link sent to their email: `--kinds governor,volunteer`
    /// (or `all`), `--off`, or neither to show the setting.
    Email {
        #[arg(long)]
        trust: String,
        /// Membership kinds that may (teaching, support, leadership, governor,
        /// volunteer, visitor, contractor, or all).
        #[arg(long, conflicts_with = "off")]
        kinds: Option<String>,
        /// Turn email sign-in off.
        #[arg(long)]
        off: bool,
        #[arg(long)]
        json: bool,
    },
    /// Make a single-use sign-in link for one person (not emailed; audited).
    Link {
        #[arg(long)]
        trust: String,
        /// The person's email address as the trust holds it.
        #[arg(long)]
        person: String,
        /// How long it works, in hours (at most 72).
        #[arg(long, default_value_t = 1)]
        hours: i64,
        #[arg(long)]
        json: bool,
    },
}

fn setting_json(setting: &EmailSignIn) -> serde_json::Value {
    json!({ "enabled": setting.enabled, "kinds": setting.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>() })
}

pub async fn run(config: Config, command: SignInCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        SignInCommand::Email {
            trust,
            kinds,
            off,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let setting = match (kinds, off) {
                (Some(list), _) => {
                    app.set_email_sign_in(&operator, EmailSignIn::for_kinds(&list)?)
                        .await?
                }
                (None, true) => {
                    app.set_email_sign_in(&operator, EmailSignIn::default())
                        .await?
                }
                (None, false) => app.email_sign_in(&operator).await?,
            };
            if json {
                print_json(&setting_json(&setting));
            } else if setting.enabled {
                println!("email sign-in is on for: {}", setting.kinds_text());
            } else {
                println!("email sign-in is off");
            }
        }
        SignInCommand::Link {
            trust,
            person,
            hours,
            json,
        } => {
            let operator = app.operator_for(&trust).await?;
            let person = app.person_by_email(&operator, &person).await?;
            let link = app
                .issue_sign_in_link(&operator, person.id, chrono::Duration::hours(hours))
                .await?;
            if json {
                print_json(&json!({
                    "url": link.url,
                    "person": link.person.id,
                    "name": link.person.full_name.as_str(),
                    "expires_at": link.expires_at,
                }));
            } else {
                println!(
                    "{} (for {}, single use, until {})",
                    link.url,
                    link.person.full_name.as_str(),
                    link.expires_at.to_rfc3339()
                );
            }
        }
    }
    Ok(())
}

//! The command line. Each command opens the application and calls one use case.

pub mod attributes;
pub mod breach;
pub mod chain;
pub mod compliance;
pub mod doctor;
mod import_report;
pub mod jobs;
mod lookup;
pub mod mail;
pub mod migrate;
mod obligations_report;
pub mod policy;
mod policy_import;
mod policy_original;
mod policy_review;
pub mod progress;
pub mod retention;
pub mod settings;
pub mod sign_in;
pub mod signing;
pub mod sso;
pub mod sync;
mod sync_output;
pub mod training;

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::Context as _;
use attest_domain::{ApiTokenId, SchoolId};
use clap::{Args, Parser, Subcommand};
use serde_json::json;

use crate::config::{Config, redacted_url};
use crate::demo::DemoArgs;
use crate::http::ServerSettings;
use crate::startup::{open_app, print_json, spawn_delivery, start_jobs};

#[derive(Parser)]
#[command(
    name = "attest",
    version,
    about = "Staff acceptable-use policies, signatures and breach reports for a multi-academy trust"
)]
pub struct Cli {
    /// A TOML configuration file (environment variables ATTEST_* override it).
    #[arg(long, global = true, env = "ATTEST_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server (GraphQL, health, metrics). Migrates the database first.
    Serve(ServeArgs),
    /// Apply pending database migrations and exit.
    Migrate(migrate::MigrateArgs),
    /// Start a demo on a fresh SQLite file: a trust, five schools, people and an admin token.
    Demo(DemoArgs),
    /// Check a configuration before going live: database, migrations, secret key, public
    /// URL and cookies, SMTP (EHLO only), identity providers, directory connections.
    /// One line per check; exit 1 if any fails.
    Doctor(JsonFlag),
    /// Manage trusts.
    #[command(subcommand)]
    Trust(TrustCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// The GraphQL schema.
    #[command(subcommand)]
    Schema(SchemaCommand),
    /// Policy documents: import, render and compare AUP files.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Signatures as evidence: verify one, or the trust's whole hash chain.
    #[command(subcommand)]
    Acceptance(signing::AcceptanceCommand),
    /// The server's signatures on each trust's chain: anchors and keys.
    #[command(subcommand)]
    Chain(chain::ChainCommand),
    /// The retention schedule: what is due, applying it, the trust's periods.
    #[command(subcommand)]
    Retention(retention::RetentionCommand),
    /// Reports: who has signed what.
    #[command(subcommand)]
    Report(signing::ReportCommand),
    /// Email: send a test message, deliver the outbox.
    #[command(subcommand)]
    Mail(mail::MailCommand),
    /// Reminders to sign: run a tick now.
    #[command(subcommand)]
    Reminders(mail::RemindersCommand),
    /// Staff sign-in: identity providers and the key that seals their secrets.
    #[command(subcommand)]
    Sso(sso::SsoCommand),
    /// Sign-in by email: who may, and single-use links for one person.
    #[command(subcommand, name = "sign-in")]
    SignIn(sign_in::SignInCommand),
    /// Directory sync with Entra ID or Google Workspace: connect, rules, plan, apply, runs.
    #[command(subcommand)]
    Sync(sync::SyncCommand),
    /// The breach register: export it as CSV, list it.
    #[command(subcommand)]
    Breach(breach::BreachCommand),
    /// Background jobs: list them, run what is due, retry or cancel one.
    #[command(subcommand)]
    Jobs(jobs::JobsCommand),
    /// The obligations model behind every status: rebuild it, check it.
    #[command(subcommand)]
    Compliance(compliance::ComplianceCommand),
    /// Obligations beyond signing: read-and-understand texts and their checks, and
    /// training completions (certificates, session registers, providers' files).
    #[command(subcommand)]
    Training(training::TrainingCommand),
    /// Attributes that decide who owes what (e.g. works directly with children).
    #[command(subcommand)]
    Attributes(attributes::AttributesCommand),
    /// The trust's and its schools' settings as one file: export and import.
    #[command(subcommand)]
    Settings(settings::SettingsCommand),
}

#[derive(Args)]
pub struct JsonFlag {
    /// Print machine-readable JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080, or ATTEST_BIND].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}

#[derive(Subcommand)]
pub enum TrustCommand {
    /// Create a trust.
    Create {
        /// The trust's name, e.g. "Riverside Learning Trust".
        #[arg(long)]
        name: String,
        /// Lowercase letters, digits and hyphens, e.g. "riverside".
        #[arg(long)]
        slug: String,
        #[command(flatten)]
        output: JsonFlag,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue an API token; the secret is printed this once.
    Issue {
        /// The trust's slug.
        #[arg(long)]
        trust: String,
        /// trust_admin, dpo, school_admin or read_only.
        #[arg(long)]
        role: String,
        /// The school's id (required for school_admin).
        #[arg(long, value_name = "ID")]
        school: Option<SchoolId>,
        /// What the token is for.
        #[arg(long, default_value = "issued from the command line")]
        name: String,
        /// Expire the token after this many days (default 90).
        #[arg(long, value_name = "DAYS", conflicts_with = "no_expiry")]
        expires_in_days: Option<u32>,
        /// A token that never expires.
        #[arg(long)]
        no_expiry: bool,
        #[command(flatten)]
        output: JsonFlag,
    },
    /// List a trust's tokens (never their secrets).
    List {
        #[arg(long)]
        trust: String,
        #[command(flatten)]
        output: JsonFlag,
    },
    /// Revoke a token at once.
    Revoke {
        #[arg(long)]
        trust: String,
        #[arg(long, value_name = "ID")]
        id: ApiTokenId,
        #[command(flatten)]
        output: JsonFlag,
    },
}

#[derive(Subcommand)]
pub enum SchemaCommand {
    /// Print the GraphQL schema (SDL).
    Print,
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref()).context("invalid configuration")?;
    crate::telemetry::init(config.log_format);
    match cli.command {
        Command::Serve(args) => serve(config, args).await,
        Command::Migrate(args) => migrate::migrate(&config, args).await,
        Command::Demo(args) => crate::demo::run(config, args).await,
        Command::Doctor(JsonFlag { json }) => {
            if doctor::run(&config, json).await? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Trust(TrustCommand::Create { name, slug, output }) => {
            let app = open_app(&config).await?;
            let trust = app.create_trust(&name, &slug).await?;
            if output.json {
                print_json(&json!({ "id": trust.id, "slug": trust.slug, "name": trust.name }));
            } else {
                println!(
                    "created trust {} ({}) with id {}",
                    trust.name, trust.slug, trust.id
                );
            }
            Ok(())
        }
        Command::Token(command) => token(config, command).await,
        Command::Policy(policy::PolicyCommand::Import(args)) => {
            if policy_import::run(config, args).await? {
                Ok(())
            } else {
                std::process::exit(1)
            }
        }
        Command::Policy(policy::PolicyCommand::Original(args)) => {
            policy_original::run(config, args).await
        }
        Command::Policy(policy::PolicyCommand::Approval(args)) => {
            policy_review::approval(config, args).await
        }
        Command::Policy(policy::PolicyCommand::Review(args)) => {
            policy_review::review(config, args).await
        }
        Command::Policy(policy::PolicyCommand::Reviews(args)) => {
            policy_review::reviews(config, args).await
        }
        Command::Policy(command) => policy::run(command),
        Command::Acceptance(command) => signing::acceptance(config, command).await,
        Command::Report(command) => signing::report(config, command).await,
        Command::Chain(command) => chain::run(config, command).await,
        Command::Retention(command) => retention::run(config, command).await,
        Command::Mail(command) => mail::run(config, command).await,
        Command::Reminders(command) => mail::reminders(config, command).await,
        Command::Jobs(command) => jobs::run(config, command).await,
        Command::Compliance(command) => compliance::run(config, command).await,
        Command::Breach(command) => breach::run(config, command).await,
        Command::Sso(command) => sso::run(config, command).await,
        Command::SignIn(command) => sign_in::run(config, command).await,
        Command::Sync(command) => sync::run(config, command).await,
        Command::Training(command) => training::run(config, command).await,
        Command::Attributes(command) => attributes::run(config, command).await,
        Command::Settings(command) => settings::run(config, command).await,
        Command::Schema(SchemaCommand::Print) => {
            print!("{}", attest_api::sdl());
            Ok(())
        }
    }
}

async fn token(config: Config, command: TokenCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        TokenCommand::Issue {
            trust,
            role,
            school,
            name,
            expires_in_days,
            no_expiry,
            output,
        } => {
            let operator = app.operator_for(&trust).await?;
            let expiry = match (expires_in_days, no_expiry) {
                (Some(days), _) => {
                    attest_app::TokenExpiry::At(app.now() + chrono::Duration::days(i64::from(days)))
                }
                (None, true) => attest_app::TokenExpiry::Never,
                (None, false) => attest_app::TokenExpiry::Default,
            };
            let issued = app
                .issue_api_token(&operator, &name, &role, school, expiry)
                .await?;
            if output.json {
                print_json(&json!({
                    "token": issued.secret,
                    "id": issued.token.id,
                    "role": issued.token.assignment.role(),
                    "school_id": issued.token.assignment.school(),
                    "expires_at": issued.token.expires_at,
                }));
            } else {
                println!("{}", issued.secret);
                eprintln!(
                    "token {} ({}) issued; the secret above is shown only once",
                    issued.token.id,
                    issued.token.assignment.role()
                );
            }
        }
        TokenCommand::List { trust, output } => {
            let operator = app.operator_for(&trust).await?;
            let tokens = app.api_tokens(&operator).await?;
            if output.json {
                print_json(&serde_json::to_value(&tokens)?);
            } else {
                for token in tokens {
                    let state = if token.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    };
                    println!(
                        "{}  {:<12} {:<8} {}",
                        token.id,
                        token.assignment.role(),
                        state,
                        token.name
                    );
                }
            }
        }
        TokenCommand::Revoke { trust, id, output } => {
            let operator = app.operator_for(&trust).await?;
            let token = app.revoke_api_token(&operator, id).await?;
            if output.json {
                print_json(&serde_json::to_value(&token)?);
            } else {
                println!("revoked token {}", token.id);
            }
        }
    }
    Ok(())
}

async fn serve(mut config: Config, args: ServeArgs) -> anyhow::Result<()> {
    if let Some(bind) = args.bind {
        config.bind = bind;
    }
    let app = open_app(&config).await?;
    let listener = TcpListener::bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener
        .local_addr()
        .map_or_else(|_| config.bind.clone(), |address| address.to_string());
    tracing::info!(%address, database = %redacted_url(&config.database_url), "attest is serving");
    let settings = ServerSettings {
        graphql: config.graphql.clone(),
        workers: config.workers,
        handle_signals: true,
        secure_cookies: config.cookie_secure,
        trusted_proxies: crate::http::TrustedProxies::parse(&config.trusted_proxies)
            .map_err(anyhow::Error::msg)?,
    };
    let delivery = spawn_delivery(&config, app.mail_delivery())?;
    let jobs = start_jobs(&config, app.clone()).await?;
    crate::http::start(app, settings, listener)?.await?;
    if let Some(delivery) = delivery {
        delivery.abort();
    }
    if let Some(jobs) = jobs {
        jobs.shutdown().await;
    }
    tracing::info!("attest stopped");
    Ok(())
}

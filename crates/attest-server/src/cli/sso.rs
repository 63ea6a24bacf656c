//! Identity providers from the command line.

use anyhow::Context as _;
use attest_app::IdentityProviderView;
use attest_domain::ProviderInput;
use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Subcommand)]
pub enum SsoCommand {
    /// Print a new random key for ATTEST_SECRET_KEY (it seals client secrets at rest).
    Key,
    /// The trust's identity providers.
    List {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Add an identity provider. The client secret is read from a file or from the
    /// ATTEST_SSO_CLIENT_SECRET variable, never from the command line (which others can see).
    Add {
        #[arg(long)]
        trust: String,
        /// microsoft, google or oidc.
        #[arg(long)]
        kind: String,
        /// The name in its URLs, e.g. staff.
        #[arg(long)]
        slug: String,
        /// The sign-in button's text.
        #[arg(long)]
        name: String,
        #[arg(long)]
        client_id: String,
        #[arg(long, value_name = "FILE")]
        client_secret_file: Option<std::path::PathBuf>,
        /// Microsoft: the trust's directory (tenant) id.
        #[arg(long)]
        tenant_id: Option<String>,
        /// Google: a Workspace domain whose accounts may sign in (repeat for more).
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// oidc: the issuer URL.
        #[arg(long)]
        issuer: Option<String>,
        /// Link a first login to a person by the provider's verified email.
        #[arg(long)]
        link_by_email: bool,
        #[arg(long)]
        json: bool,
    },
    /// Remove an identity provider.
    Remove {
        #[arg(long)]
        trust: String,
        slug: String,
    },
}

fn view_json(view: &IdentityProviderView) -> serde_json::Value {
    json!({
        "id": view.id,
        "slug": view.settings.slug,
        "kind": view.settings.kind.as_str(),
        "display_name": view.settings.display_name,
        "client_id": view.settings.client_id,
        "tenant_id": view.settings.tenant_id,
        "domains": view.settings.domains,
        "issuer": view.settings.issuer,
        "link_by_email": view.settings.link_by_email,
        "login_url": view.login_url,
        "callback_url": view.callback_url,
    })
}

pub async fn run(config: Config, command: SsoCommand) -> anyhow::Result<()> {
    if let SsoCommand::Key = command {
        println!("{}", attest_auth::SealingKey::generate()?);
        return Ok(());
    }
    let app = open_app(&config).await?;
    match command {
        SsoCommand::Key => {}
        SsoCommand::List { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let providers = app.identity_providers(&operator).await?;
            if json {
                print_json(&json!(providers.iter().map(view_json).collect::<Vec<_>>()));
            } else if providers.is_empty() {
                println!("no identity providers");
            } else {
                for view in providers {
                    println!(
                        "{:<12} {:<9} {}  (redirect URI {})",
                        view.settings.slug,
                        view.settings.kind,
                        view.settings.issuer,
                        view.callback_url
                    );
                }
            }
        }
        SsoCommand::Add {
            trust,
            kind,
            slug,
            name,
            client_id,
            client_secret_file,
            tenant_id,
            domains,
            issuer,
            link_by_email,
            json,
        } => {
            let secret = match client_secret_file {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read the client secret from {}", path.display()))?,
                None => std::env::var("ATTEST_SSO_CLIENT_SECRET").context(
                    "give the client secret with --client-secret-file FILE or ATTEST_SSO_CLIENT_SECRET",
                )?,
            };
            let operator = app.operator_for(&trust).await?;
            let view = app
                .add_identity_provider(
                    &operator,
                    ProviderInput {
                        kind,
                        slug,
                        display_name: name,
                        client_id,
                        tenant_id,
                        domains,
                        issuer,
                        link_by_email,
                    },
                    &secret,
                )
                .await?;
            if json {
                print_json(&view_json(&view));
            } else {
                println!(
                    "added {} ({}); register this redirect URI with the provider: {}",
                    view.settings.slug, view.settings.kind, view.callback_url
                );
            }
        }
        SsoCommand::Remove { trust, slug } => {
            let operator = app.operator_for(&trust).await?;
            app.remove_identity_provider(&operator, &slug).await?;
            println!("removed {slug}");
        }
    }
    Ok(())
}

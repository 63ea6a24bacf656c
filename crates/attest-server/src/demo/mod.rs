//! `attest demo`: a fresh SQLite file with a demo trust (the five sample AUPs' schools,
//! their staff, governors and volunteers, and an admin token), then the server.

mod casework;
mod directory;
mod governance;
mod graph;
mod seed;
mod statutory;
mod walkthrough;

pub use seed::seed;

use clap::Args;
use std::net::TcpListener;

use anyhow::Context as _;

use crate::config::Config;
use crate::http::ServerSettings;
use crate::startup::open_app;

/// What the demo made, for its banner.
pub struct DemoTrust {
    pub trust_slug: String,
    pub admin_token: String,
    pub schools: usize,
    pub people: usize,
    pub policies: usize,
    pub signatures: usize,
    /// A signing link for someone who has not signed yet.
    pub signing_link: Option<String>,
    /// Single-use sign-in links to walk the pages as each kind of user: (who they are,
    /// their name, the link).
    pub sign_in_links: Vec<(String, String, String)>,
    /// Breaches on the DPO's desk, in different states.
    pub breaches: usize,
    /// Information requests on the DPO's desk.
    pub requests: usize,
    /// Who is who.
    pub cast: Cast,
}

/// The demo's people who have a part in the walk-through.
#[derive(Debug, Default, Clone)]
pub struct Cast {
    pub schools: Vec<attest_domain::SchoolId>,
    pub trust_admin: Option<attest_domain::PersonId>,
    pub dpo: Option<attest_domain::PersonId>,
    pub school_admin: Option<attest_domain::PersonId>,
    /// A member of staff who reports a breach.
    pub reporter: Option<attest_domain::PersonId>,
    /// A member of staff with a policy still to sign.
    pub signer: Option<attest_domain::PersonId>,
    /// The first school's chair of governors, asked to approve its next AUP.
    pub governor: Option<attest_domain::PersonId>,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub bind: String,
    /// The SQLite file to create (replaced if it exists).
    #[arg(long, value_name = "FILE", default_value = "attest-demo.db")]
    pub database: std::path::PathBuf,
}

fn remove_database(path: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
        match std::fs::remove_file(&file) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(error).with_context(|| format!("cannot remove {}", file.display()));
            }
        }
    }
    Ok(())
}

pub async fn run(mut config: Config, args: DemoArgs) -> anyhow::Result<()> {
    remove_database(&args.database)?;
    config.database_url = format!("sqlite://{}?mode=rwc", args.database.display());
    config.graphql.introspection = true;
    config.graphql.graphiql = true;
    // The demo is served over plain http on this machine.
    config.cookie_secure = false;
    // The demo's providers, if any are added, run on this machine.
    config.allow_local_providers = true;
    let listener =
        TcpListener::bind(&args.bind).with_context(|| format!("cannot listen on {}", args.bind))?;
    let address = listener.local_addr()?;
    config.public_url = format!("http://{address}");
    // No mail server needed: each email becomes a file next to the database.
    let mail_dir = std::path::PathBuf::from(format!("{}.mail", args.database.display()));
    match std::fs::remove_dir_all(&mail_dir) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(error).with_context(|| format!("cannot clear {}", mail_dir.display()));
        }
        _ => {}
    }
    config.smtp_url = format!("file://{}", std::path::absolute(&mail_dir)?.display());
    // A key for this demo's database only, so identity providers can be tried.
    if config.secret_key.is_none() {
        config.secret_key = Some(attest_auth::SealingKey::generate()?);
    }
    let app = open_app(&config).await?;
    let demo = seed(&app).await?;
    let sync_runs = graph::connect_and_sync(&app, &demo).await?;
    println!("attest demo is running");
    println!();
    println!(
        "  trust:      Demo Learning Trust ({}), {} schools, {} people, {} published AUPs,\n              KCSIE Part one and Annex A to read, three yearly courses (docs/training.md)",
        demo.trust_slug, demo.schools, demo.people, demo.policies
    );
    println!(
        "  answers:    {} (signatures, some on paper; KCSIE read; training recorded); others due,\n              overdue, declined or exempt",
        demo.signatures
    );
    println!("  database:   {}", args.database.display());
    println!(
        "  emails:     {} (one .eml file per message; set ATTEST_SMTP_URL for a real server)",
        mail_dir.display()
    );
    println!("  GraphQL:    http://{address}/graphql");
    println!("  GraphiQL:   http://{address}/graphiql   (add the header below in its Headers tab)");
    println!("  admin token: {}", demo.admin_token);
    println!();
    println!("  try:");
    println!(
        "  curl -s http://{address}/graphql -H 'Content-Type: application/json' -H 'Authorization: Bearer {}' -d '{{\"query\":\"{{ viewer {{ trust {{ name }} }} schools {{ name urn }} }}\"}}'",
        demo.admin_token
    );
    if let Some(link) = &demo.signing_link {
        println!("  a signing link (single use): {}", link.trim());
    }
    println!();
    println!(
        "  In a browser: http://{address}/ (sign-in by email; the emails land in the folder above)"
    );
    println!("  or sign in straight away with one of these single-use links (valid 24 hours):");
    for (part, name, url) in &demo.sign_in_links {
        println!("    {part:<40} {name:<18} {url}");
    }
    println!(
        "  directory:  connected to a local stand-in for Microsoft Graph; {sync_runs} sync runs (a full sync, then a newcomer)"
    );
    println!(
        "  breaches:   {} on the DPO's desk (just reported, clock running, reported to the ICO, closed)",
        demo.breaches
    );
    println!(
        "  casework:   {} information requests at /requests (one under way, an FOI clock restarted after clarification, one awaiting ID, one answered); the term calendar at /calendar; processing activities and suppliers at /records",
        demo.requests
    );
    println!(
        "  approval:   the first school's next AUP is in review: its chair of governors and headteacher approve it at /reviews"
    );
    println!(
        "  compliance: http://{address}/exports/compliance.csv   (with the token), or `attest report compliance --trust demo`"
    );
    println!(
        "  inspector:  each school's staff × KCSIE, training and the AUP at /schools/ID/obligations, or `attest report obligations --trust demo --school SLUG`"
    );
    println!();
    println!("  Ctrl-C stops the server.");
    let settings = ServerSettings {
        graphql: config.graphql.clone(),
        workers: config.workers,
        handle_signals: true,
        secure_cookies: config.cookie_secure,
        trusted_proxies: crate::http::TrustedProxies::parse(&config.trusted_proxies)
            .map_err(anyhow::Error::msg)?,
    };
    let delivery = crate::startup::spawn_delivery(&config, app.mail_delivery())?;
    let jobs = crate::startup::start_jobs(&config, app.clone()).await?;
    crate::http::start(app, settings, listener)?.await?;
    if let Some(delivery) = delivery {
        delivery.abort();
    }
    if let Some(jobs) = jobs {
        jobs.shutdown().await;
    }
    Ok(())
}

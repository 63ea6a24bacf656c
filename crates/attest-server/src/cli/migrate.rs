//! Migrating as the owner and serving as the runtime role (PostgreSQL).
//!
//! `ATTEST_MIGRATION_DATABASE_URL` names the owner's connection. With it, migrations run
//! there and the runtime role (the user of `ATTEST_DATABASE_URL`) is granted what the
//! server needs after each. Without it the server migrates with its own connection, and
//! only when migrations are pending, so a runtime role with no DDL serves a current
//! database without trying to change it.

use anyhow::Context;
use attest_app::bootstrap::roles;
use clap::Args;
use serde_json::json;

use crate::config::Config;
use crate::startup::migrate_for;

/// `attest migrate`
#[derive(Args)]
pub struct MigrateArgs {
    /// Create the owner and runtime roles first (PostgreSQL, connected as a superuser),
    /// then migrate as the owner and grant the runtime role what the server needs.
    /// Passwords come from ATTEST_OWNER_PASSWORD and ATTEST_RUNTIME_PASSWORD.
    #[arg(long)]
    create_roles: bool,
    #[arg(long, default_value = "attest_owner", requires = "create_roles")]
    owner_role: String,
    #[arg(long, default_value = "attest_runtime", requires = "create_roles")]
    runtime_role: String,
    #[arg(long)]
    json: bool,
}

pub async fn migrate(config: &Config, args: MigrateArgs) -> anyhow::Result<()> {
    let pending = if args.create_roles {
        let url = config
            .migration_database_url
            .as_deref()
            .unwrap_or(&config.database_url);
        let admin = attest_app::bootstrap::connect(url, 1)
            .await
            .context("cannot open the database")?;
        let owner_password = std::env::var("ATTEST_OWNER_PASSWORD").ok();
        let runtime_password = std::env::var("ATTEST_RUNTIME_PASSWORD").ok();
        roles::create_roles(
            &admin,
            (&args.owner_role, owner_password.as_deref()),
            (&args.runtime_role, runtime_password.as_deref()),
        )
        .await
        .context("cannot create the database roles")?;
        roles::act_as(&admin, &args.owner_role).await?;
        let pending = attest_app::bootstrap::pending_migrations(&admin).await?;
        attest_app::bootstrap::migrate(&admin)
            .await
            .context("cannot apply database migrations as the owner")?;
        roles::grant_runtime(&admin, &args.runtime_role).await?;
        admin.close().await?;
        pending
    } else {
        let db = attest_app::bootstrap::connect(&config.database_url, 1)
            .await
            .context("cannot open the database")?;
        migrate_for(config, &db).await?
    };
    if args.json {
        crate::startup::print_json(&json!({ "applied": pending }));
    } else if pending.is_empty() {
        println!("the database is up to date");
    } else {
        println!(
            "applied {} migration(s): {}",
            pending.len(),
            pending.join(", ")
        );
    }
    if args.create_roles {
        eprintln!(
            "roles ready: migrate as {} and serve as {} (docs/security.md)",
            args.owner_role, args.runtime_role
        );
    }
    Ok(())
}

//! `attest policy original`: writes out the file a policy version was imported from,
//! byte for byte, checked against the SHA-256 kept with it.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use attest_domain::PolicyVersionId;
use clap::Args;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::startup::{open_app, print_json};

#[derive(Args)]
pub struct OriginalArgs {
    #[arg(long)]
    trust: String,
    /// The policy version's id (`attest policy import --json` prints it).
    version: PolicyVersionId,
    /// Where to write it; the file's own name in this directory when left out.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Replace a file already there.
    #[arg(long)]
    force: bool,
    #[arg(long)]
    json: bool,
}

pub async fn run(config: Config, args: OriginalArgs) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    let operator = app.operator_for(&args.trust).await?;
    let (file, bytes) = app
        .policy_source_file_bytes(&operator, args.version)
        .await
        .with_context(|| format!("policy version {}", args.version))?;
    let found = hex::encode(Sha256::digest(&bytes));
    if found != file.sha256 {
        bail!(
            "the stored file's SHA-256 is {found}, not the {} recorded when it was imported: restore it from a backup",
            file.sha256
        );
    }
    let out = args.out.unwrap_or_else(|| PathBuf::from(&file.file_name));
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut target = options.open(&out).with_context(|| {
        format!(
            "cannot write {} (give --force to replace a file that is there)",
            out.display()
        )
    })?;
    target
        .write_all(&bytes)
        .with_context(|| format!("cannot write {}", out.display()))?;
    if args.json {
        print_json(&json!({
            "path": out,
            "fileName": file.file_name,
            "format": file.format,
            "contentType": file.content_type,
            "sizeBytes": file.size,
            "sha256": file.sha256,
            "uploadedAt": file.uploaded_at,
        }));
    } else {
        println!(
            "wrote {} ({}, {} bytes, imported {}), SHA-256 {}",
            out.display(),
            file.format,
            file.size,
            file.uploaded_at.format("%Y-%m-%d %H:%M UTC"),
            file.sha256
        );
    }
    Ok(())
}

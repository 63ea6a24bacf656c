//! `attest chain …`: the server's signatures on each trust's acceptance chain: anchor it
//! now, export its anchors, list the signing keys, rotate the key.

use clap::Subcommand;
use serde_json::json;

use crate::config::Config;
use crate::startup::open_app;

#[derive(Subcommand)]
pub enum ChainCommand {
    /// Sign the trust's chain head now and keep it as an anchor (the reminders job does
    /// this daily). Keep the printed line somewhere attest cannot reach.
    Anchor {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Every anchor of the trust, oldest first (CSV-like lines, or --json).
    Anchors {
        #[arg(long)]
        trust: String,
        #[arg(long)]
        json: bool,
    },
    /// Every chain-signing key, with its public half (as the well-known URL publishes).
    Keys {
        #[arg(long)]
        json: bool,
    },
    /// Start signing with a new key; the old ones are retired and stay published.
    RotateKey,
}

pub async fn run(config: Config, command: ChainCommand) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    match command {
        ChainCommand::Anchor { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let anchor = app.anchor_chain(&operator).await?;
            if json {
                println!("{}", anchor_json(&anchor));
            } else {
                println!("{}", anchor_line(&anchor));
            }
        }
        ChainCommand::Anchors { trust, json } => {
            let operator = app.operator_for(&trust).await?;
            let anchors = app.chain_anchors(&operator).await?;
            if json {
                let list: Vec<_> = anchors.iter().map(anchor_json).collect();
                println!("{}", serde_json::Value::Array(list));
            } else {
                println!("anchored_at,seq,head_hash,key_id,signature");
                for anchor in &anchors {
                    println!("{}", anchor_line(anchor));
                }
            }
        }
        ChainCommand::Keys { json } => {
            let keys = app.published_chain_keys().await?;
            if json {
                println!("{}", json!({ "keys": keys }));
            } else {
                for key in keys {
                    println!(
                        "{} Ed25519 {} created {}{}",
                        key.key_id,
                        key.public_key,
                        key.created_at.to_rfc3339(),
                        key.retired_at
                            .map(|at| format!(", retired {}", at.to_rfc3339()))
                            .unwrap_or_default()
                    );
                }
            }
        }
        ChainCommand::RotateKey => {
            let (key, retired) = app.rotate_chain_key().await?;
            println!(
                "signing with key {key} from now on; {retired} older key(s) retired (still published). \
                 Restart the other replicas so they sign with it too."
            );
        }
    }
    Ok(())
}

fn anchor_line(anchor: &attest_app::ChainAnchor) -> String {
    format!(
        "{},{},{},{},{}",
        anchor
            .anchored_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        anchor.seq,
        anchor.head_hash,
        anchor.key_id,
        anchor.signature
    )
}

fn anchor_json(anchor: &attest_app::ChainAnchor) -> serde_json::Value {
    json!({
        "anchoredAt": anchor.anchored_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "seq": anchor.seq,
        "headHash": anchor.head_hash,
        "keyId": anchor.key_id,
        "signature": anchor.signature,
        "timestampAuthority": anchor.timestamp_authority,
        "timestampToken": anchor.timestamp_token,
    })
}

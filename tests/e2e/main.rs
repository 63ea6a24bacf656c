//! End-to-end tests: each spawns the real server against a fresh database and talks
//! HTTP to it. One binary, several modules, to keep link time down.

mod access;
mod approval;
mod approval_access;
mod approval_defaults;
mod approval_pages;
mod auth;
mod breach_board;
mod breach_desk;
mod breach_evidence;
mod breach_handling;
mod breach_record;
mod breaches;
mod browser;
mod browser_approval;
mod browser_resign;
mod directory;
mod directory_sync;
mod email_sign_in;
mod evidence;
mod evidence_seals;
mod http;
mod jobs;
mod policies;
mod policy_files;
mod policy_source;
mod portal;
mod reminders;
mod retention;
mod scim;
mod scim_providers;
mod security;
mod sign_in;
mod signing;
mod sso;
mod tenancy;

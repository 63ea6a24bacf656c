//! End-to-end tests: each spawns the real server against a fresh database and talks
//! HTTP to it. One binary, several modules, to keep link time down.

mod access;
mod auth;
mod directory;
mod http;
mod policies;
mod reminders;
mod signing;
mod tenancy;

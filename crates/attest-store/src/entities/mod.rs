//! sea-orm entities, one per table, mirroring the migrations.

pub mod api_token;
pub mod audit_entry;
pub mod membership;
pub mod person;
pub mod role_grant;
pub mod school;
pub mod trust;

//! sea-orm entities, one per table, mirroring the migrations.

pub mod acceptance;
pub mod api_token;
pub mod audit_entry;
pub mod exemption;
pub mod magic_link;
pub mod membership;
pub mod outbox_message;
pub mod person;
pub mod policy;
pub mod policy_school_setting;
pub mod policy_version;
pub mod role_grant;
pub mod school;
pub mod trust;

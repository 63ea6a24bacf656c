//! sea-orm entities, one per table, mirroring the migrations.

pub mod api_token;
pub mod audit_entry;
pub mod membership;
pub mod person;
pub mod policy;
pub mod policy_school_setting;
pub mod policy_version;
pub mod role_grant;
pub mod school;
pub mod trust;

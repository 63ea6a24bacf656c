//! sea-orm entities, one per table, mirroring the migrations.

pub mod acceptance;
pub mod api_token;
pub mod audit_entry;
pub mod breach;
pub mod breach_event;
pub mod breach_evidence;
pub mod breach_school;
pub mod exemption;
pub mod identity_provider;
pub mod job;
pub mod magic_link;
pub mod membership;
pub mod outbox_message;
pub mod person;
pub mod policy;
pub mod policy_approval_rule;
pub mod policy_review;
pub mod policy_review_comment;
pub mod policy_review_decision;
pub mod policy_school_setting;
pub mod policy_version;
pub mod policy_version_file;
pub mod role_grant;
pub mod school;
pub mod trust;
pub mod trust_mail_setting;

//! Read-and-understand checks and attempts, and training records (certificates,
//! sessions with their registers, imported completion files) of a trust.

mod checks;
mod training;

pub use training::{NewCertificate, NewImport, NewSession};

use attest_domain::{SchoolId, TenantScope};
use sea_orm::{ConnectionTrait, Value};

use crate::repo::raw::Raw;

pub struct Learning<'a, C> {
    raw: Raw<'a, C>,
}

impl<'a, C: ConnectionTrait> Learning<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    /// ` AND {column} IN (…)` for a school-restricted scope (nothing for the whole trust),
    /// with its values appended after `values`.
    fn school_filter(&self, column: &str, values: &mut Vec<Value>) -> String {
        super::raw::school_filter(self.raw.scope, column, values)
    }

    fn allows(&self, school: SchoolId) -> bool {
        self.raw.scope.schools().allows(school)
    }
}

fn count(value: i32) -> u32 {
    u32::try_from(value).unwrap_or_default()
}

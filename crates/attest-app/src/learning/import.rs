//! An external training provider's completions file: checked whole (every line's
//! problems reported together, nothing written until all are right), then each
//! completion recorded with the line it came from.

use attest_domain::{
    CompletionEvidence, PolicyId, Principal, SigningMethod, TrainingImport, parse_completions,
};
use attest_store::{Learning, NewImport, People, TransactionTrait};
use futures_util::future::join_all;
use sha2::{Digest, Sha256};

use crate::audit::{Change, record};
use crate::error::refused_whole;
use crate::signing::Completed;
use crate::{App, AppError, Limit};

/// The largest file taken.
pub const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;
const MAX_PROVIDER: usize = 200;

#[derive(Debug, Clone)]
pub struct CompletionImport {
    pub policy: PolicyId,
    /// Who ran the course (named in each completion's evidence).
    pub provider: String,
    pub file: Vec<u8>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCompletions {
    pub import: TrainingImport,
    /// Lines whose completion was already recorded (as recently or later), by line.
    pub already_recorded: Vec<u32>,
}

impl App {
    pub async fn import_training_completions(
        &self,
        principal: &Principal,
        input: CompletionImport,
    ) -> Result<ImportedCompletions, AppError> {
        if !principal.can_manage_people() {
            return Err(AppError::forbidden(
                "only a school admin or trust admin can import training",
            ));
        }
        let provider = input
            .provider
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if provider.is_empty() || provider.chars().count() > MAX_PROVIDER {
            return Err(AppError::invalid(
                "provider",
                format!("name the training provider (at most {MAX_PROVIDER} characters)"),
            ));
        }
        if input.file.len() > MAX_IMPORT_BYTES {
            return Err(AppError::invalid(
                "file",
                format!(
                    "the file is {} bytes; at most {MAX_IMPORT_BYTES}: split it",
                    input.file.len()
                ),
            ));
        }
        let rows = parse_completions(&input.file).map_err(|problems| {
            refused_whole("file", "imported", problems.iter().map(ToString::to_string))
        })?;
        let scope = principal.scope();
        let people = People::new(&self.db, &scope);
        let mut found = Vec::with_capacity(rows.len());
        let mut problems = Vec::new();
        for row in &rows {
            let Some(person) = people.find_by_email(&row.email).await? else {
                problems.push(format!(
                    "line {}, email: {} is not anyone at your schools",
                    row.line, row.email
                ));
                continue;
            };
            match self
                .training_obligation(principal, person.id, input.policy, None)
                .await
            {
                Ok(obligation) => found.push((row, obligation)),
                Err(
                    AppError::InvalidInput { message, .. }
                    | AppError::Forbidden(message)
                    | AppError::Conflict(message),
                ) if problems.len() < 50 => {
                    problems.push(format!("line {}, email: {message}", row.line));
                }
                Err(
                    AppError::InvalidInput { .. } | AppError::Forbidden(_) | AppError::Conflict(_),
                ) => {}
                Err(other) => return Err(other),
            }
        }
        if !problems.is_empty() {
            return Err(refused_whole("file", "imported", problems));
        }
        self.rate_limits.hit(
            Limit::TrainingRecord,
            &crate::rate_limit::principal_key(principal),
        )?;
        let latest = Learning::new(&self.db, &scope)
            .latest_completions(input.policy, None)
            .await?;
        let import_id = uuid::Uuid::new_v4();
        let mut already_recorded = Vec::new();
        let mut to_write = Vec::new();
        for (row, obligation) in &found {
            if latest
                .get(&obligation.person.id)
                .is_some_and(|recorded| *recorded >= row.completed_on)
            {
                already_recorded.push(row.line);
            } else {
                to_write.push((row, obligation));
            }
        }
        let writes = to_write.iter().map(|(row, obligation)| {
            self.write_completion(
                principal,
                obligation,
                Completed {
                    method: SigningMethod::Import,
                    completed_on: row.completed_on,
                    evidence: CompletionEvidence::Imported {
                        import: import_id,
                        provider: provider.clone(),
                        line: row.line,
                        reference: row.reference.clone(),
                    },
                    note: None,
                },
            )
        });
        let results = join_all(writes).await;
        let recorded = results.iter().filter(|result| result.is_ok()).count();
        let at = self.now();
        let new = NewImport {
            id: import_id,
            policy: input.policy,
            provider,
            file_sha256: hex::encode(Sha256::digest(&input.file)),
            lines: count(rows.len()),
            recorded: count(recorded),
            skipped: count(already_recorded.len()),
            imported_by: principal.actor().id(),
            at,
        };
        let txn = self.db.begin().await?;
        Learning::new(&txn, &scope).insert_import(&new).await?;
        let import = TrainingImport {
            id: new.id,
            policy: new.policy,
            provider: new.provider.clone(),
            file_sha256: new.file_sha256.clone(),
            lines: new.lines,
            recorded: new.recorded,
            skipped: new.skipped,
            imported_by: new.imported_by,
            imported_at: at,
        };
        record(
            &txn,
            principal,
            at,
            Change {
                action: "training.import",
                subject_type: "training_import",
                subject_id: import_id,
                before: None,
                after: Some(&import),
            },
        )
        .await?;
        txn.commit().await?;
        if let Some(Err(error)) = results.into_iter().find(Result::is_err) {
            return Err(error);
        }
        Ok(ImportedCompletions {
            import,
            already_recorded,
        })
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl App {
    /// The completion files imported for a course the caller can see.
    pub async fn training_imports(
        &self,
        principal: &Principal,
        policy: PolicyId,
    ) -> Result<Vec<TrainingImport>, AppError> {
        let scope = principal.scope();
        attest_store::Policies::new(&self.db, &scope)
            .get(policy)
            .await?;
        Ok(Learning::new(&self.db, &scope).imports(policy).await?)
    }
}

//! Connecting the trust's Entra ID tenant or Google Workspace (its secret sealed at
//! rest), and reading the connection back without it.

use attest_domain::{DirectoryInput, DirectorySettings, Principal};
use attest_store::{Directory as DirectoryStore, TransactionTrait};

use super::{DirectoryConnectionView, seal_context};
use crate::access::require_trust_admin;
use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    pub async fn directory_connection(
        &self,
        principal: &Principal,
    ) -> Result<Option<DirectoryConnectionView>, AppError> {
        require_trust_admin(principal, "see the directory connection")?;
        let scope = principal.scope();
        let store = DirectoryStore::new(&self.db, &scope);
        let Some(connection) = store.connection().await? else {
            return Ok(None);
        };
        let slugs = self.school_slugs(principal).await?;
        Ok(Some(DirectoryConnectionView {
            accounts_known: usize::try_from(connection.accounts).unwrap_or_default(),
            rules: connection.rules.as_ref().map(|rules| {
                rules.to_input(|school| slugs.get(&school).cloned().unwrap_or_default())
            }),
            settings: connection.settings,
            has_delta_link: connection.delta_link.is_some(),
            last_applied_at: connection.last_applied_at,
        }))
    }

    /// Connects (or reconnects) the trust's directory. `secret`: the app's client secret
    /// (Microsoft) or the service account's private key in PEM (Google).
    pub async fn connect_directory(
        &self,
        principal: &Principal,
        input: DirectoryInput,
        secret: &str,
    ) -> Result<DirectoryConnectionView, AppError> {
        require_trust_admin(principal, "connect the trust's directory")?;
        let settings = DirectorySettings::parse(&input)?;
        // A SCIM directory pushes to attest: no provider address, no secret.
        let pushed = settings.kind == attest_domain::DirectoryKind::Scim;
        if !pushed {
            attest_domain::check_provider_url(
                "tokenUrl",
                &settings.token_url,
                self.allow_local_providers,
            )?;
            attest_domain::check_provider_url(
                "apiBase",
                &settings.api_base,
                self.allow_local_providers,
            )?;
        }
        let secret = secret.trim();
        if secret.is_empty() && !pushed {
            return Err(AppError::invalid("secret", "is required"));
        }
        let scope = principal.scope();
        let sealed = if pushed {
            String::new()
        } else {
            self.directory_key()?
                .seal(secret, &seal_context(scope.trust()))
                .map_err(|error| AppError::Internal(error.to_string()))?
        };
        let at = self.now();
        let txn = self.db.begin().await?;
        DirectoryStore::new(&txn, &scope)
            .connect(&settings, &sealed, at)
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "directory.connected",
                subject_type: "directory_connection",
                subject_id: scope.trust().as_uuid(),
                before: None,
                after: Some(&serde_json::to_value(&settings).unwrap_or_default()),
            },
        )
        .await?;
        txn.commit().await?;
        self.directory_connection(principal)
            .await?
            .ok_or_else(|| AppError::Internal("the connection just made is missing".to_owned()))
    }
}

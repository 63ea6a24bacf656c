//! How attest reaches the services a trust names (directory APIs, token endpoints,
//! OpenID providers): https to public addresses only, checked when connecting.
//!
//! A URL's hostname was checked when the trust saved it, but DNS can answer differently
//! later (rebinding). So the client resolves names itself and drops every address that
//! is not public before connecting, refuses IP literals that are not public before
//! sending, and follows no redirect to another origin.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use attest_domain::{check_provider_url, is_public_ip};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect::Policy;

/// What outgoing calls may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Egress {
    /// Loopback, private addresses and plain http too (`ATTEST_ALLOW_LOCAL_PROVIDERS`:
    /// tests and the demo).
    pub allow_local: bool,
}

impl Egress {
    /// Whether a request to `url` may be sent (each request, including links a provider
    /// answered with, such as Graph's `@odata.nextLink`).
    pub fn check(&self, url: &reqwest::Url) -> Result<(), String> {
        check_provider_url("url", url.as_str(), self.allow_local).map_err(|_| {
            format!(
                "{} is not a public https address",
                url.origin().ascii_serialization()
            )
        })
    }

    /// A client builder that resolves through `PublicResolver` and follows redirects
    /// only within the same origin (at most 5).
    pub fn client_builder(&self) -> reqwest::ClientBuilder {
        let builder = reqwest::Client::builder()
            .redirect(same_origin_redirects())
            .connect_timeout(Duration::from_secs(10));
        if self.allow_local {
            builder
        } else {
            builder.dns_resolver(Arc::new(PublicResolver))
        }
    }
}

fn same_origin_redirects() -> Policy {
    Policy::custom(|attempt| {
        let first = attempt.previous().first().map(reqwest::Url::origin);
        if attempt.previous().len() >= 5 {
            attempt.error("too many redirects")
        } else if first.as_ref() == Some(&attempt.url().origin()) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// Resolves with the system resolver, then keeps only public addresses.
#[derive(Debug, Clone, Copy)]
pub struct PublicResolver;

impl Resolve for PublicResolver {
    fn resolve(&self, name: Name) -> Resolving {
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found
                .into_iter()
                .filter(|address| is_public_ip(address.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!(
                    "{host} resolves only to private, loopback or reserved addresses"
                )
                .into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn names_that_resolve_to_this_machine_are_not_connected_to() {
        let name: Name = "localhost".parse().expect("a name");
        let error = PublicResolver
            .resolve(name)
            .await
            .err()
            .expect("localhost is loopback");
        assert!(error.to_string().contains("private, loopback"), "{error}");
    }

    #[test]
    fn literal_addresses_are_checked_before_sending() {
        let strict = Egress::default();
        let metadata = reqwest::Url::parse("https://169.254.169.254/latest/").expect("url");
        assert!(strict.check(&metadata).is_err());
        let graph = reqwest::Url::parse("https://graph.microsoft.com/v1.0/users").expect("url");
        assert!(strict.check(&graph).is_ok());
        let local = Egress { allow_local: true };
        let loopback = reqwest::Url::parse("http://127.0.0.1:9000/").expect("url");
        assert!(local.check(&loopback).is_ok());
        assert!(strict.check(&loopback).is_err());
    }
}

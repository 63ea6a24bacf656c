//! Which addresses a trust may make attest call: its identity and directory providers.
//!
//! A trust admin types these URLs, so they are the way to make the server reach inside
//! its own network (server-side request forgery: the cloud metadata service, the
//! database, an admin port). They must be https to a public address, with no userinfo.
//! Loopback, private and plain http are only for tests and the demo, where the operator
//! says so (`ATTEST_ALLOW_LOCAL_PROVIDERS`). Hostnames are checked again when connecting,
//! against the addresses they resolve to then.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::DomainError;

/// Checks a URL a trust supplies (`field` names it in the error).
pub fn check_provider_url(
    field: &'static str,
    raw: &str,
    allow_local: bool,
) -> Result<(), DomainError> {
    let refuse = |why: &str| {
        Err(DomainError::invalid(
            field,
            format!("'{}' {why}", shown(raw)),
        ))
    };
    let Ok(url) = Url::parse(raw.trim()) else {
        return refuse("is not a URL");
    };
    match url.scheme() {
        "https" => {}
        "http" if allow_local => {}
        _ => return refuse("must be an https:// URL"),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return refuse("must not carry a user name or password");
    }
    if url.fragment().is_some() {
        return refuse("must not have a #fragment");
    }
    if allow_local {
        return Ok(());
    }
    match url.host() {
        None => refuse("has no host"),
        Some(Host::Ipv4(ip)) if !is_public_ip(IpAddr::V4(ip)) => {
            refuse("points at a private, loopback or reserved address")
        }
        Some(Host::Ipv6(ip)) if !is_public_ip(IpAddr::V6(ip)) => {
            refuse("points at a private, loopback or reserved address")
        }
        Some(Host::Domain(name)) if is_local_name(name) => {
            refuse("names this machine or its local network")
        }
        Some(_) => Ok(()),
    }
}

fn shown(raw: &str) -> String {
    raw.chars().take(200).collect()
}

fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost"
        || [".localhost", ".local", ".internal", ".home.arpa"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
        || !name.contains('.')
}

/// Whether `ip` is an address on the public internet: not loopback, private,
/// link-local (cloud metadata lives there), shared (CGNAT), multicast, unique-local,
/// documentation, benchmarking or otherwise reserved.
pub fn is_public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => is_public_v6(ip),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let reserved = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240; // reserved for future use
    !reserved
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) carries an IPv4 address in its last 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., high, low] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(high) << 16) | u32::from(low)));
    }
    let reserved = ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (segments[0] & 0xfe00) == 0xfc00 // unique local
        || (segments[0] & 0xffc0) == 0xfe80 // link local
        || (segments[0] & 0xffc0) == 0xfec0 // site local (deprecated)
        || (segments[0] == 0x2001 && segments[1] == 0x0db8) // documentation
        || segments[..6] == [0, 0, 0, 0, 0, 0]; // IPv4-compatible (deprecated)
    !reserved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(raw: &str) -> Result<(), String> {
        check_provider_url("api_base", raw, false).map_err(|error| error.to_string())
    }

    #[test]
    fn the_reviewers_probes_are_refused() {
        for raw in [
            "http://127.0.0.1@169.254.169.254/latest/",
            "https://127.0.0.1@169.254.169.254/latest/",
            "https://10.0.0.1/token",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:10.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://100.64.0.1/",
            "https://192.168.1.1/",
            "https://172.16.0.1/",
            "https://0.0.0.0/",
            "https://224.0.0.1/",
            "https://localhost/",
            "https://metadata.google.internal/",
            "https://db/",
            "http://graph.microsoft.com/v1.0",
            "ftp://graph.microsoft.com/",
            "https://user:pw@graph.microsoft.com/",
            "https://graph.microsoft.com/#x",
            "not a url",
        ] {
            assert!(field_of(raw).is_err(), "{raw} was accepted");
        }
    }

    #[test]
    fn public_https_services_are_accepted() {
        for raw in [
            "https://graph.microsoft.com/v1.0",
            "https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
            "https://accounts.google.com",
            "https://8.8.8.8/",
            "https://[2606:4700::1111]/",
        ] {
            assert!(field_of(raw).is_ok(), "{raw} was refused");
        }
    }

    #[test]
    fn the_operator_can_allow_local_providers_for_tests() {
        assert!(check_provider_url("issuer", "http://127.0.0.1:9000/", true).is_ok());
        assert!(check_provider_url("issuer", "http://127.0.0.1:9000/", false).is_err());
        let error = check_provider_url("issuer", "https://u:p@127.0.0.1/", true)
            .expect_err("userinfo is never right");
        assert!(error.to_string().contains("user name"), "{error}");
    }
}

//! Who is calling, by network address: the key of per-address rate limits and the IP
//! kept with a signature as evidence.
//!
//! The TCP peer is the caller unless it is one of the operator's trusted proxies (a
//! load balancer), whose `X-Forwarded-For` is then read from the right, skipping the
//! trusted hops: the first address a trusted proxy did not add is the client. Without
//! trusted proxies the header is ignored, since any client can write it.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// `ATTEST_TRUSTED_PROXIES`: addresses or ranges (`10.0.0.0/8`) of the proxies in front.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses the configured list; a wrong entry is named.
    pub fn parse(entries: &[String]) -> Result<Self, String> {
        entries
            .iter()
            .map(|entry| {
                let entry = entry.trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!("trusted_proxies: '{entry}' is not an address or a range such as 10.0.0.0/8")
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for this request.
    pub fn client(&self, request: &HttpRequest) -> Option<IpAddr> {
        let peer = request.peer_addr().map(|addr| addr.ip())?;
        if !self.trusts(peer) {
            return Some(peer);
        }
        let forwarded: Vec<IpAddr> = request
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|hop| hop.trim().parse::<IpAddr>().ok())
            .collect();
        Some(
            forwarded
                .into_iter()
                .rev()
                .find(|hop| !self.trusts(*hop))
                .unwrap_or(peer),
        )
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(peer: &str, forwarded: Option<&str>) -> HttpRequest {
        let mut request = TestRequest::default().peer_addr(peer.parse().expect("addr"));
        if let Some(value) = forwarded {
            request = request.insert_header(("x-forwarded-for", value));
        }
        request.to_http_request()
    }

    #[test]
    fn the_header_is_read_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        let spoofed = request("203.0.113.9:5000", Some("198.51.100.1"));
        assert_eq!(none.client(&spoofed), "203.0.113.9".parse().ok());

        let proxies = TrustedProxies::parse(&["10.0.0.0/8".to_owned(), "192.0.2.1".to_owned()])
            .expect("valid");
        let via_balancer = request("10.1.2.3:5000", Some("198.51.100.7, 10.4.4.4"));
        assert_eq!(proxies.client(&via_balancer), "198.51.100.7".parse().ok());
        // A client that writes its own header cannot hide behind it.
        let forged = request("10.1.2.3:5000", Some("1.1.1.1, 198.51.100.7"));
        assert_eq!(proxies.client(&forged), "198.51.100.7".parse().ok());
        let direct = request("198.51.100.8:5000", Some("1.1.1.1"));
        assert_eq!(proxies.client(&direct), "198.51.100.8".parse().ok());
        assert!(TrustedProxies::parse(&["nonsense".to_owned()]).is_err());
    }
}

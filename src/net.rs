//! Who is on the other end of a request (server only): the client's real address and whether it
//! came over HTTPS, taken from `X-Forwarded-For`/`X-Forwarded-Proto` only when the connection
//! comes from a trusted reverse proxy (`DIGDAYA_TRUSTED_PROXIES`: addresses or CIDR ranges,
//! comma-separated; default the loopback addresses, where a proxy on the same machine sits).
//! From anybody else those headers are ignored: a client cannot choose its address for the
//! sign-in throttle, the rate limits or the audit log, nor claim HTTPS.

use std::net::IpAddr;

use axum::extract::ConnectInfo;
use http::HeaderMap;

use crate::config::Proxies;

/// The client of a request as the server sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub ip: Option<IpAddr>,
    pub https: bool,
}

impl Peer {
    /// The key the throttle and the rate limits count an address by: an IPv6 client by its /64
    /// (one household or phone gets a whole /64 and could otherwise take a new address per try).
    pub fn address_key(&self) -> Option<String> {
        self.ip.map(|ip| match ip.to_canonical() {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let prefix = u128::from(v6) & (u128::MAX << 64);
                format!("{}/64", std::net::Ipv6Addr::from(prefix))
            }
        })
    }
}

/// The client: the connection's address, or — when that is a trusted proxy — the nearest
/// address in `X-Forwarded-For` that is not one, with the scheme `X-Forwarded-Proto` names.
pub fn resolve(connection: Option<IpAddr>, headers: &HeaderMap, proxies: &Proxies) -> Peer {
    let Some(peer) = connection else { return Peer { ip: None, https: false } };
    if !proxies.contains(peer) {
        return Peer { ip: Some(peer), https: false };
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    // From the right: each proxy appends the address it got the request from.
    let ip = forwarded.iter().rev().find(|a| !proxies.contains(**a)).or(forwarded.first()).copied().unwrap_or(peer);
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    Peer { ip: Some(ip), https }
}

/// Admits a request from the connection `addr` (the serving loop calls it first): puts the
/// connection (`ConnectInfo`) and the request's [`Peer`] in its extensions, for every handler
/// and server function; over HTTPS drops the plain-named session and device cookies.
pub fn admit<B>(req: &mut http::Request<B>, addr: std::net::SocketAddr) {
    let found = resolve(Some(addr.ip()), req.headers(), &crate::config::current().trusted_proxies);
    if found.https {
        drop_plain_cookies(req.headers_mut());
    }
    req.extensions_mut().insert(ConnectInfo(addr));
    req.extensions_mut().insert(found);
}

/// The plain names of the cookies that are `__Host-` ones over HTTPS (Secure, this host only):
/// the session's and the known device's (`auth` names them; its tests hold the two lists equal).
pub const HOST_ONLY_COOKIES: [&str; 2] = ["digdaya_session", "digdaya_perangkat"];

/// Over HTTPS the session and device cookies are the `__Host-` ones; a plain-named one came from
/// an insecure page or was planted by a neighbouring host, and is not read at all.
fn drop_plain_cookies(headers: &mut HeaderMap) {
    let kept: Vec<String> = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .filter(|pair| !HOST_ONLY_COOKIES.iter().any(|name| pair.split('=').next() == Some(*name)))
        .map(str::to_string)
        .collect();
    headers.remove(http::header::COOKIE);
    if let Ok(value) = http::HeaderValue::from_str(&kept.join("; "))
        && !kept.is_empty()
    {
        headers.insert(http::header::COOKIE, value);
    }
}

/// The request's [`Peer`] from its parts (a default one outside a request).
pub fn of(parts: &http::request::Parts) -> Peer {
    parts.extensions.get::<Peer>().copied().unwrap_or(Peer { ip: None, https: false })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn forwarded_headers_count_only_from_a_trusted_proxy() {
        let proxies = Proxies::parse("127.0.0.1, 10.0.0.0/8").unwrap();
        let spoof = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-forwarded-proto", "https")]);
        let direct = resolve(Some("203.0.113.9".parse().unwrap()), &spoof, &proxies);
        assert_eq!(direct, Peer { ip: Some("203.0.113.9".parse().unwrap()), https: false });
        let proxied = resolve(Some("127.0.0.1".parse().unwrap()), &spoof, &proxies);
        assert_eq!(proxied, Peer { ip: Some("1.2.3.4".parse().unwrap()), https: true });
        // A client's own X-Forwarded-For is to the left of what the proxies appended.
        let chain = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7, 10.0.0.5")]);
        assert_eq!(
            resolve(Some("10.0.0.1".parse().unwrap()), &chain, &proxies).ip,
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(
            resolve(Some("127.0.0.1".parse().unwrap()), &HeaderMap::new(), &proxies).ip,
            Some("127.0.0.1".parse().unwrap())
        );
    }

    #[test]
    fn plain_session_cookies_are_dropped_over_https() {
        let t = "0123456789abcdef0123456789abcdef";
        let mut h = headers(&[("cookie", &format!("digdaya_session={t}; a=1; __Host-digdaya_session={t}x"))]);
        drop_plain_cookies(&mut h);
        assert_eq!(h.get("cookie").unwrap(), &format!("a=1; __Host-digdaya_session={t}x"));
        let mut only = headers(&[("cookie", &format!("digdaya_session={t}"))]);
        drop_plain_cookies(&mut only);
        assert!(only.get("cookie").is_none());
    }

    #[test]
    fn ranges_and_bad_settings() {
        assert!(Proxies::parse("10.0.0.0/33").is_err());
        assert!(Proxies::parse("proxy.local").is_err());
        assert!(!Proxies::parse("none").unwrap().contains("127.0.0.1".parse().unwrap()));
        let p = Proxies::parse("fd00::/8").unwrap();
        assert!(p.contains("fd12::1".parse().unwrap()) && !p.contains("2001:db8::1".parse().unwrap()));
        assert!(Proxies::parse("127.0.0.1").unwrap().contains("::ffff:127.0.0.1".parse().unwrap()));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let a = Peer { ip: Some("2001:db8:1:2:aaaa::1".parse().unwrap()), https: false };
        let b = Peer { ip: Some("2001:db8:1:2:bbbb::9".parse().unwrap()), https: false };
        assert_eq!(a.address_key(), b.address_key());
        assert_eq!(a.address_key().unwrap(), "2001:db8:1:2::/64");
        assert_eq!(Peer { ip: Some("10.1.2.3".parse().unwrap()), https: false }.address_key().unwrap(), "10.1.2.3");
    }
}

/// The header a trusted proxy writes the client's address into.
///
/// One header, chosen by the operator: a proxy rewrites only its own header and passes the
/// other one through untouched, so reading both would let a client forge the other.
public enum ClientAddressHeader: String, Sendable, Equatable, CaseIterable {
    /// `X-Forwarded-For: client, proxy1, proxy2` (nginx, HAProxy, most load balancers).
    case xForwardedFor = "x-forwarded-for"
    /// RFC 7239 `Forwarded: for=client;proto=https, for=proxy1`.
    case forwarded
}

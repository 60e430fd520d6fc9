public import LedgerCore
import WireContract

/// Who may call each route: the one place access is decided.
///
/// Every route of the router must appear here (a test fails otherwise), and the OpenAPI
/// document's per-operation `security` must agree with it (another test). A route
/// missing from the table is refused to everyone but admins.
public enum RoutePolicy {
    /// Who may call a route.
    public enum Access: Hashable, Sendable {
        /// Anyone, without a key: the transparency endpoints.
        case everyone
        /// Holders of a key with one of these roles (admins may always call).
        case roles(Set<Role>)

        /// Whether `principal` (nil: no key) may call a route with this access.
        public func allows(_ principal: Principal?) -> Bool {
            switch self {
            case .everyone: return true
            case .roles(let roles):
                guard let role = principal?.role else { return false }
                return role == .admin || roles.contains(role)
            }
        }
    }

    static let readers: Access = .roles([.admin, .treasurer, .approver, .auditor])
    static let treasurers: Access = .roles([.admin, .treasurer])
    static let admins: Access = .roles([.admin])
    static let approvers: Access = .roles([.admin, .approver])
    static let keyReaders: Access = .roles([.admin, .auditor])

    /// Access per "METHOD /path/{parameter}".
    public static let table: [String: Access] = [
        "GET /healthz": .everyone,
        "GET /readyz": .everyone,
        "GET /openapi.yaml": .everyone,
        "GET /openapi.json": .everyone,
        "GET /metrics": keyReaders,

        "POST /v1/assets": admins,
        "GET /v1/assets": readers,
        "GET /v1/assets/{code}": readers,

        "POST /v1/accounts": admins,
        "GET /v1/accounts": readers,
        "GET /v1/accounts/{account}": readers,
        "POST /v1/accounts/{account}/close": admins,
        "GET /v1/accounts/{account}/balances": readers,
        "GET /v1/accounts/{account}/register": readers,

        "POST /v1/transactions": treasurers,
        "POST /v1/transactions/batch": treasurers,
        "GET /v1/transactions": readers,
        "GET /v1/transactions/{id}": readers,
        "POST /v1/transactions/{id}/reverse": treasurers,
        "GET /v1/transactions/{id}/proof": .everyone,

        "GET /v1/trial-balance": readers,
        // Public; the auditor version (audience=auditor) is checked in the route itself.
        "GET /v1/reports/{name}": .everyone,

        "GET /v1/log/key": .everyone,
        "GET /v1/log/checkpoint": .everyone,
        "GET /v1/log/checkpoints": .everyone,
        "GET /v1/log/entries": .everyone,
        "GET /v1/log/proof/inclusion": .everyone,
        "GET /v1/log/proof/consistency": .everyone,
        "GET /tlog/checkpoint": .everyone,
        "GET /tlog/tile/**": .everyone,

        "POST /v1/members": treasurers,
        "GET /v1/members": readers,
        "GET /v1/members/{id}": readers,
        "DELETE /v1/members/{id}/private-data": admins,

        "POST /v1/funds": admins,
        "GET /v1/funds": readers,
        "GET /v1/funds/{id}": readers,

        "POST /v1/pledges": treasurers,
        "GET /v1/pledges": readers,
        "GET /v1/pledges/{id}": readers,
        "POST /v1/pledges/{id}/cancel": treasurers,
        "POST /v1/contributions": treasurers,
        "GET /v1/contributions": readers,
        "GET /v1/contributions/{id}": readers,

        "POST /v1/disbursements": treasurers,
        "GET /v1/disbursements": readers,
        "GET /v1/disbursements/{id}": readers,
        "POST /v1/disbursements/{id}/approve": approvers,
        "POST /v1/disbursements/{id}/reject": approvers,
        "POST /v1/disbursements/{id}/pay": treasurers,
        "POST /v1/disbursements/{id}/cancel": treasurers,
        // A beneficiary's name is personal data: only an admin erases it (a logged act).
        "DELETE /v1/disbursements/{id}/beneficiary": admins,

        // Money out of a fund's cash besides grants and conversions: treasurers ask,
        // approvers (never the requester) approve above the fund's limit.
        "POST /v1/funds/{id}/cash-adjustments": treasurers,
        "GET /v1/cash-adjustments": readers,
        "GET /v1/cash-adjustments/{id}": readers,
        "POST /v1/cash-adjustments/{id}/approve": approvers,
        "POST /v1/cash-adjustments/{id}/reject": approvers,

        "POST /v1/funds/{id}/conversions": treasurers,
        "POST /v1/fx-rates": treasurers,
        "GET /v1/fx-rates": readers,

        // Closing the books binds every later write: an admin's act, like creating a fund.
        "POST /v1/periods": admins,
        "GET /v1/periods": readers,

        "POST /v1/keys": admins,
        "GET /v1/keys": keyReaders,
        "POST /v1/keys/{id}/revoke": admins,
    ]

    /// The methods routed for a concrete request path (templates match any one segment
    /// per `{parameter}`), for answering 405 with an `Allow` header.
    ///
    /// Like the router, a literal segment wins over a parameter: `/v1/transactions/batch`
    /// is the batch route only, not also `/v1/transactions/{id}`.
    public static func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (literals: Int, methods: Set<String>) = (-1, [])
        for route in table.keys {
            let parts = route.split(separator: " ", maxSplits: 1)
            let template = parts[1].split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { continue }
            var literals = 0
            let matches = zip(template, segments).allSatisfy { pattern, segment in
                if pattern.hasPrefix("{") && pattern.hasSuffix("}") { return !segment.isEmpty }
                literals += 1
                return pattern == segment
            }
            guard matches else { continue }
            if literals > best.literals {
                best = (literals, [String(parts[0])])
            } else if literals == best.literals {
                best.methods.insert(String(parts[0]))
            }
        }
        return best.methods.sorted()
    }

    /// `path` as the table names it: under a configured tiles prefix, the same path under
    /// `/tlog` (the prefix is checked at start not to shadow any other route).
    /// (`/tlog` itself then names no route.)
    public static func canonical(_ path: String, tilesPrefix: String) -> String {
        guard tilesPrefix != "/tlog" else { return path }
        if path.hasPrefix(tilesPrefix + "/") { return "/tlog" + path.dropFirst(tilesPrefix.count) }
        if path == "/tlog" || path.hasPrefix("/tlog/") { return "/unrouted" + path }
        return path
    }

    /// The route a tiles prefix would hide or be hidden by (same first segment), if any.
    public static func routeShadowed(byTilesPrefix prefix: String) -> String? {
        let first = prefix.split(separator: "/").first.map(String.init)
        return table.keys.sorted().first { route in
            let path = route.split(separator: " ", maxSplits: 1).last.map(String.init) ?? ""
            return !path.hasPrefix("/tlog/") && path.split(separator: "/").first.map(String.init) == first
        }
    }

    /// The access of a route, by method and path template; admins only when unlisted.
    public static func access(method: String, path: String) -> Access {
        table["\(method) \(path)"] ?? admins
    }
}

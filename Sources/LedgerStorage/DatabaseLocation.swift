import AuditLog

/// Where the ledger lives: a SQLite file (a plain path, the default) or a PostgreSQL
/// database (a `postgres://` or `postgresql://` URL), as `--database`, the `database`
/// configuration key and `COMMONS_LEDGER_DATABASE` give it.
///
/// The URL form is libpq's, restricted to what a ledger operator needs:
/// `postgres://USER[:PASSWORD]@HOST[:PORT][/DATABASE][?sslmode=…&host=…&connect_timeout=…]`.
/// A password is never shown: `description` and every error print the URL with the
/// password as `***`, so it cannot reach a log line, a problem body or `/metrics`.
public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    /// Reads `text`: a URL with a PostgreSQL scheme, a refusal for any other scheme (so a
    /// typo such as `postgress://` is never taken for a file name), otherwise a file path.
    public init(_ text: String) throws(PostgresURL.Invalid) {
        guard !text.isEmpty else { throw PostgresURL.Invalid("the database location must not be empty") }
        guard let schemeEnd = text.firstRange(of: "://") else {
            self = .sqlite(path: text)
            return
        }
        let scheme = text[..<schemeEnd.lowerBound]
        guard !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) else {
            self = .sqlite(path: text)
            return
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw PostgresURL.Invalid("unsupported database URL scheme \"\(scheme)\"; use a file path or postgres://")
        }
        self = .postgres(try PostgresURL(text))
    }

    /// The location as it may be shown: a path, or the URL with its password hidden.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): url.description
        }
    }
}

/// A PostgreSQL connection URL, parsed and checked.
public struct PostgresURL: Equatable, Sendable, CustomStringConvertible {
    /// How the connection to the database is protected.
    public enum TLSMode: String, Sendable, CaseIterable {
        /// No TLS: for a Unix socket or a loopback/private network the operator trusts.
        case disable
        /// TLS, without checking the server's certificate (protects against listeners only).
        case require
        /// TLS with the server's certificate checked against the system's roots and the host.
        case verifyFull = "verify-full"
    }

    public let user: String
    /// Never printed; `description` shows `***` in its place.
    public let password: String?
    /// A host name or address, or (from the `host` parameter) a Unix socket directory.
    public let host: String
    public let port: Int
    public let database: String
    public let tls: TLSMode
    /// Seconds to wait for a connection before giving up.
    public let connectTimeoutSeconds: Int

    /// Whether `host` names a Unix socket directory rather than a network host.
    public var isUnixSocket: Bool { host.hasPrefix("/") }

    /// Why a database location was refused; its text never holds the password.
    public struct Invalid: Error, Equatable, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The parameters a URL may carry; any other is refused, so a misspelt `sslmode` never
    /// silently leaves TLS off.
    static let parameters: Set<String> = ["sslmode", "host", "connect_timeout"]
    /// The `connect_timeout` range: at least a second, at most ten minutes.
    static let connectTimeoutRange = 1...600

    /// Parses `text`, which starts with `postgres://` or `postgresql://`.
    public init(_ text: String) throws(Invalid) {
        guard let schemeEnd = text.firstRange(of: "://") else { throw Invalid("not a postgres:// URL") }
        var rest = Substring(text[schemeEnd.upperBound...])
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw Invalid("the URL needs a user: postgres://USER@HOST/DATABASE")
        }
        let credentials = rest[..<at]
        let address = rest[rest.index(after: at)...]
        let (user, password) = try Self.credentials(credentials)
        var (host, port) = try Self.address(address)
        let parameters = try Self.parameters(query)
        if let socket = parameters["host"] {
            guard socket.hasPrefix("/") else { throw Invalid("the host parameter must be a socket directory path") }
            host = socket
        }
        guard !host.isEmpty else { throw Invalid("the URL needs a host, or ?host=/socket/directory") }
        let database = try Self.decoded(path, what: "database name")
        guard !database.contains("/") else { throw Invalid("the database name must not contain '/'") }
        var tls = TLSMode.disable
        if let mode = parameters["sslmode"] {
            guard let known = TLSMode(rawValue: mode) else {
                let modes = TLSMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw Invalid("sslmode must be one of \(modes)")
            }
            tls = known
        }
        var timeout = 10
        if let text = parameters["connect_timeout"] {
            guard let seconds = Int(text), Self.connectTimeoutRange.contains(seconds) else {
                throw Invalid("connect_timeout must be whole seconds from 1 to 600")
            }
            timeout = seconds
        }
        self.init(
            user: user, password: password, host: host, port: port ?? 5432,
            database: database.isEmpty ? user : database, tls: tls, connectTimeoutSeconds: timeout
        )
    }

    public init(
        user: String, password: String?, host: String, port: Int, database: String, tls: TLSMode,
        connectTimeoutSeconds: Int
    ) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
        self.connectTimeoutSeconds = connectTimeoutSeconds
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        let secret = password == nil ? "" : ":***"
        let address = isUnixSocket ? "" : (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
        var parameters = ["sslmode=\(tls.rawValue)"]
        if isUnixSocket { parameters.insert("host=\(host)", at: 0) }
        return "postgres://\(user)\(secret)@\(address)/\(database)?" + parameters.joined(separator: "&")
    }

    private static func credentials(_ text: Substring) throws(Invalid) -> (String, String?) {
        let user: String
        var password: String?
        if let colon = text.firstIndex(of: ":") {
            user = try decoded(text[..<colon], what: "user")
            password = try decoded(text[text.index(after: colon)...], what: "password")
        } else {
            user = try decoded(text, what: "user")
        }
        guard !user.isEmpty else { throw Invalid("the URL needs a user: postgres://USER@HOST/DATABASE") }
        return (user, password)
    }

    private static func address(_ text: Substring) throws(Invalid) -> (String, Int?) {
        var host = text
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw Invalid("an IPv6 host needs its closing ']'") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw Invalid("unexpected text after the IPv6 host") }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        var port: Int?
        if let portText {
            guard let value = Int(portText), (1...65_535).contains(value) else {
                throw Invalid("the port must be a number from 1 to 65535")
            }
            port = value
        }
        return (try decoded(host, what: "host"), port)
    }

    /// The query's parameters; each at most once and known.
    private static func parameters(_ query: Substring) throws(Invalid) -> [String: String] {
        var found: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else { throw Invalid("a URL parameter needs a value") }
            let name = String(pair[..<equals])
            guard parameters.contains(name) else {
                throw Invalid("unknown URL parameter; use \(parameters.sorted().joined(separator: ", "))")
            }
            guard found[name] == nil else { throw Invalid("URL parameter \(name) is given twice") }
            found[name] = try decoded(pair[pair.index(after: equals)...], what: name)
        }
        return found
    }

    /// Percent-decodes `text` as UTF-8; the error names the part, never its text.
    static func decoded(_ text: Substring, what: String) throws(Invalid) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8.makeIterator()
        while let byte = utf8.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = utf8.next().flatMap(HexEncoding.value(ofDigit:)),
                let low = utf8.next().flatMap(HexEncoding.value(ofDigit:))
            else {
                throw Invalid("the \(what) has a malformed %-escape")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self), !decoded.contains("\0") else {
            throw Invalid("the \(what) is not valid UTF-8 text")
        }
        return decoded
    }
}

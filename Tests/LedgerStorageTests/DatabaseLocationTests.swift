// Goal: `--database` means what an operator expects: a plain path is a SQLite file, a
// postgres:// URL is read as libpq reads it (user, password, host or socket directory,
// port, database, sslmode), anything doubtful is refused with a reason — and a password
// never appears in what is printed, whether the URL is accepted or refused.
import LedgerStorage
import Testing

@Suite struct DatabaseLocationTests {
    @Test(arguments: ["./data/ledger.sqlite", "/var/lib/ledger/book.sqlite", "ledger.sqlite", "data/a:b.sqlite"])
    func aPathIsASQLiteFile(path: String) throws {
        #expect(try DatabaseLocation(path) == .sqlite(path: path))
    }

    @Test func aFullURLIsReadPartByPart() throws {
        let location = try DatabaseLocation(
            "postgres://fund%40ops:s3cr%2Ft@db.example.org:6543/solidarity?sslmode=verify-full&connect_timeout=5"
        )
        #expect(location == .postgres(PostgresURL(
            user: "fund@ops", password: "s3cr/t", host: "db.example.org", port: 6543, database: "solidarity",
            tls: .verifyFull, connectTimeoutSeconds: 5
        )))
    }

    @Test func defaultsAreLibpqsAndTLSIsOffUnlessAsked() throws {
        guard case .postgres(let url) = try DatabaseLocation("postgresql://ledger@127.0.0.1") else {
            Issue.record("not read as PostgreSQL")
            return
        }
        #expect(url.port == 5432)
        #expect(url.database == "ledger")
        #expect(url.tls == .disable)
        #expect(url.password == nil)
        #expect(url.connectTimeoutSeconds == 10)
    }

    @Test func aSocketDirectoryAndAnIPv6HostAreRead() throws {
        guard case .postgres(let socket) = try DatabaseLocation("postgres://postgres@/ledger?host=/tmp/pg") else {
            Issue.record("not read as PostgreSQL")
            return
        }
        #expect(socket.host == "/tmp/pg")
        #expect(socket.isUnixSocket)
        #expect(socket.description == "postgres://postgres@/ledger?host=/tmp/pg&sslmode=disable")
        guard case .postgres(let six) = try DatabaseLocation("postgres://u@[::1]:5433/db") else {
            Issue.record("not read as PostgreSQL")
            return
        }
        #expect(six.host == "::1")
        #expect(six.port == 5433)
        #expect(six.description == "postgres://u@[::1]:5433/db?sslmode=disable")
    }

    @Test func thePasswordIsNeverPrinted() throws {
        let location = try DatabaseLocation("postgres://treasurer:hunter2-very-secret@db:5432/fund")
        #expect(location.description == "postgres://treasurer:***@db:5432/fund?sslmode=disable")
        #expect(!"\(location)".contains("hunter2"))
        #expect(!String(reflecting: location.description).contains("hunter2"))
    }

    static let refused: [(String, String)] = [
        ("", "must not be empty"),
        ("mysql://u:pw-secret@h/db", "unsupported database URL scheme"),
        ("postgress://u:pw-secret@h/db", "unsupported database URL scheme"),
        ("postgres://h/db", "needs a user"),
        ("postgres://:pw-secret@h/db", "needs a user"),
        ("postgres://u:pw-secret@/db", "needs a host"),
        ("postgres://u:pw-secret@h:0/db", "port"),
        ("postgres://u:pw-secret@h:99999/db", "port"),
        ("postgres://u:pw-secret@h:port/db", "port"),
        ("postgres://u:pw-secret@h/db?sslmode=prefer", "sslmode must be one of"),
        ("postgres://u:pw-secret@h/db?ssl_mode=require", "unknown URL parameter"),
        ("postgres://u:pw-secret@h/db?sslmode=require&sslmode=disable", "given twice"),
        ("postgres://u:pw-secret@h/db?connect_timeout=0", "connect_timeout"),
        ("postgres://u:pw-secret@h/db?host=relative/dir", "socket directory"),
        ("postgres://u:pw-secret@h/a/b", "must not contain '/'"),
        ("postgres://u:pw%ZZsecret@h/db", "password has a malformed %-escape"),
        ("postgres://u:pw-secret@h/d%00b", "database name is not valid UTF-8"),
        ("postgres://u:pw-secret@[::1/db", "closing ']'"),
    ]

    @Test(arguments: refused)
    func aDoubtfulLocationIsRefusedWithoutShowingThePassword(text: String, reason: String) {
        do {
            let location = try DatabaseLocation(text)
            Issue.record("accepted \(location)")
        } catch {
            #expect(error.description.contains(reason), "\(error.description)")
            #expect(!error.description.contains("pw-secret") && !error.description.contains("secret"))
        }
    }
}

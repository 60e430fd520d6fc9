// swift-tools-version:6.1
// Commons Ledger: a double-entry ledger for a global solidarity fund.
// The module map (dependencies point down) is described in README.md and ../shared/STYLE.md.
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    // A file uses members only of modules it imports itself, so every dependency is visible
    // where it is used (and, with the tidy test, declared in this manifest).
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "commons-ledger",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "commons-ledger", targets: ["CommonsLedger"]),
        .executable(name: "ledger-bench", targets: ["LedgerBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        // Already resolved through Hummingbird; declared because LedgerAPI imports NIOCore itself.
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
        // Already resolved through Hummingbird; declared because WireContract's problems carry
        // an HTTP status without importing the server framework.
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        // The PostgreSQL client (issue 15), imported only by PostgresStorage.
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        // Already resolved through postgres-nio; declared because PostgresStorage builds the
        // TLS configuration of its connections itself.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        // The HTTP client the ledger sends its checkpoints to witnesses with (issue 14),
        // imported only by LedgerAPI; already resolved through HummingbirdTesting.
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
    ],
    targets: [
        // Pure double-entry core: no I/O, no clock, no randomness.
        .target(name: "LedgerCore", swiftSettings: strictSettings),
        // Pure: RFC 6962 Merkle tree, proofs, C2SP checkpoints and signed notes; knows nothing of money.
        .target(
            name: "AuditLog",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Pure: the solidarity fund's domain — members, funds, their chart of accounts.
        .target(name: "FundCore", dependencies: ["LedgerCore"], swiftSettings: strictSettings),
        // Pure: audit and reciprocity reports computed from log entries, their formats
        // (JSON, CSV, HTML with SVG) and the plain-text-accounting export.
        .target(
            name: "Reports",
            dependencies: ["LedgerCore", "FundCore", "AuditLog", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSettings
        ),
        // Store-agnostic engine: group commit, log append, checkpoints, idempotency; no GRDB.
        .target(name: "LedgerEngine", dependencies: ["LedgerCore", "FundCore", "AuditLog"], swiftSettings: strictSettings),
        // The SQL both engines speak, without either engine: values, rows, the connection
        // protocol the store's statements are written against, `?` → `$n`. No I/O.
        .target(name: "LedgerSQL", swiftSettings: strictSettings),
        // The only importer of GRDB: SQLite schema, migrations and the serialized writer.
        .target(
            name: "LedgerStorage",
            dependencies: [
                "LedgerCore",
                "FundCore",
                "AuditLog",
                "LedgerEngine",
                "LedgerSQL",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // What the HTTP server and the offline commands share: report cache and report
        // verification, import, server configuration. No Hummingbird, no NIO.
        .target(
            name: "LedgerApplication",
            dependencies: [
                "LedgerCore", "FundCore", "AuditLog", "LedgerStorage", "PostgresStorage", "Reports",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The wire contract without the server: schema/openapi.yaml (and its JSON form) as
        // package resources, request reading and shapes, representations, problems. Rooted at
        // the package because SwiftPM bundles only files inside a target's folder; `sources`
        // keeps other modules' code out, `exclude` silences the unhandled-files warning.
        .target(
            name: "WireContract",
            dependencies: [
                "LedgerCore", "FundCore", "AuditLog", "LedgerStorage", "LedgerApplication",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: ".",
            exclude: [
                "Tests", "scripts", "docs", "config", "README.md", "schema/migrations", "schema/postgres",
                "schema/official",
            ]
                + [
                    "AuditLog", "CommonsLedger", "FundCore", "LedgerAPI", "LedgerApplication", "LedgerBench",
                    "LedgerCore", "LedgerEngine", "LedgerSQL", "LedgerStorage", "LedgerTestSupport", "PostgresStorage",
                    "Reports",
                ].map { "Sources/\($0)" },
            sources: ["Sources/WireContract"],
            resources: [.copy("schema/openapi.yaml"), .copy("schema/openapi.json")],
            swiftSettings: strictSettings
        ),
        // The PostgreSQL backend (issue 15, under way): the only importer of PostgresNIO.
        // Today: connections from a checked URL and the schema/postgres migrations.
        .target(
            name: "PostgresStorage",
            dependencies: [
                "LedgerCore", "AuditLog", "LedgerEngine", "LedgerSQL", "LedgerStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The only importer of Hummingbird: routes, DTOs, problem+json.
        .target(
            name: "LedgerAPI",
            dependencies: [
                "LedgerCore",
                "FundCore",
                "AuditLog",
                "LedgerStorage",
                "LedgerApplication",
                "Reports",
                "WireContract",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "CommonsLedger",
            dependencies: [
                "PostgresStorage",
                "LedgerCore",
                "FundCore",
                "AuditLog",
                "LedgerStorage",
                "LedgerApplication",
                "LedgerAPI",
                "WireContract",
                "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Benchmark driver for scripts/bench: store-level write throughput, and the HTTP
        // echo baseline (the same stack without the ledger).
        .executableTarget(
            name: "LedgerBench",
            dependencies: [
                "FundCore",
                "LedgerCore",
                "LedgerStorage",
                "PostgresStorage",
                "LedgerApplication",
                "LedgerAPI",
                "WireContract",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Fixtures for tests only: fixed clock, seeded ids, temporary databases.
        .target(
            name: "LedgerTestSupport",
            dependencies: [
                "LedgerCore", "LedgerStorage", "PostgresStorage", "AuditLog", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "AuditLogTests",
            dependencies: ["AuditLog"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "FundCore", "LedgerTestSupport"],
            swiftSettings: strictSettings
        ),
        // Pure fund rules (who may move a fund's cash, and when), without a database.
        .testTarget(
            name: "FundCoreTests",
            dependencies: ["FundCore", "LedgerCore"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: [
                "LedgerCore", "FundCore", "AuditLog", "LedgerStorage", "LedgerApplication", "Reports",
                "LedgerTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerEngineTests", dependencies: ["LedgerEngine", "LedgerCore", "FundCore", "AuditLog"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "LedgerSQLTests", dependencies: ["LedgerSQL"], swiftSettings: strictSettings),
        .testTarget(
            name: "LedgerStorageTests",
            dependencies: [
                "LedgerCore", "FundCore", "AuditLog", "LedgerEngine", "LedgerStorage", "LedgerTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Against a real PostgreSQL server that scripts/test starts (COMMONS_LEDGER_TEST_POSTGRES_URL).
        .testTarget(
            name: "PostgresStorageTests",
            dependencies: [
                "LedgerCore", "FundCore", "AuditLog", "LedgerEngine", "LedgerSQL", "LedgerStorage",
                "LedgerApplication", "PostgresStorage", "LedgerTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The application layer without the HTTP module: configuration, import, export paging.
        .testTarget(
            name: "LedgerApplicationTests",
            dependencies: [
                "AuditLog", "LedgerCore", "FundCore", "LedgerStorage", "LedgerApplication", "Reports", "LedgerTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "LedgerAPITests",
            dependencies: [
                "LedgerCore", "FundCore", "AuditLog", "LedgerStorage", "LedgerApplication", "LedgerAPI", "Reports",
                "LedgerTestSupport", "WireContract", "PostgresStorage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Tidiness over all of Sources/ (body length, line length, imports, purity); reads the
        // files via #filePath, so it depends on no module of the package.
        .testTarget(name: "TidyTests", swiftSettings: strictSettings),
    ]
)

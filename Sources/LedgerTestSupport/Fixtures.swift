public import Foundation
public import LedgerCore
public import LedgerStorage
import AuditLog
import Logging

/// A clock that stands still unless a test moves it.
public final class FixedClock: LedgerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Timestamp

    /// A clock at 2026-11-25T12:00:00Z unless told otherwise.
    public init(_ start: Timestamp = Timestamp("2026-11-25T12:00:00.000000Z")!) {
        current = start
    }

    public func now() -> Timestamp {
        lock.withLock { current }
    }

    /// Moves the clock forward by `microseconds`.
    public func advance(microseconds: Int64) {
        lock.withLock { current = Timestamp(microsecondsSinceEpoch: current.microsecondsSinceEpoch + microseconds) }
    }
}

/// Identifier bytes from a seeded SplitMix64 generator: the same seed, the same ids.
public final class SeededIdentifiers: IdentifierSource, @unchecked Sendable {
    private let lock = NSLock()
    private var generator: SeededGenerator

    public init(seed: UInt64 = 42) {
        generator = SeededGenerator(seed: seed)
    }

    public func nextIdentifierBytes() -> [UInt8] {
        lock.withLock { (0..<16).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
    }
}

/// SplitMix64: a small, fast, seedable generator for reproducible random workloads.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// A directory under the system temporary directory, removed when the value is released.
public final class TemporaryDirectory: @unchecked Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("commons-ledger-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    public func path(_ name: String) -> String {
        url.appendingPathComponent(name).path
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

extension LogSigner {
    /// A fixed signing key for tests (seed 32 × 0x01), origin `test.commons-ledger`.
    public static let test = fixed(seedByte: 1)

    /// The key the test key is handed over to in rotation tests (seed 32 × 0x02, same origin).
    public static let testSuccessor = fixed(seedByte: 2)

    /// The key of origin `test.commons-ledger` whose seed is 32 × `seedByte`.
    static func fixed(seedByte: UInt8) -> LogSigner {
        do {
            return LogSigner(
                signer: try NoteSigner(
                    name: try NoteKeyName("test.commons-ledger"), seed: Array(repeating: seedByte, count: 32)))
        } catch {
            preconditionFailure("a fixed seed makes a valid key")
        }
    }
}

extension TestLedger {
    /// Registers assets and opens accounts in one go, for tests that need a chart.
    public func seed(
        assets: [(String, Int)], accounts: [(code: String, type: String, constraint: String?)]
    ) async throws {
        for (code, scale) in assets {
            _ = try await store.registerAsset(AssetDraft(code: code, scale: scale), by: .system, idempotency: nil)
        }
        for account in accounts {
            _ = try await store.openAccount(
                AccountDraft(code: account.code, type: account.type, constraint: account.constraint), by: .system,
                idempotency: nil)
        }
    }
}

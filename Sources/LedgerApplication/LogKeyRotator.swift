public import AuditLog
import Foundation
import LedgerCore
import LedgerStorage
public import Logging

/// `commons-ledger log-key rotate`: hands the log's signing key over to a new one.
///
/// The new key is made and written (0600) before anything is recorded, so a hand-over
/// is never committed to a key nobody holds. Then one transaction records the hand-over
/// (`SQLLedgerStore.rotateLogKey`). With no `--new-key`, the key file is replaced in
/// place afterwards: the old key moves to `<key>.retired-<id>` (still 0600, for the
/// operator to destroy) and the new one takes its name, so the configuration stays as it
/// is. A crash between the commit and the renames leaves the new key at `<key>.next`,
/// and the server refuses the retired key by name (`LogKeyError.retired`) until it is
/// moved into place.
///
/// The server must be stopped first: a running server holds the old key and is refused
/// at its next commit (`LogKeyRetired`) until restarted.
public enum LogKeyRotator {
    public struct Outcome: Sendable {
        public let handover: LogKeyHandover
        /// Where the new key is.
        public let keyPath: String
        /// Where the retired key was moved, when the key file was replaced in place.
        public let retiredKeyPath: String?
    }

    public static func rotate(
        _ configuration: ServerConfiguration, newKeyPath: String?, logger: Logger
    ) async throws -> Outcome {
        let keyPath = try configuration.resolvedLogKeyPath
        let old = try LogSigner.loadPrivate(path: keyPath)
        let target = newKeyPath ?? keyPath + ".next"
        guard !FileManager.default.fileExists(atPath: target) else {
            throw LogKeyRotationError.newKeyFileExists(target)
        }
        let successor = try LogSigner.generate(origin: old.origin)
        try successor.write(path: target)
        let handover: LogKeyHandover
        do {
            handover = try await OpenedStore.with(configuration, logger: logger) { opened in
                try await opened.use(Rotation(successor: successor))
            }
        } catch {
            // Nothing was recorded: the new key signs nothing and is removed.
            try? FileManager.default.removeItem(atPath: target)
            throw error
        }
        guard newKeyPath == nil else { return Outcome(handover: handover, keyPath: target, retiredKeyPath: nil) }
        let retired = keyPath + ".retired-" + old.signer.keyID.hexEncodedString
        try FileManager.default.moveItem(atPath: keyPath, toPath: retired)
        try FileManager.default.moveItem(atPath: target, toPath: keyPath)
        return Outcome(handover: handover, keyPath: keyPath, retiredKeyPath: retired)
    }

    struct Rotation: StoreUser {
        let successor: LogSigner

        func use<Engine: SQLEngine>(_ store: SQLLedgerStore<Engine>) async throws -> LogKeyHandover {
            try await store.rotateLogKey(to: successor, by: .system)
        }
    }
}

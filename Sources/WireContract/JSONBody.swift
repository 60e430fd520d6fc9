import Foundation

/// Encodes response bodies: snake_case keys (declared per representation), sorted for
/// stable bytes. The bytes are also what an idempotent write stores and replays, so the
/// API and `commons-ledger import` render a transaction identically.
public enum JSONBody {
    public static func bytes(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }
}

/// An entry bundle of the C2SP tlog-tiles layout: the exact bytes of consecutive log
/// entries, each prefixed with its length as a big-endian `uint16`.
///
/// Why a length of 16 bits: it is what the specification fixes, so an entry over 65,535
/// bytes cannot be tiled at all; the ledger refuses the write that would make one.
public enum EntryBundle {
    /// The longest entry a bundle can hold, in bytes.
    public static let entryByteCountMax = Int(UInt16.max)

    /// A bundle was malformed, or an entry too long to bundle.
    public enum BundleError: Error, Equatable, Sendable {
        /// Entry `position` has more than 65,535 bytes.
        case entryTooLong(position: Int, byteCount: Int)
        /// The bytes end inside a length prefix or an entry.
        case truncated(byteOffset: Int)
    }

    /// The bundle of `entries`, in order.
    public static func encode(_ entries: some Sequence<[UInt8]>) throws(BundleError) -> [UInt8] {
        var bytes: [UInt8] = []
        for (position, entry) in entries.enumerated() {
            guard entry.count <= entryByteCountMax else {
                throw .entryTooLong(position: position, byteCount: entry.count)
            }
            bytes.append(UInt8(entry.count >> 8))
            bytes.append(UInt8(entry.count & 0xFF))
            bytes += entry
        }
        return bytes
    }

    /// The entries of a bundle, in order.
    public static func decode(_ bytes: [UInt8]) throws(BundleError) -> [[UInt8]] {
        var entries: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            guard offset + 2 <= bytes.count else { throw .truncated(byteOffset: offset) }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard offset + 2 + length <= bytes.count else { throw .truncated(byteOffset: offset) }
            entries.append(Array(bytes[offset + 2 ..< offset + 2 + length]))
            offset += 2 + length
        }
        return entries
    }
}

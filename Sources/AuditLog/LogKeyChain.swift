/// The keys a log has signed with, in order, and the tree sizes each may sign: read from
/// the hand-overs the log records, anchored on a key the reader trusts.
///
/// Key `k₀` signs sizes up to and including `i₀ + 1`, where `i₀` is the index of the
/// entry recording its hand-over to `k₁`; `k₁` signs from `i₀ + 1` (the checkpoint that
/// first covers the hand-over carries both signatures: the transition) up to its own
/// hand-over's `i₁ + 1`; and so on. A checkpoint of a larger size signed by a retired key
/// is refused, so a leaked old key cannot extend the log past its retirement unnoticed.
public struct LogKeyChain: Sendable {
    /// The hand-overs, in log order.
    public let handovers: [LogKeyHandover]
    private let trusted: [NoteVerifier]

    /// A chain for a log with `handovers` (in the order of their entries), for a reader
    /// who trusts `trusted`. Throws when the hand-overs do not follow each other, or when
    /// the log has hand-overs and none of their keys is trusted.
    public init(trusted: [NoteVerifier], handovers: [LogKeyHandover]) throws(LogKeyChainError) {
        for (previous, next) in zip(handovers, handovers.dropFirst()) {
            guard next.oldKey == previous.newKey, next.index > previous.index else {
                throw .broken(index: next.index)
            }
        }
        if let first = handovers.first {
            let keys = Set([first.oldKey] + handovers.map(\.newKey))
            guard trusted.contains(where: keys.contains) else { throw .untrusted }
        }
        self.handovers = handovers
        self.trusted = trusted
    }

    /// The keys whose signature makes a checkpoint of `treeSize` the log's: the trusted
    /// keys when the log never changed key, else the key (or, at a hand-over's size, the
    /// two keys) in force at that size.
    public func verifiers(forTreeSize treeSize: Int64) -> [NoteVerifier] {
        guard let first = handovers.first else { return trusted }
        var keys: [NoteVerifier] = []
        if treeSize <= first.index + 1 { keys.append(first.oldKey) }
        for (position, handover) in handovers.enumerated() {
            let retiresAfter = position + 1 < handovers.count ? handovers[position + 1].index + 1 : Int64.max
            if treeSize >= handover.index + 1, treeSize <= retiresAfter { keys.append(handover.newKey) }
        }
        return keys
    }

    /// The key in force after the last hand-over (the one that signs new checkpoints);
    /// `nil` when the log never changed key.
    public var currentKey: NoteVerifier? { handovers.last?.newKey }
}

/// Why a log's key chain is refused.
public enum LogKeyChainError: Error, Equatable, CustomStringConvertible {
    /// The hand-over at `index` does not start from the key the previous one handed to.
    case broken(index: Int64)
    /// No key of the chain is one the reader trusts.
    case untrusted

    public var description: String {
        switch self {
        case .broken(let index): "the key hand-over at entry \(index) does not follow the previous one"
        case .untrusted: "none of the keys the log has signed with is a key you trust"
        }
    }
}

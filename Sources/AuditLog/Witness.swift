/// The decisions of a C2SP tlog-witness, without I/O: a request to `add-checkpoint` read
/// from its body, and what the witness answers given the logs it trusts and the latest
/// checkpoint it cosigned for the request's origin.
///
/// The guarantees the answers keep (the caller stores `cosigned` state atomically with
/// the check, before answering): a witness never cosigns a tree smaller than one it has
/// cosigned, never two different roots for one size, and never a tree not proven
/// consistent (RFC 6962 §2.1.2) with the last one it cosigned for that origin.
public enum Witness {
    /// The most consistency proof lines a request may carry.
    public static let proofLinesMax = 63

    /// A parsed `add-checkpoint` body: `old <size>`, proof lines, a blank line, the note.
    public struct Request: Sendable, Equatable {
        public let oldSize: Int64
        public let proof: [Hash]
        public let note: SignedNote
        public let checkpoint: Checkpoint

        /// Parses a request body; `nil` for anything malformed (answered 400).
        public init?(body: [UInt8]) {
            guard let blank = PlainText.firstBlankLine(in: body) else { return nil }
            let head = String(decoding: body[..<blank], as: UTF8.self)
                .split(separator: "\n", omittingEmptySubsequences: false)
            guard let first = head.first, first.hasPrefix("old "), let size = PlainText.decimal(first.dropFirst(4)),
                  head.count - 1 <= Witness.proofLinesMax
            else { return nil }
            var proof: [Hash] = []
            for line in head.dropFirst() {
                guard let bytes = Base64.decode(line), let hash = try? Hash(bytes: bytes) else { return nil }
                proof.append(hash)
            }
            guard let note = try? SignedNote(parsing: Array(body[(blank + 2)...])),
                  let checkpoint = try? Checkpoint(parsing: note.text)
            else { return nil }
            oldSize = size
            self.proof = proof
            self.note = note
            self.checkpoint = checkpoint
        }
    }

    /// What the witness holds for one log: the latest checkpoint it cosigned.
    public struct LogState: Sendable, Equatable {
        public let treeSize: Int64
        public let rootHash: Hash
        /// The cosigned checkpoint, as received, with the witness's cosignature added.
        public let note: String

        public init(treeSize: Int64, rootHash: Hash, note: String) {
            self.treeSize = treeSize
            self.rootHash = rootHash
            self.note = note
        }
    }

    /// The answer to a request.
    public enum Answer: Sendable, Equatable {
        /// 200: the cosignature lines; `state` is what must be stored before answering.
        case cosigned(lines: String, state: LogState)
        /// 400: the body is malformed, or the old size exceeds the checkpoint's.
        case badRequest(String)
        /// 403: no signature by a key trusted for the origin verifies.
        case forbidden
        /// 404: the origin is not a log this witness follows.
        case unknownOrigin
        /// 409: the old size is not the latest cosigned size, or that size's root differs.
        case conflict(latestSize: Int64)
        /// 422: the consistency proof does not verify.
        case inconsistent

        public var status: Int {
            switch self {
            case .cosigned: 200
            case .badRequest: 400
            case .forbidden: 403
            case .unknownOrigin: 404
            case .conflict: 409
            case .inconsistent: 422
            }
        }
    }

    /// Decides a request, in the order the specification gives its checks.
    public static func addCheckpoint(
        _ request: Request, trusted: [String: [NoteVerifier]], state: LogState?, cosigner: Cosigner, now: UInt64
    ) -> Answer {
        let checkpoint = request.checkpoint
        guard let keys = trusted[checkpoint.origin], !keys.isEmpty else { return .unknownOrigin }
        guard (try? request.note.verify(using: keys)) != nil else { return .forbidden }
        guard request.oldSize <= checkpoint.treeSize else {
            return .badRequest("old size \(request.oldSize) exceeds the checkpoint's size \(checkpoint.treeSize)")
        }
        let latest = state?.treeSize ?? 0
        guard request.oldSize == latest else { return .conflict(latestSize: latest) }
        if let state {
            if request.oldSize == checkpoint.treeSize {
                guard request.proof.isEmpty, state.rootHash == checkpoint.rootHash else {
                    return .conflict(latestSize: latest)
                }
            } else if !MerkleVerifier.verifyConsistency(
                first: state.treeSize, second: checkpoint.treeSize, firstRoot: state.rootHash,
                secondRoot: checkpoint.rootHash, proof: request.proof
            ) {
                return .inconsistent
            }
        } else if !request.proof.isEmpty {
            return .inconsistent  // the proof from size 0 must be empty
        }
        guard let line = try? cosigner.cosign(text: request.note.text, timestamp: now),
              let cosigned = try? SignedNote(text: request.note.text, signatures: request.note.signatures + [line])
        else { return .badRequest("the checkpoint cannot be cosigned") }
        let state = LogState(treeSize: checkpoint.treeSize, rootHash: checkpoint.rootHash, note: cosigned.message)
        return .cosigned(lines: line.line, state: state)
    }
}

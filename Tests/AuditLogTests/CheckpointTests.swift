// Goal: checkpoint bodies are written and read exactly as c2sp.org/tlog-checkpoint
// specifies (origin, decimal size, base64 root, optional extension lines, each
// ending in a newline), published examples parse to the right fields and write
// back byte for byte, and every malformed body in the table below is refused
// with its typed `CheckpointError`.
//
// Examples copied from: the example checkpoint in C2SP tlog-checkpoint.md
// (https://github.com/C2SP/C2SP/blob/main/tlog-checkpoint.md), and the
// "happy checkpoint" and bad inputs of TestCheckpointUnsafe in
// transparency-dev/trillian-tessera, internal/parse/parse_test.go
// (https://github.com/transparency-dev/trillian-tessera).

import AuditLog
import Testing

struct CheckpointTests {
    @Test func parsesTheC2SPExample() throws {
        let body = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        let checkpoint = try Checkpoint(parsing: body)
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.treeSize == 20_852_163)
        #expect(checkpoint.rootHash == (try Hash(base64: "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")))
        #expect(checkpoint.extensionLines.isEmpty)
        #expect(checkpoint.body == body)
    }

    @Test func parsesTheTesseraHappyCheckpoint() throws {
        let body = "original.example.com\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n"
        let checkpoint = try Checkpoint(parsing: body)
        #expect(checkpoint.origin == "original.example.com")
        #expect(checkpoint.treeSize == 42)
        #expect(checkpoint.rootHash.base64EncodedString == "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=")
        #expect(checkpoint.body == body)
    }

    @Test func writesBodyWithExtensionLinesAndParsesItBack() throws {
        let root = MerkleVerifier.rootFromLeafHashes(TestFixtures.sampleLeafHashes(count: 5))
        let checkpoint = try Checkpoint(
            origin: "ledger.example/audit", treeSize: 5, rootHash: root,
            extensionLines: ["opaque extension", "\u{2014} not a signature"])
        let expected = "ledger.example/audit\n5\n" + root.base64EncodedString
            + "\nopaque extension\n\u{2014} not a signature\n"
        #expect(checkpoint.body == expected)
        #expect(try Checkpoint(parsing: checkpoint.body) == checkpoint)
    }

    @Test func emptyTreeCheckpoint() throws {
        let checkpoint = try Checkpoint(origin: "ledger.example/audit", treeSize: 0, rootHash: MerkleHash.emptyTreeHash)
        #expect(checkpoint.body == "ledger.example/audit\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
        #expect(try Checkpoint(parsing: checkpoint.body) == checkpoint)
    }

    @Test func largestTreeSizeRoundTrips() throws {
        let body = "o\n9223372036854775807\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
        #expect(try Checkpoint(parsing: body).treeSize == Int64.max)
    }

    static let root = "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs="

    @Test(arguments: [
        // From the Tessera table: negative size, bad hash, empty origin, no origin.
        ("original.example.com\n-42\n\(root)\n", CheckpointError.invalidTreeSize("-42")),
        ("original.example.com\n42\nthisisnotright\n", .invalidRootHash(.invalidBase64)),
        ("\n42\n\(root)\n", .emptyOrigin),
        ("42\n\(root)\n", .tooFewLines(count: 2)),
        // Framing.
        ("", .missingFinalNewline),
        ("origin\n42\n\(root)", .missingFinalNewline),
        ("\n", .tooFewLines(count: 1)),
        ("origin\n42\n", .tooFewLines(count: 2)),
        ("origin\r\n42\r\n\(root)\r\n", .controlCharacter),
        ("origin\n42\n\(root)\n\n", .emptyExtensionLine),
        ("origin\n42\n\(root)\nextension\n\n", .emptyExtensionLine),
        ("origin\twith tab\n42\n\(root)\n", .controlCharacter),
        ("origin\n42\n\(root)\nbell\u{07}\n", .controlCharacter),
        // Sizes: decimal digits only, no leading zero, no sign, no spaces, fits Int64.
        ("origin\n042\n\(root)\n", .invalidTreeSize("042")),
        ("origin\n00\n\(root)\n", .invalidTreeSize("00")),
        ("origin\n+42\n\(root)\n", .invalidTreeSize("+42")),
        ("origin\n 42\n\(root)\n", .invalidTreeSize(" 42")),
        ("origin\n42 \n\(root)\n", .invalidTreeSize("42 ")),
        ("origin\n4_2\n\(root)\n", .invalidTreeSize("4_2")),
        ("origin\n0x2a\n\(root)\n", .invalidTreeSize("0x2a")),
        ("origin\n\n\(root)\n", .invalidTreeSize("")),
        ("origin\n\u{0664}\u{0662}\n\(root)\n", .invalidTreeSize("\u{0664}\u{0662}")),  // Arabic-Indic digits
        ("origin\n9223372036854775808\n\(root)\n", .invalidTreeSize("9223372036854775808")),
        ("origin\n99999999999999999999\n\(root)\n", .invalidTreeSize("99999999999999999999")),
        // Root hashes: canonical padded base64 of exactly 32 bytes.
        ("origin\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs\n", .invalidRootHash(.invalidBase64)),
        ("origin\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVct=\n", .invalidRootHash(.invalidBase64)),
        ("origin\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs= \n", .invalidRootHash(.invalidBase64)),
        ("origin\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVl\n", .invalidRootHash(.wrongLength(byteCount: 30))),
        ("origin\n42\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcsA\n", .invalidRootHash(.wrongLength(byteCount: 33))),
        ("origin\n42\n\n", .invalidRootHash(.wrongLength(byteCount: 0))),
    ])
    func parserRejects(body: String, expected: CheckpointError) {
        #expect(throws: expected) {
            try Checkpoint(parsing: body)
        }
    }

    @Test func parserRejectsOversizedText() {
        let body = "origin\n42\n\(Self.root)\n" + String(repeating: "x", count: AuditLogLimits.maximumNoteByteCount) + "\n"
        #expect(throws: CheckpointError.tooLarge(byteCount: body.utf8.count)) {
            try Checkpoint(parsing: body)
        }
    }

    @Test func initializerRejectsFieldsThatCannotBeWritten() {
        let root = MerkleHash.emptyTreeHash
        #expect(throws: CheckpointError.emptyOrigin) {
            try Checkpoint(origin: "", treeSize: 0, rootHash: root)
        }
        #expect(throws: CheckpointError.invalidOrigin) {
            try Checkpoint(origin: "two\nlines", treeSize: 0, rootHash: root)
        }
        #expect(throws: CheckpointError.negativeTreeSize(-1)) {
            try Checkpoint(origin: "origin", treeSize: -1, rootHash: root)
        }
        #expect(throws: CheckpointError.emptyExtensionLine) {
            try Checkpoint(origin: "origin", treeSize: 0, rootHash: root, extensionLines: [""])
        }
        #expect(throws: CheckpointError.invalidExtensionLine) {
            try Checkpoint(origin: "origin", treeSize: 0, rootHash: root, extensionLines: ["a\nb"])
        }
    }
}

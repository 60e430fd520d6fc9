// Goal: signed notes are signed, written, parsed and verified exactly as
// golang.org/x/mod/sumdb/note does: signing the published text with the
// published key reproduces the published signature line byte for byte
// (Ed25519 is deterministic); opening follows Go's rules for known, unknown,
// duplicated and invalid signatures; every malformed message or signature line
// is refused; and a checkpoint altered after signing no longer verifies. A real
// signed checkpoint of the Go checksum database verifies with its public key.
//
// Vectors copied from golang.org/x/mod, sumdb/note/note_test.go (TestSign,
// TestOpen), https://github.com/golang/mod/blob/master/sumdb/note/note_test.go;
// the sum.golang.org key from golang/go, src/cmd/go/internal/modfetch/key.go;
// and the sum.golang.org checkpoint (tree size 31700353) from
// transparency-dev/trillian-tessera, internal/parse/parse_test.go
// (BenchmarkCheckpointUnsafe), https://github.com/transparency-dev/trillian-tessera.

import AuditLog
import Testing

struct SignedNoteTests {
    static let text = "If you think cryptography is the answer to your problem,\n"
        + "then you don't know what your problem is.\n"
    static let peterSignature = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static let enochSignature = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

    static func peter() throws -> NoteVerifier {
        try NoteVerifier(verifierKey: NoteKeyTests.peterVerifierKey)
    }

    static func enoch() throws -> NoteVerifier {
        try NoteVerifier(verifierKey: NoteKeyTests.enochVerifierKey)
    }

    /// Inserts "ABCD" at byte offset 60 of a line, as Go's test does to spoil a signature.
    static func spoiled(_ line: String) -> String {
        var bytes = Array(line.utf8)
        bytes.insert(contentsOf: Array("ABCD".utf8), at: 60)
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func signingReproducesThePublishedSignature() throws {
        let signer = try NoteSigner(signerKey: NoteKeyTests.peterSignerKey)
        let note = try SignedNote.sign(text: Self.text, signers: [signer])
        let expected = Self.text + "\n" + Self.peterSignature
        #expect(note.message == expected)
        #expect(note.signatures.count == 1)
        #expect(try SignedNote(parsing: expected) == note)
    }

    @Test func signingRequiresAFinalNewlineAndASigner() throws {
        let signer = try NoteSigner(signerKey: NoteKeyTests.peterSignerKey)
        #expect(throws: SignedNoteError.textMissingFinalNewline) {
            try SignedNote.sign(text: "abc", signers: [signer])
        }
        #expect(throws: SignedNoteError.noSigners) {
            try SignedNote.sign(text: Self.text, signers: [])
        }
        #expect(throws: SignedNoteError.controlCharacter) {
            try SignedNote.sign(text: "bell\u{07}\n", signers: [signer])
        }
    }

    @Test func openWithOneKnownKeyVerifiesItAndSetsTheOtherAside() throws {
        let opened = try SignedNote.open(Self.text + "\n" + Self.peterSignature + Self.enochSignature, verifiers: [Self.peter()])
        #expect(opened.text == Self.text)
        #expect(opened.verifiedSignatures.map(\.line) == [Self.peterSignature])
        #expect(opened.unverifiedSignatures.map(\.line) == [Self.enochSignature])
        #expect(opened.verifiedSignatures.first?.keyID == NoteKeyID(0xc74f_20a3))
        #expect(opened.unverifiedSignatures.first?.keyID == NoteKeyID(0xaf0c_fe78))
    }

    @Test func openWithBothKeysVerifiesBoth() throws {
        let opened = try SignedNote.open(
            Self.text + "\n" + Self.peterSignature + Self.enochSignature, verifiers: [Self.peter(), Self.enoch()])
        #expect(opened.verifiedSignatures.map(\.line) == [Self.peterSignature, Self.enochSignature])
        #expect(opened.unverifiedSignatures.isEmpty)
    }

    @Test func openWithNoKnownKeyIsRefused() throws {
        #expect(throws: SignedNoteError.noVerifiedSignature) {
            try SignedNote.open(Self.text + "\n" + Self.peterSignature + Self.enochSignature, verifiers: [])
        }
        // A signature under a name nobody configured is unknown, even with Peter's key id.
        let misnamed = Self.peterSignature.replacing("PeterNeumann", with: "CarmenSandiego")
        #expect(throws: SignedNoteError.noVerifiedSignature) {
            try SignedNote.open(Self.text + "\n" + misnamed, verifiers: [Self.peter()])
        }
        // Peter's name with another key id is unknown too.
        let otherID = Self.peterSignature.replacing("x08g", with: "xxxx")
        #expect(throws: SignedNoteError.noVerifiedSignature) {
            try SignedNote.open(Self.text + "\n" + otherID, verifiers: [Self.peter()])
        }
    }

    @Test func duplicatedVerifierIsAmbiguousOnlyWhenUsed() throws {
        let enochKey = NoteKeyID(0xaf0c_fe78)
        #expect(throws: SignedNoteError.ambiguousVerifier(name: try NoteKeyName("EnochRoot"), keyID: enochKey)) {
            try SignedNote.open(Self.text + "\n" + Self.enochSignature, verifiers: [Self.enoch(), Self.peter(), Self.enoch()])
        }
        let opened = try SignedNote.open(Self.text + "\n" + Self.peterSignature, verifiers: [Self.enoch(), Self.peter(), Self.enoch()])
        #expect(opened.verifiedSignatures.count == 1)
    }

    @Test func tooManySignaturesAreRefused() throws {
        let message = Self.text + "\n" + String(repeating: Self.peterSignature, count: 101)
        #expect(throws: SignedNoteError.tooManySignatures(count: 101)) {
            try SignedNote.open(message, verifiers: [Self.peter()])
        }
        #expect(throws: SignedNoteError.tooManySignatures(count: 101)) {
            try SignedNote.open(message, verifiers: [])
        }
        // Exactly the limit is fine; repeats by one key count once.
        let atLimit = Self.text + "\n" + String(repeating: Self.peterSignature, count: AuditLogLimits.maximumSignaturesPerNote)
        #expect(try SignedNote.open(atLimit, verifiers: [Self.peter()]).verifiedSignatures.count == 1)
    }

    @Test func invalidSignatureByKnownKeyRefusesTheNote() throws {
        #expect(throws: SignedNoteError.invalidSignature(name: try NoteKeyName("PeterNeumann"), keyID: NoteKeyID(0xc74f_20a3))) {
            try SignedNote.open(Self.text + "\n" + Self.spoiled(Self.peterSignature), verifiers: [Self.peter()])
        }
    }

    @Test func repeatedSignaturesCountOnceAndUnknownOnesAreKept() throws {
        let spoiledEnoch = Self.spoiled(Self.enochSignature)
        let message = Self.text + "\n" + Self.peterSignature + Self.peterSignature
            + Self.enochSignature + Self.enochSignature + spoiledEnoch
        let opened = try SignedNote.open(message, verifiers: [Self.peter()])
        #expect(opened.verifiedSignatures.map(\.line) == [Self.peterSignature])
        #expect(opened.unverifiedSignatures.map(\.line) == [Self.enochSignature, spoiledEnoch])
        // Parsing keeps every line, so the message is reproduced exactly.
        #expect(try SignedNote(parsing: message).message == message)
    }

    /// TestOpen's invalid encoded messages, plus more broken signature blocks.
    static let malformedMessages: [([UInt8], SignedNoteError)] = {
        let text = SignedNoteTests.text
        let peter = SignedNoteTests.peterSignature
        let payload = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
        func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }
        return [
            (bytes(text), .missingSignatureBlock),
            (bytes(text + "\n"), .missingSignatureBlock),
            (bytes(text + "\n" + String(peter.dropLast())), .missingSignatureBlock),
            (bytes("\u{01}" + text + "\n" + peter), .controlCharacter),
            ([0xFF] + bytes(text + "\n" + peter), .invalidUTF8),
            (bytes(text + "\n" + "\u{2014} Bad Name " + payload), .missingSignatureBlock),
            (bytes(text + "\n" + "\u{2014} Bad Name " + payload + "\n"),
             .malformedSignatureLine("\u{2014} Bad Name " + payload)),
            (bytes(text + "\n" + peter + "Unexpected line.\n"), .malformedSignatureLine("Unexpected line.")),
            (bytes(text + "\r\n" + peter), .controlCharacter),
            // A trailing blank line becomes the last "\n\n", leaving an empty signature block.
            (bytes(text + "\n" + peter + "\n"), .missingSignatureBlock),
            ([], .missingSignatureBlock),
            ([0xE2, 0x80], .invalidUTF8),
        ]
    }()

    @Test(arguments: 0..<malformedMessages.count)
    func malformedMessagesAreRefused(row: Int) throws {
        let (message, expected) = Self.malformedMessages[row]
        #expect(throws: expected) {
            try SignedNote.open(message, verifiers: [Self.peter()])
        }
    }

    static let payload = "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="

    @Test(arguments: [
        "- PeterNeumann \(payload)",  // hyphen, not em dash
        "\u{2013} PeterNeumann \(payload)",  // en dash
        "\u{2014}PeterNeumann \(payload)",  // no space after the dash
        "\u{2014}  PeterNeumann \(payload)",  // empty name
        "\u{2014} PeterNeumann",  // no signature
        "\u{2014} PeterNeumann ",  // empty signature
        "\u{2014} PeterNeumann  \(payload)",  // two spaces
        "\u{2014} PeterNeumann \(payload) ",  // trailing space
        "\u{2014} Peter+Neumann \(payload)",  // plus in the name
        "\u{2014} Peter\u{00A0}Neumann \(payload)",  // Unicode space in the name
        "\u{2014} PeterNeumann AAAAAA==",  // four bytes: a key id but no signature
        "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM",
        "\u{2014} PeterNeumann x08go_ZJkuBS9UG_SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
        " \u{2014} PeterNeumann \(payload)",  // leading space
    ])
    func malformedSignatureLinesAreRefused(line: String) {
        #expect(throws: SignedNoteError.malformedSignatureLine(line)) {
            try SignedNote(parsing: Self.text + "\n" + line + "\n")
        }
    }

    @Test func noteTextMayContainBlankLinesButNotTheLastOne() throws {
        let signer = try NoteSigner(signerKey: NoteKeyTests.peterSignerKey)
        let text = "first paragraph\n\nsecond paragraph\n"
        let note = try SignedNote.sign(text: text, signers: [signer])
        let opened = try SignedNote.open(note.message, verifiers: [signer.verifier])
        #expect(opened.text == text)
    }

    @Test func cosigningAppendsAndReplacesBySameKey() throws {
        let peterSigner = try NoteSigner(signerKey: NoteKeyTests.peterSignerKey)
        var generator = SeededGenerator(seed: 2014)
        let witness = try NoteSigner.generate(
            name: try NoteKeyName("witness.example/one"),
            randomBytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let logSigned = try SignedNote.sign(text: Self.text, signers: [peterSigner])
        let cosigned = try logSigned.addingSignature(from: witness)
        #expect(cosigned.signatures.count == 2)
        #expect(cosigned.message.hasPrefix(Self.text + "\n" + Self.peterSignature))
        let opened = try SignedNote.open(cosigned.message, verifiers: [Self.peter(), witness.verifier])
        #expect(opened.verifiedSignatures.map(\.name.text) == ["PeterNeumann", "witness.example/one"])
        // Signing again with Peter's key replaces his line and moves it last, as Go's Sign does.
        let resigned = try cosigned.addingSignature(from: peterSigner)
        #expect(resigned.signatures.map(\.name.text) == ["witness.example/one", "PeterNeumann"])
        #expect(resigned.message.hasSuffix(Self.peterSignature))
    }

    @Test func goChecksumDatabaseCheckpointVerifies() throws {
        let body = "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n"
        let message = body + "\n\u{2014} sum.golang.org Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/C8DJ87F61QqspBYwM=\n"
        let verifier = try NoteVerifier(verifierKey: NoteKeyTests.goSumDatabaseKey)
        let opened = try SignedNote.open(message, verifiers: [verifier])
        let checkpoint = try Checkpoint(parsing: opened.text)
        #expect(checkpoint.origin == "go.sum database tree")
        #expect(checkpoint.treeSize == 31_700_353)
        #expect(checkpoint.rootHash.base64EncodedString == "qINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=")
        // One digit changed: the signature no longer matches.
        let tampered = message.replacing("31700353", with: "31700354")
        #expect(throws: SignedNoteError.invalidSignature(name: verifier.name, keyID: verifier.keyID)) {
            try SignedNote.open(tampered, verifiers: [verifier])
        }
    }

    @Test func tamperedCheckpointFailsVerification() throws {
        var generator = SeededGenerator(seed: 9162)
        let signer = try NoteSigner.generate(
            name: try NoteKeyName("ledger.example/audit"),
            randomBytes: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let leaves = TestFixtures.sampleLeafHashes(count: 17)
        let checkpoint = try Checkpoint(
            origin: "ledger.example/audit", treeSize: 17, rootHash: MerkleVerifier.rootFromLeafHashes(leaves))
        let signed = try SignedNote.sign(text: checkpoint.body, signers: [signer])
        let opened = try SignedNote.open(signed.message, verifiers: [signer.verifier])
        #expect(try Checkpoint(parsing: opened.text) == checkpoint)

        let invalid = SignedNoteError.invalidSignature(name: signer.name, keyID: signer.keyID)
        let otherRoot = MerkleVerifier.rootFromLeafHashes(leaves.dropLast())
        let tamperedTexts = [
            signed.message.replacing("\n17\n", with: "\n16\n"),
            signed.message.replacing(checkpoint.rootHash.base64EncodedString, with: otherRoot.base64EncodedString),
            signed.message.replacing("ledger.example/audit\n", with: "ledger.example/audlt\n"),
            "extra line\n" + signed.message,
        ]
        for tampered in tamperedTexts {
            #expect(tampered != signed.message)
            #expect(throws: invalid) {
                try SignedNote.open(tampered, verifiers: [signer.verifier])
            }
        }
        // An extension line added after signing also breaks the signature.
        let extended = checkpoint.body + "extension\n\n" + signed.signatures.map(\.line).joined()
        #expect(throws: invalid) {
            try SignedNote.open(extended, verifiers: [signer.verifier])
        }
        // Every single flipped bit of the signature is caught.
        let signature = try #require(signed.signatures.first)
        for position in signature.signatureBytes.indices {
            var bytes = signature.signatureBytes
            bytes[position] ^= 0x01
            let forged = try SignedNote(
                text: signed.text,
                signatures: [try NoteSignature(name: signature.name, keyID: signature.keyID, signatureBytes: bytes)])
            #expect(throws: invalid) {
                try forged.verify(using: [signer.verifier])
            }
        }
    }

    @Test func noteConstructionChecksItsParts() throws {
        #expect(throws: SignedNoteError.noSigners) {
            try SignedNote(text: "text\n", signatures: [])
        }
        #expect(throws: SignedNoteError.emptySignature) {
            try NoteSignature(name: try NoteKeyName("name"), keyID: NoteKeyID(1), signatureBytes: [])
        }
        #expect(throws: SignedNoteError.tooLarge(byteCount: AuditLogLimits.maximumNoteByteCount + 1)) {
            try SignedNote(parsing: [UInt8](repeating: 0x61, count: AuditLogLimits.maximumNoteByteCount + 1))
        }
    }
}

// Goal: the hashing primitives and the `Hash` value are exactly RFC 6962's:
// empty tree, leaf and node hashes match published values, and hashes parse
// from and print to hex and base64 strictly (wrong lengths and non-canonical
// encodings are refused with typed errors, never a crash).
//
// Vectors copied from transparency-dev/merkle, rfc6962/rfc6962_test.go
// (TestRFC6962Hasher), https://github.com/transparency-dev/merkle, and from
// RFC 4648 §10 (base64 test vectors).

import AuditLog
import Testing

struct MerkleHashTests {
    @Test func emptyTreeHashIsSHA256OfNothing() throws {
        // "RFC6962 Empty": echo -n | sha256sum
        #expect(MerkleHash.emptyTreeHash == (try TestFixtures.hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")))
        #expect(MerkleHash.sha256([]) == MerkleHash.emptyTreeHash)
    }

    @Test func leafHashOfEmptyEntryDiffersFromEmptyTree() throws {
        // "RFC6962 Empty Leaf": echo -n 00 | xxd -r -p | sha256sum
        let expected = try TestFixtures.hash("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(MerkleHash.leafHash([]) == expected)
        #expect(MerkleHash.leafHash([]) != MerkleHash.emptyTreeHash)
    }

    @Test func leafHashOfEntry() throws {
        // "RFC6962 Leaf": echo -n 004C313233343536 | xxd -r -p | sha256sum
        let expected = try TestFixtures.hash("395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56")
        #expect(MerkleHash.leafHash(Array("L123456".utf8)) == expected)
    }

    @Test func nodeHashPrefixesOneAndOrdersChildren() throws {
        let left = MerkleHash.leafHash(Array("Hello".utf8))
        let right = MerkleHash.leafHash(Array("World".utf8))
        let node = MerkleHash.nodeHash(left: left, right: right)
        #expect(node == MerkleHash.sha256([0x01] + left.bytes + right.bytes))
        #expect(node != MerkleHash.nodeHash(left: right, right: left))
        // Second-preimage resistance: a leaf over the concatenation is not the node.
        #expect(node != MerkleHash.leafHash(left.bytes + right.bytes))
    }

    @Test func hashRendersAndParsesHexAndBase64() throws {
        let value = try TestFixtures.hash("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(value.hexEncodedString == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        #expect(value.description == value.hexEncodedString)
        #expect(value.bytes.count == Hash.byteCount)
        #expect(try Hash(base64: value.base64EncodedString) == value)
        #expect(try Hash(bytes: value.bytes) == value)
        #expect(try Hash(hex: "6E340B9CFFB37A989CA544E6BB780A2C78901D3FB33738768511A30617AFA01D") == value)
        #expect(Set([value, value, MerkleHash.emptyTreeHash]).count == 2)
    }

    @Test func base64OfKnownRoot() throws {
        // The root hash line of the example in c2sp.org/tlog-checkpoint.
        let text = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
        #expect(try Hash(base64: text).base64EncodedString == text)
    }

    @Test(arguments: [
        // RFC 4648 §10 test vectors long enough to fill a signature payload
        // (4-byte key id plus at least one signature byte).
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ])
    func base64MatchesRFC4648Vectors(plain: String, encoded: String) throws {
        let note = try SignedNote(parsing: "text\n\n\u{2014} vector " + encoded + "\n")
        let signature = try #require(note.signatures.first)
        #expect(signature.keyID.bigEndianBytes + signature.signatureBytes == Array(plain.utf8))
        #expect(signature.base64EncodedString == encoded)
    }

    @Test func base64RoundTripsEveryPaddingLength() throws {
        var generator = SeededGenerator(seed: 4648)
        for length in 1...40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let signature = try NoteSignature(name: try NoteKeyName("round-trip"), keyID: NoteKeyID(7), signatureBytes: bytes)
            let note = try SignedNote(parsing: "text\n\n" + signature.line)
            #expect(note.signatures == [signature], "payload length \(length + 4)")
        }
    }

    @Test(arguments: [
        ("", Hash.ParsingError.wrongLength(byteCount: 0)),
        ("AA==", .wrongLength(byteCount: 1)),
        ("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I", .invalidBase64),  // padding missing
        ("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=", .invalidBase64),  // unused bits set
        ("CsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=", .invalidBase64),  // URL alphabet
        (" CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", .invalidBase64),  // whitespace
        ("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jx=2I=", .invalidBase64),  // padding inside
        ("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=AAAA", .invalidBase64),  // data after padding
        ("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA", .wrongLength(byteCount: 33)),
    ])
    func base64ParsingRejects(text: String, expected: Hash.ParsingError) {
        #expect(throws: expected) {
            try Hash(base64: text)
        }
    }

    @Test(arguments: [
        ("", Hash.ParsingError.wrongLength(byteCount: 0)),
        ("6e34", .wrongLength(byteCount: 2)),
        ("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01", .invalidHex),
        ("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa0zz", .invalidHex),
        ("0x6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa0", .invalidHex),
    ])
    func hexParsingRejects(text: String, expected: Hash.ParsingError) {
        #expect(throws: expected) {
            try Hash(hex: text)
        }
    }

    @Test func byteParsingRejectsWrongLengths() {
        #expect(throws: Hash.ParsingError.wrongLength(byteCount: 31)) {
            try Hash(bytes: [UInt8](repeating: 0, count: 31))
        }
        #expect(throws: Hash.ParsingError.wrongLength(byteCount: 33)) {
            try Hash(bytes: [UInt8](repeating: 0, count: 33))
        }
    }
}

/// URL-safe base64 without padding (RFC 4648 §5), for cursors that travel in query strings.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = Array(bytes[index..<min(index + 3, bytes.count)])
            let value = (UInt32(chunk[0]) << 16) | (chunk.count > 1 ? UInt32(chunk[1]) << 8 : 0)
                | (chunk.count > 2 ? UInt32(chunk[2]) : 0)
            output.append(alphabet[Int((value >> 18) & 63)])
            output.append(alphabet[Int((value >> 12) & 63)])
            if chunk.count > 1 { output.append(alphabet[Int((value >> 6) & 63)]) }
            if chunk.count > 2 { output.append(alphabet[Int(value & 63)]) }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt32] = []
        for byte in text.utf8 {
            guard let position = alphabet.firstIndex(of: byte) else { return nil }
            values.append(UInt32(position))
        }
        guard values.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var index = 0
        while index < values.count {
            let chunk = Array(values[index..<min(index + 4, values.count)])
            var value: UInt32 = 0
            for (offset, sextet) in chunk.enumerated() { value |= sextet << (18 - 6 * UInt32(offset)) }
            output.append(UInt8((value >> 16) & 0xff))
            if chunk.count > 2 { output.append(UInt8((value >> 8) & 0xff)) }
            if chunk.count > 3 { output.append(UInt8(value & 0xff)) }
            index += 4
        }
        // Reject non-canonical encodings (stray low bits) so each cursor has one text form.
        guard encode(output) == text else { return nil }
        return output
    }
}

/// Standard, padded base64 (RFC 4648 §4), strict and canonical.
///
/// Why our own: the module stays free of Foundation's `Data` in its API, and
/// decoding must be strict (no whitespace, padding required, unused bits zero)
/// so that each byte string has exactly one accepted text.
enum Base64 {
    private static let alphabet: [UInt8] = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8
    )

    /// Maps an ASCII byte to its 6-bit value, or 0xFF when it is not in the alphabet.
    private static let decodingTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() {
            table[Int(character)] = UInt8(value)
        }
        return table
    }()

    private static let padding = UInt8(ascii: "=")

    /// Encodes bytes as padded base64 text.
    static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var position = 0
        while position + 3 <= input.count {
            let group = UInt32(input[position]) << 16 | UInt32(input[position + 1]) << 8
                | UInt32(input[position + 2])
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(alphabet[Int(group >> 6 & 0x3F)])
            output.append(alphabet[Int(group & 0x3F)])
            position += 3
        }
        let remaining = input.count - position
        if remaining == 1 {
            let group = UInt32(input[position]) << 16
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(padding)
            output.append(padding)
        } else if remaining == 2 {
            let group = UInt32(input[position]) << 16 | UInt32(input[position + 1]) << 8
            output.append(alphabet[Int(group >> 18 & 0x3F)])
            output.append(alphabet[Int(group >> 12 & 0x3F)])
            output.append(alphabet[Int(group >> 6 & 0x3F)])
            output.append(padding)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes padded base64 text; `nil` for any non-canonical or invalid input.
    static func decode(_ text: Substring) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var position = 0
        while position < input.count {
            let isLastGroup = position + 4 == input.count
            let first = decodingTable[Int(input[position])]
            let second = decodingTable[Int(input[position + 1])]
            guard first != 0xFF, second != 0xFF else {
                return nil
            }
            let thirdCharacter = input[position + 2]
            let fourthCharacter = input[position + 3]
            if isLastGroup && thirdCharacter == padding {
                // "xx==": one byte; the low four bits of `second` must be zero.
                guard fourthCharacter == padding, second & 0x0F == 0 else {
                    return nil
                }
                output.append(first << 2 | second >> 4)
                return output
            }
            let third = decodingTable[Int(thirdCharacter)]
            guard third != 0xFF else {
                return nil
            }
            if isLastGroup && fourthCharacter == padding {
                // "xxx=": two bytes; the low two bits of `third` must be zero.
                guard third & 0x03 == 0 else {
                    return nil
                }
                output.append(first << 2 | second >> 4)
                output.append(second << 4 | third >> 2)
                return output
            }
            let fourth = decodingTable[Int(fourthCharacter)]
            guard fourth != 0xFF else {
                return nil
            }
            output.append(first << 2 | second >> 4)
            output.append(second << 4 | third >> 2)
            output.append(third << 6 | fourth)
            position += 4
        }
        return output
    }
}

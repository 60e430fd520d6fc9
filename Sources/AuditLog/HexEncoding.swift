/// Hexadecimal text for bytes and key ids.
///
/// Why our own: a few lines, no Foundation, and decoding rejects anything but
/// an even number of hexadecimal digits.
public enum HexEncoding {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Encodes bytes as lowercase hexadecimal text.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes hexadecimal text of either case; `nil` for anything else.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 2 == 0 else {
            return nil
        }
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 2)
        var position = 0
        while position < input.count {
            guard let high = value(ofDigit: input[position]),
                let low = value(ofDigit: input[position + 1])
            else {
                return nil
            }
            output.append(high << 4 | low)
            position += 2
        }
        return output
    }

    /// The value of one hexadecimal digit, or `nil`.
    public static func value(ofDigit digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

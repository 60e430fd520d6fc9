/// The plain-text pieces the C2SP formats share (checkpoints, witness requests, tile
/// paths, proofs), read one way everywhere.
enum PlainText {
    /// An ASCII decimal with no sign and no leading zero (except `0` itself) that fits
    /// `Int64`; `nil` for anything else.
    static func decimal(_ text: some StringProtocol) -> Int64? {
        let digits = Array(text.utf8)
        guard let first = digits.first, digits.allSatisfy({ (0x30...0x39).contains($0) }),
              first != 0x30 || digits.count == 1
        else { return nil }
        var value: Int64 = 0
        for digit in digits {
            let (shifted, multiplyOverflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, addOverflow) = shifted.addingReportingOverflow(Int64(digit - 0x30))
            guard !multiplyOverflow, !addOverflow else { return nil }
            value = sum
        }
        return value
    }

    /// The offset of the first newline of the first empty line (`\n\n`) in `bytes`.
    static func firstBlankLine(in bytes: [UInt8]) -> Int? {
        bytes.indices.dropLast().first { bytes[$0] == 0x0A && bytes[$0 + 1] == 0x0A }
    }
}

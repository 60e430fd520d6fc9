import LedgerCore

/// JSON written with its members in the order given and with exact decimal numbers:
/// what open-data files need and `JSONValue` (canonical, sorted, integers only) is not.
///
/// Numbers are decimal text made from integer minor units (`Amount.decimalText`), never a
/// binary floating-point value, so `1250.10` is written as `1250.10`.
public indirect enum OrderedJSON: Sendable {
    case string(String)
    /// A number as decimal text, e.g. `12.50`.
    case decimal(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    /// The value pretty-printed with two-space indentation and a final newline.
    public var text: String {
        var output: [UInt8] = []
        append(to: &output, indent: 0)
        output.append(UInt8(ascii: "\n"))
        return String(decoding: output, as: UTF8.self)
    }

    private func append(to output: inout [UInt8], indent: Int) {
        switch self {
        case .string(let value):
            JSONValue.appendCanonical(string: value, to: &output)
        case .decimal(let value):
            output.append(contentsOf: value.utf8)
        case .array(let values):
            appendContainer(
                values.map { (nil, $0) }, open: UInt8(ascii: "["), close: UInt8(ascii: "]"), to: &output,
                indent: indent)
        case .object(let members):
            appendContainer(
                members.map { ($0.0, $0.1) }, open: UInt8(ascii: "{"), close: UInt8(ascii: "}"), to: &output,
                indent: indent)
        }
    }

    private func appendContainer(
        _ items: [(String?, OrderedJSON)], open: UInt8, close: UInt8, to output: inout [UInt8], indent: Int
    ) {
        output.append(open)
        guard !items.isEmpty else { return output.append(close) }
        let inner = [UInt8](repeating: UInt8(ascii: " "), count: (indent + 1) * 2)
        for (position, (key, value)) in items.enumerated() {
            output.append(contentsOf: position == 0 ? [UInt8(ascii: "\n")] : Array(",\n".utf8))
            output.append(contentsOf: inner)
            if let key {
                JSONValue.appendCanonical(string: key, to: &output)
                output.append(contentsOf: ": ".utf8)
            }
            value.append(to: &output, indent: indent + 1)
        }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: [UInt8](repeating: UInt8(ascii: " "), count: indent * 2))
        output.append(close)
    }
}

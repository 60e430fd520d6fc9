import LedgerCore

/// SVG charts drawn from a report's own tables (so a chart never shows a figure the
/// tables do not). Integer geometry; at most `assetsMax` charts of each kind.
enum ReportCharts {
    /// Charts per kind: one per asset, for the first few assets.
    static let assetsMax = 4
    static let giving = "#2e7d32"
    static let receiving = "#1565c0"

    static func charts(for report: Report) -> [String] {
        switch report.parameters.name {
        case .reciprocity: regionBars(report) + flowDiagrams(report)
        case .pledgeFulfilment: fulfilmentOverTime(report) + ageingBars(report)
        default: []
        }
    }

    /// `value` of `maximum` as a length of at most `length` pixels.
    static func scaled(_ value: Int64, of maximum: Int64, _ length: Int) -> Int {
        scaled(Int128(value), of: Int128(maximum), length)
    }

    static func scaled(_ value: Int128, of maximum: Int128, _ length: Int) -> Int {
        guard maximum > 0, value > 0 else { return 0 }
        return Int(min(value, maximum) * Int128(length) / maximum)
    }

    static func amount(_ value: Int64, _ asset: AssetCode, _ report: Report) -> String {
        Amount.decimalText(minorUnits: value, scale: report.assetScales[asset] ?? 0)
    }

    /// The rows of `table` grouped by their asset, in asset order.
    static func byAsset(_ report: Report, _ table: String) -> [(AssetCode, [[String: JSONValue]])] {
        guard let records = report.table(table)?.records else { return [] }
        var groups: [AssetCode: [[String: JSONValue]]] = [:]
        for record in records {
            guard case .string(let code)? = record["asset"], let asset = AssetCode(code) else { continue }
            groups[asset, default: []].append(record)
        }
        return groups.sorted { $0.key < $1.key }.prefix(assetsMax).map { ($0.key, $0.value) }
    }

    static func integer(_ value: JSONValue?) -> Int64 {
        if case .integer(let number)? = value { return number }
        return 0
    }

    static func text(_ value: JSONValue?) -> String {
        if case .string(let string)? = value { return string }
        return ""
    }

    static func svg(width: Int, height: Int, title: String, _ body: String) -> String {
        """
        <figure><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" \
        width="\(width)" height="\(height)" role="img" aria-label="\(ReportHTML.escape(title))">\
        <title>\(ReportHTML.escape(title))</title>\(body)</svg>\
        <figcaption>\(ReportHTML.escape(title))</figcaption></figure>
        """
    }

    /// Contributed (green) against received (blue) per region.
    static func regionBars(_ report: Report) -> [String] {
        byAsset(report, "regions").map { asset, rows in
            let maximum = rows.map { max(integer($0["contributed"]), integer($0["received"])) }.max() ?? 0
            let label = 190, bar = 380, rowHeight = 36
            var body = ""
            for (index, row) in rows.enumerated() {
                let y = 10 + index * rowHeight
                let contributed = integer(row["contributed"]), received = integer(row["received"])
                body += "<text x=\"\(label - 8)\" y=\"\(y + 18)\" "
                body += "text-anchor=\"end\">\(ReportHTML.escape(text(row["region"])))</text>"
                let widthGiven = scaled(contributed, of: maximum, bar),
                    widthReceived = scaled(received, of: maximum, bar)
                body += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(widthGiven)\" height=\"13\" fill=\"\(giving)\"/>"
                body +=
                    "<text x=\"\(label + widthGiven + 4)\" y=\"\(y + 11)\">\(amount(contributed, asset, report))</text>"
                body += "<rect x=\"\(label)\" y=\"\(y + 15)\" width=\"\(widthReceived)\" height=\"13\" "
                body += "fill=\"\(receiving)\"/>"
                body +=
                    "<text x=\"\(label + widthReceived + 4)\" y=\"\(y + 26)\">\(amount(received, asset, report))</text>"
            }
            let height = 30 + rows.count * rowHeight
            body += "<rect x=\"\(label)\" y=\"\(height - 16)\" width=\"10\" height=\"10\" fill=\"\(giving)\"/><text "
            body += "x=\"\(label + 14)\" y=\"\(height - 7)\">contributed</text>"
            body += "<rect x=\"\(label + 110)\" y=\"\(height - 16)\" width=\"10\" height=\"10\" fill=\"\(receiving)\"/>"
            body += "<text x=\"\(label + 124)\" y=\"\(height - 7)\">received</text>"
            return svg(width: 720, height: height, title: "Contributed and received per region, \(asset)", body)
        }
    }

    /// The flow matrix as a Sankey-style diagram: giving regions left, receiving right.
    static func flowDiagrams(_ report: Report) -> [String] {
        byAsset(report, "flows").map { asset, rows in
            var outflow: [String: Int128] = [:], inflow: [String: Int128] = [:]
            for row in rows {
                outflow[text(row["from_region"]), default: 0] += Int128(integer(row["amount"]))
                inflow[text(row["to_region"]), default: 0] += Int128(integer(row["amount"]))
            }
            let total = outflow.values.reduce(0, +)
            let sources = outflow.keys.sorted(), targets = inflow.keys.sorted()
            let gap = 10, span = 40 * max(sources.count, targets.count, 2)
            let left = 190, right = 530, nodeWidth = 14
            func layout(_ names: [String], _ sizes: [String: Int128]) -> [String: (y: Int, height: Int)] {
                var y = 10
                var result: [String: (Int, Int)] = [:]
                for name in names {
                    let height = max(scaled(sizes[name] ?? 0, of: total, span), 2)
                    result[name] = (y, height)
                    y += height + gap
                }
                return result
            }
            let sourceNodes = layout(sources, outflow), targetNodes = layout(targets, inflow)
            var body = ""
            var sourceOffset: [String: Int] = [:], targetOffset: [String: Int] = [:]
            for row in rows {
                let from = text(row["from_region"]), to = text(row["to_region"])
                guard let source = sourceNodes[from], let target = targetNodes[to] else { continue }
                let thickness = max(scaled(Int128(integer(row["amount"])), of: total, span), 1)
                let y0 = source.y + (sourceOffset[from] ?? 0), y1 = target.y + (targetOffset[to] ?? 0)
                sourceOffset[from, default: 0] += thickness
                targetOffset[to, default: 0] += thickness
                let x0 = left + nodeWidth, x1 = right, middle = (x0 + x1) / 2
                let flow = amount(integer(row["amount"]), asset, report)
                let title = ReportHTML.escape("\(from) → \(to): \(flow) \(asset)")
                body += "<path d=\"M\(x0),\(y0) C\(middle),\(y0) \(middle),\(y1) \(x1),\(y1) L\(x1),\(y1 + thickness) "
                body += "C\(middle),\(y1 + thickness) \(middle),\(y0 + thickness) \(x0),\(y0 + thickness) Z\" "
                body += "fill=\"\(receiving)\" fill-opacity=\"0.35\"><title>\(title)</title></path>"
            }
            for name in sources {
                guard let node = sourceNodes[name] else { continue }
                body += "<rect x=\"\(left)\" y=\"\(node.y)\" width=\"\(nodeWidth)\" height=\"\(node.height)\" "
                body += "fill=\"\(giving)\"/>"
                body += "<text x=\"\(left - 6)\" y=\"\(node.y + node.height / 2 + 4)\" "
                body += "text-anchor=\"end\">\(ReportHTML.escape(name))</text>"
            }
            for name in targets {
                guard let node = targetNodes[name] else { continue }
                body += "<rect x=\"\(right)\" y=\"\(node.y)\" width=\"\(nodeWidth)\" height=\"\(node.height)\" "
                body += "fill=\"\(receiving)\"/>"
                body += "<text x=\"\(right + nodeWidth + 6)\" "
                body += "y=\"\(node.y + node.height / 2 + 4)\">\(ReportHTML.escape(name))</text>"
            }
            let height = 20 + span + gap * max(sources.count, targets.count)
            return svg(
                width: 760, height: height,
                title: "Flows from giving regions (left) to receiving regions (right), \(asset)", body)
        }
    }

    /// Paid ÷ pledged per quarter the pledges were made in.
    static func fulfilmentOverTime(_ report: Report) -> [String] {
        byAsset(report, "over_time").map { asset, rows in
            let columnWidth = 56, plot = 200, top = 20
            var body = "<line x1=\"40\" y1=\"\(top + plot)\" x2=\"\(50 + rows.count * columnWidth)\" "
            body += "y2=\"\(top + plot)\" stroke=\"#888\"/>"
            body += "<text x=\"34\" y=\"\(top + 4)\" text-anchor=\"end\">100 %</text><text x=\"34\" "
            body += "y=\"\(top + plot + 4)\" text-anchor=\"end\">0 %</text>"
            for (index, row) in rows.enumerated() {
                let pledged = integer(row["pledged"]), paid = min(integer(row["paid"]), integer(row["pledged"]))
                let height = scaled(paid, of: pledged, plot)
                let x = 50 + index * columnWidth
                body += "<rect x=\"\(x)\" y=\"\(top + plot - height)\" width=\"\(columnWidth - 14)\" "
                body += "height=\"\(height)\" fill=\"\(giving)\"/>"
                body += "<text x=\"\(x + (columnWidth - 14) / 2)\" y=\"\(top + plot + 16)\" "
                body += "text-anchor=\"middle\">\(ReportHTML.escape(text(row["quarter"])))</text>"
                body += "<text x=\"\(x + (columnWidth - 14) / 2)\" y=\"\(top + plot - height - 4)\" "
                body += "text-anchor=\"middle\">\(ReportHTML.escape(text(row["fulfilment_rate"])))</text>"
            }
            return svg(
                width: max(320, 70 + rows.count * columnWidth), height: top + plot + 30,
                title: "Fulfilment by quarter pledged (paid ÷ pledged), \(asset)", body)
        }
    }

    /// Unpaid instalments by how long they are overdue.
    static func ageingBars(_ report: Report) -> [String] {
        byAsset(report, "ageing").map { asset, rows in
            let maximum = rows.map { integer($0["amount"]) }.max() ?? 0
            let label = 90, bar = 420
            var body = ""
            for (index, row) in rows.enumerated() {
                let y = 10 + index * 26
                let width = scaled(integer(row["amount"]), of: maximum, bar)
                body += "<text x=\"\(label - 8)\" y=\"\(y + 14)\" "
                body += "text-anchor=\"end\">\(ReportHTML.escape(text(row["bucket"]))) days</text>"
                body += "<rect x=\"\(label)\" y=\"\(y)\" width=\"\(width)\" height=\"18\" fill=\"#c62828\"/>"
                body += "<text x=\"\(label + width + 4)\" "
                body += "y=\"\(y + 14)\">\(amount(integer(row["amount"]), asset, report)) "
                body += "(\(integer(row["instalments"])) instalments)</text>"
            }
            return svg(width: 720, height: 20 + rows.count * 26, title: "Overdue ageing, \(asset)", body)
        }
    }
}

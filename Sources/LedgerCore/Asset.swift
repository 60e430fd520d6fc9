/// A unit of value the ledger counts in exact integer minor units.
///
/// The scale (decimal places) is fixed when the asset is registered and never changes,
/// so a stored amount always means the same quantity.
public struct Asset: Hashable, Sendable {
    /// The asset's code, e.g. `USD`.
    public let code: AssetCode
    /// Decimal places between the minor and the major unit: 2 for USD, 0 for JPY.
    public let scale: Int
    /// A human-readable name, e.g. "US dollar".
    public let name: String
    /// When the asset was registered.
    public let createdAt: Timestamp

    /// Creates an asset whose fields have already been validated.
    public init(code: AssetCode, scale: Int, name: String, createdAt: Timestamp) {
        precondition(Limits.assetScaleRange.contains(scale), "asset scale out of range")
        self.code = code
        self.scale = scale
        self.name = name
        self.createdAt = createdAt
    }
}

/// A request to register an asset, as received at the edge and not yet validated.
public struct AssetDraft: Sendable, Equatable {
    public var code: String
    public var scale: Int
    public var name: String?

    public init(code: String, scale: Int, name: String? = nil) {
        self.code = code
        self.scale = scale
        self.name = name
    }

    /// Checks every field and returns the asset to store, or every problem at once.
    public func validated(at time: Timestamp) throws(Rejection) -> Asset {
        var problems: [FieldProblem] = []
        let code = AssetCode(self.code)
        if code == nil {
            problems.append(.init(field: "code", detail: "must match [A-Z0-9_]{2,16}"))
        }
        if !Limits.assetScaleRange.contains(scale) {
            problems.append(.init(field: "scale", detail: "must be between 0 and 18"))
        }
        let name = self.name ?? self.code
        if let problem = TextRules.problem(in: name, field: "name", lengthMax: Limits.assetNameLengthMax) {
            problems.append(problem)
        }
        guard problems.isEmpty, let code else { throw .invalidFields(problems) }
        return Asset(code: code, scale: scale, name: name, createdAt: time)
    }
}

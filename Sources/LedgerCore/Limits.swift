/// Every bound the ledger enforces, in one place, each with the reason it exists.
///
/// Limits are checked before any work is done, so a hostile or mistaken request is
/// rejected cheaply and never reaches the database half-validated.
public enum Limits {
    /// Largest magnitude of any amount or balance, in minor units: 2^53 − 1.
    /// Every JSON client (JavaScript included) reads integers up to this bound exactly.
    public static let amountMagnitudeMax: Int64 = 9_007_199_254_740_991

    /// Fewest postings in a transaction: double entry needs a debit and a credit.
    public static let postingsMin = 2

    /// Most postings in one transaction; a payroll-sized split fits, a runaway client does not.
    public static let postingsMax = 256

    /// Longest transaction description, in Unicode scalars: a sentence or two, not a document.
    public static let descriptionLengthMax = 1_000

    /// Longest asset name, in Unicode scalars.
    public static let assetNameLengthMax = 100

    /// Decimal places an asset may declare: 0 (JPY) to 18 (ERC-20 style tokens).
    public static let assetScaleRange: ClosedRange<Int> = 0...18

    /// Length of an asset code such as `USD`, `KES` or `XAU_G`.
    public static let assetCodeLengthRange: ClosedRange<Int> = 2...16

    /// Longest account code (`assets:bank:usd`), in bytes.
    public static let accountCodeLengthMax = 200

    /// Deepest account hierarchy, in segments.
    public static let accountCodeSegmentsMax = 10

    /// Most assets one account may restrict itself to.
    public static let allowedAssetsMax = 64

    /// Largest metadata object, as canonical JSON bytes; metadata annotates, it does not store files.
    public static let metadataBytesMax = 4_096

    /// Deepest nesting of metadata values (object inside array inside object …).
    public static let metadataDepthMax = 4

    /// Longest idempotency key, in bytes; a UUID or ULID fits with room to spare.
    public static let idempotencyKeyLengthMax = 255

    /// Largest page a list endpoint returns.
    public static let pageSizeMax = 1_000

    /// Page size used when the client names none.
    public static let pageSizeDefault = 100

    /// Largest request body accepted, in bytes: 256 postings with metadata fit well inside.
    public static let requestBodyBytesMax = 1_048_576
}

/// Bit arithmetic on tree sizes shared by proofs, frontier and verifier.
///
/// Why in one place: every RFC 6962 algorithm splits a size at "the largest
/// power of two smaller than n", and one tested helper avoids off-by-one drift.
enum TreeMath {
    /// The largest power of two strictly smaller than `size`; `size` must be at least 2.
    static func largestPowerOfTwo(below size: Int64) -> Int64 {
        precondition(size >= 2, "a split needs at least two leaves")
        return 1 << (Int64.bitWidth - 1 - (size - 1).leadingZeroBitCount)
    }

    /// The level of the highest set bit of a positive size (the tallest perfect subtree in it).
    static func highestLevel(in size: Int64) -> Int {
        precondition(size >= 1, "a subtree has at least one leaf")
        return Int64.bitWidth - 1 - size.leadingZeroBitCount
    }

    /// Whether a positive size is an exact power of two.
    static func isPowerOfTwo(_ size: Int64) -> Bool {
        size > 0 && size & (size - 1) == 0
    }
}

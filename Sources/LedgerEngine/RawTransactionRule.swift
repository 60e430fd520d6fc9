public import LedgerCore
import FundCore

/// The rules a raw transaction (`POST /v1/transactions`, a batch item, an import line)
/// passes before it is resolved against the ledger, checked here once for every caller.
///
/// Why in the engine: the store is not the only entry (a batch, an import, a second
/// backend) and the HTTP edge is not either; a rule checked in one place holds for all.
public enum RawTransactionRule {
    /// Refuses reserved metadata keys (reported alone, before any other rule of the
    /// body: `ReservedMetadata`), then checks the draft's stateless rules.
    public static func checked(_ draft: TransactionDraft) throws(Rejection) -> CheckedTransactionDraft {
        try ReservedMetadata.refuse(draft.metadata)
        return try draft.checked()
    }
}

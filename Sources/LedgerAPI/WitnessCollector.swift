import AsyncHTTPClient
import AuditLog
import Foundation
import LedgerStorage
import Logging
import Metrics
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Sends the log's newest checkpoint to every witness of the policy that has a URL (C2SP
/// tlog-witness `add-checkpoint`) and records the cosignatures they return, so that
/// `/tlog/checkpoint` can serve a checkpoint the quorum witnessed.
///
/// Off the write path: a witness that is down or slow delays the witnessed checkpoint,
/// never a write. One loop per witness, so at most one request to it is in flight, and
/// at least `pace` between two requests (a public witness budgets its requests per log);
/// a 409 teaches the loop the witness's size, and failures back off (doubling, at most
/// five minutes). A cosignature is recorded only if it verifies under the witness's key.
struct WitnessCollector<Store: LedgerStore>: Service {
    let store: Store
    let policy: WitnessPolicy
    let pace: Duration
    let logger: Logger

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        await withTaskGroup(of: Void.self) { group in
            for witness in policy.witnesses {
                guard let url = witness.url else { continue }
                group.addTask { await follow(witness, url: url, client: client) }
            }
        }
        try? await client.shutdown()
    }

    /// What one request taught.
    enum Outcome {
        case cosigned
        case witnessAt(Int64)
        case refused(String)
    }

    func follow(_ witness: WitnessPolicy.WitnessEntry, url: String, client: HTTPClient) async {
        let dimensions = [("witness", witness.name)]
        let size = Gauge(label: "commons_ledger_witness_cosigned_size", dimensions: dimensions)
        let lag = Gauge(label: "commons_ledger_witness_lag_entries", dimensions: dimensions)
        let failed = Counter(label: "commons_ledger_witness_failures_total", dimensions: dimensions)
        var known: Int64 = 0  // the witness's latest cosigned size, as far as we know
        var failures = 0
        while !Task.isShuttingDownGracefully {
            var wait = pace
            do {
                if let latest = try await store.latestCheckpoint(), latest.treeSize > known {
                    switch try await submit(latest, old: known, to: url, witness: witness, client: client) {
                    case .cosigned:
                        known = latest.treeSize
                        failures = 0
                    case .witnessAt(let witnessSize) where witnessSize <= latest.treeSize:
                        known = witnessSize
                        wait = .zero  // ask again at once, from the size the witness holds
                    case .witnessAt(let witnessSize):
                        throw CollectorFailure(
                            "the witness holds size \(witnessSize), past this log's \(latest.treeSize)"
                        )
                    case .refused(let reason):
                        throw CollectorFailure(reason)
                    }
                    size.record(known)
                    lag.record(latest.treeSize - known)
                }
            } catch {
                failures += 1
                failed.increment()
                logger.warning("witness refused or unreachable", metadata: [
                    "witness": "\(witness.name)", "error": "\(error)", "failures": "\(failures)",
                ])
                wait = min(pace * (1 << min(failures, 8)), .seconds(300))
            }
            let pause = max(wait, .milliseconds(50))
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }

    func submit(
        _ checkpoint: StoredCheckpoint, old: Int64, to url: String, witness: WitnessPolicy.WitnessEntry,
        client: HTTPClient
    ) async throws -> Outcome {
        let proof = old == 0 ? [] : try await store.consistencyProof(first: old, second: checkpoint.treeSize)
        let body = "old \(old)\n" + proof.map { $0.base64EncodedString + "\n" }.joined() + "\n" + checkpoint.note
        var request = HTTPClientRequest(url: url.hasSuffix("/") ? url + "add-checkpoint" : url + "/add-checkpoint")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await client.execute(request, timeout: .seconds(15))
        let text = String(buffer: try await response.body.collect(upTo: 65_536))
        switch response.status.code {
        case 200:
            let note = try SignedNote(parsing: checkpoint.note + text)
            let verifier = witness.verifier
            guard let line = note.signatures.first(where: { verifier.timestamp(of: $0, text: note.text) != nil }) else {
                return .refused("the witness's answer holds no valid cosignature by its key")
            }
            try await store.recordCosignature(
                treeSize: checkpoint.treeSize, witness: verifier.verifierKey, line: line.line
            )
            return .cosigned
        case 409:
            guard let size = Int64(text.trimmingCharacters(in: .newlines)) else {
                return .refused("409 without a size")
            }
            return .witnessAt(size)
        default:
            return .refused("\(response.status.code): \(text.prefix(200))")
        }
    }
}

struct CollectorFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

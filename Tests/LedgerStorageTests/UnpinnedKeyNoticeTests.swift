// Goal: `verify --url` without `--key` says plainly what it proves (finding 6): the log
// is self-consistent, but the server chose the key, so nothing about its honesty; and
// how to pin a key. The command prints this notice on standard error and in its result.
import LedgerStorage
import Testing

@Suite struct UnpinnedKeyNoticeTests {
    @Test func theNoticeSaysWhatAnUnpinnedCheckProvesAndHowToPin() {
        let notice = LedgerVerifier.unpinnedKeyNotice(serverKey: "example.org+0123abcd+AAAA")
        #expect(notice.hasPrefix("WARNING: no --key given"))
        #expect(notice.contains("example.org+0123abcd+AAAA"))
        #expect(notice.contains("self-consistent"))
        #expect(notice.contains("nothing about the server's honesty: the server chose the key"))
        #expect(notice.contains("pass --key log.vkey"))
    }
}

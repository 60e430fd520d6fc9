// Goal: a recurring pledge's schedule yields the due dates and amounts computed by hand
// below — the start's day of the month kept, or the month's last day when it is shorter;
// the amount split evenly, the remainder to the earliest instalments — and refuses every
// schedule that is not exactly one of count and end within the instalment limit.
import FundCore
import LedgerCore
import Testing

@Suite struct PledgeScheduleTests {
    static func dates(_ every: PledgeSchedule.Frequency, _ start: String, count: Int? = nil, end: String? = nil)
        -> [String]?
    {
        PledgeSchedule(every: every, start: LocalDate(start)!, count: count, end: end.flatMap(LocalDate.init))?
            .dueDates.map(\.description)
    }

    @Test func dueDatesKeepTheDayOrTheMonthsLastDay() {
        #expect(Self.dates(.month, "2027-01-31", count: 4) == ["2027-01-31", "2027-02-28", "2027-03-31", "2027-04-30"])
        #expect(Self.dates(.month, "2028-01-30", count: 2) == ["2028-01-30", "2028-02-29"])
        #expect(Self.dates(.quarter, "2026-11-30", end: "2027-08-31") == ["2026-11-30", "2027-02-28", "2027-05-30", "2027-08-30"])
        #expect(Self.dates(.year, "2028-02-29", count: 3) == ["2028-02-29", "2029-02-28", "2030-02-28"])
        #expect(Self.dates(.month, "2026-12-15", end: "2026-12-15") == ["2026-12-15"])
        #expect(Self.dates(.month, "2026-01-01", count: 120)?.last == "2035-12-01")
    }

    @Test func theAmountIsSplitEvenlyWithTheRemainderFirst() throws {
        let schedule = try #require(PledgeSchedule(every: .month, start: LocalDate("2027-01-31")!, count: 3, end: nil))
        #expect(schedule.instalments(of: Amount(minorUnits: 1_000)!)?.map(\.amount.minorUnits) == [334, 333, 333])
        #expect(schedule.instalments(of: Amount(minorUnits: 90_000)!)?.map(\.amount.minorUnits) == [30_000, 30_000, 30_000])
        #expect(schedule.instalments(of: Amount(minorUnits: 2)!) == nil)  // fewer minor units than instalments
    }

    @Test func onlyExactlyOneOfCountAndEndWithinTheLimit() {
        let start = LocalDate("2027-01-01")!
        #expect(PledgeSchedule(every: .month, start: start, count: 3, end: LocalDate("2027-12-31")) == nil)
        #expect(PledgeSchedule(every: .month, start: start, count: nil, end: nil) == nil)
        #expect(PledgeSchedule(every: .month, start: start, count: 0, end: nil) == nil)
        #expect(PledgeSchedule(every: .month, start: start, count: 121, end: nil) == nil)
        #expect(PledgeSchedule(every: .month, start: start, count: nil, end: LocalDate("2026-12-31")) == nil)
        #expect(PledgeSchedule(every: .month, start: start, count: nil, end: LocalDate("2037-01-01")) == nil)  // 121 dates
        #expect(PledgeSchedule(every: .year, start: LocalDate("9998-06-01")!, count: 5, end: nil) == nil)  // past 9999
    }

    @Test func theLoggedFormReadsBackAndNothingElseDoes() throws {
        let schedule = try #require(PledgeSchedule(every: .quarter, start: LocalDate("2027-03-31")!, count: nil, end: LocalDate("2027-12-31")))
        #expect(schedule.json.canonicalText == #"{"end":"2027-12-31","every":"quarter","start":"2027-03-31"}"#)
        #expect(PledgeSchedule(json: schedule.json) == schedule)
        for bad in [
            #"{"every":"week","start":"2027-03-31","count":2}"#, #"{"every":"month","start":"2027-03-31"}"#,
            #"{"every":"month","start":"2027-03-31","count":2,"colour":"red"}"#, #"{"every":"month","start":"31/03","count":2}"#,
        ] {
            #expect(PledgeSchedule(json: try JSONParser.parse(Array(bad.utf8))) == nil, "\(bad)")
        }
    }

    @Test func nextDueIsTheFirstInstalmentNotCovered() {
        let parts = [(LocalDate("2026-09-30")!, Int64(10_000)), (LocalDate("2026-10-31")!, 10_000)]
        #expect(Pledge.nextDue(parts, covered: 0)! == (LocalDate("2026-09-30")!, 10_000))
        #expect(Pledge.nextDue(parts, covered: 15_000)! == (LocalDate("2026-10-31")!, 5_000))
        #expect(Pledge.nextDue(parts, covered: 20_000) == nil)
    }
}

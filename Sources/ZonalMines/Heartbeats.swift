/// A stretch of a camera's `alarm: 1` heartbeats with no gap of more than 10
/// minutes: the camera was online from `first` to `last`. The store keeps a
/// camera's heartbeats as these runs (a province day is 2.88 million
/// heartbeats and a few tens of thousands of runs); outages are the gaps
/// between them and online slots their sum, so nothing the reports need is lost.
struct OnlineRun: Equatable, Sendable {
    /// Epoch milliseconds of the first and last heartbeat of the run.
    var first: Int64
    var last: Int64
    /// Distinct `alarm: 1` heartbeats in the run.
    var heartbeats: Int
    /// Distinct clock 5-minute slots holding at least one of them.
    var slots: Int
}

/// One camera's heartbeats (摄像头在线、离线检测, table 5-8), summarised.
struct CameraHeartbeats: Equatable, Sendable {
    /// More than this without an `alarm: 1` heartbeat is an outage (CONTRACT §4): 10 minutes.
    static let outageAfterMs: Int64 = 600_000
    /// The seed's heartbeat period, and the slot of camera_online: 5 minutes.
    static let slotMs: Int64 = 300_000

    /// First and last heartbeat of either value.
    var first: Int64
    var last: Int64
    /// Distinct heartbeats (equal time and value count once), and of them `alarm: 0`.
    var heartbeats: Int
    var offlineReports: Int
    var runs: [OnlineRun]
    /// Heartbeats given more than once (not stored; for the load's count of repeats).
    var duplicates = 0

    /// Builds the summary from heartbeats packed as `time_ms << 1 | online`
    /// (sorted and de-duplicated in place). Nil when there are none.
    /// `utcOffsetMs` aligns slots to the job's clock (00:00, 00:05, …).
    init?(packed: inout [Int64], utcOffsetMs: Int64) {
        guard !packed.isEmpty else { return nil }
        packed.sort()
        var distinct = 0, offline = 0
        var runs: [OnlineRun] = []
        var previous: Int64 = -1
        var lastOnline: Int64? = nil, lastSlot: Int64 = .min
        for p in packed where p != previous {
            previous = p
            distinct += 1
            let ms = p >> 1
            guard p & 1 == 1 else { offline += 1; continue }
            let slot = Self.slot(ms, utcOffsetMs)
            if let l = lastOnline, ms - l <= Self.outageAfterMs {
                runs[runs.count - 1].heartbeats += 1
                runs[runs.count - 1].last = ms
                if slot != lastSlot { runs[runs.count - 1].slots += 1 }
            } else {
                runs.append(OnlineRun(first: ms, last: ms, heartbeats: 1, slots: 1))
            }
            lastOnline = ms; lastSlot = slot
        }
        self.init(first: packed[0] >> 1, last: packed[packed.count - 1] >> 1, heartbeats: distinct, offlineReports: offline, runs: runs)
        duplicates = packed.count - distinct
    }

    init(first: Int64, last: Int64, heartbeats: Int, offlineReports: Int, runs: [OnlineRun]) {
        self.first = first; self.last = last; self.heartbeats = heartbeats; self.offlineReports = offlineReports; self.runs = runs
    }

    /// The gaps of more than 10 minutes between online heartbeats: from the
    /// last heartbeat before to the first after. Before the first and after
    /// the last online heartbeat nothing is known, so those are not outages.
    var outages: [(from: Int64, to: Int64)] {
        zip(runs, runs.dropFirst()).map { ($0.last, $1.first) }
    }

    /// Whether an `alarm: 1` heartbeat falls in [t − 10 min, t]. Inside a
    /// run the heartbeats are at most 10 minutes apart, so t within a run
    /// always has one; otherwise only a run ending in that window does.
    func isOnline(at t: Int64) -> Bool {
        runs.contains { run in
            (run.first <= t && t <= run.last) || (run.last <= t && t - run.last <= Self.outageAfterMs)
        }
    }

    /// Slots with an online heartbeat (runs never share a slot: they are more than 10 minutes apart).
    var onlineSlots: Int { runs.reduce(0) { $0 + $1.slots } }

    /// Slots from the first heartbeat's to the last's, inclusive.
    func expectedSlots(utcOffsetMs: Int64) -> Int {
        Int(Self.slot(last, utcOffsetMs) - Self.slot(first, utcOffsetMs) + 1)
    }

    static func slot(_ ms: Int64, _ utcOffsetMs: Int64) -> Int64 {
        let local = ms + utcOffsetMs
        return local >= 0 ? local / slotMs : (local - slotMs + 1) / slotMs
    }
}

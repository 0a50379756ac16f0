import Foundation

/// Parses the contract's three time forms (§3) into epoch milliseconds:
/// `yyyyMMddHHmmss` (device format), `yyyy-MM-dd HH:mm:ss[.SSS]` and ISO 8601
/// with an offset. Naive times are in the job's time zone. Works on bytes:
/// a city day has millions of timestamps and DateFormatter is far too slow.
public struct TimeParser: Sendable {
    public let timeZone: TimeZone
    /// The zone's offset when it has no daylight saving (Asia/Shanghai since
    /// 1991); otherwise offsets are looked up per instant.
    private let fixedOffset: Int?

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
        let now = Date()
        let probes = (0..<24).map { now.addingTimeInterval(Double($0) * 15 * 86400) }
        let offsets = Set(probes.map { timeZone.secondsFromGMT(for: $0) })
        fixedOffset = offsets.count == 1 && !timeZone.isDaylightSavingTime(for: now) ? offsets.first : nil
    }

    /// The zone's offset from UTC at an instant, in milliseconds: local clock
    /// time = epoch ms + offset. Free for zones without daylight saving.
    public func utcOffsetMs(at epochMillis: Int64) -> Int64 {
        if let fixedOffset { return Int64(fixedOffset) * 1000 }
        return Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(epochMillis) / 1000))) * 1000
    }

    /// Epoch milliseconds, or nil when the text is not one of the accepted forms.
    public func parse(_ text: String) -> Int64? {
        var t = text
        return t.withUTF8 { parse(bytes: $0) }
    }

    public func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Int64? {
        func digits(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= b.count else { return nil }
            var v = 0
            for i in from..<(from + n) {
                let d = Int(b[i]) - 48
                guard d >= 0 && d <= 9 else { return nil }
                v = v * 10 + d
            }
            return v
        }
        var y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0
        var offset: Int?   // seconds east of UTC, when the text carries one
        var i: Int
        if b.count == 14, let v = digits(0, 4) {   // yyyyMMddHHmmss
            guard let m1 = digits(4, 2), let d1 = digits(6, 2), let h1 = digits(8, 2), let mi1 = digits(10, 2), let s1 = digits(12, 2) else { return nil }
            (y, mo, d, h, mi, s) = (v, m1, d1, h1, mi1, s1)
            i = 14
        } else {
            guard b.count >= 19, let y1 = digits(0, 4), b[4] == 45, let m1 = digits(5, 2), b[7] == 45, let d1 = digits(8, 2),
                  b[10] == 32 || b[10] == 84, let h1 = digits(11, 2), b[13] == 58, let mi1 = digits(14, 2), b[16] == 58,
                  let s1 = digits(17, 2) else { return nil }
            (y, mo, d, h, mi, s) = (y1, m1, d1, h1, mi1, s1)
            i = 19
            if i < b.count, b[i] == 46 {   // fraction: up to 9 digits, kept to the millisecond
                var k = i + 1, frac = 0, n = 0
                while k < b.count, b[k] >= 48, b[k] <= 57 {
                    if n < 3 { frac = frac * 10 + Int(b[k]) - 48; n += 1 }
                    k += 1
                }
                guard k > i + 1 else { return nil }
                while n < 3 { frac *= 10; n += 1 }
                ms = frac
                i = k
            }
            if i < b.count {
                if b[i] == 90 { offset = 0; i += 1 }   // Z
                else if b[i] == 43 || b[i] == 45 {      // +hh:mm, +hhmm or +hh
                    let sign = b[i] == 43 ? 1 : -1
                    guard let oh = digits(i + 1, 2) else { return nil }
                    var om = 0
                    var k = i + 3
                    if k < b.count, b[k] == 58 { k += 1 }
                    if k < b.count { guard let m2 = digits(k, 2) else { return nil }; om = m2; k += 2 }
                    guard oh <= 14, om < 60 else { return nil }
                    offset = sign * (oh * 3600 + om * 60)
                    i = k
                }
            }
        }
        guard i == b.count, (1...12).contains(mo), d >= 1, d <= Self.daysIn(y, mo), h <= 23, mi <= 59, s <= 60 else { return nil }
        let local = Int64(Self.daysFromCivil(y, mo, d)) * 86400 + Int64(h * 3600 + mi * 60 + s)
        let off: Int
        if let offset { off = offset } else if let fixedOffset { off = fixedOffset } else {
            // Guess with the offset at the naive instant read as UTC, then correct once.
            let guess = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local)))
            off = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - Int64(guess))))
        }
        return (local - Int64(off)) * 1000 + Int64(ms)
    }

    /// `yyyy-MM-dd HH:mm:ss` in the job's zone, as reports print times.
    public func format(_ epochMillis: Int64, milliseconds: Bool = false) -> String {
        let secs = epochMillis >= 0 ? epochMillis / 1000 : (epochMillis - 999) / 1000
        let off = fixedOffset ?? timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(secs)))
        let local = secs + Int64(off)
        let days = local >= 0 ? local / 86400 : (local - 86399) / 86400
        let rem = Int(local - days * 86400)
        let (y, m, d) = Self.civilFromDays(Int(days))
        // Written byte by byte: string interpolation here cost more than the
        // parsing on a city day of timestamps.
        let count = milliseconds ? 23 : 19
        return String(unsafeUninitializedCapacity: count) { b in
            func put(_ at: Int, _ v: Int, _ width: Int) {
                var v = v
                for k in stride(from: at + width - 1, through: at, by: -1) { b[k] = UInt8(48 + v % 10); v /= 10 }
            }
            put(0, y, 4); b[4] = 45; put(5, m, 2); b[7] = 45; put(8, d, 2); b[10] = 32
            put(11, rem / 3600, 2); b[13] = 58; put(14, rem / 60 % 60, 2); b[16] = 58; put(17, rem % 60, 2)
            if milliseconds { b[19] = 46; put(20, Int(epochMillis - secs * 1000), 3) }
            return count
        }
    }

    static func daysIn(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil: days since 1970-01-01.
    /// Year, month, day of a day number (days since 1970-01-01).
    public static func civilDate(_ day: Int) -> (year: Int, month: Int, day: Int) { civilFromDays(day) }

    /// The day number of a date.
    public static func dayNumber(year: Int, month: Int, day: Int) -> Int { daysFromCivil(year, month, day) }

    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

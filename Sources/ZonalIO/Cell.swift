import Foundation

/// How a report column is typed and shown: writers keep numbers numbers and
/// times times (an Excel date), whatever the CSV text looks like.
public enum ColumnKind: Sendable, Equatable {
    case text
    case integer
    /// A decimal shown with a fixed number of places (areas 2, rates 4).
    case decimal(places: Int)
    case bool
    /// A time `yyyy-MM-dd HH:mm:ss[.SSS]` in the job's zone, held as text.
    case time
}

/// A typed cell for report writers.
public enum Cell: Sendable, Equatable {
    case empty
    case text(String)
    case integer(Int64)
    /// A decimal already rounded for display: the value and its number of places.
    case decimal(Double, places: Int)
    case bool(Bool)

    /// The text a CSV or HTML table shows.
    public var display: String {
        switch self {
        case .empty: return ""
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .decimal(let d, let places): return DecimalFormat.fixed(d, places: places)
        case .bool(let b): return b ? "true" : "false"
        }
    }
}

/// Every number Zonal shows goes through here: fixed places rounded half
/// away from zero, ratios on the exact fraction, race times and minutes.
public enum DecimalFormat {
    /// Rounds half away from zero to `places` and prints exactly that many decimals.
    public static func fixed(_ value: Double, places: Int) -> String {
        // Non-finite or huge values have no fixed-point form; print them as Swift does rather than trap.
        guard value.isFinite, abs(value) < 1e15 else { return value.isFinite ? "\(value)" : "" }
        let scale = pow10(places)
        let scaled = (value * scale).rounded(.toNearestOrAwayFromZero)
        if places == 0 { return String(Int64(scaled)) }
        let negative = scaled < 0
        let magnitude = Int64(abs(scaled))
        let unit = Int64(scale)
        var frac = String(magnitude % unit)
        frac = String(repeating: "0", count: places - frac.count) + frac
        return (negative ? "-" : "") + "\(magnitude / unit).\(frac)"
    }

    /// 10ⁿ, exactly, for the places Zonal uses.
    public static func pow10(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }

    /// 10ⁿ for any whole n; negative powers are divisions, which round once
    /// (0.001 is 1 / 1000, not 0.1 × 0.1 × 0.1).
    public static func powerOfTen(_ n: Int) -> Double { n >= 0 ? pow10(n) : 1 / pow10(-n) }

    /// The value rounded half away from zero to `places`, as stored and shown.
    public static func rounded(_ value: Double, places: Int) -> Double {
        let scale = pow10(places)
        return (value * scale).rounded(.toNearestOrAwayFromZero) / scale
    }

    /// A number without trailing zeros, for messages ("90" not "90.0").
    public static func trimmed(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : "\(d)"
    }

    /// Ratios between counts (in-fence rate, utilization), rounded half away
    /// from zero on the exact fraction: 1431 / 2400 = 0.59625 is 0.5963,
    /// where rounding the nearest double (0.596249999…) would give 0.5962.
    /// Empty when the denominator is 0.
    public static func ratio(_ numerator: Int64, _ denominator: Int64, places: Int = 4) -> Cell {
        guard denominator > 0, numerator >= 0 else { return .empty }
        let scale = Int64(pow10(places))
        let scaled = (2 * numerator * scale + denominator) / (2 * denominator)
        return .decimal(Double(scaled) / Double(scale), places: places)
    }

    /// A race time `H:MM:SS.mmm` (hours not padded, as CrossMgr and the
    /// seed's 成绩单 print them); negative durations get a leading `-`.
    public static func raceTime(milliseconds ms: Int64) -> String {
        // Written digit by digit: a marathon's reports format a million of these.
        let m = ms.magnitude
        let h = m / 3_600_000, min = m / 60_000 % 60, s = m / 1000 % 60, frac = m % 1000
        var hourDigits = 1
        var p: UInt64 = 10
        while h >= p { hourDigits += 1; p *= 10 }
        let count = (ms < 0 ? 1 : 0) + hourDigits + 10
        return String(unsafeUninitializedCapacity: count) { out in
            var i = 0
            func put(_ v: UInt64, _ n: Int) {
                var v = v
                for k in stride(from: n - 1, through: 0, by: -1) { out[i + k] = UInt8(48 + v % 10); v /= 10 }
                i += n
            }
            if ms < 0 { out[0] = UInt8(ascii: "-"); i = 1 }
            put(h, hourDigits); out[i] = UInt8(ascii: ":"); i += 1
            put(min, 2); out[i] = UInt8(ascii: ":"); i += 1
            put(s, 2); out[i] = UInt8(ascii: "."); i += 1
            put(frac, 3)
            return i
        }
    }

    /// A duration in minutes with 2 places (CONTRACT §4 `_min` columns),
    /// rounded half away from zero on the exact number of milliseconds.
    public static func minutes(milliseconds ms: Int64) -> Cell {
        minutes(totalMilliseconds: ms, count: 1)
    }

    /// The mean of `count` durations totalling `total` ms, in minutes with 2
    /// places, rounded half away from zero on the exact fraction (never on a
    /// rounded mean): (1 min + 2 min 1 ms) / 2 = 1.50 min. Empty for no durations.
    public static func minutes(totalMilliseconds total: Int64, count: Int) -> Cell {
        hundredths(total, unitMs: 60_000, count: count)
    }

    /// A duration in hours with 2 places, rounded like `minutes` (an alarm's age).
    public static func hours(milliseconds ms: Int64) -> Cell {
        hundredths(ms, unitMs: 3_600_000, count: 1)
    }

    /// round(total / (unit · count), 2 places), half away from zero, in integers.
    private static func hundredths(_ total: Int64, unitMs: Int64, count: Int) -> Cell {
        guard count > 0 else { return .empty }
        let d = UInt64(unitMs / 100) * UInt64(count)   // ms per hundredth of a unit, times count
        let h = (2 * total.magnitude + d) / (2 * d)
        return .decimal(Double(total < 0 ? -Int64(h) : Int64(h)) / 100, places: 2)
    }
}

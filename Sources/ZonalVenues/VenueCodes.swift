import ZonalCore
import ZonalIO

/// 场馆编码 (seed 000 §3.2): admin area (6, GB/T 2260) + venue type (2) +
/// level (1) + sequence (3), e.g. 110105011001 = 朝阳区, type 01, level 1, No. 001.
struct VenueCode: Equatable, Sendable {
    let code: String

    /// Why `code` is not the code of a venue with these columns, or nil when it
    /// is: its length, then each part in order (admin area, type, level).
    static func problem(code: String, adminCode: String, venueType: String, level: String) -> String? {
        let u = Array(code.utf8)
        guard u.count == 12, u.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return "'\(Quote.prefix(code))' is not a venue code: 12 digits, admin_code(6) + venue_type(2) + level(1) + sequence(3)"
        }
        let admin = String(code.prefix(6)), type = String(code.dropFirst(6).prefix(2)), lvl = String(code.dropFirst(8).prefix(1))
        if admin != adminCode { return "characters 1–6 (\(admin)) differ from admin_code \(adminCode)" }
        if type != venueType { return "characters 7–8 (\(type)) differ from venue_type \(venueType)" }
        if lvl != level { return "character 9 (\(lvl)) differs from level \(level)" }
        return nil
    }
}

/// The footfall systems of seed 000 §4: gates (闸机), face recognition
/// (人脸识别), binocular cameras (双目摄像头), AI video (人工智能视频识别), QR
/// check-in (二维码签到) and the operators' location service (运营商地理位置).
enum FootfallSource: String, CaseIterable, Sendable {
    case gate, face, binocular, aiVideo = "ai_video", qr, lbs

    /// The source whose name is these bytes.
    static func from(_ b: UnsafeBufferPointer<UInt8>) -> FootfallSource? {
        for s in allCases where s.rawValue.utf8.count == b.count && s.rawValue.utf8.elementsEqual(b) { return s }
        return nil
    }
}

/// The 15-minute grid of seed 000 (collection at most every 15 minutes): 96 slots a day.
enum Slots {
    static let perDay = 96
    static let slotMs: Int64 = 900_000
    static let dayMs: Int64 = 86_400_000
    /// A longer period is a warning: the seed collects at most every 15 minutes.
    static let longestPeriodMs: Int64 = 900_000
    /// A later upload is late: the seed uploads at most every 60 minutes.
    static let lateAfterMs: Int64 = 3_600_000
}

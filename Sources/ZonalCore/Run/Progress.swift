import Foundation
import ZonalIO
#if canImport(Glibc)
import Glibc
#endif

/// Log lines on stderr, as text for people or JSON lines for schedulers.
/// Levels: debug (where the time went; with --verbose), info (what the run
/// did; not with --quiet), warning and error (always, --quiet included).
public final class Log: @unchecked Sendable {
    public enum Format: String, Sendable { case text, json }
    public enum Level: Int, Sendable, Comparable {
        case debug, info, warning, error
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["debug", "info", "warning", "error"][rawValue] }
    }
    public let format: Format
    /// The lowest level written.
    public let threshold: Level
    private let output: @Sendable (String) -> Void
    private let lock = NSLock()

    /// Each line goes to `output` (standard error unless a test captures it).
    public init(format: Format, quiet: Bool, verbose: Bool = false, output: (@Sendable (String) -> Void)? = nil) {
        self.format = format
        threshold = quiet ? .warning : (verbose ? .debug : .info)
        self.output = output ?? { line in
            ProgressDisplay.clearLine()
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }

    public func debug(_ message: String, _ fields: [(String, JSONValue)] = []) { emit(.debug, message, fields) }
    public func info(_ message: String, _ fields: [(String, JSONValue)] = []) { emit(.info, message, fields) }
    public func warning(_ message: String, _ fields: [(String, JSONValue)] = []) { emit(.warning, message, fields) }
    public func error(_ message: String, _ fields: [(String, JSONValue)] = []) { emit(.error, message, fields) }

    private func emit(_ level: Level, _ message: String, _ fields: [(String, JSONValue)]) {
        guard level >= threshold else { return }
        let line: String
        switch format {
        case .text:
            line = (level == .info ? "" : "\(level.name): ") + message
        case .json:
            line = JSONValue.object([("time", .string(Timestamp.iso(Date()))), ("level", .string(level.name)),
                                     ("message", .string(message))] + fields).serialized(pretty: false)
        }
        lock.lock(); defer { lock.unlock() }
        output(line)
    }
}

/// A progress line on a terminal: step, rows done, rows/s and ETA. Silent
/// when stderr is not a terminal or with --quiet, so logs stay clean.
public final class ProgressDisplay: @unchecked Sendable {
    public let enabled: Bool
    private var label = ""
    private var total: Int?
    private var done = 0
    private var started = Date()
    private var lastDraw = Date.distantPast
    private let lock = NSLock()
    nonisolated(unsafe) static var lineShown = false

    public init(enabled: Bool) { self.enabled = enabled }

    public static func terminalAttached() -> Bool { isatty(STDERR_FILENO) == 1 }

    public func start(_ label: String, total: Int? = nil) {
        lock.lock(); defer { lock.unlock() }
        self.label = label; self.total = total; done = 0; started = Date(); lastDraw = .distantPast
        draw(force: true)
    }

    public func advance(by n: Int = 1) {
        lock.lock(); defer { lock.unlock() }
        done += n
        draw(force: false)
    }

    public func finish() {
        lock.lock(); defer { lock.unlock() }
        Self.clearLine()
    }

    private func draw(force: Bool) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let secs = max(now.timeIntervalSince(started), 1e-3)
        let rate = Double(done) / secs
        var text = "\(label): \(done)"
        if let total, total > 0 {
            text += "/\(total) (\(Int(Double(done) * 100 / Double(total)))%)"
            if rate > 0, done < total { text += ", ETA \(Int(Double(total - done) / rate)) s" }
        }
        text += ", \(Int(rate)) rows/s"
        FileHandle.standardError.write(("\r\u{1B}[K" + text).data(using: .utf8)!)
        Self.lineShown = true
    }

    static func clearLine() {
        if lineShown {
            FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
            lineShown = false
        }
    }
}

public enum Timestamp {
    /// `yyyy-MM-dd HH:mm:ss` in the given zone, as reports show times.
    public static func report(_ date: Date, _ tz: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = tz
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return f.string(from: date)
    }

    public static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A problem with one input file that the user must fix: names the file, the
/// line (CSV line, sheet row or Shapefile record, 1-based), the field and the reason.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int?
    public var field: String?
    public var reason: String

    public init(file: String, line: Int? = nil, field: String? = nil, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    public var description: String {
        var where_ = file
        if let line { where_ += " line \(line)" }
        if let field { where_ += " field \(field)" }
        return "\(where_): \(reason)"
    }
}

/// A report or export that could not be written: names the output file and
/// what to do about it. Not an input problem, so it never blames the data.
public struct OutputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var reason: String
    public init(file: String, reason: String) { self.file = file; self.reason = reason }
    public var description: String { "\(file): \(reason)" }
}

extension Substring {
    /// Spaces, tabs and line breaks trimmed from both ends. Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString and dominated load
    /// profiles on Linux; this works on the UTF-8 view.
    public var trimmedSpace: String {
        let u = utf8
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        guard let first = u.firstIndex(where: { !isSpace($0) }), let last = u.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}

extension String {
    public var trimmedSpace: String {
        // Most fields need no trimming: return them as they are, without a copy.
        guard let f = utf8.first, let l = utf8.last else { return self }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        if !isSpace(f) && !isSpace(l) { return self }
        return self[...].trimmedSpace
    }
}

/// How a message quotes a value from the data: a short prefix, so one
/// 40,000-character field cannot fill a log line, a reject reason or a cell.
public enum Quote {
    public static let limit = 40

    /// The value itself when short; else its first 40 characters, `…` and its length.
    public static func prefix(_ s: String) -> String {
        var n = 0
        var end = s.startIndex
        while end < s.endIndex, n < limit { s.formIndex(after: &end); n += 1 }
        guard end < s.endIndex else { return s }
        return String(s[..<end]) + "… (\(s.count) characters)"
    }
}

/// Checks made before a reader opens a path: it must be a regular file. A
/// named pipe would hang the reader, a device like /dev/zero would feed it
/// forever, and a folder is not "file not found".
public enum InputFile {
    public static func checkRegular(_ path: String, shown: String) throws {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw InputError(file: shown, reason: errno == EACCES ? "cannot be read (permission denied)" : "file not found")
        }
        let kind = st.st_mode & S_IFMT
        if kind == S_IFREG { return }
        throw InputError(file: shown, reason: "is \(describe(kind)), not a file; give the path of a regular file")
    }

    /// What a non-regular path is, in words.
    public static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "a folder"
        case S_IFIFO: return "a named pipe (FIFO)"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes report tables as CSV that Excel opens correctly by double-click.
///
/// The BOM is what makes Excel read Chinese text as UTF-8 instead of the
/// system code page; CRLF follows RFC 4180. Output depends only on the input,
/// so reruns of a job produce byte-identical reports that diff cleanly.
public enum CSVWriter {
    public static func write(path: String, header: [String], rows: [[Cell]]) throws {
        // Written beside the target and renamed into place: a crash or a full
        // disk never leaves a half-written report under the real name.
        let temp = path + ".tmp-\(getpid())"
        let file = try CSVOutputFile(path: temp, displayName: path)
        do {
            var line: [UInt8] = []
            line.reserveCapacity(4096)
            line.append(contentsOf: [0xEF, 0xBB, 0xBF])
            appendRecord(header, to: &line)
            try file.write(line)
            for row in rows {
                line.removeAll(keepingCapacity: true)
                appendRecord(row.map(Self.neutralised), to: &line)
                try file.write(line)
            }
            try file.close()
        } catch {
            unlink(temp)
            throw error
        }
        if rename(temp, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw OutputError(file: path, reason: "could not be written (\(reason)); check the output folder is writable")
        }
    }

    /// A cell's CSV text. A text cell that starts with `=`, `+`, `-`, `@`, a
    /// tab or a carriage return would be run as a formula by a spreadsheet
    /// that opens the CSV (`=cmd|' /C calc'!A0` in a company name); as
    /// OWASP's CSV-injection advice says, it gets a leading `'`, which
    /// spreadsheets show as text. Numbers are numbers and stay as they are.
    static func neutralised(_ cell: Cell) -> String {
        guard case .text(let s) = cell, let first = s.utf8.first,
              first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-") || first == UInt8(ascii: "@")
                || first == 0x09 || first == 0x0D else { return cell.display }
        return "'" + s
    }

    static func appendRecord(_ fields: [String], to out: inout [UInt8]) {
        for (i, field) in fields.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            appendField(field, to: &out)
        }
        out.append(UInt8(ascii: "\r"))
        out.append(UInt8(ascii: "\n"))
    }

    /// Quotes only when needed so plain reports stay readable in a text editor.
    static func appendField(_ field: String, to out: inout [UInt8]) {
        let utf8 = field.utf8
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"")
            || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        guard needsQuotes else {
            out.append(contentsOf: utf8)
            return
        }
        out.append(UInt8(ascii: "\""))
        for byte in utf8 {
            if byte == UInt8(ascii: "\"") { out.append(byte) }
            out.append(byte)
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Owns the stdio handle of a CSV being written; `close()` reports the
/// flush failures (disk full) that `fwrite` alone can hide.
final class CSVOutputFile {
    private var file: UnsafeMutablePointer<FILE>?
    private let displayName: String

    init(path: String, displayName: String) throws {
        guard let file = fopen(path, "wb") else {
            throw OutputError(file: displayName, reason: "could not be created (\(String(cString: strerror(errno)))); check the output folder exists and is writable")
        }
        self.file = file
        self.displayName = displayName
    }

    func write(_ bytes: [UInt8]) throws {
        guard let file else { return }
        let written = bytes.withUnsafeBufferPointer { b in
            b.baseAddress.map { fwrite($0, 1, b.count, file) } ?? 0
        }
        if written != bytes.count {
            throw OutputError(file: displayName, reason: "could not be written (\(String(cString: strerror(errno)))); check free disk space")
        }
    }

    func close() throws {
        guard let file else { return }
        self.file = nil
        if fclose(file) != 0 {
            throw OutputError(file: displayName, reason: "could not be written (\(String(cString: strerror(errno)))); check free disk space")
        }
    }

    deinit {
        if let file { fclose(file) }
    }
}

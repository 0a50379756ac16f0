import Foundation
import ZonalCore
import ZonalDomains
import ZonalIO

/// One entry per reader for coverage-guided fuzzing (fuzz/, libFuzzer) and
/// for replaying the inputs it found (Tests/ZonalFuzzingTests). Each feeds
/// arbitrary bytes to a reader the way a job would, and accepts any outcome
/// but a crash or a hang: errors and rejects are the readers' job.
public enum Harness {
    public static let targets: [String: @Sendable (Data) -> Void] = [
        "csv": csv, "xlsx": xlsx, "geojson": geojson, "jsonl": jsonl, "readerlog": readerLog, "shapefile": shapefile, "job": job,
    ]

    /// A private folder per process for the files readers take.
    static let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-fuzz-\(getpid())")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    static func file(_ name: String, _ data: Data) -> String {
        let path = dir.appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: data)
        return path
    }

    public static func csv(_ data: Data) {
        // Through the field checks, as a loader reads it: every kind at once.
        let fields = [FieldSpec("a", .text), FieldSpec("b", .number(min: -180, max: 180)), FieldSpec("c", .time, required: false),
                      FieldSpec("d", .oneOf(["正常", "异常"]), required: false), FieldSpec("e", .masked(.plate), required: false),
                      FieldSpec("f", .digits(12), required: false), FieldSpec("g", .quantity(Quantity(unit: "%", noun: "percentage", example: "85", min: 0, max: 100)), required: false)]
        let path = file("in.csv", data)
        let times = TimeParser(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        _ = try? CSVTableLoader(fields, chunkSize: 64).load(path: path, shown: "in.csv", times: times, progress: nil) { _ in }
        // UTF-8 or GBK as judged from the bytes, folded in parts with an in-place path (the community loaders' way).
        _ = try? CSVTableLoader(fields, encoding: .detect, quotesValues: false)
            .loadParts(path: path, shown: "in.csv", times: times, progress: nil, makePart: { _ in 0 },
                       fast: { n, rec in n += rec.count; return rec.count % 2 == 0 }) { n, v, _ in n += v.count; return nil }
    }

    public static func xlsx(_ data: Data) {
        _ = try? XLSXReader(path: file("in.xlsx", data))
    }

    public static func geojson(_ data: Data) {
        if let features = try? GeoJSONReader.read(path: file("in.geojson", data), displayName: "in.geojson") {
            for f in features { _ = f.shape?.firstVertexOffTheGlobe }
        }
    }

    public static func jsonl(_ data: Data) {
        guard let r = try? JSONLinesReader(path: file("in.jsonl", data)) else { return }
        while let line = try? r.next() { _ = try? line.get() }
    }

    public static func readerLog(_ data: Data) {
        guard let r = try? ReaderLogReader(path: file("in.log", data)) else { return }
        while let line = try? r.next() { _ = try? line.get() }
    }

    /// The bytes are a .shp, a .shx and a .dbf: two little-endian UInt32
    /// lengths, then the three files one after another.
    public static func shapefile(_ data: Data) {
        let b = [UInt8](data)
        guard b.count >= 8 else { return }
        let n1 = Int(UInt32(b[0]) | UInt32(b[1]) << 8 | UInt32(b[2]) << 16 | UInt32(b[3]) << 24) % (b.count + 1)
        let n2 = Int(UInt32(b[4]) | UInt32(b[5]) << 8 | UInt32(b[6]) << 16 | UInt32(b[7]) << 24) % (b.count + 1)
        let body = Array(b.dropFirst(8))
        let a = min(n1, body.count), c = min(a + n2, body.count)
        _ = file("in.shx", Data(body[a..<c]))
        _ = file("in.dbf", Data(body[c...]))
        guard let r = try? ShapefileReader(path: file("in.shp", Data(body[..<a]))) else { return }
        for i in 0..<min(r.count, 10_000) { _ = try? r.feature(i) }
    }

    static let registry = try! Registry(modules: Domains.modules)

    public static func job(_ data: Data) {
        _ = try? JobParser.parse(file: URL(fileURLWithPath: file("job.yaml", data)), registry: registry)
    }
}

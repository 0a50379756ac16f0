import Foundation
import XCTest
@testable import ZonalCore
#if canImport(Glibc)
import Glibc
#endif

/// The plate key beside the store: made once, owner-only, never taken from
/// a file Zonal did not make or others can read.
final class SecretKeyFileTests: XCTestCase {
    var dir: URL!
    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("zonal-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    var store: URL { dir.appendingPathComponent("zonal.sqlite") }

    func testMadeOnceOwnerOnlyAndReusedAfter() throws {
        let f = SecretKeyFile(store: store, purpose: "plates")
        XCTAssertEqual(f.path, store.path + ".plates.key")
        let key = try f.key()
        XCTAssertEqual(key.count, 32)
        let attrs = try FileManager.default.attributesOfItem(atPath: f.path)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let text = try String(contentsOfFile: f.path, encoding: .utf8)
        XCTAssertEqual(text.count, 65)
        XCTAssertEqual(try f.key(), key)
    }

    func testReadableByOthersIsRefused() throws {
        let f = SecretKeyFile(store: store, purpose: "plates")
        _ = try f.key()
        chmod(f.path, 0o644)
        XCTAssertThrowsError(try f.key()) { XCTAssertTrue("\($0)".contains("may be read by others (mode 644); run chmod 600"), "\($0)") }
    }

    func testSymlinkAndForeignFileAreRefusedAndLeftAlone() throws {
        let f = SecretKeyFile(store: store, purpose: "plates")
        let target = dir.appendingPathComponent("target.txt")
        try "keep me".write(to: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: f.path, withDestinationPath: target.path)
        XCTAssertThrowsError(try f.key()) { XCTAssertTrue("\($0)".contains("is a symbolic link"), "\($0)") }
        XCTAssertEqual(try String(contentsOf: target, encoding: .utf8), "keep me")
        try FileManager.default.removeItem(atPath: f.path)
        FileManager.default.createFile(atPath: f.path, contents: Data("not a key\n".utf8), attributes: [.posixPermissions: 0o600])
        XCTAssertThrowsError(try f.key()) { XCTAssertTrue("\($0)".contains("is not a Zonal key"), "\($0)") }
        XCTAssertEqual(try String(contentsOfFile: f.path, encoding: .utf8), "not a key\n")
    }
}

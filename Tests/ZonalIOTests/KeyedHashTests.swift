import XCTest
@testable import ZonalIO

final class KeyedHashTests: XCTestCase {
    /// RFC 4231 test case 2 (HMAC-SHA256, key "Jefe").
    func testRFC4231Vector() {
        let h = KeyedHash(key: Array("Jefe".utf8))
        XCTAssertEqual(h.hex("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// Two plates that mask alike hash apart; another key gives another hash.
    func testPlatesThatMaskAlikeHashApart() {
        let a = KeyedHash(key: [UInt8](repeating: 1, count: 32)), b = KeyedHash(key: [UInt8](repeating: 2, count: 32))
        XCTAssertNotEqual(a.hex("津B10045"), a.hex("津B99945"))
        XCTAssertNotEqual(a.hex("津B10045"), b.hex("津B10045"))
        XCTAssertEqual(a.hex("津B10045").count, 64)
    }

    func testHexRoundTrip() {
        XCTAssertEqual(Hex.encode([0x00, 0x0f, 0xa5, 0xff]), "000fa5ff")
        XCTAssertEqual(Hex.decode("000FA5ff"), [0x00, 0x0f, 0xa5, 0xff])
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
        XCTAssertEqual(KeyedHash.randomBytes(32)?.count, 32)
    }
}

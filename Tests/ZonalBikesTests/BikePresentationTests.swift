import XCTest
@testable import ZonalBikes

/// Bar labels in report.html: the code, then the place it names.
final class BikePresentationTests: XCTestCase {
    func testBarLabelsPutTheNameBesideTheCode() {
        // The district is in the code already; the rest of the name is what says where.
        XCTAssertEqual(BikePresentation.codeAndName("RLQ110101001", "东城区王府井入栏管理区"), "RLQ110101001 王府井入栏管理区")
        XCTAssertEqual(BikePresentation.codeAndName("JTQ1101050002", "朝阳区三里屯街道三里屯太古里禁停区"), "JTQ1101050002 三里屯街道三里屯太古里禁停区")
        // A name without a district prefix is kept whole; no name, the code alone.
        XCTAssertEqual(BikePresentation.codeAndName("RLQ110101002", "王府井入栏管理区"), "RLQ110101002 王府井入栏管理区")
        XCTAssertEqual(BikePresentation.codeAndName("RLQ110101003", ""), "RLQ110101003")
        // A name that is only a district is not emptied.
        XCTAssertEqual(BikePresentation.codeAndName("RLQ110101004", "东城区"), "RLQ110101004 东城区")
    }
}

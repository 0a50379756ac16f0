// swift-tools-version:6.0
import PackageDescription

/// Zonal: a GIS and analytics batch engine for city and sector supervisors.
/// Layers, bottom to top: C libraries → ZonalGeo/ZonalStore/ZonalIO (the only
/// code that calls C) → ZonalCore (job, runner, tasks, reports) → one target
/// per domain → the `zonal` CLI.
let package = Package(
    name: "Zonal",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "zonal", targets: ["zonal"]),
        // For fuzz/ (libFuzzer targets built outside the main build).
        .library(name: "ZonalFuzzing", targets: ["ZonalFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
        .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
        .systemLibrary(name: "CShapelib", pkgConfig: "shapelib", providers: [.apt(["libshp-dev"])]),
        .systemLibrary(name: "CSpatiaLite", pkgConfig: "spatialite",
                       providers: [.apt(["libspatialite-dev", "libsqlite3-dev"])]),
        .systemLibrary(name: "CXLSXWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(name: "CGzip", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        .target(name: "ZonalGeo", dependencies: ["CGEOS", "CPROJ"]),
        .target(name: "ZonalStore", dependencies: ["CSpatiaLite", "CPQ", "ZonalGeo"]),
        .target(name: "ZonalIO", dependencies: [
            "CShapelib", "CXLSXWriter", "CGzip", "CCrypto", "ZonalGeo",
        ]),
        .target(name: "ZonalCore", dependencies: [
            "ZonalGeo", "ZonalStore", "ZonalIO",
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "ZonalFences", dependencies: ["ZonalCore", "ZonalGeo", "ZonalStore", "ZonalIO"]),
        .target(name: "ZonalBikes", dependencies: ["ZonalCore", "ZonalFences", "ZonalGeo", "ZonalStore", "ZonalIO"]),
        .target(name: "ZonalRaces", dependencies: ["ZonalCore", "ZonalGeo", "ZonalStore", "ZonalIO"]),
        .target(name: "ZonalMines", dependencies: ["ZonalCore", "ZonalGeo", "ZonalStore", "ZonalIO"]),
        .target(name: "ZonalVenues", dependencies: ["ZonalCore", "ZonalGeo", "ZonalStore", "ZonalIO"]),
        .target(name: "ZonalCommunity", dependencies: ["ZonalCore", "ZonalGeo", "ZonalStore", "ZonalIO"],
                resources: [.copy("CodeTables.tsv")]),
        // The one list of domains (Domains.modules): add a domain's target here and its module there.
        .target(name: "ZonalDomains", dependencies: ["ZonalCore", "ZonalFences", "ZonalBikes", "ZonalRaces", "ZonalMines", "ZonalVenues", "ZonalCommunity"]),
        .target(name: "ZonalFuzzing", dependencies: ["ZonalCore", "ZonalIO", "ZonalDomains"]),
        .executableTarget(name: "zonal", dependencies: [
            "ZonalCore", "ZonalDomains",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Reads written workbooks back (cell types, formats) for the tests; not shipped.
        .target(name: "XLSXTestSupport", dependencies: [.product(name: "ZIPFoundation", package: "ZIPFoundation")],
                path: "Tests/XLSXTestSupport"),

        .testTarget(name: "ZonalGeoTests", dependencies: ["ZonalGeo"]),
        .testTarget(name: "ZonalStoreTests", dependencies: ["ZonalStore", "ZonalGeo"]),
        .testTarget(name: "ZonalIOTests", dependencies: ["ZonalIO", "ZonalGeo", "XLSXTestSupport"]),
        .testTarget(name: "ZonalCoreTests", dependencies: ["ZonalCore", "ZonalIO", "ZonalGeo", "ZonalStore"]),
        .testTarget(name: "ZonalFencesTests", dependencies: ["ZonalFences", "ZonalCore"]),
        .testTarget(name: "ZonalBikesTests", dependencies: ["ZonalBikes", "ZonalFences", "ZonalCore", "ZonalGeo"]),
        .testTarget(name: "ZonalRacesTests", dependencies: ["ZonalRaces", "ZonalCore"]),
        .testTarget(name: "ZonalMinesTests", dependencies: ["ZonalMines", "ZonalCore"]),
        .testTarget(name: "ZonalVenuesTests", dependencies: ["ZonalVenues", "ZonalCore"]),
        .testTarget(name: "ZonalCommunityTests", dependencies: ["ZonalCommunity", "ZonalCore", "ZonalIO"]),
        .testTarget(name: "ZonalFuzzingTests", dependencies: ["ZonalFuzzing"], exclude: ["Fixtures"]),
        .testTarget(name: "EndToEndTests", dependencies: ["XLSXTestSupport"], exclude: ["Golden"]),
    ]
)

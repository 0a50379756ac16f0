// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for Zonal's readers, outside the main build (they need
/// `-sanitize=fuzzer`). Run them with `bash fuzz/run.sh`.
let targets = ["csv", "xlsx", "geojson", "jsonl", "readerlog", "shapefile", "job"]

let package = Package(
    name: "ZonalFuzz",
    dependencies: [.package(name: "Zonal", path: "..")],
    targets: targets.map { t in
        .executableTarget(name: "Fuzz\(t)", dependencies: [.product(name: "ZonalFuzzing", package: "Zonal")],
                          path: "Sources/\(t)")
    }
)

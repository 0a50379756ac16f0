import ZonalCore

/// The fence domain's registration point: its inputs and tasks.
public enum FencesModule {
    public static let module = DomainModule(
        name: "fences",
        inputs: [
            InputKind(key: "fences", summary: "folder with MANAGEMENT / PARKING / NOPARKING Shapefiles and optional Appendix A .xlsx/.csv tables", loader: FenceLoader()),
            InputKind(key: "districts", summary: "GB/T 2260 district polygons (GeoJSON or Shapefile) with adcode and name", loader: DistrictLoader()),
        ],
        tasks: [FenceAuditTask(), ParkingCapacityTask()])
}

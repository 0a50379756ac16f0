import ZonalCore

/// The fence domain's registration point: its inputs and tasks.
public enum FencesModule {
    public static let module = DomainModule(
        name: "fences",
        inputs: [
            InputKind(key: "fences", summary: "folder with MANAGEMENT / PARKING / NOPARKING Shapefiles and optional Appendix A .xlsx/.csv tables, or a mapping {management: a.shp, parking: b.shp, noparking: c.shp}",
                      loader: FenceLoader(), parts: .named(["management", "parking", "noparking"]), path: .folder),
        ],
        tasks: [FenceAuditTask(), ParkingCapacityTask()])
}

import ZonalCore

/// The venue domain's registration point (seed 000, public sports venues).
public enum VenuesModule {
    public static let module = DomainModule(
        name: "venues",
        inputs: [
            InputKind(key: "venues", summary: "venues CSV (venue_code,name,venue_type,level,admin_code,lon,lat); code = admin_code(6) + venue_type(2) + level(1) + sequence(3)",
                      loader: VenuesLoader()),
            InputKind(key: "venue_footfall", summary: "footfall CSV (venue_code,device_id,source,period_start,period_end,in_count,out_count[,uploaded_at]); source gate|face|binocular|ai_video|qr|lbs",
                      loader: FootfallLoader(), requires: ["venues"]),
        ],
        tasks: [VenueFootfallTask(), VenueAuditTask()])
}

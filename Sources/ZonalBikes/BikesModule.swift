import ZonalCore

/// The bike domain's registration point: lock events, Appendix B device
/// files, and the in-fence, occupancy and device tasks.
public enum BikesModule {
    public static let module = DomainModule(
        name: "bikes",
        inputs: [
            InputKind(key: "parking_events", summary: "bike lock events CSV (event_id,bike_id,company,lon,lat,time[,accuracy_m]), may be .csv.gz; joined to the fences as it loads",
                      loader: EventLoader(), requires: ["fences"]),
            InputKind(key: "bt_sniffers", summary: "Bluetooth sniffers B.1 (Cod,Lon,Lat,Zone)", loader: BikeInputs.sniffers),
            InputKind(key: "bt_sniffer_status", summary: "sniffer status B.2 (Cod_XT,Condition,Electricity,Time)",
                      loader: BikeInputs.snifferStatus),
            InputKind(key: "bt_studs", summary: "Bluetooth studs B.3 (Cod_DD,Cod_XT,Cod_TFQ)", loader: BikeInputs.studs),
            InputKind(key: "bt_stud_status", summary: "stud status B.4 (Cod,Condition,Electricity,Time)",
                      loader: BikeInputs.studStatus),
            InputKind(key: "monitored_bikes", summary: "bikes seen by sniffers B.5 (Char,MAC,Company,Cod_XT,Time)",
                      loader: BikeInputs.monitoredBikes),
            InputKind(key: "bike_counts", summary: "bike totals per sniffer B.6 (Cod_XT,Time,Bikenumber)",
                      loader: BikeInputs.bikeCounts),
        ],
        tasks: [InfenceRateTask(), ZoneOccupancyTask(), DeviceHealthTask()])
}

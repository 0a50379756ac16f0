import ZonalCore

/// The bike domain's registration point: lock events, Appendix B device
/// files, and the in-fence, occupancy and device tasks.
public enum BikesModule {
    public static let module = DomainModule(
        name: "bikes",
        inputs: [
            InputKind(key: "parking_events", summary: "bike lock events CSV (event_id,bike_id,company,lon,lat,time[,accuracy_m]), may be .csv.gz; joined to the fences as it loads",
                      loader: EventLoader(), requires: ["fences"]),
            InputKind(key: "bt_sniffers", summary: "Bluetooth sniffers B.1 (Cod,Lon,Lat,Zone)", loader: DeviceLoader(table: "bt_sniffers", specs: BikeInputs.sniffers)),
            InputKind(key: "bt_sniffer_status", summary: "sniffer status B.2 (Cod_XT,Condition,Electricity,Time)",
                      loader: DeviceLoader(table: "bt_sniffer_status", specs: BikeInputs.snifferStatus)),
            InputKind(key: "bt_studs", summary: "Bluetooth studs B.3 (Cod_DD,Cod_XT,Cod_TFQ)", loader: DeviceLoader(table: "bt_studs", specs: BikeInputs.studs)),
            InputKind(key: "bt_stud_status", summary: "stud status B.4 (Cod,Condition,Electricity,Time)",
                      loader: DeviceLoader(table: "bt_stud_status", specs: BikeInputs.studStatus)),
            InputKind(key: "monitored_bikes", summary: "bikes seen by sniffers B.5 (Char,MAC,Company,Cod_XT,Time)",
                      loader: DeviceLoader(table: "monitored_bikes", specs: BikeInputs.monitoredBikes)),
            InputKind(key: "bike_counts", summary: "bike totals per sniffer B.6 (Cod_XT,Time,Bikenumber)",
                      loader: DeviceLoader(table: "bike_counts", specs: BikeInputs.bikeCounts)),
        ],
        tasks: [InfenceRateTask(), ZoneOccupancyTask(), DeviceHealthTask()])
}

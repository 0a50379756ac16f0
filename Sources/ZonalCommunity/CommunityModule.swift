import ZonalCore

/// The community domain's registration point (seed 001, smart safe communities, Tianjin).
public enum CommunityModule {
    public static let module = DomainModule(
        name: "communities",
        inputs: [
            InputKind(key: "communities", summary: "communities CSV (ptzcm,xqmc,admin_code[,lon,lat]); UTF-8 or GBK",
                      loader: CommunitiesLoader()),
            InputKind(key: "community_boundaries", summary: "community polygons (GeoJSON or Shapefile) with ptzcm, for the map",
                      loader: CommunityBoundariesLoader(), requires: ["communities"]),
            InputKind(key: "addresses", summary: "B.7 standard addresses CSV (dzbm,xz,xqmc,ldphxlh,ldph,dyhxh,dyh,lch,fjhxh,fjh,djsj[,ptzcm])",
                      loader: CSVDatasetLoader(table: "addresses", fields: CommunityTables.addressFields, encoding: .detect)),
            InputKind(key: "community_devices", summary: "B.6.1 devices CSV (sbbm,sbmc,sblx,zxzt,syzt,sbjd,sbwd,ptzcm); sblx C.16, zxzt C.17, syzt C.3",
                      loader: DevicesLoader(), requires: ["communities"]),
            InputKind(key: "person_access", summary: "B.2.3 person access CSV (ryId,dabh,zhlx,kmfs,kmzt,crlx,sbbm,jrsj,lksj,sfbxq,ptzcm); xm, zjhm, lxfs dropped on read",
                      loader: PersonAccessLoader(), requires: ["communities"]),
            InputKind(key: "vehicle_access", summary: "B.5.3 vehicle access CSV (cphm,tclx,crlx,sbbm,jrsj,lksj,txqk,sfbxq,ptzcm); plates masked on read, owner fields dropped",
                      loader: VehicleAccessLoader(), requires: ["communities"]),
        ],
        tasks: [CommunityAccessTask()])
}

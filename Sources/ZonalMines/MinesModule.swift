import ZonalCore

/// The mine domain's registration point (seed 004, coal-mine electronic seals).
public enum MinesModule {
    public static let module = DomainModule(
        name: "mines",
        inputs: [
            InputKind(key: "mines", summary: "mines CSV (mine_id,name,region_code,department,status,lon,lat[,person_threshold,truck_threshold]); status 生产|建设|停产|停建|长期停产停建|关闭",
                      loader: MinesLoader()),
            InputKind(key: "mine_reports", summary: "seed 004 §5.3 request bodies as JSON Lines: AI reports, heartbeats ({mineId,cameraId,alarm,time}), live addresses",
                      loader: MineReportsLoader(), requires: ["mines"]),
            InputKind(key: "mine_videos", summary: "evidence videos: a folder of .MP4 files or a text list of names (mineId cameraId aiTypeCode [count] yyyyMMddHHmmss .MP4)",
                      loader: MineVideosLoader(), requires: ["mines"], path: .fileOrFolder),
            InputKind(key: "alarm_disposals", summary: "alarm disposals CSV (alarm_id,disposed_at,disposal_type,department,note); type 疑似违规生产|系统误报|非生产人员经过|其他",
                      loader: AlarmDisposalsLoader(), requires: ["mine_reports"]),
        ],
        tasks: [MineAlarmsTask()])
}

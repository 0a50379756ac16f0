import ZonalCore

/// The race domain's registration point: athletes, RFID reads, and results.
public enum RacesModule {
    public static let module = DomainModule(
        name: "races",
        inputs: [
            InputKind(key: "race_athletes", summary: "athletes CSV (bib,card,name,gender,event[,age_group]); card HHHHH:PPPPP, gender 1/2",
                      loader: AthletesLoader()),
            InputKind(key: "race_reads", summary: "RFID reads: reader logs named by reader ({finish: finish.log, start: start.log}, lines `2026-05-01 09:03:12.345 00102:00012`) or one CSV time,reader,card",
                      loader: ReadsLoader(), requires: ["race_athletes"], parts: .any),
        ],
        tasks: [RaceResultsTask()])
}

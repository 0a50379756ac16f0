import Foundation
import ZonalIO
import ZonalStore

/// `zonal validate`: parses the job and opens every input the way the run
/// would, but writes nothing: loads go into an in-memory store that is thrown away.
/// A server store is connected to and checked (PostGIS, whose schema it is).
public struct Validator {
    let registry: Registry
    public init(registry: Registry) { self.registry = registry }

    public func validate(jobPath: String) -> Int32 {
        let log = Log(format: .text, quiet: false)
        let job: Job
        do {
            job = try JobParser.parse(file: URL(fileURLWithPath: jobPath).standardizedFileURL, registry: registry)
        } catch {
            log.error("\(error)")
            return 2
        }
        if case .postgres = job.store {
            // Connects and checks PostGIS and the schema, as a run would, and writes nothing.
            do {
                try Store(location: job.store, applicationName: "zonal validate \(job.name)").close()
                log.info("store \(job.store): the server answers, PostGIS is there and the schema is Zonal's or free")
            } catch {
                log.error("\(error)")
                return 1
            }
        }
        do {
            let store = try Store(path: ":memory:")
            try store.beginRun()
            let progress = ProgressDisplay(enabled: false)
            var failed = false
            for key in Runner.loadOrder(job: job, registry: registry, needed: Set(job.inputOrder)) {
                guard let input = job.inputs[key], let kind = registry.input(named: key) else { continue }
                do {
                    let r = try kind.loader.load(input, LoadContext(store: store, job: job, progress: progress, log: log))
                    log.info("\(key): \(r.rows) rows loadable, \(r.rejects.count) rejects" + (r.warnings.isEmpty ? "" : ", \(r.warnings.count) warnings"))
                    for w in r.warnings { log.warning(w) }
                    log.rejects(of: r)
                    try Runner.checkRejectRate(r, job: job)
                } catch {
                    log.error("\(key): \(error)")
                    failed = true
                }
            }
            store.rollbackRun()
            if failed { return 1 }
            log.info("\(job.file.lastPathComponent) is valid: tasks \(job.tasks.joined(separator: ", ")); reports would go to \(job.outURL.path)")
            return 0
        } catch {
            log.error("\(error)")
            return 1
        }
    }
}

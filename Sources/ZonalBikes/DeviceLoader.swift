import Foundation
import ZonalCore
import ZonalIO
import ZonalStore

/// Loads one Appendix B CSV into its table, streaming, replacing the previous load.
struct DeviceLoader: DatasetLoader {
    let table: String
    let specs: [FieldSpec]

    func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let schema = BikeInputs.table(table, specs)
        let loader = CSVTableLoader(specs)
        var outcome = CSVTableLoader.Outcome()
        let (_, replaced) = try ctx.store.replaceRows(schema) { ins in
            outcome = try loader.load(path: input.url.path, shown: input.written, times: TimeParser(timeZone: ctx.job.timezone),
                                      progress: ctx.progress) { chunk in
                for row in chunk { try ins.insert(row) }
            }
        }
        return LoadResult(rows: outcome.loaded, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows,
                                             rejects: outcome.rejects.count, encoding: "UTF-8")],
                          rejects: outcome.rejects)
    }
}

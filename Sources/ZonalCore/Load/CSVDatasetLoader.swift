import Foundation
import ZonalIO
import ZonalStore

/// Loads one CSV input (plain or `.csv.gz`) into its own store table,
/// streaming, every field checked by its `FieldSpec`; bad rows become
/// rejects. The table's previous rows are replaced inside the run's
/// transaction. Most inputs of every domain need nothing more than this and
/// their field list.
public struct CSVDatasetLoader: DatasetLoader {
    public let table: String
    public let fields: [FieldSpec]
    public let encoding: CSVTableLoader.Encoding
    public let quotesValues: Bool

    public init(table: String, fields: [FieldSpec], encoding: CSVTableLoader.Encoding = .utf8, quotesValues: Bool = true) {
        self.table = table; self.fields = fields; self.encoding = encoding; self.quotesValues = quotesValues
    }

    /// The store table: `line` (the CSV line), then each field's columns.
    public var schema: TableSchema { TableSchema(name: table, columns: CSVTableLoader(fields).columns) }

    public func load(_ input: JobInput, _ ctx: LoadContext) throws -> LoadResult {
        let loader = CSVTableLoader(fields, encoding: encoding, quotesValues: quotesValues)
        var outcome = CSVTableLoader.Outcome()
        let (_, replaced) = try ctx.store.replaceRows(schema) { ins in
            outcome = try loader.load(path: input.url.path, shown: input.written, times: ctx.times,
                                      progress: ctx.progress) { chunk in
                try ins.insert(rows: chunk)
            }
        }
        return LoadResult(rows: outcome.loaded, replacedRows: replaced,
                          files: [LoadedFile(written: input.written, url: input.url, dataRows: outcome.dataRows,
                                             rejects: outcome.rejects.count, encoding: outcome.encoding)],
                          rejects: outcome.rejects)
    }
}

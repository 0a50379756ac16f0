import Foundation

/// `zonal tasks`: generated from the registry, so it cannot drift from the code.
public enum TaskCatalog {
    public static func text(_ registry: Registry) -> String {
        var s = ""
        for t in registry.tasks {
            s += "\(t.name)\n  \(t.summary)\n"
            s += "  inputs: \(t.inputs.joined(separator: ", "))" + (t.optionalInputs.isEmpty ? "" : " (optional: \(t.optionalInputs.joined(separator: ", ")))") + "\n"
            if !t.params.isEmpty { s += "  params: " + t.params.map(\.name).joined(separator: ", ") + "\n" }
            for r in t.reports { s += "  report \(r.name): \(r.columns.map(\.name).joined(separator: ", "))\(r.geometry != nil ? " (+ geometry)" : "")\n" }
            s += "\n"
        }
        s += "inputs\n"
        for i in registry.inputKinds { s += "  \(i.key): \(i.summary)\n" }
        s += "\nparams for every job\n"
        for p in Registry.generalParams { s += "  \(p.name): \(p.summary)\n" }
        s += "\nevery job also writes the report rejects: file, line, field, reason\n"
        return s
    }
}

/// One finding of the standard-address audit (B.7 标准地址核查).
struct AddressFinding: Equatable, Sendable {
    var address: StandardAddress
    var rule: AddressRule
    var message: String
    /// The address's community: its own ptzcm, else the community whose xqmc is its xqmc.
    var ptzcm: String
}

/// The audit's rules, in the order findings of one line are listed.
enum AddressRule: String, CaseIterable, Sendable {
    /// A required B.7 part is empty, or one of a number/name pair is given without the other.
    case missingPart = "missing_part"
    /// The dzbm (地址编码) is already on an earlier line.
    case duplicateCode = "duplicate_code"
    /// The same 小区, 楼栋, 单元, 楼层 and 房间 as an earlier line under another dzbm.
    case duplicateAddress = "duplicate_address"
    /// The address names a community that `communities` does not have.
    case unknownCommunity = "unknown_community"
}

/// Standard addresses checked against B.7 and the community list.
struct AddressAudit {
    /// B.7's parts in the seed's order, their names, and whether B.7 requires them (必须 是).
    static let parts: [(field: String, zh: String, required: Bool, value: @Sendable (StandardAddress) -> String)] = [
        ("dzbm", "地址编码", true, \.dzbm), ("xz", "地址详址", true, \.xz), ("xqmc", "小区名称", true, \.xqmc),
        ("ldphxlh", "楼栋牌号序列号", true, \.ldphxlh), ("ldph", "楼栋牌号", true, \.ldph), ("dyhxh", "单元号序号", false, \.dyhxh),
        ("dyh", "单元号", false, \.dyh), ("lch", "楼层号", false, \.lch), ("fjhxh", "房间号序号", false, \.fjhxh),
        ("fjh", "房间号", false, \.fjh), ("djsj", "登记时间", true, \.djsj),
    ]
    /// Optional parts that come in pairs: a number and its name (单元号序号/单元号, 房间号序号/房间号).
    static let pairs = [("dyhxh", "dyh"), ("fjhxh", "fjh")]

    let communities: [Community]

    func findings(_ addresses: [StandardAddress]) -> [AddressFinding] {
        let known = Set(communities.map(\.ptzcm))
        var byName: [String: String] = [:]
        for c in communities where byName[c.xqmc] == nil { byName[c.xqmc] = c.ptzcm }
        var codeLine: [String: Int] = [:]
        var placeLines: [[String]: [(line: Int, dzbm: String)]] = [:]
        var out: [AddressFinding] = []
        for a in addresses {
            let community = a.ptzcm ?? byName[a.xqmc] ?? ""
            func add(_ rule: AddressRule, _ message: String) { out.append(AddressFinding(address: a, rule: rule, message: message, ptzcm: community)) }
            var missing = Set(Self.parts.filter { $0.required && $0.value(a).isEmpty }.map(\.field))
            let value = Dictionary(uniqueKeysWithValues: Self.parts.map { ($0.field, $0.value(a)) })
            for (number, name) in Self.pairs where value[number]!.isEmpty != value[name]!.isEmpty {
                missing.insert(value[number]!.isEmpty ? number : name)
            }
            let listed = Self.parts.filter { missing.contains($0.field) }.map { "\($0.field) (\($0.zh))" }
            if !listed.isEmpty { add(.missingPart, "missing " + listed.joined(separator: ", ")) }
            if !a.dzbm.isEmpty {
                if let first = codeLine[a.dzbm] { add(.duplicateCode, "dzbm \(a.dzbm) is also on line \(first)") }
                else { codeLine[a.dzbm] = a.line }
            }
            if !a.ldph.isEmpty {
                let place = [a.xqmc, a.ldph, a.dyh, a.lch, a.fjh]
                if let first = placeLines[place]?.first(where: { $0.dzbm != a.dzbm }) {
                    add(.duplicateAddress, "the same place as line \(first.line) (dzbm \(first.dzbm.isEmpty ? "empty" : first.dzbm)): " + place.filter { !$0.isEmpty }.joined(separator: " "))
                }
                placeLines[place, default: []].append((a.line, a.dzbm))
            }
            if let p = a.ptzcm {
                if !known.contains(p) { add(.unknownCommunity, "ptzcm \(p) is not in communities") }
            } else if !a.xqmc.isEmpty && byName[a.xqmc] == nil {
                add(.unknownCommunity, "xqmc \(a.xqmc) is no community's xqmc in communities")
            }
        }
        return out
    }
}

/// A small pull scanner for the XML inside .xlsx files (sheet and shared
/// strings). FoundationXML's SAX parser made a 20,000-row attribute table take
/// 0.7 s on Linux; the parts of XML that spreadsheet writers use are few:
/// elements, attributes, text, the five entities and numeric references,
/// CDATA, comments and processing instructions.
struct XMLScanner {
    enum Event {
        case start(name: String, attributes: Attributes, selfClosing: Bool)
        case end(name: String)
        case text(String)
    }

    /// An element's attributes as byte ranges of the document, decoded only
    /// when asked for: a sheet's 200,000 cells then cost no dictionary each.
    /// Valid only inside the event handler.
    struct Attributes {
        fileprivate let buf: UnsafeBufferPointer<UInt8>
        fileprivate let spans: [(name: Range<Int>, value: Range<Int>)]

        /// The value of the attribute with this local name (namespace prefix
        /// dropped), entities decoded; the last one when repeated.
        subscript(_ name: String) -> String? {
            let want = name.utf8
            for s in spans.reversed() where s.name.count == want.count && buf[s.name].elementsEqual(want) {
                return XMLScanner.decodeEntities(buf, s.value.lowerBound, s.value.upperBound)
            }
            return nil
        }
    }

    struct Malformed: Error { let offset: Int }

    /// Calls `handle` for each event; element names lose their namespace prefix.
    static func scan(_ bytes: [UInt8], _ handle: (Event) throws -> Void) throws {
        try bytes.withUnsafeBufferPointer { buf in
            let n = buf.count
            var i = 0
            var textStart = 0
            // Reused for every element; the handler's Attributes share it.
            var spans: [(name: Range<Int>, value: Range<Int>)] = []
            func flushText(_ end: Int) throws {
                if end > textStart { try handle(.text(decodeEntities(buf, textStart, end))) }
            }
            while i < n {
                guard buf[i] == UInt8(ascii: "<") else { i += 1; continue }
                try flushText(i)
                guard i + 1 < n else { throw Malformed(offset: i) }
                let next = buf[i + 1]
                if next == UInt8(ascii: "?") {                     // <?xml …?>
                    i = try find(buf, i + 2, "?>") + 2
                } else if next == UInt8(ascii: "!") {
                    if matches(buf, i, "<![CDATA[") {
                        let end = try find(buf, i + 9, "]]>")
                        try handle(.text(String(decoding: UnsafeBufferPointer(rebasing: buf[(i + 9)..<end]), as: UTF8.self)))
                        i = end + 3
                    } else if matches(buf, i, "<!--") {
                        i = try find(buf, i + 4, "-->") + 3
                    } else {                                        // <!DOCTYPE …>
                        i = try find(buf, i + 2, ">") + 1
                    }
                } else if next == UInt8(ascii: "/") {
                    let close = try find(buf, i + 2, ">")
                    try handle(.end(name: localName(buf, i + 2, trimEnd(buf, i + 2, close))))
                    i = close + 1
                } else {
                    // Start tag: name, then attributes name="value" or name='value'.
                    var j = i + 1
                    while j < n, !isSpace(buf[j]), buf[j] != UInt8(ascii: ">"), buf[j] != UInt8(ascii: "/") { j += 1 }
                    let name = localName(buf, i + 1, j)
                    spans.removeAll(keepingCapacity: true)
                    var selfClosing = false
                    while true {
                        while j < n, isSpace(buf[j]) { j += 1 }
                        guard j < n else { throw Malformed(offset: i) }
                        if buf[j] == UInt8(ascii: ">") { j += 1; break }
                        if buf[j] == UInt8(ascii: "/") {
                            guard j + 1 < n, buf[j + 1] == UInt8(ascii: ">") else { throw Malformed(offset: j) }
                            selfClosing = true; j += 2; break
                        }
                        let a0 = j
                        while j < n, buf[j] != UInt8(ascii: "="), !isSpace(buf[j]) { j += 1 }
                        var n0 = a0
                        for k in a0..<j where buf[k] == UInt8(ascii: ":") { n0 = k + 1 }
                        let attrName = n0..<j
                        while j < n, buf[j] != UInt8(ascii: "\""), buf[j] != UInt8(ascii: "'") { j += 1 }
                        guard j < n else { throw Malformed(offset: a0) }
                        let quote = buf[j]
                        let v0 = j + 1
                        j = v0
                        while j < n, buf[j] != quote { j += 1 }
                        guard j < n else { throw Malformed(offset: a0) }
                        spans.append((attrName, v0..<j))
                        j += 1
                    }
                    try handle(.start(name: name, attributes: Attributes(buf: buf, spans: spans), selfClosing: selfClosing))
                    if selfClosing { try handle(.end(name: name)) }
                    i = j
                }
                textStart = i
            }
            try flushText(n)
        }
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func matches(_ buf: UnsafeBufferPointer<UInt8>, _ at: Int, _ s: StaticString) -> Bool {
        let len = s.utf8CodeUnitCount
        guard at + len <= buf.count else { return false }
        let p = s.utf8Start
        for k in 0..<len where buf[at + k] != p[k] { return false }
        return true
    }

    static func find(_ buf: UnsafeBufferPointer<UInt8>, _ from: Int, _ s: StaticString) throws -> Int {
        var k = from
        let first = s.utf8Start[0]
        while k < buf.count {
            if buf[k] == first, matches(buf, k, s) { return k }
            k += 1
        }
        throw Malformed(offset: from)
    }

    static func trimEnd(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start, isSpace(buf[e - 1]) { e -= 1 }
        return e
    }

    /// The name without its namespace prefix (`x:row` → `row`).
    static func localName(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var s = start
        for k in start..<end where buf[k] == UInt8(ascii: ":") { s = k + 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: buf[s..<end]), as: UTF8.self)
    }

    static func decodeEntities(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
        var hasAmp = false
        for k in start..<end where buf[k] == UInt8(ascii: "&") { hasAmp = true; break }
        if !hasAmp { return String(decoding: UnsafeBufferPointer(rebasing: buf[start..<end]), as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(end - start)
        var k = start
        while k < end {
            let b = buf[k]
            guard b == UInt8(ascii: "&"), let semi = (k + 1..<min(end, k + 12)).first(where: { buf[$0] == UInt8(ascii: ";") }) else {
                out.append(b); k += 1; continue
            }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: buf[(k + 1)..<semi]), as: UTF8.self)
            var scalar: Unicode.Scalar?
            switch entity {
            case "amp": scalar = "&"
            case "lt": scalar = "<"
            case "gt": scalar = ">"
            case "quot": scalar = "\""
            case "apos": scalar = "'"
            default:
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
            }
            if let scalar {
                out.append(contentsOf: Array(String(scalar).utf8))
                k = semi + 1
            } else {
                out.append(b); k += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

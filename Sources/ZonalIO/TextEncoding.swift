import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Text encodings found in Chinese GIS data. DBF files from Chinese vendors are
/// usually GBK (code page 936); newer tools write UTF-8.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "UTF-8"
    case gbk = "GBK"
    case gb18030 = "GB18030"

    /// Reads a .cpg (or an encoding name given by the user); nil when unknown.
    public init?(codePageName raw: String) {
        let s = raw.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            .replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "_", with: "-")
        switch s {
        case "UTF-8", "UTF8", "65001", "UTF-8-BOM": self = .utf8
        case "GBK", "CP936", "936", "MS936", "WINDOWS-936", "GB2312", "CP-936", "ANSI936", "EUC-CN": self = .gbk
        case "GB18030", "54936", "GB-18030": self = .gb18030
        default: return nil
        }
    }

    /// Decodes bytes; nil when they are not valid in this encoding.
    public func decode<C: Collection>(_ bytes: C) -> String? where C.Element == UInt8 {
        switch self {
        case .utf8:
            var it = bytes.makeIterator()
            var out = ""
            var decoder = UTF8()
            loop: while true {
                switch decoder.decode(&it) {
                case .scalarValue(let v): out.unicodeScalars.append(v)
                case .emptyInput: break loop
                case .error: return nil
                }
            }
            return out
        case .gbk, .gb18030:
            if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
            return Iconv.convert(Array(bytes), from: rawValue)
        }
    }
}

/// glibc iconv, used for GBK/GB18030 → UTF-8.
enum Iconv {
    static func convert(_ input: [UInt8], from encoding: String) -> String? {
        IconvDecoder(from: encoding)?.decode(input)
    }
}

/// One iconv converter, owned here and closed in `deinit`. Opening a converter
/// costs far more than converting a short field, so readers keep one.
final class IconvDecoder {
    private let cd: iconv_t

    init?(from encoding: String) {
        guard let cd = iconv_open("UTF-8", encoding), cd != iconv_t(bitPattern: -1) else { return nil }
        self.cd = cd
    }

    deinit { iconv_close(cd) }

    func decode(_ input: [UInt8]) -> String? {
        iconv(cd, nil, nil, nil, nil)   // reset shift state between fields
        var inBuf = input.map { CChar(bitPattern: $0) }
        var outBuf = [CChar](repeating: 0, count: input.count * 4 + 4)
        let written: Int? = inBuf.withUnsafeMutableBufferPointer { inPtr in
            outBuf.withUnsafeMutableBufferPointer { outPtr in
                var inP: UnsafeMutablePointer<CChar>? = inPtr.baseAddress
                var inLeft = inPtr.count
                var outP: UnsafeMutablePointer<CChar>? = outPtr.baseAddress
                var outLeft = outPtr.count
                let r = iconv(cd, &inP, &inLeft, &outP, &outLeft)
                if r == -1 || inLeft != 0 { return nil }
                return outPtr.count - outLeft
            }
        }
        guard let written else { return nil }
        return String(decoding: outBuf[0..<written].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Decodes many fields in one encoding, reusing one converter.
public final class FieldDecoder {
    public let encoding: TextEncoding
    private let iconv: IconvDecoder?

    public init(_ encoding: TextEncoding) {
        self.encoding = encoding
        iconv = encoding == .utf8 ? nil : IconvDecoder(from: encoding.rawValue)
    }

    public func decode(_ bytes: [UInt8]) -> String? {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        if let iconv { return iconv.decode(bytes) }
        return encoding.decode(bytes)
    }
}

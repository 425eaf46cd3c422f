import VarianceStorage

/// Times as the wire shows them.
public enum Timestamps {
    /// RFC 3339 UTC with milliseconds, from Unix milliseconds.
    public static func rfc3339(_ unixMillis: Int64) -> String {
        RFC3339.format(unixMillis: unixMillis)
    }
}

import CGSL

/// The one place the numeric layer talks to GSL's global state.
///
/// GSL's default error handler calls `abort()`. ``ensureInitialized()`` switches it off exactly
/// once (a lazily initialized static, which Swift runs once even across threads) so every GSL call
/// returns a status code instead, and ``check(_:operation:)`` turns that code into a Swift error.
public enum GSLRuntime {
    private static let initialized: Bool = {
        _ = gsl_set_error_handler_off()
        return true
    }()

    /// Switches GSL's aborting error handler off. Cheap after the first call; call before any GSL use.
    public static func ensureInitialized() {
        _ = initialized
    }

    /// GSL's text for a status code (`gsl_strerror`).
    public static func reason(for status: Int32) -> String {
        guard let text = gsl_strerror(status) else { return "unknown GSL error" }
        return String(cString: text)
    }

    /// Throws ``NumericError/gsl(operation:code:reason:)`` unless `status` is `GSL_SUCCESS`.
    public static func check(_ status: Int32, operation: String) throws {
        guard status != Int32(GSL_SUCCESS) else { return }
        throw NumericError.gsl(operation: operation, code: status, reason: reason(for: status))
    }
}

// A ThreadSanitizer build only (-DVARIANCE_TSAN_MUTEX): this module's `Mutex` is a pthread
// mutex TSan sees (TSanSupport), shadowing the standard library's futex-based one.
#if VARIANCE_TSAN_MUTEX
import TSanSupport

typealias Mutex = TSanMutex
#endif

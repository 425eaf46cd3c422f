// A ThreadSanitizer build only (`make sanitize-thread` passes -DVARIANCE_TSAN_MUTEX): a mutex
// on pthreads, which TSan intercepts. Each module that TSan runs declares
// `typealias Mutex = TSanMutex` in that build (its `TSanMutex.swift`), so that its
// `Mutex(...)` and `.withLock { }` take this one instead of the standard library's.
//
// `Synchronization.Mutex` on Linux is a futex in the uninstrumented standard library: TSan
// never sees the lock, so it reports the state the lock guards as raced whenever two threads
// take it (seen in ULIDGenerator, InFlightRequests and OutputWriter). This type has the same
// semantics, so the reports that remain are about accesses no lock orders. Other builds
// compile nothing from this module.
#if VARIANCE_TSAN_MUTEX
#if canImport(Glibc)
import Glibc
#endif

// The value lives in an allocation of its own, not in a stored property: for a `Value` of
// size zero (`Mutex(())`) Swift would hand `body` the object's own address as the inout, and
// TSan would pair that "write" with the read of the object's header (its metadata) made by
// the next thread before it takes the lock.
public final class TSanMutex<Value>: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let value = UnsafeMutablePointer<Value>.allocate(capacity: 1)

    public init(_ initialValue: sending Value) {
        value.initialize(to: initialValue)
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    public func withLock<Result, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body(&value.pointee)
    }
}
#endif

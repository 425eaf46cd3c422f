// A ThreadSanitizer build only (`make sanitize-thread` passes -DVARIANCE_TSAN_MUTEX): this
// module's `Mutex` becomes a pthread mutex, which TSan intercepts.
//
// `Synchronization.Mutex` on Linux is a futex in the uninstrumented standard library: TSan
// never sees the lock, so it reports the state the lock guards as raced whenever two threads
// take it (seen in ULIDGenerator, InFlightRequests and OutputWriter). A type of the module
// shadows the imported one, so every `Mutex(...)` and `.withLock { }` here takes this one
// instead, with the same semantics, and the reports that remain are about accesses no lock
// orders. Other builds never compile this file's body.
#if VARIANCE_TSAN_MUTEX
#if canImport(Glibc)
import Glibc
#endif

//
// The value lives in an allocation of its own, not in a stored property: for a `Value` of
// size zero (`Mutex(())`) Swift would hand `body` the object's own address as the inout, and
// TSan would pair that "write" with the read of the object's header (its metadata) made by
// the next thread before it takes the lock.
final class Mutex<Value>: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let value = UnsafeMutablePointer<Value>.allocate(capacity: 1)

    init(_ initialValue: sending Value) {
        value.initialize(to: initialValue)
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body(&value.pointee)
    }
}
#endif

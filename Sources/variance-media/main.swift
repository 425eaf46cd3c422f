#if canImport(Glibc)
import Glibc
#endif
import VarianceCallHost

// variance-media: one call's media (ICE, DTLS-SRTP, RTP with Opus and VP8), spawned by
// variance-engine for each call and spoken to over its stdin and stdout (docs/CALLS.md,
// "The media process"). Not meant to be started by hand.
exit(await MediaProcessMain.run())

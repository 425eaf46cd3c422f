#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/bio.h>
#include <openssl/srtp.h>
#include <openssl/rand.h>

/* OpenSSL macros and variadic helpers, wrapped so Swift can call them. */

static inline EVP_PKEY *cossl_generate_p256(void) { return EVP_EC_gen("P-256"); }

static inline long cossl_dtls_get_timeout(SSL *ssl, long *microseconds) {
    struct timeval tv = {0, 0};
    long pending = DTLSv1_get_timeout(ssl, &tv);
    *microseconds = (long)tv.tv_sec * 1000000L + (long)tv.tv_usec;
    return pending;
}
static inline long cossl_dtls_handle_timeout(SSL *ssl) { return DTLSv1_handle_timeout(ssl); }
static inline long cossl_dtls_set_link_mtu(SSL *ssl, long mtu) { return DTLS_set_link_mtu(ssl, mtu); }
static inline long cossl_set_mem_eof_retry(BIO *bio) { return BIO_set_mem_eof_return(bio, -1); }
static inline long cossl_set1_groups_list(SSL_CTX *ctx, const char *list) { return SSL_CTX_set1_groups_list(ctx, list); }
static inline long cossl_set_min_dtls12(SSL_CTX *ctx) { return SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION); }
static inline void cossl_set_no_query_mtu(SSL *ssl) { SSL_set_options(ssl, SSL_OP_NO_QUERY_MTU); }
static inline void cossl_bio_set_init(BIO *bio) { BIO_set_init(bio, 1); }
static inline unsigned long cossl_srtp_profile_id(const SRTP_PROTECTION_PROFILE *p) { return p->id; }

enum {
    COSSL_CTRL_FLUSH = BIO_CTRL_FLUSH,
    COSSL_CTRL_WPENDING = BIO_CTRL_WPENDING,
    COSSL_CTRL_PENDING = BIO_CTRL_PENDING,
    COSSL_TYPE_SINK = BIO_TYPE_SOURCE_SINK,
};

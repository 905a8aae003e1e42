// SPDX-License-Identifier: MIT
// OpenSSL bound on first use. nanoclaw links no OpenSSL library: this file defines every OpenSSL
// function our code and Asio's SSL layer call, and each one loads libssl/libcrypto with dlopen
// the first time any of them runs. The daemon only needs TLS once the credential proxy forwards
// its first request to an https upstream; linking OpenSSL made every start map it and relocate
// its ~330 KB of pointer tables (about 85 copy-on-write page faults, and that much resident memory
// for the life of the daemon).
//
// Each definition must match OpenSSL's own declaration (the headers are included, so a wrong
// signature does not compile), and a function missing here fails the link: the list cannot
// silently fall out of date. Programs that also link OpenSSL directly (the TLS test servers)
// resolve these names to the definitions below, which forward to the same library.
#include "nanoclaw/net/openssl_lazy.hpp"

#include <dlfcn.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/opensslv.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace nanoclaw::net {
namespace {

#define NC_STRINGIFY2(x) #x
#define NC_STRINGIFY(x) NC_STRINGIFY2(x)
// The sonames of the OpenSSL the headers belong to ("libssl.so.3").
constexpr const char* k_libssl = "libssl.so." NC_STRINGIFY(OPENSSL_SHLIB_VERSION);
constexpr const char* k_libcrypto = "libcrypto.so." NC_STRINGIFY(OPENSSL_SHLIB_VERSION);

struct Libraries {
    void* crypto = nullptr;
    void* ssl = nullptr;
    std::string error; ///< empty when both loaded
};

const Libraries& libraries() {
    static const Libraries libs = [] {
        Libraries l;
        // RTLD_LOCAL: their symbols stay out of the global scope, so nothing else binds to
        // them by accident; we look each one up in these handles.
        l.crypto = ::dlopen(k_libcrypto, RTLD_NOW | RTLD_LOCAL);
        if (l.crypto != nullptr) l.ssl = ::dlopen(k_libssl, RTLD_NOW | RTLD_LOCAL);
        if (l.ssl == nullptr) {
            const char* why = ::dlerror();
            l.error = std::string("cannot load OpenSSL (") + k_libssl +
                      "): " + (why != nullptr ? why : "unknown error");
        }
        return l;
    }();
    return libs;
}

// Callers check openssl_load_error() before the first TLS operation, so reaching the abort
// means a bug (an OpenSSL call on a path that skipped the check), never bad input.
void* resolve(const char* name) {
    const auto& l = libraries();
    void* fn = l.ssl != nullptr ? ::dlsym(l.ssl, name) : nullptr;
    if (fn == nullptr && l.crypto != nullptr) fn = ::dlsym(l.crypto, name);
    if (fn == nullptr) {
        std::fprintf(stderr, "nanoclaw: OpenSSL function %s unavailable: %s\n", name,
                     l.error.empty() ? "not exported" : l.error.c_str());
        std::abort();
    }
    return fn;
}

template <class Fn> Fn* bind(const char* name) {
    return reinterpret_cast<Fn*>(resolve(name));
}

} // namespace

std::optional<std::string> openssl_load_error() {
    const auto& l = libraries();
    if (l.error.empty()) return std::nullopt;
    return l.error;
}

} // namespace nanoclaw::net

// One forwarding definition per function: the real address is looked up once, on first call.
#define NC_FORWARD(ret, name, params, args)                                                        \
    extern "C" ret name params {                                                                   \
        static auto* const real = nanoclaw::net::bind<decltype(::name)>(#name);                    \
        return real args;                                                                          \
    }

NC_FORWARD(long, BIO_ctrl, (BIO * bp, int cmd, long larg, void* parg), (bp, cmd, larg, parg))
NC_FORWARD(size_t, BIO_ctrl_pending, (BIO * b), (b))
NC_FORWARD(int, BIO_free, (BIO * a), (a))
NC_FORWARD(int, BIO_new_bio_pair, (BIO * *bio1, size_t writebuf1, BIO** bio2, size_t writebuf2),
           (bio1, writebuf1, bio2, writebuf2))
NC_FORWARD(int, BIO_read, (BIO * b, void* data, int dlen), (b, data, dlen))
NC_FORWARD(int, BIO_write, (BIO * b, const void* data, int dlen), (b, data, dlen))
NC_FORWARD(void, ERR_clear_error, (void), ())
NC_FORWARD(unsigned long, ERR_get_error, (void), ())
NC_FORWARD(const char*, ERR_reason_error_string, (unsigned long e), (e))
NC_FORWARD(long, SSL_CTX_ctrl, (SSL_CTX * ctx, int cmd, long larg, void* parg),
           (ctx, cmd, larg, parg))
NC_FORWARD(void, SSL_CTX_free, (SSL_CTX * ctx), (ctx))
NC_FORWARD(void*, SSL_CTX_get_default_passwd_cb_userdata, (SSL_CTX * ctx), (ctx))
NC_FORWARD(void*, SSL_CTX_get_ex_data, (const SSL_CTX* ssl, int idx), (ssl, idx))
NC_FORWARD(SSL_verify_cb, SSL_CTX_get_verify_callback, (const SSL_CTX* ctx), (ctx))
NC_FORWARD(int, SSL_CTX_load_verify_locations,
           (SSL_CTX * ctx, const char* CAfile, const char* CApath), (ctx, CAfile, CApath))
NC_FORWARD(SSL_CTX*, SSL_CTX_new, (const SSL_METHOD* meth), (meth))
NC_FORWARD(void, SSL_CTX_set_default_passwd_cb_userdata, (SSL_CTX * ctx, void* u), (ctx, u))
NC_FORWARD(int, SSL_CTX_set_default_verify_paths, (SSL_CTX * ctx), (ctx))
NC_FORWARD(int, SSL_CTX_set_ex_data, (SSL_CTX * ssl, int idx, void* data), (ssl, idx, data))
NC_FORWARD(uint64_t, SSL_CTX_set_options, (SSL_CTX * ctx, uint64_t op), (ctx, op))
NC_FORWARD(void, SSL_CTX_set_verify, (SSL_CTX * ctx, int mode, SSL_verify_cb callback),
           (ctx, mode, callback))
NC_FORWARD(int, SSL_accept, (SSL * ssl), (ssl))
NC_FORWARD(int, SSL_connect, (SSL * ssl), (ssl))
NC_FORWARD(long, SSL_ctrl, (SSL * ssl, int cmd, long larg, void* parg), (ssl, cmd, larg, parg))
NC_FORWARD(void, SSL_free, (SSL * ssl), (ssl))
NC_FORWARD(X509_VERIFY_PARAM*, SSL_get0_param, (SSL * ssl), (ssl))
NC_FORWARD(int, SSL_get_error, (const SSL* s, int ret_code), (s, ret_code))
NC_FORWARD(void*, SSL_get_ex_data, (const SSL* ssl, int idx), (ssl, idx))
NC_FORWARD(int, SSL_get_shutdown, (const SSL* ssl), (ssl))
NC_FORWARD(SSL_verify_cb, SSL_get_verify_callback, (const SSL* s), (s))
NC_FORWARD(SSL*, SSL_new, (SSL_CTX * ctx), (ctx))
NC_FORWARD(int, SSL_read, (SSL * ssl, void* buf, int num), (ssl, buf, num))
NC_FORWARD(int, SSL_set1_host, (SSL * s, const char* hostname), (s, hostname))
NC_FORWARD(void, SSL_set_bio, (SSL * s, BIO* rbio, BIO* wbio), (s, rbio, wbio))
NC_FORWARD(int, SSL_set_ex_data, (SSL * ssl, int idx, void* data), (ssl, idx, data))
NC_FORWARD(void, SSL_set_verify, (SSL * s, int mode, SSL_verify_cb callback), (s, mode, callback))
NC_FORWARD(int, SSL_write, (SSL * ssl, const void* buf, int num), (ssl, buf, num))
NC_FORWARD(const SSL_METHOD*, TLS_client_method, (void), ())
NC_FORWARD(const SSL_METHOD*, TLS_method, (void), ())
NC_FORWARD(const SSL_METHOD*, TLS_server_method, (void), ())
NC_FORWARD(int, X509_VERIFY_PARAM_set1_ip_asc, (X509_VERIFY_PARAM * param, const char* ipasc),
           (param, ipasc))

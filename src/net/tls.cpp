// SPDX-License-Identifier: MIT
#include "nanoclaw/net/tls.hpp"

#include <utility>

#include <boost/asio/ssl/context.hpp>

#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/net/openssl_lazy.hpp"

namespace nanoclaw::net {

std::shared_ptr<boost::asio::ssl::context>
make_client_tls_context(const std::optional<std::filesystem::path>& extra_ca_file) {
    namespace ssl = boost::asio::ssl;
    if (auto error = openssl_load_error()) throw core::FatalError(*error);
    auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
    ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    ctx->set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    ctx->set_default_verify_paths(ec);
    // A missing system store is survivable when an extra CA is configured (sandboxes, tests).
    if (ec && !extra_ca_file) {
        throw core::FatalError("cannot load the system TLS trust store: " + ec.message());
    }
    if (extra_ca_file) {
        ctx->load_verify_file(extra_ca_file->string(), ec);
        if (ec) {
            throw core::FatalError("cannot load CA file " + extra_ca_file->string() + ": " +
                                   ec.message());
        }
    }
    return ctx;
}

} // namespace nanoclaw::net

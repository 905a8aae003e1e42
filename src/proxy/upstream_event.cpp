// SPDX-License-Identifier: MIT
// Classifying upstream outcomes and saying them in plain words (issue 18).
#include "nanoclaw/proxy/upstream_event.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "nanoclaw/net/connect_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace nanoclaw::proxy {

bool is_permanent(UpstreamKind kind) {
    switch (kind) {
    case UpstreamKind::dns:
    case UpstreamKind::refused:
    case UpstreamKind::unreachable:
    case UpstreamKind::tunnel:
    case UpstreamKind::tls:
    case UpstreamKind::unauthorized:
    case UpstreamKind::forbidden:
        return true;
    default:
        return false;
    }
}

bool is_transient(UpstreamKind kind) {
    return kind == UpstreamKind::rate_limited || kind == UpstreamKind::overloaded ||
           kind == UpstreamKind::server_error || kind == UpstreamKind::timeout ||
           kind == UpstreamKind::malformed || kind == UpstreamKind::dropped;
}

UpstreamEvent classify_exchange_error(const boost::system::error_code& ec, std::string host) {
    namespace http = boost::beast::http;
    namespace error = boost::asio::error;
    UpstreamKind kind = UpstreamKind::other;
    if (ec == boost::beast::error::timeout) {
        kind = UpstreamKind::timeout;
    } else if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
               ec == error::eof || ec == error::connection_reset || ec == error::broken_pipe) {
        kind = UpstreamKind::dropped;
    } else if (ec.category() == http::make_error_code(http::error::bad_version).category()) {
        kind = UpstreamKind::malformed;
    }
    return UpstreamEvent{kind, 0, std::move(host), ec.message()};
}

std::optional<UpstreamEvent> classify_status(unsigned status, std::string host) {
    UpstreamKind kind;
    if (status >= 200 && status < 300) {
        kind = UpstreamKind::ok;
    } else if (status == 401) {
        kind = UpstreamKind::unauthorized;
    } else if (status == 403) {
        kind = UpstreamKind::forbidden;
    } else if (status == 429) {
        kind = UpstreamKind::rate_limited;
    } else if (status == 529) {
        kind = UpstreamKind::overloaded;
    } else if (status == 504 || status == 408) {
        kind = UpstreamKind::timeout;
    } else if (status >= 500 && status < 600) {
        kind = UpstreamKind::server_error;
    } else {
        return std::nullopt;
    }
    return UpstreamEvent{kind, status, std::move(host), fmt::format("HTTP {}", status)};
}

UpstreamEvent classify_connect_error(const net::ConnectError& error) {
    UpstreamKind kind = UpstreamKind::other;
    if (error.timed_out) {
        kind = UpstreamKind::timeout;
    } else {
        switch (error.kind) {
        case net::ConnectFailure::resolve: kind = UpstreamKind::dns; break;
        case net::ConnectFailure::refused: kind = UpstreamKind::refused; break;
        case net::ConnectFailure::unreachable: kind = UpstreamKind::unreachable; break;
        case net::ConnectFailure::tunnel: kind = UpstreamKind::tunnel; break;
        case net::ConnectFailure::tls: kind = UpstreamKind::tls; break;
        case net::ConnectFailure::other: kind = UpstreamKind::other; break;
        }
    }
    return UpstreamEvent{kind, 0, error.host, error.message};
}

std::string short_reason(const UpstreamEvent& e) {
    switch (e.kind) {
    case UpstreamKind::ok: return fmt::format("ok ({})", e.status);
    case UpstreamKind::dns: return "host not found";
    case UpstreamKind::refused: return "connection refused";
    case UpstreamKind::unreachable: return "network unreachable";
    case UpstreamKind::tunnel: return "the HTTPS proxy refused the tunnel";
    case UpstreamKind::tls: return "TLS handshake failed";
    case UpstreamKind::unauthorized: return "credential rejected (401)";
    case UpstreamKind::forbidden: return "credential refused (403)";
    case UpstreamKind::rate_limited: return "rate limited (429)";
    case UpstreamKind::overloaded: return fmt::format("overloaded ({})", e.status ? e.status : 529);
    case UpstreamKind::server_error: return fmt::format("server error ({})", e.status);
    case UpstreamKind::timeout: return "timed out";
    case UpstreamKind::malformed: return "the upstream did not answer with HTTP";
    case UpstreamKind::dropped:
        return "the upstream closed the connection in the middle of the response";
    case UpstreamKind::other: return e.detail.empty() ? "connection failed" : e.detail;
    }
    return "unknown";
}

std::string describe_for_chat(const UpstreamEvent& e) {
    const std::string host = e.host.empty() ? "the API" : e.host;
    switch (e.kind) {
    case UpstreamKind::dns:
    case UpstreamKind::refused:
    case UpstreamKind::unreachable:
        return fmt::format("Can't reach {} ({}). Check the network or ANTHROPIC_BASE_URL.", host,
                           short_reason(e));
    case UpstreamKind::tunnel:
        return fmt::format("The HTTPS proxy would not connect to {} ({}). Check HTTPS_PROXY and "
                           "NO_PROXY.",
                           host, e.detail);
    case UpstreamKind::tls:
        return fmt::format("Can't make a secure connection to {} ({}). Check the system clock, "
                           "CREDENTIAL_PROXY_CA_FILE or ANTHROPIC_BASE_URL.",
                           host, e.detail);
    case UpstreamKind::unauthorized:
        return "The API key was rejected (401). Check ANTHROPIC_API_KEY or "
               "CLAUDE_CODE_OAUTH_TOKEN in .env.";
    case UpstreamKind::forbidden:
        return "The API credential was refused (403): it is not allowed to do this. Check "
               "ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in .env.";
    default:
        return fmt::format("The API call failed ({}).", short_reason(e));
    }
}

std::string describe_wait_for_chat(const UpstreamEvent& e) {
    switch (e.kind) {
    case UpstreamKind::rate_limited:
        return "The API is rate-limiting requests (429). Still retrying; the reply will come "
               "when it clears.";
    case UpstreamKind::overloaded:
        return fmt::format("The API is overloaded ({}). Still retrying; the reply will come when "
                           "it recovers.",
                           e.status ? e.status : 529);
    case UpstreamKind::timeout:
        return "The API is not answering (timed out). Still retrying.";
    default:
        return fmt::format("The API is failing ({}). Still retrying.", short_reason(e));
    }
}

std::string error_body_json(const UpstreamEvent& e) {
    const nlohmann::json body{
        {"type", "error"},
        {"error",
         {{"type", e.kind == UpstreamKind::timeout ? "timeout_error" : "api_error"},
          {"message", "nanoclaw credential proxy: " + short_reason(e) +
                          (e.host.empty() ? "" : " (" + e.host + ")")}}}};
    return body.dump();
}

} // namespace nanoclaw::proxy

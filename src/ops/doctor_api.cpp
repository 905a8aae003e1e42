// SPDX-License-Identifier: MIT
// doctor: a credential is configured, and the API accepts it when asked the way agents ask
// (one preflight request through the credential proxy's upstream path, no listener bound).
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include "doctor_checks.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/ops/status.hpp"
#include "nanoclaw/proxy/credential_proxy.hpp"
#include "shell_quote.hpp"

namespace nanoclaw::ops::doctor {
namespace {

std::string env_file(const Context& ctx) {
    return shell_quote((ctx.config.root / ".env").string());
}

std::string credential_fix(const Context& ctx) {
    return fmt::format(
        "echo 'ANTHROPIC_API_KEY=sk-ant-...' >> {}   (or CLAUDE_CODE_OAUTH_TOKEN=... "
        "from `claude setup-token`)",
        env_file(ctx));
}

bool preflight_off(const Context& ctx) {
    return ctx.options.offline || !ctx.config.upstream_preflight;
}

} // namespace

std::string restart_hint(const Context& ctx) {
    if (!ctx.live) return {};
    return "; then restart the daemon: " + restart_command(ctx.config, ctx.env);
}

Check check_credentials(Context& ctx) {
    try {
        const auto s = proxy::load_settings(ctx.config, ctx.env);
        if (!s.api_key.empty()) {
            ctx.credentials_ok = true;
            return make_check("credentials", CheckStatus::ok, "ANTHROPIC_API_KEY is set in .env");
        }
        if (!s.oauth_token.empty()) {
            ctx.credentials_ok = true;
            return make_check("credentials", CheckStatus::ok, "an OAuth token is set in .env");
        }
        if (s.oauth_credentials_file) {
            ctx.credentials_ok = true;
            return make_check("credentials", CheckStatus::ok,
                              "OAuth credentials from " + s.oauth_credentials_file->string());
        }
    } catch (const std::exception& e) {
        return make_check("credentials", CheckStatus::fail, e.what(),
                          "correct that setting in " + env_file(ctx));
    }
    return make_check("credentials", CheckStatus::fail,
                      "no ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN in " +
                          (ctx.config.root / ".env").string(),
                      credential_fix(ctx) + restart_hint(ctx));
}

Check check_api(const Context& ctx) {
    if (!ctx.credentials_ok) return make_check("api", CheckStatus::skip, "no credential to try");
    if (preflight_off(ctx)) {
        return make_check("api", CheckStatus::skip,
                          ctx.options.offline ? "--offline" : "NANOCLAW_PREFLIGHT=off");
    }
    boost::asio::io_context io;
    std::optional<proxy::UpstreamEvent> result;
    proxy::CredentialProxy probe(io, proxy::load_settings(ctx.config, ctx.env), {});
    probe.check_upstream([&result](const proxy::UpstreamEvent& e) { result = e; });
    io.run_for(ctx.options.api_timeout);
    if (!result) {
        return make_check("api", CheckStatus::warn,
                          fmt::format("no answer from the API within {} s",
                                      ctx.options.api_timeout.count() / 1000),
                          "check the network, ANTHROPIC_BASE_URL and HTTPS_PROXY");
    }
    const auto& e = *result;
    if (e.kind == proxy::UpstreamKind::ok) {
        return make_check("api", CheckStatus::ok,
                          fmt::format("{} accepted the credential ({})", e.host, e.detail));
    }
    const std::string said = proxy::describe_for_chat(e);
    if (e.kind == proxy::UpstreamKind::unauthorized || e.kind == proxy::UpstreamKind::forbidden) {
        return make_check("api", CheckStatus::fail, said,
                          "put a valid key in " + env_file(ctx) +
                              " (ANTHROPIC_API_KEY=... or "
                              "CLAUDE_CODE_OAUTH_TOKEN=...)" +
                              restart_hint(ctx));
    }
    if (proxy::is_transient(e.kind)) {
        return make_check("api", CheckStatus::warn,
                          "the API is not answering normally: " + proxy::short_reason(e),
                          "wait and run nanoclaw doctor again; https://status.anthropic.com");
    }
    return make_check("api", CheckStatus::fail, said + " (" + e.detail + ")",
                      "check the network, ANTHROPIC_BASE_URL and HTTPS_PROXY in " + env_file(ctx));
}

} // namespace nanoclaw::ops::doctor

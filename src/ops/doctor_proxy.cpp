// SPDX-License-Identifier: MIT
// doctor: can an agent container reach the credential proxy? Statically (where would the proxy
// bind, and can a container on the configured network get there?) and, with a running daemon and
// the image present, for real: a throw-away container opens a TCP connection to it.
#include <fmt/format.h>

#include "doctor_checks.hpp"
#include "nanoclaw/container/settings.hpp"
#include "nanoclaw/proxy/bind_address.hpp"
#include "nanoclaw/setup/command.hpp"

namespace nanoclaw::ops::doctor {
namespace {

using namespace std::chrono_literals;

bool loopback(const std::string& host) {
    return host.rfind("127.", 0) == 0 || host == "::1" || host == "localhost";
}

const char* k_env_hint = "CREDENTIAL_PROXY_HOST";

// Node is in the agent image; a bare TCP connect says the address and port are reachable.
std::string connect_script(const std::string& host, unsigned port) {
    return fmt::format("require('net').connect({},'{}')"
                       ".on('connect',()=>process.exit(0))"
                       ".on('error',e=>{{console.error(e.message);process.exit(1)}});"
                       "setTimeout(()=>{{console.error('timed out');process.exit(1)}},10000)",
                       port, host);
}

Check probe_from_container(const Context& ctx, const container::Settings& settings) {
    const auto proxy = ctx.live->value("proxy", nlohmann::json::object());
    const unsigned port = proxy.value("port", 0u);
    const std::string host = container::proxy_host_for_containers(settings);
    std::vector<std::string> argv{ctx.config.container_runtime_bin, "run", "--rm"};
    if (settings.host_is_linux && settings.network != "host") {
        argv.emplace_back("--add-host=host.docker.internal:host-gateway");
    }
    if (settings.network) argv.insert(argv.end(), {"--network", *settings.network});
    argv.insert(argv.end(), {"--entrypoint", "node", ctx.config.container_image, "-e",
                             connect_script(host, port)});
    const auto r = setup::run_program(setup::CommandSpec{argv, &ctx.env, {}, std::nullopt, 60s});
    const std::string where = fmt::format("{}:{}", host, port);
    if (r.ok()) {
        return make_check("proxy", CheckStatus::ok,
                          fmt::format("a container reaches the proxy at {} (bound to {})", where,
                                      proxy.value("host", std::string())));
    }
    auto why = r.err.empty() ? r.out : r.err;
    while (!why.empty() && (why.back() == '\n' || why.back() == '\r'))
        why.pop_back();
    return make_check(
        "proxy", CheckStatus::fail,
        fmt::format("a container cannot reach the proxy at {} (bound to {}): {}", where,
                    proxy.value("host", std::string()), why),
        fmt::format("let the bridge reach port {} (e.g. sudo ufw allow in on docker0 "
                    "to any port {}), or set {} in .env to an address containers reach",
                    port, port, k_env_hint));
}

} // namespace

Check check_proxy_bind(const Context& ctx) {
    const auto settings = container::load_settings(ctx.config, ctx.env);
    const auto probe = proxy::probe_host();
    const auto choice = proxy::choose_bind_host(ctx.config.credential_proxy_host, probe);
    const bool host_network = settings.network == "host";
    if (choice.reason == proxy::BindReason::override_env && loopback(choice.host) &&
        !host_network && !probe.macos && !probe.wsl) {
        return make_check("proxy", CheckStatus::fail,
                          fmt::format("{}={} is loopback: containers on a bridge network cannot "
                                      "reach it",
                                      k_env_hint, choice.host),
                          fmt::format("remove {} from .env (the proxy then binds docker0), or set "
                                      "NANOCLAW_CONTAINER_NETWORK=host",
                                      k_env_hint));
    }
    if (ctx.live && ctx.runtime_ok && ctx.image_ok && ctx.options.container_probe) {
        return probe_from_container(ctx, settings);
    }
    if (choice.reason == proxy::BindReason::fallback_any) {
        return make_check("proxy", CheckStatus::warn,
                          "no docker0 interface: the proxy would listen on 0.0.0.0, reachable by "
                          "any host that reaches this machine",
                          fmt::format("start Docker first (it creates docker0), or set {} in .env "
                                      "to an address containers reach",
                                      k_env_hint));
    }
    return make_check("proxy", CheckStatus::ok,
                      fmt::format("the proxy binds {} (not tried from a container: {})",
                                  choice.host,
                                  !ctx.live       ? "the daemon is not running"
                                  : !ctx.image_ok ? "no image"
                                                  : "--no-container-probe"));
}

} // namespace nanoclaw::ops::doctor

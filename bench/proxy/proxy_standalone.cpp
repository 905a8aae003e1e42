// SPDX-License-Identifier: MIT
// The credential proxy alone, for ../shared/bench-reference (side by side with v1's proxy):
// `proxy_standalone <root> <port>` reads <root>/.env as the daemon does, listens on
// 127.0.0.1:<port>, admits one run, prints that run's path prefix (`/r/<token>`) as its first line
// on stdout, and serves until SIGTERM or SIGINT. Usage records are counted, not printed, so
// stdout carries nothing else.
#include <charconv>
#include <csignal>
#include <iostream>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "nanoclaw/core/config.hpp"
#include "nanoclaw/core/errors.hpp"
#include "nanoclaw/core/log.hpp"
#include "nanoclaw/proxy/credential_proxy.hpp"
#include "nanoclaw/proxy/settings.hpp"

int main(int argc, char** argv) {
    using namespace nanoclaw;
    int port = 0;
    const std::string_view port_text = argc == 3 ? argv[2] : "";
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (argc != 3 || ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
        std::cerr << "usage: proxy_standalone <root> <port 1-65535>\n";
        return 2;
    }
    const auto env = core::process_env();
    core::init_logging(env.contains("LOG_LEVEL") ? env.at("LOG_LEVEL") : "warn", std::nullopt);
    try {
        core::Config config;
        config.root = argv[1];
        config.credential_proxy_port = port;
        config.credential_proxy_host = "127.0.0.1";
        boost::asio::io_context io;
        std::size_t usage_records = 0;
        proxy::CredentialProxy proxy(io, proxy::load_settings(config, env),
                                     [&usage_records](const proxy::UsageRecord&) { ++usage_records; });
        proxy.start();
        const auto run = proxy.open_run("bench", "127.0.0.1");
        // base_url is http://127.0.0.1:<port>/r/<token>: the harness wants the path.
        const auto path = run.base_url.find("/r/");
        std::cout << (path == std::string::npos ? run.base_url : run.base_url.substr(path)) << std::endl;
        boost::asio::signal_set signals(io, SIGTERM, SIGINT);
        signals.async_wait([&](const boost::system::error_code&, int) { proxy.stop(); io.stop(); });
        io.run();
        std::cerr << "proxy_standalone: " << usage_records << " usage record(s)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "proxy_standalone: " << e.what() << "\n";
        return 1;
    }
}

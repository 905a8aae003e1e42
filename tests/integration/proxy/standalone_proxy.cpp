// SPDX-License-Identifier: MIT
// A manual-check helper (not a test): runs the credential proxy for the project at argv[1],
// registers one run for group argv[2], prints {"port":..,"base_url":..,"oauth":..} and then one
// JSON line per usage record, until stdin closes. Used to drive the real claude CLI through the
// proxy (docs/credential-proxy.md, "Verified with the claude CLI").
#include <iostream>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>

#include "nanoclaw/core/log.hpp"
#include "nanoclaw/proxy/credential_proxy.hpp"

int main(int argc, char** argv) {
    using namespace nanoclaw;
    if (argc < 3) {
        std::cerr << "usage: standalone_proxy <project-root> <group-folder>\n";
        return 2;
    }
    core::init_logging("debug", std::nullopt);
    const auto env = core::process_env();
    core::Config config;
    config.root = argv[1];
    config.credential_proxy_port = 0;
    config.credential_proxy_host = "127.0.0.1";
    boost::asio::io_context io;
    auto print_usage = [](const proxy::UsageRecord& u) {
        std::cout << nlohmann::json{{"group", u.group_folder}, {"model", u.model},
                                    {"input", u.input_tokens}, {"output", u.output_tokens},
                                    {"cache_creation", u.cache_creation_input_tokens},
                                    {"cache_read", u.cache_read_input_tokens}}
                  << std::endl;
    };
    proxy::CredentialProxy proxy(io, proxy::load_settings(config, env), print_usage);
    proxy.start();
    const auto run = proxy.open_run(argv[2], "127.0.0.1");
    std::cout << nlohmann::json{{"port", proxy.port()}, {"base_url", run.base_url}, {"oauth", run.oauth}}
              << std::endl;
    auto guard = boost::asio::make_work_guard(io);
    std::thread stdin_watch([&] {
        std::string line;
        while (std::getline(std::cin, line)) {}
        boost::asio::post(io, [&] {
            proxy.stop();
            guard.reset();
        });
    });
    io.run();
    stdin_watch.join();
    return 0;
}

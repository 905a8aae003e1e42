// SPDX-License-Identifier: MIT
// Credential proxy benchmark: the same mock upstream measured directly and through the proxy in
// one run. Prints a table and one JSON line: requests/s, added latency p50/p99 for small JSON and
// ~100 KB SSE responses, and SSE time-to-first-byte.
// Usage: bench_proxy [json_iterations] [--json FILE] (FILE gets the JSON line, indented)
#include <limits>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "bench_upstream.hpp"
#include "nanoclaw/proxy/credential_proxy.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace nanoclaw;

double micros(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }

struct Stats {
    double p50 = 0, p99 = 0, mean = 0;
};

Stats stats_of(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    Stats s;
    s.p50 = v[v.size() / 2];
    s.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
    for (double x : v) s.mean += x;
    s.mean /= static_cast<double>(v.size());
    return s;
}

// One keep-alive connection issuing requests back to back.
class Client {
public:
    Client(std::uint16_t port, std::string prefix) : prefix_(std::move(prefix)) {
        socket_.connect({asio::ip::make_address("127.0.0.1"), port});
        socket_.set_option(tcp::no_delay(true));
    }
    // Full request/response round trip in microseconds; `ttfb` gets the time to the first
    // body byte.
    double round_trip(const std::string& path, double* ttfb = nullptr) {
        const std::string req = "POST " + prefix_ + path + " HTTP/1.1\r\nHost: b\r\nx-api-key: "
                                "placeholder\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        const auto start = Clock::now();
        asio::write(socket_, asio::buffer(req));
        http::response_parser<http::buffer_body> parser;
        parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        http::read_header(socket_, buffer_, parser);
        bool first = true;
        char body[65536];
        while (!parser.is_done()) {
            parser.get().body().data = body;
            parser.get().body().size = sizeof body;
            boost::system::error_code ec;
            http::read_some(socket_, buffer_, parser, ec);
            if (ec && ec != http::error::need_buffer) throw boost::system::system_error(ec);
            if (first && parser.get().body().size < sizeof body) {
                if (ttfb != nullptr) *ttfb = micros(Clock::now() - start);
                first = false;
            }
        }
        return micros(Clock::now() - start);
    }

private:
    asio::io_context io_;
    tcp::socket socket_{io_};
    boost::beast::flat_buffer buffer_;
    std::string prefix_;
};

struct Series {
    Stats latency;
    Stats ttfb;
    double rps = 0;
};

Series measure(std::uint16_t port, const std::string& prefix, const std::string& path, int n) {
    Client client(port, prefix);
    for (int i = 0; i < std::max(10, n / 10); ++i) client.round_trip(path); // warm-up
    std::vector<double> lat, ttfb;
    const auto start = Clock::now();
    for (int i = 0; i < n; ++i) {
        double first = 0;
        lat.push_back(client.round_trip(path, &first));
        ttfb.push_back(first);
    }
    const double seconds = micros(Clock::now() - start) / 1e6;
    return Series{stats_of(lat), stats_of(ttfb), n / seconds};
}

struct ProxyRunner {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::unique_ptr<proxy::CredentialProxy> proxy;
    std::thread thread;
    std::atomic<std::int64_t> usage_records{0};

    ProxyRunner(const std::filesystem::path& root) {
        core::Config config;
        config.root = root;
        config.credential_proxy_port = 0;
        config.credential_proxy_host = "127.0.0.1";
        auto count = [this](const proxy::UsageRecord&) { ++usage_records; };
        proxy = std::make_unique<proxy::CredentialProxy>(io, proxy::load_settings(config, {}), count);
        proxy->start();
        thread = std::thread([this] { io.run(); });
    }
    ~ProxyRunner() {
        asio::post(io, [this] { proxy->stop(); guard.reset(); });
        thread.join();
    }
};

} // namespace

int main(int argc, char** argv) {
    spdlog::set_level(spdlog::level::warn);
    int json_n = 5000;
    std::string json_file;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--json" && i + 1 < argc) {
            json_file = argv[++i];
        } else if (!arg.empty() && arg.find_first_not_of("0123456789") == std::string::npos) {
            json_n = std::max(100, std::atoi(arg.c_str()));
        } else {
            std::fprintf(stderr, "usage: bench_proxy [json_iterations] [--json FILE]\n");
            return 2;
        }
    }
    const int sse_n = std::max(50, json_n / 10);
    bench::BenchUpstream upstream;
    const auto root = std::filesystem::temp_directory_path() / ("nanoclaw-bench-proxy-" + std::to_string(::getpid()));
    std::filesystem::create_directories(root);
    std::ofstream(root / ".env") << "ANTHROPIC_API_KEY=sk-ant-bench-key\nANTHROPIC_BASE_URL=http://127.0.0.1:"
                                 << upstream.port() << "\n";
    ProxyRunner runner(root);
    const auto run = runner.proxy->open_run("bench", "127.0.0.1");
    const std::string prefix = run.base_url.substr(run.base_url.find("/r/"));

    const auto json_direct = measure(upstream.port(), "", "/v1/messages/json", json_n);
    const auto json_proxy = measure(runner.proxy->port(), prefix, "/v1/messages/json", json_n);
    const auto sse_direct = measure(upstream.port(), "", "/v1/messages/sse", sse_n);
    const auto sse_proxy = measure(runner.proxy->port(), prefix, "/v1/messages/sse", sse_n);
    std::filesystem::remove_all(root);

    std::printf("%-22s %10s %10s %10s %10s %12s\n", "case", "req/s", "p50 us", "p99 us", "ttfb p50", "ttfb p99");
    auto row = [](const char* name, const Series& s) {
        std::printf("%-22s %10.0f %10.1f %10.1f %10.1f %12.1f\n", name, s.rps, s.latency.p50,
                    s.latency.p99, s.ttfb.p50, s.ttfb.p99);
    };
    row("json direct", json_direct);
    row("json via proxy", json_proxy);
    row("sse-100KB direct", sse_direct);
    row("sse-100KB via proxy", sse_proxy);
    std::printf("added latency: json p50 %.1f us p99 %.1f us; sse p50 %.1f us p99 %.1f us; "
                "sse ttfb added p50 %.1f us\n",
                json_proxy.latency.p50 - json_direct.latency.p50,
                json_proxy.latency.p99 - json_direct.latency.p99,
                sse_proxy.latency.p50 - sse_direct.latency.p50,
                sse_proxy.latency.p99 - sse_direct.latency.p99,
                sse_proxy.ttfb.p50 - sse_direct.ttfb.p50);
    const nlohmann::json out{
        {"bench", "proxy"}, {"json_requests", json_n}, {"sse_requests", sse_n},
        {"json_rps_direct", json_direct.rps}, {"json_rps_proxy", json_proxy.rps},
        {"json_added_p50_us", json_proxy.latency.p50 - json_direct.latency.p50},
        {"json_added_p99_us", json_proxy.latency.p99 - json_direct.latency.p99},
        {"sse_rps_direct", sse_direct.rps}, {"sse_rps_proxy", sse_proxy.rps},
        {"sse_added_p50_us", sse_proxy.latency.p50 - sse_direct.latency.p50},
        {"sse_added_p99_us", sse_proxy.latency.p99 - sse_direct.latency.p99},
        {"sse_ttfb_p50_us_direct", sse_direct.ttfb.p50}, {"sse_ttfb_p50_us_proxy", sse_proxy.ttfb.p50},
        {"sse_ttfb_p99_us_proxy", sse_proxy.ttfb.p99}, {"usage_records", runner.usage_records.load()}};
    std::printf("%s\n", out.dump().c_str());
    if (!json_file.empty()) std::ofstream(json_file) << out.dump(2) << "\n";
    return 0;
}

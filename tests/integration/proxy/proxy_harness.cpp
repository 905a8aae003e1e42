// SPDX-License-Identifier: MIT
#include "proxy_harness.hpp"

#include <future>


#include <limits>
#include <poll.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/sinks/base_sink.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include "nanoclaw/proxy/settings.hpp"

namespace nanoclaw::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// A process-wide unredacted capture: the point is to prove the proxy never logs a secret, so
// the redacting sink of production must not be in the way.
class CaptureSink final : public spdlog::sinks::base_sink<std::mutex> {
public:
    std::string text() {
        std::lock_guard lock(mutex_);
        return text_;
    }

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t line;
        formatter_->format(msg, line);
        text_.append(line.data(), line.size());
    }
    void flush_() override {}

private:
    std::string text_;
};

struct LogCapture {
    std::shared_ptr<CaptureSink> sink = std::make_shared<CaptureSink>();
    LogCapture() {
        auto logger = std::make_shared<spdlog::logger>("proxy-test", sink);
        logger->set_level(spdlog::level::trace);
        spdlog::set_default_logger(logger);
    }
};

LogCapture& capture() {
    static LogCapture c;
    return c;
}

} // namespace

std::string ClientResponse::get(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

// A SyncReadStream whose reads give up after 10 s, so a proxy bug fails a test instead of
// hanging it (SO_RCVTIMEO does not work: Asio turns its EAGAIN into an endless poll).
struct TimedSocket {
    tcp::socket& socket;
    template <class Buffers>
    std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
        pollfd fd{socket.native_handle(), POLLIN, 0};
        if (::poll(&fd, 1, 10'000) != 1) {
            ec = asio::error::timed_out;
            return 0;
        }
        return socket.read_some(buffers, ec);
    }
    template <class Buffers>
    std::size_t read_some(const Buffers& buffers) {
        boost::system::error_code ec;
        const auto n = read_some(buffers, ec);
        if (ec) throw boost::system::system_error(ec);
        return n;
    }
};

struct TestClient::Impl {
    asio::io_context io;
    tcp::socket socket{io};
    TimedSocket timed{socket};
    boost::beast::flat_buffer buffer;
};

TestClient::TestClient(std::uint16_t port) : impl_(std::make_unique<Impl>()) {
    impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
}

TestClient::~TestClient() = default;

void TestClient::send(std::string_view bytes) {
    boost::system::error_code ec;
    asio::write(impl_->socket, asio::buffer(bytes.data(), bytes.size()), ec);
}

std::optional<ClientResponse> TestClient::read_response() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    boost::system::error_code ec;
    http::read(impl_->timed, impl_->buffer, parser, ec);
    if (ec) return std::nullopt;
    ClientResponse r{static_cast<int>(parser.get().result_int()), {}, parser.get().body()};
    for (const auto& f : parser.get()) {
        r.headers.emplace(lower(std::string(f.name_string())), std::string(f.value()));
    }
    return r;
}

std::string TestClient::read_some() {
    if (impl_->buffer.size() > 0) {
        std::string out = boost::beast::buffers_to_string(impl_->buffer.data());
        impl_->buffer.consume(impl_->buffer.size());
        return out;
    }
    char buf[65536];
    boost::system::error_code ec;
    const auto n = impl_->timed.read_some(asio::buffer(buf), ec);
    return ec ? std::string() : std::string(buf, n);
}

bool TestClient::closed_by_peer() {
    char buf[4096];
    boost::system::error_code ec;
    while (!ec) impl_->timed.read_some(asio::buffer(buf), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
}

void TestClient::close() {
    boost::system::error_code ec;
    impl_->socket.close(ec);
}

std::string make_request(const std::string& method, const std::string& target,
                         const std::string& extra_headers, const std::string& body) {
    return method + " " + target + " HTTP/1.1\r\nHost: proxy\r\n" + extra_headers +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

struct ProxyHarness::Runtime {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> guard{io.get_executor()};
    std::thread thread;
};

ProxyHarness::ProxyHarness(const std::string& dotenv, core::EnvMap env,
                           std::optional<std::string> bind_host)
    : rt_(std::make_unique<Runtime>()) {
    capture();
    dir_.write(".env", dotenv);
    core::Config config;
    config.root = dir_.path();
    config.credential_proxy_port = 0;
    config.credential_proxy_host = std::move(bind_host);
    auto settings = proxy::load_settings(config, env);
    auto on_usage = [this](const proxy::UsageRecord& r) {
        std::lock_guard lock(usage_mutex_);
        usage_.push_back(r);
    };
    proxy_ = std::make_unique<proxy::CredentialProxy>(rt_->io, std::move(settings), on_usage);
    proxy_->set_upstream_observer([this](const std::string& folder, const proxy::UpstreamEvent& e) {
        std::lock_guard lock(usage_mutex_);
        upstream_events_.emplace_back(folder, e);
    });
    proxy_->start();
    port_ = proxy_->port();
    rt_->thread = std::thread([this] { rt_->io.run(); });
}

ProxyHarness::~ProxyHarness() {
    if (::testing::Test::HasFailure()) std::fprintf(stderr, "--- proxy log ---\n%s", logs().c_str());
    asio::post(rt_->io, [this] {
        proxy_->stop();
        rt_->guard.reset();
    });
    rt_->thread.join();
    proxy_.reset();
}

std::vector<std::pair<std::string, proxy::UpstreamEvent>> ProxyHarness::upstream_events() const {
    std::lock_guard lock(usage_mutex_);
    return upstream_events_;
}

void ProxyHarness::release_runs() {
    for (auto& release : releases_)
        release();
}

proxy::UpstreamEvent ProxyHarness::check_upstream() {
    auto done = std::make_shared<std::promise<proxy::UpstreamEvent>>();
    asio::post(rt_->io, [this, done] {
        proxy_->check_upstream([done](const proxy::UpstreamEvent& e) { done->set_value(e); });
    });
    auto result = done->get_future();
    if (result.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
        throw std::runtime_error("preflight did not finish");
    }
    return result.get();
}

std::string ProxyHarness::open_run(const std::string& group) {
    const auto run = proxy_->open_run(group, "127.0.0.1");
    releases_.push_back(run.release);
    const auto pos = run.base_url.find("/r/");
    return run.base_url.substr(pos);
}

std::vector<proxy::UsageRecord> ProxyHarness::usage() const {
    std::lock_guard lock(usage_mutex_);
    return usage_;
}

std::string ProxyHarness::logs() const {
    return capture().sink->text();
}

std::optional<ClientResponse> ProxyHarness::request(const std::string& raw) {
    TestClient client(port_);
    client.send(raw);
    return client.read_response();
}

} // namespace nanoclaw::testing

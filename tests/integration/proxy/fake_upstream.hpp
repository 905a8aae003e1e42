// SPDX-License-Identifier: MIT
// A scriptable loopback HTTP(S) server standing in for the Anthropic API. Blocking I/O on its
// own threads (one per connection), so tests can hold a response mid-stream deterministically.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "test_ca.hpp"

namespace nanoclaw::testing {

/// One request as the upstream received it; header names lower-cased, values in order.
struct RecordedRequest {
    std::string method;
    std::string target;
    std::multimap<std::string, std::string> headers;
    std::string body;

    bool has(const std::string& name) const { return headers.count(name) != 0; }
    /// The first value of `name`, or "" when absent.
    std::string get(const std::string& name) const;
};

/// One accepted connection, handed to the test's handler.
class UpstreamExchange {
public:
    virtual ~UpstreamExchange() = default;
    /// Reads the next request (recorded too); nullopt when the peer closed or sent garbage.
    virtual std::optional<RecordedRequest> read_request() = 0;
    /// Writes raw bytes; false when the peer is gone.
    virtual bool write(std::string_view bytes) = 0;
    /// Blocks until the peer closes the connection; true when it did.
    virtual bool wait_for_close() = 0;
    /// Closes abruptly (RST).
    virtual void reset() = 0;
    /// The TLS SNI the client sent ("" for plain HTTP or none).
    virtual std::string server_name() const = 0;

    /// A complete response with content-length; extra headers as "Name: value\r\n" lines.
    bool respond(int status, const std::string& body, const std::string& extra_headers = "");
};

class FakeUpstream {
public:
    using Handler = std::function<void(UpstreamExchange&)>;

    /// Listens on 127.0.0.1:0; TLS with the CA's server certificate when `tls` is given.
    explicit FakeUpstream(Handler handler, const TestCa* tls = nullptr);
    ~FakeUpstream();

    std::uint16_t port() const { return port_; }
    std::vector<RecordedRequest> requests() const;
    std::size_t request_count() const;
    std::size_t connection_count() const { return connections_; }
    /// SNI values seen, in connection order.
    std::vector<std::string> server_names() const;

    /// Answers every request with 200 {"ok":true} (the reference test fixture).
    static Handler ok_json();

    void record(RecordedRequest r);
    void record_sni(std::string name);

private:
    void serve(boost::asio::ip::tcp::socket& socket);

    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::uint16_t port_ = 0;
    std::atomic<std::size_t> connections_{0};
};

/// A one-shot flag a test thread waits on, with a timeout so a bug fails instead of hanging.
class Signal {
public:
    void notify();
    /// True when notified within `timeout_ms`.
    bool wait(int timeout_ms = 10'000);

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool set_ = false;
};

} // namespace nanoclaw::testing

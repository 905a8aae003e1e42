// SPDX-License-Identifier: MIT
// The embedded local chat channel: JSON lines over the Unix socket <data>/nanoclawd.sock, so a
// user can chat with the assistant without any account (docs/local-channel.md).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "nanoclaw/channels/channel.hpp"
#include "nanoclaw/channels/local/local_protocol.hpp"
#include "nanoclaw/core/clock.hpp"
#include "nanoclaw/core/config.hpp"

namespace nanoclaw::channels {

struct LocalChannelOptions {
    std::filesystem::path socket_path; ///< usually local_socket_path(config)
    /// Longer client lines get an error and a disconnect.
    std::size_t max_line_bytes = local::k_max_line_bytes;
    /// Bytes queued for one client that is not reading; past this the client is dropped so a
    /// stuck reader can never hold memory or block anyone else.
    std::size_t max_queue_bytes = std::size_t{8} << 20;
    /// Answers a client's {"type":"daemon_status"} (an object: version, channels, runs ...).
    /// Injected by the daemon, so the channel knows nothing about it; called only on request.
    /// Unset: the client gets an error.
    std::function<nlohmann::json()> daemon_status = {};
    /// Answers a client's {"type":"sync_groups"}: runs the daemon's group sync and calls the
    /// reply function with the channels' results (an array) when done, possibly much later.
    /// Unset: the client gets an error.
    std::function<void(std::function<void(nlohmann::json)>)> sync_groups = {};
};

/// Owns JIDs "local:<chat>". Listens once connect() has run; every method runs on the
/// io_context thread that awaits connect().
class LocalChannel final : public Channel {
  public:
    /// `clock` must outlive the channel (timestamps of inbound messages come from it).
    LocalChannel(core::Clock& clock, LocalChannelOptions options, ChannelCallbacks callbacks);
    ~LocalChannel() override;
    LocalChannel(const LocalChannel&) = delete;
    LocalChannel& operator=(const LocalChannel&) = delete;

    std::string name() const override { return "local"; }
    /// Binds the socket (mode 0600). Throws core::FatalError when another daemon is listening
    /// on it, when the path is taken by something that is not a socket, or when bind fails.
    awaitable<void> connect() override;
    /// Broadcasts a message line to every client of the chat; throws for a non-local JID.
    awaitable<void> send_message(std::string jid, std::string text) override;
    bool is_connected() const override;
    /// "N client(s) on <socket>".
    std::string status_detail() const override;
    bool owns_jid(const std::string& jid) const override;
    /// Closes every client and the listener and removes the socket file.
    awaitable<void> disconnect() override;
    /// Broadcasts a typing line; `on == false` is the clients' "reply complete" signal.
    awaitable<void> set_typing(std::string jid, bool on) override;
    /// Broadcasts a status line (what the run waits on); not kept for absent clients.
    awaitable<void> set_status(std::string jid, std::string text) override;
    /// Like send_message, marked as nanoclaw's own notice (`nanoclaw send` exits non-zero).
    awaitable<void> send_notice(std::string jid, std::string text) override;

    /// Number of connected clients (for tests and status output).
    std::size_t client_count() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_; // shared with in-flight coroutines, which may outlive a call
};

/// <config.data_dir>/nanoclawd.sock: where the daemon listens and the CLI connects.
std::filesystem::path local_socket_path(const core::Config& config);

/// Registry factory: a LocalChannel on local_socket_path(config), or nullptr when
/// LOCAL_CHANNEL=off. `clock` must outlive every channel it creates; `daemon_status` and
/// `sync_groups` answer those requests (see LocalChannelOptions).
ChannelFactory make_local_channel_factory(
    const core::Config& config, core::Clock& clock,
    std::function<nlohmann::json()> daemon_status = {},
    std::function<void(std::function<void(nlohmann::json)>)> sync_groups = {});

} // namespace nanoclaw::channels

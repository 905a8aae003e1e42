// SPDX-License-Identifier: MIT
// A blocking client of nanoclawd's local chat socket (docs/local-channel.md), as a user's
// terminal would talk to it: one JSON object per line each way.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nanoclaw::testing {

/// A connected AF_UNIX stream socket (close-on-exec), or -1 when nothing accepts at `socket`.
int connect_unix(const std::filesystem::path& socket);

class LocalClient {
  public:
    /// Connects at once; check connected() (a daemon that is not up yet is not an error here).
    explicit LocalClient(const std::filesystem::path& socket);
    ~LocalClient();
    LocalClient(const LocalClient&) = delete;
    LocalClient& operator=(const LocalClient&) = delete;

    bool connected() const { return fd_ >= 0; }
    /// Sends `line` plus a newline; false when the socket is closed or the write fell short.
    bool send_line(std::string_view line);
    bool subscribe(const std::string& chat);
    bool say(const std::string& chat, const std::string& text,
             const std::string& sender = "tester");
    /// The next line (without its newline) within `limit`.
    std::optional<std::string> next_line(std::chrono::milliseconds limit);
    /// The text of the next {"type":"message"} line within `limit`, skipping typing events.
    std::optional<std::string> next_reply(std::chrono::milliseconds limit);
    /// Every reply text that arrives within `limit`.
    std::vector<std::string> replies_for(std::chrono::milliseconds limit);

  private:
    int fd_ = -1;
    std::string buffer_;
};

} // namespace nanoclaw::testing

// SPDX-License-Identifier: MIT
// A LocalChannel on a real io_context and a socket in a temp dir, with recording callbacks.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "local_test_support.hpp"
#include "manual_clock.hpp"
#include "nanoclaw/channels/local/local_channel.hpp"
#include "temp_dir.hpp"

namespace nanoclaw::testing {

class LocalChannelTest : public ::testing::Test {
  protected:
    std::filesystem::path socket_path() const { return dir_.path() / "data" / "nanoclawd.sock"; }

    channels::ChannelCallbacks callbacks() {
        channels::ChannelCallbacks cb;
        cb.on_message = [this](core::NewMessage m) {
            events_.push_back("message:" + m.chat_jid);
            messages_.push_back(std::move(m));
        };
        cb.on_chat_metadata = [this](channels::ChatMetadata m) {
            events_.push_back("metadata:" + m.jid);
            metadata_.push_back(std::move(m));
        };
        cb.registered_groups = [this]() -> const std::map<std::string, core::RegisteredGroup>& {
            return groups_;
        };
        return cb;
    }

    /// Creates and connects the channel under test.
    channels::LocalChannel& start(channels::LocalChannelOptions options = {}) {
        if (options.socket_path.empty()) options.socket_path = socket_path();
        channel_ = std::make_unique<channels::LocalChannel>(clock_, options, callbacks());
        run_task(io_, channel_->connect());
        return *channel_;
    }

    std::unique_ptr<RawClient> client(bool read = true) {
        return std::make_unique<RawClient>(io_, socket_path(), read);
    }

    bool wait(const std::function<bool()>& done) { return run_until(io_, done); }

    void TearDown() override {
        if (channel_) run_task(io_, channel_->disconnect());
    }

    TempDir dir_;
    ManualClock clock_;
    asio::io_context io_;
    std::unique_ptr<channels::LocalChannel> channel_;
    std::map<std::string, core::RegisteredGroup> groups_{
        {"local:main", core::RegisteredGroup{"main", "main", "@Andy", "", {}, false, true}},
        {"local:other", core::RegisteredGroup{"other", "other", "@Andy", "", {}, false, {}}}};
    std::vector<core::NewMessage> messages_;
    std::vector<channels::ChatMetadata> metadata_;
    std::vector<std::string> events_; ///< callback order: "metadata:<jid>", "message:<jid>"
};

} // namespace nanoclaw::testing

// SPDX-License-Identifier: MIT
// The fault fixture with the Telegram channel on the fake Bot API and one registered chat.
#pragma once

#include <nlohmann/json.hpp>

#include "fake_telegram.hpp"
#include "fault_harness.hpp"

namespace nanoclaw::testing {

/// The registered Telegram chat (folder `faults`, trigger @Andy) and the bot's token.
constexpr std::int64_t k_chat = 4242;
inline const std::string k_bot_token = "123456:TEST-token";

class TelegramFaultTest : public FaultTest {
  protected:
    using json = nlohmann::json;

    /// Starts the daemon with the bot configured and registers k_chat through main's IPC.
    DaemonProcess& start_with_bot() {
        dir_.write(".env", "TELEGRAM_BOT_TOKEN=" + k_bot_token + "\n");
        auto& d = start({{"TELEGRAM_API_BASE_URL", bot_.base_url()}});
        EXPECT_TRUE(bot_.wait_for([&] { return !bot_.calls_of("getUpdates").empty(); }));
        write_ipc_request(dir_.path(), "main", "tasks", "1-tg.json",
                          json{{"type", "register_group"},
                               {"jid", "tg:" + std::to_string(k_chat)},
                               {"name", "Faults"},
                               {"folder", "faults"},
                               {"trigger", "@Andy"}}
                              .dump());
        EXPECT_TRUE(eventually(
            [&] { return std::filesystem::exists(dir_.path() / "groups/faults/logs"); }));
        return d;
    }
    /// Counts every message sent to k_chat so far into `tally`.
    void count_sent(MessageTally& tally) {
        for (const auto& m : bot_.sent_messages()) {
            if (m.value("chat_id", json()) == json(k_chat) ||
                m.value("chat_id", json()) == json(std::to_string(k_chat)))
                tally.chat_heard(m.value("text", ""));
        }
    }

    FakeTelegram bot_{k_bot_token};
};

} // namespace nanoclaw::testing

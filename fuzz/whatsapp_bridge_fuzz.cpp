// SPDX-License-Identifier: MIT
// The WhatsApp bridge's stdout as the channel reads it: cut into lines by the bridge reader's
// LineSplitter (fed in read-sized pieces), each line parsed by whatsapp::parse_bridge_event, and
// message events mapped by map_inbound with the LID table the connection keeps. Invariants: lines
// do not depend on where the reads were cut and respect the size limit; a bad line has a reason;
// only registered chats get a stored message; commands built from parsed fields are one JSON line
// that carries them back unchanged.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "nanoclaw/channels/whatsapp/bridge_process.hpp"
#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"
#include "nanoclaw/channels/whatsapp/mapping.hpp"

using namespace nanoclaw;
using namespace nanoclaw::channels::whatsapp;

namespace {

// Smaller than the daemon's 1 MiB so the oversized-line path is reachable.
constexpr std::size_t k_max_line = 2048;

struct Split {
    std::vector<std::string> lines;
    std::vector<std::size_t> oversized;
    bool operator==(const Split&) const = default;
};

template <typename Pieces>
Split split(const Pieces& pieces) {
    Split out;
    LineSplitter splitter(k_max_line);
    const std::function<void(std::string)> on_line = [&](std::string l) { out.lines.push_back(std::move(l)); };
    const std::function<void(std::size_t)> on_big = [&](std::size_t n) { out.oversized.push_back(n); };
    for (const auto piece : pieces) splitter.feed(piece, on_line, on_big);
    if (auto last = splitter.finish()) out.lines.push_back(std::move(*last));
    return out;
}

bool registered(const std::string& jid) {
    return jid == "120363000000000001@g.us" || jid == "15551234567@s.whatsapp.net";
}

void check_send_round_trip(const std::string& jid, const std::string& text) {
    const auto line = encode_send(42, jid, text);
    FUZZ_CHECK(line.back() == '\n' && line.find('\n') == line.size() - 1);
    const auto j = nlohmann::json::parse(line);
    FUZZ_CHECK(j["jid"] == jid && j["text"] == text && j["request_id"] == 42);
}

void handle(const BridgeEvent& event, LidTranslator& lids) {
    if (const auto* c = std::get_if<ConnectedEvent>(&event)) lids.set_own(c->id, c->lid);
    if (const auto* m = std::get_if<LidMappingEvent>(&event)) lids.add(m->lid, m->pn);
    const auto* msg = std::get_if<MessageEvent>(&event);
    if (msg == nullptr) return;
    check_send_round_trip(msg->remote_jid, msg->content.conversation);
    for (const bool own_number : {false, true}) {
        MappingOptions options;
        options.assistant_has_own_number = own_number;
        const auto in = map_inbound(*msg, lids, options, registered);
        if (!in || !in->message) continue;
        FUZZ_CHECK(registered(in->message->chat_jid));
        FUZZ_CHECK(!in->message->content.empty());
        FUZZ_CHECK(in->chat.jid == in->message->chat_jid);
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto input = fuzz::as_text(data, size);
    const auto by_reads = split(fuzz::chunked(input));
    FUZZ_CHECK(by_reads == split(std::vector<std::string_view>{input}));

    LidTranslator lids;
    for (const auto& line : by_reads.lines) {
        FUZZ_CHECK(line.size() <= k_max_line && line.find('\n') == std::string::npos);
        try {
            const auto event = parse_bridge_event(line);
            if (!event) {
                FUZZ_CHECK(!event.error().empty());
                continue;
            }
            handle(*event, lids);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "bridge line handling threw: %s\n", e.what());
            std::abort();
        }
    }
    for (const auto n : by_reads.oversized) FUZZ_CHECK(n > k_max_line);
    return 0;
}

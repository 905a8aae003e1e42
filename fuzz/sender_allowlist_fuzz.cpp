// SPDX-License-Identifier: MIT
// The sender allowlist file (router::parse_sender_allowlist, load_sender_allowlist and the
// SenderAllowlistFile the daemon polls). Invariants: the file path and the text path agree; the
// parsed allowlist, written back as JSON, parses to itself with no warning; the predicates follow
// the chat's own rule or the default one.
#include <cstddef>
#include <cstdint>

#include <nlohmann/json.hpp>

#include "fuzz_support.hpp"
#include "nanoclaw/router/sender_allowlist.hpp"

using namespace nanoclaw;
using nlohmann::json;

namespace {

json encode(const router::AllowlistEntry& entry) {
    json out = json::object();
    if (std::holds_alternative<router::AllowAnySender>(entry.allow)) {
        out["allow"] = "*";
    } else {
        out["allow"] = std::get<std::vector<std::string>>(entry.allow);
    }
    out["mode"] = entry.mode == router::AllowlistMode::drop ? "drop" : "trigger";
    return out;
}

std::string encode(const router::SenderAllowlist& list) {
    json out = json::object();
    out["default"] = encode(list.default_entry);
    out["chats"] = json::object();
    for (const auto& [jid, entry] : list.chats) out["chats"][jid] = encode(entry);
    out["logDenied"] = list.log_denied;
    return out.dump(-1, ' ', false, json::error_handler_t::strict);
}

bool listed(const router::AllowlistEntry& entry, std::string_view sender) {
    if (std::holds_alternative<router::AllowAnySender>(entry.allow)) return true;
    const auto& senders = std::get<std::vector<std::string>>(entry.allow);
    return std::find(senders.begin(), senders.end(), sender) != senders.end();
}

void check_predicates(const router::SenderAllowlist& list, std::string_view jid,
                      std::string_view sender) {
    const auto& entry = router::allowlist_entry_for(list, jid);
    const auto own = list.chats.find(jid);
    FUZZ_CHECK(&entry == (own != list.chats.end() ? &own->second : &list.default_entry));
    FUZZ_CHECK(router::is_sender_allowed(list, jid, sender) == listed(entry, sender));
    FUZZ_CHECK(router::is_trigger_allowed(list, jid, sender) == listed(entry, sender));
    FUZZ_CHECK(router::should_drop_message(list, jid) == (entry.mode == router::AllowlistMode::drop));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    fuzz::quiet_logging();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto text = fuzz::as_text(data, size);
    const auto parsed = router::parse_sender_allowlist(text);
    for (const auto& w : parsed.warnings) FUZZ_CHECK(!w.empty());

    const auto again = router::parse_sender_allowlist(encode(parsed.allowlist));
    FUZZ_CHECK(again.warnings.empty());
    FUZZ_CHECK(again.allowlist == parsed.allowlist);

    const auto file = fuzz::scratch_dir() / "sender-allowlist.json";
    fuzz::write_file(file, text);
    FUZZ_CHECK(router::load_sender_allowlist(file) == parsed.allowlist);
    router::SenderAllowlistFile polled(file);
    FUZZ_CHECK(polled.current() == parsed.allowlist);

    const std::string_view senders[] = {"", "alice", "*", "123@s.whatsapp.net"};
    for (const auto sender : senders) check_predicates(parsed.allowlist, "nobody@g.us", sender);
    for (const auto& [jid, entry] : parsed.allowlist.chats) {
        check_predicates(parsed.allowlist, jid, "alice");
        if (const auto* list = std::get_if<std::vector<std::string>>(&entry.allow))
            for (const auto& s : *list) FUZZ_CHECK(router::is_sender_allowed(parsed.allowlist, jid, s));
    }
    return 0;
}

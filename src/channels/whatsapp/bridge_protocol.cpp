// SPDX-License-Identifier: MIT
#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"

#include <climits>
#include <cstdint>
#include <functional>
#include <map>

#include <nlohmann/json.hpp>

#include "nanoclaw/core/iso_time.hpp"

namespace nanoclaw::channels::whatsapp {
namespace {

using json = nlohmann::json;
using Parsed = tl::expected<BridgeEvent, std::string>;

// Field readers: a field that is present with the wrong type is an error; an absent one is the
// default (the bridge omits empty values at its own discretion).
struct Fields {
    const json& j;
    std::string error;

    std::string str(const char* key) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return {};
        if (!it->is_string()) {
            fail(key, "a string");
            return {};
        }
        return it->get<std::string>();
    }
    // Past INT64_MAX nlohmann keeps the number as unsigned, and reading it as int64 would wrap
    // to a negative id: such a value is refused like any other wrong one.
    std::int64_t integer(const char* key) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return 0;
        if (!it->is_number_integer() ||
            (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
            fail(key, "an integer");
            return 0;
        }
        return it->get<std::int64_t>();
    }
    // An integer that must fit an int (a disconnect reason code).
    int small_integer(const char* key) {
        const auto value = integer(key);
        if (value < INT_MIN || value > INT_MAX) {
            fail(key, "an integer");
            return 0;
        }
        return static_cast<int>(value);
    }
    bool boolean(const char* key) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return false;
        if (!it->is_boolean()) {
            fail(key, "a boolean");
            return false;
        }
        return it->get<bool>();
    }
    const json* object(const char* key) {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return nullptr;
        if (!it->is_object()) {
            fail(key, "an object");
            return nullptr;
        }
        return &*it;
    }
    void fail(const char* key, const char* what) {
        if (error.empty()) error = std::string("field ") + key + " is not " + what;
    }
    Parsed done(BridgeEvent event) const {
        if (!error.empty()) return tl::make_unexpected(error);
        return event;
    }
};

Parsed message_event(Fields& f) {
    MessageEvent m;
    m.upsert = f.str("upsert");
    m.id = f.str("id");
    m.remote_jid = f.str("remote_jid");
    m.participant = f.str("participant");
    m.from_me = f.boolean("from_me");
    m.push_name = f.str("push_name");
    m.timestamp = f.integer("timestamp");
    // Seconds since the epoch; timestamps become ISO text through TimePoint (years 1678-2262).
    if (!core::from_unix_seconds(m.timestamp)) f.fail("timestamp", "a Unix time in range");
    m.sender_pn = f.str("sender_pn");
    m.remote_jid_pn = f.str("remote_jid_pn");
    m.participant_pn = f.str("participant_pn");
    if (const json* c = f.object("content")) {
        Fields cf{*c, {}};
        m.content = {cf.str("conversation"), cf.str("extended_text"), cf.str("image_caption"), cf.str("video_caption")};
        if (!cf.error.empty()) return tl::make_unexpected("content: " + cf.error);
    }
    if (m.remote_jid.empty()) f.fail("remote_jid", "a non-empty string");
    return f.done(std::move(m));
}

Parsed groups_event(Fields& f) {
    GroupsEvent g;
    g.request_id = f.integer("request_id");
    const auto it = f.j.find("groups");
    if (it == f.j.end() || !it->is_array()) return tl::make_unexpected(std::string("field groups is not an array"));
    for (const auto& item : *it) {
        if (!item.is_object()) return tl::make_unexpected(std::string("a group is not an object"));
        Fields gf{item, {}};
        Group group{gf.str("jid"), gf.str("subject")};
        if (!gf.error.empty()) return tl::make_unexpected("groups: " + gf.error);
        g.groups.push_back(std::move(group));
    }
    return f.done(std::move(g));
}

Parsed connected_event(Fields& f) {
    ConnectedEvent c;
    if (const json* user = f.object("user")) {
        Fields uf{*user, {}};
        c = {uf.str("id"), uf.str("lid"), uf.str("name")};
        if (!uf.error.empty()) return tl::make_unexpected("user: " + uf.error);
    }
    return f.done(std::move(c));
}

using Reader = std::function<Parsed(Fields&)>;

const std::map<std::string, Reader, std::less<>>& readers() {
    static const std::map<std::string, Reader, std::less<>> table{
        {"started", [](Fields& f) { return f.done(StartedEvent{f.str("bridge_version"), f.str("baileys_version"), f.boolean("registered")}); }},
        {"qr", [](Fields& f) { return f.done(QrEvent{f.str("data")}); }},
        {"pairing_code", [](Fields& f) { return f.done(PairingCodeEvent{f.str("code")}); }},
        {"connected", connected_event},
        {"disconnected", [](Fields& f) { return f.done(DisconnectedEvent{f.small_integer("reason"), f.str("message")}); }},
        {"message", message_event},
        {"lid_mapping", [](Fields& f) { return f.done(LidMappingEvent{f.str("lid"), f.str("pn")}); }},
        {"groups", groups_event},
        {"sent", [](Fields& f) { return f.done(SentEvent{f.integer("request_id"), f.str("id")}); }},
        {"send_failed", [](Fields& f) { return f.done(SendFailedEvent{f.integer("request_id"), f.str("error")}); }},
        {"receipt", [](Fields& f) { return f.done(ReceiptEvent{f.str("id"), f.str("jid"), f.str("status")}); }},
        {"creds_saved", [](Fields& f) { return f.done(CredsSavedEvent{}); }},
        {"logged_out", [](Fields& f) { return f.done(LoggedOutEvent{}); }},
        {"error", [](Fields& f) { return f.done(ErrorEvent{f.str("error"), f.integer("request_id")}); }},
    };
    return table;
}

std::string line(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

} // namespace

tl::expected<BridgeEvent, std::string> parse_bridge_event(std::string_view text) {
    if (text.size() > k_max_bridge_line) return tl::make_unexpected(std::string("line longer than 1 MiB"));
    const auto j = json::parse(text, nullptr, false);
    if (j.is_discarded()) return tl::make_unexpected(std::string("not JSON"));
    if (!j.is_object()) return tl::make_unexpected(std::string("not a JSON object"));
    const auto type = j.find("type");
    if (type == j.end() || !type->is_string()) return tl::make_unexpected(std::string("no type"));
    const auto reader = readers().find(type->get<std::string>());
    if (reader == readers().end()) return tl::make_unexpected("unknown type " + type->get<std::string>());
    Fields fields{j, {}};
    return reader->second(fields);
}

std::string encode_connect() {
    return line(json{{"cmd", "connect"}});
}

std::string encode_send(std::int64_t request_id, std::string_view jid, std::string_view text) {
    return line(json{{"cmd", "send"}, {"request_id", request_id}, {"jid", jid}, {"text", text}});
}

std::string encode_presence(std::string_view jid, bool composing) {
    return line(json{{"cmd", "presence"}, {"jid", jid}, {"state", composing ? "composing" : "paused"}});
}

std::string encode_fetch_groups(std::int64_t request_id) {
    return line(json{{"cmd", "fetch_groups"}, {"request_id", request_id}});
}

std::string encode_logout() {
    return line(json{{"cmd", "logout"}});
}

std::string encode_shutdown() {
    return line(json{{"cmd", "shutdown"}});
}

} // namespace nanoclaw::channels::whatsapp

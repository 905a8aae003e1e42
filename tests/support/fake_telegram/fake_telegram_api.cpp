// SPDX-License-Identifier: MIT
// The Bot API as the fake serves it: routing /bot<token>/<method>, parameters from the query
// string and a JSON or form body, scripted faults, then one handler per method.
#include "fake_telegram_impl.hpp"

#include <algorithm>
#include <array>
#include <charconv>

namespace nanoclaw::testing {
namespace {

using fake_telegram_detail::ApiError;
using fake_telegram_detail::error_reply;
using fake_telegram_detail::int_param;
using fake_telegram_detail::Json;
using fake_telegram_detail::lower;
using fake_telegram_detail::ok_reply;
using fake_telegram_detail::Reply;

constexpr std::array<const char*, 8> k_methods = {"getMe",      "deleteWebhook", "getWebhookInfo",
                                                  "getUpdates", "sendMessage",   "sendChatAction",
                                                  "getChat",    "setMyCommands"};
constexpr int k_max_json_depth = 64; // nlohmann parses recursively: refuse deep nesting first
constexpr const char* k_conflict = "Conflict: terminated by other getUpdates request; make sure "
                                   "that only one bot instance is running";

struct Route {
    std::string token;
    std::string method;
    std::string query;
};

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Percent-decoding; `plus_is_space` for query strings and form bodies.
std::string url_decode(std::string_view in, bool plus_is_space) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+' && plus_is_space) {
            out += ' ';
        } else if (in[i] == '%' && i + 2 < in.size() && hex_value(in[i + 1]) >= 0 &&
                   hex_value(in[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 2;
        } else {
            out += in[i];
        }
    }
    return out;
}

/// `/bot<token>/<method>[?query]`; nullopt for any other path.
std::optional<Route> parse_route(std::string_view target) {
    const auto q = target.find('?');
    const auto path = target.substr(0, q);
    Route route;
    if (q != std::string_view::npos) route.query = std::string(target.substr(q + 1));
    if (path.substr(0, 4) != "/bot") return std::nullopt;
    const auto slash = path.find('/', 4);
    if (slash == std::string_view::npos || slash == 4) return std::nullopt;
    route.token = url_decode(path.substr(4, slash - 4), false);
    route.method = url_decode(path.substr(slash + 1), false);
    if (route.method.empty() || route.method.find('/') != std::string::npos) return std::nullopt;
    for (const char* known : k_methods) {
        if (lower(route.method) == lower(known)) route.method = known;
    }
    return route;
}

/// `a=1&b=two` into `into` (values stay strings, as Telegram receives them).
void parse_pairs(std::string_view text, Json& into) {
    while (!text.empty()) {
        const auto amp = text.find('&');
        const auto pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        const auto name = url_decode(pair.substr(0, eq), true);
        into[name] = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1), true);
    }
}

/// Bracket depth outside strings; bounded work, one pass.
bool too_deep(std::string_view body) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > k_max_json_depth) return true;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

/// Query string, then the body on top; an error text when the body cannot be read.
std::optional<std::string> parse_params(const fake_telegram_detail::Request& req,
                                        const std::string& query, Json& params) {
    params = Json::object();
    parse_pairs(query, params);
    const auto type = lower(req.content_type);
    const bool looks_json = !req.body.empty() && req.body.front() == '{';
    if (type.find("application/json") != std::string::npos || (type.empty() && looks_json)) {
        if (req.body.empty()) return std::nullopt;
        if (too_deep(req.body)) return "Bad Request: JSON nested too deeply";
        auto body = Json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) return "Bad Request: invalid JSON body";
        for (auto& [name, value] : body.items())
            params[name] = value;
    } else if (type.find("application/x-www-form-urlencoded") != std::string::npos ||
               type.empty()) {
        parse_pairs(req.body, params);
    } else if (!req.body.empty()) {
        return "Bad Request: unsupported Content-Type (the fake reads JSON, forms, query strings)";
    }
    return std::nullopt;
}

/// A chat id from a number or a decimal string; "@channel" names are not supported.
std::optional<std::int64_t> chat_id_param(const Json& params) {
    return int_param(params, "chat_id");
}

} // namespace

FakeTelegram::Impl::Reply FakeTelegram::Impl::handle(const fake_telegram_detail::Request& req) {
    const auto route = parse_route(req.target);
    if (!route) return error_reply({404, "Not Found", {}});
    Json params;
    const auto bad_params = parse_params(req, route->query, params);
    Lock lock(mutex);
    calls.push_back({route->method, params, std::chrono::steady_clock::now(), route->token});
    if (route->token != token) return error_reply({401, "Unauthorized", {}});
    if (auto fault = scripted_fault(lock, route->method)) return *fault;
    if (bad_params) return error_reply({400, *bad_params, {}});
    return dispatch(lock, route->method, params);
}

/// Delay first (interruptible by shutdown), then drop, malformed, failure: one of each per call.
std::optional<FakeTelegram::Impl::Reply> FakeTelegram::Impl::scripted_fault(Lock& lock,
                                                                            const std::string& m) {
    const auto method = lower(m);
    if (auto it = delays.find(method); it != delays.end() && !it->second.empty()) {
        const auto delay = it->second.front();
        it->second.pop_front();
        if (cv.wait_for(lock, delay, [this] { return stopping; })) return Reply::dropped();
    }
    if (auto it = drops.find(method); it != drops.end() && it->second > 0) {
        --it->second;
        return Reply::dropped();
    }
    if (auto it = malformed.find(method); it != malformed.end() && it->second > 0) {
        --it->second;
        return Reply{200, "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"};
    }
    if (auto it = failures.find(method); it != failures.end() && !it->second.empty()) {
        auto error = it->second.front();
        it->second.pop_front();
        return error_reply(error);
    }
    return std::nullopt;
}

FakeTelegram::Impl::Reply FakeTelegram::Impl::dispatch(Lock& lock, const std::string& method,
                                                       const Json& params) {
    if (method == "getMe") return ok_reply(bot);
    if (method == "deleteWebhook" || method == "setMyCommands") return ok_reply(true);
    if (method == "getWebhookInfo") {
        return ok_reply({{"url", ""},
                         {"has_custom_certificate", false},
                         {"pending_update_count", pending.size()}});
    }
    if (method == "getUpdates") return get_updates(lock, params);
    if (method == "sendMessage") return send_message(params);
    if (method == "sendChatAction") return send_chat_action(params);
    if (method == "getChat") return get_chat(params);
    return error_reply({404, "Not Found", {}});
}

/// Confirms by offset, then answers at once when something is deliverable, else holds until a
/// push, a newer poll (409 for this one, as Telegram does), shutdown or the timeout.
FakeTelegram::Impl::Reply FakeTelegram::Impl::get_updates(Lock& lock, const Json& params) {
    if (conflict) return error_reply({409, k_conflict, {}});
    const auto offset = int_param(params, "offset").value_or(0);
    const auto limit = std::clamp<std::int64_t>(int_param(params, "limit").value_or(100), 1, 100);
    const auto timeout =
        std::clamp<std::int64_t>(int_param(params, "timeout").value_or(0), 0, 3600);
    if (params.contains("allowed_updates")) {
        auto list = params["allowed_updates"];
        if (list.is_string()) list = Json::parse(list.get<std::string>(), nullptr, false);
        if (!list.is_array())
            return error_reply({400, "Bad Request: can't parse allowed_updates", {}});
        allowed_updates.clear();
        for (const auto& t : list) {
            if (t.is_string()) allowed_updates.push_back(t.get<std::string>());
        }
    }
    acknowledge(offset);
    const auto generation = ++poll_generation;
    cv.notify_all();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
    for (;;) {
        auto batch = deliverable(offset, limit);
        if (!batch.empty() || stopping) return ok_reply(std::move(batch));
        if (conflict || generation != poll_generation) return error_reply({409, k_conflict, {}});
        if (cv.wait_until(lock, deadline) == std::cv_status::timeout) {
            return ok_reply(deliverable(offset, limit));
        }
    }
}

FakeTelegram::Impl::Reply FakeTelegram::Impl::send_message(const Json& params) {
    const auto chat_id = chat_id_param(params);
    if (!chat_id) return error_reply({400, "Bad Request: chat not found", {}});
    const auto text_it = params.find("text");
    if (text_it == params.end() || !text_it->is_string() || text_it->get<std::string>().empty()) {
        return error_reply({400, "Bad Request: message text is empty", {}});
    }
    const auto text = text_it->get<std::string>();
    const auto mode = params.contains("parse_mode") && params["parse_mode"].is_string()
                          ? lower(params["parse_mode"].get<std::string>())
                          : std::string();
    if (markdown_rejected && mode == "markdown") {
        return error_reply({400,
                            "Bad Request: can't parse entities: Can't find end of the entity "
                            "starting at byte offset 0",
                            {}});
    }
    if (fake_telegram_detail::utf16_length(text) > 4096) {
        return error_reply({400, "Bad Request: message is too long", {}});
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    Json message = {{"message_id", take_message_id(*chat_id)},
                    {"from", bot},
                    {"chat", chat_object(*chat_id)},
                    {"date", now.count()},
                    {"text", text}};
    sent.push_back(params);
    return ok_reply(std::move(message));
}

FakeTelegram::Impl::Reply FakeTelegram::Impl::send_chat_action(const Json& params) {
    if (!chat_id_param(params)) return error_reply({400, "Bad Request: chat not found", {}});
    const auto action = params.find("action");
    if (action == params.end() || !action->is_string() || action->get<std::string>().empty()) {
        return error_reply({400, "Bad Request: wrong parameter action in request", {}});
    }
    return ok_reply(true);
}

FakeTelegram::Impl::Reply FakeTelegram::Impl::get_chat(const Json& params) {
    const auto chat_id = chat_id_param(params);
    if (!chat_id) return error_reply({400, "Bad Request: chat not found", {}});
    return ok_reply(chat_object(*chat_id));
}

namespace fake_telegram_detail {

Reply ok_reply(Json result) {
    return Reply{200, Json{{"ok", true}, {"result", std::move(result)}}.dump(), "application/json"};
}

Reply error_reply(const ApiError& error) {
    Json body = {{"ok", false}, {"error_code", error.code}, {"description", error.description}};
    if (error.retry_after) body["parameters"] = {{"retry_after", *error.retry_after}};
    // Telegram's HTTP status equals error_code; keep it a valid status for odd scripted codes.
    const int status = error.code >= 100 && error.code <= 599 ? error.code : 500;
    return Reply{status, body.dump(), "application/json"};
}

std::optional<std::int64_t> int_param(const Json& params, const char* name) {
    const auto it = params.find(name);
    if (it == params.end()) return std::nullopt;
    if (it->is_number_integer()) return it->get<std::int64_t>();
    if (!it->is_string()) return std::nullopt;
    const auto& text = it->get_ref<const std::string&>();
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

} // namespace fake_telegram_detail
} // namespace nanoclaw::testing

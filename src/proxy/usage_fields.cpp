// SPDX-License-Identifier: MIT
// A JSON scanner for usage metering. It runs on every response the proxy relays, where a
// general parser cost more than the rest of the request's user-space work (nlohmann's lexer
// copies every string it meets char by char). This one validates the whole document but only
// decodes the keys and the few string values it needs.
#include "usage_fields.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "nanoclaw/core/unicode.hpp"

namespace nanoclaw::proxy {
namespace {

// ------------------------------------------------------------------ what the fields collect

/// Receives the document's events in order and keeps the fields usage metering reads.
class Collector {
public:
    explicit Collector(UsageFields& out) : out_(out) {}

    void key(std::string_view k) { key_ = key_of(k); }
    /// Where a string value under the current key is kept, or nullptr (then it is not decoded).
    std::string* string_target() {
        if (top() == Where::root) {
            if (key_ == Key::type) return &out_.type;
            if (key_ == Key::model) return &out_.model;
        } else if (top() == Where::message && key_ == Key::model) {
            return &out_.message_model;
        }
        return nullptr;
    }
    void string_value(std::string& v) {
        if (std::string* into = string_target()) into->swap(v);
        else other_value();
    }
    void integer_value(std::optional<std::int64_t> count) {
        if (auto* into = count_target()) *into = count;
        else other_value();
    }
    /// Any other value: it replaces what its key held (a count becomes unusable, a string
    /// field reads as empty, `usage` / `message` stop being objects).
    void other_value() {
        if (auto* into = count_target()) *into = std::nullopt;
        if (std::string* s = string_target()) s->clear();
        if (auto* usage = usage_for_key()) *usage = UsageFields::Usage{};
        if (top() == Where::root && key_ == Key::message) {
            out_.message_object = false;
            out_.message_model.clear();
            out_.message_usage = {};
        }
    }
    void open(bool object) { stack_.push_back(entered(object)); }
    void close() { stack_.pop_back(); }

private:
    enum class Where : std::uint8_t { root, message, usage, message_usage, other };
    /// The keys that matter, told apart once per key instead of by string at every test.
    enum class Key : std::uint8_t {
        other, type, model, usage, message, input, output, cache_creation, cache_read
    };

    static Key key_of(std::string_view k) {
        using namespace std::string_view_literals;
        if (k == "type"sv) return Key::type;
        if (k == "model"sv) return Key::model;
        if (k == "usage"sv) return Key::usage;
        if (k == "message"sv) return Key::message;
        if (k == "input_tokens"sv) return Key::input;
        if (k == "output_tokens"sv) return Key::output;
        if (k == "cache_creation_input_tokens"sv) return Key::cache_creation;
        if (k == "cache_read_input_tokens"sv) return Key::cache_read;
        return Key::other;
    }

    Where top() const { return stack_.empty() ? Where::other : stack_.back(); }

    UsageFields::Usage* usage_for_key() {
        if (key_ != Key::usage) return nullptr;
        if (top() == Where::root) return &out_.usage;
        if (top() == Where::message) return &out_.message_usage;
        return nullptr;
    }

    std::optional<std::int64_t>* count_target() {
        UsageCounts* counts = top() == Where::usage           ? &out_.usage.counts
                              : top() == Where::message_usage ? &out_.message_usage.counts
                                                              : nullptr;
        if (!counts) return nullptr;
        switch (key_) {
        case Key::input: return &counts->input;
        case Key::output: return &counts->output;
        case Key::cache_creation: return &counts->cache_creation;
        case Key::cache_read: return &counts->cache_read;
        default: return nullptr;
        }
        return nullptr;
    }

    // Entering a container: what it is, and what it replaces.
    Where entered(bool object) {
        if (stack_.empty()) return object ? Where::root : Where::other;
        if (auto* usage = usage_for_key(); usage && object) {
            *usage = UsageFields::Usage{true, {}};
            return top() == Where::root ? Where::usage : Where::message_usage;
        }
        if (object && top() == Where::root && key_ == Key::message) {
            out_.message_object = true;
            out_.message_model.clear();
            out_.message_usage = {};
            return Where::message;
        }
        other_value();
        return Where::other;
    }

    UsageFields& out_;
    std::vector<Where> stack_;
    Key key_ = Key::other;
};

// ------------------------------------------------------------------ the scanner

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

// Bytes a JSON string passes through as they are: not '"', '\\', a control byte or non-ASCII.
constexpr auto k_plain = [] {
    std::array<bool, 256> plain{};
    for (int b = 0x20; b < 0x80; ++b) plain[static_cast<std::size_t>(b)] = b != '"' && b != '\\';
    return plain;
}();

class Scanner {
public:
    Scanner(std::string_view text, Collector& collector) : s_(text), c_(collector) {}

    bool document() {
        skip_ws();
        if (!at('{')) return false; // only an object can carry usage
        if (!value()) return false;
        skip_ws();
        return i_ == s_.size();
    }

private:
    bool at(char ch) const { return i_ < s_.size() && s_[i_] == ch; }

    void skip_ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }

    // One value, containers included. Iterative, so nesting depth costs heap, not stack.
    bool value() {
        for (;;) {
            skip_ws();
            if (i_ >= s_.size()) return false;
            const char ch = s_[i_];
            if (ch == '{' || ch == '[') {
                ++i_;
                c_.open(ch == '{');
                containers_.push_back(ch);
                skip_ws();
                if (at(ch == '{' ? '}' : ']')) {
                    ++i_;
                    if (!closed()) return false;
                } else if (ch == '{') {
                    if (!member_key()) return false;
                    continue;
                } else {
                    continue; // the array's first element
                }
            } else if (!scalar()) {
                return false;
            }
            // After a complete value: continue the enclosing containers or finish.
            for (;;) {
                if (containers_.empty()) return true;
                skip_ws();
                if (at(',')) {
                    ++i_;
                    if (containers_.back() == '{' && !member_key()) return false;
                    break; // the next value
                }
                if (at(containers_.back() == '{' ? '}' : ']')) {
                    ++i_;
                    if (!closed()) return false;
                    continue;
                }
                return false;
            }
        }
    }

    bool closed() {
        containers_.pop_back();
        c_.close();
        return true;
    }

    // `"key" :` inside an object.
    bool member_key() {
        skip_ws();
        if (!at('"')) return false;
        key_.clear();
        if (!string(&key_)) return false;
        c_.key(key_);
        skip_ws();
        if (!at(':')) return false;
        ++i_;
        return true;
    }

    bool scalar() {
        const char ch = s_[i_];
        if (ch == '"') {
            std::string* target = c_.string_target();
            if (!target) {
                if (!string(nullptr)) return false;
                c_.other_value();
                return true;
            }
            value_.clear();
            if (!string(&value_)) return false;
            c_.string_value(value_);
            return true;
        }
        if (ch == '-' || (ch >= '0' && ch <= '9')) return number();
        if (word("true") || word("false") || word("null")) {
            c_.other_value();
            return true;
        }
        return false;
    }

    bool word(std::string_view w) {
        if (s_.compare(i_, w.size(), w) != 0) return false;
        i_ += w.size();
        return true;
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?  An integer in 0..INT64_MAX is a count;
    // anything else (negative, larger, fraction, exponent) is a number that counts nothing.
    bool number() {
        const auto start = i_;
        const bool negative = at('-');
        if (negative) ++i_;
        if (i_ >= s_.size() || s_[i_] < '0' || s_[i_] > '9') return false;
        std::uint64_t magnitude = 0;
        bool overflow = false;
        if (s_[i_] == '0') {
            ++i_;
        } else {
            while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
                const auto digit = static_cast<std::uint64_t>(s_[i_] - '0');
                if (magnitude > (UINT64_MAX - digit) / 10) overflow = true;
                else magnitude = magnitude * 10 + digit;
                ++i_;
            }
        }
        bool integer = true;
        if (at('.')) {
            integer = false;
            ++i_;
            if (!digits()) return false;
        }
        if (at('e') || at('E')) {
            integer = false;
            ++i_;
            if (at('+') || at('-')) ++i_;
            if (!digits()) return false;
        }
        // Past the integers, a number is a double: one too large for a double is malformed
        // (as RFC 8259 allows and JSON readers do), not infinity.
        if ((!integer || overflow) && !finite_double(s_.substr(start, i_ - start))) return false;
        // -0 is the integer 0, as in any JSON reader that keeps integers apart from floats.
        const bool count = integer && !overflow && (!negative || magnitude == 0) &&
                           magnitude <= static_cast<std::uint64_t>(INT64_MAX);
        c_.integer_value(count ? std::optional<std::int64_t>(static_cast<std::int64_t>(magnitude))
                               : std::nullopt);
        return true;
    }

    bool finite_double(std::string_view token) {
        value_.assign(token); // strtod needs the terminating NUL
        return std::isfinite(std::strtod(value_.c_str(), nullptr));
    }

    bool digits() {
        const auto start = i_;
        while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') ++i_;
        return i_ > start;
    }

    // A string at s_[i_] == '"'; decoded into `out` when given. Rejects raw control characters,
    // bad escapes, lone surrogates and malformed UTF-8.
    bool string(std::string* out) {
        ++i_;
        for (;;) {
            const auto run_start = i_;
            while (i_ < s_.size() && k_plain[static_cast<unsigned char>(s_[i_])]) ++i_;
            if (out) out->append(s_.data() + run_start, i_ - run_start);
            if (i_ >= s_.size()) return false;
            const auto b = static_cast<unsigned char>(s_[i_]);
            if (b == '"') {
                ++i_;
                return true;
            }
            if (b < 0x20) return false;
            if (b == '\\') {
                if (!escape(out)) return false;
            } else if (!utf8_sequence(out)) {
                return false;
            }
        }
    }

    bool escape(std::string* out) {
        ++i_;
        if (i_ >= s_.size()) return false;
        const char e = s_[i_++];
        char plain = 0;
        switch (e) {
        case '"': plain = '"'; break;
        case '\\': plain = '\\'; break;
        case '/': plain = '/'; break;
        case 'b': plain = '\b'; break;
        case 'f': plain = '\f'; break;
        case 'n': plain = '\n'; break;
        case 'r': plain = '\r'; break;
        case 't': plain = '\t'; break;
        case 'u': {
            std::uint32_t cp = 0;
            if (!hex4(cp)) return false;
            if (cp >= 0xDC00 && cp <= 0xDFFF) return false; // a low surrogate alone
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                std::uint32_t low = 0;
                if (!word("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            }
            if (out) append_utf8(*out, cp);
            return true;
        }
        default: return false;
        }
        if (out) out->push_back(plain);
        return true;
    }

    bool hex4(std::uint32_t& cp) {
        if (s_.size() - i_ < 4) return false;
        for (int k = 0; k < 4; ++k) {
            const char h = s_[i_++];
            std::uint32_t v = 0;
            if (h >= '0' && h <= '9') v = static_cast<std::uint32_t>(h - '0');
            else if (h >= 'a' && h <= 'f') v = static_cast<std::uint32_t>(h - 'a' + 10);
            else if (h >= 'A' && h <= 'F') v = static_cast<std::uint32_t>(h - 'A' + 10);
            else return false;
            cp = cp * 16 + v;
        }
        return true;
    }

    // One well-formed non-ASCII UTF-8 sequence (RFC 3629: no overlongs, no surrogates, nothing
    // past U+10FFFF), as the project's decoder reads it.
    bool utf8_sequence(std::string* out) {
        const auto unit = core::unicode::decode_utf8(s_, i_);
        if (unit.code_point >= core::unicode::k_malformed_base) return false;
        if (out) out->append(s_.substr(i_, unit.length));
        i_ += unit.length;
        return true;
    }

    std::string_view s_;
    std::size_t i_ = 0;
    Collector& c_;
    std::vector<char> containers_; ///< '{' or '[' per open container
    std::string key_, value_;      ///< reused across keys and values
};

} // namespace

std::optional<UsageFields> read_usage_fields(std::string_view json) {
    UsageFields fields;
    Collector collector(fields);
    Scanner scanner(json, collector);
    if (!scanner.document()) return std::nullopt;
    return fields;
}

} // namespace nanoclaw::proxy

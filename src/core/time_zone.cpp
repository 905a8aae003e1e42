// SPDX-License-Identifier: MIT
#include "nanoclaw/core/time_zone.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <map>
#include <mutex>
#include <optional>

namespace nanoclaw::core {
namespace {

using std::chrono::seconds;

// Where the OS keeps its compiled zones.
constexpr const char* k_zoneinfo_dir = "/usr/share/zoneinfo";
// Zone files are a few KB; anything this big is not one.
constexpr std::size_t k_max_file_size = 1 << 20;
// Open-ended spans start and end here: far outside any calendar date anyone asks about, yet
// small enough that adding a UTC offset cannot overflow (zic uses -2^59 for "the big bang").
constexpr SysSeconds k_min{seconds{-(std::int64_t{1} << 59)}};
constexpr SysSeconds k_max{seconds{std::int64_t{1} << 59}};
// RFC 8536 bounds a local time type's UT offset to -24:59:59..25:59:59.
constexpr std::int64_t k_min_utoff = -89999, k_max_utoff = 93599;

// IANA names: components of letters, digits, '_', '+', '-' ("America/Port-au-Prince",
// "Etc/GMT+3"), none empty or starting with '.', so the name cannot leave the zone directory.
// The leap-second and POSIX-rule copies of every zone (right/, posix/) are not offered.
std::optional<std::string> name_problem(std::string_view tz) {
    if (tz.empty()) return "empty name";
    if (tz.size() > 255) return "name too long";
    if (tz.front() == '/' || tz.back() == '/') return "not a zone name";
    std::size_t start = 0;
    while (start <= tz.size()) {
        const auto end = std::min(tz.find('/', start), tz.size());
        const auto part = tz.substr(start, end - start);
        if (part.empty() || part.front() == '.') return "not a zone name";
        for (const char c : part) {
            const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '_' || c == '+' || c == '-';
            if (!ok) return "not a zone name";
        }
        start = end + 1;
    }
    if (tz.rfind("posix/", 0) == 0 || tz.rfind("right/", 0) == 0) return "not a zone name";
    return std::nullopt;
}

// Reads a regular file whole; O_NONBLOCK so a FIFO planted under the name cannot hang us.
tl::expected<std::string, std::string> read_zone_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return tl::unexpected(std::string("no such zone"));
    struct stat st {};
    std::string data;
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
              static_cast<std::size_t>(st.st_size) <= k_max_file_size;
    if (ok) {
        data.resize(static_cast<std::size_t>(st.st_size));
        std::size_t got = 0;
        while (ok && got < data.size()) {
            const auto n = ::read(fd, data.data() + got, data.size() - got);
            ok = n > 0;
            if (ok) got += static_cast<std::size_t>(n);
        }
    }
    ::close(fd);
    if (!ok) return tl::unexpected(std::string("not a readable zone file"));
    return data;
}

// Big-endian cursor over the file; every read is bounds-checked by the caller's size check.
class Cursor {
  public:
    explicit Cursor(std::string_view data) : data_(data) {}
    bool has(std::size_t n) const { return data_.size() - pos_ >= n; }
    std::int64_t be(int bytes) {
        std::uint64_t v = 0;
        for (int i = 0; i < bytes; ++i)
            v = (v << 8) | static_cast<unsigned char>(data_[pos_++]);
        if (bytes < 8 && (v >> (bytes * 8 - 1)) != 0) v |= ~std::uint64_t{0} << (bytes * 8);
        return static_cast<std::int64_t>(v);
    }
    unsigned char byte() { return static_cast<unsigned char>(data_[pos_++]); }
    std::string_view take(std::size_t n) {
        const auto out = data_.substr(pos_, n);
        pos_ += n;
        return out;
    }
    std::string_view rest() const { return data_.substr(pos_); }

  private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

struct Header {
    char version = 0;
    std::int64_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

tl::expected<Header, std::string> read_header(Cursor& in) {
    if (!in.has(44) || in.take(4) != "TZif") return tl::unexpected(std::string("not a TZif file"));
    Header h;
    h.version = static_cast<char>(in.byte());
    in.take(15);
    h.isutcnt = in.be(4);
    h.isstdcnt = in.be(4);
    h.leapcnt = in.be(4);
    h.timecnt = in.be(4);
    h.typecnt = in.be(4);
    h.charcnt = in.be(4);
    for (const auto n : {h.isutcnt, h.isstdcnt, h.leapcnt, h.timecnt, h.typecnt, h.charcnt})
        if (n < 0 || n > static_cast<std::int64_t>(k_max_file_size))
            return tl::unexpected(std::string("bad TZif header counts"));
    if (h.typecnt == 0 || h.charcnt == 0 || (h.isutcnt != 0 && h.isutcnt != h.typecnt) ||
        (h.isstdcnt != 0 && h.isstdcnt != h.typecnt))
        return tl::unexpected(std::string("bad TZif header counts"));
    return h;
}

std::size_t block_size(const Header& h, int time_bytes) {
    const auto t = static_cast<std::size_t>(time_bytes);
    return static_cast<std::size_t>(h.timecnt) * (t + 1) + static_cast<std::size_t>(h.typecnt) * 6 +
           static_cast<std::size_t>(h.charcnt) + static_cast<std::size_t>(h.leapcnt) * (t + 4) +
           static_cast<std::size_t>(h.isstdcnt + h.isutcnt);
}

// POSIX TZ string pieces.
class RuleParser {
  public:
    explicit RuleParser(std::string_view s) : s_(s) {}
    bool done() const { return pos_ == s_.size(); }
    bool peek(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
    bool eat(char c) {
        if (!peek(c)) return false;
        ++pos_;
        return true;
    }
    bool digit() const { return pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9'; }

    // "EST" or "<+0330>": at least three characters.
    std::optional<std::string> name() {
        std::string out;
        if (eat('<')) {
            while (pos_ < s_.size() && s_[pos_] != '>') {
                const char c = s_[pos_++];
                const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                (c >= '0' && c <= '9') || c == '+' || c == '-';
                if (!ok) return std::nullopt;
                out += c;
            }
            if (!eat('>')) return std::nullopt;
        } else {
            while (pos_ < s_.size() &&
                   ((s_[pos_] >= 'A' && s_[pos_] <= 'Z') || (s_[pos_] >= 'a' && s_[pos_] <= 'z')))
                out += s_[pos_++];
        }
        if (out.size() < 3) return std::nullopt;
        return out;
    }

    std::optional<int> number(int max) {
        if (!digit()) return std::nullopt;
        int v = 0;
        while (digit()) {
            v = v * 10 + (s_[pos_++] - '0');
            if (v > max) return std::nullopt;
        }
        return v;
    }

    // [+-]hh[:mm[:ss]] with hours up to max_hours.
    std::optional<seconds> duration(int max_hours) {
        int sign = 1;
        if (eat('-'))
            sign = -1;
        else
            eat('+');
        const auto h = number(max_hours);
        if (!h) return std::nullopt;
        int m = 0, sec = 0;
        if (eat(':')) {
            const auto mm = number(59);
            if (!mm) return std::nullopt;
            m = *mm;
            if (eat(':')) {
                const auto ss = number(59);
                if (!ss) return std::nullopt;
                sec = *ss;
            }
        }
        return seconds{sign * (*h * 3600 + m * 60 + sec)};
    }

  private:
    std::string_view s_;
    std::size_t pos_ = 0;
};

} // namespace

// ---- PosixRule ----

tl::expected<PosixRule, std::string> PosixRule::parse(std::string_view text) {
    const auto bad = [&](const char* what) {
        return tl::unexpected("bad TZ rule \"" + std::string(text) + "\": " + what);
    };
    RuleParser p(text);
    PosixRule r;
    auto std_name = p.name();
    if (!std_name) return bad("standard-time name");
    auto std_off = p.duration(24);
    if (!std_off) return bad("standard-time offset");
    r.std_abbrev_ = *std_name;
    r.std_offset_ = -*std_off; // POSIX counts hours west of Greenwich
    if (p.done()) return r;

    auto dst_name = p.name();
    if (!dst_name) return bad("daylight-time name");
    r.has_dst_ = true;
    r.dst_abbrev_ = *dst_name;
    r.dst_offset_ = r.std_offset_ + seconds{3600};
    if (!p.done() && !p.peek(',')) {
        auto dst_off = p.duration(24);
        if (!dst_off) return bad("daylight-time offset");
        r.dst_offset_ = -*dst_off;
    }
    if (p.done()) { // no rule: the US rule, as glibc assumes
        r.start_ = Date{Date::month_week_day, 0, 3, 2};
        r.end_ = Date{Date::month_week_day, 0, 11, 1};
        return r;
    }
    const auto rule_date = [&p]() -> std::optional<Date> {
        if (p.eat('J')) {
            auto n = p.number(365);
            if (!n || *n < 1) return std::nullopt;
            return Date{Date::julian_no_leap, *n, 0, 0};
        }
        if (p.eat('M')) {
            auto m = p.number(12);
            if (!m || *m < 1 || !p.eat('.')) return std::nullopt;
            auto w = p.number(5);
            if (!w || *w < 1 || !p.eat('.')) return std::nullopt;
            auto wd = p.number(6);
            if (!wd) return std::nullopt;
            return Date{Date::month_week_day, *wd, *m, *w};
        }
        auto n = p.number(365);
        if (!n) return std::nullopt;
        return Date{Date::zero_based, *n, 0, 0};
    };
    // ",date[/time]" for the start, then the same for the end; nullopt = parsed, else the error.
    const auto rule_point = [&](const std::string& which, Date& date,
                                seconds& time) -> std::optional<std::string> {
        if (!p.eat(',')) return "expected ',' before the " + which + " date";
        auto d = rule_date();
        if (!d) return which + " date";
        date = *d;
        if (p.eat('/')) {
            auto t = p.duration(167);
            if (!t) return which + " time";
            time = *t;
        }
        return std::nullopt;
    };
    if (auto error = rule_point("start", r.start_, r.start_time_)) return bad(error->c_str());
    if (auto error = rule_point("end", r.end_, r.end_time_)) return bad(error->c_str());
    if (!p.done()) return bad("trailing characters");
    return r;
}

date::sys_days PosixRule::day_in(const Date& d, int year) {
    const date::year y{year};
    const date::sys_days jan1{y / date::January / 1};
    switch (d.kind) {
    case Date::julian_no_leap:
        return jan1 + date::days{d.day - 1 + ((y.is_leap() && d.day >= 60) ? 1 : 0)};
    case Date::zero_based:
        return jan1 + date::days{d.day};
    case Date::month_week_day:
        break;
    }
    const auto month = date::month{static_cast<unsigned>(d.month)};
    const date::sys_days first{y / month / 1};
    const int first_wd = static_cast<int>(date::weekday{first}.c_encoding());
    date::sys_days day = first + date::days{(d.day - first_wd + 7) % 7 + 7 * (d.week - 1)};
    while (date::year_month_day{day}.month() != month) // week 5 means the last one
        day -= date::days{7};
    return day;
}

void PosixRule::changes_in(int year, std::vector<Change>& out) const {
    // The start time is read on the standard-time clock, the end time on the daylight clock.
    out.push_back({day_in(start_, year) + start_time_ - std_offset_, true});
    out.push_back({day_in(end_, year) + end_time_ - dst_offset_, false});
}

ZoneSpan PosixRule::span_at(SysSeconds t, SysSeconds floor) const {
    if (!has_dst_) return ZoneSpan{floor, k_max, std_offset_, false, std_abbrev_};
    // Changes of five years around t; the first and last groups only seed the state (a year's
    // change can be cancelled by a neighbour's at the same instant: "DST all year" rules).
    const int year = static_cast<int>(date::year_month_day{
        date::floor<date::days>(std::clamp(t, SysSeconds{date::sys_days{date::year{2} / 1 / 1}},
                                           SysSeconds{date::sys_days{date::year{9998} / 1 / 1}}))}
                                          .year());
    std::vector<Change> changes;
    for (int y = year - 2; y <= year + 2; ++y)
        changes_in(y, changes);
    std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
        return a.at < b.at || (a.at == b.at && !a.to_dst && b.to_dst);
    });
    struct Edge {
        SysSeconds at;
        bool dst;
    };
    std::vector<Edge> edges; // effective changes: the state after each differs from before
    bool state = false;
    std::size_t i = 0;
    const auto apply_group = [&] {
        const auto at = changes[i].at;
        for (; i < changes.size() && changes[i].at == at; ++i)
            state = changes[i].to_dst;
        return at;
    };
    apply_group(); // seeds the state
    bool settled = state;
    while (i < changes.size()) {
        const auto at = apply_group();
        if (i == changes.size()) break; // the last group may miss its neighbour: not trusted
        if (state != settled) edges.push_back({at, state});
        settled = state;
    }
    bool dst = edges.empty() ? settled : !edges.front().dst;
    SysSeconds begin = floor, end = k_max;
    for (const auto& e : edges) {
        if (e.at <= t) {
            dst = e.dst;
            begin = std::max(e.at, floor);
        } else {
            end = e.at;
            break;
        }
    }
    return dst ? ZoneSpan{begin, end, dst_offset_, true, dst_abbrev_}
               : ZoneSpan{begin, end, std_offset_, false, std_abbrev_};
}

// ---- TimeZone ----

tl::expected<TimeZone, std::string> TimeZone::parse(std::string name, std::string_view tzif) {
    Cursor in(tzif);
    auto header = read_header(in);
    if (!header) return tl::unexpected(header.error());
    int time_bytes = 4;
    if (header->version >= '2') { // skip the 32-bit block: the 64-bit one follows
        if (!in.has(block_size(*header, 4))) return tl::unexpected(std::string("truncated TZif"));
        in.take(block_size(*header, 4));
        header = read_header(in);
        if (!header) return tl::unexpected(header.error());
        time_bytes = 8;
    }
    const Header& h = *header;
    if (!in.has(block_size(h, time_bytes))) return tl::unexpected(std::string("truncated TZif"));

    TimeZone z;
    z.name_ = std::move(name);
    z.transitions_.reserve(static_cast<std::size_t>(h.timecnt));
    for (std::int64_t k = 0; k < h.timecnt; ++k) {
        z.transitions_.push_back(in.be(time_bytes));
        // zic's earliest time is -2^59 ("the big bang"); a time beyond +-2^59 s is no civil
        // time, and one near the int64 limits overflowed when an offset was added to it.
        if (z.transitions_[k] < k_min.time_since_epoch().count() ||
            z.transitions_[k] > k_max.time_since_epoch().count())
            return tl::unexpected(std::string("TZif transition time out of range"));
        if (k > 0 && z.transitions_[k] <= z.transitions_[k - 1])
            return tl::unexpected(std::string("TZif transitions out of order"));
    }
    for (std::int64_t k = 0; k < h.timecnt; ++k) {
        const auto type = in.byte();
        if (type >= h.typecnt) return tl::unexpected(std::string("TZif type index out of range"));
        z.transition_type_.push_back(type);
    }
    struct RawType {
        std::int64_t utoff;
        unsigned char isdst, desig;
    };
    std::vector<RawType> raw;
    for (std::int64_t k = 0; k < h.typecnt; ++k) {
        RawType t{in.be(4), in.byte(), in.byte()};
        if (t.utoff < k_min_utoff || t.utoff > k_max_utoff || t.isdst > 1 || t.desig >= h.charcnt)
            return tl::unexpected(std::string("bad TZif local time type"));
        raw.push_back(t);
    }
    const auto chars = in.take(static_cast<std::size_t>(h.charcnt));
    for (const auto& t : raw) {
        const auto nul = chars.find('\0', t.desig);
        if (nul == std::string_view::npos)
            return tl::unexpected(std::string("unterminated TZif abbreviation"));
        z.types_.push_back(Type{seconds{t.utoff}, t.isdst == 1,
                                std::string(chars.substr(t.desig, nul - t.desig))});
    }
    // A transition to a type that reads the same (offset, daylight flag, abbreviation) changes
    // nothing a caller can see (it differs only in indicators zic keeps); it is not a transition.
    {
        const auto same = [&](std::size_t a, std::size_t b) {
            return z.types_[a].offset == z.types_[b].offset &&
                   z.types_[a].is_dst == z.types_[b].is_dst &&
                   z.types_[a].abbrev == z.types_[b].abbrev;
        };
        std::size_t kept = 0, current = 0;
        for (std::size_t k = 0; k < z.transitions_.size(); ++k) {
            if (same(z.transition_type_[k], current)) continue;
            current = z.transition_type_[k];
            z.transitions_[kept] = z.transitions_[k];
            z.transition_type_[kept++] = z.transition_type_[k];
        }
        z.transitions_.resize(kept);
        z.transition_type_.resize(kept);
    }
    // Leap-second records and the standard/UT indicators do not change civil time: skipped.
    in.take(static_cast<std::size_t>(h.leapcnt) * static_cast<std::size_t>(time_bytes + 4) +
            static_cast<std::size_t>(h.isstdcnt + h.isutcnt));

    if (time_bytes == 8) { // footer: "\n<POSIX TZ string>\n"
        const auto rest = in.rest();
        const auto close =
            rest.size() >= 2 && rest[0] == '\n' ? rest.find('\n', 1) : std::string_view::npos;
        if (close == std::string_view::npos) return tl::unexpected(std::string("bad TZif footer"));
        const auto rule_text = rest.substr(1, close - 1);
        if (!rule_text.empty()) {
            auto rule = PosixRule::parse(rule_text);
            if (!rule) return tl::unexpected(rule.error());
            z.footer_ = std::make_shared<const PosixRule>(std::move(*rule));
        }
    }
    return z;
}

ZoneSpan TimeZone::get_info(SysSeconds t) const {
    const auto s = t.time_since_epoch().count();
    const auto after = std::upper_bound(transitions_.begin(), transitions_.end(), s);
    const auto index = static_cast<std::size_t>(after - transitions_.begin());
    if (index == transitions_.size() && footer_) { // past the table: the footer rule
        const SysSeconds floor =
            transitions_.empty() ? k_min : SysSeconds{seconds{transitions_.back()}};
        return footer_->span_at(t, floor);
    }
    const Type& type = index == 0 ? types_.front() : types_[transition_type_[index - 1]];
    return ZoneSpan{index == 0 ? k_min : SysSeconds{seconds{transitions_[index - 1]}},
                    index == transitions_.size() ? k_max : SysSeconds{seconds{transitions_[index]}},
                    type.offset, type.is_dst, type.abbrev};
}

LocalSpan TimeZone::get_info(LocalSeconds wall) const {
    // Offsets stay within +-26 h, so every span the wall time can fall in overlaps this window.
    const SysSeconds x{wall.time_since_epoch()};
    constexpr seconds k_window{2 * 86400};
    std::vector<ZoneSpan> spans;
    spans.push_back(get_info(x - k_window));
    while (spans.size() < 16 && spans.back().end != k_max && spans.back().end <= x + k_window)
        spans.push_back(get_info(spans.back().end));

    LocalSpan out;
    int matches = 0;
    for (const auto& span : spans) {
        if (span.begin + span.offset <= x && x < span.end + span.offset) {
            (matches == 0 ? out.first : out.second) = span;
            if (++matches == 2) break;
        }
    }
    if (matches == 2) {
        out.result = LocalSpan::ambiguous;
    } else if (matches == 0) { // in a gap: the span before it and the one after
        out.result = LocalSpan::nonexistent;
        for (std::size_t k = 0; k + 1 < spans.size(); ++k) {
            if (spans[k].end + spans[k].offset <= x &&
                x < spans[k + 1].begin + spans[k + 1].offset) {
                out.first = spans[k];
                out.second = spans[k + 1];
                break;
            }
        }
    }
    return out;
}

tl::expected<const TimeZone*, std::string> TimeZone::locate(std::string_view name) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<const TimeZone>, std::less<>> zones;
    const std::lock_guard lock(mutex);
    if (const auto it = zones.find(name); it != zones.end()) return it->second.get();

    const auto fail = [&](const std::string& why) {
        return tl::unexpected("unknown time zone \"" + std::string(name) + "\": " + why);
    };
    if (const auto problem = name_problem(name)) return fail(*problem);
    auto bytes = read_zone_file(std::string(k_zoneinfo_dir) + "/" + std::string(name));
    std::optional<TimeZone> zone;
    if (bytes) {
        auto parsed = parse(std::string(name), *bytes);
        if (!parsed) return fail(parsed.error());
        zone.emplace(std::move(*parsed));
    } else if (name == "UTC") { // a system without tzdata still has UTC
        zone.emplace(TimeZone{});
        zone->name_ = "UTC";
        zone->types_.push_back(Type{seconds{0}, false, "UTC"});
    } else {
        return fail(bytes.error());
    }
    auto stored = std::make_unique<const TimeZone>(std::move(*zone));
    const TimeZone* ptr = stored.get();
    zones.emplace(std::string(name), std::move(stored));
    return ptr;
}

const TimeZone& TimeZone::locate_or_utc(std::string_view name) {
    if (auto zone = locate(name)) return **zone;
    return **locate("UTC"); // always loads, even without zone files
}

} // namespace nanoclaw::core

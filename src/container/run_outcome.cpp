// SPDX-License-Identifier: MIT
// Output caps (§5.9), the close decision table (§5.11) and the per-run log (§5.12, §12.3).
#include "nanoclaw/container/run_outcome.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "nanoclaw/container/marker_parser.hpp"
#include "nanoclaw/container/run_args.hpp"
#include "nanoclaw/core/env_file.hpp"

namespace nanoclaw::container {

namespace {

constexpr std::size_t k_stderr_tail = 200;

ContainerOutput error_output(std::string message) {
    return {OutputStatus::error, std::nullopt, std::nullopt, std::move(message), std::nullopt};
}

// Legacy mode: the first marker pair, else the last line of the output (§5.11 row 5).
ContainerOutput parse_legacy(std::string_view out) {
    std::string_view payload;
    const auto start = out.find(k_output_start_marker);
    const auto end = start == std::string_view::npos
                         ? std::string_view::npos
                         : out.find(k_output_end_marker, start + k_output_start_marker.size());
    if (end != std::string_view::npos) {
        const auto from = start + k_output_start_marker.size();
        payload = core::js_trim(out.substr(from, end - from));
    } else {
        const auto trimmed = core::js_trim(out);
        const auto nl = trimmed.rfind('\n');
        payload = nl == std::string_view::npos ? trimmed : trimmed.substr(nl + 1);
    }
    auto parsed = parse_container_output(payload);
    if (!parsed) return error_output("Failed to parse container output: " + parsed.error());
    return *parsed;
}

// The last `count` bytes, moved forward past any UTF-8 continuation bytes so the text stays valid.
std::string_view utf8_tail(std::string_view text, std::size_t count) {
    if (text.size() <= count) return text;
    auto from = text.size() - count;
    while (from < text.size() && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
    return text.substr(from);
}

std::string timestamp_for_file(core::TimePoint at) {
    auto iso = core::format_iso(at);
    std::replace(iso.begin(), iso.end(), ':', '-');
    std::replace(iso.begin(), iso.end(), '.', '-');
    return iso;
}

} // namespace

bool CappedBuffer::append(std::string_view chunk) {
    if (truncated_) return false;
    const auto room = cap_ - std::min(cap_, text_.size());
    if (chunk.size() <= room) {
        text_.append(chunk);
        return false;
    }
    text_.append(chunk.substr(0, room));
    truncated_ = true;
    return true;
}

std::chrono::milliseconds effective_hard_timeout(std::chrono::milliseconds config_timeout,
                                                 std::chrono::milliseconds idle_timeout,
                                                 std::chrono::milliseconds grace) {
    return std::max(config_timeout, idle_timeout + grace);
}

std::string exit_code_text(const std::optional<int>& code) {
    return code ? std::to_string(*code) : std::string("null");
}

namespace {

constexpr std::size_t k_headline_max = 300;

bool contains(std::string_view text, std::string_view what) {
    return text.find(what) != std::string_view::npos;
}

bool contains_nocase(std::string_view text, std::string_view what) {
    const auto lower = [](unsigned char c) { return static_cast<char>(std::tolower(c)); };
    return std::search(text.begin(), text.end(), what.begin(), what.end(), [&](char a, char b) {
               return lower(a) == lower(b);
           }) != text.end();
}

std::vector<std::string_view> stderr_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        auto line = core::js_trim(text.substr(0, nl));
        // The entrypoint's own progress notes say what it is doing, not what went wrong.
        if (!line.empty() && line.rfind("[entrypoint]", 0) != 0) lines.push_back(line);
        if (nl == std::string_view::npos) break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

// At most k_headline_max bytes, cut before a UTF-8 continuation byte so the text stays valid.
std::string headline(std::string_view line) {
    if (line.size() <= k_headline_max) return std::string(line);
    auto end = k_headline_max;
    while (end > 0 && (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) --end;
    return std::string(line.substr(0, end)) + "...";
}

// The line a person needs: the compiler's first error, else the first line that says "error",
// else the first line at all.
std::optional<std::string> first_useful_line(std::string_view err) {
    const auto lines = stderr_lines(err);
    for (auto line : lines)
        if (contains(line, "error TS")) return headline(line);
    for (auto line : lines)
        if (contains_nocase(line, "error")) return headline(line);
    if (!lines.empty()) return headline(lines.front());
    return std::nullopt;
}

} // namespace

std::optional<std::string> permanent_failure_of(const RunFacts& f) {
    if (f.timed_out || f.had_streaming_output || !f.exit_code || *f.exit_code == 0) return std::nullopt;
    const int code = *f.exit_code;
    const bool runtime_failed = code == 125 || code == 126 || code == 127;
    const bool loads_badly = contains(f.stderr_text, "error TS") ||
                             contains(f.stderr_text, "ERR_MODULE_NOT_FOUND") ||
                             contains(f.stderr_text, "SyntaxError:");
    if (!runtime_failed && code != k_exit_runner_compile_failed && !loads_badly) return std::nullopt;
    if (auto line = first_useful_line(f.stderr_text)) return line;
    return fmt::format("the container exited with code {} and no message", code);
}

ContainerOutput decide_outcome(const RunFacts& f) {
    if (f.timed_out && f.had_streaming_output) {
        return {OutputStatus::success, std::nullopt, f.latest_session_id, std::nullopt, std::nullopt};
    }
    if (f.timed_out) {
        return error_output(fmt::format("Container timed out after {}ms", f.config_timeout_ms));
    }
    if (f.exit_code != 0) {
        auto out = error_output(fmt::format("Container exited with code {}: {}",
                                            exit_code_text(f.exit_code),
                                            utf8_tail(f.stderr_text, k_stderr_tail)));
        out.permanent_failure = permanent_failure_of(f);
        return out;
    }
    if (f.streaming) return {OutputStatus::success, std::nullopt, f.latest_session_id, std::nullopt, std::nullopt};
    return parse_legacy(f.stdout_text);
}

std::filesystem::path run_log_path(const std::filesystem::path& logs_dir, core::TimePoint at) {
    return logs_dir / ("container-" + timestamp_for_file(at) + ".log");
}

namespace {

std::string timeout_log(const RunLogData& d) {
    return fmt::format("=== Container Run Log (TIMEOUT) ===\nTimestamp: {}\nGroup: {}\n"
                       "Container: {}\nDuration: {}ms\nExit Code: {}\nHad Streaming Output: {}",
                       core::format_iso(d.started), d.group_name, d.container_name,
                       d.duration_ms, exit_code_text(d.facts.exit_code),
                       d.facts.had_streaming_output);
}

void append_mounts(std::string& log, const RunLogData& d, bool with_host) {
    log += "=== Mounts ===\n";
    for (const auto& m : d.mounts) {
        if (with_host) log += m.host_path + " -> ";
        log += m.container_path + (m.readonly ? " (ro)" : "") + "\n";
    }
}

void append_verbose(std::string& log, const RunLogData& d) {
    if (d.verbose) {
        log += "=== Input ===\n" + d.input_json_pretty + "\n\n";
    } else {
        // §12.3: a failed run's prompt stays out of the log unless logging is verbose.
        log += fmt::format("=== Input Summary ===\nPrompt length: {} chars\nSession ID: {}\n\n",
                           d.prompt_length, d.session_id.value_or("new"));
    }
    log += "=== Container Args ===\n" + loggable_args(d.argv) + "\n\n";
    append_mounts(log, d, true);
    log += "\n";
    const bool err_cut = d.err && d.err->truncated();
    const bool out_cut = d.out && d.out->truncated();
    log += fmt::format("=== Stderr{} ===\n{}\n\n", err_cut ? " (TRUNCATED)" : "",
                       d.err ? d.err->text() : std::string());
    log += fmt::format("=== Stdout{} ===\n{}", out_cut ? " (TRUNCATED)" : "",
                       d.out ? d.out->text() : std::string());
}

} // namespace

std::string format_run_log(const RunLogData& d) {
    if (d.facts.timed_out) return timeout_log(d);
    std::string log = fmt::format(
        "=== Container Run Log ===\nTimestamp: {}\nGroup: {}\nIsMain: {}\nDuration: {}ms\n"
        "Exit Code: {}\nStdout Truncated: {}\nStderr Truncated: {}\n\n",
        core::format_iso(d.started), d.group_name, d.is_main, d.duration_ms,
        exit_code_text(d.facts.exit_code), d.out && d.out->truncated(),
        d.err && d.err->truncated());
    if (d.verbose || d.facts.exit_code != 0) {
        append_verbose(log, d);
    } else {
        log += fmt::format("=== Input Summary ===\nPrompt length: {} chars\nSession ID: {}\n\n",
                           d.prompt_length, d.session_id.value_or("new"));
        append_mounts(log, d, false);
        log += "\n";
    }
    return log;
}

} // namespace nanoclaw::container

namespace nanoclaw::container {

std::size_t utf16_length(std::string_view utf8) {
    std::size_t units = 0;
    for (unsigned char c : utf8) {
        if ((c & 0xC0) == 0x80) continue; // continuation byte
        units += c >= 0xF0 ? 2 : 1;       // 4-byte sequences are surrogate pairs in UTF-16
    }
    return units;
}

} // namespace nanoclaw::container

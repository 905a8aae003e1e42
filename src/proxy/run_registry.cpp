// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/run_registry.hpp"

#include <sys/random.h>

#include <cerrno>
#include <cstring>

#include "nanoclaw/core/errors.hpp"

namespace nanoclaw::proxy {
namespace {

constexpr std::string_view k_prefix = "/r/";

// Straight from the kernel CSPRNG: OpenSSL's RAND_bytes would initialise the whole library (config,
// providers, ~3 MB resident) in a daemon that may never open a TLS connection.
void fill_random(unsigned char* out, std::size_t size) {
    while (size > 0) {
        const auto n = ::getrandom(out, size, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            // Without a CSPRNG the admission check would be guessable: refuse to start the run.
            throw core::FatalError(std::string("getrandom failed: cannot create a run token: ") +
                                   std::strerror(errno));
        }
        out += n;
        size -= static_cast<std::size_t>(n);
    }
}

std::string random_token() {
    unsigned char bytes[k_run_token_length / 2];
    fill_random(bytes, sizeof bytes);
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string token;
    token.reserve(k_run_token_length);
    for (unsigned char b : bytes) {
        token.push_back(k_hex[b >> 4]);
        token.push_back(k_hex[b & 15]);
    }
    return token;
}

} // namespace

std::string RunRegistry::add(std::string group_folder, Admission admission) {
    std::string token = random_token();
    std::lock_guard lock(mutex_);
    runs_.emplace(token, Run{std::move(group_folder), admission == Admission::live});
    return token;
}

bool RunRegistry::activate(std::string_view token) {
    std::lock_guard lock(mutex_);
    const auto it = runs_.find(std::string(token));
    if (it == runs_.end()) return false;
    it->second.live = true;
    return true;
}

void RunRegistry::remove(std::string_view token) {
    std::lock_guard lock(mutex_);
    runs_.erase(std::string(token));
}

std::optional<std::string> RunRegistry::lookup(std::string_view token) const {
    if (token.size() != k_run_token_length) return std::nullopt;
    std::lock_guard lock(mutex_);
    const auto it = runs_.find(std::string(token));
    if (it == runs_.end() || !it->second.live) return std::nullopt;
    return it->second.group_folder;
}

std::size_t RunRegistry::size() const {
    std::lock_guard lock(mutex_);
    return runs_.size();
}

std::optional<RunTarget> split_run_target(std::string_view target) {
    if (target.substr(0, k_prefix.size()) != k_prefix) return std::nullopt;
    const std::string_view rest = target.substr(k_prefix.size());
    const auto end = rest.find_first_of("/?");
    const std::string_view token = rest.substr(0, end);
    if (token.empty()) return std::nullopt;
    if (end == std::string_view::npos) return RunTarget{token, "/"};
    if (rest[end] == '?') return RunTarget{token, "/" + std::string(rest.substr(end))};
    return RunTarget{token, std::string(rest.substr(end))};
}

std::string run_path_prefix(std::string_view token) {
    return std::string(k_prefix) + std::string(token);
}

} // namespace nanoclaw::proxy

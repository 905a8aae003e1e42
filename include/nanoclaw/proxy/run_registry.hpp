// SPDX-License-Identifier: MIT
// Per-run identity: every container run gets a random token that the proxy admits only while the
// run is live, so no other local process or container can spend the user's credits.
#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nanoclaw::proxy {

/// Thread-safe map of run tokens to group folders.
class RunRegistry {
public:
    /// Whether a new token admits requests at once (a cold run) or only after activate() (a warm
    /// container: it is started with its token in the environment, and the token grants nothing
    /// until a message takes the container).
    enum class Admission { live, dormant };

    /// Creates a fresh token (48 hex characters from the OS CSPRNG) bound to `group_folder`.
    std::string add(std::string group_folder, Admission admission = Admission::live);
    /// Makes a dormant token live; false when the token is unknown (released meanwhile).
    bool activate(std::string_view token);
    /// Forgets `token`; unknown tokens are ignored, so release is idempotent.
    void remove(std::string_view token);
    /// The group folder of a live token, or nullopt (unknown, released or still dormant).
    std::optional<std::string> lookup(std::string_view token) const;
    std::size_t size() const;

private:
    struct Run {
        std::string group_folder;
        bool live = false;
    };
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Run> runs_;
};

/// The token length produced by RunRegistry::add.
inline constexpr std::size_t k_run_token_length = 48;

/// A request target split into the run token and the path forwarded upstream.
struct RunTarget {
    std::string_view token;
    std::string upstream_target; ///< always starts with '/'
};

/// Splits "/r/<token>/rest?query" into token and "/rest?query" ("/r/<token>" alone and
/// "/r/<token>?q" give "/" and "/?q"). Anything else is nullopt.
std::optional<RunTarget> split_run_target(std::string_view target);

/// The path prefix that carries `token` inside ANTHROPIC_BASE_URL.
std::string run_path_prefix(std::string_view token);

} // namespace nanoclaw::proxy

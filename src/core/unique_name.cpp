// SPDX-License-Identifier: MIT
#include "nanoclaw/core/unique_name.hpp"

#include <chrono>
#include <random>

namespace nanoclaw::core {

std::string random_base36(std::size_t length) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    static constexpr char k_alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::uniform_int_distribution<int> pick(0, 35);
    std::string out;
    out.reserve(length);
    for (std::size_t i = 0; i < length; ++i) out += k_alphabet[pick(rng)];
    return out;
}

std::string timestamped_name(std::size_t random_length) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    return std::to_string(ms) + "-" + random_base36(random_length);
}

} // namespace nanoclaw::core

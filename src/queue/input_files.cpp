// SPDX-License-Identifier: MIT
#include "input_files.hpp"

#include <chrono>
#include <fstream>
#include <random>

namespace nanoclaw::queue {

std::string unique_input_name() {
    static thread_local std::mt19937 rng{std::random_device{}()};
    static constexpr char k_alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    std::uniform_int_distribution<int> pick(0, 35);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    std::string name = std::to_string(ms) + "-";
    for (int i = 0; i < 4; ++i) name += k_alphabet[pick(rng)];
    return name;
}

bool write_file_atomically(const std::filesystem::path& dir, const std::string& name,
                           const std::string& body) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return false;
    const auto tmp = dir / (name + ".tmp");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
        if (!out.flush()) return false;
    }
    std::filesystem::rename(tmp, dir / name, ec);
    if (ec) {
        std::filesystem::remove(tmp, ec);
        return false;
    }
    return true;
}

} // namespace nanoclaw::queue

// SPDX-License-Identifier: MIT
#include "input_files.hpp"

#include "nanoclaw/core/unique_name.hpp"

#include <chrono>
#include <fstream>

namespace nanoclaw::queue {

std::string unique_input_name() { return core::timestamped_name(4); }

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

// SPDX-License-Identifier: MIT
// A fresh directory per test, removed when the test ends.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace nanoclaw::testing {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    /// Writes `content` to path()/relative (creating parent directories) and returns the path.
    std::filesystem::path write(const std::string& relative, std::string_view content) const;
    /// Reads a whole file (empty string when missing).
    static std::string read(const std::filesystem::path& file);

private:
    std::filesystem::path path_;
};

} // namespace nanoclaw::testing

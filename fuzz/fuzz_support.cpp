// SPDX-License-Identifier: MIT
#include "fuzz_support.hpp"

#include <unistd.h>

#include <fstream>
#include <memory>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

namespace nanoclaw::fuzz {

void quiet_logging() {
    auto logger = std::make_shared<spdlog::logger>("fuzz", std::make_shared<spdlog::sinks::null_sink_mt>());
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
}

namespace {

struct ScratchDir {
    std::filesystem::path path;
    ScratchDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "nanoclaw-fuzz-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) {
            std::perror("mkdtemp");
            std::abort();
        }
        path = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

} // namespace

const std::filesystem::path& scratch_dir() {
    static ScratchDir dir;
    return dir.path;
}

void write_file(const std::filesystem::path& path, std::string_view bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    FUZZ_CHECK(out.good());
}

std::vector<std::string_view> chunked(std::string_view data) {
    std::vector<std::string_view> pieces;
    unsigned seed = data.empty() ? 7u : static_cast<unsigned char>(data.front());
    while (!data.empty()) {
        seed = seed * 1103515245u + 12345u;
        const std::size_t size = std::min<std::size_t>(data.size(), 1 + (seed >> 16) % 64);
        pieces.push_back(data.substr(0, size));
        data.remove_prefix(size);
    }
    return pieces;
}

} // namespace nanoclaw::fuzz

// SPDX-License-Identifier: MIT
// Host -> container input files, written with core::replace_file (a temporary name, then a
// rename), so the in-container runner (which only reads *.json and _close) never sees a part.
#pragma once

#include <filesystem>
#include <string>

namespace nanoclaw::queue {

/// "<epoch-ms>-<4 random [0-9a-z]>", the v1 follow-up file stem.
std::string unique_input_name();

/// Creates `dir` and writes dir/name with core::replace_file. False on any error.
bool write_file_atomically(const std::filesystem::path& dir, const std::string& name,
                           const std::string& body);

} // namespace nanoclaw::queue

// SPDX-License-Identifier: MIT
// v1's "<epoch-ms>-<random base-36>" names (IPC input files, generated task ids): they sort by
// creation time and do not collide within a millisecond.
#pragma once

#include <cstddef>
#include <string>

namespace nanoclaw::core {

/// `length` random characters from [0-9a-z].
std::string random_base36(std::size_t length);

/// "<current epoch ms>-<random_base36(random_length)>".
std::string timestamped_name(std::size_t random_length);

} // namespace nanoclaw::core

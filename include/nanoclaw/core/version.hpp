// SPDX-License-Identifier: MIT
#pragma once

namespace nanoclaw::core {
/// The project version, printed by --version of both binaries.
inline constexpr const char* k_version = "0.1.0";
/// The NanoClaw v1 release this port is compatible with.
inline constexpr const char* k_compatible_v1 = "1.2.12";
} // namespace nanoclaw::core

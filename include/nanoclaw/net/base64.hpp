// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <string_view>

namespace nanoclaw::net {

/// Standard base64 with padding (RFC 4648 §4), e.g. for Basic proxy credentials.
std::string base64_encode(std::string_view bytes);

} // namespace nanoclaw::net

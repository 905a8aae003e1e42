// SPDX-License-Identifier: MIT
#pragma once

#include <stdexcept>
#include <string>

namespace nanoclaw::core {

/// A condition that makes start-up impossible (bad config, unopenable database, port taken).
/// `main` catches it, logs its message as one line and exits non-zero.
class FatalError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace nanoclaw::core

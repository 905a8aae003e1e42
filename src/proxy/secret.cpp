// SPDX-License-Identifier: MIT
#include "nanoclaw/proxy/secret.hpp"

#include <string.h> // explicit_bzero

namespace nanoclaw::proxy {

Secret& Secret::operator=(const Secret& other) {
    if (this != &other) {
        wipe();
        value_ = other.value_;
    }
    return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = std::move(other.value_);
        other.wipe();
    }
    return *this;
}

void Secret::wipe() noexcept {
    // explicit_bzero cannot be optimised away, unlike a plain memset before free. Growing to
    // the capacity first also covers bytes a move left behind in the small-string buffer.
    value_.resize(value_.capacity());
    explicit_bzero(value_.data(), value_.size());
    value_.clear();
}

} // namespace nanoclaw::proxy

// SPDX-License-Identifier: MIT
// doctor: `.env` holds the credentials, so only its owner may read or write it.
#include "doctor_checks.hpp"
#include "nanoclaw/core/secret_file_mode.hpp"
#include "shell_quote.hpp"

namespace nanoclaw::ops::doctor {

Check check_env_file(const Context& ctx) {
    const auto path = ctx.config.root / ".env";
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return make_check("env_file", CheckStatus::skip, "no " + path.string());
    }
    if (const auto exposure = core::secret_file_exposure(path)) {
        return make_check("env_file", CheckStatus::warn, *exposure + "; it holds your credentials",
                          "chmod 600 " + shell_quote(path.string()));
    }
    return make_check("env_file", CheckStatus::ok, path.string() + " is private to its owner");
}

} // namespace nanoclaw::ops::doctor

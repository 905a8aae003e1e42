// SPDX-License-Identifier: MIT
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "nanoclaw/ipc/ipc_requests.hpp"

namespace nanoclaw::ipc {

/// register_group (main only): required jid/name/folder/trigger, a valid folder, optional
/// requiresTrigger/containerConfig. Keeps an existing registration's isMain (spec 10 §16.7).
Outcome register_group(const nlohmann::json& data, const std::string& source, bool is_main,
                       IpcDeps& deps);

} // namespace nanoclaw::ipc

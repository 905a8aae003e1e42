// SPDX-License-Identifier: MIT
// Group names straight from WhatsApp, for `setup --step groups` when no daemon runs (spec 30
// §5.2): the bridge in channel mode is started, connected, asked for every group the account is
// in, and shut down; each group with a subject becomes a chats row name.
#pragma once

#include <chrono>
#include <string>

#include <tl/expected.hpp>

#include "nanoclaw/setup/setup.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {

struct GroupSyncFailure {
    std::string error;  ///< the block's ERROR: bridge_not_found, bridge_exited, logged_out,
                        ///< connection_closed, fetch_failed, timeout
    std::string detail; ///< for the log and stderr
};

/// Runs the whole exchange within `timeout`; the number of groups written. Names are written
/// with the store's chat-name update: a new row gets the current time, a known chat keeps its
/// last_message_time and only the name changes. Groups without a subject are skipped.
tl::expected<int, GroupSyncFailure> sync_groups_directly(const SetupContext& context,
                                                         const SetupLog& log,
                                                         std::chrono::milliseconds timeout);

} // namespace nanoclaw::setup

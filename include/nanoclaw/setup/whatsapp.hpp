// SPDX-License-Identifier: MIT
// The setup steps that talk to WhatsApp through the bridge process (docs/setup.md,
// docs/whatsapp-bridge-protocol.md): linking the account, and syncing group names when no daemon
// runs. The waits are parameters so tests run them in milliseconds; the step table uses the
// defaults, which are the reference's (spec 30 §5.2, §11.1).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "nanoclaw/setup/setup.hpp"

namespace nanoclaw::setup {

struct WhatsAppAuthTimeouts {
    /// For the first QR code or pairing code (or "already linked") after the bridge starts.
    std::chrono::milliseconds first_code{15'000};
    /// For the link to complete once a code was shown.
    std::chrono::milliseconds completion{120'000};
    /// For the bridge to save the credentials and exit after `shutdown`.
    std::chrono::milliseconds shutdown{5'000};
};

/// `whatsapp-auth --method qr-browser|qr-terminal|pairing-code [--phone <digits>] [--keep]`
/// (spec 30 §11): links this machine as a WhatsApp device through the bridge in auth mode,
/// writes store/auth-status.txt (and qr-data.txt, pairing-code.txt, qr-auth.html) with the
/// reference's values and prints AUTH_WHATSAPP blocks. Refuses while a daemon runs on the root.
int whatsapp_auth_step(const std::vector<std::string>& args, const SetupContext& context,
                       const WhatsAppAuthTimeouts& timeouts);

struct GroupSyncOptions {
    /// The whole direct sync: start, connect, fetch, write (the reference's 45 s).
    std::chrono::milliseconds timeout{45'000};
};

/// `groups` with its sync options (groups_step uses the defaults).
int groups_step(const std::vector<std::string>& args, const SetupContext& context,
                const GroupSyncOptions& options);

} // namespace nanoclaw::setup

// SPDX-License-Identifier: MIT
// What setup reads from Baileys' store/auth/creds.json (the reference's layout): whether the
// device is linked, and the account's phone number.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace nanoclaw::setup {

/// The phone number in a WhatsApp id: the part before the first ':' and then before the first
/// '@' ("14155551234:7@s.whatsapp.net" -> "14155551234"); nullopt when that leaves nothing.
std::optional<std::string> phone_of_jid(std::string_view id);

/// me.id of creds.json as a phone number; nullopt when the file, the field or the number is
/// missing or the file is not JSON.
std::optional<std::string> phone_from_creds(const std::filesystem::path& creds_json);

/// creds.json says `"registered": true` (the device is linked).
bool creds_registered(const std::filesystem::path& creds_json);

} // namespace nanoclaw::setup

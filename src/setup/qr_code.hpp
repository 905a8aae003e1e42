// SPDX-License-Identifier: MIT
// WhatsApp's login QR code, encoded in-process with libqrencode (never through a shell, §19 #29)
// and drawn for a terminal or a web page.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nanoclaw::setup {

/// A square of modules, row by row; true = dark.
struct QrMatrix {
    int size = 0;
    std::vector<bool> dark;
    bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * size + x)]; }
};

/// The QR code of `data` (byte mode, error correction M, the smallest version that fits);
/// nullopt when it cannot be encoded (too long, or a NUL byte).
std::optional<QrMatrix> encode_qr(std::string_view data);

/// The code as UTF-8 half blocks, two module rows per text line, with a quiet zone of 2 modules.
/// Light modules are drawn (█ ▀ ▄) and dark ones left blank, so it scans on a dark terminal.
std::string qr_terminal_text(const QrMatrix& qr);

/// The code as a standalone SVG: black modules on a white square with a quiet zone of 4.
std::string qr_svg(const QrMatrix& qr);

} // namespace nanoclaw::setup

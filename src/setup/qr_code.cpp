// SPDX-License-Identifier: MIT
#include "qr_code.hpp"

#include <qrencode.h>

#include <memory>

#include <fmt/format.h>

namespace nanoclaw::setup {
namespace {

constexpr int k_terminal_margin = 2;
constexpr int k_svg_margin = 4;

// Dark or light at (x, y) of the code surrounded by `margin` light modules.
bool dark_with_margin(const QrMatrix& qr, int margin, int x, int y) {
    x -= margin;
    y -= margin;
    return x >= 0 && y >= 0 && x < qr.size && y < qr.size && qr.at(x, y);
}

} // namespace

std::optional<QrMatrix> encode_qr(std::string_view data) {
    if (data.find('\0') != std::string_view::npos) return std::nullopt;
    const std::string text(data);
    const std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
        QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M), &QRcode_free);
    if (!code) return std::nullopt;
    QrMatrix qr;
    qr.size = code->width;
    qr.dark.resize(static_cast<std::size_t>(qr.size) * static_cast<std::size_t>(qr.size));
    for (std::size_t i = 0; i < qr.dark.size(); ++i)
        qr.dark[i] = (code->data[i] & 1) != 0; // bit 0: the module is dark
    return qr;
}

std::string qr_terminal_text(const QrMatrix& qr) {
    const int full = qr.size + 2 * k_terminal_margin;
    std::string out;
    for (int y = 0; y < full; y += 2) {
        for (int x = 0; x < full; ++x) {
            const bool top_light = !dark_with_margin(qr, k_terminal_margin, x, y);
            const bool bottom_light =
                y + 1 < full && !dark_with_margin(qr, k_terminal_margin, x, y + 1);
            if (top_light && bottom_light)
                out += "\u2588";
            else if (top_light)
                out += "\u2580";
            else if (bottom_light)
                out += "\u2584";
            else
                out += ' ';
        }
        out += '\n';
    }
    return out;
}

std::string qr_svg(const QrMatrix& qr) {
    const int full = qr.size + 2 * k_svg_margin;
    std::string path;
    // One horizontal run of dark modules per path segment keeps the file small.
    for (int y = 0; y < qr.size; ++y) {
        for (int x = 0; x < qr.size;) {
            if (!qr.at(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < qr.size && qr.at(x + run, y))
                ++run;
            path += fmt::format("M{} {}h{}v1h-{}z", x + k_svg_margin, y + k_svg_margin, run, run);
            x += run;
        }
    }
    return fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {0} {0}\" "
                       "shape-rendering=\"crispEdges\"><rect width=\"{0}\" height=\"{0}\" "
                       "fill=\"#ffffff\"/><path fill=\"#000000\" d=\"{1}\"/></svg>",
                       full, path);
}

} // namespace nanoclaw::setup

// SPDX-License-Identifier: MIT
#include "auth_pages.hpp"

#include <fmt/format.h>

namespace nanoclaw::setup {
namespace {

constexpr const char* k_style = R"(<style>
  :root { color-scheme: light; }
  body { margin: 0; min-height: 100vh; display: grid; place-items: center;
         font: 16px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; background: #eef1f4; color: #1d2733; }
  main { background: #fff; padding: 32px 40px; border-radius: 12px; text-align: center;
         box-shadow: 0 2px 16px rgba(20, 30, 40, .12); max-width: 360px; }
  h1 { font-size: 22px; margin: 0 0 6px; }
  .qr svg { width: 264px; height: 264px; display: block; margin: 12px auto; }
  #left { color: #5b6773; }
  #left.soon { color: #c0392b; font-weight: 600; }
  .how { color: #5b6773; font-size: 14px; margin-top: 10px; }
  .done { font-size: 56px; color: #1e9e5a; line-height: 1; }
  .done + h1 { color: #1e9e5a; }
</style>)";

} // namespace

std::string qr_auth_page(std::string_view svg, int serial) {
    // The page reloads every 3 s (the step rewrites it when WhatsApp rotates the code); the
    // countdown survives reloads in localStorage, keyed by the code's serial number.
    return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="3">
<title>NanoClaw: link WhatsApp</title>
{style}
</head><body>
<main>
  <h1>Scan with WhatsApp</h1>
  <p id="left">This code is valid for <b id="secs">60</b> more seconds</p>
  <div class="qr">{svg}</div>
  <p class="how">On your phone: Settings &rarr; Linked Devices &rarr; Link a Device, then point the camera here.</p>
</main>
<script>
  (function () {{
    var key = '{key}', serial = '{serial}';
    var saved = (localStorage.getItem(key) || '').split(':');
    var since = Number(saved[1]);
    if (saved[0] !== serial || !since) {{ since = Date.now(); localStorage.setItem(key, serial + ':' + since); }}
    var secs = Math.max(0, 60 - Math.floor((Date.now() - since) / 1000));
    var left = document.getElementById('left');
    document.getElementById('secs').textContent = secs;
    if (secs <= 10) left.className = 'soon';
    if (secs === 0) left.textContent = 'QR code expired \u2014 a new one will appear shortly';
  }})();
</script>
</body></html>
)",
                       fmt::arg("style", k_style), fmt::arg("svg", svg),
                       fmt::arg("key", k_qr_start_key), fmt::arg("serial", serial));
}

std::string auth_success_page() {
    return fmt::format(R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>NanoClaw: WhatsApp linked</title>
{style}
</head><body>
<main>
  <div class="done">&#10004;</div>
  <h1>Connected to WhatsApp</h1>
  <p>NanoClaw is linked to your account. You can close this tab.</p>
</main>
<script>localStorage.removeItem('{key}');</script>
</body></html>
)",
                       fmt::arg("style", k_style), fmt::arg("key", k_qr_start_key));
}

} // namespace nanoclaw::setup

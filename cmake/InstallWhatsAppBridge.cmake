# Run by `cmake --install` (see Install.cmake): copies the built WhatsApp bridge
# (channels/whatsapp-bridge: package files, dist/ and its runtime node_modules) to
# <prefix>/share/nanoclaw/whatsapp-bridge/, where nanoclawd and `nanoclaw setup` look for
# dist/bridge.js. Checked at install time, not configure time, so building the bridge after
# configuring is enough. Without a build it is skipped with a note: WhatsApp is optional.
# Expects NANOCLAW_BRIDGE_SRC and NANOCLAW_BRIDGE_DEST (relative to the prefix).
set(_dst "${CMAKE_INSTALL_PREFIX}/${NANOCLAW_BRIDGE_DEST}")
if(EXISTS "${NANOCLAW_BRIDGE_SRC}/dist/bridge.js"
   AND EXISTS "${NANOCLAW_BRIDGE_SRC}/node_modules/@whiskeysockets/baileys/package.json")
  file(INSTALL "${NANOCLAW_BRIDGE_SRC}/package.json" "${NANOCLAW_BRIDGE_SRC}/package-lock.json"
       DESTINATION "${_dst}")
  # test-entry.js and the fake socket are test-only.
  file(INSTALL "${NANOCLAW_BRIDGE_SRC}/dist" DESTINATION "${_dst}"
       PATTERN "test-entry.js" EXCLUDE PATTERN "fake-socket.js" EXCLUDE)
  # Runtime dependencies only: the compiler, type packages and .bin links stay behind.
  file(INSTALL "${NANOCLAW_BRIDGE_SRC}/node_modules" DESTINATION "${_dst}" MESSAGE_NEVER
       PATTERN ".bin" EXCLUDE PATTERN "typescript" EXCLUDE PATTERN "@types" EXCLUDE
       PATTERN "undici-types" EXCLUDE)
else()
  message(STATUS "WhatsApp bridge not built, not installed (to include it: "
                 "cd channels/whatsapp-bridge && npm ci && npm run build, then install again)")
endif()

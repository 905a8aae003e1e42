# `cmake --install <build> --prefix P`: the binaries in P/bin and the files nanoclaw ships in
# P/share/nanoclaw, in the checkout's own relative layout. The paths are literal (not
# GNUInstallDirs) because core::locate_share_dir looks for <exe dir>/../share/nanoclaw.
set(NANOCLAW_SHARE share/nanoclaw)
install(TARGETS nanoclawd nanoclaw RUNTIME DESTINATION bin)

# The agent image's build context (build.sh builds from the directory it lives in); never
# node_modules, dist or the agent-runner's tests.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/container/agent-runner/src
        DESTINATION ${NANOCLAW_SHARE}/container/agent-runner)
install(FILES ${PROJECT_SOURCE_DIR}/container/agent-runner/package.json
              ${PROJECT_SOURCE_DIR}/container/agent-runner/package-lock.json
              ${PROJECT_SOURCE_DIR}/container/agent-runner/tsconfig.json
        DESTINATION ${NANOCLAW_SHARE}/container/agent-runner)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/container/skills DESTINATION ${NANOCLAW_SHARE}/container)
install(FILES ${PROJECT_SOURCE_DIR}/container/Dockerfile ${PROJECT_SOURCE_DIR}/container/.dockerignore
        DESTINATION ${NANOCLAW_SHARE}/container)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/container/build.sh ${PROJECT_SOURCE_DIR}/container/entrypoint.sh
        DESTINATION ${NANOCLAW_SHARE}/container)

# CLAUDE.md templates: the daemon seeds a new data root's groups/ from these.
install(FILES ${PROJECT_SOURCE_DIR}/groups/main/CLAUDE.md DESTINATION ${NANOCLAW_SHARE}/groups/main)
install(FILES ${PROJECT_SOURCE_DIR}/groups/global/CLAUDE.md
        DESTINATION ${NANOCLAW_SHARE}/groups/global)

# The WhatsApp bridge (Node), when it has been built: see InstallWhatsAppBridge.cmake.
install(CODE "set(NANOCLAW_BRIDGE_SRC \"${PROJECT_SOURCE_DIR}/channels/whatsapp-bridge\")
              set(NANOCLAW_BRIDGE_DEST \"${NANOCLAW_SHARE}/whatsapp-bridge\")")
install(SCRIPT ${PROJECT_SOURCE_DIR}/cmake/InstallWhatsAppBridge.cmake)

# cmake -DBUILD_DIR=... -DPREFIX=... -P check_install.cmake
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${err}")
endif()

set(share ${PREFIX}/share/nanoclaw)
foreach(path bin/nanoclawd bin/nanoclaw
        share/nanoclaw/container/agent-runner/src/index.ts
        share/nanoclaw/container/agent-runner/package.json
        share/nanoclaw/container/agent-runner/package-lock.json
        share/nanoclaw/container/agent-runner/tsconfig.json
        share/nanoclaw/container/skills
        share/nanoclaw/container/Dockerfile share/nanoclaw/container/build.sh
        share/nanoclaw/container/entrypoint.sh
        share/nanoclaw/groups/main/CLAUDE.md share/nanoclaw/groups/global/CLAUDE.md)
  if(NOT EXISTS ${PREFIX}/${path})
    message(FATAL_ERROR "missing from the install: ${PREFIX}/${path}")
  endif()
endforeach()
# The build-tree marker would point an installed binary at the checkout.
foreach(path bin/nanoclaw-share-dir share/nanoclaw/container/agent-runner/node_modules
        share/nanoclaw/container/agent-runner/test)
  if(EXISTS ${PREFIX}/${path})
    message(FATAL_ERROR "must not be installed: ${PREFIX}/${path}")
  endif()
endforeach()
# A built WhatsApp bridge comes along with its runtime dependencies only; an unbuilt one is skipped.
if(EXISTS ${SOURCE_DIR}/channels/whatsapp-bridge/dist/bridge.js)
  foreach(path dist/bridge.js package.json node_modules/@whiskeysockets/baileys/package.json)
    if(NOT EXISTS ${share}/whatsapp-bridge/${path})
      message(FATAL_ERROR "missing from the install: ${share}/whatsapp-bridge/${path}")
    endif()
  endforeach()
  foreach(path dist/test-entry.js node_modules/typescript node_modules/.bin)
    if(EXISTS ${share}/whatsapp-bridge/${path})
      message(FATAL_ERROR "must not be installed: ${share}/whatsapp-bridge/${path}")
    endif()
  endforeach()
endif()
file(REMOVE_RECURSE ${PREFIX})

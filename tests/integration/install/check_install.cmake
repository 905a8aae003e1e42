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
file(REMOVE_RECURSE ${PREFIX})

# Warning and sanitizer flags as INTERFACE targets so every project target opts in explicitly.
add_library(nanoclaw_warnings INTERFACE)
target_compile_options(nanoclaw_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
  -Wnon-virtual-dtor -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference)
if(NANOCLAW_WERROR)
  target_compile_options(nanoclaw_warnings INTERFACE -Werror)
endif()
if(NANOCLAW_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# Helper used by every component's CMakeLists: a static library with our include dir and warnings.
function(nanoclaw_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE nanoclaw_warnings)
endfunction()

# A unit-test executable registered with CTest (one per component, so each can be built alone).
function(nanoclaw_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} nanoclaw_test_support GTest::gmock GTest::gtest_main
    nanoclaw_warnings)
  add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
  set_tests_properties(${name} PROPERTIES ENVIRONMENT
    "NANOCLAW_SOURCE_DIR=${PROJECT_SOURCE_DIR};NANOCLAW_BUILD_DIR=${PROJECT_BINARY_DIR}" TIMEOUT 600)
endfunction()
# A unity build (the bench preset) compiles each .cpp as if included from a header, so GCC warns
# about types that use the .cpp's anonymous namespace, which it does not for a main file.
if(CMAKE_UNITY_BUILD)
  target_compile_options(nanoclaw_warnings INTERFACE -Wno-subobject-linkage)
endif()

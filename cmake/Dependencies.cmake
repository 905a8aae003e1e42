# All dependencies come from Debian packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)

# NANOCLAW_STATIC_DEPS (on in the release preset): SQLite and OpenSSL from their static archives
# when the system has them. Loading libcrypto alone costs ~110 page faults at every start (its
# relocations), which in a VM is several milliseconds; measured with bench_daemon: start-up
# 28 -> 23 ms, idle RSS 10.5 -> 10.2 MB. Falls back to the shared libraries otherwise.
option(NANOCLAW_STATIC_DEPS "Link SQLite and OpenSSL statically when their archives exist" OFF)
if(NANOCLAW_STATIC_DEPS)
  set(OPENSSL_USE_STATIC_LIBS TRUE)
  # A build tree configured before the option was on has the shared paths cached.
  foreach(var OPENSSL_SSL_LIBRARY OPENSSL_CRYPTO_LIBRARY)
    if(DEFINED CACHE{${var}} AND NOT "${${var}}" MATCHES "\\.a$")
      unset(${var} CACHE)
    endif()
  endforeach()
  find_package(OpenSSL QUIET)
  if(NOT OPENSSL_FOUND) # no archives here: the shared libraries will do
    unset(OPENSSL_USE_STATIC_LIBS)
    unset(OPENSSL_SSL_LIBRARY CACHE)
    unset(OPENSSL_CRYPTO_LIBRARY CACHE)
  endif()
endif()
find_package(OpenSSL REQUIRED)
find_package(SQLiteCpp REQUIRED)
if(NANOCLAW_STATIC_DEPS AND TARGET SQLite::SQLite3)
  find_library(NANOCLAW_SQLITE3_ARCHIVE NAMES libsqlite3.a)
  if(NANOCLAW_SQLITE3_ARCHIVE)
    set_target_properties(SQLite::SQLite3 PROPERTIES IMPORTED_LOCATION "${NANOCLAW_SQLITE3_ARCHIVE}"
      INTERFACE_LINK_LIBRARIES "Threads::Threads;m;dl")
  endif()
endif()
# libstdc++ and libgcc from their archives too: only what we use is linked, and the dynamic
# loader has two fewer libraries to map and relocate at every start (libstdc++.so alone costs
# ~2 ms of start-up here). Only glibc stays shared.
if(NANOCLAW_STATIC_DEPS)
  add_link_options(-static-libstdc++ -static-libgcc)
endif()
# Relative relocations packed as a bitmap (DT_RELR, glibc >= 2.36): the 500 KB relocation table of
# a PIE this size shrinks to a few KB that the loader no longer pages in at start-up.
include(CheckLinkerFlag)
check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" NANOCLAW_HAVE_RELR)
if(NANOCLAW_HAVE_RELR)
  add_link_options(-Wl,-z,pack-relative-relocs)
endif()
if(NANOCLAW_STATIC_DEPS)
  message(STATUS "nanoclaw: static deps: OpenSSL ${OPENSSL_CRYPTO_LIBRARY}, SQLite "
          "${NANOCLAW_SQLITE3_ARCHIVE}")
endif()
find_package(nlohmann_json 3 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
# Logging: spdlog + fmt. With NANOCLAW_STATIC_DEPS both are compiled into our binaries from their
# headers (Debian ships them only as shared libraries, and they link libstdc++.so in).
add_library(nanoclaw_logging INTERFACE)
if(NANOCLAW_STATIC_DEPS)
  get_target_property(_spdlog_includes spdlog::spdlog_header_only INTERFACE_INCLUDE_DIRECTORIES)
  get_target_property(_fmt_includes fmt::fmt-header-only INTERFACE_INCLUDE_DIRECTORIES)
  target_include_directories(nanoclaw_logging SYSTEM INTERFACE ${_spdlog_includes} ${_fmt_includes})
  target_compile_definitions(nanoclaw_logging INTERFACE SPDLOG_FMT_EXTERNAL FMT_HEADER_ONLY=1)
  target_link_libraries(nanoclaw_logging INTERFACE Threads::Threads)
else()
  target_link_libraries(nanoclaw_logging INTERFACE spdlog::spdlog fmt::fmt)
endif()
find_package(tl-expected REQUIRED)
find_package(CLI11 REQUIRED)
if(NANOCLAW_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
# Howard Hinnant's date (Debian libhowardhinnant-date-dev): the calendar header only. Zones come
# from core::TimeZone; libdate-tz is linked into one test that cross-checks it against them.
find_path(DATE_INCLUDE_DIR date/date.h REQUIRED)
add_library(nanoclaw_date INTERFACE)
target_include_directories(nanoclaw_date SYSTEM INTERFACE ${DATE_INCLUDE_DIR})
if(NANOCLAW_BUILD_TESTS)
  find_library(DATE_TZ_LIBRARY NAMES date-tz REQUIRED)
  add_library(nanoclaw_date_tz INTERFACE)
  target_link_libraries(nanoclaw_date_tz INTERFACE nanoclaw_date ${DATE_TZ_LIBRARY})
  target_compile_definitions(nanoclaw_date_tz INTERFACE USE_OS_TZDB=1)
endif()

# All dependencies come from Debian packages (scripts/install-deps.sh installs them).
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)

# NANOCLAW_STATIC_DEPS (on in the release preset): SQLite, libstdc++, libgcc, spdlog and fmt are
# linked into our binaries instead of loaded as shared libraries, so each start maps and
# relocates less (start-up time and resident memory in bench/daemon). Only glibc stays shared,
# and OpenSSL, which is loaded on first use instead (src/net/openssl_lazy.cpp).
option(NANOCLAW_STATIC_DEPS "Link SQLite, libstdc++, spdlog and fmt statically" OFF)
# Only the headers: nothing links OpenSSL (see src/net/openssl_lazy.cpp); the TLS test servers
# link the shared libraries themselves.
foreach(var OPENSSL_SSL_LIBRARY OPENSSL_CRYPTO_LIBRARY) # cached by older versions: archives
  if(DEFINED CACHE{${var}} AND "${${var}}" MATCHES "\\.a$")
    unset(${var} CACHE)
  endif()
endforeach()
find_package(OpenSSL REQUIRED)
add_library(nanoclaw_openssl_headers INTERFACE)
target_include_directories(nanoclaw_openssl_headers SYSTEM INTERFACE ${OPENSSL_INCLUDE_DIR})
target_link_libraries(nanoclaw_openssl_headers INTERFACE ${CMAKE_DL_LIBS})
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
  message(STATUS "nanoclaw: static deps: SQLite ${NANOCLAW_SQLITE3_ARCHIVE}, libstdc++, spdlog, fmt")
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
# libqrencode (Debian libqrencode-dev): the QR code of `setup --step whatsapp-auth`.
find_package(PkgConfig REQUIRED)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
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

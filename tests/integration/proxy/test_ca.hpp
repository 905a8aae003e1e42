// SPDX-License-Identifier: MIT
// A throw-away certificate authority made with OpenSSL in the test: a CA and one server
// certificate (CN/SAN localhost unless told otherwise) written as PEM files into a directory.
#pragma once

#include <filesystem>

namespace nanoclaw::testing {

struct TestCa {
    std::filesystem::path ca_cert;     ///< PEM of the CA (what the proxy must trust)
    std::filesystem::path server_cert; ///< PEM of the server certificate
    std::filesystem::path server_key;  ///< PEM private key of the server
};

/// Generates the CA and the server certificate under `dir`. `subject_alt_names` is the server
/// certificate's SAN in OpenSSL's config syntax (e.g. "IP:127.0.0.1,IP:::1" for IP literals).
TestCa make_test_ca(const std::filesystem::path& dir,
                    const char* subject_alt_names = "DNS:localhost");

} // namespace nanoclaw::testing

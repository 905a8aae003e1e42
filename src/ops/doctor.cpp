// SPDX-License-Identifier: MIT
// `nanoclaw doctor`: the order of the checks and the report. The checks themselves are in
// doctor_*.cpp, one file per thing they look at.
#include "nanoclaw/ops/doctor.hpp"

#include <fmt/format.h>

#include "doctor_checks.hpp"
#include "nanoclaw/channels/local/local_channel.hpp"
#include "nanoclaw/ops/daemon_query.hpp"

namespace nanoclaw::ops {

using json = nlohmann::json;
using ordered_json = nlohmann::ordered_json;

std::string_view to_string(CheckStatus status) {
    switch (status) {
    case CheckStatus::ok:
        return "ok";
    case CheckStatus::warn:
        return "warn";
    case CheckStatus::fail:
        return "fail";
    case CheckStatus::skip:
        break;
    }
    return "skip";
}

const Check* find_check(const std::vector<Check>& checks, std::string_view name) {
    for (const auto& c : checks) {
        if (c.name == name) return &c;
    }
    return nullptr;
}

std::vector<Check> run_checks(const core::Config& config, const core::EnvMap& env,
                              const DoctorOptions& options) {
    doctor::Context ctx{config, env, options, setup::detect_platform(env), std::nullopt};
    if (auto live = query_daemon_status(channels::local_socket_path(config))) ctx.live = *live;
    std::vector<Check> checks;
    checks.push_back(doctor::check_share_dir(ctx));
    checks.push_back(doctor::check_runtime(ctx));
    checks.push_back(doctor::check_docker_socket(ctx));
    checks.push_back(doctor::check_image(ctx));
    checks.push_back(doctor::check_env_file(ctx));
    checks.push_back(doctor::check_credentials(ctx));
    checks.push_back(doctor::check_api(ctx));
    checks.push_back(doctor::check_mount_allowlist(ctx));
    checks.push_back(doctor::check_sender_allowlist(ctx));
    checks.push_back(doctor::check_proxy_bind(ctx));
    checks.push_back(doctor::check_disk(ctx));
    checks.push_back(doctor::check_service(ctx));
    for (auto& c : doctor::check_channels(ctx))
        checks.push_back(std::move(c));
    return checks;
}

void print_checks(const std::vector<Check>& checks, std::ostream& out) {
    int failed = 0, warned = 0;
    for (const auto& c : checks) {
        failed += c.status == CheckStatus::fail;
        warned += c.status == CheckStatus::warn;
        const std::string mark =
            c.status == CheckStatus::fail ? "FAIL" : std::string(to_string(c.status));
        out << fmt::format("{:<5} {:<18} {}\n", mark, c.name, c.detail);
        if (!c.fix.empty() && (c.status == CheckStatus::fail || c.status == CheckStatus::warn)) {
            out << fmt::format("{:<24} fix: {}\n", "", c.fix);
        }
    }
    if (failed == 0 && warned == 0) {
        out << "\nEverything checked is in order.\n";
    } else {
        out << fmt::format("\n{} problem{}, {} warning{}.\n", failed, failed == 1 ? "" : "s",
                           warned, warned == 1 ? "" : "s");
    }
}

ordered_json checks_json(const std::vector<Check>& checks) {
    ordered_json list = ordered_json::array();
    for (const auto& c : checks) {
        ordered_json j = ordered_json::object();
        j["name"] = c.name;
        j["status"] = std::string(to_string(c.status));
        j["detail"] = c.detail;
        if (!c.fix.empty()) j["fix"] = c.fix;
        list.push_back(std::move(j));
    }
    ordered_json report = ordered_json::object();
    report["ok"] = doctor_exit_code(checks) == 0;
    report["checks"] = std::move(list);
    return report;
}

int doctor_exit_code(const std::vector<Check>& checks) {
    for (const auto& c : checks) {
        if (c.status == CheckStatus::fail) return 1;
    }
    return 0;
}

int run_doctor(const core::Config& config, const core::EnvMap& env, const DoctorOptions& options,
               std::ostream& out, bool as_json) {
    const auto checks = run_checks(config, env, options);
    if (as_json) {
        out << checks_json(checks).dump(2, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
        print_checks(checks, out);
    }
    return doctor_exit_code(checks);
}

namespace doctor {

Check make_check(std::string name, CheckStatus status, std::string detail, std::string fix) {
    return Check{std::move(name), status, std::move(detail), std::move(fix)};
}

} // namespace doctor

} // namespace nanoclaw::ops

// SPDX-License-Identifier: MIT
// Argument handling of the setup CLI, as the reference does it (spec 30 §1.2), so the setup skill's
// documented invocations (`--step register -- --jid ...`) keep working.
#include "nanoclaw/setup/setup.hpp"

#include <algorithm>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"

namespace nanoclaw::setup {
namespace {

using StepFn = std::function<int(const std::vector<std::string>&, const SetupContext&)>;

const std::vector<std::pair<std::string, StepFn>>& step_table() {
    // The reference's order (usage messages show it): timezone, environment, container, groups,
    // register, mounts, service, verify, then the channel steps. Only the two-argument overloads
    // of groups_step and whatsapp_auth_step are declared here (nanoclaw/setup/whatsapp.hpp has
    // the others).
    static const std::vector<std::pair<std::string, StepFn>> table{
        {"timezone", timezone_step}, {"environment", environment_step}, {"container", container_step},
        {"groups", groups_step},     {"register", register_step},       {"mounts", mounts_step},
        {"service", service_step},   {"verify", verify_step},           {"telegram", telegram_step},
        {"whatsapp-auth", whatsapp_auth_step}};
    return table;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}

} // namespace

Platform platform_of(const SetupContext& ctx) {
    return ctx.platform ? *ctx.platform : detect_platform(ctx.env);
}

std::vector<std::string> systemctl_prefix(const Platform& platform) {
    if (platform.root) return {"systemctl"};
    return {"systemctl", "--user"};
}

std::vector<std::string> step_names() {
    std::vector<std::string> names;
    for (const auto& [name, fn] : step_table())
        names.push_back(name);
    return names;
}

int run_setup(const std::vector<std::string>& args, const SetupContext& ctx) {
    const auto at = std::find(args.begin(), args.end(), "--step");
    if (at == args.end() || at + 1 == args.end() || (at + 1)->empty()) {
        ctx.err << fmt::format("Usage: nanoclaw setup --step <{}> [args...]\n",
                               fmt::join(step_names(), "|"));
        return k_exit_failed;
    }
    const std::string name = *(at + 1);
    std::vector<std::string> rest;
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (it == at || it == at + 1 || *it == "--") continue;
        rest.push_back(*it);
    }
    const auto& table = step_table();
    const auto step = std::find_if(table.begin(), table.end(), [&](const auto& e) { return e.first == name; });
    if (step == table.end()) {
        ctx.err << "Unknown step: " << name << "\n"
                << fmt::format("Available steps: {}\n", fmt::join(step_names(), ", "));
        return k_exit_failed;
    }
    try {
        return step->second(rest, ctx);
    } catch (const std::exception& e) {
        SetupLog(ctx.config.root, name).line(std::string("Setup step failed: ") + e.what());
        ctx.out << StatusBlock(upper(name)).add("STATUS", std::string("failed")).add("ERROR", std::string(e.what())).text();
        return k_exit_failed;
    }
}

} // namespace nanoclaw::setup

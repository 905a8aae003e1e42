// SPDX-License-Identifier: MIT
// `nanoclaw setup --step container --runtime docker|apple-container` (spec 30 §4): builds the agent
// image from the shipped build context and checks that it starts. Deliberate differences from v1:
// the image is the one the daemon runs (CONTAINER_IMAGE, default nanoclaw-agent:latest), the build
// gets the same proxy/base-image build args as container/build.sh (§16.6, 20 §11 item 6), and a
// failure says on stderr what went wrong and what to do (stdout keeps the block alone).
#include <fmt/format.h>

#include "nanoclaw/setup/command.hpp"
#include "nanoclaw/setup/setup.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "setup_log.hpp"
#include "step_args.hpp"

namespace nanoclaw::setup {
namespace {

using namespace std::chrono_literals;
constexpr const char* k_container_title = "SETUP_CONTAINER";

std::string env_or(const core::EnvMap& env, const std::string& key, const std::string& fallback = {}) {
    const auto it = env.find(key);
    return it == env.end() || it->second.empty() ? fallback : it->second;
}

// container/build.sh's rules: lower-case proxy variables win; behind a proxy npm's strict SSL is
// off unless set (an intercepting proxy's CA is not in the build).
std::vector<std::string> build_args(const core::EnvMap& env) {
    std::vector<std::string> args;
    const auto add = [&](const std::string& name, const std::string& value) {
        if (!value.empty()) args.insert(args.end(), {"--build-arg", name + "=" + value});
    };
    add("BASE_IMAGE", env_or(env, "BASE_IMAGE"));
    add("INSTALL_BROWSER", env_or(env, "INSTALL_BROWSER"));
    for (const std::string name : {"http_proxy", "https_proxy", "no_proxy"}) {
        std::string upper = name;
        for (auto& c : upper)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        add(name, env_or(env, name, env_or(env, upper)));
    }
    add("NODE_EXTRA_CA_CERTS", env_or(env, "NODE_EXTRA_CA_CERTS"));
    std::string strict = env_or(env, "npm_config_strict_ssl");
    if (strict.empty() && !env_or(env, "https_proxy", env_or(env, "HTTPS_PROXY")).empty()) strict = "false";
    add("npm_config_strict_ssl", strict);
    return args;
}

struct Outcome {
    std::string runtime, image;
    bool build_ok = false, test_ok = false;
};

int report(const SetupContext& ctx, const Outcome& o, int code, const std::string& error = {}) {
    StatusBlock block(k_container_title);
    block.add("RUNTIME", o.runtime).add("IMAGE", o.image).add("BUILD_OK", o.build_ok).add("TEST_OK", o.test_ok);
    block.add("STATUS", std::string(o.build_ok && o.test_ok ? "success" : "failed"));
    if (!error.empty()) block.add("ERROR", error);
    block.add("LOG", std::string(k_setup_log_path));
    ctx.out << block.text();
    return code;
}

// The last `lines` lines of a command's output, for the log.
std::string tail(const std::string& text, std::size_t lines) {
    std::size_t at = text.size();
    if (at > 0 && text[at - 1] == '\n') --at;
    while (lines > 0 && at > 0) {
        const auto nl = text.rfind('\n', at - 1);
        at = nl == std::string::npos ? 0 : nl;
        if (--lines > 0 && at > 0) continue;
    }
    return text.substr(at == 0 ? 0 : at + 1);
}

// The binary for --runtime: the configured CONTAINER_RUNTIME_BIN when the daemon runs docker too.
std::string runtime_binary(const SetupContext& ctx, const std::string& runtime) {
    if (runtime == "apple-container") return "container";
    return ctx.config.container_runtime == core::RuntimeKind::docker ? ctx.config.container_runtime_bin : "docker";
}

} // namespace

int container_step(const std::vector<std::string>& args, const SetupContext& ctx) {
    const SetupLog log(ctx.config.root, "container");
    Outcome o{flag_value(args, "--runtime").value_or("unknown"), ctx.config.container_image};
    if (o.runtime == "unknown") {
        log.line("no --runtime given (docker or apple-container)");
        return report(ctx, o, k_exit_bad_input, "missing_runtime_flag");
    }
    if (o.runtime != "docker" && o.runtime != "apple-container") {
        log.line("unknown runtime " + o.runtime + " (docker or apple-container)");
        return report(ctx, o, k_exit_bad_input, "unknown_runtime");
    }
    const std::string bin = runtime_binary(ctx, o.runtime);
    if (!find_program(bin, ctx.env)) {
        log.line(bin + " is not on PATH");
        ctx.err << fmt::format("{} is not installed (not on PATH). Install it (Debian/Ubuntu: "
                               "sudo apt-get install docker.io), then run this step again.\n", bin);
        return report(ctx, o, k_exit_runtime_missing, "runtime_not_available");
    }
    if (o.runtime == "docker") {
        const auto info = run_program(CommandSpec{{bin, "info"}, &ctx.env, {}, std::nullopt, 30s});
        if (!info.ok()) {
            log.line(bin + " info failed: " + tail(info.err, 5));
            ctx.err << fmt::format("{} is installed but its engine does not answer ({}). Start it "
                                   "(sudo systemctl start docker) and check that you may use it "
                                   "(sudo usermod -aG docker $USER, then log in again).\n",
                                   bin, info.timed_out ? "no answer in 30 s" : tail(info.err, 1));
            return report(ctx, o, k_exit_runtime_missing, "runtime_not_available");
        }
    }
    const auto context_dir = ctx.config.share_dir / "container";
    std::vector<std::string> build{bin, "build", "-t", o.image};
    for (auto& a : build_args(ctx.env))
        build.push_back(std::move(a));
    build.push_back(".");
    log.line("building " + o.image + " in " + context_dir.string() + ": " + fmt::format("{}", fmt::join(build, " ")));
    const auto built = run_program(CommandSpec{build, &ctx.env, context_dir, std::nullopt, 60min});
    o.build_ok = built.ok();
    if (!o.build_ok) {
        log.line("build failed:\n" + tail(built.out + built.err, 30));
        ctx.err << "The image build failed; its last lines are in logs/setup.log. Without a registry, "
                   "build the base image first: bash scripts/container/ensure-images.sh\n";
        return report(ctx, o, k_exit_failed);
    }
    const auto test = run_program(CommandSpec{{bin, "run", "-i", "--rm", "--entrypoint", "/bin/echo", o.image, "Container OK"},
                                              &ctx.env, {}, std::string("{}"), 120s});
    o.test_ok = test.ok() && test.out.find("Container OK") != std::string::npos;
    log.line(o.test_ok ? "the image starts" : "the image did not start: " + tail(test.out + test.err, 10));
    return report(ctx, o, o.test_ok ? k_exit_ok : k_exit_failed);
}

} // namespace nanoclaw::setup

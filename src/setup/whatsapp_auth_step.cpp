// SPDX-License-Identifier: MIT
// `nanoclaw setup --step whatsapp-auth` (spec 30 §11): links this machine as a WhatsApp device.
// The bridge in auth mode talks to WhatsApp; this step plays the reference's setup step and the
// policy half of its auth worker: it sends `connect` (again after 515, part of a normal login),
// turns the bridge's events into store/auth-status.txt and the other files with the reference's
// values, and prints AUTH_WHATSAPP blocks with the reference's fields, timeouts and exit codes.
#include <fmt/format.h>

#include "nanoclaw/channels/whatsapp/bridge_protocol.hpp"
#include "nanoclaw/core/atomic_file.hpp"
#include "nanoclaw/core/daemon_lock.hpp"
#include "nanoclaw/setup/status_block.hpp"
#include "nanoclaw/setup/whatsapp.hpp"
#include "auth_pages.hpp"
#include "bridge_command.hpp"
#include "open_browser.hpp"
#include "qr_code.hpp"
#include "setup_log.hpp"
#include "whatsapp_auth_args.hpp"
#include "whatsapp_creds.hpp"

namespace nanoclaw::setup {
namespace {

namespace fs = std::filesystem;
namespace wa = channels::whatsapp;
using Clock = BridgeClient::Clock;
using Fields = std::vector<std::pair<std::string, std::string>>;

constexpr const char* k_auth_title = "AUTH_WHATSAPP";

struct Files {
    fs::path auth_dir, status, qr_data, pairing_code, html;
    explicit Files(const fs::path& store)
        : auth_dir(store / "auth"), status(store / "auth-status.txt"),
          qr_data(store / "qr-data.txt"), pairing_code(store / "pairing-code.txt"),
          html(store / "qr-auth.html") {}
};

// AUTH_METHOD, AUTH_STATUS, the extra fields in the order given, STATUS, LOG (§11.1).
void print_block(const SetupContext& ctx, const std::string& method, const std::string& auth_status,
                 const Fields& extra, const std::string& status) {
    StatusBlock block(k_auth_title);
    block.add("AUTH_METHOD", method).add("AUTH_STATUS", auth_status);
    for (const auto& [key, value] : extra)
        block.add(key, value);
    block.add("STATUS", status).add("LOG", std::string(k_setup_log_path));
    ctx.out << block.text() << std::flush; // the pairing code must reach the caller while we wait
}

int fail(const SetupContext& ctx, const SetupLog& log, const std::string& method,
         const std::string& error, int code, const std::string& detail,
         std::optional<std::string> pairing_code = std::nullopt) {
    log.line("failed: " + error + ": " + detail);
    Fields extra{{"ERROR", error}};
    if (pairing_code) extra.emplace_back("PAIRING_CODE", *pairing_code);
    print_block(ctx, method, "failed", extra, "failed");
    return code;
}

void remove_file(const fs::path& path) {
    std::error_code ec;
    fs::remove(path, ec);
}

// The reference's failure values of auth-status.txt (§11.2).
std::string failure_reason(int reason) {
    if (reason == wa::k_reason_logged_out) return "logged_out";
    if (reason == 408) return "qr_timeout";
    return reason == 0 ? "unknown" : std::to_string(reason);
}

class AuthSession {
  public:
    AuthSession(const SetupContext& ctx, const SetupLog& log, const AuthArgs& args,
                const WhatsAppAuthTimeouts& timeouts)
        : ctx_(ctx), log_(log), args_(args), timeouts_(timeouts), files_(ctx.config.store_dir) {}

    int run(BridgeClient& bridge) {
        deadline_ = Clock::now() + timeouts_.first_code;
        while (true) {
            auto read = bridge.next(deadline_);
            if (read.kind == BridgeRead::Kind::timeout) return timed_out();
            if (read.kind == BridgeRead::Kind::closed) return bridge_gone(bridge);
            if (read.kind == BridgeRead::Kind::oversized) {
                log_.line("dropped a bridge line longer than 1 MiB");
                continue;
            }
            auto event = wa::parse_bridge_event(read.text);
            if (!event) {
                log_.line("ignored a bridge line (" + event.error() + ")");
                continue;
            }
            if (auto done = handle(bridge, *event)) return *done;
        }
    }

  private:
    std::optional<int> handle(BridgeClient& bridge, const wa::BridgeEvent& event) {
        if (const auto* started = std::get_if<wa::StartedEvent>(&event)) {
            log_.line(fmt::format("bridge {} (Baileys {}) started; linked already: {}",
                                  started->bridge_version, started->baileys_version,
                                  started->registered));
            if (started->registered) return linked(bridge, "already_authenticated", "");
            send(bridge, wa::encode_connect());
        } else if (const auto* qr = std::get_if<wa::QrEvent>(&event)) {
            on_qr(qr->data);
        } else if (const auto* code = std::get_if<wa::PairingCodeEvent>(&event)) {
            on_pairing_code(code->code);
        } else if (const auto* connected = std::get_if<wa::ConnectedEvent>(&event)) {
            return linked(bridge, "authenticated", connected->id);
        } else if (const auto* closed = std::get_if<wa::DisconnectedEvent>(&event)) {
            if (closed->reason == wa::k_reason_restart_required) {
                // WhatsApp restarts the stream right after a successful scan or code entry.
                log_.line("stream restart (515) after pairing: connecting again");
                send(bridge, wa::encode_connect());
                return std::nullopt;
            }
            const auto reason = failure_reason(closed->reason);
            core::replace_file(files_.status, "failed:" + reason);
            return fail(ctx_, log_, args_.method, reason, k_exit_failed,
                        fmt::format("WhatsApp closed the connection ({} {})", closed->reason,
                                    closed->message),
                        pairing_code_);
        } else if (const auto* error = std::get_if<wa::ErrorEvent>(&event)) {
            log_.line("bridge error: " + error->error);
            // The bridge reports a refused pairing-code request (or credentials it could not
            // write) this way; no code will come, so waiting out the time limit helps nobody.
            if (args_.method == "pairing-code" && !pairing_code_ && error->request_id == 0) {
                core::replace_file(files_.status, "failed:unknown");
                return fail(ctx_, log_, args_.method, "pairing_code_failed", k_exit_failed,
                            error->error);
            }
        }
        return std::nullopt;
    }

    void send(BridgeClient& bridge, std::string_view line) {
        if (!bridge.send(line)) log_.line("the bridge no longer reads its commands");
    }

    void code_shown() {
        if (!waiting_first_) return;
        waiting_first_ = false;
        deadline_ = Clock::now() + timeouts_.completion;
    }

    void on_qr(const std::string& data) {
        core::replace_file(files_.qr_data, data);
        ++qr_serial_;
        if (args_.method == "pairing-code")
            return; // WhatsApp offers one before the code is asked for
        const auto qr = encode_qr(data);
        if (!qr) {
            log_.line("the QR code could not be encoded; its data is in store/qr-data.txt");
        } else if (args_.method == "qr-terminal") {
            ctx_.err
                << (qr_serial_ == 1 ? "" : "\nWhatsApp replaced the code; scan this one instead:\n")
                << "Scan this QR code with WhatsApp on your phone (Settings > Linked Devices > "
                   "Link a Device):\n\n"
                << qr_terminal_text(*qr) << std::flush;
        } else {
            core::replace_file(files_.html, qr_auth_page(qr_svg(*qr), qr_serial_));
            if (qr_serial_ == 1) show_page();
        }
        log_.line(fmt::format("QR code {} written to store/qr-data.txt", qr_serial_));
        code_shown();
    }

    void show_page() {
        log_.line("QR page: " + files_.html.string());
        const auto platform = platform_of(ctx_);
        if (platform.headless) {
            log_.line("headless: the QR page is not opened; open it in a browser, or use "
                      "--method qr-terminal or pairing-code");
            return;
        }
        open_in_browser(files_.html, platform, ctx_.env, log_);
    }

    void on_pairing_code(const std::string& code) {
        if (args_.method != "pairing-code" || code == pairing_code_) return;
        core::replace_file(files_.status, "pairing_code:" + code);
        core::replace_file(files_.pairing_code, code);
        pairing_code_ = code;
        log_.line("pairing code " + code + " written to store/pairing-code.txt");
        ctx_.err << "Your pairing code: " << code
                 << "\nOn your phone: WhatsApp > Settings > Linked Devices > Link a Device > "
                    "\"Link with phone number instead\", then enter the code.\n"
                 << std::flush;
        print_block(ctx_, args_.method, "pairing_code_ready", {{"PAIRING_CODE", code}}, "waiting");
        code_shown();
    }

    // The bridge has saved the credentials and exited before anything says "linked", so whoever
    // reads auth-status.txt next can start the daemon on a complete store/auth.
    int linked(BridgeClient& bridge, const std::string& status, const std::string& connected_id) {
        if (status == "authenticated")
            wait_for_exit(bridge);
        else
            send(bridge, wa::encode_shutdown()); // no socket was opened: nothing to save
        if (bridge.finish(Clock::now() + timeouts_.shutdown) != 0)
            log_.line("warning: the bridge did not exit cleanly");
        remove_file(files_.qr_data);
        core::replace_file(files_.status, status);
        std::error_code ec;
        if (fs::exists(files_.html, ec)) core::replace_file(files_.html, auth_success_page());
        auto phone = phone_from_creds(files_.auth_dir / "creds.json");
        if (!phone) phone = phone_of_jid(connected_id);
        Fields extra;
        if (pairing_code_) extra.emplace_back("PAIRING_CODE", *pairing_code_);
        if (phone) extra.emplace_back("PHONE_NUMBER", *phone);
        log_.line(status + (phone ? " as " + *phone : std::string()));
        ctx_.err << "WhatsApp is linked" << (phone ? " (" + *phone + ")" : std::string())
                 << ". Start the service (nanoclaw setup --step service), or restart it if it runs "
                    "(systemctl --user restart nanoclaw; see docs/service.md).\n";
        print_block(ctx_, args_.method, status, extra, "success");
        return k_exit_ok;
    }

    // In auth mode the bridge saves the last credential updates after `connected` and exits by
    // itself (about 1 s); `shutdown` would cut that wait short, so it is only the fallback.
    void wait_for_exit(BridgeClient& bridge) {
        const auto deadline = Clock::now() + timeouts_.shutdown;
        while (true) {
            const auto read = bridge.next(deadline);
            if (read.kind == BridgeRead::Kind::closed) return;
            if (read.kind == BridgeRead::Kind::timeout) break;
        }
        log_.line("the bridge is still running after linking: asking it to shut down");
        send(bridge, wa::encode_shutdown());
    }

    int timed_out() {
        if (!waiting_first_) {
            return fail(ctx_, log_, args_.method, "timeout", k_exit_timed_out,
                        "the link did not complete in time", pairing_code_);
        }
        const bool pairing = args_.method == "pairing-code";
        return fail(ctx_, log_, args_.method, pairing ? "pairing_code_timeout" : "qr_timeout",
                    k_exit_timed_out, pairing ? "no pairing code came" : "no QR code came");
    }

    int bridge_gone(BridgeClient& bridge) {
        core::replace_file(files_.status, "failed:unknown");
        const auto code = bridge.exit_code();
        return fail(ctx_, log_, args_.method, "bridge_exited", k_exit_failed,
                    "the bridge exited (" +
                        (code ? "code " + std::to_string(*code) : std::string("killed")) +
                        ") before the link completed; its messages are above in this log",
                    pairing_code_);
    }

    const SetupContext& ctx_;
    const SetupLog& log_;
    const AuthArgs& args_;
    const WhatsAppAuthTimeouts& timeouts_;
    Files files_;
    Clock::time_point deadline_;
    bool waiting_first_ = true;
    int qr_serial_ = 0;
    std::optional<std::string> pairing_code_;
};

// Two sessions on one store/auth knock each other off WhatsApp (440), and the wipe would pull
// the credentials from under the daemon.
std::optional<pid_t> blocking_daemon(const SetupContext& ctx, const AuthArgs& args,
                                     const Files& files) {
    if (args.keep && creds_registered(files.auth_dir / "creds.json")) return std::nullopt;
    return core::running_daemon_pid(core::daemon_lock_path(ctx.config.data_dir));
}

// §11.1 step 1: re-running the step re-links the device, unless --keep finds it linked.
void clear_state(const AuthArgs& args, const Files& files, const SetupLog& log) {
    std::error_code ec;
    if (args.keep && creds_registered(files.auth_dir / "creds.json")) {
        log.line("--keep: store/auth is linked already and is kept");
    } else {
        fs::remove_all(files.auth_dir, ec);
        if (ec)
            throw std::runtime_error("cannot remove " + files.auth_dir.string() + ": " +
                                     ec.message());
        log.line("removed store/auth: this machine is linked again");
    }
    for (const auto& file : {files.status, files.qr_data, files.pairing_code, files.html})
        remove_file(file);
    fs::create_directories(files.auth_dir);
    fs::permissions(files.auth_dir, fs::perms::owner_all, ec); // the session's keys
}

std::string request_phone(const AuthArgs& args) {
    return args.method == "pairing-code" ? " for " + args.phone : std::string();
}

} // namespace

int whatsapp_auth_step(const std::vector<std::string>& raw, const SetupContext& ctx,
                       const WhatsAppAuthTimeouts& timeouts) {
    const SetupLog log(ctx.config.root, "whatsapp-auth");
    const auto args = parse_auth_args(raw);
    if (!args)
        return fail(ctx, log, args.error().method, args.error().error, k_exit_bad_input,
                    args.error().detail);
    const Files files(ctx.config.store_dir);
    BridgeRequest request{BridgeMode::auth, std::nullopt, [&log](std::string_view line) {
                              log.line("bridge: " + std::string(line));
                          }};
    if (args->method == "pairing-code") request.pairing_phone = args->phone;
    auto spawn = bridge_spawn(ctx, std::move(request));
    if (!spawn) {
        ctx.err << "Cannot start the WhatsApp bridge: " << spawn.error() << "\n";
        return fail(ctx, log, args->method, "bridge_not_found", k_exit_failed, spawn.error());
    }
    if (const auto pid = blocking_daemon(ctx, *args, files)) {
        const auto why = fmt::format(
            "nanoclawd (PID {}) is running on this root and holds the WhatsApp session; stop it "
            "first (systemctl --user stop nanoclaw, or see docs/service.md), run this step, then "
            "start it again",
            *pid);
        ctx.err << why << "\n";
        return fail(ctx, log, args->method, "daemon_running", k_exit_failed, why);
    }
    log.line(fmt::format("linking WhatsApp by {}{}: {}", args->method, request_phone(*args),
                         fmt::join(spawn->argv, " ")));
    clear_state(*args, files, log);
    auto bridge = BridgeClient::start(std::move(*spawn));
    if (!bridge)
        return fail(ctx, log, args->method, "bridge_not_found", k_exit_failed, bridge.error());
    AuthSession session(ctx, log, *args, timeouts);
    return session.run(**bridge); // the bridge is stopped when it goes out of scope
}

int whatsapp_auth_step(const std::vector<std::string>& args, const SetupContext& ctx) {
    return whatsapp_auth_step(args, ctx, WhatsAppAuthTimeouts{});
}

} // namespace nanoclaw::setup

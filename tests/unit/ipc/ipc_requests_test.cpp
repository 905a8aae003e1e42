// SPDX-License-Identifier: MIT
#include "nanoclaw/ipc/ipc_requests.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fake_deps.hpp"

using namespace nanoclaw;
using ipc::Outcome;
using json = nlohmann::json;

class IpcRequestsTest : public ::testing::Test {
protected:
    void SetUp() override {
        deps_.groups["main@g.us"] = {"Main", "whatsapp_main", "@Andy", "t", {}, {}, true};
        deps_.groups["other@g.us"] = {"Other", "other-group", "@Andy", "t", {}, {}, {}};
        deps_.groups["third@g.us"] = {"Third", "third-group", "@Andy", "t", {}, {}, {}};
        add_task("task-main", "whatsapp_main", "main@g.us", "active");
        add_task("task-other", "other-group", "other@g.us", "active");
        add_task("task-paused", "other-group", "other@g.us", "paused");
    }
    void add_task(const std::string& id, const std::string& folder, const std::string& jid,
                  const std::string& status) {
        core::ScheduledTask t;
        t.id = id;
        t.group_folder = folder;
        t.chat_jid = jid;
        t.prompt = "p";
        t.schedule_type = "once";
        t.schedule_value = "2025-06-01T00:00:00";
        t.status = status;
        deps_.tasks[id] = t;
    }
    Outcome task(json data, const std::string& folder, bool is_main) {
        return run(ipc::handle_task_request(data, folder, is_main, deps_));
    }
    Outcome message(json data, const std::string& folder, bool is_main) {
        return run(ipc::handle_message_request(data, folder, is_main, deps_));
    }
    Outcome run(awaitable<Outcome> aw) {
        Outcome out = Outcome::invalid;
        std::exception_ptr error;
        asio::co_spawn(io_, std::move(aw), [&](std::exception_ptr e, Outcome o) {
            error = e;
            out = o;
        });
        io_.restart();
        io_.run();
        if (error) std::rethrow_exception(error);
        return out;
    }
    static json schedule(const std::string& target, const std::string& type = "once",
                         const std::string& value = "2025-06-01T00:00:00") {
        return {{"type", "schedule_task"}, {"prompt", "do something"}, {"schedule_type", type},
                {"schedule_value", value}, {"targetJid", target}};
    }
    size_t tasks_in(const std::string& folder) {
        size_t n = 0;
        for (auto& [id, t] : deps_.tasks) n += t.group_folder == folder && id.rfind("task-", 0) == 0 &&
                                              id != "task-other" && id != "task-paused";
        return n;
    }

    asio::io_context io_;
    nanoclaw::testing::FakeIpcDeps deps_;
};

TEST_F(IpcRequestsTest, MainCanScheduleForAnotherGroup) {
    EXPECT_EQ(task(schedule("other@g.us"), "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(tasks_in("other-group"), 1u);
    EXPECT_EQ(deps_.tasks_changed_calls, 1);
}

TEST_F(IpcRequestsTest, NonMainCanScheduleForItself) {
    EXPECT_EQ(task(schedule("other@g.us"), "other-group", false), Outcome::done);
    EXPECT_EQ(tasks_in("other-group"), 1u);
}

TEST_F(IpcRequestsTest, NonMainCannotScheduleForAnotherGroup) {
    EXPECT_EQ(task(schedule("main@g.us"), "other-group", false), Outcome::unauthorized);
    EXPECT_EQ(deps_.tasks.size(), 3u);
}

TEST_F(IpcRequestsTest, RejectsUnregisteredTarget) {
    EXPECT_EQ(task(schedule("unknown@g.us"), "whatsapp_main", true), Outcome::invalid);
    EXPECT_EQ(deps_.tasks.size(), 3u);
}

TEST_F(IpcRequestsTest, IsMainInFileIsIgnored) {
    auto data = schedule("main@g.us");
    data["isMain"] = true;
    data["groupFolder"] = "whatsapp_main";
    EXPECT_EQ(task(data, "other-group", false), Outcome::unauthorized);
}

TEST_F(IpcRequestsTest, PauseAuthorization) {
    EXPECT_EQ(task({{"type", "pause_task"}, {"taskId", "task-other"}}, "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(deps_.tasks["task-other"].status, "paused");
    deps_.tasks["task-other"].status = "active";
    EXPECT_EQ(task({{"type", "pause_task"}, {"taskId", "task-other"}}, "other-group", false), Outcome::done);
    EXPECT_EQ(deps_.tasks["task-other"].status, "paused");
    EXPECT_EQ(task({{"type", "pause_task"}, {"taskId", "task-main"}}, "other-group", false),
              Outcome::unauthorized);
    EXPECT_EQ(deps_.tasks["task-main"].status, "active");
}

TEST_F(IpcRequestsTest, ResumeAuthorization) {
    EXPECT_EQ(task({{"type", "resume_task"}, {"taskId", "task-paused"}}, "third-group", false),
              Outcome::unauthorized);
    EXPECT_EQ(deps_.tasks["task-paused"].status, "paused");
    EXPECT_EQ(task({{"type", "resume_task"}, {"taskId", "task-paused"}}, "other-group", false), Outcome::done);
    EXPECT_EQ(deps_.tasks["task-paused"].status, "active");
    deps_.tasks["task-paused"].status = "paused";
    EXPECT_EQ(task({{"type", "resume_task"}, {"taskId", "task-paused"}}, "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(deps_.tasks["task-paused"].status, "active");
}

TEST_F(IpcRequestsTest, CancelAuthorization) {
    EXPECT_EQ(task({{"type", "cancel_task"}, {"taskId", "task-main"}}, "other-group", false),
              Outcome::unauthorized);
    EXPECT_TRUE(deps_.tasks.contains("task-main"));
    EXPECT_EQ(task({{"type", "cancel_task"}, {"taskId", "task-other"}}, "other-group", false), Outcome::done);
    EXPECT_FALSE(deps_.tasks.contains("task-other"));
    EXPECT_EQ(task({{"type", "cancel_task"}, {"taskId", "task-main"}}, "whatsapp_main", true), Outcome::done);
    EXPECT_FALSE(deps_.tasks.contains("task-main"));
}

TEST_F(IpcRequestsTest, UnknownTaskIsRefused) {
    EXPECT_EQ(task({{"type", "pause_task"}, {"taskId", "nope"}}, "whatsapp_main", true), Outcome::unauthorized);
    EXPECT_EQ(task({{"type", "pause_task"}}, "whatsapp_main", true), Outcome::unauthorized);
}

TEST_F(IpcRequestsTest, RegisterGroupNeedsMain) {
    json data = {{"type", "register_group"}, {"jid", "new@g.us"}, {"name", "New Group"},
                 {"folder", "new-group"}, {"trigger", "@Andy"}};
    EXPECT_EQ(task(data, "other-group", false), Outcome::unauthorized);
    EXPECT_FALSE(deps_.groups.contains("new@g.us"));
    EXPECT_EQ(task(data, "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(deps_.groups["new@g.us"].name, "New Group");
    EXPECT_EQ(deps_.groups["new@g.us"].folder, "new-group");
    EXPECT_EQ(deps_.groups["new@g.us"].trigger, "@Andy");
    EXPECT_EQ(deps_.groups["new@g.us"].added_at, deps_.now);
    EXPECT_FALSE(deps_.groups["new@g.us"].is_main.has_value());
}

TEST_F(IpcRequestsTest, RegisterGroupRejectsUnsafeFolderAndMissingFields) {
    EXPECT_EQ(task({{"type", "register_group"}, {"jid", "new@g.us"}, {"name", "N"}, {"folder", "../../outside"},
                    {"trigger", "@Andy"}},
                   "whatsapp_main", true),
              Outcome::invalid);
    EXPECT_EQ(task({{"type", "register_group"}, {"jid", "partial@g.us"}, {"name", "Partial"}}, "whatsapp_main",
                   true),
              Outcome::invalid);
    EXPECT_FALSE(deps_.groups.contains("new@g.us"));
    EXPECT_FALSE(deps_.groups.contains("partial@g.us"));
}

TEST_F(IpcRequestsTest, RegisterGroupKeepsMainFlagOfExistingRegistration) {
    EXPECT_EQ(task({{"type", "register_group"}, {"jid", "main@g.us"}, {"name", "Main 2"},
                    {"folder", "whatsapp_main"}, {"trigger", "@Andy"}, {"isMain", false}},
                   "whatsapp_main", true),
              Outcome::done);
    EXPECT_EQ(deps_.groups["main@g.us"].is_main, true);
    EXPECT_EQ(deps_.groups["main@g.us"].name, "Main 2");
}

TEST_F(IpcRequestsTest, RegisterGroupNeverGrantsMain) {
    task({{"type", "register_group"}, {"jid", "x@g.us"}, {"name", "X"}, {"folder", "x"},
          {"trigger", "@Andy"}, {"isMain", true}},
         "whatsapp_main", true);
    EXPECT_FALSE(deps_.groups["x@g.us"].main());
}

TEST_F(IpcRequestsTest, RegisterGroupRefusesFolderOfAnotherJid) {
    EXPECT_EQ(task({{"type", "register_group"}, {"jid", "thief@g.us"}, {"name", "T"}, {"folder", "other-group"},
                    {"trigger", "@Andy"}},
                   "whatsapp_main", true),
              Outcome::invalid);
    EXPECT_FALSE(deps_.groups.contains("thief@g.us"));
    EXPECT_EQ(deps_.groups["other@g.us"].folder, "other-group");
}

TEST_F(IpcRequestsTest, RegisterGroupOptionalFields) {
    task({{"type", "register_group"}, {"jid", "n@g.us"}, {"name", "N"}, {"folder", "n"}, {"trigger", "@A"},
          {"requiresTrigger", false},
          {"containerConfig", {{"additionalMounts", {{{"hostPath", "~/x"}, {"readonly", true}}}}}}},
         "whatsapp_main", true);
    ASSERT_TRUE(deps_.groups.contains("n@g.us"));
    EXPECT_EQ(deps_.groups["n@g.us"].requires_trigger, false);
    ASSERT_TRUE(deps_.groups["n@g.us"].container_config);
    EXPECT_EQ(deps_.groups["n@g.us"].container_config->additional_mounts.at(0).host_path, "~/x");
}

TEST_F(IpcRequestsTest, RefreshGroupsOnlyForMain) {
    EXPECT_EQ(task({{"type", "refresh_groups"}}, "other-group", false), Outcome::unauthorized);
    EXPECT_TRUE(deps_.refreshed.empty());
    EXPECT_EQ(task({{"type", "refresh_groups"}}, "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(deps_.refreshed, std::vector<std::string>{"whatsapp_main"});
}

TEST_F(IpcRequestsTest, MessageAuthorization) {
    auto msg = [](const std::string& jid) { return json{{"type", "message"}, {"chatJid", jid}, {"text", "hi"}}; };
    EXPECT_EQ(message(msg("other@g.us"), "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(message(msg("third@g.us"), "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(message(msg("unknown@g.us"), "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(message(msg("other@g.us"), "other-group", false), Outcome::done);
    EXPECT_EQ(message(msg("main@g.us"), "other-group", false), Outcome::unauthorized);
    EXPECT_EQ(message(msg("third@g.us"), "other-group", false), Outcome::unauthorized);
    EXPECT_EQ(message(msg("unknown@g.us"), "other-group", false), Outcome::unauthorized);
    EXPECT_EQ(deps_.sent.size(), 4u);
}

TEST_F(IpcRequestsTest, MessageTextIsSentVerbatim) {
    message({{"type", "message"}, {"chatJid", "other@g.us"}, {"text", "a <internal>x</internal> b"}},
            "other-group", false);
    ASSERT_EQ(deps_.sent.size(), 1u);
    EXPECT_EQ(deps_.sent[0].second, "a <internal>x</internal> b");
}

TEST_F(IpcRequestsTest, MessageWithNonStringFieldsIsNotSent) {
    EXPECT_EQ(message({{"type", "message"}, {"chatJid", "other@g.us"}, {"text", 123}}, "other-group", false),
              Outcome::invalid);
    EXPECT_EQ(message({{"type", "message"}, {"chatJid", "other@g.us"}, {"text", ""}}, "other-group", false),
              Outcome::invalid);
    EXPECT_EQ(message({{"type", "other"}}, "other-group", false), Outcome::ignored);
    EXPECT_EQ(message(json::array(), "other-group", false), Outcome::ignored);
    EXPECT_TRUE(deps_.sent.empty());
}

TEST_F(IpcRequestsTest, MessageWithoutChannelThrows) {
    deps_.channel_jids = {"other@g.us"};
    EXPECT_THROW(message({{"type", "message"}, {"chatJid", "nochannel@x"}, {"text", "hi"}}, "whatsapp_main", true),
                 std::runtime_error);
}

TEST_F(IpcRequestsTest, ScheduleTypes) {
    EXPECT_EQ(task(schedule("other@g.us", "cron", "0 9 * * *"), "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(task(schedule("other@g.us", "cron", "not a cron"), "whatsapp_main", true), Outcome::invalid);
    EXPECT_EQ(task(schedule("other@g.us", "interval", "3600000"), "whatsapp_main", true), Outcome::done);
    EXPECT_EQ(task(schedule("other@g.us", "interval", "abc"), "whatsapp_main", true), Outcome::invalid);
    EXPECT_EQ(task(schedule("other@g.us", "interval", "0"), "whatsapp_main", true), Outcome::invalid);
    EXPECT_EQ(task(schedule("other@g.us", "once", "not-a-date"), "whatsapp_main", true), Outcome::invalid);
    EXPECT_EQ(deps_.tasks.size(), 5u);
    bool saw_interval = false;
    for (auto& [id, t] : deps_.tasks) {
        if (t.schedule_type == "interval") {
            saw_interval = true;
            EXPECT_EQ(t.next_run, "2026-01-01T01:00:00.000Z");
        }
    }
    EXPECT_TRUE(saw_interval);
}

TEST_F(IpcRequestsTest, ContextModeRules) {
    for (auto [given, stored] : std::vector<std::pair<std::string, std::string>>{
             {"group", "group"}, {"isolated", "isolated"}, {"bogus", "isolated"}, {"", "isolated"}}) {
        auto data = schedule("other@g.us");
        data["taskId"] = "ctx-" + given;
        if (!given.empty()) data["context_mode"] = given;
        ASSERT_EQ(task(data, "whatsapp_main", true), Outcome::done);
        EXPECT_EQ(deps_.tasks["ctx-" + given].context_mode, stored) << given;
    }
}

TEST_F(IpcRequestsTest, GeneratedTaskIdShape) {
    task(schedule("other@g.us"), "whatsapp_main", true);
    std::string id;
    for (auto& [k, t] : deps_.tasks) {
        if (k.rfind("task-1", 0) == 0 || (k.rfind("task-", 0) == 0 && k.size() > 20)) id = k;
    }
    ASSERT_FALSE(id.empty());
    EXPECT_EQ(id.substr(id.rfind('-') + 1).size(), 6u);
}

TEST_F(IpcRequestsTest, DuplicateTaskIdThrows) {
    auto data = schedule("other@g.us");
    data["taskId"] = "task-other";
    EXPECT_THROW(task(data, "whatsapp_main", true), std::runtime_error);
}

TEST_F(IpcRequestsTest, UpdateTaskRecomputesNextRunAndRejectsInvalid) {
    deps_.tasks["task-other"].schedule_type = "interval";
    deps_.tasks["task-other"].schedule_value = "60000";
    deps_.tasks["task-other"].next_run = "old";
    EXPECT_EQ(task({{"type", "update_task"}, {"taskId", "task-other"}, {"schedule_value", "3600000"}},
                   "other-group", false),
              Outcome::done);
    EXPECT_EQ(deps_.tasks["task-other"].next_run, "2026-01-01T01:00:00.000Z");
    EXPECT_EQ(task({{"type", "update_task"}, {"taskId", "task-other"}, {"prompt", "new"},
                    {"schedule_type", "cron"}, {"schedule_value", "garbage"}},
                   "other-group", false),
              Outcome::invalid);
    EXPECT_EQ(deps_.tasks["task-other"].prompt, "p"); // nothing applied
    EXPECT_EQ(deps_.tasks["task-other"].schedule_type, "interval");
}

TEST_F(IpcRequestsTest, UpdateTaskOnceValueRecomputes) {
    EXPECT_EQ(task({{"type", "update_task"}, {"taskId", "task-other"}, {"schedule_value", "2027-01-01T10:00:00"}},
                   "other-group", false),
              Outcome::done);
    EXPECT_EQ(deps_.tasks["task-other"].next_run, "2027-01-01T10:00:00");
}

TEST_F(IpcRequestsTest, UpdateTaskAuthorizationAndBadTypes) {
    EXPECT_EQ(task({{"type", "update_task"}, {"taskId", "task-main"}, {"prompt", "x"}}, "other-group", false),
              Outcome::unauthorized);
    EXPECT_THROW(task({{"type", "update_task"}, {"taskId", "task-other"}, {"prompt", nullptr}, {"schedule_type", 5}},
                      "other-group", false),
                 std::invalid_argument);
    EXPECT_THROW(task({{"type", "update_task"}, {"taskId", "task-other"}, {"prompt", ""}}, "other-group", false),
                 std::invalid_argument);
    EXPECT_EQ(task({{"type", "update_task"}, {"taskId", "task-other"}, {"prompt", "fresh"}}, "other-group", false),
              Outcome::done);
    EXPECT_EQ(deps_.tasks["task-other"].prompt, "fresh");
}

TEST_F(IpcRequestsTest, UnknownTypeIsIgnored) {
    EXPECT_EQ(task({{"type", "launch_missiles"}}, "whatsapp_main", true), Outcome::ignored);
    EXPECT_EQ(task(json("string"), "whatsapp_main", true), Outcome::ignored);
}

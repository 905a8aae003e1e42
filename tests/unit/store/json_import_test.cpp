// SPDX-License-Identifier: MIT
// Legacy JSON import (spec 10 §10.4): imported files are renamed aside, unparsable ones stay.
#include <gmock/gmock.h>

#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

class JsonImportTest : public ::testing::Test {
  protected:
    TempDir dir_;
    ManualClock clock_;
    std::filesystem::path data_ = dir_.path() / "data";

    Store open() {
        return Store::open(dir_.path() / "store" / "messages.db",
                           StoreOptions{clock_, "Andy", data_});
    }
    bool exists(const std::string& name) { return std::filesystem::exists(data_ / name); }
};

TEST_F(JsonImportTest, ImportsRouterStateAndRenamesFile) {
    dir_.write(
        "data/router_state.json",
        R"({"last_timestamp":"2024-01-01T00:00:00.000Z","last_agent_timestamp":{"a@g.us":"2024-01-01T00:00:01.000Z"}})");
    auto store = open();
    EXPECT_EQ(store.get_router_state("last_timestamp"), "2024-01-01T00:00:00.000Z");
    EXPECT_EQ(store.get_router_state("last_agent_timestamp"),
              R"({"a@g.us":"2024-01-01T00:00:01.000Z"})");
    EXPECT_FALSE(exists("router_state.json"));
    EXPECT_TRUE(exists("router_state.json.migrated"));
}

TEST_F(JsonImportTest, FalsyRouterValuesAreNotWritten) {
    dir_.write("data/router_state.json", R"({"last_timestamp":"","last_agent_timestamp":null})");
    auto store = open();
    EXPECT_EQ(store.get_router_state("last_timestamp"), std::nullopt);
    EXPECT_EQ(store.get_router_state("last_agent_timestamp"), std::nullopt);
    EXPECT_TRUE(exists("router_state.json.migrated"));
}

TEST_F(JsonImportTest, ImportsSessionsSkippingNonStrings) {
    dir_.write("data/sessions.json", R"({"main":"s-1","family":"s-2","odd":5})");
    auto store = open();
    EXPECT_EQ(store.get_all_sessions(),
              (std::map<std::string, std::string>{{"family", "s-2"}, {"main", "s-1"}}));
    EXPECT_TRUE(exists("sessions.json.migrated"));
}

TEST_F(JsonImportTest, ImportsGroupsSkippingInvalidFolders) {
    dir_.write("data/registered_groups.json", R"({
      "a@g.us": {"name":"A","folder":"main","trigger":"@Andy","added_at":"2024-01-01T00:00:00.000Z"},
      "b@g.us": {"name":"B","folder":"../bad","trigger":"@Andy","added_at":"2024-01-01T00:00:00.000Z"},
      "c@g.us": {"name":"C","folder":"solo","trigger":"@Andy","added_at":"2024-01-01T00:00:00.000Z",
                 "requiresTrigger":false,"isMain":true,"containerConfig":{"timeout":5000}},
      "d@g.us": {"name":"D","folder":"no-trigger"}
    })");
    auto store = open();
    const auto groups = store.get_all_registered_groups();
    ASSERT_EQ(groups.size(), 2U);
    // The folder='main' backfill is a migration; it does not apply to imported rows.
    EXPECT_EQ(groups.at("a@g.us").is_main, std::nullopt);
    EXPECT_EQ(groups.at("c@g.us").is_main, true);
    EXPECT_EQ(groups.at("c@g.us").requires_trigger, false);
    EXPECT_EQ(groups.at("c@g.us").container_config->timeout, 5000);
    EXPECT_TRUE(exists("registered_groups.json.migrated"));
}

TEST_F(JsonImportTest, ImportedGroupOverwritesRowWithSameJid) {
    {
        auto store = Store::open(dir_.path() / "store" / "messages.db", StoreOptions{clock_});
        core::RegisteredGroup g{"Old", "old", "@Andy", "x", {}, {}, {}};
        store.set_registered_group("a@g.us", g);
    }
    dir_.write("data/registered_groups.json",
               R"({"a@g.us":{"name":"New","folder":"new","trigger":"@Andy","added_at":"y"}})");
    auto store = open();
    EXPECT_EQ(store.get_registered_group("a@g.us")->group.name, "New");
}

TEST_F(JsonImportTest, UnparsableFileIsLeftInPlaceAndRetried) {
    dir_.write("data/sessions.json", "{broken");
    {
        auto store = open();
        EXPECT_TRUE(store.get_all_sessions().empty());
    }
    EXPECT_TRUE(exists("sessions.json"));
    EXPECT_EQ(TempDir::read(data_ / "sessions.json"), "{broken");
    dir_.write("data/sessions.json", R"({"main":"fixed"})");
    auto store = open();
    EXPECT_EQ(store.get_session("main"), "fixed");
    EXPECT_FALSE(exists("sessions.json"));
}

TEST_F(JsonImportTest, NonObjectFileIsRenamedButIgnored) {
    dir_.write("data/registered_groups.json", R"(["a@g.us"])");
    auto store = open();
    EXPECT_TRUE(store.get_all_registered_groups().empty());
    EXPECT_TRUE(exists("registered_groups.json.migrated"));
}

TEST_F(JsonImportTest, MissingDataDirectoryIsFine) {
    auto store = open();
    EXPECT_TRUE(store.get_all_sessions().empty());
    EXPECT_FALSE(std::filesystem::exists(data_));
}

TEST_F(JsonImportTest, InMemoryStoreNeverImports) {
    dir_.write("data/sessions.json", R"({"main":"s"})");
    auto store = Store::open_in_memory(StoreOptions{clock_, "Andy", data_});
    EXPECT_TRUE(store.get_all_sessions().empty());
    EXPECT_TRUE(exists("sessions.json"));
}

} // namespace
} // namespace nanoclaw::store::testing

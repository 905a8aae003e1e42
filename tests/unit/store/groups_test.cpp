// SPDX-License-Identifier: MIT
// Registered groups: v1's row mapping (absent vs false), folder validation, quirk 4 and our
// checked registration.
#include <gmock/gmock.h>

#include "nanoclaw/core/group_folder.hpp"
#include "store_test_support.hpp"

namespace nanoclaw::store::testing {
namespace {

using ::testing::HasSubstr;

core::RegisteredGroup group(std::string name, std::string folder) {
    core::RegisteredGroup g;
    g.name = std::move(name);
    g.folder = std::move(folder);
    g.trigger = "@Andy";
    g.added_at = "2024-01-01T00:00:00.000Z";
    return g;
}

using GroupsTest = MemoryStoreTest;

TEST_F(GroupsTest, PersistsIsMainThroughRoundTrip) {
    auto g = group("Main Chat", "whatsapp_main");
    g.is_main = true;
    store_.set_registered_group("main@s.whatsapp.net", g);
    const auto all = store_.get_all_registered_groups();
    EXPECT_EQ(all.at("main@s.whatsapp.net").is_main, true);
    EXPECT_EQ(all.at("main@s.whatsapp.net").folder, "whatsapp_main");
}

TEST_F(GroupsTest, OmitsIsMainForNonMainGroups) {
    auto g = group("Family Chat", "whatsapp_family-chat");
    store_.set_registered_group("group@g.us", g);
    g.is_main = false;
    store_.set_registered_group("other@g.us", group("Other", "other"));
    const auto all = store_.get_all_registered_groups();
    EXPECT_EQ(all.at("group@g.us").is_main, std::nullopt);
    EXPECT_EQ(all.at("other@g.us").is_main, std::nullopt);
}

TEST_F(GroupsTest, RequiresTriggerAbsentReadsAsTrueAndFalseStaysFalse) {
    store_.set_registered_group("a@g.us", group("A", "a"));
    auto solo = group("B", "b");
    solo.requires_trigger = false;
    store_.set_registered_group("b@g.us", solo);
    const auto all = store_.get_all_registered_groups();
    EXPECT_EQ(all.at("a@g.us").requires_trigger, true);
    EXPECT_EQ(all.at("b@g.us").requires_trigger, false);
}

TEST_F(GroupsTest, RoundTripsEveryField) {
    auto g = group("Full", "telegram_dev-team");
    g.container_config =
        core::ContainerConfig{{core::AdditionalMount{"~/src", "src", false}}, 120000};
    g.requires_trigger = true;
    g.is_main = true;
    store_.set_registered_group("tg:-100", g);
    const auto entry = store_.get_registered_group("tg:-100");
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->jid, "tg:-100");
    EXPECT_EQ(entry->group, g);
    EXPECT_EQ(store_.get_registered_group_by_folder("telegram_dev-team"), entry);
    EXPECT_EQ(store_.get_registered_group("unknown"), std::nullopt);
    EXPECT_EQ(store_.get_registered_group_by_folder("unknown"), std::nullopt);
}

TEST_F(GroupsTest, InvalidFolderThrowsV1Message) {
    try {
        store_.set_registered_group("x@g.us", group("X", "../escape"));
        FAIL() << "expected InvalidGroupFolder";
    } catch (const core::InvalidGroupFolder& e) {
        EXPECT_STREQ(e.what(), "Invalid group folder \"../escape\" for JID x@g.us");
    }
    EXPECT_TRUE(store_.get_all_registered_groups().empty());
}

TEST_F(GroupsTest, RawSetterReplacesOtherJidWithSameFolder) { // quirk 4, kept for compatibility
    store_.set_registered_group("a@g.us", group("A", "shared"));
    store_.set_registered_group("b@g.us", group("B", "shared"));
    const auto all = store_.get_all_registered_groups();
    ASSERT_EQ(all.size(), 1U);
    EXPECT_EQ(all.begin()->first, "b@g.us");
}

TEST_F(GroupsTest, CheckedRegistrationRefusesFolderOfAnotherJid) {
    ASSERT_TRUE(store_.register_group_checked("a@g.us", group("A", "shared")));
    const auto refused = store_.register_group_checked("b@g.us", group("B", "shared"));
    ASSERT_FALSE(refused);
    EXPECT_THAT(refused.error(), HasSubstr("shared"));
    EXPECT_THAT(refused.error(), HasSubstr("a@g.us"));
    EXPECT_EQ(store_.get_all_registered_groups().size(), 1U);
    EXPECT_EQ(store_.get_registered_group("a@g.us")->group.name, "A");
}

TEST_F(GroupsTest, CheckedRegistrationUpdatesSameJidAndValidatesFolder) {
    ASSERT_TRUE(store_.register_group_checked("a@g.us", group("A", "one")));
    ASSERT_TRUE(store_.register_group_checked("a@g.us", group("A2", "two")));
    EXPECT_EQ(store_.get_registered_group("a@g.us")->group.folder, "two");
    const auto bad = store_.register_group_checked("a@g.us", group("A", "global"));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "Invalid group folder \"global\" for JID a@g.us");
}

class GroupRowsTest : public ::testing::Test {
  protected:
    TempDir dir_;
    ManualClock clock_;
    std::filesystem::path db_file_ = dir_.path() / "messages.db";
};

TEST_F(GroupRowsTest, RowsWithInvalidFolderOrBadConfigAreHandled) {
    { Store::open(db_file_, StoreOptions{clock_}); }
    exec_sql(db_file_, "INSERT INTO registered_groups VALUES ('bad@g.us', 'Bad', '../etc', "
                       "'@Andy', 'x', NULL, 1, 0);"
                       "INSERT INTO registered_groups VALUES ('cfg@g.us', 'Cfg', 'cfg', '@Andy', "
                       "'x', '{not json', 2, 7);"
                       "INSERT INTO registered_groups VALUES ('nul@g.us', 'Nul', 'nul', '@Andy', "
                       "'x', '', NULL, NULL);");
    auto store = Store::open(db_file_, StoreOptions{clock_});
    const auto all = store.get_all_registered_groups();
    EXPECT_EQ(all.count("bad@g.us"), 0U);
    EXPECT_EQ(store.get_registered_group("bad@g.us"), std::nullopt);
    const auto& cfg = all.at("cfg@g.us");
    EXPECT_EQ(cfg.container_config, std::nullopt);
    EXPECT_EQ(cfg.requires_trigger, false); // anything but 1 is false
    EXPECT_EQ(cfg.is_main, std::nullopt);   // anything but 1 is absent
    const auto& nul = all.at("nul@g.us");
    EXPECT_EQ(nul.container_config, std::nullopt);
    EXPECT_EQ(nul.requires_trigger, std::nullopt);
}

} // namespace
} // namespace nanoclaw::store::testing

// SPDX-License-Identifier: MIT
#include "nanoclaw/core/types.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace nanoclaw::core;

TEST(TypesTest, RegisteredGroupUsesV1JsonKeys) {
    RegisteredGroup g{"Family", "family", "@Andy", "2024-01-01T00:00:00.000Z",
                      ContainerConfig{{AdditionalMount{"~/docs", "docs", false}}, 60000}, false, true};
    nlohmann::json j = g;
    EXPECT_EQ(j["containerConfig"]["additionalMounts"][0]["hostPath"], "~/docs");
    EXPECT_EQ(j["containerConfig"]["timeout"], 60000);
    EXPECT_EQ(j["requiresTrigger"], false);
    EXPECT_EQ(j["isMain"], true);
    EXPECT_EQ(j["added_at"], "2024-01-01T00:00:00.000Z");
    EXPECT_EQ(j.get<RegisteredGroup>(), g);
}

TEST(TypesTest, AbsentFlagsStayAbsent) {
    auto g = nlohmann::json::parse(R"({"name":"n","folder":"f","trigger":"@A","added_at":"x"})")
                 .get<RegisteredGroup>();
    EXPECT_FALSE(g.requires_trigger.has_value());
    EXPECT_FALSE(g.is_main.has_value());
    EXPECT_TRUE(g.needs_trigger());
    EXPECT_FALSE(g.main());
    nlohmann::json back = g;
    EXPECT_FALSE(back.contains("isMain"));
}

TEST(TypesTest, MainNeverNeedsTrigger) {
    RegisteredGroup g;
    g.is_main = true;
    g.requires_trigger = true;
    EXPECT_FALSE(g.needs_trigger());
}

TEST(TypesTest, MissingRequiredFieldThrows) {
    EXPECT_THROW(nlohmann::json::parse(R"({"name":"n"})").get<RegisteredGroup>(), nlohmann::json::exception);
}

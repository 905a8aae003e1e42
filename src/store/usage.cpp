// SPDX-License-Identifier: MIT
// Token usage per agent run: our additive table (see additive_tables.hpp for why it is lazy).
#include "impl.hpp"

namespace nanoclaw::store {

void Store::record_usage(const UsageRecord& r) {
    guarded("recording token usage of " + r.group_folder, [&] {
        impl_->ensure_table(k_token_usage_table);
        auto q = impl_->query(
            "INSERT INTO token_usage (recorded_at, group_folder, model, input_tokens, "
            "output_tokens, "
            "cache_creation_input_tokens, cache_read_input_tokens) VALUES (?, ?, ?, ?, ?, ?, ?)");
        q->bind(1, r.recorded_at.empty() ? impl_->now_iso() : r.recorded_at);
        q->bind(2, r.group_folder);
        bind_optional(*q, 3, r.model);
        q->bind(4, r.input_tokens);
        q->bind(5, r.output_tokens);
        q->bind(6, r.cache_creation_input_tokens);
        q->bind(7, r.cache_read_input_tokens);
        q->exec();
    });
}

std::vector<GroupUsage> Store::usage_by_group() {
    return guarded("summing token usage", [&] {
        std::vector<GroupUsage> totals;
        if (!impl_->has_table(k_token_usage_table)) return totals;
        auto q = impl_->query(
            "SELECT group_folder, COUNT(*), SUM(input_tokens), SUM(output_tokens), "
            "SUM(cache_creation_input_tokens), SUM(cache_read_input_tokens) FROM token_usage "
            "GROUP BY group_folder ORDER BY group_folder");
        while (q->executeStep()) {
            totals.push_back(GroupUsage{q->getColumn(0).getString(), q->getColumn(1).getInt64(),
                                        q->getColumn(2).getInt64(), q->getColumn(3).getInt64(),
                                        q->getColumn(4).getInt64(), q->getColumn(5).getInt64()});
        }
        return totals;
    });
}

} // namespace nanoclaw::store

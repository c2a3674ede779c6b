#include "corrections.h"

#include <map>

namespace vinledger {

std::optional<std::string> void_refusal(std::string_view void_actor, const VoidTarget& target,
                                        std::string_view operator_id) {
  const std::string seq = "seq " + std::to_string(target.seq);
  if (target.type == StatementType::kVoid)
    return seq + " is itself a void: a void cannot be withdrawn (record the statement again instead)";
  if (target.withdrawn_by)
    return seq + " was already withdrawn by seq " + std::to_string(*target.withdrawn_by);
  if (void_actor != target.actor && void_actor != operator_id)
    return seq + " was signed by '" + target.actor + "': only '" + target.actor + "' or the operator '" +
           std::string(operator_id) + "' may withdraw it, not '" + std::string(void_actor) + "'";
  return std::nullopt;
}

std::optional<Hash> void_target_of(const nlohmann::json& statement) {
  if (!statement.is_object() || statement.value("type", "") != "void") return std::nullopt;
  auto target = statement.find("target");
  if (target == statement.end() || !target->is_string()) return std::nullopt;
  return hash_from_hex(target->get_ref<const std::string&>());
}

std::vector<Withdrawal> chain_withdrawals(std::span<const ChainItem> chain, std::string_view operator_id) {
  std::map<Hash, std::size_t> index_of;  // entry hash -> position, for entries seen so far
  std::map<std::int64_t, std::int64_t> withdrawn_by;
  std::vector<Withdrawal> withdrawals;
  auto text = [](const nlohmann::json& statement, const char* name) {
    auto it = statement.find(name);
    return it != statement.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  for (std::size_t i = 0; i < chain.size(); ++i) {
    const nlohmann::json& statement = *chain[i].statement;
    if (auto target = void_target_of(statement)) {
      if (auto found = index_of.find(*target); found != index_of.end()) {
        const ChainItem& item = chain[found->second];
        const auto type = statement_type_from(text(*item.statement, "type"));
        std::optional<std::int64_t> already;
        if (auto it = withdrawn_by.find(item.seq); it != withdrawn_by.end()) already = it->second;
        const VoidTarget about{item.seq, type.value_or(StatementType::kParty), text(*item.statement, "actor"), already};
        if (type && !void_refusal(text(statement, "actor"), about, operator_id)) {
          withdrawn_by[item.seq] = chain[i].seq;
          Withdrawal withdrawal{item.seq, chain[i].seq, text(statement, "reason"), std::nullopt};
          // `record --corrects` appends the replacement right after its void.
          if (i + 1 < chain.size() && chain[i + 1].seq == chain[i].seq + 1 &&
              text(*chain[i + 1].statement, "actor") == text(statement, "actor") && !void_target_of(*chain[i + 1].statement))
            withdrawal.replaced_by = chain[i + 1].seq;
          withdrawals.push_back(std::move(withdrawal));
        }
      }
    }
    index_of.emplace(chain[i].hash, i);
  }
  return withdrawals;
}

}  // namespace vinledger

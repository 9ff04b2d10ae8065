#pragma once
// What planning considered, in order: each rewrite rule and each distribution step that was
// tried, whether it fired, and one line of why. EXPLAIN VERBOSE prints it; golden tests assert on
// it (`expect=RULE`, `expect-not=RULE`).

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace shardql::plan {
class PlanNode;
}

namespace shardql {

enum class TraceOutcome : uint8_t {
  kFired,     // changed the plan
  kRejected,  // matched, but a safety condition (or the cost) said no
  kDisabled,  // would have been tried: switched off by SET disabled_rules
};

const char* ToString(TraceOutcome outcome);

struct TraceEntry {
  std::string name;  // the rule's or step's name
  TraceOutcome outcome = TraceOutcome::kFired;
  std::string message;  // one line: what it did, or why not
  // A rule that fired: the subtree it matched and what it made of it (EXPLAIN VERBOSE prints
  // both, with the statement's columns).
  std::shared_ptr<const plan::PlanNode> before, after;
};

class RuleTrace {
 public:
  void Add(std::string name, TraceOutcome outcome, std::string message,
           std::shared_ptr<const plan::PlanNode> before = nullptr,
           std::shared_ptr<const plan::PlanNode> after = nullptr) {
    // The driver's later passes meet the same refusal again: once says it.
    if (outcome == TraceOutcome::kRejected) {
      for (const TraceEntry& e : entries_) {
        if (e.outcome == outcome && e.name == name && e.message == message) return;
      }
    }
    entries_.push_back(
        {std::move(name), outcome, std::move(message), std::move(before), std::move(after)});
  }
  const std::vector<TraceEntry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  // Forgets what was recorded after `size` entries: a plan attempt that was given up.
  void Truncate(size_t size) { entries_.resize(std::min(size, entries_.size())); }
  bool Fired(const std::string& name) const {
    for (const TraceEntry& e : entries_) {
      if (e.name == name && e.outcome == TraceOutcome::kFired) return true;
    }
    return false;
  }

 private:
  std::vector<TraceEntry> entries_;
};

}  // namespace shardql

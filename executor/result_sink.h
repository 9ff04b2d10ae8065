#pragma once
// Where a statement's results go: the front's side of a Session.

#include <string>
#include <vector>

#include "backends/backend.h"
#include "planner/logical_plan.h"

namespace shardql {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  // A statement that returns rows is about to send them.
  virtual void BeginRows(const std::vector<plan::OutputColumn>& columns) {}
  virtual void Rows(const RowBatch& batch) {}
  // The statement finished: PostgreSQL's command tag ("SELECT 3", "INSERT 0 1", "CREATE TABLE").
  virtual void Complete(const std::string& tag) {}
  // A warning or notice that does not fail the statement.
  virtual void Notice(const std::string& message) {}
};

// Sends one text column of lines (EXPLAIN's QUERY PLAN, SHOW's value) and the command tag.
void SendTextColumn(ResultSink& sink, const std::string& column,
                    const std::vector<std::string>& lines, const std::string& tag);

}  // namespace shardql

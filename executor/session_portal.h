#pragma once
// A bound portal of a Session (session.h): private to executor/.

#include <memory>

#include "executor/row_stream.h"
#include "executor/session.h"

namespace shardql {

struct Session::Portal {
  PlanLookup lookup;  // the plan and the bound values
  std::shared_ptr<CancelToken> cancel = std::make_shared<CancelToken>();
  // An open SELECT: its stream and the rows of a batch not yet sent.
  std::unique_ptr<ExecContext> ctx;
  std::unique_ptr<RowStream> rows;
  RowBatch pending;
  size_t pending_row = 0;
  size_t sent = 0;
  bool begun = false;
};

}  // namespace shardql
